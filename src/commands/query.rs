//! `amzdb query SQL`: ad-hoc SQL on a read-only connection.

use crate::cli::QueryArgs;
use crate::error::{Error, Result};
use crate::output::{self, Rows};
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &QueryArgs, out: &mut dyn Write) -> Result<()> {
    let conn = super::readable(db)?;
    let mut stmt = conn.prepare(&args.sql)?;
    // SQLite also refuses writes on this connection; this says why before it tries.
    if !stmt.readonly() {
        return Err(Error::Refused(
            "amzdb query runs read-only SQL, and this statement would change the database; \
             use `amzdb ingest` to add facts"
                .into(),
        ));
    }
    let rows = Rows::collect(&mut stmt, [])?;
    super::emit(&args.output, out, |w| {
        output::write(&rows, args.output.format, w)
    })
}
