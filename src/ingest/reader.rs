//! Reads one CSV input: recognises its kind from the header, checks the columns, and
//! yields rows as text fields with their line numbers. Accepts UTF-8 with or without
//! BOM, CRLF or LF, and quoted fields with commas and newlines.

use super::input::{CrlfToLf, HashingReader, Input};
use crate::error::{Problem, Result};
use crate::model::FileKind;
use std::io::{self, Read};

/// The longest record (a line, or lines joined by a quoted field) amzdb reads, so that an
/// absurd file (a gigabyte on one line, a quote that never closes) is refused with its
/// line number instead of filling memory. Real rows are a few hundred bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The most columns a header may have: every kind of file has fewer than 20, and a header
/// of a million columns is refused before amzdb builds (and checks) a million names.
pub const MAX_COLUMNS: usize = 100;

/// The columns of each kind of file: (required, optional).
fn columns(kind: FileKind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        FileKind::Entities => (&["ticker", "name", "fiscal_year_end"], &["cik"]),
        FileKind::Sources => (
            &["source", "publisher", "title", "kind"],
            &["published_on", "url", "accession", "form", "entity"],
        ),
        FileKind::Metrics => (&["metric", "name", "unit"], &["description"]),
        FileKind::Concepts => (&["concept", "metric"], &["note"]),
        FileKind::Segments => (&["axis", "member", "segment"], &["note"]),
        FileKind::Facts => (
            &[
                "entity",
                "metric",
                "period",
                "value",
                "unit",
                "disclosure_type",
                "source",
            ],
            &[
                "segment",
                "measure",
                "value_high",
                "qualifier",
                "basis",
                "published_on",
                "quote",
                "note",
                "concept",
                "precision",
                "dimensions",
                "scenario",
            ],
        ),
        FileKind::Watch => (
            &[
                "entity",
                "metric",
                "condition",
                "unit",
                "from_period",
                "source",
            ],
            &["segment", "measure", "low", "high", "quote", "note"],
        ),
        // SEC files are not CSV.
        FileKind::CompanyFacts | FileKind::Fsds | FileKind::Xbrl | FileKind::Ixbrl => (&[], &[]),
    }
}

/// Which kind of file a header belongs to, by the columns only that kind has.
fn recognise(header: &[String]) -> Option<FileKind> {
    let has = |c: &str| header.iter().any(|h| h == c);
    if has("axis") || has("member") {
        Some(FileKind::Segments)
    } else if has("condition") || has("from_period") {
        Some(FileKind::Watch)
    } else if has("value") || has("period") || has("disclosure_type") {
        Some(FileKind::Facts)
    } else if has("ticker") || has("fiscal_year_end") {
        Some(FileKind::Entities)
    } else if has("publisher") {
        Some(FileKind::Sources)
    } else if has("concept") {
        Some(FileKind::Concepts)
    } else if has("metric") {
        Some(FileKind::Metrics)
    } else {
        None
    }
}

/// An open CSV input whose header has been read and checked.
pub struct CsvFile {
    pub name: String,
    pub kind: FileKind,
    header: Vec<String>,
    reader: csv::Reader<RecordLimit<CrlfToLf<HashingReader>>>,
    record: csv::ByteRecord,
    /// Where each field of the current record ends (kept: no allocation a row).
    ends: Vec<usize>,
    /// Set after an error reading the file: nothing more is read from it.
    done: bool,
}

/// One data row: its line number and its fields, looked up by column name.
pub struct Row<'a> {
    pub line: u64,
    header: &'a [String],
    /// The record's fields one after another, and where each one ends.
    text: &'a str,
    ends: &'a [usize],
}

impl Row<'_> {
    /// The trimmed field of a column; empty when the file has no such column.
    pub fn get(&self, column: &str) -> &str {
        self.at(self.header.iter().position(|h| h == column))
    }

    /// The field, or None when it is empty.
    pub fn opt(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|v| !v.is_empty())
    }

    /// The trimmed field at a column's index (see `CsvFile::column`); empty for None.
    /// A facts file looks its columns up once, not by name in every row.
    pub fn at(&self, index: Option<usize>) -> &str {
        let Some(i) = index.filter(|i| *i < self.ends.len()) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..self.ends[i]).map_or("", str::trim)
    }
}

impl CsvFile {
    /// Opens an input and reads its header. Problems with the header (unknown kind,
    /// unknown or missing columns, empty file) are returned as problems.
    pub fn open(input: &Input) -> Result<std::result::Result<CsvFile, Vec<Problem>>> {
        let name = input.name();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(RecordLimit::new(CrlfToLf::new(input.open()?)));
        let mut record = csv::ByteRecord::new();
        let read = reader.read_byte_record(&mut record);
        let problem = |message: String| Ok(Err(vec![Problem::file(&name, message)]));
        match read {
            Ok(true) => {}
            Ok(false) => return problem("empty file; expected a header row".into()),
            Err(e) => return problem(format!("cannot read the header: {}", read_error(&e))),
        }
        if record.len() > MAX_COLUMNS {
            return Ok(Err(vec![Problem::file(
                &name,
                format!(
                    "the header has {} columns; amzdb files have at most {MAX_COLUMNS} \
                     (is this a CSV file of entities, sources, metrics, concepts or facts?)",
                    record.len()
                ),
            )
            .at(1)]));
        }
        let mut header = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => {
                    let text = if i == 0 {
                        text.trim_start_matches('\u{feff}')
                    } else {
                        text
                    };
                    header.push(text.trim().to_ascii_lowercase());
                }
                Err(e) => {
                    return Ok(Err(vec![Problem::file(&name, not_utf8(field, e)).at(1)]));
                }
            }
        }
        let Some(kind) = recognise(&header) else {
            return Ok(Err(vec![Problem::file(
                &name,
                format!(
                    "cannot tell the kind of file from its header {:?}; expected the columns of \
                     entities ({}), sources ({}), metrics ({}), facts ({}) or watch items ({})",
                    shortened(&header.join(",")),
                    all_columns(FileKind::Entities),
                    all_columns(FileKind::Sources),
                    all_columns(FileKind::Metrics),
                    all_columns(FileKind::Facts),
                    all_columns(FileKind::Watch),
                ),
            )
            .at(1)]));
        };
        let problems = check_header(&name, kind, &header);
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        Ok(Ok(CsvFile {
            name,
            kind,
            header,
            reader,
            record,
            ends: Vec::new(),
            done: false,
        }))
    }

    /// The index of a column in this file's header, if it has it.
    pub fn column(&self, column: &str) -> Option<usize> {
        self.header.iter().position(|h| h == column)
    }

    /// Reads the next row; a row that cannot be read is returned as a problem.
    pub fn next_row(&mut self) -> Option<std::result::Result<Row<'_>, Problem>> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => {
                // An error reading the file (a record over the limit, a failing disk) ends
                // it: reading on would only meet the same error again.
                self.done = true;
                let problem = Problem::file(&self.name, read_error(&e));
                Some(Err(match e.position() {
                    Some(p) => problem.at(p.line()),
                    None => problem,
                }))
            }
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                if self.record.len() != self.header.len() {
                    return Some(Err(Problem::file(
                        &self.name,
                        format!(
                            "has {} fields but the header has {} columns",
                            self.record.len(),
                            self.header.len()
                        ),
                    )
                    .at(line)));
                }
                // The whole record is checked at once; it is valid UTF-8 field by field
                // when it is as a whole and no field ends inside a character.
                self.ends.clear();
                self.ends.extend(
                    (0..self.record.len())
                        .filter_map(|i| self.record.range(i))
                        .map(|r| r.end),
                );
                let text = std::str::from_utf8(self.record.as_slice())
                    .ok()
                    .filter(|text| self.ends.iter().all(|&end| text.is_char_boundary(end)));
                let Some(text) = text else {
                    let (i, field, e) = self
                        .record
                        .iter()
                        .enumerate()
                        .find_map(|(i, f)| std::str::from_utf8(f).err().map(|e| (i, f, e)))?;
                    let mut p = Problem::file(&self.name, not_utf8(field, e)).at(line);
                    p.column = Some(self.header[i].clone());
                    return Some(Err(p));
                };
                Some(Ok(Row {
                    line,
                    header: &self.header,
                    text,
                    ends: &self.ends,
                }))
            }
        }
    }

    /// The SHA-256 of everything read so far (the whole file, once all rows are read).
    pub fn sha256_hex(&self) -> String {
        self.reader.get_ref().get_ref().get_ref().sha256_hex()
    }
}

/// What went wrong reading a CSV file, for a problem: a record over the limit says so
/// with its line; anything else is an unreadable file.
fn read_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) if is_too_long(io) => io.to_string(),
        _ => format!("unreadable CSV: {e}"),
    }
}

/// A header echoed in a message, cut short when it is absurdly long.
fn shortened(text: &str) -> String {
    const SHOWN: usize = 200;
    match text.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}... ({} bytes in all)", &text[..at], text.len()),
        None => text.to_string(),
    }
}

/// Whether an error reading through a `RecordLimit` is its refusal of a long record.
pub fn is_too_long(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<TooLong>())
}

/// A record longer than `MAX_RECORD_BYTES`.
#[derive(Debug)]
struct TooLong {
    first_line: u64,
    line: u64,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mb = MAX_RECORD_BYTES >> 20;
        if self.first_line == self.line {
            write!(f, "line {} is longer than the limit of {mb} MB", self.line)
        } else {
            write!(
                f,
                "the record from line {} to line {} is longer than the limit of {mb} MB \
                 (a quoted field that is never closed?)",
                self.first_line, self.line
            )
        }
    }
}

impl std::error::Error for TooLong {}

/// Where a CSV parser (the csv crate's defaults: `,`, `"` doubled inside quotes, CR or
/// LF ending a record) stands in a record, as far as telling where records end.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CsvState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Passes bytes through, following the CSV syntax just enough to know where each record
/// ends, and fails with `TooLong` once one record passes `MAX_RECORD_BYTES`: the csv
/// reader keeps a whole record in memory, so this bounds what it holds. The error sticks.
/// `unquoted` is the same limit for files read with quoting off (the SEC's tab-separated
/// files), where a `"` is data and every line is a record.
pub struct RecordLimit<R> {
    inner: R,
    limit: usize,
    quoting: bool,
    state: CsvState,
    record_bytes: usize,
    /// The line being read and the line the current record started on (1-based).
    line: u64,
    first_line: u64,
    failed: bool,
}

impl<R: Read> RecordLimit<R> {
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_RECORD_BYTES)
    }

    pub fn unquoted(inner: R) -> Self {
        RecordLimit {
            quoting: false,
            ..Self::new(inner)
        }
    }

    fn with_limit(inner: R, limit: usize) -> Self {
        RecordLimit {
            inner,
            limit,
            quoting: true,
            state: CsvState::FieldStart,
            record_bytes: 0,
            line: 1,
            first_line: 1,
            failed: false,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    fn too_long(&mut self) -> io::Error {
        self.failed = true;
        io::Error::new(
            io::ErrorKind::InvalidData,
            TooLong {
                first_line: self.first_line,
                line: self.line,
            },
        )
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(self.too_long());
        }
        let n = self.inner.read(buf)?;
        let mut rest = &buf[..n];
        while !rest.is_empty() {
            // Runs of bytes that change nothing but the count (inside a quoted field:
            // all but '"'; outside: all but delimiters and '"') are counted at once;
            // the others go through `step`.
            let run = if self.state == CsvState::Quoted {
                rest.iter().position(|&b| b == b'"')
            } else {
                rest.iter()
                    .position(|&b| matches!(b, b'"' | b',' | b'\n' | b'\r'))
            }
            .unwrap_or(rest.len());
            if run == 0 || self.record_bytes + run > self.limit {
                for &b in &rest[..run.max(1)] {
                    self.step(b)?;
                }
                rest = &rest[run.max(1)..];
                continue;
            }
            if self.state == CsvState::Quoted {
                self.line += rest[..run].iter().filter(|&&b| b == b'\n').count() as u64;
            } else {
                self.state = CsvState::Unquoted;
            }
            self.record_bytes += run;
            rest = &rest[run..];
        }
        Ok(n)
    }
}

impl<R: Read> RecordLimit<R> {
    /// Follows one byte; fails once the record is too long.
    fn step(&mut self, b: u8) -> io::Result<()> {
        use CsvState::*;
        let end_of_record = matches!(b, b'\n' | b'\r') && self.state != Quoted;
        self.state = match (self.state, b) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (FieldStart, b'"') | (QuoteInQuoted, b'"') if self.quoting => Quoted,
            (_, b',' | b'\n' | b'\r') => FieldStart,
            _ => Unquoted,
        };
        if end_of_record {
            self.record_bytes = 0;
        } else {
            self.record_bytes += 1;
        }
        if b == b'\n' {
            self.line += 1;
        }
        if end_of_record {
            self.first_line = self.line;
        } else if self.record_bytes > self.limit {
            return Err(self.too_long());
        }
        Ok(())
    }
}

fn all_columns(kind: FileKind) -> String {
    let (required, optional) = columns(kind);
    required
        .iter()
        .chain(optional)
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

fn not_utf8(field: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    format!(
        "not valid UTF-8 (byte 0x{:02X} after {:?}); save the file as UTF-8",
        field[at],
        String::from_utf8_lossy(&field[..at])
    )
}

fn check_header(name: &str, kind: FileKind, header: &[String]) -> Vec<Problem> {
    let (required, optional) = columns(kind);
    let known: Vec<&str> = required.iter().chain(optional).copied().collect();
    let mut problems = Vec::new();
    for (i, column) in header.iter().enumerate() {
        if !known.contains(&column.as_str()) {
            let suggestion = super::catalog::nearest(column, known.iter().copied())
                .map(|s| format!("did you mean '{s}'? "))
                .unwrap_or_default();
            problems.push(
                Problem::file(
                    name,
                    format!(
                        "unknown column for a {} file; {suggestion}expected columns: {}",
                        kind,
                        all_columns(kind)
                    ),
                )
                .at(1)
                .column(&format!("#{}", i + 1), column),
            );
        } else if header[..i].contains(column) {
            problems.push(
                Problem::file(
                    name,
                    format!("column '{column}' appears twice in the header"),
                )
                .at(1),
            );
        }
    }
    for column in required {
        if !header.iter().any(|h| h == column) {
            problems.push(
                Problem::file(
                    name,
                    format!("missing required column '{column}' for a {kind} file"),
                )
                .at(1),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything through a limit of `limit` bytes a record, in chunks of 3 bytes.
    fn through(text: &str, limit: usize) -> std::result::Result<usize, String> {
        let mut reader = RecordLimit::with_limit(text.as_bytes(), limit);
        let mut total = 0;
        let mut buf = [0; 3];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => total += n,
                Err(e) => {
                    // The error sticks.
                    assert_eq!(
                        reader.read(&mut buf).unwrap_err().to_string(),
                        e.to_string()
                    );
                    return Err(e.to_string());
                }
            }
        }
    }

    #[test]
    fn records_up_to_the_limit_pass() {
        assert_eq!(through("abcde\nabcde\r\n\"b\nc\"\n", 5), Ok(19));
        // Doubled quotes stay inside the field; a quote inside an unquoted field is data.
        assert_eq!(through("\"\"\"b\"\nab\"cd\n\"x\"y\n", 5), Ok(17));
    }

    #[test]
    fn a_long_line_or_record_is_refused_with_its_lines() {
        assert_eq!(
            through("abc\nabcdef\nab\n", 5).unwrap_err(),
            "line 2 is longer than the limit of 1 MB"
        );
        assert_eq!(
            through("a\n\"b\nc\nd\n", 5).unwrap_err(),
            "the record from line 2 to line 4 is longer than the limit of 1 MB \
             (a quoted field that is never closed?)"
        );
        // A quote inside an unquoted field does not open a quoted field.
        assert_eq!(through("ab\"c\nde\nfg\n", 5), Ok(11));
    }

    #[test]
    fn unquoted_a_quote_is_data_and_every_line_a_record() {
        let mut reader = RecordLimit {
            limit: 5,
            ..RecordLimit::unquoted("ab\n\"c\nd\"\nabcdef\n".as_bytes())
        };
        let mut all = Vec::new();
        let e = reader.read_to_end(&mut all).unwrap_err();
        assert!(is_too_long(&e));
        assert_eq!(e.to_string(), "line 4 is longer than the limit of 1 MB");
    }

    /// Counting runs of bytes at once gives what following each byte gives: the same
    /// bytes read, or the same error (line and record) at the same place.
    #[test]
    fn runs_are_counted_as_byte_by_byte() {
        let inputs = [
            "a,b\n\"x\ny\",z\r\n\"\"\"q\"\"\",w\n",
            "abcdef,\"gh\"\"ij\nkl\",m\nn\n",
            "ab\"cd,\"\"\n\"open\nand\nnever closed",
            "#$%&'()*+,x\r\ry\n\n\"a\"b\"c\n",
        ];
        for text in inputs {
            for limit in 1..text.len() + 2 {
                let by_byte = {
                    let mut limited = RecordLimit::with_limit(&[][..], limit);
                    text.bytes()
                        .try_for_each(|b| limited.step(b))
                        .map(|()| text.len())
                        .map_err(|e| e.to_string())
                };
                assert_eq!(through(text, limit), by_byte, "{text:?} limit {limit}");
                let mut reader = RecordLimit::with_limit(text.as_bytes(), limit);
                let mut all = Vec::new();
                let whole = reader.read_to_end(&mut all).map_err(|e| e.to_string());
                assert_eq!(whole, by_byte, "{text:?} limit {limit}");
            }
        }
    }

    #[test]
    fn long_headers_are_shortened_in_messages() {
        let long = "x".repeat(1000);
        assert_eq!(
            shortened(&long),
            format!("{}... (1000 bytes in all)", "x".repeat(200))
        );
        assert_eq!(shortened("a,b"), "a,b");
    }
}
