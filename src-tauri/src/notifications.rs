//! Native notifications and the tray. A background thread, woken after each local change
//! and each sync round (and every few seconds for do-not-disturb's end and the clock), takes
//! what the store has not yet delivered and shows the pop-ups it decides on (one summary per
//! burst); clicking one brings the window forward and opens its ticket. The tray menu shows
//! the unread count. No tray host or no notification daemon is not an error: the in-app
//! center still has everything.

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use porchlight_domain::notify::{tray_open, tray_unread, Popup};
use porchlight_store::Store;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Event the UI listens to: open this ticket (a pop-up was clicked).
pub const OPEN_TICKET_EVENT: &str = "open-ticket";
/// Event the UI listens to: the unread count changed (payload: the count).
pub const CHANGED_EVENT: &str = "notifications-changed";
const POLL: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct Notifier {
    wake: Mutex<Option<Sender<()>>>,
}

impl Notifier {
    /// Something was written (a local change, a sync round): deliver now.
    pub fn wake(&self) {
        if let Some(tx) = self.wake.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.send(());
        }
    }

    /// Starts the tray and the delivery thread (once, from the app's setup).
    pub fn start<R: Runtime>(&self, app: &AppHandle<R>, store: Arc<Store>) {
        let (tx, rx) = channel();
        *self.wake.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
        let tray = match tray(app) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("porchlight: no tray icon ({e}); notifications still work");
                None
            }
        };
        let app = app.clone();
        std::thread::Builder::new()
            .name("notifications".into())
            .spawn(move || {
                let mut shown: (i64, String) = (-1, String::new());
                loop {
                    let minute = local_minute();
                    if let Ok(popups) = store.take_undelivered(minute) {
                        for p in popups {
                            show(&app, p);
                        }
                    }
                    let locale = store
                        .workspace_info()
                        .map(|w| w.locale)
                        .unwrap_or_else(|_| "en".into());
                    if let Ok(unread) = store.unread_notifications() {
                        if (unread, &locale) != (shown.0, &shown.1) {
                            if let Some((count, open)) = &tray {
                                let _ = count.set_text(tray_unread(unread, &locale));
                                let _ = open.set_text(tray_open(&locale));
                            }
                            if unread != shown.0 {
                                let _ = app.emit(CHANGED_EVENT, unread);
                            }
                            shown = (unread, locale);
                        }
                    }
                    match rx.recv_timeout(POLL) {
                        Ok(()) | Err(RecvTimeoutError::Timeout) => {
                            // Coalesce a burst of wake-ups into one pass.
                            while rx.try_recv().is_ok() {}
                        }
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .ok();
    }
}

fn local_minute() -> u16 {
    use chrono::Timelike;
    let now = chrono::Local::now();
    (now.hour() * 60 + now.minute()) as u16
}

/// Brings the main window forward (shown, not minimised, focused).
fn raise<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// The tray icon with its menu; returns the unread and open items to keep current.
fn tray<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<(MenuItem<R>, MenuItem<R>)> {
    let unread = MenuItem::with_id(app, "unread", tray_unread(0, "en"), false, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", tray_open("en"), true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&unread, &open])?;
    let mut builder = TrayIconBuilder::with_id("porchlight")
        .menu(&menu)
        .tooltip("Porchlight")
        .on_menu_event(|app, event| {
            if event.id().as_ref() == "open" {
                raise(app);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok((unread, open))
}

/// Shows one pop-up; on a thread that waits for the click (the OS reports it on Linux as the
/// "default" action), so nothing else waits.
fn show<R: Runtime>(app: &AppHandle<R>, p: Popup) {
    let app = app.clone();
    let _ = std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            let mut n = notify_rust::Notification::new();
            n.appname("Porchlight")
                .summary(&p.title)
                .body(&p.body)
                .icon("mail-unread");
            n.action("default", "Open");
            let handle = match n.show() {
                Ok(h) => h,
                Err(e) => {
                    eprintln!("porchlight: notification not shown ({e})");
                    return;
                }
            };
            #[cfg(all(unix, not(target_os = "macos")))]
            handle.wait_for_action(|action| {
                if action == "default" {
                    raise(&app);
                    if let Some(id) = &p.ticket_id {
                        let _ = app.emit(OPEN_TICKET_EVENT, id);
                    }
                }
            });
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            {
                let _ = (handle, &app);
            }
        });
}
