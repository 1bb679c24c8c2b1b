//! `cargo xtask bench [store|app|sync|kb|rules|mail|reports]`: speed on a generated 100k-ticket / ~1M-message store
//! (sync: see bench_sync.rs; mail: bench_mail.rs). `mutation_apply_p95_ms`: a reply to a 50-message ticket with 50
//! active triggers, standalone, at 100k tickets. `backup_100k_s`: a backup of that store while
//! another thread keeps adding notes; `restore_100k_s`: that backup checked and staged into an
//! empty desktop, and the desktop opened on it.
//! Results merge into target/bench/report.json as {metric: {value, unit}}.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use porchlight_domain::mutation::RequesterRef;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, SortKey, TicketType};
use porchlight_store::{new_id, Store};
use serde_json::{json, Map, Value};

use crate::bench_util::{median, p95, seed_store, timed};
use crate::{cargo, sh, target_dir};

const TICKETS: usize = 100_000;

pub(crate) struct Report {
    path: PathBuf,
    data: Map<String, Value>,
}

impl Report {
    pub(crate) fn load() -> Result<Report> {
        let path = target_dir().join("bench/report.json");
        std::fs::create_dir_all(path.parent().unwrap())?;
        let data = std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        Ok(Report { path, data })
    }
    pub(crate) fn put(&mut self, name: &str, value: f64, unit: &str) {
        let rounded = (value * 100.0).round() / 100.0;
        println!("{name:<32} {rounded:>12} {unit}");
        self.data
            .insert(name.into(), json!({"value": rounded, "unit": unit}));
    }
    pub(crate) fn save(&self) -> Result<()> {
        std::fs::write(
            &self.path,
            serde_json::to_string_pretty(&Value::Object(self.data.clone()))? + "\n",
        )?;
        println!("report: {}", self.path.display());
        Ok(())
    }
}

fn store_dir() -> PathBuf {
    target_dir().join("bench/store-100k")
}

pub fn run(which: Option<&str>) -> Result<()> {
    let mut report = Report::load()?;
    match which {
        None => {
            bench_store(&mut report)?;
            bench_app(&mut report)?;
            crate::bench_sync::run(&mut |n, v, u| report.put(n, v, u))?;
            bench_kb(&mut report)?;
            crate::bench_rules::run(&mut |n, v, u| report.put(n, v, u))?;
            bench_mail(&mut report)?;
            bench_reports(&mut report)?;
        }
        Some("kb") => bench_kb(&mut report)?,
        Some("rules") => crate::bench_rules::run(&mut |n, v, u| report.put(n, v, u))?,
        Some("store") => bench_store(&mut report)?,
        Some("app") => bench_app(&mut report)?,
        Some("sync") => crate::bench_sync::run(&mut |n, v, u| report.put(n, v, u))?,
        Some("mail") => bench_mail(&mut report)?,
        Some("reports") => bench_reports(&mut report)?,
        Some(other) => {
            bail!("unknown benchmark '{other}' (store, app, sync, kb, rules, mail or reports)")
        }
    }
    report.save()
}

/// E-mail: the desktop's channel, then the team server's intake.
fn bench_mail(report: &mut Report) -> Result<()> {
    crate::bench_mail::run(&mut |n, v, u| report.put(n, v, u))?;
    crate::bench_mail_server::run(&mut |n, v, u| report.put(n, v, u))
}

fn bench_reports(report: &mut Report) -> Result<()> {
    crate::bench_reports::run(&store_dir(), TICKETS, &mut |n, v, u| report.put(n, v, u))
}

/// The knowledge base: the editor's search in the desktop store, and the public help
/// center of the real server under load.
fn bench_kb(report: &mut Report) -> Result<()> {
    crate::bench_kb_store::run(&mut |n, v, u| report.put(n, v, u))?;
    crate::bench_kb::run(&mut |n, v, u| report.put(n, v, u))
}

/// A ticket with a 50-message thread, added through the normal mutation path.
fn long_ticket(store: &Store) -> Result<String> {
    let id = new_id();
    store.apply(Mutation::CreateTicket {
        ticket_id: id.clone(),
        message_id: new_id(),
        subject: "Long conversation about a recurring sync failure".into(),
        requester: RequesterRef::New {
            id: new_id(),
            name: "Long Thread".into(),
            email: Some(format!("long-{id}@example.com")),
            phone: None,
        },
        channel: Channel::Email,
        priority: Priority::High,
        ticket_type: TicketType::Problem,
        assignee_id: None,
        group_id: None,
        tags: vec!["bug".into()],
        body_text: "It failed again this morning.".into(),
        attachment_ids: vec![],
        outbound: false,
    })?;
    let batch: Vec<Mutation> = (1..50)
        .map(|i| Mutation::AddMessage {
            message_id: new_id(),
            ticket_id: id.clone(),
            kind: if i % 7 == 0 { MessageKind::Note } else { MessageKind::Reply },
            from_customer: i % 2 == 0,
            body_text: format!("Message {i}: we looked at the logs again and found another clue in the sync report."),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        })
        .collect();
    store.apply_many(batch)?;
    Ok(id)
}

fn bench_store(report: &mut Report) -> Result<()> {
    let dir = store_dir();
    let _ = std::fs::remove_dir_all(&dir);
    println!("seeding {TICKETS} tickets into {} …", dir.display());
    let seeded = seed_store(&dir, TICKETS)?;
    report.put(
        "seed_tickets_per_s",
        seeded.tickets as f64 / (seeded.elapsed_ms.max(1) as f64 / 1000.0),
        "tickets/s",
    );
    report.put("seed_messages", seeded.messages as f64, "messages");

    let store = Store::open(&dir)?;
    // Warm the page cache once, as an agent's first look would.
    store.views()?;

    let mut counts = Vec::new();
    for _ in 0..100 {
        counts.push(timed(|| store.views()).1);
    }
    report.put("view_counts_p95_ms", p95(counts), "ms");

    let mut pages = Vec::new();
    for view in ["unassigned", "mine", "open", "pending", "solved"] {
        for sort in [SortKey::Updated, SortKey::Created, SortKey::Priority] {
            let mut cursor = None;
            for _ in 0..8 {
                let (page, ms) = timed(|| store.ticket_page(view, sort, cursor.as_ref(), 50));
                pages.push(ms);
                cursor = page?.next;
                if cursor.is_none() {
                    break;
                }
            }
        }
    }
    report.put("inbox_page_p95_ms", p95(pages), "ms");

    let queries = [
        "refund",
        "order",
        "invoice",
        "sipariş",
        "zamówienie",
        "سفارش",
        "fatura",
        "card refund",
        "damaged box",
        "iade kart",
        "login pass",
        "ref",
        "invo",
        "zwr",
        "status:open refund",
        "tag:vip login",
        "payment team",
        "vat number",
        "hasarlı",
        "پوزش",
        "export data",
        "screenshot error",
        "two identical",
        "assignee:me order",
    ];
    let mut search = Vec::new();
    for _ in 0..4 {
        for q in queries {
            let (r, ms) = timed(|| store.search(q, 50));
            r?;
            search.push(ms);
        }
    }
    report.put("search_p95_ms", p95(search), "ms");

    let long = long_ticket(&store)?;
    let mut open = Vec::new();
    for _ in 0..100 {
        let (d, ms) = timed(|| store.ticket_detail(&long, &[]));
        let d = d?;
        if d.messages.len() != 50 {
            bail!(
                "the long ticket has {} messages, expected 50",
                d.messages.len()
            );
        }
        open.push(ms);
    }
    report.put("ticket_open_p95_ms", p95(open), "ms");

    // An agent's reply as the standalone desktop applies it: the domain's engine over the
    // store's documents, 50 active triggers run after it, 50 messages in the thread.
    for rule in crate::bench_rules::triggers() {
        store.apply_config(porchlight_domain::config::ConfigMutation::SaveRule { rule })?;
    }
    let mut replies = Vec::new();
    for _ in 0..20 {
        let ticket = long_ticket(&store)?;
        for i in 0..5 {
            let reply = Mutation::AddMessage {
                message_id: new_id(),
                ticket_id: ticket.clone(),
                kind: MessageKind::Reply,
                from_customer: false,
                body_text: format!("Reply {i}: the fix is in the next release."),
                body_html: None,
                attachment_ids: vec![],
                cc: None,
            };
            let (r, ms) = timed(|| store.apply(reply));
            r?;
            replies.push(ms);
        }
    }
    report.put("mutation_apply_p95_ms", p95(replies), "ms");
    bench_backup(report, store, &dir)
}

fn bench_backup(report: &mut Report, store: Store, dir: &std::path::Path) -> Result<()> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let store = Arc::new(store);
    let backups = dir.with_file_name("store-100k-backups");
    let _ = std::fs::remove_dir_all(&backups);
    let ticket = long_ticket(&store)?;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || -> Result<usize> {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                store.apply(Mutation::AddMessage {
                    message_id: new_id(),
                    ticket_id: ticket.clone(),
                    kind: MessageKind::Note,
                    from_customer: false,
                    body_text: format!("Note {n} written during the backup."),
                    body_html: None,
                    attachment_ids: vec![],
                    cc: None,
                })?;
                n += 1;
            }
            Ok(n)
        })
    };
    let (info, ms) = timed(|| store.back_up_to(&backups, "bench", porchlight_store::now_ms()));
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().expect("the writer thread")?;
    let info = info?;
    println!(
        "backup: {} tickets, {} MB, while {written} notes were written",
        info.tickets,
        info.bytes / 1_000_000
    );
    report.put("backup_100k_s", ms / 1000.0, "s");

    let fresh = dir.with_file_name("store-100k-restored");
    let _ = std::fs::remove_dir_all(&fresh);
    let (restored, ms) = timed(|| -> Result<usize> {
        Store::open(&fresh)?.stage_restore(std::path::Path::new(&info.path))?;
        let opened = Store::open(&fresh)?;
        Ok(opened.views()?.len())
    });
    restored?;
    report.put("restore_100k_s", ms / 1000.0, "s");
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_dir_all(&backups);
    Ok(())
}

/// Memory of `pid` and all its descendants (WebKit's web and network processes), as the sum of
/// each process's proportional set size: a page shared by n processes counts 1/n in each, so
/// libraries mapped by all three are counted once, not three times as a plain RSS sum would.
fn tree_pss_kb(pid: u32) -> u64 {
    let procs: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|p| {
                    let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
                    let after = stat.rsplit_once(')')?.1;
                    let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
                    Some((p, ppid))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        if let Ok(rollup) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) {
            let field = |name: &str| {
                rollup
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let (pss, rss) = (field("Pss:"), field("Rss:"));
            println!("    pid {p}: pss {} MB (rss {} MB)", pss / 1024, rss / 1024);
            total += pss;
        }
        stack.extend(procs.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
    }
    total
}

fn bench_app(report: &mut Report) -> Result<()> {
    let dir = store_dir();
    if !dir.join(porchlight_store::DB_FILE).exists() {
        println!("no bench store yet: seeding {TICKETS} tickets …");
        seed_store(&dir, TICKETS)?;
    }
    crate::ui_build()?;
    sh(cargo().args(["build", "--release", "-p", "porchlight"]))?;
    let bin = target_dir().join("release/porchlight");
    std::env::set_var("PORCHLIGHT_BIN", &bin);
    std::env::set_var("TAURI_DRIVER", crate::e2e::tauri_driver()?);
    let driver = porchlight_e2e::Driver::start();
    let mut starts = Vec::new();
    let mut rss = Vec::new();
    for run in 0..5 {
        let session = driver.launch(&dir);
        session.wait_css("[data-testid=\"ticket-row\"]", Duration::from_secs(30));
        let ms = session.started.elapsed().as_secs_f64() * 1000.0;
        println!("  run {run}: interactive inbox after {ms:.0} ms");
        starts.push(ms);
        // Let the window settle, then measure what it holds with the inbox on screen.
        std::thread::sleep(Duration::from_secs(2));
        if let Some(pid) = porchlight_e2e::app_pid(&bin, &dir) {
            rss.push(tree_pss_kb(pid) as f64 / 1024.0);
        }
        if run == 0 {
            let refreshes = refresh_after_reply(&session, 20)?;
            report.put("ui_refresh_after_reply_ms", median(refreshes), "ms");
        }
        session.quit();
    }
    report.put("cold_start_ms", median(starts), "ms");
    if rss.is_empty() {
        bail!("could not find the app process to measure its memory");
    }
    report.put("app_rss_mb", median(rss), "MB");
    Ok(())
}

/// Starts a timer in the page, presses Send, and stops it when the thread holds the reply,
/// the ticket's list row previews it and the view counts were read again after the press
/// (`data-views-at`). Measured in the page, so WebDriver's own latency is not counted.
const TIME_REPLY: &str = r#"
const [text, id] = arguments;
window.__benchDone = null;
const start = performance.now();
const shown = () => {
  const thread = document.querySelector('[data-testid="thread"]');
  const inThread = !!thread && [...thread.querySelectorAll('[data-testid="message"]')]
    .some((m) => m.textContent.includes(text));
  const row = document.querySelector(`[data-testid="ticket-row"][data-ticket-id="${id}"] .preview`);
  const inRow = !!row && row.textContent.includes(text);
  const bar = document.querySelector('[data-testid="sidebar"]');
  const counted = !!bar && Number(bar.dataset.viewsAt) > start;
  return inThread && inRow && counted;
};
const observer = new MutationObserver(() => {
  if (window.__benchDone === null && shown()) {
    window.__benchDone = performance.now() - start;
    observer.disconnect();
  }
});
observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
document.querySelector('[data-testid="composer-send"]').click();
"#;

/// `ui_refresh_after_reply_ms`: replies to `n` tickets of the inbox, one after another, in the
/// real window over the 100k-ticket store; the time of each from Send to all of it shown.
fn refresh_after_reply(session: &porchlight_e2e::Session, n: usize) -> Result<Vec<f64>> {
    let mut times = Vec::new();
    for i in 0..n {
        let rows = session.find_all("[data-testid=\"ticket-row\"]");
        let Some(row) = rows.get(i % rows.len().max(1)) else {
            bail!("the inbox shows no tickets to reply to");
        };
        let id = session
            .attr(row, "data-ticket-id")
            .context("a ticket row without its id")?;
        // Rows further down the list are scrolled to first, as an agent would.
        session.js(
            "arguments[0].scrollIntoView({block: 'center'});",
            serde_json::json!([porchlight_e2e::Session::element_arg(row)]),
        );
        session.click(row);
        session.wait_css(
            &format!("[data-testid=\"ticket-view\"][data-ticket-id=\"{id}\"] [data-testid=\"composer-body\"]"),
            Duration::from_secs(10),
        );
        let text = format!("Benchmark reply {i}: the replacement ships today.");
        session.type_id("composer-body", &text);
        session.js(TIME_REPLY, serde_json::json!([text, id]));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let ms = loop {
            if let Some(ms) = session
                .js("return window.__benchDone;", serde_json::json!([]))
                .as_f64()
            {
                break ms;
            }
            if std::time::Instant::now() > deadline {
                session.dump("bench-reply-refresh");
                bail!("reply {i}: the thread, the list row and the counts did not all show it within 10 s");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        println!("  reply {i}: shown everywhere after {ms:.1} ms");
        times.push(ms);
    }
    Ok(times)
}
