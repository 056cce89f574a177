//! Coverage of a document by the database: every number of its text (each quantity the
//! drafting finder sees, and every other numeric token), and whether a stored fact quotes
//! it (`covered`), a skip row says why it is not a fact (`skipped`), or neither
//! (`uncovered`). Owns the quote rule (`quoted_from`) and the skip file format.

use super::{periods, quantities};
use crate::error::{Error, Problem, Problems, Result};
use crate::parse::value::parse_value;
use rusqlite::types::Value;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;

/// The skip rows kept with amzdb (`extract/skips.csv` at the repository root).
const BUILT_IN_SKIPS: &str = include_str!("../../extract/skips.csv");
/// The name the built-in skip file goes by in messages.
const BUILT_IN_NAME: &str = "extract/skips.csv (built in)";

/// The columns of a skip file, in order.
pub const SKIP_COLUMNS: &[&str] = &["document", "sentence", "number", "reason"];

/// The shortest part of a quote (between `...`) that counts as taken from a sentence,
/// in characters: shorter pieces ("was $5", "in 2026") occur in too many sentences.
const MIN_QUOTED: usize = 12;

/// Whether a stored quote is taken from `sentence`: split at `...` and `…` (a quote that
/// leaves words out), with whitespace collapsed, some part of at least 12 characters occurs
/// in the sentence, or the sentence occurs in the quote (a quote of several sentences).
pub fn quoted_from(quote: &str, sentence: &str) -> bool {
    Quote::new(quote).taken_from(&collapse(sentence))
}

/// A quote prepared for `quoted_from`'s rule once, rather than for every sentence.
struct Quote {
    /// The whole quote, whitespace collapsed.
    whole: String,
    /// Its parts between `...`/`…` long enough to count, whitespace collapsed.
    parts: Vec<String>,
}

impl Quote {
    fn new(quote: &str) -> Quote {
        Quote {
            whole: collapse(quote),
            parts: quote
                .split("...")
                .flat_map(|part| part.split('…'))
                .map(collapse)
                .filter(|part| part.chars().count() >= MIN_QUOTED)
                .collect(),
        }
    }

    /// Whether this quote is taken from a sentence whose whitespace is collapsed.
    fn taken_from(&self, sentence: &str) -> bool {
        !sentence.is_empty()
            && (self.whole.contains(sentence) || self.parts.iter().any(|p| sentence.contains(p)))
    }
}

/// Text with every run of whitespace made one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One number of a sentence: its byte span there, its text and its amount in base units
/// (both ends of a range), when it has one amzdb could store.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub amount: Option<Decimal>,
    pub amount_high: Option<Decimal>,
}

impl Item {
    /// The amount as shown: `44200000000`, a range as `22..24`, empty when none.
    pub fn amount_text(&self) -> String {
        match (self.amount, self.amount_high) {
            (Some(low), Some(high)) => format!("{}..{}", low.normalize(), high.normalize()),
            (Some(low), None) => low.normalize().to_string(),
            _ => String::new(),
        }
    }
}

/// The numbers of a sentence, left to right: every quantity the drafting finder sees
/// (hedge and range included in its text), then every other run of digits (with internal
/// `,` or `.` before a digit) outside those spans: list numbers, years, the 1 of `Q1`.
pub fn items(sentence: &str) -> Vec<Item> {
    let found = quantities::find(sentence);
    let mut items: Vec<Item> = found
        .iter()
        .map(|q| Item {
            start: q.start,
            end: q.end,
            text: sentence[q.start..q.end].to_string(),
            amount: decimal(&q.amount),
            amount_high: q
                .value_high
                .as_deref()
                .and_then(|v| parse_value(v).ok())
                .map(|p| p.amount),
        })
        .collect();
    let bytes = sentence.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit()
                || (matches!(bytes[i], b',' | b'.')
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
        }
        if found.iter().any(|q| start < q.end && q.start < i) {
            continue;
        }
        let text = &sentence[start..i];
        items.push(Item {
            start,
            end: i,
            text: text.to_string(),
            amount: decimal(&text.replace(',', "")),
            amount_high: None,
        });
    }
    items.sort_by_key(|item| item.start);
    items
}

/// A decimal written plainly (`44200000000`, `2.78`, `-3`), or None.
fn decimal(text: &str) -> Option<Decimal> {
    text.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// The amount of a stored value: an INTEGER exactly, a REAL as the decimal it prints back
/// as (amzdb stores a decimal with a fraction as the REAL whose shortest form is that
/// decimal: `2.78`), so that amounts compare exactly, never within a tolerance.
fn stored_amount(value: &Value) -> Option<Decimal> {
    match value {
        Value::Integer(i) => Some(Decimal::from(*i)),
        Value::Real(r) => decimal(&r.to_string()),
        _ => None,
    }
}

/// The key amounts are compared by: the same number, sign aside (a fall or a loss may be
/// stored negative however the sentence words it: "down 3%", "a loss of $2 billion").
fn key(amount: Decimal) -> Decimal {
    amount.abs().normalize()
}

/// The stored facts that have a quote, indexed by amount.
pub struct Facts {
    /// (fact id, quote).
    quotes: Vec<(i64, Quote)>,
    /// Amount (see `key`) -> indexes into `quotes`, from `value` and `value_high`.
    by_amount: HashMap<Decimal, Vec<usize>>,
}

impl Facts {
    /// Reads every fact with a quote (read only).
    pub fn load(conn: &Connection) -> Result<Facts> {
        let mut stmt = conn.prepare(include_str!("../sql/coverage_facts.sql"))?;
        let mut rows = stmt.query([])?;
        let mut facts = Facts {
            quotes: Vec::new(),
            by_amount: HashMap::new(),
        };
        while let Some(row) = rows.next()? {
            let at = facts.quotes.len();
            for column in [1, 2] {
                if let Some(amount) = stored_amount(&row.get::<_, Value>(column)?) {
                    let slot = facts.by_amount.entry(key(amount)).or_default();
                    if slot.last() != Some(&at) {
                        slot.push(at);
                    }
                }
            }
            let quote: String = row.get(3)?;
            facts.quotes.push((row.get(0)?, Quote::new(&quote)));
        }
        Ok(facts)
    }

    /// The ids of the facts that have one of the item's amounts and quote its sentence.
    pub fn covering(&self, item: &Item, sentence: &Sentence) -> Vec<i64> {
        let mut ids: Vec<i64> = [item.amount, item.amount_high]
            .into_iter()
            .flatten()
            .filter_map(|amount| self.by_amount.get(&key(amount)))
            .flatten()
            .map(|&at| &self.quotes[at])
            .filter(|(_, quote)| quote.taken_from(&sentence.collapsed))
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// A kind of number a skip row can name instead of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A standalone year (`2026`).
    Year,
    /// A number of a date (`2026-05-13`, `May 13, 2026`, `3/31`).
    Date,
    /// A number inside a period expression (`Q1`, `FY2026`, `H1 2026`).
    Period,
    /// Every number of the sentence.
    Any,
}

/// The classes as a skip file writes them.
const CLASSES: &[(&str, Class)] = &[
    ("<year>", Class::Year),
    ("<date>", Class::Date),
    ("<period>", Class::Period),
    ("<any>", Class::Any),
];

/// What a skip row's `number` names.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// A figure as written (`67.0`, `$2787.9B`), whitespace collapsed.
    Written(String),
    Class(Class),
}

impl std::fmt::Display for Number {
    /// As a message names it: `"67.0"`, or a class as a skip file writes it (`<year>`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Written(n) => write!(f, "{n:?}"),
            Number::Class(class) => {
                let written = CLASSES.iter().find(|(_, c)| c == class);
                write!(f, "a number of {}", written.map_or("?", |(w, _)| *w))
            }
        }
    }
}

/// One row of a skip file.
#[derive(Debug, Clone)]
pub struct Skip {
    /// A document's file name; None for `*`, every document.
    pub document: Option<String>,
    /// Text of the sentence, whitespace collapsed; empty for any sentence.
    pub sentence: String,
    pub number: Number,
    pub reason: String,
    /// Where the row is: `file:line`.
    pub origin: String,
}

/// The skip rows in force: the built-in ones, then those of each `--skips` file.
#[derive(Debug, Clone, Default)]
pub struct Skips {
    pub rows: Vec<Skip>,
}

impl Skips {
    /// The built-in rows and those of these files; every malformed row of every file is
    /// reported, naming its file, line and column.
    pub fn load(files: &[std::path::PathBuf]) -> Result<Skips> {
        let mut problems = Problems::default();
        let mut skips = Skips::default();
        let mut add = |name: &str, text: &str| match parse_skips(name, text) {
            Ok(rows) => skips.rows.extend(rows),
            Err(found) => found.into_iter().for_each(|p| problems.push(p)),
        };
        add(BUILT_IN_NAME, BUILT_IN_SKIPS);
        for file in files {
            let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
            add(&file.display().to_string(), &text);
        }
        if problems.is_empty() {
            Ok(skips)
        } else {
            Err(Error::Input(problems))
        }
    }

    /// The first row that skips `item` of `sentence` in the document named `document`
    /// (a file name), given the spans of the sentence's dates, years and periods.
    pub fn find(
        &self,
        document: &str,
        sentence: &Sentence,
        item: &Item,
        spans: &[(usize, usize, Class)],
    ) -> Option<&Skip> {
        self.rows.iter().find(|row| {
            row.document.as_deref().is_none_or(|d| d == document)
                && sentence.collapsed.contains(&row.sentence)
                && match &row.number {
                    Number::Class(Class::Any) => true,
                    Number::Class(class) => spans
                        .iter()
                        .any(|(s, e, c)| c == class && *s <= item.start && item.end <= *e),
                    Number::Written(number) => sentence.written_at(number, item),
                }
        })
    }
}

/// A sentence with its whitespace-collapsed text, and where each byte of that text is in
/// the sentence, so that skip rows match however the document wraps its lines.
pub struct Sentence<'a> {
    pub text: &'a str,
    collapsed: String,
    /// The sentence offset of each byte of `collapsed` (one more entry: the end).
    at: Vec<usize>,
}

impl<'a> Sentence<'a> {
    pub fn new(text: &'a str) -> Sentence<'a> {
        let mut collapsed = String::with_capacity(text.len());
        let mut at = Vec::with_capacity(text.len() + 1);
        let mut space = None;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                space = space.or(Some(i));
                continue;
            }
            if let Some(s) = space.take().filter(|_| !collapsed.is_empty()) {
                collapsed.push(' ');
                at.push(s);
            }
            collapsed.push(c);
            at.extend(i..i + c.len_utf8());
        }
        at.push(text.len());
        Sentence {
            text,
            collapsed,
            at,
        }
    }

    /// Whether `number` is written in the sentence on token boundaries (not inside a
    /// longer number or word) where it overlaps the item: `24%` names the range
    /// `22%-24%`, `Q1` the `1` in it, but `2` names neither `22%` nor `44.2`.
    fn written_at(&self, number: &str, item: &Item) -> bool {
        self.collapsed.match_indices(number).any(|(from, found)| {
            let to = from + found.len();
            let (start, end) = (self.at[from], self.at[to - 1] + 1);
            start < item.end && item.start < end && on_boundaries(&self.collapsed, from, to)
        })
    }
}

/// Whether `text[from..to]` is a token of its own: not continued on either side by a
/// letter or digit of the same kind as its edge, nor by the `.`/`,` of a number (`44.2`
/// holds no `2`).
fn on_boundaries(text: &str, from: usize, to: usize) -> bool {
    let found = &text[from..to];
    let mut before = text[..from].chars().rev();
    let mut after = text[to..].chars();
    !continues(found.chars().next(), before.next(), before.next())
        && !continues(found.chars().next_back(), after.next(), after.next())
}

/// Whether `next` (and `further`, beyond it) continue a token whose edge is `edge`.
fn continues(edge: Option<char>, next: Option<char>, further: Option<char>) -> bool {
    let (Some(edge), Some(next)) = (edge, next) else {
        return false;
    };
    (edge.is_ascii_digit() && next.is_ascii_digit())
        || (edge.is_alphabetic() && next.is_alphabetic())
        || (edge.is_ascii_digit()
            && matches!(next, '.' | ',')
            && further.is_some_and(|c| c.is_ascii_digit()))
}

/// The rows of a skip file, or every problem found in it.
fn parse_skips(name: &str, text: &str) -> std::result::Result<Vec<Skip>, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let problem = |line: u64, message: String| Problem::file(name, message).at(line);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![problem(1, format!("not a CSV file: {e}"))]),
    };
    let header: Vec<&str> = headers.iter().map(str::trim).collect();
    if header != SKIP_COLUMNS {
        let missing: Vec<&str> = SKIP_COLUMNS
            .iter()
            .filter(|c| !header.contains(c))
            .copied()
            .collect();
        let extra: Vec<&str> = header
            .iter()
            .filter(|c| !SKIP_COLUMNS.contains(c))
            .copied()
            .collect();
        let mut what = Vec::new();
        if !missing.is_empty() {
            what.push(format!("missing column(s) {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            what.push(format!("unknown column(s) {}", extra.join(", ")));
        }
        if what.is_empty() {
            what.push("columns out of order".into());
        }
        return Err(vec![problem(
            1,
            format!(
                "{}: a skip file's header is exactly `{}`",
                what.join("; "),
                SKIP_COLUMNS.join(",")
            ),
        )]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(problem(line, format!("not a CSV row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != SKIP_COLUMNS.len() {
            problems.push(problem(
                line,
                format!(
                    "{} fields where the header has {} ({}); quote a field that holds a comma",
                    record.len(),
                    SKIP_COLUMNS.len(),
                    SKIP_COLUMNS.join(",")
                ),
            ));
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or_default();
        let bad = |column: &str, value: &str, message: &str| {
            problem(line, message.to_string()).column(column, value)
        };
        let before = problems.len();
        let document = field(0).trim();
        if document.is_empty() || document.contains(['/', '\\']) {
            problems.push(bad(
                "document",
                document,
                "expected a document's file name without its directory \
                 (002_deb631aed1232dbf.txt) or * for every document",
            ));
        }
        let number = field(2).trim();
        let parsed = if number.starts_with('<') {
            match CLASSES.iter().find(|(written, _)| *written == number) {
                Some((_, class)) => Some(Number::Class(*class)),
                None => {
                    problems.push(bad(
                        "number",
                        number,
                        "not a class: expected <year>, <date>, <period> or <any>, \
                         or a figure as written in the text",
                    ));
                    None
                }
            }
        } else if number.is_empty() {
            problems.push(bad(
                "number",
                number,
                "expected a figure as written in the text (67.0, $2787.9B, 24%) or a class: \
                 <year>, <date>, <period>, <any>",
            ));
            None
        } else {
            Some(Number::Written(collapse(number)))
        };
        let reason = field(3).trim();
        if reason.is_empty() {
            problems.push(bad(
                "reason",
                reason,
                "every skip needs a reason (section numbering, the page's own score, \
                 a date, restates the claim stored from \"...\")",
            ));
        }
        if let (true, Some(number)) = (problems.len() == before, parsed) {
            rows.push(Skip {
                document: (document != "*").then(|| document.to_string()),
                sentence: collapse(field(1)),
                number,
                reason: reason.to_string(),
                origin: format!("{name}:{line}"),
            });
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// What coverage found for one item.
#[derive(Debug, Clone)]
pub enum Status<'a> {
    /// The ids of the facts that quote it.
    Covered(Vec<i64>),
    Skipped(&'a Skip),
    Uncovered,
}

impl Status<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Covered(_) => "covered",
            Status::Skipped(_) => "skipped",
            Status::Uncovered => "uncovered",
        }
    }
}

/// The status of every number of one sentence of the document named `document`.
pub fn check<'s>(
    document: &str,
    sentence: &str,
    facts: &Facts,
    skips: &'s Skips,
) -> Vec<(Item, Status<'s>)> {
    let items = items(sentence);
    if items.is_empty() {
        return Vec::new();
    }
    let context = Sentence::new(sentence);
    let spans = class_spans(sentence);
    items
        .into_iter()
        .map(|item| {
            let ids = facts.covering(&item, &context);
            let status = if !ids.is_empty() {
                Status::Covered(ids)
            } else if let Some(skip) = skips.find(document, &context, &item, &spans) {
                Status::Skipped(skip)
            } else {
                Status::Uncovered
            };
            (item, status)
        })
        .collect()
}

/// The spans of the sentence's years, dates and periods, for the skip classes: the
/// period finder's, so that coverage and the period guess read dates alike.
fn class_spans(sentence: &str) -> Vec<(usize, usize, Class)> {
    periods::find(sentence)
        .into_iter()
        .map(|f| {
            let class = match f.kind {
                periods::Kind::Year => Class::Year,
                periods::Kind::Date => Class::Date,
                periods::Kind::Period => Class::Period,
            };
            (f.start, f.end, class)
        })
        .collect()
}

/// The file name a skip row's `document` is compared with.
pub fn document_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_taken_from_a_sentence_by_a_long_enough_part() {
        let s = "Capex was $44.2 billion in Q1,  up 77%\nfrom a year earlier.";
        assert!(quoted_from(
            "Capex was $44.2 billion in Q1, up 77% from a year earlier.",
            s
        ));
        assert!(quoted_from("Capex was $44.2 billion ... up 77%", s));
        assert!(quoted_from("Capex was $44.2 billion… up 77%", s));
        // The sentence inside a longer quote.
        assert!(quoted_from(&format!("Before. {s} After."), s));
        // Parts shorter than 12 characters do not count.
        assert!(!quoted_from("up 77% ... in Q1", s));
        assert!(!quoted_from("Capex was $45 billion", s));
        assert!(!quoted_from("", s));
        assert!(!quoted_from("anything at all here", ""));
    }

    #[test]
    fn items_are_quantities_then_every_other_number() {
        let s = "1. In Q1 2026 capex was about $44.2 billion, 22%-24% of 1,234.5 sales.";
        let got: Vec<(String, String)> = items(s)
            .iter()
            .map(|i| (i.text.clone(), i.amount_text()))
            .collect();
        let want = [
            ("1", "1"),
            ("1", "1"),
            ("2026", "2026"),
            ("about $44.2 billion", "44200000000"),
            ("22%-24%", "22..24"),
            ("1,234.5", "1234.5"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect();
        assert_eq!(got, want);
        for item in items(s) {
            assert_eq!(&s[item.start..item.end], item.text);
        }
    }

    #[test]
    fn stored_reals_compare_as_the_decimals_they_print_as() {
        let real = stored_amount(&Value::Real(2.78));
        assert_eq!(real, Some(Decimal::new(278, 2)));
        assert_eq!(
            stored_amount(&Value::Integer(44_199_999_999)).map(key),
            Some(Decimal::from(44_199_999_999_i64))
        );
        assert_ne!(
            stored_amount(&Value::Integer(44_199_999_999)).map(key),
            decimal("44200000000").map(key)
        );
        assert_eq!(key(Decimal::new(-30, 1)), key(Decimal::from(3)));
    }

    fn skips(text: &str) -> std::result::Result<Vec<Skip>, Vec<String>> {
        parse_skips("s.csv", text).map_err(|p| p.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn skip_rows_name_document_sentence_number_and_reason() {
        let rows = skips(
            "document,sentence,number,reason\n\
             *,,<year>,a year\n\
             002_x.txt,\"Conviction   67.0\",67.0,the page's own score\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].document, None);
        assert_eq!(rows[0].number, Number::Class(Class::Year));
        assert_eq!(rows[1].document.as_deref(), Some("002_x.txt"));
        assert_eq!(rows[1].sentence, "Conviction 67.0");
        assert_eq!(rows[1].origin, "s.csv:3");
    }

    #[test]
    fn malformed_skip_rows_are_refused_with_file_line_column_and_value() {
        let errors =
            skips("document,sentence,number,reason\n*,,<yr>,x\n*,,5, \n,,5,x\n").unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("s.csv:2: column 'number': \"<yr>\": not a class"));
        assert!(errors[1].starts_with("s.csv:3: column 'reason': \"\": every skip needs"));
        assert!(errors[2].starts_with("s.csv:4: column 'document': \"\": expected"));
        let missing = skips("document,sentence,number\n*,,5\n").unwrap_err();
        assert!(
            missing[0].starts_with("s.csv:1: missing column(s) reason"),
            "{missing:?}"
        );
    }

    #[test]
    fn a_written_number_matches_on_token_boundaries_overlapping_the_item() {
        let s = "Growth of 22%-24% in Q1 and 44.2 of 2 by 41 analysts";
        let sentence = Sentence::new(s);
        let all = items(s);
        let text = |n: &str| -> Vec<String> {
            all.iter()
                .filter(|i| sentence.written_at(n, i))
                .map(|i| i.text.clone())
                .collect()
        };
        assert_eq!(text("24%"), vec!["22%-24%"]);
        assert_eq!(text("Q1"), vec!["1"]);
        assert_eq!(text("41 analysts"), vec!["41"]);
        assert_eq!(text("2"), vec!["2"]);
        assert!(text("4").is_empty());
    }

    #[test]
    fn classes_skip_dates_years_and_periods_and_rows_apply_to_their_document() {
        let mut skips = Skips::load(&[]).unwrap();
        skips.rows.extend(skips_of(
            "document,sentence,number,reason\na.txt,page score,<any>,scores\n",
        ));
        let none = Facts {
            quotes: Vec::new(),
            by_amount: HashMap::new(),
        };
        let statuses = |document: &str, sentence: &str| -> Vec<(String, String)> {
            check(document, sentence, &none, &skips)
                .into_iter()
                .map(|(item, status)| {
                    let reason = match status {
                        Status::Skipped(skip) => {
                            skip.reason.split(' ').take(3).collect::<Vec<_>>().join(" ")
                        }
                        other => other.name().to_string(),
                    };
                    (item.text, reason)
                })
                .collect()
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
                .collect()
        };
        assert_eq!(
            statuses(
                "b.txt",
                "As of 2026-05-13, Q1 2026 capex was $44.2 billion."
            ),
            pairs(&[
                ("2026", "a date (publication,"),
                ("05", "a date (publication,"),
                ("13", "a date (publication,"),
                ("1", "part of a"),
                ("2026", "part of a"),
                ("$44.2 billion", "uncovered"),
            ])
        );
        assert_eq!(
            statuses("a.txt", "The page score is 67.0 in 2019."),
            // The first row that matches gives the reason: the built-in ones come first.
            pairs(&[("67.0", "scores"), ("2019", "a year: it")])
        );
        assert_eq!(
            statuses("b.txt", "The page score is 67.0 in 2019."),
            pairs(&[("67.0", "uncovered"), ("2019", "a year: it")])
        );
    }

    fn skips_of(text: &str) -> Vec<Skip> {
        parse_skips("s.csv", text).unwrap()
    }

    #[test]
    fn the_built_in_skip_file_is_well_formed() {
        assert!(Skips::load(&[]).is_ok());
    }
}
