//! `amzdb ingest`: CSV files and SEC files -> checked rows -> one transaction. Reference
//! CSV loads first, then SEC files, then facts CSV, then watch CSV; every problem in every file is
//! collected, and if there is any, nothing is written. Facts already present are
//! counted, never duplicated.

mod bulk;
pub mod catalog;
mod facts;
pub mod input;
mod reader;
mod reference;
mod sec;
mod staged;
mod watch;

use crate::error::{Error, Problem, Problems, Result};
use crate::model::FileKind;
use crate::sec::{archive, companyfacts, edgar, fsds, xbrl, SecReader};
use catalog::Catalog;
pub use input::Input;
use reader::CsvFile;
/// The CSV reader's limits, which the SEC's tab-separated files share.
pub(crate) use reader::{is_too_long, RecordLimit, MAX_COLUMNS};
use rusqlite::{params, Connection, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What happened to one row.
pub(crate) enum RowOutcome {
    Inserted,
    Present,
    /// The same fact appeared earlier in this ingest, in another file: kept once.
    KeptOnce(KeptOnce),
    /// The same fact again in the same SEC file (SEC files repeat facts): kept once.
    Repeated,
    Problems(Vec<Problem>),
}

/// A fact given in two files of one ingest: stored once, from the first, and its note
/// names both places (the second file's row is not stored, so the note is what says it
/// was there).
pub(crate) struct KeptOnce {
    /// The stored fact.
    pub fact_id: i64,
    /// Where it is stored from and where it was given again, each as `file:line`.
    pub kept_at: String,
    pub again_at: String,
}

impl KeptOnce {
    /// The note line `amzdb ingest` prints.
    fn notice(&self) -> String {
        format!(
            "{}: the same fact as {}; kept that one",
            self.again_at, self.kept_at
        )
    }

    /// What the stored fact's note gains.
    fn note(&self) -> String {
        format!(
            "the same fact is in {} and {} of one ingest, kept once",
            self.kept_at, self.again_at
        )
    }
}

/// The file being ingested, as the row handlers need it.
pub(crate) struct FileContext {
    pub name: String,
    pub batch_id: i64,
    /// Batches from this id on belong to this ingest.
    pub first_batch_id: i64,
    /// Whether the same fact twice in this file is an error (CSV) or expected (SEC).
    pub errors_on_repeats: bool,
    /// Where facts go: see `facts::Target`.
    pub target: facts::Target,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    pub inserted: usize,
    pub present: usize,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    /// Rows added and already present, by what they are (entities, sources, ..., facts).
    pub by_kind: BTreeMap<FileKind, Counts>,
    /// Facts given twice in different files of this ingest, kept once.
    pub kept_once: Vec<String>,
    /// Facts an SEC file repeats, kept once.
    pub repeated: u64,
    /// SEC rows and facts passed over on purpose, by why (FSDS co-registrants,
    /// segments and empty values; XBRL nil facts and facts of no period).
    pub skipped: crate::sec::Skipped,
    /// Filings whose filing date nobody gave (an XBRL document without `--filed`).
    pub undated_filings: Vec<String>,
    /// Which document of each filing's folder or zip was read.
    pub documents: Vec<String>,
    /// Files not read because an earlier ingest batch holds the same content: a note for
    /// each, naming that batch.
    pub unchanged: Vec<String>,
}

impl Summary {
    pub fn counts(&self, kind: FileKind) -> Counts {
        self.by_kind.get(&kind).copied().unwrap_or_default()
    }

    pub fn inserted_anything(&self) -> bool {
        self.by_kind.values().any(|c| c.inserted > 0)
    }
}

/// A callback told the file and the rows read so far.
pub type ProgressFn = dyn Fn(&str, u64) + Send + Sync;

/// Called now and then during a long ingest with the file and the rows read so far.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<ProgressFn>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// The page cache of an ingest, in KiB.
const INGEST_CACHE_KIB: i64 = 40 * 1024;

/// How many rows pass between two progress calls.
const PROGRESS_EVERY: u64 = 10_000;

/// The running count of one ingest: what was added, and what is wrong.
#[derive(Default)]
pub(crate) struct Tally {
    problems: Problems,
    summary: Summary,
    pub skipped: crate::sec::Skipped,
    progress: Option<Progress>,
    file: String,
    /// Every file begun so far, in order.
    files: Vec<String>,
    rows: u64,
    /// Facts given again in another file, whose notes say so once every file is in.
    kept_once: Vec<KeptOnce>,
}

impl Tally {
    pub fn count(&mut self, what: FileKind, outcome: RowOutcome) {
        self.rows += 1;
        if self.rows.is_multiple_of(PROGRESS_EVERY) {
            if let Some(progress) = &self.progress {
                (progress.0)(&self.file, self.rows);
            }
        }
        match outcome {
            RowOutcome::Inserted => self.summary.by_kind.entry(what).or_default().inserted += 1,
            RowOutcome::Present => self.summary.by_kind.entry(what).or_default().present += 1,
            RowOutcome::KeptOnce(kept) => {
                self.summary.kept_once.push(kept.notice());
                self.kept_once.push(kept);
            }
            RowOutcome::Repeated => self.summary.repeated += 1,
            RowOutcome::Problems(found) => found.into_iter().for_each(|p| self.problems.push(p)),
        }
    }

    pub fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Takes problems a reader kept (the first `Problems::CAP`) and counted.
    pub fn problems(&mut self, found: Problems) {
        let unkept = found.total - found.shown.len();
        found.shown.into_iter().for_each(|p| self.problem(p));
        self.problems.total += unkept;
    }

    /// Puts the problems in the order of the files and their lines (a bulk load finds
    /// repeated facts after every row is read; the row-by-row path, on their line).
    /// Problems of files never begun (unreadable ones) stay first.
    fn sort_problems(&mut self) {
        let files = &self.files;
        let rank = |p: &Problem| {
            let file = files.iter().position(|f| *f == p.file).map_or(0, |i| i + 1);
            (file, p.line.unwrap_or(u64::MAX))
        };
        self.problems.shown.sort_by_key(rank);
    }

    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Counts again rows first counted as inserted (a bulk load found they were not new).
    pub fn recount(&mut self, what: FileKind, outcomes: impl IntoIterator<Item = RowOutcome>) {
        for outcome in outcomes {
            self.rows -= 1;
            if let Some(counts) = self.summary.by_kind.get_mut(&what) {
                counts.inserted -= 1;
            }
            self.count(what, outcome);
        }
    }

    fn inserted(&self) -> usize {
        self.summary.by_kind.values().map(|c| c.inserted).sum()
    }

    fn present(&self) -> usize {
        self.summary.by_kind.values().map(|c| c.present).sum()
    }
}

/// The format of an input file, when it must not be recognised by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    CompanyFacts,
    Fsds,
    /// An XBRL instance document.
    Xbrl,
    /// An inline XBRL document (XHTML with `ix:header`).
    Ixbrl,
    /// An EDGAR filing's folder or zip: the one XBRL document it holds.
    Filing,
}

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Check everything the same way, then roll back.
    pub dry_run: bool,
    /// Force a format instead of recognising each file by its content.
    pub format: Option<Format>,
    /// The ticker of a company new to the database, for SEC files of one company.
    pub entity: Option<String>,
    /// What an XBRL document does not say itself: its accession and filing date.
    pub document: xbrl::DocumentOptions,
    /// Told how far a long ingest has got.
    pub progress: Option<Progress>,
    /// Read and check every file, even one whose content an earlier ingest batch holds.
    pub recheck: bool,
}

/// An input opened for reading, of whatever format.
enum Opened {
    Csv(Box<CsvFile>),
    Sec {
        kind: FileKind,
        /// The file whose bytes the batch records (a zip's entry: the zip).
        path: std::path::PathBuf,
        reader: Box<dyn SecReader>,
        /// Which document of a filing's folder or zip this is, for the summary.
        note: Option<String>,
    },
}

impl Opened {
    fn kind(&self) -> FileKind {
        match self {
            Opened::Csv(file) => file.kind,
            Opened::Sec { kind, .. } => *kind,
        }
    }
}

/// Opens an input in the format given or recognised.
fn open(
    input: &Input,
    format: Format,
    options: &Options,
) -> Result<std::result::Result<Opened, Problems>> {
    let problems = |found: Vec<Problem>| {
        let mut problems = Problems::default();
        found.into_iter().for_each(|p| problems.push(p));
        problems
    };
    let sec = |kind, path: &Path, reader: Box<dyn SecReader>| Opened::Sec {
        kind,
        path: path.to_path_buf(),
        reader,
        note: None,
    };
    if let Input::File(path) = input {
        if let Some(chosen) = chosen(path, format)? {
            let chosen = match chosen {
                Ok(chosen) => chosen,
                Err(p) => return Ok(Err(problems(vec![p]))),
            };
            let kind = kind_of(chosen.form);
            let note = Some(chosen.note.clone());
            let path = chosen.document.path().to_path_buf();
            // The filing's own standard labels name the metrics of its unmapped concepts.
            let mut labels = std::collections::HashMap::new();
            for linkbase in &chosen.labels {
                match edgar::standard_labels(linkbase)? {
                    Ok(found) => found.into_iter().for_each(|(concept, label)| {
                        labels.entry(concept).or_insert(label);
                    }),
                    Err(p) => return Ok(Err(problems(vec![p]))),
                }
            }
            return Ok(xbrl::open_document(
                chosen.document,
                chosen.form,
                &options.document,
                labels,
            )?
            .map(|reader| Opened::Sec {
                kind,
                path,
                reader: Box::new(reader),
                note,
            })
            .map_err(problems));
        }
    }
    Ok(match (input, format) {
        (Input::File(path), Format::CompanyFacts) => companyfacts::open(path)?
            .map(|r| sec(FileKind::CompanyFacts, path, Box::new(r)))
            .map_err(problems),
        (Input::File(path), Format::Fsds) => {
            fsds::open(path)?.map(|r| sec(FileKind::Fsds, path, Box::new(r)))
        }
        (Input::File(path), Format::Xbrl) => {
            xbrl::open(path, xbrl::Form::Instance, &options.document)?
                .map(|r| sec(FileKind::Xbrl, path, Box::new(r)))
                .map_err(problems)
        }
        (Input::File(path), Format::Ixbrl) => {
            xbrl::open(path, xbrl::Form::Inline, &options.document)?
                .map(|r| sec(FileKind::Ixbrl, path, Box::new(r)))
                .map_err(problems)
        }
        // CSV, and embedded files (always CSV).
        _ => CsvFile::open(input)?
            .map(|f| Opened::Csv(Box::new(f)))
            .map_err(problems),
    })
}

/// The document to read from a filing's folder or zip (None: the path is no filing's
/// folder or zip read as this format); `--format xbrl|ixbrl` takes that form only.
fn chosen(
    path: &Path,
    format: Format,
) -> Result<Option<std::result::Result<edgar::Chosen, Problem>>> {
    let container = path.is_dir() || archive::is_zip(path);
    let wanted = match format {
        Format::Filing => None,
        Format::Xbrl if container => Some(xbrl::Form::Instance),
        Format::Ixbrl if container => Some(xbrl::Form::Inline),
        _ => return Ok(None),
    };
    edgar::choose(path, wanted).map(Some)
}

fn kind_of(form: xbrl::Form) -> FileKind {
    match form {
        xbrl::Form::Instance => FileKind::Xbrl,
        xbrl::Form::Inline => FileKind::Ixbrl,
    }
}

/// A file's format by its content: an EDGAR filing's folder or zip, an FSDS zip or
/// folder, companyfacts JSON, an XBRL instance or inline XBRL document (by their
/// namespaces), else CSV.
fn recognise(path: &Path) -> Format {
    if edgar::looks_like(path) {
        Format::Filing
    } else if fsds::looks_like(path) {
        Format::Fsds
    } else if let Some(form) = xbrl::looks_like(path) {
        match form {
            xbrl::Form::Instance => Format::Xbrl,
            xbrl::Form::Inline => Format::Ixbrl,
        }
    } else if companyfacts::looks_like(path) {
        Format::CompanyFacts
    } else {
        Format::Csv
    }
}

/// Ingests the inputs in one transaction.
pub fn ingest(conn: &mut Connection, inputs: &[Input], options: &Options) -> Result<Summary> {
    let mut tally = Tally {
        progress: options.progress.clone(),
        ..Tally::default()
    };
    // Files are opened one at a time (a directory may hold thousands): here only to learn
    // each one's kind, which orders them, then again when its turn comes.
    let mut ordered = Vec::new();
    for input in inputs {
        // The file whose bytes the batch records, when not the input's own.
        let mut document = None;
        let format = match input {
            Input::File(path) => options.format.unwrap_or_else(|| recognise(path)),
            Input::Embedded { .. } => Format::Csv,
        };
        let kind = match format {
            Format::Csv => match CsvFile::open(input)? {
                Ok(file) => file.kind,
                Err(found) => {
                    found.into_iter().for_each(|p| tally.problem(p));
                    continue;
                }
            },
            Format::CompanyFacts => FileKind::CompanyFacts,
            Format::Fsds => FileKind::Fsds,
            Format::Xbrl | Format::Ixbrl | Format::Filing => {
                let Input::File(path) = input else {
                    continue;
                };
                match chosen(path, format)? {
                    Some(Ok(chosen)) => {
                        document = Some(chosen.document.path().to_path_buf());
                        kind_of(chosen.form)
                    }
                    Some(Err(p)) => {
                        tally.problem(p);
                        continue;
                    }
                    None if format == Format::Ixbrl => FileKind::Ixbrl,
                    None => FileKind::Xbrl,
                }
            }
        };
        ordered.push(Planned {
            kind,
            input,
            format,
            document,
        });
    }
    // Stable: files of one kind keep their order.
    ordered.sort_by_key(|planned| planned.kind);
    // A bigger page cache keeps the indexes' pages in memory during a load (bounded:
    // ingest stays well under 64 MiB). Temporary files (the sorts of a bulk load's index
    // builds) stay files, so memory stays bounded whatever the load's size.
    conn.pragma_update(None, "cache_size", -INGEST_CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", "FILE")?;
    // Every id a fact points at comes from the catalog, read or written inside this
    // immediate transaction, and amzdb never deletes reference rows: SQLite's check of
    // seven foreign keys per fact (a B-tree look-up each) would only repeat that, at
    // about a tenth of a bulk load's time. The pragma takes effect outside a transaction
    // only, so it is set here and restored below; tests run `PRAGMA foreign_key_check`
    // after ingests of every kind.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = ingest_all(conn, &ordered, options, tally);
    conn.pragma_update(None, "foreign_keys", true)?;
    let mut summary = result?;
    summary.files = inputs.len();
    Ok(summary)
}

/// An input whose kind is known, in the order it is ingested.
struct Planned<'a> {
    kind: FileKind,
    input: &'a Input,
    format: Format,
    /// The file whose bytes its batch records, when not the input's own (a filing's
    /// document, or its zip).
    document: Option<PathBuf>,
}

/// The committed ingest batches, by file kind and content: a file whose content one of
/// them holds is unchanged since, and is not read again (unless `--recheck`).
struct Earlier {
    batches: HashMap<(String, String), EarlierBatch>,
    kinds: HashSet<String>,
    /// Each batch's kind and file name (its last path component), `--recheck` or not.
    names: HashSet<(String, String)>,
}

struct EarlierBatch {
    batch_id: i64,
    file_name: String,
    ingested_at: String,
}

impl Earlier {
    fn load(tx: &Transaction, options: &Options) -> Result<Earlier> {
        let mut earlier = Earlier {
            batches: HashMap::new(),
            kinds: HashSet::new(),
            names: HashSet::new(),
        };
        let mut query = tx.prepare(include_str!("../sql/earlier_batches.sql"))?;
        let mut rows = query.query([])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get("file_kind")?;
            let file_name: String = row.get("file_name")?;
            earlier
                .names
                .insert((kind.clone(), last_component(&file_name).to_string()));
            if options.recheck {
                continue;
            }
            earlier.kinds.insert(kind.clone());
            earlier
                .batches
                .entry((kind, row.get("content_sha256")?))
                .or_insert(EarlierBatch {
                    batch_id: row.get("batch_id")?,
                    file_name: row.get("file_name")?,
                    ingested_at: row.get("ingested_at")?,
                });
        }
        Ok(earlier)
    }

    /// Whether a file of this kind could be found unchanged, so is worth hashing first.
    /// An XBRL document given `--accession` or `--filed` is always read: those name its
    /// source, and the same bytes under another accession or date are other facts.
    fn may_hold(&self, kind: FileKind, options: &Options) -> bool {
        let named = options.document.accession.is_some() || options.document.filed.is_some();
        self.kinds.contains(kind.as_str())
            && !(named && matches!(kind, FileKind::Xbrl | FileKind::Ixbrl))
    }

    /// Whether a batch of this kind came from a file of this name (in any folder): a
    /// file given again under its name is most likely a new version of it.
    fn named(&self, kind: FileKind, name: &str) -> bool {
        self.names
            .contains(&(kind.as_str().to_string(), last_component(name).to_string()))
    }

    fn find(&self, kind: FileKind, sha256: &str) -> Option<&EarlierBatch> {
        self.batches
            .get(&(kind.as_str().to_string(), sha256.to_string()))
    }
}

/// A path's last component (`data/facts.csv` -> `facts.csv`).
fn last_component(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

impl EarlierBatch {
    /// The note `amzdb ingest` prints for a file not read again.
    fn notice(&self, name: &str) -> String {
        format!(
            "{name}: unchanged since ingest batch {} ({}, {}), not read again; --recheck reads it",
            self.batch_id, self.file_name, self.ingested_at
        )
    }
}

/// The ingest transaction itself: every opened file, then commit (or not, dry run).
fn ingest_all(
    conn: &mut Connection,
    ordered: &[Planned],
    options: &Options,
    mut tally: Tally,
) -> Result<Summary> {
    let tx = conn.transaction()?;
    let mut catalog = Catalog::load(&tx)?;
    let first_batch_id: i64 = tx.query_row(
        "SELECT ifnull(max(batch_id), 0) + 1 FROM ingest_batches",
        [],
        |r| r.get(0),
    )?;
    // Files an earlier batch holds are passed over before anything is read, so they
    // count for nothing in the expected size that picks the bulk path.
    let earlier = Earlier::load(&tx, options)?;
    let mut to_read = Vec::with_capacity(ordered.len());
    let mut expected_facts = 0;
    for planned in ordered {
        let sha256 = if earlier.may_hold(planned.kind, options) {
            Some(planned.input.sha256(planned.document.as_deref())?)
        } else {
            None
        };
        if let Some(batch) = sha256
            .as_deref()
            .and_then(|s| earlier.find(planned.kind, s))
        {
            let notice = batch.notice(&planned.input.name());
            tally.summary.unchanged.push(notice);
            continue;
        }
        // A changed version of a file ingested before (the same name) mostly repeats
        // facts already stored: row by row each costs a look-up, where a bulk or staged
        // load would append and sort every one (measured, 1M facts of which all but one
        // stored, into 5M: 5.5 s row by row, 15.1 s staged). So it does not count toward
        // the size that picks those loads. Only speed depends on the guess: every path
        // stores the same facts.
        if !earlier.named(planned.kind, &planned.input.name()) {
            expected_facts += planned.input.expected_facts();
        }
        to_read.push((planned, sha256));
    }
    let bulk = bulk::Bulk::begin(&tx, expected_facts)?;
    let batch = Batch {
        first_batch_id,
        target: bulk
            .as_ref()
            .map_or(facts::Target::Facts, bulk::Bulk::target),
    };
    for (planned, before) in to_read {
        let Planned {
            kind,
            input,
            format,
            ..
        } = *planned;
        match open(input, format, options)? {
            Ok(file) if file.kind() == kind => {
                let problems = tally.problems.total;
                let read = ingest_file(&tx, &mut catalog, file, &batch, options, &mut tally)?;
                // A file with problems may not have been read to its end (a read error
                // ends it), and it is refused anyway.
                if before.is_some_and(|before| before != read) && tally.problems.total == problems {
                    tally.problem(Problem::file(
                        &input.name(),
                        "changed while amzdb was reading it (its content is not what it was \
                         when the ingest began); run the ingest again",
                    ));
                }
            }
            Ok(_) => tally.problem(Problem::file(
                &input.name(),
                "changed while amzdb was reading it (its header names another kind of file \
                 now); run the ingest again",
            )),
            Err(found) => tally.problems(found),
        }
    }
    if let Some(bulk) = bulk {
        bulk.finish(&tx, &mut tally, first_batch_id)?;
        tally.sort_problems();
    }
    let Tally {
        problems,
        mut summary,
        skipped,
        kept_once,
        ..
    } = tally;
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    note_kept_once(&tx, &kept_once)?;
    summary.skipped = skipped;
    if !options.dry_run {
        tx.commit()?;
    }
    Ok(summary)
}

/// Adds to the note of each fact kept once where it was given (a fact given in three
/// files gains two such notes).
fn note_kept_once(tx: &Transaction, kept_once: &[KeptOnce]) -> Result<()> {
    let mut update = tx.prepare(
        "UPDATE facts SET note = CASE WHEN ifnull(note, '') = '' THEN ?2 \
         ELSE note || '; ' || ?2 END WHERE fact_id = ?1",
    )?;
    for kept in kept_once {
        update.execute(params![kept.fact_id, kept.note()])?;
    }
    Ok(())
}

/// What every file of one ingest shares.
struct Batch {
    /// Batches from this id on belong to this ingest.
    first_batch_id: i64,
    target: facts::Target,
}

/// Ingests one opened file into a batch of its own; returns the SHA-256 of the content
/// read.
fn ingest_file(
    tx: &Transaction,
    catalog: &mut Catalog,
    file: Opened,
    batch: &Batch,
    options: &Options,
    tally: &mut Tally,
) -> Result<String> {
    let (name, kind) = match &file {
        Opened::Csv(f) => (f.name.clone(), f.kind),
        // The document read (a filing's folder or zip names the one inside).
        Opened::Sec { reader, kind, .. } => (reader.name().to_string(), *kind),
    };
    tx.execute(
        "INSERT INTO ingest_batches (file_name, content_sha256, file_kind, rows_read, rows_inserted, rows_present, ingested_at) \
         VALUES (?1, ?2, ?3, 0, 0, 0, ?4)",
        params![
            name,
            "0".repeat(64),
            kind.as_str(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ],
    )?;
    tally.file = name.clone();
    tally.files.push(name.clone());
    tally.rows = 0;
    let ctx = FileContext {
        name,
        batch_id: tx.last_insert_rowid(),
        first_batch_id: batch.first_batch_id,
        errors_on_repeats: matches!(file, Opened::Csv(_)),
        target: batch.target,
    };
    let (inserted_before, present_before) = (tally.inserted(), tally.present());
    let (rows, sha256) = match file {
        Opened::Csv(mut csv) if csv.kind == FileKind::Facts => {
            let rows = facts::ingest_file(tx, catalog, &mut csv, &ctx, tally)?;
            if rows == 0 {
                tally.problem(Problem::file(
                    &ctx.name,
                    "has a header but no rows; expected facts below the header",
                ));
            }
            (rows, csv.sha256_hex())
        }
        Opened::Csv(mut csv) => {
            let rows = csv_rows(tx, catalog, &mut csv, &ctx, tally)?;
            (rows, csv.sha256_hex())
        }
        Opened::Sec {
            path,
            mut reader,
            note,
            ..
        } => {
            tally.summary.documents.extend(note);
            let options = sec::SecOptions {
                entity: options.entity.as_deref(),
            };
            sec::ingest(tx, catalog, reader.as_mut(), &ctx, &options, tally)?;
            (
                tally.inserted() + tally.present() - inserted_before - present_before,
                input::sha256_of_path(&path)?,
            )
        }
    };
    let inserted = tally.inserted() - inserted_before;
    if inserted == 0 {
        tx.execute(
            "DELETE FROM ingest_batches WHERE batch_id = ?1",
            [ctx.batch_id],
        )?;
    } else {
        tx.execute(
            "UPDATE ingest_batches SET content_sha256 = ?2, rows_read = ?3, rows_inserted = ?4, rows_present = ?5 \
             WHERE batch_id = ?1",
            params![
                ctx.batch_id,
                sha256,
                rows as i64,
                inserted as i64,
                (tally.present() - present_before) as i64
            ],
        )?;
    }
    Ok(sha256)
}

/// Ingests every row of a CSV file; returns how many rows it had.
fn csv_rows(
    tx: &Transaction,
    catalog: &mut Catalog,
    file: &mut CsvFile,
    ctx: &FileContext,
    tally: &mut Tally,
) -> Result<usize> {
    let kind = file.kind;
    let mut rows = 0_usize;
    while let Some(row) = file.next_row() {
        rows += 1;
        let row = match row {
            Ok(row) => row,
            Err(problem) => {
                tally.problem(problem);
                continue;
            }
        };
        let outcome = match kind {
            FileKind::Entities => reference::entity(tx, catalog, &ctx.name, &row),
            FileKind::Sources => reference::source(tx, catalog, &ctx.name, &row),
            FileKind::Metrics => reference::metric(tx, catalog, &ctx.name, &row),
            FileKind::Concepts => reference::concept(tx, catalog, &ctx.name, &row),
            FileKind::Segments => reference::segment(tx, &ctx.name, &row),
            FileKind::Watch => watch::item(tx, catalog, ctx, &row),
            FileKind::Facts
            | FileKind::CompanyFacts
            | FileKind::Fsds
            | FileKind::Xbrl
            | FileKind::Ixbrl => {
                unreachable!("facts and SEC files have readers of their own")
            }
        };
        match outcome {
            Ok(outcome) => tally.count(kind, outcome),
            // A constraint the checks above missed: report it against the row.
            Err(Error::Sql(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                tally.problem(
                    Problem::file(&ctx.name, format!("refused by the database: {e}")).at(row.line),
                );
            }
            Err(e) => return Err(e),
        }
    }
    // A concepts, segments or watch file may be empty: a database without concept
    // mappings, segment mappings or watch items dumps one.
    let may_be_empty = matches!(
        kind,
        FileKind::Concepts | FileKind::Segments | FileKind::Watch
    );
    if rows == 0 && !may_be_empty {
        tally.problem(Problem::file(
            &ctx.name,
            format!("has a header but no rows; expected {kind} below the header"),
        ));
    }
    Ok(rows)
}
