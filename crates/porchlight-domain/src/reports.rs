//! Reports: what each figure means, in one place. A ticket's history becomes one row of
//! [`TicketMetrics`] whenever it changes (the stores keep these rows current on write, so a
//! report reads rows, never messages); a period's figures are [`Totals`] over those rows.
//! The desktop and the server both compute with these functions, so a figure is the same
//! wherever it is read.
//!
//! Definitions (also in the README):
//! - **First response time**: from creation to the first public reply by an agent (a rule's
//!   automatic reply and internal notes do not count). Counted in the period of the reply.
//! - **Resolution time**: from creation to the last time the ticket was solved, for tickets
//!   solved (or closed after being solved) in the period and still solved.
//! - **Business hours**: the same spans counted only within the business calendar of the
//!   ticket's SLA policy (around the clock when it has none).
//! - **First-contact resolution**: a ticket solved in the period with exactly one agent reply
//!   and never reopened.
//! - **Reopen rate**: of the tickets solved in the period, the share reopened at least once.
//! - **SLA achievement**: per target, of the tickets whose target concluded in the period
//!   (first response: answered in the period; resolution: solved in the period), the share met
//!   without a breach.
//! - **Backlog**: tickets created and not solved at the end of a day.
//! - **CSAT**: of the satisfaction answers given in the period, the share "good"; **NPS**:
//!   promoters (9–10) minus detractors (0–6) in percent of all answers; **CES**: the average
//!   effort answer (1 very hard … 7 very easy). An answer counts when it was last given.
//! - Deleted and merged tickets count nowhere.

use chrono::{Datelike, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::macros::string_enum;
use crate::model::{AuthorKind, Channel, MessageKind, Priority, TicketStatus};
use crate::records::SurveyKind;
use crate::sla::{FieldChange, Schedule, SlaMetric, SlaState, ThreadEntry};

const DAY_MS: i64 = 86_400_000;

string_enum!(
    /// How an SLA target ended: met in time, or breached (at least once).
    SlaOutcome { Met => "met", Breached => "breached" }
);

impl SlaOutcome {
    /// The outcome of a concluded target; `None` while it is still awaited or has no target.
    fn of(m: &SlaMetric) -> Option<Self> {
        if m.breaches > 0 || m.breached_at.is_some() {
            Some(SlaOutcome::Breached)
        } else if m.met {
            Some(SlaOutcome::Met)
        } else {
            None
        }
    }
}

string_enum!(
    /// A change in the backlog: a ticket arrived, was solved, or was reopened.
    FlowKind { Created => "created", Solved => "solved", Reopened => "reopened" }
);

/// What a report reads of one ticket, derived from its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMetrics {
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub first_response_ms: Option<i64>,
    pub first_response_business_ms: Option<i64>,
    /// The last time it was solved, while it is solved or closed.
    pub solved_at: Option<i64>,
    pub resolution_ms: Option<i64>,
    pub resolution_business_ms: Option<i64>,
    /// Public replies by agents (not by rules).
    pub agent_replies: u32,
    /// Times it went from solved or closed back to an open status.
    pub reopens: u32,
    pub one_touch: bool,
    pub sla_first_response: Option<SlaOutcome>,
    pub sla_resolution: Option<SlaOutcome>,
    /// Every arrival, solve and reopen, in time order (the backlog's steps).
    pub flow: Vec<(FlowKind, i64)>,
    /// Each public agent reply: when, and by whom (the people table's reply counts).
    pub replies: Vec<(i64, Option<String>)>,
}

fn is_done(s: TicketStatus) -> bool {
    matches!(s, TicketStatus::Solved | TicketStatus::Closed)
}

/// One ticket's metrics from its history: the status changes among `changes` (other fields
/// are ignored), its messages, its SLA state (`None` without a policy) and the business
/// calendar of its policy. `solved_at` is the ticket's own record of its last solve, used
/// when the history does not say (tickets imported without their audit events).
pub fn ticket_metrics(
    created_at: i64,
    status: TicketStatus,
    solved_at: Option<i64>,
    changes: &[FieldChange<'_>],
    thread: &[ThreadEntry<'_>],
    sla: Option<&SlaState>,
    schedule: &Schedule,
) -> TicketMetrics {
    let mut statuses: Vec<(i64, Option<TicketStatus>, TicketStatus)> = changes
        .iter()
        .filter(|c| c.field == "status")
        .filter_map(|c| {
            let new = TicketStatus::parse("status", c.new_value?).ok()?;
            let old = c
                .old_value
                .and_then(|v| TicketStatus::parse("status", v).ok());
            Some((c.at, old, new))
        })
        .collect();
    // Stable: changes at one instant keep the order they were recorded in.
    statuses.sort_by_key(|s| s.0);
    let mut flow = vec![(FlowKind::Created, created_at)];
    let initial = match statuses.first() {
        Some(s) => s.1.unwrap_or(status),
        // No recorded change, yet solved after it was created: it was open until then.
        None if is_done(status) && solved_at.is_some_and(|s| s > created_at) => TicketStatus::Open,
        None => status,
    };
    let mut done = is_done(initial);
    let mut last_solved = if done { Some(created_at) } else { None };
    if done {
        flow.push((FlowKind::Solved, created_at));
    }
    let mut reopens = 0;
    for &(at, _, new) in &statuses {
        match (done, is_done(new)) {
            (false, true) => {
                flow.push((FlowKind::Solved, at));
                last_solved = Some(at);
            }
            (true, false) => {
                flow.push((FlowKind::Reopened, at));
                reopens += 1;
            }
            _ => {}
        }
        done = is_done(new);
    }
    // The recorded history should end in the current status; when it does not (an old
    // document without events), the current status decides.
    if done != is_done(status) {
        let at = statuses.last().map_or(created_at, |s| s.0);
        if is_done(status) {
            let at = solved_at.filter(|&s| s >= at).unwrap_or(at);
            flow.push((FlowKind::Solved, at));
            last_solved = Some(at);
        } else {
            flow.push((FlowKind::Reopened, at));
            reopens += 1;
        }
    }
    let solved_at = if is_done(status) { last_solved } else { None };
    flow.sort_by_key(|f| f.1);
    let replies: Vec<(i64, Option<String>)> = thread
        .iter()
        .filter(|m| {
            m.kind == MessageKind::Reply
                && m.author_kind == AuthorKind::Agent
                && !m.author_id.is_some_and(|a| a.starts_with("rule:"))
        })
        .map(|m| (m.at, m.author_id.map(str::to_owned)))
        .collect();
    let first_response_at = replies.iter().map(|r| r.0).min();
    let span = |end: Option<i64>| end.map(|e| (e - created_at).max(0));
    let business = |end: Option<i64>| end.map(|e| schedule.business_ms_between(created_at, e));
    TicketMetrics {
        created_at,
        first_response_at,
        first_response_ms: span(first_response_at),
        first_response_business_ms: business(first_response_at),
        solved_at,
        resolution_ms: span(solved_at),
        resolution_business_ms: business(solved_at),
        agent_replies: replies.len() as u32,
        reopens,
        one_touch: solved_at.is_some() && replies.len() == 1 && reopens == 0,
        sla_first_response: sla.and_then(|s| SlaOutcome::of(&s.first_response)),
        sla_resolution: sla
            .filter(|_| solved_at.is_some())
            .and_then(|s| SlaOutcome::of(&s.resolution)),
        flow,
        replies,
    }
}

/// Which tickets a report covers; empty lists do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportFilter {
    #[serde(default)]
    pub group_ids: Vec<String>,
    #[serde(default)]
    pub agent_ids: Vec<String>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub mailbox_ids: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<Priority>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
}

/// A report's period `[from, to)` in UTC milliseconds, the time zone its days and hours are
/// counted in, and whether spans count business hours only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportRequest {
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    /// IANA name, e.g. "Europe/Istanbul".
    pub time_zone: String,
    #[serde(default)]
    pub business_hours: bool,
    #[serde(default)]
    pub filter: ReportFilter,
}

/// The longest period a report covers.
pub const MAX_REPORT_DAYS: i64 = 3 * 366;

impl ReportRequest {
    /// The period checked, and its time zone.
    pub fn validated(&self) -> Result<Tz, DomainError> {
        if self.to <= self.from {
            return Err(DomainError::invalid(
                "to",
                "The report's period must end after it starts.",
            ));
        }
        if self.to - self.from > MAX_REPORT_DAYS * DAY_MS {
            return Err(DomainError::invalid(
                "to",
                format!("A report covers at most {MAX_REPORT_DAYS} days."),
            ));
        }
        self.time_zone.parse::<Tz>().map_err(|_| {
            DomainError::invalid(
                "time_zone",
                format!("'{}' is not a known time zone.", self.time_zone),
            )
        })
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> (i64, i64) {
        (self.from - (self.to - self.from), self.from)
    }
}

/// One ticket's row as a report reads it: the stored metrics, with the spans in the clock the
/// request chose, and who and what it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricRow {
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub first_response_ms: Option<i64>,
    pub solved_at: Option<i64>,
    pub resolution_ms: Option<i64>,
    pub agent_replies: u32,
    pub reopens: u32,
    pub one_touch: bool,
    pub sla_first_response: Option<SlaOutcome>,
    pub sla_resolution: Option<SlaOutcome>,
    pub assignee_id: Option<String>,
    pub group_id: Option<String>,
}

/// A share: `n` of `of`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Share {
    pub n: u32,
    pub of: u32,
}

impl Share {
    fn add(&mut self, yes: bool) {
        self.of += 1;
        self.n += yes as u32;
    }
}

/// Median and 90th percentile of a set of spans, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Spans {
    pub count: u32,
    #[ts(type = "number | null")]
    pub median_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub p90_ms: Option<i64>,
}

/// The nearest-rank percentile (`q` in 0..=100) of sorted values.
fn percentile(sorted: &[i64], q: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len()).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

impl Spans {
    pub fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        Spans {
            count: values.len() as u32,
            median_ms: percentile(&values, 50),
            p90_ms: percentile(&values, 90),
        }
    }
}

/// A period's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Totals {
    pub created: u32,
    pub solved: u32,
    pub reopened: u32,
    /// Open tickets at the end of the period.
    pub backlog: u32,
    pub first_response: Spans,
    pub resolution: Spans,
    /// Agent replies per ticket solved in the period.
    pub replies_per_solved: Option<f64>,
    pub one_touch: Share,
    pub reopen_rate: Share,
    pub sla_first_response: Share,
    pub sla_resolution: Share,
    /// Customer satisfaction: "good" answers of all CSAT answers in the period.
    pub csat: Share,
    pub nps: Nps,
    /// Customer effort: the sum and number of CES answers (average = sum / count).
    pub ces_sum: u32,
    pub ces_count: u32,
}

/// Net promoter answers: 9–10 promoters, 7–8 passives, 0–6 detractors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Nps {
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
}

impl Nps {
    /// Promoters minus detractors, in whole percent of all answers (−100 … 100).
    pub fn score(&self) -> Option<i64> {
        let all = (self.promoters + self.passives + self.detractors) as i64;
        (all > 0).then(|| ((self.promoters as i64 - self.detractors as i64) * 100) / all)
    }
}

/// One survey answer as a report reads it: when it was (last) given, and whose ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRow {
    pub kind: SurveyKind,
    pub score: i64,
    pub answered_at: i64,
    pub assignee_id: Option<String>,
    pub group_id: Option<String>,
}

/// Whether a CSAT score is the good one.
pub fn csat_good(score: i64) -> bool {
    score == *SurveyKind::Csat.scores().end()
}

/// Adds the period's survey answers to its figures.
pub fn add_ratings<'a>(
    t: &mut Totals,
    ratings: impl IntoIterator<Item = &'a RatingRow>,
    from: i64,
    to: i64,
) {
    for r in ratings {
        if !within(Some(r.answered_at), from, to) {
            continue;
        }
        match r.kind {
            SurveyKind::Csat => t.csat.add(csat_good(r.score)),
            SurveyKind::Ces => {
                t.ces_sum += r.score.max(0) as u32;
                t.ces_count += 1;
            }
            SurveyKind::Nps => match r.score {
                9.. => t.nps.promoters += 1,
                7..=8 => t.nps.passives += 1,
                _ => t.nps.detractors += 1,
            },
        }
    }
}

/// How many answers gave each score of a kind's scale, lowest score first.
pub fn distribution<'a>(
    kind: SurveyKind,
    ratings: impl IntoIterator<Item = &'a RatingRow>,
    from: i64,
    to: i64,
) -> Vec<u32> {
    let scale = kind.scores();
    let mut out = vec![0u32; (scale.end() - scale.start() + 1) as usize];
    for r in ratings {
        if r.kind == kind && scale.contains(&r.score) && within(Some(r.answered_at), from, to) {
            out[(r.score - scale.start()) as usize] += 1;
        }
    }
    out
}

/// A customer's comment beside a rating, linked to its ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RatingComment {
    pub ticket_id: String,
    #[ts(type = "number | null")]
    pub ticket_number: Option<i64>,
    pub subject: String,
    pub customer_name: String,
    pub kind: SurveyKind,
    #[ts(type = "number")]
    pub score: i64,
    pub comment: String,
    #[ts(type = "number")]
    pub at: i64,
}

fn within(at: Option<i64>, from: i64, to: i64) -> bool {
    at.is_some_and(|a| a >= from && a < to)
}

/// A period's figures over the rows of the tickets it touches (rows outside it are
/// skipped), with its reopen count and end-of-period backlog counted from the flow.
pub fn totals<'a>(
    rows: impl IntoIterator<Item = &'a MetricRow>,
    from: i64,
    to: i64,
    reopened: u32,
    backlog: u32,
) -> Totals {
    let mut t = Totals {
        reopened,
        backlog,
        ..Totals::default()
    };
    let (mut first, mut resolution) = (Vec::new(), Vec::new());
    let mut replies = 0u64;
    for r in rows {
        if within(Some(r.created_at), from, to) {
            t.created += 1;
        }
        if within(r.first_response_at, from, to) {
            first.extend(r.first_response_ms);
            if let Some(o) = r.sla_first_response {
                t.sla_first_response.add(o == SlaOutcome::Met);
            }
        }
        if within(r.solved_at, from, to) {
            t.solved += 1;
            resolution.extend(r.resolution_ms);
            replies += r.agent_replies as u64;
            t.one_touch.add(r.one_touch);
            t.reopen_rate.add(r.reopens > 0);
            if let Some(o) = r.sla_resolution {
                t.sla_resolution.add(o == SlaOutcome::Met);
            }
        }
    }
    t.first_response = Spans::of(first);
    t.resolution = Spans::of(resolution);
    t.replies_per_solved = (t.solved > 0).then(|| replies as f64 / t.solved as f64);
    t
}

/// One day of the volume chart (a day in the request's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayVolume {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// The day's start, UTC milliseconds.
    #[ts(type = "number")]
    pub start: i64,
    pub created: u32,
    pub solved: u32,
    pub reopened: u32,
    /// Open tickets at the day's end.
    pub backlog: u32,
}

/// The starts of the days `[from, to)` covers in `tz` (the first at or before `from`) and
/// the end of the last.
pub fn day_starts(tz: Tz, from: i64, to: i64) -> Vec<i64> {
    let start_of = |ms: i64| -> i64 {
        let local = tz.timestamp_millis_opt(ms).unwrap().date_naive();
        local_midnight(tz, local)
    };
    let mut days = vec![start_of(from)];
    while *days.last().unwrap() < to {
        let last = *days.last().unwrap();
        let next_date = tz
            .timestamp_millis_opt(last)
            .unwrap()
            .date_naive()
            .succ_opt()
            .expect("dates within chrono's range");
        days.push(local_midnight(tz, next_date));
    }
    days
}

/// The first instant of a local date (a zone that skips midnight starts the day later).
fn local_midnight(tz: Tz, date: chrono::NaiveDate) -> i64 {
    (0..24)
        .find_map(|h| {
            tz.from_local_datetime(&date.and_hms_opt(h, 0, 0)?)
                .earliest()
        })
        .map(|d| d.timestamp_millis())
        .expect("every day has an hour")
}

/// The volume per day: arrivals, solves and reopens from the flow (`(kind, at)` of the
/// matching tickets, every step at or after the first day's start), and the backlog at each
/// day's end counted back from `backlog_now` (open tickets now, `now` ≥ the last step).
pub fn volume(
    tz: Tz,
    from: i64,
    to: i64,
    flow: &[(FlowKind, i64)],
    backlog_now: u32,
) -> Vec<DayVolume> {
    let starts = day_starts(tz, from, to);
    let n = starts.len() - 1;
    let mut days: Vec<DayVolume> = starts[..n]
        .iter()
        .map(|&start| DayVolume {
            day: tz
                .timestamp_millis_opt(start)
                .unwrap()
                .format("%Y-%m-%d")
                .to_string(),
            start,
            created: 0,
            solved: 0,
            reopened: 0,
            backlog: 0,
        })
        .collect();
    // The backlog's change after each day's end: steps later than the last day count in
    // `after`, the rest per day.
    let mut delta_after_end = vec![0i64; n];
    let mut after = 0i64;
    for &(kind, at) in flow {
        let step = if kind == FlowKind::Solved { -1 } else { 1 };
        let i = starts.partition_point(|&s| s <= at);
        if i == 0 {
            continue;
        }
        if i > n {
            after += step;
            continue;
        }
        let d = &mut days[i - 1];
        match kind {
            FlowKind::Created => d.created += 1,
            FlowKind::Solved => d.solved += 1,
            FlowKind::Reopened => d.reopened += 1,
        }
        delta_after_end[i - 1] += step;
    }
    let mut open = backlog_now as i64 - after;
    for i in (0..n).rev() {
        days[i].backlog = open.max(0) as u32;
        open -= delta_after_end[i];
    }
    days
}

/// New tickets per weekday (Monday first) and hour, in the request's time zone: 7 × 24
/// counts, row by row.
pub fn arrivals_by_hour(tz: Tz, created: impl IntoIterator<Item = i64>) -> Vec<u32> {
    let mut grid = vec![0u32; 7 * 24];
    for at in created {
        let local = tz.timestamp_millis_opt(at).unwrap();
        let day = local.weekday().num_days_from_monday() as usize;
        grid[day * 24 + local.hour() as usize] += 1;
    }
    grid
}

/// The whole overview of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportOverview {
    pub current: Totals,
    /// The period of the same length just before.
    pub previous: Totals,
    pub days: Vec<DayVolume>,
    /// New tickets per weekday (Monday first) × hour, 168 counts.
    pub arrivals: Vec<u32>,
    /// Answers per score in the period: NPS 0–10, CES 1–7, CSAT 1–3.
    pub nps_scores: Vec<u32>,
    pub ces_scores: Vec<u32>,
    pub csat_scores: Vec<u32>,
    /// The period's comments, newest first (at most [`MAX_COMMENTS`]).
    pub comments: Vec<RatingComment>,
}

/// The most comments an overview lists.
pub const MAX_COMMENTS: usize = 100;

/// The backlog at `at`: open now, less the steps since.
fn backlog_at(open: u32, steps: &[(FlowKind, i64)], at: i64) -> u32 {
    let later: i64 = steps
        .iter()
        .filter(|s| s.1 >= at)
        .map(|s| if s.0 == FlowKind::Solved { -1 } else { 1 })
        .sum();
    (open as i64 - later).max(0) as u32
}

fn reopened_between(steps: &[(FlowKind, i64)], from: i64, to: i64) -> u32 {
    steps
        .iter()
        .filter(|s| s.0 == FlowKind::Reopened && s.1 >= from && s.1 < to)
        .count() as u32
}

/// What an overview is computed from, as a store selects it for a request: the rows of the
/// tickets created, first answered or solved in the request's period or the one before it,
/// the matching tickets' backlog steps from the earlier of the previous period's start and
/// the first day's start (in time order), the matching tickets open now, the survey answers
/// of both periods and the period's comments.
pub struct OverviewInput {
    pub rows: Vec<MetricRow>,
    pub steps: Vec<(FlowKind, i64)>,
    pub open_now: u32,
    pub answers: Vec<RatingRow>,
    pub comments: Vec<RatingComment>,
}

/// The whole overview of a request from what the store selected (see [`OverviewInput`]).
pub fn overview(req: &ReportRequest, tz: Tz, input: OverviewInput) -> ReportOverview {
    let OverviewInput {
        rows,
        steps,
        open_now,
        answers,
        comments,
    } = input;
    let (pfrom, _) = req.previous();
    let mut current = totals(
        &rows,
        req.from,
        req.to,
        reopened_between(&steps, req.from, req.to),
        backlog_at(open_now, &steps, req.to),
    );
    let mut previous = totals(
        &rows,
        pfrom,
        req.from,
        reopened_between(&steps, pfrom, req.from),
        backlog_at(open_now, &steps, req.from),
    );
    add_ratings(&mut current, &answers, req.from, req.to);
    add_ratings(&mut previous, &answers, pfrom, req.from);
    let first_day = day_starts(tz, req.from, req.to)[0];
    let day_steps: Vec<(FlowKind, i64)> =
        steps.iter().copied().filter(|s| s.1 >= first_day).collect();
    ReportOverview {
        current,
        previous,
        days: volume(tz, req.from, req.to, &day_steps, open_now),
        arrivals: arrivals_by_hour(
            tz,
            rows.iter()
                .map(|r| r.created_at)
                .filter(|&at| at >= req.from && at < req.to),
        ),
        nps_scores: distribution(SurveyKind::Nps, &answers, req.from, req.to),
        ces_scores: distribution(SurveyKind::Ces, &answers, req.from, req.to),
        csat_scores: distribution(SurveyKind::Csat, &answers, req.from, req.to),
        comments,
    }
}

/// Where the steps an overview needs begin (see [`OverviewInput`]).
pub fn steps_from(req: &ReportRequest, tz: Tz) -> i64 {
    req.previous().0.min(day_starts(tz, req.from, req.to)[0])
}

/// One agent's or group's line of the people table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PeopleRow {
    /// The agent or group; `None` for tickets without one.
    pub id: Option<String>,
    pub name: String,
    pub solved: u32,
    pub replies: u32,
    #[ts(type = "number | null")]
    pub first_response_median_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub resolution_median_ms: Option<i64>,
    pub one_touch: Share,
    /// "Good" CSAT answers on the line's tickets.
    pub csat: Share,
}

/// Whose line a row counts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PeopleBy {
    Agent,
    Group,
}

/// The people table: per agent (the ticket's assignee) or group, over the period's rows;
/// `replies` are the public replies each agent (or each group's tickets) got in the period,
/// counted by the store. Lines with nothing in the period are left out.
pub fn people(
    rows: &[MetricRow],
    by: PeopleBy,
    from: i64,
    to: i64,
    replies: &[(Option<String>, u32)],
    ratings: &[RatingRow],
) -> Vec<PeopleRow> {
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Acc {
        solved: u32,
        replies: u32,
        first: Vec<i64>,
        resolution: Vec<i64>,
        one_touch: Share,
        csat: Share,
    }
    let mut acc: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    for r in rows {
        let key = match by {
            PeopleBy::Agent => &r.assignee_id,
            PeopleBy::Group => &r.group_id,
        };
        if within(r.first_response_at, from, to) {
            let a = acc.entry(key.clone()).or_default();
            a.first.extend(r.first_response_ms);
        }
        if within(r.solved_at, from, to) {
            let a = acc.entry(key.clone()).or_default();
            a.solved += 1;
            a.resolution.extend(r.resolution_ms);
            a.one_touch.add(r.one_touch);
        }
    }
    for (id, n) in replies {
        acc.entry(id.clone()).or_default().replies += n;
    }
    for r in ratings {
        if r.kind == SurveyKind::Csat && within(Some(r.answered_at), from, to) {
            let key = match by {
                PeopleBy::Agent => &r.assignee_id,
                PeopleBy::Group => &r.group_id,
            };
            acc.entry(key.clone())
                .or_default()
                .csat
                .add(csat_good(r.score));
        }
    }
    acc.into_iter()
        .map(|(id, a)| PeopleRow {
            name: String::new(),
            id,
            solved: a.solved,
            replies: a.replies,
            first_response_median_ms: Spans::of(a.first).median_ms,
            resolution_median_ms: Spans::of(a.resolution).median_ms,
            one_touch: a.one_touch,
            csat: a.csat,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn change(at: i64, old: &'static str, new: &'static str) -> FieldChange<'static> {
        FieldChange {
            field: "status",
            old_value: Some(old),
            new_value: Some(new),
            at,
        }
    }

    fn reply(at: i64, author: AuthorKind, id: Option<&'static str>) -> ThreadEntry<'static> {
        ThreadEntry {
            kind: MessageKind::Reply,
            author_kind: author,
            author_id: id,
            at,
        }
    }

    #[test]
    fn a_solved_ticket_with_one_reply_is_solved_on_first_contact() {
        let thread = [
            reply(0, AuthorKind::Customer, None),
            reply(H, AuthorKind::Agent, Some("rule:ack")),
            reply(2 * H, AuthorKind::Agent, Some("a1")),
        ];
        let m = ticket_metrics(
            0,
            TicketStatus::Solved,
            None,
            &[change(3 * H, "open", "solved")],
            &thread,
            None,
            &Schedule::always_open(),
        );
        // The rule's acknowledgement is no response.
        assert_eq!(m.first_response_ms, Some(2 * H));
        assert_eq!(m.resolution_ms, Some(3 * H));
        assert_eq!(m.agent_replies, 1);
        assert!(m.one_touch);
        assert_eq!(
            m.flow,
            vec![(FlowKind::Created, 0), (FlowKind::Solved, 3 * H)]
        );
    }

    #[test]
    fn a_reopened_ticket_counts_its_last_solve_and_is_no_first_contact_resolution() {
        let changes = [
            change(H, "new", "solved"),
            change(2 * H, "solved", "open"),
            change(5 * H, "open", "solved"),
            change(6 * H, "solved", "closed"),
        ];
        let thread = [reply(H / 2, AuthorKind::Agent, Some("a1"))];
        let m = ticket_metrics(
            0,
            TicketStatus::Closed,
            None,
            &changes,
            &thread,
            None,
            &Schedule::always_open(),
        );
        assert_eq!(m.solved_at, Some(5 * H));
        assert_eq!(m.reopens, 1);
        assert!(!m.one_touch);
        // Closing a solved ticket is no new solve.
        assert_eq!(m.flow.len(), 4);
        // Reopened and still open: not solved.
        let open = ticket_metrics(
            0,
            TicketStatus::Open,
            None,
            &changes[..2],
            &thread,
            None,
            &Schedule::always_open(),
        );
        assert_eq!(open.solved_at, None);
        assert_eq!(open.resolution_ms, None);
    }

    #[test]
    fn a_solved_ticket_without_its_events_is_solved_when_it_says() {
        let m = ticket_metrics(
            0,
            TicketStatus::Solved,
            Some(5 * H),
            &[],
            &[],
            None,
            &Schedule::always_open(),
        );
        assert_eq!(m.resolution_ms, Some(5 * H));
        assert_eq!(
            m.flow,
            vec![(FlowKind::Created, 0), (FlowKind::Solved, 5 * H)]
        );
    }

    #[test]
    fn survey_answers_make_csat_nps_and_ces() {
        let r = |kind, score, at| RatingRow {
            kind,
            score,
            answered_at: at,
            assignee_id: None,
            group_id: None,
        };
        let rows = [
            r(SurveyKind::Csat, 3, 1),
            r(SurveyKind::Csat, 1, 2),
            r(SurveyKind::Csat, 3, 3),
            r(SurveyKind::Nps, 10, 4),
            r(SurveyKind::Nps, 9, 5),
            r(SurveyKind::Nps, 7, 6),
            r(SurveyKind::Nps, 2, 7),
            r(SurveyKind::Ces, 6, 8),
            r(SurveyKind::Ces, 3, 9),
            // Outside the period.
            r(SurveyKind::Csat, 1, 100),
        ];
        let mut t = Totals::default();
        add_ratings(&mut t, &rows, 0, 50);
        assert_eq!(t.csat, Share { n: 2, of: 3 });
        assert_eq!(t.nps.score(), Some(25));
        assert_eq!((t.ces_sum, t.ces_count), (9, 2));
        assert_eq!(distribution(SurveyKind::Csat, &rows, 0, 50), vec![1, 0, 2]);
        assert_eq!(distribution(SurveyKind::Nps, &rows, 0, 50)[9..], [1, 1]);
        assert_eq!(Nps::default().score(), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = Spans::of((1..=10).rev().collect());
        assert_eq!((s.median_ms, s.p90_ms), (Some(5), Some(9)));
        assert_eq!(Spans::of(vec![7]).p90_ms, Some(7));
        assert_eq!(Spans::of(vec![]).median_ms, None);
    }

    #[test]
    fn volume_counts_days_in_the_time_zone_and_the_backlog_backwards() {
        let tz: Tz = "Asia/Tehran".parse().unwrap();
        // 2026-03-01 00:00 in Tehran (UTC+3:30).
        let day0 = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let start = local_midnight(tz, day0);
        let from = start;
        let to = start + 3 * DAY_MS;
        let flow = [
            (FlowKind::Created, start + H),
            (FlowKind::Created, start + 2 * H),
            (FlowKind::Solved, start + DAY_MS + H),
            (FlowKind::Created, start + 4 * DAY_MS),
        ];
        // Open now: the one from before the period, one of day 0, and the one after it.
        let days = volume(tz, from, to, &flow, 3);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].day, "2026-03-01");
        assert_eq!(
            days.iter()
                .map(|d| (d.created, d.solved, d.backlog))
                .collect::<Vec<_>>(),
            vec![(2, 0, 3), (0, 1, 2), (0, 0, 2)]
        );
    }

    #[test]
    fn arrivals_fall_on_the_local_weekday_and_hour() {
        let tz: Tz = "America/New_York".parse().unwrap();
        // 2026-12-07 is a Monday; 02:30 UTC is Sunday 21:30 in New York.
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 12, 7, 2, 30, 0)
            .unwrap()
            .timestamp_millis();
        let grid = arrivals_by_hour(tz, [at]);
        assert_eq!(grid[6 * 24 + 21], 1);
        assert_eq!(grid.iter().sum::<u32>(), 1);
    }

    #[test]
    fn a_request_is_refused_with_a_reason() {
        let mut r = ReportRequest {
            from: 10,
            to: 5,
            time_zone: "UTC".into(),
            business_hours: false,
            filter: ReportFilter::default(),
        };
        assert_eq!(r.validated().unwrap_err().field.as_deref(), Some("to"));
        r.to = 20;
        r.time_zone = "Mars/Olympus".into();
        assert!(r.validated().unwrap_err().message.contains("Mars/Olympus"));
    }
}
