//! Property tests of the parsers (proptest): values print back to the same exact number,
//! no text makes a parser panic, fiscal periods tile their years. `fuzz` replays the
//! fuzz targets' regression inputs (and fuzzes in-process on demand); `limits` feeds
//! amzdb absurd inputs and expects clear errors with bounded memory.

mod fuzz;
pub(crate) mod limits;

use amzdb::parse::period::parse_date;
use amzdb::parse::value::{parse_value, Number};
use amzdb::parse::{FiscalYearEnd, Period, PeriodKind};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------
// Values.

/// The scale words and suffixes amzdb knows, with their powers of ten.
const SCALES: [(&str, u32); 15] = [
    ("", 0),
    ("K", 3),
    ("k", 3),
    ("thousand", 3),
    ("M", 6),
    ("mn", 6),
    ("mm", 6),
    ("million", 6),
    ("B", 9),
    ("bn", 9),
    ("billion", 9),
    ("T", 12),
    ("tn", 12),
    ("trillion", 12),
    ("Trillion", 12),
];

/// A value as people write it, and the exact amount it means.
fn written_value() -> impl Strategy<Value = (String, Decimal)> {
    (
        prop::sample::select(vec!["", "-", "+", "\u{2212}"]),
        any::<bool>(),                             // `$`
        "[1-9][0-9]{0,14}|0",                      // whole part
        prop::option::of("[0-9]{1,8}"),            // fraction
        any::<bool>(),                             // thousands separators
        prop::sample::select(SCALES.to_vec()),     // scale
        prop::sample::select(vec!["", " "]),       // space before the scale
        any::<bool>(),                             // `%`
        prop::sample::select(vec!["", " ", "\t"]), // surrounding space
    )
        .prop_map(
            |(sign, dollar, whole, fraction, grouped, (scale, exp), gap, percent, pad)| {
                let shown_whole = if grouped {
                    group(&whole)
                } else {
                    whole.clone()
                };
                let fraction_text = fraction
                    .as_ref()
                    .map(|f| format!(".{f}"))
                    .unwrap_or_default();
                let dollar = if dollar && !percent { "$" } else { "" };
                let percent = if percent { "%" } else { "" };
                let gap = if scale.is_empty() { "" } else { gap };
                let text = format!(
                    "{pad}{sign}{dollar}{shown_whole}{fraction_text}{gap}{scale}{percent}{pad}"
                );
                let plain: Decimal = format!("{whole}{fraction_text}").parse().unwrap();
                let amount = plain * Decimal::from(10_i64.pow(exp));
                (
                    text,
                    if sign.is_empty() || sign == "+" {
                        amount
                    } else {
                        -amount
                    },
                )
            },
        )
}

/// `1234567` as `1,234,567`.
fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What amzdb prints for a stored number (the INTEGER's text, the REAL's shortest form),
/// parsed back the way `ingest` parses it.
fn reparsed(number: Number) -> Number {
    let printed = number.to_string();
    let again = parse_value(&printed)
        .unwrap_or_else(|e| panic!("{number:?} prints as {printed}, which does not parse: {e}"));
    Number::from_decimal(again.amount)
        .unwrap_or_else(|e| panic!("{printed} parses but is not stored: {e}"))
}

proptest! {
    #[test]
    fn written_values_parse_exactly_and_print_back((text, amount) in written_value()) {
        let parsed = parse_value(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        prop_assert_eq!(parsed.amount, amount, "{:?}", text);
        prop_assert!(parsed.precision > Decimal::ZERO);
        for exact in [parsed.amount, parsed.precision] {
            if let Ok(number) = Number::from_decimal(exact) {
                prop_assert_eq!(reparsed(number), number, "{:?}", text);
                if let Number::Int(i) = number {
                    prop_assert_eq!(Decimal::from(i), exact.normalize());
                }
            }
        }
    }

    #[test]
    fn any_decimal_that_is_stored_prints_back_to_itself(
        mantissa in any::<i64>(),
        scale in 0_u32..=28,
    ) {
        let d = Decimal::new(mantissa, scale);
        if let Ok(number) = Number::from_decimal(d) {
            prop_assert_eq!(reparsed(number), number);
            let back: Decimal = number.to_string().parse().unwrap();
            prop_assert_eq!(back, d.normalize(), "stored exactly, never rounded");
        }
    }

    #[test]
    fn values_never_panic(text in any::<String>()) {
        let _ = parse_value(&text);
    }

    #[test]
    fn value_like_text_never_panics(text in "[-+\u{2212}$0-9,.% \u{e9}\u{20ac}KMBTkmbtilonhuasdr]{0,40}") {
        if let Ok(v) = parse_value(&text) {
            let _ = Number::from_decimal(v.amount);
            let _ = Number::from_decimal(v.precision);
        }
    }
}

#[test]
fn fractions_beyond_what_a_real_keeps_are_refused_not_rounded() {
    // Found by `any_decimal_that_is_stored_prints_back_to_itself`: this was stored as
    // the REAL 12345678901234568 (silently rounded) and printed back as an integer.
    let v = parse_value("12345678901234567.5").unwrap();
    let err = Number::from_decimal(v.amount).unwrap_err();
    assert!(err.contains("significant digits"), "{err}");
    assert_eq!(
        Number::from_decimal(parse_value("0.123456789012345").unwrap().amount),
        Ok(Number::Real(0.123456789012345))
    );
}

#[test]
fn digits_are_counted_as_significant_digits() {
    // Found by `any_decimal_that_is_stored_prints_back_to_itself`: a tiny value (as SEC
    // data may give) was stored, but its printed form "0.000000000000000000000000001"
    // was refused as "29 digits" (the leading zeros and the point were counted).
    let tiny = Number::from_decimal(Decimal::new(-1, 27)).unwrap();
    assert_eq!(reparsed(tiny), tiny);
    // 28 significant digits with a point in them are 28 digits.
    let v = parse_value("123456789012345678901234567.8").unwrap();
    assert_eq!(v.amount.to_string(), "123456789012345678901234567.8");
    let err = parse_value("1234567890123456789012345678.9").unwrap_err();
    assert!(err.contains("has 29 digits"), "{err}");
    let err = parse_value(&format!("0.{}1", "0".repeat(28))).unwrap_err();
    assert!(err.contains("29 digits after the decimal point"), "{err}");
}

// ---------------------------------------------------------------------------------
// Periods.

/// Any fiscal year end (02-29 included).
fn fiscal_year_end() -> impl Strategy<Value = FiscalYearEnd> {
    (1_u32..=12, 1_u32..=31).prop_filter_map("a day of the year", |(m, d)| {
        format!("{m:02}-{d:02}").parse().ok()
    })
}

fn period(text: &str, fye: FiscalYearEnd) -> Period {
    Period::parse(text, fye).unwrap_or_else(|e| panic!("{text} ({fye}): {e}"))
}

fn day_after(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1)).unwrap()
}

/// The two calendars of the fixtures, and any other.
fn some_fiscal_year_end() -> impl Strategy<Value = FiscalYearEnd> {
    prop_oneof![
        Just(FiscalYearEnd::DECEMBER),
        Just("01-31".parse().unwrap()),
        fiscal_year_end(),
    ]
}

// Fiscal years from 1902: a label whose dates start before 1900-01-01 (FY1900 of a
// calendar ending in January, TTM Q1 FY1901) is refused, and these tests look a year back.
proptest! {
    #[test]
    fn quarters_tile_the_fiscal_year(fye in some_fiscal_year_end(), fy in 1902_i32..=2200) {
        let year = period(&format!("FY{fy}"), fye);
        let previous = period(&format!("FY{}", fy - 1), fye);
        prop_assert_eq!(year.kind, PeriodKind::FiscalYear);
        prop_assert_eq!(year.start, Some(day_after(previous.end)));
        let mut next_start = day_after(previous.end);
        for k in 1..=4 {
            let q = period(&format!("Q{k} FY{fy}"), fye);
            prop_assert_eq!(q.kind, PeriodKind::Quarter);
            prop_assert_eq!(&q.label, &format!("Q{k} FY{fy}"));
            prop_assert_eq!(q.start, Some(next_start), "Q{} FY{} ({})", k, fy, fye);
            prop_assert!(q.start.unwrap() <= q.end);
            let days = (q.end - q.start.unwrap()).num_days() + 1;
            prop_assert!((88..=93).contains(&days), "Q{} FY{} ({}) has {} days", k, fy, fye, days);
            prop_assert_eq!((q.fiscal_year, q.fiscal_quarter), (Some(fy), Some(k as u8)));
            next_start = day_after(q.end);
        }
        prop_assert_eq!(next_start, day_after(year.end), "Q4 ends the year");
        for (text, kind, quarters) in [
            (format!("H1 FY{fy}"), PeriodKind::HalfYear, 1..=2),
            (format!("H2 FY{fy}"), PeriodKind::HalfYear, 3..=4),
            (format!("9M FY{fy}"), PeriodKind::NineMonths, 1..=3),
        ] {
            let p = period(&text, fye);
            let first = period(&format!("Q{} FY{fy}", quarters.start()), fye);
            let last = period(&format!("Q{} FY{fy}", quarters.end()), fye);
            prop_assert_eq!((p.kind, p.start, p.end), (kind, first.start, last.end), "{}", text);
        }
    }

    #[test]
    fn ttm_ends_with_its_quarter_and_starts_a_year_earlier(
        fye in some_fiscal_year_end(),
        fy in 1902_i32..=2200,
        k in 1_i32..=4,
    ) {
        let ttm = period(&format!("TTM Q{k} FY{fy}"), fye);
        let quarter = period(&format!("Q{k} FY{fy}"), fye);
        let year_before = period(&format!("Q{k} FY{}", fy - 1), fye);
        prop_assert_eq!(ttm.end, quarter.end);
        prop_assert_eq!(ttm.start, Some(day_after(year_before.end)));
        if k == 4 {
            prop_assert_eq!(ttm, period(&format!("FY{fy}"), fye), "TTM Q4 is the fiscal year");
        } else {
            prop_assert_eq!(ttm.kind, PeriodKind::Ttm);
            prop_assert_eq!(&ttm.label, &format!("TTM Q{k} FY{fy}"));
        }
    }

    #[test]
    fn fiscal_periods_resolve_again_from_their_dates_and_labels(
        fye in some_fiscal_year_end(),
        fy in 1902_i32..=2200,
        which in prop::sample::select(vec!["Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", "", "TTM Q1", "TTM Q2", "TTM Q3"]),
    ) {
        let text = format!("{which} FY{fy}");
        let p = period(text.trim(), fye);
        prop_assert_eq!(&Period::from_dates(p.start, p.end, fye), &p);
        prop_assert_eq!(&period(&p.label, fye), &p);
        // The same dates written as a range.
        let start = p.start.unwrap();
        prop_assert_eq!(&period(&format!("{start}..{}", p.end), fye), &p);
    }

    #[test]
    fn any_range_or_instant_resolves_again_from_its_dates(
        fye in some_fiscal_year_end(),
        start in 0_u64..=(300 * 366),
        length in prop_oneof![0_u64..=400, 0_u64..=5000],
        instant in any::<bool>(),
    ) {
        let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let start = first.checked_add_days(Days::new(start)).unwrap();
        let end = start.checked_add_days(Days::new(length)).unwrap();
        prop_assume!(end <= NaiveDate::from_ymd_opt(2200, 12, 31).unwrap());
        let text = if instant { end.to_string() } else { format!("{start}..{end}") };
        let p = period(&text, fye);
        prop_assert_eq!(p.start, (!instant).then_some(start));
        prop_assert_eq!(p.end, end);
        prop_assert_eq!(&Period::from_dates(p.start, p.end, fye), &p);
        // Its label names it again (a late-2200 date may be in FY2201, out of range).
        if p.fiscal_year.is_none_or(|fy| fy <= 2200) {
            prop_assert_eq!(&period(&p.label, fye), &p);
        }
    }

    #[test]
    fn periods_never_panic(text in any::<String>(), fye in some_fiscal_year_end()) {
        let _ = Period::parse(&text, fye);
        let _ = Period::parse(&text, FiscalYearEnd::DECEMBER);
        let _ = Period::parse(&text, "01-31".parse().unwrap());
        let _ = text.parse::<FiscalYearEnd>();
        let _ = parse_date(&text);
    }

    #[test]
    fn period_like_text_never_panics(
        text in "(TTM |ttm )?([QqHh][0-9]|9M|[0-9]{1,5}) ?([Ff][Yy][0-9]{0,5})?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,3}(\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})?|[0-9\u{e9}\u{20ac}\u{1F600}. -]{0,12}",
        fye in some_fiscal_year_end(),
    ) {
        if let Ok(p) = Period::parse(&text, fye) {
            prop_assert_eq!(&Period::from_dates(p.start, p.end, fye), &p);
        }
        let _ = text.parse::<FiscalYearEnd>();
        let _ = parse_date(&text);
    }

    #[test]
    fn fiscal_year_ends_never_panic(text in "[0-9+\u{e9}-]{0,7}|.{0,8}") {
        if let Ok(fye) = text.parse::<FiscalYearEnd>() {
            prop_assert_eq!(fye.to_string().parse::<FiscalYearEnd>(), Ok(fye));
        }
    }
}

#[test]
fn a_multibyte_character_in_the_first_four_bytes_is_no_panic() {
    // Found by `periods_never_panic`: `text[..4]` sliced through the euro sign.
    for text in ["12\u{20ac}", "123\u{e9}", "\u{1F600}1"] {
        let err = Period::parse(text, FiscalYearEnd::DECEMBER).unwrap_err();
        assert!(err.contains("expected"), "{text}: {err}");
    }
}
