//! The desktop's sync engine: a background task that pushes the store's outbox, pulls
//! documents into the store (which rebases unsent work on top), wakes on the server's pokes
//! and on local changes, and backs off with jitter while the server is unreachable. The UI
//! hears one [`SyncRound`] per round, never one event per row.

pub mod client;

use std::sync::Arc;
use std::time::Duration;

use porchlight_domain::docs::Changed;
use porchlight_domain::sync::{
    PresenceEntry, PushRequest, ServerEvent, SyncRefusal, SyncRound, SyncState, SyncStatus,
    MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, MAX_REQUEST_BYTES, SCHEMA_VERSION,
};
use porchlight_store::Store;
use rand::Rng;
use tokio::sync::{mpsc, watch, Notify};

pub use client::{normalize_server_url, ServerClient, SyncError};

/// What the engine tells its owner (the desktop shell forwards these to the UI).
#[derive(Debug, Clone)]
pub enum EngineEvent {
    Round(SyncRound),
    Status(SyncStatus),
    Presence(Vec<PresenceEntry>),
}

pub type Listener = Arc<dyn Fn(EngineEvent) + Send + Sync>;

/// Exponential backoff with full jitter: 0.5 s doubling to 30 s.
struct Backoff {
    attempt: u32,
}

impl Backoff {
    fn next(&mut self) -> Duration {
        let cap = (500u64 << self.attempt.min(6)).min(30_000);
        self.attempt += 1;
        Duration::from_millis(rand::thread_rng().gen_range(cap / 2..=cap))
    }
    fn reset(&mut self) {
        self.attempt = 0;
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, porchlight_store::StoreError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SyncError::Store(e.to_string()))?
        .map_err(SyncError::from)
}

/// A running engine. Dropping it does not stop the task; call [`Engine::stop`].
pub struct Engine {
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Engine {
    /// Starts syncing `store` through `client` on the current tokio runtime.
    pub fn start(store: Arc<Store>, client: ServerClient, listener: Listener) -> Engine {
        let wake = Arc::new(Notify::new());
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(run(store, client, listener, wake.clone(), stop_rx));
        Engine { wake, stop, task }
    }

    /// A local change was queued: sync now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The status as the store and the last outcome say.
pub async fn status(store: &Arc<Store>, state: SyncState, message: Option<String>) -> SyncStatus {
    let s = store.clone();
    let (settings, unsent, last) =
        blocking(move || Ok((s.sync_settings()?, s.outbox_len()?, s.last_sync_at()?)))
            .await
            .unwrap_or((None, 0, None));
    SyncStatus {
        state: if settings.is_none() {
            SyncState::Standalone
        } else {
            state
        },
        server_url: settings.map(|s| s.server_url),
        unsent,
        last_sync_at: last,
        message,
    }
}

/// Pushes everything queued and pulls until up to date. Returns the round's effect.
pub async fn sync_round(store: &Arc<Store>, client: &ServerClient) -> Result<SyncRound, SyncError> {
    let s = store.clone();
    let settings = blocking(move || s.sync_settings())
        .await?
        .ok_or_else(|| SyncError::Store("this store is not connected to a server".into()))?;
    // Files first: a pushed reply or article may name them, and others fetch them at once.
    upload_attachments(store, client).await?;
    let mut refusals = Vec::new();
    let mut after = 0;
    loop {
        let s = store.clone();
        let batch = blocking(move || s.outbox_batch(after, MAX_PUSH_MUTATIONS)).await?;
        if batch.is_empty() {
            break;
        }
        // Keep each request well under the server's body limit.
        let mut size = 0;
        let batch: Vec<_> = batch
            .into_iter()
            .take_while(|m| {
                size += m.args.to_string().len() + 64;
                size < MAX_REQUEST_BYTES / 2
            })
            .collect();
        let Some(last) = batch.last().map(|m| m.id) else {
            return Err(SyncError::Store(
                "one queued change is larger than the server accepts".into(),
            ));
        };
        let req = PushRequest {
            client_id: settings.client_id.clone(),
            schema_version: SCHEMA_VERSION,
            mutations: batch,
            workspace_id: Some(settings.workspace_id.clone()),
        };
        let res = client.push(&req).await?;
        let s = store.clone();
        let refused = blocking(move || s.settle_push(&res)).await?;
        refusals.extend(refused.into_iter().map(|r| {
            match req.mutations.iter().find(|m| m.id == r.mutation_id) {
                Some(m) => SyncRefusal::of(m, r.error),
                None => SyncRefusal {
                    mutation: r.name,
                    error: r.error,
                    ticket_id: None,
                    text: None,
                },
            }
        }));
        after = last;
    }
    let mut changed = Changed::default();
    let mut cursor = settings.cursor;
    let mut pages = 0;
    loop {
        let mut page = match client
            .pull(
                &settings.client_id,
                &settings.workspace_id,
                cursor,
                MAX_PULL_LIMIT,
            )
            .await
        {
            Ok(page) => page,
            Err(e) => {
                if pages > 0 {
                    end_pull_early(store).await;
                }
                return Err(e);
            }
        };
        if page.has_more {
            // The server's last processed mutation id comes from the whole snapshot, but this
            // page holds only the oldest of its changes: settling the outbox with it would
            // drop unsent work whose effects are still on a later page.
            page.last_mutation_id = 0;
        }
        pages += 1;
        let (more, next) = (page.has_more, page.cursor);
        let s = store.clone();
        let applied = blocking(move || s.apply_pull(&page)).await?;
        changed.merge(applied.changed);
        cursor = next;
        if !more {
            break;
        }
    }
    fetch_attachment_names(store, client).await?;
    Ok(SyncRound {
        changed,
        refusals,
        status: status(store, SyncState::Online, None).await,
    })
}

/// Uploads this desktop's files the server does not have. One the server refuses for good
/// (too large, or another file under its id) is not offered again; the refusal of the
/// change naming it then tells the agent.
async fn upload_attachments(store: &Arc<Store>, client: &ServerClient) -> Result<(), SyncError> {
    loop {
        let s = store.clone();
        let batch = blocking(move || s.attachments_to_upload(20)).await?;
        if batch.is_empty() {
            return Ok(());
        }
        for a in batch {
            let (s, file) = (store.clone(), a.clone());
            let Ok(bytes) = blocking(move || s.attachment_bytes(&file)).await else {
                // The file is gone from this disk: nothing to send, and no reason to stall.
                let s = store.clone();
                blocking(move || s.mark_attachment_uploaded(&a.id)).await?;
                continue;
            };
            match client.upload_attachment(&a, bytes).await {
                Ok(()) | Err(SyncError::Refused { .. }) => {
                    let s = store.clone();
                    blocking(move || s.mark_attachment_uploaded(&a.id)).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Asks the server for the name, type and size of attachments that pulled messages name
/// (customers' uploads from the help center), a bounded number per round. The bytes are
/// fetched when an agent opens one ([`download_attachment`]). One the server does not have
/// is left for a later round.
async fn fetch_attachment_names(
    store: &Arc<Store>,
    client: &ServerClient,
) -> Result<(), SyncError> {
    let s = store.clone();
    let ids = blocking(move || s.remote_attachments_without_meta(200)).await?;
    for id in ids {
        match client.attachment_meta(&id).await {
            Ok(meta) => {
                let s = store.clone();
                blocking(move || s.set_remote_attachment_meta(&meta)).await?;
            }
            Err(SyncError::Refused { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Fetches an attachment's bytes from the server when this desktop does not have them yet
/// (checked against the size and hash the server reported before they are kept).
pub async fn download_attachment(
    store: &Arc<Store>,
    client: &ServerClient,
    id: &str,
) -> Result<(), SyncError> {
    let (s, i) = (store.clone(), id.to_string());
    if !blocking(move || s.attachment_needs_download(&i)).await? {
        return Ok(());
    }
    // The size and hash the bytes are checked against come with the file's record, which a
    // background round may not have fetched yet.
    let (s, i) = (store.clone(), id.to_string());
    if blocking(move || s.remote_attachment_lacks_meta(&i)).await? {
        let meta = client.attachment_meta(id).await?;
        let s = store.clone();
        blocking(move || s.set_remote_attachment_meta(&meta)).await?;
    }
    let bytes = client.download_attachment(id).await?;
    let (s, i) = (store.clone(), id.to_string());
    blocking(move || s.store_downloaded_attachment(&i, &bytes)).await
}

/// A pull broke off between pages (the connection dropped): ends it at the last page that
/// arrived, so the store rebases the agent's unsent work on top of what it has instead of
/// hiding that work until the connection returns. The next round resumes from there.
async fn end_pull_early(store: &Arc<Store>) {
    let s = store.clone();
    if let Err(e) = blocking(move || s.end_interrupted_pull()).await {
        tracing::warn!(error = %e, "unsent work could not be rebased after an interrupted pull");
    }
}

/// The state a failed round leaves the engine in for good, when retrying cannot help: the
/// session ended, the server speaks another sync version, or it now hosts another helpdesk
/// (retrying would only hammer it; the agent must sign in again, to the right server).
fn ends_the_engine(e: &SyncError) -> Option<SyncState> {
    match e {
        SyncError::SignedOut { .. } => Some(SyncState::SignedOut),
        SyncError::SchemaMismatch(_) => Some(SyncState::UpdateRequired),
        SyncError::Refused { code, .. } if code == "workspace_mismatch" => {
            Some(SyncState::SignedOut)
        }
        _ => None,
    }
}

async fn run(
    store: Arc<Store>,
    client: ServerClient,
    listener: Listener,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = Backoff { attempt: 0 };
    let mut events: Option<mpsc::Receiver<ServerEvent>> = None;
    let mut state = SyncState::Syncing;
    loop {
        if *stop.borrow() {
            return;
        }
        if events.is_none() {
            events = client.events().await.ok();
        }
        if state != SyncState::Online {
            listener(EngineEvent::Status(
                status(&store, SyncState::Syncing, None).await,
            ));
        }
        let wait = match sync_round(&store, &client).await {
            Ok(round) => {
                backoff.reset();
                state = SyncState::Online;
                listener(EngineEvent::Round(round));
                Duration::from_secs(30)
            }
            Err(e) if ends_the_engine(&e).is_some() => {
                let state = ends_the_engine(&e).unwrap_or(SyncState::Offline);
                listener(EngineEvent::Status(
                    status(&store, state, Some(e.to_string())).await,
                ));
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "sync round failed");
                state = SyncState::Offline;
                events = None;
                listener(EngineEvent::Status(
                    status(&store, SyncState::Offline, Some(e.to_string())).await,
                ));
                backoff.next()
            }
        };
        // Wait for a reason to sync again; presence updates are passed on meanwhile.
        let deadline = tokio::time::sleep(wait);
        tokio::pin!(deadline);
        loop {
            let next_event = async {
                match events.as_mut() {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = &mut deadline => break,
                _ = wake.notified() => break,
                _ = stop.changed() => return,
                ev = next_event => match ev {
                    Some(ServerEvent::Poke { .. }) => break,
                    Some(ServerEvent::Presence { entries }) => listener(EngineEvent::Presence(entries)),
                    // The stream dropped: reconnect and catch up.
                    None => { events = None; break; }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> SyncError {
        SyncError::Refused {
            status: 409,
            code: code.into(),
            message: String::new(),
        }
    }

    #[test]
    fn only_what_retrying_cannot_mend_ends_the_engine() {
        // A server that now hosts another helpdesk is not "offline": the agent signs in again.
        assert_eq!(
            ends_the_engine(&refused("workspace_mismatch")),
            Some(SyncState::SignedOut)
        );
        let ended = SyncError::SignedOut {
            code: "session_expired".into(),
            message: String::new(),
        };
        assert_eq!(ends_the_engine(&ended), Some(SyncState::SignedOut));
        assert_eq!(
            ends_the_engine(&SyncError::SchemaMismatch("v9".into())),
            Some(SyncState::UpdateRequired)
        );
        // These pass: the engine waits and tries again.
        assert_eq!(ends_the_engine(&SyncError::Offline("down".into())), None);
        assert_eq!(ends_the_engine(&refused("rate_limited")), None);
        assert_eq!(ends_the_engine(&SyncError::Store("busy".into())), None);
    }
}
