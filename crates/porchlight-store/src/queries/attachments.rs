//! Attachments: content-addressed files under `<data dir>/attachments/ab/abcdef…`, staged
//! before the message that carries them is written, and size-limited.

use std::io::Write;
use std::path::PathBuf;

use porchlight_domain::{Attachment, DomainError, ErrorCode};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::{new_id, now_ms, Store, StoreResult};

/// 25 MB, the limit most mail servers apply too.
pub const DEFAULT_ATTACHMENT_LIMIT: u64 = 25 * 1024 * 1024;

pub(crate) fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The row of a file kept by [`Store::keep_file`], staged for the next message.
pub(crate) fn insert_staged(c: &Connection, a: &Attachment) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO attachments(id, message_id, filename, mime, size, sha256, created_at)
         VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        a.id,
        a.filename,
        a.mime,
        a.size,
        a.sha256,
        now_ms()
    ])?;
    Ok(())
}

/// Refuses attachments that are not staged on this desktop or already sent (a new message
/// links the staged ones when it is written, see `docs::write`).
pub(crate) fn require_staged(c: &Connection, ids: &[String]) -> StoreResult<()> {
    for id in ids {
        let staged: bool = c
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM attachments WHERE id = ?1 AND message_id IS NULL)",
            )?
            .query_row([id], |r| r.get(0))?;
        if !staged {
            return Err(DomainError::new(
                ErrorCode::NotFound,
                Some("attachments"),
                format!("The attachment {id} is not staged (it may already be sent); attach the file again."),
            )
            .into());
        }
    }
    Ok(())
}

impl Store {
    pub(crate) fn attachment_file(&self, sha256: &str) -> PathBuf {
        self.dir()
            .join("attachments")
            .join(&sha256[..2])
            .join(sha256)
    }

    /// Stores a file's bytes and returns its attachment record, to be referenced by the next
    /// create-ticket or add-message mutation.
    pub fn stage_attachment(
        &self,
        filename: &str,
        mime: &str,
        bytes: &[u8],
    ) -> StoreResult<Attachment> {
        let a = self.keep_file(filename, mime, bytes)?;
        self.with_tx(|tx| insert_staged(tx, &a))?;
        Ok(a)
    }

    /// Checks a file (its name, its size) and writes its bytes where its hash says; the row
    /// that stages it is the caller's to write ([`insert_staged`]).
    pub(crate) fn keep_file(
        &self,
        filename: &str,
        mime: &str,
        bytes: &[u8],
    ) -> StoreResult<Attachment> {
        // Direction controls would make `gpj.exe` read as `exe.jpg`.
        let filename = porchlight_domain::bidi::clean_file_name(filename);
        if filename.is_empty() {
            return Err(DomainError::empty("file_name").into());
        }
        let size = bytes.len() as u64;
        if size > self.attachment_limit {
            return Err(DomainError::new(
                ErrorCode::AttachmentTooLarge,
                Some("attachments"),
                format!(
                    "{filename} is {}; attachments can be at most {}.",
                    mb(size),
                    mb(self.attachment_limit).replace(".0", "")
                ),
            )
            .into());
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        self.write_attachment_file(&sha256, bytes)?;
        Ok(Attachment {
            id: new_id(),
            filename,
            mime: if mime.trim().is_empty() {
                "application/octet-stream".into()
            } else {
                mime.trim().to_string()
            },
            size: size as i64,
            sha256,
        })
    }

    /// Where an attachment's bytes are, for opening with the OS's default application. The
    /// returned copy carries the original file name so the application recognises the type.
    pub fn attachment_path(&self, id: &str) -> StoreResult<PathBuf> {
        let (sha, filename): (String, String) = self
            .read(|c| {
                Ok(c.query_row(
                    "SELECT sha256, filename FROM attachments WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
            })?
            .ok_or_else(|| DomainError::not_found("attachment", id))?;
        let stored = self.attachment_file(&sha);
        let named_dir = self.dir().join("open").join(&sha[..16]);
        std::fs::create_dir_all(&named_dir)?;
        let named = named_dir.join(&filename);
        if !named.exists() {
            std::fs::copy(&stored, &named)?;
        }
        Ok(named)
    }

    /// An attachment's bytes and type when it is a raster image (PNG, JPEG, GIF, WebP), for
    /// showing it inside an article. Anything else (SVG included, which can carry script)
    /// is refused.
    pub fn attachment_image(&self, id: &str) -> StoreResult<(String, Vec<u8>)> {
        const IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
        let (sha, mime): (String, String) = self
            .read(|c| {
                Ok(c.query_row(
                    "SELECT sha256, mime FROM attachments WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
            })?
            .ok_or_else(|| DomainError::not_found("attachment", id))?;
        let mime = mime.to_ascii_lowercase();
        if !IMAGES.contains(&mime.as_str()) {
            return Err(DomainError::invalid(
                "attachment",
                "Only PNG, JPEG, GIF and WebP images can be shown in an article.",
            )
            .into());
        }
        Ok((mime, std::fs::read(self.attachment_file(&sha))?))
    }

    /// Attachments named by synced messages whose name and size this desktop does not know
    /// yet (at most `limit`), for the sync engine to ask the server about.
    pub fn remote_attachments_without_meta(&self, limit: usize) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id FROM attachments WHERE remote = 1 AND filename = '' ORDER BY created_at LIMIT ?1",
            )?;
            let rows = st
                .query_map([limit as i64], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(rows)
        })
    }

    /// Whether a remote attachment's name, size and hash are still unknown here.
    pub fn remote_attachment_lacks_meta(&self, id: &str) -> StoreResult<bool> {
        self.read(|c| {
            Ok(c
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM attachments WHERE id = ?1 AND remote = 1 AND sha256 = '')",
                )?
                .query_row([id], |r| r.get(0))?)
        })
    }

    /// Files a remote attachment's name, type, size and hash as the server reports them.
    pub fn set_remote_attachment_meta(&self, a: &Attachment) -> StoreResult<()> {
        if a.sha256.len() != 64 || !a.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(
                DomainError::invalid("sha256", "The server sent a malformed file hash.").into(),
            );
        }
        let filename = porchlight_domain::bidi::clean_file_name(&a.filename);
        self.with_tx(|tx| {
            tx.prepare_cached(
                "UPDATE attachments SET filename = ?2, mime = ?3, size = ?4, sha256 = ?5
                 WHERE id = ?1 AND remote = 1",
            )?
            .execute(params![
                a.id,
                if filename.trim().is_empty() {
                    "file".to_string()
                } else {
                    filename
                },
                a.mime,
                a.size,
                a.sha256.to_ascii_lowercase()
            ])?;
            Ok(())
        })
    }

    /// This desktop's own files the team server does not have yet (oldest first, at most
    /// `limit`): uploaded before the changes that name them are pushed.
    pub fn attachments_to_upload(&self, limit: usize) -> StoreResult<Vec<Attachment>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, filename, mime, size, sha256 FROM attachments
                 WHERE remote = 0 AND uploaded = 0 ORDER BY created_at, rowid LIMIT ?1",
            )?;
            let rows = st
                .query_map([limit as i64], |r| {
                    Ok(Attachment {
                        id: r.get(0)?,
                        filename: r.get(1)?,
                        mime: r.get(2)?,
                        size: r.get(3)?,
                        sha256: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// The bytes of one of this desktop's files.
    pub fn attachment_bytes(&self, a: &Attachment) -> StoreResult<Vec<u8>> {
        Ok(std::fs::read(self.attachment_file(&a.sha256))?)
    }

    /// The server has the file (or refused it for good): never upload it again.
    pub fn mark_attachment_uploaded(&self, id: &str) -> StoreResult<()> {
        self.with_tx(|tx| {
            tx.prepare_cached("UPDATE attachments SET uploaded = 1 WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        })
    }

    /// Whether an attachment's bytes must be fetched from the server before it can be
    /// opened (a remote attachment not downloaded yet).
    pub fn attachment_needs_download(&self, id: &str) -> StoreResult<bool> {
        let row: Option<(bool, String)> = self.read(|c| {
            Ok(c.query_row(
                "SELECT remote, sha256 FROM attachments WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        match row {
            None => Err(DomainError::not_found("attachment", id).into()),
            Some((remote, sha)) => {
                Ok(remote && (sha.is_empty() || !self.attachment_file(&sha).exists()))
            }
        }
    }

    /// Keeps a downloaded attachment: the bytes must match the size and hash the server
    /// reported (a cut or altered download is refused and nothing is kept).
    pub fn store_downloaded_attachment(&self, id: &str, bytes: &[u8]) -> StoreResult<()> {
        let (size, sha): (i64, String) = self
            .read(|c| {
                Ok(c.query_row(
                    "SELECT size, sha256 FROM attachments WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
            })?
            .ok_or_else(|| DomainError::not_found("attachment", id))?;
        let got = hex::encode(Sha256::digest(bytes));
        if sha.is_empty() || got != sha || bytes.len() as i64 != size {
            return Err(DomainError::new(
                ErrorCode::Io,
                Some("attachment"),
                "The file arrived damaged (its size or checksum does not match); try again.",
            )
            .into());
        }
        self.write_attachment_file(&sha, bytes)?;
        self.with_tx(|tx| {
            tx.prepare_cached("UPDATE attachments SET remote = 0 WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        })
    }

    /// Writes bytes under their hash: beside, fsync, then rename, so a crash never leaves a
    /// half file under the hash.
    pub(crate) fn write_attachment_file(&self, sha256: &str, bytes: &[u8]) -> StoreResult<()> {
        let path = self.attachment_file(sha256);
        if !path.exists() {
            let parent = path.parent().expect("attachment path has a parent");
            std::fs::create_dir_all(parent)?;
            let tmp = parent.join(format!(".{sha256}.{}", new_id()));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
        }
        Ok(())
    }
}
