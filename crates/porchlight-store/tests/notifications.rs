//! Notifications on a real SQLite file: each kind derived from pulled documents (a
//! colleague's assignment, a customer's reply, a new ticket in my group, an @mention, a
//! rule's "notify agents"), none from the agent's own actions, none twice after a replayed
//! pull or a restart, none from the history a fresh desktop's first pull brings, a burst as
//! one summary pop-up, preferences and do-not-disturb keeping pop-ups (not entries) away,
//! and standalone rules notifying through the same path.

use porchlight_domain::config::ConfigMutation;
use porchlight_domain::docs::{AgentDoc, CustomerDoc, Doc, GroupDoc, MessageDoc, TicketDoc};
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::notify::{
    KindPreference, NotificationKind, NotificationPrefs, NotifyEventValue, NOTIFY_FIELD,
};
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::sync::{Change, PullResponse};
use porchlight_domain::{
    AgentRole, AuthorKind, Channel, MessageKind, Mutation, Priority, TicketEvent, TicketStatus,
    TicketType,
};
use porchlight_store::{new_id, now_ms, Store};

const NOON: u16 = 12 * 60;

struct Team {
    _dir: tempfile::TempDir,
    store: Store,
    me: AgentDoc,
    bo: AgentDoc,
    billing: GroupDoc,
    sales: GroupDoc,
    customer: CustomerDoc,
    version: i64,
    number: i64,
}

fn agent(name: &str, groups: Vec<String>) -> AgentDoc {
    AgentDoc {
        id: new_id(),
        name: name.into(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        role: AgentRole::Agent,
        active: true,
        group_ids: groups,
        created_at: 1,
    }
}

fn group(name: &str) -> GroupDoc {
    GroupDoc {
        id: new_id(),
        name: name.into(),
        description: String::new(),
        created_at: 1,
    }
}

impl Team {
    /// Agent "Ada Lovelace" (in Billing) on a connected desktop; colleague "Bo Chen".
    fn new() -> Team {
        let billing = group("Billing");
        let sales = group("Sales");
        let me = agent("Ada Lovelace", vec![billing.id.clone()]);
        let bo = agent("Bo Chen", vec![billing.id.clone(), sales.id.clone()]);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .connect_to_server("http://127.0.0.1:9", "ws", &me)
            .unwrap();
        let customer = CustomerDoc {
            id: new_id(),
            name: "Ayşe Yılmaz".into(),
            emails: vec!["ayse@example.com".into()],
            phone: String::new(),
            organization_id: None,
            language: String::new(),
            notes: String::new(),
            created_at: 1,
            updated_at: 1,
        };
        let mut t = Team {
            _dir: dir,
            store,
            me,
            bo,
            billing,
            sales,
            customer,
            version: 0,
            number: 1041,
        };
        let base = vec![
            Doc::Group(t.billing.clone()),
            Doc::Group(t.sales.clone()),
            Doc::Agent(t.me.clone()),
            Doc::Agent(t.bo.clone()),
            Doc::Customer(t.customer.clone()),
        ];
        t.pull(&base);
        t
    }

    fn page(&mut self, docs: &[Doc]) -> PullResponse {
        let changes = docs
            .iter()
            .map(|d| {
                self.version += 1;
                Change {
                    version: self.version,
                    key: d.key(),
                    doc: Some(d.clone()),
                }
            })
            .collect();
        PullResponse {
            changes,
            cursor: self.version,
            last_mutation_id: 0,
            has_more: false,
            reset: false,
            workspace_id: None,
        }
    }

    fn pull(&mut self, docs: &[Doc]) {
        let page = self.page(docs);
        self.store.apply_pull(&page).unwrap();
    }

    /// A ticket as the server would send it, created by `by` at `at`: its ticket, first
    /// message, "created" event and (when assigned) "assignee" event.
    fn ticket(
        &mut self,
        subject: &str,
        assignee: Option<&AgentDoc>,
        group: Option<&GroupDoc>,
        by: &AgentDoc,
        at: i64,
    ) -> (TicketDoc, Vec<Doc>) {
        self.number += 1;
        let t = TicketDoc {
            id: new_id(),
            number: Some(self.number),
            subject: subject.into(),
            status: if assignee.is_some() {
                TicketStatus::Open
            } else {
                TicketStatus::New
            },
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            channel: Channel::Email,
            requester_id: self.customer.id.clone(),
            assignee_id: assignee.map(|a| a.id.clone()),
            group_id: group.map(|g| g.id.clone()),
            tags: vec![],
            language: String::new(),
            preview: "Hello".into(),
            message_count: 1,
            created_at: at,
            updated_at: at,
            first_response_at: None,
            last_customer_message_at: Some(at),
            last_agent_reply_at: None,
            solved_at: None,
            reopen_count: 0,
            merged_into_id: None,
            deleted_at: None,
            version: 1,
        };
        let mut docs = vec![
            Doc::Ticket(t.clone()),
            Doc::Message(self.customer_message(&t.id, "Hello, my invoice is wrong", at)),
            Doc::Event(event(&t.id, by, "created", None, Some("email"), at)),
        ];
        if let Some(a) = assignee {
            docs.push(Doc::Event(event(
                &t.id,
                by,
                "assignee",
                None,
                Some(&a.name),
                at,
            )));
        }
        (t, docs)
    }

    fn customer_message(&self, ticket_id: &str, text: &str, at: i64) -> MessageDoc {
        MessageDoc {
            id: new_id(),
            ticket_id: ticket_id.into(),
            kind: MessageKind::Reply,
            author_kind: AuthorKind::Customer,
            author_id: Some(self.customer.id.clone()),
            author_name: self.customer.name.clone(),
            body_text: text.into(),
            body_html: None,
            attachment_ids: vec![],
            created_at: at,
            email: None,
        }
    }

    fn kinds(&self) -> Vec<NotificationKind> {
        let mut v: Vec<_> = self
            .store
            .notifications(None, 200)
            .unwrap()
            .items
            .into_iter()
            .map(|n| n.kind)
            .collect();
        v.sort_by_key(|k| k.as_str());
        v
    }
}

fn event(
    ticket_id: &str,
    by: &AgentDoc,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    at: i64,
) -> TicketEvent {
    TicketEvent {
        id: new_id(),
        ticket_id: ticket_id.into(),
        actor_id: Some(by.id.clone()),
        actor_name: by.name.clone(),
        field: field.into(),
        old_value: old.map(str::to_owned),
        new_value: new.map(str::to_owned),
        created_at: at,
    }
}

fn note(ticket_id: &str, by: &AgentDoc, text: &str, at: i64) -> MessageDoc {
    MessageDoc {
        id: new_id(),
        ticket_id: ticket_id.into(),
        kind: MessageKind::Note,
        author_kind: AuthorKind::Agent,
        author_id: Some(by.id.clone()),
        author_name: by.name.clone(),
        body_text: text.into(),
        body_html: None,
        attachment_ids: vec![],
        created_at: at,
        email: None,
    }
}

#[test]
fn a_colleagues_assignment_notifies_once_across_replays_and_restarts() {
    let mut t = Team::new();
    let (me, bo) = (t.me.clone(), t.bo.clone());
    let (ticket, docs) = t.ticket("Refund for order 1042", Some(&me), None, &bo, now_ms() + 10);
    t.pull(&docs);
    let page = t.store.notifications(None, 50).unwrap();
    assert_eq!(page.unread, 1);
    assert_eq!(page.items.len(), 1);
    let n = &page.items[0];
    assert_eq!(n.kind, NotificationKind::Assigned);
    assert_eq!(n.ticket_id, ticket.id);
    assert_eq!(n.ticket_number, Some(1042));
    assert_eq!(n.ticket_subject, "Refund for order 1042");
    assert_eq!(n.actor_name, "Bo Chen");
    assert!(!n.read);

    // The same documents again (a replayed page) and a restart: still one.
    t.pull(&docs);
    let dir = t._dir.path().to_path_buf();
    drop(std::mem::replace(&mut t.store, Store::open(&dir).unwrap()));
    t.pull(&docs);
    assert_eq!(t.store.unread_notifications().unwrap(), 1);

    let popups = t.store.take_undelivered(NOON).unwrap();
    assert_eq!(popups.len(), 1);
    assert_eq!(popups[0].title, "Assigned to you: #1042");
    assert!(popups[0].body.contains("Refund for order 1042"));
    assert_eq!(popups[0].ticket_id.as_deref(), Some(ticket.id.as_str()));
    // Taken once: not again, not after a restart.
    assert!(t.store.take_undelivered(NOON).unwrap().is_empty());
    drop(std::mem::replace(&mut t.store, Store::open(&dir).unwrap()));
    assert!(t.store.take_undelivered(NOON).unwrap().is_empty());

    // Assigned to Bo, then back to me by Bo: a second assignment is news again.
    let at = now_ms() + 20;
    let mut moved = ticket.clone();
    moved.assignee_id = Some(bo.id.clone());
    t.pull(&[
        Doc::Ticket(moved.clone()),
        Doc::Event(event(
            &ticket.id,
            &bo,
            "assignee",
            Some(&me.name),
            Some(&bo.name),
            at,
        )),
    ]);
    assert_eq!(t.store.unread_notifications().unwrap(), 1);
    moved.assignee_id = Some(me.id.clone());
    t.pull(&[
        Doc::Ticket(moved),
        Doc::Event(event(
            &ticket.id,
            &bo,
            "assignee",
            Some(&bo.name),
            Some(&me.name),
            at + 1,
        )),
    ]);
    assert_eq!(t.store.unread_notifications().unwrap(), 2);
}

#[test]
fn customer_replies_on_my_tickets_new_tickets_in_my_groups_mentions_and_rules_notify() {
    let mut t = Team::new();
    let (me, bo) = (t.me.clone(), t.bo.clone());
    let (billing, sales) = (t.billing.clone(), t.sales.clone());
    let at = now_ms() + 10;
    let (mine, d1) = t.ticket("Mine", Some(&me), None, &bo, at);
    let (theirs, d2) = t.ticket("Theirs", Some(&bo), None, &bo, at);
    t.pull(&[d1, d2].concat());
    assert_eq!(t.kinds(), vec![NotificationKind::Assigned]);

    // A customer's reply: on my ticket yes, on Bo's no.
    t.pull(&[
        Doc::Message(t.customer_message(&mine.id, "Any news?", at + 5)),
        Doc::Message(t.customer_message(&theirs.id, "Any news?", at + 5)),
    ]);
    let page = t.store.notifications(None, 50).unwrap();
    assert_eq!(page.items[0].kind, NotificationKind::CustomerReply);
    assert_eq!(page.items[0].text, "Any news?");
    assert_eq!(page.items[0].actor_name, "Ayşe Yılmaz");
    assert_eq!(page.items.len(), 2);

    // New tickets: in Billing (mine) yes, in Sales (not mine) no.
    let (_, d3) = t.ticket("Invoice twice", None, Some(&billing), &bo, at + 6);
    let (_, d4) = t.ticket("Pricing", None, Some(&sales), &bo, at + 6);
    t.pull(&[d3, d4].concat());
    let page = t.store.notifications(None, 50).unwrap();
    assert_eq!(page.items[0].kind, NotificationKind::NewTicket);
    assert_eq!(page.items[0].text, "Billing");
    assert_eq!(page.items[0].ticket_subject, "Invoice twice");
    assert_eq!(page.items.len(), 3);

    // Notes: one mentioning me, one mentioning someone whose name starts like mine, one
    // without any mention.
    t.pull(&[
        Doc::Message(note(
            &theirs.id,
            &bo,
            "@ada lovelace can you check the refund?",
            at + 7,
        )),
        Doc::Message(note(
            &theirs.id,
            &bo,
            "@Ada Lovelaceford is someone else",
            at + 7,
        )),
        Doc::Message(note(&theirs.id, &bo, "Ada knows this one", at + 7)),
    ]);
    let page = t.store.notifications(None, 50).unwrap();
    assert_eq!(page.items[0].kind, NotificationKind::Mention);
    assert_eq!(
        page.items[0].text,
        "@ada lovelace can you check the refund?"
    );
    assert_eq!(page.items.len(), 4);

    // A rule's "notify agents": naming me yes, naming only Bo no.
    let rule_actor = AgentDoc {
        id: "rule:r1".into(),
        name: "Rule VIP".into(),
        ..bo.clone()
    };
    let notify = |ids: Vec<String>| {
        NotifyEventValue {
            agent_ids: ids,
            text: "VIP customer waiting".into(),
        }
        .to_value()
    };
    t.pull(&[
        Doc::Event(event(
            &theirs.id,
            &rule_actor,
            NOTIFY_FIELD,
            None,
            Some(&notify(vec![bo.id.clone(), me.id.clone()])),
            at + 8,
        )),
        Doc::Event(event(
            &mine.id,
            &rule_actor,
            NOTIFY_FIELD,
            None,
            Some(&notify(vec![bo.id.clone()])),
            at + 8,
        )),
    ]);
    let page = t.store.notifications(None, 50).unwrap();
    assert_eq!(page.items[0].kind, NotificationKind::Rule);
    assert_eq!(page.items[0].actor_name, "Rule VIP");
    assert_eq!(page.items[0].text, "VIP customer waiting");
    assert_eq!(page.items[0].ticket_subject, "Theirs");
    assert_eq!(page.items.len(), 5);
    assert_eq!(page.unread, 5);

    // Read one, then all; paging newest first.
    t.store.mark_notification_read(&page.items[0].id).unwrap();
    assert_eq!(t.store.unread_notifications().unwrap(), 4);
    let first = t.store.notifications(None, 2).unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(first.items[0].read);
    let rest = t.store.notifications(first.next_before, 10).unwrap();
    assert_eq!(rest.items.len(), 3);
    assert_eq!(rest.next_before, None);
    assert_eq!(rest.items[2].kind, NotificationKind::Assigned);
    t.store.mark_ticket_notifications_read(&mine.id).unwrap();
    assert_eq!(t.store.unread_notifications().unwrap(), 2);
    t.store.mark_all_notifications_read().unwrap();
    assert_eq!(t.store.unread_notifications().unwrap(), 0);
}

#[test]
fn the_agents_own_actions_notify_nobody() {
    let mut t = Team::new();
    let (me, billing) = (t.me.clone(), t.billing.clone());
    let at = now_ms() + 10;
    // Created by me in my group and assigned to me; my own note mentioning myself; my reply.
    let (ticket, docs) = t.ticket("Self service", Some(&me), Some(&billing), &me, at);
    t.pull(&docs);
    t.pull(&[
        Doc::Message(note(
            &ticket.id,
            &me,
            "@Ada Lovelace reminder to self",
            at + 1,
        )),
        Doc::Message(MessageDoc {
            kind: MessageKind::Reply,
            ..note(&ticket.id, &me, "We are on it", at + 2)
        }),
    ]);
    // And through this desktop's own changes (optimistic, then confirmed).
    t.store
        .apply(Mutation::SetTicketFields {
            ticket_id: ticket.id.clone(),
            changes: porchlight_domain::mutation::TicketFieldChanges {
                assignee_id: Some(None),
                ..Default::default()
            },
        })
        .unwrap();
    t.store
        .apply(Mutation::SetTicketFields {
            ticket_id: ticket.id.clone(),
            changes: porchlight_domain::mutation::TicketFieldChanges {
                assignee_id: Some(Some(me.id.clone())),
                ..Default::default()
            },
        })
        .unwrap();
    t.store
        .apply(Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: ticket.id.clone(),
            kind: MessageKind::Note,
            from_customer: false,
            body_text: "@Ada Lovelace note to self".into(),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        })
        .unwrap();
    assert_eq!(t.kinds(), vec![]);
    assert!(t.store.take_undelivered(NOON).unwrap().is_empty());
}

#[test]
fn a_fresh_desktops_first_pull_of_history_notifies_nothing() {
    let mut t = Team::new();
    let (me, bo, billing) = (t.me.clone(), t.bo.clone(), t.billing.clone());
    let long_ago = now_ms() - 86_400_000;
    let mut history = Vec::new();
    for i in 0..40 {
        let assignee = if i % 2 == 0 { Some(&me) } else { None };
        let (tk, docs) = t.ticket(
            &format!("Old {i}"),
            assignee,
            Some(&billing),
            &bo,
            long_ago + i,
        );
        history.extend(docs);
        history.push(Doc::Message(t.customer_message(
            &tk.id,
            "old reply",
            long_ago + 100,
        )));
        history.push(Doc::Message(note(
            &tk.id,
            &bo,
            "@Ada Lovelace old",
            long_ago + 100,
        )));
    }
    // Several pages from cursor 0 (the bulk path), as a fresh desktop pulls.
    let dir = tempfile::tempdir().unwrap();
    let fresh = Store::open(dir.path()).unwrap();
    fresh
        .connect_to_server("http://127.0.0.1:9", "ws", &me)
        .unwrap();
    let base = vec![
        Doc::Group(t.billing.clone()),
        Doc::Group(t.sales.clone()),
        Doc::Agent(me.clone()),
        Doc::Agent(bo.clone()),
        Doc::Customer(t.customer.clone()),
    ];
    let all: Vec<Doc> = [base, history].concat();
    let chunks: Vec<&[Doc]> = all.chunks(25).collect();
    let n = chunks.len();
    for (i, c) in chunks.into_iter().enumerate() {
        let mut page = t.page(c);
        page.has_more = i + 1 < n;
        fresh.apply_pull(&page).unwrap();
    }
    assert_eq!(fresh.notifications(None, 50).unwrap().items.len(), 0);
    // What happens after connecting does notify.
    let (_, docs) = t.ticket("Brand new", Some(&me), None, &bo, now_ms() + 10);
    let page = t.page(&docs);
    fresh.apply_pull(&page).unwrap();
    assert_eq!(fresh.unread_notifications().unwrap(), 1);
}

#[test]
fn a_burst_of_new_tickets_is_one_summary_popup() {
    let mut t = Team::new();
    let (me, bo, billing) = (t.me.clone(), t.bo.clone(), t.billing.clone());
    let at = now_ms() + 10;
    let mut docs = Vec::new();
    for i in 0..23 {
        docs.extend(
            t.ticket(&format!("Burst {i}"), None, Some(&billing), &bo, at + i)
                .1,
        );
    }
    docs.extend(t.ticket("Yours", Some(&me), None, &bo, at).1);
    t.pull(&docs);
    assert_eq!(t.store.unread_notifications().unwrap(), 24);
    let popups = t.store.take_undelivered(NOON).unwrap();
    let titles: Vec<&str> = popups.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Assigned to you: #1065", "23 new tickets in Billing"]
    );
    assert_eq!(popups[1].count, 23);
    assert_eq!(popups[1].ticket_id, None);
}

#[test]
fn preferences_and_do_not_disturb_keep_popups_away_but_not_entries() {
    let mut t = Team::new();
    let (me, bo, billing) = (t.me.clone(), t.bo.clone(), t.billing.clone());
    let defaults = t.store.notification_prefs().unwrap();
    assert_eq!(defaults.kinds.len(), NotificationKind::ALL.len());
    assert!(defaults
        .kinds
        .iter()
        .any(|k| k.kind == NotificationKind::SlaBreach));
    let prefs = t
        .store
        .set_notification_prefs(NotificationPrefs {
            kinds: vec![KindPreference {
                kind: NotificationKind::NewTicket,
                enabled: false,
            }],
            dnd_enabled: true,
            dnd_start: "22:00".into(),
            dnd_end: "07:00".into(),
        })
        .unwrap();
    assert!(!prefs.enabled(NotificationKind::NewTicket));
    assert_eq!(t.store.notification_prefs().unwrap(), prefs);
    assert!(t
        .store
        .set_notification_prefs(NotificationPrefs {
            dnd_start: "25:00".into(),
            ..prefs.clone()
        })
        .is_err());

    let at = now_ms() + 10;
    let (_, d1) = t.ticket("Quiet new ticket", None, Some(&billing), &bo, at);
    let (_, d2) = t.ticket("Loud assignment", Some(&me), None, &bo, at);
    t.pull(&[d1, d2].concat());
    // New tickets are switched off: only the assignment pops up.
    let popups = t.store.take_undelivered(NOON).unwrap();
    assert_eq!(popups.len(), 1);
    assert!(popups[0].body.contains("Loud assignment"));

    // At 23:30 (inside 22:00–07:00 across midnight) nothing pops up, and it is not saved
    // for later either; the center lists it.
    let (_, d3) = t.ticket("Night assignment", Some(&me), None, &bo, at + 1);
    t.pull(&d3);
    assert!(t.store.take_undelivered(23 * 60 + 30).unwrap().is_empty());
    assert!(t.store.take_undelivered(NOON).unwrap().is_empty());
    assert_eq!(t.store.unread_notifications().unwrap(), 3);
    // 06:59 is still quiet, 07:00 is not.
    let (_, d4) = t.ticket("Morning", Some(&me), None, &bo, at + 2);
    t.pull(&d4);
    assert!(t.store.take_undelivered(6 * 60 + 59).unwrap().is_empty());
    let (_, d5) = t.ticket("Seven", Some(&me), None, &bo, at + 3);
    t.pull(&d5);
    assert_eq!(t.store.take_undelivered(7 * 60).unwrap().len(), 1);
    // Read in the center before the shell got to it: no pop-up.
    let (_, d6) = t.ticket("Already seen", Some(&me), None, &bo, at + 4);
    t.pull(&d6);
    t.store.mark_all_notifications_read().unwrap();
    assert!(t.store.take_undelivered(NOON).unwrap().is_empty());
}

fn standalone_rule(actions: Vec<RuleAction>, me: &str) -> Rule {
    let _ = me;
    Rule {
        id: new_id(),
        name: "Urgent watch".into(),
        position: 1,
        active: true,
        trigger: RuleTrigger::Created,
        match_mode: MatchMode::All,
        conditions: vec![RuleCondition {
            field: RuleField::Priority,
            op: RuleOp::Is,
            value: "urgent".into(),
        }],
        actions,
    }
}

#[test]
fn standalone_rules_notify_through_the_same_path_and_show_in_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let me = s
        .create_profile("Deniz Admin", "deniz@example.com")
        .unwrap()
        .id;
    let colleague = new_id();
    s.apply(Mutation::SaveAgent {
        id: colleague.clone(),
        name: "Ece".into(),
        email: "ece@example.com".into(),
        role: AgentRole::Agent,
        active: true,
    })
    .unwrap();
    s.apply_config(ConfigMutation::SaveRule {
        rule: standalone_rule(
            vec![
                RuleAction::SetAssignee {
                    agent_id: Some(me.clone()),
                },
                RuleAction::NotifyAgents {
                    agent_ids: vec![me.clone(), colleague.clone()],
                    text: "Urgent ticket in".into(),
                },
            ],
            &me,
        ),
    })
    .unwrap();
    let create = |priority: Priority| {
        let id = new_id();
        s.apply(Mutation::CreateTicket {
            ticket_id: id.clone(),
            message_id: new_id(),
            subject: format!("{} printer", priority.as_str()),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Kemal".into(),
                email: Some(format!("{}@example.com", &id[..8])),
                phone: None,
            },
            channel: Channel::Phone,
            priority,
            ticket_type: TicketType::Incident,
            assignee_id: None,
            group_id: None,
            tags: vec![],
            body_text: "It is on fire".into(),
            attachment_ids: vec![],
            outbound: false,
        })
        .unwrap();
        id
    };
    create(Priority::Normal);
    assert_eq!(
        s.unread_notifications().unwrap(),
        0,
        "the agent's own change"
    );
    let urgent = create(Priority::Urgent);
    let page = s.notifications(None, 10).unwrap();
    let mut kinds: Vec<_> = page.items.iter().map(|n| n.kind).collect();
    kinds.sort_by_key(|k| k.as_str());
    assert_eq!(
        kinds,
        vec![NotificationKind::Assigned, NotificationKind::Rule]
    );
    assert!(page
        .items
        .iter()
        .all(|n| n.actor_name == "Rule Urgent watch"));
    assert!(page.items.iter().all(|n| n.ticket_id == urgent));
    let detail = s.ticket_detail(&urgent, &[]).unwrap();
    let notify = detail
        .events
        .iter()
        .find(|e| e.field == NOTIFY_FIELD)
        .expect("the rule's notify is in the timeline");
    let value = NotifyEventValue::parse(notify.new_value.as_deref().unwrap()).unwrap();
    assert_eq!(value.agent_ids, vec![me.clone(), colleague]);
    assert_eq!(value.text, "Urgent ticket in");
    assert_eq!(s.take_undelivered(NOON).unwrap().len(), 2);
}

#[test]
fn the_center_lists_newest_first_and_pages_without_gaps() {
    let mut t = Team::new();
    let (me, bo) = (t.me.clone(), t.bo.clone());
    let at = now_ms() + 10;
    // Work done offline arrives late: arrival order is not time order.
    for (subject, offset) in [("Second", 20), ("Third", 30), ("First", 10), ("Fourth", 40)] {
        let (_, docs) = t.ticket(subject, Some(&me), None, &bo, at + offset);
        t.pull(&docs);
    }
    let first = t.store.notifications(None, 3).unwrap();
    let subjects = |p: &porchlight_domain::notify::NotificationPage| {
        p.items
            .iter()
            .map(|n| n.ticket_subject.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(subjects(&first), vec!["Fourth", "Third", "Second"]);
    let rest = t.store.notifications(first.next_before, 3).unwrap();
    assert_eq!(subjects(&rest), vec!["First"]);
    assert_eq!(rest.next_before, None);
}

#[test]
fn an_assignment_whose_ticket_arrives_on_a_later_page_still_notifies_once() {
    let mut t = Team::new();
    let (me, bo) = (t.me.clone(), t.bo.clone());
    let at = now_ms() + 10;
    let (ticket, docs) = t.ticket("Split across pages", None, None, &bo, at);
    t.pull(&docs);
    assert_eq!(t.store.unread_notifications().unwrap(), 0);
    // The server sends the event at its version and the ticket at a later one (changed
    // again since): a page boundary falls between them.
    let assigned = event(&ticket.id, &bo, "assignee", None, Some(&me.name), at + 1);
    let mut page1 = t.page(&[Doc::Event(assigned)]);
    page1.has_more = true;
    t.store.apply_pull(&page1).unwrap();
    assert_eq!(
        t.store.unread_notifications().unwrap(),
        0,
        "not yet: the ticket is stale"
    );
    let mut now_mine = ticket.clone();
    now_mine.assignee_id = Some(me.id.clone());
    now_mine.priority = Priority::High;
    t.pull(&[Doc::Ticket(now_mine)]);
    assert_eq!(t.store.unread_notifications().unwrap(), 1);
    assert_eq!(t.kinds(), vec![NotificationKind::Assigned]);
    // The next pull does not see it again.
    t.pull(&[]);
    assert_eq!(t.store.unread_notifications().unwrap(), 1);
}
