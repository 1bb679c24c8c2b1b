//! E-mail in a team: the server side of the mail channel (`porchlight_mail::channel`). Only
//! the server talks to mail servers; desktops see the result as documents.
//!
//! - A fetched mail is kept raw (a blob, by its hash) and recorded (`mail_raw:<hash>` in
//!   `meta`) in the same transaction that applies it, under the workspace's writer lock: a
//!   second server process fetching the same mail finds it recorded and calls it a duplicate.
//! - Each mailbox is read by one process at a time: a lease in `meta` (`mail_lease:<id>`),
//!   taken and renewed under the writer lock, runs out after a while when its process dies.
//!   Sending has a lease of its own.
//! - Passwords are encrypted (ChaCha20-Poly1305) with the server's secret key before they
//!   are stored, and never appear in documents, logs or answers.

use porchlight_domain::apply;
use porchlight_domain::docs::{mail_due_key, Doc, DocKind, MAIL_DUE_PREFIX, MAIL_QUEUED};
use porchlight_domain::mail::{DeliveryState, InboundMail, MailServerRole, Mailbox};
use porchlight_domain::model::AuthorKind;
use porchlight_domain::records::SurveyKind;
use porchlight_domain::rules::RuleTrigger;
use porchlight_domain::{Attachment, Mutation};
use porchlight_mail::build::OutgoingAttachment;
use porchlight_mail::channel::{outgoing, Outgoing, TakenIn};
use porchlight_mail::inbound::{raw_hash, read, Inbound};
use porchlight_mail::parse::ParseLimits;
use ring::aead;
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

use super::attachments::AttachmentRecord;
use super::{automation, doc, store_writes, Storage, StorageError, StorageResult, Tx, TxState};

/// Raw mails larger than this stay in the mailbox.
pub const MAX_RAW_MAIL: usize = 50 * 1024 * 1024;
/// Automatic mails one address receives per hour at most (a loop with an auto-responder).
pub const MAX_AUTOMATIC_PER_HOUR: usize = 5;
/// How long a lease on a mailbox (or on sending) lasts without being renewed.
const LEASE_MS: i64 = 120_000;

/// The key mailbox passwords are encrypted with.
#[derive(Clone)]
pub struct SecretKey(aead::LessSafeKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// From 32 bytes written as 64 hex digits.
    pub fn from_hex(hex_key: &str) -> Result<SecretKey, String> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| "the secret key must be 64 hexadecimal digits".to_string())?;
        let key = aead::UnboundKey::new(&aead::CHACHA20_POLY1305, &bytes)
            .map_err(|_| "the secret key must be 32 bytes (64 hexadecimal digits)".to_string())?;
        Ok(SecretKey(aead::LessSafeKey::new(key)))
    }

    /// A new random key, as hex.
    pub fn generate_hex() -> String {
        let mut k = [0u8; 32];
        SystemRandom::new()
            .fill(&mut k)
            .expect("the system's random number generator");
        hex::encode(k)
    }

    /// `nonce || ciphertext+tag`, hex; the associated data binds it to its place.
    fn seal(&self, place: &str, secret: &str) -> String {
        let mut nonce = [0u8; 12];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the system's random number generator");
        let mut data = secret.as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(place.as_bytes()),
                &mut data,
            )
            .expect("sealing cannot fail for short data");
        hex::encode([nonce.as_slice(), &data].concat())
    }

    fn open(&self, place: &str, sealed: &str) -> Result<String, String> {
        let bytes = hex::decode(sealed).map_err(|_| "a stored secret is damaged".to_string())?;
        if bytes.len() < 12 + 16 {
            return Err("a stored secret is damaged".into());
        }
        let (nonce, rest) = bytes.split_at(12);
        let mut data = rest.to_vec();
        let nonce = aead::Nonce::try_assume_unique_for_key(nonce)
            .map_err(|_| "a stored secret is damaged".to_string())?;
        let plain = self
            .0
            .open_in_place(nonce, aead::Aad::from(place.as_bytes()), &mut data)
            .map_err(|_| {
                "a stored mailbox password cannot be read with this server's secret key (was the key changed?)"
                    .to_string()
            })?;
        String::from_utf8(plain.to_vec()).map_err(|_| "a stored secret is damaged".into())
    }
}

/// The messages that may be sent at `now`, at most `limit`: the queue of mail to send at once
/// (replies, acknowledgements) first, then the scheduled mail whose time has come (a
/// survey's delay), oldest time first. Scheduled mail keys carry their time, so mail still
/// waiting is never read.
fn sendable(tx: &mut dyn Tx, limit: usize, now: i64) -> StorageResult<Vec<String>> {
    let mut ids = tx.ids_by_lookup(DocKind::Message, MAIL_QUEUED, limit as i64)?;
    if ids.len() < limit {
        let room = (limit - ids.len()) as i64;
        ids.extend(tx.ids_by_lookup_upto(
            DocKind::Message,
            MAIL_DUE_PREFIX,
            &mail_due_key(now),
            room,
        )?);
    }
    Ok(ids)
}

fn secret_place(mailbox_id: &str, role: MailServerRole) -> String {
    format!("mail_secret:{mailbox_id}:{}", role.as_str())
}

fn refused(e: porchlight_domain::DomainError) -> StorageError {
    StorageError::Refused(e)
}

/// The customer's link for an automatic mail: (ticket id, language, the survey it asks).
pub type MailLinks<'a> = dyn Fn(&str, &str, Option<SurveyKind>) -> Option<String> + 'a;

impl Storage {
    /// Every mailbox, in id order.
    pub fn mailboxes(&self) -> StorageResult<Vec<Mailbox>> {
        self.read(|tx| mailboxes_in(tx))
    }

    /// Stores (encrypted) or, with `None`, removes one of a mailbox's secrets.
    pub fn set_mail_secret(
        &self,
        key: &SecretKey,
        mailbox_id: &str,
        role: MailServerRole,
        secret: Option<&str>,
    ) -> StorageResult<()> {
        let place = secret_place(mailbox_id, role);
        let value = secret.map(|s| key.seal(&place, s)).unwrap_or_default();
        self.write(|tx| tx.set_meta(&place, &value))
    }

    pub fn mail_secret(
        &self,
        key: &SecretKey,
        mailbox_id: &str,
        role: MailServerRole,
    ) -> StorageResult<Option<String>> {
        let place = secret_place(mailbox_id, role);
        match self.read(|tx| tx.meta(&place))? {
            Some(v) if !v.is_empty() => key
                .open(&place, &v)
                .map(Some)
                .map_err(StorageError::Corrupt),
            _ => Ok(None),
        }
    }

    /// Takes (or renews) the lease `name` for `holder`; false when another holder's lease runs.
    pub fn take_mail_lease(&self, name: &str, holder: &str, now: i64) -> StorageResult<bool> {
        let key = format!("mail_lease:{name}");
        self.write(|tx| {
            tx.lock_version()?;
            if let Some(v) = tx.meta(&key)? {
                if let Some((who, until)) = v.split_once(' ') {
                    let until: i64 = until.parse().unwrap_or(0);
                    if who != holder && until > now {
                        return Ok(false);
                    }
                }
            }
            tx.set_meta(&key, &format!("{holder} {}", now + LEASE_MS))?;
            Ok(true)
        })
    }

    pub fn mail_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
    ) -> StorageResult<Option<(u32, u32)>> {
        let v = self.read(|tx| tx.meta(&format!("mail_folder:{mailbox_id}:{folder}")))?;
        Ok(v.and_then(|v| {
            let (a, b) = v.split_once(' ')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        }))
    }

    pub fn save_mail_folder_state(
        &self,
        mailbox_id: &str,
        folder: &str,
        uid_validity: u32,
        last_uid: u32,
    ) -> StorageResult<()> {
        self.write(|tx| {
            tx.set_meta(
                &format!("mail_folder:{mailbox_id}:{folder}"),
                &format!("{uid_validity} {last_uid}"),
            )
        })
    }

    /// Keeps a fetched mail raw and takes it in (see the module documentation). Returns what
    /// became of it and the workspace version it wrote, if any.
    pub fn take_in_mail(
        &self,
        mailbox: &Mailbox,
        raw: &[u8],
        at: i64,
    ) -> StorageResult<(TakenIn, Option<i64>)> {
        let hash = raw_hash(raw);
        let record = format!("mail_raw:{hash}");
        if self.read(|tx| tx.meta(&record))?.is_some() {
            return Ok((TakenIn::Duplicate, None));
        }
        if raw.len() > MAX_RAW_MAIL {
            return Ok((
                TakenIn::Refused(format!(
                    "The mail is {} MB; mails over {} MB stay in the mailbox.",
                    raw.len() / (1024 * 1024),
                    MAX_RAW_MAIL / (1024 * 1024)
                )),
                None,
            ));
        }
        let limits = ParseLimits {
            max_bytes: MAX_RAW_MAIL,
            ..ParseLimits::default()
        };
        let inbound = read(raw, mailbox, &limits);
        let raw_id = uuid::Uuid::now_v7().to_string();
        let raw_record = AttachmentRecord {
            attachment: Attachment {
                id: raw_id.clone(),
                filename: "original.eml".into(),
                mime: "message/rfc822".into(),
                size: raw.len() as i64,
                sha256: hash.clone(),
            },
            ticket_id: String::new(),
            message_id: String::new(),
            created_at: at,
        };
        let mut files: Vec<(AttachmentRecord, Vec<u8>)> = Vec::new();
        let (m, mut outcome) = match inbound {
            Inbound::Unusable { reason } => (None, TakenIn::Refused(reason)),
            Inbound::Bounce { mail_id, reason } => {
                let target = match &mail_id {
                    Some(id) => self.read(|tx| {
                        let mut view = TxState::new(tx);
                        use apply::StateView;
                        Ok(view.message_by_mail_id(id).ok().flatten().map(|m| m.id))
                    })?,
                    None => None,
                };
                porchlight_mail::channel::bounce(target, reason)
            }
            Inbound::Mail { mail, files: parts } => {
                let mut mail: InboundMail = *mail;
                for f in parts {
                    let a = Attachment {
                        id: uuid::Uuid::now_v7().to_string(),
                        filename: porchlight_domain::bidi::clean_file_name(&f.file_name),
                        mime: f.content_type.clone(),
                        size: f.data.len() as i64,
                        sha256: hex::encode(Sha256::digest(&f.data)),
                    };
                    mail.attachment_ids.push(a.id.clone());
                    files.push((
                        AttachmentRecord {
                            attachment: a,
                            ticket_id: String::new(),
                            message_id: String::new(),
                            created_at: at,
                        },
                        f.data,
                    ));
                }
                mail.raw_attachment_id = Some(raw_id.clone());
                let ticket_id = uuid::Uuid::now_v7().to_string();
                (
                    Some(Mutation::ReceiveMail {
                        ticket_id: ticket_id.clone(),
                        message_id: uuid::Uuid::now_v7().to_string(),
                        mail,
                    }),
                    TakenIn::Ticket(ticket_id),
                )
            }
        };
        let m = match m.map(|m| m.validated()) {
            Some(Ok(m)) => Some(m),
            Some(Err(e)) => {
                outcome = TakenIn::Refused(e.message);
                None
            }
            None => None,
        };
        self.write(|tx| {
            let version = tx.lock_version()? + 1;
            // Another process took it in while this one was reading it.
            if tx.meta(&record)?.is_some() {
                return Ok((TakenIn::Duplicate, None));
            }
            tx.put_blob(&hash, raw)?;
            let mut written = None;
            let mut outcome = outcome.clone();
            if let Some(m) = &m {
                match apply_mail_in(tx, m, &files, version, at) {
                    Ok(landed) => {
                        if let (TakenIn::Ticket(_), Some(t)) = (&outcome, landed) {
                            outcome = TakenIn::Ticket(t);
                        }
                        written = Some(version);
                    }
                    Err(StorageError::Refused(e)) if e.field.as_deref() == Some("mail_id") => {
                        outcome = TakenIn::Duplicate
                    }
                    Err(StorageError::Refused(e)) => outcome = TakenIn::Refused(e.message),
                    Err(other) => return Err(other),
                }
            }
            let mut raw_record = raw_record.clone();
            if let (Some(Mutation::ReceiveMail { message_id, .. }), TakenIn::Ticket(t)) =
                (&m, &outcome)
            {
                raw_record.message_id = message_id.clone();
                raw_record.ticket_id = t.clone();
            }
            tx.insert_attachment(&raw_record)?;
            let word = match &outcome {
                TakenIn::Ticket(t) => format!("ticket {t}"),
                TakenIn::Duplicate => "duplicate".into(),
                TakenIn::Bounce => "bounce".into(),
                TakenIn::Refused(why) => format!("refused {why}"),
            };
            tx.set_meta(&record, &word)?;
            if written.is_some() {
                tx.set_version(version)?;
            }
            Ok((outcome, written))
        })
    }

    /// Whether any message may be sent at `now`: a read, so that the wake-up every push gives
    /// the sender costs no write (the sending lease is written only when there is work).
    pub fn mail_waiting(&self, now: i64) -> StorageResult<bool> {
        self.read(|tx| Ok(!sendable(tx, 1, now)?.is_empty()))
    }

    /// Messages waiting to be sent (at most `limit`), built as mail
    /// (`porchlight_mail::channel::outgoing`). An acknowledgement carries the customer's
    /// tracking link and a survey its answer page, when `links` gives one (the server knows
    /// its public address).
    pub fn mail_outgoing(
        &self,
        limit: usize,
        now: i64,
        links: &MailLinks<'_>,
    ) -> StorageResult<Vec<Outgoing>> {
        self.read(|tx| {
            let ids = sendable(tx, limit, now)?;
            let boxes = mailboxes_in(tx)?;
            let mut out = Vec::new();
            for id in ids {
                let Some(Doc::Message(msg)) = doc(tx, DocKind::Message, &id)? else {
                    continue;
                };
                let Some(Doc::Ticket(t)) = doc(tx, DocKind::Ticket, &msg.ticket_id)? else {
                    continue;
                };
                let mut attachments = Vec::new();
                for a in &msg.attachment_ids {
                    if let Some(rec) = tx.attachment(a)? {
                        if let Some(data) = tx.blob(&rec.attachment.sha256)? {
                            attachments.push(OutgoingAttachment {
                                file_name: rec.attachment.filename,
                                content_type: rec.attachment.mime,
                                content_id: None,
                                data,
                            });
                        }
                    }
                }
                let Some(mut o) = outgoing(&msg, &boxes, t.number, attachments) else {
                    continue;
                };
                // An acknowledgement carries the tracking link, a survey its answer page.
                let automatic = msg.kind == porchlight_domain::MessageKind::System
                    && msg.email.as_ref().is_some_and(|e| e.automatic);
                let survey = msg.email.as_ref().and_then(|e| e.survey);
                if let (true, Some(link)) = (automatic, links(&t.id, &t.language, survey)) {
                    let locale = porchlight_domain::catalog::Locale::closest(&t.language);
                    let key = if survey.is_some() {
                        "mail.survey_link"
                    } else {
                        "mail.ack_track"
                    };
                    o.reply.text.push_str("\n\n");
                    o.reply.text.push_str(&porchlight_domain::catalog::fill(
                        locale.t(key),
                        &[("link", link.as_str())],
                    ));
                }
                out.push(o);
            }
            Ok(out)
        })
    }

    /// Records a send (sent, or failed with the server's words); returns the version written.
    pub fn mail_delivered(
        &self,
        message_id: &str,
        outcome: Result<(), String>,
        at: i64,
    ) -> StorageResult<i64> {
        let m = Mutation::SetDelivery {
            message_id: message_id.to_string(),
            state: if outcome.is_ok() {
                DeliveryState::Sent
            } else {
                DeliveryState::Failed
            },
            error: outcome.err(),
        }
        .validated()
        .map_err(refused)?;
        self.write(|tx| {
            let version = tx.lock_version()? + 1;
            apply_mail_in(tx, &m, &[], version, at)?;
            tx.set_version(version)?;
            Ok(version)
        })
    }

    /// How many automatic mails went to `address` in the hour before `now` (counted in
    /// `meta`, one entry per address with the send times).
    pub fn automatic_mails_to(&self, address: &str, now: i64) -> StorageResult<usize> {
        let v = self.read(|tx| tx.meta(&format!("mail_auto:{address}")))?;
        Ok(v.unwrap_or_default()
            .split(' ')
            .filter_map(|t| t.parse::<i64>().ok())
            .filter(|t| *t > now - 3_600_000)
            .count())
    }

    pub fn note_automatic_mail(&self, address: &str, now: i64) -> StorageResult<()> {
        let key = format!("mail_auto:{address}");
        self.write(|tx| {
            let kept: Vec<String> = tx
                .meta(&key)?
                .unwrap_or_default()
                .split(' ')
                .filter_map(|t| t.parse::<i64>().ok())
                .filter(|t| *t > now - 3_600_000)
                .chain([now])
                .map(|t| t.to_string())
                .collect();
            tx.set_meta(&key, &kept.join(" "))
        })
    }
}

/// Every mailbox, in id order.
pub(super) fn mailboxes_in(tx: &mut dyn Tx) -> StorageResult<Vec<Mailbox>> {
    let mut all = automation::all_of(tx, DocKind::Mailbox, "mailbox", |d| match d {
        Doc::Mailbox(m) => Some(m),
        _ => None,
    })?;
    all.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(all)
}

/// Applies a mail channel mutation at `version` with the files it carries, and runs the
/// triggers on the ticket it created or joined. Returns that ticket.
fn apply_mail_in(
    tx: &mut dyn Tx,
    m: &Mutation,
    files: &[(AttachmentRecord, Vec<u8>)],
    version: i64,
    at: i64,
) -> StorageResult<Option<String>> {
    let mut view = TxState::new(tx);
    let mut new_id = || uuid::Uuid::now_v7().to_string();
    let result = apply::apply_mail(m, at, &mut new_id, &mut view);
    if let Some(e) = view.failure.take() {
        return Err(e);
    }
    let writes = result.map_err(refused)?;
    let landed = apply::mail_landed(m, &writes);
    let event = match &landed {
        Some((ticket, created)) => Some(automation::Pending {
            ticket_id: ticket.clone(),
            kind: if *created {
                RuleTrigger::Created
            } else {
                RuleTrigger::Updated
            },
            author: Some(AuthorKind::Customer),
            before: if *created {
                None
            } else {
                automation::ticket(tx, ticket)?
            },
        }),
        None => None,
    };
    if let (Some((ticket, _)), Mutation::ReceiveMail { message_id, .. }) = (&landed, m) {
        for (record, bytes) in files {
            tx.put_blob(&record.attachment.sha256, bytes)?;
            let mut record = record.clone();
            record.ticket_id = ticket.clone();
            record.message_id = message_id.clone();
            tx.insert_attachment(&record)?;
        }
        tx.record_message_origin(message_id, ticket)?;
    }
    store_writes(tx, version, &writes)?;
    if let Some(event) = event {
        automation::run_after(
            tx,
            &mut automation::Setup::default(),
            version,
            event,
            &writes,
            at,
        )?;
    }
    Ok(landed.map(|(t, _)| t))
}
