//! `cargo xtask fuzz-api`: schemathesis generates requests from the server's OpenAPI document
//! and sends them to the real server; any 5xx or answer the document does not describe fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::bench_sync::{add_users, login, ServerProc};
use crate::{cargo, sh, target_dir};

/// Pinned so a new release cannot change what CI checks without a commit.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
const CHECKS: &str =
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";
/// Cases per operation; the whole run stays within about three minutes on two cores.
/// PORCHLIGHT_FUZZ_EXAMPLES raises it for a longer hunt, PORCHLIGHT_FUZZ_SEED picks another
/// seed (`random` for a fresh one each run).
const EXAMPLES: &str = "60";
/// CI replays one seed, so a run fails only when the server or the document changed: with a
/// fresh seed each time, schemathesis's own occasional internal errors (a CPython recursion
/// error while it builds strategies) would fail unrelated commits.
const SEED: &str = "312251535536333766056990877491969385302";
const EMAIL: &str = "fuzz-admin@example.com";

pub fn run() -> Result<()> {
    let st = schemathesis()?;
    sh(cargo().args(["build", "-p", "porchlight-server"]))?;
    let bin = target_dir().join("debug/porchlight-server");
    let work = target_dir().join("fuzz-api");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let db_args = vec![
        "--data-dir".to_string(),
        work.join("data").display().to_string(),
    ];
    add_users(
        &bin,
        &db_args,
        "admin",
        &[(EMAIL.to_string(), "Fuzz Admin".to_string())],
    )?;
    let log = work.join("server.log");
    let server = ServerProc::start(&bin, &db_args, &log)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let token = login(&rt, &server.url, EMAIL)?.token;
    let schema = format!("{}/api/openapi.json", server.url);
    // Everything but what ends the session first (sign-out, and an admin ending an agent's
    // sessions, which the stateful phase aims at the fuzzing admin itself): the other
    // operations would only meet 401 after it.
    let everything = fuzz(
        &st,
        &work,
        &schema,
        &token,
        &["--exclude-path", LOGOUT, "--exclude-path", END_SESSIONS],
    );
    let logout = everything.and_then(|()| {
        fuzz(
            &st,
            &work,
            &schema,
            &token,
            &["--include-path", END_SESSIONS, "--include-path", LOGOUT],
        )
    });
    server.stop();
    if let Ok(text) = std::fs::read_to_string(&log) {
        if text.contains("panicked") {
            bail!("the server panicked during the run; see {}", log.display());
        }
    }
    logout.with_context(|| format!("the server's log is {}", log.display()))
}

const LOGOUT: &str = "/api/v1/auth/logout";
const END_SESSIONS: &str = "/api/v1/users/{agent_id}/sessions";

fn fuzz(st: &Path, work: &Path, schema: &str, token: &str, filter: &[&str]) -> Result<()> {
    let examples = std::env::var("PORCHLIGHT_FUZZ_EXAMPLES").unwrap_or_else(|_| EXAMPLES.into());
    let mut cmd = Command::new(st);
    cmd.current_dir(work)
        .args([
            "run",
            schema,
            "--checks",
            CHECKS,
            "--max-examples",
            &examples,
        ])
        .args(["--workers", "2", "--request-timeout", "10", "--no-color"])
        .args(filter);
    let seed = std::env::var("PORCHLIGHT_FUZZ_SEED").unwrap_or_else(|_| SEED.into());
    if seed != "random" {
        cmd.args(["--seed", &seed]);
    }
    // Echoed before the token is added: a command line in CI output is no place for one.
    eprintln!(
        "$ {} (with the session's bearer token)",
        crate::describe(&cmd)
    );
    cmd.args(["--header", &format!("Authorization: Bearer {token}")]);
    let status = cmd.status().context("could not start schemathesis")?;
    if !status.success() {
        bail!("schemathesis found failures ({status}): fix the handler or the OpenAPI document");
    }
    Ok(())
}

/// `st` from a virtual environment under the target dir, made once per pinned version.
fn schemathesis() -> Result<PathBuf> {
    let venv = target_dir().join("schemathesis-venv");
    let st = venv.join("bin/st");
    let stamp = venv.join("porchlight-pinned");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == SCHEMATHESIS) && st.exists() {
        return Ok(st);
    }
    sh(Command::new("python3").args(["-m", "venv"]).arg(&venv))
        .context("python3 with the venv module is needed (package python3-venv)")?;
    sh(Command::new(venv.join("bin/pip")).args(["install", "--quiet", SCHEMATHESIS]))?;
    std::fs::write(&stamp, SCHEMATHESIS)?;
    Ok(st)
}
