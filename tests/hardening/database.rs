//! Hardening: database (issue 10). Read-only storage read as another user, racing creators
//! of the default database, and damaged database files.

use crate::util::{assert_contains, fixtures, names, run_as, unprivileged_amzdb, Dir, DB};
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_amzdb");

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn assert_ok(out: &Output) -> String {
    assert!(out.status.success(), "{}: {}", out.status, stderr_of(out));
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

/// Asserts amzdb failed with exit code 1 and an error message; returns the message.
#[track_caller]
fn assert_fails(out: &Output) -> String {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", out.status);
    assert!(stderr.starts_with("amzdb: error: "), "{stderr}");
    stderr
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A directory other users can enter, holding `sub/`: a copy of the bundled database that
/// `amzdb` just created and closed (WAL mode, no -wal or -shm left), the directory 0555 and
/// the file 0444. Restored to writable on drop, so the temporary directory can go.
struct ReadOnlyCopy {
    dir: Dir,
}

impl ReadOnlyCopy {
    fn new(db_bytes: &[u8]) -> ReadOnlyCopy {
        let dir = Dir::new();
        chmod(dir.path(), 0o755);
        std::fs::create_dir(dir.join("sub")).expect("create sub");
        std::fs::write(dir.join("sub").join(DB), db_bytes).expect("copy the database");
        chmod(&dir.join("sub").join(DB), 0o444);
        chmod(&dir.join("sub"), 0o555);
        ReadOnlyCopy { dir }
    }

    fn sub(&self) -> std::path::PathBuf {
        self.dir.join("sub")
    }
}

impl Drop for ReadOnlyCopy {
    fn drop(&mut self) {
        chmod(&self.sub(), 0o755);
    }
}

/// The bundled database as `amzdb init` leaves it (WAL mode, every change in the file).
fn bundled_database() -> (Dir, Vec<u8>) {
    let dir = Dir::new();
    dir.cmd().arg("init").assert().success();
    let bytes = std::fs::read(dir.join(DB)).expect("read the database");
    assert_eq!(&bytes[18..20], &[2, 2], "amzdb's databases are in WAL mode");
    assert!(!dir.join(format!("{DB}-wal")).exists());
    (dir, bytes)
}

// ---------------------------------------------------------------------------------
// Read-only storage.

#[test]
fn read_commands_open_a_database_in_a_directory_they_cannot_write() {
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let (writable, bytes) = bundled_database();
    let ro = ReadOnlyCopy::new(&bytes);
    let sub = ro.sub();
    // Where this user may write its results.
    let out_dir = ro.dir.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    chmod(&out_dir, 0o777);

    for args in [
        &["facts", "--metric", "capex", "--format", "csv"][..],
        &["report", "capex-fcf", "--format", "csv"],
        &["query", "select count(*) from facts"],
        &["migrate", "--status"],
    ] {
        let expected = writable.run(args);
        let got = assert_ok(&run_as(&user, &sub, DB, args));
        assert_eq!(got, expected, "amzdb {args:?} in a read-only directory");
    }
    let export = out_dir.join("export");
    let export_arg = export.to_str().unwrap();
    assert_contains(
        &assert_ok(&run_as(&user, &sub, DB, &["export", export_arg])),
        "exported ",
    );
    assert!(export.join("facts.csv").is_file());
    let dump = out_dir.join("dump");
    assert_contains(
        &assert_ok(&run_as(&user, &sub, DB, &["dump", dump.to_str().unwrap()])),
        "dumped ",
    );
    let copy = out_dir.join("copy.sqlite");
    assert_contains(
        &assert_ok(&run_as(
            &user,
            &sub,
            DB,
            &["backup", copy.to_str().unwrap()],
        )),
        "backed up test.sqlite",
    );
    let facts: i64 = Connection::open(&copy)
        .unwrap()
        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(facts, writable.count("facts"));

    // Nothing was written beside it, and the file is as it was.
    assert_eq!(names(&sub), [DB]);
    assert!(std::fs::read(sub.join(DB)).unwrap() == bytes);
    // A write still fails, and says it is a write that failed.
    let stderr = assert_fails(&run_as(
        &user,
        &sub,
        DB,
        &["ingest", fixtures().to_str().unwrap()],
    ));
    assert_contains(&stderr, "amzdb: error: test.sqlite: cannot write: ");
    assert!(std::fs::read(sub.join(DB)).unwrap() == bytes);
}

#[test]
fn an_unreadable_database_says_cannot_read_not_cannot_write() {
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let (_writable, bytes) = bundled_database();
    let ro = ReadOnlyCopy::new(&bytes);
    let sub = ro.sub();
    chmod(&sub, 0o755);
    chmod(&sub.join(DB), 0o000);
    for args in [
        &["facts", "--metric", "capex"][..],
        &["report", "capex-fcf"],
        &["ingest", fixtures().to_str().unwrap()],
    ] {
        let stderr = assert_fails(&run_as(&user, &sub, DB, args));
        assert_contains(
            &stderr,
            "amzdb: error: test.sqlite: cannot read the database file (Permission denied",
        );
        assert!(!stderr.contains("cannot write"), "{stderr}");
    }
    // A directory this user may not enter: the database is not "missing" (amzdb would
    // try to create one), it cannot be read.
    chmod(&sub.join(DB), 0o444);
    chmod(&sub, 0o700);
    let path = sub.join(DB);
    let stderr = assert_fails(&run_as(
        &user,
        ro.dir.path(),
        path.to_str().unwrap(),
        &["facts"],
    ));
    assert_contains(&stderr, "cannot read the database file (Permission denied");
    chmod(&sub, 0o755);
    assert!(std::fs::read(sub.join(DB)).unwrap() == bytes);
}

#[test]
fn a_read_of_an_older_schema_in_a_read_only_directory_says_it_cannot_upgrade_it_there() {
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let old = Dir::new();
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade/v1.sql"),
    )
    .unwrap();
    Connection::open(old.join(DB))
        .unwrap()
        .execute_batch(&sql)
        .unwrap();
    let bytes = std::fs::read(old.join(DB)).unwrap();
    let ro = ReadOnlyCopy::new(&bytes);
    let sub = ro.sub();
    for args in [&["facts"][..], &["report", "capex-fcf"]] {
        let stderr = assert_fails(&run_as(&user, &sub, DB, args));
        assert_contains(
            &stderr,
            "amzdb: error: test.sqlite: its schema is older than this amzdb's and must be \
             upgraded before it can be read, but amzdb cannot write it here",
        );
        assert_contains(&stderr, "run `amzdb --db test.sqlite migrate`");
    }
    assert_eq!(names(&sub), [DB]);
    assert!(std::fs::read(sub.join(DB)).unwrap() == bytes);
}

#[test]
fn a_wal_with_changes_in_a_read_only_directory_says_what_to_do() {
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let (writable, _) = bundled_database();
    let ro = ReadOnlyCopy::new(&[]);
    let sub = ro.sub();
    chmod(&sub, 0o755);
    // A committed change still in the -wal file (a writer is open, or was killed): copy
    // the database and its -wal while the writer holds them.
    let writer = Connection::open(writable.join(DB)).unwrap();
    writer
        .execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 7;")
        .unwrap();
    for name in [DB.to_string(), format!("{DB}-wal")] {
        std::fs::copy(writable.join(&name), sub.join(&name)).unwrap();
        chmod(&sub.join(&name), 0o444);
    }
    drop(writer);
    chmod(&sub, 0o555);
    let stderr = assert_fails(&run_as(&user, &sub, DB, &["facts"]));
    assert_contains(
        &stderr,
        "amzdb: error: test.sqlite: cannot read: the database is in WAL mode and \
         test.sqlite-wal holds changes not yet written into it",
    );
    assert_contains(&stderr, "run `amzdb --db test.sqlite migrate`");
    // The advice works: its owner folds the WAL into the file, then the reader reads.
    chmod(&sub, 0o755);
    let owner = Command::new(BIN)
        .args(["--db", DB, "migrate"])
        .current_dir(&sub)
        .output()
        .unwrap();
    assert_ok(&owner);
    chmod(&sub, 0o555);
    assert_eq!(names(&sub), [DB]);
    assert_ok(&run_as(&user, &sub, DB, &["facts"]));
}

// ---------------------------------------------------------------------------------
// Racing creators of the default database.

#[test]
fn racing_creators_of_the_default_database_all_succeed() {
    const RACERS: usize = 6;
    for round in 0..3 {
        let dir = Dir::new();
        let children: Vec<_> = (0..RACERS)
            .map(|_| {
                Command::new(BIN)
                    .args(["facts", "--metric", "capex", "--format", "csv"])
                    .current_dir(dir.path())
                    .env_remove("AMZDB_DB")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start amzdb")
            })
            .collect();
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().expect("wait for amzdb"))
            .collect();
        let stdouts: Vec<String> = outs.iter().map(assert_ok).collect();
        assert!(stdouts[0].starts_with("entity,metric,"), "{}", stdouts[0]);
        assert!(
            stdouts.iter().all(|s| s == &stdouts[0]),
            "round {round}: the racers printed different facts"
        );
        let created = outs
            .iter()
            .filter(|o| stderr_of(o).starts_with("amzdb: created amzdb.sqlite"))
            .count();
        assert_eq!(created, 1, "round {round}: one racer creates the database");
        let leftovers: Vec<String> = names(dir.path())
            .into_iter()
            .filter(|n| n.contains(".creating-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let conn = Connection::open(dir.join("amzdb.sqlite")).unwrap();
        crate::util::assert_sound(&conn, &dir.join("amzdb.sqlite"));
    }
}

#[test]
fn racing_inits_create_one_database_and_the_others_say_it_exists() {
    let dir = Dir::new();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(BIN)
                .args(["--db", DB, "init", "--empty"])
                .current_dir(dir.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert_eq!(outs.iter().filter(|o| o.status.success()).count(), 1);
    for out in outs.iter().filter(|o| !o.status.success()) {
        assert_contains(
            &assert_fails(out),
            "amzdb: error: test.sqlite: already exists; `amzdb init` only creates new databases",
        );
    }
    dir.assert_sound();
}

// ---------------------------------------------------------------------------------
// Damaged databases.

const ADVICE: &str = "Restore it from a backup, or recover what SQLite can still read into \
a new file with `sqlite3 test.sqlite .recover | sqlite3 recovered.sqlite`";

/// The bundled database with one page overwritten by (seeded) random bytes: the page
/// `pick` chooses among those `dbstat` lists for the object `name`.
pub(super) fn damaged(name: &str, pick: impl FnOnce(&Connection, &[i64]) -> i64) -> (Dir, Vec<u8>) {
    let (dir, _) = bundled_database();
    let page = {
        let conn = Connection::open(dir.join(DB)).unwrap();
        let pages: Vec<i64> = conn
            .prepare("SELECT pageno FROM dbstat WHERE name = ?1 ORDER BY pageno")
            .unwrap()
            .query_map([name], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(pages.len() > 2, "{name} has {} pages", pages.len());
        pick(&conn, &pages)
    };
    let mut bytes = std::fs::read(dir.join(DB)).unwrap();
    let size = 4096;
    let start = (page as usize - 1) * size;
    rand::rngs::StdRng::seed_from_u64(10).fill(&mut bytes[start..start + size]);
    std::fs::write(dir.join(DB), &bytes).unwrap();
    (dir, bytes)
}

/// Asserts the command fails naming the damaged file and what to do, and leaves the file
/// as it was, byte for byte, with nothing in a -wal file.
#[track_caller]
pub(super) fn refused_as_damaged(dir: &Dir, bytes: &[u8], args: &[&str]) {
    let stderr = dir.run_err(args);
    assert_contains(
        &stderr,
        "amzdb: error: test.sqlite: the database file is damaged (SQLite: ",
    );
    assert_contains(&stderr, ADVICE);
    assert!(
        std::fs::read(dir.join(DB)).unwrap() == bytes,
        "amzdb {args:?} changed the damaged file"
    );
    let wal = dir.join(format!("{DB}-wal"));
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}

#[test]
fn ingest_and_migrate_refuse_a_database_with_a_damaged_facts_page() {
    // A leaf in the middle of the table: no write of new facts touches it.
    let (dir, bytes) = damaged("facts", |_, pages| pages[pages.len() / 2]);
    let fixtures = fixtures();
    refused_as_damaged(&dir, &bytes, &["ingest", fixtures.to_str().unwrap()]);
    refused_as_damaged(
        &dir,
        &bytes,
        &["ingest", "--dry-run", fixtures.to_str().unwrap()],
    );
    refused_as_damaged(&dir, &bytes, &["migrate"]);
    refused_as_damaged(&dir, &bytes, &["facts", "--format", "csv"]);
}

#[test]
fn reads_of_a_damaged_facts_table_name_the_file_and_what_to_do() {
    // The table's root page: every read of facts goes through it.
    let (dir, bytes) = damaged("facts", |conn, _| {
        conn.query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'facts'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    });
    refused_as_damaged(&dir, &bytes, &["facts", "--metric", "capex"]);
    refused_as_damaged(&dir, &bytes, &["report", "capex-fcf"]);
    refused_as_damaged(&dir, &bytes, &["ingest", fixtures().to_str().unwrap()]);
}

#[test]
fn every_command_refuses_a_database_with_a_damaged_schema_page() {
    // Not page 1 (its header would make it "not a SQLite database"): another page of the
    // schema table.
    let (dir, bytes) = damaged("sqlite_schema", |_, pages| pages[pages.len() / 2]);
    refused_as_damaged(&dir, &bytes, &["ingest", fixtures().to_str().unwrap()]);
    refused_as_damaged(&dir, &bytes, &["migrate"]);
    refused_as_damaged(&dir, &bytes, &["facts", "--metric", "capex"]);
    refused_as_damaged(&dir, &bytes, &["report", "capex-fcf"]);
}

/// The cost of the check writes run, on a database named by AMZDB_CHECK_DB (the README's
/// figure comes from a 10M-fact database; see there for how it is made):
/// `AMZDB_CHECK_DB=/path/to/10m.sqlite cargo test --release --test cli check_cost -- --ignored --nocapture`
#[test]
#[ignore = "needs a large database named by AMZDB_CHECK_DB"]
fn check_cost() {
    let path = std::path::PathBuf::from(
        std::env::var("AMZDB_CHECK_DB").expect("AMZDB_CHECK_DB names a database"),
    );
    let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the database");
    let facts: i64 = conn
        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
        .unwrap();
    for run in 1..=3 {
        let start = std::time::Instant::now();
        amzdb::db::check_intact(&conn, &path).expect("the database is intact");
        eprintln!(
            "run {run}: check of {} ({facts} facts, {} MiB): {:.3} s",
            path.display(),
            std::fs::metadata(&path).unwrap().len() >> 20,
            start.elapsed().as_secs_f64()
        );
    }
}

#[test]
fn a_creator_killed_part_way_leaves_nothing_the_next_one_keeps() {
    let dir = Dir::new();
    // What a creator killed while loading the bundled dataset leaves behind.
    for name in [
        ".amzdb.sqlite.creating-4242",
        ".amzdb.sqlite.creating-4242-wal",
        ".amzdb.sqlite.creating-4242-shm",
        "notes.creating-1",
    ] {
        dir.write(name, "partial");
    }
    let out = dir
        .amzdb()
        .args(["facts", "--metric", "capex"])
        .output()
        .unwrap();
    assert_ok(&out);
    // (A reader leaves the database's -wal and -shm; they are SQLite's, not leftovers.)
    let left: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| !n.starts_with("amzdb.sqlite-"))
        .collect();
    assert_eq!(left, ["amzdb.sqlite", "notes.creating-1"]);
}

#[test]
fn a_reader_in_a_read_only_directory_keeps_writers_from_changing_the_file_under_it() {
    let Some(user) = unprivileged_amzdb() else {
        return;
    };
    let (_writable, bytes) = bundled_database();
    let ro = ReadOnlyCopy::new(&bytes);
    let sub = ro.sub();
    let inode = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(sub.join(DB)).unwrap().ino()
    };
    // A long read, as the other user.
    let reader = Command::new(&user[0])
        .args(&user[1..])
        .args(["--db", DB, "query"])
        .arg(
            "with recursive r(x) as (select 1 union all select x + 1 from r where x < 5000000) \
             select count(*) from r",
        )
        .current_dir(&sub)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Its lock: a read lock on SQLite's shared bytes of the file (/proc/locks lists it).
    let locked = || {
        std::fs::read_to_string("/proc/locks").is_ok_and(|locks| {
            locks.lines().any(|l| {
                l.contains(" READ ")
                    && l.contains(&format!(":{inode} "))
                    && l.ends_with("1073741826 1073742335")
            })
        })
    };
    let start = std::time::Instant::now();
    while !locked() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the reader took no lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // A writer (root, whom the directory does not stop) cannot take the file from WAL
    // mode meanwhile: that needs the exclusive lock.
    let writer = Connection::open(sub.join(DB)).unwrap();
    let switched = writer.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    });
    assert_eq!(
        switched.unwrap_err().sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy)
    );
    let out = reader.wait_with_output().unwrap();
    assert_contains(&assert_ok(&out), "5000000");
    let mode: String = writer
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}
