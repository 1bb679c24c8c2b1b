//! Macros shared by the domain's modules. A leaf: it names no other module of the crate, so
//! any module can use it without an import cycle. Call sites bring `Serialize`, `Deserialize`,
//! `TS` and `DomainError` into scope themselves.

/// Declares a string-valued enum with `as_str`, `parse` and `ALL`, serialised in snake_case.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(DomainError::invalid(
                        field,
                        format!(
                            "'{}' is not a valid {}; expected one of: {}.",
                            other,
                            field.replace('_', " "),
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}

pub(crate) use string_enum;
