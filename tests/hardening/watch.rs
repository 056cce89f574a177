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
