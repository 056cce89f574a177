//! `amzdb export DIR --format parquet`: the facts with their provenance, every report
//! view and every base table as Parquet files (arrow-rs, Snappy), for DuckDB, Spark,
//! Trino or pandas:
//!
//! ```text
//! DIR/facts/entity=<TICKER>/part-0.parquet          fact_detail's columns, Hive partitioned
//! DIR/reports/<view>.parquet                         each report view's rows (every entity)
//! DIR/tables/<table>.parquet                         each STRICT table's stored columns
//! DIR/tables/facts/entity=<TICKER>/part-0.parquet   the facts table, Hive partitioned
//! ```
//!
//! Types: a table column has its declared STRICT type (INTEGER -> Int64, REAL -> Float64,
//! TEXT -> Utf8; dates stay ISO text, so the same SQL compares them); generated columns
//! are skipped, as DuckDB's SQLite scanner skips them, and so is a column declared ANY or
//! BLOB (schema v5 leaves none in amzdb's tables). A view's column (facts, reports) is
//! typed from its values over all its rows: only integers -> Int64; reals, or integers
//! and reals -> Float64; any text -> Utf8 (numbers in it written as SQLite prints them);
//! no value at all -> Utf8. An integer beyond 2^53 beside reals makes the column Utf8, so
//! no figure is rounded to fit a double. The values decide the type as they stream: a
//! value that does not fit the type chosen so far widens it and the file (for facts, every
//! partition) is written again, so the first batch usually settles it in one pass.
//!
//! Rows stream from SQLite in batches into row groups, so memory stays bounded whatever
//! the number of facts. Every file goes through `output::file`; each of DIR/facts,
//! DIR/tables and DIR/reports is built beside its final name and swapped in whole once
//! all three are complete, so a re-export never mixes files of two exports, and the
//! partition of an entity that has no facts any more goes with the old directory. All
//! files are read in one transaction: they show one state of the database.

use super::file;
use crate::error::{Error, Result};
use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, Statement};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per Arrow batch read from SQLite.
const BATCH_ROWS: usize = 8192;
/// Rows per Parquet row group: bounds the writer's memory (a group is held encoded until
/// it is complete) while giving readers large enough units to scan in parallel.
const ROW_GROUP_ROWS: usize = 65_536;
/// The largest magnitude below which every integer is exact in a double.
const EXACT_IN_DOUBLE: u64 = 1 << 53;
/// A partition's file under its `entity=TICKER` directory.
const PART: &str = "part-0.parquet";

/// One of the three directories an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// DIR/facts: fact_detail, Hive partitioned by entity.
    Facts,
    /// DIR/tables: every base table, facts Hive partitioned.
    Tables,
    /// DIR/reports: every report view.
    Reports,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Facts, Part::Tables, Part::Reports];

    fn dir(self) -> &'static str {
        match self {
            Part::Facts => "facts",
            Part::Tables => "tables",
            Part::Reports => "reports",
        }
    }

    /// What an earlier export leaves in the directory (`output::file::write_dir` replaces
    /// it only when it holds nothing else).
    fn replaceable(self) -> Vec<String> {
        match self {
            Part::Facts => vec![format!("entity=*/{PART}")],
            Part::Tables => vec!["*.parquet".into(), format!("facts/entity=*/{PART}")],
            Part::Reports => vec!["*.parquet".into()],
        }
    }
}

/// Writes the Parquet export into `dir`; the paths written, relative to `dir`.
pub fn export(conn: &Connection, dir: &Path) -> Result<Vec<String>> {
    export_parts(conn, dir, &Part::ALL)
}

/// Writes these parts of the export (the benchmark times the facts alone).
pub fn export_parts(conn: &Connection, dir: &Path, parts: &[Part]) -> Result<Vec<String>> {
    // One read transaction: every file shows the same state of the database.
    let snapshot = conn.unchecked_transaction()?;
    let entities = tickers(conn)?;
    let mut written = Vec::new();
    nest(conn, dir, parts, &entities, &mut written)?;
    drop(snapshot);
    Ok(written)
}

/// Fills each part's directory beside its final name, the next part inside the previous
/// one's `write_dir`, so no directory is swapped in before every one is complete.
fn nest(
    conn: &Connection,
    dir: &Path,
    parts: &[Part],
    entities: &[String],
    written: &mut Vec<String>,
) -> Result<()> {
    let Some((&part, rest)) = parts.split_first() else {
        return Ok(());
    };
    let target = dir.join(part.dir());
    file::write_dir(&target, &part.replaceable(), |tmp| {
        let files = fill(conn, part, tmp, &target, entities)?;
        written.extend(files.into_iter().map(|f| format!("{}/{f}", part.dir())));
        nest(conn, dir, rest, entities, written)
    })
}

/// Writes one part into `tmp` (to become `target`); the paths written, relative to it.
fn fill(
    conn: &Connection,
    part: Part,
    tmp: &Path,
    target: &Path,
    entities: &[String],
) -> Result<Vec<String>> {
    let at = Place {
        tmp: tmp.to_path_buf(),
        target: target.to_path_buf(),
    };
    match part {
        Part::Facts => {
            let mut stmt = conn.prepare(include_str!("../sql/parquet/fact_detail.sql"))?;
            let typing = Typing::of(&stmt);
            partitions(&mut stmt, typing, &at, entities)
        }
        Part::Tables => {
            let mut written = Vec::new();
            for table in base_tables(conn)? {
                let columns = stored_columns(conn, &table)?;
                let list = columns
                    .iter()
                    .map(|(name, _)| quote(name))
                    .collect::<Vec<_>>()
                    .join(", ");
                let typing =
                    || Typing::new(columns.iter().map(|(n, k)| (n.clone(), Some(*k))).collect());
                if table == "facts" {
                    let sql = include_str!("../sql/parquet/facts.sql").replace("{columns}", &list);
                    let at = at.join("facts");
                    at.create_dir()?;
                    let parts = partitions(&mut conn.prepare(&sql)?, typing(), &at, entities)?;
                    written.extend(parts.into_iter().map(|p| format!("facts/{p}")));
                } else {
                    let sql = format!("SELECT {list} FROM {}", quote(&table));
                    let name = format!("{table}.parquet");
                    single(&mut conn.prepare(&sql)?, typing(), &at, &name)?;
                    written.push(name);
                }
            }
            Ok(written)
        }
        Part::Reports => {
            let mut written = Vec::new();
            for view in crate::report::all().into_iter().filter_map(|q| q.view) {
                let name = format!("{view}.parquet");
                let mut stmt = conn.prepare(&format!("SELECT * FROM {}", quote(view)))?;
                let typing = Typing::of(&stmt);
                single(&mut stmt, typing, &at, &name)?;
                written.push(name);
            }
            Ok(written)
        }
    }
}

/// A directory or file being written (`tmp`, inside a directory `write_dir` fills) and
/// the name it will have (`target`), which errors name: the user never sees the
/// temporary's name.
struct Place {
    tmp: PathBuf,
    target: PathBuf,
}

impl Place {
    fn join(&self, name: &str) -> Place {
        Place {
            tmp: self.tmp.join(name),
            target: self.target.join(name),
        }
    }

    fn create_dir(&self) -> Result<()> {
        std::fs::create_dir_all(&self.tmp).map_err(|e| Error::io(&self.target, e))
    }
}

/// One file holding every row of `stmt`, typed as its values are (widened and written
/// again until every value fits).
fn single(stmt: &mut Statement, mut typing: Typing, at: &Place, name: &str) -> Result<()> {
    loop {
        typing.start();
        let rows = stmt.query([])?;
        match write_file(&at.join(name), rows, &mut typing)? {
            Written::Done => return Ok(()),
            Written::Widened => continue,
        }
    }
}

/// One file per entity (`entity=TICKER/part-0.parquet`) of `stmt`'s rows with the ticker
/// bound as ?1, all with one schema: a value that widens a column's type in any partition
/// writes them all again. Returns the paths written, relative to `at`.
fn partitions(
    stmt: &mut Statement,
    mut typing: Typing,
    at: &Place,
    entities: &[String],
) -> Result<Vec<String>> {
    'attempt: loop {
        typing.start();
        let mut written = Vec::with_capacity(entities.len());
        for ticker in entities {
            let dir = partition(ticker).map_err(Error::Refused)?;
            let part = at.join(&dir);
            part.create_dir()?;
            let rows = stmt.query([ticker])?;
            match write_file(&part.join(PART), rows, &mut typing)? {
                Written::Done => written.push(format!("{dir}/{PART}")),
                Written::Widened => continue 'attempt,
            }
        }
        return Ok(written);
    }
}

/// A Hive partition's directory name for a ticker. amzdb's tickers are upper-case letters,
/// digits, '.' and '-' (what ingest accepts); anything else (a database edited by hand)
/// is refused rather than escaped, since a '/' or '%' would name another directory.
fn partition(ticker: &str) -> std::result::Result<String, String> {
    let ok = !ticker.is_empty()
        && ticker
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.' || c == '-');
    if ok {
        Ok(format!("entity={ticker}"))
    } else {
        Err(format!(
            "entity {ticker:?}: a ticker of upper-case letters, digits, '.' and '-' names a \
             Parquet partition (entity=TICKER); fix the ticker in the database (amzdb ingest \
             accepts no other) and export again"
        ))
    }
}

enum Written {
    Done,
    /// A value did not fit its column's type: the type is wider now, write again.
    Widened,
}

/// Streams `rows` into a Parquet file.
fn write_file(at: &Place, mut rows: rusqlite::Rows, typing: &mut Typing) -> Result<Written> {
    let written = file::write(&at.tmp, |w| {
        let sql = |e: rusqlite::Error| io::Error::other(e);
        // The first file of an attempt settles the columns no declared type decides from
        // its first batch; later values that do not fit widen the type (a new attempt).
        let mut first = Vec::new();
        if !typing.locked {
            while first.len() < BATCH_ROWS {
                let Some(row) = rows.next().map_err(sql)? else {
                    break;
                };
                let values = (0..typing.columns.len())
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map_err(sql)?;
                for (i, value) in values.iter().enumerate() {
                    typing.settle(i, value.into()).map_err(io::Error::other)?;
                }
                first.push(values);
            }
            typing.locked = true;
        }
        let schema = typing.schema();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let parquet = |e: parquet::errors::ParquetError| io::Error::other(e);
        let mut writer = ArrowWriter::try_new(w, schema.clone(), Some(props)).map_err(parquet)?;
        let mut batch = Batch::new(typing);
        for values in &first {
            for (i, value) in values.iter().enumerate() {
                batch.push(i, value.into(), typing)?;
            }
            batch.rows += 1;
        }
        drop(first);
        loop {
            if batch.rows >= BATCH_ROWS {
                writer.write(&batch.finish(&schema)?).map_err(parquet)?;
            }
            let Some(row) = rows.next().map_err(sql)? else {
                break;
            };
            for i in 0..typing.columns.len() {
                batch.push(i, row.get_ref(i).map_err(sql)?, typing)?;
            }
            batch.rows += 1;
        }
        if batch.rows > 0 {
            writer.write(&batch.finish(&schema)?).map_err(parquet)?;
        }
        writer.close().map_err(parquet)?;
        Ok(())
    });
    match written {
        Ok(()) => Ok(Written::Done),
        Err(_) if typing.widened => Ok(Written::Widened),
        Err(Error::Io { source, .. }) => Err(Error::io(&at.target, source)),
        Err(Error::Output { message, .. }) => Err(Error::Output {
            path: at.target.clone(),
            message,
        }),
        Err(e) => Err(e),
    }
}

/// The Arrow type of a column: Int64, Float64 or Utf8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
}

impl Kind {
    fn data_type(kind: Option<Kind>) -> DataType {
        match kind {
            Some(Kind::Int) => DataType::Int64,
            Some(Kind::Real) => DataType::Float64,
            // No value yet: text, which holds any value that comes later of that kind.
            Some(Kind::Text) | None => DataType::Utf8,
        }
    }

    /// A STRICT table's declared INTEGER, REAL or TEXT; None for ANY and BLOB.
    fn declared(decl: &str) -> Option<Kind> {
        match decl.to_ascii_uppercase().as_str() {
            "INT" | "INTEGER" => Some(Kind::Int),
            "REAL" => Some(Kind::Real),
            "TEXT" => Some(Kind::Text),
            _ => None,
        }
    }
}

/// The type a column needs to hold `value` as well as what it holds (None: NULL fits any).
fn needs(kind: Option<Kind>, value: ValueRef) -> std::result::Result<Option<Kind>, String> {
    let of_value = match value {
        ValueRef::Null => return Ok(kind),
        ValueRef::Integer(i) => match kind {
            Some(Kind::Real) if i.unsigned_abs() > EXACT_IN_DOUBLE => Kind::Text,
            _ => Kind::Int,
        },
        ValueRef::Real(_) => Kind::Real,
        ValueRef::Text(_) => Kind::Text,
        ValueRef::Blob(_) => {
            return Err("holds a BLOB; a Parquet export writes numbers and text only".into())
        }
    };
    Ok(Some(match (kind, of_value) {
        (None, k) => k,
        (Some(Kind::Text), _) | (_, Kind::Text) => Kind::Text,
        (Some(Kind::Real), _) | (_, Kind::Real) => Kind::Real,
        (Some(Kind::Int), Kind::Int) => Kind::Int,
    }))
}

struct Column {
    name: String,
    /// None while the column has held only NULLs (written as text until a value says
    /// otherwise).
    kind: Option<Kind>,
}

/// The columns of a result and their types, across the attempts of one file or one set
/// of partitions.
struct Typing {
    columns: Vec<Column>,
    /// The schema is fixed: a file of this attempt has been started.
    locked: bool,
    /// A value did not fit: the attempt is over.
    widened: bool,
}

impl Typing {
    /// A view's columns: typed by their values.
    fn of(stmt: &Statement) -> Typing {
        let names = stmt.column_names().map(String::from);
        Typing::new(names.map(|name| (name, None)).collect())
    }

    fn new(columns: Vec<(String, Option<Kind>)>) -> Typing {
        Typing {
            columns: columns
                .into_iter()
                .map(|(name, kind)| Column { name, kind })
                .collect(),
            locked: false,
            widened: false,
        }
    }

    fn start(&mut self) {
        self.locked = false;
        self.widened = false;
    }

    /// Before the schema is fixed: widen a column to hold `value`.
    fn settle(&mut self, i: usize, value: ValueRef) -> std::result::Result<(), String> {
        let column = &mut self.columns[i];
        column.kind =
            needs(column.kind, value).map_err(|why| format!("column {} {why}", column.name))?;
        Ok(())
    }

    fn schema(&self) -> Arc<Schema> {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(&c.name, Kind::data_type(c.kind), true))
                .collect::<Vec<_>>(),
        ))
    }
}

enum Builder {
    Int(Int64Builder),
    Real(Float64Builder),
    Text(StringBuilder),
}

/// The rows of one Arrow batch being built.
struct Batch {
    builders: Vec<Builder>,
    rows: usize,
}

impl Batch {
    fn new(typing: &Typing) -> Batch {
        let builders = typing
            .columns
            .iter()
            .map(|c| match c.kind {
                Some(Kind::Int) => Builder::Int(Int64Builder::with_capacity(BATCH_ROWS)),
                Some(Kind::Real) => Builder::Real(Float64Builder::with_capacity(BATCH_ROWS)),
                Some(Kind::Text) | None => Builder::Text(StringBuilder::new()),
            })
            .collect();
        Batch { builders, rows: 0 }
    }

    /// Appends one value of column `i`; a value its type cannot hold ends the attempt
    /// with the column widened.
    fn push(&mut self, i: usize, value: ValueRef, typing: &mut Typing) -> io::Result<()> {
        let column = &mut typing.columns[i];
        let needed = needs(column.kind, value)
            .map_err(|why| io::Error::other(format!("column {} {why}", column.name)))?;
        if needed != column.kind {
            // Text in a column that held only NULLs so far is what it was written as.
            let same_type = column.kind.is_none() && needed == Some(Kind::Text);
            column.kind = needed;
            if !same_type {
                typing.widened = true;
                return Err(io::Error::other(format!(
                    "column {} needs a wider type",
                    column.name
                )));
            }
        }
        match (&mut self.builders[i], value) {
            (Builder::Int(b), ValueRef::Null) => b.append_null(),
            (Builder::Real(b), ValueRef::Null) => b.append_null(),
            (Builder::Text(b), ValueRef::Null) => b.append_null(),
            (Builder::Int(b), ValueRef::Integer(v)) => b.append_value(v),
            (Builder::Real(b), ValueRef::Integer(v)) => b.append_value(v as f64),
            (Builder::Real(b), ValueRef::Real(v)) => b.append_value(v),
            (Builder::Text(b), ValueRef::Integer(v)) => b.append_value(v.to_string()),
            (Builder::Text(b), ValueRef::Real(v)) => b.append_value(super::real(v)),
            (Builder::Text(b), ValueRef::Text(t)) => match std::str::from_utf8(t) {
                Ok(text) => b.append_value(text),
                Err(e) => {
                    return Err(io::Error::other(format!(
                        "column {} holds text that is not UTF-8 ({e})",
                        typing.columns[i].name
                    )))
                }
            },
            (_, other) => {
                return Err(io::Error::other(format!(
                    "column {}: {other:?} does not fit its type",
                    typing.columns[i].name
                )))
            }
        }
        Ok(())
    }

    /// The batch so far as a RecordBatch; the builders start again empty.
    fn finish(&mut self, schema: &Arc<Schema>) -> io::Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Int(b) => Arc::new(b.finish()),
                    Builder::Real(b) => Arc::new(b.finish()),
                    Builder::Text(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        RecordBatch::try_new(schema.clone(), arrays).map_err(io::Error::other)
    }
}

/// The tickers of the entities that have facts, in order.
fn tickers(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(include_str!("../sql/parquet/entities.sql"))?;
    let tickers = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tickers)
}

fn base_tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(include_str!("../sql/parquet/tables.sql"))?;
    let tables = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tables)
}

/// A table's stored columns of a type Parquet holds, with their types (see the module
/// comment).
fn stored_columns(conn: &Connection, table: &str) -> Result<Vec<(String, Kind)>> {
    let mut stmt = conn.prepare(include_str!("../sql/parquet/columns.sql"))?;
    let columns = stmt
        .query_map([table], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(columns
        .into_iter()
        .filter_map(|(name, decl)| Some((name, Kind::declared(&decl)?)))
        .collect())
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The files written, for one line: partitions counted, not listed.
pub fn summary(files: &[String]) -> String {
    let mut shown: Vec<String> = Vec::new();
    let mut partitioned: Vec<(String, usize)> = Vec::new();
    for f in files {
        match f.split_once("/entity=") {
            Some((dir, _)) => match partitioned.iter_mut().find(|(d, _)| d == dir) {
                Some((_, n)) => *n += 1,
                None => partitioned.push((dir.to_string(), 1)),
            },
            None => shown.push(f.clone()),
        }
    }
    let mut parts: Vec<String> = partitioned
        .into_iter()
        .map(|(dir, n)| format!("{dir}/entity=*/{PART} ({n} entities)"))
        .collect();
    parts.extend(shown);
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_widens_from_integers_to_reals_to_text_and_keeps_big_integers_exact() {
        let int = needs(None, ValueRef::Integer(44_200_000_000)).unwrap();
        assert_eq!(int, Some(Kind::Int));
        assert_eq!(needs(int, ValueRef::Null).unwrap(), int);
        let real = needs(int, ValueRef::Real(2.5)).unwrap();
        assert_eq!(real, Some(Kind::Real));
        assert_eq!(needs(real, ValueRef::Integer(1 << 53)).unwrap(), real);
        // 2^53 + 1 has no double: text keeps it exact.
        assert_eq!(
            needs(real, ValueRef::Integer((1 << 53) + 1)).unwrap(),
            Some(Kind::Text)
        );
        assert_eq!(
            needs(int, ValueRef::Text(b"n/a")).unwrap(),
            Some(Kind::Text)
        );
        assert!(needs(int, ValueRef::Blob(b"x")).is_err());
    }

    #[test]
    fn a_partition_is_named_by_its_ticker_and_an_unsafe_ticker_is_refused() {
        assert_eq!(partition("BRK.B").unwrap(), "entity=BRK.B");
        for bad in ["", "../X", "A/B", "A%2F", "amzn"] {
            assert!(partition(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_summary_counts_partitions() {
        let files = [
            "facts/entity=A/part-0.parquet",
            "facts/entity=B/part-0.parquet",
            "reports/conflicts.parquet",
        ]
        .map(String::from);
        assert_eq!(
            summary(&files),
            "facts/entity=*/part-0.parquet (2 entities), reports/conflicts.parquet"
        );
    }
}
