//! Entities as the UI and the store exchange them. Times are UTC milliseconds since the epoch.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::macros::string_enum;

string_enum!(TicketStatus {
    New => "new", Open => "open", Pending => "pending", OnHold => "on_hold",
    Solved => "solved", Closed => "closed",
});
string_enum!(Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" });
string_enum!(TicketType {
    Question => "question", Incident => "incident", Problem => "problem", Task => "task",
});
string_enum!(Channel {
    Email => "email", Web => "web", Phone => "phone", Chat => "chat", WalkIn => "walk_in",
    Manual => "manual",
});
string_enum!(MessageKind { Reply => "reply", Note => "note", System => "system" });
string_enum!(AuthorKind { Agent => "agent", Customer => "customer", System => "system" });
string_enum!(AgentRole { Admin => "admin", Agent => "agent", KbEditor => "kb_editor" });

impl TicketStatus {
    /// Statuses an agent still has to act on or wait for.
    pub fn is_open_like(self) -> bool {
        !matches!(self, TicketStatus::Solved | TicketStatus::Closed)
    }
    pub fn rank(self) -> i64 {
        TicketStatus::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0) as i64
    }
}

impl Priority {
    /// Sort rank: urgent first when sorting by priority descending.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: AgentRole,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TagUsage {
    pub name: String,
    #[ts(type = "number")]
    pub ticket_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// The first address is the primary one.
    pub emails: Vec<String>,
    pub phone: String,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub language: String,
    pub notes: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// One row of a ticket list: everything the list shows, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketSummary {
    pub id: String,
    /// `None` until the server (or the standalone store) has assigned it.
    #[ts(type = "number | null")]
    pub number: Option<i64>,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub ticket_type: TicketType,
    pub channel: Channel,
    pub requester_id: String,
    pub requester_name: String,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub language: String,
    pub preview: String,
    #[ts(type = "number")]
    pub message_count: i64,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    /// When the running SLA breaches (or breached); `None` when nothing is due.
    #[ts(type = "number | null")]
    pub sla_due_at: Option<i64>,
    /// From when the ticket is at risk (see `sla::sla_status`).
    #[ts(type = "number | null")]
    pub sla_warn_at: Option<i64>,
}

/// The full ticket as the ticket view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Ticket {
    #[serde(flatten)]
    #[ts(flatten)]
    pub summary: TicketSummary,
    pub tags: Vec<String>,
    #[ts(type = "number | null")]
    pub first_response_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_customer_message_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_agent_reply_at: Option<i64>,
    #[ts(type = "number | null")]
    pub solved_at: Option<i64>,
    #[ts(type = "number")]
    pub reopen_count: i64,
    pub merged_into_id: Option<String>,
    #[ts(type = "number | null")]
    pub deleted_at: Option<i64>,
    #[ts(type = "number")]
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Attachment {
    pub id: String,
    pub filename: String,
    pub mime: String,
    #[ts(type = "number")]
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Message {
    pub id: String,
    pub ticket_id: String,
    pub kind: MessageKind,
    pub author_kind: AuthorKind,
    pub author_id: Option<String>,
    pub author_name: String,
    pub body_text: String,
    /// Sanitised HTML, with remote images removed unless the agent asked to show them.
    pub body_html: Option<String>,
    /// True when the stored HTML references remote images that were held back.
    pub has_blocked_images: bool,
    pub attachments: Vec<Attachment>,
    #[ts(type = "number")]
    pub created_at: i64,
    /// The e-mail side: addresses, delivery state, problems reading it, the raw original.
    pub email: Option<crate::mail::MessageMail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketEvent {
    pub id: String,
    pub ticket_id: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    /// The changed field ("status", "assignee", "tag", "created", "merged", …).
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// Everything the ticket view needs, fetched in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
    pub events: Vec<TicketEvent>,
    pub requester: Customer,
    /// The requester's other tickets, most recently updated first.
    pub requester_tickets: Vec<TicketSummary>,
    /// The SLA policy covering the ticket and its clocks; `None` when no policy applies.
    pub sla: Option<crate::sla::TicketSla>,
    /// The customer's survey answers about this ticket (CSAT, CES, NPS), oldest first.
    pub ratings: Vec<crate::survey::RatingDoc>,
    /// The requester's answers about any of their tickets, newest first (at most 50).
    pub requester_ratings: Vec<crate::survey::RatingDoc>,
}

string_enum!(
    /// List order: last updated, newest, priority, or next SLA deadline (soonest first,
    /// breached ones first of all, tickets with nothing due last).
    SortKey { Updated => "updated", Created => "created", Priority => "priority", Due => "due" }
);

/// Opaque keyset cursor: the last row's sort keys. The UI passes it back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PageCursor {
    #[ts(type = "Array<number>")]
    pub keys: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketPage {
    pub rows: Vec<TicketSummary>,
    pub next: Option<PageCursor>,
}

/// A piece of a search snippet; `hit` parts are the matched words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchHit {
    pub ticket: TicketSummary,
    /// Where the words matched: "subject", "message", "note" or "customer".
    pub matched_in: String,
    pub snippet: Vec<SnippetPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// True when there may be more hits than returned.
    pub truncated: bool,
}

/// A customer match for the requester picker and the command palette.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerMatch {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub organization_name: Option<String>,
    #[ts(type = "number")]
    pub open_tickets: i64,
}

/// What the UI needs at start: who is working, where the store is, and their preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceInfo {
    /// The local agent profile; `None` until the welcome screen created it.
    pub profile: Option<Agent>,
    pub data_dir: String,
    /// "en", "tr", "pl" or "fa".
    pub locale: String,
    /// "light" or "dark".
    pub theme: String,
    #[ts(type = "number")]
    pub ticket_count: i64,
}

/// Who is applying a change: an agent, or a rule acting as one.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub role: AgentRole,
}
