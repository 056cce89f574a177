//! Issue 16: the watchlist report (queries/watchlist.sql) on tests/fixtures/reports_watch,
//! a company whose fiscal year ends on June 30, with watch items on a derived quarter's
//! growth, a disclosed growth rate, a level below a bound, an instant above one and a
//! period with no figure yet. Expected figures and statuses are computed here from the
//! fixture's own CSV files.

use super::{assert_view_agrees_with_cli, dir_with, num, parse_csv, report_rows, row};
use std::collections::HashMap;
use std::path::Path;

const FIXTURE: &str = "reports_watch";

/// A fixture file's rows (column -> text).
fn fixture_rows(file: &str) -> Vec<HashMap<String, String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(FIXTURE)
        .join(file);
    parse_csv(&std::fs::read_to_string(&path).expect("fixture file"))
}

/// A value as the fixture writes it (`8.000B`, `$50B`, `31%`) in base units (`%` as the
/// number of percent), for the expectations below.
fn base_units(text: &str) -> f64 {
    let t = text.trim_start_matches('$').trim_end_matches('%');
    match t.strip_suffix('B') {
        Some(billions) => billions.parse::<f64>().expect("a number") * 1e9,
        None => t.parse().expect("a number"),
    }
}

/// The fixture's fact of this metric, segment, period and measure, in base units.
fn fact(metric: &str, segment: &str, period: &str, measure: &str) -> f64 {
    let rows = fixture_rows("facts.csv");
    let r = row(
        &rows,
        &[
            ("metric", metric),
            ("segment", segment),
            ("period", period),
            ("measure", measure),
        ],
    );
    base_units(&r["value"])
}

/// The fixture's watch item on this metric, segment and measure: (condition, low, high).
fn watch(metric: &str, segment: &str, measure: &str) -> (String, Option<f64>, Option<f64>) {
    let rows = fixture_rows("watch.csv");
    let r = row(
        &rows,
        &[
            ("metric", metric),
            ("segment", segment),
            ("measure", measure),
        ],
    );
    let bound = |c: &str| (!r[c].is_empty()).then(|| base_units(&r[c]));
    (r["condition"].clone(), bound("low"), bound("high"))
}

/// What DESIGN16 says an exact figure makes of a condition.
fn judge(item: &(String, Option<f64>, Option<f64>), value: f64) -> &'static str {
    let (condition, low, high) = item;
    let met = match condition.as_str() {
        "above" => value >= low.expect("above has low"),
        "below" => value <= high.expect("below has high"),
        "between" => value >= low.expect("low") && value <= high.expect("high"),
        other => panic!("condition {other}"),
    };
    if met {
        "met"
    } else {
        "missed"
    }
}

/// The rows of one item: (period_label, period_end, status).
fn periods<'a>(
    rows: &'a [HashMap<String, String>],
    metric: &str,
    segment: &str,
    measure: &str,
) -> Vec<(&'a str, &'a str, &'a str)> {
    rows.iter()
        .filter(|r| r["metric"] == metric && r["segment"] == segment && r["measure"] == measure)
        .map(|r| {
            (
                r["period_label"].as_str(),
                r["period_end"].as_str(),
                r["status"].as_str(),
            )
        })
        .collect()
}

#[test]
fn each_watch_item_is_checked_against_the_chosen_derived_or_computed_figure() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(&dir, &["watchlist", "--entity", "JUNC"]);

    // A derived quarter's growth: Q4 FY2025 = FY2025 - 9M FY2025, against the disclosed
    // Q4 FY2024; no one disclosed the growth, so it is computed from the two levels.
    let q4 = fact("revenue", "", "FY2025", "") - fact("revenue", "", "9M FY2025", "");
    let growth =
        100.0 * (q4 - fact("revenue", "", "Q4 FY2024", "")) / fact("revenue", "", "Q4 FY2024", "");
    let item = watch("revenue", "", "yoy_pct");
    let r = row(
        &rows,
        &[
            ("metric", "revenue"),
            ("measure", "yoy_pct"),
            ("segment", ""),
            ("period_label", "Q4 FY2025"),
        ],
    );
    assert!((num(r, "value") - growth).abs() < 1e-9, "{growth}: {r:#?}");
    assert_eq!(r["status"], judge(&item, growth));
    assert_eq!(r["period_end"], "2025-06-30", "a June fiscal year");
    assert_eq!(
        r["how"],
        format!(
            "computed: 100 x (Q4 FY2025 - Q4 FY2024) / |Q4 FY2024| from Q4 FY2025 {q4} \
             (derived: FY2025 (fact 3) - 9M FY2025 (fact 2)) and Q4 FY2024 {} (fact 1)",
            fact("revenue", "", "Q4 FY2024", "")
        )
    );
    assert_eq!(r["fact_id"], "", "two levels, no one fact");
    assert_eq!(r["disclosure_type"], "audited", "both levels are audited");
    assert_eq!(r["watch_source"], "junc-analyst-note");
    assert_eq!(
        r["watch_quote"],
        "whether revenue growth holds between 20% and 30%"
    );
    assert_eq!(
        periods(&rows, "revenue", "", "yoy_pct"),
        [
            ("Q4 FY2025", "2025-06-30", judge(&item, growth)),
            ("Q1 FY2026", "2025-09-30", "pending"),
        ]
    );

    // A disclosed growth rate between two bounds: each quarter's as disclosed.
    let item = watch("revenue", "Cloud", "yoy_pct");
    let q1 = fact("revenue", "Cloud", "Q1 FY2026", "yoy_pct");
    let q2 = fact("revenue", "Cloud", "Q2 FY2026", "yoy_pct");
    assert_eq!(
        periods(&rows, "revenue", "Cloud", "yoy_pct"),
        [
            ("Q1 FY2026", "2025-09-30", judge(&item, q1)),
            ("Q2 FY2026", "2025-12-31", judge(&item, q2)),
            ("Q3 FY2026", "2026-03-31", "pending"),
        ]
    );
    assert_eq!(
        (q2, judge(&item, q2)),
        (30.0, "met"),
        "the fixture's Q2 sits on the upper bound, which is inclusive"
    );
    let r = row(
        &rows,
        &[("segment", "Cloud"), ("period_label", "Q1 FY2026")],
    );
    assert_eq!((num(r, "value"), r["how"].as_str()), (q1, "disclosed"));
    assert_eq!(
        (r["fact_id"].as_str(), r["source"].as_str()),
        ("4", "junc-call-q1-fy2026")
    );
    assert_eq!((r["low"].as_str(), r["high"].as_str()), ("25", "30"));

    // An instant above a bound: each quarter end's backlog, then the next quarter end.
    let item = watch("backlog", "", "level");
    assert_eq!(
        periods(&rows, "backlog", "", "level"),
        [
            (
                "2025-09-30",
                "2025-09-30",
                judge(&item, fact("backlog", "", "2025-09-30", ""))
            ),
            (
                "2025-12-31",
                "2025-12-31",
                judge(&item, fact("backlog", "", "2025-12-31", ""))
            ),
            ("2026-03-31", "2026-03-31", "pending"),
        ]
    );

    // An instant's growth, computed from two quarter ends; the first quarter end has no
    // level before it, so it is pending and `how` names the level that is missing.
    let item = watch("backlog", "", "qoq_pct");
    let (sep, dec) = (
        fact("backlog", "", "2025-09-30", ""),
        fact("backlog", "", "2025-12-31", ""),
    );
    let growth = 100.0 * (dec - sep) / sep;
    assert_eq!(
        periods(&rows, "backlog", "", "qoq_pct"),
        [
            ("2025-09-30", "2025-09-30", "pending"),
            ("2025-12-31", "2025-12-31", judge(&item, growth)),
            ("2026-03-31", "2026-03-31", "pending"),
        ]
    );
    let first = row(
        &rows,
        &[("measure", "qoq_pct"), ("period_label", "2025-09-30")],
    );
    assert_eq!(
        first["how"],
        "no figure: 2025-09-30 has a level (fact 9), but the period it is compared with \
         (fiscal year 2025, quarter 4) has none"
    );
    let second = row(
        &rows,
        &[("measure", "qoq_pct"), ("period_label", "2025-12-31")],
    );
    assert!((num(second, "value") - growth).abs() < 1e-9, "{second:#?}");

    // A level below a bound; "about $5 billion" (approximately: 4.5B to 5.5B) is neither
    // at most 5B nor above it: unclear.
    let item = watch("capex", "", "level");
    assert_eq!(
        periods(&rows, "capex", "", "level"),
        [
            (
                "Q1 FY2026",
                "2025-09-30",
                judge(&item, fact("capex", "", "Q1 FY2026", ""))
            ),
            (
                "Q2 FY2026",
                "2025-12-31",
                judge(&item, fact("capex", "", "Q2 FY2026", ""))
            ),
            ("Q3 FY2026", "2026-03-31", "unclear"),
            ("Q4 FY2026", "2026-06-30", "pending"),
        ]
    );
    let about = row(&rows, &[("metric", "capex"), ("period_label", "Q3 FY2026")]);
    assert_eq!(about["qualifier"], "approx");

    // No figure yet: the item's first period, pending, with nothing in the figure columns.
    let pending = row(&rows, &[("metric", "revenue"), ("measure", "level")]);
    assert_eq!(
        (
            pending["period_label"].as_str(),
            pending["period_end"].as_str()
        ),
        ("Q3 FY2026", "2026-03-31")
    );
    assert_eq!(pending["status"], "pending");
    for column in ["value", "how", "fact_id", "source", "disclosure_type"] {
        assert_eq!(pending[column], "", "{column}");
    }
    // Every row is one of these; the statuses above cover all four words.
    assert_eq!(rows.len(), 2 + 3 + 3 + 3 + 4 + 1);
    assert_view_agrees_with_cli(&dir, "watchlist", "watchlist");
}

#[test]
fn as_of_shows_the_watchlist_as_it_stood() {
    let dir = dir_with(FIXTURE);
    // After the Q1 FY2026 call (2025-10-30), before the Q2 one (2026-01-29): the later
    // backlog, capex and Cloud growth are not published yet, so their rows are pending.
    let rows = report_rows(
        &dir,
        &["watchlist", "--entity", "JUNC", "--as-of", "2025-11-15"],
    );
    let backlog = watch("backlog", "", "level");
    assert_eq!(
        periods(&rows, "backlog", "", "level"),
        [
            (
                "2025-09-30",
                "2025-09-30",
                judge(&backlog, fact("backlog", "", "2025-09-30", ""))
            ),
            ("2025-12-31", "2025-12-31", "pending"),
        ]
    );
    let capex = watch("capex", "", "level");
    assert_eq!(
        periods(&rows, "capex", "", "level"),
        [
            (
                "Q1 FY2026",
                "2025-09-30",
                judge(&capex, fact("capex", "", "Q1 FY2026", ""))
            ),
            ("Q2 FY2026", "2025-12-31", "pending"),
        ]
    );
    let cloud = watch("revenue", "Cloud", "yoy_pct");
    assert_eq!(
        periods(&rows, "revenue", "Cloud", "yoy_pct"),
        [
            (
                "Q1 FY2026",
                "2025-09-30",
                judge(&cloud, fact("revenue", "Cloud", "Q1 FY2026", "yoy_pct"))
            ),
            ("Q2 FY2026", "2025-12-31", "pending"),
        ]
    );
    // Before that call, the capex item management set in it is not on the list at all.
    let earlier = report_rows(
        &dir,
        &["watchlist", "--entity", "JUNC", "--as-of", "2025-10-01"],
    );
    assert!(
        earlier.iter().all(|r| r["metric"] != "capex"),
        "{earlier:#?}"
    );
    assert_eq!(
        periods(&earlier, "backlog", "", "level"),
        [("2025-09-30", "2025-09-30", "pending")],
        "the item's own first period, with no figure yet"
    );
    // The derived quarter's growth stood from the FY2025 10-K (2025-08-14) on.
    assert_eq!(
        periods(&earlier, "revenue", "", "yoy_pct")[0].2,
        judge(
            &watch("revenue", "", "yoy_pct"),
            100.0
                * (fact("revenue", "", "FY2025", "")
                    - fact("revenue", "", "9M FY2025", "")
                    - fact("revenue", "", "Q4 FY2024", ""))
                / fact("revenue", "", "Q4 FY2024", "")
        )
    );
}

#[test]
fn min_disclosure_drops_less_trusted_figures_before_checking() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(
        &dir,
        &[
            "watchlist",
            "--entity",
            "JUNC",
            "--min-disclosure",
            "audited",
        ],
    );
    // The Cloud growth rates come from calls: none is left, so the first period is pending.
    assert_eq!(
        periods(&rows, "revenue", "Cloud", "yoy_pct"),
        [("Q1 FY2026", "2025-09-30", "pending")]
    );
    // The derived quarter's growth rests on audited figures only.
    let r = row(
        &rows,
        &[
            ("metric", "revenue"),
            ("segment", ""),
            ("period_label", "Q4 FY2025"),
        ],
    );
    assert_eq!(r["disclosure_type"], "audited");
    assert_ne!(r["status"], "pending");
}

#[test]
fn entity_options_and_the_view_agree() {
    let dir = dir_with(FIXTURE);
    // A second company, with a December year, one figure and one watch item.
    dir.write(
        "dec/entities.csv",
        "ticker,name,cik,fiscal_year_end\nDECC,December Co,,12-31\n",
    );
    dir.write(
        "dec/sources.csv",
        "source,publisher,title,published_on,url,kind\n\
         decc-call,December Co,DECC Q1 2026 call,2026-04-30,,earnings_call\n",
    );
    dir.write(
        "dec/facts.csv",
        format!(
            "{}\nDECC,capex,,Q1 FY2026,,7B,,USD,,,management_commentary,decc-call,,,\n",
            crate::util::FACTS_HEADER
        ),
    );
    dir.write(
        "dec/watch.csv",
        "entity,metric,segment,measure,condition,low,high,unit,from_period,source,quote,note\n\
         DECC,capex,,level,above,$6B,,USD,Q1 FY2026,decc-call,capex above $6B,\n",
    );
    dir.run(&["ingest", "dec"]);

    let junc = report_rows(&dir, &["watchlist", "--entity", "JUNC"]);
    assert!(junc.iter().all(|r| r["entity"] == "JUNC"));
    let decc = report_rows(&dir, &["watchlist", "--entity", "DECC"]);
    assert_eq!(
        periods(&decc, "capex", "", "level"),
        [
            ("Q1 FY2026", "2026-03-31", "met"),
            ("Q2 FY2026", "2026-06-30", "pending"),
        ],
        "7B is above 6B; the next December-year quarter ends in June"
    );
    let all = report_rows(&dir, &["watchlist", "--all-entities"]);
    assert_eq!(all.len(), junc.len() + decc.len());

    // The view, read through amzdb and through the stock sqlite3 shell, is the CLI with
    // --all-entities.
    let cli = dir.run(&["report", "watchlist", "--all-entities", "--format", "csv"]);
    let view = dir.run(&["query", "--format", "csv", "select * from watchlist"]);
    assert_eq!(parse_csv(&view), parse_csv(&cli));
    assert_view_agrees_with_cli(&dir, "watchlist", "watchlist");
}

/// The pending period ends where the facts path puts that period for the entity's fiscal
/// calendar: a year ending on 28 February (so on each month's last day: Q4 FY2028 ends on
/// 29 February 2028) and one ending on 27 September (every quarter on the 27th).
#[test]
fn a_pending_period_ends_where_the_fiscal_calendar_ends_it() {
    let dir = crate::util::Dir::with_empty_db();
    dir.write(
        "cal/entities.csv",
        "ticker,name,cik,fiscal_year_end\nFEBC,February Co,,02-28\nSEPC,September Co,,09-27\n",
    );
    dir.write(
        "cal/metrics.csv",
        "metric,name,unit,description\ncapex,Capex,USD,\nrevenue,Revenue,USD,\nbacklog,Backlog,USD,\n",
    );
    dir.write(
        "cal/sources.csv",
        "source,publisher,title,published_on,url,kind\ns,P,T,2028-01-05,,filing\n",
    );
    dir.write(
        "cal/facts.csv",
        format!(
            "{}\n\
             FEBC,capex,,Q3 FY2028,,1B,,USD,,,audited,s,,,\n\
             SEPC,backlog,,2026-06-27,,1B,,USD,,,audited,s,,,\n",
            crate::util::FACTS_HEADER
        ),
    );
    dir.write(
        "cal/watch.csv",
        "entity,metric,segment,measure,condition,low,high,unit,from_period,source,quote,note\n\
         FEBC,capex,,level,above,$2B,,USD,Q3 FY2028,s,q,\n\
         SEPC,backlog,,level,above,$2B,,USD,2026-06-27,s,q,\n",
    );
    dir.run(&["ingest", "cal"]);
    let rows = report_rows(&dir, &["watchlist", "--all-entities"]);
    let feb = row(&rows, &[("entity", "FEBC"), ("status", "pending")]);
    let sep = row(&rows, &[("entity", "SEPC"), ("status", "pending")]);
    assert_eq!(feb["period_label"], "Q4 FY2028");
    assert_eq!(
        sep["period_label"], sep["period_end"],
        "an instant's label is its date"
    );

    // Figures for those periods, given as the facts CSV writes them, resolve to the same
    // dates.
    dir.write(
        "later/facts.csv",
        format!(
            "{}\n\
             FEBC,revenue,,Q4 FY2028,,1B,,USD,,,audited,s,,,\n\
             SEPC,revenue,,Q4 FY2026,,1B,,USD,,,audited,s,,,\n",
            crate::util::FACTS_HEADER
        ),
    );
    dir.run(&["ingest", "later"]);
    let end_of = |label: &str| -> String {
        dir.one(&format!(
            "SELECT p.end_date FROM facts AS f JOIN periods AS p USING (period_id) \
             WHERE p.label = '{label}'"
        ))
    };
    assert_eq!(feb["period_end"], end_of("Q4 FY2028"));
    assert_eq!(feb["period_end"], "2028-02-29");
    assert_eq!(sep["period_end"], end_of("Q4 FY2026"));
    assert_eq!(sep["period_end"], "2026-09-27");
}
