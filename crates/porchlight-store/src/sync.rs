//! The store's side of team sync. Connected to a server, a shared change is applied at once
//! (optimistically) and queued in `outbox`; before touching a row for the first time the
//! store keeps the server's version of it in `sync_shadow`, and marks the messages and audit
//! events it creates as `pending`. When documents arrive from the server, the store puts the
//! shadows back, drops pending rows, writes the documents, forgets mutations the server has
//! processed and re-applies the rest on top (a rebase): unsent work is never lost, and
//! a refused change disappears.
//!
//! Pulls that start from the beginning (the first sync of a desktop, or after a `reset`) and
//! span several pages are bulk imports: the derived triggers (full-text indexes, sidebar
//! counts) are dropped on the first page, pages are written without them, and the derived
//! data is rebuilt once with the last page (`schema::rebuild_derived`), as `demo::seed` does.
//! Unsent work is rebased once per pull, after its last page, not after every page.

use porchlight_domain::docs::{Changed, Doc, DocKind};
use porchlight_domain::sync::{
    PullResponse, PushMutation, PushOutcome, PushResponse, WireMutation,
};
use porchlight_domain::{DomainError, ErrorCode};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::queries::docs;
use crate::queries::settings;
use crate::schema::{create_derived_triggers, rebuild_derived, DROP_DERIVED_TRIGGERS};
use crate::{new_id, now_ms, Store, StoreResult};

/// Set while a bulk pull is under way (its derived triggers are dropped until the last page).
const BULK_PULL: &str = "sync_bulk_pull";
/// Set while a pull is between pages; see `Store::end_interrupted_pull`.
const PULL_IN_PROGRESS: &str = "sync_pull_in_progress";

/// Where this store syncs to.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncSettings {
    pub server_url: String,
    pub workspace_id: String,
    pub client_id: String,
    /// The signed-in agent (the local profile once connected).
    pub agent_id: String,
    pub cursor: i64,
}

/// A change the server refused; it was rolled back here.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub mutation_id: i64,
    pub name: String,
    pub error: DomainError,
}

/// What one pulled page did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullApplied {
    pub documents: usize,
    /// What the page touched (for the UI to refresh only that).
    pub changed: Changed,
}

fn outbox(c: &Connection, after: i64, limit: i64) -> StoreResult<Vec<PushMutation>> {
    let mut st = c.prepare_cached(
        "SELECT id, name, args, at FROM outbox WHERE id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = st
        .query_map([after, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, name, args, at)| {
            Ok(PushMutation {
                id,
                name,
                args: serde_json::from_str(&args)?,
                at,
            })
        })
        .collect()
}

/// Undoes every unsent change: shadows back, pending rows gone.
fn roll_back_unsent(tx: &Transaction<'_>) -> StoreResult<()> {
    let shadows: Vec<(String, String, Option<String>)> = {
        let mut st = tx.prepare_cached("SELECT kind, id, body FROM sync_shadow")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    tx.execute(
        "UPDATE attachments SET message_id = NULL WHERE message_id IN (SELECT id FROM messages WHERE pending = 1)",
        [],
    )?;
    tx.execute("DELETE FROM messages WHERE pending = 1", [])?;
    tx.execute("DELETE FROM ticket_events WHERE pending = 1", [])?;
    for (kind, id, body) in shadows {
        let kind = DocKind::parse(&kind)
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown kind {kind}")))?;
        match body {
            Some(b) => docs::write(tx, &serde_json::from_str::<Doc>(&b)?)?,
            None => docs::delete(tx, kind, &id)?,
        }
    }
    tx.execute("DELETE FROM sync_shadow", [])?;
    Ok(())
}

/// Re-applies the unsent changes on top of the server's state. One that no longer applies
/// (its ticket was deleted meanwhile, say) stays queued: the server will refuse it and the
/// agent will see why.
fn reapply_unsent(tx: &Transaction<'_>, me: &str) -> StoreResult<()> {
    let actor = crate::mutate::actor_of(tx, me)?;
    for pm in outbox(tx, 0, i64::MAX)? {
        let m = WireMutation::parse(&pm.name, &pm.args)?;
        tx.execute("SAVEPOINT reapply", [])?;
        let applied = match &m {
            WireMutation::Ticket(m) => {
                let tickets = crate::queries::docs::TicketCache::default();
                crate::mutate::apply_one(tx, m, &actor, pm.at, true, &tickets).map(|_| ())
            }
            WireMutation::Kb(m) => {
                crate::queries::kb::apply_in_tx(tx, m, &actor, pm.at, true).map(|_| ())
            }
            WireMutation::Config(m) => {
                crate::queries::config::apply_in_tx(tx, m, &actor, pm.at, true)
            }
        };
        match applied {
            Ok(()) => tx.execute("RELEASE reapply", [])?,
            Err(_) => {
                tx.execute("ROLLBACK TO reapply", [])?;
                tx.execute("RELEASE reapply", [])?
            }
        };
    }
    Ok(())
}

fn me(c: &Connection) -> StoreResult<String> {
    settings::get(c, "profile_agent_id")?.ok_or_else(|| {
        DomainError::new(
            ErrorCode::NotFound,
            Some("profile"),
            "Create your agent profile first.",
        )
        .into()
    })
}

impl Store {
    pub fn sync_settings(&self) -> StoreResult<Option<SyncSettings>> {
        self.read(|c| {
            let Some(client_id) = settings::get(c, "sync_client_id")? else {
                return Ok(None);
            };
            Ok(Some(SyncSettings {
                server_url: settings::get(c, "sync_server_url")?.unwrap_or_default(),
                workspace_id: settings::get(c, "sync_workspace_id")?.unwrap_or_default(),
                client_id,
                agent_id: settings::get(c, "profile_agent_id")?.unwrap_or_default(),
                cursor: settings::get(c, "sync_cursor")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            }))
        })
    }

    /// Connects this store to a team server as `agent`. The first time, everything made
    /// here standalone is queued for upload, so nothing is lost. A store already bound to
    /// another helpdesk refuses: it would mix two helpdesks' data.
    pub fn connect_to_server(
        &self,
        server_url: &str,
        workspace_id: &str,
        agent: &porchlight_domain::docs::AgentDoc,
    ) -> StoreResult<()> {
        self.with_tx(|tx| {
            if let Some(existing) = settings::get(tx, "sync_workspace_id")? {
                if existing != workspace_id {
                    return Err(DomainError::new(
                        ErrorCode::Conflict,
                        Some("server_url"),
                        "This Porchlight already belongs to another helpdesk's server; use another data directory for this one.",
                    )
                    .into());
                }
                settings::set(tx, "sync_server_url", server_url)?;
                return Ok(());
            }
            tx.execute("PRAGMA defer_foreign_keys = ON", [])?;
            let old_me = settings::get(tx, "profile_agent_id")?;
            // Group memberships arrive with the groups themselves on the first pull; the
            // groups are not here yet.
            let agent_now = porchlight_domain::docs::AgentDoc {
                group_ids: Vec::new(),
                ..agent.clone()
            };
            docs::write(tx, &Doc::Agent(agent_now))?;
            if let Some(old) = old_me.as_deref().filter(|o| *o != agent.id) {
                // Work recorded standalone was the local profile's; it is this agent's now.
                tx.execute("UPDATE tickets SET assignee_id = ?2 WHERE assignee_id = ?1", params![old, agent.id])?;
                tx.execute("UPDATE messages SET author_id = ?2 WHERE author_id = ?1", params![old, agent.id])?;
                tx.execute("UPDATE ticket_events SET actor_id = ?2 WHERE actor_id = ?1", params![old, agent.id])?;
                tx.execute("UPDATE mutations SET actor_id = ?2 WHERE actor_id = ?1", params![old, agent.id])?;
                tx.execute("DELETE FROM agent_group_member WHERE agent_id = ?1", [old])?;
                tx.execute("DELETE FROM agents WHERE id = ?1", [old])?;
            }
            settings::set(tx, "profile_agent_id", &agent.id)?;
            crate::upload::queue_standalone_data(tx, &agent.id)?;
            settings::set(tx, "sync_server_url", server_url)?;
            settings::set(tx, "sync_workspace_id", workspace_id)?;
            settings::set(tx, "sync_client_id", &new_id())?;
            settings::set(tx, "sync_cursor", "0")?;
            // The first pull brings the team's history: nothing in it is news.
            crate::queries::notifications::start_now(tx)?;
            Ok(())
        })?;
        self.set_me(&agent.id);
        Ok(())
    }

    /// The next queued mutations after id `after`, oldest first.
    pub fn outbox_batch(&self, after: i64, max: usize) -> StoreResult<Vec<PushMutation>> {
        self.read(|c| outbox(c, after, max as i64))
    }

    /// When the last pull finished (UTC ms).
    pub fn last_sync_at(&self) -> StoreResult<Option<i64>> {
        self.read(|c| Ok(settings::get(c, "sync_last_pull_at")?.and_then(|v| v.parse().ok())))
    }

    pub fn outbox_len(&self) -> StoreResult<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?))
    }

    /// Records the server's answer to a push. Refused mutations are dropped and rolled back
    /// here; accepted ones stay queued until a pull brings their effects.
    pub fn settle_push(&self, res: &PushResponse) -> StoreResult<Vec<Refusal>> {
        let refused: Vec<_> = res
            .results
            .iter()
            .filter_map(|r| match &r.outcome {
                PushOutcome::Rejected { error } => Some((r.id, error.clone())),
                _ => None,
            })
            .collect();
        if refused.is_empty() {
            return Ok(Vec::new());
        }
        self.with_tx(|tx| {
            tx.execute("PRAGMA defer_foreign_keys = ON", [])?;
            let mut out = Vec::new();
            for (id, error) in refused {
                let name: Option<String> = tx
                    .query_row("SELECT name FROM outbox WHERE id = ?1", [id], |r| r.get(0))
                    .optional()?;
                tx.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
                if let Some(name) = name {
                    out.push(Refusal {
                        mutation_id: id,
                        name,
                        error,
                    });
                }
            }
            roll_back_unsent(tx)?;
            reapply_unsent(tx, &me(tx)?)?;
            Ok(out)
        })
    }

    /// Applies one page of documents from the server. After the last page of a pull
    /// (`has_more` false) unsent changes are rebased on top; between pages the store holds
    /// the server's state alone (they stay queued in the outbox, nothing is lost).
    ///
    /// A pull from cursor 0 that spans several pages is written in bulk: without the derived
    /// triggers, which the last page rebuilds once. Foreign keys are checked with the last
    /// page only: a page may hold a message whose ticket's newest version is on the next one.
    pub fn apply_pull(&self, page: &PullResponse) -> StoreResult<PullApplied> {
        let last_page = !page.has_more;
        self.with_tx_foreign_keys(last_page, |tx| {
            if last_page {
                tx.execute("PRAGMA defer_foreign_keys = ON", [])?;
            }
            let mut bulk = settings::get(tx, BULK_PULL)?.is_some();
            let cursor: i64 = settings::get(tx, "sync_cursor")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if !bulk && !last_page && cursor == 0 {
                tx.execute_batch(DROP_DERIVED_TRIGGERS)?;
                settings::set(tx, BULK_PULL, "1")?;
                bulk = true;
            }
            roll_back_unsent(tx)?;
            let mut applied = PullApplied::default();
            for ch in &page.changes {
                match &ch.doc {
                    Some(doc) => docs::write(tx, doc)?,
                    None => docs::delete(tx, ch.key.kind, &ch.key.id)?,
                }
                applied.changed.doc(ch.doc.as_ref());
                applied.documents += 1;
            }
            // After the whole page is written (an event may precede its ticket in the page),
            // and only with the last page of a pull (its ticket's newest version may be on a
            // later one).
            crate::queries::notifications::derive_pulled(tx, &page.changes, last_page)?;
            if last_page {
                // An earlier page may not hold the effects of every mutation the server counts
                // as done: only the last page settles the outbox.
                tx.execute("DELETE FROM outbox WHERE id <= ?1", [page.last_mutation_id])?;
                tx.execute("DELETE FROM settings WHERE key = ?1", [PULL_IN_PROGRESS])?;
            } else {
                settings::set(tx, PULL_IN_PROGRESS, "1")?;
            }
            settings::set(tx, "sync_cursor", &page.cursor.to_string())?;
            if page.reset {
                settings::set(tx, "sync_cursor", "0")?;
            }
            if last_page {
                if bulk {
                    rebuild_derived(tx)?;
                    create_derived_triggers(tx)?;
                    tx.execute("DELETE FROM settings WHERE key = ?1", [BULK_PULL])?;
                }
                reapply_unsent(tx, &me(tx)?)?;
            }
            settings::set(tx, "sync_last_pull_at", &now_ms().to_string())?;
            Ok(applied)
        })
    }

    /// Finishes a pull that stopped between pages (the connection dropped, or the app quit or
    /// crashed) where it stopped, as its last page would: derived data rebuilt if it was a bulk
    /// import, the agent's unsent work rebased on top. Counts, search and the agent's own
    /// changes are then right while the rest waits; the next pull resumes from the stored
    /// cursor. Foreign keys are not checked: a message whose ticket is still on the server may
    /// be here already. Returns whether a pull was interrupted.
    pub fn end_interrupted_pull(&self) -> StoreResult<bool> {
        self.with_tx_foreign_keys(false, |tx| {
            let bulk = settings::get(tx, BULK_PULL)?.is_some();
            if !bulk && settings::get(tx, PULL_IN_PROGRESS)?.is_none() {
                return Ok(false);
            }
            roll_back_unsent(tx)?;
            if bulk {
                rebuild_derived(tx)?;
                create_derived_triggers(tx)?;
            }
            tx.execute(
                "DELETE FROM settings WHERE key IN (?1, ?2)",
                [BULK_PULL, PULL_IN_PROGRESS],
            )?;
            reapply_unsent(tx, &me(tx)?)?;
            Ok(true)
        })
    }

    /// A write transaction with foreign-key enforcement on or off for its duration (the
    /// pragma cannot change inside a transaction).
    fn with_tx_foreign_keys<T>(
        &self,
        enforce: bool,
        f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        if enforce {
            return self.with_tx(f);
        }
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let out = (|| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            crate::metrics::refresh_dirty(&tx)?;
            crate::sla::refresh_dirty(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
        out
    }

    /// Every row as a document, sorted by key, leaving out what is only local (views,
    /// settings, the audit of local mutations): what convergence tests compare.
    pub fn canonical_dump(&self) -> StoreResult<Vec<Doc>> {
        self.read(|c| {
            let mut out = Vec::new();
            for kind in DocKind::ALL {
                for id in docs::ids(c, *kind)? {
                    if let Some(d) = docs::read(c, *kind, &id)? {
                        out.push(d);
                    }
                }
            }
            out.sort_by_key(|d| d.key());
            Ok(out)
        })
    }
}
