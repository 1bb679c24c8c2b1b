//! E-mail in a team: the server reads every mailbox and sends every reply
//! (`porchlight_mail::channel` over [`ServerMail`]); admins give the mailboxes' passwords and
//! test them through the API; desktops never touch a mailbox.
//!
//! The passwords are encrypted with the server's secret key: `PORCHLIGHT_SECRET_KEY` (64 hex
//! digits; every process of a PostgreSQL deployment needs the same one), else the file
//! `secret.key` in the SQLite data directory, made on first start.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use porchlight_domain::mail::{MailServerRole, MailTestResult, Mailbox, MailboxStatus};
use porchlight_mail::channel::{MailStorage, MailboxRun, Outgoing, StatusBook, TakenIn};
use serde::Deserialize;

use crate::api::{json_failure, require_admin, Failure, Shared, SignedIn};
use crate::storage::mail::{SecretKey, MAX_AUTOMATIC_PER_HOUR};
use crate::storage::{blocking, Storage};
use crate::Database;

/// The server's secret key (see the module documentation).
pub fn secret_key(db: &Database) -> Result<Option<SecretKey>> {
    if let Ok(hex_key) = std::env::var("PORCHLIGHT_SECRET_KEY") {
        return SecretKey::from_hex(&hex_key)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("PORCHLIGHT_SECRET_KEY: {e}"));
    }
    match db {
        Database::Sqlite(dir) => key_file(&dir.join("secret.key")).map(Some),
        // Without a shared key, no process could read what another stored.
        Database::Postgres(_) => Ok(None),
    }
}

fn key_file(path: &Path) -> Result<SecretKey> {
    if !path.exists() {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(SecretKey::generate_hex().as_bytes())?;
            }
            // Made by another process a moment ago.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the secret key {}", path.display()))?;
    match SecretKey::from_hex(&text) {
        Ok(k) => Ok(k),
        Err(e) => bail!("{}: {e}", path.display()),
    }
}

/// The server's [`MailStorage`]: the storage, the secret key, a lease holder name for this
/// process, and the pokes that wake the desktops after a mail is taken in.
pub struct ServerMail {
    state: Shared,
    key: Option<SecretKey>,
    holder: String,
    status: StatusBook,
}

impl ServerMail {
    pub fn new(state: Shared, key: Option<SecretKey>) -> ServerMail {
        ServerMail {
            state,
            key,
            holder: uuid::Uuid::now_v7().to_string(),
            status: StatusBook::default(),
        }
    }

    fn storage(&self) -> &Storage {
        &self.state.storage
    }

    fn key(&self) -> Result<&SecretKey, String> {
        self.key.as_ref().ok_or_else(|| {
            "this server has no secret key for mailbox passwords: set PORCHLIGHT_SECRET_KEY (64 hex digits, the same on every process)".to_string()
        })
    }

    fn announce(&self, version: i64) {
        self.state.hub.poke(version);
        (self.state.on_change)(version);
    }

    pub fn statuses(&self) -> Result<Vec<MailboxStatus>, String> {
        let mut out = Vec::new();
        for b in self.storage().mailboxes().map_err(|e| e.to_string())? {
            let has = |role| {
                self.key()
                    .ok()
                    .and_then(|k| self.storage().mail_secret(k, &b.id, role).ok().flatten())
                    .is_some()
            };
            let MailboxRun {
                last_fetch_at,
                last_error,
            } = self.status.get(&b.id);
            out.push(MailboxStatus {
                has_imap_secret: has(MailServerRole::Imap),
                has_smtp_secret: has(MailServerRole::Smtp),
                id: b.id,
                last_fetch_at,
                last_error,
            });
        }
        Ok(out)
    }
}

impl MailStorage for ServerMail {
    fn mailboxes(&self) -> Result<Vec<Mailbox>, String> {
        let all = self.storage().mailboxes().map_err(|e| e.to_string())?;
        let now = crate::now_ms();
        let mut mine = Vec::new();
        for b in all.into_iter().filter(|b| b.active) {
            // One process reads a mailbox at a time.
            if self
                .storage()
                .take_mail_lease(&b.id, &self.holder, now)
                .map_err(|e| e.to_string())?
            {
                mine.push(b);
            }
        }
        Ok(mine)
    }
    fn secret(&self, mailbox_id: &str, role: MailServerRole) -> Result<Option<String>, String> {
        self.storage()
            .mail_secret(self.key()?, mailbox_id, role)
            .map_err(|e| e.to_string())
    }
    fn folder_state(&self, mailbox_id: &str, folder: &str) -> Result<Option<(u32, u32)>, String> {
        self.storage()
            .mail_folder_state(mailbox_id, folder)
            .map_err(|e| e.to_string())
    }
    fn save_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
        uid_validity: u32,
        last_uid: u32,
    ) -> Result<(), String> {
        self.storage()
            .save_mail_folder_state(mailbox_id, folder, uid_validity, last_uid)
            .map_err(|e| e.to_string())
    }
    fn take_in(&self, mailbox: &Mailbox, raw: &[u8]) -> Result<TakenIn, String> {
        let (outcome, version) = self
            .storage()
            .take_in_mail(mailbox, raw, crate::now_ms())
            .map_err(|e| e.to_string())?;
        if let TakenIn::Refused(why) = &outcome {
            tracing::warn!(mailbox = %mailbox.id, reason = %why, "a fetched mail was not taken in");
        }
        if let Some(v) = version {
            self.announce(v);
        }
        Ok(outcome)
    }
    fn outgoing(&self, limit: usize) -> Result<Vec<Outgoing>, String> {
        let now = crate::now_ms();
        if !self
            .storage()
            .take_mail_lease("sending", &self.holder, now)
            .map_err(|e| e.to_string())?
        {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for o in self
            .storage()
            .mail_outgoing(limit)
            .map_err(|e| e.to_string())?
        {
            if o.reply.automatic {
                let to = o
                    .reply
                    .to
                    .first()
                    .map(|a| a.email.clone())
                    .unwrap_or_default();
                let sent = self
                    .storage()
                    .automatic_mails_to(&to, now)
                    .map_err(|e| e.to_string())?;
                if sent >= MAX_AUTOMATIC_PER_HOUR {
                    self.delivered(
                        &o.message_id,
                        Err(format!(
                            "Not sent: {to} already received {MAX_AUTOMATIC_PER_HOUR} automatic mails this hour (a mail loop?)."
                        )),
                    )?;
                    continue;
                }
                self.storage()
                    .note_automatic_mail(&to, now)
                    .map_err(|e| e.to_string())?;
            }
            out.push(o);
        }
        Ok(out)
    }
    fn delivered(&self, message_id: &str, outcome: Result<(), String>) -> Result<(), String> {
        let v = self
            .storage()
            .mail_delivered(message_id, outcome, crate::now_ms())
            .map_err(|e| e.to_string())?;
        self.announce(v);
        Ok(())
    }
    fn report(&self, mailbox_id: &str, outcome: Result<(), String>) {
        if let Err(e) = &outcome {
            tracing::warn!(mailbox = %mailbox_id, error = %e, "mail channel");
        }
        self.status.report(mailbox_id, outcome, crate::now_ms());
    }
}

/// How often mailboxes are read: `PORCHLIGHT_MAIL_POLL_MS`, else a minute.
fn interval() -> Duration {
    std::env::var("PORCHLIGHT_MAIL_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(60))
}

/// Starts the channel for the life of the server; a push with a new reply wakes it.
pub fn start(mail: Arc<ServerMail>, wake: Arc<tokio::sync::Notify>) {
    tokio::spawn(async move {
        porchlight_mail::channel::run(mail, interval(), wake, std::future::pending()).await
    });
}

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
    state.mail_wake.notify_one();
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
