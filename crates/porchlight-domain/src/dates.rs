//! Dates as the readers of public pages write them: the Solar Hijri calendar with Persian
//! digits for Persian (`۱ فروردین ۱۴۰۳`), the Gregorian calendar with the language's month
//! names for the others (`March 20, 2024`, `20 Mart 2024`, `20 marca 2024`). Times are in UTC:
//! the server knows no reader's time zone. Pure arithmetic on milliseconds since the epoch.
//!
//! The Solar Hijri conversion is the arithmetic of Kazimierz Borkowski's algorithm (as in
//! the `jalaali` libraries): leap years follow the 33-year cycles between the listed break
//! years. Checked day by day against ICU 78's Persian calendar (what the desktop's web view
//! and browsers show): the same dates from 1900 to 2123; the two first differ on Nowruz 1503
//! (2124), ICU's 33-year rule against the break table's.

use chrono::{DateTime, Datelike, NaiveDate, Timelike};

use crate::catalog::{fill, Locale};

/// A day of a calendar: year, month (1–12), day of the month (1–31).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// The UTC moment of `ms` (milliseconds since the epoch); out-of-range times are the epoch.
fn utc(ms: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `YYYY-MM-DD` (UTC) of a time, for `<time datetime>` and sitemaps.
pub fn iso_date(ms: i64) -> String {
    utc(ms).format("%Y-%m-%d").to_string()
}

/// Years at which the 33-year leap cycles restart (Borkowski).
const BREAKS: [i32; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// For Solar Hijri year `jy`: the day of March (Gregorian year `jy + 621`) on which it
/// begins, and whether it is a leap year (its Esfand has 30 days). `None` outside the
/// years the break table covers.
fn year_start(jy: i32) -> Option<(u32, bool)> {
    if jy < BREAKS[0] || jy >= BREAKS[BREAKS.len() - 1] {
        return None;
    }
    let gy = jy + 621;
    let mut leap_j = -14;
    let mut jp = BREAKS[0];
    let mut jump = 0;
    for &jm in &BREAKS[1..] {
        jump = jm - jp;
        if jy < jm {
            break;
        }
        leap_j += jump / 33 * 8 + jump % 33 / 4;
        jp = jm;
    }
    let mut n = jy - jp;
    // Leap years from the last break to this year, then the Gregorian ones.
    leap_j += n / 33 * 8 + (n % 33 + 3) / 4;
    if jump % 33 == 4 && jump - n == 4 {
        leap_j += 1;
    }
    let leap_g = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150;
    let march = 20 + leap_j - leap_g;
    if jump - n < 6 {
        n = n - jump + (jump + 4) / 33 * 33;
    }
    let since_leap = ((n + 1) % 33 - 1).rem_euclid(4);
    Some((u32::try_from(march).ok()?, since_leap == 0))
}

/// Whether Solar Hijri year `jy` has 366 days.
pub fn is_solar_hijri_leap(jy: i32) -> bool {
    year_start(jy).is_some_and(|(_, leap)| leap)
}

/// The Solar Hijri day of a Gregorian day: months 1–6 have 31 days, 7–11 have 30, Esfand 29
/// (30 in leap years). `None` outside the years the calendar's table covers (before 1178
/// AD or after 3798 AD).
pub fn solar_hijri(date: NaiveDate) -> Option<Day> {
    let mut jy = date.year() - 621;
    let (march, _) = year_start(jy)?;
    let start = NaiveDate::from_ymd_opt(date.year(), 3, march)?;
    let mut k = (date - start).num_days();
    if k < 0 {
        // Before Nowruz: the end of the previous year (Dey, Bahman, Esfand).
        jy -= 1;
        k += 179 + i64::from(is_solar_hijri_leap(jy));
    } else if k <= 185 {
        return Some(Day {
            year: jy,
            month: 1 + (k / 31) as u32,
            day: 1 + (k % 31) as u32,
        });
    } else {
        k -= 186;
    }
    Some(Day {
        year: jy,
        month: 7 + (k / 30) as u32,
        day: 1 + (k % 30) as u32,
    })
}

/// The day of `ms` in the calendar `locale` reads (Solar Hijri for Persian).
fn reader_day(locale: Locale, ms: i64) -> Day {
    let date = utc(ms).date_naive();
    let gregorian = Day {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    };
    match locale {
        Locale::Fa => solar_hijri(date).unwrap_or(gregorian),
        _ => gregorian,
    }
}

/// The name of month `month` (1–12) of the calendar `locale` reads, as it stands in a date
/// (Polish months are in the genitive; Persian months are the Solar Hijri ones).
pub fn month_name(locale: Locale, month: u32) -> &'static str {
    const KEYS: [&str; 12] = [
        "date.month_1",
        "date.month_2",
        "date.month_3",
        "date.month_4",
        "date.month_5",
        "date.month_6",
        "date.month_7",
        "date.month_8",
        "date.month_9",
        "date.month_10",
        "date.month_11",
        "date.month_12",
    ];
    locale.t(KEYS[(month.clamp(1, 12) - 1) as usize])
}

/// The date of `ms` (UTC) written out for readers of `locale`: `March 20, 2024`,
/// `20 Mart 2024`, `20 marca 2024`, `۱ فروردین ۱۴۰۳`.
pub fn long_date(locale: Locale, ms: i64) -> String {
    let d = reader_day(locale, ms);
    fill(
        locale.t("date.long"),
        &[
            ("day", &locale.number(d.day)),
            ("month", month_name(locale, d.month)),
            ("year", &locale.number(d.year)),
        ],
    )
}

/// The date and the UTC time of day of `ms`: `March 20, 2024, 14:05 UTC`,
/// `۱ فروردین ۱۴۰۳، ساعت ۱۴:۰۵ (UTC)`.
pub fn long_date_time(locale: Locale, ms: i64) -> String {
    let t = utc(ms);
    let time = format!("{:02}:{:02}", t.hour(), t.minute());
    fill(
        locale.t("date.date_time"),
        &[
            ("date", &long_date(locale, ms)),
            ("time", &locale.number(time)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sh(y: i32, m: u32, d: u32) -> Option<Day> {
        solar_hijri(ymd(y, m, d))
    }

    fn day(year: i32, month: u32, day: u32) -> Option<Day> {
        Some(Day { year, month, day })
    }

    fn ms(y: i32, m: u32, d: u32) -> i64 {
        ymd(y, m, d)
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    #[test]
    fn known_gregorian_days_in_the_solar_hijri_calendar() {
        // Nowruz of each year, its eve, and days whose dates Iranian calendars print.
        assert_eq!(sh(2024, 3, 20), day(1403, 1, 1));
        assert_eq!(sh(2024, 3, 19), day(1402, 12, 29));
        assert_eq!(sh(2025, 3, 20), day(1403, 12, 30), "1403 is a leap year");
        assert_eq!(sh(2025, 3, 21), day(1404, 1, 1));
        assert_eq!(sh(2026, 3, 21), day(1405, 1, 1));
        assert_eq!(sh(2026, 12, 3), day(1405, 9, 12));
        assert_eq!(sh(1979, 2, 11), day(1357, 11, 22));
        assert_eq!(sh(2000, 1, 1), day(1378, 10, 11));
        assert_eq!(sh(1970, 1, 1), day(1348, 10, 11));
        assert_eq!(
            sh(2023, 9, 22),
            day(1402, 6, 31),
            "the last day of the 31-day months"
        );
        assert_eq!(sh(2023, 9, 23), day(1402, 7, 1));
        assert_eq!(sh(2024, 12, 31), day(1403, 10, 11));
        assert_eq!(sh(2017, 3, 20), day(1395, 12, 30), "1395 is a leap year");
        assert_eq!(sh(2017, 3, 21), day(1396, 1, 1));
    }

    #[test]
    fn leap_years_follow_the_calendar() {
        let leap: Vec<i32> = (1390..=1410).filter(|y| is_solar_hijri_leap(*y)).collect();
        assert_eq!(leap, [1391, 1395, 1399, 1403, 1408]);
        // Every day from 1900 to 2100 follows the day before it.
        let mut prev = sh(1900, 1, 1).unwrap();
        let mut d = ymd(1900, 1, 2);
        while d.year() <= 2100 {
            let next = solar_hijri(d).unwrap();
            let follows = (next.year, next.month, next.day)
                == (prev.year, prev.month, prev.day + 1)
                || (next.day == 1
                    && ((next.year, next.month) == (prev.year, prev.month + 1)
                        || (next.year, next.month, prev.month) == (prev.year + 1, 1, 12)));
            assert!(follows, "{prev:?} then {next:?} on {d}");
            let length = match prev.month {
                1..=6 => 31,
                7..=11 => 30,
                _ => 29 + u32::from(is_solar_hijri_leap(prev.year)),
            };
            if next.day == 1 {
                assert_eq!(prev.day, length, "{prev:?} ends its month");
            }
            prev = next;
            d = d.succ_opt().unwrap();
        }
    }

    #[test]
    fn dates_are_written_in_the_readers_calendar_words_and_digits() {
        let at = ms(2024, 3, 20);
        assert_eq!(long_date(Locale::En, at), "March 20, 2024");
        assert_eq!(long_date(Locale::Tr, at), "20 Mart 2024");
        assert_eq!(long_date(Locale::Pl, at), "20 marca 2024");
        assert_eq!(long_date(Locale::Fa, at), "۱ فروردین ۱۴۰۳");
        assert_eq!(long_date(Locale::Fa, ms(2026, 12, 3)), "۱۲ آذر ۱۴۰۵");
        assert_eq!(long_date(Locale::Pl, ms(2026, 12, 3)), "3 grudnia 2026");
        let at = ms(2024, 2, 29) + 34 * 60_000;
        assert_eq!(
            long_date_time(Locale::En, at),
            "February 29, 2024, 12:34 UTC"
        );
        assert_eq!(
            long_date_time(Locale::Fa, at),
            "۱۰ اسفند ۱۴۰۲، ساعت ۱۲:۳۴ (UTC)"
        );
        assert_eq!(iso_date(at), "2024-02-29");
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_798_761_600_000 - 1), "2026-12-31");
    }

    #[test]
    fn every_month_has_a_name_in_every_language() {
        for l in Locale::ALL {
            let names: std::collections::BTreeSet<&str> =
                (1..=12).map(|m| month_name(l, m)).collect();
            assert_eq!(names.len(), 12, "{l:?}");
        }
    }
}
