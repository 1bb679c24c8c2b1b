//! The every-minute pass on this desktop: standalone, the time-based automation rules (a
//! server runs them in team mode); always, the SLA pass that finds tickets whose warning
//! began or whose deadline passed (a notification when the ticket is this agent's). When
//! anything changed the window is told what (a `store-changes` event: the lists, the counts
//! "At risk" and "Breached", an open ticket refresh) and the notifier delivers at once.

use std::sync::Arc;
use std::time::Duration;

use porchlight_domain::docs::Changed;
use porchlight_store::sla::SlaCrossing;
use porchlight_store::{now_ms, Store, StoreResult};
use tauri::{AppHandle, Manager, Runtime};

/// What one pass did.
#[derive(Debug, Default)]
pub struct MinutePass {
    pub rules_fired: usize,
    pub crossings: Vec<SlaCrossing>,
    /// What the rules changed and the tickets that crossed (their SLA badge and the
    /// "At risk"/"Breached" counts move).
    pub changed: Changed,
}

/// One pass at `now`.
pub fn run_once(store: &Store, now: i64) -> StoreResult<MinutePass> {
    let standalone = store.sync_settings()?.is_none();
    let rules = if standalone {
        store.run_time_rules(now)?
    } else {
        Default::default()
    };
    let crossings = store.sla_pass(now)?;
    let mut changed = rules.changed;
    for c in &crossings {
        changed.ticket(&c.ticket_id);
    }
    Ok(MinutePass {
        rules_fired: rules.fired,
        crossings,
        changed,
    })
}

/// How often: a minute, or `PORCHLIGHT_MINUTE_PASS_MS` (the end-to-end tests shorten it).
fn interval() -> Duration {
    std::env::var("PORCHLIGHT_MINUTE_PASS_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(60))
}

/// Starts the pass on its own thread for the life of the app.
pub fn start<R: Runtime>(app: AppHandle<R>, store: Arc<Store>) {
    let every = interval();
    let spawned = std::thread::Builder::new()
        .name("minute-pass".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            match run_once(&store, now_ms()) {
                Ok(pass) if !pass.changed.is_empty() => {
                    crate::changes::emit(&app, &pass.changed);
                    // Warnings and breaches of this agent's tickets are notifications now.
                    if let Some(bell) = app.try_state::<Arc<crate::notifications::Notifier>>() {
                        bell.wake();
                    }
                }
                Ok(_) => {}
                Err(e) => eprintln!("porchlight: the every-minute pass failed: {e}"),
            }
        });
    if let Err(e) = spawned {
        eprintln!("porchlight: cannot start the every-minute pass: {e}");
    }
}
