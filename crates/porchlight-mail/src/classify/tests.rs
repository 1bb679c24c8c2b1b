use super::*;
use crate::parse::{parse, ParseLimits};

fn c(raw: &str) -> Classification {
    classify(&parse(raw.as_bytes(), &ParseLimits::default()).expect("parses"))
}

#[test]
fn a_person_writing_is_not_automatic() {
    let k = c("From: a@x.com\r\nSubject: My order\r\nAuto-Submitted: no\r\n\r\nhi\r\n");
    assert!(k.auto_signals.is_empty(), "{:?}", k.auto_signals);
    assert!(!k.is_automatic());
    assert_eq!(k.bounce, None);
    assert!(!k.authentication.failed());
}

#[test]
fn each_auto_reply_header_is_a_signal() {
    let cases: &[(&str, AutoSignal)] = &[
        (
            "Auto-Submitted: auto-replied (vacation)",
            AutoSignal::AutoSubmitted("auto-replied".into()),
        ),
        (
            "Auto-Submitted: Auto-Generated",
            AutoSignal::AutoSubmitted("auto-generated".into()),
        ),
        ("X-Autoreply: yes", AutoSignal::XAutoreply),
        ("X-Autorespond: Out of office", AutoSignal::XAutoreply),
        ("Precedence: bulk", AutoSignal::Precedence("bulk".into())),
        ("Precedence: junk", AutoSignal::Precedence("junk".into())),
        ("Precedence: list", AutoSignal::Precedence("list".into())),
        ("List-Id: <news.example.com>", AutoSignal::MailingList),
        (
            "List-Unsubscribe: <mailto:leave@example.com>",
            AutoSignal::MailingList,
        ),
        (
            "X-Auto-Response-Suppress: All",
            AutoSignal::AutoResponseSuppress("All".into()),
        ),
        ("Return-Path: <>", AutoSignal::NullSender),
    ];
    for (header, want) in cases {
        let k = c(&format!(
            "From: a@x.com\r\nSubject: Re: order\r\n{header}\r\n\r\nhi\r\n"
        ));
        assert_eq!(k.auto_signals, vec![want.clone()], "{header}");
        assert!(k.is_automatic(), "{header}");
    }
    // Headers that look alike but say "a person wrote this".
    for header in [
        "Precedence: first-class",
        "X-Auto-Response-Suppress: None",
        "Return-Path: <a@x.com>",
    ] {
        let k = c(&format!("From: a@x.com\r\n{header}\r\n\r\nhi\r\n"));
        assert!(!k.is_automatic(), "{header}: {:?}", k.auto_signals);
    }
}

#[test]
fn subject_patterns_are_only_a_hint() {
    for subject in [
        "Out of Office: Re: order",
        "Automatic reply: invoice",
        "Otomatik yanıt: Fatura",
        "Automatyczna odpowiedź: faktura",
        "پاسخ خودکار: فاکتور",
    ] {
        let k = c(&format!(
            "From: a@x.com\r\nSubject: {subject}\r\n\r\nhi\r\n"
        ));
        assert_eq!(
            k.auto_signals,
            vec![AutoSignal::SubjectPattern],
            "{subject}"
        );
        assert!(!k.is_automatic(), "{subject}");
    }
    let k =
        c("From: a@x.com\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nx\r\n");
    assert!(k.is_automatic());
}

#[test]
fn authentication_results_first_header_only() {
    let k = c(
        "Authentication-Results: mx.example.com; dkim=pass header.d=x.com;\r\n \
spf=fail smtp.mailfrom=x.com; dmarc=fail (p=REJECT) header.from=x.com\r\n\
Authentication-Results: forged.example; dmarc=pass\r\nFrom: a@x.com\r\n\r\nhi\r\n",
    );
    assert_eq!(k.authentication.dmarc, Some(AuthResult::Fail));
    assert_eq!(k.authentication.spf, Some(AuthResult::Fail));
    assert_eq!(k.authentication.dkim, Some(AuthResult::Pass));
    assert!(k.authentication.failed());

    let soft = c("Authentication-Results: mx; spf=softfail smtp.mailfrom=x.com\r\nFrom: a@x.com\r\n\r\nhi\r\n");
    assert_eq!(soft.authentication.spf, Some(AuthResult::SoftFail));
    assert!(
        !soft.authentication.failed(),
        "softfail alone is not forged"
    );

    let spf_only = c(
        "Authentication-Results: mx; spf=fail smtp.mailfrom=x.com\r\nFrom: a@x.com\r\n\r\nhi\r\n",
    );
    assert!(spf_only.authentication.failed());

    let dmarc_pass =
        c("Authentication-Results: mx; spf=fail; dmarc=pass\r\nFrom: a@x.com\r\n\r\nhi\r\n");
    assert!(
        !dmarc_pass.authentication.failed(),
        "DMARC decides when present"
    );

    // Two headers of the same server count together; a policy-less domain falls back to SPF.
    let split = c(
        "Authentication-Results: mx.example.com; dmarc=none header.from=x.com\r\n\
Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=x.com\r\n\
Authentication-Results: other.example; dkim=pass\r\nFrom: a@x.com\r\n\r\nhi\r\n",
    );
    assert_eq!(split.authentication.dmarc, Some(AuthResult::None));
    assert_eq!(split.authentication.spf, Some(AuthResult::Fail));
    assert_eq!(
        split.authentication.dkim, None,
        "another server's verdict is not read"
    );
    assert!(split.authentication.failed());

    let none = c("From: a@x.com\r\n\r\nhi\r\n");
    assert_eq!(none.authentication, AuthVerdict::default());
}

#[test]
fn delivery_status_report() {
    let k = c("From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n\
To: help@porchlight.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
Auto-Submitted: auto-replied\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n\
--R\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\
--R\r\nContent-Type: message/delivery-status\r\n\r\n\
Reporting-MTA: dns; mx.example.com\r\n\r\n\
Final-Recipient: rfc822; ok@example.org\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n\
Final-Recipient: rfc822; Nobody@Example.org\r\nOriginal-Recipient: rfc822;nobody@example.org\r\n\
Action: failed\r\nStatus: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address\r\n rejected: User unknown\r\n\r\n\
--R\r\nContent-Type: text/rfc822-headers\r\n\r\n\
From: help@porchlight.test\r\nMessage-ID: <porchlight.m9@porchlight.test>\r\nSubject: Re: order\r\n\r\n\
--R--\r\n");
    let b = k.bounce.clone().expect("a bounce");
    assert_eq!(
        b.original_message_id.as_deref(),
        Some("porchlight.m9@porchlight.test")
    );
    assert_eq!(b.recipient.as_deref(), Some("nobody@example.org"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown")
    );
    assert!(b.permanent);
    assert!(k.is_automatic());
    assert!(k.auto_signals.contains(&AutoSignal::MailerDaemon));
}

#[test]
fn a_delay_report_is_not_permanent() {
    let k = c("From: postmaster@x.com\r\nSubject: Delayed Mail (still being retried)\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n\
--R\r\nContent-Type: text/plain\r\n\r\nstill trying\r\n\
--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x.com\r\n\r\n\
Final-Recipient: rfc822; a@y.com\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n\
--R\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <orig@p.test>\r\nFrom: h@p.test\r\n\r\nbody\r\n\
--R--\r\n");
    let b = k.bounce.expect("a report");
    assert_eq!(b.status.as_deref(), Some("4.4.1"));
    assert!(!b.permanent);
    assert_eq!(b.original_message_id.as_deref(), Some("orig@p.test"));
}

#[test]
fn a_text_only_failure_notice() {
    // qmail's form: no report parts, the original appended as text.
    let k = c(
        "From: MAILER-DAEMON@mail.example.net\r\nSubject: failure notice\r\n\r\n\
Hi. This is the qmail-send program at mail.example.net.\r\n\
I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\
This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n\
<gone@example.net>:\r\n\
Remote host said: 550 5.1.1 mailbox unavailable\r\n\r\n\
--- Below this line is a copy of the message.\r\n\r\n\
From: help@porchlight.test\r\nMessage-ID: <porchlight.m3@porchlight.test>\r\n\r\nHello\r\n",
    );
    let b = k.bounce.expect("a bounce");
    assert_eq!(b.recipient.as_deref(), Some("gone@example.net"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert_eq!(
        b.original_message_id.as_deref(),
        Some("porchlight.m3@porchlight.test")
    );
    assert!(b.permanent);
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("Remote host said: 550 5.1.1 mailbox unavailable")
    );
}

#[test]
fn a_person_mentioning_failure_is_not_a_bounce() {
    let k =
        c("From: a@x.com\r\nSubject: Delivery failure of my parcel\r\n\r\n550 times I asked\r\n");
    assert_eq!(k.bounce, None);
}

#[test]
fn status_codes_in_text() {
    assert_eq!(
        find_status_code("said: 550 5.7.1 blocked"),
        Some("5.7.1".into())
    );
    assert_eq!(
        find_status_code("version 1.2.3 and 4.4.7."),
        Some("4.4.7".into())
    );
    assert_eq!(find_status_code("no code 5.1 here 3.1.1"), None);
    assert!(is_status_code("2.0.0"));
    assert!(!is_status_code("5.1.1234"));
}
