//! Keeps the bundled dataset honest: every quote is verbatim in the seed document its
//! note names (read in place from ../shared/seeds).

mod corrections;
mod coverage;
mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared folder beside the repository, or None (after saying why) when it is absent
/// outside CI. Under CI=true its absence fails the test.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = manifest_dir().join("../shared");
    if dir.join(what).exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{} is missing under CI=true", dir.join(what).display());
    }
    eprintln!("skipped: {} is absent", dir.join(what).display());
    None
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn facts_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("data/facts"))
        .expect("data/facts exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("readable CSV");
    reader
        .deserialize()
        .map(|r| r.expect("well-formed row"))
        .collect()
}

#[test]
fn every_bundled_quote_is_verbatim_in_the_document_its_note_names() {
    let Some(shared) = shared_dir("seeds") else {
        return;
    };
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in facts_files() {
        for (i, row) in rows(&file).iter().enumerate() {
            let line = i + 2;
            let note = &row["note"];
            let Some(doc) = note
                .strip_prefix("in ")
                .and_then(|n| n.split([';', ' ']).next())
            else {
                wrong.push(format!(
                    "{}:{line}: note does not name its document: {note:?}",
                    file.display()
                ));
                continue;
            };
            let text = std::fs::read_to_string(shared.join("seeds").join(doc))
                .unwrap_or_else(|e| panic!("{}:{line}: {doc}: {e}", file.display()));
            let quote = &row["quote"];
            if !quote.is_empty() && !collapse(&text).contains(&collapse(quote)) {
                wrong.push(format!(
                    "{}:{line}: quote not in {doc}: {quote:?}",
                    file.display()
                ));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked > 150, "only {checked} bundled facts");
}

#[test]
fn every_bundled_fact_file_has_one_documents_facts() {
    for file in facts_files() {
        let docs: std::collections::BTreeSet<String> = rows(&file)
            .iter()
            .filter_map(|r| {
                r["note"]
                    .strip_prefix("in ")
                    .map(|n| n.split([';', ' ']).next().unwrap_or("").to_string())
            })
            .collect();
        assert_eq!(docs.len(), 1, "{}: facts from {docs:?}", file.display());
    }
}
