//! One error type for every refusal, with a stable machine code the UI translates and a
//! human message naming what was wrong.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable error codes. The UI keys its translations on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    EmptyField,
    TooLong,
    InvalidEmail,
    InvalidValue,
    UnknownField,
    NotFound,
    TicketDeleted,
    TicketMerged,
    AttachmentTooLarge,
    Conflict,
    /// The agent's role does not allow this change.
    Forbidden,
    /// The team server cannot be reached.
    Offline,
    /// Sign-in refused: wrong e-mail or password.
    WrongCredentials,
    /// Too many sign-in attempts; the message says when to retry.
    RateLimited,
    AccountDisabled,
    /// The session ended; sign in again.
    SignedOut,
    /// This Porchlight and the server speak different sync versions.
    UpdateRequired,
    /// No OS keyring (Secret Service, Keychain, Credential Manager) to keep the token in.
    NoKeyring,
    Storage,
    Io,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct DomainError {
    pub code: ErrorCode,
    /// Which input the error is about (e.g. "subject"), when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl DomainError {
    pub fn new(code: ErrorCode, field: Option<&str>, message: impl Into<String>) -> Self {
        DomainError {
            code,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
    pub fn empty(field: &str) -> Self {
        Self::new(
            ErrorCode::EmptyField,
            Some(field),
            format!("The {} must not be empty.", human(field)),
        )
    }
    pub fn too_long(field: &str, max: usize) -> Self {
        Self::new(
            ErrorCode::TooLong,
            Some(field),
            format!(
                "The {} is too long (at most {max} characters).",
                human(field)
            ),
        )
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidValue, Some(field), message)
    }
    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            ErrorCode::NotFound,
            None,
            format!("No {what} with id {id} exists."),
        )
    }
}

fn human(field: &str) -> String {
    field.replace('_', " ")
}
