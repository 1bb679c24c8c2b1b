//! An outgoing reply as a complete MIME message (lettre): text and HTML alternatives, inline
//! images, attachments, Porchlight's Message-ID, the threading headers the customer's client
//! needs to put the reply under their mail, the ticket's subject tag, and
//! `Auto-Submitted: auto-replied` on automatic mail so other robots do not answer it.

use std::time::SystemTime;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::parse::MailAddress;
use crate::thread::{normalize_message_id, SubjectTag};

/// A file sent with a reply. With a `content_id` it is an inline image the HTML shows as
/// `cid:<content_id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    pub file_name: String,
    pub content_type: String,
    pub content_id: Option<String>,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingReply {
    pub from: MailAddress,
    pub to: Vec<MailAddress>,
    pub cc: Vec<MailAddress>,
    pub reply_to: Option<MailAddress>,
    /// The subject as the agent sees it; the ticket's tag is added when missing.
    pub subject: String,
    pub ticket_number: Option<i64>,
    /// From [`crate::thread::outgoing_message_id`].
    pub message_id: String,
    /// The customer's mail this answers (normalised or bracketed).
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first; see [`reply_references`].
    pub references: Vec<String>,
    pub text: String,
    /// HTML the agent wrote (already Porchlight's own, sanitised markup).
    pub html: Option<String>,
    pub attachments: Vec<OutgoingAttachment>,
    /// Sent by a rule or an acknowledgement rather than by an agent.
    pub automatic: bool,
    /// The Date header; now when `None`.
    pub date: Option<SystemTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("'{0}' is not a valid e-mail address")]
    InvalidAddress(String),
    #[error("a reply needs at least one recipient")]
    NoRecipient,
    #[error("'{0}' is not a valid Message-ID")]
    InvalidMessageId(String),
    #[error("'{content_type}' is not a valid content type (attachment '{file_name}')")]
    InvalidContentType {
        file_name: String,
        content_type: String,
    },
    #[error("the message could not be assembled: {0}")]
    Assemble(String),
}

/// At most this many Message-IDs go into References: the first (the thread's root) and the
/// latest ones, as RFC 5322 suggests trimming, so a long thread keeps a short header.
pub const MAX_REFERENCES: usize = 20;

/// The References of a reply to a mail with `parent_references` and `parent_id`: the
/// parent's list followed by the parent, trimmed to [`MAX_REFERENCES`] keeping the root.
pub fn reply_references(parent_references: &[String], parent_id: Option<&str>) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for id in parent_references
        .iter()
        .map(String::as_str)
        .chain(parent_id)
        .filter_map(normalize_message_id)
    {
        if !all.contains(&id) {
            all.push(id);
        }
    }
    if all.len() > MAX_REFERENCES {
        let root = all[0].clone();
        let tail = all.split_off(all.len() - (MAX_REFERENCES - 1));
        all = std::iter::once(root).chain(tail).collect();
    }
    all
}

/// "Re: " before a subject that is not already a reply (in the prefixes clients of the four
/// languages write: Re, Ynt, Odp, پاسخ, and the common AW, RE:, Fwd stays a forward).
pub fn reply_subject(subject: &str) -> String {
    let s = subject.trim();
    let lower = s.to_lowercase();
    const REPLY: &[&str] = &["re:", "ynt:", "odp:", "aw:", "sv:", "پاسخ:", "re :", "رد:"];
    if REPLY.iter().any(|p| lower.starts_with(p)) {
        s.to_string()
    } else if s.is_empty() {
        "Re:".to_string()
    } else {
        format!("Re: {s}")
    }
}

fn mailbox(a: &MailAddress) -> Result<Mailbox, BuildError> {
    let address = a
        .email
        .parse()
        .map_err(|_| BuildError::InvalidAddress(a.email.clone()))?;
    let name = a
        .name
        .as_deref()
        .map(|n| n.replace(['\r', '\n'], " ").trim().to_string())
        .filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

fn bracketed(id: &str) -> Result<String, BuildError> {
    let n = normalize_message_id(id)
        .filter(|n| n.contains('@') && n.is_ascii())
        .ok_or_else(|| BuildError::InvalidMessageId(id.to_string()))?;
    Ok(format!("<{n}>"))
}

fn header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}

/// Builds the reply (see the module documentation).
pub fn build_reply(reply: &OutgoingReply, tag: &SubjectTag) -> Result<Message, BuildError> {
    if reply.to.is_empty() {
        return Err(BuildError::NoRecipient);
    }
    let subject = match reply.ticket_number {
        Some(n) => tag.apply(&reply.subject, n),
        None => reply.subject.trim().to_string(),
    };
    let mut b = Message::builder()
        .from(mailbox(&reply.from)?)
        .subject(subject)
        .message_id(Some(bracketed(&reply.message_id)?))
        .date(reply.date.unwrap_or_else(SystemTime::now));
    for a in &reply.to {
        b = b.to(mailbox(a)?);
    }
    for a in &reply.cc {
        b = b.cc(mailbox(a)?);
    }
    if let Some(r) = &reply.reply_to {
        b = b.reply_to(mailbox(r)?);
    }
    if let Some(id) = &reply.in_reply_to {
        b = b.in_reply_to(bracketed(id)?);
    }
    if !reply.references.is_empty() {
        let refs = reply
            .references
            .iter()
            .map(|r| bracketed(r))
            .collect::<Result<Vec<_>, _>>()?;
        b = b.references(refs.join(" "));
    }
    if reply.automatic {
        b = b
            .raw_header(header("Auto-Submitted", "auto-replied"))
            // Exchange and Outlook send no out-of-office answer to mail marked so.
            .raw_header(header("X-Auto-Response-Suppress", "All"));
    }

    let mut inline = Vec::new();
    let mut files = Vec::new();
    for a in &reply.attachments {
        let ct =
            ContentType::parse(&a.content_type).map_err(|_| BuildError::InvalidContentType {
                file_name: a.file_name.clone(),
                content_type: a.content_type.clone(),
            })?;
        let name = porchlight_domain::bidi::clean_file_name(&a.file_name);
        let name = if name.is_empty() {
            "attachment".into()
        } else {
            name
        };
        match (&a.content_id, &reply.html) {
            (Some(cid), Some(_)) => {
                let cid: String = cid
                    .chars()
                    .filter(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>'))
                    .collect();
                inline.push(Attachment::new_inline_with_name(cid, name).body(a.data.clone(), ct));
            }
            _ => files.push(Attachment::new(name).body(a.data.clone(), ct)),
        }
    }

    let text = SinglePart::plain(reply.text.clone());
    let body: Option<MultiPart> = match &reply.html {
        Some(html) => {
            let html_part = SinglePart::html(html.clone());
            let html_side = if inline.is_empty() {
                None
            } else {
                let mut related = MultiPart::related().singlepart(html_part.clone());
                for p in inline {
                    related = related.singlepart(p);
                }
                Some(related)
            };
            let alt = MultiPart::alternative().singlepart(text.clone());
            Some(match html_side {
                Some(related) => alt.multipart(related),
                None => alt.singlepart(html_part),
            })
        }
        None => None,
    };

    let message = if files.is_empty() {
        match body {
            Some(mp) => b.multipart(mp),
            None => b.singlepart(text),
        }
    } else {
        let mut mixed = match body {
            Some(mp) => MultiPart::mixed().multipart(mp),
            None => MultiPart::mixed().singlepart(text),
        };
        for f in files {
            mixed = mixed.singlepart(f);
        }
        b.multipart(mixed)
    };
    message.map_err(|e| BuildError::Assemble(e.to_string()))
}

#[cfg(test)]
mod tests;
