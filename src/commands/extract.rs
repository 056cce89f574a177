//! `amzdb extract FILE...`: draft fact rows from documents, to review and then ingest.
//! Every file is checked before any row is written; CSV is written as rows are found, so
//! a big transcript never sits in memory (tables and JSON are collected first).

use crate::cli::{ExtractArgs, Format};
use crate::error::{Error, Result};
use crate::extract::guess::Guesser;
use crate::extract::{self, Options, DRAFT_COLUMNS, FACT_COLUMNS};
use crate::output::{self, Rows};
use rusqlite::types::Value;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub fn run(db: &Path, args: &ExtractArgs, out: &mut dyn Write) -> Result<()> {
    let kinds = extract::check(&args.files)?;
    if let Some(target) = &args.output.output {
        refuse_reading_and_writing(target, &args.files)?;
    }
    let guesser = Guesser::new(
        db,
        args.entity.as_deref(),
        args.period.as_deref(),
        &args.lexicon,
    )?;
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
    let each = |row: &mut dyn FnMut(extract::Draft) -> io::Result<()>| -> io::Result<()> {
        for (file, kind) in args.files.iter().zip(&kinds) {
            extract::draft(file, *kind, &options, &mut |mut draft| {
                draft.truncate(width);
                row(draft)
            })?;
        }
        Ok(())
    };
    super::emit(&args.output, out, |w| {
        if args.output.format == Format::Csv {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(&columns)?;
            each(&mut |draft| csv.write_record(&draft).map_err(io::Error::other))?;
            csv.flush()
        } else {
            let mut rows = Rows {
                columns: columns.clone(),
                rows: Vec::new(),
            };
            each(&mut |draft| {
                rows.rows.push(draft.into_iter().map(Value::Text).collect());
                Ok(())
            })?;
            output::write(&rows, args.output.format, w)
        }
    })
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
