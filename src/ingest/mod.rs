//! `amzdb ingest`: CSV files -> checked rows -> one transaction. Reference files load
//! before facts; every problem in every file is collected, and if there is any,
//! nothing is written. Facts already present are counted, never duplicated.

pub mod catalog;
mod facts;
pub mod input;
mod reader;
mod reference;

use crate::error::{Error, Problem, Problems, Result};
use crate::model::FileKind;
use catalog::Catalog;
pub use input::Input;
use reader::CsvFile;
use rusqlite::{params, Connection, Transaction};
use std::collections::BTreeMap;

/// What happened to one row.
pub(crate) enum RowOutcome {
    Inserted,
    Present,
    /// The same fact appeared earlier in this ingest, in another file: kept once.
    KeptOnce(String),
    Problems(Vec<Problem>),
}

/// The file being ingested, as the row handlers need it.
pub(crate) struct FileContext {
    pub name: String,
    pub batch_id: i64,
    /// Batches from this id on belong to this ingest.
    pub first_batch_id: i64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    pub inserted: usize,
    pub present: usize,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub by_kind: BTreeMap<FileKind, Counts>,
    /// Facts given twice in different files of this ingest, kept once.
    pub kept_once: Vec<String>,
}

impl Summary {
    pub fn counts(&self, kind: FileKind) -> Counts {
        self.by_kind.get(&kind).copied().unwrap_or_default()
    }

    pub fn inserted_anything(&self) -> bool {
        self.by_kind.values().any(|c| c.inserted > 0)
    }
}

/// Ingests the inputs in one transaction. With `dry_run`, everything is checked the same
/// way and then rolled back.
pub fn ingest(conn: &mut Connection, inputs: &[Input], dry_run: bool) -> Result<Summary> {
    let mut problems = Problems::default();
    let mut files = Vec::new();
    for input in inputs {
        match CsvFile::open(input)? {
            Ok(file) => files.push(file),
            Err(found) => found.into_iter().for_each(|p| problems.push(p)),
        }
    }
    // Stable: files of one kind keep their order.
    files.sort_by_key(|f| f.kind);
    let tx = conn.transaction()?;
    let mut catalog = Catalog::load(&tx)?;
    let first_batch_id: i64 = tx.query_row(
        "SELECT ifnull(max(batch_id), 0) + 1 FROM ingest_batches",
        [],
        |r| r.get(0),
    )?;
    let mut summary = Summary {
        files: inputs.len(),
        ..Summary::default()
    };
    for file in files {
        ingest_file(
            &tx,
            &mut catalog,
            file,
            first_batch_id,
            &mut problems,
            &mut summary,
        )?;
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if !dry_run {
        tx.commit()?;
    }
    Ok(summary)
}

fn ingest_file(
    tx: &Transaction,
    catalog: &mut Catalog,
    mut file: CsvFile,
    first_batch_id: i64,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Result<()> {
    tx.execute(
        "INSERT INTO ingest_batches (file_name, content_sha256, file_kind, rows_read, rows_inserted, rows_present, ingested_at) \
         VALUES (?1, ?2, ?3, 0, 0, 0, ?4)",
        params![
            file.name,
            "0".repeat(64),
            file.kind.as_str(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ],
    )?;
    let ctx = FileContext {
        name: file.name.clone(),
        batch_id: tx.last_insert_rowid(),
        first_batch_id,
    };
    let kind = file.kind;
    let mut counts = Counts::default();
    let mut rows = 0_usize;
    while let Some(row) = file.next_row() {
        rows += 1;
        let row = match row {
            Ok(row) => row,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let outcome = match kind {
            FileKind::Entities => reference::entity(tx, catalog, &ctx.name, &row),
            FileKind::Sources => reference::source(tx, catalog, &ctx.name, &row),
            FileKind::Metrics => reference::metric(tx, catalog, &ctx.name, &row),
            FileKind::Facts => facts::fact(tx, catalog, &ctx, &row),
        };
        match outcome {
            Ok(RowOutcome::Inserted) => counts.inserted += 1,
            Ok(RowOutcome::Present) => counts.present += 1,
            Ok(RowOutcome::KeptOnce(notice)) => summary.kept_once.push(notice),
            Ok(RowOutcome::Problems(found)) => found.into_iter().for_each(|p| problems.push(p)),
            // A constraint the checks above missed: report it against the row.
            Err(Error::Sql(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                problems.push(
                    Problem::file(&ctx.name, format!("refused by the database: {e}")).at(row.line),
                );
            }
            Err(e) => return Err(e),
        }
    }
    if rows == 0 {
        problems.push(Problem::file(
            &ctx.name,
            format!("has a header but no rows; expected {kind} below the header"),
        ));
    }
    if counts.inserted == 0 {
        tx.execute(
            "DELETE FROM ingest_batches WHERE batch_id = ?1",
            [ctx.batch_id],
        )?;
    } else {
        tx.execute(
            "UPDATE ingest_batches SET content_sha256 = ?2, rows_read = ?3, rows_inserted = ?4, rows_present = ?5 \
             WHERE batch_id = ?1",
            params![ctx.batch_id, file.sha256_hex(), rows as i64, counts.inserted as i64, counts.present as i64],
        )?;
    }
    let total = summary.by_kind.entry(kind).or_default();
    total.inserted += counts.inserted;
    total.present += counts.present;
    Ok(())
}
