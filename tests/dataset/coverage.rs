//! The bundled dataset is complete for the five seed documents: `amzdb extract --coverage`
//! against a fresh bundled database finds every number of each document covered by a
//! stored fact quoting its sentence or skipped by a row of extract/skips.csv.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::shared_dir;
use crate::util::Dir;

/// The seed documents, sorted (README.md of the folder is not one).
fn seeds(dir: PathBuf) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the seeds folder is readable")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_number_of_the_five_seed_documents_is_covered_or_skipped() {
    let Some(shared) = shared_dir("seeds") else {
        return;
    };
    let files = seeds(shared.join("seeds"));
    assert_eq!(
        files.len(),
        5,
        "expected the five seed documents: {files:?}"
    );
    let dir = Dir::new();
    dir.run(&["init"]);
    let mut failures = Vec::new();
    for file in &files {
        let path = file.to_str().expect("UTF-8 path");
        let out = dir
            .cmd()
            .args(["extract", path, "--coverage", "--format", "csv"])
            .output()
            .expect("run amzdb");
        let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
        let mut reader = csv::Reader::from_reader(stdout.as_bytes());
        let rows: Vec<BTreeMap<String, String>> = reader
            .deserialize()
            .map(|r| r.expect("a well-formed coverage row"))
            .collect();
        let mut count = BTreeMap::<&str, usize>::new();
        for row in &rows {
            *count.entry(row["status"].as_str()).or_default() += 1;
        }
        // A document whose numbers were all skipped would hide a database that covers
        // nothing: every seed has facts, so some of its numbers must be covered.
        assert!(
            count.get("covered").copied().unwrap_or(0) > 0,
            "{path}: no number covered by a bundled fact ({count:?})"
        );
        let uncovered: Vec<String> = rows
            .iter()
            .filter(|r| r["status"] == "uncovered")
            .map(|r| {
                format!(
                    "{path}:{} {:?} in: {}",
                    r["offset"], r["number"], r["sentence"]
                )
            })
            .collect();
        if !out.status.success() || !uncovered.is_empty() {
            failures.push(format!(
                "{path}: exit {:?}, {} uncovered:\n{}\n{}",
                out.status.code(),
                uncovered.len(),
                uncovered.join("\n"),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "numbers neither covered by a bundled fact nor skipped (add the fact to \
         data/facts or a skip row with its reason to extract/skips.csv):\n{}",
        failures.join("\n")
    );
}
