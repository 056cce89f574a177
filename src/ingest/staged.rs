//! Staged loads: when an ingest brings many facts into a database whose unique index is
//! far larger than the page cache, inserting them one by one lands each on a random page
//! of that index (a page read and, later, written per fact). Instead every fact is
//! appended to a temporary table without an index, then inserted into facts with one
//! statement in the index's order (SQLite's sorter: bounded memory, temporary files), so
//! the index's pages are visited once each, in order. Facts already stored, given twice
//! or repeated by an SEC file are left out by that insert and resolved after it as a
//! bulk load resolves them (bulk.rs), by the same SQL.
//!
//! The staging table lives in the temporary database (a file: ingest sets temp_store),
//! and the whole ingest is still one transaction.

use super::bulk::{self, Origin};
use super::Tally;
use crate::error::Result;
use rusqlite::Connection;

/// Creates the staging table: the columns of src/sql/insert_fact.sql, plus the order in
/// which facts arrived (file by file, line by line).
pub(super) fn begin(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE staging (
            arrival INTEGER PRIMARY KEY,
            entity_id, metric_id, segment, period_id, measure,
            value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
            value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
            quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario)",
    )?;
    Ok(())
}

/// Inserts the staged facts into facts in index order, then resolves those not stored.
pub(super) fn finish(conn: &Connection, tally: &mut Tally, first_batch_id: i64) -> Result<()> {
    let stored_before: i64 =
        conn.query_row("SELECT ifnull(max(fact_id), 0) FROM facts", [], |r| {
            r.get(0)
        })?;
    let inserted = conn.execute(include_str!("../sql/staged_insert.sql"), [])?;
    let staged: usize = conn.query_row("SELECT count(*) FROM temp.staging", [], |r| {
        r.get::<_, i64>(0)
    })? as usize;
    // Every staged fact is new (the usual incremental load): nothing to resolve.
    if inserted < staged {
        // Two sorts run at once below (the staged facts by key, the pairs by the fact
        // kept), each with a buffer of the cache's size: half each keeps the bound.
        conn.pragma_update(None, "cache_size", -bulk::SORT_CACHE_KIB / 2)?;
        bulk::create_pairs(conn)?;
        conn.execute(include_str!("../sql/staged_repeats.sql"), [stored_before])?;
        bulk::resolve(conn, tally, first_batch_id, Origin::Staging)?;
    }
    conn.execute_batch("DROP TABLE temp.staging")?;
    Ok(())
}
