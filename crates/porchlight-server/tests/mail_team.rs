//! E-mail in a team, against the real server process and the real Dovecot + Postfix of
//! `cargo xtask mail-server` (`PORCHLIGHT_TEST_MAIL`), on SQLite and on PostgreSQL:
//! an admin's mailbox (pushed like any configuration) with its secrets given to the server,
//! which keeps them encrypted; a customer's mail becomes a ticket every desktop pulls; an
//! agent's pushed reply is mailed by the server and threads in the customer's mailbox; the
//! customer's answer joins the ticket. With two server processes on one PostgreSQL
//! database, each mail is taken in and acknowledged exactly once.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{reply_to, uuid, Backend, Client, Desk, Server};
use porchlight_mail::{
    build_reply, imap, parse, smtp, Auth, MailAddress, OutgoingReply, ParseLimits, ParsedMail,
    Security, ServerConfig, SubjectTag,
};
use serde_json::{json, Value};

struct TestMail {
    host: String,
    imap: u16,
    submission: u16,
    ca: String,
    password: String,
    token_prefix: String,
}

fn mail_server() -> Option<TestMail> {
    let raw = match std::env::var("PORCHLIGHT_TEST_MAIL") {
        Ok(v) => v,
        Err(_) if std::env::var_os("CI").is_some() => panic!(
            "CI is set but PORCHLIGHT_TEST_MAIL is not: export PORCHLIGHT_TEST_MAIL=$(cargo xtask mail-server)"
        ),
        Err(_) => {
            eprintln!("skipped: export PORCHLIGHT_TEST_MAIL=$(cargo xtask mail-server) to run");
            return None;
        }
    };
    let v: Value = serde_json::from_str(&raw).expect("the mail-server JSON");
    let s = |k: &str| v[k].as_str().expect(k).to_string();
    let p = |k: &str| v[k].as_u64().expect(k) as u16;
    Some(TestMail {
        host: s("host"),
        imap: p("imap"),
        submission: p("submission"),
        ca: s("ca"),
        password: s("password"),
        token_prefix: s("token_prefix"),
    })
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

impl TestMail {
    fn config(&self, port: u16, user: &str) -> ServerConfig {
        let mut c = ServerConfig::new(
            &self.host,
            port,
            Security::StartTls,
            Auth::Password {
                user: user.into(),
                password: self.password.clone(),
            },
        );
        c.extra_roots_pem = Some(std::fs::read_to_string(&self.ca).unwrap());
        c.timeout = Duration::from_secs(20);
        c
    }

    fn send(&self, from: &str, to: &str, subject: &str, text: &str, in_reply_to: Option<&str>) {
        let reply = OutgoingReply {
            from: MailAddress::new(Some("Ayşe Yılmaz"), from),
            to: vec![MailAddress::new(None, to)],
            cc: vec![],
            reply_to: None,
            subject: subject.into(),
            ticket_number: None,
            message_id: format!("<c{}@customer.example>", nanos()),
            in_reply_to: in_reply_to.map(str::to_owned),
            references: in_reply_to.map(|r| vec![r.to_owned()]).unwrap_or_default(),
            text: text.into(),
            html: None,
            attachments: vec![],
            automatic: false,
            date: None,
        };
        let built = build_reply(&reply, &SubjectTag::default()).unwrap();
        rt().block_on(smtp::send(&self.config(self.submission, from), &built))
            .expect("the customer's mail is sent");
    }

    fn inbox(&self, user: &str, n: usize) -> Vec<ParsedMail> {
        let config = self.config(self.imap, user);
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let batch = rt()
                .block_on(imap::fetch(&config, "INBOX", 0, 50))
                .expect("the customer's mailbox");
            if batch.mails.len() >= n {
                return batch
                    .mails
                    .iter()
                    .map(|m| parse(&m.raw, &ParseLimits::default()).unwrap())
                    .collect();
            }
            assert!(
                Instant::now() < deadline,
                "{n} mails did not arrive for {user}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    fn mailbox(&self, id: &str, address: &str) -> Value {
        json!({
            "id": id, "name": "Acme Destek", "address": address,
            "imap": {"host": self.host, "port": self.imap, "security": "start_tls", "user": address, "auth": "xoauth2"},
            "smtp": {"host": self.host, "port": self.submission, "security": "start_tls", "user": address, "auth": "password"},
            "folder": "INBOX", "after_fetch": "mark_read", "move_to": "", "group_id": null,
            "signature": "Acme", "acknowledgements": [], "tag_prefix": "#", "csat_survey": true, "active": true, "updated_at": 0
        })
    }
}

/// Pulls until `pred` finds what it wants among the documents (the server fetches every
/// half second here).
fn wait_docs(
    c: &Client,
    what: &str,
    pred: impl Fn(&std::collections::BTreeMap<String, Value>) -> bool,
) -> std::collections::BTreeMap<String, Value> {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let docs = c.pull_all();
        if pred(&docs) {
            return docs;
        }
        assert!(Instant::now() < deadline, "never saw {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn tickets(docs: &std::collections::BTreeMap<String, Value>) -> Vec<&Value> {
    docs.iter()
        .filter(|(k, _)| k.starts_with("ticket:"))
        .map(|(_, v)| v)
        .collect()
}

fn messages_of<'a>(
    docs: &'a std::collections::BTreeMap<String, Value>,
    ticket: &str,
) -> Vec<&'a Value> {
    docs.iter()
        .filter(|(k, v)| k.starts_with("message:") && v["ticket_id"] == ticket)
        .map(|(_, v)| v)
        .collect()
}

/// Where the customers reach the server, as acknowledgements link to it.
const PUBLIC_URL: &str = "https://help.acme.example/";

fn start(backend: Backend, t: &TestMail) -> Server {
    let key = "7f".repeat(32);
    Server::start_env(
        backend,
        &[
            ("PORCHLIGHT_MAIL_POLL_MS", "500"),
            ("PORCHLIGHT_MAIL_CA_FILE", t.ca.as_str()),
            ("PORCHLIGHT_SECRET_KEY", key.as_str()),
            ("PORCHLIGHT_PUBLIC_URL", PUBLIC_URL),
        ],
    )
}

fn a_team_answers_mail_through_its_server(backend: Backend) {
    let Some(t) = mail_server() else { return };
    let server = start(backend, &t);
    server.add_user("admin@acme.example", "Deniz Admin", "admin");
    server.add_user("agent@acme.example", "Ola Agent", "agent");
    let mut admin = server.login("admin@acme.example");
    let mut agent = server.login("agent@acme.example");
    let n = nanos();
    let support = format!("support-{n}@acme.example");
    let customer = format!("ayse-{n}@customer.example");
    let token = format!("{}{support}", t.token_prefix);
    let mailbox_id = uuid();

    // Only admins set mailboxes up; the secrets go to the server, never into a document.
    let r = agent.push(&[
        json!({"name": "save_mailbox", "args": {"mailbox": t.mailbox(&mailbox_id, &support)}}),
    ]);
    assert_eq!(r.body["results"][0]["outcome"], "rejected", "{}", r.body);
    let r = admin.push(&[
        json!({"name": "save_mailbox", "args": {"mailbox": t.mailbox(&mailbox_id, &support)}}),
    ]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    let path = format!("/api/v1/mail/mailboxes/{mailbox_id}/secrets");
    let secrets = json!({"imap_secret": token, "smtp_secret": t.password});
    assert_eq!(agent.call("PUT", &path, Some(secrets.clone())).status, 403);
    assert_eq!(admin.call("PUT", &path, Some(secrets)).status, 204);
    let status = admin.call("GET", "/api/v1/mail/status", None);
    assert_eq!(status.status, 200, "{}", status.body);
    assert_eq!(status.body[0]["has_imap_secret"], true, "{}", status.body);
    // The server tests with what it stores; a wrong token is called what it is.
    let ok = admin.call(
        "POST",
        "/api/v1/mail/test",
        Some(json!({"mailbox": t.mailbox(&mailbox_id, &support)})),
    );
    assert_eq!(ok.body, json!({"imap": null, "smtp": null}), "{}", ok.body);
    let wrong = admin.call(
        "POST",
        "/api/v1/mail/test",
        Some(json!({"mailbox": t.mailbox(&mailbox_id, &support), "imap_secret": "invalid-token"})),
    );
    assert_eq!(
        wrong.body["imap"]["problem"], "credentials",
        "{}",
        wrong.body
    );

    // A customer writes: a ticket every desktop pulls, acknowledged once.
    t.send(
        &customer,
        &support,
        "Şifre sıfırlama",
        "Merhaba, şifremi sıfırlayamıyorum. Yardım eder misiniz?",
        None,
    );
    let docs = wait_docs(&agent, "the mail's ticket", |d| {
        tickets(d).iter().any(|t| t["channel"] == "email")
    });
    let ticket = tickets(&docs)[0].clone();
    let ticket_id = ticket["id"].as_str().unwrap().to_string();
    assert_eq!(ticket["subject"], "Şifre sıfırlama");
    assert_eq!(ticket["language"], "tr");

    // The agent's pushed reply is mailed by the server, threaded under the customer's mail.
    let reply = reply_to(&ticket_id, "Merhaba, bağlantıyı gönderdim.", "reply");
    let reply_id = reply["args"]["message_id"].as_str().unwrap().to_string();
    let r = agent.push(&[reply]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    let inbox = t.inbox(&customer, 2);
    let ack = inbox
        .iter()
        .find(|m| m.header("Auto-Submitted").is_some())
        .expect("an acknowledgement");
    assert!(
        ack.subject.starts_with("Talebinizi aldık"),
        "{}",
        ack.subject
    );
    // The acknowledgement carries the customer's own tracking link, which opens their request.
    let prefix = format!("https://help.acme.example/help/requests/{ticket_id}/");
    let link = ack
        .text
        .split_whitespace()
        .find(|w| w.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no tracking link in: {}", ack.text));
    assert!(link.ends_with("?lang=tr"), "{link}");
    let page = ureq::get(&link.replacen("https://help.acme.example", &server.url, 1))
        .call()
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.into_string().unwrap().contains("Şifre sıfırlama"));
    let mailed = inbox
        .iter()
        .find(|m| m.text.contains("bağlantıyı gönderdim"))
        .expect("the reply");
    assert!(
        mailed.subject.contains(&format!("[#{}]", ticket["number"])),
        "{}",
        mailed.subject
    );
    assert!(mailed.in_reply_to[0].ends_with("@customer.example"));
    let docs = wait_docs(&agent, "the reply marked sent", |d| {
        d.get(&format!("message:{reply_id}"))
            .is_some_and(|m| m["email"]["delivery"]["state"] == "sent")
    });
    assert!(docs.contains_key(&format!("ticket:{ticket_id}")));

    // The customer answers the reply: the same ticket.
    let ours = mailed.message_id.clone().unwrap();
    t.send(
        &customer,
        &support,
        &format!("Re: {}", mailed.subject),
        "Teşekkürler, oldu.",
        Some(&format!("<{ours}>")),
    );
    let docs = wait_docs(&agent, "the answer", |d| {
        messages_of(d, &ticket_id)
            .iter()
            .any(|m| m["body_text"].as_str().unwrap_or("").contains("oldu"))
    });
    assert_eq!(tickets(&docs).len(), 1, "the answer is no new ticket");

    // Solved: the server mails the survey with its answer page; the customer answers by
    // e-mail with a number, which is their rating, not a new request.
    let r = agent.push(&[json!({"name": "set_ticket_fields", "args": {"ticket_id": ticket_id, "changes": {"status": "solved"}}})]);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.body);
    let inbox = t.inbox(&customer, 3);
    let survey = inbox
        .iter()
        .find(|m| m.subject.starts_with("Nasıl yardımcı olduk?"))
        .expect("the survey, in Turkish");
    let page_prefix = format!("https://help.acme.example/help/survey/{ticket_id}/csat/");
    let page_link = survey
        .text
        .split_whitespace()
        .find(|w| w.starts_with(&page_prefix))
        .unwrap_or_else(|| panic!("no survey page link in: {}", survey.text));
    let page = ureq::get(&page_link.replacen("https://help.acme.example", &server.url, 1))
        .call()
        .unwrap();
    assert_eq!(page.status(), 200);
    let asked = survey.message_id.clone().unwrap();
    t.send(
        &customer,
        &support,
        &format!("Re: {}", survey.subject),
        "3 - çok hızlıydı",
        Some(&format!("<{asked}>")),
    );
    let docs = wait_docs(&agent, "the rating", |d| {
        d.values()
            .any(|v| v["ticket_id"] == ticket_id.as_str() && v["score"] == 3 && v["via"] == "email")
    });
    let t_doc = docs.get(&format!("ticket:{ticket_id}")).unwrap();
    assert_eq!(
        t_doc["status"], "solved",
        "an answer does not reopen the ticket"
    );

    // A team desktop shows the original of a mail the server read: fetched when asked for,
    // checked against the server's record of it.
    let rt = common::rt();
    let desk = Desk::connect(&rt, &server, "agent@acme.example");
    desk.sync(&rt);
    // The desktop counts the customer's answer in its reports.
    let now = porchlight_store::now_ms();
    let report = desk
        .store
        .report_overview(&porchlight_domain::reports::ReportRequest {
            from: now - 86_400_000,
            to: now + 1,
            time_zone: "Europe/Istanbul".into(),
            business_hours: false,
            filter: Default::default(),
        })
        .unwrap();
    assert_eq!((report.current.csat.n, report.current.csat.of), (1, 1));
    assert_eq!(report.comments[0].comment, "çok hızlıydı");
    let first = messages_of(&docs, &ticket_id)
        .into_iter()
        .find(|m| m["email"]["raw_attachment_id"].is_string() && m["author_kind"] == "customer")
        .expect("the customer's first mail");
    let first_id = first["id"].as_str().unwrap();
    let raw = desk
        .store
        .message_raw_mail(first_id)
        .unwrap()
        .expect("a raw mail");
    let offline = desk.store.message_original(first_id).unwrap_err();
    assert!(offline.to_string().contains("team server"), "{offline}");
    rt.block_on(porchlight_sync::download_attachment(
        &desk.store,
        &desk.client,
        &raw,
    ))
    .unwrap();
    let original = desk.store.message_original(first_id).unwrap();
    assert!(original.contains(&customer), "{original}");
    assert!(original.contains("Message-ID"), "{original}");
    // The thread lists the customer's files, never the raw mail.
    let detail = desk.store.ticket_detail(&ticket_id, &[]).unwrap();
    assert!(detail
        .messages
        .iter()
        .all(|m| m.attachments.iter().all(|a| a.id != raw)));

    // The token never reached a document, the log or the database file in the clear.
    let everything = serde_json::to_string(&docs).unwrap();
    assert!(!everything.contains(&token));
    assert!(
        !server.log_text().contains(&token),
        "the token is in the server log"
    );
    if backend == Backend::Sqlite {
        for entry in std::fs::read_dir(&server.dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                let bytes = std::fs::read(&p).unwrap();
                let found = bytes.windows(token.len()).any(|w| w == token.as_bytes());
                assert!(!found, "the token is readable in {}", p.display());
            }
        }
    }
}

#[test]
fn a_team_answers_mail_through_its_server_on_sqlite() {
    a_team_answers_mail_through_its_server(Backend::Sqlite);
}

#[test]
fn a_team_answers_mail_through_its_server_on_postgres() {
    if std::env::var_os("PORCHLIGHT_TEST_POSTGRES").is_none() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: PostgreSQL (run through cargo xtask test)");
        return;
    }
    a_team_answers_mail_through_its_server(Backend::Postgres);
}

#[test]
fn two_server_processes_take_each_mail_in_once() {
    let Some(t) = mail_server() else { return };
    if std::env::var_os("PORCHLIGHT_TEST_POSTGRES").is_none() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: PostgreSQL (run through cargo xtask test)");
        return;
    }
    let first = start(Backend::Postgres, &t);
    let second = first.sibling();
    first.add_user("admin@acme.example", "Deniz Admin", "admin");
    let mut admin = first.login("admin@acme.example");
    let n = nanos();
    let support = format!("support-{n}@acme.example");
    let mailbox_id = uuid();
    admin.push(&[
        json!({"name": "save_mailbox", "args": {"mailbox": t.mailbox(&mailbox_id, &support)}}),
    ]);
    let token = format!("{}{support}", t.token_prefix);
    let r = admin.call(
        "PUT",
        &format!("/api/v1/mail/mailboxes/{mailbox_id}/secrets"),
        Some(json!({"imap_secret": token, "smtp_secret": t.password})),
    );
    assert_eq!(r.status, 204);
    let customers: Vec<String> = (0..5)
        .map(|i| format!("c{i}-{n}@customer.example"))
        .collect();
    for (i, c) in customers.iter().enumerate() {
        t.send(
            c,
            &support,
            &format!("Soru {i}"),
            "Merhaba, bir sorum var.",
            None,
        );
    }
    wait_docs(&admin, "five tickets", |d| tickets(d).len() >= 5);
    // Both processes keep fetching for a while: still five, each acknowledged once.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(tickets(&admin.pull_all()).len(), 5);
    for c in &customers {
        let inbox = t.inbox(c, 1);
        assert_eq!(inbox.len(), 1, "{c} got {} acknowledgements", inbox.len());
    }
    drop(second);
}

/// A mailbox that holds its surveys back half an hour, on the server's storage: a survey
/// scheduled on a desktop (and synced) is not handed to the sender before its time, never
/// stands ahead of a reply that may go now, and is handed over once due. The storage finds
/// due mail by a range of time-ordered keys, which PostgreSQL walks in its own collation.
fn scheduled_mail_waits_its_time(storage: porchlight_server::storage::Storage) {
    use porchlight_domain::config::ConfigMutation;
    use porchlight_domain::mail::Mailbox;
    use porchlight_domain::mutation::TicketFieldChanges;
    use porchlight_domain::{MessageKind, Mutation, TicketStatus};
    use porchlight_mail::channel::TakenIn;
    use porchlight_store::{new_id, now_ms, Store};

    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.create_profile("Deniz Admin", "deniz@example.com")
        .unwrap();
    let mut mb = Mailbox::new(
        &new_id(),
        "Acme Destek",
        "destek@acme.example",
        "mail.acme.example",
    );
    mb.csat_survey = true;
    mb.ces_survey = true;
    mb.survey_delay_minutes = 30;
    s.apply_config(ConfigMutation::SaveMailbox {
        mailbox: mb.clone(),
    })
    .unwrap();
    let raw = build_reply(
        &OutgoingReply {
            from: MailAddress::new(Some("Ayşe Yılmaz"), "ayse@customer.example"),
            to: vec![MailAddress::new(None, "destek@acme.example")],
            cc: vec![],
            reply_to: None,
            subject: "Fatura".into(),
            ticket_number: None,
            message_id: format!("<{}@customer.example>", new_id()),
            in_reply_to: None,
            references: vec![],
            text: "Fatura gelmedi.".into(),
            html: None,
            attachments: vec![],
            automatic: false,
            date: None,
        },
        &SubjectTag::default(),
    )
    .unwrap()
    .formatted();
    let (taken, _) = s.take_in_mail(&mb, &raw).unwrap();
    let TakenIn::Ticket(ticket) = taken else {
        panic!("not a ticket: {taken:?}")
    };
    s.apply(Mutation::SetTicketFields {
        ticket_id: ticket.clone(),
        changes: TicketFieldChanges {
            status: Some(TicketStatus::Solved),
            ..Default::default()
        },
    })
    .unwrap();
    let solved_at = now_ms();
    s.apply(Mutation::AddMessage {
        message_id: new_id(),
        ticket_id: ticket.clone(),
        kind: MessageKind::Reply,
        from_customer: false,
        body_text: "Makbuz ekte.".into(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    })
    .unwrap();
    storage
        .import_documents(&s.canonical_dump().unwrap())
        .unwrap();

    let surveys: Vec<String> = s
        .ticket_detail(&ticket, &[])
        .unwrap()
        .messages
        .iter()
        .filter(|m| m.email.as_ref().is_some_and(|e| e.survey.is_some()))
        .map(|m| m.id.clone())
        .collect();
    assert_eq!(surveys.len(), 2);
    let links = |_: &str, _: &str, _| None;
    // Of what may go at `at` (at most `limit`): (is it a survey, its subject).
    let outgoing = |at: i64, limit: usize| -> Vec<(bool, String)> {
        storage
            .mail_outgoing(limit, at, &links)
            .unwrap()
            .into_iter()
            .map(|o| (surveys.contains(&o.message_id), o.reply.subject))
            .collect()
    };
    let now = outgoing(now_ms(), 10);
    assert_eq!(now.len(), 2, "the acknowledgement and the reply: {now:?}");
    assert!(now.iter().all(|(survey, _)| !survey), "{now:?}");
    assert!(storage.mail_waiting(now_ms()).unwrap());
    let first = outgoing(now_ms(), 1);
    assert!(
        !first[0].0,
        "one at a time, no survey comes first: {first:?}"
    );
    let due = outgoing(solved_at + 31 * 60_000, 10);
    assert_eq!(
        due.iter().filter(|(survey, _)| *survey).count(),
        2,
        "both surveys once due: {due:?}"
    );
    assert_eq!(due.len(), 4);
}

#[test]
fn scheduled_mail_waits_its_time_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let storage = porchlight_server::open_storage(&porchlight_server::Database::Sqlite(
        dir.path().to_path_buf(),
    ))
    .unwrap();
    scheduled_mail_waits_its_time(storage);
}

#[test]
fn scheduled_mail_waits_its_time_on_postgres() {
    let url = common::fresh_postgres_database();
    let storage =
        porchlight_server::open_storage(&porchlight_server::Database::Postgres(url)).unwrap();
    scheduled_mail_waits_its_time(storage);
}
