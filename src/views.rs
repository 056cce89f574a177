//! Keeps the views of a database equal to the queries this amzdb embeds: after every
//! migration, views whose SQL differs are dropped and created again.

use crate::error::Result;
use crate::queries;
use rusqlite::{Connection, OptionalExtension};

fn create_sql(view: &str, body: &str) -> String {
    format!("CREATE VIEW {view} AS\n{}", body.trim_end())
}

/// (view name, CREATE VIEW statement) of every embedded view, in installation order.
fn wanted() -> Vec<(String, String)> {
    queries::all()
        .into_iter()
        .filter_map(|q| {
            q.view
                .map(|v| (v.to_string(), create_sql(v, &q.view_sql())))
        })
        .collect()
}

/// Whether every embedded view exists with exactly this amzdb's SQL.
pub fn up_to_date(conn: &Connection) -> Result<bool> {
    for (view, sql) in wanted() {
        let existing: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'view' AND name = ?1",
                [&view],
                |r| r.get(0),
            )
            .optional()?;
        if existing.as_deref() != Some(sql.as_str()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Creates or replaces every embedded view that is missing or out of date.
pub fn install(conn: &mut Connection) -> Result<()> {
    if up_to_date(conn)? {
        return Ok(());
    }
    let wanted = wanted();
    let tx = conn.transaction()?;
    // Drop in reverse order: later views may select from earlier ones.
    for (view, _) in wanted.iter().rev() {
        tx.execute_batch(&format!("DROP VIEW IF EXISTS {view}"))?;
    }
    for (_, sql) in &wanted {
        tx.execute_batch(sql)?;
    }
    tx.commit()?;
    Ok(())
}
