//! What a backup of a desktop's store is, as the app shows it: when it was made, by which
//! version, and what it holds. The store makes and restores them (`porchlight_store::backup`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A backup's manifest (`porchlight-backup.json` in its folder) and where it lies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    /// The backup's folder.
    #[serde(default)]
    pub path: String,
    #[ts(type = "number")]
    pub created_at: i64,
    /// The app version that made it.
    pub app_version: String,
    /// The store's schema version (a backup from a newer app cannot be restored).
    #[ts(type = "number")]
    pub schema_version: i64,
    /// Tickets (deleted ones excepted), customers and articles in it.
    #[ts(type = "number")]
    pub tickets: i64,
    #[ts(type = "number")]
    pub customers: i64,
    #[ts(type = "number")]
    pub articles: i64,
    /// Files attached to messages and articles.
    #[ts(type = "number")]
    pub attachments: i64,
    /// The backup's size on disk.
    #[ts(type = "number")]
    pub bytes: i64,
}

/// The desktop's backup settings and its backups, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupsView {
    /// Where backups are written.
    pub dir: String,
    /// A backup is made once a day while the app runs.
    pub daily: bool,
    /// How many backups are kept (older ones are removed after each new one).
    #[ts(type = "number")]
    pub keep: i64,
    pub backups: Vec<BackupInfo>,
    /// Why the last automatic backup failed, if it did.
    pub last_error: Option<String>,
}

/// The fewest and most backups a desktop may keep.
pub const MIN_BACKUPS_KEPT: i64 = 1;
pub const MAX_BACKUPS_KEPT: i64 = 90;
/// How many backups are kept unless the agent says otherwise.
pub const DEFAULT_BACKUPS_KEPT: i64 = 7;
