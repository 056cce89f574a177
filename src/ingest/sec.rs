//! Writes what an SEC reader reads: each company becomes (or is matched by CIK to) an
//! entity, each filing a source, each concept a row of its own, and each reported value
//! a fact that cites its filing, stored against the amzdb metric the concept maps to
//! (or a metric named after the concept). Periods come from the facts' own start and end
//! dates in the company's fiscal calendar, never from the filing's fy/fp.

use super::catalog::{Catalog, EntityRow, Known, MetricRow, SourceRow};
use super::facts::{self, Identity, NewFact};
use super::reference::{self, Check};
use super::{FileContext, RowOutcome, Tally};
use crate::error::{Problem, Problems, Result};
use crate::model::{Basis, DisclosureType, FileKind, Measure, Qualifier};
use crate::parse::period::date_in_range;
use crate::parse::value::{magnitude_problem, Number};
use crate::parse::{FiscalYearEnd, Identifier, Period};
use crate::sec::{Filing, SecFact, SecReader};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// Forms whose financial statements are audited (10-K) or reviewed (10-Q) by the
/// company's auditor, with their amendments; amzdb classes them all as audited.
fn disclosure_of(form: &str) -> DisclosureType {
    let base = form.trim_end_matches("/A");
    if [
        "10-K", "10-Q", "10-KT", "10-QT", "20-F", "40-F", "S-1", "S-4", "10-K405",
    ]
    .contains(&base)
    {
        DisclosureType::Audited
    } else {
        DisclosureType::ManagementCommentary
    }
}

/// The SEC's unit names in amzdb's.
fn unit_name(sec_unit: &str) -> &str {
    match sec_unit {
        "USD/shares" => "USD/share",
        other => other,
    }
}

/// The EDGAR page of a filing.
fn edgar_url(cik: i64, accession: &str) -> String {
    format!(
        "https://www.sec.gov/Archives/edgar/data/{cik}/{}/{accession}-index.htm",
        accession.replace('-', "")
    )
}

pub(super) struct SecOptions<'a> {
    /// The ticker for a company new to the database (one-company files only).
    pub entity: Option<&'a str>,
}

/// Reads every fact of an SEC file into the open transaction.
pub(super) fn ingest(
    conn: &Connection,
    catalog: &mut Catalog,
    reader: &mut dyn SecReader,
    ctx: &FileContext,
    options: &SecOptions,
    tally: &mut Tally,
) -> Result<()> {
    let name = ctx.name.clone();
    let mut entity_of_cik: HashMap<i64, (i64, FiscalYearEnd)> = HashMap::new();
    if options.entity.is_some() && reader.companies().len() != 1 {
        tally.problem(Problem::file(
            &name,
            "--entity names one company, and this file has several",
        ));
        return Ok(());
    }
    for company in reader.companies() {
        let existing = catalog
            .entities
            .values()
            .find(|e| e.row.cik == Some(company.cik))
            .cloned();
        let known = match existing {
            Some(e) => {
                tally.count(FileKind::Entities, RowOutcome::Present);
                e
            }
            None => match entity_for(conn, catalog, company, options.entity, &name, tally)? {
                Some(e) => e,
                None => continue,
            },
        };
        let fye = known
            .row
            .fiscal_year_end
            .parse()
            .unwrap_or(FiscalYearEnd::DECEMBER);
        entity_of_cik.insert(company.cik, (known.id, fye));
    }
    let mut source_of: HashMap<String, (i64, i64, FiscalYearEnd, DisclosureType, String)> =
        HashMap::new();
    // Filings already refused (their company or the filing itself, with a problem said
    // once): their facts are passed over without a second problem each.
    let mut refused: HashSet<String> = HashSet::new();
    for filing in reader.filings() {
        let Some(&(entity_id, fye)) = entity_of_cik.get(&filing.cik) else {
            refused.insert(filing.accession.clone());
            continue;
        };
        let Some(source_id) = source_for(conn, catalog, filing, entity_id, &name, tally)? else {
            refused.insert(filing.accession.clone());
            continue;
        };
        source_of.insert(
            filing.accession.clone(),
            (
                source_id,
                entity_id,
                fye,
                disclosure_of(&filing.form),
                filing.filed.to_string(),
            ),
        );
    }
    let mut each = |fact: SecFact| -> Result<()> {
        let Some((source_id, entity_id, fye, disclosure, filed)) = source_of.get(&fact.accession)
        else {
            if refused.contains(&fact.accession) {
                return Ok(());
            }
            tally.problem(
                Problem::file(
                    &name,
                    format!(
                        "fact #{} cites a filing the file does not describe",
                        fact.line
                    ),
                )
                .column("accession", &fact.accession),
            );
            return Ok(());
        };
        let outcome = write_fact(
            conn,
            catalog,
            ctx,
            &fact,
            *entity_id,
            *source_id,
            *fye,
            *disclosure,
            filed,
        )?;
        tally.count(FileKind::Facts, outcome);
        Ok(())
    };
    // Kept as the tally keeps them (the first `Problems::CAP`, the rest counted), so a
    // file of a million bad rows costs no more memory than one of a hundred.
    let mut problems = Problems::default();
    let skipped = reader.for_each_fact(&mut each, &mut |p| problems.push(p))?;
    tally.problems(problems);
    tally.skipped += skipped.coreg_or_segment + skipped.no_value;
    Ok(())
}

fn entity_for(
    conn: &Connection,
    catalog: &mut Catalog,
    company: &crate::sec::Company,
    ticker: Option<&str>,
    file: &str,
    tally: &mut Tally,
) -> Result<Option<Known<EntityRow>>> {
    let ticker = ticker.map_or_else(|| format!("CIK{}", company.cik), str::to_uppercase);
    if let Some(message) = Identifier::Ticker.problem(&ticker) {
        tally
            .problem(Problem::file(file, format!("--entity: {message}")).column("entity", &ticker));
        return Ok(None);
    }
    if let Some(e) = catalog.entities.get(&ticker).cloned() {
        // A known ticker without a CIK gains this one (it names the same company).
        if e.row.cik.is_none() {
            conn.execute(
                "UPDATE entities SET cik = ?1 WHERE entity_id = ?2",
                params![company.cik, e.id],
            )?;
            let mut e = e;
            e.row.cik = Some(company.cik);
            catalog.entities.insert(ticker, e.clone());
            tally.count(FileKind::Entities, RowOutcome::Inserted);
            return Ok(Some(e));
        }
        tally.problem(Problem::file(
            file,
            format!(
                "--entity {ticker} is CIK {:?} in the database, but this file is CIK {}",
                e.row.cik, company.cik
            ),
        ));
        return Ok(None);
    }
    let Some(fye) = company.fiscal_year_end.clone() else {
        tally.problem(Problem::file(
            file,
            format!(
                "cannot tell the fiscal year end of CIK {} ({}): the file has no annual facts; \
                 ingest an entities CSV row for it first",
                company.cik, company.name
            ),
        ));
        return Ok(None);
    };
    let row = EntityRow {
        ticker: ticker.clone(),
        name: company.name.clone(),
        cik: Some(company.cik),
        fiscal_year_end: fye,
    };
    conn.prepare_cached(
        "INSERT INTO entities (ticker, name, cik, fiscal_year_end) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![row.ticker, row.name, row.cik, row.fiscal_year_end])?;
    let known = Known {
        id: conn.last_insert_rowid(),
        row,
    };
    catalog.entities.insert(ticker, known.clone());
    tally.count(FileKind::Entities, RowOutcome::Inserted);
    Ok(Some(known))
}

fn source_for(
    conn: &Connection,
    catalog: &mut Catalog,
    filing: &Filing,
    entity_id: i64,
    file: &str,
    tally: &mut Tally,
) -> Result<Option<i64>> {
    let entity = catalog
        .entities
        .values()
        .find(|e| e.id == entity_id)
        .map(|e| e.row.clone());
    let Some(entity) = entity else {
        return Ok(None);
    };
    if let Err(message) = date_in_range(filing.filed) {
        tally.problem(
            Problem::file(
                file,
                format!("filing {} ({}): {message}", filing.accession, filing.form),
            )
            .column("filed", &filing.filed.to_string()),
        );
        return Ok(None);
    }
    let slug = format!("sec-{}", filing.accession);
    let row = SourceRow {
        slug: slug.clone(),
        publisher: entity.name.clone(),
        title: format!(
            "{} {} filed {} (accession {})",
            entity.name, filing.form, filing.filed, filing.accession
        ),
        published_on: Some(filing.filed.to_string()),
        url: Some(edgar_url(filing.cik, &filing.accession)),
        kind: "filing".into(),
        accession: Some(filing.accession.clone()),
        form: Some(filing.form.clone()),
        entity: Some(entity.ticker.clone()),
    };
    let mut check = Check::new(file, 0);
    let outcome = reference::upsert_source(conn, catalog, row, &mut check)?;
    let ok = !matches!(outcome, RowOutcome::Problems(_));
    tally.count(FileKind::Sources, outcome);
    Ok(ok.then(|| catalog.sources[&slug].id))
}

#[allow(clippy::too_many_arguments)]
fn write_fact(
    conn: &Connection,
    catalog: &mut Catalog,
    ctx: &FileContext,
    fact: &SecFact,
    entity_id: i64,
    source_id: i64,
    fye: FiscalYearEnd,
    disclosure: DisclosureType,
    filed: &str,
) -> Result<RowOutcome> {
    let bad_field = |column: &str, value: &str, message: String| {
        RowOutcome::Problems(vec![Problem::file(
            &ctx.name,
            format!(
                "{} [{}] in filing {}: {message}",
                fact.concept, fact.unit, fact.accession
            ),
        )
        .at(fact.line)
        .column(column, value)])
    };
    let bad = |message: String| bad_field("val", &fact.value.to_string(), message);
    // The rules a facts CSV follows, so that whatever is stored here can be dumped and
    // ingested again.
    let unit = unit_name(&fact.unit).to_string();
    if let Some(message) = Identifier::Unit.problem(&unit) {
        return Ok(bad_field("unit", &fact.unit, message));
    }
    for (column, date) in [("start", fact.start), ("end", Some(fact.end))] {
        if let Some(Err(message)) = date.map(date_in_range) {
            return Ok(bad_field(
                column,
                &date.map(|d| d.to_string()).unwrap_or_default(),
                message,
            ));
        }
    }
    if let Some(message) = magnitude_problem(fact.value, &unit) {
        return Ok(bad(message));
    }
    let value = fact.value.normalize();
    let (Ok(number), Ok(precision)) = (
        Number::from_decimal(value),
        Number::from_decimal(Decimal::new(1, value.scale())),
    ) else {
        return Ok(bad("the value does not fit amzdb's exact numbers".into()));
    };
    let concept_id = catalog
        .keys
        .concept_id(conn, &fact.concept, fact.label.as_deref())?;
    let unit_id = catalog.unit_id(conn, &unit, "a unit named in SEC XBRL data")?;
    // The fact keeps the unit its filing gave, whatever the metric's unit (a figure in
    // CAD under a metric in USD): a facts CSV row citing its concept may do the same.
    let metric_id = match catalog.keys.concepts[&fact.concept].metric_id {
        Some(id) => id,
        None => metric_named_after(conn, catalog, fact, &unit)?,
    };
    let period = Period::from_dates(fact.start, fact.end, fye);
    let value_text = value.to_string();
    let new = NewFact {
        identity: Identity {
            entity_id,
            metric_id,
            segment: String::new(),
            period_id: catalog.keys.period_id(conn, &period)?,
            measure: Measure::Level,
            value: number,
            value_high: None,
            unit_id,
            qualifier: Qualifier::Exact,
            basis: Basis::Actual,
            disclosure_type: disclosure,
            source_id,
            concept_id: Some(concept_id),
        },
        precision,
        value_text: &value_text,
        published_on: Some(filed.to_string()),
        quote: None,
        note: None,
    };
    facts::insert(conn, ctx, fact.line, &new, Check::new(&ctx.name, fact.line))
}

/// A concept with no mapping is its own metric: slug and name from the concept.
fn metric_named_after(
    conn: &Connection,
    catalog: &mut Catalog,
    fact: &SecFact,
    unit: &str,
) -> Result<i64> {
    if let Some(m) = catalog.metrics.get(&fact.concept) {
        return Ok(m.id);
    }
    let row = MetricRow {
        slug: fact.concept.clone(),
        name: fact.label.clone().unwrap_or_else(|| fact.concept.clone()),
        unit: unit.to_string(),
        description: format!("XBRL concept {} (no amzdb mapping)", fact.concept),
    };
    conn.prepare_cached(
        "INSERT INTO metrics (slug, name, unit_id, description) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        row.slug,
        row.name,
        catalog.units[unit],
        row.description
    ])?;
    let id = conn.last_insert_rowid();
    catalog.metrics.insert(row.slug.clone(), Known { id, row });
    Ok(id)
}
