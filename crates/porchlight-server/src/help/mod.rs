//! The public help center: server-rendered HTML that works without JavaScript (and carries
//! none: the CSP forbids scripts), in every locale the knowledge base has public content in.
//!
//! Routes (merged into the server's router by `api::router`):
//! - `GET /help` → 303 to the reader's best locale (Accept-Language; default `en`)
//! - `GET /help/{locale}/` categories in order with their first articles
//! - `GET /help/{locale}/categories/{id}-{slug}` (`?page=N`)
//! - `GET /help/{locale}/articles/{id}-{slug}`; a wrong or missing slug answers 301
//! - `POST /help/{locale}/articles/{id}/vote` "was this helpful?" (`helpful=yes|no`)
//! - `GET /help/{locale}/search?q=` (`&page=N`)
//! - `GET /help/sitemap.xml` every public translation with its hreflang alternates
//! - `GET /help/assets/icon-<hash>.svg` the icon, cached for a year; `GET /favicon.ico`;
//!   `GET /robots.txt` (see [`assets`]: the stylesheet is inline in every page)
//!
//! Pages are compressed (Brotli or gzip, as the browser accepts) and carry a weak ETag: a
//! second view of an unchanged page is a 304.
//!
//! Pages come from an in-memory [`index::Index`] of the KB documents, filled from storage
//! by the same pull the desktops use: everything on start, then whatever changed since the
//! version it holds. Pushes poke the event hub (and, on PostgreSQL, other processes' writes
//! arrive through LISTEN/NOTIFY as pokes on the same hub); each help request first drains
//! the pokes it has not seen and catches up when the index is behind, so a page reflects
//! every write this process acknowledged before the request arrived. A request never
//! touches the database otherwise: an article page is a hash lookup plus string assembly.
//!
//! Anything not public (unknown locale or article, draft, internal, archived, deleted, a
//! category with no public article in the locale) answers the same 404 page.

pub mod assets;
mod compressed;
pub mod i18n;
pub mod index;
pub mod pages;
pub mod text;

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use porchlight_domain::kb::{article_slug, best_locale, normalize_locale};
use porchlight_domain::markdown::{RenderOptions, Renderer};
use porchlight_domain::sync::{ServerEvent, MAX_PULL_LIMIT};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::broadcast::{self, error::TryRecvError};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::state::Shared;
use crate::storage::StorageResult;
use index::{Index, Page};
use pages::{Chrome, VoteState};
use text::escape;

/// Policy of every help-center response: no scripts, no plugins, no framing; the one
/// inline stylesheet; forms only to this server; article images from this server or the
/// web (the renderer allows http(s) images and this server's attachments only).
fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        format!(
            "default-src 'none'; style-src {}; img-src 'self' https: http:; {CONNECT} \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            assets::style_src()
        )
    })
}

/// `connect-src 'self'` in the public pages' policies. No script can run on them, so it
/// lets nothing on the page connect anywhere; it lets auditing tools that read
/// `/robots.txt` from inside the page (Lighthouse's SEO audit) read it.
pub(crate) const CONNECT: &str = "connect-src 'self';";

/// Compression of the public pages (not of images): Brotli or gzip, as the browser
/// accepts, at level 4, fast enough for pages made on each request (Brotli's default, 11,
/// is meant for files compressed once).
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Precise(4))
}

/// Articles per category or search page.
const PER_PAGE: usize = 50;
/// Articles listed per category on the home page.
const HOME_ARTICLES: usize = 6;
/// Longest search query read, in characters.
const MAX_QUERY_CHARS: usize = 200;
/// The cookie that remembers which articles this browser voted on.
const VOTE_COOKIE: &str = "help_votes";
/// Votes remembered in the cookie (the oldest are forgotten), ~13 bytes each.
const MAX_REMEMBERED_VOTES: usize = 150;
/// Votes one client IP may cast per window.
const VOTES_PER_WINDOW: u32 = 20;
const VOTE_WINDOW: Duration = Duration::from_secs(600);

pub struct HelpCenter {
    app: Shared,
    index: RwLock<Index>,
    /// Pokes of the event hub not yet looked at (drained by requests).
    pokes: Mutex<broadcast::Receiver<ServerEvent>>,
    /// Highest workspace version a poke announced.
    wanted: AtomicI64,
    /// Pokes were missed: catch up whatever the version.
    dirty: AtomicBool,
    /// The first catch-up (everything) has finished.
    loaded: AtomicBool,
    /// One catch-up at a time.
    refresh: tokio::sync::Mutex<()>,
    renderer: Renderer,
    votes: VoteLimiter,
    /// (index version, origin) → sitemap XML.
    sitemap: Mutex<Option<(i64, String, Arc<String>)>>,
    /// (index version, attachment ids public articles show).
    public_files: Mutex<Option<(i64, Arc<std::collections::HashSet<String>>)>>,
}

/// The help center's routes, sharing the server's state.
pub fn router(app: &Shared) -> Router<Shared> {
    let help = Arc::new(HelpCenter::new(app.clone()));
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        // Load the index now rather than on the first reader's request.
        let h = help.clone();
        rt.spawn(async move { h.fresh().await });
    }
    Router::new()
        // The server's own address leads readers to the help center in their language.
        .route("/", get(start))
        .route("/help", get(start))
        .route("/help/", get(start))
        .route("/robots.txt", get(robots))
        .route("/favicon.ico", get(favicon))
        .route("/help/sitemap.xml", get(sitemap))
        .route("/help/assets/{file}", get(asset))
        .route("/help/attachments/{id}", get(public_file))
        .route("/help/{locale}", get(locale_root))
        .route("/help/{locale}/", get(home))
        .route("/help/{locale}/categories/{seg}", get(category))
        .route("/help/{locale}/articles/{seg}", get(article))
        .route("/help/{locale}/articles/{seg}/vote", post(vote))
        .route("/help/{locale}/search", get(search))
        // Any other address under a locale: the same 404 page as a hidden article.
        .route("/help/{locale}/{*rest}", get(elsewhere))
        .layer(compression())
        .with_state(help)
}

type Help = State<Arc<HelpCenter>>;

impl HelpCenter {
    fn new(app: Shared) -> HelpCenter {
        HelpCenter {
            pokes: Mutex::new(app.hub.subscribe()),
            app,
            index: RwLock::new(Index::default()),
            wanted: AtomicI64::new(0),
            dirty: AtomicBool::new(false),
            loaded: AtomicBool::new(false),
            refresh: tokio::sync::Mutex::new(()),
            renderer: Renderer::new(&RenderOptions {
                attachment_url_prefix: Some("/help/attachments/".into()),
            }),
            votes: VoteLimiter::default(),
            sitemap: Mutex::new(None),
            public_files: Mutex::new(None),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes the versions announced since the last look (never waits for the lock: a
    /// request that finds another draining relies on that one).
    fn drain_pokes(&self) {
        let Ok(mut rx) = self.pokes.try_lock() else {
            return;
        };
        loop {
            match rx.try_recv() {
                Ok(ServerEvent::Poke { version }) => {
                    self.wanted.fetch_max(version, Ordering::SeqCst);
                }
                Ok(_) => {}
                Err(TryRecvError::Lagged(_)) => self.dirty.store(true, Ordering::SeqCst),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
    }

    fn behind(&self) -> bool {
        !self.loaded.load(Ordering::SeqCst)
            || self.dirty.load(Ordering::SeqCst)
            || self.wanted.load(Ordering::SeqCst) > self.read().version
    }

    /// Brings the index up to every write announced so far. On a storage failure the
    /// pages stay as they were (and the next request tries again).
    async fn fresh(self: &Arc<Self>) {
        self.drain_pokes();
        if !self.behind() {
            return;
        }
        let _one = self.refresh.lock().await;
        if !self.behind() {
            return;
        }
        self.dirty.store(false, Ordering::SeqCst);
        let me = self.clone();
        match crate::storage::blocking(move || me.catch_up()).await {
            Ok(()) => self.loaded.store(true, Ordering::SeqCst),
            Err(e) => {
                self.dirty.store(true, Ordering::SeqCst);
                tracing::warn!(error = %e, "help center: could not read the knowledge base");
            }
        }
    }

    /// Applies the KB documents changed after the index's version, page by page.
    fn catch_up(&self) -> StorageResult<()> {
        let mut cursor = self.read().version;
        loop {
            let page = self.app.storage.pull("", cursor, MAX_PULL_LIMIT)?;
            let mut ix = self.index.write().unwrap_or_else(|e| e.into_inner());
            if page.reset {
                // The database is older than the index (restored from a backup): reload.
                *ix = Index::default();
                cursor = 0;
                continue;
            }
            for c in page.changes {
                if Index::wants(c.key.kind) {
                    ix.apply(&c.key, c.doc);
                }
            }
            ix.version = page.cursor;
            cursor = page.cursor;
            if !page.has_more {
                return Ok(());
            }
        }
    }
}

// ---- responses ---------------------------------------------------------------------------

/// The quoted validator of a body (its hash).
fn etag_of(body: &str) -> String {
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    format!("\"{:016x}\"", h.finish())
}

/// The ETag header of a quoted validator: weak, since the same validator names the page
/// whether it is sent compressed or not.
pub(crate) fn weak_etag(quoted: &str) -> String {
    format!("W/{quoted}")
}

/// Whether the reader's If-None-Match names `etag` (a quoted validator), weak or strong.
pub(crate) fn matches_etag(req: &HeaderMap, etag: &str) -> bool {
    req.get_all(header::IF_NONE_MATCH).iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag)
        })
    })
}

fn security_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp()),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// An HTML page; 200 pages carry an ETag and answer 304 when the reader has it already.
/// Pages are revalidated on every view (`no-cache`): they follow edits at once.
fn html(req: &HeaderMap, status: StatusCode, body: String, vary_cookie: bool) -> Response {
    let etag = etag_of(&body);
    let mut res = if status == StatusCode::OK && matches_etag(req, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if status == StatusCode::OK && compressed::accepts_brotli(req) {
        // Compressed here, once per distinct page (the compression layer leaves an answer
        // that already has a Content-Encoding alone).
        let mut res = (status, compressed::brotli(&etag, &body)).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        h.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        res
    } else {
        (status, body).into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if status == StatusCode::OK {
        if let Ok(v) = HeaderValue::from_str(&weak_etag(&etag)) {
            h.insert(header::ETAG, v);
        }
    }
    if vary_cookie {
        h.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
    security_headers(h);
    res
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut res = status.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    security_headers(res.headers_mut());
    res
}

/// `scheme://host` as the reader addressed this server (for absolute hreflang and sitemap
/// addresses). A Host header with anything but host-name characters is not used.
pub(crate) fn origin(req: &HeaderMap) -> String {
    let host = req
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let https = req
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

impl HelpCenter {
    /// The one "not found" page. Its body depends only on the locale written in the
    /// address (when the help center has words for it), never on what exists.
    fn not_found(&self, req: &HeaderMap, url_locale: &str) -> Response {
        let locale = if i18n::UI_LOCALES.contains(&url_locale) {
            url_locale
        } else {
            "en"
        };
        let t = i18n::ui(locale);
        let home = pages::home_path(locale);
        let main = pages::message_main(
            locale,
            t.not_found_title,
            t.not_found_text,
            (&home, t.go_home),
        );
        let body = pages::document(
            &Chrome {
                description: t.not_found_text,
                noindex: true,
                ..Chrome::new(locale, t.not_found_title)
            },
            &main,
        );
        html(req, StatusCode::NOT_FOUND, body, false)
    }

    /// The locale of an address: served as is, redirected to its canonical spelling
    /// (`EN` → `en`, `pt_br` → `pt-BR`), or not served.
    fn locale(&self, ix: &Index, raw: &str) -> Served {
        let served = |l: &str| l == "en" || ix.has_locale(l);
        if served(raw) {
            return Served::Yes;
        }
        match normalize_locale("locale", raw) {
            Ok(n) if n != raw && served(&n) => Served::Canonical(n),
            _ => Served::No,
        }
    }
}

enum Served {
    Yes,
    Canonical(String),
    No,
}

/// The address with its locale segment replaced by `canonical`.
fn with_locale(path: &str, raw: &str, canonical: &str) -> String {
    let rest = path
        .strip_prefix("/help/")
        .and_then(|p| p.get(raw.len()..))
        .unwrap_or("/");
    format!("/help/{canonical}{rest}")
}

/// Splits `{id}-{slug}` where the id may itself contain dashes: the longest prefix
/// (ending before a dash, or the whole segment) that `exists` accepts.
fn split_id(seg: &str, exists: impl Fn(&str) -> bool) -> Option<(&str, &str)> {
    if exists(seg) {
        return Some((seg, ""));
    }
    seg.char_indices()
        .filter(|(_, c)| *c == '-')
        .map(|(i, _)| i)
        .rev()
        .find(|&i| exists(&seg[..i]))
        .map(|i| (&seg[..i], &seg[i + 1..]))
}

macro_rules! served_locale {
    ($help:expr, $ix:expr, $req:expr, $uri:expr, $locale:expr) => {
        match $help.locale(&$ix, &$locale) {
            Served::Yes => {}
            Served::Canonical(c) => {
                let mut to = with_locale($uri.path(), &$locale, &c);
                if let Some(q) = $uri.query() {
                    to = format!("{to}?{q}");
                }
                return redirect(StatusCode::MOVED_PERMANENTLY, &to);
            }
            Served::No => {
                drop($ix);
                return $help.not_found(&$req, &$locale);
            }
        }
    };
}

// ---- handlers ----------------------------------------------------------------------------

/// Accept-Language → the first of its languages (by weight) the help center has content
/// in, else English, else any locale with content.
fn preferred_locale(req: &HeaderMap, available: &[&str]) -> String {
    let mut wanted: Vec<(f32, usize, &str)> = req
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (!tag.is_empty() && tag != "*" && q > 0.0).then_some((q, i, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    wanted
        .iter()
        .find_map(|(_, _, tag)| best_locale(tag, available))
        .or_else(|| available.iter().copied().find(|l| *l == "en"))
        .or_else(|| available.first().copied())
        .unwrap_or("en")
        .to_string()
}

async fn start(State(help): Help, req: HeaderMap) -> Response {
    help.fresh().await;
    let locale = {
        let ix = help.read();
        let available: Vec<&str> = ix.locales().collect();
        preferred_locale(&req, &available)
    };
    let mut res = redirect(StatusCode::SEE_OTHER, &pages::home_path(&locale));
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    res
}

async fn elsewhere(
    State(help): Help,
    Path((locale, _)): Path<(String, String)>,
    req: HeaderMap,
) -> Response {
    help.not_found(&req, &locale)
}

async fn locale_root(State(help): Help, Path(locale): Path<String>, req: HeaderMap) -> Response {
    help.fresh().await;
    let ix = help.read();
    match help.locale(&ix, &locale) {
        Served::Yes => redirect(StatusCode::MOVED_PERMANENTLY, &pages::home_path(&locale)),
        Served::No if i18n::UI_LOCALES.contains(&locale.as_str()) => {
            redirect(StatusCode::MOVED_PERMANENTLY, &pages::home_path(&locale))
        }
        Served::Canonical(c) => redirect(StatusCode::MOVED_PERMANENTLY, &pages::home_path(&c)),
        Served::No => {
            drop(ix);
            help.not_found(&req, &locale)
        }
    }
}

async fn home(
    State(help): Help,
    Path(locale): Path<String>,
    uri: axum::http::Uri,
    req: HeaderMap,
) -> Response {
    help.fresh().await;
    let ix = help.read();
    // A language the help center speaks has a home page before anything is written in it
    // (the shared header's brand and language links lead there): it says so, points to the
    // languages that have articles, and asks search engines not to index it.
    let unwritten =
        i18n::UI_LOCALES.contains(&locale.as_str()) && locale != "en" && !ix.has_locale(&locale);
    if !unwritten {
        served_locale!(help, ix, req, uri, locale);
    }
    let sections: Vec<_> = ix
        .categories_in(&locale)
        .into_iter()
        .map(|(c, count)| {
            let (_, first) = ix.category_pages(&locale, &c.id, 0, HOME_ARTICLES);
            (c, count, first)
        })
        .collect();
    let others: Vec<&str> = if unwritten {
        ix.locales().collect()
    } else {
        Vec::new()
    };
    let main = pages::home_main(&locale, &sections, &others);
    drop(others);
    let alternates: Vec<(String, String)> = ix
        .locales()
        .map(|l| (l.to_string(), pages::home_path(l)))
        .collect();
    drop(sections);
    drop(ix);
    let t = i18n::ui(&locale);
    let origin = origin(&req);
    let body = pages::document(
        &Chrome {
            description: t.home_description,
            origin: &origin,
            alternates: &alternates,
            noindex: unwritten,
            ..Chrome::new(&locale, "")
        },
        &main,
    );
    html(&req, StatusCode::OK, body, false)
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

/// The 1-based page number of a `?page=` parameter (anything unreadable is page 1).
fn page_number(raw: Option<&str>) -> usize {
    raw.and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1)
}

async fn category(
    State(help): Help,
    Path((locale, seg)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    uri: axum::http::Uri,
    req: HeaderMap,
) -> Response {
    help.fresh().await;
    let ix = help.read();
    served_locale!(help, ix, req, uri, locale);
    let found = split_id(&seg, |id| {
        ix.category(id).is_some() && ix.category_pages(&locale, id, 0, 0).0 > 0
    });
    let Some((id, slug)) = found else {
        drop(ix);
        return help.not_found(&req, &locale);
    };
    let Some(c) = ix.category(id) else {
        drop(ix);
        return help.not_found(&req, &locale);
    };
    if slug != article_slug(pages::category_name(c, &locale)) {
        let to = pages::category_path(&locale, c);
        return redirect(StatusCode::MOVED_PERMANENTLY, &to);
    }
    let page = page_number(q.page.as_deref());
    let (total, list) = ix.category_pages(&locale, id, (page - 1) * PER_PAGE, PER_PAGE);
    if list.is_empty() {
        drop(ix);
        return help.not_found(&req, &locale);
    }
    let page_count = total.div_ceil(PER_PAGE);
    let main = pages::category_main(&locale, c, &list, page, page_count);
    let alternates: Vec<(String, String)> = ix
        .category_locales(id)
        .into_iter()
        .map(|l| (l.to_string(), pages::category_path(l, c)))
        .collect();
    let title = pages::category_name(c, &locale).to_string();
    let description = pages::category_summary(c, &locale, &list);
    drop(ix);
    let origin = origin(&req);
    let body = pages::document(
        &Chrome {
            description: &description,
            origin: &origin,
            alternates: &alternates,
            ..Chrome::new(&locale, &title)
        },
        &main,
    );
    html(&req, StatusCode::OK, body, false)
}

#[derive(Deserialize)]
struct ArticleQuery {
    voted: Option<String>,
}

async fn article(
    State(help): Help,
    Path((locale, seg)): Path<(String, String)>,
    Query(q): Query<ArticleQuery>,
    uri: axum::http::Uri,
    req: HeaderMap,
) -> Response {
    help.fresh().await;
    let ix = help.read();
    served_locale!(help, ix, req, uri, locale);
    let Some((id, slug)) = split_id(&seg, |id| ix.page(id, &locale).is_some()) else {
        drop(ix);
        return help.not_found(&req, &locale);
    };
    let Some(page) = ix.page(id, &locale).cloned() else {
        drop(ix);
        return help.not_found(&req, &locale);
    };
    if slug != page.slug {
        return redirect(StatusCode::MOVED_PERMANENTLY, &pages::page_path(&page));
    }
    let category = page
        .category_id
        .as_deref()
        .and_then(|c| ix.category(c))
        .cloned();
    let alternates: Vec<(String, String)> = ix
        .translations_of(id)
        .map(|p| (p.locale.clone(), pages::page_path(p)))
        .collect();
    drop(ix);
    let voted = q.voted.is_some() || voted_articles(&req).contains(&vote_key(&page.article_id));
    let vote = if voted {
        VoteState::Thanks
    } else {
        VoteState::Ask
    };
    let main = pages::article_main(
        &page,
        page.body_html(&help.renderer),
        category.as_ref(),
        vote,
    );
    let origin = origin(&req);
    let description = pages::summary(&page.excerpt);
    let body = pages::document(
        &Chrome {
            description: &description,
            origin: &origin,
            alternates: &alternates,
            ..Chrome::new(&locale, &page.title)
        },
        &main,
    );
    html(&req, StatusCode::OK, body, true)
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

async fn search(
    State(help): Help,
    Path(locale): Path<String>,
    Query(q): Query<SearchQuery>,
    uri: axum::http::Uri,
    req: HeaderMap,
) -> Response {
    help.fresh().await;
    let ix = help.read();
    served_locale!(help, ix, req, uri, locale);
    let query: String =
        q.q.as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect();
    let page = page_number(q.page.as_deref());
    let found = ix.search(&locale, &query, (page - 1) * PER_PAGE, PER_PAGE);
    let alternates: Vec<(String, String)> = ix
        .locales()
        .map(|l| (l.to_string(), pages::search_path(l, &query)))
        .collect();
    drop(ix);
    let page_count = found.total.div_ceil(PER_PAGE);
    let main = pages::search_main(&locale, &query, found.total, &found.pages, page, page_count);
    let t = i18n::ui(&locale);
    let origin = origin(&req);
    let description = if query.is_empty() {
        t.search_prompt.to_string()
    } else {
        t.results_count
            .replace("{n}", &i18n::number(&locale, found.total))
    };
    let title = if query.is_empty() {
        t.search_label
    } else {
        &query
    };
    let body = pages::document(
        &Chrome {
            description: &description,
            origin: &origin,
            alternates: &alternates,
            query: &query,
            // Result pages are not content of their own.
            noindex: true,
            ..Chrome::new(&locale, title)
        },
        &main,
    );
    html(&req, StatusCode::OK, body, false)
}

async fn sitemap(State(help): Help, req: HeaderMap) -> Response {
    help.fresh().await;
    let origin = origin(&req);
    let cached = {
        let c = help.sitemap.lock().unwrap_or_else(|e| e.into_inner());
        c.as_ref()
            .filter(|(v, o, _)| *v == help.read().version && *o == origin)
            .map(|(_, _, xml)| xml.clone())
    };
    let xml = match cached {
        Some(xml) => xml,
        None => {
            let (version, xml) = {
                let ix = help.read();
                (ix.version, Arc::new(sitemap_xml(&ix, &origin)))
            };
            *help.sitemap.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((version, origin, xml.clone()));
            xml
        }
    };
    let etag = etag_of(&xml);
    let mut res = if matches_etag(&req, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        xml.as_str().to_owned().into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Ok(v) = HeaderValue::from_str(&weak_etag(&etag)) {
        h.insert(header::ETAG, v);
    }
    security_headers(h);
    res
}

/// Every public translation, with the other translations of its article as alternates.
fn sitemap_xml(ix: &Index, origin: &str) -> String {
    use std::fmt::Write as _;
    let mut articles: Vec<_> = ix.all_pages().collect();
    articles.sort_by(|a, b| a.0.cmp(b.0));
    let mut x = String::with_capacity(64 + articles.len() * 600);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset \
         xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let origin = escape(origin);
    for (_, by_locale) in articles {
        for page in by_locale.values() {
            let _ = write!(
                x,
                "<url><loc>{origin}{}</loc><lastmod>{}</lastmod>",
                escape(&pages::page_path(page)),
                porchlight_domain::dates::iso_date(page.updated_at)
            );
            if by_locale.len() > 1 {
                for alt in by_locale.values() {
                    let _ = write!(
                        x,
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{origin}{}\"/>",
                        escape(&alt.locale),
                        escape(&pages::page_path(alt))
                    );
                }
            }
            x.push_str("</url>\n");
        }
    }
    x.push_str("</urlset>\n");
    x
}

/// `GET /help/attachments/{id}`: an image a public, published article shows. Any other
/// attachment (a customer's file, an internal article's image) answers the same 404.
async fn public_file(State(help): Help, Path(id): Path<String>, req: HeaderMap) -> Response {
    const IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
    help.fresh().await;
    let version = help.read().version;
    let cached = {
        let c = help.public_files.lock().unwrap_or_else(|e| e.into_inner());
        c.as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, s)| s.clone())
    };
    let files = match cached {
        Some(f) => f,
        None => {
            let f: Arc<std::collections::HashSet<String>> = Arc::new(
                help.read()
                    .all_pages()
                    .flat_map(|(_, pages)| pages.values())
                    .flat_map(|p| porchlight_domain::markdown::referenced_attachments(&p.markdown))
                    .collect(),
            );
            *help.public_files.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((version, f.clone()));
            f
        }
    };
    if !files.contains(&id) {
        return help.not_found(&req, "en");
    }
    let storage = help.app.storage.clone();
    let found = crate::storage::blocking(move || storage.attachment_with_bytes(&id)).await;
    match found {
        Ok(Some((rec, bytes))) if IMAGES.contains(&rec.attachment.mime.as_str()) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&rec.attachment.mime) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            res
        }
        _ => help.not_found(&req, "en"),
    }
}

async fn asset(State(help): Help, Path(file): Path<String>, req: HeaderMap) -> Response {
    assets::asset(&file, &req).unwrap_or_else(|| help.not_found(&req, "en"))
}

async fn favicon(req: HeaderMap) -> Response {
    assets::favicon(&req)
}

async fn robots(req: HeaderMap) -> Response {
    assets::robots(&origin(&req))
}

// ---- votes -------------------------------------------------------------------------------

/// The cookie's short name for an article (a hash prefix: ids are long, cookies small).
fn vote_key(article_id: &str) -> String {
    hex::encode(&Sha256::digest(article_id.as_bytes())[..6])
}

/// The articles this browser has voted on, by [`vote_key`].
fn voted_articles(req: &HeaderMap) -> Vec<String> {
    req.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(VOTE_COOKIE)?.strip_prefix('='))
        .flat_map(|v| v.split('.'))
        .filter(|k| k.len() == 12 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .collect()
}

/// Votes per client IP in fixed windows. In memory and per process: a restart forgets
/// it, several server processes each allow the limit, and behind a reverse proxy every
/// reader shares the proxy's address (the limit then applies to all of them together).
#[derive(Default)]
struct VoteLimiter {
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl VoteLimiter {
    /// Counts a vote from `ip`; `Err(wait)` when its window is used up.
    fn allow(&self, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 50_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < VOTE_WINDOW);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= VOTE_WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= VOTES_PER_WINDOW {
            return Err(VOTE_WINDOW.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// Whether a form post comes from a page of this server (browsers send Origin with form
/// posts; a post without one is not from a browser page of another site).
fn same_origin(req: &HeaderMap) -> bool {
    let Some(origin) = req.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = req.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    host.is_some() && origin_host == host
}

async fn vote(
    State(help): Help,
    Path((locale, id)): Path<(String, String)>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    uri: axum::http::Uri,
    req: HeaderMap,
    body: Bytes,
) -> Response {
    help.fresh().await;
    let page: Arc<Page> = {
        let ix = help.read();
        served_locale!(help, ix, req, uri, locale);
        match ix.page(&id, &locale) {
            Some(p) => p.clone(),
            None => {
                drop(ix);
                return help.not_found(&req, &locale);
            }
        }
    };
    let back = pages::page_path(&page);
    if !same_origin(&req) {
        let t = i18n::ui(&locale);
        let main = pages::message_main(
            &locale,
            t.not_found_title,
            t.not_found_text,
            (&back, t.back_to_article),
        );
        return html(
            &req,
            StatusCode::FORBIDDEN,
            frame(&locale, t.not_found_title, &main),
            false,
        );
    }
    let helpful = match text::parse_form(&body)
        .iter()
        .find(|(k, _)| k == "helpful")
        .map(|(_, v)| v.as_str())
    {
        Some("yes") => true,
        Some("no") => false,
        // Not an answer: back to the article, nothing counted.
        _ => return redirect(StatusCode::SEE_OTHER, &back),
    };
    let key = vote_key(&page.article_id);
    let mut remembered = voted_articles(&req);
    if remembered.contains(&key) {
        return redirect(StatusCode::SEE_OTHER, &format!("{back}?voted=1#vote"));
    }
    if let Err(wait) = help.votes.allow(addr.ip()) {
        let t = i18n::ui(&locale);
        let main = pages::message_main(
            &locale,
            t.too_many_title,
            t.too_many_text,
            (&back, t.back_to_article),
        );
        let mut res = html(
            &req,
            StatusCode::TOO_MANY_REQUESTS,
            frame(&locale, t.too_many_title, &main),
            false,
        );
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return res;
    }
    let storage = help.app.storage.clone();
    let article_id = page.article_id.clone();
    let recorded =
        crate::storage::blocking(move || storage.record_vote(&article_id, helpful)).await;
    match recorded {
        Ok(Some((_, version))) => {
            help.app.hub.poke(version);
            let app = help.app.clone();
            // The PostgreSQL NOTIFY is a blocking call.
            tokio::task::spawn_blocking(move || (app.on_change)(version));
        }
        // Unpublished between the page and the vote.
        Ok(None) => return help.not_found(&req, &locale),
        Err(e) => {
            tracing::error!(error = %e, "help center: could not store a vote");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    remembered.push(key);
    let keep = remembered.len().saturating_sub(MAX_REMEMBERED_VOTES);
    let cookie = format!(
        "{VOTE_COOKIE}={}; Path=/help; Max-Age=31536000; HttpOnly; SameSite=Lax",
        remembered[keep..].join(".")
    );
    let mut res = redirect(StatusCode::SEE_OTHER, &format!("{back}?voted=1#vote"));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// A message page in the help center's frame.
fn frame(locale: &str, title: &str, main: &str) -> String {
    pages::document(
        &Chrome {
            noindex: true,
            ..Chrome::new(locale, title)
        },
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_with_dashes_are_split_from_their_slug() {
        let ids = ["0190a7e2-1234-7abc", "plain"];
        let exists = |id: &str| ids.contains(&id);
        assert_eq!(
            split_id("0190a7e2-1234-7abc-how-to-pay", exists),
            Some(("0190a7e2-1234-7abc", "how-to-pay"))
        );
        assert_eq!(split_id("plain", exists), Some(("plain", "")));
        assert_eq!(split_id("plain-x", exists), Some(("plain", "x")));
        assert_eq!(split_id("other-x", exists), None);
    }

    #[test]
    fn accept_language_picks_the_best_available_locale() {
        let mut h = HeaderMap::new();
        let avail = ["en", "fa", "tr"];
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE,fa-IR;q=0.8,tr;q=0.9"),
        );
        assert_eq!(preferred_locale(&h, &avail), "tr");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fa-IR, en;q=0.5"),
        );
        assert_eq!(preferred_locale(&h, &avail), "fa");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de, fr;q=0.1"),
        );
        assert_eq!(preferred_locale(&h, &avail), "en");
        assert_eq!(preferred_locale(&h, &["pl"]), "pl");
        assert_eq!(preferred_locale(&h, &[]), "en");
    }

    #[test]
    fn vote_limit_counts_per_ip() {
        let l = VoteLimiter::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..VOTES_PER_WINDOW {
            assert!(l.allow(a).is_ok());
        }
        assert!(l.allow(a).is_err());
        assert!(l.allow(b).is_ok());
    }
}
