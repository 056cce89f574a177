//! The load and query benchmark of issue 5, in one run on the same rows:
//!
//! ```sh
//! cargo bench --bench load                      # 1M rows (AMZDB_BENCH_ROWS=5000000 for 5M)
//! ```
//!
//! It generates a deterministic synthetic facts CSV (fixed seed; ~2,000 entities, 50
//! metrics, 40 quarters, the three disclosure types, 100 sources, ~60-character quotes,
//! a third of them quoted), then times: the sqlite3 shell's `.import` of it into a plain
//! table (the baseline), `amzdb ingest` of it (with peak memory from /usr/bin/time; the
//! bulk path, and the row-by-row path for comparison), an incremental ingest of more
//! rows into the loaded database (a fifth as many, at most 1M), every report for one
//! entity on the bundled database and on the large one, `amzdb report capex-fcf --format
//! csv` against the shell printing the view, disclosure-mix over all entities against
//! DuckDB's time for the same aggregate over the same rows (when Python's duckdb package
//! is installed: `pip install duckdb`), and bytes per fact. It prints every figure as a
//! ratio against its baseline.

mod common;
#[path = "common/synthetic.rs"]
mod synthetic;

use common::{amzdb, fresh_db, time, time_and_memory};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use synthetic::generate;

/// The fastest of `n` runs (the least disturbed by other work on a shared machine).
fn best(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..n).map(|_| f()).min().expect("n > 0")
}

fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

fn main() {
    let rows: usize = std::env::var("AMZDB_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{rows}"));
    let data = work.join("data");
    let facts = if data.join("facts-0.csv").exists() {
        data.join("facts-0.csv")
    } else {
        generate(&data, 0, rows, 42).expect("generate the facts CSV")
    };
    let more = (rows / 5).min(1_000_000);
    let more_dir = work.join("more");
    let more_facts = if more_dir.join(format!("facts-{rows}.csv")).exists() {
        more_dir.join(format!("facts-{rows}.csv"))
    } else {
        generate(&more_dir, rows, more, 7).expect("generate the incremental CSV")
    };
    let csv_bytes = std::fs::metadata(&facts).expect("facts").len();
    println!(
        "amzdb load benchmark: {rows} rows ({:.0} MiB CSV), machine: {} cores",
        csv_bytes as f64 / 1048576.0,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // Baseline: the sqlite3 shell's .import into a plain table.
    let shell_db = work.join("shell.sqlite");
    let _ = std::fs::remove_file(&shell_db);
    let shell = time(
        Command::new("sqlite3")
            .arg(&shell_db)
            .arg(format!(".import --csv {} facts", facts.display())),
    );
    let shell_bytes = std::fs::metadata(&shell_db).expect("shell db").len();
    println!(
        "sqlite3 .import (plain table):    {:>8.2} s  {:>9.0} rows/s",
        shell.as_secs_f64(),
        rate(rows, shell)
    );

    // amzdb: schema and reference data first, then the facts, timed with peak memory.
    // First the row-by-row path (every fact through the unique index), for comparison.
    let db = work.join("amzdb.sqlite");
    let reference = ["entities.csv", "sources.csv", "metrics.csv"].map(|f| data.join(f));
    fresh_db(&db, &reference);
    std::env::set_var("AMZDB_BULK", "never");
    let (by_row, peak_row) = time_and_memory(&["ingest", facts.to_str().expect("UTF-8")], &db);
    std::env::remove_var("AMZDB_BULK");
    println!(
        "amzdb ingest, row by row:          {:>8.2} s  {:>9.0} rows/s  {:.2}x the shell  peak {:.1} MiB",
        by_row.as_secs_f64(),
        rate(rows, by_row),
        shell.as_secs_f64() / by_row.as_secs_f64(),
        peak_row
    );
    fresh_db(&db, &reference);
    let (ingest, peak) = time_and_memory(&["ingest", facts.to_str().expect("UTF-8")], &db);
    println!(
        "amzdb ingest (validated, indexed): {:>8.2} s  {:>9.0} rows/s  {:.2}x the shell  peak {:.1} MiB",
        ingest.as_secs_f64(),
        rate(rows, ingest),
        shell.as_secs_f64() / ingest.as_secs_f64(),
        peak
    );
    let (incremental, peak_inc) =
        time_and_memory(&["ingest", more_facts.to_str().expect("UTF-8")], &db);
    println!(
        "amzdb ingest {more} more rows into it:  {:>8.2} s  {:>9.0} rows/s  {:.2}x the shell's rate  peak {:.1} MiB",
        incremental.as_secs_f64(),
        rate(more, incremental),
        rate(more, incremental) / rate(rows, shell),
        peak_inc
    );
    let amzdb_bytes = std::fs::metadata(&db).expect("db").len();
    let facts_count = rows + more;
    println!(
        "bytes per fact: amzdb {:.0}, shell's raw table {:.0} ({:.2}x)",
        amzdb_bytes as f64 / facts_count as f64,
        shell_bytes as f64 / rows as f64,
        (amzdb_bytes as f64 / facts_count as f64) / (shell_bytes as f64 / rows as f64)
    );

    let mix = best(3, || {
        time(amzdb(&db).args([
            "report",
            "disclosure-mix",
            "--all-entities",
            "--format",
            "csv",
        ]))
    });
    match duckdb_aggregate(&[&facts, &more_facts]) {
        Some(duck) => println!(
            "disclosure-mix over all {facts_count} facts: amzdb {:.2} s, DuckDB {:.2} s for the same aggregate ({:.1}x DuckDB)",
            mix.as_secs_f64(),
            duck,
            mix.as_secs_f64() / duck
        ),
        None => println!(
            "disclosure-mix over all {facts_count} facts: amzdb {:.2} s (no DuckDB to compare: pip install duckdb)",
            mix.as_secs_f64()
        ),
    }

    // Reports for one entity: Amazon in the bundled database, and the same facts loaded
    // into the large one beside millions of others.
    let bundled = work.join("bundled.sqlite");
    let _ = std::fs::remove_file(&bundled);
    time(amzdb(&bundled).arg("init"));
    time(
        amzdb(&db)
            .arg("ingest")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data")),
    );
    let list = amzdb(&bundled)
        .args(["report", "--format", "csv"])
        .output()
        .expect("list");
    let reports: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect();
    println!("report latency, one entity (best of 5): AMZN in the bundled database vs AMZN among {facts_count} more facts");
    for report in &reports {
        let entity_args = |e: &str| {
            vec![
                "report".to_string(),
                report.clone(),
                "--entity".into(),
                e.into(),
                "--format".into(),
                "csv".into(),
            ]
        };
        let small = best(5, || time(amzdb(&bundled).args(entity_args("AMZN"))));
        let large = best(5, || time(amzdb(&db).args(entity_args("AMZN"))));
        println!(
            "  {report:<20} {:>8.1} ms {:>9.1} ms  {:.2}x",
            small.as_secs_f64() * 1e3,
            large.as_secs_f64() * 1e3,
            large.as_secs_f64() / small.as_secs_f64()
        );
    }
    let cli = best(5, || {
        time(amzdb(&bundled).args(["report", "capex-fcf", "--format", "csv"]))
    });
    let shell_view = best(5, || {
        time(
            Command::new("sqlite3")
                .arg("-csv")
                .arg(&bundled)
                .arg("select * from capex_vs_fcf"),
        )
    });
    println!(
        "capex-fcf end to end on the bundled database: amzdb {:.1} ms, sqlite3 shell {:.1} ms ({:.2}x)",
        cli.as_secs_f64() * 1e3,
        shell_view.as_secs_f64() * 1e3,
        cli.as_secs_f64() / shell_view.as_secs_f64()
    );
    sec(&work);
}

/// DuckDB's best of three times (s) for disclosure-mix's aggregate (facts per entity and
/// metric, by disclosure type, in order) over the rows of these CSVs, loaded first into
/// an in-memory table; None without Python's duckdb package.
fn duckdb_aggregate(csvs: &[&Path]) -> Option<f64> {
    let files: Vec<String> = csvs.iter().map(|p| format!("'{}'", p.display())).collect();
    let script = format!(
        r#"
import duckdb, time
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE facts AS SELECT * FROM read_csv([{files}], all_varchar = true)")
q = '''SELECT entity, metric, count(*) AS facts,
    sum((disclosure_type = 'audited')::INT) AS audited,
    sum((disclosure_type = 'management_commentary')::INT) AS management_commentary,
    sum((disclosure_type = 'third_party_estimate')::INT) AS third_party_estimate
    FROM facts GROUP BY entity, metric ORDER BY entity, metric'''
best = 1e9
for _ in range(3):
    start = time.perf_counter()
    con.execute(q).fetchall()
    best = min(best, time.perf_counter() - start)
print(best)
"#,
        files = files.join(", ")
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .ok()?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("DuckDB failed: {}", stderr.lines().last().unwrap_or(""));
        return None;
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed = stdout.lines().last().and_then(|l| l.trim().parse().ok());
    if parsed.is_none() {
        println!("DuckDB printed no time: {stdout}");
    }
    parsed
}

/// SEC imports on the real files in ../shared/sec, when they are there: an FSDS quarter's
/// num.txt against the shell's .import of the same (tab-separated) file, and Amazon's
/// companyfacts JSON.
fn sec(work: &Path) {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sec");
    let zip = shared.join("fsds-2010q2.zip");
    if !zip.exists() {
        println!("SEC: skipped ({} is absent)", shared.display());
        return;
    }
    let quarter = work.join("fsds-2010q2");
    if !quarter.join("num.txt").exists() {
        let mut archive = zip::ZipArchive::new(File::open(&zip).expect("zip")).expect("a zip");
        archive.extract(&quarter).expect("unzip the quarter");
    }
    let num = quarter.join("num.txt");
    let rows = std::fs::read_to_string(&num)
        .expect("num.txt")
        .lines()
        .count()
        - 1;
    let shell_db = work.join("num-shell.sqlite");
    let _ = std::fs::remove_file(&shell_db);
    let shell = time(
        Command::new("sqlite3")
            .arg(&shell_db)
            .arg(".mode tabs")
            .arg(format!(".import {} num", num.display())),
    );
    let db = work.join("sec.sqlite");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let reference = ["entities.csv", "metrics.csv", "concepts.csv"].map(|f| data.join(f));
    fresh_db(&db, &reference);
    let (ingest, peak) = time_and_memory(&["ingest", quarter.to_str().expect("UTF-8")], &db);
    println!(
        "FSDS num.txt, {rows} rows: shell .import {:.2} s, amzdb ingest {:.2} s ({:.2}x the shell's rate), peak {:.1} MiB",
        shell.as_secs_f64(),
        ingest.as_secs_f64(),
        shell.as_secs_f64() / ingest.as_secs_f64(),
        peak
    );
    let json = shared.join("amzn-companyfacts-subset.json");
    let db = work.join("cf.sqlite");
    fresh_db(&db, &reference);
    let (load, peak) = time_and_memory(&["ingest", json.to_str().expect("UTF-8")], &db);
    println!(
        "Amazon companyfacts JSON (2,018 facts): {:.3} s, peak {:.1} MiB",
        load.as_secs_f64(),
        peak
    );
}
