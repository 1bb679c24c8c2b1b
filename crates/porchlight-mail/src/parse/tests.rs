use super::*;

fn p(raw: &str) -> ParsedMail {
    parse(raw.as_bytes(), &ParseLimits::default()).expect("parses")
}

fn kinds(m: &ParsedMail) -> Vec<ProblemKind> {
    m.problems.iter().map(|p| p.kind).collect()
}

#[test]
fn headers_addresses_and_plain_text() {
    let m = p(
        "From: =?windows-1254?Q?Ay=FEe_Y=FDlmaz?= <Ayse@Example.COM>\r\n\
To: Destek <destek@firma.com.tr>, ikinci@firma.com.tr\r\n\
Cc: \"Kopya, Ali\" <ali@example.com>\r\n\
Reply-To: yanit@example.com\r\n\
Subject: =?windows-1254?Q?=DEifre_s=FDf=FDrlama?=\r\n\
Message-ID: <ABC.123@Mail.Example.COM>\r\n\
In-Reply-To: <porchlight.m1@help.example.com>\r\n\
References: <root@x.com>\r\n <porchlight.m1@help.example.com>\r\n\
Date: Tue, 2 Jan 2024 10:30:00 +0300\r\n\
\r\n\
Merhaba,\r\nşifremi unuttum.\r\n",
    );
    assert_eq!(
        m.from,
        Some(MailAddress::new(Some("Ayşe Yılmaz"), "ayse@example.com"))
    );
    assert_eq!(
        m.to,
        vec![
            MailAddress::new(Some("Destek"), "destek@firma.com.tr"),
            MailAddress::new(None, "ikinci@firma.com.tr")
        ]
    );
    assert_eq!(
        m.cc,
        vec![MailAddress::new(Some("Kopya, Ali"), "ali@example.com")]
    );
    assert_eq!(
        m.reply_to,
        vec![MailAddress::new(None, "yanit@example.com")]
    );
    assert_eq!(m.reply_address().unwrap().email, "yanit@example.com");
    assert_eq!(m.subject, "Şifre sıfırlama");
    assert_eq!(m.message_id.as_deref(), Some("ABC.123@mail.example.com"));
    assert_eq!(m.in_reply_to, vec!["porchlight.m1@help.example.com"]);
    assert_eq!(
        m.references,
        vec!["root@x.com", "porchlight.m1@help.example.com"]
    );
    // 2024-01-02T07:30:00Z
    assert_eq!(m.date_ms, Some(1_704_180_600_000));
    assert_eq!(m.text, "Merhaba,\nşifremi unuttum.");
    assert_eq!(m.html, None);
    assert!(m.attachments.is_empty());
    assert_eq!(m.content_type, "text/plain");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(m.header("message-id"), Some("<ABC.123@Mail.Example.COM>"));
}

#[test]
fn html_is_sanitised_and_text_kept_from_the_alternative() {
    let m = p(
        "From: a@x.com\r\nSubject: hi\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n\
--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain words\r\n\
--B\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<p onclick=\"steal()\">Rich <b>words</b><script>alert(1)</script>\
<a href=\"javascript:alert(2)\">x</a><img src=\"cid:logo\"></p>\r\n--B--\r\n",
    );
    assert_eq!(m.text, "Plain words");
    let html = m.html.unwrap();
    assert!(html.contains("<b>words</b>"), "{html}");
    assert!(
        !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );
    assert!(!html.contains("javascript:"), "{html}");
    // No attachment carries the Content-ID `logo`: the sanitiser drops the unknown source.
    assert!(!html.contains("cid:"), "{html}");
    assert_eq!(m.content_type, "multipart/alternative");
}

#[test]
fn html_only_mail_gets_its_text_from_the_html() {
    let m = p(
        "From: a@x.com\r\nContent-Type: text/html; charset=iso-8859-2\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n\
<div>Dzie=F1 dobry,</div><div>prosz=EA o faktur=EA.</div><script>x()</script>\r\n",
    );
    // The domain's html_to_text ends each block with a line break.
    assert_eq!(m.text, "Dzień dobry,\n\nproszę o fakturę.");
    assert!(m.html.unwrap().contains("Dzień dobry"));
    assert_eq!(m.subject, "");
}

#[test]
fn a_mail_with_only_an_image_is_valid() {
    let m = p(
        "From: a@x.com\r\nSubject: photo\r\nContent-Type: image/png; name=\"scan.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n",
    );
    assert_eq!(m.text, "");
    assert_eq!(m.html, None);
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(a.file_name, "scan.png");
    assert_eq!(a.content_type, "image/png");
    assert_eq!(a.data, b"\x89PNG\r\n\x1a\n");
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn inline_cid_image_forwarded_message_and_calendar() {
    let m = p("From: a@x.com\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n\
--M\r\nContent-Type: multipart/related; boundary=R\r\n\r\n\
--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See <img src=\"cid:img1@x\"></p>\r\n\
--R\r\nContent-Type: image/gif\r\nContent-ID: <img1@x>\r\nContent-Transfer-Encoding: base64\r\n\r\nR0lGODlh\r\n\
--R--\r\n\
--M\r\nContent-Type: message/rfc822\r\n\r\n\
From: b@y.com\r\nSubject: =?UTF-8?B?2YHYp9qp2KrZiNix?=\r\nMessage-ID: <inner@y.com>\r\n\r\ninner body\r\n\
--M\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\
--M--\r\n");
    // The inline image is shown from a data: URL (the sanitiser keeps raster data: images
    // and drops cid: sources).
    assert!(
        m.html
            .as_deref()
            .unwrap()
            .contains("<img src=\"data:image/gif;base64,R0lGODlh\">"),
        "{:?}",
        m.html
    );
    assert_eq!(m.text, "See");
    let img = m
        .attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::InlineImage)
        .expect("inline image");
    assert_eq!(img.content_id.as_deref(), Some("img1@x"));
    assert_eq!(img.file_name, "image.gif");
    assert_eq!(img.data, b"GIF89a");

    let fwd = m
        .attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::Message)
        .expect("forwarded message");
    assert_eq!(fwd.file_name, "فاکتور.eml");
    assert_eq!(fwd.content_type, "message/rfc822");
    let inner = String::from_utf8(fwd.data.clone()).unwrap();
    assert!(inner.starts_with("From: b@y.com"), "{inner:?}");
    assert!(inner.contains("inner body"));
    assert!(!inner.contains("--M"), "{inner:?}");

    let cal = m
        .attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::Calendar)
        .expect("calendar");
    assert_eq!(cal.file_name, "invite.ics");
    assert!(String::from_utf8_lossy(&cal.data).starts_with("BEGIN:VCALENDAR"));
    assert_eq!(m.attachments.len(), 3);
}

#[test]
fn attachment_names_are_cleaned() {
    let m = p(
        "From: a@x.com\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n\
--M\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
--M\r\nContent-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe\r\n\r\nMZ\r\n\
--M\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\n%PDF\r\n\
--M\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\n%PDF\r\n\
--M\r\nContent-Type: application/ms-tnef\r\nContent-Disposition: attachment\r\n\r\nx\r\n\
--M--\r\n",
    );
    let names: Vec<&str> = m.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "invoicefdp.exe",
            ".._.._etc_passwd",
            "attachment.pdf",
            "winmail.dat"
        ]
    );
    assert_eq!(m.text, "see attached");
}

#[test]
fn limits_give_clear_errors() {
    let small = ParseLimits {
        max_bytes: 10,
        ..ParseLimits::default()
    };
    assert_eq!(
        parse(b"From: a@x.com\r\n\r\nhello", &small),
        Err(ParseError::TooLarge {
            size: 22,
            limit: 10
        })
    );
    let few = ParseLimits {
        max_parts: 3,
        ..ParseLimits::default()
    };
    let mut raw =
        String::from("From: a@x.com\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n");
    for i in 0..5 {
        raw.push_str(&format!(
            "--M\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
        ));
    }
    raw.push_str("--M--\r\n");
    assert_eq!(
        parse(raw.as_bytes(), &few),
        Err(ParseError::TooManyParts { parts: 6, limit: 3 })
    );
    assert_eq!(
        parse(b"", &ParseLimits::default()),
        Err(ParseError::NotAMail)
    );
    assert_eq!(
        parse(b"just some text\nwithout headers", &ParseLimits::default()),
        Err(ParseError::NotAMail)
    );
    let e = ParseError::TooLarge {
        size: 24,
        limit: 10,
    };
    assert_eq!(
        e.to_string(),
        "the mail is 24 bytes, more than the limit of 10 bytes"
    );
}

#[test]
fn long_bodies_are_cut_or_dropped_with_a_problem() {
    let limits = ParseLimits {
        max_text_bytes: 5,
        max_html_bytes: 10,
        ..ParseLimits::default()
    };
    let m = parse(
        "From: a@x.com\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n\
--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nşşşşşş\r\n\
--B\r\nContent-Type: text/html\r\n\r\n<p>long enough html</p>\r\n--B--\r\n"
            .as_bytes(),
        &limits,
    )
    .unwrap();
    assert_eq!(m.text, "şş");
    assert_eq!(m.html, None);
    assert_eq!(
        kinds(&m),
        vec![ProblemKind::HtmlDropped, ProblemKind::TextTruncated]
    );
}

#[test]
fn unreadable_parts_are_reported_and_the_rest_kept() {
    let m = p(
        "Subject: broken\r\nTo: not-an-address, ok@x.com\r\nDate: yesterday-ish\r\n\
Content-Type: multipart/mixed; boundary=M\r\n\r\n\
--M\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nqapla\r\n\
--M\r\nContent-Type: text/plain\r\n\r\nsecond part, never closed\r\n",
    );
    assert_eq!(m.from, None);
    assert_eq!(m.to, vec![MailAddress::new(None, "ok@x.com")]);
    assert_eq!(m.date_ms, None);
    assert!(m.text.contains("qapla"), "{:?}", m.text);
    let k = kinds(&m);
    for want in [
        ProblemKind::MissingSender,
        ProblemKind::InvalidAddress,
        ProblemKind::InvalidDate,
        ProblemKind::UnknownCharset,
    ] {
        assert!(k.contains(&want), "{want:?} missing from {:?}", m.problems);
    }
    let cs = m
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::UnknownCharset)
        .unwrap();
    assert!(cs.detail.contains("x-klingon"), "{}", cs.detail);
}

#[test]
fn names_that_only_repeat_the_address_are_dropped() {
    let m = p("From: \"a@x.com\" <A@X.com>\r\n\r\nhi\r\n");
    assert_eq!(m.from, Some(MailAddress::new(None, "a@x.com")));
}

#[test]
fn persian_utf8_and_turkish_windows_1254_bodies() {
    // "سلام، فاکتور ۱۴۰۲ را می‌خواهم" in UTF-8, base64; a right-to-left file name.
    let m = p("From: =?UTF-8?B?2LnZhNuMINix2LbYp9uM24w=?= <ali@example.ir>\r\n\
Subject: =?UTF-8?B?2YHYp9qp2KrZiNixINux27TbsNuy?=\r\n\
Content-Type: multipart/mixed; boundary=M\r\n\r\n\
--M\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
2LPZhNin2YXYjCDZgdin2qnYqtmI2LEg27HbtNuw27Ig2LHYpyDZhduM4oCM2K7ZiNin2YfZhQ==\r\n\
--M\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename*=UTF-8''%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1.pdf\r\n\r\n%PDF\r\n\
--M--\r\n");
    assert_eq!(
        m.from,
        Some(MailAddress::new(Some("علی رضایی"), "ali@example.ir"))
    );
    assert_eq!(m.subject, "فاکتور ۱۴۰۲");
    assert_eq!(m.text, "سلام، فاکتور ۱۴۰۲ را می\u{200c}خواهم");
    assert_eq!(m.attachments[0].file_name, "فاکتور.pdf");

    // windows-1254 8-bit body: İ ş ğ ı are the bytes 0xDD 0xFE 0xF0 0xFD.
    let mut raw = b"From: a@example.com.tr\r\nContent-Type: text/plain; charset=windows-1254\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\n"
        .to_vec();
    raw.extend_from_slice(b"\xDDyi g\xFCnler, \xFEifremi unuttum; \xE7ok acil \xF0\xFDda.\r\n");
    let m = parse(&raw, &ParseLimits::default()).unwrap();
    assert_eq!(m.text, "İyi günler, şifremi unuttum; çok acil ğıda.");
    assert!(m.problems.is_empty(), "{:?}", m.problems);

    // The same text as raw 8-bit headers: read in the charset the body declares.
    let mut raw = b"From: ".to_vec();
    raw.extend_from_slice(
        b"\xDEule Y\xFDlmaz <sule@example.com.tr>\r\nSubject: \xDEifre s\xFDf\xFDrlama\r\n",
    );
    raw.extend_from_slice(b"Content-Type: text/plain; charset=windows-1254\r\n\r\nyard\xFDm\r\n");
    let m = parse(&raw, &ParseLimits::default()).unwrap();
    assert_eq!(m.subject, "Şifre sıfırlama");
    assert_eq!(m.from.unwrap().name.as_deref(), Some("Şule Yılmaz"));
    assert_eq!(m.text, "yardım");
}
