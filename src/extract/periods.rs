//! Period expressions in a sentence: years, dates and fiscal periods as written (`Q1 2026`,
//! `Q4 FY2025`, `fiscal 2026`, `first half`, `trailing twelve months`, `May 13, 2026`,
//! `3/31`), with the amzdb period label each names when the text alone says it. Coverage
//! uses the spans to tell a year or a date from a figure; the guesses resolve what the text
//! leaves open (a quarter without its year) against the document's quarter.

use chrono::NaiveDate;

/// What a span is: a year standing alone, a calendar date, or a period expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Year,
    Date,
    Period,
}

/// One period expression: its byte span in the sentence, its kind, and the amzdb period
/// label (`Q1 FY2026`, `FY2025`, `TTM Q1 FY2026`, `2026-03-31`) when the text alone says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub label: Option<String>,
}

/// Every period expression of a sentence, left to right, not overlapping.
pub fn find(sentence: &str) -> Vec<Found> {
    scan(sentence)
        .into_iter()
        .map(|s| Found {
            start: s.start,
            end: s.end,
            kind: s.what.kind(),
            label: s.what.label(),
        })
        .collect()
}

/// A period as written, before the document fills in what it leaves out. `fiscal` is
/// true when the text says fiscal (`FY2026`, `fiscal 2026`): no calendar to convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Year(i32),
    Date {
        year: Option<i32>,
        month: u32,
        day: Option<u32>,
    },
    Quarter {
        q: u8,
        year: Option<i32>,
        fiscal: bool,
    },
    Half {
        h: u8,
        year: Option<i32>,
        fiscal: bool,
    },
    NineMonths {
        year: Option<i32>,
    },
    FiscalYear {
        year: Option<i32>,
    },
    /// Trailing twelve months, ending with the quarter given (or the document's).
    Ttm {
        quarter: Option<(u8, i32)>,
    },
}

impl What {
    pub fn kind(self) -> Kind {
        match self {
            What::Year(_) => Kind::Year,
            What::Date { .. } => Kind::Date,
            _ => Kind::Period,
        }
    }

    /// The amzdb label when the text alone says the whole period.
    pub fn label(self) -> Option<String> {
        match self {
            What::Year(y) | What::FiscalYear { year: Some(y) } => Some(format!("FY{y}")),
            What::Date {
                year: Some(y),
                month,
                day: Some(d),
            } => NaiveDate::from_ymd_opt(y, month, d).map(|d| d.to_string()),
            What::Quarter {
                q, year: Some(y), ..
            } => Some(format!("Q{q} FY{y}")),
            What::Half {
                h, year: Some(y), ..
            } => Some(format!("H{h} FY{y}")),
            What::NineMonths { year: Some(y) } => Some(format!("9M FY{y}")),
            What::Ttm {
                quarter: Some((q, y)),
            } => Some(format!("TTM Q{q} FY{y}")),
            _ => None,
        }
    }
}

/// A period expression with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub what: What,
}

/// A word or number of the sentence (a run of ASCII letters and digits), lowercased.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The words and numbers of a sentence; the lexicon matches phrases on the same words.
pub(crate) fn tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
        match (c.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push(Token {
                    start: st,
                    end: i,
                    text: s[st..i].to_ascii_lowercase(),
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Every period expression of a sentence as written, left to right.
pub fn scan(s: &str) -> Vec<Span> {
    let t = tokens(s);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if let Some((next, what)) = at(s, &t, i) {
            out.push(Span {
                start: t[i].start,
                end: t[next - 1].end,
                what,
            });
            i = next;
        } else {
            i += 1;
        }
    }
    out
}

/// The text between tokens `i` and `i + 1` (empty past the end).
fn gap<'a>(s: &'a str, t: &[Token], i: usize) -> &'a str {
    match (t.get(i), t.get(i + 1)) {
        (Some(a), Some(b)) => &s[a.end..b.start],
        _ => "",
    }
}

/// Whether token `i + 1` follows token `i` with only `allowed` text between.
fn joined(s: &str, t: &[Token], i: usize, allowed: &[&str]) -> bool {
    i + 1 < t.len() && allowed.contains(&gap(s, t, i))
}

const SPACE: &[&str] = &[" ", "-", "\u{a0}"];

/// A four-digit year 1900-2100, or a two-digit one after `FY`/`'` (2000 + it).
/// A date's optional year: the token after `k` when one of `gaps` joins them and `read`
/// takes it as a year. The index after what was read, and the year.
fn then_year(
    s: &str,
    t: &[Token],
    k: usize,
    gaps: &[&str],
    read: fn(&str) -> Option<i32>,
) -> (usize, Option<i32>) {
    match joined(s, t, k, gaps)
        .then(|| read(&t[k + 1].text))
        .flatten()
    {
        Some(y) => (k + 2, Some(y)),
        None => (k + 1, None),
    }
}

fn four_digit_year(text: &str) -> Option<i32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|y| (1900..=2100).contains(y))
}

fn short_year(text: &str) -> Option<i32> {
    match text.len() {
        2 if text.bytes().all(|b| b.is_ascii_digit()) => text.parse::<i32>().ok().map(|y| 2000 + y),
        _ => four_digit_year(text),
    }
}

/// The year that follows token `i` ("2026", "FY2026", "fiscal 2026", "of 2026", "'26"),
/// as the index after it, the year and whether it was fiscal.
fn year_after(s: &str, t: &[Token], i: usize) -> Option<(usize, i32, bool)> {
    let g = gap(s, t, i);
    let n = t.get(i + 1)?;
    if ["'", "\u{2019}"].contains(&g) {
        return short_year(&n.text).map(|y| (i + 2, y, false));
    }
    if !SPACE.contains(&g) && g != ", " {
        return None;
    }
    if let Some(y) = four_digit_year(&n.text) {
        return Some((i + 2, y, false));
    }
    if let Some(y) = n.text.strip_prefix("fy").and_then(short_year) {
        return Some((i + 2, y, true));
    }
    if n.text == "fy" && joined(s, t, i + 1, &[" ", "'", "\u{2019}"]) {
        return short_year(&t[i + 2].text).map(|y| (i + 3, y, true));
    }
    if g == ", " {
        return None;
    }
    if n.text == "fiscal" || n.text == "of" || n.text == "in" {
        let mut j = i + 1;
        let mut fiscal = n.text == "fiscal";
        if (n.text == "of" || n.text == "in")
            && joined(s, t, j, &[" "])
            && t[j + 1].text == "fiscal"
        {
            j += 1;
            fiscal = true;
        }
        if fiscal && joined(s, t, j, &[" "]) && t[j + 1].text == "year" {
            j += 1;
        }
        if let Some((next, y, f)) = year_after(s, t, j) {
            return Some((next, y, f || fiscal));
        }
    }
    None
}

fn ordinal(text: &str) -> Option<u8> {
    match text {
        "first" | "1st" => Some(1),
        "second" | "2nd" => Some(2),
        "third" | "3rd" => Some(3),
        "fourth" | "4th" => Some(4),
        _ => None,
    }
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(text: &str) -> Option<u32> {
    if let Some(m) = MONTHS.iter().position(|m| *m == text) {
        return Some(m as u32 + 1);
    }
    // Abbreviations, not "may" and "mar" as words: those need a day after them.
    let short = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if text == "sept" {
        return Some(9);
    }
    short.iter().position(|m| *m == text).map(|m| m as u32 + 1)
}

fn day(text: &str) -> Option<u32> {
    let d: u32 = (text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()?;
    (1..=31).contains(&d).then_some(d)
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `q1`, `q1fy26`, `1q26`, `1q`, `q12026`: a quarter and maybe its year.
fn quarter_token(text: &str) -> Option<(u8, Option<(i32, bool)>)> {
    numbered_token(text, 'q', 4)
}

/// `h1`, `h2fy26`, `1h26`: a half and maybe its year.
fn half_token(text: &str) -> Option<(u8, Option<(i32, bool)>)> {
    numbered_token(text, 'h', 2)
}

/// A part of a year written with its letter before or after its number (`q1`, `1q`), then
/// maybe a year (`fy26`: fiscal, `26` or `2026`: as written): the number (1 to `last`) and
/// the year with whether it was fiscal.
fn numbered_token(text: &str, letter: char, last: u8) -> Option<(u8, Option<(i32, bool)>)> {
    let (n, rest) = if let Some(r) = text.strip_prefix(letter) {
        (r.get(..1)?, &r[1..])
    } else {
        let (n, r) = text.split_at_checked(1)?;
        (n, r.strip_prefix(letter)?)
    };
    let n: u8 = n.parse().ok().filter(|n| (1..=last).contains(n))?;
    if rest.is_empty() {
        return Some((n, None));
    }
    if let Some(y) = rest.strip_prefix("fy").and_then(short_year) {
        return Some((n, Some((y, true))));
    }
    short_year(rest).map(|y| (n, Some((y, false))))
}

/// A number token that is part of a larger number ("2,026", "2026.5", "$2026"): not a year.
fn inside_number(s: &str, tok: &Token) -> bool {
    let before = s[..tok.start].chars().next_back();
    let after = &s[tok.end..];
    matches!(before, Some('$' | '.' | ',' | '#'))
        || after.starts_with('%')
        || (after.starts_with(['.', ',']) && after[1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// The period expression starting at token `i`: the index after it and what it is.
fn at(s: &str, t: &[Token], i: usize) -> Option<(usize, What)> {
    let w = t[i].text.as_str();
    // ISO dates: 2026-05-13.
    if let Some(y) = four_digit_year(w) {
        if joined(s, t, i, &["-"]) && joined(s, t, i + 1, &["-"]) {
            let (m, d) = (&t[i + 1].text, &t[i + 2].text);
            if m.len() == 2 && d.len() == 2 && digits(m) && digits(d) {
                let (m, d) = (m.parse().ok()?, d.parse().ok()?);
                if NaiveDate::from_ymd_opt(y, m, d).is_some() {
                    return Some((
                        i + 3,
                        What::Date {
                            year: Some(y),
                            month: m,
                            day: Some(d),
                        },
                    ));
                }
            }
        }
    }
    // 3/31, 3/31/2026, 3/31/26.
    if digits(w) && w.len() <= 2 && joined(s, t, i, &["/"]) && !s[..t[i].start].ends_with('/') {
        if let (Ok(m), Some(d)) = (w.parse::<u32>(), day(&t[i + 1].text)) {
            if (1..=12).contains(&m) && NaiveDate::from_ymd_opt(2024, m, d).is_some() {
                let (next, year) = then_year(s, t, i + 1, &["/"], short_year);
                return Some((
                    next,
                    What::Date {
                        year,
                        month: m,
                        day: Some(d),
                    },
                ));
            }
        }
    }
    // May 13, 2026; March 31; March 2026; Sept. 30.
    if let Some(m) = month(w) {
        let j = i;
        if joined(s, t, j, &[" ", ". ", "\u{a0}"]) {
            if let Some(d) = day(&t[j + 1].text) {
                let (next, year) = then_year(s, t, j + 1, &[", ", " ", ","], four_digit_year);
                return Some((
                    next,
                    What::Date {
                        year,
                        month: m,
                        day: Some(d),
                    },
                ));
            }
            let full = MONTHS.contains(&w);
            if let Some(y) = four_digit_year(&t[j + 1].text).filter(|_| full) {
                return Some((
                    j + 2,
                    What::Date {
                        year: Some(y),
                        month: m,
                        day: None,
                    },
                ));
            }
        }
    }
    // 13 May 2026.
    if let Some(d) = day(w) {
        if joined(s, t, i, &[" "]) {
            if let Some(m) =
                month(&t[i + 1].text).filter(|_| MONTHS.contains(&t[i + 1].text.as_str()))
            {
                let (next, year) = then_year(s, t, i + 1, &[" ", ", "], four_digit_year);
                return Some((
                    next,
                    What::Date {
                        year,
                        month: m,
                        day: Some(d),
                    },
                ));
            }
        }
    }
    // Fiscal words: "fiscal Q1 2026", "fiscal 2026", "fiscal year 2026".
    if w == "fiscal" {
        if let Some((next, what)) = t.get(i + 1).and_then(|_| at(s, t, i + 1)) {
            if SPACE.contains(&gap(s, t, i)) {
                let what = match what {
                    What::Quarter { q, year, .. } => What::Quarter {
                        q,
                        year,
                        fiscal: true,
                    },
                    What::Half { h, year, .. } => What::Half {
                        h,
                        year,
                        fiscal: true,
                    },
                    What::Year(y) => What::FiscalYear { year: Some(y) },
                    other => other,
                };
                return Some((next, what));
            }
        }
        let mut j = i;
        if joined(s, t, j, &[" "]) && t[j + 1].text == "year" {
            j += 1;
        }
        if let Some((next, y, _)) = year_after(s, t, j) {
            return Some((next, What::FiscalYear { year: Some(y) }));
        }
        return None;
    }
    // FY2026, FY26, FY 2026, FY'26.
    if let Some(y) = w.strip_prefix("fy").and_then(short_year) {
        return Some((i + 1, What::FiscalYear { year: Some(y) }));
    }
    if w == "fy" && joined(s, t, i, &[" ", "'", "\u{2019}"]) {
        if let Some(y) = short_year(&t[i + 1].text) {
            return Some((i + 2, What::FiscalYear { year: Some(y) }));
        }
    }
    // Full-year 2026, full year, calendar 2026.
    if w == "full" && joined(s, t, i, SPACE) && ["year", "yr"].contains(&t[i + 1].text.as_str()) {
        return Some(match year_after(s, t, i + 1) {
            Some((next, y, _)) => (next, What::FiscalYear { year: Some(y) }),
            None => (i + 2, What::FiscalYear { year: None }),
        });
    }
    if w == "calendar" {
        if let Some((next, y, _)) = year_after(s, t, i) {
            return Some((next, What::FiscalYear { year: Some(y) }));
        }
    }
    // Q1, Q1 2026, Q1 FY2026, Q1'26, 1Q26, Q1FY26.
    if let Some((q, year)) = quarter_token(w) {
        if year.is_some() || !(s[t[i].end..].starts_with(|c: char| c.is_ascii_digit())) {
            return Some(with_year(s, t, i, year, |year, fiscal| What::Quarter {
                q,
                year,
                fiscal,
            }));
        }
    }
    // H1 2026, 1H26, H2 FY2026.
    if let Some((h, year)) = half_token(w) {
        return Some(with_year(s, t, i, year, |year, fiscal| What::Half {
            h,
            year,
            fiscal,
        }));
    }
    // First quarter [of 2026], second-quarter, first half [of fiscal 2026].
    if let Some(n) = ordinal(w) {
        if joined(s, t, i, SPACE) {
            let next = t[i + 1].text.as_str();
            if next == "quarter" || next == "qtr" {
                return Some(with_year(s, t, i + 1, None, |year, fiscal| What::Quarter {
                    q: n,
                    year,
                    fiscal,
                }));
            }
            if next == "half" && n <= 2 {
                return Some(with_year(s, t, i + 1, None, |year, fiscal| What::Half {
                    h: n,
                    year,
                    fiscal,
                }));
            }
        }
    }
    // First nine months [of 2026].
    if w == "nine" && joined(s, t, i, SPACE) && t[i + 1].text == "months" {
        return Some(with_year(s, t, i + 1, None, |year, _| What::NineMonths {
            year,
        }));
    }
    // Trailing twelve months, trailing-12-month, TTM, LTM, last/past twelve months.
    let ttm_words = ["trailing", "last", "past"];
    if ttm_words.contains(&w) && joined(s, t, i, SPACE) {
        let n = t[i + 1].text.as_str();
        if (n == "twelve" || n == "12") && joined(s, t, i + 1, SPACE) {
            let m = t[i + 2].text.as_str();
            if m == "months" || m == "month" {
                return Some(ttm_end(s, t, i + 3));
            }
        }
    }
    if w == "ttm" || w == "ltm" {
        return Some(ttm_end(s, t, i + 1));
    }
    // A year alone.
    if let Some(y) = four_digit_year(w) {
        if !inside_number(s, &t[i]) {
            return Some((i + 1, What::Year(y)));
        }
    }
    None
}

/// A quarter or half at token `i` (its year in the token or not) with the year that
/// follows it, if any.
fn with_year(
    s: &str,
    t: &[Token],
    i: usize,
    year: Option<(i32, bool)>,
    make: impl Fn(Option<i32>, bool) -> What,
) -> (usize, What) {
    if let Some((y, fiscal)) = year {
        return (i + 1, make(Some(y), fiscal));
    }
    match year_after(s, t, i) {
        Some((next, y, fiscal)) => (next, make(Some(y), fiscal)),
        None => (i + 1, make(None, false)),
    }
}

/// Trailing twelve months, with the quarter it ends in when one follows ("TTM Q1 FY2026").
fn ttm_end(s: &str, t: &[Token], next: usize) -> (usize, What) {
    if next < t.len() && SPACE.contains(&gap(s, t, next - 1)) {
        if let Some((
            after,
            What::Quarter {
                q, year: Some(y), ..
            },
        )) = at(s, t, next)
        {
            return (
                after,
                What::Ttm {
                    quarter: Some((q, y)),
                },
            );
        }
    }
    (next, What::Ttm { quarter: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text of the span, kind, label) of each expression found.
    fn spans(s: &str) -> Vec<(&str, Kind, Option<String>)> {
        find(s)
            .into_iter()
            .map(|f| (&s[f.start..f.end], f.kind, f.label))
            .collect()
    }

    fn one(s: &str, text: &str, kind: Kind, label: Option<&str>) {
        assert_eq!(spans(s), vec![(text, kind, label.map(String::from))], "{s}");
    }

    #[test]
    fn quarters_in_every_spelling() {
        use Kind::Period;
        one(
            "capex in Q1 2026 rose",
            "Q1 2026",
            Period,
            Some("Q1 FY2026"),
        );
        one("in Q1 FY2026,", "Q1 FY2026", Period, Some("Q1 FY2026"));
        one("the Q4 FY2025 call", "Q4 FY2025", Period, Some("Q4 FY2025"));
        one("Q4 FY25 and", "Q4 FY25", Period, Some("Q4 FY2025"));
        one("in 1Q26 the", "1Q26", Period, Some("Q1 FY2026"));
        one("Q1'26 results", "Q1'26", Period, Some("Q1 FY2026"));
        one(
            "first quarter of 2026",
            "first quarter of 2026",
            Period,
            Some("Q1 FY2026"),
        );
        one("the fourth-quarter results", "fourth-quarter", Period, None);
        one(
            "third quarter of fiscal 2026",
            "third quarter of fiscal 2026",
            Period,
            Some("Q3 FY2026"),
        );
        one(
            "fiscal Q2 2026 sales",
            "fiscal Q2 2026",
            Period,
            Some("Q2 FY2026"),
        );
        one("a Q1 beat", "Q1", Period, None);
    }

    #[test]
    fn years_halves_and_trailing_periods() {
        use Kind::{Period, Year};
        one("FY2025 revenue", "FY2025", Period, Some("FY2025"));
        one("for fiscal 2026,", "fiscal 2026", Period, Some("FY2026"));
        one(
            "full-year 2026 capex",
            "full-year 2026",
            Period,
            Some("FY2026"),
        );
        one("full year guidance", "full year", Period, None);
        one("since 2022,", "2022", Year, Some("FY2022"));
        one("H1 2026 growth", "H1 2026", Period, Some("H1 FY2026"));
        one("in the first half", "first half", Period, None);
        one(
            "second half of 2026",
            "second half of 2026",
            Period,
            Some("H2 FY2026"),
        );
        one(
            "trailing twelve months",
            "trailing twelve months",
            Period,
            None,
        );
        one("trailing 12-month FCF", "trailing 12-month", Period, None);
        one("last twelve months", "last twelve months", Period, None);
        one(
            "TTM Q1 FY2026 FCF",
            "TTM Q1 FY2026",
            Period,
            Some("TTM Q1 FY2026"),
        );
        one("TTM FCF of $1.2B", "TTM", Period, None);
        one(
            "first nine months of 2026",
            "nine months of 2026",
            Period,
            Some("9M FY2026"),
        );
    }

    #[test]
    fn dates() {
        use Kind::Date;
        one("as of 2026-05-13.", "2026-05-13", Date, Some("2026-05-13"));
        one(
            "on May 13, 2026 the",
            "May 13, 2026",
            Date,
            Some("2026-05-13"),
        );
        one("as of March 31 the", "March 31", Date, None);
        one("at 3/31 backlog", "3/31", Date, None);
        one("on 3/31/2026", "3/31/2026", Date, Some("2026-03-31"));
        one("by 13 May 2026", "13 May 2026", Date, Some("2026-05-13"));
        one("as of March 2026,", "March 2026", Date, None);
        one("Sept. 30, 2025", "Sept. 30, 2025", Date, Some("2025-09-30"));
    }

    #[test]
    fn figures_and_words_are_not_periods() {
        for s in [
            "$44.2 billion",
            "up 28%",
            "$2,026 per unit",
            "2026.5",
            "24/7 Wall St",
            "may be 15 days",
            "a 10-K",
            "P/E 36.2",
            "Q5 is not a quarter",
            "the first 3 years",
        ] {
            assert_eq!(spans(s), vec![], "{s}");
        }
    }

    #[test]
    fn several_in_one_sentence() {
        let s = "$44.2 billion in Q1 2026, up 77% from $25 billion in Q1 2025 and 2025-2026 plans";
        let labels: Vec<_> = spans(s).into_iter().map(|(t, _, l)| (t, l)).collect();
        assert_eq!(
            labels,
            vec![
                ("Q1 2026", Some("Q1 FY2026".into())),
                ("Q1 2025", Some("Q1 FY2025".into())),
                ("2025", Some("FY2025".into())),
                ("2026", Some("FY2026".into())),
            ]
        );
    }

    proptest::proptest! {
        /// Whatever the text: spans in order, not overlapping, on character boundaries.
        #[test]
        fn any_text_gives_well_formed_spans(
            s in "([ a-zA-Z$%,./'-]|[0-9]{1,4}|Q[0-9]|FY|fiscal|first|quarter|May|é|—){0,30}"
        ) {
            let mut last = 0;
            for f in find(&s) {
                proptest::prop_assert!(last <= f.start && f.start < f.end && f.end <= s.len());
                proptest::prop_assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end));
                last = f.end;
            }
        }
    }
}
