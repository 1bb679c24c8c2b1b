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

/// Where the window was left: its outer position, its inner size (physical pixels) and whether
/// it was maximized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

impl Store {
    /// Where the window was left, if it ever was.
    pub fn window_geometry(&self) -> StoreResult<Option<WindowGeometry>> {
        self.read(|c| {
            Ok(get(c, "window_geometry")?.and_then(|json| serde_json::from_str(&json).ok()))
        })
    }

    pub fn set_window_geometry(&self, g: &WindowGeometry) -> StoreResult<()> {
        let json = serde_json::to_string(g)?;
        self.with_tx(|tx| set(tx, "window_geometry", &json))
    }

    /// The update manifest URL of a standalone desktop ("" when none).
    pub fn update_url(&self) -> StoreResult<String> {
        self.read(|c| Ok(get(c, "update_url")?.unwrap_or_default()))
    }

    /// Sets (or with "" clears) the update URL; anything but an http(s) address is refused.
    pub fn set_update_url(&self, url: &str) -> StoreResult<String> {
        let url = porchlight_domain::update::check_update_url(url)?;
        self.with_tx(|tx| set(tx, "update_url", &url))?;
        Ok(url)
    }

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
