//! End-to-end: the real app binary, driven by tauri-driver + WebKitWebDriver under Xvfb, inside
//! a D-Bus session with an unlocked gnome-keyring (the sync issue's keyring tests need it) and
//! a real notification daemon (the notification tests watch its Notify calls).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{cargo, root, sh, target_dir};

/// tauri-driver, installed into the target directory on first use.
pub fn tauri_driver() -> Result<PathBuf> {
    let tools = target_dir().join("tools");
    let bin = tools.join("bin/tauri-driver");
    if !bin.exists() {
        eprintln!(
            "e2e: installing tauri-driver (WebDriver bridge for Tauri) into {}",
            tools.display()
        );
        sh(cargo()
            .args([
                "install",
                "tauri-driver",
                "--version",
                "^2",
                "--locked",
                "--root",
            ])
            .arg(&tools))?;
    }
    Ok(bin)
}

/// The app binary the tests drive. Built by `cargo test -p porchlight --no-run`, which shares
/// its build with the command tests (same features), so nothing compiles twice.
pub fn app_binary() -> Result<PathBuf> {
    sh(cargo().args(["test", "-p", "porchlight", "--no-run"]))?;
    let bin = target_dir().join("debug/porchlight");
    if !bin.exists() {
        bail!("{} was not built", bin.display());
    }
    Ok(bin)
}

pub fn run() -> Result<()> {
    if !cfg!(target_os = "linux") {
        bail!("the end-to-end suite needs Linux (WebKitWebDriver); it does not run on this system");
    }
    let driver = tauri_driver()?;
    let app = app_binary()?;
    // The team scenario runs the real server next to two desktops.
    sh(cargo().args(["build", "-p", "porchlight-server"]))?;
    let server = target_dir().join("debug/porchlight-server");
    // The mail scenario sends and reads real mail.
    let mail = crate::mail_server::ensure_at(&target_dir().join("mail-server"))?;
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // One D-Bus session for the whole run, with a Secret Service inside it: gnome-keyring on a
    // fresh keyring (its files under the target dir, never the user's own keyring), created and
    // unlocked with a throwaway password so no prompt is needed.
    let keyring_home = target_dir().join("e2e-keyring");
    let _ = std::fs::remove_dir_all(&keyring_home);
    std::fs::create_dir_all(&keyring_home)?;
    // The notification daemon draws on a display of its own (the apps each get theirs).
    let display = notification_display();
    // `E2E_TEST=mail cargo xtask e2e` runs one scenario file (while working on it).
    let only = match std::env::var("E2E_TEST") {
        Ok(t) if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => format!("--test {t}"),
        Ok(t) => bail!("E2E_TEST={t}: name one file of tests/tests without .rs"),
        Err(_) => String::new(),
    };
    let script = format!(
        "printf 'porchlight-e2e' | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1; {daemon}; '{cargo_bin}' test -p porchlight-e2e {only} -- --test-threads=1; status=$?; {stop}; exit $status",
        daemon = start_notification_daemon(&display),
        stop = STOP_NOTIFICATION_DAEMON,
    );
    let status = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .current_dir(root())
        .env("PORCHLIGHT_BIN", &app)
        .env("PORCHLIGHT_SERVER_BIN", &server)
        .env("PORCHLIGHT_TEST_MAIL", &mail)
        .env("XDG_DATA_HOME", &keyring_home)
        .env("TAURI_DRIVER", &driver)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env_remove("DISPLAY")
        .status()
        .context("dbus-run-session (package dbus-daemon) is needed for the end-to-end tests")?;
    if !status.success() {
        bail!("end-to-end tests failed (screenshots and page dumps in target/e2e/)");
    }
    Ok(())
}

/// A free X display number for the notification daemon's own Xvfb.
pub fn notification_display() -> String {
    let n = (300..400)
        .find(|n| {
            !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                && !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .unwrap_or(399);
    format!(":{n}")
}

/// Shell that starts Xvfb on `display` and notification-daemon (package
/// notification-daemon) on it, owning org.freedesktop.Notifications on the session bus, and
/// waits until it does.
pub fn start_notification_daemon(display: &str) -> String {
    format!(
        "Xvfb {display} -nolisten tcp >/dev/null 2>&1 & notify_x=$!; \
         i=0; while [ ! -e /tmp/.X11-unix/X{n} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; \
         DISPLAY={display} /usr/lib/notification-daemon/notification-daemon >/dev/null 2>&1 & notify_d=$!; \
         i=0; until dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q 'boolean true' || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done",
        n = display.trim_start_matches(':'),
    )
}

pub const STOP_NOTIFICATION_DAEMON: &str = "kill $notify_d $notify_x 2>/dev/null";
