//! Pokes and presence: a broadcast channel fans data-free "pull now" events and presence
//! lists out to every connected event stream of this process, which are registered by session.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use porchlight_domain::sync::{PresenceActivity, PresenceEntry, ServerEvent};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// One desktop's presence change, as relayed to the other server processes on the same
/// PostgreSQL database so colleagues connected to any of them see each other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresenceNotice {
    pub agent_id: String,
    pub agent_name: String,
    pub client_id: String,
    pub ticket_id: Option<String>,
    pub activity: PresenceActivity,
}

/// Presence older than this is dropped (desktops refresh it while a ticket stays open).
pub const PRESENCE_TTL: Duration = Duration::from_secs(45);

/// Most desktops one agent shows presence from at once.
pub const MAX_PRESENCE_PER_AGENT: usize = 8;
/// Most presence entries in all: each change sends the whole list to every stream.
pub const MAX_PRESENCE_ENTRIES: usize = 500;
/// Most event streams one session holds open; a further one is refused.
pub const MAX_STREAMS_PER_SESSION: usize = 4;

/// Why a presence change was not recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PresenceRefusal {
    /// The agent already shows presence from `MAX_PRESENCE_PER_AGENT` desktops.
    AgentFull,
    /// The list holds `MAX_PRESENCE_ENTRIES` already.
    Full,
}

pub struct Hub {
    /// Everything that happens, as it happens (the help center listens here).
    tx: broadcast::Sender<ServerEvent>,
    /// What event streams receive: the same events, passed on only after the streams'
    /// sessions were checked (see `api::gate_event_streams`).
    streams_tx: broadcast::Sender<ServerEvent>,
    presence: Mutex<HashMap<String, (PresenceEntry, Instant)>>,
    /// Set when the server shuts down: event streams end so connections can close.
    closing: tokio::sync::watch::Sender<bool>,
    /// Open event streams by session (token hash).
    streams: Mutex<HashMap<String, Vec<OpenStream>>>,
    next_stream: AtomicU64,
}

struct OpenStream {
    id: u64,
    agent_id: String,
    end: tokio::sync::watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(256);
        let (streams_tx, _) = broadcast::channel(256);
        Hub {
            tx,
            streams_tx,
            presence: Mutex::new(HashMap::new()),
            closing: tokio::sync::watch::channel(false).0,
            streams: Mutex::new(HashMap::new()),
            next_stream: AtomicU64::new(1),
        }
    }
}

/// An open event stream's place in the hub: it ends when [`StreamPass::ended`] resolves
/// (its session was revoked or ran out) and gives its place back when dropped.
pub struct StreamPass {
    /// What owns the hub (the server's state), kept alive while the stream lives.
    state: Arc<dyn AsRef<Hub> + Send + Sync>,
    token_hash: String,
    id: u64,
    end: tokio::sync::watch::Receiver<bool>,
}

impl StreamPass {
    /// Resolves when the stream's session ends.
    pub fn ended(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.end.clone();
        async move {
            let _ = rx.wait_for(|e| *e).await;
        }
    }
}

impl Drop for StreamPass {
    fn drop(&mut self) {
        let mut streams = (*self.state).as_ref().lock_streams();
        if let Some(open) = streams.get_mut(&self.token_hash) {
            open.retain(|s| s.id != self.id);
            if open.is_empty() {
                streams.remove(&self.token_hash);
            }
        }
    }
}

impl Hub {
    pub fn subscribe(&self) -> broadcast::Receiver<ServerEvent> {
        self.tx.subscribe()
    }

    /// What event streams read: events that passed the session check.
    pub fn subscribe_streams(&self) -> broadcast::Receiver<ServerEvent> {
        self.streams_tx.subscribe()
    }

    /// Hands checked events to the streams.
    pub fn pass_to_streams(&self, ev: ServerEvent) {
        let _ = self.streams_tx.send(ev);
    }

    fn lock_streams(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<OpenStream>>> {
        self.streams.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a new event stream of a session; `None` when the session already holds
    /// `MAX_STREAMS_PER_SESSION`.
    pub fn open_stream(
        state: &Arc<impl AsRef<Hub> + Send + Sync + 'static>,
        token_hash: &str,
        agent_id: &str,
    ) -> Option<StreamPass> {
        let hub = (**state).as_ref();
        let mut streams = hub.lock_streams();
        let open = streams.entry(token_hash.to_string()).or_default();
        if open.len() >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        let id = hub.next_stream.fetch_add(1, Ordering::Relaxed);
        let (end, rx) = tokio::sync::watch::channel(false);
        open.push(OpenStream {
            id,
            agent_id: agent_id.to_string(),
            end,
        });
        Some(StreamPass {
            state: state.clone(),
            token_hash: token_hash.to_string(),
            id,
            end: rx,
        })
    }

    /// The sessions holding open streams.
    pub fn streaming_sessions(&self) -> Vec<String> {
        self.lock_streams().keys().cloned().collect()
    }

    /// Ends every stream of these sessions.
    pub fn end_sessions<'a>(&self, token_hashes: impl IntoIterator<Item = &'a String>) {
        let mut streams = self.lock_streams();
        for h in token_hashes {
            for s in streams.remove(h).into_iter().flatten() {
                s.end.send_replace(true);
            }
        }
    }

    /// Ends every stream of an agent (all of their sessions were ended here).
    pub fn end_agent(&self, agent_id: &str) {
        let mut streams = self.lock_streams();
        for open in streams.values_mut() {
            open.retain(|s| {
                let theirs = s.agent_id == agent_id;
                if theirs {
                    s.end.send_replace(true);
                }
                !theirs
            });
        }
        streams.retain(|_, open| !open.is_empty());
    }

    /// Ends every event stream (graceful shutdown would otherwise wait for them forever).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when the server starts shutting down.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|c| *c).await;
        }
    }

    /// Tells every connected client that the workspace reached `version`.
    pub fn poke(&self, version: i64) {
        // No receivers is fine: nobody is listening.
        let _ = self.tx.send(ServerEvent::Poke { version });
    }

    /// Records what a client is doing (or, with no ticket, that it left) and broadcasts
    /// the new list when it changed. A client id is one agent's (the caller checked); an
    /// entry of another agent under the same id is left alone.
    pub fn set_presence(&self, n: &PresenceNotice) -> Result<(), PresenceRefusal> {
        let changed = {
            let mut p = self.presence.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let before = p.get(&n.client_id).map(|(e, _)| e.clone());
            if before.as_ref().is_some_and(|e| e.agent_id != n.agent_id) {
                return Ok(());
            }
            match &n.ticket_id {
                Some(t) => {
                    if before.is_none() {
                        let live =
                            |(_, seen): &&(PresenceEntry, Instant)| seen.elapsed() < PRESENCE_TTL;
                        let mine = p
                            .values()
                            .filter(live)
                            .filter(|(e, _)| e.agent_id == n.agent_id)
                            .count();
                        if mine >= MAX_PRESENCE_PER_AGENT {
                            return Err(PresenceRefusal::AgentFull);
                        }
                        if p.values().filter(live).count() >= MAX_PRESENCE_ENTRIES {
                            return Err(PresenceRefusal::Full);
                        }
                    }
                    let entry = PresenceEntry {
                        agent_id: n.agent_id.clone(),
                        agent_name: n.agent_name.clone(),
                        client_id: n.client_id.clone(),
                        ticket_id: t.clone(),
                        activity: n.activity,
                    };
                    let changed = before.as_ref() != Some(&entry);
                    p.insert(n.client_id.clone(), (entry, now));
                    changed
                }
                None => p.remove(&n.client_id).is_some(),
            }
        };
        if changed {
            self.broadcast_presence();
        }
        Ok(())
    }

    /// Records a presence change relayed from another server process (which checked it).
    pub fn apply_presence(&self, n: &PresenceNotice) {
        if let Err(e) = self.set_presence(n) {
            tracing::debug!(?e, "relayed presence over the limits");
        }
    }

    /// Drops entries whose desktop stopped refreshing them; broadcasts if any went.
    pub fn expire_presence(&self) {
        let removed = {
            let mut p = self.presence.lock().unwrap_or_else(|e| e.into_inner());
            let before = p.len();
            p.retain(|_, (_, seen)| seen.elapsed() < PRESENCE_TTL);
            before != p.len()
        };
        if removed {
            self.broadcast_presence();
        }
    }

    pub fn presence(&self) -> Vec<PresenceEntry> {
        let p = self.presence.lock().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<PresenceEntry> = p.values().map(|(e, _)| e.clone()).collect();
        v.sort_by(|a, b| (&a.ticket_id, &a.agent_name).cmp(&(&b.ticket_id, &b.agent_name)));
        v
    }

    fn broadcast_presence(&self) {
        let _ = self.tx.send(ServerEvent::Presence {
            entries: self.presence(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(
        agent: &str,
        client: &str,
        ticket: Option<&str>,
        a: PresenceActivity,
    ) -> PresenceNotice {
        PresenceNotice {
            agent_id: agent.into(),
            agent_name: agent.into(),
            client_id: client.into(),
            ticket_id: ticket.map(Into::into),
            activity: a,
        }
    }

    /// Owns a hub the way the server's state does.
    struct Owner(Hub);

    impl AsRef<Hub> for Owner {
        fn as_ref(&self) -> &Hub {
            &self.0
        }
    }

    #[test]
    fn a_session_holds_a_bounded_number_of_streams_and_a_closed_one_frees_its_place() {
        let owner = Arc::new(Owner(Hub::default()));
        let mut passes: Vec<StreamPass> = (0..MAX_STREAMS_PER_SESSION)
            .map(|_| Hub::open_stream(&owner, "s1", "a1").expect("room for the stream"))
            .collect();
        assert!(Hub::open_stream(&owner, "s1", "a1").is_none());
        let other = Hub::open_stream(&owner, "s2", "a1").expect("another session has room");
        // Each open stream keeps the hub's owner alive.
        assert_eq!(Arc::strong_count(&owner), MAX_STREAMS_PER_SESSION + 2);
        passes.pop();
        assert_eq!(Arc::strong_count(&owner), MAX_STREAMS_PER_SESSION + 1);
        passes.push(Hub::open_stream(&owner, "s1", "a1").expect("the closed one's place"));
        drop(passes);
        drop(other);
        assert!(owner.0.streaming_sessions().is_empty());
        assert_eq!(Arc::strong_count(&owner), 1);
    }

    #[test]
    fn presence_is_capped_per_agent_and_in_all() {
        let hub = Hub::default();
        for c in 0..MAX_PRESENCE_PER_AGENT {
            hub.set_presence(&notice(
                "a1",
                &format!("c{c}"),
                Some("t1"),
                PresenceActivity::Viewing,
            ))
            .unwrap();
        }
        let ninth = notice("a1", "c-extra", Some("t1"), PresenceActivity::Viewing);
        assert_eq!(hub.set_presence(&ninth), Err(PresenceRefusal::AgentFull));
        // A desktop already shown may still move to another ticket.
        hub.set_presence(&notice("a1", "c0", Some("t2"), PresenceActivity::Replying))
            .unwrap();
        let mut i = 0;
        while hub.presence().len() < MAX_PRESENCE_ENTRIES {
            let agent = format!("agent{}", i / MAX_PRESENCE_PER_AGENT);
            let client = format!("x{i}");
            hub.set_presence(&notice(
                &agent,
                &client,
                Some("t1"),
                PresenceActivity::Viewing,
            ))
            .unwrap();
            i += 1;
        }
        let late = notice("late", "late-c", Some("t1"), PresenceActivity::Viewing);
        assert_eq!(hub.set_presence(&late), Err(PresenceRefusal::Full));
        assert_eq!(hub.presence().len(), MAX_PRESENCE_ENTRIES);
    }

    #[test]
    fn presence_is_broadcast_only_when_it_changes() {
        let hub = Hub::default();
        let mut rx = hub.subscribe();
        let set = |ticket: Option<&str>, activity| {
            hub.set_presence(&notice("a1", "c1", ticket, activity))
                .unwrap()
        };
        set(Some("t1"), PresenceActivity::Viewing);
        set(Some("t1"), PresenceActivity::Viewing);
        set(Some("t1"), PresenceActivity::Replying);
        // Another agent cannot clear or take over the entry.
        hub.set_presence(&notice("a2", "c1", None, PresenceActivity::Viewing))
            .unwrap();
        set(None, PresenceActivity::Viewing);
        let mut seen = Vec::new();
        while let Ok(ServerEvent::Presence { entries }) = rx.try_recv() {
            seen.push(entries.iter().map(|e| e.activity).collect::<Vec<_>>());
        }
        assert_eq!(
            seen,
            vec![
                vec![PresenceActivity::Viewing],
                vec![PresenceActivity::Replying],
                vec![]
            ]
        );
    }
}
