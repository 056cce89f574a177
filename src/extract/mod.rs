//! Drafting facts from documents: each quantified statement of a text, Markdown or HTML
//! file becomes a draft row in amzdb's facts CSV format, quoting its sentence verbatim,
//! with draft-only columns saying where it was found and why each guess was made.
//! Nothing here touches the database.

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
/// amzdb stores it, and the cue words behind the guesses. `--clean` leaves them out.
pub const DRAFT_COLUMNS: &[&str] = &["file", "offset", "amount", "cue"];

/// What the user says about every row.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub entity: Option<String>,
    pub source: Option<String>,
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
    text::paragraphs(path, kind, &mut |offset, paragraph| {
        for (at, sentence) in sentences::split(paragraph) {
            for q in quantities::find(sentence) {
                let basis = basis(clause(sentence, q.start, q.end));
                let mut cue = q.cue.clone();
                if let Some((_, word)) = basis {
                    cue.push(format!("basis: {word}"));
                }
                row(vec![
                    options.entity.clone().unwrap_or_default(),
                    String::new(),
                    String::new(),
                    String::new(),
                    q.measure.to_string(),
                    q.value.clone(),
                    q.value_high.clone().unwrap_or_default(),
                    q.unit.to_string(),
                    q.qualifier.to_string(),
                    basis.map_or("actual", |(b, _)| b).to_string(),
                    String::new(),
                    options.source.clone().unwrap_or_default(),
                    String::new(),
                    sentence.to_string(),
                    String::new(),
                    file.clone(),
                    (offset + at + q.start).to_string(),
                    q.amount.clone(),
                    cue.join("; "),
                ])?;
            }
        }
        Ok(())
    })
}

/// The clause of a sentence around a quantity (between ", " or "; "), so that one
/// figure's cue ("a $20 billion run rate") does not mark its neighbours.
fn clause(sentence: &str, start: usize, end: usize) -> &str {
    let from = sentence[..start].rfind([',', ';']).map_or(0, |i| i + 1);
    let to = sentence[end..]
        .find([',', ';'])
        .map_or(sentence.len(), |i| end + i);
    &sentence[from..to]
}

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
