//! `amzdb extract`'s guesses (metric, segment, period, disclosure type, confidence) and
//! numbers written as words, on the real news brief and on texts written here; the
//! `--period`, `--lexicon` and `--db` options; a bad lexicon refused with its place.

use super::{rows, with_value};
use crate::dataset::shared_dir;
use crate::util::{assert_contains, facts_csv, Dir, DB};
use std::collections::BTreeMap;

type Row = BTreeMap<String, String>;

/// The row whose value is `value` and whose quote contains `quote`.
fn row<'a>(rows: &'a [Row], value: &str, quote: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["value"] == value && r["quote"].contains(quote))
        .unwrap_or_else(|| panic!("no row {value} in {quote:?}: {rows:#?}"))
}

/// (metric, segment, period, disclosure_type) of a row.
fn guessed(r: &Row) -> [&str; 4] {
    [
        r["metric"].as_str(),
        r["segment"].as_str(),
        r["period"].as_str(),
        r["disclosure_type"].as_str(),
    ]
}

#[test]
fn the_news_brief_gets_the_metric_period_and_disclosure_type_it_is_stored_with() {
    let Some(shared) = shared_dir("seeds/000_8852563f5bd65159.txt") else {
        return;
    };
    let doc = shared.join("seeds/000_8852563f5bd65159.txt");
    let dir = Dir::new();
    let rows = rows(&dir.run(&["extract", doc.to_str().unwrap(), "--format", "csv"]));

    let capex = with_value(&rows, "44.2B");
    assert_eq!(guessed(capex), ["capex", "", "Q1 FY2026", "audited"]);
    assert_eq!(capex["confidence"], "high");
    assert_contains(&capex["cue"], "metric: capital expenditures");
    assert_contains(
        &capex["cue"],
        "period: Q1 2026 -> Q1 FY2026 (calendar quarter taken as fiscal)",
    );
    // The base of the growth is the earlier quarter; the growth is the current one's.
    assert_eq!(with_value(&rows, "25B")["period"], "Q1 FY2025");
    assert_eq!(with_value(&rows, "77%")["period"], "Q1 FY2026");
    // TTM from "trailing twelve-month" and the document's quarter.
    assert_eq!(
        guessed(with_value(&rows, "147.3B")),
        ["capex", "", "TTM Q1 FY2026", "audited"]
    );
    assert_eq!(
        guessed(with_value(&rows, "1.2B"))[..3],
        ["free_cash_flow", "", "TTM Q1 FY2026"]
    );
    // A backlog is a level on the quarter's end date, as the bundled facts store it.
    assert_eq!(
        guessed(with_value(&rows, "364B")),
        ["backlog", "AWS", "2026-03-31", "management_commentary"]
    );
    assert_eq!(
        guessed(with_value(&rows, "225B"))[..3],
        ["revenue_commitments", "Trainium", "2026-03-31"]
    );
    let aws = with_value(&rows, "28%");
    assert_eq!(
        (aws["metric"].as_str(), aws["segment"].as_str()),
        ("revenue", "AWS")
    );
}

/// An earnings-call style text: relative periods, a quarter without its year, a
/// sequential change, attribution cues.
const CALL: &str = "Operator: Welcome to the second quarter 2026 call.\n\
Andy Jassy: AWS revenue was $40 billion, up from $30 billion a year earlier, and it grew $2 billion sequentially. \
Capital spending reached $50 billion in the quarter. \
Backlog was $400 billion, compared with $364 billion in the prior quarter.\n\
Analyst: According to analysts, full-year 2026 free cash flow will be $5 billion. \
Amazon reported net sales of $190 billion for the first quarter.\n";

#[test]
fn periods_follow_the_sentence_then_the_document_quarter() {
    let dir = Dir::new();
    dir.write("call.txt", CALL);
    let rows = rows(&dir.run(&["extract", "call.txt", "--format", "csv"]));
    let period = |value: &str| row(&rows, value, "")["period"].clone();
    // The document's quarter, named in the first line.
    assert_eq!(period("40B"), "Q2 FY2026");
    assert_eq!(period("30B"), "Q2 FY2025", "a year earlier");
    assert_eq!(
        period("2B"),
        "Q2 FY2026",
        "sequentially is not a period change"
    );
    assert_eq!(period("50B"), "Q2 FY2026");
    assert_eq!(
        period("400B"),
        "2026-06-30",
        "a backlog on the quarter's end"
    );
    assert_eq!(period("364B"), "2026-03-31", "the prior quarter's end");
    assert_eq!(period("5B"), "FY2026");
    assert_eq!(
        period("190B"),
        "Q1 FY2026",
        "first quarter of the document's year"
    );
    let cue = &row(&rows, "30B", "")["cue"];
    assert_contains(cue, "period: a year earlier -> Q2 FY2025");
    assert_contains(
        &row(&rows, "50B", "")["cue"],
        "period: in the quarter -> Q2 FY2026",
    );
}

#[test]
fn metrics_segments_and_disclosure_types_come_from_cue_words() {
    let dir = Dir::new();
    dir.write("call.txt", CALL);
    let rows = rows(&dir.run(&["extract", "call.txt", "--format", "csv"]));
    let got = |value: &str| guessed(row(&rows, value, "")).map(String::from);
    assert_eq!(got("40B")[..2], ["revenue", "AWS"]);
    assert_eq!(got("50B")[0], "capex", "capital spending");
    assert_eq!(got("400B")[0], "backlog");
    assert_eq!(got("40B")[3], "audited", "a statement line");
    assert_eq!(got("400B")[3], "management_commentary");
    assert_contains(
        &row(&rows, "400B", "")["cue"],
        "disclosure: Jassy (the speaker)",
    );
    assert_eq!(got("5B")[..1], ["free_cash_flow"]);
    assert_eq!(got("5B")[3], "third_party_estimate");
    assert_contains(
        &row(&rows, "5B", "")["cue"],
        "disclosure: According to analysts",
    );
    assert_eq!(got("190B")[3], "audited");
    assert_contains(&row(&rows, "190B", "")["cue"], "disclosure: reported");
}

#[test]
fn period_option_fixes_the_document_quarter_and_a_bad_one_is_a_usage_error() {
    let dir = Dir::new();
    dir.write(
        "note.txt",
        "Capex was $44.2 billion, and the backlog $364 billion.\n",
    );
    let rows = rows(&dir.run(&[
        "extract",
        "note.txt",
        "--format",
        "csv",
        "--period",
        "Q1 FY2026",
    ]));
    assert_eq!(with_value(&rows, "44.2B")["period"], "Q1 FY2026");
    assert_contains(
        &with_value(&rows, "44.2B")["cue"],
        "period: --period -> Q1 FY2026",
    );
    assert_eq!(with_value(&rows, "364B")["period"], "2026-03-31");
    // Without it, and no quarter in the text: no period, low confidence.
    let rows = super::rows(&dir.run(&["extract", "note.txt", "--format", "csv"]));
    assert_eq!(with_value(&rows, "44.2B")["period"], "");
    assert_eq!(with_value(&rows, "44.2B")["confidence"], "low");

    for bad in ["FY2026", "Q5 2026"] {
        let out = dir
            .cmd()
            .args(["extract", "note.txt", "--period", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--period {bad}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_contains(&err, &format!("--period \"{bad}\""));
    }
}

#[test]
fn numbers_written_as_words_are_drafted_with_honest_bounds() {
    let dir = Dir::new();
    dir.write(
        "words.txt",
        "We signed agreements with three small modular reactor developers. \
         We have over a thousand AI applications. \
         Trainium saves tens of billions of dollars of capex each year and gives several hundred basis points of margin. \
         Users on Alexa+ number tens of millions. \
         Developers using Kiro more than doubled quarter-over-quarter, and power is twice what we had. \
         AI revenue is growing triple digits year over year.\n",
    );
    let rows = rows(&dir.run(&["extract", "words.txt", "--format", "csv"]));
    let got: Vec<[&str; 5]> = rows
        .iter()
        .map(|r| {
            [
                r["value"].as_str(),
                r["unit"].as_str(),
                r["qualifier"].as_str(),
                r["measure"].as_str(),
                r["amount"].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ["3", "count", "exact", "level", "3"],
            ["1K", "count", "at_least", "level", "1000"],
            ["10B", "USD", "at_least", "level", "10000000000"],
            ["200", "bps", "at_least", "level", "200"],
            ["10M", "count", "at_least", "level", "10000000"],
            ["100%", "%", "at_least", "qoq_pct", "100"],
            ["2", "x", "exact", "level", "2"],
            ["100%", "%", "at_least", "yoy_pct", "100"],
        ]
    );
    // The words behind each value are in the cue, the quote keeps them verbatim.
    assert_contains(&rows[2]["cue"], "number words: tens of: at least 10");
    assert_contains(&rows[5]["cue"], "more than 2x: a change of at least +100%");
    assert_eq!(rows[0]["metric"], "smr_developer_agreements");
    assert_eq!(rows[1]["metric"], "internal_ai_applications");
    assert_eq!(rows[5]["metric"], "kiro_developers");
    // A scale without `$` is money unless the metric it names is counted.
    assert_eq!(rows[4]["metric"], "users");
    assert_contains(&rows[4]["cue"], "unit: count, the unit of users");
}

#[test]
fn a_lexicon_file_adds_phrases_and_a_bad_row_is_refused_with_its_place() {
    let dir = Dir::new();
    dir.write("doc.txt", "Widget sales were $5 billion at Gizmo Works.\n");
    let before = rows(&dir.run(&["extract", "doc.txt", "--format", "csv"]));
    assert_eq!(guessed(&before[0])[..2], ["revenue", ""]);
    dir.write(
        "mine.csv",
        "kind,value,phrase,note\nsegment,Gizmo Works,Gizmo Works,our test segment\n\
         disclosure_type,third_party_estimate,Widget,\n",
    );
    let after = rows(&dir.run(&[
        "extract",
        "doc.txt",
        "--format",
        "csv",
        "--lexicon",
        "mine.csv",
    ]));
    assert_eq!(
        guessed(&after[0]),
        ["revenue", "Gizmo Works", "", "third_party_estimate"]
    );

    dir.write(
        "bad.csv",
        "kind,value,phrase,note\nsegment,Gizmo,Gizmo,\nmetric,widget_sales,widget sales,\n",
    );
    let err = dir.fails(
        dir.cmd()
            .args(["extract", "doc.txt", "--lexicon", "bad.csv"]),
    );
    assert_contains(
        &err,
        "bad.csv:3: column 'value': \"widget_sales\": not a known metric; expected a metric slug of data/metrics.csv or of the database (--db)",
    );
    dir.write("short.csv", "kind,value\nmetric,capex\n");
    let err = dir.fails(
        dir.cmd()
            .args(["extract", "doc.txt", "--lexicon", "short.csv"]),
    );
    assert_contains(
        &err,
        "short.csv:1: expected the header kind,value,phrase,note",
    );
}

#[test]
fn the_database_adds_its_metrics_and_its_fiscal_year_end() {
    let dir = Dir::with_fixtures();
    dir.write(
        "entities.csv",
        "ticker,name,cik,fiscal_year_end\nJUNE,June Co,3333,06-30\n",
    );
    dir.run(&["ingest", "entities.csv"]);
    dir.write(
        "doc.txt",
        "Cash and cash equivalents were $90 billion in Q1 2026.\n",
    );
    // The fixtures' metric `cash` is known only to the database.
    let with_db = rows(&dir.run(&["extract", "doc.txt", "--format", "csv", "--entity", "JUNE"]));
    // Q1 2026 is June Co's third fiscal quarter; cash is a balance, stored on its end
    // date, as the metric's description says ("at the period's end").
    assert_eq!(guessed(&with_db[0])[..3], ["cash", "", "2026-03-31"]);
    assert_contains(&with_db[0]["cue"], "Q1 2026 -> 2026-03-31");
    assert_contains(&with_db[0]["cue"], "calendar quarter converted to fiscal");
    let alone = Dir::new();
    alone.write(
        "doc.txt",
        "Cash and cash equivalents were $90 billion in Q1 2026.\n",
    );
    let without = rows(&alone.run(&["extract", "doc.txt", "--format", "csv", "--entity", "JUNE"]));
    assert_eq!(guessed(&without[0])[..3], ["", "", "Q1 FY2026"]);
    assert!(!alone.join(DB).exists(), "extract created no database");
}

#[test]
fn clean_drafts_ingest_with_their_guesses() {
    let dir = Dir::with_fixtures();
    dir.write(
        "call.txt",
        "In Q2 2026, DECO revenue was $12.5 billion, up 14% year over year. \
         Capex was about $3 billion. Operating margin was 11.5%.\n",
    );
    let full = rows(&dir.run(&["extract", "call.txt", "--format", "csv", "--entity", "DECO"]));
    let header: Vec<&str> = full[0].keys().map(String::as_str).collect();
    for column in ["file", "offset", "amount", "confidence", "cue"] {
        assert!(header.contains(&column), "{column} in {header:?}");
    }
    // The revenue's clause names its metric and period; the growth's metric is in
    // another clause, and the next sentences take the quarter from the first.
    let confidence: Vec<&str> = full.iter().map(|r| r["confidence"].as_str()).collect();
    assert_eq!(confidence, ["high", "medium", "medium", "medium"]);
    let out = dir.run(&[
        "extract", "call.txt", "--format", "csv", "--clean", "--entity", "DECO", "--source",
        "deco-10q",
    ]);
    assert!(!out.lines().next().unwrap().contains("confidence"));
    // Ingested as drafted: every guess is one the database accepts.
    let body: Vec<&str> = out.lines().skip(1).collect();
    dir.write("drafts.csv", facts_csv(&body));
    dir.run(&["ingest", "drafts.csv"]);
    let conn = dir.conn();
    let mut stmt = conn
        .prepare(
        "SELECT m.slug || ' ' || p.label || ' ' || f.measure || ' ' || f.value || ' ' || f.disclosure_type \
         FROM facts f JOIN metrics m USING (metric_id) JOIN periods p USING (period_id) \
         JOIN sources s USING (source_id) WHERE s.slug = 'deco-10q' AND p.label = 'Q2 FY2026' \
         ORDER BY f.fact_id",
        )
        .unwrap();
    let stored: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        stored,
        vec![
            "revenue Q2 FY2026 level 12500000000 audited",
            "revenue Q2 FY2026 yoy_pct 14 audited",
            "capex Q2 FY2026 level 3000000000 audited",
            "operating_margin Q2 FY2026 level 11.5 audited",
        ]
    );
}

/// (value, value_high, unit, qualifier) of every row, in order.
fn values(rows: &[Row]) -> Vec<[&str; 4]> {
    rows.iter()
        .map(|r| {
            [
                r["value"].as_str(),
                r["value_high"].as_str(),
                r["unit"].as_str(),
                r["qualifier"].as_str(),
            ]
        })
        .collect()
}

#[test]
fn ranges_with_or_durations_in_years_and_money_per_counted_noun() {
    let dir = Dir::new();
    dir.write(
        "units.txt",
        "That would have taken 40 or 50 people about a year to do.\n\n\
         Commitments of $225B over ~4-5yr; lower D&A (~$20B/6yr).\n\n\
         ~44 person-years x ~$300K fully-loaded.\n\n\
         Bedrock is a multibillion-dollar run rate business.\n",
    );
    let rows = rows(&dir.run(&["extract", "units.txt", "--format", "csv"]));
    assert_eq!(
        values(&rows),
        vec![
            ["40", "50", "count", "range"],
            ["1", "", "years", "approx"],
            ["225B", "", "USD", "exact"],
            ["4", "5", "years", "range"],
            ["20B", "", "USD", "approx"],
            ["6", "", "years", "exact"],
            ["44", "", "person-years", "approx"],
            ["300K", "", "USD/person-year", "approx"],
            ["2B", "", "USD", "at_least"],
        ]
    );
    assert_contains(&rows[7]["cue"], "dollars times person-years");
    assert_contains(&rows[8]["cue"], "multibillion: at least 2B");
}

#[test]
fn the_rules_do_not_fire_where_they_should_not() {
    let dir = Dir::new();
    dir.write(
        "not.txt",
        "Sales rose 5% from a year ago, and more than a year ago they fell. \
         Growth held 20% over a year. \
         Dates like 3/31 and 1/2 stay dates; $5 or $6 stay apart.\n",
    );
    let rows = rows(&dir.run(&["extract", "not.txt", "--format", "csv"]));
    assert_eq!(
        values(&rows),
        vec![
            ["5%", "", "%", "exact"],
            ["20%", "", "%", "exact"],
            ["5", "", "USD", "exact"],
            ["6", "", "USD", "exact"],
        ]
    );
}

#[test]
fn a_bare_number_after_a_ratio_or_per_share_label_takes_its_unit() {
    let dir = Dir::new();
    dir.write(
        "labels.txt",
        "Est. revisions unknown · Fwd P/E 36.2 · EV/Sales 3.9x\n\n\
         net income $77.7B · diluted EPS 7.17\n\n\
         dollar-ADV $11.6B · beta 1.468 · px $258.68\n\n\
         EPS 3 billion was the total. EPS 2026 estimates rose. Beta 12 customers joined.\n",
    );
    let rows = rows(&dir.run(&["extract", "labels.txt", "--format", "csv"]));
    let got: Vec<[&str; 3]> = rows
        .iter()
        .map(|r| {
            [
                r["value"].as_str(),
                r["unit"].as_str(),
                r["metric"].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ["36.2", "x", "forward_pe"],
            ["3.9", "x", "ev_to_sales"],
            ["77.7B", "USD", "net_income"],
            ["7.17", "USD/share", "eps_diluted"],
            ["11.6B", "USD", "dollar_adv"],
            ["1.468", "x", "beta"],
            ["258.68", "USD/share", "share_price"],
            // A number with a scale or a noun of its own, or a year, keeps it.
            ["3B", "USD", ""],
            ["12", "count", ""],
        ]
    );
    assert_contains(&rows[3]["cue"], "unit: USD/share after eps");
}

#[test]
fn market_figures_are_on_the_documents_as_of_date() {
    let dir = Dir::new();
    // The date comes at the end, after a sentence naming another date (a period's end).
    let text = "Free cash flow (TTM through 3/31/2026) was $1.2B.\n\n\
                The median price target is $315 (41 analysts covering); backlog is $364 billion.\n\n\
                As of 2026-03-31: 233 new positions.\n\n\
                All data as of 2026-05-13.\n";
    dir.write("dated.txt", text);
    let args = [
        "extract",
        "dated.txt",
        "--format",
        "csv",
        "--period",
        "Q1 FY2026",
    ];
    let dated = rows(&dir.run(&args));
    // A price target and an analyst count are on the document's date; a backlog stays
    // on the quarter's end; a sentence's own "as of" dates its figures only.
    assert_eq!(with_value(&dated, "315")["period"], "2026-05-13");
    assert_eq!(with_value(&dated, "41")["period"], "2026-05-13");
    assert_eq!(with_value(&dated, "364B")["period"], "2026-03-31");

    // --as-of wins over the document's statement.
    let mut with = args.to_vec();
    with.extend(["--as-of", "2026-04-29"]);
    let fixed = rows(&dir.run(&with));
    assert_eq!(with_value(&fixed, "315")["period"], "2026-04-29");

    // Without a statement and without --as-of, the quarter's end, as before.
    dir.write(
        "undated.txt",
        text.replace("All data as of 2026-05-13.", ""),
    );
    let undated = rows(&dir.run(&[
        "extract",
        "undated.txt",
        "--format",
        "csv",
        "--period",
        "Q1 FY2026",
    ]));
    assert_eq!(with_value(&undated, "315")["period"], "2026-03-31");

    // A bad date is a usage error naming the option and the form expected.
    let out = dir
        .cmd()
        .args(["extract", "dated.txt", "--as-of", "May 13"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_contains(&err, "--as-of \"May 13\"");
    assert_contains(&err, "YYYY-MM-DD");
}

#[test]
fn consensus_and_a_paragraph_of_assumptions_are_for_the_year() {
    let dir = Dir::new();
    dir.write(
        "forecast.txt",
        "The +22% consensus EPS growth needs AI margins.\n\n\
         Assumptions: Tax rate 21%. Incremental net margin: 25% for cloud revenue.\n\n\
         Revenue was $12.4 billion. Tax rate 18%.\n\n\
         Note: the Q2 consensus of $3.1 billion was beaten.\n",
    );
    let args = [
        "extract",
        "forecast.txt",
        "--format",
        "csv",
        "--period",
        "Q1 FY2026",
    ];
    let rows = rows(&dir.run(&args));
    let got: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| {
            [
                r["value"].as_str(),
                r["basis"].as_str(),
                r["period"].as_str(),
                r["disclosure_type"].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // A consensus without a period is the year's, as guidance is.
            ["22%", "consensus", "FY2026", "third_party_estimate"],
            // The paragraph's label makes its figures the writer's estimates.
            ["21%", "estimate", "FY2026", "third_party_estimate"],
            ["25%", "estimate", "FY2026", "third_party_estimate"],
            // Another paragraph, another label: actual figures of the quarter.
            ["12.4B", "actual", "Q1 FY2026", "audited"],
            ["18%", "actual", "Q1 FY2026", "management_commentary"],
            // A consensus naming its quarter keeps it.
            ["3.1B", "consensus", "Q2 FY2026", "third_party_estimate"],
        ]
    );
    assert_contains(&rows[1]["cue"], "basis: assumptions");
}

#[test]
fn event_dates_today_possessive_years_and_months_date_their_figures() {
    let dir = Dir::new();
    dir.write(
        "events.txt",
        "On April 20, Amazon announced it will deploy an additional $5B, with top-ups of up to $20B more.\n\n\
         Combined with the ~$8B already deployed, cumulative capital stands at ~$13B today.\n\n\
         Capex of ~$200B is a 56% step-up from 2025's $128B.\n\n\
         The U.S. Prime membership base is ~201M as of March 2026.\n\n\
         Revenue was $5 billion, and on that base the date 4/20 names nothing.\n\n\
         All data as of 2026-05-13.\n",
    );
    let args = [
        "extract",
        "events.txt",
        "--format",
        "csv",
        "--period",
        "Q1 FY2026",
    ];
    let rows = rows(&dir.run(&args));
    let period = |value: &str, quote: &str| row(&rows, value, quote)["period"].clone();
    // A flow figure of an event's day is of the quarter holding the day.
    assert_eq!(period("5B", "April 20"), "Q2 FY2026");
    assert_eq!(period("20B", "April 20"), "Q2 FY2026");
    // "today" is the document's date for an instant.
    assert_eq!(period("13B", "today"), "2026-05-13");
    // "2025's $128B" is 2025's, though "from" comes before the year.
    assert_eq!(period("128B", "2025's"), "FY2025");
    // "as of March 2026": the month's end, for an instant.
    assert_eq!(period("201M", "March 2026"), "2026-03-31");
    // A date that is neither in the figure's clause nor an event's day dates nothing.
    assert_eq!(period("5B", "on that base"), "Q1 FY2026");
}

#[test]
fn a_unit_only_one_metric_is_counted_in_names_it() {
    let dir = Dir::new();
    dir.write(
        "units.txt",
        "~44 person-years x ~$300K fully-loaded.\n\n\
         It took 6 years. We have 5 trucks.\n\n\
         Assume ~25-30%/yr converts.\n",
    );
    let rows = rows(&dir.run(&["extract", "units.txt", "--format", "csv"]));
    let metric = |value: &str| with_value(&rows, value)["metric"].clone();
    assert_eq!(metric("44"), "project_effort_saved");
    assert_contains(
        &with_value(&rows, "44")["cue"],
        "the only metric counted in person-years",
    );
    assert_eq!(metric("300K"), "employee_cost");
    // Years are the unit of several metrics, counts of many: no guess.
    assert_eq!(metric("6"), "");
    assert_eq!(metric("5"), "");
    // A lexicon phrase: the share of a backlog converting in a year.
    assert_eq!(metric("25%"), "backlog_annual_conversion_rate");
}

#[test]
fn a_metric_name_whose_words_are_all_in_the_clause_names_it() {
    let dir = Dir::new();
    dir.run(&["init", "--empty"]);
    dir.write(
        "metrics.csv",
        "metric,name,unit,description\n\
         dividend_per_share,Dividend per share,USD/share,Dividend declared per share\n",
    );
    dir.run(&["ingest", "metrics.csv"]);
    dir.write(
        "doc.txt",
        "The board declared a quarterly dividend of $0.25 per share, and the share count was 5 million.\n\n\
         The dividend was paid in cash of $0.30 to holders.\n",
    );
    let rows = rows(&dir.run(&["extract", "doc.txt", "--format", "csv"]));
    let metric = |value: &str| with_value(&rows, value)["metric"].clone();
    assert_eq!(metric("0.25"), "dividend_per_share");
    assert_contains(
        &with_value(&rows, "0.25")["cue"],
        "its name's words in the clause",
    );
    // Another clause, or a clause holding only some of the name's words: no guess.
    assert_eq!(metric("5M"), "");
    assert_eq!(metric("0.30"), "");
}

#[test]
fn a_table_header_names_the_period_of_its_columns() {
    let dir = Dir::new();
    dir.write(
        "table.html",
        "<html><body><p>Results for the quarter.</p><table>\
         <tr><th>Metric</th><th>Q2 2026</th><th>Q2 2025</th><th>Change</th></tr>\
         <tr><td>Net sales</td><td>$12.4B</td><td>$10.5B</td><td>+18%</td></tr>\
         <tr><td>Diluted EPS</td><td>$1.07</td><td>$0.81</td><td>+32%</td></tr>\
         </table><p>Sales in the quarter were $12.4B\tagain.</p></body></html>",
    );
    let args = [
        "extract",
        "table.html",
        "--format",
        "csv",
        "--period",
        "Q2 FY2026",
    ];
    let rows = rows(&dir.run(&args));
    let got: Vec<[&str; 3]> = rows
        .iter()
        .map(|r| {
            [
                r["value"].as_str(),
                r["period"].as_str(),
                r["quote"].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ["12.4B", "Q2 FY2026", "Net sales $12.4B $10.5B +18%"],
            ["10.5B", "Q2 FY2025", "Net sales $12.4B $10.5B +18%"],
            // The change column names no period: the document's quarter.
            ["18%", "Q2 FY2026", "Net sales $12.4B $10.5B +18%"],
            ["1.07", "Q2 FY2026", "Diluted EPS $1.07 $0.81 +32%"],
            ["0.81", "Q2 FY2025", "Diluted EPS $1.07 $0.81 +32%"],
            ["32%", "Q2 FY2026", "Diluted EPS $1.07 $0.81 +32%"],
            // After the table (a tab in the text is a space), the header names nothing.
            [
                "12.4B",
                "Q2 FY2026",
                "Sales in the quarter were $12.4B again."
            ],
        ]
    );
    assert_contains(&rows[1]["cue"], "period: Q2 2025 (its column) -> Q2 FY2025");
}

#[test]
fn a_forecast_of_a_level_is_on_the_documents_date() {
    let dir = Dir::new();
    // The bundled metrics, operating_margin_advantage (a level at a date) among them.
    dir.run(&["init"]);
    dir.write(
        "call.txt",
        "We expect several hundred basis points of operating margin advantage.\n\n\
         Our backlog is $364 billion.\n",
    );
    let args = [
        "extract",
        "call.txt",
        "--format",
        "csv",
        "--period",
        "Q1 FY2026",
    ];
    let mut dated = args.to_vec();
    dated.extend(["--as-of", "2026-04-29"]);
    let with = rows(&dir.run(&dated));
    // The forecast is said on the call's day; the backlog stays at the quarter's end.
    assert_eq!(with_value(&with, "200")["period"], "2026-04-29");
    assert_eq!(with_value(&with, "364B")["period"], "2026-03-31");
    // Without a date for the document, the quarter's end, as before.
    let without = rows(&dir.run(&args));
    assert_eq!(with_value(&without, "200")["period"], "2026-03-31");
}
