//! Automation: triggers (on ticket create / update) and time-based rules (checked every
//! minute), with their conditions and actions. One engine, pure: it decides which rules fire
//! and what they do as ordinary [`Mutation`]s (applied by the caller under the rule's name,
//! so the audit timeline reads "Rule <name> set …"), plus notifications and macro replies
//! the caller resolves. The desktop runs it in standalone mode, the server in team mode, so
//! every rule fires exactly once.
//!
//! Loop protection: during one ticket event each rule fires at most once; rules are
//! re-checked after every firing (a rule's change may make another match, as in Zendesk),
//! against the ticket as the earlier rules left it, and "changed" conditions compare with
//! the ticket before the event. A time rule must undo its own match (one of its actions
//! changes a field its conditions test) or it would fire every minute: such rules are
//! refused by [`Rule::validated`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::macros::string_enum;
use crate::model::{AuthorKind, Channel, MessageKind, Priority, TicketStatus, TicketType};
use crate::mutation::{Mutation, TicketFieldChanges};
use crate::records::TicketDoc;
use crate::validate::valid_tag;

pub const MAX_RULE_NAME: usize = 120;
pub const MAX_CONDITIONS: usize = 30;
pub const MAX_ACTIONS: usize = 20;
pub const MAX_NOTE: usize = 10_000;

string_enum!(
    /// When a rule is checked.
    RuleTrigger { Created => "created", Updated => "updated", CreatedOrUpdated => "created_or_updated", Time => "time" }
);
string_enum!(
    /// Whether every condition or any one of them must hold.
    MatchMode { All => "all", Any => "any" }
);
string_enum!(
    /// What a condition looks at. `author_kind`: who wrote the message that caused the
    /// event (agent, customer, system); `satisfaction`: the customer's satisfaction answer
    /// (3 good, 2 okay, 1 bad; empty: not rated), "changed to" an answer given in the event.
    RuleField {
        Status => "status", Priority => "priority", TicketType => "ticket_type", Channel => "channel",
        Group => "group", Assignee => "assignee", Requester => "requester", Organization => "organization",
        Tags => "tags", Subject => "subject", Language => "language",
        AuthorKind => "author_kind", Satisfaction => "satisfaction",
        WithinBusinessHours => "within_business_hours",
        HoursSinceCreated => "hours_since_created", HoursSinceUpdated => "hours_since_updated",
        HoursInStatus => "hours_in_status", HoursSinceAssigned => "hours_since_assigned",
    }
);
string_enum!(
    RuleOp {
        Is => "is", IsNot => "is_not", Contains => "contains", NotContains => "not_contains",
        Changed => "changed", ChangedTo => "changed_to", ChangedFrom => "changed_from", NotChanged => "not_changed",
        GreaterThan => "greater_than", LessThan => "less_than",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleCondition {
    pub field: RuleField,
    pub op: RuleOp,
    /// The compared value as text: a status name, an agent/group/customer/organization id
    /// (empty: none), a tag, words, `true`/`false`, or a number of hours.
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum RuleAction {
    SetStatus {
        status: TicketStatus,
    },
    SetPriority {
        priority: Priority,
    },
    SetType {
        ticket_type: TicketType,
    },
    SetGroup {
        group_id: Option<String>,
    },
    SetAssignee {
        agent_id: Option<String>,
    },
    /// The group's next agent in turn.
    AssignRoundRobin {
        group_id: String,
    },
    /// The group's agent with the fewest open tickets.
    AssignFewestOpen {
        group_id: String,
    },
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    AddNote {
        text: String,
    },
    ReplyWithMacro {
        macro_id: String,
    },
    NotifyAgents {
        agent_ids: Vec<String>,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// Order of evaluation, ascending.
    #[ts(type = "number")]
    pub position: i64,
    pub active: bool,
    pub trigger: RuleTrigger,
    pub match_mode: MatchMode,
    pub conditions: Vec<RuleCondition>,
    pub actions: Vec<RuleAction>,
}

/// What a rule sees of a ticket. `before` is the ticket before the event (`None` for a new
/// ticket and for time rules).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketFacts {
    pub ticket: TicketDoc,
    pub organization_id: Option<String>,
    /// When the status last changed (UTC ms).
    pub status_since: i64,
    /// When the ticket was last assigned (UTC ms), if ever.
    pub assigned_at: Option<i64>,
    /// Whether the event happened within the ticket's business hours (the caller asks the
    /// SLA calendar).
    pub within_business_hours: bool,
    /// The customer's satisfaction answer on the ticket (1–3), if any.
    pub satisfaction: Option<i64>,
}

/// The event a trigger run is about.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleEvent<'a> {
    pub kind: RuleTrigger,
    pub before: Option<&'a TicketDoc>,
    /// Author of the message that caused the event, when one did.
    pub author: Option<AuthorKind>,
    /// The satisfaction answer the customer gave in this event, when they gave one.
    pub rated: Option<i64>,
    pub now: i64,
}

/// What the engine asks of its caller.
pub trait RuleEnv {
    /// The agent whose turn it is in a group (and advances the turn); `None`: nobody.
    fn round_robin(&mut self, group_id: &str) -> Option<String>;
    /// The active agent of a group with the fewest open tickets; `None`: nobody.
    fn fewest_open(&mut self, group_id: &str) -> Option<String>;
    /// A macro's reply text for this ticket, placeholders filled; `None`: no such macro.
    fn macro_reply(&mut self, macro_id: &str, ticket: &TicketDoc) -> Option<String>;
    fn new_id(&mut self) -> String;
}

/// One effect of a rule.
#[derive(Debug, Clone, PartialEq)]
// Effects live only until the caller applies them; boxing would cost more than it saves.
#[allow(clippy::large_enum_variant)]
pub enum RuleEffect {
    /// Apply as this rule (actor "Rule <name>").
    Mutate(Mutation),
    /// Tell these agents (native notification, notification center).
    Notify {
        agent_ids: Vec<String>,
        text: String,
    },
}

/// A rule that fired and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub rule_id: String,
    pub rule_name: String,
    pub effects: Vec<RuleEffect>,
}

impl Rule {
    /// Checks names, limits, each condition's value against its field and operator, the
    /// actions, and that a time rule cannot fire again and again.
    pub fn validated(mut self) -> Result<Rule, DomainError> {
        self.name = crate::validate::required_text("name", &self.name, MAX_RULE_NAME)?;
        if self.conditions.is_empty() {
            return Err(DomainError::invalid(
                "conditions",
                "A rule needs at least one condition.",
            ));
        }
        if self.conditions.len() > MAX_CONDITIONS {
            return Err(DomainError::too_long("conditions", MAX_CONDITIONS));
        }
        if self.actions.is_empty() {
            return Err(DomainError::invalid(
                "actions",
                "A rule needs at least one action.",
            ));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(DomainError::too_long("actions", MAX_ACTIONS));
        }
        for c in &mut self.conditions {
            validate_condition(c, self.trigger)?;
        }
        for a in &mut self.actions {
            validate_action(a)?;
        }
        if self.trigger == RuleTrigger::Time && !self.undoes_own_match() {
            return Err(DomainError::invalid(
                "actions",
                "A time rule must change something its conditions check (for example: \
                 conditions \"status is pending\", action \"set status to solved\"), or it \
                 would run again every minute.",
            ));
        }
        Ok(self)
    }

    fn undoes_own_match(&self) -> bool {
        self.actions.iter().any(|a| {
            let changes = match a {
                RuleAction::SetStatus { .. } => Some(RuleField::Status),
                RuleAction::SetPriority { .. } => Some(RuleField::Priority),
                RuleAction::SetType { .. } => Some(RuleField::TicketType),
                RuleAction::SetGroup { .. } => Some(RuleField::Group),
                RuleAction::SetAssignee { .. }
                | RuleAction::AssignRoundRobin { .. }
                | RuleAction::AssignFewestOpen { .. } => Some(RuleField::Assignee),
                RuleAction::AddTags { .. } | RuleAction::RemoveTags { .. } => Some(RuleField::Tags),
                _ => None,
            };
            changes.is_some_and(|f| self.conditions.iter().any(|c| c.field == f))
        })
    }

    fn runs_on(&self, kind: RuleTrigger) -> bool {
        self.active
            && match (self.trigger, kind) {
                (RuleTrigger::CreatedOrUpdated, RuleTrigger::Created | RuleTrigger::Updated) => {
                    true
                }
                (t, k) => t == k,
            }
    }

    /// Whether the rule's conditions hold for the ticket in this event.
    pub fn matches(&self, facts: &TicketFacts, event: &RuleEvent<'_>) -> bool {
        let mut results = self.conditions.iter().map(|c| holds(c, facts, event));
        match self.match_mode {
            MatchMode::All => results.all(|r| r),
            MatchMode::Any => results.any(|r| r),
        }
    }
}

/// The operators a condition on `field` may use (the editor offers only these).
pub fn operators_for(field: RuleField) -> &'static [RuleOp] {
    use RuleOp::*;
    match field {
        RuleField::Status
        | RuleField::TicketType
        | RuleField::Channel
        | RuleField::Group
        | RuleField::Assignee
        | RuleField::Requester
        | RuleField::Organization
        | RuleField::Language => &[Is, IsNot, Changed, ChangedTo, ChangedFrom, NotChanged],
        RuleField::Priority => &[
            Is,
            IsNot,
            Changed,
            ChangedTo,
            ChangedFrom,
            NotChanged,
            GreaterThan,
            LessThan,
        ],
        RuleField::Tags => &[Contains, NotContains],
        RuleField::Subject => &[Is, Contains, NotContains, Changed],
        RuleField::AuthorKind | RuleField::WithinBusinessHours => &[Is, IsNot],
        RuleField::Satisfaction => &[Is, IsNot, ChangedTo],
        RuleField::HoursSinceCreated
        | RuleField::HoursSinceUpdated
        | RuleField::HoursInStatus
        | RuleField::HoursSinceAssigned => &[GreaterThan, LessThan],
    }
}

fn validate_condition(c: &mut RuleCondition, trigger: RuleTrigger) -> Result<(), DomainError> {
    let allowed = operators_for(c.field);
    if !allowed.contains(&c.op) {
        return Err(DomainError::invalid(
            "conditions",
            format!(
                "\"{}\" cannot be compared with \"{}\"; use one of: {}.",
                c.field.as_str().replace('_', " "),
                c.op.as_str().replace('_', " "),
                allowed
                    .iter()
                    .map(|o| o.as_str().replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let is_change = matches!(
        c.op,
        RuleOp::Changed | RuleOp::ChangedTo | RuleOp::ChangedFrom | RuleOp::NotChanged
    );
    if is_change && trigger == RuleTrigger::Time {
        return Err(DomainError::invalid(
            "conditions",
            "Time rules look at tickets as they are; \"changed\" conditions belong to triggers.",
        ));
    }
    if matches!(c.op, RuleOp::Changed | RuleOp::NotChanged) {
        c.value.clear();
        return Ok(());
    }
    c.value = c.value.trim().to_string();
    let v = c.value.as_str();
    match c.field {
        RuleField::Status => {
            TicketStatus::parse("value", v)?;
        }
        RuleField::Priority => {
            Priority::parse("value", v)?;
        }
        RuleField::TicketType => {
            TicketType::parse("value", v)?;
        }
        RuleField::Channel => {
            Channel::parse("value", v)?;
        }
        RuleField::AuthorKind => {
            AuthorKind::parse("value", v)?;
        }
        RuleField::Satisfaction => {
            let score = v.parse::<i64>().ok();
            let scale = crate::survey::SurveyKind::Csat.scores();
            let fits = score.is_some_and(|s| scale.contains(&s))
                || (v.is_empty() && c.op != RuleOp::ChangedTo);
            if !fits {
                return Err(DomainError::invalid(
                    "value",
                    "Give a satisfaction answer: 3 (good), 2 (okay) or 1 (bad); \"is\" and \
                     \"is not\" also take none (not rated).",
                ));
            }
        }
        RuleField::WithinBusinessHours => {
            if v != "true" && v != "false" {
                return Err(DomainError::invalid("value", "Use true or false."));
            }
        }
        RuleField::HoursSinceCreated
        | RuleField::HoursSinceUpdated
        | RuleField::HoursInStatus
        | RuleField::HoursSinceAssigned => {
            if !v.parse::<u32>().is_ok_and(|h| h <= 24 * 365) {
                return Err(DomainError::invalid(
                    "value",
                    "Give a whole number of hours between 0 and 8760.",
                ));
            }
        }
        RuleField::Tags => c.value = valid_tag(v)?,
        RuleField::Subject => {
            if v.is_empty() {
                return Err(DomainError::empty("value"));
            }
            c.value = v.to_lowercase();
        }
        RuleField::Group
        | RuleField::Assignee
        | RuleField::Requester
        | RuleField::Organization
        | RuleField::Language => {}
    }
    Ok(())
}

fn validate_action(a: &mut RuleAction) -> Result<(), DomainError> {
    match a {
        RuleAction::AddTags { tags } | RuleAction::RemoveTags { tags } => {
            if tags.is_empty() {
                return Err(DomainError::empty("tags"));
            }
            *tags = tags
                .iter()
                .map(|t| valid_tag(t))
                .collect::<Result<_, _>>()?;
        }
        RuleAction::AddNote { text } => {
            *text = crate::validate::required_text("note", text, MAX_NOTE)?;
        }
        RuleAction::NotifyAgents { agent_ids, text } => {
            if agent_ids.is_empty() {
                return Err(DomainError::empty("agent_ids"));
            }
            *text = crate::validate::required_text("text", text, MAX_NOTE)?;
        }
        RuleAction::AssignRoundRobin { group_id } | RuleAction::AssignFewestOpen { group_id } => {
            if group_id.trim().is_empty() {
                return Err(DomainError::empty("group_id"));
            }
        }
        RuleAction::ReplyWithMacro { macro_id } => {
            if macro_id.trim().is_empty() {
                return Err(DomainError::empty("macro_id"));
            }
        }
        RuleAction::SetStatus { .. }
        | RuleAction::SetPriority { .. }
        | RuleAction::SetType { .. }
        | RuleAction::SetGroup { .. }
        | RuleAction::SetAssignee { .. } => {}
    }
    Ok(())
}

/// A field's value as text (`None`: unset), the form conditions compare with.
fn value_of(field: RuleField, t: &TicketDoc, facts: Option<&TicketFacts>) -> Option<String> {
    match field {
        RuleField::Status => Some(t.status.as_str().into()),
        RuleField::Priority => Some(t.priority.as_str().into()),
        RuleField::TicketType => Some(t.ticket_type.as_str().into()),
        RuleField::Channel => Some(t.channel.as_str().into()),
        RuleField::Group => t.group_id.clone(),
        RuleField::Assignee => t.assignee_id.clone(),
        RuleField::Requester => Some(t.requester_id.clone()),
        RuleField::Organization => facts.and_then(|f| f.organization_id.clone()),
        RuleField::Language => Some(t.language.clone()),
        RuleField::Subject => Some(t.subject.to_lowercase()),
        _ => None,
    }
}

fn hours(ms: i64) -> i64 {
    ms.max(0) / 3_600_000
}

fn holds(c: &RuleCondition, facts: &TicketFacts, event: &RuleEvent<'_>) -> bool {
    let t = &facts.ticket;
    let v = c.value.as_str();
    let number = || v.parse::<i64>().unwrap_or(0);
    let compare = |have: i64| match c.op {
        RuleOp::GreaterThan => have > number(),
        RuleOp::LessThan => have < number(),
        _ => false,
    };
    match c.field {
        RuleField::Tags => {
            let has = t.tags.iter().any(|g| g == v);
            return if c.op == RuleOp::Contains { has } else { !has };
        }
        RuleField::AuthorKind => {
            let is = event.author.is_some_and(|a| a.as_str() == v);
            return if c.op == RuleOp::Is { is } else { !is };
        }
        RuleField::WithinBusinessHours => {
            let is = facts.within_business_hours == (v == "true");
            return if c.op == RuleOp::Is { is } else { !is };
        }
        RuleField::Satisfaction => {
            let wanted = v.parse::<i64>().ok();
            return match c.op {
                RuleOp::Is => facts.satisfaction == wanted,
                RuleOp::IsNot => facts.satisfaction != wanted,
                _ => event.rated.is_some() && event.rated == wanted,
            };
        }
        RuleField::HoursSinceCreated => return compare(hours(event.now - t.created_at)),
        RuleField::HoursSinceUpdated => return compare(hours(event.now - t.updated_at)),
        RuleField::HoursInStatus => return compare(hours(event.now - facts.status_since)),
        RuleField::HoursSinceAssigned => {
            return facts
                .assigned_at
                .is_some_and(|at| t.assignee_id.is_some() && compare(hours(event.now - at)))
        }
        RuleField::Priority if matches!(c.op, RuleOp::GreaterThan | RuleOp::LessThan) => {
            let want = Priority::parse("value", v).map_or(0, |p| p.rank());
            return match c.op {
                RuleOp::GreaterThan => t.priority.rank() > want,
                _ => t.priority.rank() < want,
            };
        }
        _ => {}
    }
    let now = value_of(c.field, t, Some(facts));
    // A new ticket "changed" every field it has; time rules never see changes.
    let before = match (event.kind, event.before) {
        (_, Some(b)) => Some(value_of(c.field, b, None)),
        (RuleTrigger::Created, None) => Some(None),
        _ => None,
    };
    let before = if c.field == RuleField::Organization {
        // The organization is not on the ticket: it changes with the requester.
        match (event.before, before) {
            (Some(b), _) if b.requester_id == t.requester_id => Some(now.clone()),
            (_, b) => b,
        }
    } else {
        before
    };
    let changed = before.as_ref().is_some_and(|b| *b != now);
    let wanted = (!v.is_empty()).then(|| v.to_string());
    match c.op {
        RuleOp::Is => now == wanted,
        RuleOp::IsNot => now != wanted,
        RuleOp::Contains => now.is_some_and(|s| s.contains(v)),
        RuleOp::NotContains => !now.is_some_and(|s| s.contains(v)),
        RuleOp::Changed => changed,
        RuleOp::NotChanged => !changed,
        RuleOp::ChangedTo => changed && now == wanted,
        RuleOp::ChangedFrom => changed && before.is_some_and(|b| b == wanted),
        RuleOp::GreaterThan | RuleOp::LessThan => false,
    }
}

/// The effects of one rule's actions on `ticket`, which is updated as the actions would
/// change it (so later rules see the result).
fn effects_of(rule: &Rule, ticket: &mut TicketDoc, env: &mut dyn RuleEnv) -> Vec<RuleEffect> {
    let mut out = Vec::new();
    let mut fields = TicketFieldChanges::default();
    let mut touched = false;
    for a in &rule.actions {
        match a {
            RuleAction::SetStatus { status } if ticket.status != *status => {
                ticket.status = *status;
                fields.status = Some(*status);
                touched = true;
            }
            RuleAction::SetPriority { priority } if ticket.priority != *priority => {
                ticket.priority = *priority;
                fields.priority = Some(*priority);
                touched = true;
            }
            RuleAction::SetType { ticket_type } if ticket.ticket_type != *ticket_type => {
                ticket.ticket_type = *ticket_type;
                fields.ticket_type = Some(*ticket_type);
                touched = true;
            }
            RuleAction::SetGroup { group_id } if ticket.group_id != *group_id => {
                ticket.group_id = group_id.clone();
                fields.group_id = Some(group_id.clone());
                touched = true;
            }
            RuleAction::SetAssignee { agent_id } if ticket.assignee_id != *agent_id => {
                ticket.assignee_id = agent_id.clone();
                fields.assignee_id = Some(agent_id.clone());
                touched = true;
            }
            RuleAction::AssignRoundRobin { group_id }
            | RuleAction::AssignFewestOpen { group_id } => {
                let pick = match a {
                    RuleAction::AssignRoundRobin { .. } => env.round_robin(group_id),
                    _ => env.fewest_open(group_id),
                };
                if let Some(agent) = pick.filter(|p| ticket.assignee_id.as_ref() != Some(p)) {
                    ticket.assignee_id = Some(agent.clone());
                    fields.assignee_id = Some(Some(agent));
                    touched = true;
                }
            }
            RuleAction::AddTags { tags } => {
                for tag in tags {
                    if !ticket.tags.contains(tag) {
                        ticket.tags.push(tag.clone());
                        ticket.tags.sort();
                        out.push(RuleEffect::Mutate(Mutation::AddTag {
                            ticket_id: ticket.id.clone(),
                            tag: tag.clone(),
                        }));
                    }
                }
            }
            RuleAction::RemoveTags { tags } => {
                for tag in tags {
                    if let Some(i) = ticket.tags.iter().position(|g| g == tag) {
                        ticket.tags.remove(i);
                        out.push(RuleEffect::Mutate(Mutation::RemoveTag {
                            ticket_id: ticket.id.clone(),
                            tag: tag.clone(),
                        }));
                    }
                }
            }
            RuleAction::AddNote { text } => out.push(message(env, ticket, MessageKind::Note, text)),
            RuleAction::ReplyWithMacro { macro_id } => {
                if let Some(text) = env.macro_reply(macro_id, ticket) {
                    out.push(message(env, ticket, MessageKind::Reply, &text));
                }
            }
            RuleAction::NotifyAgents { agent_ids, text } => out.push(RuleEffect::Notify {
                agent_ids: agent_ids.clone(),
                text: text.clone(),
            }),
            _ => {}
        }
    }
    if touched {
        out.insert(
            0,
            RuleEffect::Mutate(Mutation::SetTicketFields {
                ticket_id: ticket.id.clone(),
                changes: fields,
            }),
        );
    }
    out
}

fn message(env: &mut dyn RuleEnv, t: &TicketDoc, kind: MessageKind, text: &str) -> RuleEffect {
    RuleEffect::Mutate(Mutation::AddMessage {
        message_id: env.new_id(),
        ticket_id: t.id.clone(),
        kind,
        from_customer: false,
        body_text: text.to_string(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    })
}

/// Runs the triggers for one ticket event: in position order, each rule at most once,
/// re-checking after every firing until a pass fires nothing. Returns what fired, in order.
/// The caller applies each rule's mutations as that rule and does not run triggers for
/// them again (that is this loop's job).
pub fn run_triggers(
    rules: &[Rule],
    facts: &TicketFacts,
    event: &RuleEvent<'_>,
    env: &mut dyn RuleEnv,
) -> Vec<Fired> {
    let mut order: Vec<&Rule> = rules.iter().filter(|r| r.runs_on(event.kind)).collect();
    order.sort_by_key(|r| (r.position, r.id.clone()));
    let mut facts = facts.clone();
    let mut fired: Vec<Fired> = Vec::new();
    loop {
        let mut any = false;
        for rule in &order {
            if fired.iter().any(|f| f.rule_id == rule.id) || !rule.matches(&facts, event) {
                continue;
            }
            let effects = effects_of(rule, &mut facts.ticket, env);
            any = true;
            fired.push(Fired {
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                effects,
            });
        }
        if !any {
            return fired;
        }
    }
}

/// Runs the time rules over one ticket (the every-minute pass calls this per open ticket).
pub fn run_time_rules(
    rules: &[Rule],
    facts: &TicketFacts,
    now: i64,
    env: &mut dyn RuleEnv,
) -> Vec<Fired> {
    let event = RuleEvent {
        kind: RuleTrigger::Time,
        before: None,
        author: None,
        rated: None,
        now,
    };
    run_triggers(rules, facts, &event, env)
}

/// The ticket a change is about and the kind of event it is for the rules: creating a ticket,
/// a message (with its author), or a change of fields or tags. Other changes run no rules.
pub fn event_of(m: &Mutation) -> Option<(&str, RuleTrigger, Option<AuthorKind>)> {
    match m {
        Mutation::CreateTicket { ticket_id, .. } => {
            Some((ticket_id, RuleTrigger::Created, Some(AuthorKind::Customer)))
        }
        Mutation::AddMessage {
            ticket_id,
            from_customer,
            ..
        } => Some((
            ticket_id,
            RuleTrigger::Updated,
            Some(if *from_customer {
                AuthorKind::Customer
            } else {
                AuthorKind::Agent
            }),
        )),
        Mutation::SetTicketFields { ticket_id, .. }
        | Mutation::AddTag { ticket_id, .. }
        | Mutation::RemoveTag { ticket_id, .. } => Some((ticket_id, RuleTrigger::Updated, None)),
        Mutation::RateTicket { ticket_id, .. } => {
            Some((ticket_id, RuleTrigger::Updated, Some(AuthorKind::Customer)))
        }
        _ => None,
    }
}

/// The actor id a rule's changes carry (never an agent's id).
pub fn rule_actor_id(rule_id: &str) -> String {
    format!("rule:{rule_id}")
}

/// Who an action taken by a rule is attributed to in the audit timeline.
pub fn rule_actor_name(rule_name: &str) -> String {
    format!("Rule {rule_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Env {
        turn: usize,
        members: Vec<&'static str>,
        load: Vec<(&'static str, usize)>,
        ids: usize,
    }

    impl RuleEnv for Env {
        fn round_robin(&mut self, _group: &str) -> Option<String> {
            let a = self.members.get(self.turn % self.members.len().max(1))?;
            self.turn += 1;
            Some(a.to_string())
        }
        fn fewest_open(&mut self, _group: &str) -> Option<String> {
            self.load
                .iter()
                .min_by_key(|(_, n)| *n)
                .map(|(a, _)| a.to_string())
        }
        fn macro_reply(&mut self, macro_id: &str, t: &TicketDoc) -> Option<String> {
            (macro_id == "thanks")
                .then(|| format!("Thanks, we got ticket #{}.", t.number.unwrap_or(0)))
        }
        fn new_id(&mut self) -> String {
            self.ids += 1;
            format!("m{}", self.ids)
        }
    }

    fn env() -> Env {
        Env {
            turn: 0,
            members: vec!["a1", "a2"],
            load: vec![("a1", 5), ("a2", 2)],
            ids: 0,
        }
    }

    const H: i64 = 3_600_000;

    fn ticket() -> TicketDoc {
        TicketDoc {
            id: "t1".into(),
            number: Some(1001),
            subject: "Refund for my ORDER".into(),
            status: TicketStatus::New,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            channel: Channel::Email,
            requester_id: "c1".into(),
            assignee_id: None,
            group_id: None,
            tags: vec!["vip".into()],
            language: "en".into(),
            preview: String::new(),
            message_count: 1,
            created_at: 0,
            updated_at: 0,
            first_response_at: None,
            last_customer_message_at: Some(0),
            last_agent_reply_at: None,
            solved_at: None,
            reopen_count: 0,
            merged_into_id: None,
            deleted_at: None,
            version: 1,
        }
    }

    fn facts(t: TicketDoc) -> TicketFacts {
        TicketFacts {
            ticket: t,
            organization_id: Some("o1".into()),
            status_since: 0,
            assigned_at: None,
            within_business_hours: true,
            satisfaction: None,
        }
    }

    fn cond(field: RuleField, op: RuleOp, value: &str) -> RuleCondition {
        RuleCondition {
            field,
            op,
            value: value.into(),
        }
    }

    fn rule(
        id: &str,
        trigger: RuleTrigger,
        conditions: Vec<RuleCondition>,
        actions: Vec<RuleAction>,
    ) -> Rule {
        Rule {
            id: id.into(),
            name: format!("R {id}"),
            position: id.trim_start_matches('r').parse().unwrap_or(0),
            active: true,
            trigger,
            match_mode: MatchMode::All,
            conditions,
            actions,
        }
        .validated()
        .unwrap()
    }

    fn created(now: i64) -> RuleEvent<'static> {
        RuleEvent {
            kind: RuleTrigger::Created,
            before: None,
            author: Some(AuthorKind::Customer),
            rated: None,
            now,
        }
    }

    fn fires(r: &Rule, f: &TicketFacts, e: &RuleEvent<'_>) -> bool {
        r.matches(f, e)
    }

    #[test]
    fn every_operator() {
        use RuleField as F;
        use RuleOp as O;
        let t = ticket();
        let f = facts(t.clone());
        let e = created(5 * H);
        let mut before = t.clone();
        before.priority = Priority::Low;
        before.assignee_id = Some("a9".into());
        let upd = RuleEvent {
            kind: RuleTrigger::Updated,
            before: Some(&before),
            author: Some(AuthorKind::Agent),
            rated: None,
            now: 5 * H,
        };
        let trig = |c: RuleCondition| {
            rule(
                "r1",
                RuleTrigger::CreatedOrUpdated,
                vec![c],
                vec![RuleAction::AddNote { text: "x".into() }],
            )
        };
        let timed = |c: RuleCondition| {
            rule(
                "r1",
                RuleTrigger::Time,
                vec![c, cond(F::Status, O::Is, "new")],
                vec![RuleAction::SetStatus {
                    status: TicketStatus::Open,
                }],
            )
        };
        let cases: Vec<(Rule, &RuleEvent<'_>, bool)> = vec![
            (trig(cond(F::Status, O::Is, "new")), &e, true),
            (trig(cond(F::Status, O::IsNot, "new")), &e, false),
            (trig(cond(F::Subject, O::Contains, "Refund")), &e, true),
            (trig(cond(F::Subject, O::NotContains, "invoice")), &e, true),
            (trig(cond(F::Tags, O::Contains, "VIP")), &e, true),
            (trig(cond(F::Tags, O::NotContains, "vip")), &e, false),
            (trig(cond(F::Priority, O::Changed, "")), &upd, true),
            (trig(cond(F::Status, O::Changed, "")), &upd, false),
            (trig(cond(F::Status, O::NotChanged, "")), &upd, true),
            (trig(cond(F::Priority, O::ChangedTo, "normal")), &upd, true),
            (trig(cond(F::Priority, O::ChangedTo, "high")), &upd, false),
            (trig(cond(F::Priority, O::ChangedFrom, "low")), &upd, true),
            (trig(cond(F::Assignee, O::ChangedFrom, "a9")), &upd, true),
            (trig(cond(F::Assignee, O::Is, "")), &upd, true),
            (trig(cond(F::Priority, O::GreaterThan, "low")), &e, true),
            (trig(cond(F::Priority, O::LessThan, "normal")), &e, false),
            (trig(cond(F::Channel, O::Is, "email")), &e, true),
            (trig(cond(F::Organization, O::Is, "o1")), &e, true),
            (trig(cond(F::Organization, O::Changed, "")), &upd, false),
            (trig(cond(F::Requester, O::IsNot, "c2")), &e, true),
            (trig(cond(F::AuthorKind, O::Is, "customer")), &e, true),
            (trig(cond(F::AuthorKind, O::Is, "customer")), &upd, false),
            (trig(cond(F::WithinBusinessHours, O::Is, "true")), &e, true),
            (
                trig(cond(F::WithinBusinessHours, O::IsNot, "true")),
                &e,
                false,
            ),
            (trig(cond(F::Language, O::Is, "en")), &e, true),
            // A new ticket changed every field it has.
            (trig(cond(F::Status, O::ChangedTo, "new")), &e, true),
            (
                timed(cond(F::HoursSinceCreated, O::GreaterThan, "4")),
                &e,
                true,
            ),
            (
                timed(cond(F::HoursSinceCreated, O::GreaterThan, "5")),
                &e,
                false,
            ),
            (
                timed(cond(F::HoursSinceUpdated, O::LessThan, "6")),
                &e,
                true,
            ),
            (timed(cond(F::HoursInStatus, O::GreaterThan, "2")), &e, true),
            (
                timed(cond(F::HoursSinceAssigned, O::GreaterThan, "1")),
                &e,
                false,
            ),
        ];
        for (i, (r, ev, want)) in cases.iter().enumerate() {
            assert_eq!(fires(r, &f, ev), *want, "case {i}: {:?}", r.conditions[0]);
        }
        // Any: one suffices.
        let mut any = trig(cond(F::Status, O::Is, "solved"));
        any.conditions.push(cond(F::Channel, O::Is, "email"));
        assert!(!any.matches(&f, &e));
        any.match_mode = MatchMode::Any;
        assert!(any.matches(&f, &e));
    }

    #[test]
    fn every_action_becomes_mutations_and_notifications() {
        let r = rule(
            "r1",
            RuleTrigger::Created,
            vec![cond(RuleField::Status, RuleOp::Is, "new")],
            vec![
                RuleAction::SetStatus {
                    status: TicketStatus::Open,
                },
                RuleAction::SetPriority {
                    priority: Priority::High,
                },
                RuleAction::SetType {
                    ticket_type: TicketType::Incident,
                },
                RuleAction::SetGroup {
                    group_id: Some("g1".into()),
                },
                RuleAction::AssignFewestOpen {
                    group_id: "g1".into(),
                },
                RuleAction::AddTags {
                    tags: vec!["Refund".into(), "vip".into()],
                },
                RuleAction::RemoveTags {
                    tags: vec!["vip".into()],
                },
                RuleAction::AddNote {
                    text: "Routed by rule".into(),
                },
                RuleAction::ReplyWithMacro {
                    macro_id: "thanks".into(),
                },
                RuleAction::ReplyWithMacro {
                    macro_id: "missing".into(),
                },
                RuleAction::NotifyAgents {
                    agent_ids: vec!["a1".into()],
                    text: "New refund".into(),
                },
            ],
        );
        let fired = run_triggers(&[r], &facts(ticket()), &created(0), &mut env());
        assert_eq!(fired.len(), 1);
        let fx = &fired[0].effects;
        assert_eq!(
            fx[0],
            RuleEffect::Mutate(Mutation::SetTicketFields {
                ticket_id: "t1".into(),
                changes: TicketFieldChanges {
                    status: Some(TicketStatus::Open),
                    priority: Some(Priority::High),
                    ticket_type: Some(TicketType::Incident),
                    group_id: Some(Some("g1".into())),
                    assignee_id: Some(Some("a2".into())),
                    ..Default::default()
                },
            })
        );
        assert_eq!(
            fx[1],
            RuleEffect::Mutate(Mutation::AddTag {
                ticket_id: "t1".into(),
                tag: "refund".into()
            })
        );
        assert_eq!(
            fx[2],
            RuleEffect::Mutate(Mutation::RemoveTag {
                ticket_id: "t1".into(),
                tag: "vip".into()
            })
        );
        match (&fx[3], &fx[4]) {
            (
                RuleEffect::Mutate(Mutation::AddMessage {
                    kind: MessageKind::Note,
                    body_text: note,
                    ..
                }),
                RuleEffect::Mutate(Mutation::AddMessage {
                    kind: MessageKind::Reply,
                    body_text: reply,
                    ..
                }),
            ) => {
                assert_eq!(note, "Routed by rule");
                assert_eq!(reply, "Thanks, we got ticket #1001.");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            fx[5],
            RuleEffect::Notify {
                agent_ids: vec!["a1".into()],
                text: "New refund".into()
            }
        );
        assert_eq!(fx.len(), 6, "an unknown macro sends nothing");

        // Round robin takes turns.
        let rr = rule(
            "r2",
            RuleTrigger::Created,
            vec![cond(RuleField::Assignee, RuleOp::Is, "")],
            vec![RuleAction::AssignRoundRobin {
                group_id: "g1".into(),
            }],
        );
        let mut e = env();
        let first = run_triggers(
            std::slice::from_ref(&rr),
            &facts(ticket()),
            &created(0),
            &mut e,
        );
        let second = run_triggers(&[rr], &facts(ticket()), &created(0), &mut e);
        let who = |f: &[Fired]| match &f[0].effects[0] {
            RuleEffect::Mutate(Mutation::SetTicketFields { changes, .. }) => {
                changes.assignee_id.clone()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (who(&first), who(&second)),
            (Some(Some("a1".into())), Some(Some("a2".into())))
        );
    }

    #[test]
    fn a_rule_that_would_retrigger_itself_fires_once_and_chains_are_followed() {
        // Adds a tag whenever the ticket has a tag: would loop forever without protection.
        let greedy = rule(
            "r1",
            RuleTrigger::CreatedOrUpdated,
            vec![cond(RuleField::Tags, RuleOp::Contains, "vip")],
            vec![
                RuleAction::AddTags {
                    tags: vec!["seen".into()],
                },
                RuleAction::AddNote {
                    text: "VIP!".into(),
                },
            ],
        );
        // Fires only after r3 changed the priority: the loop re-checks earlier rules.
        let after = rule(
            "r2",
            RuleTrigger::CreatedOrUpdated,
            vec![cond(RuleField::Priority, RuleOp::Is, "urgent")],
            vec![RuleAction::SetGroup {
                group_id: Some("escalations".into()),
            }],
        );
        let escalate = rule(
            "r3",
            RuleTrigger::CreatedOrUpdated,
            vec![cond(RuleField::Tags, RuleOp::Contains, "seen")],
            vec![RuleAction::SetPriority {
                priority: Priority::Urgent,
            }],
        );
        let inactive = Rule {
            active: false,
            ..rule(
                "r4",
                RuleTrigger::Created,
                vec![cond(RuleField::Status, RuleOp::Is, "new")],
                vec![RuleAction::AddNote {
                    text: "never".into(),
                }],
            )
        };
        let fired = run_triggers(
            &[escalate, after, greedy, inactive],
            &facts(ticket()),
            &created(0),
            &mut env(),
        );
        assert_eq!(
            fired.iter().map(|f| f.rule_id.as_str()).collect::<Vec<_>>(),
            ["r1", "r3", "r2"]
        );
        // Updated-only rules do not run on creation.
        let upd = rule(
            "r5",
            RuleTrigger::Updated,
            vec![cond(RuleField::Status, RuleOp::Is, "new")],
            vec![RuleAction::AddNote { text: "u".into() }],
        );
        assert!(run_triggers(&[upd], &facts(ticket()), &created(0), &mut env()).is_empty());
    }

    #[test]
    fn time_rules_undo_their_own_match() {
        let pending_3d = rule(
            "r1",
            RuleTrigger::Time,
            vec![
                cond(RuleField::Status, RuleOp::Is, "pending"),
                cond(RuleField::HoursInStatus, RuleOp::GreaterThan, "72"),
            ],
            vec![
                RuleAction::SetStatus {
                    status: TicketStatus::Solved,
                },
                RuleAction::AddNote {
                    text: "Solved after 3 days without an answer.".into(),
                },
            ],
        );
        let mut t = ticket();
        t.status = TicketStatus::Pending;
        let mut f = facts(t);
        f.status_since = 0;
        assert!(
            run_time_rules(std::slice::from_ref(&pending_3d), &f, 72 * H, &mut env()).is_empty()
        );
        let fired = run_time_rules(std::slice::from_ref(&pending_3d), &f, 73 * H, &mut env());
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].effects.len(), 2);

        let err = Rule {
            id: "r9".into(),
            name: "Nag".into(),
            position: 0,
            active: true,
            trigger: RuleTrigger::Time,
            match_mode: MatchMode::All,
            conditions: vec![cond(RuleField::HoursSinceCreated, RuleOp::GreaterThan, "1")],
            actions: vec![RuleAction::AddNote {
                text: "again".into(),
            }],
        }
        .validated()
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("actions"));
        assert!(err.message.contains("every minute"), "{}", err.message);
    }

    #[test]
    fn validation_names_the_problem() {
        let base = |c: RuleCondition| Rule {
            id: "r1".into(),
            name: "Route".into(),
            position: 0,
            active: true,
            trigger: RuleTrigger::Updated,
            match_mode: MatchMode::All,
            conditions: vec![c],
            actions: vec![RuleAction::AddNote { text: "x".into() }],
        };
        let e = base(cond(RuleField::Status, RuleOp::Is, "closedd"))
            .validated()
            .unwrap_err();
        assert!(
            e.message.contains("'closedd' is not a valid value"),
            "{}",
            e.message
        );
        let e = base(cond(RuleField::Tags, RuleOp::Is, "x"))
            .validated()
            .unwrap_err();
        assert_eq!(
            e.message,
            "\"tags\" cannot be compared with \"is\"; use one of: contains, not contains."
        );
        let e = base(cond(
            RuleField::HoursSinceCreated,
            RuleOp::GreaterThan,
            "-3",
        ))
        .validated()
        .unwrap_err();
        assert!(e.message.contains("whole number of hours"));
        let mut r = base(cond(RuleField::Status, RuleOp::Is, "open"));
        r.name = "  ".into();
        assert_eq!(r.validated().unwrap_err().field.as_deref(), Some("name"));
        let mut r = base(cond(RuleField::Status, RuleOp::Is, "open"));
        r.actions.clear();
        assert_eq!(r.validated().unwrap_err().field.as_deref(), Some("actions"));
        let mut r = base(cond(RuleField::Status, RuleOp::Changed, "open"));
        r.trigger = RuleTrigger::Time;
        r.actions = vec![RuleAction::SetStatus {
            status: TicketStatus::Open,
        }];
        assert!(r
            .validated()
            .unwrap_err()
            .message
            .contains("belong to triggers"));
    }

    #[test]
    fn a_bad_rating_fires_once_when_given_and_reads_as_the_tickets_answer() {
        let t = ticket();
        let mut f = facts(t.clone());
        let reopen = rule(
            "bad",
            RuleTrigger::Updated,
            vec![cond(RuleField::Satisfaction, RuleOp::ChangedTo, "1")],
            vec![RuleAction::SetStatus {
                status: TicketStatus::Open,
            }],
        );
        let rated = |score: Option<i64>| RuleEvent {
            kind: RuleTrigger::Updated,
            before: Some(&t),
            author: Some(AuthorKind::Customer),
            rated: score,
            now: 5 * H,
        };
        f.satisfaction = Some(1);
        assert!(fires(&reopen, &f, &rated(Some(1))));
        // Later changes to the ticket do not fire it again: the answer was given before.
        assert!(!fires(&reopen, &f, &rated(None)));
        assert!(!fires(&reopen, &f, &rated(Some(3))));
        // "is" reads the ticket's answer, whatever the event; empty means not rated.
        let is = |v: &str| {
            rule(
                "is",
                RuleTrigger::Updated,
                vec![cond(RuleField::Satisfaction, RuleOp::Is, v)],
                vec![RuleAction::AddNote { text: "x".into() }],
            )
        };
        assert!(fires(&is("1"), &f, &rated(None)));
        assert!(!fires(&is(""), &f, &rated(None)));
        f.satisfaction = None;
        assert!(fires(&is(""), &f, &rated(None)));
        // Only answers on the scale; "changed to" needs one.
        for (op, v) in [
            (RuleOp::Is, "4"),
            (RuleOp::ChangedTo, ""),
            (RuleOp::IsNot, "bad"),
        ] {
            let e = Rule {
                conditions: vec![cond(RuleField::Satisfaction, op, v)],
                ..is("1")
            }
            .validated()
            .unwrap_err();
            assert!(e.message.contains("3 (good)"), "{op:?} {v}: {}", e.message);
        }
    }
}
