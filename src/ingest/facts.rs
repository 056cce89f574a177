//! Rows of facts files: every field checked, the value parsed exactly, the period
//! resolved in the entity's fiscal calendar, then appended unless already present.

use super::catalog::{self, Catalog};
use super::reader::Row;
use super::reference::{known_units, Check};
use super::{FileContext, RowOutcome};
use crate::error::Result;
use crate::model::{Basis, DisclosureType, Measure, Qualifier};
use crate::parse::value::{parse_value, Number};
use crate::parse::{period::parse_date, ParsedValue, Period};
use rusqlite::types::Value;
use rusqlite::{params, Connection};

/// What makes two facts the same fact: everything but the quote, note, date and the
/// way the value was written (so its precision too).
#[derive(Debug, PartialEq)]
pub(super) struct Identity {
    pub entity_id: i64,
    pub metric_id: i64,
    pub segment: String,
    pub period_id: i64,
    pub measure: String,
    pub value: Number,
    pub value_high: Option<Number>,
    pub unit_id: i64,
    pub qualifier: String,
    pub basis: String,
    pub disclosure_type: String,
    pub source_id: i64,
    pub concept_id: Option<i64>,
}

impl Identity {
    /// A stable 64-bit key of the identity (xxh3 of its fields, unit-separated).
    fn key(&self) -> i64 {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.entity_id,
            self.metric_id,
            self.segment,
            self.period_id,
            self.measure,
            self.value,
            self.value_high.map(|v| v.to_string()).unwrap_or_default(),
            self.unit_id,
            self.qualifier,
            self.basis,
            self.disclosure_type,
            self.source_id,
            self.concept_id.map(|c| c.to_string()).unwrap_or_default(),
        );
        xxhash_rust::xxh3::xxh3_64(text.as_bytes()) as i64
    }

    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Identity> {
        Ok(Identity {
            entity_id: r.get(0)?,
            metric_id: r.get(1)?,
            segment: r.get(2)?,
            period_id: r.get(3)?,
            measure: r.get(4)?,
            value: number(r.get(5)?),
            value_high: match r.get(6)? {
                Value::Null => None,
                v => Some(number(v)),
            },
            unit_id: r.get(7)?,
            qualifier: r.get(8)?,
            basis: r.get(9)?,
            disclosure_type: r.get(10)?,
            source_id: r.get(11)?,
            concept_id: r.get(12)?,
        })
    }
}

/// A fact ready to insert: ids resolved, values exact.
pub(super) struct NewFact<'r> {
    pub identity: Identity,
    pub precision: Number,
    pub value_text: &'r str,
    pub published_on: Option<String>,
    pub quote: Option<&'r str>,
    pub note: Option<&'r str>,
}

fn number(v: Value) -> Number {
    match v {
        Value::Integer(i) => Number::Int(i),
        Value::Real(r) => Number::Real(r),
        _ => Number::Real(f64::NAN),
    }
}

fn sql_number(n: Number) -> Value {
    match n {
        Number::Int(i) => Value::Integer(i),
        Number::Real(r) => Value::Real(r),
    }
}

fn exact(
    check: &mut Check,
    column: &str,
    text: &str,
    parsed: &ParsedValue,
) -> Option<(Number, Number)> {
    match (
        Number::from_decimal(parsed.amount),
        Number::from_decimal(parsed.precision),
    ) {
        (Ok(v), Ok(p)) => Some((v, p)),
        (Err(e), _) | (_, Err(e)) => {
            check.problem(column, text, e);
            None
        }
    }
}

pub(super) fn fact(
    conn: &Connection,
    catalog: &mut Catalog,
    ctx: &FileContext,
    row: &Row,
) -> Result<RowOutcome> {
    let mut check = Check::new(&ctx.name, row.line);
    let entity = check.required(row, "entity");
    let metric = check.required(row, "metric");
    let period_text = check.required(row, "period");
    let value_text = check.required(row, "value");
    let unit = check.required(row, "unit");
    let disclosure_text = check.required(row, "disclosure_type");
    let source = check.required(row, "source");

    let entity_known = catalog
        .entities
        .get(entity)
        .map(|e| (e.id, e.row.fiscal_year_end.clone()));
    if entity_known.is_none() && !entity.is_empty() {
        let message = catalog::unknown(
            "entity",
            entity,
            catalog.entities.keys().map(String::as_str),
        );
        check.problem(
            "entity",
            entity,
            format!(
                "{message}; entities come from an entities CSV (ticker,name,cik,fiscal_year_end)"
            ),
        );
    }
    let metric_known = catalog
        .metrics
        .get(metric)
        .map(|m| (m.id, m.row.unit.clone()));
    if metric_known.is_none() && !metric.is_empty() {
        let message =
            catalog::unknown("metric", metric, catalog.metrics.keys().map(String::as_str));
        check.problem(
            "metric",
            metric,
            format!("{message}; metrics come from a metrics CSV (metric,name,unit,description)"),
        );
    }
    let source_known = catalog
        .sources
        .get(source)
        .map(|s| (s.id, s.row.published_on.clone()));
    if source_known.is_none() && !source.is_empty() {
        let message =
            catalog::unknown("source", source, catalog.sources.keys().map(String::as_str));
        check.problem("source", source, format!("{message}; sources come from a sources CSV (source,publisher,title,published_on,url,kind)"));
    }
    let unit_id = catalog.units.get(unit).copied();
    if unit_id.is_none() && !unit.is_empty() {
        let message = format!(
            "{}; known units: {}",
            catalog::unknown("unit", unit, catalog.units.keys().map(String::as_str)),
            known_units(catalog)
        );
        check.problem("unit", unit, message);
    }

    let measure = check
        .parse("measure", row.get("measure"), |v| v.parse::<Measure>())
        .unwrap_or(Measure::Level);
    let qualifier = check
        .parse("qualifier", row.get("qualifier"), |v| {
            v.parse::<Qualifier>()
        })
        .unwrap_or(Qualifier::Exact);
    let basis = check
        .parse("basis", row.get("basis"), |v| v.parse::<Basis>())
        .unwrap_or(Basis::Actual);
    let disclosure_type = check.parse("disclosure_type", disclosure_text, |v| {
        v.parse::<DisclosureType>()
    });
    let published_on = check.parse("published_on", row.get("published_on"), |v| {
        parse_date(v).map(|d| d.to_string())
    });

    let period = match &entity_known {
        Some((_, fye)) => {
            let fye = fye.parse().unwrap_or(crate::parse::FiscalYearEnd::DECEMBER);
            check.parse("period", period_text, |v| Period::parse(v, fye))
        }
        None => None,
    };

    let parse = |v: &str| parse_value(v);
    let value = check.parse("value", value_text, parse);
    let value_high_text = row.get("value_high");
    let value_high = check.parse("value_high", value_high_text, parse);
    for (column, text, parsed) in [
        ("value", value_text, &value),
        ("value_high", value_high_text, &value_high),
    ] {
        if let Some(symbol) = parsed.as_ref().and_then(|p| p.symbol) {
            if !unit.is_empty() && symbol.unit() != unit {
                check.problem(column, text, format!("written in {} but the unit is {unit}; write the number without the sign or fix the unit", symbol.unit()));
            }
        }
    }
    let numbers = value
        .as_ref()
        .and_then(|v| exact(&mut check, "value", value_text, v));
    let high = value_high
        .as_ref()
        .and_then(|v| exact(&mut check, "value_high", value_high_text, v));
    match (qualifier, &value, &value_high) {
        (Qualifier::Range, Some(low), Some(high)) if high.amount < low.amount => check.problem(
            "value_high",
            value_high_text,
            format!("is below value {value_text}; a range runs from value up to value_high"),
        ),
        (Qualifier::Range, _, None) if value_high_text.is_empty() => {
            check.problem("value_high", "", "qualifier range needs value_high (the top of the range)")
        }
        (q, _, Some(_)) if q != Qualifier::Range => check.problem(
            "value_high",
            value_high_text,
            "value_high is only for qualifier range; set qualifier to range or leave value_high empty",
        ),
        _ => {}
    }
    if let (Some((_, metric_unit)), Some(_)) = (&metric_known, unit_id) {
        let fits = measure.fits_unit(metric_unit, unit);
        if !fits {
            let expected = measure.expected_unit(metric_unit);
            check.problem(
                "unit",
                unit,
                format!("does not fit metric '{metric}' (unit {metric_unit}) with measure {measure}; expected {expected}"),
            );
        }
    }
    if !check.problems.is_empty() {
        return Ok(RowOutcome::Problems(check.problems));
    }
    let (
        Some((entity_id, _)),
        Some((metric_id, _)),
        Some((source_id, source_date)),
        Some(unit_id),
        Some(period),
        Some((value, precision)),
        Some(disclosure_type),
    ) = (
        entity_known,
        metric_known,
        source_known,
        unit_id,
        period,
        numbers,
        disclosure_type,
    )
    else {
        // Every missing piece was recorded as a problem above; this is only a safeguard.
        check.problem("entity", entity, "incomplete row");
        return Ok(RowOutcome::Problems(check.problems));
    };
    let concept_id = match row.opt("concept") {
        Some(concept) => Some(catalog.concept_id(conn, concept, None)?),
        None => None,
    };
    let fact = NewFact {
        identity: Identity {
            entity_id,
            metric_id,
            segment: row.get("segment").to_string(),
            period_id: catalog.period_id(conn, &period)?,
            measure: measure.as_str().to_string(),
            value,
            value_high: high.map(|(v, _)| v),
            unit_id,
            qualifier: qualifier.as_str().to_string(),
            basis: basis.as_str().to_string(),
            disclosure_type: disclosure_type.as_str().to_string(),
            source_id,
            concept_id,
        },
        precision,
        value_text,
        published_on: published_on.or(source_date),
        quote: row.opt("quote"),
        note: row.opt("note"),
    };
    insert(conn, ctx, row.line, &fact, check)
}

/// Appends a fact unless it is already stored; says what happened.
pub(super) fn insert(
    conn: &Connection,
    ctx: &FileContext,
    line: u64,
    fact: &NewFact,
    mut check: Check,
) -> Result<RowOutcome> {
    let id = &fact.identity;
    let key = id.key();
    let inserted = conn
        .prepare_cached(include_str!("../sql/insert_fact.sql"))?
        .execute(params![
            id.entity_id,
            id.metric_id,
            id.segment,
            id.period_id,
            id.measure,
            sql_number(id.value),
            id.value_high.map(sql_number),
            sql_number(fact.precision),
            fact.value_text,
            id.unit_id,
            id.qualifier,
            id.basis,
            id.disclosure_type,
            id.source_id,
            fact.published_on,
            fact.quote,
            fact.note,
            id.concept_id,
            ctx.batch_id,
            line as i64,
            key,
        ])?;
    if inserted == 1 {
        return Ok(RowOutcome::Inserted);
    }
    let (existing, batch_id, other_line, other_file) = conn
        .prepare_cached(include_str!("../sql/fact_by_key.sql"))?
        .query_row([key], |r| {
            Ok((
                Identity::from_row(r)?,
                r.get::<_, i64>(13)?,
                r.get::<_, i64>(14)?,
                r.get::<_, String>(15)?,
            ))
        })?;
    if existing != *id {
        check.problem(
            "value",
            fact.value_text,
            format!("fact key collides with a different fact ({other_file} line {other_line}); please report this"),
        );
        return Ok(RowOutcome::Problems(check.problems));
    }
    if batch_id == ctx.batch_id && !ctx.errors_on_repeats {
        return Ok(RowOutcome::Repeated);
    }
    if batch_id == ctx.batch_id {
        check.problem(
            "value",
            fact.value_text,
            format!("the same fact as line {other_line} of this file (same entity, metric, segment, period, measure, value, unit, qualifier, basis, disclosure type and source); remove one"),
        );
        return Ok(RowOutcome::Problems(check.problems));
    }
    if batch_id >= ctx.first_batch_id {
        return Ok(RowOutcome::KeptOnce(format!(
            "{}:{line}: the same fact as {other_file}:{other_line}; kept that one",
            ctx.name
        )));
    }
    Ok(RowOutcome::Present)
}
