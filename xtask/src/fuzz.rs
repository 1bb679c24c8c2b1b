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
    // schemathesis sometimes stops on an error of its own (a CPython recursion error while it
    // builds strategies, reported as "Runtime Error" with every case passed): that run says
    // nothing about the server, so it is run again, at most twice.
    for attempt in 1..=3 {
        let out = cmd.output().context("could not start schemathesis")?;
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        if out.status.success() {
            return Ok(());
        }
        if !only_tool_errors(&text) || attempt == 3 {
            bail!(
                "schemathesis found failures ({}): fix the handler or the OpenAPI document",
                out.status
            );
        }
        eprintln!("fuzz-api: schemathesis failed on its own error with every case passed; running it again");
    }
    unreachable!("the last attempt returns or fails")
}

/// Whether a failed run reported only schemathesis's own errors: every generated case passed.
fn only_tool_errors(summary: &str) -> bool {
    summary.lines().any(|l| {
        let l = l.trim();
        let Some((generated, rest)) = l.split_once(" generated, ") else {
            return false;
        };
        rest.strip_suffix(" passed")
            .is_some_and(|passed| passed == generated)
    }) && summary.contains("Runtime Error")
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_run_is_repeated_only_when_every_case_passed() {
        let tool = "Errors:\n  Runtime Error: 1\n\nTest cases:\n  1266 generated, 1266 passed\n";
        assert!(super::only_tool_errors(tool));
        let real =
            "Errors:\n  Runtime Error: 1\n\nTest cases:\n  1266 generated, 1260 passed, 6 failed\n";
        assert!(!super::only_tool_errors(real));
        assert!(!super::only_tool_errors(
            "Test cases:\n  10 generated, 10 passed\n"
        ));
    }
}
