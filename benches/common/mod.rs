//! What the benchmarks share: running the real `amzdb` binary on a database, timed, with
//! its peak memory, and a fresh database holding given reference files.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const AMZDB: &str = env!("CARGO_BIN_EXE_amzdb");

/// Runs a command, returns its wall time (and fails loudly if it fails).
pub fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// One run of `amzdb` under /usr/bin/time: its wall time, peak resident memory and what
/// it printed (an ingest's summary is on stdout).
pub struct Measured {
    pub wall: Duration,
    /// User plus system time: steadier than wall time on a shared machine.
    #[allow(dead_code)] // read by the load bench only
    pub cpu: Duration,
    pub peak_mib: f64,
    #[allow(dead_code)] // read by the load bench only
    pub stdout: String,
}

/// Runs `amzdb --db DB ARGS` under /usr/bin/time -v (its report written to a file beside
/// the database, so amzdb's own stderr stays apart), and fails loudly if amzdb fails.
pub fn measure(args: &[&str], db: &Path) -> Measured {
    let report = PathBuf::from(format!("{}.time", db.display()));
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(AMZDB)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run /usr/bin/time");
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    let report_text = std::fs::read_to_string(&report).expect("the report of /usr/bin/time");
    let _ = std::fs::remove_file(&report);
    let field = |name: &str| -> f64 {
        report_text
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(f64::NAN)
    };
    let kib = field("Maximum resident set size (kbytes): ");
    let cpu = field("User time (seconds): ") + field("System time (seconds): ");
    Measured {
        wall,
        cpu: Duration::try_from_secs_f64(cpu).unwrap_or_default(),
        peak_mib: kib / 1024.0,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// Runs `amzdb --db DB ARGS` under /usr/bin/time -v: wall time and peak resident memory
/// in MiB.
#[allow(dead_code)] // the load bench uses `measure`; the others this
pub fn time_and_memory(args: &[&str], db: &Path) -> (Duration, f64) {
    let run = measure(args, db);
    (run.wall, run.peak_mib)
}

/// A new empty amzdb database at `db` (any old one removed) holding these reference files.
pub fn fresh_db(db: &Path, reference: &[PathBuf]) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    time(amzdb(db).args(["init", "--empty"]));
    if !reference.is_empty() {
        time(amzdb(db).arg("ingest").args(reference));
    }
}

/// The bundled reference files an SEC import needs (entities, metrics, concept and segment
/// maps), read from data/ in place.
#[allow(dead_code)] // the load and filings benches use it; scale does not
pub fn bundled_reference() -> Vec<PathBuf> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    [
        "entities.csv",
        "metrics.csv",
        "concepts.csv",
        "segments.csv",
    ]
    .iter()
    .map(|f| data.join(f))
    .collect()
}

pub fn amzdb(db: &Path) -> Command {
    let mut cmd = Command::new(AMZDB);
    cmd.arg("--db").arg(db);
    cmd
}
