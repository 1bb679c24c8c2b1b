//! The sync wire protocol between desktops and the Porchlight server (JSON over HTTP): sign-in,
//! push of intent-level mutations, pull of documents by cursor, presence. Shared by the
//! server and the client so the two can never disagree on a field.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::ConfigMutation;
use crate::docs::{AgentDoc, Doc, DocKey};
use crate::error::{DomainError, ErrorCode};
use crate::kb::KbMutation;
use crate::mutation::Mutation;

/// Bumped whenever the documents or mutations change incompatibly. A client speaking another
/// version is told to update Porchlight (HTTP 426, code `schema_mismatch`).
pub const SCHEMA_VERSION: u32 = 1;

/// Most mutations one push may carry, and most bytes one request body may have.
pub const MAX_PUSH_MUTATIONS: usize = 500;
pub const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;
/// Most documents a pull returns at once, whatever the client asks.
pub const MAX_PULL_LIMIT: usize = 5000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Shown in the server's session list ("Ayşe's laptop").
    #[serde(default)]
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LoginResponse {
    /// Opaque bearer token; the desktop keeps it in the OS keyring only.
    pub token: String,
    pub agent: AgentDoc,
    /// Identifies the helpdesk, so a desktop never mixes two servers' data.
    pub workspace_id: String,
    pub schema_version: u32,
}

/// One outbox entry. `id` increases by one per client, starting at 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PushMutation {
    #[ts(type = "number")]
    pub id: i64,
    /// The mutation's name (`add_message`, …).
    pub name: String,
    #[ts(type = "unknown")]
    pub args: serde_json::Value,
    /// When the agent made the change (UTC ms, the desktop's clock). The server keeps it
    /// for work recorded offline, within limits: never in the future, at most 30 days back.
    #[serde(default)]
    #[ts(type = "number")]
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PushRequest {
    pub client_id: String,
    pub schema_version: u32,
    pub mutations: Vec<PushMutation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum PushOutcome {
    /// Applied now; its changes carry this workspace version.
    Applied {
        #[ts(type = "number")]
        version: i64,
    },
    /// Already applied by an earlier push (a retry): nothing was done twice.
    Duplicate,
    /// Refused; the client rolls it back and shows the reason.
    Rejected { error: DomainError },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PushResult {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(flatten)]
    pub outcome: PushOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PushResponse {
    /// The highest mutation id of this client the server has processed (applied or refused).
    #[ts(type = "number")]
    pub last_mutation_id: i64,
    pub results: Vec<PushResult>,
}

/// A document at a workspace version; `doc: None` means it was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Change {
    #[ts(type = "number")]
    pub version: i64,
    pub key: DocKey,
    pub doc: Option<Doc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PullResponse {
    /// Documents changed after the cursor, oldest change first; each document at most once,
    /// in its latest state.
    pub changes: Vec<Change>,
    /// Pass this back as `cursor` on the next pull.
    #[ts(type = "number")]
    pub cursor: i64,
    /// This client's last processed mutation id: outbox entries up to it are settled.
    #[ts(type = "number")]
    pub last_mutation_id: i64,
    /// More changes are waiting: pull again at once.
    pub has_more: bool,
    /// The cursor is not valid for this server (its data was replaced): drop local copies
    /// of server data and pull again from 0.
    pub reset: bool,
}

/// What a colleague is doing on a ticket, relayed by the server for collision detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PresenceActivity {
    Viewing,
    Replying,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PresenceUpdate {
    pub client_id: String,
    /// `None` when the agent left every ticket.
    pub ticket_id: Option<String>,
    pub activity: PresenceActivity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PresenceEntry {
    pub agent_id: String,
    pub agent_name: String,
    pub client_id: String,
    pub ticket_id: String,
    pub activity: PresenceActivity,
}

/// Sent over the server's event stream. Pokes carry no data: the client pulls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum ServerEvent {
    Poke {
        #[ts(type = "number")]
        version: i64,
    },
    Presence {
        entries: Vec<PresenceEntry>,
    },
}

/// Every error the server answers with: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// How the desktop's connection to its server is doing, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncState {
    /// Not connected to a server: everything stays on this computer.
    Standalone,
    Syncing,
    Online,
    /// The server cannot be reached; changes wait in the outbox.
    Offline,
    /// The session ended (signed out elsewhere, disabled, password changed).
    SignedOut,
    /// The server speaks another sync version.
    UpdateRequired,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub state: SyncState,
    pub server_url: Option<String>,
    /// Changes made here that the server has not confirmed yet.
    #[ts(type = "number")]
    pub unsent: i64,
    #[ts(type = "number | null")]
    pub last_sync_at: Option<i64>,
    /// Why the state is what it is, when it is not fine.
    pub message: Option<String>,
}

/// A change the server refused; it was rolled back on this desktop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncRefusal {
    /// The mutation's name (`set_ticket_fields`, …).
    pub mutation: String,
    pub error: DomainError,
    /// The ticket the change was about, when it names one.
    pub ticket_id: Option<String>,
    /// What the agent wrote (a reply, a note, a new ticket's first message): the change is
    /// rolled back, but the words are handed back so a refusal never loses them.
    pub text: Option<String>,
}

impl SyncRefusal {
    pub fn of(m: &PushMutation, error: DomainError) -> SyncRefusal {
        let arg = |k: &str| m.args.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        SyncRefusal {
            mutation: m.name.clone(),
            error,
            ticket_id: arg("ticket_id").or_else(|| arg("target_id")),
            text: arg("body_text")
                .or_else(|| arg("body_markdown"))
                .filter(|t| !t.trim().is_empty()),
        }
    }
}

/// An outbox entry read back: ticket work or knowledge-base work. Both travel as
/// `{name, args}` and their names never overlap, so one outbox and one push carry both.
#[derive(Debug, Clone, PartialEq)]
pub enum WireMutation {
    Ticket(Mutation),
    Kb(KbMutation),
    Config(ConfigMutation),
}

impl WireMutation {
    /// Parses `args` as the mutation called `name`; a malformed argument is a refusal that
    /// names the mutation.
    pub fn parse(name: &str, args: &serde_json::Value) -> Result<WireMutation, DomainError> {
        let value = serde_json::json!({"name": name, "args": args});
        let parsed = if KbMutation::NAMES.contains(&name) {
            serde_json::from_value(value).map(WireMutation::Kb)
        } else if ConfigMutation::NAMES.contains(&name) {
            serde_json::from_value(value).map(WireMutation::Config)
        } else {
            serde_json::from_value(value).map(WireMutation::Ticket)
        };
        parsed.map_err(|e| {
            DomainError::new(
                ErrorCode::InvalidValue,
                Some("args"),
                format!("The arguments of {name} are malformed: {e}"),
            )
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            WireMutation::Ticket(m) => m.name(),
            WireMutation::Kb(m) => m.name(),
            WireMutation::Config(m) => m.name(),
        }
    }
}

/// One sync round's effect on this desktop, sent to the UI as one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncRound {
    /// Tickets whose data changed (the list and an open ticket refresh from these).
    pub ticket_ids: Vec<String>,
    /// Whether agents, groups, customers or tags changed too.
    pub other_changes: bool,
    pub refusals: Vec<SyncRefusal>,
    pub status: SyncStatus,
}
