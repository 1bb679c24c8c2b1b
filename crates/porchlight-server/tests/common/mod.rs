//! Harness for the server suites: the real `porchlight-server` binary on 127.0.0.1:0 with
//! its own data directory, accounts made through its CLI, and a small JSON client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_porchlight-server");

/// Which storage a scenario runs on. The suite runs every scenario on both.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty PostgreSQL database on the server `cargo xtask test` starts
/// (PORCHLIGHT_TEST_POSTGRES is its admin URL).
pub fn fresh_postgres_database() -> String {
    let admin = std::env::var("PORCHLIGHT_TEST_POSTGRES").expect(
        "PORCHLIGHT_TEST_POSTGRES is not set: run the server suite through `cargo xtask test`, \
         which installs and starts PostgreSQL",
    );
    let name = format!("pl_{}", uuid().replace('-', ""));
    let mut c = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to PostgreSQL");
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let base = admin.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

pub struct Server {
    pub url: String,
    /// The data directory (SQLite) and the arguments that name the database.
    pub dir: PathBuf,
    pub db_args: Vec<String>,
    child: Child,
    /// Everything the server wrote to stderr (its log), for secret-leak checks.
    pub log: Arc<Mutex<String>>,
    /// The extra environment it was started with (a sibling or restart gets it too).
    env: Vec<(String, String)>,
    _tmp: Option<tempfile::TempDir>,
}

impl Server {
    pub fn start(backend: Backend) -> Server {
        Server::start_env(backend, &[])
    }

    /// Starts with extra environment variables (small limits, short timeouts).
    pub fn start_env(backend: Backend, env: &[(&str, &str)]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let db_args = match backend {
            Backend::Sqlite => vec!["--data-dir".to_string(), dir.display().to_string()],
            Backend::Postgres => vec!["--database-url".to_string(), fresh_postgres_database()],
        };
        let mut s = Server::launch(&dir, db_args, env);
        s._tmp = Some(tmp);
        s
    }

    /// Starts another process on the same database (a restart, or a second server).
    pub fn start_with(dir: &Path, db_args: Vec<String>) -> Server {
        Server::launch(dir, db_args, &[])
    }

    fn launch(dir: &Path, db_args: Vec<String>, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&db_args)
            .env("RUST_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start porchlight-server");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("porchlight-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server {
            url,
            dir: dir.to_path_buf(),
            db_args,
            child,
            log,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            _tmp: None,
        }
    }

    /// A second server process on the same database.
    pub fn sibling(&self) -> Server {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Server::launch(&self.dir, self.db_args.clone(), &env)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits; returns whether it exited successfully.
    pub fn stop(mut self) -> bool {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let status = self.child.wait().unwrap();
        status.success()
    }

    /// kill -9, then a new process on the same database.
    pub fn kill9_and_restart(mut self) -> Server {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut next = self.sibling();
        next._tmp = self._tmp.take();
        next
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn user(&self, args: &[&str], password: Option<&str>) -> (bool, String) {
        user_cli(&self.db_args, args, password)
    }

    pub fn add_user(&self, email: &str, name: &str, role: &str) {
        let (ok, out) = self.user(
            &["add", "--email", email, "--name", name, "--role", role],
            Some(PASSWORD),
        );
        assert!(ok, "user add failed: {out}");
    }

    pub fn login(&self, email: &str) -> Client {
        let r = call(
            &self.url,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": PASSWORD, "device_name": "test"})),
        );
        assert_eq!(r.status, 200, "login failed: {}", r.body);
        Client {
            url: self.url.clone(),
            token: r.body["token"].as_str().unwrap().to_string(),
            agent: r.body["agent"].clone(),
            client_id: uuid(),
            next_id: 1,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

pub fn user_cli(db_args: &[String], args: &[&str], password: Option<&str>) -> (bool, String) {
    let mut child = Command::new(BIN)
        .arg("user")
        .args(args)
        .args(db_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(p) = password {
        // The CLI may refuse its arguments before reading the password.
        let _ = writeln!(child.stdin.take().unwrap(), "{p}");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

pub fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<String>,
}

fn http() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .build()
    })
}

fn reply(r: ureq::Response) -> Reply {
    let status = r.status();
    let retry_after = r.header("retry-after").map(str::to_owned);
    let text = r.into_string().unwrap_or_default();
    Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        retry_after,
    }
}

pub fn call(
    url: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    raw(url, method, path, token, body.map(|b| b.to_string()))
}

pub fn raw(
    url: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Reply {
    let mut req = http().request(method, &format!("{url}{path}"));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let res = match body {
        Some(b) => req.set("Content-Type", "application/json").send_string(&b),
        None => req.call(),
    };
    match res {
        Ok(r) => reply(r),
        Err(ureq::Error::Status(_, r)) => reply(r),
        // The server may answer and close while a large body is still being sent.
        Err(e) => Reply {
            status: 0,
            body: Value::String(e.to_string()),
            retry_after: None,
        },
    }
}

/// A signed-in desktop: its token, its client id and its outbox counter.
pub struct Client {
    pub url: String,
    pub token: String,
    pub agent: Value,
    pub client_id: String,
    pub next_id: i64,
}

impl Client {
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        call(&self.url, method, path, Some(&self.token), body)
    }

    /// Pushes mutations ({name, args}) with the next ids; returns the reply.
    pub fn push(&mut self, mutations: &[Value]) -> Reply {
        let ms: Vec<Value> = mutations
            .iter()
            .map(|m| {
                let id = self.next_id;
                self.next_id += 1;
                json!({"id": id, "name": m["name"], "args": m["args"]})
            })
            .collect();
        self.call(
            "POST",
            "/api/v1/sync/push",
            Some(json!({"client_id": self.client_id, "schema_version": 1, "mutations": ms})),
        )
    }

    pub fn pull(&self, cursor: i64) -> Reply {
        self.call(
            "GET",
            &format!(
                "/api/v1/sync/pull?client_id={}&cursor={cursor}&schema_version=1",
                self.client_id
            ),
            None,
        )
    }

    /// Every live document, by "kind:id".
    pub fn pull_all(&self) -> std::collections::BTreeMap<String, Value> {
        let mut docs = std::collections::BTreeMap::new();
        let mut cursor = 0;
        loop {
            let r = self.pull(cursor);
            assert_eq!(r.status, 200, "{}", r.body);
            for c in r.body["changes"].as_array().unwrap() {
                let key = format!(
                    "{}:{}",
                    c["key"]["kind"].as_str().unwrap(),
                    c["key"]["id"].as_str().unwrap()
                );
                if c["doc"].is_null() {
                    docs.remove(&key);
                } else {
                    docs.insert(key, c["doc"]["doc"].clone());
                }
            }
            cursor = r.body["cursor"].as_i64().unwrap();
            if !r.body["has_more"].as_bool().unwrap() {
                return docs;
            }
        }
    }
}

pub fn create_ticket(subject: &str, email: &str) -> (String, Value) {
    let id = uuid();
    (
        id.clone(),
        json!({"name": "create_ticket", "args": {
            "ticket_id": id, "message_id": uuid(), "subject": subject,
            "requester": {"kind": "new", "id": uuid(), "name": "Ayşe Yılmaz", "email": email, "phone": null},
            "channel": "phone", "priority": "normal", "ticket_type": "question",
            "assignee_id": null, "group_id": null, "tags": ["refund"],
            "body_text": "My order has not arrived.", "attachment_ids": []
        }}),
    )
}

pub fn reply_to(ticket_id: &str, text: &str, kind: &str) -> Value {
    json!({"name": "add_message", "args": {
        "message_id": uuid(), "ticket_id": ticket_id, "kind": kind, "from_customer": false,
        "body_text": text, "body_html": null, "attachment_ids": []
    }})
}

/// Runs each scenario `fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::common::Backend::Sqlite) } )+
        }
        mod postgres {
            $( #[test] fn $name() { super::$name($crate::common::Backend::Postgres) } )+
        }
    };
}

/// Reads server-sent events on a thread; each `data:` payload arrives on the channel.
pub fn events(url: &str, token: &str) -> std::sync::mpsc::Receiver<Value> {
    let (tx, rx) = std::sync::mpsc::channel();
    let res = ureq::AgentBuilder::new()
        .build()
        .get(&format!("{url}/api/v1/events"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .expect("open the event stream");
    std::thread::spawn(move || {
        let reader = BufReader::new(res.into_reader());
        for line in reader.lines() {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data:") {
                if tx.send(serde_json::from_str(data.trim()).unwrap()).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

/// Every document of a desktop or the server, by kind and id, as the convergence tests compare.
pub type Dump = std::collections::BTreeMap<String, serde_json::Value>;

/// A desktop store's documents, keyed like the server's pull (`kind:id`).
pub fn store_dump(store: &porchlight_store::Store) -> Dump {
    store
        .canonical_dump()
        .unwrap()
        .into_iter()
        .map(|d| {
            let k = d.key();
            let v = serde_json::to_value(&d).unwrap();
            (format!("{}:{}", k.kind.as_str(), k.id), v["doc"].clone())
        })
        .collect()
}

/// The server's documents, as a fresh client of `email` sees them.
pub fn server_dump(s: &Server, email: &str) -> Dump {
    s.login(email).pull_all()
}

/// Compares dumps and names the first differences.
pub fn assert_same(desk: &Dump, server: &Dump, what: &str) {
    if desk == server {
        return;
    }
    let diff: Vec<_> = desk
        .iter()
        .filter(|(k, v)| server.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}\n  desk:   {v}\n  server: {:?}", server.get(k)))
        .chain(
            server
                .keys()
                .filter(|k| !desk.contains_key(*k))
                .map(|k| format!("{k} missing on the desk")),
        )
        .take(5)
        .collect();
    panic!(
        "{what}: the desk differs from the server ({} vs {} documents):\n{}",
        desk.len(),
        server.len(),
        diff.join("\n")
    );
}

/// A tokio runtime for driving the real sync client from a test.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A real desktop store signed in to `s` through the real sync client.
pub struct Desk {
    pub store: Arc<porchlight_store::Store>,
    pub client: porchlight_sync::ServerClient,
    pub token: String,
    /// The agent it signed in as.
    pub agent: porchlight_domain::docs::AgentDoc,
    _dir: tempfile::TempDir,
}

impl Desk {
    /// A fresh store in a temporary directory.
    pub fn connect(rt: &tokio::runtime::Runtime, s: &Server, email: &str) -> Desk {
        Desk::connect_in(rt, s, email, tempfile::tempdir().unwrap())
    }

    /// A fresh store in `dir`.
    pub fn connect_in(
        rt: &tokio::runtime::Runtime,
        s: &Server,
        email: &str,
        dir: tempfile::TempDir,
    ) -> Desk {
        let store = porchlight_store::Store::open(dir.path()).unwrap();
        Desk::connect_store(rt, s, email, store, dir)
    }

    /// `store` (kept in `dir`) signed in as `email`.
    pub fn connect_store(
        rt: &tokio::runtime::Runtime,
        s: &Server,
        email: &str,
        store: porchlight_store::Store,
        dir: tempfile::TempDir,
    ) -> Desk {
        let login = rt
            .block_on(porchlight_sync::ServerClient::login(
                &s.url,
                email,
                PASSWORD,
                "test desk",
            ))
            .unwrap();
        store
            .connect_to_server(&s.url, &login.workspace_id, &login.agent)
            .unwrap();
        Desk {
            store: Arc::new(store),
            client: porchlight_sync::ServerClient::new(&s.url, &login.token),
            token: login.token,
            agent: login.agent,
            _dir: dir,
        }
    }

    /// One sync round (push, then pull).
    pub fn sync(&self, rt: &tokio::runtime::Runtime) -> porchlight_domain::sync::SyncRound {
        rt.block_on(porchlight_sync::sync_round(&self.store, &self.client))
            .unwrap()
    }

    pub fn dump(&self) -> Dump {
        store_dump(&self.store)
    }
}

// Desktop mutations the suites record.
use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::{Channel, MessageKind, Mutation, Priority, TicketType};
use porchlight_store::new_id;

/// A phone call from a new customer, as a desktop records it: (ticket id, mutation).
pub fn new_ticket(subject: &str, email: &str) -> (String, Mutation) {
    new_ticket_with(subject, email, Priority::Normal)
}

pub fn new_ticket_with(subject: &str, email: &str, priority: Priority) -> (String, Mutation) {
    let id = new_id();
    (
        id.clone(),
        Mutation::CreateTicket {
            ticket_id: id,
            message_id: new_id(),
            subject: subject.into(),
            requester: RequesterRef::New {
                id: new_id(),
                name: "Ayşe Yılmaz".into(),
                email: Some(email.into()),
                phone: None,
            },
            channel: Channel::Phone,
            priority,
            ticket_type: TicketType::Question,
            assignee_id: None,
            group_id: None,
            tags: vec!["refund".into()],
            body_text: "My parcel never came.".into(),
            attachment_ids: vec![],
            outbound: false,
        },
    )
}

pub fn message(ticket_id: &str, text: &str, kind: MessageKind, from_customer: bool) -> Mutation {
    Mutation::AddMessage {
        message_id: new_id(),
        ticket_id: ticket_id.into(),
        kind,
        from_customer,
        body_text: text.into(),
        body_html: None,
        attachment_ids: vec![],
        cc: None,
    }
}

pub fn fields(ticket_id: &str, changes: TicketFieldChanges) -> Mutation {
    Mutation::SetTicketFields {
        ticket_id: ticket_id.into(),
        changes,
    }
}
