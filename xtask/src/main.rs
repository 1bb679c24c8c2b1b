//! `cargo xtask <command>`: the only entry points for running, testing, seeding and
//! benchmarking Porchlight. Each step says what it does; failures stop with a clear banner.

mod bench;
mod bench_kb;
mod bench_kb_store;
mod bench_mail;
mod bench_mail_server;
mod bench_reports;
mod bench_rules;
mod bench_sync;
mod bench_util;
mod bundle;
mod deps;
mod e2e;
mod fuzz;
mod install_test;
mod lighthouse;
mod mail_server;
mod postgres;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

const USAGE: &str = "usage: cargo xtask <command>
  run [-- APP ARGS]                 install what is missing, build the UI, start the app
  test                              every check CI runs (fmt, clippy, tests, bindings, UI, e2e)
  e2e                               end-to-end tests of the real window (Xvfb + tauri-driver)
  lighthouse                        Lighthouse on the help center's and portal's pages (en, fa)
                                    in headless Chromium -> target/bench/lighthouse.json
  fuzz-api                          schemathesis against the real server's OpenAPI document
                                    (PORCHLIGHT_FUZZ_EXAMPLES per operation, PORCHLIGHT_FUZZ_SEED)
  seed --tickets N --data-dir DIR   generate a realistic store (~10 messages per ticket)
  bench [store|app|sync|kb|rules|mail|reports]
                                    benchmarks on a 100k-ticket helpdesk, a 10k-article KB,
                                    e-mail on the test mail server -> target/bench/report.json
  bundle                            release installers: the app's .deb and .rpm, the server's
                                    .deb (systemd unit) -> target/release/bundle/
  installers                        bundle, then install both .debs with apt, start the app from
                                    its desktop entry and the server as its unit says, remove
                                    and purge them (needs root; part of `test`)
  bindings                          regenerate ui/src/bindings from the Rust types
  deps                              install the system packages the build and tests need
  postgres                          start the private PostgreSQL test cluster, print its URL
                                    (for running one server suite: PORCHLIGHT_TEST_POSTGRES=URL)
  mail-server [start|stop]          start (or stop) the private Dovecot + Postfix test pair on
                                    loopback, print its ports and CA as JSON
                                    (for the mail tests: PORCHLIGHT_TEST_MAIL=JSON)";

fn main() {
    if let Err(e) = run_cli() {
        eprintln!("\nxtask: {e:#}");
        std::process::exit(1);
    }
}

fn run_cli() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        println!("{USAGE}");
        return Ok(());
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "run" => run_app(rest),
        "test" => test_all(),
        "e2e" => {
            deps::ensure(&[deps::Group::Build, deps::Group::E2e])?;
            ui_build()?;
            e2e::run()
        }
        "lighthouse" => {
            deps::ensure(&[deps::Group::Build, deps::Group::E2e])?;
            lighthouse::run()
        }
        "fuzz-api" => fuzz::run(),
        "bundle" => bundle::run().map(|_| ()),
        "installers" => {
            deps::ensure(&[deps::Group::Build, deps::Group::E2e])?;
            install_test::bundle_and_test()
        }
        "seed" => seed(rest),
        "bench" if cfg!(debug_assertions) => {
            // Measure optimised code: run this same command from a release build of xtask.
            deps::ensure(&[deps::Group::Build, deps::Group::E2e])?;
            sh(cargo()
                .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
                .args(rest))
        }
        "bench" => bench::run(rest.first().map(String::as_str)),
        // Internal: the memory measurement of `bench mail`, in a process of its own.
        bench_mail::RSS_CHILD => bench_mail::rss_child(rest),
        "bindings" => bindings(&root().join("ui/src/bindings")),
        "deps" => deps::ensure(&[deps::Group::Build, deps::Group::E2e]),
        "postgres" => {
            println!("{}", postgres::ensure()?);
            Ok(())
        }
        "mail-server" => mail_server::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command '{other}'\n{USAGE}"),
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Cargo's target directory (honours CARGO_TARGET_DIR).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => {
            let p = PathBuf::from(d);
            if p.is_absolute() {
                p
            } else {
                root().join(p)
            }
        }
        None => root().join("target"),
    }
}

pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Runs a command, echoing it, failing with its name when it fails.
pub fn sh(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start {}", describe(cmd)))?;
    if !status.success() {
        bail!("{} failed ({status})", describe(cmd));
    }
    Ok(())
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn npm(args: &[&str]) -> Result<()> {
    sh(Command::new("npm")
        .args(args)
        .current_dir(root().join("ui")))
}

/// `npm ci` when node_modules is missing or older than the lock file, then `vite build`.
/// ui/dist must exist before src-tauri compiles: tauri embeds it.
pub fn ui_build() -> Result<()> {
    deps::require_node()?;
    npm_ci_if_stale(&root().join("ui"), &[])?;
    npm(&["run", "build"])
}

/// `npm ci` (with `extra` options) in `dir` when its node_modules is missing or older than
/// its lock file.
pub fn npm_ci_if_stale(dir: &Path, extra: &[&str]) -> Result<()> {
    let lock = dir.join("package-lock.json").metadata()?.modified()?;
    let installed = dir
        .join("node_modules/.package-lock.json")
        .metadata()
        .and_then(|m| m.modified())
        .ok();
    if installed.is_none_or(|t| t < lock) {
        sh(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .args(extra)
            .current_dir(dir))?;
    }
    Ok(())
}

fn run_app(rest: &[String]) -> Result<()> {
    deps::ensure(&[deps::Group::Build])?;
    ui_build()?;
    let app_args: Vec<&String> = rest.iter().skip_while(|a| *a == "--").collect();
    sh(cargo()
        .args(["run", "-p", "porchlight", "--"])
        .args(app_args))
}

fn seed(rest: &[String]) -> Result<()> {
    let mut tickets = 1000usize;
    let mut dir: Option<PathBuf> = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--tickets" => {
                tickets = it
                    .next()
                    .context("--tickets needs a number")?
                    .parse()
                    .context("--tickets needs a number")?
            }
            "--data-dir" => {
                dir = Some(PathBuf::from(
                    it.next().context("--data-dir needs a directory")?,
                ))
            }
            other => bail!("seed: unknown option '{other}' (use --tickets N --data-dir DIR)"),
        }
    }
    let dir = dir.context("seed: --data-dir DIR is required")?;
    let report = bench_util::seed_store(&dir, tickets)?;
    println!(
        "seeded {} tickets, {} messages, {} customers into {} in {:.1} s ({:.0} tickets/s)",
        report.tickets,
        report.messages,
        report.customers,
        dir.display(),
        report.elapsed_ms as f64 / 1000.0,
        report.tickets as f64 / (report.elapsed_ms.max(1) as f64 / 1000.0)
    );
    Ok(())
}

/// Regenerates the ts-rs bindings into `out` (the export tests write them).
fn bindings(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    for e in std::fs::read_dir(out)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "ts") {
            std::fs::remove_file(p)?;
        }
    }
    sh(cargo()
        .args([
            "test",
            "-q",
            "-p",
            "porchlight-domain",
            "--lib",
            "export_bindings",
        ])
        .env("TS_RS_EXPORT_DIR", out))
}

/// Fails when ui/src/bindings differs from what the Rust types generate now.
fn check_bindings() -> Result<()> {
    let fresh = target_dir().join("bindings-check");
    let _ = std::fs::remove_dir_all(&fresh);
    bindings(&fresh)?;
    let committed = root().join("ui/src/bindings");
    let list = |d: &Path| -> Result<Vec<String>> {
        let mut v: Vec<String> = std::fs::read_dir(d)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ts"))
            .collect();
        v.sort();
        Ok(v)
    };
    let (a, b) = (list(&fresh)?, list(&committed)?);
    let mut stale: Vec<String> = Vec::new();
    for n in a.iter().chain(b.iter()) {
        let x = std::fs::read(fresh.join(n)).ok();
        let y = std::fs::read(committed.join(n)).ok();
        if x != y && !stale.contains(n) {
            stale.push(n.clone());
        }
    }
    if !stale.is_empty() {
        bail!(
            "ui/src/bindings is stale ({}): run `cargo xtask bindings` and commit ui/src/bindings",
            stale.join(", ")
        );
    }
    println!("bindings: {} files, all fresh", a.len());
    Ok(())
}

fn test_all() -> Result<()> {
    type Step = (&'static str, Box<dyn Fn() -> Result<()>>);
    let steps: Vec<Step> = vec![
        (
            "system packages",
            Box::new(|| deps::ensure(&[deps::Group::Build, deps::Group::E2e])),
        ),
        ("UI install and build", Box::new(ui_build)),
        (
            "rustfmt",
            Box::new(|| sh(cargo().args(["fmt", "--all", "--", "--check"]))),
        ),
        (
            "clippy",
            Box::new(|| {
                sh(cargo().args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }),
        ),
        (
            "cargo tests",
            Box::new(|| {
                let pg = postgres::ensure()?;
                postgres::drop_test_databases(&pg)?;
                let mail = mail_server::ensure_at(&target_dir().join("mail-server"))?;
                sh(cargo()
                    .args(["test", "--workspace", "--exclude", "porchlight-e2e"])
                    .env("PORCHLIGHT_TEST_POSTGRES", pg)
                    .env("PORCHLIGHT_TEST_MAIL", mail))
            }),
        ),
        ("API fuzzing (schemathesis)", Box::new(fuzz::run)),
        ("TypeScript bindings fresh", Box::new(check_bindings)),
        ("svelte-check and tsc", Box::new(|| npm(&["run", "check"]))),
        ("vitest", Box::new(|| npm(&["test"]))),
        ("end-to-end", Box::new(e2e::run)),
        (
            "Lighthouse (help center, portal)",
            Box::new(lighthouse::run),
        ),
        (
            "installers (bundle, install, run, remove)",
            Box::new(install_test::bundle_and_test),
        ),
    ];
    let total = steps.len();
    for (i, (name, step)) in steps.iter().enumerate() {
        eprintln!("\n==== [{}/{total}] {name} ====", i + 1);
        if let Err(e) = step() {
            println!("xtask: {i} passed, 1 failed");
            bail!("step '{name}' failed: {e:#}");
        }
    }
    println!("xtask: {total} passed, 0 failed");
    Ok(())
}
