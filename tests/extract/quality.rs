//! The thresholds issue 13 sets on `amzdb extract`'s quality, on the five seed documents
//! (read in place from ../shared/seeds) and the benchmark's fixtures: recall of the
//! reviewed facts at least 95% per document, drafted values exactly the stored ones, and
//! metric, period and measure guessed as the reviewer did for at least 80% of the matched
//! rows of all documents together (and at least 75% of each document's). The figures are computed by the benchmark's own code
//! (benches/common/extract_quality.rs, `cargo bench --bench extract` prints them). The
//! fixtures are held to what reviewed facts must be: ingestible, quoted verbatim, and
//! complete (`amzdb extract --coverage` finds no number they leave out).

use super::extract_quality::{
    fixture_coverage, fixtures, measure, quotes_not_in_document, reviewed, score, seeds, table,
    Draft, Fact, Measured, Score, FIELDS,
};
use crate::dataset::shared_dir;
use crate::util::assert_contains;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every document drafted and scored once for all the tests of this file (the seeds only
/// when ../shared is there: absent, that is said once and the fixtures are still held).
fn measured() -> &'static [Measured] {
    static MEASURED: OnceLock<Vec<Measured>> = OnceLock::new();
    MEASURED.get_or_init(|| {
        let work = tempfile::tempdir().unwrap();
        let mut docs = Vec::new();
        if let Some(shared) = shared_dir("seeds") {
            docs.extend(seeds(&shared.join("seeds"), work.path()));
        }
        docs.extend(fixtures(work.path()).into_iter().map(|(doc, _)| doc));
        docs.iter().map(measure).collect()
    })
}

/// Fails naming every document below `min` % on `pct`, with the lines that explain it.
fn hold(what: &str, min: f64, pct: impl Fn(&Score) -> f64, why: impl Fn(&Score) -> Vec<String>) {
    let below: Vec<String> = measured()
        .iter()
        .filter(|m| pct(&m.score) < min)
        .map(|m| {
            format!(
                "{}: {what} {:.1}% < {min}%\n  {}",
                m.name,
                pct(&m.score),
                why(&m.score).join("\n  ")
            )
        })
        .collect();
    let commands: Vec<&str> = measured().iter().map(|m| m.command.as_str()).collect();
    assert!(
        below.is_empty(),
        "{}\n\n{}\ndrafted with:\n  {}",
        below.join("\n"),
        table(measured()),
        commands.join("\n  ")
    );
}

#[test]
fn every_fixture_claim_ingests_quotes_its_fictional_document_and_covers_its_numbers() {
    let work = tempfile::tempdir().unwrap();
    let fixtures = fixtures(work.path());
    assert_eq!(fixtures.len(), 2, "a transcript and an HTML article");
    for (doc, rows) in &fixtures {
        assert_eq!(reviewed(doc).len(), *rows, "{}: every row stored", doc.name);
        assert_eq!(
            quotes_not_in_document(doc),
            Vec::<String>::new(),
            "{}",
            doc.name
        );
        // Every number of the fixture is a reviewed fact or a skip with its reason.
        let (complete, summary) = fixture_coverage(doc);
        assert!(complete, "{}: {summary}", doc.name);
        assert_contains(&summary, " 0 uncovered");
        let text = std::fs::read_to_string(&doc.path).unwrap();
        assert!(
            text[..text.len().min(400)].contains("Fictional"),
            "{}: says at the top that its company and figures are invented",
            doc.name
        );
    }
}

/// A fact of the matching rule's test: value, optional value_high, unit, quote.
fn fact(id: i64, value: i64, high: Option<i64>, unit: &str, quote: &str) -> Fact {
    let mut columns: BTreeMap<String, String> = FIELDS
        .iter()
        .map(|f| (f.to_string(), String::new()))
        .collect();
    columns.insert("measure".into(), "level".into());
    columns.insert("value".into(), value.to_string());
    columns.insert(
        "value_high".into(),
        high.map_or(String::new(), |h| h.to_string()),
    );
    columns.insert("unit".into(), unit.into());
    columns.insert("quote".into(), quote.into());
    Fact {
        id,
        value: value.into(),
        value_high: high.map(Into::into),
        columns,
    }
}

/// A draft row as `amzdb extract --format csv` writes it (guesses left empty).
fn draft(value: &str, high: &str, amount: &str, unit: &str, sentence: &str) -> Draft {
    let mut row: Draft = FIELDS
        .iter()
        .map(|f| (f.to_string(), String::new()))
        .collect();
    for (column, text) in [
        ("measure", "level"),
        ("value", value),
        ("value_high", high),
        ("amount", amount),
        ("unit", unit),
        ("quote", sentence),
    ] {
        row.insert(column.into(), text.into());
    }
    row
}

#[test]
fn a_draft_matches_a_fact_by_its_amount_and_the_sentence_the_quote_is_taken_from() {
    let sentence =
        "Capex was $44.2 billion, and we expect $12.8 billion to $13.3 billion next quarter.";
    let facts = [
        // Quoted in part: matched, exact.
        fact(1, 44_200_000_000, None, "USD", "Capex was $44.2 billion"),
        // A range: matched by its value, exact with its value_high.
        fact(2, 12_800_000_000, Some(13_300_000_000), "USD", sentence),
        // The draft range's high end is this fact's value: matched, but not exact.
        fact(3, 13_300_000_000, None, "USD", sentence),
        // The same amount quoted from another sentence: missed.
        fact(
            4,
            44_200_000_000,
            None,
            "USD",
            "Capex next year is $44.2 billion, said the CFO.",
        ),
        // The same amount in another unit: matched, not exact.
        fact(5, 44_200_000_000, None, "count", sentence),
        // Stored negative (a fall): matched sign aside, as coverage does, but not exact.
        fact(6, -12_800_000_000, None, "USD", sentence),
    ];
    let drafts = [
        draft("44.2B", "", "44200000000", "USD", sentence),
        draft("12.8B", "13.3B", "12800000000", "USD", sentence),
    ];
    let s = score(&facts, &drafts);
    assert_eq!((s.claims, s.drafts, s.matched, s.exact), (6, 2, 5, 2));
    assert_eq!(s.misses.len(), 1);
    assert!(s.misses[0].starts_with("#4 "), "{:?}", s.misses);
    let inexact: Vec<&str> = s.inexact.iter().map(|l| &l[..3]).collect();
    assert_eq!(inexact, ["#3 ", "#5 ", "#6 "]);
    // The measure agrees everywhere; the empty guesses agree with the empty fact columns.
    assert_eq!(s.agree, [5; 6]);
    assert!(s.wrong.is_empty());
}

#[test]
fn recall_is_at_least_95_percent_on_every_document() {
    hold("recall", 95.0, Score::recall, |s| s.misses.clone());
}

#[test]
fn every_drafted_value_is_exactly_the_reviewed_value() {
    hold("values exact", 100.0, Score::exact_pct, |s| {
        s.inexact.clone()
    });
}

/// Fails when guess `field` agrees with fewer than 80% of all matched rows (the issue's
/// measure: "at least 80% of the drafted rows that match a stored fact", over the five
/// documents and the fixtures), or with fewer than 75% of one document's (a floor, so that
/// one kind of document cannot fall away behind a good total), naming what was wrong.
fn guessed_right_for_80_percent(field: &str) {
    let i = FIELDS.iter().position(|f| *f == field).unwrap();
    let wrong = |s: &Score| -> Vec<String> {
        let needle = format!("{field} \"");
        s.wrong
            .iter()
            .filter(|l| l.contains(&needle))
            .cloned()
            .collect()
    };
    let (agree, matched) = measured().iter().fold((0, 0), |(a, m), doc| {
        (a + doc.score.agree[i], m + doc.score.matched)
    });
    let total = super::extract_quality::percent(agree, matched);
    assert!(
        total >= 80.0,
        "{field} agreement over all documents {agree}/{matched} ({total:.1}%) < 80%\n\n{}\n  {}",
        table(measured()),
        measured()
            .iter()
            .flat_map(|m| wrong(&m.score))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    hold(
        &format!("{field} agreement"),
        75.0,
        |s| s.agree_pct(i),
        wrong,
    );
}

#[test]
fn the_metric_is_guessed_right_for_80_percent_of_matched_rows() {
    guessed_right_for_80_percent("metric");
}

#[test]
fn the_period_is_guessed_right_for_80_percent_of_matched_rows() {
    guessed_right_for_80_percent("period");
}

#[test]
fn the_measure_is_guessed_right_for_80_percent_of_matched_rows() {
    guessed_right_for_80_percent("measure");
}
