//! The SEC's Financial Statement Data Sets (FSDS): one quarter as the SEC publishes it, a
//! zip of tab-separated `sub.txt` (submissions), `num.txt` (numbers), `tag.txt` (tags) and
//! `pre.txt` (presentation, not used here), or the same files unpacked into a folder.
//!
//! `open` reads `sub.txt` (companies and filings) and `tag.txt` (labels, custom flags) into
//! memory; `num.txt`, which is large, is streamed row by row from the zip entry or file in
//! `for_each_fact`, so memory does not grow with it. Columns are found by their header
//! names; quoting is off, so a stray `"` is data. Only consolidated figures become facts:
//! rows for a co-registrant or a dimensional segment, and rows without a value, are counted
//! in `Skipped`.

use super::archive::{self, listed};
use super::{Company, Described, Filing, SecFact, SecReader, Skipped};
use crate::error::{Error, Problem, Problems, Result};
use crate::ingest::{is_too_long, RecordLimit, MAX_COLUMNS};
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

const NUM: &str = "num.txt";
const SUB: &str = "sub.txt";
const TAG: &str = "tag.txt";

/// Whether a path is meant as an FSDS quarter: a zip (amzdb reads no other zips, so a
/// zip that lacks the files or is damaged is reported as such, not read as CSV), or a
/// folder holding num.txt or sub.txt.
pub fn looks_like(path: &Path) -> bool {
    if path.is_dir() {
        return path.join(NUM).is_file() || path.join(SUB).is_file();
    }
    archive::is_zip(path)
}

/// Whether a zip holds an FSDS quarter's files (num.txt or sub.txt, in any folder).
pub fn holds_quarter<'a>(mut names: impl Iterator<Item = &'a str>) -> bool {
    names.any(|n| {
        !n.starts_with("__MACOSX/")
            && [NUM, SUB].iter().any(|f| {
                n.strip_suffix(f)
                    .is_some_and(|folder| folder.is_empty() || folder.ends_with('/'))
            })
    })
}

/// What to do about a zip entry that cannot be inflated.
const ADVICE: &str = "download the quarter again";

/// What to say about a file that is not an FSDS quarter.
const EXPECTED: &str =
    "expected an FSDS quarter: the SEC's zip, or a folder holding sub.txt and num.txt";

/// Opens a zip or folder and reads sub.txt (and tag.txt when present, for labels and the custom flag).
/// Problems with the files (missing num.txt or sub.txt, unreadable zip, bad sub.txt rows) come back
/// as Err(problems), the first `Problems::CAP` of them kept.
pub fn open(path: &Path) -> Result<std::result::Result<FsdsReader, Problems>> {
    let name = path.display().to_string();
    let mut problems = Problems::default();
    let mut source = if path.is_dir() {
        Source::Dir(path.to_path_buf())
    } else {
        match Source::zip(path)? {
            Ok(source) => source,
            Err(p) => {
                problems.push(p);
                return Ok(Err(problems));
            }
        }
    };

    // num.txt is only streamed later, but it must be there and name the columns it needs.
    let num_file = source.file_name(NUM);
    let mut report = |p| problems.push(p);
    match source.with_entry(NUM, |r| read_header(&mut tsv_reader(r), &num_file))? {
        Ok(Ok(header)) => {
            NumColumns::find(&header, &num_file, &mut report);
        }
        Ok(Err(p)) | Err(p) => report(p),
    }

    let sub_file = source.file_name(SUB);
    let subs = match source.with_entry(SUB, |r| read_sub(r, &sub_file, &mut report))? {
        Ok(subs) => subs,
        Err(p) => {
            report(p);
            Vec::new()
        }
    };

    let tag_file = source.file_name(TAG);
    let tags = if source.has(TAG) {
        match source.with_entry(TAG, |r| read_tags(r, &tag_file, &mut report))? {
            Ok(tags) => tags,
            Err(p) => {
                report(p);
                Tags::default()
            }
        }
    } else {
        Tags::default()
    };

    if !problems.is_empty() {
        return Ok(Err(problems));
    }

    let (companies, filings) = companies_and_filings(subs);
    let accessions = filings.iter().map(|f| f.accession.clone()).collect();
    Ok(Ok(FsdsReader {
        described: Described {
            name,
            companies,
            filings,
        },
        source,
        num_file,
        accessions,
        tags,
    }))
}

/// One FSDS quarter, opened: its companies and filings in memory, its numbers streamed.
pub struct FsdsReader {
    source: Source,
    /// How problems name num.txt: `<zip>!num.txt` or `<folder>/num.txt`.
    num_file: String,
    described: Described,
    accessions: HashSet<String>,
    tags: Tags,
}

impl fmt::Debug for FsdsReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FsdsReader")
            .field("name", &self.described.name)
            .field("companies", &self.described.companies.len())
            .field("filings", &self.described.filings.len())
            .finish_non_exhaustive()
    }
}

impl SecReader for FsdsReader {
    fn described(&self) -> &Described {
        &self.described
    }

    fn for_each_fact(
        &mut self,
        each: &mut dyn FnMut(SecFact) -> Result<()>,
        problem: &mut dyn FnMut(Problem),
    ) -> Result<Skipped> {
        let FsdsReader {
            source,
            num_file,
            accessions,
            tags,
            ..
        } = self;
        let known = Known {
            file: num_file,
            accessions,
            tags,
        };
        match source.with_entry(NUM, |r| read_num(r, &known, each, &mut *problem))? {
            Ok(skipped) => Ok(skipped),
            Err(p) => {
                problem(p);
                Ok(Skipped::default())
            }
        }
    }
}

/// Where the quarter's files are.
enum Source {
    Zip {
        path: PathBuf,
        archive: ZipArchive<File>,
        /// The folder inside the zip that holds the files (`2009q1/`), or nothing.
        folder: String,
    },
    Dir(PathBuf),
}

impl Source {
    /// Opens a zip. The files may sit in one folder inside it (a quarter zipped as a
    /// folder): they are read from there. A zip that cannot be read is a problem.
    fn zip(path: &Path) -> Result<std::result::Result<Source, Problem>> {
        let name = path.display().to_string();
        let archive = match archive::open(path, EXPECTED, ADVICE)? {
            Ok(archive) => archive,
            Err(p) => return Ok(Err(p)),
        };
        let mut folders: Vec<&str> = archive
            .file_names()
            .filter(|n| !n.starts_with("__MACOSX/"))
            .filter_map(|n| n.strip_suffix(NUM).or_else(|| n.strip_suffix(SUB)))
            .filter(|folder| folder.is_empty() || folder.ends_with('/'))
            .collect();
        folders.sort_unstable();
        folders.dedup();
        let folder = match folders[..] {
            [] => String::new(),
            [one] => one.to_string(),
            _ => {
                return Ok(Err(Problem::file(
                    &name,
                    format!(
                        "holds FSDS files in {} folders ({}); amzdb reads one quarter a zip: \
                         give each quarter its own zip or folder",
                        folders.len(),
                        listed(folders.iter().copied())
                    ),
                )))
            }
        };
        Ok(Ok(Source::Zip {
            path: path.to_path_buf(),
            archive,
            folder,
        }))
    }

    /// How messages name one of the quarter's files: `<zip>!num.txt` or `<folder>/num.txt`.
    fn file_name(&self, entry: &str) -> String {
        match self {
            Source::Zip { path, folder, .. } => format!("{}!{folder}{entry}", path.display()),
            Source::Dir(dir) => dir.join(entry).display().to_string(),
        }
    }

    fn has(&self, entry: &str) -> bool {
        match self {
            Source::Zip {
                archive, folder, ..
            } => archive
                .index_for_name(&format!("{folder}{entry}"))
                .is_some(),
            Source::Dir(dir) => dir.join(entry).exists(),
        }
    }

    /// Runs `read` on one file's bytes, streamed. A missing or unreadable entry is a
    /// problem; an I/O error (here or from `read`) is an error.
    fn with_entry<T>(
        &mut self,
        entry: &str,
        read: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<std::result::Result<T, Problem>> {
        const HOLDS: &str = "an FSDS quarter holds sub.txt and num.txt (and tag.txt for labels)";
        match self {
            Source::Zip {
                path,
                archive,
                folder,
            } => {
                let inner = format!("{folder}{entry}");
                if archive.index_for_name(&inner).is_none() {
                    return Ok(Err(Problem::file(
                        &path.display().to_string(),
                        format!(
                            "{inner} not found in the zip (it holds: {}); {HOLDS}",
                            listed(archive.file_names())
                        ),
                    )));
                }
                archive::with_entry(archive, path, &inner, ADVICE, read)
            }
            Source::Dir(dir) => match File::open(dir.join(entry)) {
                Ok(mut file) => Ok(Ok(read(&mut file)?)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Err(Problem::file(
                    &dir.join(entry).display().to_string(),
                    format!("not found; {HOLDS}"),
                ))),
                Err(e) => Err(Error::io(dir.join(entry), e)),
            },
        }
    }
}

/// A reader of the SEC's tab-separated files: no quoting, the header read as a row (so
/// that every row knows its line), rows of any width (checked against the header here),
/// no line over the limit CSV has (the csv reader holds a whole line in memory).
type Tsv<'a> = csv::Reader<RecordLimit<&'a mut dyn Read>>;

fn tsv_reader(r: &mut dyn Read) -> Tsv<'_> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(RecordLimit::unquoted(r))
}

/// Reads the next row; `Ok(None)` at the end. A row that is not UTF-8 is reported to
/// `problem` and passed over; a line over the limit or a damaged zip is reported and ends
/// the file; an I/O error stops the reading.
fn next_row(
    rdr: &mut Tsv<'_>,
    row: &mut csv::StringRecord,
    file: &str,
    header: &[String],
    problem: &mut dyn FnMut(Problem),
) -> Result<Option<u64>> {
    loop {
        match rdr.read_record(row) {
            Ok(false) => return Ok(None),
            Ok(true) => return Ok(Some(row.position().map_or(0, |p| p.line()))),
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { pos, err } => {
                    let mut p = Problem::file(file, "not valid UTF-8");
                    if let Some(pos) = pos {
                        p = p.at(pos.line());
                    }
                    p.column = Some(
                        header
                            .get(err.field())
                            .cloned()
                            .unwrap_or_else(|| format!("field {}", err.field() + 1)),
                    );
                    problem(p);
                }
                _ => {
                    problem(read_problem(e, file)?);
                    return Ok(None);
                }
            },
        }
    }
}

/// A failure to read one of the quarter's files: a line over the limit or a damaged zip
/// is a problem of the file; anything else (a failing disk) is an error.
fn read_problem(e: csv::Error, file: &str) -> Result<Problem> {
    match e.into_kind() {
        csv::ErrorKind::Io(e) if is_too_long(&e) => Ok(Problem::file(
            file,
            format!("{e}; is this one of the SEC's tab-separated files?"),
        )),
        csv::ErrorKind::Io(e) if archive::damage(&e).is_some() => {
            Ok(Problem::file(file, e.to_string()))
        }
        csv::ErrorKind::Io(e) => Err(Error::io(file, e)),
        other => Err(Error::io(file, io::Error::other(format!("{other:?}")))),
    }
}

/// The header row: column names, trimmed and lowercased.
fn read_header(rdr: &mut Tsv<'_>, file: &str) -> Result<std::result::Result<Vec<String>, Problem>> {
    let mut row = csv::StringRecord::new();
    match rdr.read_record(&mut row) {
        Ok(true) if row.len() > MAX_COLUMNS => Ok(Err(Problem::file(
            file,
            format!(
                "the header has {} columns; the SEC's files have at most {MAX_COLUMNS}",
                row.len()
            ),
        )
        .at(1))),
        Ok(true) => Ok(Ok(row
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
            .collect())),
        Ok(false) => Ok(Err(Problem::file(
            file,
            "empty; expected a header row naming the columns",
        )
        .at(1))),
        Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => Ok(Err(Problem::file(
            file,
            "the header row is not valid UTF-8",
        )
        .at(1))),
        Err(e) => Ok(Err(read_problem(e, file)?)),
    }
}

/// The positions of the named columns; a missing required column is a problem (and None).
fn required<const N: usize>(
    header: &[String],
    names: [&str; N],
    file: &str,
    problem: &mut dyn FnMut(Problem),
) -> Option<[usize; N]> {
    let mut found = [0; N];
    let mut ok = true;
    for (slot, name) in found.iter_mut().zip(names) {
        match optional(header, name) {
            Some(i) => *slot = i,
            None => {
                ok = false;
                problem(
                    Problem::file(
                        file,
                        format!(
                            "the header has no column '{name}' (it names: {})",
                            header.join(", ")
                        ),
                    )
                    .at(1),
                );
            }
        }
    }
    ok.then_some(found)
}

fn optional(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// A row of the wrong width: the problem to report.
fn width_problem(file: &str, line: u64, expected: usize, found: usize) -> Problem {
    Problem::file(
        file,
        format!(
            "wrong number of fields: expected {expected} tab-separated fields as in the header, \
             found {found}"
        ),
    )
    .at(line)
}

fn bad(file: &str, line: u64, column: &str, value: &str, expected: &str) -> Problem {
    Problem::file(file, expected).at(line).column(column, value)
}

/// `YYYYMMDD`.
fn parse_yyyymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = s[0..4].parse().ok()?;
    let month = s[4..6].parse().ok()?;
    let day = s[6..8].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `MMDD` (a fiscal year end) as `MM-DD`; 0229 is a valid year end.
fn parse_mmdd(s: &str) -> Option<String> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(2000, s[0..2].parse().ok()?, s[2..4].parse().ok()?)?;
    Some(format!("{}-{}", &s[0..2], &s[2..4]))
}

// ---- sub.txt ----

struct Sub {
    adsh: String,
    cik: i64,
    name: String,
    form: String,
    filed: NaiveDate,
    fye: Option<String>,
}

fn read_sub(r: &mut dyn Read, file: &str, report: &mut dyn FnMut(Problem)) -> Result<Vec<Sub>> {
    let mut rdr = tsv_reader(r);
    let header = match read_header(&mut rdr, file)? {
        Ok(header) => header,
        Err(p) => {
            report(p);
            return Ok(Vec::new());
        }
    };
    let Some([adsh, cik, name, form, filed]) = required(
        &header,
        ["adsh", "cik", "name", "form", "filed"],
        file,
        report,
    ) else {
        return Ok(Vec::new());
    };
    let fye = optional(&header, "fye");

    let mut subs = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut row = csv::StringRecord::new();
    while let Some(line) = next_row(&mut rdr, &mut row, file, &header, report)? {
        if row.len() != header.len() {
            report(width_problem(file, line, header.len(), row.len()));
            continue;
        }
        let mut ok = true;
        let mut check = |good: bool, column: &str, value: &str, expected: &str| {
            if !good {
                ok = false;
                report(bad(file, line, column, value, expected));
            }
        };
        let adsh_v = &row[adsh];
        check(
            super::is_accession(adsh_v),
            "adsh",
            adsh_v,
            "expected an accession number like 0001018724-26-000014",
        );
        let cik_v = &row[cik];
        let cik_n = cik_v.parse::<i64>().ok().filter(|&n| n > 0);
        check(
            cik_n.is_some(),
            "cik",
            cik_v,
            "expected a CIK (a positive whole number)",
        );
        let name_v = row[name].trim();
        check(
            !name_v.is_empty(),
            "name",
            name_v,
            "expected the registrant's name",
        );
        let form_v = row[form].trim();
        check(
            !form_v.is_empty(),
            "form",
            form_v,
            "expected a form type, e.g. 10-Q",
        );
        let filed_v = &row[filed];
        let filed_d = parse_yyyymmdd(filed_v);
        check(
            filed_d.is_some(),
            "filed",
            filed_v,
            "expected a date as YYYYMMDD",
        );
        let fye_v = fye.map_or("", |i| row[i].trim());
        let fye_s = parse_mmdd(fye_v);
        check(
            fye_v.is_empty() || fye_s.is_some(),
            "fye",
            fye_v,
            "expected a fiscal year end as MMDD (or nothing)",
        );
        if let Some(first) = seen.get(adsh_v) {
            check(
                false,
                "adsh",
                adsh_v,
                &format!("the same submission is listed again (first at line {first})"),
            );
        }
        let (true, Some(cik_n), Some(filed_d)) = (ok, cik_n, filed_d) else {
            continue;
        };
        seen.insert(adsh_v.to_string(), line);
        subs.push(Sub {
            adsh: adsh_v.to_string(),
            cik: cik_n,
            name: name_v.to_string(),
            form: form_v.to_string(),
            filed: filed_d,
            fye: fye_s,
        });
    }
    Ok(subs)
}

/// One company per CIK, in order of first appearance, named as in its latest submission
/// (and with the fiscal year end of its latest submission that gives one); one filing per
/// submission, in file order.
fn companies_and_filings(subs: Vec<Sub>) -> (Vec<Company>, Vec<Filing>) {
    let mut companies: Vec<Company> = Vec::new();
    // cik -> (index in companies, filed date the name came from, filed date the fye came from)
    let mut index: HashMap<i64, (usize, NaiveDate, Option<NaiveDate>)> = HashMap::new();
    let mut filings = Vec::with_capacity(subs.len());
    for sub in subs {
        match index.get_mut(&sub.cik) {
            None => {
                let fye_date = sub.fye.as_ref().map(|_| sub.filed);
                index.insert(sub.cik, (companies.len(), sub.filed, fye_date));
                companies.push(Company {
                    cik: sub.cik,
                    name: sub.name,
                    fiscal_year_end: sub.fye,
                });
            }
            Some((i, name_date, fye_date)) => {
                let company = &mut companies[*i];
                if sub.filed >= *name_date {
                    *name_date = sub.filed;
                    company.name = sub.name;
                }
                if sub.fye.is_some() && fye_date.is_none_or(|d| sub.filed >= d) {
                    *fye_date = Some(sub.filed);
                    company.fiscal_year_end = sub.fye;
                }
            }
        }
        filings.push(Filing {
            accession: sub.adsh,
            document: None,
            cik: sub.cik,
            form: sub.form,
            filed: Some(sub.filed),
        });
    }
    (companies, filings)
}

// ---- tag.txt ----

struct TagInfo {
    custom: bool,
    label: Option<String>,
}

/// version -> tag -> what tag.txt says (looked up by `&str`, no allocation per row).
#[derive(Default)]
struct Tags(HashMap<String, HashMap<String, TagInfo>>);

impl Tags {
    fn get(&self, version: &str, tag: &str) -> Option<&TagInfo> {
        self.0.get(version)?.get(tag)
    }
}

fn read_tags(r: &mut dyn Read, file: &str, report: &mut dyn FnMut(Problem)) -> Result<Tags> {
    let mut tags = Tags::default();
    let mut rdr = tsv_reader(r);
    let header = match read_header(&mut rdr, file)? {
        Ok(header) => header,
        Err(p) => {
            report(p);
            return Ok(tags);
        }
    };
    let Some([tag, version]) = required(&header, ["tag", "version"], file, report) else {
        return Ok(tags);
    };
    let custom = optional(&header, "custom");
    let tlabel = optional(&header, "tlabel");
    let mut row = csv::StringRecord::new();
    while let Some(line) = next_row(&mut rdr, &mut row, file, &header, report)? {
        if row.len() != header.len() {
            report(width_problem(file, line, header.len(), row.len()));
            continue;
        }
        let custom_v = custom.map_or("", |i| row[i].trim());
        let is_custom = match custom_v {
            "1" => true,
            "0" | "" => false,
            _ => {
                report(bad(
                    file,
                    line,
                    "custom",
                    custom_v,
                    "expected 1 (custom) or 0 (standard)",
                ));
                continue;
            }
        };
        let label = tlabel
            .map(|i| row[i].trim())
            .filter(|l| !l.is_empty())
            .map(str::to_string);
        tags.0
            .entry(row[version].to_string())
            .or_default()
            .entry(row[tag].to_string())
            .or_insert(TagInfo {
                custom: is_custom,
                label,
            });
    }
    Ok(tags)
}

// ---- num.txt ----

struct NumColumns {
    adsh: usize,
    tag: usize,
    version: usize,
    ddate: usize,
    qtrs: usize,
    uom: usize,
    value: usize,
    segments: Option<usize>,
    coreg: Option<usize>,
    width: usize,
}

impl NumColumns {
    fn find(header: &[String], file: &str, problem: &mut dyn FnMut(Problem)) -> Option<Self> {
        let [adsh, tag, version, ddate, qtrs, uom, value] = required(
            header,
            ["adsh", "tag", "version", "ddate", "qtrs", "uom", "value"],
            file,
            problem,
        )?;
        Some(NumColumns {
            adsh,
            tag,
            version,
            ddate,
            qtrs,
            uom,
            value,
            segments: optional(header, "segments"),
            coreg: optional(header, "coreg"),
            width: header.len(),
        })
    }
}

/// What num.txt rows are checked against.
struct Known<'a> {
    file: &'a str,
    accessions: &'a HashSet<String>,
    tags: &'a Tags,
}

/// The concept of each (version, tag) met so far in num.txt, named and checked once: a
/// tag repeats on many rows, and naming and checking it per row cost about a fifth of
/// the reading.
#[derive(Default)]
struct Concepts(HashMap<String, HashMap<String, Concept>>);

struct Concept {
    /// `taxonomy:Tag`, or `ext:Tag` for a custom tag.
    name: String,
    custom: bool,
    label: Option<String>,
    /// Why the name cannot be a concept, if it cannot.
    problem: Option<String>,
}

impl Concepts {
    fn of(&mut self, version: &str, tag: &str, tags: &Tags) -> &Concept {
        if !self.0.get(version).is_some_and(|t| t.contains_key(tag)) {
            let info = tags.get(version, tag);
            let custom = super::is_accession(version) || info.is_some_and(|t| t.custom);
            let prefix = if custom {
                "ext"
            } else {
                version.split('/').next().unwrap_or(version)
            };
            let name = format!("{prefix}:{tag}");
            let concept = Concept {
                problem: super::concept_problem(&name),
                name,
                custom,
                label: info.and_then(|t| t.label.clone()),
            };
            self.0
                .entry(version.to_string())
                .or_default()
                .insert(tag.to_string(), concept);
        }
        &self.0[version][tag]
    }
}

enum Row {
    Fact(SecFact),
    CoregOrSegment,
    NoValue,
    Bad,
}

fn read_num(
    r: &mut dyn Read,
    known: &Known<'_>,
    each: &mut dyn FnMut(SecFact) -> Result<()>,
    problem: &mut dyn FnMut(Problem),
) -> Result<Skipped> {
    let mut skipped = Skipped::default();
    let mut rdr = tsv_reader(r);
    let header = match read_header(&mut rdr, known.file)? {
        Ok(header) => header,
        Err(p) => {
            problem(p);
            return Ok(skipped);
        }
    };
    let Some(cols) = NumColumns::find(&header, known.file, problem) else {
        return Ok(skipped);
    };
    let mut row = csv::StringRecord::new();
    let mut concepts = Concepts::default();
    while let Some(line) = next_row(&mut rdr, &mut row, known.file, &header, problem)? {
        match num_row(&row, line, &cols, known, &mut concepts, problem) {
            Row::Fact(fact) => each(fact)?,
            Row::CoregOrSegment => skipped.coreg_or_segment += 1,
            Row::NoValue => skipped.no_value += 1,
            Row::Bad => {}
        }
    }
    Ok(skipped)
}

fn num_row(
    row: &csv::StringRecord,
    line: u64,
    cols: &NumColumns,
    known: &Known<'_>,
    concepts: &mut Concepts,
    problem: &mut dyn FnMut(Problem),
) -> Row {
    let file = known.file;
    if row.len() != cols.width {
        problem(width_problem(file, line, cols.width, row.len()));
        return Row::Bad;
    }
    let filled = |i: Option<usize>| i.is_some_and(|i| !row[i].trim().is_empty());
    if filled(cols.coreg) || filled(cols.segments) {
        return Row::CoregOrSegment;
    }
    let value = &row[cols.value];
    if value.trim().is_empty() {
        return Row::NoValue;
    }

    let mut ok = true;
    let mut check = |good: bool, column: &str, v: &str, expected: &str| {
        if !good {
            ok = false;
            problem(bad(file, line, column, v, expected));
        }
    };
    let adsh = &row[cols.adsh];
    check(
        known.accessions.contains(adsh),
        "adsh",
        adsh,
        "expected the accession number of a submission listed in sub.txt",
    );
    let tag = &row[cols.tag];
    check(!tag.trim().is_empty(), "tag", tag, "expected a tag name");
    let version = &row[cols.version];
    check(
        !version.trim().is_empty(),
        "version",
        version,
        "expected a taxonomy version (e.g. us-gaap/2009) or an accession number",
    );
    let ddate_v = &row[cols.ddate];
    let ddate = parse_yyyymmdd(ddate_v);
    check(
        ddate.is_some(),
        "ddate",
        ddate_v,
        "expected a date as YYYYMMDD",
    );
    let qtrs_v = &row[cols.qtrs];
    let qtrs = qtrs_v
        .parse::<u32>()
        .ok()
        .filter(|q| *q <= super::MAX_QUARTERS);
    check(
        qtrs.is_some(),
        "qtrs",
        qtrs_v,
        "expected a whole number of quarters from 0 (an instant) to 40",
    );
    let uom = &row[cols.uom];
    check(
        !uom.trim().is_empty(),
        "uom",
        uom,
        "expected a unit of measure, e.g. USD",
    );
    let amount = Decimal::from_str_exact(value).ok();
    check(
        amount.is_some(),
        "value",
        value,
        "expected a number, exactly representable (e.g. 78000000.0000)",
    );
    let (Some(end), Some(qtrs), Some(amount)) = (ddate, qtrs, amount) else {
        return Row::Bad;
    };
    let start = if qtrs == 0 {
        None
    } else {
        let begin = qtrs
            .checked_mul(3)
            .and_then(|months| end.succ_opt()?.checked_sub_months(Months::new(months)));
        check(
            begin.is_some(),
            "qtrs",
            qtrs_v,
            "expected a number of quarters that ends at ddate within the calendar",
        );
        begin
    };
    let concept = concepts.of(version, tag, known.tags);
    if let Some(message) = &concept.problem {
        check(
            false,
            if concept.custom { "tag" } else { "version" },
            &concept.name,
            message,
        );
    }
    if !ok {
        return Row::Bad;
    }

    let decimals = super::inferred_decimals(&concept.name, amount);
    Row::Fact(SecFact {
        concept: concept.name.clone(),
        label: concept.label.clone(),
        unit: uom.to_string(),
        start,
        end,
        value: amount,
        accession: adsh.to_string(),
        line,
        dimensions: Vec::new(),
        decimals,
    })
}

#[cfg(test)]
// Tests say on stderr why they skip; a closed stderr is no concern there.
#[allow(clippy::disallowed_macros)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::str::FromStr;
    use std::time::Instant;

    const REAL_ZIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/sec/fsds-2009q3.zip");
    /// num.txt data rows in fsds-2009q3.zip (shared/sec/README.md).
    const REAL_NUM_ROWS: u64 = 126_650;
    const AMAZON_10Q: &str = "0001193125-09-154174";

    /// The real zip, or None (with the reason printed) when it is absent outside CI.
    fn real_zip() -> Option<PathBuf> {
        let path = PathBuf::from(REAL_ZIP);
        if path.is_file() {
            return Some(path);
        }
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{REAL_ZIP} is missing (required when CI=true)");
        }
        eprintln!("skipped: {REAL_ZIP} is not there");
        None
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    struct Read {
        facts: Vec<SecFact>,
        problems: Vec<Problem>,
        skipped: Skipped,
    }

    fn read_all(reader: &mut FsdsReader) -> Read {
        let mut facts = Vec::new();
        let mut problems = Vec::new();
        let skipped = reader
            .for_each_fact(
                &mut |f| {
                    facts.push(f);
                    Ok(())
                },
                &mut |p| problems.push(p),
            )
            .unwrap();
        Read {
            facts,
            problems,
            skipped,
        }
    }

    fn open_ok(path: &Path) -> FsdsReader {
        match open(path).unwrap() {
            Ok(reader) => reader,
            Err(problems) => panic!("{path:?}: {problems:#?}"),
        }
    }

    fn open_problems(path: &Path) -> Vec<Problem> {
        open(path).unwrap().expect_err("expected problems").shown
    }

    fn find<'a>(facts: &'a [SecFact], concept: &str, start: &str, end: &str) -> &'a SecFact {
        facts
            .iter()
            .find(|f| {
                f.accession == AMAZON_10Q
                    && f.concept == concept
                    && f.start == Some(date(start))
                    && f.end == date(end)
            })
            .unwrap_or_else(|| panic!("no {concept} {start}..{end} in {AMAZON_10Q}"))
    }

    fn check_amazon(reader: &FsdsReader, read: &Read) {
        let amazon = reader
            .companies()
            .iter()
            .find(|c| c.cik == 1018724)
            .unwrap();
        assert_eq!(amazon.name, "AMAZON COM INC");
        assert_eq!(amazon.fiscal_year_end.as_deref(), Some("12-31"));
        let filing = reader
            .filings()
            .iter()
            .find(|f| f.accession == AMAZON_10Q)
            .unwrap();
        assert_eq!(
            filing,
            &Filing {
                accession: AMAZON_10Q.into(),
                document: None,
                cik: 1018724,
                form: "10-Q".into(),
                filed: Some(date("2009-07-24")),
            }
        );
        let capex = "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment";
        let q2 = find(&read.facts, capex, "2009-04-01", "2009-06-30");
        assert_eq!(q2.value, dec("78000000"));
        assert_eq!(q2.value.to_string(), "78000000.0000", "kept as written");
        assert_eq!(q2.unit, "USD");
        assert!(q2.label.is_some(), "label from tag.txt");
        assert!(q2.line > 1);
        assert_eq!(
            find(&read.facts, capex, "2009-01-01", "2009-06-30").value,
            dec("133000000")
        );
        assert_eq!(
            find(&read.facts, capex, "2008-07-01", "2009-06-30").value,
            dec("336000000")
        );
        let ocf = "us-gaap:NetCashProvidedByUsedInOperatingActivities";
        assert_eq!(
            find(&read.facts, ocf, "2009-04-01", "2009-06-30").value,
            dec("468000000")
        );
        assert!(
            read.problems.is_empty(),
            "{:#?}",
            &read.problems[..read.problems.len().min(5)]
        );
        let total = read.facts.len() as u64 + read.skipped.coreg_or_segment + read.skipped.no_value;
        assert_eq!(total, REAL_NUM_ROWS);
        assert!(read.skipped.coreg_or_segment > 0 && read.skipped.no_value > 0);
    }

    #[test]
    fn real_zip_amazon_10q_q2_2009() {
        let Some(path) = real_zip() else { return };
        assert!(looks_like(&path));
        let mut reader = open_ok(&path);
        assert_eq!(reader.name(), path.display().to_string());
        assert_eq!(reader.filings().len(), 435);
        let started = Instant::now();
        let read = read_all(&mut reader);
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "fsds-2009q3 num.txt: {REAL_NUM_ROWS} rows in {secs:.3}s = {:.0} rows/s",
            REAL_NUM_ROWS as f64 / secs
        );
        check_amazon(&reader, &read);
        // Custom tags get the prefix ext; a second pass reads the same again.
        assert!(read.facts.iter().any(|f| f.concept.starts_with("ext:")));
        assert!(read.facts.iter().all(|f| !f.concept.starts_with("000")));
        let again = read_all(&mut reader);
        assert_eq!(again.facts.len(), read.facts.len());
    }

    #[test]
    fn real_zip_2010q2_reads_cleanly() {
        let Some(q3) = real_zip() else { return };
        let path = q3.with_file_name("fsds-2010q2.zip");
        if !path.is_file() {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "{path:?} is missing"
            );
            eprintln!("skipped: {path:?} is not there");
            return;
        }
        let mut reader = open_ok(&path);
        let read = read_all(&mut reader);
        assert!(
            read.problems.is_empty(),
            "{:#?}",
            &read.problems[..read.problems.len().min(5)]
        );
        let total = read.facts.len() as u64 + read.skipped.coreg_or_segment + read.skipped.no_value;
        assert_eq!(total, 136_044, "num.txt data rows (shared/sec/README.md)");
        let q1 = read
            .facts
            .iter()
            .find(|f| {
                f.accession == "0001193125-10-090367"
                    && f.concept == "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment"
                    && f.start == Some(date("2010-01-01"))
                    && f.end == date("2010-03-31")
            })
            .expect("Amazon's capex for Q1 2010");
        assert_eq!(q1.value, dec("140000000"));
    }

    #[test]
    fn real_folder_reads_the_same_facts() {
        let Some(path) = real_zip() else { return };
        let dir = tempfile::TempDir::new().unwrap();
        ZipArchive::new(File::open(&path).unwrap())
            .unwrap()
            .extract(dir.path())
            .unwrap();
        assert!(looks_like(dir.path()));
        let mut from_zip = open_ok(&path);
        let mut from_dir = open_ok(dir.path());
        assert_eq!(from_dir.companies(), from_zip.companies());
        assert_eq!(from_dir.filings(), from_zip.filings());
        let zip_read = read_all(&mut from_zip);
        let dir_read = read_all(&mut from_dir);
        check_amazon(&from_dir, &dir_read);
        assert_eq!(dir_read.skipped, zip_read.skipped);
        assert!(dir_read.facts == zip_read.facts);
    }

    // ---- hand-written fixtures ----

    const SUB_TXT: &str = "adsh\tcik\tname\tsic\tfye\tform\tfiled\n\
        0000000001-09-000001\t42\tOLD NAME INC\t5961\t1231\t10-Q\t20090515\n\
        0000000001-09-000002\t42\tNEW NAME INC\t5961\t0131\t10-K\t20090801\n";
    const TAG_TXT: &str = "tag\tversion\tcustom\tabstract\ttlabel\n\
        Revenues\tus-gaap/2008\t0\t0\tRevenues\n\
        MyTag\t0000000001-09-000001\t1\t0\tMy own line\n\
        OddTag\tfoo/2009\t1\t0\t\n";
    const NUM_HEADER: &str =
        "adsh\ttag\tversion\tddate\tqtrs\tuom\tsegments\tcoreg\tvalue\tfootnote\n";

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::TempDir::new().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn zip_of(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
        let path = dir.join("quarter.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, text) in files {
            zip.start_file(*name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    #[test]
    fn folder_without_num_txt_is_a_problem() {
        let dir = folder(&[("sub.txt", SUB_TXT)]);
        assert!(looks_like(dir.path()), "to say what it lacks");
        let problems = open_problems(dir.path());
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(
            problems[0].file,
            dir.path().join("num.txt").display().to_string()
        );
        assert!(problems[0].message.contains("not found"));
    }

    #[test]
    fn zip_without_sub_txt_is_a_problem() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = zip_of(dir.path(), &[("num.txt", NUM_HEADER), ("tag.txt", TAG_TXT)]);
        assert!(
            looks_like(&path),
            "a zip is read as FSDS, to say what it lacks"
        );
        let problems = open_problems(&path);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].file, path.display().to_string());
        assert_eq!(
            problems[0].message,
            "sub.txt not found in the zip (it holds: num.txt, tag.txt); an FSDS quarter holds \
             sub.txt and num.txt (and tag.txt for labels)"
        );
    }

    #[test]
    fn not_a_zip_and_not_there_are_problems() {
        let dir = tempfile::TempDir::new().unwrap();
        let junk = dir.path().join("junk.zip");
        std::fs::write(&junk, "not a zip at all").unwrap();
        assert!(looks_like(&junk), "named .zip");
        let problems = open_problems(&junk);
        assert!(
            problems[0].message.contains("not a readable zip"),
            "{problems:#?}"
        );
        let problems = open_problems(&dir.path().join("absent.zip"));
        assert!(problems[0].message.contains("not found"), "{problems:#?}");
    }

    #[test]
    fn bad_rows_are_reported_and_good_rows_delivered() {
        let num = format!(
            "{NUM_HEADER}\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\t1\tUSD\t\t\t100.5000\t\n\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t2009-03-31\t1\tUSD\t\t\t1\t\n\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\t1\tUSD\t\t\t12,000\t\n\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\tone\tUSD\t\t\t1\t\n\
             0000000009-09-000009\tRevenues\tus-gaap/2008\t20090331\t1\tUSD\t\t\t1\t\n\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\t1\tUSD\n\
             0000000001-09-000002\tAssets\tus-gaap/2009\t20090731\t0\tUSD\t\t\t-7\t\"a\n\
             0000000001-09-000002\tAssets\tus-gaap/2009\t20090731\t0\tUSD\tSegment=X;\t\t5\t\n\
             0000000001-09-000002\tAssets\tus-gaap/2009\t20090731\t0\tUSD\t\tParent\t5\t\n\
             0000000001-09-000002\tAssets\tus-gaap/2009\t20090731\t0\tUSD\t\t\t\t\n"
        );
        let dir = folder(&[
            ("sub.txt", SUB_TXT),
            ("num.txt", &num),
            ("tag.txt", TAG_TXT),
        ]);
        assert!(looks_like(dir.path()));
        let mut reader = open_ok(dir.path());
        let read = read_all(&mut reader);
        let num_file = dir.path().join("num.txt").display().to_string();

        let at = |line: u64| -> Vec<&Problem> {
            read.problems
                .iter()
                .filter(|p| p.line == Some(line))
                .collect()
        };
        assert_eq!(read.problems.len(), 5, "{:#?}", read.problems);
        assert!(read.problems.iter().all(|p| p.file == num_file));
        let ddate = at(3);
        assert_eq!(ddate.len(), 1);
        assert_eq!(ddate[0].column.as_deref(), Some("ddate"));
        assert_eq!(ddate[0].value.as_deref(), Some("2009-03-31"));
        assert!(ddate[0].message.contains("YYYYMMDD"));
        let value = at(4);
        assert_eq!(value[0].column.as_deref(), Some("value"));
        assert_eq!(value[0].value.as_deref(), Some("12,000"));
        assert_eq!(at(5)[0].column.as_deref(), Some("qtrs"));
        assert_eq!(at(6)[0].column.as_deref(), Some("adsh"));
        assert!(at(6)[0].message.contains("sub.txt"));
        assert!(at(7)[0].message.contains("wrong number of fields"));

        assert_eq!(read.facts.len(), 2, "{:#?}", read.facts);
        let first = &read.facts[0];
        assert_eq!(first.concept, "us-gaap:Revenues");
        assert_eq!(first.label.as_deref(), Some("Revenues"));
        assert_eq!(first.start, Some(date("2009-01-01")));
        assert_eq!(first.end, date("2009-03-31"));
        assert_eq!(first.value.to_string(), "100.5000");
        assert_eq!(first.line, 2);
        let instant = &read.facts[1];
        assert_eq!((instant.start, instant.end), (None, date("2009-07-31")));
        assert_eq!(instant.value, dec("-7"));
        assert_eq!(
            instant.line, 8,
            "a stray quote is data, not the start of a quoted field"
        );
        assert_eq!(
            read.skipped,
            Skipped {
                coreg_or_segment: 2,
                no_value: 1,
                ..Skipped::default()
            }
        );
    }

    #[test]
    fn concepts_labels_periods_companies_and_an_old_num_txt() {
        // No segments column (older files); a custom tag by version and by tag.txt; dei.
        let num = "adsh\ttag\tversion\tddate\tqtrs\tuom\tcoreg\tvalue\tfootnote\n\
            0000000001-09-000001\tMyTag\t0000000001-09-000001\t20090331\t4\tUSD\t\t3\t\n\
            0000000001-09-000001\tOddTag\tfoo/2009\t20090228\t2\tUSD/shares\t\t0.25\t\n\
            0000000001-09-000001\tEntityCommonStockSharesOutstanding\tdei/2009\t20090430\t0\tshares\t\t1000\t\n\
            0000000001-09-000001\tUnlisted\tus-gaap/2009\t20081231\t3\tpure\t\t0.1234\t\n";
        let dir = tempfile::TempDir::new().unwrap();
        let path = zip_of(
            dir.path(),
            &[("sub.txt", SUB_TXT), ("num.txt", num), ("tag.txt", TAG_TXT)],
        );
        assert!(looks_like(&path));
        let mut reader = open_ok(&path);
        assert_eq!(
            reader.companies(),
            &[Company {
                cik: 42,
                name: "NEW NAME INC".into(),
                fiscal_year_end: Some("01-31".into()),
            }]
        );
        assert_eq!(reader.filings().len(), 2);
        let read = read_all(&mut reader);
        assert!(read.problems.is_empty(), "{:#?}", read.problems);
        let got: Vec<_> = read
            .facts
            .iter()
            .map(|f| {
                (
                    f.concept.as_str(),
                    f.label.as_deref(),
                    f.unit.as_str(),
                    f.start,
                    f.end,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "ext:MyTag",
                    Some("My own line"),
                    "USD",
                    Some(date("2008-04-01")),
                    date("2009-03-31")
                ),
                (
                    "ext:OddTag",
                    None,
                    "USD/shares",
                    Some(date("2008-09-01")),
                    date("2009-02-28")
                ),
                (
                    "dei:EntityCommonStockSharesOutstanding",
                    None,
                    "shares",
                    None,
                    date("2009-04-30")
                ),
                (
                    "us-gaap:Unlisted",
                    None,
                    "pure",
                    Some(date("2008-04-01")),
                    date("2008-12-31")
                ),
            ]
        );
    }

    #[test]
    fn bad_sub_rows_are_problems_at_open() {
        let sub = "adsh\tcik\tname\tform\tfiled\tfye\n\
            0000000001-09-000001\tx42\tA INC\t10-Q\t20090515\t1231\n\
            0000000001-09-000002\t42\tA INC\t10-Q\t2009-08-01\t1331\n\
            0000000001-09-000003\t42\tA INC\t10-Q\n";
        let dir = folder(&[("sub.txt", sub), ("num.txt", NUM_HEADER)]);
        let problems = open_problems(dir.path());
        let sub_file = dir.path().join("sub.txt").display().to_string();
        let cols: Vec<_> = problems
            .iter()
            .map(|p| (p.file == sub_file, p.line, p.column.as_deref()))
            .collect();
        assert_eq!(
            cols,
            vec![
                (true, Some(2), Some("cik")),
                (true, Some(3), Some("filed")),
                (true, Some(3), Some("fye")),
                (true, Some(4), None),
            ]
        );
    }

    #[test]
    fn an_error_from_each_stops_the_reading() {
        let num = format!(
            "{NUM_HEADER}\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\t1\tUSD\t\t\t1\t\n\
             0000000001-09-000001\tRevenues\tus-gaap/2008\t20090331\t2\tUSD\t\t\t2\t\n"
        );
        let dir = folder(&[("sub.txt", SUB_TXT), ("num.txt", &num)]);
        let mut reader = open_ok(dir.path());
        let mut seen = 0;
        let result = reader.for_each_fact(
            &mut |_| {
                seen += 1;
                Err(Error::Refused("stop".into()))
            },
            &mut |p| panic!("{p}"),
        );
        assert!(matches!(result, Err(Error::Refused(_))));
        assert_eq!(seen, 1);
    }
}
