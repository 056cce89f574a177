//! SEC imports read on a thread of their own (issue 15, item 6): the reader thread checks
//! and converts facts while the main thread writes them. A bad fact late in a file still
//! refuses the whole file naming it; an error on the writing side stops the reader (no
//! hang); and the facts, counts and problems are those of the one-thread path
//! (`AMZDB_SEC_PIPELINE=off`).

use super::{reference_only, sec_file};
use crate::util::{assert_contains, rows_of, Dir, DB};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Facts in the synthetic quarters: enough for many batches of 512 on either side.
const ROWS: usize = 6_000;

/// An FSDS quarter of one new filer: `ROWS` facts, each a tag of its own, in a folder.
/// `bad` replaces the value of the fact on that line of num.txt (header = line 1).
fn quarter(dir: &Dir, bad: Option<(usize, &str)>) {
    std::fs::create_dir_all(dir.join("quarter")).unwrap();
    dir.write(
        "quarter/sub.txt",
        "adsh\tcik\tname\tsic\tfye\tform\tfiled\n\
         0000000001-09-000001\t42\tSOME CO INC\t5961\t1231\t10-Q\t20090515\n",
    );
    let mut num =
        String::from("adsh\ttag\tversion\tddate\tqtrs\tuom\tsegments\tcoreg\tvalue\tfootnote\n");
    for i in 0..ROWS {
        let line = i + 2;
        let value = match bad {
            Some((at, value)) if at == line => value.to_string(),
            _ => format!("{}000", i + 1),
        };
        num.push_str(&format!(
            "0000000001-09-000001\tTag{i}\tus-gaap/2008\t20090331\t{}\tUSD\t\t\t{value}\t\n",
            i % 2
        ));
    }
    dir.write("quarter/num.txt", num);
}

/// `amzdb ARGS` with `AMZDB_SEC_PIPELINE` set (or left unset), output and all.
fn run_with(dir: &Dir, pipeline: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = dir.cmd();
    match pipeline {
        Some(mode) => cmd.env("AMZDB_SEC_PIPELINE", mode),
        None => cmd.env_remove("AMZDB_SEC_PIPELINE"),
    };
    cmd.args(args).output().expect("run amzdb")
}

/// Every fact stored, column by column, in fact_id order.
fn stored_facts(dir: &Dir) -> Vec<String> {
    rows_of(&dir.conn(), "SELECT * FROM facts ORDER BY fact_id")
}

/// Everything an import decides, but the time of its batch: every row of the tables it
/// writes.
fn stored(dir: &Dir) -> Vec<String> {
    let conn = dir.conn();
    let mut rows = Vec::new();
    for table in [
        "facts", "entities", "sources", "concepts", "metrics", "units", "periods",
    ] {
        let found = rows_of(&conn, &format!("SELECT * FROM {table} ORDER BY rowid"));
        rows.extend(found.into_iter().map(|r| format!("{table}: {r}")));
    }
    let batches = "SELECT batch_id, file_name, file_kind, content_sha256, rows_read, rows_inserted, rows_present \
                   FROM ingest_batches ORDER BY batch_id";
    rows.extend(
        rows_of(&conn, batches)
            .into_iter()
            .map(|r| format!("batch: {r}")),
    );
    rows
}

#[test]
fn a_bad_fact_late_in_an_fsds_quarter_refuses_the_whole_file_naming_it() {
    let dir = reference_only();
    // The last but one fact: every batch before it was written already.
    let line = ROWS;
    quarter(&dir, Some((line, "1e40")));
    // Not a number FSDS writes: the reader refuses it.
    let err = dir.refused_unchanged(&["ingest", "quarter"]);
    assert_contains(&err, &format!("num.txt:{line}: column 'value': \"1e40\""));
    assert_contains(&err, "1 problem found; nothing was written");

    // A number beyond amzdb's bound: refused when the fact is converted, on the reader
    // thread, after thousands of facts were written.
    let huge = "1000000000000000000000000";
    quarter(&dir, Some((line, huge)));
    let err = dir.refused_unchanged(&["ingest", "quarter"]);
    assert_contains(&err, &format!("quarter:{line}: column 'val': \"{huge}\""));
    assert_contains(
        &err,
        &format!(
            "us-gaap:Tag{} [USD] in filing 0000000001-09-000001",
            line - 2
        ),
    );
    assert_contains(
        &err,
        &format!("{huge} USD is beyond the bound of amzdb values"),
    );
    assert_contains(&err, "1 problem found; nothing was written");
    assert_eq!(dir.count("facts"), 0);

    // The same file without it loads every fact.
    quarter(&dir, None);
    assert_contains(
        &dir.run(&["ingest", "quarter"]),
        &format!("ingested {ROWS} facts"),
    );
}

#[test]
fn a_late_bad_fact_in_companyfacts_refuses_the_whole_file_naming_it() {
    let dir = reference_only();
    let facts: Vec<String> = (0..ROWS)
        .map(|i| {
            let val = if i == ROWS - 10 {
                "1000000000000000000000000".to_string()
            } else {
                format!("{}", (i + 1) * 1000)
            };
            format!(
                "{{\"start\": \"2008-01-01\", \"end\": \"2008-12-31\", \"val\": {val}, \
                 \"accn\": \"0000000001-09-000001\", \"fy\": 2008, \"fp\": \"FY\", \
                 \"form\": \"10-K\", \"filed\": \"2009-02-15\"}}"
            )
        })
        .collect();
    // One concept per fact: a fact of its own in each.
    let concepts: Vec<String> = facts
        .iter()
        .enumerate()
        .map(|(i, fact)| {
            format!("\"Tag{i}\": {{\"label\": \"Tag {i}\", \"units\": {{\"USD\": [{fact}]}}}}")
        })
        .collect();
    let json = format!(
        "{{\"cik\": 42, \"entityName\": \"SOME CO INC\", \"facts\": {{\"us-gaap\": {{{}}}}}}}",
        concepts.join(",\n")
    );
    dir.write("cf.json", &json);
    let err = dir.refused_unchanged(&["ingest", "cf.json", "--entity", "SOME"]);
    assert_contains(&err, &format!("us-gaap:Tag{} [USD]", ROWS - 10));
    assert_contains(&err, "is beyond the bound of amzdb values");
    assert_contains(&err, "1 problem found; nothing was written");
}

#[test]
fn an_error_on_the_writing_side_mid_file_stops_the_reader_and_changes_nothing() {
    let dir = reference_only();
    quarter(&dir, None);
    // A trigger that fails the insert of one fact thousands of facts in: the database
    // refuses it mid-file, while the reader thread still has facts to send.
    let stop = "CREATE TRIGGER stop_midway BEFORE INSERT ON facts WHEN NEW.line = 4000 \
                BEGIN SELECT RAISE(ABORT, 'stopped by the test trigger'); END";
    rusqlite::Connection::open(dir.join(DB))
        .unwrap()
        .execute(stop, [])
        .unwrap();
    let before = dir.snapshot();
    for mode in ["on", "off"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_amzdb"))
            .current_dir(dir.path())
            .env_remove("AMZDB_DB")
            .env("AMZDB_SEC_PIPELINE", mode)
            .args(["--db", DB, "ingest", "quarter"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run amzdb");
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(120) {
                child.kill().unwrap();
                panic!("AMZDB_SEC_PIPELINE={mode}: amzdb still running after two minutes");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(status.code(), Some(1), "{mode}: {stderr}");
        assert_contains(&stderr, "stopped by the test trigger");
        dir.snapshot().assert_same(&before);
    }
}

#[test]
fn the_pipeline_stores_what_one_thread_stores_with_the_same_problems() {
    // A synthetic quarter with problems on both sides: the reader's (a bad date) and the
    // conversion's (a value beyond the bound), early and late.
    let problems = |mode: &str| {
        let dir = reference_only();
        quarter(&dir, Some((ROWS - 1, "1000000000000000000000000")));
        let mut num = std::fs::read_to_string(dir.join("quarter/num.txt")).unwrap();
        num = num.replacen(
            "\t20090331\t1\tUSD\t\t\t6000\t",
            "\t20090231\t1\tUSD\t\t\t6000\t",
            1,
        );
        num.push_str("0000000001-09-000002\tLate\tus-gaap/2008\t20090331\t0\tUSD\t\t\t5\t\n");
        dir.write("quarter/num.txt", num);
        let out = run_with(&dir, Some(mode), &["ingest", "quarter"]);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let one_thread = problems("off");
    assert_contains(&one_thread, "column 'ddate': \"20090231\"");
    assert_contains(&one_thread, "is beyond the bound of amzdb values");
    assert_contains(&one_thread, "3 problems found; nothing was written");
    assert_eq!(problems("on"), one_thread);

    // The real files: a quarter, Amazon's companyfacts and its inline 10-K, in turn, into
    // one database each way.
    let (Some(zip), Some(json), Some(ixbrl)) = (
        sec_file("fsds-2009q3.zip"),
        sec_file("amzn-companyfacts-subset.json"),
        sec_file("amzn-10k-fy2024.htm"),
    ) else {
        return;
    };
    let import = |mode: &str| {
        let dir = reference_only();
        let mut said = Vec::new();
        for file in [&zip, &json, &ixbrl] {
            let out = run_with(&dir, Some(mode), &["ingest", file]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            said.push(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        assert!(stored_facts(&dir).len() > 100_000);
        (stored(&dir), said)
    };
    let (rows, said) = import("on");
    let (one_rows, one_said) = import("off");
    assert_eq!(said, one_said, "the summaries differ");
    assert_eq!(rows.len(), one_rows.len());
    for (piped, one) in rows.iter().zip(&one_rows) {
        assert_eq!(piped, one);
    }
}

#[test]
fn an_unknown_pipeline_mode_is_refused() {
    let dir = reference_only();
    quarter(&dir, None);
    let before = dir.snapshot();
    let out = run_with(&dir, Some("sometimes"), &["ingest", "quarter"]);
    assert_eq!(out.status.code(), Some(1));
    assert_contains(
        &String::from_utf8_lossy(&out.stderr),
        "AMZDB_SEC_PIPELINE is \"sometimes\"; expected on or off",
    );
    dir.snapshot().assert_same(&before);
}
