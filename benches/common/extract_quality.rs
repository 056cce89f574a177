//! The quality of `amzdb extract`, measured against reviewed facts: for each document, which
//! of the facts a careful analyst recorded from it get a draft row, whether the drafted
//! value is exactly the stored one, and how often each guess (metric, period, measure,
//! segment, disclosure type, basis) agrees with the reviewer's. Shared by benches/extract.rs
//! (which prints the figures) and tests/extract/quality.rs (which holds the thresholds of
//! issue 13), included by path, so both compute the same figures.
//!
//! Everything goes through the real binary and amzdb's own parser: the reviewed facts are
//! read back from a database `amzdb init` (bundled dataset) or `amzdb init --empty` plus
//! `amzdb ingest` (a fixture's facts CSV) built; the drafts are `amzdb extract --format csv`;
//! values are compared in base units as `amzdb::parse::value::parse_value` reads them.

use amzdb::extract::coverage::quoted_from;
use amzdb::parse::value::parse_value;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const AMZDB: &str = env!("CARGO_BIN_EXE_amzdb");

/// The guesses compared between a matched draft and its fact: the first three are what
/// issue 13 holds to 80%, the others are reported for information.
pub const FIELDS: [&str; 6] = [
    "metric",
    "period",
    "measure",
    "segment",
    "disclosure_type",
    "basis",
];

/// How many of `FIELDS` issue 13 holds to a threshold (metric, period, measure).
pub const HELD_FIELDS: usize = 3;

/// The folder of the benchmark's own fixtures (fictional company EXMP).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/extract")
}

/// A document and where its reviewed facts are.
pub struct Document {
    /// The file name, which the reviewed facts' notes name (`in NAME; ...`).
    pub name: String,
    pub path: PathBuf,
    /// The entity and the document's own period, given to `amzdb extract` as a user would.
    pub entity: String,
    pub period: String,
    /// The document's date when the text does not state it (`--as-of`), as the reviewer
    /// dated its point-in-time figures.
    pub as_of: Option<String>,
    /// The database holding the reviewed facts.
    pub db: PathBuf,
}

/// The five seed documents, their reviewed facts in a fresh bundled database made by
/// `amzdb init` in `work`.
pub fn seeds(seeds_dir: &Path, work: &Path) -> Vec<Document> {
    let db = work.join("bundled.sqlite");
    remove_db(&db);
    run(Command::new(AMZDB).arg("--db").arg(&db).arg("init"));
    let mut names: Vec<String> = std::fs::read_dir(seeds_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", seeds_dir.display()))
        .map(|e| e.expect("a directory entry").file_name())
        .filter_map(|n| n.into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Document {
            path: seeds_dir.join(&name),
            entity: "AMZN".into(),
            period: "Q1 FY2026".into(),
            // The call-analysis page gives no date of its own; the bundled facts date its
            // market data on the Q1 print it analyses (README, "The bundled dataset").
            as_of: name.starts_with("002_").then(|| "2026-04-29".to_string()),
            name,
            db: db.clone(),
        })
        .collect()
}

/// The fixture documents: every `*.facts.csv` of the fixtures folder beside its document,
/// each in a database of its own: `amzdb init --empty`, then `amzdb ingest` of the
/// bundled metrics, the fixtures' entity, sources and extra metrics, and its facts (so a
/// claim that cannot be ingested fails here). The second value is how many rows each
/// facts CSV has, to check that every one was stored.
pub fn fixtures(work: &Path) -> Vec<(Document, usize)> {
    let dir = fixtures_dir();
    let mut facts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".facts.csv"))
        .collect();
    facts.sort();
    let reference = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/metrics.csv"),
        dir.join("exmp.entities.csv"),
        dir.join("exmp.sources.csv"),
        dir.join("exmp.metrics.csv"),
    ];
    facts
        .into_iter()
        .map(|csv| {
            let file = csv.file_name().expect("a file name").to_string_lossy();
            let stem = file.trim_end_matches(".facts.csv").to_string();
            let name = std::fs::read_dir(&dir)
                .expect("the fixtures folder")
                .map(|e| {
                    e.expect("a directory entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .find(|n| {
                    n.strip_prefix(&stem)
                        .is_some_and(|ext| ext.starts_with('.'))
                        && !n.ends_with(".csv")
                })
                .unwrap_or_else(|| panic!("{}: no document {stem}.* beside it", csv.display()));
            let db = work.join(format!("{stem}.sqlite"));
            remove_db(&db);
            run(Command::new(AMZDB)
                .arg("--db")
                .arg(&db)
                .args(["init", "--empty"]));
            run(Command::new(AMZDB)
                .arg("--db")
                .arg(&db)
                .arg("ingest")
                .args(&reference)
                .arg(&csv));
            let rows = csv::Reader::from_path(&csv)
                .unwrap_or_else(|e| panic!("{}: {e}", csv.display()))
                .records()
                .count();
            // The article's byline names the day only as a weekday and date in prose.
            let as_of = name.ends_with(".html").then(|| "2026-07-30".to_string());
            let doc = Document {
                path: dir.join(&name),
                name,
                entity: "EXMP".into(),
                period: "Q2 FY2026".into(),
                as_of,
                db,
            };
            (doc, rows)
        })
        .collect()
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// Runs amzdb, returns its standard output; fails loudly with its standard error.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run amzdb");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The rows of a CSV text (an `amzdb extract` or `amzdb query` output) as column -> value
/// maps.
pub fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("a CSV header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            headers
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The arguments of `amzdb` that draft a document: the bundled (or fixture) database, the
/// entity, and the document's period when this amzdb's extract takes `--period`.
pub fn extract_args(doc: &Document) -> Vec<String> {
    let mut args = vec![
        "--db".to_string(),
        doc.db.display().to_string(),
        "extract".into(),
        doc.path.display().to_string(),
        "--format".into(),
        "csv".into(),
        "--entity".into(),
        doc.entity.clone(),
        "--period".into(),
        doc.period.clone(),
    ];
    if let Some(date) = &doc.as_of {
        args.extend(["--as-of".into(), date.clone()]);
    }
    args
}

/// `amzdb extract --coverage` of a fixture against the database of its reviewed facts,
/// with the fixtures' skip file: every number of the fixture must be a reviewed fact or a
/// skip with its reason, which shows the reviewed facts are complete. Whether it passed,
/// and its summary (stderr) with the uncovered rows.
pub fn fixture_coverage(doc: &Document) -> (bool, String) {
    let out = Command::new(AMZDB)
        .arg("--db")
        .arg(&doc.db)
        .arg("extract")
        .arg(&doc.path)
        .args(["--coverage", "--format", "csv", "--skips"])
        .arg(fixtures_dir().join("exmp.skips.csv"))
        .output()
        .expect("run amzdb");
    let mut report = String::from_utf8_lossy(&out.stderr).trim().to_string();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if line.contains(",uncovered,") {
            report.push_str("\n  ");
            report.push_str(line);
        }
    }
    (out.status.success(), report)
}

/// A reviewed fact, as stored.
pub struct Fact {
    pub id: i64,
    pub value: Decimal,
    pub value_high: Option<Decimal>,
    /// The stored columns by their draft names (`period` is the stored label).
    pub columns: BTreeMap<String, String>,
}

/// The reviewed facts of one document: those whose note names it.
pub fn reviewed(doc: &Document) -> Vec<Fact> {
    let out = run(Command::new(AMZDB)
        .arg("--db")
        .arg(&doc.db)
        .args(["query", "--format", "csv", "--"])
        // After `--`: the SQL starts with a comment, which clap would take for an option.
        .arg(include_str!("reviewed_facts.sql")));
    rows(&out)
        .into_iter()
        .filter(|r| note_document(&r["note"]) == Some(doc.name.as_str()))
        .map(|mut r| {
            let period = r.remove("period_label").unwrap_or_default();
            r.insert("period".into(), period);
            Fact {
                id: r["fact_id"].parse().expect("a fact id"),
                value: amount(&r["value"]).expect("a stored value"),
                value_high: amount(&r["value_high"]),
                columns: r,
            }
        })
        .collect()
}

/// The document a note names (`in 002_x.txt; ...` -> `002_x.txt`), as the dataset tests
/// read it.
fn note_document(note: &str) -> Option<&str> {
    note.strip_prefix("in ")
        .and_then(|n| n.split([';', ' ']).next())
}

/// A value in base units as amzdb's parser reads it; None for an empty one.
fn amount(text: &str) -> Option<Decimal> {
    if text.trim().is_empty() {
        return None;
    }
    Some(
        parse_value(text)
            .unwrap_or_else(|e| panic!("value {text:?}: {e}"))
            .amount,
    )
}

/// One draft row of `amzdb extract --format csv`.
pub type Draft = BTreeMap<String, String>;

/// The draft rows of a document.
pub fn drafts(doc: &Document) -> Vec<Draft> {
    rows(&run(Command::new(AMZDB).args(extract_args(doc))))
}

/// How one document's drafts compare with its reviewed facts.
#[derive(Default, Clone)]
pub struct Score {
    /// Reviewed facts of the document.
    pub claims: usize,
    /// Draft rows of the document (matched or not).
    pub drafts: usize,
    /// Facts with a matching draft row.
    pub matched: usize,
    /// Matched facts whose draft's value, value_high and unit are exactly the fact's.
    pub exact: usize,
    /// Matched facts whose draft agrees on each of `FIELDS`.
    pub agree: [usize; FIELDS.len()],
    /// One line per fact without a draft row.
    pub misses: Vec<String>,
    /// One line per matched fact whose drafted value differs.
    pub inexact: Vec<String>,
    /// One line per matched fact with a wrong guess in metric, period or measure.
    pub wrong: Vec<String>,
}

impl Score {
    /// Adds another document's figures (the lines are not kept: they are per document).
    pub fn add(&mut self, other: &Score) {
        self.claims += other.claims;
        self.drafts += other.drafts;
        self.matched += other.matched;
        self.exact += other.exact;
        for (a, b) in self.agree.iter_mut().zip(other.agree) {
            *a += b;
        }
    }

    /// Share of the claims with a draft row, in %.
    pub fn recall(&self) -> f64 {
        percent(self.matched, self.claims)
    }

    /// Share of the matched rows whose value is exact, in %.
    pub fn exact_pct(&self) -> f64 {
        percent(self.exact, self.matched)
    }

    /// Share of the matched rows agreeing on `FIELDS[i]`, in %.
    pub fn agree_pct(&self, i: usize) -> f64 {
        percent(self.agree[i], self.matched)
    }
}

/// `part` of `whole` in %, 100 when there is nothing to count.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// `n/m (p%)`.
pub fn fraction(part: usize, whole: usize, pct: f64) -> String {
    format!("{part}/{whole} ({pct:.1}%)")
}

/// Whether a draft guessed field `field` as the fact has it: periods and segments in any
/// case and spacing (amzdb reads them so), the others exactly.
fn agrees(field: &str, drafted: &str, reviewed: &str) -> bool {
    let norm = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    match field {
        "period" | "segment" => norm(drafted) == norm(reviewed),
        _ => drafted.trim() == reviewed.trim(),
    }
}

/// Whether a draft's value, value_high and unit, read by amzdb's parser, are exactly the
/// fact's.
fn exact(draft: &Draft, fact: &Fact) -> bool {
    amount(&draft["value"]) == Some(fact.value)
        && amount(&draft["value_high"]) == fact.value_high
        && draft["unit"] == fact.columns["unit"]
}

/// The amounts a draft states in base units: its `amount` column (the value) and its
/// value_high.
fn draft_amounts(draft: &Draft) -> Vec<Decimal> {
    [amount(&draft["amount"]), amount(&draft["value_high"])]
        .into_iter()
        .flatten()
        .collect()
}

/// Compares a document's drafts with its reviewed facts. A draft matches a fact when its
/// amount (value or value_high, base units, exact decimal comparison, sign aside as
/// coverage compares them: "down 3%" may be stored as -3) is the fact's value and the
/// fact's quote is taken from the draft's sentence (`coverage::quoted_from`, the rule
/// `amzdb extract --coverage` uses). A sign the draft got wrong is then an inexact value. When several drafts match one fact, the one a
/// reviewer would keep is scored: an exact value first, then the most agreeing guesses,
/// then the first in the document.
pub fn score(facts: &[Fact], drafts: &[Draft]) -> Score {
    let mut s = Score {
        claims: facts.len(),
        drafts: drafts.len(),
        ..Score::default()
    };
    for fact in facts {
        let candidates = drafts.iter().filter(|d| {
            draft_amounts(d).iter().any(|a| a.abs() == fact.value.abs())
                && quoted_from(&fact.columns["quote"], &d["quote"])
        });
        let mut best: Option<(&Draft, (bool, usize, usize))> = None;
        for d in candidates {
            let agree: Vec<bool> = FIELDS
                .iter()
                .map(|f| agrees(f, &d[*f], &fact.columns[*f]))
                .collect();
            let key = (
                exact(d, fact),
                agree[..HELD_FIELDS].iter().filter(|a| **a).count(),
                agree.iter().filter(|a| **a).count(),
            );
            if best.as_ref().is_none_or(|(_, k)| key > *k) {
                best = Some((d, key));
            }
        }
        let label = describe(fact);
        let Some((draft, (is_exact, _, _))) = best else {
            let near: Vec<&str> = drafts
                .iter()
                .filter(|d| quoted_from(&fact.columns["quote"], &d["quote"]))
                .map(|d| d["value"].as_str())
                .collect();
            s.misses.push(format!(
                "{label}: no draft; drafted from its sentence: {}; quote: {:?}",
                if near.is_empty() {
                    "nothing".to_string()
                } else {
                    near.join(", ")
                },
                shorten(&fact.columns["quote"])
            ));
            continue;
        };
        s.matched += 1;
        if is_exact {
            s.exact += 1;
        } else {
            s.inexact.push(format!(
                "{label}: drafted value {:?} value_high {:?} unit {:?}",
                draft["value"], draft["value_high"], draft["unit"]
            ));
        }
        let mut wrong = Vec::new();
        for (i, field) in FIELDS.iter().enumerate() {
            if agrees(field, &draft[*field], &fact.columns[*field]) {
                s.agree[i] += 1;
            } else {
                wrong.push(format!(
                    "{field} {:?} (reviewed {:?})",
                    draft[*field], fact.columns[*field]
                ));
            }
        }
        let held_wrong = FIELDS[..HELD_FIELDS]
            .iter()
            .any(|f| !agrees(f, &draft[*f], &fact.columns[*f]));
        if held_wrong {
            let cue = draft.get("cue").map_or("", String::as_str);
            s.wrong.push(format!(
                "{label}: drafted {}; cue: {cue:?}",
                wrong.join(", ")
            ));
        }
    }
    s
}

/// `#ID metric segment period measure value`, how a developer finds the fact again.
fn describe(fact: &Fact) -> String {
    let c = &fact.columns;
    let high = if c["value_high"].is_empty() {
        String::new()
    } else {
        format!("-{}", c["value_high"])
    };
    format!(
        "#{} {}{} {} {} {}{high} {}",
        fact.id,
        c["metric"],
        if c["segment"].is_empty() {
            String::new()
        } else {
            format!(" [{}]", c["segment"])
        },
        c["period"],
        c["measure"],
        c["value"],
        c["unit"]
    )
}

fn shorten(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(MAX).collect::<String>())
    }
}

/// A measured document: its name, the command that drafted it and its score.
pub struct Measured {
    pub name: String,
    pub command: String,
    pub score: Score,
}

/// Drafts a document and scores the drafts against its reviewed facts.
pub fn measure(doc: &Document) -> Measured {
    let facts = reviewed(doc);
    assert!(
        !facts.is_empty(),
        "{}: no reviewed fact names it in its note",
        doc.name
    );
    let drafts = drafts(doc);
    Measured {
        name: doc.name.clone(),
        command: format!("amzdb {}", extract_args(doc).join(" ")),
        score: score(&facts, &drafts),
    }
}

/// The table of figures: one line per document and the total.
pub fn table(measured: &[Measured]) -> String {
    let mut out = format!(
        "{:<26} {:>6} {:>6} {:>17} {:>17}",
        "document", "claims", "drafts", "recall", "values exact"
    );
    for field in FIELDS {
        out.push_str(&format!(" {:>17}", field));
    }
    out.push('\n');
    let mut total = Score::default();
    let mut line = |name: &str, s: &Score| {
        out.push_str(&format!(
            "{:<26} {:>6} {:>6} {:>17} {:>17}",
            name,
            s.claims,
            s.drafts,
            fraction(s.matched, s.claims, s.recall()),
            fraction(s.exact, s.matched, s.exact_pct())
        ));
        for i in 0..FIELDS.len() {
            out.push_str(&format!(
                " {:>17}",
                fraction(s.agree[i], s.matched, s.agree_pct(i))
            ));
        }
        out.push('\n');
    };
    for m in measured {
        line(&m.name, &m.score);
        total.add(&m.score);
    }
    line("total", &total);
    out
}

/// The text of a document as amzdb reads it (HTML through amzdb's own reader), with
/// whitespace collapsed: where a fixture's quotes must be found verbatim.
pub fn document_text(path: &Path) -> String {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = match amzdb::extract::text::check(path) {
        Ok(amzdb::extract::text::Kind::Html) => amzdb::extract::text::html_text(&raw),
        Ok(_) => raw,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The quotes of a document's reviewed facts that are not in its text (whitespace
/// collapsed), as `#ID quote` lines.
pub fn quotes_not_in_document(doc: &Document) -> Vec<String> {
    let text = document_text(&doc.path);
    reviewed(doc)
        .iter()
        .filter(|f| {
            let quote = f.columns["quote"]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            !text.contains(&quote)
        })
        .map(|f| format!("#{} {:?}", f.id, f.columns["quote"]))
        .collect()
}
