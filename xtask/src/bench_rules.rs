//! `cargo xtask bench rules`: automation at scale.
//! - `sla_rules_pass_100k_ms`: the every-minute pass of the time rules over 100k open
//!   tickets in a desktop store (standalone), in steady state (median of five passes after
//!   the first pass has caught up); the catch-up pass is reported apart.
//! - `rule_eval_p95_ms`: deciding which of 50 triggers fire for one ticket event (the
//!   domain engine alone), and `ticket_update_with_rules_p95_ms`: an agent's change applied
//!   with those 50 triggers in the store, effects included.

use anyhow::{bail, Result};
use porchlight_domain::config::ConfigMutation;
use porchlight_domain::docs::TicketDoc;
use porchlight_domain::mutation::TicketFieldChanges;
use porchlight_domain::rules::{
    run_triggers, MatchMode, Rule, RuleAction, RuleCondition, RuleEnv, RuleEvent, RuleField,
    RuleOp, RuleTrigger, TicketFacts,
};
use porchlight_domain::{Channel, Mutation, Priority, SortKey, TicketStatus, TicketType};
use porchlight_store::demo::SeedOptions;
use porchlight_store::{new_id, now_ms, Store};

use crate::bench_util::{median, p95, timed};

/// 60% of generated tickets are open, pending or on hold.
const TICKETS: usize = 167_000;

fn cond(field: RuleField, op: RuleOp, value: &str) -> RuleCondition {
    RuleCondition {
        field,
        op,
        value: value.into(),
    }
}

fn rule(
    name: String,
    position: i64,
    trigger: RuleTrigger,
    conditions: Vec<RuleCondition>,
    actions: Vec<RuleAction>,
) -> Rule {
    Rule {
        id: new_id(),
        name,
        position,
        active: true,
        trigger,
        match_mode: MatchMode::All,
        conditions,
        actions,
    }
}

/// Istanbul office hours, Monday to Friday 09:00–18:00 with a lunch break, and two holidays.
fn bench_calendar() -> porchlight_domain::sla::BusinessCalendar {
    use porchlight_domain::sla::{BusinessCalendar, Holiday, WeeklyHours};
    BusinessCalendar {
        id: "istanbul-office".into(),
        name: "Istanbul office".into(),
        time_zone: "Europe/Istanbul".into(),
        hours: WeeklyHours::weekdays(&[("09:00", "12:30"), ("13:30", "18:00")]),
        holidays: vec![
            Holiday::new("2026-10-29", "Republic Day"),
            Holiday::new("2027-01-01", "New Year"),
        ],
    }
}

/// Time rules a helpdesk typically has.
fn time_rules() -> Vec<Rule> {
    vec![
        rule(
            "Solve quiet pending tickets".into(),
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
        rule(
            "Escalate unassigned".into(),
            2,
            RuleTrigger::Time,
            vec![
                cond(RuleField::Assignee, RuleOp::Is, ""),
                cond(RuleField::HoursSinceCreated, RuleOp::GreaterThan, "1"),
                cond(RuleField::Priority, RuleOp::LessThan, "high"),
            ],
            vec![RuleAction::SetPriority {
                priority: Priority::High,
            }],
        ),
        rule(
            "Flag stale on-hold".into(),
            3,
            RuleTrigger::Time,
            vec![
                cond(RuleField::Status, RuleOp::Is, "on_hold"),
                cond(RuleField::HoursSinceUpdated, RuleOp::GreaterThan, "336"),
                cond(RuleField::Tags, RuleOp::NotContains, "stale"),
            ],
            vec![RuleAction::AddTags {
                tags: vec!["stale".into()],
            }],
        ),
    ]
}

/// 50 triggers on varied fields; a few match a typical update.
pub(crate) fn triggers() -> Vec<Rule> {
    (0..50)
        .map(|i| {
            let conditions = match i % 5 {
                0 => vec![cond(
                    RuleField::Subject,
                    RuleOp::Contains,
                    &format!("order {i}"),
                )],
                1 => vec![
                    cond(RuleField::Priority, RuleOp::ChangedTo, "urgent"),
                    cond(RuleField::Tags, RuleOp::NotContains, &format!("esc{i}")),
                ],
                2 => vec![cond(RuleField::Channel, RuleOp::Is, "chat")],
                3 => vec![
                    cond(RuleField::Status, RuleOp::Changed, ""),
                    cond(RuleField::AuthorKind, RuleOp::Is, "customer"),
                ],
                _ => vec![cond(RuleField::Tags, RuleOp::Contains, &format!("vip{i}"))],
            };
            rule(
                format!("Trigger {i}"),
                i,
                RuleTrigger::CreatedOrUpdated,
                conditions,
                vec![RuleAction::AddTags {
                    tags: vec![format!("esc{i}")],
                }],
            )
        })
        .collect()
}

struct NoEnv;
impl RuleEnv for NoEnv {
    fn round_robin(&mut self, _: &str) -> Option<String> {
        None
    }
    fn fewest_open(&mut self, _: &str) -> Option<String> {
        None
    }
    fn macro_reply(&mut self, _: &str, _: &TicketDoc) -> Option<String> {
        None
    }
    fn new_id(&mut self) -> String {
        new_id()
    }
}

fn sample_ticket(i: usize) -> TicketDoc {
    TicketDoc {
        id: format!("t{i}"),
        number: Some(1000 + i as i64),
        subject: format!("Question about order {}", i % 97),
        status: TicketStatus::Open,
        priority: if i.is_multiple_of(3) {
            Priority::Urgent
        } else {
            Priority::Normal
        },
        ticket_type: TicketType::Question,
        channel: if i.is_multiple_of(4) {
            Channel::Chat
        } else {
            Channel::Email
        },
        requester_id: "c".into(),
        assignee_id: None,
        group_id: None,
        tags: vec![format!("vip{}", i % 50)],
        language: "en".into(),
        preview: String::new(),
        message_count: 3,
        created_at: 0,
        updated_at: 0,
        first_response_at: None,
        last_customer_message_at: None,
        last_agent_reply_at: None,
        solved_at: None,
        reopen_count: 0,
        merged_into_id: None,
        deleted_at: None,
        version: 1,
    }
}

pub fn run(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    // The engine alone: 50 triggers, one ticket event each.
    let rules: Vec<Rule> = triggers()
        .into_iter()
        .map(Rule::validated)
        .collect::<Result<_, _>>()?;
    let mut evals = Vec::new();
    let mut fired = 0;
    for i in 0..5000 {
        let after = sample_ticket(i);
        let mut before = after.clone();
        before.priority = Priority::Normal;
        before.status = TicketStatus::New;
        let facts = TicketFacts {
            ticket: after,
            organization_id: None,
            status_since: 0,
            assigned_at: None,
            within_business_hours: true,
            satisfaction: None,
        };
        let event = RuleEvent {
            kind: RuleTrigger::Updated,
            before: Some(&before),
            author: Some(porchlight_domain::AuthorKind::Customer),
            rated: None,
            now: 1,
        };
        let (f, ms) = timed(|| run_triggers(&rules, &facts, &event, &mut NoEnv));
        fired += f.len();
        evals.push(ms);
    }
    if fired == 0 {
        bail!("no trigger fired: the benchmark measured no work");
    }
    put("rule_eval_p95_ms", p95(evals), "ms");

    // A desktop store with 100k open tickets.
    let dir = crate::target_dir().join("bench/rules-store");
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir)?;
    store.create_profile("Bench Admin", "admin@porchlight.example")?;
    println!("seeding {TICKETS} tickets into {} …", dir.display());
    porchlight_store::demo::seed(
        &store,
        &SeedOptions {
            tickets: TICKETS,
            messages_per_ticket: 2,
            seed: 7,
        },
    )?;
    for r in time_rules().into_iter().chain(triggers()) {
        store.apply_config(ConfigMutation::SaveRule { rule: r })?;
    }
    // SLA in business hours: saving the calendar-based policy recomputes every open
    // ticket's deadlines in the same transaction.
    store.apply_config(ConfigMutation::SaveCalendar {
        calendar: bench_calendar(),
    })?;
    let mut policy = porchlight_store::demo::demo_sla_policy();
    policy.id = "business-hours".into();
    policy.name = "Business hours".into();
    policy.position = 1;
    policy.calendar_id = Some("istanbul-office".into());
    policy.conditions.priorities = vec![Priority::Normal, Priority::Low];
    let (saved, recompute_ms) =
        timed(|| store.apply_config(ConfigMutation::SaveSlaPolicy { policy }));
    saved?;
    println!("SLA deadlines of every open ticket recomputed in {recompute_ms:.0} ms");
    put("sla_recompute_all_100k_ms", recompute_ms, "ms");

    let now = now_ms();
    let (first, catch_up_ms) = timed(|| store.run_time_rules(now));
    let first = first?;
    println!(
        "catch-up pass: {} open tickets, {} rule firings in {catch_up_ms:.0} ms",
        first.checked, first.fired
    );
    if first.checked < 100_000 {
        bail!(
            "only {} open tickets; expected at least 100k",
            first.checked
        );
    }
    put("rules_catch_up_pass_ms", catch_up_ms, "ms");
    store.sla_pass(now)?;
    // The every-minute pass: time rules over every open ticket, then the SLA crossings.
    let mut passes = Vec::new();
    let mut crossings = 0;
    for minute in 1..=5 {
        let at = now + minute * 60_000;
        let (p, ms) = timed(|| -> anyhow::Result<usize> {
            store.run_time_rules(at)?;
            Ok(store.sla_pass(at)?.len())
        });
        crossings += p?;
        passes.push(ms);
    }
    println!("five minute passes: {crossings} SLA crossings");
    put("sla_rules_pass_100k_ms", median(passes), "ms");

    // An agent's change with the 50 triggers (and 3 time rules) configured.
    let page = store.ticket_page("open", SortKey::Updated, None, 50)?;
    let mut updates = Vec::new();
    for (i, row) in page.rows.iter().enumerate().cycle().take(200) {
        let priority = if i % 2 == 0 {
            Priority::Urgent
        } else {
            Priority::Low
        };
        let m = Mutation::SetTicketFields {
            ticket_id: row.id.clone(),
            changes: TicketFieldChanges {
                priority: Some(priority),
                ..Default::default()
            },
        };
        let (r, ms) = timed(|| store.apply(m));
        r?;
        updates.push(ms);
    }
    put("ticket_update_with_rules_p95_ms", p95(updates), "ms");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
