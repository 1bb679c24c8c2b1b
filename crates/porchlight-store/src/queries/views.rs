//! Sidebar views: the built-in queues and saved custom views, each with a live count.

use porchlight_domain::filter::AgentRef;
use porchlight_domain::{
    DomainError, FilterClause, PageCursor, SortKey, TicketFilter, TicketPage, ViewInfo,
};
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use crate::filter_sql::where_clause;
use crate::{Store, StoreResult};

const UNSOLVED: &[&str] = &["new", "open", "pending", "on_hold"];

fn clause(field: &str, values: &[&str]) -> FilterClause {
    FilterClause {
        field: field.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

/// The built-in views in sidebar order.
pub fn builtin_views() -> Vec<(&'static str, Vec<FilterClause>)> {
    vec![
        (
            "unassigned",
            vec![clause("status", UNSOLVED), clause("assignee", &["none"])],
        ),
        (
            "mine",
            vec![clause("status", UNSOLVED), clause("assignee", &["me"])],
        ),
        ("open", vec![clause("status", &["new", "open"])]),
        ("pending", vec![clause("status", &["pending", "on_hold"])]),
        ("solved", vec![clause("status", &["solved", "closed"])]),
        (
            "at_risk",
            vec![clause("status", UNSOLVED), clause("sla", &["at_risk"])],
        ),
        (
            "breached",
            vec![clause("status", UNSOLVED), clause("sla", &["breached"])],
        ),
    ]
}

fn saved(c: &Connection) -> StoreResult<Vec<(String, String, Vec<FilterClause>)>> {
    let mut st = c.prepare_cached(
        "SELECT id, name, filters FROM saved_views ORDER BY position, created_at",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, name, f)| Ok((id, name, serde_json::from_str(&f)?)))
        .collect()
}

fn filters_of(c: &Connection, view_id: &str) -> StoreResult<Vec<FilterClause>> {
    if let Some((_, f)) = builtin_views().into_iter().find(|(id, _)| *id == view_id) {
        return Ok(f);
    }
    let f: Option<String> = c
        .query_row(
            "SELECT filters FROM saved_views WHERE id = ?1",
            [view_id],
            |r| r.get(0),
        )
        .optional()?;
    match f {
        Some(f) => Ok(serde_json::from_str(&f)?),
        None => Err(DomainError::not_found("view", view_id).into()),
    }
}

pub(crate) fn count(
    c: &Connection,
    filter: &TicketFilter,
    me: Option<&str>,
    now: i64,
) -> StoreResult<i64> {
    let w = where_clause(filter, me, false, now);
    let sql = format!("SELECT count(*) FROM tickets t WHERE {}", w.sql);
    Ok(c.prepare_cached(&sql)?
        .query_row(params_from_iter(w.params), |r| r.get(0))?)
}

/// Live ticket counts per (status, assignee), kept by triggers; views that filter only on
/// status and assignee (all built-in ones) are counted from them without scanning tickets.
struct StatusAssigneeCounts(Vec<(String, Option<String>, i64)>);

impl StatusAssigneeCounts {
    fn load(c: &Connection) -> StoreResult<Self> {
        let mut st = c.prepare_cached(
            "SELECT status, nullif(assignee_id, ''), n FROM ticket_counts WHERE n > 0",
        )?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StatusAssigneeCounts(rows))
    }

    /// `None` when the filter needs more than status and assignee (me / nobody).
    fn count(&self, f: &TicketFilter, me: Option<&str>) -> Option<i64> {
        let only = TicketFilter {
            statuses: f.statuses.clone(),
            assignees: f.assignees.clone(),
            ..Default::default()
        };
        if only != *f || f.assignees.iter().any(|a| matches!(a, AgentRef::Named(_))) {
            return None;
        }
        Some(
            self.0
                .iter()
                .filter(|(status, assignee, _)| {
                    (f.statuses.is_empty() || f.statuses.iter().any(|s| s.as_str() == status))
                        && (f.assignees.is_empty()
                            || f.assignees.iter().any(|a| match a {
                                AgentRef::Me => me.is_some() && assignee.as_deref() == me,
                                AgentRef::Nobody => assignee.is_none(),
                                AgentRef::Named(_) => false,
                            }))
                })
                .map(|(_, _, n)| n)
                .sum(),
        )
    }
}

impl Store {
    /// Every view with its count, built-in first.
    pub fn views(&self) -> StoreResult<Vec<ViewInfo>> {
        self.views_at(crate::now_ms())
    }

    /// [`Store::views`] with the SLA views ("At risk", "Breached") judged at `now`.
    pub fn views_at(&self, now: i64) -> StoreResult<Vec<ViewInfo>> {
        let me = self.me();
        self.read(|c| {
            let grouped = StatusAssigneeCounts::load(c)?;
            let me = me.as_deref();
            let count_of = |f: &TicketFilter| -> StoreResult<i64> {
                match grouped.count(f, me) {
                    Some(n) => Ok(n),
                    None => count(c, f, me, now),
                }
            };
            let mut out = Vec::new();
            for (id, filters) in builtin_views() {
                let f = TicketFilter::from_clauses(&filters)?;
                out.push(ViewInfo {
                    id: id.into(),
                    name: None,
                    builtin: true,
                    count: count_of(&f)?,
                    filters,
                });
            }
            for (id, name, filters) in saved(c)? {
                let f = TicketFilter::from_clauses(&filters)?;
                out.push(ViewInfo {
                    id,
                    name: Some(name),
                    builtin: false,
                    count: count_of(&f)?,
                    filters,
                });
            }
            Ok(out)
        })
    }

    /// One page of a view (built-in id or saved view id).
    pub fn ticket_page(
        &self,
        view_id: &str,
        sort: SortKey,
        cursor: Option<&PageCursor>,
        limit: usize,
    ) -> StoreResult<TicketPage> {
        self.ticket_page_at(view_id, sort, cursor, limit, crate::now_ms())
    }

    /// [`Store::ticket_page`] with SLA conditions judged at `now`.
    pub fn ticket_page_at(
        &self,
        view_id: &str,
        sort: SortKey,
        cursor: Option<&PageCursor>,
        limit: usize,
        now: i64,
    ) -> StoreResult<TicketPage> {
        let me = self.me();
        let limit = limit.clamp(1, 500);
        self.read(|c| {
            let f = TicketFilter::from_clauses(&filters_of(c, view_id)?)?;
            super::tickets::page(c, &f, me.as_deref(), sort, cursor, limit, now)
        })
    }

    /// A page of tickets for ad-hoc filter clauses (the view editor's preview).
    pub fn filtered_page(
        &self,
        filters: &[FilterClause],
        sort: SortKey,
        limit: usize,
    ) -> StoreResult<TicketPage> {
        let f = TicketFilter::from_clauses(filters)?;
        let me = self.me();
        self.read(|c| {
            super::tickets::page(
                c,
                &f,
                me.as_deref(),
                sort,
                None,
                limit.clamp(1, 500),
                crate::now_ms(),
            )
        })
    }
}
