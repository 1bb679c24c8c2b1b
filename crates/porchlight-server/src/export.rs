//! `porchlight-server export` and `import`: the helpdesk in the documented export format
//! (`porchlight_domain::export`), the same a desktop writes, on either backend. An import
//! goes into a database that holds no documents yet (a new server, or a standalone shop's
//! desktop export moving to a server with its whole history); accounts are not part of an
//! export: `user add` gives the exported agents theirs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use porchlight_domain::docs::Doc;
use porchlight_domain::export::{
    article_files, customers_csv, jsonl, manifest, read_jsonl, tickets_csv, ExportManifest,
    ExportedAttachment, EXPORT_FORMAT,
};
use sha2::{Digest, Sha256};

use crate::backup::write_folder;
use crate::storage::{canonical_dump, Storage};

/// Exports the helpdesk into a new folder under `to`; answers the folder and its manifest.
pub fn export(storage: &Storage, to: &Path, at: i64) -> Result<(PathBuf, ExportManifest)> {
    let docs = canonical_dump(storage)?;
    write_folder(to, "porchlight-export-", at, |part| {
        std::fs::create_dir_all(part.join("attachments"))?;
        write_export(storage, &docs, part, at)
    })
}

fn write_export(storage: &Storage, docs: &[Doc], part: &Path, at: i64) -> Result<ExportManifest> {
    let mut files = Vec::new();
    let mut stored = HashSet::new();
    // A message's files, then those articles show.
    let ids = docs
        .iter()
        .filter_map(|d| match d {
            Doc::Message(m) => Some(m.attachment_ids.iter().cloned()),
            _ => None,
        })
        .flatten()
        .chain(article_files(docs));
    let mut seen = HashSet::new();
    for id in ids.filter(|id| seen.insert(id.clone())) {
        let Some((rec, bytes)) = storage.attachment_with_bytes(&id)? else {
            continue;
        };
        if stored.insert(rec.attachment.sha256.clone()) {
            std::fs::write(
                part.join("attachments").join(&rec.attachment.sha256),
                &bytes,
            )?;
        }
        files.push(ExportedAttachment {
            id: rec.attachment.id,
            ticket_id: rec.ticket_id,
            message_id: rec.message_id,
            filename: rec.attachment.filename,
            mime: rec.attachment.mime,
            size: rec.attachment.size,
            sha256: rec.attachment.sha256,
            created_at: rec.created_at,
        });
    }
    files.sort_by(|a, b| a.id.cmp(&b.id));
    std::fs::write(part.join("documents.jsonl"), jsonl(docs)?)?;
    std::fs::write(part.join("attachments.jsonl"), jsonl(&files)?)?;
    std::fs::write(
        part.join("tickets.csv"),
        format!("\u{feff}{}", tickets_csv(docs)),
    )?;
    std::fs::write(
        part.join("customers.csv"),
        format!("\u{feff}{}", customers_csv(docs)),
    )?;
    let info = manifest(docs, files.len(), "server", env!("CARGO_PKG_VERSION"), at);
    let path = part.join("manifest.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&info)?)?;
    std::fs::File::open(&path)?.sync_all()?;
    Ok(info)
}

/// Imports an export (a desktop's or a server's) into `storage`, which must hold no
/// documents yet. Every file is checked against its SHA-256 before anything is written.
pub fn import(storage: &Storage, from: &Path) -> Result<ExportManifest> {
    let read = |name: &str| {
        std::fs::read_to_string(from.join(name))
            .with_context(|| format!("{} is not a Porchlight export (no {name})", from.display()))
    };
    let info: ExportManifest = serde_json::from_str(&read("manifest.json")?)
        .with_context(|| format!("{} is unreadable", from.join("manifest.json").display()))?;
    if info.format > EXPORT_FORMAT {
        bail!(
            "this export has format {} (made by {} {}); this server reads format {EXPORT_FORMAT}: upgrade it first",
            info.format,
            info.source,
            info.app_version
        );
    }
    let docs: Vec<Doc> = read_jsonl(&read("documents.jsonl")?)
        .map_err(|e| anyhow::anyhow!("documents.jsonl {e}"))?;
    let files: Vec<ExportedAttachment> = read_jsonl(&read("attachments.jsonl")?)
        .map_err(|e| anyhow::anyhow!("attachments.jsonl {e}"))?;
    let mut bytes = Vec::with_capacity(files.len());
    for f in &files {
        let path = from.join("attachments").join(&f.sha256);
        let b = std::fs::read(&path).with_context(|| format!("{} is missing", path.display()))?;
        if hex::encode(Sha256::digest(&b)) != f.sha256 {
            bail!(
                "{} does not match its SHA-256: the export is damaged",
                path.display()
            );
        }
        bytes.push(b);
    }
    if storage.holds_documents()? {
        bail!("this server's database already holds a helpdesk: import into a new, empty one");
    }
    for chunk in docs.chunks(50_000) {
        storage.import_documents(chunk)?;
    }
    for (f, b) in files.iter().zip(&bytes) {
        storage.import_attachment(f, b)?;
    }
    Ok(info)
}
