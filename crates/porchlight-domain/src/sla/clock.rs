//! The SLA clock: replays a ticket's history against a policy and a calendar and says, for
//! each metric, where it stands.
//!
//! The rules (modelled on Zendesk-like products; times are business time of the calendar):
//! - **First response** starts at `created_at` and is met by the first agent public reply.
//! - **Next response**: a customer message starts a cycle when no reply is awaited (neither
//!   the first response nor a next-response cycle is open); the next agent public reply meets
//!   it. Each cycle has its own clock; `breaches` counts every breached cycle.
//! - **Resolution** runs from `created_at` until the ticket is solved or closed.
//! - **Pauses**: every clock runs only while the ticket is `new` or `open`; `pending` and
//!   `on_hold` pause all of them (elapsed time is kept, the deadline moves out).
//! - **Solve / close** stops every clock: resolution is met at that instant, an awaited reply
//!   clock ends as `stopped` (neither met nor breached, unless it had already breached).
//! - **Reopen** (solved/closed → any other status): like Zendesk's agent work time, the
//!   resolution clock continues from the time it had accumulated (it does not restart at
//!   zero, and the solved period does not count). Reply clocks do not reopen; the customer's
//!   message that usually reopens a ticket starts a next-response cycle.
//! - **Priority change**: the targets of the new priority apply from the change, still
//!   measured from each clock's start (the elapsed business time is kept). When the elapsed
//!   time already exceeds the new target, the metric breaches at the instant of the change.
//!   A priority without a target makes the metric not applicable while it holds; the clock
//!   keeps counting so a later priority with a target measures from the start.
//! - A metric met at its deadline exactly is on time; it breaches at the deadline instant.
//! - Events are applied in time order (events at one instant in the order given); events
//!   before `created_at` count as at `created_at`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::macros::string_enum;
use crate::model::{Priority, TicketStatus};
use crate::sla::calendar::Schedule;
use crate::sla::policy::{SlaPolicy, SlaTargets};

const MINUTE_MS: i64 = 60_000;

/// One thing that happened to the ticket that the SLA clock cares about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SlaEvent {
    /// The ticket's status became `status`.
    Status {
        #[ts(type = "number")]
        at: i64,
        status: TicketStatus,
    },
    /// The ticket's priority became `priority`.
    Priority {
        #[ts(type = "number")]
        at: i64,
        priority: Priority,
    },
    /// A public message from the customer.
    CustomerMessage {
        #[ts(type = "number")]
        at: i64,
    },
    /// A public reply from an agent (internal notes are not replies).
    AgentReply {
        #[ts(type = "number")]
        at: i64,
    },
}

impl SlaEvent {
    /// The same event moved to `at`.
    fn at_time(&self, at: i64) -> SlaEvent {
        let mut e = self.clone();
        match &mut e {
            SlaEvent::Status { at: t, .. }
            | SlaEvent::Priority { at: t, .. }
            | SlaEvent::CustomerMessage { at: t }
            | SlaEvent::AgentReply { at: t } => *t = at,
        }
        e
    }

    pub fn at(&self) -> i64 {
        match self {
            SlaEvent::Status { at, .. }
            | SlaEvent::Priority { at, .. }
            | SlaEvent::CustomerMessage { at }
            | SlaEvent::AgentReply { at } => *at,
        }
    }
}

/// A ticket's SLA-relevant history: how it was created and what happened since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaTimeline {
    #[ts(type = "number")]
    pub created_at: i64,
    /// Status at creation.
    pub status: TicketStatus,
    /// Priority at creation.
    pub priority: Priority,
    pub events: Vec<SlaEvent>,
}

string_enum!(
    /// Where a metric's clock is: `inactive` (no cycle has begun: next response before any
    /// customer message after a reply), `not_applicable` (the current priority has no target
    /// for it), `running`, `paused` (pending or on hold), `met`, `stopped` (the ticket was
    /// solved or closed while a reply was awaited).
    SlaPhase {
        Inactive => "inactive", NotApplicable => "not_applicable", Running => "running",
        Paused => "paused", Met => "met", Stopped => "stopped",
    }
);

string_enum!(
    /// The badge: on track, at risk (within the warning before the deadline), breached.
    SlaStatus { OnTrack => "on_track", AtRisk => "at_risk", Breached => "breached" }
);

impl SlaStatus {
    fn rank(self) -> u8 {
        match self {
            SlaStatus::OnTrack => 0,
            SlaStatus::AtRisk => 1,
            SlaStatus::Breached => 2,
        }
    }
}

/// One metric as of the last event of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaMetric {
    pub phase: SlaPhase,
    /// The target of the current priority, in business minutes.
    pub target_minutes: Option<u32>,
    /// Start of the current cycle.
    #[ts(type = "number | null")]
    pub started_at: Option<i64>,
    /// Business time the current cycle has accumulated by `SlaState::as_of`.
    #[ts(type = "number")]
    pub elapsed_ms: i64,
    /// Target minus elapsed (negative once over) while a target applies and the cycle is open.
    #[ts(type = "number | null")]
    pub remaining_ms: Option<i64>,
    /// When the time runs (or ran) out; only while running. `None` when paused, met,
    /// stopped, inactive or not applicable.
    #[ts(type = "number | null")]
    pub deadline: Option<i64>,
    pub met: bool,
    #[ts(type = "number | null")]
    pub met_at: Option<i64>,
    /// When the current cycle breached, if it did before `as_of`. A running metric whose
    /// deadline passes after `as_of` is breached from its deadline on (see `breached_at_by`).
    #[ts(type = "number | null")]
    pub breached_at: Option<i64>,
    /// Breached cycles in the whole history (next response can breach more than once).
    pub breaches: u32,
}

impl SlaMetric {
    /// On track / at risk / breached at `now`, or `None` when nothing is awaited (met,
    /// stopped, inactive, not applicable). At risk from `warning_minutes` (real minutes)
    /// before the deadline; breached after it. A paused metric is on track unless it had
    /// already breached.
    pub fn status_at(&self, now_ms: i64, warning_minutes: u32) -> Option<SlaStatus> {
        match self.phase {
            SlaPhase::Running => {
                let d = self.deadline?;
                Some(if self.breached_at.is_some() || now_ms > d {
                    SlaStatus::Breached
                } else if now_ms >= d - warning_minutes as i64 * MINUTE_MS {
                    SlaStatus::AtRisk
                } else {
                    SlaStatus::OnTrack
                })
            }
            SlaPhase::Paused => Some(if self.breached_at.is_some() {
                SlaStatus::Breached
            } else {
                SlaStatus::OnTrack
            }),
            _ => None,
        }
    }

    /// When the current cycle breached, counting a running deadline that has passed by `now`.
    pub fn breached_at_by(&self, now_ms: i64) -> Option<i64> {
        self.breached_at.or(match (self.phase, self.deadline) {
            (SlaPhase::Running, Some(d)) if now_ms > d => Some(d),
            _ => None,
        })
    }
}

/// Every metric of a ticket under one policy, as of its last event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaState {
    pub policy_id: String,
    pub priority: Priority,
    pub status: TicketStatus,
    /// The time of the last event (or creation): what the state describes.
    #[ts(type = "number")]
    pub as_of: i64,
    pub first_response: SlaMetric,
    pub next_response: SlaMetric,
    pub resolution: SlaMetric,
}

impl SlaState {
    pub fn metrics(&self) -> [&SlaMetric; 3] {
        [&self.first_response, &self.next_response, &self.resolution]
    }

    /// The worst status of the metrics (breached > at risk > on track), `None` when no metric
    /// is awaited.
    pub fn status_at(&self, now_ms: i64, warning_minutes: u32) -> Option<SlaStatus> {
        self.metrics()
            .iter()
            .filter_map(|m| m.status_at(now_ms, warning_minutes))
            .max_by_key(|s| s.rank())
    }

    /// The earliest running deadline (past ones included): what "sort by next deadline" uses.
    pub fn next_deadline(&self) -> Option<i64> {
        self.metrics()
            .iter()
            .filter(|m| m.phase == SlaPhase::Running)
            .filter_map(|m| m.deadline)
            .min()
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Clock {
    active: bool,
    started_at: Option<i64>,
    elapsed: i64,
    met_at: Option<i64>,
    stopped_at: Option<i64>,
    breached_at: Option<i64>,
    breaches: u32,
}

impl Clock {
    fn start(&mut self, at: i64) {
        *self = Clock {
            active: true,
            started_at: Some(at),
            breaches: self.breaches,
            ..Clock::default()
        };
    }
    fn awaiting(&self) -> bool {
        self.active && self.met_at.is_none() && self.stopped_at.is_none()
    }
    fn breach(&mut self, at: i64) {
        if self.breached_at.is_none() {
            self.breached_at = Some(at);
            self.breaches += 1;
        }
    }
}

#[derive(Clone, Copy)]
enum Metric {
    First,
    Next,
    Resolution,
}

fn target_ms(t: &SlaTargets, m: Metric) -> Option<i64> {
    let v = match m {
        Metric::First => t.first_response,
        Metric::Next => t.next_response,
        Metric::Resolution => t.resolution,
    };
    v.map(|m| m as i64 * MINUTE_MS)
}

fn runs_in(status: TicketStatus) -> bool {
    matches!(status, TicketStatus::New | TicketStatus::Open)
}

fn is_done(status: TicketStatus) -> bool {
    matches!(status, TicketStatus::Solved | TicketStatus::Closed)
}

struct Replay<'a> {
    policy: &'a SlaPolicy,
    cal: &'a Schedule,
    status: TicketStatus,
    priority: Priority,
    /// Clocks have been advanced up to here.
    cursor: i64,
    clocks: [Clock; 3],
}

const METRICS: [Metric; 3] = [Metric::First, Metric::Next, Metric::Resolution];

impl Replay<'_> {
    fn target(&self, m: Metric) -> Option<i64> {
        target_ms(self.policy.targets.get(self.priority), m)
    }

    /// Runs the clocks from the cursor to `to`, recording a breach when a deadline passes
    /// strictly before `to`.
    fn advance(&mut self, to: i64) {
        if to <= self.cursor {
            return;
        }
        if runs_in(self.status) {
            for (i, m) in METRICS.into_iter().enumerate() {
                let target = self.target(m);
                let c = self.clocks[i];
                if !c.awaiting() {
                    continue;
                }
                let mut c = c;
                if let (Some(t), None) = (target, c.breached_at) {
                    let deadline = self.cal.add_business_ms(self.cursor, t - c.elapsed);
                    if deadline < to {
                        c.breach(deadline);
                    }
                }
                c.elapsed += self.cal.business_ms_between(self.cursor, to);
                self.clocks[i] = c;
            }
        }
        self.cursor = to;
    }

    fn apply(&mut self, ev: &SlaEvent) {
        match *ev {
            SlaEvent::Status { at, status } => {
                let was_done = is_done(self.status);
                self.status = status;
                if is_done(status) && !was_done {
                    for (i, c) in self.clocks.iter_mut().enumerate() {
                        if c.awaiting() {
                            if i == 2 {
                                c.met_at = Some(at);
                            } else {
                                c.stopped_at = Some(at);
                            }
                        }
                    }
                } else if !is_done(status) && was_done {
                    let r = &mut self.clocks[2];
                    if r.active {
                        r.met_at = None;
                    }
                }
            }
            SlaEvent::Priority { at, priority } => {
                self.priority = priority;
                for (i, m) in METRICS.into_iter().enumerate() {
                    let target = self.target(m);
                    let c = &mut self.clocks[i];
                    if c.awaiting() && target.is_some_and(|t| c.elapsed > t) {
                        c.breach(at);
                    }
                }
            }
            SlaEvent::CustomerMessage { at } => {
                if !self.clocks[0].awaiting() && !self.clocks[1].awaiting() {
                    self.clocks[1].start(at);
                }
            }
            SlaEvent::AgentReply { at } => {
                if self.clocks[0].awaiting() {
                    self.clocks[0].met_at = Some(at);
                } else if self.clocks[1].awaiting() {
                    self.clocks[1].met_at = Some(at);
                }
            }
        }
    }

    fn metric(&self, m: Metric, i: usize) -> SlaMetric {
        let c = &self.clocks[i];
        let target = self.target(m);
        let phase = if !c.active {
            SlaPhase::Inactive
        } else if c.met_at.is_some() {
            SlaPhase::Met
        } else if c.stopped_at.is_some() {
            SlaPhase::Stopped
        } else if target.is_none() {
            SlaPhase::NotApplicable
        } else if runs_in(self.status) {
            SlaPhase::Running
        } else {
            SlaPhase::Paused
        };
        let remaining = match (c.awaiting(), target) {
            (true, Some(t)) => Some(t - c.elapsed),
            _ => None,
        };
        let deadline = match (phase, remaining) {
            (SlaPhase::Running, Some(r)) => Some(
                c.breached_at
                    .unwrap_or_else(|| self.cal.add_business_ms(self.cursor, r)),
            ),
            _ => None,
        };
        let targets = self.policy.targets.get(self.priority);
        SlaMetric {
            phase,
            target_minutes: match m {
                Metric::First => targets.first_response,
                Metric::Next => targets.next_response,
                Metric::Resolution => targets.resolution,
            },
            started_at: c.started_at,
            elapsed_ms: c.elapsed,
            remaining_ms: remaining,
            deadline,
            met: c.met_at.is_some(),
            met_at: c.met_at,
            breached_at: c.breached_at,
            breaches: c.breaches,
        }
    }
}

/// Replays `timeline` under `policy`, counting business time in `calendar` (pass
/// `Schedule::always_open()` when the policy's `calendar_id` is `None`). See the module
/// documentation for the rules.
pub fn sla_deadlines(policy: &SlaPolicy, calendar: &Schedule, timeline: &SlaTimeline) -> SlaState {
    let created = timeline.created_at;
    let mut events: Vec<&SlaEvent> = timeline.events.iter().collect();
    events.sort_by_key(|e| e.at().max(created));
    let mut first = Clock::default();
    first.start(created);
    let mut resolution = Clock::default();
    resolution.start(created);
    let mut r = Replay {
        policy,
        cal: calendar,
        status: timeline.status,
        priority: timeline.priority,
        cursor: created,
        clocks: [first, Clock::default(), resolution],
    };
    if is_done(timeline.status) {
        // Created solved (e.g. a logged phone call): nothing is awaited.
        r.status = TicketStatus::Open;
        r.apply(&SlaEvent::Status {
            at: created,
            status: timeline.status,
        });
    }
    for ev in events {
        let at = ev.at().max(created);
        r.advance(at);
        r.apply(&ev.at_time(at));
    }
    SlaState {
        policy_id: policy.id.clone(),
        priority: r.priority,
        status: r.status,
        as_of: r.cursor,
        first_response: r.metric(Metric::First, 0),
        next_response: r.metric(Metric::Next, 1),
        resolution: r.metric(Metric::Resolution, 2),
    }
}
