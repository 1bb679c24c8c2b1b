//! Sign-in, sessions, event streams and presence under attack: parallel password guesses,
//! a flood of logins for unknown accounts, revoked sessions with open streams, agents
//! reaching for colleagues' addresses, client ids and presence, and sessions that run out.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{call, create_ticket, Backend, Client, Server, PASSWORD};
use crate::{in_parallel, peak_rss_mb};

const WRONG: &str = "not the password at all";

/// One HTTP/1.1 request from a chosen loopback address, answered in full:
/// (status, Retry-After, body).
fn http_from(
    server: &Server,
    from: IpAddr,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Option<String>, Value) {
    let to: SocketAddr = server
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("the server listens on an address");
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::new(from, 0).into()).unwrap();
    socket.connect(&to.into()).unwrap();
    let mut stream: TcpStream = socket.into();
    // Generous: a hang fails the test instead of blocking it forever.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let body = body.to_string();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .expect("the server answers in time");
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let retry_after = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("retry-after:")
            .map(|v| v.trim().to_string())
    });
    let body = serde_json::from_str(body).unwrap_or(Value::String(body.to_string()));
    (status, retry_after, body)
}

fn login_from(
    server: &Server,
    from: &str,
    email: &str,
    password: &str,
) -> (u16, Option<String>, Value) {
    http_from(
        server,
        from.parse().unwrap(),
        "POST",
        "/api/v1/auth/login",
        &json!({"email": email, "password": password, "device_name": "flood"}),
    )
}

fn scenario_parallel_guesses_lock_the_account(backend: Backend) {
    let server = Arc::new(Server::start(backend));
    server.add_user("ayse@desk.example", "Ayşe", "agent");
    server.add_user("deniz@desk.example", "Deniz", "agent");
    let s = server.clone();
    let answers = in_parallel(60, move |_| {
        login_from(&s, "127.0.0.1", "ayse@desk.example", WRONG)
    });
    let checked = answers.iter().filter(|a| a.0 == 401).count();
    for (status, retry_after, body) in &answers {
        match status {
            401 => assert_eq!(body["code"], "wrong_credentials"),
            429 | 503 => assert!(
                retry_after.is_some(),
                "{status} without Retry-After: {body}"
            ),
            other => panic!("unexpected answer {other}: {body}"),
        }
    }
    assert!(
        checked <= 5,
        "{checked} of 60 parallel guesses reached the password check"
    );
    // Guesses the server was too busy to check did not count: use up what is left.
    let mut extra = 0;
    while login_from(&server, "127.0.0.1", "ayse@desk.example", WRONG).0 != 429 {
        extra += 1;
        assert!(checked + extra <= 5, "more than 5 guesses were checked");
    }
    // Now even the right password waits for the window, from any address.
    for from in ["127.0.0.1", "127.0.0.3"] {
        let (status, retry_after, body) = login_from(&server, from, "ayse@desk.example", PASSWORD);
        assert_eq!(status, 429, "{body}");
        assert!(retry_after.unwrap().parse::<u64>().unwrap() >= 1);
    }
    // A colleague from another address is not locked out.
    let (status, _, body) = login_from(&server, "127.0.0.2", "deniz@desk.example", PASSWORD);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_flood_of_unknown_accounts_keeps_memory_bounded_and_the_server_up() {
    let server = Arc::new(Server::start(Backend::Sqlite));
    let flooding = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let health = {
        let (url, flooding) = (server.url.clone(), flooding.clone());
        std::thread::spawn(move || {
            let mut answers = Vec::new();
            while flooding.load(std::sync::atomic::Ordering::Relaxed) || answers.is_empty() {
                answers.push(call(&url, "GET", "/healthz", None, None).status);
                std::thread::sleep(Duration::from_millis(100));
            }
            answers
        })
    };
    let s = server.clone();
    let answers = in_parallel(60, move |i| {
        let from = format!("127.0.0.{}", 10 + i);
        login_from(&s, &from, &format!("nobody{i}@desk.example"), WRONG)
    });
    flooding.store(false, std::sync::atomic::Ordering::Relaxed);
    let health = health.join().unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for (status, retry_after, body) in &answers {
        *counts.entry(*status).or_insert(0) += 1;
        match status {
            401 => assert_eq!(body["code"], "wrong_credentials"),
            429 => assert!(retry_after.is_some()),
            503 => {
                assert_eq!(body["code"], "busy", "{body}");
                assert!(retry_after.is_some());
            }
            other => panic!("unexpected answer {other}: {body}"),
        }
    }
    eprintln!(
        "flood answers by status: {counts:?}; /healthz answers: {}",
        health.len()
    );
    assert!(
        health.iter().all(|s| *s == 200),
        "/healthz during the flood: {health:?}"
    );
    let peak = peak_rss_mb(server.pid());
    eprintln!("server peak RSS: {peak} MB");
    assert!(peak < 150, "the server peaked at {peak} MB");
}

/// What an event stream delivered, read until it ended (or the generous timeout passed).
enum StreamItem {
    Event(Value),
    TimedOut,
}

fn open_stream(url: &str, token: &str) -> Result<Receiver<StreamItem>, (u16, Value)> {
    let res = ureq::AgentBuilder::new()
        .timeout_read(Duration::from_secs(40))
        .build()
        .get(&format!("{url}/api/v1/events"))
        .set("Authorization", &format!("Bearer {token}"))
        .call();
    let res = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(code, r)) => {
            return Err((code, r.into_json().unwrap_or(Value::Null)))
        }
        Err(e) => panic!("could not open the stream: {e}"),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(res.into_reader()).lines() {
            match line {
                Ok(line) => {
                    if let Some(data) = line.strip_prefix("data:") {
                        let _ = tx.send(StreamItem::Event(
                            serde_json::from_str(data.trim()).unwrap(),
                        ));
                    }
                }
                Err(_) => {
                    let _ = tx.send(StreamItem::TimedOut);
                    return;
                }
            }
        }
        // End of stream: the sender drops and the receiver sees it disconnect.
    });
    // The first event (presence) says the stream is registered.
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(StreamItem::Event(e)) => assert_eq!(e["type"], "presence"),
        _ => panic!("the stream sent no first event"),
    }
    Ok(rx)
}

/// Reads a stream to its end; returns the pokes it still delivered. Panics if it stays open.
fn read_to_end(rx: &Receiver<StreamItem>) -> Vec<i64> {
    let mut pokes = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(45)) {
            Ok(StreamItem::Event(e)) => {
                if e["type"] == "poke" {
                    pokes.push(e["version"].as_i64().unwrap());
                }
            }
            Ok(StreamItem::TimedOut) | Err(RecvTimeoutError::Timeout) => {
                panic!("the event stream stayed open after its session was revoked")
            }
            Err(RecvTimeoutError::Disconnected) => return pokes,
        }
    }
}

fn push_ticket(c: &mut Client, subject: &str) -> i64 {
    let (_, m) = create_ticket(subject, "customer@example.com");
    let r = c.push(&[m]);
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["results"][0]["version"].as_i64().unwrap()
}

/// Ends a signed-in client's session one way or another.
type Revocation<'a> = dyn Fn(&Client) + 'a;

fn scenario_revocation_ends_open_streams(backend: Backend) {
    let server = Server::start(backend);
    server.add_user("admin@desk.example", "Deniz", "admin");
    server.add_user("ola@desk.example", "Ola", "agent");
    let mut admin = server.login("admin@desk.example");
    let revocations: [(&str, &Revocation); 3] = [
        ("logout", &|c: &Client| {
            assert_eq!(c.call("POST", "/api/v1/auth/logout", None).status, 204)
        }),
        ("user disable", &|_: &Client| {
            let (ok, out) = server.user(&["disable", "--email", "ola@desk.example"], None);
            assert!(ok, "{out}");
        }),
        ("user set-password", &|_: &Client| {
            let (ok, out) = server.user(
                &["set-password", "--email", "ola@desk.example"],
                Some(PASSWORD),
            );
            assert!(ok, "{out}");
        }),
    ];
    for (what, revoke) in revocations {
        let ola = server.login("ola@desk.example");
        let stream = open_stream(&server.url, &ola.token).unwrap();
        let before = push_ticket(&mut admin, "before");
        revoke(&ola);
        let after = push_ticket(&mut admin, "after");
        let pokes = read_to_end(&stream);
        assert!(
            pokes.iter().all(|v| *v < after),
            "{what}: the stream still got pokes {pokes:?} after the revocation (version {after})"
        );
        assert!(before < after);
        let r = ola.call("GET", "/api/v1/me", None);
        assert!(matches!(r.status, 401 | 403), "{what}: {}", r.body);
        if what == "user disable" {
            let (ok, out) = server.user(&["enable", "--email", "ola@desk.example"], None);
            assert!(ok, "{out}");
        }
    }
    // A session holds at most four streams; the fifth is refused, another session's is not.
    let ola = server.login("ola@desk.example");
    let open: Vec<_> = (0..4)
        .map(|_| open_stream(&server.url, &ola.token).unwrap())
        .collect();
    let Err((status, body)) = open_stream(&server.url, &ola.token) else {
        panic!("a fifth stream of one session was accepted")
    };
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("too_many_streams"))
    );
    let other = server.login("ola@desk.example");
    let _fine = open_stream(&server.url, &other.token).unwrap();
    // An admin ending the agent's sessions closes all of them.
    let ola_id = ola.agent["id"].as_str().unwrap().to_string();
    let r = admin.call("DELETE", &format!("/api/v1/users/{ola_id}/sessions"), None);
    assert_eq!(
        (r.status, r.body["ended"].as_i64()),
        (200, Some(2)),
        "{}",
        r.body
    );
    let after = push_ticket(&mut admin, "after ending sessions");
    for rx in open.iter().chain([&_fine]) {
        assert!(read_to_end(rx).iter().all(|v| *v < after));
    }
}

fn save_agent(agent: &Value, email: &str, active: bool) -> Value {
    json!({"name": "save_agent", "args": {
        "id": agent["id"], "name": agent["name"], "email": email,
        "role": agent["role"], "active": active
    }})
}

fn refusal(r: &crate::common::Reply) -> (String, Option<String>) {
    assert_eq!(r.status, 200, "{}", r.body);
    let result = &r.body["results"][0];
    assert_eq!(result["outcome"], "rejected", "{result}");
    (
        result["error"]["code"].as_str().unwrap().to_string(),
        result["error"]["field"].as_str().map(str::to_string),
    )
}

fn scenario_agents_keep_to_their_own_address(backend: Backend) {
    let server = Server::start(backend);
    server.add_user("admin@desk.example", "Deniz", "admin");
    server.add_user("ola@desk.example", "Ola", "agent");
    let mut admin = server.login("admin@desk.example");
    let mut ola = server.login("ola@desk.example");
    let me = ola.agent.clone();
    // Through sync, an agent takes neither the admin's address nor any new one.
    for email in ["admin@desk.example", "ola.new@desk.example"] {
        let (code, field) = refusal(&ola.push(&[save_agent(&me, email, true)]));
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("forbidden", Some("email"))
        );
    }
    // With the password, through its own endpoint: a wrong one, a taken address, then fine.
    let change = |password: &str, email: &str| {
        ola.call(
            "POST",
            "/api/v1/me/email",
            Some(json!({"password": password, "email": email})),
        )
    };
    let r = change(WRONG, "ola.new@desk.example");
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("wrong_password"))
    );
    let r = change(PASSWORD, "Admin@Desk.example");
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (409, Some("conflict")),
        "{}",
        r.body
    );
    let r = change(PASSWORD, "not an address");
    assert_eq!(r.status, 422, "{}", r.body);
    let r = change(PASSWORD, "ola.new@desk.example");
    assert_eq!(
        (r.status, r.body["email"].as_str()),
        (200, Some("ola.new@desk.example"))
    );
    // The account follows: the new address signs in, the old one no longer does.
    server.login("ola.new@desk.example");
    let r = call(
        &server.url,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "ola@desk.example", "password": PASSWORD})),
    );
    assert_eq!(r.status, 401);
    // An admin's change of the agent's address moves the account too, never onto a taken one.
    let (code, field) = refusal(&admin.push(&[save_agent(&me, "admin@desk.example", true)]));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("conflict", Some("email"))
    );
    let r = admin.push(&[save_agent(&me, "ola.n@desk.example", true)]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    server.login("ola.n@desk.example");
    let (ok, list) = server.user(&["list"], None);
    assert!(
        ok && list.contains("ola.n@desk.example") && !list.contains("ola.new@"),
        "{list}"
    );
    // Deactivating the agent is disabling the account: sessions end, sign-in is refused.
    let stream = open_stream(&server.url, &ola.token).unwrap();
    let r = admin.push(&[save_agent(&me, "ola.n@desk.example", false)]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    read_to_end(&stream);
    let r = ola.call("GET", "/api/v1/me", None);
    assert_eq!(r.status, 401, "{}", r.body);
    let r = call(
        &server.url,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "ola.n@desk.example", "password": PASSWORD})),
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("account_disabled"))
    );
    let (_, list) = server.user(&["list"], None);
    let line = list.lines().find(|l| l.starts_with("ola.n@")).unwrap();
    assert!(line.ends_with("disabled"), "{line}");
    // Active again: back in.
    admin.push(&[save_agent(&me, "ola.n@desk.example", true)]);
    server.login("ola.n@desk.example");
}

fn presence(c: &Client, client_id: &str, ticket: Option<&str>) -> crate::common::Reply {
    c.call(
        "POST",
        "/api/v1/presence",
        Some(json!({"client_id": client_id, "ticket_id": ticket, "activity": "viewing"})),
    )
}

fn scenario_client_ids_and_presence_belong_to_their_agent(backend: Backend) {
    let server = Server::start(backend);
    server.add_user("admin@desk.example", "Deniz", "admin");
    server.add_user("ola@desk.example", "Ola", "agent");
    let deniz = server.login("admin@desk.example");
    let mut ola = server.login("ola@desk.example");
    assert_eq!(presence(&deniz, &deniz.client_id, Some("t1")).status, 204);
    // Ola cannot clear Deniz's presence nor read Deniz's last mutation id with that client id.
    let r = presence(&ola, &deniz.client_id, None);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("client_not_yours"))
    );
    ola.client_id = deniz.client_id.clone();
    let r = ola.pull(0);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (403, Some("client_not_yours"))
    );
    let stream = open_stream_first(&server.url, &ola.token);
    assert!(
        stream
            .iter()
            .any(|e| e["client_id"] == deniz.client_id.as_str()),
        "{stream:?}"
    );
    // Eight desktops per agent at most.
    let mut answers = Vec::new();
    for i in 0..12 {
        answers.push(presence(&ola, &format!("ola-desk-{i}"), Some("t1")).status);
    }
    assert_eq!(
        answers.iter().filter(|s| **s == 204).count(),
        8,
        "{answers:?}"
    );
    assert!(answers[8..].iter().all(|s| *s == 429));
    // Leaving frees a place.
    assert_eq!(presence(&ola, "ola-desk-0", None).status, 204);
    assert_eq!(presence(&ola, "ola-desk-11", Some("t1")).status, 204);
}

/// The presence entries a fresh stream starts with.
fn open_stream_first(url: &str, token: &str) -> Vec<Value> {
    let res = ureq::AgentBuilder::new()
        .timeout_read(Duration::from_secs(30))
        .build()
        .get(&format!("{url}/api/v1/events"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    let line = BufReader::new(res.into_reader())
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("data:"))
        .unwrap();
    let first: Value = serde_json::from_str(line.trim_start_matches("data:").trim()).unwrap();
    first["entries"].as_array().unwrap().clone()
}

fn scenario_admins_see_and_end_sessions(backend: Backend) {
    let server = Server::start(backend);
    server.add_user("admin@desk.example", "Deniz", "admin");
    server.add_user("ola@desk.example", "Ola", "agent");
    let admin = server.login("admin@desk.example");
    let ola = server.login("ola@desk.example");
    let ola_id = ola.agent["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{ola_id}/sessions");
    let r = admin.call("GET", &path, None);
    assert_eq!(r.status, 200, "{}", r.body);
    let sessions = r.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["device_name"], "test");
    assert!(
        sessions[0]["last_used_at"].as_i64().unwrap()
            >= sessions[0]["created_at"].as_i64().unwrap()
    );
    assert!(
        !r.body.to_string().contains(&ola.token),
        "the list never shows a token"
    );
    // Only admins.
    for method in ["GET", "DELETE"] {
        let r = ola.call(method, &path, None);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (403, Some("forbidden"))
        );
    }
    let r = admin.call("GET", "/api/v1/users/no-such-agent/sessions", None);
    assert_eq!(r.status, 404, "{}", r.body);
    // The CLI lists and ends them as well.
    let (ok, out) = server.user(&["sessions", "--email", "ola@desk.example"], None);
    assert!(ok && out.contains("test\tcreated "), "{out}");
    let (ok, out) = server.user(&["end-sessions", "--email", "ola@desk.example"], None);
    assert!(ok && out.contains("1 sessions"), "{out}");
    let r = ola.call("GET", "/api/v1/me", None);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let (_, out) = server.user(&["sessions", "--email", "ola@desk.example"], None);
    assert!(out.contains("has no sessions"), "{out}");
    let doc = call(&server.url, "GET", "/api/openapi.json", None, None);
    for path in ["/api/v1/me/email", "/api/v1/users/{agent_id}/sessions"] {
        assert!(
            doc.body["paths"].get(path).is_some(),
            "{path} is not in the OpenAPI document"
        );
    }
}

fn scenario_sessions_run_out(backend: Backend) {
    let server = Server::start_env(
        backend,
        &[
            ("PORCHLIGHT_SESSION_IDLE_SECS", "4"),
            ("PORCHLIGHT_SESSION_MAX_SECS", "12"),
        ],
    );
    server.add_user("ola@desk.example", "Ola", "agent");
    let busy = server.login("ola@desk.example");
    let idle = server.login("ola@desk.example");
    // Used every second, a session outlives the idle lifetime; unused, it does not.
    for _ in 0..6 {
        std::thread::sleep(Duration::from_secs(1));
        let r = busy.call("GET", "/api/v1/me", None);
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = idle.call("GET", "/api/v1/me", None);
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("session_expired"))
    );
    // However busy, a session ends at its absolute lifetime.
    let mut answer = busy.call("GET", "/api/v1/me", None);
    for _ in 0..12 {
        if answer.status != 200 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
        answer = busy.call("GET", "/api/v1/me", None);
    }
    assert_eq!(
        (answer.status, answer.body["code"].as_str()),
        (401, Some("session_expired"))
    );
}

crate::on_both_backends!(
    scenario_parallel_guesses_lock_the_account,
    scenario_revocation_ends_open_streams,
    scenario_agents_keep_to_their_own_address,
    scenario_client_ids_and_presence_belong_to_their_agent,
    scenario_admins_see_and_end_sessions,
    scenario_sessions_run_out,
);
