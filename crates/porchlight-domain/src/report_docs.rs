//! Reports from documents, as the server keeps them: one [`ReportTicket`] per live, unmerged
//! ticket, computed from the ticket's documents whenever one of them is written, with the same
//! [`reports::ticket_metrics`](crate::reports::ticket_metrics) the desktop uses for its rows.
//! A report then selects the tickets active since the previous period began (and those open
//! now) and computes the overview, the people table and the per-ticket export from them with
//! the functions the desktop calls: the server's figures are the desktop's.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{Channel, Priority, TicketEvent};
use crate::records::{MessageDoc, RatingDoc, SurveyKind, TicketDoc};
use crate::reports::{
    overview, people, steps_from, FlowKind, MetricRow, OverviewInput, PeopleBy, PeopleRow,
    RatingComment, RatingRow, ReportFilter, ReportOverview, ReportRequest, SlaOutcome,
    TicketMetrics, MAX_COMMENTS,
};
use crate::sla::{timeline_of, FieldChange, SlaBook, ThreadEntry, TicketFacts};

/// One survey answer on a ticket, as a report reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRating {
    pub kind: SurveyKind,
    pub score: i64,
    pub comment: String,
    pub customer_id: String,
    /// When it was last given.
    pub at: i64,
}

/// A ticket's report row: its metrics and what a report filters and lists it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTicket {
    pub ticket_id: String,
    pub number: Option<i64>,
    pub subject: String,
    pub requester_id: String,
    pub assignee_id: Option<String>,
    pub group_id: Option<String>,
    pub channel: Channel,
    pub priority: Priority,
    pub language: String,
    /// The mailbox of its first e-mail.
    pub mailbox_id: Option<String>,
    pub tags: Vec<String>,
    pub metrics: TicketMetrics,
    pub ratings: Vec<ReportRating>,
}

/// A ticket's report row from its documents; `None` for a deleted or merged ticket, which
/// counts nowhere. `organization_id` is the requester's (it can choose the SLA policy).
pub fn report_ticket(
    ticket: &TicketDoc,
    organization_id: Option<&str>,
    messages: &[MessageDoc],
    events: &[TicketEvent],
    ratings: &[RatingDoc],
    book: &SlaBook,
) -> Option<ReportTicket> {
    if ticket.deleted_at.is_some() || ticket.merged_into_id.is_some() {
        return None;
    }
    let mut events: Vec<&TicketEvent> = events
        .iter()
        .filter(|e| e.field == "status" || e.field == "priority")
        .collect();
    events.sort_by_key(|e| e.created_at);
    let changes: Vec<FieldChange<'_>> = events
        .iter()
        .map(|e| FieldChange {
            field: &e.field,
            old_value: e.old_value.as_deref(),
            new_value: e.new_value.as_deref(),
            at: e.created_at,
        })
        .collect();
    let mut messages: Vec<&MessageDoc> = messages.iter().collect();
    messages.sort_by_key(|m| m.created_at);
    let thread: Vec<ThreadEntry<'_>> = messages
        .iter()
        .map(|m| ThreadEntry {
            kind: m.kind,
            author_kind: m.author_kind,
            author_id: m.author_id.as_deref(),
            at: m.created_at,
        })
        .collect();
    let facts = TicketFacts {
        priority: ticket.priority,
        channel: ticket.channel,
        group_id: ticket.group_id.as_deref(),
        organization_id,
        tags: &ticket.tags,
    };
    let sla = if book.is_empty() {
        None
    } else {
        let timeline = timeline_of(
            ticket.created_at,
            ticket.status,
            ticket.priority,
            &changes,
            &thread,
        );
        book.ticket_sla(&facts, &timeline)
    };
    let metrics = crate::reports::ticket_metrics(
        ticket.created_at,
        ticket.status,
        ticket.solved_at,
        &changes,
        &thread,
        sla.as_ref().map(|s| &s.state),
        book.schedule_of(book.policy_for(&facts)),
    );
    Some(ReportTicket {
        ticket_id: ticket.id.clone(),
        number: ticket.number,
        subject: ticket.subject.clone(),
        requester_id: ticket.requester_id.clone(),
        assignee_id: ticket.assignee_id.clone(),
        group_id: ticket.group_id.clone(),
        channel: ticket.channel,
        priority: ticket.priority,
        language: ticket.language.clone(),
        mailbox_id: messages
            .iter()
            .find_map(|m| m.email.as_ref().map(|e| e.mailbox_id.clone())),
        tags: ticket.tags.clone(),
        metrics,
        ratings: ratings
            .iter()
            .map(|r| ReportRating {
                kind: r.kind,
                score: r.score,
                comment: r.comment.clone(),
                customer_id: r.customer_id.clone(),
                at: r.updated_at,
            })
            .collect(),
    })
}

impl ReportTicket {
    /// The last moment anything a report counts happened to it: a report of a period that
    /// starts later needs it only while it is open.
    pub fn last_at(&self) -> i64 {
        let m = &self.metrics;
        let steps = m.flow.iter().map(|f| f.1);
        let replies = m.replies.iter().map(|r| r.0);
        let ratings = self.ratings.iter().map(|r| r.at);
        steps
            .chain(replies)
            .chain(ratings)
            .chain([m.created_at])
            .max()
            .unwrap_or(m.created_at)
    }

    /// Open now (not solved or closed).
    pub fn is_open(&self) -> bool {
        self.metrics.solved_at.is_none()
    }

    /// Whether the filter keeps it (empty lists do not narrow).
    pub fn matches(&self, f: &ReportFilter) -> bool {
        fn any<T: PartialEq>(list: &[T], v: Option<&T>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.contains(v))
        }
        any(&f.group_ids, self.group_id.as_ref())
            && any(&f.agent_ids, self.assignee_id.as_ref())
            && any(&f.channels, Some(&self.channel))
            && any(&f.mailbox_ids, self.mailbox_id.as_ref())
            && any(&f.priorities, Some(&self.priority))
            && any(&f.languages, Some(&self.language))
            && (f.tags.is_empty() || f.tags.iter().any(|t| self.tags.contains(&t.to_lowercase())))
    }

    fn row(&self, business_hours: bool) -> MetricRow {
        let m = &self.metrics;
        MetricRow {
            created_at: m.created_at,
            first_response_at: m.first_response_at,
            first_response_ms: if business_hours {
                m.first_response_business_ms
            } else {
                m.first_response_ms
            },
            solved_at: m.solved_at,
            resolution_ms: if business_hours {
                m.resolution_business_ms
            } else {
                m.resolution_ms
            },
            agent_replies: m.agent_replies,
            reopens: m.reopens,
            one_touch: m.one_touch,
            sla_first_response: m.sla_first_response,
            sla_resolution: m.sla_resolution,
            assignee_id: self.assignee_id.clone(),
            group_id: self.group_id.clone(),
        }
    }

    /// Created, first answered or solved in `[from, to)`: the tickets whose figures a
    /// period counts.
    fn concerns(&self, from: i64, to: i64) -> bool {
        let m = &self.metrics;
        [Some(m.created_at), m.first_response_at, m.solved_at]
            .into_iter()
            .flatten()
            .any(|at| at >= from && at < to)
    }

    fn answers(&self, from: i64, to: i64) -> impl Iterator<Item = RatingRow> + '_ {
        self.ratings
            .iter()
            .filter(move |r| r.at >= from && r.at < to)
            .map(|r| RatingRow {
                kind: r.kind,
                score: r.score,
                answered_at: r.at,
                assignee_id: self.assignee_id.clone(),
                group_id: self.group_id.clone(),
            })
    }
}

/// The overview of a request over the report rows of every ticket active since
/// `req.previous().0` (more do no harm), with the tickets open now that were not: among
/// `tickets`, or only counted, `idle_open` (for a request without a filter); `customer_name`
/// names a comment's customer.
pub fn overview_of(
    req: &ReportRequest,
    tz: Tz,
    tickets: &[ReportTicket],
    idle_open: u32,
    customer_name: impl Fn(&str) -> String,
) -> ReportOverview {
    let (pfrom, _) = req.previous();
    let mine: Vec<&ReportTicket> = tickets.iter().filter(|t| t.matches(&req.filter)).collect();
    let since = steps_from(req, tz);
    let mut steps: Vec<(FlowKind, i64)> = mine
        .iter()
        .flat_map(|t| t.metrics.flow.iter().copied())
        .filter(|s| s.1 >= since)
        .collect();
    steps.sort_by_key(|s| s.1);
    let mut said: Vec<(&ReportTicket, &ReportRating)> = mine
        .iter()
        .flat_map(|t| t.ratings.iter().map(move |r| (*t, r)))
        .filter(|(_, r)| !r.comment.is_empty() && r.at >= req.from && r.at < req.to)
        .collect();
    said.sort_by_key(|s| std::cmp::Reverse(s.1.at));
    said.truncate(MAX_COMMENTS);
    let input = OverviewInput {
        rows: mine
            .iter()
            .filter(|t| t.concerns(pfrom, req.to))
            .map(|t| t.row(req.business_hours))
            .collect(),
        steps,
        open_now: mine.iter().filter(|t| t.is_open()).count() as u32 + idle_open,
        answers: mine.iter().flat_map(|t| t.answers(pfrom, req.to)).collect(),
        comments: said
            .into_iter()
            .map(|(t, r)| RatingComment {
                ticket_id: t.ticket_id.clone(),
                ticket_number: t.number,
                subject: t.subject.clone(),
                customer_name: customer_name(&r.customer_id),
                kind: r.kind,
                score: r.score,
                comment: r.comment.clone(),
                at: r.at,
            })
            .collect(),
    };
    overview(req, tz, input)
}

/// The people table of a request over the report rows of every ticket active in its period;
/// the lines' names are left for the caller.
pub fn people_of(req: &ReportRequest, tickets: &[ReportTicket], by: PeopleBy) -> Vec<PeopleRow> {
    let mine: Vec<&ReportTicket> = tickets.iter().filter(|t| t.matches(&req.filter)).collect();
    let rows: Vec<MetricRow> = mine
        .iter()
        .filter(|t| t.concerns(req.from, req.to))
        .map(|t| t.row(req.business_hours))
        .collect();
    let mut replies: std::collections::BTreeMap<Option<String>, u32> = Default::default();
    for t in &mine {
        for (at, agent) in &t.metrics.replies {
            if *at >= req.from && *at < req.to {
                let key = match by {
                    PeopleBy::Agent => agent.clone(),
                    PeopleBy::Group => t.group_id.clone(),
                };
                *replies.entry(key).or_default() += 1;
            }
        }
    }
    let replies: Vec<(Option<String>, u32)> = replies.into_iter().collect();
    let answers: Vec<RatingRow> = mine
        .iter()
        .flat_map(|t| t.answers(req.from, req.to))
        .collect();
    people(&rows, by, req.from, req.to, &replies, &answers)
}

/// One line of the per-ticket export, for BI tools: a ticket created, first answered or
/// solved in the period, its spans in the request's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketReportLine {
    pub ticket_id: String,
    #[ts(type = "number | null")]
    pub number: Option<i64>,
    pub subject: String,
    pub channel: Channel,
    pub priority: Priority,
    pub group_id: Option<String>,
    pub assignee_id: Option<String>,
    pub language: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub first_response_at: Option<i64>,
    #[ts(type = "number | null")]
    pub first_response_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub solved_at: Option<i64>,
    #[ts(type = "number | null")]
    pub resolution_ms: Option<i64>,
    pub agent_replies: u32,
    pub reopens: u32,
    pub first_contact_resolution: bool,
    pub sla_first_response: Option<SlaOutcome>,
    pub sla_resolution: Option<SlaOutcome>,
    #[ts(type = "number | null")]
    pub csat: Option<i64>,
    #[ts(type = "number | null")]
    pub ces: Option<i64>,
    #[ts(type = "number | null")]
    pub nps: Option<i64>,
}

/// The period's tickets, oldest first.
pub fn ticket_lines(req: &ReportRequest, tickets: &[ReportTicket]) -> Vec<TicketReportLine> {
    let mut out: Vec<TicketReportLine> = tickets
        .iter()
        .filter(|t| t.matches(&req.filter) && t.concerns(req.from, req.to))
        .map(|t| {
            let row = t.row(req.business_hours);
            let score =
                |kind: SurveyKind| t.ratings.iter().find(|r| r.kind == kind).map(|r| r.score);
            TicketReportLine {
                ticket_id: t.ticket_id.clone(),
                number: t.number,
                subject: t.subject.clone(),
                channel: t.channel,
                priority: t.priority,
                group_id: t.group_id.clone(),
                assignee_id: t.assignee_id.clone(),
                language: t.language.clone(),
                created_at: row.created_at,
                first_response_at: row.first_response_at,
                first_response_ms: row.first_response_ms,
                solved_at: row.solved_at,
                resolution_ms: row.resolution_ms,
                agent_replies: row.agent_replies,
                reopens: row.reopens,
                first_contact_resolution: row.one_touch,
                sla_first_response: row.sla_first_response,
                sla_resolution: row.sla_resolution,
                csat: score(SurveyKind::Csat),
                ces: score(SurveyKind::Ces),
                nps: score(SurveyKind::Nps),
            }
        })
        .collect();
    out.sort_by(|a, b| (a.created_at, &a.ticket_id).cmp(&(b.created_at, &b.ticket_id)));
    out
}

/// One CSV field: quoted when it holds a separator, a quote or a line break, and with a
/// leading apostrophe when a spreadsheet would read it as a formula (customer text is
/// hostile: `=HYPERLINK(…)` in a subject must stay text).
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A CSV table (RFC 4180, CRLF line ends) from a header and rows.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push_str("\r\n");
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The volume per day as CSV.
pub fn days_csv(o: &ReportOverview) -> String {
    csv(
        &["day", "created", "solved", "reopened", "backlog"],
        o.days.iter().map(|d| {
            vec![
                d.day.clone(),
                d.created.to_string(),
                d.solved.to_string(),
                d.reopened.to_string(),
                d.backlog.to_string(),
            ]
        }),
    )
}

/// The people table as CSV (spans in milliseconds, shares as counts).
pub fn people_csv(rows: &[PeopleRow]) -> String {
    csv(
        &[
            "id",
            "name",
            "solved",
            "replies",
            "first_response_median_ms",
            "resolution_median_ms",
            "first_contact_resolved",
            "first_contact_of",
            "csat_good",
            "csat_answers",
        ],
        rows.iter().map(|r| {
            vec![
                opt(r.id.as_deref()),
                r.name.clone(),
                r.solved.to_string(),
                r.replies.to_string(),
                opt(r.first_response_median_ms),
                opt(r.resolution_median_ms),
                r.one_touch.n.to_string(),
                r.one_touch.of.to_string(),
                r.csat.n.to_string(),
                r.csat.of.to_string(),
            ]
        }),
    )
}

/// The per-ticket export as CSV (instants as UTC milliseconds).
pub fn tickets_csv(lines: &[TicketReportLine]) -> String {
    csv(
        &[
            "ticket_id",
            "number",
            "subject",
            "channel",
            "priority",
            "group_id",
            "assignee_id",
            "language",
            "created_at",
            "first_response_at",
            "first_response_ms",
            "solved_at",
            "resolution_ms",
            "agent_replies",
            "reopens",
            "first_contact_resolution",
            "sla_first_response",
            "sla_resolution",
            "csat",
            "ces",
            "nps",
        ],
        lines.iter().map(|l| {
            vec![
                l.ticket_id.clone(),
                opt(l.number),
                l.subject.clone(),
                l.channel.as_str().to_owned(),
                l.priority.as_str().to_owned(),
                opt(l.group_id.as_deref()),
                opt(l.assignee_id.as_deref()),
                l.language.clone(),
                l.created_at.to_string(),
                opt(l.first_response_at),
                opt(l.first_response_ms),
                opt(l.solved_at),
                opt(l.resolution_ms),
                l.agent_replies.to_string(),
                l.reopens.to_string(),
                l.first_contact_resolution.to_string(),
                opt(l.sla_first_response.map(|o| o.as_str())),
                opt(l.sla_resolution.map(|o| o.as_str())),
                opt(l.csat),
                opt(l.ces),
                opt(l.nps),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_stay_text() {
        let t = csv(
            &["a", "b"],
            [vec![
                "=HYPERLINK(\"x\")".to_owned(),
                "two, \"three\"\nfour".to_owned(),
            ]],
        );
        assert_eq!(
            t,
            "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"two, \"\"three\"\"\nfour\"\r\n"
        );
        assert_eq!(csv(&["n"], [vec!["-5".to_owned()]]), "n\r\n'-5\r\n");
    }
}
