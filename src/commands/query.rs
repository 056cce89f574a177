//! `amzdb query SQL`: ad-hoc SQL on a read-only connection.
//!
//! Whatever the SQL, the database file is not changed and no other file is opened: the
//! connection is read-only with `query_only` on (`db::open_ro`), its authorizer refuses
//! writes, ATTACH/DETACH, pragmas that set a value and functions that load code while the
//! statement is prepared, and a statement SQLite reports as writing is refused before it
//! runs. Each refusal says what was refused and why. The statement runs under a time limit
//! (`--timeout`, 60 s by default) and Ctrl-C stops it cleanly (`time_limit`).

use crate::cli::QueryArgs;
use crate::db::{self, Refusal};
use crate::error::{Error, Result};
use crate::output::{self, Rows};
use crate::time_limit;
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &QueryArgs, out: &mut dyn Write) -> Result<()> {
    let mut conn = super::readable(db)?;
    // The same guard as `open_ro` installs, with a slot this command can read back.
    let refusals = db::guard_read_only(&mut conn)?;
    let watch = time_limit::watch(&mut conn, args.timeout, "query")?;
    let mut stmt = match conn.prepare(&args.sql) {
        Ok(stmt) => stmt,
        Err(e) => {
            let refused = refusals.lock().ok().and_then(|mut r| r.take());
            return Err(match (refused, e) {
                (Some(refusal), _) => explain(refusal, &args.sql),
                (None, rusqlite::Error::MultipleStatement) => Error::Refused(format!(
                    "amzdb query runs one SQL statement, and this has more than one ({}); \
                     run them one at a time",
                    excerpt(&args.sql)
                )),
                (None, e) => e.into(),
            });
        }
    };
    // Backstop for statements no authorizer action covers (VACUUM, VACUUM INTO,
    // BEGIN IMMEDIATE, pragmas that write): SQLite would refuse them on this connection
    // too; this says why before it tries.
    if !stmt.readonly() {
        let verb = args
            .sql
            .split(|c: char| !c.is_ascii_alphabetic())
            .find(|w| !w.is_empty())
            .unwrap_or("this statement")
            .to_ascii_uppercase();
        return Err(explain(Refusal::Write(verb), &args.sql));
    }
    let rows = watch.check(Rows::collect(&mut stmt, []))?;
    drop(watch);
    super::emit(&args.output, out, |w| {
        output::write(&rows, args.output.format, w)
    })
}

/// The message for a refused statement: what was refused and why.
fn explain(refusal: Refusal, sql: &str) -> Error {
    Error::Refused(match refusal {
        Refusal::Write(what) => format!(
            "amzdb query runs read-only SQL, and this statement would change the database \
             ({what} in {}); use `amzdb ingest` to add facts",
            excerpt(sql)
        ),
        Refusal::Other { what, why } => format!(
            "amzdb query runs read-only SQL, and {what} is not allowed: {why}; in {}",
            excerpt(sql)
        ),
    })
}

/// The statement as the user wrote it, on one line and shortened, to quote in a message.
fn excerpt(sql: &str) -> String {
    const MAX: usize = 80;
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        format!("`{one_line}`")
    } else {
        let short: String = one_line.chars().take(MAX).collect();
        format!("`{short}...`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_line_and_short() {
        assert_eq!(excerpt("VACUUM\n  INTO 'x.db'"), "`VACUUM INTO 'x.db'`");
        let long = format!("SELECT {}", "1, ".repeat(50));
        assert!(excerpt(&long).ends_with("...`"));
        assert_eq!(excerpt(&long).chars().count(), 80 + 5);
    }
}
