//! E-mail in a team: the server reads every mailbox and sends every reply
//! (`porchlight_mail::channel` over [`ServerMail`]); admins give the mailboxes' passwords and
//! test them through the API (`mail_api`); desktops never touch a mailbox.
//!
//! The passwords are encrypted with the server's secret key: `PORCHLIGHT_SECRET_KEY` (64 hex
//! digits; every process of a PostgreSQL deployment needs the same one), else the file
//! `secret.key` in the SQLite data directory, made on first start.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use porchlight_domain::mail::{MailServerRole, Mailbox, MailboxStatus};
use porchlight_domain::records::SurveyKind;
use porchlight_mail::channel::{MailStorage, MailboxRun, Outgoing, StatusBook, TakenIn};

use crate::storage::mail::{SecretKey, MAX_AUTOMATIC_PER_HOUR};
use crate::storage::Storage;
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
    storage: Storage,
    /// Wakes this process's streams and the other server processes after a change. A hook,
    /// not the server's state, so that the state can hold the channel without a circle.
    announce: Box<dyn Fn(i64) + Send + Sync>,
    key: Option<SecretKey>,
    holder: String,
    status: StatusBook,
    /// Where customers reach this server (`PORCHLIGHT_PUBLIC_URL`), for the tracking link in
    /// acknowledgements; without it they carry none.
    public_url: Option<String>,
}

impl ServerMail {
    pub fn new(
        storage: Storage,
        announce: impl Fn(i64) + Send + Sync + 'static,
        key: Option<SecretKey>,
    ) -> ServerMail {
        ServerMail {
            storage,
            announce: Box::new(announce),
            key,
            holder: uuid::Uuid::now_v7().to_string(),
            status: StatusBook::default(),
            public_url: None,
        }
    }

    /// Acknowledgements link to the customer's tracking page under `url` (no trailing slash
    /// needed), e.g. `https://help.example.com`.
    pub fn with_public_url(mut self, url: Option<String>) -> ServerMail {
        self.public_url = url
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        self
    }

    fn storage(&self) -> &Storage {
        &self.storage
    }

    pub(crate) fn key(&self) -> Result<&SecretKey, String> {
        self.key.as_ref().ok_or_else(|| {
            "this server has no secret key for mailbox passwords: set PORCHLIGHT_SECRET_KEY (64 hex digits, the same on every process)".to_string()
        })
    }

    fn announce(&self, version: i64) {
        (self.announce)(version);
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
        // Every push wakes the sender; most leave nothing to send.
        if !self
            .storage()
            .mail_waiting(now)
            .map_err(|e| e.to_string())?
        {
            return Ok(Vec::new());
        }
        if !self
            .storage()
            .take_mail_lease("sending", &self.holder, now)
            .map_err(|e| e.to_string())?
        {
            return Ok(Vec::new());
        }
        let secret = match &self.public_url {
            Some(_) => Some(self.storage().portal_secret().map_err(|e| e.to_string())?),
            None => None,
        };
        let links = |ticket_id: &str, language: &str, survey: Option<SurveyKind>| {
            let (base, secret) = (self.public_url.as_ref()?, secret.as_ref()?);
            let lang = porchlight_domain::catalog::Locale::closest(language).tag();
            Some(match survey {
                Some(kind) => {
                    crate::portal::guard::survey_link(base, secret, ticket_id, kind, lang)
                }
                None => {
                    let token = crate::portal::guard::token(secret, ticket_id);
                    format!("{base}/help/requests/{ticket_id}/{token}?lang={lang}")
                }
            })
        };
        let mut out = Vec::new();
        for o in self
            .storage()
            .mail_outgoing(limit, now, &links)
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
pub fn start(
    mail: Arc<ServerMail>,
    fetch: Arc<tokio::sync::Notify>,
    wake: Arc<tokio::sync::Notify>,
) {
    tokio::spawn(async move {
        porchlight_mail::channel::run(mail, interval(), fetch, wake, std::future::pending()).await
    });
}
