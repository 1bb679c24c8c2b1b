//! A keyboard-only working session in the real window, with the Persian keyboard layout active
//! on the display (`setxkbmap ir`): from the ticket list to a sent reply, reading the whole
//! thread, a dialog that keeps Tab inside and gives focus back, and no mouse event at all.
//! Keys are WebDriver key actions, which WebKitGTK turns into key presses through the
//! display's keymap, as a keyboard's would be.

use std::process::Command;
use std::time::Duration;

use porchlight_e2e::{demo_workspace, Driver, Session, SHORT};
use serde_json::json;

const ENTER: &str = "\u{E007}";
const ESC: &str = "\u{E00C}";
const TAB: &str = "\u{E004}";
const SHIFT: &str = "\u{E008}";
const CTRL: &str = "\u{E009}";
const DOWN: &str = "\u{E015}";
const PAGE_UP: &str = "\u{E00E}";
const HOME: &str = "\u{E011}";
const SPACE: &str = " ";

fn layout(display: &str, name: &str) {
    let ok = Command::new("setxkbmap")
        .args(["-display", display, name])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "setxkbmap {name} on {display} (package x11-xkb-utils)");
}

/// Tabs until `testid` has the focus; how many Tabs it took.
fn tab_to(s: &Session, testid: &str, max: usize) -> usize {
    for n in 1..=max {
        s.keys(&[TAB]);
        if s.focused() == testid {
            return n;
        }
    }
    panic!(
        "{testid} not reached in {max} Tabs (focus on {})",
        s.focused()
    );
}

/// Waits until the element with `testid` has the focus (`what` names the step).
fn wait_focus(s: &Session, testid: &str, what: &str) {
    s.wait_js(
        what,
        &format!("document.activeElement?.dataset.testid === {testid:?}"),
        SHORT,
    );
}

fn active_row(s: &Session) -> String {
    s.js(
        "const l = document.querySelector('[data-testid=ticket-list]');
         const id = l.getAttribute('aria-activedescendant');
         return id ? document.getElementById(id)?.dataset.ticketId ?? '' : '';",
        json!([]),
    )
    .as_str()
    .unwrap_or("")
    .to_string()
}

fn row_ids(s: &Session) -> Vec<String> {
    s.js(
        "return [...document.querySelectorAll('[data-testid=ticket-row]')].map(r => r.dataset.ticketId);",
        json!([]),
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

#[test]
fn a_ticket_from_the_list_to_a_sent_reply_by_keyboard_on_a_persian_layout() {
    let driver = Driver::start();
    let (s, _dir) = demo_workspace(&driver, "Deniz Aydın", "deniz@example.com");
    s.wait_js(
        "rows",
        "document.querySelectorAll('[data-testid=ticket-row]').length > 5",
        SHORT,
    );
    layout(driver.display(), "ir");

    // From here on, no pointer: every pointer event the page sees is counted.
    s.js(
        "window.__pointer = 0; window.__keys = [];
         for (const t of ['pointerdown', 'mousedown', 'mouseup']) addEventListener(t, () => window.__pointer++, true);
         addEventListener('keydown', (e) => window.__keys.push(e.key + '/' + e.code), true);
         document.activeElement?.blur();",
        json!([]),
    );

    // The Persian keyboard's J key (it types ت) opens the first ticket, as J does on a Latin one.
    s.keys(&["ت"]);
    let keys = s.js("return window.__keys;", json!([]));
    eprintln!("[keyboard] the J key arrived as {keys}");
    s.wait_js(
        "J opened a ticket",
        "document.querySelector('[data-testid=ticket-subject]')",
        SHORT,
    );
    let rows = row_ids(&s);
    s.wait_js(
        "the first ticket is open",
        &format!("document.querySelector('[data-testid=ticket-row][aria-current=true]')?.dataset.ticketId === {:?}", rows[0]),
        SHORT,
    );

    // The first Tab stop skips to the work: the list.
    s.js("document.activeElement?.blur();", json!([]));
    tab_to(&s, "skip-to-main", 1);
    s.keys(&[ENTER]);
    wait_focus(&s, "ticket-list", "the list has the focus");
    assert_eq!(
        active_row(&s),
        rows[0],
        "the open ticket is the list's active row"
    );
    // Without the skip link it is a few Tabs away, not one per view and per ticket.
    s.js("document.activeElement?.blur();", json!([]));
    let tabs = tab_to(&s, "ticket-list", 16);
    eprintln!("[keyboard] the ticket list after {tabs} Tabs");

    // Arrows move the active row without opening; Enter opens it.
    s.keys(&[DOWN, DOWN]);
    assert_eq!(active_row(&s), rows[2]);
    s.screenshot("keyboard-focused-row");
    s.keys(&[ENTER]);
    s.wait_js(
        "Enter opened the third ticket",
        &format!("document.querySelector('[data-testid=ticket-row][aria-current=true]')?.dataset.ticketId === {:?}", rows[2]),
        SHORT,
    );

    // Space checks a ticket for a bulk change, Shift+Down a second; Escape clears them.
    s.keys(&[SPACE]);
    s.chord(&[SHIFT], DOWN);
    s.wait_js(
        "two checked",
        "document.querySelector('[data-testid=bulk-count]')?.textContent.includes('2')",
        SHORT,
    );
    let checked = s.js(
        "return document.querySelectorAll('[data-testid=ticket-row][aria-selected=true]').length;",
        json!([]),
    );
    assert_eq!(
        checked,
        json!(2),
        "aria-selected tells a screen reader which tickets are checked"
    );
    s.keys(&[ESC]);
    s.wait_js(
        "cleared",
        "!document.querySelector('[data-testid=bulk-bar]')",
        SHORT,
    );

    // The whole thread can be read: it is a Tab stop, and Page Up / Home scroll it.
    let n = tab_to(&s, "thread", 40);
    eprintln!("[keyboard] the thread after {n} more Tabs");
    let bottom = s.js("const t = document.querySelector('[data-testid=thread]'); return t.scrollHeight - t.clientHeight;", json!([]));
    if bottom.as_f64().unwrap_or(0.0) > 10.0 {
        s.keys(&[PAGE_UP]);
        s.keys(&[HOME]);
        s.wait_js(
            "the thread scrolled to its start",
            "document.querySelector('[data-testid=thread]').scrollTop < 2",
            SHORT,
        );
    }

    // R (ق on this layout) opens the reply; Ctrl+Enter sends it.
    s.keys(&["ق"]);
    wait_focus(&s, "composer-body", "the reply box has the focus");
    s.screenshot("keyboard-composer-focus");
    s.keys(&["س", "ل", "ا", "م", " ", "2", "4"]);
    s.chord(&[CTRL], ENTER);
    s.wait_js(
        "the reply is in the thread",
        "[...document.querySelectorAll('[data-testid=message][data-kind=reply][data-author-kind=agent]')].some(m => m.textContent.includes('سلام'))",
        SHORT,
    );
    // Esc leaves the composer for the list, where the keys work again.
    s.keys(&[ESC]);
    wait_focus(&s, "ticket-list", "back on the list");

    // C (ز) opens New ticket: focus inside, Tab never leaves it, Esc gives the focus back.
    s.keys(&["ز"]);
    s.wait_js(
        "new ticket open",
        "document.activeElement?.closest('[data-testid=new-ticket-form]')",
        SHORT,
    );
    s.screenshot("keyboard-dialog");
    for _ in 0..30 {
        s.keys(&[TAB]);
        let inside = s.js(
            "return !!document.activeElement?.closest('[role=dialog]');",
            json!([]),
        );
        assert_eq!(
            inside,
            json!(true),
            "Tab left the dialog for {}",
            s.focused()
        );
    }
    s.chord(&[SHIFT], TAB);
    assert_eq!(
        s.js(
            "return !!document.activeElement?.closest('[role=dialog]');",
            json!([])
        ),
        json!(true)
    );
    s.keys(&[ESC]);
    wait_focus(&s, "ticket-list", "focus back on the list");

    // B (ذ) opens the knowledge base; its article list is one Tab stop, arrows move in it,
    // Enter opens an article and its title takes the focus.
    s.keys(&["ذ"]);
    s.el("kb-section");
    s.wait_js(
        "articles listed",
        "document.querySelectorAll('[data-testid=kb-article-row]').length > 2",
        SHORT,
    );
    let n = tab_to(&s, "kb-article-row", 12);
    eprintln!("[keyboard] the first article after {n} Tabs");
    s.keys(&[DOWN]);
    let second = s.js(
        "return document.activeElement === document.querySelectorAll('[data-testid=kb-article-row]')[1];",
        json!([]),
    );
    assert_eq!(second, json!(true), "Down moves to the second article");
    s.keys(&[ENTER]);
    wait_focus(&s, "kb-title", "the article's title has the focus");

    let pointer = s.js("return window.__pointer;", json!([]));
    assert_eq!(pointer, json!(0), "the session used no pointer");
    std::thread::sleep(Duration::from_millis(100));
    layout(driver.display(), "us");
    s.quit();
}

/// The row's check box is no Tab stop any more, but a mouse still ticks it, with Shift for a
/// range, and a bulk change applies to what is ticked.
#[test]
fn the_mouse_ticks_tickets_for_a_bulk_change() {
    let driver = Driver::start();
    let (s, _dir) = demo_workspace(&driver, "Deniz Aydın", "deniz@example.com");
    s.wait_js(
        "rows",
        "document.querySelectorAll('[data-testid=ticket-row]').length > 5",
        SHORT,
    );
    let boxes = s.find_all("[data-testid=row-select]");
    s.click(&boxes[1]);
    s.js(
        "const b = document.querySelectorAll('[data-testid=row-select]')[3];
         b.dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true}));",
        json!([]),
    );
    s.wait_js(
        "three ticked",
        "document.querySelector('[data-testid=bulk-count]')?.textContent.includes('3')",
        SHORT,
    );
    assert_eq!(
        s.js("return [...document.querySelectorAll('[data-testid=ticket-row]')].map(r => r.getAttribute('aria-selected'));", json!([]))
            .as_array()
            .unwrap()[..5]
            .to_vec(),
        vec![json!("false"), json!("true"), json!("true"), json!("true"), json!("false")]
    );
    // Ticking does not open the ticket.
    assert_eq!(
        s.js(
            "return !!document.querySelector('[data-testid=ticket-row][aria-current=true]');",
            json!([])
        ),
        json!(false)
    );
    let ticked = s.js("return [...document.querySelectorAll('[data-testid=ticket-row][aria-selected=true]')].map(r => r.dataset.ticketId);", json!([]));
    s.select("bulk-status", "pending");
    s.wait_js(
        "the ticks are gone",
        "!document.querySelector('[data-testid=bulk-bar]')",
        SHORT,
    );
    s.click_id("view-pending");
    s.wait_js(
        "the three tickets are pending",
        &format!(
            "{ticked}.every(id => document.querySelector(`[data-testid=ticket-row][data-ticket-id=\"${{id}}\"] [data-testid=status-pill]`)?.dataset.status === 'pending')"
        ),
        SHORT,
    );
    s.quit();
}
