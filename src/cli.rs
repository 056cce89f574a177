//! The command line, declared with clap. No I/O here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// amzdb: an embedded SQL database of sourced financial disclosure facts.
///
/// Every figure is kept with its value, unit, period, entity, source, verbatim quote and
/// disclosure type (audited, management_commentary, third_party_estimate).
#[derive(Debug, Parser)]
#[command(name = "amzdb", version, about, long_about = None)]
pub struct Cli {
    /// The database file. Created, migrated and loaded with the bundled dataset if missing.
    #[arg(long, global = true, env = "AMZDB_DB", default_value = "amzdb.sqlite")]
    pub db: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new database and load the bundled dataset into it.
    Init(InitArgs),
    /// Upgrade the database to this amzdb's schema, or show which migrations it has.
    Migrate(MigrateArgs),
    /// Load entities, sources, metrics and facts from CSV files or directories, all or nothing.
    Ingest(IngestArgs),
    /// Browse facts with their provenance.
    Facts(FactsArgs),
    /// Run a canned report; without a name, list them.
    Report(ReportArgs),
    /// Run read-only SQL against the database.
    Query(QueryArgs),
    /// Write every report and the facts, sources, entities and metrics as CSV files, one
    /// xlsx workbook or Parquet files (`--format`).
    Export(ExportArgs),
    /// Write the database as re-ingestable CSV (entities, sources, metrics, concepts, segments, facts).
    Dump(DumpArgs),
    /// Write a consistent copy of the database to FILE, even while it is in use.
    Backup(BackupArgs),
    /// Draft facts from documents (text, Markdown, HTML): one row per quantified statement,
    /// with its sentence as the quote. Nothing is written to the database.
    Extract(ExtractArgs),
    /// Print Datasette's metadata.json for this database: each view's title and
    /// description, each report as a canned query (report-NAME) with its parameters.
    DatasetteMetadata(DatasetteArgs),
}

#[derive(Debug, Args)]
pub struct DatasetteArgs {
    /// Write to this file instead of standard output (replaced whole, never half-written).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write a Datasette configuration directory instead: DIR/metadata.json and
    /// DIR/settings.json (facet suggestions off, time limits the reports need), served
    /// with `datasette serve DIR -i DATABASE`. DIR is replaced whole when it holds
    /// nothing else.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub config_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The documents: UTF-8 plain text, Markdown or HTML (by extension .html/.htm or a
    /// leading <!doctype html> / <html>).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The entity (ticker) to write in every row.
    #[arg(long, value_name = "TICKER")]
    pub entity: Option<String>,
    /// The source slug to write in every row.
    #[arg(long, value_name = "SLUG")]
    pub source: Option<String>,
    /// Leave out the draft-only columns (file, offset, amount, confidence, cue).
    #[arg(long)]
    pub clean: bool,
    /// Instead of drafting, list every number of the documents as covered (a stored fact
    /// of the --db database quotes its sentence with that value), skipped (a skip row says
    /// why) or uncovered; exit 1 when any is uncovered.
    #[arg(long, conflicts_with_all = ["clean", "entity", "source"])]
    pub coverage: bool,
    /// A skip file (document,sentence,number,reason) adding rows to the built-in
    /// extract/skips.csv; may be given more than once.
    #[arg(long, value_name = "FILE", requires = "coverage")]
    pub skips: Vec<PathBuf>,
    /// The quarter the documents are about (e.g. `Q1 FY2026`), for figures whose sentence
    /// names no period; without it, the last quarter each document names.
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,
    /// A lexicon file (columns kind,value,phrase,note) whose rows add to the bundled
    /// extract/lexicon.csv; may be given more than once.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Vec<PathBuf>,
    /// The date the documents' market data is as of (YYYY-MM-DD): the day prices, market
    /// values, price targets and analyst counts are stored on when their sentence names
    /// none. Without it, a document's own "as of <date>" statement gives it.
    #[arg(long, value_name = "DATE", conflicts_with = "coverage")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The copy to write (a SQLite file, written beside its final name and renamed into place).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DumpArgs {
    /// The directory to write entities.csv, sources.csv, metrics.csv, concepts.csv,
    /// segments.csv and facts.csv into.
    pub dir: PathBuf,
    /// Only this entity's facts (and the sources they cite); a ticker, any case.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only facts from sources of this kind, e.g. filing.
    #[arg(long)]
    pub source_kind: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The directory to write into (created if missing; files in it are replaced whole).
    pub dir: PathBuf,
    /// Start each file with the UTF-8 byte order mark Excel wants.
    #[arg(long)]
    pub bom: bool,
    /// Keep text that looks like a spreadsheet formula as it is (for machine consumers);
    /// by default such text gets a leading apostrophe.
    #[arg(long)]
    pub raw: bool,
    /// What to write: CSV files, Parquet files (facts partitioned by entity, Hive style),
    /// or one xlsx workbook.
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Parquet,
    Xlsx,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Create the schema only, without the bundled dataset.
    #[arg(long)]
    pub empty: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// List applied and pending migrations instead of migrating.
    #[arg(long)]
    pub status: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// CSV files, or directories searched for *.csv (entities, sources and metrics load before facts).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Check everything and report, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Read and check every file, even one whose content an earlier ingest already holds
    /// (by default such a file is recognised by its SHA-256 and not read again).
    #[arg(long)]
    pub recheck: bool,
    /// Read every file as this format instead of recognising it by its content.
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// The ticker of the company an SEC file is about, when it is new to the database
    /// (a company already known by its CIK keeps its ticker).
    #[arg(long, value_name = "TICKER")]
    pub entity: Option<String>,
    /// The EDGAR accession number of an XBRL or inline XBRL document, e.g.
    /// 0001018724-25-000004, when its path does not hold it (EDGAR's folder
    /// .../000101872425000004/ does). It names the source: sec-<accession>.
    #[arg(long, value_name = "ACCESSION", value_parser = accession)]
    pub accession: Option<String>,
    /// The date an XBRL or inline XBRL document was filed (YYYY-MM-DD): the documents do
    /// not say. Without it the source has no date and --as-of leaves its facts out.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = filed_date)]
    pub filed: Option<chrono::NaiveDate>,
}

fn accession(text: &str) -> Result<String, String> {
    let text = text.trim();
    if crate::sec::is_accession(text) {
        Ok(text.to_string())
    } else if text.len() == 18 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{}-{}-{}", &text[..10], &text[10..12], &text[12..]))
    } else {
        Err("expected an EDGAR accession number such as 0001018724-25-000004".into())
    }
}

fn filed_date(text: &str) -> Result<chrono::NaiveDate, String> {
    crate::parse::period::parse_date(text).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// entities, sources, metrics, concepts or facts CSV
    Csv,
    /// SEC companyfacts JSON
    Companyfacts,
    /// SEC Financial Statement Data Sets: a quarter's zip or its unzipped folder
    Fsds,
    /// An XBRL instance document (a filing's `..._htm.xml`)
    Xbrl,
    /// An inline XBRL document (a 10-K's or 10-Q's primary .htm, with `ix:header`)
    Ixbrl,
}

#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Only this entity (ticker, any case), e.g. AMZN. Unknown filter values are errors.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this metric (slug), e.g. capex.
    #[arg(long)]
    pub metric: Option<String>,
    /// Only this segment, e.g. AWS ("" for the whole company).
    #[arg(long)]
    pub segment: Option<String>,
    /// Only this period, by its canonical label, e.g. "Q1 FY2026" or "2026-03-31" (any
    /// case or spacing).
    #[arg(long)]
    pub period: Option<String>,
    /// Only facts of this disclosure type (the table's type letter: A audited, M
    /// management commentary, E third-party estimate).
    #[arg(long, value_enum)]
    pub disclosure: Option<Disclosure>,
    /// Show every column in the table (the default shows entity, metric, segment,
    /// period, basis, value, type and source). CSV and JSON always have every column.
    #[arg(long)]
    pub wide: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report, e.g. capex-fcf; leave it out to list every report.
    pub name: Option<String>,
    /// Only this entity (ticker, any case) [default: AMZN]. An unknown ticker is an
    /// error; reports that span entities (cloud-peers) ignore it.
    #[arg(long, conflicts_with = "all_entities")]
    pub entity: Option<String>,
    /// Every entity instead of one.
    #[arg(long)]
    pub all_entities: bool,
    /// The database as it stood on this date: only facts published on or before it
    /// (facts without a publication date are left out).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Drop facts less trusted than this before choosing a figure.
    #[arg(long, value_enum)]
    pub min_disclosure: Option<Disclosure>,
    /// Only this metric (reports that take one, e.g. provenance).
    #[arg(long)]
    pub metric: Option<String>,
    /// Only this period label (reports that take one, e.g. provenance).
    #[arg(long)]
    pub period: Option<String>,
    /// Stop the report after this many seconds (0: no limit). The default, 300, is far
    /// beyond what any report takes (seconds on millions of facts), so it only stops a
    /// report that would otherwise run on unnoticed, e.g. on a damaged or huge database.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
    /// Show every column in the table, not only the main ones.
    #[arg(long)]
    pub wide: bool,
    /// Also draw the report as a chart, SVG or PNG by the file's extension (time-series
    /// reports: capex-fcf, backlog-conversion).
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub chart: Option<PathBuf>,
    /// Print the SQL the report runs instead of running it, its options as unbound
    /// parameters ($entity, $as_of, $min_disclosure, ...; '' or NULL for all), to run in
    /// DuckDB, Datasette or the sqlite3 shell.
    #[arg(long, requires = "name", conflicts_with_all = [
        "entity", "all_entities", "as_of", "min_disclosure", "metric", "period", "wide", "chart",
    ])]
    pub sql: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Disclosure {
    Audited,
    ManagementCommentary,
    ThirdPartyEstimate,
}

impl Disclosure {
    /// The disclosure type this option names.
    pub fn kind(self) -> crate::model::DisclosureType {
        use crate::model::DisclosureType;
        match self {
            Disclosure::Audited => DisclosureType::Audited,
            Disclosure::ManagementCommentary => DisclosureType::ManagementCommentary,
            Disclosure::ThirdPartyEstimate => DisclosureType::ThirdPartyEstimate,
        }
    }
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// One SQL statement; it runs on a read-only connection, so writes are refused.
    pub sql: String,
    /// Stop the statement after this many seconds (0: no limit); Ctrl-C stops it too.
    /// A statement stopped by its limit exits 1, by Ctrl-C 130; nothing is changed.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Output options shared by every command that prints rows.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format: a table for people, CSV or JSON for machines.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output (replaced whole, never half-written).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}
