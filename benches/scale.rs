//! The scale benchmark of issue 14: many real-shaped facts in SQLite and in Parquet.
//!
//! ```sh
//! AMZDB_PYTHON=/tmp/i14/venv/bin/python cargo bench --bench scale   # 10M facts
//! AMZDB_BENCH_ROWS=1000000 cargo bench --bench scale                  # a smaller run
//! ```
//!
//! It generates the load benchmark's synthetic facts (benches/common/synthetic.rs),
//! loads them with `amzdb ingest` (the bulk path), then measures in one run: bytes per
//! fact in SQLite and in Parquet, the Parquet export's rate (facts/s, with this
//! process's peak memory), and one cross-company aggregate (benches/common/
//! cross_company.sql) in the sqlite3 shell (the baseline), in DuckDB over the SQLite file
//! and in DuckDB over the Parquet export, each the best of three, as ratios against the
//! shell. DuckDB runs in the Python of AMZDB_PYTHON (tests/python/requirements.txt);
//! without it those two figures are skipped, saying why. The export is timed for its
//! facts parts (DIR/facts and DIR/tables); the report views at this size are the load
//! benchmark's subject, not this one's.

mod common;
#[path = "common/synthetic.rs"]
mod synthetic;

use amzdb::output::parquet::{export_parts, Part};
use common::{fresh_db, time, time_and_memory};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const AGGREGATE: &str = include_str!("common/cross_company.sql");

fn main() {
    let rows: usize = std::env::var("AMZDB_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scale-{rows}"));
    let data = work.join("data");
    let facts = data.join("facts-0.csv");
    if !facts.exists() {
        synthetic::generate(&data, 0, rows, 42).expect("generate the facts CSV");
    }
    println!(
        "amzdb scale benchmark: {rows} facts, {} entities ({:.0} MiB CSV), machine: {} cores",
        synthetic::ENTITIES.min(rows),
        size(&facts) as f64 / 1048576.0,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let db = work.join("amzdb.sqlite");
    let reference = ["entities.csv", "sources.csv", "metrics.csv"].map(|f| data.join(f));
    fresh_db(&db, &reference);
    let (load, peak) = time_and_memory(&["ingest", facts.to_str().expect("UTF-8")], &db);
    let stored = size(&db) + size(&PathBuf::from(format!("{}-wal", db.display())));
    println!(
        "load (amzdb ingest, bulk):       {:>8.1} s  {:>9.0} facts/s  peak {peak:.0} MiB",
        load.as_secs_f64(),
        rows as f64 / load.as_secs_f64()
    );

    let out = work.join("parquet");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("the export directory");
    let conn = amzdb::db::open_ro(&db).expect("open the database");
    let mut rates = Vec::new();
    for (part, what) in [
        (Part::Facts, "facts with provenance"),
        (Part::Tables, "base tables (facts)"),
    ] {
        let start = Instant::now();
        export_parts(&conn, &out, &[part]).expect("export");
        let took = start.elapsed();
        rates.push(took);
        println!(
            "export {what:<22}  {:>8.1} s  {:>9.0} facts/s",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64()
        );
    }
    drop(conn);
    println!(
        "export peak memory (this process, max RSS): {:.0} MiB",
        max_rss_mib()
    );
    let per_fact = |bytes: u64| bytes as f64 / rows as f64;
    let detail = tree_size(&out.join("facts"));
    let table = tree_size(&out.join("tables/facts"));
    println!(
        "bytes per fact: SQLite {:.0} (the whole database, indexes included); Parquet {:.1} for the facts table ({:.2}x), {:.1} for the facts with provenance ({:.2}x)",
        per_fact(stored),
        per_fact(table),
        per_fact(table) / per_fact(stored),
        per_fact(detail),
        per_fact(detail) / per_fact(stored),
    );

    // The aggregate: the sqlite3 shell is the baseline. Without its leading comments: the
    // shell reads an argument starting with `-` as an option.
    let sql: String = AGGREGATE
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let shell = best(3, || {
        time(
            Command::new("sqlite3")
                .arg("-readonly")
                .arg(&db)
                .arg(&sql)
                .stdout(std::process::Stdio::null()),
        )
    });
    let groups = Command::new("sqlite3")
        .arg("-readonly")
        .arg(&db)
        .arg(format!("SELECT count(*), sum(facts) FROM ({sql})"))
        .output()
        .expect("sqlite3");
    let groups = String::from_utf8_lossy(&groups.stdout).trim().to_string();
    println!(
        "cross-company aggregate (benches/common/cross_company.sql; groups|facts {groups}), best of 3:"
    );
    println!(
        "  sqlite3 shell {}:       {:>7.2} s  1.00x",
        sqlite_version(),
        shell.as_secs_f64()
    );
    match duckdb(&db, &out) {
        Ok(lines) => {
            for (engine, seconds, answer) in lines {
                let same = if answer == groups {
                    "same groups and facts"
                } else {
                    "DIFFERENT"
                };
                println!(
                    "  {engine:<28} {seconds:>7.2} s  {:.2}x the shell's speed ({answer}: {same})",
                    shell.as_secs_f64() / seconds
                );
            }
        }
        Err(why) => println!("  DuckDB: skipped ({why})"),
    }
}

/// DuckDB's best of three for the aggregate over the SQLite file and over the Parquet
/// export: (engine, seconds, "groups|facts").
fn duckdb(db: &Path, out: &Path) -> Result<Vec<(String, f64, String)>, String> {
    let python = std::env::var_os("AMZDB_PYTHON")
        .ok_or("set AMZDB_PYTHON to a Python with tests/python/requirements.txt")?;
    let helpers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    let script = r#"
import sys, time
sys.path.insert(0, sys.argv[1])
import duck
db, out, sql = sys.argv[2], sys.argv[3], sys.argv[4]
def timed(con, name):
    con.execute("SET enable_progress_bar = false")
    best = 1e9
    for _ in range(3):
        start = time.perf_counter()
        rows = con.execute(sql).fetchall()
        best = min(best, time.perf_counter() - start)
    print(f"{name}\t{best}\t{len(rows)}|{sum(r[2] for r in rows)}")
timed(duck.attach(duck.connect(), db), "DuckDB over the SQLite file")
con = duck.connect()
import glob, os
for path in sorted(glob.glob(os.path.join(out, "tables", "*.parquet"))):
    table = os.path.basename(path)[: -len(".parquet")]
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
con.execute(f"CREATE VIEW facts AS SELECT * EXCLUDE (entity) FROM read_parquet('{out}/tables/facts/*/*.parquet', hive_partitioning = true)")
timed(con, "DuckDB over Parquet")
"#;
    let output = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&helpers)
        .arg(db)
        .arg(out)
        .arg(AGGREGATE)
        .output()
        .map_err(|e| format!("{}: {e}", python.to_string_lossy()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(stderr.lines().last().unwrap_or("failed").to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((
                f.next()?.to_string(),
                f.next()?.parse().ok()?,
                f.next()?.to_string(),
            ))
        })
        .collect())
}

fn sqlite_version() -> String {
    Command::new("sqlite3")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .next()
                .map(String::from)
        })
        .unwrap_or_default()
}

/// The fastest of `n` runs (the least disturbed by other work on a shared machine).
fn best(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..n).map(|_| f()).min().expect("n > 0")
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The bytes of every file under a directory.
fn tree_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                tree_size(&path)
            } else {
                size(&path)
            }
        })
        .sum()
}

/// This process's peak resident memory so far (the export ran in it).
fn max_rss_mib() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage for the calling process.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
    if ok {
        usage.ru_maxrss as f64 / 1024.0
    } else {
        f64::NAN
    }
}
