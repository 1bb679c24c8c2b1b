//! The one place customer HTML is made safe. Stored HTML is sanitised at ingestion; on display
//! it is sanitised again and remote images are held back unless the agent asked for them
//! (tracking pixels report when and where a message was read). Also the one URL scheme
//! check, shared with the article renderer: schemes are read as the URL standard reads them,
//! for every attribute a browser treats as a URL.

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

/// Schemes a link (or quotation source) in customer mail may use; relative links are kept.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "cid"];

/// Inline images allowed as `data:` URLs: raster only, since `data:image/svg+xml` can carry
/// script.
const RASTER_DATA_PREFIXES: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
];

/// Attributes whose value a browser follows or fetches as a URL (HTML, SVG and legacy
/// ones). Each is scheme-checked whichever tags an allow-list lets through, so widening an
/// allow-list can never let a `javascript:` URL in.
const URL_ATTRIBUTES: &[&str] = &[
    "action",
    "archive",
    "background",
    "cite",
    "classid",
    "codebase",
    "data",
    "dynsrc",
    "formaction",
    "href",
    "icon",
    "longdesc",
    "lowsrc",
    "manifest",
    "ping",
    "poster",
    "profile",
    "src",
    "srcset",
    "usemap",
    "xlink:href",
];

/// Whether a browser reads `attribute` as a URL (or a list of them).
pub fn is_url_attribute(attribute: &str) -> bool {
    URL_ATTRIBUTES.contains(&attribute.to_ascii_lowercase().as_str())
}

/// `url` as the URL standard's parser reads it before looking for a scheme: leading and
/// trailing C0 controls and spaces removed, ASCII tabs and newlines removed anywhere. So
/// `" java\tscript:"` is read as `javascript:` (entities such as `&#x09;` or `&colon;` are
/// already decoded in an attribute value).
fn url_as_parsed(url: &str) -> Cow<'_, str> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    if trimmed.contains(['\t', '\n', '\r']) {
        Cow::Owned(
            trimmed
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// The scheme a browser would see in `url`, ASCII-lower-cased: what comes before the first
/// `:` when no `/`, `?` or `#` comes earlier, once read as [`url_as_parsed`]. `None` means
/// a relative URL. The result may hold characters no real scheme has (`java\u{1}script`):
/// callers compare it with an allow-list, so such a URL is refused rather than guessed at.
pub fn url_scheme(url: &str) -> Option<String> {
    let url = url_as_parsed(url);
    let end = url.find([':', '/', '?', '#'])?;
    url[end..]
        .starts_with(':')
        .then(|| url[..end].to_ascii_lowercase())
}

/// Whether `url` is relative or uses one of `schemes` (lower-case).
pub fn url_allowed(url: &str, schemes: &[&str]) -> bool {
    url_scheme(url).is_none_or(|s| schemes.contains(&s.as_str()))
}

/// Whether every URL in a URL attribute's value is relative or uses one of `schemes`.
/// `srcset`, `ping` and `archive` hold several: every comma- or space-separated piece is
/// checked, which also covers each candidate of a `srcset`.
pub fn url_attribute_allowed(attribute: &str, value: &str, schemes: &[&str]) -> bool {
    match attribute.to_ascii_lowercase().as_str() {
        "srcset" | "ping" | "archive" => value
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .all(|piece| url_allowed(piece, schemes)),
        _ => url_allowed(value, schemes),
    }
}

/// An image source in mail: inline raster `data:` images always, remote ones only when
/// allowed (noted in `blocked` otherwise), anything else (relative paths, `cid:`, other
/// schemes) dropped.
fn image_source<'v>(
    value: &'v str,
    allow_remote: bool,
    blocked: &AtomicBool,
) -> Option<Cow<'v, str>> {
    let parsed = url_as_parsed(value).to_ascii_lowercase();
    match url_scheme(value).as_deref() {
        Some("data") => {
            return RASTER_DATA_PREFIXES
                .iter()
                .any(|p| parsed.starts_with(p))
                .then_some(Cow::Borrowed(value));
        }
        Some("http" | "https") => {}
        None if parsed.starts_with("//") => {}
        _ => return None,
    }
    if !allow_remote {
        blocked.store(true, Ordering::Relaxed);
        return None;
    }
    Some(Cow::Borrowed(value))
}

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
            if !is_url_attribute(attribute) {
                return Some(Cow::Borrowed(value));
            }
            if element == "img" && attribute == "src" {
                return image_source(value, allow_remote_images, &blocked);
            }
            url_attribute_allowed(attribute, value, LINK_SCHEMES).then_some(Cow::Borrowed(value))
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

    /// Hostile URLs in every attribute the allow-list keeps → what storage keeps of them.
    /// Browsers drop ASCII tabs and newlines anywhere in a URL and C0 controls and spaces
    /// around it before reading the scheme; entities are decoded before that.
    #[test]
    fn disguised_schemes_lose_their_url() {
        let cases: &[(&str, &str)] = &[
            (
                "<a href=\"java\tscript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"jav&#10;ascript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"&#1;javascript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"\u{1}\u{1f} JaVaScRiPt:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"javascript&colon;alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"java\u{1}script:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"d&#x09;ata:text/html,<script>alert(1)</script>\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"&#0;data:text/html,x\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\" DATA:text/html,x\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"vbscript:msgbox(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<blockquote cite=\"java&#x09;script:alert(1)\">q</blockquote>",
                "<blockquote>q</blockquote>",
            ),
            (
                "<q cite=\"javascript:alert(1)\">q</q><del cite=\"data:text/html,x\">d</del>",
                "<q>q</q><del>d</del>",
            ),
            (
                "<ins cite=\"https://example.com/why\">i</ins>",
                "<ins cite=\"https://example.com/why\">i</ins>",
            ),
            (
                "<img src=\"d&#x09;ata:image/svg+xml;base64,PHN2Zz4=\">",
                "<img>",
            ),
            ("<img src=\"jav&#x0A;ascript:alert(1)\">", "<img>"),
            (
                "<img src=\" data:image/png;base64,iVBORw0K\">",
                "<img src=\" data:image/png;base64,iVBORw0K\">",
            ),
            (
                "<a href=\" https://example.com/a\">ok</a>",
                "<a href=\" https://example.com/a\" rel=\"noopener noreferrer nofollow\">ok</a>",
            ),
            (
                "<a href=\"MAILTO:help@example.com\">m</a><a href=\"#top\">t</a>",
                "<a href=\"MAILTO:help@example.com\" rel=\"noopener noreferrer nofollow\">m</a>\
                 <a href=\"#top\" rel=\"noopener noreferrer nofollow\">t</a>",
            ),
        ];
        for (hostile, cleaned) in cases {
            assert_eq!(sanitize_for_storage(hostile), *cleaned, "{hostile:?}");
            let (shown, _) = sanitize_for_display(cleaned, true);
            assert_eq!(shown, *cleaned, "display changes stored {cleaned:?}");
        }
    }

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://example.com", Some("https")),
            ("  HTTPS://example.com", Some("https")),
            ("java\tscript:alert(1)", Some("javascript")),
            ("j\na\rvascript:x", Some("javascript")),
            ("\u{0}\u{1f} javascript:x \u{1}", Some("javascript")),
            ("java\u{1}script:x", Some("java\u{1}script")),
            ("jav\u{a0}ascript:x", Some("jav\u{a0}ascript")),
            (":x", Some("")),
            ("/path:x", None),
            ("?q=a:b", None),
            ("#frag:x", None),
            ("relative/page", None),
            ("//cdn.example/x.png", None),
            ("", None),
        ];
        for (url, scheme) in cases {
            assert_eq!(url_scheme(url).as_deref(), *scheme, "{url:?}");
        }
        for (attribute, value, allowed) in [
            ("srcset", "a.png 1x, https://x.example/b.png 2x", true),
            ("srcset", "a.png 1x,javascript:alert(1) 2x", false),
            ("SRCSET", "a.png 1x,\tjava\tscript:x 2x", false),
            ("ping", "https://a.example https://b.example", true),
            ("ping", "https://a.example data:text/html,x", false),
            ("poster", "javascript:x", false),
            ("background", " vbscript:x", false),
            ("formaction", "https://ok.example/", true),
        ] {
            assert!(is_url_attribute(attribute));
            assert_eq!(
                url_attribute_allowed(attribute, value, LINK_SCHEMES),
                allowed,
                "{attribute}={value:?}"
            );
        }
        assert!(!is_url_attribute("title") && !is_url_attribute("alt"));
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
