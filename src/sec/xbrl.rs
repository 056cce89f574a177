//! XBRL filings: an instance document (`<xbrl>` with contexts, units and facts) and an
//! inline XBRL document (XHTML whose `ix:header` holds the contexts and units and whose
//! `ix:nonFraction` elements tag the figures in place), read by one streaming scanner
//! into the same `SecFact`s as the other SEC readers, dimensions and precision included.
//!
//! A document is read twice, streamed both times: first for its contexts, units and
//! `dei:` cover facts (an inline document lists hidden facts before its contexts), then
//! for its facts. Memory holds the contexts and units, never the facts.

use super::archive::{self, Document};
use super::ixbrl;
use super::{Company, Described, Filing, SecFact, SecReader, Skipped};
use crate::error::{Error, Problem, Result};
use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Which of the two XML forms a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Instance,
    Inline,
}

const INLINE_NS: &str = "http://www.xbrl.org/2013/inlineXBRL";
const INSTANCE_NS: &str = "http://www.xbrl.org/2003/instance";

/// How much of a document `form_of` looks at.
pub const HEAD: usize = 64 * 1024;

/// The form of a file by its first 64 KiB: the inline XBRL namespace makes it inline, the
/// instance namespace alone an instance.
pub fn looks_like(path: &Path) -> Option<Form> {
    if path.is_dir() {
        return None;
    }
    let mut head = Vec::with_capacity(HEAD);
    std::fs::File::open(path)
        .and_then(|f| f.take(HEAD as u64).read_to_end(&mut head))
        .ok()?;
    form_of(&head)
}

/// The form of a document by its first bytes (see `looks_like`).
pub fn form_of(head: &[u8]) -> Option<Form> {
    let text = String::from_utf8_lossy(head);
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        None
    } else if text.contains(INLINE_NS) {
        Some(Form::Inline)
    } else if text.contains(INSTANCE_NS) {
        Some(Form::Instance)
    } else {
        None
    }
}

/// A context: the period and the dimensions (axis -> member, or the typed member's value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub start: Option<NaiveDate>,
    /// None for a `forever` context (no financial period).
    pub end: Option<NaiveDate>,
    pub dimensions: Vec<(String, String)>,
    /// The entity identifier (the CIK for SEC filings).
    pub cik: Option<i64>,
}

/// The contexts and units of a document, by id.
#[derive(Debug, Default)]
pub struct Resources {
    pub contexts: HashMap<String, Context>,
    /// `USD`, `USD/shares`, `shares`, `pure`: measures without their prefixes.
    pub units: HashMap<String, String>,
}

/// One tagged fact as written, before its context and unit are looked up.
#[derive(Debug, Default)]
struct RawFact {
    concept: String,
    id: Option<String>,
    context: String,
    unit: Option<String>,
    decimals: Option<String>,
    scale: Option<String>,
    format: Option<String>,
    negative: bool,
    nil: bool,
    text: String,
    /// Byte offset of its start tag, for messages.
    offset: u64,
    /// How deep it opened, to know which end tag closes it.
    depth: usize,
}

impl RawFact {
    /// Whether its text is read: a figure's (it has a unit) or a cover fact's (`dei:`,
    /// which `open` reads). Other text facts (text blocks of whole notes) are passed
    /// over unread, so a fact costs memory only for what is used of it.
    fn reads_text(&self) -> bool {
        self.unit.is_some() || self.concept.starts_with("dei:")
    }

    /// How messages name it: its id when it has one, and its concept.
    fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("fact {id} ({})", self.concept),
            None => format!("fact {}", self.concept),
        }
    }
}

/// What the user tells about a document that the document does not say.
#[derive(Debug, Default, Clone)]
pub struct DocumentOptions {
    pub accession: Option<String>,
    pub filed: Option<NaiveDate>,
}

pub struct XbrlReader {
    document: Document,
    form: Form,
    /// Standard labels by concept, from the filing's label linkbase when it came with one.
    labels: HashMap<String, String>,
    resources: Resources,
    described: Described,
}

/// The EDGAR accession number in a path, if any: a folder of 18 digits as EDGAR's
/// archive names it (`.../data/1018724/000101872425000004/amzn-20241231.htm`), a zip
/// named so (`000101872425000004.zip`, `000101872425000004-xbrl.zip`), or the dashed form
/// anywhere in a name (`0001018724-25-000004-xbrl.zip`).
pub fn accession_in(path: &Path) -> Option<String> {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .components()
        .rev()
        .find_map(|part| accession_in_name(&part.as_os_str().to_string_lossy()))
}

/// The EDGAR accession number in one file or folder name (see `accession_in`).
pub fn accession_in_name(part: &str) -> Option<String> {
    let stem = part
        .strip_suffix(".zip")
        .map_or(part, |s| s.strip_suffix("-xbrl").unwrap_or(s));
    if stem.len() == 18 && stem.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("{}-{}-{}", &stem[..10], &stem[10..12], &stem[12..]));
    }
    let chars: Vec<char> = part.chars().collect();
    chars.windows(20).find_map(|window| {
        let text: String = window.iter().collect();
        super::is_accession(&text).then_some(text)
    })
}

/// Reads a document's contexts, units and cover facts; every problem found so far (not
/// XML, truncated, no `ix:header`, no CIK) refuses it.
pub fn open(
    path: &Path,
    form: Form,
    options: &DocumentOptions,
) -> Result<std::result::Result<XbrlReader, Vec<Problem>>> {
    open_document(
        Document::File(path.to_path_buf()),
        form,
        options,
        HashMap::new(),
    )
}

/// `open` for a document that may be a zip's entry, with the standard labels of its
/// filing's label linkbase (empty when it has none): facts carry them.
pub fn open_document(
    document: Document,
    form: Form,
    options: &DocumentOptions,
    labels: HashMap<String, String>,
) -> Result<std::result::Result<XbrlReader, Vec<Problem>>> {
    let name = document.name();
    let mut dei: HashMap<String, String> = HashMap::new();
    let scanned = scan(&document, form, Pass::Resources, &mut |fact| {
        if fact.concept.starts_with("dei:") && !fact.nil {
            dei.entry(fact.concept)
                .or_insert_with(|| fact.text.trim().to_string());
        }
        Ok(())
    })?;
    let resources = match scanned {
        Ok(r) => r,
        Err(p) => return Ok(Err(vec![p])),
    };
    let cik = dei
        .get("dei:EntityCentralIndexKey")
        .and_then(|c| c.parse::<i64>().ok())
        .or_else(|| resources.contexts.values().find_map(|c| c.cik));
    let Some(cik) = cik else {
        return Ok(Err(vec![Problem::file(
            &name,
            "names no company: expected a dei:EntityCentralIndexKey fact or contexts whose \
             entity identifier is a CIK",
        )]));
    };
    let Some(form_type) = dei.get("dei:DocumentType").cloned() else {
        return Ok(Err(vec![Problem::file(
            &name,
            "has no dei:DocumentType fact, so the form (10-K, 10-Q, ...) is unknown",
        )]));
    };
    let company = Company {
        cik,
        name: dei
            .get("dei:EntityRegistrantName")
            .cloned()
            .unwrap_or_else(|| format!("CIK {cik}")),
        // `--12-31` in XBRL's gMonthDay form.
        fiscal_year_end: dei
            .get("dei:CurrentFiscalYearEndDate")
            .map(|d| d.trim_start_matches('-').to_string())
            .filter(|d| d.len() == 5),
    };
    let accession = options
        .accession
        .clone()
        .or_else(|| accession_in(document.path()));
    let file_name = document.file_name();
    let filing = Filing {
        accession: accession.clone().unwrap_or_else(|| file_name.clone()),
        document: accession.is_none().then_some(file_name),
        cik,
        form: form_type,
        filed: options.filed,
    };
    Ok(Ok(XbrlReader {
        described: Described {
            name,
            companies: vec![company],
            filings: vec![filing],
        },
        document,
        form,
        labels,
        resources,
    }))
}

impl SecReader for XbrlReader {
    fn described(&self) -> &Described {
        &self.described
    }

    fn for_each_fact(
        &mut self,
        each: &mut dyn FnMut(SecFact) -> Result<()>,
        problem: &mut dyn FnMut(Problem),
    ) -> Result<Skipped> {
        let mut skipped = Skipped::default();
        let mut n = 0_u64;
        let accession = self.described.filings[0].accession.clone();
        let (name, document, resources) = (&self.described.name, &self.document, &self.resources);
        let labels = &self.labels;
        let mut lines: Option<LineStarts> = None;
        let scanned = scan(document, self.form, Pass::Facts, &mut |raw| {
            n += 1;
            // Text facts (no unit) are not figures.
            let Some(unit_ref) = &raw.unit else {
                return Ok(());
            };
            let mut at = |message: String| {
                let (line, column) = lines
                    .get_or_insert_with(|| LineStarts::of(document))
                    .at(raw.offset);
                let mut p = Problem::file(name, message).at(line);
                p.column = Some(format!("character {column}"));
                p
            };
            let Some(context) = resources.contexts.get(&raw.context) else {
                problem(at(format!(
                    "{} cites context {:?}, which the document does not define",
                    raw.label(),
                    raw.context
                )));
                return Ok(());
            };
            let Some(unit) = resources.units.get(unit_ref) else {
                problem(at(format!(
                    "{} (context {}) cites unit {unit_ref:?}, which the document does not \
                     define",
                    raw.label(),
                    raw.context
                )));
                return Ok(());
            };
            if raw.nil {
                skipped.nil += 1;
                return Ok(());
            }
            let Some(end) = context.end else {
                skipped.forever += 1;
                return Ok(());
            };
            let value = match value_of(&raw) {
                Ok(v) => v,
                Err(message) => {
                    problem(at(format!(
                        "{} (context {}): {message}; the text is {:?}",
                        raw.label(),
                        raw.context,
                        raw.text.trim()
                    )));
                    return Ok(());
                }
            };
            let decimals = match raw.decimals.as_deref().map(str::trim) {
                None | Some("INF") => None,
                Some(d) => match d.parse::<i32>() {
                    Ok(d) if d.abs() <= 20 => Some(d),
                    _ => {
                        problem(at(format!(
                            "{}: decimals {d:?} is neither INF nor a whole number",
                            raw.label()
                        )));
                        return Ok(());
                    }
                },
            };
            each(SecFact {
                label: labels.get(&raw.concept).cloned(),
                concept: raw.concept,
                unit: unit.clone(),
                start: context.start,
                end,
                value,
                accession: accession.clone(),
                line: n,
                dimensions: context.dimensions.clone(),
                decimals,
            })
        })?;
        if let Err(p) = scanned {
            // The file changed between the two passes.
            problem(p);
        }
        Ok(skipped)
    }
}

/// A fact's number: its text by its format, times 10^scale, negated by `sign="-"`.
fn value_of(raw: &RawFact) -> std::result::Result<Decimal, String> {
    let text = raw.text.trim();
    let value = if raw.scale.is_none() && raw.format.is_none() {
        // An instance's value (or an inline one written plainly): XML Schema's decimal,
        // which may carry a sign.
        text.parse::<Decimal>().map_err(|_| {
            "expected a number (digits, an optional sign and decimal point)".to_string()
        })?
    } else {
        ixbrl::transform(raw.format.as_deref(), text)?
    };
    let scale = match raw.scale.as_deref().map(str::trim) {
        None => 0,
        Some(s) => s
            .parse::<i32>()
            .map_err(|_| format!("scale {s:?} is not a whole number"))?,
    };
    let value = ixbrl::scaled(value, scale).ok_or_else(|| format!("scale {scale} is too large"))?;
    // `sign="-"` on a dash (fixed-zero) is still zero, not "-0".
    Ok(if raw.negative && !value.is_zero() {
        -value
    } else {
        value
    })
}

/// Where each line of a file begins, read once when a fact needs a message: a file with
/// thousands of bad facts is not read again for each.
struct LineStarts(Vec<u64>);

impl LineStarts {
    fn of(document: &Document) -> LineStarts {
        let mut starts = vec![0_u64];
        // Unreadable now (it was read a moment ago): the message names line 1.
        let _ = document.with_reader(|reader| {
            let mut chunk = [0_u8; 64 * 1024];
            let mut at = 0_u64;
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                for (i, b) in chunk[..n].iter().enumerate() {
                    if *b == b'\n' {
                        starts.push(at + i as u64 + 1);
                    }
                }
                at += n as u64;
            }
            Ok(())
        });
        LineStarts(starts)
    }

    /// The line and column (both from 1) of a byte offset.
    fn at(&self, offset: u64) -> (u64, u64) {
        let line = self.0.partition_point(|&start| start <= offset).max(1);
        (line as u64, offset - self.0[line - 1] + 1)
    }
}

/// The line and column (both from 1) of a byte offset, for a single message.
pub(super) fn line_of(document: &Document, offset: u64) -> (u64, u64) {
    let counted = document.with_reader(|reader| {
        let mut line = 1_u64;
        let mut column = 1_u64;
        let mut chunk = [0_u8; 64 * 1024];
        let mut left = offset as usize;
        while left > 0 {
            let want = left.min(chunk.len());
            let n = match reader.read(&mut chunk[..want]) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for b in &chunk[..n] {
                if *b == b'\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            left -= n;
        }
        Ok((line, column))
    });
    match counted {
        Ok(Ok(at)) => at,
        _ => (0, 0),
    }
}

/// What a context or unit element being read has gathered so far.
#[derive(Default)]
struct Building {
    id: String,
    context: Context,
    /// The dimension of the member being read, if any.
    axis: Option<String>,
    numerator: Vec<String>,
    denominator: Vec<String>,
    in_denominator: bool,
}

fn attribute(e: &BytesStart, key: &[u8]) -> std::result::Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| err.to_string())?;
        if a.key.as_ref() == key {
            return a
                .unescape_value()
                .map(|v| Some(v.into_owned()))
                .map_err(|err| err.to_string());
        }
    }
    Ok(None)
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d").ok()
}

fn strip_prefix(measure: &str) -> &str {
    measure
        .trim()
        .rsplit_once(':')
        .map_or(measure.trim(), |p| p.1)
}

/// Which of the two readings of a document a scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// The first: keeps the contexts and units.
    Resources,
    /// The second, for the facts: the first pass's contexts and units are at hand, so
    /// this one reads them without keeping a second copy (a filing of 50,000 contexts
    /// would hold both at once).
    Facts,
}

/// Streams a document: gathers its contexts and units (in the `Resources` pass) and
/// hands every fact (with its text, when `RawFact::reads_text`) to `fact`.
/// Err(problem) for a document that is not well-formed XML, ends early, or (inline) has
/// no `ix:header`.
fn scan(
    document: &Document,
    form: Form,
    pass: Pass,
    fact: &mut dyn FnMut(RawFact) -> Result<()>,
) -> Result<std::result::Result<Resources, Problem>> {
    let scanned = document
        .with_reader(|r| scan_reader(r, document, form, pass, fact))?
        .and_then(|scanned| scanned);
    // A broken document in a zip may be a damaged zip: say so rather than what the
    // garbled bytes look like.
    Ok(scanned.map_err(|problem| match document.damage() {
        Some(damage) => Problem::file(&document.name(), damage),
        None => problem,
    }))
}

/// `scan` of the document's bytes.
fn scan_reader(
    input: &mut dyn Read,
    document: &Document,
    form: Form,
    pass: Pass,
    fact: &mut dyn FnMut(RawFact) -> Result<()>,
) -> Result<std::result::Result<Resources, Problem>> {
    let name = document.name();
    let mut reader = Reader::from_reader(std::io::BufReader::with_capacity(64 * 1024, input));
    reader.config_mut().check_end_names = true;
    let problem_at = |offset: u64, message: String| {
        let (line, column) = line_of(document, offset);
        let mut p = Problem::file(&name, message).at(line);
        p.column = Some(format!("character {column}"));
        p
    };
    let mut resources = Resources::default();
    let mut buf = Vec::new();
    // Open elements: qualified name and where each began.
    let mut stack: Vec<(String, u64)> = Vec::new();
    let mut header = false;
    let mut resources_depth: Option<usize> = None;
    let mut context: Option<Building> = None;
    let mut unit: Option<Building> = None;
    let mut text = String::new();
    let mut open: Vec<RawFact> = Vec::new();
    let mut exclude: Option<usize> = None;
    loop {
        buf.clear();
        let offset = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(quick_xml::Error::Io(e)) if archive::damage(&e).is_some() => {
                return Ok(Err(Problem::file(&name, e.to_string())));
            }
            Err(e) => {
                let at = reader.error_position();
                return Ok(Err(problem_at(at, format!("not well-formed XML: {e}"))));
            }
        };
        // Text is gathered only for a context or unit being read (and for open facts).
        let building = context.is_some() || unit.is_some();
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let qname = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let depth = stack.len();
                let bad = |err: String| problem_at(offset, format!("<{qname}>: {err}"));
                let get = |key: &[u8]| attribute(e, key).map_err(bad);
                let in_resources = match form {
                    Form::Instance => depth == 1,
                    Form::Inline => resources_depth.is_some(),
                };
                let mut fact_here = None;
                match (form, qname.as_str(), local.as_str()) {
                    (Form::Inline, "ix:header", _) => header = true,
                    (Form::Inline, "ix:resources", _) => resources_depth = Some(depth),
                    (Form::Inline, "ix:exclude", _) if !empty => {
                        exclude.get_or_insert(depth);
                    }
                    (Form::Inline, "ix:nonFraction" | "ix:nonNumeric", _) => {
                        fact_here = Some(qname.as_str() == "ix:nonFraction");
                    }
                    (_, _, "context") if in_resources => {
                        let id = match get(b"id") {
                            Ok(id) => id.unwrap_or_default(),
                            Err(p) => return Ok(Err(p)),
                        };
                        context = Some(Building {
                            id,
                            ..Building::default()
                        });
                    }
                    (_, _, "unit") if in_resources => {
                        let id = match get(b"id") {
                            Ok(id) => id.unwrap_or_default(),
                            Err(p) => return Ok(Err(p)),
                        };
                        unit = Some(Building {
                            id,
                            ..Building::default()
                        });
                    }
                    (_, _, "explicitMember" | "typedMember") if context.is_some() => {
                        let axis = match get(b"dimension") {
                            Ok(a) => a,
                            Err(p) => return Ok(Err(p)),
                        };
                        if let Some(c) = context.as_mut() {
                            c.axis = axis;
                        }
                        text.clear();
                    }
                    (_, _, "unitDenominator") if unit.is_some() => {
                        if let Some(u) = unit.as_mut() {
                            u.in_denominator = true;
                        }
                    }
                    (_, _, "startDate" | "endDate" | "instant" | "identifier" | "measure") => {
                        text.clear()
                    }
                    (Form::Instance, _, _) if depth == 1 => {
                        // A child of <xbrl> with a contextRef is a fact.
                        fact_here = match get(b"contextRef") {
                            Ok(Some(_)) => Some(false),
                            Ok(None) => None,
                            Err(p) => return Ok(Err(p)),
                        };
                    }
                    _ => {}
                }
                if let Some(numeric) = fact_here {
                    // Every attribute in one pass: a fact's id alone can be 300 characters.
                    let read = || -> std::result::Result<RawFact, Problem> {
                        let mut raw = RawFact {
                            concept: match form {
                                Form::Inline => String::new(),
                                Form::Instance => qname.clone(),
                            },
                            offset,
                            depth,
                            ..RawFact::default()
                        };
                        for a in e.attributes() {
                            let a = a.map_err(|err| bad(err.to_string()))?;
                            let value = || {
                                a.unescape_value()
                                    .map(|v| v.into_owned())
                                    .map_err(|err| bad(err.to_string()))
                            };
                            match a.key.as_ref() {
                                b"name" if form == Form::Inline => raw.concept = value()?,
                                b"id" => raw.id = Some(value()?),
                                b"contextRef" => raw.context = value()?,
                                b"unitRef" => raw.unit = Some(value()?),
                                b"decimals" => raw.decimals = Some(value()?),
                                b"scale" => raw.scale = Some(value()?),
                                b"format" => raw.format = Some(value()?),
                                b"sign" => raw.negative = value()? == "-",
                                b"xsi:nil" => raw.nil = value()? == "true",
                                _ => {}
                            }
                        }
                        Ok(raw)
                    };
                    let mut raw = match read() {
                        Ok(raw) => raw,
                        Err(p) => return Ok(Err(p)),
                    };
                    if form == Form::Inline && numeric && raw.unit.is_none() {
                        return Ok(Err(problem_at(
                            offset,
                            format!(
                                "{} has no unitRef (every ix:nonFraction has one)",
                                raw.label()
                            ),
                        )));
                    }
                    if form == Form::Inline && numeric && raw.scale.is_none() {
                        raw.scale = Some("0".into());
                    }
                    if empty {
                        fact(raw)?;
                    } else {
                        open.push(raw);
                    }
                }
                if !empty {
                    stack.push((qname, offset));
                }
            }
            Event::Text(t) => {
                let decoded = t.decode().map_err(|e| {
                    Error::io(
                        &name,
                        std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                    )
                })?;
                add_text(&decoded, &mut text, &mut open, exclude.is_some(), building);
            }
            Event::CData(t) => {
                let decoded = String::from_utf8_lossy(&t).into_owned();
                add_text(&decoded, &mut text, &mut open, exclude.is_some(), building);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let entity = String::from_utf8_lossy(&r).into_owned();
                        match entity.as_str() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            _ => {
                                return Ok(Err(problem_at(
                                    offset,
                                    format!(
                                        "not well-formed XML: the entity &{entity}; is not \
                                         defined (XML knows &amp; &lt; &gt; &quot; &apos; and \
                                         numeric ones such as &#160;)"
                                    ),
                                )))
                            }
                        }
                    }
                    Err(e) => {
                        return Ok(Err(problem_at(offset, format!("not well-formed XML: {e}"))))
                    }
                };
                add_text(&resolved, &mut text, &mut open, exclude.is_some(), building);
            }
            Event::End(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.pop();
                let depth = stack.len();
                if exclude == Some(depth) {
                    exclude = None;
                }
                if resources_depth == Some(depth) {
                    resources_depth = None;
                }
                if open.last().is_some_and(|f| f.depth == depth) {
                    if let Some(raw) = open.pop() {
                        fact(raw)?;
                    }
                    continue;
                }
                if let Some(c) = context.as_mut() {
                    let value = text.trim();
                    match local.as_str() {
                        "startDate" => c.context.start = date(value),
                        "endDate" | "instant" => {
                            let Some(d) = date(value) else {
                                return Ok(Err(problem_at(
                                    offset,
                                    format!(
                                        "context {}: {local} {value:?} is not a date \
                                         (YYYY-MM-DD)",
                                        c.id
                                    ),
                                )));
                            };
                            c.context.end = Some(d);
                        }
                        "identifier" => c.context.cik = value.parse().ok(),
                        "explicitMember" | "typedMember" => {
                            if let Some(axis) = c.axis.take() {
                                c.context.dimensions.push((axis, value.to_string()));
                            }
                        }
                        "context" => {
                            if let Some(mut c) = context.take() {
                                c.context.dimensions.sort();
                                if pass == Pass::Resources {
                                    resources.contexts.insert(c.id, c.context);
                                }
                            }
                        }
                        // A typed member's value is the text of its child element.
                        _ => continue,
                    }
                    text.clear();
                } else if let Some(u) = unit.as_mut() {
                    match local.as_str() {
                        "measure" => {
                            let m = strip_prefix(&text).to_string();
                            if u.in_denominator {
                                u.denominator.push(m);
                            } else {
                                u.numerator.push(m);
                            }
                        }
                        "unit" => {
                            if let Some(u) = unit.take() {
                                let mut name = u.numerator.join("*");
                                if !u.denominator.is_empty() {
                                    name = format!("{name}/{}", u.denominator.join("*"));
                                }
                                if pass == Pass::Resources {
                                    resources.units.insert(u.id, name);
                                }
                            }
                        }
                        _ => {}
                    }
                    text.clear();
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((qname, at)) = stack.last() {
        let (line, column) = line_of(document, *at);
        return Ok(Err(Problem::file(
            &name,
            format!(
                "the XML ends early (a truncated file?): <{qname}> opened at line {line}, \
                 character {column} is never closed"
            ),
        )));
    }
    if form == Form::Inline && !header {
        return Ok(Err(Problem::file(
            &name,
            "an inline XBRL document without ix:header: its contexts and units are missing; \
             expected <ix:header> with <ix:resources> (the whole document as EDGAR serves it)",
        )));
    }
    Ok(Ok(resources))
}

/// Adds text to what is being read: the context's or unit's field (`building`: only
/// there is `text` used, so the document's other text is never gathered) and the open
/// facts that read theirs.
fn add_text(s: &str, text: &mut String, open: &mut [RawFact], excluded: bool, building: bool) {
    if building {
        text.push_str(s);
    }
    if !excluded {
        for f in open.iter_mut().filter(|f| f.reads_text()) {
            f.text.push_str(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_give_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xml");
        std::fs::write(&path, "<a>\n  <b/>\n</a>\n").unwrap();
        let document = Document::File(path);
        let lines = LineStarts::of(&document);
        assert_eq!(lines.at(0), (1, 1));
        assert_eq!(lines.at(6), (2, 3));
        assert_eq!(line_of(&document, 6), (2, 3));
        assert_eq!(lines.at(11), (3, 1));
    }

    #[test]
    fn accession_from_an_edgar_path_or_a_dashed_name() {
        assert_eq!(
            accession_in(Path::new(
                "/x/Archives/edgar/data/1018724/000101872425000004/amzn-20241231.htm"
            ))
            .as_deref(),
            Some("0001018724-25-000004")
        );
        assert_eq!(
            accession_in(Path::new("/tmp/0001018724-23-000004-amzn.xml")).as_deref(),
            Some("0001018724-23-000004")
        );
        assert_eq!(accession_in(Path::new("/tmp/amzn-10k.htm")), None);
        for zip in ["000101872425000004.zip", "000101872425000004-xbrl.zip"] {
            assert_eq!(
                accession_in(&Path::new("/tmp").join(zip)).as_deref(),
                Some("0001018724-25-000004")
            );
        }
    }
}
