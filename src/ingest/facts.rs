//! Rows of facts files: every field checked, the value parsed exactly, the period
//! resolved in the entity's fiscal calendar, then appended unless already present.

use super::catalog::{self, Catalog, Keys, Lookups};
use super::reader::{CsvFile, Row};
use super::reference::{known_units, Check};
use super::{FileContext, KeptOnce, RowOutcome, Tally};
use crate::error::{Problem, Result};
use crate::model::FileKind;
use crate::model::{Basis, DisclosureType, Measure, Qualifier};
use crate::parse::ident::dimensions_problem;
use crate::parse::value::{magnitude_problem, parse_precision, parse_value, Number};
use crate::parse::{period::parse_date, FiscalYearEnd, Identifier, ParsedValue, Period};
use rusqlite::types::Value;
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// What makes two facts the same fact: everything but the quote, note, date and the
/// way the value was written (so its precision too).
#[derive(Debug, PartialEq)]
pub(super) struct Identity {
    pub entity_id: i64,
    pub metric_id: i64,
    pub segment: String,
    pub period_id: i64,
    pub measure: Measure,
    pub value: Number,
    pub value_high: Option<Number>,
    pub unit_id: i64,
    pub qualifier: Qualifier,
    pub basis: Basis,
    pub disclosure_type: DisclosureType,
    pub source_id: i64,
    pub concept_id: Option<i64>,
    /// The named hypothetical the fact belongs to ('' for none).
    pub scenario: String,
}

impl Identity {
    /// A stable 64-bit key of the identity: xxh3 of its fields as text, separated by
    /// U+001F (the stored keys depend on exactly these bytes). Hashed piece by piece,
    /// without building the text: this runs once per fact of a bulk load.
    fn key(&self) -> i64 {
        use xxhash_rust::xxh3::Xxh3;
        let mut hash = Xxh3::new();
        let int = |hash: &mut Xxh3, i: i64| hash.update(itoa::Buffer::new().format(i).as_bytes());
        let number = |hash: &mut Xxh3, n: Option<Number>| match n {
            Some(Number::Int(i)) => int(hash, i),
            Some(Number::Real(r)) => hash.update(r.to_string().as_bytes()),
            None => {}
        };
        let sep = |hash: &mut Xxh3| hash.update(b"\x1f");
        int(&mut hash, self.entity_id);
        sep(&mut hash);
        int(&mut hash, self.metric_id);
        sep(&mut hash);
        hash.update(self.segment.as_bytes());
        sep(&mut hash);
        int(&mut hash, self.period_id);
        sep(&mut hash);
        hash.update(self.measure.as_str().as_bytes());
        sep(&mut hash);
        number(&mut hash, Some(self.value));
        sep(&mut hash);
        number(&mut hash, self.value_high);
        sep(&mut hash);
        int(&mut hash, self.unit_id);
        for text in [
            self.qualifier.as_str(),
            self.basis.as_str(),
            self.disclosure_type.as_str(),
        ] {
            sep(&mut hash);
            hash.update(text.as_bytes());
        }
        sep(&mut hash);
        int(&mut hash, self.source_id);
        sep(&mut hash);
        if let Some(concept) = self.concept_id {
            int(&mut hash, concept);
        }
        // Facts stored before scenarios existed keep their keys: only a scenario adds bytes.
        if !self.scenario.is_empty() {
            sep(&mut hash);
            hash.update(self.scenario.as_bytes());
        }
        hash.digest() as i64
    }

    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Identity> {
        Ok(Identity {
            entity_id: r.get(0)?,
            metric_id: r.get(1)?,
            segment: r.get(2)?,
            period_id: r.get(3)?,
            measure: text_enum(r, 4)?,
            value: number(r.get(5)?),
            value_high: match r.get(6)? {
                Value::Null => None,
                v => Some(number(v)),
            },
            unit_id: r.get(7)?,
            qualifier: text_enum(r, 8)?,
            basis: text_enum(r, 9)?,
            disclosure_type: text_enum(r, 10)?,
            source_id: r.get(11)?,
            concept_id: r.get(12)?,
            scenario: r.get(13)?,
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
    /// An XBRL fact's dimensions, `axis=member|...` (None for the others).
    pub dimensions: Option<&'r str>,
}

/// A stored enumerated column (its CHECK constraint admits only known spellings).
fn text_enum<T: std::str::FromStr>(r: &rusqlite::Row, column: usize) -> rusqlite::Result<T> {
    let text: String = r.get(column)?;
    text.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("unknown value {text:?}").into(),
        )
    })
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

/// A facts row that passed every check: ids of reference rows resolved, values exact.
/// Periods and concepts are resolved when it is written (they may be new).
pub(super) struct Checked {
    line: u64,
    entity_id: i64,
    metric_id: i64,
    segment: String,
    period: Period,
    measure: Measure,
    value: Number,
    value_high: Option<Number>,
    precision: Number,
    value_text: String,
    unit: Unit,
    qualifier: Qualifier,
    basis: Basis,
    disclosure_type: DisclosureType,
    source_id: i64,
    published_on: Option<String>,
    quote: Option<String>,
    note: Option<String>,
    concept: Option<String>,
    dimensions: Option<String>,
    scenario: String,
}

/// A fact's unit: one the database knows, or one its first fact declares.
pub(super) enum Unit {
    Known(i64),
    New(String),
}

/// Periods already parsed, by fiscal calendar and text: a facts file names few periods
/// many times over, and parsing one takes longer than finding it.
#[derive(Default)]
pub(super) struct KnownPeriods(HashMap<FiscalYearEnd, HashMap<String, Period>>);

impl KnownPeriods {
    const MAX: usize = 10_000;

    fn parse(&mut self, text: &str, fye: FiscalYearEnd) -> std::result::Result<Period, String> {
        let known = self.0.entry(fye).or_default();
        if let Some(period) = known.get(text) {
            return Ok(period.clone());
        }
        let period = Period::parse(text, fye)?;
        // Bounded: a file of a million different date ranges parses each one.
        if known.len() < Self::MAX {
            known.insert(text.to_string(), period.clone());
        }
        Ok(period)
    }
}

/// Checks one facts row against the reference data, without touching the database.
pub(super) fn check(
    catalog: &Lookups,
    periods: &mut KnownPeriods,
    file: &str,
    row: &Row,
) -> std::result::Result<Checked, Vec<Problem>> {
    let mut check = Check::new(file, row.line);
    let entity = check.required(row, "entity");
    let metric = check.required(row, "metric");
    let period_text = check.required(row, "period");
    let value_text = check.required(row, "value");
    let unit = check.required(row, "unit");
    let disclosure_text = check.required(row, "disclosure_type");
    let source = check.required(row, "source");
    let segment = row.get("segment");
    // Names that cannot be valid say why before they are looked up.
    let named = [
        check.identifier("entity", entity, Identifier::Ticker),
        check.identifier("metric", metric, Identifier::Metric),
        check.identifier("source", source, Identifier::Source),
        check.identifier("unit", unit, Identifier::Unit),
    ];
    let [entity_ok, metric_ok, source_ok, unit_ok] = named;
    check.identifier("segment", segment, Identifier::Segment);

    let entity_known = catalog
        .entities
        .get(entity)
        .map(|e| (e.id, &e.row.fiscal_year_end));
    if entity_known.is_none() && entity_ok && !entity.is_empty() {
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
    let metric_known = catalog.metrics.get(metric).map(|m| (m.id, &m.row.unit));
    if metric_known.is_none() && metric_ok && !metric.is_empty() {
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
        .map(|s| (s.id, &s.row.published_on));
    if source_known.is_none() && source_ok && !source.is_empty() {
        let message =
            catalog::unknown("source", source, catalog.sources.keys().map(String::as_str));
        check.problem("source", source, format!("{message}; sources come from a sources CSV (source,publisher,title,published_on,url,kind)"));
    }
    let measure = check
        .parse("measure", row.get("measure"), |v| v.parse::<Measure>())
        .unwrap_or(Measure::Level);
    let concept = row.opt("concept");
    let fits = |metric_unit: &str| measure.fits_unit(metric, metric_unit, unit, concept.is_some());
    let unit_id = match catalog.units.get(unit) {
        Some(id) => Some(Unit::Known(*id)),
        // A unit new to the database is declared by the fact that uses it when the fact
        // carries its own unit (see `Measure::fits_unit`), as an SEC import declares it:
        // the same rule on both paths.
        None if unit_ok
            && !unit.is_empty()
            && metric_known
                .is_some_and(|(_, metric_unit)| metric_unit != unit && fits(metric_unit)) =>
        {
            Some(Unit::New(unit.to_string()))
        }
        None => {
            if unit_ok && !unit.is_empty() {
                let message = format!(
                    "{}; known units: {}",
                    catalog::unknown("unit", unit, catalog.units.keys().map(String::as_str)),
                    known_units(catalog.units)
                );
                check.problem("unit", unit, message);
            }
            None
        }
    };
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

    let period = match entity_known {
        Some((_, fye)) => {
            let fye = fye.parse().unwrap_or(FiscalYearEnd::DECEMBER);
            check.parse("period", period_text, |v| periods.parse(v, fye))
        }
        None => None,
    };

    let value = check.parse("value", value_text, parse_value);
    let value_high_text = row.get("value_high");
    let value_high = check.parse("value_high", value_high_text, parse_value);
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
    for (column, text, parsed) in [
        ("value", value_text, &value),
        ("value_high", value_high_text, &value_high),
    ] {
        if let Some(message) = parsed
            .as_ref()
            .and_then(|p| magnitude_problem(p.amount, unit))
        {
            check.problem(column, text, message);
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
    if let (Some((_, metric_unit)), Some(_)) = (&metric_known, &unit_id) {
        if !fits(metric_unit) {
            let expected = measure.expected_unit(metric_unit);
            check.problem(
                "unit",
                unit,
                format!("does not fit metric '{metric}' (unit {metric_unit}) with measure {measure}; expected {expected}"),
            );
        }
    }
    check.identifier("concept", concept.unwrap_or(""), Identifier::Concept);
    // The precision a filing gave (`decimals`), which a dump writes: without it, the
    // digits of the value say it.
    let precision_text = row.get("precision");
    let stated_precision = check
        .parse("precision", precision_text, parse_precision)
        .and_then(|p| match Number::from_decimal(p) {
            Ok(n) => Some(n),
            Err(e) => {
                check.problem("precision", precision_text, e);
                None
            }
        });
    let dimensions = row.opt("dimensions");
    if let Some(why) = dimensions.and_then(dimensions_problem) {
        check.problem("dimensions", dimensions.unwrap_or(""), why);
    }
    // A scenario is a hypothetical: never what happened, so never a period's actual.
    let scenario = row.get("scenario");
    if check.identifier("scenario", scenario, Identifier::Scenario)
        && !scenario.is_empty()
        && basis == Basis::Actual
    {
        check.problem(
            "scenario",
            scenario,
            "a scenario is never what happened, so its basis cannot be actual (the default); \
             give the fact's basis (estimate, guidance, target, ...) or leave the scenario empty",
        );
    }
    if !check.problems.is_empty() {
        return Err(check.problems);
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
        return Err(check.problems);
    };
    Ok(Checked {
        line: row.line,
        entity_id,
        metric_id,
        segment: segment.to_string(),
        period,
        measure,
        value,
        value_high: high.map(|(v, _)| v),
        precision: stated_precision.unwrap_or(precision),
        value_text: value_text.to_string(),
        unit: unit_id,
        qualifier,
        basis,
        disclosure_type,
        source_id,
        published_on: published_on.or_else(|| source_date.clone()),
        quote: row.opt("quote").map(str::to_string),
        note: row.opt("note").map(str::to_string),
        concept: concept.map(str::to_string),
        dimensions: dimensions.map(str::to_string),
        scenario: scenario.to_string(),
    })
}

/// Writes a checked row: resolves its period and concept, then appends it.
pub(super) fn write(
    conn: &Connection,
    keys: &mut Keys,
    ctx: &FileContext,
    c: Checked,
) -> Result<RowOutcome> {
    let concept_id = match &c.concept {
        Some(concept) => Some(keys.concept_id(conn, concept, None)?),
        None => None,
    };
    let unit_id = match &c.unit {
        Unit::Known(id) => *id,
        Unit::New(unit) => keys.unit_id(conn, unit)?,
    };
    let fact = NewFact {
        identity: Identity {
            entity_id: c.entity_id,
            metric_id: c.metric_id,
            segment: c.segment,
            period_id: keys.period_id(conn, &c.period)?,
            measure: c.measure,
            value: c.value,
            value_high: c.value_high,
            unit_id,
            qualifier: c.qualifier,
            basis: c.basis,
            disclosure_type: c.disclosure_type,
            source_id: c.source_id,
            concept_id,
            scenario: c.scenario,
        },
        precision: c.precision,
        value_text: &c.value_text,
        published_on: c.published_on,
        quote: c.quote.as_deref(),
        note: c.note.as_deref(),
        dimensions: c.dimensions.as_deref(),
    };
    insert(conn, ctx, c.line, &fact, Check::new(&ctx.name, c.line))
}

/// Rows checked on a second thread pass to the writer in batches of this many.
const BATCH: usize = 512;

/// Ingests a facts file: one thread reads and checks rows while this one writes them
/// (two cores, bounded memory: a few batches in flight). Returns the number of rows.
pub(super) fn ingest_file(
    conn: &Connection,
    catalog: &mut Catalog,
    file: &mut CsvFile,
    ctx: &FileContext,
    tally: &mut Tally,
) -> Result<usize> {
    let (lookups, keys) = catalog.split();
    let reference = &lookups;
    let rows = std::thread::scope(|scope| {
        let (send, receive) =
            std::sync::mpsc::sync_channel::<Vec<std::result::Result<Checked, Vec<Problem>>>>(4);
        let name = ctx.name.clone();
        let reader = scope.spawn(move || {
            let mut rows = 0_usize;
            let mut periods = KnownPeriods::default();
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(row) = file.next_row() {
                rows += 1;
                batch.push(match row {
                    Ok(row) => check(reference, &mut periods, &name, &row),
                    Err(problem) => Err(vec![problem]),
                });
                if batch.len() == BATCH
                    && send
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                {
                    break;
                }
            }
            if !batch.is_empty() {
                let _ = send.send(batch);
            }
            rows
        });
        for batch in receive {
            for checked in batch {
                match checked {
                    Ok(c) => {
                        let outcome = write(conn, keys, ctx, c)?;
                        tally.count(FileKind::Facts, outcome);
                    }
                    Err(problems) => tally.count(FileKind::Facts, RowOutcome::Problems(problems)),
                }
            }
        }
        reader
            .join()
            .map_err(|_| crate::error::Error::Refused("the facts reader thread failed".into()))
    });
    catalog.learn_new_units();
    rows
}

/// Where an ingest writes each fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// Into `facts`, unless a fact with its identity key is stored (the unique index
    /// says so): the row-by-row path.
    Facts,
    /// Appended to `facts` whatever is stored (its indexes dropped: a bulk load, see
    /// bulk.rs); repeats are resolved once every fact is in.
    Append,
    /// Appended to the temporary table `temp.staging` (no index), then inserted into
    /// `facts` in index order once every fact is in (see staged.rs).
    Staging,
}

/// The insert statement: appends a fact unless one with its identity key is stored.
/// During a bulk load (no unique index yet) it appends every fact; duplicates are
/// resolved once the load is in (see bulk.rs).
const INSERT: &str = concat!(
    include_str!("../sql/insert_fact.sql"),
    "ON CONFLICT (entity_id, metric_id, segment, period_id, fact_key) DO NOTHING"
);
const INSERT_ALL: &str = include_str!("../sql/insert_fact.sql");
/// The same statement into the staging table of a staged load (see staged.rs).
static INSERT_STAGED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    INSERT_ALL.replacen("INSERT INTO facts (", "INSERT INTO temp.staging (", 1)
});

/// Appends a fact unless it is already stored; says what happened.
pub(super) fn insert(
    conn: &Connection,
    ctx: &FileContext,
    line: u64,
    fact: &NewFact,
    check: Check,
) -> Result<RowOutcome> {
    let id = &fact.identity;
    let key = id.key();
    let sql = match ctx.target {
        Target::Facts => INSERT,
        Target::Append => INSERT_ALL,
        Target::Staging => INSERT_STAGED.as_str(),
    };
    let inserted = conn.prepare_cached(sql)?.execute(params![
        id.entity_id,
        id.metric_id,
        id.segment,
        id.period_id,
        id.measure.as_str(),
        sql_number(id.value),
        id.value_high.map(sql_number),
        sql_number(fact.precision),
        fact.value_text,
        id.unit_id,
        id.qualifier.as_str(),
        id.basis.as_str(),
        id.disclosure_type.as_str(),
        id.source_id,
        fact.published_on,
        fact.quote,
        fact.note,
        id.concept_id,
        ctx.batch_id,
        line as i64,
        key,
        fact.dimensions,
        id.scenario,
    ])?;
    if inserted == 1 {
        return Ok(RowOutcome::Inserted);
    }
    let stored = conn
        .prepare_cached(&format!(
            "{} WHERE f.entity_id = ?1 AND f.metric_id = ?2 AND f.segment = ?3 \
             AND f.period_id = ?4 AND f.fact_key = ?5",
            include_str!("../sql/fact_origin.sql")
        ))?
        .query_row(
            params![id.entity_id, id.metric_id, id.segment, id.period_id, key],
            Stored::from_row,
        )?;
    Ok(duplicate(ctx, line, id, fact.value_text, &stored, check))
}

/// A stored fact and where it came from.
pub(super) struct Stored {
    pub identity: Identity,
    pub value_text: String,
    pub batch_id: i64,
    pub line: u64,
    pub file: String,
    /// Whether its file was a facts CSV (which must not repeat a fact).
    pub from_csv: bool,
    pub fact_id: i64,
}

impl Stored {
    /// A row of src/sql/fact_origin.sql.
    pub fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Stored> {
        Ok(Stored {
            identity: Identity::from_row(r)?,
            value_text: r.get(14)?,
            batch_id: r.get(15)?,
            line: r.get::<_, i64>(16)? as u64,
            file: r.get(17)?,
            from_csv: r.get::<_, String>(18)? == FileKind::Facts.as_str(),
            fact_id: r.get(19)?,
        })
    }

    /// Fetches a fact by its id.
    pub fn by_id(conn: &Connection, fact_id: i64) -> Result<Stored> {
        Ok(conn
            .prepare_cached(&format!(
                "{} WHERE f.fact_id = ?1",
                include_str!("../sql/fact_origin.sql")
            ))?
            .query_row([fact_id], Stored::from_row)?)
    }
}

/// What a fact with the same identity key as a stored one is: the same fact already
/// present, kept once, repeated by its SEC file, or a problem (the same fact twice in a
/// facts CSV, or a different fact whose key collides).
pub(super) fn duplicate(
    ctx: &FileContext,
    line: u64,
    id: &Identity,
    value_text: &str,
    stored: &Stored,
    mut check: Check,
) -> RowOutcome {
    let (other_file, other_line) = (&stored.file, stored.line);
    if stored.identity != *id {
        check.problem(
            "value",
            value_text,
            format!("fact key collides with a different fact ({other_file} line {other_line}); please report this"),
        );
        return RowOutcome::Problems(check.problems);
    }
    if stored.batch_id == ctx.batch_id && !ctx.errors_on_repeats {
        return RowOutcome::Repeated;
    }
    if stored.batch_id == ctx.batch_id {
        check.problem(
            "value",
            value_text,
            format!("the same fact as line {other_line} of this file (same entity, metric, segment, period, measure, value, unit, qualifier, basis, scenario, disclosure type and source); remove one"),
        );
        return RowOutcome::Problems(check.problems);
    }
    if stored.batch_id >= ctx.first_batch_id {
        return RowOutcome::KeptOnce(KeptOnce {
            fact_id: stored.fact_id,
            kept_at: format!("{other_file}:{other_line}"),
            again_at: format!("{}:{line}", ctx.name),
        });
    }
    RowOutcome::Present
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key as amzdb computed it when facts were first stored (the text, then xxh3):
    /// keys in existing databases were made this way, so `key` must stay equal to it.
    fn key_as_text(id: &Identity) -> i64 {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            id.entity_id,
            id.metric_id,
            id.segment,
            id.period_id,
            id.measure.as_str(),
            id.value,
            id.value_high.map(|v| v.to_string()).unwrap_or_default(),
            id.unit_id,
            id.qualifier.as_str(),
            id.basis.as_str(),
            id.disclosure_type.as_str(),
            id.source_id,
            id.concept_id.map(|c| c.to_string()).unwrap_or_default(),
        );
        xxhash_rust::xxh3::xxh3_64(text.as_bytes()) as i64
    }

    fn base() -> Identity {
        Identity {
            entity_id: 1,
            metric_id: 12,
            segment: String::new(),
            period_id: 40,
            measure: Measure::Level,
            value: Number::Int(44_200_000_000),
            value_high: None,
            unit_id: 1,
            qualifier: Qualifier::Exact,
            basis: Basis::Actual,
            disclosure_type: DisclosureType::Audited,
            source_id: 7,
            concept_id: None,
            scenario: String::new(),
        }
    }

    #[test]
    fn the_key_is_the_hash_of_the_identity_text() {
        let variants = [
            base(),
            Identity {
                segment: "AWS".into(),
                value: Number::Real(0.46),
                concept_id: Some(123),
                ..base()
            },
            Identity {
                measure: Measure::YoyPct,
                value: Number::Int(-77),
                value_high: Some(Number::Real(1e21)),
                qualifier: Qualifier::Range,
                basis: Basis::Guidance,
                disclosure_type: DisclosureType::ThirdPartyEstimate,
                entity_id: i64::MAX,
                source_id: -1,
                ..base()
            },
        ];
        for id in &variants {
            assert_eq!(id.key(), key_as_text(id), "{id:?}");
        }
        // Pinned, so a change to both at once shows too.
        assert_eq!(variants[0].key(), 8_846_432_914_934_969_020);
    }

    #[test]
    fn a_scenario_is_part_of_the_key_and_no_scenario_keeps_the_old_key() {
        let at_scale = Identity {
            basis: Basis::Estimate,
            scenario: "at scale".into(),
            ..base()
        };
        let estimate = Identity {
            basis: Basis::Estimate,
            ..base()
        };
        // Without a scenario, the key is the one stored before scenarios existed.
        assert_eq!(estimate.key(), key_as_text(&estimate));
        assert_ne!(at_scale.key(), estimate.key());
        let other = Identity {
            basis: Basis::Estimate,
            scenario: "margin advantage".into(),
            ..base()
        };
        assert_ne!(other.key(), at_scale.key());
    }
}
