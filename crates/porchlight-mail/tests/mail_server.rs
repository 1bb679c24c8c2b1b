//! Against the real Dovecot + Postfix pair of `cargo xtask mail-server`, whose JSON is in
//! `PORCHLIGHT_TEST_MAIL`: replies sent over submission (password, STARTTLS) and SMTPS
//! (XOAUTH2, implicit TLS) reach the customer's mailbox with their threading headers, and
//! each kind of failure is reported as what it is. Without the variable the tests skip, except
//! under CI, where they fail.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use porchlight_mail::build::reply_references;
use porchlight_mail::imap::{self, ImapSession};
use porchlight_mail::thread::outgoing_message_id;
use porchlight_mail::{
    build_reply, parse, smtp, thread_keys, Auth, ConnectErrorKind, MailAddress, OutgoingReply,
    ParseLimits, Security, ServerConfig, SubjectTag,
};

struct TestMail {
    host: String,
    imap: u16,
    imaps: u16,
    submission: u16,
    smtps: u16,
    ca: String,
    password: String,
    token_prefix: String,
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
    let v: serde_json::Value = serde_json::from_str(&raw)
        .expect("PORCHLIGHT_TEST_MAIL is the JSON `cargo xtask mail-server` prints");
    let s = |k: &str| {
        v[k].as_str()
            .unwrap_or_else(|| panic!("{k} in PORCHLIGHT_TEST_MAIL"))
            .to_string()
    };
    let p = |k: &str| {
        v[k].as_u64()
            .unwrap_or_else(|| panic!("{k} in PORCHLIGHT_TEST_MAIL")) as u16
    };
    let ca = std::fs::read_to_string(s("ca")).expect("the test CA file");
    Some(TestMail {
        host: s("host"),
        imap: p("imap"),
        imaps: p("imaps"),
        submission: p("submission"),
        smtps: p("smtps"),
        ca,
        password: s("password"),
        token_prefix: s("token_prefix"),
    })
}

impl TestMail {
    fn config(&self, port: u16, security: Security, auth: Auth) -> ServerConfig {
        let mut c = ServerConfig::new(&self.host, port, security, auth);
        c.extra_roots_pem = Some(self.ca.clone());
        c.timeout = Duration::from_secs(20);
        c
    }
    fn password(&self, user: &str) -> Auth {
        Auth::Password {
            user: user.into(),
            password: self.password.clone(),
        }
    }
    fn token(&self, user: &str) -> Auth {
        Auth::OAuth2 {
            user: user.into(),
            access_token: format!("{}{user}", self.token_prefix),
        }
    }
}

/// Addresses no earlier run used, so each test reads a mailbox of its own.
fn unique(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}-{nanos}")
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn reply(agent: &str, customer: &str, message: &str) -> OutgoingReply {
    OutgoingReply {
        from: MailAddress::new(Some("Destek — Porchlight"), agent),
        to: vec![MailAddress::new(Some("Ayşe Yılmaz"), customer)],
        cc: vec![],
        reply_to: None,
        subject: "Re: Şifre sıfırlama".into(),
        ticket_number: Some(4321),
        message_id: outgoing_message_id(message, "porchlight.test"),
        in_reply_to: Some(format!("cust-{message}@example.org")),
        references: reply_references(
            &[format!("root-{message}@example.org")],
            Some(&format!("<cust-{message}@example.org>")),
        ),
        text: "Merhaba, şifreniz sıfırlandı. سلام".into(),
        html: Some("<p>Merhaba, şifreniz <b>sıfırlandı</b>.</p>".into()),
        attachments: vec![porchlight_mail::OutgoingAttachment {
            file_name: "fatura şubat.pdf".into(),
            content_type: "application/pdf".into(),
            content_id: None,
            data: b"%PDF-1.4 test".to_vec(),
        }],
        automatic: false,
        date: None,
    }
}

/// Polls the folder until a mail arrives (delivery through Postfix and LMTP takes a moment).
async fn wait_for_mail(config: &ServerConfig, folder: &str) -> imap::FetchBatch {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let batch = imap::fetch(config, folder, 0, 10).await.expect("fetch");
        if !batch.mails.is_empty() || Instant::now() > deadline {
            return batch;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn check_threading(raw: &[u8], message: &str) {
    let m = parse(raw, &ParseLimits::default()).expect("the delivered mail parses");
    assert_eq!(
        m.message_id,
        Some(format!("porchlight.{message}@porchlight.test"))
    );
    assert_eq!(m.in_reply_to, vec![format!("cust-{message}@example.org")]);
    assert_eq!(
        m.references,
        vec![
            format!("root-{message}@example.org"),
            format!("cust-{message}@example.org")
        ]
    );
    assert_eq!(m.subject, "Re: Şifre sıfırlama [#4321]");
    assert_eq!(m.text, "Merhaba, şifreniz sıfırlandı. سلام");
    assert!(m.html.as_deref().unwrap().contains("<b>sıfırlandı</b>"));
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].file_name, "fatura şubat.pdf");
    assert_eq!(m.attachments[0].data, b"%PDF-1.4 test");
    // The customer's answer to it would thread by Message-ID and by tag.
    let keys = thread_keys(&m, &SubjectTag::default(), "porchlight.test");
    assert_eq!(keys.ticket_number, Some(4321));
    // Postfix adds Received; the reply's own headers survive as sent.
    assert!(m.header("Received").is_some());
}

#[test]
fn reply_over_submission_with_a_password_reaches_the_customer() {
    let Some(t) = server() else { return };
    rt().block_on(async {
        let agent = format!("{}@porchlight.test", unique("agent"));
        let customer = format!("{}@example.org", unique("ayse"));
        let message = unique("m");
        let built =
            build_reply(&reply(&agent, &customer, &message), &SubjectTag::default()).unwrap();
        let send = t.config(t.submission, Security::StartTls, t.password(&agent));
        smtp::send(&send, &built)
            .await
            .expect("sent over submission");

        let read = t.config(t.imap, Security::StartTls, t.password(&customer));
        let batch = wait_for_mail(&read, "INBOX").await;
        assert_eq!(batch.mails.len(), 1, "one mail in the customer's INBOX");
        assert!(!batch.more);
        check_threading(&batch.mails[0].raw, &message);
        let uid = batch.mails[0].uid;

        // Nothing new above the last UID; the same UIDVALIDITY over implicit TLS too.
        let tls = t.config(t.imaps, Security::Tls, t.password(&customer));
        let again = imap::fetch(&tls, "INBOX", uid, 10).await.unwrap();
        assert!(again.mails.is_empty());
        assert_eq!(again.folder.uid_validity, batch.folder.uid_validity);

        // Mark read, move to Processed: INBOX is empty, Processed has it.
        let mut s = ImapSession::connect(&read).await.unwrap();
        s.select("INBOX").await.unwrap();
        s.mark_seen(&[uid]).await.unwrap();
        s.move_to(&[uid], "Processed").await.unwrap();
        assert!(s.new_uids(0).await.unwrap().is_empty());
        s.logout().await;
        let moved = imap::fetch(&read, "Processed", 0, 10).await.unwrap();
        assert_eq!(moved.mails.len(), 1);
        check_threading(&moved.mails[0].raw, &message);

        // On to a folder with a Turkish name (modified UTF-7 on the wire).
        let mut s = ImapSession::connect(&read).await.unwrap();
        s.select("Processed").await.unwrap();
        s.move_to(&[moved.mails[0].uid], "İşlendi").await.unwrap();
        s.logout().await;
        let turkish = imap::fetch(&read, "İşlendi", 0, 10).await.unwrap();
        assert_eq!(turkish.mails.len(), 1);
        check_threading(&turkish.mails[0].raw, &message);
    });
}

#[test]
fn reply_over_smtps_with_xoauth2_reaches_the_customer() {
    let Some(t) = server() else { return };
    rt().block_on(async {
        let agent = format!("{}@porchlight.test", unique("oauth-agent"));
        let customer = format!("{}@example.org", unique("oauth-customer"));
        let message = unique("o");
        let built =
            build_reply(&reply(&agent, &customer, &message), &SubjectTag::default()).unwrap();
        let send = t.config(t.smtps, Security::Tls, t.token(&agent));
        smtp::test_connection(&send).await.expect("XOAUTH2 sign-in");
        smtp::send(&send, &built).await.expect("sent over SMTPS");
        let read = t.config(t.imap, Security::StartTls, t.token(&customer));
        let batch = wait_for_mail(&read, "INBOX").await;
        assert_eq!(batch.mails.len(), 1);
        check_threading(&batch.mails[0].raw, &message);
    });
}

#[test]
fn fetch_in_batches_of_a_limit() {
    let Some(t) = server() else { return };
    rt().block_on(async {
        let agent = format!("{}@porchlight.test", unique("batch-agent"));
        let customer = format!("{}@example.org", unique("batch"));
        let send = t.config(t.submission, Security::StartTls, t.password(&agent));
        for i in 0..3 {
            let built = build_reply(
                &reply(&agent, &customer, &format!("{}-{i}", unique("b"))),
                &SubjectTag::default(),
            )
            .unwrap();
            smtp::send(&send, &built).await.unwrap();
        }
        let read = t.config(t.imap, Security::StartTls, t.password(&customer));
        let deadline = Instant::now() + Duration::from_secs(30);
        let first = loop {
            let b = imap::fetch(&read, "INBOX", 0, 2).await.unwrap();
            if b.folder.exists >= 3 || Instant::now() > deadline {
                break b;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(first.mails.len(), 2);
        assert!(first.more);
        let last = first.mails[1].uid;
        let rest = imap::fetch(&read, "INBOX", last, 2).await.unwrap();
        assert_eq!(rest.mails.len(), 1);
        assert!(!rest.more);
        assert!(rest.mails[0].uid > last);
    });
}

#[test]
fn connection_tests_name_each_failure() {
    let Some(t) = server() else { return };
    rt().block_on(async {
        let user = format!("{}@example.org", unique("check"));

        // Working settings.
        let ok_imap = t.config(t.imap, Security::StartTls, t.password(&user));
        let state = imap::test_connection(&ok_imap, "INBOX").await.unwrap();
        assert!(state.uid_validity > 0);
        let ok_smtp = t.config(t.submission, Security::StartTls, t.password(&user));
        smtp::test_connection(&ok_smtp).await.unwrap();

        // Wrong password, wrong token.
        let wrong = Auth::Password {
            user: user.clone(),
            password: "not-the-password".into(),
        };
        let bad_token = Auth::OAuth2 {
            user: user.clone(),
            access_token: "expired".into(),
        };
        for auth in [wrong, bad_token] {
            let e = imap::test_connection(&t.config(t.imaps, Security::Tls, auth.clone()), "INBOX")
                .await
                .unwrap_err();
            assert_eq!(e.kind, ConnectErrorKind::Credentials, "IMAP {auth:?}: {e}");
            let e =
                smtp::test_connection(&t.config(t.submission, Security::StartTls, auth.clone()))
                    .await
                    .unwrap_err();
            assert_eq!(e.kind, ConnectErrorKind::Credentials, "SMTP {auth:?}: {e}");
        }

        // A folder that does not exist.
        let e = imap::test_connection(&ok_imap, "No Such Folder")
            .await
            .unwrap_err();
        assert_eq!(e.kind, ConnectErrorKind::MissingFolder, "{e}");

        // A closed port.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let e = imap::test_connection(&t.config(closed, Security::Tls, t.password(&user)), "INBOX")
            .await
            .unwrap_err();
        assert_eq!(e.kind, ConnectErrorKind::Unreachable, "{e}");
        let e = smtp::test_connection(&t.config(closed, Security::StartTls, t.password(&user)))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ConnectErrorKind::Unreachable, "{e}");

        // TLS to a server whose CA is not trusted, for every port and both TLS modes.
        let untrusted = |port, security| {
            let mut c = t.config(port, security, t.password(&user));
            c.extra_roots_pem = None;
            c
        };
        for (port, security) in [(t.imap, Security::StartTls), (t.imaps, Security::Tls)] {
            let e = imap::test_connection(&untrusted(port, security), "INBOX")
                .await
                .unwrap_err();
            assert_eq!(e.kind, ConnectErrorKind::Tls, "IMAP {port}: {e}");
        }
        for (port, security) in [(t.submission, Security::StartTls), (t.smtps, Security::Tls)] {
            let e = smtp::test_connection(&untrusted(port, security))
                .await
                .unwrap_err();
            assert_eq!(e.kind, ConnectErrorKind::Tls, "SMTP {port}: {e}");
        }

        // Implicit TLS spoken to a STARTTLS port is a TLS failure, not a hang.
        let e = imap::test_connection(&t.config(t.imap, Security::Tls, t.password(&user)), "INBOX")
            .await
            .unwrap_err();
        assert_eq!(e.kind, ConnectErrorKind::Tls, "{e}");
    });
}
