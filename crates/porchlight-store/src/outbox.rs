//! The sync state every write path needs, below them all and below `sync` (pull, push,
//! rebase), which runs them: whether the store is connected, the server's version of a row
//! kept before an unsent change alters it (`sync_shadow`), and the queue of mutations to
//! push (`outbox`).

use porchlight_domain::docs::DocKind;
use porchlight_domain::Mutation;
use rusqlite::{params, Connection, Transaction};

use crate::queries::{docs, settings};
use crate::StoreResult;

pub(crate) fn is_connected(c: &Connection) -> StoreResult<bool> {
    Ok(settings::get(c, "sync_client_id")?.is_some())
}

/// Saved views are personal and stay on this desktop.
pub(crate) fn is_shared(m: &Mutation) -> bool {
    !matches!(m, Mutation::SaveView { .. } | Mutation::DeleteView { .. })
}

/// Keeps the current (server) version of a row before an unsent change alters it.
pub(crate) fn shadow(c: &Connection, kind: DocKind, id: &str) -> StoreResult<()> {
    let known: bool = c
        .prepare_cached("SELECT count(*) FROM sync_shadow WHERE kind = ?1 AND id = ?2")?
        .query_row(params![kind.as_str(), id], |r| r.get(0))?;
    if known {
        return Ok(());
    }
    let body = docs::read(c, kind, id)?
        .map(|d| serde_json::to_string(&d))
        .transpose()?;
    c.prepare_cached("INSERT INTO sync_shadow(kind, id, body) VALUES (?1, ?2, ?3)")?
        .execute(params![kind.as_str(), id, body])?;
    Ok(())
}

pub(crate) fn append_outbox(tx: &Transaction<'_>, m: &Mutation, at: i64) -> StoreResult<()> {
    append_outbox_entry(tx, m.name(), &serde_json::to_value(m)?, at)
}

/// Queues a mutation serialised as `{"name", "args"}` (ticket or knowledge-base work).
pub(crate) fn append_outbox_entry(
    tx: &Transaction<'_>,
    name: &str,
    value: &serde_json::Value,
    at: i64,
) -> StoreResult<()> {
    tx.prepare_cached("INSERT INTO outbox(name, args, at) VALUES (?1, ?2, ?3)")?
        .execute(params![name, value["args"].to_string(), at])?;
    Ok(())
}
