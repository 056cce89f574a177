//! Hardening: review (issue 10). Defects found reviewing the whole change as its next
//! maintainer and as a hostile user: edge cases of the one file writer, messages that
//! named the wrong file or nothing.

use crate::util::{assert_contains, facts_csv, names, run_as, unprivileged_amzdb, Dir, DB};
use std::os::unix::fs::PermissionsExt;

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

// ---------------------------------------------------------------------------------
// Messages that named the wrong file or nothing.

#[test]
fn backup_of_a_damaged_database_names_it_and_says_what_to_do() {
    // Before: "refused: the copy failed SQLite's integrity check (...)", naming no file
    // and giving no way out.
    let (dir, bytes) = super::database::damaged("facts", |_, pages| pages[pages.len() / 2]);
    super::database::refused_as_damaged(&dir, &bytes, &["backup", "copy.sqlite"]);
    let stderr = dir.run_err(&["backup", "copy.sqlite"]);
    assert_contains(&stderr, "integrity check of its copy: ");
    let left: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.contains("copy"))
        .collect();
    assert_eq!(
        left,
        Vec::<String>::new(),
        "no copy, temporary or journal is left"
    );
}

#[test]
fn export_into_a_file_says_it_is_not_a_directory_and_leaves_it() {
    // Before: "test.sqlite: File exists (os error 17)" for `export test.sqlite`.
    let dir = Dir::with_fixtures();
    dir.write("notes.txt", "keep me");
    for target in [DB, "notes.txt"] {
        let stderr = dir.refused_unchanged(&["export", target]);
        assert_contains(
            &stderr,
            &format!("amzdb: error: refused: {target}: is not a directory; export writes"),
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn export_from_a_database_it_cannot_read_creates_no_directory() {
    // Before: DIR was created first, and stayed, empty, after the error.
    let dir = Dir::new();
    dir.write("notes.txt", "not a database");
    let stderr = dir.fails(dir.amzdb().args(["--db", "notes.txt", "export", "out"]));
    assert_contains(&stderr, "notes.txt");
    assert!(!dir.join("out").exists(), "export created its directory");
}

#[test]
fn output_into_a_directory_this_user_cannot_write_names_the_target_not_a_temporary() {
    // Before: `ro/x.csv: Permission denied (os error 13) at path
    // "/tmp/.../ro/.x.csv.amzdb-PID-XXXXXX.tmp"`, a name the user never gave.
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let dir = Dir::new();
    dir.cmd().arg("init").assert().success();
    let chmod = |path: &str, mode| {
        std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(mode)).unwrap()
    };
    std::fs::create_dir(dir.join("ro")).unwrap();
    chmod(".", 0o755);
    chmod(DB, 0o644);
    chmod("ro", 0o555);
    for args in [
        &["facts", "--output", "ro/x.csv"][..],
        &["backup", "ro/x.csv"],
        &["dump", "ro/x.csv"],
        // A chart is .svg or .png (any other name is a usage error before anything runs).
        &["report", "capex-fcf", "--chart", "ro/x.svg"],
    ] {
        let out = run_as(&user, dir.path(), DB, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        let target = args[args.len() - 1];
        assert_contains(
            &stderr,
            &format!(
                "amzdb: error: {target}: cannot create a file in ro (permission denied); \
                 amzdb writes beside the final name first"
            ),
        );
        assert!(!stderr.contains(".tmp"), "{stderr}");
    }
    chmod("ro", 0o755);
}

#[test]
fn a_missing_database_in_a_directory_this_user_cannot_write_says_it_cannot_be_created() {
    // Before: "cannot open the database file or create its -wal/-shm files beside it ...
    // (SQLite: unable to open database file: .new.sqlite.creating-PID, code 14)", about a
    // file the user never named and -wal/-shm files of a database that does not exist.
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let dir = Dir::new();
    dir.write(
        "entities.csv",
        "ticker,name,cik,fiscal_year_end\nNEWC,New Co,,12-31\n",
    );
    std::fs::create_dir(dir.join("ro")).unwrap();
    for (path, mode) in [(".", 0o755), ("ro", 0o555)] {
        std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    for args in [&["facts"][..], &["init"], &["ingest", "entities.csv"]] {
        let out = run_as(&user, dir.path(), "ro/new.sqlite", args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_contains(
            &stderr,
            "amzdb: error: ro/new.sqlite: the database does not exist, and this user cannot \
             create it: the directory ro is not writable for them",
        );
        assert!(!stderr.contains("creating"), "{stderr}");
    }
    assert_eq!(names(&dir.join("ro")), Vec::<String>::new());
}

#[test]
fn an_output_name_ending_in_a_slash_is_refused_as_a_directory_name() {
    // Before: "out/: Not a directory (os error 20)", after a temporary had been made.
    let dir = Dir::with_fixtures();
    for args in [
        &["facts", "--output", "out/"][..],
        &["backup", "out/"],
        &["query", "SELECT 1", "--output", "out/"],
    ] {
        let stderr = dir.refused_unchanged(args);
        assert_contains(
            &stderr,
            "amzdb: error: refused: out/: ends in '/', so it names a directory; name a file",
        );
    }
    assert_eq!(
        names(dir.path())
            .into_iter()
            .filter(|n| n.starts_with('.') || n.starts_with("out"))
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );
}

#[test]
fn dump_into_dot_says_dir_is_replaced_whole() {
    // Before: "refused: .: is not a directory name", which `.` plainly is.
    let dir = Dir::with_fixtures();
    for target in [".", "./", ".."] {
        let stderr = dir.refused_unchanged(&["dump", target]);
        assert_contains(
            &stderr,
            &format!(
                "amzdb: error: refused: {target}: names no directory of its own (`.`, `..`, \
                 `/`): DIR is replaced whole, so name a new or empty directory"
            ),
        );
    }
}

// ---------------------------------------------------------------------------------
// One date range on every path.

#[test]
fn a_fiscal_period_reaching_past_the_date_range_is_refused_with_its_dates() {
    // Before: FY2201 (2201-01-01..2201-12-31) and TTM Q1 FY1900 (from 1899-04-01) were
    // stored, though no date outside 1900-01-01..2200-12-31 is, on any path.
    let dir = Dir::with_fixtures();
    let row = |period: &str| {
        format!("DECO,capex,,{period},level,5B,,USD,exact,actual,audited,deco-10q,,,")
    };
    let rows = [row("FY2201"), row("TTM Q1 FY1900"), row("Q4 FY2200")];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let stderr = dir.ingest_refused("late.csv", facts_csv(&rows));
    assert_contains(
        &stderr,
        "late.csv:2: column 'period': \"FY2201\": FY2201 runs 2201-01-01..2201-12-31: \
         2201-01-01 is outside the supported range of dates, 1900-01-01 to 2200-12-31",
    );
    assert_contains(
        &stderr,
        "late.csv:3: column 'period': \"TTM Q1 FY1900\": TTM Q1 FY1900 runs \
         1899-04-01..1900-03-31: 1899-04-01 is outside the supported range of dates",
    );
    assert_contains(&stderr, "2 problems found; nothing was written");
}

// ---------------------------------------------------------------------------------
// Invisible identifiers.

#[test]
fn a_segment_with_a_soft_hyphen_or_another_invisible_character_is_refused() {
    // Before: only NUL, controls, U+200B-U+200D, U+2060, U+FEFF and bidirectional marks
    // were refused: `AWS` + a soft hyphen (U+00AD), an invisible separator (U+2063), a
    // variation selector (U+FE0F) or a tag character (U+E0001) was stored apart from AWS.
    let dir = Dir::with_fixtures();
    for (i, c) in ['\u{ad}', '\u{2063}', '\u{fe0f}', '\u{e0001}']
        .into_iter()
        .enumerate()
    {
        let row =
            format!("DECO,capex,AWS{c},Q2 FY2026,level,5B,,USD,exact,actual,audited,deco-10q,,,");
        let stderr = dir.ingest_refused(&format!("invisible{i}.csv"), facts_csv(&[&row]));
        assert_contains(
            &stderr,
            &format!(
                "column 'segment': \"AWS\\u{{{:x}}}\": contains an invisible character \
                 (U+{:04X}) at character 4",
                u32::from(c),
                u32::from(c)
            ),
        );
    }
}

// ---------------------------------------------------------------------------------
// --db naming something that is not a database file.

#[test]
fn a_db_that_is_a_fifo_is_refused_at_once_not_waited_on() {
    // Before: `--db FIFO facts` hung forever (opening a FIFO to read waits for a writer),
    // and `--db DIR` said "reading or writing the database file failed (I/O error)".
    let dir = Dir::new();
    std::fs::create_dir(dir.join("adir")).unwrap();
    dir.write(
        "x.csv",
        "ticker,name,cik,fiscal_year_end\nNEWC,New Co,,12-31\n",
    );
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("fifo"))
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo failed");
    for (db, what) in [
        ("fifo", "is not a regular file (a FIFO, device or socket)"),
        ("adir", "is a directory"),
    ] {
        for args in [&["facts"][..], &["ingest", "x.csv"], &["migrate"]] {
            let out = dir
                .amzdb()
                .args(["--db", db])
                .args(args)
                .timeout(std::time::Duration::from_secs(20))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{db} {args:?}: {stderr}");
            assert_eq!(
                stderr,
                format!("amzdb: error: refused: {db}: {what}; --db names an amzdb database file\n")
            );
        }
    }
}
