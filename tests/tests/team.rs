//! Two real desktop apps (two data dirs, two windows) and one real `porchlight-server`: agent A
//! creates a ticket and replies, agent B sees both live and sees that A is on the ticket. The
//! sign-in token lives in the Secret Service of this D-Bus session (gnome-keyring) and in no file
//! of either data dir and no log line of the apps or the server.

use std::path::{Path, PathBuf};
use std::process::Command;

use porchlight_e2e::{
    artifacts, create_profile, new_phone_ticket, Driver, Session, TestServer, SHORT,
};

const PASSWORD: &str = "a long enough team password";
const SUBJECT: &str = "Parcel 8841 arrived damaged";

/// Settings → "Connect to a team server", then back to the workspace once online.
fn connect(s: &Session, url: &str, email: &str) {
    s.click_id("settings-button");
    s.type_id("server-url", url);
    // The e-mail is filled in from the agent's profile.
    s.wait_js(
        "e-mail prefilled",
        &format!("document.querySelector('[data-testid=\"server-email\"]').value === {email:?}"),
        SHORT,
    );
    s.type_id("server-password", PASSWORD);
    s.click_id("server-connect");
    s.wait_js(
        "signed in",
        "document.querySelector('[data-testid=\"server-state\"]')?.dataset.state === 'online'",
        SHORT,
    );
    s.click_id("settings-done");
    s.wait_js(
        "status bar online",
        "document.querySelector('[data-testid=\"sync-status\"]')?.dataset.state === 'online'",
        SHORT,
    );
}

fn thread_has(s: &Session, text: &str) {
    s.wait_js(
        &format!("thread shows {text}"),
        &format!(
            "[...document.querySelectorAll('[data-testid=\"message\"]')].some(m => m.textContent.includes({text:?}))"
        ),
        SHORT,
    );
}

/// Every secret the Secret Service holds for `service`, read with libsecret's `secret-tool`.
fn secrets_for(service: &str) -> Vec<String> {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", service])
        .output()
        .expect("secret-tool (package libsecret-tools)");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("secret = "))
        .map(str::to_owned)
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_reply_from_one_desktop_appears_live_on_another_with_presence() {
    let service = format!("app.porchlight.e2e-{}", std::process::id());
    // The apps inherit this through tauri-driver and WebKitWebDriver.
    std::env::set_var("PORCHLIGHT_KEYRING_SERVICE", &service);
    let server = TestServer::start("team-server.log", PASSWORD);
    server.add_user("ada@example.com", "Ada Lovelace", "agent");
    server.add_user("bora@example.com", "Bora Kaya", "agent");

    let (driver_a, driver_b) = (Driver::start(), Driver::start());
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let a = driver_a.launch(dir_a.path());
    create_profile(&a, "Ada Lovelace", "ada@example.com", false);
    connect(&a, &server.url, "ada@example.com");
    let b = driver_b.launch(dir_b.path());
    create_profile(&b, "Bora Kaya", "bora@example.com", false);
    connect(&b, &server.url, "bora@example.com");

    // A records a phone call; B's inbox shows it without any action from B.
    new_phone_ticket(
        &a,
        "Chen Wei",
        "chen@example.com",
        SUBJECT,
        "The box was crushed and the lamp inside is broken.",
    );
    b.wait_js(
        "ticket reached B",
        &format!("[...document.querySelectorAll('[data-testid=\"ticket-row\"]')].some(r => r.textContent.includes({SUBJECT:?}))"),
        SHORT,
    );
    let row = b
        .find_all("[data-testid=\"ticket-row\"]")
        .into_iter()
        .find(|r| b.text(r).contains(SUBJECT))
        .unwrap();
    b.click(&row);
    thread_has(&b, "lamp inside is broken");

    // B sees that A is on this ticket; A starts typing a reply and B sees that too.
    b.wait_js(
        "A's avatar on B's ticket",
        "[...document.querySelectorAll('[data-testid=\"presence-avatar\"]')].some(p => p.dataset.agent === 'Ada Lovelace')",
        SHORT,
    );
    a.click_id("composer-mode-reply");
    a.type_id("composer-body", "So sorry! A replacement lamp ships today.");
    b.wait_js(
        "A shown replying",
        "[...document.querySelectorAll('[data-testid=\"presence-avatar\"]')].some(p => p.dataset.agent === 'Ada Lovelace' && p.dataset.activity === 'replying')",
        SHORT,
    );
    a.click_id("composer-send");
    thread_has(&a, "replacement lamp ships today");
    // The reply appears in B's open thread, live.
    thread_has(&b, "replacement lamp ships today");
    b.screenshot("team-b-sees-a-reply");

    // Nothing waits to be sent on either desktop.
    for s in [&a, &b] {
        s.wait_js(
            "no unsent changes",
            "document.querySelector('[data-testid=\"sync-status\"]')?.dataset.state === 'online' && !document.querySelector('[data-testid=\"sync-unsent\"]')",
            SHORT,
        );
    }
    a.quit();
    b.quit();

    // The tokens are in the Secret Service, one per desktop, and nowhere else.
    let tokens = secrets_for(&service);
    assert_eq!(
        tokens.len(),
        2,
        "one token per desktop in the Secret Service: {tokens:?}"
    );
    for t in &tokens {
        assert!(t.starts_with("plt_"), "a Porchlight token: {t:?}");
    }
    let mut files = files_under(dir_a.path());
    files.extend(files_under(dir_b.path()));
    files.push(server.log.clone());
    files.extend(
        files_under(&artifacts())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "log")),
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_default();
        for t in &tokens {
            assert!(!contains(&bytes, t), "a token leaked into {}", f.display());
        }
        assert!(
            !contains(&bytes, PASSWORD),
            "the password leaked into {}",
            f.display()
        );
    }
    assert!(
        std::fs::read_to_string(&server.log)
            .unwrap()
            .contains("/api/v1/sync/push"),
        "the server log is really the one that served the desktops"
    );

    // Signing out deletes the token (start A again on its data dir, sign out).
    let a = driver_a.launch(dir_a.path());
    a.wait_js(
        "A resumes online from the keyring",
        "document.querySelector('[data-testid=\"sync-status\"]')?.dataset.state === 'online'",
        SHORT,
    );
    a.click_id("settings-button");
    a.click_id("server-signout");
    a.wait_js(
        "signed out",
        "!!document.querySelector('[data-testid=\"server-connect\"]')",
        SHORT,
    );
    a.quit();
    assert_eq!(
        secrets_for(&service).len(),
        1,
        "sign-out removed A's token, B's stays"
    );
}

/// A multipart/form-data POST, as a browser sends the help center's forms; returns the page.
fn post_form(url: &str, fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> String {
    let boundary = "----porchlight-e2e-form";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, mime, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = ureq::post(url)
        .set(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send_bytes(&body)
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    res.into_string().unwrap()
}

/// The customer's side through the real help center, the agent's through the real window: a
/// request submitted on the web (with a file) reaches the desktop, the customer's reply on
/// the tracking page arrives live, the agent answers from the composer and the customer sees
/// the answer on the tracking page, while the agent's internal note stays internal.
#[test]
fn a_customers_web_request_is_answered_from_the_desktop() {
    let service = format!("app.porchlight.e2e-portal-{}", std::process::id());
    std::env::set_var("PORCHLIGHT_KEYRING_SERVICE", &service);
    let server = TestServer::start("team-server.log", PASSWORD);
    server.add_user("ada@example.com", "Ada Lovelace", "agent");

    let subject = "Blender arrived without its lid";
    let page = post_form(
        &format!("{}/help/en/requests/new", server.url),
        &[
            ("name", "Zeynep Arslan"),
            ("email", "zeynep@example.com"),
            ("subject", subject),
            ("message", "The box had no lid for the blender jar."),
            ("website", ""),
        ],
        Some((
            "box-photo.png",
            "image/png",
            b"\x89PNG\r\n\x1a\nnot really a photo",
        )),
    );
    let at = page
        .find("href=\"/help/requests/")
        .unwrap_or_else(|| panic!("no tracking link in {page}"));
    let link = page[at + 6..]
        .split('"')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let tracking = format!("{}{link}", server.url);

    let driver = Driver::start();
    let dir = tempfile::tempdir().unwrap();
    let a = driver.launch(dir.path());
    create_profile(&a, "Ada Lovelace", "ada@example.com", false);
    connect(&a, &server.url, "ada@example.com");
    a.wait_js(
        "the web request reached the desktop",
        &format!("[...document.querySelectorAll('[data-testid=\"ticket-row\"]')].some(r => r.textContent.includes({subject:?}))"),
        SHORT,
    );
    let row = a
        .find_all("[data-testid=\"ticket-row\"]")
        .into_iter()
        .find(|r| a.text(r).contains(subject))
        .unwrap();
    a.click(&row);
    thread_has(&a, "no lid for the blender jar");
    a.wait_js(
        "the customer's file is listed",
        "[...document.querySelectorAll('[data-testid=\"attachment\"]')].some(x => x.textContent.includes('box-photo.png'))",
        SHORT,
    );

    // The customer writes again on the tracking page; it appears in the open thread, live.
    let replied = post_form(
        &tracking,
        &[
            ("message", "I also found a crack on the base."),
            ("website", ""),
        ],
        None,
    );
    assert!(replied.contains("crack on the base"), "{replied}");
    thread_has(&a, "crack on the base");

    // An internal note, then the public answer.
    a.click_id("composer-mode-note");
    a.type_id(
        "composer-body",
        "Check the warehouse photos before replacing.",
    );
    a.click_id("composer-send");
    thread_has(&a, "warehouse photos");
    a.click_id("composer-mode-reply");
    a.type_id(
        "composer-body",
        "We are sending a new lid and base today, Zeynep.",
    );
    a.click_id("composer-send");
    thread_has(&a, "new lid and base today");
    a.screenshot("portal-answered-from-desktop");

    // The customer sees the answer on the tracking page (the desktop pushes it at once).
    let deadline = std::time::Instant::now() + SHORT;
    let page = loop {
        let page = ureq::get(&tracking).call().unwrap().into_string().unwrap();
        if page.contains("new lid and base today") || std::time::Instant::now() > deadline {
            break page;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(page.contains("new lid and base today"), "{page}");
    assert!(page.contains("crack on the base"));
    assert!(
        !page.contains("warehouse photos"),
        "an internal note reached the customer"
    );
    a.quit();
}
