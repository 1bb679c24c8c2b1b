//! The desktop's local ticket store: one SQLite file (plus content-addressed attachments)
//! per account. Every change enters through [`Store::apply`] as an intent-level mutation,
//! applied in one transaction and recorded for the sync outbox.

mod apply;
pub mod automation;
pub mod backup;
mod connection;
pub mod demo;
mod demo_articles;
pub mod demo_kb;
mod error;
mod export;
mod filter_sql;
pub mod mail;
mod metrics;
mod mutate;
mod outbox;
mod queries;
mod refresh;
mod schema;
pub mod sla;
mod sla_pass;
pub mod sync;
mod upload;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

pub use error::{StoreError, StoreResult};
pub use queries::attachments::DEFAULT_ATTACHMENT_LIMIT;
pub use queries::settings::WindowGeometry;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "porchlight.db";

pub struct Store {
    dir: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The local agent's id once the profile exists (cached: every mutation needs it).
    me: Mutex<Option<String>>,
    attachment_limit: u64,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, running pending migrations.
    pub fn open(dir: &Path) -> StoreResult<Store> {
        std::fs::create_dir_all(dir)?;
        // A restore chosen before the last quit takes its place before anything opens.
        backup::finish_pending_restore(dir, now_ms())?;
        let mut writer = connection::open(&dir.join(DB_FILE))?;
        schema::migrate(&mut writer)?;
        let me = queries::settings::get(&writer, "profile_agent_id")?;
        let store = Store {
            dir: dir.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            me: Mutex::new(me),
            attachment_limit: DEFAULT_ATTACHMENT_LIMIT,
        };
        // The app quit or crashed between the pages of a pull: make the store whole again.
        store.end_interrupted_pull()?;
        store.with_tx(|tx| queries::notifications::start_if_unset(tx))?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn with_attachment_limit(mut self, bytes: u64) -> Self {
        self.attachment_limit = bytes;
        self
    }

    /// Runs `f` in one write transaction; commits when it returns Ok.
    pub(crate) fn with_tx<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        // Derived SLA fields follow whatever this transaction changed, before anyone sees it.
        // Report rows first: they compute the SLA of the tickets they read, and the SLA pass
        // then skips those.
        metrics::refresh_dirty(&tx)?;
        sla::refresh_dirty(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on a pooled read connection (WAL lets reads proceed beside the writer).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match conn {
            Some(c) => c,
            None => connection::open(&self.dir.join(DB_FILE))?,
        };
        let out = f(&conn);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < 4 {
            pool.push(conn);
        }
        out
    }

    pub(crate) fn me(&self) -> Option<String> {
        self.me.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn set_me(&self, id: &str) {
        *self.me.lock().unwrap_or_else(|p| p.into_inner()) = Some(id.to_string());
    }

    /// Runs SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> StoreResult<String> {
        self.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
    }
}

/// Milliseconds since the epoch, never going backwards within a process (so events recorded
/// in one burst keep their order even if the wall clock steps back).
pub fn now_ms() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let prev = LAST.fetch_max(wall, Ordering::Relaxed);
    wall.max(prev)
}

/// A new UUIDv7 string: time-ordered, made on this device, collision-free offline.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
