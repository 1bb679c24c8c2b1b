//! Bad input in the real window is refused with a specific message and creates nothing.

use porchlight_e2e::{create_profile, Driver, SHORT};
use serde_json::json;

#[test]
fn empty_subject_and_invalid_email_are_refused() {
    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, "Anna Nowak", "anna@example.pl", false);

    s.click_id("new-ticket-button");
    s.click_id("nt-requester-new");
    s.type_id("nt-new-name", "Jan Kowalski");
    s.type_id("nt-new-email", "jan@example.pl");
    s.type_id("nt-body", "Dzień dobry, mam pytanie.");
    s.click_id("nt-submit");
    let err = s.text(&s.el("nt-error"));
    assert!(
        err.to_lowercase().contains("subject"),
        "names the subject: {err}"
    );

    s.type_id("nt-subject", "Pytanie o fakturę");
    let email = s.el("nt-new-email");
    s.js(
        "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        json!([porchlight_e2e::Session::element_arg(&email)]),
    );
    s.type_into(&email, "jan@@example");
    s.click_id("nt-submit");
    s.wait_js("email error", "[...document.querySelectorAll('[data-testid=\"nt-error\"]')].some(e => e.textContent.includes('jan@@example'))", SHORT);
    s.screenshot("bad-input");

    // Nothing was created.
    s.js(
        "document.querySelector('[data-testid=\"nt-cancel\"]')?.click()",
        json!([]),
    );
    s.wait_js(
        "no tickets",
        "document.querySelector('[data-testid=\"view-count-open\"]')?.textContent.trim() === '0'",
        SHORT,
    );
    s.quit();
}
