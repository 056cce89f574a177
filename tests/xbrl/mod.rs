//! Filings: an XBRL instance (Amazon's FY2022 10-K) and two inline XBRL 10-Ks (Amazon's
//! and Alphabet's FY2024), imported from ../shared/sec into empty databases: segment
//! figures, the company's own concepts, provenance, and bad input refused with nothing
//! changed.

mod bundled;
mod edgar;
mod memory;

use crate::sec::sec_file;
use crate::util::{assert_contains, Dir};

pub(crate) const INSTANCE: &str = "amzn-10k-fy2022-instance.xml";
pub(crate) const AMZN_2024: &str = "amzn-10k-fy2024.htm";
pub(crate) const GOOGL_2024: &str = "googl-10k-fy2024.htm";

/// An empty database with the bundled reference data (entities, metrics, concept and
/// segment maps), but no facts: what a filing's import alone gives.
pub(crate) fn reference_only() -> Dir {
    let dir = Dir::with_empty_db();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let files = [
        "entities.csv",
        "metrics.csv",
        "concepts.csv",
        "segments.csv",
    ]
    .map(|f| format!("{data}/{f}"));
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    dir.run(&args);
    dir
}

/// A segment's value for a metric and fiscal year, from one source.
fn value(dir: &Dir, source: &str, metric: &str, segment: &str, period: &str) -> i64 {
    dir.one(&format!(
        "SELECT value FROM fact_detail WHERE source = '{source}' AND metric = '{metric}' \
         AND segment = '{segment}' AND period_label = '{period}'"
    ))
}

#[test]
fn the_fy2022_instance_gives_aws_revenue_for_three_years_and_adds_nothing_again() {
    let Some(file) = sec_file(INSTANCE) else {
        return;
    };
    let dir = reference_only();
    let out = dir.run(&["ingest", &file]);
    assert_contains(&out, "without a filing date (give --filed YYYY-MM-DD");
    let source = "sec-amzn-10k-fy2022-instance.xml";
    for (year, aws) in [("FY2020", 45_370), ("FY2021", 62_202), ("FY2022", 80_096)] {
        assert_eq!(value(&dir, source, "revenue", "AWS", year), aws * 1_000_000);
    }
    // Tagged under the segment axis and the product-line axis alike: one fact.
    let aws_rows: i64 = dir.one(&format!(
        "SELECT count(*) FROM fact_detail WHERE source = '{source}' AND metric = 'revenue' \
         AND segment = 'AWS' AND period_label = 'FY2022'"
    ));
    assert_eq!(aws_rows, 1);
    // The typed member (expected timing of remaining performance obligations) is kept.
    let typed: i64 = dir.one(
        "SELECT count(*) FROM fact_detail WHERE dimensions LIKE \
         'us-gaap:RevenueRemainingPerformanceObligationExpectedTimingOfSatisfactionStartDateAxis=20%'",
    );
    assert!(typed > 0);
    // The form and the trust of a 10-K.
    let (form, trust): (String, String) = dir
        .conn()
        .query_row(
            &format!(
                "SELECT DISTINCT form, disclosure_type FROM fact_detail WHERE source = '{source}'"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((form.as_str(), trust.as_str()), ("10-K", "audited"));
    let before = dir.snapshot();
    let again = dir.run(&["ingest", &file, "--recheck"]);
    assert!(
        again.starts_with("nothing new: 0 facts (1278 already present)"),
        "{again}"
    );
    // 1171 facts and 107 repeats of them; every row as it was (the file's bytes may
    // differ: the transaction committed).
    assert_eq!(dir.snapshot().rows, before.rows);
    dir.assert_sound();
}

#[test]
fn the_fy2024_inline_10k_gives_aws_figures_and_never_finance_lease_additions_as_aws_additions() {
    let Some(file) = sec_file(AMZN_2024) else {
        return;
    };
    let dir = reference_only();
    let out = dir.run(&[
        "ingest",
        &file,
        "--accession",
        "000101872425000004",
        "--filed",
        "2025-02-07",
    ]);
    assert!(!out.contains("without a filing date"), "{out}");
    let source = "sec-0001018724-25-000004";
    for (year, aws) in [("FY2022", 80_096), ("FY2023", 90_757), ("FY2024", 107_556)] {
        assert_eq!(value(&dir, source, "revenue", "AWS", year), aws * 1_000_000);
    }
    assert_eq!(
        value(&dir, source, "segment_ppe_additions", "AWS", "FY2024"),
        53_267_000_000
    );
    let lease: i64 = dir.one(
        "SELECT value FROM fact_detail WHERE metric = 'segment_ppe_additions' \
         AND period_label = 'FY2024' AND segment = \
         'srt:ConsolidationItemsAxis=us-gaap:OperatingSegmentsMember|\
us-gaap:PropertyPlantAndEquipmentByTypeAxis=amzn:AssetsHeldUnderFinanceLeasesMember|\
us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember'",
    );
    assert_eq!(lease, 238_000_000);
    let aws_values: i64 = dir.one(
        "SELECT count(*) FROM facts f JOIN metrics m USING (metric_id) \
         WHERE m.slug = 'segment_ppe_additions' AND f.segment = 'AWS' AND f.value = 238000000",
    );
    assert_eq!(
        aws_values, 0,
        "finance-lease additions stored as AWS's additions"
    );
    // Amazon's own concept, the line its free cash flow subtracts.
    assert_eq!(
        value(&dir, source, "capex_proceeds_and_incentives", "", "FY2024"),
        5_341_000_000
    );
    // Provenance: the filing, its date, its EDGAR page; precision from decimals="-6".
    let (published, url, precision, dims): (String, String, i64, String) = dir
        .conn()
        .query_row(
            &format!(
                "SELECT published_on, source_url, precision, dimensions FROM fact_detail \
                 WHERE source = '{source}' AND metric = 'revenue' AND segment = 'AWS' \
                 AND period_label = 'FY2024'"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(published, "2025-02-07");
    assert_contains(&url, "/Archives/edgar/data/1018724/000101872425000004/");
    assert_eq!(precision, 1_000_000);
    assert_contains(&dims, "amzn:AmazonWebServices");
    // A company-wide figure is never a dimensional one.
    let company_wide_with_dims: i64 =
        dir.one("SELECT count(*) FROM facts WHERE segment = '' AND dimensions IS NOT NULL");
    assert_eq!(company_wide_with_dims, 0);
    let again = dir.run(&[
        "ingest",
        &file,
        "--accession",
        "0001018724-25-000004",
        "--filed",
        "2025-02-07",
    ]);
    assert!(again.starts_with("nothing new: 0 facts ("), "{again}");
}

#[test]
fn alphabets_inline_10k_gives_google_cloud_revenue() {
    let Some(file) = sec_file(GOOGL_2024) else {
        return;
    };
    let dir = reference_only();
    dir.run(&["ingest", &file, "--filed", "2025-02-05"]);
    let source = "sec-googl-10k-fy2024.htm";
    for (year, cloud) in [("FY2022", 26_280), ("FY2023", 33_088), ("FY2024", 43_229)] {
        assert_eq!(
            value(&dir, source, "revenue", "Google Cloud", year),
            cloud * 1_000_000
        );
    }
    let entity: String = dir.one(&format!(
        "SELECT DISTINCT entity FROM fact_detail WHERE source = '{source}'"
    ));
    assert_eq!(entity, "GOOGL", "the known CIK joins its entity");
}

#[test]
fn both_amazon_10ks_give_aws_fy2022_once_per_filing_without_a_conflict() {
    let (Some(instance), Some(inline)) = (sec_file(INSTANCE), sec_file(AMZN_2024)) else {
        return;
    };
    let dir = reference_only();
    dir.run(&["ingest", &instance, "--format", "xbrl"]);
    dir.run(&["ingest", &inline, "--format", "ixbrl"]);
    let rows: Vec<(String, i64)> = {
        let conn = dir.conn();
        let mut stmt = conn
            .prepare(
                "SELECT source, value FROM fact_detail WHERE metric = 'revenue' \
                 AND segment = 'AWS' AND period_label = 'FY2022' ORDER BY source",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(
        rows,
        [
            (
                "sec-amzn-10k-fy2022-instance.xml".to_string(),
                80_096_000_000
            ),
            ("sec-amzn-10k-fy2024.htm".to_string(), 80_096_000_000)
        ]
    );
    let conflicts = dir.run(&["report", "conflicts", "--format", "csv"]);
    assert!(
        !conflicts
            .lines()
            .any(|l| l.contains(",AWS,") && l.contains("FY2022") && l.contains("revenue")),
        "{conflicts}"
    );
}

/// A real file changed in memory, written to the test's directory.
fn edited(dir: &Dir, name: &str, edit: impl FnOnce(String) -> String) -> Option<String> {
    let text = std::fs::read_to_string(sec_file(name)?).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "the edit changed nothing");
    dir.write(name, changed);
    Some(name.to_string())
}

/// A database holding one real import, to show a refused file changes nothing.
fn with_one_import() -> Option<Dir> {
    let dir = reference_only();
    dir.run(&["ingest", &sec_file(GOOGL_2024)?]);
    Some(dir)
}

#[test]
fn a_truncated_instance_is_refused_naming_the_unclosed_element() {
    let Some(dir) = with_one_import() else {
        return;
    };
    let Some(name) = edited(&dir, INSTANCE, |t| t[..t.len() / 2].to_string()) else {
        return;
    };
    let err = dir.refused_unchanged(&["ingest", &name]);
    assert_contains(
        &err,
        "amzn-10k-fy2022-instance.xml: the XML ends early (a truncated file?): \
         <us-gaap:BusinessCombinationDisclosureTextBlock> opened at line 7628, character 5 is \
         never closed",
    );
    assert_contains(&err, "1 problem found; nothing was written");
}

#[test]
fn a_fact_citing_an_undefined_context_is_refused_naming_the_fact_and_the_context() {
    let Some(dir) = with_one_import() else {
        return;
    };
    let Some(name) = edited(&dir, AMZN_2024, |t| {
        t.replacen(
            "contextRef=\"c-7\" decimals=\"-6\" name=\"amzn:ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives\"",
            "contextRef=\"c-9999\" decimals=\"-6\" name=\"amzn:ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives\"",
            1,
        )
    }) else {
        return;
    };
    let err = dir.refused_unchanged(&["ingest", &name]);
    assert_contains(
        &err,
        "fact f-96 (amzn:ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives) cites context \
         \"c-9999\", which the document does not define",
    );
}

#[test]
fn a_fact_citing_an_undefined_unit_is_refused_naming_the_fact_and_its_context() {
    let Some(dir) = with_one_import() else {
        return;
    };
    let Some(name) = edited(&dir, AMZN_2024, |t| {
        t.replacen(
            "unitRef=\"usd\" contextRef=\"c-7\" decimals=\"-6\" name=\"amzn:Proceeds",
            "unitRef=\"eur2\" contextRef=\"c-7\" decimals=\"-6\" name=\"amzn:Proceeds",
            1,
        )
    }) else {
        return;
    };
    let err = dir.refused_unchanged(&["ingest", &name]);
    assert_contains(&err, "fact f-96 (amzn:ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives) (context c-7) cites unit \"eur2\"");
}

#[test]
fn an_unknown_ixt_format_is_refused_naming_the_format() {
    let Some(dir) = with_one_import() else {
        return;
    };
    let Some(name) = edited(&dir, AMZN_2024, |t| {
        t.replacen(
            "format=\"ixt-sec:numwordsen\"",
            "format=\"ixt:num-unit-decimal\"",
            1,
        )
    }) else {
        return;
    };
    let err = dir.refused_unchanged(&["ingest", &name]);
    assert_contains(&err, "fact f-374 (us-gaap:NumberOfOperatingSegments) (context c-1): unknown format \"ixt:num-unit-decimal\"");
}

#[test]
fn text_in_a_numeric_fact_is_refused_quoting_the_text() {
    let Some(dir) = with_one_import() else {
        return;
    };
    let Some(name) = edited(&dir, AMZN_2024, |t| {
        t.replacen("id=\"f-96\">5,324<", "id=\"f-96\">n/a<", 1)
    }) else {
        return;
    };
    let err = dir.refused_unchanged(&["ingest", &name]);
    assert_contains(&err, "fact f-96 (amzn:ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives) (context c-7): expected digits");
    assert_contains(&err, "the text is \"n/a\"");
}

#[test]
fn an_inline_document_without_ix_header_is_refused() {
    let Some(dir) = with_one_import() else {
        return;
    };
    let Some(name) = edited(&dir, GOOGL_2024, |t| {
        let start = t.find("<ix:header>").expect("ix:header");
        let end = t.find("</ix:header>").expect("/ix:header") + "</ix:header>".len();
        format!("{}{}", &t[..start], &t[end..])
    }) else {
        return;
    };
    let err = dir.refused_unchanged(&["ingest", &name]);
    assert_contains(&err, "an inline XBRL document without ix:header");
}

#[test]
fn one_accession_for_two_documents_is_a_usage_error() {
    let (Some(instance), Some(inline)) = (sec_file(INSTANCE), sec_file(AMZN_2024)) else {
        return;
    };
    let dir = reference_only();
    let before = dir.snapshot();
    let out = dir
        .cmd()
        .args([
            "ingest",
            &instance,
            &inline,
            "--accession",
            "0001018724-25-000004",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_contains(
        &String::from_utf8_lossy(&out.stderr),
        "--accession names one filing: give it with one XBRL or inline XBRL document",
    );
    dir.snapshot().assert_same(&before);
}

#[test]
fn without_a_segment_map_every_dimensional_fact_keeps_its_dimensions_as_its_segment() {
    let Some(file) = sec_file(AMZN_2024) else {
        return;
    };
    let dir = crate::sec::reference_only();
    dir.run(&["ingest", &file]);
    let aws: i64 = dir.one(
        "SELECT value FROM fact_detail WHERE metric = 'revenue' AND period_label = 'FY2024' \
         AND segment = 'us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember'",
    );
    assert_eq!(aws, 107_556_000_000);
    let named: i64 = dir.one("SELECT count(*) FROM facts WHERE segment = 'AWS'");
    assert_eq!(named, 0);
}

#[test]
fn a_segments_csv_row_that_would_change_a_mapping_is_refused() {
    let dir = reference_only();
    let name = dir.write(
        "more-segments.csv",
        "axis,member,segment\n\
         us-gaap:StatementBusinessSegmentsAxis,amzn:AmazonWebServicesSegmentMember,Cloud\n",
    );
    let err = dir.refused_unchanged(&["ingest", name]);
    assert_contains(
        &err,
        "us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember already \
         maps to segment \"AWS\"",
    );
}

#[test]
fn two_values_for_one_concept_context_and_unit_are_both_kept_and_conflict() {
    let dir = reference_only();
    // Net income FY2024 is tagged five times (f-59, f-200, ...); one now says otherwise.
    let Some(name) = edited(&dir, AMZN_2024, |t| {
        t.replacen("id=\"f-200\">59,248<", "id=\"f-200\">59,249<", 1)
    }) else {
        return;
    };
    dir.run(&["ingest", &name]);
    let values: i64 = dir.one(
        "SELECT count(DISTINCT value) FROM fact_detail WHERE metric = 'net_income' \
         AND segment = '' AND period_label = 'FY2024'",
    );
    assert_eq!(values, 2);
    let conflicts = dir.run(&["report", "conflicts", "--format", "csv"]);
    for value in ["59248000000", "59249000000"] {
        assert!(
            conflicts
                .lines()
                .any(|l| l.contains("net_income") && l.contains("FY2024") && l.contains(value)),
            "{conflicts}"
        );
    }
}

#[test]
fn a_document_without_its_date_joins_the_filing_already_known_and_takes_its_date() {
    let Some(file) = sec_file(AMZN_2024) else {
        return;
    };
    // The bundled data knows this 10-K from companyfacts, filed 2025-02-07.
    let dir = Dir::new();
    dir.run(&["init"]);
    let out = dir.run(&["ingest", &file, "--accession", "0001018724-25-000004"]);
    assert!(!out.contains("without a filing date"), "{out}");
    let dated: i64 = dir.one(
        "SELECT count(*) FROM fact_detail WHERE source = 'sec-0001018724-25-000004' \
         AND metric = 'revenue' AND segment = 'AWS' AND published_on = '2025-02-07'",
    );
    assert_eq!(
        dated, 3,
        "AWS revenue FY2022-FY2024, dated by the known filing"
    );
    // A date that contradicts the known filing is still refused.
    let stderr = dir.refused_unchanged(&[
        "ingest",
        &file,
        "--accession",
        "0001018724-25-000004",
        "--filed",
        "2025-02-08",
    ]);
    assert_contains(&stderr, "already in the database with other values");
}
