//! The customers' self-service portal: server-rendered pages that work without JavaScript.
//!
//! - `GET/POST /help/{locale}/requests/new`: the request form (name, e-mail, subject,
//!   message, attachments). A filled honeypot field answers as if the request was received
//!   and creates nothing; requests and replies are rate-limited per client IP (see
//!   [`guard`]), counted before their body is read. Files are streamed to temporary files
//!   while hashed, never held in memory whole, and only `MAX_UPLOADS_AT_ONCE` bodies (two per
//!   client network) are read at a time. Errors are shown beside their fields in the customer's language and keep
//!   what they typed. An accepted request becomes a ticket (channel `web`) through the domain
//!   engine, as the customer, at a new workspace version; desktops are poked and pull it.
//! - `GET/POST /help/requests/{ticket_id}/{token}`: the private tracking page (subject,
//!   status, the public thread, attachments) and its reply form. The token is the ticket id's
//!   HMAC under a secret kept in the database. The customer sees the link after submitting;
//!   there is no e-mail channel yet, so it is not mailed to them.
//! - `GET /help/requests/{ticket_id}/{token}/files/{attachment_id}`: a file of that
//!   ticket's public thread.
//! - `GET /api/v1/attachments/{id}` (+ `/meta`): an uploaded file and its record, for
//!   signed-in agents; ids are the ones `MessageDoc::attachment_ids` lists.
//!
//! Any bad tracking link (a changed character, another ticket's id, a deleted ticket, another
//! ticket's file) answers the same 404 page. A link shows only what was written on its own
//! ticket: a merge moves messages to another ticket but never into another link's view, and a
//! ticket merged away keeps its page, says so, and passes replies on to where it was merged.

pub mod guard;
pub mod html;
pub mod survey;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use porchlight_domain::docs::MessageDoc;
use porchlight_domain::kb::{best_locale, normalize_locale};
use porchlight_domain::mutation::{valid_email, RequesterRef, MAX_BODY, MAX_NAME, MAX_SUBJECT};
use porchlight_domain::{
    Attachment, AuthorKind, Channel, ErrorCode, MessageKind, Mutation, Priority, TicketType,
};
use sha2::{Digest, Sha256};

use crate::help::pages::{document, Chrome};
use crate::http::{Failure, SignedIn};
use crate::state::Shared;
use crate::storage::attachments::{AttachmentRecord, StagedFile, Staging, Thread};
use crate::storage::{blocking, StorageError};
use guard::{RateLimit, UploadSlots};
use html::{esc, layout, mb, not_found, page, Privacy};
use porchlight_domain::catalog::{fill, Locale};
use porchlight_domain::dates::{iso_date, long_date_time};

/// Each uploaded file may be at most this large.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// All files of one submission together.
pub const MAX_TOTAL_BYTES: u64 = 20 * 1024 * 1024;
pub const MAX_FILES: usize = 5;
/// The most a portal form body may carry. Above the file limits so that an oversized file is
/// read to its end and the customer gets the form back with their text, not a broken
/// connection.
const BODY_LIMIT: usize = 24 * 1024 * 1024;
/// A text field longer than this (bytes) is not kept whole; the message limit is in
/// characters, so this allows every valid message.
const MAX_TEXT_BYTES: usize = MAX_BODY * 4;

/// Requests one client network may submit per hour, and replies it may add.
pub const REQUESTS_PER_HOUR: usize = 5;
pub const REPLIES_PER_HOUR: usize = 30;
/// Form bodies read at once, and from one client network; more wait their turn. Each costs a
/// few small buffers in memory and at most `BODY_LIMIT` of temporary disk.
const MAX_UPLOADS_AT_ONCE: usize = 16;
const MAX_UPLOADS_PER_CLIENT: usize = 2;
/// The text fields the forms have; any other field is read and dropped, so a body full of
/// made-up fields costs no memory.
const FORM_FIELDS: &[&str] = &["name", "email", "subject", "message", "website"];

pub struct Portal {
    requests: RateLimit,
    replies: RateLimit,
    answers: RateLimit,
    uploads: UploadSlots,
    secret: OnceLock<Vec<u8>>,
}

impl Default for Portal {
    fn default() -> Self {
        Portal {
            requests: RateLimit::new(REQUESTS_PER_HOUR, Duration::from_secs(3600)),
            replies: RateLimit::new(REPLIES_PER_HOUR, Duration::from_secs(3600)),
            answers: RateLimit::new(survey::ANSWERS_PER_HOUR, Duration::from_secs(3600)),
            uploads: UploadSlots::new(MAX_UPLOADS_AT_ONCE, MAX_UPLOADS_PER_CLIENT),
            secret: OnceLock::new(),
        }
    }
}

/// The portal's routes, to be merged into the server's router.
pub fn router() -> Router<Shared> {
    // A survey answer is a few bytes: its body is held to that, not to the upload limit.
    let surveys = Router::new()
        .route(
            "/help/survey/{ticket_id}/{kind}/{token}",
            get(survey::show).post(survey::answer),
        )
        .layer(DefaultBodyLimit::max(survey::BODY_LIMIT));
    // The pages are compressed like the help center's; files go as they were stored.
    let pages = Router::new()
        .merge(surveys)
        .route("/help/{locale}/requests/new", get(new_form).post(submit))
        .route("/help/requests/{ticket_id}/{token}", get(track).post(reply))
        .layer(crate::help::compression());
    Router::new()
        .merge(pages)
        .route(
            "/help/requests/{ticket_id}/{token}/files/{attachment_id}",
            get(customer_file),
        )
        .route(
            "/api/v1/attachments/{id}",
            get(agent_file)
                .put(agent_upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    AGENT_FILE_LIMIT + 64 * 1024,
                )),
        )
        .route("/api/v1/attachments/{id}/meta", get(agent_file_meta))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(Extension(Arc::new(Portal::default())))
}

type Ext = Extension<Arc<Portal>>;

impl Portal {
    async fn secret(&self, state: &Shared) -> Result<Vec<u8>, StorageError> {
        if let Some(s) = self.secret.get() {
            return Ok(s.clone());
        }
        let storage = state.storage.clone();
        let s = blocking(move || storage.portal_secret()).await?;
        Ok(self.secret.get_or_init(|| s).clone())
    }
}

fn lang_param(query: &Option<String>) -> Option<Locale> {
    query.as_deref()?.split('&').find_map(|kv| {
        let v = kv.strip_prefix("lang=")?;
        Locale::parse(v)
    })
}

/// The language of a page without a locale in its path: `?lang=`, else the browser's
/// preference, else English.
fn page_locale(query: &Option<String>, headers: &HeaderMap) -> Locale {
    lang_param(query).unwrap_or_else(|| {
        Locale::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    })
}

fn unavailable(locale: Locale, e: &StorageError) -> Response {
    tracing::error!(error = %e, "portal storage failure");
    let body = format!(
        "<p class=\"alert\" role=\"alert\">{}</p>",
        esc(locale.t("portal.err_unavailable"))
    );
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        Privacy::Private,
        layout(locale, locale.t("help.help_center"), &body),
    )
}

// ---- reading forms ----------------------------------------------------------------------

struct Upload {
    filename: String,
    mime: String,
    staged: StagedFile,
}

/// A submitted form: its text fields (as typed, possibly cut at `MAX_TEXT_BYTES`), the
/// accepted files, and what was wrong with the files or the body.
#[derive(Default)]
struct Received {
    fields: HashMap<String, String>,
    too_long: Vec<String>,
    files: Vec<Upload>,
    file_error: Option<String>,
}

impl Received {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

fn clean_mime(mime: Option<&str>) -> String {
    let m = mime.unwrap_or("").trim().to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match m.split_once('/') {
        Some((a, b)) if m.len() <= 100 && token(a) && token(b) => m,
        _ => "application/octet-stream".into(),
    }
}

/// Reads a multipart form, at most `MAX_UPLOADS_AT_ONCE` at a time and
/// `MAX_UPLOADS_PER_CLIENT` from the client's network. Files go to
/// `attachments`, each written to a temporary file in `scratch` as it arrives; every other
/// field is text. A file over the limits is read to its end and dropped (the form comes back
/// with the text and a message); a body over `BODY_LIMIT` ends the reading with the fields
/// read so far.
async fn read_form(
    portal: &Portal,
    ip: IpAddr,
    form: Result<Multipart, MultipartRejection>,
    scratch: &std::path::Path,
    locale: Locale,
) -> Result<Received, std::io::Error> {
    let mut r = Received::default();
    // Not a multipart body (the form always sends one): the form comes back empty.
    let Ok(mut mp) = form else {
        return Ok(r);
    };
    let _turn = portal.uploads.take(ip).await;
    let mut total: u64 = 0;
    let mut count = 0usize;
    let file_error = |r: &mut Received, e: String| {
        r.file_error.get_or_insert(e);
    };
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                file_error(
                    &mut r,
                    fill(
                        locale.t("portal.err_total_too_large"),
                        &[("max", &locale.number(mb(MAX_TOTAL_BYTES)))],
                    ),
                );
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "attachments" {
            let filename =
                porchlight_domain::bidi::clean_file_name(field.file_name().unwrap_or(""));
            let mime = clean_mime(field.content_type());
            let mut staging = Staging::new(scratch)?;
            let mut size: u64 = 0;
            let mut broken = false;
            loop {
                match field.chunk().await {
                    Ok(Some(c)) => {
                        size += c.len() as u64;
                        if size <= MAX_FILE_BYTES {
                            // A write to the page cache; the worker may block on a slow disk.
                            tokio::task::block_in_place(|| staging.write(&c))?;
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        broken = true;
                        break;
                    }
                }
            }
            if broken {
                file_error(
                    &mut r,
                    fill(
                        locale.t("portal.err_total_too_large"),
                        &[("max", &locale.number(mb(MAX_TOTAL_BYTES)))],
                    ),
                );
                break;
            }
            // A file input left empty still sends an empty, nameless part.
            if filename.is_empty() && size == 0 {
                continue;
            }
            count += 1;
            total += size;
            let shown = if filename.is_empty() {
                "file".to_owned()
            } else {
                filename.clone()
            };
            if size > MAX_FILE_BYTES {
                file_error(
                    &mut r,
                    fill(
                        locale.t("portal.err_file_too_large"),
                        &[
                            ("file", &shown),
                            ("size", &locale.number(mb(size))),
                            ("max", &locale.number(mb(MAX_FILE_BYTES))),
                        ],
                    ),
                );
            } else if count > MAX_FILES {
                file_error(
                    &mut r,
                    fill(
                        locale.t("portal.err_too_many_files"),
                        &[("max", &locale.number(MAX_FILES))],
                    ),
                );
            } else if total > MAX_TOTAL_BYTES {
                file_error(
                    &mut r,
                    fill(
                        locale.t("portal.err_total_too_large"),
                        &[("max", &locale.number(mb(MAX_TOTAL_BYTES)))],
                    ),
                );
            } else {
                r.files.push(Upload {
                    filename: shown,
                    mime,
                    staged: staging.finish()?,
                });
            }
            continue;
        }
        if !FORM_FIELDS.contains(&name.as_str()) {
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        }
        let mut text = Vec::new();
        let mut cut = false;
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    let room = MAX_TEXT_BYTES + 1 - text.len().min(MAX_TEXT_BYTES + 1);
                    text.extend_from_slice(&c[..c.len().min(room)]);
                    cut |= c.len() > room;
                }
                Ok(None) => break,
                Err(_) => break,
            }
        }
        if cut {
            r.too_long.push(name.clone());
        }
        r.fields
            .insert(name, String::from_utf8_lossy(&text).into_owned());
    }
    Ok(r)
}

/// A form as [`read_form`] reads it into the storage's scratch directory; a failure to write
/// there answers as the storage being unavailable.
async fn receive(
    state: &Shared,
    portal: &Portal,
    ip: IpAddr,
    form: Result<Multipart, MultipartRejection>,
    locale: Locale,
) -> Result<Received, Response> {
    read_form(portal, ip, form, &state.storage.scratch_dir(), locale)
        .await
        .map_err(|e| unavailable(locale, &StorageError::Backend(format!("upload: {e}"))))
}

/// Field → message, in form order.
type Errors = Vec<(&'static str, String)>;

fn check_text(
    errors: &mut Errors,
    r: &Received,
    field: &'static str,
    max: usize,
    locale: Locale,
) -> String {
    let v = r.get(field).trim();
    if v.is_empty() {
        errors.push((field, locale.t("portal.err_required").into()));
    } else if r.too_long.iter().any(|f| f == field) || v.chars().count() > max {
        errors.push((
            field,
            fill(
                locale.t("portal.err_too_long"),
                &[("max", &locale.number(max))],
            ),
        ));
    }
    v.to_owned()
}

/// Stores the files of a new message as records for `ticket_id`/`message_id`.
fn records(
    files: Vec<Upload>,
    ticket_id: &str,
    message_id: &str,
    at: i64,
) -> Vec<(AttachmentRecord, StagedFile)> {
    files
        .into_iter()
        .map(|f| {
            let rec = AttachmentRecord {
                attachment: Attachment {
                    id: uuid::Uuid::now_v7().to_string(),
                    filename: f.filename,
                    mime: f.mime,
                    size: f.staged.size as i64,
                    sha256: f.staged.sha256.clone(),
                },
                ticket_id: ticket_id.to_owned(),
                message_id: message_id.to_owned(),
                created_at: at,
            };
            (rec, f.staged)
        })
        .collect()
}

/// The answer to a client over its budget, in the page `page` draws.
fn limited(locale: Locale, wait: Duration, page: impl FnOnce(&str) -> Response) -> Response {
    let msg = fill(
        locale.t("portal.err_rate"),
        &[("minutes", &locale.number(wait_minutes(wait)))],
    );
    let mut res = page(&msg);
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

fn poke(state: &Shared, version: i64) {
    state.hub.poke(version);
    let state = state.clone();
    // The PostgreSQL NOTIFY is a blocking call.
    tokio::task::spawn_blocking(move || (state.on_change)(version));
}

fn wait_minutes(wait: Duration) -> String {
    wait.as_secs().div_ceil(60).max(1).to_string()
}

// ---- the request form ---------------------------------------------------------------------

fn field_html(
    locale: Locale,
    name: &'static str,
    label_key: &str,
    value: &str,
    errors: &Errors,
    attrs: &str,
) -> String {
    let error = errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m);
    let invalid = match error {
        Some(_) => format!(" aria-invalid=\"true\" aria-describedby=\"e-{name}\""),
        None => String::new(),
    };
    let control = if name == "message" {
        format!(
            "<textarea id=\"f-{name}\" name=\"{name}\" data-testid=\"request-{name}\"{attrs}{invalid}>{}</textarea>",
            esc(value)
        )
    } else {
        format!(
            "<input id=\"f-{name}\" name=\"{name}\" value=\"{}\" data-testid=\"request-{name}\"{attrs}{invalid}>",
            esc(value)
        )
    };
    let error = error
        .map(|m| {
            format!(
                "<p class=\"error\" id=\"e-{name}\" data-testid=\"error-{name}\">{}</p>",
                esc(m)
            )
        })
        .unwrap_or_default();
    format!(
        "<div class=\"field\"><label for=\"f-{name}\">{}</label>{control}{error}</div>",
        esc(locale.t(label_key))
    )
}

/// "Optional: up to 5 files, 10 MB each and 20 MB in all." under both forms' file inputs.
fn attachments_hint(locale: Locale) -> String {
    fill(
        locale.t("portal.attachments_hint"),
        &[
            ("files", &locale.number(MAX_FILES)),
            ("per", &locale.number(mb(MAX_FILE_BYTES))),
            ("total", &locale.number(mb(MAX_TOTAL_BYTES))),
        ],
    )
}

/// The language of a request form's address: one the portal speaks, or any other valid
/// language tag the help center may have articles in (`pt-BR`), shown in the closest language
/// the portal speaks (else English) and kept as the request's language. `None`: not a tag.
fn form_locale(tag: &str) -> Option<(Locale, String)> {
    if let Some(l) = Locale::parse(tag) {
        return Some((l, tag.to_owned()));
    }
    let tag = normalize_locale("locale", tag).ok()?;
    let spoken = Locale::ALL.map(Locale::tag);
    let ui = best_locale(&tag, &spoken)
        .and_then(Locale::parse)
        .unwrap_or(Locale::En);
    Some((ui, tag))
}

/// Where a request form was asked for: its language and the address the reader used.
struct FormAt<'a> {
    locale: Locale,
    /// The language tag of the address (`pt-BR`), kept as the request's language.
    tag: &'a str,
    /// `scheme://host`, for the absolute hreflang and canonical addresses.
    origin: &'a str,
}

fn request_form(
    at: &FormAt<'_>,
    r: &Received,
    errors: &Errors,
    alert: Option<&str>,
    status: StatusCode,
) -> Response {
    let (locale, tag) = (at.locale, at.tag);
    let mut alerts = Vec::new();
    if !errors.is_empty() {
        alerts.push(locale.t("portal.err_summary").to_owned());
    }
    if let Some(a) = alert {
        alerts.push(a.to_owned());
    }
    if let Some(f) = &r.file_error {
        alerts.push(format!("{f} {}", locale.t("portal.err_choose_again")));
    }
    let alert_html = if alerts.is_empty() {
        String::new()
    } else {
        format!(
            "<div class=\"alert\" role=\"alert\" data-testid=\"form-errors\">{}</div>",
            alerts
                .iter()
                .map(|a| format!("<p>{}</p>", esc(a)))
                .collect::<String>()
        )
    };
    let file_error = r
        .file_error
        .as_ref()
        .map(|f| {
            format!(
                "<p class=\"error\" id=\"e-attachments\" data-testid=\"error-attachments\">{}</p>",
                esc(f)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1><p>{intro}</p>{alert_html}\
<form class=\"form body-card\" method=\"post\" action=\"/help/{tag}/requests/new\" enctype=\"multipart/form-data\" data-testid=\"request-form\">\
{name}{email}{subject}{message}\
<div class=\"hp\" aria-hidden=\"true\"><label for=\"f-website\">{hp}</label>\
<input id=\"f-website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\" value=\"\"></div>\
<div class=\"field\"><label for=\"f-attachments\">{att}</label>\
<input id=\"f-attachments\" type=\"file\" name=\"attachments\" multiple data-testid=\"request-files\">\
<p class=\"hint\">{hint}</p>{file_error}</div>\
<button type=\"submit\" data-testid=\"request-send\">{send}</button></form>",
        title = esc(locale.t("portal.new_title")),
        intro = esc(locale.t("portal.new_intro")),
        name = field_html(
            locale,
            "name",
            "portal.name",
            r.get("name"),
            errors,
            &format!(" required maxlength=\"{MAX_NAME}\" autocomplete=\"name\"")
        ),
        email = field_html(
            locale,
            "email",
            "portal.email",
            r.get("email"),
            errors,
            " type=\"email\" required maxlength=\"254\" autocomplete=\"email\""
        ),
        subject = field_html(
            locale,
            "subject",
            "portal.subject",
            r.get("subject"),
            errors,
            &format!(" required maxlength=\"{MAX_SUBJECT}\"")
        ),
        message = field_html(
            locale,
            "message",
            "portal.message",
            r.get("message"),
            errors,
            " required"
        ),
        hp = esc(locale.t("portal.honeypot")),
        att = esc(locale.t("portal.attachments")),
        hint = esc(&attachments_hint(locale)),
        send = esc(locale.t("portal.send_request")),
    );
    // The form in each language the portal speaks, as the help center's pages list theirs.
    let mut alternates: Vec<(String, String)> = Locale::ALL
        .iter()
        .map(|l| {
            (
                l.tag().to_owned(),
                format!("/help/{}/requests/new", l.tag()),
            )
        })
        .collect();
    alternates.sort();
    let title = locale.t("portal.new_title");
    let html = document(
        &Chrome {
            site: tag,
            description: locale.t("portal.new_intro"),
            origin: at.origin,
            alternates: &alternates,
            // A form that came back with errors is no page of its own.
            noindex: status != StatusCode::OK,
            request_link: false,
            ..Chrome::new(locale.tag(), title)
        },
        &body,
    );
    page(status, Privacy::Public, html)
}

async fn new_form(Path(tag): Path<String>, headers: HeaderMap) -> Response {
    let origin = crate::help::origin(&headers);
    match form_locale(&tag) {
        Some((locale, tag)) => request_form(
            &FormAt {
                locale,
                tag: &tag,
                origin: &origin,
            },
            &Received::default(),
            &Vec::new(),
            None,
            StatusCode::OK,
        ),
        None => not_found(Locale::En),
    }
}

/// The page after a request is received: the private tracking link.
fn received_page(locale: Locale, ticket_id: &str, token: &str) -> Response {
    let path = format!("/help/requests/{ticket_id}/{token}");
    let body = format!(
        "<h1 data-testid=\"request-received\">{}</h1><p class=\"notice\">{}</p>\
<p class=\"link\"><a href=\"{path}?lang={tag}\" data-testid=\"tracking-link\">{path}</a></p>",
        esc(locale.t("portal.done_title")),
        esc(locale.t("portal.done_link")),
        tag = locale.tag(),
    );
    page(
        StatusCode::OK,
        Privacy::Private,
        layout(locale, locale.t("portal.done_title"), &body),
    )
}

async fn submit(
    State(state): State<Shared>,
    Extension(portal): Ext,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(tag): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some((locale, tag)) = form_locale(&tag) else {
        return not_found(Locale::En);
    };
    let origin = crate::help::origin(&headers);
    let asked = FormAt {
        locale,
        tag: &tag,
        origin: &origin,
    };
    // Counted before the body is read, so a client over its budget costs no upload. The
    // reservation is kept for whatever the request became (a ticket, a honeypot decoy, a
    // storage failure) and given back only when the form comes back for the customer to
    // fix: a typo must not cost a real customer one of their few requests an hour, and such
    // a refusal stores nothing.
    let ip = addr.ip();
    let reserved = match portal.requests.reserve(ip) {
        Ok(at) => at,
        Err(wait) => {
            return limited(locale, wait, |msg| {
                request_form(
                    &asked,
                    &Received::default(),
                    &Vec::new(),
                    Some(msg),
                    StatusCode::TOO_MANY_REQUESTS,
                )
            })
        }
    };
    let secret = match portal.secret(&state).await {
        Ok(s) => s,
        Err(e) => return unavailable(locale, &e),
    };
    let mut r = match receive(&state, &portal, ip, form, locale).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    // Something filled the field people never see: answer like a success, create nothing.
    if !r.get("website").trim().is_empty() {
        tracing::info!("portal: honeypot filled; request dropped");
        let decoy = uuid::Uuid::now_v7().to_string();
        return received_page(locale, &decoy, &guard::token(&secret, &decoy));
    }
    let mut errors = Errors::new();
    let name = check_text(&mut errors, &r, "name", MAX_NAME, locale);
    let email_typed = check_text(&mut errors, &r, "email", 254, locale);
    let email = if email_typed.is_empty() || errors.iter().any(|(f, _)| *f == "email") {
        None
    } else {
        match valid_email(&email_typed) {
            Ok(e) => Some(e),
            Err(_) => {
                errors.push(("email", locale.t("portal.err_email").into()));
                None
            }
        }
    };
    let subject = check_text(&mut errors, &r, "subject", MAX_SUBJECT, locale);
    let message = check_text(&mut errors, &r, "message", MAX_BODY, locale);
    if !errors.is_empty() || r.file_error.is_some() {
        portal.requests.give_back(ip, reserved);
        return request_form(&asked, &r, &errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let at = crate::now_ms();
    let ticket_id = uuid::Uuid::now_v7().to_string();
    let message_id = uuid::Uuid::now_v7().to_string();
    let files = records(std::mem::take(&mut r.files), &ticket_id, &message_id, at);
    let m = Mutation::CreateTicket {
        ticket_id: ticket_id.clone(),
        message_id,
        subject,
        requester: RequesterRef::New {
            id: uuid::Uuid::now_v7().to_string(),
            name,
            email,
            phone: None,
        },
        channel: Channel::Web,
        priority: Priority::Normal,
        ticket_type: TicketType::Question,
        assignee_id: None,
        group_id: None,
        tags: Vec::new(),
        body_text: message,
        attachment_ids: files.iter().map(|(a, _)| a.attachment.id.clone()).collect(),
        outbound: false,
    };
    let storage = state.storage.clone();
    let language = tag.clone();
    match blocking(move || storage.apply_as_customer(m, Some(&language), &files, at)).await {
        Ok(version) => {
            poke(&state, version);
            tracing::info!(ticket = %ticket_id, "portal: request received");
            received_page(locale, &ticket_id, &guard::token(&secret, &ticket_id))
        }
        Err(e) => {
            // The form checks what the engine checks, so this is the database failing (or
            // a refusal nobody foresaw): the form comes back with the text kept.
            tracing::error!(error = %e, "portal: could not store a request");
            request_form(
                &asked,
                &r,
                &Vec::new(),
                Some(locale.t("portal.err_unavailable")),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

// ---- the tracking page --------------------------------------------------------------------

/// What the ticket's customer may see of what was written on it (see `Storage::thread`):
/// their own messages and agents' replies; never notes, system messages or events, and never
/// another customer's words.
fn is_public(thread: &Thread, m: &MessageDoc) -> bool {
    m.kind == MessageKind::Reply
        && match m.author_kind {
            AuthorKind::Agent => true,
            AuthorKind::Customer => {
                m.author_id.as_deref() == Some(thread.ticket.requester_id.as_str())
            }
            AuthorKind::System => false,
        }
}

/// The ticket behind a tracking link, or `None` for anything that must answer 404: a token
/// that is not this ticket's, an unknown or deleted ticket. A ticket merged away still
/// answers, with only what was written on it.
async fn tracked(
    state: &Shared,
    portal: &Portal,
    ticket_id: &str,
    token: &str,
) -> Result<Option<Thread>, StorageError> {
    if ticket_id.len() > 64 || token.len() > 64 {
        return Ok(None);
    }
    let secret = portal.secret(state).await?;
    if !guard::verify(&secret, ticket_id, token) {
        return Ok(None);
    }
    let storage = state.storage.clone();
    let id = ticket_id.to_owned();
    let thread = blocking(move || storage.thread(&id)).await?;
    Ok(thread.filter(|t| t.ticket.deleted_at.is_none()))
}

fn tracking_page(
    locale: Locale,
    thread: &Thread,
    path: &str,
    survey: Option<&str>,
    draft: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let t = &thread.ticket;
    let tag = locale.tag();
    let mut msgs = String::new();
    for m in thread.messages.iter().filter(|m| is_public(thread, m)) {
        let (class, who) = match m.author_kind {
            AuthorKind::Customer => ("customer", locale.t("portal.you").to_owned()),
            _ => ("agent", m.author_name.clone()),
        };
        let files: String = thread
            .attachments
            .iter()
            .filter(|a| m.attachment_ids.contains(&a.attachment.id))
            .map(|a| {
                format!(
                    "<li><a href=\"{path}/files/{id}\" data-testid=\"attachment\" download>{name}</a> ({size})</li>",
                    id = esc(&a.attachment.id),
                    name = esc(&a.attachment.filename),
                    size = locale.number(html::file_size(a.attachment.size.max(0) as u64)),
                )
            })
            .collect();
        let files = if files.is_empty() {
            String::new()
        } else {
            format!(
                "<ul class=\"files\" aria-label=\"{}\">{files}</ul>",
                esc(locale.t("portal.attachments"))
            )
        };
        msgs.push_str(&format!(
            "<article class=\"msg {class}\" id=\"m-{id}\" data-testid=\"message\" data-author=\"{class}\">\
<header><strong data-testid=\"message-author\">{who}</strong> · <time datetime=\"{iso}\">{time}</time></header>\
<div class=\"body\" data-testid=\"message-body\">{body}</div>{files}</article>",
            id = esc(&m.id),
            who = esc(&who),
            iso = iso_date(m.created_at),
            time = esc(&long_date_time(locale, m.created_at)),
            body = esc(&m.body_text),
        ));
    }
    // A merged ticket names neither the ticket it went into nor anything written there.
    let reopens = if t.merged_into_id.is_some() {
        format!(
            "<p class=\"notice\" data-testid=\"ticket-merged\">{}</p>",
            esc(locale.t("portal.merged_notice"))
        )
    } else if t.status.is_open_like() {
        String::new()
    } else {
        format!(
            "<p class=\"hint\">{}</p>",
            esc(locale.t("portal.reply_reopens"))
        )
    };
    // A solved ticket asks how it went.
    let invite = match survey {
        Some(link) if t.status == porchlight_domain::TicketStatus::Solved && t.merged_into_id.is_none() => format!(
            "<p class=\"notice\" data-testid=\"survey-invite\">{} <a href=\"{}?lang={}\" data-testid=\"survey-link\">{}</a></p>",
            esc(locale.t("survey.invite")),
            esc(link),
            locale.tag(),
            esc(locale.t("survey.title")),
        ),
        _ => String::new(),
    };
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"e-message\" role=\"alert\" data-testid=\"error-message\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default();
    let number = t
        .number
        .map(|n| format!("#{} · ", locale.number(n)))
        .unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1><h2 data-testid=\"ticket-subject\">{number}{subject}</h2>\
<p>{status_label}: <strong data-testid=\"ticket-status\" data-status=\"{status_code}\">{status}</strong></p>{invite}\
<section aria-labelledby=\"conv\"><h2 id=\"conv\">{conversation}</h2>{msgs}</section>\
<form class=\"form\" method=\"post\" action=\"{path}?lang={tag}\" enctype=\"multipart/form-data\" data-testid=\"reply-form\">\
<h2>{add_reply}</h2>{reopens}<label for=\"f-message\">{reply}</label>\
<textarea id=\"f-message\" name=\"message\" required data-testid=\"reply-message\"{invalid}>{draft}</textarea>{error}\
<label for=\"f-attachments\">{att}</label>\
<input id=\"f-attachments\" type=\"file\" name=\"attachments\" multiple data-testid=\"reply-files\">\
<p class=\"hint\">{hint}</p>\
<button type=\"submit\" data-testid=\"reply-send\">{send}</button></form>",
        title = esc(locale.t("portal.track_title")),
        subject = esc(&t.subject),
        status_label = esc(locale.t("portal.status")),
        status_code = t.status.as_str(),
        status = esc(locale.t(&format!("portal.status_{}", t.status.as_str()))),
        conversation = esc(locale.t("portal.conversation")),
        add_reply = esc(locale.t("portal.add_reply")),
        reply = esc(locale.t("portal.reply")),
        invalid = if error.is_empty() {
            ""
        } else {
            " aria-invalid=\"true\" aria-describedby=\"e-message\""
        },
        draft = esc(draft),
        att = esc(locale.t("portal.attachments")),
        hint = esc(&attachments_hint(locale)),
        send = esc(locale.t("portal.send_reply")),
    );
    page(status, Privacy::Private, layout(locale, &t.subject, &body))
}

/// The satisfaction survey's path for a ticket's tracking page.
async fn survey_path(state: &Shared, portal: &Portal, ticket_id: &str) -> Option<String> {
    let secret = portal.secret(state).await.ok()?;
    Some(guard::survey_path(
        &secret,
        ticket_id,
        porchlight_domain::records::SurveyKind::Csat,
    ))
}

async fn track(
    State(state): State<Shared>,
    Extension(portal): Ext,
    Path((ticket_id, token)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let locale = page_locale(&query, &headers);
    match tracked(&state, &portal, &ticket_id, &token).await {
        Ok(Some(thread)) => {
            let path = format!("/help/requests/{ticket_id}/{token}");
            let survey = survey_path(&state, &portal, &ticket_id).await;
            tracking_page(
                locale,
                &thread,
                &path,
                survey.as_deref(),
                "",
                None,
                StatusCode::OK,
            )
        }
        Ok(None) => not_found(locale),
        Err(e) => unavailable(locale, &e),
    }
}

async fn reply(
    State(state): State<Shared>,
    Extension(portal): Ext,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((ticket_id, token)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let locale = page_locale(&query, &headers);
    let thread = match tracked(&state, &portal, &ticket_id, &token).await {
        Ok(Some(t)) => t,
        Ok(None) => return not_found(locale),
        Err(e) => return unavailable(locale, &e),
    };
    let path = format!("/help/requests/{ticket_id}/{token}");
    let survey = survey_path(&state, &portal, &ticket_id).await;
    let back = |r: &Received, error: &str, status| {
        tracking_page(
            locale,
            &thread,
            &path,
            survey.as_deref(),
            r.get("message"),
            Some(error),
            status,
        )
    };
    // Counted before the body is read; given back only when the reply comes back for the
    // customer to fix (empty, too long, a file over the limits), which stores nothing.
    let ip = addr.ip();
    let reserved = match portal.replies.reserve(ip) {
        Ok(at) => at,
        Err(wait) => {
            return limited(locale, wait, |msg| {
                back(&Received::default(), msg, StatusCode::TOO_MANY_REQUESTS)
            })
        }
    };
    let mut r = match receive(&state, &portal, ip, form, locale).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let mut errors = Errors::new();
    let message = check_text(&mut errors, &r, "message", MAX_BODY, locale);
    if let Some((_, e)) = errors.first() {
        portal.replies.give_back(ip, reserved);
        return back(&r, e, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some(f) = &r.file_error {
        portal.replies.give_back(ip, reserved);
        let e = format!("{f} {}", locale.t("portal.err_choose_again"));
        return back(&r, &e, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let at = crate::now_ms();
    let message_id = uuid::Uuid::now_v7().to_string();
    let files = records(std::mem::take(&mut r.files), &ticket_id, &message_id, at);
    let m = Mutation::AddMessage {
        message_id: message_id.clone(),
        ticket_id: ticket_id.clone(),
        kind: MessageKind::Reply,
        from_customer: true,
        body_text: message,
        body_html: None,
        attachment_ids: files.iter().map(|(a, _)| a.attachment.id.clone()).collect(),
        cc: None,
    };
    let storage = state.storage.clone();
    match blocking(move || storage.apply_as_customer(m, None, &files, at)).await {
        Ok(version) => {
            poke(&state, version);
            let mut res = StatusCode::SEE_OTHER.into_response();
            let to = format!("{path}?lang={}#m-{message_id}", locale.tag());
            if let Ok(v) = HeaderValue::from_str(&to) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            html::secure(res.headers_mut(), Privacy::Private);
            res
        }
        // Deleted meanwhile (a merge is followed).
        Err(StorageError::Refused(d))
            if matches!(
                d.code,
                ErrorCode::TicketDeleted | ErrorCode::TicketMerged | ErrorCode::NotFound
            ) =>
        {
            not_found(locale)
        }
        Err(StorageError::Refused(d)) if d.code == ErrorCode::Forbidden => {
            back(&r, locale.t("portal.err_closed"), StatusCode::FORBIDDEN)
        }
        Err(e) => {
            tracing::error!(error = %e, "portal: could not store a reply");
            back(
                &r,
                locale.t("portal.err_unavailable"),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

// ---- files --------------------------------------------------------------------------------

/// Types a browser may be told; anything else is sent as bytes.
const NAMED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
];

fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file as a download: never shown inline, never sniffed, sandboxed if opened anyway.
fn file_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    let mime = if NAMED_TYPES.contains(&a.mime.as_str()) {
        a.mime.as_str()
    } else {
        "application/octet-stream"
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, mime.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            content_disposition(&a.filename),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "no-store".to_owned()),
        (header::REFERRER_POLICY, "no-referrer".to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox".to_owned(),
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&a.sha256) {
        h.insert("x-content-sha256", v);
    }
    res
}

async fn customer_file(
    State(state): State<Shared>,
    Extension(portal): Ext,
    Path((ticket_id, token, attachment_id)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let locale = page_locale(&query, &headers);
    let thread = match tracked(&state, &portal, &ticket_id, &token).await {
        Ok(Some(t)) => t,
        Ok(None) => return not_found(locale),
        Err(e) => return unavailable(locale, &e),
    };
    let listed = thread
        .messages
        .iter()
        .filter(|m| is_public(&thread, m))
        .any(|m| m.attachment_ids.contains(&attachment_id));
    if !listed {
        return not_found(locale);
    }
    let storage = state.storage.clone();
    let id = attachment_id.clone();
    match blocking(move || storage.attachment_with_bytes(&id)).await {
        // An agent's upload is filed under no ticket; the public message listing it (checked
        // above) is what makes it this customer's to see.
        Ok(Some((rec, bytes))) if rec.ticket_id == ticket_id || rec.ticket_id.is_empty() => {
            let mut res = file_response(&rec.attachment, bytes);
            res.headers_mut().insert(
                "x-robots-tag",
                HeaderValue::from_static("noindex, nofollow"),
            );
            res
        }
        Ok(_) => not_found(locale),
        Err(e) => unavailable(locale, &e),
    }
}

fn storage_failure(e: StorageError) -> Failure {
    tracing::error!(error = %e, "attachment storage failure");
    Failure::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "The server could not reach its database; try again shortly.",
    )
}

fn no_attachment() -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "No attachment has this id on the server.",
    )
}

/// An uploaded file's bytes, for a signed-in agent.
async fn agent_file(
    State(state): State<Shared>,
    _who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let storage = state.storage.clone();
    match blocking(move || storage.attachment_with_bytes(&id)).await {
        Ok(Some((rec, bytes))) => Ok(file_response(&rec.attachment, bytes)),
        Ok(None) => Err(no_attachment()),
        Err(e) => Err(storage_failure(e)),
    }
}

/// The largest file an agent's desktop may upload (the desktop's own attachment limit).
const AGENT_FILE_LIMIT: usize = 25 * 1024 * 1024;

/// `PUT /api/v1/attachments/{id}`: a file an agent attached (to a reply, a note, an
/// article). Body: the bytes; headers `x-filename` (URI-encoded) and `content-type`.
async fn agent_upload(
    State(state): State<Shared>,
    _who: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, Failure> {
    let valid_id = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid_id {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_attachment_id",
            "An attachment id is at most 64 letters, digits and dashes.",
        ));
    }
    if body.len() > AGENT_FILE_LIMIT {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "attachment_too_large",
            "Attachments can be at most 25 MB.",
        ));
    }
    let raw_name = headers
        .get("x-filename")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let name = porchlight_domain::sanitize::percent_decode(raw_name);
    let attachment = Attachment {
        id: id.clone(),
        filename: porchlight_domain::bidi::clean_file_name(&name),
        mime: clean_mime(headers.get("content-type").and_then(|v| v.to_str().ok())),
        size: body.len() as i64,
        sha256: hex::encode(Sha256::digest(&body)),
    };
    let storage = state.storage.clone();
    let at = crate::now_ms();
    match blocking(move || storage.put_agent_attachment(&attachment, &body, at)).await {
        Ok(true) => Ok(StatusCode::NO_CONTENT),
        Ok(false) => Err(Failure::new(
            StatusCode::CONFLICT,
            "attachment_exists",
            "Another file is already stored under this attachment id.",
        )),
        Err(e) => Err(storage_failure(e)),
    }
}

/// What an agent's desktop needs to file an uploaded attachment before fetching it.
#[derive(serde::Serialize)]
struct AttachmentMeta {
    #[serde(flatten)]
    attachment: Attachment,
    ticket_id: String,
    message_id: String,
    created_at: i64,
}

async fn agent_file_meta(
    State(state): State<Shared>,
    _who: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<AttachmentMeta>, Failure> {
    let storage = state.storage.clone();
    match blocking(move || storage.attachment(&id)).await {
        Ok(Some(rec)) => Ok(Json(AttachmentMeta {
            attachment: rec.attachment,
            ticket_id: rec.ticket_id,
            message_id: rec.message_id,
            created_at: rec.created_at,
        })),
        Ok(None) => Err(no_attachment()),
        Err(e) => Err(storage_failure(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_types_are_tamed() {
        assert_eq!(
            porchlight_domain::bidi::clean_file_name(" ../a/b\\c\u{7}.txt "),
            ".._a_b_c_.txt"
        );
        assert_eq!(clean_mime(Some("Image/PNG")), "image/png");
        for bad in [
            None,
            Some(""),
            Some("text/html\r\nx: y"),
            Some("a/b/c"),
            Some("nope"),
        ] {
            assert_eq!(clean_mime(bad), "application/octet-stream", "{bad:?}");
        }
        assert_eq!(
            content_disposition("rapor \"2024\".pdf"),
            "attachment; filename=\"rapor _2024_.pdf\"; filename*=UTF-8''rapor%20%222024%22.pdf"
        );
        assert!(content_disposition("گزارش.txt").contains("filename*=UTF-8''%DA%AF"));
    }

    #[test]
    fn the_language_comes_from_the_link_then_the_browser() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("pl-PL,pl;q=0.9"),
        );
        assert_eq!(page_locale(&Some("lang=fa".into()), &h), Locale::Fa);
        assert_eq!(page_locale(&Some("lang=xx".into()), &h), Locale::Pl);
        assert_eq!(page_locale(&None, &HeaderMap::new()), Locale::En);
    }
}
