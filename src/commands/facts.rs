//! `amzdb facts`: browse facts with their provenance.

use crate::cli::FactsArgs;
use crate::error::{Error, Result};
use crate::output::{self, Rows};
use crate::queries;
use rusqlite::named_params;
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &FactsArgs, out: &mut dyn Write) -> Result<()> {
    let conn = super::readable(db)?;
    let query =
        queries::get("facts").ok_or_else(|| Error::Usage("the facts query is missing".into()))?;
    let mut stmt = conn.prepare(&query.sql)?;
    let rows = Rows::collect(
        &mut stmt,
        named_params! {
            ":entity": args.entity,
            ":metric": args.metric,
            ":segment": args.segment,
            ":period": args.period,
        },
    )?;
    super::emit(&args.output, out, |w| {
        output::write(&rows, args.output.format, w)
    })
}
