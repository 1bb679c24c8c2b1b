//! Updates, offered and never forced. A team desktop asks its own server (`release add` fills
//! it, so a LAN without internet updates too); a standalone desktop asks the URL set in
//! Settings. tauri-plugin-updater fetches the offer and downloads the file, and checks its
//! minisign signature against the public key built into this app before anything is
//! installed: a server, or anyone between, can offer only what the release key signed.
//!
//! Installing waits for a running sync round (the engine is stopped, which lets its round
//! finish; unsent changes stay in the store's outbox), then the package replaces the app
//! (`dpkg -i` / `rpm -U`, through pkexec when not root) and the app starts again.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use porchlight_domain::update::{UpdateOffer, UpdateState, UpdateStatus};
use porchlight_domain::{DomainError, ErrorCode};
use porchlight_store::Store;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::UpdaterExt;

/// Event the UI listens to: the update status changed (payload: `UpdateStatus`).
pub const STATUS_EVENT: &str = "update-status";
/// The first automatic check, after the app has settled; then one every few hours.
const FIRST_CHECK: Duration = Duration::from_secs(30);
const EVERY: Duration = Duration::from_secs(6 * 3600);

#[derive(Default)]
pub struct UpdateHub {
    inner: Mutex<Inner>,
}

struct Inner {
    state: UpdateState,
    offer: Option<(UpdateOffer, tauri_plugin_updater::Update)>,
    message: Option<String>,
    checked_at: Option<i64>,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            state: UpdateState::Idle,
            offer: None,
            message: None,
            checked_at: None,
        }
    }
}

/// The endpoint a team server serves (see the server's `releases.rs`); the updater fills in
/// the placeholders.
pub fn team_endpoint(server_url: &str) -> String {
    format!(
        "{}/api/v1/updates/{{{{target}}}}/{{{{arch}}}}/{{{{bundle_type}}}}/{{{{current_version}}}}",
        server_url.trim_end_matches('/')
    )
}

/// Where this desktop's updates come from: (what to show, the endpoint).
fn source(store: &Store) -> Result<Option<(String, String)>, DomainError> {
    if let Ok(Some(s)) = store.sync_settings() {
        if !s.server_url.is_empty() {
            return Ok(Some((s.server_url.clone(), team_endpoint(&s.server_url))));
        }
    }
    let url = store.update_url().map_err(DomainError::from)?;
    Ok((!url.is_empty()).then(|| (url.clone(), url)))
}

fn failed(message: impl Into<String>) -> DomainError {
    DomainError::new(ErrorCode::InvalidValue, Some("update"), message)
}

impl UpdateHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn status<R: Runtime>(&self, app: &AppHandle<R>) -> UpdateStatus {
        let store = app.state::<Arc<Store>>();
        let source = source(&store).ok().flatten();
        let inner = self.lock();
        UpdateStatus {
            current_version: app.package_info().version.to_string(),
            url: store.update_url().unwrap_or_default(),
            state: if source.is_none() && matches!(inner.state, UpdateState::Idle) {
                UpdateState::NotConfigured
            } else {
                inner.state
            },
            source: source.map(|s| s.0),
            offer: inner.offer.as_ref().map(|o| o.0.clone()),
            message: inner.message.clone(),
            checked_at: inner.checked_at,
        }
    }

    fn set<R: Runtime>(&self, app: &AppHandle<R>, state: UpdateState, message: Option<String>) {
        {
            let mut inner = self.lock();
            inner.state = state;
            inner.message = message;
        }
        let _ = app.emit(STATUS_EVENT, self.status(app));
    }

    /// Asks the source whether a newer version is offered.
    pub async fn check<R: Runtime>(&self, app: &AppHandle<R>) -> UpdateStatus {
        let store = app.state::<Arc<Store>>().inner().clone();
        let endpoint = match source(&store) {
            Ok(Some((_, endpoint))) => endpoint,
            Ok(None) => {
                self.set(app, UpdateState::Idle, None);
                return self.status(app);
            }
            Err(e) => {
                self.set(app, UpdateState::Failed, Some(e.message));
                return self.status(app);
            }
        };
        if matches!(
            self.lock().state,
            UpdateState::Downloading | UpdateState::Installing
        ) {
            return self.status(app);
        }
        self.set(app, UpdateState::Checking, None);
        let found = async {
            let url = endpoint
                .parse()
                .map_err(|_| format!("{endpoint} is not an address"))?;
            app.updater_builder()
                .endpoints(vec![url])
                .map_err(|e| e.to_string())?
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| e.to_string())?
                .check()
                .await
                .map_err(|e| describe(&e))
        }
        .await;
        let now = porchlight_store::now_ms();
        {
            let mut inner = self.lock();
            inner.checked_at = Some(now);
            match &found {
                Ok(Some(update)) => {
                    let offer = UpdateOffer {
                        version: update.version.clone(),
                        notes: update.body.clone().unwrap_or_default(),
                        date: update.date.and_then(|d| {
                            chrono::DateTime::from_timestamp(d.unix_timestamp(), 0)
                                .map(|t| t.to_rfc3339())
                        }),
                    };
                    inner.offer = Some((offer, update.clone()));
                }
                Ok(None) => inner.offer = None,
                Err(_) => {}
            }
        }
        match found {
            Ok(Some(_)) => self.set(app, UpdateState::Available, None),
            Ok(None) => self.set(app, UpdateState::UpToDate, None),
            Err(e) => self.set(app, UpdateState::Failed, Some(e)),
        }
        self.status(app)
    }

    /// Downloads the offered update, checks its signature, installs it and starts the app
    /// again. On any failure the app keeps running as it was, and says why.
    pub async fn install<R: Runtime>(&self, app: &AppHandle<R>) -> Result<(), DomainError> {
        let update = match &self.lock().offer {
            Some((_, u)) => u.clone(),
            None => return Err(failed("No update is offered; check for updates first.")),
        };
        self.set(app, UpdateState::Downloading, None);
        let bytes = match update.download(|_, _| {}, || {}).await {
            Ok(b) => b,
            Err(e) => {
                let message = describe(&e);
                self.set(app, UpdateState::Failed, Some(message.clone()));
                return Err(failed(message));
            }
        };
        // A sync round in flight finishes first; unsent changes stay queued in the store.
        let hub = app.state::<Arc<crate::sync::SyncHub>>().inner().clone();
        hub.pause().await;
        self.set(app, UpdateState::Installing, None);
        let name = update
            .download_url
            .path_segments()
            .and_then(|mut s| s.next_back().map(str::to_string))
            .unwrap_or_default();
        let installed = {
            let update = update.clone();
            tauri::async_runtime::spawn_blocking(move || install_package(&update, &bytes, &name))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r)
        };
        match installed {
            Ok(()) => {
                crate::single::restart(app);
                Ok(())
            }
            Err(message) => {
                hub.resume(app);
                self.set(app, UpdateState::Failed, Some(message.clone()));
                Err(failed(message))
            }
        }
    }

    /// Checks soon after start and then every few hours; the UI hears of an offer by event.
    pub fn start<R: Runtime>(self: &Arc<Self>, app: &AppHandle<R>) {
        let (hub, app) = (self.clone(), app.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(FIRST_CHECK).await;
            loop {
                hub.check(&app).await;
                tokio::time::sleep(EVERY).await;
            }
        });
    }
}

/// The updater's errors in words an agent can act on.
fn describe(e: &tauri_plugin_updater::Error) -> String {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) | E::SignatureUtf8(_) | E::Base64(_) | E::SignedVersionMismatch { .. } => {
            "The update's signature does not match this app's release key, so it was not installed. Tell whoever runs your update server.".into()
        }
        E::Reqwest(_) | E::Network(_) => format!("The update server could not be reached ({e})."),
        other => format!("The update could not be checked or installed: {other}"),
    }
}

/// Replaces the installed app with the downloaded package.
#[cfg(target_os = "linux")]
fn install_package(
    update: &tauri_plugin_updater::Update,
    bytes: &[u8],
    name: &str,
) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let (tool, arg) = if name.ends_with(".deb") {
        ("dpkg", "-i")
    } else if name.ends_with(".rpm") {
        ("rpm", "-U")
    } else {
        // An AppImage replaces itself (the plugin's own way).
        return update.install(bytes).map_err(|e| describe(&e));
    };
    let dir = std::env::temp_dir().join(format!("porchlight-update-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(name.replace(['/', '\\'], "_"));
    std::fs::write(&file, bytes).map_err(|e| format!("cannot save the update: {e}"))?;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let mut cmd = if root {
        std::process::Command::new(tool)
    } else {
        // The desktop's own password prompt (polkit).
        let mut c = std::process::Command::new("pkexec");
        c.arg(tool);
        c
    };
    let out = cmd.arg(arg).arg(&file).output();
    let result = match out {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "Installing {name} failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!(
            "Installing {name} needs administrator rights ({e}); install {} with your package manager.",
            file.display()
        )),
    };
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

#[cfg(not(target_os = "linux"))]
fn install_package(
    update: &tauri_plugin_updater::Update,
    bytes: &[u8],
    _name: &str,
) -> Result<(), String> {
    update.install(bytes).map_err(|e| describe(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_desktop_asks_its_own_servers_update_route() {
        assert_eq!(
            team_endpoint("https://help.example.com/"),
            "https://help.example.com/api/v1/updates/{{target}}/{{arch}}/{{bundle_type}}/{{current_version}}"
        );
    }
}
