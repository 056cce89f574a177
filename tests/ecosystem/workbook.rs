//! `amzdb export DIR --format xlsx`, read back by a real reader (openpyxl, through
//! tests/python/workbook.py): typed cells, display formats from amzdb's units, text that
//! is never a formula and shows no guard apostrophe, frozen headers, every report's rows.

use super::clients::python_dir;
use crate::util::{assert_contains, python_with, Dir};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Facts whose text a spreadsheet would take for a formula, an em dash and "77%".
const HOSTILE: &[&str] = &[
    "ACME,revenue,,Q2 FY2025,,-2B,,USD,,,audited,acme-10k,,\"=HYPERLINK(\"\"http://x\"\")\",@note",
    "ACME,revenue,,Q3 FY2025,,+3B,,USD,,,audited,acme-10k,,\"+1 call — up 77%\",-minus",
    "ACME,revenue,,Q4 FY2025,yoy_pct,77%,,%,,,audited,acme-10k,,\"@SUM(A1) _x0041_ —\",=1+2",
];

/// A fact's value_text, quote, note, value and published_on.
type Fact = (String, Option<String>, Option<String>, f64, Option<String>);

/// The texts of HOSTILE as they must come back.
const HOSTILE_TEXTS: &[&str] = &[
    "=HYPERLINK(\"http://x\")",
    "@note",
    "-2B",
    "+3B",
    "+1 call — up 77%",
    "-minus",
    "77%",
    "@SUM(A1) _x0041_ —",
    "=1+2",
];

/// The bundled database (`amzdb init`) plus an entity whose facts look like formulas.
fn bundled_with_hostile_text() -> Dir {
    let dir = Dir::new();
    dir.run(&["init"]);
    with_hostile_text(&dir);
    dir
}

/// Ingests ACME, its source (titled like a formula) and the HOSTILE facts.
fn with_hostile_text(dir: &Dir) {
    dir.write(
        "acme/entities.csv",
        "ticker,name,cik,fiscal_year_end\nACME,Acme Corp,,12-31\n",
    );
    dir.write(
        "acme/sources.csv",
        "source,publisher,title,published_on,url,kind\n\
         acme-10k,Acme,=Acme 10-K,2026-02-01,,filing\n",
    );
    dir.write("acme/facts.csv", crate::util::facts_csv(HOSTILE));
    dir.run(&["ingest", "acme"]);
}

/// workbook.py's output for the workbook (a summary, or one sheet's rows).
fn read(python: &Path, workbook: &Path, sheet: Option<&str>) -> Value {
    let mut cmd = std::process::Command::new(python);
    cmd.arg(python_dir().join("workbook.py")).arg(workbook);
    if let Some(sheet) = sheet {
        cmd.arg(sheet);
    }
    let out = cmd.output().expect("run workbook.py");
    assert!(
        out.status.success(),
        "workbook.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("workbook.py prints JSON")
}

fn sheet<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

/// A column's {type or format: count}.
fn counts(sheet: &Value, column: &str, what: &str) -> Vec<(String, i64)> {
    let mut all: Vec<(String, i64)> = sheet["columns"][column][what]
        .as_object()
        .unwrap_or_else(|| panic!("{}: no column {column}", sheet["name"]))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
        .collect();
    all.sort();
    all
}

fn export(dir: &Dir) -> PathBuf {
    let out = dir.run(&["export", "book", "--format", "xlsx"]);
    assert_eq!(out, "exported 1 file to book: amzdb.xlsx\n");
    dir.join("book/amzdb.xlsx")
}

#[test]
fn the_workbook_has_typed_cells_no_formulas_and_every_reports_rows() {
    let Some(python) = python_with(&["openpyxl"]) else {
        return;
    };
    let dir = bundled_with_hostile_text();
    let summary = read(&python, &export(&dir), None);
    let conn = dir.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };

    // Sheets: About, the tables, then a sheet per report view, named within Excel's limits.
    let names: Vec<&str> = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names[..5],
        ["About", "facts", "entities", "sources", "metrics"]
    );
    let views: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
            .unwrap();
        let all = stmt.query_map([], |r| r.get(0)).unwrap();
        all.collect::<Result<_, _>>().unwrap()
    };
    let reports = &names[5..];
    assert!(reports.len() >= 11, "{names:?}");
    for name in &names {
        assert!(name.chars().count() <= 31, "{name}");
        assert_eq!(
            names
                .iter()
                .filter(|n| n.eq_ignore_ascii_case(name))
                .count(),
            1,
            "{name} twice"
        );
    }

    for s in summary.as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        assert_eq!(s["formulas"], serde_json::json!([]), "{name}: formulas");
        assert_eq!(s["quote_prefix"], serde_json::json!([]), "{name}: guards");
        assert_eq!(s["freeze"], "A2", "{name}: header row frozen");
        let columns = s["columns"].as_object().unwrap();
        let last = openpyxl_column(columns.len());
        assert_eq!(
            s["filter"],
            format!("A1:{last}{}", s["rows"].as_i64().unwrap() + 1),
            "{name}"
        );
        for (column, c) in columns {
            let width = c["width"].as_f64().unwrap_or(0.0);
            assert!(
                (4.0..=62.0).contains(&width),
                "{name}.{column}: width {width}"
            );
        }
    }

    // Every report sheet has its view's rows; the tables theirs.
    for name in reports {
        assert!(views.iter().any(|v| v == name), "{name} is not a view");
        assert_eq!(
            sheet(&summary, name)["rows"],
            count(&format!("SELECT count(*) FROM \"{name}\"")),
            "{name}"
        );
    }
    assert_eq!(
        sheet(&summary, "facts")["rows"],
        count("SELECT count(*) FROM facts")
    );
    assert_eq!(
        sheet(&summary, "sources")["rows"],
        count("SELECT count(*) FROM sources")
    );

    // Numbers are numbers with amzdb's formats: a report's `-- table:` units (capex in $B,
    // growth in percent points with a literal %, ratios) ...
    let capex = sheet(&summary, "capex_vs_fcf");
    let with_capex = count("SELECT count(capex) FROM capex_vs_fcf");
    assert_eq!(counts(capex, "capex", "types"), [("n".into(), with_capex)]);
    assert_eq!(
        counts(capex, "capex", "formats"),
        [("$#,##0.0##,,,\"B\"".into(), with_capex)]
    );
    let yoy = count("SELECT count(capex_yoy_pct) FROM capex_vs_fcf");
    assert_eq!(
        counts(capex, "capex_yoy_pct", "formats"),
        [("0.0\"%\"".into(), yoy)]
    );
    let backlog = sheet(&summary, "backlog_conversion");
    assert_eq!(
        counts(backlog, "book_to_bill", "formats"),
        [(
            "0.00".into(),
            count("SELECT count(book_to_bill) FROM backlog_conversion")
        )]
    );
    // ... and a fact's value by its own unit, the cell holding the exact value.
    let facts = sheet(&summary, "facts");
    assert_eq!(
        counts(facts, "value", "types"),
        [("n".into(), count("SELECT count(*) FROM facts"))]
    );
    let formats = counts(facts, "value", "formats");
    let format = |f: &str| formats.iter().find(|(k, _)| k == f).map_or(0, |(_, n)| *n);
    assert_eq!(
        format("0.0##\"%\""),
        count("SELECT count(*) FROM fact_detail WHERE unit = '%'")
    );
    assert_eq!(
        format("$#,##0.0##,,,\"B\""),
        count("SELECT count(*) FROM fact_detail WHERE unit = 'USD' AND abs(value) >= 1e9")
    );
    // Dates are dates.
    for (sheet_name, column) in [
        ("facts", "period_end"),
        ("facts", "published_on"),
        ("sources", "published_on"),
        ("capex_vs_fcf", "period_end"),
    ] {
        let s = sheet(&summary, sheet_name);
        let n = count(&format!(
            "SELECT count({column}) FROM {}",
            if sheet_name == "facts" {
                "fact_detail"
            } else {
                sheet_name
            }
        ));
        assert!(n > 0, "{sheet_name}.{column}");
        assert_eq!(counts(s, column, "types"), [("d".into(), n)]);
        assert_eq!(counts(s, column, "formats"), [("yyyy-mm-dd".into(), n)]);
    }

    // Text is text, exactly: every quote, note and value_text of every fact, the formula
    // lookalikes, the em dashes and "77%" among them, with no guard apostrophe; numbers
    // exact.
    let rows = read(&python, &dir.join("book/amzdb.xlsx"), Some("facts"));
    let rows = rows.as_array().unwrap();
    let header: Vec<&str> = rows[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT value_text, quote, note, CAST(value AS REAL), published_on \
             FROM fact_detail ORDER BY fact_id",
        )
        .unwrap();
    let expected: Vec<Fact> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len() - 1, expected.len());
    for (row, (value_text, quote, note, value, published)) in rows[1..].iter().zip(&expected) {
        assert_eq!(row[at("value_text")], *value_text);
        assert_eq!(row[at("quote")].as_str(), quote.as_deref());
        assert_eq!(row[at("note")].as_str(), note.as_deref());
        assert_eq!(row[at("value")].as_f64(), Some(*value));
        assert_eq!(row[at("published_on")].as_str(), published.as_deref());
    }
    for text in HOSTILE_TEXTS {
        assert!(
            rows.iter()
                .any(|r| r.as_array().unwrap().contains(&(*text).into())),
            "{text} not found as it was written"
        );
    }
    let sources = read(&python, &dir.join("book/amzdb.xlsx"), Some("sources"));
    assert!(sources
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r[2] == "=Acme 10-K"));
}

/// The column letters openpyxl gives column `n` (1-based).
fn openpyxl_column(mut n: usize) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap()
}

#[test]
fn the_about_sheet_lists_every_sheet_and_explains_the_tags() {
    let Some(python) = python_with(&["openpyxl"]) else {
        return;
    };
    let dir = Dir::with_fixtures();
    let book = export(&dir);
    let summary = read(&python, &book, None);
    let about = read(&python, &book, Some("About"));
    let about = about.as_array().unwrap();
    assert_eq!(
        about[0],
        serde_json::json!(["topic", "name", "meaning", "rows"])
    );
    for s in &summary.as_array().unwrap()[1..] {
        let row = about
            .iter()
            .find(|r| r[0] == "sheet" && r[1] == s["name"])
            .unwrap_or_else(|| panic!("About does not list {}", s["name"]));
        assert_eq!(row[3], s["rows"], "{}", s["name"]);
        assert!(row[2].as_str().unwrap().len() > 10, "{row:?}");
    }
    // The reports' titles come from their queries' headers.
    let capex = about.iter().find(|r| r[1] == "capex_vs_fcf").unwrap();
    assert_contains(
        capex[2].as_str().unwrap(),
        "Capex against free cash flow: Per entity and fiscal period",
    );
    for tag in [
        "audited (A)",
        "management_commentary (M)",
        "third_party_estimate (E)",
        "X_how (*)",
    ] {
        assert!(about.iter().any(|r| r[1] == tag), "About lacks {tag}");
    }
}

#[test]
fn a_workbook_export_refuses_a_file_a_symlinked_target_and_csv_options() {
    let dir = Dir::with_fixtures();
    // DIR is a file: refused, the file kept.
    dir.write("notes.txt", "keep me");
    let stderr = dir.refused_unchanged(&["export", "notes.txt", "--format", "xlsx"]);
    assert_contains(&stderr, "notes.txt: is not a directory");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );

    // The workbook's name is a symbolic link: refused, the link and its target kept.
    dir.write("victim.txt", "keep me too");
    std::fs::create_dir(dir.join("book")).unwrap();
    std::os::unix::fs::symlink("../victim.txt", dir.join("book/amzdb.xlsx")).unwrap();
    let stderr = dir.refused_unchanged(&["export", "book", "--format", "xlsx"]);
    assert_contains(&stderr, "amzdb.xlsx");
    assert_contains(&stderr, "symbolic link");
    assert!(std::fs::symlink_metadata(dir.join("book/amzdb.xlsx"))
        .unwrap()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(dir.join("victim.txt")).unwrap(),
        "keep me too"
    );
    assert_eq!(crate::util::names(&dir.join("book")), ["amzdb.xlsx"]);

    // --bom and --raw are CSV's: a usage error, nothing written.
    for flag in ["--bom", "--raw"] {
        let out = dir
            .cmd()
            .args(["export", "fresh", "--format", "xlsx", flag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert_contains(&String::from_utf8_lossy(&out.stderr), "--format csv only");
        assert!(!dir.join("fresh").exists(), "{flag}: created the directory");
    }
}

/// LibreOffice's `soffice`, when installed (it is not among CI's clients: the test says
/// why it skips).
fn soffice() -> Option<&'static str> {
    let works = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("skipped: no LibreOffice (`soffice`) on PATH");
    }
    works.then_some("soffice")
}

/// `soffice --headless [--infilter=FILTER] --convert-to xlsx FILE` into `out`, with a
/// profile of the test's own; the path of the xlsx written.
fn convert(dir: &Dir, soffice: &str, filter: Option<&str>, file: &str, out: &str) -> PathBuf {
    let mut cmd = std::process::Command::new(soffice);
    cmd.current_dir(dir.path()).arg("--headless").arg(format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    ));
    if let Some(filter) = filter {
        cmd.arg(format!("--infilter={filter}"));
    }
    let status = cmd
        .args(["--convert-to", "xlsx", "--outdir", out, file])
        .output()
        .expect("run soffice");
    let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
    let xlsx = dir.join(out).join(format!("{stem}.xlsx"));
    assert!(
        xlsx.is_file(),
        "soffice wrote no {}: {}",
        xlsx.display(),
        String::from_utf8_lossy(&status.stderr)
    );
    xlsx
}

/// The README's recipes for LibreOffice, run: the CSV opened as UTF-8 (the export's em
/// dashes intact, "77%" kept as text, nothing run as a formula), and the workbook read
/// as written.
#[test]
fn libreoffice_opens_the_csv_as_utf8_and_the_workbook_as_written() {
    let Some(python) = python_with(&["openpyxl"]) else {
        return;
    };
    let Some(soffice) = soffice() else {
        return;
    };
    let dir = Dir::with_fixtures();
    with_hostile_text(&dir);
    let cells = |xlsx: &Path| -> Vec<Value> {
        let summary = read(&python, xlsx, None);
        for s in summary.as_array().unwrap() {
            assert_eq!(s["formulas"], serde_json::json!([]), "{}", xlsx.display());
        }
        let name = summary[0]["name"].as_str().unwrap().to_string();
        read(&python, xlsx, Some(&name))
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().clone())
            .collect()
    };

    // `--raw` with the 13th filter field false (formulas not evaluated): every text as
    // written, no apostrophe.
    dir.run(&["export", "raw", "--raw"]);
    let raw = cells(&convert(
        &dir,
        soffice,
        Some("CSV:44,34,76,1,,0,false,false,,,,,false"),
        "raw/facts.csv",
        "lo-raw",
    ));
    for text in HOSTILE_TEXTS {
        assert!(raw.contains(&(*text).into()), "{text} not kept");
    }
    assert!(
        raw.contains(&"fact_id".into()),
        "the header is read as UTF-8"
    );

    // The default (guarded) export with a BOM: UTF-8, no BOM in the header, "77%" text,
    // nothing run; the guard shows.
    dir.run(&["export", "guarded", "--bom"]);
    let guarded = cells(&convert(
        &dir,
        soffice,
        Some("CSV:44,34,76,1,,0,false,false"),
        "guarded/facts.csv",
        "lo-guarded",
    ));
    assert!(guarded.contains(&"fact_id".into()), "no BOM in the header");
    assert!(guarded.contains(&"77%".into()));
    assert!(guarded.contains(&"'+1 call — up 77%".into()));
    assert!(guarded.contains(&"'=HYPERLINK(\"http://x\")".into()));

    // The workbook, converted by LibreOffice: still no formula, every fact as written.
    let book = export(&dir);
    let converted = convert(&dir, soffice, None, "book/amzdb.xlsx", "lo-book");
    let summary = read(&python, &converted, None);
    for s in summary.as_array().unwrap() {
        assert_eq!(s["formulas"], serde_json::json!([]), "{}", s["name"]);
    }
    assert_eq!(
        read(&python, &converted, Some("facts")),
        read(&python, &book, Some("facts"))
    );
}

#[test]
fn a_whole_number_a_spreadsheet_cannot_hold_exactly_is_written_as_its_exact_text() {
    let Some(python) = python_with(&["openpyxl"]) else {
        return;
    };
    let dir = Dir::with_fixtures();
    // 10^17 (the largest value amzdb stores) is beyond 2^53: as a double it would not be
    // exact, so the cell is its digits, as text.
    dir.ingest_ok_rows(&[
        "DECO,revenue,,FY2024,,100000000000000000,,USD,,,audited,deco-10q,,,",
        "DECO,revenue,,FY2023,,9007199254740992,,USD,,,audited,deco-10q,,,",
    ]);
    let rows = read(&python, &export(&dir), Some("facts"));
    let rows = rows.as_array().unwrap();
    let value = rows[0]
        .as_array()
        .unwrap()
        .iter()
        .position(|h| h == "value")
        .unwrap();
    let values: Vec<&Value> = rows[1..].iter().map(|r| &r[value]).collect();
    assert!(
        values.contains(&&Value::from("100000000000000000")),
        "{values:?}"
    );
    assert!(
        values.contains(&&Value::from(9007199254740992_i64)),
        "2^53 is exact: a number"
    );
}
