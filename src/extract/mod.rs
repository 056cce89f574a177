//! Drafting facts from documents: each quantified statement of a text, Markdown or HTML
//! file becomes a draft row in amzdb's facts CSV format, quoting its sentence verbatim,
//! with draft-only columns saying where it was found and why each guess was made.
//! Nothing here touches the database.

pub mod coverage;
pub mod guess;
pub mod lexicon;
pub mod periods;
pub mod quantities;
pub mod sentences;
pub mod text;

use crate::error::Result;
use std::io;
use std::path::{Path, PathBuf};

/// The facts CSV columns `amzdb ingest` reads, in its order.
pub const FACT_COLUMNS: &[&str] = &[
    "entity",
    "metric",
    "segment",
    "period",
    "measure",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "basis",
    "disclosure_type",
    "source",
    "published_on",
    "quote",
    "note",
];

/// Draft-only columns, after the facts columns: the file, the byte offset of the quantity
/// (in the file for text; in the extracted text for HTML), its amount in base units as
/// amzdb stores it, how sure the metric and period guesses are, and the cue words behind
/// the guesses. `--clean` leaves them out.
pub const DRAFT_COLUMNS: &[&str] = &["file", "offset", "amount", "confidence", "cue"];

/// What the user says about every row, and what the guesses start from.
#[derive(Debug, Clone)]
pub struct Options {
    pub entity: Option<String>,
    pub source: Option<String>,
    pub guesser: guess::Guesser,
}

/// One draft row: the facts columns then the draft columns.
pub type Draft = Vec<String>;

/// Checks every file first (a bad one stops the run before any row is written), then
/// the kind of each.
pub fn check(files: &[PathBuf]) -> Result<Vec<text::Kind>> {
    files.iter().map(|f| text::check(f)).collect()
}

/// Drafts the rows of one checked file, handing each to `row` as it is found: a big file
/// is read a paragraph at a time and never held whole (HTML excepted).
pub fn draft(
    path: &Path,
    kind: text::Kind,
    options: &Options,
    row: &mut dyn FnMut(Draft) -> io::Result<()>,
) -> io::Result<()> {
    let file = path.display().to_string();
    let stated = if options.guesser.has_as_of() {
        None
    } else {
        stated_date(path, kind)?
    };
    let mut document = options.guesser.document(stated);
    text::paragraphs(path, kind, &mut |offset, paragraph| {
        document.paragraph(paragraph);
        for (at, sentence) in sentences::split(paragraph) {
            let quantities = quantities::find(sentence);
            // Every sentence moves the document's quarter, figures or not.
            let found = document.sentence(sentence);
            let mut before: Option<&'static str> = None;
            for q in quantities {
                let clause = clause(sentence, q.start, q.end);
                let basis = basis(&sentence[clause.clone()]).or(document.label_basis());
                let per = per_share(&q, &sentence[clause.clone()]);
                let mut unit = per.map_or(q.unit, |(unit, _)| unit);
                let mut assumed = q.cue.iter().any(|c| c == ASSUMED_USD);
                let mut cue = q.cue.clone();
                // "2.3 million active customers, up from 1.9 million": the figure compared
                // with another takes its unit.
                if let Some(other) = before.filter(|u| assumed && *u != "USD") {
                    if compared(&sentence[..q.start]) {
                        unit = other;
                        assumed = false;
                        cue.retain(|c| c != ASSUMED_USD);
                        cue.push(format!("unit: {other}, as the figure it is compared with"));
                    }
                }
                before = Some(unit);
                let basis_name = basis.map_or("actual", |(b, _)| b);
                let g = document.guess(
                    sentence,
                    &found,
                    &guess::Figure {
                        span: q.start..q.end,
                        clause,
                        unit,
                        measure: q.measure,
                        basis: basis_name,
                        assumed_unit: assumed,
                        per_share_possible: unit == "USD"
                            && !q.value.ends_with(['K', 'M', 'B', 'T']),
                        // A table row's cells are a tab apart (HTML): the figure's column.
                        column: paragraph
                            .contains('\t')
                            .then(|| paragraph[..at + q.start].matches('\t').count()),
                    },
                );
                if g.unit.is_some() {
                    cue.retain(|c| c != ASSUMED_USD);
                }
                let unit = g.unit.clone().unwrap_or_else(|| unit.to_string());
                let basis_name = g.basis.unwrap_or(basis_name);
                if let Some((_, word)) = basis {
                    cue.push(format!("basis: {word}"));
                }
                if let Some((_, word)) = per {
                    cue.push(format!("per share: {word}"));
                }
                cue.extend(g.cue);
                row(vec![
                    options.entity.clone().unwrap_or_default(),
                    g.metric,
                    g.segment,
                    g.period,
                    q.measure.to_string(),
                    q.value.clone(),
                    q.value_high.clone().unwrap_or_default(),
                    unit,
                    q.qualifier.to_string(),
                    basis_name.to_string(),
                    g.disclosure_type,
                    options.source.clone().unwrap_or_default(),
                    String::new(),
                    // A table row's cell tabs read as the spaces they stand for.
                    sentence.replace('\t', " "),
                    String::new(),
                    file.clone(),
                    (offset + at + q.start).to_string(),
                    q.amount.clone(),
                    g.confidence.to_string(),
                    cue.join("; "),
                ])?;
            }
        }
        Ok(())
    })
}

/// The date a document says its data is as of ("All data as of 2026-05-13."): the last
/// sentence that writes "as of" right before a full date and states no figure of its own
/// (so "as of 2026-03-31: 233 new positions" dates its figures, not the document). A
/// first pass over the file, a paragraph at a time; only paragraphs with "as of" are split.
fn stated_date(path: &Path, kind: text::Kind) -> io::Result<Option<chrono::NaiveDate>> {
    let mut stated = None;
    text::paragraphs(path, kind, &mut |_, paragraph| {
        let said = paragraph
            .as_bytes()
            .windows(5)
            .any(|w| w.eq_ignore_ascii_case(b"as of"));
        if !said {
            return Ok(());
        }
        for (_, sentence) in sentences::split(paragraph) {
            let lower = sentence.to_ascii_lowercase();
            let dated = periods::find(sentence).into_iter().find_map(|p| {
                let said = lower[..p.start].trim_end().ends_with("as of");
                let date = p.label.as_deref().and_then(|l| l.parse().ok());
                date.filter(|_| said && p.kind == periods::Kind::Date)
            });
            if dated.is_some() && quantities::find(sentence).is_empty() {
                stated = dated;
            }
        }
        Ok(())
    })?;
    Ok(stated)
}

/// The cue quantities::find gives a scaled number without `$` or a noun.
const ASSUMED_USD: &str = "no $: USD assumed";

/// Whether the text before a figure ends with a comparison ("up from", "versus", "vs.").
fn compared(before: &str) -> bool {
    let lower = quantities::near_end(before, 24).to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.iter().rev().take(2).any(|w| {
        matches!(
            w.trim_matches(|c: char| !c.is_alphanumeric()),
            "from" | "versus" | "vs" | "compared" | "than"
        )
    })
}

/// Words that make a dollar amount without a scale a per-share figure ("EPS $2.78").
const PER_SHARE_CUES: &[&str] = &[
    "eps",
    "per share",
    "target",
    "share price",
    "stock price",
    "/share",
    "px",
    "close of",
];

/// `USD/share` and its cue for a dollar amount without a scale in a clause about
/// per-share figures; amounts in millions or billions are never per share.
fn per_share(q: &quantities::Quantity, clause: &str) -> Option<(&'static str, &'static str)> {
    if q.unit != "USD" || q.value.ends_with(['K', 'M', 'B', 'T']) {
        return None;
    }
    let lower = clause.to_lowercase();
    PER_SHARE_CUES
        .iter()
        .find(|cue| lower.contains(*cue))
        .map(|cue| ("USD/share", *cue))
}

/// The clause of a sentence around a quantity (between ", " or "; "), so that one
/// figure's cue ("a $20 billion run rate") does not mark its neighbours.
pub(crate) fn clause(sentence: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    // Within a bounded distance, so that a long sentence costs linear time.
    let before = quantities::near_end(&sentence[..start], CLAUSE);
    let from = start - before.len()
        + CLAUSE_ENDS
            .iter()
            .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
            .max()
            .unwrap_or(0);
    let after = quantities::near(&sentence[end..], CLAUSE);
    let to = end
        + CLAUSE_ENDS
            .iter()
            .filter_map(|sep| after.find(sep))
            .min()
            .unwrap_or(after.len());
    from..to
}

/// What ends a clause: commas and semicolons, and the dashes, ellipses and middle dots
/// that run clauses together in transcripts and tables.
const CLAUSE_ENDS: &[&str] = &[",", ";", "...", "…", " — ", " · ", " | "];

/// The farthest a clause reaches either side of its quantity, in bytes.
const CLAUSE: usize = 200;

/// Cue words for the basis of a figure (in its clause), first match wins.
const BASIS_CUES: &[(&str, &str)] = &[
    ("run rate", "run_rate"),
    ("run-rate", "run_rate"),
    ("annualized", "run_rate"),
    ("annualised", "run_rate"),
    ("consensus", "consensus"),
    ("guidance", "guidance"),
    ("guided", "guidance"),
    ("outlook", "guidance"),
    ("expect", "guidance"),
    ("price target", "target"),
    ("estimate", "estimate"),
    ("estimated", "estimate"),
];

/// The basis a clause's cue words suggest, with the cue; None for `actual`.
fn basis(sentence: &str) -> Option<(&'static str, &'static str)> {
    let lower = sentence.to_lowercase();
    BASIS_CUES
        .iter()
        .find(|(cue, _)| lower.contains(cue))
        .map(|(cue, basis)| (*basis, *cue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_share_cues_apply_to_amounts_without_a_scale_in_their_clause() {
        let s = "EPS was $2.78, and capex was $44.2 billion; the high target is $370";
        let units: Vec<Option<&str>> = quantities::find(s)
            .iter()
            .map(|q| per_share(q, &s[clause(s, q.start, q.end)]).map(|(unit, _)| unit))
            .collect();
        assert_eq!(units, vec![Some("USD/share"), None, Some("USD/share")]);
    }

    #[test]
    fn a_basis_cue_marks_its_clause_only() {
        let s = "a $20 billion annual run rate, with spend growing 170% quarter-over-quarter";
        let bases: Vec<Option<&str>> = quantities::find(s)
            .iter()
            .map(|q| basis(&s[clause(s, q.start, q.end)]).map(|(b, _)| b))
            .collect();
        assert_eq!(bases, vec![Some("run_rate"), None]);
    }
}
