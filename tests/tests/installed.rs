//! The installed app, started the way a user starts it. The installer step of `cargo xtask
//! test` installs the built `.deb` with apt, reads the program from its desktop entry's `Exec`
//! line and runs this test with it (`PORCHLIGHT_INSTALLED_EXEC`), in a fresh home
//! (`XDG_DATA_HOME` and friends), with no arguments: exactly what the launcher does.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use porchlight_e2e::{create_profile, new_phone_ticket, Driver, SHORT};

#[test]
#[ignore = "run by the installer step of `cargo xtask test`, once the .deb is installed"]
fn the_installed_app_starts_from_its_desktop_entry_and_keeps_its_data_in_the_users_folder() {
    let app = std::env::var("PORCHLIGHT_INSTALLED_EXEC")
        .expect("PORCHLIGHT_INSTALLED_EXEC: the installed program (cargo xtask test sets it)");
    let data_home = PathBuf::from(
        std::env::var("XDG_DATA_HOME").expect("XDG_DATA_HOME: a fresh folder for this run"),
    );
    let store = data_home.join("app.porchlight.desktop");
    assert!(
        !store.exists(),
        "{} exists before the first start",
        store.display()
    );

    let driver = Driver::start();
    let s = driver.launch_binary(&app, &[]);
    // A first start shows the welcome screen: no store yet, no server.
    s.el("welcome");
    s.screenshot("installed-welcome");
    create_profile(&s, "Ines Installed", "ines@example.com", false);
    new_phone_ticket(
        &s,
        "Carmen Caller",
        "carmen@example.com",
        "Installed from the package",
        "She called about the invoice.",
    );
    s.screenshot("installed-ticket");
    s.quit();

    // The store is in the user's data folder, where the README says it is.
    let db = store.join(porchlight_store::DB_FILE);
    assert!(db.exists(), "the installed app wrote no {}", db.display());
    let reopened = porchlight_store::Store::open(&store).expect("the app's store opens");
    let hits = reopened
        .search("Installed from the package", 10)
        .expect("search the installed app's store");
    assert_eq!(hits.hits.len(), 1, "the ticket made in the installed app");
}

/// The installed version's number, as dpkg knows it.
fn installed_version() -> String {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "porchlight"])
        .output()
        .expect("dpkg-query");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The running installed app whose program is the file now at /usr/bin/porchlight (a process
/// still running the replaced program shows its file as deleted).
fn running_new_app() -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|p| {
            std::fs::read_link(format!("/proc/{p}/exe"))
                .is_ok_and(|exe| exe == std::path::Path::new("/usr/bin/porchlight"))
        })
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Clicks a button of the Settings dialog, scrolled into the dialog's view first (as a person
/// scrolls to it).
fn press(s: &porchlight_e2e::Session, testid: &str) {
    s.js(
        &format!(
            "document.querySelector('[data-testid={testid}]').scrollIntoView({{block: 'center'}});"
        ),
        serde_json::json!([]),
    );
    s.click_id(testid);
}

/// Opens Settings at its Updates section (the first click can land while the workspace is
/// still settling after start; it is repeated until the dialog shows).
fn settings_updates(s: &porchlight_e2e::Session) {
    wait_until("the settings open", SHORT, || {
        if !s.find_all("[data-testid=update-settings]").is_empty() {
            return true;
        }
        s.js(
            "document.querySelector('[data-testid=settings-button]')?.click();",
            serde_json::json!([]),
        );
        false
    });
}

/// An installed 0.1.0 offered 0.1.1 by the team's own server (`release add`, as the README
/// says), updated from the banner ("Restart now"): dpkg installs the new package, the app
/// starts again by itself, and comes back with its data. Then a release whose file does not
/// match its signature is refused with a clear message, and nothing is installed.
#[test]
#[ignore = "run by the installer step of `cargo xtask test`, once the .deb is installed"]
fn the_installed_app_updates_itself_from_the_team_server_and_refuses_a_bad_signature() {
    let app = std::env::var("PORCHLIGHT_INSTALLED_EXEC").expect("PORCHLIGHT_INSTALLED_EXEC");
    let endpoint = std::env::var("PORCHLIGHT_UPDATE_ENDPOINT").expect("PORCHLIGHT_UPDATE_ENDPOINT");
    let next = std::env::var("PORCHLIGHT_UPDATE_NEXT").expect("PORCHLIGHT_UPDATE_NEXT: 0.1.1");
    let tampered = std::env::var("PORCHLIGHT_UPDATE_TAMPERED").expect("PORCHLIGHT_UPDATE_TAMPERED");
    let before = installed_version();

    let driver = Driver::start();
    let s = driver.launch_binary(&app, &[]);
    // The helpdesk of the first test.
    s.wait_text("Installed from the package", SHORT);
    settings_updates(&s);
    assert_eq!(
        s.text(&s.el("update-current")),
        before,
        "Settings shows the installed version"
    );
    s.type_id("update-url", &endpoint);
    press(&s, "update-url-save");
    s.wait_js(
        "the offer of the next version",
        &format!("document.querySelector('[data-testid=update-state]')?.dataset.state === 'available' && document.querySelector('[data-testid=update-notes]')?.textContent.includes({next:?})"),
        SHORT,
    );
    assert!(
        s.text(&s.el("update-notes")).contains("Faster search"),
        "the release notes"
    );
    s.click_id("settings-close");
    s.wait_js(
        "the settings closed",
        "!document.querySelector('[data-testid=update-settings]')",
        SHORT,
    );
    // The banner offers it where the agent works; "Restart now" installs it.
    let banner = s.el("update-banner");
    assert!(s.text(&banner).contains(&next), "{}", s.text(&banner));
    s.screenshot("update-offered");
    s.click_id("update-banner-install");
    // dpkg replaces the package, and the app starts again by itself (not through WebDriver).
    wait_until("dpkg has the new version", Duration::from_secs(120), || {
        installed_version() == next
    });
    let pid = {
        let mut found = None;
        wait_until("the updated app running", Duration::from_secs(60), || {
            found = running_new_app();
            found.is_some()
        });
        found.unwrap()
    };
    // The session's app is gone (it restarted itself); end the session.
    s.quit();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    wait_until("the updated app closed", Duration::from_secs(30), || {
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
    });

    // The admin adds a release whose file is not what the release key signed.
    let added = std::process::Command::new("runuser")
        .args([
            "-u",
            "porchlight",
            "--",
            "porchlight-server",
            "release",
            "add",
            &tampered,
        ])
        .args(["--data-dir", "/var/lib/porchlight"])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let s = driver.launch_binary(&app, &[]);
    s.wait_text("Installed from the package", SHORT);
    settings_updates(&s);
    assert_eq!(
        s.text(&s.el("update-current")),
        next,
        "the app runs the new version"
    );
    press(&s, "update-check");
    s.wait_js(
        "the tampered offer",
        "document.querySelector('[data-testid=update-state]')?.dataset.state === 'available'",
        SHORT,
    );
    press(&s, "update-install");
    s.wait_js(
        "the signature refused",
        "document.querySelector('[data-testid=update-error]')?.textContent.includes('signature')",
        Duration::from_secs(60),
    );
    s.screenshot("update-bad-signature");
    assert_eq!(installed_version(), next, "nothing was installed");
    s.quit();
}
