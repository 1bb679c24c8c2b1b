//! Embedded SQLite backend (the default): one file in the data directory, WAL, one writer
//! connection (BEGIN IMMEDIATE serialises writers) and a small pool of readers.

use std::path::Path;
use std::sync::Mutex;

use porchlight_domain::docs::{DocKey, DocKind};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use porchlight_domain::Attachment;

use super::attachments::AttachmentRecord;
use super::{Backend, KeptOutcome, SessionRow, StorageError, StorageResult, StoredChange, Tx};

pub const DB_FILE: &str = "porchlight-server.db";
/// Where portal uploads wait, inside the data directory, until they are stored.
const UPLOADS_DIR: &str = "uploads";

/// The schema version this server's migrations lead to (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = SCHEMA.len() as i64;

const SCHEMA: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters(name, value) VALUES ('version', 0);
CREATE TABLE docs (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  parent TEXT,
  version INTEGER NOT NULL,
  body TEXT,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX docs_version ON docs(version);
CREATE INDEX docs_parent ON docs(kind, parent) WHERE parent IS NOT NULL;
CREATE TABLE doc_lookup (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (kind, key, id)
) WITHOUT ROWID;
CREATE INDEX doc_lookup_id ON doc_lookup(kind, id);
CREATE TABLE clients (
  client_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  last_mutation_id INTEGER NOT NULL
);
CREATE TABLE users (
  agent_id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES users(agent_id),
  device_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_agent ON sessions(agent_id);
"#,
    r#"
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  created_at INTEGER NOT NULL
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
) WITHOUT ROWID;
CREATE INDEX message_origins_ticket ON message_origins(ticket_id);
INSERT INTO message_origins(message_id, ticket_id)
SELECT m.id, m.parent FROM docs m
WHERE m.kind = 'message' AND m.body IS NOT NULL AND m.parent IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM docs t
    WHERE t.kind = 'ticket' AND t.body IS NOT NULL
      AND json_extract(t.body, '$.doc.merged_into_id') = m.parent
  );
"#,
    // Sessions run out after a while unused (and after a while at all).
    r#"
ALTER TABLE sessions ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_used_at = created_at;
UPDATE users SET disabled = 1 WHERE agent_id IN (
  SELECT id FROM docs WHERE kind = 'agent' AND json_extract(body, '$.doc.active') = 0);
"#,
    r#"
CREATE TABLE client_mutations (
  client_id TEXT NOT NULL,
  mutation_id INTEGER NOT NULL,
  args_hash TEXT NOT NULL,
  outcome TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
) WITHOUT ROWID;
"#,
    // Agents are found by address (see `Doc::lookup_keys`), those without an account too.
    r#"
INSERT OR IGNORE INTO doc_lookup(kind, key, id)
SELECT 'agent', 'email:' || json_extract(body, '$.doc.email'), id FROM docs
WHERE kind = 'agent' AND body IS NOT NULL;
"#,
    // Tickets are found by number (a mail's subject tag names one).
    r#"
INSERT OR IGNORE INTO doc_lookup(kind, key, id)
SELECT 'ticket', 'number:' || json_extract(body, '$.doc.number'), id FROM docs
WHERE kind = 'ticket' AND body IS NOT NULL AND json_extract(body, '$.doc.number') IS NOT NULL;
"#,
    // Report rows, kept on write (see `storage/reports.rs`); every ticket is computed once.
    r#"
CREATE TABLE report_rows (
  ticket_id TEXT PRIMARY KEY,
  last_at INTEGER NOT NULL,
  open INTEGER NOT NULL,
  body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX report_rows_last ON report_rows(last_at);
CREATE INDEX report_rows_open ON report_rows(open) WHERE open;
CREATE TABLE report_dirty (ticket_id TEXT PRIMARY KEY, backfill INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO report_dirty(ticket_id, backfill)
SELECT id, 1 FROM docs WHERE kind = 'ticket' AND body IS NOT NULL;
"#,
    // Survey mails are found by recipient and kind (how often a customer was asked).
    r#"
INSERT OR IGNORE INTO doc_lookup(kind, key, id)
SELECT 'message', 'survey:' || json_extract(body, '$.doc.email.survey') || ':'
    || json_extract(body, '$.doc.email.to[0]'), id
FROM docs
WHERE kind = 'message' AND body IS NOT NULL
  AND json_extract(body, '$.doc.email.survey') IS NOT NULL
  AND json_extract(body, '$.doc.email.to[0]') IS NOT NULL;
"#,
    // Report marks are all for the catch-up (computed after the writes, not inside them):
    // every ticket once more.
    r#"
DROP TABLE report_dirty;
CREATE TABLE report_dirty (ticket_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO report_dirty(ticket_id) SELECT id FROM docs WHERE kind = 'ticket' AND body IS NOT NULL;
"#,
];

pub struct SqliteBackend {
    path: std::path::PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn open(path: &Path) -> StorageResult<Connection> {
    let c = Connection::open(path).map_err(be)?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
    .map_err(be)?;
    c.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(be)?;
    Ok(c)
}

fn be(e: rusqlite::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

impl SqliteBackend {
    /// Opens (creating if needed) the server database in `dir` and runs migrations.
    pub fn open(dir: &Path) -> StorageResult<SqliteBackend> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StorageError::Backend(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join(DB_FILE);
        super::attachments::sweep_stale_uploads(&dir.join(UPLOADS_DIR));
        let mut writer = open(&path)?;
        // Every write (a push, a fetched mail) walks the documents' and lookups' indexes: with
        // SQLite's default 2 MB cache a 100k-ticket helpdesk re-reads their pages from the OS
        // on each one. Only the one writer gets the larger cache; readers are many.
        writer
            .execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
            .map_err(be)?;
        let current: i64 = writer
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(be)?;
        for (i, sql) in SCHEMA.iter().enumerate().skip(current as usize) {
            let tx = writer.transaction().map_err(be)?;
            tx.execute_batch(sql).map_err(be)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(be)?;
            tx.commit().map_err(be)?;
        }
        Ok(SqliteBackend {
            path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }
}

impl Backend for SqliteBackend {
    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>) -> StorageResult<()> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(be)?;
        let mut t = SqliteTx(&tx);
        f(&mut t)?;
        tx.commit().map_err(be)
    }

    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>) -> StorageResult<()> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => open(&self.path)?,
        };
        let out = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Deferred)
                .map_err(be)?;
            let mut t = SqliteTx(&tx);
            f(&mut t)?;
            tx.commit().map_err(be)
        })();
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < 8 {
            pool.push(conn);
        }
        out
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn scratch_dir(&self) -> std::path::PathBuf {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        dir.join(UPLOADS_DIR)
    }
}

struct SqliteTx<'a>(&'a Transaction<'a>);

impl Tx for SqliteTx<'_> {
    fn lock_version(&mut self) -> StorageResult<i64> {
        // BEGIN IMMEDIATE already holds the write lock.
        self.current_version()
    }

    fn set_version(&mut self, v: i64) -> StorageResult<()> {
        self.0
            .prepare_cached("UPDATE counters SET value = ?1 WHERE name = 'version'")
            .and_then(|mut s| s.execute([v]))
            .map_err(be)?;
        Ok(())
    }

    fn current_version(&mut self) -> StorageResult<i64> {
        self.0
            .prepare_cached("SELECT value FROM counters WHERE name = 'version'")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(be)
    }

    fn next_counter(&mut self, name: &str, start_after: i64) -> StorageResult<i64> {
        self.0
            .prepare_cached(
                "INSERT INTO counters(name, value) VALUES (?1, ?2 + 1)
                 ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            )
            .and_then(|mut s| s.query_row(params![name, start_after], |r| r.get(0)))
            .map_err(be)
    }

    fn get_doc(&mut self, kind: DocKind, id: &str) -> StorageResult<Option<String>> {
        Ok(self
            .0
            .prepare_cached("SELECT body FROM docs WHERE kind = ?1 AND id = ?2")
            .and_then(|mut s| {
                s.query_row(params![kind.as_str(), id], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional()
            })
            .map_err(be)?
            .flatten())
    }

    fn docs_by_parent(&mut self, kind: DocKind, parent: &str) -> StorageResult<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached(
                // Named: without statistics the planner prefers the primary key's `kind`
                // prefix, a scan of every document of the kind (a million messages).
                "SELECT body FROM docs INDEXED BY docs_parent
                 WHERE kind = ?1 AND parent = ?2 AND body IS NOT NULL",
            )
            .map_err(be)?;
        let rows = st
            .query_map(params![kind.as_str(), parent], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn ids_by_lookup(
        &mut self,
        kind: DocKind,
        key: &str,
        limit: i64,
    ) -> StorageResult<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached(
                "SELECT id FROM doc_lookup WHERE kind = ?1 AND key = ?2 ORDER BY id LIMIT ?3",
            )
            .map_err(be)?;
        let rows = st
            .query_map(params![kind.as_str(), key, limit], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn ids_by_lookup_upto(
        &mut self,
        kind: DocKind,
        prefix: &str,
        upto: &str,
        limit: i64,
    ) -> StorageResult<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached(
                "SELECT id FROM doc_lookup WHERE kind = ?1 AND key >= ?2 AND key <= ?3
                 ORDER BY key, id LIMIT ?4",
            )
            .map_err(be)?;
        let rows = st
            .query_map(params![kind.as_str(), prefix, upto, limit], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn count_by_lookup(&mut self, kind: DocKind, key: &str) -> StorageResult<i64> {
        self.0
            .prepare_cached("SELECT count(*) FROM doc_lookup WHERE kind = ?1 AND key = ?2")
            .and_then(|mut s| s.query_row(params![kind.as_str(), key], |r| r.get(0)))
            .map_err(be)
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
        let tx = self.0;
        (|| {
            tx.prepare_cached(
                "INSERT INTO docs(kind, id, parent, version, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(kind, id) DO UPDATE SET parent = excluded.parent,
                   version = excluded.version, body = excluded.body",
            )?
            .execute(params![kind, key.id, parent, version, body])?;
            tx.prepare_cached("DELETE FROM doc_lookup WHERE kind = ?1 AND id = ?2")?
                .execute(params![kind, key.id])?;
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO doc_lookup(kind, key, id) VALUES (?1, ?2, ?3)",
            )?;
            for l in lookups {
                ins.execute(params![kind, l, key.id])?;
            }
            Ok(())
        })()
        .map_err(be)
    }

    fn docs_since(&mut self, cursor: i64, limit: i64) -> StorageResult<Vec<StoredChange>> {
        changes(
            self.0,
            "SELECT version, kind, id, body FROM docs WHERE version > ?1 ORDER BY version LIMIT ?2",
            params![cursor, limit],
        )
    }

    fn docs_at_version(&mut self, version: i64) -> StorageResult<Vec<StoredChange>> {
        changes(
            self.0,
            "SELECT version, kind, id, body FROM docs WHERE version = ?1",
            params![version],
        )
    }

    fn client(&mut self, client_id: &str) -> StorageResult<Option<(String, i64)>> {
        self.0
            .prepare_cached("SELECT agent_id, last_mutation_id FROM clients WHERE client_id = ?1")
            .and_then(|mut s| {
                s.query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(be)
    }

    fn set_client(&mut self, client_id: &str, agent_id: &str, last: i64) -> StorageResult<()> {
        self.0
            .prepare_cached(
                "INSERT INTO clients(client_id, agent_id, last_mutation_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT(client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id",
            )
            .and_then(|mut s| s.execute(params![client_id, agent_id, last]))
            .map_err(be)?;
        Ok(())
    }

    fn insert_client(&mut self, client_id: &str, agent_id: &str) -> StorageResult<()> {
        self.0
            .prepare_cached(
                "INSERT INTO clients(client_id, agent_id, last_mutation_id) VALUES (?1, ?2, 0)
                 ON CONFLICT(client_id) DO NOTHING",
            )
            .and_then(|mut s| s.execute(params![client_id, agent_id]))
            .map_err(be)?;
        Ok(())
    }

    fn client_mutation(
        &mut self,
        client_id: &str,
        mutation_id: i64,
    ) -> StorageResult<Option<(String, String)>> {
        self.0
            .prepare_cached(
                "SELECT args_hash, outcome FROM client_mutations
                 WHERE client_id = ?1 AND mutation_id = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![client_id, mutation_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
            })
            .map_err(be)
    }

    fn record_client_mutations(
        &mut self,
        client_id: &str,
        outcomes: &[KeptOutcome],
        at: i64,
    ) -> StorageResult<()> {
        let mut insert = self
            .0
            .prepare_cached(
                "INSERT INTO client_mutations(client_id, mutation_id, args_hash, outcome, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(be)?;
        for o in outcomes {
            insert
                .execute(params![
                    client_id,
                    o.mutation_id,
                    o.args_hash,
                    o.outcome,
                    at
                ])
                .map_err(be)?;
        }
        Ok(())
    }

    fn prune_client_mutations(&mut self, client_id: &str, up_to: i64) -> StorageResult<()> {
        self.0
            .prepare_cached(
                "DELETE FROM client_mutations WHERE client_id = ?1 AND mutation_id <= ?2",
            )
            .and_then(|mut s| s.execute(params![client_id, up_to]))
            .map_err(be)?;
        Ok(())
    }

    fn savepoint(&mut self, name: &'static str) -> StorageResult<()> {
        self.0
            .execute_batch(&format!("SAVEPOINT {name}"))
            .map_err(be)
    }

    fn rollback_to(&mut self, name: &'static str) -> StorageResult<()> {
        self.0
            .execute_batch(&format!("ROLLBACK TO SAVEPOINT {name}"))
            .map_err(be)
    }

    fn release(&mut self, name: &'static str) -> StorageResult<()> {
        self.0
            .execute_batch(&format!("RELEASE SAVEPOINT {name}"))
            .map_err(be)
    }

    fn user_by_email(&mut self, email: &str) -> StorageResult<Option<(String, String, bool)>> {
        self.0
            .prepare_cached("SELECT agent_id, password_hash, disabled FROM users WHERE email = ?1")
            .and_then(|mut s| {
                s.query_row([email], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(be)
    }

    fn user_by_agent(&mut self, agent_id: &str) -> StorageResult<Option<(String, String, bool)>> {
        self.0
            .prepare_cached("SELECT email, password_hash, disabled FROM users WHERE agent_id = ?1")
            .and_then(|mut s| {
                s.query_row([agent_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(be)
    }

    fn users(&mut self) -> StorageResult<Vec<(String, String, bool)>> {
        let mut st = self
            .0
            .prepare_cached("SELECT agent_id, password_hash, disabled FROM users ORDER BY email")
            .map_err(be)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(be)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn insert_user(
        &mut self,
        agent_id: &str,
        email: &str,
        hash: &str,
        at: i64,
    ) -> StorageResult<()> {
        self.0
            .execute(
                "INSERT INTO users(agent_id, email, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![agent_id, email, hash, at],
            )
            .map_err(be)?;
        Ok(())
    }

    fn update_user(&mut self, agent_id: &str, hash: &str, disabled: bool) -> StorageResult<()> {
        self.0
            .execute(
                "UPDATE users SET password_hash = ?2, disabled = ?3 WHERE agent_id = ?1",
                params![agent_id, hash, disabled],
            )
            .map_err(be)?;
        Ok(())
    }

    fn align_user(&mut self, agent_id: &str, email: &str, disabled: bool) -> StorageResult<()> {
        self.0
            .execute(
                "UPDATE users SET email = ?2, disabled = ?3 WHERE agent_id = ?1",
                params![agent_id, email, disabled],
            )
            .map_err(be)?;
        Ok(())
    }

    fn insert_session(
        &mut self,
        token_hash: &str,
        agent_id: &str,
        device: &str,
        at: i64,
    ) -> StorageResult<()> {
        self.0
            .execute(
                "INSERT INTO sessions(token_hash, agent_id, device_name, created_at, last_used_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![token_hash, agent_id, device, at],
            )
            .map_err(be)?;
        Ok(())
    }

    fn session(&mut self, token_hash: &str) -> StorageResult<Option<SessionRow>> {
        self.0
            .prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = ?1 AND revoked_at IS NULL"
            ))
            .and_then(|mut s| s.query_row([token_hash], session_row).optional())
            .map_err(be)
    }

    fn sessions_of(&mut self, agent_id: &str) -> StorageResult<Vec<SessionRow>> {
        let mut st = self
            .0
            .prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE agent_id = ?1 AND revoked_at IS NULL
                 ORDER BY created_at DESC"
            ))
            .map_err(be)?;
        let rows = st
            .query_map([agent_id], session_row)
            .map_err(be)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn touch_session(&mut self, token_hash: &str, at: i64) -> StorageResult<()> {
        self.0
            .prepare_cached("UPDATE sessions SET last_used_at = ?2 WHERE token_hash = ?1")
            .and_then(|mut s| s.execute(params![token_hash, at]))
            .map_err(be)?;
        Ok(())
    }

    fn revoke_session(&mut self, token_hash: &str, at: i64) -> StorageResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL",
                params![token_hash, at],
            )
            .map_err(be)?;
        Ok(n > 0)
    }

    fn revoke_sessions_of(&mut self, agent_id: &str, at: i64) -> StorageResult<u64> {
        let n = self
            .0
            .execute(
                "UPDATE sessions SET revoked_at = ?2 WHERE agent_id = ?1 AND revoked_at IS NULL",
                params![agent_id, at],
            )
            .map_err(be)?;
        Ok(n as u64)
    }

    fn live_sessions(
        &mut self,
        token_hashes: &[String],
        made_after: i64,
        used_after: i64,
    ) -> StorageResult<Vec<String>> {
        // The hashes travel as one bound JSON array.
        let hashes = serde_json::to_string(token_hashes)?;
        let mut st = self
            .0
            .prepare_cached(
                "SELECT s.token_hash FROM sessions s JOIN users u ON u.agent_id = s.agent_id
                 WHERE s.token_hash IN (SELECT value FROM json_each(?1))
                   AND s.revoked_at IS NULL AND u.disabled = 0
                   AND s.created_at > ?2 AND s.last_used_at > ?3",
            )
            .map_err(be)?;
        let rows = st
            .query_map(params![hashes, made_after, used_after], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn meta(&mut self, key: &str) -> StorageResult<Option<String>> {
        self.0
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(be)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> StorageResult<()> {
        self.0
            .execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(be)?;
        Ok(())
    }

    fn put_blob(&mut self, sha256: &str, bytes: &[u8]) -> StorageResult<()> {
        self.0
            .execute(
                "INSERT INTO blobs(sha256, size, data) VALUES (?1, ?2, ?3)
                 ON CONFLICT(sha256) DO NOTHING",
                params![sha256, bytes.len() as i64, bytes],
            )
            .map_err(be)?;
        Ok(())
    }

    fn put_blob_from_file(
        &mut self,
        sha256: &str,
        size: u64,
        file: &mut std::fs::File,
    ) -> StorageResult<()> {
        let size = i64::try_from(size)
            .map_err(|_| StorageError::Backend(format!("a file of {size} bytes")))?;
        let inserted = self
            .0
            .execute(
                "INSERT INTO blobs(sha256, size, data) VALUES (?1, ?2, zeroblob(?2))
                 ON CONFLICT(sha256) DO NOTHING",
                params![sha256, size],
            )
            .map_err(be)?;
        if inserted == 0 {
            return Ok(());
        }
        // Incremental BLOB I/O fills the zeroed value in place, page by page.
        let rowid = self.0.last_insert_rowid();
        let mut blob = self
            .0
            .blob_open(rusqlite::MAIN_DB, "blobs", "data", rowid, false)
            .map_err(be)?;
        let copied = std::io::copy(file, &mut blob)
            .map_err(|e| StorageError::Backend(format!("storing an upload: {e}")))?;
        if copied != size as u64 {
            return Err(StorageError::Backend(format!(
                "an upload of {size} bytes had {copied}"
            )));
        }
        Ok(())
    }

    fn blob(&mut self, sha256: &str) -> StorageResult<Option<Vec<u8>>> {
        self.0
            .query_row("SELECT data FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                r.get(0)
            })
            .optional()
            .map_err(be)
    }

    fn insert_attachment(&mut self, a: &AttachmentRecord) -> StorageResult<()> {
        let f = &a.attachment;
        self.0
            .execute(
                "INSERT INTO attachments(id, ticket_id, message_id, filename, mime, size, sha256, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![f.id, a.ticket_id, a.message_id, f.filename, f.mime, f.size, f.sha256, a.created_at],
            )
            .map_err(be)?;
        Ok(())
    }

    fn attachment(&mut self, id: &str) -> StorageResult<Option<AttachmentRecord>> {
        self.0
            .query_row(
                "SELECT id, ticket_id, message_id, filename, mime, size, sha256, created_at
                 FROM attachments WHERE id = ?1",
                [id],
                |r| {
                    Ok(AttachmentRecord {
                        attachment: Attachment {
                            id: r.get(0)?,
                            filename: r.get(3)?,
                            mime: r.get(4)?,
                            size: r.get(5)?,
                            sha256: r.get(6)?,
                        },
                        ticket_id: r.get(1)?,
                        message_id: r.get(2)?,
                        created_at: r.get(7)?,
                    })
                },
            )
            .optional()
            .map_err(be)
    }

    fn mark_reports(&mut self, ticket_ids: &[String]) -> StorageResult<()> {
        let mut st = self
            .0
            .prepare_cached(
                "INSERT INTO report_dirty(ticket_id) VALUES (?1) ON CONFLICT DO NOTHING",
            )
            .map_err(be)?;
        for id in ticket_ids {
            st.execute([id]).map_err(be)?;
        }
        Ok(())
    }

    fn take_report_marks(&mut self, limit: i64) -> StorageResult<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached(
                "DELETE FROM report_dirty WHERE ticket_id IN
                   (SELECT ticket_id FROM report_dirty LIMIT ?1)
                 RETURNING ticket_id",
            )
            .map_err(be)?;
        let ids = st
            .query_map([limit], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(ids)
    }

    fn put_report_row(
        &mut self,
        ticket_id: &str,
        row: Option<(i64, bool, &str)>,
    ) -> StorageResult<()> {
        match row {
            Some((last_at, open, body)) => self
                .0
                .prepare_cached(
                    "INSERT INTO report_rows(ticket_id, last_at, open, body) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(ticket_id) DO UPDATE SET
                       last_at = excluded.last_at, open = excluded.open, body = excluded.body",
                )
                .map_err(be)?
                .execute(params![ticket_id, last_at, open, body]),
            None => self
                .0
                .prepare_cached("DELETE FROM report_rows WHERE ticket_id = ?1")
                .map_err(be)?
                .execute([ticket_id]),
        }
        .map_err(be)?;
        Ok(())
    }

    fn report_rows(&mut self, since: i64, idle_open: bool) -> StorageResult<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached(
                "SELECT body FROM report_rows WHERE last_at >= ?1
                 UNION ALL SELECT body FROM report_rows WHERE ?2 AND open AND last_at < ?1",
            )
            .map_err(be)?;
        let rows = st
            .query_map(params![since, idle_open], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(rows)
    }

    fn idle_open_count(&mut self, since: i64) -> StorageResult<i64> {
        self.0
            .prepare_cached("SELECT count(*) FROM report_rows WHERE open AND last_at < ?1")
            .map_err(be)?
            .query_row([since], |r| r.get(0))
            .map_err(be)
    }

    fn record_message_origin(&mut self, message_id: &str, ticket_id: &str) -> StorageResult<()> {
        self.0
            .execute(
                "INSERT INTO message_origins(message_id, ticket_id) VALUES (?1, ?2)
                 ON CONFLICT(message_id) DO NOTHING",
                params![message_id, ticket_id],
            )
            .map_err(be)?;
        Ok(())
    }

    fn messages_written_on(&mut self, ticket_id: &str) -> StorageResult<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached(
                "SELECT d.body FROM message_origins o
                 JOIN docs d ON d.kind = 'message' AND d.id = o.message_id
                 WHERE o.ticket_id = ?1 AND d.body IS NOT NULL",
            )
            .map_err(be)?;
        let rows = st
            .query_map([ticket_id], |r| r.get(0))
            .map_err(be)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(be)?;
        Ok(rows)
    }
}

const SESSION_COLUMNS: &str = "token_hash, agent_id, device_name, created_at, last_used_at";

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.get(0)?,
        agent_id: r.get(1)?,
        device_name: r.get(2)?,
        created_at: r.get(3)?,
        last_used_at: r.get(4)?,
        expired: false,
    })
}

fn changes(
    tx: &Transaction<'_>,
    sql: &str,
    p: impl rusqlite::Params,
) -> StorageResult<Vec<StoredChange>> {
    let mut st = tx.prepare_cached(sql).map_err(be)?;
    let rows = st
        .query_map(p, |r| {
            Ok(StoredChange {
                version: r.get(0)?,
                kind: r.get(1)?,
                id: r.get(2)?,
                body: r.get(3)?,
            })
        })
        .map_err(be)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(be)?;
    Ok(rows)
}
