//! Sync integrity against the real server process, on SQLite and PostgreSQL: refusals that
//! survive a lost answer, reused and absurd mutation ids, misspelt arguments, client-chosen
//! ids that already exist, cursors and desktops of another helpdesk, and concurrent pushes
//! sharing one commit without a refusal spoiling a neighbour.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::common::{create_ticket, reply_to, rt, uuid, Backend, Client, Desk, Server};
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_store::new_id;
use porchlight_sync::{sync_round, ServerClient};

/// Pushes `mutations` ({name, args}) with explicit ids, as a desktop retrying would.
fn push_ids(c: &Client, ids: &[i64], mutations: &[Value]) -> crate::common::Reply {
    let ms: Vec<Value> = ids
        .iter()
        .zip(mutations)
        .map(|(id, m)| json!({"id": id, "name": m["name"], "args": m["args"]}))
        .collect();
    c.call(
        "POST",
        "/api/v1/sync/push",
        Some(json!({"client_id": c.client_id, "schema_version": 1, "mutations": ms})),
    )
}

fn outcomes(r: &crate::common::Reply) -> Vec<String> {
    r.body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {}", r.body))
        .iter()
        .map(|x| x["outcome"].as_str().unwrap().to_string())
        .collect()
}

fn alive(s: &Server) {
    let h = crate::common::call(&s.url, "GET", "/healthz", None, None);
    assert_eq!(h.status, 200, "the server must still answer: {}", h.body);
}

fn a_refusal_is_answered_again_and_ids_are_checked(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let ali = s.login("ali@example.com");
    let refused = reply_to("no-such-ticket", "Your refund is on its way.", "reply");

    let first = push_ids(&ali, &[1], std::slice::from_ref(&refused));
    assert_eq!(outcomes(&first), ["rejected"], "{}", first.body);
    // The answer was lost: the retry hears the same refusal, not "duplicate".
    let retry = push_ids(&ali, &[1], std::slice::from_ref(&refused));
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(outcomes(&retry), ["rejected"], "{}", retry.body);
    assert_eq!(
        retry.body["results"][0]["error"],
        first.body["results"][0]["error"]
    );
    assert_eq!(retry.body["last_mutation_id"], 1);

    // The same id with another change is refused as a whole, and applies nothing.
    let (tid, create) = create_ticket("Reused id", "reuse@example.com");
    let reused = push_ids(
        &ali,
        &[1, 2],
        &[create.clone(), reply_to(&tid, "x", "note")],
    );
    assert_eq!(
        (reused.status, reused.body["code"].as_str()),
        (409, Some("mutation_id_reused")),
        "{}",
        reused.body
    );
    assert!(!ali.pull_all().contains_key(&format!("ticket:{tid}")));
    // An applied mutation sent again is a duplicate; a refused one stays refused.
    let r = push_ids(&ali, &[2], std::slice::from_ref(&create));
    assert_eq!(outcomes(&r), ["applied"], "{}", r.body);
    let r = push_ids(&ali, &[1, 2], &[refused, create]);
    assert_eq!(outcomes(&r), ["rejected", "duplicate"], "{}", r.body);

    for bad in [0, -1, i64::MIN] {
        let r = push_ids(&ali, &[bad], &[reply_to(&tid, "zero", "note")]);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (422, Some("invalid_mutation_id")),
            "{bad}: {}",
            r.body
        );
    }
    // Ids at the end of the range neither panic nor wrap around.
    let mut far = s.login("ali@example.com");
    far.client_id = uuid();
    let two = [reply_to(&tid, "a", "note"), reply_to(&tid, "b", "note")];
    let r = push_ids(&far, &[i64::MAX - 1, i64::MAX], &two);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (409, Some("mutation_gap")),
        "{}",
        r.body
    );
    let r = push_ids(&far, &[i64::MAX, i64::MIN], &two);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (422, Some("invalid_mutation_id"))
    );
    let r = push_ids(&far, &[i64::MAX, 1], &two);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (422, Some("invalid_request"))
    );
    alive(&s);
    let messages = ali
        .pull_all()
        .keys()
        .filter(|k| k.starts_with("message:"))
        .count();
    assert_eq!(
        messages, 1,
        "only the new ticket's first message was stored"
    );
}

fn a_misspelt_argument_is_refused_by_name(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let mut ali = s.login("ali@example.com");
    let (tid, create) = create_ticket("Priority", "p@example.com");
    assert_eq!(outcomes(&ali.push(&[create])), ["applied"]);
    let r = ali.push(&[json!({"name": "set_ticket_fields", "args": {
        "ticket_id": tid, "changes": {"priorty": "urgent", "subject": "Renamed"}}})]);
    assert_eq!(outcomes(&r), ["rejected"], "{}", r.body);
    let error = &r.body["results"][0]["error"];
    assert_eq!(error["code"], "unknown_field");
    assert_eq!(error["field"], "changes.priorty");
    assert!(error["message"].as_str().unwrap().contains("priorty"));
    let t = &ali.pull_all()[&format!("ticket:{tid}")];
    assert_eq!(
        (t["priority"].as_str(), t["subject"].as_str()),
        (Some("normal"), Some("Priority")),
        "nothing of the refused change was applied"
    );
}

fn a_draft_cannot_take_a_published_revisions_id(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ed@example.com", "Eda Editor", "kb_editor");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let mut ed = s.login("ed@example.com");
    let mut ali = s.login("ali@example.com");
    let (article, revision) = (uuid(), uuid());
    let create = |id: &str, rev: &str, title: &str| {
        json!({"name": "create_article", "args": {
            "id": id, "revision_id": rev, "category_id": null, "source_locale": "en",
            "title": title, "body_markdown": "Open **Settings**.", "visibility": "public",
            "tags": []}})
    };
    let r = ed.push(&[
        create(&article, &revision, "Resetting your password"),
        json!({"name": "set_article_status", "args": {"article_id": article, "status": "published"}}),
    ]);
    assert_eq!(outcomes(&r), ["applied", "applied"], "{}", r.body);

    let r = ali.push(&[create(&uuid(), &revision, "My draft")]);
    assert_eq!(outcomes(&r), ["rejected"], "{}", r.body);
    assert_eq!(r.body["results"][0]["error"]["code"], "conflict");
    assert_eq!(r.body["results"][0]["error"]["field"], "revision_id");
    let docs = ed.pull_all();
    assert_eq!(
        docs[&format!("kb_revision:{revision}")]["title"],
        "Resetting your password"
    );

    let r = ed.push(&[
        json!({"name": "save_translation", "args": {
            "article_id": article, "locale": "en", "revision_id": uuid(), "base_revision": 1,
            "source_revision": null, "title": "Reset your password", "body_markdown": "Newer."}}),
        json!({"name": "restore_revision", "args": {
            "article_id": article, "locale": "en", "revision": 1, "revision_id": uuid(),
            "base_revision": 2}}),
    ]);
    assert_eq!(
        outcomes(&r),
        ["applied", "applied"],
        "the editor's restore still finds revision 1: {}",
        r.body
    );
    let t = &ed.pull_all()[&format!(
        "kb_translation:{}",
        porchlight_domain::docs::translation_doc_id(&article, "en")
    )];
    assert_eq!(t["title"], "Resetting your password");
}

fn new_ticket(subject: &str) -> (String, Mutation) {
    let id = new_id();
    (
        id.clone(),
        Mutation::CreateTicket {
            ticket_id: id,
            message_id: new_id(),
            subject: subject.into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Ayşe Yılmaz".into(),
                email: Some(format!("{}@example.com", new_id())),
                phone: None,
            },
            channel: Channel::Phone,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec![],
            body_text: "My parcel never came.".into(),
            attachment_ids: vec![],
            outbound: false,
        },
    )
}

fn the_desktop_shows_a_refusal_whose_answer_was_lost(backend: Backend) {
    let rt = rt();
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    s.add_user("boss@example.com", "Zeynep Admin", "admin");
    let ali = Desk::connect(&rt, &s, "ali@example.com");
    let (tid, create) = new_ticket("Refund");
    ali.store.apply(create).unwrap();
    rt.block_on(sync_round(&ali.store, &ali.client)).unwrap();
    let mut boss = s.login("boss@example.com");
    let r = boss.push(&[json!({"name": "delete_ticket", "args": {"ticket_id": tid}})]);
    assert_eq!(outcomes(&r), ["applied"]);

    let words = "Dear Ayşe, the refund of 40 € left today.";
    ali.store
        .apply(Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: tid.clone(),
            kind: MessageKind::Reply,
            from_customer: false,
            body_text: words.into(),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        })
        .unwrap();
    // The desktop's push reaches the server, but its answer never comes back.
    let settings = ali.store.sync_settings().unwrap().unwrap();
    let batch = ali.store.outbox_batch(0, 500).unwrap();
    assert_eq!(batch.len(), 1);
    let lost = crate::common::call(
        &s.url,
        "POST",
        "/api/v1/sync/push",
        Some(&ali.token),
        Some(json!({"client_id": settings.client_id, "schema_version": 1,
            "workspace_id": settings.workspace_id, "mutations": batch})),
    );
    assert_eq!(outcomes(&lost), ["rejected"], "{}", lost.body);

    // The desktop's own round retries it: the refusal and the words reach the agent.
    let round = rt.block_on(sync_round(&ali.store, &ali.client)).unwrap();
    assert_eq!(round.refusals.len(), 1, "{round:?}");
    let refusal = &round.refusals[0];
    assert_eq!(refusal.mutation, "add_message");
    assert_eq!(
        refusal.error.code,
        porchlight_domain::ErrorCode::TicketDeleted
    );
    assert_eq!(refusal.text.as_deref(), Some(words));
    assert_eq!(refusal.ticket_id.as_deref(), Some(tid.as_str()));
    assert_eq!(ali.store.outbox_len().unwrap(), 0);
    let t = ali.store.ticket(&tid).unwrap();
    assert!(t.deleted_at.is_some());
}

fn another_helpdesks_cursor_and_desktop_get_a_reset(backend: Backend) {
    let rt = rt();
    let a = Server::start(backend);
    let b = Server::start(backend);
    for s in [&a, &b] {
        s.add_user("ali@example.com", "Ali Agent", "agent");
    }
    let mut on_a = a.login("ali@example.com");
    let mut on_b = b.login("ali@example.com");
    for i in 0..4 {
        on_a.push(&[create_ticket(&format!("A{i}"), &format!("a{i}@example.com")).1]);
    }
    for i in 0..6 {
        on_b.push(&[create_ticket(&format!("B{i}"), &format!("b{i}@example.com")).1]);
    }
    let first = on_a.pull(0);
    let (cursor_a, workspace_a) = (
        first.body["cursor"].as_i64().unwrap(),
        first.body["workspace_id"].as_str().unwrap().to_string(),
    );
    assert!(cursor_a > 0);
    let r = on_b.call(
        "GET",
        &format!(
            "/api/v1/sync/pull?client_id={}&cursor={cursor_a}&schema_version=1&workspace_id={workspace_a}",
            on_b.client_id
        ),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["reset"], true, "{}", r.body);
    assert_eq!(r.body["changes"].as_array().unwrap().len(), 0);
    assert_ne!(r.body["workspace_id"].as_str(), Some(workspace_a.as_str()));
    let r = on_b.call(
        "POST",
        "/api/v1/sync/push",
        Some(json!({"client_id": on_b.client_id, "schema_version": 1,
            "workspace_id": workspace_a,
            "mutations": [{"id": 2, "name": "create_ticket",
                "args": create_ticket("Stray", "stray@example.com").1["args"]}]})),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (409, Some("workspace_mismatch"))
    );

    // A desktop of helpdesk A whose server now hosts B: nothing goes either way.
    let desk = Desk::connect(&rt, &a, "ali@example.com");
    rt.block_on(sync_round(&desk.store, &desk.client)).unwrap();
    let before = crate::common::store_dump(&desk.store);
    let b_login = rt
        .block_on(ServerClient::login(
            &b.url,
            "ali@example.com",
            crate::common::PASSWORD,
            "desk",
        ))
        .unwrap();
    let to_b = ServerClient::new(&b.url, &b_login.token);
    let e = rt.block_on(sync_round(&desk.store, &to_b)).unwrap_err();
    assert_eq!(e.code(), "workspace_mismatch", "{e}");
    assert_eq!(crate::common::store_dump(&desk.store), before);
    desk.store.apply(new_ticket("Written for A").1).unwrap();
    let e = rt.block_on(sync_round(&desk.store, &to_b)).unwrap_err();
    assert_eq!(e.code(), "workspace_mismatch", "{e}");
    assert_eq!(
        desk.store.outbox_len().unwrap(),
        1,
        "the change waits for A"
    );
    let tickets_on_b = on_b
        .pull_all()
        .keys()
        .filter(|k| k.starts_with("ticket:"))
        .count();
    assert_eq!(tickets_on_b, 6);
}

/// Many clients push at once: their pushes share commits, yet each refusal stays alone, a
/// client with a gap fails only itself, and the ticket numbers have no holes.
fn concurrent_pushes_share_commits_and_keep_refusals_apart(backend: Backend) {
    let s = Server::start(backend);
    const CLIENTS: usize = 12;
    const ROUNDS: usize = 4;
    for i in 0..CLIENTS {
        s.add_user(&format!("a{i}@example.com"), &format!("Agent {i}"), "agent");
    }
    let s = Arc::new(s);
    let threads: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let s = s.clone();
            std::thread::spawn(move || {
                let mut c = s.login(&format!("a{i}@example.com"));
                let (mut applied, mut rejected) = (0, 0);
                for round in 0..ROUNDS {
                    let mut batch = Vec::new();
                    for k in 0..10 {
                        let (tid, create) = create_ticket(
                            &format!("{i}-{round}-{k}"),
                            &format!("{}@example.com", uuid()),
                        );
                        batch.push(create);
                        batch.push(reply_to(&tid, "On it.", "reply"));
                        // Refused: the ticket does not exist.
                        batch.push(reply_to(&uuid(), "Lost.", "reply"));
                    }
                    if i == 0 && round == 1 {
                        // A client that skipped ids: refused as a whole, alone.
                        c.next_id += 5;
                        let r = c.push(&batch);
                        assert_eq!(r.body["code"], "mutation_gap", "{}", r.body);
                        c.next_id -= 5 + batch.len() as i64;
                    }
                    let r = c.push(&batch);
                    assert_eq!(r.status, 200, "{}", r.body);
                    for o in outcomes(&r) {
                        match o.as_str() {
                            "applied" => applied += 1,
                            "rejected" => rejected += 1,
                            other => panic!("unexpected outcome {other}"),
                        }
                    }
                }
                (applied, rejected)
            })
        })
        .collect();
    let (mut applied, mut rejected) = (0, 0);
    for t in threads {
        let (a, r) = t.join().unwrap();
        applied += a;
        rejected += r;
    }
    assert_eq!(applied, CLIENTS * ROUNDS * 20);
    assert_eq!(rejected, CLIENTS * ROUNDS * 10);
    let docs = s.login("a0@example.com").pull_all();
    let mut numbers: Vec<i64> = docs
        .iter()
        .filter(|(k, _)| k.starts_with("ticket:"))
        .map(|(_, t)| t["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    let expected: Vec<i64> = (1001..1001 + (CLIENTS * ROUNDS * 10) as i64).collect();
    assert_eq!(
        numbers, expected,
        "every ticket once, numbered without holes"
    );
    let replies = docs.values().filter(|d| d["body_text"] == "On it.").count();
    assert_eq!(replies, CLIENTS * ROUNDS * 10);
}

crate::on_both_backends!(
    a_refusal_is_answered_again_and_ids_are_checked,
    a_misspelt_argument_is_refused_by_name,
    a_draft_cannot_take_a_published_revisions_id,
    the_desktop_shows_a_refusal_whose_answer_was_lost,
    another_helpdesks_cursor_and_desktop_get_a_reset,
    concurrent_pushes_share_commits_and_keep_refusals_apart,
);
