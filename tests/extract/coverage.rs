//! `amzdb extract --coverage`: every number of a document as covered (a stored fact with
//! its amount quotes its sentence), skipped (a skip row, with its reason) or uncovered,
//! against real databases made with `init` and `ingest`; the skip file's refusals; the
//! exit code; a real seed document against the bundled dataset.

use super::rows;
use crate::dataset::shared_dir;
use crate::util::{assert_contains, Dir, DB};
use std::collections::BTreeMap;

/// A document whose sentences each test one rule (one sentence a line).
const DOC: &str = "\
Widget capex reached $7.5 billion in the quarter as the plant opened.
The upper end, $6 billion, assumes the second plant opens.
Operating margin was 31% in the quarter, helped by pricing, and management repeated that demand stayed strong across regions.
Margins at the rival were 31% too.
EPS was $2.78 per share for the quarter.
Capital spending totalled $44.2 billion over the half-year.
Guidance calls for capex of $3 billion to $4 billion in the coming year.
The plan has 3 phases.
The plant opened in 2019.
";

/// The facts of `DOC`, added to the fixture dataset: each quotes one sentence.
const FACTS: &[&str] = &[
    // Covered: the same amount, the quote is the sentence.
    "DECO,capex,,Q2 FY2026,level,7.5B,,USD,exact,actual,audited,deco-10q,,\
     Widget capex reached $7.5 billion in the quarter as the plant opened.,",
    // A range fact: its value_high is the sentence's $6 billion.
    "DECO,capex,,FY2027,level,5B,6B,USD,range,guidance,management_commentary,deco-10q,,\
     \"The upper end, $6 billion, assumes the second plant opens.\",",
    // A quote that leaves words out.
    "DECO,operating_margin,,Q2 FY2026,level,31%,,%,exact,actual,audited,deco-10q,,\
     Operating margin was 31% in the quarter ... demand stayed strong across regions,",
    // A REAL amount, compared exactly.
    "DECO,eps,,Q2 FY2026,level,2.78,,USD/share,exact,actual,audited,deco-10q,,\
     EPS was $2.78 per share for the quarter.,",
    // One base unit off $44.2 billion: not the same number.
    "DECO,capex,,2026-01-01..2026-06-30,level,44199999999,,USD,exact,actual,audited,deco-10q,,\
     Capital spending totalled $44.2 billion over the half-year.,",
    // The high end of the sentence's range.
    "DECO,capex,,FY2028,level,4B,,USD,at_most,guidance,management_commentary,deco-10q,,\
     Guidance calls for capex of $3 billion to $4 billion in the coming year.,",
];

const SKIPS: &str = "document,sentence,number,reason\n\
                     doc.txt,The plan has,3 phases,the page's own numbering\n";

/// The fixture dataset plus `FACTS`, `DOC` and `SKIPS` written in the directory.
fn setup() -> Dir {
    let dir = Dir::with_fixtures();
    dir.ingest_ok_rows(FACTS);
    dir.write("doc.txt", DOC);
    dir.write("skips.csv", SKIPS);
    dir
}

/// The id of the fact with this quote.
fn fact_id(dir: &Dir, quote_start: &str) -> String {
    dir.conn()
        .query_row(
            "SELECT fact_id FROM facts WHERE quote LIKE ?1 || '%'",
            [quote_start],
            |r| r.get::<_, i64>(0),
        )
        .unwrap_or_else(|e| panic!("{quote_start}: {e}"))
        .to_string()
}

/// Runs `extract ARGS --coverage --format csv`: (exit code, rows, stderr).
fn coverage(dir: &Dir, args: &[&str]) -> (i32, Vec<BTreeMap<String, String>>, String) {
    let out = dir
        .cmd()
        .arg("extract")
        .args(args)
        .args(["--coverage", "--format", "csv"])
        .output()
        .expect("run amzdb");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8");
    (
        out.status.code().expect("an exit code"),
        rows(&stdout),
        stderr,
    )
}

/// The row of the number with this text in the sentence starting so.
fn row<'a>(
    rows: &'a [BTreeMap<String, String>],
    sentence: &str,
    number: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["sentence"].starts_with(sentence) && r["number"] == number)
        .unwrap_or_else(|| panic!("no row for {number} in {sentence:?}: {rows:#?}"))
}

#[test]
fn coverage_gives_every_number_its_status_and_fails_on_uncovered_ones() {
    let dir = setup();
    let (code, rows, stderr) = coverage(&dir, &["doc.txt", "--skips", "skips.csv"]);
    assert_eq!(code, 1, "{stderr}");
    let status = |sentence: &str, number: &str| {
        let r = row(&rows, sentence, number);
        (
            r["status"].clone(),
            r["fact_ids"].clone(),
            r["reason"].clone(),
        )
    };
    let covered = |sentence: &str| {
        (
            "covered".to_string(),
            fact_id(&dir, sentence),
            String::new(),
        )
    };
    let uncovered = ("uncovered".to_string(), String::new(), String::new());

    // The fact's quote is the sentence and its value the amount: the fact id is shown.
    let s = "Widget capex reached";
    assert_eq!(status(s, "$7.5 billion"), covered(s));
    let r = row(&rows, s, "$7.5 billion");
    assert_eq!(r["amount"], "7500000000");
    assert_eq!(r["offset"], DOC.find("$7.5 billion").unwrap().to_string());
    assert_eq!(r["sentence_offset"], "0");
    assert_eq!(r["file"], "doc.txt");
    // A range fact covers the sentence's figure by its value_high.
    let s = "The upper end";
    assert_eq!(status(s, "$6 billion"), covered(s));
    // A quote split by `...` is taken from the sentence.
    let s = "Operating margin was 31%";
    assert_eq!(status(s, "31%"), covered(s));
    // The same value in another sentence is not covered by that fact.
    assert_eq!(status("Margins at the rival", "31%"), uncovered);
    // 2.78 stored as a REAL compares exactly with the text's 2.78.
    let s = "EPS was $2.78";
    assert_eq!(status(s, "$2.78 per share"), covered(s));
    // $44.2 billion is 44200000000, not the stored 44199999999.
    assert_eq!(
        status("Capital spending totalled", "$44.2 billion"),
        uncovered
    );
    // A range item is covered by a fact with its high end.
    let s = "Guidance calls for capex";
    let r = row(&rows, s, "$3 billion to $4 billion");
    assert_eq!(r["amount"], "3000000000..4000000000");
    assert_eq!(status(s, "$3 billion to $4 billion"), covered(s));
    // Skipped by the --skips row, and by the built-in <year> row: the reason is shown.
    assert_eq!(
        status("The plan has", "3"),
        (
            "skipped".to_string(),
            String::new(),
            "the page's own numbering".to_string()
        )
    );
    let (year_status, _, year_reason) = status("The plant opened", "2019");
    assert_eq!(year_status, "skipped");
    assert_contains(&year_reason, "a year");

    assert_eq!(rows.len(), 9, "{rows:#?}");
    assert_contains(
        &stderr,
        "doc.txt: 9 numbers: 5 covered, 2 skipped, 2 uncovered\n",
    );
    assert_contains(&stderr, "amzdb: error: 2 numbers neither covered");
}

#[test]
fn coverage_passes_when_every_number_is_covered_or_skipped_and_writes_nothing() {
    let dir = setup();
    let lines: Vec<&str> = DOC.lines().collect();
    dir.write("good.txt", [lines[0], lines[7], lines[8]].join("\n") + "\n");
    dir.write(
        "skips.csv",
        SKIPS
            .replace("doc.txt", "good.txt")
            .replace("3 phases", "3"),
    );
    let before = dir.snapshot();
    let (code, rows, stderr) = coverage(&dir, &["good.txt", "--skips", "skips.csv"]);
    assert_eq!(code, 0, "{stderr}");
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, vec!["covered", "skipped", "skipped"]);
    assert_eq!(
        stderr,
        "good.txt: 3 numbers: 1 covered, 2 skipped, 0 uncovered\n"
    );
    // A row that skips nothing (a typo in its figure) is noted, without failing.
    dir.write(
        "typo.csv",
        "document,sentence,number,reason\ngood.txt,The plan has,4,a typo\n",
    );
    let (code, _, stderr) = coverage(
        &dir,
        &["good.txt", "--skips", "skips.csv", "--skips", "typo.csv"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_contains(
        &stderr,
        "amzdb: note: typo.csv:2: this skip row skipped no number of good.txt: no sentence \
         containing \"The plan has\" has \"4\" left that no fact covers and no earlier row \
         skips; fix or remove the row\n",
    );
    // A skip row for another document does not apply.
    let (code, _, stderr) = coverage(&dir, &["good.txt"]);
    assert_eq!(code, 1, "{stderr}");
    assert_contains(
        &stderr,
        "good.txt: 3 numbers: 1 covered, 1 skipped, 1 uncovered",
    );
    dir.snapshot().assert_same(&before);
}

#[test]
fn malformed_skip_files_are_refused_naming_file_line_and_column() {
    let dir = setup();
    let before = dir.snapshot();
    for (skips, message) in [
        (
            "document,sentence,number\n*,,5\n",
            "bad.csv:1: missing column(s) reason: a skip file's header is exactly \
             `document,sentence,number,reason`",
        ),
        (
            "document,sentence,number,reason\n*,,5,ok\n*,The plan,3,  \n",
            "bad.csv:3: column 'reason': \"\": every skip needs a reason",
        ),
        (
            "document,sentence,number,reason\n*,,<years>,a year\n",
            "bad.csv:2: column 'number': \"<years>\": not a class: expected <year>, <date>, \
             <period> or <any>",
        ),
        (
            "document,sentence,number,reason\nsome/dir/doc.txt,,5,why\n",
            "bad.csv:2: column 'document': \"some/dir/doc.txt\": expected a document's file \
             name without its directory",
        ),
    ] {
        dir.write("bad.csv", skips);
        let stderr = dir.run_err(&["extract", "doc.txt", "--coverage", "--skips", "bad.csv"]);
        assert_contains(&stderr, message);
    }
    dir.snapshot().assert_same(&before);
}

#[test]
fn coverage_needs_an_existing_database_and_creates_none() {
    let dir = Dir::new();
    dir.write("doc.txt", DOC);
    let stderr = dir.run_err(&["extract", "doc.txt", "--coverage"]);
    assert_contains(&stderr, "test.sqlite: no such database");
    assert_contains(&stderr, "amzdb init");
    assert!(!dir.join(DB).exists());
    // --skips without --coverage is a usage error.
    let out = dir
        .cmd()
        .args(["extract", "doc.txt", "--skips", "s.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn coverage_with_a_drafting_option_is_a_usage_error_that_writes_nothing() {
    let dir = Dir::new();
    dir.write("doc.txt", DOC);
    dir.run(&["init", "--empty"]);
    let before = dir.snapshot();
    for option in [
        &["--clean"][..],
        &["--entity", "AMZN"],
        &["--source", "x"],
        &["--as-of", "2026-04-29"],
    ] {
        let out = dir
            .cmd()
            .args(["extract", "doc.txt", "--coverage", "--output", "cov.csv"])
            .args(option)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{option:?}");
        assert_contains(&String::from_utf8_lossy(&out.stderr), "cannot be used with");
    }
    dir.snapshot().assert_same(&before);
}

/// A stored value as the coverage rows write amounts, sign aside.
fn amount_of(value: &rusqlite::types::Value) -> Option<String> {
    match value {
        rusqlite::types::Value::Integer(i) => Some(i.abs().to_string()),
        rusqlite::types::Value::Real(r) => Some(r.abs().to_string()),
        _ => None,
    }
}

#[test]
fn a_seed_document_against_the_bundled_dataset_counts_consistently() {
    let name = "000_8852563f5bd65159.txt";
    let Some(shared) = shared_dir(&format!("seeds/{name}")) else {
        return;
    };
    let doc = shared.join("seeds").join(name);
    let dir = Dir::new();
    dir.cmd().arg("init").assert().success();
    let before = dir.snapshot();
    let (code, rows, stderr) = coverage(&dir, &[doc.to_str().unwrap()]);
    dir.snapshot().assert_same(&before);
    let count = |status: &str| rows.iter().filter(|r| r["status"] == status).count();
    let (covered, skipped, uncovered) = (count("covered"), count("skipped"), count("uncovered"));
    assert_eq!(covered + skipped + uncovered, rows.len());
    assert_eq!(code, if uncovered == 0 { 0 } else { 1 }, "{stderr}");
    assert_contains(
        &stderr,
        &format!(
            "{}: {} numbers: {covered} covered, {skipped} skipped, {uncovered} uncovered\n",
            doc.display(),
            rows.len()
        ),
    );
    // Every bundled fact of this document shows as covered on each number of a sentence
    // it quotes that has its value.
    let conn = dir.conn();
    let facts: Vec<(i64, rusqlite::types::Value, rusqlite::types::Value, String)> = {
        let mut stmt = conn
            .prepare(
                "SELECT fact_id, value, value_high, quote FROM facts \
                 WHERE note LIKE 'in ' || ?1 || '%' AND quote <> ''",
            )
            .unwrap();
        stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(facts.len() >= 10, "only {} facts cite {name}", facts.len());
    let mut checked = 0;
    for (id, value, high, quote) in &facts {
        let amounts: Vec<String> = [value, high].into_iter().filter_map(amount_of).collect();
        for r in &rows {
            let ends: Vec<String> = r["amount"]
                .split("..")
                .map(|a| a.trim_start_matches('-').to_string())
                .collect();
            if amzdb::extract::coverage::quoted_from(quote, &r["sentence"])
                && ends.iter().any(|a| amounts.contains(a))
            {
                assert_eq!(r["status"], "covered", "fact {id}: {r:#?}");
                let ids: Vec<&str> = r["fact_ids"].split(' ').collect();
                assert!(ids.contains(&id.to_string().as_str()), "fact {id}: {r:#?}");
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} numbers of {} facts",
        facts.len()
    );
}
