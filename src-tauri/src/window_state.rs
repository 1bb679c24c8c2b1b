//! The window opens where it was left: its size, position and maximized state are kept in the
//! store when they change (at most twice a second while the agent drags) and when the window
//! closes, and put back at start, unless that place is on no screen any more (a monitor
//! unplugged), where the window keeps its default place.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use porchlight_store::{Store, WindowGeometry};
use tauri::{Manager, PhysicalPosition, PhysicalSize, Runtime, WebviewWindow, WindowEvent};

/// How often a changed place is written, at most.
const SAVE_EVERY: Duration = Duration::from_millis(500);

/// Puts the main window back where it was and keeps its place from now on: window events
/// note the latest place, a thread writes it when it changed (the last place of a drag is
/// never skipped), and closing writes it at once.
pub fn start<R: Runtime>(app: &tauri::AppHandle<R>, store: Arc<Store>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Ok(Some(g)) = store.window_geometry() {
        restore(&window, &g);
    }
    let latest: Arc<Mutex<Option<WindowGeometry>>> = Arc::new(Mutex::new(None));
    let written: Arc<Mutex<Option<WindowGeometry>>> = Arc::new(Mutex::new(None));
    let write = {
        let (store, written) = (store.clone(), written.clone());
        move |g: WindowGeometry| {
            let mut w = written.lock().unwrap_or_else(|p| p.into_inner());
            if *w == Some(g) {
                return;
            }
            match store.set_window_geometry(&g) {
                Ok(()) => *w = Some(g),
                Err(e) => eprintln!("porchlight: cannot keep the window's place: {e}"),
            }
        }
    };
    let watched = window.clone();
    let (noted, write_now) = (latest.clone(), write.clone());
    window.on_window_event(move |event| match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => {
            if let Some(g) = current(&watched) {
                *noted.lock().unwrap_or_else(|p| p.into_inner()) = Some(g);
            }
        }
        WindowEvent::CloseRequested { .. } => {
            if let Some(g) = current(&watched) {
                write_now(g);
            }
        }
        _ => {}
    });
    let spawned = std::thread::Builder::new()
        .name("window-state".into())
        .spawn(move || loop {
            std::thread::sleep(SAVE_EVERY);
            let g = *latest.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(g) = g {
                write(g);
            }
        });
    if let Err(e) = spawned {
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
