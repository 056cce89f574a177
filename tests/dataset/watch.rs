//! The source documents' watch items (data/watch.csv) on the bundled database: every row
//! stored once with its quote verbatim in the document that set it, `report watchlist`
//! listing each item with the status the bundled figures give it (pending where no
//! figure of the period is bundled), and `report materiality` sizing the $15B AI run rate
//! against FY2025 revenue as the call-analysis page does (2.09%).

use super::{collapse, manifest_dir, rows, shared_dir};
use crate::reports::{assert_view_agrees_with_cli, report_rows, row};
use crate::util::{values_of, Dir};
use rusqlite::types::Value;
use std::collections::{BTreeMap, HashMap};

/// The bundled watch items as written, each with its CSV line.
fn watch_csv() -> Vec<(usize, BTreeMap<String, String>)> {
    let items: Vec<_> = rows(&manifest_dir().join("data/watch.csv"))
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .collect();
    assert!(!items.is_empty(), "data/watch.csv holds no watch item");
    items
}

/// Each row a query returns, its values joined by `|` (numbers as SQLite prints them,
/// NULL as nothing).
fn texts(dir: &Dir, sql: &str) -> Vec<String> {
    values_of(&dir.conn(), sql)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|v| match v {
                    Value::Null => String::new(),
                    Value::Integer(i) => i.to_string(),
                    Value::Real(f) => f.to_string(),
                    Value::Text(t) => t,
                    Value::Blob(_) => "<blob>".into(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// A new database with the bundled dataset, as `amzdb init` makes it.
fn bundled() -> Dir {
    let dir = Dir::new();
    dir.run(&["init"]);
    dir
}

/// The document a bundled row's note names (`in 001_....txt; ...`).
fn document(note: &str) -> &str {
    note.strip_prefix("in ")
        .and_then(|n| n.split([';', ' ']).next())
        .unwrap_or_else(|| panic!("note does not name its document: {note:?}"))
}

/// Whether a figure meets a condition, by the meaning every report uses: `above` is at
/// least low, `below` at most high, `between` inclusive.
fn meets(condition: &str, low: Option<f64>, high: Option<f64>, value: f64) -> bool {
    match condition {
        "above" => value >= low.expect("above has a low bound"),
        "below" => value <= high.expect("below has a high bound"),
        "between" => value >= low.expect("a low bound") && value <= high.expect("a high bound"),
        other => panic!("unknown condition {other:?}"),
    }
}

fn bound(text: &str) -> Option<f64> {
    (!text.is_empty()).then(|| {
        text.parse()
            .unwrap_or_else(|_| panic!("bound {text:?} is not a number"))
    })
}

#[test]
fn every_bundled_watch_item_is_stored_once_as_written() {
    let dir = bundled();
    let stored = texts(
        &dir,
        "SELECT w.line, e.ticker, m.slug, w.segment, w.measure, w.condition,
                ifnull(w.low_text, ''), ifnull(w.high_text, ''), u.unit, p.label, s.slug,
                w.quote, w.note
         FROM watch_items AS w
         JOIN ingest_batches AS b USING (batch_id)
         JOIN entities AS e USING (entity_id)
         JOIN metrics AS m USING (metric_id)
         JOIN units AS u ON u.unit_id = w.unit_id
         JOIN periods AS p ON p.period_id = w.from_period_id
         JOIN sources AS s ON s.source_id = w.source_id
         WHERE b.file_name = 'data/watch.csv'
         ORDER BY w.line",
    );
    let written: Vec<String> = watch_csv()
        .iter()
        .map(|(line, r)| {
            let measure = if r["measure"].is_empty() {
                "level"
            } else {
                &r["measure"]
            };
            [
                &line.to_string(),
                &r["entity"],
                &r["metric"],
                &r["segment"],
                measure,
                &r["condition"],
                &r["low"],
                &r["high"],
                &r["unit"],
                &r["from_period"],
                &r["source"],
                &r["quote"],
                &r["note"],
            ]
            .map(|s| s.to_string())
            .join("|")
        })
        .collect();
    assert_eq!(stored, written);
    // Nothing else holds watch items in the bundled dataset.
    assert_eq!(dir.count("watch_items"), written.len() as i64);
}

#[test]
fn every_bundled_watch_quote_is_verbatim_in_the_document_that_set_the_condition() {
    let Some(shared) = shared_dir("seeds") else {
        return;
    };
    let mut wrong = Vec::new();
    for (line, r) in watch_csv() {
        let doc = document(&r["note"]);
        let text = std::fs::read_to_string(shared.join("seeds").join(doc))
            .unwrap_or_else(|e| panic!("data/watch.csv:{line}: {doc}: {e}"));
        if r["quote"].is_empty() || !collapse(&text).contains(&collapse(&r["quote"])) {
            wrong.push(format!(
                "data/watch.csv:{line}: quote not in {doc}: {:?}",
                r["quote"]
            ));
        }
        // Each bundled condition is the document author's own, so its source is the
        // document's slug (seed-001-... for 001_....txt), as that document's facts use it.
        let slug = format!("seed-{}-", &doc[..3]);
        if !r["source"].starts_with(&slug) {
            wrong.push(format!(
                "data/watch.csv:{line}: source {} is not the document's own ({slug}...)",
                r["source"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The page's own sizing, as the bundled dataset stores it from seeds/002: the one fact
/// of `metric` and `segment` for FY2026 that the document itself gives.
fn page_figure(dir: &Dir, metric: &str, segment: &str) -> f64 {
    let found = texts(
        dir,
        &format!(
            "SELECT value FROM fact_detail
             WHERE entity = 'AMZN' AND metric = '{metric}' AND segment = '{segment}'
               AND period_label = 'FY2026' AND source = 'seed-002-earnings-call-analysis'"
        ),
    );
    assert_eq!(found.len(), 1, "{metric} {segment}: {found:?}");
    found[0].parse().expect("a number")
}

/// tests/reports/materiality.rs checks the arithmetic against the 10-K's revenue; this
/// checks that the report reproduces the call-analysis page's own sizing, stored as facts
/// of the page ("$15B AI run rate / $716.924B rev = 2.09%"; "~$200B (~28% of revenue)"),
/// to the digits the page gives.
#[test]
fn materiality_reproduces_the_call_analysis_page_s_sizing_as_bundled() {
    let dir = bundled();
    let report = report_rows(&dir, &["materiality"]);
    let ai = row(
        &report,
        &[
            ("metric", "revenue"),
            ("segment", "AWS AI services"),
            ("period_label", "Q1 FY2026"),
            ("basis", "run_rate"),
        ],
    );
    // The base is the stored FY2025 revenue the report names, and the percentage is the
    // claim over it, computed here.
    let base = texts(
        &dir,
        &format!(
            "SELECT metric, segment, period_label, basis, value FROM fact_detail
             WHERE fact_id = {}",
            ai["revenue_fact_id"]
        ),
    );
    let fields: Vec<&str> = base[0].split('|').collect();
    assert_eq!(fields[..4], ["revenue", "", "FY2025", "actual"]);
    assert_eq!(ai["base_period"], "FY2025");
    let revenue: f64 = fields[4].parse().expect("a number");
    let claim: f64 = ai["value"].parse().expect("a number");
    let pct: f64 = ai["pct_of_revenue"].parse().expect("a number");
    assert!((pct - 100.0 * claim / revenue).abs() < 1e-9, "{ai:#?}");
    let page = page_figure(&dir, "revenue_uplift", "AWS AI services");
    assert_eq!(
        format!("{pct:.2}"),
        format!("{page:.2}"),
        "the page's 2.09%"
    );
    assert_eq!(format!("{pct:.2}"), "2.09");

    let capex = row(
        &report,
        &[
            ("metric", "capex"),
            ("period_label", "FY2026"),
            ("basis", "guidance"),
        ],
    );
    let pct: f64 = capex["pct_of_revenue"].parse().expect("a number");
    let page = page_figure(&dir, "capex_to_revenue", "");
    // "~28% of revenue": the page rounds 27.9% to a whole percent.
    assert_eq!(pct.round(), page, "{capex:#?}");
}
