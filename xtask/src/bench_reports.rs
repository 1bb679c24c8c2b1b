//! `cargo xtask bench reports`: the Reports section's reads on the seeded 100k-ticket /
//! ~1M-message store: the overview of 30 days and of two years (every group), and the
//! per-agent table of 90 days. A report reads the report rows the store keeps on write, so
//! these figures must not grow with the messages.

use std::path::Path;

use anyhow::Result;
use porchlight_domain::reports::{PeopleBy, ReportFilter, ReportRequest};
use porchlight_store::{now_ms, Store};

use crate::bench_util::{median, p95, seed_store, timed};

const DAY: i64 = 86_400_000;
const RUNS: usize = 30;

fn request(days: i64, filter: ReportFilter) -> ReportRequest {
    let to = now_ms();
    ReportRequest {
        from: to - days * DAY,
        to,
        time_zone: "Europe/Istanbul".into(),
        business_hours: false,
        filter,
    }
}

/// p95 of `RUNS` timed runs after one untimed (the first look warms the page cache).
fn sample(mut f: impl FnMut() -> Result<()>) -> Result<(f64, f64)> {
    f()?;
    let mut ms = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let (out, t) = timed(&mut f);
        out?;
        ms.push(t);
    }
    Ok((p95(ms.clone()), median(ms)))
}

pub fn run(dir: &Path, tickets: usize, put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    if !dir.join(porchlight_store::DB_FILE).exists() {
        println!("no bench store yet: seeding {tickets} tickets …");
        seed_store(dir, tickets)?;
    }
    // Opening an older store fills its report rows once (a migration).
    let (store, open_ms) = timed(|| Store::open(dir));
    let store = store?;
    println!("  store opened in {open_ms:.0} ms");

    let (p, m) = sample(|| {
        let r = store.report_overview(&request(30, ReportFilter::default()))?;
        assert!(
            r.current.created > 0,
            "the seeded store has tickets in the last 30 days"
        );
        Ok(())
    })?;
    println!("  overview, 30 days: median {m:.1} ms");
    put("report_overview_p95_ms", p, "ms");

    let (p, m) = sample(|| {
        store.report_overview(&request(730, ReportFilter::default()))?;
        Ok(())
    })?;
    println!("  overview, 2 years: median {m:.1} ms");
    put("report_overview_2y_p95_ms", p, "ms");

    let group = store.groups()?.first().map(|g| g.id.clone());
    let (p, m) = sample(|| {
        let filter = ReportFilter {
            group_ids: group.iter().cloned().collect(),
            ..ReportFilter::default()
        };
        store.report_overview(&request(90, filter))?;
        Ok(())
    })?;
    println!("  overview, 90 days, one group: median {m:.1} ms");
    put("report_overview_group_p95_ms", p, "ms");

    let (p, m) = sample(|| {
        let lines = store.report_people(&request(90, ReportFilter::default()), PeopleBy::Agent)?;
        assert!(!lines.is_empty(), "agents solved tickets in 90 days");
        Ok(())
    })?;
    println!("  agents, 90 days: median {m:.1} ms");
    put("report_agents_p95_ms", p, "ms");
    Ok(())
}
