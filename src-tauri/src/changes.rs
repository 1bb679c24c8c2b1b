//! What changed in the store, told to the window as one typed event (`Changed`, a ts-rs
//! binding) whatever made the change: a pulled page, the every-minute pass. A command the
//! window itself called returns its `Changed` instead, so the window refreshes at once and
//! tells its other parts (see `ui/src/lib/changes.ts`).

use porchlight_domain::docs::Changed;
use tauri::{AppHandle, Emitter, Runtime};

/// The event's name.
pub const STORE_CHANGES: &str = "store-changes";

pub fn emit<R: Runtime>(app: &AppHandle<R>, changed: &Changed) {
    if changed.is_empty() {
        return;
    }
    // Fails only when the window is gone; nothing to tell then.
    let _ = app.emit(STORE_CHANGES, changed);
}
