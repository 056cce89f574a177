//! Issue 15: a file whose content an earlier ingest batch holds is recognised by its
//! SHA-256 and not read again; `--recheck` reads it as before. Every test compares the
//! database before and after, and the output with what the full check prints.

use crate::sec::sec_file;
use crate::util::{assert_contains, facts_csv, fixtures, rows_of, Dir, DB};
use crate::xbrl::{reference_only, INSTANCE};

/// The fixture directory's path as the tests give it to amzdb.
fn fixtures_arg() -> String {
    fixtures().to_str().expect("UTF-8 path").to_string()
}

/// Runs an ingest that succeeds; returns its stdout and stderr.
fn ingest(dir: &Dir, args: &[&str]) -> (String, String) {
    let out = dir
        .cmd()
        .arg("ingest")
        .args(args)
        .output()
        .expect("run amzdb");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(out.status.success(), "ingest {args:?} failed:\n{stderr}");
    (
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    )
}

/// The note for a file not read, naming the batch that holds its content.
fn unchanged_note(dir: &Dir, name: &str, batch_file: &str) -> String {
    let (batch_id, at): (i64, String) = dir
        .conn()
        .query_row(
            "SELECT batch_id, ingested_at FROM ingest_batches WHERE file_name = ?1",
            [batch_file],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("no batch of {batch_file}: {e}"));
    format!(
        "amzdb: note: {name}: unchanged since ingest batch {batch_id} ({batch_file}, {at}), \
         not read again; --recheck reads it\n"
    )
}

/// The facts and the batches, row by row.
fn facts_and_batches(dir: &Dir) -> Vec<String> {
    let conn = dir.conn();
    let mut rows = rows_of(&conn, "SELECT * FROM facts ORDER BY fact_id");
    rows.extend(rows_of(
        &conn,
        "SELECT * FROM ingest_batches ORDER BY batch_id",
    ));
    rows
}

#[test]
fn unchanged_reference_and_facts_files_are_not_read_again_and_change_nothing() {
    let dir = Dir::with_fixtures();
    let before = dir.snapshot();
    let (out, err) = ingest(&dir, &[&fixtures_arg()]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (0 already present), 4 files unchanged (not read) from 4 \
             files already in {DB}\n"
        )
    );
    // Reference files first, then facts: the order files are ingested in.
    let file = |name: &str| fixtures().join(name).to_str().unwrap().to_string();
    let notes: String = ["entities.csv", "sources.csv", "metrics.csv", "facts.csv"]
        .map(|name| unchanged_note(&dir, &file(name), &file(name)))
        .concat();
    assert_eq!(err, notes);
    dir.snapshot().assert_same(&before);
}

#[test]
fn a_changed_file_is_read_and_counted_as_before() {
    let dir = Dir::with_fixtures();
    let rows = [
        "DECO,capex,,Q2 FY2026,level,45B,,USD,exact,actual,audited,deco-10q,,,",
        "DECO,capex,,Q3 FY2026,level,46B,,USD,exact,actual,audited,deco-10q,,,",
    ];
    dir.write("more.csv", facts_csv(&rows[..1]));
    let (out, _) = ingest(&dir, &["more.csv"]);
    assert_eq!(
        out,
        format!("ingested 1 facts (0 already present) from 1 file into {DB}\n")
    );
    // One row added: the file is read whole, its first fact counted as present.
    dir.write("more.csv", facts_csv(&rows));
    let (out, err) = ingest(&dir, &["more.csv"]);
    assert_eq!(
        out,
        format!("ingested 1 facts (1 already present) from 1 file into {DB}\n")
    );
    assert_eq!(err, "");
    let batches = rows_of(
        &dir.conn(),
        "SELECT file_name, rows_read, rows_inserted, rows_present FROM ingest_batches \
         WHERE file_name = 'more.csv' ORDER BY batch_id",
    );
    assert_eq!(
        batches,
        [
            r#"Text("more.csv") | Integer(1) | Integer(1) | Integer(0)"#,
            r#"Text("more.csv") | Integer(2) | Integer(1) | Integer(1)"#
        ]
    );
    // Now that content is a batch's: the same file again is not read.
    let (out, err) = ingest(&dir, &["more.csv"]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (0 already present), 1 file unchanged (not read) from 1 \
             file already in {DB}\n"
        )
    );
    let second: i64 = dir.one("SELECT max(batch_id) FROM ingest_batches");
    assert_contains(
        &err,
        &format!("amzdb: note: more.csv: unchanged since ingest batch {second} (more.csv, "),
    );
}

#[test]
fn recheck_reads_every_file_and_prints_what_the_full_check_printed() {
    let dir = Dir::with_fixtures();
    let before = facts_and_batches(&dir);
    let (out, err) = ingest(&dir, &[&fixtures_arg(), "--recheck"]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (11 already present), 0 entities (2 already present), 0 \
             sources (2 already present), 0 metrics (5 already present) from 4 files already \
             in {DB}\n"
        )
    );
    assert_eq!(err, "");
    assert_eq!(facts_and_batches(&dir), before);
    // A dry run with --recheck counts the same.
    let (out, _) = ingest(&dir, &[&fixtures_arg(), "--recheck", "--dry-run"]);
    assert_eq!(
        out,
        format!(
            "dry run: would ingest 0 facts (11 already present), 0 entities (2 already \
             present), 0 sources (2 already present), 0 metrics (5 already present) from 4 \
             files into {DB}; nothing was written\n"
        )
    );
}

#[test]
fn the_same_content_under_another_name_is_recognised_by_the_batch_that_holds_it() {
    let dir = Dir::with_fixtures();
    let original = fixtures().join("facts.csv");
    let bytes = std::fs::read(&original).unwrap();
    dir.write("copies/renamed.csv", &bytes);
    let before = dir.snapshot();
    let (out, err) = ingest(&dir, &["copies/renamed.csv"]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (0 already present), 1 file unchanged (not read) from 1 \
             file already in {DB}\n"
        )
    );
    assert_eq!(
        err,
        unchanged_note(&dir, "copies/renamed.csv", original.to_str().unwrap())
    );
    dir.snapshot().assert_same(&before);
    // The same bytes as another kind would be another batch's: kinds are compared too.
    // A byte more (a blank line at the end) is another content: read, all present.
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"\n");
    dir.write("copies/renamed.csv", &longer);
    let (out, err) = ingest(&dir, &["copies/renamed.csv"]);
    assert_eq!(
        out,
        format!("nothing new: 0 facts (11 already present) from 1 file already in {DB}\n")
    );
    assert_eq!(err, "");
}

#[test]
fn an_unchanged_file_beside_a_bad_row_still_refuses_the_whole_ingest() {
    let dir = Dir::with_fixtures();
    dir.write(
        "new.csv",
        facts_csv(&[
            "DECO,capex,,Q2 FY2026,level,45B,,USD,exact,actual,audited,deco-10q,,,",
            "DECO,capx,,Q3 FY2026,level,46B,,USD,exact,actual,audited,deco-10q,,,",
        ]),
    );
    let err = dir.refused_unchanged(&["ingest", &fixtures_arg(), "new.csv"]);
    assert_contains(&err, "new.csv:3: column 'metric': \"capx\": unknown metric");
    assert_contains(&err, "nothing was written");
    // The notes of a refused ingest are not printed: nothing was ingested.
    assert!(!err.contains("unchanged since"), "{err}");
}

#[test]
fn a_dry_run_skips_unchanged_files_and_says_so() {
    let dir = Dir::with_fixtures();
    dir.write(
        "new.csv",
        facts_csv(&["DECO,capex,,Q2 FY2026,level,45B,,USD,exact,actual,audited,deco-10q,,,"]),
    );
    let before = dir.snapshot();
    let (out, err) = ingest(&dir, &[&fixtures_arg(), "new.csv", "--dry-run"]);
    assert_eq!(
        out,
        format!(
            "dry run: would ingest 1 facts (0 already present), 4 files unchanged (not read) \
             from 5 files into {DB}; nothing was written\n"
        )
    );
    let facts = fixtures().join("facts.csv");
    let facts = facts.to_str().unwrap();
    assert_contains(&err, &unchanged_note(&dir, facts, facts));
    assert!(!err.contains("new.csv"), "{err}");
    dir.snapshot().assert_same(&before);
}

#[test]
fn an_unchanged_companyfacts_file_is_not_read_again_and_recheck_counts_its_facts() {
    let Some(json) = sec_file("amzn-companyfacts-subset.json") else {
        return;
    };
    let dir = crate::sec::reference_only();
    dir.run(&["ingest", &json]);
    let before = dir.snapshot();
    let (out, err) = ingest(&dir, &[&json]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (0 already present), 1 file unchanged (not read) from 1 \
             file already in {DB}\n"
        )
    );
    assert_eq!(err, unchanged_note(&dir, &json, &json));
    dir.snapshot().assert_same(&before);
    let (out, err) = ingest(&dir, &[&json, "--recheck"]);
    assert_contains(&out, "nothing new: 0 facts (2018 already present)");
    assert_eq!(err, "");
    assert_eq!(dir.snapshot().rows, before.rows);
}

#[test]
fn an_xbrl_document_is_skipped_unless_its_accession_or_date_is_given() {
    let Some(file) = sec_file(INSTANCE) else {
        return;
    };
    let dir = reference_only();
    dir.run(&["ingest", &file]);
    let before = dir.snapshot();
    // The batch names the document read; the note, the path given.
    let (out, err) = ingest(&dir, &[&file]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (0 already present), 1 file unchanged (not read) from 1 \
             file already in {DB}\n"
        )
    );
    let recorded: String = dir.one("SELECT file_name FROM ingest_batches WHERE file_kind = 'xbrl'");
    assert_eq!(err, unchanged_note(&dir, &file, &recorded));
    dir.snapshot().assert_same(&before);
    // --filed names the source's date: the same bytes with it are read and checked, and
    // a date the stored source does not have is refused, as without the skip.
    let err = dir.refused_unchanged(&["ingest", &file, "--filed", "2023-02-03"]);
    assert_contains(&err, "already in the database with other values");
}
