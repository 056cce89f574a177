//! Bulk loads: when an ingest brings about as many facts as the database holds, the
//! facts' indexes are dropped inside the ingest transaction, every fact is appended,
//! and the indexes are built again at the end (one sort instead of a random B-tree
//! insert per fact: 1.5x as fast at a million facts, 1.9x at five million). Facts
//! already stored, given twice, or repeated by an SEC file are then found in one pass
//! over the index and resolved exactly as the row-by-row path resolves them.
//!
//! When the database holds many more facts than an ingest brings, rebuilding its
//! indexes would cost more than the load: a staged load (staged.rs) inserts the facts in
//! index order instead, and its repeats are resolved by the same code and SQL.
//!
//! The whole ingest is still one transaction: if anything fails, the rollback restores
//! the indexes with everything else, and readers never see a database without them.

use super::facts::{self, Stored, Target};
use super::reference::Check;
use super::{staged, FileContext, RowOutcome, Tally};
use crate::error::{Error, Result};
use crate::model::FileKind;
use rusqlite::{Connection, OptionalExtension};

/// The fewest facts an ingest is expected to bring for a bulk load (below it, the
/// row-by-row path is as fast).
const MIN_FACTS: u64 = 100_000;

/// The fewest facts an ingest is expected to bring for a staged load, and the fewest
/// facts stored: the unique index of two million facts (~46 MiB) outgrows the page
/// cache (40 MiB), and from there each fact inserted row by row costs a page read (1M
/// facts into 10M: 1.5x a staged load's CPU time); below, row by row is as fast.
const STAGED_MIN_FACTS: u64 = 100_000;
const STAGED_MIN_STORED: u64 = 2_000_000;

/// The page cache of a bulk or staged load, in KiB. An index build or a staged insert
/// sorts in memory up to the cache's size, then in temporary files: the two together
/// stay under the bound (64 MiB peak, measured up to 6M facts into 4M).
pub(super) const SORT_CACHE_KIB: i64 = 16 * 1024;

/// Which path a load takes: `AMZDB_BULK=always|never|staged|auto` (auto when unset: a
/// bulk load for at least MIN_FACTS facts and at least half the facts stored, else a
/// staged load for at least STAGED_MIN_FACTS into at least STAGED_MIN_STORED, else row
/// by row).
fn wanted(expected: u64, stored: u64) -> Result<Target> {
    match std::env::var("AMZDB_BULK").as_deref() {
        Ok("always") => Ok(Target::Append),
        Ok("never") => Ok(Target::Facts),
        Ok("staged") => Ok(Target::Staging),
        Ok("auto") | Err(_) => Ok(
            if expected >= MIN_FACTS && expected.saturating_mul(2) >= stored {
                Target::Append
            } else if expected >= STAGED_MIN_FACTS && stored >= STAGED_MIN_STORED {
                Target::Staging
            } else {
                Target::Facts
            },
        ),
        Ok(other) => Err(Error::Refused(format!(
            "AMZDB_BULK is {other:?}; expected always, never, staged or auto"
        ))),
    }
}

/// A bulk or staged load in progress: where facts go, and the indexes a bulk load
/// dropped, to build again.
pub(super) struct Bulk {
    target: Target,
    indexes: Vec<(String, String)>,
}

impl Bulk {
    /// Starts a bulk or staged load if one is wanted for about `expected` new facts.
    pub fn begin(conn: &Connection, expected: u64) -> Result<Option<Bulk>> {
        let stored: u64 = conn.query_row("SELECT ifnull(max(fact_id), 0) FROM facts", [], |r| {
            r.get::<_, i64>(0)
        })? as u64;
        let target = wanted(expected, stored)?;
        if target == Target::Facts {
            return Ok(None);
        }
        // Appending needs few pages in memory; the sorts at the end use the memory
        // instead. Set first: dropping an index reads every page of it through the cache,
        // and memory a bigger cache took is not given back to the system.
        conn.pragma_update(None, "cache_size", -SORT_CACHE_KIB)?;
        let mut indexes = Vec::new();
        match target {
            Target::Facts => {}
            Target::Staging => staged::begin(conn)?,
            Target::Append => {
                indexes = conn
                    .prepare(
                        "SELECT name, sql FROM sqlite_schema \
                         WHERE type = 'index' AND tbl_name = 'facts' AND sql IS NOT NULL ORDER BY name",
                    )?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (name, _) in &indexes {
                    conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                }
            }
        }
        Ok(Some(Bulk { target, indexes }))
    }

    /// Where the load's facts go.
    pub fn target(&self) -> Target {
        self.target
    }

    /// Stores the staged facts, or builds the indexes again; either way first resolving
    /// facts that share an identity key.
    pub fn finish(self, conn: &Connection, tally: &mut Tally, first_batch_id: i64) -> Result<()> {
        if self.target == Target::Staging {
            return staged::finish(conn, tally, first_batch_id);
        }
        for (_, sql) in &self.indexes {
            if !sql.starts_with("CREATE UNIQUE INDEX") {
                conn.execute_batch(sql)?;
                continue;
            }
            conn.execute_batch("SAVEPOINT unique_index")?;
            match conn.execute_batch(sql) {
                Ok(()) => conn.execute_batch("RELEASE unique_index")?,
                Err(e) if is_constraint(&e) => {
                    conn.execute_batch("ROLLBACK TO unique_index; RELEASE unique_index")?;
                    resolve_duplicates(conn, sql, tally, first_batch_id)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
}

/// Some facts share an identity key: builds the index without its uniqueness, finds every
/// fact that repeats an earlier one (by fact_id: the first appended is kept, as the
/// row-by-row path keeps it), counts and removes it, then builds the unique index.
fn resolve_duplicates(
    conn: &Connection,
    unique_sql: &str,
    tally: &mut Tally,
    first_batch_id: i64,
) -> Result<()> {
    let scan_sql = unique_sql.replacen("CREATE UNIQUE INDEX", "CREATE INDEX", 1);
    conn.execute_batch(&scan_sql)?;
    create_pairs(conn)?;
    conn.execute(include_str!("../sql/bulk_repeats.sql"), [])?;
    resolve(conn, tally, first_batch_id, Origin::Facts)?;
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql = ?1",
            [&scan_sql],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(name) = name {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    match conn.execute_batch(unique_sql) {
        // Only facts whose keys collide remain, each already reported as a problem; the
        // ingest will roll back.
        Err(e) if is_constraint(&e) && tally.has_problems() => Ok(()),
        other => Ok(other?),
    }
}

/// Where the facts that repeat an earlier one are: appended to facts (a bulk load, which
/// removes them) or left in the staging table (a staged load, which never stored them).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Origin {
    Facts,
    Staging,
}

/// Creates temp.pairs, which src/sql/bulk_repeats.sql or src/sql/staged_repeats.sql
/// fill: each repeat's id (fact_id or arrival), the fact kept, and the repeat's identity.
pub(super) fn create_pairs(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE pairs (
            repeat_id INTEGER NOT NULL, first_id INTEGER NOT NULL, batch_id INTEGER NOT NULL,
            measure, value, value_high, unit_id, qualifier, basis, disclosure_type,
            source_id, concept_id, scenario)",
    )?;
    Ok(())
}

/// Resolves the repeats of temp.pairs exactly as the row-by-row path does: facts already
/// stored and facts an SEC file repeats (all of a re-ingested file, say) are counted in
/// SQL, a batch at a time; the rest (kept once, given twice in a CSV, a key collision)
/// one by one, as the row-by-row path words them. Batches left without a fact go.
pub(super) fn resolve(
    conn: &Connection,
    tally: &mut Tally,
    first_batch_id: i64,
    origin: Origin,
) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE repeats (
            repeat_id INTEGER NOT NULL, first_id INTEGER NOT NULL,
            batch_id INTEGER NOT NULL, class TEXT NOT NULL)",
    )?;
    conn.execute(
        include_str!("../sql/classify_repeats.sql"),
        [first_batch_id],
    )?;
    let counted: Vec<(i64, String, i64)> = conn
        .prepare("SELECT batch_id, class, count(*) FROM temp.repeats WHERE class <> 'other' GROUP BY 1, 2")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (batch_id, class, n) in counted {
        let present = class == "present";
        // The row-by-row path counts only inserted and present facts as read from an
        // SEC file (class repeated is only ever an SEC file's).
        conn.execute(
            "UPDATE ingest_batches SET rows_inserted = rows_inserted - ?2, \
             rows_present = rows_present + ?3, rows_read = rows_read - ?4 WHERE batch_id = ?1",
            rusqlite::params![
                batch_id,
                n,
                if present { n } else { 0 },
                if present { 0 } else { n }
            ],
        )?;
        let outcome = |_| {
            if present {
                RowOutcome::Present
            } else {
                RowOutcome::Repeated
            }
        };
        tally.recount(FileKind::Facts, (0..n).map(outcome));
    }
    let others: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT repeat_id, first_id FROM temp.repeats WHERE class = 'other' ORDER BY repeat_id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (repeat_id, first_id) in others {
        let repeat = match origin {
            Origin::Facts => Stored::by_id(conn, repeat_id)?,
            Origin::Staging => conn
                .prepare_cached(include_str!("../sql/staged_origin.sql"))?
                .query_row([repeat_id], Stored::from_row)?,
        };
        let first = Stored::by_id(conn, first_id)?;
        let ctx = FileContext {
            name: repeat.file.clone(),
            batch_id: repeat.batch_id,
            first_batch_id,
            errors_on_repeats: repeat.from_csv,
            target: facts::Target::Append,
        };
        let outcome = facts::duplicate(
            &ctx,
            repeat.line,
            &repeat.identity,
            &repeat.value_text,
            &first,
            Check::new(&repeat.file, repeat.line),
        );
        let unread = !repeat.from_csv;
        conn.prepare_cached(
            "UPDATE ingest_batches SET rows_inserted = rows_inserted - 1, \
             rows_read = rows_read - ?2 WHERE batch_id = ?1",
        )?
        .execute(rusqlite::params![repeat.batch_id, unread])?;
        tally.recount(FileKind::Facts, [outcome]);
    }
    if origin == Origin::Facts {
        conn.execute_batch(
            "DELETE FROM facts WHERE fact_id IN (SELECT repeat_id FROM temp.repeats)",
        )?;
    }
    conn.execute_batch("DROP TABLE temp.repeats; DROP TABLE temp.pairs;")?;
    conn.execute(
        "DELETE FROM ingest_batches WHERE batch_id >= ?1 AND rows_inserted = 0",
        [first_batch_id],
    )?;
    Ok(())
}
