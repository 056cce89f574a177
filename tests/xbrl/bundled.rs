//! The three 10-K filings in the bundled dataset (data/sec/amzn-10k-fy2022.csv,
//! amzn-10k-fy2024.csv, googl-10k-fy2024.csv): the importer's own output, so importing
//! the filings into a fresh database adds nothing; and what a fresh clone's reports get
//! from them (segment revenue and operating income, growth claims checked on them).

use super::{AMZN_2024, GOOGL_2024, INSTANCE};
use crate::reports::{num, report_rows, row};
use crate::sec::sec_file;
use crate::util::{assert_contains, facts_csv, Dir};

fn bundled() -> Dir {
    let dir = Dir::new();
    dir.run(&["init"]);
    dir
}

#[test]
fn the_bundled_filings_are_the_importers_output_and_importing_them_adds_nothing() {
    let (Some(fy22), Some(fy24), Some(googl)) = (
        sec_file(INSTANCE),
        sec_file(AMZN_2024),
        sec_file(GOOGL_2024),
    ) else {
        return;
    };
    let dir = bundled();
    for (file, accession, extra) in [
        (&fy22, "0001018724-23-000004", None),
        (&fy24, "0001018724-25-000004", None),
        (&googl, "0001652044-25-000014", Some("2025-02-05")),
    ] {
        let mut args = vec!["ingest", file.as_str(), "--accession", accession];
        if let Some(filed) = extra {
            args.extend(["--filed", filed]);
        }
        assert_contains(&dir.run(&args), "nothing new: 0 facts (");
    }
}

/// A bundled fact's value, from the filing that gave it.
fn value(dir: &Dir, entity: &str, metric: &str, segment: &str, period: &str, source: &str) -> i64 {
    dir.one(&format!(
        "SELECT value FROM fact_detail WHERE entity = '{entity}' AND metric = '{metric}' \
         AND segment = '{segment}' AND period_label = '{period}' AND source = '{source}' \
         AND measure = 'level'"
    ))
}

#[test]
fn a_fresh_database_has_the_filings_segment_revenue_and_operating_income() {
    let dir = bundled();
    let fy22 = "sec-0001018724-23-000004";
    let fy24 = "sec-0001018724-25-000004";
    let googl = "sec-0001652044-25-000014";
    for (period, source, revenue, income) in [
        ("FY2020", fy22, 45_370, 13_531),
        ("FY2021", fy22, 62_202, 18_532),
        ("FY2022", fy22, 80_096, 22_841),
        ("FY2022", fy24, 80_096, 22_841),
        ("FY2023", fy24, 90_757, 24_631),
        ("FY2024", fy24, 107_556, 39_834),
    ] {
        let m = 1_000_000;
        assert_eq!(
            value(&dir, "AMZN", "revenue", "AWS", period, source),
            revenue * m
        );
        assert_eq!(
            value(&dir, "AMZN", "operating_income", "AWS", period, source),
            income * m
        );
    }
    for (period, revenue, income) in [
        ("FY2022", 26_280, -1_922),
        ("FY2023", 33_088, 1_716),
        ("FY2024", 43_229, 6_112),
    ] {
        let m = 1_000_000;
        let cloud = "Google Cloud";
        assert_eq!(
            value(&dir, "GOOGL", "revenue", cloud, period, googl),
            revenue * m
        );
        assert_eq!(
            value(&dir, "GOOGL", "operating_income", cloud, period, googl),
            income * m
        );
    }
    // As the filing gave them: to the million, with the context's members.
    let detail: String = dir.one(&format!(
        "SELECT precision || ' ' || dimensions || ' ' || published_on FROM fact_detail \
         WHERE source = '{fy24}' AND metric = 'revenue' AND segment = 'AWS' \
         AND period_label = 'FY2024' AND measure = 'level'"
    ));
    assert_eq!(
        detail,
        "1000000 us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember \
         2025-02-07"
    );
    // AWS's property and equipment additions under finance leases are never AWS's
    // additions.
    let aws_additions = value(&dir, "AMZN", "segment_ppe_additions", "AWS", "FY2024", fy24);
    assert_eq!(aws_additions, 53_267_000_000);
}

#[test]
fn aws_revenue_up_19_percent_in_fy2024_is_consistent_with_the_bundled_10k() {
    let dir = bundled();
    let claim = "AMZN,revenue,AWS,FY2024,yoy_pct,19%,,%,approx,actual,third_party_estimate,\
                 quartz-amzn-q1-2026,,,test claim";
    dir.write("claim.csv", facts_csv(&[claim]));
    dir.run(&["ingest", "claim.csv"]);
    let rows = report_rows(&dir, &["consistency"]);
    let checked = row(&rows, &[("period_label", "FY2024"), ("segment", "AWS")]);
    assert_eq!(checked["status"], "consistent");
    assert_eq!(num(checked, "computed"), 18.5099, "107,556M on 90,757M");
    assert_eq!(checked["level_now"], "107556000000");
    assert_eq!(checked["level_prev"], "90757000000");
    assert_eq!(checked["level_now_disclosure"], "audited");
    assert_eq!(checked["level_now_source"], "sec-0001018724-25-000004");
}

#[test]
fn a_filings_forecast_is_guidance_by_management_never_an_actual() {
    let dir = bundled();
    // Amazon's 10-Ks give the expected effect of changes in useful lives on next year's
    // net income under srt:ScenarioForecastMember: the company's outlook.
    let conn = dir.conn();
    let mut stmt = conn
        .prepare(
            "SELECT period_label || ' ' || value || ' ' || basis || ' ' || disclosure_type \
             FROM fact_detail \
             WHERE dimensions LIKE '%srt:StatementScenarioAxis=srt:ScenarioForecastMember%' \
             ORDER BY period_label, value",
        )
        .unwrap();
    let forecasts: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        forecasts,
        [
            "FY2023 1000000000 guidance management_commentary",
            "FY2025 -700000000 guidance management_commentary",
            "FY2025 -600000000 guidance management_commentary",
            "FY2025 900000000 guidance management_commentary",
        ]
    );
}
