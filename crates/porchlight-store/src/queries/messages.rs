//! The thread of a ticket, with attachments, sanitised again for display.

use std::collections::HashMap;

use porchlight_domain::sanitize::sanitize_for_display;
use porchlight_domain::{Attachment, AuthorKind, Message, MessageKind};
use rusqlite::Connection;

use super::enum_col;
use crate::StoreResult;

pub(crate) fn for_ticket(
    c: &Connection,
    ticket_id: &str,
    show_images: &[String],
) -> StoreResult<Vec<Message>> {
    let mut st = c.prepare_cached(
        "SELECT id, ticket_id, kind, author_kind, author_id, author_name, body_text, body_html, created_at, channel_meta
         FROM messages WHERE ticket_id = ?1 ORDER BY created_at, rowid",
    )?;
    let mut messages = st
        .query_map([ticket_id], |r| {
            let html: Option<String> = r.get(7)?;
            let id: String = r.get(0)?;
            let (body_html, has_blocked_images) = match html {
                Some(h) => {
                    let (clean, blocked) = sanitize_for_display(&h, show_images.contains(&id));
                    (Some(clean), blocked)
                }
                None => (None, false),
            };
            Ok(Message {
                id,
                ticket_id: r.get(1)?,
                kind: enum_col(r, 2, MessageKind::parse)?,
                author_kind: enum_col(r, 3, AuthorKind::parse)?,
                author_id: r.get(4)?,
                author_name: r.get(5)?,
                body_text: r.get(6)?,
                body_html,
                has_blocked_images,
                attachments: Vec::new(),
                created_at: r.get(8)?,
                email: super::docs::mail_meta(r.get_ref(9)?.as_str_or_null()?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut st = c.prepare_cached(
        "SELECT a.message_id, a.id, a.filename, a.mime, a.size, a.sha256 FROM attachments a
         JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = ?1 AND a.filename != ''
         ORDER BY a.created_at",
    )?;
    let mut by_message: HashMap<String, Vec<Attachment>> = HashMap::new();
    for row in st.query_map([ticket_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Attachment {
                id: r.get(1)?,
                filename: r.get(2)?,
                mime: r.get(3)?,
                size: r.get(4)?,
                sha256: r.get(5)?,
            },
        ))
    })? {
        let (mid, a) = row?;
        by_message.entry(mid).or_default().push(a);
    }
    for m in &mut messages {
        if let Some(a) = by_message.remove(&m.id) {
            m.attachments = a;
        }
    }
    Ok(messages)
}
