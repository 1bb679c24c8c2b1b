//! The real server process, driven over HTTP: accounts, sign-in, refusals with their status
//! and code, push and pull, pokes and presence, restarts and graceful shutdown.

mod common;

on_both_backends!(
    health_and_openapi_describe_every_route,
    accounts_are_managed_from_the_command_line,
    sign_in_refusals_have_specific_codes,
    repeated_wrong_passwords_are_rate_limited_per_account,
    push_and_pull_a_ticket_with_idempotent_replays,
    bad_pushes_are_refused_whole_with_specific_codes,
    roles_are_enforced_on_the_server,
    pushes_poke_every_event_stream_and_presence_is_relayed,
    concurrent_desktops_get_unique_consecutive_ticket_numbers,
    pull_pages_never_split_a_mutation,
);

use std::time::Duration;

use common::*;
use serde_json::json;

fn health_and_openapi_describe_every_route(backend: Backend) {
    let s = Server::start(backend);
    let h = call(&s.url, "GET", "/healthz", None, None);
    assert_eq!(h.status, 200);
    assert_eq!(h.body["status"], "ok");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(h.body["backend"], expected);
    let doc = call(&s.url, "GET", "/api/openapi.json", None, None);
    assert_eq!(doc.status, 200);
    for path in [
        "/healthz",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/events",
        "/api/v1/presence",
        "/api/v1/reports/overview",
        "/api/v1/reports/people",
        "/api/v1/reports/tickets",
    ] {
        assert!(
            doc.body["paths"].get(path).is_some(),
            "{path} is not in the OpenAPI document"
        );
    }
    let missing = call(&s.url, "GET", "/nowhere", None, None);
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (404, Some("not_found"))
    );
}

fn accounts_are_managed_from_the_command_line(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("Admin@Example.com", "Zeynep Admin", "admin");
    let (ok, out) = s.user(
        &[
            "add",
            "--email",
            "admin@example.com",
            "--name",
            "Again",
            "--role",
            "agent",
        ],
        Some(PASSWORD),
    );
    assert!(!ok && out.contains("already exists"), "{out}");
    // An agent the admin saved from a desktop, without an account, holds its address too.
    let mut admin = s.login("admin@example.com");
    let saved = admin.push(&[json!({"name": "save_agent", "args": {
        "id": "0190a000-0000-7000-8000-00000000beef", "name": "Deniz Desk",
        "email": "deniz@example.com", "role": "agent", "active": true}})]);
    assert_eq!(
        saved.body["results"][0]["outcome"], "applied",
        "{:?}",
        saved.body
    );
    let (ok, out) = s.user(
        &[
            "add",
            "--email",
            "deniz@example.com",
            "--name",
            "Another Deniz",
            "--role",
            "agent",
        ],
        Some(PASSWORD),
    );
    assert!(!ok && out.contains("deniz@example.com"), "{out}");
    let (ok, out) = s.user(
        &[
            "add",
            "--email",
            "short@example.com",
            "--name",
            "Short",
            "--role",
            "agent",
        ],
        Some("abc"),
    );
    assert!(!ok && out.contains("too short"), "{out}");
    let (ok, out) = s.user(
        &[
            "add",
            "--email",
            "not-an-address",
            "--name",
            "X",
            "--role",
            "agent",
        ],
        Some(PASSWORD),
    );
    assert!(!ok && out.contains("not a valid e-mail"), "{out}");
    let (ok, out) = s.user(
        &[
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "owner",
        ],
        Some(PASSWORD),
    );
    assert!(!ok && out.contains("admin, agent, kb_editor"), "{out}");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let (ok, out) = s.user(&["list"], None);
    assert!(ok);
    assert!(
        out.contains("admin@example.com\tZeynep Admin\tadmin\tactive"),
        "{out}"
    );
    assert!(
        out.contains("ali@example.com\tAli Agent\tagent\tactive"),
        "{out}"
    );
    // Passwords are stored as argon2id hashes, never as text.
    if backend == Backend::Postgres {
        return;
    }
    let mut db = std::fs::read(s.dir.join("porchlight-server.db")).unwrap();
    db.extend(std::fs::read(s.dir.join("porchlight-server.db-wal")).unwrap_or_default());
    let db = String::from_utf8_lossy(&db);
    assert!(!db.contains(PASSWORD));
    assert!(db.contains("$argon2id$"));
}

fn sign_in_refusals_have_specific_codes(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let login = |email: &str, password: &str| {
        call(
            &s.url,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
    };
    let r = login("ali@example.com", "wrong password!");
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("wrong_credentials"))
    );
    let r = login("nobody@example.com", PASSWORD);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("wrong_credentials"))
    );
    let r = login("", "");
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (422, Some("invalid_input"))
    );
    let r = raw(
        &s.url,
        "POST",
        "/api/v1/auth/login",
        None,
        Some("{\"email\": ".into()),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("malformed_json"))
    );
    let r = call(
        &s.url,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "ali@example.com"})),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (422, Some("invalid_request"))
    );

    // The right password works, case-insensitively on the address.
    let ali = s.login("ALI@example.com");
    let me = ali.call("GET", "/api/v1/me", None);
    assert_eq!(
        (me.status, me.body["name"].as_str()),
        (200, Some("Ali Agent"))
    );

    // No token, a made-up token, a revoked token.
    let r = call(&s.url, "GET", "/api/v1/me", None, None);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let r = call(&s.url, "GET", "/api/v1/me", Some("plt_0000"), None);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("invalid_token"))
    );
    assert_eq!(ali.call("POST", "/api/v1/auth/logout", None).status, 204);
    let r = ali.call("GET", "/api/v1/me", None);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("invalid_token"))
    );

    // Disabling an agent ends their access at once, even with a live token.
    let ali = s.login("ali@example.com");
    let (ok, out) = s.user(&["disable", "--email", "ali@example.com"], None);
    assert!(ok, "{out}");
    let r = ali.call("GET", "/api/v1/me", None);
    assert_eq!(r.status, 401, "{}", r.body);
    let r = login("ali@example.com", PASSWORD);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("account_disabled"))
    );
    s.user(&["enable", "--email", "ali@example.com"], None);
    let ali = s.login("ali@example.com");
    // A new password signs every device out.
    let (ok, _) = s.user(
        &["set-password", "--email", "ali@example.com"],
        Some("another long password"),
    );
    assert!(ok);
    assert_eq!(ali.call("GET", "/api/v1/me", None).status, 401);
    assert_eq!(
        login("ali@example.com", "another long password").status,
        200
    );

    // Neither passwords nor tokens reach the log.
    let log = s.log_text();
    assert!(log.contains("signed in"), "the log is empty?\n{log}");
    assert!(!log.contains(PASSWORD) && !log.contains("another long password"));
    assert!(!log.contains(&ali.token));
}

fn repeated_wrong_passwords_are_rate_limited_per_account(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let login = |password: &str| {
        call(
            &s.url,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ali@example.com", "password": password})),
        )
    };
    for _ in 0..5 {
        assert_eq!(login("guess guess guess").status, 401);
    }
    let r = login(PASSWORD);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (429, Some("rate_limited"))
    );
    let wait: u64 = r.retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=300).contains(&wait));
    // Another account is not locked by Ali's failures.
    s.add_user("eva@example.com", "Eva Agent", "agent");
    s.login("eva@example.com");
}

fn push_and_pull_a_ticket_with_idempotent_replays(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let mut ali = s.login("ali@example.com");
    let (tid, create) = create_ticket("Parcel lost in Kraków", "ayse@example.com");
    let reply = reply_to(&tid, "We are on it.", "reply");
    let r = ali.push(&[create.clone(), reply.clone()]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["last_mutation_id"], 2);
    let outcomes: Vec<&str> = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["applied", "applied"]);

    let docs = ali.pull_all();
    let t = &docs[&format!("ticket:{tid}")];
    assert_eq!(t["subject"], "Parcel lost in Kraków");
    assert_eq!(t["number"], 1001, "the server numbers tickets");
    assert_eq!(t["status"], "open");
    assert!(t["first_response_at"].is_i64());
    assert_eq!(t["tags"], json!(["refund"]));
    assert!(docs.contains_key("tag:refund"));
    assert_eq!(docs.keys().filter(|k| k.starts_with("message:")).count(), 2);
    assert!(docs.keys().any(|k| k.starts_with("customer:")));
    assert!(docs.keys().any(|k| k.starts_with("event:")));

    // The same push again (a retry after a lost answer) applies nothing twice.
    ali.next_id = 1;
    let r = ali.push(&[create, reply]);
    let outcomes: Vec<&str> = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["duplicate", "duplicate"]);
    assert_eq!(ali.pull_all(), docs);

    // A gap is refused: the client must resend from the expected id.
    ali.next_id = 5;
    let r = ali.push(&[reply_to(&tid, "Lost?", "note")]);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (409, Some("mutation_gap"))
    );
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("resend from 3"));

    // A refused mutation is reported with its reason and counts as processed.
    ali.next_id = 3;
    let r = ali.push(&[json!({"name": "add_message", "args": {
        "message_id": uuid(), "ticket_id": "no-such-ticket", "kind": "reply", "from_customer": false,
        "body_text": "hello", "body_html": null, "attachment_ids": []}})]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["results"][0]["outcome"], "rejected");
    assert_eq!(r.body["results"][0]["error"]["code"], "not_found");
    assert_eq!(ali.pull(0).body["last_mutation_id"], 3);

    // Everything survives a restart.
    let s = s.kill9_and_restart();
    let again = s.login("ali@example.com");
    let mut after = again.pull_all();
    after.retain(|k, _| !k.starts_with("agent:"));
    let mut before = docs;
    before.retain(|k, _| !k.starts_with("agent:"));
    assert_eq!(after, before);
}

fn bad_pushes_are_refused_whole_with_specific_codes(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let mut ali = s.login("ali@example.com");
    let version = || {
        call(&s.url, "GET", "/healthz", None, None).body["workspace_version"]
            .as_i64()
            .unwrap()
    };
    let v0 = version();

    let r = ali.push(&[json!({"name": "drop_database", "args": {}})]);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (422, Some("unknown_mutation"))
    );
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("drop_database"));

    let r = ali.call(
        "POST",
        "/api/v1/sync/push",
        Some(json!({"client_id": ali.client_id, "schema_version": 99, "mutations": []})),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (426, Some("schema_mismatch"))
    );
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("update Porchlight"));

    let r = raw(
        &s.url,
        "POST",
        "/api/v1/sync/push",
        Some(&ali.token),
        Some("{not json".into()),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (400, Some("malformed_json"))
    );

    let big = "x".repeat(9 * 1024 * 1024);
    let (_, mut create) = create_ticket("Big", "big@example.com");
    create["args"]["body_text"] = json!(big);
    let r = ali.push(&[create]);
    // Refused from its Content-Length: either the 413 arrives, or the server closed the
    // connection while the client was still sending the rest of the body.
    assert!(
        (r.status, r.body["code"].as_str()) == (413, Some("request_too_large"))
            || (r.status == 0
                && r.body
                    .as_str()
                    .is_some_and(|e| e.contains("reset") || e.contains("Broken pipe"))),
        "{} {}",
        r.status,
        r.body
    );
    ali.next_id -= 1;

    let many: Vec<_> = (0..501)
        .map(|_| create_ticket("Many", "m@example.com").1)
        .collect();
    let r = ali.push(&many);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (413, Some("too_many_mutations"))
    );

    let r = ali.call(
        "POST",
        "/api/v1/sync/push",
        Some(json!({"client_id": "bad id!", "schema_version": 1, "mutations": []})),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (422, Some("invalid_client_id"))
    );

    // None of it changed anything.
    assert_eq!(version(), v0);

    // Arguments of the wrong shape are refused per mutation, with the reason.
    ali.next_id = 1;
    let r = ali.push(&[json!({"name": "add_tag", "args": {"ticket_id": 7}})]);
    assert_eq!(r.body["results"][0]["outcome"], "rejected");
    assert!(r.body["results"][0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("add_tag"));
    // Empty subject: the same validation as the desktop.
    let (_, mut create) = create_ticket("   ", "e@example.com");
    create["args"]["subject"] = json!("   ");
    let r = ali.push(&[create]);
    assert_eq!(r.body["results"][0]["error"]["code"], "empty_field");
    assert_eq!(r.body["results"][0]["error"]["field"], "subject");
    assert_eq!(version(), v0);
}

fn roles_are_enforced_on_the_server(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("boss@example.com", "Zeynep Admin", "admin");
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let mut boss = s.login("boss@example.com");
    let mut ali = s.login("ali@example.com");
    let (tid, create) = create_ticket("Refund please", "ayse@example.com");
    assert_eq!(ali.push(&[create]).body["results"][0]["outcome"], "applied");

    let r = ali.push(&[json!({"name": "delete_ticket", "args": {"ticket_id": tid}})]);
    assert_eq!(r.body["results"][0]["outcome"], "rejected");
    assert_eq!(r.body["results"][0]["error"]["code"], "forbidden");
    let r = ali.push(&[
        json!({"name": "save_group", "args": {"id": uuid(), "name": "Billing", "description": ""}}),
    ]);
    assert_eq!(r.body["results"][0]["error"]["code"], "forbidden");
    let me = ali.agent["id"].as_str().unwrap().to_string();
    let r = ali.push(&[json!({"name": "save_agent", "args": {"id": me, "name": "Ali", "email": "ali@example.com", "role": "admin", "active": true}})]);
    assert_eq!(
        r.body["results"][0]["error"]["code"], "forbidden",
        "an agent cannot promote themselves"
    );
    let r = ali.push(&[json!({"name": "save_agent", "args": {"id": me, "name": "Ali Öztürk", "email": "ali@example.com", "role": "agent", "active": true}})]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);

    let r = boss.push(&[json!({"name": "delete_ticket", "args": {"ticket_id": tid}})]);
    assert_eq!(r.body["results"][0]["outcome"], "applied");
    let docs = boss.pull_all();
    assert!(docs[&format!("ticket:{tid}")]["deleted_at"].is_i64());
    assert_eq!(docs[&format!("agent:{me}")]["name"], "Ali Öztürk");
    // A client id belongs to the agent who first used it.
    ali.client_id = boss.client_id.clone();
    ali.next_id = 1;
    let r = ali.push(&[reply_to(&tid, "hi", "note")]);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("client_not_yours"))
    );
}

fn pushes_poke_every_event_stream_and_presence_is_relayed(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    s.add_user("eva@example.com", "Eva Agent", "agent");
    let mut ali = s.login("ali@example.com");
    let eva = s.login("eva@example.com");
    let rx = events(&s.url, &eva.token);
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(first["type"], "presence");

    let (tid, create) = create_ticket("Where is my parcel?", "ayse@example.com");
    ali.push(&[create]);
    let poke = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(poke["type"], "poke");
    assert!(poke["version"].as_i64().unwrap() > 0);
    assert!(poke.get("changes").is_none(), "pokes carry no data");

    let r = ali.call(
        "POST",
        "/api/v1/presence",
        Some(json!({"client_id": ali.client_id, "ticket_id": tid, "activity": "replying"})),
    );
    assert_eq!(r.status, 204);
    let p = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(p["type"], "presence");
    assert_eq!(p["entries"][0]["agent_name"], "Ali Agent");
    assert_eq!(p["entries"][0]["ticket_id"], tid.as_str());
    assert_eq!(p["entries"][0]["activity"], "replying");

    // The stream needs a token too.
    let r = call(&s.url, "GET", "/api/v1/events", None, None);
    assert_eq!(r.status, 401);

    // SIGTERM ends the server cleanly even with an event stream open.
    assert!(s.stop(), "the server did not exit cleanly on SIGTERM");
}

fn concurrent_desktops_get_unique_consecutive_ticket_numbers(backend: Backend) {
    let s = Server::start(backend);
    for i in 0..4 {
        s.add_user(&format!("a{i}@example.com"), &format!("Agent {i}"), "agent");
    }
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let mut c = s.login(&format!("a{i}@example.com"));
            std::thread::spawn(move || {
                for j in 0..10 {
                    let (_, m) =
                        create_ticket(&format!("Ticket {i}-{j}"), &format!("c{i}{j}@example.com"));
                    let r = c.push(&[m]);
                    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let docs = s.login("a0@example.com").pull_all();
    let mut numbers: Vec<i64> = docs
        .iter()
        .filter(|(k, _)| k.starts_with("ticket:"))
        .map(|(_, d)| d["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1001..=1040).collect::<Vec<_>>());
}

fn pull_pages_never_split_a_mutation(backend: Backend) {
    let s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let mut ali = s.login("ali@example.com");
    for i in 0..30 {
        let (_, m) = create_ticket(&format!("Ticket {i}"), &format!("c{i}@example.com"));
        ali.push(&[m]);
    }
    let all = ali.pull_all();
    let mut paged = std::collections::BTreeMap::new();
    let mut cursor = 0;
    let mut pages = 0;
    loop {
        let r = ali.call(
            "GET",
            &format!(
                "/api/v1/sync/pull?client_id={}&cursor={cursor}&limit=7&schema_version=1",
                ali.client_id
            ),
            None,
        );
        let changes = r.body["changes"].as_array().unwrap();
        assert!(
            changes.len() <= 7
                || changes
                    .iter()
                    .all(|c| c["version"] == changes[0]["version"])
        );
        let versions: std::collections::BTreeSet<i64> = changes
            .iter()
            .map(|c| c["version"].as_i64().unwrap())
            .collect();
        // Each create writes ticket, customer, message, tag and event documents at one version.
        for v in &versions {
            let n = changes
                .iter()
                .filter(|c| c["version"].as_i64() == Some(*v))
                .count();
            assert!(
                n >= 4 || *v == 1,
                "version {v} arrived split ({n} documents)"
            );
        }
        for c in changes {
            paged.insert(
                format!(
                    "{}:{}",
                    c["key"]["kind"].as_str().unwrap(),
                    c["key"]["id"].as_str().unwrap()
                ),
                c["doc"]["doc"].clone(),
            );
        }
        cursor = r.body["cursor"].as_i64().unwrap();
        pages += 1;
        if !r.body["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert!(pages > 5);
    assert_eq!(paged, all);
    // A cursor from another server's history asks the client to start over.
    let r = ali.pull(1_000_000);
    assert_eq!(r.body["reset"], true);
}

/// Several server processes on one PostgreSQL: a push through one wakes and reaches a
/// desktop connected to the other.
#[test]
fn two_servers_on_one_postgres_wake_each_others_clients() {
    let a = Server::start(Backend::Postgres);
    let b = a.sibling();
    a.add_user("ali@example.com", "Ali Agent", "agent");
    a.add_user("eva@example.com", "Eva Agent", "agent");
    let mut ali = a.login("ali@example.com");
    let eva = b.login("eva@example.com");
    let rx = events(&b.url, &eva.token);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap()["type"],
        "presence"
    );
    let cursor = eva.pull_all().len();
    assert!(cursor > 0);

    let (tid, create) = create_ticket("Invoice twice", "ayse@example.com");
    assert_eq!(ali.push(&[create]).body["results"][0]["outcome"], "applied");
    let poke = loop {
        let e = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server B never poked its client");
        if e["type"] == "poke" && e["version"].as_i64() > Some(0) {
            break e;
        }
    };
    assert!(poke["version"].as_i64().unwrap() > 0);
    let docs = eva.pull_all();
    assert_eq!(docs[&format!("ticket:{tid}")]["subject"], "Invoice twice");

    // Both processes hand out numbers from the same sequence.
    let mut eva = eva;
    let (t2, create) = create_ticket("Second", "bob@example.com");
    eva.push(&[create]);
    let docs = ali.pull_all();
    assert_eq!(docs[&format!("ticket:{tid}")]["number"], 1001);
    assert_eq!(docs[&format!("ticket:{t2}")]["number"], 1002);

    // Presence crosses processes too: Ali (on A) replying shows on Eva's stream (on B), and
    // his leaving clears it.
    let presence_of_ali = |want: Option<&str>| loop {
        let e = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server B never relayed Ali's presence");
        if e["type"] != "presence" {
            continue;
        }
        let ali_on = e["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["agent_name"] == "Ali Agent")
            .map(|p| p["activity"].as_str().unwrap().to_string());
        if ali_on.as_deref() == want {
            return;
        }
    };
    let r = ali.call(
        "POST",
        "/api/v1/presence",
        Some(json!({"client_id": ali.client_id, "ticket_id": tid, "activity": "replying"})),
    );
    assert_eq!(r.status, 204);
    presence_of_ali(Some("replying"));
    let r = ali.call(
        "POST",
        "/api/v1/presence",
        Some(json!({"client_id": ali.client_id, "ticket_id": null, "activity": "viewing"})),
    );
    assert_eq!(r.status, 204);
    presence_of_ali(None);
}
