//! Fiscal calendars and periods: `Q1 FY2026`, `H1 FY2026`, `9M FY2026`, `FY2025`,
//! `TTM Q1 FY2026`, instants (`2026-03-31`) and ranges (`2026-01-01..2026-03-31`),
//! resolved to dates through a company's fiscal year end and given a canonical label.

use chrono::{Datelike, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// The day a company's fiscal year ends, as `MM-DD` (`12-31`, `01-31`, `06-30`).
/// A fiscal year is named by the calendar year it ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FiscalYearEnd {
    month: u32,
    day: u32,
}

impl FromStr for FiscalYearEnd {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = "expected MM-DD, e.g. 12-31 or 01-31";
        let (m, d) = s
            .trim()
            .split_once('-')
            .ok_or_else(|| expected.to_string())?;
        let (Ok(month), Ok(day)) = (m.parse::<u32>(), d.parse::<u32>()) else {
            return Err(expected.to_string());
        };
        // 2024 is a leap year, so 02-29 is accepted as "end of February".
        if m.len() != 2 || d.len() != 2 || NaiveDate::from_ymd_opt(2024, month, day).is_none() {
            return Err(format!("not a day of the year; {expected}"));
        }
        Ok(FiscalYearEnd { month, day })
    }
}

impl fmt::Display for FiscalYearEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl FiscalYearEnd {
    pub const DECEMBER: FiscalYearEnd = FiscalYearEnd { month: 12, day: 31 };

    /// Whether the year ends on the last day of its month (then every quarter does too).
    fn at_month_end(self) -> bool {
        self.day >= last_day(2023, self.month)
    }

    /// The end of the fiscal quarter `k` quarters after the end of fiscal year `fy - 1`
    /// (`k` = 4 is the end of fiscal year `fy`; `k` may be negative or above 4).
    fn boundary(self, fy: i32, k: i32) -> NaiveDate {
        let months = (fy - 1) * 12 + (self.month as i32 - 1) + 3 * k;
        let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
        let day = if self.at_month_end() {
            last_day(year, month)
        } else {
            self.day.min(last_day(year, month))
        };
        NaiveDate::from_ymd_opt(year, month, day).expect("valid by construction")
    }

    /// The fiscal year and quarter (1-4) whose end is `date`, if it is a quarter end.
    fn quarter_ending(self, date: NaiveDate) -> Option<(i32, i32)> {
        let fy = if date <= self.boundary(date.year(), 4) {
            date.year()
        } else {
            date.year() + 1
        };
        (1..=4)
            .find(|&k| self.boundary(fy, k) == date)
            .map(|k| (fy, k))
    }
}

fn last_day(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("month is 1-12");
    (first + Months::new(1))
        .pred_opt()
        .expect("not the first day")
        .day()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Quarter,
    HalfYear,
    NineMonths,
    FiscalYear,
    Ttm,
    Instant,
    Range,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Quarter => "quarter",
            PeriodKind::HalfYear => "half_year",
            PeriodKind::NineMonths => "nine_months",
            PeriodKind::FiscalYear => "fiscal_year",
            PeriodKind::Ttm => "ttm",
            PeriodKind::Instant => "instant",
            PeriodKind::Range => "range",
        }
    }
}

/// A period resolved to dates, with its canonical label for one fiscal calendar.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    /// None for an instant.
    pub start: Option<NaiveDate>,
    pub end: NaiveDate,
    pub label: String,
    /// The fiscal year and quarter the period ends in, when it ends on a quarter end.
    pub fiscal_year: Option<i32>,
    pub fiscal_quarter: Option<u8>,
}

/// What a period may look like, for error messages.
pub const EXPECTED: &str = "a period such as Q1 FY2026, H1 FY2026, 9M FY2026, FY2025, TTM Q1 FY2026, 2026-03-31 or 2026-01-01..2026-03-31";

impl Period {
    /// The canonical period for a date range (or instant) in a fiscal calendar: a range
    /// that is a fiscal quarter, half, nine months, year or trailing twelve months gets
    /// its fiscal label, whatever way it was written.
    pub fn from_dates(start: Option<NaiveDate>, end: NaiveDate, fye: FiscalYearEnd) -> Period {
        let fiscal = fye.quarter_ending(end);
        let (fiscal_year, fiscal_quarter) = match fiscal {
            Some((fy, q)) => (Some(fy), Some(q as u8)),
            None => (None, None),
        };
        let make = |kind, label: String| Period {
            kind,
            start,
            end,
            label,
            fiscal_year,
            fiscal_quarter,
        };
        let Some(start) = start else {
            return make(PeriodKind::Instant, end.to_string());
        };
        let range = || make(PeriodKind::Range, format!("{start}..{end}"));
        let Some((fy, k)) = fiscal else {
            return range();
        };
        let quarters = (1..=4).find(|&j| fye.boundary(fy, k - j).succ_opt() == Some(start));
        match (quarters, k) {
            (Some(1), _) => make(PeriodKind::Quarter, format!("Q{k} FY{fy}")),
            (Some(2), 2) => make(PeriodKind::HalfYear, format!("H1 FY{fy}")),
            (Some(2), 4) => make(PeriodKind::HalfYear, format!("H2 FY{fy}")),
            (Some(3), 3) => make(PeriodKind::NineMonths, format!("9M FY{fy}")),
            (Some(4), 4) => make(PeriodKind::FiscalYear, format!("FY{fy}")),
            (Some(4), _) => make(PeriodKind::Ttm, format!("TTM Q{k} FY{fy}")),
            _ => range(),
        }
    }

    /// Parses a period as users write it and resolves it in the given fiscal calendar.
    pub fn parse(text: &str, fye: FiscalYearEnd) -> Result<Period, String> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once("..") {
            let (start, end) = (parse_date(a.trim())?, parse_date(b.trim())?);
            if end < start {
                return Err(format!("the range ends ({end}) before it starts ({start})"));
            }
            return Ok(Period::from_dates(Some(start), end, fye));
        }
        if text.len() >= 4 && text.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return Ok(Period::from_dates(None, parse_date(text)?, fye));
        }
        let upper = text.to_ascii_uppercase();
        let words: Vec<&str> = upper.split_whitespace().collect();
        let (first, quarter_word, year_word) = match words.as_slice() {
            [year] => (None, None, *year),
            ["TTM", q, year] => (Some("TTM"), Some(*q), *year),
            [first, year] => (Some(*first), None, *year),
            _ => return Err(format!("not a period; expected {EXPECTED}")),
        };
        let fy = parse_fiscal_year(year_word)?;
        // (first quarter boundary offset, last quarter) of the span within fiscal year fy.
        let (quarters, k) = match (first, quarter_word) {
            (None, _) => (4, 4),
            (Some("TTM"), Some(q)) => (4, parse_quarter(q)?),
            (Some("H1"), _) => (2, 2),
            (Some("H2"), _) => (2, 4),
            (Some("9M"), _) => (3, 3),
            (Some(q), _) if q.starts_with('Q') => {
                let k = parse_quarter(q)?;
                (1, k)
            }
            _ => return Err(format!("not a period; expected {EXPECTED}")),
        };
        let start = fye
            .boundary(fy, k - quarters)
            .succ_opt()
            .ok_or("date out of range")?;
        let end = fye.boundary(fy, k);
        // FY2201, or FY1900 of a calendar ending in January, reaches past the dates amzdb
        // stores (the fiscal year range admits every label a stored date can have).
        for date in [start, end] {
            date_in_range(date).map_err(|why| format!("{text} runs {start}..{end}: {why}"))?;
        }
        Ok(Period::from_dates(Some(start), end, fye))
    }
}

fn parse_quarter(word: &str) -> Result<i32, String> {
    match word {
        "Q1" => Ok(1),
        "Q2" => Ok(2),
        "Q3" => Ok(3),
        "Q4" => Ok(4),
        _ => Err(format!(
            "{word} is not a quarter (Q1 to Q4); expected {EXPECTED}"
        )),
    }
}

fn parse_fiscal_year(word: &str) -> Result<i32, String> {
    let year = word
        .strip_prefix("FY")
        .filter(|y| y.len() == 4)
        .and_then(|y| y.parse::<i32>().ok())
        .ok_or_else(|| format!("{word} is not a fiscal year like FY2026; expected {EXPECTED}"))?;
    // A date late in 2200 can fall in fiscal year 2201 of a calendar ending in January:
    // every label `Period::from_dates` gives a supported date parses again.
    if !(FIRST_YEAR..=LAST_YEAR + 1).contains(&year) {
        return Err(format!(
            "fiscal year {year} is out of range (FY{FIRST_YEAR} to FY{}, ending by {LAST_YEAR}-12-31)",
            LAST_YEAR + 1
        ));
    }
    Ok(year)
}

/// The years of the dates amzdb stores, on every input path.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

/// A date, if it is within the supported range; else why not.
pub fn date_in_range(date: NaiveDate) -> Result<NaiveDate, String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!(
            "{date} is outside the supported range of dates, {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
        ))
    }
}

/// Parses an ISO date, saying why one that looks like a date is not one.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("{text:?} is not a date (expected YYYY-MM-DD, a real calendar day)"))
        .and_then(date_in_range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn resolve(text: &str, fye: &str) -> (String, Option<String>, String, &'static str) {
        let p = Period::parse(text, fye.parse().unwrap()).unwrap();
        (
            p.label,
            p.start.map(|d| d.to_string()),
            p.end.to_string(),
            p.kind.as_str(),
        )
    }

    #[test]
    fn december_year_end() {
        assert_eq!(
            resolve("Q1 FY2026", "12-31"),
            (
                "Q1 FY2026".into(),
                Some("2026-01-01".into()),
                "2026-03-31".into(),
                "quarter"
            )
        );
        assert_eq!(resolve("FY2025", "12-31").1, Some("2025-01-01".into()));
        assert_eq!(
            resolve("TTM Q1 FY2026", "12-31"),
            (
                "TTM Q1 FY2026".into(),
                Some("2025-04-01".into()),
                "2026-03-31".into(),
                "ttm"
            )
        );
        assert_eq!(resolve("9M FY2025", "12-31").2, "2025-09-30");
        assert_eq!(resolve("H1 FY2026", "12-31").2, "2026-06-30");
    }

    #[test]
    fn january_year_end_names_the_year_it_ends_in() {
        assert_eq!(
            resolve("Q1 FY2026", "01-31"),
            (
                "Q1 FY2026".into(),
                Some("2025-02-01".into()),
                "2025-04-30".into(),
                "quarter"
            )
        );
        assert_eq!(
            resolve("FY2025", "01-31"),
            (
                "FY2025".into(),
                Some("2024-02-01".into()),
                "2025-01-31".into(),
                "fiscal_year"
            )
        );
        // February ends on the 29th in a leap year.
        assert_eq!(resolve("Q1 FY2024", "11-30").2, "2024-02-29");
    }

    #[test]
    fn ranges_get_fiscal_labels_when_they_are_fiscal_periods() {
        assert_eq!(resolve("2026-01-01..2026-03-31", "12-31").0, "Q1 FY2026");
        assert_eq!(resolve("2026-01-01..2026-03-31", "06-30").0, "Q3 FY2026");
        assert_eq!(resolve("2025-01-01..2025-12-31", "12-31").0, "FY2025");
        assert_eq!(resolve("TTM Q4 FY2025", "12-31").0, "FY2025");
        assert_eq!(resolve("2026-01-15..2026-03-31", "12-31").3, "range");
        assert_eq!(resolve("2025-04-01..2025-09-30", "12-31").3, "range");
    }

    #[test]
    fn instants_know_their_fiscal_quarter() {
        let p = Period::parse("2026-03-31", FiscalYearEnd::DECEMBER).unwrap();
        assert_eq!(
            (p.label.as_str(), p.kind),
            ("2026-03-31", PeriodKind::Instant)
        );
        assert_eq!((p.fiscal_year, p.fiscal_quarter), (Some(2026), Some(1)));
    }

    #[test]
    fn lower_case_is_accepted() {
        assert_eq!(resolve("q2 fy2026", "12-31").0, "Q2 FY2026");
    }

    #[test]
    fn bad_periods_are_explained() {
        let fye = FiscalYearEnd::DECEMBER;
        for (text, needle) in [
            ("Q5 FY2026", "not a quarter"),
            ("2026-02-30", "not a date"),
            ("2026-03-31..2026-01-01", "before it starts"),
            ("FY26", "not a fiscal year"),
            ("next year", "not a fiscal year"),
            ("Q1 2026 FY", "not a period"),
            ("", "not a period"),
        ] {
            let err = Period::parse(text, fye).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn fiscal_year_ends_must_be_days() {
        assert!("13-01".parse::<FiscalYearEnd>().is_err());
        assert!("02-30".parse::<FiscalYearEnd>().is_err());
        assert!("1231".parse::<FiscalYearEnd>().is_err());
        assert_eq!(
            "01-31".parse::<FiscalYearEnd>().unwrap().to_string(),
            "01-31"
        );
        assert_eq!(date("2026-03-31").to_string(), "2026-03-31");
    }
}
