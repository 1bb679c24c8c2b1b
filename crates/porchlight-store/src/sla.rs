//! SLA fields on tickets. Triggers note which tickets' history or configuration changed
//! (`sla_dirty`, see `schema::SLA_TRIGGERS`); every write transaction recomputes those before
//! it commits, so `sla_due_at` / `sla_warn_at` always match what is stored, whether the change
//! was the agent's, a rule's, a pulled page or a new SLA policy. The badge, the "At risk" and
//! "Breached" views and "sort by next deadline" read the two columns against the clock; the
//! every-minute pass (`sla_pass`, above this) finds the tickets that crossed a warning or a
//! deadline since the last pass (for notifications).

use porchlight_domain::sla::{
    timeline_of, FieldChange, SlaBook, SlaStatus, ThreadEntry, TicketFacts, TicketSla,
};
use porchlight_domain::{AuthorKind, Channel, MessageKind, Priority, TicketStatus};
use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::queries::{config_docs, docs};
use crate::schema::unsolved;
use crate::StoreResult;

pub(crate) type StoredSla = (Option<String>, Option<i64>, Option<i64>);

/// What the clock (and a report's row) needs of one ticket, read from its row, tags, audit
/// events and messages.
pub(crate) struct History {
    pub(crate) rowid: i64,
    pub(crate) status: TicketStatus,
    pub(crate) priority: Priority,
    pub(crate) channel: Channel,
    pub(crate) group_id: Option<String>,
    pub(crate) organization_id: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) deleted: bool,
    pub(crate) merged: bool,
    pub(crate) assignee_id: Option<String>,
    pub(crate) language: String,
    /// The mailbox of its first e-mail.
    pub(crate) mailbox_id: Option<String>,
    /// The ticket's own record of its last solve.
    pub(crate) solved_at: Option<i64>,
    /// The SLA fields as stored (policy, due, warn).
    pub(crate) stored_sla: StoredSla,
    pub(crate) tags: Vec<String>,
    pub(crate) changes: Vec<(String, Option<String>, Option<String>, i64)>,
    pub(crate) thread: Vec<(MessageKind, AuthorKind, Option<String>, i64)>,
}

fn parse<T>(
    v: String,
    f: fn(&str, &str) -> Result<T, porchlight_domain::DomainError>,
) -> Option<T> {
    f("column", &v).ok()
}

/// `full`: also for a solved, closed or deleted ticket (which has no running SLA to store).
pub(crate) fn history(c: &Connection, id: &str, full: bool) -> StoreResult<Option<History>> {
    type Row = (
        (String, String, String, Option<String>, Option<String>, i64),
        (
            bool,
            bool,
            Option<String>,
            String,
            i64,
            StoredSla,
            Option<i64>,
        ),
    );
    let row: Option<Row> = c
        .prepare_cached(
            "SELECT t.status, t.priority, t.channel, t.group_id, cu.organization_id, t.created_at,
                    t.deleted_at IS NOT NULL, t.merged_into_id IS NOT NULL, t.assignee_id,
                    t.language, t.rowid, t.sla_policy_id, t.sla_due_at, t.sla_warn_at, t.solved_at
             FROM tickets t LEFT JOIN customers cu ON cu.id = t.requester_id WHERE t.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ),
                (
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    (r.get(11)?, r.get(12)?, r.get(13)?),
                    r.get(14)?,
                ),
            ))
        })
        .optional()?;
    let Some((
        (status, priority, channel, group_id, organization_id, created_at),
        (deleted, merged, assignee_id, language, rowid, stored_sla, solved_at),
    )) = row
    else {
        return Ok(None);
    };
    let (Some(status), Some(priority), Some(channel)) = (
        parse(status, TicketStatus::parse),
        parse(priority, Priority::parse),
        parse(channel, Channel::parse),
    ) else {
        return Ok(None);
    };
    let mut h = History {
        rowid,
        status,
        priority,
        channel,
        group_id,
        organization_id,
        created_at,
        deleted,
        merged,
        assignee_id,
        language,
        mailbox_id: None,
        solved_at,
        stored_sla,
        tags: Vec::new(),
        changes: Vec::new(),
        thread: Vec::new(),
    };
    if !full && (deleted || !status.is_open_like()) {
        return Ok(Some(h));
    }
    h.tags = docs::tags_of(c, id)?;
    h.changes = c
        .prepare_cached(
            "SELECT field, old_value, new_value, created_at FROM ticket_events
             WHERE ticket_id = ?1 AND field IN ('status', 'priority') ORDER BY created_at, rowid",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    /// Kind, author kind, author id, time, mailbox.
    type MessageRow = (String, String, Option<String>, i64, Option<String>);
    let rows: Vec<MessageRow> = c
        .prepare_cached(
            "SELECT kind, author_kind, author_id, created_at, CASE WHEN channel_meta IS NOT NULL
                      THEN json_extract(channel_meta, '$.mailbox_id') END
             FROM messages WHERE ticket_id = ?1 ORDER BY created_at, rowid",
        )?
        .query_map([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    h.mailbox_id = rows.iter().find_map(|r| r.4.clone());
    h.thread = rows
        .into_iter()
        .filter_map(|(k, a, id, at, _)| {
            Some((
                parse(k, MessageKind::parse)?,
                parse(a, AuthorKind::parse)?,
                id,
                at,
            ))
        })
        .collect();
    Ok(Some(h))
}

/// What a policy's conditions read of a ticket.
pub(crate) fn facts(h: &History) -> TicketFacts<'_> {
    TicketFacts {
        priority: h.priority,
        channel: h.channel,
        group_id: h.group_id.as_deref(),
        organization_id: h.organization_id.as_deref(),
        tags: &h.tags,
    }
}

/// The history's status and priority changes and messages as the domain reads them.
pub(crate) fn entries(h: &History) -> (Vec<FieldChange<'_>>, Vec<ThreadEntry<'_>>) {
    let changes = h
        .changes
        .iter()
        .map(|(field, old, new, at)| FieldChange {
            field,
            old_value: old.as_deref(),
            new_value: new.as_deref(),
            at: *at,
        })
        .collect();
    let thread = h
        .thread
        .iter()
        .map(|(kind, author_kind, author_id, at)| ThreadEntry {
            kind: *kind,
            author_kind: *author_kind,
            author_id: author_id.as_deref(),
            at: *at,
        })
        .collect();
    (changes, thread)
}

pub(crate) fn compute(book: &SlaBook, h: &History) -> Option<TicketSla> {
    let (changes, thread) = entries(h);
    let timeline = timeline_of(h.created_at, h.status, h.priority, &changes, &thread);
    book.ticket_sla(&facts(h), &timeline)
}

/// Recomputes the SLA fields of one ticket; a solved, closed or deleted ticket, or one no
/// policy covers, has none.
fn refresh_one(c: &Connection, book: &SlaBook, id: &str) -> StoreResult<()> {
    let Some(h) = history(c, id, false)? else {
        return Ok(());
    };
    let sla = if book.is_empty() || h.deleted || !h.status.is_open_like() {
        None
    } else {
        compute(book, &h)
    };
    store_running(c, &h, sla.as_ref())
}

/// Stores what of `sla` (the ticket's SLA computed from its full history) runs: nothing for
/// a solved, closed or deleted ticket. Written only when it differs.
pub(crate) fn store_running(
    c: &Connection,
    h: &History,
    sla: Option<&TicketSla>,
) -> StoreResult<()> {
    let sla = sla.filter(|_| !h.deleted && h.status.is_open_like());
    c.prepare_cached(
        "UPDATE tickets SET sla_policy_id = ?2, sla_due_at = ?3, sla_warn_at = ?4
         WHERE rowid = ?1 AND (sla_policy_id IS NOT ?2 OR sla_due_at IS NOT ?3 OR sla_warn_at IS NOT ?4)",
    )?
    .execute(params![
        h.rowid,
        sla.map(|s| &s.policy_id),
        sla.and_then(|s| s.due_at),
        sla.and_then(|s| s.warn_at),
    ])?;
    Ok(())
}

/// Recomputes the tickets the triggers marked in this transaction (every unsolved ticket when
/// the SLA configuration changed). Returns how many tickets were looked at.
pub(crate) fn refresh_dirty(c: &Connection) -> StoreResult<usize> {
    let any: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sla_dirty)")?
        .query_row([], |r| r.get(0))?;
    if !any {
        return Ok(0);
    }
    let all: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sla_dirty WHERE ticket_id = '*')")?
        .query_row([], |r| r.get(0))?;
    let book = config_docs::sla_book(c)?;
    let n = if all {
        // Solved and closed tickets have no running SLA: clear any left, then the rest.
        c.execute(
            "UPDATE tickets SET sla_policy_id = NULL, sla_due_at = NULL, sla_warn_at = NULL
             WHERE sla_policy_id IS NOT NULL AND (status IN ('solved', 'closed') OR deleted_at IS NOT NULL)",
            [],
        )?;
        if book.is_empty() {
            c.execute(
                "UPDATE tickets SET sla_policy_id = NULL, sla_due_at = NULL, sla_warn_at = NULL
                 WHERE sla_policy_id IS NOT NULL",
                [],
            )?;
            0
        } else {
            refresh_all(c, &book)?
        }
    } else {
        let ids: Vec<String> = c
            .prepare_cached("SELECT ticket_id FROM sla_dirty")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in &ids {
            refresh_one(c, &book, id)?;
        }
        ids.len()
    };
    c.execute("DELETE FROM sla_dirty", [])?;
    Ok(n)
}

/// A text column borrowed from the row (no copy per row in a scan).
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> StoreResult<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
            .into()
    })
}

/// Many tickets' histories at once: four table scans merged by ticket in memory instead of
/// four lookups per ticket. `unsolved`: only live unsolved tickets (the SLA's), else every
/// live, unmerged ticket (the reports'). Rows come in table order, each history in time
/// order.
pub(crate) fn histories(c: &Connection, unsolved: bool) -> StoreResult<Vec<History>> {
    let mut hist: Vec<History> = Vec::new();
    // Organizations are few: their customers are read once, not looked up per ticket.
    let organization_of: std::collections::HashMap<String, String> = c
        .prepare("SELECT id, organization_id FROM customers WHERE organization_id IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut ids: Vec<String> = Vec::new();
    {
        // The table read in its own order, not through `tickets_status`: a seek per ticket in
        // (status, assignee) order cost more than reading every row, and the rows are
        // written back in this order, page after page.
        let which = if unsolved {
            "t.status IN ('new', 'open', 'pending', 'on_hold') AND t.deleted_at IS NULL"
        } else {
            "t.deleted_at IS NULL AND t.merged_into_id IS NULL"
        };
        let mut st = c.prepare(&format!(
            "SELECT t.id, t.status, t.priority, t.channel, t.group_id, t.requester_id,
                    t.created_at, t.assignee_id, t.language, t.rowid, t.sla_policy_id,
                    t.sla_due_at, t.sla_warn_at, t.solved_at
             FROM tickets t NOT INDEXED WHERE {which}"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(status), Some(priority), Some(channel)) = (
                parse(r.get(1)?, TicketStatus::parse),
                parse(r.get(2)?, Priority::parse),
                parse(r.get(3)?, Channel::parse),
            ) else {
                continue;
            };
            ids.push(r.get(0)?);
            hist.push(History {
                rowid: r.get(9)?,
                status,
                priority,
                channel,
                group_id: r.get(4)?,
                organization_id: organization_of.get(text(r, 5)?).cloned(),
                created_at: r.get(6)?,
                deleted: false,
                merged: false,
                assignee_id: r.get(7)?,
                language: r.get(8)?,
                mailbox_id: None,
                solved_at: r.get(13)?,
                stored_sla: (r.get(10)?, r.get(11)?, r.get(12)?),
                tags: Vec::new(),
                changes: Vec::new(),
                thread: Vec::new(),
            });
        }
    }
    let index: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    {
        let mut st = c.prepare("SELECT ticket_id, tag FROM ticket_tags")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(text(r, 0)?) {
                hist[i].tags.push(r.get(1)?);
            }
        }
    }
    {
        // In table order, as the messages below; each history is put in time order there.
        let mut st = c.prepare(
            "SELECT ticket_id, field, old_value, new_value, created_at FROM ticket_events
             WHERE field IN ('status', 'priority')",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(text(r, 0)?) {
                hist[i]
                    .changes
                    .push((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
            }
        }
    }
    {
        // In table order (no sort of every message); each thread is put in time order below
        // (a stable sort by time: ties keep the table's order, as `ORDER BY created_at, rowid`).
        // Only a rule's authorship matters to the clock, so the SLA keeps no other author ids;
        // reports keep the agents' (who replied).
        let mut st = c.prepare(
            "SELECT ticket_id, kind, author_kind, author_id, created_at, CASE WHEN channel_meta
                      IS NOT NULL THEN json_extract(channel_meta, '$.mailbox_id') END
             FROM messages",
        )?;
        let mut rows = st.query([])?;
        let mut first_mail: Vec<i64> = vec![i64::MAX; hist.len()];
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(text(r, 0)?) else {
                continue;
            };
            let (Some(kind), Some(author)) = (
                parse(r.get(1)?, MessageKind::parse),
                parse(r.get(2)?, AuthorKind::parse),
            ) else {
                continue;
            };
            let author_id: Option<&str> = match r.get_ref(3)? {
                rusqlite::types::ValueRef::Null => None,
                _ => Some(text(r, 3)?),
            };
            let kept = author_id
                .filter(|a| {
                    a.starts_with("rule:")
                        || (!unsolved && author == AuthorKind::Agent && kind == MessageKind::Reply)
                })
                .map(str::to_owned);
            let at: i64 = r.get(4)?;
            if let Some(mailbox) = r.get::<_, Option<String>>(5)? {
                if at < first_mail[i] {
                    first_mail[i] = at;
                    hist[i].mailbox_id = Some(mailbox);
                }
            }
            hist[i].thread.push((kind, author, kept, at));
        }
    }
    for h in &mut hist {
        h.thread.sort_by_key(|m| m.3);
        h.changes.sort_by_key(|e| e.3);
    }
    Ok(hist)
}

/// Every unsolved ticket at once (a policy changed, a bulk import), with a write only where
/// the fields change.
fn refresh_all(c: &Connection, book: &SlaBook) -> StoreResult<usize> {
    let hist = histories(c, true)?;
    {
        // Written with the triggers off: per row written, `sla_tally`'s trigger cost a
        // statement journal, a trigger program and a scratch table, more than the write
        // itself; the tally is counted once afterwards instead. No other trigger watches
        // the SLA columns, the only ones written here.
        let off = TriggersOff::new(c)?;
        let mut update = c.prepare(
            "UPDATE tickets SET sla_policy_id = ?2, sla_due_at = ?3, sla_warn_at = ?4 WHERE rowid = ?1",
        )?;
        for h in &hist {
            let sla = compute(book, h);
            let now: StoredSla = (
                sla.as_ref().map(|s| s.policy_id.clone()),
                sla.as_ref().and_then(|s| s.due_at),
                sla.as_ref().and_then(|s| s.warn_at),
            );
            if h.stored_sla != now {
                update.execute(params![h.rowid, now.0, now.1, now.2])?;
            }
        }
        drop(update);
        off.restore()?;
    }
    c.execute_batch(SLA_RECOUNT)?;
    Ok(hist.len())
}

/// Counts `sla_tally` afresh at its reference instants (see `schema::SLA_TALLY_TRIGGERS`),
/// from the covering indexes over unsolved tickets' SLA instants.
const SLA_RECOUNT: &str = concat!(
    "UPDATE sla_tally SET n = (SELECT count(*) FROM tickets INDEXED BY tickets_sla_due_open
       WHERE sla_due_at < sla_tally.as_of AND deleted_at IS NULL AND status IN ",
    unsolved!(),
    ") WHERE kind = 'due';
     UPDATE sla_tally SET n = (SELECT count(*) FROM tickets INDEXED BY tickets_sla_warn_open
       WHERE sla_warn_at < sla_tally.as_of AND deleted_at IS NULL AND status IN ",
    unsolved!(),
    ") WHERE kind = 'warn';"
);

/// The connection's triggers, off until [`TriggersOff::restore`] (or the guard is dropped,
/// on an early error return). Switching expires the connection's prepared statements (each
/// is compiled again on its next use), so this is for bulk work.
pub(crate) struct TriggersOff<'c>(Option<&'c Connection>);

impl<'c> TriggersOff<'c> {
    pub(crate) fn new(c: &'c Connection) -> StoreResult<Self> {
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(TriggersOff(Some(c)))
    }

    pub(crate) fn restore(mut self) -> StoreResult<()> {
        if let Some(c) = self.0.take() {
            c.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)?;
        }
        Ok(())
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        let Some(c) = self.0.take() else { return };
        // Setting a known option of an open connection does not fail; were it to, every
        // later write would leave derived data wrong, which must not pass unnoticed.
        if let Err(e) = c.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true) {
            if !std::thread::panicking() {
                panic!("the store's triggers could not be switched back on: {e}");
            }
        }
    }
}

/// The full SLA of one ticket as of its last change (the ticket view): computed on read, so
/// a solved ticket still shows which targets were met and which breached.
pub(crate) fn ticket_sla(c: &Connection, id: &str) -> StoreResult<Option<TicketSla>> {
    let book = config_docs::sla_book(c)?;
    if book.is_empty() {
        return Ok(None);
    }
    Ok(match history(c, id, true)? {
        Some(h) if !h.deleted => compute(&book, &h),
        _ => None,
    })
}

/// A ticket whose warning or deadline passed between two every-minute passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaCrossing {
    pub ticket_id: String,
    pub number: Option<i64>,
    pub subject: String,
    pub assignee_id: Option<String>,
    pub group_id: Option<String>,
    /// `at_risk` (the warning began) or `breached` (the deadline passed).
    pub status: SlaStatus,
    /// When it crossed.
    pub at: i64,
}

#[cfg(test)]
mod tests {
    use porchlight_domain::config::ConfigMutation;
    use porchlight_domain::mutation::RequesterRef;
    use porchlight_domain::sla::{SlaConditions, SlaPolicy, SlaTargets, SlaTargetsByPriority};
    use porchlight_domain::{Channel, Mutation, Priority, SortKey, TicketType};

    use crate::{new_id, Store};

    const MIN: i64 = 60_000;

    /// Every priority's targets `minutes` (first response, next response and resolution).
    fn policy(minutes: u32) -> SlaPolicy {
        let t = SlaTargets {
            first_response: Some(minutes),
            next_response: Some(minutes),
            resolution: Some(minutes),
        };
        SlaPolicy {
            id: "std".into(),
            name: "Standard".into(),
            position: 1,
            conditions: SlaConditions::default(),
            targets: SlaTargetsByPriority {
                low: t,
                normal: t,
                high: t,
                urgent: t,
            },
            calendar_id: None,
            warning_minutes: 5,
        }
    }

    fn save(s: &Store, minutes: u32) {
        s.apply_config(ConfigMutation::SaveSlaPolicy {
            policy: policy(minutes),
        })
        .unwrap();
    }

    fn ticket(s: &Store, priority: Priority) -> String {
        let id = new_id();
        s.apply(Mutation::CreateTicket {
            ticket_id: id.clone(),
            message_id: new_id(),
            subject: "The order never came".into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Ada Okafor".into(),
                email: Some(format!("{}@example.com", &id[24..])),
                phone: None,
            },
            channel: Channel::Email,
            priority,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec![],
            body_text: "Where is it?".into(),
            attachment_ids: vec![],
            outbound: false,
        })
        .unwrap();
        id
    }

    /// (counted, listed) of a view at `now`.
    fn counted_and_listed(s: &Store, view: &str, now: i64) -> (i64, i64) {
        let counted = s
            .views_at(now)
            .unwrap()
            .into_iter()
            .find(|v| v.id == view)
            .unwrap()
            .count;
        let listed = s
            .ticket_page_at(view, SortKey::Due, None, 500, now)
            .unwrap()
            .rows
            .len() as i64;
        (counted, listed)
    }

    /// A saved policy recomputes every open ticket with the triggers off and then counts the
    /// "At risk" / "Breached" tally again: the counts still name the tickets the views list
    /// when deadlines move across the tally's reference instant, and the triggers are back
    /// for the next change.
    #[test]
    fn counts_hold_when_every_ticket_is_recomputed_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.create_profile("Ines Admin", "ines@example.com").unwrap();
        save(&s, 600);
        let ids: Vec<String> = [Priority::Low, Priority::Normal, Priority::Urgent]
            .into_iter()
            .map(|p| ticket(&s, p))
            .collect();
        let t0 = s.ticket(&ids[0]).unwrap().summary.created_at;
        // The tally's reference instant: an hour in, nothing due yet.
        let as_of = t0 + 60 * MIN;
        s.sla_pass(as_of).unwrap();
        assert_eq!(counted_and_listed(&s, "breached", as_of), (0, 0));
        for (minutes, breached) in [(10, 3), (600, 0), (10, 3)] {
            save(&s, minutes);
            for at in [as_of, as_of - 55 * MIN, as_of + MIN] {
                for view in ["at_risk", "breached"] {
                    let (counted, listed) = counted_and_listed(&s, view, at);
                    assert_eq!(counted, listed, "{view} at {} min", (at - t0) / MIN);
                }
            }
            assert_eq!(counted_and_listed(&s, "breached", as_of).0, breached);
        }
        // The triggers work again: a new ticket gets its deadline and is counted.
        let late = ticket(&s, Priority::High);
        assert!(s.ticket(&late).unwrap().summary.sla_due_at.is_some());
        let at = s.ticket(&late).unwrap().summary.created_at + 60 * MIN;
        assert_eq!(counted_and_listed(&s, "breached", at), (4, 4));
    }
}
