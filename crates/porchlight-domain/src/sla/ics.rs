//! Holidays from an iCalendar (RFC 5545) file, e.g. a public-holiday feed exported from a
//! calendar app.
//!
//! Read: each VEVENT's DTSTART (a DATE, or a DATE-TIME whose date as written is taken as the
//! local date — time zones are not converted), DTEND (exclusive; a DATE-TIME end at 00:00:00
//! ends the day before) or DURATION in days/weeks, SUMMARY (unescaped) as the name, and
//! STATUS:CANCELLED events skipped. Folded lines are unfolded, LF and CRLF both accepted.
//! RRULE is read for the common yearly holiday (`FREQ=YEARLY` with COUNT or UNTIL, no BY…
//! parts); other recurrences are refused with a clear error rather than silently ignored.
//! The result is sorted by date, one holiday per date (the first name wins).

use chrono::{Datelike, Days, NaiveDate};

use crate::error::DomainError;
use crate::sla::calendar::{Holiday, MAX_HOLIDAYS};

/// Largest file accepted.
pub const MAX_ICS_BYTES: usize = 2 * 1024 * 1024;
/// Longest single event (a multi-day closure).
pub const MAX_EVENT_DAYS: i64 = 366;
/// Most yearly repetitions of one event.
pub const MAX_YEARLY_COUNT: u32 = 100;

fn err(message: String) -> DomainError {
    DomainError::invalid("ics", message)
}

/// One logical line: its 1-based number in the file, name, parameters, value.
struct Prop<'a> {
    line: usize,
    name: String,
    params: Vec<(String, String)>,
    value: &'a str,
}

#[derive(Default)]
struct Event {
    line: usize,
    start: Option<(NaiveDate, bool)>,
    end: Option<(NaiveDate, bool, bool)>,
    duration_days: Option<i64>,
    summary: Option<String>,
    cancelled: bool,
    rrule: Option<(usize, String)>,
}

pub fn holidays_from_ics(text: &str) -> Result<Vec<Holiday>, DomainError> {
    if text.len() > MAX_ICS_BYTES {
        return Err(err(format!(
            "The calendar file is too large (at most {} MiB).",
            MAX_ICS_BYTES / 1024 / 1024
        )));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = unfold(text);
    if !lines
        .iter()
        .any(|(_, l)| l.trim_end().eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(err(
            "This is not an iCalendar file (no BEGIN:VCALENDAR line).".to_owned(),
        ));
    }
    let mut out: Vec<(NaiveDate, String)> = Vec::new();
    let mut event: Option<Event> = None;
    // Components nested inside a VEVENT (VALARM) whose properties are not the event's.
    let mut nested: Vec<String> = Vec::new();
    for (line_no, raw) in &lines {
        let line = raw.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            continue;
        }
        let prop = parse_line(*line_no, line)?;
        match prop.name.as_str() {
            "BEGIN" => {
                let what = prop.value.trim().to_ascii_uppercase();
                if what == "VEVENT" {
                    if event.is_some() {
                        return Err(err(format!(
                            "Line {line_no}: an event begins inside another event."
                        )));
                    }
                    event = Some(Event {
                        line: *line_no,
                        ..Event::default()
                    });
                } else if event.is_some() {
                    nested.push(what);
                }
                continue;
            }
            "END" => {
                let what = prop.value.trim().to_ascii_uppercase();
                if !nested.is_empty() {
                    if nested.last() == Some(&what) {
                        nested.pop();
                    }
                    continue;
                }
                if what == "VEVENT" {
                    let ev = event.take().ok_or_else(|| {
                        err(format!(
                            "Line {line_no}: END:VEVENT without a BEGIN:VEVENT."
                        ))
                    })?;
                    expand(ev, &mut out)?;
                    if out.len() > MAX_HOLIDAYS * 4 {
                        return Err(err(format!(
                            "The file holds too many holiday days (at most {MAX_HOLIDAYS})."
                        )));
                    }
                }
                continue;
            }
            _ => {}
        }
        let Some(ev) = event.as_mut() else { continue };
        if !nested.is_empty() {
            continue;
        }
        match prop.name.as_str() {
            "DTSTART" => ev.start = Some(parse_date_value(&prop)?),
            "DTEND" => {
                let (d, is_date) = parse_date_value(&prop)?;
                ev.end = Some((d, is_date, midnight_value(prop.value)));
            }
            "DURATION" => ev.duration_days = Some(parse_duration(&prop)?),
            "SUMMARY" => ev.summary = Some(unescape(prop.value)),
            "STATUS" => ev.cancelled = prop.value.trim().eq_ignore_ascii_case("CANCELLED"),
            "RRULE" => ev.rrule = Some((prop.line, prop.value.trim().to_ascii_uppercase())),
            _ => {}
        }
    }
    if let Some(ev) = event {
        return Err(err(format!(
            "The event that begins on line {} has no END:VEVENT.",
            ev.line
        )));
    }
    out.sort_by_key(|(d, _)| *d);
    out.dedup_by_key(|(d, _)| *d);
    if out.len() > MAX_HOLIDAYS {
        return Err(err(format!(
            "The file holds too many holiday days (at most {MAX_HOLIDAYS})."
        )));
    }
    Ok(out
        .into_iter()
        .map(|(d, name)| Holiday {
            date: d.format("%Y-%m-%d").to_string(),
            name,
        })
        .collect())
}

/// Lines with their numbers; a line starting with a space or tab continues the previous one.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        match (line.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some(last)) => last.1.push_str(rest),
            _ => out.push((i + 1, line.to_owned())),
        }
    }
    out
}

fn parse_line(line_no: usize, line: &str) -> Result<Prop<'_>, DomainError> {
    // The value starts at the first ':' outside a quoted parameter value.
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon.ok_or_else(|| {
        err(format!(
            "Line {line_no}: expected NAME:VALUE, found '{}'.",
            shorten(line)
        ))
    })?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next().unwrap_or("").trim().to_ascii_uppercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(err(format!(
            "Line {line_no}: '{}' is not a property name.",
            shorten(head)
        )));
    }
    let params = parts
        .filter_map(|p| {
            p.split_once('=').map(|(k, v)| {
                (
                    k.trim().to_ascii_uppercase(),
                    v.trim().trim_matches('"').to_owned(),
                )
            })
        })
        .collect();
    Ok(Prop {
        line: line_no,
        name,
        params,
        value,
    })
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).collect::<String>() + "…"
    } else {
        s.to_owned()
    }
}

/// A DATE (`20251225`) or DATE-TIME (`20251225T090000`, `…Z`) value → (date, is_date).
fn parse_date_value(p: &Prop) -> Result<(NaiveDate, bool), DomainError> {
    let v = p.value.trim();
    let bad = || {
        err(format!(
            "Line {}: {} '{}' is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS).",
            p.line,
            p.name,
            shorten(v)
        ))
    };
    let value_date = p
        .params
        .iter()
        .any(|(k, v)| k == "VALUE" && v.eq_ignore_ascii_case("DATE"));
    let (date_part, rest) = v.split_at(v.len().min(8));
    let is_date = rest.is_empty();
    if value_date && !is_date {
        return Err(bad());
    }
    if !is_date {
        let time = rest.strip_prefix('T').ok_or_else(bad)?;
        let time = time.strip_suffix('Z').unwrap_or(time);
        if time.len() != 6 || !time.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
    }
    if date_part.len() != 8 || !date_part.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let y: i32 = date_part[..4].parse().map_err(|_| bad())?;
    let m: u32 = date_part[4..6].parse().map_err(|_| bad())?;
    let d: u32 = date_part[6..].parse().map_err(|_| bad())?;
    if y == 0 {
        return Err(bad());
    }
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)?;
    Ok((date, is_date))
}

/// Whether a DATE-TIME value is at 00:00:00.
fn midnight_value(v: &str) -> bool {
    let v = v.trim();
    v.len() >= 15 && &v[9..15] == "000000"
}

/// `P3D`, `P1W`, `PT24H`-style durations, counted in whole days (a partial day counts as one).
fn parse_duration(p: &Prop) -> Result<i64, DomainError> {
    let v = p.value.trim().to_ascii_uppercase();
    let bad = || {
        err(format!(
            "Line {}: DURATION '{}' is not a positive duration such as P1D.",
            p.line,
            shorten(&v)
        ))
    };
    let body = v.strip_prefix('P').ok_or_else(bad)?;
    let (mut secs, mut num, mut in_time, mut any) = (0i64, String::new(), false, false);
    for c in body.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            if num.len() > 6 {
                return Err(bad());
            }
            continue;
        }
        if c == 'T' {
            in_time = true;
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        any = true;
        secs += n * match (c, in_time) {
            ('W', false) => 7 * 86_400,
            ('D', false) => 86_400,
            ('H', true) => 3600,
            ('M', true) => 60,
            ('S', true) => 1,
            _ => return Err(bad()),
        };
    }
    if !any || !num.is_empty() || secs <= 0 {
        return Err(bad());
    }
    Ok((secs + 86_399) / 86_400)
}

fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn expand(ev: Event, out: &mut Vec<(NaiveDate, String)>) -> Result<(), DomainError> {
    if ev.cancelled {
        return Ok(());
    }
    let (start, start_is_date) = ev.start.ok_or_else(|| {
        err(format!(
            "The event that begins on line {} has no DTSTART.",
            ev.line
        ))
    })?;
    // Number of days covered.
    let days = match (ev.end, ev.duration_days) {
        (Some((end, end_is_date, end_midnight)), _) => {
            let last = if end_is_date || end_midnight {
                end.pred_opt().unwrap_or(end)
            } else {
                end
            };
            let n = (last - start).num_days() + 1;
            if n < 1 {
                if end_is_date && start_is_date || end < start {
                    return Err(err(format!(
                        "The event that begins on line {} ends before it starts.",
                        ev.line
                    )));
                }
                1
            } else {
                n
            }
        }
        (None, Some(d)) => d.max(1),
        (None, None) => 1,
    };
    if days > MAX_EVENT_DAYS {
        return Err(err(format!(
            "The event that begins on line {} lasts more than {MAX_EVENT_DAYS} days.",
            ev.line
        )));
    }
    let name = ev
        .summary
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "Holiday".to_owned());
    let name: String = name.chars().take(crate::validate::MAX_NAME).collect();
    let starts = match ev.rrule {
        None => vec![start],
        Some((line, rule)) => yearly_starts(line, &rule, start)?,
    };
    for s in starts {
        for k in 0..days {
            if let Some(d) = s.checked_add_days(Days::new(k as u64)) {
                out.push((d, name.clone()));
            }
        }
    }
    Ok(())
}

fn yearly_starts(line: usize, rule: &str, start: NaiveDate) -> Result<Vec<NaiveDate>, DomainError> {
    let unsupported = || {
        err(format!(
            "Line {line}: only yearly repeats with COUNT or UNTIL are supported (RRULE:FREQ=YEARLY;COUNT=5); list other recurring holidays one by one."
        ))
    };
    let (mut yearly, mut count, mut until, mut interval) = (false, None, None, 1i32);
    for part in rule.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(unsupported)?;
        match k {
            "FREQ" => yearly = v == "YEARLY",
            "COUNT" => count = Some(v.parse::<u32>().map_err(|_| unsupported())?),
            "UNTIL" => {
                let p = Prop {
                    line,
                    name: "UNTIL".to_owned(),
                    params: Vec::new(),
                    value: v,
                };
                until = Some(parse_date_value(&p)?.0);
            }
            "INTERVAL" => interval = v.parse::<i32>().map_err(|_| unsupported())?,
            "WKST" => {}
            _ => return Err(unsupported()),
        }
    }
    if !yearly || interval < 1 || (count.is_none() && until.is_none()) {
        return Err(unsupported());
    }
    if count.is_some_and(|c| c == 0 || c > MAX_YEARLY_COUNT) {
        return Err(err(format!(
            "Line {line}: COUNT must be between 1 and {MAX_YEARLY_COUNT}."
        )));
    }
    let mut out = Vec::new();
    let mut year = start.year();
    // Without COUNT, one more than the limit tells a too-long UNTIL apart from one that fits.
    let limit = count.unwrap_or(MAX_YEARLY_COUNT + 1) as usize;
    while out.len() < limit {
        // A 29 February start repeats only in leap years (RFC 5545: invalid dates are skipped).
        if let Some(d) = NaiveDate::from_ymd_opt(year, start.month(), start.day()) {
            if until.is_some_and(|u| d > u) {
                break;
            }
            out.push(d);
        }
        year += interval;
        if year > 9999 {
            break;
        }
    }
    if out.len() > MAX_YEARLY_COUNT as usize {
        return Err(err(format!(
            "Line {line}: a yearly repeat may cover at most {MAX_YEARLY_COUNT} years."
        )));
    }
    Ok(out)
}
