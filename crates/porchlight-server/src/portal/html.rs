//! HTML for the portal: escaping (every customer or agent string goes through [`esc`]), the
//! page frame with its language and direction, and the security headers every portal answer
//! carries. No script anywhere; the one stylesheet is inline and allowed by its hash.
//!
//! Customer and agent text on the pages (the subject, author names, file names, message
//! bodies) sits in elements the stylesheet gives `unicode-bidi: plaintext` (a `<bdi>` in
//! CSS: an isolate whose direction comes from its own first strong character), so a Persian
//! name on an English page or a U+202E in a file name never reorders the page's own words.

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use porchlight_domain::bidi::strip_bidi_controls;
use sha2::{Digest, Sha256};

use porchlight_domain::catalog::Locale;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}\
main{max-width:46rem;margin:0 auto;padding:1.5rem}\
nav{display:flex;gap:1rem;flex-wrap:wrap;font-size:.9rem;margin-bottom:1rem}\
a{color:#1a56b0}\
label{display:block;font-weight:600;margin-top:1rem}\
input,textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:1px solid #b8bfcc;border-radius:4px;background:#fff}\
textarea{min-height:10rem}\
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:#b3261e}\
.error{color:#b3261e;margin:.25rem 0 0}\
.hint{color:#555;font-size:.9rem;margin:.25rem 0 0}\
.alert{border:1px solid #b3261e;background:#fdecea;padding:.75rem;border-radius:4px}\
.notice{border:1px solid #2e7d32;background:#edf7ee;padding:.75rem;border-radius:4px}\
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}\
button{margin-top:1rem;font:inherit;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#1a56b0;color:#fff}\
.msg{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}\
.msg.customer{border-inline-start:4px solid #1a56b0}\
.msg.agent{border-inline-start:4px solid #2e7d32}\
.msg header{font-size:.9rem;color:#555}\
.body{white-space:pre-wrap;overflow-wrap:anywhere}\
.link{overflow-wrap:anywhere;font-family:monospace}\
.msg header strong,.files a,[data-testid=ticket-subject],.body{unicode-bidi:plaintext}\
fieldset{border:1px solid #dde1e8;border-radius:6px;margin:1rem 0 0;padding:.75rem 1rem}\
legend{font-weight:600;padding:0 .25rem}\
.scale{display:flex;flex-wrap:wrap;gap:.5rem}\
.scale label{display:flex;align-items:center;gap:.35rem;font-weight:400;margin:0;padding:.4rem .7rem;border:1px solid #b8bfcc;border-radius:4px;background:#fff}\
.scale input{width:auto;margin:0}\
.ends{display:flex;justify-content:space-between}";

fn css_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| format!("sha256-{}", STANDARD.encode(Sha256::digest(CSS))))
}

/// A whole page: `lang`/`dir` from the locale, the title, the inline stylesheet and `body`
/// (already escaped HTML).
pub fn layout(locale: Locale, title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>\n",
        lang = locale.tag(),
        dir = locale.dir(),
        // A <title> holds no markup to isolate with: directional controls are dropped.
        title = esc(&strip_bidi_controls(title)),
    )
}

/// What kind of page is answered: tracking pages are private (never indexed).
#[derive(Clone, Copy, PartialEq)]
pub enum Privacy {
    Public,
    Private,
}

/// The headers every portal page carries: a CSP that allows nothing but the inline
/// stylesheet (no script, no frames, forms only to this server), no referrer (tracking links
/// must not leak through links the customer follows), no caching.
pub fn secure(headers: &mut HeaderMap, privacy: Privacy) {
    let csp = format!(
        "default-src 'none'; style-src '{}'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
        css_hash()
    );
    let pairs: [(header::HeaderName, &str); 5] = [
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, &csp),
    ];
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    }
    if privacy == Privacy::Private {
        headers.insert(
            "x-robots-tag",
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
}

pub fn page(status: StatusCode, privacy: Privacy, html: String) -> Response {
    let mut res = (status, Html(html)).into_response();
    secure(res.headers_mut(), privacy);
    res
}

/// The one "not found" page of the portal: whatever was wrong with a link (a changed
/// character, another ticket's id, a deleted or merged ticket, a file of another ticket),
/// the answer is the same bytes for the same language.
pub fn not_found(locale: Locale) -> Response {
    let body = format!(
        "<h1 data-testid=\"not-found\">{}</h1><p>{}</p>",
        esc(locale.t("portal.not_found_title")),
        esc(locale.t("portal.not_found_text"))
    );
    page(
        StatusCode::NOT_FOUND,
        Privacy::Private,
        layout(locale, locale.t("portal.not_found_title"), &body),
    )
}

/// UTC "YYYY-MM-DD HH:MM" for a time in ms since the epoch (days to civil date after
/// Howard Hinnant's algorithm).
pub fn utc_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Megabytes with one decimal, for size messages.
pub fn mb(bytes: u64) -> String {
    let v = bytes as f64 / (1024.0 * 1024.0);
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// A file size for people: kilobytes below a megabyte, else megabytes.
pub fn file_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        format!("{} MB", mb(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn utc_times_and_sizes() {
        assert_eq!(utc_time(0), "1970-01-01 00:00");
        assert_eq!(utc_time(1_709_210_096_000), "2024-02-29 12:34");
        assert_eq!(mb(10 * 1024 * 1024), "10");
        assert_eq!(mb(10 * 1024 * 1024 + 200_000), "10.2");
        assert_eq!(file_size(0), "1 KB");
        assert_eq!(file_size(1025), "2 KB");
        assert_eq!(file_size(3 * 1024 * 1024), "3 MB");
    }

    #[test]
    fn pages_carry_language_direction_and_an_allowed_stylesheet() {
        let html = layout(Locale::Fa, "<t>", "x");
        assert!(html.contains("<html lang=\"fa\" dir=\"rtl\">"));
        assert!(html.contains("<title>&lt;t&gt;</title>"));
        let reversed = layout(Locale::En, "invoice\u{202E}gpj.exe", "x");
        assert!(
            reversed.contains("<title>invoicegpj.exe</title>"),
            "{reversed}"
        );
        let mut h = HeaderMap::new();
        secure(&mut h, Privacy::Private);
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains(css_hash()) && csp.starts_with("default-src 'none'"));
        assert_eq!(h["x-robots-tag"], "noindex, nofollow");
    }
}
