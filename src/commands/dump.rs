//! `amzdb dump DIR`: the database's entities, sources, metrics, concept mappings and
//! facts as CSV files in amzdb's own interchange formats, so `amzdb ingest DIR` into an
//! empty database gives the same facts (a portable, human-readable backup, and how the
//! bundled audited history is made from the SEC importer's output).

use crate::cli::DumpArgs;
use crate::error::{Error, Result};
use crate::output::{self, CsvOptions, Rows};

use std::io::Write;

const FILES: &[(&str, &str)] = &[
    ("entities", include_str!("../sql/dump/entities.sql")),
    ("sources", include_str!("../sql/dump/sources.sql")),
    ("metrics", include_str!("../sql/dump/metrics.sql")),
    ("concepts", include_str!("../sql/dump/concepts.sql")),
    ("facts", include_str!("../sql/dump/facts.sql")),
];

pub fn run(db: &std::path::Path, args: &DumpArgs, out: &mut dyn Write) -> Result<()> {
    let args = &crate::filters::resolve_dump(&super::readable(db)?, args)?;
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let conn = super::readable(db)?;
    let mut counts = Vec::new();
    for (stem, sql) in FILES {
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
        let path = args.dir.join(format!("{stem}.csv"));
        let raw = CsvOptions {
            bom: false,
            raw: true,
        };
        super::write_atomically(&path, |w| output::write_csv(&rows, raw, w))?;
        counts.push(format!("{} {stem}", rows.rows.len()));
    }
    writeln!(
        out,
        "dumped {} to {}",
        counts.join(", "),
        args.dir.display()
    )
    .map_err(|e| Error::io("<stdout>", e))
}
