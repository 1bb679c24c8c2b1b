//! The Porchlight team server: agents sign in, desktops push intent-level mutations and pull
//! the resulting documents, and pokes over server-sent events wake them. Storage is
//! embedded SQLite by default.

pub mod api;
pub mod auth;
pub mod backup;
pub mod connections;
pub mod events;
pub mod export;
pub mod help;
pub mod http;
pub mod mail;
pub mod mail_api;
pub mod openapi;
pub mod portal;
pub mod releases;
pub mod reports_api;
pub mod state;
pub mod storage;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::LoginLimiter;
use crate::events::{Hub, PresenceNotice};
use crate::state::{AppState, PresenceRelay};
use crate::storage::postgres::{Notice, PostgresBackend};
use crate::storage::sqlite::SqliteBackend;
use crate::storage::Storage;

/// Where the server keeps its data.
#[derive(Clone)]
pub enum Database {
    /// Embedded SQLite in this directory.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (postgres://user:password@host/db).
    Postgres(String),
}

/// The URL without its password, for logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{}{user}{hidden}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Database::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Opens the storage and runs its migrations.
pub fn open_storage(db: &Database) -> Result<Storage> {
    match db {
        Database::Sqlite(dir) => {
            let backend = SqliteBackend::open(dir)
                .with_context(|| format!("cannot open the database in {}", dir.display()))?;
            Ok(Storage::new(Arc::new(backend)))
        }
        Database::Postgres(url) => {
            let backend = PostgresBackend::open(url).with_context(|| {
                format!("cannot open the PostgreSQL database {}", redact_url(url))
            })?;
            Ok(Storage::new(Arc::new(backend)))
        }
    }
}

/// Builds the shared state. With PostgreSQL, every applied push is announced to the other
/// server processes (NOTIFY), and their announcements poke this process's clients.
pub fn app_state(storage: Storage, db: &Database) -> Result<Arc<AppState>> {
    let workspace_id = storage.workspace_id()?;
    type OnChange = Box<dyn Fn(i64) + Send + Sync>;
    let (on_change, on_presence): (OnChange, Option<PresenceRelay>) = match db {
        Database::Sqlite(_) => (Box::new(|_| {}), None),
        Database::Postgres(url) => {
            let notifier = Arc::new(PostgresBackend::open(url)?);
            let presence_notifier = notifier.clone();
            (
                Box::new(move |v| {
                    if let Err(e) = notifier.notify(v) {
                        tracing::warn!(error = %e, "could not notify the other server processes");
                    }
                }),
                Some(Box::new(move |n: &PresenceNotice| {
                    let sent = serde_json::to_string(n)
                        .map_err(|e| e.to_string())
                        .and_then(|json| {
                            presence_notifier
                                .notify_presence(&json)
                                .map_err(|e| e.to_string())
                        });
                    if let Err(e) = sent {
                        tracing::warn!(error = %e, "could not relay presence to the other server processes");
                    }
                })),
            )
        }
    };
    let state = Arc::new(AppState {
        storage,
        hub: Hub::default(),
        limiter: LoginLimiter::default(),
        workspace_id,
        on_change,
        on_presence,
        mail: std::sync::OnceLock::new(),
        mail_wake: Arc::new(tokio::sync::Notify::new()),
        mail_fetch: Arc::new(tokio::sync::Notify::new()),
        releases: releases::releases_dir(db),
    });
    if let Database::Postgres(url) = db {
        let (url, listener) = (url.clone(), Arc::downgrade(&state));
        std::thread::Builder::new()
            .name("pg-listen".into())
            .spawn(move || {
                // Ends (with its connection) once the server state is gone.
                PostgresBackend::listen(&url, |notice| {
                    let Some(s) = listener.upgrade() else {
                        return false;
                    };
                    match notice {
                        Notice::Version(v) => s.hub.poke(v),
                        Notice::Presence(json) => match serde_json::from_str(&json) {
                            Ok(n) => s.hub.apply_presence(&n),
                            Err(e) => tracing::warn!(error = %e, "unreadable presence notice"),
                        },
                    }
                    true
                })
            })?;
    }
    Ok(state)
}

/// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests.
pub async fn serve(listen: SocketAddr, db: Database) -> Result<()> {
    let storage = tokio::task::spawn_blocking({
        let db = db.clone();
        move || open_storage(&db)
    })
    .await??;
    let state = tokio::task::spawn_blocking({
        let db = db.clone();
        move || app_state(storage, &db)
    })
    .await??;
    let app = api::router(state.clone());
    let limits = connections::ConnectionLimits::from_env()?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let local = listener.local_addr()?;
    // Tests and scripts read this line to learn the port when listening on port 0.
    println!("porchlight-server listening on http://{local}");
    tracing::info!(%local, database = ?db, "listening");
    // Time rules every minute (PORCHLIGHT_TIME_RULES_INTERVAL_MS shortens it for tests), and
    // the report rows waiting for a catch-up (the first tick is at once).
    let rules_state = state.clone();
    let every = Duration::from_millis(connections::env_number(
        "PORCHLIGHT_TIME_RULES_INTERVAL_MS",
        60_000,
    )?);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let storage = rules_state.storage.clone();
            match storage::blocking(move || storage.run_time_rules(now_ms())).await {
                Ok(Some(v)) => {
                    rules_state.hub.poke(v);
                    let s = rules_state.clone();
                    tokio::task::spawn_blocking(move || (s.on_change)(v));
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "time rules pass failed"),
            }
            // The report rows of the tickets changed since (see `storage/reports.rs`).
            let storage = rules_state.storage.clone();
            if let Err(e) = storage::blocking(move || storage.catch_up_reports()).await {
                tracing::warn!(error = %e, "computing report rows failed");
            }
        }
    });
    tokio::spawn(api::gate_event_streams(state.clone()));
    // The mail channel: every mailbox read here (one process at a time), every reply sent.
    let key = {
        let db = db.clone();
        tokio::task::spawn_blocking(move || mail::secret_key(&db)).await??
    };
    if key.is_none() {
        tracing::warn!(
            "no PORCHLIGHT_SECRET_KEY: mailbox passwords cannot be stored on this server"
        );
    }
    let announce = {
        let state = state.clone();
        move |version| {
            state.hub.poke(version);
            (state.on_change)(version);
        }
    };
    let channel = Arc::new(
        mail::ServerMail::new(state.storage.clone(), announce, key)
            .with_public_url(std::env::var("PORCHLIGHT_PUBLIC_URL").ok()),
    );
    let _ = state.mail.set(channel.clone());
    mail::start(channel, state.mail_fetch.clone(), state.mail_wake.clone());
    let hub_state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            hub_state.hub.expire_presence();
        }
    });
    connections::serve_connections(listener, app, limits, {
        let state = state.clone();
        async move {
            shutdown_signal().await;
            state.hub.close();
        }
    })
    .await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// One log line per request: method, path (never the query string or headers, which may
/// carry tokens), status and time.
/// A request path as the log may keep it: the secret token of a customer's tracking link
/// (`/help/requests/{ticket}/{token}/…`) is replaced, so the log never holds a working link.
pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/help/requests/") {
        Some(rest) => {
            let mut parts: Vec<&str> = rest.split('/').collect();
            if parts.len() >= 2 {
                parts[1] = "…";
            }
            format!("/help/requests/{}", parts.join("/"))
        }
        None => path.to_string(),
    }
}

pub async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = loggable_path(req.uri().path());
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        %method,
        %path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    res
}

#[cfg(test)]
mod log_tests {
    #[test]
    fn tracking_tokens_never_reach_the_log() {
        assert_eq!(
            super::loggable_path("/help/requests/0190abc/S3cr3tT0k3n/files/f1"),
            "/help/requests/0190abc/…/files/f1"
        );
        assert_eq!(
            super::loggable_path("/help/requests/0190abc/S3cr3tT0k3n"),
            "/help/requests/0190abc/…"
        );
        assert_eq!(
            super::loggable_path("/help/en/articles/1-x"),
            "/help/en/articles/1-x"
        );
    }
}
