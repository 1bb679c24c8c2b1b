//! Real desktop stores (porchlight-store + porchlight-sync) against the real server process:
//! offline edits, rebases, refusals rolled back, standalone data uploaded, and convergence of
//! several clients under random concurrent edits (on SQLite and on PostgreSQL).

mod common;

use common::{assert_same, fields, message, new_ticket, rt, server_dump, Backend, Desk, Server};
use porchlight_domain::kb::{ArticleVisibility, KbMutation};
use porchlight_domain::mutation::TicketFieldChanges;
use porchlight_domain::{MessageKind, Mutation, Priority, TicketStatus};
use porchlight_store::{new_id, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn an_offline_edit_reaches_a_colleague_and_unsent_work_survives_a_rebase() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    s.add_user("eva@example.com", "Eva Agent", "agent");
    let ali = Desk::connect(&rt, &s, "ali@example.com");
    let eva = Desk::connect(&rt, &s, "eva@example.com");

    // Ali records a phone call; it shows at once, numbered when the server has it.
    let (tid, create) = new_ticket("Parcel lost in Kraków", "ayse@example.com");
    ali.store.apply(create).unwrap();
    assert_eq!(ali.store.ticket(&tid).unwrap().summary.number, None);
    assert_eq!(ali.store.outbox_len().unwrap(), 1);
    ali.sync(&rt);
    assert_eq!(ali.store.outbox_len().unwrap(), 0);
    assert_eq!(ali.store.ticket(&tid).unwrap().summary.number, Some(1001));

    // Eva pulls it, then works offline: a reply and a priority change.
    let round = eva.sync(&rt);
    assert!(round.changed.ticket_ids.contains(&tid));
    eva.store
        .apply(message(
            &tid,
            "We are looking into it.",
            MessageKind::Reply,
            false,
        ))
        .unwrap();
    eva.store
        .apply(fields(
            &tid,
            TicketFieldChanges {
                priority: Some(Priority::High),
                ..Default::default()
            },
        ))
        .unwrap();

    // Meanwhile Ali adds a note and syncs.
    ali.store
        .apply(message(
            &tid,
            "Customer called twice.",
            MessageKind::Note,
            false,
        ))
        .unwrap();
    ali.sync(&rt);

    // Eva's unsent edits stay visible while she pulls Ali's note...
    let before = eva.store.ticket_detail(&tid, &[]).unwrap();
    assert_eq!(before.ticket.summary.priority, Priority::High);
    // ...and after her round both sides agree, with everything in it.
    eva.sync(&rt);
    ali.sync(&rt);
    let t = eva.store.ticket_detail(&tid, &[]).unwrap();
    let bodies: Vec<&str> = t.messages.iter().map(|m| m.body_text.as_str()).collect();
    assert!(bodies.contains(&"We are looking into it."));
    assert!(bodies.contains(&"Customer called twice."));
    assert_eq!(t.ticket.summary.priority, Priority::High);
    assert_eq!(
        t.ticket.summary.status,
        TicketStatus::Open,
        "an agent reply opens a new ticket"
    );
    assert_eq!(ali.dump(), eva.dump());
    assert_eq!(ali.dump(), server_dump(&s, "ali@example.com"));
}

fn kb_save(article: &str, locale: &str, base: i64, title: &str, body: &str) -> KbMutation {
    KbMutation::SaveTranslation {
        article_id: article.into(),
        locale: locale.into(),
        revision_id: new_id(),
        base_revision: base,
        source_revision: None,
        title: title.into(),
        body_markdown: body.into(),
    }
}

/// Two editors change the same translation offline: the first to sync wins, the second's
/// save becomes their conflict draft (kept in full, on every desktop), and nobody's text
/// is lost; a save to another field merges instead.
#[test]
fn two_offline_editors_of_one_translation_end_with_a_conflict_draft_not_a_lost_text() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("kim@example.com", "Kim Editor", "kb_editor");
    s.add_user("lea@example.com", "Lea Editor", "kb_editor");
    let kim = Desk::connect(&rt, &s, "kim@example.com");
    let lea = Desk::connect(&rt, &s, "lea@example.com");

    let article = new_id();
    kim.store
        .apply_kb(KbMutation::CreateArticle {
            id: article.clone(),
            revision_id: new_id(),
            category_id: None,
            source_locale: "tr".into(),
            title: "İade süreci".into(),
            body_markdown: "İadeler beş günde yapılır.".into(),
            visibility: ArticleVisibility::Public,
            tags: vec![],
        })
        .unwrap();
    kim.sync(&rt);
    lea.sync(&rt);
    assert_eq!(
        lea.store.kb_article(&article).unwrap().translations.len(),
        1
    );

    // Both edit revision 1 of the body offline.
    kim.store
        .apply_kb(kb_save(
            &article,
            "tr",
            1,
            "İade süreci",
            "İadeler üç günde yapılır.",
        ))
        .unwrap();
    lea.store
        .apply_kb(kb_save(
            &article,
            "tr",
            1,
            "İade süreci",
            "İadeler bir haftada yapılır.",
        ))
        .unwrap();
    // Each sees their own text while offline.
    let text = |d: &Desk| {
        d.store.kb_article(&article).unwrap().translations[0]
            .translation
            .body_markdown
            .clone()
    };
    assert_eq!(text(&lea), "İadeler bir haftada yapılır.");

    kim.sync(&rt);
    let round = lea.sync(&rt);
    assert!(
        round.refusals.is_empty(),
        "a conflict is not a refusal: {:?}",
        round.refusals
    );
    kim.sync(&rt);

    for d in [&kim, &lea] {
        let detail = d.store.kb_article(&article).unwrap();
        assert_eq!(
            text(d),
            "İadeler üç günde yapılır.",
            "the first save stands"
        );
        assert_eq!(detail.translations[0].translation.revision, 2);
        assert_eq!(detail.conflicts.len(), 1, "Lea's save is kept as her draft");
        let c = &detail.conflicts[0];
        assert_eq!(c.author_id, lea.agent.id);
        assert_eq!(c.body_markdown, "İadeler bir haftada yapılır.");
        assert_eq!((c.base_revision, c.theirs_revision), (1, 2));
        // History has exactly the two revisions that happened on the server.
        let revs = d.store.kb_revisions(&article, "tr").unwrap();
        assert_eq!(
            revs.iter().map(|r| r.revision).collect::<Vec<_>>(),
            vec![2, 1]
        );
    }

    // Lea merges by hand from the current revision and settles her draft.
    let conflict = lea.store.kb_article(&article).unwrap().conflicts[0]
        .id
        .clone();
    lea.store
        .apply_kb(kb_save(
            &article,
            "tr",
            2,
            "İade süreci",
            "İadeler üç ila yedi günde yapılır.",
        ))
        .unwrap();
    lea.store
        .apply_kb(KbMutation::ResolveConflict {
            conflict_id: conflict.clone(),
        })
        .unwrap();
    // Kim may not settle Lea's draft.
    lea.sync(&rt);
    kim.sync(&rt);
    assert_eq!(text(&kim), "İadeler üç ila yedi günde yapılır.");
    assert!(kim.store.kb_article(&article).unwrap().conflicts.is_empty());

    // Offline edits of different fields merge without a draft.
    kim.store
        .apply_kb(kb_save(
            &article,
            "tr",
            3,
            "İade nasıl yapılır",
            "İadeler üç ila yedi günde yapılır.",
        ))
        .unwrap();
    lea.store
        .apply_kb(kb_save(
            &article,
            "tr",
            3,
            "İade süreci",
            "Kartınıza üç ila yedi günde.",
        ))
        .unwrap();
    kim.sync(&rt);
    lea.sync(&rt);
    kim.sync(&rt);
    for d in [&kim, &lea] {
        let detail = d.store.kb_article(&article).unwrap();
        let t = &detail.translations[0].translation;
        assert_eq!(
            (t.title.as_str(), t.body_markdown.as_str(), t.revision),
            ("İade nasıl yapılır", "Kartınıza üç ila yedi günde.", 5)
        );
        assert!(detail.conflicts.is_empty());
    }
    assert_eq!(kim.dump(), lea.dump());
    assert_eq!(kim.dump(), server_dump(&s, "kim@example.com"));
}

/// A trigger saved by an admin runs on the server once per event, whichever desktop made
/// the change and however often they sync; desktops never run it themselves while connected.
#[test]
fn a_trigger_fires_exactly_once_with_two_desktops() {
    use porchlight_domain::config::ConfigMutation;
    use porchlight_domain::rules::{
        MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
    };
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ada@example.com", "Ada Admin", "admin");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let ada = Desk::connect(&rt, &s, "ada@example.com");
    let ali = Desk::connect(&rt, &s, "ali@example.com");
    let rule = |name: &str, trigger, conditions, actions| Rule {
        id: new_id(),
        name: name.into(),
        position: 0,
        active: true,
        trigger,
        match_mode: MatchMode::All,
        conditions,
        actions,
    };
    ada.store
        .apply_config(ConfigMutation::SaveRule {
            rule: rule(
                "Urgent refunds",
                RuleTrigger::Created,
                vec![RuleCondition {
                    field: RuleField::Subject,
                    op: RuleOp::Contains,
                    value: "refund".into(),
                }],
                vec![
                    RuleAction::SetPriority {
                        priority: Priority::Urgent,
                    },
                    RuleAction::AddNote {
                        text: "Refund: check the payment provider.".into(),
                    },
                ],
            ),
        })
        .unwrap();
    // An agent may not change rules.
    let refused = ali
        .store
        .apply_config(ConfigMutation::DeleteRule { id: "x".into() });
    assert!(refused.is_err());
    ada.sync(&rt);
    ali.sync(&rt);
    assert_eq!(ali.store.rules().unwrap().len(), 1);

    let (tid, create) = new_ticket("Refund for order 7", "zoe@example.com");
    ali.store.apply(create).unwrap();
    let notes = |d: &Desk| {
        d.store
            .ticket_detail(&tid, &[])
            .unwrap()
            .messages
            .iter()
            .filter(|m| m.kind == MessageKind::Note)
            .map(|m| (m.author_name.clone(), m.body_text.clone()))
            .collect::<Vec<_>>()
    };
    assert!(
        notes(&ali).is_empty(),
        "a connected desktop runs no rules itself"
    );
    for _ in 0..3 {
        ali.sync(&rt);
        ada.sync(&rt);
    }
    // Ada replies: an update, which this created-only rule ignores.
    ada.store
        .apply(message(&tid, "We are on it.", MessageKind::Reply, false))
        .unwrap();
    for _ in 0..2 {
        ada.sync(&rt);
        ali.sync(&rt);
    }
    for d in [&ali, &ada] {
        assert_eq!(
            notes(d),
            vec![(
                "Rule Urgent refunds".to_string(),
                "Refund: check the payment provider.".to_string()
            )]
        );
        let t = d.store.ticket_detail(&tid, &[]).unwrap();
        assert_eq!(t.ticket.summary.priority, Priority::Urgent);
        assert!(t
            .events
            .iter()
            .any(|e| e.actor_name == "Rule Urgent refunds" && e.field == "priority"));
    }
    assert_eq!(ali.dump(), ada.dump());
    assert_eq!(ali.dump(), server_dump(&s, "ali@example.com"));
}

/// The server reads the rules once per write transaction: a rule saved or paused earlier in
/// the same push already decides the ticket changes after it, and none before it.
#[test]
fn a_rule_changed_in_the_same_push_decides_the_changes_after_it() {
    use porchlight_domain::config::ConfigMutation;
    use porchlight_domain::rules::{
        MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
    };
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ada@example.com", "Ada Admin", "admin");
    let ada = Desk::connect(&rt, &s, "ada@example.com");
    let rule = |active| Rule {
        id: "urgent-refunds".into(),
        name: "Urgent refunds".into(),
        position: 0,
        active,
        trigger: RuleTrigger::Created,
        match_mode: MatchMode::All,
        conditions: vec![RuleCondition {
            field: RuleField::Subject,
            op: RuleOp::Contains,
            value: "refund".into(),
        }],
        actions: vec![RuleAction::SetPriority {
            priority: Priority::Urgent,
        }],
    };
    // All offline: one push carries the five changes, in this order.
    let (before, create) = new_ticket("Refund before the rule", "a@example.com");
    ada.store.apply(create).unwrap();
    ada.store
        .apply_config(ConfigMutation::SaveRule { rule: rule(true) })
        .unwrap();
    let (after, create) = new_ticket("Refund after the rule", "b@example.com");
    ada.store.apply(create).unwrap();
    ada.store
        .apply_config(ConfigMutation::SaveRule { rule: rule(false) })
        .unwrap();
    let (paused, create) = new_ticket("Refund after the pause", "c@example.com");
    ada.store.apply(create).unwrap();
    assert_eq!(ada.store.outbox_len().unwrap(), 5);
    ada.sync(&rt);
    ada.sync(&rt);
    assert_eq!(ada.store.outbox_len().unwrap(), 0);
    let priority = |id: &str| ada.store.ticket(id).unwrap().summary.priority;
    assert_eq!(priority(&before), Priority::Normal);
    assert_eq!(priority(&after), Priority::Urgent);
    assert_eq!(priority(&paused), Priority::Normal);
    assert_eq!(ada.dump(), server_dump(&s, "ada@example.com"));
}

/// A rule's "notify agents" runs on the server and reaches the named agent's desktop as a
/// `notify` event: one notification there, however often it syncs, none for anyone else, and
/// the same event in every desktop's timeline.
#[test]
fn a_rules_notify_action_reaches_the_named_agents_desktop_once() {
    use porchlight_domain::config::ConfigMutation;
    use porchlight_domain::notify::{NotificationKind, NOTIFY_FIELD};
    use porchlight_domain::rules::{
        MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
    };
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ada@example.com", "Ada Admin", "admin");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let ada = Desk::connect(&rt, &s, "ada@example.com");
    let ali = Desk::connect(&rt, &s, "ali@example.com");
    ada.store
        .apply_config(ConfigMutation::SaveRule {
            rule: Rule {
                id: new_id(),
                name: "VIP watch".into(),
                position: 0,
                active: true,
                trigger: RuleTrigger::Created,
                match_mode: MatchMode::All,
                conditions: vec![RuleCondition {
                    field: RuleField::Subject,
                    op: RuleOp::Contains,
                    value: "vip".into(),
                }],
                actions: vec![RuleAction::NotifyAgents {
                    agent_ids: vec![ali.agent.id.clone()],
                    text: "A VIP customer is waiting.".into(),
                }],
            },
        })
        .unwrap();
    ada.sync(&rt);
    ali.sync(&rt);
    let (tid, create) = new_ticket("VIP: order 12 missing", "vip@example.com");
    ada.store.apply(create).unwrap();
    for _ in 0..3 {
        ada.sync(&rt);
        ali.sync(&rt);
    }
    let page = ali.store.notifications(None, 10).unwrap();
    assert_eq!(page.items.len(), 1, "{:?}", page.items);
    let n = &page.items[0];
    assert_eq!(n.kind, NotificationKind::Rule);
    assert_eq!(n.ticket_id, tid);
    assert_eq!(n.actor_name, "Rule VIP watch");
    assert_eq!(n.text, "A VIP customer is waiting.");
    assert_eq!(
        ada.store.unread_notifications().unwrap(),
        0,
        "not named, and her own ticket"
    );
    for d in [&ada, &ali] {
        let events = d.store.ticket_detail(&tid, &[]).unwrap().events;
        assert_eq!(
            events.iter().filter(|e| e.field == NOTIFY_FIELD).count(),
            1,
            "one notify event in the timeline"
        );
    }
    assert_eq!(ali.dump(), ada.dump());
    assert_eq!(ali.dump(), server_dump(&s, "ali@example.com"));
}

/// A file a customer attaches in the help center reaches the agent's desktop: the message
/// lists it by name after a sync, and opening it fetches the bytes, checked against the
/// size and hash the server reported.
#[test]
fn a_customers_attachment_reaches_the_desktop() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let ali = Desk::connect(&rt, &s, "ali@example.com");
    let boundary = "----porchlight-sync-test";
    let photo: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut body = Vec::new();
    for (name, value) in [
        ("name", "Zoe Customer"),
        ("email", "zoe@example.com"),
        ("subject", "Broken lid"),
        ("message", "Photo attached."),
        ("website", ""),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"lid.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(&photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = ureq::post(&format!("{}/help/en/requests/new", s.url))
        .set(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send_bytes(&body)
        .unwrap();
    assert_eq!(res.status(), 200);

    ali.sync(&rt);
    let tickets = ali.store.search("lid", 10).unwrap();
    let tid = tickets.hits[0].ticket.id.clone();
    let detail = ali.store.ticket_detail(&tid, &[]).unwrap();
    let files = &detail.messages[0].attachments;
    assert_eq!(files.len(), 1, "the file is listed by name after a sync");
    assert_eq!(
        (files[0].filename.as_str(), files[0].size),
        ("lid.png", 5000)
    );
    let id = files[0].id.clone();
    assert!(ali.store.attachment_needs_download(&id).unwrap());
    assert!(
        ali.store.attachment_path(&id).is_err(),
        "no bytes before the download"
    );
    // A damaged download is refused and nothing is kept.
    assert!(ali
        .store
        .store_downloaded_attachment(&id, &photo[..4000])
        .is_err());
    assert!(ali.store.attachment_needs_download(&id).unwrap());
    rt.block_on(porchlight_sync::download_attachment(
        &ali.store,
        &ali.client,
        &id,
    ))
    .unwrap();
    assert!(!ali.store.attachment_needs_download(&id).unwrap());
    let path = ali.store.attachment_path(&id).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), photo);
    assert_eq!(ali.dump(), server_dump(&s, "ali@example.com"));
}

/// In team mode the server runs the time rules (every minute; every 200 ms here): a rule
/// fires once for a matching ticket and its change reaches the desktops.
#[test]
fn the_server_runs_time_rules_once() {
    use porchlight_domain::config::ConfigMutation;
    use porchlight_domain::rules::{
        MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
    };
    std::env::set_var("PORCHLIGHT_TIME_RULES_INTERVAL_MS", "200");
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ada@example.com", "Ada Admin", "admin");
    let ada = Desk::connect(&rt, &s, "ada@example.com");
    let cond = |field, op, value: &str| RuleCondition {
        field,
        op,
        value: value.into(),
    };
    ada.store
        .apply_config(ConfigMutation::SaveRule {
            rule: Rule {
                id: new_id(),
                name: "Fresh tickets first".into(),
                position: 0,
                active: true,
                trigger: RuleTrigger::Time,
                match_mode: MatchMode::All,
                conditions: vec![
                    cond(RuleField::Priority, RuleOp::Is, "normal"),
                    cond(RuleField::HoursSinceCreated, RuleOp::LessThan, "1"),
                ],
                actions: vec![
                    RuleAction::SetPriority {
                        priority: Priority::High,
                    },
                    RuleAction::AddNote {
                        text: "Raised while fresh.".into(),
                    },
                ],
            },
        })
        .unwrap();
    let (tid, create) = new_ticket("Printer jammed", "pat@example.com");
    ada.store.apply(create).unwrap();
    ada.sync(&rt);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        ada.sync(&rt);
        let t = ada.store.ticket_detail(&tid, &[]).unwrap();
        if t.ticket.summary.priority == Priority::High {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the time rule never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Several more passes: the rule undid its own match and fires no more.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    ada.sync(&rt);
    let t = ada.store.ticket_detail(&tid, &[]).unwrap();
    let notes: Vec<_> = t
        .messages
        .iter()
        .filter(|m| m.kind == MessageKind::Note)
        .map(|m| (m.author_name.as_str(), m.body_text.as_str()))
        .collect();
    assert_eq!(notes, [("Rule Fresh tickets first", "Raised while fresh.")]);
    assert_eq!(ada.dump(), server_dump(&s, "ada@example.com"));
}

/// An agent's files reach the server before the change naming them: a colleague opens the
/// reply's attachment, and an image in a published public article shows on the help center
/// (only images public articles show are served there).
#[test]
fn an_agents_files_reach_colleagues_and_the_help_center() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ada@example.com", "Ada Admin", "admin");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let ada = Desk::connect(&rt, &s, "ada@example.com");
    let ali = Desk::connect(&rt, &s, "ali@example.com");

    let (tid, create) = new_ticket("Invoice copy", "ivy@example.com");
    ada.store.apply(create).unwrap();
    let pdf = b"%PDF-1.7 invoice 2041".to_vec();
    let file = ada
        .store
        .stage_attachment("invoice 2041.pdf", "application/pdf", &pdf)
        .unwrap();
    ada.store
        .apply(Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: tid.clone(),
            kind: MessageKind::Reply,
            from_customer: false,
            body_text: "Here is the copy.".into(),
            body_html: None,
            attachment_ids: vec![file.id.clone()],
            cc: None,
        })
        .unwrap();
    ada.sync(&rt);
    ali.sync(&rt);
    let listed = ali.store.ticket_detail(&tid, &[]).unwrap().messages[1]
        .attachments
        .clone();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].filename, "invoice 2041.pdf");
    rt.block_on(porchlight_sync::download_attachment(
        &ali.store,
        &ali.client,
        &file.id,
    ))
    .unwrap();
    assert_eq!(
        std::fs::read(ali.store.attachment_path(&file.id).unwrap()).unwrap(),
        pdf
    );

    // An article with a pasted image, published.
    let png = b"\x89PNG\r\n\x1a\n diagram bytes".to_vec();
    let img = ada
        .store
        .stage_attachment("diagram.png", "image/png", &png)
        .unwrap();
    let article = new_id();
    ada.store
        .apply_kb(KbMutation::CreateArticle {
            id: article.clone(),
            revision_id: new_id(),
            category_id: None,
            source_locale: "en".into(),
            title: "Reading your invoice".into(),
            body_markdown: format!("The totals are here:\n\n![diagram](attachments/{})", img.id),
            visibility: ArticleVisibility::Public,
            tags: vec![],
        })
        .unwrap();
    ada.store
        .apply_kb(KbMutation::SetArticleStatus {
            article_id: article.clone(),
            status: porchlight_domain::kb::ArticleStatus::Published,
        })
        .unwrap();
    ada.sync(&rt);
    let page = ureq::get(&format!(
        "{}/help/en/articles/{article}-reading-your-invoice",
        s.url
    ))
    .call()
    .unwrap()
    .into_string()
    .unwrap();
    assert!(
        page.contains(&format!("src=\"/help/attachments/{}\"", img.id)),
        "{page}"
    );
    let res = ureq::get(&format!("{}/help/attachments/{}", s.url, img.id))
        .call()
        .unwrap();
    assert_eq!(res.header("content-type"), Some("image/png"));
    let mut got = Vec::new();
    std::io::Read::read_to_end(&mut res.into_reader(), &mut got).unwrap();
    assert_eq!(got, png);
    // The invoice is no article's image: not public.
    let hidden = ureq::get(&format!("{}/help/attachments/{}", s.url, file.id)).call();
    assert!(matches!(hidden, Err(ureq::Error::Status(404, _))));
    ali.sync(&rt);
    assert_eq!(ada.dump(), ali.dump());
}

#[test]
fn a_refused_change_is_rolled_back_with_the_servers_reason() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    s.add_user("boss@example.com", "Zeynep Admin", "admin");
    let ali = Desk::connect(&rt, &s, "ali@example.com");
    let boss = Desk::connect(&rt, &s, "boss@example.com");
    let (tid, create) = new_ticket("Refund", "ayse@example.com");
    ali.store.apply(create).unwrap();
    ali.sync(&rt);
    boss.sync(&rt);

    // Offline, Ali replies; the admin deletes the ticket meanwhile.
    ali.store
        .apply(message(&tid, "Refund sent.", MessageKind::Reply, false))
        .unwrap();
    boss.store
        .apply(Mutation::DeleteTicket {
            ticket_id: tid.clone(),
        })
        .unwrap();
    boss.sync(&rt);
    let round = ali.sync(&rt);
    assert_eq!(round.refusals.len(), 1, "{round:?}");
    assert_eq!(round.refusals[0].mutation, "add_message");
    assert_eq!(
        round.refusals[0].error.code,
        porchlight_domain::ErrorCode::TicketDeleted
    );
    // The reply is rolled back, but its words come back to the agent with the refusal.
    assert_eq!(round.refusals[0].text.as_deref(), Some("Refund sent."));
    assert_eq!(round.refusals[0].ticket_id.as_deref(), Some(tid.as_str()));
    assert_eq!(ali.store.outbox_len().unwrap(), 0);
    assert!(ali.store.ticket(&tid).unwrap().deleted_at.is_some());
    let bodies: Vec<String> = ali
        .dump()
        .values()
        .filter_map(|d| {
            d.get("body_text")
                .and_then(|b| b.as_str())
                .map(String::from)
        })
        .collect();
    assert!(
        !bodies.iter().any(|b| b == "Refund sent."),
        "the refused reply was rolled back"
    );
    assert_eq!(ali.dump(), server_dump(&s, "ali@example.com"));

    // What the agent's role does not allow, the desktop refuses at once, as the server would.
    let (t2, create) = new_ticket("Spam", "spam@example.com");
    ali.store.apply(create).unwrap();
    let refused = ali
        .store
        .apply(Mutation::DeleteTicket {
            ticket_id: t2.clone(),
        })
        .unwrap_err();
    assert_eq!(refused.code(), porchlight_domain::ErrorCode::Forbidden);
    assert_eq!(
        ali.store.outbox_len().unwrap(),
        1,
        "only the new ticket waits"
    );
    let round = ali.sync(&rt);
    assert!(round.refusals.is_empty(), "{round:?}");
    assert!(ali.store.ticket(&t2).unwrap().deleted_at.is_none());
}

#[test]
fn standalone_work_is_uploaded_on_first_connect() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ali@example.com", "Ali Agent", "admin");
    s.add_user("eva@example.com", "Eva Agent", "agent");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .create_profile("Ali Standalone", "ali@example.com")
        .unwrap();
    let me = store.workspace_info().unwrap().profile.unwrap().id;
    let (tid, create) = new_ticket("Printer on fire", "bob@example.com");
    store.apply(create).unwrap();
    store
        .apply(message(
            &tid,
            "Please send a photo.",
            MessageKind::Reply,
            false,
        ))
        .unwrap();
    store
        .apply(message(&tid, "Here it is.", MessageKind::Reply, true))
        .unwrap();
    store
        .apply(fields(
            &tid,
            TicketFieldChanges {
                status: Some(TicketStatus::Pending),
                assignee_id: Some(Some(me.clone())),
                ..Default::default()
            },
        ))
        .unwrap();
    assert_eq!(store.ticket(&tid).unwrap().summary.number, Some(1001));
    // A knowledge base written standalone: a category, an article edited twice, restored,
    // translated into Persian and published.
    store
        .apply_kb(KbMutation::CreateCategory {
            id: "printers".into(),
            position: 0,
            names: [("en".to_string(), "Printers".to_string())].into(),
            descriptions: Default::default(),
        })
        .unwrap();
    let article = new_id();
    store
        .apply_kb(KbMutation::CreateArticle {
            id: article.clone(),
            revision_id: new_id(),
            category_id: Some("printers".into()),
            source_locale: "en".into(),
            title: "Printer fires".into(),
            body_markdown: "Unplug it.".into(),
            visibility: ArticleVisibility::Public,
            tags: vec!["safety".into()],
        })
        .unwrap();
    store
        .apply_kb(kb_save(
            &article,
            "en",
            1,
            "Printer fires",
            "Unplug it, then call us.",
        ))
        .unwrap();
    store
        .apply_kb(KbMutation::RestoreRevision {
            article_id: article.clone(),
            locale: "en".into(),
            revision: 1,
            revision_id: new_id(),
            base_revision: 2,
        })
        .unwrap();
    store
        .apply_kb(kb_save(
            &article,
            "fa",
            0,
            "آتش گرفتن چاپگر",
            "دوشاخه را بکشید.",
        ))
        .unwrap();
    store
        .apply_kb(KbMutation::SetArticleStatus {
            article_id: article.clone(),
            status: porchlight_domain::kb::ArticleStatus::Published,
        })
        .unwrap();

    let ali = Desk::connect_store(&rt, &s, "ali@example.com", store, dir);
    assert!(ali.store.outbox_len().unwrap() >= 4);
    ali.sync(&rt);
    assert_eq!(ali.store.outbox_len().unwrap(), 0);
    let eva = Desk::connect(&rt, &s, "eva@example.com");
    eva.sync(&rt);
    let t = eva.store.ticket_detail(&tid, &[]).unwrap();
    assert_eq!(t.ticket.summary.subject, "Printer on fire");
    assert_eq!(t.ticket.summary.status, TicketStatus::Pending);
    assert_eq!(
        t.ticket.summary.assignee_id.as_deref(),
        Some(ali.agent.id.as_str())
    );
    let bodies: Vec<&str> = t
        .messages
        .iter()
        .filter(|m| m.kind != MessageKind::System)
        .map(|m| m.body_text.as_str())
        .collect();
    assert_eq!(
        bodies,
        [
            "My parcel never came.",
            "Please send a photo.",
            "Here it is."
        ]
    );
    let kb = eva.store.kb_article(&article).unwrap();
    assert_eq!(
        kb.article.status,
        porchlight_domain::kb::ArticleStatus::Published
    );
    assert_eq!(kb.article.category_id.as_deref(), Some("printers"));
    assert_eq!(
        kb.translations
            .iter()
            .map(|t| (
                t.translation.locale.as_str(),
                t.translation.body_markdown.as_str()
            ))
            .collect::<Vec<_>>(),
        [("en", "Unplug it."), ("fa", "دوشاخه را بکشید.")]
    );
    let history = eva.store.kb_revisions(&article, "en").unwrap();
    assert_eq!(
        history
            .iter()
            .map(|r| (r.revision, r.restored_from))
            .collect::<Vec<_>>(),
        [(3, Some(1)), (2, None), (1, None)]
    );
    assert_eq!(
        eva.store.kb_categories().unwrap()[0].names["en"],
        "Printers"
    );
    assert_eq!(ali.dump(), eva.dump());
}

/// Three desktops make random offline edits to the same tickets and sync in random order;
/// afterwards every store equals the others and the server. Seeds: 12 on SQLite and 6 on
/// PostgreSQL unless PORCHLIGHT_CONVERGENCE_SEEDS (SQLite) or
/// PORCHLIGHT_CONVERGENCE_SEEDS_POSTGRES say otherwise.
fn random_offline_edits_converge(backend: Backend) {
    let rt = rt();
    let (var, default) = match backend {
        Backend::Sqlite => ("PORCHLIGHT_CONVERGENCE_SEEDS", 12),
        Backend::Postgres => ("PORCHLIGHT_CONVERGENCE_SEEDS_POSTGRES", 6),
    };
    let seeds: u64 = std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    for seed in 0..seeds {
        let s = Server::start(backend);
        let emails = ["a@example.com", "b@example.com", "c@example.com"];
        for (i, e) in emails.iter().enumerate() {
            s.add_user(
                e,
                &format!("Agent {i}"),
                if i == 0 { "admin" } else { "agent" },
            );
        }
        let desks: Vec<Desk> = emails.iter().map(|e| Desk::connect(&rt, &s, e)).collect();
        let agent_ids: Vec<String> = desks.iter().map(|d| d.agent.id.clone()).collect();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut tickets = Vec::new();
        let mut applied = 0;
        for i in 0..4 {
            let (id, m) = new_ticket(&format!("Shared ticket {i}"), &format!("c{i}@example.com"));
            desks[0].store.apply(m).unwrap();
            tickets.push(id);
        }
        for d in &desks {
            d.sync(&rt);
        }
        for round in 0..3 {
            for d in &desks {
                for _ in 0..rng.gen_range(2..8) {
                    let t = tickets[rng.gen_range(0..tickets.len())].clone();
                    let m = match rng.gen_range(0..9) {
                        0 => message(
                            &t,
                            &format!("reply {seed}-{round}"),
                            MessageKind::Reply,
                            false,
                        ),
                        1 => message(
                            &t,
                            &format!("note {seed}-{round}"),
                            MessageKind::Note,
                            false,
                        ),
                        2 => message(&t, "customer again", MessageKind::Reply, true),
                        3 => fields(
                            &t,
                            TicketFieldChanges {
                                status: Some(TicketStatus::ALL[rng.gen_range(1..5)]),
                                ..Default::default()
                            },
                        ),
                        4 => fields(
                            &t,
                            TicketFieldChanges {
                                priority: Some(Priority::ALL[rng.gen_range(0..4)]),
                                ..Default::default()
                            },
                        ),
                        5 => fields(
                            &t,
                            TicketFieldChanges {
                                assignee_id: Some(if rng.gen_bool(0.2) {
                                    None
                                } else {
                                    Some(agent_ids[rng.gen_range(0..3)].clone())
                                }),
                                ..Default::default()
                            },
                        ),
                        6 => Mutation::AddTag {
                            ticket_id: t,
                            tag: ["vip", "bug", "refund"][rng.gen_range(0..3)].into(),
                        },
                        7 => Mutation::RemoveTag {
                            ticket_id: t,
                            tag: ["vip", "bug", "refund"][rng.gen_range(0..3)].into(),
                        },
                        _ => fields(
                            &t,
                            TicketFieldChanges {
                                subject: Some(format!(
                                    "Subject {seed}-{round}-{}",
                                    rng.gen_range(0..100)
                                )),
                                ..Default::default()
                            },
                        ),
                    };
                    // Refusals here are fine (nothing to change); they change nothing.
                    applied += d.store.apply(m).is_ok() as usize;
                }
            }
            let mut order: Vec<usize> = (0..desks.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.gen_range(0..=i));
            }
            for i in order {
                desks[i].sync(&rt);
            }
        }
        for _ in 0..2 {
            for d in &desks {
                d.sync(&rt);
            }
        }
        let server = server_dump(&s, "a@example.com");
        let messages = server.keys().filter(|k| k.starts_with("message:")).count();
        assert!(
            applied >= 20 && messages > 4,
            "seed {seed}: too little happened ({applied} edits, {messages} messages)"
        );
        for (i, d) in desks.iter().enumerate() {
            assert_eq!(
                d.store.outbox_len().unwrap(),
                0,
                "seed {seed}: desk {i} still has unsent changes"
            );
            assert_same(&d.dump(), &server, &format!("seed {seed}: desk {i}"));
        }
    }
}

on_both_backends!(random_offline_edits_converge);
