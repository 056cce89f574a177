//! Issue 15, re-checking facts already stored: a re-ingest counts every stored fact as
//! present (compared with it on every identity column, never duplicated), whichever
//! path it takes, and a stored fact whose identity key is another fact's is reported as
//! a collision, never counted as present.

use crate::util::{assert_contains, fixtures, rows_of, succeeded, Dir, DB};
use rusqlite::Connection;

/// The fixture facts file with one new fact after its own, so the re-ingest is not the
/// same file again: every fixture fact is present, one is new.
fn fixture_facts_and_one_more(dir: &Dir) -> &'static str {
    let mut text = std::fs::read_to_string(fixtures().join("facts.csv")).unwrap();
    text.push_str("DECO,capex,,Q2 FY2026,level,5B,,USD,exact,actual,audited,deco-10q,,,\n");
    dir.write("again.csv", text)
}

/// Every fact as stored, but for the columns of its ingest (batch and line).
fn stored_facts(dir: &Dir) -> Vec<String> {
    rows_of(
        &dir.conn(),
        "SELECT entity_id, metric_id, segment, period_id, measure, value, value_high, \
                precision, value_text, unit_id, qualifier, basis, disclosure_type, source_id, \
                published_on, quote, note, concept_id, fact_key, dimensions, scenario \
         FROM facts ORDER BY fact_id",
    )
}

#[test]
fn a_re_ingest_counts_stored_facts_present_and_stores_only_the_new_one_on_either_path() {
    let mut outcomes = Vec::new();
    for bulk in ["never", "always"] {
        let dir = Dir::with_fixtures();
        let before = stored_facts(&dir);
        let file = fixture_facts_and_one_more(&dir);
        let (stdout, _) = succeeded(dir.cmd().env("AMZDB_BULK", bulk).args(["ingest", file]));
        assert_eq!(
            stdout,
            format!("ingested 1 facts (11 already present) from 1 file into {DB}\n"),
            "AMZDB_BULK={bulk}"
        );
        let after = stored_facts(&dir);
        assert_eq!(after.len(), 12, "AMZDB_BULK={bulk}: {after:#?}");
        assert_eq!(after[..11], before[..], "AMZDB_BULK={bulk}");
        assert_contains(
            &after[11],
            "Integer(5000000000) | Null | Integer(1000000000) | Text(\"5B\")",
        );
        let batch = rows_of(
            &dir.conn(),
            "SELECT file_name, rows_read, rows_inserted, rows_present FROM ingest_batches \
             ORDER BY batch_id DESC LIMIT 1",
        );
        assert_eq!(
            batch,
            ["Text(\"again.csv\") | Integer(12) | Integer(1) | Integer(11)"],
            "AMZDB_BULK={bulk}"
        );
        dir.assert_sound();
        outcomes.push((stdout, after));
    }
    assert_eq!(outcomes[0], outcomes[1], "the two paths differ");
}

#[test]
fn a_fact_given_again_in_a_second_file_of_one_ingest_is_kept_once_and_noted() {
    let dir = Dir::with_empty_db();
    let reference: Vec<String> = ["entities.csv", "sources.csv", "metrics.csv"]
        .iter()
        .map(|f| fixtures().join(f).to_str().unwrap().to_string())
        .collect();
    let row = "DECO,capex,,Q2 FY2026,level,5B,,USD,exact,actual,audited,deco-10q,,,";
    let header = std::fs::read_to_string(fixtures().join("facts.csv")).unwrap();
    let header = header.lines().next().unwrap();
    dir.write("a.csv", format!("{header}\n{row}\n"));
    dir.write("b.csv", format!("{header}\n{row}\n"));
    let mut args = vec!["ingest"];
    args.extend(reference.iter().map(String::as_str));
    args.extend(["a.csv", "b.csv"]);
    let (_, stderr) = succeeded(dir.cmd().env("AMZDB_BULK", "never").args(&args));
    assert_contains(&stderr, "b.csv:2: the same fact as a.csv:2; kept that one");
    assert_eq!(dir.count("facts"), 1);
    let note: String = dir.one("SELECT note FROM facts");
    assert_eq!(
        note,
        "the same fact is in a.csv:2 and b.csv:2 of one ingest, kept once"
    );
}

#[test]
fn a_stored_fact_whose_key_is_another_facts_is_a_collision_on_either_path() {
    for bulk in ["never", "always"] {
        let dir = Dir::with_fixtures();
        // A fact of the same entity, metric, segment and period as a stored one (DECO
        // capex Q1 FY2026, line 2 of facts.csv), with another value.
        let header = std::fs::read_to_string(fixtures().join("facts.csv")).unwrap();
        let header = header.lines().next().unwrap().to_string();
        let other = "DECO,capex,,Q1 FY2026,level,45B,,USD,exact,actual,audited,deco-10q,,,";
        dir.write("other.csv", format!("{header}\n{other}\n"));
        dir.run(&["ingest", "other.csv"]);
        // Give the stored fact the new fact's key, then take the new fact out again: the
        // next ingest of it finds a stored fact with its key that is not the same fact.
        {
            let conn = Connection::open(dir.join(DB)).unwrap();
            let changed = conn
                .execute_batch(
                    "CREATE TEMP TABLE moved AS SELECT fact_id, fact_key FROM facts \
                         WHERE batch_id = (SELECT max(batch_id) FROM ingest_batches);
                     DELETE FROM facts WHERE fact_id IN (SELECT fact_id FROM moved);
                     DELETE FROM ingest_batches WHERE batch_id = (SELECT max(batch_id) FROM ingest_batches);
                     UPDATE facts SET fact_key = (SELECT fact_key FROM moved)
                         WHERE line = 2 AND value_text = '44.2B';",
                )
                .and_then(|()| conn.query_row("SELECT changes()", [], |r| r.get::<_, i64>(0)));
            assert_eq!(changed.unwrap(), 1);
        }
        let before = dir.snapshot();
        let stderr = dir.fails(
            dir.cmd()
                .env("AMZDB_BULK", bulk)
                .args(["ingest", "other.csv"]),
        );
        dir.snapshot().assert_same(&before);
        assert_contains(
            &stderr,
            &format!(
                "amzdb: error: other.csv:2: column 'value': \"45B\": fact key collides with a \
                 different fact ({} line 2); please report this\n1 problem found; nothing was \
                 written",
                fixtures().join("facts.csv").display()
            ),
        );
    }
}
