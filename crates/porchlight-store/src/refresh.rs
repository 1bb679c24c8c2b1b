//! The SQL the app runs at start-up, on every refresh and in the every-minute pass, in one
//! list: each answers from a small table or an index range, never by walking all tickets.
//! The code reads its statements from here and `tests` checks every plan.

use crate::schema::unsolved;

/// Live tickets per (status, assignee): the built-in views' counts.
pub(crate) const TICKET_COUNTS: &str =
    "SELECT status, nullif(assignee_id, ''), n FROM ticket_counts WHERE n > 0";

/// The number of live tickets (the workspace header).
pub(crate) const TICKET_TOTAL: &str = "SELECT coalesce(sum(n), 0) FROM ticket_counts";

pub(crate) const SAVED_VIEWS: &str =
    "SELECT id, name, filters FROM saved_views ORDER BY position, created_at";

/// How many live unsolved tickets' instant `$col` moved across the reference instant `$as_of`
/// on the way to `?1`: those in [`$as_of`, `?1`) less those in [`?1`, `$as_of`), read from
/// the covering partial index `$index` (named: without statistics SQLite would rather walk
/// every unsolved ticket through `tickets_status`).
macro_rules! sla_crossed {
    ($col:literal, $index:literal, $as_of:literal) => {
        concat!(
            "(SELECT count(*) FROM tickets INDEXED BY ",
            $index,
            " WHERE ",
            $col,
            " >= ",
            $as_of,
            " AND ",
            $col,
            " < ?1 AND deleted_at IS NULL AND status IN ",
            unsolved!(),
            ") - (SELECT count(*) FROM tickets INDEXED BY ",
            $index,
            " WHERE ",
            $col,
            " >= ?1 AND ",
            $col,
            " < ",
            $as_of,
            " AND deleted_at IS NULL AND status IN ",
            unsolved!(),
            ")"
        )
    };
}

/// How many live unsolved tickets have an SLA instant before `?1`: the tally at its `as_of`,
/// corrected by the tickets that crossed between `as_of` and `?1` (since the last
/// every-minute pass).
macro_rules! sla_count {
    ($col:literal, $kind:literal, $index:literal) => {
        concat!(
            "SELECT s.n + ",
            sla_crossed!($col, $index, "s.as_of"),
            " FROM sla_tally s WHERE s.kind = '",
            $kind,
            "'"
        )
    };
}

/// Live unsolved tickets due before `?1` ("Breached" at `?1`).
pub(crate) const SLA_DUE_COUNT: &str = sla_count!("sla_due_at", "due", "tickets_sla_due_open");
/// Live unsolved tickets whose warning began before `?1` ("At risk" or breached at `?1 - 1`).
pub(crate) const SLA_WARN_COUNT: &str = sla_count!("sla_warn_at", "warn", "tickets_sla_warn_open");

/// Moves the tally's reference instant to `?1` (the every-minute pass), so the next counts'
/// correcting ranges hold only what crossed after it.
macro_rules! sla_advance {
    ($col:literal, $kind:literal, $index:literal) => {
        concat!(
            "UPDATE sla_tally SET as_of = ?1, n = n + ",
            sla_crossed!($col, $index, "sla_tally.as_of"),
            " WHERE kind = '",
            $kind,
            "'"
        )
    };
}

pub(crate) const SLA_DUE_ADVANCE: &str = sla_advance!("sla_due_at", "due", "tickets_sla_due_open");
pub(crate) const SLA_WARN_ADVANCE: &str =
    sla_advance!("sla_warn_at", "warn", "tickets_sla_warn_open");

/// The tickets whose instant fell in [`?1`, `?2`) (the every-minute pass); `?3` false keeps
/// out a warning that is the breach itself.
macro_rules! sla_crossings {
    ($col:literal, $index:literal) => {
        concat!(
            "SELECT id, number, subject, assignee_id, group_id, ",
            $col,
            " FROM tickets INDEXED BY ",
            $index,
            "
             WHERE ",
            $col,
            " >= ?1 AND ",
            $col,
            " < ?2 AND deleted_at IS NULL AND status IN ",
            unsolved!(),
            "
               AND (?3 OR sla_warn_at < sla_due_at)"
        )
    };
}

pub(crate) const SLA_WARN_CROSSINGS: &str = sla_crossings!("sla_warn_at", "tickets_sla_warn_open");
pub(crate) const SLA_DUE_CROSSINGS: &str = sla_crossings!("sla_due_at", "tickets_sla_due_open");

/// Every known tag with its live tickets.
pub(crate) const TAGS: &str =
    "SELECT g.name, coalesce(c.n, 0) FROM tags g LEFT JOIN tag_counts c ON c.tag = g.name
     ORDER BY g.name";

pub(crate) const AGENTS: &str =
    "SELECT id, name, email, role, active FROM agents ORDER BY active DESC, name COLLATE NOCASE";

pub(crate) const GROUPS: &str =
    "SELECT id, name, description FROM agent_group ORDER BY name COLLATE NOCASE";

pub(crate) const ORGANIZATIONS: &str =
    "SELECT id, name, domains, notes FROM organizations ORDER BY name COLLATE NOCASE";

pub(crate) const UNREAD_NOTIFICATIONS: &str =
    "SELECT count(*) FROM notifications WHERE read_at IS NULL";

/// Asked every few seconds by the shell's notification thread.
pub(crate) const UNDELIVERED_WAITING: &str =
    "SELECT EXISTS (SELECT 1 FROM notifications WHERE delivered = 0)";

/// The oldest replies waiting to be mailed that may go at `?2`, up to `?1`. Walks the (small)
/// queue and finds each message by its key: left to itself the planner walks every message
/// when the queue is empty, pulling the whole table into memory at start-up.
pub(crate) const MAIL_QUEUED: &str =
    "SELECT q.message_id FROM mail_queue q CROSS JOIN messages m ON m.id = q.message_id
     WHERE q.not_before <= ?2
     ORDER BY m.created_at, m.rowid LIMIT ?1";

/// Every statement above, named, for the plan check.
#[cfg(test)]
const LISTED: &[(&str, &str)] = &[
    ("ticket counts", TICKET_COUNTS),
    ("ticket total", TICKET_TOTAL),
    ("saved views", SAVED_VIEWS),
    ("breached count", SLA_DUE_COUNT),
    ("at-risk count", SLA_WARN_COUNT),
    ("tally advance (due)", SLA_DUE_ADVANCE),
    ("tally advance (warn)", SLA_WARN_ADVANCE),
    ("warnings crossed", SLA_WARN_CROSSINGS),
    ("deadlines crossed", SLA_DUE_CROSSINGS),
    ("tags", TAGS),
    ("agents", AGENTS),
    ("groups", GROUPS),
    ("organizations", ORGANIZATIONS),
    ("unread notifications", UNREAD_NOTIFICATIONS),
    ("undelivered notifications", UNDELIVERED_WAITING),
    ("replies waiting to be mailed", MAIL_QUEUED),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{seed, SeedOptions};
    use crate::queries::views::{builtin_views, counted_without_scan};
    use crate::Store;
    use porchlight_domain::{SortKey, TicketFilter};
    use rusqlite::Connection;

    /// Tables that grow with the helpdesk, under their names and the aliases the store's SQL
    /// gives them: a refresh must never walk one.
    const LARGE: &[&str] = &[
        "tickets",
        "t",
        "messages",
        "m",
        "ticket_events",
        "e",
        "ticket_tags",
        "tt",
        "customers",
        "c",
        "customer_emails",
    ];

    fn plan(c: &Connection, sql: &str, params: Vec<rusqlite::types::Value>) -> Vec<String> {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let n = st.parameter_count();
        for i in 1..=n {
            let v = params
                .get(i - 1)
                .cloned()
                .unwrap_or(rusqlite::types::Value::Null);
            st.raw_bind_parameter(i, v).unwrap();
        }
        let mut rows = st.raw_query();
        let mut out = Vec::new();
        while let Some(r) = rows.next().unwrap() {
            out.push(r.get::<_, String>(3).unwrap());
        }
        out
    }

    /// The large table a plan line reads, if any.
    fn large_table(line: &str) -> Option<&str> {
        let mut words = line.split_whitespace();
        let verb = words.next()?;
        let table = words.next()?;
        (matches!(verb, "SCAN" | "SEARCH") && LARGE.contains(&table)).then_some(table)
    }

    fn scans_large(line: &str) -> bool {
        line.starts_with("SCAN ") && large_table(line).is_some()
    }

    /// Indexes over what crossed an instant recently: a range between the tally's reference
    /// instant (or the last pass) and the clock holds what crossed in between, not every
    /// ticket with a deadline.
    const RANGE_INDEXES: &[&str] = &["tickets_sla_due_open", "tickets_sla_warn_open"];

    /// A read of a large table that stays small whatever the helpdesk's size: one row by its
    /// key, or a two-sided range over a recent-crossings index. `SEARCH t USING INDEX
    /// tickets_status (status=?)` is a search, but of every unsolved ticket.
    fn bounded(line: &str) -> bool {
        let Some(rest) = line.strip_prefix("SEARCH ") else {
            return false;
        };
        if rest.contains("USING PRIMARY KEY")
            || rest.contains("(id=?)")
            || rest.contains("(rowid=?)")
        {
            return true;
        }
        let range = rest
            .split_once('(')
            .map_or("", |(_, r)| r.trim_end_matches(')'));
        RANGE_INDEXES
            .iter()
            .any(|i| rest.contains(&format!("INDEX {i} ")))
            && range.contains('>')
            && range.contains('<')
    }

    fn seeded() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .create_profile("Plan Agent", "plan@porchlight.example")
            .unwrap();
        seed(
            &store,
            &SeedOptions {
                tickets: 300,
                messages_per_ticket: 3,
                seed: 7,
            },
        )
        .unwrap();
        (dir, store)
    }

    #[test]
    fn no_refresh_query_walks_the_tickets() {
        let (_dir, store) = seeded();
        let c = store.writer.lock().unwrap();
        for (name, sql) in LISTED {
            let lines = plan(&c, sql, Vec::new());
            assert!(
                lines.iter().all(|l| large_table(l).is_none() || bounded(l)),
                "{name} reads a large table beyond a bounded range:\n{}\n{sql}",
                lines.join("\n")
            );
        }
    }

    /// The built-in views are counted from `ticket_counts` and `sla_tally`, never by a
    /// `count(*)` over tickets.
    #[test]
    fn every_builtin_view_is_counted_without_a_scan() {
        for (id, clauses) in builtin_views() {
            let f = TicketFilter::from_clauses(&clauses).unwrap();
            assert!(
                counted_without_scan(&f),
                "view {id} would be counted by a scan"
            );
        }
    }

    /// A page of a built-in view walks an index in the page's order and stops after the page
    /// (no sort of every match, which would read them all).
    #[test]
    fn builtin_view_pages_stop_after_one_page() {
        let (_dir, store) = seeded();
        let c = store.writer.lock().unwrap();
        for (id, clauses) in builtin_views() {
            let f = TicketFilter::from_clauses(&clauses).unwrap();
            for sort in [
                SortKey::Updated,
                SortKey::Created,
                SortKey::Priority,
                SortKey::Due,
            ] {
                let (sql, params) =
                    crate::queries::tickets::page_sql(&f, Some("me"), sort, None, 50, 0).unwrap();
                let lines = plan(&c, &sql, params);
                assert!(
                    !lines.iter().any(|l| l.contains("TEMP B-TREE")),
                    "view {id} sorted by {sort:?} sorts every match:\n{}",
                    lines.join("\n")
                );
                let walks: Vec<_> = lines.iter().filter(|l| scans_large(l)).collect();
                assert!(
                    walks.iter().all(|l| l.contains("USING INDEX tickets_")
                        || l.contains("USING COVERING INDEX tickets_")),
                    "view {id} sorted by {sort:?} walks a table without its sort index:\n{}",
                    lines.join("\n")
                );
            }
        }
    }
}
