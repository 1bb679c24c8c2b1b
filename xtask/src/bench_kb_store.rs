//! `kb_search_p95_ms`: the editor's article search in the desktop store, on a generated
//! knowledge base of 10k articles (most in four languages, ~40k translations), with the
//! filters an editor uses. Part of `cargo xtask bench kb`.

use std::time::Instant;

use anyhow::{bail, Result};
use porchlight_domain::kb::{ArticleStatus, KbArticleFilter};
use porchlight_store::Store;

use crate::bench_util::p95;

pub const ARTICLES: usize = 10_000;

pub fn run(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    let dir = crate::target_dir().join("bench/kb-store");
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir)?;
    store.create_profile("Bench Editor", "editor@porchlight.example")?;
    let started = Instant::now();
    porchlight_store::demo_kb::seed_kb(&store, ARTICLES, 42)?;
    println!(
        "seeded {ARTICLES} articles in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let filters = |query: &str| {
        [
            KbArticleFilter {
                query: query.into(),
                ..Default::default()
            },
            KbArticleFilter {
                query: query.into(),
                status: Some(ArticleStatus::Published),
                ..Default::default()
            },
            KbArticleFilter {
                query: query.into(),
                locale: Some("fa".into()),
                ..Default::default()
            },
        ]
    };
    let queries = [
        "refund",
        "password",
        "delivery",
        "invoice",
        "two-factor",
        "export",
        "iade",
        "şifre",
        "zwrot",
        "hasło",
        "بازپرداخت",
        "گذرواژه",
        "ref",
        "pass",
        "deliv",
        "order 1234",
        "zone",
        "",
        "kargo teslimat",
        "faktur",
    ];
    let mut times = Vec::new();
    let mut slowest: Vec<(f64, String)> = Vec::new();
    let mut found = 0;
    for _ in 0..3 {
        for q in queries {
            for f in filters(q) {
                let t = Instant::now();
                found += store.kb_articles(&f)?.len();
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                times.push(ms);
                slowest.push((
                    ms,
                    format!("{q:?} status={:?} locale={:?}", f.status, f.locale),
                ));
            }
        }
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, what) in slowest.iter().take(5) {
        println!("  slowest: {ms:6.2} ms  {what}");
    }
    if found == 0 {
        bail!("the KB search found nothing: the benchmark measured no work");
    }
    put("kb_search_p95_ms", p95(times), "ms");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
