//! DuckDB runs amzdb's views and reports unchanged over the SQLite file (ATTACH ... TYPE
//! sqlite, the extension from the wheel): every view gives the sqlite3 shell's rows, with
//! numeric columns numeric, and each report's `--sql` text with `$entity` bound gives
//! `amzdb report NAME --format csv`'s rows. Also: the `days` table holds every date a view
//! looks up (a complete calendar gives every view the same rows).
//!
//! Numbers compare exactly: an integer of the shell equals DuckDB's value exactly (as a
//! BIGINT, or as a DOUBLE that holds it exactly), a real equals DuckDB's double bit for bit
//! (measured so on these databases: no sum differs in its last bit). Only the CLI's CSV,
//! which prints reals to 15 significant digits as the shell does, is compared within that.

use super::clients::python_dir;
use crate::util::{python_with, sqlite3_shell, Dir, DB};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A view's or report's result: column names, DuckDB's column types (empty from the
/// shell) and rows.
#[derive(Debug)]
pub struct Table {
    pub columns: Vec<String>,
    pub types: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Orders values as tests/python/views.py does: NULL, numbers, text.
fn order(a: &Value, b: &Value) -> Ordering {
    let rank = |v: &Value| match v {
        Value::Null => 0,
        Value::Number(_) => 1,
        _ => 2,
    };
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            // Rounded for ordering only (12 significant digits), as views.py does.
            let round = |n: &serde_json::Number| {
                let f = n.as_f64().unwrap_or(f64::NAN);
                format!("{f:.11e}").parse::<f64>().unwrap_or(f)
            };
            round(x).total_cmp(&round(y))
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    })
}

fn sort_rows(rows: &mut [Vec<Value>]) {
    rows.sort_by(|a, b| {
        a.iter()
            .zip(b)
            .map(|(x, y)| order(x, y))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

/// Every view of the database as the stock sqlite3 shell returns it (`-json`: reals
/// printed to round-trip), rows in canonical order; None (after saying why) without the
/// shell.
pub fn shell_views(db: &Path) -> Option<BTreeMap<String, Table>> {
    let shell = sqlite3_shell()?;
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut views = BTreeMap::new();
    for view in view_names(&conn) {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT * FROM {view}"))
            .unwrap()
            .column_names()
            .into_iter()
            .map(String::from)
            .collect();
        let out = std::process::Command::new(shell)
            .arg("-json")
            .arg(db)
            .arg(format!("SELECT * FROM {view}"))
            .output()
            .expect("run sqlite3");
        assert!(
            out.status.success(),
            "sqlite3 {view}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let objects: Vec<serde_json::Map<String, Value>> = if text.trim().is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{view}: {e}"))
        };
        let mut rows: Vec<Vec<Value>> = objects
            .into_iter()
            .map(|o| {
                assert_eq!(o.len(), columns.len(), "{view}: duplicate column names");
                columns.iter().map(|c| o[c].clone()).collect()
            })
            .collect();
        sort_rows(&mut rows);
        views.insert(
            view,
            Table {
                columns,
                types: Vec::new(),
                rows,
            },
        );
    }
    Some(views)
}

fn view_names(conn: &rusqlite::Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// tests/python/views.py run with these arguments: each JSON line (keyed by the view's or
/// report's name), rows in canonical order.
pub fn views_py(python: &Path, args: &[&str]) -> BTreeMap<String, Table> {
    let out = std::process::Command::new(python)
        .arg(python_dir().join("views.py"))
        .args(args)
        .env("AMZDB", env!("CARGO_BIN_EXE_amzdb"))
        .output()
        .expect("run views.py");
    assert!(
        out.status.success(),
        "views.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let name = v
                .get("view")
                .or_else(|| v.get("report"))
                .and_then(Value::as_str)
                .expect("a name")
                .to_string();
            let strings = |key: &str| -> Vec<String> {
                v[key]
                    .as_array()
                    .expect("a list")
                    .iter()
                    .map(|s| s.as_str().expect("text").to_string())
                    .collect()
            };
            let mut rows: Vec<Vec<Value>> = v["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .map(|r| r.as_array().expect("a row").clone())
                .collect();
            sort_rows(&mut rows);
            let table = Table {
                columns: strings("columns"),
                types: strings("types"),
                rows,
            };
            (name, table)
        })
        .collect()
}

/// Whether the shell's value (`want`) and DuckDB's (`got`) are the same: text and NULL
/// equal, an integer exactly (DuckDB may hold it as a DOUBLE, exact below 2^53), a real
/// bit for bit.
fn same_value(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Number(w), Value::Number(g)) => match (w.as_i64(), g.as_i64()) {
            (Some(w), Some(g)) => w == g,
            (Some(w), None) => w.unsigned_abs() <= 1 << 53 && g.as_f64() == Some(w as f64),
            _ => w.as_f64() == g.as_f64(),
        },
        _ => want == got,
    }
}

/// Asserts DuckDB's rows of a view are the shell's, and that every column holding a
/// number in the shell is numeric in DuckDB (BIGINT, INTEGER or DOUBLE: not text, not a
/// BOOLEAN, not a 128-bit HUGEINT that Parquet and pandas readers handle poorly).
pub fn assert_same_rows(what: &str, shell: &Table, duck: &Table) {
    assert_eq!(shell.columns, duck.columns, "{what}: columns");
    assert_eq!(shell.rows.len(), duck.rows.len(), "{what}: row count");
    for (i, (want, got)) in shell.rows.iter().zip(&duck.rows).enumerate() {
        for (j, (w, g)) in want.iter().zip(got).enumerate() {
            assert!(
                same_value(w, g),
                "{what} row {i} column {}: sqlite3 {w}, DuckDB {g}\nsqlite3 row: {want:?}\nDuckDB row: {got:?}",
                shell.columns[j]
            );
        }
    }
    for (j, ty) in duck.types.iter().enumerate() {
        let numeric = shell.rows.iter().any(|r| r[j].is_number());
        if numeric {
            assert!(
                matches!(ty.as_str(), "BIGINT" | "INTEGER" | "DOUBLE"),
                "{what}: column {} holds numbers but is {ty} in DuckDB",
                shell.columns[j]
            );
        } else {
            assert!(
                matches!(ty.as_str(), "VARCHAR" | "BIGINT" | "INTEGER" | "DOUBLE"),
                "{what}: column {} is {ty} in DuckDB",
                shell.columns[j]
            );
        }
    }
}

/// The databases the tests compare on: the bundled dataset and each fixture set.
fn databases() -> Vec<(String, Dir)> {
    let bundled = Dir::new();
    bundled.run(&["init"]);
    let mut dirs = vec![("bundled".to_string(), bundled)];
    dirs.push(("fixtures/basic".to_string(), Dir::with_fixtures()));
    for fixture in [
        "reports_capex",
        "reports_definitions",
        "reports_derived",
        "reports_simple",
    ] {
        dirs.push((
            format!("fixtures/{fixture}"),
            crate::reports::dir_with(fixture),
        ));
    }
    dirs
}

fn db_path(dir: &Dir) -> PathBuf {
    dir.join(DB)
}

#[test]
fn every_view_gives_the_shells_rows_in_duckdb_over_the_sqlite_file() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    for (name, dir) in databases() {
        let db = db_path(&dir);
        let Some(shell) = shell_views(&db) else {
            return;
        };
        let duck = views_py(&python, &["sqlite", db.to_str().expect("UTF-8 path")]);
        assert_eq!(
            shell.keys().collect::<Vec<_>>(),
            duck.keys().collect::<Vec<_>>(),
            "{name}: views"
        );
        assert!(shell.len() >= 13, "{name}: {} views", shell.len());
        for (view, table) in &shell {
            assert_same_rows(&format!("{name}: {view}"), table, &duck[view]);
        }
        if name == "bundled" {
            // Not a comparison of two empty lists: the bundled data fills every view.
            for (view, table) in &shell {
                assert!(!table.rows.is_empty(), "bundled: {view} has no rows");
            }
        }
    }
}

/// `amzdb report NAME --format csv` parsed, rows in canonical order: a cell of a column
/// of these (DuckDB) types as a number when numeric, else as text; "" as NULL.
fn cli_rows(dir: &Dir, report: &str, types: &[String]) -> Table {
    let text = dir.run(&["report", report, "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let columns = reader.headers().unwrap().iter().map(String::from).collect();
    let mut rows: Vec<Vec<Value>> = reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .zip(types)
                .map(|(cell, ty)| match (cell, ty.as_str()) {
                    ("", _) => Value::Null,
                    (_, "VARCHAR") => Value::String(cell.into()),
                    _ => serde_json::from_str::<Value>(cell)
                        .ok()
                        .filter(Value::is_number)
                        .unwrap_or_else(|| panic!("{report}: {cell:?} is not a number")),
                })
                .collect()
        })
        .collect();
    sort_rows(&mut rows);
    Table {
        columns,
        types: Vec::new(),
        rows,
    }
}

#[test]
fn each_reports_sql_gives_the_clis_rows_in_duckdb() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = Dir::new();
    dir.run(&["init"]);
    let db = db_path(&dir);
    let listed = dir.run(&["report", "--format", "csv"]);
    let reports: Vec<String> = csv::Reader::from_reader(listed.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert!(reports.len() >= 11, "{reports:?}");
    for report in &reports {
        let sql = dir.run(&["report", report, "--sql"]);
        assert_eq!(sql, dir.run(&["report", report, "--sql"]));
        let mut args = vec![
            "sqlite",
            db.to_str().expect("UTF-8 path"),
            "--report",
            report.as_str(),
        ];
        // The CLI's default entity; a report spanning entities (cloud-peers) takes none.
        if sql.contains("$entity") {
            args.extend(["--param", "entity=AMZN"]);
        } else {
            assert_eq!(report, "cloud-peers", "{report} takes no $entity");
        }
        let duck = views_py(&python, &args);
        let got = &duck[report.as_str()];
        let cli = cli_rows(&dir, report, &got.types);
        assert_eq!(cli.columns, got.columns, "{report}: columns");
        assert_eq!(cli.rows.len(), got.rows.len(), "{report}: row count");
        assert!(!cli.rows.is_empty(), "{report}: no rows to compare");
        for (i, (want, row)) in cli.rows.iter().zip(&got.rows).enumerate() {
            for (j, (w, g)) in want.iter().zip(row).enumerate() {
                // The CLI prints reals to 15 significant digits.
                let same = match (w.as_f64(), g.as_f64()) {
                    (Some(w), Some(g)) => (w - g).abs() <= 1e-14 * w.abs().max(g.abs()),
                    // The CLI prints NULL and '' alike.
                    _ => w == g || (w.is_null() && g.as_str() == Some("")),
                };
                assert!(
                    same,
                    "{report} row {i} column {}: amzdb {w}, DuckDB {g}",
                    cli.columns[j]
                );
            }
        }
    }
}

/// The `days` table holds every date a view looks up: with a complete calendar in its
/// place (a TEMP table of the same name, which a statement's own `days` resolves to, while
/// the stored views keep reading the stored table), every view gives the same rows.
#[test]
fn a_complete_calendar_gives_every_view_the_same_rows() {
    for (name, dir) in databases() {
        let conn = rusqlite::Connection::open(db_path(&dir)).unwrap();
        conn.execute_batch(include_str!("complete_days.sql"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        let (stored, calendar) = (
            count("SELECT count(*) FROM main.days"),
            count("SELECT count(*) FROM temp.days"),
        );
        assert!(
            calendar > 2 * stored,
            "{name}: {calendar} days in the calendar, {stored} stored"
        );
        for view in view_names(&conn) {
            let body: String = conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'view' AND name = ?1",
                    [&view],
                    |r| r.get(0),
                )
                .unwrap();
            let body = body
                .split_once(" AS\n")
                .expect("CREATE VIEW name AS\\n...")
                .1;
            let mut with_stored = crate::util::rows_of(&conn, &format!("SELECT * FROM {view}"));
            let mut with_calendar = crate::util::rows_of(&conn, body);
            with_stored.sort();
            with_calendar.sort();
            assert_eq!(with_stored, with_calendar, "{name}: {view}");
        }
    }
}

/// Regression: a lineage printed a figure that is not a whole number of dollars by
/// truncating it (SQLite's `%` truncates, so 1234.5 passed as whole: "capex FY2021 1,234
/// (fact 24) - capex_proceeds_and_incentives FY2021 0M (fact 25)" for 1234.5 - 0.5). It is
/// now printed as it is, and whole amounts as before; DuckDB prints every lineage alike.
#[test]
fn a_lineage_prints_a_fraction_of_a_dollar_as_it_is_in_both_engines() {
    let dir = crate::reports::dir_with("reports_definitions");
    let facts = dir.write(
        "fractions.csv",
        "entity,metric,segment,period,measure,value,value_high,unit,qualifier,basis,\
         disclosure_type,source,published_on,quote,note\n\
         AMZN,capex,,FY2021,,1234.5,,USD,,,audited,amzn-10k,,,\n\
         AMZN,capex_proceeds_and_incentives,,FY2021,,0.5,,USD,,,audited,amzn-10k,,,\n\
         AMZN,capex,,FY2022,,1234,,USD,,,audited,amzn-10k,,,\n\
         AMZN,capex_proceeds_and_incentives,,FY2022,,1000000,,USD,,,audited,amzn-10k,,,\n",
    );
    dir.run(&["ingest", facts]);
    let rows = crate::reports::report_rows(&dir, &["capex-fcf"]);
    let fy2021 = crate::reports::row(&rows, &[("period_label", "FY2021")]);
    assert_eq!(fy2021["capex_cash"], "1234");
    assert_eq!(
        fy2021["capex_cash_how"],
        "derived by definition: capex FY2021 1234.5 (fact 24) - capex_proceeds_and_incentives \
         FY2021 0.5 (fact 25), by capex net of proceeds and incentives"
    );
    let fy2022 = crate::reports::row(&rows, &[("period_label", "FY2022")]);
    assert_eq!(
        fy2022["capex_cash_how"],
        "derived by definition: capex FY2022 1,234 (fact 26) - capex_proceeds_and_incentives \
         FY2022 1M (fact 27), by capex net of proceeds and incentives",
        "whole dollars with separators, whole millions in M, as before"
    );
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let db = db_path(&dir);
    let Some(shell) = shell_views(&db) else {
        return;
    };
    let duck = views_py(&python, &["sqlite", db.to_str().expect("UTF-8 path")]);
    for (view, table) in &shell {
        assert_same_rows(&format!("fractions: {view}"), table, &duck[view]);
    }
}
