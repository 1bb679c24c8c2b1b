//! The records behind the ticket documents: tickets, messages, customers, organizations,
//! agents, groups, tags and customers' ratings, as the server stores them and every desktop mirrors them. Below
//! `docs` (which wraps them, with the configuration and knowledge-base documents, into
//! `Doc`), so the rules and the configuration can read a ticket without depending on
//! everything a document can be.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{
    AgentRole, AuthorKind, Channel, MessageKind, Priority, TicketStatus, TicketType,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketDoc {
    pub id: String,
    #[ts(type = "number | null")]
    pub number: Option<i64>,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub ticket_type: TicketType,
    pub channel: Channel,
    pub requester_id: String,
    pub assignee_id: Option<String>,
    pub group_id: Option<String>,
    /// Sorted, lower-case.
    pub tags: Vec<String>,
    pub language: String,
    /// The latest public message, flattened (notes never become the preview).
    pub preview: String,
    /// Replies and notes (system messages are not counted).
    #[ts(type = "number")]
    pub message_count: i64,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
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
    /// Bumped on every change to the ticket.
    #[ts(type = "number")]
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MessageDoc {
    pub id: String,
    pub ticket_id: String,
    pub kind: MessageKind,
    pub author_kind: AuthorKind,
    pub author_id: Option<String>,
    pub author_name: String,
    pub body_text: String,
    /// Sanitised for storage (never the raw HTML as received).
    pub body_html: Option<String>,
    pub attachment_ids: Vec<String>,
    #[ts(type = "number")]
    pub created_at: i64,
    /// The e-mail side: a mail received, or a reply sent (to be sent) by e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<crate::mail::MessageMail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerDoc {
    pub id: String,
    pub name: String,
    /// Lower-case; the first is the primary address. An address belongs to one customer.
    pub emails: Vec<String>,
    pub phone: String,
    pub organization_id: Option<String>,
    pub language: String,
    pub notes: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrganizationDoc {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    pub notes: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgentDoc {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: AgentRole,
    pub active: bool,
    /// Sorted group ids the agent belongs to.
    pub group_ids: Vec<String>,
    #[ts(type = "number")]
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GroupDoc {
    pub id: String,
    pub name: String,
    pub description: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TagDoc {
    pub name: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

pub use crate::survey::{rating_doc_id, RatingDoc, RatingVia, SurveyKind};
