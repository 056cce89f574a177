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

/// The text of an XHTML document (an inline XBRL 10-K), read with quick-xml: every text
/// node and character reference, each element boundary a space, whitespace collapsed.
fn document_text(path: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_file(path).expect("open the document");
    let mut buf = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XHTML") {
            Event::Text(t) => text.push_str(&t.decode().expect("UTF-8")),
            Event::GeneralRef(r) => match r.resolve_char_ref().expect("a character") {
                Some(c) => text.push(c),
                None => text.push_str(match &*r {
                    b"amp" => "&",
                    b"lt" => "<",
                    b"gt" => ">",
                    b"quot" => "\"",
                    _ => "'",
                }),
            },
            Event::Start(_) | Event::End(_) | Event::Empty(_) => text.push(' '),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn amazons_own_free_cash_flow_is_quoted_verbatim_from_its_10k_and_agrees_with_the_derived() {
    let Some(file) = sec_file(AMZN_2024) else {
        return;
    };
    // The 10-K's non-GAAP reconciliation is not tagged in its XBRL: typed in, and every
    // quote must be the document's own words.
    let text = document_text(&file);
    let csv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/sec/amzn-10k-fy2024-non-gaap.csv"
    );
    let mut reader = csv::Reader::from_path(csv).expect("the bundled file");
    let mut quoted = 0;
    for row in reader.records() {
        let row = row.expect("a row");
        let quote = row.get(13).expect("a quote column");
        let collapsed = quote.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&collapsed), "not in the 10-K: {quote:?}");
        assert_eq!(row.get(10), Some("management_commentary"), "non-GAAP");
        quoted += 1;
    }
    assert_eq!(quoted, 4);
    // capex-fcf compares the company's disclosed figure with the one it derives from the
    // audited lines: 115,877M - (82,999M - 5,341M) = 38,219M, the same.
    let dir = bundled();
    let rows = report_rows(&dir, &["capex-fcf"]);
    let fy2024 = row(&rows, &[("period_label", "FY2024"), ("basis", "actual")]);
    assert_eq!(fy2024["fcf_ttm"], "38219000000");
    assert_eq!(fy2024["fcf_gross_ttm"], "32878000000");
    assert_eq!(fy2024["fcf_ttm_agrees"], "1", "{fy2024:?}");
}
