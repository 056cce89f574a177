//! `amzdb facts`: browse facts with their provenance.

use crate::cli::{FactsArgs, Format};
use crate::error::{Error, Result};
use crate::filters::{self, Filter};
use crate::output::{self, people, Fit, Rows};
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
    let disclosure = args.disclosure.map(|d| d.kind().as_str());
    let query =
        queries::get("facts").ok_or_else(|| Error::Usage("the facts query is missing".into()))?;
    let mut stmt = conn.prepare(&query.sql)?;
    let rows = Rows::collect(
        &mut stmt,
        named_params! {
            "$entity": entity,
            "$metric": metric,
            "$segment": segment,
            "$period": period,
            "$disclosure": disclosure,
        },
    )?;
    if rows.rows.is_empty() {
        let resolved = [
            (Filter::Entity, entity.as_deref()),
            (Filter::Metric, metric.as_deref()),
            (Filter::Segment, segment.as_deref()),
            (Filter::Period, period.as_deref()),
        ];
        let why = match disclosure {
            None => filters::why_no_facts(&resolved),
            Some(kind) if resolved.iter().all(|(_, v)| v.is_none()) => {
                format!("the database has no {kind} facts")
            }
            Some(kind) => format!("no {kind} fact matches the other filters"),
        };
        crate::say!("amzdb: note: {why}");
    }
    let format = args.output.format;
    super::emit(&args.output, out, |w| match format {
        // People read a few columns, values in their units, the type as its letter.
        Format::Table | Format::Markdown if !args.wide => {
            let fit = Fit::chosen(false);
            output::write_fitted(&people::facts_for_people(&rows), format, fit, w)?;
            if rows.rows.is_empty() {
                return Ok(());
            }
            output::write_note(&format!("type: {}", people::TYPE_LETTERS), format, fit, w)
        }
        Format::Table | Format::Markdown => output::write_fitted(&rows, format, Fit::Wide, w),
        Format::Csv | Format::Json => output::write(&rows, format, w),
    })
}
