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
