//! Faults between real desktops (porchlight-store + porchlight-sync) and the real server
//! process: a desktop killed with SIGKILL mid-push and restarted, the server killed with
//! SIGKILL mid-push and restarted on the same database, and connections cut in the middle of
//! a pull answer. After each, every change must be on the server exactly once and the
//! desktop must hold exactly the server's data.
//!
//! The killed desktop is this test binary run again in its own process (`sync_child`), so
//! it can really be SIGKILLed. Connections pass through a small TCP proxy in the test that
//! can cut a pull answer after a given number of bytes, or point at a restarted server.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use common::{assert_same, server_dump, store_dump as dump, Backend, Dump, Server};
use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::sync::SyncState;
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_store::{new_id, Store};
use porchlight_sync::{sync_round, Engine, EngineEvent, ServerClient, SyncError};
use serde_json::Value;

/// Hang guard for waits on processes and engines (never a speed assertion).
const PATIENCE: Duration = Duration::from_secs(300);

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

// ---- the desktop's side --------------------------------------------------------------------

/// Signs `email` in at `url` (the server, or a proxy in front of it) and binds a fresh store
/// in `dir` to it. Returns the store and the session token.
fn connect(rt: &tokio::runtime::Runtime, url: &str, email: &str, dir: &Path) -> (Store, String) {
    let login = rt
        .block_on(ServerClient::login(
            url,
            email,
            common::PASSWORD,
            "fault desk",
        ))
        .unwrap();
    let store = Store::open(dir).unwrap();
    store
        .connect_to_server(url, &login.workspace_id, &login.agent)
        .unwrap();
    (store, login.token)
}

fn client_id(store: &Store) -> String {
    store.sync_settings().unwrap().unwrap().client_id
}

fn new_ticket(i: usize) -> (String, Mutation) {
    let id = new_id();
    (
        id.clone(),
        Mutation::CreateTicket {
            ticket_id: id,
            message_id: new_id(),
            subject: format!("Parcel {i} lost"),
            requester: RequesterRef::New {
                id: new_id(),
                name: format!("Customer {i}"),
                email: Some(format!("customer{i}@example.com")),
                phone: None,
            },
            channel: Channel::Phone,
            priority: Priority::Normal,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec!["refund".into()],
            body_text: format!("Order {i} has not arrived."),
            attachment_ids: vec![],
            outbound: false,
        },
    )
}

/// Offline work on `tickets` new tickets: each is created and, unless `messages` is `None`,
/// gets that many replies, notes and customer messages, a priority change, a tag and a new
/// subject. Returns the number of queued changes.
fn offline_work(store: &Store, tickets: usize, messages: Option<usize>) -> i64 {
    for i in 0..tickets {
        let (tid, create) = new_ticket(i);
        let mut ms = vec![create];
        let Some(messages) = messages else {
            store.apply_many(ms).unwrap();
            continue;
        };
        for j in 0..messages {
            let (kind, from_customer) = match j % 3 {
                0 => (MessageKind::Reply, false),
                1 => (MessageKind::Note, false),
                _ => (MessageKind::Reply, true),
            };
            ms.push(Mutation::AddMessage {
                message_id: new_id(),
                ticket_id: tid.clone(),
                kind,
                from_customer,
                body_text: format!("ticket {i} message {j}"),
                body_html: None,
                attachment_ids: vec![],
                cc: None,
            });
        }
        ms.push(Mutation::SetTicketFields {
            ticket_id: tid.clone(),
            changes: TicketFieldChanges {
                priority: Some(Priority::High),
                ..Default::default()
            },
        });
        ms.push(Mutation::AddTag {
            ticket_id: tid.clone(),
            tag: "vip".into(),
        });
        ms.push(Mutation::SetTicketFields {
            ticket_id: tid,
            changes: TicketFieldChanges {
                subject: Some(format!("Parcel {i} found")),
                ..Default::default()
            },
        });
        store.apply_many(ms).unwrap();
    }
    store.outbox_len().unwrap()
}

/// What an agent would count in a helpdesk: each ticket with its messages (kind, author,
/// text) and its history (field, old, new), ids and server-assigned numbers left out so the
/// desktop's optimistic state before a sync can be compared with the server's after it.
/// A change applied twice shows up here as a second message or a second history entry.
#[derive(Debug, PartialEq)]
struct Census {
    tickets: BTreeMap<String, (String, Vec<String>, Vec<String>)>,
    customers: BTreeSet<String>,
}

fn census(d: &Dump) -> Census {
    let mut tickets: BTreeMap<String, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut customers = BTreeSet::new();
    for (k, v) in d {
        let (kind, id) = k.split_once(':').unwrap();
        match kind {
            "ticket" => {
                tickets.entry(id.to_string()).or_default().0 = format!(
                    "{} | {} | {} | {}",
                    v["subject"], v["status"], v["priority"], v["tags"]
                );
            }
            "message" => tickets
                .entry(v["ticket_id"].as_str().unwrap().to_string())
                .or_default()
                .1
                .push(format!(
                    "{} {} {}",
                    v["kind"], v["author_kind"], v["body_text"]
                )),
            "event" => tickets
                .entry(v["ticket_id"].as_str().unwrap().to_string())
                .or_default()
                .2
                .push(format!(
                    "{} {} -> {}",
                    v["field"], v["old_value"], v["new_value"]
                )),
            "customer" => {
                customers.insert(id.to_string());
            }
            _ => {}
        }
    }
    for t in tickets.values_mut() {
        t.1.sort();
        t.2.sort();
    }
    Census { tickets, customers }
}

/// Every change the desktop made before syncing is on the server exactly once, and every
/// ticket got its own number with none burnt by a replay.
fn assert_exactly_once(before: &Dump, server: &Dump) {
    let (b, s) = (census(before), census(server));
    assert_eq!(b.tickets.len(), s.tickets.len(), "ticket count");
    assert_eq!(b.customers, s.customers, "customers");
    for (id, want) in &b.tickets {
        let got = s
            .tickets
            .get(id)
            .unwrap_or_else(|| panic!("ticket {id} is missing on the server"));
        assert_eq!(
            got, want,
            "ticket {id}: server (left) vs desktop before sync"
        );
    }
    let mut numbers: Vec<i64> = server
        .iter()
        .filter(|(k, _)| k.starts_with("ticket:"))
        .map(|(_, v)| v["number"].as_i64().expect("every ticket has a number"))
        .collect();
    numbers.sort();
    let want: Vec<i64> = (1001..1001 + numbers.len() as i64).collect();
    assert_eq!(numbers, want, "ticket numbers are consecutive, none reused");
}

/// The highest mutation id of `client` the server has processed.
fn server_last(s: &Server, token: &str, client: &str) -> i64 {
    let r = common::call(
        &s.url,
        "GET",
        &format!(
            "/api/v1/sync/pull?client_id={client}&cursor={}&schema_version=1",
            i64::MAX
        ),
        Some(token),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["last_mutation_id"].as_i64().unwrap()
}

fn addr_of(s: &Server) -> SocketAddr {
    s.url.strip_prefix("http://").unwrap().parse().unwrap()
}

// ---- a desktop in its own process ----------------------------------------------------------

const CHILD_DIR: &str = "PORCHLIGHT_FAULTS_CHILD_DIR";
const CHILD_MARK: &str = "FAULTS-CHILD:";

/// Not a test on its own: the body of the desktop process the kill tests start. It opens
/// the store in $PORCHLIGHT_FAULTS_CHILD_DIR, runs the real sync engine until nothing is
/// left to send, and reports refusals and the end on stdout.
#[test]
#[ignore = "started in its own process by a_desktop_killed_mid_push_resumes_without_loss_or_repeats"]
fn sync_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let conf: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fault-client.json")).unwrap())
            .unwrap();
    let rt = rt();
    let store = Arc::new(Store::open(&dir).unwrap());
    let client = ServerClient::new(
        conf["url"].as_str().unwrap(),
        conf["token"].as_str().unwrap(),
    );
    let (tx, rx) = mpsc::channel();
    let engine = {
        let _in_runtime = rt.enter();
        Engine::start(
            store,
            client,
            Arc::new(move |e| {
                let _ = tx.send(e);
            }),
        )
    };
    let out = std::io::stdout();
    loop {
        match rx.recv_timeout(PATIENCE).expect("the engine reports") {
            EngineEvent::Round(r) => {
                for f in &r.refusals {
                    writeln!(
                        out.lock(),
                        "{CHILD_MARK} refused {} {:?}",
                        f.mutation,
                        f.error
                    )
                    .unwrap();
                }
                if r.status.unsent == 0 {
                    break;
                }
            }
            EngineEvent::Status(s) => {
                writeln!(out.lock(), "{CHILD_MARK} status {:?}", s.state).unwrap();
            }
            EngineEvent::Presence(_) => {}
        }
    }
    rt.block_on(engine.stop());
    writeln!(out.lock(), "{CHILD_MARK} synced").unwrap();
}

struct ChildDesk {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for ChildDesk {
    /// A failed test leaves no desktop process behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ChildDesk {
    fn start(dir: &Path) -> ChildDesk {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "sync_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the desktop process");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = BufReader::new(child.stdout.take().unwrap());
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in out.lines() {
                let Ok(line) = line else { break };
                if let Some(l) = line.strip_prefix(CHILD_MARK) {
                    sink.lock().unwrap().push(l.trim().to_string());
                }
            }
        });
        ChildDesk { child, lines }
    }

    fn exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    fn kill9(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        // The reader thread ends at EOF; give it the lines it has.
        std::thread::sleep(Duration::from_millis(50));
        let lines = self.lines.lock().unwrap().clone();
        lines
    }

    fn finish(mut self) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        while !self.exited() {
            assert!(Instant::now() < deadline, "the desktop process hangs");
            std::thread::sleep(Duration::from_millis(20));
        }
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let lines = self.lines.lock().unwrap().clone();
        assert!(status.success(), "the desktop process failed: {lines:?}");
        lines
    }
}

/// An agent works offline (1,200 changes on 60 tickets), then the desktop syncs and is
/// killed with SIGKILL four times: as soon as the server has seen its first change, a third
/// of the way, two thirds of the way, and once the server has everything but the desktop has
/// not heard back. Restarted on the same data directory each time, it finishes: every change
/// is on the server exactly once, nothing is refused, and the desktop equals the server.
#[test]
fn a_desktop_killed_mid_push_resumes_without_loss_or_repeats() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let dir = tempfile::tempdir().unwrap();
    let (store, token) = connect(&rt, &s.url, "ali@example.com", dir.path());
    let n = offline_work(&store, 60, Some(16));
    assert_eq!(n, 60 * 20);
    let before = dump(&store);
    let client = client_id(&store);
    drop(store);
    std::fs::write(
        dir.path().join("fault-client.json"),
        serde_json::json!({"url": s.url, "token": token}).to_string(),
    )
    .unwrap();

    let mut lines = Vec::new();
    let mut mid_push = 0;
    for threshold in [1, n / 3, 2 * n / 3, n] {
        let mut desk = ChildDesk::start(dir.path());
        let deadline = Instant::now() + PATIENCE;
        let seen = loop {
            let seen = server_last(&s, &token, &client);
            if seen >= threshold || desk.exited() {
                break seen;
            }
            assert!(Instant::now() < deadline, "the desktop never pushed");
            std::thread::sleep(Duration::from_millis(2));
        };
        if desk.exited() {
            lines.extend(desk.finish());
            // It finished first: possible only once the server has everything.
            assert_eq!(threshold, n, "{lines:?}");
            continue;
        }
        lines.extend(desk.kill9());
        mid_push += (seen < n) as usize;
    }
    assert_eq!(
        mid_push, 3,
        "three kills landed while changes were in flight"
    );

    lines.extend(ChildDesk::start(dir.path()).finish());
    assert!(lines.iter().any(|l| l == "synced"), "{lines:?}");
    let refused: Vec<_> = lines.iter().filter(|l| l.starts_with("refused")).collect();
    assert!(refused.is_empty(), "a retry was refused: {refused:?}");

    assert_eq!(server_last(&s, &token, &client), n);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.outbox_len().unwrap(), 0);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let server = server_dump(&s, "ali@example.com");
    assert_exactly_once(&before, &server);
    assert_same(&dump(&store), &server, "after the kills");
}

// ---- a TCP proxy that can cut pull answers -------------------------------------------------

/// How the proxy treats the next pull answer.
#[derive(Clone, Copy, Debug)]
enum Cut {
    /// Let it through.
    Pass,
    /// Forward the headers and this many bytes of the body, then close the connection.
    AfterBody(usize),
    /// Forward all but this many bytes of the body, then close the connection.
    BeforeEnd(usize),
}

/// A TCP proxy in front of the server: the desktop's only way to it. New connections go to
/// the current upstream (a dead one is closed at once, as a refused connection); pull answers
/// are cut as planned.
struct Proxy {
    url: String,
    upstream: Arc<Mutex<SocketAddr>>,
    plan: Arc<Mutex<VecDeque<Cut>>>,
    pulls: Arc<AtomicUsize>,
    cuts: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let p = Proxy {
            url,
            upstream: Arc::new(Mutex::new(upstream)),
            plan: Arc::new(Mutex::new(VecDeque::new())),
            pulls: Arc::new(AtomicUsize::new(0)),
            cuts: Arc::new(AtomicUsize::new(0)),
        };
        let (up, plan, pulls, cuts) = (
            p.upstream.clone(),
            p.plan.clone(),
            p.pulls.clone(),
            p.cuts.clone(),
        );
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let to = *up.lock().unwrap();
                let (plan, pulls, cuts) = (plan.clone(), pulls.clone(), cuts.clone());
                std::thread::spawn(move || relay(conn, to, plan, pulls, cuts));
            }
        });
        p
    }

    fn set_upstream(&self, to: SocketAddr) {
        *self.upstream.lock().unwrap() = to;
    }

    /// Treats the next pull answers as listed (then lets them through).
    fn plan(&self, cuts: &[Cut]) {
        let mut p = self.plan.lock().unwrap();
        p.clear();
        p.extend(cuts.iter().copied());
    }

    fn pulls(&self) -> usize {
        self.pulls.load(Ordering::SeqCst)
    }

    fn cuts(&self) -> usize {
        self.cuts.load(Ordering::SeqCst)
    }
}

fn relay(
    client: TcpStream,
    to: SocketAddr,
    plan: Arc<Mutex<VecDeque<Cut>>>,
    pulls: Arc<AtomicUsize>,
    cuts: Arc<AtomicUsize>,
) {
    let Ok(server) = TcpStream::connect(to) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (rule_tx, rule_rx) = mpsc::channel::<Cut>();
    // Requests: HTTP/1.1 without pipelining, so a pull's answer is the next thing the server
    // sends on this connection; its rule is queued before the request goes on.
    {
        let (mut from, mut into) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match from.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if buf[..n].windows(21).any(|w| w == b"GET /api/v1/sync/pull") {
                    pulls.fetch_add(1, Ordering::SeqCst);
                    let rule = plan.lock().unwrap().pop_front().unwrap_or(Cut::Pass);
                    let _ = rule_tx.send(rule);
                }
                if into.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = into.shutdown(Shutdown::Write);
        });
    }
    // Answers.
    let (mut from, mut into) = (server, client);
    let mut buf = vec![0u8; 64 * 1024];
    // The answer being cut: its rule, the bytes seen so far, and where to stop once known.
    let mut cutting: Option<(Cut, Vec<u8>, usize, Option<usize>)> = None;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        while let Ok(rule) = rule_rx.try_recv() {
            cutting = match rule {
                Cut::Pass => None,
                r => Some((r, Vec::new(), 0, None)),
            };
        }
        let Some((rule, head, sent, stop)) = cutting.as_mut() else {
            if into.write_all(&buf[..n]).is_err() {
                break;
            }
            continue;
        };
        if stop.is_none() {
            head.extend_from_slice(&buf[..n]);
            if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                let header = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
                let length: usize = header
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .expect("pull answers carry a content-length")
                    .trim()
                    .parse()
                    .unwrap();
                let body_start = end + 4;
                *stop = Some(match *rule {
                    Cut::AfterBody(k) => body_start + k.min(length.saturating_sub(1)),
                    Cut::BeforeEnd(k) => body_start + length - k.clamp(1, length),
                    Cut::Pass => unreachable!(),
                });
            }
        }
        let limit = stop.unwrap_or(usize::MAX);
        let take = n.min(limit.saturating_sub(*sent));
        if into.write_all(&buf[..take]).is_err() {
            break;
        }
        *sent += take;
        if *sent >= limit {
            cuts.fetch_add(1, Ordering::SeqCst);
            let _ = into.flush();
            let _ = into.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
    }
    let _ = into.shutdown(Shutdown::Both);
}

// ---- the server killed mid-push --------------------------------------------------------------

/// Waits for engine events until a round leaves nothing unsent; returns every state the
/// engine reported on the way.
fn until_all_sent(rx: &mpsc::Receiver<EngineEvent>, states: &mut Vec<SyncState>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left).expect("the engine catches up") {
            EngineEvent::Round(r) => {
                assert!(
                    r.refusals.is_empty(),
                    "a retry was refused: {:?}",
                    r.refusals
                );
                states.push(r.status.state);
                if r.status.unsent == 0 {
                    return;
                }
            }
            EngineEvent::Status(s) => states.push(s.state),
            EngineEvent::Presence(_) => {}
        }
    }
}

/// The desktop's engine pushes 1,200 offline changes; the server is killed with SIGKILL
/// twice while they are in flight and restarted on the same database. The desktop goes
/// offline, keeps the agent's work on screen, retries on its own and catches up: nothing
/// lost, nothing applied twice, the desktop equals the server.
fn a_server_killed_mid_push_loses_and_repeats_nothing(backend: Backend) {
    let rt = rt();
    let mut s = Server::start(backend);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let proxy = Proxy::start(addr_of(&s));
    let dir = tempfile::tempdir().unwrap();
    let (store, token) = connect(&rt, &proxy.url, "ali@example.com", dir.path());
    let n = offline_work(&store, 60, Some(16));
    let before = dump(&store);
    let client = client_id(&store);
    let store = Arc::new(store);

    let (tx, rx) = mpsc::channel();
    let engine = {
        let _in_runtime = rt.enter();
        Engine::start(
            store.clone(),
            ServerClient::new(&proxy.url, &token),
            Arc::new(move |e| {
                let _ = tx.send(e);
            }),
        )
    };
    let mut states = Vec::new();
    for threshold in [1, n / 2] {
        let deadline = Instant::now() + PATIENCE;
        while server_last(&s, &token, &client) < threshold {
            assert!(Instant::now() < deadline, "the engine never pushed");
            std::thread::sleep(Duration::from_millis(2));
        }
        s = s.kill9_and_restart();
        // The proxy still points at the dead process: the desktop cannot reach the new one.
        let seen = server_last(&s, &token, &client);
        assert!(
            seen >= threshold && seen < n,
            "the kill landed mid-push ({seen} of {n} seen)"
        );
        assert_eq!(
            census(&dump(&store)),
            census(&before),
            "the agent's offline work stays on screen while the server is down"
        );
        proxy.set_upstream(addr_of(&s));
    }
    until_all_sent(&rx, &mut states);
    rt.block_on(engine.stop());
    assert!(
        states.contains(&SyncState::Offline),
        "the agent was told the server was unreachable: {states:?}"
    );
    assert_eq!(states.last(), Some(&SyncState::Online), "{states:?}");

    assert_eq!(server_last(&s, &token, &client), n);
    assert_eq!(store.outbox_len().unwrap(), 0);
    let server = server_dump(&s, "ali@example.com");
    assert_exactly_once(&before, &server);
    assert_same(&dump(&store), &server, "after the server kills");
}

on_both_backends!(a_server_killed_mid_push_loses_and_repeats_nothing);

// ---- connections cut mid-pull ----------------------------------------------------------------

/// An agent creates 1,300 tickets offline: more documents than one pull page holds. Pull
/// answers are cut at several points (right after the headers, mid-body, one byte short, and
/// on the second page after the first was applied). A cut answer applies nothing, the agent's
/// work stays visible throughout, and once the connection holds the desktop holds exactly
/// the server's data, each change once. A colleague's first sync cut the same way leaves a
/// desktop whose counts and search work while it waits.
#[test]
fn a_pull_cut_midway_applies_nothing_partial_and_recovers() {
    let rt = rt();
    let s = Server::start(Backend::Sqlite);
    s.add_user("ali@example.com", "Ali Agent", "agent");
    let proxy = Proxy::start(addr_of(&s));
    let dir = tempfile::tempdir().unwrap();
    let (store, token) = connect(&rt, &proxy.url, "ali@example.com", dir.path());
    let store = Arc::new(store);
    let client = ServerClient::new(&proxy.url, &token);
    rt.block_on(sync_round(&store, &client)).unwrap();

    let n = offline_work(&store, 1300, None);
    let before = dump(&store);
    let tickets: Vec<String> = before
        .keys()
        .filter_map(|k| k.strip_prefix("ticket:"))
        .map(String::from)
        .collect();
    assert_eq!(tickets.len(), 1300);
    let cursor0 = store.sync_settings().unwrap().unwrap().cursor;

    // Cuts of the first page: nothing may change.
    for cut in [
        Cut::AfterBody(0),
        Cut::AfterBody(1),
        Cut::AfterBody(100_000),
        Cut::BeforeEnd(1),
    ] {
        proxy.plan(&[cut]);
        let cuts = proxy.cuts();
        let err = rt.block_on(sync_round(&store, &client)).unwrap_err();
        assert!(matches!(err, SyncError::Offline(_)), "{cut:?}: {err:?}");
        assert_eq!(proxy.cuts(), cuts + 1, "{cut:?} was applied");
        assert_eq!(
            store.sync_settings().unwrap().unwrap().cursor,
            cursor0,
            "{cut:?}: the cursor stays"
        );
        assert_eq!(store.outbox_len().unwrap(), n, "{cut:?}: nothing settled");
        assert_same(&dump(&store), &before, &format!("{cut:?} (desk vs before)"));
    }

    // The first page arrives, the second is cut.
    proxy.plan(&[Cut::Pass, Cut::AfterBody(10_000)]);
    let pulls = proxy.pulls();
    let err = rt.block_on(sync_round(&store, &client)).unwrap_err();
    assert!(matches!(err, SyncError::Offline(_)), "{err:?}");
    assert_eq!(proxy.pulls(), pulls + 2, "two pages were asked for");
    let cursor1 = store.sync_settings().unwrap().unwrap().cursor;
    assert!(cursor1 > cursor0, "the first page was applied");
    let missing: Vec<_> = tickets
        .iter()
        .filter(|t| store.ticket(t).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "{} of the agent's tickets vanished after a cut on the second page",
        missing.len()
    );
    assert_eq!(census(&dump(&store)).tickets.len(), 1300);

    // The connection holds again.
    let pulls = proxy.pulls();
    rt.block_on(sync_round(&store, &client)).unwrap();
    assert!(proxy.pulls() > pulls);
    assert_eq!(store.outbox_len().unwrap(), 0);
    let server = server_dump(&s, "ali@example.com");
    assert_exactly_once(&before, &server);
    assert_same(&dump(&store), &server, "after the cuts");

    // A colleague's first sync (several pages, written in bulk) is cut on its second page.
    // While the connection is down, what did arrive is counted and searchable, and a ticket
    // recorded meanwhile is too.
    s.add_user("eva@example.com", "Eva Agent", "agent");
    let dir = tempfile::tempdir().unwrap();
    let (eva, token) = connect(&rt, &proxy.url, "eva@example.com", dir.path());
    let eva = Arc::new(eva);
    let client = ServerClient::new(&proxy.url, &token);
    proxy.plan(&[Cut::Pass, Cut::AfterBody(10_000)]);
    let err = rt.block_on(sync_round(&eva, &client)).unwrap_err();
    assert!(matches!(err, SyncError::Offline(_)), "{err:?}");
    let have = census(&dump(&eva)).tickets.len();
    assert!(have > 0 && have < 1300, "one page arrived ({have} tickets)");
    assert_eq!(
        eva.workspace_info().unwrap().ticket_count,
        have as i64,
        "the sidebar counts what arrived"
    );
    assert_eq!(eva.search("parcel", 50).unwrap().hits.len(), 50.min(have));
    let (quokka, create) = new_ticket(9999);
    eva.apply(create).unwrap();
    eva.apply(Mutation::SetTicketFields {
        ticket_id: quokka.clone(),
        changes: TicketFieldChanges {
            subject: Some("Quokka plush arrived torn".into()),
            ..Default::default()
        },
    })
    .unwrap();
    let found = eva.search("quokka", 50).unwrap();
    assert_eq!(found.hits.len(), 1, "{found:?}");
    assert_eq!(found.hits[0].ticket.id, quokka);
    assert_eq!(eva.workspace_info().unwrap().ticket_count, have as i64 + 1);

    rt.block_on(sync_round(&eva, &client)).unwrap();
    assert_eq!(eva.outbox_len().unwrap(), 0);
    let server = server_dump(&s, "eva@example.com");
    assert_eq!(census(&server).tickets.len(), 1301);
    assert_same(&dump(&eva), &server, "the colleague after the cut");
    assert_eq!(eva.workspace_info().unwrap().ticket_count, 1301);
    assert_eq!(eva.search("quokka", 50).unwrap().hits.len(), 1);
}

/// An admin signed in to `s`, who has pushed `n` new tickets.
fn admin_with_tickets(s: &Server, n: usize) -> common::Client {
    s.add_user("admin@porch.test", "Admin", "admin");
    let mut c = s.login("admin@porch.test");
    for i in 0..n {
        let (_, m) = common::create_ticket(&format!("Ticket {i}"), "ayse@customer.example");
        assert_eq!(c.push(&[m]).status, 200);
    }
    c
}

/// Runs `porchlight-server ARGS`; (succeeded, stdout and stderr).
fn server_cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(common::BIN).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// `porchlight-server backup`, taken while a desktop keeps pushing, and `restore` into a new
/// data directory that a new server process serves: every document the server held before
/// the backup began is there, the accounts too (the admin signs in with their password).
/// A restore over a database, and a folder that is no backup, are refused by name.
#[test]
fn a_backup_taken_while_serving_restores_into_a_new_server() {
    let s = Server::start(Backend::Sqlite);
    let mut c = admin_with_tickets(&s, 30);
    let (ticket, m) = common::create_ticket("Kept busy", "ayse@customer.example");
    assert_eq!(c.push(&[m]).status, 200);
    let before = c.pull_all();

    // A colleague keeps replying while the backup is taken.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy = format!("ticket:{ticket}");
    let pusher = {
        let (stop, mut c2) = (stop.clone(), s.login("admin@porch.test"));
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let r = c2.push(&[common::reply_to(&ticket, &format!("reply {n}"), "note")]);
                assert_eq!(r.status, 200, "{}", r.body);
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let backups = tempfile::tempdir().unwrap();
    let data_dir = s.dir.to_str().unwrap().to_owned();
    let to = backups.path().to_str().unwrap().to_owned();
    let (ok, out) = server_cli(&["backup", "--to", &to, "--data-dir", &data_dir]);
    stop.store(true, Ordering::Relaxed);
    let pushed = pusher.join().unwrap();
    assert!(ok, "{out}");
    assert!(pushed > 0);
    let path = out.trim().rsplit_once(" to ").unwrap().1.to_owned();
    assert!(Path::new(&path)
        .join("porchlight-server-backup.json")
        .is_file());

    // Restoring over a database, or from a folder that is no backup, is refused.
    let (ok, out) = server_cli(&["restore", "--from", &path, "--data-dir", &data_dir]);
    assert!(!ok && out.contains("already holds a database"), "{out}");
    let (ok, out) = server_cli(&["restore", "--from", &to, "--data-dir", "/tmp/nowhere-new"]);
    assert!(
        !ok && out.contains("is not a Porchlight server backup"),
        "{out}"
    );

    let fresh = tempfile::tempdir().unwrap();
    let new_dir = fresh.path().join("data");
    let new_dir_s = new_dir.to_str().unwrap().to_owned();
    let (ok, out) = server_cli(&["restore", "--from", &path, "--data-dir", &new_dir_s]);
    assert!(ok, "{out}");
    let restored = Server::start_with(&new_dir, vec!["--data-dir".into(), new_dir_s]);
    let after = restored.login("admin@porch.test").pull_all();
    for (key, doc) in &before {
        if *key == busy {
            // Its notes move it on; it is there.
            assert!(after.contains_key(key));
            continue;
        }
        assert_eq!(
            after.get(key),
            Some(doc),
            "{key} as it was before the backup"
        );
    }
    // The notes pushed during the backup: some may be in it, none half.
    let notes = after.len() - before.len();
    assert!(
        notes <= 2 * pushed,
        "{notes} new documents for {pushed} notes"
    );
}

/// The README's PostgreSQL backup: `pg_dump` of a serving server's database, `pg_restore`
/// into a new database, and a server there serves every document and account.
#[test]
fn a_pg_dump_of_a_serving_database_restores_into_a_new_server() {
    let s = Server::start(Backend::Postgres);
    let c = admin_with_tickets(&s, 20);
    let before = c.pull_all();
    let url = s.db_args[1].clone();
    let dump = tempfile::tempdir().unwrap();
    let file = dump.path().join("porchlight.dump");
    let out = Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&file)
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored_url = common::fresh_postgres_database();
    let out = Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &restored_url])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = Server::start_with(&s.dir, vec!["--database-url".into(), restored_url]);
    let after = restored.login("admin@porch.test").pull_all();
    assert_eq!(after, before);
}
