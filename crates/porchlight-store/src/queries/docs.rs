//! Replicated documents ⇄ rows: writing what the server sends into the store's tables, and
//! reading a row back as the document the server would send (for rollbacks and for
//! comparing stores in tests).

use porchlight_domain::docs::{
    AgentDoc, CustomerDoc, Doc, DocKind, GroupDoc, MessageDoc, OrganizationDoc, RatingDoc, TagDoc,
    TicketDoc,
};
use porchlight_domain::mail::{DeliveryState, MessageMail};
use porchlight_domain::records::{RatingVia, SurveyKind};
use porchlight_domain::{
    AgentRole, AuthorKind, Channel, MessageKind, Priority, TicketStatus, TicketType,
};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use std::cell::RefCell;
use std::collections::HashMap;

use super::enum_col;
use crate::StoreResult;

/// Inserts or replaces the rows a document stands for. Foreign keys are checked at commit
/// (the caller defers them): documents of one change may arrive in any order.
pub(crate) fn write(c: &Connection, doc: &Doc) -> StoreResult<()> {
    match doc {
        Doc::KbCategory(_)
        | Doc::KbArticle(_)
        | Doc::KbTranslation(_)
        | Doc::KbRevision(_)
        | Doc::KbConflict(_)
        | Doc::KbVotes(_) => super::kb_docs::write_doc(c, doc)?,
        Doc::Rule(_) | Doc::Macro(_) | Doc::SlaPolicy(_) | Doc::Calendar(_) | Doc::Mailbox(_) => {
            super::config_docs::write_doc(c, doc)?
        }
        Doc::Ticket(t) => write_ticket(c, t, None)?,
        Doc::Rating(r) => {
            c.prepare_cached(
                "INSERT OR REPLACE INTO ratings(id, ticket_id, customer_id, kind, score, comment, via, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                r.id, r.ticket_id, r.customer_id, r.kind.as_str(), r.score, r.comment,
                r.via.as_str(), r.created_at, r.updated_at
            ])?;
        }
        Doc::Message(m) => {
            let meta = m.email.as_ref().map(serde_json::to_string).transpose()?;
            c.prepare_cached(
                "INSERT INTO messages(id, ticket_id, kind, author_kind, author_id, author_name, body_text, body_html, created_at, pending, channel_meta)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)
                 ON CONFLICT(id) DO UPDATE SET ticket_id = excluded.ticket_id, pending = 0,
                   channel_meta = excluded.channel_meta",
            )?
            .execute(params![
                m.id, m.ticket_id, m.kind.as_str(), m.author_kind.as_str(), m.author_id,
                m.author_name, m.body_text, m.body_html, m.created_at, meta
            ])?;
            if let Some(e) = &m.email {
                write_mail_keys(c, &m.id, e)?;
            }
            // Files this desktop staged itself are linked; others' are noted as remote (their
            // name and bytes come from the server, see `Store::remote_attachments`).
            for a in &m.attachment_ids {
                let linked = c
                    .prepare_cached("UPDATE attachments SET message_id = ?1 WHERE id = ?2")?
                    .execute(params![m.id, a])?;
                if linked == 0 {
                    c.prepare_cached(
                        "INSERT INTO attachments(id, message_id, filename, mime, size, sha256, created_at, remote, uploaded)
                         VALUES (?1, ?2, '', '', 0, '', ?3, 1, 1)",
                    )?
                    .execute(params![a, m.id, m.created_at])?;
                }
            }
            // The raw mail a message was read from stays where it was fetched (the server,
            // for a team): noted as remote so "Show original" can fetch it. Linked to no
            // message, so the thread does not list it as a file.
            if let Some(raw) = m.email.as_ref().and_then(|e| e.raw_attachment_id.as_ref()) {
                c.prepare_cached(
                    "INSERT INTO attachments(id, message_id, filename, mime, size, sha256, created_at, remote, uploaded)
                     VALUES (?1, NULL, '', '', 0, '', ?2, 1, 1) ON CONFLICT(id) DO NOTHING",
                )?
                .execute(params![raw, m.created_at])?;
            }
        }
        Doc::Event(e) => {
            c.prepare_cached(
                "INSERT INTO ticket_events(id, ticket_id, actor_id, actor_name, field, old_value, new_value, created_at, pending)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)
                 ON CONFLICT(id) DO UPDATE SET pending = 0",
            )?
            .execute(params![
                e.id, e.ticket_id, e.actor_id, e.actor_name, e.field, e.old_value, e.new_value,
                e.created_at
            ])?;
        }
        Doc::Customer(cu) => {
            c.prepare_cached(
                "INSERT INTO customers(id, name, email_list, phone, organization_id, language, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, email_list = excluded.email_list,
                   phone = excluded.phone, organization_id = excluded.organization_id, language = excluded.language,
                   notes = excluded.notes, created_at = excluded.created_at, updated_at = excluded.updated_at",
            )?
            .execute(params![
                cu.id, cu.name, cu.emails.join(" "), cu.phone, cu.organization_id, cu.language,
                cu.notes, cu.created_at, cu.updated_at
            ])?;
            c.prepare_cached("DELETE FROM customer_emails WHERE customer_id = ?1")?
                .execute([&cu.id])?;
            for (i, e) in cu.emails.iter().enumerate() {
                // The server guarantees one owner per address; a stale local owner yields.
                c.prepare_cached(
                    "INSERT INTO customer_emails(email, customer_id, position) VALUES (?1, ?2, ?3)
                     ON CONFLICT(email) DO UPDATE SET customer_id = excluded.customer_id, position = excluded.position",
                )?
                .execute(params![e, cu.id, i as i64])?;
            }
        }
        Doc::Organization(o) => {
            c.prepare_cached(
                "INSERT INTO organizations(id, name, domains, notes, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, domains = excluded.domains,
                   notes = excluded.notes, created_at = excluded.created_at, updated_at = excluded.updated_at",
            )?
            .execute(params![
                o.id, o.name, serde_json::to_string(&o.domains)?, o.notes, o.created_at, o.updated_at
            ])?;
        }
        Doc::Agent(a) => {
            c.prepare_cached(
                "INSERT INTO agents(id, name, email, role, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email,
                   role = excluded.role, active = excluded.active, created_at = excluded.created_at",
            )?
            .execute(params![a.id, a.name, a.email, a.role.as_str(), a.active, a.created_at])?;
            c.prepare_cached("DELETE FROM agent_group_member WHERE agent_id = ?1")?
                .execute([&a.id])?;
            for g in &a.group_ids {
                c.prepare_cached(
                    "INSERT OR IGNORE INTO agent_group_member(group_id, agent_id) VALUES (?1, ?2)",
                )?
                .execute(params![g, a.id])?;
            }
        }
        Doc::Group(g) => {
            c.prepare_cached(
                "INSERT INTO agent_group(id, name, description, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
                   created_at = excluded.created_at",
            )?
            .execute(params![g.id, g.name, g.description, g.created_at])?;
        }
        Doc::Tag(t) => {
            c.prepare_cached(
                "INSERT INTO tags(name, created_at) VALUES (?1, ?2)
                 ON CONFLICT(name) DO UPDATE SET created_at = excluded.created_at",
            )?
            .execute(params![t.name, t.created_at])?;
        }
    }
    Ok(())
}

/// Removes what a document stands for (a tombstone from the server, or the rollback of
/// something only this desktop created).
pub(crate) fn delete(c: &Connection, kind: DocKind, id: &str) -> StoreResult<()> {
    match kind {
        DocKind::KbCategory
        | DocKind::KbArticle
        | DocKind::KbTranslation
        | DocKind::KbRevision
        | DocKind::KbConflict
        | DocKind::KbVotes => super::kb_docs::delete_doc(c, kind, id)?,
        DocKind::Rule
        | DocKind::Macro
        | DocKind::SlaPolicy
        | DocKind::Calendar
        | DocKind::Mailbox => super::config_docs::delete_doc(c, kind, id)?,
        DocKind::Rating => {
            c.execute("DELETE FROM ratings WHERE id = ?1", [id])?;
        }
        DocKind::Ticket => {
            c.execute("DELETE FROM ratings WHERE ticket_id = ?1", [id])?;
            c.execute(
                "UPDATE attachments SET message_id = NULL WHERE message_id IN (SELECT id FROM messages WHERE ticket_id = ?1)",
                [id],
            )?;
            c.execute("DELETE FROM messages WHERE ticket_id = ?1", [id])?;
            c.execute("DELETE FROM ticket_events WHERE ticket_id = ?1", [id])?;
            c.execute("DELETE FROM ticket_tags WHERE ticket_id = ?1", [id])?;
            c.execute("DELETE FROM tickets WHERE id = ?1", [id])?;
        }
        DocKind::Message => {
            c.execute(
                "UPDATE attachments SET message_id = NULL WHERE message_id = ?1",
                [id],
            )?;
            c.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        }
        DocKind::Event => {
            c.execute("DELETE FROM ticket_events WHERE id = ?1", [id])?;
        }
        DocKind::Customer => {
            c.execute("DELETE FROM customer_emails WHERE customer_id = ?1", [id])?;
            c.execute("DELETE FROM customers WHERE id = ?1", [id])?;
        }
        DocKind::Organization => {
            c.execute("DELETE FROM organizations WHERE id = ?1", [id])?;
        }
        DocKind::Agent => {
            c.execute("DELETE FROM agent_group_member WHERE agent_id = ?1", [id])?;
            c.execute("DELETE FROM agents WHERE id = ?1", [id])?;
        }
        DocKind::Group => {
            c.execute("DELETE FROM agent_group_member WHERE group_id = ?1", [id])?;
            c.execute("DELETE FROM agent_group WHERE id = ?1", [id])?;
        }
        DocKind::Tag => {
            c.execute("DELETE FROM ticket_tags WHERE tag = ?1", [id])?;
            c.execute("DELETE FROM tags WHERE name = ?1", [id])?;
        }
    }
    Ok(())
}

/// The tickets of one change as they are stored, read or written by it: a change reads its
/// ticket before, inside and after the engine, each rule that fires reads and writes it
/// again, and each write compares with what is stored. Scoped to one change inside its
/// transaction (a savepoint rolled back clears it: see [`TicketCache::clear`]); tags are
/// kept in the order a read gives them.
#[derive(Default)]
pub(crate) struct TicketCache(RefCell<HashMap<String, Option<TicketDoc>>>);

impl TicketCache {
    /// Forgets everything, after a rollback of part of the change.
    pub(crate) fn clear(&self) {
        self.0.borrow_mut().clear();
    }

    fn known(&self, id: &str) -> Option<Option<TicketDoc>> {
        self.0.borrow().get(id).cloned()
    }

    fn note(&self, id: &str, doc: Option<&TicketDoc>) {
        let doc = doc.map(|t| {
            let mut t = t.clone();
            t.tags.sort();
            t
        });
        self.0.borrow_mut().insert(id.to_string(), doc);
    }
}

/// [`read`] of a ticket, through the change's cache.
pub(crate) fn read_ticket(
    c: &Connection,
    cache: &TicketCache,
    id: &str,
) -> StoreResult<Option<TicketDoc>> {
    if let Some(known) = cache.known(id) {
        return Ok(known);
    }
    let t = match read(c, DocKind::Ticket, id)? {
        Some(Doc::Ticket(t)) => Some(t),
        _ => None,
    };
    cache.note(id, t.as_ref());
    Ok(t)
}

/// [`write`] and [`delete`] through the change's cache.
pub(crate) fn write_cached(c: &Connection, cache: &TicketCache, doc: &Doc) -> StoreResult<()> {
    match doc {
        Doc::Ticket(t) => {
            write_ticket(c, t, Some(cache))?;
            cache.note(&t.id, Some(t));
            Ok(())
        }
        _ => write(c, doc),
    }
}

pub(crate) fn delete_cached(
    c: &Connection,
    cache: &TicketCache,
    kind: DocKind,
    id: &str,
) -> StoreResult<()> {
    delete(c, kind, id)?;
    if kind == DocKind::Ticket {
        cache.note(id, None);
    }
    Ok(())
}

fn ticket_values(t: &TicketDoc) -> [Value; TICKET_COLUMNS.len()] {
    [
        t.number.into(),
        t.subject.clone().into(),
        t.status.as_str().to_string().into(),
        t.priority.as_str().to_string().into(),
        t.priority.rank().into(),
        t.ticket_type.as_str().to_string().into(),
        t.channel.as_str().to_string().into(),
        t.requester_id.clone().into(),
        t.assignee_id.clone().into(),
        t.group_id.clone().into(),
        t.language.clone().into(),
        t.preview.clone().into(),
        t.message_count.into(),
        t.created_at.into(),
        t.updated_at.into(),
        t.first_response_at.into(),
        t.last_customer_message_at.into(),
        t.last_agent_reply_at.into(),
        t.solved_at.into(),
        t.reopen_count.into(),
        t.merged_into_id.clone().into(),
        t.deleted_at.into(),
        t.version.into(),
    ]
}

/// A ticket's row and tags; what is stored is taken from `cache` when it knows the ticket.
fn write_ticket(c: &Connection, t: &TicketDoc, cache: Option<&TicketCache>) -> StoreResult<()> {
    let values = ticket_values(t);
    let known = cache.and_then(|k| k.known(&t.id));
    let stored_tags = match &known {
        Some(stored) => {
            let stored_values = stored.as_ref().map(ticket_values);
            write_ticket_row(
                c,
                &t.id,
                &values,
                Some(stored_values.as_ref().map(|v| &v[..])),
            )?;
            stored.as_ref().map(|s| s.tags.clone()).unwrap_or_default()
        }
        None => {
            write_ticket_row(c, &t.id, &values, None)?;
            strings(c, "SELECT tag FROM ticket_tags WHERE ticket_id = ?1", &t.id)?
        }
    };
    // Only the tags that changed: each row written fires the tag-count and SLA
    // triggers, and most writes of a ticket keep its tags.
    for gone in stored_tags.iter().filter(|g| !t.tags.contains(g)) {
        c.prepare_cached("DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2")?
            .execute(params![t.id, gone])?;
    }
    for tag in t.tags.iter().filter(|g| !stored_tags.contains(g)) {
        c.prepare_cached("INSERT OR IGNORE INTO tags(name, created_at) VALUES (?1, ?2)")?
            .execute(params![tag, t.created_at])?;
        c.prepare_cached("INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?1, ?2)")?
            .execute(params![t.id, tag])?;
    }
    Ok(())
}

/// The columns a ticket document sets, in the order `ticket_values` lists their values.
const TICKET_COLUMNS: [&str; 23] = [
    "number",
    "subject",
    "status",
    "priority",
    "priority_rank",
    "ticket_type",
    "channel",
    "requester_id",
    "assignee_id",
    "group_id",
    "language",
    "preview",
    "message_count",
    "created_at",
    "updated_at",
    "first_response_at",
    "last_customer_message_at",
    "last_agent_reply_at",
    "solved_at",
    "reopen_count",
    "merged_into_id",
    "deleted_at",
    "version",
];

/// The statements reading and inserting those columns, written once.
static TICKET_SQL: std::sync::LazyLock<(String, String)> = std::sync::LazyLock::new(|| {
    let marks: Vec<String> = (2..=TICKET_COLUMNS.len() + 1)
        .map(|i| format!("?{i}"))
        .collect();
    (
        format!(
            "SELECT {} FROM tickets WHERE id = ?1",
            TICKET_COLUMNS.join(", ")
        ),
        format!(
            "INSERT INTO tickets(id, {}) VALUES (?1, {})",
            TICKET_COLUMNS.join(", "),
            marks.join(", ")
        ),
    )
});

/// Writes a ticket row: inserted when new, else only the columns whose value changed are
/// set. A ticket carries many indexes (one per list order, with status and assignee), and
/// SQLite rewrites the entries of every index a SET names, changed or not: setting all
/// columns made each small change (a priority, a reply's preview) rewrite them all.
/// `known`: the stored values when the caller knows them (`Some(None)`: no row).
fn write_ticket_row(
    c: &Connection,
    id: &str,
    values: &[Value],
    known: Option<Option<&[Value]>>,
) -> StoreResult<()> {
    let id_value = Value::Text(id.to_string());
    let stored: Option<Vec<Value>> = match known {
        Some(k) => k.map(<[Value]>::to_vec),
        None => c
            .prepare_cached(&TICKET_SQL.0)?
            .query_row([id], |r| {
                (0..TICKET_COLUMNS.len())
                    .map(|i| r.get::<_, Value>(i))
                    .collect()
            })
            .optional()?,
    };
    let Some(stored) = stored else {
        let params = std::iter::once(&id_value as &dyn rusqlite::ToSql)
            .chain(values.iter().map(|v| v as &dyn rusqlite::ToSql));
        c.prepare_cached(&TICKET_SQL.1)?
            .execute(rusqlite::params_from_iter(params))?;
        return Ok(());
    };
    let changed: Vec<usize> = (0..TICKET_COLUMNS.len())
        .filter(|&i| stored[i] != values[i])
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    // Assembled only from the fixed column names above; every value is bound.
    let sets: Vec<String> = changed
        .iter()
        .enumerate()
        .map(|(n, &i)| format!("{} = ?{}", TICKET_COLUMNS[i], n + 2))
        .collect();
    let sql = format!("UPDATE tickets SET {} WHERE id = ?1", sets.join(", "));
    let params = std::iter::once(&id_value as &dyn rusqlite::ToSql)
        .chain(changed.iter().map(|&i| &values[i] as &dyn rusqlite::ToSql));
    c.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(params))?;
    Ok(())
}

fn strings(c: &Connection, sql: &str, id: &str) -> StoreResult<Vec<String>> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(rows)
}

/// A ticket's tags, by name.
pub(crate) fn tags_of(c: &Connection, id: &str) -> StoreResult<Vec<String>> {
    let mut st =
        c.prepare_cached("SELECT tag FROM ticket_tags WHERE ticket_id = ?1 ORDER BY tag")?;
    let tags = st
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(tags)
}

/// The document a row stands for, as it is in this store now.
pub(crate) fn read(c: &Connection, kind: DocKind, id: &str) -> StoreResult<Option<Doc>> {
    Ok(match kind {
        DocKind::KbCategory
        | DocKind::KbArticle
        | DocKind::KbTranslation
        | DocKind::KbRevision
        | DocKind::KbConflict
        | DocKind::KbVotes => super::kb_docs::read_doc(c, kind, id)?,
        DocKind::Rule
        | DocKind::Macro
        | DocKind::SlaPolicy
        | DocKind::Calendar
        | DocKind::Mailbox => super::config_docs::read_doc(c, kind, id)?,
        DocKind::Rating => c
            .prepare_cached(&format!("SELECT {RATING_COLS} FROM ratings WHERE id = ?1"))?
            .query_row([id], rating_row)
            .optional()?
            .map(Doc::Rating),
        DocKind::Ticket => {
            let t = c
                .prepare_cached(&format!(
                    "SELECT {TICKET_DOC_COLS} FROM tickets WHERE id = ?1"
                ))?
                .query_row([id], ticket_doc_row)
                .optional()?;
            match t {
                Some(mut t) => {
                    t.tags = strings(
                        c,
                        "SELECT tag FROM ticket_tags WHERE ticket_id = ?1 ORDER BY tag",
                        id,
                    )?;
                    Some(Doc::Ticket(t))
                }
                None => None,
            }
        }
        DocKind::Message => {
            let m = c
                .prepare_cached(
                    "SELECT id, ticket_id, kind, author_kind, author_id, author_name, body_text, body_html, created_at, channel_meta
                     FROM messages WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(MessageDoc {
                        email: mail_meta(r.get_ref(9)?.as_str_or_null()?),
                        id: r.get(0)?,
                        ticket_id: r.get(1)?,
                        kind: enum_col(r, 2, MessageKind::parse)?,
                        author_kind: enum_col(r, 3, AuthorKind::parse)?,
                        author_id: r.get(4)?,
                        author_name: r.get(5)?,
                        body_text: r.get(6)?,
                        body_html: r.get(7)?,
                        attachment_ids: Vec::new(),
                        created_at: r.get(8)?,
                    })
                })
                .optional()?;
            match m {
                Some(mut m) => {
                    m.attachment_ids = strings(
                        c,
                        "SELECT id FROM attachments WHERE message_id = ?1 ORDER BY created_at, id",
                        id,
                    )?;
                    Some(Doc::Message(m))
                }
                None => None,
            }
        }
        DocKind::Event => c
            .prepare_cached(&format!(
                "SELECT {} FROM ticket_events WHERE id = ?1",
                super::events::EVENT_COLS
            ))?
            .query_row([id], |r| super::events::event_row(r).map(Doc::Event))
            .optional()?,
        DocKind::Customer => {
            let cu = c
                .prepare_cached(
                    "SELECT id, name, phone, organization_id, language, notes, created_at, updated_at
                     FROM customers WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(CustomerDoc {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        emails: Vec::new(),
                        phone: r.get(2)?,
                        organization_id: r.get(3)?,
                        language: r.get(4)?,
                        notes: r.get(5)?,
                        created_at: r.get(6)?,
                        updated_at: r.get(7)?,
                    })
                })
                .optional()?;
            match cu {
                Some(mut cu) => {
                    cu.emails = strings(
                        c,
                        "SELECT email FROM customer_emails WHERE customer_id = ?1 ORDER BY position",
                        id,
                    )?;
                    Some(Doc::Customer(cu))
                }
                None => None,
            }
        }
        DocKind::Organization => {
            let o: Option<(String, String, String, String, i64, i64)> = c
                .prepare_cached(
                    "SELECT id, name, domains, notes, created_at, updated_at FROM organizations WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })
                .optional()?;
            match o {
                Some((id, name, domains, notes, created_at, updated_at)) => {
                    Some(Doc::Organization(OrganizationDoc {
                        id,
                        name,
                        domains: serde_json::from_str(&domains)?,
                        notes,
                        created_at,
                        updated_at,
                    }))
                }
                None => None,
            }
        }
        DocKind::Agent => {
            let a = c
                .prepare_cached(
                    "SELECT id, name, email, role, active, created_at FROM agents WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(AgentDoc {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                        role: enum_col(r, 3, AgentRole::parse)?,
                        active: r.get(4)?,
                        group_ids: Vec::new(),
                        created_at: r.get(5)?,
                    })
                })
                .optional()?;
            match a {
                Some(mut a) => {
                    a.group_ids = strings(
                        c,
                        "SELECT group_id FROM agent_group_member WHERE agent_id = ?1 ORDER BY group_id",
                        id,
                    )?;
                    Some(Doc::Agent(a))
                }
                None => None,
            }
        }
        DocKind::Group => c
            .prepare_cached(
                "SELECT id, name, description, created_at FROM agent_group WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Doc::Group(GroupDoc {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    description: r.get(2)?,
                    created_at: r.get(3)?,
                }))
            })
            .optional()?,
        DocKind::Tag => c
            .prepare_cached("SELECT name, created_at FROM tags WHERE name = ?1")?
            .query_row([id], |r| {
                Ok(Doc::Tag(TagDoc {
                    name: r.get(0)?,
                    created_at: r.get(1)?,
                }))
            })
            .optional()?,
    })
}

/// The columns [`ticket_doc_row`] reads, in order (tags are read apart).
pub(crate) const TICKET_DOC_COLS: &str =
    "id, number, subject, status, priority, ticket_type, channel, requester_id, assignee_id,
     group_id, language, preview, message_count, created_at, updated_at, first_response_at,
     last_customer_message_at, last_agent_reply_at, solved_at, reopen_count, merged_into_id,
     deleted_at, version";

/// A ticket row (selected with [`TICKET_DOC_COLS`]) as its document, without its tags.
pub(crate) fn ticket_doc_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TicketDoc> {
    Ok(TicketDoc {
        id: r.get(0)?,
        number: r.get(1)?,
        subject: r.get(2)?,
        status: enum_col(r, 3, TicketStatus::parse)?,
        priority: enum_col(r, 4, Priority::parse)?,
        ticket_type: enum_col(r, 5, TicketType::parse)?,
        channel: enum_col(r, 6, Channel::parse)?,
        requester_id: r.get(7)?,
        assignee_id: r.get(8)?,
        group_id: r.get(9)?,
        tags: Vec::new(),
        language: r.get(10)?,
        preview: r.get(11)?,
        message_count: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        first_response_at: r.get(15)?,
        last_customer_message_at: r.get(16)?,
        last_agent_reply_at: r.get(17)?,
        solved_at: r.get(18)?,
        reopen_count: r.get(19)?,
        merged_into_id: r.get(20)?,
        deleted_at: r.get(21)?,
        version: r.get(22)?,
    })
}

/// The columns [`rating_row`] reads, in its order.
pub(crate) const RATING_COLS: &str =
    "id, kind, ticket_id, customer_id, score, comment, via, created_at, updated_at";

/// A `ratings` row ([`RATING_COLS`]) as its document.
pub(crate) fn rating_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RatingDoc> {
    Ok(RatingDoc {
        id: r.get(0)?,
        kind: enum_col(r, 1, SurveyKind::parse)?,
        ticket_id: r.get(2)?,
        customer_id: r.get(3)?,
        score: r.get(4)?,
        comment: r.get(5)?,
        via: enum_col(r, 6, RatingVia::parse)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// Ids of every row of a kind (for canonical dumps).
pub(crate) fn ids(c: &Connection, kind: DocKind) -> StoreResult<Vec<String>> {
    let sql = match kind {
        DocKind::KbCategory
        | DocKind::KbArticle
        | DocKind::KbTranslation
        | DocKind::KbRevision
        | DocKind::KbConflict
        | DocKind::KbVotes => super::kb_docs::ids_sql(kind),
        DocKind::Rule
        | DocKind::Macro
        | DocKind::SlaPolicy
        | DocKind::Calendar
        | DocKind::Mailbox => super::config_docs::ids_sql(kind),
        DocKind::Ticket => "SELECT id FROM tickets",
        DocKind::Message => "SELECT id FROM messages",
        DocKind::Event => "SELECT id FROM ticket_events",
        DocKind::Customer => "SELECT id FROM customers",
        DocKind::Organization => "SELECT id FROM organizations",
        DocKind::Agent => "SELECT id FROM agents",
        DocKind::Group => "SELECT id FROM agent_group",
        DocKind::Tag => "SELECT name FROM tags",
        DocKind::Rating => "SELECT id FROM ratings",
    };
    let mut st = c.prepare(sql)?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(rows)
}

/// The e-mail side of a message row (`channel_meta`); unreadable JSON reads as none.
pub(crate) fn mail_meta(json: Option<&str>) -> Option<MessageMail> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

/// Keeps a mailed message findable by its Message-ID and, while it waits, in the send queue.
fn write_mail_keys(c: &Connection, message_id: &str, e: &MessageMail) -> StoreResult<()> {
    c.prepare_cached("INSERT OR IGNORE INTO mail_ids(mail_id, message_id) VALUES (?1, ?2)")?
        .execute(params![e.mail_id, message_id])?;
    let queued = e
        .delivery
        .as_ref()
        .filter(|d| d.state == DeliveryState::Queued);
    if let Some(d) = queued {
        c.prepare_cached(
            "INSERT INTO mail_queue(message_id, not_before) VALUES (?1, ?2)
             ON CONFLICT(message_id) DO UPDATE SET not_before = excluded.not_before",
        )?
        .execute(params![message_id, d.not_before.unwrap_or(0)])?;
    } else {
        c.prepare_cached("DELETE FROM mail_queue WHERE message_id = ?1")?
            .execute([message_id])?;
    }
    Ok(())
}
