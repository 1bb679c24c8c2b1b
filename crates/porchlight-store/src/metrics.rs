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
use crate::sla::{compute, entries, facts, histories, history, History};
use crate::StoreResult;

fn metrics_of(book: &SlaBook, h: &History) -> TicketMetrics {
    let sla = if book.is_empty() {
        None
    } else {
        compute(book, h)
    };
    let schedule = book.schedule_of(book.policy_for(&facts(h)));
    let (changes, thread) = entries(h);
    ticket_metrics(
        h.created_at,
        h.status,
        h.solved_at,
        &changes,
        &thread,
        sla.as_ref().map(|s| &s.state),
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
    let mut step = c.prepare_cached(
        "INSERT INTO ticket_flow(at, ticket_rowid, seq, kind) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (seq, (kind, at)) in m.flow.iter().enumerate() {
        step.execute(params![at, h.rowid, seq as i64, kind.as_str()])?;
    }
    let mut reply = c.prepare_cached(
        "INSERT INTO ticket_replies(at, ticket_rowid, seq, agent_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (seq, (at, agent)) in m.replies.iter().enumerate() {
        reply.execute(params![at, h.rowid, seq as i64, agent])?;
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
        for id in &ids {
            let Some(h) = history(c, id, true)? else {
                continue;
            };
            forget(c, h.rowid)?;
            if !h.deleted && !h.merged {
                write(c, &h, &metrics_of(&book, &h))?;
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
