//! Issue 16: watch CSVs. A watch item (a condition on a future figure, with the source
//! and quote of whoever set it) is recognised by its header, checked as a fact is (the
//! same value parser, unit rule, fiscal calendar and names), stored once, refused all or
//! nothing with file, line and column, dumped and ingested again to the same items.

use crate::util::{assert_contains, rows_of, Dir, DB};

/// The watch CSV header, in the documented order.
const WATCH_HEADER: &str =
    "entity,metric,segment,measure,condition,low,high,unit,from_period,source,quote,note";

/// A company whose fiscal year ends in June, its metrics and two sources, written by
/// each test into its own directory.
const ENTITIES: &str = "ticker,name,cik,fiscal_year_end\nJUNE,June Co,3333,06-30\n";
const METRICS: &str = "metric,name,unit,description\n\
capex,Capital expenditures,USD,Purchases of property and equipment\n\
revenue,Revenue,USD,Net sales\n\
operating_margin,Operating margin,%,\n\
free_cash_flow,Free cash flow,USD,\n";
const SOURCES: &str = "source,publisher,title,published_on,url,kind\n\
june-call,June Co,JUNE Q2 FY2026 earnings call,2026-01-30,,earnings_call\n\
june-note,Analyst Co,A note on June Co,2026-02-10,,research\n";

/// A directory whose database holds the June company, its metrics and sources.
fn june() -> Dir {
    let dir = Dir::with_empty_db();
    dir.write("ref/entities.csv", ENTITIES);
    dir.write("ref/metrics.csv", METRICS);
    dir.write("ref/sources.csv", SOURCES);
    dir.run(&["ingest", "ref"]);
    dir
}

/// A watch file: the header and the given rows.
fn watch_csv(rows: &[&str]) -> String {
    let mut text = format!("{WATCH_HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// Four good items: a range of a growth rate, a level above a threshold, a margin's
/// change below a bound, and an instant's level.
const GOOD: &[&str] = &[
    "JUNE,revenue,Cloud,yoy_pct,between,25%,30%,%,Q3 FY2026,june-call,\"whether Cloud growth can hold in the 25%-30% range\",",
    "JUNE,capex,,level,above,$50B,,USD,Q4 FY2026,june-note,\"If Q4 lands above $50B\",a threshold",
    "JUNE,operating_margin,,qoq_change,below,,-0.5,pp,Q3 FY2026,june-note,,",
    "JUNE,free_cash_flow,,,above,0,,USD,2026-06-30,june-note,,an instant",
];

/// The stored items, with their bounds' types, periods and names resolved.
fn stored(dir: &Dir) -> Vec<String> {
    rows_of(
        &dir.conn(),
        "SELECT e.ticker, m.slug, w.segment, w.measure, w.condition, w.low, w.high, \
                w.low_text, w.high_text, u.unit, p.label, p.kind, p.start_date, p.end_date, \
                s.slug, w.quote, w.note \
         FROM watch_items AS w \
         JOIN entities AS e USING (entity_id) JOIN metrics AS m USING (metric_id) \
         JOIN units AS u USING (unit_id) JOIN periods AS p ON p.period_id = w.from_period_id \
         JOIN sources AS s USING (source_id) ORDER BY w.watch_id",
    )
}

#[test]
fn a_watch_file_is_recognised_by_its_header_and_stored_with_exact_bounds() {
    let dir = june();
    dir.write("watch.csv", watch_csv(GOOD));
    let out = dir.run(&["ingest", "watch.csv"]);
    assert_eq!(
        out,
        format!(
            "ingested 0 facts (0 already present), 4 watch items (0 already present) \
             from 1 file into {DB}\n"
        )
    );
    assert_eq!(
        stored(&dir),
        [
            "Text(\"JUNE\") | Text(\"revenue\") | Text(\"Cloud\") | Text(\"yoy_pct\") | \
             Text(\"between\") | Integer(25) | Integer(30) | Text(\"25%\") | Text(\"30%\") | \
             Text(\"%\") | Text(\"Q3 FY2026\") | Text(\"quarter\") | Text(\"2026-01-01\") | \
             Text(\"2026-03-31\") | Text(\"june-call\") | \
             Text(\"whether Cloud growth can hold in the 25%-30% range\") | Null",
            "Text(\"JUNE\") | Text(\"capex\") | Text(\"\") | Text(\"level\") | \
             Text(\"above\") | Integer(50000000000) | Null | Text(\"$50B\") | Null | \
             Text(\"USD\") | Text(\"Q4 FY2026\") | Text(\"quarter\") | Text(\"2026-04-01\") | \
             Text(\"2026-06-30\") | Text(\"june-note\") | Text(\"If Q4 lands above $50B\") | \
             Text(\"a threshold\")",
            "Text(\"JUNE\") | Text(\"operating_margin\") | Text(\"\") | Text(\"qoq_change\") | \
             Text(\"below\") | Null | Real(-0.5) | Null | Text(\"-0.5\") | Text(\"pp\") | \
             Text(\"Q3 FY2026\") | Text(\"quarter\") | Text(\"2026-01-01\") | \
             Text(\"2026-03-31\") | Text(\"june-note\") | Null | Null",
            "Text(\"JUNE\") | Text(\"free_cash_flow\") | Text(\"\") | Text(\"level\") | \
             Text(\"above\") | Integer(0) | Null | Text(\"0\") | Null | Text(\"USD\") | \
             Text(\"2026-06-30\") | Text(\"instant\") | Null | Text(\"2026-06-30\") | \
             Text(\"june-note\") | Null | Text(\"an instant\")",
        ]
    );
    // The batch records the file as a watch file, with its rows.
    assert_eq!(
        rows_of(
            &dir.conn(),
            "SELECT file_name, file_kind, rows_read, rows_inserted, rows_present \
             FROM ingest_batches WHERE file_kind = 'watch'"
        ),
        ["Text(\"watch.csv\") | Text(\"watch\") | Integer(4) | Integer(4) | Integer(0)"]
    );
    dir.assert_sound();
}

#[test]
fn watch_files_load_after_the_reference_files_they_name_in_one_ingest() {
    let dir = Dir::with_empty_db();
    // Named so that the watch file sorts first: the kind, not the name, orders the load.
    dir.write("all/a_watch.csv", watch_csv(GOOD));
    dir.write("all/entities.csv", ENTITIES);
    dir.write("all/metrics.csv", METRICS);
    dir.write("all/sources.csv", SOURCES);
    let out = dir.run(&["ingest", "all"]);
    assert_contains(&out, "4 watch items (0 already present)");
    assert_eq!(dir.count("watch_items"), 4);
    dir.assert_sound();
}

/// A directory whose database holds the June company and the good items.
fn june_watched() -> Dir {
    let dir = june();
    dir.write("watch.csv", watch_csv(GOOD));
    dir.run(&["ingest", "watch.csv"]);
    dir
}

/// Ingests one bad row (line 2 of `bad.csv`) and asserts it is refused, the database
/// unchanged, with this one problem.
fn refused(dir: &Dir, row: &str, problem: &str) {
    let err = dir.ingest_refused("bad.csv", watch_csv(&[row]));
    assert_eq!(
        err,
        format!("amzdb: error: bad.csv:2: {problem}\n1 problem found; nothing was written\n"),
        "row {row}"
    );
}

#[test]
fn an_unknown_condition_or_a_bound_its_condition_does_not_take_is_refused() {
    let dir = june_watched();
    refused(
        &dir,
        "JUNE,capex,,level,over,$50B,,USD,Q4 FY2026,june-note,,",
        "column 'condition': \"over\": expected one of above | below | between",
    );
    let above = "condition above: met when the figure is at least low";
    let below = "condition below: met when the figure is at most high";
    let between = "condition between: met when low <= the figure <= high";
    refused(
        &dir,
        "JUNE,capex,,level,above,,,USD,Q4 FY2026,june-note,,",
        &format!("column 'low': \"\": {above}; give the low bound, such as 25% or $50B"),
    );
    refused(
        &dir,
        "JUNE,capex,,level,above,$50B,$60B,USD,Q4 FY2026,june-note,,",
        &format!(
            "column 'high': \"$60B\": {above}, so it takes no high bound; leave high empty, \
             or use between for a range"
        ),
    );
    refused(
        &dir,
        "JUNE,capex,,level,below,,,USD,Q4 FY2026,june-note,,",
        &format!("column 'high': \"\": {below}; give the high bound, such as 30% or $60B"),
    );
    refused(
        &dir,
        "JUNE,capex,,level,below,$40B,$60B,USD,Q4 FY2026,june-note,,",
        &format!(
            "column 'low': \"$40B\": {below}, so it takes no low bound; leave low empty, \
             or use between for a range"
        ),
    );
    refused(
        &dir,
        "JUNE,revenue,,yoy_pct,between,25%,,%,Q3 FY2026,june-call,,",
        &format!("column 'high': \"\": {between}; give the high bound, such as 30% or $60B"),
    );
    refused(
        &dir,
        "JUNE,revenue,,yoy_pct,between,,30%,%,Q3 FY2026,june-call,,",
        &format!("column 'low': \"\": {between}; give the low bound, such as 25% or $50B"),
    );
    refused(
        &dir,
        "JUNE,revenue,,yoy_pct,between,30%,25%,%,Q3 FY2026,june-call,,",
        "column 'high': \"25%\": is below low 30%; between runs from low up to high \
         (swap them?)",
    );
}

#[test]
fn a_bound_or_unit_that_does_not_fit_the_metric_and_measure_is_refused() {
    let dir = june_watched();
    // A bound written in dollars under unit %, and in percent under USD.
    refused(
        &dir,
        "JUNE,revenue,,yoy_pct,above,$50B,,%,Q3 FY2026,june-call,,",
        "column 'low': \"$50B\": written in USD but the unit is %; write the number without \
         the sign or fix the unit",
    );
    refused(
        &dir,
        "JUNE,capex,,level,below,,25%,USD,Q3 FY2026,june-call,,",
        "column 'high': \"25%\": written in % but the unit is USD; write the number without \
         the sign or fix the unit",
    );
    // A level of a USD metric in %, a growth rate in USD.
    refused(
        &dir,
        "JUNE,capex,,level,above,25%,,%,Q3 FY2026,june-call,,",
        "column 'unit': \"%\": does not fit metric 'capex' (unit USD) with measure level; \
         expected USD",
    );
    refused(
        &dir,
        "JUNE,revenue,,yoy_pct,above,$50B,,USD,Q3 FY2026,june-call,,",
        "column 'unit': \"USD\": does not fit metric 'revenue' (unit USD) with measure \
         yoy_pct; expected %",
    );
    // A bound beyond what reports can compute, and one that is no number.
    refused(
        &dir,
        "JUNE,capex,,level,above,200000T,,USD,Q3 FY2026,june-call,,",
        "column 'low': \"200000T\": 200000000000000000 USD is beyond the bound of amzdb \
         values: at most 100000000000000000 (10^17) in magnitude, so that the sums and \
         differences reports compute stay exact",
    );
    // A change in points is a plain number: the unit column says pp.
    refused(
        &dir,
        "JUNE,operating_margin,,qoq_change,below,,-0.5pp,pp,Q3 FY2026,june-note,,",
        "column 'high': \"-0.5pp\": unknown scale or trailing text \"pp\"; expected a \
         decimal such as 44.2B, $1,200, 28% or -3.5 million (scales: K, M, B, T or \
         thousand, million, billion, trillion); write -0.5: the unit column already says pp",
    );
    refused(
        &dir,
        "JUNE,capex,,level,above,fifty,,USD,Q3 FY2026,june-call,,",
        "column 'low': \"fifty\": not a number; expected a \
         decimal such as 44.2B, $1,200, 28% or -3.5 million (scales: K, M, B, T or \
         thousand, million, billion, trillion)",
    );
}

#[test]
fn unknown_names_measures_and_periods_are_refused() {
    let dir = june_watched();
    refused(
        &dir,
        "JUNO,capex,,level,above,$50B,,USD,Q4 FY2026,june-note,,",
        "column 'entity': \"JUNO\": unknown entity; did you mean 'JUNE'?; entities come \
         from an entities CSV (ticker,name,cik,fiscal_year_end)",
    );
    refused(
        &dir,
        "JUNE,capx,,level,above,$50B,,USD,Q4 FY2026,june-note,,",
        "column 'metric': \"capx\": unknown metric; did you mean 'capex'?; metrics come \
         from a metrics CSV (metric,name,unit,description)",
    );
    refused(
        &dir,
        "JUNE,capex,,level,above,$50B,,USD,Q4 FY2026,june-nte,,",
        "column 'source': \"june-nte\": unknown source; did you mean 'june-note'?; \
         sources come from a sources CSV (source,publisher,title,published_on,url,kind)",
    );
    refused(
        &dir,
        "JUNE,capex,,growth,above,$50B,,USD,Q4 FY2026,june-note,,",
        "column 'measure': \"growth\": expected one of level | yoy_pct | qoq_pct | \
         yoy_change | qoq_change | yoy_multiple | qoq_multiple",
    );
    refused(
        &dir,
        "JUNE,capex,,level,above,$50B,,USD,Q5 FY2026,june-note,,",
        "column 'from_period': \"Q5 FY2026\": Q5 is not a quarter (Q1 to Q4); expected a \
         period such as Q1 FY2026, H1 FY2026, 9M FY2026, FY2025, TTM Q1 FY2026, 2026-03-31 \
         or 2026-01-01..2026-03-31",
    );
    refused(
        &dir,
        "JUNE,capex,,level,above,$50B,,USD,2026-02-30,june-note,,",
        "column 'from_period': \"2026-02-30\": \"2026-02-30\" is not a date (expected \
         YYYY-MM-DD, a real calendar day)",
    );
}

#[test]
fn one_bad_row_refuses_every_file_of_the_ingest_and_every_problem_is_named() {
    let dir = june_watched();
    dir.write(
        "more/good.csv",
        watch_csv(&[GOOD[0].replace("Q3", "Q4").as_str()]),
    );
    dir.write(
        "more/bad.csv",
        watch_csv(&[
            GOOD[1],
            "JUNE,capex,,level,between,$60B,$50B,USD,Q4 FY2026,june-note,,",
            "JUNE,revenue,,yoy_pct,above,$50B,,%,FY2027,june-call,,",
        ]),
    );
    let err = dir.refused_unchanged(&["ingest", "more"]);
    assert_eq!(
        err,
        "amzdb: error: more/bad.csv:3: column 'high': \"$50B\": is below low $60B; between \
         runs from low up to high (swap them?)\n\
         more/bad.csv:4: column 'low': \"$50B\": written in USD but the unit is %; write the \
         number without the sign or fix the unit\n\
         2 problems found; nothing was written\n"
    );
    assert_eq!(dir.count("watch_items"), GOOD.len() as i64);
    dir.assert_sound();
}

#[test]
fn the_same_item_twice_is_stored_once_and_counted_present() {
    let dir = june_watched();
    // The same items again in another file, one with its bounds written otherwise
    // (25.0% is 25%), and one twice in the file: stored once each.
    let again = GOOD[0].replace("25%,30%", "25.0%,30.00%");
    let new = "JUNE,capex,,level,above,$60B,,USD,Q4 FY2026,june-note,,a higher bar";
    dir.write(
        "again.csv",
        watch_csv(&[&again, GOOD[1], GOOD[2], GOOD[3], new, new]),
    );
    let out = dir.run(&["ingest", "again.csv"]);
    assert_eq!(
        out,
        format!(
            "ingested 0 facts (0 already present), 1 watch items (5 already present) from 1 \
             file into {DB}\n"
        )
    );
    assert_eq!(dir.count("watch_items"), GOOD.len() as i64 + 1);
    // The stored item keeps the file, line and text it was first given with.
    assert_eq!(
        rows_of(
            &dir.conn(),
            "SELECT b.file_name, w.line, w.low_text FROM watch_items AS w \
             JOIN ingest_batches AS b USING (batch_id) WHERE w.watch_id = 1"
        ),
        ["Text(\"watch.csv\") | Integer(2) | Text(\"25%\")"]
    );
    // A file with nothing new is counted, and adds no batch.
    let batches = dir.count("ingest_batches");
    dir.write("same.csv", watch_csv(&GOOD[..2]));
    let out = dir.run(&["ingest", "same.csv"]);
    assert_eq!(
        out,
        format!(
            "nothing new: 0 facts (0 already present), 0 watch items (2 already present) from \
             1 file already in {DB}\n"
        )
    );
    assert_eq!(dir.count("ingest_batches"), batches);
    dir.assert_sound();
}

#[test]
fn an_unchanged_watch_file_is_not_read_again() {
    let dir = june_watched();
    let before = dir.snapshot();
    let out = dir.cmd().args(["ingest", "watch.csv"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "nothing new: 0 facts (0 already present), 1 file unchanged (not read) from 1 \
             file already in {DB}\n"
        )
    );
    let (batch_id, at): (i64, String) = dir
        .conn()
        .query_row(
            "SELECT batch_id, ingested_at FROM ingest_batches WHERE file_kind = 'watch'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "amzdb: note: watch.csv: unchanged since ingest batch {batch_id} (watch.csv, \
             {at}), not read again; --recheck reads it\n"
        )
    );
    dir.snapshot().assert_same(&before);
    // --recheck reads it, and finds every item present (the batch it began is removed).
    let out = dir.run(&["ingest", "--recheck", "watch.csv"]);
    assert_contains(&out, "0 watch items (4 already present)");
    assert_eq!(dir.snapshot().rows, before.rows);
}

/// A fact of the June company (a dump ingests again only with facts in it).
const FACT: &str = "JUNE,capex,,Q2 FY2026,level,$40B,,USD,exact,actual,\
management_commentary,june-call,,,";

#[test]
fn a_dump_ingests_again_to_the_same_watch_items() {
    let dir = june_watched();
    dir.ingest_ok_rows(&[FACT]);
    let out = dir.run(&["dump", "dumped"]);
    assert_eq!(
        out,
        "dumped 1 entities, 2 sources, 4 metrics, 0 concepts, 0 segments, 1 facts, \
         4 watch items to dumped\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("dumped/watch.csv")).unwrap(),
        watch_csv(&[
            "JUNE,revenue,Cloud,yoy_pct,between,25%,30%,%,Q3 FY2026,june-call,\
             whether Cloud growth can hold in the 25%-30% range,",
            "JUNE,capex,,level,above,$50B,,USD,Q4 FY2026,june-note,If Q4 lands above $50B,\
             a threshold",
            "JUNE,operating_margin,,qoq_change,below,,-0.5,pp,Q3 FY2026,june-note,,",
            "JUNE,free_cash_flow,,level,above,0,,USD,2026-06-30,june-note,,an instant",
        ])
    );
    let copy = Dir::with_empty_db();
    let out = copy.run(&["ingest", dir.join("dumped").to_str().unwrap()]);
    assert_contains(&out, "4 watch items (0 already present)");
    assert_eq!(stored(&copy), stored(&dir));
    copy.assert_sound();
    // A database without watch items dumps a watch file of its header only, which
    // ingests too.
    let none = june();
    none.ingest_ok_rows(&[FACT]);
    none.run(&["dump", "dumped"]);
    assert_eq!(
        std::fs::read_to_string(none.join("dumped/watch.csv")).unwrap(),
        format!("{WATCH_HEADER}\n")
    );
    let copy = Dir::with_empty_db();
    copy.run(&["ingest", none.join("dumped").to_str().unwrap()]);
    assert_eq!(copy.count("watch_items"), 0);
    assert_eq!(copy.count("facts"), 1);
}
