//! `cargo xtask bench sync`: team sync through the real `porchlight-server` process and the
//! real desktop client (porchlight-store + the porchlight-sync engine) over loopback.
//!
//! - `initial_sync_s`: a fresh desktop's first full pull of 100,000 tickets / ~1M messages.
//! - `propagation_p50_ms` / `propagation_p95_ms`: desktop A applies a change; time until
//!   desktop B's store holds it (B is woken by the server's SSE poke).
//! - `push_mutations_per_s_sqlite` / `_postgres`: 50 clients pushing at once, one mutation per
//!   request (as a desktop pushes an agent's action), counted when the server applied it.
//! - `push_batch50_20clients_per_s_sqlite` / `_postgres`: 20 clients (each its own signed-in
//!   agent and client id) pushing batches of 50 mutations (new tickets, replies, field
//!   changes) as fast as the server answers, for the whole run; `…_p95_ms_…`: the p95 time
//!   one such push took.
//! - `server_rss_mb_500_sse`: the server's resident memory with 500 signed-in event streams.
//!
//! `PORCHLIGHT_BENCH_SYNC=first,push-sqlite,push-postgres,sse` runs only some parts (default:
//! all); `PORCHLIGHT_BENCH_PG_PORT` moves the benchmark's PostgreSQL off port 54331. Server
//! logs stay in target/bench/sync-run.
//!
//! The 100k helpdesk is generated once (the demo seed, its documents loaded into the server's
//! storage in bulk) and cached in target/bench/sync-server-<DATA_VERSION>; every run works on
//! a copy, so changes made by the benchmark never leak into the next run.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use porchlight_domain::docs::Doc;
use porchlight_domain::mutation::TicketFieldChanges;
use porchlight_domain::sync::{
    LoginResponse, PushMutation, PushOutcome, PushRequest, SyncState, SCHEMA_VERSION,
};
use porchlight_domain::{MessageKind, Mutation, Priority, SortKey, TicketStatus};
use porchlight_server::Database;
use porchlight_store::{new_id, Store};
use porchlight_sync::{Engine, EngineEvent, ServerClient};

use crate::{cargo, sh, target_dir};

/// Bump when the generated data, the documents or the server's schema change: the cached
/// server data is rebuilt.
pub(crate) const DATA_VERSION: &str = "v1";
const TICKETS: usize = 100_000;
pub(crate) const PASSWORD: &str = "porchlight bench password";
const DESK_A: &str = "desk-a@bench.example";
const DESK_B: &str = "desk-b@bench.example";
const PROPAGATION_SAMPLES: usize = 200;
const PUSH_TICKETS: usize = 1_000;
const PUSH_CLIENTS: usize = 50;
const PUSH_USERS: usize = 5;
const PUSH_WARMUP: Duration = Duration::from_secs(2);
const PUSH_MEASURED: Duration = Duration::from_secs(15);
const BATCH_CLIENTS: usize = 20;
const BATCH_SIZE: usize = 50;
const SSE_CLIENTS: usize = 500;
/// The benchmark's own PostgreSQL (CI's test cluster uses 54329).
const PG_PORT: u16 = 54331;

pub fn run(put: &mut dyn FnMut(&str, f64, &str)) -> Result<()> {
    sh(cargo().args(["build", "--release", "-p", "porchlight-server"]))?;
    let bin = target_dir().join("release/porchlight-server");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let work = target_dir().join("bench/sync-run");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let parts = std::env::var("PORCHLIGHT_BENCH_SYNC").unwrap_or_default();
    let part = |name: &str| parts.is_empty() || parts.split(',').any(|p| p.trim() == name);

    if part("first") {
        let cached = server_data(&bin)?;
        first_sync_and_propagation(&rt, &bin, &cached, &work, put)?;
    }
    if part("push-sqlite") {
        let dir = work.join("push-sqlite");
        let db = Database::Sqlite(dir.clone());
        let args = vec!["--data-dir".to_string(), dir.display().to_string()];
        let rate = push_throughput(&rt, &bin, &db, &args, &work, "sqlite")?;
        put("push_mutations_per_s_sqlite", rate.single, "mutations/s");
        put(
            "push_batch50_20clients_per_s_sqlite",
            rate.batched,
            "mutations/s",
        );
        put(
            "push_batch50_20clients_p95_ms_sqlite",
            rate.batch_p95_ms,
            "ms",
        );
    }
    if part("push-postgres") {
        let pg_root = target_dir().join("bench/postgres");
        let port = std::env::var("PORCHLIGHT_BENCH_PG_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(PG_PORT);
        let admin = crate::postgres::ensure_at(&pg_root, port)?;
        let rate = fresh_postgres_database(&admin, "pl_bench_push").and_then(|url| {
            let db = Database::Postgres(url.clone());
            let args = vec!["--database-url".to_string(), url];
            push_throughput(&rt, &bin, &db, &args, &work, "postgres")
        });
        let _ = crate::postgres::stop_at(&pg_root);
        let rate = rate?;
        put("push_mutations_per_s_postgres", rate.single, "mutations/s");
        put(
            "push_batch50_20clients_per_s_postgres",
            rate.batched,
            "mutations/s",
        );
        put(
            "push_batch50_20clients_p95_ms_postgres",
            rate.batch_p95_ms,
            "ms",
        );
    }
    if part("sse") {
        let rss = sse_memory(&rt, &bin, &work)?;
        put("server_rss_mb_500_sse", rss, "MB");
    }
    // Keep the servers' logs for a look; the data is large.
    for dir in ["server-100k", "desk-a", "desk-b", "push-sqlite", "sse"] {
        let _ = std::fs::remove_dir_all(work.join(dir));
    }
    Ok(())
}

// ---- the server process ------------------------------------------------------------------

pub(crate) struct ServerProc {
    child: Child,
    pub(crate) url: String,
    _stdout: BufReader<ChildStdout>,
}

impl ServerProc {
    pub(crate) fn start(bin: &Path, db_args: &[String], log: &Path) -> Result<ServerProc> {
        ServerProc::start_with(bin, db_args, log, &[])
    }

    /// Starts the server with extra environment (its limits, say).
    pub(crate) fn start_with(
        bin: &Path,
        db_args: &[String],
        log: &Path,
        env: &[(&str, &str)],
    ) -> Result<ServerProc> {
        let mut child = Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(db_args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(File::create(log)?)
            .spawn()
            .with_context(|| format!("could not start {}", bin.display()))?;
        let mut out = BufReader::new(child.stdout.take().context("server stdout")?);
        let mut line = String::new();
        out.read_line(&mut line)?;
        let Some(url) = line.trim().strip_prefix("porchlight-server listening on ") else {
            let _ = child.kill();
            bail!(
                "the server did not start (first line {line:?}); see {}",
                log.display()
            );
        };
        Ok(ServerProc {
            url: url.to_string(),
            child,
            _stdout: out,
        })
    }

    /// Resident memory (VmRSS) of the server process.
    fn rss_mb(&self) -> Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .context("no VmRSS in /proc/<pid>/status")?;
        Ok(kb / 1024.0)
    }

    /// SIGTERM (the server finishes requests in flight), then SIGKILL after 20 s.
    pub(crate) fn stop(mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Accounts through the server's own CLI (password on standard input).
pub(crate) fn add_users(
    bin: &Path,
    db_args: &[String],
    role: &str,
    users: &[(String, String)],
) -> Result<()> {
    for (email, name) in users {
        let mut child = Command::new(bin)
            .args(["user", "add", "--email", email, "--name", name])
            .args(["--role", role])
            .args(db_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        writeln!(child.stdin.take().context("stdin")?, "{PASSWORD}")?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "user add {email} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Ok(())
}

pub(crate) fn login(rt: &tokio::runtime::Runtime, url: &str, email: &str) -> Result<LoginResponse> {
    Ok(rt.block_on(ServerClient::login(url, email, PASSWORD, "bench"))?)
}

// ---- generated data ----------------------------------------------------------------------

/// A generated helpdesk's documents, in the order its history would have made them: groups,
/// tags, organizations, agents, customers, then each ticket followed by its thread.
pub(crate) fn seeded_documents(dir: &Path, tickets: usize) -> Result<Vec<Doc>> {
    let _ = std::fs::remove_dir_all(dir);
    crate::bench_util::seed_store(dir, tickets)?;
    let docs = Store::open(dir)?.canonical_dump()?;
    let _ = std::fs::remove_dir_all(dir);
    let mut docs = docs;
    docs.sort_by_cached_key(|d| match d {
        Doc::Group(g) => (0, String::new(), 0, g.id.clone()),
        Doc::Tag(t) => (1, String::new(), 0, t.name.clone()),
        Doc::Organization(o) => (2, String::new(), 0, o.id.clone()),
        Doc::Agent(a) => (3, String::new(), 0, a.id.clone()),
        Doc::Customer(c) => (4, String::new(), 0, c.id.clone()),
        Doc::Ticket(t) => (5, t.id.clone(), 0, String::new()),
        // Ids are UUIDv7, made in thread order.
        Doc::Message(m) => (5, m.ticket_id.clone(), 1, m.id.clone()),
        Doc::Event(e) => (5, e.ticket_id.clone(), 2, e.id.clone()),
        // The ticket benchmark's helpdesk has no knowledge base; any would load last.
        other => (6, String::new(), 0, other.key().id),
    });
    Ok(docs)
}

/// Loads documents into a server's storage (the server is not running), with their report
/// rows computed (a running server would compute them in the background while measured).
pub(crate) fn import(db: &Database, docs: &[Doc]) -> Result<i64> {
    let storage = porchlight_server::open_storage(db)?;
    let mut version = 0;
    for chunk in docs.chunks(50_000) {
        version = storage.import_documents(chunk)?;
    }
    prepare_reports(&storage)?;
    Ok(version)
}

/// Computes the report rows a server's data still lacks (data cached by an older server marks
/// every ticket when it is first opened): the measured server must not pay that one-time
/// catch-up.
pub(crate) fn prepare_reports(storage: &porchlight_server::storage::Storage) -> Result<()> {
    let started = Instant::now();
    let n = storage.catch_up_reports()?;
    if n > 0 {
        println!(
            "server data: report rows of {n} tickets in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The 100k-ticket server data, built once and cached.
pub(crate) fn server_data(bin: &Path) -> Result<PathBuf> {
    let dir = target_dir().join(format!("bench/sync-server-{DATA_VERSION}"));
    if dir.join("ready").exists() {
        println!("server data: reusing {}", dir.display());
        // Data cached by an older server: its report rows are computed here, once, not by
        // the measured server's catch-up.
        prepare_reports(&porchlight_server::open_storage(&Database::Sqlite(
            dir.clone(),
        ))?)?;
        return Ok(dir);
    }
    let started = Instant::now();
    let building = target_dir().join(format!("bench/sync-server-{DATA_VERSION}.building"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&building);
    println!("server data: seeding {TICKETS} tickets …");
    let docs = seeded_documents(&target_dir().join("bench/sync-source"), TICKETS)?;
    println!(
        "server data: loading {} documents into the server's storage …",
        docs.len()
    );
    let version = import(&Database::Sqlite(building.clone()), &docs)?;
    let users = [DESK_A, DESK_B].map(|e| (e.to_string(), format!("Bench {e}")));
    add_users(
        bin,
        &["--data-dir".to_string(), building.display().to_string()],
        "agent",
        &users,
    )?;
    std::fs::write(
        building.join("ready"),
        format!("{} documents, version {version}\n", docs.len()),
    )?;
    std::fs::rename(&building, &dir)?;
    println!(
        "server data: {} documents ready in {:.0} s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(dir)
}

// ---- desktops ----------------------------------------------------------------------------

enum Heard {
    Round(Vec<String>),
    Failed(String),
}

/// A desktop: a real store with the real sync engine running, and what its engine reports.
struct Desk {
    store: Arc<Store>,
    engine: Engine,
    heard: mpsc::Receiver<(Instant, Heard)>,
}

impl Desk {
    /// Signs in, connects a fresh store and starts its engine; returns once the first round
    /// (the full pull) is done, with how long that took from the fresh store on.
    fn first_sync(
        rt: &tokio::runtime::Runtime,
        url: &str,
        email: &str,
        dir: &Path,
    ) -> Result<(Desk, f64)> {
        let _ = std::fs::remove_dir_all(dir);
        let login = login(rt, url, email)?;
        let client = ServerClient::new(url, &login.token);
        let started = Instant::now();
        let store = Arc::new(Store::open(dir)?);
        store.connect_to_server(url, &login.workspace_id, &login.agent)?;
        let (tx, heard) = mpsc::channel();
        let listener: porchlight_sync::Listener = Arc::new(move |ev| {
            let what = match ev {
                EngineEvent::Round(r) => Heard::Round(r.changed.ticket_ids),
                EngineEvent::Status(s)
                    if matches!(
                        s.state,
                        SyncState::Offline | SyncState::SignedOut | SyncState::UpdateRequired
                    ) =>
                {
                    Heard::Failed(s.message.unwrap_or_default())
                }
                _ => return,
            };
            let _ = tx.send((Instant::now(), what));
        });
        let engine = {
            let _rt = rt.enter();
            Engine::start(store.clone(), client, listener)
        };
        let desk = Desk {
            store,
            engine,
            heard,
        };
        let secs = match desk.heard.recv_timeout(Duration::from_secs(1800))? {
            (at, Heard::Round(_)) => (at - started).as_secs_f64(),
            (_, Heard::Failed(m)) => bail!("the first sync of {email} failed: {m}"),
        };
        Ok((desk, secs))
    }

    fn stop(self, rt: &tokio::runtime::Runtime) {
        rt.block_on(self.engine.stop());
    }
}

fn first_sync_and_propagation(
    rt: &tokio::runtime::Runtime,
    bin: &Path,
    cached: &Path,
    work: &Path,
    put: &mut dyn FnMut(&str, f64, &str),
) -> Result<()> {
    let data = work.join("server-100k");
    std::fs::create_dir_all(&data)?;
    for e in std::fs::read_dir(cached)? {
        let e = e?;
        std::fs::copy(e.path(), data.join(e.file_name()))?;
    }
    let args = vec!["--data-dir".to_string(), data.display().to_string()];
    let server = ServerProc::start(bin, &args, &work.join("server-100k.log"))?;

    println!("first sync of a fresh desktop ({TICKETS} tickets) …");
    let (b, secs) = Desk::first_sync(rt, &server.url, DESK_B, &work.join("desk-b"))?;
    let info = b.store.workspace_info()?;
    if info.ticket_count < TICKETS as i64 {
        bail!(
            "after its first sync the desktop has {} tickets, expected {TICKETS}",
            info.ticket_count
        );
    }
    if b.store.search("refund", 50)?.hits.is_empty() {
        bail!("after its first sync the desktop finds nothing for 'refund'");
    }
    println!("  desktop B: {} tickets in {secs:.1} s", info.ticket_count);
    put("initial_sync_s", secs, "s");
    let (a, secs_a) = Desk::first_sync(rt, &server.url, DESK_A, &work.join("desk-a"))?;
    println!("  desktop A: {secs_a:.1} s (second fresh desktop, not reported)");

    println!("propagation: {PROPAGATION_SAMPLES} changes from desktop A to desktop B …");
    let tickets: Vec<String> = a
        .store
        .ticket_page("open", SortKey::Updated, None, PROPAGATION_SAMPLES)?
        .rows
        .into_iter()
        .map(|t| t.id)
        .collect();
    if tickets.is_empty() {
        bail!("desktop A has no open tickets");
    }
    let mut samples = Vec::with_capacity(PROPAGATION_SAMPLES);
    for i in 0..PROPAGATION_SAMPLES {
        while b.heard.try_recv().is_ok() {}
        let ticket_id = &tickets[i % tickets.len()];
        let message_id = new_id();
        let started = Instant::now();
        a.store.apply(Mutation::AddMessage {
            message_id: message_id.clone(),
            ticket_id: ticket_id.clone(),
            kind: MessageKind::Note,
            from_customer: false,
            body_text: format!("Propagation probe {i}: checked the courier's tracking page."),
            body_html: None,
            attachment_ids: vec![],
            cc: None,
        })?;
        a.engine.wake();
        let deadline = started + Duration::from_secs(10);
        let arrived = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match b.heard.recv_timeout(left) {
                Ok((at, Heard::Round(ids))) if ids.contains(ticket_id) => break at,
                Ok((_, Heard::Failed(m))) => bail!("desktop B's sync failed: {m}"),
                Ok(_) => continue,
                Err(_) => bail!("change {i} did not reach desktop B within 10 s"),
            }
        };
        samples.push((arrived - started).as_secs_f64() * 1000.0);
        let detail = b.store.ticket_detail(ticket_id, &[])?;
        if !detail.messages.iter().any(|m| m.id == message_id) {
            bail!("desktop B announced ticket {ticket_id} but does not hold the new note");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "  min {:.1} ms, max {:.1} ms",
        samples.iter().copied().fold(f64::MAX, f64::min),
        samples.iter().copied().fold(0.0, f64::max)
    );
    put("propagation_p50_ms", percentile(&samples, 0.50), "ms");
    put("propagation_p95_ms", percentile(&samples, 0.95), "ms");
    a.stop(rt);
    b.stop(rt);
    server.stop();
    Ok(())
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v[(((v.len() as f64) * p).ceil() as usize).clamp(1, v.len()) - 1]
}

// ---- push throughput ---------------------------------------------------------------------

pub(crate) fn fresh_postgres_database(admin: &str, name: &str) -> Result<String> {
    let mut c = postgres::Client::connect(admin, postgres::NoTls)
        .context("connect to the bench PostgreSQL")?;
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    c.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let base = admin.rsplit_once('/').context("admin URL")?.0;
    Ok(format!("{base}/{name}"))
}

/// What the push benchmark measured on one backend.
struct PushRates {
    single: f64,
    batched: f64,
    batch_p95_ms: f64,
}

/// 50 clients (10 per signed-in agent, each with its own client id) push one mutation per
/// request as fast as the server answers: replies and field changes on a 1,000-ticket
/// helpdesk. Counted: mutations the server applied while the measurement window was open.
/// Then the batched run on the same server ([`push_batches`]).
fn push_throughput(
    rt: &tokio::runtime::Runtime,
    bin: &Path,
    db: &Database,
    db_args: &[String],
    work: &Path,
    label: &str,
) -> Result<PushRates> {
    println!("push: {PUSH_CLIENTS} clients on {label} …");
    let docs = seeded_documents(&work.join(format!("push-source-{label}")), PUSH_TICKETS)?;
    let tickets: Arc<Vec<String>> = Arc::new(
        docs.iter()
            .filter_map(|d| match d {
                Doc::Ticket(t) if t.status != TicketStatus::Closed => Some(t.id.clone()),
                _ => None,
            })
            .collect(),
    );
    import(db, &docs)?;
    let users: Vec<(String, String)> = (0..PUSH_USERS)
        .map(|i| (format!("push-{i}@bench.example"), format!("Push Agent {i}")))
        .collect();
    let batch_users: Vec<(String, String)> = (0..BATCH_CLIENTS)
        .map(|i| {
            (
                format!("batch-{i}@bench.example"),
                format!("Batch Agent {i}"),
            )
        })
        .collect();
    add_users(
        bin,
        db_args,
        "agent",
        &[users.clone(), batch_users.clone()].concat(),
    )?;
    let server = ServerProc::start(bin, db_args, &work.join(format!("server-push-{label}.log")))?;
    let tokens = users
        .iter()
        .map(|(email, _)| Ok(login(rt, &server.url, email)?.token))
        .collect::<Result<Vec<_>>>()?;

    println!(
        "  pushing for {} s ({} s warm-up) …",
        (PUSH_WARMUP + PUSH_MEASURED).as_secs(),
        PUSH_WARMUP.as_secs()
    );
    let start = Instant::now();
    let (from, until) = (start + PUSH_WARMUP, start + PUSH_WARMUP + PUSH_MEASURED);
    let tasks: Vec<_> = (0..PUSH_CLIENTS)
        .map(|c| {
            let client = ServerClient::new(&server.url, &tokens[c % PUSH_USERS]);
            let tickets = tickets.clone();
            rt.spawn(async move {
                let client_id = new_id();
                let (mut applied, mut refused) = (0u64, 0u64);
                let mut id = 0i64;
                while Instant::now() < until {
                    id += 1;
                    let ticket_id =
                        tickets[(c * 7919 + id as usize * 104_729) % tickets.len()].clone();
                    let m = if id % 2 == 0 {
                        Mutation::AddMessage {
                            message_id: new_id(),
                            ticket_id,
                            kind: MessageKind::Reply,
                            from_customer: false,
                            body_text: format!(
                                "Reply {id} from client {c}: the replacement ships today."
                            ),
                            body_html: None,
                            attachment_ids: vec![],
                            cc: None,
                        }
                    } else {
                        let p = [
                            Priority::Low,
                            Priority::Normal,
                            Priority::High,
                            Priority::Urgent,
                        ];
                        Mutation::SetTicketFields {
                            ticket_id,
                            changes: TicketFieldChanges {
                                priority: Some(p[(id as usize / 2 + c) % 4]),
                                ..Default::default()
                            },
                        }
                    };
                    let v = serde_json::to_value(&m)?;
                    let req = PushRequest {
                        client_id: client_id.clone(),
                        schema_version: SCHEMA_VERSION,
                        mutations: vec![PushMutation {
                            id,
                            name: m.name().to_string(),
                            args: v["args"].clone(),
                            at: 0,
                        }],
                        workspace_id: None,
                    };
                    let res = client.push(&req).await?;
                    let now = Instant::now();
                    for r in res.results {
                        match r.outcome {
                            PushOutcome::Applied { .. } if now >= from && now <= until => {
                                applied += 1
                            }
                            PushOutcome::Rejected { .. } => refused += 1,
                            _ => {}
                        }
                    }
                }
                anyhow::Ok((applied, refused))
            })
        })
        .collect();
    let (mut applied, mut refused) = (0, 0);
    for t in tasks {
        let (a, r) = rt.block_on(t)??;
        applied += a;
        refused += r;
    }
    if refused > 0 {
        bail!("the server refused {refused} of the benchmark's mutations");
    }
    let single = applied as f64 / PUSH_MEASURED.as_secs_f64();
    println!(
        "  {applied} mutations applied in {} s",
        PUSH_MEASURED.as_secs()
    );
    let batch_tokens = batch_users
        .iter()
        .map(|(email, _)| Ok(login(rt, &server.url, email)?.token))
        .collect::<Result<Vec<_>>>()?;
    let (batched, batch_p95_ms) = push_batches(rt, &server.url, &batch_tokens, &tickets)?;
    server.stop();
    Ok(PushRates {
        single,
        batched,
        batch_p95_ms,
    })
}

/// One realistic batch: every fifth mutation a new ticket, the rest replies and field
/// changes on existing tickets.
fn realistic_batch(c: usize, first_id: i64, tickets: &[String]) -> Result<Vec<PushMutation>> {
    (first_id..first_id + BATCH_SIZE as i64)
        .map(|id| {
            let ticket_id = tickets[(c * 7919 + id as usize * 104_729) % tickets.len()].clone();
            let m = match id % 5 {
                0 => Mutation::CreateTicket {
                    ticket_id: new_id(),
                    message_id: new_id(),
                    subject: format!("Order {id} from client {c} arrived damaged"),
                    requester: porchlight_domain::mutation::RequesterRef::New {
                        id: new_id(),
                        name: format!("Customer {c}-{id}"),
                        email: Some(format!("c{c}-{id}-{}@bench.example", new_id())),
                        phone: None,
                    },
                    channel: porchlight_domain::Channel::Email,
                    priority: Priority::Normal,
                    ticket_type: porchlight_domain::TicketType::Problem,
                    assignee_id: None,
                    group_id: None,
                    tags: vec!["damaged".into()],
                    body_text: "The box was crushed and the lamp inside is broken.".into(),
                    attachment_ids: vec![],
                    outbound: false,
                },
                1 | 3 => Mutation::AddMessage {
                    message_id: new_id(),
                    ticket_id,
                    kind: MessageKind::Reply,
                    from_customer: false,
                    body_text: format!("Reply {id} from client {c}: the replacement ships today."),
                    body_html: None,
                    attachment_ids: vec![],
                    cc: None,
                },
                _ => Mutation::SetTicketFields {
                    ticket_id,
                    changes: TicketFieldChanges {
                        priority: Some([Priority::Low, Priority::High][id as usize % 2]),
                        ..Default::default()
                    },
                },
            };
            let v = serde_json::to_value(&m)?;
            Ok(PushMutation {
                id,
                name: m.name().to_string(),
                args: v["args"].clone(),
                at: 0,
            })
        })
        .collect()
}

/// 20 threads, each a signed-in agent with its own client id, push batches of 50 until the
/// run ends. Returns mutations applied per second over the whole run and the p95 latency
/// of one push (ms).
fn push_batches(
    rt: &tokio::runtime::Runtime,
    url: &str,
    tokens: &[String],
    tickets: &Arc<Vec<String>>,
) -> Result<(f64, f64)> {
    println!(
        "  {BATCH_CLIENTS} clients pushing batches of {BATCH_SIZE} for {} s …",
        PUSH_MEASURED.as_secs()
    );
    let start = Instant::now();
    let until = start + PUSH_MEASURED;
    let threads: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(c, token)| {
            let client = ServerClient::new(url, token);
            let (tickets, handle) = (tickets.clone(), rt.handle().clone());
            std::thread::spawn(move || {
                let client_id = new_id();
                let (mut applied, mut refused, mut latencies) = (0u64, 0u64, Vec::new());
                let mut next = 1i64;
                while Instant::now() < until {
                    let req = PushRequest {
                        client_id: client_id.clone(),
                        schema_version: SCHEMA_VERSION,
                        mutations: realistic_batch(c, next, &tickets)?,
                        workspace_id: None,
                    };
                    next += BATCH_SIZE as i64;
                    let sent = Instant::now();
                    let res = handle.block_on(client.push(&req))?;
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    for r in res.results {
                        match r.outcome {
                            PushOutcome::Applied { .. } => applied += 1,
                            PushOutcome::Rejected { .. } => refused += 1,
                            PushOutcome::Duplicate => {}
                        }
                    }
                }
                anyhow::Ok((applied, refused, latencies))
            })
        })
        .collect();
    let (mut applied, mut refused, mut latencies) = (0, 0, Vec::new());
    for t in threads {
        let (a, r, l) = t
            .join()
            .map_err(|_| anyhow::anyhow!("a push thread panicked"))??;
        applied += a;
        refused += r;
        latencies.extend(l);
    }
    let elapsed = start.elapsed().as_secs_f64();
    if refused > 0 {
        bail!("the server refused {refused} of the benchmark's batched mutations");
    }
    let p95 = percentile(&latencies, 0.95);
    println!(
        "  {applied} mutations in {} pushes over {elapsed:.1} s, p95 {p95:.0} ms",
        latencies.len()
    );
    Ok((applied as f64 / elapsed, p95))
}

// ---- event streams -----------------------------------------------------------------------

/// The resident memory of a freshly started server (embedded SQLite) with 500 signed-in
/// desktops' event streams open.
fn sse_memory(rt: &tokio::runtime::Runtime, bin: &Path, work: &Path) -> Result<f64> {
    println!("memory: {SSE_CLIENTS} event streams …");
    let db_args = [
        "--data-dir".to_string(),
        work.join("sse").display().to_string(),
    ];
    // 500 desktops: each its own session with one stream (a session keeps at most 4), signed
    // in as one of 10 agents.
    let agents: Vec<(String, String)> = (0..10)
        .map(|i| {
            (
                format!("events{i}@bench.example"),
                format!("Event Listener {i}"),
            )
        })
        .collect();
    add_users(bin, &db_args, "agent", &agents)?;
    // They all connect from 127.0.0.1: as for an office behind one address, the cap of
    // connections per address is raised above the desktops it has.
    let server = ServerProc::start_with(
        bin,
        &db_args,
        &work.join("server-sse.log"),
        &[("PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS", "600")],
    )?;
    let tokens = (0..SSE_CLIENTS)
        .map(|i| Ok(login(rt, &server.url, &agents[i % agents.len()].0)?.token))
        .collect::<Result<Vec<_>>>()?;
    std::thread::sleep(Duration::from_secs(1));
    let idle = server.rss_mb()?;
    let mut streams = rt.block_on(async {
        let mut v = Vec::with_capacity(SSE_CLIENTS);
        for token in &tokens {
            v.push(ServerClient::new(&server.url, token).events().await?);
        }
        anyhow::Ok(v)
    })?;
    std::thread::sleep(Duration::from_secs(2));
    let rss = server.rss_mb()?;
    // Every stream is live: each got the presence list the server sends first.
    let live = rt.block_on(async {
        let mut n = 0;
        for s in &mut streams {
            if tokio::time::timeout(Duration::from_secs(5), s.recv())
                .await
                .ok()
                .flatten()
                .is_some()
            {
                n += 1;
            }
        }
        n
    });
    if live != SSE_CLIENTS {
        bail!("only {live} of {SSE_CLIENTS} event streams delivered an event");
    }
    println!("  idle {idle:.1} MB, with {SSE_CLIENTS} streams {rss:.1} MB");
    drop(streams);
    server.stop();
    Ok(rss)
}
