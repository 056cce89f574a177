//! `amzdb ingest PATH...`: load CSV and SEC files, all or nothing, and say what was added.

use crate::cli::{IngestArgs, InputFormat};
use crate::error::{Error, Result};
use crate::ingest::{self, input, Format, Options, Summary};
use crate::model::FileKind;
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &IngestArgs, out: &mut dyn Write) -> Result<()> {
    // One accession names one filing: given for several paths, it would make them one.
    if args.accession.is_some() && args.paths.len() > 1 {
        return Err(Error::Usage(
            "--accession names one filing: give it with one XBRL or inline XBRL document".into(),
        ));
    }
    let format = args.format.map(|f| match f {
        InputFormat::Csv => Format::Csv,
        InputFormat::Companyfacts => Format::CompanyFacts,
        InputFormat::Fsds => Format::Fsds,
        InputFormat::Xbrl => Format::Xbrl,
        InputFormat::Ixbrl => Format::Ixbrl,
    });
    let inputs = input::from_paths(&args.paths, format)?;
    let mut conn = super::writable(db)?;
    let options = Options {
        dry_run: args.dry_run,
        format,
        entity: args.entity.clone(),
        document: crate::sec::xbrl::DocumentOptions {
            accession: args.accession.clone(),
            filed: args.filed,
        },
        progress: None,
        recheck: args.recheck,
    };
    // A progress line on a terminal only; nothing extra when stderr is redirected.
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let options = Options {
        progress: Some(ingest::Progress(std::sync::Arc::new({
            let bar = bar.clone();
            move |file: &str, rows: u64| bar.set_message(format!("{file}: {rows} rows"))
        }))),
        ..options
    };
    let summary = ingest::ingest(&mut conn, &inputs, &options);
    bar.finish_and_clear();
    let summary = summary?;
    for note in &summary.unchanged {
        crate::say!("amzdb: note: {note}");
    }
    for note in &summary.documents {
        crate::say!("amzdb: note: {note}");
    }
    for notice in &summary.kept_once {
        crate::say!("amzdb: note: {notice}");
    }
    writeln!(out, "{}", line(&summary, db, args.dry_run)).map_err(|e| Error::io("<stdout>", e))
}

/// The one-line summary: what was added, what was already there, what was passed over.
fn line(summary: &Summary, db: &Path, dry_run: bool) -> String {
    let facts = summary.counts(FileKind::Facts);
    let mut parts = vec![format!(
        "{} facts ({} already present)",
        facts.inserted, facts.present
    )];
    for kind in [
        FileKind::Entities,
        FileKind::Sources,
        FileKind::Metrics,
        FileKind::Concepts,
    ] {
        let c = summary.counts(kind);
        if c.inserted + c.present > 0 {
            parts.push(format!(
                "{} {kind} ({} already present)",
                c.inserted, c.present
            ));
        }
    }
    let watch = summary.counts(FileKind::Watch);
    if watch.inserted + watch.present > 0 {
        parts.push(format!(
            "{} watch items ({} already present)",
            watch.inserted, watch.present
        ));
    }
    let unchanged = summary.unchanged.len();
    if unchanged > 0 {
        let s = if unchanged == 1 { "" } else { "s" };
        parts.push(format!("{unchanged} file{s} unchanged (not read)"));
    }
    if summary.repeated > 0 {
        parts.push(format!("{} repeated facts kept once", summary.repeated));
    }
    // Each reader's own words for what it passed over: FSDS rows, XBRL facts.
    let skipped = &summary.skipped;
    if skipped.coreg_or_segment + skipped.no_value > 0 {
        parts.push(format!(
            "{} rows skipped (co-registrant, segment or empty values)",
            skipped.coreg_or_segment + skipped.no_value
        ));
    }
    if skipped.nil > 0 {
        parts.push(format!(
            "{} nil facts skipped (xsi:nil: tagged without a value)",
            skipped.nil
        ));
    }
    if skipped.forever > 0 {
        parts.push(format!(
            "{} facts skipped (a forever context: no period)",
            skipped.forever
        ));
    }
    if !summary.undated_filings.is_empty() {
        parts.push(format!(
            "{} without a filing date (give --filed YYYY-MM-DD; --as-of leaves their facts \
             out)",
            summary.undated_filings.join(", ")
        ));
    }
    let s = if summary.files == 1 { "" } else { "s" };
    let parts = parts.join(", ");
    let files = summary.files;
    let db = db.display();
    if dry_run {
        format!("dry run: would ingest {parts} from {files} file{s} into {db}; nothing was written")
    } else if !summary.inserted_anything() {
        format!("nothing new: {parts} from {files} file{s} already in {db}")
    } else {
        format!("ingested {parts} from {files} file{s} into {db}")
    }
}
