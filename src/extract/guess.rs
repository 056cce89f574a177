//! The guesses of a draft row beyond the figure itself: its metric and segment (from the
//! lexicon kept as data in `extract/lexicon.csv`, plus the database's metrics), its period
//! (from the figure's clause, its sentence, then the document's quarter) and its disclosure
//! type (from attribution cues, under README's disclosure-type rule), each with the words
//! behind it so that a reviewer can see why.

use crate::db;
use crate::error::{Error, Result};
use crate::extract::lexicon::{
    Entry, Hit, Kind, Lexicon, FROM_LINES, INSTANT_METRICS, MARKET_METRICS,
};
use crate::extract::periods::{self, What};
use crate::extract::quantities;
use crate::parse::period::{FiscalYearEnd, Period, PeriodKind};
use chrono::{Datelike, NaiveDate};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What every document's guesses start from: the lexicon, the entity's fiscal year end
/// (when the database knows it) and the quarter `--period` fixes.
#[derive(Debug, Clone)]
pub struct Guesser {
    lexicon: Lexicon,
    fye: Option<FiscalYearEnd>,
    quarter: Option<(u8, i32)>,
    /// `--as-of`: the day the documents' market data is as of.
    as_of: Option<NaiveDate>,
}

impl Guesser {
    /// The bundled lexicon, the database's metrics and the entity's fiscal year end when
    /// `db` exists (opened read-only; no database is fine), then the `--lexicon` files.
    pub fn new(
        db_path: &Path,
        entity: Option<&str>,
        period: Option<&str>,
        lexicons: &[PathBuf],
    ) -> Result<Guesser> {
        let mut lexicon = Lexicon::bundled()?;
        let mut fye = None;
        if db_path.exists() {
            let conn = db::open_ro(db_path)?;
            lexicon.add_database(&conn)?;
            if let Some(ticker) = entity {
                let found: Option<String> = conn
                    .query_row(
                        include_str!("../sql/extract_fiscal_year_end.sql"),
                        [ticker.to_uppercase()],
                        |r| r.get(0),
                    )
                    .ok();
                fye = found.and_then(|f| f.parse().ok());
            }
        }
        for file in lexicons {
            lexicon.add_file(file)?;
        }
        lexicon.index_names();
        let quarter = match period {
            None => None,
            Some(label) => Some(quarter_of(label, fye.unwrap_or(FiscalYearEnd::DECEMBER))?),
        };
        Ok(Guesser {
            lexicon,
            fye,
            quarter,
            as_of: None,
        })
    }

    /// A guesser from the bundled lexicon alone (tests, and callers without a database).
    pub fn bundled() -> Result<Guesser> {
        Ok(Guesser {
            lexicon: Lexicon::bundled()?,
            fye: None,
            quarter: None,
            as_of: None,
        })
    }

    /// `--as-of DATE`: a usage error unless DATE is a calendar date written YYYY-MM-DD.
    pub fn set_as_of(&mut self, date: &str) -> Result<()> {
        let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            Error::Usage(format!(
                "--as-of {date:?}: expected the date the documents' data is as of, as \
                 YYYY-MM-DD (e.g. 2026-05-13)"
            ))
        })?;
        self.as_of = Some(parsed);
        Ok(())
    }

    /// Whether `--as-of` fixed the documents' date (then no first pass looks for one).
    pub fn has_as_of(&self) -> bool {
        self.as_of.is_some()
    }

    /// A new document: its quarter is `--period`'s, or else follows the text; its date
    /// (for market data) is `--as-of`'s, else `stated` (its own "as of" statement).
    pub fn document(&self, stated: Option<NaiveDate>) -> Document<'_> {
        Document {
            guesser: self,
            quarter: self.quarter,
            recent: None,
            since: 0,
            previous: None,
            recent_metric: None,
            metric_since: 0,
            previous_metric: None,
            speaker: None,
            label_basis: None,
            header: Vec::new(),
            year: None,
            stated: self.as_of.or(stated),
            date: None,
        }
    }
}

/// The fiscal quarter a `--period` label names.
fn quarter_of(label: &str, fye: FiscalYearEnd) -> Result<(u8, i32)> {
    let period =
        Period::parse(label, fye).map_err(|e| Error::Usage(format!("--period {label:?}: {e}")))?;
    match (period.kind, period.fiscal_quarter, period.fiscal_year) {
        (PeriodKind::Quarter, Some(q), Some(y)) => Ok((q, y)),
        _ => Err(Error::Usage(format!(
            "--period {label:?}: expected the document's quarter, e.g. Q1 FY2026"
        ))),
    }
}

/// The guesses' state along one document: the quarter it is about (`--period`'s, else
/// the latest one named so far that is not a comparison base nor the future), the
/// quarter the previous sentence named (a heading "(Q4 FY2025)" before the quote it
/// introduces), and the last full date it named (market data "as of").
#[derive(Debug)]
pub struct Document<'a> {
    guesser: &'a Guesser,
    quarter: Option<(u8, i32)>,
    /// The last quarter named, how many sentences ago, and so the one a sentence that
    /// names none takes (named at most RECENT sentences before it).
    recent: Option<(u8, i32)>,
    since: usize,
    previous: Option<(u8, i32)>,
    /// The last metric the sentence being read names, and the previous sentence's.
    recent_metric: Option<String>,
    metric_since: usize,
    previous_metric: Option<String>,
    /// The disclosure type and words of the paragraph's speaker label.
    speaker: Option<(String, String)>,
    /// The basis the paragraph's label gives ("Assumptions:" -> estimate), with its words.
    label_basis: Option<(&'static str, &'static str)>,
    /// The periods a table's header row names by column ("Metric | Q2 2026 | Q2 2025 |
    /// Change"), while its rows are read; with the header cell's text.
    header: Vec<Option<(What, String)>>,
    /// The latest year the document named ("Amazon's 2026 story").
    year: Option<i32>,
    /// The document's date (`--as-of`, or its own "as of" statement): market figures
    /// whose sentence names no date are on it, whatever dates other sentences name
    /// ("TTM through 3/31/2026" ends a period; it does not date the market data).
    stated: Option<NaiveDate>,
    /// The last full date named so far, for a document that states none.
    date: Option<NaiveDate>,
}

/// What a sentence offers every figure in it.
#[derive(Debug)]
pub struct Sentence {
    periods: Vec<Candidate>,
    hits: Vec<Hit>,
}

/// A period the sentence names, explicitly or relative to the document's quarter.
#[derive(Debug, Clone)]
struct Candidate {
    start: usize,
    end: usize,
    text: String,
    period: Named,
    /// Introduced by `from`, `versus`, `than`, `since`...: the base a change is measured
    /// against, not the figure's own period.
    base: bool,
}

#[derive(Debug, Clone, Copy)]
enum Named {
    Explicit(What),
    YearAgo,
    QuarterAgo,
    /// "in the quarter", "this quarter": the quarter being read about.
    ThisQuarter,
    /// "the prior twelve-month period": the four quarters before the last four.
    TtmYearAgo,
    /// "today": the document's date when it states one, else its quarter.
    Today,
}

/// A figure as the guesses see it: its span and its clause in the sentence, and what the
/// quantity finder and the basis cues said of it.
#[derive(Debug, Clone)]
pub struct Figure<'a> {
    pub span: Range<usize>,
    pub clause: Range<usize>,
    pub unit: &'a str,
    pub measure: &'a str,
    pub basis: &'a str,
    /// The unit is assumed (`364B` without `$`): a metric counted in units or shares may
    /// claim it.
    pub assumed_unit: bool,
    /// A dollar amount without a scale (`$1.07`) may be per share.
    pub per_share_possible: bool,
    /// The figure's column in a table row (cells a tab apart), if it is in one.
    pub column: Option<usize>,
}

/// The guesses for one figure, and the words behind them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Guess {
    pub metric: String,
    pub segment: String,
    pub period: String,
    pub disclosure_type: String,
    pub confidence: &'static str,
    /// `estimate` when the metric is one (its name says so) and the words gave no basis.
    pub basis: Option<&'static str>,
    /// The metric's unit, for a figure whose unit was only assumed.
    pub unit: Option<String>,
    pub cue: Vec<String>,
}

/// Paragraph labels that make every figure of the paragraph a forecast of the writer's.
const LABEL_BASES: &[(&str, &str)] = &[
    ("assumptions", "estimate"),
    ("assumption", "estimate"),
    ("estimates", "estimate"),
    ("forecast", "estimate"),
    ("projections", "estimate"),
    ("consensus", "consensus"),
];

/// The longest speaker label a paragraph may start with ("Brian Olsavsky (CFO):").
const SPEAKER: usize = 48;

/// How many sentences a quarter named stays the one a sentence without a period takes.
const RECENT: usize = 3;

/// Relative periods, resolved against the quarter being read about.
const RELATIVE: &[(&str, Named)] = &[
    ("same period last year", Named::YearAgo),
    ("same quarter last year", Named::YearAgo),
    ("a year earlier", Named::YearAgo),
    ("a year ago", Named::YearAgo),
    ("year-ago", Named::YearAgo),
    ("year ago", Named::YearAgo),
    ("prior-year", Named::YearAgo),
    ("prior year", Named::YearAgo),
    ("previous year", Named::YearAgo),
    ("last year", Named::YearAgo),
    ("prior quarter", Named::QuarterAgo),
    ("prior-quarter", Named::QuarterAgo),
    ("previous quarter", Named::QuarterAgo),
    ("preceding quarter", Named::QuarterAgo),
    ("last quarter", Named::QuarterAgo),
    ("in the quarter", Named::ThisQuarter),
    ("for the quarter", Named::ThisQuarter),
    ("this quarter", Named::ThisQuarter),
    ("the current quarter", Named::ThisQuarter),
    ("at quarter end", Named::ThisQuarter),
    ("at quarter-end", Named::ThisQuarter),
    ("today", Named::Today),
    ("prior twelve-month period", Named::TtmYearAgo),
    ("prior twelve months", Named::TtmYearAgo),
    ("prior-year period", Named::TtmYearAgo),
];

/// Words right before a period that make it a comparison base.
const BASE_WORDS: &[&str] = &[
    "from", "vs", "versus", "than", "since", "compared", "against", "after", "before", "twice",
    "times",
];

/// Words right before a period that make it a time limit or a starting point, not the
/// period of a figure ("since Q2 FY22", "by 2030").
const NOT_PERIOD_WORDS: &[&str] = &[
    "since", "by", "until", "through", "before", "after", "of", "mid",
];

/// How close to a figure a year alone names its period, and how close to a period a word
/// of the future makes it the next one, in bytes.
const NEAR: usize = 40;

/// The farthest a period may be from the figure it names, in bytes.
const REACH: usize = 300;

/// Words that make a sentence's quarters the future, not the quarter the document is about.
const FUTURE_WORDS: &[&str] = &[
    "will", "becomes", "expect", "expects", "expected", "guidance", "guided", "outlook",
    "forecast", "landing",
];

impl Document<'_> {
    /// Starts a paragraph: a transcript's speaker label ("Andy Jassy:", "CFO:") with an
    /// attribution cue in it speaks for the whole paragraph.
    pub fn paragraph(&mut self, p: &str) {
        self.speaker = None;
        self.label_basis = None;
        self.table_row(p);
        let Some(colon) = p
            .get(..SPEAKER.min(p.len()))
            .and_then(|head| head.find(':'))
        else {
            return;
        };
        let label = &p[..colon];
        // "Assumptions: Tax rate 21%. ...": a paragraph labelled as the writer's own
        // assumptions or forecasts holds estimates, whatever each clause says.
        let lower = label.trim().to_ascii_lowercase();
        self.label_basis = LABEL_BASES
            .iter()
            .find(|(word, _)| lower == *word)
            .map(|(word, basis)| (*basis, *word));
        let lexicon = &self.guesser.lexicon;
        self.speaker = lexicon
            .hits(label)
            .into_iter()
            .find(|h| lexicon.entries[h.entry].kind == Kind::Disclosure)
            .map(|h| {
                (
                    lexicon.entries[h.entry].value.clone(),
                    label[h.start..h.end].to_string(),
                )
            });
    }

    /// A table row (cells a tab apart): a row whose cells hold periods and no figure is a
    /// header, whose periods name the figures of the rows below it by column; any line
    /// that is no table row ends the table.
    fn table_row(&mut self, p: &str) {
        if !p.contains('\t') {
            self.header.clear();
            return;
        }
        let cells: Vec<&str> = p.split('\t').collect();
        if cells.iter().any(|c| !quantities::find(c).is_empty()) {
            return;
        }
        let header: Vec<Option<(What, String)>> = cells
            .iter()
            .map(|cell| {
                let spans = periods::scan(cell);
                match spans.as_slice() {
                    // The cell is the period, whole.
                    [one]
                        if cell[..one.start].trim().is_empty()
                            && cell[one.end..].trim().is_empty() =>
                    {
                        Some((one.what, cell.trim().to_string()))
                    }
                    _ => None,
                }
            })
            .collect();
        if header.iter().any(Option::is_some) {
            self.header = header;
        }
    }

    /// The basis the paragraph's label gives its figures ("Assumptions:"), with the label.
    pub fn label_basis(&self) -> Option<(&'static str, &'static str)> {
        self.label_basis
    }

    /// Reads a sentence: its periods (updating the document's quarter and date) and its
    /// lexicon phrases.
    pub fn sentence(&mut self, s: &str) -> Sentence {
        // A quarter named in the last few sentences (a heading "(Q4 FY2025)", then the
        // quote it introduces) before the document's.
        self.previous = self.recent.filter(|_| self.since < RECENT);
        let lower = s.to_ascii_lowercase();
        let mut periods: Vec<Candidate> = periods::scan(s)
            .into_iter()
            .map(|p| Candidate {
                start: p.start,
                end: p.end,
                text: s[p.start..p.end].to_string(),
                period: Named::Explicit(p.what),
                base: after_base_word(&lower[..p.start]),
            })
            .collect();
        // Every relative phrase holds one of these words: most sentences hold none, and
        // need not be searched for each phrase.
        let relative = ["year", "quarter", "twelve", "today"]
            .iter()
            .any(|w| lower.contains(w));
        for (phrase, named) in RELATIVE.iter().filter(|_| relative) {
            for (at, _) in lower.match_indices(phrase) {
                let whole = lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
                    && lower[at + phrase.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric() && c != '-');
                let inside = periods.iter().any(|p| p.start <= at && at < p.end);
                if whole && !inside {
                    periods.push(Candidate {
                        start: at,
                        end: at + phrase.len(),
                        text: s[at..at + phrase.len()].to_string(),
                        period: *named,
                        base: after_base_word(&lower[..at]),
                    });
                }
            }
        }
        let future = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| FUTURE_WORDS.contains(&w));
        for p in periods.iter().filter(|p| !p.base && !future) {
            let year = match p.period {
                Named::Explicit(
                    What::Year(y)
                    | What::FiscalYear { year: Some(y) }
                    | What::Quarter { year: Some(y), .. },
                ) => Some(y),
                _ => None,
            };
            self.year = self.year.max(year);
        }
        let mut named = None;
        for p in &periods {
            let quarter = match p.period {
                Named::Explicit(What::Quarter {
                    q,
                    year: Some(y),
                    fiscal,
                }) => Some(self.fiscal_quarter(q, y, fiscal).0),
                // "Q1 revenue" in a document about 2026, before any quarter with its year.
                Named::Explicit(What::Quarter { q, year: None, .. }) if self.quarter.is_none() => {
                    self.year.map(|y| (q, y))
                }
                _ => None,
            };
            if let Some(quarter) = quarter {
                if !p.base && !future {
                    named = Some(quarter);
                    // The latest in time: (year, quarter) order.
                    let later = |a: Option<(u8, i32)>| a.map(|(q, y)| (y, q));
                    if self.guesser.quarter.is_none() && later(named) > later(self.quarter) {
                        self.quarter = named;
                    }
                }
            }
        }
        // A table row's quarters are its columns', not the quarter the text goes on about.
        if named.is_some() && !s.contains('\t') {
            self.recent = named;
            self.since = 0;
        } else {
            self.since += 1;
        }
        let hits = self.guesser.lexicon.hits(s);
        let metric = hits
            .iter()
            .rev()
            .map(|h| &self.guesser.lexicon.entries[h.entry])
            .find(|e| e.kind == Kind::Metric)
            .map(|e| e.value.clone());
        // The last metric named stays for the next sentences that name none ("our
        // backlog is $244 billion. That's up 40%. I think it's up 22% ..."), as the
        // quarter does.
        self.previous_metric = self
            .recent_metric
            .clone()
            .filter(|_| self.metric_since < RECENT);
        if metric.is_some() {
            self.recent_metric = metric;
            self.metric_since = 0;
        } else {
            self.metric_since += 1;
        }
        for p in &periods {
            if let Named::Explicit(What::Date {
                year: Some(y),
                month,
                day: Some(d),
            }) = p.period
            {
                self.date = NaiveDate::from_ymd_opt(y, month, d).or(self.date);
            }
        }
        Sentence { periods, hits }
    }

    /// A quarter as written, as the entity's fiscal quarter: a calendar quarter (`Q1 2026`)
    /// converts when the database knows a fiscal year end other than December's; else it
    /// is taken as fiscal, and the second value says so.
    fn fiscal_quarter(&self, q: u8, y: i32, fiscal: bool) -> ((u8, i32), Option<&'static str>) {
        if fiscal {
            return ((q, y), None);
        }
        let Some(fye) = self.guesser.fye else {
            return ((q, y), Some("calendar quarter taken as fiscal"));
        };
        if fye == FiscalYearEnd::DECEMBER {
            return ((q, y), None);
        }
        let month = u32::from(q) * 3 - 2;
        let start = NaiveDate::from_ymd_opt(y, month, 1);
        let end = start
            .and_then(|s| s.checked_add_months(chrono::Months::new(3)))
            .and_then(|d| d.pred_opt());
        match (start, end) {
            (Some(start), Some(end)) => {
                let p = Period::from_dates(Some(start), end, fye);
                match (p.fiscal_quarter, p.fiscal_year) {
                    (Some(fq), Some(fy)) => {
                        ((fq, fy), Some("calendar quarter converted to fiscal"))
                    }
                    _ => ((q, y), Some("calendar quarter taken as fiscal")),
                }
            }
            _ => ((q, y), Some("calendar quarter taken as fiscal")),
        }
    }

    /// The guesses for one figure of the sentence `s`.
    pub fn guess(&self, s: &str, sentence: &Sentence, f: &Figure) -> Guess {
        let (figure, clause, unit, measure) = (f.span.clone(), f.clause.clone(), f.unit, f.measure);
        let lexicon = &self.guesser.lexicon;
        let mut g = Guess::default();
        let nearest = |kind: Kind, ok: &dyn Fn(&Entry) -> bool| -> Option<(Hit, bool)> {
            let of_kind = |h: &&Hit| {
                let e = &lexicon.entries[h.entry];
                e.kind == kind && ok(e) && (h.end <= figure.start || h.start >= figure.end)
            };
            let within = |range: &Range<usize>| {
                sentence
                    .hits
                    .iter()
                    .filter(of_kind)
                    .filter(|h| range.start <= h.start && h.end <= range.end)
                    .min_by_key(|h| {
                        let direct = lexicon.entries[h.entry].direct;
                        (distance(h.start..h.end, &figure), !direct)
                    })
                    .copied()
            };
            within(&clause)
                .map(|h| (h, true))
                .or_else(|| within(&(0..s.len())).map(|h| (h, false)))
        };
        let metric = nearest(Kind::Metric, &|e| {
            lexicon.fits(&e.value, unit, measure)
                || (f.assumed_unit
                    && ["count", "shares"]
                        .iter()
                        .any(|u| lexicon.fits(&e.value, u, measure)))
        });
        if let Some((h, _)) = metric {
            let e = &lexicon.entries[h.entry];
            g.metric.clone_from(&e.value);
            g.cue.push(format!("metric: {}", &s[h.start..h.end]));
            if let Some(u) = lexicon.units.get(&e.value).filter(|u| *u != unit) {
                if f.assumed_unit && !lexicon.fits(&e.value, unit, measure) {
                    g.cue.push(format!("unit: {u}, the unit of {}", e.value));
                    g.unit = Some(u.clone());
                }
            }
        } else if let Some(previous) = self.previous_metric.as_ref().filter(|m| {
            lexicon.fits(m, unit, measure)
                || (f.per_share_possible && lexicon.fits(m, "USD/share", measure))
        }) {
            // "That's up 40% year over year": the metric the previous sentence named; a
            // table's "Diluted EPS" cell makes the "$1.07" after it a per-share amount.
            g.metric.clone_from(previous);
            g.cue.push(format!(
                "metric: {previous}, named by the previous sentence"
            ));
            if !lexicon.fits(previous, unit, measure) {
                g.unit = Some("USD/share".into());
                g.cue
                    .push(format!("unit: USD/share, the unit of {previous}"));
            }
        }
        if g.metric.is_empty() {
            // "a quarterly dividend of $0.25 per share": a metric's own name with words
            // between (Dividend per share), all in the figure's clause.
            if let Some(named) = lexicon.scattered(&s[f.clause.clone()], unit, measure) {
                g.metric = named.to_string();
                g.cue
                    .push(format!("metric: {named}, its name's words in the clause"));
            }
        }
        if g.metric.is_empty() && !f.assumed_unit && measure == "level" {
            // "~44 person-years": a unit that only one metric is counted in names it.
            if let Some(only) = lexicon.only_metric_in(unit) {
                g.metric = only.to_string();
                g.cue
                    .push(format!("metric: {only}, the only metric counted in {unit}"));
            }
        }
        if let Some((h, _)) = nearest(Kind::Segment, &|_| true) {
            g.segment.clone_from(&lexicon.entries[h.entry].value);
            g.cue.push(format!("segment: {}", &s[h.start..h.end]));
            // "Azure grew 39%", "Ads at $17.2B": a segment's figure without a metric word
            // is its revenue.
            if metric.is_none() && lexicon.fits("revenue", unit, measure) {
                g.metric = "revenue".into();
                g.cue
                    .push("metric: a segment's figure, revenue assumed".into());
            }
        }
        let mut f = f.clone();
        if f.basis == "actual" && lexicon.estimates.contains(&g.metric) {
            f.basis = "estimate";
            g.basis = Some("estimate");
            g.cue.push(format!("basis: {} is an estimate", g.metric));
        }
        let explicit = self.period(s, sentence, &f, &mut g);
        g.disclosure_type = self.disclosure(s, sentence, &f, &g.metric, &mut g.cue);
        g.confidence = match (metric, explicit) {
            (Some((_, true)), true) => "high",
            (None, _) => "low",
            _ if g.period.is_empty() => "low",
            _ => "medium",
        };
        g
    }

    /// Sets the period; true when the sentence named it (not the document's quarter).
    fn period(&self, s: &str, sentence: &Sentence, f: &Figure, g: &mut Guess) -> bool {
        let (figure, clause, measure, basis) = (&f.span, &f.clause, f.measure, f.basis);
        let instant = INSTANT_METRICS.contains(&g.metric.as_str())
            || self.guesser.lexicon.instants.contains(&g.metric);
        let market = MARKET_METRICS.contains(&g.metric.as_str());
        let level = measure == "level";
        let usable = |c: &&Candidate| {
            let after = c.start >= figure.end;
            // "from $25 billion in Q1 2025" names the $25 billion's period, but for the
            // figure before it ("up 77% from ...") it is the base of the comparison.
            let base = if after {
                has_base_word(&s[figure.end..c.start])
            } else {
                c.base
            };
            // "a step-up from 2025's $128B": the possessive names the figure's own period,
            // whatever comparison comes before it.
            if c.end <= figure.start && matches!(s[c.end..figure.start].trim(), "'s" | "\u{2019}s")
            {
                return true;
            }
            match c.period {
                // "a year earlier" names the base of a change, not its period.
                Named::YearAgo | Named::QuarterAgo | Named::TtmYearAgo => level,
                Named::ThisQuarter | Named::Today => true,
                // "On April 20, Amazon announced ... $5B": an event's date dates a flow
                // figure too (its quarter, below): in the figure's clause, or introduced
                // as an event's day ("on", "effective").
                Named::Explicit(What::Date { day, .. }) => {
                    let event = {
                        let last = s[..c.start]
                            .split(|ch: char| !ch.is_alphanumeric())
                            .rfind(|w| !w.is_empty())
                            .unwrap_or_default()
                            .to_ascii_lowercase();
                        matches!(last.as_str(), "on" | "effective")
                    };
                    let in_clause = clause.start <= c.start && c.end <= clause.end;
                    instant || market || (day.is_some() && (in_clause || event))
                }
                Named::Explicit(_) => {
                    let last = s[..c.start]
                        .split(|ch: char| !ch.is_alphanumeric())
                        .rfind(|w| !w.is_empty())
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    !(NOT_PERIOD_WORDS.contains(&last.as_str()) || base) && c.start != figure.start
                }
            }
        };
        // A year alone ("in 2022") names the figure's period only close to it in its
        // clause, or when it opens the sentence ("In 2025, we delivered 4x ...").
        let opens = |c: &Candidate| {
            c.start <= 16 && {
                let head = s[..c.start]
                    .trim_matches(|ch: char| !ch.is_alphanumeric())
                    .to_ascii_lowercase();
                ["in", "for", "during", "through"].contains(&head.as_str())
            }
        };
        let within = |range: &Range<usize>, sentence_wide: bool| {
            let mut near: Vec<&Candidate> = sentence
                .periods
                .iter()
                .filter(|c| range.start <= c.start && c.end <= range.end)
                // Beyond REACH a period is no figure's; and the work per figure stays
                // bounded in a long run of figures.
                .filter(|c| distance(c.start..c.end, figure) <= REACH)
                .filter(|c| match c.period {
                    Named::Explicit(What::Year(_)) => {
                        opens(c) || (!sentence_wide && distance(c.start..c.end, figure) <= NEAR)
                    }
                    // A relative period ("a year earlier") counts in the clause only.
                    Named::YearAgo
                    | Named::QuarterAgo
                    | Named::ThisQuarter
                    | Named::TtmYearAgo
                    | Named::Today => !sentence_wide,
                    _ => true,
                })
                .collect();
            // At the same distance, the period after the figure ("$44.2B in Q1").
            near.sort_by_key(|c| (distance(c.start..c.end, figure), c.start < figure.start));
            near.into_iter().find(usable)
        };
        let chosen = within(clause, false).or_else(|| within(&(0..s.len()), true));
        // Guidance for "the third quarter" is the next one: the sentence says so close to
        // the period ("For the third quarter, we expect ...").
        let ahead = chosen.is_some_and(|c| {
            let future = |text: &str, words: usize| {
                text.to_ascii_lowercase()
                    .split(|ch: char| !ch.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .take(words)
                    .any(|w| FUTURE_WORDS.contains(&w))
            };
            future(quantities::near_end(&s[..c.start], NEAR), usize::MAX)
                || future(quantities::near(&s[c.end..], NEAR), 3)
        });
        let forward = matches!(basis, "guidance" | "estimate" | "consensus") && !instant && !market;
        // In a table under a header naming periods, a figure the row does not date is of
        // its column's period; a column without one (a change) is the document's quarter.
        let column = f.column.filter(|_| !self.header.is_empty());
        let header = column.and_then(|c| self.header.get(c).cloned().flatten());
        let chosen_header;
        let chosen = match (chosen, header) {
            (None, Some((what, text))) => {
                chosen_header = Candidate {
                    start: 0,
                    end: 0,
                    text: format!("{text} (its column)"),
                    period: Named::Explicit(what),
                    base: false,
                };
                Some(&chosen_header)
            }
            (chosen, _) => chosen,
        };
        let previous = if column.is_some() {
            None
        } else {
            self.previous
        };
        let (label, said, note) = match chosen {
            // Guidance and estimates without a period are for the year (the bundled
            // facts store them so): the fiscal year of the document's quarter.
            None if forward && self.quarter.is_some() => {
                let (_, y) = self.quarter.unwrap_or_default();
                (
                    format!("FY{y}"),
                    None,
                    Some("a guidance or estimate: the document's fiscal year"),
                )
            }
            Some(c) => {
                match self.resolve(c.period, matches!(basis, "guidance" | "consensus") || ahead) {
                    Some((label, note)) => (label, Some(c.text.clone()), note),
                    None => return false,
                }
            }
            None => match (previous, self.quarter) {
                (Some((q, y)), _) => (
                    format!("Q{q} FY{y}"),
                    None,
                    Some("a recent sentence's quarter"),
                ),
                (None, Some((q, y))) => (
                    format!("Q{q} FY{y}"),
                    None,
                    Some(if self.guesser.quarter.is_some() {
                        "--period"
                    } else {
                        "the document's quarter"
                    }),
                ),
                (None, None) => return false,
            },
        };
        let mut label = label;
        let mut note = note;
        if !(instant || market) && is_date(&label) {
            // A flow figure of an event's day is of the fiscal quarter holding it.
            if let Ok(day) = NaiveDate::parse_from_str(&label, "%Y-%m-%d") {
                let q = u8::try_from(day.month0() / 3 + 1).unwrap_or(1);
                let ((q, y), _) = self.fiscal_quarter(q, day.year(), false);
                label = format!("Q{q} FY{y}");
                note = Some("the quarter of the date");
            }
        }
        if (instant || market) && !is_date(&label) {
            // A forecast of a level ("we expect several hundred basis points of margin
            // advantage") is said on the document's day, not at a quarter's end.
            let as_of = if market {
                self.stated.or(self.date)
            } else if matches!(basis, "guidance" | "estimate" | "consensus") && chosen.is_none() {
                self.stated
            } else {
                None
            };
            let end = as_of.or_else(|| Period::parse(&label, self.fye()).ok().map(|p| p.end));
            if let Some(end) = end {
                label = end.to_string();
            }
        }
        let (words, note) = match &said {
            Some(text) => (
                text.clone(),
                note.map(|n| format!(" ({n})")).unwrap_or_default(),
            ),
            None => (note.unwrap_or_default().to_string(), String::new()),
        };
        g.cue.push(format!("period: {words} -> {label}{note}"));
        g.period = label;
        said.is_some()
    }

    fn fye(&self) -> FiscalYearEnd {
        self.guesser.fye.unwrap_or(FiscalYearEnd::DECEMBER)
    }

    /// The amzdb label of a period as written, filling in what the text leaves open from
    /// the document's quarter, with a note of any assumption.
    fn resolve(&self, period: Named, forward: bool) -> Option<(String, Option<&'static str>)> {
        let doc = self.quarter;
        // Relative periods count from the quarter being read about.
        let current = self.previous.or(doc);
        let shift = |back: i32| {
            current.map(|(q, y)| {
                let n = y * 4 + i32::from(q) - 1 - back;
                (
                    format!("Q{} FY{}", n.rem_euclid(4) + 1, n.div_euclid(4)),
                    None,
                )
            })
        };
        let year_of_doc = doc.map(|(_, y)| y).or(self.year);
        match period {
            Named::YearAgo => shift(4),
            Named::QuarterAgo => shift(1),
            Named::ThisQuarter => shift(0),
            Named::Today => match self.stated {
                Some(date) => Some((date.to_string(), Some("the document's date"))),
                None => shift(0),
            },
            Named::TtmYearAgo => shift(4).map(|(label, note)| (format!("TTM {label}"), note)),
            Named::Explicit(what) => match what {
                What::Quarter {
                    q,
                    year: Some(y),
                    fiscal,
                } => {
                    let ((q, y), note) = self.fiscal_quarter(q, y, fiscal);
                    Some((format!("Q{q} FY{y}"), note))
                }
                What::Quarter { q, year: None, .. } => match doc {
                    // Guidance is for the next such quarter from the document's; other
                    // figures are of the latest such quarter up to it.
                    Some((dq, dy)) if forward => {
                        let y = if q >= dq { dy } else { dy + 1 };
                        Some((
                            format!("Q{q} FY{y}"),
                            Some("guidance: the next such quarter"),
                        ))
                    }
                    Some((dq, dy)) => {
                        let y = if q <= dq { dy } else { dy - 1 };
                        Some((format!("Q{q} FY{y}"), None))
                    }
                    None => self
                        .year
                        .map(|y| (format!("Q{q} FY{y}"), Some("the year the document names"))),
                },
                What::Half { h, year, .. } => {
                    Some((format!("H{h} FY{}", year.or(year_of_doc)?), None))
                }
                What::NineMonths { year } => {
                    Some((format!("9M FY{}", year.or(year_of_doc)?), None))
                }
                What::FiscalYear { year } => Some((format!("FY{}", year.or(year_of_doc)?), None)),
                What::Year(y) => Some((format!("FY{y}"), None)),
                What::Ttm { quarter } => {
                    let (q, y) = quarter.or(current)?;
                    Some((format!("TTM Q{q} FY{y}"), None))
                }
                What::Date {
                    year,
                    month,
                    day: Some(d),
                } => {
                    let y = match year {
                        Some(y) => y,
                        None => {
                            let (q, y) = doc?;
                            Period::parse(&format!("Q{q} FY{y}"), self.fye())
                                .ok()?
                                .end
                                .year()
                        }
                    };
                    NaiveDate::from_ymd_opt(y, month, d).map(|d| (d.to_string(), None))
                }
                // "as of March 2026": the month's last day, for an instant.
                What::Date {
                    year: Some(y),
                    month,
                    day: None,
                } => NaiveDate::from_ymd_opt(y, month, 1)
                    .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                    .and_then(|d| d.pred_opt())
                    .map(|d| (d.to_string(), Some("the month's end"))),
                What::Date { day: None, .. } => None,
            },
        }
    }

    /// The disclosure type under README's rule: a consensus, estimate or target, or a
    /// third party's cue in the clause, is a third party's; an actual statement line
    /// (revenue, capex, net income, EPS ...) is audited; otherwise the nearest attribution
    /// cue says, and without one the figure is taken as the company's own.
    fn disclosure(
        &self,
        s: &str,
        sentence: &Sentence,
        f: &Figure,
        metric: &str,
        cue: &mut Vec<String>,
    ) -> String {
        let (figure, clause, measure, basis) = (&f.span, &f.clause, f.measure, f.basis);
        let lexicon = &self.guesser.lexicon;
        let cues = |range: &Range<usize>, value: Option<&str>| {
            sentence
                .hits
                .iter()
                .filter(|h| {
                    let e = &lexicon.entries[h.entry];
                    e.kind == Kind::Disclosure
                        && value.is_none_or(|v| e.value == v)
                        && range.start <= h.start
                        && h.end <= range.end
                })
                .min_by_key(|h| distance(h.start..h.end, figure))
                .copied()
        };
        let said = |h: Hit| format!("disclosure: {}", &s[h.start..h.end]);
        if matches!(basis, "consensus" | "estimate" | "target") {
            cue.push(format!("disclosure: basis {basis}"));
            return "third_party_estimate".into();
        }
        if let Some(h) = cues(clause, Some("third_party_estimate")) {
            cue.push(said(h));
            return "third_party_estimate".into();
        }
        let line = lexicon.statement_lines.contains(metric) || FROM_LINES.contains(&metric);
        if line && basis == "actual" && (measure == "level" || metric == "revenue") {
            match cues(&(0..s.len()), Some("audited")) {
                Some(h) => cue.push(format!("{}; statement line {metric}", said(h))),
                None => cue.push(format!("disclosure: statement line {metric}")),
            }
            return "audited".into();
        }
        let nearest = cues(clause, None).or_else(|| cues(&(0..s.len()), None));
        match nearest.map(|h| (h, lexicon.entries[h.entry].value.as_str())) {
            Some((h, value)) if value != "audited" => {
                cue.push(said(h));
                value.to_string()
            }
            _ if self.speaker.is_some() => {
                let (value, words) = self.speaker.clone().unwrap_or_default();
                cue.push(format!("disclosure: {words} (the speaker)"));
                value
            }
            _ if line && measure != "level" => {
                cue.push(
                    "disclosure: a change the company does not state, computed by the writer"
                        .into(),
                );
                "third_party_estimate".into()
            }
            _ => {
                cue.push("disclosure: no attribution cue, the company's own figure assumed".into());
                "management_commentary".into()
            }
        }
    }
}

/// Bytes between a span and the figure (0 when they touch).
fn distance(span: Range<usize>, figure: &Range<usize>) -> usize {
    if span.end <= figure.start {
        figure.start - span.end
    } else {
        span.start.saturating_sub(figure.end)
    }
}

/// Whether the text before a period ends with a comparison word (`from Q1 2025`,
/// `compared with $1.42 billion in Q2 2025`), looking back a few words.
fn after_base_word(before: &str) -> bool {
    // Within its clause: "slower than Azure ... to Google." Q1 2026 is no base.
    let from = [", ", "; ", ". ", "\" ", "\u{201d} ", " \u{2014} ", ": "]
        .iter()
        .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    let words: Vec<String> = before[from..]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(9)
        .map(str::to_ascii_lowercase)
        .collect();
    comparison(&words.into_iter().rev().collect::<Vec<_>>(), 8)
}

/// Whether a text holds a comparison word anywhere (between a figure and a period).
fn has_base_word(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    comparison(&words, words.len())
}

/// Whether one of the last `n` words is a comparison word; "more than" and "less than"
/// are hedges, not comparisons.
fn comparison(words: &[String], n: usize) -> bool {
    let from = words.len().saturating_sub(n);
    (from..words.len()).any(|i| {
        let w = words[i].as_str();
        let hedge = w == "than"
            && i > 0
            && ["more", "less", "fewer", "greater", "rather"].contains(&words[i - 1].as_str());
        BASE_WORDS.contains(&w) && !hedge
    })
}

fn is_date(label: &str) -> bool {
    NaiveDate::parse_from_str(label, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guesses for each figure of `text` (one sentence), as quantities::find finds them.
    fn guesses(guesser: &Guesser, text: &str) -> Vec<Guess> {
        let mut document = guesser.document(None);
        let sentence = document.sentence(text);
        crate::extract::quantities::find(text)
            .iter()
            .map(|q| {
                document.guess(
                    text,
                    &sentence,
                    &Figure {
                        span: q.start..q.end,
                        clause: crate::extract::clause(text, q.start, q.end),
                        unit: q.unit,
                        measure: q.measure,
                        basis: "actual",
                        assumed_unit: false,
                        per_share_possible: false,
                        column: None,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_nearest_phrase_whose_unit_fits_names_the_metric() {
        let g = Guesser::bundled().unwrap();
        let got = guesses(
            &g,
            "AWS revenue was $37.6 billion, operating margin 35%, and capital spending $44.2 billion",
        );
        let metrics: Vec<&str> = got.iter().map(|g| g.metric.as_str()).collect();
        assert_eq!(metrics, vec!["revenue", "operating_margin", "capex"]);
        assert_eq!(got[0].segment, "AWS");
        assert!(
            got[2].cue.contains(&"metric: capital spending".to_string()),
            "{:?}",
            got[2].cue
        );
        // "EPS" names diluted EPS for a per-share amount and the page's EPS uplift for a
        // percentage.
        let lexicon = &g.lexicon;
        assert!(lexicon.fits("eps_uplift", "%", "level"));
        assert!(!lexicon.fits("eps_diluted", "%", "level"));
    }

    #[test]
    fn periods_resolve_against_the_document_quarter() {
        let g = Guesser {
            quarter: Some((1, 2026)),
            ..Guesser::bundled().unwrap()
        };
        let period = |text: &str| -> Vec<String> {
            guesses(&g, text).into_iter().map(|g| g.period).collect()
        };
        assert_eq!(
            period("capex was $44.2 billion, up 77% from $25 billion a year earlier"),
            ["Q1 FY2026", "Q1 FY2026", "Q1 FY2025"]
        );
        assert_eq!(
            period("revenue of $10 billion in the prior quarter"),
            ["Q4 FY2025"]
        );
        assert_eq!(
            period("revenue grew $2 billion sequentially"),
            ["Q1 FY2026"]
        );
        assert_eq!(
            period("fourth quarter revenue of $10 billion"),
            ["Q4 FY2025"]
        );
        assert_eq!(period("full-year capex of $200 billion"), ["FY2026"]);
        assert_eq!(
            period("trailing twelve-month capex of $147 billion"),
            ["TTM Q1 FY2026"]
        );
        // A backlog is a level at the quarter's end.
        assert_eq!(period("AWS backlog of $364 billion"), ["2026-03-31"]);
        assert_eq!(period("backlog of $244 billion in Q4 2025"), ["2025-12-31"]);
    }

    #[test]
    fn the_document_quarter_is_the_latest_named_not_a_base_nor_the_future() {
        let g = Guesser::bundled().unwrap();
        let mut d = g.document(None);
        d.sentence("Results for Q1 2026 are in, up from Q4 2025.");
        assert_eq!(d.quarter, Some((1, 2026)));
        d.sentence("In Q2 2026 it becomes a bigger business.");
        d.sentence("Compared with Q1 2025, growth held.");
        d.sentence("Back in Q3 2025 it was small.");
        assert_eq!(d.quarter, Some((1, 2026)));
    }

    #[test]
    fn a_fiscal_year_end_converts_calendar_quarters() {
        let g = Guesser {
            fye: Some("06-30".parse().unwrap()),
            ..Guesser::bundled().unwrap()
        };
        let got = guesses(
            &g,
            "revenue of $70 billion in Q1 2026 and $60 billion in Q1 FY2026",
        );
        assert_eq!(got[0].period, "Q3 FY2026");
        assert!(got[0]
            .cue
            .iter()
            .any(|c| c.contains("calendar quarter converted to fiscal")));
        assert_eq!(got[1].period, "Q1 FY2026");
    }

    #[test]
    fn disclosure_follows_the_rule() {
        let g = Guesser {
            quarter: Some((1, 2026)),
            ..Guesser::bundled().unwrap()
        };
        let kinds = |text: &str| -> Vec<String> {
            guesses(&g, text)
                .into_iter()
                .map(|g| g.disclosure_type)
                .collect()
        };
        assert_eq!(
            kinds("Amazon reported net sales of $181.5 billion"),
            ["audited"]
        );
        assert_eq!(
            kinds("Jassy said the backlog is $364 billion"),
            ["management_commentary"]
        );
        assert_eq!(
            kinds("according to analysts, free cash flow will be $10 billion"),
            ["third_party_estimate"]
        );
        assert_eq!(
            kinds("free cash flow was $1.2 billion"),
            ["management_commentary"]
        );
    }
}
