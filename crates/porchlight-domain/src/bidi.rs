//! Bidirectional text in customer content: which invisible characters reorder the text around
//! them, and file names cleaned of them so a name reads as what it is.

use std::borrow::Cow;

/// Explicit directional formatting characters (UAX #9): embeddings and overrides
/// (U+202A–U+202E) and isolates (U+2066–U+2069). An unterminated override reverses
/// everything after it up to the end of the paragraph, so `invoice\u{202E}gpj.exe` reads
/// "invoiceexe.jpg".
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Directional marks (LRM, RLM, ALM): invisible, they only pull neutral characters beside
/// them to one side. Meaningful in running text, never in a file name.
pub fn is_bidi_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `text` without directional controls and marks, for a short label whose character order
/// must be what a reader sees (a file name, a page title). Running text keeps them: it is
/// shown isolated instead.
pub fn strip_bidi_controls(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| is_bidi_control(c) || is_bidi_mark(c)) {
        Cow::Owned(
            text.chars()
                .filter(|&c| !is_bidi_control(c) && !is_bidi_mark(c))
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// A file name as it may be stored and shown, whoever sent it: directional controls and
/// marks dropped, surrounding whitespace trimmed, path separators, control characters and
/// line or paragraph separators turned into `_`, at most [`MAX_FILE_NAME_CHARS`]
/// characters. May be empty; the caller decides what an empty name means.
pub fn clean_file_name(name: &str) -> String {
    strip_bidi_controls(name)
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '\u{2028}' | '\u{2029}') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(MAX_FILE_NAME_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_read_as_what_they_are() {
        let cases: &[(&str, &str)] = &[
            ("invoice\u{202E}gpj.exe", "invoicegpj.exe"),
            ("\u{202E}\u{2066}report\u{2069}.pdf\u{202C}", "report.pdf"),
            ("\u{202A}a\u{202B}b\u{202D}c.txt", "abc.txt"),
            ("photo\u{200F}\u{200E}\u{061C}.jpg", "photo.jpg"),
            (" \u{202E} spaced.txt ", "spaced.txt"),
            (" ../a/b\\c\u{7}.txt ", ".._a_b_c_.txt"),
            ("line\u{2028}break\u{2029}.txt", "line_break_.txt"),
            ("tab\there\n.txt", "tab_here_.txt"),
            ("فاکتور ۱۴۰۲.pdf", "فاکتور ۱۴۰۲.pdf"),
            ("Ayşe Yılmaz — şubat.xlsx", "Ayşe Yılmaz — şubat.xlsx"),
            ("\u{202E}", ""),
        ];
        for (raw, clean) in cases {
            assert_eq!(clean_file_name(raw), *clean, "{raw:?}");
        }
        let long = "é".repeat(300);
        assert_eq!(clean_file_name(&long).chars().count(), MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn only_directional_characters_are_stripped() {
        assert_eq!(
            strip_bidi_controls("سلام\u{202E} world\u{2069}!"),
            "سلام world!"
        );
        assert!(matches!(
            strip_bidi_controls("plain سلام"),
            Cow::Borrowed("plain سلام")
        ));
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert!(is_bidi_control(c) && !is_bidi_mark(c));
        }
        for c in ['\u{200E}', '\u{200F}', '\u{061C}'] {
            assert!(is_bidi_mark(c) && !is_bidi_control(c));
        }
        for c in ['\u{2029}', '\u{206A}', '\u{200D}', 'a', 'ش'] {
            assert!(!is_bidi_control(c) && !is_bidi_mark(c), "{c:?}");
        }
    }
}
