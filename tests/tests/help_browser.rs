//! The public pages of the real `porchlight-server` in headless Chromium (chromedriver), with
//! knowledge-base content pushed through the sync API as a desktop would: a customer browses
//! the help center in English and Persian (right to left), searches, votes, then submits a
//! request with an attachment, follows it on the private tracking page, replies, and sees an
//! agent's answer pushed through the API. The pages carry no script at all; everything is
//! plain forms and links.

use std::path::PathBuf;
use std::time::Duration;

use porchlight_domain::catalog::Locale;
use porchlight_domain::dates::month_name;
use porchlight_domain::kb::{ArticleStatus, ArticleVisibility, KbMutation};
use porchlight_e2e::{Chrome, Session, TestServer, SHORT};
use serde_json::{json, Value};

const PASSWORD: &str = "a long enough help password";

/// A signed-in agent talking to the sync API, as a desktop would.
struct Agent {
    url: String,
    token: String,
    client_id: String,
    next: i64,
}

fn call(url: &str, method: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut req = ureq::request(method, url).timeout(Duration::from_secs(30));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let res = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let r = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = r.status();
    let text = r.into_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

impl Agent {
    fn login(server: &TestServer, email: &str) -> Agent {
        let (status, body) = call(
            &format!("{}/api/v1/auth/login", server.url),
            "POST",
            None,
            Some(json!({"email": email, "password": PASSWORD, "device_name": "browser test"})),
        );
        assert_eq!(status, 200, "{body}");
        Agent {
            url: server.url.clone(),
            token: body["token"].as_str().unwrap().to_owned(),
            client_id: format!("browser-{}", std::process::id()),
            next: 1,
        }
    }

    fn push(&mut self, name: &str, args: Value) {
        self.push_all(&[json!({"name": name, "args": args})]);
    }

    /// Pushes mutations ({name, args}) in one request; each must apply.
    fn push_all(&mut self, mutations: &[Value]) {
        let numbered: Vec<Value> = mutations
            .iter()
            .map(|m| {
                self.next += 1;
                json!({"id": self.next - 1, "name": m["name"], "args": m["args"]})
            })
            .collect();
        let (status, body) = call(
            &format!("{}/api/v1/sync/push", self.url),
            "POST",
            Some(&self.token),
            Some(json!({"client_id": self.client_id, "schema_version": 1, "mutations": numbered})),
        );
        assert_eq!(status, 200, "{body}");
        for r in body["results"].as_array().unwrap() {
            assert_eq!(r["outcome"], "applied", "{body}");
        }
    }

    /// Every live document of a kind.
    fn docs(&self, kind: &str) -> Vec<Value> {
        let (mut cursor, mut out) = (0, Vec::new());
        loop {
            let (status, page) = call(
                &format!(
                    "{}/api/v1/sync/pull?client_id={}&cursor={cursor}&schema_version=1",
                    self.url, self.client_id
                ),
                "GET",
                Some(&self.token),
                None,
            );
            assert_eq!(status, 200, "{page}");
            for c in page["changes"].as_array().unwrap() {
                if c["key"]["kind"] == kind && !c["doc"].is_null() {
                    out.retain(|d: &Value| d["id"] != c["doc"]["doc"]["id"]);
                    out.push(c["doc"]["doc"].clone());
                }
            }
            cursor = page["cursor"].as_i64().unwrap();
            if !page["has_more"].as_bool().unwrap() {
                return out;
            }
        }
    }
}

/// A fresh message id (the domain takes any id up to 64 characters; desktops use UUIDv7).
fn new_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("browser-{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

fn kb(m: KbMutation) -> Value {
    serde_json::to_value(m).unwrap()
}

/// A category named in English and Persian with one published public article translated
/// into Persian, and a draft that must stay out of sight. Returns the article's id.
fn publish_knowledge_base(agent: &mut Agent) -> String {
    let (category, article, draft) = (new_id(), new_id(), new_id());
    let names = [("en", "Lamps and lighting"), ("fa", "چراغ و روشنایی")]
        .iter()
        .map(|(l, n)| (l.to_string(), n.to_string()))
        .collect();
    agent.push_all(&[
        kb(KbMutation::CreateCategory {
            id: category.clone(),
            position: 1,
            names,
            descriptions: Default::default(),
        }),
        kb(KbMutation::CreateArticle {
            id: article.clone(),
            revision_id: new_id(),
            category_id: Some(category.clone()),
            source_locale: "en".into(),
            title: "Why does my lamp flicker?".into(),
            body_markdown: "A loose **bulb** is the usual cause: turn it until it sits firmly."
                .into(),
            visibility: ArticleVisibility::Public,
            tags: vec![],
        }),
        kb(KbMutation::SaveTranslation {
            article_id: article.clone(),
            locale: "fa".into(),
            revision_id: new_id(),
            base_revision: 0,
            source_revision: Some(1),
            title: "چرا چراغ من چشمک می‌زند؟".into(),
            body_markdown: "معمولاً **لامپ** شل است: آن را بچرخانید تا محکم شود.".into(),
        }),
        kb(KbMutation::SetArticleStatus {
            article_id: article.clone(),
            status: ArticleStatus::Published,
        }),
        kb(KbMutation::CreateArticle {
            id: draft,
            revision_id: new_id(),
            category_id: Some(category),
            source_locale: "en".into(),
            title: "Unannounced lamp recall".into(),
            body_markdown: "Not public yet.".into(),
            visibility: ArticleVisibility::Public,
            tags: vec![],
        }),
    ]);
    article
}

fn click_css(s: &Session, css: &str) {
    let e = s.wait_css(css, SHORT);
    s.click(&e);
}

fn page_text(s: &Session) -> String {
    s.js("return document.body.innerText;", json!([]))
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// Browses, searches and votes; ends on the request form the help center links to.
fn help_center_story(s: &Session, server: &TestServer, agent: &mut Agent) {
    let url = &server.url;
    let article = publish_knowledge_base(agent);

    // English: home → category → article, then "Was this helpful?" → yes.
    s.goto(&format!("{url}/help/en/"));
    s.wait_text("Lamps and lighting", SHORT);
    no_scripts(s);
    assert_eq!(
        s.js("return document.documentElement.dir;", json!([])),
        json!("ltr")
    );
    click_css(s, "a[href*='/help/en/categories/']");
    s.wait_text("Why does my lamp flicker?", SHORT);
    assert!(!page_text(s).contains("recall"), "a draft is listed");
    click_css(s, "main a[href*='/help/en/articles/']");
    s.wait_text("A loose bulb is the usual cause", SHORT);
    click_css(s, "section.vote button[value=yes]");
    s.wait_css("section.vote .thanks", SHORT);
    let votes = agent.docs("kb_votes");
    let v = votes
        .iter()
        .find(|v| v["article_id"] == article.as_str())
        .expect("the vote reached the desktops' documents");
    assert_eq!((&v["helpful"], &v["not_helpful"]), (&json!(1), &json!(0)));

    // Search from the header's form: the article by a word of its title, never the draft.
    let q = s.wait_css("form.search input[name=q]", SHORT);
    s.type_into(&q, "flicker");
    click_css(s, "form.search button[type=submit]");
    s.wait_js(
        "search for flicker",
        "location.pathname.endsWith('/help/en/search')",
        SHORT,
    );
    s.wait_text("Why does my lamp flicker?", SHORT);
    s.goto(&format!("{url}/help/en/search?q=recall"));
    s.wait_css("form.search", SHORT);
    assert!(
        s.find_all("main a[href*='/articles/']").is_empty(),
        "search found a draft"
    );

    // Persian: right to left, the category and the article in Persian.
    s.goto(&format!("{url}/help/fa/"));
    s.wait_text("چراغ و روشنایی", SHORT);
    assert_eq!(
        s.js(
            "return [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction];",
            json!([])
        ),
        json!(["fa", "rtl", "rtl"])
    );
    click_css(s, "a[href*='/help/fa/categories/']");
    click_css(s, "main a[href*='/help/fa/articles/']");
    s.wait_text("چرا چراغ من چشمک می‌زند؟", SHORT);
    s.wait_text("معمولاً لامپ شل است", SHORT);
    no_scripts(s);
    // Dated in the Persian calendar: a Solar Hijri month and Persian digits only.
    let date = s.js(
        "return document.querySelector('article time').textContent;",
        json!([]),
    );
    let date = date.as_str().unwrap_or("");
    let months: Vec<&str> = (1..=12).map(|m| month_name(Locale::Fa, m)).collect();
    assert!(months.iter().any(|m| date.contains(m)), "{date}");
    assert!(
        date.chars().any(|c| ('۰'..='۹').contains(&c)) && !date.chars().any(|c| c.is_ascii_digit()),
        "{date}"
    );
    let help_look = look(s);
    s.screenshot("help-article-fa");
    // The help center's own link leads to the request form, still in Persian, in the same
    // look: the same header (brand, search), colours and buttons.
    click_css(s, "a[href='/help/fa/requests/new']");
    s.el("request-form");
    assert_eq!(look(s), help_look);
    assert_eq!(
        s.js(
            "return getComputedStyle(document.querySelector('[data-testid=request-send]')).backgroundColor;",
            json!([])
        ),
        help_look["button"],
        "the request form's button is the help center's"
    );
    s.screenshot("help-request-form-fa");
}

/// What makes a page look like the help center: its header's brand, search box and
/// colours, the page's background and the search button's colour.
fn look(s: &Session) -> Value {
    s.js(
        "const q = (c) => document.querySelector(c); const st = (e) => getComputedStyle(e);\
         return {brand: q('header.top .brand').textContent, icon: q('header.top .brand img').getAttribute('src'),\
                 search: q('header.top form.search').getAttribute('action'), header: st(q('header.top')).backgroundColor,\
                 page: st(document.body).backgroundColor, button: st(q('header.top form.search button')).backgroundColor,\
                 font: st(document.body).fontFamily};",
        json!([]),
    )
}

fn no_scripts(s: &Session) {
    assert_eq!(
        s.js("return document.scripts.length;", json!([])),
        json!(0),
        "the page carries a script"
    );
}

#[test]
fn a_customer_browses_asks_follows_and_replies_in_chromium() {
    let server = TestServer::start("help-server.log", PASSWORD);
    server.add_user("deniz@example.com", "Deniz Admin", "admin");
    let mut agent = Agent::login(&server, "deniz@example.com");
    let chrome = Chrome::start();
    let s = chrome.session("en-US,en");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        help_center_story(&s, &server, &mut agent);
        customer_story(&s, &server, &mut agent)
    }));
    if result.is_err() {
        s.dump("help-browser-failure");
    }
    s.quit();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn customer_story(s: &Session, server: &TestServer, agent: &mut Agent) {
    let url = &server.url;

    // The Persian form is right to left, the English one left to right.
    assert!(s.current_url().ends_with("/help/fa/requests/new"));
    s.el("request-form");
    assert_eq!(
        s.js(
            "return [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction];",
            json!([])
        ),
        json!(["fa", "rtl", "rtl"])
    );
    s.wait_text("ارسال درخواست", SHORT);
    no_scripts(s);
    s.goto(&format!("{url}/help/en/requests/new"));
    s.el("request-form");
    assert_eq!(
        s.js("return document.documentElement.dir;", json!([])),
        json!("ltr")
    );
    // The honeypot is out of sight.
    let hp = s.js(
        "const r = document.getElementById('f-website').getBoundingClientRect(); return r.right <= 0 || r.width <= 1;",
        json!([]),
    );
    assert_eq!(hp, json!(true));

    // Submit with an attachment chosen in the file input.
    let dir = tempfile::tempdir().unwrap();
    let receipt: PathBuf = dir.path().join("receipt-1042.txt");
    std::fs::write(&receipt, "Receipt 1042: one brass lamp\n").unwrap();
    s.type_id("request-name", "Ayşe Yılmaz");
    s.type_id("request-email", "ayse@example.com");
    s.type_id("request-subject", "The lamp flickers");
    s.type_id(
        "request-message",
        "Since Monday the lamp flickers <b>every</b> evening.",
    );
    s.type_id("request-files", &receipt.to_string_lossy());
    s.click_id("request-send");
    s.el("request-received");
    no_scripts(s);
    let link = s.el("tracking-link");
    s.click(&link);
    s.el("reply-form");
    let tracking = s.current_url();
    assert!(tracking.contains("/help/requests/"), "{tracking}");
    let ticket_id = tracking
        .split("/help/requests/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    s.wait_text("The lamp flickers", SHORT);
    // Typed markup is text on the page.
    s.wait_text("<b>every</b>", SHORT);
    let files = s.find_all("[data-testid=attachment]");
    assert_eq!(files.len(), 1);
    assert_eq!(s.text(&files[0]), "receipt-1042.txt");
    let href = s.attr(&files[0], "href").unwrap();
    // WebDriver may hand back the resolved URL or the attribute as written.
    let href = if href.starts_with("http") {
        href
    } else {
        format!("{url}{href}")
    };
    let (status, body) = call(&href, "GET", None, None);
    assert_eq!(
        (status, body),
        (200, Value::String("Receipt 1042: one brass lamp\n".into()))
    );
    no_scripts(s);
    s.screenshot("help-tracking-page");

    // The agents' desktops pull a web ticket with the customer's message and file.
    let tickets = agent.docs("ticket");
    let t = tickets
        .iter()
        .find(|t| t["id"] == ticket_id.as_str())
        .unwrap();
    assert_eq!(
        (&t["channel"], &t["status"]),
        (&json!("web"), &json!("new"))
    );

    // The customer replies on the tracking page.
    s.type_id("reply-message", "The receipt number is 1042.");
    s.click_id("reply-send");
    s.wait_text("The receipt number is 1042.", SHORT);
    let from_customer: Vec<Value> = agent
        .docs("message")
        .into_iter()
        .filter(|m| m["ticket_id"] == ticket_id.as_str() && m["author_kind"] == "customer")
        .collect();
    assert_eq!(from_customer.len(), 2);

    // An agent answers (and writes a note); the customer sees the answer, not the note.
    agent.push(
        "add_message",
        json!({"message_id": new_id(), "ticket_id": ticket_id, "kind": "reply",
               "from_customer": false, "body_text": "Thank you, a new lamp is on its way.",
               "body_html": null, "attachment_ids": []}),
    );
    agent.push(
        "add_message",
        json!({"message_id": new_id(), "ticket_id": ticket_id, "kind": "note",
               "from_customer": false, "body_text": "Internal: check the supplier batch.",
               "body_html": null, "attachment_ids": []}),
    );
    s.goto(&tracking);
    s.wait_text("Thank you, a new lamp is on its way.", SHORT);
    s.wait_text("Deniz Admin", SHORT);
    let page = s.js("return document.body.innerText;", json!([]));
    assert!(
        !page.as_str().unwrap().contains("supplier batch"),
        "a note leaked"
    );
    assert_eq!(s.find_all("[data-testid=message]").len(), 3);

    // One changed character in the link: nothing but the same "not found" page.
    let mut changed: Vec<char> = tracking.split('?').next().unwrap().chars().collect();
    let last = changed.len() - 1;
    changed[last] = if changed[last] == 'A' { 'B' } else { 'A' };
    s.goto(&changed.into_iter().collect::<String>());
    s.el("not-found");
    let text = s.js("return document.body.innerText;", json!([]));
    assert!(!text.as_str().unwrap().contains("lamp"));
}
