//! HTML for the portal: escaping (every customer or agent string goes through [`esc`]), the
//! page frame — the help center's own ([`document`]: one header, search, brand and look for
//! both) — and the security headers every portal answer carries. No script anywhere; the
//! one stylesheet is inline and allowed by its hash.
//!
//! Customer and agent text on the pages (the subject, author names, file names, message
//! bodies) sits in elements the stylesheet gives `unicode-bidi: plaintext` (a `<bdi>` in
//! CSS: an isolate whose direction comes from its own first strong character), so a Persian
//! name on an English page or a U+202E in a file name never reorders the page's own words.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::help::assets;
use crate::help::pages::{document, Chrome};
use porchlight_domain::catalog::Locale;

/// Escapes text for HTML element content and quoted attribute values.
pub use crate::help::text::escape as esc;

/// A private page (tracking, survey, "received", "not found") in the help center's frame,
/// in `locale`, kept out of search engines.
pub fn layout(locale: Locale, title: &str, body: &str) -> String {
    document(
        &Chrome {
            noindex: true,
            ..Chrome::new(locale.tag(), title)
        },
        body,
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
        "default-src 'none'; style-src {}; img-src 'self'; {} form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
        assets::style_src(),
        crate::help::CONNECT
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

/// UTC "YYYY-MM-DD HH:MM" for a time in ms since the epoch (the server's command line lists
/// sessions with it; pages write dates in the reader's calendar, see
/// `porchlight_domain::dates`).
pub fn utc_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M")
        .to_string()
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
        assert!(
            html.contains("<title>&lt;t&gt; · مرکز راهنمایی</title>"),
            "{html}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        let reversed = layout(Locale::En, "invoice\u{202E}gpj.exe", "x");
        assert!(
            reversed.contains("<title>invoicegpj.exe · Help center</title>"),
            "{reversed}"
        );
        let mut h = HeaderMap::new();
        secure(&mut h, Privacy::Private);
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains(assets::style_src()) && csp.starts_with("default-src 'none'"));
        assert_eq!(h["x-robots-tag"], "noindex, nofollow");
    }
}
