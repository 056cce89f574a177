//! Rows -> table, CSV, JSON or markdown. The only module that writes results; `file`
//! writes every output file, `say!` every line on stderr.

pub mod chart;
pub mod file;
pub mod parquet;
pub mod people;
pub mod width;
pub mod xlsx;

pub use width::{is_number, is_period_label, terminal_width, wrap, Fit, DEFAULT_WIDTH};

/// Prints a line on standard error like `eprintln!`, but never panics: when stderr is
/// closed (`2>&-`, or a pipe whose reader has gone, as in `amzdb ... 2>&1 | head -1`) the
/// line is lost instead of amzdb dying with exit code 101.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::say(format_args!($($arg)*))
    };
}

/// What `say!` calls.
pub fn say(line: std::fmt::Arguments) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

use crate::cli::Format;
use rusqlite::types::Value;
use std::io::{self, Write};
use tabled::builder::Builder;
use tabled::settings::object::Segment;
use tabled::settings::{Modify, Style, Width};

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

/// A REAL as the sqlite3 shell prints it (15 significant digits), so the three ways of
/// reading a report agree: 2.78 stays 2.78, a computed -0.15999999999999998 is -0.16.
pub fn real(r: f64) -> String {
    if !r.is_finite() || r == 0.0 {
        return r.to_string();
    }
    let exponent = r.abs().log10().floor() as i32;
    if !(-5..15).contains(&exponent) {
        return r.to_string();
    }
    let decimals = (14 - exponent).max(0) as usize;
    let text = format!("{r:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

/// A value as plain text: numbers as SQLite stores them, NULL as empty.
pub fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => real(*r),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

/// A cell for a spreadsheet: text that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading apostrophe, which
/// spreadsheets show as text. Numbers stay numbers.
pub fn spreadsheet_safe(value: &Value) -> String {
    match value {
        Value::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
        _ => plain(value),
    }
}

/// How CSV for a file is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// Start with the UTF-8 byte order mark Excel wants.
    pub bom: bool,
    /// Leave formula-like text as it is (for machine consumers).
    pub raw: bool,
}

/// Writes rows as CSV for spreadsheets (see `spreadsheet_safe`).
pub fn write_csv(rows: &Rows, options: CsvOptions, out: &mut dyn Write) -> io::Result<()> {
    if options.bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let cell = if options.raw { plain } else { spreadsheet_safe };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&rows.columns).map_err(unwrap_io)?;
    for row in &rows.rows {
        w.write_record(row.iter().map(cell)).map_err(unwrap_io)?;
    }
    w.flush()
}

/// The I/O error inside a CSV writer's error, as it was (a closed pipe stays a
/// `BrokenPipe` that main recognises, a full disk says so), not wrapped as `Other`.
fn unwrap_io(e: csv::Error) -> io::Error {
    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(r) => real(*r)
            .parse::<serde_json::Number>()
            .map_or(serde_json::Value::Null, Into::into),
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
            let fit = Fit::chosen(wide);
            write_fitted(&shown, format, fit, out)?;
            if tagged {
                write_note(&people::legend(), format, fit, out)?;
            }
            Ok(())
        }
        Format::Csv | Format::Json => write(rows, format, out),
    }
}

/// Writes a line that follows a table (a legend): wrapped to the table's width, except
/// with `--wide` and in markdown, which are never cut.
pub fn write_note(note: &str, format: Format, fit: Fit, out: &mut dyn Write) -> io::Result<()> {
    match (format, fit) {
        (Format::Table, Fit::Columns(width)) => {
            for line in wrap(note, width, "  ") {
                writeln!(out, "{line}")?;
            }
            Ok(())
        }
        _ => writeln!(out, "{note}"),
    }
}

/// Writes rows as a table that fits the terminal, CSV, JSON or markdown.
pub fn write(rows: &Rows, format: Format, out: &mut dyn Write) -> io::Result<()> {
    write_fitted(rows, format, Fit::chosen(false), out)
}

/// Writes rows: a table (`Style::sharp`) fitted as `fit` says, markdown never cut, CSV
/// and JSON as stored.
pub fn write_fitted(rows: &Rows, format: Format, fit: Fit, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Csv => write_csv(
            rows,
            CsvOptions {
                bom: false,
                raw: true,
            },
            out,
        ),
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
            let widths = match (format, fit) {
                (Format::Table, Fit::Columns(limit)) => width::narrowed(rows, limit),
                _ => vec![None; rows.columns.len()],
            };
            let mut builder = Builder::default();
            // A narrowed header wraps at spaces, so a unit like `$B` stays visible.
            builder.push_record(rows.columns.iter().zip(&widths).map(|(c, w)| match w {
                Some(w) => wrap(c, *w, "").join("\n"),
                None => c.clone(),
            }));
            for row in &rows.rows {
                builder.push_record(row.iter().map(plain));
            }
            let mut table = builder.build();
            if format == Format::Markdown {
                table.with(Style::markdown());
            } else {
                table.with(Style::sharp());
                if fit == Fit::Wide {
                    table.with(
                        Modify::new(Segment::all())
                            .with(Width::truncate(width::TABLE_CELL_WIDTH).suffix("…")),
                    );
                }
                for (i, w) in widths.iter().enumerate() {
                    if let Some(w) = *w {
                        table.with(
                            Modify::new(Segment::new(1.., i..=i))
                                .with(Width::truncate(w).suffix("…")),
                        );
                    }
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_print_like_the_sqlite3_shell() {
        assert_eq!(real(2.78), "2.78");
        assert_eq!(real(-0.15999999999999998), "-0.16");
        assert_eq!(real(4.1915), "4.1915");
        assert_eq!(real(120000000000.0), "120000000000");
        assert_eq!(real(0.1 + 0.2), "0.3");
        assert_eq!(real(76.8), "76.8");
    }

    #[test]
    fn formula_like_text_is_neutralised_and_numbers_are_not() {
        for (text, safe) in [
            ("=1+1", "'=1+1"),
            ("+44.2B", "'+44.2B"),
            ("-3%", "'-3%"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Quartz", "Quartz"),
        ] {
            assert_eq!(spreadsheet_safe(&Value::Text(text.into())), safe);
        }
        assert_eq!(spreadsheet_safe(&Value::Integer(-3)), "-3");
        assert_eq!(spreadsheet_safe(&Value::Real(-2.5)), "-2.5");
    }
}
