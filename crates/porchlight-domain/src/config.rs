//! The helpdesk's shared configuration as replicated documents: automation rules and macros
//! (SLA policies and calendars join them). Changed through [`ConfigMutation`]s, applied by
//! `config_apply::apply_config` on the desktop (standalone) and on the server (team), like
//! tickets and articles.
//!
//! Macros: a reply text with placeholders plus optional field changes, personal (only its
//! owner sees and uses it) or shared (admins manage them). Placeholders are checked when a
//! macro is saved, so an agent never sends `{{custmer.name}}` to a customer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::model::{Priority, TicketStatus, TicketType};
use crate::rules::Rule;
use crate::sla::{choose_policy, BusinessCalendar, Schedule, SlaPolicy, TicketFacts};
use crate::validate::required_text;

pub const MAX_MACRO_NAME: usize = 120;
pub const MAX_MACRO_BODY: usize = 20_000;

/// A canned reply. `{{customer.first_name}}`, `{{customer.name}}`, `{{ticket.number}}`,
/// `{{ticket.subject}}`, `{{agent.name}}`, `{{agent.first_name}}` are filled when used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Macro {
    pub id: String,
    pub name: String,
    /// `None`: shared with every agent; else only this agent's.
    pub owner_id: Option<String>,
    pub body: String,
    pub set_status: Option<TicketStatus>,
    pub set_priority: Option<Priority>,
    pub set_type: Option<TicketType>,
    pub add_tags: Vec<String>,
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// What fills a macro's placeholders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MacroContext {
    pub customer_name: String,
    #[ts(type = "number | null")]
    pub ticket_number: Option<i64>,
    pub ticket_subject: String,
    pub agent_name: String,
}

pub const PLACEHOLDERS: &[&str] = &[
    "customer.first_name",
    "customer.name",
    "ticket.number",
    "ticket.subject",
    "agent.name",
    "agent.first_name",
];

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or("")
}

/// The placeholders a text uses, each `{{ name }}` with the name trimmed; `Err` names the
/// first unknown or unclosed one.
fn placeholders(text: &str) -> Result<Vec<(std::ops::Range<usize>, &'static str)>, DomainError> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|i| at + i) {
        let Some(close) = text[open..].find("}}").map(|i| open + i) else {
            return Err(DomainError::invalid(
                "body",
                "A placeholder is not closed: write it as {{customer.first_name}}.",
            ));
        };
        let name = text[open + 2..close].trim();
        let Some(known) = PLACEHOLDERS.iter().find(|p| **p == name) else {
            return Err(DomainError::invalid(
                "body",
                format!(
                    "{{{{{name}}}}} is not a placeholder Porchlight knows; use one of: {}.",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{{{p}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        out.push((open..close + 2, *known));
        at = close + 2;
    }
    Ok(out)
}

/// A macro's text with its placeholders filled. A ticket not numbered yet (offline) shows
/// as "(pending)"; an empty name as an empty string.
pub fn render_macro(body: &str, ctx: &MacroContext) -> String {
    let Ok(found) = placeholders(body) else {
        return body.to_string();
    };
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    for (range, name) in found {
        out.push_str(&body[last..range.start]);
        let value = match name {
            "customer.first_name" => first_name(&ctx.customer_name).to_string(),
            "customer.name" => ctx.customer_name.clone(),
            "ticket.number" => ctx
                .ticket_number
                .map_or_else(|| "(pending)".to_string(), |n| format!("#{n}")),
            "ticket.subject" => ctx.ticket_subject.clone(),
            "agent.name" => ctx.agent_name.clone(),
            _ => first_name(&ctx.agent_name).to_string(),
        };
        out.push_str(&value);
        last = range.end;
    }
    out.push_str(&body[last..]);
    out
}

/// Intent-level changes to the configuration, serialised like every mutation
/// (`{"name", "args"}`) with names no other mutation uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "name", content = "args", rename_all = "snake_case")]
#[ts(export)]
pub enum ConfigMutation {
    SaveRule {
        rule: Rule,
    },
    DeleteRule {
        id: String,
    },
    SaveMacro {
        r#macro: Macro,
    },
    DeleteMacro {
        id: String,
    },
    SaveSlaPolicy {
        policy: SlaPolicy,
    },
    DeleteSlaPolicy {
        id: String,
    },
    SaveCalendar {
        calendar: BusinessCalendar,
    },
    DeleteCalendar {
        id: String,
    },
    /// Its passwords are stored apart (the OS keyring, the server's encrypted secrets).
    SaveMailbox {
        mailbox: crate::mail::Mailbox,
    },
    DeleteMailbox {
        id: String,
    },
}

impl ConfigMutation {
    pub const NAMES: &'static [&'static str] = &[
        "save_rule",
        "delete_rule",
        "save_macro",
        "delete_macro",
        "save_sla_policy",
        "delete_sla_policy",
        "save_calendar",
        "delete_calendar",
        "save_mailbox",
        "delete_mailbox",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            ConfigMutation::SaveRule { .. } => "save_rule",
            ConfigMutation::DeleteRule { .. } => "delete_rule",
            ConfigMutation::SaveMacro { .. } => "save_macro",
            ConfigMutation::DeleteMacro { .. } => "delete_macro",
            ConfigMutation::SaveSlaPolicy { .. } => "save_sla_policy",
            ConfigMutation::DeleteSlaPolicy { .. } => "delete_sla_policy",
            ConfigMutation::SaveCalendar { .. } => "save_calendar",
            ConfigMutation::DeleteCalendar { .. } => "delete_calendar",
            ConfigMutation::SaveMailbox { .. } => "save_mailbox",
            ConfigMutation::DeleteMailbox { .. } => "delete_mailbox",
        }
    }

    pub fn validated(self) -> Result<Self, DomainError> {
        Ok(match self {
            ConfigMutation::SaveRule { rule } => ConfigMutation::SaveRule {
                rule: rule.validated()?,
            },
            ConfigMutation::SaveMacro { r#macro: mut m } => {
                m.name = required_text("name", &m.name, MAX_MACRO_NAME)?;
                m.body = required_text("body", &m.body, MAX_MACRO_BODY)?;
                placeholders(&m.body)?;
                m.add_tags = m
                    .add_tags
                    .iter()
                    .map(|t| crate::validate::valid_tag(t))
                    .collect::<Result<_, _>>()?;
                ConfigMutation::SaveMacro { r#macro: m }
            }
            ConfigMutation::SaveSlaPolicy { policy } => ConfigMutation::SaveSlaPolicy {
                policy: policy.validated()?,
            },
            ConfigMutation::SaveCalendar { calendar } => ConfigMutation::SaveCalendar {
                calendar: calendar.validated()?,
            },
            ConfigMutation::SaveMailbox { mailbox } => ConfigMutation::SaveMailbox {
                mailbox: mailbox.validated()?,
            },
            other => other,
        })
    }
}

/// Whether `at` falls within the business hours that apply to a ticket: the calendar of the
/// SLA policy the ticket falls under. No policy, a policy counting around the clock, or a
/// calendar that is gone: every hour is a business hour.
pub fn within_business_hours(
    policies: &[SlaPolicy],
    calendars: &[BusinessCalendar],
    ticket: &TicketFacts<'_>,
    at: i64,
) -> bool {
    let Some(calendar_id) = choose_policy(policies, ticket).and_then(|p| p.calendar_id.as_ref())
    else {
        return true;
    };
    calendars
        .iter()
        .find(|c| c.id == *calendar_id)
        .and_then(|c| Schedule::new(c).ok())
        .is_none_or(|s| s.is_open_at(at))
}

/// [`within_business_hours`] for a ticket document (its organization is its requester's).
pub fn ticket_within_business_hours(
    policies: &[SlaPolicy],
    calendars: &[BusinessCalendar],
    t: &crate::records::TicketDoc,
    organization_id: Option<&str>,
    at: i64,
) -> bool {
    within_business_hours(
        policies,
        calendars,
        &TicketFacts {
            priority: t.priority,
            channel: t.channel,
            group_id: t.group_id.as_deref(),
            organization_id,
            tags: &t.tags,
        },
        at,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A macro for the tests here and in `config_apply`.
    pub(crate) fn mac(id: &str, owner: Option<&str>, body: &str) -> Macro {
        Macro {
            id: id.into(),
            name: "Greeting".into(),
            owner_id: owner.map(str::to_owned),
            body: body.into(),
            set_status: Some(TicketStatus::Pending),
            set_priority: None,
            set_type: None,
            add_tags: vec!["Greeted".into()],
            updated_at: 0,
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_refused() {
        let ctx = MacroContext {
            customer_name: "Ayşe Yılmaz".into(),
            ticket_number: Some(1042),
            ticket_subject: "Kargo".into(),
            agent_name: "Deniz Kaya".into(),
        };
        assert_eq!(
            render_macro(
                "Merhaba {{customer.first_name}}, {{ ticket.number }} ({{ticket.subject}}) — {{agent.first_name}} / {{agent.name}} / {{customer.name}}",
                &ctx
            ),
            "Merhaba Ayşe, #1042 (Kargo) — Deniz / Deniz Kaya / Ayşe Yılmaz"
        );
        let pending = MacroContext {
            ticket_number: None,
            ..ctx
        };
        assert_eq!(render_macro("{{ticket.number}}", &pending), "(pending)");
        let err = ConfigMutation::SaveMacro {
            r#macro: mac("m1", None, "Hi {{custmer.name}}"),
        }
        .validated()
        .unwrap_err();
        assert!(
            err.message
                .starts_with("{{custmer.name}} is not a placeholder"),
            "{}",
            err.message
        );
        let err = ConfigMutation::SaveMacro {
            r#macro: mac("m1", None, "Hi {{customer.name"),
        }
        .validated()
        .unwrap_err();
        assert!(err.message.contains("not closed"));
        let ok = ConfigMutation::SaveMacro {
            r#macro: mac("m1", None, "Hi {{customer.name}}"),
        }
        .validated()
        .unwrap();
        let ConfigMutation::SaveMacro { r#macro } = ok else {
            unreachable!()
        };
        assert_eq!(r#macro.add_tags, vec!["greeted".to_string()]);
    }
}
