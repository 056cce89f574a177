//! Schema v5 as other engines and old databases see it: DuckDB reads every base table of
//! a real database with its types (facts' typed value columns), an upgraded v4 database
//! keeps every value and its type exactly, and `days` holds the date arithmetic of every
//! period, filled by the migration and by the trigger on each new period.

use super::clients::python_dir;
use crate::util::{python_with, sqlite3_shell, values_of, Dir, DB};
use rusqlite::types::Value;
use rusqlite::Connection;

/// A database built by `amzdb init` (the bundled dataset), at `DB`.
fn bundled() -> Dir {
    let dir = Dir::new();
    dir.run(&["init"]);
    assert!(dir.join(DB).is_file());
    dir
}

/// One query's result as DuckDB returned it: column names and types, and rows of values
/// rebuilt exactly (see tests/python/typed.py).
struct Duck {
    columns: Vec<(String, String)>,
    rows: Vec<Vec<Value>>,
}

/// Runs each SQL in DuckDB over the database (attached read-only through the sqlite
/// extension, without sqlite_all_varchar).
fn duckdb(python: &std::path::Path, db: &std::path::Path, sqls: &[String]) -> Vec<Duck> {
    let out = std::process::Command::new(python)
        .arg(python_dir().join("typed.py"))
        .arg(db)
        .args(sqls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let results: Vec<Duck> = text
        .lines()
        .map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let columns = json["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_str().unwrap().into(), c[1].as_str().unwrap().into()))
                .collect();
            let rows = json["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row.as_array().unwrap().iter().map(untag).collect())
                .collect();
            Duck { columns, rows }
        })
        .collect();
    assert_eq!(results.len(), sqls.len(), "{text}");
    results
}

/// A value as typed.py tagged it: "i:" an integer, "f:" a double (its repr, which
/// parses back to the same double), "s:" text, null; any other tag fails the test.
fn untag(v: &serde_json::Value) -> Value {
    let Some(tagged) = v.as_str() else {
        assert!(v.is_null(), "{v}");
        return Value::Null;
    };
    match tagged.split_once(':') {
        Some(("i", n)) => Value::Integer(n.parse().unwrap()),
        Some(("f", x)) => Value::Real(x.parse().unwrap()),
        Some(("s", s)) => Value::Text(s.into()),
        _ => panic!("DuckDB returned a value of another type: {tagged}"),
    }
}

/// Rows in one order whatever order an engine returned them in.
fn sorted(mut rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
    rows.sort_by_key(|r| format!("{r:?}"));
    rows
}

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    conn.prepare(sql)
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap()
}

#[test]
fn duckdb_reads_every_base_table_with_its_stored_types() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = bundled();
    let conn = dir.conn();
    let tables = strings(
        &conn,
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    );
    for wanted in ["facts", "days", "periods", "entities", "sources"] {
        assert!(tables.iter().any(|t| t == wanted), "{tables:?}");
    }
    let mut sqls: Vec<String> = tables
        .iter()
        .map(|t| format!("SELECT * FROM \"{t}\""))
        .collect();
    sqls.push("DESCRIBE facts".into());
    let results = duckdb(&python, &dir.join(DB), &sqls);
    for (table, duck) in tables.iter().zip(&results) {
        // The stored columns: SQLite's table_info, like DuckDB's scanner, leaves out the
        // generated ones (value, value_high, precision).
        let stored = strings(
            &conn,
            &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        );
        let names: Vec<&str> = duck.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, stored, "{table}: DuckDB's columns");
        let list = stored
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let expected = values_of(&conn, &format!("SELECT {list} FROM \"{table}\""));
        assert!(
            !expected.is_empty() || table == "segment_map" || table == "concept_metrics",
            "{table} is empty in the bundled database"
        );
        assert_eq!(
            sorted(duck.rows.clone()),
            sorted(expected),
            "{table}: DuckDB's rows differ from SQLite's"
        );
    }
    let facts = results.last().unwrap();
    let types: Vec<(String, String)> = facts
        .rows
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Value::Text(n), Value::Text(t)) => (n.clone(), t.clone()),
            other => panic!("{other:?}"),
        })
        .filter(|(n, _)| n.starts_with("value") || n.starts_with("precision"))
        .collect();
    let expected: Vec<(String, String)> = [
        ("value_int", "BIGINT"),
        ("value_real", "DOUBLE"),
        ("value_high_int", "BIGINT"),
        ("value_high_real", "DOUBLE"),
        ("precision_int", "BIGINT"),
        ("precision_real", "DOUBLE"),
        ("value_text", "VARCHAR"),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), t.to_string()))
    .collect();
    assert_eq!(types, expected);
    // The bundled facts have both kinds of value, so both columns were really read.
    let kinds = strings(&conn, "SELECT DISTINCT typeof(value) FROM facts ORDER BY 1");
    assert_eq!(kinds, ["integer", "real"]);
}

#[test]
fn duckdb_sums_each_entitys_values_as_sqlite_does() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = bundled();
    let by_entity = |value: &str| {
        format!(
            "SELECT e.ticker, count(*), sum(f.value_int), {value} \
             FROM facts AS f JOIN entities AS e ON e.entity_id = f.entity_id \
             GROUP BY e.ticker ORDER BY e.ticker"
        )
    };
    // DuckDB's sum adds doubles one after another; SQLite's sum, like DuckDB's fsum,
    // compensates for rounding: fsum is the one that must agree to the last bit (both
    // are the exact sum, rounded once: 125708011305069.72 for AMZN, where the plain sum
    // is 0.2 off).
    let duck = duckdb(
        &python,
        &dir.join(DB),
        &[
            by_entity("fsum(coalesce(f.value_int, f.value_real))"),
            by_entity("sum(coalesce(f.value_int, f.value_real))"),
        ],
    );
    let sqlite = values_of(&dir.conn(), &by_entity("sum(f.value)"));
    assert!(sqlite.len() >= 3, "{sqlite:?}");
    assert_eq!(duck[0].rows.len(), sqlite.len());
    assert_eq!(duck[1].rows.len(), sqlite.len());
    let as_f64 = |v: &Value| match *v {
        Value::Integer(i) => i as f64,
        Value::Real(x) => x,
        ref other => panic!("{other:?}"),
    };
    for (exact, (plain, s)) in duck[0].rows.iter().zip(duck[1].rows.iter().zip(&sqlite)) {
        // Ticker, count and the sum of the whole values (HUGEINT in DuckDB): equal.
        assert_eq!(exact[..3], s[..3]);
        assert_eq!(as_f64(&exact[3]), as_f64(&s[3]), "{exact:?} vs {s:?}");
        let off = (as_f64(&plain[3]) - as_f64(&s[3])).abs();
        assert!(off <= 1e-12 * as_f64(&s[3]).abs(), "{plain:?} vs {s:?}");
    }
}

/// Asserts `days` has a row for every date a period starts or ends on and for every date
/// those rows name, no other row, and that each row holds what SQLite computes for its
/// day. Returns how many rows it has.
fn assert_days_complete(conn: &Connection) -> i64 {
    let wanted = "WITH RECURSIVE
        period_days(day) AS (
            SELECT start_date FROM periods WHERE start_date IS NOT NULL
            UNION SELECT end_date FROM periods),
        named(day) AS (
            SELECT day FROM period_days
            UNION SELECT date(day, '+1 day') FROM period_days
            UNION SELECT date(day, 'start of month', '-2 months', '-1 day') FROM period_days
            UNION SELECT date(day, '+1 day', '-3 months') FROM period_days
            UNION SELECT date(day, '+1 day', '-12 months') FROM period_days
            UNION SELECT date(day, '+1 year', '-1 day') FROM period_days)";
    let missing = strings(
        conn,
        &format!(
            "{wanted} SELECT n.day FROM named AS n LEFT JOIN days AS d ON d.day = n.day \
             WHERE d.day IS NULL ORDER BY n.day"
        ),
    );
    assert!(missing.is_empty(), "days has no row for {missing:?}");
    let extra = strings(
        conn,
        &format!(
            "{wanted} SELECT d.day FROM days AS d WHERE d.day NOT IN (SELECT day FROM named) \
             ORDER BY d.day"
        ),
    );
    assert!(extra.is_empty(), "days has rows no period needs: {extra:?}");
    let wrong = strings(
        conn,
        "SELECT day FROM days WHERE
            next_day IS NOT date(day, '+1 day')
            OR next_md IS NOT strftime('%m-%d', day, '+1 day')
            OR prev_q_end IS NOT date(day, 'start of month', '-2 months', '-1 day')
            OR q_start IS NOT date(day, '+1 day', '-3 months')
            OR ttm_start IS NOT date(day, '+1 day', '-12 months')
            OR year_end IS NOT date(day, '+1 year', '-1 day')
            OR cal_quarter IS NOT (CAST(strftime('%m', day) AS INTEGER) + 2) / 3
            OR day_num IS NOT CAST(julianday(day) - julianday('1970-01-01') AS INTEGER)
            OR typeof(cal_quarter) <> 'integer' OR typeof(day_num) <> 'integer'",
    );
    assert!(
        wrong.is_empty(),
        "days rows that differ from SQLite's dates: {wrong:?}"
    );
    conn.query_row("SELECT count(*) FROM days", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn days_holds_every_period_date_and_the_dates_it_names_also_after_an_ingest() {
    let dir = bundled();
    let before = assert_days_complete(&dir.conn());
    let periods: i64 = dir.one("SELECT count(*) FROM periods");
    assert!(before > periods, "{before} days for {periods} periods");
    // A spot check against a date worked out by hand: Q3 2025 ends on 2025-09-30.
    let row: (String, String, String, String, String, i64, i64) = dir
        .conn()
        .query_row(
            "SELECT next_day, prev_q_end, q_start, ttm_start, year_end, cal_quarter, day_num \
             FROM days WHERE day = '2025-09-30'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "2025-10-01".into(),
            "2025-06-30".into(),
            "2025-07-01".into(),
            "2024-10-01".into(),
            "2026-09-29".into(),
            3,
            20_361,
        )
    );

    // A new period brings its days through the trigger: a fact for a quarter no bundled
    // fact has (Q1 FY2031 is 2031-01-01..2031-03-31 in Amazon's calendar).
    let new_day = "2031-01-01";
    let had: i64 = dir.one(&format!(
        "SELECT count(*) FROM days WHERE day = '{new_day}'"
    ));
    assert_eq!(had, 0, "the bundle should not need {new_day} yet");
    let source: String = dir.one("SELECT slug FROM sources ORDER BY source_id LIMIT 1");
    let out = dir.ingest_ok_rows(&[&format!(
        "AMZN,capex,,Q1 FY2031,level,50B,,USD,exact,guidance,management_commentary,\
         {source},,,a period no bundled fact has"
    )]);
    assert!(out.starts_with("ingested 1 facts"), "{out}");
    assert_eq!(dir.one::<i64>("SELECT count(*) FROM periods"), periods + 1);
    let after = assert_days_complete(&dir.conn());
    assert!(after > before, "{before} -> {after} days");
    let row: (String, String) = dir
        .conn()
        .query_row(
            "SELECT next_day, prev_q_end FROM days WHERE day = ?1",
            [new_day],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(row, ("2031-01-02".into(), "2030-10-31".into()));
}

/// Facts with values at the edges of exactness, added to a v4 database as an older amzdb
/// stored them: (value, value_high, precision) as SQL literals, with the qualifier a
/// value_high needs.
const EDGE_VALUES: [(&str, &str, &str); 8] = [
    // 2^53 + 1: no double holds it; it must stay this INTEGER.
    ("9007199254740993", "NULL", "1"),
    ("-9223372036854775808", "NULL", "1"),
    ("-5", "NULL", "1"),
    // A whole number stored as REAL stays REAL.
    ("5.0", "NULL", "0.5"),
    ("0.1", "NULL", "0.001"),
    ("-2.5", "NULL", "0.1"),
    ("1.5", "2.5", "0.1"),
    ("3", "3.25", "0.25"),
];

#[test]
fn a_v4_database_upgrades_keeping_every_value_and_its_type() {
    let dir = Dir::new();
    let sql = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade/v4.sql"),
    )
    .unwrap();
    {
        let conn = Connection::open(dir.join(DB)).unwrap();
        conn.execute_batch(&sql).unwrap();
        for (n, (value, high, precision)) in EDGE_VALUES.iter().enumerate() {
            let qualifier = if *high == "NULL" { "exact" } else { "range" };
            let basis = if *high == "NULL" {
                "actual"
            } else {
                "guidance"
            };
            conn.execute(
                &format!(
                    "INSERT INTO facts (entity_id, metric_id, segment, period_id, measure, \
                         value, value_high, precision, value_text, unit_id, qualifier, basis, \
                         disclosure_type, source_id, published_on, batch_id, line, fact_key) \
                     SELECT entity_id, metric_id, segment, period_id, measure, {value}, \
                         {high}, {precision}, '{value}', unit_id, '{qualifier}', '{basis}', \
                         disclosure_type, source_id, published_on, batch_id, 100 + ?1, ?1 \
                     FROM facts WHERE fact_id = 1"
                ),
                [n as i64],
            )
            .unwrap();
        }
    }
    let typed = "SELECT fact_id, value, typeof(value), value_high, typeof(value_high), \
                 precision, typeof(precision) FROM facts ORDER BY fact_id";
    let before = values_of(&Connection::open(dir.join(DB)).unwrap(), typed);
    assert_eq!(before.len(), 11 + EDGE_VALUES.len());
    assert_eq!(before[11][1], Value::Integer(9_007_199_254_740_993));
    assert_eq!(before[14][1], Value::Real(5.0));

    let out = dir.run(&["migrate"]);
    assert!(
        out.starts_with("test.sqlite: migrated to version "),
        "{out}"
    );

    let conn = Connection::open(dir.join(DB)).unwrap();
    assert_eq!(
        values_of(&conn, typed),
        before,
        "a value or its type changed"
    );
    // Each value sits in the typed column of its own type, the other one empty.
    let misplaced: i64 = conn
        .query_row(
            "SELECT count(*) FROM facts WHERE
                (value_int IS NOT NULL) <> (typeof(value) = 'integer')
                OR (value_real IS NOT NULL) <> (typeof(value) = 'real')
                OR (value_high_int IS NOT NULL) <> (typeof(value_high) = 'integer')
                OR (value_high_real IS NOT NULL) <> (typeof(value_high) = 'real')
                OR (precision_int IS NOT NULL) <> (typeof(precision) = 'integer')
                OR (precision_real IS NOT NULL) <> (typeof(precision) = 'real')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(misplaced, 0);
    // The migration filled days for the periods the database already had.
    assert!(assert_days_complete(&conn) > 0);
    drop(conn);

    // The stock sqlite3 shell prints the integer beyond a double's reach exactly.
    if let Some(shell) = sqlite3_shell() {
        let out = std::process::Command::new(shell)
            .current_dir(dir.path())
            .args([
                "-readonly",
                DB,
                "SELECT value, typeof(value) FROM facts WHERE line IN (100, 103) ORDER BY line",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "9007199254740993|integer\n5.0|real\n"
        );
    }
}
