//! E-mail on a standalone desktop: the store side of the mail channel
//! (`porchlight_mail::channel`). A fetched mail is kept raw (content-addressed, like an
//! attachment) and recorded by its hash in the same transaction that applies it, whatever its
//! outcome (a ticket, a duplicate, a bounce, refused with the reason), so a crash before the
//! commit leaves it for the next fetch (the folder's UID has not moved past it) and a mail
//! seen before is a duplicate. Connected to a team server, a desktop never touches a
//! mailbox: the server does.

use std::sync::Arc;

use porchlight_domain::docs::{Changed, Doc, DocKind, DocWrite, MessageDoc};
use porchlight_domain::mail::{
    route, DeliveryState, InboundMail, MailServerRole, Mailbox, MailboxView, ReplyRecipients,
};
use porchlight_domain::rules::RuleTrigger;
use porchlight_domain::{AuthorKind, DomainError, ErrorCode, Mutation};
use porchlight_mail::build::OutgoingAttachment;
use porchlight_mail::channel::{outgoing, MailStorage, MailboxRun, Outgoing, StatusBook, TakenIn};
use porchlight_mail::inbound::{raw_hash, read, Inbound};
use porchlight_mail::parse::ParseLimits;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::queries::{config_docs, docs};
use crate::{new_id, now_ms, Store, StoreResult};

/// Raw mails larger than this are not fetched into the helpdesk (kept on the server).
pub const MAX_RAW_MAIL: usize = 50 * 1024 * 1024;
/// Automatic mails (acknowledgements) one address receives per hour at most: a customer's
/// auto-responder answering each acknowledgement would otherwise loop.
pub const MAX_AUTOMATIC_PER_HOUR: i64 = 5;
/// The raw text "Show original" shows at most.
const MAX_ORIGINAL_SHOWN: usize = 1024 * 1024;

fn refused_in_team() -> DomainError {
    DomainError::new(
        ErrorCode::Forbidden,
        None,
        "In a team, the server reads and sends the mail; this desktop does not.",
    )
}

impl Store {
    /// Applies a mail channel mutation (`ReceiveMail`, `SetDelivery`) standalone, with the
    /// automation triggers and the agent's notifications it causes, in `tx`.
    fn apply_mail_in(&self, tx: &Transaction<'_>, m: &Mutation, at: i64) -> StoreResult<Changed> {
        if crate::outbox::is_connected(tx)? {
            return Err(refused_in_team().into());
        }
        let actor = porchlight_domain::apply::Actor {
            id: String::new(),
            name: "Porchlight".into(),
            role: porchlight_domain::AgentRole::Agent,
        };
        let tickets = docs::TicketCache::default();
        let writes = crate::mutate::decide(tx, m, &actor, at, &tickets)?;
        // The ticket the mail created or joined, as it was before: the triggers' input.
        let event = porchlight_domain::apply::mail_landed(m, &writes);
        let before = match &event {
            Some((t, false)) => docs::read_ticket(tx, &tickets, t)?,
            _ => None,
        };
        let notify = crate::queries::notifications::Deriver::new(tx)?;
        let mut changed = crate::mutate::write_change(tx, m, writes.clone(), false, &tickets)?;
        for w in &writes {
            match w {
                DocWrite::Put {
                    doc: Doc::Message(msg),
                } => notify.message(tx, msg)?,
                DocWrite::Put { doc: Doc::Event(e) } => notify.event(tx, e)?,
                _ => {}
            }
        }
        if let Some((ticket, created)) = event {
            let rules = config_docs::rules(tx)?;
            if !rules.is_empty() {
                let change = crate::automation::Change {
                    ticket_id: &ticket,
                    kind: if created {
                        RuleTrigger::Created
                    } else {
                        RuleTrigger::Updated
                    },
                    author: Some(AuthorKind::Customer),
                    before: before.as_ref(),
                    rated: porchlight_domain::docs::satisfaction_given(&writes),
                };
                changed.merge(crate::automation::after_change(
                    tx, &rules, change, at, &tickets,
                )?);
            }
        }
        tx.prepare_cached(
            "INSERT INTO mutations(actor_id, name, args, created_at) VALUES ('', ?1, ?2, ?3)",
        )?
        .execute(params![m.name(), serde_json::to_string(m)?, now_ms()])?;
        Ok(changed)
    }

    /// Keeps a fetched mail raw and takes it in, in one transaction with its outcome (see the
    /// module documentation). Returns what became of it and what the helpdesk's screens must
    /// refresh.
    pub fn take_in_mail(&self, mailbox: &Mailbox, raw: &[u8]) -> StoreResult<(TakenIn, Changed)> {
        if raw.len() > MAX_RAW_MAIL {
            return Ok((
                TakenIn::Refused(format!(
                    "The mail is {} MB; mails over {} MB stay in the mailbox.",
                    raw.len() / (1024 * 1024),
                    MAX_RAW_MAIL / (1024 * 1024)
                )),
                Changed::default(),
            ));
        }
        let hash = raw_hash(raw);
        let limits = ParseLimits {
            max_bytes: MAX_RAW_MAIL,
            ..ParseLimits::default()
        };
        // Read before the transaction (it only needs the mailbox), so the writer waits for
        // no parsing. Everything after happens on the writer's connection alone.
        let inbound = read(raw, mailbox, &limits);
        let at = now_ms();
        self.with_tx(|tx| {
            let seen: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM mail_fetched WHERE raw_sha256 = ?1)")?
                .query_row([&hash], |r| r.get(0))?;
            if seen {
                return Ok((TakenIn::Duplicate, Changed::default()));
            }
            // The original first: whatever becomes of the mail, it stays one click away. The
            // folder's UID moves past it only once this transaction committed.
            self.write_attachment_file(&hash, raw)?;
            let raw_id = new_id();
            tx.prepare_cached(
                "INSERT INTO attachments(id, message_id, filename, mime, size, sha256, created_at)
                 VALUES (?1, NULL, 'original.eml', 'message/rfc822', ?2, ?3, ?4)",
            )?
            .execute(params![raw_id, raw.len() as i64, hash, at])?;
            let (m, outcome) = match inbound {
                Inbound::Unusable { reason } => (None, TakenIn::Refused(reason)),
                Inbound::Bounce { mail_id, reason } => {
                    let target: Option<String> = match &mail_id {
                        Some(id) => tx
                            .prepare_cached("SELECT message_id FROM mail_ids WHERE mail_id = ?1")?
                            .query_row([id], |r| r.get(0))
                            .optional()?,
                        None => None,
                    };
                    porchlight_mail::channel::bounce(target, reason)
                }
                Inbound::Mail { mail, files } => {
                    let mut mail: InboundMail = *mail;
                    for f in files {
                        match self.keep_file(&f.file_name, &f.content_type, &f.data) {
                            Ok(a) => {
                                crate::queries::attachments::insert_staged(tx, &a)?;
                                mail.attachment_ids.push(a.id);
                            }
                            Err(crate::StoreError::Domain(e)) => mail.problems.push(format!(
                                "{} was left out: {} Show original has it.",
                                f.file_name, e.message
                            )),
                            Err(other) => return Err(other),
                        }
                    }
                    mail.raw_attachment_id = Some(raw_id.clone());
                    let ticket_id = new_id();
                    (
                        Some(Mutation::ReceiveMail {
                            ticket_id: ticket_id.clone(),
                            message_id: new_id(),
                            mail,
                        }),
                        TakenIn::Ticket(ticket_id),
                    )
                }
            };
            let (outcome, changed, message_id) = match m.map(|m| m.validated()) {
                None => (outcome, Changed::default(), None),
                Some(Err(e)) => (TakenIn::Refused(e.message), Changed::default(), None),
                // The engine decides before anything is written: a refusal writes nothing.
                Some(Ok(m)) => match self.apply_mail_in(tx, &m, at) {
                    Ok(changed) => match (&m, outcome) {
                        // The ticket it joined, not the id a new one would have had.
                        (Mutation::ReceiveMail { message_id, .. }, TakenIn::Ticket(_)) => (
                            TakenIn::Ticket(ticket_of(tx, message_id)?.unwrap_or_default()),
                            changed,
                            Some(message_id.clone()),
                        ),
                        (_, outcome) => (outcome, changed, None),
                    },
                    Err(crate::StoreError::Domain(e))
                        if e.code == ErrorCode::Conflict && e.field.as_deref() == Some("mail_id") =>
                    {
                        (TakenIn::Duplicate, Changed::default(), None)
                    }
                    Err(crate::StoreError::Domain(e)) => {
                        (TakenIn::Refused(e.message), Changed::default(), None)
                    }
                    Err(other) => return Err(other),
                },
            };
            let (word, detail) = match &outcome {
                TakenIn::Ticket(_) => ("ticket", None),
                TakenIn::Duplicate => ("duplicate", None),
                TakenIn::Bounce => ("bounce", None),
                TakenIn::Refused(why) => ("refused", Some(why.clone())),
            };
            tx.prepare_cached(
                "INSERT INTO mail_fetched(raw_sha256, mailbox_id, raw_attachment_id, outcome, message_id, detail, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![hash, mailbox.id, raw_id, word, message_id, detail, at])?;
            Ok((outcome, changed))
        })
    }

    /// The (UIDVALIDITY, last UID) stored for a mailbox's folder.
    pub fn mail_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
    ) -> StoreResult<Option<(u32, u32)>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT uid_validity, last_uid FROM mail_folders WHERE mailbox_id = ?1 AND folder = ?2",
            )?
            .query_row(params![mailbox_id, folder], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
        })
    }

    pub fn save_mail_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
        uid_validity: u32,
        last_uid: u32,
    ) -> StoreResult<()> {
        self.with_tx(|tx| {
            tx.execute(
                "INSERT INTO mail_folders(mailbox_id, folder, uid_validity, last_uid) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(mailbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid",
                params![mailbox_id, folder, uid_validity, last_uid],
            )?;
            Ok(())
        })
    }

    pub fn mailboxes(&self) -> StoreResult<Vec<Mailbox>> {
        self.read(config_docs::mailboxes)
    }

    /// Messages that may be sent at `now`, built as mail: the mailbox's signature below the
    /// text, the ticket's tag in the subject, the thread's Message-IDs, the files. A scheduled
    /// mail (a survey's delay) waits for its time. Automatic mail to an address that already
    /// had [`MAX_AUTOMATIC_PER_HOUR`] this hour is failed instead.
    pub fn mail_outgoing(&self, limit: usize, now: i64) -> StoreResult<Vec<Outgoing>> {
        let ids: Vec<String> = self.read(|c| {
            let mut st = c.prepare_cached(crate::refresh::MAIL_QUEUED)?;
            let ids = st
                .query_map([limit as i64, now], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(ids)
        })?;
        let mut out = Vec::new();
        for id in ids {
            let built = self.read(|c| outgoing_of(self, c, &id))?;
            let Some(o) = built else { continue };
            if o.reply.automatic {
                let to = o
                    .reply
                    .to
                    .first()
                    .map(|a| a.email.clone())
                    .unwrap_or_default();
                let recent: i64 = self.read(|c| {
                    Ok(c.prepare_cached(
                        "SELECT count(*) FROM mail_sent_auto WHERE address = ?1 AND at > ?2",
                    )?
                    .query_row(params![to, now - 3_600_000], |r| r.get(0))?)
                })?;
                if recent >= MAX_AUTOMATIC_PER_HOUR {
                    self.mail_delivered(
                        &id,
                        Err(format!(
                            "Not sent: {to} already received {MAX_AUTOMATIC_PER_HOUR} automatic mails this hour (a mail loop?)."
                        )),
                    )?;
                    continue;
                }
            }
            out.push(o);
        }
        Ok(out)
    }

    /// Records a send: sent, or failed with the server's words.
    pub fn mail_delivered(
        &self,
        message_id: &str,
        outcome: Result<(), String>,
    ) -> StoreResult<Changed> {
        let at = now_ms();
        let m = Mutation::SetDelivery {
            message_id: message_id.to_string(),
            state: if outcome.is_ok() {
                DeliveryState::Sent
            } else {
                DeliveryState::Failed
            },
            error: outcome.err(),
        }
        .validated()?;
        self.with_tx(|tx| {
            let changed = self.apply_mail_in(tx, &m, at)?;
            let automatic_to: Option<String> = match docs::read(tx, DocKind::Message, message_id)? {
                Some(Doc::Message(MessageDoc { email: Some(e), .. }))
                    if e.automatic
                        && e.delivery
                            .as_ref()
                            .is_some_and(|d| d.state == DeliveryState::Sent) =>
                {
                    e.to.first().cloned()
                }
                _ => None,
            };
            if let Some(to) = automatic_to {
                tx.execute(
                    "INSERT INTO mail_sent_auto(address, at) VALUES (?1, ?2)",
                    params![to, at],
                )?;
            }
            Ok(changed)
        })
    }

    /// Who a reply on a ticket goes to, for the composer.
    pub fn reply_recipients(&self, ticket_id: &str) -> StoreResult<ReplyRecipients> {
        self.read(|c| {
            let last = last_mail(c, ticket_id)?;
            let boxes = config_docs::mailboxes(c)?;
            let requester: Option<String> = c
                .prepare_cached(
                    "SELECT e.email FROM tickets t JOIN customer_emails e ON e.customer_id = t.requester_id
                     WHERE t.id = ?1 ORDER BY e.position LIMIT 1",
                )?
                .query_row([ticket_id], |r| r.get(0))
                .optional()?;
            Ok(match route(last.as_ref(), &boxes, requester.as_deref()) {
                Ok(r) => ReplyRecipients {
                    from: Some(format!("{} <{}>", r.mailbox.name, r.mailbox.address)),
                    to: Some(r.to),
                    cc: r.cc,
                    not_mailed: None,
                },
                Err(why) => ReplyRecipients {
                    from: None,
                    to: requester,
                    cc: Vec::new(),
                    not_mailed: Some(why),
                },
            })
        })
    }

    /// The attachment holding the raw mail a message was read from, if it came by e-mail. On
    /// a team desktop its bytes are on the server until fetched (`attachment_needs_download`).
    pub fn message_raw_mail(&self, message_id: &str) -> StoreResult<Option<String>> {
        Ok(
            match self.read(|c| docs::read(c, DocKind::Message, message_id))? {
                Some(Doc::Message(MessageDoc { email: Some(e), .. })) => e.raw_attachment_id,
                _ => None,
            },
        )
    }

    /// The raw mail a message was made from, as text ("Show original"), at most 1 MB.
    pub fn message_original(&self, message_id: &str) -> StoreResult<String> {
        let raw_id = self.message_raw_mail(message_id)?.ok_or_else(|| {
            DomainError::invalid("message_id", "This message did not come by e-mail.")
        })?;
        if self.attachment_needs_download(&raw_id)? {
            return Err(DomainError::new(
                ErrorCode::Offline,
                Some("message_id"),
                "The original of this mail is on the team server; connect to see it.",
            )
            .into());
        }
        let sha: String = self.read(|c| {
            Ok(c.query_row(
                "SELECT sha256 FROM attachments WHERE id = ?1",
                [&raw_id],
                |r| r.get(0),
            )?)
        })?;
        let bytes = std::fs::read(self.attachment_file(&sha))?;
        let shown = &bytes[..bytes.len().min(MAX_ORIGINAL_SHOWN)];
        let mut text = String::from_utf8_lossy(shown).into_owned();
        if bytes.len() > shown.len() {
            text.push_str("\n[…]");
        }
        Ok(text)
    }
}

fn ticket_of(c: &Connection, message_id: &str) -> StoreResult<Option<String>> {
    Ok(
        c.prepare_cached("SELECT ticket_id FROM messages WHERE id = ?1")?
            .query_row([message_id], |r| r.get(0))
            .optional()?,
    )
}

/// The e-mail side of a ticket's latest mail a person wrote (see `route`).
fn last_mail(
    c: &Connection,
    ticket_id: &str,
) -> StoreResult<Option<porchlight_domain::mail::MessageMail>> {
    let json: Option<String> = c
        .prepare_cached(
            "SELECT channel_meta FROM messages WHERE ticket_id = ?1 AND channel_meta IS NOT NULL
               AND json_extract(channel_meta, '$.automatic') = 0
             ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )?
        .query_row([ticket_id], |r| r.get(0))
        .optional()?;
    Ok(docs::mail_meta(json.as_deref()))
}

/// One queued message as a mail ready to build; `None` when it no longer waits.
fn outgoing_of(store: &Store, c: &Connection, id: &str) -> StoreResult<Option<Outgoing>> {
    let Some(Doc::Message(msg)) = docs::read(c, DocKind::Message, id)? else {
        return Ok(None);
    };
    let Some(Doc::Ticket(t)) = docs::read(c, DocKind::Ticket, &msg.ticket_id)? else {
        return Ok(None);
    };
    let mut attachments = Vec::new();
    for a in &msg.attachment_ids {
        let row: Option<(String, String, String)> = c
            .prepare_cached("SELECT filename, mime, sha256 FROM attachments WHERE id = ?1")?
            .query_row([a], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if let Some((file_name, content_type, sha)) = row {
            attachments.push(OutgoingAttachment {
                file_name,
                content_type,
                content_id: None,
                data: std::fs::read(store.attachment_file(&sha))?,
            });
        }
    }
    Ok(outgoing(
        &msg,
        &config_docs::mailboxes(c)?,
        t.number,
        attachments,
    ))
}

/// Where the desktop keeps a mailbox's passwords (the OS keyring in the app; memory in tests).
pub trait MailSecrets: Send + Sync + 'static {
    fn get(&self, mailbox_id: &str, role: MailServerRole) -> Result<Option<String>, String>;
}

/// The standalone desktop's [`MailStorage`]: the store, its secrets, and how each mailbox's
/// last fetch went. `on_change` hears what each mail or delivery changed (the app refreshes
/// its screens with it).
pub struct DesktopMail<K: MailSecrets> {
    pub store: Arc<Store>,
    pub secrets: K,
    status: StatusBook,
    on_change: Box<dyn Fn(Changed) + Send + Sync>,
}

impl<K: MailSecrets> DesktopMail<K> {
    pub fn new(
        store: Arc<Store>,
        secrets: K,
        on_change: Box<dyn Fn(Changed) + Send + Sync>,
    ) -> Self {
        DesktopMail {
            store,
            secrets,
            status: StatusBook::default(),
            on_change,
        }
    }

    /// The mailboxes as the settings screen shows them.
    pub fn views(&self) -> StoreResult<Vec<MailboxView>> {
        let mut out = Vec::new();
        for mailbox in self.store.mailboxes()? {
            let has = |role| self.secrets.get(&mailbox.id, role).ok().flatten().is_some();
            let MailboxRun {
                last_fetch_at,
                last_error,
            } = self.status.get(&mailbox.id);
            out.push(MailboxView {
                has_imap_secret: has(MailServerRole::Imap),
                has_smtp_secret: has(MailServerRole::Smtp),
                last_fetch_at,
                last_error,
                mailbox,
            });
        }
        Ok(out)
    }
}

fn text(e: crate::StoreError) -> String {
    e.to_string()
}

impl<K: MailSecrets> DesktopMail<K> {
    /// Connected to a team server, the server reads and sends the mail.
    fn standalone(&self) -> Result<bool, String> {
        Ok(self.store.sync_settings().map_err(text)?.is_none())
    }
}

impl<K: MailSecrets> MailStorage for DesktopMail<K> {
    fn mailboxes(&self) -> Result<Vec<Mailbox>, String> {
        if !self.standalone()? {
            return Ok(Vec::new());
        }
        self.store.mailboxes().map_err(text)
    }
    fn secret(&self, mailbox_id: &str, role: MailServerRole) -> Result<Option<String>, String> {
        self.secrets.get(mailbox_id, role)
    }
    fn folder_state(&self, mailbox_id: &str, folder: &str) -> Result<Option<(u32, u32)>, String> {
        self.store
            .mail_folder_state(mailbox_id, folder)
            .map_err(text)
    }
    fn save_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
        uid_validity: u32,
        last_uid: u32,
    ) -> Result<(), String> {
        self.store
            .save_mail_folder_state(mailbox_id, folder, uid_validity, last_uid)
            .map_err(text)
    }
    fn take_in(&self, mailbox: &Mailbox, raw: &[u8]) -> Result<TakenIn, String> {
        let (outcome, changed) = self.store.take_in_mail(mailbox, raw).map_err(text)?;
        if !changed.is_empty() {
            (self.on_change)(changed);
        }
        Ok(outcome)
    }
    fn outgoing(&self, limit: usize) -> Result<Vec<Outgoing>, String> {
        if !self.standalone()? {
            return Ok(Vec::new());
        }
        self.store.mail_outgoing(limit, now_ms()).map_err(text)
    }
    fn delivered(&self, message_id: &str, outcome: Result<(), String>) -> Result<(), String> {
        let changed = self
            .store
            .mail_delivered(message_id, outcome)
            .map_err(text)?;
        (self.on_change)(changed);
        Ok(())
    }
    fn report(&self, mailbox_id: &str, outcome: Result<(), String>) {
        self.status.report(mailbox_id, outcome, now_ms());
    }
}
