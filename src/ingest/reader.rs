//! Reads one CSV input: recognises its kind from the header, checks the columns, and
//! yields rows as text fields with their line numbers. Accepts UTF-8 with or without
//! BOM, CRLF or LF, and quoted fields with commas and newlines.

use super::input::{CrlfToLf, HashingReader, Input};
use crate::error::{Problem, Result};
use crate::model::FileKind;

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
            ],
        ),
        // SEC files are not CSV.
        FileKind::CompanyFacts | FileKind::Fsds => (&[], &[]),
    }
}

/// Which kind of file a header belongs to, by the columns only that kind has.
fn recognise(header: &[String]) -> Option<FileKind> {
    let has = |c: &str| header.iter().any(|h| h == c);
    if has("value") || has("period") || has("disclosure_type") {
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
    reader: csv::Reader<CrlfToLf<HashingReader>>,
    record: csv::ByteRecord,
}

/// One data row: its line number and its fields, looked up by column name.
pub struct Row<'a> {
    pub line: u64,
    header: &'a [String],
    fields: Vec<&'a str>,
}

impl Row<'_> {
    /// The trimmed field of a column; empty when the file has no such column.
    pub fn get(&self, column: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.fields.get(i))
            .map_or("", |f| f.trim())
    }

    /// The field, or None when it is empty.
    pub fn opt(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|v| !v.is_empty())
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
            .from_reader(CrlfToLf::new(input.open()?));
        let mut record = csv::ByteRecord::new();
        let read = reader.read_byte_record(&mut record);
        let problem = |message: String| Ok(Err(vec![Problem::file(&name, message)]));
        match read {
            Ok(true) => {}
            Ok(false) => return problem("empty file; expected a header row".into()),
            Err(e) => return problem(format!("cannot read the header: {e}")),
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
                     entities ({}), sources ({}), metrics ({}) or facts ({})",
                    header.join(","),
                    all_columns(FileKind::Entities),
                    all_columns(FileKind::Sources),
                    all_columns(FileKind::Metrics),
                    all_columns(FileKind::Facts),
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
        }))
    }

    /// Reads the next row; a row that cannot be read is returned as a problem.
    pub fn next_row(&mut self) -> Option<std::result::Result<Row<'_>, Problem>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err(Problem::file(
                    &self.name,
                    format!("unreadable CSV: {e}"),
                )
                .at(line)))
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
                let mut fields = Vec::with_capacity(self.record.len());
                for (i, field) in self.record.iter().enumerate() {
                    match std::str::from_utf8(field) {
                        Ok(text) => fields.push(text),
                        Err(e) => {
                            let mut p = Problem::file(&self.name, not_utf8(field, e)).at(line);
                            p.column = Some(self.header[i].clone());
                            return Some(Err(p));
                        }
                    }
                }
                Some(Ok(Row {
                    line,
                    header: &self.header,
                    fields,
                }))
            }
        }
    }

    /// The SHA-256 of everything read so far (the whole file, once all rows are read).
    pub fn sha256_hex(&self) -> String {
        self.reader.get_ref().get_ref().sha256_hex()
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
