//! E-mail in the real window on a standalone desktop, against the real Dovecot and Postfix of
//! `cargo xtask mail-server`: an admin sets up a mailbox in Settings (its password goes to the
//! OS keyring) and tests it; a customer's mail arrives and shows in the list without a click;
//! the agent answers it in the composer, which shows who the reply goes to; the customer's
//! mailbox receives the reply under their own mail; the customer answers and it lands in the
//! same ticket, with the quoted history folded away.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use porchlight_e2e::{create_profile, set_value, Driver, Session, SHORT};
use porchlight_mail::{
    build_reply, imap, parse, smtp, Auth, MailAddress, OutgoingReply, ParseLimits, ParsedMail,
    Security, ServerConfig, SubjectTag,
};
use serde_json::json;

struct TestMail {
    host: String,
    imap: u16,
    submission: u16,
    ca: String,
    password: String,
}

fn server() -> TestMail {
    let raw = std::env::var("PORCHLIGHT_TEST_MAIL").expect(
        "PORCHLIGHT_TEST_MAIL: run through `cargo xtask e2e`, which starts the mail server",
    );
    let v: serde_json::Value = serde_json::from_str(&raw).expect("the mail-server JSON");
    let s = |k: &str| v[k].as_str().expect(k).to_string();
    let p = |k: &str| v[k].as_u64().expect(k) as u16;
    TestMail {
        host: s("host"),
        imap: p("imap"),
        submission: p("submission"),
        ca: s("ca"),
        password: s("password"),
    }
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

    /// The customer's mail client sends a mail to the helpdesk.
    fn send(&self, from: &str, to: &str, subject: &str, text: &str, in_reply_to: Option<&str>) {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let reply = OutgoingReply {
            from: MailAddress::new(Some("Ola Nowak"), from),
            to: vec![MailAddress::new(None, to)],
            cc: vec![],
            reply_to: None,
            subject: subject.into(),
            ticket_number: None,
            message_id: format!("<c{nanos}@customer.example>"),
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

    /// The mails in `user`'s INBOX once at least `n` arrived.
    fn inbox(&self, user: &str, n: usize) -> Vec<ParsedMail> {
        let config = self.config(self.imap, user);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let batch = rt()
                .block_on(imap::fetch(&config, "INBOX", 0, 20))
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
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn open_mailboxes(s: &Session) {
    s.click_id("nav-admin");
    s.el("admin-section");
    s.click_id("admin-tab-mailboxes");
    s.el("mailboxes-pane");
}

#[test]
fn a_customer_mail_is_answered_from_the_window_and_the_answer_threads() {
    let t = server();
    // The app trusts the test CA as a company would its own, and reads mail every second.
    std::env::set_var("PORCHLIGHT_MAIL_CA_FILE", &t.ca);
    std::env::set_var("PORCHLIGHT_MAIL_POLL_MS", "1000");
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let support = format!("support-{nanos}@acme.example");
    let customer = format!("ola-{nanos}@customer.example");

    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, "Deniz Aydın", "deniz@acme.example", false);

    // ---- the mailbox, set up and tested in Settings ----
    open_mailboxes(&s);
    s.click_id("mailbox-new");
    s.el("mailbox-editor");
    set_value(&s, "[data-testid=mailbox-field-name]", "Acme Support");
    set_value(&s, "[data-testid=mailbox-field-address]", &support);
    for role in ["imap", "smtp"] {
        set_value(
            &s,
            &format!("[data-testid=mailbox-field-{role}_host]"),
            &t.host,
        );
        s.select(&format!("mailbox-field-{role}_security"), "start_tls");
        let port = if role == "imap" { t.imap } else { t.submission };
        set_value(
            &s,
            &format!("[data-testid=mailbox-field-{role}_port]"),
            &port.to_string(),
        );
        set_value(
            &s,
            &format!("[data-testid=mailbox-field-{role}_user]"),
            &support,
        );
    }
    // A wrong password first: the test says which server refused it and why.
    set_value(&s, "[data-testid=mailbox-field-imap_secret]", "wrong");
    set_value(&s, "[data-testid=mailbox-field-smtp_secret]", &t.password);
    s.click_id("mailbox-test");
    s.wait_js(
        "the IMAP refusal",
        "document.querySelector('[data-testid=mailbox-test-imap]')?.dataset.problem === 'credentials'",
        Duration::from_secs(30),
    );
    assert_eq!(
        s.attr(&s.el("mailbox-test-smtp"), "data-ok").as_deref(),
        Some("true")
    );
    s.screenshot("mail-test-wrong-password");
    set_value(&s, "[data-testid=mailbox-field-imap_secret]", &t.password);
    // Customers are asked to rate their solved tickets.
    s.click_id("mailbox-field-csat_survey");
    s.click_id("mailbox-save");
    s.wait_js(
        "the mailbox listed with its stored passwords",
        "[...document.querySelectorAll('[data-testid=mailbox-row]')].some(r => r.textContent.includes('Acme Support'))",
        SHORT,
    );

    // ---- a customer writes; the ticket shows up by itself ----
    s.click_id("view-open");
    t.send(
        &customer,
        &support,
        "Zamówienie nie dotarło",
        "Dzień dobry, moje zamówienie nie dotarło. Proszę o sprawdzenie przesyłki.",
        None,
    );
    s.wait_js(
        "the mail's ticket in the list",
        "[...document.querySelectorAll('[data-testid=ticket-row]')].some(r => r.textContent.includes('Zamówienie nie dotarło'))",
        Duration::from_secs(30),
    );
    s.js(
        "[...document.querySelectorAll('[data-testid=ticket-row]')].find(r => r.textContent.includes('Zamówienie nie dotarło')).click();",
        json!([]),
    );
    s.wait_text("moje zamówienie nie dotarło", SHORT);
    // The composer says where the reply goes.
    let to = s.el("composer-to");
    assert_eq!(s.text(&to), customer);
    assert!(s.text(&s.el("composer-from")).contains(&support));

    // ---- the agent answers ----
    s.type_id("composer-body", "Dzień dobry, paczka dotrze jutro.");
    s.click_id("composer-send");
    s.wait_css(
        "[data-testid=message-delivery-sent]",
        Duration::from_secs(30),
    );
    s.screenshot("mail-reply-sent");

    // The customer's mailbox: the acknowledgement (in Polish) and the reply, threaded.
    let inbox = t.inbox(&customer, 2);
    let ack = inbox
        .iter()
        .find(|m| m.header("Auto-Submitted").is_some())
        .expect("an acknowledgement");
    assert!(ack.subject.starts_with("Otrzymaliśmy"), "{}", ack.subject);
    let reply = inbox
        .iter()
        .find(|m| m.text.contains("paczka dotrze jutro"))
        .expect("the agent's reply");
    assert!(reply.subject.contains("[#1001]"), "{}", reply.subject);
    assert_eq!(reply.in_reply_to.len(), 1);
    assert!(reply.in_reply_to[0].ends_with("@customer.example"));

    // ---- the customer answers; it lands in the same ticket, the quote folded ----
    let ours = reply.message_id.clone().unwrap();
    t.send(
        &customer,
        &support,
        &format!("Re: {}", reply.subject),
        "Dziękuję, już jest!\n\nW dniu wczoraj Acme Support napisał(a):\n> Dzień dobry, paczka dotrze jutro.\n",
        Some(&format!("<{ours}>")),
    );
    s.wait_text("Dziękuję, już jest!", Duration::from_secs(30));
    let rows = s.find_all("[data-testid=ticket-row]").len();
    assert_eq!(rows, 1, "the answer is no new ticket");
    s.el("message-show-quoted");
    s.screenshot("mail-thread");

    // ---- solved: the customer is asked how it went and answers by e-mail ----
    s.select("prop-status", "solved");
    let mails = t.inbox(&customer, 3);
    let survey = mails
        .iter()
        .find(|m| m.subject.starts_with("Jak nam poszło?"))
        .expect("the survey, in Polish");
    assert!(survey.text.contains("3 – dobrze"), "{}", survey.text);
    let asked = survey.message_id.clone().unwrap();
    t.send(
        &customer,
        &support,
        &format!("Re: {}", survey.subject),
        "3 – szybko i konkretnie, dziękuję\n\n> Jak oceniasz naszą pomoc?\n",
        Some(&format!("<{asked}>")),
    );
    s.wait_js(
        "the rating in the timeline",
        "[...document.querySelectorAll('[data-testid=timeline-event]')].some(e => e.dataset.field === 'rating')",
        Duration::from_secs(30),
    );
    // The ticket shows the customer's answer and words, and the customer's panel counts it.
    s.wait_js(
        "the customer's ratings",
        "document.querySelector('[data-testid=customer-csat-3]')?.textContent.includes('1')",
        SHORT,
    );
    s.wait_js(
        "the rating on the ticket",
        "document.querySelector('[data-testid=ticket-rating][data-kind=csat]')?.dataset.score === '3' && document.querySelector('[data-testid=ticket-ratings]').textContent.includes('szybko i konkretnie')",
        SHORT,
    );
    assert_eq!(
        s.js(
            "return document.querySelector('[data-testid=\"prop-status\"]').value",
            json!([])
        ),
        json!("solved"),
        "an answer does not reopen the ticket"
    );
    // Reports: today's satisfaction is this one good answer, with its comment.
    s.click_id("nav-reports");
    s.select("report-period", "today");
    s.wait_js(
        "CSAT counted",
        "document.querySelector('[data-testid=\"report-kpi-csat\"] [data-testid=\"report-kpi-value\"]')?.textContent.includes('100')",
        SHORT,
    );
    s.wait_js(
        "the comment listed",
        "[...document.querySelectorAll('[data-testid=\"report-comment\"]')].some(c => c.textContent.includes('szybko i konkretnie'))",
        SHORT,
    );
    s.screenshot("mail-survey-answered");
    s.click_id("view-open");

    // ---- the agent writes first: a new ticket that is an e-mail to the customer ----
    let jan = format!("jan-{nanos}@customer.example");
    s.click_id("new-ticket-button");
    s.click_id("nt-mode-email");
    s.wait_js(
        "the mailbox it goes out from",
        &format!(
            "document.querySelector('[data-testid=nt-sender]')?.textContent.includes({support:?})"
        ),
        SHORT,
    );
    s.click_id("nt-requester-new");
    s.type_id("nt-new-name", "Jan Kowalski");
    // Without an address there is no one to write to, and the form says so.
    s.el("nt-no-address");
    s.type_id("nt-new-email", &jan);
    s.type_id("nt-subject", "Zwrot pieniędzy");
    s.type_id(
        "nt-body",
        "Dzień dobry, zwrot pieniędzy został zlecony wczoraj.",
    );
    s.screenshot("mail-outbound-form");
    s.click_id("nt-submit");
    s.wait_js(
        "the new ticket open",
        "document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes('Zwrot pieniędzy')",
        SHORT,
    );
    s.wait_css(
        "[data-testid=message-delivery-sent]",
        Duration::from_secs(30),
    );
    let first = t.inbox(&jan, 1);
    assert_eq!(first.len(), 1, "one mail, no acknowledgement");
    assert!(first[0].subject.contains("[#1002]"), "{}", first[0].subject);
    assert!(first[0].text.contains("zwrot pieniędzy został zlecony"));
    // Jan answers; it lands in that ticket, which was waiting on him.
    let ours = first[0].message_id.clone().unwrap();
    t.send(
        &jan,
        &support,
        &format!("Re: {}", first[0].subject),
        "Dziękuję, pieniądze dotarły.",
        Some(&format!("<{ours}>")),
    );
    s.wait_text("pieniądze dotarły", Duration::from_secs(30));
    s.screenshot("mail-outbound-answered");

    // ---- the mailbox holds its survey back; Jan writes again first, so it never goes ----
    open_mailboxes(&s);
    s.js(
        "[...document.querySelectorAll('[data-testid=mailbox-row]')].find(r => r.textContent.includes('Acme Support')).querySelector('[data-testid=mailbox-open]').click();",
        json!([]),
    );
    s.el("mailbox-editor");
    set_value(&s, "[data-testid=mailbox-field-survey_delay_minutes]", "45");
    s.click_id("mailbox-save");
    s.wait_js(
        "the mailbox saved",
        "[...document.querySelectorAll('[data-testid=toast-info]')].some(t => t.textContent.includes('Saved.'))",
        SHORT,
    );
    s.click_id("view-open");
    s.js(
        "[...document.querySelectorAll('[data-testid=ticket-row]')].find(r => r.textContent.includes('Zwrot pieniędzy')).click();",
        json!([]),
    );
    s.wait_text("pieniądze dotarły", SHORT);
    s.select("prop-status", "solved");
    s.wait_js(
        "the survey shown with the time it goes",
        "[...document.querySelectorAll('[data-testid=message-ack]')].some(a => a.textContent.includes('Satisfaction survey to')) && !!document.querySelector('[data-testid=message-delivery-scheduled]')",
        SHORT,
    );
    s.screenshot("mail-survey-scheduled");
    let answer = t.inbox(&jan, 1);
    t.send(
        &jan,
        &support,
        &format!("Re: {}", answer[0].subject),
        "Jeszcze jedno: potrzebuję faktury.",
        Some(&format!("<{ours}>")),
    );
    s.wait_css(
        "[data-testid=message-delivery-withdrawn]",
        Duration::from_secs(30),
    );
    assert_eq!(
        s.js(
            "return document.querySelector('[data-testid=\"prop-status\"]').value",
            json!([])
        ),
        json!("open"),
        "Jan's mail reopened the ticket"
    );
    assert!(s
        .find_all("[data-testid=message-delivery-scheduled]")
        .is_empty());
    s.screenshot("mail-survey-withdrawn");
    s.quit();
}
