//! The automation editors in the real window: a business calendar (an overlapping range
//! refused with its message while the form keeps everything, a holiday imported from an .ics
//! file), an SLA policy, a rule (tag "refund" → group Billing, priority high; an empty name
//! refused beside the field) and a shared macro; then a ticket the rule routes, with the rule
//! in its timeline, and a reply written with "/" + macro search whose placeholders are filled
//! and whose status change goes out with it.

use porchlight_e2e::{create_profile, set_value, Driver, Session, SHORT};
use serde_json::json;

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Porchlight e2e//EN\r\nBEGIN:VEVENT\r\nUID:ny-2027@example.com\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:Yılbaşı\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn q(css: &str) -> String {
    format!("document.querySelector({css:?})")
}

/// Chooses the option of a <select> whose text contains `label`.
fn select_by_label(s: &Session, css: &str, label: &str) {
    let ok = s.js(
        "const e = document.querySelector(arguments[0]); if (!e) return false;
         const o = [...e.options].find(o => o.textContent.includes(arguments[1])); if (!o) return false;
         e.value = o.value; e.dispatchEvent(new Event('input', {bubbles: true}));
         e.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        json!([css, label]),
    );
    assert_eq!(ok, json!(true), "{css} has no option {label}");
}

fn value_of(s: &Session, css: &str) -> String {
    s.js(
        "return document.querySelector(arguments[0])?.value ?? null;",
        json!([css]),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn count(s: &Session, css: &str) -> usize {
    s.find_all(css).len()
}

fn wait_toast_gone_and_saved(s: &Session, list_row_css: &str, text: &str) {
    s.wait_js(
        &format!("{text} listed"),
        &format!("[...document.querySelectorAll({list_row_css:?})].some(r => r.textContent.includes({text:?}))"),
        SHORT,
    );
}

#[test]
fn an_admin_automates_billing_and_an_agent_answers_with_a_macro() {
    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, "Deniz Aydın", "deniz@example.com", false);

    // A Billing group to route to.
    // The first click can land while the workspace is still loading; try until the dialog shows.
    for _ in 0..20 {
        if !s.find_all("[data-testid=settings-group-name]").is_empty() {
            break;
        }
        s.js(
            "document.querySelector('[data-testid=settings-button]').click();",
            json!([]),
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    s.type_id("settings-group-name", "Billing");
    s.click_id("settings-group-add");
    s.wait_js(
        "group added",
        "[...document.querySelectorAll('[data-testid=\"settings-group\"]')].some(g => g.textContent.includes('Billing'))",
        SHORT,
    );
    s.click_id("settings-done");

    s.click_id("nav-admin");
    s.el("admin-section");

    // ---- a business calendar ----
    s.click_id("admin-tab-calendars");
    s.click_id("calendar-new");
    s.type_id("calendar-name", "Istanbul office");
    s.click_id("calendar-zone");
    set_value(&s, "[data-testid=calendar-zone]", "istanbul");
    let zone = s.wait_css(
        "[data-testid=calendar-zone-option][data-zone=\"Europe/Istanbul\"]",
        SHORT,
    );
    s.click(&zone);
    assert_eq!(
        value_of(&s, "[data-testid=calendar-zone]"),
        "Europe/Istanbul"
    );
    // An overlapping second range on Monday is refused with the day named; nothing typed is lost.
    let monday = "[data-testid=calendar-day][data-day=monday]";
    s.click(&s.wait_css(&format!("{monday} [data-testid=calendar-range-add]"), SHORT));
    set_value(
        &s,
        &format!("{monday} [data-testid=calendar-range]:nth-of-type(2) [data-testid=calendar-range-start]"),
        "12:00",
    );
    s.click_id("calendar-save");
    let err = s.el("calendar-error-hours");
    let msg = s.text(&err);
    assert!(msg.contains("Monday"), "the refusal names the day: {msg}");
    s.screenshot("config-calendar-refused");
    assert_eq!(
        value_of(&s, "[data-testid=calendar-name]"),
        "Istanbul office"
    );
    assert_eq!(
        count(&s, &format!("{monday} [data-testid=calendar-range]")),
        2
    );
    assert_eq!(count(&s, "[data-testid=calendar-row]"), 0, "nothing saved");
    set_value(
        &s,
        &format!("{monday} [data-testid=calendar-range]:nth-of-type(2) [data-testid=calendar-range-start]"),
        "18:00",
    );
    // A holiday from an .ics file: previewed, then added.
    let ok = s.js(
        "const input = document.querySelector('[data-testid=calendar-ics-input]');
         const dt = new DataTransfer();
         dt.items.add(new File([arguments[0]], 'tatiller.ics', {type: 'text/calendar'}));
         input.files = dt.files;
         const n = input.files.length;
         input.dispatchEvent(new Event('change', {bubbles: true}));
         return n;",
        json!([ICS]),
    );
    assert_eq!(ok, json!(1));
    s.el("calendar-ics-preview");
    s.wait_text("Yılbaşı", SHORT);
    s.click_id("calendar-ics-add");
    s.wait_js(
        "holiday added",
        "document.querySelector('[data-testid=calendar-holiday-date]')?.value === '2027-01-01'",
        SHORT,
    );
    assert_eq!(
        value_of(&s, "[data-testid=calendar-holiday-name]"),
        "Yılbaşı"
    );
    s.screenshot("config-calendar");
    s.click_id("calendar-save");
    wait_toast_gone_and_saved(&s, "[data-testid=calendar-row]", "Istanbul office");
    assert!(s.find_all("[data-testid=calendar-error-hours]").is_empty());
    let calendar_id = s
        .attr(&s.el("calendar-row"), "data-id")
        .expect("calendar id");

    // ---- an SLA policy counting in it ----
    s.click_id("admin-tab-sla");
    s.click_id("sla-new");
    s.type_id("sla-name", "Billing SLA");
    s.select("sla-calendar", &calendar_id);
    s.click(&s.wait_css("[data-testid=sla-cond-priority][data-value=high]", SHORT));
    // A target that is not a duration blocks saving with a message.
    set_value(&s, "[data-testid=sla-target-high-first_response]", "soon");
    s.el("sla-error-cell");
    set_value(&s, "[data-testid=sla-target-high-first_response]", "1:30");
    set_value(&s, "[data-testid=sla-target-high-resolution]", "8h");
    set_value(&s, "[data-testid=sla-warning]", "0:30");
    s.screenshot("config-sla");
    s.click_id("sla-save");
    wait_toast_gone_and_saved(&s, "[data-testid=sla-row]", "Billing SLA");
    s.click_id("sla-open");
    s.el("sla-editor");
    assert_eq!(
        value_of(&s, "[data-testid=sla-target-high-first_response]"),
        "1:30"
    );
    assert_eq!(
        value_of(&s, "[data-testid=sla-target-high-resolution]"),
        "8:00"
    );
    assert_eq!(value_of(&s, "[data-testid=sla-calendar]"), calendar_id);
    assert_eq!(value_of(&s, "[data-testid=sla-warning]"), "0:30");

    // A calendar a policy counts in cannot be deleted; the refusal names the policy and the
    // calendar stays.
    s.click_id("admin-tab-calendars");
    s.click_id("calendar-open");
    s.click_id("calendar-delete");
    s.click_id("calendar-delete-confirm");
    s.wait_js(
        "delete refused",
        "document.querySelector('[data-testid=calendar-error]')?.textContent.includes('Billing SLA')",
        SHORT,
    );
    assert_eq!(s.find_all("[data-testid=calendar-row]").len(), 1);
    // The question is closed: one Cancel again, and Delete to ask anew.
    s.el("calendar-delete");
    s.screenshot("config-calendar-delete-refused");
    s.click_id("calendar-cancel");

    // ---- a rule: tag "refund" → group Billing, priority high ----
    s.click_id("admin-tab-rules");
    s.click_id("rule-new");
    s.el("rule-editor");
    // Tags offer only "contains" / "does not contain".
    let ops = s.js(
        "return [...document.querySelector('[data-testid=rule-condition-op]').options].map(o => o.value);",
        json!([]),
    );
    assert_eq!(ops, json!(["contains", "not_contains"]));
    set_value(&s, "[data-testid=rule-condition-value]", "refund");
    s.select("rule-action-kind", "set_priority");
    s.select("rule-action-value", "high");
    s.click_id("rule-action-add");
    s.wait_js(
        "second action",
        "document.querySelectorAll('[data-testid=rule-action]').length === 2",
        SHORT,
    );
    let second = "[data-testid=rule-action][data-index=\"1\"]";
    s.js(
        "const e = document.querySelector(arguments[0]); e.value = 'set_group'; e.dispatchEvent(new Event('change', {bubbles: true}));",
        json!([format!("{second} [data-testid=rule-action-kind]")]),
    );
    select_by_label(
        &s,
        &format!("{second} [data-testid=rule-action-value]"),
        "Billing",
    );
    // No name: refused beside the name, the conditions and actions stay as typed.
    s.click_id("rule-save");
    let err = s.el("rule-error-name");
    assert!(s.text(&err).contains("name"), "{}", s.text(&err));
    s.screenshot("config-rule-refused");
    assert_eq!(value_of(&s, "[data-testid=rule-condition-value]"), "refund");
    assert_eq!(count(&s, "[data-testid=rule-action]"), 2);
    assert_eq!(count(&s, "[data-testid=rule-row]"), 0);
    s.type_id("rule-name", "Refunds to Billing");
    // An empty tag is refused beside the conditions.
    set_value(&s, "[data-testid=rule-condition-value]", " ");
    s.click_id("rule-save");
    let err = s.el("rule-error-conditions");
    assert!(s.text(&err).contains("tag"), "{}", s.text(&err));
    assert!(s.find_all("[data-testid=rule-error-actions]").is_empty());
    set_value(&s, "[data-testid=rule-condition-value]", "refund");
    assert!(
        s.find_all("[data-testid=rule-error-conditions]").is_empty(),
        "the message goes once the form is edited"
    );
    s.click_id("rule-save");
    wait_toast_gone_and_saved(&s, "[data-testid=rule-row]", "Refunds to Billing");
    assert!(s.find_all("[data-testid=rule-error-name]").is_empty());
    s.screenshot("config-rule");
    // Leaving an edited form asks first: keep editing keeps the words, discard drops them.
    s.type_id("rule-name", " (draft)");
    s.click_id("rule-new");
    s.el("config-unsaved");
    s.click_id("config-unsaved-keep");
    assert_eq!(
        value_of(&s, "[data-testid=rule-name]"),
        "Refunds to Billing (draft)"
    );
    s.click_id("rule-new");
    s.click_id("config-unsaved-discard");
    s.wait_js(
        "a new rule",
        "document.querySelector('[data-testid=rule-name]')?.value === ''",
        SHORT,
    );
    s.click_id("rule-cancel");
    assert!(s
        .find_all("[data-testid=rule-row]")
        .iter()
        .any(|r| s.text(r).contains("Refunds to Billing") && !s.text(r).contains("draft")));

    // ---- a shared macro with placeholders and a status change ----
    s.click_id("admin-tab-macros");
    s.click_id("macro-new");
    s.type_id("macro-name", "Refund received");
    s.type_id("macro-body", "Hi ");
    s.click(&s.wait_css(
        "[data-testid=macro-placeholder][data-placeholder=\"customer.first_name\"]",
        SHORT,
    ));
    s.wait_js(
        "placeholder inserted",
        "document.querySelector('[data-testid=macro-body]').value === 'Hi {{customer.first_name}}'",
        SHORT,
    );
    set_value(
        &s,
        "[data-testid=macro-body]",
        "Hi {{customer.first_name}}, your refund for {{ticket.number}} is on its way. {{agent.first_name}}",
    );
    s.select("macro-set-status", "pending");
    s.screenshot("config-macro");
    s.click_id("macro-save");
    wait_toast_gone_and_saved(&s, "[data-testid=macro-row]", "Refund received");
    assert_eq!(
        count(
            &s,
            "[data-testid=macro-list-shared] [data-testid=macro-row]"
        ),
        1
    );

    // ---- a ticket the rule routes ----
    s.click_id("new-ticket-button");
    s.click_id("nt-requester-new");
    s.type_id("nt-new-name", "Ayşe Yılmaz");
    s.type_id("nt-new-email", "ayse@example.com");
    s.select("nt-channel", "phone");
    s.type_id("nt-subject", "Refund not arrived");
    s.type_id("nt-body", "My refund has not arrived after two weeks.");
    s.type_id("nt-tags", "refund");
    s.click_id("nt-submit");
    s.wait_js(
        "ticket open",
        "document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes('Refund not arrived')",
        SHORT,
    );
    s.wait_js(
        "priority high",
        "document.querySelector('[data-testid=prop-priority]')?.value === 'high'",
        SHORT,
    );
    s.wait_js(
        "group Billing",
        "document.querySelector('[data-testid=prop-group]')?.selectedOptions[0]?.textContent.includes('Billing')",
        SHORT,
    );
    s.wait_js(
        "rule in timeline",
        "[...document.querySelectorAll('[data-testid=timeline-event]')].some(e => e.textContent.includes('Rule Refunds to Billing') && e.dataset.field === 'priority')",
        SHORT,
    );
    // The SLA policy made above covers the routed (high priority) ticket.
    s.wait_js(
        "SLA policy on the ticket",
        "document.querySelector('[data-testid=sla-policy]')?.textContent.includes('Billing SLA') && !!document.querySelector('[data-testid=sla-metric-first_response]')",
        SHORT,
    );
    assert!(s
        .find_all("[data-testid=timeline-event][data-field=group]")
        .iter()
        .any(|e| s.text(e).contains("Rule Refunds to Billing")));

    // ---- a reply with "/" + macro search ----
    let body = s.el("composer-body");
    s.click(&body);
    s.type_into(&body, "/refu");
    s.el("macro-picker");
    let options = s.find_all("[data-testid=macro-picker-option]");
    assert_eq!(options.len(), 1);
    assert!(s.text(&options[0]).contains("Refund received"));
    s.screenshot("config-macro-picker");
    // Enter picks the highlighted macro.
    s.type_into(&body, "\u{E007}");
    s.wait_js(
        "macro inserted",
        &format!(
            "{}.value.startsWith('Hi Ayşe, your refund for #1001')",
            q("[data-testid=composer-body]")
        ),
        SHORT,
    );
    assert_eq!(
        value_of(&s, "[data-testid=composer-body]"),
        "Hi Ayşe, your refund for #1001 is on its way. Deniz"
    );
    assert!(s.find_all("[data-testid=macro-picker]").is_empty());
    let pending = s.el("macro-pending");
    assert!(s.text(&pending).contains("Pending"), "{}", s.text(&pending));
    s.click_id("composer-send");
    s.wait_js(
        "reply in thread",
        "[...document.querySelectorAll('[data-testid=message-body]')].some(m => m.textContent.includes('Hi Ayşe, your refund for #1001 is on its way. Deniz'))",
        SHORT,
    );
    s.wait_js(
        "status pending with the reply",
        "document.querySelector('[data-testid=prop-status]')?.value === 'pending'",
        SHORT,
    );
    assert!(s.find_all("[data-testid=macro-pending]").is_empty());
    s.wait_js(
        "first response met",
        "document.querySelector('[data-testid=sla-metric-first_response]')?.closest('[data-phase]')?.dataset.phase === 'met'",
        SHORT,
    );
    // Esc closes the picker and keeps the text.
    s.type_into(&body, "/zzz");
    s.el("macro-picker-empty");
    s.type_into(&body, "\u{E00C}");
    s.wait_js(
        "picker closed",
        "!document.querySelector('[data-testid=macro-picker]')",
        SHORT,
    );
    assert_eq!(value_of(&s, "[data-testid=composer-body]"), "/zzz");
    s.screenshot("config-after-reply");

    // In Persian the editors read right to left.
    s.click_id("settings-button");
    s.select("settings-language", "fa");
    s.click_id("settings-done");
    s.click_id("nav-admin");
    s.click_id("admin-tab-rules");
    s.click_id("rule-open");
    s.el("rule-editor");
    assert_eq!(
        s.js("return document.documentElement.dir;", json!([])),
        json!("rtl")
    );
    s.wait_text("قانون‌ها", SHORT);
    s.screenshot("config-rule-fa");
    s.click_id("theme-toggle");
    s.click_id("admin-tab-calendars");
    s.click_id("calendar-open");
    s.el("calendar-editor");
    s.screenshot("config-calendar-fa-dark");

    // Deleting asks once more, then the rule is gone.
    s.click_id("admin-tab-rules");
    s.click_id("rule-open");
    s.click_id("rule-delete");
    s.click_id("rule-delete-confirm");
    s.wait_js(
        "rule deleted",
        "document.querySelectorAll('[data-testid=rule-row]').length === 0",
        SHORT,
    );
    s.quit();
}
