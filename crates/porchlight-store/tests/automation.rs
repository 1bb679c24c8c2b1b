//! Standalone automation on a real SQLite file: triggers fire on the agent's changes, act as
//! "Rule <name>" in the timeline, fire once even when they would re-trigger themselves,
//! take turns in a group, reply with a macro's filled text, and a broken rule never blocks
//! the agent's own change.

use porchlight_domain::config::{ConfigMutation, Macro};
use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::{
    AgentRole, Channel, MessageKind, Mutation, Priority, TicketStatus, TicketType,
};
use porchlight_store::{new_id, Store};

fn store() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let me = s
        .create_profile("Deniz Admin", "deniz@example.com")
        .unwrap()
        .id;
    (dir, s, me)
}

fn rule(
    name: &str,
    position: i64,
    trigger: RuleTrigger,
    conditions: Vec<RuleCondition>,
    actions: Vec<RuleAction>,
) -> Rule {
    Rule {
        id: new_id(),
        name: name.into(),
        position,
        active: true,
        trigger,
        match_mode: MatchMode::All,
        conditions,
        actions,
    }
}

fn cond(field: RuleField, op: RuleOp, value: &str) -> RuleCondition {
    RuleCondition {
        field,
        op,
        value: value.into(),
    }
}

fn ticket(s: &Store, subject: &str, body: &str) -> String {
    let id = new_id();
    s.apply(Mutation::CreateTicket {
        ticket_id: id.clone(),
        message_id: new_id(),
        subject: subject.into(),
        requester: RequesterRef::New {
            id: new_id(),
            name: "Ayşe Yılmaz".into(),
            email: Some(format!("{}@example.com", &id[..8])),
            phone: None,
        },
        channel: Channel::Email,
        priority: Priority::Normal,
        ticket_type: TicketType::Question,
        assignee_id: None,
        group_id: None,
        tags: vec![],
        body_text: body.into(),
        attachment_ids: vec![],
        outbound: false,
    })
    .unwrap();
    id
}

#[test]
fn triggers_route_reply_and_never_loop() {
    let (_d, s, _me) = store();
    // A group of two agents to take turns.
    let group = new_id();
    s.apply(Mutation::SaveGroup {
        id: group.clone(),
        name: "Billing".into(),
        description: String::new(),
    })
    .unwrap();
    let mut agents = Vec::new();
    for name in ["Ali", "Bea"] {
        let id = new_id();
        s.apply(Mutation::SaveAgent {
            id: id.clone(),
            name: name.into(),
            email: format!("{}@example.com", name.to_lowercase()),
            role: AgentRole::Agent,
            active: true,
        })
        .unwrap();
        s.apply(Mutation::SetAgentGroups {
            agent_id: id.clone(),
            group_ids: vec![group.clone()],
        })
        .unwrap();
        agents.push(id);
    }
    agents.sort();
    let thanks = new_id();
    s.apply_config(ConfigMutation::SaveMacro {
        r#macro: Macro {
            id: thanks.clone(),
            name: "Got it".into(),
            owner_id: None,
            body: "Hello {{customer.first_name}}, we received {{ticket.number}}.".into(),
            set_status: None,
            set_priority: None,
            set_type: None,
            add_tags: vec![],
            updated_at: 0,
        },
    })
    .unwrap();
    s.apply_config(ConfigMutation::SaveRule {
        rule: rule(
            "Refunds to billing",
            1,
            RuleTrigger::Created,
            vec![cond(RuleField::Subject, RuleOp::Contains, "refund")],
            vec![
                RuleAction::SetGroup {
                    group_id: Some(group.clone()),
                },
                RuleAction::AssignRoundRobin {
                    group_id: group.clone(),
                },
                RuleAction::AddTags {
                    tags: vec!["refund".into()],
                },
                RuleAction::ReplyWithMacro {
                    macro_id: thanks.clone(),
                },
            ],
        ),
    })
    .unwrap();
    // Would add a note on every update of a tagged ticket, including its own.
    s.apply_config(ConfigMutation::SaveRule {
        rule: rule(
            "Note refunds",
            2,
            RuleTrigger::CreatedOrUpdated,
            vec![cond(RuleField::Tags, RuleOp::Contains, "refund")],
            vec![RuleAction::AddNote {
                text: "Check the payment provider first.".into(),
            }],
        ),
    })
    .unwrap();

    let t1 = ticket(&s, "Refund please", "Charged twice.");
    let t2 = ticket(&s, "REFUND for order 7", "Where is my money?");
    let other = ticket(&s, "Login problem", "Cannot sign in.");

    let d1 = s.ticket_detail(&t1, &[]).unwrap();
    let d2 = s.ticket_detail(&t2, &[]).unwrap();
    assert_eq!(d1.ticket.summary.group_id.as_deref(), Some(group.as_str()));
    assert_eq!(
        (
            d1.ticket.summary.assignee_id.clone(),
            d2.ticket.summary.assignee_id.clone()
        ),
        (Some(agents[0].clone()), Some(agents[1].clone())),
        "round robin takes turns"
    );
    let texts = |d: &porchlight_domain::TicketDetail, kind: MessageKind| {
        d.messages
            .iter()
            .filter(|m| m.kind == kind && m.author_name.starts_with("Rule "))
            .map(|m| (m.author_name.clone(), m.body_text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts(&d1, MessageKind::Reply),
        vec![(
            "Rule Refunds to billing".to_string(),
            "Hello Ayşe, we received #1001.".to_string()
        )]
    );
    assert_eq!(
        texts(&d1, MessageKind::Note),
        vec![(
            "Rule Note refunds".to_string(),
            "Check the payment provider first.".to_string()
        )],
        "fires once although its own note updates the ticket"
    );
    assert!(d1
        .events
        .iter()
        .any(|e| e.actor_name == "Rule Refunds to billing" && e.field == "group"));
    assert!(s
        .ticket_detail(&other, &[])
        .unwrap()
        .ticket
        .summary
        .group_id
        .is_none());

    // The agent's later change runs "updated" rules once more (one more note), no others.
    s.apply(Mutation::SetTicketFields {
        ticket_id: t1.clone(),
        changes: TicketFieldChanges {
            priority: Some(Priority::High),
            ..Default::default()
        },
    })
    .unwrap();
    let d1 = s.ticket_detail(&t1, &[]).unwrap();
    assert_eq!(texts(&d1, MessageKind::Note).len(), 2);
    assert_eq!(texts(&d1, MessageKind::Reply).len(), 1);
}

#[test]
fn a_broken_rule_never_blocks_the_agent() {
    let (_d, s, _me) = store();
    s.apply_config(ConfigMutation::SaveRule {
        rule: rule(
            "Route to a deleted group",
            1,
            RuleTrigger::Created,
            vec![cond(RuleField::Status, RuleOp::Is, "new")],
            vec![
                RuleAction::SetPriority {
                    priority: Priority::Urgent,
                },
                RuleAction::SetGroup {
                    group_id: Some("no-such-group".into()),
                },
            ],
        ),
    })
    .unwrap();
    let t = ticket(&s, "Anything", "Text.");
    let d = s.ticket_detail(&t, &[]).unwrap();
    assert_eq!(d.ticket.summary.subject, "Anything");
    assert_eq!(
        d.ticket.summary.priority,
        Priority::Normal,
        "the rule's actions are all or nothing"
    );
    let failed = d.events.iter().find(|e| e.field == "rule_failed").unwrap();
    assert_eq!(failed.actor_name, "Rule Route to a deleted group");
    assert!(failed.new_value.as_deref().unwrap().contains("group"));
    assert_eq!(d.ticket.summary.status, TicketStatus::New);

    // Refused at save: an invalid rule never reaches the store.
    let err = s
        .apply_config(ConfigMutation::SaveRule {
            rule: rule(
                "Bad",
                2,
                RuleTrigger::Created,
                vec![cond(RuleField::Status, RuleOp::Is, "nope")],
                vec![RuleAction::AddNote { text: "x".into() }],
            ),
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("'nope' is not a valid value"),
        "{err}"
    );
    assert_eq!(s.rules().unwrap().len(), 1);
}

#[test]
fn the_every_minute_pass_applies_time_rules_once() {
    let (_d, s, _me) = store();
    s.apply_config(ConfigMutation::SaveRule {
        rule: rule(
            "Close quiet pending tickets",
            1,
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
                    text: "Solved after three days without an answer.".into(),
                },
            ],
        ),
    })
    .unwrap();
    let waiting = ticket(&s, "Waiting on the customer", "Text.");
    let open = ticket(&s, "Still open", "Text.");
    s.apply(Mutation::SetTicketFields {
        ticket_id: waiting.clone(),
        changes: TicketFieldChanges {
            status: Some(TicketStatus::Pending),
            ..Default::default()
        },
    })
    .unwrap();
    let now = porchlight_store::now_ms();
    let h = 3_600_000;
    let early = s.run_time_rules(now + 71 * h).unwrap();
    assert_eq!((early.checked, early.fired), (2, 0));
    let pass = s.run_time_rules(now + 73 * h).unwrap();
    assert_eq!((pass.checked, pass.fired), (2, 1));
    let d = s.ticket_detail(&waiting, &[]).unwrap();
    assert_eq!(d.ticket.summary.status, TicketStatus::Solved);
    assert!(d
        .messages
        .iter()
        .any(|m| m.author_name == "Rule Close quiet pending tickets"
            && m.body_text == "Solved after three days without an answer."));
    assert_eq!(
        s.ticket_detail(&open, &[]).unwrap().ticket.summary.status,
        TicketStatus::New
    );
    // The rule undid its own match: the next minute fires nothing.
    assert_eq!(s.run_time_rules(now + 74 * h).unwrap().fired, 0);
}

#[test]
fn business_hours_come_from_the_tickets_sla_calendar() {
    use porchlight_domain::sla::{
        BusinessCalendar, Holiday, SlaConditions, SlaPolicy, SlaTargets, SlaTargetsByPriority,
        WeeklyHours,
    };
    let (_d, s, _me) = store();
    let calendar = BusinessCalendar {
        id: "warsaw-office".into(),
        name: "Warsaw office".into(),
        time_zone: "Europe/Warsaw".into(),
        hours: WeeklyHours::weekdays(&[("09:00", "17:00")]),
        holidays: vec![Holiday::new("2026-12-24", "Wigilia")],
    };
    let policy = SlaPolicy {
        id: "standard".into(),
        name: "Standard".into(),
        position: 0,
        conditions: SlaConditions::default(),
        targets: SlaTargetsByPriority::uniform(SlaTargets {
            first_response: Some(240),
            next_response: None,
            resolution: None,
        }),
        calendar_id: Some("warsaw-office".into()),
        warning_minutes: 60,
    };
    // A policy needs its calendar first.
    assert!(s
        .apply_config(ConfigMutation::SaveSlaPolicy {
            policy: policy.clone()
        })
        .is_err());
    s.apply_config(ConfigMutation::SaveCalendar { calendar })
        .unwrap();
    s.apply_config(ConfigMutation::SaveSlaPolicy { policy })
        .unwrap();
    let err = s
        .apply_config(ConfigMutation::DeleteCalendar {
            id: "warsaw-office".into(),
        })
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("\"Standard\" counts in this calendar"),
        "{err}"
    );
    s.apply_config(ConfigMutation::SaveRule {
        rule: rule(
            "Pick up in office hours",
            1,
            RuleTrigger::Time,
            vec![
                cond(RuleField::Status, RuleOp::Is, "new"),
                cond(RuleField::WithinBusinessHours, RuleOp::Is, "true"),
            ],
            vec![RuleAction::SetStatus {
                status: TicketStatus::Open,
            }],
        ),
    })
    .unwrap();
    let t = ticket(&s, "Question", "Text.");
    // Saturday 28 Nov 2026, 12:00 in Warsaw (11:00 UTC): closed.
    let saturday = 1_795_863_600_000;
    assert_eq!(s.run_time_rules(saturday).unwrap().fired, 0);
    // Thursday 24 Dec 2026, 10:00 in Warsaw: a holiday, closed.
    let wigilia = 1_798_102_800_000;
    assert_eq!(s.run_time_rules(wigilia).unwrap().fired, 0);
    // Monday 30 Nov 2026, 10:00 in Warsaw (09:00 UTC): open.
    let monday = 1_796_029_200_000;
    assert_eq!(s.run_time_rules(monday).unwrap().fired, 1);
    assert_eq!(
        s.ticket_detail(&t, &[]).unwrap().ticket.summary.status,
        TicketStatus::Open
    );
}
