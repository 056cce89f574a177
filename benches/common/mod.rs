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

/// Runs a command under /usr/bin/time -v: wall time and peak resident memory in MiB.
pub fn time_and_memory(args: &[&str], db: &Path) -> (Duration, f64) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(AMZDB)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run /usr/bin/time");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    let kib: f64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    (elapsed, kib / 1024.0)
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

pub fn amzdb(db: &Path) -> Command {
    let mut cmd = Command::new(AMZDB);
    cmd.arg("--db").arg(db);
    cmd
}
