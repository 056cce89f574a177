//! `amzdb facts`: browse facts with their provenance.

use crate::cli::FactsArgs;
use crate::error::{Error, Result};
use crate::filters::{self, Filter};
use crate::output::{self, Rows};
use crate::queries;
use rusqlite::named_params;
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &FactsArgs, out: &mut dyn Write) -> Result<()> {
    let conn = super::readable(db)?;
    let entity = filters::resolve(&conn, Filter::Entity, args.entity.as_deref())?;
    let metric = filters::resolve(&conn, Filter::Metric, args.metric.as_deref())?;
    let segment = filters::resolve(&conn, Filter::Segment, args.segment.as_deref())?;
    let period = filters::resolve(&conn, Filter::Period, args.period.as_deref())?;
    let query =
        queries::get("facts").ok_or_else(|| Error::Usage("the facts query is missing".into()))?;
    let mut stmt = conn.prepare(&query.sql)?;
    let rows = Rows::collect(
        &mut stmt,
        named_params! {
            ":entity": entity,
            ":metric": metric,
            ":segment": segment,
            ":period": period,
        },
    )?;
    if rows.rows.is_empty() {
        let resolved = [
            (Filter::Entity, entity.as_deref()),
            (Filter::Metric, metric.as_deref()),
            (Filter::Segment, segment.as_deref()),
            (Filter::Period, period.as_deref()),
        ];
        crate::say!("amzdb: note: {}", filters::why_no_facts(&resolved));
    }
    super::emit(&args.output, out, |w| {
        output::write(&rows, args.output.format, w)
    })
}
