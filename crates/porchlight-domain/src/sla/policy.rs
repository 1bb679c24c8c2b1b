//! SLA policies: which tickets they cover and the targets they promise.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::model::{Channel, Priority};
use crate::validate::{required_text, valid_tag, MAX_NAME};

/// Longest target: a year, in minutes.
pub const MAX_TARGET_MINUTES: u32 = 525_600;
/// Most values in one condition list.
pub const MAX_CONDITION_VALUES: usize = 200;

/// Which tickets a policy covers. Every non-empty list must match (an empty list matches any
/// ticket): priority in, group in, channel in, organization in, and at least one of the tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaConditions {
    #[serde(default)]
    pub priorities: Vec<Priority>,
    #[serde(default)]
    pub group_ids: Vec<String>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub organization_ids: Vec<String>,
    /// The ticket has at least one of these tags.
    #[serde(default)]
    pub tags_any: Vec<String>,
}

/// Targets in business minutes of the policy's calendar; `None` = not measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaTargets {
    pub first_response: Option<u32>,
    pub next_response: Option<u32>,
    pub resolution: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaTargetsByPriority {
    pub low: SlaTargets,
    pub normal: SlaTargets,
    pub high: SlaTargets,
    pub urgent: SlaTargets,
}

impl SlaTargetsByPriority {
    pub fn get(&self, p: Priority) -> &SlaTargets {
        match p {
            Priority::Low => &self.low,
            Priority::Normal => &self.normal,
            Priority::High => &self.high,
            Priority::Urgent => &self.urgent,
        }
    }
    pub fn get_mut(&mut self, p: Priority) -> &mut SlaTargets {
        match p {
            Priority::Low => &mut self.low,
            Priority::Normal => &mut self.normal,
            Priority::High => &mut self.high,
            Priority::Urgent => &mut self.urgent,
        }
    }
    /// The same targets for every priority.
    pub fn uniform(t: SlaTargets) -> Self {
        SlaTargetsByPriority {
            low: t,
            normal: t,
            high: t,
            urgent: t,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaPolicy {
    pub id: String,
    pub name: String,
    /// Policies are tried in ascending position (ties by id); the first that matches applies.
    #[ts(type = "number")]
    pub position: i64,
    #[serde(default)]
    pub conditions: SlaConditions,
    pub targets: SlaTargetsByPriority,
    /// The business calendar the targets count in; `None` = around the clock (24/7).
    pub calendar_id: Option<String>,
    /// A ticket is "at risk" this many real minutes before a deadline (0: only breaches show).
    #[serde(default = "default_warning_minutes")]
    pub warning_minutes: u32,
}

/// The warning a policy gets unless it says otherwise: an hour.
pub const DEFAULT_WARNING_MINUTES: u32 = 60;
/// Longest warning: a week.
pub const MAX_WARNING_MINUTES: u32 = 10_080;

fn default_warning_minutes() -> u32 {
    DEFAULT_WARNING_MINUTES
}

fn check_id(field: &str, id: &str) -> Result<String, DomainError> {
    let t = id.trim();
    if t.is_empty() {
        return Err(DomainError::empty(field));
    }
    if t.len() > 64 {
        return Err(DomainError::too_long(field, 64));
    }
    Ok(t.to_owned())
}

fn dedup<T: PartialEq>(v: &mut Vec<T>) {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v.drain(..) {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    *v = out;
}

impl SlaPolicy {
    /// The policy checked and tidied: ids and names trimmed, tags normalised like ticket tags,
    /// repeated condition values dropped. Refuses targets of zero or over a year and a policy
    /// with no target at all.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.id = check_id("id", &self.id)?;
        self.name = required_text("name", &self.name, MAX_NAME)?;
        let c = &mut self.conditions;
        for (field, ids) in [
            ("group_ids", &mut c.group_ids),
            ("organization_ids", &mut c.organization_ids),
        ] {
            for id in ids.iter_mut() {
                *id = check_id(field, id)?;
            }
            dedup(ids);
        }
        for t in c.tags_any.iter_mut() {
            *t = valid_tag(t)?;
        }
        dedup(&mut c.tags_any);
        dedup(&mut c.priorities);
        dedup(&mut c.channels);
        let lens = [
            ("priorities", c.priorities.len()),
            ("group_ids", c.group_ids.len()),
            ("channels", c.channels.len()),
            ("organization_ids", c.organization_ids.len()),
            ("tags_any", c.tags_any.len()),
        ];
        if let Some((field, _)) = lens.iter().find(|(_, n)| *n > MAX_CONDITION_VALUES) {
            return Err(DomainError::invalid(
                field,
                format!("A condition can list at most {MAX_CONDITION_VALUES} values."),
            ));
        }
        let mut any = false;
        for p in Priority::ALL {
            let t = self.targets.get(*p);
            for (metric, v) in [
                ("first_response", t.first_response),
                ("next_response", t.next_response),
                ("resolution", t.resolution),
            ] {
                if let Some(m) = v {
                    if m == 0 || m > MAX_TARGET_MINUTES {
                        return Err(DomainError::invalid(
                            &format!("targets.{}.{metric}", p.as_str()),
                            format!(
                                "The {} target for {} priority must be between 1 minute and {MAX_TARGET_MINUTES} minutes (a year).",
                                metric.replace('_', " "),
                                p.as_str()
                            ),
                        ));
                    }
                    any = true;
                }
            }
        }
        if !any {
            return Err(DomainError::invalid(
                "targets",
                "An SLA policy needs at least one target.",
            ));
        }
        if let Some(cal) = &self.calendar_id {
            self.calendar_id = Some(check_id("calendar_id", cal)?);
        }
        if self.warning_minutes > MAX_WARNING_MINUTES {
            return Err(DomainError::invalid(
                "warning_minutes",
                format!("The warning can start at most {MAX_WARNING_MINUTES} minutes (a week) before a deadline."),
            ));
        }
        Ok(self)
    }

    /// Whether every condition holds for the ticket.
    pub fn matches(&self, t: &TicketFacts) -> bool {
        let c = &self.conditions;
        (c.priorities.is_empty() || c.priorities.contains(&t.priority))
            && (c.channels.is_empty() || c.channels.contains(&t.channel))
            && (c.group_ids.is_empty()
                || t.group_id
                    .is_some_and(|g| c.group_ids.iter().any(|x| x == g)))
            && (c.organization_ids.is_empty()
                || t.organization_id
                    .is_some_and(|o| c.organization_ids.iter().any(|x| x == o)))
            && (c.tags_any.is_empty() || t.tags.iter().any(|tag| c.tags_any.contains(tag)))
    }
}

/// What policy selection looks at on a ticket.
#[derive(Debug, Clone, Copy)]
pub struct TicketFacts<'a> {
    pub priority: Priority,
    pub channel: Channel,
    pub group_id: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    /// Normalised tags (as stored on tickets).
    pub tags: &'a [String],
}

/// The policy that applies: the matching policy with the lowest position (ties by id), or
/// `None` when no policy matches.
pub fn choose_policy<'p>(policies: &'p [SlaPolicy], ticket: &TicketFacts) -> Option<&'p SlaPolicy> {
    policies
        .iter()
        .filter(|p| p.matches(ticket))
        .min_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)))
}
