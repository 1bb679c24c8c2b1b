//! PostgreSQL backend, for teams that outgrow one machine: several server processes share
//! one database. Writers serialise on a row lock of the version counter, so versions commit
//! in order; readers use REPEATABLE READ snapshots; LISTEN/NOTIFY wakes the other processes.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Condvar, Mutex};

use porchlight_domain::docs::{DocKey, DocKind};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, IsolationLevel, NoTls, Row, Statement, Transaction};

use porchlight_domain::Attachment;

use super::attachments::AttachmentRecord;
use super::{Backend, KeptOutcome, SessionRow, StorageError, StorageResult, StoredChange, Tx};

/// The channel every server process listens on; the payload is "<process id> <version>".
pub const CHANNEL: &str = "porchlight_changes";
/// Presence changes, relayed between server processes.
const PRESENCE_CHANNEL: &str = "porchlight_presence";

/// What another server process announced.
pub enum Notice {
    /// The workspace reached this version (-1: unknown, pull to find out).
    Version(i64),
    /// A presence change, as the JSON that process sent.
    Presence(String),
}

/// Identifies this server process in notifications, so it ignores its own.
fn instance() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| uuid::Uuid::now_v7().simple().to_string())
}

const SCHEMA: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO counters(name, value) VALUES ('version', 0);
CREATE TABLE docs (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  parent TEXT,
  version BIGINT NOT NULL,
  body TEXT,
  PRIMARY KEY (kind, id)
);
CREATE INDEX docs_version ON docs(version);
CREATE INDEX docs_parent ON docs(kind, parent) WHERE parent IS NOT NULL;
CREATE TABLE doc_lookup (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (kind, key, id)
);
CREATE INDEX doc_lookup_id ON doc_lookup(kind, id);
CREATE TABLE clients (
  client_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  last_mutation_id BIGINT NOT NULL
);
CREATE TABLE users (
  agent_id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES users(agent_id),
  device_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_agent ON sessions(agent_id);
"#,
    r#"
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  created_at BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments(ticket_id);
"#,
    // The ticket each message was written on (a merge moves messages). Earlier messages are
    // taken to be where they are, except on tickets that took in a merged ticket: there it
    // can no longer be told, and the portal shows such a message on no tracking link.
    r#"
CREATE TABLE message_origins (
  message_id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL
);
CREATE INDEX message_origins_ticket ON message_origins(ticket_id);
INSERT INTO message_origins(message_id, ticket_id)
SELECT m.id, m.parent FROM docs m
WHERE m.kind = 'message' AND m.body IS NOT NULL AND m.parent IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM docs t
    WHERE t.kind = 'ticket' AND t.body IS NOT NULL
      AND (t.body::jsonb) -> 'doc' ->> 'merged_into_id' = m.parent
  );
"#,
    // Sessions run out after a while unused (and after a while at all).
    r#"
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_used_at = created_at;
UPDATE users SET disabled = TRUE WHERE agent_id IN (
  SELECT id FROM docs WHERE kind = 'agent' AND (body::jsonb #>> '{doc,active}') = 'false');
"#,
    r#"
CREATE TABLE client_mutations (
  client_id TEXT NOT NULL,
  mutation_id BIGINT NOT NULL,
  args_hash TEXT NOT NULL,
  outcome TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
);
"#,
    // Agents are found by address (see `Doc::lookup_keys`), those without an account too.
    r#"
INSERT INTO doc_lookup(kind, key, id)
SELECT 'agent', 'email:' || ((body::jsonb) #>> '{doc,email}'), id FROM docs
WHERE kind = 'agent' AND body IS NOT NULL
ON CONFLICT DO NOTHING;
"#,
    // Tickets are found by number (a mail's subject tag names one).
    r#"
INSERT INTO doc_lookup(kind, key, id)
SELECT 'ticket', 'number:' || ((body::jsonb) #>> '{doc,number}'), id FROM docs
WHERE kind = 'ticket' AND body IS NOT NULL AND ((body::jsonb) #>> '{doc,number}') IS NOT NULL
ON CONFLICT DO NOTHING;
"#,
    // Report rows, kept on write (see `storage/reports.rs`); every ticket is computed once.
    r#"
CREATE TABLE report_rows (
  ticket_id TEXT PRIMARY KEY,
  last_at BIGINT NOT NULL,
  open BOOLEAN NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX report_rows_last ON report_rows(last_at);
CREATE INDEX report_rows_open ON report_rows(open) WHERE open;
CREATE TABLE report_dirty (ticket_id TEXT PRIMARY KEY, backfill BOOLEAN NOT NULL);
INSERT INTO report_dirty(ticket_id, backfill)
SELECT id, TRUE FROM docs WHERE kind = 'ticket' AND body IS NOT NULL;
"#,
    // Survey mails are found by recipient and kind (how often a customer was asked).
    r#"
INSERT INTO doc_lookup(kind, key, id)
SELECT 'message', 'survey:' || ((body::jsonb) #>> '{doc,email,survey}') || ':'
    || ((body::jsonb) #>> '{doc,email,to,0}'), id
FROM docs
WHERE kind = 'message' AND body IS NOT NULL
  AND ((body::jsonb) #>> '{doc,email,survey}') IS NOT NULL
  AND ((body::jsonb) #>> '{doc,email,to,0}') IS NOT NULL
ON CONFLICT DO NOTHING;
"#,
    // Report marks are all for the catch-up (computed after the writes, not inside them):
    // every ticket once more.
    r#"
DROP TABLE report_dirty;
CREATE TABLE report_dirty (ticket_id TEXT PRIMARY KEY);
INSERT INTO report_dirty(ticket_id) SELECT id FROM docs WHERE kind = 'ticket' AND body IS NOT NULL;
"#,
];

/// Most connections one server process keeps; a transaction beyond that waits for a free
/// one. (A connection per request beyond the pool would cost PostgreSQL a new backend process
/// for each, which under load costs more than the requests themselves.)
const MAX_CONNECTIONS: usize = 16;

pub struct PostgresBackend {
    url: String,
    pool: Mutex<Pool>,
    freed: Condvar,
}

struct Pool {
    idle: Vec<Conn>,
    /// Connections in the pool or lent out.
    open: usize,
}

/// A connection and the statements prepared on it: each SQL text is parsed once per
/// connection, so a statement costs one round trip, not two.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    fn new(client: Client) -> Conn {
        Conn {
            client,
            statements: HashMap::new(),
        }
    }
}

/// A connection lent by the pool; it goes back when the lease ends (or frees its place if
/// it broke, or if the holder panicked mid-transaction).
struct Lease<'a> {
    backend: &'a PostgresBackend,
    conn: Option<Conn>,
}

impl Lease<'_> {
    fn conn(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(c) = self.conn.take() else { return };
        if c.client.is_closed() || std::thread::panicking() {
            drop(c);
            self.backend.lock_pool().open -= 1;
        } else {
            self.backend.lock_pool().idle.push(c);
        }
        self.backend.freed.notify_one();
    }
}

fn be(e: postgres::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

impl PostgresBackend {
    /// Connects and runs pending migrations (under an advisory lock, so processes starting
    /// together migrate once).
    pub fn open(url: &str) -> StorageResult<PostgresBackend> {
        let mut c = Client::connect(url, NoTls).map_err(be)?;
        let mut tx = c.transaction().map_err(be)?;
        tx.execute("SELECT pg_advisory_xact_lock(7351020)", &[])
            .map_err(be)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL)")
            .map_err(be)?;
        let current: i64 = tx
            .query_one("SELECT count(*) FROM schema_migrations", &[])
            .map_err(be)?
            .get(0);
        for (i, sql) in SCHEMA.iter().enumerate().skip(current as usize) {
            tx.batch_execute(sql).map_err(be)?;
            tx.execute(
                "INSERT INTO schema_migrations(version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )
            .map_err(be)?;
        }
        tx.commit().map_err(be)?;
        super::attachments::sweep_stale_uploads(&std::env::temp_dir());
        Ok(PostgresBackend {
            url: url.to_string(),
            pool: Mutex::new(Pool {
                idle: vec![Conn::new(c)],
                open: 1,
            }),
            freed: Condvar::new(),
        })
    }

    fn lock_pool(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle connection, a new one while fewer than `MAX_CONNECTIONS` are open, or else
    /// the next one given back.
    fn client(&self) -> StorageResult<Lease<'_>> {
        let mut pool = self.lock_pool();
        loop {
            if let Some(c) = pool.idle.pop() {
                if c.client.is_closed() {
                    pool.open -= 1;
                    drop(pool);
                    drop(c);
                    pool = self.lock_pool();
                    continue;
                }
                return Ok(Lease {
                    backend: self,
                    conn: Some(c),
                });
            }
            if pool.open < MAX_CONNECTIONS {
                pool.open += 1;
                drop(pool);
                return match Client::connect(&self.url, NoTls) {
                    Ok(c) => Ok(Lease {
                        backend: self,
                        conn: Some(Conn::new(c)),
                    }),
                    Err(e) => {
                        self.lock_pool().open -= 1;
                        self.freed.notify_one();
                        Err(be(e))
                    }
                };
            }
            pool = self.freed.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn run(
        &self,
        read_only: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>,
    ) -> StorageResult<()> {
        let mut lease = self.client()?;
        let conn = lease.conn();
        (|| {
            let mut b = conn.client.build_transaction();
            if read_only {
                b = b
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true);
            }
            let tx = b.start().map_err(be)?;
            let mut t = PgTx {
                tx,
                statements: &mut conn.statements,
            };
            f(&mut t)?;
            t.tx.commit().map_err(be)
        })()
    }

    /// Tells every server process on this database that the workspace reached `version`.
    pub fn notify(&self, version: i64) -> StorageResult<()> {
        self.announce(CHANNEL, &version.to_string())
    }

    /// Tells every server process on this database what one desktop is doing (presence is
    /// kept in memory by each process; this keeps them all in step).
    pub fn notify_presence(&self, payload: &str) -> StorageResult<()> {
        self.announce(PRESENCE_CHANNEL, payload)
    }

    fn announce(&self, channel: &str, payload: &str) -> StorageResult<()> {
        self.client()?
            .conn()
            .client
            .execute(
                "SELECT pg_notify($1, $2)",
                &[&channel, &format!("{} {payload}", instance())],
            )
            .map(|_| ())
            .map_err(be)
    }

    /// Calls `on_notice` for every change or presence another server process announces,
    /// until it returns false (the server it wakes is gone). Reconnects after a lost
    /// connection, and then reports `Notice::Version(-1)`: something may have changed.
    pub fn listen(url: &str, on_notice: impl Fn(Notice) -> bool) {
        loop {
            match Client::connect(url, NoTls) {
                Ok(mut c) => {
                    let listening =
                        c.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {PRESENCE_CHANNEL}"));
                    if listening.is_ok() {
                        if !on_notice(Notice::Version(-1)) {
                            return;
                        }
                        let mut n = c.notifications();
                        let mut it = n.blocking_iter();
                        while let Ok(Some(msg)) = it.next() {
                            let (from, body) = msg.payload().split_once(' ').unwrap_or(("", ""));
                            if from == instance() {
                                continue;
                            }
                            let notice = if msg.channel() == PRESENCE_CHANNEL {
                                Notice::Presence(body.to_string())
                            } else {
                                Notice::Version(body.parse().unwrap_or(-1))
                            };
                            if !on_notice(notice) {
                                return;
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "LISTEN connection failed; retrying"),
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
}

impl Drop for PostgresBackend {
    /// `postgres::Client` blocks on its own runtime when dropped, which panics on an async
    /// worker thread; the last reference to the storage may well be dropped on one.
    fn drop(&mut self) {
        let clients = std::mem::take(&mut self.lock_pool().idle);
        if !clients.is_empty() {
            let _ = std::thread::spawn(move || drop(clients)).join();
        }
    }
}

impl Backend for PostgresBackend {
    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>) -> StorageResult<()> {
        self.run(false, f)
    }

    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>) -> StorageResult<()> {
        self.run(true, f)
    }

    fn name(&self) -> &'static str {
        "postgres"
    }
}

struct PgTx<'a> {
    tx: Transaction<'a>,
    statements: &'a mut HashMap<&'static str, Statement>,
}

impl PgTx<'_> {
    fn statement(&mut self, sql: &'static str) -> StorageResult<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).map_err(be)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
    fn opt(
        &mut self,
        sql: &'static str,
        p: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> StorageResult<Option<Row>> {
        let st = self.statement(sql)?;
        self.tx.query_opt(&st, p).map_err(be)
    }
    fn all(
        &mut self,
        sql: &'static str,
        p: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> StorageResult<Vec<Row>> {
        let st = self.statement(sql)?;
        self.tx.query(&st, p).map_err(be)
    }
    fn exec(
        &mut self,
        sql: &'static str,
        p: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> StorageResult<u64> {
        let st = self.statement(sql)?;
        self.tx.execute(&st, p).map_err(be)
    }
}

fn session_row(r: &Row) -> SessionRow {
    SessionRow {
        token_hash: r.get(0),
        agent_id: r.get(1),
        device_name: r.get(2),
        created_at: r.get(3),
        last_used_at: r.get(4),
        expired: false,
    }
}

fn stored(rows: Vec<Row>) -> Vec<StoredChange> {
    rows.into_iter()
        .map(|r| StoredChange {
            version: r.get(0),
            kind: r.get(1),
            id: r.get(2),
            body: r.get(3),
        })
        .collect()
}

impl Tx for PgTx<'_> {
    fn lock_version(&mut self) -> StorageResult<i64> {
        Ok(self
            .opt(
                "SELECT value FROM counters WHERE name = 'version' FOR UPDATE",
                &[],
            )?
            .map(|r| r.get(0))
            .unwrap_or(0))
    }

    fn set_version(&mut self, v: i64) -> StorageResult<()> {
        self.exec(
            "UPDATE counters SET value = $1 WHERE name = 'version'",
            &[&v],
        )?;
        Ok(())
    }

    fn current_version(&mut self) -> StorageResult<i64> {
        Ok(self
            .opt("SELECT value FROM counters WHERE name = 'version'", &[])?
            .map(|r| r.get(0))
            .unwrap_or(0))
    }

    fn next_counter(&mut self, name: &str, start_after: i64) -> StorageResult<i64> {
        let r = self.opt(
            "INSERT INTO counters(name, value) VALUES ($1, $2::BIGINT + 1)
             ON CONFLICT(name) DO UPDATE SET value = counters.value + 1 RETURNING value",
            &[&name, &start_after],
        )?;
        Ok(r.map(|r| r.get(0)).unwrap_or(start_after + 1))
    }

    fn get_doc(&mut self, kind: DocKind, id: &str) -> StorageResult<Option<String>> {
        Ok(self
            .opt(
                "SELECT body FROM docs WHERE kind = $1 AND id = $2",
                &[&kind.as_str(), &id],
            )?
            .and_then(|r| r.get(0)))
    }

    fn docs_by_parent(&mut self, kind: DocKind, parent: &str) -> StorageResult<Vec<String>> {
        Ok(self
            .all(
                "SELECT body FROM docs WHERE kind = $1 AND parent = $2 AND body IS NOT NULL",
                &[&kind.as_str(), &parent],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn ids_by_lookup(
        &mut self,
        kind: DocKind,
        key: &str,
        limit: i64,
    ) -> StorageResult<Vec<String>> {
        Ok(self
            .all(
                "SELECT id FROM doc_lookup WHERE kind = $1 AND key = $2 ORDER BY id LIMIT $3",
                &[&kind.as_str(), &key, &limit],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn ids_by_lookup_upto(
        &mut self,
        kind: DocKind,
        prefix: &str,
        upto: &str,
        limit: i64,
    ) -> StorageResult<Vec<String>> {
        // The range walks the primary key in the database's collation, which may order
        // punctuation unlike bytes: `starts_with` keeps only the prefix's keys.
        Ok(self
            .all(
                "SELECT id FROM doc_lookup WHERE kind = $1 AND key >= $2 AND key <= $3
                   AND starts_with(key, $2)
                 ORDER BY key, id LIMIT $4",
                &[&kind.as_str(), &prefix, &upto, &limit],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn count_by_lookup(&mut self, kind: DocKind, key: &str) -> StorageResult<i64> {
        Ok(self
            .opt(
                "SELECT count(*) FROM doc_lookup WHERE kind = $1 AND key = $2",
                &[&kind.as_str(), &key],
            )?
            .map(|r| r.get(0))
            .unwrap_or(0))
    }

    fn put_doc(
        &mut self,
        version: i64,
        key: &DocKey,
        parent: Option<&str>,
        lookups: &[String],
        body: Option<&str>,
    ) -> StorageResult<()> {
        let kind = key.kind.as_str();
        let lookups: Vec<&str> = lookups.iter().map(String::as_str).collect();
        // One round trip: the document, the lookup keys it no longer has, the ones it gained.
        self.exec(
            "WITH doc AS (
               INSERT INTO docs(kind, id, parent, version, body) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT(kind, id) DO UPDATE SET parent = excluded.parent,
                 version = excluded.version, body = excluded.body
             ), gone AS (
               DELETE FROM doc_lookup WHERE kind = $1 AND id = $2 AND NOT (key = ANY($6))
             )
             INSERT INTO doc_lookup(kind, key, id) SELECT $1, k, $2 FROM unnest($6::text[]) AS k
             ON CONFLICT DO NOTHING",
            &[&kind, &key.id, &parent, &version, &body, &lookups],
        )?;
        Ok(())
    }

    fn docs_since(&mut self, cursor: i64, limit: i64) -> StorageResult<Vec<StoredChange>> {
        Ok(stored(self.all(
            "SELECT version, kind, id, body FROM docs WHERE version > $1 ORDER BY version LIMIT $2",
            &[&cursor, &limit],
        )?))
    }

    fn docs_at_version(&mut self, version: i64) -> StorageResult<Vec<StoredChange>> {
        Ok(stored(self.all(
            "SELECT version, kind, id, body FROM docs WHERE version = $1",
            &[&version],
        )?))
    }

    fn client(&mut self, client_id: &str) -> StorageResult<Option<(String, i64)>> {
        Ok(self
            .opt(
                "SELECT agent_id, last_mutation_id FROM clients WHERE client_id = $1",
                &[&client_id],
            )?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn set_client(&mut self, client_id: &str, agent_id: &str, last: i64) -> StorageResult<()> {
        self.exec(
            "INSERT INTO clients(client_id, agent_id, last_mutation_id) VALUES ($1, $2, $3)
             ON CONFLICT(client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id",
            &[&client_id, &agent_id, &last],
        )?;
        Ok(())
    }

    fn insert_client(&mut self, client_id: &str, agent_id: &str) -> StorageResult<()> {
        self.exec(
            "INSERT INTO clients(client_id, agent_id, last_mutation_id) VALUES ($1, $2, 0)
             ON CONFLICT(client_id) DO NOTHING",
            &[&client_id, &agent_id],
        )?;
        Ok(())
    }

    fn client_mutation(
        &mut self,
        client_id: &str,
        mutation_id: i64,
    ) -> StorageResult<Option<(String, String)>> {
        Ok(self
            .opt(
                "SELECT args_hash, outcome FROM client_mutations
                 WHERE client_id = $1 AND mutation_id = $2",
                &[&client_id, &mutation_id],
            )?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn record_client_mutations(
        &mut self,
        client_id: &str,
        outcomes: &[KeptOutcome],
        at: i64,
    ) -> StorageResult<()> {
        let ids: Vec<i64> = outcomes.iter().map(|o| o.mutation_id).collect();
        let hashes: Vec<&str> = outcomes.iter().map(|o| o.args_hash.as_str()).collect();
        let answers: Vec<&str> = outcomes.iter().map(|o| o.outcome.as_str()).collect();
        self.exec(
            "INSERT INTO client_mutations(client_id, mutation_id, args_hash, outcome, at)
             SELECT $1, m.id, m.hash, m.outcome, $5
             FROM unnest($2::bigint[], $3::text[], $4::text[]) AS m(id, hash, outcome)",
            &[&client_id, &ids, &hashes, &answers, &at],
        )?;
        Ok(())
    }

    fn prune_client_mutations(&mut self, client_id: &str, up_to: i64) -> StorageResult<()> {
        self.exec(
            "DELETE FROM client_mutations WHERE client_id = $1 AND mutation_id <= $2",
            &[&client_id, &up_to],
        )?;
        Ok(())
    }

    fn savepoint(&mut self, name: &'static str) -> StorageResult<()> {
        self.tx
            .batch_execute(&format!("SAVEPOINT {name}"))
            .map_err(be)
    }

    fn rollback_to(&mut self, name: &'static str) -> StorageResult<()> {
        self.tx
            .batch_execute(&format!("ROLLBACK TO SAVEPOINT {name}"))
            .map_err(be)
    }

    fn release(&mut self, name: &'static str) -> StorageResult<()> {
        self.tx
            .batch_execute(&format!("RELEASE SAVEPOINT {name}"))
            .map_err(be)
    }

    fn user_by_email(&mut self, email: &str) -> StorageResult<Option<(String, String, bool)>> {
        Ok(self
            .opt(
                "SELECT agent_id, password_hash, disabled FROM users WHERE email = $1",
                &[&email],
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    fn user_by_agent(&mut self, agent_id: &str) -> StorageResult<Option<(String, String, bool)>> {
        Ok(self
            .opt(
                "SELECT email, password_hash, disabled FROM users WHERE agent_id = $1",
                &[&agent_id],
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    fn users(&mut self) -> StorageResult<Vec<(String, String, bool)>> {
        Ok(self
            .all(
                "SELECT agent_id, password_hash, disabled FROM users ORDER BY email",
                &[],
            )?
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    fn insert_user(
        &mut self,
        agent_id: &str,
        email: &str,
        hash: &str,
        at: i64,
    ) -> StorageResult<()> {
        self.exec(
            "INSERT INTO users(agent_id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)",
            &[&agent_id, &email, &hash, &at],
        )?;
        Ok(())
    }

    fn update_user(&mut self, agent_id: &str, hash: &str, disabled: bool) -> StorageResult<()> {
        self.exec(
            "UPDATE users SET password_hash = $2, disabled = $3 WHERE agent_id = $1",
            &[&agent_id, &hash, &disabled],
        )?;
        Ok(())
    }

    fn align_user(&mut self, agent_id: &str, email: &str, disabled: bool) -> StorageResult<()> {
        self.exec(
            "UPDATE users SET email = $2, disabled = $3 WHERE agent_id = $1",
            &[&agent_id, &email, &disabled],
        )?;
        Ok(())
    }

    fn insert_session(
        &mut self,
        token_hash: &str,
        agent_id: &str,
        device: &str,
        at: i64,
    ) -> StorageResult<()> {
        self.exec(
            "INSERT INTO sessions(token_hash, agent_id, device_name, created_at, last_used_at)
             VALUES ($1, $2, $3, $4, $4)",
            &[&token_hash, &agent_id, &device, &at],
        )?;
        Ok(())
    }

    fn session(&mut self, token_hash: &str) -> StorageResult<Option<SessionRow>> {
        Ok(self
            .opt(
                "SELECT token_hash, agent_id, device_name, created_at, last_used_at
                 FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL",
                &[&token_hash],
            )?
            .map(|r| session_row(&r)))
    }

    fn sessions_of(&mut self, agent_id: &str) -> StorageResult<Vec<SessionRow>> {
        Ok(self
            .all(
                "SELECT token_hash, agent_id, device_name, created_at, last_used_at
                 FROM sessions WHERE agent_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC",
                &[&agent_id],
            )?
            .iter()
            .map(session_row)
            .collect())
    }

    fn touch_session(&mut self, token_hash: &str, at: i64) -> StorageResult<()> {
        self.exec(
            "UPDATE sessions SET last_used_at = $2 WHERE token_hash = $1",
            &[&token_hash, &at],
        )?;
        Ok(())
    }

    fn revoke_session(&mut self, token_hash: &str, at: i64) -> StorageResult<bool> {
        Ok(self.exec(
            "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
            &[&token_hash, &at],
        )? > 0)
    }

    fn revoke_sessions_of(&mut self, agent_id: &str, at: i64) -> StorageResult<u64> {
        self.exec(
            "UPDATE sessions SET revoked_at = $2 WHERE agent_id = $1 AND revoked_at IS NULL",
            &[&agent_id, &at],
        )
    }

    fn live_sessions(
        &mut self,
        token_hashes: &[String],
        made_after: i64,
        used_after: i64,
    ) -> StorageResult<Vec<String>> {
        let hashes = token_hashes.to_vec();
        Ok(self
            .all(
                "SELECT s.token_hash FROM sessions s JOIN users u ON u.agent_id = s.agent_id
                 WHERE s.token_hash = ANY($1) AND s.revoked_at IS NULL AND NOT u.disabled
                   AND s.created_at > $2 AND s.last_used_at > $3",
                &[&hashes, &made_after, &used_after],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn meta(&mut self, key: &str) -> StorageResult<Option<String>> {
        Ok(self
            .opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> StorageResult<()> {
        self.exec(
            "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn put_blob(&mut self, sha256: &str, bytes: &[u8]) -> StorageResult<()> {
        self.exec(
            "INSERT INTO blobs(sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT(sha256) DO NOTHING",
            &[&sha256, &(bytes.len() as i64), &bytes],
        )?;
        Ok(())
    }

    /// Streams the file into PostgreSQL with a binary COPY (the client sends it in small
    /// messages), into a staging table first since COPY cannot skip a blob already stored.
    fn put_blob_from_file(
        &mut self,
        sha256: &str,
        size: u64,
        file: &mut std::fs::File,
    ) -> StorageResult<()> {
        if self
            .opt("SELECT 1 FROM blobs WHERE sha256 = $1", &[&sha256])?
            .is_some()
        {
            return Ok(());
        }
        let len = i32::try_from(size)
            .map_err(|_| StorageError::Backend(format!("a file of {size} bytes")))?;
        self.tx
            .batch_execute(
                "CREATE TEMP TABLE IF NOT EXISTS blob_upload
                   (sha256 TEXT NOT NULL, size BIGINT NOT NULL, data BYTEA NOT NULL)
                   ON COMMIT DELETE ROWS",
            )
            .map_err(be)?;
        let io = |e: std::io::Error| StorageError::Backend(format!("storing an upload: {e}"));
        let mut w = self
            .tx
            .copy_in("COPY blob_upload(sha256, size, data) FROM STDIN (FORMAT binary)")
            .map_err(be)?;
        // The binary COPY format: signature, flags, header extension length; then one row of
        // three fields, each a length and its bytes; then the end marker.
        let mut head = Vec::with_capacity(64 + sha256.len());
        head.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        head.extend_from_slice(&0i32.to_be_bytes());
        head.extend_from_slice(&0i32.to_be_bytes());
        head.extend_from_slice(&3i16.to_be_bytes());
        head.extend_from_slice(&(sha256.len() as i32).to_be_bytes());
        head.extend_from_slice(sha256.as_bytes());
        head.extend_from_slice(&8i32.to_be_bytes());
        head.extend_from_slice(&(size as i64).to_be_bytes());
        head.extend_from_slice(&len.to_be_bytes());
        w.write_all(&head).map_err(io)?;
        let copied = std::io::copy(&mut Read::take(file, size), &mut w).map_err(io)?;
        if copied != size {
            return Err(StorageError::Backend(format!(
                "an upload of {size} bytes had {copied}"
            )));
        }
        w.write_all(&(-1i16).to_be_bytes()).map_err(io)?;
        w.finish().map_err(be)?;
        self.tx
            .batch_execute(
                "INSERT INTO blobs(sha256, size, data) SELECT sha256, size, data FROM blob_upload
                   ON CONFLICT(sha256) DO NOTHING;
                 DELETE FROM blob_upload;",
            )
            .map_err(be)?;
        Ok(())
    }

    fn blob(&mut self, sha256: &str) -> StorageResult<Option<Vec<u8>>> {
        Ok(self
            .opt("SELECT data FROM blobs WHERE sha256 = $1", &[&sha256])?
            .map(|r| r.get(0)))
    }

    fn insert_attachment(&mut self, a: &AttachmentRecord) -> StorageResult<()> {
        let f = &a.attachment;
        self.exec(
            "INSERT INTO attachments(id, ticket_id, message_id, filename, mime, size, sha256, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&f.id, &a.ticket_id, &a.message_id, &f.filename, &f.mime, &f.size, &f.sha256, &a.created_at],
        )?;
        Ok(())
    }

    fn attachment(&mut self, id: &str) -> StorageResult<Option<AttachmentRecord>> {
        Ok(self
            .opt(
                "SELECT id, ticket_id, message_id, filename, mime, size, sha256, created_at
                 FROM attachments WHERE id = $1",
                &[&id],
            )?
            .map(|r| AttachmentRecord {
                attachment: Attachment {
                    id: r.get(0),
                    filename: r.get(3),
                    mime: r.get(4),
                    size: r.get(5),
                    sha256: r.get(6),
                },
                ticket_id: r.get(1),
                message_id: r.get(2),
                created_at: r.get(7),
            }))
    }

    fn mark_reports(&mut self, ticket_ids: &[String]) -> StorageResult<()> {
        // One round trip for a mutation's (or a whole import's) tickets.
        self.exec(
            "INSERT INTO report_dirty(ticket_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
            &[&ticket_ids],
        )?;
        Ok(())
    }

    fn take_report_marks(&mut self, limit: i64) -> StorageResult<Vec<String>> {
        Ok(self
            .all(
                "DELETE FROM report_dirty WHERE ticket_id IN
                   (SELECT ticket_id FROM report_dirty LIMIT $1 FOR UPDATE SKIP LOCKED)
                 RETURNING ticket_id",
                &[&limit],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn put_report_row(
        &mut self,
        ticket_id: &str,
        row: Option<(i64, bool, &str)>,
    ) -> StorageResult<()> {
        match row {
            Some((last_at, open, body)) => self.exec(
                "INSERT INTO report_rows(ticket_id, last_at, open, body) VALUES ($1, $2, $3, $4)
                 ON CONFLICT(ticket_id) DO UPDATE SET
                   last_at = excluded.last_at, open = excluded.open, body = excluded.body",
                &[&ticket_id, &last_at, &open, &body],
            )?,
            None => self.exec(
                "DELETE FROM report_rows WHERE ticket_id = $1",
                &[&ticket_id],
            )?,
        };
        Ok(())
    }

    fn report_rows(&mut self, since: i64, idle_open: bool) -> StorageResult<Vec<String>> {
        Ok(self
            .all(
                "SELECT body FROM report_rows WHERE last_at >= $1
                 UNION ALL SELECT body FROM report_rows WHERE $2 AND open AND last_at < $1",
                &[&since, &idle_open],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn idle_open_count(&mut self, since: i64) -> StorageResult<i64> {
        Ok(self
            .opt(
                "SELECT count(*) FROM report_rows WHERE open AND last_at < $1",
                &[&since],
            )?
            .map_or(0, |r| r.get(0)))
    }

    fn record_message_origin(&mut self, message_id: &str, ticket_id: &str) -> StorageResult<()> {
        self.exec(
            "INSERT INTO message_origins(message_id, ticket_id) VALUES ($1, $2)
             ON CONFLICT(message_id) DO NOTHING",
            &[&message_id, &ticket_id],
        )?;
        Ok(())
    }

    fn messages_written_on(&mut self, ticket_id: &str) -> StorageResult<Vec<String>> {
        Ok(self
            .all(
                "SELECT d.body FROM message_origins o
                 JOIN docs d ON d.kind = 'message' AND d.id = o.message_id
                 WHERE o.ticket_id = $1 AND d.body IS NOT NULL",
                &[&ticket_id],
            )?
            .into_iter()
            .map(|r| r.get(0))
            .collect())
    }
}
