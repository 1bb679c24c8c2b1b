//! E-mail on a standalone desktop: the mailboxes' passwords in the OS keyring, and the mail
//! channel (`porchlight_mail::channel`) running for the life of the app — a round at start,
//! then every `PORCHLIGHT_MAIL_POLL_MS` (a minute by default), and at once when an agent's
//! reply waits to go out. What a fetched mail changes reaches the window as `store-changes`,
//! and new tickets or replies become notifications. Connected to a team server, the desktop
//! leaves the mailboxes to the server.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use porchlight_domain::docs::Changed;
use porchlight_domain::mail::{MailServerRole, MailTestResult, Mailbox, MailboxView};
use porchlight_domain::{DomainError, ErrorCode};
use porchlight_store::mail::{DesktopMail, MailSecrets};
use porchlight_store::Store;
use tauri::{AppHandle, Manager, Runtime};

use porchlight_sync::ServerClient;

use crate::sync::{SyncHub, TokenVault};

/// The keyring account of one of a mailbox's secrets.
fn account(mailbox_id: &str, role: MailServerRole) -> String {
    format!("mailbox {mailbox_id} {}", role.as_str())
}

/// Mailbox passwords and tokens in the OS keyring, beside the sign-in token.
#[derive(Default)]
pub struct KeyringSecrets {
    vault: TokenVault,
}

impl MailSecrets for KeyringSecrets {
    fn get(&self, mailbox_id: &str, role: MailServerRole) -> Result<Option<String>, String> {
        self.vault
            .load(&account(mailbox_id, role))
            .map_err(|e| e.message)
    }
}

impl KeyringSecrets {
    fn set(&self, mailbox_id: &str, role: MailServerRole, secret: &str) -> Result<(), DomainError> {
        self.vault.save(&account(mailbox_id, role), secret)
    }
    fn forget(&self, mailbox_id: &str) -> Result<(), DomainError> {
        for role in MailServerRole::ALL {
            self.vault.delete(&account(mailbox_id, *role))?;
        }
        Ok(())
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

/// The desktop's mail channel.
pub struct MailHub {
    store: Arc<Store>,
    channel: OnceLock<Arc<DesktopMail<KeyringSecrets>>>,
    /// An agent's reply (or a retry) waits to be sent.
    wake: Arc<tokio::sync::Notify>,
    /// A mailbox's settings changed: read the mailboxes now.
    fetch: Arc<tokio::sync::Notify>,
    secrets: KeyringSecrets,
}

impl MailHub {
    pub fn new(store: Arc<Store>) -> MailHub {
        MailHub {
            store,
            channel: OnceLock::new(),
            wake: Arc::new(tokio::sync::Notify::new()),
            fetch: Arc::new(tokio::sync::Notify::new()),
            secrets: KeyringSecrets::default(),
        }
    }

    /// Starts the channel (once): what it changes is told to the window and the notifier.
    pub fn start<R: Runtime>(&self, app: &AppHandle<R>) {
        let handle = app.clone();
        let on_change = Box::new(move |changed: Changed| {
            crate::changes::emit(&handle, &changed);
            if let Some(bell) = handle.try_state::<Arc<crate::notifications::Notifier>>() {
                bell.wake();
            }
        });
        let channel = Arc::new(DesktopMail::new(
            self.store.clone(),
            KeyringSecrets::default(),
            on_change,
        ));
        if self.channel.set(channel.clone()).is_err() {
            return;
        }
        let (fetch, send) = (self.fetch.clone(), self.wake.clone());
        tauri::async_runtime::spawn(async move {
            porchlight_mail::channel::run(channel, interval(), fetch, send, std::future::pending())
                .await
        });
    }

    /// An agent's reply (or a retry) waits to be sent: sent now, no mailbox read.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The team server's connection, when this desktop works with one (`Ok(None)`:
    /// standalone).
    fn team(&self, hub: &SyncHub) -> Result<Option<ServerClient>, DomainError> {
        match self.store.sync_settings()? {
            None => Ok(None),
            Some(_) => hub.client().map(Some).ok_or_else(|| {
                DomainError::new(
                    ErrorCode::Offline,
                    None,
                    "Mailboxes are run by the team server: connect to it to change them.",
                )
            }),
        }
    }

    /// The mailboxes for the settings screen: standalone, how this desktop's channel fares;
    /// in a team, how the server's does (only admins may ask it).
    pub async fn views(&self, hub: &SyncHub) -> Result<Vec<MailboxView>, DomainError> {
        if self.store.sync_settings()?.is_none() {
            return Ok(match self.channel.get() {
                Some(c) => c.views()?,
                None => DesktopMail::new(
                    self.store.clone(),
                    KeyringSecrets::default(),
                    Box::new(|_| {}),
                )
                .views()?,
            });
        }
        let boxes = self.store.mailboxes()?;
        let status = match hub.client() {
            Some(c) => c.mail_status().await.unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(boxes
            .into_iter()
            .map(|mailbox| {
                let s = status
                    .iter()
                    .find(|s| s.id == mailbox.id)
                    .cloned()
                    .unwrap_or_default();
                MailboxView {
                    mailbox,
                    has_imap_secret: s.has_imap_secret,
                    has_smtp_secret: s.has_smtp_secret,
                    last_fetch_at: s.last_fetch_at,
                    last_error: s.last_error,
                }
            })
            .collect())
    }

    /// Saves a mailbox and, when given, its passwords (empty or `None`: keep the stored one):
    /// in the OS keyring standalone, on the team server (encrypted there) in a team.
    pub async fn save(
        &self,
        hub: &SyncHub,
        mailbox: Mailbox,
        imap_secret: Option<String>,
        smtp_secret: Option<String>,
    ) -> Result<(), DomainError> {
        let imap_secret = imap_secret.filter(|s| !s.is_empty());
        let smtp_secret = smtp_secret.filter(|s| !s.is_empty());
        let id = mailbox.id.clone();
        let m = porchlight_domain::config::ConfigMutation::SaveMailbox { mailbox }.validated()?;
        if let Some(client) = self.team(hub)? {
            // The passwords first: offline, nothing is half saved.
            if imap_secret.is_some() || smtp_secret.is_some() {
                client
                    .set_mail_secrets(&id, imap_secret.as_deref(), smtp_secret.as_deref())
                    .await
                    .map_err(crate::sync::to_domain)?;
            }
            self.store.apply_config(m)?;
            hub.wake();
            return Ok(());
        }
        self.store.apply_config(m)?;
        for (role, secret) in [
            (MailServerRole::Imap, imap_secret),
            (MailServerRole::Smtp, smtp_secret),
        ] {
            if let Some(s) = secret {
                self.secrets.set(&id, role, &s).map_err(|e| DomainError {
                    field: Some(format!("{}_secret", role.as_str())),
                    ..e
                })?;
            }
        }
        // A new or changed mailbox is read at once.
        self.fetch.notify_one();
        Ok(())
    }

    pub fn delete(&self, hub: &SyncHub, id: &str) -> Result<(), DomainError> {
        let team = self.store.sync_settings()?.is_some();
        self.store
            .apply_config(porchlight_domain::config::ConfigMutation::DeleteMailbox {
                id: id.to_string(),
            })?;
        if team {
            hub.wake();
            return Ok(());
        }
        self.secrets.forget(id)
    }

    /// "Test connection" with the passwords given, else the stored ones; in a team the
    /// server tests, since it is the one that connects.
    pub async fn test(
        &self,
        hub: &SyncHub,
        mailbox: Mailbox,
        imap_secret: Option<String>,
        smtp_secret: Option<String>,
    ) -> Result<MailTestResult, DomainError> {
        let mailbox = mailbox.validated()?;
        let imap_secret = imap_secret.filter(|s| !s.is_empty());
        let smtp_secret = smtp_secret.filter(|s| !s.is_empty());
        if let Some(client) = self.team(hub)? {
            return client
                .test_mailbox(&mailbox, imap_secret.as_deref(), smtp_secret.as_deref())
                .await
                .map_err(crate::sync::to_domain);
        }
        let stored = |role| self.secrets.get(&mailbox.id, role).ok().flatten();
        let imap = imap_secret.or_else(|| stored(MailServerRole::Imap));
        let smtp = smtp_secret.or_else(|| stored(MailServerRole::Smtp));
        Ok(
            porchlight_mail::channel::test_mailbox(&mailbox, imap.as_deref(), smtp.as_deref())
                .await,
        )
    }
}
