//! Key/value settings of this installation: the local profile, locale, theme, client id.

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Store, StoreResult};
use porchlight_domain::DomainError;

pub(crate) fn get(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    // Cached: every change asks whether the desktop is connected, and more.
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn set(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

pub const LOCALES: &[&str] = &["en", "tr", "pl", "fa"];
pub const THEMES: &[&str] = &["light", "dark"];

impl Store {
    /// Stores a UI preference; only known keys and values are accepted.
    pub fn set_preference(&self, key: &str, value: &str) -> StoreResult<()> {
        let allowed: &[&str] = match key {
            "locale" => LOCALES,
            "theme" => THEMES,
            _ => {
                return Err(DomainError::new(
                    porchlight_domain::ErrorCode::UnknownField,
                    Some(key),
                    format!("'{key}' is not a preference; use locale or theme."),
                )
                .into())
            }
        };
        if !allowed.contains(&value) {
            return Err(DomainError::invalid(
                key,
                format!(
                    "'{value}' is not a valid {key}; expected one of: {}.",
                    allowed.join(", ")
                ),
            )
            .into());
        }
        self.with_tx(|tx| set(tx, key, value))
    }
}
