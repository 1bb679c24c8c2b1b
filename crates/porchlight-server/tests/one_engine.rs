//! One engine for ticket changes, kept one by two differential properties.
//!
//! A. A random sequence of mutations, valid and invalid, applied to a standalone desktop store
//!    and (through `Storage::push`, as the same agent at the same time) to the server's
//!    storage on SQLite, leaves the same documents, and every refusal has the same code, field
//!    and message. Ids the engines make up themselves (audit events, system messages, rule
//!    notes) are matched by their place in a canonical order; everything else is compared as is.
//! B. The same kind of sequence made offline by two connected desktops, an admin and an agent
//!    working on the same tickets, then synced with a real server process, leaves both desktops
//!    and the server with the same documents.
//!
//! A desktop acts as its one local agent, so in A that agent's own role may change midway (an
//! admin who makes herself an agent works on as one); B has an admin's and an agent's
//! desktops on the same tickets. Active trigger rules (and, in A, time rules) make
//! rule-driven changes part of both. 456 cases of A and 56 of B run by default
//! (`PROPTEST_CASES` sets both); a failing case is printed, shrunk and kept under
//! `proptest-regressions/`, where each one found so far stays.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::{store_dump, Backend, Desk, Dump, Server};
use porchlight_domain::apply::Actor;
use porchlight_domain::config::{ConfigMutation, Macro};
use porchlight_domain::docs::{AgentDoc, Doc, DocKind};
use porchlight_domain::mutation::{
    RequesterRef, TicketFieldChanges, MAX_BODY, MAX_NAME, MAX_SUBJECT, MAX_TAG,
};
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::sync::{PushMutation, PushOutcome, MAX_PULL_LIMIT};
use porchlight_domain::{
    AgentRole, Channel, DomainError, MessageKind, Mutation, Priority, TicketStatus, TicketType,
};
use porchlight_server::storage::sqlite::SqliteBackend;
use porchlight_server::storage::{canonical_dump, Storage};
use porchlight_store::{Store, StoreError};
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::FileFailurePersistence;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

// ---- what the sequences are made of ----------------------------------------------------

/// Text for a field: a sample (some with spaces to trim, some not ASCII), empty, blank, or
/// one character over the field's limit.
#[derive(Debug, Clone, Copy)]
enum Text {
    Sample(usize),
    Empty,
    Blank,
    TooLong,
}

const SAMPLES: &[&str] = &[
    "Parcel lost in Kraków",
    "Refund for order 1142",
    "  Zwrot: paczka nie dotarła  ",
    "VIP cannot sign in",
    "Invoice\nquestion",
    "İade süreci",
];

fn text() -> impl Strategy<Value = Text> {
    prop_oneof![
        60 => (0..SAMPLES.len()).prop_map(Text::Sample),
        1 => Just(Text::Empty),
        1 => Just(Text::Blank),
        1 => Just(Text::TooLong),
    ]
}

fn resolve(t: Text, max: usize) -> String {
    match t {
        Text::Sample(i) => SAMPLES[i].to_string(),
        Text::Empty => String::new(),
        Text::Blank => " \n ".to_string(),
        Text::TooLong => "ż".repeat(max + 1),
    }
}

/// Tickets the sequences create; any higher index is an id no ticket has.
const TICKETS: usize = 5;
/// Customers a new ticket may create; the next index is unknown.
const CUSTOMERS: usize = 6;
const ORGANIZATIONS: usize = 2;
const GROUPS: usize = 2;
/// Agents: 0 the acting desktop's own (the admin), 1 a colleague (an agent), 2 and 3 ids
/// nobody has until a sequence saves them (3 rarely).
const AGENTS: usize = 4;

/// Addresses of customers: two share a domain an organization lists, one is another's in
/// other case and spacing (the same address), one is not an address.
const VALID_EMAILS: usize = 5;
const EMAILS: &[&str] = &[
    "ayse@acme.com",
    "bob@acme.com",
    "carla@globex.org",
    "dan@example.net",
    " Ayse@ACME.com ",
    "not an address",
];
/// Addresses of agents: the two agents', a free one, the colleague's in capitals (the same
/// address), one that is not an address.
const AGENT_EMAILS: &[&str] = &[
    "ada@porch.test",
    "ali@porch.test",
    "new@porch.test",
    "ALI@porch.test",
    "no-at-sign",
];
const DOMAINS: &[&str] = &["acme.com", "globex.org", "@Example.NET", "nodot"];
/// Tags: the first `VALID_TAGS` are fine, then two that are not; past the end: too long.
const VALID_TAGS: usize = 6;
const TAGS: &[&str] = &[
    "vip",
    "bug",
    "refund",
    "escalate",
    "triaged",
    "Billing Issue",
    "a,b",
    "  ",
];
const LANGUAGES: &[&str] = &["", "en", "pl", "tr"];

#[derive(Debug, Clone)]
enum Requester {
    Existing(usize),
    New {
        customer: usize,
        name: Text,
        email: Option<usize>,
    },
}

/// A change as the generator draws it; [`Names::mutation`] makes it a mutation.
#[derive(Debug, Clone)]
enum Op {
    Create {
        ticket: usize,
        subject: Text,
        requester: Requester,
        channel: Channel,
        priority: Priority,
        assignee: Option<usize>,
        group: Option<usize>,
        tags: Vec<usize>,
        body: Text,
        /// Reuse the one shared message id (taken by whichever message comes first).
        used_message_id: bool,
    },
    Message {
        ticket: usize,
        kind: MessageKind,
        from_customer: bool,
        body: Text,
        html: bool,
        used_message_id: bool,
    },
    Fields {
        ticket: usize,
        subject: Option<Text>,
        status: Option<TicketStatus>,
        priority: Option<Priority>,
        ticket_type: Option<TicketType>,
        assignee: Option<Option<usize>>,
        group: Option<Option<usize>>,
    },
    AddTag {
        ticket: usize,
        tag: usize,
    },
    RemoveTag {
        ticket: usize,
        tag: usize,
    },
    Merge {
        source: usize,
        target: usize,
    },
    Delete {
        ticket: usize,
    },
    SaveCustomer {
        customer: usize,
        name: Text,
        emails: Vec<usize>,
        organization: Option<usize>,
        language: usize,
    },
    SaveOrganization {
        organization: usize,
        name: Text,
        domains: Vec<usize>,
    },
    SaveAgent {
        agent: usize,
        name: Text,
        email: usize,
        role: AgentRole,
        active: bool,
    },
    SaveGroup {
        group: usize,
        name: Text,
    },
    SetAgentGroups {
        agent: usize,
        groups: Vec<usize>,
    },
    CreateTag {
        tag: usize,
    },
    DeleteTag {
        tag: usize,
    },
    /// The every-minute pass of the time rules (standalone desktop and server alike).
    TimeRules,
}

fn any_of<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    (0..all.len()).prop_map(move |i| all[i].clone())
}

/// A ticket index: mostly the first few (so changes meet on the same tickets), sometimes
/// one no ticket has.
fn ticket() -> impl Strategy<Value = usize> {
    prop_oneof![14 => 0..3usize, 3 => 3..TICKETS, 1 => Just(TICKETS)]
}

/// An index into a list whose first `valid` entries are usable and the rest not (or past
/// the end: an id nobody made), the usable ones far more often.
fn mostly(valid: usize, all: usize) -> BoxedStrategy<usize> {
    if valid >= all {
        return (0..valid).boxed();
    }
    prop_oneof![15 => 0..valid, 1 => valid..all].boxed()
}

fn tag() -> impl Strategy<Value = usize> {
    mostly(VALID_TAGS, TAGS.len() + 1)
}

/// A new ticket. `rough`: sometimes refused (a used id or message id, bad text, an unknown
/// customer, agent or group, a bad tag or address); otherwise one that can be made.
fn create(rough: bool) -> impl Strategy<Value = Op> {
    let some_text = move || {
        if rough {
            text().boxed()
        } else {
            (0..SAMPLES.len()).prop_map(Text::Sample).boxed()
        }
    };
    let (agents, groups, emails, tags) = if rough {
        (AGENTS, GROUPS + 1, EMAILS.len(), TAGS.len() + 1)
    } else {
        (2, GROUPS, VALID_EMAILS, VALID_TAGS)
    };
    let new_customer = (
        0..CUSTOMERS,
        some_text(),
        proptest::option::weighted(0.8, mostly(VALID_EMAILS, emails)),
    )
        .prop_map(|(customer, name, email)| Requester::New {
            customer,
            name,
            email,
        });
    let requester = if rough {
        prop_oneof![
            1 => mostly(CUSTOMERS, CUSTOMERS + 1).prop_map(Requester::Existing),
            6 => new_customer,
        ]
        .boxed()
    } else {
        new_customer.boxed()
    };
    (
        prop_oneof![2 => 0..3usize, 1 => 3..TICKETS],
        some_text(),
        requester,
        any_of(Channel::ALL),
        any_of(Priority::ALL),
        proptest::option::weighted(0.3, mostly(2, agents)),
        proptest::option::weighted(0.2, mostly(GROUPS, groups)),
        prop::collection::vec(mostly(VALID_TAGS, tags), 0..3),
        some_text(),
        proptest::bool::weighted(if rough { 0.05 } else { 0.0 }),
    )
        .prop_map(
            |(
                ticket,
                subject,
                requester,
                channel,
                priority,
                assignee,
                group,
                tags,
                body,
                used_message_id,
            )| Op::Create {
                ticket,
                subject,
                requester,
                channel,
                priority,
                assignee,
                group,
                tags,
                body,
                used_message_id,
            },
        )
}

fn op(time_rules: bool) -> BoxedStrategy<Op> {
    let message = (
        ticket(),
        prop_oneof![
            12 => Just(MessageKind::Reply),
            6 => Just(MessageKind::Note),
            1 => Just(MessageKind::System),
        ],
        proptest::bool::weighted(0.4),
        text(),
        proptest::bool::weighted(0.15),
        proptest::bool::weighted(0.05),
    )
        .prop_map(
            |(ticket, kind, from_customer, body, html, used_message_id)| Op::Message {
                ticket,
                kind,
                from_customer,
                body,
                html,
                used_message_id,
            },
        );
    let fields = (
        ticket(),
        proptest::option::weighted(0.15, text()),
        proptest::option::weighted(0.5, any_of(TicketStatus::ALL)),
        proptest::option::weighted(0.3, any_of(Priority::ALL)),
        proptest::option::weighted(0.15, any_of(TicketType::ALL)),
        proptest::option::weighted(0.3, proptest::option::weighted(0.8, mostly(2, AGENTS))),
        proptest::option::weighted(
            0.2,
            proptest::option::weighted(0.8, mostly(GROUPS, GROUPS + 1)),
        ),
    )
        .prop_map(
            |(ticket, subject, status, priority, ticket_type, assignee, group)| Op::Fields {
                ticket,
                subject,
                status,
                priority,
                ticket_type,
                assignee,
                group,
            },
        );
    let mut arms: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (4, create(true).boxed()),
        (8, message.boxed()),
        (7, fields.boxed()),
        (
            3,
            (ticket(), tag())
                .prop_map(|(ticket, tag)| Op::AddTag { ticket, tag })
                .boxed(),
        ),
        (
            2,
            (ticket(), tag())
                .prop_map(|(ticket, tag)| Op::RemoveTag { ticket, tag })
                .boxed(),
        ),
        (
            3,
            (ticket(), ticket())
                .prop_map(|(source, target)| Op::Merge { source, target })
                .boxed(),
        ),
        (1, ticket().prop_map(|ticket| Op::Delete { ticket }).boxed()),
        (
            3,
            (
                mostly(CUSTOMERS, CUSTOMERS + 1),
                text(),
                prop::collection::vec(mostly(VALID_EMAILS, EMAILS.len()), 0..3),
                proptest::option::weighted(0.3, mostly(ORGANIZATIONS, ORGANIZATIONS + 1)),
                0..LANGUAGES.len(),
            )
                .prop_map(
                    |(customer, name, emails, organization, language)| Op::SaveCustomer {
                        customer,
                        name,
                        emails,
                        organization,
                        language,
                    },
                )
                .boxed(),
        ),
        (
            1,
            (
                0..ORGANIZATIONS,
                text(),
                prop::collection::vec(mostly(DOMAINS.len() - 1, DOMAINS.len()), 0..3),
            )
                .prop_map(|(organization, name, domains)| Op::SaveOrganization {
                    organization,
                    name,
                    domains,
                })
                .boxed(),
        ),
        (
            2,
            (
                0..AGENTS,
                text(),
                mostly(AGENT_EMAILS.len() - 1, AGENT_EMAILS.len()),
                any_of(AgentRole::ALL),
                proptest::bool::weighted(0.85),
            )
                .prop_map(|(agent, name, email, role, active)| Op::SaveAgent {
                    agent,
                    name,
                    email,
                    role,
                    active,
                })
                .boxed(),
        ),
        (
            1,
            (0..GROUPS, text())
                .prop_map(|(group, name)| Op::SaveGroup { group, name })
                .boxed(),
        ),
        (
            1,
            (
                mostly(AGENTS - 1, AGENTS),
                prop::collection::vec(mostly(GROUPS, GROUPS + 1), 0..3),
            )
                .prop_map(|(agent, groups)| Op::SetAgentGroups { agent, groups })
                .boxed(),
        ),
        (1, tag().prop_map(|tag| Op::CreateTag { tag }).boxed()),
        (1, tag().prop_map(|tag| Op::DeleteTag { tag }).boxed()),
    ];
    if time_rules {
        arms.push((1, Just(Op::TimeRules).boxed()));
    }
    Union::new_weighted(arms).boxed()
}

/// How far the clock moves before a change: often not at all (two changes in one
/// millisecond), sometimes days (for the time rules).
fn pause() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => Just(0),
        2 => Just(1),
        4 => Just(MINUTE),
        2 => Just(30 * MINUTE),
        1 => Just(5 * HOUR),
        1 => Just(3 * DAY),
    ]
}

/// The first tickets of a sequence (so that most changes find one): 2 to 4 of tickets 0 to
/// 3, made in any order (an order of making that is not the order of ids shows where a
/// storage's own order leaks into what the rules do).
fn first_tickets() -> impl Strategy<Value = Vec<(i64, Op)>> {
    (
        prop::collection::vec((pause(), create(false)), 2..5),
        Just(vec![0, 1, 2, 3]).prop_shuffle(),
    )
        .prop_map(|(mut first, ids)| {
            for ((_, op), id) in first.iter_mut().zip(ids) {
                if let Op::Create { ticket, .. } = op {
                    *ticket = id;
                }
            }
            first
        })
}

/// The ids a sequence's indices stand for.
struct Names {
    /// The acting desktop's own agent (the admin).
    me: String,
    /// The colleague (an agent).
    ali: String,
    /// Hands out the next fresh message id.
    messages: usize,
}

impl Names {
    fn ticket(&self, i: usize) -> String {
        if i < TICKETS {
            format!("ticket-{i}")
        } else {
            "ticket-nobody-made".into()
        }
    }

    fn customer(&self, i: usize) -> String {
        if i < CUSTOMERS {
            format!("customer-{i}")
        } else {
            "customer-nobody-made".into()
        }
    }

    fn organization(&self, i: usize) -> String {
        if i < ORGANIZATIONS {
            format!("organization-{i}")
        } else {
            "organization-nobody-made".into()
        }
    }

    fn group(&self, i: usize) -> String {
        if i < GROUPS {
            format!("group-{i}")
        } else {
            "group-nobody-made".into()
        }
    }

    fn agent(&self, i: usize) -> String {
        match i {
            0 => self.me.clone(),
            1 => self.ali.clone(),
            2 => "agent-new".into(),
            _ => "agent-nobody-made".into(),
        }
    }

    fn tag(&self, i: usize) -> String {
        TAGS.get(i)
            .map_or_else(|| "t".repeat(MAX_TAG + 1), |t| t.to_string())
    }

    fn message_id(&mut self, used: bool) -> String {
        if used {
            return "message-shared".into();
        }
        self.messages += 1;
        format!("message-{}", self.messages)
    }

    /// The mutation an op stands for (`None` for the time-rule pass).
    fn mutation(&mut self, op: &Op) -> Option<Mutation> {
        Some(match op {
            Op::Create {
                ticket,
                subject,
                requester,
                channel,
                priority,
                assignee,
                group,
                tags,
                body,
                used_message_id,
            } => Mutation::CreateTicket {
                ticket_id: self.ticket(*ticket),
                message_id: self.message_id(*used_message_id),
                subject: resolve(*subject, MAX_SUBJECT),
                requester: match requester {
                    Requester::Existing(c) => RequesterRef::Existing {
                        id: self.customer(*c),
                    },
                    Requester::New {
                        customer,
                        name,
                        email,
                    } => RequesterRef::New {
                        id: self.customer(*customer),
                        name: resolve(*name, MAX_NAME),
                        email: email.map(|e| EMAILS[e].to_string()),
                        phone: None,
                    },
                },
                channel: *channel,
                priority: *priority,
                ticket_type: TicketType::Question,
                assignee_id: assignee.map(|a| self.agent(a)),
                group_id: group.map(|g| self.group(g)),
                tags: tags.iter().map(|t| self.tag(*t)).collect(),
                body_text: resolve(*body, MAX_BODY),
                attachment_ids: vec![],
                outbound: false,
            },
            Op::Message {
                ticket,
                kind,
                from_customer,
                body,
                html,
                used_message_id,
            } => {
                let text = resolve(*body, MAX_BODY);
                Mutation::AddMessage {
                    message_id: self.message_id(*used_message_id),
                    ticket_id: self.ticket(*ticket),
                    kind: *kind,
                    from_customer: *from_customer,
                    body_text: if *html { String::new() } else { text.clone() },
                    body_html: html
                        .then(|| format!("<p onclick=\"x()\">{text}</p><script>alert(1)</script>")),
                    attachment_ids: vec![],
                    cc: None,
                }
            }
            Op::Fields {
                ticket,
                subject,
                status,
                priority,
                ticket_type,
                assignee,
                group,
            } => Mutation::SetTicketFields {
                ticket_id: self.ticket(*ticket),
                changes: TicketFieldChanges {
                    subject: subject.map(|s| resolve(s, MAX_SUBJECT)),
                    status: *status,
                    priority: *priority,
                    ticket_type: *ticket_type,
                    assignee_id: assignee.map(|a| a.map(|a| self.agent(a))),
                    group_id: group.map(|g| g.map(|g| self.group(g))),
                },
            },
            Op::AddTag { ticket, tag } => Mutation::AddTag {
                ticket_id: self.ticket(*ticket),
                tag: self.tag(*tag),
            },
            Op::RemoveTag { ticket, tag } => Mutation::RemoveTag {
                ticket_id: self.ticket(*ticket),
                tag: self.tag(*tag),
            },
            Op::Merge { source, target } => Mutation::MergeTickets {
                source_id: self.ticket(*source),
                target_id: self.ticket(*target),
            },
            Op::Delete { ticket } => Mutation::DeleteTicket {
                ticket_id: self.ticket(*ticket),
            },
            Op::SaveCustomer {
                customer,
                name,
                emails,
                organization,
                language,
            } => Mutation::SaveCustomer {
                id: self.customer(*customer),
                name: resolve(*name, MAX_NAME),
                emails: emails.iter().map(|e| EMAILS[*e].to_string()).collect(),
                phone: String::new(),
                organization_id: organization.map(|o| self.organization(o)),
                language: LANGUAGES[*language].to_string(),
                notes: String::new(),
            },
            Op::SaveOrganization {
                organization,
                name,
                domains,
            } => Mutation::SaveOrganization {
                id: self.organization(*organization),
                name: resolve(*name, MAX_NAME),
                domains: domains.iter().map(|d| DOMAINS[*d].to_string()).collect(),
                notes: String::new(),
            },
            Op::SaveAgent {
                agent,
                name,
                email,
                role,
                active,
            } => Mutation::SaveAgent {
                id: self.agent(*agent),
                name: resolve(*name, MAX_NAME),
                email: AGENT_EMAILS[*email].to_string(),
                role: *role,
                active: *active,
            },
            Op::SaveGroup { group, name } => Mutation::SaveGroup {
                id: self.group(*group),
                name: resolve(*name, MAX_NAME),
                description: String::new(),
            },
            Op::SetAgentGroups { agent, groups } => Mutation::SetAgentGroups {
                agent_id: self.agent(*agent),
                group_ids: groups.iter().map(|g| self.group(*g)).collect(),
            },
            Op::CreateTag { tag } => Mutation::CreateTag {
                name: self.tag(*tag),
            },
            Op::DeleteTag { tag } => Mutation::DeleteTag {
                name: self.tag(*tag),
            },
            Op::TimeRules => return None,
        })
    }

    /// What every sequence starts from: the support group with both agents in it, an empty
    /// billing group, and an organization owning acme.com (the second id: one made later
    /// may sort before it).
    fn start(&self) -> Vec<Mutation> {
        vec![
            Mutation::SaveGroup {
                id: self.group(0),
                name: "Support".into(),
                description: "First line".into(),
            },
            Mutation::SaveGroup {
                id: self.group(1),
                name: "Billing".into(),
                description: String::new(),
            },
            Mutation::SetAgentGroups {
                agent_id: self.me.clone(),
                group_ids: vec![self.group(0)],
            },
            Mutation::SetAgentGroups {
                agent_id: self.ali.clone(),
                group_ids: vec![self.group(0)],
            },
            Mutation::SaveOrganization {
                id: self.organization(1),
                name: "Acme".into(),
                domains: vec!["acme.com".into()],
                notes: String::new(),
            },
        ]
    }
}

// ---- the rules both sides run ----------------------------------------------------------

const MACRO_ID: &str = "macro-thanks";

fn rule(
    id: &str,
    position: i64,
    trigger: RuleTrigger,
    match_mode: MatchMode,
    conditions: &[(RuleField, RuleOp, &str)],
    actions: Vec<RuleAction>,
) -> Rule {
    Rule {
        id: id.into(),
        name: id.replace('-', " "),
        position,
        active: true,
        trigger,
        match_mode,
        conditions: conditions
            .iter()
            .map(|(field, op, value)| RuleCondition {
                field: *field,
                op: *op,
                value: value.to_string(),
            })
            .collect(),
        actions,
    }
}

/// Triggers on creation and updates (chained: one's change makes another match), one that
/// always fails (its group does not exist), one inactive, and two time rules (`with_time`).
fn rules(names: &Names, with_time: bool) -> Vec<Rule> {
    use RuleField as F;
    use RuleOp as O;
    let support = names.group(0);
    let mut out = vec![
        rule(
            "refund-triage",
            1,
            RuleTrigger::Created,
            MatchMode::Any,
            &[
                (F::Subject, O::Contains, "refund"),
                (F::Tags, O::Contains, "vip"),
            ],
            vec![
                RuleAction::SetPriority {
                    priority: Priority::Urgent,
                },
                RuleAction::AddTags {
                    tags: vec!["triaged".into()],
                },
                RuleAction::AddNote {
                    text: "Check the payment provider first.".into(),
                },
                RuleAction::NotifyAgents {
                    agent_ids: vec![names.me.clone()],
                    text: "A refund came in.".into(),
                },
            ],
        ),
        rule(
            "urgent-to-support",
            2,
            RuleTrigger::CreatedOrUpdated,
            MatchMode::All,
            &[(F::Priority, O::Is, "urgent"), (F::Group, O::Is, "")],
            vec![RuleAction::SetGroup {
                group_id: Some(support.clone()),
            }],
        ),
        rule(
            "customer-wrote-back",
            3,
            RuleTrigger::Updated,
            MatchMode::All,
            &[(F::AuthorKind, O::Is, "customer")],
            vec![
                RuleAction::AssignRoundRobin {
                    group_id: support.clone(),
                },
                RuleAction::ReplyWithMacro {
                    macro_id: MACRO_ID.into(),
                },
            ],
        ),
        rule(
            "escalations",
            4,
            RuleTrigger::Updated,
            MatchMode::All,
            &[
                (F::Tags, O::Contains, "escalate"),
                (F::Priority, O::LessThan, "high"),
            ],
            vec![
                RuleAction::SetPriority {
                    priority: Priority::High,
                },
                RuleAction::AssignFewestOpen {
                    group_id: support.clone(),
                },
            ],
        ),
        rule(
            "to-a-lost-group",
            5,
            RuleTrigger::Updated,
            MatchMode::All,
            &[(F::Tags, O::Contains, "escalate")],
            vec![
                RuleAction::AddTags {
                    tags: vec!["seen-by-rule".into()],
                },
                RuleAction::SetGroup {
                    group_id: Some(names.group(GROUPS)),
                },
            ],
        ),
        rule(
            "solved-once",
            6,
            RuleTrigger::Updated,
            MatchMode::All,
            &[(F::Status, O::ChangedTo, "solved")],
            vec![RuleAction::AddTags {
                tags: vec!["was-solved".into()],
            }],
        ),
        Rule {
            active: false,
            ..rule(
                "switched-off",
                7,
                RuleTrigger::CreatedOrUpdated,
                MatchMode::All,
                &[(F::Subject, O::Contains, "a")],
                vec![RuleAction::SetStatus {
                    status: TicketStatus::Closed,
                }],
            )
        },
    ];
    if with_time {
        out.push(rule(
            "pending-a-day",
            8,
            RuleTrigger::Time,
            MatchMode::All,
            &[
                (F::Status, O::Is, "pending"),
                (F::HoursInStatus, O::GreaterThan, "24"),
            ],
            vec![
                RuleAction::SetStatus {
                    status: TicketStatus::Solved,
                },
                RuleAction::AddNote {
                    text: "Solved after a day without an answer.".into(),
                },
            ],
        ));
        out.push(rule(
            "unassigned-two-days",
            9,
            RuleTrigger::Time,
            MatchMode::All,
            &[
                (F::Assignee, O::Is, ""),
                (F::HoursSinceCreated, O::GreaterThan, "48"),
            ],
            vec![
                RuleAction::SetPriority {
                    priority: Priority::High,
                },
                RuleAction::AssignRoundRobin {
                    group_id: support.clone(),
                },
            ],
        ));
    }
    out
}

/// The rules and the macro one of them sends, saved through the store's configuration path.
fn configure(store: &Store, names: &Names, with_time: bool) {
    store
        .apply_config(ConfigMutation::SaveMacro {
            r#macro: Macro {
                id: MACRO_ID.into(),
                name: "Thanks".into(),
                owner_id: None,
                body: "Thanks {{customer.first_name}}, {{agent.name}} has {{ticket.number}} ({{ticket.subject}}).".into(),
                set_status: None,
                set_priority: None,
                set_type: None,
                add_tags: vec![],
                updated_at: 0,
            },
        })
        .expect("save the macro");
    for r in rules(names, with_time) {
        store
            .apply_config(ConfigMutation::SaveRule { rule: r })
            .expect("save a rule");
    }
}

// ---- A: a standalone desktop and the server's storage, change by change -----------------

/// The server's storage on SQLite, driven as its push endpoint drives it.
struct ServerSide {
    storage: Storage,
    client_id: String,
    next_mutation_id: i64,
    /// Agent documents as the server has them, kept current by pulling after each change
    /// (the push endpoint takes the signed-in agent's document as the actor).
    agents: BTreeMap<String, AgentDoc>,
    cursor: i64,
}

impl ServerSide {
    fn catch_up(&mut self) {
        loop {
            let page = self
                .storage
                .pull(&self.client_id, self.cursor, MAX_PULL_LIMIT)
                .expect("pull");
            for c in page.changes {
                if let Some(Doc::Agent(a)) = c.doc {
                    self.agents.insert(a.id.clone(), a);
                }
            }
            self.cursor = page.cursor;
            if !page.has_more {
                return;
            }
        }
    }

    fn actor(&self, id: &str) -> Actor {
        let a = &self.agents[id];
        Actor {
            id: a.id.clone(),
            name: a.name.clone(),
            role: a.role,
        }
    }

    /// Pushes one mutation as `agent_id` made at `at`; the refusal, if it was refused.
    fn push(&mut self, agent_id: &str, m: &Mutation, at: i64) -> Result<(), DomainError> {
        let args = serde_json::to_value(m).expect("serialise")["args"].clone();
        let pm = PushMutation {
            id: self.next_mutation_id,
            name: m.name().into(),
            args,
            at,
        };
        self.next_mutation_id += 1;
        let actor = self.actor(agent_id);
        let report = self
            .storage
            .push(&actor, &self.client_id, &[pm], at)
            .expect("push");
        let outcome = report.response.results[0].outcome.clone();
        self.catch_up();
        match outcome {
            PushOutcome::Applied { .. } => Ok(()),
            PushOutcome::Rejected { error } => Err(error),
            PushOutcome::Duplicate => panic!("a new mutation id was taken for a duplicate"),
        }
    }
}

/// A store's answer, as a refusal or nothing; a storage failure fails the test.
fn refusal(r: Result<impl Sized, StoreError>) -> Result<(), DomainError> {
    match r {
        Ok(_) => Ok(()),
        Err(StoreError::Domain(e)) => Err(e),
        Err(e) => panic!("the store failed: {e}"),
    }
}

/// Remembers the ids a mutation gives (as sent, and as validation normalises them: tag
/// names are documents' ids too).
fn given_by(m: &Mutation, given: &mut BTreeSet<String>) {
    strings_in(&serde_json::to_value(m).unwrap(), given);
    if let Ok(valid) = m.clone().validated() {
        strings_in(&serde_json::to_value(&valid).unwrap(), given);
    }
}

/// Every string a value holds (ids among them), short enough to be an id.
fn strings_in(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) if s.len() <= 64 => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| strings_in(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// Documents by `kind:id`, with the ids neither side was given (made by each engine with
/// its own `new_id`) replaced by their place in the order of the documents' content, so two
/// dumps compare equal exactly when they hold the same documents.
fn normalised(docs: Vec<Doc>, given: &BTreeSet<String>) -> Dump {
    let mut out = Dump::new();
    let mut made: Vec<(&'static str, serde_json::Value)> = Vec::new();
    for d in docs {
        let key = d.key();
        let mut v = serde_json::to_value(&d).expect("serialise")["doc"].clone();
        if given.contains(&key.id) {
            out.insert(format!("{}:{}", key.kind.as_str(), key.id), v);
        } else {
            assert!(
                matches!(key.kind, DocKind::Event | DocKind::Message),
                "only events and messages get ids from the engine: {v}"
            );
            v["id"] = serde_json::Value::String(String::new());
            made.push((key.kind.as_str(), v));
        }
    }
    made.sort_by_key(|(kind, v)| (*kind, v.to_string()));
    for (i, (kind, mut v)) in made.into_iter().enumerate() {
        let id = format!("made-{i:04}");
        v["id"] = serde_json::Value::String(id.clone());
        out.insert(format!("{kind}:{id}"), v);
    }
    out
}

/// The first differences between two dumps, or `None` when they are equal.
fn differences(desk: &Dump, server: &Dump) -> Option<String> {
    if desk == server {
        return None;
    }
    let lines: Vec<String> = desk
        .iter()
        .filter(|(k, v)| server.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}\n  desk:   {v}\n  server: {:?}", server.get(k)))
        .chain(
            server
                .iter()
                .filter(|(k, _)| !desk.contains_key(*k))
                .map(|(k, v)| format!("{k} only on the server: {v}")),
        )
        .take(6)
        .collect();
    Some(format!(
        "{} documents on the desk, {} on the server:\n{}",
        desk.len(),
        server.len(),
        lines.join("\n")
    ))
}

/// A directory for one case's databases. Each case makes and removes fresh ones: on a
/// memory-backed file system (Linux's /dev/shm) that costs no disk flushes, which would
/// otherwise take most of the run; elsewhere the system's temporary directory serves.
fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

/// The time of the first change of every case (a Monday morning, UTC).
const START: i64 = 1_736_154_000_000;

fn store_and_server_agree(steps: &[(i64, Op)]) -> Result<(), TestCaseError> {
    let dir = scratch();
    let store = Store::open(&dir.path().join("desk")).unwrap();
    let me = store
        .create_profile("Ada Admin", "ada@porch.test")
        .unwrap()
        .id;
    let mut names = Names {
        me: me.clone(),
        ali: "agent-ali".into(),
        messages: 0,
    };
    configure(&store, &names, true);
    // The server starts where the desktop does: its profile, the rules and the macro.
    let backend = SqliteBackend::open(&dir.path().join("server")).unwrap();
    let storage = Storage::new(Arc::new(backend));
    let first = store.canonical_dump().unwrap();
    storage.import_documents(&first).unwrap();
    let mut server = ServerSide {
        storage,
        client_id: "one-engine-desk".into(),
        next_mutation_id: 1,
        agents: BTreeMap::new(),
        cursor: 0,
    };
    server.catch_up();

    let mut given: BTreeSet<String> = BTreeSet::new();
    for d in &first {
        given.insert(d.key().id);
        strings_in(&serde_json::to_value(d).unwrap(), &mut given);
    }
    let ali = Mutation::SaveAgent {
        id: names.ali.clone(),
        name: "Ali Agent".into(),
        email: "ali@porch.test".into(),
        role: AgentRole::Agent,
        active: true,
    };
    let mut at = START;
    let mut log: Vec<String> = Vec::new();
    let start: Vec<Mutation> = std::iter::once(ali).chain(names.start()).collect();
    for m in &start {
        given_by(m, &mut given);
        refusal(store.apply_many_at(vec![m.clone()], at)).expect("the desk starts");
        server.push(&me, m, at).expect("the server starts");
    }
    for (i, (pause, op)) in steps.iter().enumerate() {
        at += pause;
        let Some(m) = names.mutation(op) else {
            store.run_time_rules(at).unwrap();
            server.storage.run_time_rules(at).unwrap();
            log.push(format!("{i}: time rules at {at}"));
            continue;
        };
        given_by(&m, &mut given);
        let desk = refusal(store.apply_many_at(vec![m.clone()], at));
        let on_server = server.push(&me, &m, at);
        log.push(format!("{i}: {} -> {desk:?}", m.name()));
        prop_assert_eq!(
            &desk,
            &on_server,
            "step {} refused differently: {:?}\nsteps so far:\n{}",
            i,
            m,
            log.join("\n")
        );
    }
    let desk = normalised(store.canonical_dump().unwrap(), &given);
    let on_server = normalised(canonical_dump(&server.storage).unwrap(), &given);
    if let Some(diff) = differences(&desk, &on_server) {
        return Err(TestCaseError::fail(format!(
            "the documents differ: {diff}\nsteps:\n{}",
            log.join("\n")
        )));
    }
    Ok(())
}

/// Cases of a property: `PROPTEST_CASES` when set, else `default`. A failing case is kept
/// in `proptest-regressions/<file>` and tried first from then on.
fn config(default: u32, file: &'static str) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(file))),
        // Each case opens databases; a failure shrinks for at most two minutes.
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(
        456,
        concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/one_engine_store_and_server.txt"),
    ))]

    /// Property A.
    #[test]
    fn a_standalone_desktop_and_the_server_make_the_same_documents(
        first in first_tickets(),
        then in prop::collection::vec((pause(), op(true)), 1..40),
    ) {
        store_and_server_agree(&[first, then].concat())?;
    }
}

// ---- B: two desktops offline, then synced with a real server -----------------------------

/// A change made on `desk` at `at`. A refusal is the desktop's answer; only a storage
/// failure fails the test.
fn apply_offline(desk: &Desk, m: Mutation, at: i64) {
    let _ = refusal(desk.store.apply_many_at(vec![m], at));
}

/// `first`: tickets Ada makes and both desktops pull; `offline`: changes by Ada (`false`) or
/// Ali (`true`) made while neither syncs.
fn offline_work_syncs_to_the_same_documents(
    first: &[(i64, Op)],
    offline: &[(bool, i64, Op)],
) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The server's own every-minute pass would race the comparison; time rules are A's.
    let s = Server::start_env(
        Backend::Sqlite,
        &[("PORCHLIGHT_TIME_RULES_INTERVAL_MS", "86400000")],
    );
    s.add_user("ada@porch.test", "Ada Admin", "admin");
    s.add_user("ali@porch.test", "Ali Agent", "agent");
    let ada = Desk::connect_in(&rt, &s, "ada@porch.test", scratch());
    let ali = Desk::connect_in(&rt, &s, "ali@porch.test", scratch());
    let (ada_doc, ali_doc) = (ada.agent.clone(), ali.agent.clone());
    let mut names = Names {
        me: ada_doc.id.clone(),
        ali: ali_doc.id.clone(),
        messages: 0,
    };
    // Each desktop learns of the other agent.
    ada.sync(&rt);
    configure(&ada.store, &names, false);
    // Offline work keeps its time when it is at most 30 days old and not in the future.
    let now = porchlight_store::now_ms();
    let mut at = now - 20 * DAY;
    for m in names.start() {
        ada.store
            .apply_many_at(vec![m], at)
            .expect("the desk starts");
    }
    for (pause, op) in first {
        at += pause;
        apply_offline(&ada, names.mutation(op).expect("a new ticket"), at);
    }
    ada.sync(&rt);
    ali.sync(&rt);
    for (by_ali, pause, op) in offline {
        at = (at + pause).min(now - MINUTE);
        let Some(mut m) = names.mutation(op) else {
            continue;
        };
        // Both accounts stay signed in (a deactivated agent's desktop is signed out).
        if let Mutation::SaveAgent { id, active, .. } = &mut m {
            if *id == ada_doc.id || *id == ali_doc.id {
                *active = true;
            }
        }
        if *by_ali {
            apply_offline(&ali, m, at);
        } else {
            apply_offline(&ada, m, at);
        }
    }
    ada.sync(&rt);
    ali.sync(&rt);
    ada.sync(&rt);
    // What a fresh desktop of Ada's would pull (her address may have changed meanwhile).
    let server = common::Client {
        url: s.url.clone(),
        token: ada.token.clone(),
        agent: serde_json::Value::Null,
        client_id: common::uuid(),
        next_id: 1,
    }
    .pull_all();
    for (who, desk) in [("Ada", &ada), ("Ali", &ali)] {
        prop_assert_eq!(
            desk.store.outbox_len().unwrap(),
            0,
            "{} has unsent work",
            who
        );
        if let Some(diff) = differences(&store_dump(&desk.store), &server) {
            return Err(TestCaseError::fail(format!("{who}'s desktop: {diff}")));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(
        56,
        concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/one_engine_offline_sync.txt"),
    ))]

    /// Property B.
    #[test]
    fn offline_work_of_two_desktops_syncs_to_the_same_documents(
        first in first_tickets(),
        offline in prop::collection::vec((any::<bool>(), pause(), op(false)), 1..30),
    ) {
        offline_work_syncs_to_the_same_documents(&first, &offline)?;
    }
}
