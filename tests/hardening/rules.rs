//! Hardening: rules (issue 10). One set of rules for every input path: identifiers that
//! print alike are refused, line numbers are right whatever the line ends, what an SEC
//! import stores a dump gives back, and stored values stay computable by every report.

use crate::dataset::shared_dir;
use crate::util::{assert_contains, facts_csv, rows_of, Dir, DB};
use std::path::Path;

const GOOD_ROW: &str = "DECO,capex,,Q2 FY2026,level,5B,,USD,exact,actual,audited,deco-10q,,,";

/// A one-company companyfacts file with these facts (JSON objects) for one concept.
fn companyfacts(concept: &str, unit: &str, facts: &[&str]) -> String {
    let (taxonomy, tag) = concept.split_once(':').expect("taxonomy:Tag");
    format!(
        r#"{{"cik": 9999, "entityName": "Test Co", "facts": {{"{taxonomy}": {{"{tag}": {{"label": "L", "units": {{"{unit}": [{}]}}}}}}}}}}"#,
        facts.join(", ")
    )
}

/// A companyfacts fact object.
fn cf_fact(start: &str, end: &str, val: &str, filed: &str) -> String {
    let start = if start.is_empty() {
        String::new()
    } else {
        format!(r#""start": "{start}", "#)
    };
    format!(
        r#"{{{start}"end": "{end}", "val": {val}, "accn": "0000009999-25-000001", "form": "10-K", "filed": "{filed}"}}"#
    )
}

/// An annual fact, so the company's fiscal year end is known.
fn annual() -> String {
    cf_fact("2024-01-01", "2024-12-31", "5", "2025-02-01")
}

#[test]
fn a_segment_with_a_zero_width_space_or_nul_is_refused_not_stored_apart_from_aws() {
    let dir = Dir::with_fixtures();
    let rows: Vec<String> = ["AWS\u{200b}", "AWS\0", "AWS\u{202e}", "\u{feff}AWS"]
        .iter()
        .map(|segment| GOOD_ROW.replace(",capex,,", &format!(",capex,{segment},")))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let stderr = dir.ingest_refused("bad.csv", facts_csv(&rows));
    assert_contains(
        &stderr,
        "bad.csv:2: column 'segment': \"AWS\\u{200b}\": contains a zero-width character \
         (U+200B) at character 4",
    );
    assert_contains(
        &stderr,
        "bad.csv:3: column 'segment': \"AWS\\0\": contains a NUL character (U+0000)",
    );
    assert_contains(
        &stderr,
        "bad.csv:4: column 'segment': \"AWS\\u{202e}\": contains a bidirectional-format \
         character (U+202E)",
    );
    assert_contains(&stderr, "bad.csv:5: column 'segment': \"\\u{feff}AWS\"");
    assert_contains(
        &stderr,
        "expected a segment name such as AWS or North America",
    );
    assert_contains(&stderr, "4 problems found; nothing was written");
}

#[test]
fn invisible_characters_are_refused_in_tickers_slugs_metrics_concepts_and_units() {
    let dir = Dir::with_fixtures();
    let stderr = dir.ingest_refused(
        "entities.csv",
        "ticker,name,fiscal_year_end\nZW\u{200b},Zero Width,12-31\n",
    );
    assert_contains(&stderr, "entities.csv:2: column 'ticker': \"ZW\\u{200b}\"");
    let stderr = dir.ingest_refused(
        "sources.csv",
        "source,publisher,title,kind\nnews\u{2060}-1,P,T,news\n",
    );
    assert_contains(
        &stderr,
        "sources.csv:2: column 'source': \"news\\u{2060}-1\": contains a zero-width character",
    );
    let stderr = dir.ingest_refused(
        "metrics.csv",
        "metric,name,unit\nbacklog\u{200f},Backlog,USD\nbacklog2,Backlog,USD\u{200d}\n",
    );
    assert_contains(
        &stderr,
        "metrics.csv:2: column 'metric': \"backlog\\u{200f}\": contains a bidirectional-format",
    );
    assert_contains(
        &stderr,
        "metrics.csv:3: column 'unit': \"USD\\u{200d}\": contains a zero-width character",
    );
    let stderr = dir.ingest_refused(
        "concepts.csv",
        "concept,metric\nus-gaap:Capex\u{1}Total,capex\n",
    );
    assert_contains(
        &stderr,
        "concepts.csv:2: column 'concept': \"us-gaap:Capex\\u{1}Total\": contains a control character",
    );
    // A facts row names each identifier's problem rather than "unknown".
    let row = GOOD_ROW.replace("deco-10q", "deco-10q\u{200b}");
    let stderr = dir.ingest_refused("facts.csv", facts_csv(&[&row]));
    assert_contains(
        &stderr,
        "facts.csv:2: column 'source': \"deco-10q\\u{200b}\": contains a zero-width character",
    );
}

#[test]
fn companyfacts_and_fsds_refuse_invisible_characters_in_concepts_and_units() {
    let dir = Dir::with_empty_db();
    let json = companyfacts("us-gaap:Revenues\u{200b}", "USD", &[&annual()]);
    dir.write("cf.json", json);
    let stderr = dir.refused_unchanged(&["ingest", "--entity", "TEST", "cf.json"]);
    assert_contains(&stderr, "column 'concept': \"us-gaap:Revenues\\u{200b}\"");
    assert_contains(
        &stderr,
        "contains a zero-width character (U+200B) at character 17",
    );
    let json = companyfacts("us-gaap:Revenues", "USD\u{200b}", &[&annual()]);
    dir.write("cf.json", json);
    let stderr = dir.refused_unchanged(&["ingest", "--entity", "TEST", "cf.json"]);
    assert_contains(&stderr, "cf.json:1: column 'unit': \"USD\\u{200b}\"");
    assert_contains(
        &stderr,
        "contains a zero-width character (U+200B) at character 4",
    );
    let stderr = dir.refused_unchanged(&["ingest", "--entity", "TE\u{200b}ST", "cf.json"]);
    assert_contains(&stderr, "column 'entity': \"TE\\u{200b}ST\"");

    dir.write(
        "q/sub.txt",
        "adsh\tcik\tname\tsic\tfye\tform\tfiled\n\
         0000000001-09-000001\t42\tSOME INC\t5961\t1231\t10-K\t20090515\n",
    );
    dir.write(
        "q/num.txt",
        "adsh\ttag\tversion\tddate\tqtrs\tuom\tsegments\tcoreg\tvalue\tfootnote\n\
         0000000001-09-000001\tRevenues\tus-gaap/2008\t20081231\t4\tUSD\u{200b}\t\t\t3\t\n\
         0000000001-09-000001\tRevenues\u{0}\tus-gaap/2008\t20081231\t4\tUSD\t\t\t3\t\n",
    );
    dir.write(
        "q/tag.txt",
        "tag\tversion\tcustom\tabstract\ttlabel\nRevenues\tus-gaap/2008\t0\t0\tRevenues\n",
    );
    let stderr = dir.refused_unchanged(&["ingest", "q"]);
    assert_contains(&stderr, ":2: column 'unit': \"USD\\u{200b}\"");
    assert_contains(
        &stderr,
        ":3: column 'version': \"us-gaap:Revenues\\0\": contains a NUL",
    );
}

#[test]
fn a_lone_cr_file_reports_each_error_at_its_own_line() {
    let dir = Dir::with_fixtures();
    let bad = GOOD_ROW.replace("5B", "zz");
    let text = facts_csv(&[GOOD_ROW, &bad, GOOD_ROW]).replace('\n', "\r");
    let stderr = dir.ingest_refused("mac.csv", text);
    assert_contains(&stderr, "mac.csv:3: column 'value': \"zz\"");
    assert_contains(
        &stderr,
        "mac.csv:4: column 'value': \"5B\": the same fact as line 2",
    );
    // And a mix of line ends counts each one.
    let text = format!("{}\r\n{GOOD_ROW}\r{bad}\n", crate::util::FACTS_HEADER);
    let stderr = dir.ingest_refused("mixed.csv", text);
    assert_contains(&stderr, "mixed.csv:3: column 'value': \"zz\"");
}

#[test]
fn a_date_out_of_range_says_the_supported_range() {
    let dir = Dir::with_fixtures();
    let row = GOOD_ROW.replace(",audited,deco-10q,,", ",audited,deco-10q,2999-01-01,");
    let stderr = dir.ingest_refused("bad.csv", facts_csv(&[&row]));
    assert_contains(
        &stderr,
        "bad.csv:2: column 'published_on': \"2999-01-01\": 2999-01-01 is outside the supported \
         range of dates, 1900-01-01 to 2200-12-31",
    );
    assert!(!stderr.contains("real calendar day"), "{stderr}");
}

#[test]
fn companyfacts_refuses_the_periods_dates_units_and_values_a_facts_csv_refuses() {
    let dir = Dir::with_empty_db();
    for (fact, unit, expected) in [
        (
            cf_fact("0001-01-01", "0001-12-31", "5", "2025-02-01"),
            "USD",
            "column 'start': \"0001-01-01\": us-gaap:Revenues [USD] in filing \
             0000009999-25-000001: 0001-01-01 is outside the supported range of dates, \
             1900-01-01 to 2200-12-31",
        ),
        (
            cf_fact("", "9999-12-31", "5", "2025-02-01"),
            "USD",
            "column 'end': \"9999-12-31\": us-gaap:Revenues [USD] in filing \
             0000009999-25-000001: 9999-12-31 is outside the supported range",
        ),
        (
            cf_fact("", "2024-12-31", "5", "2999-01-01").replace("25-000001", "25-000002"),
            "USD",
            "column 'filed': \"2999-01-01\": filing 0000009999-25-000002 (10-K): 2999-01-01 is \
             outside the supported range",
        ),
        (
            cf_fact("", "2024-12-31", "5", "2025-02-01"),
            "",
            "column 'unit': \"\": us-gaap:Revenues [] in filing 0000009999-25-000001: expected \
             a unit such as USD",
        ),
        (
            cf_fact("", "2024-12-31", "5000000000000000000", "2025-02-01"),
            "USD",
            "column 'val': \"5000000000000000000\": us-gaap:Revenues [USD] in filing \
             0000009999-25-000001: 5000000000000000000 USD is beyond the bound of amzdb values: \
             at most 100000000000000000 (10^17)",
        ),
    ] {
        let facts = [annual(), fact];
        let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
        let (taxonomy_unit, other) = if unit.is_empty() {
            ("", "USD")
        } else {
            (unit, unit)
        };
        // The annual fact keeps a usable unit when the tested one is empty.
        let json = if unit.is_empty() {
            format!(
                r#"{{"cik": 9999, "entityName": "Test Co", "facts": {{"us-gaap": {{"Revenues": {{"label": "L", "units": {{"{other}": [{}], "{taxonomy_unit}": [{}]}}}}}}}}}}"#,
                facts[0], facts[1]
            )
        } else {
            companyfacts("us-gaap:Revenues", unit, &facts)
        };
        dir.write("cf.json", json);
        let stderr = dir.refused_unchanged(&["ingest", "--entity", "TEST", "cf.json"]);
        assert_contains(&stderr, expected);
    }
}

#[test]
fn an_sec_file_without_a_fiscal_year_end_is_one_problem_not_one_per_fact() {
    let dir = Dir::with_empty_db();
    // Only instants: the fiscal year end cannot be told.
    let facts = [
        cf_fact("", "2024-12-31", "5", "2025-02-01"),
        cf_fact("", "2023-12-31", "4", "2025-02-01"),
    ];
    let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
    dir.write("cf.json", companyfacts("us-gaap:Assets", "USD", &facts));
    let stderr = dir.refused_unchanged(&["ingest", "--entity", "TEST", "cf.json"]);
    assert_contains(&stderr, "cannot tell the fiscal year end of CIK 9999");
    assert!(!stderr.contains("cites a filing"), "{stderr}");
    assert_contains(&stderr, "1 problem found; nothing was written");
}

#[test]
fn sec_units_and_metrics_named_after_concepts_are_valid_in_csv() {
    let dir = Dir::with_fixtures();
    dir.write(
        "metrics.csv",
        "metric,name,unit\n\
         dei:EntityPublicFloat,Public float,USD\n\
         us-gaap:EffectiveTaxRate,Tax rate,pure\n\
         us-gaap:SharesOutstanding,Shares,shares\n",
    );
    dir.write(
        "facts.csv",
        facts_csv(&[
            "DECO,dei:EntityPublicFloat,,2026-03-31,level,5B,,USD,exact,actual,audited,deco-10q,,,",
            "DECO,dei:EntityPublicFloat,,2025-03-31,level,5000000,,CAD,exact,actual,audited,deco-10q,,,",
            "DECO,us-gaap:EffectiveTaxRate,,FY2025,level,0.21,,pure,exact,actual,audited,deco-10q,,,",
            "DECO,us-gaap:SharesOutstanding,,2026-03-31,level,1000,,USD/shares,exact,actual,audited,deco-10q,,,",
        ]),
    );
    dir.run(&["ingest", "metrics.csv", "facts.csv"]);
    assert_eq!(
        dir.one::<String>(
            "SELECT group_concat(u.unit, ' ') FROM (SELECT unit FROM units WHERE unit IN \
             ('pure', 'CAD', 'USD/shares') ORDER BY unit) AS u"
        ),
        "CAD USD/shares pure"
    );
    // A level citing its XBRL concept keeps its filing's unit, as an SEC import stores it.
    dir.write(
        "xbrl.csv",
        format!(
            "{},concept\n{},us-gaap:PaymentsToAcquireProductiveAssets\n",
            crate::util::FACTS_HEADER,
            GOOD_ROW.replace(",USD,", ",JPY,")
        ),
    );
    dir.run(&["ingest", "xbrl.csv"]);
    assert_eq!(
        dir.one::<i64>("SELECT count(*) FROM facts JOIN units USING (unit_id) WHERE unit = 'JPY'"),
        1
    );
    // Without a concept, an amzdb metric keeps its own unit: another currency is refused.
    let row = GOOD_ROW.replace(",USD,", ",CAD,");
    let stderr = dir.ingest_refused("bad.csv", facts_csv(&[&row]));
    assert_contains(
        &stderr,
        "bad.csv:2: column 'unit': \"CAD\": does not fit metric 'capex'",
    );
}

// ---- values that can be stored can be reported ----

/// Four quarters of capex and operating cash flow at `value` for DECO.
fn four_quarters(value: &str) -> String {
    let mut rows = Vec::new();
    for q in 1..=4 {
        for metric in ["capex", "operating_cash_flow"] {
            rows.push(format!(
                "DECO,{metric},,Q{q} FY2027,level,{value},,USD,exact,actual,audited,deco-10q,,,"
            ));
        }
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    facts_csv(&rows)
}

fn with_cash_flow_metric(dir: &Dir) {
    dir.write(
        "metrics.csv",
        "metric,name,unit\noperating_cash_flow,Operating cash flow,USD\n",
    );
    dir.run(&["ingest", "metrics.csv"]);
}

#[test]
fn capex_of_5e18_usd_is_refused_at_ingest_naming_the_value_and_the_bound() {
    let dir = Dir::with_fixtures();
    with_cash_flow_metric(&dir);
    let stderr = dir.ingest_refused("huge.csv", four_quarters("5000000000000000000"));
    assert_contains(
        &stderr,
        "huge.csv:2: column 'value': \"5000000000000000000\": 5000000000000000000 USD is beyond \
         the bound of amzdb values: at most 100000000000000000 (10^17) in magnitude",
    );
    assert_contains(&stderr, "8 problems found; nothing was written");
    // A percentage has a bound of its own (reports turn changes of one into bps).
    let row = "DECO,capex,,Q1 FY2026,yoy_pct,2000000000000000,,%,exact,actual,audited,deco-10q,,,";
    let stderr = dir.ingest_refused("pct.csv", facts_csv(&[row]));
    assert_contains(
        &stderr,
        "at most 1000000000000000 (10^15) in magnitude for unit %",
    );
}

#[test]
fn values_at_the_bound_ingest_and_every_report_and_export_still_work() {
    let dir = Dir::with_fixtures();
    with_cash_flow_metric(&dir);
    dir.write("big.csv", four_quarters("-100000000000000000"));
    dir.run(&["ingest", "big.csv"]);
    let row = "DECO,capex,,Q2 FY2026,yoy_pct,1000000000000000,,%,exact,actual,audited,deco-10q,,,";
    dir.ingest_ok_rows(&[row]);
    let list = dir.run(&["report", "--format", "csv"]);
    let names: Vec<&str> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert!(names.contains(&"capex-fcf"), "{list}");
    for name in names {
        dir.run(&["report", name, "--all-entities", "--format", "csv"]);
    }
    let ttm = dir.run(&[
        "query",
        "--format",
        "csv",
        "SELECT capex_ttm, fcf_ttm FROM capex_vs_fcf WHERE entity = 'DECO' \
         AND period_label = 'Q4 FY2027' AND period_kind = 'quarter'",
    ]);
    assert_eq!(ttm, "capex_ttm,fcf_ttm\n-400000000000000000,0\n");
    dir.run(&["export", "out"]);
    let exported = std::fs::read_to_string(dir.join("out/capex_vs_fcf.csv")).expect("export");
    assert_contains(&exported, "-400000000000000000");
}

// ---- round trips: import, dump, ingest the dump into an empty database ----

/// Every stored fact with everything that makes it what it is, sorted.
const FACTS: &str =
    "SELECT e.ticker, m.slug, f.segment, p.kind, p.start_date, p.end_date, p.label, \
    f.measure, quote(f.value), quote(f.value_high), quote(f.precision), f.value_text, u.unit, \
    f.qualifier, f.basis, f.disclosure_type, s.slug, quote(f.published_on), quote(f.quote), \
    quote(f.note), quote(c.concept), quote(f.dimensions) \
    FROM facts f JOIN entities e USING (entity_id) JOIN metrics m USING (metric_id) \
    JOIN periods p USING (period_id) JOIN units u ON u.unit_id = f.unit_id \
    JOIN sources s USING (source_id) LEFT JOIN concepts c ON c.concept_id = f.concept_id";

fn all_facts(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut rows = rows_of(&conn, FACTS);
    rows.sort();
    rows
}

/// Dumps the test database, ingests the dump into an empty database and asserts the
/// same facts came back; returns how many.
fn dump_reloads(dir: &Dir) -> usize {
    dir.run(&["dump", "dumped"]);
    dir.amzdb()
        .args(["--db", "again.sqlite", "init", "--empty"])
        .assert()
        .success();
    dir.amzdb()
        .args(["--db", "again.sqlite", "ingest", "dumped"])
        .assert()
        .success();
    let before = all_facts(&dir.join(DB));
    let after = all_facts(&dir.join("again.sqlite"));
    assert!(!before.is_empty());
    let map = "SELECT axis, member, segment, quote(note) FROM segment_map ORDER BY 1, 2";
    let segment_map = |db: &str| {
        rows_of(
            &rusqlite::Connection::open(dir.join(db)).expect("open"),
            map,
        )
    };
    assert_eq!(
        segment_map(DB),
        segment_map("again.sqlite"),
        "the segment map"
    );
    if before != after {
        let lost: Vec<_> = before
            .iter()
            .filter(|f| !after.contains(f))
            .take(5)
            .collect();
        let new: Vec<_> = after
            .iter()
            .filter(|f| !before.contains(f))
            .take(5)
            .collect();
        panic!(
            "{} facts before, {} after; lost {lost:#?}; new {new:#?}",
            before.len(),
            after.len()
        );
    }
    before.len()
}

fn sec_file(name: &str) -> Option<String> {
    let dir = shared_dir("sec")?;
    Some(dir.join("sec").join(name).display().to_string())
}

#[test]
fn a_dump_of_the_bundled_data_ingests_again_to_the_same_facts() {
    let dir = Dir::new();
    dir.run(&["init"]);
    assert_eq!(dump_reloads(&dir), 5989);
}

#[test]
fn a_dump_of_amazon_and_snowflake_companyfacts_ingests_again_to_the_same_facts() {
    let (Some(amzn), Some(snow)) = (
        sec_file("amzn-companyfacts-subset.json"),
        sec_file("snow-companyfacts.json"),
    ) else {
        return;
    };
    let dir = Dir::with_empty_db();
    dir.run(&["ingest", "--entity", "SNOW", &snow]);
    assert_eq!(dump_reloads(&dir), 8163);
    let dir = Dir::with_empty_db();
    dir.run(&["ingest", "--entity", "AMZN", &amzn]);
    assert_eq!(dump_reloads(&dir), 2018);
}

#[test]
fn a_dump_of_three_10k_filings_keeps_their_precision_dimensions_and_segment_map() {
    let (Some(fy22), Some(fy24), Some(googl)) = (
        sec_file("amzn-10k-fy2022-instance.xml"),
        sec_file("amzn-10k-fy2024.htm"),
        sec_file("googl-10k-fy2024.htm"),
    ) else {
        return;
    };
    // The filings alone, on the bundled reference data (entities, metrics, the maps).
    let dir = crate::xbrl::reference_only();
    dir.run(&["ingest", &fy22, "--accession", "0001018724-23-000004"]);
    dir.run(&["ingest", &fy24, "--accession", "0001018724-25-000004"]);
    dir.run(&["ingest", &googl, "--entity", "GOOGL"]);
    // Figures in millions keep precision 1000000 (decimals="-6"), which the digits of
    // 80096000000 alone cannot say, and dimensional facts keep their members.
    let kept: i64 = dir.one(
        "SELECT count(*) FROM fact_detail WHERE metric = 'revenue' AND segment = 'AWS' \
         AND period_label = 'FY2022' AND precision = 1000000 AND dimensions IS NOT NULL",
    );
    assert_eq!(kept, 2, "one per Amazon filing");
    assert_eq!(dump_reloads(&dir), 1171 + 1159 + 1397);
}

#[test]
fn a_dump_of_both_fsds_quarters_ingests_again_to_the_same_facts() {
    let (Some(q3), Some(q2)) = (sec_file("fsds-2009q3.zip"), sec_file("fsds-2010q2.zip")) else {
        return;
    };
    let dir = Dir::with_empty_db();
    dir.run(&["ingest", &q3]);
    assert_eq!(dump_reloads(&dir), 109_507);
    // On top of the bundled data: concept mappings apply, units differ from theirs.
    let dir = Dir::new();
    dir.run(&["init"]);
    dir.run(&["ingest", &q2]);
    assert_eq!(dump_reloads(&dir), 115_432);
}

#[test]
fn a_precision_or_dimensions_column_that_cannot_be_true_is_refused_naming_the_value() {
    let dir = Dir::with_fixtures();
    let header = format!("{},precision,dimensions", crate::util::FACTS_HEADER);
    let text = format!(
        "{header}\n{GOOD_ROW},5000,\n{}\n{}\n",
        GOOD_ROW.replace("5B,", "5.1B,") + ",0,",
        GOOD_ROW.replace("5B,", "5.2B,") + ",1000000,us-gaap:StatementBusinessSegmentsAxis"
    );
    let stderr = dir.ingest_refused("p.csv", text);
    assert_contains(
        &stderr,
        "p.csv:2: column 'precision': \"5000\": expected a positive power of ten",
    );
    assert_contains(
        &stderr,
        "p.csv:3: column 'precision': \"0\": expected a positive power",
    );
    assert_contains(
        &stderr,
        "p.csv:4: column 'dimensions': \"us-gaap:StatementBusinessSegmentsAxis\": \
         \"us-gaap:StatementBusinessSegmentsAxis\" is not axis=member",
    );
}

#[test]
fn a_stated_precision_and_dimensions_are_stored_as_given() {
    let dir = Dir::with_fixtures();
    let header = format!("{},precision,dimensions", crate::util::FACTS_HEADER);
    let row = GOOD_ROW
        .replace(",capex,,", ",capex,AWS,")
        .replace("5B,", "5000000000,")
        + ",1000000,us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember";
    dir.write("p.csv", format!("{header}\n{row}\n"));
    dir.run(&["ingest", "p.csv"]);
    let stored: String =
        dir.one("SELECT precision || ' ' || dimensions FROM facts WHERE value_text = '5000000000'");
    assert_eq!(
        stored,
        "1000000 us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember"
    );
}
