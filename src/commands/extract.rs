//! `amzdb extract FILE...`: draft fact rows from documents, to review and then ingest.
//! Every file is checked before any row is written; CSV is written as rows are found, so
//! a big transcript never sits in memory (tables and JSON are collected first).

use crate::cli::{ExtractArgs, Format};
use crate::error::Result;
use crate::extract::{self, Options, DRAFT_COLUMNS, FACT_COLUMNS};
use crate::output::{self, Rows};
use rusqlite::types::Value;
use std::io::{self, Write};

pub fn run(args: &ExtractArgs, out: &mut dyn Write) -> Result<()> {
    let kinds = extract::check(&args.files)?;
    let options = Options {
        entity: args.entity.clone(),
        source: args.source.clone(),
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
