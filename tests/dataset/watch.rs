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
    assert_view_agrees_with_cli(&dir, "materiality", "materiality");
}

/// The bundled facts with basis `actual` of a metric and segment whose period ends on
/// `end`: the figures the watchlist could choose, derive or compute from for that period.
fn actual_facts(dir: &Dir, metric: &str, segment: &str, end: &str) -> Vec<String> {
    texts(
        dir,
        &format!(
            "SELECT fact_id || ' ' || period_label || ' ' || measure || ' ' || value
             FROM fact_detail
             WHERE entity = 'AMZN' AND metric = '{metric}' AND segment = '{segment}'
               AND period_end = '{end}' AND basis = 'actual'
             ORDER BY fact_id"
        ),
    )
}

#[test]
fn the_watchlist_lists_every_bundled_item_with_the_status_the_bundled_figures_give() {
    let dir = bundled();
    let report = report_rows(&dir, &["watchlist"]);
    let items = watch_csv();
    let mut by_item: HashMap<String, Vec<&HashMap<String, String>>> = HashMap::new();
    for r in &report {
        by_item.entry(r["watch_quote"].clone()).or_default().push(r);
    }
    // Every bundled item is listed (each quote is one item's) and nothing else is.
    assert_eq!(
        by_item.len(),
        items.len(),
        "items listed: {:#?}",
        by_item.keys()
    );
    for (line, item) in &items {
        let listed = by_item
            .get(&item["quote"])
            .unwrap_or_else(|| panic!("data/watch.csv:{line} is not listed"));
        for r in listed {
            assert_eq!(
                (
                    &r["metric"],
                    &r["segment"],
                    &r["condition"],
                    &r["watch_source"]
                ),
                (
                    &item["metric"],
                    &item["segment"],
                    &item["condition"],
                    &item["source"]
                ),
                "data/watch.csv:{line}: {r:#?}"
            );
            if r["value"].is_empty() {
                // Pending: no figure of that period is bundled, as the facts show.
                assert_eq!(r["status"], "pending", "{r:#?}");
                assert_eq!(
                    actual_facts(&dir, &item["metric"], &item["segment"], &r["period_end"]),
                    Vec::<String>::new(),
                    "data/watch.csv:{line}: pending although figures of {} are bundled",
                    r["period_label"]
                );
            } else if r["status"] != "unclear" {
                let value: f64 = r["value"].parse().expect("a number");
                let met = meets(&r["condition"], bound(&r["low"]), bound(&r["high"]), value);
                assert_eq!(r["status"], if met { "met" } else { "missed" }, "{r:#?}");
            }
        }
    }
    // The first quarter the documents watch is Q2 FY2026, and no Q2 FY2026 figure is
    // bundled: the $50B capex item is pending, and the bundled capex of Q1 FY2026
    // (44,203M) is not listed for it, as the item starts at Q2.
    let capex = row(
        &report,
        &[("metric", "capex"), ("period_label", "Q2 FY2026")],
    );
    assert_eq!(capex["status"], "pending");
    assert_eq!(
        actual_facts(&dir, "capex", "", "2026-06-30"),
        Vec::<String>::new()
    );
    assert!(!actual_facts(&dir, "capex", "", "2026-03-31").is_empty());
    assert!(report
        .iter()
        .all(|r| r["metric"] != "capex" || r["period_label"] != "Q1 FY2026"));
    // As it stood at the end of 2026: only the items whose source is dated by then (an
    // undated document's items are left out), as data/sources.csv dates them.
    let dated: HashMap<String, String> = rows(&manifest_dir().join("data/sources.csv"))
        .into_iter()
        .map(|r| (r["source"].clone(), r["published_on"].clone()))
        .collect();
    let mut expected: Vec<&str> = items
        .iter()
        .filter(|(_, i)| {
            let on = &dated[&i["source"]];
            !on.is_empty() && on.as_str() <= "2026-12-31"
        })
        .map(|(_, i)| i["quote"].as_str())
        .collect();
    let as_of = report_rows(&dir, &["watchlist", "--as-of", "2026-12-31"]);
    let mut listed: Vec<&str> = as_of.iter().map(|r| r["watch_quote"].as_str()).collect();
    expected.sort_unstable();
    listed.sort_unstable();
    listed.dedup();
    assert!(
        !expected.is_empty() && expected.len() < items.len(),
        "{expected:?}"
    );
    assert_eq!(listed, expected);
    assert_view_agrees_with_cli(&dir, "watchlist", "watchlist");
}

/// Made-up figures for the quarters after Q1 FY2026 (none is bundled), written with the
/// names the bundled facts use, so that each bundled watch item meets a figure: its
/// metric, segment, measure and unit match what the facts of that period will be. The
/// source says they are made up; they live only in this test's database.
const MADE_UP_SOURCE: &str = "source,publisher,title,published_on,url,kind\n\
test-made-up-q2-fy2026,amzdb tests,Made-up figures after Q1 FY2026 (not data),2026-07-31,,research\n";

fn made_up(
    metric: &str,
    segment: &str,
    period: &str,
    measure: &str,
    value: &str,
    unit: &str,
) -> String {
    format!(
        "AMZN,{metric},{segment},{period},{measure},{value},,{unit},exact,actual,audited,\
         test-made-up-q2-fy2026,,made up,made up for tests/dataset/watch.rs"
    )
}

#[test]
fn figures_of_the_next_quarters_decide_every_bundled_item_by_its_bounds() {
    let dir = bundled();
    dir.write("made_up_sources.csv", MADE_UP_SOURCE);
    // AWS growth disclosed; advertising growth only as two levels (computed); Q2 capex
    // only as a half-year figure (derived: H1 - Q1); the AWS margin flat on the quarter
    // ("stable": met); TTM free cash flow rising from TTM Q2 to TTM Q3.
    let (ads_q2_2025, ads_q2_2026) = (15_690_000_000.0, 18_500_000_000.0);
    let capex_h1 = 92_000_000_000.0;
    let (fcf_ttm_q2, fcf_ttm_q3) = (1_000_000_000.0, 3_500_000_000.0);
    let rows = [
        made_up("revenue", "AWS", "Q2 FY2026", "yoy_pct", "29%", "%"),
        made_up(
            "revenue",
            "Advertising",
            "Q2 FY2025",
            "level",
            &format!("{ads_q2_2025}"),
            "USD",
        ),
        made_up(
            "revenue",
            "Advertising",
            "Q2 FY2026",
            "level",
            &format!("{ads_q2_2026}"),
            "USD",
        ),
        made_up(
            "capex",
            "",
            "H1 FY2026",
            "level",
            &format!("{capex_h1}"),
            "USD",
        ),
        made_up("operating_margin", "AWS", "Q1 FY2026", "level", "35%", "%"),
        made_up("operating_margin", "AWS", "Q2 FY2026", "level", "35%", "%"),
        made_up(
            "free_cash_flow",
            "",
            "TTM Q2 FY2026",
            "level",
            &format!("{fcf_ttm_q2}"),
            "USD",
        ),
        made_up(
            "free_cash_flow",
            "",
            "TTM Q3 FY2026",
            "level",
            &format!("{fcf_ttm_q3}"),
            "USD",
        ),
    ];
    dir.write(
        "made_up_facts.csv",
        crate::util::facts_csv(&rows.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    dir.run(&["ingest", "made_up_sources.csv", "made_up_facts.csv"]);
    let report = report_rows(&dir, &["watchlist"]);
    let items = watch_csv();
    // Every item now has a figure at its first period, judged by its own bounds, and
    // the next period is pending.
    for (line, item) in &items {
        let first = row(
            &report,
            &[
                ("watch_quote", &item["quote"]),
                ("period_label", &item["from_period"]),
            ],
        );
        assert_ne!(
            first["status"], "pending",
            "data/watch.csv:{line}: {first:#?}"
        );
        let value: f64 = first["value"].parse().expect("a number");
        let met = meets(
            &item["condition"],
            bound(&first["low"]),
            bound(&first["high"]),
            value,
        );
        assert_eq!(
            first["status"],
            if met { "met" } else { "missed" },
            "{first:#?}"
        );
        // Then one pending row: the next period of the kind, which has no figure.
        let rest: Vec<_> = report
            .iter()
            .filter(|r| {
                r["watch_quote"] == item["quote"] && r["period_label"] != item["from_period"]
            })
            .collect();
        assert_eq!(rest.len(), 1, "data/watch.csv:{line}: {rest:#?}");
        assert_eq!(rest[0]["status"], "pending");
        assert!(rest[0]["period_end"] > first["period_end"], "{rest:#?}");
    }
    let value_of = |quote_start: &str| -> (f64, String, String) {
        let (_, item) = items
            .iter()
            .find(|(_, i)| i["quote"].starts_with(quote_start))
            .unwrap_or_else(|| panic!("no item quoting {quote_start:?}"));
        let r = row(
            &report,
            &[
                ("watch_quote", &item["quote"]),
                ("period_label", &item["from_period"]),
            ],
        );
        // The lineage's first word: disclosed, derived (a quarter from year-to-date
        // figures) or computed (a growth or change from two levels).
        let how = r["how"].split([':', ' ']).next().unwrap_or("").to_string();
        (
            r["value"].parse().expect("a number"),
            r["status"].clone(),
            how,
        )
    };
    let met = |value: f64, how: &str| (value, "met".to_string(), how.to_string());
    assert_eq!(
        value_of("First, whether AWS growth"),
        met(29.0, "disclosed")
    );
    assert_eq!(
        value_of("The real marginal information"),
        met(29.0, "disclosed")
    );
    assert_eq!(
        value_of("AWS quarterly growth falling below 25%"),
        met(29.0, "disclosed")
    );
    let (ads, status, how) = value_of("Fourth, whether the advertising");
    assert!(
        (ads - 100.0 * (ads_q2_2026 / ads_q2_2025 - 1.0)).abs() < 1e-9,
        "{ads}"
    );
    assert_eq!(
        (status.as_str(), how.as_str()),
        ("missed", "computed"),
        "17.9% is under 20%"
    );
    let (capex, status, how) = value_of("If Q2 lands above $50B");
    let q1 = actual_facts(&dir, "capex", "", "2026-03-31");
    assert!(
        q1.iter()
            .any(|f| f.ends_with(&format!(" level {}", capex_h1 as i64 - capex as i64))),
        "Q2 capex {capex} is not H1 {capex_h1} less a bundled Q1 figure: {q1:?}"
    );
    assert_eq!(
        (status.as_str(), how.as_str()),
        ("missed", "derived"),
        "{capex} is under $50B"
    );
    // A flat margin is "stable": met, as the inclusive bound 0 reads it.
    assert_eq!(
        value_of("Second, whether AWS operating margin"),
        met(0.0, "computed")
    );
    assert_eq!(
        value_of("Third, whether free cash flow"),
        met(fcf_ttm_q3 - fcf_ttm_q2, "computed")
    );
}
