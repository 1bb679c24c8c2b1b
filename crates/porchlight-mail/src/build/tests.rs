use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::classify::{classify, AutoSignal};
use crate::parse::{parse, AttachmentKind, ParseLimits};
use crate::thread::{outgoing_message_id, thread_keys};

fn reply() -> OutgoingReply {
    OutgoingReply {
        from: MailAddress::new(Some("Destek Ekibi"), "help@porchlight.test"),
        to: vec![MailAddress::new(Some("Ayşe Yılmaz"), "ayse@example.com")],
        cc: vec![MailAddress::new(None, "boss@example.com")],
        reply_to: None,
        subject: "Re: Şifre sıfırlama".into(),
        ticket_number: Some(1234),
        message_id: outgoing_message_id("m-42", "porchlight.test"),
        in_reply_to: Some("cust-1@example.com".into()),
        references: vec!["root@example.com".into(), "cust-1@example.com".into()],
        text: "Merhaba Ayşe,\nşifreniz sıfırlandı.".into(),
        html: Some(
            "<p>Merhaba Ayşe,<br>şifreniz <b>sıfırlandı</b>. <img src=\"cid:logo@p\"></p>".into(),
        ),
        attachments: vec![
            OutgoingAttachment {
                file_name: "fatura ۱۴۰۲ şubat.pdf".into(),
                content_type: "application/pdf".into(),
                content_id: None,
                data: b"%PDF-1.4 test".to_vec(),
            },
            OutgoingAttachment {
                file_name: "logo.png".into(),
                content_type: "image/png".into(),
                content_id: Some("logo@p".into()),
                data: b"\x89PNG\r\n\x1a\nrest".to_vec(),
            },
        ],
        automatic: false,
        date: Some(UNIX_EPOCH + Duration::from_secs(1_704_180_600)),
    }
}

#[test]
fn a_reply_reads_back_as_written() {
    let tag = SubjectTag::default();
    let raw = build_reply(&reply(), &tag).unwrap().formatted();
    let m = parse(&raw, &ParseLimits::default()).unwrap();
    assert_eq!(
        m.from,
        Some(MailAddress::new(
            Some("Destek Ekibi"),
            "help@porchlight.test"
        ))
    );
    assert_eq!(
        m.to,
        vec![MailAddress::new(Some("Ayşe Yılmaz"), "ayse@example.com")]
    );
    assert_eq!(m.cc, vec![MailAddress::new(None, "boss@example.com")]);
    assert_eq!(m.subject, "Re: Şifre sıfırlama [#1234]");
    assert_eq!(
        m.message_id.as_deref(),
        Some("porchlight.m-42@porchlight.test")
    );
    assert_eq!(m.in_reply_to, vec!["cust-1@example.com"]);
    assert_eq!(m.references, vec!["root@example.com", "cust-1@example.com"]);
    assert_eq!(m.date_ms, Some(1_704_180_600_000));
    assert_eq!(m.text, "Merhaba Ayşe,\nşifreniz sıfırlandı.");
    let html = m.html.clone().unwrap();
    assert!(html.contains("<b>sıfırlandı</b>"), "{html}");
    assert!(html.contains("data:image/png;base64,"), "{html}");
    assert!(m.problems.is_empty(), "{:?}", m.problems);

    let pdf = m
        .attachments
        .iter()
        .find(|a| a.content_type == "application/pdf")
        .unwrap();
    assert_eq!(pdf.file_name, "fatura ۱۴۰۲ şubat.pdf");
    assert_eq!(pdf.data, b"%PDF-1.4 test");
    let logo = m
        .attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::InlineImage)
        .unwrap();
    assert_eq!(logo.content_id.as_deref(), Some("logo@p"));

    let keys = thread_keys(&m, &tag, "porchlight.test");
    assert_eq!(keys.ticket_number, Some(1234));
    assert!(!classify(&m).is_automatic());
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("Auto-Submitted"));
}

#[test]
fn automatic_mail_is_marked() {
    let mut r = reply();
    r.automatic = true;
    r.html = None;
    r.attachments.clear();
    let raw = build_reply(&r, &SubjectTag::default()).unwrap().formatted();
    let m = parse(&raw, &ParseLimits::default()).unwrap();
    assert_eq!(m.header("Auto-Submitted"), Some("auto-replied"));
    assert_eq!(m.content_type, "text/plain");
    let k = classify(&m);
    assert!(k
        .auto_signals
        .contains(&AutoSignal::AutoSubmitted("auto-replied".into())));
    assert!(k.is_automatic());
}

#[test]
fn bad_replies_are_refused_with_the_reason() {
    let tag = SubjectTag::default();
    let mut r = reply();
    r.to.clear();
    assert_eq!(build_reply(&r, &tag).unwrap_err(), BuildError::NoRecipient);

    let mut r = reply();
    r.to = vec![MailAddress::new(None, "not an address")];
    assert_eq!(
        build_reply(&r, &tag).unwrap_err(),
        BuildError::InvalidAddress("not an address".into())
    );

    let mut r = reply();
    r.message_id = "no-at-sign".into();
    assert_eq!(
        build_reply(&r, &tag).unwrap_err(),
        BuildError::InvalidMessageId("no-at-sign".into())
    );

    let mut r = reply();
    r.attachments[0].content_type = "not a type".into();
    assert!(matches!(
        build_reply(&r, &tag).unwrap_err(),
        BuildError::InvalidContentType { .. }
    ));
}

#[test]
fn header_injection_through_names_is_impossible() {
    let mut r = reply();
    r.from.name = Some("Evil\r\nBcc: victim@example.com".into());
    r.subject = "Hi\r\nBcc: victim@example.com".into();
    let raw = build_reply(&r, &SubjectTag::default()).unwrap().formatted();
    let m = parse(&raw, &ParseLimits::default()).unwrap();
    assert!(m.header("Bcc").is_none());
    assert!(!String::from_utf8_lossy(&raw).contains("\r\nBcc:"));
}

#[test]
fn subjects_and_references_of_replies() {
    assert_eq!(reply_subject("Order"), "Re: Order");
    assert_eq!(reply_subject("RE: Order"), "RE: Order");
    assert_eq!(reply_subject("Ynt: Sipariş"), "Ynt: Sipariş");
    assert_eq!(reply_subject("Odp: Zamówienie"), "Odp: Zamówienie");
    assert_eq!(reply_subject("پاسخ: سفارش"), "پاسخ: سفارش");
    assert_eq!(reply_subject(""), "Re:");

    let refs: Vec<String> = (0..30).map(|i| format!("m{i}@x.com")).collect();
    let r = reply_references(&refs, Some("<parent@X.com>"));
    assert_eq!(r.len(), MAX_REFERENCES);
    assert_eq!(r[0], "m0@x.com");
    assert_eq!(r[MAX_REFERENCES - 1], "parent@x.com");
    assert_eq!(r[1], "m12@x.com");
    assert_eq!(
        reply_references(&["a@x.com".into()], Some("a@x.com")),
        vec!["a@x.com"]
    );
    assert!(reply_references(&[], None).is_empty());
}
