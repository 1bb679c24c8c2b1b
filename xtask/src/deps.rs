//! System packages: on Debian/Ubuntu, install what is missing (saying what and why); on other
//! systems, say what is needed.

use std::process::Command;

use anyhow::{bail, Context, Result};

#[derive(Clone, Copy, PartialEq)]
pub enum Group {
    Build,
    E2e,
}

fn packages(g: Group) -> (&'static str, &'static [&'static str]) {
    match g {
        Group::Build => (
            "to compile the desktop app (WebKitGTK webview, GTK, tray, SQLite's C build)",
            &[
                "build-essential", "pkg-config", "file", "libwebkit2gtk-4.1-dev", "libgtk-3-dev",
                "libayatana-appindicator3-dev", "librsvg2-dev", "libxdo-dev", "libssl-dev",
            ],
        ),
        Group::E2e => (
            "to run the tests (WebDriver for the real window, headless Chromium for the help center, virtual display, D-Bus session with its monitor, keyring, a notification daemon, fonts, PostgreSQL for the server suite, Dovecot and Postfix for the mail tests, desktop-file-validate and rpm for the installer checks)",
            &[
                "postgresql",
                "dovecot-imapd", "dovecot-lmtpd", "postfix", "openssl",
                "webkit2gtk-driver", "xvfb", "xauth", "dbus-x11", "dbus-daemon", "dbus-bin", "gnome-keyring", "libsecret-tools",
                "notification-daemon",
                "x11-xkb-utils", "at-spi2-core", "fonts-noto-core", "fonts-dejavu-core", "imagemagick",
                "chromium", "chromium-driver",
                "desktop-file-utils", "rpm",
            ],
        ),
    }
}

fn is_debian() -> bool {
    std::fs::read_to_string("/etc/os-release")
        .map(|s| {
            s.lines().any(|l| {
                l.starts_with("ID=debian")
                    || l.starts_with("ID=ubuntu")
                    || l.starts_with("ID_LIKE=") && l.contains("debian")
            })
        })
        .unwrap_or(false)
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

pub fn ensure(groups: &[Group]) -> Result<()> {
    if !cfg!(target_os = "linux") {
        eprintln!("deps: not Linux; see README.md for this system's prerequisites (Rust, Node.js ≥ 20, the platform webview).");
        return Ok(());
    }
    if !is_debian() {
        for g in groups {
            let (why, pkgs) = packages(*g);
            eprintln!("deps: not Debian/Ubuntu; make sure the equivalents of these are installed {why}: {}", pkgs.join(" "));
        }
        return Ok(());
    }
    let mut missing: Vec<&str> = Vec::new();
    for g in groups {
        let (why, pkgs) = packages(*g);
        let m: Vec<&str> = pkgs.iter().copied().filter(|p| !installed(p)).collect();
        if !m.is_empty() {
            eprintln!("deps: installing {} — needed {why}", m.join(" "));
            missing.extend(m);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: Vec<&str> = if is_root() { vec![] } else { vec!["sudo"] };
    if !is_root()
        && Command::new("sudo")
            .arg("-n")
            .arg("true")
            .status()
            .map(|s| !s.success())
            .unwrap_or(true)
        && std::env::var_os("CI").is_some()
    {
        bail!(
            "deps: missing packages and no root: run `sudo apt-get install -y {}`",
            missing.join(" ")
        );
    }
    let run = |args: &[&str]| -> Result<()> {
        let mut full: Vec<&str> = sudo.clone();
        full.extend_from_slice(args);
        let status = Command::new(full[0])
            .args(&full[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .with_context(|| format!("could not run {}", full.join(" ")))?;
        if !status.success() {
            bail!("`{}` failed", full.join(" "));
        }
        Ok(())
    };
    if missing.contains(&"postfix") {
        // Postfix asks how to configure the system's mail; "No configuration" leaves
        // /etc/postfix/main.cf unwritten and no system mail server running (the tests run
        // their own, see mail_server.rs).
        let mut cmd = Command::new(if is_root() {
            "debconf-set-selections"
        } else {
            "sudo"
        });
        if !is_root() {
            cmd.arg("debconf-set-selections");
        }
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .spawn()
            .context("could not run debconf-set-selections")?;
        use std::io::Write as _;
        child
            .stdin
            .take()
            .context("debconf-set-selections has no input")?
            .write_all(b"postfix postfix/main_mailer_type select No configuration\n")?;
        child.wait()?;
    }
    // Wait for another package manager run (an unattended upgrade, say) instead of failing.
    const WAIT_FOR_LOCK: &str = "DPkg::Lock::Timeout=600";
    run(&["apt-get", "-o", WAIT_FOR_LOCK, "update", "-qq"])?;
    let mut install = vec![
        "apt-get",
        "-o",
        WAIT_FOR_LOCK,
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
    ];
    install.extend(missing.iter().copied());
    run(&install)
}

/// Node.js ≥ 20 and npm are needed for the UI.
pub fn require_node() -> Result<()> {
    let out = Command::new("node").arg("--version").output();
    let Ok(out) = out else {
        bail!("Node.js ≥ 20 with npm is needed to build the UI; install it (e.g. from your package manager or nodejs.org) and retry");
    };
    let v = String::from_utf8_lossy(&out.stdout);
    let major: u32 = v
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        bail!(
            "Node.js {} is too old; Porchlight's UI needs Node.js ≥ 20",
            v.trim()
        );
    }
    Ok(())
}
