//! Rows of the reference files: entities, sources and metrics. A row already in the
//! database unchanged is "already present"; one that differs is refused, because amzdb
//! never silently changes what facts point at.

use super::catalog::{self, Catalog, EntityRow, Known, MetricRow, SourceRow};
use super::reader::Row;
use super::RowOutcome;
use crate::error::{Problem, Result};
use crate::model::SourceKind;
use crate::parse::{period::parse_date, FiscalYearEnd, Identifier};
use rusqlite::{params, Connection, OptionalExtension};

/// Collects the problems of one row.
pub(super) struct Check<'a> {
    file: &'a str,
    line: u64,
    pub problems: Vec<Problem>,
}

impl<'a> Check<'a> {
    pub fn new(file: &'a str, line: u64) -> Self {
        Check {
            file,
            line,
            problems: Vec::new(),
        }
    }

    pub fn problem(&mut self, column: &str, value: &str, message: impl Into<String>) {
        self.problems.push(
            Problem::file(self.file, message)
                .at(self.line)
                .column(column, value),
        );
    }

    /// A field that must not be empty.
    pub fn required<'r>(&mut self, row: &'r Row, column: &str) -> &'r str {
        self.nonempty(column, row.get(column))
    }

    /// A field's value that must not be empty.
    pub fn nonempty<'r>(&mut self, column: &str, value: &'r str) -> &'r str {
        if value.is_empty() {
            self.problem(column, value, "required field is empty");
        }
        value
    }

    /// Checks a non-empty identifier against its kind's rule (the same on every input
    /// path); says whether it passed.
    pub fn identifier(&mut self, column: &str, value: &str, kind: Identifier) -> bool {
        if value.is_empty() {
            return true;
        }
        match kind.problem(value) {
            Some(message) => {
                self.problem(column, value, message);
                false
            }
            None => true,
        }
    }

    /// Parses a non-empty field, recording why it does not parse.
    pub fn parse<T>(
        &mut self,
        column: &str,
        value: &str,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        if value.is_empty() {
            return None;
        }
        match parse(value) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(column, value, message);
                None
            }
        }
    }

    pub fn outcome(self, ok: impl FnOnce() -> Result<RowOutcome>) -> Result<RowOutcome> {
        if self.problems.is_empty() {
            ok()
        } else {
            Ok(RowOutcome::Problems(self.problems))
        }
    }
}

fn differs<T: PartialEq + std::fmt::Debug>(
    check: &mut Check,
    what: &str,
    key: &str,
    old: &T,
    new: &T,
    fields: &[(&str, String, String)],
) -> bool {
    if old == new {
        return false;
    }
    let changes: Vec<String> = fields
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(f, a, b)| format!("{f} is {a:?} in the database, {b:?} here"))
        .collect();
    check.problem(
        what,
        key,
        format!(
            "already in the database with other values ({}); amzdb does not change existing {what}s",
            changes.join("; ")
        ),
    );
    true
}

pub(super) fn entity(
    conn: &Connection,
    catalog: &mut Catalog,
    file: &str,
    row: &Row,
) -> Result<RowOutcome> {
    let mut check = Check::new(file, row.line);
    let ticker = check.required(row, "ticker").to_string();
    check.identifier("ticker", &ticker, Identifier::Ticker);
    let name = check.required(row, "name").to_string();
    let fye_text = check.required(row, "fiscal_year_end");
    let fye = check.parse("fiscal_year_end", fye_text, |v| v.parse::<FiscalYearEnd>());
    let cik = check.parse("cik", row.get("cik"), |v| {
        v.parse::<i64>()
            .ok()
            .filter(|c| *c > 0 && *c < 10_000_000_000)
            .ok_or_else(|| {
                "expected a SEC CIK: a positive whole number of up to 10 digits".to_string()
            })
    });
    let new = EntityRow {
        ticker: ticker.clone(),
        name,
        cik,
        fiscal_year_end: fye.map(|f| f.to_string()).unwrap_or_default(),
    };
    if let (Some(cik), true) = (cik, check.problems.is_empty()) {
        if let Some(other) = catalog
            .entities
            .values()
            .find(|e| e.row.cik == Some(cik) && e.row.ticker != ticker)
        {
            check.problem(
                "cik",
                &cik.to_string(),
                format!("CIK already belongs to {}", other.row.ticker),
            );
        }
    }
    if let (Some(old), true) = (catalog.entities.get(&ticker), check.problems.is_empty()) {
        let fields = [
            ("name", old.row.name.clone(), new.name.clone()),
            (
                "cik",
                format!("{:?}", old.row.cik),
                format!("{:?}", new.cik),
            ),
            (
                "fiscal_year_end",
                old.row.fiscal_year_end.clone(),
                new.fiscal_year_end.clone(),
            ),
        ];
        let changed = differs(&mut check, "entity", &ticker, &old.row, &new, &fields);
        if !changed {
            return Ok(RowOutcome::Present);
        }
    }
    check.outcome(|| {
        conn.prepare_cached(
            "INSERT INTO entities (ticker, name, cik, fiscal_year_end) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![new.ticker, new.name, new.cik, new.fiscal_year_end])?;
        catalog.entities.insert(
            ticker,
            Known {
                id: conn.last_insert_rowid(),
                row: new,
            },
        );
        Ok(RowOutcome::Inserted)
    })
}

pub(super) fn source(
    conn: &Connection,
    catalog: &mut Catalog,
    file: &str,
    row: &Row,
) -> Result<RowOutcome> {
    let mut check = Check::new(file, row.line);
    let slug = check.required(row, "source").to_string();
    check.identifier("source", &slug, Identifier::Source);
    let publisher = check.required(row, "publisher").to_string();
    let title = check.required(row, "title").to_string();
    let kind_text = check.required(row, "kind");
    let kind = check.parse("kind", kind_text, |v| v.parse::<SourceKind>());
    let published_on = check.parse("published_on", row.get("published_on"), |v| {
        parse_date(v).map(|d| d.to_string())
    });
    let entity = row.opt("entity").map(str::to_string);
    if let Some(ticker) = &entity {
        if check.identifier("entity", ticker, Identifier::Ticker)
            && !catalog.entities.contains_key(ticker)
        {
            let message = catalog::unknown(
                "entity",
                ticker,
                catalog.entities.keys().map(String::as_str),
            );
            check.problem("entity", ticker, message);
        }
    }
    let accession = row.opt("accession").map(str::to_string);
    if let Some(a) = accession
        .as_deref()
        .filter(|a| !crate::sec::is_accession(a))
    {
        check.problem(
            "accession",
            a,
            "expected an SEC accession number like 0001018724-26-000014",
        );
    }
    let new = SourceRow {
        slug,
        publisher,
        title,
        published_on,
        url: row.opt("url").map(str::to_string),
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        accession,
        form: row.opt("form").map(str::to_string),
        entity,
    };
    if !check.problems.is_empty() {
        return Ok(RowOutcome::Problems(check.problems));
    }
    upsert_source(conn, catalog, new, &mut check)
}

/// Inserts a source, or finds it already present unchanged; a source that exists with
/// other values is a problem (amzdb does not change what facts point at).
pub(super) fn upsert_source(
    conn: &Connection,
    catalog: &mut Catalog,
    new: SourceRow,
    check: &mut Check,
) -> Result<RowOutcome> {
    if let Some(old) = catalog.sources.get(&new.slug) {
        let o = &old.row;
        let fields = [
            ("publisher", o.publisher.clone(), new.publisher.clone()),
            ("title", o.title.clone(), new.title.clone()),
            (
                "published_on",
                format!("{:?}", o.published_on),
                format!("{:?}", new.published_on),
            ),
            ("url", format!("{:?}", o.url), format!("{:?}", new.url)),
            ("kind", o.kind.clone(), new.kind.clone()),
            (
                "accession",
                format!("{:?}", o.accession),
                format!("{:?}", new.accession),
            ),
            ("form", format!("{:?}", o.form), format!("{:?}", new.form)),
            (
                "entity",
                format!("{:?}", o.entity),
                format!("{:?}", new.entity),
            ),
        ];
        let slug = new.slug.clone();
        if differs(check, "source", &slug, &old.row, &new, &fields) {
            return Ok(RowOutcome::Problems(std::mem::take(&mut check.problems)));
        }
        return Ok(RowOutcome::Present);
    }
    let entity_id = new
        .entity
        .as_ref()
        .and_then(|t| catalog.entities.get(t))
        .map(|e| e.id);
    conn.prepare_cached(
        "INSERT INTO sources (slug, publisher, title, published_on, url, kind, accession, form, entity_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        new.slug,
        new.publisher,
        new.title,
        new.published_on,
        new.url,
        new.kind,
        new.accession,
        new.form,
        entity_id
    ])?;
    catalog.sources.insert(
        new.slug.clone(),
        Known {
            id: conn.last_insert_rowid(),
            row: new,
        },
    );
    Ok(RowOutcome::Inserted)
}

/// A row of a concepts file: which amzdb metric an XBRL concept reports.
pub(super) fn concept(
    conn: &Connection,
    catalog: &mut Catalog,
    file: &str,
    row: &Row,
) -> Result<RowOutcome> {
    let mut check = Check::new(file, row.line);
    let concept = check.required(row, "concept").to_string();
    check.identifier("concept", &concept, Identifier::Concept);
    let metric = check.required(row, "metric").to_string();
    let metric_id = catalog.metrics.get(&metric).map(|m| m.id);
    if metric_id.is_none()
        && check.identifier("metric", &metric, Identifier::Metric)
        && !metric.is_empty()
    {
        let message = catalog::unknown(
            "metric",
            &metric,
            catalog.metrics.keys().map(String::as_str),
        );
        check.problem("metric", &metric, message);
    }
    let (Some(metric_id), true) = (metric_id, check.problems.is_empty()) else {
        return Ok(RowOutcome::Problems(check.problems));
    };
    match catalog
        .keys
        .concepts
        .get(&concept)
        .and_then(|c| c.metric_id)
    {
        Some(existing) if existing == metric_id => return Ok(RowOutcome::Present),
        Some(existing) => {
            let other = catalog
                .metrics
                .values()
                .find(|m| m.id == existing)
                .map_or(String::new(), |m| m.row.slug.clone());
            check.problem(
                "metric",
                &metric,
                format!("{concept} already maps to metric '{other}'; amzdb does not change mappings facts were imported with"),
            );
            return Ok(RowOutcome::Problems(check.problems));
        }
        None => {}
    }
    let concept_id = catalog.keys.concept_id(conn, &concept, None)?;
    conn.prepare_cached(
        "INSERT INTO concept_metrics (concept_id, metric_id, note) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![concept_id, metric_id, row.get("note")])?;
    if let Some(known) = catalog.keys.concepts.get_mut(&concept) {
        known.metric_id = Some(metric_id);
    }
    Ok(RowOutcome::Inserted)
}

/// A row of a segments CSV: which amzdb segment an XBRL dimension is. A mapping never
/// changes once made (facts were imported with it).
pub(super) fn segment(conn: &Connection, file: &str, row: &Row) -> Result<RowOutcome> {
    let mut check = Check::new(file, row.line);
    let axis = check.required(row, "axis").to_string();
    check.identifier("axis", &axis, Identifier::Concept);
    let member = check.required(row, "member").to_string();
    check.identifier("member", &member, Identifier::Concept);
    // Empty: the member adds nothing beside a segment axis.
    let segment = row.get("segment").to_string();
    if !segment.is_empty() {
        check.identifier("segment", &segment, Identifier::Segment);
    }
    if !check.problems.is_empty() {
        return Ok(RowOutcome::Problems(check.problems));
    }
    let existing: Option<String> = conn
        .prepare_cached("SELECT segment FROM segment_map WHERE axis = ?1 AND member = ?2")?
        .query_row(params![axis, member], |r| r.get(0))
        .optional()?;
    match existing {
        Some(s) if s == segment => Ok(RowOutcome::Present),
        Some(s) => {
            check.problem(
                "segment",
                &segment,
                format!(
                    "{axis}={member} already maps to segment {s:?}; amzdb does not change \
                     mappings facts were imported with"
                ),
            );
            Ok(RowOutcome::Problems(check.problems))
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO segment_map (axis, member, segment, note) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![axis, member, segment, row.opt("note")])?;
            Ok(RowOutcome::Inserted)
        }
    }
}

pub(super) fn metric(
    conn: &Connection,
    catalog: &mut Catalog,
    file: &str,
    row: &Row,
) -> Result<RowOutcome> {
    let mut check = Check::new(file, row.line);
    let slug = check.required(row, "metric").to_string();
    check.identifier("metric", &slug, Identifier::Metric);
    let name = check.required(row, "name").to_string();
    let unit = check.required(row, "unit").to_string();
    // A unit new to the database is declared by the metric that uses it, as an SEC
    // import declares the units its facts use: the same rule decides on both paths.
    if !catalog.units.contains_key(&unit) && check.identifier("unit", &unit, Identifier::Unit) {
        if let Some(near) = catalog::nearest(&unit, catalog.units.keys().map(String::as_str))
            .filter(|near| near.eq_ignore_ascii_case(&unit))
        {
            check.problem(
                "unit",
                &unit,
                format!("unknown unit; did you mean '{near}'? (units are case-sensitive)"),
            );
        }
    }
    let new = MetricRow {
        slug: slug.clone(),
        name,
        unit,
        description: row.get("description").to_string(),
    };
    if let (Some(old), true) = (catalog.metrics.get(&slug), check.problems.is_empty()) {
        let fields = [
            ("name", old.row.name.clone(), new.name.clone()),
            ("unit", old.row.unit.clone(), new.unit.clone()),
            (
                "description",
                old.row.description.clone(),
                new.description.clone(),
            ),
        ];
        if !differs(&mut check, "metric", &slug, &old.row, &new, &fields) {
            return Ok(RowOutcome::Present);
        }
    }
    check.outcome(|| {
        let unit_id = catalog.unit_id(conn, &new.unit, "a unit declared by a metrics file")?;
        conn.prepare_cached(
            "INSERT INTO metrics (slug, name, unit_id, description) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![new.slug, new.name, unit_id, new.description])?;
        catalog.metrics.insert(
            slug,
            Known {
                id: conn.last_insert_rowid(),
                row: new,
            },
        );
        Ok(RowOutcome::Inserted)
    })
}

pub(super) fn known_units(units: &std::collections::HashMap<String, i64>) -> String {
    let mut units: Vec<&str> = units.keys().map(String::as_str).collect();
    units.sort();
    units.join(", ")
}
