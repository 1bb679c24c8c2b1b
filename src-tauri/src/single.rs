//! One app per data folder. Two processes on one store would each sync, fetch mail and run
//! the every-minute pass on the same data, so a second launch on a data folder that is
//! already open hands over to the first instead: the first window comes to the front, and
//! the second process ends. Different data folders (two agents' stores on one machine) run
//! side by side. A `porchlight://ticket/…` link the second launch was given is handed over
//! too, and the first window opens that ticket.
//!
//! The first process holds an exclusive lock on `porchlight.lock` for its life (released
//! by the OS however it ends, so a crash leaves no stale lock) and listens on
//! `porchlight.sock` in the data folder (Unix; elsewhere the second launch only says the app
//! is open).

use std::fs::File;
use std::path::Path;

const LOCK: &str = "porchlight.lock";
#[cfg(unix)]
const SOCKET: &str = "porchlight.sock";

/// Set for the process a restart starts: it waits for this one to let go of the folder.
const RESTARTED: &str = "PORCHLIGHT_RESTARTED";

/// Starts the app again (same program, same arguments) once this process has ended, and ends
/// this one cleanly. The new process waits for the data folder instead of handing over to
/// this one.
pub fn restart<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Ok(exe) = tauri::process::current_binary(&app.env()) {
        if let Err(e) = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(RESTARTED, "1")
            .spawn()
        {
            eprintln!("porchlight: cannot start again: {e}");
        }
    }
    app.exit(0);
}

/// This process's hold on its data folder, kept for the app's life.
pub struct Claim {
    _lock: File,
}

/// What a launch on `dir` should do.
pub enum Launch {
    /// No other instance: run, holding the claim.
    First(Claim),
    /// Another instance has this folder; it was asked to show its window (`true` when it
    /// answered).
    AlreadyOpen(bool),
}

/// Claims `dir` for this process, or asks the instance that has it to come forward (and to
/// open `ticket`, when the launch was given a link to one).
pub fn claim(dir: &Path, ticket: Option<&str>) -> std::io::Result<Launch> {
    std::fs::create_dir_all(dir)?;
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))?;
    // A restart (after an update or a restore) waits for the process it replaces to end.
    if std::env::var_os(RESTARTED).is_some() {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            match lock.try_lock() {
                Ok(()) => return Ok(Launch::First(Claim { _lock: lock })),
                Err(std::fs::TryLockError::WouldBlock) => {
                    std::thread::sleep(std::time::Duration::from_millis(100))
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
        }
    }
    match lock.try_lock() {
        Ok(()) => Ok(Launch::First(Claim { _lock: lock })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(Launch::AlreadyOpen(ask_to_show(dir, ticket))),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(unix)]
fn ask_to_show(dir: &Path, ticket: Option<&str>) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(dir.join(SOCKET)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let mut answer = [0u8; 2];
    let request = match ticket {
        Some(id) => format!("open {id}\n"),
        None => "show\n".to_string(),
    };
    s.write_all(request.as_bytes()).is_ok() && s.read_exact(&mut answer).is_ok() && &answer == b"ok"
}

#[cfg(not(unix))]
fn ask_to_show(_dir: &Path, _ticket: Option<&str>) -> bool {
    false
}

/// Listens for later launches on this data folder and brings the window forward for each
/// (opening the ticket a launch's link names).
#[cfg(unix)]
pub fn listen<R: tauri::Runtime>(app: tauri::AppHandle<R>, dir: &Path) {
    use std::io::{BufRead, BufReader, Read, Write};
    use tauri::{Emitter, Manager};
    let path = dir.join(SOCKET);
    // Left by a process that ended without cleaning up: this process holds the lock now.
    let _ = std::fs::remove_file(&path);
    let listener = match std::os::unix::net::UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("porchlight: cannot listen for later launches: {e}");
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                // One short line; a peer that sends more is not a launch of this app.
                if reader.by_ref().take(256).read_line(&mut line).is_err() {
                    continue;
                }
                let line = line.trim();
                let ticket = match line.strip_prefix("open ") {
                    Some(id) => match crate::links::ticket_of(&crate::links::ticket_link(id)) {
                        Some(id) => Some(id),
                        None => continue,
                    },
                    None if line == "show" => None,
                    None => continue,
                };
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.unminimize();
                    let _ = w.show();
                    let _ = w.set_focus();
                }
                if let Some(id) = ticket {
                    let _ = app.emit(crate::notifications::OPEN_TICKET_EVENT, id);
                }
                let _ = (&stream).write_all(b"ok");
            }
        });
    if let Err(e) = spawned {
        eprintln!("porchlight: cannot listen for later launches: {e}");
    }
}

#[cfg(not(unix))]
pub fn listen<R: tauri::Runtime>(_app: tauri::AppHandle<R>, _dir: &Path) {}
