//! The local agent's notifications: derived from what is written — changes rules make on
//! this desktop (standalone) and documents pulled from the server — listed in the center,
//! and handed once to the shell as native pop-ups.
//!
//! Each notification is keyed by its source and kind (UNIQUE), so a restart or a replayed
//! pull never repeats one. Nothing comes from the agent's own actions. Only sources newer
//! than `notify_since` count: it is set when the store is first opened and again when the
//! desktop first connects to a server, so the bootstrap pull of a team's history does not
//! flood a fresh desktop with notifications about the past.

use porchlight_domain::docs::MessageDoc;
use porchlight_domain::notify::{
    mentions, popups, Notification, NotificationKind, NotificationPage, NotificationPrefs,
    NotifyEventValue, Pending, Popup, NOTIFY_FIELD,
};
use porchlight_domain::{AuthorKind, MessageKind, TicketEvent};
use rusqlite::{params, Connection, OptionalExtension};

use super::{enum_col, settings};
use crate::{new_id, now_ms, Store, StoreResult};

/// Sources older than this (UTC ms) never notify.
const SINCE: &str = "notify_since";
const PREFS: &str = "notify_prefs";
/// Longest text kept with a notification (a note's or reply's start).
const TEXT_CHARS: usize = 200;

/// Notifications start now unless they already started (the store's first open).
pub(crate) fn start_if_unset(c: &Connection) -> StoreResult<()> {
    if settings::get(c, SINCE)?.is_none() {
        settings::set(c, SINCE, &now_ms().to_string())?;
    }
    Ok(())
}

/// Notifications start now (a desktop's first connection: what its first pull brings is
/// history).
pub(crate) fn start_now(c: &Connection) -> StoreResult<()> {
    settings::set(c, SINCE, &now_ms().to_string())
}

/// The local agent as derivation needs them, read once per batch of writes.
pub(crate) struct Deriver {
    me: Option<(String, String)>,
    groups: Vec<String>,
    since: i64,
}

struct TicketNow {
    assignee_id: Option<String>,
    group_id: Option<String>,
    created_at: i64,
}

fn ticket_now(c: &Connection, id: &str) -> StoreResult<Option<TicketNow>> {
    Ok(
        c.prepare_cached("SELECT assignee_id, group_id, created_at FROM tickets WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(TicketNow {
                    assignee_id: r.get(0)?,
                    group_id: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .optional()?,
    )
}

fn short(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= TEXT_CHARS {
        flat
    } else {
        flat.chars().take(TEXT_CHARS - 1).collect::<String>() + "…"
    }
}

impl Deriver {
    pub(crate) fn new(c: &Connection) -> StoreResult<Deriver> {
        let me = match settings::get(c, "profile_agent_id")? {
            Some(id) => {
                let name: Option<String> = c
                    .prepare_cached("SELECT name FROM agents WHERE id = ?1")?
                    .query_row([&id], |r| r.get(0))
                    .optional()?;
                name.map(|n| (id, n))
            }
            None => None,
        };
        let groups = match &me {
            Some((id, _)) => c
                .prepare_cached("SELECT group_id FROM agent_group_member WHERE agent_id = ?1")?
                .query_map([id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?,
            None => Vec::new(),
        };
        let since = settings::get(c, SINCE)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(i64::MAX);
        Ok(Deriver { me, groups, since })
    }

    #[allow(clippy::too_many_arguments)]
    fn insert(
        &self,
        c: &Connection,
        kind: NotificationKind,
        source_id: &str,
        ticket_id: &str,
        actor_name: &str,
        text: &str,
        at: i64,
    ) -> StoreResult<()> {
        c.prepare_cached(
            "INSERT INTO notifications(id, kind, source_id, ticket_id, actor_name, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(kind, source_id) DO NOTHING",
        )?
        .execute(params![new_id(), kind.as_str(), source_id, ticket_id, actor_name, short(text), at])?;
        Ok(())
    }

    /// A ticket whose SLA warning began or whose deadline passed: mine when it is assigned
    /// to me, or unassigned in one of my groups (or, on a desktop with no server, unassigned
    /// with no group: there is no one else). One per ticket and instant, so a repeated pass
    /// repeats nothing.
    pub(crate) fn sla(
        &self,
        c: &Connection,
        crossing: &crate::sla::SlaCrossing,
        standalone: bool,
    ) -> StoreResult<()> {
        let Some((me, _)) = &self.me else {
            return Ok(());
        };
        if crossing.at < self.since {
            return Ok(());
        }
        let mine = match (&crossing.assignee_id, &crossing.group_id) {
            (Some(a), _) => a == me,
            (None, Some(g)) => self.groups.contains(g),
            (None, None) => standalone,
        };
        if !mine {
            return Ok(());
        }
        let kind = match crossing.status {
            porchlight_domain::sla::SlaStatus::Breached => NotificationKind::SlaBreach,
            _ => NotificationKind::SlaWarning,
        };
        self.insert(
            c,
            kind,
            &format!("{}@{}", crossing.ticket_id, crossing.at),
            &crossing.ticket_id,
            "",
            &crossing.subject,
            crossing.at,
        )
    }

    /// An audit event someone else caused: an assignment to me, a new ticket in one of my
    /// groups, a rule's "notify agents" naming me.
    pub(crate) fn event(&self, c: &Connection, e: &TicketEvent) -> StoreResult<()> {
        let Some((me, my_name)) = &self.me else {
            return Ok(());
        };
        if e.created_at < self.since || e.actor_id.as_deref() == Some(me.as_str()) {
            return Ok(());
        }
        match e.field.as_str() {
            "assignee" | "created" => {
                let Some(t) = ticket_now(c, &e.ticket_id)? else {
                    return Ok(());
                };
                let mine = t.assignee_id.as_deref() == Some(me.as_str());
                if e.field == "assignee" {
                    // Events name the assignee; the ticket says it is (still) me.
                    if mine && e.new_value.as_deref() == Some(my_name.as_str()) {
                        self.insert(
                            c,
                            NotificationKind::Assigned,
                            &e.id,
                            &e.ticket_id,
                            &e.actor_name,
                            "",
                            e.created_at,
                        )?;
                    }
                } else if let Some(g) = t.group_id.filter(|g| !mine && self.groups.contains(g)) {
                    let group: String = c
                        .prepare_cached("SELECT name FROM agent_group WHERE id = ?1")?
                        .query_row([&g], |r| r.get(0))
                        .optional()?
                        .unwrap_or_default();
                    self.insert(
                        c,
                        NotificationKind::NewTicket,
                        &e.ticket_id,
                        &e.ticket_id,
                        &e.actor_name,
                        &group,
                        e.created_at,
                    )?;
                }
            }
            NOTIFY_FIELD => {
                let Some(v) = e.new_value.as_deref().and_then(NotifyEventValue::parse) else {
                    return Ok(());
                };
                if v.agent_ids.iter().any(|a| a == me) {
                    self.insert(
                        c,
                        NotificationKind::Rule,
                        &e.id,
                        &e.ticket_id,
                        &e.actor_name,
                        &v.text,
                        e.created_at,
                    )?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A message someone else wrote: a customer's reply on my ticket, a note mentioning me.
    pub(crate) fn message(&self, c: &Connection, m: &MessageDoc) -> StoreResult<()> {
        let Some((me, my_name)) = &self.me else {
            return Ok(());
        };
        if m.created_at < self.since || m.author_id.as_deref() == Some(me.as_str()) {
            return Ok(());
        }
        match (m.author_kind, m.kind) {
            (AuthorKind::Customer, MessageKind::Reply) => {
                let Some(t) = ticket_now(c, &m.ticket_id)? else {
                    return Ok(());
                };
                // The first message is the ticket itself (a new-ticket or assignment case).
                if t.assignee_id.as_deref() == Some(me.as_str()) && m.created_at > t.created_at {
                    self.insert(
                        c,
                        NotificationKind::CustomerReply,
                        &m.id,
                        &m.ticket_id,
                        &m.author_name,
                        &m.body_text,
                        m.created_at,
                    )?;
                }
            }
            (AuthorKind::Agent, MessageKind::Note) if mentions(&m.body_text, my_name) => {
                self.insert(
                    c,
                    NotificationKind::Mention,
                    &m.id,
                    &m.ticket_id,
                    &m.author_name,
                    &m.body_text,
                    m.created_at,
                )?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Notifications from a pulled page. A page that is not the last of its pull keeps the new
/// sources for the last one (in `notify_pending`): a ticket's newest version, which says
/// whom it is assigned to, may arrive on a later page than the event.
pub(crate) fn derive_pulled(
    c: &Connection,
    changes: &[porchlight_domain::sync::Change],
    last_page: bool,
) -> StoreResult<()> {
    use porchlight_domain::docs::Doc;
    let d = Deriver::new(c)?;
    if !last_page {
        for ch in changes {
            let (kind, id, at) = match &ch.doc {
                Some(Doc::Event(e)) => ("event", &e.id, e.created_at),
                Some(Doc::Message(m)) => ("message", &m.id, m.created_at),
                _ => continue,
            };
            // History (a first pull) is never news: keep nothing for it.
            if at >= d.since {
                c.prepare_cached("INSERT OR IGNORE INTO notify_pending(kind, id) VALUES (?1, ?2)")?
                    .execute(params![kind, id])?;
            }
        }
        return Ok(());
    }
    for ch in changes {
        match &ch.doc {
            Some(Doc::Event(e)) => d.event(c, e)?,
            Some(Doc::Message(m)) => d.message(c, m)?,
            _ => {}
        }
    }
    let pending: Vec<(String, String)> = c
        .prepare_cached("SELECT kind, id FROM notify_pending")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (kind, id) in pending {
        let kind = if kind == "event" {
            porchlight_domain::docs::DocKind::Event
        } else {
            porchlight_domain::docs::DocKind::Message
        };
        match super::docs::read(c, kind, &id)? {
            Some(Doc::Event(e)) => d.event(c, &e)?,
            Some(Doc::Message(m)) => d.message(c, &m)?,
            _ => {}
        }
    }
    c.execute("DELETE FROM notify_pending", [])?;
    Ok(())
}

/// The newest event and message rows now: what a change writes after this is new.
pub(crate) fn watermark(c: &Connection) -> StoreResult<(i64, i64)> {
    Ok(c.query_row(
        "SELECT (SELECT coalesce(max(rowid), 0) FROM ticket_events), (SELECT coalesce(max(rowid), 0) FROM messages)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Notifications from what rules did on this desktop since `mark` (the agent's own part of
/// a local change never notifies them; only the rules' part can).
pub(crate) fn derive_local(c: &Connection, mark: (i64, i64)) -> StoreResult<()> {
    let d = Deriver::new(c)?;
    let events = c
        .prepare_cached(&format!(
            "SELECT {} FROM ticket_events WHERE rowid > ?1 AND actor_id LIKE 'rule:%' ORDER BY rowid",
            super::events::EVENT_COLS
        ))?
        .query_map([mark.0], super::events::event_row)?
        .collect::<Result<Vec<_>, _>>()?;
    for e in &events {
        d.event(c, e)?;
    }
    let messages = c
        .prepare_cached(
            "SELECT id, ticket_id, kind, author_kind, author_id, author_name, body_text, created_at
             FROM messages WHERE rowid > ?1 AND author_id LIKE 'rule:%' ORDER BY rowid",
        )?
        .query_map([mark.1], |r| {
            Ok(MessageDoc {
                id: r.get(0)?,
                ticket_id: r.get(1)?,
                kind: enum_col(r, 2, MessageKind::parse)?,
                author_kind: enum_col(r, 3, AuthorKind::parse)?,
                author_id: r.get(4)?,
                author_name: r.get(5)?,
                body_text: r.get(6)?,
                body_html: None,
                attachment_ids: Vec::new(),
                created_at: r.get(7)?,
                email: None,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for m in &messages {
        d.message(c, m)?;
    }
    Ok(())
}

fn prefs(c: &Connection) -> StoreResult<NotificationPrefs> {
    Ok(settings::get(c, PREFS)?
        .and_then(|v| serde_json::from_str::<NotificationPrefs>(&v).ok())
        .and_then(|p| p.validated().ok())
        .unwrap_or_default())
}

const PAGE_MAX: usize = 200;

impl Store {
    /// The notification center, newest first: `limit` entries older than `before` (a
    /// `next_before` from the previous page), with the unread count.
    pub fn notifications(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<NotificationPage> {
        let limit = limit.clamp(1, PAGE_MAX);
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT n.rowid, n.id, n.kind, n.ticket_id, t.number, coalesce(t.subject, ''), n.actor_name,
                   n.text, n.created_at, n.read_at IS NOT NULL
                 FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id
                 WHERE ?1 IS NULL OR (n.created_at, n.rowid) < (SELECT created_at, rowid FROM notifications WHERE rowid = ?1)
                 ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?2",
            )?;
            let rows = st
                .query_map(params![before, limit as i64 + 1], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        Notification {
                            id: r.get(1)?,
                            kind: enum_col(r, 2, NotificationKind::parse)?,
                            ticket_id: r.get(3)?,
                            ticket_number: r.get(4)?,
                            ticket_subject: r.get(5)?,
                            actor_name: r.get(6)?,
                            text: r.get(7)?,
                            created_at: r.get(8)?,
                            read: r.get(9)?,
                        },
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let more = rows.len() > limit;
            let items: Vec<(i64, Notification)> = rows.into_iter().take(limit).collect();
            Ok(NotificationPage {
                next_before: if more { items.last().map(|(r, _)| *r) } else { None },
                items: items.into_iter().map(|(_, n)| n).collect(),
                unread: unread(c)?,
            })
        })
    }

    pub fn unread_notifications(&self) -> StoreResult<i64> {
        self.read(unread)
    }

    pub fn mark_notification_read(&self, id: &str) -> StoreResult<()> {
        self.with_tx(|tx| {
            tx.execute(
                "UPDATE notifications SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL",
                params![id, now_ms()],
            )?;
            Ok(())
        })
    }

    /// Marks every notification about a ticket read (the agent opened it).
    pub fn mark_ticket_notifications_read(&self, ticket_id: &str) -> StoreResult<()> {
        self.with_tx(|tx| {
            tx.execute(
                "UPDATE notifications SET read_at = ?2 WHERE ticket_id = ?1 AND read_at IS NULL",
                params![ticket_id, now_ms()],
            )?;
            Ok(())
        })
    }

    pub fn mark_all_notifications_read(&self) -> StoreResult<()> {
        self.with_tx(|tx| {
            tx.execute(
                "UPDATE notifications SET read_at = ?1 WHERE read_at IS NULL",
                [now_ms()],
            )?;
            Ok(())
        })
    }

    pub fn notification_prefs(&self) -> StoreResult<NotificationPrefs> {
        self.read(prefs)
    }

    pub fn set_notification_prefs(&self, p: NotificationPrefs) -> StoreResult<NotificationPrefs> {
        let p = p.validated()?;
        self.with_tx(|tx| settings::set(tx, PREFS, &serde_json::to_string(&p)?))?;
        Ok(p)
    }

    /// Takes the notifications not yet handed to the shell (each is taken once) and returns
    /// the native pop-ups they make: those the preferences allow, outside do-not-disturb
    /// (`local_minute`: minutes since local midnight now), not already read; a burst of one
    /// kind is one summary. The rest stay in the center without a pop-up.
    pub fn take_undelivered(&self, local_minute: u16) -> StoreResult<Vec<Popup>> {
        // The shell asks often; only take the write lock when there is something to take.
        let waiting: bool =
            self.read(|c| Ok(c.query_row(crate::refresh::UNDELIVERED_WAITING, [], |r| r.get(0))?))?;
        if !waiting {
            return Ok(Vec::new());
        }
        self.with_tx(|tx| {
            let p = prefs(tx)?;
            let locale = settings::get(tx, "locale")?.unwrap_or_else(|| "en".into());
            let rows = tx
                .prepare_cached(
                    "SELECT n.rowid, n.kind, n.ticket_id, t.number, coalesce(t.subject, ''), n.actor_name, n.text,
                       n.read_at IS NOT NULL
                     FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id
                     WHERE n.delivered = 0 ORDER BY n.rowid",
                )?
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        Pending {
                            kind: enum_col(r, 1, NotificationKind::parse)?,
                            ticket_id: r.get(2)?,
                            ticket_number: r.get(3)?,
                            ticket_subject: r.get(4)?,
                            actor_name: r.get(5)?,
                            text: r.get(6)?,
                        },
                        r.get::<_, bool>(7)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let quiet = p.in_dnd(local_minute);
            let mut shown = Vec::new();
            for (rowid, n, read) in rows {
                let pop = !quiet && !read && p.enabled(n.kind);
                tx.prepare_cached("UPDATE notifications SET delivered = ?2 WHERE rowid = ?1")?
                    .execute(params![rowid, if pop { 1 } else { 2 }])?;
                if pop {
                    shown.push(n);
                }
            }
            Ok(popups(&shown, &locale))
        })
    }
}

fn unread(c: &Connection) -> StoreResult<i64> {
    Ok(c.query_row(crate::refresh::UNREAD_NOTIFICATIONS, [], |r| r.get(0))?)
}
