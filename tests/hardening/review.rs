//! Hardening: review (issue 10). Defects found reviewing the whole change as its next
//! maintainer and as a hostile user: edge cases of the one file writer, messages that
//! named the wrong file or nothing.

use crate::util::{assert_contains, Dir, DB};

// ---------------------------------------------------------------------------------
// `dump DIR` replaces DIR whole: nothing in it may be lost.

#[test]
fn dump_refuses_a_dir_holding_a_directory_named_like_a_dump_file_and_keeps_its_files() {
    // Before: only names were compared, so `mine/facts.csv/` (a directory) passed as an
    // earlier dump's file and was deleted with everything in it.
    let dir = Dir::with_fixtures();
    dir.write("mine/facts.csv/notes.txt", "keep me");
    let stderr = dir.run_err(&["dump", "mine"]);
    assert_contains(
        &stderr,
        "amzdb: error: refused: mine: holds files that are not from an earlier run \
         (facts.csv)",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mine/facts.csv/notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn dump_refuses_a_dir_holding_the_database_under_a_dump_file_name() {
    // Before: `--db out/facts.csv dump out` replaced `out`, deleting the database.
    let dir = Dir::with_fixtures();
    std::fs::create_dir(dir.join("out")).unwrap();
    std::fs::copy(dir.join(DB), dir.join("out/facts.csv")).unwrap();
    let before = std::fs::read(dir.join("out/facts.csv")).unwrap();
    let stderr = dir.fails(dir.amzdb().args(["--db", "out/facts.csv", "dump", "out"]));
    assert_contains(
        &stderr,
        "amzdb: error: refused: out/facts.csv: is the database itself",
    );
    assert_eq!(std::fs::read(dir.join("out/facts.csv")).unwrap(), before);
}
