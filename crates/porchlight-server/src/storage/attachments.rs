//! What the customers' self-service portal keeps besides documents: content-addressed blobs
//! (SHA-256) with one attachment record per uploaded file, the secret that signs tracking
//! links, and the changes a customer makes (a request, a reply) applied by the domain engine
//! at a new workspace version like any push, automation rules included.
//!
//! Customers' files arrive as temporary files (see [`StagedFile`]) and are copied into the
//! blob table a little at a time, so memory stays bounded however large the upload: on
//! SQLite by incremental BLOB I/O into a zeroed value, on PostgreSQL by a binary COPY.

use std::io::{Seek, Write};
use std::path::Path;

use porchlight_domain::apply;
use porchlight_domain::docs::{Doc, DocKind, DocWrite, MessageDoc, RatingDoc, TicketDoc};
use porchlight_domain::records::{rating_doc_id, SurveyKind};
use porchlight_domain::{Attachment, Mutation};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{automation, store_writes, Storage, StorageError, StorageResult, TxState};

/// An uploaded file: the attachment the desktop knows (its id is a UUIDv7 like the
/// desktop's own attachment ids and is what `MessageDoc::attachment_ids` lists) and where
/// it belongs.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRecord {
    pub attachment: Attachment,
    pub ticket_id: String,
    pub message_id: String,
    pub created_at: i64,
}

/// A ticket as its customer may see it: the ticket, its messages oldest first, and the
/// stored attachments those messages list.
pub struct Thread {
    pub ticket: TicketDoc,
    pub messages: Vec<MessageDoc>,
    pub attachments: Vec<AttachmentRecord>,
}

/// An uploaded file written to disk while it arrived, with its size and SHA-256 known. The
/// file is removed when this is dropped, stored or not.
pub struct StagedFile {
    file: tempfile::NamedTempFile,
    pub size: u64,
    pub sha256: String,
}

/// How temporary upload files are named, so a sweep finds only those.
const UPLOAD_PREFIX: &str = "porchlight-upload-";
/// A temporary upload untouched this long was left by a process that ended mid-upload.
const STALE_UPLOAD: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes temporary uploads a killed process left in `dir`. Only old ones: another process
/// on the same storage may be receiving a file right now.
pub fn sweep_stale_uploads(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let ours = e.file_name().to_string_lossy().starts_with(UPLOAD_PREFIX);
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_UPLOAD);
        if ours && old {
            if let Err(err) = std::fs::remove_file(e.path()) {
                tracing::warn!(error = %err, "could not remove a stale upload");
            }
        }
    }
}

/// Writes an upload to a temporary file chunk by chunk, hashing as it goes.
pub struct Staging {
    file: tempfile::NamedTempFile,
    hasher: Sha256,
    size: u64,
}

impl Staging {
    /// A new temporary file in `dir` (created if missing).
    pub fn new(dir: &Path) -> std::io::Result<Staging> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::Builder::new()
            .prefix(UPLOAD_PREFIX)
            .tempfile_in(dir)?;
        Ok(Staging {
            file,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    pub fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.file.write_all(chunk)?;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<StagedFile> {
        self.file.flush()?;
        Ok(StagedFile {
            file: self.file,
            size: self.size,
            sha256: hex::encode(self.hasher.finalize()),
        })
    }
}

impl StagedFile {
    /// Copies the bytes into the blob store (a transaction may run more than once, so each
    /// run reads the file from its start).
    fn store(&self, tx: &mut dyn super::Tx) -> StorageResult<()> {
        let mut f = self
            .file
            .reopen()
            .and_then(|mut f| f.rewind().map(|_| f))
            .map_err(|e| StorageError::Backend(format!("reading an upload: {e}")))?;
        tx.put_blob_from_file(&self.sha256, self.size, &mut f)
    }
}

const SECRET_KEY: &str = "portal_link_secret";

/// A customer's reply as it landed: on the ticket its own was merged into, when it was
/// (see `apply::apply_as_customer`). `None` when it landed where it was sent.
fn landed_mutation(m: &Mutation, writes: &[DocWrite]) -> Option<Mutation> {
    let Mutation::AddMessage {
        message_id,
        ticket_id,
        ..
    } = m
    else {
        return None;
    };
    let landed = writes.iter().find_map(|w| match w {
        DocWrite::Put {
            doc: Doc::Message(msg),
        } if msg.id == *message_id && msg.ticket_id != *ticket_id => Some(msg.ticket_id.clone()),
        _ => None,
    })?;
    let mut moved = m.clone();
    if let Mutation::AddMessage { ticket_id, .. } = &mut moved {
        *ticket_id = landed;
    }
    Some(moved)
}

impl Storage {
    /// The key that signs tracking links: 32 random bytes made the first time it is needed
    /// and kept in the database, so links survive restarts and work on every server process.
    pub fn portal_secret(&self) -> StorageResult<Vec<u8>> {
        let decode = |h: String| {
            hex::decode(h).map_err(|e| StorageError::Corrupt(format!("portal secret: {e}")))
        };
        if let Some(h) = self.read(|tx| tx.meta(SECRET_KEY))? {
            return decode(h);
        }
        let h = self.write(|tx| {
            // Serialises with every other writer (on PostgreSQL, other server processes too),
            // so two processes starting together agree on one secret.
            tx.lock_version()?;
            match tx.meta(SECRET_KEY)? {
                Some(h) => Ok(h),
                None => {
                    let mut key = [0u8; 32];
                    rand::rngs::OsRng.fill_bytes(&mut key);
                    let h = hex::encode(key);
                    tx.set_meta(SECRET_KEY, &h)?;
                    Ok(h)
                }
            }
        })?;
        decode(h)
    }

    /// Applies a customer's own change (see `apply::apply_as_customer`; `language` is the one
    /// they wrote in) with the files it carries, in one transaction at a new workspace
    /// version. Returns that version. A refusal stores nothing, files included. A reply is
    /// remembered as written on the ticket its link names, even when it lands on the ticket
    /// that one was merged into.
    pub fn apply_as_customer(
        &self,
        m: Mutation,
        language: Option<&str>,
        files: &[(AttachmentRecord, StagedFile)],
        at: i64,
    ) -> StorageResult<i64> {
        let m = m.validated().map_err(StorageError::Refused)?;
        self.write(|tx| {
            let version = tx.lock_version()? + 1;
            let mut view = TxState::new(tx);
            let mut new_id = || uuid::Uuid::now_v7().to_string();
            let result = apply::apply_as_customer(&m, language, at, &mut new_id, &mut view);
            if let Some(e) = view.failure.take() {
                return Err(e);
            }
            let writes = result.map_err(StorageError::Refused)?;
            // The automation rules see a customer's request or reply like any other change,
            // on the ticket it landed on.
            let landed = landed_mutation(&m, &writes);
            let rules_event = automation::Pending::of(tx, landed.as_ref().unwrap_or(&m))?;
            for (record, staged) in files {
                staged.store(tx)?;
                tx.insert_attachment(record)?;
            }
            if let Mutation::AddMessage {
                message_id,
                ticket_id,
                ..
            } = &m
            {
                tx.record_message_origin(message_id, ticket_id)?;
            }
            store_writes(tx, version, &writes)?;
            if let Some(event) = rules_event {
                automation::run_after(
                    tx,
                    &mut automation::Setup::default(),
                    version,
                    event,
                    &writes,
                    at,
                )?;
            }
            tx.set_version(version)?;
            Ok(version)
        })
    }

    /// Keeps a file an agent's desktop uploads (before or after the message or article that
    /// names it reaches the server). The same id with the same bytes again changes nothing;
    /// other bytes under a known id are refused.
    pub fn put_agent_attachment(
        &self,
        attachment: &Attachment,
        bytes: &[u8],
        at: i64,
    ) -> StorageResult<bool> {
        self.write(|tx| {
            if let Some(old) = tx.attachment(&attachment.id)? {
                return Ok(old.attachment.sha256 == attachment.sha256);
            }
            tx.put_blob(&attachment.sha256, bytes)?;
            tx.insert_attachment(&AttachmentRecord {
                attachment: attachment.clone(),
                ticket_id: String::new(),
                message_id: String::new(),
                created_at: at,
            })?;
            Ok(true)
        })
    }

    /// Where uploads wait as temporary files (see [`Staging`]).
    pub fn scratch_dir(&self) -> std::path::PathBuf {
        self.backend.scratch_dir()
    }

    pub fn attachment(&self, id: &str) -> StorageResult<Option<AttachmentRecord>> {
        self.read(|tx| tx.attachment(id))
    }

    /// Stores an imported file: its bytes and its record (`porchlight-server import`).
    pub fn import_attachment(
        &self,
        a: &porchlight_domain::export::ExportedAttachment,
        bytes: &[u8],
    ) -> StorageResult<()> {
        self.write(|tx| {
            tx.put_blob(&a.sha256, bytes)?;
            tx.insert_attachment(&AttachmentRecord {
                attachment: porchlight_domain::Attachment {
                    id: a.id.clone(),
                    filename: a.filename.clone(),
                    mime: a.mime.clone(),
                    size: a.size,
                    sha256: a.sha256.clone(),
                },
                ticket_id: a.ticket_id.clone(),
                message_id: a.message_id.clone(),
                created_at: a.created_at,
            })
        })
    }

    /// Whether the database holds any document yet.
    pub fn holds_documents(&self) -> StorageResult<bool> {
        self.read(|tx| Ok(!tx.docs_since(0, 1)?.is_empty()))
    }

    /// An attachment with its bytes.
    pub fn attachment_with_bytes(
        &self,
        id: &str,
    ) -> StorageResult<Option<(AttachmentRecord, Vec<u8>)>> {
        self.read(|tx| {
            let Some(a) = tx.attachment(id)? else {
                return Ok(None);
            };
            let bytes = tx.blob(&a.attachment.sha256)?.ok_or_else(|| {
                StorageError::Corrupt(format!("attachment {id} has no stored bytes"))
            })?;
            Ok(Some((a, bytes)))
        })
    }

    /// The live ticket a survey link names, with the customer's answer of that kind so far.
    pub fn survey(
        &self,
        ticket_id: &str,
        kind: SurveyKind,
    ) -> StorageResult<Option<(TicketDoc, Option<RatingDoc>)>> {
        self.read(|tx| {
            let Some(body) = tx.get_doc(DocKind::Ticket, ticket_id)? else {
                return Ok(None);
            };
            let Doc::Ticket(ticket) = serde_json::from_str(&body)? else {
                return Err(StorageError::Corrupt(format!(
                    "ticket {ticket_id} is not a ticket"
                )));
            };
            if ticket.deleted_at.is_some() {
                return Ok(None);
            }
            let rating = match tx.get_doc(DocKind::Rating, &rating_doc_id(ticket_id, kind))? {
                Some(b) => match serde_json::from_str(&b)? {
                    Doc::Rating(r) => Some(r),
                    _ => None,
                },
                None => None,
            };
            Ok(Some((ticket, rating)))
        })
    }

    /// A ticket, the messages written on it (wherever a merge has moved them since) and
    /// their stored attachments, in one snapshot.
    pub fn thread(&self, ticket_id: &str) -> StorageResult<Option<Thread>> {
        self.read(|tx| {
            let Some(body) = tx.get_doc(DocKind::Ticket, ticket_id)? else {
                return Ok(None);
            };
            let Doc::Ticket(ticket) = serde_json::from_str(&body)? else {
                return Err(StorageError::Corrupt(format!(
                    "ticket {ticket_id} is not a ticket"
                )));
            };
            let mut messages = Vec::new();
            for b in tx.messages_written_on(ticket_id)? {
                if let Doc::Message(m) = serde_json::from_str(&b)? {
                    messages.push(m);
                }
            }
            messages.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            let mut attachments = Vec::new();
            for id in messages.iter().flat_map(|m| &m.attachment_ids) {
                if let Some(a) = tx.attachment(id)? {
                    attachments.push(a);
                }
            }
            Ok(Some(Thread {
                ticket,
                messages,
                attachments,
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_removes_only_old_uploads() {
        let dir = tempfile::tempdir().unwrap();
        let old = Staging::new(dir.path()).unwrap().finish().unwrap();
        let fresh = Staging::new(dir.path()).unwrap().finish().unwrap();
        let other = dir.path().join("porchlight-server.db");
        std::fs::write(&other, b"not an upload").unwrap();
        let long_ago = std::time::SystemTime::now() - 2 * STALE_UPLOAD;
        for f in [
            old.file.as_file(),
            &std::fs::File::options().write(true).open(&other).unwrap(),
        ] {
            f.set_modified(long_ago).unwrap();
        }
        sweep_stale_uploads(dir.path());
        assert!(!old.file.path().exists());
        assert!(fresh.file.path().exists());
        assert!(other.exists());
    }
}
