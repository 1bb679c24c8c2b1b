//! A ticket's SLA as stored on it: which policy applies, the state of its clocks, and the two
//! instants that decide its badge — when it becomes at risk and when it breaches. Both stores
//! (the desktop's and, should it need them, the server's) derive them here from the ticket's
//! recorded history, so every desktop shows the same deadline for the same history.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{AuthorKind, MessageKind, Priority, TicketStatus};
use crate::sla::calendar::{BusinessCalendar, Schedule};
use crate::sla::clock::{sla_deadlines, SlaEvent, SlaPhase, SlaState, SlaStatus, SlaTimeline};
use crate::sla::policy::{choose_policy, SlaPolicy, TicketFacts};

const MINUTE_MS: i64 = 60_000;

/// The SLA fields of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketSla {
    pub policy_id: String,
    pub policy_name: String,
    /// The policy's warning window, in minutes.
    pub warning_minutes: u32,
    /// When the first awaited metric breaches (or breached): the earliest running deadline,
    /// or the instant an awaited metric already breached. `None` while nothing is due (all
    /// met, or paused without a breach).
    #[ts(type = "number | null")]
    pub due_at: Option<i64>,
    /// From when the ticket is at risk: the policy's warning before `due_at`, but not before
    /// the metric's cycle began (the breach instant itself for a metric that has breached).
    #[ts(type = "number | null")]
    pub warn_at: Option<i64>,
    pub state: SlaState,
}

/// On track / at risk / breached at `now` from the two stored instants, `None` when nothing is
/// due. The same test the views run in SQL.
pub fn sla_status(due_at: Option<i64>, warn_at: Option<i64>, now: i64) -> Option<SlaStatus> {
    let due = due_at?;
    Some(if now > due {
        SlaStatus::Breached
    } else if warn_at.is_some_and(|w| now >= w) {
        SlaStatus::AtRisk
    } else {
        SlaStatus::OnTrack
    })
}

/// One recorded field change of a ticket (an audit event), as the SLA reads it.
#[derive(Debug, Clone, Copy)]
pub struct FieldChange<'a> {
    pub field: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub at: i64,
}

/// One message of a ticket, as the SLA reads it.
#[derive(Debug, Clone, Copy)]
pub struct ThreadEntry<'a> {
    pub kind: MessageKind,
    pub author_kind: AuthorKind,
    pub author_id: Option<&'a str>,
    pub at: i64,
}

/// Builds the clock's timeline from a ticket's audit events and messages. The status and
/// priority at creation are the "from" side of the first recorded change (the current values
/// when nothing changed). A public reply counts as a response when an agent wrote it; an
/// automatic reply sent by a rule (author `rule:…`) does not, nor does an internal note.
pub fn timeline_of(
    created_at: i64,
    status: TicketStatus,
    priority: Priority,
    changes: &[FieldChange<'_>],
    thread: &[ThreadEntry<'_>],
) -> SlaTimeline {
    let first = |field: &str| {
        changes
            .iter()
            .filter(|c| c.field == field)
            .min_by_key(|c| c.at)
            .and_then(|c| c.old_value)
    };
    let initial_status = first("status")
        .and_then(|v| TicketStatus::parse("status", v).ok())
        .unwrap_or(status);
    let initial_priority = first("priority")
        .and_then(|v| Priority::parse("priority", v).ok())
        .unwrap_or(priority);
    let mut events: Vec<SlaEvent> = Vec::with_capacity(changes.len() + thread.len());
    for c in changes {
        match c.field {
            "status" => {
                if let Some(s) = c
                    .new_value
                    .and_then(|v| TicketStatus::parse("status", v).ok())
                {
                    events.push(SlaEvent::Status {
                        at: c.at,
                        status: s,
                    });
                }
            }
            "priority" => {
                if let Some(p) = c
                    .new_value
                    .and_then(|v| Priority::parse("priority", v).ok())
                {
                    events.push(SlaEvent::Priority {
                        at: c.at,
                        priority: p,
                    });
                }
            }
            _ => {}
        }
    }
    for m in thread {
        if m.kind != MessageKind::Reply {
            continue;
        }
        match m.author_kind {
            AuthorKind::Customer => events.push(SlaEvent::CustomerMessage { at: m.at }),
            AuthorKind::Agent if !m.author_id.is_some_and(|a| a.starts_with("rule:")) => {
                events.push(SlaEvent::AgentReply { at: m.at })
            }
            _ => {}
        }
    }
    // A stable order by time; at one instant, the ticket's own changes before messages (the
    // order they were written in is the order given).
    events.sort_by_key(|e| e.at());
    SlaTimeline {
        created_at,
        status: initial_status,
        priority: initial_priority,
        events,
    }
}

/// The policies and compiled calendars of a workspace, read once and used for many tickets.
pub struct SlaBook {
    policies: Vec<SlaPolicy>,
    schedules: HashMap<String, Schedule>,
    /// For policies without a calendar (built once, not per ticket).
    always: Schedule,
}

impl SlaBook {
    /// Calendars that fail to compile (they were validated when saved, so only a corrupted
    /// document could) count as around the clock, like a calendar that is gone.
    pub fn new(policies: Vec<SlaPolicy>, calendars: &[BusinessCalendar]) -> Self {
        let schedules = calendars
            .iter()
            .filter_map(|c| Schedule::new(c).ok().map(|s| (c.id.clone(), s)))
            .collect();
        SlaBook {
            policies,
            schedules,
            always: Schedule::always_open(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// The policy that applies to a ticket with these facts.
    pub fn policy_for(&self, facts: &TicketFacts<'_>) -> Option<&SlaPolicy> {
        choose_policy(&self.policies, facts)
    }

    /// The business calendar of a policy: around the clock without a policy, without a
    /// calendar, or when its calendar is gone.
    pub fn schedule_of(&self, policy: Option<&SlaPolicy>) -> &Schedule {
        policy
            .and_then(|p| p.calendar_id.as_ref())
            .and_then(|id| self.schedules.get(id))
            .unwrap_or(&self.always)
    }

    /// The ticket's SLA, or `None` when no policy covers it.
    pub fn ticket_sla(&self, facts: &TicketFacts<'_>, timeline: &SlaTimeline) -> Option<TicketSla> {
        let policy = self.policy_for(facts)?;
        let schedule = self.schedule_of(Some(policy));
        let state = sla_deadlines(policy, schedule, timeline);
        let warning = policy.warning_minutes as i64 * MINUTE_MS;
        let mut due_at: Option<i64> = None;
        let mut warn_at: Option<i64> = None;
        for m in state.metrics() {
            let (due, warn) = match (m.phase, m.breached_at, m.deadline) {
                (SlaPhase::Running | SlaPhase::Paused, Some(b), _) => (b, b),
                // A warning longer than the target starts with the cycle, not before it.
                (SlaPhase::Running, None, Some(d)) => {
                    (d, (d - warning).max(m.started_at.unwrap_or(d)))
                }
                _ => continue,
            };
            due_at = Some(due_at.map_or(due, |x| x.min(due)));
            warn_at = Some(warn_at.map_or(warn, |x| x.min(warn)));
        }
        Some(TicketSla {
            policy_id: policy.id.clone(),
            policy_name: policy.name.clone(),
            warning_minutes: policy.warning_minutes,
            due_at,
            warn_at,
            state,
        })
    }
}
