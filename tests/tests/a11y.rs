//! WCAG 2.2 AA in the real window: axe-core runs inside the app's own web view (WebKitGTK, as
//! the agent sees it) on the main screens, in light and dark mode, in English and Persian, and
//! no violation may remain (WCAG 2.2 A/AA and axe's best practices, of any impact).

use std::time::Duration;

use porchlight_e2e::{axe, demo_workspace, Driver, Session, SHORT};
use serde_json::json;

fn q(id: &str) -> String {
    format!("document.querySelector('[data-testid=\"{id}\"]')")
}

fn set_language(s: &Session, locale: &str) {
    s.js(&format!("{}.click();", q("settings-button")), json!([]));
    s.el("settings-language");
    s.select("settings-language", locale);
    s.wait_js(
        "language applied",
        &format!("document.documentElement.lang === {locale:?}"),
        SHORT,
    );
    s.keys(&["\u{E00C}"]); // Escape
    s.wait_js(
        "settings closed",
        &format!("!{}", q("settings-language")),
        SHORT,
    );
}

fn set_theme(s: &Session, theme: &str) {
    if s.js("return document.documentElement.dataset.theme;", json!([])) != json!(theme) {
        s.click_id("theme-toggle");
    }
    s.wait_js(
        "theme applied",
        &format!("document.documentElement.dataset.theme === {theme:?}"),
        SHORT,
    );
}

/// Waits for transitions to settle, then runs axe and collects what it found.
fn check(s: &Session, name: &str, found: &mut Vec<String>) {
    std::thread::sleep(Duration::from_millis(400));
    s.screenshot(&format!("a11y-{name}"));
    let v = axe(s, name);
    eprintln!("[a11y] {name}: {} violations", v.len());
    found.extend(v);
}

fn screens(s: &Session, tag: &str, found: &mut Vec<String>) {
    // The inbox with a ticket open.
    s.click_id("view-open");
    s.wait_js("rows", &q("ticket-row"), SHORT);
    let rows = s.find_all("[data-testid=\"ticket-row\"]");
    s.click(&rows[0]);
    s.el("ticket-subject");
    check(s, &format!("inbox-{tag}"), found);
    // How focus looks (kept with the artefacts): the list's active row, then the composer.
    s.js(&format!("{}.focus();", q("ticket-list")), json!([]));
    s.screenshot(&format!("focus-row-{tag}"));
    s.js(&format!("{}.focus();", q("composer-body")), json!([]));
    s.screenshot(&format!("focus-composer-{tag}"));
    s.js("document.activeElement.blur();", json!([]));

    // New ticket.
    s.click_id("new-ticket-button");
    s.el("nt-subject");
    check(s, &format!("new-ticket-{tag}"), found);
    s.keys(&["\u{E00C}"]);
    s.wait_js("new ticket closed", &format!("!{}", q("nt-subject")), SHORT);

    // Settings.
    s.js(&format!("{}.click();", q("settings-button")), json!([]));
    s.el("settings-language");
    check(s, &format!("settings-{tag}"), found);
    s.keys(&["\u{E00C}"]);
    s.wait_js(
        "settings closed",
        &format!("!{}", q("settings-language")),
        SHORT,
    );

    // The knowledge base with an article open.
    s.click_id("nav-kb");
    s.wait_js("kb rows", &q("kb-article-row"), SHORT);
    s.click_id("kb-article-row");
    s.el("kb-editor");
    check(s, &format!("kb-{tag}"), found);

    // Automation: a new rule's editor (which takes the focus into its first field).
    s.click_id("nav-admin");
    s.click_id("admin-tab-rules");
    s.click_id("rule-new");
    s.wait_js(
        "the new rule's editor has the focus",
        "document.activeElement?.closest('.cfg-editor') !== null && document.activeElement.matches('input, select, textarea')",
        SHORT,
    );
    check(s, &format!("rules-{tag}"), found);

    // Reports.
    s.click_id("nav-reports");
    s.el("reports-section");
    std::thread::sleep(Duration::from_millis(600));
    check(s, &format!("reports-{tag}"), found);
}

#[test]
fn the_main_screens_pass_axe_in_light_and_dark_in_english_and_persian() {
    let driver = Driver::start();
    let (s, _dir) = demo_workspace(&driver, "Deniz Aydın", "deniz@example.com");

    let mut found = Vec::new();
    for (locale, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("fa", "light"),
        ("fa", "dark"),
    ] {
        set_language(&s, locale);
        set_theme(&s, theme);
        screens(&s, &format!("{locale}-{theme}"), &mut found);
    }
    s.quit();
    assert!(
        found.is_empty(),
        "axe found {} violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
