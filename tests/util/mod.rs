//! Helpers for the integration tests: a temporary directory holding an amzdb database,
//! the real `amzdb` binary run inside it, and ways to look at the database afterwards.

use assert_cmd::Command;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The database every test works on, relative to its directory (so messages name it
/// exactly as `test.sqlite`).
pub const DB: &str = "test.sqlite";

/// The header of a facts file with every column, in the documented order.
pub const FACTS_HEADER: &str = "entity,metric,segment,period,measure,value,value_high,unit,\
qualifier,basis,disclosure_type,source,published_on,quote,note";

/// What `ingest` of the fixture directory into an empty database prints.
pub const FIXTURES_INGESTED: &str = "ingested 11 facts (0 already present), \
2 entities (0 already present), 2 sources (0 already present), \
5 metrics (0 already present) from 4 files into test.sqlite\n";

/// The hand-written fixture dataset: two companies (fiscal years ending 12-31 and
/// 01-31), two sources, five metrics, eleven facts.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic")
}

/// A temporary directory that tests run amzdb in.
pub struct Dir {
    tmp: TempDir,
}

impl Dir {
    /// An empty directory: no database yet.
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::Builder::new()
                .prefix("amzdb-test-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// A directory with an empty amzdb database (`amzdb init --empty`).
    pub fn with_empty_db() -> Dir {
        let dir = Dir::new();
        dir.cmd().args(["init", "--empty"]).assert().success();
        assert!(dir.join(DB).is_file(), "init --empty created no database");
        dir
    }

    /// A directory with a database holding the fixture dataset.
    pub fn with_fixtures() -> Dir {
        let dir = Dir::with_empty_db();
        let out = dir.run(&["ingest", fixtures().to_str().expect("UTF-8 path")]);
        assert_eq!(out, FIXTURES_INGESTED);
        dir.assert_sound();
        dir
    }

    /// Asserts `PRAGMA integrity_check` is ok and every foreign key points at a row (an
    /// ingest relies on its catalog for that, not on SQLite's per-row check).
    pub fn assert_sound(&self) {
        let conn = Connection::open_with_flags(self.join(DB), OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database");
        assert_sound(&conn, &self.join(DB));
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// `amzdb` run in this directory with no `--db` and no AMZDB_DB from the outside.
    pub fn amzdb(&self) -> Command {
        let mut cmd = Command::cargo_bin("amzdb").expect("the amzdb binary is built");
        // COLUMNS from the developer's shell would change every table's width.
        cmd.current_dir(self.path())
            .env_remove("AMZDB_DB")
            .env_remove("COLUMNS");
        cmd
    }

    /// `amzdb --db test.sqlite` run in this directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.amzdb();
        cmd.args(["--db", DB]);
        cmd
    }

    /// `amzdb --db test.sqlite ARGS` run in this directory under a resource limit set by
    /// the shell that then runs amzdb in its place: `ulimit LIMIT`, e.g. `-f 200` (files of
    /// at most 200 blocks: 512 bytes in POSIX sh, 1024 in bash) or `-n 256` (open files).
    pub fn run_limited(&self, limit: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit {limit} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_amzdb"))
            .args(["--db", DB])
            .args(args)
            .current_dir(self.path())
            .env_remove("AMZDB_DB")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run amzdb under sh")
    }

    /// Runs `amzdb --db test.sqlite ARGS`, asserts it succeeds, returns its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run amzdb");
        assert!(
            out.status.success(),
            "amzdb {args:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Runs the command, asserts it fails with exit code 1, an `amzdb: error:` message
    /// and nothing on stdout; returns its stderr.
    pub fn fails(&self, cmd: &mut Command) -> String {
        let out = cmd.output().expect("run amzdb");
        let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
        assert_eq!(
            out.status.code(),
            Some(1),
            "expected exit code 1 from {cmd:?}; stderr:\n{stderr}"
        );
        assert!(
            stderr.starts_with("amzdb: error: "),
            "no `amzdb: error:` prefix:\n{stderr}"
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "",
            "a failed command printed results"
        );
        stderr
    }

    /// Runs `amzdb --db test.sqlite ARGS` and asserts it fails (see `fails`).
    pub fn run_err(&self, args: &[&str]) -> String {
        self.fails(self.cmd().args(args))
    }

    /// Writes a file in this directory; returns its name as given.
    pub fn write<'a>(&self, name: &'a str, contents: impl AsRef<[u8]>) -> &'a str {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent directories");
        }
        std::fs::write(&path, contents).expect("write a test file");
        name
    }

    /// Ingests these facts rows (under the full header) and asserts it succeeds.
    pub fn ingest_ok_rows(&self, rows: &[&str]) -> String {
        self.write("more_facts.csv", facts_csv(rows));
        self.run(&["ingest", "more_facts.csv"])
    }

    /// Writes `name` and asserts that ingesting it fails with exit code 1 and leaves the
    /// database exactly as it was (rows and file bytes). Returns the error message.
    pub fn ingest_refused(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        self.write(name, contents);
        self.refused_unchanged(&["ingest", name])
    }

    /// Runs `amzdb --db test.sqlite ARGS`, asserts it fails and that the database is
    /// unchanged, row for row and byte for byte. Returns the error message.
    pub fn refused_unchanged(&self, args: &[&str]) -> String {
        let before = self.snapshot();
        let stderr = self.run_err(args);
        self.snapshot().assert_same(&before);
        stderr
    }

    /// A read-only connection to the test database, for looking inside it.
    pub fn conn(&self) -> Connection {
        Connection::open_with_flags(self.join(DB), OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the test database read-only")
    }

    /// The single value of a query on the test database.
    pub fn one<T: rusqlite::types::FromSql>(&self, sql: &str) -> T {
        self.conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub fn count(&self, table: &str) -> i64 {
        self.one(&format!("SELECT count(*) FROM {table}"))
    }

    /// The database's file bytes (as a hash) and every row of every table.
    pub fn snapshot(&self) -> Snapshot {
        let path = self.join(DB);
        let bytes = std::fs::read(&path).expect("read the database file");
        let sha256 = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let conn = self.conn();
        // A WITHOUT ROWID table (days) has no rowid; it is read in its primary key's order.
        let tables: Vec<(String, bool)> = conn
            .prepare(
                "SELECT s.name, t.wr FROM sqlite_schema AS s \
                 JOIN pragma_table_list AS t ON t.schema = 'main' AND t.name = s.name \
                 WHERE s.type = 'table' ORDER BY s.name",
            )
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .expect("list tables");
        let mut rows = Vec::new();
        for (table, without_rowid) in tables {
            let order = if without_rowid { "" } else { " ORDER BY rowid" };
            let found = rows_of(&conn, &format!("SELECT * FROM \"{table}\"{order}"));
            rows.extend(found.into_iter().map(|r| format!("{table}: {r}")));
        }
        Snapshot { sha256, rows }
    }
}

/// A database as a test saw it at one moment.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub sha256: String,
    pub rows: Vec<String>,
}

impl Snapshot {
    /// Asserts nothing changed: rows first (the more readable difference), then bytes.
    pub fn assert_same(&self, before: &Snapshot) {
        assert_eq!(self.rows, before.rows, "the database rows changed");
        assert_eq!(
            self.sha256, before.sha256,
            "the database file bytes changed"
        );
    }
}

/// Runs a command that must succeed (its stderr shown if not): its stdout and stderr.
pub fn succeeded(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().expect("run the command");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert!(out.status.success(), "{cmd:?} failed:\n{stderr}");
    (String::from_utf8(out.stdout).expect("UTF-8 stdout"), stderr)
}

/// Every row a query returns, each as its values (`Integer(1) | Text("AWS") | Null`), so
/// that two databases' contents compare as lists of strings.
/// Every row of a query as SQLite returns it, each as its values (types kept).
pub fn values_of(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

pub fn rows_of(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let width = stmt.column_count();
    stmt.query_map([], |r| {
        (0..width)
            .map(|i| r.get::<_, Value>(i).map(|v| format!("{v:?}")))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join(" | "))
    })
    .and_then(|it| it.collect::<rusqlite::Result<Vec<_>>>())
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Asserts `PRAGMA integrity_check` is ok and `PRAGMA foreign_key_check` finds nothing.
pub fn assert_sound(conn: &Connection, db: &Path) {
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("integrity_check");
    assert_eq!(integrity, ["ok"], "{}: integrity_check", db.display());
    let orphans: Vec<String> = conn
        .prepare(
            "SELECT \"table\" || ' row ' || rowid || ' -> ' || parent \
             FROM pragma_foreign_key_check",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("foreign_key_check");
    assert!(
        orphans.is_empty(),
        "{}: rows pointing nowhere: {orphans:?}",
        db.display()
    );
}

/// A facts file: the full header and the given rows (each ends with a newline).
pub fn facts_csv(rows: &[&str]) -> String {
    let mut text = format!("{FACTS_HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// The names in a directory, sorted (hidden ones included: temporaries are hidden).
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list a directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts `haystack` contains `needle`, showing both when it does not.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected to find\n  {needle}\nin\n{haystack}"
    );
}

/// The stock sqlite3 shell, or None (after saying so) when it is not installed. CI
/// machines have it: under CI=true its absence fails the test.
pub fn sqlite3_shell() -> Option<&'static str> {
    let found = ["/usr/bin/sqlite3", "sqlite3"].into_iter().find(|shell| {
        std::process::Command::new(shell)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "the sqlite3 shell is required on CI"
        );
        eprintln!("skipped: no sqlite3 shell installed (it is required when CI=true)");
    }
    found
}

/// The user and group id of `nobody`, who owns none of the test files.
pub const NOBODY: u32 = 65534;

/// A command line (program and leading arguments) that runs the amzdb binary as a user
/// the permission bits apply to: as root (as on CI), `nobody` through setpriv; otherwise
/// the current user. When nobody cannot reach the binary where cargo built it (a checkout
/// in a private directory), a copy in a world-readable directory under the system's
/// temporary directory is run instead (one per build of the binary, reused). None, after
/// saying why, only when setpriv cannot run anything as nobody.
pub fn unprivileged_amzdb() -> Option<Vec<String>> {
    let bin = env!("CARGO_BIN_EXE_amzdb").to_string();
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some(vec![bin]);
    }
    let as_nobody = |program: &str| -> Vec<String> {
        vec![
            "setpriv".to_string(),
            format!("--reuid={NOBODY}"),
            format!("--regid={NOBODY}"),
            "--clear-groups".to_string(),
            program.to_string(),
        ]
    };
    let runs = |line: &[String], arg: &str| {
        std::process::Command::new(&line[0])
            .args(&line[1..])
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !runs(&as_nobody("true"), "--version") {
        eprintln!("skipped: setpriv cannot run a command as nobody (user {NOBODY}) here");
        return None;
    }
    let in_place = as_nobody(&bin);
    if runs(&in_place, "--version") {
        return Some(in_place);
    }
    let copy = reachable_copy(Path::new(&bin));
    let line = as_nobody(copy.to_str().expect("UTF-8 path"));
    assert!(
        runs(&line, "--version"),
        "nobody cannot run the copy {} either",
        copy.display()
    );
    Some(line)
}

/// Runs `amzdb --db DB ARGS` in `dir` through `user`, a command line from
/// [`unprivileged_amzdb`].
pub fn run_as(user: &[String], dir: &Path, db: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(&user[0])
        .args(&user[1..])
        .args(["--db", db])
        .args(args)
        .current_dir(dir)
        .env_remove("AMZDB_DB")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run amzdb")
}

/// A copy of the binary that every user can run: `TMP/amzdb-test-bin/SIZE-MTIME/amzdb`.
fn reachable_copy(bin: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(bin).expect("the amzdb binary");
    let stamp = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let top = std::env::temp_dir().join("amzdb-test-bin");
    let dir = top.join(format!("{}-{stamp}", meta.len()));
    let copy = dir.join("amzdb");
    if !copy.is_file() {
        std::fs::create_dir_all(&dir).expect("a directory for the copy");
        // Copied under a private name and renamed, so a parallel test never runs half a copy.
        let partial = dir.join(format!(".amzdb.{}", std::process::id()));
        std::fs::copy(bin, &partial).expect("copy the binary");
        std::fs::rename(&partial, &copy).expect("rename the copy");
    }
    for (path, mode) in [(&top, 0o755), (&dir, 0o755), (&copy, 0o755)] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    copy
}

/// A Python interpreter that can import every module named (`duckdb`, `openpyxl`,
/// `datasette`): `$AMZDB_PYTHON` (which `.ci/run` points at the virtual environment it
/// installs from tests/python/requirements.txt), else `python3`. None, after saying why,
/// when there is none; under CI=true its absence fails the test.
pub fn python_with(modules: &[&str]) -> Option<PathBuf> {
    let python = std::env::var_os("AMZDB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let imports = format!("import {}", modules.join(", "));
    let works = std::process::Command::new(&python)
        .args(["-c", &imports])
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(python);
    }
    let why = format!(
        "{} cannot `{imports}` (set AMZDB_PYTHON to a Python with tests/python/requirements.txt \
         installed, as .ci/run does)",
        python.display()
    );
    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{why}");
    eprintln!("skipped: {why}");
    None
}
