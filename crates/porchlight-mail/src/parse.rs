//! Raw mail bytes to a [`ParsedMail`]: what a ticket needs, decoded from whatever charset and
//! transfer encoding the sender used. A mail that is partly unreadable still parses with what
//! could be read, and says what could not in [`ParsedMail::problems`].

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Address, Encoding, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use porchlight_domain::bidi::clean_file_name;
use porchlight_domain::mutation::{valid_email, MAX_BODY};
use porchlight_domain::sanitize::{html_to_text, sanitize_for_storage};
use serde::{Deserialize, Serialize};

use crate::headers::{self, truncate_at_char};

/// How much of a mail is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// The largest raw mail, in bytes (Postfix's default `message_size_limit` is 10 MB; big
    /// providers accept 25–50 MB).
    pub max_bytes: usize,
    /// The most MIME parts, counting those of attached messages.
    pub max_parts: usize,
    /// The longest body text kept, in bytes; longer text is cut with a problem noted.
    pub max_text_bytes: usize,
    /// The largest sanitised HTML kept, in bytes; larger HTML is dropped (the text stays).
    pub max_html_bytes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_bytes: 50 * 1024 * 1024,
            max_parts: 1000,
            // The domain refuses message bodies above these sizes.
            max_text_bytes: MAX_BODY,
            max_html_bytes: MAX_BODY * 4,
        }
    }
}

/// Why a mail could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the mail is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the mail has {parts} MIME parts, more than the limit of {limit}")]
    TooManyParts { parts: usize, limit: usize },
    #[error("the data is not an e-mail: no header could be read")]
    NotAMail,
}

/// A mailbox as written in a header; `email` is lower-case and passed the domain's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAddress {
    pub name: Option<String>,
    pub email: String,
}

impl MailAddress {
    pub fn new(name: Option<&str>, email: &str) -> MailAddress {
        MailAddress {
            name: name.map(str::to_string),
            email: email.to_string(),
        }
    }
}

/// What an attachment is, for the ticket view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// An ordinary file.
    File,
    /// An image the HTML shows through `cid:` (or any image marked inline).
    InlineImage,
    /// A forwarded or bounced message (`message/rfc822`), kept as an `.eml` file.
    Message,
    /// An invitation (`text/calendar`), kept as an `.ics` file.
    Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Cleaned by the domain's file-name cleaner; never empty.
    pub file_name: String,
    /// `type/subtype`, lower-case.
    pub content_type: String,
    /// The `Content-ID` without angle brackets, as `cid:` URLs name it.
    pub content_id: Option<String>,
    pub kind: AttachmentKind,
    /// Decoded content. Text parts (a `.txt`, an `.ics`) are given as UTF-8.
    #[serde(skip)]
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A MIME part whose structure or transfer encoding was broken; what could be read of it
    /// was kept as text.
    UnreadablePart,
    /// A charset nobody knows; the bytes were read as UTF-8 with replacement characters.
    UnknownCharset,
    /// No usable From address.
    MissingSender,
    /// An address that is not a valid e-mail address (left out of its list).
    InvalidAddress,
    /// A Date header that could not be read.
    InvalidDate,
    /// The text body was longer than the limit and was cut.
    TextTruncated,
    /// The HTML body was larger than the limit and was dropped; the text stays.
    HtmlDropped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// What was being read, in words (`Content-Type`, a file name, a header).
    pub detail: String,
}

/// A mail as Porchlight uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMail {
    pub from: Option<MailAddress>,
    pub to: Vec<MailAddress>,
    pub cc: Vec<MailAddress>,
    pub reply_to: Vec<MailAddress>,
    /// Decoded; empty when absent.
    pub subject: String,
    /// Normalised (see [`crate::thread::normalize_message_id`]).
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// Milliseconds since the Unix epoch.
    pub date_ms: Option<i64>,
    /// The plain text; from the HTML when the mail has only HTML.
    pub text: String,
    /// Sanitised with the domain's sanitiser.
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// `type/subtype` of the whole mail, lower-case (`multipart/report` for a bounce).
    pub content_type: String,
    /// Top-level headers in order, values unfolded but not decoded; for classification.
    pub headers: Vec<(String, String)>,
    pub problems: Vec<Problem>,
}

impl ParsedMail {
    /// The first value of a top-level header (case-insensitive name), unfolded.
    pub fn header(&self, name: &str) -> Option<&str> {
        headers::find(&self.headers, name)
    }

    /// The address a reply goes to: Reply-To when given, else From.
    pub fn reply_address(&self) -> Option<&MailAddress> {
        self.reply_to.first().or(self.from.as_ref())
    }
}

/// Parses a raw mail (RFC 5322 with MIME).
pub fn parse(raw: &[u8], limits: &ParseLimits) -> Result<ParsedMail, ParseError> {
    if raw.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: raw.len(),
            limit: limits.max_bytes,
        });
    }
    let converted = headers_in_declared_charset(raw);
    let raw: &[u8] = converted.as_deref().unwrap_or(raw);
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NotAMail)?;
    let parts = count_parts(&message);
    if parts > limits.max_parts {
        return Err(ParseError::TooManyParts {
            parts,
            limit: limits.max_parts,
        });
    }
    // Text without one well-formed header line is not a mail (mail-parser reads any text).
    let well_formed =
        |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    if !message.parts[0]
        .headers
        .iter()
        .any(|h| well_formed(h.name.as_str()))
    {
        return Err(ParseError::NotAMail);
    }

    let mut problems = Vec::new();
    let root = &message.parts[0];
    let raw_headers = header_list(raw, root);

    let from = addresses(message.from(), "From", &mut problems)
        .into_iter()
        .next();
    if from.is_none() {
        problems.push(Problem {
            kind: ProblemKind::MissingSender,
            detail: format!(
                "From: {}",
                headers::find(&raw_headers, "From").unwrap_or("(absent)")
            ),
        });
    }
    let to = addresses(message.to(), "To", &mut problems);
    let cc = addresses(message.cc(), "Cc", &mut problems);
    let reply_to = addresses(message.reply_to(), "Reply-To", &mut problems);

    let subject = message
        .subject()
        .map(|s| s.replace(['\r', '\n'], " ").trim().to_string())
        .unwrap_or_default();
    let message_id = headers::find(&raw_headers, "Message-ID")
        .and_then(|v| headers::parse_message_ids(v).into_iter().next());
    let in_reply_to = headers::find(&raw_headers, "In-Reply-To")
        .map(headers::parse_message_ids)
        .unwrap_or_default();
    let references = headers::find(&raw_headers, "References")
        .map(headers::parse_message_ids)
        .unwrap_or_default();

    let date_ms = match (message.date(), headers::find(&raw_headers, "Date")) {
        (Some(d), _) if d.is_valid() => Some(d.to_timestamp() * 1000),
        (_, Some(written)) => {
            problems.push(Problem {
                kind: ProblemKind::InvalidDate,
                detail: format!("Date: {written}"),
            });
            None
        }
        (_, None) => None,
    };

    check_parts(&message, &mut problems);

    let attachments: Vec<Attachment> = message
        .attachments
        .iter()
        .filter_map(|&i| message.part(i))
        .filter_map(|p| attachment(raw, p))
        .collect();

    let mut html_parts: Vec<String> = Vec::new();
    for part in message.html_body.iter().filter_map(|&i| message.part(i)) {
        if let PartType::Html(h) = &part.body {
            let h = inline_cid_images(h, &attachments, limits.max_html_bytes);
            html_parts.push(sanitize_for_storage(&h));
        }
    }
    let mut html = (!html_parts.is_empty()).then(|| html_parts.join("\n"));
    if html
        .as_ref()
        .is_some_and(|h| h.len() > limits.max_html_bytes)
    {
        problems.push(Problem {
            kind: ProblemKind::HtmlDropped,
            detail: format!(
                "{} bytes of HTML, more than {}",
                html.as_ref().map_or(0, String::len),
                limits.max_html_bytes
            ),
        });
        html = None;
    }

    let mut texts: Vec<String> = Vec::new();
    for part in message.text_body.iter().filter_map(|&i| message.part(i)) {
        match &part.body {
            PartType::Text(t) => texts.push(t.replace("\r\n", "\n")),
            PartType::Html(h) => texts.push(html_to_text(&sanitize_for_storage(h))),
            _ => {}
        }
    }
    let mut text = texts.join("\n").trim_matches('\n').to_string();
    if text.trim().is_empty() {
        if let Some(h) = &html {
            text = html_to_text(h);
        }
    }
    if text.len() > limits.max_text_bytes {
        problems.push(Problem {
            kind: ProblemKind::TextTruncated,
            detail: format!(
                "{} bytes of text, cut to {}",
                text.len(),
                limits.max_text_bytes
            ),
        });
        text = truncate_at_char(&text, limits.max_text_bytes).to_string();
    }

    let content_type = root
        .content_type()
        .map(mime_of)
        .unwrap_or_else(|| "text/plain".to_string());

    Ok(ParsedMail {
        from,
        to,
        cc,
        reply_to,
        subject,
        message_id,
        in_reply_to,
        references,
        date_ms,
        text,
        html,
        attachments,
        content_type,
        headers: raw_headers,
        problems,
    })
}

/// Raster images the HTML shows through `cid:` as `data:` URLs: the sanitiser keeps those and
/// drops `cid:` sources, and the app's content policy allows `data:` images. Only while the
/// HTML stays within `budget` bytes; an image left out shows as its attachment.
fn inline_cid_images<'h>(html: &'h str, attachments: &[Attachment], budget: usize) -> Cow<'h, str> {
    use base64::Engine as _;
    const RASTER: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
    if !html.contains("cid:") && !html.contains("CID:") {
        return Cow::Borrowed(html);
    }
    let mut out = html.to_string();
    for a in attachments {
        let Some(cid) = &a.content_id else { continue };
        if !RASTER.contains(&a.content_type.as_str()) {
            continue;
        }
        let url = format!(
            "data:{};base64,{}",
            a.content_type,
            base64::engine::general_purpose::STANDARD.encode(&a.data)
        );
        for quote in ['"', '\'', ' ', '>'] {
            for scheme in ["cid:", "CID:", "Cid:"] {
                let needle = format!(
                    "={}{scheme}{cid}{quote}",
                    if quote == '"' || quote == '\'' {
                        quote.to_string()
                    } else {
                        String::new()
                    }
                );
                if !out.contains(&needle) {
                    continue;
                }
                let with = needle.replacen(&format!("{scheme}{cid}"), &url, 1);
                let grown = out.len() + (with.len() - needle.len()) * out.matches(&needle).count();
                if grown <= budget {
                    out = out.replace(&needle, &with);
                }
            }
        }
    }
    Cow::Owned(out)
}

/// Headers written in raw 8-bit text of a legacy charset (some webmail systems and old
/// clients write `Subject: 提示` in GB2312 instead of an encoded word) read as that charset:
/// when the header block is not UTF-8, it is decoded with the first charset the mail declares,
/// as mail clients do. Returns the mail with its header block in UTF-8, or `None` when nothing
/// needs changing.
fn headers_in_declared_charset(raw: &[u8]) -> Option<Vec<u8>> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let block = &raw[..end];
    if std::str::from_utf8(block).is_ok() {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let name: Vec<u8> = raw[at..]
        .iter()
        .copied()
        .skip_while(|&b| b == b'"' || b == b'\'')
        .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        .collect();
    if name.eq_ignore_ascii_case(b"utf-8") || name.eq_ignore_ascii_case(b"utf8") {
        return None;
    }
    let decode = charset_decoder(&name)?;
    let mut out = decode(block).into_bytes();
    out.extend_from_slice(&raw[end..]);
    Some(out)
}

fn count_parts(message: &Message<'_>) -> usize {
    message
        .parts
        .iter()
        .map(|p| match &p.body {
            PartType::Message(m) => 1 + count_parts(m),
            _ => 1,
        })
        .sum()
}

fn mime_of(ct: &mail_parser::ContentType<'_>) -> String {
    match ct.subtype() {
        Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
        None => ct.ctype().to_ascii_lowercase(),
    }
}

fn part_label(part: &MessagePart<'_>) -> String {
    let ct = part
        .content_type()
        .map(mime_of)
        .unwrap_or_else(|| "text/plain".into());
    match part.attachment_name() {
        Some(n) => format!("{ct} \"{}\"", clean_file_name(n)),
        None => ct,
    }
}

/// Notes broken parts and unknown charsets (mail-parser reads both as best it can).
fn check_parts(message: &Message<'_>, problems: &mut Vec<Problem>) {
    for part in &message.parts {
        if part.is_encoding_problem {
            problems.push(Problem {
                kind: ProblemKind::UnreadablePart,
                detail: part_label(part),
            });
        }
        if matches!(part.body, PartType::Text(_) | PartType::Html(_)) {
            if let Some(cs) = part.content_type().and_then(|ct| ct.attribute("charset")) {
                let known = charset_decoder(cs.as_bytes()).is_some()
                    || matches!(
                        cs.to_ascii_lowercase().as_str(),
                        "utf-8" | "utf8" | "us-ascii" | "ascii"
                    );
                if !known {
                    problems.push(Problem {
                        kind: ProblemKind::UnknownCharset,
                        detail: format!("charset \"{cs}\" in {}", part_label(part)),
                    });
                }
            }
        }
        if let PartType::Message(nested) = &part.body {
            check_parts(nested, problems);
        }
    }
}

fn addresses(
    value: Option<&Address<'_>>,
    header: &str,
    problems: &mut Vec<Problem>,
) -> Vec<MailAddress> {
    let Some(value) = value else {
        return Vec::new();
    };
    let list: Vec<&mail_parser::Addr<'_>> = match value {
        Address::List(l) => l.iter().collect(),
        Address::Group(groups) => groups.iter().flat_map(|g| g.addresses.iter()).collect(),
    };
    let mut out = Vec::new();
    for a in list {
        let name = a
            .name
            .as_deref()
            .map(|n| n.replace(['\r', '\n'], " ").trim().to_string())
            .filter(|n| !n.is_empty());
        match a.address.as_deref().map(valid_email) {
            Some(Ok(email)) => {
                // A name that only repeats the address says nothing.
                let name = name.filter(|n| !n.eq_ignore_ascii_case(&email));
                out.push(MailAddress { name, email });
            }
            Some(Err(_)) | None => problems.push(Problem {
                kind: ProblemKind::InvalidAddress,
                detail: format!(
                    "{header}: {}",
                    a.address
                        .as_deref()
                        .or(name.as_deref())
                        .unwrap_or("(empty)")
                ),
            }),
        }
    }
    out
}

fn attachment(raw: &[u8], part: &MessagePart<'_>) -> Option<Attachment> {
    let content_type = part
        .content_type()
        .map(mime_of)
        .unwrap_or_else(|| "application/octet-stream".into());
    let content_id = part
        .content_id()
        .map(|c| {
            c.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .filter(|c| !c.is_empty());
    let (data, kind): (Cow<'_, [u8]>, AttachmentKind) = match &part.body {
        PartType::Multipart(_) => return None,
        PartType::Message(nested) => {
            // An unencoded attached message is a slice of the outer mail; mail-parser keeps
            // the whole outer mail as its raw bytes, so cut it out by offsets.
            let bytes = if part.encoding == Encoding::None {
                raw.get(part.offset_body as usize..part.offset_end as usize)
                    .map(Cow::Borrowed)
                    .unwrap_or_else(|| Cow::Borrowed(nested.raw_message()))
            } else {
                Cow::Borrowed(nested.raw_message())
            };
            (bytes, AttachmentKind::Message)
        }
        PartType::Text(t) | PartType::Html(t) => (
            Cow::Borrowed(t.as_bytes()),
            if content_type == "text/calendar" {
                AttachmentKind::Calendar
            } else {
                AttachmentKind::File
            },
        ),
        PartType::Binary(b) | PartType::InlineBinary(b) => {
            let inline_image = content_type.starts_with("image/")
                && (content_id.is_some() || matches!(part.body, PartType::InlineBinary(_)));
            let kind = if inline_image {
                AttachmentKind::InlineImage
            } else if content_type == "text/calendar" || content_type == "application/ics" {
                AttachmentKind::Calendar
            } else {
                AttachmentKind::File
            };
            (Cow::Borrowed(b.as_ref()), kind)
        }
    };
    let written = part.attachment_name().map(clean_file_name);
    let file_name = match written.filter(|n| !n.is_empty()) {
        Some(n) => n,
        None => default_name(part, &content_type, kind),
    };
    Some(Attachment {
        file_name,
        content_type,
        content_id,
        kind,
        data: data.into_owned(),
    })
}

/// A name for a part that has none: a forwarded message is named after its subject.
fn default_name(part: &MessagePart<'_>, content_type: &str, kind: AttachmentKind) -> String {
    if let PartType::Message(nested) = &part.body {
        let subject = nested
            .subject()
            .map(|s| clean_file_name(&s.replace(['\r', '\n'], " ")))
            .unwrap_or_default();
        let stem: String = subject.chars().take(80).collect();
        let stem = if stem.trim().is_empty() {
            "message".to_string()
        } else {
            stem.trim().to_string()
        };
        return format!("{stem}.eml");
    }
    let ext = match (kind, content_type) {
        (AttachmentKind::Calendar, _) => "ics",
        (_, t) if t.starts_with("message/") => "txt",
        (_, "text/rfc822-headers") => "txt",
        (_, "image/png") => "png",
        (_, "image/jpeg" | "image/jpg" | "image/pjpeg") => "jpg",
        (_, "image/gif") => "gif",
        (_, "image/webp") => "webp",
        (_, "application/pdf") => "pdf",
        (_, "application/ms-tnef" | "application/vnd.ms-tnef") => return "winmail.dat".into(),
        (_, t) if t.starts_with("text/") => "txt",
        _ => "bin",
    };
    let stem = match kind {
        AttachmentKind::Calendar => "invite",
        AttachmentKind::InlineImage => "image",
        _ if content_type.starts_with("message/") || content_type == "text/rfc822-headers" => {
            "details"
        }
        _ => "attachment",
    };
    format!("{stem}.{ext}")
}

/// Top-level headers of a raw mail (or of an attached one) as (name, unfolded raw value).
pub(crate) fn header_list(raw: &[u8], part: &MessagePart<'_>) -> Vec<(String, String)> {
    part.headers
        .iter()
        .map(|h| {
            let value = raw
                .get(h.offset_start as usize..h.offset_end as usize)
                .unwrap_or_default();
            (
                h.name.as_str().to_string(),
                headers::unfold(&String::from_utf8_lossy(value)),
            )
        })
        .collect()
}

/// The headers of an attached message or a `text/rfc822-headers` part.
pub(crate) fn headers_of(data: &[u8]) -> Vec<(String, String)> {
    match MessageParser::default().parse_headers(data) {
        Some(m) => header_list(data, &m.parts[0]),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
