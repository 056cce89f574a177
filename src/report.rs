//! Canned reports: the queries in `queries/` that are also views, run with the report
//! options bound as parameters (never formatted into the SQL).

use crate::error::{Error, Result};
use crate::model::DisclosureType;
use crate::output::Rows;
use crate::queries::{self, Query};
use rusqlite::types::Value;
use rusqlite::Connection;

/// The options a report may take; a report binds those its SQL declares.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// None: every entity.
    pub entity: Option<String>,
    /// Only facts published on or before this date (YYYY-MM-DD).
    pub as_of: Option<String>,
    /// Drop facts less trusted than this before choosing.
    pub min_disclosure: Option<DisclosureType>,
    pub metric: Option<String>,
    pub period: Option<String>,
}

impl Options {
    fn value(&self, param: &str) -> Option<Value> {
        let text = |v: &Option<String>| v.clone().map(Value::Text);
        match param {
            "entity" => text(&self.entity),
            "as_of" => text(&self.as_of),
            "metric" => text(&self.metric),
            "period" => text(&self.period),
            "min_disclosure" => self
                .min_disclosure
                .map(|d| Value::Text(d.as_str().to_string())),
            _ => None,
        }
    }
}

/// Every canned report, in the order `amzdb report` lists them.
pub fn all() -> Vec<Query> {
    queries::all()
        .into_iter()
        .filter(Query::is_report)
        .collect()
}

/// The report of that name, or a usage error listing the names.
pub fn find(name: &str) -> Result<Query> {
    let reports = all();
    if let Some(q) = reports.iter().find(|q| q.name == name) {
        return Ok(q.clone());
    }
    let names: Vec<&str> = reports.iter().map(|q| q.name).collect();
    let hint = crate::ingest::catalog::nearest(name, names.iter().copied())
        .map(|n| format!("did you mean '{n}'? "))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no report named '{name}'; {hint}reports: {}",
        names.join(", ")
    )))
}

/// The SQL a report runs, its options as `$name` parameters (what `report NAME --sql`
/// prints): parameters of the shared rule the report does not take are NULL already.
pub fn sql(report: &Query) -> String {
    report.run_sql()
}

/// Runs a report with the options bound. Options the report does not take are refused.
pub fn run(conn: &Connection, report: &Query, options: &Options) -> Result<Rows> {
    for (param, given) in [("metric", &options.metric), ("period", &options.period)] {
        if given.is_some() && !report.params.contains(&param) {
            return Err(Error::Usage(format!(
                "report {} takes no --{param}",
                report.name
            )));
        }
    }
    let mut stmt = conn.prepare(&sql(report))?;
    for param in &report.params {
        if let Some(index) = stmt.parameter_index(&format!("${param}"))? {
            stmt.raw_bind_parameter(index, options.value(param).unwrap_or(Value::Null))?;
        }
    }
    Ok(Rows::collect_bound(&mut stmt)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sql` (a report's, or a plan of it) prepared with the report's options bound as
    /// for `--entity AMZN` and nothing else.
    fn for_amazon<'c>(conn: &'c Connection, report: &Query, sql: &str) -> rusqlite::Statement<'c> {
        let mut stmt = conn
            .prepare(sql)
            .unwrap_or_else(|e| panic!("{}: {e}", report.name));
        for param in &report.params {
            if let Some(i) = stmt.parameter_index(&format!("${param}")).unwrap() {
                let value = match *param {
                    "entity" => Value::Text("AMZN".into()),
                    _ => Value::Null,
                };
                stmt.raw_bind_parameter(i, value).unwrap();
            }
        }
        stmt
    }

    /// The plan's lines for a report run for one entity.
    fn plan(conn: &Connection, report: &Query) -> Vec<String> {
        let sql = format!("EXPLAIN QUERY PLAN {}", report.run_sql());
        let mut stmt = for_amazon(conn, report, &sql);
        let mut rows = stmt.raw_query();
        let mut lines = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            lines.push(row.get::<_, String>(3).unwrap());
        }
        lines
    }

    /// Issue 5: a report for one entity reads that entity's facts through an index,
    /// never the whole facts table (cloud-peers spans entities by design). A report may
    /// read every fact in one pass for all entities, as `all_facts`, in a branch that
    /// only runs without an entity: the next test shows it does not run with one.
    #[test]
    fn one_entity_reports_never_scan_all_facts() {
        let conn = crate::db::memory();
        conn.execute_batch("ANALYZE").unwrap();
        for report in all() {
            let lines = plan(&conn, &report);
            let scans: Vec<&String> = lines
                .iter()
                .filter(|l| {
                    l.as_str() == "SCAN f"
                        || l.starts_with("SCAN f ")
                        || l.starts_with("SCAN facts")
                })
                .collect();
            if report.params.contains(&"entity") {
                assert!(scans.is_empty(), "{}: {scans:?}\n{lines:#?}", report.name);
            }
        }
    }

    /// What the plans above cannot show: run for one entity, no report steps through
    /// the 20,000 facts of 100 other entities in a full scan (SQLite counts such steps;
    /// the one entity has three conflicting facts; statistics as after ANALYZE).
    #[test]
    fn one_entity_reports_step_through_none_of_the_other_facts() {
        let conn = crate::db::memory();
        conn.execute_batch(
            "INSERT INTO entities (ticker, name, fiscal_year_end) VALUES ('AMZN', 'Amazon', '12-31');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
             INSERT INTO entities (ticker, name, fiscal_year_end)
             SELECT printf('Z%03d', i), 'Other', '12-31' FROM n;
             INSERT INTO sources (slug, publisher, title, kind) VALUES ('s', 'p', 't', 'news');
             INSERT INTO metrics (slug, name, unit_id) VALUES ('capex', 'Capex', 1);
             INSERT INTO periods (kind, start_date, end_date, label, fiscal_year, fiscal_quarter)
                 VALUES ('quarter', '2026-01-01', '2026-03-31', 'Q1 FY2026', 2026, 1);
             INSERT INTO ingest_batches (file_name, content_sha256, file_kind, rows_read,
                 rows_inserted, rows_present, ingested_at)
                 VALUES ('f', printf('%064d', 0), 'facts', 0, 0, 0, 'now');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20003)
             INSERT INTO facts (entity_id, metric_id, period_id, value_int, precision_int, value_text,
                 unit_id, disclosure_type, source_id, published_on, batch_id, line, fact_key)
             SELECT CASE WHEN i <= 3 THEN 1 ELSE 2 + i % 100 END, 1, 1, i, 1, i, 1,
                 'third_party_estimate', 1, '2026-04-01', 1, i, i FROM n;
             ANALYZE;",
        )
        .unwrap();
        // Every report for one entity, and cloud-peers, which reads its three peers only.
        let scoped = all()
            .into_iter()
            .filter(|r| r.params.contains(&"entity") || r.fixed.is_some());
        for report in scoped {
            let mut stmt = for_amazon(&conn, &report, &report.run_sql());
            let mut rows = stmt.raw_query();
            while rows.next().unwrap().is_some() {}
            drop(rows);
            let steps = stmt.get_status(rusqlite::StatementStatus::FullscanStep);
            assert!(steps < 20_000, "{}: {steps} full-scan steps", report.name);
        }
    }
}
