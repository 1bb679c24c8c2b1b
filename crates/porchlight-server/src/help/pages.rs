//! The help center's HTML: one page frame, which the portal's pages use too (language,
//! direction, description, hreflang alternates, the header's brand, search box and language
//! switcher, "Submit a request"), and the bodies of each page. Every
//! text that is not article HTML from the domain renderer goes through [`escape`]; text the
//! help center did not write itself, shown inline beside other words (links in lists and
//! crumbs, the query in "Results for …"), also goes through [`isolated`]. Headings and
//! paragraphs are bidi paragraphs of their own and need no isolation.

use std::fmt::Write as _;

use porchlight_domain::bidi::strip_bidi_controls;
use porchlight_domain::catalog::Locale;
use porchlight_domain::dates::{iso_date, long_date};
use porchlight_domain::kb::{article_slug, text_direction, KbCategory};

use super::assets::{self, CSS};
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

/// The longest meta description, in characters (what search engines show of one).
const DESCRIPTION_CHARS: usize = 160;

/// A page's own text as its `<meta name="description">`: one line, no directional
/// controls, cut after a word near [`DESCRIPTION_CHARS`].
pub fn summary(text: &str) -> String {
    let line = strip_bidi_controls(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if line.chars().count() <= DESCRIPTION_CHARS {
        return line;
    }
    let cut: String = line.chars().take(DESCRIPTION_CHARS - 1).collect();
    let words = cut.rsplit_once(' ').map_or(cut.as_str(), |(w, _)| w);
    format!(
        "{}…",
        words.trim_end_matches([',', ';', ':', '.', '،', '؛'])
    )
}

/// A category page's description: the category's own description, else its name and the
/// titles of its first articles.
pub fn category_summary(c: &KbCategory, locale: &str, pages: &[std::sync::Arc<Page>]) -> String {
    if let Some(d) = c.descriptions.get(locale).filter(|d| !d.trim().is_empty()) {
        return summary(d);
    }
    let list = if text_direction(locale) == "rtl" {
        "، "
    } else {
        ", "
    };
    let titles: Vec<&str> = pages.iter().map(|p| p.title.as_str()).collect();
    summary(&format!(
        "{}: {}",
        category_name(c, locale),
        titles.join(list)
    ))
}

/// What the frame of every page (help center and portal alike) needs.
pub struct Chrome<'a> {
    /// The language of the page: `lang`, `dir` and the frame's words (the closest catalog).
    pub locale: &'a str,
    /// The help center's locale the header and footer lead to (home, search, requests): the
    /// page's own, but for a request form in a language the portal has no words for
    /// (`/help/pt-BR/requests/new` is shown in English and still leads to `pt-BR`).
    pub site: &'a str,
    /// The page's own title; empty for the home page, titled by the help center's name.
    pub title: &'a str,
    /// The meta description, from the page's own text (see [`summary`]).
    pub description: &'a str,
    /// `scheme://host` the reader used, for absolute hreflang and canonical addresses.
    pub origin: &'a str,
    /// (locale, path) of this page in every locale it exists in, itself included.
    pub alternates: &'a [(String, String)],
    pub query: &'a str,
    /// Error, result and private pages: kept out of search engines.
    pub noindex: bool,
    /// The footer's "Still need help? Submit a request" (not on the request form itself).
    pub request_link: bool,
}

impl<'a> Chrome<'a> {
    /// A page of `locale` titled `title`, linking to the help center in the same locale,
    /// with no description, alternates or query; indexable, with the request link.
    pub fn new(locale: &'a str, title: &'a str) -> Chrome<'a> {
        Chrome {
            locale,
            site: locale,
            title,
            description: "",
            origin: "",
            alternates: &[],
            query: "",
            noindex: false,
            request_link: true,
        }
    }
}

/// A complete HTML document around `main`: the one frame of the help center and the
/// portal (language and direction, the inline stylesheet, the icon, the header with the
/// brand, search and languages, the footer).
pub fn document(c: &Chrome, main: &str) -> String {
    let t = ui(c.locale);
    let l = escape(c.locale);
    let site = escape(c.site);
    let mut h = String::with_capacity(main.len() + CSS.len() + 3000);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{l}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        text_direction(c.locale)
    );
    // A <title> holds no markup to isolate with: directional controls are dropped instead.
    let title = strip_bidi_controls(c.title);
    if !title.is_empty() && title != t.help_center {
        escape_into(&mut h, &title);
        h.push_str(" · ");
    }
    escape_into(&mut h, t.help_center);
    h.push_str("</title>\n");
    if !c.description.is_empty() {
        let _ = writeln!(
            h,
            "<meta name=\"description\" content=\"{}\">",
            escape(c.description)
        );
    }
    if c.noindex {
        h.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    } else if let Some((_, path)) = c.alternates.iter().find(|(l, _)| l == c.site) {
        let _ = writeln!(
            h,
            "<link rel=\"canonical\" href=\"{}{}\">",
            escape(c.origin),
            escape(path)
        );
    }
    let _ = writeln!(
        h,
        "<link rel=\"icon\" href=\"{}\" type=\"image/svg+xml\">",
        assets::icon_path()
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
    // Inline (allowed by its hash): the page needs no other request before it can show.
    let _ = write!(
        h,
        "<style>{CSS}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n\
         <header class=\"top\"><div class=\"wrap\">\n\
         <a class=\"brand\" href=\"{}\"><img src=\"{}\" alt=\"\" width=\"32\" height=\"32\">{}</a>\n\
         <form class=\"search\" role=\"search\" method=\"get\" action=\"/help/{site}/search\">\
         <label class=\"sr\" for=\"q\">{}</label>\
         <input id=\"q\" type=\"search\" name=\"q\" maxlength=\"200\" value=\"",
        escape(t.skip_to_content),
        escape(&home_path(c.site)),
        assets::icon_path(),
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
            let current = if locale == c.site {
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
    h.push_str("\n</main>\n");
    if c.request_link {
        let _ = writeln!(
            h,
            "<footer class=\"foot\"><div class=\"wrap\"><p>{}</p>\
             <a class=\"button\" href=\"/help/{site}/requests/new\">{}</a></div></footer>",
            escape(t.still_need_help),
            escape(t.submit_request)
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The home page: categories in order, each with its first articles.
/// The home page's main part. `others`: the locales that have articles, offered when this
/// one has none yet (a language the help center speaks before anything is written in it).
pub fn home_main(
    locale: &str,
    sections: &[(&KbCategory, usize, Vec<std::sync::Arc<Page>>)],
    others: &[&str],
) -> String {
    let t = ui(locale);
    let mut h = String::with_capacity(4096);
    let _ = writeln!(h, "<h1>{}</h1>", escape(t.help_center));
    if sections.is_empty() {
        let _ = write!(h, "<p>{}</p>", escape(t.no_articles));
        if !others.is_empty() {
            let _ = write!(h, "<p>{}</p><ul class=\"list\">", escape(t.other_languages));
            for l in others {
                let _ = write!(
                    h,
                    "<li><a href=\"{}\" hreflang=\"{l}\" lang=\"{l}\">{}</a></li>",
                    escape(&home_path(l)),
                    escape(language_name(l))
                );
            }
            h.push_str("</ul>");
        }
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
         <p class=\"meta\">{} <time datetime=\"{}\">{}</time></p>\n<div class=\"body\">\n",
        escape(&p.title),
        escape(t.updated),
        iso_date(p.updated_at),
        escape(&long_date(Locale::closest(locale), p.updated_at))
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
    fn descriptions_are_one_line_cut_after_a_word() {
        assert_eq!(
            summary("  Open\n**Orders**\u{202E} now. "),
            "Open **Orders** now."
        );
        let long = "word ".repeat(60);
        let s = summary(&long);
        assert!(
            s.ends_with("word…") && s.chars().count() <= DESCRIPTION_CHARS,
            "{s}"
        );
    }

    #[test]
    fn the_home_page_is_titled_once_and_pages_by_their_own_title_first() {
        let fa = document(&Chrome::new("fa", ""), "");
        assert!(fa.contains("<title>مرکز راهنمایی</title>"), "{fa}");
        let fa = document(&Chrome::new("fa", "مرکز راهنمایی"), "");
        assert!(fa.contains("<title>مرکز راهنمایی</title>"), "{fa}");
        let en = document(&Chrome::new("en", "Refunds"), "");
        assert!(en.contains("<title>Refunds · Help center</title>"), "{en}");
    }
}
