//! The end-to-end story in the real window: a ticket for a new customer, a reply, an
//! internal note, assignment, solving; quit and restart; everything is there; search finds the
//! ticket by a word only in the note; Persian mirrors the layout.

use porchlight_e2e::{create_profile, new_phone_ticket, Driver, Session, SHORT};
use serde_json::json;

const SUBJECT: &str = "Refund for order 4711 never arrived";
const NOTE_WORD: &str = "zanzibarquokka";

fn open_ticket_row(s: &Session, subject: &str) {
    s.wait_js("row listed", &format!("[...document.querySelectorAll('[data-testid=\"ticket-row\"]')].some(r => r.textContent.includes({subject:?}))"), SHORT);
    let rows = s.find_all("[data-testid=\"ticket-row\"]");
    let row = rows
        .iter()
        .find(|r| s.text(r).contains(subject))
        .expect("row with subject");
    s.click(row);
    s.wait_js("ticket opened", &format!("document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes({subject:?})"), SHORT);
}

fn thread_has(s: &Session, kind: &str, author: &str, text: &str) {
    s.wait_js(
        &format!("{kind} by {author}"),
        &format!(
            "[...document.querySelectorAll('[data-testid=\"message\"][data-kind=\"{kind}\"][data-author-kind=\"{author}\"]')].some(m => m.textContent.includes({text:?}))"
        ),
        SHORT,
    );
}

fn selected_text(s: &Session, testid: &str) -> String {
    s.js(
        &format!("const e = document.querySelector('[data-testid=\"{testid}\"]'); return e.selectedOptions[0]?.textContent.trim() ?? '';"),
        json!([]),
    )
    .as_str()
    .unwrap_or("")
    .to_string()
}

fn send(s: &Session, mode: &str, text: &str) {
    s.click_id(mode);
    s.type_id("composer-body", text);
    s.click_id("composer-send");
}

#[test]
fn an_agents_ticket_survives_a_restart_and_is_found_by_its_note() {
    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();

    let s = driver.launch(dir.path());
    create_profile(&s, "Deniz Aydın", "deniz@example.com", false);

    // A phone call from a new customer.
    new_phone_ticket(
        &s,
        "Ayşe Yılmaz",
        "ayse@example.com",
        SUBJECT,
        "My refund has not arrived after two weeks.",
    );
    thread_has(&s, "reply", "customer", "two weeks");

    send(
        &s,
        "composer-mode-reply",
        "The refund was issued yesterday; banks take 3-5 days.",
    );
    thread_has(&s, "reply", "agent", "issued yesterday");
    send(
        &s,
        "composer-mode-note",
        &format!("Checked with the {NOTE_WORD} payments team."),
    );
    thread_has(&s, "note", "agent", NOTE_WORD);

    s.click_id("assign-to-me");
    s.wait_js("assigned", "document.querySelector('[data-testid=\"prop-assignee\"]').selectedOptions[0]?.textContent.includes('Deniz')", SHORT);
    s.click_id("solve-button");
    s.wait_js(
        "solved",
        "document.querySelector('[data-testid=\"prop-status\"]').value === 'solved'",
        SHORT,
    );
    s.screenshot("workspace-solved");
    s.quit();

    // Start again on the same store: everything is there.
    let s = driver.launch(dir.path());
    s.el("ticket-list");
    s.click_id("view-solved");
    open_ticket_row(&s, SUBJECT);
    thread_has(&s, "reply", "customer", "two weeks");
    thread_has(&s, "reply", "agent", "issued yesterday");
    thread_has(&s, "note", "agent", NOTE_WORD);
    assert_eq!(
        s.js(
            "return document.querySelector('[data-testid=\"prop-status\"]').value",
            json!([])
        ),
        json!("solved")
    );
    assert!(selected_text(&s, "prop-assignee").contains("Deniz"));
    let timeline = s.text(&s.el("timeline"));
    assert!(
        timeline.contains("Deniz"),
        "timeline names the agent: {timeline}"
    );

    // Search by a word that only the internal note contains.
    s.click_id("view-open");
    s.type_id("search-input", NOTE_WORD);
    s.wait_js("search hit", &format!("[...document.querySelectorAll('[data-testid=\"search-result\"]')].some(r => r.textContent.includes({SUBJECT:?}))"), SHORT);
    s.screenshot("workspace-search");

    // Persian mirrors the layout: the views sidebar moves to the right of the list.
    let side_of = |s: &Session| -> (f64, f64) {
        let v = s.js(
            "const a = document.querySelector('[data-testid=\"view-open\"]').getBoundingClientRect();
             const b = document.querySelector('[data-testid=\"ticket-list\"]').getBoundingClientRect();
             return [a.left, b.left];",
            json!([]),
        );
        (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
    };
    let (views_x, list_x) = side_of(&s);
    assert!(views_x < list_x, "left-to-right: views left of the list");
    s.click_id("settings-button");
    s.select("settings-language", "fa");
    s.wait_js(
        "rtl",
        "document.documentElement.dir === 'rtl' && document.documentElement.lang === 'fa'",
        SHORT,
    );
    s.click_id("settings-done");
    let (views_x, list_x) = side_of(&s);
    assert!(
        views_x > list_x,
        "right-to-left: views right of the list ({views_x} vs {list_x})"
    );
    s.screenshot("workspace-persian");
    s.quit();
}

/// Settings → Backups in the real window: a backup made while the app runs, a ticket added
/// after it, the restore confirmed (its words name the backup's date and ticket count), and
/// after a restart the helpdesk is the backup's: the later ticket is gone, the earlier one is
/// there.
#[test]
fn a_backup_restored_from_settings_brings_back_the_helpdesk_of_its_moment() {
    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, "Deniz Aydın", "deniz@example.com", false);
    new_phone_ticket(
        &s,
        "Ayşe Yılmaz",
        "ayse@example.com",
        "Kept in the backup",
        "The lamp is dark.",
    );
    s.click_id("settings-button");
    s.el("settings-backups");
    s.el("backup-none");
    s.click_id("backup-now");
    s.wait_css("[data-testid=backup-row]", SHORT);
    s.wait_js(
        "the backup counted",
        "document.querySelector('[data-testid=backup-row]').textContent.includes('Tickets: 1 ')",
        SHORT,
    );
    s.screenshot("backup-made");
    // All data exported: a folder in Downloads with the ticket in its CSV table.
    s.click_id("export-data");
    s.wait_js(
        "exported",
        "[...document.querySelectorAll('[data-testid=\"toast-info\"]')].some(t => t.textContent.includes('Exported to '))",
        SHORT,
    );
    let toast = s
        .js(
            "return [...document.querySelectorAll('[data-testid=\"toast-info\"]')].map(t => t.textContent).find(t => t.includes('Exported to '))",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_string();
    let folder = std::path::PathBuf::from(toast.split_once("Exported to ").unwrap().1.trim());
    let tickets = std::fs::read_to_string(folder.join("tickets.csv")).unwrap_or_default();
    let manifest = folder.join("manifest.json").is_file();
    let _ = std::fs::remove_dir_all(&folder);
    assert!(manifest, "{folder:?}");
    assert!(tickets.contains("Kept in the backup"), "{tickets}");
    s.click_id("settings-done");

    new_phone_ticket(
        &s,
        "Jan Kowalski",
        "jan@example.com",
        "Made after the backup",
        "Where is my parcel?",
    );
    s.click_id("settings-button");
    s.wait_css("[data-testid=backup-row]", SHORT);
    s.click_id("backup-restore");
    let words = s.text(&s.el("backup-confirm"));
    assert!(words.contains("(1 ticket)"), "{words}");
    s.screenshot("backup-confirm");
    s.click_id("backup-confirm-restore");
    s.wait_css("[data-testid=backup-restore-staged]", SHORT);
    s.quit();

    // Started again (as "Restart now" does): the backup's helpdesk.
    let s = driver.launch(dir.path());
    s.wait_js(
        "the backup's ticket listed",
        "[...document.querySelectorAll('[data-testid=\"ticket-row\"]')].some(r => r.textContent.includes('Kept in the backup'))",
        SHORT,
    );
    assert!(!s
        .find_all("[data-testid=\"ticket-row\"]")
        .iter()
        .any(|r| s.text(r).contains("Made after the backup")));
    s.quit();
}

/// The window opens at the size it was left at.
#[test]
fn the_window_opens_at_the_size_it_was_left_at() {
    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, "Deniz Aydın", "deniz@example.com", false);
    let rect = s.set_window_size(1100, 760);
    assert_eq!(rect["width"], json!(1100), "{rect}");
    // What the page had at that size (the menu bar takes its share of the window).
    let page = s.js("return [window.innerWidth, window.innerHeight];", json!([]));
    assert!(page[1].as_i64().unwrap() > 600, "{page}");
    // The place is written within half a second of the last change.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    s.quit();

    let s = driver.launch(dir.path());
    s.el("new-ticket-button");
    s.wait_js(
        "the window at its last size",
        &format!(
            "window.innerWidth === {} && window.innerHeight === {}",
            page[0], page[1]
        ),
        SHORT,
    );
    s.quit();
}

/// A second launch on a data folder that is already open hands over to the first window and
/// ends; the first keeps working. (Two processes on one store would both sync and fetch.)
#[test]
fn a_second_launch_on_the_same_data_folder_brings_the_open_window_forward() {
    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let s = driver.launch(dir.path());
    create_profile(&s, "Deniz Aydın", "deniz@example.com", false);
    let out = std::process::Command::new(std::env::var("PORCHLIGHT_BIN").unwrap())
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .env("DISPLAY", driver.display())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("already open") && said.contains("brought to the front"),
        "{said}"
    );
    // The first window still answers.
    new_phone_ticket(
        &s,
        "Ayşe Yılmaz",
        "ayse@example.com",
        "Still working",
        "Hello.",
    );
    let first = s
        .js(
            "return document.querySelector('[data-testid=ticket-row].current')?.dataset.ticketId ?? null;",
            json!([]),
        )
        .as_str()
        .expect("the open ticket's row")
        .to_string();
    new_phone_ticket(&s, "Ali Rezaei", "ali@example.com", "Another call", "Hi.");

    // A porchlight:// link given to a second launch (a link clicked in a chat) opens its ticket
    // in the window already open.
    let link = format!("porchlight://ticket/{first}");
    let out = std::process::Command::new(std::env::var("PORCHLIGHT_BIN").unwrap())
        .args(["--data-dir", dir.path().to_str().unwrap(), &link])
        .env("DISPLAY", driver.display())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let subject_is = |want: &str| {
        format!("document.querySelector('[data-testid=\"ticket-subject\"]')?.textContent.includes({want:?})")
    };
    s.wait_js(
        "the linked ticket open",
        &subject_is("Still working"),
        SHORT,
    );
    s.quit();

    // A first launch with a link opens that ticket once the workspace has loaded.
    let s = driver.launch_binary(
        &std::env::var("PORCHLIGHT_BIN").unwrap(),
        &["--data-dir", dir.path().to_str().unwrap(), &link],
    );
    s.wait_js(
        "the linked ticket open at start",
        &subject_is("Still working"),
        SHORT,
    );
    s.quit();
}
