//! `amzdb report [NAME]`: run a canned report, or list them.

use crate::cli::{Disclosure, ReportArgs};
use crate::error::{Error, Result};
use crate::model::DisclosureType;
use crate::output::chart::{self, ChartSpec};
use crate::output::{self, people::TableSpec, Rows};
use crate::parse::period::parse_date;
use crate::report::{self, Options};
use rusqlite::types::Value;
use std::io::Write;
use std::path::Path;

pub fn run(db: &Path, args: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    let Some(name) = &args.name else {
        let rows = Rows {
            columns: vec!["report".into(), "view".into(), "description".into()],
            rows: report::all()
                .into_iter()
                .map(|q| {
                    vec![
                        Value::Text(q.name.into()),
                        Value::Text(q.view.unwrap_or_default().into()),
                        Value::Text(q.description.into()),
                    ]
                })
                .collect(),
        };
        return super::emit(&args.output, out, |w| {
            output::write(&rows, args.output.format, w)
        });
    };
    let query = report::find(name)?;
    let as_of = match &args.as_of {
        Some(d) => Some(
            parse_date(d)
                .map_err(|e| Error::Usage(format!("--as-of: {e}")))?
                .to_string(),
        ),
        None => None,
    };
    let options = Options {
        entity: (!args.all_entities).then(|| args.entity.clone()),
        as_of,
        min_disclosure: args.min_disclosure.map(|d| match d {
            Disclosure::Audited => DisclosureType::Audited,
            Disclosure::ManagementCommentary => DisclosureType::ManagementCommentary,
            Disclosure::ThirdPartyEstimate => DisclosureType::ThirdPartyEstimate,
        }),
        metric: args.metric.clone(),
        period: args.period.clone(),
    };
    let conn = super::readable(db)?;
    let rows = report::run(&conn, &query, &options)?;
    if let Some(path) = &args.chart {
        let spec = ChartSpec::parse(query.chart).ok_or_else(|| {
            Error::Usage(format!(
                "report {} is not a time series; --chart is for capex-fcf and backlog-conversion",
                query.name
            ))
        })?;
        let who = options.entity.as_deref().unwrap_or("all entities");
        let title = format!("{} ({who})", query.title);
        let (svg, points) = chart::render_svg(&title, &rows, &spec)
            .map_err(|e| Error::Refused(format!("{}: {e}", path.display())))?;
        output::file::write(path, |w| w.write_all(svg.as_bytes()))?;
        crate::say!("amzdb: drew {points} points to {}", path.display());
    }
    let spec = TableSpec::parse(query.table);
    super::emit(&args.output, out, |w| {
        output::write_report(&rows, args.output.format, &spec, args.wide, w)
    })
}
