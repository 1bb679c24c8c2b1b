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
    // A change usually adds a step or a reply at the end: rows already stored as computed
    // stay, only the rest is written (a reply to a long thread writes one row, not fifty).
    let flow: Vec<(String, i64)> = m
        .flow
        .iter()
        .map(|(k, at)| (k.as_str().to_owned(), *at))
        .collect();
    let (kept, stored) = kept_prefix(
        c,
        "SELECT kind, at FROM ticket_flow WHERE ticket_rowid = ?1 ORDER BY seq",
        h.rowid,
        &flow,
    )?;
    if kept < flow.len() || stored != kept {
        c.prepare_cached("DELETE FROM ticket_flow WHERE ticket_rowid = ?1 AND seq >= ?2")?
            .execute(params![h.rowid, kept as i64])?;
        let mut step = c.prepare_cached(
            "INSERT INTO ticket_flow(at, ticket_rowid, seq, kind) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (seq, (kind, at)) in flow.iter().enumerate().skip(kept) {
            step.execute(params![at, h.rowid, seq as i64, kind])?;
        }
    }
    let replies: Vec<(Option<String>, i64)> =
        m.replies.iter().map(|(at, a)| (a.clone(), *at)).collect();
    let (kept, stored) = kept_prefix(
        c,
        "SELECT agent_id, at FROM ticket_replies WHERE ticket_rowid = ?1 ORDER BY seq",
        h.rowid,
        &replies,
    )?;
    if kept < replies.len() || stored != kept {
        c.prepare_cached("DELETE FROM ticket_replies WHERE ticket_rowid = ?1 AND seq >= ?2")?
            .execute(params![h.rowid, kept as i64])?;
        let mut reply = c.prepare_cached(
            "INSERT INTO ticket_replies(at, ticket_rowid, seq, agent_id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (seq, (agent, at)) in replies.iter().enumerate().skip(kept) {
            reply.execute(params![at, h.rowid, seq as i64, agent])?;
        }
    }
    Ok(())
}

/// How many of `want` (in order) are stored already as the first rows `sql` reads, and how
/// many rows are stored.
fn kept_prefix<T: rusqlite::types::FromSql + PartialEq>(
    c: &Connection,
    sql: &str,
    rowid: i64,
    want: &[(T, i64)],
) -> StoreResult<(usize, usize)> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query([rowid])?;
    let (mut kept, mut stored) = (0, 0);
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
    Ok((kept, stored))
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
