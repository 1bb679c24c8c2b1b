//! The audit timeline: one row per field change, with who made it.

use porchlight_domain::apply::Actor;
use porchlight_domain::TicketEvent;
use rusqlite::{params, Connection};

use crate::{new_id, StoreResult};

pub(crate) fn record(
    c: &Connection,
    ticket_id: &str,
    actor: &Actor,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    at: i64,
) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO ticket_events(id, ticket_id, actor_id, actor_name, field, old_value, new_value, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![new_id(), ticket_id, actor.id, actor.name, field, old, new, at])?;
    Ok(())
}

/// The columns `event_row` reads, in its order.
pub(crate) const EVENT_COLS: &str =
    "id, ticket_id, actor_id, actor_name, field, old_value, new_value, created_at";

pub(crate) fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TicketEvent> {
    Ok(TicketEvent {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        actor_id: r.get(2)?,
        actor_name: r.get(3)?,
        field: r.get(4)?,
        old_value: r.get(5)?,
        new_value: r.get(6)?,
        created_at: r.get(7)?,
    })
}

pub(crate) fn for_ticket(c: &Connection, ticket_id: &str) -> StoreResult<Vec<TicketEvent>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {EVENT_COLS} FROM ticket_events WHERE ticket_id = ?1 ORDER BY created_at, rowid"
    ))?;
    let rows = st
        .query_map([ticket_id], event_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
