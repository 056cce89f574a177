//! Rows of watch CSVs: a condition someone set on a future figure (`above` a low bound,
//! `below` a high bound, `between` the two), checked as a fact's row is (the same value
//! parser, unit rule, fiscal calendar and catalog look-ups: see facts.rs), then stored in
//! `watch_items` unless the same item is stored already.

use super::catalog::{Catalog, Known, Lookups};
use super::facts::{exact, misfit, sign_problem};
use super::reader::Row;
use super::reference::Check;
use super::{FileContext, RowOutcome};
use crate::error::Result;
use crate::model::{Condition, Measure};
use crate::parse::value::{magnitude_problem, parse_value, Number};
use crate::parse::{FiscalYearEnd, Identifier, Period};
use rusqlite::{params, Connection};

/// A bound as checked: the number stored, the amount it was parsed to (to compare the
/// two bounds exactly) and the text as written.
struct Bound<'r> {
    number: Number,
    amount: rust_decimal::Decimal,
    text: &'r str,
}

/// Checks one row of a watch CSV and stores its item unless the same item (entity,
/// metric, segment, measure, condition, bounds, unit, first period and source) is
/// stored already, in an earlier ingest or earlier in this one: then it is present.
pub(super) fn item(
    conn: &Connection,
    catalog: &mut Catalog,
    ctx: &FileContext,
    row: &Row,
) -> Result<RowOutcome> {
    let fye = catalog.fiscal_year_end(row.get("entity"));
    let (lookups, keys) = catalog.split();
    let mut check = Check::new(&ctx.name, row.line);
    let entity = check.required(row, "entity");
    let metric = check.required(row, "metric");
    let condition_text = check.required(row, "condition");
    let unit = check.required(row, "unit");
    let from_text = check.required(row, "from_period");
    let source = check.required(row, "source");
    let segment = row.get("segment");
    check.identifier("segment", segment, Identifier::Segment);
    let entity_id = known(&mut check, "entity", entity, Identifier::Ticker, |n| {
        lookups
            .entities
            .get(n)
            .ok_or_else(|| lookups.unknown_entity(n))
    })
    .map(|e| e.id);
    let metric_found = known(&mut check, "metric", metric, Identifier::Metric, |n| {
        lookups
            .metrics
            .get(n)
            .ok_or_else(|| lookups.unknown_metric(n))
    });
    let source_id = known(&mut check, "source", source, Identifier::Source, |n| {
        lookups
            .sources
            .get(n)
            .ok_or_else(|| lookups.unknown_source(n))
    })
    .map(|s| s.id);
    let unit_id = known_unit(&mut check, &lookups, unit);
    let measure = check
        .parse("measure", row.get("measure"), |v| v.parse::<Measure>())
        .unwrap_or(Measure::Level);
    let condition = check.parse("condition", condition_text, |v| v.parse::<Condition>());
    if let (Some(metric_row), Some(_)) = (metric_found, unit_id) {
        let metric_unit = &metric_row.row.unit;
        // A watch item never declares a unit: its metric's and measure's decide it.
        if !measure.fits_unit(metric, metric_unit, unit, false) {
            check.problem("unit", unit, misfit(measure, metric, metric_unit));
        }
    }
    let low = bound(&mut check, "low", row.get("low"), unit);
    let high = bound(&mut check, "high", row.get("high"), unit);
    if let Some(condition) = condition {
        bounds_fit(&mut check, condition, row, &low, &high);
    }
    // The first period, resolved in the entity's fiscal calendar as a fact's period is.
    let from = match entity_id {
        Some(_) => check.parse("from_period", from_text, |v| {
            Period::parse(v, fye.unwrap_or(FiscalYearEnd::DECEMBER))
        }),
        None => None,
    };
    if !check.problems.is_empty() {
        return Ok(RowOutcome::Problems(check.problems));
    }
    let (
        Some(entity_id),
        Some(metric_found),
        Some(source_id),
        Some(unit_id),
        Some(condition),
        Some(from),
    ) = (entity_id, metric_found, source_id, unit_id, condition, from)
    else {
        // Every missing piece was recorded as a problem above; this is only a safeguard.
        check.problem("entity", entity, "incomplete row");
        return Ok(RowOutcome::Problems(check.problems));
    };
    let from_period_id = keys.period_id(conn, &from)?;
    let typed = |b: &Option<Bound>| match b.as_ref().map(|b| b.number) {
        Some(Number::Int(i)) => (Some(i), None),
        Some(Number::Real(r)) => (None, Some(r)),
        None => (None, None),
    };
    let ((low_int, low_real), (high_int, high_real)) = (typed(&low), typed(&high));
    let inserted = conn
        .prepare_cached(include_str!("../sql/insert_watch.sql"))?
        .execute(params![
            entity_id,
            metric_found.id,
            segment,
            measure.as_str(),
            condition.as_str(),
            low_int,
            low_real,
            high_int,
            high_real,
            low.as_ref().map(|b| b.text),
            high.as_ref().map(|b| b.text),
            unit_id,
            from_period_id,
            source_id,
            row.opt("quote"),
            row.opt("note"),
            ctx.batch_id,
            row.line as i64,
        ])?;
    Ok(if inserted == 1 {
        RowOutcome::Inserted
    } else {
        RowOutcome::Present
    })
}

/// A reference row a watch item names: found, or a problem saying why not (a name that
/// breaks its kind's rule says so before it is looked up).
fn known<'c, T>(
    check: &mut Check,
    column: &str,
    name: &str,
    kind: Identifier,
    find: impl FnOnce(&str) -> std::result::Result<&'c Known<T>, String>,
) -> Option<&'c Known<T>> {
    if name.is_empty() {
        return None;
    }
    match find(name) {
        Ok(found) => Some(found),
        Err(message) => {
            if check.identifier(column, name, kind) {
                check.problem(column, name, message);
            }
            None
        }
    }
}

/// The id of a unit the database knows.
fn known_unit(check: &mut Check, lookups: &Lookups, unit: &str) -> Option<i64> {
    if unit.is_empty() {
        return None;
    }
    match lookups.units.get(unit) {
        Some(id) => Some(*id),
        None => {
            if check.identifier("unit", unit, Identifier::Unit) {
                check.problem("unit", unit, lookups.unknown_unit(unit));
            }
            None
        }
    }
}

/// A bound parsed as a fact's value is (`$50B`, `25%`, `-0.5`): its sign agrees with
/// the unit, its size is within amzdb's bounds, and it is stored exactly.
fn bound<'r>(check: &mut Check, column: &str, text: &'r str, unit: &str) -> Option<Bound<'r>> {
    let parsed = check.parse(column, text, |v| {
        parse_value(v).map_err(|e| {
            // Values take `$` and `%` signs only: `-0.5pp` is `-0.5` under unit pp.
            let written = ["pp", "bps", "x"]
                .into_iter()
                .find(|u| *u == unit && v.to_ascii_lowercase().ends_with(u));
            match written {
                Some(u) => format!(
                    "{e}; write {}: the unit column already says {u}",
                    v[..v.len() - u.len()].trim_end()
                ),
                None => e,
            }
        })
    })?;
    let mut fine = true;
    for message in [
        sign_problem(&parsed, unit),
        magnitude_problem(parsed.amount, unit),
    ]
    .into_iter()
    .flatten()
    {
        check.problem(column, text, message);
        fine = false;
    }
    let (number, _) = exact(check, column, text, &parsed)?;
    fine.then_some(Bound {
        number,
        amount: parsed.amount,
        text,
    })
}

/// Each condition has its own bounds: `above` low only, `below` high only, `between`
/// both, low at most high.
fn bounds_fit(
    check: &mut Check,
    condition: Condition,
    row: &Row,
    low: &Option<Bound>,
    high: &Option<Bound>,
) {
    let (low_text, high_text) = (row.get("low"), row.get("high"));
    let meaning = match condition {
        Condition::Above => "above: met when the figure is at least low",
        Condition::Below => "below: met when the figure is at most high",
        Condition::Between => "between: met when low <= the figure <= high",
    };
    if condition.has_low() && low_text.is_empty() {
        check.problem(
            "low",
            "",
            format!("condition {meaning}; give the low bound, such as 25% or $50B"),
        );
    }
    if condition.has_high() && high_text.is_empty() {
        check.problem(
            "high",
            "",
            format!("condition {meaning}; give the high bound, such as 30% or $60B"),
        );
    }
    if !condition.has_low() && !low_text.is_empty() {
        check.problem(
            "low",
            low_text,
            format!(
                "condition {meaning}, so it takes no low bound; leave low empty, or use \
                 between for a range"
            ),
        );
    }
    if !condition.has_high() && !high_text.is_empty() {
        check.problem(
            "high",
            high_text,
            format!(
                "condition {meaning}, so it takes no high bound; leave high empty, or use \
                 between for a range"
            ),
        );
    }
    if let (Condition::Between, Some(low), Some(high)) = (condition, low, high) {
        if high.amount < low.amount {
            check.problem(
                "high",
                high.text,
                format!(
                    "is below low {}; between runs from low up to high (swap them?)",
                    low.text
                ),
            );
        }
    }
}
