//! The public help center against the real server process: a knowledge base written through
//! real pushes of KB mutations, then read as a customer's browser would — pages in three
//! locales, 404s that reveal nothing, hostile markdown made inert, search, hreflang and the
//! sitemap, votes that sync to desktops, edits visible on the next request, and what search
//! engines and browsers look for: robots.txt, the icon, descriptions, compression, caching,
//! dates in the reader's calendar.

mod common;

on_both_backends!(
    pages_locales_and_not_found,
    hostile_markdown_renders_inert,
    search_finds_titles_and_bodies_in_each_locale,
    sitemap_and_alternates_list_only_public_translations,
    votes_count_once_per_browser_and_reach_desktops,
    edits_show_on_the_next_request,
    crawlers_find_robots_txt_the_sitemap_and_descriptions,
    pages_are_compressed_and_assets_cached,
    persian_pages_are_titled_once_and_dated_in_the_persian_calendar,
);

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::*;
use porchlight_domain::catalog::Locale;
use porchlight_domain::dates::month_name;
use porchlight_domain::kb::{ArticleStatus, ArticleVisibility, KbMutation};
use serde_json::Value;

// ---- a browser-like HTTP client --------------------------------------------------------

struct Page {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    bytes: Vec<u8>,
}

impl Page {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build()
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> Page {
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = r.status();
    let headers = r
        .headers_names()
        .into_iter()
        .flat_map(|n| {
            r.all(&n)
                .into_iter()
                .map(|v| (n.clone(), v.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

fn get(s: &Server, path: &str) -> Page {
    get_with(s, path, &[])
}

fn get_with(s: &Server, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = agent().get(&format!("{}{path}", s.url));
    for (n, v) in headers {
        req = req.set(n, v);
    }
    answer(req.call())
}

fn post_form(s: &Server, path: &str, form: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = agent()
        .post(&format!("{}{path}", s.url))
        .set("Content-Type", "application/x-www-form-urlencoded");
    for (n, v) in headers {
        req = req.set(n, v);
    }
    answer(req.send_string(form))
}

/// Percent-encodes a path segment or query value.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ---- the knowledge base ----------------------------------------------------------------

/// Ids of what [`seed`] wrote.
struct Kb {
    billing: String,
    shipping: String,
    secret_category: String,
    /// Public and published in en, fa and tr.
    refund: String,
    /// Public, published, English only, with hostile markdown.
    hostile: String,
    /// Public and published in en only (Shipping).
    delivery: String,
    draft: String,
    internal: String,
    deleted: String,
    archived: String,
}

const DRAFT_TITLE: &str = "Unreleased pricing plans";
const INTERNAL_TITLE: &str = "Escalation phone numbers";
const DELETED_TITLE: &str = "Discontinued gift cards";
const ARCHIVED_TITLE: &str = "Old loyalty programme";

const HOSTILE_BODY: &str = "Intro text.\n\n<script>alert('s')</script>\n\n\
<img src=x onerror=alert('e')>\n\n[click me](javascript:alert('j'))\n\n\
[sneaky](JaVaScRiPt:alert('k'))\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n\
<a href=\"javascript:alert('a')\" onclick=\"alert('c')\">raw link</a>\n\n\
<div style=\"position:fixed\" onmouseover=\"alert('m')\">overlay</div>\n\n\
![pixel](javascript:alert('i'))\n\n[fine](https://example.com/docs)";

fn m(k: KbMutation) -> Value {
    serde_json::to_value(k).unwrap()
}

fn create_article(id: &str, category: &str, title: &str, body: &str, public: bool) -> Value {
    m(KbMutation::CreateArticle {
        id: id.into(),
        revision_id: uuid(),
        category_id: Some(category.into()),
        source_locale: "en".into(),
        title: title.into(),
        body_markdown: body.into(),
        visibility: if public {
            ArticleVisibility::Public
        } else {
            ArticleVisibility::Internal
        },
        tags: vec![],
    })
}

fn translate(id: &str, locale: &str, base: i64, title: &str, body: &str) -> Value {
    m(KbMutation::SaveTranslation {
        article_id: id.into(),
        locale: locale.into(),
        revision_id: uuid(),
        base_revision: base,
        source_revision: (locale != "en").then_some(1),
        title: title.into(),
        body_markdown: body.into(),
    })
}

fn set_status(id: &str, status: ArticleStatus) -> Value {
    m(KbMutation::SetArticleStatus {
        article_id: id.into(),
        status,
    })
}

fn category(id: &str, position: i64, names: &[(&str, &str)]) -> Value {
    m(KbMutation::CreateCategory {
        id: id.into(),
        position,
        names: names
            .iter()
            .map(|(l, n)| (l.to_string(), n.to_string()))
            .collect::<BTreeMap<_, _>>(),
        descriptions: BTreeMap::new(),
    })
}

fn push_ok(c: &mut Client, mutations: &[Value]) {
    let r = c.push(mutations);
    assert_eq!(r.status, 200, "{}", r.body);
    for res in r.body["results"].as_array().unwrap() {
        assert_eq!(res["outcome"], "applied", "refused: {res}");
    }
}

fn seed(s: &Server) -> (Client, Kb) {
    s.add_user("editor@example.com", "Ece Editor", "kb_editor");
    let mut c = s.login("editor@example.com");
    let kb = Kb {
        billing: uuid(),
        shipping: uuid(),
        secret_category: uuid(),
        refund: uuid(),
        hostile: uuid(),
        delivery: uuid(),
        draft: uuid(),
        internal: uuid(),
        deleted: uuid(),
        archived: uuid(),
    };
    push_ok(
        &mut c,
        &[
            // Shipping first in time but second in position.
            category(&kb.shipping, 2, &[("en", "Shipping")]),
            category(
                &kb.billing,
                1,
                &[("en", "Billing"), ("tr", "Fatura"), ("fa", "صورتحساب")],
            ),
            category(&kb.secret_category, 3, &[("en", "Roadmap")]),
            create_article(
                &kb.refund,
                &kb.billing,
                "How to request a refund",
                "Open **Orders** and press *Request refund*. Refunds reach your card within five working days.",
                true,
            ),
            translate(
                &kb.refund,
                "fa",
                0,
                "درخواست بازپرداخت",
                "صفحهٔ **سفارش‌ها** را باز کنید. مبلغ ظرف پنج روز کاری به کارت شما برمی‌گردد.",
            ),
            translate(
                &kb.refund,
                "tr",
                0,
                "İade nasıl istenir",
                "**Siparişler** sayfasını açın. Şifrenizi unuttuysanız önce sıfırlayın; iadeler beş iş günü içinde ulaşır.",
            ),
            set_status(&kb.refund, ArticleStatus::Published),
            create_article(&kb.hostile, &kb.billing, "Hostile content test", HOSTILE_BODY, true),
            set_status(&kb.hostile, ArticleStatus::Published),
            create_article(
                &kb.delivery,
                &kb.shipping,
                "Delivery times",
                "Parcels leave the warehouse every weekday.",
                true,
            ),
            set_status(&kb.delivery, ArticleStatus::Published),
            create_article(
                &kb.draft,
                &kb.secret_category,
                DRAFT_TITLE,
                "Nobody may read this yet.",
                true,
            ),
            create_article(
                &kb.internal,
                &kb.billing,
                INTERNAL_TITLE,
                "Call the escalation line.",
                false,
            ),
            set_status(&kb.internal, ArticleStatus::Published),
            create_article(
                &kb.deleted,
                &kb.billing,
                DELETED_TITLE,
                "Gift cards are gone.",
                true,
            ),
            set_status(&kb.deleted, ArticleStatus::Published),
            m(KbMutation::DeleteArticle {
                article_id: kb.deleted.clone(),
            }),
            create_article(
                &kb.archived,
                &kb.billing,
                ARCHIVED_TITLE,
                "The programme ended.",
                true,
            ),
            set_status(&kb.archived, ArticleStatus::Published),
            set_status(&kb.archived, ArticleStatus::Archived),
        ],
    );
    (c, kb)
}

const SECRET_TITLES: [&str; 4] = [DRAFT_TITLE, INTERNAL_TITLE, DELETED_TITLE, ARCHIVED_TITLE];

/// The address of an article as the help center names it, read from a page that links it.
fn link_to(page: &str, prefix: &str) -> String {
    let start = page
        .find(&format!("href=\"{prefix}"))
        .unwrap_or_else(|| panic!("no link starting {prefix} in:\n{page}"))
        + 6;
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_string()
}

fn assert_html_page(p: &Page) {
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.header("content-type"), Some("text/html; charset=utf-8"));
    let csp = p.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        !csp.contains("script-src") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(p.header("etag").is_some());
    assert!(!p.body.contains("<script"), "{}", p.body);
}

// ---- scenarios -------------------------------------------------------------------------

fn pages_locales_and_not_found(backend: Backend) {
    let s = Server::start(backend);
    let (_c, kb) = seed(&s);

    // The entrance follows Accept-Language among the locales that have content.
    for (accept, to) in [
        ("fa-IR,fa;q=0.9,en;q=0.5", "/help/fa/"),
        ("tr", "/help/tr/"),
        ("pl-PL,de;q=0.8", "/help/en/"),
        ("", "/help/en/"),
    ] {
        let p = get_with(&s, "/help", &[("Accept-Language", accept)]);
        assert_eq!(
            (p.status, p.header("location")),
            (303, Some(to)),
            "{accept}"
        );
    }

    // The server's own address is the way in too (an installed server's first page).
    let root = get_with(&s, "/", &[("Accept-Language", "tr")]);
    assert_eq!(
        (root.status, root.header("location")),
        (303, Some("/help/tr/"))
    );

    // Home: categories in their order with their articles; no hidden titles anywhere.
    let home = get(&s, "/help/en/");
    assert_html_page(&home);
    assert!(home.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    let (billing, shipping) = (
        home.body.find(">Billing<").expect("Billing"),
        home.body.find(">Shipping<").expect("Shipping"),
    );
    assert!(billing < shipping, "categories in position order");
    assert!(home.body.contains("How to request a refund"));
    assert!(home.body.contains("Delivery times"));
    assert!(!home.body.contains("Roadmap"), "a category of drafts only");
    for secret in SECRET_TITLES {
        assert!(!home.body.contains(secret), "{secret} on the home page");
    }
    assert!(home.body.contains("href=\"/help/en/requests/new\""));
    assert!(home.body.contains("Submit a request"));
    // Revalidation answers 304.
    let etag = home.header("etag").unwrap().to_string();
    let again = get_with(&s, "/help/en/", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);

    // Persian: right to left, Persian words, its own category name.
    let fa = get(&s, "/help/fa/");
    assert_html_page(&fa);
    assert!(
        fa.body.contains("<html lang=\"fa\" dir=\"rtl\">"),
        "{}",
        fa.body
    );
    assert!(fa.body.contains("مرکز راهنمایی") && fa.body.contains("ارسال درخواست"));
    assert!(fa.body.contains("صورتحساب") && fa.body.contains("درخواست بازپرداخت"));
    assert!(!fa.body.contains("Delivery times"), "English-only article");
    assert!(fa.body.contains("href=\"/help/fa/requests/new\""));

    // Category pages, with a wrong slug redirected.
    let cat = link_to(&home.body, "/help/en/categories/");
    let cat_page = get(&s, &cat);
    assert_html_page(&cat_page);
    assert!(cat_page.body.contains("How to request a refund"));
    assert!(cat_page.body.contains("Hostile content test"));
    assert!(!cat_page.body.contains(INTERNAL_TITLE));
    let wrong = get(&s, &format!("/help/en/categories/{}-nonsense", kb.billing));
    assert_eq!(wrong.status, 301);
    assert_eq!(
        wrong.header("location"),
        Some(format!("/help/en/categories/{}-billing", kb.billing).as_str())
    );

    // The article: its text, its language switcher, its vote form.
    let article = get(
        &s,
        &format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund),
    );
    assert_html_page(&article);
    assert!(article.body.contains("<h1>How to request a refund</h1>"));
    assert!(article.body.contains("<strong>Orders</strong>"));
    assert!(article.body.contains("within five working days"));
    assert!(article
        .body
        .contains(&format!("action=\"/help/en/articles/{}/vote\"", kb.refund)));
    for l in ["en", "fa", "tr"] {
        assert!(
            article
                .body
                .contains(&format!("<link rel=\"alternate\" hreflang=\"{l}\"")),
            "alternate {l} missing"
        );
        assert!(
            article
                .body
                .contains(&format!("hreflang=\"{l}\" lang=\"{l}\"")),
            "switcher {l}"
        );
    }
    assert!(
        !article.body.contains("hreflang=\"pl\""),
        "no Polish translation exists"
    );
    assert!(article.body.contains(">فارسی<") && article.body.contains(">Türkçe<"));

    // A wrong or missing slug redirects to the right one; Persian slugs are encoded.
    for seg in [kb.refund.clone(), format!("{}-old-title", kb.refund)] {
        let r = get(&s, &format!("/help/en/articles/{seg}"));
        assert_eq!(r.status, 301);
        assert_eq!(
            r.header("location"),
            Some(format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund).as_str())
        );
    }
    let r = get(&s, &format!("/help/fa/articles/{}", kb.refund));
    assert_eq!(r.status, 301);
    let fa_path = r.header("location").unwrap().to_string();
    assert_eq!(
        fa_path,
        format!(
            "/help/fa/articles/{}-{}",
            kb.refund,
            enc("درخواست-بازپرداخت")
        )
    );
    let fa_article = get(&s, &fa_path);
    assert_html_page(&fa_article);
    assert!(fa_article.body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    assert!(fa_article.body.contains("<h1>درخواست بازپرداخت</h1>"));
    assert!(fa_article.body.contains("آیا این مقاله مفید بود؟"));
    // A locale in another spelling is redirected to the canonical tag.
    let upper = get(&s, "/help/EN/");
    assert_eq!(
        (upper.status, upper.header("location")),
        (301, Some("/help/en/"))
    );

    // Everything not public answers one and the same 404 page.
    let not_found: Vec<String> = [
        format!("/help/en/articles/{}", kb.draft),
        format!("/help/en/articles/{}-unreleased-pricing-plans", kb.draft),
        format!("/help/en/articles/{}", kb.internal),
        format!("/help/en/articles/{}", kb.deleted),
        format!("/help/en/articles/{}", kb.archived),
        format!("/help/en/articles/{}", uuid()),
        "/help/en/articles/nothing".to_string(),
        "/help/en/nothing/at/all".to_string(),
        format!("/help/en/articles/{}/extra", kb.refund),
        format!("/help/en/categories/{}-roadmap", kb.secret_category),
        format!("/help/en/categories/{}", uuid()),
        format!("/help/xx/articles/{}", kb.refund),
        "/help/de/search?q=refund".to_string(),
    ]
    .into_iter()
    .map(|path| {
        let p = get(&s, &path);
        assert_eq!(p.status, 404, "{path}");
        assert_eq!(p.header("content-type"), Some("text/html; charset=utf-8"));
        for secret in SECRET_TITLES.iter().chain(&["Roadmap", "Nobody may read"]) {
            assert!(!p.body.contains(secret), "{path} reveals {secret}");
        }
        p.body
    })
    .collect();
    assert!(not_found[0].contains("Page not found"));
    assert!(
        not_found.iter().all(|b| b == &not_found[0]),
        "404 bodies differ"
    );
    // A language the help center speaks but nothing is written in yet: its home page says so
    // in that language and offers the languages that have articles (the shared header's brand
    // leads there from a Polish request form), kept out of search engines; its article
    // addresses answer the same 404 page, in its words.
    let (pl_home, pl_article) = (
        get(&s, "/help/pl/"),
        get(&s, &format!("/help/pl/articles/{}", kb.refund)),
    );
    assert_eq!((pl_home.status, pl_article.status), (200, 404));
    assert!(pl_home.body.contains("Nie ma tu jeszcze artykułów."));
    assert!(pl_home.body.contains("Artykuły w innych językach:"));
    assert!(
        pl_home.body.contains("href=\"/help/en/\""),
        "{}",
        pl_home.body
    );
    assert!(pl_home
        .body
        .contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(pl_article.body.contains("Nie znaleziono strony"));
    assert_eq!(get(&s, "/help/pl").status, 301);
    assert_eq!(
        get(&s, "/help/de/").status,
        404,
        "a language the help center does not speak"
    );
    // A Persian address of a hidden article: the same Persian page as for one that never
    // existed; an English-only article has no Turkish page.
    let fa_hidden = get(&s, &format!("/help/fa/articles/{}", kb.internal));
    let fa_unknown = get(&s, &format!("/help/fa/articles/{}", uuid()));
    assert_eq!((fa_hidden.status, fa_unknown.status), (404, 404));
    assert_eq!(fa_hidden.body, fa_unknown.body);
    assert!(fa_hidden.body.contains("صفحه پیدا نشد"));
    assert_eq!(
        get(&s, &format!("/help/tr/articles/{}", kb.delivery)).status,
        404
    );

    // The stylesheet travels inside the page (nothing to wait for before the first paint),
    // allowed by its hash and nothing else; the same on every page.
    let style = |b: &str| b[b.find("<style>").unwrap()..b.find("</style>").unwrap()].to_string();
    assert!(style(&home.body).contains("inset-inline-start"));
    assert_eq!(style(&home.body), style(&fa_article.body));
    let csp = home.header("content-security-policy").unwrap();
    assert!(csp.contains("style-src 'sha256-"), "{csp}");
    assert_eq!(get(&s, "/help/assets/other.css").status, 404);
}

fn hostile_markdown_renders_inert(backend: Backend) {
    let s = Server::start(backend);
    let (mut c, kb) = seed(&s);
    // Titles and category names are text too.
    let (evil_cat, evil) = (uuid(), uuid());
    push_ok(
        &mut c,
        &[
            category(
                &evil_cat,
                5,
                &[("en", "<img src=x onerror=alert(1)>Evil & co")],
            ),
            create_article(
                &evil,
                &evil_cat,
                "<script>alert(2)</script> \"quoted\" title",
                "Body.",
                true,
            ),
            set_status(&evil, ArticleStatus::Published),
        ],
    );
    let home = get(&s, "/help/en/");
    assert_html_page(&home);
    assert!(home
        .body
        .contains("&lt;img src=x onerror=alert(1)&gt;Evil &amp; co"));
    assert!(home
        .body
        .contains("&lt;script&gt;alert(2)&lt;/script&gt; &quot;quoted&quot; title"));
    assert!(!home.body.contains("<img src=x"));
    // The one image is the help center's icon in the header.
    assert_eq!(home.body.matches("<img").count(), 1);
    let path = link_to(&home.body, &format!("/help/en/articles/{evil}"));
    let page = get(&s, &path);
    assert_html_page(&page);
    assert!(page
        .body
        .contains("<title>&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(!page.body.contains("<img src=x"));
    let p = get(
        &s,
        &format!("/help/en/articles/{}-hostile-content-test", kb.hostile),
    );
    assert_html_page(&p);
    let body = &p.body;
    let article =
        &body[body.find("<div class=\"body\">").unwrap()..body.find("</article>").unwrap()];
    // Escaped text cannot hold a "<": every "<" left starts real markup. None of it may
    // run code, load a frame, restyle the page or link to a script.
    for tag in article
        .split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
    {
        let tag = tag.to_ascii_lowercase();
        let name = tag.split([' ', '/']).find(|n| !n.is_empty()).unwrap_or("");
        assert!(
            !["script", "iframe", "object", "embed", "svg", "style", "form"].contains(&name),
            "<{tag}> survived:\n{article}"
        );
        for bad in ["javascript:", "style=", "src=\"x\""] {
            assert!(!tag.contains(bad), "<{tag}> keeps {bad}");
        }
        assert!(
            !tag.split_whitespace().skip(1).any(|a| a.starts_with("on")),
            "<{tag}> keeps an event handler"
        );
    }
    // Raw HTML is shown as text, links keep their words, safe links stay links.
    assert!(article.contains("&lt;script&gt;"), "{article}");
    assert!(article.contains("click me") && article.contains("sneaky"));
    assert!(article.contains("href=\"https://example.com/docs\""));
    assert!(article.contains("rel=\"noopener noreferrer nofollow\""));
}

fn search_finds_titles_and_bodies_in_each_locale(backend: Backend) {
    let s = Server::start(backend);
    let (_c, kb) = seed(&s);
    let found = |locale: &str, q: &str| -> String {
        let p = get(&s, &format!("/help/{locale}/search?q={}", enc(q)));
        assert_html_page(&p);
        p.body
    };
    let refund_link = format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund);
    // By title, by body, case- and diacritic-insensitive, the last word as a prefix.
    for q in ["refund", "REFUND request", "working days", "warehou"] {
        let body = found("en", q);
        let expect = if q == "warehou" {
            "Delivery times"
        } else {
            refund_link.as_str()
        };
        assert!(body.contains(expect), "{q}: {body}");
    }
    // Titles weigh more than bodies: "refund" in a title ranks above a body mention.
    let body = found("en", "refund");
    assert!(body.contains("Articles found: 1"), "{body}");
    // The search box keeps the query, escaped.
    let body = found("en", "\"><b>x</b>");
    assert!(
        body.contains("value=\"&quot;&gt;&lt;b&gt;x&lt;/b&gt;\""),
        "{body}"
    );
    assert!(!body.contains("<b>x</b>"));
    // Persian by title and by body; Arabic letter forms find Persian ones.
    let fa_link = format!(
        "/help/fa/articles/{}-{}",
        kb.refund,
        enc("درخواست-بازپرداخت")
    );
    for q in ["بازپرداخت", "کارت", "كارت", "روز کاری"] {
        let body = found("fa", q);
        assert!(body.contains(&fa_link), "{q}: {body}");
        assert!(body.contains("<html lang=\"fa\" dir=\"rtl\">"));
    }
    // Turkish without its diacritics.
    for q in ["iade", "sifrenizi", "ŞİFRENİZİ"] {
        let body = found("tr", q);
        assert!(body.contains("İade nasıl istenir"), "{q}: {body}");
    }
    // Hidden articles are never found.
    for q in ["unreleased pricing", "escalation", "gift cards", "loyalty"] {
        let body = found("en", q);
        assert!(body.contains("Articles found: 0"), "{q}: {body}");
        for secret in SECRET_TITLES {
            assert!(!body.contains(secret));
        }
    }
    // An English article is not found in Persian.
    assert!(found("fa", "delivery").contains("مقاله‌های پیداشده: ۰"));
}

fn sitemap_and_alternates_list_only_public_translations(backend: Backend) {
    let s = Server::start(backend);
    let (_c, kb) = seed(&s);
    let p = get(&s, "/help/sitemap.xml");
    assert_eq!(p.status, 200);
    assert_eq!(
        p.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    let xml = &p.body;
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let origin = s.url.as_str();
    let en = format!(
        "{origin}/help/en/articles/{}-how-to-request-a-refund",
        kb.refund
    );
    let fa = format!(
        "{origin}/help/fa/articles/{}-{}",
        kb.refund,
        enc("درخواست-بازپرداخت")
    );
    let tr = format!("{origin}/help/tr/articles/{}-iade-nasil-istenir", kb.refund);
    for loc in [&en, &fa, &tr] {
        assert!(
            xml.contains(&format!("<loc>{loc}</loc>")),
            "{loc} missing:\n{xml}"
        );
    }
    // Each of the three lists all three as alternates.
    for (l, href) in [("en", &en), ("fa", &fa), ("tr", &tr)] {
        let alt = format!("<xhtml:link rel=\"alternate\" hreflang=\"{l}\" href=\"{href}\"/>");
        assert_eq!(xml.matches(&alt).count(), 3, "{alt}");
    }
    assert_eq!(
        xml.matches("<url>").count(),
        5,
        "3 + hostile + delivery:\n{xml}"
    );
    for hidden in [&kb.draft, &kb.internal, &kb.deleted, &kb.archived] {
        assert!(!xml.contains(hidden.as_str()));
    }
    // On a page: absolute alternates of the same article.
    let page = get(
        &s,
        &format!("/help/tr/articles/{}-iade-nasil-istenir", kb.refund),
    );
    assert_html_page(&page);
    assert!(page.body.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"fa\" href=\"{fa}\">"
    )));
    assert!(page.body.contains("<html lang=\"tr\" dir=\"ltr\">"));
    assert!(page.body.contains("Talep gönderin"));
}

/// KbVotes documents as a desktop pulls them.
fn votes(c: &Client, article: &str) -> Option<(i64, i64)> {
    c.pull_all().get(&format!("kb_votes:{article}")).map(|v| {
        (
            v["helpful"].as_i64().unwrap(),
            v["not_helpful"].as_i64().unwrap(),
        )
    })
}

fn cookie_of(p: &Page) -> String {
    let set = p.header("set-cookie").expect("a vote cookie");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/help"));
    set.split(';').next().unwrap().to_string()
}

fn votes_count_once_per_browser_and_reach_desktops(backend: Backend) {
    let s = Server::start(backend);
    let (c, kb) = seed(&s);
    let path = format!("/help/en/articles/{}/vote", kb.refund);
    let article = format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund);
    let events = events(&s.url, &c.token);
    assert_eq!(votes(&c, &kb.refund), None);

    let first = post_form(&s, &path, "helpful=yes", &[]);
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(
        first.header("location"),
        Some(format!("{article}?voted=1#vote").as_str())
    );
    let cookie = cookie_of(&first);
    assert_eq!(votes(&c, &kb.refund), Some((1, 0)));
    // Desktops were poked.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ev = events
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a poke after the vote");
        if ev["type"] == "poke" {
            break;
        }
    }
    // The same browser again: nothing counted; the page thanks instead of asking.
    let again = post_form(&s, &path, "helpful=no", &[("Cookie", &cookie)]);
    assert_eq!(again.status, 303);
    assert_eq!(votes(&c, &kb.refund), Some((1, 0)));
    let page = get_with(&s, &article, &[("Cookie", &cookie)]);
    assert_html_page(&page);
    assert!(page.body.contains("Thank you for your feedback."));
    assert!(!page.body.contains("/vote\""));
    let fresh = get(&s, &article);
    assert!(fresh.body.contains("Was this article helpful?"));
    // The cookie covers the article in every locale, and keeps earlier votes.
    let fa_vote = post_form(
        &s,
        &format!("/help/fa/articles/{}/vote", kb.refund),
        "helpful=no",
        &[("Cookie", &cookie)],
    );
    assert_eq!(fa_vote.status, 303);
    assert_eq!(votes(&c, &kb.refund), Some((1, 0)));
    let other = post_form(
        &s,
        &format!("/help/en/articles/{}/vote", kb.delivery),
        "helpful=no",
        &[("Cookie", &cookie)],
    );
    assert_eq!(other.status, 303);
    let both = cookie_of(&other);
    assert!(both.len() > cookie.len() && both.contains(&cookie["help_votes=".len()..]));
    assert_eq!(votes(&c, &kb.delivery), Some((0, 1)));

    // Hidden or unknown articles: 404 and nothing stored.
    for hidden in [&kb.draft, &kb.internal, &kb.deleted, &kb.archived] {
        let p = post_form(
            &s,
            &format!("/help/en/articles/{hidden}/vote"),
            "helpful=yes",
            &[],
        );
        assert_eq!(p.status, 404);
        assert_eq!(votes(&c, hidden), None);
    }
    assert_eq!(
        post_form(
            &s,
            &format!("/help/pl/articles/{}/vote", kb.refund),
            "helpful=yes",
            &[]
        )
        .status,
        404
    );
    // Not an answer, or a post from another site: nothing counted.
    assert_eq!(post_form(&s, &path, "helpful=maybe", &[]).status, 303);
    let cross = post_form(
        &s,
        &path,
        "helpful=yes",
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(cross.status, 403);
    assert_eq!(votes(&c, &kb.refund), Some((1, 0)));

    // Per client address, votes are rate-limited: 2 counted so far, 18 more, then 429.
    for i in 0..18 {
        let p = post_form(
            &s,
            &path,
            if i % 2 == 0 {
                "helpful=yes"
            } else {
                "helpful=no"
            },
            &[],
        );
        assert_eq!(p.status, 303, "vote {i}");
    }
    let limited = post_form(&s, &path, "helpful=yes", &[]);
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    assert!(limited.body.contains("Too many answers"));
    assert_eq!(votes(&c, &kb.refund), Some((10, 9)));
}

fn edits_show_on_the_next_request(backend: Backend) {
    let s = Server::start(backend);
    let (mut c, kb) = seed(&s);
    let path = format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund);
    assert!(get(&s, &path).body.contains("within five working days"));
    // A second process on the same database (PostgreSQL only: SQLite has one).
    let sibling = (backend == Backend::Postgres).then(|| s.sibling());
    if let Some(b) = &sibling {
        let p = get(b, &path);
        assert!(
            p.status == 200 && p.body.contains("within five working days"),
            "{} {}\n{}",
            p.status,
            p.body,
            b.log_text()
        );
    }

    push_ok(
        &mut c,
        &[translate(
            &kb.refund,
            "en",
            1,
            "How to request a refund",
            "Refunds now arrive within **two** days.",
        )],
    );
    let p = get(&s, &path);
    assert!(
        p.body.contains("within <strong>two</strong> days"),
        "{}",
        p.body
    );
    assert!(!p.body.contains("five working days"));
    assert!(get(&s, "/help/en/search?q=two").body.contains(&path));

    // A new title moves the address; the old one redirects.
    push_ok(
        &mut c,
        &[translate(
            &kb.refund,
            "en",
            2,
            "Getting your money back",
            "Refunds arrive within two days.",
        )],
    );
    let moved = get(&s, &path);
    assert_eq!(moved.status, 301);
    let new_path = format!("/help/en/articles/{}-getting-your-money-back", kb.refund);
    assert_eq!(moved.header("location"), Some(new_path.as_str()));

    // Archived: gone at once, in every locale and from search; published again: back.
    push_ok(&mut c, &[set_status(&kb.refund, ArticleStatus::Archived)]);
    assert_eq!(get(&s, &new_path).status, 404);
    assert_eq!(
        get(&s, &format!("/help/tr/articles/{}", kb.refund)).status,
        404
    );
    assert!(get(&s, "/help/en/search?q=money")
        .body
        .contains("Articles found: 0"));
    // Persian had only this article: its home says there is nothing in Persian yet.
    let fa_empty = get(&s, "/help/fa/");
    assert!(fa_empty.body.contains("هنوز مقاله‌ای اینجا نیست."));
    assert!(fa_empty.body.contains("noindex"));
    push_ok(&mut c, &[set_status(&kb.refund, ArticleStatus::Published)]);
    assert_eq!(get(&s, &new_path).status, 200);
    let fa_back = get(&s, "/help/fa/");
    assert_eq!(fa_back.status, 200);
    assert!(!fa_back.body.contains("noindex"));

    // The other process learns of the change through LISTEN/NOTIFY.
    if let Some(b) = &sibling {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let p = get(b, &new_path);
            if p.status == 200 && p.body.contains("within two days") {
                break;
            }
            assert!(Instant::now() < deadline, "the sibling never saw the edit");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The `content` of the page's `<meta name="description">`.
fn description(page: &str) -> String {
    let at = page
        .find("<meta name=\"description\" content=\"")
        .unwrap_or_else(|| panic!("no meta description in:\n{page}"))
        + 34;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

fn crawlers_find_robots_txt_the_sitemap_and_descriptions(backend: Backend) {
    let s = Server::start(backend);
    let (mut c, kb) = seed(&s);
    let (described, reset) = (uuid(), uuid());
    push_ok(
        &mut c,
        &[
            m(KbMutation::CreateCategory {
                id: described.clone(),
                position: 4,
                names: [("en".to_string(), "Accounts".to_string())].into(),
                descriptions: [(
                    "en".to_string(),
                    "Signing in, passwords and\nyour profile.".to_string(),
                )]
                .into(),
            }),
            create_article(
                &reset,
                &described,
                "Reset a password",
                "Press Forgot.",
                true,
            ),
            set_status(&reset, ArticleStatus::Published),
        ],
    );

    // robots.txt lets crawlers read every public page and names the sitemap; it keeps them
    // out of private tracking and survey links and the agents' API only.
    let robots = get(&s, "/robots.txt");
    assert_eq!(robots.status, 200);
    assert_eq!(
        robots.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let lines: Vec<&str> = robots.body.lines().collect();
    assert!(lines.contains(&"User-agent: *"), "{}", robots.body);
    assert!(lines.contains(&"Allow: /help/"), "{}", robots.body);
    let sitemap = format!("{}/help/sitemap.xml", s.url);
    assert!(
        lines.contains(&format!("Sitemap: {sitemap}").as_str()),
        "{}",
        robots.body
    );
    let disallowed: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("Disallow:"))
        .map(str::trim)
        .collect();
    assert_eq!(disallowed, ["/help/requests/", "/help/survey/", "/api/"]);
    let home = get(&s, "/help/en/");
    let public = [
        "/help/en/".to_string(),
        "/help/fa/".to_string(),
        link_to(&home.body, "/help/en/categories/"),
        link_to(&home.body, "/help/en/articles/"),
        "/help/en/search?q=refund".to_string(),
        "/help/en/requests/new".to_string(),
        "/help/sitemap.xml".to_string(),
        "/".to_string(),
    ];
    for path in &public {
        assert!(
            !disallowed.iter().any(|d| path.starts_with(d)),
            "robots.txt keeps crawlers from {path}"
        );
    }
    assert_eq!(get(&s, "/help/sitemap.xml").status, 200);

    // Each page describes itself in its own words.
    assert!(description(&home.body).starts_with("Answers to common questions"));
    assert!(description(&get(&s, "/help/tr/").body).starts_with("Sık sorulan soruların"));
    let article = get(
        &s,
        &format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund),
    );
    assert_eq!(
        description(&article.body),
        "Open Orders and press Request refund. Refunds reach your card within five working days."
    );
    let fa_article = get(
        &s,
        &link_to(&get(&s, "/help/fa/").body, "/help/fa/articles/"),
    );
    assert!(
        description(&fa_article.body).starts_with("صفحهٔ سفارش‌ها را باز کنید."),
        "{}",
        description(&fa_article.body)
    );
    // A category by its own description, else by its name and its articles' titles.
    let accounts = get(&s, &format!("/help/en/categories/{described}-accounts"));
    assert_eq!(accounts.status, 200, "{}", accounts.body);
    assert_eq!(
        description(&accounts.body),
        "Signing in, passwords and your profile."
    );
    let billing = get(&s, &format!("/help/en/categories/{}-billing", kb.billing));
    let d = description(&billing.body);
    assert!(
        d.starts_with("Billing: ")
            && d.contains("How to request a refund")
            && d.contains("Hostile content test"),
        "{d}"
    );
    // Indexable pages name their canonical address; the language versions stay listed.
    assert!(article.body.contains(&format!(
        "<link rel=\"canonical\" href=\"{}/help/en/articles/{}-how-to-request-a-refund\">",
        s.url, kb.refund
    )));
    assert!(!get(&s, "/help/en/search?q=refund")
        .body
        .contains("rel=\"canonical\""));
}

fn pages_are_compressed_and_assets_cached(backend: Backend) {
    let s = Server::start(backend);
    let (_c, kb) = seed(&s);
    let article = format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund);
    for path in [
        "/help/en/",
        article.as_str(),
        "/help/en/requests/new",
        "/help/sitemap.xml",
    ] {
        let plain = get(&s, path);
        assert_eq!(plain.status, 200, "{path}");
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        let gz = get_with(&s, path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(gz.status, 200, "{path}");
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(&gz.bytes[..2], &[0x1f, 0x8b], "{path}: not gzip data");
        assert!(
            gz.bytes.len() * 2 < plain.bytes.len(),
            "{path}: {} bytes compressed of {}",
            gz.bytes.len(),
            plain.bytes.len()
        );
        assert!(
            gz.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("vary")
                    && v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}: no Vary: Accept-Encoding"
        );
        // Brotli, as browsers ask: the very page, and the same bytes when asked again (a
        // page is compressed once, then sent from its kept bytes).
        let br = get_with(&s, path, &[("Accept-Encoding", "gzip, deflate, br")]);
        assert_eq!(br.header("content-encoding"), Some("br"), "{path}");
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut br.bytes.as_slice(), &mut unpacked).expect(path);
        assert_eq!(
            unpacked, plain.bytes,
            "{path}: the Brotli page is not the page"
        );
        assert!(
            br.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("vary")
                    && v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}: no Vary: Accept-Encoding"
        );
        let br_again = get_with(&s, path, &[("Accept-Encoding", "br")]);
        assert_eq!(br_again.bytes, br.bytes, "{path}");
        let refused = get_with(&s, path, &[("Accept-Encoding", "br;q=0, gzip")]);
        assert_eq!(refused.header("content-encoding"), Some("gzip"), "{path}");
    }
    // A compressed page still revalidates: the same (weak) validator, a 304.
    let gz = get_with(&s, &article, &[("Accept-Encoding", "gzip")]);
    let etag = gz.header("etag").unwrap().to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let again = get_with(
        &s,
        &article,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);

    // The icon every page shows: named by its content, cached for a year.
    let home = get(&s, "/help/en/");
    let icon = link_to(&home.body, "/help/assets/icon-");
    assert!(home.body.contains(&format!(
        "<link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">"
    )));
    let svg = get(&s, &icon);
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert_eq!(
        svg.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(svg.body.starts_with("<svg"));
    let svg_gz = get_with(&s, &icon, &[("Accept-Encoding", "gzip")]);
    assert_eq!(svg_gz.header("content-encoding"), Some("gzip"));
    let etag = svg.header("etag").unwrap().to_string();
    assert_eq!(get_with(&s, &icon, &[("If-None-Match", &etag)]).status, 304);
    // /favicon.ico, where browsers look by themselves: an icon, cached for a day.
    let ico = get(&s, "/favicon.ico");
    assert_eq!(ico.status, 200);
    assert_eq!(ico.header("content-type"), Some("image/x-icon"));
    assert!(ico
        .header("cache-control")
        .is_some_and(|c| c.starts_with("public, max-age=")));
    assert_eq!(&ico.bytes[..4], &[0, 0, 1, 0], "an ICO file");
    assert!(ico.bytes.windows(4).any(|w| w == b"\x89PNG"));
    // Images are sent as they are.
    assert_eq!(
        get_with(&s, "/favicon.ico", &[("Accept-Encoding", "gzip")]).header("content-encoding"),
        None
    );
}

/// The text of the first `<time>` element and its `datetime`.
fn first_time(page: &str) -> (String, String) {
    let at = page.find("<time datetime=\"").expect("a <time>") + 16;
    let datetime = page[at..at + 10].to_string();
    let text_at = at + page[at..].find('>').unwrap() + 1;
    let text = page[text_at..text_at + page[text_at..].find("</time>").unwrap()].to_string();
    (datetime, text)
}

fn persian_pages_are_titled_once_and_dated_in_the_persian_calendar(backend: Backend) {
    let s = Server::start(backend);
    let (_c, kb) = seed(&s);
    // The home page is titled by the help center's name alone, in every language.
    for (l, name) in [
        ("fa", "مرکز راهنمایی"),
        ("en", "Help center"),
        ("tr", "Yardım merkezi"),
    ] {
        let home = get(&s, &format!("/help/{l}/"));
        assert!(
            home.body.contains(&format!("<title>{name}</title>")),
            "{l}: {}",
            &home.body[..home.body.find("</title>").unwrap()]
        );
    }
    let fa = get(&s, &format!("/help/fa/articles/{}", kb.refund));
    let fa = get(&s, fa.header("location").unwrap());
    assert!(fa
        .body
        .contains("<title>درخواست بازپرداخت · مرکز راهنمایی</title>"));

    // The Persian article's date: Solar Hijri month, Persian digits, the Solar Hijri year.
    let (iso, text) = first_time(&fa.body);
    let months: Vec<&str> = (1..=12).map(|m| month_name(Locale::Fa, m)).collect();
    let words: Vec<&str> = text.split(' ').collect();
    assert_eq!(words.len(), 3, "{text}");
    assert!(months.contains(&words[1]), "{text}");
    let persian_number = |w: &str| -> u32 {
        assert!(
            !w.is_empty() && w.chars().all(|c| ('۰'..='۹').contains(&c)),
            "{w} is not written in Persian digits"
        );
        w.chars().fold(0, |n, c| n * 10 + (c as u32 - '۰' as u32))
    };
    let (day, year) = (persian_number(words[0]), persian_number(words[2]));
    assert!((1..=31).contains(&day), "{text}");
    // Nowruz falls on 20 or 21 March: the Solar Hijri year is 621 or 622 behind.
    let (gy, gm, gd): (u32, u32, u32) = (
        iso[..4].parse().unwrap(),
        iso[5..7].parse().unwrap(),
        iso[8..].parse().unwrap(),
    );
    let expected = if (gm, gd) > (3, 21) {
        vec![gy - 621]
    } else if (gm, gd) < (3, 20) {
        vec![gy - 622]
    } else {
        vec![gy - 622, gy - 621]
    };
    assert!(expected.contains(&year), "{iso} is not in {text}");
    // English readers get the Gregorian date with the month's name.
    let en = get(
        &s,
        &format!("/help/en/articles/{}-how-to-request-a-refund", kb.refund),
    );
    let (en_iso, en_text) = first_time(&en.body);
    assert_eq!(en_iso, iso);
    let english = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    assert_eq!(
        en_text,
        format!("{} {gd}, {gy}", english[gm as usize - 1]),
        "{en_text}"
    );
}
