//! capex-fcf, backlog-conversion, conflicts and consistency on the hand-written
//! fixtures in tests/fixtures/reports_capex (a company with a December year end).

use super::{assert_view_agrees_with_cli, dir_with, num, report_rows, row};

/// The reports this module tests, with their views.
const REPORTS: [(&str, &str); 4] = [
    ("capex-fcf", "capex_vs_fcf"),
    ("backlog-conversion", "backlog_conversion"),
    ("conflicts", "conflicts"),
    ("consistency", "consistency"),
];

#[test]
fn capex_fcf_derives_ttm_sums_and_fcf_and_marks_them() {
    let dir = dir_with("reports_capex");
    let rows = report_rows(&dir, &["capex-fcf", "--entity", "ACME"]);
    let q1 = row(&rows, &[("period_label", "Q1 FY2026"), ("basis", "actual")]);
    assert_eq!(q1["capex"], "40000000000", "the 10-Q beats the newswire");
    assert_eq!(q1["capex_source"], "acme-10q");
    assert_eq!(q1["capex_competing"], "2");
    assert_eq!(
        q1["capex_conflict"], "1",
        "40B and 41B disagree beyond 0.5B"
    );
    assert_eq!(q1["capex_cash"], "39000000000");
    assert_eq!(q1["capex_ttm"], "100000000000", "10B + 20B + 30B + 40B");
    assert_eq!(
        q1["capex_ttm_how"],
        "derived: sum of 4 quarters: Q2 FY2025 (fact 2) + Q3 FY2025 (fact 3) \
         + Q4 FY2025 (fact 4) + Q1 FY2026 (fact 6)",
        "the lineage names each quarter's fact"
    );
    assert_eq!(q1["operating_cash_flow_ttm"], "130000000000");
    assert_eq!(q1["operating_cash_flow_ttm_how"], "disclosed");
    assert_eq!(q1["fcf_ttm"], "30000000000");
    assert!(q1["fcf_ttm_how"].starts_with("derived: operating_cash_flow_ttm - capex_ttm"));
    assert!(
        q1["fcf_ttm_how"].contains("not the company's own free cash flow definition"),
        "never passed off as the company's FCF"
    );
    assert_eq!(num(q1, "capex_yoy_pct"), 400.0);

    let q4 = row(&rows, &[("period_label", "Q4 FY2025")]);
    assert_eq!(q4["capex_conflict"], "0", "30B and 30.4B agree within 0.5B");
    assert_eq!(q4["capex_ttm"], "68000000000");
    assert_eq!(q4["fcf_ttm"], "5000000000", "the disclosed FY2025 figure");
    assert_eq!(q4["fcf_ttm_how"], "disclosed");

    let guidance = row(&rows, &[("period_label", "FY2026")]);
    assert_eq!(guidance["basis"], "guidance");
    assert_eq!(guidance["capex"], "150000000000");
    assert_eq!(
        num(guidance, "capex_ttm_yoy_pct"),
        120.5882,
        "150B on 68B a year earlier"
    );
    assert!(
        rows.iter()
            .all(|r| r["basis"] == "guidance" || r["capex"] != "150000000000"),
        "guidance never mixes with actuals"
    );
}

#[test]
fn as_of_and_min_disclosure_filter_before_choosing() {
    let dir = dir_with("reports_capex");
    let rows = report_rows(
        &dir,
        &["capex-fcf", "--entity", "ACME", "--as-of", "2026-05-01"],
    );
    let q1 = row(&rows, &[("period_label", "Q1 FY2026"), ("basis", "actual")]);
    assert_eq!(
        q1["capex_competing"], "1",
        "the newswire of 2026-05-02 is not yet known"
    );
    assert_eq!(q1["capex_conflict"], "0");

    let rows = report_rows(
        &dir,
        &[
            "capex-fcf",
            "--entity",
            "ACME",
            "--min-disclosure",
            "audited",
        ],
    );
    assert!(
        rows.iter().all(|r| r["basis"] != "guidance"),
        "guidance is management commentary"
    );
    let rows = report_rows(
        &dir,
        &[
            "backlog-conversion",
            "--entity",
            "ACME",
            "--min-disclosure",
            "audited",
        ],
    );
    assert!(
        rows.is_empty(),
        "backlogs are management commentary: {rows:?}"
    );

    let early = report_rows(
        &dir,
        &["capex-fcf", "--entity", "ACME", "--as-of", "2026-01-01"],
    );
    assert!(
        early.is_empty(),
        "nothing was published by 2026-01-01: {early:?}"
    );
}

#[test]
fn backlog_conversion_computes_bookings_and_keeps_outside_commitments_apart() {
    let dir = dir_with("reports_capex");
    let rows = report_rows(&dir, &["backlog-conversion", "--entity", "ACME"]);
    assert_eq!(rows.len(), 2);
    let q1 = row(
        &rows,
        &[("period_label", "Q1 FY2026"), ("segment", "Cloud")],
    );
    assert_eq!(
        q1["backlog"], "130000000000",
        "the call beats the blog's ~125B"
    );
    assert_eq!(q1["backlog_competing"], "2");
    assert_eq!(q1["backlog_conflict"], "1");
    assert_eq!(q1["backlog_prev"], "100000000000");
    assert_eq!(q1["backlog_change"], "30000000000");
    assert_eq!(num(q1, "backlog_qoq_pct"), 30.0);
    assert_eq!(q1["revenue"], "20000000000");
    assert_eq!(q1["implied_bookings"], "50000000000");
    assert_eq!(num(q1, "book_to_bill"), 2.5);
    assert_eq!(num(q1, "conversion_pct"), 20.0);
    assert_eq!(num(q1, "coverage_years"), 1.625);
    assert_eq!(q1["commitments_outside_backlog"], "50000000000");
    assert_eq!(q1["commitments_outside_backlog_qualifier"], "at_least");
    assert!(q1["derived_columns"].contains("implied_bookings"));
    let q4 = row(&rows, &[("period_label", "Q4 FY2025")]);
    assert_eq!(
        (q4["backlog"].as_str(), q4["backlog_prev"].as_str()),
        ("100000000000", "")
    );
}

#[test]
fn conflicts_lists_groups_that_disagree_beyond_precision_only() {
    let dir = dir_with("reports_capex");
    let rows = report_rows(&dir, &["conflicts", "--entity", "ACME"]);
    let mut groups: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["metric"].clone(),
                r["period_label"].clone(),
                r["value_text"].clone(),
            )
        })
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        [
            ("backlog", "2026-03-31", "125B"),
            ("backlog", "2026-03-31", "130B"),
            ("capex", "Q1 FY2026", "390%"),
            ("capex", "Q1 FY2026", "400%"),
            ("capex", "Q1 FY2026", "40B"),
            ("capex", "Q1 FY2026", "41B"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let wire = row(&rows, &[("value_text", "41B")]);
    assert_eq!(
        (wire["source"].as_str(), wire["group_facts"].as_str()),
        ("wire", "2")
    );
    assert_eq!(num(wire, "spread"), 1e9);
}

#[test]
fn consistency_recomputes_claims_within_their_precision() {
    let dir = dir_with("reports_capex");
    let rows = report_rows(&dir, &["consistency", "--entity", "ACME"]);
    let status = |metric: &str, measure: &str, source: &str| {
        row(
            &rows,
            &[("metric", metric), ("measure", measure), ("source", source)],
        )["status"]
            .clone()
    };
    assert_eq!(status("backlog", "qoq_change", "acme-call"), "consistent");
    assert_eq!(status("backlog", "qoq_pct", "blog"), "inconsistent");
    assert_eq!(status("capex", "yoy_pct", "wire"), "consistent");
    assert_eq!(status("capex", "yoy_pct", "blog"), "inconsistent");
    assert_eq!(status("revenue", "yoy_pct", "acme-10q"), "unverifiable");
    let pct = row(&rows, &[("metric", "backlog"), ("measure", "qoq_pct")]);
    assert_eq!((num(pct, "claimed"), num(pct, "computed")), (25.0, 30.0));
    assert_eq!(num(pct, "difference"), -5.0);
}

#[test]
fn views_and_cli_agree_row_for_row() {
    let dir = dir_with("reports_capex");
    for (report, view) in REPORTS {
        assert_view_agrees_with_cli(&dir, report, view);
    }
}

/// The press and management figures of the bundled dataset alone (data/ without the
/// audited SEC history in data/sec/, which wins the choice where it has a figure).
#[test]
fn the_bundled_press_dataset_gives_the_documented_figures() {
    let dir = crate::util::Dir::with_empty_db();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let files =
        ["entities.csv", "sources.csv", "metrics.csv", "facts"].map(|f| format!("{data}/{f}"));
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    dir.run(&args);
    let capex = report_rows(&dir, &["capex-fcf"]);
    let q1 = row(
        &capex,
        &[("period_label", "Q1 FY2026"), ("basis", "actual")],
    );
    assert_eq!(q1["capex"], "44200000000");
    assert_eq!(q1["capex_disclosure"], "audited");
    assert_eq!(q1["capex_cash"], "43200000000");
    assert_eq!(q1["capex_ttm"], "147300000000");
    assert_eq!(q1["fcf_ttm"], "1200000000");
    let q1_2025 = row(
        &capex,
        &[("period_label", "Q1 FY2025"), ("basis", "actual")],
    );
    assert_eq!(
        (q1_2025["capex"].as_str(), q1_2025["fcf_ttm"].as_str()),
        ("25000000000", "25900000000")
    );
    assert_eq!(
        row(&capex, &[("period_label", "FY2025"), ("basis", "actual")])["capex"],
        "128000000000"
    );
    assert_eq!(
        row(&capex, &[("period_label", "FY2026"), ("basis", "guidance")])["capex"],
        "200000000000"
    );

    let backlog = report_rows(&dir, &["backlog-conversion"]);
    let aws = row(
        &backlog,
        &[("segment", "AWS"), ("period_label", "Q1 FY2026")],
    );
    assert_eq!(aws["backlog"], "364000000000");
    assert_eq!(aws["backlog_prev"], "244000000000");
    assert_eq!(aws["backlog_change"], "120000000000");
    assert_eq!(aws["revenue"], "37600000000");
    assert_eq!(aws["implied_bookings"], "157600000000");
    assert!((num(aws, "book_to_bill") - 4.19).abs() < 0.005);
    assert!((num(aws, "conversion_pct") - 15.4).abs() < 0.05);
    assert!((num(aws, "coverage_years") - 2.42).abs() < 0.005);

    let consistency = report_rows(&dir, &["consistency"]);
    let status = |keys: &[(&str, &str)]| row(&consistency, keys)["status"].clone();
    assert_eq!(
        status(&[("metric", "backlog"), ("measure", "qoq_change")]),
        "inconsistent"
    );
    assert_eq!(
        status(&[
            ("segment", "Custom silicon"),
            ("measure", "qoq_pct"),
            ("claimed", "40")
        ]),
        "inconsistent"
    );
    assert_eq!(
        status(&[
            ("metric", "capex"),
            ("measure", "yoy_pct"),
            ("claimed", "77")
        ]),
        "consistent"
    );
    for (report, view) in REPORTS {
        assert_view_agrees_with_cli(&dir, report, view);
    }
}

#[test]
fn chart_draws_the_time_series_as_svg() {
    let dir = dir_with("reports_capex");
    dir.run(&[
        "report",
        "capex-fcf",
        "--entity",
        "ACME",
        "--chart",
        "capex.svg",
    ]);
    let svg = std::fs::read_to_string(dir.join("capex.svg")).expect("the chart was written");
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    for needle in [
        "Capex against free cash flow (ACME)",
        "USD billions",
        "fiscal quarter end",
        "TTM capex",
        "TTM free cash flow",
        "Q1 FY2026",
    ] {
        assert!(svg.contains(needle), "{needle} missing from the chart");
    }
    // Point labels: TTM capex 100B (derived) and FCF 30B, in $B.
    let labels: Vec<&str> = svg.lines().map(str::trim).collect();
    assert!(
        labels.contains(&"$100B") && labels.contains(&"$30.0B"),
        "point labels missing"
    );
    dir.run(&[
        "report",
        "backlog-conversion",
        "--entity",
        "ACME",
        "--chart",
        "backlog.svg",
    ]);
    let svg = std::fs::read_to_string(dir.join("backlog.svg")).unwrap();
    assert!(svg.contains("Cloud backlog"));
    assert!(
        svg.lines().any(|l| l.trim() == "20.0%"),
        "the 20% conversion point"
    );

    let out = dir
        .cmd()
        .args(["report", "conflicts", "--chart", "x.svg"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "not a time series: a usage error"
    );
    assert!(!dir.join("x.svg").exists());
}
