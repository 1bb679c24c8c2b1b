//! The knowledge-base editor in the real window: a category and an article, an autosaved
//! draft that survives kill -9, save and publish, a Persian translation edited right to left,
//! a source edit that flags it stale, history with a diff and a restore, hostile markdown
//! that stays inert in the preview, and the article suggested while answering a ticket.

use std::path::Path;

use porchlight_e2e::{app_pid, create_profile, new_phone_ticket, Driver, Session, SHORT};
use serde_json::json;

const TITLE: &str = "Tracking a parcel";
const BODY: &str = "Open the tracking page and enter the zebrafinch parcel number.";
const FA_TITLE: &str = "پیگیری مرسوله";
const FA_BODY: &str = "صفحه‌ی پیگیری را باز کنید و شماره‌ی مرسوله را وارد کنید.";
const HOSTILE: &str = "Zebrafinch parcel help.\n\n<script>window.__pwned='script'</script>\n\n<img src=x onerror=\"window.__pwned='img'\">\n\n[click me](javascript:window.__pwned='link')\n\n<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>\n\n**bold text**\n";

fn q(testid: &str) -> String {
    format!("document.querySelector('[data-testid=\"{testid}\"]')")
}

/// Sends a key combination to an element the way the browser would (keydown, bubbling).
fn key(s: &Session, testid: &str, key: &str, ctrl: bool, alt: bool) {
    s.js(
        &format!(
            "{}.dispatchEvent(new KeyboardEvent('keydown', {{key: arguments[0], code: arguments[1], ctrlKey: arguments[2], altKey: arguments[3], bubbles: true, cancelable: true}}));",
            q(testid)
        ),
        json!([
            key,
            if key.len() == 1 && key.chars().all(|c| c.is_ascii_digit()) {
                format!("Digit{key}")
            } else {
                format!("Key{}", key.to_uppercase())
            },
            ctrl,
            alt
        ]),
    );
}

fn value(s: &Session, testid: &str) -> String {
    s.js(&format!("return {}.value;", q(testid)), json!([]))
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn wait_autosaved(s: &Session) {
    s.wait_js(
        "draft autosaved",
        &format!("{}?.dataset.state === 'saved'", q("kb-autosave")),
        SHORT,
    );
}

fn open_kb_article(s: &Session, title: &str) {
    s.click_id("nav-kb");
    s.el("kb-section");
    s.wait_js(
        "article listed",
        &format!("[...document.querySelectorAll('[data-testid=\"kb-article-row\"]')].some(r => r.textContent.includes({title:?}))"),
        SHORT,
    );
    let rows = s.find_all("[data-testid=\"kb-article-row\"]");
    let row = rows
        .iter()
        .find(|r| s.text(r).contains(title))
        .expect("article row");
    s.click(row);
    s.el("kb-editor");
}

fn tab(s: &Session, locale: &str) {
    let e = s.wait_css(
        &format!("[data-testid=\"kb-locale-tab\"][data-locale=\"{locale}\"]"),
        SHORT,
    );
    s.click(&e);
    s.wait_js(
        &format!("editing {locale}"),
        &format!("{}?.dataset.locale === {locale:?}", q("kb-editor")),
        SHORT,
    );
}

fn save(s: &Session) {
    // Ctrl+S, as an agent would press it in the text.
    key(s, "kb-body", "s", true, false);
    s.wait_js(
        "saved",
        &format!(
            "!{}?.dataset.state || {}.dataset.state === 'clean'",
            q("kb-autosave"),
            q("kb-autosave")
        ),
        SHORT,
    );
}

#[test]
fn knowledge_base_editor_story() {
    let bin =
        std::env::var("PORCHLIGHT_BIN").expect("PORCHLIGHT_BIN: run through `cargo xtask e2e`");
    let dir = tempfile::tempdir().unwrap();
    let driver = Driver::start();
    let s = driver.launch(dir.path());
    create_profile(&s, "Leyla Karimi", "leyla@example.com", false);

    // A category, named in English and Persian.
    s.click_id("nav-kb");
    s.el("kb-section");
    s.click_id("kb-category-new");
    s.type_id("kb-category-name-en", "Shipping");
    s.type_id("kb-category-name-fa", "ارسال");
    s.click_id("kb-category-save");
    s.wait_js(
        "category listed",
        "[...document.querySelectorAll('[data-testid=\"kb-category\"]')].some(c => c.textContent.includes('Shipping'))",
        SHORT,
    );
    let category = s
        .js(
            &format!("return {}.dataset.id;", q("kb-category")),
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_string();

    // An article in it; its text is typed and autosaved, then the app is killed.
    s.click_id("kb-new-article");
    s.type_id("kb-new-title", TITLE);
    s.select("kb-new-category", &category);
    s.click_id("kb-new-submit");
    s.wait_js(
        "editor open",
        &format!("{}?.value === {TITLE:?}", q("kb-title")),
        SHORT,
    );
    s.type_id("kb-body", BODY);
    wait_autosaved(&s);
    s.wait_js(
        "preview rendered",
        &format!("{}?.textContent.includes('zebrafinch')", q("kb-preview")),
        SHORT,
    );
    s.screenshot("kb-editor-typed");
    let pid = app_pid(Path::new(&bin), dir.path()).expect("the app's pid");
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    drop(s);
    drop(driver);

    // After the crash the text is back, announced, and saved as revision 2.
    let driver = Driver::start();
    let s = driver.launch(dir.path());
    s.el("ticket-list");
    open_kb_article(&s, TITLE);
    s.el("kb-restored");
    assert!(s
        .text(&s.el("kb-restored"))
        .contains("Restored unsaved changes"));
    assert_eq!(value(&s, "kb-body"), BODY);
    save(&s);
    s.wait_js(
        "revision 2",
        "[...document.querySelectorAll('.foot span')].some(e => e.textContent.includes('Revision 2'))",
        SHORT,
    );
    assert!(s.find_all("[data-testid=\"kb-restored\"]").is_empty());

    // Publish.
    s.select("kb-status", "published");
    s.wait_js(
        "published",
        "document.querySelector('[data-testid=\"kb-article-row\"] [data-testid=\"kb-row-status\"]')?.dataset.status === 'published'",
        SHORT,
    );

    // A Persian translation: title, editor and preview run right to left.
    s.click_id("kb-add-translation");
    s.click_id("kb-add-locale-fa");
    s.wait_js(
        "editing fa",
        &format!("{}?.dataset.locale === 'fa'", q("kb-editor")),
        SHORT,
    );
    s.type_id("kb-title", FA_TITLE);
    s.type_id("kb-body", FA_BODY);
    s.click_id("kb-pane-preview");
    s.wait_js(
        "fa preview",
        &format!("{}?.textContent.includes('مرسوله')", q("kb-preview")),
        SHORT,
    );
    for id in ["kb-title", "kb-body", "kb-preview", "kb-preview-title"] {
        let e = s.el(id);
        assert_eq!(s.attr(&e, "dir").as_deref(), Some("rtl"), "{id} is rtl");
        assert_eq!(s.attr(&e, "lang").as_deref(), Some("fa"), "{id} is fa");
    }
    save(&s);
    s.wait_js(
        "fa saved",
        "[...document.querySelectorAll('[data-testid=\"kb-locale-tab\"][data-locale=\"fa\"]')].some(t => t.dataset.stale === 'false')",
        SHORT,
    );
    s.click_id("kb-pane-source");
    s.wait_js(
        "source beside the translation",
        &format!(
            "{}?.textContent.includes('zebrafinch')",
            q("kb-source-pane")
        ),
        SHORT,
    );
    s.screenshot("kb-editor-persian");

    // The source changes: the Persian translation is flagged.
    tab(&s, "en");
    let body = s.el("kb-body");
    s.type_into(&body, " Deliveries take two days.");
    save(&s);
    s.wait_js(
        "fa stale",
        "document.querySelector('[data-testid=\"kb-locale-tab\"][data-locale=\"fa\"]')?.dataset.stale === 'true'",
        SHORT,
    );
    s.wait_js(
        "row shows stale fa",
        "document.querySelector('[data-testid=\"kb-row-locale\"][data-locale=\"fa\"]')?.dataset.stale === 'true'",
        SHORT,
    );
    tab(&s, "fa");
    s.el("kb-stale-banner");
    s.screenshot("kb-editor-stale");

    // History: the diff between revision 1 and now, then revision 1 comes back.
    tab(&s, "en");
    s.click_id("kb-history");
    s.el("kb-history-dialog");
    s.wait_js(
        "three revisions",
        "document.querySelectorAll('[data-testid=\"kb-revision\"]').length === 3",
        SHORT,
    );
    let first = s.wait_css("[data-testid=\"kb-revision\"][data-revision=\"1\"]", SHORT);
    s.click(&first);
    s.wait_js(
        "diff shows the text added since",
        "[...document.querySelectorAll('[data-testid=\"kb-diff-line\"][data-kind=\"added\"]')].some(l => l.textContent.includes('zebrafinch'))",
        SHORT,
    );
    s.click_id("kb-diff-previous");
    s.click_id("kb-diff-current");
    s.screenshot("kb-editor-history");
    s.click_id("kb-history-restore");
    s.wait_js(
        "revision 1 restored",
        &format!(
            "{}?.value === '' && !document.querySelector('[data-testid=\"kb-history-dialog\"]')",
            q("kb-body")
        ),
        SHORT,
    );
    assert_eq!(value(&s, "kb-title"), TITLE);

    // Hostile markdown is inert in the preview. Set as a paste would (WebDriver typing
    // drops the line breaks that make the raw HTML blocks).
    s.js(
        &format!(
            "const t = {}; t.value = arguments[0]; t.dispatchEvent(new Event('input', {{bubbles: true}}));",
            q("kb-body")
        ),
        json!([HOSTILE]),
    );
    s.wait_js(
        "hostile preview",
        &format!(
            "{}?.querySelector('strong')?.textContent === 'bold text'",
            q("kb-preview")
        ),
        SHORT,
    );
    let bad = s.js(
        &format!(
            "const p = {};
             return {{
               scripts: p.querySelectorAll('script, iframe, object, embed').length,
               handlers: [...p.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
               jsLinks: [...p.querySelectorAll('[href], [src]')].filter(e => ((e.getAttribute('href') || '') + (e.getAttribute('src') || '')).toLowerCase().includes('javascript:')).length,
             }};",
            q("kb-preview")
        ),
        json!([]),
    );
    assert_eq!(
        bad,
        json!({"scripts": 0, "handlers": 0, "jsLinks": 0}),
        "preview must be inert"
    );
    for link in s.find_all("[data-testid=\"kb-preview\"] a") {
        s.click(&link);
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        s.js("return window.__pwned === undefined", json!([])),
        json!(true),
        "no injected code ran"
    );
    save(&s);
    s.screenshot("kb-editor-hostile");

    // A ticket about the parcel: the article is suggested and Alt+1 puts it into the reply.
    s.click_id("view-open");
    new_phone_ticket(
        &s,
        "Ayşe Yılmaz",
        "ayse@example.com",
        "Where is my zebrafinch parcel?",
        "The parcel has not arrived.",
    );
    s.wait_js(
        "suggestion",
        &format!("[...document.querySelectorAll('[data-testid=\"kb-suggestion\"]')].some(e => e.textContent.includes({TITLE:?}))"),
        SHORT,
    );
    s.click_id("kb-suggest-mode-content");
    s.click_id("composer-body");
    key(&s, "composer-body", "1", false, true);
    s.wait_js(
        "suggestion inserted",
        &format!(
            "{}?.value.includes({TITLE:?}) && {}.value.includes('Zebrafinch parcel help')",
            q("composer-body"),
            q("composer-body")
        ),
        SHORT,
    );
    s.screenshot("kb-suggestions");
    s.quit();
}
