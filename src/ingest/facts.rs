//! Rows of facts files: every field checked, the value parsed exactly, the period
//! resolved in the entity's fiscal calendar, then appended unless already present.

use super::catalog::{Catalog, Keys, Lookups};
use super::reader::{CsvFile, Row};
use super::reference::Check;
use super::{FileContext, KeptOnce, RowOutcome, Tally};
use crate::error::{Problem, Result};
use crate::model::FileKind;
use crate::model::{Basis, DisclosureType, Measure, Qualifier};
use crate::parse::ident::dimensions_problem;
use crate::parse::value::{magnitude_problem, parse_precision, parse_value, Number};
use crate::parse::{period::parse_date, FiscalYearEnd, Identifier, ParsedValue, Period};
use rusqlite::types::Value;
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Statement};
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
    pub published_on: Option<&'r str>,
    pub quote: Option<&'r str>,
    pub note: Option<&'r str>,
    /// An XBRL fact's dimensions, `axis=member|...` (None for the others).
    pub dimensions: Option<&'r str>,
}

/// A stored enumerated column (its CHECK constraint admits only known spellings).
fn text_enum<T: std::str::FromStr>(r: &rusqlite::Row, column: usize) -> rusqlite::Result<T> {
    let text = r.get_ref(column)?.as_str()?;
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

/// Why a value written with a sign (`$50B`, `25%`) cannot be in `unit`, if it cannot:
/// the sign must agree with the unit (a fact's value and a watch item's bounds alike).
pub(super) fn sign_problem(parsed: &ParsedValue, unit: &str) -> Option<String> {
    let symbol = parsed.symbol?;
    (!unit.is_empty() && symbol.unit() != unit).then(|| {
        format!(
            "written in {} but the unit is {unit}; write the number without the sign or fix \
             the unit",
            symbol.unit()
        )
    })
}

/// Why a unit does not fit a metric with a measure (see `Measure::fits_unit`).
pub(super) fn misfit(measure: Measure, metric: &str, metric_unit: &str) -> String {
    format!(
        "does not fit metric '{metric}' (unit {metric_unit}) with measure {measure}; expected {}",
        measure.expected_unit(metric_unit)
    )
}

/// A parsed value as the number stored, or a problem when it cannot be stored exactly.
pub(super) fn exact(
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

/// A facts row that passed every check: ids of reference rows resolved, values exact,
/// its text in its batch's buffer. Periods and concepts are resolved when it is written
/// (they may be new).
pub(super) struct Checked {
    line: u64,
    entity_id: i64,
    metric_id: i64,
    segment: Span,
    period: PeriodRef,
    measure: Measure,
    value: Number,
    value_high: Option<Number>,
    precision: Number,
    value_text: Span,
    unit: Unit,
    qualifier: Qualifier,
    basis: Basis,
    disclosure_type: DisclosureType,
    source_id: i64,
    published_on: Option<Span>,
    quote: Option<Span>,
    note: Option<Span>,
    concept: Option<Span>,
    dimensions: Option<Span>,
    scenario: Span,
}

/// Where a checked row's text is in its batch's buffer.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// Checked rows on their way to the writer, with their text in one buffer: one
/// allocation a batch instead of several a row (freed on the writer's thread, which is
/// the busier one).
pub(super) struct Batch {
    text: String,
    rows: Vec<std::result::Result<Checked, Vec<Problem>>>,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            text: String::with_capacity(BATCH * 128),
            rows: Vec::with_capacity(BATCH),
        }
    }

    fn keep(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        Span {
            start,
            end: self.text.len(),
        }
    }

    fn keep_opt(&mut self, text: Option<&str>) -> Option<Span> {
        text.map(|t| self.keep(t))
    }
}

impl Span {
    /// The span's text in its batch's buffer.
    fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// A fact's unit: one the database knows, or one its first fact declares.
pub(super) enum Unit {
    Known(i64),
    New(String),
}

/// A checked row's period: numbered in the order the file first names it (the writer
/// keeps each number's id in a Vec, so it neither hashes nor clones the period per row).
pub(super) enum PeriodRef {
    /// Named by an earlier row.
    Seen(usize),
    /// Named for the first time: the writer resolves its id.
    First(usize, Period),
    /// Not numbered (a file naming more periods than `KnownPeriods::MAX`).
    Unnumbered(Period),
}

/// A period parsed once, and its number once a checked row has named it.
struct KnownPeriod {
    period: Period,
    number: Option<usize>,
}

/// Periods already parsed, by fiscal calendar and text: a facts file names few periods
/// many times over, and parsing one takes longer than finding it.
#[derive(Default)]
pub(super) struct KnownPeriods {
    known: HashMap<FiscalYearEnd, HashMap<String, KnownPeriod>>,
    numbered: usize,
}

/// A period as `KnownPeriods::parse` found it.
enum Parsed<'p> {
    Known(&'p mut KnownPeriod),
    Unnumbered(Period),
}

impl KnownPeriods {
    const MAX: usize = 10_000;

    /// Parses a period, or finds it parsed (by `KnownPeriods::known`).
    fn parse<'p>(
        known: &'p mut HashMap<FiscalYearEnd, HashMap<String, KnownPeriod>>,
        text: &str,
        fye: FiscalYearEnd,
    ) -> std::result::Result<Parsed<'p>, String> {
        let known = known.entry(fye).or_default();
        if !known.contains_key(text) {
            let period = Period::parse(text, fye)?;
            // Bounded: a file of a million different date ranges parses each one.
            if known.len() >= Self::MAX {
                return Ok(Parsed::Unnumbered(period));
            }
            known.insert(
                text.to_string(),
                KnownPeriod {
                    period,
                    number: None,
                },
            );
        }
        match known.get_mut(text) {
            Some(found) => Ok(Parsed::Known(found)),
            None => Err(format!(
                "not a period; expected {}",
                crate::parse::period::EXPECTED
            )),
        }
    }
}

impl Parsed<'_> {
    /// The period of a row that passed every check, numbered the first time.
    fn reference(self, numbered: &mut usize) -> PeriodRef {
        match self {
            Parsed::Unnumbered(period) => PeriodRef::Unnumbered(period),
            Parsed::Known(KnownPeriod {
                number: Some(n), ..
            }) => PeriodRef::Seen(*n),
            Parsed::Known(known) => {
                let n = *numbered;
                *numbered += 1;
                known.number = Some(n);
                PeriodRef::First(n, known.period.clone())
            }
        }
    }
}

/// Where each column of a facts file is, looked up once per file.
pub(super) struct Columns {
    entity: Option<usize>,
    metric: Option<usize>,
    period: Option<usize>,
    value: Option<usize>,
    unit: Option<usize>,
    disclosure_type: Option<usize>,
    source: Option<usize>,
    segment: Option<usize>,
    measure: Option<usize>,
    value_high: Option<usize>,
    qualifier: Option<usize>,
    basis: Option<usize>,
    published_on: Option<usize>,
    quote: Option<usize>,
    note: Option<usize>,
    concept: Option<usize>,
    precision: Option<usize>,
    dimensions: Option<usize>,
    scenario: Option<usize>,
}

impl Columns {
    pub fn of(file: &CsvFile) -> Columns {
        Columns {
            entity: file.column("entity"),
            metric: file.column("metric"),
            period: file.column("period"),
            value: file.column("value"),
            unit: file.column("unit"),
            disclosure_type: file.column("disclosure_type"),
            source: file.column("source"),
            segment: file.column("segment"),
            measure: file.column("measure"),
            value_high: file.column("value_high"),
            qualifier: file.column("qualifier"),
            basis: file.column("basis"),
            published_on: file.column("published_on"),
            quote: file.column("quote"),
            note: file.column("note"),
            concept: file.column("concept"),
            precision: file.column("precision"),
            dimensions: file.column("dimensions"),
            scenario: file.column("scenario"),
        }
    }
}

/// What a facts file's rows are checked against: the reference data, and which kinds of
/// its names break their identifier rule (a name found there was checked when it was
/// stored, so found names skip the check unless some stored name of that kind fails it,
/// as one stored by an older amzdb might).
pub(super) struct Reference<'a> {
    catalog: &'a Lookups<'a>,
    unchecked: [bool; 4],
}

impl<'a> Reference<'a> {
    pub fn new(catalog: &'a Lookups<'a>) -> Reference<'a> {
        fn fails<'k>(names: impl IntoIterator<Item = &'k String>, kind: Identifier) -> bool {
            names.into_iter().any(|name| kind.problem(name).is_some())
        }
        Reference {
            catalog,
            unchecked: [
                fails(catalog.entities.keys(), Identifier::Ticker),
                fails(catalog.metrics.keys(), Identifier::Metric),
                fails(catalog.sources.keys(), Identifier::Source),
                fails(catalog.units.keys(), Identifier::Unit),
            ],
        }
    }
}

/// Checks one facts row against the reference data, without touching the database;
/// keeps its text in the batch.
pub(super) fn check(
    reference: &Reference,
    columns: &Columns,
    periods: &mut KnownPeriods,
    file: &str,
    row: &Row,
    batch: &mut Batch,
) -> std::result::Result<Checked, Vec<Problem>> {
    let catalog = reference.catalog;
    let mut check = Check::new(file, row.line);
    let at = |c: Option<usize>| row.at(c);
    let entity = check.nonempty("entity", at(columns.entity));
    let metric = check.nonempty("metric", at(columns.metric));
    let period_text = check.nonempty("period", at(columns.period));
    let value_text = check.nonempty("value", at(columns.value));
    let unit = check.nonempty("unit", at(columns.unit));
    let disclosure_text = check.nonempty("disclosure_type", at(columns.disclosure_type));
    let source = check.nonempty("source", at(columns.source));
    let segment = at(columns.segment);
    let entity_found = catalog.entities.get(entity);
    let metric_found = catalog.metrics.get(metric);
    let source_found = catalog.sources.get(source);
    let unit_found = catalog.units.get(unit);
    // Names that cannot be valid say why before they are looked up.
    let mut named = |column, name, kind, found: bool, unchecked: bool| {
        (found && !unchecked) || check.identifier(column, name, kind)
    };
    let checked = reference.unchecked;
    let entity_ok = named(
        "entity",
        entity,
        Identifier::Ticker,
        entity_found.is_some(),
        checked[0],
    );
    let metric_ok = named(
        "metric",
        metric,
        Identifier::Metric,
        metric_found.is_some(),
        checked[1],
    );
    let source_ok = named(
        "source",
        source,
        Identifier::Source,
        source_found.is_some(),
        checked[2],
    );
    let unit_ok = named(
        "unit",
        unit,
        Identifier::Unit,
        unit_found.is_some(),
        checked[3],
    );
    check.identifier("segment", segment, Identifier::Segment);

    let entity_known = entity_found.map(|e| (e.id, &e.row.fiscal_year_end));
    if entity_known.is_none() && entity_ok && !entity.is_empty() {
        check.problem("entity", entity, catalog.unknown_entity(entity));
    }
    let metric_known = metric_found.map(|m| (m.id, &m.row.unit));
    if metric_known.is_none() && metric_ok && !metric.is_empty() {
        check.problem("metric", metric, catalog.unknown_metric(metric));
    }
    let source_known = source_found.map(|s| (s.id, &s.row.published_on));
    if source_known.is_none() && source_ok && !source.is_empty() {
        check.problem("source", source, catalog.unknown_source(source));
    }
    let measure = check
        .parse("measure", at(columns.measure), |v| v.parse::<Measure>())
        .unwrap_or(Measure::Level);
    let concept = Some(at(columns.concept)).filter(|c| !c.is_empty());
    let fits = |metric_unit: &str| measure.fits_unit(metric, metric_unit, unit, concept.is_some());
    let unit_id = match unit_found {
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
                check.problem("unit", unit, catalog.unknown_unit(unit));
            }
            None
        }
    };
    let qualifier = check
        .parse("qualifier", at(columns.qualifier), |v| {
            v.parse::<Qualifier>()
        })
        .unwrap_or(Qualifier::Exact);
    let basis = check
        .parse("basis", at(columns.basis), |v| v.parse::<Basis>())
        .unwrap_or(Basis::Actual);
    let disclosure_type = check.parse("disclosure_type", disclosure_text, |v| {
        v.parse::<DisclosureType>()
    });
    let published_text = at(columns.published_on);
    let published_on = check.parse("published_on", published_text, parse_date);

    let period = match entity_known {
        Some((_, fye)) => {
            let fye = fye.parse().unwrap_or(FiscalYearEnd::DECEMBER);
            check.parse("period", period_text, |v| {
                KnownPeriods::parse(&mut periods.known, v, fye)
            })
        }
        None => None,
    };

    let value = check.parse("value", value_text, parse_value);
    let value_high_text = at(columns.value_high);
    let value_high = check.parse("value_high", value_high_text, parse_value);
    for (column, text, parsed) in [
        ("value", value_text, &value),
        ("value_high", value_high_text, &value_high),
    ] {
        if let Some(message) = parsed.as_ref().and_then(|p| sign_problem(p, unit)) {
            check.problem(column, text, message);
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
            check.problem("unit", unit, misfit(measure, metric, metric_unit));
        }
    }
    check.identifier("concept", concept.unwrap_or(""), Identifier::Concept);
    // The precision a filing gave (`decimals`), which a dump writes: without it, the
    // digits of the value say it.
    let precision_text = at(columns.precision);
    let stated_precision = check
        .parse("precision", precision_text, parse_precision)
        .and_then(|p| match Number::from_decimal(p) {
            Ok(n) => Some(n),
            Err(e) => {
                check.problem("precision", precision_text, e);
                None
            }
        });
    let dimensions = Some(at(columns.dimensions)).filter(|d| !d.is_empty());
    if let Some(why) = dimensions.and_then(dimensions_problem) {
        check.problem("dimensions", dimensions.unwrap_or(""), why);
    }
    // A scenario is a hypothetical: never what happened, so never a period's actual.
    let scenario = at(columns.scenario);
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
    let published_on = match published_on {
        Some(date) => Some(batch.keep(&date.to_string())),
        None => batch.keep_opt(source_date.as_deref()),
    };
    Ok(Checked {
        line: row.line,
        entity_id,
        metric_id,
        segment: batch.keep(segment),
        period: period.reference(&mut periods.numbered),
        measure,
        value,
        value_high: high.map(|(v, _)| v),
        precision: stated_precision.unwrap_or(precision),
        value_text: batch.keep(value_text),
        unit: unit_id,
        qualifier,
        basis,
        disclosure_type,
        source_id,
        published_on,
        quote: batch.keep_opt(Some(at(columns.quote)).filter(|q| !q.is_empty())),
        note: batch.keep_opt(Some(at(columns.note)).filter(|n| !n.is_empty())),
        concept: batch.keep_opt(concept),
        dimensions: batch.keep_opt(dimensions),
        scenario: batch.keep(scenario),
    })
}

/// The ids of the periods a file names, by their numbers (see `PeriodRef`).
#[derive(Default)]
struct PeriodIds(Vec<i64>);

impl PeriodIds {
    fn id(&mut self, conn: &Connection, keys: &mut Keys, period: &PeriodRef) -> Result<i64> {
        let out_of_order = |n: &usize| {
            crate::error::Error::Refused(format!(
                "period number {n} of the file came out of order; please report this"
            ))
        };
        match period {
            PeriodRef::Seen(n) => self.0.get(*n).copied().ok_or_else(|| out_of_order(n)),
            PeriodRef::First(n, period) => {
                if *n != self.0.len() {
                    return Err(out_of_order(n));
                }
                let id = keys.period_id(conn, period)?;
                self.0.push(id);
                Ok(id)
            }
            PeriodRef::Unnumbered(period) => keys.period_id(conn, period),
        }
    }
}

/// Writes a checked row: resolves its period and concept, then appends it.
fn write(
    writer: &mut Writer,
    keys: &mut Keys,
    periods: &mut PeriodIds,
    ctx: &FileContext,
    text: &str,
    c: &Checked,
) -> Result<RowOutcome> {
    let conn = writer.conn;
    let concept_id = match c.concept {
        Some(concept) => Some(keys.concept_id(conn, concept.of(text), None)?),
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
            segment: c.segment.of(text).to_string(),
            period_id: periods.id(conn, keys, &c.period)?,
            measure: c.measure,
            value: c.value,
            value_high: c.value_high,
            unit_id,
            qualifier: c.qualifier,
            basis: c.basis,
            disclosure_type: c.disclosure_type,
            source_id: c.source_id,
            concept_id,
            scenario: c.scenario.of(text).to_string(),
        },
        precision: c.precision,
        value_text: c.value_text.of(text),
        published_on: c.published_on.map(|s| s.of(text)),
        quote: c.quote.map(|s| s.of(text)),
        note: c.note.map(|s| s.of(text)),
        dimensions: c.dimensions.map(|s| s.of(text)),
    };
    writer.write(ctx, c.line, &fact, Check::new(&ctx.name, c.line))
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
    let lookups = &lookups;
    let columns = Columns::of(file);
    let mut writer = Writer::new(conn, ctx.target)?;
    let rows = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(4);
        let name = ctx.name.clone();
        let reader = scope.spawn(move || {
            let reference = Reference::new(lookups);
            let mut rows = 0_usize;
            let mut periods = KnownPeriods::default();
            let mut batch = Batch::new();
            while let Some(row) = file.next_row() {
                rows += 1;
                let checked = match row {
                    Ok(row) => check(&reference, &columns, &mut periods, &name, &row, &mut batch),
                    Err(problem) => Err(vec![problem]),
                };
                batch.rows.push(checked);
                if batch.rows.len() == BATCH
                    && send
                        .send(std::mem::replace(&mut batch, Batch::new()))
                        .is_err()
                {
                    break;
                }
            }
            if !batch.rows.is_empty() {
                let _ = send.send(batch);
            }
            rows
        });
        let mut periods = PeriodIds::default();
        for Batch { text, rows } in receive {
            for checked in rows {
                match checked {
                    Ok(c) => {
                        let outcome = write(&mut writer, keys, &mut periods, ctx, &text, &c)?;
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
    drop(writer);
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

impl Target {
    /// The statement that writes a fact to this target: src/sql/insert_fact.sql, which
    /// `Facts` makes skip a fact whose identity key is stored.
    fn insert_sql(self) -> &'static str {
        match self {
            Target::Facts => INSERT,
            Target::Append => INSERT_ALL,
            Target::Staging => INSERT_STAGED.as_str(),
        }
    }
}

const INSERT: &str = concat!(
    include_str!("../sql/insert_fact.sql"),
    "ON CONFLICT (entity_id, metric_id, segment, period_id, fact_key) DO NOTHING"
);
const INSERT_ALL: &str = include_str!("../sql/insert_fact.sql");
/// The same statement into the staging table of a staged load (see staged.rs).
static INSERT_STAGED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    INSERT_ALL.replacen("INSERT INTO facts (", "INSERT INTO temp.staging (", 1)
});

/// The statements that write facts, prepared once for a run of facts: rusqlite's
/// statement cache hashes and compares a statement's whole text at each use, which per
/// fact cost about a tenth of a load.
pub(crate) struct Writer<'c> {
    conn: &'c Connection,
    insert: CachedStatement<'c>,
    /// Finds the stored fact with a fact's identity key (prepared when first needed).
    stored: Option<CachedStatement<'c>>,
    last: LastBound,
    target: Target,
    /// Whether the last fact was found stored (see `write`).
    expect_stored: bool,
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection, target: Target) -> Result<Writer<'c>> {
        Ok(Writer {
            conn,
            insert: conn.prepare_cached(target.insert_sql())?,
            stored: None,
            last: LastBound::default(),
            target,
            expect_stored: false,
        })
    }

    /// Appends a fact unless it is already stored; says what happened. `check` words
    /// the problem of a fact given twice or a key collision.
    pub fn write(
        &mut self,
        ctx: &FileContext,
        line: u64,
        fact: &NewFact,
        check: Check,
    ) -> Result<RowOutcome> {
        let id = &fact.identity;
        let key = id.key();
        // After a fact found stored, the next is likely stored too (a file given again):
        // one look-up then says so, where an insert refused by the unique index and the
        // same look-up would cost two. The first fact found new goes back to inserting.
        if self.expect_stored && self.target == Target::Facts {
            match self.stored(id, key)? {
                Some(found) => return self.classify(ctx, line, fact, found, check),
                None => self.expect_stored = false,
            }
        }
        let s = &mut self.insert;
        let (value_int, value_real) = typed(Some(id.value));
        let (high_int, high_real) = typed(id.value_high);
        let (precision_int, precision_real) = typed(Some(fact.precision));
        let last = &mut self.last;
        s.raw_bind_parameter(1, id.entity_id)?;
        s.raw_bind_parameter(2, id.metric_id)?;
        last.text(s, 3, Some(&id.segment))?;
        s.raw_bind_parameter(4, id.period_id)?;
        last.spelling(s, 5, id.measure.as_str())?;
        s.raw_bind_parameter(6, value_int)?;
        s.raw_bind_parameter(7, value_real)?;
        last.number(s, 8, high_int.map(Number::Int))?;
        last.number(s, 9, high_real.map(Number::Real))?;
        last.number(s, 10, precision_int.map(Number::Int))?;
        last.number(s, 11, precision_real.map(Number::Real))?;
        s.raw_bind_parameter(12, fact.value_text)?;
        last.number(s, 13, Some(Number::Int(id.unit_id)))?;
        last.spelling(s, 14, id.qualifier.as_str())?;
        last.spelling(s, 15, id.basis.as_str())?;
        last.spelling(s, 16, id.disclosure_type.as_str())?;
        last.number(s, 17, Some(Number::Int(id.source_id)))?;
        last.text(s, 18, fact.published_on)?;
        s.raw_bind_parameter(19, fact.quote)?;
        last.text(s, 20, fact.note)?;
        last.number(s, 21, id.concept_id.map(Number::Int))?;
        last.number(s, 22, Some(Number::Int(ctx.batch_id)))?;
        s.raw_bind_parameter(23, line as i64)?;
        s.raw_bind_parameter(24, key)?;
        last.text(s, 25, fact.dimensions)?;
        last.text(s, 26, Some(&id.scenario))?;
        if s.raw_execute()? == 1 {
            return Ok(RowOutcome::Inserted);
        }
        self.repeat(ctx, line, fact, key, check)
    }

    /// A fact whose identity key is stored: the stored fact's identity is compared on
    /// every column (a key collision is a problem, never a fact present), and its file
    /// and line are read only when a note or problem must name them.
    fn repeat(
        &mut self,
        ctx: &FileContext,
        line: u64,
        fact: &NewFact,
        key: i64,
        check: Check,
    ) -> Result<RowOutcome> {
        self.expect_stored = true;
        match self.stored(&fact.identity, key)? {
            Some(found) => self.classify(ctx, line, fact, found, check),
            None => Err(crate::error::Error::Refused(format!(
                "{}:{line}: the database refused a fact as already stored but has none                  with its identity key; please report this",
                ctx.name
            ))),
        }
    }

    /// The stored fact with a fact's identity key, if any: whether it is the same fact
    /// (every identity column compared), its batch and its id.
    fn stored(&mut self, id: &Identity, key: i64) -> Result<Option<(bool, i64, i64)>> {
        let stmt = match &mut self.stored {
            Some(stmt) => stmt,
            None => self.stored.insert(
                self.conn
                    .prepare_cached(include_str!("../sql/fact_identity.sql"))?,
            ),
        };
        Ok(stmt
            .query_row(
                params![id.entity_id, id.metric_id, id.segment, id.period_id, key],
                |r| {
                    Ok((
                        Identity::from_row(r)? == *id,
                        r.get::<_, i64>(14)?,
                        r.get(15)?,
                    ))
                },
            )
            .optional()?)
    }

    /// What a fact is, given the stored fact with its identity key.
    fn classify(
        &self,
        ctx: &FileContext,
        line: u64,
        fact: &NewFact,
        (same, batch_id, fact_id): (bool, i64, i64),
        check: Check,
    ) -> Result<RowOutcome> {
        if same && batch_id < ctx.first_batch_id {
            return Ok(RowOutcome::Present);
        }
        if same && batch_id == ctx.batch_id && !ctx.errors_on_repeats {
            return Ok(RowOutcome::Repeated);
        }
        let stored = Stored::by_id(self.conn, fact_id)?;
        Ok(duplicate(
            ctx,
            line,
            &fact.identity,
            fact.value_text,
            &stored,
            check,
        ))
    }
}

/// What the parameters that rarely change from one fact to the next (unit, source,
/// batch, basis, the columns mostly empty) were last bound to: a statement keeps its
/// bindings from one execution to the next, and comparing costs less than binding again.
/// Only comparisons that cost next to nothing are made: numbers, the same static text
/// (an enumerated column's spelling), and empty or NULL text.
#[derive(Default)]
struct LastBound {
    /// By parameter number; None: not bound yet.
    numbers: [Option<Option<Number>>; PARAMETERS],
    texts: [Option<Bound>; PARAMETERS],
}

/// A text parameter as last bound, as far as `LastBound` compares it.
#[derive(Clone, Copy, PartialEq)]
enum Bound {
    Null,
    Empty,
    /// A static text by its address and length (the same address and length: the same
    /// bytes).
    Static(*const u8, usize),
    Other,
}

/// The insert's parameters (src/sql/insert_fact.sql), plus the unused ?0.
const PARAMETERS: usize = 27;

impl LastBound {
    fn number(&mut self, s: &mut Statement, i: usize, n: Option<Number>) -> Result<()> {
        let last = &mut self.numbers[i];
        if last.is_some_and(|last| same_number(last, n)) {
            return Ok(());
        }
        match n {
            Some(Number::Int(v)) => s.raw_bind_parameter(i, v)?,
            Some(Number::Real(v)) => s.raw_bind_parameter(i, v)?,
            None => s.raw_bind_parameter(i, rusqlite::types::Null)?,
        }
        *last = Some(n);
        Ok(())
    }

    /// Binds a text that changes from fact to fact, or is empty or NULL.
    fn text(&mut self, s: &mut Statement, i: usize, text: Option<&str>) -> Result<()> {
        let bound = match text {
            None => Bound::Null,
            Some("") => Bound::Empty,
            Some(_) => Bound::Other,
        };
        self.bind(s, i, text, bound)
    }

    /// Binds an enumerated column's spelling (static text: the same spelling is usually
    /// the same address; another address is only bound again).
    fn spelling(&mut self, s: &mut Statement, i: usize, text: &'static str) -> Result<()> {
        self.bind(s, i, Some(text), Bound::Static(text.as_ptr(), text.len()))
    }

    fn bind(
        &mut self,
        s: &mut Statement,
        i: usize,
        text: Option<&str>,
        bound: Bound,
    ) -> Result<()> {
        let last = &mut self.texts[i];
        if bound != Bound::Other && *last == Some(bound) {
            return Ok(());
        }
        s.raw_bind_parameter(i, text)?;
        *last = Some(bound);
        Ok(())
    }
}

/// Whether two bound numbers are the same binding (a REAL by its bits: NaN, -0.0).
fn same_number(a: Option<Number>, b: Option<Number>) -> bool {
    match (a, b) {
        (Some(Number::Real(x)), Some(Number::Real(y))) => x.to_bits() == y.to_bits(),
        (a, b) => a == b,
    }
}

/// A number bound to the typed column of its own type (schema v5): (INTEGER, REAL).
fn typed(n: Option<Number>) -> (Option<i64>, Option<f64>) {
    match n {
        Some(Number::Int(i)) => (Some(i), None),
        Some(Number::Real(r)) => (None, Some(r)),
        None => (None, None),
    }
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
