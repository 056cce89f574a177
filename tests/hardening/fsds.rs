//! Hardening: bounded SEC readers and many files (issue 10, items 1, 6 and 7). FSDS
//! quarters with a line of hundreds of megabytes, a million bad rows, missing, nested or
//! damaged zip entries; companyfacts JSON giving a key twice; a directory of more files
//! than the process may hold open.
//!
//! The sizes here are small enough for every `cargo test`; the figures of the issue are
//! reached with `AMZDB_FSDS_LINE_MB=1024 AMZDB_FSDS_BAD_ROWS=1000000 cargo test --release
//! hardening::fsds` (256 MB and 1 GB lines, a million bad rows).

use crate::properties::limits::run_measured;
use crate::util::{assert_contains, facts_csv, Dir, FACTS_HEADER};
use std::io::Write;
use std::path::Path;
use std::process::Command;

const SUB_TXT: &str = "adsh\tcik\tname\tsic\tfye\tform\tfiled\n\
    0000000001-09-000001\t42\tSOME CO INC\t5961\t1231\t10-Q\t20090515\n";
const NUM_HEADER: &str = "adsh\ttag\tversion\tddate\tqtrs\tuom\tsegments\tcoreg\tvalue\tfootnote\n";
const NUM_ROW: &str =
    "0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\t1\tUSD\t\t\t100.5000\t\n";
const NUM_ROW_2: &str =
    "0000000001-09-000001\tAssets\tus-gaap/2008\t20090331\t0\tUSD\t\t\t7000\t\n";

fn size_from_env(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A file's contents as chunks: `(text, times)`, the text repeated.
type Chunks<'a> = &'a [(&'a [u8], usize)];

/// Writes a zip (deflated) of `files`, each given as chunks.
fn zip_of(path: &Path, files: &[(&str, Chunks)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, chunks) in files {
        zip.start_file(*name, options).unwrap();
        for (text, times) in *chunks {
            // Repeated in blocks of about a megabyte, never holding more.
            let per_block = ((1 << 20) / text.len().max(1)).max(1);
            let block = text.repeat(per_block.min(*times));
            let mut left = *times;
            while left >= per_block {
                zip.write_all(&block).unwrap();
                left -= per_block;
            }
            zip.write_all(&text.repeat(left)).unwrap();
        }
    }
    zip.finish().unwrap();
}

fn once(text: &str) -> (&[u8], usize) {
    (text.as_bytes(), 1)
}

/// An FSDS quarter of two good facts, zipped with its files under `folder`.
fn good_zip(path: &Path, folder: &str) {
    let (sub, num) = (format!("{folder}sub.txt"), format!("{folder}num.txt"));
    zip_of(
        path,
        &[
            (&sub, &[once(SUB_TXT)]),
            (&num, &[once(NUM_HEADER), once(NUM_ROW), once(NUM_ROW_2)]),
        ],
    );
}

#[test]
fn fsds_a_huge_line_in_num_txt_is_refused_naming_it_in_bounded_memory() {
    // Before: a 256 MiB line took 275-525 MB, a 1 GiB line aborted (exit 134).
    let mb = size_from_env("AMZDB_FSDS_LINE_MB", 32);
    let dir = Dir::with_empty_db();
    zip_of(
        &dir.join("bomb.zip"),
        &[
            ("sub.txt", &[once(SUB_TXT)]),
            (
                "num.txt",
                &[
                    once(NUM_HEADER),
                    once(NUM_ROW),
                    (b"x", mb << 20),
                    once("\n"),
                ],
            ),
        ],
    );
    let zipped = std::fs::metadata(dir.join("bomb.zip")).unwrap().len();
    assert!(
        zipped < (mb as u64) << 20,
        "the zip is small: {zipped} bytes"
    );
    let before = dir.snapshot();
    let run = run_measured(&dir, &["ingest", "bomb.zip"]);
    let stderr = run.refused(64);
    assert_contains(
        stderr,
        "bomb.zip!num.txt: line 3 is longer than the limit of 1 MB; \
         is this one of the SEC's tab-separated files?",
    );
    assert_contains(stderr, "1 problem found; nothing was written");
    dir.snapshot().assert_same(&before);
}

#[test]
fn fsds_a_huge_line_in_sub_txt_or_a_huge_header_is_refused() {
    let dir = Dir::with_empty_db();
    zip_of(
        &dir.join("sub.zip"),
        &[
            ("sub.txt", &[once(SUB_TXT), (b"y", 4 << 20), once("\n")]),
            ("num.txt", &[once(NUM_HEADER), once(NUM_ROW)]),
        ],
    );
    let stderr = dir.refused_unchanged(&["ingest", "sub.zip"]);
    assert_contains(
        &stderr,
        "sub.zip!sub.txt: line 3 is longer than the limit of 1 MB",
    );
    // A million columns in under a megabyte: refused before a million names are built.
    zip_of(
        &dir.join("wide.zip"),
        &[
            ("sub.txt", &[once(SUB_TXT)]),
            ("num.txt", &[(b"\t", 999_999), once("\n"), once(NUM_ROW)]),
        ],
    );
    let stderr = dir.refused_unchanged(&["ingest", "wide.zip"]);
    assert_contains(
        &stderr,
        "wide.zip!num.txt:1: the header has 1000000 columns; the SEC's files have at most 100",
    );
}

#[test]
fn fsds_a_million_bad_rows_keep_the_first_hundred_problems_in_bounded_memory() {
    // Before: a million bad rows took 340 MB, every problem kept (the CSV path: 13 MB).
    let rows = size_from_env("AMZDB_FSDS_BAD_ROWS", 400_000);
    let bad = NUM_ROW.replace("20090331", "2009-03-31");
    let dir = Dir::with_empty_db();
    zip_of(
        &dir.join("bad.zip"),
        &[
            ("sub.txt", &[once(SUB_TXT)]),
            ("num.txt", &[once(NUM_HEADER), (bad.as_bytes(), rows)]),
        ],
    );
    let before = dir.snapshot();
    let run = run_measured(&dir, &["ingest", "bad.zip"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    if let Some(kb) = run.peak_kb {
        assert!(kb < 64 << 10, "peak memory {} MB is over 64 MB", kb >> 10);
    }
    let stderr = &run.stderr;
    assert_contains(
        stderr,
        "amzdb: error: bad.zip!num.txt:2: column 'ddate': \"2009-03-31\": expected a date as YYYYMMDD",
    );
    assert_contains(stderr, &format!("... and {} more\n", rows - 100));
    assert_contains(
        stderr,
        &format!("{rows} problems found; nothing was written"),
    );
    assert_eq!(stderr.lines().count(), 102, "a hundred problems shown");
    dir.snapshot().assert_same(&before);
}

#[test]
fn fsds_a_zip_without_sub_txt_says_so_and_lists_what_it_holds() {
    // Before: read as CSV, `not valid UTF-8 (byte 0xA6 after "PK")`.
    let dir = Dir::with_empty_db();
    zip_of(
        &dir.join("q.zip"),
        &[
            ("num.txt", &[once(NUM_HEADER), once(NUM_ROW)]),
            ("readme.txt", &[once("hello")]),
        ],
    );
    let stderr = dir.refused_unchanged(&["ingest", "q.zip"]);
    assert_contains(
        &stderr,
        "q.zip: sub.txt not found in the zip (it holds: num.txt, readme.txt); \
         an FSDS quarter holds sub.txt and num.txt (and tag.txt for labels)",
    );
    assert!(!stderr.contains("UTF-8"), "{stderr}");
    // Without num.txt, and a zip with neither (an empty zip, or one of CSV files).
    zip_of(&dir.join("sub_only.zip"), &[("sub.txt", &[once(SUB_TXT)])]);
    let stderr = dir.refused_unchanged(&["ingest", "sub_only.zip"]);
    assert_contains(
        &stderr,
        "sub_only.zip: num.txt not found in the zip (it holds: sub.txt)",
    );
    zip_of(
        &dir.join("csv.zip"),
        &[("facts.csv", &[once(FACTS_HEADER), once("\n")])],
    );
    let stderr = dir.refused_unchanged(&["ingest", "csv.zip"]);
    assert_contains(
        &stderr,
        "csv.zip: num.txt not found in the zip (it holds: facts.csv)",
    );
    assert_contains(
        &stderr,
        "csv.zip: sub.txt not found in the zip (it holds: facts.csv)",
    );
}

#[test]
fn fsds_a_quarter_zipped_inside_a_folder_is_read_from_it() {
    // Before: `not valid UTF-8 (byte 0xA6 after "PK")`. A quarter zipped as a folder
    // (`zip -r 2009q1.zip 2009q1/`) is what a user means: its files are read.
    let dir = Dir::with_empty_db();
    good_zip(&dir.join("nested.zip"), "2009q1/");
    let out = dir.run(&["ingest", "nested.zip"]);
    assert_contains(&out, "ingested 2 facts");
    assert_eq!(dir.count("facts"), 2);
    // Problems name the file inside its folder.
    zip_of(
        &dir.join("nested_bad.zip"),
        &[
            ("2009q2/sub.txt", &[once(SUB_TXT)]),
            (
                "2009q2/num.txt",
                &[
                    once(NUM_HEADER),
                    once(&NUM_ROW.replace("\t1\tUSD", "\tone\tUSD")),
                ],
            ),
        ],
    );
    let stderr = dir.refused_unchanged(&["ingest", "nested_bad.zip"]);
    assert_contains(
        &stderr,
        "nested_bad.zip!2009q2/num.txt:2: column 'qtrs': \"one\"",
    );
}

#[test]
fn fsds_a_zip_of_two_quarters_in_folders_is_refused_naming_them() {
    let dir = Dir::with_empty_db();
    zip_of(
        &dir.join("two.zip"),
        &[
            ("2009q1/sub.txt", &[once(SUB_TXT)]),
            ("2009q1/num.txt", &[once(NUM_HEADER)]),
            ("2009q2/sub.txt", &[once(SUB_TXT)]),
            ("2009q2/num.txt", &[once(NUM_HEADER)]),
        ],
    );
    let stderr = dir.refused_unchanged(&["ingest", "two.zip"]);
    assert_contains(
        &stderr,
        "two.zip: holds FSDS files in 2 folders (2009q1/, 2009q2/); amzdb reads one quarter \
         a zip: give each quarter its own zip or folder",
    );
}

#[test]
fn fsds_a_truncated_zip_is_named_truncated() {
    // Before: `not valid UTF-8 (byte 0xA6 after "PK")`.
    let dir = Dir::with_empty_db();
    good_zip(&dir.join("whole.zip"), "");
    let bytes = std::fs::read(dir.join("whole.zip")).unwrap();
    dir.write("cut.zip", &bytes[..bytes.len() / 2]);
    let stderr = dir.refused_unchanged(&["ingest", "cut.zip"]);
    assert_contains(
        &stderr,
        "cut.zip: not a readable zip archive: truncated or damaged (",
    );
    assert_contains(&stderr, "download the quarter again");
    // Named otherwise (not .zip), it is still recognised as a zip by its first bytes.
    dir.write("cut.bin", &bytes[..bytes.len() / 2]);
    let stderr = dir.refused_unchanged(&["ingest", "cut.bin"]);
    assert_contains(
        &stderr,
        "cut.bin: not a readable zip archive: truncated or damaged",
    );
}

#[test]
fn fsds_a_damaged_entry_inside_a_zip_is_named_damaged() {
    // The zip's directory is whole, but num.txt's compressed bytes are garbled: inflating
    // them fails, or their checksum does not match.
    let dir = Dir::with_empty_db();
    let rows = 20_000;
    zip_of(
        &dir.join("whole.zip"),
        &[
            ("sub.txt", &[once(SUB_TXT)]),
            ("num.txt", &[once(NUM_HEADER), (NUM_ROW.as_bytes(), rows)]),
        ],
    );
    let mut bytes = std::fs::read(dir.join("whole.zip")).unwrap();
    let entry = zip::ZipArchive::new(std::fs::File::open(dir.join("whole.zip")).unwrap())
        .unwrap()
        .by_name("num.txt")
        .unwrap()
        .data_start()
        .unwrap() as usize;
    for b in &mut bytes[entry + 20..entry + 60] {
        *b = !*b;
    }
    dir.write("garbled.zip", &bytes);
    let stderr = dir.refused_unchanged(&["ingest", "garbled.zip"]);
    assert_contains(&stderr, "garbled.zip!num.txt: truncated or damaged zip: ");
    assert_contains(&stderr, "download the quarter again");
}

// ---- companyfacts ----

/// A companyfacts JSON of one company; `units` is the text of Revenues' units object.
fn companyfacts(facts: &str) -> String {
    format!("{{\"cik\": 42, \"entityName\": \"SOME CO INC\",\n\"facts\": {facts}}}\n")
}

const FACT_A: &str = r#"{"start": "2025-01-01", "end": "2025-12-31", "val": 5, "accn": "0000000042-26-000001", "fy": 2025, "fp": "FY", "form": "10-K", "filed": "2026-02-01"}"#;
const FACT_B: &str = r#"{"start": "2024-01-01", "end": "2024-12-31", "val": 4, "accn": "0000000042-25-000001", "fy": 2024, "fp": "FY", "form": "10-K", "filed": "2025-02-01"}"#;

#[test]
fn companyfacts_a_key_given_twice_is_refused_with_its_line_and_column() {
    // Before: a unit, concept or taxonomy given twice kept only the last list
    // (`ingested 1 facts`, exit 0, from a file holding 2).
    let dir = Dir::with_empty_db();
    let cases = [
        (
            "unit.json",
            format!(
                "{{\"us-gaap\": {{\"Revenues\": {{\"label\": \"Revenues\", \"units\": {{\n\
                 \"USD\": [{FACT_A}],\n\"USD\": [{FACT_B}]}}}}}}}}"
            ),
            "unit.json:4: column 'character 6': not companyfacts JSON: the key \"USD\" is \
             given twice in one object (only one of its values could be kept) at line 4 \
             column 6",
        ),
        (
            "concept.json",
            format!(
                "{{\"us-gaap\": {{\n\"Revenues\": {{\"units\": {{\"USD\": [{FACT_A}]}}}},\n\
                 \"Revenues\": {{\"units\": {{\"USD\": [{FACT_B}]}}}}}}}}"
            ),
            "concept.json:4: column 'character 11': not companyfacts JSON: the key \
             \"Revenues\" is given twice",
        ),
        (
            "taxonomy.json",
            format!(
                "{{\"us-gaap\": {{\"Revenues\": {{\"units\": {{\"USD\": [{FACT_A}]}}}}}},\n\
                 \"us-gaap\": {{\"Revenues\": {{\"units\": {{\"USD\": [{FACT_B}]}}}}}}}}"
            ),
            "taxonomy.json:3: column 'character 10': not companyfacts JSON: the key \
             \"us-gaap\" is given twice",
        ),
        (
            "field.json",
            format!(
                "{{\"us-gaap\": {{\"Revenues\": {{\"units\": {{\"USD\": [\n{}]}}}}}}}}",
                FACT_A.replace("\"fy\": 2025,", "\"fy\": 2025, \"fy\": 2026,")
            ),
            "field.json:3: column 'character 104': not companyfacts JSON: the key \"fy\" is \
             given twice in one object",
        ),
        (
            // Inside a value amzdb does not read, at any depth.
            "unread.json",
            format!(
                "{{\"us-gaap\": {{\"Revenues\": {{\"units\": {{\"USD\": [\n{}]}}}}}}}}",
                FACT_A.replace(
                    "\"fy\": 2025,",
                    "\"fy\": 2025, \"extra\": [{\"a\": {\"b\": 1,\n\"b\": 2}}],"
                )
            ),
            "unread.json:4: column 'character 4': not companyfacts JSON: the key \"b\" is \
             given twice in one object",
        ),
    ];
    for (name, facts, expected) in cases {
        let stderr = dir.ingest_refused(name, companyfacts(&facts));
        assert_contains(&stderr, expected);
        assert_contains(&stderr, "1 problem found; nothing was written");
    }
    // The same facts under distinct keys are read, both of them.
    let both = format!(
        "{{\"us-gaap\": {{\"Revenues\": {{\"label\": \"Revenues\", \"units\": {{\n\
         \"USD\": [{FACT_A},\n{FACT_B}]}}}}}}}}"
    );
    dir.write("both.json", companyfacts(&both));
    assert_contains(&dir.run(&["ingest", "both.json"]), "ingested 2 facts");
}

// ---- many files ----

#[test]
fn a_directory_of_more_files_than_open_descriptors_ingests() {
    // Before: every file was opened before any was read: `Too many open files (os error
    // 24)` past about 1,020 files at the usual limit of 1,024.
    let dir = Dir::with_fixtures();
    let files = 600;
    for i in 0..files {
        let row = format!(
            "DECO,capex,,Q2 FY2026,level,{}M,,USD,exact,actual,audited,deco-10q,,,",
            i + 1
        );
        let segment_row = row.replace("DECO,capex,,", &format!("DECO,capex,seg{i},"));
        dir.write(&format!("many/f{i:04}.csv"), facts_csv(&[&segment_row]));
    }
    // The reference files too, so that the directory holds every kind (ordered by kind).
    dir.write(
        "many/aaa_metrics.csv",
        "metric,name,unit\nspare,Spare metric,USD\n",
    );
    let out = dir.run_limited("-n 256", &["ingest", "many"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_contains(
        &String::from_utf8_lossy(&out.stdout),
        &format!("ingested {files} facts (0 already present)"),
    );
    assert_eq!(
        dir.one::<i64>("SELECT count(*) FROM facts WHERE segment LIKE 'seg%'"),
        files as i64
    );
}

#[test]
fn the_open_files_limit_is_set_in_the_child() {
    // The test above proves something only if the limit holds in amzdb's process.
    let out = Command::new("sh")
        .args(["-c", "ulimit -n 256 && exec cat /proc/self/limits"])
        .output()
        .unwrap();
    let limits = String::from_utf8_lossy(&out.stdout);
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap_or_else(|| panic!("no open files limit in:\n{limits}"));
    assert_eq!(line.split_whitespace().nth(3), Some("256"), "{line}");
}
