//! The quality benchmark of `amzdb extract` (issue 13): how many of the facts a careful
//! analyst recorded from a document get a draft row, whether the drafted values are exact,
//! and how often the guesses agree with the reviewer's, on the five seed documents
//! (../shared/seeds, their reviewed facts are the bundled ones whose note names them) and
//! on the benchmark's own fixtures (benches/fixtures/extract: a transcript and an HTML
//! article about a fictional company, each with its reviewed facts CSV):
//!
//! ```sh
//! cargo bench --bench extract
//! ```
//!
//! It is a measure, not a timing: tests/extract/quality.rs holds the same figures to the
//! issue's thresholds. The computation is benches/common/extract_quality.rs.

#[path = "common/extract_quality.rs"]
mod extract_quality;

use extract_quality::{fixtures, measure, seeds, table, Measured, FIELDS};
use std::path::{Path, PathBuf};

fn main() {
    println!("amzdb extract quality benchmark; reproduce with: cargo bench --bench extract");
    println!(
        "a draft matches a reviewed fact when it is from the fact's document, its amount \
         (value or value_high, base units) is the fact's value and the fact's quote is \
         taken from its sentence"
    );
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-extract");
    std::fs::create_dir_all(&work).expect("work directory");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let mut docs = Vec::new();
    if shared.join("README.md").exists() {
        docs.extend(seeds(&shared, &work));
    } else {
        println!(
            "seed documents: skipped ({} is absent: it holds the five source documents of \
             the bundled press facts)",
            shared.display()
        );
    }
    for (doc, rows) in fixtures(&work) {
        let notes = extract_quality::reviewed(&doc).len();
        assert_eq!(
            notes, rows,
            "{}: {rows} facts in its CSV, {notes} stored",
            doc.name
        );
        let unquoted = extract_quality::quotes_not_in_document(&doc);
        assert!(
            unquoted.is_empty(),
            "{}: quotes not in the document: {unquoted:?}",
            doc.name
        );
        let (complete, summary) = extract_quality::fixture_coverage(&doc);
        assert!(complete, "{}: numbers not reviewed: {summary}", doc.name);
        println!("fixture coverage (amzdb extract --coverage): {summary}");
        docs.push(doc);
    }
    let measured: Vec<Measured> = docs.iter().map(measure).collect();
    println!("commands (one per document):");
    for m in &measured {
        println!("  {}", m.command);
    }
    println!();
    print!("{}", table(&measured));
    println!(
        "claims: reviewed facts of the document; recall: claims with a matching draft; \
         values exact: matched drafts whose value, value_high and unit are the fact's; \
         {}: matched drafts agreeing with the fact",
        FIELDS.join(", ")
    );
    for m in &measured {
        let s = &m.score;
        println!();
        println!(
            "{}: {} missed, {} inexact, {} with a wrong metric, period or measure",
            m.name,
            s.misses.len(),
            s.inexact.len(),
            s.wrong.len()
        );
        for (title, lines) in [
            ("missed", &s.misses),
            ("inexact value", &s.inexact),
            ("wrong guess", &s.wrong),
        ] {
            for line in lines {
                println!("  {title}: {line}");
            }
        }
    }
}
