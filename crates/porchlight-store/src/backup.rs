//! Backups of the store, and restoring one.
//!
//! A backup is a folder `porchlight-backup-YYYYMMDD-HHMMSS` holding the database, copied
//! with SQLite's online backup API from a connection of its own (the app keeps reading and
//! writing meanwhile: the copy is the database as it was when the backup began), the
//! attachment files, and a manifest (`porchlight-backup.json`, a [`BackupInfo`]). It is
//! written under a hidden name and renamed when complete, so a folder with a manifest is a
//! whole backup: a crash or a full disk mid-backup leaves no half backup behind.
//!
//! Restoring never swaps a database under open connections. `stage_restore` checks the
//! backup (`PRAGMA integrity_check`, a schema this app can open) and copies it beside the
//! store as `restore-pending`; the next `Store::open` moves the current files aside to
//! `before-restore-…` (nothing is deleted) and puts the backup's in their place. Every step
//! of that is a rename, and each is taken again after a crash until the pending folder is
//! gone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use porchlight_domain::backup::{
    BackupInfo, BackupsView, DEFAULT_BACKUPS_KEPT, MAX_BACKUPS_KEPT, MIN_BACKUPS_KEPT,
};
use porchlight_domain::DomainError;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::queries::settings;
use crate::{connection, Store, StoreResult, DB_FILE};

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "porchlight-backup.json";
const PREFIX: &str = "porchlight-backup-";
const PENDING: &str = "restore-pending";
const ATTACHMENTS: &str = "attachments";

impl Store {
    /// Where this desktop writes its backups: the folder chosen in Settings, else `backups`
    /// beside the store.
    pub fn backup_dir(&self) -> StoreResult<PathBuf> {
        let chosen = self.read(|c| settings::get(c, "backup_dir"))?;
        Ok(chosen
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| self.dir().join("backups")))
    }

    /// The backup settings and the backups in the backup folder, newest first.
    pub fn backups(&self) -> StoreResult<BackupsView> {
        let dir = self.backup_dir()?;
        let ((daily, keep), last_error) = self.read(|c| {
            Ok((
                daily_and_keep(c)?,
                settings::get(c, "backup_last_error")?.filter(|e| !e.is_empty()),
            ))
        })?;
        Ok(BackupsView {
            dir: dir.display().to_string(),
            daily,
            keep,
            backups: list_backups(&dir)?,
            last_error,
        })
    }

    /// Changes the backup settings: the folder (empty: beside the store), the daily backup,
    /// how many are kept. The folder must exist and take files.
    pub fn set_backup_settings(&self, dir: &str, daily: bool, keep: i64) -> StoreResult<()> {
        if !(MIN_BACKUPS_KEPT..=MAX_BACKUPS_KEPT).contains(&keep) {
            return Err(DomainError::invalid(
                "keep",
                format!("Keep between {MIN_BACKUPS_KEPT} and {MAX_BACKUPS_KEPT} backups."),
            )
            .into());
        }
        let dir = dir.trim();
        if !dir.is_empty() {
            let p = Path::new(dir);
            if !p.is_absolute() {
                return Err(DomainError::invalid(
                    "dir",
                    "Give the backup folder's full path (for example /media/usb/porchlight).",
                )
                .into());
            }
            writable_dir(p).map_err(|e| {
                DomainError::invalid("dir", format!("Backups cannot be written to {dir}: {e}."))
            })?;
        }
        self.with_tx(|tx| {
            settings::set(tx, "backup_dir", dir)?;
            settings::set(tx, "backup_daily", if daily { "1" } else { "0" })?;
            settings::set(tx, "backup_keep", &keep.to_string())
        })
    }

    /// Makes a backup in the backup folder now, then removes the oldest beyond the number
    /// kept. The app keeps working meanwhile.
    pub fn back_up_now(&self, app_version: &str, at: i64) -> StoreResult<BackupInfo> {
        let dir = self.backup_dir()?;
        let (_, keep) = self.read(daily_and_keep)?;
        let made = self.back_up_to(&dir, app_version, at);
        let error = made
            .as_ref()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        self.with_tx(|tx| settings::set(tx, "backup_last_error", &error))?;
        let info = made?;
        self.with_tx(|tx| settings::set(tx, "backup_last_at", &at.to_string()))?;
        prune(&dir, keep as usize)?;
        Ok(info)
    }

    /// Whether the daily backup is due at `now`: switched on, a helpdesk to back up (a
    /// profile), and no backup made in 24 hours.
    pub fn daily_backup_due(&self, now: i64) -> StoreResult<bool> {
        self.read(|c| {
            let on = daily_and_keep(c)?.0 && settings::get(c, "profile_agent_id")?.is_some();
            let last: i64 = settings::get(c, "backup_last_at")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            Ok(on && now - last >= 86_400_000)
        })
    }

    /// Writes a backup into a new folder under `parent` (see the module documentation).
    pub fn back_up_to(&self, parent: &Path, app_version: &str, at: i64) -> StoreResult<BackupInfo> {
        let (done, mut info) = write_folder(parent, PREFIX, at, |part| {
            self.write_backup(part, app_version, at)
        })?;
        info.path = done.display().to_string();
        Ok(info)
    }

    fn write_backup(&self, into: &Path, app_version: &str, at: i64) -> StoreResult<BackupInfo> {
        // A connection of its own: one step copies every page inside one read transaction,
        // so the copy is consistent while the writer goes on (WAL).
        let src = connection::open(&self.dir().join(DB_FILE))?;
        let mut dst = Connection::open(into.join(DB_FILE))?;
        copy_all_pages(&src, &mut dst)?;
        drop(src);
        let (tickets, customers, articles) = dst.query_row(
            "SELECT (SELECT count(*) FROM tickets WHERE deleted_at IS NULL),
                    (SELECT count(*) FROM customers),
                    (SELECT count(*) FROM kb_articles)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let schema_version = dst.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        // The copy is a plain file that needs no WAL beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        drop(dst);
        let attachments = copy_tree(&self.dir().join(ATTACHMENTS), &into.join(ATTACHMENTS))?;
        let mut info = BackupInfo {
            path: String::new(),
            created_at: at,
            app_version: app_version.to_owned(),
            schema_version,
            tickets,
            customers,
            articles,
            attachments,
            bytes: 0,
        };
        info.bytes = tree_bytes(into)? as i64;
        let manifest = into.join(MANIFEST);
        std::fs::write(&manifest, serde_json::to_vec_pretty(&info)?)?;
        sync_file(&manifest)?;
        sync_file(&into.join(DB_FILE))?;
        Ok(info)
    }

    /// Checks the backup in `backup` and stages it to replace this store at the next start.
    /// A desktop in a team is refused: its data is the team server's, restored there.
    pub fn stage_restore(&self, backup: &Path) -> StoreResult<BackupInfo> {
        if self.sync_settings()?.is_some() {
            return Err(DomainError::invalid(
                "backup",
                "This desktop works with a team server, which holds the helpdesk: restore the server's backup there (porchlight-server restore).",
            )
            .into());
        }
        let info = check_backup(backup)?;
        let pending = self.dir().join(PENDING);
        let part = self.dir().join(format!(".{PENDING}.partial"));
        let _ = std::fs::remove_dir_all(&part);
        let _ = std::fs::remove_dir_all(&pending);
        std::fs::create_dir_all(&part)?;
        let copied = std::fs::copy(backup.join(DB_FILE), part.join(DB_FILE))
            .and_then(|_| sync_file(&part.join(DB_FILE)))
            .map_err(crate::StoreError::from)
            .and_then(|_| copy_tree(&backup.join(ATTACHMENTS), &part.join(ATTACHMENTS)));
        if let Err(e) = copied {
            let _ = std::fs::remove_dir_all(&part);
            return Err(e);
        }
        std::fs::write(part.join(MANIFEST), serde_json::to_vec_pretty(&info)?)?;
        std::fs::rename(&part, &pending)?;
        Ok(info)
    }
}

/// Copies every page of `src` into `dst` in one step of the online backup API: one read
/// transaction, so the copy is one moment of the database (a step at a time would start over
/// whenever another connection writes). Busy or locked, it waits and tries again.
pub fn copy_all_pages(src: &Connection, dst: &mut Connection) -> StoreResult<()> {
    let backup = Backup::new(src, dst)?;
    for _ in 0..100 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    Err(DomainError::new(
        porchlight_domain::ErrorCode::Storage,
        None,
        "The database stayed busy: the backup could not be made. Try again.",
    )
    .into())
}

/// Whether the daily backup is on (it is unless switched off) and how many backups are kept.
fn daily_and_keep(c: &Connection) -> StoreResult<(bool, i64)> {
    Ok((
        settings::get(c, "backup_daily")?.as_deref() != Some("0"),
        settings::get(c, "backup_keep")?
            .and_then(|k| k.parse().ok())
            .unwrap_or(DEFAULT_BACKUPS_KEPT),
    ))
}

/// Reads and checks a backup folder: its manifest, a database that passes
/// `PRAGMA integrity_check`, and a schema this app can open.
pub fn check_backup(backup: &Path) -> StoreResult<BackupInfo> {
    let not_one = |why: &str| -> crate::StoreError {
        DomainError::invalid(
            "backup",
            format!("{} is not a Porchlight backup: {why}.", backup.display()),
        )
        .into()
    };
    let manifest =
        std::fs::read(backup.join(MANIFEST)).map_err(|_| not_one("it has no manifest"))?;
    let mut info: BackupInfo =
        serde_json::from_slice(&manifest).map_err(|_| not_one("its manifest is unreadable"))?;
    info.path = backup.display().to_string();
    let db = backup.join(DB_FILE);
    if !db.is_file() {
        return Err(not_one("the database file is missing"));
    }
    let c = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| not_one("its database cannot be read"))?;
    if verdict != "ok" {
        return Err(DomainError::invalid(
            "backup",
            format!("The backup's database is damaged ({verdict}); choose another backup."),
        )
        .into());
    }
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > crate::schema::VERSION {
        return Err(DomainError::invalid(
            "backup",
            format!(
                "This backup was made by a newer Porchlight ({}); update the app to restore it.",
                info.app_version
            ),
        )
        .into());
    }
    Ok(info)
}

/// Before the store opens: puts a staged restore in place (see the module documentation).
/// Returns the folder the replaced files went to, when a restore was finished.
pub(crate) fn finish_pending_restore(dir: &Path, at: i64) -> StoreResult<Option<PathBuf>> {
    let pending = dir.join(PENDING);
    if !pending.join(MANIFEST).is_file() {
        return Ok(None);
    }
    let aside = dir.join(format!("before-restore-{}", stamp(at)));
    std::fs::create_dir_all(&aside)?;
    for suffix in ["", "-wal", "-shm"] {
        let f = dir.join(format!("{DB_FILE}{suffix}"));
        if f.exists() {
            std::fs::rename(&f, aside.join(format!("{DB_FILE}{suffix}")))?;
        }
    }
    if pending.join(DB_FILE).exists() {
        std::fs::rename(pending.join(DB_FILE), dir.join(DB_FILE))?;
    }
    // Attachments are named by their content: the backup's files join the ones here.
    move_missing(&pending.join(ATTACHMENTS), &dir.join(ATTACHMENTS))?;
    std::fs::remove_dir_all(&pending)?;
    Ok(Some(aside))
}

/// The backups in `dir` (folders with a manifest), newest first; anything else is ignored.
pub fn list_backups(dir: &Path) -> StoreResult<Vec<BackupInfo>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(PREFIX) {
            continue;
        }
        let Ok(bytes) = std::fs::read(e.path().join(MANIFEST)) else {
            continue;
        };
        if let Ok(mut info) = serde_json::from_slice::<BackupInfo>(&bytes) {
            info.path = e.path().display().to_string();
            out.push(info);
        }
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.path.cmp(&a.path)));
    Ok(out)
}

/// Removes the oldest backups in `dir` beyond `keep`.
fn prune(dir: &Path, keep: usize) -> StoreResult<()> {
    for old in list_backups(dir)?.into_iter().skip(keep.max(1)) {
        std::fs::remove_dir_all(&old.path)?;
    }
    Ok(())
}

/// Writes a new folder `{prefix}{UTC time}` under `parent` with `write`: built under a
/// hidden name and renamed when `write` succeeded, removed when it failed, so a folder of
/// that name is always whole. Answers the folder and what `write` answered.
pub(crate) fn write_folder<T>(
    parent: &Path,
    prefix: &str,
    at: i64,
    write: impl FnOnce(&Path) -> StoreResult<T>,
) -> StoreResult<(PathBuf, T)> {
    std::fs::create_dir_all(parent)?;
    let done = unique(parent, &format!("{prefix}{}", stamp(at)));
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

/// `20261203-141502` (UTC) for a folder name.
fn stamp(at: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at)
        .unwrap_or_default()
        .format("%Y%m%d-%H%M%S")
        .to_string()
}

/// `parent/name`, or `parent/name-2`… when a backup of that second exists.
fn unique(parent: &Path, name: &str) -> PathBuf {
    let mut p = parent.join(name);
    let mut n = 2;
    while p.exists() {
        p = parent.join(format!("{name}-{n}"));
        n += 1;
    }
    p
}

/// Copies the files under `from` into `to` (a missing `from` is an empty tree), hard-linking
/// where the file system allows: attachment files are named by their content and never
/// change. Returns how many files.
fn copy_tree(from: &Path, to: &Path) -> StoreResult<i64> {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    std::fs::create_dir_all(to)?;
    for e in entries {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            n += copy_tree(&src, &dst)?;
        } else if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst)?;
            n += 1;
        } else {
            n += 1;
        }
    }
    Ok(n)
}

/// Moves the files under `from` into `to` where `to` has none of that name.
fn move_missing(from: &Path, to: &Path) -> StoreResult<()> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    std::fs::create_dir_all(to)?;
    for e in entries {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            move_missing(&src, &dst)?;
        } else if !dst.exists() {
            std::fs::rename(&src, &dst)?;
        }
    }
    Ok(())
}

fn tree_bytes(dir: &Path) -> StoreResult<u64> {
    let mut n = 0;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let m = e.metadata()?;
        n += if m.is_dir() {
            tree_bytes(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(n)
}

pub(crate) fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()
}

/// Whether files can be created in `dir` (it exists and is writable).
fn writable_dir(dir: &Path) -> std::io::Result<()> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such folder",
        ));
    }
    let probe = dir.join(".porchlight-write-test");
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}
