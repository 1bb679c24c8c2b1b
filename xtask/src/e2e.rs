//! End-to-end: the real app binary, driven by tauri-driver + WebKitWebDriver under Xvfb, inside
//! a D-Bus session with an unlocked gnome-keyring (the sync issue's keyring tests need it).

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
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // One D-Bus session for the whole run, with a Secret Service inside it: gnome-keyring on a
    // fresh keyring (its files under the target dir, never the user's own keyring), created and
    // unlocked with a throwaway password so no prompt is needed.
    let keyring_home = target_dir().join("e2e-keyring");
    let _ = std::fs::remove_dir_all(&keyring_home);
    std::fs::create_dir_all(&keyring_home)?;
    let script = format!(
        "printf 'porchlight-e2e' | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1; exec '{cargo_bin}' test -p porchlight-e2e -- --test-threads=1"
    );
    let status = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .current_dir(root())
        .env("PORCHLIGHT_BIN", &app)
        .env("PORCHLIGHT_SERVER_BIN", &server)
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
