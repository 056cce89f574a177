//! Reliability and security: what amzdb refuses to do to a database, and what it keeps.
//!
//! - `amzdb query` refuses every statement that could change a file (writes, schema
//!   changes, ATTACH, VACUUM, pragmas that set a value, load_extension, several
//!   statements), saying what and why, and leaves every file in the directory as it was;
//!   `amzdb report` and `amzdb facts` change nothing, and bind their options.
//! - `amzdb backup` writes a consistent copy of a database in use.
//! - A database made by an older amzdb (tests/fixtures/upgrade) upgrades with its data
//!   intact; one whose applied migration was edited is refused untouched. A database from
//!   a newer amzdb (a version 999 row) is refused untouched too: that test is
//!   `a_database_from_a_newer_amzdb_is_refused_and_untouched` in tests/cli.rs.

use crate::util::{assert_contains, fixtures, rows_of, Dir, DB};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file in the directory (recursively) with the SHA-256 of its bytes, except
/// SQLite's side files that hold no data: a `-shm` file (the shared-memory index, which
/// every reader updates by design) and an empty `-wal` file (created by the first reader,
/// removed when the last read-write connection closes). The database file and a `-wal`
/// file with content are included.
fn files(dir: &Dir) -> BTreeMap<String, String> {
    fn walk(root: &Path, at: &Path, found: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(at).expect("list the directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(root, &path, found);
                continue;
            }
            let name = path
                .strip_prefix(root)
                .expect("below the root")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).expect("read a file");
            if name.ends_with("-shm") || (name.ends_with("-wal") && bytes.is_empty()) {
                continue;
            }
            let hash = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            found.insert(name, hash);
        }
    }
    let mut found = BTreeMap::new();
    walk(dir.path(), dir.path(), &mut found);
    found
}

/// Makes SQLite's side files exist before a test takes its "before" picture: the first
/// reader of a WAL database creates an empty `-wal` file and the `-shm` index beside it
/// (any reader does, amzdb's or the sqlite3 shell's), and a read-only connection cannot
/// remove them when it closes.
fn settle(dir: &Dir) {
    let tables: i64 = dir.one("SELECT count(*) FROM sqlite_schema");
    assert!(tables > 0);
    assert!(dir.join(format!("{DB}-wal")).exists(), "not a WAL database");
}

/// Asserts every file in the directory is as it was: same names, same bytes.
#[track_caller]
fn assert_files_unchanged(dir: &Dir, before: &BTreeMap<String, String>, what: &str) {
    let after = files(dir);
    let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(new.is_empty(), "{what}: new files appeared: {new:?}");
    assert_eq!(&after, before, "{what}: a file changed or disappeared");
}

/// A second SQLite database in the test directory, to be the target of an ATTACH.
fn other_db(dir: &Dir) {
    let conn = Connection::open(dir.join("other.db")).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES ('keep me');")
        .unwrap();
}

// ---------------------------------------------------------------------------------
// `amzdb query` changes nothing.

/// Each statement and what its refusal must say (after `refused: `).
const REFUSED: &[(&str, &str)] = &[
    (
        "DELETE FROM facts",
        "would change the database (DELETE FROM facts in `DELETE FROM facts`)",
    ),
    (
        "UPDATE facts SET value_int = 0",
        "would change the database (UPDATE facts in",
    ),
    (
        "INSERT INTO units (unit, description) VALUES ('EUR', 'euros')",
        "would change the database (INSERT INTO units in",
    ),
    (
        "DROP TABLE facts",
        "would change the database (a schema change in `DROP TABLE facts`)",
    ),
    (
        "CREATE TABLE scratch (x)",
        "would change the database (a schema change in `CREATE TABLE scratch (x)`)",
    ),
    (
        "CREATE TEMP TABLE scratch (x)",
        "would change the database (a change to the temporary schema in",
    ),
    (
        "CREATE VIRTUAL TABLE temp.v USING fts5(x)",
        "would change the database (",
    ),
    (
        "CREATE INDEX facts_by_value ON facts (value)",
        "would change the database (a schema change in",
    ),
    (
        "ALTER TABLE facts ADD COLUMN extra TEXT",
        "would change the database (ALTER TABLE facts in",
    ),
    (
        "ALTER TABLE facts RENAME TO facts_old",
        "would change the database (ALTER TABLE facts in",
    ),
    ("ANALYZE", "would change the database ("),
    ("REINDEX", "would change the database (REINDEX"),
    (
        "ATTACH 'other.db' AS x",
        "ATTACH 'other.db' is not allowed: amzdb query reads only its own database and opens \
         no other file",
    ),
    // The write into the attached database in the same string: the ATTACH is refused.
    (
        "ATTACH 'other.db' AS x; INSERT INTO x.t VALUES ('written')",
        "ATTACH 'other.db' is not allowed",
    ),
    // SQLite reads URI file names: mode=rwc would create the file.
    (
        "ATTACH 'file:fresh.db?mode=rwc' AS y",
        "ATTACH 'file:fresh.db?mode=rwc' is not allowed",
    ),
    ("ATTACH 'fresh.db' AS y", "ATTACH 'fresh.db' is not allowed"),
    ("DETACH main", "DETACH main is not allowed"),
    ("VACUUM", "would change the database (VACUUM in `VACUUM`)"),
    (
        "VACUUM INTO 'copy.db'",
        "would change the database (VACUUM in `VACUUM INTO 'copy.db'`)",
    ),
    (
        "PRAGMA journal_mode=DELETE",
        "PRAGMA journal_mode = DELETE is not allowed: it sets a value, and amzdb query only reads",
    ),
    (
        "PRAGMA user_version=5",
        "PRAGMA user_version = 5 is not allowed: it sets a value",
    ),
    // Harmless on a read-only connection that runs one statement, but refused all the
    // same: a reader sets nothing.
    (
        "PRAGMA foreign_keys=OFF",
        "PRAGMA foreign_keys = OFF is not allowed: it sets a value",
    ),
    (
        "PRAGMA query_only=0",
        "PRAGMA query_only = 0 is not allowed: it sets a value",
    ),
    (
        "PRAGMA writable_schema=ON",
        "PRAGMA writable_schema = ON is not allowed: it sets a value",
    ),
    (
        "PRAGMA main.page_size=8192",
        "PRAGMA page_size = 8192 is not allowed",
    ),
    (
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "would change the database (PRAGMA wal_checkpoint in",
    ),
    (
        "PRAGMA optimize",
        "would change the database (PRAGMA optimize in",
    ),
    (
        "PRAGMA incremental_vacuum",
        "would change the database (PRAGMA incremental_vacuum in",
    ),
    (
        "SELECT load_extension('x')",
        "the function load_extension() is not allowed: it would load native code into amzdb",
    ),
    (
        "SELECT value FROM facts WHERE load_extension('libm.so') IS NULL",
        "the function load_extension() is not allowed",
    ),
    (
        "SELECT fts3_tokenizer('simple')",
        "the function fts3_tokenizer() is not allowed",
    ),
    (
        "SELECT 1; DELETE FROM facts",
        "would change the database (DELETE FROM facts in `SELECT 1; DELETE FROM facts`)",
    ),
    (
        "SELECT 1; SELECT 2",
        "amzdb query runs one SQL statement, and this has more than one (`SELECT 1; SELECT 2`)",
    ),
    (
        "WITH doomed AS (SELECT fact_id FROM facts) \
         DELETE FROM facts WHERE fact_id IN (SELECT fact_id FROM doomed)",
        "would change the database (DELETE FROM facts in `WITH doomed AS",
    ),
    (
        "WITH more(unit, description) AS (VALUES ('EUR', 'euros')) \
         INSERT INTO units (unit, description) SELECT * FROM more",
        "would change the database (INSERT INTO units in",
    ),
    (
        "CREATE TRIGGER t AFTER INSERT ON facts BEGIN DELETE FROM facts; END",
        "would change the database (",
    ),
    ("BEGIN IMMEDIATE", "would change the database (BEGIN in"),
    (
        "REPLACE INTO units (unit_id, unit, description) VALUES (1, 'USD', 'gone')",
        "would change the database (INSERT INTO units in",
    ),
];

#[test]
fn query_refuses_every_statement_that_could_change_a_file() {
    let dir = Dir::with_fixtures();
    other_db(&dir);
    settle(&dir);
    let rows = dir.snapshot().rows;
    let before = files(&dir);
    for (sql, says) in REFUSED {
        let stderr = dir.run_err(&["query", sql]);
        assert_contains(&stderr, "amzdb: error: refused: amzdb query runs ");
        assert_contains(&stderr, says);
        assert_files_unchanged(&dir, &before, sql);
    }
    assert!(!dir.join("copy.db").exists());
    assert!(!dir.join("fresh.db").exists());
    assert_eq!(dir.snapshot().rows, rows);
    assert_eq!(dir.count("facts"), 11);
    let kept: String = Connection::open(dir.join("other.db"))
        .unwrap()
        .query_row("SELECT group_concat(x) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "keep me");
}

/// An ATTACH and the write into it as two invocations: the ATTACH is refused, so the
/// second finds no such database (each run is a new connection).
#[test]
fn an_attach_then_a_write_in_two_invocations_writes_nothing() {
    let dir = Dir::with_fixtures();
    other_db(&dir);
    settle(&dir);
    let before = files(&dir);
    let stderr = dir.run_err(&["query", "ATTACH 'other.db' AS x"]);
    assert_contains(&stderr, "refused: ");
    assert_contains(&stderr, "ATTACH 'other.db' is not allowed");
    let stderr = dir.run_err(&["query", "INSERT INTO x.t VALUES ('written')"]);
    assert_contains(&stderr, "x.t");
    assert_files_unchanged(&dir, &before, "ATTACH, then INSERT INTO x.t");
}

/// SQLite's own lock behind amzdb's: extension loading is off unless a program turns it
/// on, which amzdb never does (rusqlite's load_extension feature is not enabled).
#[test]
fn sqlite_itself_refuses_load_extension() {
    let conn = Connection::open_in_memory().unwrap();
    let err = conn
        .query_row("SELECT load_extension('x')", [], |r| r.get::<_, String>(0))
        .unwrap_err();
    assert_contains(&err.to_string(), "not authorized");
}

/// Reading stays possible: settings, schema pragmas, integrity checks, CTEs and views.
#[test]
fn query_still_reads_settings_schema_and_views() {
    let dir = Dir::with_fixtures();
    settle(&dir);
    let before = files(&dir);
    for (sql, expected) in [
        ("PRAGMA foreign_keys", "foreign_keys\n1\n"),
        ("PRAGMA user_version", "user_version\n0\n"),
        ("PRAGMA integrity_check", "integrity_check\nok\n"),
        ("PRAGMA foreign_key_check", "table,rowid,parent,fkid\n"),
        (
            "SELECT name FROM pragma_table_info('units') ORDER BY cid",
            "name\nunit_id\nunit\ndescription\n",
        ),
        (
            "WITH c AS (SELECT count(*) AS n FROM fact_detail) SELECT n FROM c",
            "n\n11\n",
        ),
        ("SELECT 1;", "1\n1\n"),
        ("  SELECT 1; -- a comment after the statement\n", "1\n1\n"),
    ] {
        assert_eq!(
            dir.run(&["query", sql, "--format", "csv"]),
            expected,
            "{sql}"
        );
    }
    let table_info = dir.run(&["query", "PRAGMA table_info(facts)", "--format", "csv"]);
    assert!(table_info.starts_with("cid,name,type,notnull,dflt_value,pk\n0,fact_id,"));
    assert_files_unchanged(&dir, &before, "reads");
}

/// `amzdb report` (every report) and `amzdb facts` change no file.
#[test]
fn reports_and_facts_change_no_file() {
    let dir = Dir::with_fixtures();
    settle(&dir);
    let before = files(&dir);
    for name in report_names(&dir) {
        dir.run(&["report", &name, "--all-entities", "--format", "csv"]);
        dir.run(&["report", &name, "--entity", "DECO"]);
    }
    dir.run(&["facts"]);
    dir.run(&["facts", "--format", "json"]);
    assert_files_unchanged(&dir, &before, "reports and facts");
}

/// The options of `amzdb facts` are bound parameters: quotes in them name no known
/// value, so they are refused as unknown (usage error, exit 2), find nothing and harm
/// nothing (the same for reports is in tests/reports).
#[test]
fn facts_options_are_bound_never_spliced_into_sql() {
    let dir = Dir::with_fixtures();
    settle(&dir);
    let rows = dir.snapshot().rows;
    let before = files(&dir);
    let found = dir.run(&["facts", "--entity", "DECO", "--format", "csv"]);
    assert!(found.lines().count() > 1, "the real entity finds facts");
    for option in ["--entity", "--metric", "--segment", "--period"] {
        for injected in [
            "DECO' OR 1=1 --",
            "x' OR '1'='1",
            "capex'; DELETE FROM facts; --",
            "\") OR 1=1 --",
        ] {
            let out = dir
                .cmd()
                .args(["facts", option, injected, "--format", "csv"])
                .output()
                .expect("run amzdb");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{option} {injected:?}: {stderr}"
            );
            assert!(out.stdout.is_empty(), "{option} {injected:?} found rows");
            let what = option.trim_start_matches("--");
            assert!(
                stderr.starts_with(&format!("amzdb: error: unknown {what} '{injected}'")),
                "{option} {injected:?}: {stderr}"
            );
        }
    }
    assert_files_unchanged(&dir, &before, "injected facts options");
    assert_eq!(dir.snapshot().rows, rows);
    assert_eq!(dir.count("facts"), 11);
}

fn report_names(dir: &Dir) -> Vec<String> {
    let list = dir.run(&["report", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(list.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.expect("a report row")[0].to_string())
        .collect();
    assert!(names.len() >= 5, "{list}");
    names
}

// ---------------------------------------------------------------------------------
// `amzdb backup`.

/// The facts of a database, every column, in order.
fn fact_rows(path: &Path) -> Vec<String> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open a database");
    rows_of(&conn, "SELECT * FROM fact_detail ORDER BY fact_id")
}

#[test]
fn backup_of_a_database_in_use_is_a_consistent_copy() {
    let dir = Dir::with_fixtures();
    // Another process holds the database open: its connection keeps what the next
    // ingest commits in the WAL (no checkpoint while it is open) ...
    let holder = Connection::open(dir.join(DB)).unwrap();
    let facts: i64 = holder
        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(facts, 11);
    dir.ingest_ok_rows(&["DECO,capex,,Q2 FY2026,level,5B,,USD,exact,actual,audited,deco-10q,,,"]);
    let wal = std::fs::metadata(dir.join(format!("{DB}-wal")))
        .unwrap()
        .len();
    assert!(wal > 0, "the new fact is in the WAL");
    // ... and is in the middle of a write it has not committed.
    holder
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM facts; DELETE FROM ingest_batches;")
        .unwrap();

    let out = dir.run(&["backup", "copy.sqlite"]);
    assert_eq!(out, "backed up test.sqlite to copy.sqlite (12 facts)\n");

    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let copy = dir.join("copy.sqlite");
    let conn = Connection::open(&copy).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    assert_eq!(fact_rows(&copy), fact_rows(&dir.join(DB)));
    assert_eq!(fact_rows(&copy).len(), 12);
    // amzdb opens the copy as it opens the original.
    let facts = |db: &str| {
        let out = dir
            .amzdb()
            .args(["--db", db, "facts", "--format", "csv"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(facts("copy.sqlite"), facts(DB));
    let status = dir
        .amzdb()
        .args(["--db", "copy.sqlite", "migrate", "--status"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&status.stdout).starts_with("V1 initial_schema  applied "));
    // Nothing but the copy was left behind (SQLite's side files of the two databases aside).
    let names: Vec<String> = files(&dir)
        .into_keys()
        .filter(|n| !n.ends_with("-wal"))
        .collect();
    assert_eq!(names, ["copy.sqlite", "more_facts.csv", DB]);
}

#[test]
fn backup_refuses_to_overwrite_unless_forced() {
    let dir = Dir::with_fixtures();
    dir.write("copy.sqlite", "an older backup: keep me");
    let stderr = dir.run_err(&["backup", "copy.sqlite"]);
    assert_contains(
        &stderr,
        "amzdb: error: refused: copy.sqlite: already exists; amzdb backup does not overwrite a \
         file unless --force is given",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("copy.sqlite")).unwrap(),
        "an older backup: keep me"
    );
    let out = dir.run(&["backup", "copy.sqlite", "--force"]);
    assert_eq!(out, "backed up test.sqlite to copy.sqlite (11 facts)\n");
    assert_eq!(
        fact_rows(&dir.join("copy.sqlite")),
        fact_rows(&dir.join(DB))
    );
    // Never onto the database itself, even with --force.
    settle(&dir);
    let before = files(&dir);
    let stderr = dir.run_err(&["backup", "./test.sqlite", "--force"]);
    assert_contains(&stderr, "is the database itself");
    assert_files_unchanged(&dir, &before, "backup onto itself");
}

#[test]
fn backup_of_a_missing_database_creates_nothing() {
    let dir = Dir::new();
    let stderr = dir.run_err(&["backup", "copy.sqlite"]);
    assert_contains(
        &stderr,
        "refused: test.sqlite: no such database; there is nothing to back up",
    );
    assert!(files(&dir).is_empty(), "{:?}", files(&dir));
}

// ---------------------------------------------------------------------------------
// Upgrades.

/// The rows of a table, only the given columns, in rowid order.
fn table_rows(conn: &Connection, table: &str, columns: &[String]) -> Vec<String> {
    let list = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn
        .prepare(&format!("SELECT {list} FROM {table} ORDER BY rowid"))
        .unwrap();
    stmt.query_map([], |r| {
        (0..columns.len())
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join(" | "))
    })
    .unwrap()
    .collect::<rusqlite::Result<Vec<_>>>()
    .unwrap()
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .unwrap();
    stmt.query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap()
}

/// A database as an older amzdb left it, from tests/fixtures/upgrade/{version}.sql.
fn old_database(version: &str) -> Dir {
    let dir = Dir::new();
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/upgrade/{version}.sql")),
    )
    .expect("read the upgrade fixture");
    Connection::open(dir.join(DB))
        .unwrap()
        .execute_batch(&sql)
        .expect("the upgrade fixture loads");
    dir
}

const KEPT: [&str; 6] = [
    "facts",
    "sources",
    "ingest_batches",
    "entities",
    "metrics",
    "periods",
];

#[test]
fn a_v1_database_upgrades_with_its_data_intact() {
    upgrades_with_its_data_intact("v1");
}

#[test]
fn a_v2_database_upgrades_with_its_data_intact() {
    upgrades_with_its_data_intact("v2");
}

#[test]
fn a_v3_database_upgrades_with_its_data_intact() {
    upgrades_with_its_data_intact("v3");
}

#[test]
fn a_v4_database_upgrades_with_its_data_intact() {
    upgrades_with_its_data_intact("v4");
}

#[test]
fn a_v5_database_upgrades_with_its_data_intact() {
    upgrades_with_its_data_intact("v5");
}

fn upgrades_with_its_data_intact(version: &str) {
    let dir = old_database(version);
    let before: Vec<(String, Vec<String>, Vec<String>)> = {
        let conn = Connection::open(dir.join(DB)).unwrap();
        KEPT.iter()
            .map(|t| {
                let cols = columns(&conn, t);
                let rows = table_rows(&conn, t, &cols);
                (t.to_string(), cols, rows)
            })
            .collect()
    };
    let counts: Vec<usize> = before.iter().map(|(_, _, rows)| rows.len()).collect();
    assert_eq!(counts, [11, 2, 4, 2, 5, 8], "the fixture's rows");

    let out = dir.run(&["migrate"]);
    assert!(
        out.starts_with("test.sqlite: migrated to version ")
            || out.starts_with(&format!(
                "test.sqlite: schema is up to date (version {})",
                &version[1..]
            )),
        "{out}"
    );

    let conn = Connection::open(dir.join(DB)).unwrap();
    for (table, cols, rows) in &before {
        assert_eq!(
            &table_rows(&conn, table, cols),
            rows,
            "{table} changed in the upgrade"
        );
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let problems: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(problems, 0);
    // A few values, through the current views.
    let capex: (i64, String, String) = conn
        .query_row(
            "SELECT value, value_text, source FROM fact_detail \
             WHERE entity = 'DECO' AND metric = 'capex' AND measure = 'level' AND value_text = '44.2B'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(capex.0, 44_200_000_000);
    let eps: f64 = conn
        .query_row(
            "SELECT value FROM fact_detail WHERE entity = 'DECO' AND metric = 'eps'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(eps, 2.78);
    let batches: Vec<String> = conn
        .prepare("SELECT file_name FROM ingest_batches ORDER BY batch_id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap();
    assert_eq!(
        batches,
        [
            "basic/entities.csv",
            "basic/sources.csv",
            "basic/metrics.csv",
            "basic/facts.csv"
        ]
    );
    // The same tables, indexes and views as a database this amzdb makes.
    let schema = |conn: &Connection| -> Vec<(String, String)> {
        conn.prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE sql IS NOT NULL AND name <> 'refinery_schema_history' ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .unwrap()
    };
    let fresh = Dir::with_empty_db();
    assert_eq!(
        schema(&conn),
        schema(&Connection::open(fresh.join(DB)).unwrap()),
        "the upgraded schema differs from a new database's"
    );
    // Every view selects, and every report runs.
    let views: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap();
    assert!(views.contains(&"fact_detail".to_string()), "{views:?}");
    for view in &views {
        let selected: rusqlite::Result<usize> = conn
            .prepare(&format!("SELECT * FROM {view}"))
            .and_then(|mut s| {
                s.query_map([], |_| Ok(()))?
                    .try_fold(0, |n, r| r.map(|()| n + 1))
            });
        if let Err(e) = selected {
            panic!("view {view}: {e}");
        }
    }
    drop(conn);
    for name in report_names(&dir) {
        dir.run(&["report", &name, "--all-entities", "--format", "csv"]);
    }
    // The upgraded database takes new data like a new one (read again: its batches
    // hold these files' content, so they would be skipped as unchanged).
    let fixture = fixtures();
    let again = dir.run(&["ingest", "--recheck", fixture.to_str().unwrap()]);
    assert_contains(&again, "nothing new: 0 facts (11 already present)");
}

#[test]
fn an_edited_migration_checksum_is_refused_untouched() {
    let dir = Dir::with_fixtures();
    Connection::open(dir.join(DB))
        .unwrap()
        .execute(
            "UPDATE refinery_schema_history SET checksum = '12345' WHERE version = 1",
            [],
        )
        .unwrap();
    settle(&dir);
    let before = files(&dir);
    let fixture = fixtures().to_str().expect("UTF-8 path").to_string();
    for args in [
        vec!["migrate"],
        vec!["migrate", "--status"],
        vec!["facts"],
        vec!["query", "SELECT 1"],
        vec!["report", "capex-fcf"],
        vec!["ingest", fixture.as_str()],
        vec!["backup", "copy.sqlite"],
    ] {
        let stderr = dir.run_err(&args);
        assert_contains(
            &stderr,
            "test.sqlite: migration V1 (initial_schema) applied to this database differs from \
             the one in this amzdb (checksum mismatch); refusing to touch it",
        );
        assert_files_unchanged(&dir, &before, &args.join(" "));
    }
}
