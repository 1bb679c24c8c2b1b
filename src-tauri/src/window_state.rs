//! The window opens where it was left: its size, position and maximized state are kept in the
//! store when they change (at most twice a second while the agent drags) and when the window
//! closes, and put back at start, unless that place is on no screen any more (a monitor
//! unplugged), where the window keeps its default place.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use porchlight_store::{Store, WindowGeometry};
use tauri::{Manager, PhysicalPosition, PhysicalSize, Runtime, WebviewWindow, WindowEvent};

/// How long the window must be still before its place is written.
const SAVE_EVERY: Duration = Duration::from_millis(500);

/// Puts the main window back where it was and keeps its place from now on: window events
/// send the latest place to a thread, which writes it once the window has been still for
/// half a second (the end of a drag is never skipped, and an idle app never wakes), and
/// closing writes it at once.
pub fn start<R: Runtime>(app: &tauri::AppHandle<R>, store: Arc<Store>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Ok(Some(g)) = store.window_geometry() {
        restore(&window, &g);
    }
    let (noted, moves) = mpsc::channel::<WindowGeometry>();
    let watched = window.clone();
    let at_close = store.clone();
    window.on_window_event(move |event| match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => {
            if let Some(g) = current(&watched) {
                let _ = noted.send(g);
            }
        }
        WindowEvent::CloseRequested { .. } => {
            if let Some(g) = current(&watched) {
                keep(&at_close, &g);
            }
        }
        _ => {}
    });
    let spawned = std::thread::Builder::new()
        .name("window-state".into())
        .spawn(move || {
            let mut written = None;
            while let Ok(mut g) = moves.recv() {
                // The latest place, once no other came for a moment.
                loop {
                    match moves.recv_timeout(SAVE_EVERY) {
                        Ok(later) => g = later,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                }
                if written != Some(g) {
                    keep(&store, &g);
                    written = Some(g);
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("porchlight: cannot keep the window's place: {e}");
    }
}

fn keep(store: &Store, g: &WindowGeometry) {
    if let Err(e) = store.set_window_geometry(g) {
        eprintln!("porchlight: cannot keep the window's place: {e}");
    }
}

fn current<R: Runtime>(w: &WebviewWindow<R>) -> Option<WindowGeometry> {
    let maximized = w.is_maximized().ok()?;
    let (pos, size) = (w.outer_position().ok()?, w.inner_size().ok()?);
    if size.width == 0 || size.height == 0 || w.is_minimized().unwrap_or(false) {
        return None;
    }
    Some(WindowGeometry {
        x: pos.x,
        y: pos.y,
        width: size.width,
        height: size.height,
        maximized,
    })
}

fn restore<R: Runtime>(w: &WebviewWindow<R>, g: &WindowGeometry) {
    // The window's top-left corner must be on a screen that is still there.
    let on_a_screen = w.available_monitors().is_ok_and(|ms| {
        ms.iter().any(|m| {
            let (p, s) = (m.position(), m.size());
            g.x >= p.x && g.y >= p.y && g.x < p.x + s.width as i32 && g.y < p.y + s.height as i32
        })
    });
    let _ = w.set_size(PhysicalSize::new(g.width, g.height));
    if on_a_screen {
        let _ = w.set_position(PhysicalPosition::new(g.x, g.y));
    }
    if g.maximized {
        let _ = w.maximize();
    }
}
