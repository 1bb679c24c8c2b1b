//! HTTP routes: sign-in, sync (push, pull, event stream), presence, health and the OpenAPI
//! document, and the server's whole router (the help center's, the portal's and the mail
//! API's routes merged in). Failures map to statuses and codes in `http`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream, StreamExt};
use porchlight_domain::apply::Actor;
use porchlight_domain::docs::AgentDoc;
use porchlight_domain::sync::{
    LoginRequest, LoginResponse, PresenceUpdate, PullResponse, PushRequest, PushResponse,
    ServerEvent, MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, MAX_REQUEST_BYTES, SCHEMA_VERSION,
};
use serde::Deserialize;
use tokio_stream::wrappers::BroadcastStream;

use crate::auth::{self, Refusal, SessionLifetimes};
use crate::events::{
    Hub, PresenceNotice, PresenceRefusal, MAX_PRESENCE_PER_AGENT, MAX_STREAMS_PER_SESSION,
};
use crate::http::{
    account_disabled, json_failure, query_failure, require_admin, Failure, SignedIn,
};
use crate::state::{AppState, Shared};
use crate::storage::{blocking, is_known_mutation, UserRecord};

fn refused_attempt(r: Refusal) -> Failure {
    match r {
        Refusal::Limited(wait) => Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "Too many sign-in attempts; try again in {} seconds.",
                wait.as_secs().max(1)
            ),
        )
        .with_retry_after(wait),
        Refusal::Busy => Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "The server is checking many passwords right now; try again in a moment.",
        )
        .with_retry_after(Duration::from_secs(2)),
    }
}

/// Checks `password` against the account `email` (a decoy hash when there is none, so an
/// unknown address costs the same), within the login limits. `Ok(None)`: wrong.
async fn check_password(
    state: &Shared,
    addr: SocketAddr,
    email: &str,
    password: String,
) -> Result<Option<UserRecord>, Failure> {
    let reservation = state
        .limiter
        .reserve(email, addr.ip())
        .map_err(refused_attempt)?;
    let storage = state.storage.clone();
    let e = email.to_string();
    let user = blocking(move || storage.user_by_email(&e)).await?;
    let (reservation, slot) = reservation.hashing_slot().await.map_err(refused_attempt)?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    // The slot moves into the hashing thread: it stays taken until the hash is done, even
    // if the client goes away meanwhile.
    let ok = tokio::task::spawn_blocking(move || {
        let hash = hash.as_deref().unwrap_or_else(|| auth::decoy_hash());
        slot.verify(&password, hash)
    })
    .await
    .unwrap_or(false);
    match user {
        Some(u) if ok => {
            reservation.succeeded();
            Ok(Some(u))
        }
        _ => Ok(None),
    }
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/email", post(change_email))
        .route(
            "/api/v1/users/{agent_id}/sessions",
            get(user_sessions).delete(end_user_sessions),
        )
        .route("/api/v1/sync/push", post(push))
        .route("/api/v1/sync/pull", get(pull))
        .route("/api/v1/events", get(events))
        .route("/api/v1/presence", post(presence))
        .merge(crate::help::router(&state))
        .merge(crate::portal::router())
        .merge(crate::mail_api::router())
        .merge(crate::reports_api::router())
        .merge(crate::releases::router())
        .fallback(|| async {
            Failure::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "There is nothing at this address.",
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(axum::middleware::from_fn(crate::log_request))
        .with_state(state)
}

async fn healthz(State(state): State<Shared>) -> Result<Json<serde_json::Value>, Failure> {
    let storage = state.storage.clone();
    let version = blocking(move || storage.current_version()).await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "backend": state.storage.backend_name(),
        "workspace_version": version,
        "schema_version": SCHEMA_VERSION,
    })))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

async fn login(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, Failure> {
    let Json(req) = body.map_err(json_failure)?;
    let email = req.email.trim().to_lowercase();
    if email.is_empty() || req.password.is_empty() {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "Enter your e-mail address and password.",
        ));
    }
    if req.password.len() > auth::MAX_PASSWORD_BYTES || email.len() > 254 {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "The e-mail address or password is too long.",
        ));
    }
    let Some(user) = check_password(&state, addr, &email, req.password).await? else {
        return Err(wrong_credentials());
    };
    if user.disabled {
        return Err(account_disabled());
    }
    let token = auth::new_token();
    let storage = state.storage.clone();
    let (th, agent_id) = (auth::token_hash(&token), user.agent.id.clone());
    let device: String = req.device_name.trim().chars().take(100).collect();
    blocking(move || storage.create_session(&th, &agent_id, &device, crate::now_ms())).await?;
    tracing::info!(agent = %user.agent.email, "signed in");
    Ok(Json(LoginResponse {
        token,
        agent: user.agent,
        workspace_id: state.workspace_id.clone(),
        schema_version: SCHEMA_VERSION,
    }))
}

fn wrong_credentials() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        "wrong_credentials",
        "The e-mail address or password is not right.",
    )
}

async fn logout(State(state): State<Shared>, who: SignedIn) -> Result<StatusCode, Failure> {
    let storage = state.storage.clone();
    let hash = who.token_hash.clone();
    blocking(move || storage.revoke_session(&hash, crate::now_ms())).await?;
    state.hub.end_sessions([&who.token_hash]);
    Ok(StatusCode::NO_CONTENT)
}

async fn me(who: SignedIn) -> Json<AgentDoc> {
    Json(who.agent)
}

#[derive(Deserialize)]
struct EmailChange {
    password: String,
    email: String,
}

/// An agent's own new address, confirmed with their password (synced profile edits may not
/// change it). Wrong passwords count against the sign-in limits of the account.
async fn change_email(
    State(state): State<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    who: SignedIn,
    body: Result<Json<EmailChange>, JsonRejection>,
) -> Result<Json<AgentDoc>, Failure> {
    let Json(req) = body.map_err(json_failure)?;
    if req.password.len() > auth::MAX_PASSWORD_BYTES {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "The password is too long.",
        ));
    }
    let checked = check_password(&state, addr, &who.agent.email, req.password).await?;
    if checked.is_none_or(|u| u.agent.id != who.agent.id) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "wrong_password",
            "The password is not right; your e-mail address stays as it was.",
        ));
    }
    let storage = state.storage.clone();
    let (agent, version) =
        blocking(move || storage.change_email(&who.agent.id, &req.email)).await?;
    announce(&state, version);
    Ok(Json(agent))
}

/// Wakes this process's streams and the other server processes after a server-side change.
fn announce(state: &Shared, version: i64) {
    state.hub.poke(version);
    let state = state.clone();
    // The PostgreSQL NOTIFY is a blocking call.
    tokio::task::spawn_blocking(move || (state.on_change)(version));
}

/// An admin's view of an agent's signed-in devices.
async fn user_sessions(
    State(state): State<Shared>,
    who: SignedIn,
    Path(agent_id): Path<String>,
) -> Result<Json<serde_json::Value>, Failure> {
    require_admin(&who)?;
    let storage = state.storage.clone();
    let lifetimes = SessionLifetimes::from_env();
    let rows = blocking(move || storage.sessions_of(&agent_id, crate::now_ms(), lifetimes)).await?;
    Ok(Json(serde_json::json!({ "sessions": rows })))
}

/// Signs every device of an agent out, open event streams included.
async fn end_user_sessions(
    State(state): State<Shared>,
    who: SignedIn,
    Path(agent_id): Path<String>,
) -> Result<Json<serde_json::Value>, Failure> {
    require_admin(&who)?;
    let storage = state.storage.clone();
    let id = agent_id.clone();
    let ended = blocking(move || storage.end_sessions(&id, crate::now_ms())).await?;
    state.hub.end_agent(&agent_id);
    Ok(Json(serde_json::json!({ "ended": ended })))
}

fn check_schema(v: u32) -> Result<(), Failure> {
    if v != SCHEMA_VERSION {
        return Err(Failure::new(
            StatusCode::UPGRADE_REQUIRED,
            "schema_mismatch",
            format!(
                "This server speaks sync schema {SCHEMA_VERSION} and your Porchlight speaks {v}: update Porchlight{}.",
                if v > SCHEMA_VERSION { " on the server" } else { "" }
            ),
        ));
    }
    Ok(())
}

/// A desktop names the helpdesk it signed in to; another helpdesk's server must not take its
/// changes (the same address may now serve another database).
fn check_workspace(state: &AppState, named: Option<&str>) -> Result<(), Failure> {
    match named {
        Some(w) if w != state.workspace_id => Err(Failure::new(
            StatusCode::CONFLICT,
            "workspace_mismatch",
            "This server now hosts another helpdesk than the one this Porchlight signed in to; nothing was applied.",
        )),
        _ => Ok(()),
    }
}

fn check_client_id(id: &str) -> Result<(), Failure> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_client_id",
            "client_id must be 1–64 letters, digits or dashes.",
        ));
    }
    Ok(())
}

async fn push(
    State(state): State<Shared>,
    who: SignedIn,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, Failure> {
    let Json(req) = body.map_err(json_failure)?;
    check_schema(req.schema_version)?;
    check_client_id(&req.client_id)?;
    if req.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_mutations",
            format!("A push may carry at most {MAX_PUSH_MUTATIONS} mutations; send the rest in another push."),
        ));
    }
    if let Some(bad) = req.mutations.iter().find(|m| !is_known_mutation(&m.name)) {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_mutation",
            format!(
                "'{}' is not a mutation this server knows; nothing was applied.",
                bad.name
            ),
        ));
    }
    check_workspace(&state, req.workspace_id.as_deref())?;
    if req.mutations.iter().any(|m| m.id <= 0) {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_mutation_id",
            "Mutation ids start at 1; nothing was applied.",
        ));
    }
    if req
        .mutations
        .windows(2)
        .any(|w| w[0].id.checked_add(1) != Some(w[1].id))
    {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "Mutation ids in one push must be consecutive.",
        ));
    }
    let actor = Actor {
        id: who.agent.id.clone(),
        name: who.agent.name.clone(),
        role: who.agent.role,
    };
    let storage = state.storage.clone();
    let now = crate::now_ms();
    let mut mutations = req.mutations;
    for m in &mut mutations {
        // Offline work keeps its own time, within reason.
        m.at = if m.at <= 0 {
            now
        } else {
            m.at.clamp(now - 30 * 86_400_000, now)
        };
    }
    let client_id = req.client_id;
    let report = blocking(move || storage.push(&actor, &client_id, &mutations, now)).await?;
    if let Some(v) = report.new_version {
        announce(&state, v);
        // A reply, a retry or a new ticket's acknowledgement may wait to be e-mailed.
        state.mail_wake.notify_one();
    }
    Ok(Json(report.response))
}

#[derive(Deserialize)]
struct PullQuery {
    client_id: String,
    cursor: i64,
    #[serde(default)]
    limit: Option<usize>,
    schema_version: u32,
    /// The helpdesk the desktop signed in to (older desktops omit it).
    #[serde(default)]
    workspace_id: Option<String>,
}

async fn pull(
    State(state): State<Shared>,
    who: SignedIn,
    q: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullResponse>, Failure> {
    let Query(q) = q.map_err(query_failure)?;
    check_schema(q.schema_version)?;
    check_client_id(&q.client_id)?;
    claim_client(&state, &q.client_id, &who.agent.id).await?;
    let storage = state.storage.clone();
    let limit = q.limit.unwrap_or(MAX_PULL_LIMIT);
    let workspace_id = Some(state.workspace_id.clone());
    if q.workspace_id.is_some() && q.workspace_id != workspace_id {
        // A cursor counts another helpdesk's versions: it says nothing about this one.
        return Ok(Json(PullResponse {
            changes: Vec::new(),
            cursor: 0,
            last_mutation_id: 0,
            has_more: false,
            reset: true,
            workspace_id,
        }));
    }
    let mut page = blocking(move || storage.pull(&q.client_id, q.cursor, limit)).await?;
    page.workspace_id = workspace_id;
    Ok(Json(page))
}

/// Registers a client id to the agent on first use; another agent's id is refused.
async fn claim_client(state: &Shared, client_id: &str, agent_id: &str) -> Result<(), Failure> {
    let storage = state.storage.clone();
    let (c, a) = (client_id.to_string(), agent_id.to_string());
    Ok(blocking(move || storage.claim_client(&c, &a)).await?)
}

/// Server-sent events: the current presence at once, then pokes and presence changes. The
/// stream ends when its session is revoked or runs out, and a session holds at most
/// `MAX_STREAMS_PER_SESSION` streams (a further one is refused, the open ones stay).
async fn events(
    State(state): State<Shared>,
    who: SignedIn,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Failure> {
    let pass = Hub::open_stream(&state, &who.token_hash, &who.agent.id).ok_or_else(|| {
        Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            format!(
                "This session already has {MAX_STREAMS_PER_SESSION} event streams open; close one first."
            ),
        )
        .with_retry_after(Duration::from_secs(15))
    })?;
    let first = ServerEvent::Presence {
        entries: state.hub.presence(),
    };
    let live = BroadcastStream::new(state.hub.subscribe_streams()).filter_map(|e| async move {
        match e {
            Ok(ev) => Some(ev),
            // A slow client missed events: a poke makes it pull whatever it missed.
            Err(_) => Some(ServerEvent::Poke { version: -1 }),
        }
    });
    let ended = pass.ended();
    let stream = stream::once(async move { first })
        .chain(live)
        .take_until(state.hub.closed())
        .take_until(ended)
        .map(move |ev| {
            // The stream holds its place in the hub for as long as it lives.
            let _ = &pass;
            Ok(Event::default().json_data(&ev).unwrap_or_default())
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// How often open streams' sessions are checked when no event comes by.
const STREAM_RECHECK: Duration = Duration::from_secs(5);

/// Passes events on to the event streams, but first ends the streams whose session was
/// revoked or ran out: before every batch of events, and every few seconds. It asks the
/// database, so revocations by another server process or by the CLI count too.
pub async fn gate_event_streams(state: Shared) {
    use tokio::sync::broadcast::error::{RecvError, TryRecvError};
    let mut rx = state.hub.subscribe();
    let mut tick = tokio::time::interval(STREAM_RECHECK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let mut batch = Vec::new();
        tokio::select! {
            ev = rx.recv() => match ev {
                Ok(ev) => batch.push(ev),
                Err(RecvError::Lagged(_)) => batch.push(ServerEvent::Poke { version: -1 }),
                Err(RecvError::Closed) => return,
            },
            _ = tick.tick() => {}
        }
        loop {
            match rx.try_recv() {
                Ok(ev) => batch.push(ev),
                Err(TryRecvError::Lagged(_)) => batch.push(ServerEvent::Poke { version: -1 }),
                Err(_) => break,
            }
        }
        end_dead_streams(&state).await;
        // One poke (the newest) and one presence list (the latest) say all a batch says.
        let presence = batch
            .iter()
            .rev()
            .find(|e| matches!(e, ServerEvent::Presence { .. }))
            .cloned();
        let poke = batch
            .iter()
            .filter_map(|e| match e {
                ServerEvent::Poke { version } => Some(*version),
                _ => None,
            })
            .max();
        if let Some(p) = presence {
            state.hub.pass_to_streams(p);
        }
        if let Some(version) = poke {
            state.hub.pass_to_streams(ServerEvent::Poke { version });
        }
    }
}

async fn end_dead_streams(state: &Shared) {
    let open = state.hub.streaming_sessions();
    if open.is_empty() {
        return;
    }
    let storage = state.storage.clone();
    let asked = open.clone();
    let lifetimes = SessionLifetimes::from_env();
    match blocking(move || storage.live_sessions(&asked, crate::now_ms(), lifetimes)).await {
        Ok(live) => state
            .hub
            .end_sessions(open.iter().filter(|h| !live.contains(*h))),
        // The streams stay: a database hiccup is no reason to drop every desktop.
        Err(e) => tracing::warn!(error = %e, "could not check the event streams' sessions"),
    }
}

async fn presence(
    State(state): State<Shared>,
    who: SignedIn,
    body: Result<Json<PresenceUpdate>, JsonRejection>,
) -> Result<StatusCode, Failure> {
    let Json(p) = body.map_err(json_failure)?;
    check_client_id(&p.client_id)?;
    if p.ticket_id
        .as_ref()
        .is_some_and(|t| t.is_empty() || t.len() > 64)
    {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "ticket_id must be a ticket id.",
        ));
    }
    claim_client(&state, &p.client_id, &who.agent.id).await?;
    let notice = PresenceNotice {
        agent_id: who.agent.id.clone(),
        agent_name: who.agent.name.clone(),
        client_id: p.client_id,
        ticket_id: p.ticket_id,
        activity: p.activity,
    };
    state.hub.set_presence(&notice).map_err(|r| match r {
        PresenceRefusal::AgentFull => Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_clients",
            format!("You already show presence from {MAX_PRESENCE_PER_AGENT} desktops; close one."),
        ),
        PresenceRefusal::Full => Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "presence_full",
            "The presence list is full; try again in a minute.",
        ),
    })?;
    if state.on_presence.is_some() {
        tokio::task::spawn_blocking(move || {
            if let Some(relay) = &state.on_presence {
                relay(&notice)
            }
        });
    }
    Ok(StatusCode::NO_CONTENT)
}
