//! The help center's HTML: one page frame (language, direction, hreflang alternates,
//! search box, language switcher, "Submit a request") and the bodies of each page. Every
//! text that is not article HTML from the domain renderer goes through [`escape`]; text the
//! help center did not write itself, shown inline beside other words (links in lists and
//! crumbs, the query in "Results for …"), also goes through [`isolated`]. Headings and
//! paragraphs are bidi paragraphs of their own and need no isolation.

use std::fmt::Write as _;

use porchlight_domain::bidi::strip_bidi_controls;
use porchlight_domain::kb::{article_slug, text_direction, KbCategory};

use super::i18n::{language_name, number, ui};
use super::index::Page;
use super::text::{encode_segment, escape, escape_into};

/// Escaped `text` in a `<bdi>`: it takes its direction from its own first strong character
/// and nothing in it (a Persian title on an English page, a stray U+202E in a query) can
/// reorder the text around it.
fn isolated(text: &str) -> String {
    let mut h = String::with_capacity(text.len() + 11);
    h.push_str("<bdi>");
    escape_into(&mut h, text);
    h.push_str("</bdi>");
    h
}

pub fn home_path(locale: &str) -> String {
    format!("/help/{locale}/")
}

pub fn category_name<'a>(c: &'a KbCategory, locale: &str) -> &'a str {
    c.name_for(locale, "en").unwrap_or(&c.id)
}

pub fn category_path(locale: &str, c: &KbCategory) -> String {
    format!(
        "/help/{locale}/categories/{}",
        encode_segment(&format!(
            "{}-{}",
            c.id,
            article_slug(category_name(c, locale))
        ))
    )
}

pub fn article_path(locale: &str, article_id: &str, slug: &str) -> String {
    format!(
        "/help/{locale}/articles/{}",
        encode_segment(&format!("{article_id}-{slug}"))
    )
}

pub fn page_path(p: &Page) -> String {
    article_path(&p.locale, &p.article_id, &p.slug)
}

pub fn search_path(locale: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/help/{locale}/search")
    } else {
        format!("/help/{locale}/search?q={}", encode_segment(query))
    }
}

/// `YYYY-MM-DD` (UTC) of a time in milliseconds.
pub fn date(ms: i64) -> String {
    // Days to civil date (Howard Hinnant's algorithm).
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// What the frame of every page needs.
pub struct Chrome<'a> {
    pub locale: &'a str,
    pub title: &'a str,
    /// `scheme://host` the reader used, for absolute hreflang addresses.
    pub origin: &'a str,
    pub css_href: &'a str,
    /// (locale, path) of this page in every locale it exists in, itself included.
    pub alternates: &'a [(String, String)],
    pub query: &'a str,
    /// Error pages: kept out of search engines.
    pub noindex: bool,
}

/// A complete HTML document around `main`.
pub fn document(c: &Chrome, main: &str) -> String {
    let t = ui(c.locale);
    let l = escape(c.locale);
    let mut h = String::with_capacity(main.len() + 3000);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{l}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        text_direction(c.locale)
    );
    // A <title> holds no markup to isolate with: directional controls are dropped instead.
    escape_into(&mut h, &strip_bidi_controls(c.title));
    h.push_str(" · ");
    escape_into(&mut h, t.help_center);
    h.push_str("</title>\n");
    if c.noindex {
        h.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    }
    let _ = writeln!(
        h,
        "<link rel=\"stylesheet\" href=\"{}\">",
        escape(c.css_href)
    );
    for (locale, path) in c.alternates {
        let _ = writeln!(
            h,
            "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}{}\">",
            escape(locale),
            escape(c.origin),
            escape(path)
        );
    }
    let _ = write!(
        h,
        "</head>\n<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n\
         <header class=\"top\"><div class=\"wrap\">\n\
         <a class=\"brand\" href=\"{}\">{}</a>\n\
         <form class=\"search\" role=\"search\" method=\"get\" action=\"/help/{l}/search\">\
         <label class=\"sr\" for=\"q\">{}</label>\
         <input id=\"q\" type=\"search\" name=\"q\" maxlength=\"200\" value=\"",
        escape(t.skip_to_content),
        escape(&home_path(c.locale)),
        escape(t.help_center),
        escape(t.search_label),
    );
    escape_into(&mut h, c.query);
    let _ = writeln!(
        h,
        "\" placeholder=\"{}\"><button type=\"submit\">{}</button></form>",
        escape(t.search_placeholder),
        escape(t.search_button)
    );
    if c.alternates.len() > 1 {
        let _ = write!(
            h,
            "<nav class=\"langs\" aria-label=\"{}\"><ul>",
            escape(t.language)
        );
        for (locale, path) in c.alternates {
            let current = if locale == c.locale {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(
                h,
                "<li><a href=\"{}\" hreflang=\"{lo}\" lang=\"{lo}\" dir=\"{}\"{current}>{}</a></li>",
                escape(path),
                text_direction(locale),
                escape(language_name(locale)),
                lo = escape(locale),
            );
        }
        h.push_str("</ul></nav>\n");
    }
    h.push_str("</div></header>\n<main id=\"main\" class=\"wrap\">\n");
    h.push_str(main);
    let _ = write!(
        h,
        "\n</main>\n<footer class=\"foot\"><div class=\"wrap\"><p>{}</p>\
         <a class=\"button\" href=\"/help/{l}/requests/new\">{}</a></div></footer>\n</body>\n</html>\n",
        escape(t.still_need_help),
        escape(t.submit_request)
    );
    h
}

/// The home page: categories in order, each with its first articles.
pub fn home_main(
    locale: &str,
    sections: &[(&KbCategory, usize, Vec<std::sync::Arc<Page>>)],
) -> String {
    let t = ui(locale);
    let mut h = String::with_capacity(4096);
    let _ = writeln!(h, "<h1>{}</h1>", escape(t.help_center));
    if sections.is_empty() {
        let _ = write!(h, "<p>{}</p>", escape(t.no_articles));
        return h;
    }
    let _ = write!(
        h,
        "<h2 class=\"sr\">{}</h2>\n<ul class=\"cards\">\n",
        escape(t.categories)
    );
    for (c, count, pages) in sections {
        let path = category_path(locale, c);
        let _ = write!(
            h,
            "<li class=\"card\"><h2><a href=\"{}\">{}</a></h2>",
            escape(&path),
            isolated(category_name(c, locale))
        );
        if let Some(d) = c.descriptions.get(locale) {
            let _ = write!(h, "<p class=\"meta\">{}</p>", escape(d));
        }
        h.push_str("<ul>");
        for p in pages {
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&page_path(p)),
                isolated(&p.title)
            );
        }
        h.push_str("</ul>");
        if *count > pages.len() {
            let _ = write!(
                h,
                "<p><a href=\"{}\">{}</a></p>",
                escape(&path),
                escape(&t.see_all.replace("{n}", &number(locale, count)))
            );
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>");
    h
}

fn list(h: &mut String, pages: &[std::sync::Arc<Page>]) {
    h.push_str("<ul class=\"list\">\n");
    for p in pages {
        let _ = writeln!(
            h,
            "<li><a href=\"{}\">{}</a><p dir=\"auto\">{}</p></li>",
            escape(&page_path(p)),
            isolated(&p.title),
            escape(&p.excerpt)
        );
    }
    h.push_str("</ul>\n");
}

/// "Page 2 of 7" with previous/next links; `link(n)` is page n's address.
fn pager(h: &mut String, locale: &str, page: usize, pages: usize, link: impl Fn(usize) -> String) {
    if pages <= 1 {
        return;
    }
    let t = ui(locale);
    h.push_str("<nav class=\"pager\">");
    if page > 1 {
        let _ = write!(
            h,
            "<a rel=\"prev\" href=\"{}\">{}</a>",
            escape(&link(page - 1)),
            escape(t.previous)
        );
    } else {
        h.push_str("<span></span>");
    }
    let _ = write!(
        h,
        "<span>{}</span>",
        escape(
            &t.page_of
                .replace("{n}", &number(locale, page))
                .replace("{m}", &number(locale, pages))
        )
    );
    if page < pages {
        let _ = write!(
            h,
            "<a rel=\"next\" href=\"{}\">{}</a>",
            escape(&link(page + 1)),
            escape(t.next)
        );
    } else {
        h.push_str("<span></span>");
    }
    h.push_str("</nav>\n");
}

pub fn category_main(
    locale: &str,
    c: &KbCategory,
    pages: &[std::sync::Arc<Page>],
    page: usize,
    page_count: usize,
) -> String {
    let t = ui(locale);
    let mut h = String::with_capacity(8192);
    let _ = write!(
        h,
        "<nav class=\"crumbs\"><a href=\"{}\">{}</a></nav>\n<h1>{}</h1>\n",
        escape(&home_path(locale)),
        escape(t.help_center),
        escape(category_name(c, locale))
    );
    if let Some(d) = c.descriptions.get(locale) {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(d));
    }
    list(&mut h, pages);
    let base = category_path(locale, c);
    pager(&mut h, locale, page, page_count, |n| {
        if n == 1 {
            base.clone()
        } else {
            format!("{base}?page={n}")
        }
    });
    h
}

/// How the "was this helpful?" box shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum VoteState {
    Ask,
    Thanks,
}

pub fn article_main(
    p: &Page,
    body_html: &str,
    category: Option<&KbCategory>,
    vote: VoteState,
) -> String {
    let locale = p.locale.as_str();
    let t = ui(locale);
    let mut h = String::with_capacity(body_html.len() + 2048);
    let _ = write!(
        h,
        "<nav class=\"crumbs\"><a href=\"{}\">{}</a>",
        escape(&home_path(locale)),
        escape(t.help_center)
    );
    if let Some(c) = category {
        let _ = write!(
            h,
            " › <a href=\"{}\">{}</a>",
            escape(&category_path(locale, c)),
            isolated(category_name(c, locale))
        );
    }
    let _ = write!(
        h,
        "</nav>\n<article class=\"body-card\">\n<h1>{}</h1>\n\
         <p class=\"meta\">{} <time datetime=\"{d}\">{d}</time></p>\n<div class=\"body\">\n",
        escape(&p.title),
        escape(t.updated),
        d = date(p.updated_at)
    );
    h.push_str(body_html);
    h.push_str("\n</div>\n</article>\n<section class=\"vote\" id=\"vote\">");
    match vote {
        VoteState::Thanks => {
            let _ = write!(h, "<p class=\"thanks\">{}</p>", escape(t.thanks));
        }
        VoteState::Ask => {
            let _ = write!(
                h,
                "<form method=\"post\" action=\"/help/{}/articles/{}/vote\">\
                 <p>{}</p>\
                 <button type=\"submit\" name=\"helpful\" value=\"yes\">{}</button>\
                 <button type=\"submit\" name=\"helpful\" value=\"no\">{}</button></form>",
                escape(locale),
                escape(&encode_segment(&p.article_id)),
                escape(t.was_helpful),
                escape(t.yes),
                escape(t.no)
            );
        }
    }
    h.push_str("</section>\n");
    h
}

pub fn search_main(
    locale: &str,
    query: &str,
    total: usize,
    pages: &[std::sync::Arc<Page>],
    page: usize,
    page_count: usize,
) -> String {
    let t = ui(locale);
    let mut h = String::with_capacity(8192);
    if query.trim().is_empty() {
        let _ = write!(
            h,
            "<h1>{}</h1>\n<p>{}</p>\n",
            escape(t.search_label),
            escape(t.search_prompt)
        );
        return h;
    }
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        escape(t.results_for)
            .split("{q}")
            .collect::<Vec<_>>()
            .join(&isolated(query)),
        escape(&t.results_count.replace("{n}", &number(locale, total)))
    );
    if pages.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>\n<p><a class=\"button\" href=\"/help/{}/requests/new\">{}</a></p>\n",
            escape(t.no_results),
            escape(locale),
            escape(t.submit_request)
        );
        return h;
    }
    list(&mut h, pages);
    pager(&mut h, locale, page, page_count, |n| {
        format!("{}&page={n}", search_path(locale, query))
    });
    h
}

pub fn message_main(locale: &str, title: &str, text: &str, link: (&str, &str)) -> String {
    let _ = locale;
    format!(
        "<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n",
        escape(title),
        escape(text),
        escape(link.0),
        escape(link.1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitors_query_is_isolated_and_escaped() {
        let h = search_main("en", "\u{202E}<b>fdp", 0, &[], 1, 1);
        assert!(
            h.contains("<h1>Results for “<bdi>\u{202E}&lt;b&gt;fdp</bdi>”</h1>"),
            "{h}"
        );
        let fa = search_main("fa", "refund", 0, &[], 1, 1);
        assert!(
            fa.contains("<h1>نتایج برای «<bdi>refund</bdi>»</h1>"),
            "{fa}"
        );
    }

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_709_164_800_000), "2024-02-29");
        assert_eq!(date(1_798_761_600_000 - 1), "2026-12-31");
    }
}
