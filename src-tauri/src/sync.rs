//! Team sync in the desktop shell: sign-in with the token kept only in the OS keyring, the
//! background engine (porchlight-sync) and its events forwarded to the window as one
//! "sync-round" per round, "sync-status" and "presence".

use std::sync::{Arc, Mutex};

use porchlight_domain::sync::{PresenceActivity, PresenceUpdate, SyncState, SyncStatus};
use porchlight_domain::{DomainError, ErrorCode};
use porchlight_store::Store;
use porchlight_sync::{Engine, EngineEvent, ServerClient, SyncError};
use tauri::{AppHandle, Emitter, Manager, Runtime};

const KEYRING_SERVICE: &str = "app.porchlight.desktop";

/// Where the token lives: the OS keyring (Secret Service, Keychain, Credential Manager).
/// Tests may swap the service name to keep their entries apart.
pub struct TokenVault {
    service: String,
}

impl Default for TokenVault {
    fn default() -> Self {
        TokenVault {
            service: std::env::var("PORCHLIGHT_KEYRING_SERVICE")
                .unwrap_or_else(|_| KEYRING_SERVICE.into()),
        }
    }
}

fn no_keyring(e: keyring::Error) -> DomainError {
    DomainError::new(
        ErrorCode::NoKeyring,
        None,
        format!(
            "No system keyring is available to keep your sign-in safe ({e}). On Linux, install and unlock GNOME Keyring or KWallet, then try again."
        ),
    )
}

impl TokenVault {
    fn entry(&self, account: &str) -> Result<keyring::Entry, DomainError> {
        keyring::Entry::new(&self.service, account).map_err(no_keyring)
    }

    pub fn save(&self, account: &str, token: &str) -> Result<(), DomainError> {
        self.entry(account)?.set_password(token).map_err(no_keyring)
    }

    pub fn load(&self, account: &str) -> Result<Option<String>, DomainError> {
        match self.entry(account)?.get_password() {
            Ok(t) => Ok(Some(t)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(no_keyring(e)),
        }
    }

    pub fn delete(&self, account: &str) -> Result<(), DomainError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(no_keyring(e)),
        }
    }
}

/// The keyring account for a store: one token per helpdesk and client of this desktop.
fn account(settings: &porchlight_store::sync::SyncSettings) -> String {
    format!("{} {}", settings.workspace_id, settings.client_id)
}

pub fn to_domain(e: SyncError) -> DomainError {
    let code = match &e {
        SyncError::Offline(_) => ErrorCode::Offline,
        SyncError::SignedOut { code, .. } if code == "account_disabled" => {
            ErrorCode::AccountDisabled
        }
        SyncError::SignedOut { .. } => ErrorCode::SignedOut,
        SyncError::SchemaMismatch(_) => ErrorCode::UpdateRequired,
        SyncError::Refused { code, .. } => match code.as_str() {
            "wrong_credentials" => ErrorCode::WrongCredentials,
            "rate_limited" => ErrorCode::RateLimited,
            "account_disabled" => ErrorCode::AccountDisabled,
            "invalid_server_url" => {
                return DomainError::new(ErrorCode::InvalidValue, Some("server_url"), e.to_string())
            }
            "forbidden" => ErrorCode::Forbidden,
            _ => ErrorCode::InvalidValue,
        },
        SyncError::Store(_) => ErrorCode::Storage,
    };
    DomainError::new(code, None, e.to_string())
}

/// The running sync of this window, if any.
pub struct SyncHub {
    store: Arc<Store>,
    vault: TokenVault,
    engine: Mutex<Option<Engine>>,
    client: Mutex<Option<ServerClient>>,
    /// The engine's latest state and why (kept by its listener).
    latest: Arc<Mutex<(SyncState, Option<String>)>>,
}

impl SyncHub {
    pub fn new(store: Arc<Store>) -> SyncHub {
        SyncHub {
            store,
            vault: TokenVault::default(),
            engine: Mutex::new(None),
            client: Mutex::new(None),
            latest: Arc::new(Mutex::new((
                SyncState::SignedOut,
                Some("Sign in to sync with your team.".into()),
            ))),
        }
    }

    /// The signed-in server connection, when there is one.
    pub fn client(&self) -> Option<ServerClient> {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A local change was made: push it now.
    pub fn wake(&self) {
        if let Some(e) = self
            .engine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            e.wake();
        }
    }

    fn set_latest(&self, state: SyncState, message: Option<String>) {
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = (state, message);
    }

    pub async fn status(&self) -> SyncStatus {
        let (state, message) = self
            .latest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        porchlight_sync::status(&self.store, state, message).await
    }

    fn start<R: Runtime>(&self, app: &AppHandle<R>, client: ServerClient) {
        let own_client = self
            .store
            .sync_settings()
            .ok()
            .flatten()
            .map(|s| s.client_id)
            .unwrap_or_default();
        let app = app.clone();
        let latest = self.latest.clone();
        let listener: porchlight_sync::Listener = Arc::new(move |ev| {
            let keep = |s: &SyncStatus| {
                *latest.lock().unwrap_or_else(|p| p.into_inner()) = (s.state, s.message.clone());
            };
            // Emitting fails only when the window is gone; nothing to do then.
            let _ = match ev {
                EngineEvent::Round(r) => {
                    keep(&r.status);
                    // Pulled documents may have brought notifications.
                    if let Some(bell) = app.try_state::<Arc<crate::notifications::Notifier>>() {
                        bell.wake();
                    }
                    crate::changes::emit(&app, &r.changed);
                    app.emit("sync-round", r)
                }
                EngineEvent::Status(s) => {
                    keep(&s);
                    app.emit("sync-status", s)
                }
                EngineEvent::Presence(entries) => app.emit(
                    "presence",
                    entries
                        .into_iter()
                        .filter(|e| e.client_id != own_client)
                        .collect::<Vec<_>>(),
                ),
            };
        });
        self.set_latest(SyncState::Syncing, None);
        // The engine runs on Tauri's tokio runtime, also when started from the setup hook.
        let rt = tauri::async_runtime::handle();
        let _entered = rt.inner().enter();
        let engine = Engine::start(self.store.clone(), client.clone(), listener);
        *self.client.lock().unwrap_or_else(|p| p.into_inner()) = Some(client);
        if let Some(old) = self
            .engine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(engine)
        {
            tauri::async_runtime::spawn(old.stop());
        }
    }

    /// Stops syncing until `resume` (before an update replaces the app): a round in flight
    /// finishes first; unsent changes stay queued in the store.
    pub async fn pause(&self) {
        let engine = self.engine.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(e) = engine {
            e.stop().await;
        }
    }

    /// At start-up: resumes syncing when this store is connected and its token is in the
    /// keyring.
    pub fn resume<R: Runtime>(&self, app: &AppHandle<R>) {
        let Ok(Some(settings)) = self.store.sync_settings() else {
            return;
        };
        match self.vault.load(&account(&settings)) {
            Ok(Some(token)) => self.start(app, ServerClient::new(&settings.server_url, &token)),
            Ok(None) => {}
            Err(e) => self.set_latest(SyncState::SignedOut, Some(e.message)),
        }
    }

    pub async fn connect<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        server_url: &str,
        email: &str,
        password: &str,
    ) -> Result<SyncStatus, DomainError> {
        if email.trim().is_empty() || password.is_empty() {
            return Err(DomainError::empty(if email.trim().is_empty() {
                "email"
            } else {
                "password"
            }));
        }
        let url = porchlight_sync::normalize_server_url(server_url).map_err(to_domain)?;
        let device = std::env::var("HOSTNAME")
            .or_else(|_| std::env::var("COMPUTERNAME"))
            .unwrap_or_else(|_| "Porchlight desktop".into());
        let login = ServerClient::login(&url, email.trim(), password, &device)
            .await
            .map_err(to_domain)?;
        let client = ServerClient::new(&url, &login.token);
        let store = self.store.clone();
        let (ws, agent) = (login.workspace_id.clone(), login.agent.clone());
        let u = url.clone();
        let connected = tauri::async_runtime::spawn_blocking(move || {
            store.connect_to_server(&u, &ws, &agent)?;
            store.sync_settings()
        })
        .await
        .map_err(|e| DomainError::new(ErrorCode::Storage, None, e.to_string()));
        let settings = match connected {
            Ok(Ok(Some(s))) => s,
            Ok(Err(e)) => {
                let _ = client.logout().await;
                return Err(e.into());
            }
            Ok(Ok(None)) | Err(_) => {
                let _ = client.logout().await;
                return Err(DomainError::new(
                    ErrorCode::Storage,
                    None,
                    "The store could not be connected.",
                ));
            }
        };
        if let Err(e) = self.vault.save(&account(&settings), &login.token) {
            // Without a keyring the token would have to sit in a file: refuse instead.
            let _ = client.logout().await;
            return Err(e);
        }
        self.start(app, client);
        Ok(self.status().await)
    }

    /// Signs out: the engine stops, the server revokes the token, the keyring forgets it.
    /// The local data stays.
    pub async fn sign_out(&self) -> Result<SyncStatus, DomainError> {
        let engine = self.engine.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(e) = engine {
            e.stop().await;
        }
        let client = self.client.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(c) = client {
            // Offline: the token is forgotten here anyway; the server session expires unused.
            let _ = c.logout().await;
        }
        if let Ok(Some(settings)) = self.store.sync_settings() {
            self.vault.delete(&account(&settings))?;
        }
        self.set_latest(
            SyncState::SignedOut,
            Some("Signed out. Your tickets stay on this computer; sign in to sync again.".into()),
        );
        Ok(self.status().await)
    }

    pub async fn presence(&self, ticket_id: Option<String>, activity: PresenceActivity) {
        let client = self
            .client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(client) = client else { return };
        let Ok(Some(settings)) = self.store.sync_settings() else {
            return;
        };
        let _ = client
            .presence(&PresenceUpdate {
                client_id: settings.client_id,
                ticket_id,
                activity,
            })
            .await;
    }

    /// Makes sure an attachment's bytes are on this desktop, fetching them from the server
    /// when a colleague or a customer sent the file.
    pub async fn fetch_attachment(&self, id: &str) -> Result<(), DomainError> {
        if !self.store.attachment_needs_download(id)? {
            return Ok(());
        }
        let client = self
            .client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(client) = client else {
            return Err(DomainError::new(
                ErrorCode::Offline,
                Some("attachment"),
                "This file is on the team server; sign in to open it.",
            ));
        };
        porchlight_sync::download_attachment(&self.store, &client, id)
            .await
            .map_err(to_domain)
    }
}
