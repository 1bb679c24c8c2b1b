//! The customers' survey page: `GET/POST /help/survey/{ticket_id}/{kind}/{token}`, plain HTML
//! without JavaScript in the customer's language (right to left in Persian). The token is the
//! HMAC of the ticket and the survey kind under the portal's secret, so a link answers one
//! survey of one ticket and nothing else; any other link answers the same 404 page. Answering
//! again changes the answer (the rating document is one per ticket and kind). Answers are
//! rate-limited per client network, counted before they are stored and given back when the
//! form comes back to be fixed. The link goes out with the survey mail (when the server
//! knows its public address) and the tracking page of a solved ticket offers it.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use porchlight_domain::catalog::{fill, Locale};
use porchlight_domain::docs::{RatingDoc, TicketDoc};
use porchlight_domain::records::{RatingVia, SurveyKind};
use porchlight_domain::validate::MAX_COMMENT;
use porchlight_domain::{ErrorCode, Mutation};
use serde::Deserialize;

use super::guard;
use super::html::{esc, layout, not_found, page, Privacy};
use super::{limited, page_locale, poke, unavailable, Portal};
use crate::state::Shared;
use crate::storage::{blocking, StorageError};

/// Survey answers one client network may give per hour.
pub const ANSWERS_PER_HOUR: usize = 30;
/// A survey form body: a score and a comment of at most `MAX_COMMENT` characters.
pub const BODY_LIMIT: usize = 16 * 1024;

type Answered = (SurveyKind, TicketDoc, Option<RatingDoc>);

/// The ticket and answer a link names, when the link is genuine.
async fn surveyed(
    state: &Shared,
    portal: &Portal,
    ticket_id: &str,
    kind: &str,
    token: &str,
) -> Result<Option<Answered>, StorageError> {
    if ticket_id.len() > 64 || token.len() > 64 {
        return Ok(None);
    }
    let Ok(kind) = SurveyKind::parse("kind", kind) else {
        return Ok(None);
    };
    let secret = portal.secret(state).await?;
    if !guard::verify_survey(&secret, ticket_id, kind, token) {
        return Ok(None);
    }
    let storage = state.storage.clone();
    let id = ticket_id.to_owned();
    let found = blocking(move || storage.survey(&id, kind)).await?;
    Ok(found.map(|(t, r)| (kind, t, r)))
}

/// How an answer reads: "Good", or the number.
fn answer_label(locale: Locale, kind: SurveyKind, score: i64) -> String {
    match kind {
        SurveyKind::Csat => locale.t(&format!("survey.csat_{score}")).to_owned(),
        _ => locale.number(score),
    }
}

struct Shown<'a> {
    locale: Locale,
    kind: SurveyKind,
    ticket: &'a TicketDoc,
    answer: Option<&'a RatingDoc>,
    path: &'a str,
    /// What the customer sent when the form comes back to be fixed.
    draft: Option<(&'a str, &'a str)>,
    error: Option<&'a str>,
    thanks: bool,
}

fn survey_page(s: Shown<'_>, status: StatusCode) -> Response {
    let locale = s.locale;
    let tag = locale.tag();
    let (chosen, comment) = match (s.draft, s.answer) {
        (Some((score, comment)), _) => (score.parse::<i64>().ok(), comment.to_owned()),
        (None, Some(a)) => (Some(a.score), a.comment.clone()),
        (None, None) => (None, String::new()),
    };
    let scale = s.kind.scores();
    // Good first for satisfaction; the numbered scales run low to high.
    let scores: Vec<i64> = match s.kind {
        SurveyKind::Csat => scale.rev().collect(),
        _ => scale.collect(),
    };
    let options: String = scores
        .iter()
        .map(|&n| {
            format!(
                "<label><input type=\"radio\" name=\"score\" value=\"{n}\" required data-testid=\"survey-score-{n}\"{checked}>{label}</label>",
                checked = if chosen == Some(n) { " checked" } else { "" },
                label = esc(&answer_label(locale, s.kind, n)),
            )
        })
        .collect();
    let ends = match s.kind {
        SurveyKind::Csat => String::new(),
        SurveyKind::Ces | SurveyKind::Nps => {
            let (low, high) = if s.kind == SurveyKind::Ces {
                ("survey.ces_low", "survey.ces_high")
            } else {
                ("survey.nps_low", "survey.nps_high")
            };
            format!(
                "<p class=\"hint ends\"><span>{}</span><span>{}</span></p>",
                esc(locale.t(low)),
                esc(locale.t(high))
            )
        }
    };
    let notice = match (s.thanks, s.answer) {
        (true, _) => format!(
            "<p class=\"notice\" role=\"status\" data-testid=\"survey-thanks\">{}</p>",
            esc(locale.t("survey.thanks"))
        ),
        (false, Some(a)) => format!(
            "<p class=\"notice\" data-testid=\"survey-answered\">{}</p>",
            esc(&fill(
                locale.t("survey.answered"),
                &[("answer", &answer_label(locale, s.kind, a.score))]
            ))
        ),
        (false, None) => String::new(),
    };
    let error = s
        .error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"e-survey\" role=\"alert\" data-testid=\"survey-error\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default();
    let number = s
        .ticket
        .number
        .map(|n| format!("#{} ", locale.number(n)))
        .unwrap_or_default();
    // The subject in its own direction: "#1001 Lamba yanmıyor" stays in that order on a
    // Persian page.
    let about = fill(
        &esc(locale.t("survey.about")),
        &[(
            "subject",
            &format!(
                "<bdi>{}</bdi>",
                esc(&format!("{number}{}", s.ticket.subject))
            ),
        )],
    );
    let body = format!(
        "<h1>{title}</h1><p data-testid=\"ticket-subject\">{about}</p>{notice}\
<form class=\"form\" method=\"post\" action=\"{path}?lang={tag}\" data-testid=\"survey-form\">\
<fieldset><legend>{question}</legend><div class=\"scale\" data-testid=\"survey-scale\">{options}</div>{ends}</fieldset>\
<label for=\"f-comment\">{comment_label}</label>\
<textarea id=\"f-comment\" name=\"comment\" maxlength=\"{MAX_COMMENT}\" data-testid=\"survey-comment\">{comment}</textarea>{error}\
<button type=\"submit\" data-testid=\"survey-send\">{send}</button></form>",
        title = esc(locale.t("survey.title")),
        path = esc(s.path),
        question = esc(locale.t(&format!("survey.question_{}", s.kind.as_str()))),
        comment_label = esc(locale.t("survey.comment")),
        comment = esc(&comment),
        send = esc(locale.t("survey.send")),
    );
    page(
        status,
        Privacy::Private,
        layout(locale, locale.t("survey.title"), &body),
    )
}

pub(super) async fn show(
    State(state): State<Shared>,
    Extension(portal): Extension<Arc<Portal>>,
    Path((ticket_id, kind, token)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let locale = page_locale(&query, &headers);
    match surveyed(&state, &portal, &ticket_id, &kind, &token).await {
        Ok(Some((kind, ticket, answer))) => {
            let path = format!("/help/survey/{ticket_id}/{}/{token}", kind.as_str());
            let thanks = query
                .as_deref()
                .is_some_and(|q| q.split('&').any(|p| p == "thanks=1"));
            survey_page(
                Shown {
                    locale,
                    kind,
                    ticket: &ticket,
                    answer: answer.as_ref(),
                    path: &path,
                    draft: None,
                    error: None,
                    thanks,
                },
                StatusCode::OK,
            )
        }
        Ok(None) => not_found(locale),
        Err(e) => unavailable(locale, &e),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct AnswerForm {
    score: Option<String>,
    comment: Option<String>,
}

pub(super) async fn answer(
    State(state): State<Shared>,
    Extension(portal): Extension<Arc<Portal>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((ticket_id, kind, token)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    form: Result<Form<AnswerForm>, FormRejection>,
) -> Response {
    let locale = page_locale(&query, &headers);
    let (kind, ticket, previous) = match surveyed(&state, &portal, &ticket_id, &kind, &token).await
    {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(locale),
        Err(e) => return unavailable(locale, &e),
    };
    let path = format!("/help/survey/{ticket_id}/{}/{token}", kind.as_str());
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let score_text = form.score.clone().unwrap_or_default();
    let comment_text = form.comment.clone().unwrap_or_default();
    let back = |error: &str, status: StatusCode| {
        survey_page(
            Shown {
                locale,
                kind,
                ticket: &ticket,
                answer: previous.as_ref(),
                path: &path,
                draft: Some((&score_text, &comment_text)),
                error: Some(error),
                thanks: false,
            },
            status,
        )
    };
    let ip = addr.ip();
    let reserved = match portal.answers.reserve(ip) {
        Ok(at) => at,
        Err(wait) => {
            return limited(locale, wait, |msg| back(msg, StatusCode::TOO_MANY_REQUESTS));
        }
    };
    let score = score_text
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| kind.scores().contains(n));
    let Some(score) = score else {
        portal.answers.give_back(ip, reserved);
        return back(
            locale.t("survey.err_score"),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    if comment_text.trim().chars().count() > MAX_COMMENT {
        portal.answers.give_back(ip, reserved);
        let e = fill(
            locale.t("survey.err_comment"),
            &[("max", &locale.number(MAX_COMMENT))],
        );
        return back(&e, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let m = Mutation::RateTicket {
        ticket_id: ticket_id.clone(),
        kind,
        score,
        comment: comment_text.clone(),
        via: RatingVia::Page,
    };
    let at = crate::now_ms();
    let storage = state.storage.clone();
    match blocking(move || storage.apply_as_customer(m, None, &[], at)).await {
        Ok(version) => {
            poke(&state, version);
            let mut res = StatusCode::SEE_OTHER.into_response();
            let to = format!("{path}?lang={}&thanks=1", locale.tag());
            if let Ok(v) = HeaderValue::from_str(&to) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            super::html::secure(res.headers_mut(), Privacy::Private);
            res
        }
        Err(StorageError::Refused(d)) if d.code == ErrorCode::NotFound => not_found(locale),
        Err(StorageError::Refused(d)) => {
            portal.answers.give_back(ip, reserved);
            back(&d.message, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => {
            tracing::error!(error = %e, "survey: could not store an answer");
            back(
                locale.t("portal.err_unavailable"),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}
