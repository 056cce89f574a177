//! What the database already knows while an ingest runs: entities, sources, metrics,
//! units and periods by their names, so rows are checked without a query each. The
//! ingest updates it as it inserts, so later files see earlier ones.

use crate::error::Result;
use crate::parse::{FiscalYearEnd, Period};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    pub ticker: String,
    pub name: String,
    pub cik: Option<i64>,
    pub fiscal_year_end: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub slug: String,
    pub publisher: String,
    pub title: String,
    pub published_on: Option<String>,
    pub url: Option<String>,
    pub kind: String,
    pub accession: Option<String>,
    pub form: Option<String>,
    /// The ticker of the company whose document it is.
    pub entity: Option<String>,
}

/// A known XBRL concept and the metric it maps to, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ConceptRow {
    pub id: i64,
    pub metric_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub slug: String,
    pub name: String,
    pub unit: String,
    pub description: String,
}

/// A known row and its id.
#[derive(Debug, Clone)]
pub struct Known<T> {
    pub id: i64,
    pub row: T,
}

#[derive(Default)]
pub struct Catalog {
    pub entities: HashMap<String, Known<EntityRow>>,
    pub sources: HashMap<String, Known<SourceRow>>,
    pub metrics: HashMap<String, Known<MetricRow>>,
    pub units: HashMap<String, i64>,
    /// Concepts and periods: inserted as facts need them.
    pub keys: Keys,
}

/// The reference data a facts row is checked against, borrowed apart from the keys so
/// rows can be checked on one thread while another inserts periods and concepts.
pub struct Lookups<'a> {
    pub entities: &'a HashMap<String, Known<EntityRow>>,
    pub sources: &'a HashMap<String, Known<SourceRow>>,
    pub metrics: &'a HashMap<String, Known<MetricRow>>,
    pub units: &'a HashMap<String, i64>,
}

impl Catalog {
    /// The reference data, and the keys to insert into, borrowed separately.
    pub fn split(&mut self) -> (Lookups<'_>, &mut Keys) {
        let Catalog {
            entities,
            sources,
            metrics,
            units,
            keys,
        } = self;
        (
            Lookups {
                entities,
                sources,
                metrics,
                units,
            },
            keys,
        )
    }
}

impl Lookups<'_> {
    /// Why a name is no known entity: the nearest known ticker, and where entities come
    /// from. The same words for a fact's entity and a watch item's.
    pub fn unknown_entity(&self, name: &str) -> String {
        let message = unknown("entity", name, self.entities.keys().map(String::as_str));
        format!("{message}; entities come from an entities CSV (ticker,name,cik,fiscal_year_end)")
    }

    /// Why a name is no known metric, as `unknown_entity` words it.
    pub fn unknown_metric(&self, name: &str) -> String {
        let message = unknown("metric", name, self.metrics.keys().map(String::as_str));
        format!("{message}; metrics come from a metrics CSV (metric,name,unit,description)")
    }

    /// Why a name is no known source, as `unknown_entity` words it.
    pub fn unknown_source(&self, name: &str) -> String {
        let message = unknown("source", name, self.sources.keys().map(String::as_str));
        format!(
            "{message}; sources come from a sources CSV (source,publisher,title,published_on,url,kind)"
        )
    }

    /// Why a name is no known unit, listing the known ones.
    pub fn unknown_unit(&self, name: &str) -> String {
        format!(
            "{}; known units: {}",
            unknown("unit", name, self.units.keys().map(String::as_str)),
            super::reference::known_units(self.units)
        )
    }
}

/// The rows facts point at that an ingest inserts on the fly: concepts and periods.
#[derive(Default)]
pub struct Keys {
    pub concepts: HashMap<String, ConceptRow>,
    periods: HashMap<Period, i64>,
    /// Units a facts file declared (see `facts::Unit`), until the catalog learns them.
    new_units: HashMap<String, i64>,
}

impl Catalog {
    pub fn load(conn: &Connection) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        let mut stmt =
            conn.prepare("SELECT entity_id, ticker, name, cik, fiscal_year_end FROM entities")?;
        let rows = stmt.query_map([], |r| {
            Ok(Known {
                id: r.get(0)?,
                row: EntityRow {
                    ticker: r.get(1)?,
                    name: r.get(2)?,
                    cik: r.get(3)?,
                    fiscal_year_end: r.get(4)?,
                },
            })
        })?;
        for known in rows {
            let known = known?;
            catalog.entities.insert(known.row.ticker.clone(), known);
        }
        let mut stmt = conn.prepare(
            "SELECT s.source_id, s.slug, s.publisher, s.title, s.published_on, s.url, s.kind, \
                    s.accession, s.form, e.ticker \
             FROM sources s LEFT JOIN entities e USING (entity_id)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Known {
                id: r.get(0)?,
                row: SourceRow {
                    slug: r.get(1)?,
                    publisher: r.get(2)?,
                    title: r.get(3)?,
                    published_on: r.get(4)?,
                    url: r.get(5)?,
                    kind: r.get(6)?,
                    accession: r.get(7)?,
                    form: r.get(8)?,
                    entity: r.get(9)?,
                },
            })
        })?;
        for known in rows {
            let known = known?;
            catalog.sources.insert(known.row.slug.clone(), known);
        }
        let mut stmt = conn.prepare(
            "SELECT m.metric_id, m.slug, m.name, u.unit, m.description \
             FROM metrics m JOIN units u USING (unit_id)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Known {
                id: r.get(0)?,
                row: MetricRow {
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    unit: r.get(3)?,
                    description: r.get(4)?,
                },
            })
        })?;
        for known in rows {
            let known = known?;
            catalog.metrics.insert(known.row.slug.clone(), known);
        }
        let mut stmt = conn.prepare(
            "SELECT c.concept, c.concept_id, m.metric_id \
             FROM concepts c LEFT JOIN concept_metrics m USING (concept_id)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ConceptRow {
                    id: r.get(1)?,
                    metric_id: r.get(2)?,
                },
            ))
        })?;
        for row in rows {
            let (concept, known) = row?;
            catalog.keys.concepts.insert(concept, known);
        }
        let mut stmt = conn.prepare("SELECT unit, unit_id FROM units")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (unit, id) = row?;
            catalog.units.insert(unit, id);
        }
        Ok(catalog)
    }

    /// The id of a unit, inserting it the first time (SEC files name their own units).
    pub fn unit_id(&mut self, conn: &Connection, unit: &str, description: &str) -> Result<i64> {
        self.learn_new_units();
        if let Some(id) = self.units.get(unit) {
            return Ok(*id);
        }
        conn.prepare_cached("INSERT INTO units (unit, description) VALUES (?1, ?2)")?
            .execute(params![unit, description])?;
        let id = conn.last_insert_rowid();
        self.units.insert(unit.to_string(), id);
        Ok(id)
    }

    /// Adds the units facts files declared to the units the next files are checked with.
    pub fn learn_new_units(&mut self) {
        self.units.extend(self.keys.new_units.drain());
    }

    /// The fiscal year end of a known entity.
    pub fn fiscal_year_end(&self, ticker: &str) -> Option<FiscalYearEnd> {
        self.entities
            .get(ticker)
            .and_then(|e| e.row.fiscal_year_end.parse().ok())
    }
}

impl Keys {
    /// The id of a period, inserting it the first time it is seen.
    pub fn period_id(&mut self, conn: &Connection, period: &Period) -> Result<i64> {
        if let Some(id) = self.periods.get(period) {
            return Ok(*id);
        }
        let start = period.start.map(|d| d.to_string());
        let end = period.end.to_string();
        let existing: Option<i64> = conn
            .prepare_cached(
                "SELECT period_id FROM periods \
                 WHERE end_date = ?1 AND ifnull(start_date, '') = ifnull(?2, '') AND label = ?3 \
                   AND fiscal_year IS ?4 AND fiscal_quarter IS ?5",
            )?
            .query_row(
                params![
                    end,
                    start,
                    period.label,
                    period.fiscal_year,
                    period.fiscal_quarter
                ],
                |r| r.get(0),
            )
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                conn.prepare_cached(
                    "INSERT INTO periods (kind, start_date, end_date, label, fiscal_year, fiscal_quarter) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    period.kind.as_str(),
                    start,
                    end,
                    period.label,
                    period.fiscal_year,
                    period.fiscal_quarter
                ])?;
                conn.last_insert_rowid()
            }
        };
        self.periods.insert(period.clone(), id);
        Ok(id)
    }

    /// The id of a unit a facts row declares, inserting it the first time it is seen.
    pub fn unit_id(&mut self, conn: &Connection, unit: &str) -> Result<i64> {
        if let Some(id) = self.new_units.get(unit) {
            return Ok(*id);
        }
        conn.prepare_cached("INSERT INTO units (unit, description) VALUES (?1, ?2)")?
            .execute(params![unit, "a unit declared by a fact of a facts file"])?;
        let id = conn.last_insert_rowid();
        self.new_units.insert(unit.to_string(), id);
        Ok(id)
    }

    /// The id of a concept, inserting it (with its label) the first time it is seen.
    pub fn concept_id(
        &mut self,
        conn: &Connection,
        concept: &str,
        label: Option<&str>,
    ) -> Result<i64> {
        if let Some(known) = self.concepts.get(concept) {
            return Ok(known.id);
        }
        conn.prepare_cached("INSERT INTO concepts (concept, label) VALUES (?1, ?2)")?
            .execute(params![concept, label])?;
        let id = conn.last_insert_rowid();
        self.concepts.insert(
            concept.to_string(),
            ConceptRow {
                id,
                metric_id: None,
            },
        );
        Ok(id)
    }
}

/// The closest of `known` to `wanted`, if one is close enough to be a likely typo.
pub fn nearest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    known
        .map(|k| {
            (
                strsim::damerau_levenshtein(&wanted_lower, &k.to_lowercase()),
                k,
            )
        })
        .filter(|(d, k)| *d <= (k.chars().count().max(wanted.chars().count()) / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

/// "unknown X 'y'; did you mean 'z'?" with the suggestion when there is one.
pub fn unknown<'a>(what: &str, wanted: &str, known: impl Iterator<Item = &'a str>) -> String {
    match nearest(wanted, known) {
        Some(s) => format!("unknown {what}; did you mean '{s}'?"),
        None => format!("unknown {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let known = ["capex", "capex_cash", "revenue", "free_cash_flow"];
        assert_eq!(nearest("capx", known.iter().copied()), Some("capex"));
        assert_eq!(nearest("Revenue", known.iter().copied()), Some("revenue"));
        assert_eq!(
            nearest("free_cashflow", known.iter().copied()),
            Some("free_cash_flow")
        );
        assert_eq!(nearest("headcount", known.iter().copied()), None);
    }
}
