//! `amzdb datasette-metadata`: what Datasette needs to present amzdb's reports: its
//! metadata.json (each view's title and description from the queries/ headers, each report
//! as a canned query with its named parameters) and, with `--config-dir`, the settings that
//! keep the report views' pages fast (a Datasette configuration directory).

use crate::cli::{DatasetteArgs, Format, OutputArgs};
use crate::error::{Error, Result};
use crate::queries::{self, Query};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::Path;

/// What a canned query's parameter takes, and what leaving it blank means (Datasette
/// sends a blank field as '', which the queries read as "not given").
const PARAMS: &[(&str, &str)] = &[
    (
        "entity",
        "a ticker as stored, e.g. AMZN, MSFT, GOOGL (blank: every entity)",
    ),
    (
        "as_of",
        "a date YYYY-MM-DD: the database as it stood then, only facts published on or \
         before it, facts without a publication date left out (blank: no date limit)",
    ),
    (
        "min_disclosure",
        "the least trusted disclosure type kept: audited, management_commentary or \
         third_party_estimate (blank: every fact)",
    ),
    ("metric", "a metric slug, e.g. capex (blank: every metric)"),
    (
        "period",
        "a period label as stored, e.g. Q1 FY2026 (blank: every period)",
    ),
];

/// Datasette's settings for amzdb (settings.json of the configuration directory).
/// Measured on the bundled database (README, Datasette): facet suggestions re-run a
/// report view once per column, so they are what made the views' pages take 3-9 s;
/// consensus alone takes over Datasette's default 1 s limit (a 400 error page); a
/// canned query returns at most max_returned_rows rows (provenance for AMZN: 4,589).
fn settings() -> Value {
    json!({
        "suggest_facets": false,
        "sql_time_limit_ms": 30_000,
        "facet_time_limit_ms": 5_000,
        "max_returned_rows": 10_000,
    })
}

pub fn run(db: &Path, args: &DatasetteArgs, out: &mut dyn Write) -> Result<()> {
    let database = database_name(db)?;
    let metadata = metadata(&database)?;
    match &args.config_dir {
        Some(dir) => {
            let names = ["metadata.json".to_string(), "settings.json".to_string()];
            crate::output::file::write_dir(dir, &names, |tmp| {
                for (name, value) in names.iter().zip([&metadata, &settings()]) {
                    let path = tmp.join(name);
                    crate::output::file::write(&path, |w| write_json(value, w))?;
                }
                Ok(())
            })?;
            writeln!(
                out,
                "wrote {}/metadata.json and settings.json; serve with:\n  datasette serve {} -i {}",
                dir.display(),
                dir.display(),
                db.display()
            )
            .map_err(|e| Error::io("<stdout>", e))
        }
        None => {
            let output = OutputArgs {
                format: Format::Json,
                output: args.output.clone(),
            };
            super::emit(&output, out, |w| write_json(&metadata, w))
        }
    }
}

fn write_json(value: &Value, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)
}

/// The name Datasette gives the database file: its stem (`amzdb` for amzdb.sqlite), the
/// key its metadata goes under.
fn database_name(db: &Path) -> Result<String> {
    db.file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: Datasette names a database by its file name, and this one has none \
                 in UTF-8; give --db the file Datasette will serve",
                db.display()
            ))
        })
}

/// The metadata.json for a database Datasette names `database`.
pub fn metadata(database: &str) -> Result<Value> {
    let all = queries::all();
    let mut tables = Map::new();
    for q in &all {
        if let Some(view) = q.view {
            tables.insert(
                view.to_string(),
                json!({"title": q.title, "description": q.description}),
            );
        }
    }
    let mut canned = Map::new();
    for q in all.iter().filter(|q| q.is_report()) {
        canned.insert(canned_name(q), canned_query(q)?);
    }
    Ok(json!({
        "title": "amzdb",
        "description": "Sourced financial disclosure facts: every figure with its value, unit, \
            period, entity, source, verbatim quote and disclosure type.",
        "databases": {
            database: {
                "description": "The views are amzdb's reports over every entity. Each report \
                    is also a canned query (report-NAME) taking the options of \
                    `amzdb report NAME`: leave a parameter blank for every entity, no date \
                    limit, every disclosure type.",
                "tables": tables,
                "queries": canned,
            }
        }
    }))
}

/// A canned query's name: `report-` and the report's CLI name. Datasette serves a canned
/// query in place of a table or view of the same name, and five reports share their
/// view's name (conflicts, consensus, ...).
pub fn canned_name(q: &Query) -> String {
    format!("report-{}", q.name)
}

/// A report as a canned query: the SQL `amzdb report NAME` runs (what `--sql` prints; its
/// `$name` parameters are Datasette's form fields), its parameters, and a description
/// saying what each takes.
fn canned_query(q: &Query) -> Result<Value> {
    let mut takes = Vec::new();
    for param in &q.params {
        let (_, what) = PARAMS.iter().find(|(p, _)| p == param).ok_or_else(|| {
            Error::Refused(format!(
                "report {} takes the parameter {param}, which amzdb cannot describe to \
                 Datasette yet (src/commands/datasette.rs)",
                q.name
            ))
        })?;
        takes.push(format!("{param}: {what}"));
    }
    Ok(json!({
        "title": q.title,
        "description": format!("{} Parameters: {}.", q.description, takes.join("; ")),
        "sql": crate::report::sql(q),
        "params": q.params,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_parameter_is_described() {
        for q in crate::report::all() {
            canned_query(&q).unwrap();
        }
    }

    #[test]
    fn canned_queries_never_take_a_view_s_name() {
        let views: Vec<&str> = queries::all().iter().filter_map(|q| q.view).collect();
        for q in crate::report::all() {
            assert!(!views.contains(&canned_name(&q).as_str()), "{}", q.name);
        }
    }

    #[test]
    fn the_database_is_named_by_its_file_stem() {
        assert_eq!(
            database_name(Path::new("dir/amzdb.sqlite")).unwrap(),
            "amzdb"
        );
        assert_eq!(database_name(Path::new("x.db")).unwrap(), "x");
    }
}
