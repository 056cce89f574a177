//! `amzdb export DIR`: every report, the facts with their provenance, and the reference
//! tables as CSV files for spreadsheets, as one xlsx workbook (`output::xlsx`) or as
//! Parquet (`output::parquet`). Each file goes through `output::file`: written
//! beside its final name and renamed into place, so a failure or a kill never leaves a
//! half-written file (and the next export removes what a killed one left).

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::output::{self, CsvOptions, Rows};
use crate::report::{self, Options};
use std::io::Write;
use std::path::Path;

/// The tables exported besides the reports: (file stem, what it holds, SQL); what each
/// holds is the README's wording.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "facts",
        "Every fact with its provenance (the fact_detail view), one row per fact",
        "SELECT * FROM fact_detail ORDER BY fact_id",
    ),
    (
        "entities",
        "The companies: ticker, name, the SEC's Central Index Key, fiscal year end (MM-DD)",
        "SELECT ticker, name, cik, fiscal_year_end FROM entities ORDER BY ticker",
    ),
    (
        "sources",
        "The documents facts cite: publisher, title, date, address and kind",
        "SELECT slug AS source, publisher, title, published_on, url, kind FROM sources ORDER BY slug",
    ),
    (
        "metrics",
        "What each metric measures, in which unit",
        "SELECT m.slug AS metric, m.name, u.unit, m.description \
         FROM metrics m JOIN units u USING (unit_id) ORDER BY m.slug",
    ),
];

/// One part of an export: a table or a report, its rows, and what the workbook needs to
/// present it (a title, a description, the report's `-- table:` column units).
pub struct Part {
    pub name: String,
    pub title: &'static str,
    pub description: &'static str,
    /// The report's `-- table:` header; empty for a table.
    pub table: &'static str,
    pub rows: Rows,
}

impl Part {
    fn sheet(&self) -> output::xlsx::Sheet<'_> {
        output::xlsx::Sheet {
            name: &self.name,
            title: self.title,
            description: self.description,
            table: self.table,
            rows: &self.rows,
        }
    }
}

pub fn run(db: &Path, args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    // The database first: an export that cannot read it leaves no new directory behind.
    let conn = super::readable(db)?;
    if args.format == ExportFormat::Xlsx && (args.bom || args.raw) {
        return Err(Error::Usage(
            "--bom and --raw apply to --format csv only: a workbook has no byte order mark \
             and its text cells are never formulas, so there is no guard to drop"
                .into(),
        ));
    }
    if args.dir.exists() && !args.dir.is_dir() {
        return Err(Error::Refused(format!(
            "{}: is not a directory; export writes its files into DIR: name a new or \
             existing directory",
            args.dir.display()
        )));
    }
    if !args.dir.is_dir() {
        std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    }
    let written = match args.format {
        ExportFormat::Csv => csv(&conn, args)?,
        ExportFormat::Parquet => {
            // Thousands of partition files: counted by directory, not listed.
            let files = output::parquet::export(&conn, &args.dir)?;
            return writeln!(
                out,
                "exported {} files to {}: {}",
                files.len(),
                args.dir.display(),
                output::parquet::summary(&files)
            )
            .map_err(|e| Error::io("<stdout>", e));
        }
        ExportFormat::Xlsx => {
            let name = "amzdb.xlsx";
            let parts = contents(&conn)?;
            let sheets: Vec<output::xlsx::Sheet> = parts.iter().map(Part::sheet).collect();
            output::xlsx::write(&args.dir.join(name), &sheets)?;
            vec![name.to_string()]
        }
    };
    let n = written.len();
    writeln!(
        out,
        "exported {n} file{} to {}: {}",
        if n == 1 { "" } else { "s" },
        args.dir.display(),
        written.join(", ")
    )
    .map_err(|e| Error::io("<stdout>", e))
}

/// What a CSV export or a workbook holds, in order: the tables above, then every
/// report as its view shows it (every entity).
pub fn contents(conn: &rusqlite::Connection) -> Result<Vec<Part>> {
    let mut all = Vec::new();
    each_part(conn, |part| {
        all.push(part);
        Ok(())
    })?;
    Ok(all)
}

/// Hands each part of `contents` to `use_part` as soon as it is read, so a CSV export
/// holds one part at a time and writes the facts before any report runs.
fn each_part(
    conn: &rusqlite::Connection,
    mut use_part: impl FnMut(Part) -> Result<()>,
) -> Result<()> {
    for (stem, title, sql) in TABLES {
        use_part(Part {
            name: stem.to_string(),
            title,
            description: "",
            table: "",
            rows: Rows::collect(&mut conn.prepare(sql)?, [])?,
        })?;
    }
    for query in report::all() {
        use_part(Part {
            name: query.view.unwrap_or(query.name).to_string(),
            title: query.title,
            description: query.description,
            table: query.table,
            rows: report::run(conn, &query, &Options::default())?,
        })?;
    }
    Ok(())
}

/// Every table and report as CSV files; the names of the files written.
fn csv(conn: &rusqlite::Connection, args: &ExportArgs) -> Result<Vec<String>> {
    let options = CsvOptions {
        bom: args.bom,
        raw: args.raw,
    };
    let mut written = Vec::new();
    each_part(conn, |part| {
        written.push(write_file(&args.dir, &part.name, &part.rows, options)?);
        Ok(())
    })?;
    Ok(written)
}

fn write_file(dir: &Path, stem: &str, rows: &Rows, options: CsvOptions) -> Result<String> {
    let name = format!("{stem}.csv");
    output::file::write(&dir.join(&name), |w| output::write_csv(rows, options, w))?;
    Ok(name)
}
