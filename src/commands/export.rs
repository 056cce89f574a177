//! `amzdb export DIR`: every report, the facts with their provenance, and the reference
//! tables as CSV files for spreadsheets. Each file goes through `output::file`: written
//! beside its final name and renamed into place, so a failure or a kill never leaves a
//! half-written file (and the next export removes what a killed one left).

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::output::{self, CsvOptions, Rows};
use crate::report::{self, Options};
use std::io::Write;
use std::path::Path;

/// The tables exported besides the reports: (file stem, SQL).
const TABLES: &[(&str, &str)] = &[
    ("facts", "SELECT * FROM fact_detail ORDER BY fact_id"),
    ("entities", "SELECT ticker, name, cik, fiscal_year_end FROM entities ORDER BY ticker"),
    (
        "sources",
        "SELECT slug AS source, publisher, title, published_on, url, kind FROM sources ORDER BY slug",
    ),
    (
        "metrics",
        "SELECT m.slug AS metric, m.name, u.unit, m.description \
         FROM metrics m JOIN units u USING (unit_id) ORDER BY m.slug",
    ),
];

pub fn run(db: &Path, args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    // The database first: an export that cannot read it leaves no new directory behind.
    let conn = super::readable(db)?;
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
            output::xlsx::write(&args.dir.join(name), &contents(&conn)?)?;
            vec![name.to_string()]
        }
    };
    writeln!(
        out,
        "exported {} files to {}: {}",
        written.len(),
        args.dir.display(),
        written.join(", ")
    )
    .map_err(|e| Error::io("<stdout>", e))
}

/// What a CSV export or a workbook holds, in order: the tables above, then every
/// report as its view shows it (every entity): (name, rows).
pub fn contents(conn: &rusqlite::Connection) -> Result<Vec<(String, Rows)>> {
    let mut all = Vec::new();
    for (stem, sql) in TABLES {
        all.push((
            stem.to_string(),
            Rows::collect(&mut conn.prepare(sql)?, [])?,
        ));
    }
    for query in report::all() {
        let rows = report::run(conn, &query, &Options::default())?;
        all.push((query.view.unwrap_or(query.name).to_string(), rows));
    }
    Ok(all)
}

/// Every table and report as CSV files; the names of the files written.
fn csv(conn: &rusqlite::Connection, args: &ExportArgs) -> Result<Vec<String>> {
    let options = CsvOptions {
        bom: args.bom,
        raw: args.raw,
    };
    contents(conn)?
        .iter()
        .map(|(stem, rows)| write_file(&args.dir, stem, rows, options))
        .collect()
}

fn write_file(dir: &Path, stem: &str, rows: &Rows, options: CsvOptions) -> Result<String> {
    let name = format!("{stem}.csv");
    output::file::write(&dir.join(&name), |w| output::write_csv(rows, options, w))?;
    Ok(name)
}
