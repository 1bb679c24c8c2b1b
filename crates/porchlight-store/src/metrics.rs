//! Report rows, kept current on write: one `ticket_metrics` row per live, unmerged ticket and
//! its `ticket_flow` steps, computed by `porchlight_domain::reports::ticket_metrics` from the
//! ticket's history. Triggers note the tickets whose history changed (`metrics_dirty`, see
//! `schema::METRICS_TRIGGERS`); every write transaction computes those again before it
//! commits, after the SLA fields. A report then reads rows by time range and never walks
//! messages, however long the history grows. '*' (a new store's migration, a bulk import)
//! computes every ticket at once.

use porchlight_domain::reports::{ticket_metrics, TicketMetrics};
use porchlight_domain::sla::SlaBook;
use rusqlite::{params, Connection};

use crate::queries::config_docs;
use crate::sla::{compute, entries, facts, histories, history, store_running, History};
use crate::StoreResult;
use porchlight_domain::sla::TicketSla;

fn metrics_of(book: &SlaBook, h: &History) -> TicketMetrics {
    let sla = if book.is_empty() {
        None
    } else {
        compute(book, h)
    };
    metrics_with(book, h, sla.as_ref())
}

/// The metrics of a ticket whose SLA (from its full history) is known.
fn metrics_with(book: &SlaBook, h: &History, sla: Option<&TicketSla>) -> TicketMetrics {
    let schedule = book.schedule_of(book.policy_for(&facts(h)));
    let (changes, thread) = entries(h);
    ticket_metrics(
        h.created_at,
        h.status,
        h.solved_at,
        &changes,
        &thread,
        sla.map(|s| &s.state),
        schedule,
    )
}

fn write(c: &Connection, h: &History, m: &TicketMetrics) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO ticket_metrics(ticket_rowid, created_at, first_response_at,
           first_response_ms, first_response_bms, solved_at, resolution_ms, resolution_bms,
           agent_replies, reopens, one_touch, sla_first_response, sla_resolution, assignee_id,
           group_id, channel, priority, language, mailbox_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?
    .execute(params![
        h.rowid,
        m.created_at,
        m.first_response_at,
        m.first_response_ms,
        m.first_response_business_ms,
        m.solved_at,
        m.resolution_ms,
        m.resolution_business_ms,
        m.agent_replies,
        m.reopens,
        m.one_touch,
        m.sla_first_response.map(|o| o.as_str()),
        m.sla_resolution.map(|o| o.as_str()),
        h.assignee_id,
        h.group_id,
        h.channel.as_str(),
        h.priority.as_str(),
        h.language,
        h.mailbox_id,
    ])?;
    let flow: Vec<(String, i64)> = m
        .flow
        .iter()
        .map(|(k, at)| (k.as_str().to_owned(), *at))
        .collect();
    write_steps(c, "ticket_flow", "kind", h.rowid, &flow)?;
    let replies: Vec<(Option<String>, i64)> =
        m.replies.iter().map(|(at, a)| (a.clone(), *at)).collect();
    write_steps(c, "ticket_replies", "agent_id", h.rowid, &replies)?;
    Ok(())
}

/// Stores a ticket's rows of a step table (`ticket_flow`: kind; `ticket_replies`: agent):
/// `(value, at)` in order, numbered by `seq`. A change usually adds a step or a reply at the
/// end, so the rows already stored as computed stay and only the rest is written (a reply to
/// a long thread writes one row, not fifty).
fn write_steps<T: rusqlite::ToSql + rusqlite::types::FromSql + PartialEq>(
    c: &Connection,
    table: &str,
    column: &str,
    rowid: i64,
    want: &[(T, i64)],
) -> StoreResult<()> {
    let (mut kept, mut stored) = (0, 0);
    {
        let mut st = c.prepare_cached(&format!(
            "SELECT {column}, at FROM {table} WHERE ticket_rowid = ?1 ORDER BY seq"
        ))?;
        let mut rows = st.query([rowid])?;
        while let Some(r) = rows.next()? {
            if kept == stored
                && want.get(kept).is_some_and(|(v, at)| {
                    r.get::<_, T>(0).is_ok_and(|x| x == *v)
                        && r.get::<_, i64>(1).is_ok_and(|x| x == *at)
                })
            {
                kept += 1;
            }
            stored += 1;
        }
    }
    if kept == want.len() && stored == kept {
        return Ok(());
    }
    c.prepare_cached(&format!(
        "DELETE FROM {table} WHERE ticket_rowid = ?1 AND seq >= ?2"
    ))?
    .execute(params![rowid, kept as i64])?;
    let mut insert = c.prepare_cached(&format!(
        "INSERT INTO {table}(at, ticket_rowid, seq, {column}) VALUES (?1, ?2, ?3, ?4)"
    ))?;
    for (seq, (v, at)) in want.iter().enumerate().skip(kept) {
        insert.execute(params![at, rowid, seq as i64, v])?;
    }
    Ok(())
}

fn forget(c: &Connection, rowid: i64) -> StoreResult<()> {
    c.prepare_cached("DELETE FROM ticket_metrics WHERE ticket_rowid = ?1")?
        .execute([rowid])?;
    c.prepare_cached("DELETE FROM ticket_flow WHERE ticket_rowid = ?1")?
        .execute([rowid])?;
    c.prepare_cached("DELETE FROM ticket_replies WHERE ticket_rowid = ?1")?
        .execute([rowid])?;
    Ok(())
}

/// Computes the rows of the tickets the triggers marked in this transaction. Returns how
/// many tickets were computed.
pub(crate) fn refresh_dirty(c: &Connection) -> StoreResult<usize> {
    let ids: Vec<String> = c
        .prepare_cached("SELECT ticket_id FROM metrics_dirty")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    let book = config_docs::sla_book(c)?;
    let n = if ids.iter().any(|id| id == "*") {
        rebuild_all(c, &book)?
    } else {
        // The SLA fields of these tickets are computed here from the same history (the SLA
        // pass after this one then skips them), unless every ticket's are due anyway.
        let sla_all: bool = c
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = '*')")?
            .query_row([], |r| r.get(0))?;
        for id in &ids {
            let Some(h) = history(c, id, true)? else {
                continue;
            };
            let sla = if book.is_empty() {
                None
            } else {
                compute(&book, &h)
            };
            if !sla_all {
                let marked = c
                    .prepare_cached("DELETE FROM sla_dirty WHERE ticket_id = ?1")?
                    .execute([id])?;
                if marked > 0 {
                    store_running(c, &h, sla.as_ref())?;
                }
            }
            if h.deleted || h.merged {
                forget(c, h.rowid)?;
            } else {
                write(c, &h, &metrics_with(&book, &h, sla.as_ref()))?;
            }
        }
        ids.len()
    };
    c.execute("DELETE FROM metrics_dirty", [])?;
    Ok(n)
}

/// Every ticket's rows from scratch, from four table scans.
fn rebuild_all(c: &Connection, book: &SlaBook) -> StoreResult<usize> {
    c.execute_batch(
        "DELETE FROM ticket_metrics; DELETE FROM ticket_flow; DELETE FROM ticket_replies;",
    )?;
    let all = histories(c, false)?;
    for h in &all {
        write(c, h, &metrics_of(book, h))?;
    }
    Ok(all.len())
}
