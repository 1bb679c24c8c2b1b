//! Reports in the real window: a ticket answered and solved today moves today's figures; the
//! solved figure opens its tickets in the list; the tickets-per-day table exports as a CSV
//! file; the people table sorts; and the section reads right to left in Persian, dark mode
//! (checked on the screenshot too).

use std::process::Command;

use porchlight_e2e::{artifacts, demo_workspace, new_phone_ticket, Driver, Session, SHORT};
use serde_json::json;

const SUBJECT: &str = "Refund for a double charge";

/// A figure's number as shown (any digits, Persian ones too).
fn kpi(s: &Session, id: &str) -> i64 {
    s.js(
        &format!(
            "const t = document.querySelector('[data-testid=\"report-kpi-{id}\"] [data-testid=\"report-kpi-value\"]').textContent;
             return Number([...t].map(c => {{ const p = '۰۱۲۳۴۵۶۷۸۹'.indexOf(c); return p >= 0 ? String(p) : c; }}).join('').replace(/[^0-9]/g, ''));"
        ),
        json!([]),
    )
    .as_i64()
    .unwrap()
}

fn open_reports_for_today(s: &Session) {
    s.click_id("nav-reports");
    s.el("report-kpi-created");
    s.select("report-period", "today");
    s.wait_js(
        "today's figures",
        "document.querySelector('[data-testid=\"reports-section\"]')?.getAttribute('aria-busy') === 'false'",
        SHORT,
    );
}

#[test]
fn solving_a_ticket_moves_the_figures_and_opens_its_tickets() {
    let driver = Driver::start();
    let (s, _dir) = demo_workspace(&driver, "Leyla Demir", "leyla@example.com");
    s.el("ticket-list");

    open_reports_for_today(&s);
    let created = kpi(&s, "created");
    let solved = kpi(&s, "solved");

    // A customer calls; the agent answers once and solves it.
    s.click_id("view-open");
    new_phone_ticket(
        &s,
        "Marek Wiśniewski",
        "marek@example.com",
        SUBJECT,
        "I was charged twice for order 5521.",
    );
    s.click_id("composer-mode-reply");
    s.type_id(
        "composer-body",
        "Refunded the second charge; it shows in 3–5 days.",
    );
    s.click_id("composer-send");
    s.wait_js(
        "reply shown",
        "[...document.querySelectorAll('[data-testid=\"message\"]')].some(m => m.textContent.includes('Refunded the second charge'))",
        SHORT,
    );
    s.select("prop-status", "solved");
    s.wait_js(
        "solved",
        "document.querySelector('[data-testid=\"prop-status\"]').value === 'solved'",
        SHORT,
    );

    open_reports_for_today(&s);
    s.wait_js(
        "created and solved counted",
        &format!(
            "(() => {{ const n = id => Number(document.querySelector(`[data-testid=\"report-kpi-${{id}}\"] [data-testid=\"report-kpi-value\"]`).textContent.replace(/[^0-9]/g, ''));
               return n('created') === {} && n('solved') === {}; }})()",
            created + 1,
            solved + 1
        ),
        SHORT,
    );
    // Solved with one reply and never reopened: first-contact resolution has a share now.
    let fcr = s.js(
        "return document.querySelector('[data-testid=\"report-kpi-fcr\"] [data-testid=\"report-kpi-value\"]').textContent",
        json!([]),
    );
    assert!(
        fcr.as_str().unwrap().contains('%'),
        "FCR shown as a share: {fcr}"
    );
    s.screenshot("reports-today");

    // The people table: the agent's line counts the solved ticket and the reply.
    let line = s.js(
        "return [...document.querySelectorAll('[data-testid=\"report-people-row\"]')].map(r => r.textContent).find(t => t.includes('Leyla Demir')) ?? ''",
        json!([]),
    );
    assert!(
        !line.as_str().unwrap().is_empty(),
        "Leyla's line in the people table"
    );
    s.click_id("report-people-sort-name");
    s.wait_js(
        "sorted by name",
        "document.querySelector('[data-testid=\"report-people-sort-name\"]').closest('th').getAttribute('aria-sort') !== 'none'",
        SHORT,
    );

    // The table view of tickets per day, exported: a CSV file with today's row.
    s.click_id("report-volume-toggle");
    s.el("report-volume-table");
    s.click_id("report-volume-csv");
    s.wait_js(
        "saved",
        "[...document.querySelectorAll('[data-testid=\"toast-info\"]')].some(t => t.textContent.includes('Saved to '))",
        SHORT,
    );
    let text = s
        .js(
            "return [...document.querySelectorAll('[data-testid=\"toast-info\"]')].map(t => t.textContent).find(t => t.includes('Saved to '))",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_string();
    let path = text
        .split_once("Saved to ")
        .map(|(_, p)| p.trim().to_string())
        .unwrap();
    let csv = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("day,created,solved,reopened,backlog\r\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2, "a header and today: {csv}");

    // The solved figure opens its tickets in the list.
    s.click_id("report-kpi-solved");
    s.el("report-view-name");
    s.wait_js(
        "the solved ticket listed",
        &format!("[...document.querySelectorAll('[data-testid=\"ticket-row\"]')].some(r => r.textContent.includes({SUBJECT:?}))"),
        SHORT,
    );
    let statuses = s.js(
        "return [...document.querySelectorAll('[data-testid=\"ticket-row\"] [data-testid=\"status-pill\"]')].map(p => p.dataset.status)",
        json!([]),
    );
    assert!(
        statuses
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v == "solved" || v == "closed"),
        "only solved tickets: {statuses}"
    );

    // Persian, dark: right to left, Persian digits, and a dark screen.
    s.click_id("settings-button");
    s.select("settings-language", "fa");
    s.select("settings-theme", "dark");
    s.wait_js("rtl", "document.documentElement.dir === 'rtl'", SHORT);
    s.click_id("settings-done");
    s.click_id("nav-reports");
    s.el("report-kpi-created");
    s.select("report-period", "30d");
    s.wait_js(
        "Persian digits",
        "/[۰-۹]/.test(document.querySelector('[data-testid=\"report-kpi-created\"] [data-testid=\"report-kpi-value\"]').textContent)",
        SHORT,
    );
    s.wait_css("[data-testid=\"report-volume-chart\"] canvas", SHORT);
    // Mirrored: the navigation is right of the figures.
    let mirrored = s.js(
        "const kpis = document.querySelector('[data-testid=\"report-kpi-created\"]').getBoundingClientRect();
         const side = document.querySelector('[data-testid=\"nav-reports\"]').getBoundingClientRect();
         return side.left > kpis.left;",
        json!([]),
    );
    assert_eq!(mirrored, json!(true), "the sidebar on the right in Persian");
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.screenshot("reports-persian-dark");
    let png = artifacts().join("reports-persian-dark.png");
    let mean = Command::new("convert")
        .arg(&png)
        .args(["-colorspace", "Gray", "-format", "%[fx:mean]", "info:"])
        .output()
        .expect("ImageMagick's convert");
    let mean: f64 = String::from_utf8_lossy(&mean.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(
        mean < 0.3,
        "the dark theme covers the window (mean brightness {mean})"
    );
    s.quit();
}
