//! The SLA engine against hand-computed deadlines.
//!
//! Every expected instant below is written as a local date-time with the UTC offset in force
//! there, worked out by hand from the calendar (weekdays, holidays) and the zone's rules:
//! Europe/Warsaw CET +01:00 / CEST +02:00 (2025: summer time from Sun 30 March 02:00 → 03:00,
//! back on Sun 26 October 03:00 → 02:00); America/New_York EST −05:00 / EDT −04:00 (2025:
//! Sun 9 March 02:00 → 03:00, Sun 2 November 02:00 → 01:00); Asia/Tehran +03:30 all year (no
//! DST since 2022); Europe/Istanbul +03:00 all year (since 2016). The literals are parsed with
//! their own offsets, never converted through the time-zone database.

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use proptest::prelude::*;

use super::*;
use crate::error::ErrorCode;
use crate::model::{Channel, Priority, TicketStatus};

/// "2025-03-28 16:00 +01:00" → UTC milliseconds.
fn t(s: &str) -> i64 {
    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M %:z")
        .unwrap_or_else(|e| panic!("bad literal {s}: {e}"))
        .timestamp_millis()
}

fn show(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}

const THR_ICS: &str = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Porchlight test//EN\n\
BEGIN:VEVENT\nUID:nowruz-1404\nDTSTART;VALUE=DATE:20250321\nDTEND;VALUE=DATE:20250325\n\
SUMMARY:Nowruz\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250401\nSUMMARY:Islamic Republic Day\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250402\nSUMMARY:Nature Day\nEND:VEVENT\n\
END:VCALENDAR\n";

/// CRLF, a folded SUMMARY, a date-time DTSTART/DTEND (Nov 11), an escaped comma, an alarm
/// inside an event and a cancelled event.
const WAW_ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251224\r\nDTEND;VALUE=DATE:20251227\r\n\
SUMMARY:Christmas \r\n Eve and Christmas\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\n\
DTSTART:20990101\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;TZID=Europe/Warsaw:20251111T000000\r\n\
DTEND;TZID=Europe/Warsaw:20251112T000000\r\nSUMMARY:Independence Day\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART:20260101\r\nSUMMARY:New Year\\, 2026\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251124\r\nSUMMARY:Moved\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

fn calendar(key: &str) -> BusinessCalendar {
    let hol = |v: &[(&str, &str)]| v.iter().map(|(d, n)| Holiday::new(d, n)).collect();
    let (zone, hours, holidays): (&str, WeeklyHours, Vec<Holiday>) = match key {
        "WAW" => (
            "Europe/Warsaw",
            WeeklyHours::weekdays(&[("09:00", "17:00")]),
            hol(&[
                ("2025-04-21", "Easter Monday"),
                ("2025-05-01", "Labour Day"),
                ("2025-05-03", "Constitution Day"),
                ("2025-11-11", "Independence Day"),
                ("2025-12-24", "Christmas Eve"),
                ("2025-12-25", "Christmas Day"),
                ("2025-12-26", "Second Day of Christmas"),
                ("2026-01-01", "New Year"),
                ("2026-01-06", "Epiphany"),
            ]),
        ),
        "WAW_ICS" => (
            "Europe/Warsaw",
            WeeklyHours::weekdays(&[("09:00", "17:00")]),
            holidays_from_ics(WAW_ICS).unwrap(),
        ),
        "WAW_NIGHT" => (
            "Europe/Warsaw",
            WeeklyHours::on_days(&[0, 1, 2, 3, 4, 5, 6], &[("00:00", "06:00")]),
            vec![],
        ),
        // Ranges whose ends fall inside the DST hours themselves.
        "WAW_EDGE" => (
            "Europe/Warsaw",
            WeeklyHours::on_days(
                &[0, 1, 2, 3, 4, 5, 6],
                &[("02:30", "02:45"), ("02:50", "03:10"), ("23:00", "24:00")],
            ),
            vec![],
        ),
        "NY_EDGE" => (
            "America/New_York",
            WeeklyHours::on_days(
                &[0, 1, 2, 3, 4, 5, 6],
                &[("01:15", "02:30"), ("02:40", "03:05")],
            ),
            vec![],
        ),
        "NY" => (
            "America/New_York",
            WeeklyHours::weekdays(&[("08:00", "12:00"), ("13:00", "17:00")]),
            hol(&[
                ("2025-07-04", "Independence Day"),
                ("2025-11-27", "Thanksgiving"),
                ("2025-12-25", "Christmas Day"),
            ]),
        ),
        "NY_NIGHT" => (
            "America/New_York",
            WeeklyHours::on_days(&[0, 1, 2, 3, 4, 5, 6], &[("00:00", "04:00")]),
            vec![],
        ),
        "THR" => {
            let mut h = WeeklyHours::on_days(&[5, 6, 0, 1, 2], &[("08:00", "16:00")]);
            h.thursday = vec![TimeRange::new("08:00", "12:00")];
            ("Asia/Tehran", h, holidays_from_ics(THR_ICS).unwrap())
        }
        "IST" => (
            "Europe/Istanbul",
            WeeklyHours::weekdays(&[("09:00", "18:00")]),
            hol(&[
                ("2025-04-23", "National Sovereignty and Children's Day"),
                ("2025-10-29", "Republic Day"),
            ]),
        ),
        "24/7" => return BusinessCalendar::always_open("always", "Around the clock"),
        other => panic!("no calendar {other}"),
    };
    BusinessCalendar {
        id: key.to_owned(),
        name: key.to_owned(),
        time_zone: zone.to_owned(),
        hours,
        holidays,
    }
}

fn schedule(key: &str) -> Schedule {
    calendar(key).schedule().unwrap()
}

/// (calendar, start, business minutes, expected deadline, why).
const ADD_CASES: &[(&str, &str, i64, &str, &str)] = &[
    // Europe/Warsaw, Mon–Fri 09:00–17:00.
    (
        "WAW",
        "2025-03-24 10:00 +01:00",
        60,
        "2025-03-24 11:00 +01:00",
        "inside one day",
    ),
    (
        "WAW",
        "2025-03-24 16:00 +01:00",
        120,
        "2025-03-25 10:00 +01:00",
        "60 today, 60 tomorrow",
    ),
    (
        "WAW",
        "2025-03-28 16:00 +01:00",
        120,
        "2025-03-31 10:00 +02:00",
        "weekend with the spring DST change",
    ),
    (
        "WAW",
        "2025-03-24 07:30 +01:00",
        30,
        "2025-03-24 09:30 +01:00",
        "start before opening",
    ),
    (
        "WAW",
        "2025-03-28 18:00 +01:00",
        30,
        "2025-03-31 09:30 +02:00",
        "start after Friday's close",
    ),
    (
        "WAW",
        "2025-03-29 12:00 +01:00",
        480,
        "2025-03-31 17:00 +02:00",
        "start on Saturday, ends at closing",
    ),
    (
        "WAW",
        "2025-04-18 16:00 +02:00",
        120,
        "2025-04-22 10:00 +02:00",
        "Easter Monday holiday",
    ),
    (
        "WAW",
        "2025-04-30 16:30 +02:00",
        60,
        "2025-05-02 09:30 +02:00",
        "1 May holiday, 2 May worked",
    ),
    (
        "WAW",
        "2025-10-24 16:00 +02:00",
        120,
        "2025-10-27 10:00 +01:00",
        "weekend with the autumn DST change",
    ),
    (
        "WAW",
        "2025-03-24 10:00 +01:00",
        2400,
        "2025-03-31 10:00 +02:00",
        "a whole week across DST",
    ),
    (
        "WAW",
        "2025-12-23 15:00 +01:00",
        240,
        "2025-12-29 11:00 +01:00",
        "24–26 December holidays",
    ),
    (
        "WAW",
        "2025-12-01 09:00 +01:00",
        9600,
        "2025-12-31 17:00 +01:00",
        "20 working days around Christmas",
    ),
    (
        "WAW",
        "2025-03-24 17:00 +01:00",
        1,
        "2025-03-25 09:01 +01:00",
        "start exactly at closing",
    ),
    (
        "WAW",
        "2025-12-31 16:00 +01:00",
        120,
        "2026-01-02 10:00 +01:00",
        "New Year's Day",
    ),
    (
        "WAW",
        "2025-01-06 10:00 +01:00",
        4800,
        "2025-01-20 10:00 +01:00",
        "two weeks (6 Jan 2025 is not in the list)",
    ),
    // Europe/Warsaw, every night 00:00–06:00: the DST nights themselves.
    (
        "WAW_NIGHT",
        "2025-03-30 00:00 +01:00",
        300,
        "2025-03-30 06:00 +02:00",
        "spring night holds 5 real hours",
    ),
    (
        "WAW_NIGHT",
        "2025-03-30 01:30 +01:00",
        60,
        "2025-03-30 03:30 +02:00",
        "across the spring gap",
    ),
    (
        "WAW_NIGHT",
        "2025-10-26 00:00 +02:00",
        420,
        "2025-10-26 06:00 +01:00",
        "autumn night holds 7 real hours",
    ),
    (
        "WAW_NIGHT",
        "2025-10-26 02:30 +02:00",
        60,
        "2025-10-26 02:30 +01:00",
        "into the repeated hour",
    ),
    (
        "WAW_NIGHT",
        "2025-10-26 05:00 +01:00",
        120,
        "2025-10-27 01:00 +01:00",
        "after the change, into the next night",
    ),
    // Europe/Warsaw, ranges 02:30–02:45, 02:50–03:10 and 23:00–24:00 every day.
    (
        "WAW_EDGE",
        "2025-03-30 00:00 +01:00",
        10,
        "2025-03-30 03:10 +02:00",
        "a range inside the gap holds nothing, one across it opens at 03:00",
    ),
    (
        "WAW_EDGE",
        "2025-10-26 00:00 +02:00",
        45,
        "2025-10-26 02:55 +01:00",
        "repeated hour: 15 + 10, then 15 + 5 on the second pass",
    ),
    // America/New_York, ranges 01:15–02:30 and 02:40–03:05 every day.
    (
        "NY_EDGE",
        "2025-03-09 00:00 -05:00",
        50,
        "2025-03-09 03:05 -04:00",
        "01:15–02:00 EST, then 03:00–03:05 EDT",
    ),
    (
        "NY_EDGE",
        "2025-11-02 01:30 -04:00",
        75,
        "2025-11-02 02:00 -05:00",
        "30 min EDT, then 45 from the second 01:15 (EST)",
    ),
    // America/New_York, Mon–Fri 08:00–12:00 and 13:00–17:00.
    (
        "NY",
        "2025-03-03 11:30 -05:00",
        60,
        "2025-03-03 13:30 -05:00",
        "across the lunch break",
    ),
    (
        "NY",
        "2025-03-03 12:15 -05:00",
        30,
        "2025-03-03 13:30 -05:00",
        "start during lunch",
    ),
    (
        "NY",
        "2025-03-07 16:00 -05:00",
        120,
        "2025-03-10 09:00 -04:00",
        "weekend with the spring DST change",
    ),
    (
        "NY",
        "2025-10-31 16:30 -04:00",
        60,
        "2025-11-03 08:30 -05:00",
        "weekend with the autumn DST change",
    ),
    (
        "NY",
        "2025-11-26 16:00 -05:00",
        300,
        "2025-11-28 12:00 -05:00",
        "Thanksgiving; ends at the lunch break",
    ),
    (
        "NY",
        "2025-03-11 08:00 -04:00",
        480,
        "2025-03-11 17:00 -04:00",
        "one full day with lunch",
    ),
    (
        "NY",
        "2025-07-03 16:00 -04:00",
        120,
        "2025-07-07 09:00 -04:00",
        "4 July on a Friday",
    ),
    // America/New_York, every night 00:00–04:00.
    (
        "NY_NIGHT",
        "2025-03-09 00:00 -05:00",
        240,
        "2025-03-10 01:00 -04:00",
        "spring night holds 3 real hours",
    ),
    (
        "NY_NIGHT",
        "2025-11-02 00:00 -04:00",
        300,
        "2025-11-02 04:00 -05:00",
        "autumn night holds 5 real hours",
    ),
    (
        "NY_NIGHT",
        "2025-11-02 01:30 -04:00",
        60,
        "2025-11-02 01:30 -05:00",
        "into the repeated hour",
    ),
    // Asia/Tehran: Sat–Wed 08:00–16:00, Thu 08:00–12:00, Fri closed; holidays from .ics.
    (
        "THR",
        "2025-03-19 15:00 +03:30",
        120,
        "2025-03-20 09:00 +03:30",
        "Wednesday into Thursday",
    ),
    (
        "THR",
        "2025-03-20 11:00 +03:30",
        120,
        "2025-03-25 09:00 +03:30",
        "Nowruz 21–24 March (multi-day DTEND)",
    ),
    (
        "THR",
        "2025-03-25 15:00 +03:30",
        600,
        "2025-03-27 09:00 +03:30",
        "no DST on 1 Farvardin any more",
    ),
    (
        "THR",
        "2025-03-31 15:00 +03:30",
        120,
        "2025-04-03 09:00 +03:30",
        "1–2 April holidays",
    ),
    (
        "THR",
        "2025-09-19 10:00 +03:30",
        30,
        "2025-09-20 08:30 +03:30",
        "Friday closed, Saturday open",
    ),
    // Europe/Istanbul, Mon–Fri 09:00–18:00, no DST.
    (
        "IST",
        "2025-10-28 17:00 +03:00",
        120,
        "2025-10-30 10:00 +03:00",
        "Republic Day",
    ),
    (
        "IST",
        "2025-10-24 17:00 +03:00",
        120,
        "2025-10-27 10:00 +03:00",
        "Europe changes clocks, Istanbul does not",
    ),
    (
        "IST",
        "2025-04-22 17:30 +03:00",
        60,
        "2025-04-24 09:30 +03:00",
        "23 April holiday",
    ),
    // Around the clock.
    (
        "24/7",
        "2025-03-29 23:00 +01:00",
        180,
        "2025-03-30 01:00 +00:00",
        "plain elapsed time",
    ),
    (
        "24/7",
        "2025-03-09 01:00 -05:00",
        120,
        "2025-03-09 04:00 -04:00",
        "two real hours across US DST",
    ),
    // Holidays imported from .ics (CRLF, folded, date-time DTSTART).
    (
        "WAW_ICS",
        "2025-12-23 16:00 +01:00",
        120,
        "2025-12-29 10:00 +01:00",
        "24–26 December from one event",
    ),
    (
        "WAW_ICS",
        "2025-11-10 16:00 +01:00",
        120,
        "2025-11-12 10:00 +01:00",
        "11 November from a date-time",
    ),
    (
        "WAW_ICS",
        "2025-11-21 16:00 +01:00",
        120,
        "2025-11-24 10:00 +01:00",
        "cancelled event is no holiday",
    ),
];

#[test]
fn sla_add_business_time_table() {
    assert!(ADD_CASES.len() >= 40);
    let mut failures = Vec::new();
    for (key, start, minutes, expected, why) in ADD_CASES {
        let cal = schedule(key);
        let (a, want) = (t(start), t(expected));
        let got = add_business_time(&cal, a, *minutes);
        if got != want {
            failures.push(format!(
                "{key} {start} + {minutes} min ({why}): got {}, want {}",
                show(got),
                show(want)
            ));
        }
        // Zero-length cases aside, the way back must count the same minutes.
        let back = business_minutes_between(&cal, a, want);
        if back != *minutes {
            failures.push(format!(
                "{key} between {start} and {expected} ({why}): got {back} min, want {minutes}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn sla_zero_minutes_is_the_start() {
    let cal = schedule("WAW");
    let sat = t("2025-03-29 12:00 +01:00");
    assert_eq!(add_business_time(&cal, sat, 0), sat);
    assert_eq!(business_minutes_between(&cal, sat, sat), 0);
    assert_eq!(business_minutes_between(&cal, sat + 1000, sat), 0);
}

#[test]
fn sla_business_minutes_between_cases() {
    // (calendar, from, to, minutes)
    let cases: &[(&str, &str, &str, i64)] = &[
        (
            "WAW",
            "2025-03-28 12:00 +01:00",
            "2025-03-31 12:00 +02:00",
            480,
        ),
        (
            "WAW",
            "2025-03-29 00:00 +01:00",
            "2025-03-30 23:59 +02:00",
            0,
        ),
        (
            "WAW",
            "2025-01-01 00:00 +01:00",
            "2026-01-01 00:00 +01:00",
            261 * 480 - 6 * 480,
        ),
        (
            "WAW_NIGHT",
            "2025-03-29 00:00 +01:00",
            "2025-04-01 00:00 +02:00",
            360 + 300 + 360,
        ),
        (
            "WAW_NIGHT",
            "2025-10-25 00:00 +02:00",
            "2025-10-28 00:00 +01:00",
            360 + 420 + 360,
        ),
        (
            "NY",
            "2025-03-03 07:00 -05:00",
            "2025-03-03 18:00 -05:00",
            480,
        ),
        (
            "NY",
            "2025-12-22 00:00 -05:00",
            "2025-12-29 00:00 -05:00",
            4 * 480,
        ),
        (
            "24/7",
            "2025-10-26 00:00 +02:00",
            "2025-10-27 00:00 +01:00",
            25 * 60,
        ),
    ];
    // 2025 in Warsaw: 261 weekdays, 6 of the listed holidays fall on weekdays in 2025
    // (21 Apr, 1 May, 11 Nov, 24, 25, 26 Dec; 3 May is a Saturday).
    for (key, a, b, want) in cases {
        let got = business_minutes_between(&schedule(key), t(a), t(b));
        assert_eq!(got, *want, "{key} {a} → {b}");
    }
}

#[test]
fn sla_is_open_at() {
    let ny = schedule("NY");
    assert!(ny.is_open_at(t("2025-03-03 08:00 -05:00")));
    assert!(!ny.is_open_at(t("2025-03-03 12:30 -05:00")));
    assert!(!ny.is_open_at(t("2025-03-03 17:00 -05:00")));
    assert!(!ny.is_open_at(t("2025-11-27 10:00 -05:00")));
    let night = schedule("WAW_NIGHT");
    // 02:30 local exists twice on 26 October 2025; both are open.
    assert!(night.is_open_at(t("2025-10-26 02:30 +02:00")));
    assert!(night.is_open_at(t("2025-10-26 02:30 +01:00")));
    assert!(!night.is_open_at(t("2025-10-26 06:00 +01:00")));
    assert!(Schedule::always_open().is_open_at(0));
}

#[test]
fn sla_midnight_gap_zone() {
    // America/Santiago springs forward at 24:00 → 01:00 (2025-09-07 starts at 01:00 -03:00).
    let cal = BusinessCalendar {
        id: "scl".into(),
        name: "Santiago".into(),
        time_zone: "America/Santiago".into(),
        hours: WeeklyHours::on_days(&[6], &[("00:00", "03:00")]),
        holidays: vec![],
    }
    .schedule()
    .unwrap();
    // Sun 7 Sep 2025: local 00:00–01:00 does not exist; open 01:00–03:00 -03:00 = 2 hours.
    assert_eq!(
        add_business_time(&cal, t("2025-09-06 12:00 -04:00"), 120),
        t("2025-09-07 03:00 -03:00")
    );
    assert_eq!(
        business_minutes_between(
            &cal,
            t("2025-09-06 00:00 -04:00"),
            t("2025-09-08 00:00 -03:00")
        ),
        120
    );
}

#[test]
fn sla_long_spans_are_fast_and_exact() {
    // 40 years of Warsaw business days, skipped week by week.
    let cal = schedule("WAW_NIGHT");
    let a = t("2030-01-01 00:00 +01:00");
    let b = t("2070-01-01 00:00 +01:00");
    let days = (NaiveDate::from_ymd_opt(2070, 1, 1).unwrap()
        - NaiveDate::from_ymd_opt(2030, 1, 1).unwrap())
    .num_days();
    // Each night holds 6 hours, the spring one 5 and the autumn one 7: 40 of each cancel out.
    assert_eq!(business_minutes_between(&cal, a, b), days * 360);
    assert_eq!(
        add_business_time(&cal, a, days * 360),
        t("2069-12-31 06:00 +01:00")
    );
    // A target beyond the year 9999 saturates instead of looping.
    let sparse = BusinessCalendar {
        id: "sparse".into(),
        name: "One minute a week".into(),
        time_zone: "UTC".into(),
        hours: WeeklyHours::on_days(&[0], &[("09:00", "09:01")]),
        holidays: vec![],
    }
    .schedule()
    .unwrap();
    assert_eq!(add_business_time(&sparse, a, 525_600), i64::MAX);
}

// ---------------------------------------------------------------- validation

fn err_of(c: BusinessCalendar) -> (String, Option<String>) {
    let e = c.validated().unwrap_err();
    (e.message, e.field)
}

#[test]
fn sla_calendar_validation_messages() {
    let base = calendar("WAW");
    let with = |f: &dyn Fn(&mut BusinessCalendar)| {
        let mut c = base.clone();
        f(&mut c);
        err_of(c)
    };
    type Case<'a> = ((String, Option<String>), &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            with(&|c| c.time_zone = "Mars/Olympus".into()),
            "'Mars/Olympus' is not a known IANA time zone (for example Europe/Warsaw).",
            "time_zone",
        ),
        (with(&|c| c.time_zone = " ".into()), "The time zone must not be empty.", "time_zone"),
        (
            with(&|c| c.hours.monday = vec![TimeRange::new("9:00", "17:00")]),
            "Monday: '9:00' is not a start time in HH:MM form (00:00 to 23:59).",
            "hours.monday",
        ),
        (
            with(&|c| c.hours.friday = vec![TimeRange::new("09:00", "24:30")]),
            "Friday: '24:30' is not an end time in HH:MM form (00:01 to 24:00).",
            "hours.friday",
        ),
        (
            with(&|c| c.hours.sunday = vec![TimeRange::new("24:00", "24:00")]),
            "Sunday: '24:00' is not a start time in HH:MM form (00:00 to 23:59).",
            "hours.sunday",
        ),
        (
            with(&|c| c.hours.tuesday = vec![TimeRange::new("17:00", "09:00")]),
            "Tuesday: the range 17:00–09:00 must start before it ends (ranges cannot cross midnight; split them at 24:00).",
            "hours.tuesday",
        ),
        (
            with(&|c| {
                c.hours.wednesday =
                    vec![TimeRange::new("12:00", "17:00"), TimeRange::new("09:00", "13:00")]
            }),
            "Wednesday: the ranges 09:00–13:00 and 12:00–17:00 overlap.",
            "hours.wednesday",
        ),
        (
            with(&|c| c.hours = WeeklyHours::default()),
            "The calendar needs at least one open range in the week.",
            "hours",
        ),
        (
            with(&|c| c.holidays.push(Holiday::new("2025-02-30", "Nope"))),
            "'2025-02-30' is not a valid date (YYYY-MM-DD).",
            "holidays",
        ),
        (
            with(&|c| c.holidays.push(Holiday::new("2025-12-25", "Again"))),
            "2025-12-25 is listed twice among the holidays.",
            "holidays",
        ),
        (
            with(&|c| c.holidays[0].name = "  ".into()),
            "The holiday name must not be empty.",
            "holiday_name",
        ),
        (with(&|c| c.name = "".into()), "The name must not be empty.", "name"),
    ];
    for ((msg, field), want_msg, want_field) in cases {
        assert_eq!(msg, want_msg);
        assert_eq!(field.as_deref(), Some(want_field), "{want_msg}");
    }
    let e = calendar("WAW")
        .validated()
        .map(|mut c| {
            c.hours.thursday = vec![TimeRange::new("09:00", "10:00"); 13];
            c
        })
        .unwrap()
        .validated()
        .unwrap_err();
    assert_eq!(e.message, "Thursday: at most 12 ranges a day.");
    assert_eq!(e.code, ErrorCode::InvalidValue);
}

#[test]
fn sla_calendar_validated_tidies() {
    let mut c = calendar("NY");
    c.name = "  New York  ".into();
    c.hours.monday = vec![
        TimeRange::new("13:00", "17:00"),
        TimeRange::new(" 08:00", "12:00"),
    ];
    c.holidays.reverse();
    let v = c.validated().unwrap();
    assert_eq!(v.name, "New York");
    assert_eq!(
        v.hours.monday,
        vec![
            TimeRange::new("08:00", "12:00"),
            TimeRange::new("13:00", "17:00")
        ]
    );
    assert_eq!(v.holidays[0].date, "2025-07-04");
    // Touching ranges and a 24:00 end are fine; the 24/7 calendar is recognised.
    let mut c = calendar("WAW");
    c.hours.saturday = vec![
        TimeRange::new("00:00", "12:00"),
        TimeRange::new("12:00", "24:00"),
    ];
    assert!(c.validated().is_ok());
    assert!(Schedule::always_open().is_always_open());
    assert!(!schedule("WAW").is_always_open());
}

// ---------------------------------------------------------------- iCalendar

#[test]
fn sla_ics_import() {
    let h = holidays_from_ics(WAW_ICS).unwrap();
    let got: Vec<(&str, &str)> = h
        .iter()
        .map(|h| (h.date.as_str(), h.name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2025-11-11", "Independence Day"),
            ("2025-12-24", "Christmas Eve and Christmas"),
            ("2025-12-25", "Christmas Eve and Christmas"),
            ("2025-12-26", "Christmas Eve and Christmas"),
            ("2026-01-01", "New Year, 2026"),
        ]
    );
    let h = holidays_from_ics(THR_ICS).unwrap();
    let dates: Vec<&str> = h.iter().map(|h| h.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2025-03-21",
            "2025-03-22",
            "2025-03-23",
            "2025-03-24",
            "2025-04-01",
            "2025-04-02"
        ]
    );
}

#[test]
fn sla_ics_recurrence_duration_and_timed_events() {
    let ics = "BEGIN:VCALENDAR\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240229\nRRULE:FREQ=YEARLY;COUNT=2\nSUMMARY:Leap\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20251225\nRRULE:FREQ=YEARLY;UNTIL=20271231\nSUMMARY:Xmas\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250801\nDURATION:P2D\nSUMMARY:Summer\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART:20250901T090000Z\nDTEND:20250902T120000Z\nEND:VEVENT\n\
END:VCALENDAR";
    let century = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\n\
RRULE:FREQ=YEARLY;UNTIL=21241231\nEND:VEVENT\nEND:VCALENDAR";
    let h = holidays_from_ics(century).unwrap();
    assert_eq!((h.len(), h[99].date.as_str()), (100, "2124-01-01"));
    let h = holidays_from_ics(ics).unwrap();
    let got: Vec<(&str, &str)> = h
        .iter()
        .map(|h| (h.date.as_str(), h.name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2024-02-29", "Leap"),
            ("2025-08-01", "Summer"),
            ("2025-08-02", "Summer"),
            ("2025-09-01", "Holiday"),
            ("2025-09-02", "Holiday"),
            ("2025-12-25", "Xmas"),
            ("2026-12-25", "Xmas"),
            ("2027-12-25", "Xmas"),
            ("2028-02-29", "Leap"),
        ]
    );
}

#[test]
fn sla_ics_errors() {
    let wrap = |body: &str| format!("BEGIN:VCALENDAR\n{body}\nEND:VCALENDAR\n");
    let cases: Vec<(String, &str)> = vec![
        (
            "hello".into(),
            "This is not an iCalendar file (no BEGIN:VCALENDAR line).",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20251332\nEND:VEVENT"),
            "Line 3: DTSTART '20251332' is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS).",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101T100000\nEND:VEVENT"),
            "Line 3: DTSTART '20250101T100000' is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS).",
        ),
        (
            wrap("BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT"),
            "The event that begins on line 2 has no DTSTART.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART:20250101"),
            "The event that begins on line 2 has no END:VEVENT.",
        ),
        (
            wrap("BEGIN:VEVENT\nBEGIN:VEVENT\nEND:VEVENT"),
            "Line 3: an event begins inside another event.",
        ),
        (wrap("END:VEVENT"), "Line 2: END:VEVENT without a BEGIN:VEVENT."),
        (
            wrap("BEGIN:VEVENT\nno colon here\nEND:VEVENT"),
            "Line 3: expected NAME:VALUE, found 'no colon here'.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250105\nDTEND;VALUE=DATE:20250105\nEND:VEVENT"),
            "The event that begins on line 2 ends before it starts.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nDTEND;VALUE=DATE:20260201\nEND:VEVENT"),
            "The event that begins on line 2 lasts more than 366 days.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT"),
            "Line 4: only yearly repeats with COUNT or UNTIL are supported (RRULE:FREQ=YEARLY;COUNT=5); list other recurring holidays one by one.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nDURATION:PT\nEND:VEVENT"),
            "Line 4: DURATION 'PT' is not a positive duration such as P1D.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=YEARLY;UNTIL=21250101\nEND:VEVENT"),
            "Line 4: a yearly repeat may cover at most 100 years.",
        ),
        (
            wrap("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=YEARLY;COUNT=0\nEND:VEVENT"),
            "Line 4: COUNT must be between 1 and 100.",
        ),
        (
            "BEGIN:VCALENDAR\n".to_owned() + &"X".repeat(2 * 1024 * 1024),
            "The calendar file is too large (at most 2 MiB).",
        ),
    ];
    for (text, want) in cases {
        let e = holidays_from_ics(&text).unwrap_err();
        assert_eq!(e.message, want);
        assert_eq!(e.field.as_deref(), Some("ics"));
    }
}

// ---------------------------------------------------------------- policies

fn targets(first: Option<u32>, next: Option<u32>, resolution: Option<u32>) -> SlaTargets {
    SlaTargets {
        first_response: first,
        next_response: next,
        resolution,
    }
}

/// Normal: 60 / 120 / 480; high: 30 / 60 / 240; urgent: 15 / – / 120; low: – / – / 2400.
fn policy(calendar_id: Option<&str>) -> SlaPolicy {
    SlaPolicy {
        id: "p-standard".into(),
        name: "Standard".into(),
        position: 1,
        conditions: SlaConditions::default(),
        targets: SlaTargetsByPriority {
            low: targets(None, None, Some(2400)),
            normal: targets(Some(60), Some(120), Some(480)),
            high: targets(Some(30), Some(60), Some(240)),
            urgent: targets(Some(15), None, Some(120)),
        },
        calendar_id: calendar_id.map(str::to_owned),
        warning_minutes: 60,
    }
}

#[test]
fn sla_policy_selection() {
    let tags = vec!["vip".to_owned(), "refund".to_owned()];
    let facts = TicketFacts {
        priority: Priority::High,
        channel: Channel::Email,
        group_id: Some("g-billing"),
        organization_id: Some("o-acme"),
        tags: &tags,
    };
    let mk = |id: &str, position: i64, c: SlaConditions| SlaPolicy {
        id: id.into(),
        position,
        conditions: c,
        ..policy(None)
    };
    let policies = vec![
        mk("catch-all", 100, SlaConditions::default()),
        mk(
            "phone-only",
            1,
            SlaConditions {
                channels: vec![Channel::Phone],
                ..Default::default()
            },
        ),
        mk(
            "acme-vip",
            5,
            SlaConditions {
                organization_ids: vec!["o-acme".into()],
                tags_any: vec!["gold".into(), "vip".into()],
                priorities: vec![Priority::High, Priority::Urgent],
                group_ids: vec!["g-billing".into()],
                channels: vec![Channel::Email, Channel::Web],
            },
        ),
        mk(
            "acme-b",
            5,
            SlaConditions {
                organization_ids: vec!["o-acme".into()],
                ..Default::default()
            },
        ),
    ];
    // Position 1 does not match (phone); at position 5 "acme-b" < "acme-vip" by id.
    assert_eq!(choose_policy(&policies, &facts).unwrap().id, "acme-b");
    let without_b: Vec<SlaPolicy> = policies
        .iter()
        .filter(|p| p.id != "acme-b")
        .cloned()
        .collect();
    assert_eq!(choose_policy(&without_b, &facts).unwrap().id, "acme-vip");
    // Each condition of acme-vip failing on its own falls through to the catch-all.
    let no_tags: Vec<String> = vec!["other".into()];
    let variants = [
        TicketFacts {
            priority: Priority::Normal,
            ..facts
        },
        TicketFacts {
            channel: Channel::Chat,
            ..facts
        },
        TicketFacts {
            group_id: None,
            ..facts
        },
        TicketFacts {
            organization_id: Some("o-other"),
            ..facts
        },
        TicketFacts {
            tags: &no_tags,
            ..facts
        },
    ];
    for v in variants {
        assert_eq!(choose_policy(&without_b, &v).unwrap().id, "catch-all");
    }
    assert!(choose_policy(&without_b[1..2], &facts).is_none());
    assert!(choose_policy(&[], &facts).is_none());
}

#[test]
fn sla_policy_validation_messages() {
    let mut p = policy(Some("WAW"));
    p.targets.high.first_response = Some(0);
    let e = p.validated().unwrap_err();
    assert_eq!(
        e.message,
        "The first response target for high priority must be between 1 minute and 525600 minutes (a year)."
    );
    assert_eq!(e.field.as_deref(), Some("targets.high.first_response"));

    let mut p = policy(None);
    p.targets = SlaTargetsByPriority::default();
    let e = p.validated().unwrap_err();
    assert_eq!(e.message, "An SLA policy needs at least one target.");
    assert_eq!(e.field.as_deref(), Some("targets"));

    let mut p = policy(None);
    p.name = " ".into();
    assert_eq!(
        p.validated().unwrap_err().message,
        "The name must not be empty."
    );

    let mut p = policy(None);
    p.conditions.tags_any = vec!["a:b".into()];
    assert_eq!(
        p.validated().unwrap_err().message,
        "'a:b' cannot contain commas, colons or quotes."
    );

    let mut p = policy(None);
    p.conditions.group_ids = vec!["".into()];
    assert_eq!(
        p.validated().unwrap_err().message,
        "The group ids must not be empty."
    );

    let mut p = policy(Some(" WAW "));
    p.conditions.tags_any = vec![" VIP ".into(), "vip".into()];
    p.conditions.priorities = vec![Priority::High, Priority::High];
    p.targets.low.resolution = Some(525_600);
    let v = p.validated().unwrap();
    assert_eq!(v.conditions.tags_any, vec!["vip".to_owned()]);
    assert_eq!(v.conditions.priorities, vec![Priority::High]);
    assert_eq!(v.calendar_id.as_deref(), Some("WAW"));
}

// ---------------------------------------------------------------- the clock

fn timeline(created: &str, priority: Priority, events: Vec<SlaEvent>) -> SlaTimeline {
    SlaTimeline {
        created_at: t(created),
        status: TicketStatus::New,
        priority,
        events,
    }
}
fn status(at: &str, status: TicketStatus) -> SlaEvent {
    SlaEvent::Status { at: t(at), status }
}
fn prio(at: &str, priority: Priority) -> SlaEvent {
    SlaEvent::Priority {
        at: t(at),
        priority,
    }
}
fn customer(at: &str) -> SlaEvent {
    SlaEvent::CustomerMessage { at: t(at) }
}
fn reply(at: &str) -> SlaEvent {
    SlaEvent::AgentReply { at: t(at) }
}

fn run(cal: &str, tl: SlaTimeline) -> SlaState {
    sla_deadlines(&policy(Some(cal)), &schedule(cal), &tl)
}

fn deadline(m: &SlaMetric) -> Option<i64> {
    m.deadline
}

/// (name, state, metric, expected deadline as a literal or None, expected phase).
type ClockCase = (
    &'static str,
    SlaState,
    fn(&SlaState) -> &SlaMetric,
    Option<&'static str>,
    SlaPhase,
);

fn first(s: &SlaState) -> &SlaMetric {
    &s.first_response
}
fn next(s: &SlaState) -> &SlaMetric {
    &s.next_response
}
fn resolution(s: &SlaState) -> &SlaMetric {
    &s.resolution
}

#[test]
fn sla_clock_table() {
    use Priority::*;
    use TicketStatus::*;
    let c1 = run("WAW", timeline("2025-03-24 16:30 +01:00", Normal, vec![]));
    let c2 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![
                reply("2025-03-24 09:30 +01:00"),
                status("2025-03-24 10:00 +01:00", Pending),
                customer("2025-03-26 11:00 +01:00"),
                status("2025-03-26 11:00 +01:00", Open),
            ],
        ),
    );
    let c3 = run(
        "WAW",
        timeline(
            "2025-03-28 09:00 +01:00",
            Normal,
            vec![
                status("2025-03-28 13:00 +01:00", OnHold),
                status("2025-04-01 09:00 +02:00", Open),
            ],
        ),
    );
    let c3_held = run(
        "WAW",
        timeline(
            "2025-03-28 09:00 +01:00",
            Normal,
            vec![status("2025-03-28 13:00 +01:00", OnHold)],
        ),
    );
    let c4 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![
                reply("2025-03-24 09:10 +01:00"),
                status("2025-03-24 12:00 +01:00", Solved),
                customer("2025-03-27 15:00 +01:00"),
                status("2025-03-27 15:00 +01:00", Open),
            ],
        ),
    );
    let c5 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![prio("2025-03-24 09:20 +01:00", High)],
        ),
    );
    let c6 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![prio("2025-03-24 09:45 +01:00", Urgent)],
        ),
    );
    let c7 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![
                reply("2025-03-24 09:30 +01:00"),
                customer("2025-03-24 10:00 +01:00"),
                customer("2025-03-24 11:00 +01:00"),
            ],
        ),
    );
    let mut c7_events = c7_events_full();
    let c7b = run(
        "WAW",
        timeline("2025-03-24 09:00 +01:00", Normal, c7_events.clone()),
    );
    c7_events.truncate(4);
    let c7a = run(
        "WAW",
        timeline("2025-03-24 09:00 +01:00", Normal, c7_events),
    );
    let c9 = sla_deadlines(
        &policy(None),
        &Schedule::always_open(),
        &timeline("2025-03-29 22:00 +01:00", Normal, vec![]),
    );
    let c10 = run(
        "NY",
        timeline(
            "2025-10-31 15:00 -04:00",
            High,
            vec![
                status("2025-10-31 16:00 -04:00", Pending),
                status("2025-11-03 08:00 -05:00", Open),
            ],
        ),
    );
    let c11 = run(
        "THR",
        timeline(
            "2025-03-20 11:30 +03:30",
            Low,
            vec![reply("2025-03-20 11:40 +03:30")],
        ),
    );
    let c12 = run(
        "WAW_ICS",
        timeline(
            "2025-12-23 16:30 +01:00",
            High,
            vec![prio("2025-12-29 09:10 +01:00", Normal)],
        ),
    );
    // Normal → low (no first-response target) → high: measured from the start, 90 > 30.
    let c13 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![
                prio("2025-03-24 09:20 +01:00", Low),
                prio("2025-03-24 10:30 +01:00", High),
            ],
        ),
    );
    let c13_low = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Normal,
            vec![prio("2025-03-24 09:20 +01:00", Low)],
        ),
    );
    // Low → normal at 09:40: first response due 60 minutes after creation.
    let c14 = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Low,
            vec![prio("2025-03-24 09:40 +01:00", Normal)],
        ),
    );
    // Closed, then a follow-up reopens it: resolution resumes from 8 minutes accumulated
    // (Fri 16:52–17:00), 472 left from Mon 09:00 → Mon 16:52, in New York after fall back.
    let c15 = run(
        "NY",
        timeline(
            "2025-10-31 16:52 -04:00",
            Normal,
            vec![
                reply("2025-10-31 16:55 -04:00"),
                status("2025-11-01 10:00 -04:00", Closed),
                customer("2025-11-02 23:00 -05:00"),
                status("2025-11-02 23:00 -05:00", Open),
            ],
        ),
    );

    let cases: Vec<ClockCase> = vec![
        (
            "C1 first response overnight",
            c1.clone(),
            first,
            Some("2025-03-25 09:30 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C1 resolution overnight",
            c1.clone(),
            resolution,
            Some("2025-03-25 16:30 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C1 no next response yet",
            c1.clone(),
            next,
            None,
            SlaPhase::Inactive,
        ),
        (
            "C2 first response met",
            c2.clone(),
            first,
            None,
            SlaPhase::Met,
        ),
        (
            "C2 next response after pending",
            c2.clone(),
            next,
            Some("2025-03-26 13:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C2 resolution resumes after pending",
            c2.clone(),
            resolution,
            Some("2025-03-27 10:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C3 on hold over weekend + DST",
            c3.clone(),
            resolution,
            Some("2025-04-01 13:00 +02:00"),
            SlaPhase::Running,
        ),
        (
            "C3 paused has no deadline",
            c3_held.clone(),
            resolution,
            None,
            SlaPhase::Paused,
        ),
        (
            "C4 reopen resumes accumulated",
            c4.clone(),
            resolution,
            Some("2025-03-28 12:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C4 reopening message starts next response",
            c4.clone(),
            next,
            Some("2025-03-27 17:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C5 priority raised midway",
            c5.clone(),
            first,
            Some("2025-03-24 09:30 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C5 resolution at the high target",
            c5.clone(),
            resolution,
            Some("2025-03-24 13:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C6 raised past the new target",
            c6.clone(),
            first,
            Some("2025-03-24 09:45 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C6 urgent has no next response",
            c6.clone(),
            next,
            None,
            SlaPhase::Inactive,
        ),
        (
            "C7 second message keeps the first deadline",
            c7.clone(),
            next,
            Some("2025-03-24 12:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C7 late reply then a new cycle",
            c7b.clone(),
            next,
            Some("2025-03-24 16:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C7 reply met the cycle",
            c7a.clone(),
            next,
            None,
            SlaPhase::Met,
        ),
        (
            "C9 24/7 first response",
            c9.clone(),
            first,
            Some("2025-03-29 23:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C9 24/7 resolution across DST",
            c9.clone(),
            resolution,
            Some("2025-03-30 07:00 +02:00"),
            SlaPhase::Running,
        ),
        (
            "C10 New York pending across fall back",
            c10.clone(),
            resolution,
            Some("2025-11-03 11:00 -05:00"),
            SlaPhase::Running,
        ),
        (
            "C11 Tehran low priority: no first response target",
            c11.clone(),
            first,
            None,
            SlaPhase::Met,
        ),
        (
            "C11 Tehran resolution over Nowruz",
            c11.clone(),
            resolution,
            Some("2025-03-31 11:30 +03:30"),
            SlaPhase::Running,
        ),
        (
            "C12 lowered after Christmas (.ics)",
            c12.clone(),
            resolution,
            Some("2025-12-29 16:30 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C13 low has no first response",
            c13_low.clone(),
            first,
            None,
            SlaPhase::NotApplicable,
        ),
        (
            "C13 then high: breached at the change",
            c13.clone(),
            first,
            Some("2025-03-24 10:30 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C14 low to normal measured from creation",
            c14.clone(),
            first,
            Some("2025-03-24 10:00 +01:00"),
            SlaPhase::Running,
        ),
        (
            "C15 closed then reopened",
            c15.clone(),
            resolution,
            Some("2025-11-03 16:52 -05:00"),
            SlaPhase::Running,
        ),
        (
            "C15 follow-up message starts next response",
            c15.clone(),
            next,
            Some("2025-11-03 10:00 -05:00"),
            SlaPhase::Running,
        ),
    ];
    let mut failures = Vec::new();
    for (name, state, metric, want, phase) in &cases {
        let m = metric(state);
        let want = want.map(t);
        if deadline(m) != want || m.phase != *phase {
            failures.push(format!(
                "{name}: got {:?} {:?}, want {:?} {:?}",
                m.deadline.map(show),
                m.phase,
                want.map(show),
                phase
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // Details the table's deadlines do not show.
    assert_eq!(c2.first_response.met_at, Some(t("2025-03-24 09:30 +01:00")));
    assert_eq!(c2.first_response.breached_at, None);
    assert_eq!(c2.resolution.elapsed_ms, 60 * 60_000);
    assert_eq!(c3_held.resolution.remaining_ms, Some(240 * 60_000));
    assert!(!c4.resolution.met);
    assert_eq!(c4.resolution.elapsed_ms, 180 * 60_000);
    assert_eq!(
        c6.first_response.breached_at,
        Some(t("2025-03-24 09:45 +01:00"))
    );
    assert_eq!(c6.first_response.breaches, 1);
    assert_eq!(c7b.next_response.breaches, 1);
    assert_eq!(c7b.next_response.breached_at, None);
    assert_eq!(c7a.next_response.met_at, Some(t("2025-03-24 13:00 +01:00")));
    assert_eq!(
        c7a.next_response.breached_at,
        Some(t("2025-03-24 12:00 +01:00"))
    );
    assert_eq!(c11.first_response.target_minutes, None);
    assert_eq!(c12.priority, Normal);
    assert_eq!(
        c13.first_response.breached_at,
        Some(t("2025-03-24 10:30 +01:00"))
    );
    assert_eq!(c13.first_response.elapsed_ms, 90 * 60_000);
    assert_eq!(c14.first_response.breached_at, None);
    assert_eq!(c15.resolution.elapsed_ms, 8 * 60_000);
}

/// Reply 09:05, customer 10:00 (due 12:00), late reply 13:00, customer 14:00 (due 16:00).
fn c7_events_full() -> Vec<SlaEvent> {
    vec![
        reply("2025-03-24 09:05 +01:00"),
        customer("2025-03-24 10:00 +01:00"),
        status("2025-03-24 10:00 +01:00", TicketStatus::Open),
        reply("2025-03-24 13:00 +01:00"),
        customer("2025-03-24 14:00 +01:00"),
    ]
}

#[test]
fn sla_status_and_sorting() {
    let s = run(
        "WAW",
        timeline("2025-03-24 16:30 +01:00", Priority::Normal, vec![]),
    );
    // First response due Tue 09:30 (+01:00); resolution Tue 16:30.
    assert_eq!(s.next_deadline(), Some(t("2025-03-25 09:30 +01:00")));
    let at = |l: &str| s.status_at(t(l), 30);
    assert_eq!(at("2025-03-24 16:45 +01:00"), Some(SlaStatus::OnTrack));
    assert_eq!(at("2025-03-25 08:59 +01:00"), Some(SlaStatus::OnTrack));
    assert_eq!(at("2025-03-25 09:00 +01:00"), Some(SlaStatus::AtRisk));
    assert_eq!(at("2025-03-25 09:30 +01:00"), Some(SlaStatus::AtRisk));
    assert_eq!(at("2025-03-25 09:31 +01:00"), Some(SlaStatus::Breached));
    assert_eq!(
        s.first_response
            .breached_at_by(t("2025-03-25 10:00 +01:00")),
        Some(t("2025-03-25 09:30 +01:00"))
    );
    assert_eq!(
        s.first_response
            .breached_at_by(t("2025-03-25 09:00 +01:00")),
        None
    );

    // Solved while the first reply was awaited: stopped, nothing left to show.
    let solved = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Priority::Normal,
            vec![status("2025-03-24 09:20 +01:00", TicketStatus::Solved)],
        ),
    );
    assert_eq!(solved.first_response.phase, SlaPhase::Stopped);
    assert!(solved.resolution.met);
    assert_eq!(solved.resolution.met_at, Some(t("2025-03-24 09:20 +01:00")));
    assert_eq!(solved.status_at(t("2025-04-01 09:00 +02:00"), 30), None);
    assert_eq!(solved.next_deadline(), None);

    // A paused, already breached ticket stays breached; an unbreached paused one is on track.
    let breached_then_pending = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Priority::High,
            vec![status("2025-03-24 10:00 +01:00", TicketStatus::Pending)],
        ),
    );
    assert_eq!(
        breached_then_pending.first_response.breached_at,
        Some(t("2025-03-24 09:30 +01:00"))
    );
    assert_eq!(
        breached_then_pending.status_at(t("2025-03-24 10:01 +01:00"), 0),
        Some(SlaStatus::Breached)
    );
    assert_eq!(breached_then_pending.next_deadline(), None);
}

#[test]
fn sla_reply_exactly_at_deadline_is_on_time() {
    let s = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Priority::Normal,
            vec![reply("2025-03-24 10:00 +01:00")],
        ),
    );
    assert!(s.first_response.met);
    assert_eq!(s.first_response.breached_at, None);
    let late = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Priority::Normal,
            vec![SlaEvent::AgentReply {
                at: t("2025-03-24 10:00 +01:00") + 1,
            }],
        ),
    );
    assert_eq!(
        late.first_response.breached_at,
        Some(t("2025-03-24 10:00 +01:00"))
    );
}

#[test]
fn sla_state_serialises_for_the_store() {
    let s = run(
        "WAW",
        timeline(
            "2025-03-24 16:30 +01:00",
            Priority::Normal,
            vec![customer("2025-03-24 16:31 +01:00")],
        ),
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["first_response"]["phase"], "running");
    assert_eq!(json["next_response"]["phase"], "inactive");
    let back: SlaState = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
    let ev: SlaEvent =
        serde_json::from_str(r#"{"kind":"status","at":5,"status":"on_hold"}"#).unwrap();
    assert_eq!(
        ev,
        SlaEvent::Status {
            at: 5,
            status: TicketStatus::OnHold
        }
    );
}

// ---------------------------------------------------------------- properties

/// An oracle independent of the engine: is the instant open, judged minute by minute through
/// chrono-tz's own local time?
fn open_by_oracle(cal: &BusinessCalendar, at: i64) -> bool {
    let tz: chrono_tz::Tz = cal.time_zone.parse().unwrap();
    let local = DateTime::from_timestamp_millis(at)
        .unwrap()
        .with_timezone(&tz);
    let date = local.format("%Y-%m-%d").to_string();
    if cal.holidays.iter().any(|h| h.date == date) {
        return false;
    }
    let minute = (local.hour() * 60 + local.minute()) as i64;
    let mm = |s: &str| s[..2].parse::<i64>().unwrap() * 60 + s[3..].parse::<i64>().unwrap();
    cal.hours
        .day(local.weekday().num_days_from_monday() as usize)
        .iter()
        .any(|r| mm(&r.start) <= minute && minute < mm(&r.end))
}

const PROP_CALENDARS: [&str; 6] = ["WAW", "WAW_NIGHT", "NY", "NY_NIGHT", "THR", "IST"];
/// 2024-01-01 .. 2027-01-01, minute-aligned.
const SPAN_START: i64 = 1_704_067_200_000;
const SPAN_MINUTES: i64 = 3 * 525_600;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sla_prop_add_then_between_round_trips(
        k in 0..PROP_CALENDARS.len(),
        start in 0..SPAN_MINUTES,
        offset_ms in 0i64..60_000,
        minutes in 0i64..40_000,
    ) {
        let cal = schedule(PROP_CALENDARS[k]);
        let a = SPAN_START + start * 60_000 + offset_ms;
        let d = add_business_time(&cal, a, minutes);
        prop_assert!(d >= a);
        prop_assert_eq!(business_minutes_between(&cal, a, d), minutes);
        if minutes > 0 {
            // The deadline ends open time: the millisecond before it is open.
            prop_assert!(cal.is_open_at(d - 1));
        }
    }

    #[test]
    fn sla_prop_monotonic_and_additive(
        k in 0..PROP_CALENDARS.len(),
        start in 0..SPAN_MINUTES,
        m1 in 0i64..20_000,
        m2 in 0i64..20_000,
        gap in 0i64..100_000,
    ) {
        let cal = schedule(PROP_CALENDARS[k]);
        let a = SPAN_START + start * 60_000;
        let (lo, hi) = (m1.min(m2), m1.max(m2));
        prop_assert!(add_business_time(&cal, a, lo) <= add_business_time(&cal, a, hi));
        // Adding in two steps is adding once.
        let mid = add_business_time(&cal, a, lo);
        prop_assert_eq!(add_business_time(&cal, mid, hi - lo), add_business_time(&cal, a, hi));
        // Counting is additive over adjacent spans.
        let (b, c) = (a + gap * 60_000, a + 2 * gap * 60_000 + 7);
        prop_assert_eq!(
            cal.business_ms_between(a, b) + cal.business_ms_between(b, c),
            cal.business_ms_between(a, c)
        );
    }

    #[test]
    fn sla_prop_between_matches_minute_oracle(
        k in 0..PROP_CALENDARS.len(),
        start in 0..SPAN_MINUTES,
        len in 0i64..2_000,
    ) {
        let key = PROP_CALENDARS[k];
        let (cal, sched) = (calendar(key), schedule(key));
        let a = SPAN_START + start * 60_000;
        let b = a + len * 60_000;
        let oracle = (0..len).filter(|i| open_by_oracle(&cal, a + i * 60_000)).count() as i64;
        prop_assert_eq!(business_minutes_between(&sched, a, b), oracle);
    }

    #[test]
    fn sla_prop_dst_nights_match_oracle(
        k in 0..4usize,
        night in 0..4usize,
        start in 0i64..(3 * 24 * 60),
        len in 0i64..(2 * 24 * 60),
    ) {
        // Windows around each 2025 change, where the oracle and the engine differ if the
        // gap or the repeated hour is mishandled.
        let (key, anchors) = [
            ("WAW_NIGHT", ["2025-03-29 00:00 +01:00", "2025-10-25 00:00 +02:00", "2026-03-28 00:00 +01:00", "2026-10-24 00:00 +02:00"]),
            ("NY_NIGHT", ["2025-03-08 00:00 -05:00", "2025-11-01 00:00 -04:00", "2026-03-07 00:00 -05:00", "2026-10-31 00:00 -04:00"]),
            ("WAW_EDGE", ["2025-03-29 00:00 +01:00", "2025-10-25 00:00 +02:00", "2026-03-28 00:00 +01:00", "2026-10-24 00:00 +02:00"]),
            ("NY_EDGE", ["2025-03-08 00:00 -05:00", "2025-11-01 00:00 -04:00", "2026-03-07 00:00 -05:00", "2026-10-31 00:00 -04:00"]),
        ][k];
        let (cal, sched) = (calendar(key), schedule(key));
        let a = t(anchors[night]) + start * 60_000;
        let b = a + len * 60_000;
        let oracle = (0..len).filter(|i| open_by_oracle(&cal, a + i * 60_000)).count() as i64;
        prop_assert_eq!(business_minutes_between(&sched, a, b), oracle);
    }

    #[test]
    fn sla_prop_ics_never_panics(text in "BEGIN:VCALENDAR\n(BEGIN:VEVENT\n|END:VEVENT\n|DTSTART[;:A-Z=]{0,12}[0-9T]{0,16}\n|DTEND:[0-9]{8}\n|SUMMARY:[a-z\\\\, ]{0,10}\n| [a-z]{0,5}\n|RRULE:[A-Z=;0-9]{0,20}\n|DURATION:[PTDHWMS0-9]{0,6}\n){0,12}") {
        let _ = holidays_from_ics(&text);
    }
}

#[test]
fn sla_clock_pauses_never_count_oracle_check() {
    // Resolution elapsed equals the business minutes of the open periods, counted by hand:
    // Mon 09:00–10:00 open (60), pending until Wed 11:00, open until Wed 15:00 (240),
    // on hold until Thu 10:00, open until Thu 11:30 (90) → 390 minutes.
    let s = run(
        "WAW",
        timeline(
            "2025-03-24 09:00 +01:00",
            Priority::Low,
            vec![
                status("2025-03-24 10:00 +01:00", TicketStatus::Pending),
                status("2025-03-26 11:00 +01:00", TicketStatus::Open),
                status("2025-03-26 15:00 +01:00", TicketStatus::OnHold),
                status("2025-03-27 10:00 +01:00", TicketStatus::Open),
                customer("2025-03-27 11:30 +01:00"),
            ],
        ),
    );
    assert_eq!(s.resolution.elapsed_ms, 390 * 60_000);
    // Low: 2400 resolution; 2010 minutes left from Thu 11:30: Thu 330, Fri 480 (810),
    // Mon 31 Mar 480 (1290), Tue 480 (1770), Wed 240 → Wed 2 April 13:00 +02:00.
    assert_eq!(s.resolution.deadline, Some(t("2025-04-02 13:00 +02:00")));
    // Low has no first or next response target.
    assert_eq!(s.first_response.phase, SlaPhase::NotApplicable);
    assert_eq!(
        s.status_at(t("2025-03-27 12:00 +01:00"), 60),
        Some(SlaStatus::OnTrack)
    );
}

// ---------------------------------------------------------------- a ticket's stored SLA

#[test]
fn sla_timeline_of_a_ticket_history() {
    use crate::model::{AuthorKind, MessageKind};
    let changes = [
        FieldChange {
            field: "priority",
            old_value: Some("normal"),
            new_value: Some("high"),
            at: t("2025-03-24 10:00 +01:00"),
        },
        FieldChange {
            field: "status",
            old_value: Some("new"),
            new_value: Some("pending"),
            at: t("2025-03-24 11:00 +01:00"),
        },
        FieldChange {
            field: "assignee",
            old_value: None,
            new_value: Some("a-1"),
            at: t("2025-03-24 11:00 +01:00"),
        },
    ];
    let thread = [
        ThreadEntry {
            kind: MessageKind::Reply,
            author_kind: AuthorKind::Customer,
            author_id: Some("c-1"),
            at: t("2025-03-24 09:00 +01:00"),
        },
        // An automatic acknowledgment from a rule is not a response.
        ThreadEntry {
            kind: MessageKind::Reply,
            author_kind: AuthorKind::Agent,
            author_id: Some("rule:ack"),
            at: t("2025-03-24 09:00 +01:00"),
        },
        // Internal notes are not responses.
        ThreadEntry {
            kind: MessageKind::Note,
            author_kind: AuthorKind::Agent,
            author_id: Some("a-1"),
            at: t("2025-03-24 09:30 +01:00"),
        },
        ThreadEntry {
            kind: MessageKind::Reply,
            author_kind: AuthorKind::Agent,
            author_id: Some("a-1"),
            at: t("2025-03-24 10:30 +01:00"),
        },
    ];
    // Current values are the last ones; the timeline starts from the first change's "from".
    let tl = timeline_of(
        t("2025-03-24 09:00 +01:00"),
        TicketStatus::Pending,
        Priority::High,
        &changes,
        &thread,
    );
    assert_eq!(tl.status, TicketStatus::New);
    assert_eq!(tl.priority, Priority::Normal);
    assert_eq!(
        tl.events,
        vec![
            customer("2025-03-24 09:00 +01:00"),
            prio("2025-03-24 10:00 +01:00", Priority::High),
            reply("2025-03-24 10:30 +01:00"),
            status("2025-03-24 11:00 +01:00", TicketStatus::Pending),
        ]
    );
    // No change recorded: the ticket was created as it is.
    let tl = timeline_of(0, TicketStatus::Open, Priority::Urgent, &[], &[]);
    assert_eq!(
        (tl.status, tl.priority),
        (TicketStatus::Open, Priority::Urgent)
    );
}

#[test]
fn sla_book_stores_due_and_warning() {
    let facts = |priority, tags: &'static [String]| TicketFacts {
        priority,
        channel: Channel::Email,
        group_id: None,
        organization_id: None,
        tags,
    };
    let vip = SlaPolicy {
        id: "p-vip".into(),
        name: "VIP".into(),
        position: 0,
        conditions: SlaConditions {
            tags_any: vec!["vip".into()],
            ..Default::default()
        },
        warning_minutes: 15,
        ..policy(None)
    };
    let book = SlaBook::new(vec![policy(Some("WAW")), vip], &[calendar("WAW")]);
    let created = "2025-03-24 09:00 +01:00";
    // Normal, Warsaw hours: first response due Mon 10:00, warning from 09:00 (60 minutes).
    let s = book
        .ticket_sla(
            &facts(Priority::Normal, &[]),
            &timeline(created, Priority::Normal, vec![]),
        )
        .expect("the standard policy covers it");
    assert_eq!(s.policy_id, "p-standard");
    assert_eq!(s.due_at, Some(t("2025-03-24 10:00 +01:00")));
    assert_eq!(s.warn_at, Some(t("2025-03-24 09:00 +01:00")));
    assert_eq!(
        sla_status(s.due_at, s.warn_at, t("2025-03-24 08:59 +01:00")),
        Some(SlaStatus::OnTrack)
    );
    assert_eq!(
        sla_status(s.due_at, s.warn_at, t("2025-03-24 09:30 +01:00")),
        Some(SlaStatus::AtRisk)
    );
    // Exactly at the deadline it is still on time; a millisecond later it breached.
    assert_eq!(
        sla_status(s.due_at, s.warn_at, t("2025-03-24 10:00 +01:00")),
        Some(SlaStatus::AtRisk)
    );
    assert_eq!(
        sla_status(s.due_at, s.warn_at, t("2025-03-24 10:00 +01:00") + 1),
        Some(SlaStatus::Breached)
    );
    // The VIP tag picks the policy at position 0, around the clock with a 15-minute warning:
    // high priority's 30-minute first response is due 09:30, at risk from 09:15.
    static VIP: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| vec!["vip".into()]);
    let s = book
        .ticket_sla(
            &facts(Priority::High, &VIP),
            &timeline(created, Priority::High, vec![]),
        )
        .unwrap();
    assert_eq!(s.policy_id, "p-vip");
    assert_eq!(s.due_at, Some(t("2025-03-24 09:30 +01:00")));
    assert_eq!(s.warn_at, Some(t("2025-03-24 09:15 +01:00")));
    // A warning longer than the target starts when the ticket arrives.
    let mut long = book
        .policy_for(&facts(Priority::High, &VIP))
        .unwrap()
        .clone();
    long.warning_minutes = 45;
    let s = SlaBook::new(vec![long], &[])
        .ticket_sla(
            &facts(Priority::High, &VIP),
            &timeline(created, Priority::High, vec![]),
        )
        .unwrap();
    assert_eq!(s.warn_at, Some(t(created)));
    // Answered, then pending: nothing due, no badge.
    let s = book
        .ticket_sla(
            &facts(Priority::Normal, &[]),
            &timeline(
                created,
                Priority::Normal,
                vec![
                    reply("2025-03-24 09:20 +01:00"),
                    status("2025-03-24 09:21 +01:00", TicketStatus::Pending),
                ],
            ),
        )
        .unwrap();
    assert_eq!((s.due_at, s.warn_at), (None, None));
    assert_eq!(
        sla_status(s.due_at, s.warn_at, t("2025-03-30 09:00 +01:00")),
        None
    );
    // Breached, then put on hold: still shows as breached, from the breach instant.
    let s = book
        .ticket_sla(
            &facts(Priority::Normal, &[]),
            &timeline(
                created,
                Priority::Normal,
                vec![status("2025-03-24 11:00 +01:00", TicketStatus::OnHold)],
            ),
        )
        .unwrap();
    assert_eq!(s.due_at, Some(t("2025-03-24 10:00 +01:00")));
    assert_eq!(s.warn_at, s.due_at);
    assert_eq!(
        sla_status(s.due_at, s.warn_at, t("2025-03-25 09:00 +01:00")),
        Some(SlaStatus::Breached)
    );
    // No policy matches a ticket when the only catch-all is gone.
    let only_vip = SlaBook::new(
        vec![SlaPolicy {
            conditions: SlaConditions {
                tags_any: vec!["vip".into()],
                ..Default::default()
            },
            ..policy(None)
        }],
        &[],
    );
    assert!(only_vip
        .ticket_sla(
            &facts(Priority::Normal, &[]),
            &timeline(created, Priority::Normal, vec![])
        )
        .is_none());
}
