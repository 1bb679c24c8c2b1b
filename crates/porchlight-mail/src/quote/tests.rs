use super::*;

fn split(text: &str) -> SplitReply {
    split_reply(text)
}

#[track_caller]
fn check(text: &str, new: &str, quote_starts: &str) {
    let s = split(text);
    assert_eq!(s.new_text, new, "new text of {text:?}");
    let q = s
        .quoted
        .unwrap_or_else(|| panic!("no quote found in {text:?}"));
    assert!(
        q.starts_with(quote_starts),
        "quote of {text:?} starts {:?}",
        &q[..q.len().min(60)]
    );
}

#[test]
fn gmail_attributions_in_four_languages() {
    check(
        "Thanks, that worked.\n\nOn Mon, Jan 8, 2024 at 10:12 AM Help <help@example.com> wrote:\n> Try again.\n",
        "Thanks, that worked.",
        "On Mon, Jan 8, 2024",
    );
    // Gmail wraps a long attribution.
    check(
        "Thanks!\n\nOn Mon, Jan 8, 2024 at 10:12 AM Porchlight Support Team <support@example.com>\nwrote:\n\n> Try again.\n",
        "Thanks!",
        "On Mon, Jan 8, 2024",
    );
    check(
        "Teşekkürler, düzeldi.\n\n8 Oca 2024 Pzt, 10:12 tarihinde Destek <destek@example.com> şunu yazdı:\n> Tekrar deneyin.\n",
        "Teşekkürler, düzeldi.",
        "8 Oca 2024 Pzt",
    );
    check(
        "Dziękuję, działa.\n\npon., 8 sty 2024 o 10:12 Pomoc <pomoc@example.com> napisał(a):\n> Proszę spróbować ponownie.\n",
        "Dziękuję, działa.",
        "pon., 8 sty 2024",
    );
    check(
        "ممنون، درست شد.\n\n\u{202b}در تاریخ دوشنبه ۸ ژانویه ۲۰۲۴ ساعت ۱۰:۱۲ پشتیبانی <help@example.com> نوشت:\u{202c}\n> دوباره امتحان کنید.\n",
        "ممنون، درست شد.",
        "\u{202b}در تاریخ",
    );
}

#[test]
fn apple_mail_and_thunderbird() {
    check(
        "Works now.\n\n> On 8 Jan 2024, at 10:12, Help <help@example.com> wrote:\n> \n> Try again.\n",
        "Works now.",
        "> On 8 Jan 2024",
    );
    check(
        "Works now.\n\nOn 8 Jan 2024, at 10:12, Help <help@example.com> wrote:\n\n> Try again.\n",
        "Works now.",
        "On 8 Jan 2024",
    );
    check(
        "Oldu.\n\n8 Oca 2024 tarihinde 10:12 saatinde, Destek <destek@example.com> şunları yazdı:\n\n> Tekrar deneyin.\n",
        "Oldu.",
        "8 Oca 2024 tarihinde",
    );
    check(
        "Działa.\n\nWiadomość napisana przez Pomoc <pomoc@example.com> w dniu 8 sty 2024, o godz. 10:12:\n\n> Proszę spróbować.\n",
        "Działa.",
        "Wiadomość napisana przez",
    );
    check(
        "Works.\n\nOn 1/8/24 10:12 AM, Help Desk wrote:\n> Try again.\n",
        "Works.",
        "On 1/8/24",
    );
    check(
        "Tamam.\n\n8.01.2024 10:12 tarihinde Destek yazdı:\n> Tekrar deneyin.\n",
        "Tamam.",
        "8.01.2024 10:12",
    );
    check(
        "Dobrze.\n\nW dniu 8.01.2024 o 10:12, Pomoc pisze:\n> Proszę.\n",
        "Dobrze.",
        "W dniu 8.01.2024",
    );
}

#[test]
fn outlook_header_blocks_in_four_languages() {
    check(
        "Got it, thanks.\n\n________________________________\nFrom: Help <help@example.com>\nSent: Monday, January 8, 2024 10:12 AM\nTo: Ann <ann@example.com>\nSubject: RE: order\n\nTry again.\n",
        "Got it, thanks.",
        "________________________________",
    );
    check(
        "Got it.\n\n-----Original Message-----\nFrom: Help <help@example.com>\nSent: Monday\nTo: Ann\nSubject: order\n\nTry again.\n",
        "Got it.",
        "-----Original Message-----",
    );
    check(
        "Tamam.\n\nKimden: Destek <destek@example.com>\nGönderildi: 8 Ocak 2024 Pazartesi 10:12\nKime: Ayşe <ayse@example.com>\nKonu: YNT: sipariş\n\nTekrar deneyin.\n",
        "Tamam.",
        "Kimden: Destek",
    );
    check(
        "Dobrze.\n\nOd: Pomoc <pomoc@example.com>\nWysłano: poniedziałek, 8 stycznia 2024 10:12\nDo: Anna <anna@example.com>\nTemat: RE: zamówienie\n\nProszę.\n",
        "Dobrze.",
        "Od: Pomoc",
    );
    check(
        "باشه.\n\nاز: پشتیبانی <help@example.com>\nارسال شده: دوشنبه ۸ ژانویه ۲۰۲۴\nبه: علی <ali@example.com>\nموضوع: پاسخ: سفارش\n\nدوباره امتحان کنید.\n",
        "باشه.",
        "از: پشتیبانی",
    );
    check(
        "OK.\n\n*From:* Help <help@example.com>\n*Sent:* Monday\n*To:* Ann\n*Subject:* order\n",
        "OK.",
        "*From:* Help",
    );
    check(
        "Tamam.\n\n-----Özgün İleti-----\nKimden: Destek\n",
        "Tamam.",
        "-----Özgün İleti-----",
    );
}

#[test]
fn angle_quotes_signatures_and_phones() {
    let s = split("Sounds good.\n\n-- \nAnn Smith\nACME Ltd.\n\n> earlier text\n> more\n");
    assert_eq!(s.new_text, "Sounds good.");
    assert_eq!(s.signature.as_deref(), Some("Ann Smith\nACME Ltd."));
    assert_eq!(s.quoted.as_deref(), Some("> earlier text\n> more"));

    let s = split("Yes please.\n\nSent from my iPhone\n\nOn 8 Jan 2024, at 10:12, Help <h@x.com> wrote:\n> ok?");
    assert_eq!(s.new_text, "Yes please.");
    assert_eq!(s.signature.as_deref(), Some("Sent from my iPhone"));

    let s = split("Evet.\n\niPhone'umdan gönderildi");
    assert_eq!(s.new_text, "Evet.");
    assert_eq!(s.signature.as_deref(), Some("iPhone'umdan gönderildi"));
    assert_eq!(s.quoted, None);
}

#[test]
fn interleaved_answers_keep_everything() {
    let text = "> Which plan?\nThe yearly one.\n> And the seats?\nTen seats.\n";
    let s = split(text);
    assert_eq!(s.new_text, text.trim_end());
    assert_eq!(s.quoted, None);
}

#[test]
fn a_greeting_above_and_the_answer_below_the_quote_keep_everything() {
    let text = "Hi,\n\nOn Sat, 25 Jul 2020, Ann wrote:\n\n> Shall we?\n\nYes, let us.\n\n-- \nBob";
    let s = split(text);
    assert_eq!(
        s.new_text,
        "Hi,\n\nOn Sat, 25 Jul 2020, Ann wrote:\n\n> Shall we?\n\nYes, let us."
    );
    assert_eq!(s.quoted, None);
    assert_eq!(s.signature.as_deref(), Some("Bob"));
}

#[test]
fn bottom_posting() {
    let s = split(
        "On Mon, Jan 8, 2024 at 10:12 AM Help <h@x.com> wrote:\n> Which plan?\n\nThe yearly one.\n",
    );
    assert_eq!(s.new_text, "The yearly one.");
    assert!(s.quoted.unwrap().contains("> Which plan?"));
}

#[test]
fn nothing_marked_means_everything_is_new() {
    for text in [
        "Hello,\nmy order 1234 did not arrive.\nI wrote: twice already.\n",
        "From: my point of view this is wrong.\nThanks",
        "Subject: invoice 12\nplease resend",
    ] {
        let s = split(text);
        assert_eq!(s.new_text, text.trim_end(), "{text:?}");
        assert_eq!(s.quoted, None, "{text:?}");
        assert_eq!(s.signature, None, "{text:?}");
    }
}

#[test]
fn only_a_quote_leaves_no_new_text() {
    let s = split("On Mon, Jan 8, 2024 at 10:12 AM Help <h@x.com> wrote:\n> hi\n");
    assert_eq!(s.new_text, "");
    assert!(s.quoted.is_some());
}

#[test]
fn crlf_text() {
    let s = split("Fine.\r\n\r\nOn Mon, Jan 8, 2024 at 10:12 AM Help <h@x.com> wrote:\r\n> x\r\n");
    assert_eq!(s.new_text, "Fine.");
}
