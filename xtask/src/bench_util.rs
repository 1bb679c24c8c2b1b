//! What the benchmarks share: the seeded 100k-ticket store and the statistics of their
//! samples. A leaf: it names no other module of xtask, so every benchmark can use it.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use porchlight_store::demo::{SeedOptions, SeedReport};
use porchlight_store::Store;

/// With one message on "new" tickets, 11 on average elsewhere gives ~10 per ticket overall.
const MESSAGES_PER_TICKET: usize = 11;

pub fn seed_store(dir: &Path, tickets: usize) -> Result<SeedReport> {
    let store = Store::open(dir).with_context(|| format!("open {}", dir.display()))?;
    if store.workspace_info()?.profile.is_none() {
        store.create_profile("Bench Agent", "bench@porchlight.example")?;
    }
    Ok(porchlight_store::demo::seed(
        &store,
        &SeedOptions {
            tickets,
            messages_per_ticket: MESSAGES_PER_TICKET,
            seed: 42,
        },
    )?)
}

pub(crate) fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64) * 0.95).ceil() as usize - 1]
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub(crate) fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64() * 1000.0)
}
