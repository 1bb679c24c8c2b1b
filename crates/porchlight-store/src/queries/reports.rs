//! Reports over the stored report rows (`ticket_metrics`, `ticket_flow`, see `metrics.rs`):
//! the store selects the rows of a period by index ranges and the domain computes the
//! figures (`porchlight_domain::reports`), as the server does with its own rows.

use porchlight_domain::records::SurveyKind;
use porchlight_domain::reports::{
    overview, people, steps_from, FlowKind, MetricRow, OverviewInput, PeopleBy, PeopleRow,
    RatingComment, RatingRow, ReportFilter, ReportOverview, ReportRequest, SlaOutcome,
    MAX_COMMENTS,
};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use crate::{Store, StoreResult};

/// A filter as SQL over `ticket_metrics` aliased `m` (" AND …", empty when it narrows
/// nothing), its values appended to `args`.
fn filter_sql(f: &ReportFilter, args: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    let mut list = |column: &str, values: Vec<String>, args: &mut Vec<Value>| {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        sql.push_str(&format!(" AND {column} IN ({marks})"));
        args.extend(values.into_iter().map(Value::Text));
    };
    list("m.group_id", f.group_ids.clone(), args);
    list("m.assignee_id", f.agent_ids.clone(), args);
    list(
        "m.channel",
        f.channels.iter().map(|c| c.as_str().to_owned()).collect(),
        args,
    );
    list("m.mailbox_id", f.mailbox_ids.clone(), args);
    list(
        "m.priority",
        f.priorities.iter().map(|p| p.as_str().to_owned()).collect(),
        args,
    );
    list("m.language", f.languages.clone(), args);
    if !f.tags.is_empty() {
        let marks = vec!["?"; f.tags.len()].join(", ");
        sql.push_str(&format!(
            " AND m.ticket_rowid IN (SELECT t.rowid FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
               WHERE tt.tag IN ({marks}))"
        ));
        args.extend(f.tags.iter().map(|t| Value::Text(t.to_lowercase())));
    }
    sql
}

fn outcome(v: Option<String>) -> Option<SlaOutcome> {
    v.and_then(|s| SlaOutcome::parse("sla", &s).ok())
}

/// The rows of the tickets created, first answered or solved in `[from, to)`.
fn rows(c: &Connection, req: &ReportRequest, from: i64, to: i64) -> StoreResult<Vec<MetricRow>> {
    let (first, resolution) = if req.business_hours {
        ("first_response_bms", "resolution_bms")
    } else {
        ("first_response_ms", "resolution_ms")
    };
    let mut args = vec![Value::Integer(from), Value::Integer(to)];
    let filter = filter_sql(&req.filter, &mut args);
    let sql = format!(
        "SELECT m.created_at, m.first_response_at, m.{first}, m.solved_at, m.{resolution},
                m.agent_replies, m.reopens, m.one_touch, m.sla_first_response, m.sla_resolution,
                m.assignee_id, m.group_id
         FROM ticket_metrics m
         WHERE m.ticket_rowid IN (
             SELECT ticket_rowid FROM ticket_metrics WHERE created_at >= ?1 AND created_at < ?2
             UNION SELECT ticket_rowid FROM ticket_metrics
               WHERE first_response_at >= ?1 AND first_response_at < ?2
             UNION SELECT ticket_rowid FROM ticket_metrics WHERE solved_at >= ?1 AND solved_at < ?2)
         {filter}"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok(MetricRow {
                created_at: r.get(0)?,
                first_response_at: r.get(1)?,
                first_response_ms: r.get(2)?,
                solved_at: r.get(3)?,
                resolution_ms: r.get(4)?,
                agent_replies: r.get(5)?,
                reopens: r.get(6)?,
                one_touch: r.get(7)?,
                sla_first_response: outcome(r.get(8)?),
                sla_resolution: outcome(r.get(9)?),
                assignee_id: r.get(10)?,
                group_id: r.get(11)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The backlog's steps from `from` on, in time order.
fn flow_since(c: &Connection, req: &ReportRequest, from: i64) -> StoreResult<Vec<(FlowKind, i64)>> {
    let mut args = vec![Value::Integer(from)];
    let filter = filter_sql(&req.filter, &mut args);
    let sql = if filter.is_empty() {
        "SELECT kind, at FROM ticket_flow WHERE at >= ?1 ORDER BY at".to_owned()
    } else {
        format!(
            "SELECT f.kind, f.at FROM ticket_flow f JOIN ticket_metrics m ON m.ticket_rowid = f.ticket_rowid
             WHERE f.at >= ?1 {filter} ORDER BY f.at"
        )
    };
    let mut st = c.prepare_cached(&sql)?;
    let steps = st
        .query_map(params_from_iter(args), |r| {
            let kind: String = r.get(0)?;
            Ok((kind, r.get::<_, i64>(1)?))
        })?
        .filter_map(|r| match r {
            Ok((k, at)) => FlowKind::parse("kind", &k).ok().map(|k| Ok((k, at))),
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    Ok(steps)
}

/// The survey answers given (last) in `[from, to)` on the matching tickets.
fn ratings(c: &Connection, req: &ReportRequest, from: i64, to: i64) -> StoreResult<Vec<RatingRow>> {
    let mut args = vec![Value::Integer(from), Value::Integer(to)];
    let filter = filter_sql(&req.filter, &mut args);
    let sql = format!(
        "SELECT r.kind, r.score, r.updated_at, m.assignee_id, m.group_id
         FROM ratings r JOIN tickets t ON t.id = r.ticket_id JOIN ticket_metrics m ON m.ticket_rowid = t.rowid
         WHERE r.updated_at >= ?1 AND r.updated_at < ?2 {filter}"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            let kind: String = r.get(0)?;
            Ok((kind, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .filter_map(|r| match r {
            Ok((kind, score, answered_at, assignee_id, group_id)) => {
                SurveyKind::parse("kind", &kind).ok().map(|kind| {
                    Ok(RatingRow {
                        kind,
                        score,
                        answered_at,
                        assignee_id,
                        group_id,
                    })
                })
            }
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The period's comments beside ratings, newest first.
fn comments(c: &Connection, req: &ReportRequest) -> StoreResult<Vec<RatingComment>> {
    let mut args = vec![Value::Integer(req.from), Value::Integer(req.to)];
    let filter = filter_sql(&req.filter, &mut args);
    let sql = format!(
        "SELECT r.ticket_id, t.number, t.subject, coalesce(cu.name, ''), r.kind, r.score, r.comment, r.updated_at
         FROM ratings r JOIN tickets t ON t.id = r.ticket_id JOIN ticket_metrics m ON m.ticket_rowid = t.rowid
           LEFT JOIN customers cu ON cu.id = r.customer_id
         WHERE r.updated_at >= ?1 AND r.updated_at < ?2 AND r.comment <> '' {filter}
         ORDER BY r.updated_at DESC LIMIT {MAX_COMMENTS}"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st
        .query_map(params_from_iter(args), |r| {
            Ok(RatingComment {
                ticket_id: r.get(0)?,
                ticket_number: r.get(1)?,
                subject: r.get(2)?,
                customer_name: r.get(3)?,
                kind: super::enum_col(r, 4, SurveyKind::parse)?,
                score: r.get(5)?,
                comment: r.get(6)?,
                at: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Tickets open now.
fn open_now(c: &Connection, req: &ReportRequest) -> StoreResult<u32> {
    let mut args = Vec::new();
    let filter = filter_sql(&req.filter, &mut args);
    let sql = format!("SELECT count(*) FROM ticket_metrics m WHERE m.solved_at IS NULL {filter}");
    Ok(c.prepare_cached(&sql)?
        .query_row(params_from_iter(args), |r| r.get(0))?)
}

/// Public replies by agents (not rules) in `[from, to)` on the matching tickets, per agent or
/// per the ticket's group.
fn replies(
    c: &Connection,
    req: &ReportRequest,
    by: PeopleBy,
) -> StoreResult<Vec<(Option<String>, u32)>> {
    let mut args = vec![Value::Integer(req.from), Value::Integer(req.to)];
    let filter = filter_sql(&req.filter, &mut args);
    let sql = if filter.is_empty() && by == PeopleBy::Agent {
        // A range of the replies' own key: no lookup per reply.
        "SELECT agent_id, count(*) FROM ticket_replies WHERE at >= ?1 AND at < ?2 GROUP BY 1"
            .to_owned()
    } else {
        let key = match by {
            PeopleBy::Agent => "r.agent_id",
            PeopleBy::Group => "m.group_id",
        };
        format!(
            "SELECT {key}, count(*) FROM ticket_replies r JOIN ticket_metrics m ON m.ticket_rowid = r.ticket_rowid
             WHERE r.at >= ?1 AND r.at < ?2 {filter} GROUP BY 1"
        )
    };
    let mut st = c.prepare_cached(&sql)?;
    let out = st
        .query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(out)
}

impl Store {
    /// The overview of a period, compared with the period of the same length before it.
    pub fn report_overview(&self, req: &ReportRequest) -> StoreResult<ReportOverview> {
        let tz = req.validated()?;
        let (pfrom, _) = req.previous();
        self.read(|c| {
            let input = OverviewInput {
                rows: rows(c, req, pfrom, req.to)?,
                steps: flow_since(c, req, steps_from(req, tz))?,
                open_now: open_now(c, req)?,
                answers: ratings(c, req, pfrom, req.to)?,
                comments: comments(c, req)?,
            };
            Ok(overview(req, tz, input))
        })
    }

    /// The people table of a period: one line per agent or group, with names.
    pub fn report_people(&self, req: &ReportRequest, by: PeopleBy) -> StoreResult<Vec<PeopleRow>> {
        req.validated()?;
        self.read(|c| {
            let rows = rows(c, req, req.from, req.to)?;
            let replies = replies(c, req, by)?;
            let answers = ratings(c, req, req.from, req.to)?;
            let mut lines = people(&rows, by, req.from, req.to, &replies, &answers);
            let names_sql = match by {
                PeopleBy::Agent => "SELECT name FROM agents WHERE id = ?1",
                PeopleBy::Group => "SELECT name FROM agent_group WHERE id = ?1",
            };
            let mut names = c.prepare_cached(names_sql)?;
            for l in &mut lines {
                if let Some(id) = &l.id {
                    // A deleted agent or group keeps its line, under its id.
                    l.name = names
                        .query_row([id], |r| r.get(0))
                        .optional()?
                        .unwrap_or_else(|| id.clone());
                }
            }
            Ok(lines)
        })
    }
}
