//! A raw mail as the helpdesk takes it in: parsed, classified, its threading keys and
//! language found, its quoted history marked — everything the engine's `ReceiveMail` needs
//! except the ids of its files, which the storage gives when it keeps them. The desktop
//! (standalone) and the server (team) both call [`read`], so a mail becomes the same ticket
//! wherever it is fetched.

use porchlight_domain::mail::{InboundMail, Mailbox};
use sha2::{Digest, Sha256};

use crate::classify::classify;
use crate::parse::{parse, Attachment, ParseLimits, ProblemKind};
use crate::quote::split_reply;
use crate::thread::{thread_keys, SubjectTag};

/// What a fetched mail is.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// A customer's (or anyone's) mail: a ticket or a reply. `mail.attachment_ids` is empty:
    /// the storage keeps `files` and fills it in.
    Mail {
        mail: Box<InboundMail>,
        files: Vec<Attachment>,
    },
    /// A delivery failure report: never a ticket; it marks the message it names as failed.
    Bounce {
        /// Porchlight's Message-ID (normalised) of the mail that could not be delivered.
        mail_id: Option<String>,
        reason: String,
    },
    /// Nothing the helpdesk can take in (no sender at all, or not a mail); kept raw.
    Unusable { reason: String },
}

/// The hex SHA-256 of the raw bytes: how a mail is known before it is parsed, and its id when
/// it has no Message-ID.
pub fn raw_hash(raw: &[u8]) -> String {
    hex::encode(Sha256::digest(raw))
}

/// Reads a raw mail fetched from `mailbox` (see the module documentation). Never panics:
/// one malformed mail must not stop the fetch loop.
pub fn read(raw: &[u8], mailbox: &Mailbox, limits: &ParseLimits) -> Inbound {
    match std::panic::catch_unwind(|| read_mail(raw, mailbox, limits)) {
        Ok(inbound) => inbound,
        Err(_) => Inbound::Unusable {
            reason: "The mail could not be read at all; Show original has it.".into(),
        },
    }
}

fn read_mail(raw: &[u8], mailbox: &Mailbox, limits: &ParseLimits) -> Inbound {
    let parsed = match parse(raw, limits) {
        Ok(p) => p,
        Err(e) => {
            return Inbound::Unusable {
                reason: e.to_string(),
            }
        }
    };
    let class = classify(&parsed);
    if let Some(b) = &class.bounce {
        let mut reason = String::new();
        if let Some(s) = &b.status {
            reason.push_str(s);
        }
        if let Some(d) = &b.diagnostic {
            if !reason.is_empty() {
                reason.push(' ');
            }
            reason.push_str(d);
        }
        if let Some(r) = &b.recipient {
            reason = format!(
                "{r}: {}",
                if reason.is_empty() {
                    "not delivered"
                } else {
                    &reason
                }
            );
        }
        return Inbound::Bounce {
            mail_id: b.original_message_id.clone(),
            reason: if reason.is_empty() {
                "The receiving mail server could not deliver it.".into()
            } else {
                reason
            },
        };
    }
    let Some(from) = parsed.reply_address().or(parsed.from.as_ref()).cloned() else {
        return Inbound::Unusable {
            reason: "The mail names no sender (no From or Reply-To address).".into(),
        };
    };
    let tag = SubjectTag::new(&mailbox.tag_prefix)
        .unwrap_or_else(|_| SubjectTag::new("#").expect("the default prefix is valid"));
    let keys = thread_keys(&parsed, &tag, mailbox.domain());
    let mail_id = parsed
        .message_id
        .clone()
        .unwrap_or_else(|| format!("sha256:{}", raw_hash(raw)));
    let split = split_reply(&parsed.text);
    let new_text = (split.quoted.is_some() || split.signature.is_some())
        .then(|| split.new_text.trim().to_string())
        .filter(|t| !t.is_empty());
    let language = detect_language(new_text.as_deref().unwrap_or(&parsed.text));
    let mut problems: Vec<String> = parsed
        .problems
        .iter()
        .map(|p| match p.kind {
            ProblemKind::UnreadablePart => format!("A part could not be read ({}).", p.detail),
            ProblemKind::UnknownCharset => {
                format!(
                    "Unknown character set ({}); some letters may be wrong.",
                    p.detail
                )
            }
            ProblemKind::MissingSender => "The From address was missing.".to_string(),
            ProblemKind::InvalidAddress => format!("An address was not valid: {}.", p.detail),
            ProblemKind::InvalidDate => format!("The date could not be read ({}).", p.detail),
            ProblemKind::TextTruncated => "The text was cut: it was too long.".to_string(),
            ProblemKind::HtmlDropped => {
                "The formatted (HTML) part was too large to show.".to_string()
            }
        })
        .collect();
    problems.dedup();
    let auth_warning = class.authentication.failed().then(|| {
        let mut parts = Vec::new();
        if let Some(r) = class.authentication.dmarc {
            parts.push(format!("dmarc={}", auth_word(r)));
        }
        if let Some(r) = class.authentication.spf {
            parts.push(format!("spf={}", auth_word(r)));
        }
        parts.join(" ")
    });
    let addresses = |list: &[crate::parse::MailAddress]| -> Vec<String> {
        list.iter().map(|a| a.email.to_ascii_lowercase()).collect()
    };
    let mail = InboundMail {
        mailbox_id: mailbox.id.clone(),
        mail_id,
        from: from.email.to_ascii_lowercase(),
        from_name: from.name.clone().unwrap_or_default(),
        to: addresses(&parsed.to),
        cc: addresses(&parsed.cc),
        subject: parsed.subject.clone(),
        references: keys.message_ids,
        tag_number: keys.ticket_number,
        body_text: parsed.text.clone(),
        body_html: parsed.html.clone(),
        attachment_ids: Vec::new(),
        raw_attachment_id: None,
        problems,
        auth_warning,
        automatic: class.is_automatic(),
        language,
        new_text,
    };
    Inbound::Mail {
        mail: Box::new(mail),
        files: parsed.attachments,
    }
}

fn auth_word(r: crate::classify::AuthResult) -> &'static str {
    use crate::classify::AuthResult::*;
    match r {
        Pass => "pass",
        Fail => "fail",
        SoftFail => "softfail",
        Neutral => "neutral",
        None => "none",
        TempError => "temperror",
        PermError => "permerror",
        Other => "other",
    }
}

/// The language of a text among those the helpdesk answers in (en, tr, pl, fa), or empty
/// when the detector is unsure. Choosing among four (rather than every language) lets a
/// two-line mail be recognised.
pub fn detect_language(text: &str) -> String {
    let sample: String = text.chars().take(2_000).collect();
    let detector = whatlang::Detector::with_allowlist(vec![
        whatlang::Lang::Eng,
        whatlang::Lang::Tur,
        whatlang::Lang::Pol,
        whatlang::Lang::Pes,
    ]);
    let Some(info) = detector.detect(&sample) else {
        return String::new();
    };
    if info.confidence() < 0.5 {
        return String::new();
    }
    match info.lang() {
        whatlang::Lang::Eng => "en",
        whatlang::Lang::Tur => "tr",
        whatlang::Lang::Pol => "pl",
        whatlang::Lang::Pes => "fa",
        _ => "",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> Mailbox {
        Mailbox::new(
            "mb1",
            "Support",
            "support@desk.example",
            "mail.desk.example",
        )
    }

    #[test]
    fn a_reply_is_read_with_its_keys_its_new_text_and_its_language() {
        let raw = "From: =?UTF-8?Q?Ay=C5=9Fe_Y=C4=B1lmaz?= <Ayse@Customer.example>\r\n\
To: support@desk.example\r\nCc: Boss <boss@customer.example>\r\n\
Subject: Re: Kargo gelmedi [#1042]\r\nMessage-ID: <r2@customer.example>\r\n\
In-Reply-To: <porchlight.m1@desk.example>\r\nReferences: <a1@customer.example> <porchlight.m1@desk.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\
Merhaba, siparişim hâlâ gelmedi. Lütfen kargonun nerede olduğunu kontrol eder misiniz? Teşekkürler.\r\n\r\n\
Destek ekibi şunu yazdı:\r\n> Siparişiniz yolda.\r\n";
        let Inbound::Mail { mail, files } =
            read(raw.as_bytes(), &mailbox(), &ParseLimits::default())
        else {
            panic!("not a mail")
        };
        assert!(files.is_empty());
        assert_eq!(mail.from, "ayse@customer.example");
        assert_eq!(mail.from_name, "Ayşe Yılmaz");
        assert_eq!(mail.cc, vec!["boss@customer.example".to_string()]);
        assert_eq!(mail.mail_id, "r2@customer.example");
        assert_eq!(
            mail.references,
            vec![
                "porchlight.m1@desk.example".to_string(),
                "a1@customer.example".to_string()
            ]
        );
        assert_eq!(mail.tag_number, Some(1042));
        assert_eq!(mail.language, "tr");
        let new = mail.new_text.expect("the quote is folded");
        assert!(
            new.starts_with("Merhaba") && !new.contains("yolda"),
            "{new}"
        );
        assert!(!mail.automatic);
    }

    #[test]
    fn a_mail_without_message_id_is_known_by_its_hash_and_one_without_sender_is_unusable() {
        let raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n";
        let Inbound::Mail { mail, .. } = read(raw, &mailbox(), &ParseLimits::default()) else {
            panic!("not a mail")
        };
        assert_eq!(mail.mail_id, format!("sha256:{}", raw_hash(raw)));
        let none = read(
            b"Subject: who?\r\n\r\nbody\r\n",
            &mailbox(),
            &ParseLimits::default(),
        );
        assert!(matches!(none, Inbound::Unusable { .. }), "{none:?}");
    }

    #[test]
    fn languages_are_only_claimed_when_sure() {
        assert_eq!(
            detect_language(
                "Dzień dobry, zamówienie nie dotarło do mnie. Proszę o sprawdzenie przesyłki."
            ),
            "pl"
        );
        assert_eq!(
            detect_language("سلام، سفارش من هنوز نرسیده است. لطفا بررسی کنید که کجاست."),
            "fa"
        );
        assert_eq!(
            detect_language("Merhaba, siparişim hâlâ gelmedi. Lütfen kontrol eder misiniz?"),
            "tr"
        );
        assert_eq!(
            detect_language("Hello, my order has not arrived yet. Could you check?"),
            "en"
        );
        assert_eq!(detect_language("ok"), "");
    }
}
