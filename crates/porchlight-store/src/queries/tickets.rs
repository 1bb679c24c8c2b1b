//! Ticket reads: list pages (keyset), the full ticket, and the ticket view in one call.

use porchlight_domain::{
    Channel, DomainError, PageCursor, Priority, SortKey, Ticket, TicketDetail, TicketFilter,
    TicketPage, TicketStatus, TicketSummary, TicketType,
};
use rusqlite::{params, params_from_iter, types::Value, Connection, OptionalExtension, Row};

use super::enum_col;
use crate::filter_sql::where_clause;
use crate::{Store, StoreResult};

pub(crate) const SUMMARY_COLS: &str =
    "t.id, t.number, t.subject, t.status, t.priority, t.ticket_type, t.channel,
  t.requester_id, c.name, t.assignee_id, a.name, t.group_id, g.name, t.language, t.preview,
  t.message_count, t.created_at, t.updated_at, t.sla_due_at, t.sla_warn_at";
pub(crate) const SUMMARY_JOINS: &str = "JOIN customers c ON c.id = t.requester_id
  LEFT JOIN agents a ON a.id = t.assignee_id LEFT JOIN agent_group g ON g.id = t.group_id";
/// Number of columns in SUMMARY_COLS; extra selected columns start here.
pub(crate) const SUMMARY_LEN: usize = 20;

pub(crate) fn summary_row(r: &Row<'_>) -> rusqlite::Result<TicketSummary> {
    Ok(TicketSummary {
        id: r.get(0)?,
        number: r.get(1)?,
        subject: r.get(2)?,
        status: enum_col(r, 3, TicketStatus::parse)?,
        priority: enum_col(r, 4, Priority::parse)?,
        ticket_type: enum_col(r, 5, TicketType::parse)?,
        channel: enum_col(r, 6, Channel::parse)?,
        requester_id: r.get(7)?,
        requester_name: r.get(8)?,
        assignee_id: r.get(9)?,
        assignee_name: r.get(10)?,
        group_id: r.get(11)?,
        group_name: r.get(12)?,
        language: r.get(13)?,
        preview: r.get(14)?,
        message_count: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
        sla_due_at: r.get(18)?,
        sla_warn_at: r.get(19)?,
    })
}

pub(crate) fn get(c: &Connection, id: &str) -> StoreResult<Ticket> {
    let sql = format!(
        "SELECT {SUMMARY_COLS}, t.first_response_at, t.last_customer_message_at, t.last_agent_reply_at,
                t.solved_at, t.reopen_count, t.merged_into_id, t.deleted_at, t.version
         FROM tickets t {SUMMARY_JOINS} WHERE t.id = ?1"
    );
    let mut st = c.prepare_cached(&sql)?;
    let mut ticket = st
        .query_row([id], |r| {
            let n = SUMMARY_LEN;
            Ok(Ticket {
                summary: summary_row(r)?,
                tags: Vec::new(),
                first_response_at: r.get(n)?,
                last_customer_message_at: r.get(n + 1)?,
                last_agent_reply_at: r.get(n + 2)?,
                solved_at: r.get(n + 3)?,
                reopen_count: r.get(n + 4)?,
                merged_into_id: r.get(n + 5)?,
                deleted_at: r.get(n + 6)?,
                version: r.get(n + 7)?,
            })
        })
        .optional()?
        .ok_or_else(|| DomainError::not_found("ticket", id))?;
    ticket.tags = super::docs::tags_of(c, id)?;
    Ok(ticket)
}

/// The statement for one page of tickets matching `filter` in `sort` order, after `cursor`,
/// reading one row more than `limit` (to know whether another page follows).
pub(crate) fn page_sql(
    filter: &TicketFilter,
    me: Option<&str>,
    sort: SortKey,
    cursor: Option<&PageCursor>,
    limit: usize,
    now: i64,
) -> StoreResult<(String, Vec<Value>)> {
    let w = where_clause(filter, me, true, now);
    let mut params: Vec<Value> = w.params;
    let (order, keyset, key_cols) = match sort {
        SortKey::Updated => (
            "t.updated_at DESC, t.rowid DESC",
            "(t.updated_at, t.rowid) < (?, ?)",
            2,
        ),
        SortKey::Created => (
            "t.created_at DESC, t.rowid DESC",
            "(t.created_at, t.rowid) < (?, ?)",
            2,
        ),
        SortKey::Priority => (
            "t.priority_rank DESC, t.updated_at DESC, t.rowid DESC",
            "(t.priority_rank, t.updated_at, t.rowid) < (?, ?, ?)",
            3,
        ),
        // The expression is the one `tickets_sla_due` indexes.
        SortKey::Due => (
            "coalesce(t.sla_due_at, 9223372036854775807), t.rowid",
            "(coalesce(t.sla_due_at, 9223372036854775807), t.rowid) > (?, ?)",
            2,
        ),
    };
    let mut sql = format!(
        "SELECT {SUMMARY_COLS}, t.rowid, t.priority_rank FROM tickets t {SUMMARY_JOINS} WHERE {}",
        w.sql
    );
    if let Some(cur) = cursor {
        if cur.keys.len() != key_cols {
            return Err(DomainError::invalid(
                "cursor",
                "The page cursor does not match the sort order.",
            )
            .into());
        }
        sql.push_str(" AND ");
        sql.push_str(keyset);
        params.extend(cur.keys.iter().map(|k| Value::Integer(*k)));
    }
    sql.push_str(&format!(" ORDER BY {order} LIMIT ?"));
    params.push(Value::Integer(limit as i64 + 1));
    Ok((sql, params))
}

/// One page of tickets matching `filter` in `sort` order, after `cursor`.
pub(crate) fn page(
    c: &Connection,
    filter: &TicketFilter,
    me: Option<&str>,
    sort: SortKey,
    cursor: Option<&PageCursor>,
    limit: usize,
    now: i64,
) -> StoreResult<TicketPage> {
    let (sql, params) = page_sql(filter, me, sort, cursor, limit, now)?;
    let mut st = c.prepare_cached(&sql)?;
    let mut rows = Vec::with_capacity(limit + 1);
    let mut last_keys = Vec::new();
    let mut q = st.query(params_from_iter(params))?;
    let mut more = false;
    while let Some(r) = q.next()? {
        if rows.len() == limit {
            more = true;
            break;
        }
        let s = summary_row(r)?;
        let rowid: i64 = r.get(SUMMARY_LEN)?;
        let rank: i64 = r.get(SUMMARY_LEN + 1)?;
        last_keys = match sort {
            SortKey::Updated => vec![s.updated_at, rowid],
            SortKey::Created => vec![s.created_at, rowid],
            SortKey::Priority => vec![rank, s.updated_at, rowid],
            SortKey::Due => vec![s.sla_due_at.unwrap_or(i64::MAX), rowid],
        };
        rows.push(s);
    }
    Ok(TicketPage {
        rows,
        next: more.then_some(PageCursor { keys: last_keys }),
    })
}

impl Store {
    pub fn ticket(&self, id: &str) -> StoreResult<Ticket> {
        self.read(|c| get(c, id))
    }

    /// The ticket view: ticket, thread, audit timeline, requester and their other tickets.
    /// `show_images` lists messages whose remote images the agent chose to load.
    pub fn ticket_detail(&self, id: &str, show_images: &[String]) -> StoreResult<TicketDetail> {
        self.read(|c| {
            let ticket = get(c, id)?;
            let messages = super::messages::for_ticket(c, id, show_images)?;
            let events = super::events::for_ticket(c, id)?;
            let requester = super::customers::get(c, &ticket.summary.requester_id)?;
            let sql = format!(
                "SELECT {SUMMARY_COLS} FROM tickets t {SUMMARY_JOINS}
                 WHERE t.requester_id = ?1 AND t.id != ?2 AND t.deleted_at IS NULL
                 ORDER BY t.updated_at DESC LIMIT 20"
            );
            let mut st = c.prepare_cached(&sql)?;
            let requester_tickets = st
                .query_map(params![requester.id, id], summary_row)?
                .collect::<Result<Vec<_>, _>>()?;
            let requester_ratings = c
                .prepare_cached(&format!(
                    "SELECT {} FROM ratings WHERE customer_id = ?1 ORDER BY updated_at DESC LIMIT 50",
                    super::docs::RATING_COLS
                ))?
                .query_map([&requester.id], super::docs::rating_row)?
                .collect::<Result<_, _>>()?;
            Ok(TicketDetail {
                ticket,
                messages,
                events,
                requester_tickets,
                sla: crate::sla::ticket_sla(c, id)?,
                ratings: c
                    .prepare_cached(&format!(
                    "SELECT {} FROM ratings WHERE ticket_id = ?1 ORDER BY created_at, id",
                    super::docs::RATING_COLS
                ))?
                    .query_map([id], super::docs::rating_row)?
                    .collect::<Result<_, _>>()?,
                requester,
                requester_ratings,
            })
        })
    }

    /// Finds a live ticket by its human number (for "merge into #1042" and the palette).
    pub fn ticket_by_number(&self, number: i64) -> StoreResult<Option<TicketSummary>> {
        self.read(|c| {
            let sql = format!("SELECT {SUMMARY_COLS} FROM tickets t {SUMMARY_JOINS} WHERE t.number = ?1 AND t.deleted_at IS NULL");
            Ok(c.prepare_cached(&sql)?.query_row([number], summary_row).optional()?)
        })
    }
}
