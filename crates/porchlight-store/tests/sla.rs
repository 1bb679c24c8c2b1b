//! SLA deadlines stored on tickets, on a real SQLite file: set when a ticket is created,
//! recomputed on every relevant change (reply, customer message, pause, priority, solve,
//! a new or deleted policy), read by the "At risk" / "Breached" views and "next deadline"
//! sort, and crossed by the every-minute pass.

use porchlight_domain::config::ConfigMutation;
use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::notify::NotificationKind;
use porchlight_domain::sla::{
    SlaConditions, SlaPhase, SlaPolicy, SlaStatus, SlaTargets, SlaTargetsByPriority,
};
use porchlight_domain::{
    Channel, MessageKind, Mutation, Priority, SortKey, TicketStatus, TicketType,
};
use porchlight_store::{new_id, Store};

const MIN: i64 = 60_000;

fn store() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let me = s
        .create_profile("Deniz Admin", "deniz@example.com")
        .unwrap()
        .id;
    (dir, s, me)
}

fn targets(first: u32, next: u32, resolution: u32) -> SlaTargets {
    SlaTargets {
        first_response: Some(first),
        next_response: Some(next),
        resolution: Some(resolution),
    }
}

/// Around the clock: normal 60 / 120 / 480 minutes, urgent 10 / 30 / 120; at risk 15
/// minutes before.
fn policy(id: &str, position: i64, conditions: SlaConditions) -> SlaPolicy {
    SlaPolicy {
        id: id.into(),
        name: format!("Policy {id}"),
        position,
        conditions,
        targets: SlaTargetsByPriority {
            low: targets(240, 480, 2400),
            normal: targets(60, 120, 480),
            high: targets(30, 60, 240),
            urgent: targets(10, 30, 120),
        },
        calendar_id: None,
        warning_minutes: 15,
    }
}

fn ticket(s: &Store, subject: &str, priority: Priority, tags: &[&str]) -> String {
    let id = new_id();
    s.apply(Mutation::CreateTicket {
        ticket_id: id.clone(),
        message_id: new_id(),
        subject: subject.into(),
        requester: RequesterRef::New {
            id: new_id(),
            name: "Shirin Rahimi".into(),
            email: Some(format!("{}@example.com", &id[..8])),
            phone: None,
        },
        channel: Channel::Email,
        priority,
        ticket_type: TicketType::Question,
        assignee_id: None,
        group_id: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        body_text: "Where is my order?".into(),
        attachment_ids: vec![],
        outbound: false,
    })
    .unwrap();
    id
}

fn fields(s: &Store, id: &str, f: TicketFieldChanges) {
    s.apply(Mutation::SetTicketFields {
        ticket_id: id.into(),
        changes: f,
    })
    .unwrap();
}

fn reply(s: &Store, id: &str, kind: MessageKind) {
    s.apply(Mutation::AddMessage {
        message_id: new_id(),
        ticket_id: id.into(),
        kind,
        from_customer: false,
        body_text: "Thanks, looking into it.".into(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    })
    .unwrap();
}

/// (due, warn) as stored, relative to the ticket's creation.
fn stored(s: &Store, id: &str) -> (Option<i64>, Option<i64>) {
    let t = s.ticket(id).unwrap();
    let c = t.summary.created_at;
    (
        t.summary.sla_due_at.map(|d| d - c),
        t.summary.sla_warn_at.map(|w| w - c),
    )
}

fn count(s: &Store, view: &str, now: i64) -> i64 {
    s.views_at(now)
        .unwrap()
        .into_iter()
        .find(|v| v.id == view)
        .unwrap()
        .count
}

#[test]
fn deadlines_follow_the_ticket_and_the_policies() {
    let (_d, s, _me) = store();
    let a = ticket(&s, "Order missing", Priority::Normal, &[]);
    // No policy yet: nothing due.
    assert_eq!(stored(&s, &a), (None, None));
    assert!(s.ticket_detail(&a, &[]).unwrap().sla.is_none());

    // A new policy covers the tickets already open.
    s.apply_config(ConfigMutation::SaveSlaPolicy {
        policy: policy("std", 10, SlaConditions::default()),
    })
    .unwrap();
    assert_eq!(stored(&s, &a), (Some(60 * MIN), Some(45 * MIN)));
    let detail = s.ticket_detail(&a, &[]).unwrap().sla.unwrap();
    assert_eq!(detail.policy_name, "Policy std");
    assert_eq!(detail.state.first_response.phase, SlaPhase::Running);

    // An internal note is not a response; a public reply meets the first response, and the
    // resolution deadline (480 minutes) is next.
    reply(&s, &a, MessageKind::Note);
    assert_eq!(stored(&s, &a).0, Some(60 * MIN));
    reply(&s, &a, MessageKind::Reply);
    assert_eq!(stored(&s, &a), (Some(480 * MIN), Some(465 * MIN)));
    let detail = s.ticket_detail(&a, &[]).unwrap().sla.unwrap();
    assert!(detail.state.first_response.met);

    // Pending pauses every clock: nothing is due, no badge.
    fields(
        &s,
        &a,
        TicketFieldChanges {
            status: Some(TicketStatus::Pending),
            ..Default::default()
        },
    );
    assert_eq!(stored(&s, &a), (None, None));

    // Back to open: resolution runs again (the paused time does not count, so the deadline
    // moves out by the pause, which here is a few milliseconds at most).
    fields(
        &s,
        &a,
        TicketFieldChanges {
            status: Some(TicketStatus::Open),
            ..Default::default()
        },
    );
    let (due, _) = stored(&s, &a);
    assert!((480 * MIN..481 * MIN).contains(&due.unwrap()), "{due:?}");

    // A priority change applies the new targets from the start: urgent resolution is 120.
    fields(
        &s,
        &a,
        TicketFieldChanges {
            priority: Some(Priority::Urgent),
            ..Default::default()
        },
    );
    let (due, warn) = stored(&s, &a);
    assert!((120 * MIN..121 * MIN).contains(&due.unwrap()), "{due:?}");
    assert_eq!(due.unwrap() - warn.unwrap(), 15 * MIN);

    // Solved: the SLA stops, the view still tells what happened.
    fields(
        &s,
        &a,
        TicketFieldChanges {
            status: Some(TicketStatus::Solved),
            ..Default::default()
        },
    );
    assert_eq!(stored(&s, &a), (None, None));
    let detail = s.ticket_detail(&a, &[]).unwrap().sla.unwrap();
    assert!(detail.state.resolution.met);

    // A more specific policy first in order takes over the tickets it matches; deleting it
    // hands them back.
    let vip = ticket(&s, "VIP waiting", Priority::Normal, &["vip"]);
    assert_eq!(stored(&s, &vip).0, Some(60 * MIN));
    let mut fast = policy(
        "vip",
        1,
        SlaConditions {
            tags_any: vec!["vip".into()],
            ..Default::default()
        },
    );
    fast.targets.normal = targets(5, 30, 60);
    s.apply_config(ConfigMutation::SaveSlaPolicy { policy: fast })
        .unwrap();
    // Its 15-minute warning is longer than the 5-minute target: at risk from the start.
    assert_eq!(stored(&s, &vip), (Some(5 * MIN), Some(0)));
    // Removing the tag takes it out of the VIP policy.
    s.apply(Mutation::RemoveTag {
        ticket_id: vip.clone(),
        tag: "vip".into(),
    })
    .unwrap();
    assert_eq!(stored(&s, &vip).0, Some(60 * MIN));
    s.apply_config(ConfigMutation::DeleteSlaPolicy { id: "std".into() })
        .unwrap();
    assert_eq!(stored(&s, &vip), (None, None));
}

#[test]
fn views_sort_and_the_every_minute_pass_read_the_stored_deadlines() {
    let (_d, s, me) = store();
    s.apply_config(ConfigMutation::SaveSlaPolicy {
        policy: policy("std", 10, SlaConditions::default()),
    })
    .unwrap();
    let normal = ticket(&s, "Normal one", Priority::Normal, &[]);
    let urgent = ticket(&s, "Urgent one", Priority::Urgent, &[]);
    let low = ticket(&s, "Low one", Priority::Low, &[]);
    let answered = ticket(&s, "Answered", Priority::Normal, &[]);
    reply(&s, &answered, MessageKind::Reply);
    fields(
        &s,
        &answered,
        TicketFieldChanges {
            status: Some(TicketStatus::Pending),
            ..Default::default()
        },
    );
    let t0 = s.ticket(&normal).unwrap().summary.created_at;

    // Urgent (10 minutes, a 15-minute warning) is at risk from the start; nothing breached.
    assert_eq!(count(&s, "at_risk", t0 + MIN), 1);
    assert_eq!(count(&s, "breached", t0 + MIN), 0);
    // Normal is at risk from 45 minutes; by then urgent breached.
    assert_eq!(count(&s, "at_risk", t0 + 44 * MIN), 0);
    assert_eq!(count(&s, "at_risk", t0 + 50 * MIN), 1);
    assert_eq!(count(&s, "breached", t0 + 50 * MIN), 1);
    // After 61 minutes the normal one breached too; the low one (240) is still on track and
    // the pending one has nothing due.
    assert_eq!(count(&s, "breached", t0 + 61 * MIN), 2);
    assert_eq!(count(&s, "at_risk", t0 + 61 * MIN), 0);
    let breached = s
        .ticket_page_at("breached", SortKey::Due, None, 50, t0 + 61 * MIN)
        .unwrap();
    let subjects: Vec<_> = breached.rows.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(subjects, ["Urgent one", "Normal one"]);

    // Sort by next deadline: soonest first, nothing due last, and the keyset cursor pages
    // through it without repeating or skipping.
    let mut order = Vec::new();
    let mut cursor = None;
    loop {
        let page = s
            .ticket_page_at("unassigned", SortKey::Due, cursor.as_ref(), 1, t0)
            .unwrap();
        order.extend(page.rows.iter().map(|r| r.id.clone()));
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(
        order,
        [
            urgent.clone(),
            normal.clone(),
            low.clone(),
            answered.clone()
        ]
    );

    // The every-minute pass reports each crossing once (urgent is at risk from its start).
    assert!(s.sla_pass(t0 - MIN).unwrap().is_empty());
    let first = s.sla_pass(t0 + 5 * MIN).unwrap();
    assert_eq!(
        first
            .iter()
            .map(|c| (c.subject.as_str(), c.status))
            .collect::<Vec<_>>(),
        [("Urgent one", SlaStatus::AtRisk)]
    );
    assert!(s.sla_pass(t0 + 5 * MIN).unwrap().is_empty());
    let later = s.sla_pass(t0 + 61 * MIN).unwrap();
    assert_eq!(
        later
            .iter()
            .map(|c| (c.subject.as_str(), c.status))
            .collect::<Vec<_>>(),
        [
            ("Urgent one", SlaStatus::Breached),
            ("Normal one", SlaStatus::AtRisk),
            ("Normal one", SlaStatus::Breached),
        ]
    );
    // Assigned tickets carry their assignee for notifications.
    fields(
        &s,
        &low,
        TicketFieldChanges {
            assignee_id: Some(Some(me.clone())),
            ..Default::default()
        },
    );
    let low_warn = s.sla_pass(t0 + 230 * MIN).unwrap();
    assert_eq!(low_warn.len(), 1);
    assert_eq!(low_warn[0].assignee_id.as_deref(), Some(me.as_str()));

    // Each crossing of this agent's work is a notification, once: on a desktop with no
    // server the unassigned tickets are this agent's too.
    let kinds: Vec<(String, NotificationKind)> = s
        .notifications(None, 50)
        .unwrap()
        .items
        .into_iter()
        .map(|n| (n.ticket_subject, n.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Low one".to_string(), NotificationKind::SlaWarning),
            ("Normal one".to_string(), NotificationKind::SlaBreach),
            ("Normal one".to_string(), NotificationKind::SlaWarning),
            ("Urgent one".to_string(), NotificationKind::SlaBreach),
            ("Urgent one".to_string(), NotificationKind::SlaWarning),
        ]
    );
    assert!(s.sla_pass(t0 + 231 * MIN).unwrap().is_empty());
    assert_eq!(s.notifications(None, 50).unwrap().items.len(), 5);
}

#[test]
fn recomputing_every_ticket_at_once_agrees_with_ticket_by_ticket() {
    let (_d, s, me) = store();
    s.apply_config(ConfigMutation::SaveSlaPolicy {
        policy: policy("std", 10, SlaConditions::default()),
    })
    .unwrap();
    let mut vip = policy(
        "vip",
        1,
        SlaConditions {
            tags_any: vec!["vip".into()],
            ..Default::default()
        },
    );
    vip.targets.high = targets(5, 10, 20);
    s.apply_config(ConfigMutation::SaveSlaPolicy {
        policy: vip.clone(),
    })
    .unwrap();
    // Varied histories, each computed ticket by ticket as it happens.
    let mut ids = Vec::new();
    for (i, p) in [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ]
    .into_iter()
    .enumerate()
    {
        let tags: &[&str] = if i % 2 == 0 { &["vip"] } else { &[] };
        let id = ticket(&s, &format!("Ticket {i}"), p, tags);
        if i >= 1 {
            reply(&s, &id, MessageKind::Reply);
        }
        if i == 2 {
            fields(
                &s,
                &id,
                TicketFieldChanges {
                    status: Some(TicketStatus::OnHold),
                    ..Default::default()
                },
            );
        }
        if i == 3 {
            fields(
                &s,
                &id,
                TicketFieldChanges {
                    priority: Some(Priority::High),
                    assignee_id: Some(Some(me.clone())),
                    ..Default::default()
                },
            );
            s.apply(Mutation::AddMessage {
                message_id: new_id(),
                ticket_id: id.clone(),
                kind: MessageKind::Reply,
                from_customer: true,
                body_text: "Still broken.".into(),
                body_html: None,
                attachment_ids: vec![],
                cc: None,
            })
            .unwrap();
        }
        ids.push(id);
    }
    let before: Vec<_> = ids.iter().map(|id| stored(&s, id)).collect();
    assert!(before.iter().any(|(due, _)| due.is_some()));
    // Saving a policy again recomputes every open ticket in one sweep: same answers.
    s.apply_config(ConfigMutation::SaveSlaPolicy { policy: vip })
        .unwrap();
    let after: Vec<_> = ids.iter().map(|id| stored(&s, id)).collect();
    assert_eq!(before, after);
}

/// Tickets the view lists at `now` (the filter run over the tickets themselves).
fn listed(s: &Store, view: &str, now: i64) -> i64 {
    s.ticket_page_at(view, SortKey::Due, None, 500, now)
        .unwrap()
        .rows
        .len() as i64
}

/// The "At risk" and "Breached" counts come from a tally the every-minute pass moves along
/// the clock; they must name exactly the tickets the views list, whatever the order of
/// passes, changes and clock readings (earlier than the last pass included).
#[test]
fn sla_view_counts_match_the_listed_tickets_as_the_clock_and_the_tickets_move() {
    let (_d, s, me) = store();
    s.apply_config(ConfigMutation::SaveSlaPolicy {
        policy: policy("std", 10, SlaConditions::default()),
    })
    .unwrap();
    let priorities = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
        Priority::Urgent,
        Priority::Normal,
    ];
    let ids: Vec<String> = priorities
        .iter()
        .enumerate()
        .map(|(i, p)| ticket(&s, &format!("Ticket {i}"), *p, &[]))
        .collect();
    let t0 = s.ticket(&ids[0]).unwrap().summary.created_at;
    let check = |s: &Store, now: i64| {
        for view in ["at_risk", "breached"] {
            assert_eq!(
                count(s, view, now),
                listed(s, view, now),
                "{view} at {} minutes",
                (now - t0) / MIN
            );
        }
    };
    let mut seen_nonzero = (false, false);
    for step in 0..40 {
        let now = t0 + step * 7 * MIN;
        if step % 3 == 0 {
            s.sla_pass(now).unwrap();
        }
        match step {
            5 => fields(
                &s,
                &ids[0],
                TicketFieldChanges {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            ),
            8 => reply(&s, &ids[1], MessageKind::Reply),
            11 => {
                s.apply(Mutation::DeleteTicket {
                    ticket_id: ids[2].clone(),
                })
                .unwrap();
            }
            14 => fields(
                &s,
                &ids[3],
                TicketFieldChanges {
                    priority: Some(Priority::Urgent),
                    assignee_id: Some(Some(me.clone())),
                    ..Default::default()
                },
            ),
            17 => {
                s.apply(Mutation::AddMessage {
                    message_id: new_id(),
                    ticket_id: ids[0].clone(),
                    kind: MessageKind::Reply,
                    from_customer: true,
                    body_text: "It is still broken.".into(),
                    body_html: None,
                    attachment_ids: vec![],
                    cc: None,
                })
                .unwrap();
            }
            _ => {}
        }
        // The clock as the pass last saw it, before it, and after it.
        for at in [now, now - 30 * MIN, now + 3 * MIN] {
            check(&s, at);
            seen_nonzero.0 |= count(&s, "at_risk", at) > 0;
            seen_nonzero.1 |= count(&s, "breached", at) > 0;
        }
    }
    assert_eq!(
        seen_nonzero,
        (true, true),
        "the walk never saw a ticket at risk or breached"
    );
}
