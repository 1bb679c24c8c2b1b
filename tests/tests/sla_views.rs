//! SLA in the real window: the demo helpdesk's standard SLA puts a countdown on each open
//! ticket; "Breached" lists only breached tickets; a new ticket starts on track, turns at risk
//! when its priority becomes urgent, and its first response is met by a reply; sorting by
//! next deadline puts the overdue first.

use porchlight_e2e::{demo_workspace, new_phone_ticket, Driver, Session, SHORT};
use serde_json::json;

const SUBJECT: &str = "Card payment declined twice";

fn count(s: &Session, view: &str) -> i64 {
    s.js(
        &format!("return Number(document.querySelector('[data-testid=\"view-count-{view}\"]').textContent.replace(/[^0-9]/g, ''))"),
        json!([]),
    )
    .as_i64()
    .unwrap()
}

/// The SLA status of every row in the list, in order ("" for a row without a badge).
fn row_statuses(s: &Session) -> Vec<String> {
    s.js(
        "return [...document.querySelectorAll('[data-testid=\"ticket-row\"]')].map(r => r.querySelector('[data-testid=\"sla-badge\"]')?.dataset.slaStatus ?? '')",
        json!([]),
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

fn metric_phase(s: &Session, metric: &str) -> String {
    s.js(
        &format!("return document.querySelector('[data-testid=\"sla-metric-{metric}\"]')?.dataset.phase ?? ''"),
        json!([]),
    )
    .as_str()
    .unwrap()
    .to_string()
}

#[test]
fn deadlines_show_in_the_list_the_views_and_the_ticket() {
    let driver = Driver::start();
    let (s, _dir) = demo_workspace(&driver, "Kasia Nowak", "kasia@example.com");
    s.wait_js(
        "demo loaded with deadlines",
        "document.querySelectorAll('[data-testid=\"sla-badge\"]').length > 0",
        SHORT,
    );

    // "Breached" lists exactly the breached tickets.
    let breached = count(&s, "breached");
    assert!(breached > 0, "the demo's older open tickets are overdue");
    s.click_id("view-breached");
    // The list's total is the view's count once the view's first page is in.
    s.wait_js(
        "breached list",
        &format!("Number(document.querySelector('[data-testid=\"list-total\"]').textContent.replace(/[^0-9]/g, '')) === {breached} && document.querySelectorAll('[data-testid=\"ticket-row\"]').length > 0"),
        SHORT,
    );
    let statuses = row_statuses(&s);
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|st| st == "breached"),
        "every row in Breached is breached: {statuses:?}"
    );

    // A new phone call: normal priority, 8 hours to answer — on track.
    let at_risk_before = count(&s, "at_risk");
    new_phone_ticket(
        &s,
        "Tomasz Zieliński",
        "tomasz@example.com",
        SUBJECT,
        "The card was declined twice at checkout.",
    );
    s.wait_js(
        "sla panel",
        "document.querySelector('[data-testid=\"sla-policy\"]')?.textContent.includes('Standard support')",
        SHORT,
    );
    assert_eq!(metric_phase(&s, "first_response"), "running");
    let badge = |s: &Session| {
        s.js(
            "return document.querySelector('[data-testid=\"sla-panel\"] [data-testid=\"sla-badge\"]')?.dataset.slaStatus ?? ''",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_string()
    };
    assert_eq!(badge(&s), "on_track");

    // Urgent: one hour to answer, at risk an hour before — at once.
    s.select("prop-priority", "urgent");
    s.wait_js(
        "at risk",
        "document.querySelector('[data-testid=\"sla-panel\"] [data-testid=\"sla-badge\"]')?.dataset.slaStatus === 'at_risk'",
        SHORT,
    );
    s.wait_js(
        "at-risk count",
        &format!("Number(document.querySelector('[data-testid=\"view-count-at_risk\"]').textContent.replace(/[^0-9]/g, '')) === {}", at_risk_before + 1),
        SHORT,
    );
    s.screenshot("sla-at-risk");

    // A reply meets the first response; resolution (8 hours) is what is left.
    s.click_id("composer-mode-reply");
    s.type_id(
        "composer-body",
        "Sorry about that: the bank flagged it, please try again now.",
    );
    s.click_id("composer-send");
    s.wait_js(
        "first response met",
        "document.querySelector('[data-testid=\"sla-metric-first_response\"]')?.dataset.phase === 'met'",
        SHORT,
    );
    assert_eq!(metric_phase(&s, "resolution"), "running");
    assert_eq!(badge(&s), "on_track");

    // Sorted by next deadline, overdue tickets come first and tickets with nothing due last.
    s.click_id("view-open");
    s.select("list-sort", "due");
    // The list keeps the open ticket in view; the top of the list is what is sorted first
    // (rows are drawn only where the list is scrolled to).
    s.wait_js(
        "sorted",
        "(() => { const l = document.querySelector('[data-testid=\"ticket-list\"]'); l.scrollTop = 0;
           return document.querySelector('[data-testid=\"ticket-row\"] [data-testid=\"sla-badge\"]')?.dataset.slaStatus === 'breached'; })()",
        SHORT,
    );
    let statuses = row_statuses(&s);
    let rank = |st: &str| match st {
        "breached" => 0,
        "at_risk" | "on_track" => 1,
        _ => 2,
    };
    assert!(
        statuses.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
        "breached first, nothing due last: {statuses:?}"
    );
    s.screenshot("sla-sorted");
    s.quit();
}
