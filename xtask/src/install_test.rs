//! The installers, tested the way a user installs: the `.deb`s built by `cargo xtask bundle`
//! installed with `apt-get install ./….deb`, the libraries each binary loads checked against
//! what its package declares, the app started from its desktop entry (WebDriver sees the
//! welcome screen and a ticket is made), the server started as its systemd unit says (by
//! systemd where it runs, else its `ExecStart` line under its `User=` with its environment),
//! then both packages removed (data and settings kept, nothing else left) and purged (the
//! server's data, settings and user gone). Needs root (or sudo) and Debian or Ubuntu.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use crate::bundle::Artifacts;
use crate::{cargo, root, sh, target_dir};

const APP: &str = "porchlight";
const SERVER: &str = "porchlight-server";
const SERVER_DATA: &str = "/var/lib/porchlight";
const SERVER_DEFAULTS: &str = "/etc/default/porchlight-server";
const UNIT: &str = "/lib/systemd/system/porchlight-server.service";

/// The next version's installer (and its .sig), for the update test.
pub struct Next {
    pub version: String,
    pub deb: std::path::PathBuf,
}

pub fn run(built: &Artifacts, next: &Next) -> Result<()> {
    ensure!(
        crate::deps::is_root(),
        "installing packages needs root: run `sudo cargo xtask test` (CI runs as root)"
    );
    // A run that stopped half-way may have left them installed.
    purge_if_installed()?;
    let before = snapshot()?;

    eprintln!("install: apt-get install the app and the server");
    sh(apt()
        .args(["install", "-y", "--no-install-recommends"])
        .arg(&built.app_deb)
        .arg(&built.server_deb))?;
    for pkg in [APP, SERVER] {
        ensure!(
            installed(pkg),
            "{pkg} is not installed after apt-get install"
        );
    }
    dependencies_declared(APP, "/usr/bin/porchlight")?;
    dependencies_declared(SERVER, "/usr/bin/porchlight-server")?;
    let exec = desktop_entry_program()?;
    let home = target_dir().join("install-test-home");
    let _ = std::fs::remove_dir_all(&home);
    installed_app(
        &exec,
        &home,
        "the_installed_app_starts_from_its_desktop_entry_and_keeps_its_data_in_the_users_folder",
        &[],
    )?;
    let server = start_installed_server()?;
    let checked = check_server(&server.base, "porchlight").and_then(|()| {
        let (next_file, tampered) = release_files(next)?;
        // The admin adds the next version as the README says; the app finds it there.
        release_add(&next_file, "Faster search.\nReplies keep their drafts.")?;
        installed_app(
            &exec,
            &home,
            "the_installed_app_updates_itself_from_the_team_server_and_refuses_a_bad_signature",
            &[
                (
                    "PORCHLIGHT_UPDATE_ENDPOINT",
                    format!(
                        "{}/api/v1/updates/{{{{target}}}}/{{{{arch}}}}/{{{{bundle_type}}}}/{{{{current_version}}}}",
                        server.base
                    ),
                ),
                ("PORCHLIGHT_UPDATE_NEXT", next.version.clone()),
                ("PORCHLIGHT_UPDATE_TAMPERED", tampered.display().to_string()),
            ],
        )
    });
    server.stop(checked)?;

    eprintln!("install: apt-get remove keeps the data and settings and nothing else");
    sh(apt().args(["remove", "-y", APP, SERVER]))?;
    for pkg in [APP, SERVER] {
        ensure!(
            !installed(pkg),
            "{pkg} is still installed after apt-get remove"
        );
    }
    ensure!(
        !Path::new("/usr/bin/porchlight").exists()
            && !Path::new("/usr/bin/porchlight-server").exists(),
        "a program is left after apt-get remove"
    );
    ensure!(
        Path::new(SERVER_DATA).join("porchlight-server.db").exists(),
        "apt-get remove deleted the server's database in {SERVER_DATA}"
    );
    ensure!(
        Path::new(SERVER_DEFAULTS).exists(),
        "apt-get remove deleted the settings {SERVER_DEFAULTS}"
    );
    let left = new_files(&before, &snapshot()?);
    let unexpected: Vec<&String> = left
        .iter()
        .filter(|p| {
            !(p.starts_with(&format!("{SERVER_DATA}/"))
                || *p == SERVER_DATA
                || *p == SERVER_DEFAULTS
                || systemd_state(p))
        })
        .collect();
    ensure!(
        unexpected.is_empty(),
        "files left after apt-get remove: {unexpected:?}"
    );

    eprintln!("install: apt-get purge removes the server's data, settings and user");
    // The app had no settings files, so remove took all of it and apt no longer knows it;
    // dpkg purges what is left (the server's settings and data).
    sh(Command::new("dpkg").args(["--purge", APP, SERVER]))?;
    ensure!(
        !Path::new(SERVER_DATA).exists(),
        "{SERVER_DATA} is left after purge"
    );
    ensure!(
        !Path::new(SERVER_DEFAULTS).exists(),
        "{SERVER_DEFAULTS} is left after purge"
    );
    ensure!(
        !Command::new("getent")
            .args(["passwd", "porchlight"])
            .stdout(Stdio::null())
            .status()?
            .success(),
        "the porchlight user is left after purge"
    );
    let left = new_files(&before, &snapshot()?);
    ensure!(left.is_empty(), "files left after apt-get purge: {left:?}");
    println!("install: installed, ran, removed and purged cleanly");
    Ok(())
}

fn apt() -> Command {
    let mut c = Command::new("apt-get");
    c.env("DEBIAN_FRONTEND", "noninteractive");
    c
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout) == "install ok installed")
        .unwrap_or(false)
}

fn purge_if_installed() -> Result<()> {
    let present: Vec<&str> = [APP, SERVER]
        .into_iter()
        .filter(|p| {
            Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .map(|o| !String::from_utf8_lossy(&o.stdout).contains("not-installed"))
                .unwrap_or(false)
                && Command::new("dpkg-query")
                    .args(["-W", p])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .map(|s| s.success())
                    .unwrap_or(false)
        })
        .collect();
    if !present.is_empty() {
        eprintln!("install: purging {present:?} left by an earlier run");
        sh(Command::new("dpkg").arg("--purge").args(&present))?;
    }
    Ok(())
}

/// Shared state the package system itself keeps for an enabled unit until purge.
fn systemd_state(p: &str) -> bool {
    p.starts_with("/var/lib/systemd/deb-systemd-helper-enabled")
        || p.starts_with("/etc/systemd/system/") && p.contains("porchlight-server")
}

/// Every path on the root file system outside the places other programs write meanwhile (and
/// the user data folders: the app's data stays with its user, as every desktop app's does).
fn snapshot() -> Result<BTreeSet<String>> {
    let out = Command::new("find")
        .args([
            "/",
            "-xdev",
            "(",
            "-path",
            "/proc",
            "-o",
            "-path",
            "/sys",
            "-o",
            "-path",
            "/dev",
            "-o",
            "-path",
            "/run",
            "-o",
            "-path",
            "/tmp",
            "-o",
            "-path",
            "/var/tmp",
            "-o",
            "-path",
            "/var/log",
            "-o",
            "-path",
            "/var/cache",
            "-o",
            "-path",
            "/var/lib/dpkg",
            "-o",
            "-path",
            "/var/lib/apt",
            "-o",
            "-path",
            "/root",
            "-o",
            "-path",
            "/home",
            "-o",
            "-path",
            "/work",
            "-o",
            "-path",
            "/var/lib/postgresql",
            "-o",
            "-path",
            "/var/spool",
            "-o",
            "-path",
            "/var/mail",
            ")",
            "-prune",
            "-o",
            "-print",
        ])
        .stderr(Stdio::null())
        .output()
        .context("find")?;
    let here = target_dir();
    let root_dir = root();
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !Path::new(l).starts_with(&here) && !Path::new(l).starts_with(&root_dir))
        // Shared caches the desktop's triggers rebuild for every package (icons, MIME
        // handlers), and the backup copies of the account files adduser edits.
        .filter(|l| {
            !l.ends_with("/icon-theme.cache")
                && !l.ends_with("/mimeinfo.cache")
                && !matches!(
                    *l,
                    "/etc/passwd-" | "/etc/group-" | "/etc/shadow-" | "/etc/gshadow-"
                )
        })
        .map(str::to_string)
        .collect())
}

fn new_files(before: &BTreeSet<String>, after: &BTreeSet<String>) -> Vec<String> {
    after.difference(before).cloned().collect()
}

/// Each shared library `bin` loads directly comes from a package that `pkg`'s declared
/// dependencies bring in (directly or through theirs): apt installed what it needs.
fn dependencies_declared(pkg: &str, bin: &str) -> Result<()> {
    let closure = dependency_closure(pkg)?;
    let readelf = crate::bundle::output_of(Command::new("readelf").args(["-d", bin]))?;
    let needed: Vec<String> = readelf
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| Some(l.split('[').nth(1)?.trim_end_matches(']').to_string()))
        .collect();
    ensure!(!needed.is_empty(), "{bin} loads no shared library?");
    let ldd = crate::bundle::output_of(Command::new("ldd").arg(bin))?;
    // "libc.so.6 => /lib/…/libc.so.6 (0x…)", and the loader as "/lib64/ld-linux….so.2 (0x…)".
    let paths: HashMap<&str, &str> = ldd
        .lines()
        .filter_map(|l| match l.trim().split_once(" => ") {
            Some((name, rest)) => Some((name, rest.split_whitespace().next()?)),
            None => {
                let path = l.split_whitespace().next()?;
                path.starts_with('/')
                    .then(|| (path.rsplit('/').next().unwrap_or(path), path))
            }
        })
        .collect();
    let mut missing = Vec::new();
    for lib in &needed {
        let path = paths
            .get(lib.as_str())
            .with_context(|| format!("{bin} needs {lib}, which does not resolve (ldd)"))?;
        let owners = owners(path)?;
        if !owners.iter().any(|o| closure.contains(o)) {
            missing.push(format!("{lib} (from {owners:?})"));
        }
    }
    ensure!(
        missing.is_empty(),
        "{pkg} does not declare what {bin} loads: {missing:?}"
    );
    eprintln!(
        "install: {pkg}'s dependencies cover the {} libraries {bin} loads",
        needed.len()
    );
    Ok(())
}

/// The packages owning `path` (as installed; /lib and /usr/lib are one folder on merged-/usr
/// systems, so both spellings are asked).
fn owners(path: &str) -> Result<Vec<String>> {
    let real = std::fs::canonicalize(path)?;
    let mut names = vec![path.to_string(), real.to_string_lossy().into_owned()];
    for n in names.clone() {
        if let Some(rest) = n.strip_prefix("/usr") {
            names.push(rest.to_string());
        } else {
            names.push(format!("/usr{n}"));
        }
    }
    let mut found = Vec::new();
    for n in names {
        let out = Command::new("dpkg").args(["-S", &n]).output()?;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some((pkgs, _)) = line.split_once(": ") {
                for p in pkgs.split(", ") {
                    let p = p.split(':').next().unwrap_or(p).to_string();
                    if !found.contains(&p) {
                        found.push(p);
                    }
                }
            }
        }
    }
    ensure!(!found.is_empty(), "no package owns {path}");
    Ok(found)
}

/// `pkg` and every installed package its Depends and Pre-Depends reach.
fn dependency_closure(pkg: &str) -> Result<BTreeSet<String>> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([pkg.to_string()]);
    while let Some(p) = queue.pop_front() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let out = Command::new("dpkg-query")
            .args(["-W", "-f=${Depends}, ${Pre-Depends}", &p])
            .output()?;
        if !out.status.success() {
            continue; // a virtual package or an alternative that is not installed
        }
        for alt in String::from_utf8_lossy(&out.stdout).split([',', '|']) {
            let name = alt.split_whitespace().next().unwrap_or("");
            let name = name.split(':').next().unwrap_or(name);
            if !name.is_empty() && !seen.contains(name) {
                queue.push_back(name.to_string());
            }
        }
    }
    Ok(seen)
}

/// The program the app's desktop entry starts, resolved through PATH as the launcher does;
/// the entry is checked on the way (scheme handler, icon, `desktop-file-validate`).
fn desktop_entry_program() -> Result<String> {
    let files = crate::bundle::output_of(Command::new("dpkg").args(["-L", APP]))?;
    let entry = files
        .lines()
        .find(|l| l.starts_with("/usr/share/applications/") && l.ends_with(".desktop"))
        .context("the app's package installs no desktop entry")?
        .to_string();
    sh(Command::new("desktop-file-validate").arg(&entry))?;
    let text = std::fs::read_to_string(&entry)?;
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    let exec = field("Exec").context("the desktop entry has no Exec")?;
    ensure!(
        exec.ends_with(" %u"),
        "the desktop entry's Exec ({exec}) passes no link to the app"
    );
    ensure!(
        field("MimeType").is_some_and(|m| m.split(';').any(|t| t == "x-scheme-handler/porchlight")),
        "the desktop entry does not register porchlight:// links"
    );
    let icon = field("Icon").context("the desktop entry has no Icon")?;
    ensure!(
        files
            .lines()
            .any(|l| l.starts_with("/usr/share/icons/hicolor/")
                && l.ends_with(&format!("/{icon}.png"))),
        "the icon {icon} is not installed in the hicolor theme"
    );
    let program = exec.split_whitespace().next().unwrap_or("").to_string();
    let resolved =
        crate::bundle::output_of(Command::new("sh").args(["-c", "command -v \"$0\"", &program]))?;
    ensure!(
        resolved == "/usr/bin/porchlight",
        "the desktop entry starts {resolved}, not the installed /usr/bin/porchlight"
    );
    eprintln!("install: {entry} starts {resolved}");
    Ok(resolved)
}

/// One test of the e2e file `installed` against the installed program, in `home` (made
/// fresh by the caller, kept between the tests: the update test finds the first one's data).
fn installed_app(exec: &str, home: &Path, test: &str, env: &[(&str, String)]) -> Result<()> {
    for d in ["data", "config", "cache", "state"] {
        std::fs::create_dir_all(home.join(d))?;
    }
    let driver = crate::e2e::tauri_driver()?;
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new("dbus-run-session")
        .args([
            "--",
            &cargo_bin,
            "test",
            "-p",
            "porchlight-e2e",
            "--test",
            "installed",
        ])
        .args(["--", "--ignored", "--exact", test, "--test-threads=1"])
        .current_dir(root())
        .env("PORCHLIGHT_INSTALLED_EXEC", exec)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("TAURI_DRIVER", &driver)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .envs(env.iter().map(|(k, v)| (*k, v)))
        .env_remove("DISPLAY")
        .env_remove("PORCHLIGHT_DATA_DIR")
        .status()
        .context("dbus-run-session")?;
    ensure!(
        status.success(),
        "the installed app failed {test} (screenshots in target/e2e/)"
    );
    Ok(())
}

/// The next version's installer and a tampered copy of it as a later version (the same
/// signature, other bytes), where the service's user can read them.
fn release_files(next: &Next) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let dir = Path::new("/tmp/porchlight-release-test");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let name = next
        .deb
        .file_name()
        .context("a file name")?
        .to_string_lossy()
        .into_owned();
    let file = dir.join(&name);
    std::fs::copy(&next.deb, &file)?;
    let sig = std::fs::read(format!("{}.sig", next.deb.display()))
        .context("the next version was not signed (no .sig beside it)")?;
    std::fs::write(format!("{}.sig", file.display()), &sig)?;
    let later = bump(&next.version);
    let tampered = dir.join(name.replace(&format!("_{}_", next.version), &format!("_{later}_")));
    let mut bytes = std::fs::read(&next.deb)?;
    bytes.push(0);
    std::fs::write(&tampered, bytes)?;
    std::fs::write(format!("{}.sig", tampered.display()), &sig)?;
    sh(Command::new("chmod").args(["-R", "a+rX"]).arg(dir))?;
    Ok((file, tampered))
}

/// The next patch version: 0.1.0 -> 0.1.1.
pub fn bump(version: &str) -> String {
    let mut parts: Vec<u64> = version
        .split(['.', '-'])
        .take(3)
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    parts.resize(3, 0);
    parts[2] += 1;
    format!("{}.{}.{}", parts[0], parts[1], parts[2])
}

/// `porchlight-server release add`, as the service's user, into its data directory.
fn release_add(file: &Path, notes: &str) -> Result<()> {
    sh(Command::new("runuser")
        .args([
            "-u",
            "porchlight",
            "--",
            "porchlight-server",
            "release",
            "add",
        ])
        .arg(file)
        .args(["--notes", notes, "--data-dir", SERVER_DATA]))
}

/// The installed server, running as its unit says until `stop`.
struct RunningServer {
    base: String,
    child: Option<std::process::Child>,
}

impl RunningServer {
    /// Stops it (SIGTERM, a clean end), then reports `checked` (what was tested meanwhile).
    fn stop(mut self, checked: Result<()>) -> Result<()> {
        if let Some(child) = self.child.as_mut() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let status = child.wait()?;
            checked?;
            ensure!(
                status.success(),
                "the server ended with {status} on SIGTERM"
            );
        } else {
            let _ = Command::new("systemctl")
                .args(["stop", "porchlight-server"])
                .status();
            checked?;
        }
        Ok(())
    }
}

/// The installed server: the unit verified, then started as it says (by systemd, or its
/// `ExecStart` under its `User=` with its environment where systemd does not run).
fn start_installed_server() -> Result<RunningServer> {
    let unit = std::fs::read_to_string(UNIT).with_context(|| format!("{UNIT} is not installed"))?;
    let verify = Command::new("systemd-analyze")
        .args(["verify", UNIT])
        .output();
    if let Ok(v) = verify {
        let text = String::from_utf8_lossy(&v.stderr).into_owned();
        // Without systemd running, verify cannot load the rest of the system; it still reads
        // the unit and names its mistakes (unknown keys, bad values) with the unit's name.
        let ours: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("porchlight-server.service:"))
            .collect();
        ensure!(ours.is_empty(), "systemd-analyze verify: {ours:?}");
    }
    let key = |k: &str| -> Vec<String> {
        unit.lines()
            .filter_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(|v| v.trim().to_string())
            .collect()
    };
    let user = key("User").pop().context("the unit names no User")?;
    ensure!(user == "porchlight", "the unit runs as {user}");
    for hardening in [
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "Restart=on-failure",
    ] {
        ensure!(
            unit.lines().any(|l| l == hardening),
            "the unit lacks {hardening}"
        );
    }
    let port = free_port();
    // An admin's setting, in the settings file the package installed.
    let defaults = std::fs::read_to_string(SERVER_DEFAULTS)?;
    std::fs::write(
        SERVER_DEFAULTS,
        format!("{defaults}\nPORCHLIGHT_LISTEN=127.0.0.1:{port}\n"),
    )?;
    let base = format!("http://127.0.0.1:{port}");

    let server = if Path::new("/run/systemd/system").exists() {
        sh(Command::new("systemctl").args(["restart", "porchlight-server"]))?;
        None
    } else {
        // The unit's environment: Environment= lines, then the settings file over them.
        let mut env: Vec<(String, String)> = Vec::new();
        let mut set = |line: &str| {
            if let Some((k, v)) = line.split_once('=') {
                env.retain(|(x, _)| x != k.trim());
                env.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
            }
        };
        for e in key("Environment") {
            set(&e);
        }
        for line in std::fs::read_to_string(SERVER_DEFAULTS)?.lines() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                set(line);
            }
        }
        let exec = key("ExecStart")
            .pop()
            .context("the unit has no ExecStart")?;
        let dir = key("WorkingDirectory").pop().unwrap_or_else(|| "/".into());
        let mut words = exec.split_whitespace();
        let program = words.next().context("an empty ExecStart")?;
        eprintln!("install: systemd is not running here; starting `{exec}` as {user}");
        let log = std::fs::File::create(porchlight_e2e::artifacts().join("installed-server.log"))?;
        Some(
            Command::new("setpriv")
                .args([
                    "--reuid",
                    &user,
                    "--regid",
                    &user,
                    "--init-groups",
                    "--no-new-privs",
                    "--",
                    program,
                ])
                .args(words)
                .env_clear()
                .envs(env)
                .env("PATH", "/usr/bin:/bin")
                .current_dir(dir)
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .context("setpriv (package util-linux)")?,
        )
    };
    Ok(RunningServer {
        base,
        child: server,
    })
}

/// It answers on its address with its data in /var/lib/porchlight owned by its user; an admin
/// added the documented way signs in; its address leads to the help center.
fn check_server(base: &str, user: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ureq::get(&format!("{base}/healthz")).call() {
            Ok(_) => break,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => bail!("the installed server does not answer on {base}: {e}"),
        }
    }
    let db = Path::new(SERVER_DATA).join("porchlight-server.db");
    ensure!(db.exists(), "the server keeps no database in {SERVER_DATA}");
    let owner = crate::bundle::output_of(Command::new("stat").args(["-c", "%U"]).arg(&db))?;
    ensure!(
        owner == user,
        "{} belongs to {owner}, not {user}",
        db.display()
    );
    // The README's way to add the first admin on an installed server.
    let mut add = Command::new("runuser")
        .args(["-u", user, "--", "porchlight-server", "user", "add"])
        .args([
            "--email",
            "admin@example.com",
            "--name",
            "Installed Admin",
            "--role",
            "admin",
        ])
        .args(["--data-dir", SERVER_DATA])
        .stdin(Stdio::piped())
        .spawn()?;
    {
        use std::io::Write;
        add.stdin
            .take()
            .context("stdin")?
            .write_all(b"an installed server's password\n")?;
    }
    ensure!(
        add.wait()?.success(),
        "user add on the installed server failed"
    );
    let login = ureq::post(&format!("{base}/api/v1/auth/login")).send_json(serde_json::json!({
        "email": "admin@example.com",
        "password": "an installed server's password",
        "device_name": "install test",
    }));
    ensure!(
        login.is_ok(),
        "the admin added with `runuser -u porchlight -- porchlight-server user add` cannot sign in: {:?}",
        login.err()
    );
    // The server's address leads to its help center (ureq follows the redirect).
    let page = ureq::get(&format!("{base}/")).call();
    ensure!(
        page.as_ref().is_ok_and(|p| p.get_url().contains("/help/")),
        "the help center does not answer at {base}/: {:?}",
        page.err()
    );
    eprintln!("install: the installed server answers on {base}, and its admin signs in");
    Ok(())
}

/// The `.rpm` cannot be installed here; its header is read with `rpm` instead: the program,
/// the desktop entry and the libraries it requires on Fedora-like systems.
fn rpm_contents(rpm: &Path) -> Result<()> {
    let files = crate::bundle::output_of(Command::new("rpm").args(["-qpl"]).arg(rpm))?;
    for want in [
        "/usr/bin/porchlight",
        "/usr/share/applications/Porchlight.desktop",
    ] {
        ensure!(
            files.lines().any(|l| l == want),
            "{} lacks {want}: {files}",
            rpm.display()
        );
    }
    let requires = crate::bundle::output_of(Command::new("rpm").args(["-qpR"]).arg(rpm))?;
    ensure!(
        requires.lines().any(|l| l.starts_with("webkit2gtk4.1")),
        "{} does not require WebKitGTK: {requires}",
        rpm.display()
    );
    Ok(())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18_431)
}

/// `cargo xtask test`'s installer step: a throwaway release key; the next version bundled and
/// signed with it, then this version (both with its public key built in); then the tests above.
pub fn bundle_and_test() -> Result<()> {
    let work = target_dir().join("update-test");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let key = work.join("release.key");
    // The real release key never leaves its owner; the tests make their own.
    sh(Command::new(root().join("ui/node_modules/.bin/tauri"))
        .args([
            "signer",
            "generate",
            "--ci",
            "--password",
            "",
            "--write-keys",
        ])
        .arg(&key))?;
    let pubkey = std::fs::read_to_string(work.join("release.key.pub"))?
        .trim()
        .to_string();
    let current = crate::bundle::version()?;
    let next_version = bump(&current);
    let next = crate::bundle::build(&crate::bundle::Options {
        version: Some(next_version.clone()),
        pubkey: Some(pubkey.clone()),
        signing_key: Some(key.clone()),
    })?;
    let next_deb = work.join(next.app_deb.file_name().context("a file name")?);
    std::fs::copy(&next.app_deb, &next_deb)?;
    std::fs::copy(
        format!("{}.sig", next.app_deb.display()),
        format!("{}.sig", next_deb.display()),
    )
    .context("the bundler wrote no .sig for the next version")?;
    let built = crate::bundle::build(&crate::bundle::Options {
        version: None,
        pubkey: Some(pubkey),
        signing_key: Some(key),
    })?;

    // The install test's own WebDriver test is compiled before anything is installed.
    sh(cargo().args([
        "test",
        "-p",
        "porchlight-e2e",
        "--test",
        "installed",
        "--no-run",
    ]))?;
    rpm_contents(&built.app_rpm)?;
    run(
        &built,
        &Next {
            version: next_version,
            deb: next_deb,
        },
    )
}
