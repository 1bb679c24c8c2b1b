//! Store failures: a refused mutation (domain error, shown to the agent as is) or a storage
//! fault (SQLite, file system), both convertible to the UI's `DomainError` shape.

use porchlight_domain::{DomainError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is malformed: {0}")]
    Json(#[from] serde_json::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Domain(e) => e.code,
            StoreError::Sqlite(_) | StoreError::Json(_) => ErrorCode::Storage,
            StoreError::Io(_) => ErrorCode::Io,
        }
    }
}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> DomainError {
        match e {
            StoreError::Domain(d) => d,
            other => DomainError::new(other.code(), None, other.to_string()),
        }
    }
}
