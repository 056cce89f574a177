//! `amzdb report [NAME]`: run a canned report, or list them.

use crate::cli::{Disclosure, ReportArgs};
use crate::error::{Error, Result};
use crate::filters::{self, Filter, ReportScope};
use crate::model::DisclosureType;
use crate::output::chart::{self, ChartSpec};
use crate::output::{self, people::TableSpec, Rows};
use crate::parse::period::parse_date;
use crate::queries::Query;
use crate::report::{self, Options};
use crate::time_limit;
use rusqlite::types::Value;
use rusqlite::Connection;
use std::io::Write;
use std::path::Path;

/// The entity a report is for when --entity is not given.
const DEFAULT_ENTITY: &str = "AMZN";

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
    if args.sql {
        // The text report::run prepares, parameters unbound; no database needed.
        let sql = report::sql(&query);
        return super::emit(&args.output, out, |w| writeln!(w, "{}", sql.trim_end()));
    }
    let as_of = match &args.as_of {
        Some(d) => Some(
            parse_date(d)
                .map_err(|e| Error::Usage(format!("--as-of: {e}")))?
                .to_string(),
        ),
        None => None,
    };
    let mut conn = super::readable(db)?;
    let entity = report_entity(&conn, args, &query)?;
    let metric = filters::resolve(&conn, Filter::Metric, args.metric.as_deref())?;
    let period = filters::resolve(&conn, Filter::Period, args.period.as_deref())?;
    let options = Options {
        entity,
        as_of,
        min_disclosure: args.min_disclosure.map(|d| match d {
            Disclosure::Audited => DisclosureType::Audited,
            Disclosure::ManagementCommentary => DisclosureType::ManagementCommentary,
            Disclosure::ThirdPartyEstimate => DisclosureType::ThirdPartyEstimate,
        }),
        metric,
        period,
    };
    let watch = time_limit::watch(&mut conn, args.timeout, &format!("report {}", query.name))?;
    let rows = watch.check(report::run(&conn, &query, &options))?;
    if rows.rows.is_empty() {
        let scope = ReportScope {
            report: query.name,
            // A report that spans entities itself does not use --entity.
            entity: options
                .entity
                .as_deref()
                .filter(|_| query.params.contains(&"entity")),
            as_of: options.as_of.as_deref(),
            min_disclosure: options.min_disclosure,
            metric: options.metric.as_deref(),
            period: options.period.as_deref(),
        };
        let why = watch.check(filters::why_no_report_rows(&conn, &scope))?;
        crate::say!("amzdb: note: {why}");
    }
    drop(watch);
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

/// The entity a report runs for: --entity resolved to its stored ticker (AMZN when not
/// given), None for --all-entities. A report that spans entities itself (cloud-peers)
/// takes none, but a --entity given to it must still name a known entity.
fn report_entity(conn: &Connection, args: &ReportArgs, query: &Query) -> Result<Option<String>> {
    if args.all_entities {
        return Ok(None);
    }
    if !query.params.contains(&"entity") && args.entity.is_none() {
        return Ok(None);
    }
    let given = args.entity.as_deref().unwrap_or(DEFAULT_ENTITY);
    filters::resolve(conn, Filter::Entity, Some(given)).map_err(|e| match e {
        Error::Usage(m) if args.entity.is_none() => Error::Usage(format!(
            "{m} (--entity is {DEFAULT_ENTITY} when not given); give --entity TICKER or \
             --all-entities"
        )),
        e => e,
    })
}
