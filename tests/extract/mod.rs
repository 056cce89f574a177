//! `amzdb extract`: draft rows from the real seed documents (read in place), from text
//! and HTML written here, and the refusal of binary, empty and non-UTF-8 files.

mod coverage;
mod guess;
mod quality;

use crate::dataset::shared_dir;
use crate::util::{assert_contains, facts_csv, Dir, DB};
use std::collections::BTreeMap;

/// The benchmark's measure of draft quality (tests/extract/quality.rs holds its
/// thresholds); its CSV reading serves every extract test.
#[path = "../../benches/common/extract_quality.rs"]
mod extract_quality;

use extract_quality::rows;

/// The first row with this value, or a failure listing what was drafted.
fn with_value<'a>(
    rows: &'a [BTreeMap<String, String>],
    value: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["value"] == value)
        .unwrap_or_else(|| {
            let values: Vec<&str> = rows.iter().map(|r| r["value"].as_str()).collect();
            panic!("no draft row with value {value}; drafted: {values:?}")
        })
}

#[test]
fn the_news_brief_drafts_its_figures_with_their_sentences() {
    let Some(shared) = shared_dir("seeds/000_8852563f5bd65159.txt") else {
        return;
    };
    let doc = shared.join("seeds/000_8852563f5bd65159.txt");
    let text = std::fs::read_to_string(&doc).unwrap();
    let dir = Dir::new();
    let out = dir.run(&["extract", doc.to_str().unwrap(), "--format", "csv"]);
    let rows = rows(&out);
    let sentence = "Per Quartz, Amazon reported quarterly capital expenditures of $44.2 billion \
                    in Q1 2026, up 77% from $25 billion in Q1 2025 (Quartz).";

    let capex = with_value(&rows, "44.2B");
    assert_eq!(capex["amount"], "44200000000");
    assert_eq!(
        (
            capex["unit"].as_str(),
            capex["measure"].as_str(),
            capex["qualifier"].as_str()
        ),
        ("USD", "level", "exact")
    );
    assert_eq!(capex["quote"], sentence);
    // The offset points at the figure in the file.
    let at: usize = capex["offset"].parse().unwrap();
    assert!(
        text[at..].starts_with("$44.2 billion"),
        "{}",
        &text[at..at + 20]
    );

    let growth = with_value(&rows, "77%");
    assert_eq!(
        (
            growth["measure"].as_str(),
            growth["unit"].as_str(),
            growth["amount"].as_str()
        ),
        ("yoy_pct", "%", "77")
    );
    assert_eq!(growth["quote"], sentence);
    assert_contains(&growth["cue"], "change: up");

    let ttm = with_value(&rows, "147.3B");
    assert_eq!(ttm["amount"], "147300000000");
    assert_contains(
        &ttm["quote"],
        "trailing twelve-month capex reached $147.3 billion",
    );
    let backlog = with_value(&rows, "364B");
    assert_eq!(backlog["qualifier"], "approx");
    let trainium = with_value(&rows, "225B");
    assert_eq!(trainium["qualifier"], "at_least");
    let bedrock = with_value(&rows, "170%");
    assert_eq!(bedrock["measure"], "qoq_pct");
    assert_eq!(with_value(&rows, "20B")["basis"], "run_rate");

    // Every quote is a sentence of the document, verbatim.
    for row in &rows {
        assert!(
            text.contains(&row["quote"]),
            "not verbatim: {}",
            row["quote"]
        );
    }
    // Nothing was written to the database: extract does not even create it.
    assert!(!dir.join(DB).exists());
}

/// A transcript-style text with the phrase forms this slice handles.
const TRANSCRIPT: &str = "Operator: Welcome to the Q1 2026 call.\n\
Andy Jassy: AWS revenue grew 28% year over year to $37.6 billion. \
We expect growth of 22%-24% next quarter, and margins of 30 to 40% in the segment.\n\
CFO: Capex was roughly $44.2B, with up to 3.99 gigawatts added and more than 1.4 million chips landed. \
Bedrock spend was +40% QoQ & our AI run rate is nearly 260x larger; power has doubled.\n";

#[test]
fn ranges_hedges_and_growth_phrases_become_draft_rows() {
    let dir = Dir::new();
    dir.write("call.txt", TRANSCRIPT);
    let rows = rows(&dir.run(&["extract", "call.txt", "--format", "csv", "--entity", "AMZN"]));
    let got: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| {
            [
                r["value"].as_str(),
                r["value_high"].as_str(),
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
            ["28%", "", "%", "exact", "yoy_pct", "28"],
            ["37.6B", "", "USD", "exact", "level", "37600000000"],
            ["22%", "24%", "%", "range", "level", "22"],
            ["30%", "40%", "%", "range", "level", "30"],
            ["44.2B", "", "USD", "approx", "level", "44200000000"],
            ["3.99", "", "GW", "at_most", "level", "3.99"],
            ["1.4M", "", "count", "at_least", "level", "1400000"],
            ["40%", "", "%", "exact", "qoq_pct", "40"],
            ["260", "", "x", "approx", "level", "260"],
            ["2", "", "x", "exact", "yoy_multiple", "2"],
        ]
    );
    assert!(rows.iter().all(|r| r["entity"] == "AMZN"));
    assert_eq!(rows[2]["basis"], "guidance");
}

#[test]
fn reviewed_drafts_ingest_with_the_values_extract_read() {
    let dir = Dir::with_fixtures();
    dir.write("call.txt", TRANSCRIPT);
    let out = dir.run(&["extract", "call.txt", "--format", "csv", "--clean"]);
    let drafts = rows(&out);
    assert_eq!(drafts[0].len(), 15, "--clean keeps the facts columns only");
    // The reviewer's part: entity, metric, period, disclosure type, source.
    let quote = |q: &str| format!("\"{}\"", q.replace('"', "\"\""));
    let reviewed: Vec<String> = drafts
        .iter()
        .filter(|d| d["unit"] == "USD" || d["measure"].ends_with("_pct"))
        .map(|d| {
            format!(
                "DECO,capex,,Q3 FY2026,{},{},{},{},{},{},management_commentary,deco-10q,,{},",
                d["measure"],
                d["value"],
                d["value_high"],
                d["unit"],
                d["qualifier"],
                d["basis"],
                quote(&d["quote"])
            )
        })
        .collect();
    let reviewed: Vec<&str> = reviewed.iter().map(String::as_str).collect();
    dir.write("reviewed.csv", facts_csv(&reviewed));
    dir.run(&["ingest", "reviewed.csv"]);
    let stored: Vec<String> = dir
        .conn()
        .prepare("SELECT f.value FROM facts f JOIN periods p USING (period_id) WHERE p.label = 'Q3 FY2026' ORDER BY f.fact_id")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, rusqlite::types::Value>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map(|values| {
            values
                .into_iter()
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Real(r) => r.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .unwrap_or_default();
    let full = rows(&dir.run(&["extract", "call.txt", "--format", "csv"]));
    let amounts: Vec<String> = full
        .iter()
        .filter(|d| d["unit"] == "USD" || d["measure"].ends_with("_pct"))
        .map(|d| d["amount"].clone())
        .collect();
    assert_eq!(stored, amounts);
}

#[test]
fn html_gives_the_rows_of_its_text() {
    let dir = Dir::new();
    dir.write(
        "article.txt",
        "Amazon results\nCapex was $44.2 billion & up 77% year over year.\nAWS grew 28%.\n",
    );
    dir.write(
        "article.html",
        "<!DOCTYPE html><html><head><title>Up 99%</title>\
         <style>p { width: 50%; }</style>\
         <script>var total = '$9 billion'; if (a < 5) { b = '<p>12%</p>'; }</script></head>\
         <body><h1>Amazon results</h1>\n<p>Capex was &#36;44.2&nbsp;billion &amp; up\n77% year \
         over year.</p><div>AWS grew <b>28%</b>.</div></body></html>",
    );
    let strip = |out: String| -> Vec<BTreeMap<String, String>> {
        rows(&out)
            .into_iter()
            .map(|mut r| {
                r.remove("file");
                r.remove("offset");
                r
            })
            .collect()
    };
    let text = strip(dir.run(&["extract", "article.txt", "--format", "csv"]));
    let html = strip(dir.run(&["extract", "article.html", "--format", "csv"]));
    assert_eq!(text.len(), 3);
    assert_eq!(html, text);
}

#[test]
fn output_goes_through_the_safe_writer_and_matches_stdout() {
    let dir = Dir::new();
    dir.write("call.txt", TRANSCRIPT);
    let stdout = dir.run(&["extract", "call.txt", "--format", "json"]);
    dir.run(&[
        "extract",
        "call.txt",
        "--format",
        "json",
        "--output",
        "drafts.json",
    ]);
    assert_eq!(
        std::fs::read_to_string(dir.join("drafts.json")).unwrap(),
        stdout
    );
    let table = dir.run(&["extract", "call.txt"]);
    assert_contains(&table, "(10 rows)");
}

#[test]
fn binary_empty_and_non_utf8_files_are_refused_and_nothing_is_written() {
    let dir = Dir::new();
    dir.write("good.txt", "Capex was $44.2 billion.\n");
    dir.write("report.pdf", b"%PDF-1.7\n1 0 obj\x00\x01\x02 $5 billion");
    dir.write("empty.txt", "");
    dir.write("blank.md", "  \n\n\t\n");
    dir.write(
        "latin1.txt",
        b"Capex was $44.2 billion.\nCaf\xe9 sales rose 5%.\n",
    );
    dir.write("cut.txt", b"Capex rose 5% \xe2\x82");
    for (file, message) in [
        (
            "report.pdf",
            "report.pdf: a binary file (a NUL byte at byte offset 16)",
        ),
        ("empty.txt", "empty.txt: empty: the file holds no text"),
        ("blank.md", "blank.md: empty: the file holds no text"),
        (
            "latin1.txt",
            "latin1.txt: not UTF-8 text: byte 0xE9 at byte offset 28 (line 2) is not valid UTF-8",
        ),
        (
            "cut.txt",
            "cut.txt: not UTF-8 text: the file ends inside a character (byte offset 14)",
        ),
    ] {
        // Even after a good file, and even with --output: nothing is written anywhere.
        let stderr = dir.run_err(&[
            "extract", "good.txt", file, "--format", "csv", "--output", "out.csv",
        ]);
        assert_contains(&stderr, message);
        assert!(!dir.join("out.csv").exists(), "{file}: output written");
        let stderr = dir.run_err(&["extract", "good.txt", file, "--format", "csv"]);
        assert_contains(&stderr, message);
    }
    assert!(!dir.join(DB).exists());
}

#[test]
fn the_output_may_not_be_one_of_the_documents() {
    let dir = Dir::new();
    dir.write("call.txt", TRANSCRIPT);
    let stderr = dir.run_err(&[
        "extract", "call.txt", "--format", "csv", "--output", "call.txt",
    ]);
    assert_contains(
        &stderr,
        "--output call.txt is also a document to extract from",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("call.txt")).unwrap(),
        TRANSCRIPT
    );
}
