//! The every-minute pass on a standalone desktop: time rules run here (no server), and SLA
//! crossings are found once each.

use porchlight_domain::config::ConfigMutation;
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::sla::SlaStatus;
use porchlight_domain::{Channel, Mutation, Priority, TicketType};
use porchlight_store::{new_id, Store};

#[test]
fn a_standalone_pass_runs_time_rules_and_reports_sla_crossings() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .create_profile("Leyla Admin", "leyla@example.com")
        .unwrap();
    store
        .apply_config(ConfigMutation::SaveSlaPolicy {
            policy: porchlight_store::demo::demo_sla_policy(),
        })
        .unwrap();
    store
        .apply_config(ConfigMutation::SaveRule {
            rule: Rule {
                id: new_id(),
                name: "Escalate after an hour".into(),
                position: 1,
                active: true,
                trigger: RuleTrigger::Time,
                match_mode: MatchMode::All,
                conditions: vec![
                    RuleCondition {
                        field: RuleField::Priority,
                        op: RuleOp::Is,
                        value: "low".into(),
                    },
                    RuleCondition {
                        field: RuleField::HoursSinceCreated,
                        op: RuleOp::GreaterThan,
                        value: "1".into(),
                    },
                ],
                actions: vec![RuleAction::SetPriority {
                    priority: Priority::Urgent,
                }],
            },
        })
        .unwrap();
    let id = new_id();
    store
        .apply(Mutation::CreateTicket {
            ticket_id: id.clone(),
            message_id: new_id(),
            subject: "Printer on fire".into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Marek Nowak".into(),
                email: Some("marek@example.com".into()),
                phone: None,
            },
            channel: Channel::Phone,
            priority: Priority::Low,
            ticket_type: TicketType::Incident,
            assignee_id: None,
            group_id: None,
            tags: vec![],
            body_text: "Smoke everywhere.".into(),
            attachment_ids: vec![],
            outbound: false,
        })
        .unwrap();
    let created = store.ticket(&id).unwrap().summary.created_at;
    let hour = 3_600_000;
    // Low: first response within 24 hours; nothing crosses in the first minute.
    let first = porchlight_app::minute::run_once(&store, created + 60_000).unwrap();
    assert_eq!(first.rules_fired, 0);
    assert!(first.crossings.is_empty(), "{:?}", first.crossings);
    assert_eq!(
        store.ticket(&id).unwrap().summary.sla_due_at,
        Some(created + 24 * hour)
    );
    // Two hours on the rule escalates it to urgent, whose one-hour target the two hours
    // already exceed: it breaches at the change.
    let escalated = porchlight_app::minute::run_once(&store, created + 2 * hour).unwrap();
    assert_eq!(escalated.rules_fired, 1);
    let t = store.ticket(&id).unwrap();
    assert_eq!(t.summary.priority, Priority::Urgent);
    assert_eq!(t.summary.sla_due_at, Some(created + 2 * hour));
    // The next pass reports the breach, once.
    let next = porchlight_app::minute::run_once(&store, created + 2 * hour + 60_000).unwrap();
    assert_eq!(
        next.crossings
            .iter()
            .map(|c| (c.subject.as_str(), c.status))
            .collect::<Vec<_>>(),
        [("Printer on fire", SlaStatus::Breached)]
    );
    assert!(
        porchlight_app::minute::run_once(&store, created + 2 * hour + 120_000)
            .unwrap()
            .crossings
            .is_empty()
    );
}
