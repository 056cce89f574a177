//! `amzdb export DIR`: every report and table as CSV for spreadsheets, written whole.

use super::{dir_with, parse_csv, report_rows};
use crate::util::{assert_contains, names as files_in};

#[test]
fn export_writes_every_report_and_table_and_overwrites_cleanly() {
    let dir = dir_with("reports_capex");
    let out = dir.run(&["export", "sheets"]);
    assert_contains(&out, "exported ");
    let names = files_in(&dir.join("sheets"));
    for expected in [
        "facts.csv",
        "entities.csv",
        "sources.csv",
        "metrics.csv",
        "capex_vs_fcf.csv",
        "backlog_conversion.csv",
        "conflicts.csv",
        "consistency.csv",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} missing from {names:?}"
        );
    }
    let exported =
        parse_csv(&std::fs::read_to_string(dir.join("sheets/capex_vs_fcf.csv")).unwrap());
    assert_eq!(
        exported,
        report_rows(&dir, &["capex-fcf", "--all-entities"])
    );
    let facts = parse_csv(&std::fs::read_to_string(dir.join("sheets/facts.csv")).unwrap());
    assert_eq!(facts.len() as i64, dir.count("facts"));

    dir.run(&["export", "sheets"]);
    assert_eq!(
        files_in(&dir.join("sheets")),
        names,
        "a re-run leaves no extra files"
    );
}

#[test]
fn export_neutralises_formulas_unless_raw_and_adds_a_bom_when_asked() {
    let dir = dir_with("reports_capex");
    dir.ingest_ok_rows(&[
        "ACME,revenue,,Q2 FY2025,,-2B,,USD,,,audited,acme-10k,,\"=HYPERLINK(\"\"http://x\"\")\",@note",
    ]);
    dir.run(&["export", "safe"]);
    let text = std::fs::read_to_string(dir.join("safe/facts.csv")).unwrap();
    assert!(!text.starts_with('\u{feff}'));
    let rows = parse_csv(&text);
    let row = rows
        .iter()
        .find(|r| r["value_text"] == "'-2B")
        .expect("the -2B fact, neutralised");
    assert_eq!(row["value"], "-2000000000", "numbers stay numbers");
    assert_eq!(row["quote"], "'=HYPERLINK(\"http://x\")");
    assert_eq!(row["note"], "'@note");

    dir.run(&["export", "raw", "--raw", "--bom"]);
    let text = std::fs::read_to_string(dir.join("raw/facts.csv")).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    let rows = parse_csv(text);
    assert!(rows
        .iter()
        .any(|r| r["quote"] == "=HYPERLINK(\"http://x\")"));
}

#[test]
fn a_failed_export_leaves_no_half_written_file() {
    let dir = dir_with("reports_capex");
    // A directory where a file must go makes that rename fail.
    std::fs::create_dir_all(dir.join("blocked/conflicts.csv")).unwrap();
    let err = dir.run_err(&["export", "blocked"]);
    assert_contains(&err, "conflicts.csv");
    let left: Vec<String> = files_in(&dir.join("blocked"))
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

#[test]
fn dump_round_trips_through_ingest() {
    let original = crate::util::Dir::new();
    original.cmd().arg("init").assert().success();
    let out = original.run(&["dump", "csv"]);
    assert_contains(&out, "dumped ");
    let copy = crate::util::Dir::with_empty_db();
    let dumped = original.join("csv");
    copy.run(&["ingest", dumped.to_str().unwrap()]);
    let facts = "SELECT entity, metric, segment, period_label, measure, value, value_high, unit, \
                 qualifier, basis, disclosure_type, source, published_on, quote, note, concept \
                 FROM fact_detail ORDER BY 1, 2, 3, 4, 5, 6, 12, 16, 14";
    let rows = |dir: &crate::util::Dir| {
        let conn = dir.conn();
        let mut stmt = conn.prepare(facts).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, rusqlite::types::Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
    };
    let (a, b) = (rows(&original), rows(&copy));
    assert!(a.len() > 2000);
    assert_eq!(a.len(), b.len());
    assert!(a == b, "the dump re-ingests to the same facts");
}

#[test]
fn export_removes_the_temporaries_a_killed_export_left() {
    let dir = dir_with("reports_capex");
    std::fs::create_dir_all(dir.join("sheets")).unwrap();
    // Temporaries are `.NAME.amzdb-PID-XXXXXX.tmp`; this one's process is gone.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    dir.write(
        &format!("sheets/.facts.csv.amzdb-{pid}-Ab12Cd.tmp"),
        "entity,metric\nhalf a ro",
    );
    dir.write("sheets/notes.txt", "mine");
    dir.run(&["export", "sheets"]);
    let names = files_in(&dir.join("sheets"));
    assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");
    assert!(
        names.contains(&"notes.txt".to_string()),
        "other files are left alone"
    );
}

#[test]
fn dump_narrows_to_an_entity_and_a_source_kind() {
    let dir = crate::util::Dir::new();
    dir.cmd().arg("init").assert().success();
    dir.run(&[
        "dump",
        "filings",
        "--entity",
        "AMZN",
        "--source-kind",
        "filing",
    ]);
    let read = |f: &str| parse_csv(&std::fs::read_to_string(dir.join("filings").join(f)).unwrap());
    let facts = read("facts.csv");
    let sources = read("sources.csv");
    assert_eq!(
        facts.len(),
        2018 + 1152 + 1140 + 4,
        "Amazon's filings (companyfacts, two 10-Ks and the FY2024 10-K's untagged free cash \
         flow reconciliation), nothing from the press"
    );
    assert!(facts
        .iter()
        .all(|f| f["source"].starts_with("sec-") && f["entity"] == "AMZN"));
    assert!(sources
        .iter()
        .all(|s| s["kind"] == "filing" && !s["accession"].is_empty()));
    assert_eq!(sources.len(), 69);
}
