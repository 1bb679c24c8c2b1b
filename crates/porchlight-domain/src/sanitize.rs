//! The one place customer HTML is made safe. Stored HTML is sanitised at ingestion; on display
//! it is sanitised again and remote images are held back unless the agent asked for them
//! (tracking pixels report when and where a message was read).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

fn builder(allow_remote_images: bool, blocked: Arc<AtomicBool>) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .url_schemes(
            ["http", "https", "mailto", "data", "cid"]
                .into_iter()
                .collect(),
        )
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_generic_attributes(["dir", "lang", "title", "align"])
        .add_tag_attributes("img", ["alt", "width", "height"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan"])
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" {
                let v = value.trim_start().to_ascii_lowercase();
                if v.starts_with("data:") {
                    // Only inline raster images; data:image/svg+xml can carry script.
                    let raster = [
                        "data:image/png",
                        "data:image/jpeg",
                        "data:image/gif",
                        "data:image/webp",
                    ];
                    return raster
                        .iter()
                        .any(|p| v.starts_with(p))
                        .then_some(Cow::Borrowed(value));
                }
                if v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//") {
                    if !allow_remote_images {
                        blocked.store(true, Ordering::Relaxed);
                        return None;
                    }
                    return Some(Cow::Borrowed(value));
                }
                return None;
            }
            if element == "a" && attribute == "href" {
                let v = value.trim_start().to_ascii_lowercase();
                if v.starts_with("data:") {
                    return None;
                }
            }
            Some(Cow::Borrowed(value))
        });
    b
}

/// Sanitises untrusted HTML for storage. Remote image addresses are kept (so the agent can
/// choose to load them later); scripts, handlers, styles, SVG and javascript: URLs are not.
pub fn sanitize_for_storage(html: &str) -> String {
    builder(true, Arc::new(AtomicBool::new(false)))
        .clean(html)
        .to_string()
}

/// Sanitises stored HTML again for display. Returns the HTML and whether remote images were
/// held back.
pub fn sanitize_for_display(html: &str, allow_remote_images: bool) -> (String, bool) {
    let blocked = Arc::new(AtomicBool::new(false));
    let out = builder(allow_remote_images, blocked.clone())
        .clean(html)
        .to_string();
    (out, blocked.load(Ordering::Relaxed))
}

/// Plain text from sanitised HTML, for search and previews.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in html.chars() {
        match ch {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if matches!(
                    name.as_str(),
                    "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "blockquote"
                ) {
                    out.push('\n');
                }
            }
            c if in_tag => tag.push(c),
            c => out.push(c),
        }
    }
    decode_entities(&out)
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn decode_entities(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Decodes `%XX` escapes (a URI-encoded file name in a header); invalid escapes stay as
/// written, invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r#"<p onclick="alert(1)">Hi<script>alert(2)</script></p>
<a href="javascript:alert(3)">click</a><a href="https://example.com/x">ok</a>
<svg onload="alert(4)"><circle r="4"/></svg><img src="x" onerror="alert(5)">
<img src="https://tracker.example/pixel.gif"><iframe src="https://evil.example"></iframe>
<style>body{display:none}</style><img src="data:image/svg+xml;base64,PHN2Zz4=">"#;

    #[test]
    fn storage_strips_everything_active() {
        let s = sanitize_for_storage(HOSTILE);
        for bad in [
            "script",
            "onclick",
            "onerror",
            "onload",
            "javascript:",
            "<svg",
            "iframe",
            "<style",
            "svg+xml",
        ] {
            assert!(!s.contains(bad), "{bad} survived in {s}");
        }
        assert!(s.contains(r#"href="https://example.com/x""#));
        assert!(
            s.contains("tracker.example"),
            "remote image address is kept for later"
        );
    }

    #[test]
    fn display_blocks_remote_images_unless_asked() {
        let stored = sanitize_for_storage(HOSTILE);
        let (blocked_html, blocked) = sanitize_for_display(&stored, false);
        assert!(blocked);
        assert!(!blocked_html.contains("tracker.example"));
        let (shown, blocked) = sanitize_for_display(&stored, true);
        assert!(!blocked);
        assert!(shown.contains("https://tracker.example/pixel.gif"));
        let (_, none) = sanitize_for_display("<p>plain</p>", false);
        assert!(!none);
    }

    #[test]
    fn text_from_html() {
        assert_eq!(
            html_to_text("<p>Merhaba &amp; hoş geldiniz</p><p>İkinci<br>satır</p>"),
            "Merhaba & hoş geldiniz\n\nİkinci\nsatır"
        );
    }

    #[test]
    fn percent_decoding_never_panics_on_odd_input() {
        assert_eq!(
            percent_decode("fatura%20%C5%9Fubat.pdf"),
            "fatura şubat.pdf"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%éé"), "%éé");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }
}
