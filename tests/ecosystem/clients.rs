//! The pinned Python clients are there and work offline: DuckDB attaches an amzdb
//! database through the sqlite extension from the wheel, and reads what SQLite reads.

use crate::util::{python_with, Dir};
use std::path::Path;

/// tests/python, where the shared helpers (duck.py) live.
pub fn python_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python")
}

#[test]
fn duckdb_attaches_an_amzdb_database_without_downloading() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = Dir::with_fixtures();
    let out = std::process::Command::new(python)
        .arg(python_dir().join("duck.py"))
        .arg(dir.join(crate::util::DB))
        .arg("SELECT count(*), sum(entity_id) FROM facts")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sqlite: (i64, i64) = dir
        .conn()
        .query_row("SELECT count(*), sum(entity_id) FROM facts", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\t{}\n", sqlite.0, sqlite.1)
    );
}
