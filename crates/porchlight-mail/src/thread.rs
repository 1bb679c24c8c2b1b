//! The keys a mail threads by. Replies to Porchlight's own mail carry its Message-ID in
//! In-Reply-To/References, which threads exactly; the subject tag (`[#1234]`) is the second
//! key, for clients that drop those headers. Subject text alone never threads: two customers
//! writing "Invoice" are two tickets.

use serde::{Deserialize, Serialize};

use crate::parse::ParsedMail;

pub use crate::headers::parse_message_ids;
pub use porchlight_domain::mail::{normalize_message_id, porchlight_message};

/// The subject tag that names a ticket: `[` prefix number `]`. The default prefix is `#`,
/// giving `[#1234]`; a team may choose another (`ACME-` gives `[ACME-1234]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectTag {
    prefix: String,
}

impl Default for SubjectTag {
    fn default() -> Self {
        SubjectTag { prefix: "#".into() }
    }
}

/// Why a subject-tag prefix cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a subject tag prefix is 1 to 16 letters, digits, '#', '-' or '_' (got '{0}')")]
pub struct InvalidTagPrefix(pub String);

impl SubjectTag {
    /// A tag with this prefix. Brackets, spaces and digits at the end would make tags
    /// ambiguous, so the prefix is restricted.
    pub fn new(prefix: &str) -> Result<SubjectTag, InvalidTagPrefix> {
        let ok = !prefix.is_empty()
            && prefix.chars().count() <= 16
            && prefix
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '#' | '-' | '_'))
            && !prefix.ends_with(|c: char| c.is_ascii_digit());
        if ok {
            Ok(SubjectTag {
                prefix: prefix.to_string(),
            })
        } else {
            Err(InvalidTagPrefix(prefix.to_string()))
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `[#1234]`.
    pub fn format(&self, number: i64) -> String {
        format!("[{}{number}]", self.prefix)
    }

    /// The ticket number of the first tag in `subject`, if any. The prefix is matched
    /// without regard to case (`[acme-12]` is `[ACME-12]`).
    pub fn find(&self, subject: &str) -> Option<i64> {
        let lower = subject.to_lowercase();
        let needle = format!("[{}", self.prefix.to_lowercase());
        let mut from = 0;
        while let Some(pos) = lower[from..].find(&needle) {
            let start = from + pos + needle.len();
            let digits: String = lower[start..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if !digits.is_empty() && lower[start + digits.len()..].starts_with(']') {
                if let Ok(n) = digits.parse::<i64>() {
                    if n > 0 {
                        return Some(n);
                    }
                }
            }
            from = start;
        }
        None
    }

    /// `subject` with the ticket's tag appended (once: a subject that already carries this
    /// ticket's tag is returned as it is).
    pub fn apply(&self, subject: &str, number: i64) -> String {
        if self.find(subject) == Some(number) {
            return subject.to_string();
        }
        let subject = subject.trim();
        if subject.is_empty() {
            self.format(number)
        } else {
            format!("{subject} {}", self.format(number))
        }
    }
}

/// The keys a mail can be threaded by, strongest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ThreadKeys {
    /// Message-IDs this mail answers: In-Reply-To first, then References from the newest
    /// (last) to the oldest. A lookup takes the first one known.
    pub message_ids: Vec<String>,
    /// Porchlight message ids named by Porchlight-made Message-IDs among those above.
    pub porchlight_messages: Vec<String>,
    /// The ticket number of a subject tag.
    pub ticket_number: Option<i64>,
}

impl ThreadKeys {
    /// Whether nothing ties this mail to an earlier conversation (it starts a ticket).
    pub fn is_empty(&self) -> bool {
        self.message_ids.is_empty() && self.ticket_number.is_none()
    }
}

/// The keys of `mail`; `domain` is the one Porchlight's own Message-IDs use.
pub fn thread_keys(mail: &ParsedMail, tag: &SubjectTag, domain: &str) -> ThreadKeys {
    let mut ids: Vec<String> = Vec::new();
    for id in mail.in_reply_to.iter().chain(mail.references.iter().rev()) {
        if !ids.contains(id) && Some(id) != mail.message_id.as_ref() {
            ids.push(id.clone());
        }
    }
    let porchlight_messages = ids
        .iter()
        .filter_map(|id| porchlight_message(id, domain))
        .collect();
    ThreadKeys {
        message_ids: ids,
        porchlight_messages,
        ticket_number: tag.find(&mail.subject),
    }
}

/// Porchlight's Message-ID for one of its outgoing messages, with brackets (see
/// [`porchlight_domain::mail::outgoing_mail_id`], which the engine stores).
pub fn outgoing_message_id(message_id: &str, domain: &str) -> String {
    format!(
        "<{}>",
        porchlight_domain::mail::outgoing_mail_id(message_id, domain)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, ParseLimits};

    #[test]
    fn message_ids_are_normalised() {
        assert_eq!(
            normalize_message_id(" <CAF=x+Y@Mail.Gmail.COM> ").as_deref(),
            Some("CAF=x+Y@mail.gmail.com")
        );
        assert_eq!(normalize_message_id("<>"), None);
        assert_eq!(normalize_message_id("   "), None);
        assert_eq!(normalize_message_id("a<b@c"), None);
    }

    #[test]
    fn message_id_lists_in_every_written_form() {
        assert_eq!(
            parse_message_ids("<a@x.com> <b@Y.com>\t<a@x.com>"),
            vec!["a@x.com", "b@y.com"]
        );
        assert_eq!(
            parse_message_ids("<a@x.com>,<b@y.com>"),
            vec!["a@x.com", "b@y.com"]
        );
        assert_eq!(
            parse_message_ids("a@x.com (sent by Outlook) b@y.com"),
            vec!["a@x.com", "b@y.com"]
        );
        assert_eq!(
            parse_message_ids("Your message of Mon, 1 Jan <a@x.com>"),
            vec!["a@x.com"]
        );
        assert!(parse_message_ids("no ids here").is_empty());
        assert!(parse_message_ids("<unterminated@x").is_empty());
    }

    #[test]
    fn subject_tags_with_default_and_custom_prefix() {
        let t = SubjectTag::default();
        assert_eq!(t.format(1234), "[#1234]");
        assert_eq!(t.find("Re: Invoice [#1234]"), Some(1234));
        assert_eq!(t.find("[#12] and [#34]"), Some(12));
        assert_eq!(t.find("Re: Invoice #1234"), None);
        assert_eq!(t.find("[#] [#x] [#0] [#12a]"), None);
        assert_eq!(t.find("[#[#77]"), Some(77));
        assert_eq!(t.apply("Invoice", 7), "Invoice [#7]");
        assert_eq!(t.apply("Re: Invoice [#7]", 7), "Re: Invoice [#7]");
        assert_eq!(t.apply("  ", 7), "[#7]");
        assert_eq!(
            t.apply("Re: Invoice [#6]", 7),
            "Re: Invoice [#6] [#7]",
            "another ticket's tag is not this ticket's"
        );

        let acme = SubjectTag::new("ACME-").unwrap();
        assert_eq!(acme.format(5), "[ACME-5]");
        assert_eq!(acme.find("Ynt: Fatura [acme-5]"), Some(5));
        assert_eq!(acme.find("Re: [#5]"), None);
        let fa = SubjectTag::new("تیکت-").unwrap();
        assert_eq!(fa.find("پاسخ: [تیکت-42] فاکتور"), Some(42));

        for bad in ["", "A]", "a b", "T1", "[x", "abcdefghijklmnopq"] {
            assert!(SubjectTag::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn own_message_ids_round_trip() {
        let id = outgoing_message_id("0190f1c2-7a3b-7c00-8000-1234567890ab", "Help.Example.COM");
        assert_eq!(
            id,
            "<porchlight.0190f1c2-7a3b-7c00-8000-1234567890ab@help.example.com>"
        );
        assert_eq!(
            porchlight_message(&id, "help.example.com").as_deref(),
            Some("0190f1c2-7a3b-7c00-8000-1234567890ab")
        );
        assert_eq!(porchlight_message(&id, "other.example.com"), None);
        assert_eq!(
            porchlight_message("<abc@help.example.com>", "help.example.com"),
            None
        );
        // Hostile input cannot smuggle brackets or spaces into the header.
        let odd = outgoing_message_id("a>b <c", " ");
        assert_eq!(odd, "<porchlight.abc@porchlight.invalid>");
    }

    #[test]
    fn keys_of_a_reply() {
        let raw = b"From: a@x.com\r\nSubject: Re: Order [#88]\r\nMessage-ID: <self@x.com>\r\n\
In-Reply-To: <porchlight.m2@help.example.com>\r\n\
References: <orig@x.com>\r\n <porchlight.m1@help.example.com>\r\n <porchlight.m2@HELP.example.com> <self@x.com>\r\n\r\nok\r\n";
        let m = parse(raw, &ParseLimits::default()).unwrap();
        let k = thread_keys(&m, &SubjectTag::default(), "help.example.com");
        assert_eq!(
            k.message_ids,
            vec![
                "porchlight.m2@help.example.com",
                "porchlight.m1@help.example.com",
                "orig@x.com"
            ]
        );
        assert_eq!(k.porchlight_messages, vec!["m2", "m1"]);
        assert_eq!(k.ticket_number, Some(88));
        assert!(!k.is_empty());
    }

    #[test]
    fn subject_text_alone_never_threads() {
        let raw = b"From: a@x.com\r\nSubject: Re: Order\r\n\r\nok\r\n";
        let m = parse(raw, &ParseLimits::default()).unwrap();
        let k = thread_keys(&m, &SubjectTag::default(), "help.example.com");
        assert!(k.is_empty());
    }
}
