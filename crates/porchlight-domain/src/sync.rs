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
    /// The helpdesk this desktop signed in to; a server hosting another one refuses the push
    /// (409 `workspace_mismatch`) instead of mixing two helpdesks' data. Older desktops omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub workspace_id: Option<String>,
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
    /// The cursor is not valid for this server (its data was replaced, or the pull named
    /// another helpdesk): drop local copies of server data and pull again from 0.
    pub reset: bool,
    /// The helpdesk this server hosts, so a desktop can tell it is talking to another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub workspace_id: Option<String>,
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
    /// names the mutation, and an argument it does not take (a misspelt `"priorty"`) is a
    /// refusal naming that key rather than a change silently dropped.
    pub fn parse(name: &str, args: &serde_json::Value) -> Result<WireMutation, DomainError> {
        let value = serde_json::json!({"name": name, "args": args});
        let parsed = if KbMutation::NAMES.contains(&name) {
            serde_json::from_value(value).map(WireMutation::Kb)
        } else if ConfigMutation::NAMES.contains(&name) {
            serde_json::from_value(value).map(WireMutation::Config)
        } else {
            serde_json::from_value(value).map(WireMutation::Ticket)
        };
        let parsed = parsed.map_err(|e| {
            DomainError::new(
                ErrorCode::InvalidValue,
                Some("args"),
                format!("The arguments of {name} are malformed: {e}"),
            )
        })?;
        // Written back, the parsed mutation has every argument it understood; serde's
        // `deny_unknown_fields` cannot say this for the tagged and nested types involved.
        let known = match &parsed {
            WireMutation::Ticket(m) => serde_json::to_value(m),
            WireMutation::Kb(m) => serde_json::to_value(m),
            WireMutation::Config(m) => serde_json::to_value(m),
        }
        .map_err(|e| DomainError::invalid("args", format!("{name} cannot be read back: {e}")))?;
        if let Some(key) = unknown_key(args, &known["args"], "") {
            return Err(DomainError::new(
                ErrorCode::UnknownField,
                Some(&key),
                format!("{name} takes no argument '{key}'; nothing was changed."),
            ));
        }
        Ok(parsed)
    }

    pub fn name(&self) -> &'static str {
        match self {
            WireMutation::Ticket(m) => m.name(),
            WireMutation::Kb(m) => m.name(),
            WireMutation::Config(m) => m.name(),
        }
    }
}

/// The first key path in `given` that `known` lacks. A key whose value is null may be absent
/// from `known`: an unset optional argument is written back by leaving it out.
fn unknown_key(given: &serde_json::Value, known: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (given, known) {
        (Value::Object(g), Value::Object(k)) => g.iter().find_map(|(key, v)| {
            let p = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            match k.get(key) {
                Some(kv) => unknown_key(v, kv, &p),
                None if v.is_null() => None,
                None => Some(p),
            }
        }),
        (Value::Array(g), Value::Array(k)) => g
            .iter()
            .zip(k)
            .enumerate()
            .find_map(|(i, (a, b))| unknown_key(a, b, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// One sync round's effect on this desktop, sent to the UI as one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncRound {
    /// What the pulled documents touched (the list and an open ticket refresh from it).
    pub changed: crate::docs::Changed,
    pub refusals: Vec<SyncRefusal>,
    pub status: SyncStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Macro;
    use crate::kb::ArticleVisibility;
    use crate::mutation::{RequesterRef, TicketFieldChanges};
    use crate::{Channel, MessageKind, Priority, TicketStatus, TicketType};
    use serde_json::json;

    fn wire(value: serde_json::Value) -> (String, serde_json::Value) {
        (
            value["name"].as_str().unwrap().to_string(),
            value["args"].clone(),
        )
    }

    /// What desktops send: every mutation they serialise must read back unchanged.
    fn sent_by_desktops() -> Vec<serde_json::Value> {
        let ticket = [
            Mutation::CreateTicket {
                ticket_id: "t1".into(),
                message_id: "m1".into(),
                subject: "Parcel".into(),
                requester: RequesterRef::New {
                    id: "c1".into(),
                    name: "Ayşe".into(),
                    email: Some("ayse@example.com".into()),
                    phone: None,
                },
                channel: Channel::Email,
                priority: Priority::High,
                ticket_type: TicketType::Problem,
                assignee_id: None,
                group_id: Some("g1".into()),
                tags: vec!["refund".into()],
                body_text: "Where is it?".into(),
                attachment_ids: vec![],
                outbound: false,
            },
            Mutation::AddMessage {
                message_id: "m2".into(),
                ticket_id: "t1".into(),
                kind: MessageKind::Note,
                from_customer: false,
                body_text: "Checking.".into(),
                body_html: None,
                attachment_ids: vec!["a1".into()],
                cc: None,
            },
            Mutation::SetTicketFields {
                ticket_id: "t1".into(),
                changes: TicketFieldChanges {
                    status: Some(TicketStatus::Pending),
                    assignee_id: Some(None),
                    ..Default::default()
                },
            },
            Mutation::SaveCustomer {
                id: "c1".into(),
                name: "Ayşe".into(),
                emails: vec!["ayse@example.com".into()],
                phone: String::new(),
                organization_id: None,
                language: "tr".into(),
                notes: String::new(),
            },
        ];
        let kb = [
            KbMutation::CreateArticle {
                id: "k1".into(),
                revision_id: "r1".into(),
                category_id: None,
                source_locale: "en".into(),
                title: "Passwords".into(),
                body_markdown: "Open **Settings**.".into(),
                visibility: ArticleVisibility::Public,
                tags: vec![],
            },
            KbMutation::SaveTranslation {
                article_id: "k1".into(),
                locale: "tr".into(),
                revision_id: "r2".into(),
                base_revision: 0,
                source_revision: Some(1),
                title: "Parolalar".into(),
                body_markdown: "Ayarlar".into(),
            },
        ];
        let config = [ConfigMutation::SaveMacro {
            r#macro: Macro {
                id: "mac1".into(),
                name: "Thanks".into(),
                owner_id: None,
                body: "Thanks, {{customer.first_name}}!".into(),
                set_status: Some(TicketStatus::Solved),
                set_priority: None,
                set_type: None,
                add_tags: vec!["thanked".into()],
                updated_at: 0,
            },
        }];
        ticket
            .iter()
            .map(|m| serde_json::to_value(m).unwrap())
            .chain(kb.iter().map(|m| serde_json::to_value(m).unwrap()))
            .chain(config.iter().map(|m| serde_json::to_value(m).unwrap()))
            .collect()
    }

    #[test]
    fn what_desktops_send_reads_back_with_no_unknown_argument() {
        for value in sent_by_desktops() {
            let (name, args) = wire(value);
            let parsed = WireMutation::parse(&name, &args)
                .unwrap_or_else(|e| panic!("{name} refused: {e:?}"));
            assert_eq!(parsed.name(), name);
        }
    }

    #[test]
    fn an_unknown_argument_is_refused_by_its_path() {
        let cases = [
            (
                json!({"ticket_id": "t1", "changes": {"priorty": "high"}}),
                "set_ticket_fields",
                "changes.priorty",
            ),
            (
                json!({"ticket_id": "t1", "tag": "x", "colour": "red"}),
                "add_tag",
                "colour",
            ),
            (
                json!({"ticket_id": "t1", "message_id": "m1", "subject": "s",
                    "requester": {"kind": "existing", "id": "c1", "email": "x@example.com"},
                    "channel": "email", "priority": "normal", "ticket_type": "question",
                    "assignee_id": null, "group_id": null, "tags": [], "body_text": "b",
                    "attachment_ids": []}),
                "create_ticket",
                "requester.email",
            ),
            (
                json!({"article_id": "k1", "status": "published", "force": true}),
                "set_article_status",
                "force",
            ),
            (
                json!({"macro": {"id": "m", "name": "n", "owner_id": null, "body": "b",
                    "set_status": null, "set_priority": null, "set_type": null,
                    "add_tags": [], "updated_at": 0, "shared": true}}),
                "save_macro",
                "macro.shared",
            ),
        ];
        for (args, name, key) in cases {
            let e = WireMutation::parse(name, &args).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (ErrorCode::UnknownField, Some(key)),
                "{name}: {e:?}"
            );
            assert!(e.message.contains(key), "{}", e.message);
        }
        // An optional argument left null is no unknown key.
        assert!(WireMutation::parse(
            "set_ticket_fields",
            &json!({"ticket_id": "t1", "changes": {"subject": null, "priority": "low"}})
        )
        .is_ok());
    }
}
