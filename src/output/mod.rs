//! Rows -> table, CSV, JSON or markdown. The only module that writes results.

pub mod people;

use crate::cli::Format;
use rusqlite::types::Value;
use std::io::{self, Write};
use tabled::builder::Builder;
use tabled::settings::{object::Segment, Modify, Style, Width};

/// A result set: column names and rows of SQLite values.
#[derive(Debug, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    /// Runs a prepared statement with its parameters and collects every row.
    pub fn collect(
        stmt: &mut rusqlite::Statement,
        params: impl rusqlite::Params,
    ) -> rusqlite::Result<Rows> {
        let columns: Vec<String> = stmt.column_names().map(String::from).collect();
        let width = columns.len();
        let rows = stmt
            .query_map(params, |row| {
                (0..width).map(|i| row.get::<_, Value>(i)).collect()
            })?
            .collect::<rusqlite::Result<Vec<Vec<Value>>>>()?;
        Ok(Rows { columns, rows })
    }
}

impl Rows {
    /// Collects every row of a statement whose parameters are already bound.
    pub fn collect_bound(stmt: &mut rusqlite::Statement) -> rusqlite::Result<Rows> {
        let columns: Vec<String> = stmt.column_names().map(String::from).collect();
        let width = columns.len();
        let mut out = Vec::new();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            out.push(
                (0..width)
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<rusqlite::Result<_>>()?,
            );
        }
        Ok(Rows { columns, rows: out })
    }
}

/// A value as plain text: numbers as SQLite stores them, NULL as empty.
pub fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(r) => {
            serde_json::Number::from_f64(*r).map_or(serde_json::Value::Null, Into::into)
        }
        _ => plain(value).into(),
    }
}

/// Writes a report: tables and markdown for people (scaled, tagged, the spec's columns
/// unless `wide`), CSV and JSON as stored.
pub fn write_report(
    rows: &Rows,
    format: Format,
    spec: &people::TableSpec,
    wide: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table | Format::Markdown => {
            let (shown, tagged) = people::for_people(rows, spec, wide);
            write(&shown, format, out)?;
            if tagged {
                writeln!(out, "{}", people::LEGEND)?;
            }
            Ok(())
        }
        Format::Csv | Format::Json => write(rows, format, out),
    }
}

/// The widest a table cell gets before it is cut (CSV and JSON are never cut).
const TABLE_CELL_WIDTH: usize = 48;

pub fn write(rows: &Rows, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&rows.columns)?;
            for row in &rows.rows {
                w.write_record(row.iter().map(plain))?;
            }
            w.flush()
        }
        Format::Json => {
            let objects: Vec<serde_json::Value> = rows
                .rows
                .iter()
                .map(|row| {
                    serde_json::Value::Object(
                        rows.columns
                            .iter()
                            .cloned()
                            .zip(row.iter().map(json))
                            .collect(),
                    )
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &objects)?;
            writeln!(out)
        }
        Format::Table | Format::Markdown => {
            let mut builder = Builder::default();
            builder.push_record(rows.columns.iter().cloned());
            for row in &rows.rows {
                builder.push_record(row.iter().map(plain));
            }
            let mut table = builder.build();
            if format == Format::Markdown {
                table.with(Style::markdown());
            } else {
                table.with(Style::sharp()).with(
                    Modify::new(Segment::all()).with(Width::truncate(TABLE_CELL_WIDTH).suffix("…")),
                );
            }
            writeln!(out, "{table}")?;
            if format == Format::Table {
                let n = rows.rows.len();
                writeln!(out, "({n} row{})", if n == 1 { "" } else { "s" })?;
            }
            Ok(())
        }
    }
}
