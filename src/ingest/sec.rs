//! Writes what an SEC reader reads: each company becomes (or is matched by CIK to) an
//! entity, each filing a source, each concept a row of its own, and each reported value
//! a fact that cites its filing, stored against the amzdb metric the concept maps to
//! (or a metric named after the concept). Periods come from the facts' own start and end
//! dates in the company's fiscal calendar, never from the filing's fy/fp. A fact's
//! dimensions become its segment through data/segments.csv, or name it verbatim: a
//! dimensional fact is never the company-wide figure.

use super::catalog::{Catalog, EntityRow, Known, MetricRow, SourceRow};
use super::facts::{self, Identity, NewFact};
use super::reference::{self, Check};
use super::{FileContext, RowOutcome, Tally};
use crate::error::{Problem, Problems, Result};
use crate::model::{Basis, DisclosureType, FileKind, Measure, Qualifier};
use crate::parse::period::date_in_range;
use crate::parse::value::{magnitude_problem, Number};
use crate::parse::{FiscalYearEnd, Identifier, Period};
use crate::sec::{Filing, SecFact, SecReader, Skipped};
use chrono::NaiveDate;
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

/// Which amzdb segment each XBRL dimension (axis, member) is: the segments CSV rows
/// ingested so far (data/segments.csv in the bundled dataset); an empty segment marks a
/// member that adds nothing beside a segment axis.
pub(super) struct SegmentMap(HashMap<(String, String), String>);

impl SegmentMap {
    pub fn load(conn: &Connection) -> Result<SegmentMap> {
        let mut stmt = conn.prepare_cached("SELECT axis, member, segment FROM segment_map")?;
        let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
        Ok(SegmentMap(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The segment of a fact with these dimensions: "" for none; the one amzdb segment
    /// they all name when every dimension is in the map (members that add nothing aside);
    /// else the dimensions verbatim, `axis=member|axis=member`, so that a fact is never
    /// stored as a figure it is not (AWS's finance-lease additions are not AWS's
    /// additions).
    pub fn segment_of(&self, dimensions: &[(String, String)]) -> String {
        if dimensions.is_empty() {
            return String::new();
        }
        let mut named: Option<&str> = None;
        let mut mapped = true;
        for (axis, member) in dimensions {
            match self.0.get(&(axis.clone(), member.clone())) {
                None => mapped = false,
                Some(s) if s.is_empty() => {}
                Some(s) => match named {
                    Some(n) if n != s => mapped = false,
                    _ => named = Some(s),
                },
            }
        }
        match named {
            Some(segment) if mapped => segment.to_string(),
            _ => verbatim(dimensions),
        }
    }
}

/// Dimensions as fact_detail shows them: `axis=member|axis=member`, sorted by axis.
fn verbatim(dimensions: &[(String, String)]) -> String {
    dimensions
        .iter()
        .map(|(axis, member)| format!("{axis}={member}"))
        .collect::<Vec<_>>()
        .join("|")
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
    let segments = SegmentMap::load(conn)?;
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
    let mut source_of: HashMap<String, Filed> = HashMap::new();
    // Filings already refused (their company or the filing itself, with a problem said
    // once): their facts are passed over without a second problem each.
    let mut refused: HashSet<String> = HashSet::new();
    for filing in reader.filings() {
        let Some(&(entity_id, fye)) = entity_of_cik.get(&filing.cik) else {
            refused.insert(filing.accession.clone());
            continue;
        };
        let Some((source_id, filed)) = source_for(conn, catalog, filing, entity_id, &name, tally)?
        else {
            refused.insert(filing.accession.clone());
            continue;
        };
        if filed.is_none() {
            tally.summary.undated_filings.push(format!(
                "sec-{}",
                filing.document.as_ref().unwrap_or(&filing.accession)
            ));
        }
        source_of.insert(
            filing.accession.clone(),
            Filed {
                source_id,
                entity_id,
                fye,
                disclosure: disclosure_of(&filing.form),
                filed,
            },
        );
    }
    let mut preparer = Preparer::new(&name, &segments, &source_of, &refused);
    let mut writing = Writing::new(conn, ctx)?;
    // Kept as the tally keeps them (the first `Problems::CAP`, the rest counted), so a
    // file of a million bad rows costs no more memory than one of a hundred. They reach
    // the tally after the facts' own, in file order, as they always have.
    let (skipped, problems) = if pipelined()? {
        pipeline(catalog, reader, preparer, &mut writing, tally)?
    } else {
        let mut problems = Problems::default();
        let mut items = Vec::new();
        let mut each = |fact: SecFact| -> Result<()> {
            preparer.prepare(fact, &mut items);
            for item in items.drain(..) {
                writing.item(catalog, item, tally)?;
            }
            Ok(())
        };
        let skipped = reader.for_each_fact(&mut each, &mut |p| problems.push(p))?;
        (skipped, problems)
    };
    tally.problems(problems);
    tally.skipped += skipped;
    Ok(())
}

/// Whether the reader runs on a thread of its own (`AMZDB_SEC_PIPELINE=on`, the default)
/// or reads and writes on one thread (`off`: the same facts, counts and problems; kept to
/// compare the two).
fn pipelined() -> Result<bool> {
    match std::env::var("AMZDB_SEC_PIPELINE").as_deref() {
        Ok("on") | Err(_) => Ok(true),
        Ok("off") => Ok(false),
        Ok(other) => Err(crate::error::Error::Refused(format!(
            "AMZDB_SEC_PIPELINE is {other:?}; expected on or off"
        ))),
    }
}

/// Facts a reader thread sends at a time (as a facts CSV's reader does); with `IN_FLIGHT`
/// batches queued at most, memory stays bounded whatever the file's size.
const BATCH: usize = 512;
const IN_FLIGHT: usize = 4;

/// Reads (and prepares) facts on a scoped thread while this one resolves their ids and
/// writes them: the reader parses, maps dimensions, checks and converts each fact, which
/// needs no database, and sends them in batches. An error on this side drops the
/// receiving end: the reader's next send fails and it stops.
fn pipeline<'a>(
    catalog: &mut Catalog,
    reader: &mut dyn SecReader,
    mut preparer: Preparer<'a>,
    writing: &mut Writing,
    tally: &mut Tally,
) -> Result<(Skipped, Problems)> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Item<'a>>>(IN_FLIGHT);
        let reading = scope.spawn(move || -> Result<(Skipped, Problems)> {
            let mut problems = Problems::default();
            let mut batch = Vec::with_capacity(BATCH);
            let mut each = |fact: SecFact| -> Result<()> {
                preparer.prepare(fact, &mut batch);
                if batch.len() >= BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    send.send(full).map_err(|_| stopped())?;
                }
                Ok(())
            };
            let skipped = reader.for_each_fact(&mut each, &mut |p| problems.push(p))?;
            if !batch.is_empty() {
                send.send(batch).map_err(|_| stopped())?;
            }
            Ok((skipped, problems))
        });
        for batch in receive {
            for item in batch {
                writing.item(catalog, item, tally)?;
            }
        }
        reading
            .join()
            .map_err(|_| crate::error::Error::Refused("the SEC reader thread failed".into()))?
    })
}

/// The reader thread's send failed: the writing side has stopped, and its error is the
/// one reported (this one is never seen).
fn stopped() -> crate::error::Error {
    crate::error::Error::Refused("the SEC writer stopped".into())
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

/// The source of a filing and its date: the filing already known when the document does not
/// say its date, else a new source (or the same one again); None when refused.
fn source_for(
    conn: &Connection,
    catalog: &mut Catalog,
    filing: &Filing,
    entity_id: i64,
    file: &str,
    tally: &mut Tally,
) -> Result<Option<(i64, Option<String>)>> {
    let entity = catalog
        .entities
        .values()
        .find(|e| e.id == entity_id)
        .map(|e| e.row.clone());
    let Some(entity) = entity else {
        return Ok(None);
    };
    if let Some(Err(message)) = filing.filed.map(date_in_range) {
        tally.problem(
            Problem::file(
                file,
                format!("filing {} ({}): {message}", filing.accession, filing.form),
            )
            .column(
                "filed",
                &filing.filed.map(|d| d.to_string()).unwrap_or_default(),
            ),
        );
        return Ok(None);
    }
    // A document whose accession is unknown is its own source, named after it.
    let accession = filing.document.is_none().then(|| filing.accession.clone());
    let slug = format!(
        "sec-{}",
        filing.document.as_ref().unwrap_or(&filing.accession)
    );
    // The filing already known (from companyfacts, or imported with --filed before):
    // a document that does not say its date is that filing, and takes its date.
    if filing.filed.is_none() {
        if let Some(known) = catalog.sources.get(&slug).filter(|s| {
            s.row.accession == accession
                && s.row.entity.as_deref() == Some(entity.ticker.as_str())
                && s.row.form.as_deref() == Some(filing.form.as_str())
        }) {
            tally.count(FileKind::Sources, RowOutcome::Present);
            return Ok(Some((known.id, known.row.published_on.clone())));
        }
    }
    let filed = filing.filed.map_or_else(
        || "on a date not given".to_string(),
        |d| format!("filed {d}"),
    );
    let row = SourceRow {
        slug: slug.clone(),
        publisher: entity.name.clone(),
        title: match &accession {
            Some(a) => format!("{} {} {filed} (accession {a})", entity.name, filing.form),
            None => format!(
                "{} {} {filed} (document {})",
                entity.name, filing.form, filing.accession
            ),
        },
        published_on: filing.filed.map(|d| d.to_string()),
        url: accession.as_ref().map(|a| edgar_url(filing.cik, a)),
        kind: "filing".into(),
        accession,
        form: Some(filing.form.clone()),
        entity: Some(entity.ticker.clone()),
    };
    let mut check = Check::new(file, 0);
    let outcome = reference::upsert_source(conn, catalog, row, &mut check)?;
    let ok = !matches!(outcome, RowOutcome::Problems(_));
    tally.count(FileKind::Sources, outcome);
    Ok(ok.then(|| {
        (
            catalog.sources[&slug].id,
            filing.filed.map(|d| d.to_string()),
        )
    }))
}

/// The scenario member of a filing's forecast figures.
const FORECAST: (&str, &str) = ("srt:StatementScenarioAxis", "srt:ScenarioForecastMember");

/// A filing the file describes, as its facts are stored: under its source and entity,
/// in the entity's fiscal calendar.
struct Filed {
    source_id: i64,
    entity_id: i64,
    fye: FiscalYearEnd,
    disclosure: DisclosureType,
    /// The filing date, when known.
    filed: Option<String>,
}

/// What the reader thread passes on, in file order: facts, and before a fact the
/// concept, unit or period it is the first to use (numbered in that order, so that the
/// writing side resolves each once and finds it by its number).
enum Item<'a> {
    /// Checked and converted: only its ids remain to be resolved.
    Fact(Prepared<'a>),
    /// A unit first used by the next fact.
    Unit(String),
    /// A concept first used by the next fact, with that fact's label and unit (which
    /// name a metric made for the concept, when it has none).
    Concept {
        concept: String,
        label: Option<String>,
        unit: String,
    },
    /// A period first used by the next fact.
    Period(Period),
    /// Refused by a check: a row with its problem.
    Refused(Vec<Problem>),
    /// Citing a filing the file does not describe: a problem, not a row.
    Unlisted(Problem),
}

/// A fact checked and converted: everything but the ids that need the database.
struct Prepared<'a> {
    line: u64,
    filing: &'a Filed,
    /// Numbers of the concept, unit and period, in order of first use.
    concept: usize,
    unit: usize,
    period: usize,
    value: Number,
    precision: Number,
    value_text: String,
    segment: String,
    dimensions: Option<String>,
    basis: Basis,
    disclosure: DisclosureType,
}

/// The reading side: checks and converts each fact, which needs no database.
struct Preparer<'a> {
    file: &'a str,
    segments: &'a SegmentMap,
    source_of: &'a HashMap<String, Filed>,
    /// Filings refused already: their facts are passed over without a problem each.
    refused: &'a HashSet<String>,
    concepts: HashMap<String, usize>,
    units: HashMap<String, usize>,
    periods: HashMap<(Option<NaiveDate>, NaiveDate, FiscalYearEnd), usize>,
}

impl<'a> Preparer<'a> {
    fn new(
        file: &'a str,
        segments: &'a SegmentMap,
        source_of: &'a HashMap<String, Filed>,
        refused: &'a HashSet<String>,
    ) -> Preparer<'a> {
        Preparer {
            file,
            segments,
            source_of,
            refused,
            concepts: HashMap::new(),
            units: HashMap::new(),
            periods: HashMap::new(),
        }
    }

    /// Checks and converts a fact into `out` (nothing for a fact of a refused filing).
    fn prepare(&mut self, fact: SecFact, out: &mut Vec<Item<'a>>) {
        let Some(filing) = self.source_of.get(&fact.accession) else {
            if !self.refused.contains(&fact.accession) {
                out.push(Item::Unlisted(
                    Problem::file(
                        self.file,
                        format!(
                            "fact #{} cites a filing the file does not describe",
                            fact.line
                        ),
                    )
                    .column("accession", &fact.accession),
                ));
            }
            return;
        };
        match self.convert(fact, filing, out) {
            Ok(prepared) => out.push(Item::Fact(prepared)),
            Err(problem) => out.push(Item::Refused(vec![problem])),
        }
    }

    /// The rules a facts CSV follows, so that whatever is stored here can be dumped and
    /// ingested again; then the fact's amzdb values, its first uses pushed to `out`.
    fn convert(
        &mut self,
        fact: SecFact,
        filing: &'a Filed,
        out: &mut Vec<Item<'a>>,
    ) -> std::result::Result<Prepared<'a>, Problem> {
        let bad_field = |column: &str, value: &str, message: String| {
            Problem::file(
                self.file,
                format!(
                    "{} [{}] in filing {}: {message}",
                    fact.concept, fact.unit, fact.accession
                ),
            )
            .at(fact.line)
            .column(column, value)
        };
        let bad = |message: String| bad_field("val", &fact.value.to_string(), message);
        let unit = unit_name(&fact.unit);
        if let Some(message) = Identifier::Unit.problem(unit) {
            return Err(bad_field("unit", &fact.unit, message));
        }
        for (column, date) in [("start", fact.start), ("end", Some(fact.end))] {
            if let Some(Err(message)) = date.map(date_in_range) {
                return Err(bad_field(
                    column,
                    &date.map(|d| d.to_string()).unwrap_or_default(),
                    message,
                ));
            }
        }
        if let Some(message) = magnitude_problem(fact.value, unit) {
            return Err(bad(message));
        }
        let value = fact.value.normalize();
        // XBRL's `decimals` is the precision (-6: to the million); without it, the digits.
        let precision = match fact.decimals {
            Some(d) if d >= 0 => Decimal::new(1, d.unsigned_abs()),
            Some(d) => crate::sec::ixbrl::scaled(Decimal::ONE, -d).unwrap_or(Decimal::ONE),
            None => Decimal::new(1, value.scale()),
        };
        let (Ok(number), Ok(precision)) =
            (Number::from_decimal(value), Number::from_decimal(precision))
        else {
            return Err(bad("the value does not fit amzdb's exact numbers".into()));
        };
        let segment = self.segments.segment_of(&fact.dimensions);
        if let Some(message) = Identifier::Segment.problem(&segment) {
            return Err(bad_field("segment", &segment, message));
        }
        let dimensions = (!fact.dimensions.is_empty()).then(|| verbatim(&fact.dimensions));
        // A filing's forecast (`srt:StatementScenarioAxis = srt:ScenarioForecastMember`,
        // e.g. the expected effect on next year's net income of a change in useful lives)
        // is the company's outlook, not a line of its statements: guidance, by management.
        let forecast = fact
            .dimensions
            .iter()
            .any(|(axis, member)| axis == FORECAST.0 && member == FORECAST.1);
        let (basis, disclosure) = if forecast {
            (Basis::Guidance, DisclosureType::ManagementCommentary)
        } else {
            (Basis::Actual, filing.disclosure)
        };
        // First uses, in the order the writing side resolves them: the unit (a metric
        // made for a concept is in its unit), the concept, the period.
        let unit_number = match self.units.get(unit) {
            Some(&n) => n,
            None => {
                let n = self.units.len();
                self.units.insert(unit.to_string(), n);
                out.push(Item::Unit(unit.to_string()));
                n
            }
        };
        let concept = match self.concepts.get(&fact.concept) {
            Some(&n) => n,
            None => {
                let n = self.concepts.len();
                self.concepts.insert(fact.concept.clone(), n);
                out.push(Item::Concept {
                    concept: fact.concept,
                    label: fact.label,
                    unit: unit.to_string(),
                });
                n
            }
        };
        let period = match self.periods.get(&(fact.start, fact.end, filing.fye)) {
            Some(&n) => n,
            None => {
                let n = self.periods.len();
                self.periods.insert((fact.start, fact.end, filing.fye), n);
                out.push(Item::Period(Period::from_dates(
                    fact.start, fact.end, filing.fye,
                )));
                n
            }
        };
        Ok(Prepared {
            line: fact.line,
            filing,
            concept,
            unit: unit_number,
            period,
            value: number,
            precision,
            value_text: value.to_string(),
            segment,
            dimensions,
            basis,
            disclosure,
        })
    }
}

/// The writing side: resolves ids (adding the concepts, units, metrics and periods that
/// are new) and writes each fact through one prepared statement.
struct Writing<'c> {
    conn: &'c Connection,
    ctx: &'c FileContext,
    writer: facts::Writer<'c>,
    /// By number, in order of first use: (concept_id, metric_id), unit_id, period_id.
    concepts: Vec<(i64, i64)>,
    units: Vec<i64>,
    periods: Vec<i64>,
}

impl<'c> Writing<'c> {
    fn new(conn: &'c Connection, ctx: &'c FileContext) -> Result<Writing<'c>> {
        Ok(Writing {
            conn,
            ctx,
            writer: facts::Writer::new(conn, ctx.target)?,
            concepts: Vec::new(),
            units: Vec::new(),
            periods: Vec::new(),
        })
    }

    /// Resolves, counts or writes what the reading side passed on.
    fn item(&mut self, catalog: &mut Catalog, item: Item, tally: &mut Tally) -> Result<()> {
        let conn = self.conn;
        match item {
            Item::Fact(fact) => {
                let outcome = self.write(fact)?;
                tally.count(FileKind::Facts, outcome);
            }
            Item::Unit(unit) => {
                let id = catalog.unit_id(conn, &unit, "a unit named in SEC XBRL data")?;
                self.units.push(id);
            }
            Item::Concept {
                concept,
                label,
                unit,
            } => {
                let concept_id = catalog.keys.concept_id(conn, &concept, label.as_deref())?;
                // The fact keeps the unit its filing gave, whatever the metric's unit (a
                // figure in CAD under a metric in USD): a facts CSV row citing its concept
                // may do the same.
                let metric_id = match catalog.keys.concepts[&concept].metric_id {
                    Some(id) => id,
                    None => metric_named_after(conn, catalog, &concept, label, &unit)?,
                };
                self.concepts.push((concept_id, metric_id));
            }
            Item::Period(period) => {
                let id = catalog.keys.period_id(conn, &period)?;
                self.periods.push(id);
            }
            Item::Refused(problems) => {
                tally.count(FileKind::Facts, RowOutcome::Problems(problems));
            }
            Item::Unlisted(problem) => tally.problem(problem),
        }
        Ok(())
    }

    fn write(&mut self, fact: Prepared) -> Result<RowOutcome> {
        let (concept_id, metric_id) = self.concepts[fact.concept];
        let new = NewFact {
            identity: Identity {
                entity_id: fact.filing.entity_id,
                metric_id,
                segment: fact.segment,
                period_id: self.periods[fact.period],
                measure: Measure::Level,
                value: fact.value,
                value_high: None,
                unit_id: self.units[fact.unit],
                qualifier: Qualifier::Exact,
                basis: fact.basis,
                disclosure_type: fact.disclosure,
                source_id: fact.filing.source_id,
                concept_id: Some(concept_id),
                scenario: String::new(),
            },
            precision: fact.precision,
            value_text: &fact.value_text,
            published_on: fact.filing.filed.as_deref(),
            quote: None,
            note: None,
            dimensions: fact.dimensions.as_deref(),
        };
        let check = Check::new(&self.ctx.name, fact.line);
        self.writer.write(self.ctx, fact.line, &new, check)
    }
}

/// A concept with no mapping is its own metric: slug and name from the concept.
fn metric_named_after(
    conn: &Connection,
    catalog: &mut Catalog,
    concept: &str,
    label: Option<String>,
    unit: &str,
) -> Result<i64> {
    if let Some(m) = catalog.metrics.get(concept) {
        return Ok(m.id);
    }
    let row = MetricRow {
        slug: concept.to_string(),
        name: label.unwrap_or_else(|| concept.to_string()),
        unit: unit.to_string(),
        description: format!("XBRL concept {concept} (no amzdb mapping)"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, m)| (a.to_string(), m.to_string()))
            .collect()
    }

    const SEGMENT: &str = "us-gaap:StatementBusinessSegmentsAxis";
    const AWS: &str = "amzn:AmazonWebServicesSegmentMember";

    #[test]
    fn dimensions_become_a_segment_only_when_every_one_is_accounted_for() {
        let conn = crate::db::memory();
        let data = include_str!("../../data/segments.csv");
        let mut csv = csv::Reader::from_reader(data.as_bytes());
        for row in csv.records() {
            let row = row.unwrap();
            conn.execute(
                "INSERT INTO segment_map (axis, member, segment) VALUES (?1, ?2, ?3)",
                params![&row[0], &row[1], &row[2]],
            )
            .unwrap();
        }
        let map = SegmentMap::load(&conn).unwrap();
        assert_eq!(map.segment_of(&[]), "");
        assert_eq!(map.segment_of(&dims(&[(SEGMENT, AWS)])), "AWS");
        assert_eq!(
            map.segment_of(&dims(&[
                (
                    "srt:ConsolidationItemsAxis",
                    "us-gaap:OperatingSegmentsMember"
                ),
                (SEGMENT, AWS)
            ])),
            "AWS"
        );
        assert_eq!(
            map.segment_of(&dims(&[(
                "srt:ProductOrServiceAxis",
                "amzn:AmazonWebServicesMember"
            )])),
            "AWS"
        );
        // AWS's finance-lease additions are not AWS's additions.
        assert_eq!(
            map.segment_of(&dims(&[
                (SEGMENT, AWS),
                (
                    "us-gaap:PropertyPlantAndEquipmentByTypeAxis",
                    "amzn:AssetsHeldUnderFinanceLeasesMember"
                )
            ])),
            "us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember|\
             us-gaap:PropertyPlantAndEquipmentByTypeAxis=amzn:AssetsHeldUnderFinanceLeasesMember"
        );
        // Two segments at once are neither.
        assert_eq!(
            map.segment_of(&dims(&[
                ("srt:ProductOrServiceAxis", "us-gaap:AdvertisingMember"),
                (SEGMENT, AWS)
            ])),
            "srt:ProductOrServiceAxis=us-gaap:AdvertisingMember|\
             us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember"
        );
        // A member that adds nothing, alone, is not the company-wide figure.
        assert_eq!(
            map.segment_of(&dims(&[(
                "srt:ConsolidationItemsAxis",
                "us-gaap:OperatingSegmentsMember"
            )])),
            "srt:ConsolidationItemsAxis=us-gaap:OperatingSegmentsMember"
        );
    }
}
