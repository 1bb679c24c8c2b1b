//! The state one server process shares between its routes and background tasks. Below the
//! routers: the modules it names (auth, events, mail, storage) do not name it back.

use std::sync::{Arc, OnceLock};

use crate::auth::LoginLimiter;
use crate::events::{Hub, PresenceNotice};
use crate::mail::ServerMail;
use crate::storage::Storage;

/// What every request handler and background task of one server process shares.
pub struct AppState {
    pub storage: Storage,
    pub hub: Hub,
    pub limiter: LoginLimiter,
    pub workspace_id: String,
    /// Called after a push applied something: wakes other server processes (PostgreSQL
    /// NOTIFY) besides this process's own clients.
    pub on_change: Box<dyn Fn(i64) + Send + Sync>,
    /// With PostgreSQL, relays a desktop's presence change to the other server processes
    /// (NOTIFY). Blocking; runs off the async workers.
    pub on_presence: Option<PresenceRelay>,
    /// The mail channel, once started (`serve`); tests without it answer 503 on its routes.
    pub mail: OnceLock<Arc<ServerMail>>,
    /// Wakes the mail channel's sender: a pushed reply may wait to be sent.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Wakes the mail channel for a whole round: a mailbox's passwords changed.
    pub mail_fetch: Arc<tokio::sync::Notify>,
    /// The desktop updates an admin added (`release add`); `None` serves none.
    pub releases: Option<std::path::PathBuf>,
}

pub type Shared = Arc<AppState>;

/// Sends a presence change to the other server processes.
pub type PresenceRelay = Box<dyn Fn(&PresenceNotice) + Send + Sync>;

/// Lets an event stream's place in the hub (`events::StreamPass`) hold the state without
/// `events` naming it.
impl AsRef<Hub> for AppState {
    fn as_ref(&self) -> &Hub {
        &self.hub
    }
}
