//! `amzdb export DIR --format xlsx`: one workbook, typed cells. A first sheet "About"
//! explains the sheets, columns and tags; then one sheet per table and per report.
//!
//! Every cell is written with an explicit type: numbers with `write_number` (a display
//! format from what amzdb knows of the column: the report's `-- table:` units, or a
//! fact's own unit), ISO dates as dates, and all text with `write_string`, so a text
//! beginning with `=` is a text cell (never a formula) and needs no guard apostrophe.
//! The workbook is built in memory and saved through `output::file` (atomic, never through
//! a symbolic link).

use super::people::{Style, TableSpec};
use super::{file, plain, Rows};
use crate::error::{Error, Result};
use rusqlite::types::Value;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;
use std::path::Path;

/// One sheet of the workbook: its name, what it holds (for the About sheet), its rows,
/// and for a report its `-- table:` header (the columns' units).
pub struct Sheet<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// The report's `-- table:` header (empty for a table).
    pub table: &'a str,
    pub rows: &'a Rows,
}

/// The most rows a worksheet holds (Excel's limit), the header included.
const MAX_ROWS: usize = 1_048_576;
/// Sheet names are at most 31 characters (Excel's limit).
const MAX_NAME: usize = 31;
/// The widest a column is made, in characters (long quotes stay whole in the cell).
const MAX_WIDTH: usize = 60;
/// Whole numbers beyond this are not exact as a spreadsheet's double: written as text.
const EXACT_LIMIT: i64 = 1 << 53;

/// Writes one workbook at `path`: the About sheet, then a sheet per entry of `sheets`.
pub fn write(path: &Path, sheets: &[Sheet]) -> Result<()> {
    let failed = |message: String| Error::Output {
        path: path.to_path_buf(),
        message,
    };
    for sheet in sheets {
        if sheet.rows.rows.len() >= MAX_ROWS {
            return Err(failed(format!(
                "{} has {} rows, more than a worksheet holds ({}); export --format csv or \
                 --format parquet instead",
                sheet.name,
                sheet.rows.rows.len(),
                MAX_ROWS - 1
            )));
        }
    }
    let names = sheet_names(sheets.iter().map(|s| s.name));
    let mut workbook = Workbook::new();
    let about = about(sheets, &names);
    let mut all = vec![("About".to_string(), &about, Kind::About)];
    for (sheet, name) in sheets.iter().zip(&names) {
        all.push((
            name.clone(),
            sheet.rows,
            Kind::Data(TableSpec::parse(sheet.table)),
        ));
    }
    for (name, rows, kind) in &all {
        let worksheet = workbook.add_worksheet();
        worksheet
            .set_name(name.as_str())
            .map_err(|e| failed(format!("sheet {name}: {e}")))?;
        fill(worksheet, rows, kind).map_err(|e| failed(format!("sheet {name}: {e}")))?;
    }
    let bytes = workbook
        .save_to_buffer()
        .map_err(|e| failed(e.to_string()))?;
    file::write(path, |w| w.write_all(&bytes))
}

/// What a sheet is: the About sheet (long text, wrapped), or a table or report whose
/// numbers are formatted by its `-- table:` units (empty for a table) and, for a fact's
/// `value`, by its row's `unit`.
enum Kind {
    About,
    Data(TableSpec),
}

/// Unique sheet names within Excel's limits (31 characters, none of `[]:*?/\`, not
/// "About" nor "History", unique ignoring case), in order.
fn sheet_names<'a>(wanted: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = ["about", "history"].map(String::from).into();
    wanted
        .map(|want| {
            let clean: String = want
                .chars()
                .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
                .collect();
            let clean = clean.trim_matches('\'');
            let clean = if clean.is_empty() { "sheet" } else { clean };
            let mut n = 1;
            loop {
                let suffix = if n == 1 {
                    String::new()
                } else {
                    format!(" ({n})")
                };
                let keep = MAX_NAME - suffix.chars().count();
                let name: String = clean.chars().take(keep).collect::<String>() + &suffix;
                if taken.insert(name.to_lowercase()) {
                    return name;
                }
                n += 1;
            }
        })
        .collect()
}

/// The display format of a money column: $B when its largest value reaches a billion
/// (or it has none), else $M, as the terminal's tables scale a column.
fn usd_format(rows: &Rows, column: usize) -> &'static str {
    let max = rows
        .rows
        .iter()
        .filter_map(|r| number(&r[column]))
        .fold(0.0, |m: f64, v| m.max(v.abs()));
    if max >= 1e9 || max == 0.0 {
        USD_B
    } else {
        USD_M
    }
}

const USD_B: &str = "$#,##0.0##,,,\"B\"";
const USD_M: &str = "$#,##0.0##,,\"M\"";
/// amzdb stores percentages in percent points (77% is 77): shown with a literal `%`,
/// never rescaled.
const PCT: &str = "0.0\"%\"";
const RATIO: &str = "0.00";
const DATE: &str = "yyyy-mm-dd";

/// A fact's value by its unit: amounts scaled for reading with up to three decimals
/// (the cell keeps the exact value); units without a format stay General.
fn fact_format(unit: &str, value: f64, whole: bool) -> Option<&'static str> {
    let a = value.abs();
    Some(match unit {
        "USD" if a >= 1e9 => "$#,##0.0##,,,\"B\"",
        "USD" if a >= 1e6 => "$#,##0.0##,,\"M\"",
        "USD" if whole => "$#,##0",
        "USD" | "USD/share" | "USD/unit" | "USD/month" => "$#,##0.00##",
        "%" => "0.0##\"%\"",
        "pp" => "0.0##\" pp\"",
        "bps" => "#,##0.0##\" bps\"",
        "x" => "0.0##\"x\"",
        _ => return None,
    })
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}

/// `YYYY-MM-DD` that is a real day.
fn iso_date(text: &str) -> Option<ExcelDateTime> {
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    if text.len() != 10 {
        return None;
    }
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).ok()?,
        u8::try_from(day.month()).ok()?,
        u8::try_from(day.day()).ok()?,
    )
    .ok()
}

/// Writes a sheet: a bold header row, frozen, with an autofilter; each column typed.
fn fill(sheet: &mut Worksheet, rows: &Rows, kind: &Kind) -> std::result::Result<(), String> {
    let sheet_err = |e: XlsxError| e.to_string();
    let header = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let date = Format::new().set_num_format(DATE);
    let mut widths: Vec<usize> = rows.columns.iter().map(|c| c.chars().count() + 3).collect();
    for (c, name) in rows.columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col(c), name, &header)
            .map_err(sheet_err)?;
    }
    let unit = rows.columns.iter().position(|c| c == "unit");
    for (c, name) in rows.columns.iter().enumerate() {
        let dates = is_date_column(rows, c);
        let column_format = match kind {
            Kind::Data(spec) => match style(spec, name) {
                Style::Usd => Some(usd_format(rows, c)),
                Style::Pct => Some(PCT),
                Style::Ratio => Some(RATIO),
                _ => None,
            },
            Kind::About => None,
        };
        let column_format = column_format.map(|f| Format::new().set_num_format(f));
        // A fact's value (in facts, and in reports that carry each row's unit) is
        // formatted by its own unit, which says more than the column's.
        let by_unit = unit.is_some()
            && (name == "value" || name == "value_high")
            && !matches!(kind, Kind::About);
        for (i, row) in rows.rows.iter().enumerate() {
            let (r, c16) = (i as u32 + 1, col(c));
            let mut cell = || -> std::result::Result<usize, XlsxError> {
                Ok(match &row[c] {
                    Value::Null => 0,
                    Value::Integer(i) if i.unsigned_abs() > EXACT_LIMIT as u64 => {
                        // Exact as text rather than rounded to a double.
                        let text = i.to_string();
                        sheet.write_string(r, c16, &text)?;
                        text.len()
                    }
                    v @ (Value::Integer(_) | Value::Real(_)) => {
                        let n = number(v).unwrap_or_default();
                        if !n.is_finite() {
                            let text = plain(v);
                            sheet.write_string(r, c16, &text)?;
                            text.len()
                        } else {
                            let format = if by_unit {
                                let unit = unit.map_or(String::new(), |u| plain(&row[u]));
                                fact_format(&unit, n, matches!(v, Value::Integer(_)))
                                    .map(|f| Format::new().set_num_format(f))
                            } else {
                                column_format.clone()
                            };
                            match &format {
                                Some(f) => sheet.write_number_with_format(r, c16, n, f)?,
                                None => sheet.write_number(r, c16, n)?,
                            };
                            number_width(n, format.is_some())
                        }
                    }
                    Value::Text(t) => match dates.then(|| iso_date(t)).flatten() {
                        Some(day) => {
                            sheet.write_datetime_with_format(r, c16, &day, &date)?;
                            10
                        }
                        None if matches!(kind, Kind::About) => {
                            sheet.write_string_with_format(r, c16, t, &wrap)?;
                            t.chars().count()
                        }
                        None => {
                            sheet.write_string(r, c16, t)?;
                            t.chars().count()
                        }
                    },
                    v @ Value::Blob(_) => {
                        let text = plain(v);
                        sheet.write_string(r, c16, &text)?;
                        text.len()
                    }
                })
            };
            // Excel's row numbers: the header is row 1.
            let shown = cell().map_err(|e| {
                let hint = match e {
                    XlsxError::MaxStringLengthExceeded => {
                        "; export --format csv keeps such a text whole"
                    }
                    _ => "",
                };
                format!("row {}, column {name}: {e}{hint}", i + 2)
            })?;
            widths[c] = widths[c].max(shown + 2);
        }
    }
    for (c, width) in widths.iter().enumerate() {
        sheet
            .set_column_width(col(c), (*width).min(MAX_WIDTH) as f64)
            .map_err(sheet_err)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(sheet_err)?;
    if !rows.columns.is_empty() {
        let last_row = rows.rows.len() as u32;
        sheet
            .autofilter(0, 0, last_row, col(rows.columns.len() - 1))
            .map_err(sheet_err)?;
    }
    Ok(())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// A column is a date column when every value in it is an ISO date (`YYYY-MM-DD`).
fn is_date_column(rows: &Rows, c: usize) -> bool {
    let mut any = false;
    for row in &rows.rows {
        match &row[c] {
            Value::Null => {}
            Value::Text(t) if iso_date(t).is_some() => any = true,
            _ => return false,
        }
    }
    any
}

/// A column's style by the report's `-- table:` header; columns it does not list are
/// percentages when named `*_pct` (as in the terminal's tables), else plain.
fn style(spec: &TableSpec, column: &str) -> Style {
    spec.columns
        .iter()
        .find(|(c, _)| c == column)
        .map(|(_, s)| *s)
        .unwrap_or(if column.ends_with("_pct") {
            Style::Pct
        } else {
            Style::Text
        })
}

/// About how wide a number shows: a formatted one is short ($44.2B, 77.0%), a General one
/// as many characters as it has.
fn number_width(n: f64, formatted: bool) -> usize {
    if formatted {
        format!("{:.1}", n.abs() / 1e9).len().max(6) + 3
    } else {
        super::real(n).len()
    }
}

/// What the workbook holds and what its columns and tags mean: the sheets' titles and
/// descriptions (the `-- title:`/`-- description:` headers of `queries/`), then the
/// README's wording for the columns and tags.
fn about(sheets: &[Sheet], names: &[String]) -> Rows {
    let text = |s: &str| Value::Text(s.to_string());
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for (sheet, name) in sheets.iter().zip(names) {
        let meaning = if sheet.description.is_empty() {
            sheet.title.to_string()
        } else {
            format!("{}: {}", sheet.title, sheet.description)
        };
        rows.push(vec![
            text("sheet"),
            text(name),
            Value::Text(meaning),
            Value::Integer(sheet.rows.rows.len() as i64),
        ]);
    }
    for (topic, name, meaning) in ABOUT {
        rows.push(vec![text(topic), text(name), text(meaning), Value::Null]);
    }
    Rows {
        columns: ["topic", "name", "meaning", "rows"]
            .map(String::from)
            .into(),
        rows,
    }
}

/// The About sheet's rows after the list of sheets: (topic, name, meaning), worded as in
/// the README ("facts", "The disclosure-type rule", "Reports", "derived").
const ABOUT: &[(&str, &str, &str)] = &[
    (
        "cells",
        "numbers",
        "Numbers are numbers: values are stored in base units, exactly (44.2B USD is \
         44200000000); money shows in $B or $M, the cell holds the exact value. Percentages \
         are percent points (28% is 28), shown with a % sign, never rescaled. Dates are \
         dates; all text is text, never a formula.",
    ),
    (
        "disclosure_type",
        "audited (A)",
        "A line of the company's financial statements (revenue, segment revenue, purchases \
         of property and equipment, operating cash flow, net income, EPS), even when read in \
         a press article, and what follows from such lines alone. A figure amzdb derives is \
         as trusted as its least trusted input.",
    ),
    (
        "disclosure_type",
        "management_commentary (M)",
        "What management states that is not a statement line (run rates, backlog, \
         commitments, guidance, chip counts, power, usage growth), and every non-GAAP \
         measure the company computes (free cash flow, \"cash capex\", adjusted or \
         \"excluding\" figures), whatever document reports it.",
    ),
    (
        "disclosure_type",
        "third_party_estimate (E)",
        "Analysts, consensus, survey firms (CIRP), and journalists' own estimates or sums.",
    ),
    (
        "tag",
        "X_disclosure, X_source",
        "For a chosen figure X: its disclosure type (A, M or E in the terminal's tables) \
         and its source.",
    ),
    (
        "tag",
        "X_competing (·n)",
        "How many facts competed for the cell (the terminal shows ·n when n > 1).",
    ),
    (
        "tag",
        "X_conflict (!)",
        "1 when the facts that competed disagree beyond their precision.",
    ),
    (
        "tag",
        "X_how (*)",
        "`disclosed`, or how amzdb derived the figure (its lineage); the terminal marks \
         derived cells and columns with *.",
    ),
    (
        "column",
        "how (lineage)",
        "A derived figure's lineage names the rule and every fact by id: \
         `derived: H1 FY2025 (fact 5) - Q1 FY2025 (fact 4)`, or for a sum \
         `derived: sum of 4 quarters: ...`. Its disclosure type is the least trusted of its \
         inputs, its precision the sum of theirs. A disclosed figure always wins over a \
         derived one for the same period.",
    ),
    (
        "column",
        "value, value_high, value_text",
        "value: the value in base units, exactly; value_high: the upper end of a range; \
         value_text: the value exactly as given.",
    ),
    (
        "column",
        "precision",
        "The size of the value's last given digit in base units (44.2B is precise to \
         100000000, $44 billion to 1000000000), so conflict checks tell disagreement from \
         rounding.",
    ),
    (
        "column",
        "unit",
        "USD, USD/share, %, pp, bps, count, shares, GW, x, USD/unit, USD/month, days, \
         hours, seconds, or a unit the SEC uses (EUR, pure, ...).",
    ),
    (
        "column",
        "period_label, period_start, period_end, period_kind",
        "Periods resolve through the entity's fiscal year end: Q1 FY2026, H1 FY2026, \
         9M FY2026, FY2025, TTM Q1 FY2026 (the four quarters ending with Q1 FY2026), or an \
         instant 2026-03-31.",
    ),
    (
        "column",
        "measure",
        "level, yoy_pct, qoq_pct, yoy_change, qoq_change, yoy_multiple, qoq_multiple. \
         Growth claims are stored against the metric they describe: \"capex up 77% YoY\" is \
         metric capex, measure yoy_pct, value 77, unit %.",
    ),
    (
        "qualifier",
        "exact, approx, at_least, at_most, range",
        "exact; approx (\"~$200B\"); at_least (\"over $15 billion\"); at_most \
         (\"up to $25B\"); range (\"22%–24%\": value 22, value_high 24).",
    ),
    (
        "basis",
        "actual, run_rate, guidance, estimate, consensus, target",
        "What the figure is: what happened, a run rate, the company's guidance, an \
         estimate, analysts' consensus, or a target. A scenario's figures read \
         `BASIS: SCENARIO` in reports.",
    ),
    (
        "column",
        "scenario",
        "Empty (none), or the name of the hypothetical the figure belongs to (`at scale`, \
         `bull case`); never with basis actual.",
    ),
    (
        "choice",
        "one figure among many",
        "Reports show one figure per (entity, metric, segment, period, measure, basis, \
         unit): the most trusted disclosure type, then the company's own documents, then \
         the most precise figure, then the latest published, then the lowest fact_id. A \
         group disagrees when two of its facts differ by more than half the coarser \
         precision.",
    ),
    (
        "reports",
        "every entity",
        "Report sheets hold each view's rows with no options: every entity, every fact \
         (`amzdb report` defaults to AMZN).",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_unique_short_and_legal() {
        let long = "a_report_view_whose_name_is_longer_than_excel_allows";
        let names = sheet_names(["facts", "Facts", "about", long, long, "a/b:c?", ""].into_iter());
        assert_eq!(names[0], "facts");
        assert_eq!(names[1], "Facts (2)", "unique ignoring case");
        assert_eq!(names[2], "about (2)", "About is the first sheet's");
        assert_eq!(names[3], long.chars().take(31).collect::<String>());
        assert_eq!(names[4].chars().count(), 31);
        assert!(names[4].ends_with(" (2)"), "{}", names[4]);
        assert_eq!(names[5], "a_b_c_");
        assert_eq!(names[6], "sheet");
    }

    #[test]
    fn only_real_iso_days_are_dates() {
        assert!(iso_date("2024-12-31").is_some());
        assert!(iso_date("1900-01-01").is_some());
        for text in [
            "2024-02-30",
            "2024-1-01",
            "2024-12-31T00:00:00Z",
            "FY2024",
            "",
        ] {
            assert!(iso_date(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_facts_value_is_formatted_by_its_unit_never_rescaled() {
        assert_eq!(fact_format("USD", 44.2e9, true), Some("$#,##0.0##,,,\"B\""));
        assert_eq!(fact_format("USD", -468e6, true), Some("$#,##0.0##,,\"M\""));
        assert_eq!(fact_format("USD", 1234.0, true), Some("$#,##0"));
        assert_eq!(fact_format("USD/share", 2.78, false), Some("$#,##0.00##"));
        // Percent points: 77 shows as 77.0%, the cell stays 77.
        assert_eq!(fact_format("%", 77.0, true), Some("0.0##\"%\""));
        assert_eq!(fact_format("shares", 1e9, true), None);
    }

    #[test]
    fn a_column_is_dates_only_when_every_value_is_a_day() {
        let rows = Rows {
            columns: vec!["a".into(), "b".into(), "c".into()],
            rows: vec![
                vec![
                    Value::Text("2024-12-31".into()),
                    Value::Text("2024-12-31".into()),
                    Value::Null,
                ],
                vec![Value::Null, Value::Text("soon".into()), Value::Null],
            ],
        };
        assert!(is_date_column(&rows, 0));
        assert!(!is_date_column(&rows, 1));
        assert!(!is_date_column(&rows, 2));
    }

    #[test]
    fn a_sheet_beyond_excels_rows_is_refused_and_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amzdb.xlsx");
        let rows = Rows {
            columns: vec!["fact_id".into()],
            rows: vec![Vec::new(); MAX_ROWS],
        };
        let sheet = Sheet {
            name: "facts",
            title: "",
            description: "",
            table: "",
            rows: &rows,
        };
        let err = write(&path, &[sheet]).unwrap_err().to_string();
        assert!(
            err.contains("facts has 1048576 rows, more than a worksheet holds (1048575)"),
            "{err}"
        );
        assert!(!path.exists());
    }

    #[test]
    fn a_text_longer_than_a_cell_holds_is_refused_naming_its_cell() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amzdb.xlsx");
        let rows = Rows {
            columns: vec!["fact_id".into(), "quote".into()],
            rows: vec![
                vec![Value::Integer(1), Value::Text("short".into())],
                vec![Value::Integer(2), Value::Text("x".repeat(40_000))],
            ],
        };
        let sheet = Sheet {
            name: "facts",
            title: "",
            description: "",
            table: "",
            rows: &rows,
        };
        let err = write(&path, &[sheet]).unwrap_err().to_string();
        assert!(err.contains("sheet facts: row 3, column quote: "), "{err}");
        assert!(
            err.contains("export --format csv keeps such a text whole"),
            "{err}"
        );
        assert!(!path.exists());
    }
}
