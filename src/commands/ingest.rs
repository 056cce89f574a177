//! `amzdb ingest PATH...`: load CSV files, all or nothing, and say what was added.

use crate::cli::IngestArgs;
use crate::error::{Error, Result};
use crate::ingest::{self, input};
use crate::model::FileKind;
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &IngestArgs, out: &mut dyn Write) -> Result<()> {
    let inputs = input::from_paths(&args.paths)?;
    let mut conn = super::writable(db)?;
    let summary = ingest::ingest(&mut conn, &inputs, args.dry_run)?;
    for notice in &summary.kept_once {
        eprintln!("amzdb: note: {notice}");
    }
    let facts = summary.counts(FileKind::Facts);
    let mut parts = vec![format!(
        "{} facts ({} already present)",
        facts.inserted, facts.present
    )];
    for kind in [FileKind::Entities, FileKind::Sources, FileKind::Metrics] {
        let c = summary.counts(kind);
        if c.inserted + c.present > 0 {
            parts.push(format!(
                "{} {kind} ({} already present)",
                c.inserted, c.present
            ));
        }
    }
    let s = if summary.files == 1 { "" } else { "s" };
    let line = if args.dry_run {
        format!(
            "dry run: would ingest {} from {} file{s} into {}; nothing was written",
            parts.join(", "),
            summary.files,
            db.display()
        )
    } else if !summary.inserted_anything() {
        format!(
            "nothing new: {} from {} file{s} already in {}",
            parts.join(", "),
            summary.files,
            db.display()
        )
    } else {
        format!(
            "ingested {} from {} file{s} into {}",
            parts.join(", "),
            summary.files,
            db.display()
        )
    };
    writeln!(out, "{line}").map_err(|e| Error::io("<stdout>", e))
}
