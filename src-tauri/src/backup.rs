//! The daily backup: while the app runs, a backup is made when the last one is a day old (the
//! store decides, `Store::daily_backup_due`), then the oldest beyond those kept are removed.
//! A failure is kept for Settings → Backups to show, and tried again at the next check.

use std::sync::Arc;
use std::time::Duration;

use porchlight_store::{now_ms, Store};

/// How often the daily backup is looked at.
const CHECK_EVERY: Duration = Duration::from_secs(10 * 60);
/// The first look waits for the app's start to settle.
const FIRST_CHECK: Duration = Duration::from_secs(90);

/// Starts the daily backup on its own thread for the life of the app: a backup of a large
/// store takes seconds, which neither the window nor the every-minute pass should wait for.
pub fn start(store: Arc<Store>) {
    let spawned = std::thread::Builder::new()
        .name("daily-backup".into())
        .spawn(move || {
            std::thread::sleep(FIRST_CHECK);
            loop {
                let now = now_ms();
                match store.daily_backup_due(now) {
                    Ok(true) => {
                        if let Err(e) = store.back_up_now(crate::APP_VERSION, now) {
                            eprintln!("porchlight: the daily backup failed: {e}");
                        }
                    }
                    Ok(false) => {}
                    Err(e) => eprintln!("porchlight: cannot read the backup settings: {e}"),
                }
                std::thread::sleep(CHECK_EVERY);
            }
        });
    if let Err(e) = spawned {
        eprintln!("porchlight: cannot start the daily backup: {e}");
    }
}
