//! The lexicon kept as data: phrases naming metrics, segments and disclosure types
//! (`extract/lexicon.csv`, `--lexicon` files, the database's metrics), with what the
//! guesses need to know about each metric (its unit, whether it is a line of the financial
//! statements, an estimate or a level at a date), and where its phrases occur in a sentence.

use crate::error::{Error, Problem, Problems, Result};
use crate::extract::periods;
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};
use std::path::Path;
/// The bundled lexicon, embedded so that the binary works from any directory.
const BUNDLED: &str = include_str!("../../extract/lexicon.csv");
const BUNDLED_NAME: &str = "extract/lexicon.csv";
/// The bundled metrics (their units let a figure pick only a metric it can be a value of)
/// and concepts (a metric an XBRL concept maps to is a line of the financial statements).
const METRICS: &str = include_str!("../../data/metrics.csv");
const CONCEPTS: &str = include_str!("../../data/concepts.csv");

/// The lexicon's columns, in order (`note` optional).
const COLUMNS: &[&str] = &["kind", "value", "phrase", "note"];

pub(super) const DISCLOSURE_TYPES: &[&str] =
    &["audited", "management_commentary", "third_party_estimate"];

/// Metrics stored on an instant (a level at a date, not a flow over a period), as the
/// bundled facts store them: a backlog at the quarter's end, a price target on a day.
/// Besides these, a metric whose description says "an instant" or "at the period's end".
pub(super) const INSTANT_METRICS: &[&str] = &[
    "backlog",
    "remaining_performance_obligation",
    "revenue_commitments",
    "commitments_outside_backlog",
    "total_contracted_revenue",
    "customer_capacity_commitment",
    "cumulative_investment",
    "chips_deployed",
    "project_rainier_chips",
    "kiro_developers",
    "kiro_enterprise_usage",
    "power_capacity",
    "us_prime_members",
    "internal_ai_applications",
    "transform_customer_hours_saved",
    "strands_downloads",
    "institutional_holders",
    "institutional_ownership",
    "capex_savings",
    "depreciation_savings",
    "operating_margin_advantage",
];

/// Instant metrics of the market (prices, targets, valuations): stored on the day the
/// document gives its data as of, when it names one, else on the quarter's end.
pub(super) const MARKET_METRICS: &[&str] = &[
    "market_cap",
    "share_price",
    "price_target",
    "price_target_median",
    "price_target_high",
    "price_target_low",
    "implied_upside",
    "analyst_count",
    "forward_pe",
    "ev_to_sales",
    "beta",
    "dollar_adv",
];

/// Ratios of statement lines alone, audited under README's rule like the lines.
pub(super) const FROM_LINES: &[&str] = &["operating_margin", "net_margin"];

/// What a lexicon row names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Metric,
    Segment,
    Disclosure,
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) kind: Kind,
    pub(super) value: String,
    /// Its words, lowercased, matched on the sentence's words.
    pub(super) words: Vec<String>,
    /// The phrase is the metric's own slug or name (from the database), not a synonym:
    /// it wins a tie with a synonym ("remaining performance obligations").
    pub(super) direct: bool,
}

/// Phrases naming metrics, segments and disclosure types, with what the guesses need to
/// know about metrics (their units, which are statement lines).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub(super) entries: Vec<Entry>,
    pub(super) by_first: HashMap<String, Vec<usize>>,
    pub(super) units: HashMap<String, String>,
    pub(super) statement_lines: HashSet<String>,
    /// Metrics whose name says they are estimates ("Revenue uplift (estimate)").
    pub(super) estimates: HashSet<String>,
    /// Metrics whose description says they are levels at a date ("an instant", "at the
    /// period's end").
    pub(super) instants: HashSet<String>,
    /// The metrics' own names of two words or more besides small ones, as those words
    /// (built once the lexicon is complete, by `index_names`).
    pub(super) names: Vec<(String, Vec<String>)>,
    /// The `names` each first word starts, so that a clause looks up only those.
    pub(super) names_by_first: HashMap<String, Vec<usize>>,
}

impl Lexicon {
    /// The bundled metrics and lexicon.
    pub fn bundled() -> Result<Lexicon> {
        let mut lexicon = Lexicon::default();
        for row in csv::Reader::from_reader(METRICS.as_bytes())
            .records()
            .flatten()
        {
            if let (Some(slug), Some(name), Some(unit)) = (row.get(0), row.get(1), row.get(2)) {
                lexicon.units.insert(slug.to_string(), unit.to_string());
                lexicon.describe(slug, name, row.get(3).unwrap_or_default());
            }
        }
        for row in csv::Reader::from_reader(CONCEPTS.as_bytes())
            .records()
            .flatten()
        {
            if let Some(metric) = row.get(1) {
                lexicon.statement_lines.insert(metric.to_string());
            }
        }
        lexicon.add_csv(BUNDLED_NAME, BUNDLED)?;
        Ok(lexicon)
    }

    /// Adds the rows of a lexicon file (`--lexicon FILE`), refusing the whole file when a
    /// row is malformed.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        self.add_csv(&path.display().to_string(), &text)
    }

    /// Adds the database's metrics: each is named by its slug (`free_cash_flow` as `free
    /// cash flow`) and its name (without a parenthesis: `Capital expenditures`); metrics an
    /// XBRL concept maps to are statement lines.
    pub fn add_database(&mut self, conn: &Connection) -> Result<()> {
        let mut stmt = conn.prepare(include_str!("../sql/extract_metrics.sql"))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (slug, name, unit, line, description) = row?;
            self.describe(&slug, &name, &description);
            let name = name.split(" (").next().unwrap_or_default().to_string();
            for phrase in [slug.replace('_', " "), name] {
                self.push(Kind::Metric, &slug, &phrase);
                if let Some(e) = self.entries.last_mut() {
                    e.direct = true;
                }
            }
            if line {
                self.statement_lines.insert(slug.clone());
            }
            self.units.insert(slug, unit);
        }
        Ok(())
    }

    /// What a metric's name and description say about its figures: an estimate, or a
    /// level at a date.
    pub(super) fn describe(&mut self, slug: &str, name: &str, description: &str) {
        if name.contains("(estimate)") {
            self.estimates.insert(slug.to_string());
        }
        let d = description.to_ascii_lowercase();
        if [
            "an instant",
            "at the period's end",
            "at period end",
            "at the end of the period",
        ]
        .iter()
        .any(|w| d.contains(w))
        {
            self.instants.insert(slug.to_string());
        }
    }

    pub(super) fn add_csv(&mut self, file: &str, text: &str) -> Result<()> {
        let mut problems = Problems::default();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(str::to_string).collect(),
            Err(e) => {
                problems.push(Problem::file(file, format!("not CSV: {e}")));
                return Err(Error::Input(problems));
            }
        };
        if header.len() < 3 || header.len() > 4 || header.iter().zip(COLUMNS).any(|(h, c)| h != c) {
            problems.push(
                Problem::file(
                    file,
                    "expected the header kind,value,phrase,note (note optional)",
                )
                .at(1),
            );
            return Err(Error::Input(problems));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push(Problem::file(file, format!("not CSV: {e}")).at(line));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != header.len() {
                problems.push(
                    Problem::file(
                        file,
                        format!(
                            "{} fields; expected {} ({})",
                            record.len(),
                            header.len(),
                            header.join(",")
                        ),
                    )
                    .at(line),
                );
                continue;
            }
            let (kind, value, phrase) = (&record[0], &record[1], &record[2]);
            let bad = |column: &str, value: &str, message: String| {
                Problem::file(file, message).at(line).column(column, value)
            };
            let kind = match kind {
                "metric" => Kind::Metric,
                "segment" => Kind::Segment,
                "disclosure_type" => Kind::Disclosure,
                _ => {
                    problems.push(bad(
                        "kind",
                        kind,
                        "expected metric, segment or disclosure_type".into(),
                    ));
                    continue;
                }
            };
            let value_problem = match kind {
                _ if value.trim().is_empty() || value.trim() != value => {
                    Some("expected a value without surrounding spaces".to_string())
                }
                Kind::Metric if !self.units.contains_key(value) => Some(
                    "not a known metric; expected a metric slug of data/metrics.csv or of the \
                     database (--db), e.g. capex"
                        .into(),
                ),
                Kind::Disclosure if !DISCLOSURE_TYPES.contains(&value) => Some(format!(
                    "expected a disclosure type: {}",
                    DISCLOSURE_TYPES.join(", ")
                )),
                _ => None,
            };
            if let Some(message) = value_problem {
                problems.push(bad("value", value, message));
                continue;
            }
            if periods::tokens(phrase).is_empty() {
                problems.push(bad(
                    "phrase",
                    phrase,
                    "expected a word or phrase with a letter or digit, e.g. capital spending"
                        .into(),
                ));
                continue;
            }
            rows.push((kind, value.to_string(), phrase.to_string()));
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        for (kind, value, phrase) in rows {
            self.push(kind, &value, &phrase);
        }
        Ok(())
    }

    pub(super) fn push(&mut self, kind: Kind, value: &str, phrase: &str) {
        let words: Vec<String> = periods::tokens(phrase)
            .into_iter()
            .map(|t| t.text)
            .collect();
        let Some(first) = words.first().cloned() else {
            return;
        };
        self.by_first
            .entry(first)
            .or_default()
            .push(self.entries.len());
        self.entries.push(Entry {
            kind,
            value: value.to_string(),
            words,
            direct: false,
        });
    }

    /// Every phrase of the lexicon in a sentence, on word boundaries, any case (a word may
    /// be plural: `capital expenditure` matches `capital expenditures`). Where two phrases
    /// of a kind overlap, the longer wins.
    pub(super) fn hits(&self, s: &str) -> Vec<Hit> {
        let tokens = periods::tokens(s);
        let mut hits: Vec<Hit> = Vec::new();
        for i in 0..tokens.len() {
            let text = &tokens[i].text;
            let singular = text.strip_suffix('s').filter(|t| !t.is_empty());
            let candidates = self
                .by_first
                .get(text.as_str())
                .into_iter()
                .chain(singular.and_then(|t| self.by_first.get(t)))
                .flatten();
            for &e in candidates {
                let words = &self.entries[e].words;
                let fits = words.iter().enumerate().all(|(k, w)| {
                    let Some(t) = tokens.get(i + k) else {
                        return false;
                    };
                    let same = t.text == *w || t.text.strip_suffix('s') == Some(w.as_str());
                    // Words of a phrase are apart by a space, hyphen, slash, `&` or `'`.
                    let close = k == 0 || {
                        let gap = &s[tokens[i + k - 1].end..t.start];
                        gap.len() <= 4 && gap.chars().all(|c| " -/&'’.".contains(c))
                    };
                    same && close
                });
                if fits {
                    hits.push(Hit {
                        start: tokens[i].start,
                        end: tokens[i + words.len() - 1].end,
                        entry: e,
                    });
                }
            }
        }
        let kind = |h: &Hit| self.entries[h.entry].kind;
        let keep: Vec<bool> = hits
            .iter()
            .map(|h| {
                !hits.iter().any(|o| {
                    kind(o) == kind(h)
                        && o.start <= h.start
                        && h.end <= o.end
                        && (o.end - o.start) > (h.end - h.start)
                })
            })
            .collect();
        hits.into_iter()
            .zip(keep)
            .filter_map(|(h, k)| k.then_some(h))
            .collect()
    }

    /// The one metric whose own name (or slug) has at least two words besides small ones
    /// and all of them in `clause` (a plural counts), and whose unit fits the figure.
    pub(super) fn scattered(&self, clause: &str, unit: &str, measure: &str) -> Option<&str> {
        if self.names.is_empty() {
            return None;
        }
        let mut words: HashSet<String> = HashSet::new();
        for t in periods::tokens(clause) {
            let w = t.text.to_lowercase();
            if let Some(singular) = w.strip_suffix('s').filter(|w| !w.is_empty()) {
                words.insert(singular.to_string());
            }
            words.insert(w);
        }
        let mut candidates: Vec<usize> = words
            .iter()
            .filter_map(|w| self.names_by_first.get(w))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut found: Option<&str> = None;
        for (metric, content) in candidates.into_iter().map(|i| &self.names[i]) {
            if content.iter().all(|w| words.contains(w)) && self.fits(metric, unit, measure) {
                match found {
                    Some(other) if other != metric => return None,
                    _ => found = Some(metric),
                }
            }
        }
        found
    }

    /// Builds `names` from the direct metric entries: call once every row is added.
    pub(super) fn index_names(&mut self) {
        self.names = self
            .entries
            .iter()
            .filter(|e| e.direct && e.kind == Kind::Metric)
            .filter_map(|e| {
                let content: Vec<String> = e
                    .words
                    .iter()
                    .filter(|w| !matches!(w.as_str(), "of" | "the" | "a" | "an" | "and" | "in"))
                    .map(|w| w.to_lowercase())
                    .collect();
                (content.len() >= 2).then(|| (e.value.clone(), content))
            })
            .collect();
        self.names_by_first.clear();
        for (i, (_, content)) in self.names.iter().enumerate() {
            self.names_by_first
                .entry(content[0].clone())
                .or_default()
                .push(i);
        }
    }

    /// The one metric counted in `unit`, when only one is and the unit is not one of
    /// the common ones (money, percent, counts, multiples, points).
    pub(super) fn only_metric_in(&self, unit: &str) -> Option<&str> {
        if matches!(
            unit,
            "USD" | "%" | "count" | "x" | "bps" | "pp" | "USD/share"
        ) {
            return None;
        }
        let mut of_unit = self.units.iter().filter(|(_, u)| *u == unit);
        match (of_unit.next(), of_unit.next()) {
            (Some((metric, _)), None) => Some(metric),
            _ => None,
        }
    }

    /// Whether a figure in `unit` with `measure` can be a value of `metric` (README: a
    /// level or change has the metric's unit, a change of a percentage may be in pp or
    /// bps; `_pct` and `_multiple` measures fit any metric).
    pub(super) fn fits(&self, metric: &str, unit: &str, measure: &str) -> bool {
        if measure.ends_with("_pct") || measure.ends_with("_multiple") {
            return true;
        }
        match self.units.get(metric) {
            None => true,
            Some(u) => {
                // Points of a percentage are a change of it, whatever words said so
                // ("institutional ownership -2.68pp").
                u == unit || (u == "%" && matches!(unit, "pp" | "bps"))
            }
        }
    }
}

/// A lexicon phrase found in a sentence.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) entry: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_lexicon_row_names_a_bundled_metric_segment_or_disclosure_type() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut segments: BTreeSet<String> = BTreeSet::new();
        for row in csv::Reader::from_reader(include_str!("../../data/segments.csv").as_bytes())
            .records()
            .flatten()
        {
            segments.insert(row[2].to_string());
        }
        for entry in std::fs::read_dir(root.join("data/facts")).unwrap() {
            let mut reader = csv::Reader::from_path(entry.unwrap().path()).unwrap();
            let at = reader
                .headers()
                .unwrap()
                .iter()
                .position(|h| h == "segment")
                .unwrap();
            for row in reader.records() {
                segments.insert(row.unwrap()[at].to_string());
            }
        }
        let metrics: BTreeSet<String> = csv::Reader::from_reader(METRICS.as_bytes())
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        let mut reader = csv::Reader::from_reader(BUNDLED.as_bytes());
        for row in reader.records() {
            let row = row.unwrap();
            let known = match &row[0] {
                "metric" => metrics.contains(&row[1]),
                "segment" => segments.contains(&row[1]),
                "disclosure_type" => DISCLOSURE_TYPES.contains(&&row[1]),
                other => panic!("kind {other}"),
            };
            assert!(
                known,
                "{}: {} {:?} is not bundled",
                BUNDLED_NAME, &row[0], &row[1]
            );
        }
        for slug in INSTANT_METRICS
            .iter()
            .chain(MARKET_METRICS)
            .chain(FROM_LINES)
        {
            assert!(metrics.contains(*slug), "{slug} is not a bundled metric");
        }
    }

    #[test]
    fn a_malformed_lexicon_row_is_refused_with_its_place() {
        let mut lexicon = Lexicon::bundled().unwrap();
        let err = lexicon
            .add_csv(
                "mine.csv",
                "kind,value,phrase,note\nmetric,capex,capital outlays,\nmetrics,capex,x,\n\
                 metric,no_such_metric,widgets,\ndisclosure_type,audited,,\n",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("mine.csv:3: column 'kind': \"metrics\": expected metric, segment or disclosure_type"), "{err}");
        assert!(
            err.contains("mine.csv:4: column 'value': \"no_such_metric\": not a known metric"),
            "{err}"
        );
        assert!(
            err.contains("mine.csv:5: column 'phrase': \"\": expected a word"),
            "{err}"
        );
        assert!(err.contains("3 problems found"), "{err}");
        // Nothing of a refused file is added.
        assert!(lexicon.hits("capital outlays of $5 billion").is_empty());
    }
}
