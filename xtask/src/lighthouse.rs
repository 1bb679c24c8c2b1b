//! `cargo xtask lighthouse`: Lighthouse audits of the public pages of the real
//! `porchlight-server` — the help center's home, a category, an article and the request
//! form, in English and in Persian (right to left) — on a knowledge base of published
//! articles (the generated `demo_kb`, imported before the server starts).
//!
//! Lighthouse is the npm package pinned in tools/lighthouse (installed there with `npm ci`,
//! nothing global), driving the system's Chromium (`CHROME_PATH`, default /usr/bin/chromium;
//! Lighthouse fetches no browser) headless, as a phone on slow 4G (its defaults). Fails
//! unless every page scores accessibility 100, best practices ≥ 95 and SEO ≥ 95, naming the
//! audits that lost points; performance is reported. Scores go to
//! target/bench/lighthouse.json.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use porchlight_server::Database;
use serde_json::{json, Value};

use crate::bench_sync::ServerProc;
use crate::{cargo, root, sh, target_dir};

/// Articles of the generated knowledge base (most in en/tr/pl/fa): enough for full
/// category cards and pages, few enough to import in a moment.
const ARTICLES: usize = 40;
/// The least score each category must have on every page (performance is only reported).
const REQUIRED: [(&str, u32); 3] = [("accessibility", 100), ("best-practices", 95), ("seo", 95)];
const CATEGORIES: [&str; 4] = ["performance", "accessibility", "best-practices", "seo"];

pub fn run() -> Result<()> {
    crate::deps::require_node()?;
    let chrome = std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chrome).exists() {
        bail!("Lighthouse needs Chromium at {chrome} (cargo xtask deps installs it; CHROME_PATH names another)");
    }
    let tool = root().join("tools/lighthouse");
    // No package of Lighthouse's needs an install script; none may fetch a browser.
    crate::npm_ci_if_stale(&tool, &["--ignore-scripts"])?;
    sh(cargo().args(["build", "-p", "porchlight-server"]))?;
    let bin = target_dir().join("debug/porchlight-server");

    let work = target_dir().join("lighthouse");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let data = work.join("data");
    import_knowledge_base(&data)?;
    let server = ServerProc::start(
        &bin,
        &["--data-dir".to_string(), data.display().to_string()],
        &work.join("server.log"),
    )?;
    let pages = pages(&server.url)?;
    let pages_file = work.join("pages.json");
    std::fs::write(&pages_file, serde_json::to_string_pretty(&pages)?)?;
    let out = work.join("results.json");
    let started = Instant::now();
    let ran = sh(Command::new("node")
        .arg(tool.join("run.mjs"))
        .arg(&pages_file)
        .arg(&out)
        .current_dir(&tool)
        .env("CHROME_PATH", &chrome));
    server.stop();
    ran?;
    let results: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&out)?)
        .with_context(|| format!("reading {}", out.display()))?;
    println!(
        "lighthouse: {} pages in {:.0} s",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    let failures = judge(&results);
    write_report(&results)?;
    if !failures.is_empty() {
        bail!(
            "Lighthouse: {} below the bar:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

/// The generated knowledge base, every article published and public, written straight
/// into a new SQLite data directory.
fn import_knowledge_base(data: &Path) -> Result<()> {
    let docs = crate::bench_kb::public_kb_documents(ARTICLES, 7, "lighthouse-editor");
    let storage = porchlight_server::open_storage(&Database::Sqlite(data.to_path_buf()))?;
    storage.import_documents(&docs)?;
    Ok(())
}

fn get(url: &str) -> Result<String> {
    let res = ureq::get(url)
        .timeout(Duration::from_secs(30))
        .call()
        .with_context(|| format!("GET {url}"))?;
    Ok(res.into_string()?)
}

/// The first address in `html` starting with `prefix`.
fn link(html: &str, prefix: &str) -> Result<String> {
    let at = html
        .find(&format!("href=\"{prefix}"))
        .with_context(|| format!("no link to {prefix}… on the page"))?
        + 6;
    let end = html[at..].find('"').context("an unterminated href")?;
    Ok(html[at..at + end].to_string())
}

/// The eight pages: home, a category, an article and the request form in en and fa.
fn pages(url: &str) -> Result<Vec<Value>> {
    // The first request waits for the help center's index; it must list categories.
    let until = Instant::now() + Duration::from_secs(120);
    let home = loop {
        let en = get(&format!("{url}/help/en/")).unwrap_or_default();
        if en.contains("/help/en/categories/") {
            break en;
        }
        if Instant::now() > until {
            bail!("the help center never listed the imported categories");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut pages = Vec::new();
    for (locale, html) in [("en", home), ("fa", get(&format!("{url}/help/fa/"))?)] {
        let category = link(&html, &format!("/help/{locale}/categories/"))?;
        let article = link(&html, &format!("/help/{locale}/articles/"))?;
        for (name, path) in [
            ("home", format!("/help/{locale}/")),
            ("category", category),
            ("article", article),
            ("request form", format!("/help/{locale}/requests/new")),
        ] {
            pages
                .push(json!({"name": format!("{name} ({locale})"), "url": format!("{url}{path}")}));
        }
    }
    Ok(pages)
}

/// Prints each page's scores and the audits that lost points; returns what failed.
fn judge(results: &[Value]) -> Vec<String> {
    let mut failures = Vec::new();
    println!(
        "{:<20} {:>11} {:>13} {:>14} {:>5}",
        "page", "performance", "accessibility", "best practices", "SEO"
    );
    for r in results {
        let name = r["name"].as_str().unwrap_or("?");
        let score = |c: &str| r["scores"][c].as_u64().map(|s| s as u32);
        let shown = |c: &str| score(c).map_or("-".to_string(), |s| s.to_string());
        println!(
            "{name:<20} {:>11} {:>13} {:>14} {:>5}",
            shown("performance"),
            shown("accessibility"),
            shown("best-practices"),
            shown("seo")
        );
        for category in CATEGORIES {
            let required = REQUIRED.iter().find(|(c, _)| *c == category).map(|r| r.1);
            let below = required.is_some_and(|min| score(category).is_none_or(|s| s < min));
            for a in r["failing"][category].as_array().into_iter().flatten() {
                println!(
                    "    {category}: {} ({})",
                    a["title"].as_str().unwrap_or("?"),
                    a["id"].as_str().unwrap_or("?")
                );
            }
            if below {
                failures.push(format!(
                    "  {name}: {category} {} < {} ({})",
                    shown(category),
                    required.unwrap_or(0),
                    r["url"].as_str().unwrap_or("")
                ));
            }
        }
    }
    failures
}

/// target/bench/lighthouse.json: {page: {url, category: score}}.
fn write_report(results: &[Value]) -> Result<PathBuf> {
    let report: BTreeMap<String, Value> = results
        .iter()
        .map(|r| {
            let mut page = r["scores"].clone();
            page["url"] = r["url"].clone();
            (r["name"].as_str().unwrap_or("?").to_string(), page)
        })
        .collect();
    let path = target_dir().join("bench/lighthouse.json");
    std::fs::create_dir_all(path.parent().context("bench dir")?)?;
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
    println!("lighthouse: scores in {}", path.display());
    Ok(path)
}
