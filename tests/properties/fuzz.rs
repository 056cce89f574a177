//! The fuzz targets of `fuzz/` run without cargo-fuzz: their bodies (fuzz/src/lib.rs)
//! are included here. Every `cargo test` replays the seeds and every input a fuzzer ever
//! crashed on (`fuzz/regressions/TARGET/`), then a few hundred mutations of them. With
//! `AMZDB_FUZZ_SECONDS=N cargo test --release fuzz_in_process -- --ignored` each target
//! is fuzzed in-process for N seconds (`AMZDB_FUZZ_TARGET` picks one): a plain random
//! mutator for machines without a nightly toolchain for cargo-fuzz.

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The seeds and regression inputs of a target, with their paths.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for kind in ["seeds", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                found.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// A small, fast, deterministic random number generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that are interesting to parsers of CSV, JSON, TSV, values and periods.
const TOKENS: &[&[u8]] = &[
    b",",
    b"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\\",
    b"$",
    b"%",
    b"-",
    b"..",
    b".",
    b"B",
    b"bn",
    b"FY",
    b"Q",
    b"TTM ",
    b"H1",
    b"9M",
    b"\xef\xbb\xbf",
    b"\xe2\x82\xac",
    b"\xff",
    b"\0",
    b"9999999999999999999999999999",
    b"2026-03-31",
    b"20090331",
    b"0000000001-09-000001",
    b"1e400",
    b"-0",
    b"null",
    b"\"val\":",
    b"\"end\":",
    b"\"start\":",
];

/// One random change to `data`: a byte changed, bytes inserted or removed, a token
/// inserted, a piece repeated, or a piece of another input spliced in.
fn mutate(data: &mut Vec<u8>, rng: &mut Rng, others: &[(PathBuf, Vec<u8>)]) {
    let at = rng.below(data.len() + 1);
    match rng.below(7) {
        0 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] = rng.next() as u8;
        }
        1 => {
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            data.splice(at..at, bytes);
        }
        2 if !data.is_empty() => {
            let end = (at + 1 + rng.below(16)).min(data.len());
            data.drain(at.min(end)..end);
        }
        3 | 4 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            data.splice(at..at, token.iter().copied());
        }
        5 if !data.is_empty() => {
            let start = rng.below(data.len());
            let end = (start + 1 + rng.below(64)).min(data.len());
            let piece = data[start..end].to_vec();
            for _ in 0..=rng.below(3) {
                data.splice(at..at, piece.iter().copied());
            }
        }
        _ if !others.is_empty() => {
            let other = &others[rng.below(others.len())].1;
            let start = rng.below(other.len());
            let end = (start + rng.below(128)).min(other.len());
            data.splice(at..at, other[start..end].iter().copied());
        }
        _ => data.push(rng.next() as u8),
    }
    data.truncate(1 << 16);
}

/// Runs a target on one input; a panic saves the input and fails the test, naming it.
fn run(name: &str, target: fn(&[u8]), data: &[u8]) {
    if std::panic::catch_unwind(|| target(data)).is_err() {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}-{:016x}", fnv(data)));
        std::fs::write(&path, data).unwrap();
        panic!(
            "fuzz target {name} panicked on {}; copy it to fuzz/regressions/{name}/",
            path.display()
        );
    }
}

fn fnv(data: &[u8]) -> u64 {
    // FNV-1a: enough to name a file.
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Mutates the target's inputs for `budget` or `rounds`, whichever ends first.
fn fuzz(name: &str, target: fn(&[u8]), seed: u64, rounds: u64, budget: Duration) -> u64 {
    let corpus = inputs(name);
    let mut rng = Rng(seed | 1);
    let start = Instant::now();
    let mut done = 0;
    while done < rounds && start.elapsed() < budget {
        let mut data = if corpus.is_empty() || rng.below(10) == 0 {
            Vec::new()
        } else {
            corpus[rng.below(corpus.len())].1.clone()
        };
        for _ in 0..=rng.below(8) {
            mutate(&mut data, &mut rng, &corpus);
        }
        run(name, target, &data);
        done += 1;
    }
    done
}

#[test]
fn seeds_and_regressions_pass_every_target() {
    for (name, target) in targets::TARGETS {
        let found = inputs(name);
        assert!(
            !found.is_empty(),
            "no seeds for {name} in fuzz/seeds/{name}"
        );
        for (path, data) in &found {
            eprintln!("{name}: {}", path.display());
            run(name, target, data);
        }
    }
}

#[test]
fn a_few_hundred_mutations_pass_every_target() {
    for (i, (name, target)) in targets::TARGETS.into_iter().enumerate() {
        fuzz(
            name,
            target,
            0x5eed + i as u64,
            300,
            Duration::from_secs(20),
        );
    }
}

#[test]
#[ignore = "fuzzes for AMZDB_FUZZ_SECONDS a target; see the README"]
fn fuzz_in_process() {
    let seconds: u64 = std::env::var("AMZDB_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let only = std::env::var("AMZDB_FUZZ_TARGET").ok();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    for (name, target) in targets::TARGETS {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let runs = fuzz(name, target, seed, u64::MAX, Duration::from_secs(seconds));
        eprintln!("{name}: {runs} inputs in {seconds} s, no panic (seed {seed:#x})");
    }
}
