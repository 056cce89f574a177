//! Definitions as data (queries/definition.sql, queries/defined.sql) in capex-fcf,
//! conflicts and consistency (issue 12): on tests/fixtures/reports_definitions (Amazon's
//! FY2023-FY2024 10-K lines and its Q1 FY2026 TTM figures, with press figures that use
//! other definitions, one coincidence and one real disagreement), and on the bundled
//! dataset, whose 10-K filings carry Amazon's proceeds and incentives line.

use super::{assert_view_agrees_with_cli, dir_with, num, report_rows, row};
use crate::util::Dir;
use std::collections::HashMap;

type Row = HashMap<String, String>;

fn definitions_dir() -> Dir {
    dir_with("reports_definitions")
}

/// The conflicts row of one fact, found by its value and measure.
fn conflict<'a>(rows: &'a [Row], period: &str, measure: &str, value: &str) -> &'a Row {
    row(
        rows,
        &[
            ("period_label", period),
            ("measure", measure),
            ("value", value),
        ],
    )
}

#[test]
fn the_definitions_view_states_each_definition_and_identity() {
    let dir = definitions_dir();
    let rows =
        super::parse_csv(&dir.run(&["query", "--format", "csv", "SELECT * FROM definitions"]));
    let cash = row(&rows, &[("metric", "capex_cash")]);
    assert_eq!(
        cash["formula"],
        "capex_cash = capex - capex_proceeds_and_incentives"
    );
    assert_eq!(
        cash["alternative_to"], "capex",
        "the press's capex may be net"
    );
    assert_eq!(cash["entity"], "", "for every company");
    let fcf = row(&rows, &[("metric", "free_cash_flow")]);
    assert_eq!(fcf["entity"], "AMZN");
    assert_eq!(
        fcf["formula"],
        "free_cash_flow = operating_cash_flow - capex_cash"
    );
    assert_eq!(fcf["kind"], "company definition");
    assert_eq!(fcf["source"], "sec-0001018724-25-000004");
    assert!(
        fcf["quote"].starts_with("Free cash flow is cash flow from operations reduced by"),
        "{}",
        fcf["quote"]
    );
    let gross = row(&rows, &[("metric", "free_cash_flow_gross")]);
    assert_eq!(
        gross["formula"],
        "free_cash_flow_gross = operating_cash_flow - capex"
    );
    assert_eq!(gross["alternative_to"], "free_cash_flow");
    assert_eq!(row(&rows, &[("metric", "capex")])["kind"], "statement line");
}

#[test]
fn capex_fcf_follows_the_companys_definition_with_the_gross_alternative_beside_it() {
    let dir = definitions_dir();
    let rows = report_rows(&dir, &["capex-fcf"]);
    let fy2023 = row(&rows, &[("period_label", "FY2023")]);
    assert_eq!(fy2023["capex_cash"], "48133000000", "52,729M - 4,596M");
    assert_eq!(fy2023["fcf_ttm"], "36813000000", "84,946M - 48,133M");
    assert_eq!(
        fy2023["fcf_ttm_how"],
        "derived by definition: operating_cash_flow FY2023 84,946M (fact 1) - capex_cash \
         FY2023 48,133M (= capex FY2023 52,729M (fact 2) - capex_proceeds_and_incentives \
         FY2023 4,596M (fact 3), by capex net of proceeds and incentives), by Amazon's free \
         cash flow definition",
        "the lineage names the definition and every line by fact"
    );
    assert_eq!(
        fy2023["fcf_ttm_disclosure"], "audited",
        "from audited lines only"
    );
    assert_eq!(fy2023["fcf_gross_ttm"], "32217000000", "84,946M - 52,729M");

    let fy2024 = row(&rows, &[("period_label", "FY2024")]);
    assert_eq!(fy2024["capex_cash"], "77658000000");
    assert_eq!(
        fy2024["capex_cash_how"],
        "derived by definition: capex FY2024 82,999M (fact 5) - \
         capex_proceeds_and_incentives FY2024 5,341M (fact 6), by capex net of proceeds and \
         incentives"
    );
    // The disclosed figure wins, and is compared with the one the definition gives.
    assert_eq!(fy2024["fcf_ttm"], "38219000000");
    assert_eq!(fy2024["fcf_ttm_how"], "disclosed");
    assert_eq!(fy2024["fcf_ttm_source"], "amzn-10k");
    assert_eq!(
        fy2024["fcf_company_ttm"], "38219000000",
        "115,877M - 77,658M"
    );
    assert!(fy2024["fcf_company_ttm_how"].contains("by Amazon's free cash flow definition"));
    assert_eq!(fy2024["fcf_ttm_agrees"], "1");
    assert_eq!(fy2024["fcf_gross_ttm"], "32878000000", "115,877M - 82,999M");
    assert!(fy2024["fcf_gross_ttm_how"].ends_with("by free cash flow with gross capex"));
    assert_eq!(
        num(fy2024, "fcf_ttm_yoy_pct"),
        3.8193,
        "38,219M on 36,813M, one definition"
    );
    // 32.9B is free cash flow with gross capex (explained); 110,536M against 82,999M
    // gross capex is a disagreement no definition explains.
    assert_eq!(fy2024["fcf_ttm_conflict"], "0");
    assert_eq!(fy2024["capex_conflict"], "1");

    // Without the proceeds line, no cash capex: free cash flow is the disclosed one, and
    // a year-on-year change between two definitions is never computed.
    let ttm = row(&rows, &[("period_label", "TTM Q1 FY2026")]);
    assert_eq!(ttm["fcf_ttm"], "1200000000");
    assert_eq!(ttm["fcf_company_ttm"], "", "no cash capex from the lines");
    assert_eq!(ttm["fcf_ttm_agrees"], "");
    assert_eq!(
        ttm["capex_cash"], "147331000000",
        "implied by Amazon's definition: 148,531M - 1.2B"
    );
    assert_eq!(ttm["capex_cash_disclosure"], "management_commentary");
    assert_eq!(
        ttm["capex_conflict"], "0",
        "147.3B is capex net of proceeds and incentives: explained, no ! tag"
    );
    assert_eq!(ttm["capex_competing"], "2");
    // 200 columns: at 100 the TTM labels are cut ("TTM Q1 …") to fit the numbers.
    let out = dir
        .cmd()
        .env("COLUMNS", "200")
        .args(["report", "capex-fcf"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let line = table
        .lines()
        .find(|l| l.contains("TTM Q1 FY2026"))
        .expect("the TTM row");
    assert!(
        line.contains("151.003 A·2 ") && !line.contains('!'),
        "{line}"
    );
}

#[test]
fn conflicts_explain_a_figure_only_by_a_declared_definition() {
    let dir = definitions_dir();
    let rows = report_rows(&dir, &["conflicts"]);
    let net = conflict(&rows, "TTM Q1 FY2026", "level", "147300000000");
    assert_eq!(
        net["explained_by"],
        "capex net of proceeds and incentives: capex_cash TTM Q1 FY2026 147,331M (= \
         operating_cash_flow TTM Q1 FY2026 148,531M (fact 14) - free_cash_flow TTM Q1 \
         FY2026 1.2B (fact 16), by Amazon's free cash flow definition)"
    );
    // Still listed, beside the filing's gross figure, but no longer a disagreement.
    let gross = conflict(&rows, "TTM Q1 FY2026", "level", "151003000000");
    assert_eq!(gross["explained_by"], "");
    for r in [net, gross] {
        assert_eq!(
            (
                r["disagrees_with"].as_str(),
                r["disagrees_unexplained"].as_str()
            ),
            ("1", "0")
        );
    }
    let year_earlier = conflict(&rows, "TTM Q1 FY2025", "level", "88000000000");
    assert!(
        year_earlier["explained_by"].starts_with(
            "capex net of proceeds and incentives: capex_cash TTM Q1 FY2025 88,003M (= \
             operating_cash_flow TTM Q1 FY2025 113,903M (fact 10) - free_cash_flow TTM Q1 \
             FY2025 25.9B (fact 12)"
        ),
        "{}",
        year_earlier["explained_by"]
    );
    let fcf = conflict(&rows, "FY2024", "level", "32900000000");
    assert!(fcf["explained_by"].starts_with(
        "free cash flow with gross capex: free_cash_flow_gross FY2024 32,878M (= \
         operating_cash_flow FY2024 115,877M (fact 4) - capex FY2024 82,999M (fact 5)"
    ));
    // Never a search over sums: 110,536M is operating cash flow - proceeds, a sum no
    // definition declares, and +76% against +77% is a real disagreement.
    let coincidence = conflict(&rows, "FY2024", "level", "110536000000");
    assert_eq!(coincidence["explained_by"], "");
    assert_eq!(coincidence["disagrees_unexplained"], "1");
    for claimed in ["76", "77"] {
        let r = conflict(&rows, "Q1 FY2026", "yoy_pct", claimed);
        assert_eq!(
            (
                r["explained_by"].as_str(),
                r["disagrees_unexplained"].as_str()
            ),
            ("", "1")
        );
    }
}

#[test]
fn consistency_says_explained_only_for_a_claim_a_declared_alternative_gives() {
    let dir = definitions_dir();
    let rows = report_rows(&dir, &["consistency"]);
    let claim = |claimed: &str| {
        row(
            &rows,
            &[("period_label", "TTM Q1 FY2026"), ("claimed", claimed)],
        )
    };
    let net = claim("67");
    assert_eq!(net["status"], "explained");
    assert_eq!(
        num(net, "computed"),
        62.2066,
        "the stored (gross) reading stays shown"
    );
    assert!(
        net["explained_by"].starts_with(
            "capex net of proceeds and incentives: +67.4% from capex_cash TTM Q1 FY2026 \
             147,331M (= operating_cash_flow TTM Q1 FY2026 148,531M (fact 14) - \
             free_cash_flow TTM Q1 FY2026 1.2B (fact 16), by Amazon's free cash flow \
             definition) on capex_cash TTM Q1 FY2025 88,003M (="
        ),
        "{}",
        net["explained_by"]
    );
    // +70% fits neither reading (62.2% gross, 67.4% net).
    let neither = claim("70");
    assert_eq!(
        (neither["status"].as_str(), neither["explained_by"].as_str()),
        ("inconsistent", "")
    );
    let quarter = |claimed: &str| {
        row(
            &rows,
            &[("period_label", "Q1 FY2026"), ("claimed", claimed)],
        )["status"]
            .clone()
    };
    assert_eq!(quarter("77"), "consistent");
    assert_eq!(quarter("76"), "inconsistent");
}

#[test]
fn views_agree_with_the_cli_under_definitions() {
    let dir = definitions_dir();
    for (report, view) in [
        ("capex-fcf", "capex_vs_fcf"),
        ("conflicts", "conflicts"),
        ("consistency", "consistency"),
    ] {
        assert_view_agrees_with_cli(&dir, report, view);
    }
}

/// Issue 12's "done when", on a fresh database with the bundled dataset (the FY2022 and
/// FY2024 10-Ks carry Amazon's proceeds and incentives line for FY2020-FY2024).
#[test]
fn a_fresh_database_gives_amazons_free_cash_flow_and_explains_the_press_capex() {
    let dir = Dir::new();
    dir.cmd().arg("init").assert().success();
    let capex = report_rows(&dir, &["capex-fcf"]);
    for (period, fcf, gross) in [
        ("FY2020", "31020000000", "25924000000"),
        ("FY2021", "-9069000000", "-14726000000"),
        ("FY2022", "-11569000000", "-16893000000"),
        ("FY2023", "36813000000", "32217000000"),
        ("FY2024", "38219000000", "32878000000"),
    ] {
        let r = row(&capex, &[("period_label", period), ("basis", "actual")]);
        assert_eq!(
            (r["fcf_ttm"].as_str(), r["fcf_gross_ttm"].as_str()),
            (fcf, gross),
            "{period}"
        );
        // FY2023 and FY2024: the 10-K's own (non-GAAP) figure is disclosed, and the
        // derivation from the audited lines is beside it and agrees.
        let disclosed = period == "FY2023" || period == "FY2024";
        let (how, disclosure) = if disclosed {
            assert_eq!(r["fcf_ttm_how"], "disclosed");
            assert_eq!(r["fcf_ttm_disclosure"], "management_commentary");
            assert_eq!(r["fcf_company_ttm"], fcf, "{period}");
            assert_eq!(r["fcf_ttm_agrees"], "1", "{period}");
            // By the definition from the same table's net capex, which the audited lines
            // give too (capex - proceeds: 82,999M - 5,341M = 77,658M in FY2024).
            assert!(
                r["fcf_company_ttm_how"].contains(&format!("- capex_cash {period} ")),
                "{}",
                r["fcf_company_ttm_how"]
            );
            continue;
        } else {
            (&r["fcf_ttm_how"], &r["fcf_ttm_disclosure"])
        };
        assert!(
            how.starts_with(&format!(
                "derived by definition: operating_cash_flow {period} "
            )) && how.ends_with("by Amazon's free cash flow definition"),
            "{how}"
        );
        assert_eq!(disclosure, "audited", "from audited lines only");
    }
    let fy2024 = row(&capex, &[("period_label", "FY2024"), ("basis", "actual")]);
    assert_eq!(fy2024["capex_cash"], "77658000000", "82,999M - 5,341M");
    let fy2022 = row(&capex, &[("period_label", "FY2022"), ("basis", "actual")]);
    assert!(
        fy2022["fcf_ttm_how"].contains("- capex_proceeds_and_incentives FY2022 5,324M (fact "),
        "{}",
        fy2022["fcf_ttm_how"]
    );
    // Where the lines end (FY2025: no proceeds line bundled), the gross fallback says so
    // and no year-on-year change is computed across the two definitions.
    let fy2025 = row(&capex, &[("period_label", "FY2025"), ("basis", "actual")]);
    assert!(fy2025["fcf_ttm_how"].contains("not the company's own free cash flow definition"));
    assert_eq!(fy2025["fcf_ttm_yoy_pct"], "");

    let conflicts = report_rows(&dir, &["conflicts"]);
    for (period, value, implied, ocf, fcf) in [
        (
            "TTM Q1 FY2026",
            "147300000000",
            "147,331M",
            "148,531M",
            "1.2B",
        ),
        (
            "TTM Q1 FY2025",
            "88000000000",
            "88,003M",
            "113,903M",
            "25.9B",
        ),
    ] {
        let r = conflict(&conflicts, period, "level", value);
        let by = &r["explained_by"];
        assert!(
            by.starts_with(&format!(
                "capex net of proceeds and incentives: capex_cash {period} {implied} (= \
                 operating_cash_flow {period} {ocf} (fact "
            )) && by.contains(&format!(" - free_cash_flow {period} {fcf} (fact ")),
            "{by}"
        );
        assert_eq!(r["disagrees_unexplained"], "0");
    }
    // AlgeriaTech's $128B: no bundled figure lets a declared identity reproduce it.
    let fy2025 = conflict(&conflicts, "FY2025", "level", "128000000000");
    assert_eq!(
        (
            fy2025["explained_by"].as_str(),
            fy2025["disagrees_unexplained"].as_str()
        ),
        ("", "1")
    );

    let consistency = report_rows(&dir, &["consistency"]);
    let claim = row(
        &consistency,
        &[("period_label", "TTM Q1 FY2026"), ("claimed", "67")],
    );
    assert_eq!(claim["status"], "explained");
    assert!(claim["explained_by"].starts_with("capex net of proceeds and incentives: +67.4% from"));
}
