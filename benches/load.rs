//! The load benchmark of issue 15: every target of the issue as a ratio against a
//! baseline measured in the same run, with the real `amzdb` binary this bench is built
//! with:
//!
//! ```sh
//! cargo bench --bench load                      # N = 1M rows (AMZDB_BENCH_ROWS=5000000 for 5M)
//! AMZDB_BENCH_10M=0 cargo bench --bench load    # without the 10M database (a quicker run)
//! ```
//!
//! The rows are synthetic (benches/common/synthetic.rs: fixed seeds, ~2,000 entities, 50
//! metrics, 40 quarters, 100 sources, ~60-character quotes). Generated CSVs are kept in
//! target/tmp/bench-N and reused; databases are rebuilt every run (the binary may have
//! changed) and removed at the end. One database grows through the sizes N, 4N, 5M and
//! 10M (each step a timed ingest of new rows, which also gives the memory rows "3N into
//! N" and "5M into 5M"); at each size a copy of it (`cp`) takes the measured ingest, so
//! every measurement at a size starts from the same state (the largest database, over
//! 1 GiB, takes its one ingest in place: no copy of it on disk). The same file of N new
//! facts is ingested at every size. A run shorter than 2 s is repeated (best of 5, each
//! from the same state; both sides of a ratio get as many runs); the output says how many
//! runs each figure is the best of, and each ingest's CPU time (user + system, steadier
//! than wall time on a shared machine) and peak memory beside its wall time. Every
//! measured ingest is checked by the count of facts it leaves.
//!
//! A run at N = 1M generates ~1.7 GB of CSV once (~45 s), needs ~6 GB of disk while it
//! runs and takes ~15 min on 2 cores shared with other builds (load average 10).
//!
//! 1. Skip: the unchanged N-fact file re-ingested vs its first load (>= 20x faster).
//! 2. Re-check: the same N facts plus one new (a changed file) into the 5M database vs N
//!    new facts into the same database (<= 1.0x the time).
//! 3. Memory: the peak resident memory of every ingest (<= 64 MiB).
//! 4. Incremental: N new facts into 4N and 10M vs into N (<= 1.3x).
//! 5. Floor: SQLite's own cost for the same rows into the same schema (rusqlite, the
//!    bundled SQLite amzdb uses: `INSERT INTO facts SELECT ... FROM` the database amzdb
//!    just loaded, indexes maintained or dropped and rebuilt, the faster) vs amzdb's
//!    N-fact load into an empty database (>= 0.9x). The sqlite3 shell's `.import` into a
//!    plain table is printed beside it: twice its rate was the retired target.
//! 6. SEC (the real files in ../shared/sec, skipped with a reason when absent): an FSDS
//!    quarter vs the shell's `.import` of its num.txt (>= 1.0x), and the inline XBRL
//!    10-Ks of Amazon and Alphabet for FY2024 (< 1 s each).
//!
//! Beside the targets: bytes per fact at each size, Snowflake's complete companyfacts
//! (facts per company, for the whole-SEC projection) and report latency for one entity
//! in the bundled database and among the 10M+ facts.

mod common;
#[path = "common/synthetic.rs"]
mod synthetic;

use common::{amzdb, fresh_db, measure, time, Measured};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A run shorter than this is repeated, and the fastest of `BEST_OF` runs kept (the least
/// disturbed by other work on a shared machine).
const SHORT: Duration = Duration::from_secs(2);
const BEST_OF: usize = 5;
/// The memory bound of every ingest (issue 15, item 3).
const PEAK_MIB: f64 = 64.0;
/// The page cache amzdb's ingest gives SQLite (src/ingest/mod.rs, INGEST_CACHE_KIB): the
/// floor gets the same.
const FLOOR_CACHE_KIB: i64 = 40 * 1024;
const MILLION: usize = 1_000_000;
/// A database larger than this takes its last measured ingest in place (see main).
const IN_PLACE_BYTES: u64 = 1 << 30;

/// A figure and how many runs it is the best of.
#[derive(Clone, Copy)]
struct Best {
    wall: Duration,
    runs: usize,
}

impl Best {
    fn secs(self) -> f64 {
        self.wall.as_secs_f64()
    }

    /// "7.21 s" or "0.31 s (best of 5)".
    fn show(self) -> String {
        if self.runs > 1 {
            format!("{:.2} s (best of {})", self.secs(), self.runs)
        } else {
            format!("{:.2} s", self.secs())
        }
    }
}

/// Runs `run` (which does its own setup and returns the time of what it measures) once,
/// and again up to `BEST_OF` times in all when it was short; keeps the fastest.
fn best(run: impl FnMut() -> Duration) -> Best {
    best_of((1, BEST_OF), run)
}

/// `best`, run at least `runs.0` times (the two sides of a ratio get as many runs) and at
/// most `runs.1` (1 for a run that cannot start again from the same state).
fn best_of(runs: (usize, usize), mut run: impl FnMut() -> Duration) -> Best {
    let (min_runs, max_runs) = runs;
    let mut wall = run();
    let mut runs = 1;
    while runs < max_runs && (runs < min_runs || wall < SHORT) {
        wall = wall.min(run());
        runs += 1;
    }
    Best { wall, runs }
}

/// One line of the final table.
struct Target {
    item: String,
    goal: String,
    measured: String,
    ratio: f64,
    met: bool,
}

/// What the run has measured so far: every ingest's peak memory, and the targets.
struct Bench {
    work: PathBuf,
    rows: usize,
    peaks: Vec<(String, f64)>,
    targets: Vec<Target>,
}

impl Bench {
    /// `amzdb ingest ARGS` into `db`, after `setup` (not timed), best of several when
    /// short; every run's peak memory is kept under `label`. Returns the best time and the
    /// last run's stdout (amzdb's summary).
    fn ingest(
        &mut self,
        label: &str,
        db: &Path,
        args: &[&Path],
        flags: &[&str],
        setup: impl FnMut(),
    ) -> (Best, String) {
        self.ingest_runs((1, BEST_OF), label, db, args, flags, setup)
    }

    /// `ingest`, run at least `runs.0` and at most `runs.1` times (see `best_of`).
    fn ingest_runs(
        &mut self,
        runs: (usize, usize),
        label: &str,
        db: &Path,
        args: &[&Path],
        flags: &[&str],
        mut setup: impl FnMut(),
    ) -> (Best, String) {
        let mut argv = vec!["ingest"];
        argv.extend_from_slice(flags);
        argv.extend(args.iter().map(|p| p.to_str().expect("UTF-8 paths")));
        let mut last = String::new();
        let mut peak: f64 = 0.0;
        // The fastest run's CPU time (user + system): steadier than wall time when other
        // work shares the machine.
        let mut fastest = (Duration::MAX, Duration::ZERO);
        let timed = best_of(runs, || {
            setup();
            let Measured {
                wall,
                cpu,
                peak_mib,
                stdout,
            } = measure(&argv, db);
            peak = peak.max(peak_mib);
            last = stdout;
            if wall < fastest.0 {
                fastest = (wall, cpu);
            }
            wall
        });
        self.peaks.push((label.to_string(), peak));
        println!(
            "  {label:<44} {:>22}  cpu {:6.2} s  peak {peak:5.1} MiB",
            timed.show(),
            fastest.1.as_secs_f64()
        );
        (timed, last)
    }

    fn target(&mut self, item: &str, goal: &str, measured: String, ratio: f64, met: bool) {
        self.targets.push(Target {
            item: item.to_string(),
            goal: goal.to_string(),
            measured,
            ratio,
            met,
        });
    }

    /// A path in the work directory.
    fn path(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// "1M", "5M", "250k", "20000": a number of facts in a label.
fn count(n: usize) -> String {
    if n >= MILLION && n.is_multiple_of(MILLION) {
        format!("{}M", n / MILLION)
    } else if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

fn main() {
    let started = Instant::now();
    let rows = env_usize("AMZDB_BENCH_ROWS").unwrap_or(MILLION);
    // The issue's fixed sizes (a 5M and a 10M database); AMZDB_BENCH_SCALE shrinks them
    // for a quick check of the bench itself (e.g. 0.02 with AMZDB_BENCH_ROWS=20000).
    let scale: f64 = std::env::var("AMZDB_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    let with_10m = std::env::var("AMZDB_BENCH_10M").map_or(true, |v| v != "0");
    let five = ((5 * MILLION) as f64 * scale) as usize;
    let ten = ((10 * MILLION) as f64 * scale) as usize;
    let recheck_size = five.max(rows);
    let large = with_10m.then_some(ten.max(rows));
    let mut sizes = vec![rows, 4 * rows, recheck_size];
    sizes.extend(large);
    sizes.sort_unstable();
    sizes.dedup();

    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{rows}"));
    std::fs::create_dir_all(&work).expect("the work directory");
    let mut bench = Bench {
        work,
        rows,
        peaks: Vec::new(),
        targets: Vec::new(),
    };
    describe_machine(rows, &sizes);

    // The files: the first N facts (data/), N new ones (new/), the rows each step of the
    // growing database adds (kept apart from the new ones: a database of size S holds
    // rows [0, N) and [2N, N + S)), and the first file with one new row (recheck/).
    println!("files (generated once, kept in {}):", bench.work.display());
    let data = bench.path("data");
    let first = cached(&data, 0, rows, 42);
    let fresh = cached(&bench.path("new"), rows, rows, 7);
    let mut steps = Vec::new();
    for (k, pair) in sizes.windows(2).enumerate() {
        let (from, to) = (pair[0], pair[1]);
        let dir = bench.path(&format!("grow-{from}-{to}"));
        steps.push(cached(&dir, rows + from, to - from, 11 + k as u64));
    }
    let changed = one_more(&bench.path("recheck"), &first, rows);
    println!(
        "  {} facts: {:.0} MiB of CSV",
        count(rows),
        std::fs::metadata(&first).expect("facts").len() as f64 / 1048576.0
    );
    let reference: Vec<PathBuf> = ["entities.csv", "sources.csv", "metrics.csv"]
        .iter()
        .map(|f| data.join(f))
        .collect();

    // Context: the sqlite3 shell's .import of the same file into a plain table.
    println!("baselines:");
    let shell_db = bench.path("shell.sqlite");
    let shell = best(|| {
        let _ = std::fs::remove_file(&shell_db);
        time(
            Command::new("sqlite3")
                .arg(&shell_db)
                .arg(format!(".import --csv {} facts", first.display())),
        )
    });
    let shell_bytes = std::fs::metadata(&shell_db).expect("shell db").len();
    let _ = std::fs::remove_file(&shell_db);
    println!(
        "  {:<44} {:>22}",
        format!("sqlite3 shell .import, {} rows, plain table", count(rows)),
        shell.show()
    );

    // The first load: N facts into an empty database (holding the reference files).
    let db = bench.path("amzdb.sqlite");
    let copy = bench.path("copy.sqlite");
    println!("amzdb ingest:");
    let (load, _) = bench.ingest(
        &format!("{} into empty (first load)", count(rows)),
        &db,
        &[&first],
        &[],
        || fresh_db(&db, &reference),
    );
    expect_facts(&db, rows);
    let mut bytes_per_fact = vec![(rows, db_bytes(&db) as f64 / rows as f64)];

    // 5. The floor, from the rows amzdb just stored.
    let floor = floor(&bench, &reference, &db, load.runs);

    // 1. The unchanged file again (into a copy: the database keeps growing below).
    copy_db(&db, &copy);
    let (skip, said) = bench.ingest(
        &format!("{} again, unchanged (skip)", count(rows)),
        &copy,
        &[&first],
        &[],
        || {},
    );
    expect_facts(&copy, rows);
    println!("    amzdb said: {}", last_line(&said));
    if has_recheck() {
        let (full, said) = bench.ingest(
            &format!("{} again, unchanged, --recheck", count(rows)),
            &copy,
            &[&first],
            &["--recheck"],
            || {},
        );
        expect_facts(&copy, rows);
        println!(
            "    amzdb said: {}  ({:.2}x the first load)",
            last_line(&said),
            full.secs() / load.secs()
        );
    } else {
        println!("  (this amzdb has no ingest --recheck: the full check is measured in item 2)");
    }

    // The growing database: at each size, N new facts into a copy (item 4), and at the
    // re-check size the changed file into a copy (item 2).
    let mut new_into = Vec::new();
    let mut recheck = None;
    let mut size = rows;
    for (i, &target) in sizes.iter().enumerate() {
        if target > size {
            let step = &steps[i - 1];
            bench.ingest(
                &format!(
                    "{} into {} (growing the database)",
                    count(target - size),
                    count(size)
                ),
                &db,
                &[step],
                &[],
                || {},
            );
            size = target;
            expect_facts(&db, size);
            bytes_per_fact.push((size, db_bytes(&db) as f64 / size as f64));
        }
        if size == recheck_size {
            let (timed, said) = bench.ingest_runs(
                (
                    new_into.first().map_or(1, |(_, b): &(usize, Best)| b.runs),
                    BEST_OF,
                ),
                &format!(
                    "{} present + 1 new into {} (changed file)",
                    count(rows),
                    count(size)
                ),
                &copy,
                &[&changed],
                &[],
                || copy_db(&db, &copy),
            );
            expect_facts(&copy, size + 1);
            println!("    amzdb said: {}", last_line(&said));
            recheck = Some(timed);
        }
        // A large database at the last size takes the new facts in place, once: no copy
        // of the largest database (disk), and no second run (it would find them present).
        let last = i + 1 == sizes.len();
        let in_place = last && db_bytes(&db) > IN_PLACE_BYTES;
        let into = if in_place { &db } else { &copy };
        let at_least = recheck
            .or(new_into.first().map(|(_, b)| *b))
            .map_or(1, |b| b.runs);
        let (timed, _) = bench.ingest_runs(
            (at_least, if in_place { 1 } else { BEST_OF }),
            &format!("{} new into {}", count(rows), count(size)),
            into,
            &[&fresh],
            &[],
            || {
                if !in_place {
                    copy_db(&db, &copy)
                }
            },
        );
        expect_facts(into, size + rows);
        new_into.push((size, timed));
        if last && !in_place {
            // The reports below run on the largest database with the new facts in it.
            remove_db(&db);
            copy_db(&copy, &db);
        }
    }
    remove_db(&copy);

    // Beside the targets: what a fact costs on disk, reports among many facts, SEC files.
    println!("bytes per fact (database file / facts):");
    for (n, bytes) in &bytes_per_fact {
        println!("  {:>6} facts: {bytes:.0}", count(*n));
    }
    println!(
        "  the shell's plain table of the CSV's text: {:.0}",
        shell_bytes as f64 / rows as f64
    );
    reports(&bench, &db, sizes.last().copied().unwrap_or(rows) + rows);
    remove_db(&db);
    let sec = sec(&mut bench);

    // The targets.
    let by_size = |s: usize| new_into.iter().find(|(n, _)| *n == s).map(|(_, b)| *b);
    let base = by_size(rows).expect("N into N");
    let ratio = load.secs() / skip.secs();
    bench.target(
        "1 skip",
        ">= 20x faster",
        format!("first load {}, unchanged {}", load.show(), skip.show()),
        ratio,
        ratio >= 20.0,
    );
    if let (Some(re), Some(new)) = (recheck, by_size(recheck_size)) {
        let ratio = re.secs() / new.secs();
        bench.target(
            "2 re-check",
            "<= 1.0x the time",
            format!(
                "{}+1 into {}: {}; {} new: {}",
                count(rows),
                count(recheck_size),
                re.show(),
                count(rows),
                new.show()
            ),
            ratio,
            ratio <= 1.0,
        );
    }
    let (worst, peak) = bench
        .peaks
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .cloned()
        .expect("ingests ran");
    bench.target(
        "3 memory",
        "<= 64 MiB",
        format!("{peak:.1} MiB ({worst})"),
        peak / PEAK_MIB,
        peak <= PEAK_MIB,
    );
    for s in [4 * rows].into_iter().chain(large) {
        if let Some(t) = by_size(s) {
            let ratio = t.secs() / base.secs();
            bench.target(
                &format!("4 into {}", count(s)),
                "<= 1.3x",
                format!(
                    "{}: {}; into {}: {}",
                    count(s),
                    t.show(),
                    count(rows),
                    base.show()
                ),
                ratio,
                ratio <= 1.3,
            );
        }
    }
    let fastest = floor.maintained.wall.min(floor.rebuilt.wall);
    let ratio = fastest.as_secs_f64() / load.secs();
    bench.target(
        "5 floor",
        ">= 0.9x",
        format!(
            "SQLite {:.2} s, amzdb {}",
            fastest.as_secs_f64(),
            load.show()
        ),
        ratio,
        ratio >= 0.9,
    );
    if let Some(sec) = sec {
        let ratio = sec.shell.secs() / sec.fsds.secs();
        bench.target(
            "6 FSDS",
            ">= 1.0x",
            format!("shell {}, amzdb {}", sec.shell.show(), sec.fsds.show()),
            ratio,
            ratio >= 1.0,
        );
        bench.target(
            "6 inline XBRL",
            "< 1 s",
            format!("slowest {}", sec.ixbrl.show()),
            sec.ixbrl.secs(),
            sec.ixbrl.secs() < 1.0,
        );
    }
    print_targets(&bench);
    println!(
        "\nfloor: SQLite with indexes maintained {}, dropped and rebuilt {}, and rebuilt with \
         the rows bound one at a time {} ({:.2}x the INSERT ... SELECT: what SQLite's per-row \
         interface costs any program, before amzdb reads or checks anything); the shell's \
         .import into a plain table {} (the retired target was twice the .import's rate: SQLite's \
         own INSERT ... SELECT of amzdb's rows costs about what the whole .import costs, \
         so the floor replaces it)",
        floor.maintained.show(),
        floor.rebuilt.show(),
        floor.bound.show(),
        floor.rebuilt.wall.as_secs_f64() / floor.bound.wall.as_secs_f64(),
        shell.show()
    );
    println!(
        "the whole run: {:.1} min",
        started.elapsed().as_secs_f64() / 60.0
    );
}

/// The machine, for the README's table.
fn describe_machine(rows: usize, sizes: &[usize]) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().to_string()))
        })
        .unwrap_or_default();
    let shell = Command::new("sqlite3")
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split(' ')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    let sizes: Vec<String> = sizes.iter().map(|&s| count(s)).collect();
    println!(
        "amzdb load benchmark (issue 15): N = {} facts; databases of {}",
        count(rows),
        sizes.join(", ")
    );
    println!(
        "machine: {} cores, {cpu}, {memory} memory; SQLite {} (bundled), sqlite3 shell {shell}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        rusqlite::version()
    );
}

/// `generate(dir, first, rows, seed)`, unless an earlier run left the file (written to
/// a `.partial` folder and renamed, so an interrupted run leaves nothing half-written).
fn cached(dir: &Path, first: usize, rows: usize, seed: u64) -> PathBuf {
    let facts = dir.join(format!("facts-{first}.csv"));
    if facts.exists() {
        return facts;
    }
    let partial = PathBuf::from(format!("{}.partial", dir.display()));
    let _ = std::fs::remove_dir_all(&partial);
    let start = Instant::now();
    synthetic::generate(&partial, first, rows, seed).expect("generate a facts CSV");
    std::fs::rename(&partial, dir).expect("move the generated files in place");
    println!(
        "  generated {} ({} rows from row {first}) in {:.1} s",
        facts.display(),
        count(rows),
        start.elapsed().as_secs_f64()
    );
    facts
}

/// The file `first` with one new row appended (row `rows`, which no database here holds):
/// a changed file whose facts are all present but one.
fn one_more(dir: &Path, first: &Path, rows: usize) -> PathBuf {
    let changed = dir.join("facts-0.csv");
    if changed.exists() {
        return changed;
    }
    let partial = PathBuf::from(format!("{}.partial", dir.display()));
    let _ = std::fs::remove_dir_all(&partial);
    let row = synthetic::generate(&partial.join("row"), rows, 1, 99).expect("one row");
    let new_row = BufReader::new(File::open(&row).expect("the row"))
        .lines()
        .nth(1)
        .expect("a data row")
        .expect("UTF-8");
    std::fs::remove_dir_all(partial.join("row")).expect("tidy");
    let copy = partial.join("facts-0.csv");
    std::fs::copy(first, &copy).expect("copy the first file");
    let mut w = std::fs::OpenOptions::new()
        .append(true)
        .open(&copy)
        .expect("the copy");
    writeln!(w, "{new_row}").expect("append");
    std::fs::rename(&partial, dir).expect("move the changed file in place");
    changed
}

/// Does this amzdb's ingest know `--recheck` (issue 15, item 1)?
fn has_recheck() -> bool {
    Command::new(common::AMZDB)
        .args(["ingest", "--help"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("--recheck"))
        .unwrap_or(false)
}

fn last_line(stdout: &str) -> &str {
    stdout.trim_end().lines().last().unwrap_or("(nothing)")
}

fn db_bytes(db: &Path) -> u64 {
    std::fs::metadata(db).expect("the database").len()
}

/// Fails the run unless the database holds `n` facts: a measured ingest really did its
/// work.
fn expect_facts(db: &Path, n: usize) {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the database");
    let facts: i64 = conn
        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
        .expect("count the facts");
    assert_eq!(facts, n as i64, "facts in {}", db.display());
}

/// Removes a database and its WAL files.
fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// Copies a closed database (with its WAL, if any) over `to`.
fn copy_db(from: &Path, to: &Path) {
    remove_db(to);
    std::fs::copy(from, to).expect("copy the database");
    let wal = PathBuf::from(format!("{}-wal", from.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", to.display())).expect("copy the WAL");
    }
}

struct Floor {
    maintained: Best,
    rebuilt: Best,
    /// As `rebuilt`, each row read by a SELECT and bound to a prepared INSERT, one at a
    /// time, as any program storing rows it made itself must: the cost of SQLite's
    /// per-row interface, without amzdb's reading and checking.
    bound: Best,
}

/// SQLite's own cost of storing amzdb's rows: into a fresh amzdb database (schema and
/// reference files), `INSERT INTO facts (every stored column) SELECT ... FROM` the loaded
/// database in fact_id order, in one transaction with foreign keys off and amzdb's
/// page cache, as amzdb's ingest runs; once with the indexes maintained, once with them
/// dropped first and created again (their text read from sqlite_schema) at the end. At
/// least as many runs each as amzdb's load had.
fn floor(bench: &Bench, reference: &[PathBuf], loaded: &Path, min_runs: usize) -> Floor {
    let empty = bench.path("floor-empty.sqlite");
    let db = bench.path("floor.sqlite");
    fresh_db(&empty, reference);
    let run = |rebuild: bool, bound: bool| {
        best_of((min_runs, BEST_OF), || {
            copy_db(&empty, &db);
            let conn = Connection::open(&db).expect("open the floor database");
            conn.pragma_update(None, "foreign_keys", false)
                .expect("pragma");
            conn.pragma_update(None, "synchronous", "NORMAL")
                .expect("pragma");
            conn.pragma_update(None, "cache_size", -FLOOR_CACHE_KIB)
                .expect("pragma");
            conn.pragma_update(None, "temp_store", "FILE")
                .expect("pragma");
            conn.execute("ATTACH ?1 AS src", [loaded.to_str().expect("UTF-8")])
                .expect("attach the loaded database");
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_xinfo('facts') WHERE hidden = 0")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("the columns of facts");
            let indexes: Vec<(String, String)> = conn
                .prepare(
                    "SELECT name, sql FROM main.sqlite_schema \
                     WHERE type = 'index' AND tbl_name = 'facts' AND sql IS NOT NULL",
                )
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .expect("the indexes of facts");
            assert!(!indexes.is_empty(), "facts has indexes");
            let columns = columns.join(", ");
            let insert = format!(
                "INSERT INTO main.facts ({columns}) SELECT {columns} FROM src.facts ORDER BY fact_id"
            );
            let start = Instant::now();
            conn.execute_batch("BEGIN").expect("begin");
            if rebuild {
                for (name, _) in &indexes {
                    conn.execute_batch(&format!("DROP INDEX main.\"{name}\""))
                        .expect("drop an index");
                }
            }
            let n = if bound {
                bind_rows(&conn, &columns)
            } else {
                conn.execute(&insert, []).expect("insert the rows")
            };
            if rebuild {
                for (_, sql) in &indexes {
                    conn.execute_batch(sql).expect("create an index");
                }
            }
            conn.execute_batch("COMMIT").expect("commit");
            let wall = start.elapsed();
            assert_eq!(n, bench.rows, "the floor stored every row");
            drop(conn);
            wall
        })
    };
    let maintained = run(false, false);
    println!(
        "  {:<44} {:>22}",
        "SQLite floor, indexes maintained",
        maintained.show()
    );
    let rebuilt = run(true, false);
    println!(
        "  {:<44} {:>22}",
        "SQLite floor, indexes dropped and rebuilt",
        rebuilt.show()
    );
    let bound = run(true, true);
    println!(
        "  {:<44} {:>22}",
        "  the same, rows bound one at a time",
        bound.show()
    );
    remove_db(&empty);
    remove_db(&db);
    Floor {
        maintained,
        rebuilt,
        bound,
    }
}

/// Copies src.facts into main.facts a row at a time: one SELECT stepped over the rows,
/// each row's values bound to a prepared INSERT and executed. Returns the rows copied.
fn bind_rows(conn: &Connection, columns: &str) -> usize {
    let count = columns.split(", ").count();
    let placeholders = vec!["?"; count].join(", ");
    let mut insert = conn
        .prepare(&format!(
            "INSERT INTO main.facts ({columns}) VALUES ({placeholders})"
        ))
        .expect("prepare the insert");
    let mut select = conn
        .prepare(&format!("SELECT {columns} FROM src.facts ORDER BY fact_id"))
        .expect("prepare the select");
    let mut rows = select.query([]).expect("read the rows");
    let mut n = 0;
    while let Some(row) = rows.next().expect("a row") {
        for i in 0..count {
            insert
                .raw_bind_parameter(
                    i + 1,
                    rusqlite::types::ToSqlOutput::Borrowed(row.get_ref(i).expect("a value")),
                )
                .expect("bind a value");
        }
        insert.raw_execute().expect("insert a row");
        n += 1;
    }
    n
}

/// Report latency for one entity: Amazon in the bundled database, and the bundled facts
/// loaded into the large database beside the synthetic ones.
fn reports(bench: &Bench, db: &Path, facts: usize) {
    let bundled = bench.path("bundled.sqlite");
    remove_db(&bundled);
    time(amzdb(&bundled).arg("init"));
    time(
        amzdb(db)
            .arg("ingest")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data")),
    );
    let list = amzdb(&bundled)
        .args(["report", "--format", "csv"])
        .output()
        .expect("list the reports");
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    println!(
        "report latency for AMZN (best of {BEST_OF}): the bundled database, among {} facts",
        count(facts)
    );
    for name in &names {
        let args = ["report", name, "--entity", "AMZN", "--format", "csv"];
        let fastest = |db: &Path| {
            (0..BEST_OF)
                .map(|_| time(amzdb(db).args(args)))
                .min()
                .expect("runs")
        };
        let (small, big) = (fastest(&bundled), fastest(db));
        println!(
            "  {name:<24} {:>8.1} ms {:>8.1} ms  {:.2}x",
            small.as_secs_f64() * 1e3,
            big.as_secs_f64() * 1e3,
            big.as_secs_f64() / small.as_secs_f64()
        );
    }
    let cli = best(|| time(amzdb(&bundled).args(["report", "capex-fcf", "--format", "csv"])));
    let view = best(|| {
        time(
            Command::new("sqlite3")
                .arg("-csv")
                .arg(&bundled)
                .arg("SELECT * FROM capex_vs_fcf"),
        )
    });
    println!(
        "  capex-fcf end to end, bundled database: amzdb {:.1} ms, the shell printing its view \
         {:.1} ms ({:.2}x; best of {})",
        cli.secs() * 1e3,
        view.secs() * 1e3,
        cli.secs() / view.secs(),
        cli.runs.min(view.runs)
    );
    remove_db(&bundled);
}

struct Sec {
    shell: Best,
    fsds: Best,
    ixbrl: Best,
}

/// The SEC rows, on the real files in ../shared/sec (read in place; a quarter's zip
/// extracted into the work directory for the shell); None when they are absent.
fn sec(bench: &mut Bench) -> Option<Sec> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sec");
    let zip = shared.join("fsds-2010q2.zip");
    if !zip.exists() {
        println!(
            "SEC: skipped ({} is absent: it holds the real SEC files)",
            shared.display()
        );
        return None;
    }
    let quarter = bench.path("fsds-2010q2");
    if !quarter.join("num.txt").exists() {
        let mut archive =
            zip::ZipArchive::new(File::open(&zip).expect("the zip")).expect("a zip archive");
        archive.extract(&quarter).expect("unzip the quarter");
    }
    let num = quarter.join("num.txt");
    let rows = BufReader::new(File::open(&num).expect("num.txt"))
        .lines()
        .count()
        - 1;
    println!("SEC files ({}):", shared.display());
    // `.import` reads CSV quoting with the separator of the output mode: `.mode tabs`
    // makes it tab (3.40's `.import` has no separator option; `--csv` means commas).
    let shell_db = bench.path("num-shell.sqlite");
    let shell = best(|| {
        let _ = std::fs::remove_file(&shell_db);
        time(
            Command::new("sqlite3")
                .arg(&shell_db)
                .arg(".mode tabs")
                .arg(format!(".import {} num", num.display())),
        )
    });
    let _ = std::fs::remove_file(&shell_db);
    println!(
        "  {:<44} {:>22}",
        format!("sqlite3 shell .import of num.txt ({rows} rows)"),
        shell.show()
    );
    let reference = common::bundled_reference();
    let db = bench.path("sec.sqlite");
    let (fsds, _) = bench.ingest_runs(
        (shell.runs, BEST_OF),
        "FSDS 2010q2 quarter",
        &db,
        &[&quarter],
        &[],
        || fresh_db(&db, &reference),
    );
    let mut ixbrl = Best {
        wall: Duration::ZERO,
        runs: 0,
    };
    for file in ["amzn-10k-fy2024.htm", "googl-10k-fy2024.htm"] {
        let (timed, _) = bench.ingest(
            &format!("inline XBRL {file}"),
            &db,
            &[&shared.join(file)],
            &[],
            || fresh_db(&db, &reference),
        );
        if timed.wall >= ixbrl.wall {
            ixbrl = timed;
        }
    }
    // A complete companyfacts file: how many facts one company gives (the projection).
    let snow = shared.join("snow-companyfacts.json");
    let (cf, _) = bench.ingest(
        "companyfacts, Snowflake (complete)",
        &db,
        &[&snow],
        &["--entity", "SNOW"],
        || fresh_db(&db, &reference),
    );
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let facts: i64 = conn
        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
        .expect("count");
    drop(conn);
    println!(
        "    Snowflake's companyfacts: {facts} facts, {:.0} facts/s, {:.0} bytes per fact",
        facts as f64 / cf.secs(),
        db_bytes(&db) as f64 / facts as f64
    );
    remove_db(&db);
    Some(Sec { shell, fsds, ixbrl })
}

fn print_targets(bench: &Bench) {
    println!("\nissue 15's targets (ratios from this run):");
    let width = bench
        .targets
        .iter()
        .map(|t| t.measured.chars().count())
        .max()
        .unwrap_or(0)
        .max("measured".len());
    println!(
        "| {:<14} | {:<16} | {:<width$} | {:>7} | {:<3} |",
        "item", "target", "measured", "ratio", "met"
    );
    println!(
        "|{:-<16}|{:-<18}|{:-<w$}|{:-<9}|{:-<5}|",
        "",
        "",
        "",
        "",
        "",
        w = width + 2
    );
    for t in &bench.targets {
        println!(
            "| {:<14} | {:<16} | {:<width$} | {:>6.2}x | {:<3} |",
            t.item,
            t.goal,
            t.measured,
            t.ratio,
            if t.met { "yes" } else { "no" }
        );
    }
    println!(
        "ratio: skip = first load / re-ingest; re-check = changed file / new facts; \
         incremental = into the larger database / into N; floor = SQLite / amzdb; FSDS = \
         the shell / amzdb; memory and inline XBRL = the figure / its bound (64 MiB, 1 s)"
    );
}
