//! Absurd inputs get clear errors, not hangs or memory blow-ups: a line of hundreds of
//! megabytes, a quoted field that never closes, a million columns, a value of 10,000
//! digits, JSON nested 100,000 deep. Where `/usr/bin/time` exists, amzdb's peak memory
//! is measured and must stay far below the size of the input.
//!
//! `AMZDB_LIMITS_LINE_MB=1024 cargo test --release huge_line` runs the long-line test
//! with a 1 GB line (200 MB by default).

use crate::util::{assert_contains, facts_csv, Dir, DB, FACTS_HEADER};
use crate::GOOD_ROW;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// What one run of amzdb gave: exit code, stderr, peak resident memory (KB) when
/// `/usr/bin/time` can measure it, and how long it took.
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stderr: String,
    pub(crate) peak_kb: Option<u64>,
    took: Duration,
}

const TIME: &str = "/usr/bin/time";
const PEAK: &str = "amzdb-peak-rss-kb=";

/// Runs `amzdb --db test.sqlite ARGS` in `dir`, measuring its peak memory if it can.
pub(crate) fn run_measured(dir: &Dir, args: &[&str]) -> Run {
    let amzdb = env!("CARGO_BIN_EXE_amzdb");
    let measured = Path::new(TIME).is_file();
    let mut cmd = if measured {
        let mut cmd = Command::new(TIME);
        cmd.args(["-f", &format!("{PEAK}%M"), amzdb]);
        cmd
    } else {
        Command::new(amzdb)
    };
    cmd.args(["--db", DB])
        .args(args)
        .current_dir(dir.path())
        .env_remove("AMZDB_DB");
    let start = Instant::now();
    let out = cmd.output().expect("run amzdb");
    let took = start.elapsed();
    let mut peak_kb = None;
    let mut stderr = String::new();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        if let Some(kb) = line.strip_prefix(PEAK) {
            peak_kb = kb.trim().parse().ok();
        } else if !(measured && line.starts_with("Command exited with non-zero status")) {
            stderr.push_str(line);
            stderr.push('\n');
        }
    }
    eprintln!(
        "amzdb {args:?}: exit {:?} in {took:.2?}, peak memory {}",
        out.status.code(),
        peak_kb.map_or("not measured".to_string(), |kb| format!("{} MB", kb / 1024))
    );
    Run {
        code: out.status.code(),
        stderr,
        peak_kb,
        took,
    }
}

impl Run {
    /// Asserts a refusal with exit code 1, in reasonable time and memory.
    pub(crate) fn refused(&self, max_mb: u64) -> &str {
        assert_eq!(self.code, Some(1), "expected exit code 1:\n{}", self.stderr);
        assert!(self.stderr.starts_with("amzdb: error: "), "{}", self.stderr);
        assert!(
            self.stderr.len() < 4096,
            "the error is not short ({} bytes)",
            self.stderr.len()
        );
        if let Some(kb) = self.peak_kb {
            assert!(
                kb < max_mb * 1024,
                "peak memory {} MB is over {max_mb} MB",
                kb / 1024
            );
        }
        assert!(self.took < Duration::from_secs(60), "took {:?}", self.took);
        &self.stderr
    }
}

/// Writes `head`, then `size` bytes of `fill` repeated, then `tail`, without ever
/// holding more than a megabyte.
fn write_streaming(path: &Path, head: &str, fill: &[u8], size: usize, tail: &str) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(head.as_bytes()).unwrap();
    let chunk: Vec<u8> = fill.iter().copied().cycle().take(1 << 20).collect();
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        file.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    file.write_all(tail.as_bytes()).unwrap();
    file.flush().unwrap();
}

/// A facts row whose quote (the 14th of 15 columns) is `size` bytes of `x`.
fn huge_quote_file(dir: &Dir, name: &str, size: usize) {
    write_streaming(
        &dir.join(name),
        &format!("{FACTS_HEADER}\n{GOOD_ROW}\nDECO,capex,,Q1 FY2026,,1,,USD,,,audited,deco-10q,,"),
        b"x",
        size,
        ",\n",
    );
}

#[test]
fn a_huge_line_is_refused_with_its_line_number_in_bounded_memory() {
    let mb: usize = std::env::var("AMZDB_LIMITS_LINE_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = Dir::with_fixtures();
    huge_quote_file(&dir, "huge.csv", mb << 20);
    let before = dir.snapshot();
    let run = run_measured(&dir, &["ingest", "huge.csv"]);
    let stderr = run.refused(64);
    assert_contains(stderr, "huge.csv: line 3 is longer than the limit of 1 MB");
    assert_contains(stderr, "1 problem found; nothing was written");
    dir.snapshot().assert_same(&before);
}

#[test]
fn a_record_just_under_the_limit_is_read() {
    let dir = Dir::with_fixtures();
    huge_quote_file(&dir, "long.csv", (1 << 20) - 200);
    let out = dir.run(&["ingest", "long.csv"]);
    assert_contains(&out, "ingested 2 facts");
}

#[test]
fn a_quoted_field_that_never_closes_is_refused() {
    let dir = Dir::with_empty_db();
    write_streaming(
        &dir.join("open.csv"),
        &format!("{FACTS_HEADER}\nDECO,capex,,Q1 FY2026,,1,,USD,,,audited,deco-10q,,\""),
        b"a line inside the quote\n",
        8 << 20,
        "",
    );
    let stderr = run_measured(&dir, &["ingest", "open.csv"])
        .refused(64)
        .to_string();
    assert_contains(
        &stderr,
        "open.csv: the record from line 2 to line 43690 is longer than the limit of 1 MB \
         (a quoted field that is never closed?)",
    );
}

#[test]
fn a_huge_header_line_is_refused() {
    let dir = Dir::with_empty_db();
    write_streaming(&dir.join("header.csv"), "", b"entity", 8 << 20, "\n");
    let stderr = run_measured(&dir, &["ingest", "header.csv"])
        .refused(64)
        .to_string();
    assert_contains(
        &stderr,
        "header.csv: cannot read the header: line 1 is longer than the limit of 1 MB",
    );
}

#[test]
fn a_million_columns_are_refused_before_building_the_header() {
    let dir = Dir::with_empty_db();
    // 999,999 commas: a million empty column names, in under 1 MB.
    write_streaming(&dir.join("wide.csv"), "", b",", 999_999, "\n1\n");
    let stderr = run_measured(&dir, &["ingest", "wide.csv"])
        .refused(64)
        .to_string();
    assert_contains(
        &stderr,
        "wide.csv:1: the header has 1000000 columns; amzdb files have at most 100",
    );
}

#[test]
fn a_row_of_a_million_fields_is_refused() {
    let dir = Dir::with_fixtures();
    write_streaming(
        &dir.join("wide_row.csv"),
        &format!("{FACTS_HEADER}\n"),
        b",",
        999_999,
        "\n",
    );
    let stderr = run_measured(&dir, &["ingest", "wide_row.csv"])
        .refused(64)
        .to_string();
    assert_contains(
        &stderr,
        "wide_row.csv:2: has 1000000 fields but the header has 15 columns",
    );
}

#[test]
fn a_value_of_ten_thousand_digits_is_refused_through_ingest() {
    let dir = Dir::with_fixtures();
    let digits = "9".repeat(10_000);
    let row = format!("DECO,capex,,Q3 FY2026,level,{digits},,USD,exact,actual,audited,deco-10q,,,");
    let stderr = dir.ingest_refused("digits.csv", facts_csv(&[&row]));
    assert_contains(
        &stderr,
        "has 10000 digits; amzdb keeps at most 28 significant digits",
    );
    assert_contains(&stderr, "digits.csv:2: column 'value'");
}

#[test]
fn deeply_nested_json_is_refused_with_its_place() {
    let dir = Dir::with_empty_db();
    for (name, head, fill) in [
        ("deep_arrays.json", "{\"cik\": ", &b"["[..]),
        ("deep_objects.json", "{\"cik\": ", &b"{\"a\":"[..]),
    ] {
        write_streaming(&dir.join(name), head, fill, 100_000 * fill.len(), "");
        let stderr = run_measured(&dir, &["ingest", name])
            .refused(64)
            .to_string();
        assert_contains(&stderr, &format!("{name}:1: column 'character "));
        assert_contains(
            &stderr,
            "not companyfacts JSON: recursion limit exceeded at line 1",
        );
    }
    // A bare nest of arrays is not recognised as companyfacts: as CSV, its header is
    // too strange to name a kind of file, and is shown shortened.
    write_streaming(&dir.join("bare.json"), "", b"[", 100_000, "");
    let stderr = run_measured(&dir, &["ingest", "bare.json"])
        .refused(64)
        .to_string();
    assert_contains(
        &stderr,
        "bare.json:1: cannot tell the kind of file from its header",
    );
    assert_contains(&stderr, "(100000 bytes in all)");
    // Read as companyfacts on request, it is refused at its first byte: companyfacts is
    // an object (the reader reads it field by field, so an array is not read through).
    let stderr = run_measured(&dir, &["ingest", "--format", "companyfacts", "bare.json"])
        .refused(64)
        .to_string();
    assert_contains(
        &stderr,
        "bare.json:1: column 'character 1': not companyfacts JSON: invalid type: sequence, \
         expected a companyfacts object (cik, entityName, facts) at line 1 column 1",
    );
}
