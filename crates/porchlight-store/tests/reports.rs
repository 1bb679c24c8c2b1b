//! Reports on a real SQLite file: the figures read from the report rows the store keeps on
//! write equal a brute-force count from the raw tickets, messages and audit events, for
//! random ticket histories (replies, notes, pauses, reopens, priority changes, merges,
//! deletes) applied at random times.

use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::records::{RatingVia, SurveyKind};
use porchlight_domain::reports::{PeopleBy, ReportFilter, ReportRequest};
use porchlight_domain::{
    AuthorKind, Channel, MessageKind, Mutation, Priority, TicketDetail, TicketStatus, TicketType,
};
use porchlight_store::{new_id, Store};
use proptest::prelude::*;

const MIN: i64 = 60_000;
/// 2026-01-05 00:00 UTC, a Monday.
const BASE: i64 = 1_767_571_200_000;

#[derive(Debug, Clone)]
enum Step {
    Create,
    CustomerReply(usize),
    AgentReply(usize),
    Note(usize),
    Status(usize, TicketStatus),
    Priority(usize, Priority),
    Merge(usize, usize),
    Delete(usize),
    /// The customer's CSAT answer (1 bad … 3 good).
    Rate(usize, i64),
}

fn step() -> impl Strategy<Value = Step> {
    let status = prop::sample::select(TicketStatus::ALL.to_vec());
    let priority = prop::sample::select(Priority::ALL.to_vec());
    prop_oneof![
        2 => Just(Step::Create),
        2 => (0..6usize).prop_map(Step::CustomerReply),
        3 => (0..6usize).prop_map(Step::AgentReply),
        1 => (0..6usize).prop_map(Step::Note),
        4 => ((0..6usize), status).prop_map(|(t, s)| Step::Status(t, s)),
        1 => ((0..6usize), priority).prop_map(|(t, p)| Step::Priority(t, p)),
        1 => ((0..6usize), (0..6usize)).prop_map(|(a, b)| Step::Merge(a, b)),
        1 => (0..6usize).prop_map(Step::Delete),
        2 => ((0..6usize), (1..=3i64)).prop_map(|(t, n)| Step::Rate(t, n)),
    ]
}

fn fields(status: Option<TicketStatus>, priority: Option<Priority>) -> TicketFieldChanges {
    TicketFieldChanges {
        status,
        priority,
        ..Default::default()
    }
}

fn mutation(step: &Step, tickets: &mut Vec<String>) -> Option<Mutation> {
    let pick = |i: &usize| tickets.get(i % tickets.len().max(1)).cloned();
    Some(match step {
        Step::Create => {
            let id = new_id();
            tickets.push(id.clone());
            Mutation::CreateTicket {
                ticket_id: id.clone(),
                message_id: new_id(),
                subject: "Where is my parcel?".into(),
                requester: RequesterRef::New {
                    id: new_id(),
                    name: "Zofia Nowak".into(),
                    email: Some(format!("{}@example.com", &id[24..])),
                    phone: None,
                },
                channel: Channel::Email,
                priority: Priority::Normal,
                ticket_type: TicketType::Question,
                assignee_id: None,
                group_id: None,
                tags: vec![],
                body_text: "It has not arrived.".into(),
                attachment_ids: vec![],
                outbound: false,
            }
        }
        Step::CustomerReply(i) | Step::AgentReply(i) | Step::Note(i) => Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: pick(i)?,
            kind: if matches!(step, Step::Note(_)) {
                MessageKind::Note
            } else {
                MessageKind::Reply
            },
            from_customer: matches!(step, Step::CustomerReply(_)),
            body_text: "Thanks, looking into it.".into(),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        },
        Step::Status(i, s) => Mutation::SetTicketFields {
            ticket_id: pick(i)?,
            changes: fields(Some(*s), None),
        },
        Step::Priority(i, p) => Mutation::SetTicketFields {
            ticket_id: pick(i)?,
            changes: fields(None, Some(*p)),
        },
        Step::Merge(a, b) => Mutation::MergeTickets {
            source_id: pick(a)?,
            target_id: pick(b)?,
        },
        Step::Delete(i) => Mutation::DeleteTicket {
            ticket_id: pick(i)?,
        },
        Step::Rate(i, score) => Mutation::RateTicket {
            ticket_id: pick(i)?,
            kind: SurveyKind::Csat,
            score: *score,
            comment: String::new(),
            via: RatingVia::Email,
        },
    })
}

fn is_done(s: &str) -> bool {
    s == "solved" || s == "closed"
}

/// What the brute force reads of one ticket: created, its status changes in order, its
/// first agent reply, its agent replies.
struct Raw {
    created: i64,
    status: TicketStatus,
    changes: Vec<(i64, String, String)>,
    replies: Vec<i64>,
}

fn raw(d: &TicketDetail) -> Raw {
    let mut changes: Vec<(i64, String, String)> = d
        .events
        .iter()
        .filter(|e| e.field == "status")
        .map(|e| {
            (
                e.created_at,
                e.old_value.clone().unwrap_or_default(),
                e.new_value.clone().unwrap_or_default(),
            )
        })
        .collect();
    changes.sort_by_key(|c| c.0);
    let replies = d
        .messages
        .iter()
        .filter(|m| {
            m.kind == MessageKind::Reply
                && m.author_kind == AuthorKind::Agent
                && !m.author_id.as_deref().unwrap_or("").starts_with("rule:")
        })
        .map(|m| m.created_at)
        .collect();
    Raw {
        created: d.ticket.summary.created_at,
        status: d.ticket.summary.status,
        changes,
        replies,
    }
}

impl Raw {
    /// Solved or closed just after `at`.
    fn done_at(&self, at: i64) -> bool {
        let mut done = self
            .changes
            .first()
            .map_or(is_done(self.status.as_str()), |c| is_done(&c.1));
        for c in &self.changes {
            if c.0 < at {
                done = is_done(&c.2);
            }
        }
        done
    }

    fn reopens_between(&self, from: i64, to: i64) -> usize {
        self.changes
            .iter()
            .filter(|c| c.0 >= from && c.0 < to && is_done(&c.1) && !is_done(&c.2))
            .count()
    }

    fn solved_at(&self) -> Option<i64> {
        if !is_done(self.status.as_str()) {
            return None;
        }
        let mut last = self.created;
        for c in &self.changes {
            if !is_done(&c.1) && is_done(&c.2) {
                last = c.0;
            }
        }
        Some(last)
    }

    fn reopened(&self) -> bool {
        self.changes.iter().any(|c| is_done(&c.1) && !is_done(&c.2))
    }
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    if v.is_empty() {
        return None;
    }
    Some(v[v.len().div_ceil(2) - 1])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn report_figures_equal_a_count_from_the_raw_history(
        steps in prop::collection::vec((step(), 1..600i64), 1..40),
        window in (0..4000i64, 60..6000i64),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let me = s.create_profile("Deniz Admin", "deniz@example.com").unwrap().id;
        let mut tickets: Vec<String> = Vec::new();
        // (ticket, score, when) of each ticket's latest CSAT answer.
        let mut answers: Vec<(String, i64, i64)> = Vec::new();
        let mut at = BASE;
        for (step, gap) in &steps {
            at += gap * MIN;
            let Some(m) = mutation(step, &mut tickets) else { continue };
            // Refused changes (a merge into itself, a change to a deleted ticket) change
            // nothing, as for an agent.
            if matches!(m, Mutation::RateTicket { .. }) {
                let _ = s.rate_as_customer(m, at);
                // The brute force below reads answers as the customer gave them.
                if let Step::Rate(i, score) = step {
                    let id = tickets[i % tickets.len()].clone();
                    let deleted = s.ticket(&id).unwrap().deleted_at.is_some();
                    // The same answer again changes nothing, not even when it was given.
                    let same = answers.iter().any(|(t, n, _)| *t == id && n == score);
                    if !deleted && !same {
                        answers.retain(|(t, _, _)| *t != id);
                        answers.push((id, *score, at));
                    }
                }
            } else {
                let _ = s.apply_many_at(vec![m], at);
            }
        }
        let from = BASE + window.0 * MIN;
        let to = from + window.1 * MIN;
        let req = ReportRequest {
            from,
            to,
            time_zone: "Europe/Warsaw".into(),
            business_hours: false,
            filter: ReportFilter::default(),
        };
        let report = s.report_overview(&req).unwrap();
        let people = s.report_people(&req, PeopleBy::Agent).unwrap();

        let live: Vec<Raw> = tickets
            .iter()
            .map(|id| s.ticket_detail(id, &[]).unwrap())
            .filter(|d| d.ticket.deleted_at.is_none() && d.ticket.merged_into_id.is_none())
            .map(|d| raw(&d))
            .collect();
        let inside = |t: i64| t >= from && t < to;
        let c = &report.current;
        prop_assert_eq!(c.created as usize, live.iter().filter(|r| inside(r.created)).count());
        let solved: Vec<&Raw> = live.iter().filter(|r| r.solved_at().is_some_and(inside)).collect();
        prop_assert_eq!(c.solved as usize, solved.len());
        prop_assert_eq!(
            c.reopened as usize,
            live.iter().map(|r| r.reopens_between(from, to)).sum::<usize>()
        );
        prop_assert_eq!(
            c.backlog as usize,
            live.iter().filter(|r| r.created < to && !r.done_at(to)).count()
        );
        prop_assert_eq!(
            c.first_response.median_ms,
            median(
                live.iter()
                    .filter_map(|r| r.replies.iter().min().filter(|&&f| inside(f)).map(|f| (f - r.created).max(0)))
                    .collect()
            )
        );
        prop_assert_eq!(
            c.resolution.median_ms,
            median(solved.iter().map(|r| (r.solved_at().unwrap() - r.created).max(0)).collect())
        );
        prop_assert_eq!(
            c.one_touch.n as usize,
            solved.iter().filter(|r| r.replies.len() == 1 && !r.reopened()).count()
        );
        prop_assert_eq!(c.reopen_rate.n as usize, solved.iter().filter(|r| r.reopened()).count());
        for d in &report.days {
            let end = d.start + 86_400_000;
            // A day of the report's zone is 23 to 25 hours long; the next day's start is the
            // end (the last day's end is at or after `to`).
            let end = report.days.iter().find(|n| n.start > d.start).map_or(end, |n| n.start);
            prop_assert_eq!(
                d.backlog as usize,
                live.iter().filter(|r| r.created < end && !r.done_at(end)).count(),
                "backlog at the end of {}", d.day
            );
        }
        // CSAT: the latest answer of each live ticket, counted when it was given.
        let live_ids: Vec<String> = tickets
            .iter()
            .filter(|id| {
                let d = s.ticket_detail(id, &[]).unwrap();
                d.ticket.deleted_at.is_none() && d.ticket.merged_into_id.is_none()
            })
            .cloned()
            .collect();
        let given: Vec<&(String, i64, i64)> = answers
            .iter()
            .filter(|(t, _, when)| live_ids.contains(t) && inside(*when))
            .collect();
        prop_assert_eq!(c.csat.of as usize, given.len());
        prop_assert_eq!(c.csat.n as usize, given.iter().filter(|a| a.1 == 3).count());
        // Every agent reply in the period is on the agent's line.
        let replies_in: usize = live.iter().map(|r| r.replies.iter().filter(|&&t| inside(t)).count()).sum();
        let mine = people.iter().find(|p| p.id.as_deref() == Some(me.as_str())).map_or(0, |p| p.replies);
        prop_assert_eq!(mine as usize, replies_in);
    }
}

/// The demo helpdesk's reports look like a real team's: customers rated most solved
/// tickets, mostly well, some with words; answers come minutes to hours after solving; the
/// first response takes minutes to hours, not seconds or weeks.
#[test]
fn the_demo_reports_look_like_a_real_team() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.create_profile("Deniz Admin", "deniz@example.com")
        .unwrap();
    porchlight_store::demo::load_demo(&s).unwrap();
    let to = porchlight_store::now_ms() + 1;
    let req = ReportRequest {
        from: to - 30 * 86_400_000,
        to,
        time_zone: "Europe/Warsaw".into(),
        business_hours: false,
        filter: ReportFilter::default(),
    };
    let r = s.report_overview(&req).unwrap();
    let c = &r.current;
    assert!(c.solved > 5, "solved: {}", c.solved);
    assert!(
        c.csat.of >= c.solved / 3,
        "answers {} of {} solved",
        c.csat.of,
        c.solved
    );
    let share = c.csat.n as f64 / c.csat.of as f64;
    assert!((0.5..=0.98).contains(&share), "CSAT {share}");
    assert!(!r.comments.is_empty(), "some customers wrote a few words");
    let first = c.first_response.median_ms.unwrap();
    assert!(
        (5 * 60_000..=8 * 3_600_000).contains(&first),
        "first response {first} ms"
    );
    assert_eq!(r.csat_scores.iter().sum::<u32>(), c.csat.of);

    // Every filter narrows, in the overview and the people table alike.
    let group = s.groups().unwrap()[0].id.clone();
    let filters = [
        ReportFilter {
            group_ids: vec![group],
            ..ReportFilter::default()
        },
        ReportFilter {
            languages: vec!["pl".into()],
            ..ReportFilter::default()
        },
        ReportFilter {
            tags: vec!["refund".into(), "shipping".into()],
            ..ReportFilter::default()
        },
        ReportFilter {
            channels: vec![porchlight_domain::Channel::Email],
            priorities: vec![
                porchlight_domain::Priority::High,
                porchlight_domain::Priority::Urgent,
            ],
            agent_ids: vec!["nobody".into()],
            mailbox_ids: vec!["mb".into()],
            ..ReportFilter::default()
        },
    ];
    for filter in filters {
        let narrowed = ReportRequest {
            filter: filter.clone(),
            ..req.clone()
        };
        let f = s.report_overview(&narrowed).unwrap();
        assert!(
            f.current.created <= c.created && f.current.csat.of <= c.csat.of,
            "{filter:?}"
        );
        for by in [PeopleBy::Agent, PeopleBy::Group] {
            s.report_people(&narrowed, by).unwrap();
        }
    }
}
