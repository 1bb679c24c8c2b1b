//! Small helpers over raw header text, shared by parsing, classification and threading.

/// A header value on one line: folding (CRLF followed by white space) becomes one space, and
/// the value is trimmed.
pub(crate) fn unfold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c == '\r' || c == '\n' {
            pending_space = true;
            continue;
        }
        if pending_space {
            pending_space = false;
            if !out.ends_with([' ', '\t']) && !out.is_empty() {
                out.push(' ');
            }
            if c == ' ' || c == '\t' {
                continue;
            }
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// Removes RFC 5322 comments `( … )` (nested, with `\` escapes) outside quoted strings:
/// `Auto-Submitted: auto-replied (vacation)` reads as `auto-replied`.
pub(crate) fn strip_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The first occurrence, case-insensitive, of a header in `headers`.
pub(crate) fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A header block (`Name: value` lines with folding) read into (name, unfolded value) pairs;
/// used for the fields of a delivery-status report and for `text/rfc822-headers` parts.
/// Lines without a colon are skipped; an empty line ends the block.
pub(crate) fn parse_block(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            let n = n.trim();
            if !n.is_empty() && !n.contains(' ') {
                out.push((n.to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

/// Text cut to at most `max` bytes at a character boundary.
pub(crate) fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Every Message-ID in a header value (`In-Reply-To`, `References`), normalised, in order,
/// without repeats. Reads `<a@b> <c@d>` as well as the bracket-less, comma-separated or
/// commented forms some clients write.
pub fn parse_message_ids(value: &str) -> Vec<String> {
    let value = strip_comments(value);
    let mut out: Vec<String> = Vec::new();
    let mut push = |id: &str| {
        if let Some(n) = porchlight_domain::mail::normalize_message_id(id) {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    };
    if value.contains('<') {
        let mut rest = value.as_str();
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            match after.find('>') {
                Some(end) => {
                    push(&after[..end]);
                    rest = &after[end + 1..];
                }
                None => break,
            }
        }
    } else {
        for token in value.split([' ', '\t', ',']) {
            if token.contains('@') {
                push(token);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_trims() {
        assert_eq!(unfold(" a\r\n b\r\n\tc "), "a b c");
        assert_eq!(unfold("<x@y>\r\n <z@w>"), "<x@y> <z@w>");
        assert_eq!(unfold(""), "");
    }

    #[test]
    fn comments_are_removed_outside_quotes() {
        assert_eq!(strip_comments("auto-replied (vacation)"), "auto-replied");
        assert_eq!(strip_comments("a (b (c) d) e"), "a  e");
        assert_eq!(strip_comments("\"(kept)\" x"), "\"(kept)\" x");
        assert_eq!(strip_comments("no (unclosed"), "no");
    }

    #[test]
    fn header_blocks_fold_and_stop_at_blank_line() {
        let b = parse_block(
            "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550\n  no such user\n\nLater: x",
        );
        assert_eq!(
            b,
            vec![
                ("Action".into(), "failed".into()),
                ("Status".into(), "5.1.1".into()),
                ("Diagnostic-Code".into(), "smtp; 550 no such user".into())
            ]
        );
        assert_eq!(find(&b, "status"), Some("5.1.1"));
        assert_eq!(find(&b, "ACTION"), Some("failed"));
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate_at_char("şşş", 3), "ş");
        assert_eq!(truncate_at_char("abc", 10), "abc");
    }
}
