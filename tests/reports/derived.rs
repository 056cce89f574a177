//! The derivation layer (queries/derivation.sql) on tests/fixtures/reports_derived: a
//! company whose segment revenue is disclosed as Q1, H1, 9M and FY, as issue 11 describes.

use super::{assert_view_agrees_with_cli, dir_with, num, report_rows, row};

#[test]
fn year_to_date_revenue_gives_every_quarter_and_ttm_with_lineage() {
    let dir = dir_with("reports_derived");
    let rows = report_rows(&dir, &["derived", "--entity", "YTDC"]);
    let q2 = row(&rows, &[("period_label", "Q2 FY2025")]);
    assert_eq!(q2["value"], "12000000000", "H1 22B - Q1 10B");
    assert_eq!(q2["period_start"], "2025-04-01");
    assert_eq!(
        q2["how"],
        "derived: H1 FY2025 (fact 5) - Q1 FY2025 (fact 4)"
    );
    assert_eq!(q2["status"], "used");
    let q3 = row(&rows, &[("period_label", "Q3 FY2025")]);
    assert_eq!(q3["value"], "14000000000", "9M 36B - H1 22B");
    assert_eq!(
        q3["how"],
        "derived: 9M FY2025 (fact 6) - H1 FY2025 (fact 5)"
    );
    let ttm = row(&rows, &[("period_label", "TTM Q3 FY2025")]);
    assert_eq!(ttm["value"], "45000000000", "9B + 10B + 12B + 14B");
    assert_eq!(ttm["period_start"], "2024-10-01");
    assert_eq!(
        ttm["how"],
        "derived: sum of 4 quarters: Q4 FY2024 (fact 1) + Q1 FY2025 (fact 4) \
         + Q2 FY2025 (H1 FY2025 (fact 5) - Q1 FY2025 (fact 4)) \
         + Q3 FY2025 (9M FY2025 (fact 6) - H1 FY2025 (fact 5))"
    );
    let ttm_q2 = row(&rows, &[("period_label", "TTM Q2 FY2025")]);
    assert_eq!(ttm_q2["value"], "40000000000", "9B + 9B + 10B + 12B");
    assert_view_agrees_with_cli(&dir, "derived", "derived_facts");
}

#[test]
fn a_derived_figure_is_as_trusted_as_its_least_trusted_input() {
    let dir = dir_with("reports_derived");
    let rows = report_rows(&dir, &["derived", "--entity", "YTDC"]);
    let q2 = row(&rows, &[("period_label", "Q2 FY2025")]);
    assert_eq!(q2["disclosure_type"], "audited", "two audited inputs");
    for label in ["Q3 FY2025", "TTM Q3 FY2025"] {
        let r = row(&rows, &[("period_label", label)]);
        assert_eq!(
            r["disclosure_type"], "management_commentary",
            "{label}: the 9M figure comes from the call"
        );
    }
    // Without management commentary the 9M figure is not an input: no Q3 is derived.
    let audited = report_rows(
        &dir,
        &["derived", "--entity", "YTDC", "--min-disclosure", "audited"],
    );
    assert!(
        audited.iter().all(|r| r["period_label"] != "Q3 FY2025"),
        "{audited:#?}"
    );
    // Nor before the inputs were published.
    let early = report_rows(
        &dir,
        &["derived", "--entity", "YTDC", "--as-of", "2025-07-01"],
    );
    assert!(
        early.iter().all(|r| r["period_label"] != "Q2 FY2025"),
        "H1 FY2025 was published on 2025-07-30: {early:#?}"
    );
}

#[test]
fn backlog_conversion_gets_revenue_bookings_and_conversion_for_every_quarter() {
    let dir = dir_with("reports_derived");
    let rows = report_rows(&dir, &["backlog-conversion", "--entity", "YTDC"]);
    let expected = [
        ("Q1 FY2025", "10000000000", "20000000000", 10.0, "disclosed"),
        (
            "Q2 FY2025",
            "12000000000",
            "32000000000",
            10.9091,
            "derived: H1 FY2025 (fact 5) - Q1 FY2025 (fact 4)",
        ),
        (
            "Q3 FY2025",
            "14000000000",
            "24000000000",
            10.7692,
            "derived: 9M FY2025 (fact 6) - H1 FY2025 (fact 5)",
        ),
        (
            "Q4 FY2025",
            "15000000000",
            "25000000000",
            10.7143,
            "disclosed",
        ),
    ];
    for (label, revenue, bookings, conversion, how) in expected {
        let r = row(&rows, &[("period_label", label), ("segment", "Cloud")]);
        assert_eq!(r["revenue"], revenue, "{label}");
        assert_eq!(r["implied_bookings"], bookings, "{label}");
        assert_eq!(num(r, "conversion_pct"), conversion, "{label}");
        assert_eq!(r["revenue_how"], how, "{label}");
    }
    assert_eq!(
        row(&rows, &[("period_label", "Q3 FY2025")])["revenue_disclosure"],
        "management_commentary"
    );
    assert_view_agrees_with_cli(&dir, "backlog-conversion", "backlog_conversion");
}

#[test]
fn a_derived_quarter_that_disagrees_with_the_disclosed_one_shows_in_conflicts() {
    let dir = dir_with("reports_derived");
    let derived = report_rows(&dir, &["derived", "--entity", "YTDC"]);
    let q4 = row(&derived, &[("period_label", "Q4 FY2025")]);
    assert_eq!(q4["value"], "16000000000", "FY 52B - 9M 36B");
    assert_eq!(q4["status"], "disclosed wins");
    assert_eq!(q4["disclosed_value"], "15000000000");
    assert_eq!(q4["disagrees"], "1");
    // The disclosed 15B wins in the reports.
    let capex_like = report_rows(&dir, &["backlog-conversion", "--entity", "YTDC"]);
    assert_eq!(
        row(&capex_like, &[("period_label", "Q4 FY2025")])["revenue"],
        "15000000000"
    );

    let conflicts = report_rows(&dir, &["conflicts", "--entity", "YTDC"]);
    let quarter: Vec<(&str, &str)> = conflicts
        .iter()
        .filter(|r| r["period_label"] == "Q4 FY2025")
        .map(|r| (r["value"].as_str(), r["how"].as_str()))
        .collect();
    assert_eq!(
        quarter,
        [
            ("15000000000", "disclosed"),
            (
                "16000000000",
                "derived: FY2025 (fact 7) - 9M FY2025 (fact 6)"
            )
        ]
    );
    // The four-quarter sum (10B + 12B + 14B + 15B) disagrees with the disclosed FY 52B.
    let ttm = row(&conflicts, &[("period_label", "TTM Q4 FY2025")]);
    assert_eq!(ttm["value"], "51000000000");
    assert!(ttm["how"].starts_with("derived: sum of 4 quarters: Q1 FY2025 (fact 4)"));
    assert_eq!(
        row(&conflicts, &[("period_label", "FY2025")])["value"],
        "52000000000"
    );
    // Quarters whose derived figure nobody contradicts are no conflict.
    assert!(conflicts.iter().all(|r| r["period_label"] != "Q2 FY2025"));
    assert_view_agrees_with_cli(&dir, "conflicts", "conflicts");
}

#[test]
fn consistency_checks_a_claim_against_derived_quarters_and_says_so() {
    let dir = dir_with("reports_derived");
    let rows = report_rows(&dir, &["consistency", "--entity", "YTDC"]);
    let claim = row(
        &rows,
        &[("period_label", "Q3 FY2025"), ("measure", "qoq_pct")],
    );
    assert_eq!(claim["status"], "consistent", "14B on 12B is +16.67%");
    assert_eq!(num(claim, "computed"), 16.6667);
    assert_eq!(
        claim["level_now_how"],
        "derived: 9M FY2025 (fact 6) - H1 FY2025 (fact 5)"
    );
    assert_eq!(
        claim["level_prev_how"],
        "derived: H1 FY2025 (fact 5) - Q1 FY2025 (fact 4)"
    );
    assert_eq!(claim["level_now_disclosure"], "management_commentary");
    assert_view_agrees_with_cli(&dir, "consistency", "consistency");
}

#[test]
fn cloud_peers_shows_derived_quarters_and_fiscal_years_by_calendar_dates() {
    let dir = dir_with("reports_derived");
    let rows = report_rows(&dir, &["cloud-peers"]);
    let periods: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].as_str(),
                r["aws_revenue"].as_str(),
                r["aws_revenue_how"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        periods,
        [
            ("CY2023", "90757000000", "disclosed"),
            ("CY2024", "107556000000", "disclosed"),
            ("Q1 CY2025", "29267000000", "disclosed"),
            (
                "Q2 CY2025",
                "30874000000",
                "derived: H1 FY2025 (fact 16) - Q1 FY2025 (fact 15)"
            ),
        ]
    );
    assert_eq!(
        row(&rows, &[("period", "Q2 CY2025")])["aws_revenue_disclosure"],
        "audited"
    );
    assert_view_agrees_with_cli(&dir, "cloud-peers", "cloud_peers");
}

#[test]
fn a_segment_growth_claim_on_fiscal_years_is_checked() {
    let dir = dir_with("reports_derived");
    let rows = report_rows(&dir, &["consistency", "--entity", "AMZN"]);
    let claim = row(&rows, &[("period_label", "FY2024"), ("segment", "AWS")]);
    assert_eq!(claim["claimed"], "19");
    assert_eq!(num(claim, "computed"), 18.5099, "107,556M on 90,757M");
    assert_eq!(claim["status"], "consistent", "within half of 1 point");
    assert_eq!(claim["level_now_how"], "disclosed");
}

#[test]
fn per_share_figures_percentages_and_share_counts_are_never_summed_or_subtracted() {
    // A year's diluted EPS is not the sum of its quarters' (FY2020's 41.83 less 9M's 27.72
    // is 14.11, not Q4's 14.09: the share count changes; and the 2022 split mixes scales):
    // the bundled audited history gives quarterly EPS and fiscal years side by side.
    let dir = crate::util::Dir::new();
    dir.run(&["init"]);
    let non_amounts: i64 = dir.one(
        "SELECT count(*) FROM derived_facts WHERE unit LIKE '%/%' \
         OR unit IN ('%', 'pp', 'bps', 'x', 'pure', 'shares')",
    );
    assert_eq!(non_amounts, 0);
    let eps_quarters: i64 = dir.one(
        "SELECT count(*) FROM fact_detail WHERE metric = 'eps_diluted' \
         AND period_kind = 'quarter'",
    );
    assert!(
        eps_quarters > 50,
        "the history has quarterly EPS: {eps_quarters}"
    );
    // Amounts still are: capex quarters and four-quarter sums.
    let capex: i64 = dir.one(
        "SELECT count(*) FROM derived_facts WHERE metric = 'capex' AND period_label LIKE 'TTM %'",
    );
    assert!(capex > 20, "{capex}");
}
