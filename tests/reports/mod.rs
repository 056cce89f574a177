//! Tests of the canned reports on hand-written fixtures, and of views and CLI agreeing.

mod capex;
mod definitions;
mod derived;
mod export;
mod materiality;
mod simple;
mod watchlist;

use crate::util::Dir;
use std::collections::HashMap;
use std::path::Path;

/// A directory whose database holds one fixture set from tests/fixtures/NAME.
pub fn dir_with(fixture: &str) -> Dir {
    let dir = Dir::with_empty_db();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    dir.run(&["ingest", path.to_str().expect("UTF-8 path")]);
    dir
}

/// A report's CSV output parsed into rows of column -> text.
pub fn report_rows(dir: &Dir, args: &[&str]) -> Vec<HashMap<String, String>> {
    let mut full = vec!["report"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "csv"]);
    parse_csv(&dir.run(&full))
}

pub fn parse_csv(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The one row whose columns have these values.
pub fn row<'a>(
    rows: &'a [HashMap<String, String>],
    keys: &[(&str, &str)],
) -> &'a HashMap<String, String> {
    let found: Vec<_> = rows
        .iter()
        .filter(|r| {
            keys.iter()
                .all(|(k, v)| r.get(*k).map(String::as_str) == Some(*v))
        })
        .collect();
    assert_eq!(found.len(), 1, "rows matching {keys:?}: {found:#?}");
    found[0]
}

/// A cell as a number (panics with the row when it is not one).
pub fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} is not a number in {row:#?}"))
}

/// Asserts that `amzdb report NAME --format csv --all-entities` gives the same rows as
/// the stock sqlite3 shell selecting from the report's view: same columns, same order,
/// same values (numbers compared as numbers: the shell prints 120000000000.0 where amzdb
/// prints 120000000000).
pub fn assert_view_agrees_with_cli(dir: &Dir, report: &str, view: &str) {
    let Some(shell) = crate::util::sqlite3_shell() else {
        return;
    };
    let cli = dir.run(&["report", report, "--all-entities", "--format", "csv"]);
    let out = std::process::Command::new(shell)
        .args(["-csv", "-header"])
        .arg(dir.join(crate::util::DB))
        .arg(format!("select * from {view}"))
        .output()
        .expect("run sqlite3");
    assert!(
        out.status.success(),
        "sqlite3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shell_text = String::from_utf8(out.stdout).expect("UTF-8");
    let (mut a, mut b) = (
        csv::Reader::from_reader(cli.as_bytes()),
        csv::Reader::from_reader(shell_text.as_bytes()),
    );
    assert_eq!(
        a.headers().unwrap(),
        b.headers().unwrap(),
        "{report}: columns differ"
    );
    let (a, b): (Vec<_>, Vec<_>) = (
        a.records().map(Result::unwrap).collect(),
        b.records().map(Result::unwrap).collect(),
    );
    assert_eq!(a.len(), b.len(), "{report}: row counts differ");
    assert!(!a.is_empty(), "{report}: no rows to compare");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        for (j, (p, q)) in x.iter().zip(y.iter()).enumerate() {
            let same =
                p == q || matches!((p.parse::<f64>(), q.parse::<f64>()), (Ok(m), Ok(n)) if m == n);
            assert!(
                same,
                "{report} row {i} column {j}: amzdb {p:?}, sqlite3 {q:?}"
            );
        }
    }
}

#[test]
fn migrate_gives_an_older_database_the_current_views() {
    let dir = dir_with("reports_capex");
    {
        let conn = rusqlite::Connection::open(dir.join(crate::util::DB)).unwrap();
        conn.execute_batch(
            "DROP VIEW capex_vs_fcf; DROP VIEW conflicts; CREATE VIEW conflicts AS SELECT 1 AS old",
        )
        .unwrap();
    }
    crate::util::assert_contains(
        &dir.run(&["migrate"]),
        "); views brought up to date with this amzdb's queries",
    );
    let again = dir.run(&["migrate"]);
    assert!(
        again.contains("schema is up to date (version ") && !again.contains("views"),
        "{again}"
    );
    let columns: i64 = dir.one("SELECT count(*) FROM pragma_table_info('conflicts')");
    assert!(columns > 10, "conflicts is the current view again");
    assert_view_agrees_with_cli(&dir, "capex-fcf", "capex_vs_fcf");
}

#[test]
fn report_options_are_bound_never_spliced_into_sql() {
    let dir = dir_with("reports_capex");
    let before = dir.snapshot();
    // Bound as a value, an injection names no known entity or metric: refused as
    // unknown (exit 2), with nothing found and nothing changed.
    let refused = |args: &[&str]| {
        let out = dir
            .cmd()
            .arg("report")
            .args(args)
            .output()
            .expect("run amzdb");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} found rows");
        stderr
    };
    for report in ["capex-fcf", "conflicts", "provenance"] {
        let stderr = refused(&[report, "--entity", "ACME' OR 1=1 --"]);
        assert!(
            stderr.starts_with("amzdb: error: unknown entity 'ACME' OR 1=1 --'"),
            "{report}: {stderr}"
        );
    }
    let stderr = refused(&["provenance", "--entity", "ACME", "--metric", "x' OR '1'='1"]);
    assert!(
        stderr.starts_with("amzdb: error: unknown metric 'x' OR '1'='1'"),
        "{stderr}"
    );
    dir.snapshot().assert_same(&before);
}
