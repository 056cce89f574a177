//! Crash safety and concurrent use (issue 6, sections 1 and 2), with real processes on real
//! SQLite files: `amzdb ingest` and `amzdb export` killed with SIGKILL at seeded random
//! moments, writes that fail part-way (a file-size limit, a read-only file or directory),
//! readers during a large ingest, and two ingests at once.
//!
//! `AMZDB_KILLS` sets the number of kill points (default 5) and `AMZDB_SEED` the seed of
//! the kill moments; `.ci/crash-soak` runs these tests in a release build with 20 or more.

use crate::util::{assert_contains, Dir, DB, FACTS_HEADER};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------
// Settings, the seeded random moments, the amzdb binary.

/// How many times each crash test kills its process (`AMZDB_KILLS`, default 5).
fn kills() -> usize {
    std::env::var("AMZDB_KILLS")
        .ok()
        .map(|v| {
            v.parse::<usize>()
                .unwrap_or_else(|_| panic!("AMZDB_KILLS={v:?}: expected a whole number"))
        })
        .unwrap_or(5)
        .max(1)
}

/// The seed of the kill moments (`AMZDB_SEED`, default fixed): the same seed gives the same
/// moments, as fractions of the measured duration.
fn seed() -> u64 {
    std::env::var("AMZDB_SEED")
        .ok()
        .map(|v| {
            match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            }
            .unwrap_or_else(|_| panic!("AMZDB_SEED={v:?}: expected a number (decimal or 0x hex)"))
        })
        .unwrap_or(0x5EED_A2DB)
}

/// splitmix64: a small, good, dependency-free generator.
struct Rng(u64);

impl Rng {
    fn new(salt: u64) -> Rng {
        Rng(seed() ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// `kills` moments spread over `duration`: one at a random point of each equal slice.
    fn moments(&mut self, duration: Duration, kills: usize) -> Vec<Duration> {
        (0..kills)
            .map(|k| duration.mul_f64((k as f64 + self.unit()) / kills as f64))
            .collect()
    }
}

/// Bigger data in release builds (the soak), bounded time in debug builds (CI).
fn scaled(debug: usize, release: usize) -> usize {
    if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

const BIN: &str = env!("CARGO_BIN_EXE_amzdb");

/// `amzdb --db DB ARGS` in `dir`, nothing from the outside environment choosing the
/// database, no terminal.
fn amzdb(dir: &Path, db: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("AMZDB_DB")
        .args(["--db", db])
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Runs amzdb to completion and asserts it succeeded; returns stdout and how long it took.
fn run_ok(dir: &Path, db: &str, args: &[&str]) -> (String, Duration) {
    let start = Instant::now();
    let out = amzdb(dir, db, args).output().expect("run amzdb");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "amzdb --db {db} {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8(out.stdout).expect("UTF-8 stdout"), took)
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn signal_of(status: &ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

// ---------------------------------------------------------------------------------
// Generated input: four companies, five metrics, five sources (a sixth comes with each
// large ingest), and as many distinct facts as asked for.

const ENTITIES: [(&str, &str, &str); 4] = [
    ("ALFA", "Alfa Corp.", "12-31"),
    ("BRAV", "Bravo, Inc.", "01-31"),
    ("CHAR", "Charlie Co", "06-30"),
    ("DELT", "Delta Holdings", "09-30"),
];
const METRICS: [&str; 5] = [
    "capex",
    "revenue",
    "operating_cash_flow",
    "net_income",
    "free_cash_flow",
];
const SOURCES: [&str; 5] = ["src-a", "src-b", "src-c", "src-d", "src-e"];
const DISCLOSURE: [&str; 3] = ["audited", "management_commentary", "third_party_estimate"];

/// Writes ref/entities.csv, ref/metrics.csv, ref/sources.csv (loaded before the test) and
/// more_sources.csv (one source already present and one new, given with each large ingest).
fn write_reference(dir: &Path) {
    let mut entities = String::from("ticker,name,cik,fiscal_year_end\n");
    for (i, (ticker, name, fye)) in ENTITIES.iter().enumerate() {
        entities.push_str(&format!("{ticker},\"{name}\",{},{fye}\n", 9_000_001 + i));
    }
    let mut metrics = String::from("metric,name,unit,description\n");
    for m in METRICS {
        metrics.push_str(&format!(
            "{m},{m} (generated),USD,\"generated, for tests\"\n"
        ));
    }
    let source = |slug: &str| format!("{slug},Publisher {slug},Report {slug},2024-01-15,,news\n");
    let mut sources = String::from("source,publisher,title,published_on,url,kind\n");
    SOURCES.iter().for_each(|s| sources.push_str(&source(s)));
    let more = format!(
        "source,publisher,title,published_on,url,kind\n{}{}",
        source("src-a"),
        source("src-f")
    );
    std::fs::create_dir_all(dir.join("ref")).unwrap();
    std::fs::write(dir.join("ref/entities.csv"), entities).unwrap();
    std::fs::write(dir.join("ref/metrics.csv"), metrics).unwrap();
    std::fs::write(dir.join("ref/sources.csv"), sources).unwrap();
    std::fs::write(dir.join("more_sources.csv"), more).unwrap();
}

/// Writes a facts file of `rows` distinct facts; files of different `tag`s share no fact.
/// Every fact is alone in its (entity, metric, segment, period) group, so reports stay
/// linear in the number of facts: row i is entity i%4, metric (i/4)%5, quarter (i/20)%200
/// (Q1 FY2000 .. Q4 FY2049), segment i/4000. The whole-company segment ('') is used by tags
/// 0 to 3 only, each in its own quarters, so capex-fcf changes with each of those files.
/// Tags from 1 on cite the new source src-f now and then (give more_sources.csv with them).
fn write_facts(dir: &Path, name: &str, tag: usize, rows: usize) -> String {
    let mut text = String::with_capacity(rows * 110);
    text.push_str(FACTS_HEADER);
    text.push('\n');
    for i in 0..rows {
        let (entity, metric, quarter, seg) = (i % 4, (i / 4) % 5, (i / 20) % 200, i / 4000);
        let segment = if seg == 0 && quarter / 50 == tag {
            String::new()
        } else {
            format!("S{tag}-{seg}")
        };
        let source = if tag >= 1 && i % 97 == 0 {
            "src-f"
        } else {
            SOURCES[(i / 7) % 5]
        };
        text.push_str(&format!(
            "{},{},{segment},Q{} FY{},level,{},,USD,exact,actual,{},{source},,\
             \"row {i}, file {tag}\",\n",
            ENTITIES[entity].0,
            METRICS[metric],
            quarter % 4 + 1,
            2000 + quarter / 4,
            123_456_789 + tag * 10_000_000 + i,
            DISCLOSURE[i % 3],
        ));
    }
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

/// A directory with an empty database holding the reference rows and `seed_rows` facts.
fn dir_with_seed(seed_rows: usize) -> Dir {
    let dir = Dir::with_empty_db();
    write_reference(dir.path());
    write_facts(dir.path(), "seed.csv", 0, seed_rows);
    run_ok(dir.path(), DB, &["ingest", "ref", "seed.csv"]);
    dir
}

// ---------------------------------------------------------------------------------
// What a database holds, checked.

/// A database's row count per table and the identity of every fact.
#[derive(Clone, PartialEq)]
struct State {
    counts: Vec<(String, i64)>,
    facts: Vec<String>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} ({} fact keys)", self.counts, self.facts.len())
    }
}

impl State {
    fn facts(&self) -> usize {
        self.facts.len()
    }
}

const FACT_IDENTITY: &str = "\
SELECT e.ticker, m.slug, f.segment, ifnull(p.start_date, ''), p.end_date, p.label, f.measure,
       f.value, ifnull(f.value_high, ''), u.unit, f.qualifier, f.basis, f.disclosure_type, s.slug
FROM facts AS f
JOIN entities AS e USING (entity_id)
JOIN metrics AS m USING (metric_id)
JOIN periods AS p USING (period_id)
JOIN units AS u ON u.unit_id = f.unit_id
JOIN sources AS s USING (source_id)";

/// Opens the database read-only (so closing it folds nothing: the next amzdb finds the
/// files as the killed one left them), asserts `PRAGMA integrity_check` is ok and
/// `PRAGMA foreign_key_check` finds nothing, and returns what it holds.
fn checked_state(db: &Path) -> State {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("{}: {e}", db.display()));
    crate::util::assert_sound(&conn, db);
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list tables");
    let counts = tables
        .into_iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect();
    let mut stmt = conn.prepare(FACT_IDENTITY).unwrap();
    let width = stmt.column_count();
    let mut facts: Vec<String> = stmt
        .query_map([], |r| {
            let mut key = String::new();
            for i in 0..width {
                let v: rusqlite::types::Value = r.get(i)?;
                match v {
                    rusqlite::types::Value::Integer(n) => key.push_str(&n.to_string()),
                    rusqlite::types::Value::Real(x) => key.push_str(&format!("{x:?}")),
                    rusqlite::types::Value::Text(t) => key.push_str(&t),
                    other => key.push_str(&format!("{other:?}")),
                }
                key.push('|');
            }
            Ok(key)
        })
        .and_then(|it| it.collect())
        .unwrap();
    facts.sort_unstable();
    State { counts, facts }
}

fn remove_db_files(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn wal_of(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

// ---------------------------------------------------------------------------------
// 1. Crash safety: an ingest killed at any moment leaves all of it or none of it.

/// What a kill run saw.
struct Soak {
    duration: Duration,
    before: usize,
    after: usize,
    finished_first: usize,
    report: Vec<String>,
}

/// When to kill: after a delay, or as soon as the ingest's commit is visible to a reader.
enum Moment {
    After(Duration),
    AtCommit,
}

/// How long `amzdb --db COPY ARGS` takes, run on a copy of the database (then removed).
fn measure_on_copy(dir: &Path, args: &[&str]) -> Duration {
    let copy = dir.join("measured.sqlite");
    std::fs::copy(dir.join(DB), &copy).unwrap();
    let (_, took) = run_ok(dir, "measured.sqlite", args);
    remove_db_files(&copy);
    took
}

/// Kills `amzdb ingest ARGS` at each of `moments` (seeded delays spread over `duration`,
/// how long the ingest takes), checking the database after each kill, then lets the same
/// ingest complete. After a kill the database must be exactly as before; or, when the
/// ingest had committed, exactly as after the final complete run (compared at the end).
fn kill_ingest(dir: &Path, args: &[&str], duration: Duration, moments: &[Moment]) -> Soak {
    let db = dir.join(DB);
    assert!(!wal_of(&db).exists(), "the starting database has a WAL");
    let before = checked_state(&db);
    let pristine = dir.join("pristine.sqlite");
    std::fs::copy(&db, &pristine).unwrap();
    let mut soak = Soak {
        duration,
        before: 0,
        after: 0,
        finished_first: 0,
        report: Vec::new(),
    };
    let mut committed = Vec::new();
    let before_facts = before.facts() as i64;
    for (k, moment) in moments.iter().enumerate() {
        let mut child = amzdb(dir, DB, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start amzdb");
        let started = Instant::now();
        match moment {
            Moment::After(delay) => std::thread::sleep(*delay),
            Moment::AtCommit => {
                // Poll from another connection until the new facts are visible, then kill
                // at once: the ingest has committed and is folding its WAL into the file.
                let deadline = started + duration * 5 + Duration::from_secs(30);
                let reader = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .expect("open a reader");
                while Instant::now() < deadline {
                    let count: i64 = reader
                        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
                        .expect("a reader during the ingest");
                    if count != before_facts || child.try_wait().unwrap().is_some() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        }
        let at = started.elapsed();
        let finished = child.try_wait().expect("poll amzdb").is_some();
        child.kill().expect("SIGKILL amzdb");
        let status = child.wait().expect("reap amzdb");
        let context = match moment {
            Moment::After(_) => format!("kill {} at {} ms of {} ms", k + 1, ms(at), ms(duration)),
            Moment::AtCommit => format!(
                "kill {} as the commit became visible, at {} ms of {} ms",
                k + 1,
                ms(at),
                ms(duration)
            ),
        };
        // It may also finish between the poll and the signal: a zero exit was no kill.
        if finished || status.success() {
            soak.finished_first += 1;
            assert!(
                status.success(),
                "{context}: amzdb failed on its own: {status}"
            );
        } else {
            assert_eq!(
                signal_of(&status),
                Some(libc::SIGKILL),
                "{context}: {status}"
            );
        }
        let now = checked_state(&db);
        if now == before {
            assert!(
                !finished,
                "{context}: amzdb succeeded, yet nothing is stored"
            );
            soak.before += 1;
            soak.report.push(format!("{context}: before"));
        } else {
            // Committed before the kill (checked against the complete run below): start
            // the next round from the state before.
            soak.after += 1;
            soak.report.push(format!("{context}: after"));
            committed.push((context, now));
            remove_db_files(&db);
            std::fs::copy(&pristine, &db).unwrap();
        }
    }
    // The same ingest, run to the end on whatever the last kill left, stores everything.
    let (_, took) = run_ok(dir, DB, args);
    soak.report
        .push(format!("then the complete ingest took {} ms", ms(took)));
    let after = checked_state(&db);
    assert!(after.facts() > before.facts(), "the ingest stored no fact");
    for (context, state) in committed {
        assert!(
            state == after,
            "{context}: the database is neither as before nor as after the ingest:\n  \
             now    {state:?}\n  before {before:?}\n  after  {after:?}"
        );
    }
    soak
}

fn print_soak(what: &str, soak: &Soak, took: Duration) {
    eprintln!(
        "{what}: {} kills survived (ingest about {} ms; {} left the state before, {} after, \
         {} had already finished); test {} ms; seed {:#x}",
        soak.before + soak.after,
        ms(soak.duration),
        soak.before,
        soak.after,
        soak.finished_first,
        ms(took),
        seed()
    );
    for line in &soak.report {
        eprintln!("  {line}");
    }
}

/// 200,000 facts take the bulk path (drop the indexes, append, build them, resolve
/// repeats, commit); 50,000 (under its threshold) the row-by-row path.
#[test]
fn csv_ingest_killed_at_random_moments_stores_all_or_nothing() {
    kill_csv_ingest(200_000, 1);
}

#[test]
fn row_by_row_ingest_killed_at_random_moments_stores_all_or_nothing() {
    kill_csv_ingest(50_000, 4);
}

fn kill_csv_ingest(rows: usize, seed: u64) {
    let start = Instant::now();
    let dir = dir_with_seed(1_000);
    write_facts(dir.path(), "big.csv", 1, rows);
    // The ingest's duration, measured on a copy: the bulk path's phases are not linear in
    // the rows, so kills spread over the whole of it land in every phase.
    let args = ["ingest", "more_sources.csv", "big.csv"];
    let duration = measure_on_copy(dir.path(), &args);
    let mut moments: Vec<Moment> = Rng::new(seed)
        .moments(duration, kills())
        .into_iter()
        .map(Moment::After)
        .collect();
    if kills() >= 10 {
        moments.push(Moment::AtCommit);
    }
    let soak = kill_ingest(dir.path(), &args, duration, &moments);
    let end = checked_state(&dir.join(DB));
    assert_eq!(end.facts(), 1_000 + rows);
    print_soak(
        &format!("CSV ingest of {rows} facts"),
        &soak,
        start.elapsed(),
    );
}

#[test]
fn sec_import_killed_at_random_moments_stores_all_or_nothing() {
    let zip = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/sec/fsds-2010q2.zip");
    if !Path::new(zip).is_file() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{zip} is missing under CI=true"
        );
        eprintln!("skipped: {zip} is absent");
        return;
    }
    let start = Instant::now();
    let dir = Dir::with_empty_db();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let reference = ["entities.csv", "metrics.csv", "concepts.csv"].map(|f| format!("{data}/{f}"));
    let mut args = vec!["ingest"];
    args.extend(reference.iter().map(String::as_str));
    run_ok(dir.path(), DB, &args);
    let args = ["ingest", zip];
    let duration = measure_on_copy(dir.path(), &args);
    // A few kills at random moments, and one while the commit is folded into the file.
    let mut moments: Vec<Moment> = Rng::new(2)
        .moments(duration, (kills() / 4).max(1))
        .into_iter()
        .map(Moment::After)
        .collect();
    moments.push(Moment::AtCommit);
    let soak = kill_ingest(dir.path(), &args, duration, &moments);
    print_soak("FSDS import of fsds-2010q2.zip", &soak, start.elapsed());
}

// ---------------------------------------------------------------------------------
// 2. A write that fails part-way: exit code 1, a message naming the database, the
// database as it was.

#[test]
fn a_write_past_the_file_size_limit_fails_cleanly_and_changes_nothing() {
    let dir = dir_with_seed(1_000);
    write_facts(dir.path(), "big.csv", 1, scaled(15_000, 100_000));
    let before = dir.snapshot();
    let size = std::fs::metadata(dir.join(DB)).unwrap().len();
    // The database file may keep its size; its WAL may not grow past 512 KiB. (`ulimit -f`
    // counts 512-byte blocks in POSIX sh, 1024 in bash: either is far below what the
    // ingest needs.)
    let blocks = (size + 512 * 1024) / 512;
    let out = dir.run_limited(
        &format!("-f {blocks}"),
        &["ingest", "more_sources.csv", "big.csv"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "amzdb should fail with exit code 1, not {} (a signal means SIGXFSZ is not \
         ignored); stderr:\n{stderr}",
        out.status
    );
    assert_contains(
        &stderr,
        "amzdb: error: test.sqlite: writing to the database failed (the disk may be full, \
         a file-size limit such as `ulimit -f` reached, or the device failing); the \
         transaction was rolled back and the database is as it was",
    );
    assert!(out.stdout.is_empty(), "a failed ingest printed a result");
    eprintln!("file-size limit of {blocks} blocks: {}", stderr.trim_end());
    // amzdb closed the database properly: no WAL is left (a read-only look leaves one).
    assert!(
        !wal_of(&dir.join(DB)).exists(),
        "a WAL file was left behind"
    );
    dir.snapshot().assert_same(&before);
    checked_state(&dir.join(DB));

    // Without the limit the same ingest succeeds.
    let (out, _) = run_ok(dir.path(), DB, &["ingest", "more_sources.csv", "big.csv"]);
    assert_contains(&out, "ingested ");

    // A CSV written under the limit fails the same way and leaves no file under its name.
    run_ok(dir.path(), DB, &["export", "sheets"]);
    let whole = std::fs::read(dir.join("sheets/facts.csv")).unwrap();
    std::fs::remove_file(dir.join("sheets/facts.csv")).unwrap();
    // 1 MiB in sh (2 MiB in bash): room for the -shm file and the small CSV files, far
    // less than facts.csv.
    let small = 2048;
    let out = dir.run_limited(&format!("-f {small}"), &["export", "sheets"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", out.status);
    assert_contains(&stderr, "amzdb: error: sheets/facts.csv: File too large");
    assert!(
        !dir.join("sheets/facts.csv").exists(),
        "a cut facts.csv was left"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert!(whole.len() as u64 > small * 1024);
}

#[test]
fn a_read_only_database_or_directory_fails_cleanly_and_changes_nothing() {
    // Permission bits do not stop root (as in CI): amzdb runs as nobody then.
    let Some(user) = crate::util::unprivileged_amzdb() else {
        return;
    };
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with_seed(1_000);
    write_facts(dir.path(), "big.csv", 1, 5_000);
    let args = ["ingest", "more_sources.csv", "big.csv"];
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let as_user = |dir: &Path| crate::util::run_as(&user, dir, DB, &args);
    let before = dir.snapshot();

    // The file read-only, its directory writable by everyone (-wal and -shm can be made).
    mode(dir.path(), 0o777);
    mode(&dir.join(DB), 0o444);
    let out = as_user(dir.path());
    mode(&dir.join(DB), 0o644);
    mode(dir.path(), 0o755);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", out.status);
    assert_contains(&stderr, "amzdb: error: test.sqlite: cannot write: ");
    eprintln!("read-only file: {}", stderr.trim_end());
    dir.snapshot().assert_same(&before);

    // The database's directory read-only: its -wal and -shm cannot be created.
    let sub = dir.join("ro");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(dir.join(DB), sub.join(DB)).unwrap();
    std::fs::copy(dir.join("big.csv"), sub.join("big.csv")).unwrap();
    std::fs::copy(dir.join("more_sources.csv"), sub.join("more_sources.csv")).unwrap();
    mode(&sub, 0o555);
    let out = as_user(&sub);
    mode(&sub, 0o755);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", out.status);
    assert_contains(&stderr, "amzdb: error: test.sqlite: cannot write: ");
    eprintln!("read-only directory: {}", stderr.trim_end());
    let copy = std::fs::read(sub.join(DB)).unwrap();
    assert!(
        copy == std::fs::read(dir.join(DB)).unwrap(),
        "the database changed"
    );
    checked_state(&sub.join(DB));
}

// ---------------------------------------------------------------------------------
// 3. An export killed part-way leaves only whole files under their final names.

/// The `*.csv` files of a directory (not the hidden temporary ones), by name.
fn csv_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    name.ends_with(".csv") && !name.starts_with('.')
                })
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read(&p).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Parses a CSV file completely; returns its header and number of records.
fn parse_whole(name: &str, bytes: &[u8]) -> (Vec<String>, usize) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .iter()
        .map(String::from)
        .collect();
    assert!(
        !header.is_empty() && !header[0].is_empty(),
        "{name}: no header"
    );
    let mut records = 0;
    for record in reader.records() {
        record.unwrap_or_else(|e| panic!("{name}: record {}: {e}", records + 1));
        records += 1;
    }
    (header, records)
}

#[test]
fn export_killed_mid_way_leaves_no_cut_file() {
    let dir = dir_with_seed(1_000);
    let rows = scaled(20_000, 200_000);
    write_facts(dir.path(), "big.csv", 1, rows);
    run_ok(dir.path(), DB, &["ingest", "more_sources.csv", "big.csv"]);
    let (_, duration) = run_ok(dir.path(), DB, &["export", "whole"]);
    let whole = csv_files(&dir.join("whole"));
    for (name, bytes) in &whole {
        parse_whole(name, bytes);
    }
    assert_eq!(
        parse_whole("facts.csv", &whole["facts.csv"]).1,
        1_000 + rows
    );

    let out = dir.join("out");
    let mut rng = Rng::new(3);
    let mut moments = rng.moments(duration, kills());
    // One more kill, at the most telling moment: while facts.csv is half written.
    moments.insert(0, Duration::ZERO);
    let mut report = Vec::new();
    for (k, moment) in moments.into_iter().enumerate() {
        let mut child = amzdb(dir.path(), DB, &["export", "out"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        if k == 0 {
            // Poll until the temporary facts file passes a quarter of its final size.
            let quarter = whole["facts.csv"].len() as u64 / 4;
            let deadline = started + duration * 4 + Duration::from_secs(10);
            loop {
                let growing = std::fs::read_dir(&out).ok().and_then(|entries| {
                    entries.filter_map(Result::ok).find(|e| {
                        e.file_name().to_string_lossy().starts_with(".facts.csv.")
                            && e.metadata().is_ok_and(|m| m.len() > quarter)
                    })
                });
                if growing.is_some() || Instant::now() > deadline {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        } else {
            std::thread::sleep(moment);
        }
        let at = started.elapsed();
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        let present = csv_files(&out);
        for (name, bytes) in &present {
            parse_whole(name, bytes);
            assert!(
                whole.get(name) == Some(bytes),
                "kill {} at {} ms: out/{name} differs from a whole export ({} bytes, whole {})",
                k + 1,
                ms(at),
                bytes.len(),
                whole.get(name).map_or(0, Vec::len)
            );
        }
        report.push(format!(
            "kill {} at {} ms of {} ms: {} whole files{}",
            k + 1,
            ms(at),
            ms(duration),
            present.len(),
            if finished { " (had finished)" } else { "" }
        ));
    }
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    run_ok(dir.path(), DB, &["export", "out"]);
    assert_eq!(csv_files(&out), whole, "a complete export differs");
    eprintln!(
        "export of {} facts killed {} times, only whole files left ({} temporary files stayed \
         behind: {leftovers:?})",
        1_000 + rows,
        report.len(),
        leftovers.len()
    );
    for line in &report {
        eprintln!("  {line}");
    }
}

// ---------------------------------------------------------------------------------
// 4. Concurrent use.

/// What one reader saw, and when.
struct Seen {
    reader: &'static str,
    at: Duration,
    output: String,
}

/// Runs `read` in a loop on its own thread until `stop`; every run must succeed.
fn reader_loop(
    name: &'static str,
    stop: Arc<AtomicBool>,
    start: Instant,
    read: impl Fn() -> Output + Send + 'static,
) -> std::thread::JoinHandle<Vec<Seen>> {
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            let at = start.elapsed();
            let out = read();
            assert!(
                out.status.success(),
                "{name} failed at {} ms during the ingest ({}):\n{}",
                ms(at),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            seen.push(Seen {
                reader: name,
                at,
                output: String::from_utf8(out.stdout).expect("UTF-8"),
            });
        }
        seen
    })
}

#[test]
fn readers_during_a_large_ingest_see_before_or_after() {
    let dir = dir_with_seed(1_000);
    let rows = scaled(60_000, 200_000);
    write_facts(dir.path(), "big.csv", 1, rows);
    let path = dir.path().to_path_buf();
    let report_args = ["report", "capex-fcf", "--all-entities", "--format", "csv"];
    let count_args = ["query", "SELECT count(*) FROM facts", "--format", "csv"];
    let report_before = run_ok(&path, DB, &report_args).0;
    let shell = crate::util::sqlite3_shell();

    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let ingest = amzdb(&path, DB, &["ingest", "more_sources.csv", "big.csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut readers = Vec::new();
    if let Some(shell) = shell {
        let p = path.clone();
        readers.push(reader_loop("sqlite3", stop.clone(), start, move || {
            Command::new(shell)
                .current_dir(&p)
                .args([DB, "select count(*) from facts"])
                .output()
                .unwrap()
        }));
    }
    let p = path.clone();
    readers.push(reader_loop("amzdb query", stop.clone(), start, move || {
        amzdb(&p, DB, &count_args).output().unwrap()
    }));
    let p = path.clone();
    readers.push(reader_loop(
        "amzdb report",
        stop.clone(),
        start,
        move || amzdb(&p, DB, &report_args).output().unwrap(),
    ));
    let p = path.clone();
    readers.push(reader_loop(
        "amzdb export",
        stop.clone(),
        start,
        move || {
            let mut out = amzdb(&p, DB, &["export", "sheets"]).output().unwrap();
            if out.status.success() {
                let facts = std::fs::read(p.join("sheets/facts.csv")).unwrap();
                out.stdout = parse_whole("facts.csv", &facts).1.to_string().into_bytes();
            }
            out
        },
    ));
    let ingested = ingest.wait_with_output().unwrap();
    let ingest_took = start.elapsed();
    stop.store(true, Ordering::SeqCst);
    assert!(
        ingested.status.success(),
        "{}",
        String::from_utf8_lossy(&ingested.stderr)
    );
    let seen: Vec<Seen> = readers
        .into_iter()
        .flat_map(|r| r.join().expect("a reader failed"))
        .collect();

    let report_after = run_ok(&path, DB, &report_args).0;
    assert_ne!(
        report_before, report_after,
        "the ingest should change the report"
    );
    let (before, after) = (1_000, 1_000 + rows);
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in &seen {
        let is_after = match s.reader {
            "amzdb report" => {
                assert!(
                    s.output == report_before || s.output == report_after,
                    "{} at {} ms saw a report that is neither before nor after:\n{}",
                    s.reader,
                    ms(s.at),
                    s.output
                );
                s.output == report_after
            }
            _ => {
                let count: usize = s
                    .output
                    .lines()
                    .last()
                    .and_then(|l| l.trim().parse().ok())
                    .unwrap_or_else(|| panic!("{}: unexpected output {:?}", s.reader, s.output));
                assert!(
                    count == before || count == after,
                    "{} at {} ms saw {count} facts: neither {before} nor {after}",
                    s.reader,
                    ms(s.at)
                );
                count == after
            }
        };
        let t = tally.entry(s.reader).or_default();
        if is_after {
            t.1 += 1
        } else {
            t.0 += 1
        }
    }
    eprintln!(
        "ingest of {rows} facts took {} ms; readers (runs seeing before / after): {tally:?}",
        ms(ingest_took)
    );
    for (reader, (b, _)) in &tally {
        assert!(*b > 0, "{reader} never ran during the ingest");
    }
    checked_state(&dir.join(DB));
}

fn fact_count(db: &Path) -> usize {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("SELECT count(*) FROM facts", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

/// Outcome of one `amzdb ingest` run at the same time as another.
fn ingest_outcome(out: &Output, took: Duration, name: &str) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return true;
    }
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: {}: {stderr}",
        out.status
    );
    assert_contains(
        &stderr,
        "amzdb: error: test.sqlite: database is busy: another process is writing to it",
    );
    assert!(
        took >= Duration::from_millis(4_500),
        "{name} gave up after {} ms, before its busy timeout",
        ms(took)
    );
    false
}

#[test]
fn two_ingests_at_once_lose_and_duplicate_nothing() {
    let dir = dir_with_seed(1_000);
    let path = dir.path().to_path_buf();
    let db = dir.join(DB);
    let mut lines = Vec::new();

    // A writer that holds the database longer than the timeout: the ingest waits for it,
    // then gives up with a clear message and writes nothing; run again later, it succeeds.
    let file = write_facts(&path, "late.csv", 20, 1_000);
    let before = dir.snapshot();
    let holder = Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let began = Instant::now();
    let out = amzdb(&path, DB, &["ingest", "more_sources.csv", &file])
        .output()
        .unwrap();
    let took = began.elapsed();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert!(
        !ingest_outcome(&out, took, &file),
        "the ingest ignored the lock"
    );
    assert_eq!(dir.snapshot().rows, before.rows);
    lines.push(format!(
        "held lock: after {} ms: {}",
        ms(took),
        String::from_utf8_lossy(&out.stderr).trim_end()
    ));
    run_ok(&path, DB, &["ingest", "more_sources.csv", &file]);
    let mut expected = 2_000;
    assert_eq!(fact_count(&db), expected);

    let mut rng = Rng::new(4);
    // (rows of the first, rows of the second, the second starts this far into the first)
    let rounds = [
        (scaled(10_000, 50_000), 2_000, 0.0),
        (scaled(10_000, 50_000), 10_000, rng.unit()),
        (scaled(150_000, 400_000), 2_000, 0.05 + 0.1 * rng.unit()),
    ];
    for (round, &(first_rows, second_rows, offset)) in rounds.iter().enumerate() {
        let a = write_facts(&path, &format!("a{round}.csv"), 4 + 2 * round, first_rows);
        let b = write_facts(&path, &format!("b{round}.csv"), 5 + 2 * round, second_rows);
        let start = Instant::now();
        let run = |file: String, rows: usize, delay: Duration| {
            let p = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let began = Instant::now();
                let out = amzdb(&p, DB, &["ingest", "more_sources.csv", &file])
                    .output()
                    .unwrap();
                (out, began.elapsed(), file, rows)
            })
        };
        // The first ingest's expected length: about 60 µs a row in debug builds.
        let delay = Duration::from_micros((first_rows as f64 * 60.0 * offset) as u64);
        let first = run(a, first_rows, Duration::ZERO);
        let second = run(b, second_rows, delay);
        let results = [first.join().unwrap(), second.join().unwrap()];
        let wall = start.elapsed();
        let mut summary = Vec::new();
        let mut failed = Vec::new();
        for (out, took, file, rows) in &results {
            if ingest_outcome(out, *took, file) {
                expected += rows;
                summary.push(format!("{file} ok in {} ms", ms(*took)));
            } else {
                failed.push((file, rows));
                summary.push(format!("{file} busy after {} ms", ms(*took)));
            }
        }
        assert_eq!(fact_count(&db), expected, "round {round}: {summary:?}");
        // Re-running a failed ingest adds it; re-running a successful one adds nothing.
        for (file, rows) in failed {
            let (stdout, _) = run_ok(&path, DB, &["ingest", "more_sources.csv", file]);
            assert_contains(
                &stdout,
                &format!("ingested {rows} facts (0 already present)"),
            );
            expected += rows;
        }
        // --recheck: read again and found present, fact by fact (without it the unchanged
        // files are not read at all).
        for (out, _, file, rows) in &results {
            if out.status.success() && *rows <= 10_000 {
                let args = ["ingest", "--recheck", "more_sources.csv", file];
                let (stdout, _) = run_ok(&path, DB, &args);
                assert_contains(
                    &stdout,
                    &format!("nothing new: 0 facts ({rows} already present)"),
                );
            }
        }
        assert_eq!(fact_count(&db), expected, "round {round} after re-running");
        lines.push(format!(
            "round {round} ({first_rows} + {second_rows} rows, second after {} ms): {} in {} ms",
            ms(delay),
            summary.join(", "),
            ms(wall)
        ));
    }
    let state = checked_state(&db);
    assert_eq!(state.facts(), expected);
    let keys: std::collections::HashSet<&String> = state.facts.iter().collect();
    assert_eq!(keys.len(), state.facts(), "a fact is stored twice");
    for line in &lines {
        eprintln!("{line}");
    }
}
