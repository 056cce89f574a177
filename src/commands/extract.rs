//! `amzdb extract FILE...`: draft fact rows from documents, to review and then ingest.
//! Every file is checked before any row is written; CSV is written as rows are found, so
//! a big transcript never sits in memory (tables and JSON are collected first).
//! `--coverage` lists every number of the documents with its status against the
//! database instead (read only), and fails when any is uncovered.

use crate::cli::{ExtractArgs, Format, OutputArgs};
use crate::error::{Error, Result};
use crate::extract::coverage::{self, Facts, Skips, Status};
use crate::extract::guess::Guesser;
use crate::extract::{self, sentences, text, Options, DRAFT_COLUMNS, FACT_COLUMNS};
use crate::output::{self, Rows};
use rusqlite::types::Value;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub fn run(db: &Path, args: &ExtractArgs, out: &mut dyn Write) -> Result<()> {
    let kinds = extract::check(&args.files)?;
    if let Some(target) = &args.output.output {
        refuse_reading_and_writing(target, &args.files)?;
    }
    if args.coverage {
        return run_coverage(db, args, &kinds, out);
    }
    let mut guesser = Guesser::new(
        db,
        args.entity.as_deref(),
        args.period.as_deref(),
        &args.lexicon,
    )?;
    if let Some(date) = &args.as_of {
        guesser.set_as_of(date)?;
    }
    let options = Options {
        entity: args.entity.clone(),
        source: args.source.clone(),
        guesser,
    };
    let width = FACT_COLUMNS.len() + if args.clean { 0 } else { DRAFT_COLUMNS.len() };
    let columns: Vec<String> = FACT_COLUMNS
        .iter()
        .chain(DRAFT_COLUMNS)
        .take(width)
        .map(|c| (*c).to_string())
        .collect();
    let mut each = |row: &mut Sink| -> io::Result<()> {
        for (file, kind) in args.files.iter().zip(&kinds) {
            extract::draft(file, *kind, &options, &mut |mut draft| {
                draft.truncate(width);
                row(draft.into_iter().map(Value::Text).collect())
            })?;
        }
        Ok(())
    };
    stream(&args.output, out, columns, &mut each)
}

/// Where each row goes as it is found.
type Sink<'a> = dyn FnMut(Vec<Value>) -> io::Result<()> + 'a;

/// Writes rows as `each` hands them over: CSV row by row (a big document never sits in
/// memory), other formats once all are collected.
fn stream(
    args: &OutputArgs,
    out: &mut dyn Write,
    columns: Vec<String>,
    each: &mut dyn FnMut(&mut Sink) -> io::Result<()>,
) -> Result<()> {
    super::emit(args, out, |w| {
        if args.format == Format::Csv {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(&columns)?;
            each(&mut |row| {
                csv.write_record(row.iter().map(cell))
                    .map_err(io::Error::other)
            })?;
            csv.flush()
        } else {
            let mut rows = Rows {
                columns,
                rows: Vec::new(),
            };
            each(&mut |row| {
                rows.rows.push(row);
                Ok(())
            })?;
            output::write(&rows, args.format, w)
        }
    })
}

/// The columns of `--coverage`: where the number is (byte offsets in the file, or in the
/// extracted text for HTML), its text and amount, its status and why.
const COVERAGE_COLUMNS: &[&str] = &[
    "file",
    "offset",
    "sentence_offset",
    "number",
    "amount",
    "status",
    "fact_ids",
    "reason",
    "sentence",
];

/// How many numbers of one file are covered, skipped and uncovered.
#[derive(Default)]
struct Counts {
    covered: usize,
    skipped: usize,
    uncovered: usize,
}

/// `--coverage`: every number of every file with its status, then a summary per file on
/// stderr; an error (exit 1) when any number is uncovered.
fn run_coverage(
    db: &Path,
    args: &ExtractArgs,
    kinds: &[text::Kind],
    out: &mut dyn Write,
) -> Result<()> {
    let skips = Skips::load(&args.skips)?;
    let exists = db.try_exists().map_err(|e| Error::CannotRead {
        path: db.to_path_buf(),
        source: e,
    })?;
    if !exists {
        return Err(Error::io(
            db,
            io::Error::new(
                io::ErrorKind::NotFound,
                "no such database; --coverage compares the documents with a database's \
                 facts: create one with `amzdb init` (the bundled dataset) or name one with --db",
            ),
        ));
    }
    let facts = Facts::load(&crate::db::open_ro(db)?)?;
    let mut counts: Vec<Counts> = args.files.iter().map(|_| Counts::default()).collect();
    // The skip rows that skipped a number (by origin, `file:line`).
    let mut used: HashSet<String> = HashSet::new();
    let columns: Vec<String> = COVERAGE_COLUMNS.iter().map(|c| (*c).to_string()).collect();
    let mut each =
        |row: &mut Sink| check_files(args, kinds, &facts, &skips, &mut counts, &mut used, row);
    stream(&args.output, out, columns, &mut each)?;
    note_unused_skips(args, &skips, &used);
    let mut uncovered = 0;
    for (file, c) in args.files.iter().zip(&counts) {
        crate::say!(
            "{}: {} numbers: {} covered, {} skipped, {} uncovered",
            file.display(),
            c.covered + c.skipped + c.uncovered,
            c.covered,
            c.skipped,
            c.uncovered
        );
        uncovered += c.uncovered;
    }
    if uncovered > 0 {
        let s = if uncovered == 1 { "" } else { "s" };
        return Err(Error::Uncovered(format!(
            "{uncovered} number{s} neither covered by a stored fact quoting its sentence nor \
             skipped (the rows with status uncovered); add the facts (`amzdb ingest`) or skip \
             rows with a reason (--skips FILE)"
        )));
    }
    Ok(())
}

/// Notes each skip row for one of these documents that skipped none of its numbers: a
/// typo in its sentence or number, a row an earlier one shadows, or a figure since made a
/// fact. A note, not an error: the row does no harm, but a list kept honest has none.
fn note_unused_skips(args: &ExtractArgs, skips: &Skips, used: &HashSet<String>) {
    let names: HashSet<String> = args
        .files
        .iter()
        .map(|f| coverage::document_name(f))
        .collect();
    for skip in &skips.rows {
        let Some(document) = skip.document.as_ref().filter(|d| names.contains(*d)) else {
            continue;
        };
        if !used.contains(&skip.origin) {
            let sentences = if skip.sentence.is_empty() {
                "no sentence".to_string()
            } else {
                format!("no sentence containing {:?}", skip.sentence)
            };
            crate::say!(
                "amzdb: note: {}: this skip row skipped no number of {document}: {sentences} \
                 has {} left that no fact covers and no earlier row skips; fix or remove the row",
                skip.origin,
                skip.number
            );
        }
    }
}

/// Hands the coverage row of every number of every file to `row`, counting statuses.
fn check_files(
    args: &ExtractArgs,
    kinds: &[text::Kind],
    facts: &Facts,
    skips: &Skips,
    counts: &mut [Counts],
    used: &mut HashSet<String>,
    row: &mut dyn FnMut(Vec<Value>) -> io::Result<()>,
) -> io::Result<()> {
    for ((file, kind), count) in args.files.iter().zip(kinds).zip(counts) {
        let shown = file.display().to_string();
        let name = coverage::document_name(file);
        text::paragraphs(file, *kind, &mut |offset, paragraph| {
            for (at, sentence) in sentences::split(paragraph) {
                for (item, status) in coverage::check(&name, sentence, facts, skips) {
                    let (ids, reason) = match &status {
                        Status::Covered(ids) => {
                            count.covered += 1;
                            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                            (ids.join(" "), String::new())
                        }
                        Status::Skipped(skip) => {
                            count.skipped += 1;
                            used.insert(skip.origin.clone());
                            (String::new(), skip.reason.clone())
                        }
                        Status::Uncovered => {
                            count.uncovered += 1;
                            (String::new(), String::new())
                        }
                    };
                    row(vec![
                        Value::Text(shown.clone()),
                        Value::Integer(position(offset + at + item.start)),
                        Value::Integer(position(offset + at)),
                        Value::Text(item.text.clone()),
                        Value::Text(item.amount_text()),
                        Value::Text(status.name().to_string()),
                        Value::Text(ids),
                        Value::Text(reason),
                        Value::Text(sentence.to_string()),
                    ])?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// A byte offset as an SQLite integer (files beyond 2^63 bytes do not occur).
fn position(offset: usize) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}

/// A value as CSV writes it.
fn cell(value: &Value) -> String {
    match value {
        Value::Integer(i) => i.to_string(),
        Value::Text(t) => t.clone(),
        Value::Real(r) => output::real(*r),
        Value::Null | Value::Blob(_) => String::new(),
    }
}

/// Refuses an `--output` that is one of the documents: the drafts would replace the text
/// they quote.
fn refuse_reading_and_writing(target: &Path, files: &[PathBuf]) -> Result<()> {
    let Ok(target_real) = std::fs::canonicalize(target) else {
        return Ok(()); // a new file cannot be one of the documents
    };
    for file in files {
        if std::fs::canonicalize(file).is_ok_and(|f| f == target_real) {
            return Err(Error::Refused(format!(
                "--output {} is also a document to extract from; the drafts would replace \
                 it: name another output file",
                target.display()
            )));
        }
    }
    Ok(())
}
