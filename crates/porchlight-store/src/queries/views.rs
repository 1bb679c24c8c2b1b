//! Sidebar views: the built-in queues and saved custom views, each with a live count.

use porchlight_domain::filter::AgentRef;
use porchlight_domain::sla::SlaStatus;
use porchlight_domain::{
    DomainError, FilterClause, PageCursor, SortKey, TicketFilter, TicketPage, TicketStatus,
    ViewInfo,
};
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use crate::filter_sql::where_clause;
use crate::{refresh, Store, StoreResult};

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
    let mut st = c.prepare_cached(refresh::SAVED_VIEWS)?;
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

/// The views counted without walking tickets: by (status, assignee) from `ticket_counts`, or
/// the SLA views over every unsolved ticket from `sla_tally`. Anything else is a `count(*)`.
enum Counted {
    StatusAssignee,
    /// At risk, breached, or both.
    Sla {
        at_risk: bool,
        breached: bool,
    },
}

fn counted_by(f: &TicketFilter) -> Option<Counted> {
    let only_status_assignee = TicketFilter {
        statuses: f.statuses.clone(),
        assignees: f.assignees.clone(),
        ..Default::default()
    };
    if only_status_assignee == *f && !f.assignees.iter().any(|a| matches!(a, AgentRef::Named(_))) {
        return Some(Counted::StatusAssignee);
    }
    let unsolved: Vec<TicketStatus> = TicketStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open_like())
        .collect();
    let only_sla = TicketFilter {
        statuses: f.statuses.clone(),
        sla: f.sla.clone(),
        ..Default::default()
    };
    let every_unsolved = unsolved.iter().all(|s| f.statuses.contains(s))
        && f.statuses.iter().all(|s| s.is_open_like());
    if only_sla == *f && every_unsolved && !f.sla.is_empty() && !f.sla.contains(&SlaStatus::OnTrack)
    {
        return Some(Counted::Sla {
            at_risk: f.sla.contains(&SlaStatus::AtRisk),
            breached: f.sla.contains(&SlaStatus::Breached),
        });
    }
    None
}

/// True when a view with this filter is counted from the kept counts (the plan check asks).
#[cfg(test)]
pub(crate) fn counted_without_scan(f: &TicketFilter) -> bool {
    counted_by(f).is_some()
}

/// Live ticket counts per (status, assignee), kept by triggers.
struct StatusAssigneeCounts(Vec<(String, Option<String>, i64)>);

impl StatusAssigneeCounts {
    fn load(c: &Connection) -> StoreResult<Self> {
        let mut st = c.prepare_cached(refresh::TICKET_COUNTS)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StatusAssigneeCounts(rows))
    }

    fn count(&self, f: &TicketFilter, me: Option<&str>) -> i64 {
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
            .sum()
    }
}

/// Unsolved tickets past their warning and past their deadline at `now`. A warning never
/// comes after its deadline and both are set together (`sla::refresh_one`), so the at-risk
/// tickets are those past their warning less those past their deadline.
struct SlaCounts {
    warned: i64,
    breached: i64,
}

impl SlaCounts {
    fn load(c: &Connection, now: i64) -> StoreResult<Self> {
        let count = |sql: &str, before: i64| -> StoreResult<i64> {
            Ok(c.prepare_cached(sql)?
                .query_row([before], |r| r.get::<_, Option<i64>>(0))?
                .unwrap_or(0))
        };
        Ok(SlaCounts {
            // At risk from the warning instant itself (`warn_at <= now`), breached only after
            // the deadline (`due_at < now`), as `sla::sla_status` judges.
            warned: count(refresh::SLA_WARN_COUNT, now.saturating_add(1))?,
            breached: count(refresh::SLA_DUE_COUNT, now)?,
        })
    }

    fn count(&self, at_risk: bool, breached: bool) -> i64 {
        match (at_risk, breached) {
            (true, true) => self.warned,
            (true, false) => self.warned - self.breached,
            (false, true) => self.breached,
            (false, false) => 0,
        }
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
            let sla = SlaCounts::load(c, now)?;
            let me = me.as_deref();
            let count_of = |f: &TicketFilter| -> StoreResult<i64> {
                match counted_by(f) {
                    Some(Counted::StatusAssignee) => Ok(grouped.count(f, me)),
                    Some(Counted::Sla { at_risk, breached }) => Ok(sla.count(at_risk, breached)),
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

    /// A page of tickets for ad-hoc filter clauses (a report's tickets, opened from a chart
    /// or a table row).
    pub fn filtered_page(
        &self,
        filters: &[FilterClause],
        sort: SortKey,
        cursor: Option<&PageCursor>,
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
                cursor,
                limit.clamp(1, 500),
                crate::now_ms(),
            )
        })
    }
}
