//! The reports API, for BI tools and scripts: the overview, the people table and the
//! per-ticket figures of a period, as JSON or CSV, computed by the domain's definitions from
//! the report rows the storage keeps on write (the numbers the desktops show).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::TimeZone;
use chrono_tz::Tz;
use porchlight_domain::report_docs::{days_csv, people_csv, tickets_csv};
use porchlight_domain::reports::{PeopleBy, ReportFilter, ReportRequest};
use porchlight_domain::{Channel, DomainError, Priority};
use serde::Deserialize;

use crate::http::{query_failure, Failure, SignedIn};
use crate::state::Shared;
use crate::storage::{blocking, StorageError};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/api/v1/reports/overview", get(overview))
        .route("/api/v1/reports/people", get(people))
        .route("/api/v1/reports/tickets", get(tickets))
}

/// A report's query string. Lists are comma-separated; `from` and `to` are dates
/// (`2026-11-01`, midnight in `tz`; `to` is the first day not counted) or UTC milliseconds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    from: String,
    to: String,
    tz: Option<String>,
    business_hours: Option<bool>,
    group: Option<String>,
    agent: Option<String>,
    channel: Option<String>,
    mailbox: Option<String>,
    priority: Option<String>,
    tag: Option<String>,
    language: Option<String>,
    /// `json` (the default) or `csv`.
    format: Option<String>,
    /// The people table's lines: `agent` (the default) or `group`.
    by: Option<String>,
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parsed<T>(
    v: &Option<String>,
    field: &str,
    parse: fn(&str, &str) -> Result<T, DomainError>,
) -> Result<Vec<T>, DomainError> {
    list(v).iter().map(|s| parse(field, s)).collect()
}

/// An instant of the query: UTC milliseconds, or a date's midnight in `tz`.
fn instant(field: &str, v: &str, tz: Tz) -> Result<i64, DomainError> {
    if let Ok(ms) = v.parse::<i64>() {
        return Ok(ms);
    }
    let date = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        DomainError::invalid(
            field,
            format!("'{v}' is neither a date (YYYY-MM-DD) nor milliseconds since 1970."),
        )
    })?;
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    // A midnight a clock change skips starts the day at the first instant that exists.
    let local = tz
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .ok_or_else(|| DomainError::invalid(field, format!("'{v}' has no midnight in {tz}.")))?;
    Ok(local.timestamp_millis())
}

impl ReportQuery {
    fn request(&self) -> Result<ReportRequest, DomainError> {
        let time_zone = self.tz.clone().unwrap_or_else(|| "UTC".into());
        let tz: Tz = time_zone.parse().map_err(|_| {
            DomainError::invalid("tz", format!("'{time_zone}' is not a known time zone."))
        })?;
        let req = ReportRequest {
            from: instant("from", &self.from, tz)?,
            to: instant("to", &self.to, tz)?,
            time_zone,
            business_hours: self.business_hours.unwrap_or(false),
            filter: ReportFilter {
                group_ids: list(&self.group),
                agent_ids: list(&self.agent),
                channels: parsed(&self.channel, "channel", Channel::parse)?,
                mailbox_ids: list(&self.mailbox),
                priorities: parsed(&self.priority, "priority", Priority::parse)?,
                tags: list(&self.tag),
                languages: list(&self.language),
            },
        };
        req.validated()?;
        Ok(req)
    }

    fn csv(&self) -> Result<bool, DomainError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(DomainError::invalid(
                "format",
                format!("'{other}' is not a format; expected json or csv."),
            )),
        }
    }
}

fn invalid(e: DomainError) -> Failure {
    Failure::from(StorageError::Refused(e))
}

/// The query, checked: a bad value is refused naming its field.
fn checked(
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<(ReportQuery, ReportRequest, bool), Failure> {
    let Query(q) = q.map_err(query_failure)?;
    let req = q.request().map_err(invalid)?;
    let csv = q.csv().map_err(invalid)?;
    Ok((q, req, csv))
}

/// A report's CSV form, when asked for: the file's name and how the report becomes CSV.
type AsCsv<'a, T> = Option<(&'a str, fn(&T) -> String)>;

/// Computes a report from the storage and answers it as JSON, or as CSV.
async fn answer<T: serde::Serialize + Send + 'static>(
    state: &Shared,
    csv: AsCsv<'_, T>,
    compute: impl FnOnce(&crate::storage::Storage) -> crate::storage::StorageResult<T> + Send + 'static,
) -> Result<Response, Failure> {
    let storage = state.storage.clone();
    let report = blocking(move || compute(&storage)).await?;
    Ok(match csv {
        Some((file, to_csv)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}.csv\""),
                ),
            ],
            to_csv(&report),
        )
            .into_response(),
        None => Json(report).into_response(),
    })
}

/// The overview (JSON), or its tickets per day (CSV).
async fn overview(
    State(state): State<Shared>,
    _who: SignedIn,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Failure> {
    let (_, req, csv) = checked(q)?;
    let csv = csv.then_some(("overview-days", days_csv as fn(&_) -> String));
    answer(&state, csv, move |s| s.report_overview(&req)).await
}

/// The people table, per agent or per group.
async fn people(
    State(state): State<Shared>,
    _who: SignedIn,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Failure> {
    let (q, req, csv) = checked(q)?;
    let by = match q.by.as_deref() {
        None | Some("agent") => PeopleBy::Agent,
        Some("group") => PeopleBy::Group,
        Some(other) => {
            return Err(invalid(DomainError::invalid(
                "by",
                format!("'{other}' is not a line kind; expected agent or group."),
            )))
        }
    };
    let csv = csv.then_some(("people", (|r: &Vec<_>| people_csv(r)) as fn(&_) -> String));
    answer(&state, csv, move |s| s.report_people(&req, by)).await
}

/// Every ticket created, first answered or solved in the period, with its figures.
async fn tickets(
    State(state): State<Shared>,
    _who: SignedIn,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Failure> {
    let (_, req, csv) = checked(q)?;
    let csv = csv.then_some(("tickets", (|l: &Vec<_>| tickets_csv(l)) as fn(&_) -> String));
    answer(&state, csv, move |s| s.report_tickets(&req)).await
}
