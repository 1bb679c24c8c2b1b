//! What the desktop says about updates: where they come from, whether one is offered, and
//! how far its installation got. The desktop offers an update and never forces one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The update check's state, as the Settings section and the banner show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UpdateStatus {
    /// This app's version.
    pub current_version: String,
    /// Where updates come from: the team server's address, or the URL set in Settings;
    /// `None` for a standalone desktop with no URL.
    pub source: Option<String>,
    /// The URL set in Settings for a standalone desktop ("" when none).
    pub url: String,
    pub state: UpdateState,
    pub offer: Option<UpdateOffer>,
    /// Why the last check or installation failed.
    pub message: Option<String>,
    /// When updates were last checked (Unix ms).
    #[ts(type = "number | null")]
    pub checked_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UpdateState {
    /// A standalone desktop with no update URL: nothing to check.
    NotConfigured,
    /// Not checked yet.
    Idle,
    Checking,
    UpToDate,
    Available,
    Downloading,
    Installing,
    Failed,
}

/// A newer version the source offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UpdateOffer {
    pub version: String,
    /// What's new (plain text from the release).
    pub notes: String,
    /// RFC 3339, when the release was published.
    pub date: Option<String>,
}

/// The longest update URL accepted.
pub const MAX_UPDATE_URL: usize = 500;

/// Checks a standalone desktop's update URL: empty (none), or an http(s) address.
pub fn check_update_url(url: &str) -> Result<String, crate::DomainError> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    if url.chars().count() > MAX_UPDATE_URL {
        return Err(crate::DomainError::invalid(
            "update_url",
            format!("The address is longer than {MAX_UPDATE_URL} characters."),
        ));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) || url.contains(char::is_whitespace)
    {
        return Err(crate::DomainError::invalid(
            "update_url",
            "Give the address of an update manifest, starting with https:// or http://.",
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_url_is_http_or_nothing() {
        assert_eq!(check_update_url("  ").unwrap(), "");
        assert_eq!(
            check_update_url(" https://updates.example.com/latest.json ").unwrap(),
            "https://updates.example.com/latest.json"
        );
        for bad in [
            "ftp://x",
            "updates.example.com",
            "https://",
            "https:///x",
            "http://a b",
        ] {
            let e = check_update_url(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("update_url"), "{bad}");
        }
        assert!(check_update_url(&format!("https://a/{}", "x".repeat(600))).is_err());
    }
}
