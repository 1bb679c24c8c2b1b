//! The API of the mail channel (admins only): the mailboxes' status, their passwords, and a
//! test of a mailbox's settings.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use porchlight_domain::mail::{MailServerRole, MailTestResult, Mailbox, MailboxStatus};
use porchlight_mail::channel::MailStorage;
use serde::Deserialize;

use crate::http::{json_failure, require_admin, Failure, SignedIn};
use crate::mail::ServerMail;
use crate::state::Shared;
use crate::storage::blocking;

#[derive(Deserialize)]
struct Secrets {
    imap_secret: Option<String>,
    smtp_secret: Option<String>,
}

#[derive(Deserialize)]
struct TestRequest {
    mailbox: Mailbox,
    imap_secret: Option<String>,
    smtp_secret: Option<String>,
}

/// The API of the mail channel (admins only).
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/api/v1/mail/status", get(status))
        .route("/api/v1/mail/mailboxes/{id}/secrets", put(set_secrets))
        .route("/api/v1/mail/test", post(test))
}

fn mail_of(state: &Shared) -> Result<Arc<ServerMail>, Failure> {
    state.mail.get().cloned().ok_or_else(|| {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "mail_unavailable",
            "The mail channel is not running on this server.",
        )
    })
}

async fn status(
    State(state): State<Shared>,
    who: SignedIn,
) -> Result<Json<Vec<MailboxStatus>>, Failure> {
    require_admin(&who)?;
    let mail = mail_of(&state)?;
    let rows = tokio::task::spawn_blocking(move || mail.statuses())
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(Failure::internal)?;
    Ok(Json(rows))
}

fn too_long(s: &Option<String>) -> bool {
    s.as_ref().is_some_and(|s| s.len() > 4096)
}

async fn set_secrets(
    State(state): State<Shared>,
    who: SignedIn,
    UrlPath(id): UrlPath<String>,
    body: Result<Json<Secrets>, JsonRejection>,
) -> Result<StatusCode, Failure> {
    require_admin(&who)?;
    let Json(req) = body.map_err(json_failure)?;
    if too_long(&req.imap_secret) || too_long(&req.smtp_secret) {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "A password or token is at most 4096 bytes.",
        ));
    }
    let mail = mail_of(&state)?;
    let key = mail
        .key()
        .map_err(|e| Failure::new(StatusCode::SERVICE_UNAVAILABLE, "no_secret_key", e))?
        .clone();
    let storage = state.storage.clone();
    blocking(move || {
        for (role, s) in [
            (MailServerRole::Imap, req.imap_secret),
            (MailServerRole::Smtp, req.smtp_secret),
        ] {
            if let Some(s) = s.filter(|s| !s.is_empty()) {
                storage.set_mail_secret(&key, &id, role, Some(&s))?;
            }
        }
        Ok(())
    })
    .await?;
    state.mail_fetch.notify_one();
    Ok(StatusCode::NO_CONTENT)
}

async fn test(
    State(state): State<Shared>,
    who: SignedIn,
    body: Result<Json<TestRequest>, JsonRejection>,
) -> Result<Json<MailTestResult>, Failure> {
    require_admin(&who)?;
    let Json(req) = body.map_err(json_failure)?;
    let mailbox = req
        .mailbox
        .validated()
        .map_err(|e| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", e.message))?;
    let mail = mail_of(&state)?;
    let id = mailbox.id.clone();
    let stored = {
        let mail = mail.clone();
        tokio::task::spawn_blocking(move || {
            let get = |role| mail.secret(&id, role).ok().flatten();
            (get(MailServerRole::Imap), get(MailServerRole::Smtp))
        })
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
    };
    let imap = req.imap_secret.filter(|s| !s.is_empty()).or(stored.0);
    let smtp = req.smtp_secret.filter(|s| !s.is_empty()).or(stored.1);
    Ok(Json(
        porchlight_mail::channel::test_mailbox(&mailbox, imap.as_deref(), smtp.as_deref()).await,
    ))
}
