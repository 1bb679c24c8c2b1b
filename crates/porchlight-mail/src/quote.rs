//! Splits what a customer wrote from the history their client quoted below it and from their
//! signature, so a ticket shows the new words first. Clients mark a quote in their own way and
//! language: Gmail, Apple Mail and Thunderbird write an attribution line ("On … wrote:",
//! "… tarihinde … yazdı:", "… napisał(a):", "… نوشت:"), Outlook a header block ("From: …
//! Sent: …", "Kimden: … Gönderildi: …", "Od: … Wysłano: …", "از: … ارسال شده: …") often
//! after a line of underscores or "-----Original Message-----", and plain-text mail quotes
//! with ">". A signature follows "-- " (RFC 3676) or is a phone's "Sent from my …" line.
//!
//! When nothing marks a quote, everything is new text: losing words is worse than showing
//! a quote.

use porchlight_domain::bidi::strip_bidi_controls;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SplitReply {
    /// What the sender wrote now (may be empty when they only forwarded a quote).
    pub new_text: String,
    /// The quoted history, from its attribution or header block on.
    pub quoted: Option<String>,
    /// The sender's signature, without the `-- ` line.
    pub signature: Option<String>,
}

/// Splits a plain-text body (see the module documentation).
pub fn split_reply(text: &str) -> SplitReply {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();

    let (mut body_end, mut quoted) = match quote_start(&lines) {
        Some(q) => (q, Some(join(&lines[q..]))),
        None => (lines.len(), None),
    };

    if quoted.is_some() && answered_below(&lines, body_end) {
        // Bottom posting: the quote comes first and the answer below it.
        if lines[..body_end].iter().all(|l| l.trim().is_empty()) {
            if let Some((answer, quote)) = bottom_posted(&lines) {
                return with_signature(&answer, Some(quote));
            }
        }
        // Text before and after the quote (inline answers): nothing is hidden.
        return with_signature(&lines, None);
    }
    // `>` quoting with nothing but blank lines (or a signature) after it.
    if quoted.is_none() {
        if let Some(q) = trailing_angle_quote(&lines) {
            body_end = q;
            quoted = Some(join(&lines[q..]));
        }
    }
    let body: Vec<&str> = lines[..body_end].to_vec();
    with_signature(&body, quoted.filter(|q| !q.trim().is_empty()))
}

fn with_signature(body: &[&str], quoted: Option<String>) -> SplitReply {
    let (new, signature) = match signature_start(body) {
        Some((i, skip_marker)) => {
            let from = if skip_marker { i + 1 } else { i };
            (
                join(&body[..i]),
                Some(join(&body[from..])).filter(|s| !s.is_empty()),
            )
        }
        None => (join(body), None),
    };
    SplitReply {
        new_text: new,
        quoted,
        signature,
    }
}

/// Lines joined, blank lines at both ends dropped, trailing spaces of the last line kept off.
fn join(lines: &[&str]) -> String {
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].join("\n").trim_end().to_string(),
        _ => String::new(),
    }
}

/// A line as the patterns read it: without directional controls (Persian Gmail wraps its
/// attribution in them), markdown-ish bold stars, and surrounding space; lower-case (Turkish
/// `İ` lower-cases to `i` plus a combining dot, which is dropped).
fn plain(line: &str) -> String {
    strip_bidi_controls(line)
        .trim()
        .trim_matches('*')
        .trim()
        .to_lowercase()
        .replace('\u{307}', "")
}

/// The first line of the quoted history, if any.
fn quote_start(lines: &[&str]) -> Option<usize> {
    for i in 0..lines.len() {
        let l = plain(lines[i]);
        if l.is_empty() {
            continue;
        }
        if is_separator(&l) {
            return Some(i);
        }
        if is_rule(&l)
            && next_nonblank(lines, i + 1)
                .is_some_and(|j| header_field(&plain(lines[j])) == Some(Field::From))
        {
            return Some(i);
        }
        if header_field(&l) == Some(Field::From) && outlook_block(lines, i) {
            return Some(i);
        }
        // An attribution wrapped over up to three lines ("On Mon, 1 Jan 2024 at 10:00, Ann
        // <ann@example.com>\nwrote:").
        let mut joined = l.clone();
        for k in 0..3 {
            if k > 0 {
                match lines.get(i + k) {
                    Some(next) if !next.trim().is_empty() => {
                        joined.push(' ');
                        joined.push_str(&plain(next));
                    }
                    _ => break,
                }
            }
            if is_attribution(&joined) {
                // Gmail may put the attribution straight above a `>` quote; the quote then
                // starts at the attribution either way.
                return Some(i);
            }
        }
    }
    None
}

fn next_nonblank(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&j| !lines[j].trim().is_empty())
}

/// "-----Original Message-----" and its translations.
fn is_separator(l: &str) -> bool {
    if !(l.starts_with("---") || l.starts_with("___")) {
        return false;
    }
    let inner = l.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace());
    const NAMES: &[&str] = &[
        "original message",
        "reply message",
        "özgün ileti",
        "orijinal ileti",
        "orijinal mesaj",
        "özgün mesaj",
        "wiadomość oryginalna",
        "oryginalna wiadomość",
        "oryginalna wiadomosc",
        "پیام اصلی",
        "ursprüngliche nachricht",
        "message d'origine",
    ];
    NAMES.contains(&inner)
}

/// A horizontal rule Outlook draws above its header block.
fn is_rule(l: &str) -> bool {
    l.chars().count() >= 10 && l.chars().all(|c| c == '_' || c == '-' || c == '—')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    From,
    Sent,
    To,
    Cc,
    Subject,
}

/// The Outlook header field a line starts with, in English, Turkish, Polish, Persian (and
/// German, French, Spanish, which customers' Outlooks also write).
fn header_field(l: &str) -> Option<Field> {
    let (name, _) = l.split_once([':', '：'])?;
    let name = name.trim().trim_matches('*').trim();
    Some(match name {
        "from" | "kimden" | "od" | "از" | "فرستنده" | "von" | "de" => Field::From,
        "sent" | "date" | "gönderildi" | "gönderilme tarihi" | "tarih" | "wysłano" | "wysłane"
        | "data" | "ارسال شده" | "ارسال" | "تاریخ" | "gesendet" | "datum" | "envoyé"
        | "enviado" | "fecha" => Field::Sent,
        "to" | "kime" | "do" | "به" | "گیرنده" | "an" | "à" | "para" => Field::To,
        "cc" | "bilgi" | "dw" | "رونوشت" => Field::Cc,
        "subject" | "konu" | "temat" | "موضوع" | "betreff" | "objet" | "asunto" => {
            Field::Subject
        }
        _ => return None,
    })
}

/// Whether the "From:" line at `i` opens a header block: within the next five lines at
/// least two of Sent/To/Cc/Subject follow.
fn outlook_block(lines: &[&str], i: usize) -> bool {
    let found = lines
        .iter()
        .skip(i + 1)
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .filter_map(|l| header_field(&plain(l)))
        .filter(|f| *f != Field::From)
        .count();
    found >= 2
}

/// Gmail, Apple Mail and Thunderbird attribution lines.
fn is_attribution(l: &str) -> bool {
    let l = l.trim_end();
    if !l.ends_with(':') {
        return false;
    }
    let body = l.trim_end_matches(':').trim_end();
    // What identifies the quoted mail: a date (digits) or an address.
    let names_mail = l.chars().any(|c| c.is_numeric()) || l.contains('@');
    const ENDINGS: &[&str] = &[
        "wrote",
        "writes",
        "yazdı",
        "şunu yazdı",
        "şunları yazdı",
        "napisał(a)",
        "napisał",
        "napisała",
        "pisze",
        "نوشت",
        "نوشته است",
        "schrieb",
        "a écrit",
        "escribió",
    ];
    if ENDINGS.iter().any(|e| body.ends_with(e)) && (names_mail || l.starts_with("on ")) {
        return true;
    }
    // Apple Mail in Polish: "Wiadomość napisana przez Jan <jan@x.pl> w dniu 1 sty 2024, o
    // godz. 10:00:".
    l.starts_with("wiadomość napisana przez") && names_mail
}

/// Whether the sender wrote below a `>` quote that starts at line `q` (with its attribution):
/// the lines from `q` to the last `>` line are the attribution, `>` lines and blanks, and
/// text (not a signature) follows.
fn answered_below(lines: &[&str], q: usize) -> bool {
    let quoted = |l: &str| l.trim_start().starts_with('>');
    let Some(last) = lines[q..].iter().rposition(|l| quoted(l)).map(|i| q + i) else {
        return false;
    };
    let pure_quote = lines[q + 1..=last]
        .iter()
        .all(|l| l.trim().is_empty() || quoted(l));
    let after = &lines[last + 1..];
    let before_signature = after
        .iter()
        .position(|l| *l == "-- " || *l == "--")
        .map_or(after, |i| &after[..i]);
    pure_quote && before_signature.iter().any(|l| !l.trim().is_empty())
}

/// The first line of a trailing `>` quote: every non-blank line from it to the end (or to a
/// signature) is quoted, so nothing the sender wrote is lost.
fn trailing_angle_quote(lines: &[&str]) -> Option<usize> {
    let first = lines.iter().position(|l| l.trim_start().starts_with('>'))?;
    let sig = signature_start(lines)
        .map(|(i, _)| i)
        .filter(|&s| s > first);
    let end = sig.unwrap_or(lines.len());
    let all_quoted = lines[first..end]
        .iter()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('>'));
    all_quoted.then_some(first)
}

/// A reply written below the quote: the `>` lines (and an attribution above them) are the
/// quote, the rest is the answer.
fn bottom_posted<'a>(lines: &[&'a str]) -> Option<(Vec<&'a str>, String)> {
    let last_quoted = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with('>'))?;
    let answer: Vec<&str> = lines[last_quoted + 1..].to_vec();
    if answer.iter().all(|l| l.trim().is_empty()) {
        return None;
    }
    Some((answer, join(&lines[..=last_quoted])))
}

/// Where the signature starts in `body`, and whether that line is the `-- ` marker (left out
/// of the signature) rather than a phone line (kept).
fn signature_start(body: &[&str]) -> Option<(usize, bool)> {
    if let Some(i) = body.iter().rposition(|l| *l == "-- " || *l == "--") {
        return Some((i, true));
    }
    let last = body.iter().rposition(|l| !l.trim().is_empty())?;
    let l = plain(body[last]);
    const PHONE: &[&str] = &[
        "sent from my ",
        "sent from outlook",
        "get outlook for ",
        "sent from mail for windows",
        "iphone'umdan gönderildi",
        "ipad'imden gönderildi",
        "android için outlook",
        "wysłane z mojego ",
        "wysłane z iphone",
        "wysłano z ",
        "ارسال شده از ",
        "von meinem iphone gesendet",
    ];
    PHONE
        .iter()
        .any(|p| l.starts_with(p))
        .then_some((last, false))
}

#[cfg(test)]
mod tests;
