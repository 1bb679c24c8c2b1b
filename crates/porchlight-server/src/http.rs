//! Request plumbing shared by every router: the one error type that maps each failure to a
//! status and a stable code, the signed-in agent extractor and the admin check.

use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use porchlight_domain::docs::AgentDoc;
use porchlight_domain::sync::{ApiError, MAX_REQUEST_BYTES};
use porchlight_domain::{AgentRole, DomainError};

use crate::auth::{self, SessionLifetimes};
use crate::state::Shared;
use crate::storage::{blocking, SessionCheck, StorageError};

/// Every refusal the API answers with.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<Duration>,
}

impl Failure {
    /// Something broke on the server; the details go to the log, not to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Failure {
        tracing::error!(error = %detail, "internal failure");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The server could not do this; its log says why.",
        )
    }

    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Tells the client when to try again (the Retry-After header).
    pub fn with_retry_after(self, wait: Duration) -> Failure {
        Failure {
            retry_after: Some(wait),
            ..self
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Json(ApiError {
                code: self.code.into(),
                message: self.message,
            }),
        )
            .into_response();
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs().max(1).to_string();
            if let Ok(v) = HeaderValue::from_str(&secs) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

impl From<StorageError> for Failure {
    fn from(e: StorageError) -> Failure {
        match e {
            StorageError::Gap { expected, got } => Failure::new(
                StatusCode::CONFLICT,
                "mutation_gap",
                format!("Mutation {got} arrived but {expected} was expected next; resend from {expected}."),
            ),
            StorageError::MutationIdReused { id } => Failure::new(
                StatusCode::CONFLICT,
                "mutation_id_reused",
                format!("Mutation id {id} was already used for another change; nothing was applied. Give each change its own id."),
            ),
            StorageError::ClientOwnedByOther => Failure::new(
                StatusCode::FORBIDDEN,
                "client_not_yours",
                "This client id is registered to another agent.",
            ),
            StorageError::Refused(d) => domain_failure(d),
            e @ (StorageError::Backend(_) | StorageError::Corrupt(_)) => {
                tracing::error!(error = %e, "storage failure");
                Failure::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "The server could not reach its database; try again shortly.",
                )
            }
        }
    }
}

fn domain_failure(d: DomainError) -> Failure {
    use porchlight_domain::ErrorCode as C;
    let (status, code) = match d.code {
        C::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        C::Conflict => (StatusCode::CONFLICT, "conflict"),
        C::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
    };
    Failure::new(status, code, d.message)
}

pub(crate) fn json_failure(r: JsonRejection) -> Failure {
    match r {
        JsonRejection::MissingJsonContentType(_) => Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected_json",
            "Send the body as JSON (Content-Type: application/json).",
        ),
        JsonRejection::BytesRejection(_) => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            format!(
                "The request body is larger than {} MB.",
                MAX_REQUEST_BYTES / (1024 * 1024)
            ),
        ),
        JsonRejection::JsonSyntaxError(e) => Failure::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The body is not valid JSON: {}", e.body_text()),
        ),
        other => Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            format!(
                "The request does not have the expected fields: {}",
                other.body_text()
            ),
        ),
    }
}

pub(crate) fn query_failure(r: QueryRejection) -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        format!("The query string is not valid: {}", r.body_text()),
    )
}

/// The agent behind a bearer token.
pub struct SignedIn {
    pub agent: AgentDoc,
    pub token_hash: String,
}

impl FromRequestParts<Shared> for SignedIn {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Failure> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Sign in first: this request needs a bearer token.",
                )
            })?;
        let hash = auth::token_hash(token);
        let storage = state.storage.clone();
        let h = hash.clone();
        let lifetimes = SessionLifetimes::from_env();
        let session = blocking(move || storage.session(&h, crate::now_ms(), lifetimes)).await?;
        match session {
            SessionCheck::Unknown => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "Your session has ended or the token is unknown; sign in again.",
            )),
            SessionCheck::Expired => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "session_expired",
                "Your session ran out (unused too long, or too old); sign in again.",
            )),
            SessionCheck::Live(s) if s.disabled => Err(account_disabled()),
            SessionCheck::Live(s) => Ok(SignedIn {
                agent: s.agent,
                token_hash: hash,
            }),
        }
    }
}

pub(crate) fn account_disabled() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "account_disabled",
        "Your account has been disabled by an administrator.",
    )
}

pub(crate) fn require_admin(who: &SignedIn) -> Result<(), Failure> {
    if who.agent.role == AgentRole::Admin {
        return Ok(());
    }
    Err(Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        "Only an admin may see or end other agents' sessions.",
    ))
}
