//! First connection of a standalone store: everything recorded so far is queued as ordinary
//! mutations (organizations, customers, tags, then each ticket with its thread in order),
//! so the server receives it through the same validated path as any other change.

use porchlight_domain::docs::{Doc, DocKind, MessageDoc};
use porchlight_domain::kb::{ArticleRevision, ArticleStatus, KbMutation};
use porchlight_domain::mutation::{RequesterRef, TicketFieldChanges};
use porchlight_domain::{AuthorKind, MessageKind, Mutation, TicketStatus};
use rusqlite::{params, Transaction};

use crate::queries::docs;
use crate::StoreResult;

fn queue(tx: &Transaction<'_>, m: &Mutation, at: i64) -> StoreResult<()> {
    crate::outbox::append_outbox(tx, m, at)
}

/// The server does not have these rows yet: rolling back unsent work removes them, and
/// re-applying the queued mutations brings them back.
fn not_on_server(tx: &Transaction<'_>, kind: DocKind, id: &str) -> StoreResult<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO sync_shadow(kind, id, body) VALUES (?1, ?2, NULL)")?
        .execute(params![kind.as_str(), id])?;
    Ok(())
}

fn column(tx: &Transaction<'_>, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<String>> {
    let mut st = tx.prepare(sql)?;
    let rows = st
        .query_map(p, |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(rows)
}

pub(crate) fn queue_standalone_data(tx: &Transaction<'_>, me: &str) -> StoreResult<()> {
    for id in column(
        tx,
        "SELECT id FROM organizations ORDER BY created_at, id",
        [],
    )? {
        if let Some(porchlight_domain::docs::Doc::Organization(o)) =
            docs::read(tx, DocKind::Organization, &id)?
        {
            not_on_server(tx, DocKind::Organization, &id)?;
            let m = Mutation::SaveOrganization {
                id: o.id,
                name: o.name,
                domains: o.domains,
                notes: o.notes,
            };
            queue(tx, &m, o.created_at)?;
        }
    }
    for id in column(
        tx,
        "SELECT id FROM customers ORDER BY created_at, rowid",
        [],
    )? {
        if let Some(porchlight_domain::docs::Doc::Customer(c)) =
            docs::read(tx, DocKind::Customer, &id)?
        {
            not_on_server(tx, DocKind::Customer, &id)?;
            let m = Mutation::SaveCustomer {
                id: c.id,
                name: c.name,
                emails: c.emails,
                phone: c.phone,
                organization_id: c.organization_id,
                language: c.language,
                notes: c.notes,
            };
            queue(tx, &m, c.created_at)?;
        }
    }
    for name in column(tx, "SELECT name FROM tags ORDER BY name", [])? {
        not_on_server(tx, DocKind::Tag, &name)?;
        queue(tx, &Mutation::CreateTag { name }, crate::now_ms())?;
    }
    // Deleted tickets and the closed halves of merges stay behind: there is nothing to work on.
    let tickets = column(
        tx,
        "SELECT id FROM tickets WHERE deleted_at IS NULL AND merged_into_id IS NULL ORDER BY created_at, rowid",
        [],
    )?;
    for id in tickets {
        let Some(porchlight_domain::docs::Doc::Ticket(t)) = docs::read(tx, DocKind::Ticket, &id)?
        else {
            continue;
        };
        not_on_server(tx, DocKind::Ticket, &id)?;
        let thread: Vec<MessageDoc> = column(
            tx,
            "SELECT id FROM messages WHERE ticket_id = ?1 AND kind != 'system' ORDER BY created_at, rowid",
            [&id],
        )?
        .into_iter()
        .filter_map(|mid| match docs::read(tx, DocKind::Message, &mid) {
            Ok(Some(porchlight_domain::docs::Doc::Message(m))) => Some(m),
            _ => None,
        })
        .collect();
        let Some((first, rest)) = thread.split_first() else {
            continue;
        };
        queue(
            tx,
            &Mutation::CreateTicket {
                ticket_id: t.id.clone(),
                message_id: first.id.clone(),
                subject: t.subject.clone(),
                requester: RequesterRef::Existing {
                    id: t.requester_id.clone(),
                },
                channel: t.channel,
                priority: t.priority,
                ticket_type: t.ticket_type,
                assignee_id: None,
                group_id: None,
                tags: t.tags.clone(),
                body_text: first.body_text.clone(),
                attachment_ids: first.attachment_ids.clone(),
                outbound: false,
            },
            t.created_at,
        )?;
        for m in rest {
            queue(
                tx,
                &Mutation::AddMessage {
                    message_id: m.id.clone(),
                    ticket_id: t.id.clone(),
                    kind: if m.kind == MessageKind::Note {
                        MessageKind::Note
                    } else {
                        MessageKind::Reply
                    },
                    from_customer: m.author_kind == AuthorKind::Customer,
                    body_text: m.body_text.clone(),
                    body_html: m.body_html.clone(),
                    attachment_ids: m.attachment_ids.clone(),
                    cc: None,
                },
                m.created_at,
            )?;
        }
        // Only this agent exists on the server among the local agents.
        let assignee = t.assignee_id.filter(|a| a == me);
        let status =
            (!matches!(t.status, TicketStatus::New | TicketStatus::Open)).then_some(t.status);
        if assignee.is_some() || status.is_some() {
            queue(
                tx,
                &Mutation::SetTicketFields {
                    ticket_id: t.id.clone(),
                    changes: TicketFieldChanges {
                        status,
                        assignee_id: assignee.map(Some),
                        ..Default::default()
                    },
                },
                t.updated_at,
            )?;
        }
    }
    queue_knowledge_base(tx)
}

fn queue_kb(tx: &Transaction<'_>, m: &KbMutation, at: i64) -> StoreResult<()> {
    crate::outbox::append_outbox_entry(tx, m.name(), &serde_json::to_value(m)?, at)
}

/// Categories, then each article's history replayed revision by revision (same revision
/// ids, so the server's history is this desktop's), then its status and deletion.
fn queue_knowledge_base(tx: &Transaction<'_>) -> StoreResult<()> {
    for id in column(tx, "SELECT id FROM kb_categories ORDER BY position, id", [])? {
        if let Some(Doc::KbCategory(c)) = docs::read(tx, DocKind::KbCategory, &id)? {
            not_on_server(tx, DocKind::KbCategory, &id)?;
            let m = KbMutation::CreateCategory {
                id: c.id,
                position: c.position,
                names: c.names,
                descriptions: c.descriptions,
            };
            queue_kb(tx, &m, c.created_at)?;
        }
    }
    for id in column(tx, "SELECT id FROM kb_articles ORDER BY rowid", [])? {
        let Some(Doc::KbArticle(a)) = docs::read(tx, DocKind::KbArticle, &id)? else {
            continue;
        };
        let revisions: Vec<ArticleRevision> = column(
            tx,
            "SELECT doc FROM kb_revisions WHERE article_id = ?1 ORDER BY json_extract(doc, '$.created_at'), rowid",
            [&id],
        )?
        .iter()
        .map(|b| serde_json::from_str(b))
        .collect::<Result<_, _>>()?;
        let Some((first, rest)) = revisions.split_first() else {
            continue;
        };
        if first.locale != a.source_locale || first.revision != 1 {
            continue;
        }
        not_on_server(tx, DocKind::KbArticle, &id)?;
        for (kind, key) in [
            (
                DocKind::KbTranslation,
                "article_id || '/' || locale FROM kb_translations",
            ),
            (DocKind::KbRevision, "id FROM kb_revisions"),
        ] {
            for doc_id in column(tx, &format!("SELECT {key} WHERE article_id = ?1"), [&id])? {
                not_on_server(tx, kind, &doc_id)?;
            }
        }
        let create = KbMutation::CreateArticle {
            id: a.id.clone(),
            revision_id: first.id.clone(),
            category_id: a.category_id.clone(),
            source_locale: a.source_locale.clone(),
            title: first.title.clone(),
            body_markdown: first.body_markdown.clone(),
            visibility: a.visibility,
            tags: a.tags.clone(),
        };
        queue_kb(tx, &create, a.created_at)?;
        for r in rest {
            let m = match r.restored_from {
                Some(old) => KbMutation::RestoreRevision {
                    article_id: a.id.clone(),
                    locale: r.locale.clone(),
                    revision: old,
                    revision_id: r.id.clone(),
                    base_revision: r.revision - 1,
                },
                None => KbMutation::SaveTranslation {
                    article_id: a.id.clone(),
                    locale: r.locale.clone(),
                    revision_id: r.id.clone(),
                    base_revision: r.revision - 1,
                    source_revision: r.source_revision,
                    title: r.title.clone(),
                    body_markdown: r.body_markdown.clone(),
                },
            };
            queue_kb(tx, &m, r.created_at)?;
        }
        if a.status != ArticleStatus::Draft {
            let m = KbMutation::SetArticleStatus {
                article_id: a.id.clone(),
                status: a.status,
            };
            queue_kb(tx, &m, a.updated_at)?;
        }
        if a.deleted_at.is_some() {
            let m = KbMutation::DeleteArticle {
                article_id: a.id.clone(),
            };
            queue_kb(tx, &m, a.updated_at)?;
        }
    }
    Ok(())
}
