//! `amzdb export DIR --format parquet` read by the real DuckDB: the facts with their
//! provenance (Hive partitioned by entity), every report view and every base table, with
//! the types the module comment of src/output/parquet.rs states; a re-export leaves no
//! stale partition; links and foreign files are refused.

use super::clients::python_dir;
use crate::util::{assert_contains, names, python_with, values_of, Dir, DB};
use rusqlite::types::Value;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// Runs SQL statements in DuckDB (tests/python/parquet.py): each result's rows as JSON.
fn duckdb(python: &Path, sql: &[String]) -> Vec<Vec<Vec<Json>>> {
    let out = std::process::Command::new(python)
        .arg(python_dir().join("parquet.py"))
        .args(sql)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sql:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Every row of a query on the test database, as SQLite returns them.
fn sqlite_rows(dir: &Dir, sql: &str) -> Vec<Vec<Value>> {
    values_of(&dir.conn(), sql)
}

/// Whether DuckDB's value is SQLite's: numbers equal (an integer in a DOUBLE column is
/// the same double), text equal, and a number in a text column written as SQLite prints it.
fn same(sqlite: &Value, duck: &Json) -> bool {
    match (sqlite, duck) {
        (Value::Null, Json::Null) => true,
        (Value::Integer(i), Json::Number(n)) => match n.as_i64() {
            Some(d) => d == *i,
            None => n.as_f64() == Some(*i as f64),
        },
        (Value::Real(r), Json::Number(n)) => n.as_f64() == Some(*r),
        (Value::Text(t), Json::String(s)) => t == s,
        (Value::Integer(i), Json::String(s)) => s == &i.to_string(),
        (Value::Real(r), Json::String(s)) => s == &amzdb::output::real(*r),
        _ => false,
    }
}

fn facts_glob(out: &Path, under: &str) -> String {
    format!(
        "read_parquet('{}/*/*.parquet', hive_partitioning = true)",
        out.join(under).display()
    )
}

fn export(dir: &Dir, name: &str) -> PathBuf {
    let stdout = dir.run(&["export", name, "--format", "parquet"]);
    assert_contains(&stdout, "exported ");
    dir.join(name)
}

#[test]
fn duckdb_reads_the_parquet_facts_and_reports_as_sqlite_has_them() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = Dir::new();
    dir.cmd().arg("init").assert().success();
    let out = export(&dir, "pq");

    // Partitions are named by ticker: one per entity with facts.
    let tickers: Vec<String> = sqlite_rows(
        &dir,
        "SELECT DISTINCT entity FROM fact_detail ORDER BY entity",
    )
    .into_iter()
    .map(|r| match &r[0] {
        Value::Text(t) => format!("entity={t}"),
        other => panic!("{other:?}"),
    })
    .collect();
    assert!(tickers.len() >= 2, "{tickers:?}");
    assert_eq!(names(&out.join("facts")), tickers);
    assert_eq!(names(&out.join("tables/facts")), tickers);

    let facts = facts_glob(&out, "facts");
    let results = duckdb(
        &python,
        &[
            format!(
                "SELECT entity, count(*), sum(value), sum(fact_id) FROM {facts} \
                 GROUP BY entity ORDER BY entity"
            ),
            format!(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {facts}) \
                 WHERE column_name IN ('fact_id', 'value', 'period_end', 'ingested_line')"
            ),
            format!(
                "SELECT DISTINCT value, value_text FROM {facts} WHERE entity = 'AMZN' \
                 AND value_text = '44.2B'"
            ),
            format!(
                "SELECT capex, typeof(capex) FROM '{}' WHERE entity = 'AMZN' \
                 AND period_label = 'Q1 FY2026' AND basis = 'actual'",
                out.join("reports/capex_vs_fcf.parquet").display()
            ),
        ],
    );
    // Count, entities and per-entity sums as SQLite has them.
    let sqlite = sqlite_rows(
        &dir,
        "SELECT entity, count(*), sum(value), sum(fact_id) FROM fact_detail \
         GROUP BY entity ORDER BY entity",
    );
    assert_eq!(results[0].len(), sqlite.len());
    for (duck, lite) in results[0].iter().zip(&sqlite) {
        assert!(same(&lite[0], &duck[0]), "{lite:?} {duck:?}");
        assert!(same(&lite[1], &duck[1]), "{lite:?} {duck:?}");
        assert!(same(&lite[3], &duck[3]), "{lite:?} {duck:?}");
        // A sum of doubles in another order: equal to 1e-12.
        let a = match lite[2] {
            Value::Integer(i) => i as f64,
            Value::Real(r) => r,
            ref other => panic!("{other:?}"),
        };
        let b = duck[2].as_f64().unwrap();
        assert!((a - b).abs() <= a.abs() * 1e-12, "{a} {b}");
    }
    // Types: integers exact (BIGINT), the value numeric (DOUBLE: integers and reals),
    // dates ISO text.
    let mut types: Vec<(String, String)> = results[1]
        .iter()
        .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            ("fact_id", "BIGINT"),
            ("ingested_line", "BIGINT"),
            ("period_end", "VARCHAR"),
            ("value", "DOUBLE"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        results[2],
        [[Json::from(44_200_000_000.0), Json::from("44.2B")]]
    );
    // A report column of whole numbers is BIGINT, exact (Amazon's capex, > 2^32).
    let capex: i64 = dir.one(
        "SELECT capex FROM capex_vs_fcf WHERE entity = 'AMZN' \
         AND period_label = 'Q1 FY2026' AND basis = 'actual'",
    );
    assert!(capex > 1 << 32);
    assert_eq!(results[3], [[Json::from(capex), Json::from("BIGINT")]]);

    // Every report file holds its view's rows, in order.
    let views: Vec<&str> = amzdb::report::all()
        .into_iter()
        .filter_map(|q| q.view)
        .collect();
    assert!(views.len() >= 10, "{views:?}");
    let sql: Vec<String> = views
        .iter()
        .map(|v| {
            format!(
                "SELECT * FROM '{}'",
                out.join(format!("reports/{v}.parquet")).display()
            )
        })
        .collect();
    for ((view, duck), sql) in views.iter().zip(duckdb(&python, &sql)).zip(&sql) {
        let lite = sqlite_rows(&dir, &format!("SELECT * FROM {view}"));
        assert_eq!(duck.len(), lite.len(), "{view}: {sql}");
        for (d, l) in duck.iter().zip(&lite) {
            assert_eq!(d.len(), l.len(), "{view}");
            assert!(
                d.iter().zip(l).all(|(d, l)| same(l, d)),
                "{view}: DuckDB {d:?}\nSQLite {l:?}"
            );
        }
    }
}

#[test]
fn every_base_table_is_exported_with_its_stored_columns_and_declared_types() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = Dir::with_fixtures();
    let out = export(&dir, "pq");
    let strict: Vec<String> = sqlite_rows(
        &dir,
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND strict = 1 AND name NOT LIKE 'sqlite_%' AND name <> 'facts' ORDER BY name",
    )
    .into_iter()
    .map(|r| match &r[0] {
        Value::Text(t) => format!("{t}.parquet"),
        other => panic!("{other:?}"),
    })
    .chain(["facts".to_string()])
    .collect();
    let mut tables = names(&out.join("tables"));
    tables.sort_by_key(|n| n == "facts");
    assert_eq!(tables, strict);
    let rows = |table: &str| {
        if table == "facts" {
            format!(
                "SELECT * EXCLUDE (entity) FROM {}",
                facts_glob(&out, "tables/facts")
            )
        } else {
            format!(
                "SELECT * FROM '{}'",
                out.join(format!("tables/{table}.parquet")).display()
            )
        }
    };
    for table in ["entities", "periods", "facts"] {
        let stored: Vec<Vec<Value>> = sqlite_rows(
            &dir,
            &format!(
                "SELECT name, CASE upper(type) WHEN 'INTEGER' THEN 'BIGINT' WHEN 'REAL' \
                 THEN 'DOUBLE' WHEN 'TEXT' THEN 'VARCHAR' END FROM pragma_table_xinfo('{table}') \
                 WHERE hidden = 0 AND upper(type) IN ('INTEGER', 'REAL', 'TEXT') ORDER BY cid"
            ),
        );
        let [described, counted] = &duckdb(
            &python,
            &[
                format!(
                    "SELECT column_name, column_type FROM (DESCRIBE {})",
                    rows(table)
                ),
                format!("SELECT count(*) FROM ({})", rows(table)),
            ],
        )[..] else {
            panic!("two results");
        };
        assert_eq!(described.len(), stored.len(), "{table}: {described:?}");
        for (d, s) in described.iter().zip(&stored) {
            assert!(
                same(&s[0], &d[0]) && same(&s[1], &d[1]),
                "{table}: {d:?} {s:?}"
            );
        }
        assert_eq!(counted[0][0], Json::from(dir.count(table)), "{table}");
    }
    // The typed value columns (schema v5): an integer stays an exact BIGINT.
    let exact = duckdb(
        &python,
        &[format!(
            "SELECT value_int, value_real, typeof(value_int) FROM ({}) WHERE value_text = '44.2B'",
            rows("facts")
        )],
    );
    assert_eq!(
        exact[0],
        [[
            Json::from(44_200_000_000_i64),
            Json::Null,
            Json::from("BIGINT")
        ]]
    );
}

#[test]
fn a_re_export_after_an_entity_lost_its_facts_leaves_no_stale_partition() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let dir = Dir::with_fixtures();
    let out = export(&dir, "pq");
    let both = ["entity=DECO", "entity=JANO"].map(String::from);
    assert_eq!(names(&out.join("facts")), both);
    assert_eq!(names(&out.join("tables/facts")), both);

    let conn = rusqlite::Connection::open(dir.join(DB)).unwrap();
    conn.execute(
        "DELETE FROM facts WHERE entity_id = (SELECT entity_id FROM entities WHERE ticker = 'JANO')",
        [],
    )
    .unwrap();
    drop(conn);
    export(&dir, "pq");
    assert_eq!(names(&out.join("facts")), ["entity=DECO"]);
    assert_eq!(names(&out.join("tables/facts")), ["entity=DECO"]);
    let hidden: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "temporaries left: {hidden:?}");
    let counts = duckdb(
        &python,
        &[
            format!("SELECT count(*) FROM {}", facts_glob(&out, "facts")),
            format!("SELECT count(*) FROM {}", facts_glob(&out, "tables/facts")),
        ],
    );
    let facts = Json::from(dir.count("facts"));
    assert_eq!(counts, [[[facts.clone()]], [[facts]]]);
}

#[test]
fn a_parquet_export_refuses_links_foreign_files_and_a_file_for_its_directory() {
    let dir = Dir::with_fixtures();
    dir.write("notes.txt", "keep me");
    let stderr = dir.refused_unchanged(&["export", "notes.txt", "--format", "parquet"]);
    assert_contains(&stderr, "refused: notes.txt: is not a directory");

    // DIR/facts a link to someone's directory: refused, nothing written there.
    std::fs::create_dir_all(dir.join("victim")).unwrap();
    dir.write("victim/mine.txt", "keep me");
    std::fs::create_dir_all(dir.join("linked")).unwrap();
    std::os::unix::fs::symlink(dir.join("victim"), dir.join("linked/facts")).unwrap();
    let stderr = dir.run_err(&["export", "linked", "--format", "parquet"]);
    assert_contains(&stderr, "linked/facts: is a symbolic link");
    assert_eq!(names(&dir.join("victim")), ["mine.txt"]);
    assert!(!dir.join("linked/tables").exists() && !dir.join("linked/reports").exists());

    // A report file that is a link, or a file no export wrote: refused, left as they are.
    let out = export(&dir, "pq");
    std::fs::remove_file(out.join("reports/conflicts.parquet")).unwrap();
    std::os::unix::fs::symlink(dir.join("notes.txt"), out.join("reports/conflicts.parquet"))
        .unwrap();
    let stderr = dir.run_err(&["export", "pq", "--format", "parquet"]);
    assert_contains(&stderr, "conflicts.parquet");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
    std::fs::remove_file(out.join("reports/conflicts.parquet")).unwrap();
    dir.write("pq/facts/entity=DECO/notes.txt", "mine");
    let stderr = dir.run_err(&["export", "pq", "--format", "parquet"]);
    assert_contains(&stderr, "entity=DECO/notes.txt");
    assert_eq!(
        std::fs::read_to_string(out.join("facts/entity=DECO/notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn every_views_sql_over_the_parquet_export_gives_the_shells_rows() {
    // The README's mapping: one DuckDB view per base table over DIR/tables (facts over its
    // Hive partitions, without the partition column), then each view's SQL as the
    // database stores it, unchanged (tests/python/views.py parquet).
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let bundled = Dir::new();
    bundled.run(&["init"]);
    for (what, dir) in [
        ("bundled", bundled),
        ("fixtures/basic", Dir::with_fixtures()),
    ] {
        let out = export(&dir, "pq");
        let db = dir.join(DB);
        let Some(shell) = super::duckdb::shell_views(&db) else {
            return;
        };
        let duck = super::duckdb::views_py(
            &python,
            &[
                "parquet",
                out.to_str().unwrap(),
                "--views",
                db.to_str().unwrap(),
            ],
        );
        assert_eq!(
            shell.keys().collect::<Vec<_>>(),
            duck.keys().collect::<Vec<_>>(),
            "{what}"
        );
        assert!(shell.len() >= 13, "{what}: {:?}", shell.keys());
        for (view, rows) in &shell {
            super::duckdb::assert_same_rows(&format!("{what} {view}"), rows, &duck[view]);
        }
    }
}
