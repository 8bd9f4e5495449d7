//! Publication dates → the report's time axis. Takes `meta.published` strings and a grain
//! ([`Period`]: day, ISO week, month, quarter) and returns period keys that sort in time order
//! (`2026-03-09`, `2026-W11`, `2026-03`, `2026-Q1`) with an ordinal (consecutive periods differ
//! by 1, which is the trend test's time unit). An article without a usable date is undated:
//! counted everywhere but never placed on the axis.

use chrono::{Datelike, NaiveDate};

/// The key of articles without a usable date.
pub const UNDATED: &str = "undated";

/// Publication years the report places on its time axis. A date outside is a placeholder or a
/// typo (`0001-01-01`, `9999-12`): counted as undated, with a warning, never drawn.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

/// The time grain of the report (`--period`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Period {
    Day,
    /// ISO 8601 weeks (Monday to Sunday), keyed by ISO week-year: `2026-W01`.
    Week,
    #[default]
    Month,
    Quarter,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    /// The key and ordinal of the period holding `d`; `None` when the date is too coarse for
    /// the grain (a month-only date has no day or week).
    pub fn of(self, d: Dated) -> Option<(String, i64)> {
        let (y, m) = (d.year, d.month);
        match self {
            Period::Month => Some((format!("{y:04}-{m:02}"), y as i64 * 12 + m as i64 - 1)),
            Period::Quarter => {
                let q = (m - 1) / 3 + 1;
                Some((format!("{y:04}-Q{q}"), y as i64 * 4 + q as i64 - 1))
            }
            Period::Day => {
                let date = d.date()?;
                Some((date.format("%Y-%m-%d").to_string(), date.num_days_from_ce() as i64))
            }
            Period::Week => {
                let date = d.date()?;
                let w = date.iso_week();
                // Days from CE of the week's Monday, / 7: consecutive weeks differ by 1.
                let monday = date.num_days_from_ce() as i64 - date.weekday().num_days_from_monday() as i64;
                Some((format!("{:04}-W{:02}", w.year(), w.week()), monday.div_euclid(7)))
            }
        }
    }
}

/// A publication date: year and month, and the day when the string has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}

impl Dated {
    /// The day, or `None` for a month-only date.
    pub fn date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day?)
    }
    /// The first day it can mean (the 1st for a month-only date), for `--since/--until`.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day.unwrap_or(1))
            .or_else(|| NaiveDate::from_ymd_opt(self.year, self.month, 1))
            .expect("month checked")
    }
}

/// Why an article has no date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoDate {
    /// No date, or not one in a form [`parse_date`] reads.
    Missing,
    /// A well-formed date whose year is outside [`PLAUSIBLE_YEARS`].
    Implausible(u16),
}

/// An ISO 8601 date (`2026-03-01`, `2026-03`, `2026-03-01T09:00Z`, also `2026/03/01`). A day
/// that does not exist (`2026-02-30`) leaves a month-only date.
pub fn parse_date(published: Option<&str>) -> Result<Dated, NoDate> {
    let Some(p) = published.map(str::trim) else { return Err(NoDate::Missing) };
    let b = p.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let ok = b.len() >= 7 && digits(0..4) && (b[4] == b'-' || b[4] == b'/') && digits(5..7) && (b.len() == 7 || !b[7].is_ascii_digit());
    if !ok {
        return Err(NoDate::Missing);
    }
    let month = ((b[5] - b'0') * 10 + (b[6] - b'0')) as u32;
    if !(1..=12).contains(&month) {
        return Err(NoDate::Missing);
    }
    let year: u16 = p[..4].parse().map_err(|_| NoDate::Missing)?;
    if !PLAUSIBLE_YEARS.contains(&year) {
        return Err(NoDate::Implausible(year));
    }
    let day = (b.len() >= 10 && b[7] == b[4] && digits(8..10) && (b.len() == 10 || !b[10].is_ascii_digit()))
        .then(|| ((b[8] - b'0') * 10 + (b[9] - b'0')) as u32)
        .filter(|&d| NaiveDate::from_ymd_opt(year as i32, month, d).is_some());
    Ok(Dated { year: year as i32, month, day })
}

/// A `--since`/`--until` bound: `YYYY-MM-DD`, or `YYYY-MM` (its first day for `--since`, its
/// last for `--until`).
pub fn parse_bound(s: &str, end: bool) -> Result<NaiveDate, String> {
    let d = parse_date(Some(s)).map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD or YYYY-MM)"))?;
    if d.day.is_none() && s.trim().len() > 7 {
        return Err(format!("'{s}' is not a date (YYYY-MM-DD or YYYY-MM)"));
    }
    Ok(match (d.date(), end) {
        (Some(day), _) => day,
        (None, false) => d.first_day(),
        (None, true) => {
            let (y, m) = if d.month == 12 { (d.year + 1, 1) } else { (d.year, d.month + 1) };
            NaiveDate::from_ymd_opt(y, m, 1).expect("valid").pred_opt().expect("valid")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: Period, s: &str) -> Option<String> {
        p.of(parse_date(Some(s)).unwrap()).map(|k| k.0)
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date(Some("2026-03-01")), Ok(Dated { year: 2026, month: 3, day: Some(1) }));
        assert_eq!(parse_date(Some("2026-03-01T10:00:00Z")).unwrap().day, Some(1));
        assert_eq!(parse_date(Some(" 2025/11/30 ")).unwrap().day, Some(30));
        assert_eq!(parse_date(Some("2026-03")), Ok(Dated { year: 2026, month: 3, day: None }));
        assert_eq!(parse_date(Some("2026-02-30")).unwrap().day, None);
        for bad in ["2026-13-01", "2026-031", "March 2026", "2026", "２０２６-03", ""] {
            assert_eq!(parse_date(Some(bad)), Err(NoDate::Missing), "{bad}");
        }
        assert_eq!(parse_date(None), Err(NoDate::Missing));
        assert_eq!(parse_date(Some("0001-01-01")), Err(NoDate::Implausible(1)));
        assert_eq!(parse_date(Some("9999-12")), Err(NoDate::Implausible(9999)));
        assert!(parse_date(Some("1900-01")).is_ok() && parse_date(Some("2100-12-31")).is_ok());
    }

    #[test]
    fn period_keys_and_ordinals() {
        assert_eq!(key(Period::Month, "2026-03-09").as_deref(), Some("2026-03"));
        assert_eq!(key(Period::Quarter, "2026-03-09").as_deref(), Some("2026-Q1"));
        assert_eq!(key(Period::Quarter, "2026-10").as_deref(), Some("2026-Q4"));
        assert_eq!(key(Period::Day, "2026-03-09").as_deref(), Some("2026-03-09"));
        assert_eq!(key(Period::Day, "2026-03"), None);
        assert_eq!(key(Period::Week, "2026-03"), None);
        // ISO weeks: 2027-01-01 is a Friday in week 53 of 2026.
        assert_eq!(key(Period::Week, "2027-01-01").as_deref(), Some("2026-W53"));
        assert_eq!(key(Period::Week, "2027-01-04").as_deref(), Some("2027-W01"));
        let ord = |p: Period, s: &str| p.of(parse_date(Some(s)).unwrap()).unwrap().1;
        assert_eq!(ord(Period::Week, "2027-01-04") - ord(Period::Week, "2027-01-03"), 1);
        assert_eq!(ord(Period::Week, "2027-01-10") - ord(Period::Week, "2027-01-04"), 0);
        assert_eq!(ord(Period::Month, "2027-01") - ord(Period::Month, "2026-12"), 1);
        assert_eq!(ord(Period::Quarter, "2027-01") - ord(Period::Quarter, "2026-12"), 1);
        assert_eq!(ord(Period::Day, "2026-03-01") - ord(Period::Day, "2026-02-28"), 1);
    }

    #[test]
    fn bounds() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_bound("2026-02", false), Ok(d(2026, 2, 1)));
        assert_eq!(parse_bound("2026-02", true), Ok(d(2026, 2, 28)));
        assert_eq!(parse_bound("2026-12", true), Ok(d(2026, 12, 31)));
        assert_eq!(parse_bound("2026-02-10", true), Ok(d(2026, 2, 10)));
        assert!(parse_bound("2026-02-30", false).is_err());
        assert!(parse_bound("soon", false).is_err());
    }
}
