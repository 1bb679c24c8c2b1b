//! `cargo xtask bench reports`: the Reports section's reads on the seeded 100k-ticket /
//! ~1M-message store: the overview of 30 days and of two years (every group), and the
//! per-agent table of 90 days. A report reads the report rows the store keeps on write, so
//! these figures must not grow with the messages. And `survey_page_rps`: the customers'
//! survey page of the real `porchlight-server` release binary (SQLite), 1,000 solved tickets'
//! pages fetched round and round over keep-alive connections by the help-center bench's load
//! generator, for `PORCHLIGHT_BENCH_HELP_SECS` (default 5 s). `server_report_*`: the same
//! overview and agents table from the server's storage holding the sync benchmark's 100k
//! tickets (the `/api/v1/reports` path, without HTTP).

use std::path::Path;

use std::time::Duration;

use anyhow::Result;
use porchlight_domain::docs::{CustomerDoc, Doc, TicketDoc};
use porchlight_domain::records::SurveyKind;
use porchlight_domain::reports::{PeopleBy, ReportFilter, ReportRequest};
use porchlight_domain::{Channel, Priority, TicketStatus, TicketType};
use porchlight_server::Database;
use porchlight_store::{now_ms, Store};

use crate::bench_kb::{load, Load, Server};
use crate::bench_util::{median, p95, seed_store, timed};
use crate::{cargo, sh, target_dir};

/// Solved tickets whose survey pages are fetched.
const SURVEYED: usize = 1_000;

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
    drop(store);
    survey_page(put)?;
    server_reports(put)
}

/// The same reports from the server's storage (the sync benchmark's 100k-ticket SQLite data),
/// as `/api/v1/reports/…` computes them: the report rows of the tickets active in the
/// period and those open, read and handed to the domain.
fn server_reports(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    sh(cargo().args(["build", "--release", "-p", "porchlight-server"]))?;
    let dir = crate::bench_sync::server_data(&target_dir().join("release/porchlight-server"))?;
    let storage = porchlight_server::open_storage(&Database::Sqlite(dir))?;
    println!("server reports (100k tickets, SQLite):");
    for (name, days) in [
        ("server_report_overview_p95_ms", 30),
        ("server_report_overview_2y_p95_ms", 730),
    ] {
        let (p, m) = sample(|| {
            storage.report_overview(&request(days, ReportFilter::default()))?;
            Ok(())
        })?;
        println!("  overview, {days} days: median {m:.1} ms");
        put(name, p, "ms");
    }
    let (p, m) = sample(|| {
        storage.report_people(&request(90, ReportFilter::default()), PeopleBy::Agent)?;
        Ok(())
    })?;
    println!("  agents, 90 days: median {m:.1} ms");
    put("server_report_agents_p95_ms", p, "ms");
    Ok(())
}

/// A solved web ticket and its requester, as documents.
fn solved_ticket(i: usize, at: i64) -> [Doc; 2] {
    let customer = CustomerDoc {
        id: format!("bench-customer-{i}"),
        name: format!("Customer {i}"),
        emails: vec![format!("customer{i}@example.com")],
        phone: String::new(),
        organization_id: None,
        language: ["en", "tr", "pl", "fa"][i % 4].into(),
        notes: String::new(),
        created_at: at,
        updated_at: at,
    };
    let ticket = TicketDoc {
        id: format!("bench-ticket-{i}"),
        number: Some(1000 + i as i64),
        subject: format!("Order {i} arrived damaged"),
        status: TicketStatus::Solved,
        priority: Priority::Normal,
        ticket_type: TicketType::Problem,
        channel: Channel::Web,
        requester_id: customer.id.clone(),
        assignee_id: None,
        group_id: None,
        tags: Vec::new(),
        language: customer.language.clone(),
        preview: "A replacement is on its way.".into(),
        message_count: 2,
        created_at: at,
        updated_at: at,
        first_response_at: Some(at),
        last_customer_message_at: Some(at),
        last_agent_reply_at: Some(at),
        solved_at: Some(at),
        reopen_count: 0,
        merged_into_id: None,
        deleted_at: None,
        version: 1,
    };
    [Doc::Customer(customer), Doc::Ticket(ticket)]
}

fn survey_page(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    sh(cargo().args(["build", "--release", "-p", "porchlight-server"]))?;
    let bin = target_dir().join("release/porchlight-server");
    let work = target_dir().join("bench/survey");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let data = work.join("data");
    let storage = porchlight_server::open_storage(&Database::Sqlite(data.clone()))?;
    let at = now_ms();
    let docs: Vec<Doc> = (0..SURVEYED).flat_map(|i| solved_ticket(i, at)).collect();
    storage.import_documents(&docs)?;
    // Their report rows now, not in the measured server's background catch-up.
    storage.catch_up_reports()?;
    let secret = storage.portal_secret()?;
    drop(storage);
    let paths: Vec<String> = (0..SURVEYED)
        .map(|i| {
            let path = porchlight_server::portal::guard::survey_path(
                &secret,
                &format!("bench-ticket-{i}"),
                SurveyKind::Csat,
            );
            format!("{path}?lang={}", ["en", "tr", "pl", "fa"][i % 4])
        })
        .collect();
    let server = Server::start(&bin, &data, &work.join("server.log"))?;
    let secs = std::env::var("PORCHLIGHT_BENCH_HELP_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    load(
        &server.addr,
        &paths,
        Load::Once,
        "data-testid=\"survey-form\"",
        false,
    )?;
    let out = load(
        &server.addr,
        &paths,
        Load::For(Duration::from_secs_f64(secs)),
        "data-testid=\"survey-form\"",
        false,
    )?;
    println!(
        "  survey page: {} requests in {:.1} s, mean {:.2} ms",
        out.requests, out.secs, out.mean_ms
    );
    put("survey_page_rps", out.rps(), "req/s");
    server.stop();
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}
