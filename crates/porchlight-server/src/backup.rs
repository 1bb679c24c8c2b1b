//! `porchlight-server backup` and `restore` for the embedded SQLite database.
//!
//! A backup is a folder `porchlight-server-backup-YYYYMMDD-HHMMSS` holding the database (every
//! document, account, session and file: the files are stored in it), copied with SQLite's
//! online backup API from a connection of its own while the server keeps serving (one step,
//! so the copy is the database as it was when the backup began), and a manifest
//! (`porchlight-server-backup.json`). It is written under a hidden name and renamed when
//! complete: a folder with a manifest is a whole backup.
//!
//! A restore goes into a data directory that holds no database yet: the server that used
//! the old one is stopped and pointed at the new directory (or the directories swapped),
//! so nothing is overwritten. PostgreSQL is backed up with `pg_dump` (see the README).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::storage::sqlite::{DB_FILE, SCHEMA_VERSION};

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "porchlight-server-backup.json";
const PREFIX: &str = "porchlight-server-backup-";

/// What a server backup holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerBackup {
    pub created_at: i64,
    pub server_version: String,
    pub schema_version: i64,
    /// Live documents (tickets, messages, customers, articles, configuration…).
    pub documents: i64,
    pub tickets: i64,
    pub bytes: u64,
}

/// Backs up the SQLite database in `data_dir` into a new folder under `to`; answers the
/// folder and what it holds.
pub fn back_up(data_dir: &Path, to: &Path, at: i64) -> Result<(PathBuf, ServerBackup)> {
    let db = data_dir.join(DB_FILE);
    if !db.is_file() {
        bail!("{} holds no Porchlight server database", data_dir.display());
    }
    write_folder(to, PREFIX, at, |part| write_backup(&db, part, at))
}

/// Writes a new folder `{prefix}{UTC time}` under `parent` with `write`: built under a
/// hidden name and renamed when `write` succeeded, removed when it failed, so a folder of
/// that name is always whole. Answers the folder and what `write` answered.
pub fn write_folder<T>(
    parent: &Path,
    prefix: &str,
    at: i64,
    write: impl FnOnce(&Path) -> Result<T>,
) -> Result<(PathBuf, T)> {
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let stamp = chrono::DateTime::from_timestamp_millis(at)
        .unwrap_or_default()
        .format("%Y%m%d-%H%M%S")
        .to_string();
    let mut done = parent.join(format!("{prefix}{stamp}"));
    let mut n = 2;
    while done.exists() {
        done = parent.join(format!("{prefix}{stamp}-{n}"));
        n += 1;
    }
    let part = parent.join(format!(
        ".{}.partial",
        done.file_name().unwrap_or_default().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&part);
    std::fs::create_dir_all(&part)?;
    let written = write(&part);
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&part);
    }
    let out = written?;
    std::fs::rename(&part, &done)?;
    Ok((done, out))
}

fn write_backup(db: &Path, into: &Path, at: i64) -> Result<ServerBackup> {
    let src = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    src.busy_timeout(Duration::from_secs(10))?;
    let copy = into.join(DB_FILE);
    let mut dst = Connection::open(&copy)?;
    // Every page in one step: one read transaction, so the copy is one moment of the
    // database while the server writes on (a step at a time would start over at each write).
    let backup = Backup::new(&src, &mut dst)?;
    let mut tries = 0;
    while backup.step(-1)? != StepResult::Done {
        tries += 1;
        if tries == 100 {
            bail!("the database stayed busy; try the backup again");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(backup);
    drop(src);
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    let (documents, tickets) = dst.query_row(
        "SELECT count(*), count(*) FILTER (WHERE kind = 'ticket') FROM docs WHERE body IS NOT NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let schema_version = dst.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    drop(dst);
    std::fs::File::open(&copy)?.sync_all()?;
    let info = ServerBackup {
        created_at: at,
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        documents,
        tickets,
        bytes: std::fs::metadata(&copy)?.len(),
    };
    let manifest = into.join(MANIFEST);
    std::fs::write(&manifest, serde_json::to_vec_pretty(&info)?)?;
    std::fs::File::open(&manifest)?.sync_all()?;
    Ok(info)
}

/// Reads and checks a backup folder: its manifest, a database that passes
/// `PRAGMA integrity_check`, and a schema this server can open.
pub fn check(backup: &Path) -> Result<ServerBackup> {
    let manifest = std::fs::read(backup.join(MANIFEST)).with_context(|| {
        format!(
            "{} is not a Porchlight server backup (it has no {MANIFEST})",
            backup.display()
        )
    })?;
    let info: ServerBackup = serde_json::from_slice(&manifest)
        .with_context(|| format!("{} is unreadable", backup.join(MANIFEST).display()))?;
    let db = backup.join(DB_FILE);
    if !db.is_file() {
        bail!("{} is missing from the backup", db.display());
    }
    let c = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| anyhow::anyhow!("the backup's database cannot be read: {e}"))?;
    if verdict != "ok" {
        bail!("the backup's database is damaged ({verdict}); choose another backup");
    }
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        bail!(
            "this backup was made by a newer server ({}); upgrade porchlight-server to restore it",
            info.server_version
        );
    }
    Ok(info)
}

/// Restores the backup in `backup` into `data_dir`, which must hold no database yet.
pub fn restore(backup: &Path, data_dir: &Path) -> Result<ServerBackup> {
    let info = check(backup)?;
    let target = data_dir.join(DB_FILE);
    if target.exists() {
        bail!(
            "{} already holds a database: stop the server, move that directory away (or choose a new one) and restore into an empty directory",
            data_dir.display()
        );
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let part = data_dir.join(format!(".{DB_FILE}.restoring"));
    std::fs::copy(backup.join(DB_FILE), &part)?;
    std::fs::File::open(&part)?.sync_all()?;
    std::fs::rename(&part, &target)?;
    Ok(info)
}
