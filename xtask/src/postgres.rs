//! A private PostgreSQL server for the test suites: Debian's `postgresql` package, a cluster
//! in the target directory on its own port, started once and reused by later runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::deps::is_root;
use crate::target_dir;

pub const PORT: u16 = 54329;

fn bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (Debian package postgresql)")?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .context("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
}

/// Runs a PostgreSQL tool as the cluster's owner (PostgreSQL refuses to run as root).
fn pg(bin: &Path, tool: &str, args: &[&str]) -> Result<std::process::Output> {
    let exe = bin.join(tool);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.args(args)
        .current_dir("/")
        .output()
        .with_context(|| format!("could not run {tool}"))
}

/// Starts (if needed) the test cluster and returns its admin URL.
pub fn ensure() -> Result<String> {
    ensure_at(&target_dir().join("postgres"), PORT)
}

/// Starts (if needed) a cluster kept in `root`, listening on `port`; returns its admin URL.
pub fn ensure_at(root: &Path, port: u16) -> Result<String> {
    let bin = bin_dir()?;
    let data = root.join("data");
    std::fs::create_dir_all(root)?;
    if is_root() {
        let _ = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(root)
            .status();
    }
    let (data_s, root_s) = (data.display().to_string(), root.display().to_string());
    if !data.join("PG_VERSION").exists() {
        eprintln!("postgres: creating a test cluster in {data_s}");
        let out = pg(
            &bin,
            "initdb",
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        )?;
        if !out.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    // A cluster already answering on the port counts as running even when `pg_ctl status`
    // says otherwise (seen on a busy machine with the cluster up).
    let listening = || {
        std::net::TcpStream::connect_timeout(
            &([127, 0, 0, 1], port).into(),
            std::time::Duration::from_secs(1),
        )
        .is_ok()
    };
    let running = pg(&bin, "pg_ctl", &["-D", &data_s, "status"])?
        .status
        .success()
        || listening();
    if !running {
        eprintln!("postgres: starting the test server on 127.0.0.1:{port}");
        let opts =
            format!("-p {port} -k {root_s} -c listen_addresses=127.0.0.1 -c max_connections=300");
        let log = root.join("server.log").display().to_string();
        let out = pg(
            &bin,
            "pg_ctl",
            &["-D", &data_s, "-o", &opts, "-l", &log, "-w", "start"],
        )?;
        // A cluster that was running after all (its status read while busy) answers now.
        let up =
            || pg(&bin, "pg_ctl", &["-D", &data_s, "status"]).is_ok_and(|o| o.status.success());
        if !out.status.success() && !up() {
            bail!(
                "PostgreSQL did not start: {}{}\n(see {log})",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

/// Drops the databases earlier test runs made (each server test makes its own, named
/// `pl_…`), so the test cluster does not grow with every run.
pub fn drop_test_databases(admin_url: &str) -> Result<()> {
    let mut c = postgres::Client::connect(admin_url, postgres::NoTls)?;
    let names: Vec<String> = c
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'pl\\_%'",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for name in &names {
        // Names are the tests' own (`pl_` and hex digits); quoted all the same.
        c.batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            name.replace('"', "")
        ))?;
    }
    if !names.is_empty() {
        eprintln!(
            "postgres: dropped {} databases of earlier test runs",
            names.len()
        );
    }
    Ok(())
}

/// Stops the cluster kept in `root` (if it runs).
pub fn stop_at(root: &Path) -> Result<()> {
    let data = root.join("data").display().to_string();
    pg(
        &bin_dir()?,
        "pg_ctl",
        &["-D", &data, "-m", "fast", "-w", "stop"],
    )?;
    Ok(())
}
