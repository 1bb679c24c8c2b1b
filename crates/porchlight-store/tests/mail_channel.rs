//! A standalone desktop's e-mail against the real Dovecot + Postfix of
//! `cargo xtask mail-server` (its JSON in `PORCHLIGHT_TEST_MAIL`): a customer's mail becomes
//! a ticket with an acknowledgement, the agent's reply reaches the customer's mailbox with its
//! threading headers, the customer's answer lands on the same ticket, fetching again makes no
//! duplicate, and a bounce marks the reply failed. Without the variable the tests skip, except
//! under CI, where they fail.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use porchlight_domain::config::ConfigMutation;
use porchlight_domain::docs::Changed;
use porchlight_domain::mail::{DeliveryState, MailSecurity, MailServerRole, Mailbox};
use porchlight_domain::{Channel, MessageKind, Mutation, TicketStatus};
use porchlight_mail::channel::{self, MailStorage};
use porchlight_mail::imap;
use porchlight_mail::{
    build_reply, parse, smtp, Auth, MailAddress, OutgoingReply, ParseLimits, Security,
    ServerConfig, SubjectTag,
};
use porchlight_store::mail::{DesktopMail, MailSecrets};
use porchlight_store::{new_id, Store};

struct TestMail {
    host: String,
    imap: u16,
    submission: u16,
    ca_file: String,
    password: String,
}

fn server() -> Option<TestMail> {
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
    let v: serde_json::Value = serde_json::from_str(&raw).expect("the mail-server JSON");
    let s = |k: &str| v[k].as_str().expect(k).to_string();
    let p = |k: &str| v[k].as_u64().expect(k) as u16;
    // The channel trusts the test CA through the variable a company's own CA would use.
    std::env::set_var("PORCHLIGHT_MAIL_CA_FILE", s("ca"));
    Some(TestMail {
        host: s("host"),
        imap: p("imap"),
        submission: p("submission"),
        ca_file: s("ca"),
        password: s("password"),
    })
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
        c.extra_roots_pem = Some(std::fs::read_to_string(&self.ca_file).unwrap());
        c.timeout = Duration::from_secs(20);
        c
    }

    fn mailbox(&self, address: &str) -> Mailbox {
        // Both of the test mail server's services speak STARTTLS.
        let mut mb = Mailbox::new(&new_id(), "Acme Destek", address, &self.host);
        mb.imap.port = self.imap;
        mb.imap.security = MailSecurity::StartTls;
        mb.smtp.port = self.submission;
        mb.signature = "Acme — support team".into();
        mb
    }
}

fn unique(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}-{nanos}")
}

struct Password(String);
impl MailSecrets for Password {
    fn get(&self, _mailbox_id: &str, _role: MailServerRole) -> Result<Option<String>, String> {
        Ok(Some(self.0.clone()))
    }
}

/// Tickets in the store file, read as another process would.
fn tickets(dir: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(dir.join(porchlight_store::DB_FILE)).unwrap();
    let mut st = c
        .prepare("SELECT id FROM tickets ORDER BY created_at")
        .unwrap();
    let ids = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    ids
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The customer's mail client: a mail from `from` to the helpdesk.
fn customer_mail(
    from: &str,
    to: &str,
    subject: &str,
    text: &str,
    in_reply_to: Option<&str>,
) -> lettre::Message {
    let id = format!("<{}@customer.example>", unique("c"));
    let reply = OutgoingReply {
        from: MailAddress::new(Some("Ayşe Yılmaz"), from),
        to: vec![MailAddress::new(None, to)],
        cc: vec![MailAddress::new(Some("Boss"), "boss@customer.example")],
        reply_to: None,
        subject: subject.into(),
        ticket_number: None,
        message_id: id,
        in_reply_to: in_reply_to.map(str::to_owned),
        references: in_reply_to.map(|r| vec![r.to_owned()]).unwrap_or_default(),
        text: text.into(),
        html: None,
        attachments: vec![porchlight_mail::OutgoingAttachment {
            file_name: "fatura.pdf".into(),
            content_type: "application/pdf".into(),
            content_id: None,
            data: b"%PDF-1.4 invoice".to_vec(),
        }],
        automatic: false,
        date: None,
    };
    build_reply(&reply, &SubjectTag::default()).unwrap()
}

/// Rounds of the channel until `done` holds (Postfix and LMTP deliver within moments).
async fn until<S: MailStorage>(storage: &Arc<S>, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        channel::round(storage).await.expect("a channel round");
        if done() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the channel did not get there in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn customer_inbox(t: &TestMail, customer: &str, at_least: usize) -> Vec<Vec<u8>> {
    let read = t.config(t.imap, customer);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let batch = imap::fetch(&read, "INBOX", 0, 20)
            .await
            .expect("customer fetch");
        if batch.mails.len() >= at_least {
            return batch.mails.into_iter().map(|m| m.raw).collect();
        }
        assert!(
            Instant::now() < deadline,
            "the customer's mail did not arrive in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[test]
fn a_customer_mail_becomes_a_ticket_the_reply_reaches_them_and_their_answer_threads() {
    let Some(t) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    store
        .create_profile("Deniz Kaya", "deniz@acme.example")
        .unwrap();
    let support = format!("{}@acme.example", unique("support"));
    let customer = format!("{}@customer.example", unique("ayse"));
    let mailbox = t.mailbox(&support);
    store
        .apply_config(ConfigMutation::SaveMailbox {
            mailbox: mailbox.clone(),
        })
        .unwrap();
    let changes: Arc<Mutex<Vec<Changed>>> = Arc::default();
    let heard = Arc::clone(&changes);
    let mail = Arc::new(DesktopMail::new(
        Arc::clone(&store),
        Password(t.password.clone()),
        Box::new(move |c| heard.lock().unwrap().push(c)),
    ));

    rt().block_on(async {
        // 1. The customer writes.
        let send = t.config(t.submission, &customer);
        let first = customer_mail(
            &customer,
            &support,
            "Kargo gelmedi",
            "Merhaba, siparişim hâlâ gelmedi. Lütfen kontrol eder misiniz?",
            None,
        );
        smtp::send(&send, &first)
            .await
            .expect("the customer's mail");
        let path = dir.path().to_path_buf();
        until(&mail, || tickets(&path).len() == 1).await;
        let ticket_id = tickets(&path)[0].clone();
        let detail = store.ticket_detail(&ticket_id, &[]).unwrap();
        assert_eq!(detail.ticket.summary.channel, Channel::Email);
        assert_eq!(detail.ticket.summary.subject, "Kargo gelmedi");
        assert_eq!(detail.requester.emails, vec![customer.clone()]);
        let first_msg = &detail.messages[0];
        assert_eq!(first_msg.attachments.len(), 1, "the PDF is an attachment");
        assert_eq!(first_msg.attachments[0].filename, "fatura.pdf");
        let e = first_msg.email.as_ref().expect("the message's e-mail side");
        assert_eq!(e.cc, vec!["boss@customer.example".to_string()]);
        assert!(store
            .message_original(&first_msg.id)
            .unwrap()
            .contains("Subject: Kargo gelmedi"));
        assert!(
            !changes.lock().unwrap().is_empty(),
            "the app heard of the new ticket"
        );

        // 2. The acknowledgement went out, in Turkish, with the ticket's tag.
        let inbox = customer_inbox(&t, &customer, 1).await;
        let ack = parse(&inbox[0], &ParseLimits::default()).unwrap();
        let number = detail.ticket.summary.number.expect("a number");
        assert!(
            ack.subject.contains(&format!("[#{number}]")),
            "{}",
            ack.subject
        );
        assert!(
            ack.subject.starts_with("Talebinizi aldık"),
            "{}",
            ack.subject
        );
        assert_eq!(ack.header("Auto-Submitted"), Some("auto-replied"));

        // 3. The agent answers; it reaches the customer (and the boss in CC), threaded.
        let reply_id = new_id();
        store
            .apply(Mutation::AddMessage {
                message_id: reply_id.clone(),
                ticket_id: ticket_id.clone(),
                kind: MessageKind::Reply,
                from_customer: false,
                body_text: "Merhaba Ayşe Hanım, kargonuz yarın teslim edilecek.".into(),
                body_html: None,
                attachment_ids: vec![],
                cc: None,
            })
            .unwrap();
        let rs = store.reply_recipients(&ticket_id).unwrap();
        assert_eq!(rs.to.as_deref(), Some(customer.as_str()));
        channel::round(&mail).await.unwrap();
        let delivered = store.ticket_detail(&ticket_id, &[]).unwrap();
        let sent = delivered
            .messages
            .iter()
            .find(|m| m.id == reply_id)
            .unwrap();
        assert_eq!(
            sent.email
                .as_ref()
                .unwrap()
                .delivery
                .as_ref()
                .unwrap()
                .state,
            DeliveryState::Sent
        );
        let inbox = customer_inbox(&t, &customer, 2).await;
        let reply = inbox
            .iter()
            .map(|r| parse(r, &ParseLimits::default()).unwrap())
            .find(|m| m.text.contains("kargonuz yarın"))
            .expect("the agent's reply in the customer's mailbox");
        let customer_first_id = e.mail_id.clone();
        assert_eq!(reply.in_reply_to, vec![customer_first_id.clone()]);
        assert!(
            reply.subject.contains(&format!("[#{number}]")),
            "{}",
            reply.subject
        );
        assert!(reply.text.contains("Acme — support team"), "the signature");
        assert_eq!(reply.cc.len(), 1, "reply all: the boss too");

        // 4. The customer answers the reply: same ticket, reopened as theirs.
        store
            .apply(Mutation::SetTicketFields {
                ticket_id: ticket_id.clone(),
                changes: porchlight_domain::mutation::TicketFieldChanges {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            })
            .unwrap();
        let our_id = reply.message_id.clone().unwrap();
        let answer = customer_mail(
            &customer,
            &support,
            &format!("Re: {}", reply.subject),
            "Teşekkürler, geldi!",
            Some(&format!("<{our_id}>")),
        );
        smtp::send(&send, &answer).await.unwrap();
        let s = Arc::clone(&store);
        let tid = ticket_id.clone();
        until(&mail, || {
            s.ticket_detail(&tid, &[])
                .unwrap()
                .messages
                .iter()
                .any(|m| m.body_text.contains("geldi"))
        })
        .await;
        let after = store.ticket_detail(&ticket_id, &[]).unwrap();
        assert_eq!(after.ticket.summary.status, TicketStatus::Open);
        assert_eq!(tickets(dir.path()).len(), 1, "no second ticket");

        // 5. Reading the folder again from the start (a new UIDVALIDITY) makes no duplicate.
        store
            .save_mail_folder_state(&mailbox.id, "INBOX", 1, 0)
            .unwrap();
        let (fetched, _) = channel::round(&mail).await.unwrap();
        assert_eq!(fetched.stored, 0);
        assert!(fetched.duplicates >= 2, "{fetched:?}");
        assert_eq!(tickets(dir.path()).len(), 1);

        // 6. A delivery failure report about the reply marks it failed, never a ticket.
        let dsn = bounce(&support, &our_id);
        let send_bounce = t.config(t.submission, "mailer-daemon@customer.example");
        smtp::send_raw(
            &send_bounce,
            &lettre::address::Envelope::new(
                Some("mailer-daemon@customer.example".parse().unwrap()),
                vec![support.parse().unwrap()],
            )
            .unwrap(),
            dsn.as_bytes(),
        )
        .await
        .unwrap();
        let s = Arc::clone(&store);
        let (tid, rid) = (ticket_id.clone(), reply_id.clone());
        until(&mail, || {
            s.ticket_detail(&tid, &[])
                .unwrap()
                .messages
                .iter()
                .any(|m| {
                    m.id == rid
                        && m.email
                            .as_ref()
                            .and_then(|e| e.delivery.as_ref())
                            .map(|d| d.state)
                            == Some(DeliveryState::Failed)
                })
        })
        .await;
        assert_eq!(tickets(dir.path()).len(), 1, "a bounce is no ticket");
    });
}

fn bounce(to: &str, original: &str) -> String {
    format!(
        "From: Mail Delivery System <mailer-daemon@customer.example>\r\n\
To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <{}@customer.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; customer.example\r\n\r\n\
Final-Recipient: rfc822; gone@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n\
--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{original}>\r\nSubject: Re: Kargo\r\n\r\n--b1--\r\n",
        unique("dsn")
    )
}

#[test]
fn imap_idle_brings_new_mail_in_without_waiting_for_the_poll() {
    let Some(t) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    store
        .create_profile("Deniz Kaya", "deniz@acme.example")
        .unwrap();
    let support = format!("{}@acme.example", unique("idle"));
    store
        .apply_config(ConfigMutation::SaveMailbox {
            mailbox: t.mailbox(&support),
        })
        .unwrap();
    let mail = Arc::new(DesktopMail::new(
        Arc::clone(&store),
        Password(t.password.clone()),
        Box::new(|_| {}),
    ));
    rt().block_on(async {
        let wake = Arc::new(tokio::sync::Notify::new());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        // Polling every ten minutes: only IDLE can bring the mail in within the test.
        let running = tokio::spawn(channel::run(
            Arc::clone(&mail),
            Duration::from_secs(600),
            wake,
            Arc::new(tokio::sync::Notify::new()),
            async {
                let _ = stop_rx.await;
            },
        ));
        // Let the first round pass and the watcher start idling.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let customer = format!("{}@customer.example", unique("idle-c"));
        let send = t.config(t.submission, &customer);
        smtp::send(
            &send,
            &customer_mail(&customer, &support, "IDLE", "Merhaba, bir sorum var.", None),
        )
        .await
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while tickets(dir.path()).is_empty() {
            assert!(Instant::now() < deadline, "IDLE did not bring the mail in");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = stop_tx.send(());
        running.await.unwrap();
    });
}
