//! The customers' self-service portal on the real server process, over plain HTTP as a
//! browser without JavaScript would use it: requests become web tickets that desktops pull,
//! the honeypot, size limits and the rate limit keep what the customer typed, tracking links
//! show only the public thread and answer one identical 404 for every bad link.

mod common;

on_both_backends!(
    a_request_becomes_a_web_ticket_of_the_known_customer,
    a_request_in_another_help_center_language_keeps_it,
    a_filled_honeypot_pretends_and_creates_nothing,
    refused_forms_come_back_with_the_text_in_the_customers_language,
    requests_are_rate_limited_per_client,
    the_tracking_page_shows_the_public_thread_and_takes_replies,
    every_bad_tracking_link_answers_the_same_404,
    hostile_input_is_shown_as_text,
    tracking_links_survive_restarts_and_work_on_every_process,
    automation_rules_act_on_requests_and_customer_replies,
    a_solved_request_is_rated_on_the_survey_page,
    a_bad_rating_reopens_the_ticket_by_rule,
    survey_answers_are_rate_limited_in_parallel,
    the_request_form_wears_the_help_centers_look,
);

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use porchlight_domain::config::ConfigMutation;
use porchlight_domain::rules::{
    MatchMode, Rule, RuleAction, RuleCondition, RuleField, RuleOp, RuleTrigger,
};
use porchlight_domain::Priority;
use serde_json::{json, Value};

/// Matches the server's per-file limit (portal::MAX_FILE_BYTES).
const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

struct Page {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
    bytes: Vec<u8>,
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .redirects(0)
        .build()
}

fn page(r: Result<ureq::Response, ureq::Error>) -> Page {
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = r.status();
    let headers = r
        .headers_names()
        .into_iter()
        .map(|n| (n.to_lowercase(), r.header(&n).unwrap_or("").to_owned()))
        .collect();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

fn get(url: &str, path: &str) -> Page {
    page(agent().get(&format!("{url}{path}")).call())
}

fn get_with(url: &str, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = agent().get(&format!("{url}{path}"));
    for (n, v) in headers {
        req = req.set(n, v);
    }
    page(req.call())
}

fn get_as(url: &str, path: &str, token: &str) -> Page {
    page(
        agent()
            .get(&format!("{url}{path}"))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    )
}

/// A file for a multipart form: (file name, type, bytes).
type File<'a> = (&'a str, &'a str, &'a [u8]);

/// POSTs a multipart/form-data body, as a browser sends the portal's forms.
fn post_form(url: &str, path: &str, fields: &[(&str, &str)], files: &[File<'_>]) -> Page {
    let boundary = "----porchlight-test-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (filename, mime, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    page(
        agent()
            .post(&format!("{url}{path}"))
            .set(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .send_bytes(&body),
    )
}

fn request_fields<'a>(
    name: &'a str,
    email: &'a str,
    subject: &'a str,
    message: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("subject", subject),
        ("message", message),
        ("website", ""),
    ]
}

/// Submits a request in English; returns the tracking link's path (without `?lang`).
fn submit(url: &str, email: &str, subject: &str, message: &str, files: &[File<'_>]) -> String {
    let p = post_form(
        url,
        "/help/en/requests/new",
        &request_fields("Ayşe Yılmaz", email, subject, message),
        files,
    );
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains("data-testid=\"request-received\""),
        "{}",
        p.body
    );
    tracking_link(&p.body)
}

fn tracking_link(body: &str) -> String {
    let at = body
        .find("href=\"/help/requests/")
        .unwrap_or_else(|| panic!("no tracking link in {body}"));
    let rest = &body[at + 6..];
    let link = &rest[..rest.find('"').unwrap()];
    link.split('?').next().unwrap().to_owned()
}

fn ticket_id_of(link: &str) -> String {
    link.split('/').nth(3).unwrap().to_owned()
}

fn docs_of<'a>(docs: &'a BTreeMap<String, Value>, kind: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|(k, _)| k.starts_with(&format!("{kind}:")))
        .map(|(_, v)| v)
        .collect()
}

fn messages_of<'a>(docs: &'a BTreeMap<String, Value>, ticket_id: &str) -> Vec<&'a Value> {
    let mut m: Vec<_> = docs_of(docs, "message")
        .into_iter()
        .filter(|m| m["ticket_id"] == ticket_id)
        .collect();
    m.sort_by_key(|m| m["created_at"].as_i64());
    m
}

fn team(backend: Backend) -> (Server, Client) {
    let s = Server::start(backend);
    s.add_user("admin@example.com", "Deniz Admin", "admin");
    let c = s.login("admin@example.com");
    (s, c)
}

fn a_request_becomes_a_web_ticket_of_the_known_customer(backend: Backend) {
    let (s, mut agent) = team(backend);
    // The customer is already known from a phone call.
    let (_, phone) = create_ticket("Phone call", "ayse@example.com");
    assert_eq!(agent.push(&[phone]).status, 200);
    let known = docs_of(&agent.pull_all(), "customer")[0]["id"].clone();

    let form = get(&s.url, "/help/en/requests/new");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(!form.body.contains("<script"));
    assert_eq!(get(&s.url, "/help/x_y!/requests/new").status, 404);
    assert_eq!(
        get(&s.url, "/help/toolonglanguage/requests/new").status,
        404
    );

    let report = b"order 1042\nnot delivered\n";
    let link = submit(
        &s.url,
        "Ayse@Example.COM",
        "Where is my order?",
        "It has been two weeks.",
        &[("rapor ü.txt", "text/plain", report)],
    );
    let ticket_id = ticket_id_of(&link);
    // The tracking page works, and its secret never reaches the server's log.
    assert_eq!(get(&s.url, &link).status, 200);
    let token = link.rsplit('/').next().unwrap();
    // The log line may land just after the answer: wait for it, then look for the token.
    let logged = format!("/help/requests/{ticket_id}/…");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !s.log_text().contains(&logged) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let log = s.log_text();
    assert!(
        log.contains(&logged),
        "the visit is logged without its token"
    );
    assert!(!log.contains(token), "the tracking token was logged");

    let docs = agent.pull_all();
    let t = &docs[&format!("ticket:{ticket_id}")];
    assert_eq!(
        (
            &t["channel"],
            &t["subject"],
            &t["status"],
            &t["requester_id"]
        ),
        (
            &json!("web"),
            &json!("Where is my order?"),
            &json!("new"),
            &known
        )
    );
    assert_eq!(
        docs_of(&docs, "customer").len(),
        1,
        "the customer was reused"
    );
    // The known customer had no language: the ticket takes the one the request was written in.
    assert_eq!(t["language"], "en");
    let msgs = messages_of(&docs, &ticket_id);
    assert_eq!(msgs.len(), 1);
    let m = msgs[0];
    assert_eq!(
        (
            &m["author_kind"],
            &m["author_id"],
            &m["kind"],
            &m["body_text"]
        ),
        (
            &json!("customer"),
            &known,
            &json!("reply"),
            &json!("It has been two weeks.")
        )
    );
    let created: Vec<_> = docs_of(&docs, "event")
        .into_iter()
        .filter(|e| e["ticket_id"] == ticket_id.as_str() && e["field"] == "created")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(
        (&created[0]["actor_id"], &created[0]["new_value"]),
        (&Value::Null, &json!("web")),
        "no agent created it"
    );

    // The attachment id is what the message lists; agents fetch it with their token.
    let ids = m["attachment_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 1);
    let id = ids[0].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);
    let file = get_as(&s.url, &format!("/api/v1/attachments/{id}"), &agent.token);
    assert_eq!(file.status, 200);
    assert_eq!(file.bytes, report);
    assert_eq!(file.headers["content-type"], "text/plain");
    assert!(file.headers["content-disposition"].starts_with("attachment;"));
    assert!(file.headers["content-disposition"].contains("filename*=UTF-8''rapor%20%C3%BC.txt"));
    assert_eq!(file.headers["x-content-type-options"], "nosniff");
    let meta = agent.call("GET", &format!("/api/v1/attachments/{id}/meta"), None);
    assert_eq!(meta.status, 200);
    assert_eq!(
        (
            &meta.body["filename"],
            &meta.body["size"],
            &meta.body["ticket_id"],
            &meta.body["message_id"]
        ),
        (
            &json!("rapor ü.txt"),
            &json!(report.len()),
            &json!(ticket_id),
            &m["id"]
        )
    );
    assert_eq!(meta.body["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        get(&s.url, &format!("/api/v1/attachments/{id}")).status,
        401
    );
    let none = agent.call("GET", &format!("/api/v1/attachments/{}", uuid()), None);
    assert_eq!(
        (none.status, none.body["code"].as_str()),
        (404, Some("not_found"))
    );

    // A second request from a new address makes a new customer.
    let second = submit(&s.url, "mehmet@example.com", "Another", "Hello", &[]);
    let docs = agent.pull_all();
    let t2 = &docs[&format!("ticket:{}", ticket_id_of(&second))];
    assert_ne!(t2["requester_id"], known);
    let new_customer = &docs[&format!("customer:{}", t2["requester_id"].as_str().unwrap())];
    assert_eq!(
        (&new_customer["language"], &t2["language"]),
        (&json!("en"), &json!("en"))
    );
    assert_eq!(docs_of(&docs, "customer").len(), 2);
    assert!(
        messages_of(&docs, &ticket_id_of(&second))[0]["attachment_ids"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

fn a_request_in_another_help_center_language_keeps_it(backend: Backend) {
    let (s, agent) = team(backend);
    // The help center may have articles in a language the portal does not speak: the form
    // comes in the closest one it does (else English) and the request keeps the language.
    let form = get(&s.url, "/help/pt-BR/requests/new");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(form.body.contains("action=\"/help/pt-BR/requests/new\""));
    let fa = get(&s.url, "/help/fa-IR/requests/new");
    assert!(fa.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    let p = post_form(
        &s.url,
        "/help/pt-BR/requests/new",
        &request_fields("João", "joao@example.com", "Olá", "Minha lâmpada pisca."),
        &[],
    );
    assert_eq!(p.status, 200, "{}", p.body);
    let id = ticket_id_of(&tracking_link(&p.body));
    let docs = agent.pull_all();
    let t = &docs[&format!("ticket:{id}")];
    assert_eq!(t["language"], "pt-BR");
}

fn a_filled_honeypot_pretends_and_creates_nothing(backend: Backend) {
    let (s, agent) = team(backend);
    let mut fields = request_fields("Bot", "bot@example.com", "Cheap pills", "Buy now");
    fields.retain(|(k, _)| *k != "website");
    fields.push(("website", "http://spam.example"));
    let p = post_form(
        &s.url,
        "/help/en/requests/new",
        &fields,
        &[("a.txt", "text/plain", b"x")],
    );
    assert_eq!(p.status, 200);
    assert!(p.body.contains("data-testid=\"request-received\""));
    let decoy = tracking_link(&p.body);
    assert_eq!(get(&s.url, &decoy).status, 404);
    let docs = agent.pull_all();
    assert!(docs_of(&docs, "ticket").is_empty(), "{docs:?}");
    assert!(docs_of(&docs, "customer").is_empty());
}

fn refused_forms_come_back_with_the_text_in_the_customers_language(backend: Backend) {
    let (s, agent) = team(backend);
    // Missing subject and a wrong address, in Turkish.
    let p = post_form(
        &s.url,
        "/help/tr/requests/new",
        &request_fields("Ayşe", "not-an-address", " ", "Siparişim & kargom"),
        &[],
    );
    assert_eq!(p.status, 422);
    assert!(p.body.contains("<html lang=\"tr\" dir=\"ltr\">"));
    assert!(
        p.body
            .contains("data-testid=\"error-subject\">Lütfen bu alanı doldurun."),
        "{}",
        p.body
    );
    assert!(
        p.body
            .contains("data-testid=\"error-email\">ad@example.com gibi"),
        "{}",
        p.body
    );
    assert!(p.body.contains("value=\"not-an-address\""));
    assert!(p.body.contains(">Siparişim &amp; kargom</textarea>"));
    assert!(!p.body.contains("data-testid=\"error-name\""));

    // A file one byte over the limit, in Persian: refused, the text kept, nothing created.
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    let p = post_form(
        &s.url,
        "/help/fa/requests/new",
        &request_fields("علی", "ali@example.com", "فاکتور", "متن من"),
        &[
            ("small.txt", "text/plain", b"ok"),
            ("big.bin", "application/octet-stream", &big),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    // Numbers in Persian digits, as everywhere on Persian pages.
    assert!(
        p.body
            .contains("data-testid=\"error-attachments\">حجم big.bin برابر ۱۰ مگابایت"),
        "{}",
        p.body
    );
    assert!(p.body.contains("value=\"فاکتور\"") && p.body.contains(">متن من</textarea>"));
    // Six files are one too many.
    let six: Vec<File<'_>> = (0..6).map(|_| ("f.txt", "text/plain", &b"x"[..])).collect();
    let p = post_form(
        &s.url,
        "/help/en/requests/new",
        &request_fields("Ola", "ola@example.com", "Files", "Six of them"),
        &six,
    );
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Attach at most 5 files."));
    assert!(docs_of(&agent.pull_all(), "ticket").is_empty());
}

fn requests_are_rate_limited_per_client(backend: Backend) {
    let (s, agent) = team(backend);
    for i in 0..5 {
        submit(
            &s.url,
            "ola@example.com",
            &format!("Request {i}"),
            "Hello",
            &[],
        );
    }
    let p = post_form(
        &s.url,
        "/help/pl/requests/new",
        &request_fields("Ola", "ola@example.com", "Szósty", "Mój tekst"),
        &[],
    );
    assert_eq!(p.status, 429);
    assert!(p.headers["retry-after"].parse::<u64>().unwrap() > 0);
    assert!(p.body.contains("Wysłano kilka zgłoszeń"), "{}", p.body);
    // Refused before its body is read: the form comes back for later, without the text.
    assert!(p.body.contains("data-testid=\"request-form\""));
    assert_eq!(docs_of(&agent.pull_all(), "ticket").len(), 5);
}

fn the_tracking_page_shows_the_public_thread_and_takes_replies(backend: Backend) {
    let (s, mut agent) = team(backend);
    let link = submit(
        &s.url,
        "ayse@example.com",
        "Broken lamp",
        "The lamp flickers.",
        &[("lamp.png", "image/png", b"\x89PNG fake")],
    );
    let other = submit(
        &s.url,
        "ola@example.com",
        "Other",
        "Other text",
        &[("other.txt", "text/plain", b"other")],
    );
    let ticket_id = ticket_id_of(&link);
    let r = agent.push(&[
        reply_to(&ticket_id, "Please send a photo of the label.", "reply"),
        reply_to(&ticket_id, "INTERNAL: customer is on the VIP list", "note"),
        json!({"name": "set_ticket_fields", "args": {"ticket_id": ticket_id, "changes": {"status": "solved"}}}),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["outcome"] == "applied"),
        "{}",
        r.body
    );

    let p = get(&s.url, &link);
    assert_eq!(p.status, 200);
    for (h, v) in [
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
        ("x-robots-tag", "noindex, nofollow"),
        ("x-content-type-options", "nosniff"),
    ] {
        assert_eq!(p.headers.get(h).map(String::as_str), Some(v), "{h}");
    }
    let csp = &p.headers["content-security-policy"];
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(p.body.contains("Broken lamp"));
    assert!(p.body.contains("The lamp flickers."));
    assert!(p.body.contains("Please send a photo of the label."));
    assert!(p.body.contains("Deniz Admin"));
    assert!(!p.body.contains("INTERNAL"), "a note leaked");
    assert!(!p.body.contains("VIP"));
    assert!(p.body.contains("data-status=\"solved\""));
    assert_eq!(p.body.matches("data-testid=\"message\"").count(), 2);
    // The files of this ticket only.
    let file_at = p.body.find("/files/").expect("an attachment link");
    let file_id = &p.body[file_at + 7..file_at + 7 + 36];
    let f = get(&s.url, &format!("{link}/files/{file_id}"));
    assert_eq!((f.status, f.bytes.as_slice()), (200, &b"\x89PNG fake"[..]));
    assert_eq!(f.headers["content-type"], "image/png");
    assert!(f.headers["content-disposition"].starts_with("attachment;"));
    let other_file = messages_of(&agent.pull_all(), &ticket_id_of(&other))[0]["attachment_ids"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(&s.url, &format!("{link}/files/{other_file}")).status,
        404
    );
    assert_eq!(
        get(&s.url, &format!("{other}/files/{other_file}")).status,
        200
    );

    // The customer answers: the solved ticket opens again, desktops pull the message.
    let p = post_form(
        &s.url,
        &format!("{link}?lang=en"),
        &[("message", "Here it is: 1042-B.")],
        &[("label.txt", "text/plain", b"1042-B")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let back = &p.headers["location"];
    assert!(back.starts_with(&format!("{link}?lang=en#m-")), "{back}");
    let p = get(&s.url, back.split('#').next().unwrap());
    assert!(p.body.contains("Here it is: 1042-B."));
    assert!(p.body.contains("label.txt"));
    assert!(p.body.contains("data-status=\"open\""));
    let docs = agent.pull_all();
    let msgs = messages_of(&docs, &ticket_id);
    let last = msgs.last().unwrap();
    assert_eq!(
        (
            &last["author_kind"],
            &last["body_text"],
            last["attachment_ids"].as_array().unwrap().len()
        ),
        (&json!("customer"), &json!("Here it is: 1042-B."), 1)
    );
    let t = &docs[&format!("ticket:{ticket_id}")];
    assert_eq!(
        (&t["status"], &t["reopen_count"]),
        (&json!("open"), &json!(1))
    );

    // An empty reply is refused in place.
    let p = post_form(
        &s.url,
        &format!("{link}?lang=pl"),
        &[("message", "  ")],
        &[],
    );
    assert_eq!(p.status, 422);
    assert!(
        p.body
            .contains("data-testid=\"error-message\">Wypełnij to pole.</p>"),
        "{}",
        p.body
    );
    assert_eq!(messages_of(&agent.pull_all(), &ticket_id).len(), msgs.len());
}

fn every_bad_tracking_link_answers_the_same_404(backend: Backend) {
    let (s, mut agent) = team(backend);
    let a = submit(&s.url, "a@example.com", "Ticket A", "Text A", &[]);
    let b = submit(&s.url, "b@example.com", "Ticket B", "Text B", &[]);
    let c = submit(&s.url, "c@example.com", "Ticket C", "Text C", &[]);
    let (a_id, b_id, c_id) = (ticket_id_of(&a), ticket_id_of(&b), ticket_id_of(&c));
    let a_token = a.rsplit('/').next().unwrap().to_owned();
    let mut bad = vec![
        format!("/help/requests/{b_id}/{a_token}"),
        format!("/help/requests/{}/{a_token}", uuid()),
        format!("/help/requests/{a_id}/{}", &a_token[..42]),
        format!("/help/requests/{a_id}/not-a-token"),
        format!("/help/requests/{a_id}/{a_token}/files/{}", uuid()),
    ];
    for i in [0, 20, 42] {
        let mut t: Vec<char> = a_token.chars().collect();
        t[i] = if t[i] == 'A' { 'B' } else { 'A' };
        bad.push(format!(
            "/help/requests/{a_id}/{}",
            t.into_iter().collect::<String>()
        ));
    }
    // Replies to a bad link are refused the same way.
    let refused = post_form(
        &s.url,
        &format!("/help/requests/{b_id}/{a_token}"),
        &[("message", "hi")],
        &[],
    );
    let reference = get(&s.url, &bad[0]);
    assert_eq!(reference.status, 404);
    assert!(!reference.body.contains("Ticket"));
    assert_eq!((refused.status, &refused.body), (404, &reference.body));
    for path in &bad {
        let p = get(&s.url, path);
        assert_eq!((p.status, &p.body), (404, &reference.body), "{path}");
        assert_eq!(p.headers["x-robots-tag"], "noindex, nofollow");
    }
    // The right links work until their tickets are deleted; a merged ticket's link keeps
    // showing what was written on it, and says it was merged.
    assert_eq!(get(&s.url, &a).status, 200);
    assert_eq!(get(&s.url, &c).status, 200);
    let r = agent.push(&[
        json!({"name": "delete_ticket", "args": {"ticket_id": a_id}}),
        json!({"name": "merge_tickets", "args": {"source_id": c_id, "target_id": b_id}}),
    ]);
    assert!(
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["outcome"] == "applied"),
        "{}",
        r.body
    );
    let p = get(&s.url, &a);
    assert_eq!((p.status, &p.body), (404, &reference.body));
    let p = post_form(&s.url, &a, &[("message", "still there?")], &[]);
    assert_eq!((p.status, &p.body), (404, &reference.body));
    let p = get(&s.url, &c);
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Text C") && p.body.contains("data-testid=\"ticket-merged\""));
    assert!(
        !p.body.contains("Text B"),
        "the merge target's thread leaked"
    );
    // The merge target shows only what was written on it: not what its own customer (or
    // someone using their address) wrote in a merged ticket, not another customer's words,
    // not the system message about the merge.
    let d = submit(&s.url, "B@example.com", "Ticket D", "Text D", &[]);
    let r = agent.push(&[
        json!({"name": "merge_tickets", "args": {"source_id": ticket_id_of(&d), "target_id": b_id}}),
    ]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    let p = get(&s.url, &b);
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("Text B") && !p.body.contains("Text D"),
        "{}",
        p.body
    );
    assert!(
        !p.body.contains("Text C"),
        "another customer's message leaked"
    );
    let docs = agent.pull_all();
    let system: Vec<_> = messages_of(&docs, &b_id)
        .into_iter()
        .filter(|m| m["kind"] == "system")
        .collect();
    assert!(!system.is_empty(), "the merge wrote a system message");
    for m in system {
        assert!(
            !p.body.contains(m["body_text"].as_str().unwrap()),
            "a system message leaked"
        );
    }
}

fn hostile_input_is_shown_as_text(backend: Backend) {
    let (s, agent) = team(backend);
    let link = submit(
        &s.url,
        "x@example.com",
        "<script>alert('subject')</script>",
        "<img src=x onerror=alert(1)><a href=\"javascript:alert(2)\">click</a>",
        &[(
            "<svg onload=alert(3)>.html",
            "text/html",
            b"<script>alert(4)</script>",
        )],
    );
    let p = get(&s.url, &link);
    assert_eq!(p.status, 200);
    assert!(!p.body.contains("<script"), "{}", p.body);
    // The one image is the help center's icon in the header.
    assert!(!p.body.contains("<img src=x"));
    assert_eq!(p.body.matches("<img").count(), 1, "{}", p.body);
    assert!(!p.body.contains("<svg"));
    assert!(!p.body.contains("<a href=\"javascript"));
    assert!(p
        .body
        .contains("&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;"));
    assert!(p.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(p.body.contains("&lt;svg onload=alert(3)&gt;.html"));
    // The HTML file is a download of bytes, never a page of this site.
    let docs = agent.pull_all();
    let id = messages_of(&docs, &ticket_id_of(&link))[0]["attachment_ids"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let f = get(&s.url, &format!("{link}/files/{id}"));
    assert_eq!(f.status, 200);
    assert_eq!(f.headers["content-type"], "application/octet-stream");
    assert!(f.headers["content-disposition"].starts_with("attachment;"));
    assert!(f.headers["content-security-policy"].contains("sandbox"));
    // Desktops receive the text as typed; they escape it themselves.
    let t = &docs[&format!("ticket:{}", ticket_id_of(&link))];
    assert_eq!(t["subject"], "<script>alert('subject')</script>");
}

fn tracking_links_survive_restarts_and_work_on_every_process(backend: Backend) {
    let (s, _agent) = team(backend);
    let link = submit(&s.url, "ayse@example.com", "Kept link", "Still here?", &[]);
    // Another process on the same database signs with the same secret.
    let other = s.sibling();
    let p = get(&other.url, &link);
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Still here?"));
    let second = submit(&other.url, "ola@example.com", "From the other", "Hi", &[]);
    assert_eq!(get(&s.url, &second).status, 200);
    drop(other);
    // And after a restart.
    let s = s.kill9_and_restart();
    assert_eq!(get(&s.url, &link).status, 200);
    assert_eq!(get(&s.url, &second).status, 200);
}

fn rule(
    name: &str,
    trigger: RuleTrigger,
    when: (RuleField, &str),
    actions: Vec<RuleAction>,
) -> Value {
    let rule = Rule {
        id: uuid(),
        name: name.into(),
        position: 1,
        active: true,
        trigger,
        match_mode: MatchMode::All,
        conditions: vec![RuleCondition {
            field: when.0,
            op: RuleOp::Is,
            value: when.1.into(),
        }],
        actions,
    };
    serde_json::to_value(ConfigMutation::SaveRule { rule }).unwrap()
}

fn automation_rules_act_on_requests_and_customer_replies(backend: Backend) {
    let (s, mut agent) = team(backend);
    let r = agent.push(&[
        rule(
            "Web requests",
            RuleTrigger::Created,
            (RuleField::Channel, "web"),
            vec![
                RuleAction::SetPriority {
                    priority: Priority::High,
                },
                RuleAction::AddNote {
                    text: "Routed by the web rule".into(),
                },
            ],
        ),
        rule(
            "Customer wrote back",
            RuleTrigger::Updated,
            (RuleField::AuthorKind, "customer"),
            vec![RuleAction::AddTags {
                tags: vec!["customer-replied".into()],
            }],
        ),
    ]);
    assert!(
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["outcome"] == "applied"),
        "{}",
        r.body
    );
    let link = submit(&s.url, "ayse@example.com", "Rules", "Route me", &[]);
    let id = ticket_id_of(&link);
    let docs = agent.pull_all();
    let t = &docs[&format!("ticket:{id}")];
    assert_eq!(t["priority"], "high");
    assert!(messages_of(&docs, &id)
        .iter()
        .any(|m| m["kind"] == "note" && m["body_text"] == "Routed by the web rule"));
    // The rule's note stays with the agents.
    let p = get(&s.url, &link);
    assert!(p.body.contains("Route me") && !p.body.contains("Routed by"));

    let p = post_form(&s.url, &link, &[("message", "Any news?")], &[]);
    assert_eq!(p.status, 303, "{}", p.body);
    let docs = agent.pull_all();
    assert_eq!(
        docs[&format!("ticket:{id}")]["tags"],
        json!(["customer-replied"])
    );
}

/// POSTs an urlencoded form, as a browser sends the survey page's form.
fn post_urlencoded(url: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    page(agent().post(&format!("{url}{path}")).send_form(fields))
}

/// The survey link a solved ticket's tracking page offers (without its query).
fn survey_link(body: &str) -> String {
    let at = body
        .find("href=\"/help/survey/")
        .unwrap_or_else(|| panic!("no survey link in {body}"));
    let rest = &body[at + 6..];
    let link = &rest[..rest.find('"').unwrap()];
    link.split('?').next().unwrap().to_owned()
}

/// A request from Ayşe, answered and solved by the agent: its tracking link.
fn solved_request(s: &Server, agent: &mut Client, subject: &str) -> String {
    let link = submit(
        &s.url,
        "ayse@example.com",
        subject,
        "The lamp flickers.",
        &[],
    );
    let ticket_id = ticket_id_of(&link);
    let r = agent.push(&[
        reply_to(&ticket_id, "A new lamp is on its way.", "reply"),
        json!({"name": "set_ticket_fields", "args": {"ticket_id": ticket_id, "changes": {"status": "solved"}}}),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    link
}

fn a_solved_request_is_rated_on_the_survey_page(backend: Backend) {
    let (s, mut agent) = team(backend);
    let link = solved_request(&s, &mut agent, "Broken lamp");
    let ticket_id = ticket_id_of(&link);
    let tracking = get(&s.url, &link);
    assert!(
        tracking.body.contains("data-testid=\"survey-invite\""),
        "{}",
        tracking.body
    );
    let survey = survey_link(&tracking.body);
    assert!(survey.starts_with(&format!("/help/survey/{ticket_id}/csat/")));

    // The page: plain HTML, private, in the customer's language (Persian right to left).
    let p = get(&s.url, &format!("{survey}?lang=fa"));
    assert_eq!(p.status, 200);
    assert!(!p.body.contains("<script"));
    assert!(p.body.contains("dir=\"rtl\""));
    assert!(p.body.contains("از کمک ما چقدر راضی هستید؟"), "{}", p.body);
    // The English subject keeps its own direction (and its number before it).
    assert!(p.body.contains(" Broken lamp</bdi>"), "{}", p.body);
    assert!(p.body.contains("<bdi>#"), "{}", p.body);
    assert_eq!(p.headers["cache-control"], "no-store");
    assert_eq!(p.headers["referrer-policy"], "no-referrer");
    let p = get(&s.url, &format!("{survey}?lang=en"));
    for n in 1..=3 {
        assert!(p
            .body
            .contains(&format!("data-testid=\"survey-score-{n}\"")));
    }

    // No answer chosen: the form comes back with the comment kept, nothing stored.
    let p = post_urlencoded(
        &s.url,
        &format!("{survey}?lang=en"),
        &[("comment", "Slow <b>reply</b>")],
    );
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Choose an answer first."));
    assert!(
        p.body.contains("Slow &lt;b&gt;reply&lt;/b&gt;"),
        "the comment kept, as text"
    );
    let p = post_urlencoded(&s.url, &format!("{survey}?lang=en"), &[("score", "4")]);
    assert_eq!(p.status, 422, "off the scale");
    assert!(docs_of(&agent.pull_all(), "rating").is_empty());

    // Answered: a rating the desktops pull, in the customer's name.
    let p = post_urlencoded(
        &s.url,
        &format!("{survey}?lang=en"),
        &[("score", "1"), ("comment", "Slow reply")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(p.headers["location"].ends_with("&thanks=1"));
    let docs = agent.pull_all();
    let ratings = docs_of(&docs, "rating");
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0]["score"], 1);
    assert_eq!(ratings[0]["via"], "page");
    assert_eq!(ratings[0]["comment"], "Slow reply");
    let created = ratings[0]["created_at"].clone();
    let thanks = get(&s.url, &format!("{survey}?lang=en&thanks=1"));
    assert!(thanks.body.contains("data-testid=\"survey-thanks\""));

    // Answering again changes the answer, it does not add one.
    let p = post_urlencoded(
        &s.url,
        &format!("{survey}?lang=en"),
        &[("score", "3"), ("comment", "Sorted now, thanks")],
    );
    assert_eq!(p.status, 303);
    let docs = agent.pull_all();
    let ratings = docs_of(&docs, "rating");
    assert_eq!(ratings.len(), 1);
    assert_eq!(
        (
            ratings[0]["score"].clone(),
            ratings[0]["created_at"].clone()
        ),
        (json!(3), created)
    );
    let again = get(&s.url, &format!("{survey}?lang=en"));
    assert!(again.body.contains("data-testid=\"survey-answered\""));
    assert!(again
        .body
        .contains("value=\"3\" required data-testid=\"survey-score-3\" checked"));
    // The ticket stays solved; the timeline has the answer.
    let t = docs_of(&docs, "ticket")
        .into_iter()
        .find(|t| t["id"] == ticket_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(t["status"], "solved");
    assert!(docs_of(&docs, "event")
        .iter()
        .any(|e| e["ticket_id"] == ticket_id.as_str()
            && e["field"] == "rating"
            && e["new_value"] == "csat:3"));

    // Any other link answers the same 404: another kind, a changed token, another ticket.
    let other = ticket_id_of(&solved_request(&s, &mut agent, "Other lamp"));
    let token = survey.rsplit('/').next().unwrap();
    let mut changed = token.to_owned();
    let last = changed.pop().unwrap();
    changed.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [
        format!("/help/survey/{ticket_id}/nps/{token}"),
        format!("/help/survey/{ticket_id}/csat/{changed}"),
        format!("/help/survey/{other}/csat/{token}"),
        format!("/help/survey/{ticket_id}/bogus/{token}"),
    ] {
        assert_eq!(get(&s.url, &bad).status, 404, "{bad}");
        assert_eq!(
            post_urlencoded(&s.url, &bad, &[("score", "1")]).status,
            404,
            "{bad}"
        );
    }
    assert_eq!(docs_of(&agent.pull_all(), "rating").len(), 1);
}

/// "Satisfaction changed to bad" is a rule condition: the answer reopens the ticket and leaves
/// a note, once; a good answer or a later change does not fire it again.
fn a_bad_rating_reopens_the_ticket_by_rule(backend: Backend) {
    let (s, mut agent) = team(backend);
    let rule = json!({"name": "save_rule", "args": {"rule": {
        "id": "bad-rating", "name": "Unhappy customer", "position": 1, "active": true,
        "trigger": "updated", "match_mode": "all",
        "conditions": [{"field": "satisfaction", "op": "changed_to", "value": "1"}],
        "actions": [{"action": "set_status", "status": "open"},
                    {"action": "add_note", "text": "The customer was unhappy: call them."}]}}});
    let r = agent.push(&[rule]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    let happy = solved_request(&s, &mut agent, "Broken lamp");
    let unhappy = solved_request(&s, &mut agent, "Broken kettle");
    let answer = |link: &str, score: &str| {
        let survey = survey_link(&get(&s.url, link).body);
        let p = post_urlencoded(&s.url, &format!("{survey}?lang=en"), &[("score", score)]);
        assert_eq!(p.status, 303, "{}", p.body);
    };
    answer(&happy, "3");
    answer(&unhappy, "1");
    let docs = agent.pull_all();
    let status = |link: &str| {
        let id = ticket_id_of(link);
        docs_of(&docs, "ticket")
            .into_iter()
            .find(|t| t["id"] == id.as_str())
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status(&happy), "solved");
    assert_eq!(status(&unhappy), "open");
    let notes: Vec<_> = docs_of(&docs, "message")
        .into_iter()
        .filter(|m| m["ticket_id"] == ticket_id_of(&unhappy).as_str() && m["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["author_id"], "rule:bad-rating");
    // Solved again, the ticket stays solved: the rule fired on the answer, not on its record.
    let id = ticket_id_of(&unhappy);
    let r = agent.push(&[
        json!({"name": "set_ticket_fields", "args": {"ticket_id": id, "changes": {"status": "solved"}}}),
    ]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    let docs = agent.pull_all();
    let t = docs_of(&docs, "ticket")
        .into_iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(t["status"], "solved");
}

fn survey_answers_are_rate_limited_in_parallel(backend: Backend) {
    let (s, mut agent) = team(backend);
    let link = solved_request(&s, &mut agent, "Broken lamp");
    let survey = survey_link(&get(&s.url, &link).body);
    // Many answers at once from one address: the limit holds however they interleave.
    let url = s.url.clone();
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..45)
            .map(|i| {
                let (url, survey) = (url.clone(), survey.clone());
                sc.spawn(move || {
                    let score = (i % 3 + 1).to_string();
                    post_urlencoded(&url, &format!("{survey}?lang=pl"), &[("score", &score)]).status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let accepted = statuses.iter().filter(|&&c| c == 303).count();
    let limited = statuses.iter().filter(|&&c| c == 429).count();
    assert_eq!((accepted, limited), (30, 15), "{statuses:?}");
    let p = post_urlencoded(&s.url, &format!("{survey}?lang=pl"), &[("score", "2")]);
    assert_eq!(p.status, 429);
    assert!(p.headers["retry-after"].parse::<u64>().unwrap() > 0);
    // Still one answer, the last one stored.
    assert_eq!(docs_of(&agent.pull_all(), "rating").len(), 1);
}

/// The part of `body` from `start` to the end of the first `end` after it.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in:\n{body}"));
    let to = from + body[from..].find(end).expect("the end") + end.len();
    &body[from..to]
}

fn the_request_form_wears_the_help_centers_look(backend: Backend) {
    let (s, _agent) = team(backend);
    // One header (brand, search box), one stylesheet, one policy: the help center's.
    for (l, help_page) in [("en", "/help/en/"), ("fa", "/help/fa/no-such-page")] {
        let help = get(&s.url, help_page);
        let form = get(&s.url, &format!("/help/{l}/requests/new"));
        assert_eq!(form.status, 200);
        let header = |p: &Page| between(&p.body, "<a class=\"skip\"", "</form>").to_string();
        assert_eq!(header(&form), header(&help), "{l}: the headers differ");
        assert!(header(&form).contains("class=\"brand\""));
        assert!(header(&form).contains(&format!("action=\"/help/{l}/search\"")));
        assert_eq!(
            between(&form.body, "<style>", "</style>"),
            between(&help.body, "<style>", "</style>")
        );
        let style_src = |p: &Page| {
            p.headers["content-security-policy"]
                .split(';')
                .find(|d| d.trim().starts_with("style-src"))
                .unwrap()
                .trim()
                .to_string()
        };
        assert_eq!(style_src(&form), style_src(&help));
    }
    let form = get(&s.url, "/help/fa/requests/new");
    assert!(form.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    assert!(
        form.body.contains("جست‌وجو در مرکز راهنمایی"),
        "the Persian search box"
    );
    assert!(form
        .body
        .contains("<title>ارسال درخواست · مرکز راهنمایی</title>"));

    // Findable like the help center's pages: described, in four languages, canonical.
    let form = get(&s.url, "/help/en/requests/new");
    assert!(form.body.contains(
        "<meta name=\"description\" content=\"Tell us what you need and we will answer as soon as we can.\">"
    ));
    assert!(form.body.contains(&format!(
        "<link rel=\"canonical\" href=\"{}/help/en/requests/new\">",
        s.url
    )));
    for l in ["en", "tr", "pl", "fa"] {
        assert!(
            form.body.contains(&format!(
                "<link rel=\"alternate\" hreflang=\"{l}\" href=\"{}/help/{l}/requests/new\">",
                s.url
            )),
            "alternate {l}"
        );
    }
    assert!(!form.body.contains("noindex") && !form.headers.contains_key("x-robots-tag"));
    // Compressed for browsers that accept it, like every help-center page.
    let gz = get_with(
        &s.url,
        "/help/en/requests/new",
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(
        gz.headers.get("content-encoding").map(String::as_str),
        Some("gzip")
    );
    assert_eq!(&gz.bytes[..2], &[0x1f, 0x8b]);

    // The tracking page wears the same header, and dates messages in the reader's calendar.
    let link = submit(&s.url, "z@example.com", "Lamp", "It flickers.", &[]);
    let en = get(&s.url, &format!("{link}?lang=en"));
    let help = get(&s.url, "/help/en/");
    assert_eq!(
        between(&en.body, "<a class=\"skip\"", "</form>"),
        between(&help.body, "<a class=\"skip\"", "</form>")
    );
    let fa = get(&s.url, &format!("{link}?lang=fa"));
    let time = between(&fa.body, "<time datetime=", "</time>");
    assert!(time.contains("(UTC)") && time.contains("ساعت"), "{time}");
    let shown = &time[time.find('>').unwrap() + 1..];
    assert!(
        !shown.chars().any(|c| c.is_ascii_digit()),
        "Latin digits in {shown}"
    );
    assert!(shown.chars().any(|c| ('۰'..='۹').contains(&c)), "{shown}");
}
