//! Exports of this desktop's helpdesk in the documented format (`porchlight_domain::export`):
//! every document, the attached files, and CSV tables, in a new folder written under a hidden
//! name and renamed when complete.

use std::collections::HashSet;
use std::path::Path;

use porchlight_domain::export::{
    article_files, customers_csv, jsonl, manifest, tickets_csv, ExportManifest, ExportedAttachment,
};

use crate::backup::{sync_file, write_folder};
use crate::{Store, StoreResult};

/// A byte-order mark, so spreadsheet programs read the CSV files as UTF-8.
const BOM: &str = "\u{feff}";

impl Store {
    /// Exports everything into a new folder `porchlight-export-…` under `parent`; answers
    /// its manifest (with its path).
    pub fn export_to(
        &self,
        parent: &Path,
        app_version: &str,
        at: i64,
    ) -> StoreResult<ExportManifest> {
        let docs = self.canonical_dump()?;
        let shown = article_files(&docs);
        let files: Vec<ExportedAttachment> = self.read(|c| {
            // A message's files, and the files articles show (no message: empty ids).
            let mut st = c.prepare(
                "SELECT a.id, coalesce(m.ticket_id, ''), coalesce(a.message_id, ''), a.filename,
                        a.mime, a.size, a.sha256, a.created_at
                 FROM attachments a LEFT JOIN messages m ON m.id = a.message_id ORDER BY a.id",
            )?;
            let rows = st
                .query_map([], |r| {
                    Ok(ExportedAttachment {
                        id: r.get(0)?,
                        ticket_id: r.get(1)?,
                        message_id: r.get(2)?,
                        filename: r.get(3)?,
                        mime: r.get(4)?,
                        size: r.get(5)?,
                        sha256: r.get(6)?,
                        created_at: r.get(7)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows
                .into_iter()
                .filter(|a| !a.message_id.is_empty() || shown.contains(&a.id))
                .collect())
        })?;
        let (done, mut info) = write_folder(parent, "porchlight-export-", at, |part| {
            std::fs::create_dir_all(part.join("attachments"))?;
            std::fs::write(part.join("documents.jsonl"), jsonl(&docs)?)?;
            std::fs::write(part.join("attachments.jsonl"), jsonl(&files)?)?;
            std::fs::write(
                part.join("tickets.csv"),
                format!("{BOM}{}", tickets_csv(&docs)),
            )?;
            std::fs::write(
                part.join("customers.csv"),
                format!("{BOM}{}", customers_csv(&docs)),
            )?;
            let mut copied = HashSet::new();
            for f in &files {
                if !copied.insert(f.sha256.clone()) {
                    continue;
                }
                let (src, dst) = (
                    self.attachment_file(&f.sha256),
                    part.join("attachments").join(&f.sha256),
                );
                if std::fs::hard_link(&src, &dst).is_err() {
                    std::fs::copy(&src, &dst)?;
                }
            }
            let info = manifest(&docs, files.len(), "desktop", app_version, at);
            let path = part.join("manifest.json");
            std::fs::write(&path, serde_json::to_vec_pretty(&info)?)?;
            sync_file(&path)?;
            Ok(info)
        })?;
        info.path = done.display().to_string();
        Ok(info)
    }
}
