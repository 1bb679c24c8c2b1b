//! Real-world messages from public sources (see `corpus/SOURCES.md`): what an agent would see
//! of each — sender, decoded subject, the new text, attachments — and how it is classified.

use porchlight_mail::{
    classify, parse, split_reply, AttachmentKind, AutoSignal, Classification, MailAddress,
    ParseLimits, ParsedMail, ProblemKind,
};

fn load(name: &str) -> (ParsedMail, Classification) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mail = parse(&raw, &ParseLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let class = classify(&mail);
    (mail, class)
}

#[test]
fn every_corpus_file_is_listed_in_sources_and_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let sources = std::fs::read_to_string(dir.join("SOURCES.md")).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".eml") {
            assert!(
                sources.contains(&format!("`{name}`")),
                "{name} has no entry in SOURCES.md"
            );
            load(&name);
            count += 1;
        }
    }
    assert!(count >= 11, "{count} corpus files");
}

#[test]
fn gb2312_with_raw_8bit_headers() {
    let (m, c) = load("gb2312-qq-notice.eml");
    assert_eq!(
        m.from,
        Some(MailAddress::new(Some("腾讯企业邮箱"), "10000@qq.com"))
    );
    assert_eq!(m.subject, "提示：您的企业成员暂时无法登录邮件客户端");
    assert!(m.text.starts_with("尊敬的管理员："), "{:?}", m.text);
    assert!(m.text.contains("此邮箱账号可以通过以下方法继续使用邮箱"));
    let html = m.html.unwrap();
    assert!(html.contains("<h2>尊敬的管理员：</h2>"), "{html}");
    assert!(
        !html.contains("style="),
        "inline styles are dropped: {html}"
    );
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert!(!c.is_automatic());
}

#[test]
fn iso_2022_jp_body() {
    let (m, c) = load("iso-2022-jp.eml");
    assert_eq!(m.subject, "まみむめも");
    assert_eq!(
        m.to,
        vec![MailAddress::new(Some("みける"), "raasdnil@gmail.com")]
    );
    assert_eq!(m.text, "すみません。");
    assert!(!c.is_automatic());
}

#[test]
fn bounce_postfix_style_report_from_aol() {
    let (m, c) = load("bounce-aol-mailbox-full.eml");
    assert_eq!(m.subject, "Undelivered Mail Returned to Sender");
    let b = c.bounce.expect("a bounce");
    assert_eq!(
        b.original_message_id.as_deref(),
        Some("4E326A95.3010907@example.com")
    );
    assert_eq!(b.recipient.as_deref(), Some("user@aol.com"));
    assert_eq!(b.status.as_deref(), Some("5.2.2"));
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("552 5.2.2 E4.12 user MAILBOX FULL")
    );
    assert!(b.permanent);
    let names: Vec<&str> = m.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(names, vec!["details.txt", "details.txt"]);
}

#[test]
fn bounce_sendmail_report_with_headers() {
    let (_, c) = load("bounce-sendmail-report.eml");
    assert!(c
        .auto_signals
        .contains(&AutoSignal::AutoSubmitted("auto-generated".into())));
    let b = c.bounce.expect("a bounce");
    assert_eq!(
        b.original_message_id.as_deref(),
        Some("200712232303.lBNN3jDq002941@mail12.rrrr.com.au")
    );
    assert_eq!(b.recipient.as_deref(), Some("edwin@zzzzzzz.com"));
    assert_eq!(b.status.as_deref(), Some("5.3.0"));
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("553 5.3.0 <edwin@zzzzzzz.com>... Unknown E-Mail Address")
    );
    assert!(b.permanent);
}

#[test]
fn bounce_sendmail_gave_up_after_days() {
    let (m, c) = load("bounce-sendmail-gave-up.eml");
    let b = c.bounce.expect("a bounce");
    assert_eq!(b.recipient.as_deref(), Some("louisl@larry.slip.umd.edu"));
    assert_eq!(b.status.as_deref(), Some("4.0.0"));
    assert_eq!(b.diagnostic.as_deref(), Some("426 connection timed out"));
    assert!(b.permanent, "Action: failed — the server gave up");
    // The returned message has no Message-ID: nothing to tie the bounce to.
    assert_eq!(b.original_message_id, None);
    let returned = m
        .attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::Message)
        .unwrap();
    assert_eq!(returned.file_name, "Hello, how are you.eml");
}

#[test]
fn bounce_gmail_text_only() {
    let (_, c) = load("bounce-gmail-text.eml");
    let b = c.bounce.expect("a bounce");
    assert_eq!(
        b.original_message_id.as_deref(),
        Some("CAKsfaBUUGqVZiaMrmH3TRPfq1odQPtM7Ey5YW1SgyJJRHtAjgw@mail.gmail.com")
    );
    assert_eq!(
        b.recipient.as_deref(),
        Some("awfawfawfawfawfaw@someserverhere.com")
    );
    assert_eq!(b.status.as_deref(), Some("5.1.0"));
    assert!(b.permanent);
    assert!(c.auto_signals.contains(&AutoSignal::NullSender));
}

#[test]
fn read_receipt_is_automatic_and_not_a_bounce() {
    let (m, c) = load("read-receipt-mdn.eml");
    assert_eq!(c.auto_signals, vec![AutoSignal::ReadReceipt]);
    assert!(c.is_automatic());
    assert_eq!(c.bounce, None);
    assert!(m
        .attachments
        .iter()
        .any(|a| a.content_type == "message/disposition-notification"
            && a.file_name == "details.txt"));
}

#[test]
fn quoted_replies_from_common_clients() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "reply-apple-mail.eml",
            "Hello",
            "On Apr 3, 2012, at 4:19 PM, bob wrote:",
        ),
        ("reply-outlook.eml", "Hello", "From: xxx@xxx.mailgun.org"),
        ("reply-yahoo.eml", "Hello", "----- Original Message -----"),
        (
            "reply-thunderbird-bottom.eml",
            "Hello",
            "On 04/02/2012 06:26 PM, Megan One wrote:",
        ),
    ];
    for (file, new, quote_starts) in cases {
        let (m, c) = load(file);
        assert_eq!(m.subject.trim_start_matches("Re: "), "Test", "{file}");
        let s = split_reply(&m.text);
        assert_eq!(s.new_text, *new, "{file}");
        let q = s.quoted.unwrap_or_else(|| panic!("{file}: no quote"));
        assert!(q.starts_with(quote_starts), "{file}: {q:?}");
        assert!(!c.is_automatic(), "{file}: {:?}", c.auto_signals);
        assert!(
            m.problems
                .iter()
                .all(|p| p.kind != ProblemKind::UnreadablePart),
            "{file}"
        );
    }
    // Outlook's HTML alternative is kept, sanitised: its Word styles are gone.
    let (m, _) = load("reply-outlook.eml");
    let html = m.html.unwrap();
    assert!(html.contains("Allo! Follow up MIME!"));
    assert!(!html.contains("<style") && !html.contains("mso-"), "{html}");
}
