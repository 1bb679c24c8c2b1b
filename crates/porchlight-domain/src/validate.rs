//! Field limits and the validators shared by mutations, mail, the knowledge base and the
//! configuration. A leaf: it names only `error`, so every module can use it without a cycle.

use crate::error::{DomainError, ErrorCode};

pub const MAX_SUBJECT: usize = 250;
pub const MAX_NAME: usize = 200;
pub const MAX_BODY: usize = 200_000;
pub const MAX_TAG: usize = 64;
pub const MAX_NOTES: usize = 10_000;
/// A rating's comment.
pub const MAX_COMMENT: usize = 2_000;

pub fn required_text(field: &str, s: &str, max: usize) -> Result<String, DomainError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DomainError::empty(field));
    }
    if t.chars().count() > max {
        return Err(DomainError::too_long(field, max));
    }
    Ok(t.to_string())
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn valid_email(s: &str) -> Result<String, DomainError> {
    let e = s.trim().to_lowercase();
    let bad = || {
        DomainError::new(
            ErrorCode::InvalidEmail,
            Some("email"),
            format!("'{}' is not a valid e-mail address.", s.trim()),
        )
    };
    if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || domain.contains(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(bad());
    }
    Ok(e)
}

pub fn valid_tag(s: &str) -> Result<String, DomainError> {
    let t = s.trim().to_lowercase().replace(char::is_whitespace, "-");
    if t.is_empty() {
        return Err(DomainError::empty("tag"));
    }
    if t.chars().count() > MAX_TAG {
        return Err(DomainError::too_long("tag", MAX_TAG));
    }
    if t.contains([',', ':', '"']) {
        return Err(DomainError::invalid(
            "tag",
            format!("'{t}' cannot contain commas, colons or quotes."),
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org", "ali@مثال.ایران"] {
            assert!(valid_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@b..co", "a b@c.co", "a@b.co.", "a@-@b.co",
        ] {
            assert!(valid_email(bad).is_err(), "{bad}");
        }
    }
}
