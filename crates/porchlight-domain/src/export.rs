//! The export format: a helpdesk's data taken out of Porchlight, the same from a desktop and
//! from the server, and read back by `porchlight-server import`.
//!
//! An export is a folder `porchlight-export-YYYYMMDD-HHMMSS` holding:
//! - `documents.jsonl`: every document (tickets, messages and notes, events, ratings,
//!   customers, organizations, agents, groups, tags, the configuration and the knowledge
//!   base), one JSON object a line, `{"kind": "...", "doc": {...}}` as the sync protocol
//!   carries them, in key order;
//! - `attachments.jsonl`: one line per file attached to a message or shown in an article
//!   ([`ExportedAttachment`]), its bytes in `attachments/{sha256}`;
//! - `tickets.csv` and `customers.csv` for spreadsheets (RFC 4180, UTF-8; a cell a
//!   spreadsheet would run as a formula is kept as text);
//! - `manifest.json` ([`ExportManifest`]), written last.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::docs::Doc;
use crate::report_docs::csv;

/// The export format's version, in every manifest.
pub const EXPORT_FORMAT: u32 = 1;

/// What an export holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportManifest {
    pub format: u32,
    #[ts(type = "number")]
    pub created_at: i64,
    /// "desktop" or "server".
    pub source: String,
    pub app_version: String,
    #[ts(type = "number")]
    pub documents: i64,
    #[ts(type = "number")]
    pub tickets: i64,
    #[ts(type = "number")]
    pub customers: i64,
    #[ts(type = "number")]
    pub articles: i64,
    #[ts(type = "number")]
    pub attachments: i64,
    /// The export's folder, once it is in place (so never in the file itself).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[ts(optional = nullable)]
    pub path: String,
}

/// A file attached to a message (or, with empty ticket and message ids, one an article shows):
/// its record, its bytes in `attachments/{sha256}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedAttachment {
    pub id: String,
    pub ticket_id: String,
    pub message_id: String,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

/// The files the knowledge base's texts (every translation and revision) refer to.
pub fn article_files(docs: &[Doc]) -> std::collections::BTreeSet<String> {
    docs.iter()
        .filter_map(|d| match d {
            Doc::KbTranslation(t) => Some(t.body_markdown.as_str()),
            Doc::KbRevision(r) => Some(r.body_markdown.as_str()),
            _ => None,
        })
        .flat_map(crate::markdown::referenced_attachments)
        .collect()
}

/// The manifest of `docs` (with `attachments` files) made at `at`.
pub fn manifest(
    docs: &[Doc],
    attachments: usize,
    source: &str,
    app_version: &str,
    at: i64,
) -> ExportManifest {
    let count = |f: fn(&Doc) -> bool| docs.iter().filter(|d| f(d)).count() as i64;
    ExportManifest {
        format: EXPORT_FORMAT,
        created_at: at,
        source: source.to_owned(),
        app_version: app_version.to_owned(),
        documents: docs.len() as i64,
        tickets: count(|d| matches!(d, Doc::Ticket(t) if t.deleted_at.is_none())),
        customers: count(|d| matches!(d, Doc::Customer(_))),
        articles: count(|d| matches!(d, Doc::KbArticle(_))),
        attachments: attachments as i64,
        path: String::new(),
    }
}

/// One JSON object a line, in key order.
pub fn jsonl<T: Serialize>(items: &[T]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for item in items {
        out.push_str(&serde_json::to_string(item)?);
        out.push('\n');
    }
    Ok(out)
}

/// Reads JSON Lines; an unreadable line is named by its number.
pub fn read_jsonl<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

fn utc(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// `tickets.csv`: one line per ticket (deleted and merged ones too, marked), with its
/// requester, organization, assignee and group by name.
pub fn tickets_csv(docs: &[Doc]) -> String {
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut emails: HashMap<&str, &str> = HashMap::new();
    let mut orgs: HashMap<&str, &str> = HashMap::new();
    for d in docs {
        match d {
            Doc::Customer(c) => {
                names.insert(&c.id, &c.name);
                if let Some(e) = c.emails.first() {
                    emails.insert(&c.id, e);
                }
                if let Some(o) = &c.organization_id {
                    orgs.insert(&c.id, o);
                }
            }
            Doc::Agent(a) => {
                names.insert(&a.id, &a.name);
            }
            Doc::Group(g) => {
                names.insert(&g.id, &g.name);
            }
            Doc::Organization(o) => {
                names.insert(&o.id, &o.name);
            }
            _ => {}
        }
    }
    let name = |id: Option<&String>| {
        id.and_then(|i| names.get(i.as_str()))
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let rows = docs.iter().filter_map(|d| match d {
        Doc::Ticket(t) => Some(vec![
            t.number.map(|n| n.to_string()).unwrap_or_default(),
            t.subject.clone(),
            t.status.as_str().to_owned(),
            t.priority.as_str().to_owned(),
            t.ticket_type.as_str().to_owned(),
            t.channel.as_str().to_owned(),
            name(Some(&t.requester_id)),
            emails
                .get(t.requester_id.as_str())
                .map(|e| e.to_string())
                .unwrap_or_default(),
            orgs.get(t.requester_id.as_str())
                .and_then(|o| names.get(o))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            name(t.assignee_id.as_ref()),
            name(t.group_id.as_ref()),
            t.tags.join(" "),
            utc(Some(t.created_at)),
            utc(Some(t.updated_at)),
            utc(t.first_response_at),
            utc(t.solved_at),
            t.message_count.to_string(),
            if t.deleted_at.is_some() {
                "deleted".into()
            } else if t.merged_into_id.is_some() {
                "merged".into()
            } else {
                String::new()
            },
            t.id.clone(),
        ]),
        _ => None,
    });
    csv(
        &[
            "number",
            "subject",
            "status",
            "priority",
            "type",
            "channel",
            "requester",
            "requester_email",
            "organization",
            "assignee",
            "group",
            "tags",
            "created_utc",
            "updated_utc",
            "first_response_utc",
            "solved_utc",
            "messages",
            "removed",
            "id",
        ],
        rows,
    )
}

/// `customers.csv`: one line per customer.
pub fn customers_csv(docs: &[Doc]) -> String {
    let orgs: HashMap<&str, &str> = docs
        .iter()
        .filter_map(|d| match d {
            Doc::Organization(o) => Some((o.id.as_str(), o.name.as_str())),
            _ => None,
        })
        .collect();
    let rows = docs.iter().filter_map(|d| match d {
        Doc::Customer(c) => Some(vec![
            c.name.clone(),
            c.emails.join(" "),
            c.phone.clone(),
            c.organization_id
                .as_deref()
                .and_then(|o| orgs.get(o))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            c.language.clone(),
            utc(Some(c.created_at)),
            c.id.clone(),
        ]),
        _ => None,
    });
    csv(
        &[
            "name",
            "emails",
            "phone",
            "organization",
            "language",
            "created_utc",
            "id",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_and_a_bad_one_is_named() {
        let items = vec![
            serde_json::json!({"a": 1}),
            serde_json::json!({"b": "x\ny"}),
        ];
        let text = jsonl(&items).unwrap();
        assert_eq!(
            text.lines().count(),
            2,
            "a newline inside a value stays escaped"
        );
        assert_eq!(read_jsonl::<serde_json::Value>(&text).unwrap(), items);
        let err = read_jsonl::<serde_json::Value>("{\"a\":1}\n{oops\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
