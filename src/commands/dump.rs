//! `amzdb dump DIR`: the database's entities, sources, metrics, concept and segment
//! mappings, facts and watch items as CSV files in amzdb's own interchange formats, so
//! `amzdb ingest DIR` into an empty database gives the same facts and watch items (a portable, human-readable backup, and how the
//! bundled audited history is made from the SEC importer's output).
//!
//! The files are written into a temporary directory beside DIR, which is renamed into
//! place only when all are complete: a failure (a full disk) or a kill never leaves a
//! partial set. An existing DIR is replaced whole when it is empty or an earlier dump
//! (nothing but these files); a DIR holding anything else is refused and left alone.

use crate::cli::DumpArgs;
use crate::error::{Error, Result};
use crate::output::{self, CsvOptions, Rows};

use rusqlite::Connection;
use std::io::Write;
use std::path::Path;

/// The files a dump writes: (file stem, what its rows are, SQL).
const FILES: &[(&str, &str, &str)] = &[
    (
        "entities",
        "entities",
        include_str!("../sql/dump/entities.sql"),
    ),
    (
        "sources",
        "sources",
        include_str!("../sql/dump/sources.sql"),
    ),
    (
        "metrics",
        "metrics",
        include_str!("../sql/dump/metrics.sql"),
    ),
    (
        "concepts",
        "concepts",
        include_str!("../sql/dump/concepts.sql"),
    ),
    (
        "segments",
        "segments",
        include_str!("../sql/dump/segments.sql"),
    ),
    ("facts", "facts", include_str!("../sql/dump/facts.sql")),
    (
        "watch",
        "watch items",
        include_str!("../sql/dump/watch.sql"),
    ),
];

pub fn run(db: &std::path::Path, args: &DumpArgs, out: &mut dyn Write) -> Result<()> {
    let conn = super::readable(db)?;
    let args = &crate::filters::resolve_dump(&conn, args)?;
    let names: Vec<String> = FILES
        .iter()
        .map(|(stem, _, _)| format!("{stem}.csv"))
        .collect();
    let counts = output::file::write_dir(&args.dir, &names, |dir| dump(&conn, args, dir))?;
    writeln!(
        out,
        "dumped {} to {}",
        counts.join(", "),
        args.dir.display()
    )
    .map_err(|e| Error::io("<stdout>", e))
}

/// Writes the files into `dir`; returns what each holds ("12 facts", "4 watch items").
fn dump(conn: &Connection, args: &DumpArgs, dir: &Path) -> Result<Vec<String>> {
    let mut counts = Vec::new();
    for (stem, what, sql) in FILES {
        let mut stmt = conn.prepare(sql)?;
        for (name, value) in [
            (":entity", &args.entity),
            (":source_kind", &args.source_kind),
        ] {
            if let Some(index) = stmt.parameter_index(name)? {
                stmt.raw_bind_parameter(index, value)?;
            }
        }
        let rows = Rows::collect_bound(&mut stmt)?;
        let path = dir.join(format!("{stem}.csv"));
        let raw = CsvOptions {
            bom: false,
            raw: true,
        };
        // The directory is private to this run until renamed: plain writes, synced by
        // `write_dir` before the rename. The error names the file as it will be named.
        let named = args.dir.join(format!("{stem}.csv"));
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(&path).map_err(|e| Error::io(&named, e))?,
        );
        output::write_csv(&rows, raw, &mut file)
            .and_then(|()| file.flush())
            .map_err(|e| Error::io(&named, e))?;
        counts.push(format!("{} {what}", rows.rows.len()));
    }
    Ok(counts)
}
