//! The one place SQLite connections are opened, so every connection has the same pragmas.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::StoreResult;

pub(crate) fn open(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;
         PRAGMA mmap_size = 268435456;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}
