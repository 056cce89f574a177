//! The materiality report (queries/materiality.sql) on tests/fixtures/reports_materiality
//! (Maple Retail, a fiscal year ending June 30, and Beta Cloud, December), and on the
//! bundled dataset: the call-analysis page's sizing of the $15B AI run rate and the ~$200B
//! FY2026 capex guidance.

use super::{assert_view_agrees_with_cli, dir_with, num, parse_csv, report_rows, row};
use crate::util::{succeeded, Dir};
use std::collections::HashMap;

// The fixture's bases (tests/fixtures/reports_materiality/facts.csv), in USD. Maple's
// fiscal year 2025 runs from July 2024 to June 2025.
const MAPL_REVENUE_FY2024: f64 = 40e9;
const MAPL_REVENUE_FY2025: f64 = 48.3e9;
const MAPL_NET_INCOME_FY2025: f64 = 6.1e9;
const BETA_REVENUE_FY2025: f64 = 10e9;

/// 100 * claim / base, as the report computes it.
fn pct(claim: f64, base: f64) -> f64 {
    100.0 * claim / base
}

/// Asserts a percentage column against the expected value: the CSV prints a REAL to 15
/// significant digits, so within a relative 1e-13.
#[track_caller]
fn assert_pct(r: &HashMap<String, String>, column: &str, expected: f64) {
    let got = num(r, column);
    assert!(
        (got - expected).abs() <= expected.abs() * 1e-13,
        "{column}: {got}, expected {expected} in {r:#?}"
    );
}

fn maple(dir: &Dir, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let mut args = vec!["materiality", "--entity", "MAPL"];
    args.extend_from_slice(extra);
    report_rows(dir, &args)
}

#[test]
fn claims_are_sized_against_the_latest_fiscal_year_ending_by_their_period() {
    let dir = dir_with("reports_materiality");
    let rows = maple(&dir, &[]);

    // Q1 FY2026 (July-September 2025): FY2025 ended before it, chosen from the 10-K over
    // the research note's ~47.5B.
    let run_rate = row(
        &rows,
        &[("metric", "revenue"), ("period_label", "Q1 FY2026")],
    );
    assert_eq!(run_rate["segment"], "Cloud");
    assert_eq!(run_rate["basis"], "run_rate");
    assert_eq!(run_rate["base_period"], "FY2025");
    assert_eq!(run_rate["base_period_end"], "2025-06-30");
    assert_eq!(run_rate["revenue"], "48300000000");
    assert_eq!(run_rate["revenue_source"], "mapl-10k-2025");
    assert_pct(run_rate, "pct_of_revenue", pct(12e9, MAPL_REVENUE_FY2025));
    assert_eq!(run_rate["income_like"], "0");
    assert_eq!(
        run_rate["net_income"], "6100000000",
        "the base year's, shown"
    );
    assert_eq!(
        run_rate["pct_of_net_income"], "",
        "a run rate is not income-like"
    );
    assert_eq!(
        run_rate["how"],
        format!(
            "12000000000 / revenue FY2025 48300000000 (fact {}, mapl-10k-2025) = 24.84%",
            run_rate["revenue_fact_id"]
        )
    );

    // An instant on the last day of FY2025 is sized against FY2025 (ends on or before);
    // one a quarter earlier against FY2024.
    let at_year_end = row(
        &rows,
        &[("metric", "backlog"), ("period_label", "2025-06-30")],
    );
    assert_eq!(at_year_end["base_period"], "FY2025");
    assert_pct(
        at_year_end,
        "pct_of_revenue",
        pct(30e9, MAPL_REVENUE_FY2025),
    );
    let before = row(
        &rows,
        &[("metric", "backlog"), ("period_label", "2025-03-31")],
    );
    assert_eq!(before["base_period"], "FY2024");
    assert_pct(before, "pct_of_revenue", pct(25e9, MAPL_REVENUE_FY2024));

    // Income-like: a share of net income too, with its arithmetic.
    let savings = row(&rows, &[("metric", "project_cost_savings")]);
    assert_eq!(savings["income_like"], "1");
    assert_pct(
        savings,
        "pct_of_net_income",
        pct(300e6, MAPL_NET_INCOME_FY2025),
    );
    assert_pct(savings, "pct_of_revenue", pct(300e6, MAPL_REVENUE_FY2025));
    assert!(
        savings["how"].ends_with(&format!(
            "; 300000000 / net income FY2025 6100000000 (fact {}, mapl-10k-2025) = 4.92%",
            savings["net_income_fact_id"]
        )),
        "{}",
        savings["how"]
    );

    // Income-like against a loss: no share of it, and `how` says why.
    let gain = row(&rows, &[("metric", "investment_gain")]);
    assert_eq!(gain["base_period"], "FY2024");
    assert_eq!(gain["net_income"], "-2000000000");
    assert_eq!(gain["pct_of_net_income"], "");
    assert!(
        gain["how"]
            .ends_with("; net income FY2024 -2000000000 (fact 2) is no profit: no share of it"),
        "{}",
        gain["how"]
    );

    // A FY2026 guidance and consensus, made before FY2026's revenue is in: FY2025. A
    // range is sized by its low end, an approximation says so.
    let guidance = row(&rows, &[("metric", "capex"), ("basis", "guidance")]);
    assert_eq!(
        guidance["value"], "9500000000",
        "the more precise of the calls"
    );
    assert_eq!(guidance["base_period"], "FY2025");
    assert_pct(guidance, "pct_of_revenue", pct(9.5e9, MAPL_REVENUE_FY2025));
    assert!(guidance["how"].starts_with("~9500000000 / revenue FY2025"));
    let consensus = row(&rows, &[("metric", "revenue"), ("basis", "consensus")]);
    assert_pct(consensus, "pct_of_revenue", pct(55e9, MAPL_REVENUE_FY2025));
    assert!(consensus["how"].starts_with("55000000000 (low end; high 60000000000) / revenue"));

    // A scenario's figure is a claim, under its scenario; capex savings are not income.
    let scenario = row(&rows, &[("metric", "capex_savings")]);
    assert_eq!(scenario["basis"], "estimate: at scale");
    assert_eq!(scenario["scenario"], "at scale");
    assert_eq!(scenario["income_like"], "0");
    assert_pct(scenario, "pct_of_revenue", pct(2e9, MAPL_REVENUE_FY2025));

    // Claims only: audited actuals (the bases, FY2025 capex, the quarter, the segment)
    // and the research note's losing revenue are not rows.
    let mut claims: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["metric"].as_str(), r["period_label"].as_str()))
        .collect();
    claims.sort();
    assert_eq!(
        claims,
        [
            ("backlog", "2025-03-31"),
            ("backlog", "2025-06-30"),
            ("capex", "FY2026"),
            ("capex_savings", "2025-10-28"),
            ("investment_gain", "Q3 FY2025"),
            ("project_cost_savings", "FY2026"),
            ("revenue", "FY2026"),
            ("revenue", "Q1 FY2026"),
            ("revenue", "Q4 FY2023"),
        ]
    );
}

/// The view holds the exact quotient (a REAL, no rounding): the same f64 as 100 * claim /
/// base computed here.
#[test]
fn the_view_keeps_percentages_exact() {
    let dir = dir_with("reports_materiality");
    let (revenue_pct, net_income_pct): (f64, f64) = dir
        .conn()
        .query_row(
            "SELECT pct_of_revenue, pct_of_net_income FROM materiality \
             WHERE entity = 'MAPL' AND metric = 'project_cost_savings'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the project_cost_savings row");
    assert_eq!(revenue_pct, pct(300e6, MAPL_REVENUE_FY2025));
    assert_eq!(net_income_pct, pct(300e6, MAPL_NET_INCOME_FY2025));
    let kind: String = dir.one(
        "SELECT typeof(pct_of_revenue) FROM materiality \
         WHERE entity = 'BETA' AND metric = 'revenue'",
    );
    assert_eq!(
        kind, "real",
        "20% of revenue stays a REAL, not rounded to an integer"
    );
}

/// Before Maple's FY2025 10-K (2025-08-14) was published, its FY2026 capex guidance (the
/// May call's ~9B) was sized against FY2024; after it, the October call's ~9.5B against
/// FY2025. Claims published later are not there yet.
#[test]
fn as_of_moves_the_base_year() {
    let dir = dir_with("reports_materiality");
    let then = maple(&dir, &["--as-of", "2025-08-01"]);
    let guidance = row(&then, &[("metric", "capex"), ("basis", "guidance")]);
    assert_eq!(guidance["value"], "9000000000");
    assert_eq!(guidance["base_period"], "FY2024");
    assert_eq!(guidance["revenue_source"], "mapl-10k-2024");
    assert_pct(guidance, "pct_of_revenue", pct(9e9, MAPL_REVENUE_FY2024));
    assert!(
        then.iter().all(|r| r["period_label"] != "Q1 FY2026"),
        "the October call was not yet published: {then:#?}"
    );

    let now = maple(&dir, &["--as-of", "2025-11-01"]);
    let guidance = row(&now, &[("metric", "capex"), ("basis", "guidance")]);
    assert_eq!(guidance["value"], "9500000000");
    assert_eq!(guidance["base_period"], "FY2025");
    assert_pct(guidance, "pct_of_revenue", pct(9.5e9, MAPL_REVENUE_FY2025));

    // --min-disclosure applies to claims: management commentary keeps the calls' only.
    let kept = maple(&dir, &["--min-disclosure", "management-commentary"]);
    assert!(
        kept.iter()
            .all(|r| r["disclosure_type"] == "management_commentary"),
        "{kept:#?}"
    );
    assert_eq!(kept.len(), 6, "nine claims less the research note's three");
}

/// A claim with no fiscal year ending by its period end keeps its row (the claim exists;
/// only its size is unknown): base columns and percentages empty, `how` saying why.
#[test]
fn a_claim_with_no_base_year_keeps_its_row_unsized() {
    let dir = dir_with("reports_materiality");
    let rows = maple(&dir, &[]);
    let early = row(
        &rows,
        &[("metric", "revenue"), ("period_label", "Q4 FY2023")],
    );
    for column in [
        "base_period",
        "revenue",
        "revenue_fact_id",
        "pct_of_revenue",
        "net_income",
        "pct_of_net_income",
    ] {
        assert_eq!(early[column], "", "{column} in {early:#?}");
    }
    assert_eq!(
        early["how"],
        "no fiscal-year revenue (actual, whole company) ends by 2023-06-30"
    );
}

/// Each entity is sized against its own base: Beta's FY2025 (to December 2025) is not
/// Maple's; the view (every entity, no options) gives the CLI's rows with --all-entities.
#[test]
fn the_view_equals_the_cli_for_every_entity() {
    let dir = dir_with("reports_materiality");
    let all = report_rows(&dir, &["materiality", "--all-entities"]);
    let beta = row(&all, &[("entity", "BETA")]);
    assert_eq!(beta["base_period_end"], "2025-12-31");
    assert_pct(beta, "pct_of_revenue", pct(2e9, BETA_REVENUE_FY2025));
    assert_eq!(all.len(), 10, "Maple's nine claims and Beta's one");
    assert_view_agrees_with_cli(&dir, "materiality", "materiality");
}

/// The call-analysis page (seeds/002) sizes "$15B AI run rate / $716.924B rev = 2.09%" and
/// "~$200B (~28% of revenue)". On the bundled data, built by `amzdb` on first use, the
/// report gives the same against the 10-K's FY2025 revenue, read here from the database.
#[test]
fn the_bundled_ai_run_rate_and_capex_guidance_against_fy2025_revenue() {
    let dir = Dir::new();
    // `amzdb ARGS --format csv` with no --db: the first run builds amzdb.sqlite.
    let csv = |args: &[&str]| {
        let (out, _) = succeeded(dir.amzdb().args(args).args(["--format", "csv"]));
        parse_csv(&out)
    };
    let rows = csv(&["report", "materiality"]);
    // The FY2025 revenue of Amazon's 10-K, as stored.
    let revenue = csv(&[
        "query",
        "SELECT fact_id, value FROM fact_detail WHERE entity = 'AMZN' AND metric = 'revenue' \
         AND segment = '' AND period_label = 'FY2025' AND basis = 'actual' \
         AND form = '10-K' AND disclosure_type = 'audited'",
    ]);
    assert_eq!(revenue.len(), 1, "{revenue:#?}");
    let revenue_value = num(&revenue[0], "value");
    assert_eq!(revenue_value, 716_924e6, "the audited SEC figure, 716,924M");

    let ai = row(
        &rows,
        &[
            ("metric", "revenue"),
            ("segment", "AWS AI services"),
            ("period_label", "Q1 FY2026"),
            ("basis", "run_rate"),
        ],
    );
    assert_eq!(ai["base_period"], "FY2025");
    assert_eq!(ai["revenue_fact_id"], revenue[0]["fact_id"]);
    // The claim's value as stored, read through the view by the report's fact id.
    let claim = csv(&[
        "query",
        &format!(
            "SELECT value, value_text FROM fact_detail WHERE fact_id = {}",
            ai["fact_id"]
        ),
    ]);
    assert_eq!(claim[0]["value_text"], "15B");
    let expected = pct(num(&claim[0], "value"), revenue_value);
    assert_pct(ai, "pct_of_revenue", expected);
    assert_eq!(format!("{expected:.2}"), "2.09");
    assert!(
        ai["how"].ends_with(&format!(
            "15000000000 / revenue FY2025 716924000000 (fact {}, {}) = 2.09%",
            revenue[0]["fact_id"], ai["revenue_source"]
        )),
        "{}",
        ai["how"]
    );

    let capex = row(
        &rows,
        &[
            ("metric", "capex"),
            ("period_label", "FY2026"),
            ("basis", "guidance"),
        ],
    );
    assert_eq!(capex["base_period"], "FY2025");
    assert_eq!(num(capex, "value"), 200e9);
    let expected = pct(num(capex, "value"), revenue_value);
    assert_pct(capex, "pct_of_revenue", expected);
    assert_eq!(format!("{expected:.1}"), "27.9");
}
