//! Pokes and presence: a broadcast channel fans data-free "pull now" events and presence
//! lists out to every connected event stream of this process.

use std::collections::HashMap;
use std::sync::Mutex;
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

pub struct Hub {
    tx: broadcast::Sender<ServerEvent>,
    presence: Mutex<HashMap<String, (PresenceEntry, Instant)>>,
    /// Set when the server shuts down: event streams end so connections can close.
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(256);
        Hub {
            tx,
            presence: Mutex::new(HashMap::new()),
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

impl Hub {
    pub fn subscribe(&self) -> broadcast::Receiver<ServerEvent> {
        self.tx.subscribe()
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
    /// the new list when it changed.
    pub fn set_presence(
        &self,
        agent_id: &str,
        agent_name: &str,
        client_id: &str,
        ticket_id: Option<&str>,
        activity: PresenceActivity,
    ) {
        let changed = {
            let mut p = self.presence.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let before = p.get(client_id).map(|(e, _)| e.clone());
            match ticket_id {
                Some(t) => {
                    let entry = PresenceEntry {
                        agent_id: agent_id.into(),
                        agent_name: agent_name.into(),
                        client_id: client_id.into(),
                        ticket_id: t.into(),
                        activity,
                    };
                    let changed = before.as_ref() != Some(&entry);
                    p.insert(client_id.into(), (entry, now));
                    changed
                }
                None => p.remove(client_id).is_some(),
            }
        };
        if changed {
            self.broadcast_presence();
        }
    }

    /// Records a presence change relayed from another server process.
    pub fn apply_presence(&self, n: &PresenceNotice) {
        self.set_presence(
            &n.agent_id,
            &n.agent_name,
            &n.client_id,
            n.ticket_id.as_deref(),
            n.activity,
        );
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

    #[test]
    fn presence_is_broadcast_only_when_it_changes() {
        let hub = Hub::default();
        let mut rx = hub.subscribe();
        hub.set_presence("a1", "Ayşe", "c1", Some("t1"), PresenceActivity::Viewing);
        hub.set_presence("a1", "Ayşe", "c1", Some("t1"), PresenceActivity::Viewing);
        hub.set_presence("a1", "Ayşe", "c1", Some("t1"), PresenceActivity::Replying);
        hub.set_presence("a1", "Ayşe", "c1", None, PresenceActivity::Viewing);
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
