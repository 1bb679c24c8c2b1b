//! The server's storage: product-level operations (push, pull, users, sessions) written once
//! over [`Tx`], the handful of primitive reads and writes each backend implements in SQL.
//! Backends: embedded SQLite (`sqlite.rs`) and PostgreSQL (`postgres.rs`).

pub mod attachments;
mod automation;
pub mod mail;
pub mod postgres;
mod reports;
pub mod sqlite;

use std::collections::VecDeque;
use std::sync::{mpsc, Arc, Mutex};

use porchlight_domain::apply::{self, Actor, ApplyContext, StateView};
use porchlight_domain::config::{ConfigMutation, Macro};
use porchlight_domain::config_apply::{self, ConfigView};
use porchlight_domain::docs::{
    mail_lookup_key, revision_lookup_key, translation_doc_id, AgentDoc, CustomerDoc, Doc, DocKey,
    DocKind, DocWrite, GroupDoc, MessageDoc, OrganizationDoc, RatingDoc, TagDoc, TicketDoc,
};
use porchlight_domain::kb::{
    Article, ArticleRevision, ArticleTranslation, ArticleVotes, KbCategory, KbMutation,
    TranslationConflict,
};
use porchlight_domain::kb_apply::{self, KbStateView};
use porchlight_domain::mail::Mailbox;
use porchlight_domain::rules::Rule;
use porchlight_domain::sla::{BusinessCalendar, SlaPolicy};
use porchlight_domain::sync::{
    Change, PullResponse, PushMutation, PushOutcome, PushResponse, PushResult, WireMutation,
    MAX_PULL_LIMIT,
};
use porchlight_domain::{AgentRole, DomainError, ErrorCode, Mutation};

use crate::auth::SessionLifetimes;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Backend(String),
    #[error("stored document is unreadable: {0}")]
    Corrupt(String),
    /// A push skipped mutation ids: the client must resend from `expected`.
    #[error("mutation {got} arrived but {expected} was expected next")]
    Gap { expected: i64, got: i64 },
    /// The client id is registered to another agent.
    #[error("this client id belongs to another agent")]
    ClientOwnedByOther,
    /// A processed mutation id came back with another name or other arguments.
    #[error("mutation {id} was already used for another change")]
    MutationIdReused { id: i64 },
    #[error("{0}")]
    Refused(DomainError),
}

pub type StorageResult<T> = Result<T, StorageError>;

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        StorageError::Corrupt(e.to_string())
    }
}

/// A server account: the agent document everyone sees plus what only the server keeps.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub agent: AgentDoc,
    pub password_hash: String,
    pub disabled: bool,
}

/// A signed-in device.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub agent: AgentDoc,
    /// The account is disabled or its agent inactive (one notion: either refuses).
    pub disabled: bool,
}

/// What a bearer token stands for.
#[derive(Debug, Clone)]
pub enum SessionCheck {
    /// Unknown or revoked.
    Unknown,
    /// Unused for the idle lifetime, or older than the absolute one.
    Expired,
    Live(SessionRecord),
}

/// A stored session, as the admin's list shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionRow {
    #[serde(skip)]
    pub token_hash: String,
    #[serde(skip)]
    pub agent_id: String,
    pub device_name: String,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expired: bool,
}

/// Primitive operations inside one transaction. Writers are serialised by `lock_version`,
/// which every write transaction calls first (SQLite: BEGIN IMMEDIATE; PostgreSQL: a row
/// lock on the version counter), so versions commit in order and pulls never skip a row.
/// Runs storage work on tokio's blocking threads, so no request thread waits on the
/// database. A task that panicked comes back as a storage failure.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StorageResult<T> + Send + 'static,
) -> StorageResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StorageError::Backend(format!("storage task failed: {e}")))?
}

/// What became of one of a client's mutations, kept so that a retry gets the same answer.
pub struct KeptOutcome {
    pub mutation_id: i64,
    /// Hash of the mutation's name and arguments (see `mutation_hash`).
    pub args_hash: String,
    /// The `PushOutcome`, as JSON.
    pub outcome: String,
}

pub trait Tx {
    /// Locks the workspace version counter for this transaction and returns its value.
    fn lock_version(&mut self) -> StorageResult<i64>;
    fn set_version(&mut self, v: i64) -> StorageResult<()>;
    fn current_version(&mut self) -> StorageResult<i64>;
    /// Increments a named counter (ticket numbers) and returns the new value.
    fn next_counter(&mut self, name: &str, start_after: i64) -> StorageResult<i64>;

    fn get_doc(&mut self, kind: DocKind, id: &str) -> StorageResult<Option<String>>;
    fn docs_by_parent(&mut self, kind: DocKind, parent: &str) -> StorageResult<Vec<String>>;
    /// Document ids carrying a lookup key (see `Doc::lookup_keys`), in id order, at most
    /// `limit`.
    fn ids_by_lookup(&mut self, kind: DocKind, key: &str, limit: i64)
        -> StorageResult<Vec<String>>;
    fn count_by_lookup(&mut self, kind: DocKind, key: &str) -> StorageResult<i64>;
    /// Document ids whose lookup key starts with `prefix` and sorts at most `upto` (keys of
    /// one prefix and a fixed width, such as `docs::mail_due_key`), in key order, at most
    /// `limit`.
    fn ids_by_lookup_upto(
        &mut self,
        kind: DocKind,
        prefix: &str,
        upto: &str,
        limit: i64,
    ) -> StorageResult<Vec<String>>;
    /// Writes (or with `body: None`, tombstones) a document at `version`, replacing its
    /// parent and lookup keys.
    fn put_doc(
        &mut self,
        version: i64,
        key: &DocKey,
        parent: Option<&str>,
        lookups: &[String],
        body: Option<&str>,
    ) -> StorageResult<()>;
    /// Documents with version > cursor in version order, at most `limit` rows, plus
    /// whether more exist. Rows: (version, kind, id, body).
    fn docs_since(&mut self, cursor: i64, limit: i64) -> StorageResult<Vec<StoredChange>>;
    fn docs_at_version(&mut self, version: i64) -> StorageResult<Vec<StoredChange>>;

    /// (agent id, last processed mutation id) of a client.
    fn client(&mut self, client_id: &str) -> StorageResult<Option<(String, i64)>>;
    fn set_client(&mut self, client_id: &str, agent_id: &str, last: i64) -> StorageResult<()>;
    /// Registers a client id to an agent unless it is registered already.
    fn insert_client(&mut self, client_id: &str, agent_id: &str) -> StorageResult<()>;
    /// What became of one of a client's mutations: (hash of its name and arguments, the
    /// outcome as JSON), while it is still kept.
    fn client_mutation(
        &mut self,
        client_id: &str,
        mutation_id: i64,
    ) -> StorageResult<Option<(String, String)>>;
    /// Keeps the outcomes of a push's new mutations (one statement for the whole push).
    fn record_client_mutations(
        &mut self,
        client_id: &str,
        outcomes: &[KeptOutcome],
        at: i64,
    ) -> StorageResult<()>;
    /// Forgets the outcomes of a client's mutations up to `up_to`.
    fn prune_client_mutations(&mut self, client_id: &str, up_to: i64) -> StorageResult<()>;

    /// A named savepoint inside the transaction: `rollback_to` undoes what followed it (and
    /// clears PostgreSQL's failed-statement state), `release` keeps it.
    fn savepoint(&mut self, name: &'static str) -> StorageResult<()>;
    fn rollback_to(&mut self, name: &'static str) -> StorageResult<()>;
    fn release(&mut self, name: &'static str) -> StorageResult<()>;

    fn user_by_email(&mut self, email: &str) -> StorageResult<Option<(String, String, bool)>>;
    /// (e-mail, password hash, disabled) of an agent's account.
    fn user_by_agent(&mut self, agent_id: &str) -> StorageResult<Option<(String, String, bool)>>;
    fn users(&mut self) -> StorageResult<Vec<(String, String, bool)>>;
    fn insert_user(
        &mut self,
        agent_id: &str,
        email: &str,
        hash: &str,
        at: i64,
    ) -> StorageResult<()>;
    fn update_user(&mut self, agent_id: &str, hash: &str, disabled: bool) -> StorageResult<()>;
    /// Brings an account's e-mail and disabled flag in line with its agent document (no
    /// account: nothing happens).
    fn align_user(&mut self, agent_id: &str, email: &str, disabled: bool) -> StorageResult<()>;

    /// A new session; `at` is both its creation and its last use.
    fn insert_session(
        &mut self,
        token_hash: &str,
        agent_id: &str,
        device: &str,
        at: i64,
    ) -> StorageResult<()>;
    /// A session that was not revoked (it may have run out).
    fn session(&mut self, token_hash: &str) -> StorageResult<Option<SessionRow>>;
    /// Every session of an agent not revoked, newest first.
    fn sessions_of(&mut self, agent_id: &str) -> StorageResult<Vec<SessionRow>>;
    fn touch_session(&mut self, token_hash: &str, at: i64) -> StorageResult<()>;
    fn revoke_session(&mut self, token_hash: &str, at: i64) -> StorageResult<bool>;
    /// Revokes every live session of an agent; returns how many.
    fn revoke_sessions_of(&mut self, agent_id: &str, at: i64) -> StorageResult<u64>;
    /// Of these token hashes, the ones whose session is neither revoked, nor made before
    /// `made_after`, nor last used before `used_after`, and whose account is not disabled.
    fn live_sessions(
        &mut self,
        token_hashes: &[String],
        made_after: i64,
        used_after: i64,
    ) -> StorageResult<Vec<String>>;

    fn meta(&mut self, key: &str) -> StorageResult<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> StorageResult<()>;

    /// Stores bytes under their SHA-256 (hex); the same bytes again change nothing.
    fn put_blob(&mut self, sha256: &str, bytes: &[u8]) -> StorageResult<()>;
    /// Like `put_blob`, reading the `size` bytes from a file a little at a time, so a
    /// large upload never sits in memory whole.
    fn put_blob_from_file(
        &mut self,
        sha256: &str,
        size: u64,
        file: &mut std::fs::File,
    ) -> StorageResult<()>;
    fn blob(&mut self, sha256: &str) -> StorageResult<Option<Vec<u8>>>;
    fn insert_attachment(&mut self, a: &attachments::AttachmentRecord) -> StorageResult<()>;
    fn attachment(&mut self, id: &str) -> StorageResult<Option<attachments::AttachmentRecord>>;

    /// Notes that these tickets' report rows must be computed again (by the next catch-up).
    fn mark_reports(&mut self, ticket_ids: &[String]) -> StorageResult<()>;
    /// Takes (and removes) up to `limit` marks.
    fn take_report_marks(&mut self, limit: i64) -> StorageResult<Vec<String>>;
    /// Writes a ticket's report row (last activity, open now, the `ReportTicket` as JSON) or,
    /// with `None`, removes it.
    fn put_report_row(
        &mut self,
        ticket_id: &str,
        row: Option<(i64, bool, &str)>,
    ) -> StorageResult<()>;
    /// The report rows of tickets active at or after `since`, and with `idle_open` those open
    /// now that were not.
    fn report_rows(&mut self, since: i64, idle_open: bool) -> StorageResult<Vec<String>>;
    /// How many tickets are open now without activity at or after `since`.
    fn idle_open_count(&mut self, since: i64) -> StorageResult<i64>;
    /// Remembers the ticket a message was written on, the first time it is stored (a merge
    /// later moves it); later calls for the same message change nothing.
    fn record_message_origin(&mut self, message_id: &str, ticket_id: &str) -> StorageResult<()>;
    /// The stored message documents written on a ticket, wherever they are now.
    fn messages_written_on(&mut self, ticket_id: &str) -> StorageResult<Vec<String>>;
}

pub struct StoredChange {
    pub version: i64,
    pub kind: String,
    pub id: String,
    pub body: Option<String>,
}

/// What a backend provides: transactions. Closures are `FnMut` so the trait stays
/// object-safe; [`Storage`] wraps them in typed helpers.
pub trait Backend: Send + Sync {
    /// A write transaction; committed when `f` returns Ok, rolled back otherwise.
    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>) -> StorageResult<()>;
    /// A read-only transaction on one consistent snapshot.
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> StorageResult<()>) -> StorageResult<()>;
    /// "sqlite" or "postgres", for logs and /healthz.
    fn name(&self) -> &'static str;
    /// Where uploads wait, as files, until they are stored: the data directory when there is
    /// one, else the system's temporary directory.
    fn scratch_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir()
    }
}

/// The storage the HTTP layer talks to, in the product's vocabulary.
#[derive(Clone)]
pub struct Storage {
    backend: Arc<dyn Backend>,
    pushes: Arc<PushQueue>,
}

/// Pushes waiting to be written. Whoever holds `writer` applies every push waiting (up to
/// [`MAX_GROUP_MUTATIONS`]) in one transaction, so concurrent pushes share one commit.
#[derive(Default)]
struct PushQueue {
    waiting: Mutex<VecDeque<QueuedPush>>,
    writer: Mutex<()>,
}

struct QueuedPush {
    actor: Actor,
    client_id: String,
    mutations: Vec<PushMutation>,
    at: i64,
    done: mpsc::SyncSender<StorageResult<PushReport>>,
}

/// Most mutations one group commit applies; later pushes wait for the next one.
const MAX_GROUP_MUTATIONS: usize = 2000;
/// How many outcomes of a client's latest mutations are kept to answer retries: a retry
/// repeats at most one push (500 mutations) beyond what the client saw confirmed.
const KEPT_OUTCOMES: i64 = 1000;

/// Result of one push: what happened to each mutation and the version reached.
pub struct PushReport {
    pub response: PushResponse,
    /// The highest version written, if anything was applied.
    pub new_version: Option<i64>,
}

impl Storage {
    pub fn new(backend: Arc<dyn Backend>) -> Storage {
        Storage {
            backend,
            pushes: Arc::default(),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Runs `f` once in a write (or read-only) transaction and returns its result.
    fn transact<T>(
        &self,
        write: bool,
        f: impl FnOnce(&mut dyn Tx) -> StorageResult<T>,
    ) -> StorageResult<T> {
        let mut f = Some(f);
        let mut out = None;
        let mut run = |tx: &mut dyn Tx| {
            let f = f.take().expect("a transaction closure runs once");
            out = Some(f(tx)?);
            Ok(())
        };
        if write {
            self.backend.write(&mut run)?;
        } else {
            self.backend.read(&mut run)?;
        }
        Ok(out.expect("the transaction closure ran"))
    }

    fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> StorageResult<T>) -> StorageResult<T> {
        self.transact(true, f)
    }

    fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> StorageResult<T>) -> StorageResult<T> {
        self.transact(false, f)
    }

    /// The helpdesk's identity, made once when the database is first used.
    pub fn workspace_id(&self) -> StorageResult<String> {
        if let Some(id) = self.read(|tx| tx.meta("workspace_id"))? {
            return Ok(id);
        }
        self.write(|tx| match tx.meta("workspace_id")? {
            Some(id) => Ok(id),
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                tx.set_meta("workspace_id", &id)?;
                Ok(id)
            }
        })
    }

    pub fn current_version(&self) -> StorageResult<i64> {
        self.read(|tx| tx.current_version())
    }

    // ---- users and sessions -------------------------------------------------------------

    pub fn user_by_email(&self, email: &str) -> StorageResult<Option<UserRecord>> {
        self.read(|tx| user_by_email(tx, email))
    }

    pub fn users(&self) -> StorageResult<Vec<UserRecord>> {
        self.read(|tx| {
            let rows = tx.users()?;
            let mut out = Vec::with_capacity(rows.len());
            for (agent_id, hash, disabled) in rows {
                let agent = agent_doc(tx, &agent_id)?;
                out.push(UserRecord {
                    disabled: disabled || !agent.active,
                    agent,
                    password_hash: hash,
                });
            }
            Ok(out)
        })
    }

    /// Creates an account and its agent document (visible to every desktop on next pull).
    pub fn add_user(
        &self,
        name: &str,
        email: &str,
        role: AgentRole,
        password_hash: &str,
        at: i64,
    ) -> StorageResult<AgentDoc> {
        let m = Mutation::SaveAgent {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.into(),
            email: email.into(),
            role,
            active: true,
        }
        .validated()
        .map_err(StorageError::Refused)?;
        let Mutation::SaveAgent {
            id, name, email, ..
        } = m
        else {
            unreachable!("validated keeps the variant")
        };
        self.write(|tx| {
            if tx.user_by_email(&email)?.is_some() {
                return Err(StorageError::Refused(DomainError::new(
                    ErrorCode::Conflict,
                    Some("email"),
                    format!("An account for {email} already exists."),
                )));
            }
            // An agent saved without an account may hold the address too.
            if email_owner(tx, &email)?.is_some() {
                return Err(StorageError::Refused(email_taken(&email)));
            }
            let agent = AgentDoc {
                id: id.clone(),
                name,
                email: email.clone(),
                role,
                active: true,
                group_ids: Vec::new(),
                created_at: at,
            };
            tx.insert_user(&id, &email, password_hash, at)?;
            write_server_docs(
                tx,
                &[DocWrite::Put {
                    doc: Doc::Agent(agent.clone()),
                }],
            )?;
            Ok(agent)
        })
    }

    /// Disables or re-enables an account: its agent becomes inactive (or active) for
    /// everyone, and disabling revokes every session at once (see [`align_account`]).
    pub fn set_user_disabled(&self, email: &str, disabled: bool) -> StorageResult<AgentDoc> {
        self.write(|tx| {
            let user = user_by_email(tx, email)?.ok_or_else(|| no_account(email))?;
            let agent = AgentDoc {
                active: !disabled,
                ..user.agent
            };
            write_server_docs(
                tx,
                &[DocWrite::Put {
                    doc: Doc::Agent(agent.clone()),
                }],
            )?;
            Ok(agent)
        })
    }

    /// Replaces a password; every existing session of the account is signed out.
    pub fn set_password(&self, email: &str, password_hash: &str, at: i64) -> StorageResult<()> {
        self.write(|tx| {
            let user = user_by_email(tx, email)?.ok_or_else(|| no_account(email))?;
            tx.update_user(&user.agent.id, password_hash, user.disabled)?;
            tx.revoke_sessions_of(&user.agent.id, at).map(|_| ())
        })
    }

    /// An agent's own new e-mail address (the caller checked their password). Refused when
    /// another agent uses it; the account and the agent document change together.
    pub fn change_email(&self, agent_id: &str, email: &str) -> StorageResult<(AgentDoc, i64)> {
        let email =
            porchlight_domain::mutation::valid_email(email).map_err(StorageError::Refused)?;
        self.write(|tx| {
            let agent = agent_doc(tx, agent_id)?;
            if email_owner(tx, &email)?.is_some_and(|owner| owner != agent_id) {
                return Err(StorageError::Refused(email_taken(&email)));
            }
            let agent = AgentDoc { email, ..agent };
            let version = write_server_docs(
                tx,
                &[DocWrite::Put {
                    doc: Doc::Agent(agent.clone()),
                }],
            )?;
            Ok((agent, version))
        })
    }

    pub fn create_session(
        &self,
        token_hash: &str,
        agent_id: &str,
        device: &str,
        at: i64,
    ) -> StorageResult<()> {
        self.write(|tx| tx.insert_session(token_hash, agent_id, device, at))
    }

    /// What a token hash stands for at `now`. A live session's last use is written when it
    /// is older than [`SessionLifetimes::touch_after_ms`], so most requests only read.
    pub fn session(
        &self,
        token_hash: &str,
        now: i64,
        lifetimes: SessionLifetimes,
    ) -> StorageResult<SessionCheck> {
        let (check, stale) = self.read(|tx| {
            let Some(row) = tx.session(token_hash)? else {
                return Ok((SessionCheck::Unknown, false));
            };
            if lifetimes.expired(row.created_at, row.last_used_at, now) {
                return Ok((SessionCheck::Expired, false));
            }
            let agent = agent_doc(tx, &row.agent_id)?;
            let disabled = !agent.active
                || tx
                    .user_by_agent(&row.agent_id)?
                    .is_none_or(|(_, _, disabled)| disabled);
            let stale = now - row.last_used_at >= lifetimes.touch_after_ms();
            Ok((SessionCheck::Live(SessionRecord { agent, disabled }), stale))
        })?;
        if stale {
            self.write(|tx| tx.touch_session(token_hash, now))?;
        }
        Ok(check)
    }

    pub fn revoke_session(&self, token_hash: &str, at: i64) -> StorageResult<bool> {
        self.write(|tx| tx.revoke_session(token_hash, at))
    }

    /// An agent's sessions not revoked, newest first, each marked when it has run out.
    pub fn sessions_of(
        &self,
        agent_id: &str,
        now: i64,
        lifetimes: SessionLifetimes,
    ) -> StorageResult<Vec<SessionRow>> {
        let mut rows = self.read(|tx| {
            require_account(tx, agent_id)?;
            tx.sessions_of(agent_id)
        })?;
        for r in &mut rows {
            r.expired = lifetimes.expired(r.created_at, r.last_used_at, now);
        }
        Ok(rows)
    }

    /// Signs every device of an agent out; returns how many sessions ended.
    pub fn end_sessions(&self, agent_id: &str, at: i64) -> StorageResult<u64> {
        self.write(|tx| {
            require_account(tx, agent_id)?;
            tx.revoke_sessions_of(agent_id, at)
        })
    }

    /// Of these token hashes, the sessions still live at `now` (open event streams ask).
    pub fn live_sessions(
        &self,
        token_hashes: &[String],
        now: i64,
        lifetimes: SessionLifetimes,
    ) -> StorageResult<std::collections::HashSet<String>> {
        if token_hashes.is_empty() {
            return Ok(Default::default());
        }
        let live = self.read(|tx| {
            tx.live_sessions(
                token_hashes,
                now - lifetimes.absolute_ms,
                now - lifetimes.idle_ms,
            )
        })?;
        Ok(live.into_iter().collect())
    }

    /// Ties a client id to the agent using it on first sight; `ClientOwnedByOther` when
    /// another agent registered it (by pushing, pulling or sending presence).
    pub fn claim_client(&self, client_id: &str, agent_id: &str) -> StorageResult<()> {
        let owner = match self.read(|tx| tx.client(client_id))? {
            Some((owner, _)) => owner,
            None => self.write(|tx| {
                tx.insert_client(client_id, agent_id)?;
                Ok(tx.client(client_id)?.map(|c| c.0).unwrap_or_default())
            })?,
        };
        if owner == agent_id {
            Ok(())
        } else {
            Err(StorageError::ClientOwnedByOther)
        }
    }

    // ---- sync ----------------------------------------------------------------------------

    /// Applies a client's mutations in order: replays answer what they got the first time
    /// (a refusal stays a refusal), a gap stops the push, a refused mutation is recorded as
    /// processed and reported with its reason. The push shares one transaction with the
    /// pushes waiting beside it (a savepoint each, and one per mutation).
    pub fn push(
        &self,
        actor: &Actor,
        client_id: &str,
        mutations: &[PushMutation],
        at: i64,
    ) -> StorageResult<PushReport> {
        let (done, result) = mpsc::sync_channel(1);
        lock(&self.pushes.waiting).push_back(QueuedPush {
            actor: actor.clone(),
            client_id: client_id.to_string(),
            mutations: mutations.to_vec(),
            at,
            done,
        });
        loop {
            let _writer = lock(&self.pushes.writer);
            match result.try_recv() {
                Ok(report) => return report,
                Err(mpsc::TryRecvError::Disconnected) => {
                    return Err(StorageError::Backend(
                        "the push was dropped by a failed writer".into(),
                    ))
                }
                Err(mpsc::TryRecvError::Empty) => {}
            }
            let group = {
                let mut waiting = lock(&self.pushes.waiting);
                let mut size = 0;
                let mut group = Vec::new();
                while let Some(next) = waiting.front() {
                    size += next.mutations.len().max(1);
                    if !group.is_empty() && size > MAX_GROUP_MUTATIONS {
                        break;
                    }
                    group.extend(waiting.pop_front());
                }
                group
            };
            self.write_group(group);
        }
    }

    /// Applies queued pushes in one transaction and hands each its report. A push that
    /// fails (a gap, a foreign client id, a broken document) is undone alone; a failed
    /// commit fails them all.
    fn write_group(&self, group: Vec<QueuedPush>) {
        let mut reports: Vec<Option<StorageResult<PushReport>>> = Vec::new();
        let written = self.backend.write(&mut |tx| {
            reports.clear();
            let mut setup = automation::Setup::default();
            let start = tx.lock_version()?;
            let mut version = start;
            for q in &group {
                tx.savepoint("push")?;
                let before = version;
                match push_job(tx, &mut setup, q, &mut version) {
                    Ok(report) => {
                        tx.release("push")?;
                        reports.push(Some(Ok(report)));
                    }
                    Err(e @ (StorageError::Backend(_) | StorageError::Corrupt(_))) => {
                        // The transaction may be unusable: fail the group, retry each alone.
                        return Err(e);
                    }
                    Err(e) => {
                        tx.rollback_to("push")?;
                        tx.release("push")?;
                        version = before;
                        reports.push(Some(Err(e)));
                    }
                }
            }
            if version != start {
                tx.set_version(version)?;
            }
            Ok(())
        });
        match written {
            Ok(()) => {
                for (q, report) in group.iter().zip(reports.iter_mut()) {
                    let report = report.take().expect("every push of the group has a report");
                    let _ = q.done.send(report);
                }
            }
            Err(e) if group.len() > 1 => {
                // One push's failure must not fail its neighbours: each alone again.
                tracing::warn!(error = %e, pushes = group.len(), "group commit failed; retrying each push alone");
                for q in group {
                    self.write_group(vec![q]);
                }
            }
            Err(e) => {
                for q in group {
                    let _ = q.done.send(Err(same_failure(&e)));
                }
            }
        }
    }

    /// Bulk load in one transaction (benchmarks, imports from another helpdesk): each
    /// document is written at its own new version, in the order given, as if one change had
    /// made it; the ticket-number counter moves past the highest number loaded. Documents
    /// are taken as they are (no mutation runs), so they must already be consistent.
    /// Returns the version reached.
    pub fn import_documents(&self, docs: &[Doc]) -> StorageResult<i64> {
        self.write(|tx| {
            let mut version = tx.lock_version()?;
            let mut top_number = None;
            let mut tickets: Vec<String> = Vec::new();
            for doc in docs {
                version += 1;
                put_document(tx, version, doc)?;
                tickets.extend(reports::ticket_of(&doc.key(), Some(doc)));
                if let Doc::Ticket(t) = doc {
                    top_number = top_number.max(t.number);
                }
            }
            if let Some(top) = top_number {
                while tx.next_counter("ticket_number", top)? <= top {}
            }
            reports::mark(tx, tickets)?;
            tx.set_version(version)?;
            Ok(version)
        })
    }

    /// Counts one "was this helpful?" answer from the help center. In one write transaction:
    /// the article must be on the help center, its `KbVotes` document is read, incremented
    /// and written at the next workspace version (so desktops pull the counts, and votes
    /// arriving at once on any server process never overwrite each other). Returns the new
    /// counts and the version, or `None` (nothing written) for an article the help center
    /// does not show.
    pub fn record_vote(
        &self,
        article_id: &str,
        helpful: bool,
    ) -> StorageResult<Option<(ArticleVotes, i64)>> {
        self.write(|tx| {
            tx.lock_version()?;
            let article = match tx.get_doc(DocKind::KbArticle, article_id)? {
                Some(body) => match serde_json::from_str(&body)? {
                    Doc::KbArticle(a) => a,
                    _ => {
                        return Err(StorageError::Corrupt(format!(
                            "{article_id} is not an article"
                        )))
                    }
                },
                None => return Ok(None),
            };
            if !article.is_on_help_center() {
                return Ok(None);
            }
            let mut votes = match tx.get_doc(DocKind::KbVotes, article_id)? {
                Some(body) => match serde_json::from_str(&body)? {
                    Doc::KbVotes(v) => v,
                    _ => {
                        return Err(StorageError::Corrupt(format!(
                            "votes of {article_id} are not votes"
                        )))
                    }
                },
                None => ArticleVotes {
                    article_id: article_id.to_string(),
                    ..ArticleVotes::default()
                },
            };
            if helpful {
                votes.helpful += 1;
            } else {
                votes.not_helpful += 1;
            }
            let version = write_server_docs(
                tx,
                &[DocWrite::Put {
                    doc: Doc::KbVotes(votes.clone()),
                }],
            )?;
            Ok(Some((votes, version)))
        })
    }

    /// Documents changed after `cursor`, in one snapshot with the client's last mutation id.
    /// A page never splits one version (one mutation's documents arrive together).
    pub fn pull(&self, client_id: &str, cursor: i64, limit: usize) -> StorageResult<PullResponse> {
        let limit = limit.clamp(1, MAX_PULL_LIMIT) as i64;
        self.read(|tx| {
            let current = tx.current_version()?;
            let last_mutation_id = tx.client(client_id)?.map(|c| c.1).unwrap_or(0);
            if cursor > current || cursor < 0 {
                return Ok(PullResponse {
                    changes: Vec::new(),
                    cursor: 0,
                    last_mutation_id,
                    has_more: true,
                    reset: true,
                    workspace_id: None,
                });
            }
            let mut rows = tx.docs_since(cursor, limit + 1)?;
            let mut has_more = rows.len() as i64 > limit;
            if has_more {
                let boundary = rows[limit as usize].version;
                rows.truncate(limit as usize);
                if rows.last().is_some_and(|r| r.version == boundary) {
                    rows.retain(|r| r.version != boundary);
                    if rows.is_empty() {
                        // One mutation wrote more than a page: send all of it.
                        rows = tx.docs_at_version(boundary)?;
                        has_more = boundary < current;
                    }
                }
            }
            let new_cursor = rows.last().map(|r| r.version).unwrap_or(cursor);
            let changes = rows
                .into_iter()
                .map(|r| {
                    let kind = DocKind::parse(&r.kind)
                        .ok_or_else(|| StorageError::Corrupt(format!("unknown kind {}", r.kind)))?;
                    let doc = r.body.as_deref().map(serde_json::from_str).transpose()?;
                    Ok(Change {
                        version: r.version,
                        key: DocKey { kind, id: r.id },
                        doc,
                    })
                })
                .collect::<StorageResult<Vec<_>>>()?;
            Ok(PullResponse {
                changes,
                cursor: if has_more {
                    new_cursor
                } else {
                    current.max(new_cursor)
                },
                last_mutation_id,
                has_more,
                reset: false,
                workspace_id: None,
            })
        })
    }
}

/// The agent that uses an address: the owner of the account with it, else an agent document
/// carrying it (agents saved by an admin have no account until one is made).
fn email_owner(tx: &mut dyn Tx, email: &str) -> StorageResult<Option<String>> {
    if let Some((owner, _, _)) = tx.user_by_email(email)? {
        return Ok(Some(owner));
    }
    Ok(tx
        .ids_by_lookup(DocKind::Agent, &format!("email:{email}"), 1)?
        .into_iter()
        .next())
}

fn email_taken(email: &str) -> DomainError {
    DomainError::new(
        ErrorCode::Conflict,
        Some("email"),
        format!("Another agent already uses {email}."),
    )
}

fn require_account(tx: &mut dyn Tx, agent_id: &str) -> StorageResult<()> {
    match tx.user_by_agent(agent_id)? {
        Some(_) => Ok(()),
        None => Err(StorageError::Refused(DomainError::new(
            ErrorCode::NotFound,
            None,
            format!("No account belongs to agent {agent_id}."),
        ))),
    }
}

fn no_account(email: &str) -> StorageError {
    StorageError::Refused(DomainError::new(
        ErrorCode::NotFound,
        Some("email"),
        format!("No account uses {email}."),
    ))
}

fn user_by_email(tx: &mut dyn Tx, email: &str) -> StorageResult<Option<UserRecord>> {
    let email = email.trim().to_lowercase();
    let Some((agent_id, hash, disabled)) = tx.user_by_email(&email)? else {
        return Ok(None);
    };
    let agent = agent_doc(tx, &agent_id)?;
    Ok(Some(UserRecord {
        disabled: disabled || !agent.active,
        agent,
        password_hash: hash,
    }))
}

fn agent_doc(tx: &mut dyn Tx, id: &str) -> StorageResult<AgentDoc> {
    match tx.get_doc(DocKind::Agent, id)? {
        Some(body) => match serde_json::from_str(&body)? {
            Doc::Agent(a) => Ok(a),
            _ => Err(StorageError::Corrupt(format!("agent {id} is not an agent"))),
        },
        None => Err(StorageError::Corrupt(format!(
            "account {id} has no agent document"
        ))),
    }
}

/// Writes documents at the next version (server-side changes outside any client's push).
fn write_server_docs(tx: &mut dyn Tx, writes: &[DocWrite]) -> StorageResult<i64> {
    let version = tx.lock_version()? + 1;
    store_writes(tx, version, writes)?;
    tx.set_version(version)?;
    Ok(version)
}

/// A stored document, parsed.
pub(super) fn doc(tx: &mut dyn Tx, kind: DocKind, id: &str) -> StorageResult<Option<Doc>> {
    match tx.get_doc(kind, id)? {
        Some(body) => Ok(Some(serde_json::from_str(&body)?)),
        None => Ok(None),
    }
}

/// The stored documents of a kind under a parent (a ticket's messages, events, ratings),
/// parsed.
pub(super) fn children(tx: &mut dyn Tx, kind: DocKind, parent: &str) -> StorageResult<Vec<Doc>> {
    tx.docs_by_parent(kind, parent)?
        .iter()
        .map(|b| serde_json::from_str::<Doc>(b).map_err(Into::into))
        .collect()
}

/// Writes one document at `version`, with its parent and lookup keys.
fn put_document(tx: &mut dyn Tx, version: i64, doc: &Doc) -> StorageResult<()> {
    let body = serde_json::to_string(doc)?;
    // The portal shows a tracking link only what was written on its own ticket.
    if let Doc::Message(m) = doc {
        tx.record_message_origin(&m.id, &m.ticket_id)?;
    }
    tx.put_doc(
        version,
        &doc.key(),
        doc.parent(),
        &doc.lookup_keys(),
        Some(&body),
    )
}

fn store_writes(tx: &mut dyn Tx, version: i64, writes: &[DocWrite]) -> StorageResult<()> {
    let mut tickets: Vec<String> = Vec::new();
    for w in writes {
        match w {
            DocWrite::Put { doc } => {
                put_document(tx, version, doc)?;
                tickets.extend(reports::ticket_of(&doc.key(), Some(doc)));
                if let Doc::Agent(agent) = doc {
                    align_account(tx, agent)?;
                }
            }
            DocWrite::Delete { key } => {
                tx.put_doc(version, key, None, &[], None)?;
                tickets.extend(reports::ticket_of(key, None));
            }
        }
    }
    reports::mark(tx, tickets)
}

/// An agent document is the one truth about its account: the account follows its e-mail,
/// an inactive agent is a disabled account, and deactivating signs every device out.
fn align_account(tx: &mut dyn Tx, agent: &AgentDoc) -> StorageResult<()> {
    let Some((email, _, disabled)) = tx.user_by_agent(&agent.id)? else {
        return Ok(());
    };
    if email != agent.email || disabled == agent.active {
        tx.align_user(&agent.id, &agent.email, !agent.active)?;
    }
    if !agent.active {
        tx.revoke_sessions_of(&agent.id, crate::now_ms())?;
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The failure of a group's transaction, as each of its pushes reports it.
fn same_failure(e: &StorageError) -> StorageError {
    match e {
        StorageError::Corrupt(m) => StorageError::Corrupt(m.clone()),
        other => StorageError::Backend(other.to_string()),
    }
}

/// What identifies a mutation's content: its name and arguments (not its time, which a
/// retry may state differently).
fn mutation_hash(pm: &PushMutation) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(pm.name.as_bytes());
    h.update([0]);
    h.update(pm.args.to_string().as_bytes());
    format!("{:x}", h.finalize())
}

/// One client's push inside a group transaction; `version` is the workspace version reached.
fn push_job(
    tx: &mut dyn Tx,
    setup: &mut automation::Setup,
    q: &QueuedPush,
    version: &mut i64,
) -> StorageResult<PushReport> {
    let (actor, client_id) = (&q.actor, q.client_id.as_str());
    let last = match tx.client(client_id)? {
        Some((owner, _)) if owner != actor.id => return Err(StorageError::ClientOwnedByOther),
        Some((_, last)) => last,
        None => 0,
    };
    let mut processed = last;
    let mut results = Vec::with_capacity(q.mutations.len());
    let mut kept: Vec<KeptOutcome> = Vec::new();
    let mut new_version = None;
    for pm in &q.mutations {
        let hash = mutation_hash(pm);
        let outcome = if pm.id <= processed {
            // An id this same push already used is answered from the push itself.
            match kept.iter().find(|k| k.mutation_id == pm.id) {
                Some(k) if k.args_hash != hash => {
                    return Err(StorageError::MutationIdReused { id: pm.id })
                }
                Some(k) => replayed(serde_json::from_str(&k.outcome)?),
                None => replayed_outcome(tx, client_id, pm, &hash)?,
            }
        } else {
            if Some(pm.id) != processed.checked_add(1) {
                return Err(StorageError::Gap {
                    expected: processed + 1,
                    got: pm.id,
                });
            }
            let outcome = push_one(tx, setup, actor, pm, q.at, version)?;
            kept.push(KeptOutcome {
                mutation_id: pm.id,
                args_hash: hash,
                outcome: serde_json::to_string(&outcome)?,
            });
            processed = pm.id;
            if let PushOutcome::Applied { version } = outcome {
                new_version = Some(version);
            }
            outcome
        };
        results.push(PushResult { id: pm.id, outcome });
    }
    if processed != last {
        tx.record_client_mutations(client_id, &kept, q.at)?;
        tx.set_client(client_id, &actor.id, processed)?;
        tx.prune_client_mutations(client_id, processed.saturating_sub(KEPT_OUTCOMES))?;
    }
    Ok(PushReport {
        response: PushResponse {
            last_mutation_id: processed,
            results,
        },
        new_version,
    })
}

/// The answer to a mutation sent again: a refusal is repeated (its first answer may never
/// have arrived), an applied one is a duplicate, and another change under a used id is
/// refused outright.
fn replayed_outcome(
    tx: &mut dyn Tx,
    client_id: &str,
    pm: &PushMutation,
    hash: &str,
) -> StorageResult<PushOutcome> {
    Ok(match tx.client_mutation(client_id, pm.id)? {
        Some((stored, _)) if stored != hash => {
            return Err(StorageError::MutationIdReused { id: pm.id })
        }
        Some((_, outcome)) => replayed(serde_json::from_str(&outcome)?),
        // Older than the outcomes kept (or processed before they were kept).
        None => PushOutcome::Duplicate,
    })
}

/// What a mutation sent again is told, given what it got the first time.
fn replayed(first: PushOutcome) -> PushOutcome {
    match first {
        PushOutcome::Rejected { error } => PushOutcome::Rejected { error },
        _ => PushOutcome::Duplicate,
    }
}

/// Applies one new mutation at the next version. A refusal is reported; if the mutation
/// had written anything by then (a ticket number it reserved), that is undone first.
fn push_one(
    tx: &mut dyn Tx,
    setup: &mut automation::Setup,
    actor: &Actor,
    pm: &PushMutation,
    at: i64,
    version: &mut i64,
) -> StorageResult<PushOutcome> {
    let at = if pm.at > 0 { pm.at } else { at };
    let parsed = WireMutation::parse(&pm.name, &pm.args);
    // Ticket work runs the automation rules once stored; read what they need first.
    let rules_event = match &parsed {
        Ok(WireMutation::Ticket(m)) => automation::Pending::of(tx, m)?,
        _ => None,
    };
    if matches!(parsed, Ok(WireMutation::Config(_))) {
        // Rules, SLA policies or calendars may change: read them again when next needed.
        setup.forget();
    }
    let mut view = TxState::new(tx);
    view.savepoint_before_writes = Some("mutation");
    let result = parsed.and_then(|m| apply_wire(m, actor, at, &mut view));
    let undo = view.savepoint_taken;
    if let Some(e) = view.failure.take() {
        return Err(e);
    }
    match result {
        Ok(writes) => {
            let next = *version + 1;
            store_writes(tx, next, &writes)?;
            if let Some(event) = rules_event {
                automation::run_after(tx, setup, next, event, &writes, at)?;
            }
            if undo {
                tx.release("mutation")?;
            }
            *version = next;
            Ok(PushOutcome::Applied { version: next })
        }
        Err(error) => {
            if undo {
                tx.rollback_to("mutation")?;
                tx.release("mutation")?;
            }
            Ok(PushOutcome::Rejected { error })
        }
    }
}

/// Authorises, validates and applies one parsed mutation over the transaction's state.
/// The mutation name was checked when the request was read, so a parse failure before
/// this is about its arguments.
fn apply_wire(
    m: WireMutation,
    actor: &Actor,
    at: i64,
    view: &mut TxState<'_>,
) -> Result<Vec<DocWrite>, DomainError> {
    match m {
        WireMutation::Ticket(m) => {
            apply::authorize(&m, actor)?;
            let m = m.validated()?;
            let mut new_id = || uuid::Uuid::now_v7().to_string();
            let mut ctx = ApplyContext {
                actor,
                at,
                new_id: &mut new_id,
            };
            apply::apply(&m, &mut ctx, view)
        }
        WireMutation::Kb(m) => {
            let m = m.validated()?;
            kb_apply::authorize_kb(&m, actor)?;
            kb_apply::apply_kb(&m, actor, at, view)
        }
        WireMutation::Config(m) => m
            .validated()
            .and_then(|m| config_apply::apply_config(&m, actor, at, view)),
    }
}

/// Names the server accepts (ticket work, then knowledge-base work); anything else is
/// refused before any mutation of the push runs.
pub fn is_known_mutation(name: &str) -> bool {
    TICKET_MUTATION_NAMES.contains(&name)
        || KbMutation::NAMES.contains(&name)
        || ConfigMutation::NAMES.contains(&name)
}

const TICKET_MUTATION_NAMES: &[&str] = &[
    "create_ticket",
    "add_message",
    "set_ticket_fields",
    "add_tag",
    "remove_tag",
    "merge_tickets",
    "delete_ticket",
    "save_customer",
    "save_organization",
    "save_agent",
    "save_group",
    "set_agent_groups",
    "create_tag",
    "delete_tag",
];

/// `StateView` over a transaction. A storage failure is remembered and surfaces as a
/// storage error (not a refusal), so a broken database never looks like bad input.
struct TxState<'a> {
    tx: &'a mut dyn Tx,
    failure: Option<StorageError>,
    /// Taken before the first write a mutation makes while it may still be refused, so a
    /// refusal can undo it; most mutations only read until they are known to apply.
    savepoint_before_writes: Option<&'static str>,
    savepoint_taken: bool,
}

fn storage_failure(e: &StorageError) -> DomainError {
    DomainError::new(
        ErrorCode::Storage,
        None,
        format!("The server could not read its data: {e}"),
    )
}

impl<'a> TxState<'a> {
    fn new(tx: &'a mut dyn Tx) -> TxState<'a> {
        TxState {
            tx,
            failure: None,
            savepoint_before_writes: None,
            savepoint_taken: false,
        }
    }

    /// Called before anything the view writes.
    fn before_write(&mut self) -> Result<(), DomainError> {
        if let Some(name) = self.savepoint_before_writes.take() {
            self.tx.savepoint(name).map_err(|e| self.fail(e))?;
            self.savepoint_taken = true;
        }
        Ok(())
    }

    fn fail(&mut self, e: StorageError) -> DomainError {
        let d = storage_failure(&e);
        self.failure.get_or_insert(e);
        d
    }

    fn doc(&mut self, kind: DocKind, id: &str) -> Result<Option<Doc>, DomainError> {
        let body = self.tx.get_doc(kind, id).map_err(|e| self.fail(e))?;
        body.map(|b| serde_json::from_str::<Doc>(&b).map_err(|e| self.fail(e.into())))
            .transpose()
    }

    fn docs(&mut self, bodies: StorageResult<Vec<String>>) -> Result<Vec<Doc>, DomainError> {
        let bodies = bodies.map_err(|e| self.fail(e))?;
        bodies
            .iter()
            .map(|b| serde_json::from_str::<Doc>(b).map_err(|e| self.fail(e.into())))
            .collect()
    }
}

macro_rules! typed_get {
    ($fn:ident, $kind:ident, $ty:ty) => {
        fn $fn(&mut self, id: &str) -> Result<Option<$ty>, DomainError> {
            match self.doc(DocKind::$kind, id)? {
                Some(Doc::$kind(d)) => Ok(Some(d)),
                Some(_) => Err(self.fail(StorageError::Corrupt(format!(
                    "{} {id} has the wrong kind",
                    DocKind::$kind.as_str()
                )))),
                None => Ok(None),
            }
        }
    };
}

impl StateView for TxState<'_> {
    typed_get!(ticket, Ticket, TicketDoc);
    typed_get!(message, Message, MessageDoc);
    typed_get!(customer, Customer, CustomerDoc);
    typed_get!(organization, Organization, OrganizationDoc);
    typed_get!(agent, Agent, AgentDoc);
    typed_get!(group, Group, GroupDoc);
    typed_get!(tag, Tag, TagDoc);
    typed_get!(rating, Rating, RatingDoc);

    fn messages_of(&mut self, ticket_id: &str) -> Result<Vec<MessageDoc>, DomainError> {
        let bodies = self.tx.docs_by_parent(DocKind::Message, ticket_id);
        let mut out: Vec<MessageDoc> = self
            .docs(bodies)?
            .into_iter()
            .filter_map(|d| match d {
                Doc::Message(m) => Some(m),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    fn customer_by_email(&mut self, email: &str) -> Result<Option<CustomerDoc>, DomainError> {
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Customer, &format!("email:{email}"), 1)
            .map_err(|e| self.fail(e))?;
        match ids.first() {
            Some(id) => self.customer(id),
            None => Ok(None),
        }
    }

    fn agent_by_email(&mut self, email: &str) -> Result<Option<AgentDoc>, DomainError> {
        // Every agent document, with an account or not (an agent saved by an admin has none
        // until one is made), carries its address as a lookup key, as the desktop's agents
        // table does: both refuse the same second owner.
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Agent, &format!("email:{email}"), 1)
            .map_err(|e| self.fail(e))?;
        match ids.first() {
            Some(id) => self.agent(id),
            None => Ok(None),
        }
    }

    fn organization_by_domain(
        &mut self,
        domain: &str,
    ) -> Result<Option<OrganizationDoc>, DomainError> {
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Organization, &format!("domain:{domain}"), 1)
            .map_err(|e| self.fail(e))?;
        match ids.first() {
            Some(id) => self.organization(id),
            None => Ok(None),
        }
    }

    fn tag_use_count(&mut self, name: &str) -> Result<i64, DomainError> {
        self.tx
            .count_by_lookup(DocKind::Ticket, &format!("tag:{name}"))
            .map_err(|e| self.fail(e))
    }

    fn next_ticket_number(&mut self) -> Result<i64, DomainError> {
        self.before_write()?;
        self.tx
            .next_counter("ticket_number", 1000)
            .map_err(|e| self.fail(e))
    }

    fn last_survey_to(
        &mut self,
        address: &str,
        kind: porchlight_domain::records::SurveyKind,
    ) -> Result<Option<i64>, DomainError> {
        let key = porchlight_domain::docs::survey_lookup_key(address, kind);
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Message, &key, 100_000)
            .map_err(|e| self.fail(e))?;
        let mut last = None;
        for id in ids {
            if let Some(m) = self.message(&id)? {
                last = last.max(Some(m.created_at));
            }
        }
        Ok(last)
    }

    fn message_by_mail_id(&mut self, mail_id: &str) -> Result<Option<MessageDoc>, DomainError> {
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Message, &mail_lookup_key(mail_id), 1)
            .map_err(|e| self.fail(e))?;
        match ids.first() {
            Some(id) => self.message(id),
            None => Ok(None),
        }
    }

    fn ticket_by_number(&mut self, number: i64) -> Result<Option<TicketDoc>, DomainError> {
        let ids = self
            .tx
            .ids_by_lookup(DocKind::Ticket, &format!("number:{number}"), 1)
            .map_err(|e| self.fail(e))?;
        match ids.first() {
            Some(id) => self.ticket(id),
            None => Ok(None),
        }
    }

    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
        ConfigView::mailboxes(self)
    }
}

impl KbStateView for TxState<'_> {
    typed_get!(kb_category, KbCategory, KbCategory);
    typed_get!(kb_article, KbArticle, Article);
    typed_get!(kb_conflict, KbConflict, TranslationConflict);
    typed_get!(kb_revision_by_id, KbRevision, ArticleRevision);

    fn kb_translation(
        &mut self,
        article_id: &str,
        locale: &str,
    ) -> Result<Option<ArticleTranslation>, DomainError> {
        match self.doc(
            DocKind::KbTranslation,
            &translation_doc_id(article_id, locale),
        )? {
            Some(Doc::KbTranslation(t)) => Ok(Some(t)),
            _ => Ok(None),
        }
    }

    fn kb_revision(
        &mut self,
        article_id: &str,
        locale: &str,
        revision: i64,
    ) -> Result<Option<ArticleRevision>, DomainError> {
        let key = revision_lookup_key(article_id, locale, revision);
        let ids = self
            .tx
            .ids_by_lookup(DocKind::KbRevision, &key, 1)
            .map_err(|e| self.fail(e))?;
        match ids.first() {
            Some(id) => match self.doc(DocKind::KbRevision, id)? {
                Some(Doc::KbRevision(r)) => Ok(Some(r)),
                _ => Ok(None),
            },
            None => Ok(None),
        }
    }
}

impl ConfigView for TxState<'_> {
    typed_get!(rule, Rule, Rule);
    typed_get!(macro_doc, Macro, Macro);
    typed_get!(sla_policy, SlaPolicy, SlaPolicy);
    typed_get!(calendar, Calendar, BusinessCalendar);

    fn sla_policies(&mut self) -> Result<Vec<SlaPolicy>, DomainError> {
        automation::all_of(self.tx, DocKind::SlaPolicy, "sla_policy", |d| match d {
            Doc::SlaPolicy(p) => Some(p),
            _ => None,
        })
        .map_err(|e| self.fail(e))
    }

    fn mailboxes(&mut self) -> Result<Vec<Mailbox>, DomainError> {
        mail::mailboxes_in(self.tx).map_err(|e| self.fail(e))
    }
}

/// Canonical dump of every live document, sorted by key: what convergence tests compare.
pub fn canonical_dump(storage: &Storage) -> StorageResult<Vec<Doc>> {
    let mut out = Vec::new();
    let mut cursor = 0;
    loop {
        let page = storage.pull("", cursor, MAX_PULL_LIMIT)?;
        out.extend(page.changes.into_iter().filter_map(|c| c.doc));
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    out.sort_by_key(|d| d.key());
    Ok(out)
}
