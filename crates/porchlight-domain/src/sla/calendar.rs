//! Business calendars and business-time arithmetic.
//!
//! **What "business time" means.** An instant is *open* when the wall clock of the calendar's
//! time zone, read at that instant, falls inside one of the ranges of that local date's weekday,
//! and that local date is not a holiday. Business time is the *real* time (UTC milliseconds)
//! spent open. So across daylight-saving changes:
//! - spring forward (Warsaw 2025-03-30, 02:00 → 03:00): a range 01:00–05:00 that night holds
//!   3 real hours; a range starting inside the gap (02:30) opens when the clock jumps (03:00);
//! - fall back (Warsaw 2025-10-26, 03:00 → 02:00): a range 01:00–05:00 holds 5 real hours,
//!   the repeated hour 02:00–03:00 counting twice;
//! - a 24/7 calendar is plain elapsed time in every zone.
//!
//! Ranges are minute-precise, end at or before 24:00 and never cross midnight: a night shift
//! 22:00–06:00 is written as 22:00–24:00 on one day and 00:00–06:00 on the next, and ranges
//! that touch across midnight behave as one.
//!
//! Long spans are cheap: a week with no holiday and no offset change holds exactly the nominal
//! weekly minutes and is skipped in one step; other days cost a handful of time-zone look-ups.

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::DomainError;
use crate::validate::{required_text, MAX_NAME};

pub const MAX_RANGES_PER_DAY: usize = 12;
pub const MAX_HOLIDAYS: usize = 5000;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const WEEK_MS: i64 = 7 * DAY_MS;
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants business time is computed
/// between; inputs outside are clamped, and a deadline that would fall later is `i64::MAX`.
pub const MIN_MS: i64 = -62_135_596_800_000;
pub const MAX_MS: i64 = 253_402_300_799_999;

/// One open range of a day, "HH:MM" to "HH:MM" local time; the end may be "24:00".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimeRange {
    pub start: String,
    pub end: String,
}

impl TimeRange {
    pub fn new(start: &str, end: &str) -> Self {
        TimeRange {
            start: start.to_owned(),
            end: end.to_owned(),
        }
    }
}

/// The open ranges of each weekday. An empty list is a closed day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WeeklyHours {
    #[serde(default)]
    pub monday: Vec<TimeRange>,
    #[serde(default)]
    pub tuesday: Vec<TimeRange>,
    #[serde(default)]
    pub wednesday: Vec<TimeRange>,
    #[serde(default)]
    pub thursday: Vec<TimeRange>,
    #[serde(default)]
    pub friday: Vec<TimeRange>,
    #[serde(default)]
    pub saturday: Vec<TimeRange>,
    #[serde(default)]
    pub sunday: Vec<TimeRange>,
}

const DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl WeeklyHours {
    /// The same ranges on each of the given weekdays (0 = Monday … 6 = Sunday).
    pub fn on_days(days: &[usize], ranges: &[(&str, &str)]) -> Self {
        let mut w = WeeklyHours::default();
        for &d in days {
            *w.day_mut(d) = ranges.iter().map(|(s, e)| TimeRange::new(s, e)).collect();
        }
        w
    }
    /// Monday to Friday with the given ranges, the weekend closed.
    pub fn weekdays(ranges: &[(&str, &str)]) -> Self {
        Self::on_days(&[0, 1, 2, 3, 4], ranges)
    }
    /// 0 = Monday … 6 = Sunday.
    pub fn day(&self, i: usize) -> &Vec<TimeRange> {
        match i {
            0 => &self.monday,
            1 => &self.tuesday,
            2 => &self.wednesday,
            3 => &self.thursday,
            4 => &self.friday,
            5 => &self.saturday,
            _ => &self.sunday,
        }
    }
    pub fn day_mut(&mut self, i: usize) -> &mut Vec<TimeRange> {
        match i {
            0 => &mut self.monday,
            1 => &mut self.tuesday,
            2 => &mut self.wednesday,
            3 => &mut self.thursday,
            4 => &mut self.friday,
            5 => &mut self.saturday,
            _ => &mut self.sunday,
        }
    }
}

/// A whole local day on which the calendar is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Holiday {
    /// "YYYY-MM-DD", a local date of the calendar's time zone.
    pub date: String,
    pub name: String,
}

impl Holiday {
    pub fn new(date: &str, name: &str) -> Self {
        Holiday {
            date: date.to_owned(),
            name: name.to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusinessCalendar {
    pub id: String,
    pub name: String,
    /// An IANA time zone name, e.g. "Europe/Warsaw".
    pub time_zone: String,
    pub hours: WeeklyHours,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

impl BusinessCalendar {
    /// Open around the clock every day, no holidays: business time is elapsed time.
    pub fn always_open(id: &str, name: &str) -> Self {
        BusinessCalendar {
            id: id.to_owned(),
            name: name.to_owned(),
            time_zone: "UTC".to_owned(),
            hours: WeeklyHours::on_days(&[0, 1, 2, 3, 4, 5, 6], &[("00:00", "24:00")]),
            holidays: Vec::new(),
        }
    }

    /// The calendar checked and tidied: names trimmed, each day's ranges sorted, holidays
    /// sorted by date. Refuses unknown zones, malformed or overlapping ranges, a week with no
    /// open time, bad or repeated holiday dates.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.id = self.id.trim().to_owned();
        if self.id.is_empty() {
            return Err(DomainError::empty("id"));
        }
        if self.id.len() > 64 {
            return Err(DomainError::too_long("id", 64));
        }
        self.name = required_text("name", &self.name, MAX_NAME)?;
        self.time_zone = self.time_zone.trim().to_owned();
        parse_zone(&self.time_zone)?;
        let mut any_open = false;
        for d in 0..7 {
            let ranges = self.hours.day_mut(d);
            let mut parsed = parse_day(d, ranges)?;
            any_open |= !parsed.is_empty();
            parsed.sort_unstable();
            *ranges = parsed
                .iter()
                .map(|&(s, e)| TimeRange {
                    start: format_hhmm(s),
                    end: format_hhmm(e),
                })
                .collect();
        }
        if !any_open {
            return Err(DomainError::invalid(
                "hours",
                "The calendar needs at least one open range in the week.",
            ));
        }
        let dates = parse_holidays(&self.holidays)?;
        for (h, _) in self.holidays.iter_mut().zip(&dates) {
            h.date = h.date.trim().to_owned();
            h.name = required_text("holiday_name", &h.name, MAX_NAME)?;
        }
        self.holidays.sort_by(|a, b| a.date.cmp(&b.date));
        Ok(self)
    }

    /// The calendar compiled for arithmetic (validating it first).
    pub fn schedule(&self) -> Result<Schedule, DomainError> {
        Schedule::new(self)
    }
}

/// Every IANA time zone name a calendar may use, sorted.
pub fn time_zone_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect();
    names.sort_unstable();
    names
}

fn parse_zone(name: &str) -> Result<Tz, DomainError> {
    if name.is_empty() {
        return Err(DomainError::empty("time_zone"));
    }
    name.parse::<Tz>().map_err(|_| {
        DomainError::invalid(
            "time_zone",
            format!("'{name}' is not a known IANA time zone (for example Europe/Warsaw)."),
        )
    })
}

fn capitalised(day: usize) -> String {
    let n = DAY_NAMES[day];
    n[..1].to_uppercase() + &n[1..]
}

/// "HH:MM" → minutes after midnight; "24:00" only when `end`.
fn parse_hhmm(s: &str, end: bool) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let h = ((b[0] - b'0') * 10 + (b[1] - b'0')) as i64;
    let m = ((b[3] - b'0') * 10 + (b[4] - b'0')) as i64;
    if m > 59 || h > 24 || (h == 24 && (m != 0 || !end)) {
        return None;
    }
    Some(h * 60 + m)
}

fn format_hhmm(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn parse_day(day: usize, ranges: &[TimeRange]) -> Result<Vec<(i64, i64)>, DomainError> {
    let field = format!("hours.{}", DAY_NAMES[day]);
    let err = |msg: String| DomainError::invalid(&field, format!("{}: {msg}", capitalised(day)));
    if ranges.len() > MAX_RANGES_PER_DAY {
        return Err(err(format!("at most {MAX_RANGES_PER_DAY} ranges a day.")));
    }
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        let (st, en) = (r.start.trim(), r.end.trim());
        let s = parse_hhmm(st, false).ok_or_else(|| {
            err(format!(
                "'{st}' is not a start time in HH:MM form (00:00 to 23:59)."
            ))
        })?;
        let e = parse_hhmm(en, true).ok_or_else(|| {
            err(format!(
                "'{en}' is not an end time in HH:MM form (00:01 to 24:00)."
            ))
        })?;
        if s >= e {
            return Err(err(format!(
                "the range {st}–{en} must start before it ends (ranges cannot cross midnight; split them at 24:00)."
            )));
        }
        out.push((s, e));
    }
    let mut sorted = out.clone();
    sorted.sort_unstable();
    for w in sorted.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(err(format!(
                "the ranges {}–{} and {}–{} overlap.",
                format_hhmm(w[0].0),
                format_hhmm(w[0].1),
                format_hhmm(w[1].0),
                format_hhmm(w[1].1)
            )));
        }
    }
    Ok(out)
}

fn parse_holidays(holidays: &[Holiday]) -> Result<Vec<NaiveDate>, DomainError> {
    if holidays.len() > MAX_HOLIDAYS {
        return Err(DomainError::invalid(
            "holidays",
            format!("A calendar can hold at most {MAX_HOLIDAYS} holidays."),
        ));
    }
    let mut dates = Vec::with_capacity(holidays.len());
    for h in holidays {
        let t = h.date.trim();
        let d = parse_iso_date(t).ok_or_else(|| {
            DomainError::invalid(
                "holidays",
                format!("'{t}' is not a valid date (YYYY-MM-DD)."),
            )
        })?;
        dates.push(d);
    }
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(DomainError::invalid(
            "holidays",
            format!(
                "{} is listed twice among the holidays.",
                w[0].format("%Y-%m-%d")
            ),
        ));
    }
    Ok(dates)
}

pub(crate) fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let y = num(0..4)?;
    if y == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, num(5..7)?, num(8..10)?)
}

/// A calendar compiled for arithmetic: the zone parsed, ranges as minutes, holidays sorted.
/// Build one per calendar and reuse it; every method is pure.
#[derive(Debug, Clone)]
pub struct Schedule {
    id: String,
    tz: Tz,
    /// Per weekday (0 = Monday), sorted, disjoint (start, end) minutes after midnight.
    week: [Vec<(i64, i64)>; 7],
    holidays: Vec<NaiveDate>,
    /// Business milliseconds in a week with no holiday and no offset change.
    week_ms: i64,
    always_open: bool,
}

impl Schedule {
    pub fn new(cal: &BusinessCalendar) -> Result<Self, DomainError> {
        let cal = cal.clone().validated()?;
        let tz = parse_zone(&cal.time_zone)?;
        let mut week: [Vec<(i64, i64)>; 7] = Default::default();
        for (d, slot) in week.iter_mut().enumerate() {
            let mut v = parse_day(d, cal.hours.day(d))?;
            v.sort_unstable();
            // Ranges that touch (09:00–12:00, 12:00–17:00) are one open stretch.
            let mut merged: Vec<(i64, i64)> = Vec::with_capacity(v.len());
            for (s, e) in v {
                match merged.last_mut() {
                    Some(last) if last.1 == s => last.1 = e,
                    _ => merged.push((s, e)),
                }
            }
            *slot = merged;
        }
        let mut holidays = parse_holidays(&cal.holidays)?;
        holidays.sort_unstable();
        let week_ms = week
            .iter()
            .flatten()
            .map(|(s, e)| (e - s) * MINUTE_MS)
            .sum();
        let always_open = holidays.is_empty() && week.iter().all(|d| d == &[(0, 1440)]);
        Ok(Schedule {
            id: cal.id,
            tz,
            week,
            holidays,
            week_ms,
            always_open,
        })
    }

    /// Open around the clock: business time is elapsed time.
    pub fn always_open() -> Self {
        Schedule::new(&BusinessCalendar::always_open("always-open", "24/7"))
            .expect("the 24/7 calendar is valid")
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn time_zone(&self) -> Tz {
        self.tz
    }
    pub fn is_always_open(&self) -> bool {
        self.always_open
    }

    /// Whether the instant is within business hours.
    pub fn is_open_at(&self, at_ms: i64) -> bool {
        if self.always_open {
            return true;
        }
        let at = at_ms.clamp(MIN_MS, MAX_MS);
        let mut buf = Vec::new();
        self.day_intervals(self.window_date(at), &mut buf);
        buf.iter().any(|&(a, b)| a <= at && at < b)
    }

    /// The instant at which `minutes` of business time have passed since `start_ms`. Zero
    /// minutes is `start_ms` itself; otherwise the result is inside or at the end of an open
    /// range. `i64::MAX` when that lies beyond the year 9999.
    pub fn add_business_time(&self, start_ms: i64, minutes: i64) -> i64 {
        self.add_business_ms(start_ms, minutes.saturating_mul(MINUTE_MS))
    }

    /// Business minutes (whole minutes, rounded down) in `[a_ms, b_ms)`; 0 when `b_ms <= a_ms`.
    pub fn business_minutes_between(&self, a_ms: i64, b_ms: i64) -> i64 {
        self.business_ms_between(a_ms, b_ms) / MINUTE_MS
    }

    /// `add_business_time` in milliseconds.
    pub fn add_business_ms(&self, start_ms: i64, ms: i64) -> i64 {
        if ms <= 0 {
            return start_ms;
        }
        let start = start_ms.clamp(MIN_MS, MAX_MS);
        if self.always_open {
            let end = start.saturating_add(ms);
            return if end > MAX_MS { i64::MAX } else { end };
        }
        let mut rem = ms;
        let mut d = self.window_date(start);
        let mut first = true;
        let mut buf = Vec::with_capacity(8);
        loop {
            if d.year() > 9999 {
                return i64::MAX;
            }
            if !first && rem > self.week_ms && self.regular_week(d) {
                rem -= self.week_ms;
                d = add_days(d, 7);
                continue;
            }
            first = false;
            self.day_intervals(d, &mut buf);
            for &(a, b) in &buf {
                let a = a.max(start);
                if a >= b {
                    continue;
                }
                if b - a >= rem {
                    return a + rem;
                }
                rem -= b - a;
            }
            d = add_days(d, 1);
        }
    }

    /// Business milliseconds in `[a_ms, b_ms)`.
    pub fn business_ms_between(&self, a_ms: i64, b_ms: i64) -> i64 {
        let (a, b) = (a_ms.clamp(MIN_MS, MAX_MS), b_ms.clamp(MIN_MS, MAX_MS));
        if b <= a {
            return 0;
        }
        if self.always_open {
            return b - a;
        }
        let mut total = 0;
        let mut d = self.window_date(a);
        let mut first = true;
        let mut buf = Vec::with_capacity(8);
        loop {
            if d.year() > 9999 || self.day_start(d) >= b {
                return total;
            }
            let week_end = add_days(d, 7);
            if !first
                && week_end.year() <= 9999
                && self.day_start(week_end) <= b
                && self.regular_week(d)
            {
                total += self.week_ms;
                d = week_end;
                continue;
            }
            first = false;
            self.day_intervals(d, &mut buf);
            for &(s, e) in &buf {
                let (s, e) = (s.max(a), e.min(b));
                if s < e {
                    total += e - s;
                }
            }
            d = add_days(d, 1);
        }
    }

    fn offset_ms(&self, at: i64) -> i64 {
        let naive = DateTime::from_timestamp_millis(at)
            .expect("instant within chrono's range")
            .naive_utc();
        self.tz
            .offset_from_utc_datetime(&naive)
            .fix()
            .local_minus_utc() as i64
            * 1000
    }

    /// The first instant whose local wall time is at or after `date` 00:00.
    fn day_start(&self, date: NaiveDate) -> i64 {
        let midnight = NaiveDateTime::new(date, NaiveTime::MIN);
        match self.tz.from_local_datetime(&midnight) {
            LocalResult::Single(t) => t.timestamp_millis(),
            LocalResult::Ambiguous(a, b) => a.timestamp_millis().min(b.timestamp_millis()),
            LocalResult::None => {
                // Midnight falls in a spring-forward gap: the day starts when the clock jumps.
                let target = naive_ms(midnight);
                let (mut lo, mut hi) = (target - DAY_MS, target + DAY_MS);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if mid + self.offset_ms(mid) >= target {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                hi
            }
        }
    }

    /// The local date whose day window `[day_start(d), day_start(d + 1))` holds `at`.
    fn window_date(&self, at: i64) -> NaiveDate {
        let local = DateTime::from_timestamp_millis(at + self.offset_ms(at))
            .expect("instant within chrono's range")
            .date_naive();
        let mut d = local;
        while d.year() < 9999 && self.day_start(add_days(d, 1)) <= at {
            d = add_days(d, 1);
        }
        while d.year() > 1 && self.day_start(d) > at {
            d = d.pred_opt().expect("date after year 1");
        }
        d
    }

    fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.binary_search(&d).is_ok()
    }

    /// No holiday in `[d, d + 7)` and one UTC offset throughout, so the week holds exactly
    /// `week_ms` of business time.
    fn regular_week(&self, d: NaiveDate) -> bool {
        let end = add_days(d, 7);
        let i = self.holidays.partition_point(|h| *h < d);
        if self.holidays.get(i).is_some_and(|h| *h < end) {
            return false;
        }
        let start = self.day_start(d);
        if self.day_start(end) - start != WEEK_MS {
            return false;
        }
        let off = self.offset_ms(start);
        (1..=7).all(|k| self.offset_ms(start + k * DAY_MS - 1) == off)
    }

    /// The open stretches of local date `d` as sorted, disjoint UTC intervals.
    fn day_intervals(&self, d: NaiveDate, out: &mut Vec<(i64, i64)>) {
        out.clear();
        let ranges = &self.week[d.weekday().num_days_from_monday() as usize];
        if ranges.is_empty() || self.is_holiday(d) {
            return;
        }
        let (ds, de) = (self.day_start(d), self.day_start(add_days(d, 1)));
        let midnight = naive_ms(NaiveDateTime::new(d, NaiveTime::MIN));
        let mut t = ds;
        while t < de {
            // A stretch [t, seg_end) of one UTC offset.
            let off = self.offset_ms(t);
            let seg_end = if self.offset_ms(de - 1) == off {
                de
            } else {
                let (mut lo, mut hi) = (t, de - 1);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if self.offset_ms(mid) == off {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                hi
            };
            for &(s, e) in ranges {
                let a = (midnight + s * MINUTE_MS - off).max(t);
                let b = (midnight + e * MINUTE_MS - off).min(seg_end);
                if a < b {
                    match out.last_mut() {
                        Some(last) if last.1 == a => last.1 = b,
                        _ => out.push((a, b)),
                    }
                }
            }
            t = seg_end;
        }
    }
}

fn naive_ms(n: NaiveDateTime) -> i64 {
    n.and_utc().timestamp_millis()
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

/// The instant `minutes` of business time after `start_ms` (see [`Schedule::add_business_time`]).
pub fn add_business_time(cal: &Schedule, start_ms: i64, minutes: i64) -> i64 {
    cal.add_business_time(start_ms, minutes)
}

/// Whole business minutes in `[a_ms, b_ms)` (see [`Schedule::business_minutes_between`]).
pub fn business_minutes_between(cal: &Schedule, a_ms: i64, b_ms: i64) -> i64 {
    cal.business_minutes_between(a_ms, b_ms)
}
