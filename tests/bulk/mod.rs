//! A bulk load (indexes dropped, every fact appended, repeats resolved at the end), a
//! staged load (facts staged, then inserted in index order) and the row-by-row path give
//! the same database, output and errors, whatever the input: new facts, facts already
//! stored, the same fact in two files, the same fact twice in one CSV, bad rows beside
//! repeated ones, SEC files and their own repeats. `AMZDB_BULK=always|staged|never`
//! forces each path (auto picks by size).

use crate::sec::{reference_only, sec_file};
use crate::util::{facts_csv, fixtures, rows_of, Dir, DB};
use rusqlite::Connection;

/// What one run of amzdb left: exit code, stdout, stderr.
type Run = (Option<i32>, String, String);

fn run(dir: &Dir, mode: &str, args: &[&str]) -> Run {
    let out = dir
        .cmd()
        .env("AMZDB_BULK", mode)
        .args(args)
        .output()
        .expect("run amzdb");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

/// Every stored fact and ingest batch, in order, without their ids (a bulk load leaves
/// gaps where it removed repeats: the same facts in the same order, other numbers) or
/// when each batch was ingested. `grouped`: facts in the order of their (entity, metric,
/// segment, period), then of fact_id (a staged load keeps the file's order only within
/// each of those groups).
fn contents(dir: &Dir, grouped: bool) -> Vec<String> {
    dir.assert_sound();
    let conn = Connection::open(dir.join(DB)).unwrap();
    let order = if grouped {
        "f.entity_id, f.metric_id, f.segment, f.period_id, f.fact_id"
    } else {
        "f.fact_id"
    };
    let mut rows = Vec::new();
    for sql in [
        format!(
            "SELECT b.file_name, f.entity_id, f.metric_id, f.segment, f.period_id, f.measure, \
             f.value, f.value_high, f.precision, f.value_text, f.unit_id, f.qualifier, f.basis, \
             f.disclosure_type, f.source_id, f.published_on, f.quote, f.note, f.concept_id, \
             f.line, f.fact_key, f.dimensions, f.scenario \
             FROM facts AS f JOIN ingest_batches AS b USING (batch_id) ORDER BY {order}"
        ),
        "SELECT file_name, content_sha256, file_kind, rows_read, rows_inserted, rows_present \
         FROM ingest_batches ORDER BY batch_id"
            .to_string(),
        "SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'facts' ORDER BY name".to_string(),
    ] {
        rows.extend(rows_of(&conn, &sql));
    }
    rows
}

/// The first row where two databases' contents differ, if any.
fn first_difference(a: &[String], b: &[String]) -> Option<String> {
    (0..a.len().max(b.len()))
        .find(|&i| a.get(i) != b.get(i))
        .map(|i| {
            format!(
                "row {i} of {} vs {}:\n {:?}\n {:?}",
                a.len(),
                b.len(),
                a.get(i),
                b.get(i)
            )
        })
}

/// Runs the same steps on three copies of a database, one per path; asserts every run
/// and the databases after each agree (a bulk load's facts in the row-by-row path's
/// order, a staged load's in that order within each group), and returns the runs.
fn agree(setup: impl Fn() -> Dir, steps: &[Vec<String>]) -> Vec<Run> {
    let (bulk, staged, rows) = (setup(), setup(), setup());
    let mut runs = Vec::new();
    for args in steps {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let by_bulk = run(&bulk, "always", &args);
        let by_staging = run(&staged, "staged", &args);
        let by_row = run(&rows, "never", &args);
        assert_eq!(by_bulk, by_row, "amzdb {args:?}: bulk vs row by row");
        assert_eq!(by_staging, by_row, "amzdb {args:?}: staged vs row by row");
        if let Some(d) = first_difference(&contents(&bulk, false), &contents(&rows, false)) {
            panic!("after amzdb {args:?}, bulk vs row by row, {d}");
        }
        if let Some(d) = first_difference(&contents(&staged, true), &contents(&rows, true)) {
            panic!("after amzdb {args:?}, staged vs row by row, {d}");
        }
        runs.push(by_bulk);
    }
    runs
}

/// `amzdb ingest --recheck FILES`: every file read on both paths (a file unchanged since
/// an earlier batch would be passed over by both, its facts compared by neither).
fn ingest(files: &[&str]) -> Vec<String> {
    ["ingest", "--recheck"]
        .into_iter()
        .chain(files.iter().copied())
        .map(str::to_string)
        .collect()
}

fn reference() -> Dir {
    let dir = Dir::with_empty_db();
    let basic = fixtures();
    let files = ["entities.csv", "sources.csv", "metrics.csv"]
        .map(|f| basic.join(f).to_str().expect("UTF-8").to_string());
    dir.run(
        &files
            .iter()
            .map(String::as_str)
            .fold(vec!["ingest"], |mut a, f| {
                a.push(f);
                a
            }),
    );
    dir
}

#[test]
fn new_present_and_kept_once_facts_agree() {
    let facts = fixtures().join("facts.csv");
    let facts = facts.to_str().expect("UTF-8");
    let setup = || {
        let dir = reference();
        // The fixture's facts again, as a second file, and one new fact beside them.
        let text = std::fs::read_to_string(facts).unwrap();
        let body: Vec<&str> = text.lines().skip(1).collect();
        dir.write("again.csv", facts_csv(&body));
        dir.write(
            "more.csv",
            facts_csv(&["DECO,revenue,,Q2 FY2026,level,99B,,USD,exact,actual,audited,deco-10q,,,"]),
        );
        dir
    };
    let runs = agree(
        setup,
        &[
            ingest(&[facts, "again.csv"]),
            ingest(&[facts]),
            ingest(&["more.csv", facts]),
        ],
    );
    assert!(runs[0].2.contains("kept that one"), "{runs:?}");
    assert!(
        runs[1]
            .1
            .contains("nothing new: 0 facts (11 already present)"),
        "{runs:?}"
    );
    assert!(runs[2].1.contains("ingested 1 fact"), "{runs:?}");
}

#[test]
fn repeated_and_bad_rows_fail_alike() {
    let setup = || {
        let dir = reference();
        let row = "DECO,capex,,Q1 FY2026,level,44.2B,,USD,exact,actual,audited,deco-10q,,,";
        dir.write(
            "twice.csv",
            facts_csv(&[
                row,
                "DECO,capex,,Q2 FY2026,level,40B,,USD,exact,actual,audited,deco-10q,,,",
                "DECO,capex,,Q9 FY2026,level,1B,,USD,exact,actual,audited,deco-10q,,,",
                row,
                row,
            ]),
        );
        dir
    };
    let runs = agree(setup, &[ingest(&["twice.csv"])]);
    let (code, _, stderr) = &runs[0];
    assert_eq!(*code, Some(1));
    // The bad period (line 4) before the repeats of line 2 (lines 5 and 6): line order.
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].contains("twice.csv:4: column 'period'"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("twice.csv:5") && lines[1].contains("as line 2"),
        "{stderr}"
    );
    assert!(
        lines[2].contains("twice.csv:6") && lines[2].contains("as line 2"),
        "{stderr}"
    );
    assert!(
        lines[3].contains("3 problems found; nothing was written"),
        "{stderr}"
    );
}

#[test]
fn sec_imports_and_their_repeats_agree() {
    let (Some(json), Some(zip)) = (
        sec_file("amzn-companyfacts-subset.json"),
        sec_file("fsds-2009q3.zip"),
    ) else {
        return;
    };
    let runs = agree(
        reference_only,
        &[ingest(&[&json]), ingest(&[&zip, &json]), ingest(&[&zip])],
    );
    assert!(runs[0].1.contains("ingested 2018 facts"), "{runs:?}");
    assert!(runs[2].1.contains("nothing new"), "{runs:?}");
}

#[test]
fn a_staged_load_with_a_bad_row_leaves_the_database_unchanged() {
    let dir = Dir::with_fixtures();
    let new = "DECO,revenue,,Q2 FY2026,level,99B,,USD,exact,actual,audited,deco-10q,,,";
    let present = std::fs::read_to_string(fixtures().join("facts.csv")).unwrap();
    let present = present.lines().nth(1).expect("a fixture fact");
    // Found while reading: a bad period. Found once the staged facts are inserted: the
    // same fact twice in one file. Both after facts that are new and one already stored.
    for (name, bad) in [
        (
            "bad-period.csv",
            "DECO,capex,,Q9 FY2026,level,1B,,USD,exact,actual,audited,deco-10q,,,",
        ),
        ("twice.csv", new),
    ] {
        dir.write(name, facts_csv(&[new, present, bad]));
        let before = dir.snapshot();
        let (code, stdout, stderr) = run(&dir, "staged", &["ingest", name]);
        assert_eq!(code, Some(1), "{name}: {stdout}{stderr}");
        assert!(
            stderr.contains(&format!("{name}:4")) && stderr.contains("nothing was written"),
            "{name}: {stderr}"
        );
        dir.snapshot().assert_same(&before);
        dir.assert_sound();
    }
    // The same file without its bad row goes in, by the same path.
    dir.write("good.csv", facts_csv(&[new, present]));
    let (code, stdout, stderr) = run(&dir, "staged", &["ingest", "good.csv"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("ingested 1 facts (1 already present)"),
        "{stdout}"
    );
    // No staging table outlives the load.
    let temp: i64 = dir
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('staging', 'pairs', 'repeats')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(temp, 0);
}
