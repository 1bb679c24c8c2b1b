//! `Store::apply`: validates an intent-level mutation, applies it in one transaction with its
//! audit events and metric timestamps, and records it in `mutations` (the future outbox).

use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::sanitize::{html_to_text, sanitize_for_storage};
use porchlight_domain::{
    Agent, AuthorKind, DomainError, ErrorCode, Group, MessageKind, Mutation, Organization,
    TicketStatus,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::queries::agents::{self, ensure_tag};
use crate::queries::attachments;
use crate::queries::customers::{self, CustomerInput};
use crate::queries::events::{record, Actor};
use crate::{now_ms, Store, StoreResult};

const PREVIEW_CHARS: usize = 160;

pub(crate) fn preview(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PREVIEW_CHARS {
        flat
    } else {
        flat.chars().take(PREVIEW_CHARS - 1).collect::<String>() + "…"
    }
}

/// The state of a ticket that decides whether it can still take changes.
struct Live {
    number: Option<i64>,
    status: TicketStatus,
}

fn live_ticket(c: &Connection, id: &str) -> StoreResult<Live> {
    type Row = (Option<i64>, String, Option<String>, Option<i64>);
    let row: Option<Row> = c
        .prepare_cached(
            "SELECT number, status, merged_into_id, deleted_at FROM tickets WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (number, status, merged, deleted) =
        row.ok_or_else(|| DomainError::not_found("ticket", id))?;
    let label = number
        .map(|n| format!("#{n}"))
        .unwrap_or_else(|| "This ticket".into());
    if deleted.is_some() {
        return Err(DomainError::new(
            ErrorCode::TicketDeleted,
            None,
            format!("{label} was deleted; nothing was changed."),
        )
        .into());
    }
    if let Some(target) = merged {
        let tn: Option<i64> = c
            .query_row("SELECT number FROM tickets WHERE id = ?1", [&target], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        let into = tn
            .map(|n| format!("#{n}"))
            .unwrap_or_else(|| "another ticket".into());
        return Err(DomainError::new(
            ErrorCode::TicketMerged,
            None,
            format!("{label} was merged into {into}; continue there. Nothing was changed."),
        )
        .into());
    }
    Ok(Live {
        number,
        status: TicketStatus::parse("status", &status)?,
    })
}

fn touch(c: &Connection, id: &str, at: i64) -> StoreResult<()> {
    c.prepare_cached("UPDATE tickets SET updated_at = max(updated_at + 1, ?2), version = version + 1 WHERE id = ?1")?
        .execute(params![id, at])?;
    Ok(())
}

fn require_agent(c: &Connection, id: &str) -> StoreResult<String> {
    let row: Option<(String, bool)> = c
        .query_row("SELECT name, active FROM agents WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match row {
        Some((name, true)) => Ok(name),
        Some((name, false)) => Err(DomainError::invalid(
            "assignee",
            format!("{name} is deactivated and cannot take tickets."),
        )
        .into()),
        None => Err(DomainError::not_found("agent", id).into()),
    }
}

fn require_group(c: &Connection, id: &str) -> StoreResult<String> {
    c.query_row("SELECT name FROM agent_group WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| DomainError::not_found("group", id).into())
}

/// Standalone, the store numbers tickets itself; connected to a server, the server does
/// and the ticket shows as pending until then.
fn next_number(c: &Connection) -> StoreResult<Option<i64>> {
    if crate::sync::is_connected(c)? {
        return Ok(None);
    }
    Ok(Some(c.query_row(
        "SELECT coalesce(max(number), 1000) + 1 FROM tickets",
        [],
        |r| r.get(0),
    )?))
}

struct MessageInput<'a> {
    id: &'a str,
    ticket_id: &'a str,
    kind: MessageKind,
    author_kind: AuthorKind,
    author_id: Option<&'a str>,
    author_name: &'a str,
    body_text: &'a str,
    body_html: Option<&'a str>,
    at: i64,
}

fn insert_message(c: &Connection, m: &MessageInput<'_>) -> StoreResult<()> {
    let exists: bool = c.query_row("SELECT count(*) FROM messages WHERE id = ?1", [m.id], |r| {
        r.get(0)
    })?;
    if exists {
        return Err(DomainError::new(
            ErrorCode::Conflict,
            Some("message_id"),
            "This message was already sent.",
        )
        .into());
    }
    c.prepare_cached(
        "INSERT INTO messages(id, ticket_id, kind, author_kind, author_id, author_name, body_text, body_html, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        m.id,
        m.ticket_id,
        m.kind.as_str(),
        m.author_kind.as_str(),
        m.author_id,
        m.author_name,
        m.body_text,
        m.body_html,
        m.at
    ])?;
    match m.kind {
        MessageKind::System => {}
        // Notes count as thread items but never become the list preview.
        MessageKind::Note => {
            c.prepare_cached("UPDATE tickets SET message_count = message_count + 1 WHERE id = ?1")?
                .execute(params![m.ticket_id])?;
        }
        MessageKind::Reply => {
            c.prepare_cached(
                "UPDATE tickets SET message_count = message_count + 1, preview = ?2 WHERE id = ?1",
            )?
            .execute(params![m.ticket_id, preview(m.body_text)])?;
        }
    }
    Ok(())
}

fn system_message(c: &Connection, ticket_id: &str, text: &str, at: i64) -> StoreResult<()> {
    insert_message(
        c,
        &MessageInput {
            id: &crate::new_id(),
            ticket_id,
            kind: MessageKind::System,
            author_kind: AuthorKind::System,
            author_id: None,
            author_name: "Porchlight",
            body_text: text,
            body_html: None,
            at,
        },
    )
}

fn set_status(
    c: &Connection,
    id: &str,
    from: TicketStatus,
    to: TicketStatus,
    actor: &Actor<'_>,
    at: i64,
) -> StoreResult<()> {
    if from == to {
        return Ok(());
    }
    let reopened = !from.is_open_like() && to.is_open_like();
    c.prepare_cached(
        "UPDATE tickets SET status = ?2,
           solved_at = CASE WHEN ?2 IN ('solved', 'closed') THEN coalesce(CASE WHEN ?4 THEN NULL ELSE solved_at END, ?3) ELSE solved_at END,
           reopen_count = reopen_count + ?5
         WHERE id = ?1",
    )?
    .execute(params![id, to.as_str(), at, from.is_open_like(), reopened as i64])?;
    record(
        c,
        id,
        actor,
        "status",
        Some(from.as_str()),
        Some(to.as_str()),
        at,
    )
}

impl Store {
    /// Applies one mutation as the local agent.
    pub fn apply(&self, m: Mutation) -> StoreResult<()> {
        self.apply_many(vec![m])
    }

    /// Applies several mutations in one transaction: all or nothing (bulk actions).
    pub fn apply_many(&self, ms: Vec<Mutation>) -> StoreResult<()> {
        let me = self.me().ok_or_else(|| {
            DomainError::new(
                ErrorCode::NotFound,
                Some("profile"),
                "Create your agent profile first.",
            )
        })?;
        let ms = ms
            .into_iter()
            .map(Mutation::validated)
            .collect::<Result<Vec<_>, _>>()?;
        self.with_tx(|tx| {
            let name = agents::name_of(tx, &me)?;
            let actor = Actor { id: Some(&me), name: &name };
            let connected = crate::sync::is_connected(tx)?;
            // Standalone, this desktop runs the automation rules (a server runs them once
            // for everyone in team mode).
            let rules = if connected {
                Vec::new()
            } else {
                crate::queries::config::rules(tx)?
            };
            let automate = !rules.is_empty();
            // What the rules do (never the agent's own part) may notify the agent.
            let mark = if automate {
                Some(crate::queries::notifications::watermark(tx)?)
            } else {
                None
            };
            for m in &ms {
                let at = now_ms();
                if connected && crate::sync::is_shared(m) {
                    crate::sync::apply_optimistic(tx, m, &actor, at)?;
                    crate::sync::append_outbox(tx, m, at)?;
                } else if let Some((ticket, kind, author)) =
                    crate::automation::event_of(m).filter(|_| automate)
                {
                    let before = crate::automation::ticket_doc(tx, ticket)?;
                    apply_one(tx, m, &actor, at)?;
                    let event = crate::automation::Change {
                        ticket_id: ticket,
                        kind,
                        author,
                        before: before.as_ref(),
                    };
                    crate::automation::after_change(tx, &rules, event, at)?;
                } else {
                    apply_one(tx, m, &actor, at)?;
                }
                tx.prepare_cached("INSERT INTO mutations(actor_id, name, args, created_at) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![me, m.name(), serde_json::to_string(m)?, now_ms()])?;
            }
            if let Some(mark) = mark {
                crate::queries::notifications::derive_local(tx, mark)?;
            }
            Ok(())
        })
    }
}

pub(crate) fn apply_one(
    tx: &Transaction<'_>,
    m: &Mutation,
    actor: &Actor<'_>,
    at: i64,
) -> StoreResult<()> {
    match m {
        Mutation::CreateTicket {
            ticket_id,
            message_id,
            subject,
            requester,
            channel,
            priority,
            ticket_type,
            assignee_id,
            group_id,
            tags,
            body_text,
            attachment_ids,
        } => {
            let exists: bool = tx.query_row(
                "SELECT count(*) FROM tickets WHERE id = ?1",
                [ticket_id],
                |r| r.get(0),
            )?;
            if exists {
                return Err(DomainError::new(
                    ErrorCode::Conflict,
                    Some("ticket_id"),
                    "This ticket was already created.",
                )
                .into());
            }
            let requester_id = match requester {
                RequesterRef::Existing { id } => {
                    customers::get(tx, id)?;
                    id.clone()
                }
                RequesterRef::New {
                    id,
                    name,
                    email,
                    phone,
                } => {
                    let emails: Vec<String> = email.iter().cloned().collect();
                    // A known address means a known customer: reuse, never duplicate.
                    match email
                        .as_deref()
                        .map(|e| customers::by_email(tx, e))
                        .transpose()?
                        .flatten()
                    {
                        Some(existing) => existing,
                        None => {
                            customers::save(
                                tx,
                                &CustomerInput {
                                    id,
                                    name,
                                    emails: &emails,
                                    phone: phone.as_deref().unwrap_or(""),
                                    organization_id: None,
                                    language: "",
                                    notes: "",
                                },
                            )?;
                            id.clone()
                        }
                    }
                }
            };
            let (req_name, language): (String, String) = tx.query_row(
                "SELECT name, language FROM customers WHERE id = ?1",
                [&requester_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Some(a) = assignee_id {
                require_agent(tx, a)?;
            }
            if let Some(g) = group_id {
                require_group(tx, g)?;
            }
            let status = if assignee_id.is_some() {
                TicketStatus::Open
            } else {
                TicketStatus::New
            };
            tx.prepare_cached(
                "INSERT INTO tickets(id, number, subject, status, priority, priority_rank, ticket_type, channel,
                   requester_id, assignee_id, group_id, language, created_at, updated_at, last_customer_message_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?13)",
            )?
            .execute(params![
                ticket_id, next_number(tx)?, subject, status.as_str(), priority.as_str(), priority.rank(),
                ticket_type.as_str(), channel.as_str(), requester_id, assignee_id, group_id, language, at
            ])?;
            insert_message(
                tx,
                &MessageInput {
                    id: message_id,
                    ticket_id,
                    kind: MessageKind::Reply,
                    author_kind: AuthorKind::Customer,
                    author_id: Some(&requester_id),
                    author_name: &req_name,
                    body_text,
                    body_html: None,
                    at,
                },
            )?;
            attachments::claim(tx, message_id, attachment_ids)?;
            for t in tags {
                ensure_tag(tx, t)?;
                tx.execute(
                    "INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?1, ?2)",
                    params![ticket_id, t],
                )?;
            }
            record(
                tx,
                ticket_id,
                actor,
                "created",
                None,
                Some(channel.as_str()),
                at,
            )?;
            if let Some(a) = assignee_id {
                record(
                    tx,
                    ticket_id,
                    actor,
                    "assignee",
                    None,
                    Some(&agents::name_of(tx, a)?),
                    at,
                )?;
            }
        }
        Mutation::AddMessage {
            message_id,
            ticket_id,
            kind,
            from_customer,
            body_text,
            body_html,
            attachment_ids,
        } => {
            let live = live_ticket(tx, ticket_id)?;
            let clean_html = body_html
                .as_deref()
                .filter(|h| !h.trim().is_empty())
                .map(sanitize_for_storage);
            let text = match (&clean_html, body_text.is_empty()) {
                (Some(h), true) => html_to_text(h),
                _ => body_text.clone(),
            };
            if text.trim().is_empty() && attachment_ids.is_empty() {
                return Err(DomainError::empty("message").into());
            }
            let (author_kind, author_id, author_name, kind) = if *from_customer {
                let (rid, rname): (String, String) = tx.query_row(
                    "SELECT c.id, c.name FROM tickets t JOIN customers c ON c.id = t.requester_id WHERE t.id = ?1",
                    [ticket_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                (AuthorKind::Customer, Some(rid), rname, MessageKind::Reply)
            } else {
                (
                    AuthorKind::Agent,
                    actor.id.map(str::to_owned),
                    actor.name.to_string(),
                    *kind,
                )
            };
            insert_message(
                tx,
                &MessageInput {
                    id: message_id,
                    ticket_id,
                    kind,
                    author_kind,
                    author_id: author_id.as_deref(),
                    author_name: &author_name,
                    body_text: &text,
                    body_html: clean_html.as_deref(),
                    at,
                },
            )?;
            attachments::claim(tx, message_id, attachment_ids)?;
            match (author_kind, kind) {
                (AuthorKind::Customer, _) => {
                    tx.execute(
                        "UPDATE tickets SET last_customer_message_at = ?2 WHERE id = ?1",
                        params![ticket_id, at],
                    )?;
                    // The customer wrote back: a solved or waiting ticket needs an agent again.
                    if !live.status.is_open_like() || matches!(live.status, TicketStatus::Pending) {
                        set_status(
                            tx,
                            ticket_id,
                            live.status,
                            TicketStatus::Open,
                            &Actor {
                                id: None,
                                name: &author_name,
                            },
                            at,
                        )?;
                    }
                }
                (_, MessageKind::Reply) => {
                    tx.execute(
                        "UPDATE tickets SET last_agent_reply_at = ?2, first_response_at = coalesce(first_response_at, ?2) WHERE id = ?1",
                        params![ticket_id, at],
                    )?;
                    if live.status == TicketStatus::New {
                        set_status(tx, ticket_id, live.status, TicketStatus::Open, actor, at)?;
                    }
                }
                _ => {}
            }
            touch(tx, ticket_id, at)?;
        }
        Mutation::SetTicketFields { ticket_id, changes } => {
            let live = live_ticket(tx, ticket_id)?;
            set_fields(tx, ticket_id, &live, changes, actor, at)?;
            touch(tx, ticket_id, at)?;
        }
        Mutation::AddTag { ticket_id, tag } => {
            live_ticket(tx, ticket_id)?;
            ensure_tag(tx, tag)?;
            if tx.execute(
                "INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?1, ?2)",
                params![ticket_id, tag],
            )? > 0
            {
                record(tx, ticket_id, actor, "tag", None, Some(tag), at)?;
                touch(tx, ticket_id, at)?;
            }
        }
        Mutation::RemoveTag { ticket_id, tag } => {
            live_ticket(tx, ticket_id)?;
            if tx.execute(
                "DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2",
                params![ticket_id, tag],
            )? > 0
            {
                record(tx, ticket_id, actor, "tag", Some(tag), None, at)?;
                touch(tx, ticket_id, at)?;
            }
        }
        Mutation::MergeTickets {
            source_id,
            target_id,
        } => {
            let src = live_ticket(tx, source_id)?;
            let dst = live_ticket(tx, target_id)?;
            let label = |n: Option<i64>| {
                n.map(|n| format!("#{n}"))
                    .unwrap_or_else(|| "a pending ticket".into())
            };
            tx.execute(
                "UPDATE messages SET ticket_id = ?2 WHERE ticket_id = ?1",
                params![source_id, target_id],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) SELECT ?2, tag FROM ticket_tags WHERE ticket_id = ?1",
                params![source_id, target_id],
            )?;
            tx.execute(
                "UPDATE tickets SET message_count = (SELECT count(*) FROM messages WHERE ticket_id = ?1 AND kind != 'system')
                 WHERE id = ?1",
                [target_id],
            )?;
            tx.execute(
                "UPDATE tickets SET merged_into_id = ?2, message_count = 0 WHERE id = ?1",
                params![source_id, target_id],
            )?;
            set_status(tx, source_id, src.status, TicketStatus::Closed, actor, at)?;
            record(
                tx,
                source_id,
                actor,
                "merged_into",
                None,
                Some(&label(dst.number)),
                at,
            )?;
            record(
                tx,
                target_id,
                actor,
                "merged_from",
                None,
                Some(&label(src.number)),
                at,
            )?;
            system_message(
                tx,
                target_id,
                &format!(
                    "{} merged {} into this ticket.",
                    actor.name,
                    label(src.number)
                ),
                at,
            )?;
            system_message(
                tx,
                source_id,
                &format!(
                    "{} merged this ticket into {}.",
                    actor.name,
                    label(dst.number)
                ),
                at,
            )?;
            touch(tx, source_id, at)?;
            touch(tx, target_id, at)?;
        }
        Mutation::DeleteTicket { ticket_id } => {
            live_ticket(tx, ticket_id)?;
            tx.execute(
                "UPDATE tickets SET deleted_at = ?2 WHERE id = ?1",
                params![ticket_id, at],
            )?;
            record(tx, ticket_id, actor, "deleted", None, None, at)?;
            touch(tx, ticket_id, at)?;
        }
        Mutation::SaveCustomer {
            id,
            name,
            emails,
            phone,
            organization_id,
            language,
            notes,
        } => {
            customers::save(
                tx,
                &CustomerInput {
                    id,
                    name,
                    emails,
                    phone,
                    organization_id: organization_id.as_deref(),
                    language,
                    notes,
                },
            )?;
        }
        Mutation::SaveOrganization {
            id,
            name,
            domains,
            notes,
        } => {
            customers::save_organization(
                tx,
                &Organization {
                    id: id.clone(),
                    name: name.clone(),
                    domains: domains.clone(),
                    notes: notes.clone(),
                },
            )?;
        }
        Mutation::SaveAgent {
            id,
            name,
            email,
            role,
            active,
        } => {
            if Some(id.as_str()) == actor.id && !active {
                return Err(DomainError::invalid(
                    "active",
                    "You cannot deactivate your own profile.",
                )
                .into());
            }
            agents::save(
                tx,
                &Agent {
                    id: id.clone(),
                    name: name.clone(),
                    email: email.clone(),
                    role: *role,
                    active: *active,
                },
            )?;
        }
        Mutation::SaveGroup {
            id,
            name,
            description,
        } => {
            agents::save_group(
                tx,
                &Group {
                    id: id.clone(),
                    name: name.clone(),
                    description: description.clone(),
                },
            )?;
        }
        Mutation::SetAgentGroups {
            agent_id,
            group_ids,
        } => {
            require_agent(tx, agent_id)?;
            tx.execute(
                "DELETE FROM agent_group_member WHERE agent_id = ?1",
                [agent_id],
            )?;
            for g in group_ids {
                require_group(tx, g)?;
                tx.execute(
                    "INSERT INTO agent_group_member(group_id, agent_id) VALUES (?1, ?2)",
                    params![g, agent_id],
                )?;
            }
        }
        Mutation::CreateTag { name } => ensure_tag(tx, name)?,
        Mutation::DeleteTag { name } => {
            let used: i64 = tx.query_row(
                "SELECT count(*) FROM ticket_tags WHERE tag = ?1",
                [name],
                |r| r.get(0),
            )?;
            if used > 0 {
                return Err(DomainError::invalid(
                    "tag",
                    format!("'{name}' is on {used} tickets; remove it from them first."),
                )
                .into());
            }
            tx.execute("DELETE FROM tags WHERE name = ?1", [name])?;
        }
        Mutation::SaveView { id, name, filters } => {
            tx.execute(
                "INSERT INTO saved_views(id, name, filters, position, created_at)
                 VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM saved_views), ?4)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, filters = excluded.filters",
                params![id, name, serde_json::to_string(filters)?, at],
            )?;
        }
        Mutation::DeleteView { id } => {
            tx.execute("DELETE FROM saved_views WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}

fn set_fields(
    tx: &Transaction<'_>,
    id: &str,
    live: &Live,
    ch: &TicketFieldChanges,
    actor: &Actor<'_>,
    at: i64,
) -> StoreResult<()> {
    let cur: (String, String, String, Option<String>, Option<String>) = tx.query_row(
        "SELECT subject, priority, ticket_type, assignee_id, group_id FROM tickets WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    if let Some(s) = &ch.subject {
        if *s != cur.0 {
            tx.execute(
                "UPDATE tickets SET subject = ?2 WHERE id = ?1",
                params![id, s],
            )?;
            record(tx, id, actor, "subject", Some(&cur.0), Some(s), at)?;
        }
    }
    if let Some(p) = ch.priority {
        if p.as_str() != cur.1 {
            tx.execute(
                "UPDATE tickets SET priority = ?2, priority_rank = ?3 WHERE id = ?1",
                params![id, p.as_str(), p.rank()],
            )?;
            record(
                tx,
                id,
                actor,
                "priority",
                Some(&cur.1),
                Some(p.as_str()),
                at,
            )?;
        }
    }
    if let Some(t) = ch.ticket_type {
        if t.as_str() != cur.2 {
            tx.execute(
                "UPDATE tickets SET ticket_type = ?2 WHERE id = ?1",
                params![id, t.as_str()],
            )?;
            record(tx, id, actor, "type", Some(&cur.2), Some(t.as_str()), at)?;
        }
    }
    let mut status = live.status;
    if let Some(a) = &ch.assignee_id {
        if *a != cur.3 {
            let new_name = a.as_deref().map(|a| require_agent(tx, a)).transpose()?;
            let old_name = cur
                .3
                .as_deref()
                .map(|o| agents::name_of(tx, o))
                .transpose()?;
            tx.execute(
                "UPDATE tickets SET assignee_id = ?2 WHERE id = ?1",
                params![id, a],
            )?;
            record(
                tx,
                id,
                actor,
                "assignee",
                old_name.as_deref(),
                new_name.as_deref(),
                at,
            )?;
            // Someone took a new ticket: it is being worked on now.
            if a.is_some() && status == TicketStatus::New && ch.status.is_none() {
                set_status(tx, id, status, TicketStatus::Open, actor, at)?;
                status = TicketStatus::Open;
            }
        }
    }
    if let Some(g) = &ch.group_id {
        if *g != cur.4 {
            let new_name = g.as_deref().map(|g| require_group(tx, g)).transpose()?;
            let old_name = cur.4.as_deref().map(|o| require_group(tx, o)).transpose()?;
            tx.execute(
                "UPDATE tickets SET group_id = ?2 WHERE id = ?1",
                params![id, g],
            )?;
            record(
                tx,
                id,
                actor,
                "group",
                old_name.as_deref(),
                new_name.as_deref(),
                at,
            )?;
        }
    }
    if let Some(s) = ch.status {
        set_status(tx, id, status, s, actor, at)?;
    }
    Ok(())
}
