//! Zips as the SEC serves them (an FSDS quarter, a filing's `-xbrl.zip`): opened with a
//! damaged or truncated zip told apart from a failing disk, entries streamed; and a
//! document that is a file or one entry of a zip, read the same way by the XBRL reader.

use crate::error::{Error, Problem, Result};
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use zip::result::ZipError;
use zip::ZipArchive;

/// Whether a file is a zip: named `.zip`, or starting with a zip's first bytes (a local
/// file header, or the end record of an empty zip).
pub fn is_zip(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        return true;
    }
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut magic = [0_u8; 4];
    file.read_exact(&mut magic).is_ok() && [*b"PK\x03\x04", *b"PK\x05\x06"].contains(&magic)
}

/// Opens a zip. A zip that is absent, truncated or damaged is a problem whose message
/// ends with `expected` (what the file should have been) and, when damaged, `advice`; a
/// failing disk is an error.
pub fn open(
    path: &Path,
    expected: &str,
    advice: &str,
) -> Result<std::result::Result<ZipArchive<File>, Problem>> {
    let name = path.display().to_string();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Err(Problem::file(&name, format!("not found; {expected}"))))
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    match ZipArchive::new(file) {
        Ok(archive) => Ok(Ok(archive)),
        Err(ZipError::Io(e))
            if !matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData
            ) =>
        {
            Err(Error::io(path, e))
        }
        Err(e) => Ok(Err(Problem::file(
            &name,
            format!(
                "not a readable zip archive: truncated or damaged ({e}); {expected} ({advice})"
            ),
        ))),
    }
}

/// Runs `read` on one entry's bytes, streamed, marked `Damaged` (with `advice`: what to
/// download again). An entry that cannot be opened is a problem; an I/O error (here or
/// from `read`) is an error.
pub fn with_entry<T>(
    archive: &mut ZipArchive<File>,
    path: &Path,
    entry: &str,
    advice: &'static str,
    read: impl FnOnce(&mut dyn Read) -> Result<T>,
) -> Result<std::result::Result<T, Problem>> {
    match archive.by_name(entry) {
        Ok(file) => Ok(Ok(read(&mut Damaged {
            inner: file,
            advice,
        })?)),
        Err(ZipError::Io(e)) => Err(Error::io(path, e)),
        Err(e) => Ok(Err(Problem::file(
            &format!("{}!{entry}", path.display()),
            format!("cannot be read from the zip: {e}"),
        ))),
    }
}

/// Names for a message, the first few of them, sorted.
pub fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 10;
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    let more = names.len().saturating_sub(SHOWN);
    names.truncate(SHOWN);
    let mut text = if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(", ")
    };
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// A zip entry's bytes, where a failure to inflate or check them (a truncated or damaged
/// zip) is marked as such, to be reported as a problem of the file, not a failing disk.
struct Damaged<R> {
    inner: R,
    advice: &'static str,
}

/// The error a `Damaged` reader gives: see `damage`.
#[derive(Debug)]
pub struct DamagedZip {
    error: io::Error,
    advice: &'static str,
}

impl fmt::Display for DamagedZip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "truncated or damaged zip: {}; {}",
            self.error, self.advice
        )
    }
}

impl std::error::Error for DamagedZip {}

impl<R: Read> Read for Damaged<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Whatever the kind (flate2 says InvalidInput, the zip crate InvalidData or
        // UnexpectedEof), a failure here is most likely the zip's bytes; the message
        // keeps the original error in case it is the disk.
        self.inner.read(buf).map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => e,
            _ => io::Error::new(
                io::ErrorKind::InvalidData,
                DamagedZip {
                    error: e,
                    advice: self.advice,
                },
            ),
        })
    }
}

/// The damage an I/O error reports, if it came from a `Damaged` reader.
pub fn damage(e: &io::Error) -> Option<&DamagedZip> {
    e.get_ref().and_then(|i| i.downcast_ref::<DamagedZip>())
}

/// Where a document's bytes are: a file, or one entry of a zip (a filing's `-xbrl.zip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    File(PathBuf),
    Entry { zip: PathBuf, entry: String },
}

/// What a filing's zip should be, and what to do about one that cannot be read.
pub const FILING_EXPECTED: &str = "expected an EDGAR filing's zip (the -xbrl.zip of its \
                                   filing index) holding its XBRL instance or inline XBRL \
                                   document";
pub const FILING_ADVICE: &str = "download the filing again";

impl Document {
    /// How messages name it: the path, or `<zip>!<entry>`.
    pub fn name(&self) -> String {
        match self {
            Document::File(path) => path.display().to_string(),
            Document::Entry { zip, entry } => format!("{}!{entry}", zip.display()),
        }
    }

    /// The document's own file name, without folders.
    pub fn file_name(&self) -> String {
        match self {
            Document::File(path) => path
                .file_name()
                .map_or_else(|| self.name(), |n| n.to_string_lossy().into_owned()),
            Document::Entry { entry, .. } => entry.rsplit('/').next().unwrap_or(entry).into(),
        }
    }

    /// Its name within its folder or zip: the file name, or the zip's entry.
    pub fn entry_name(&self) -> &str {
        match self {
            Document::File(path) => path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default(),
            Document::Entry { entry, .. } => entry,
        }
    }

    /// The path on disk that holds it (the file, or the zip): where an EDGAR accession
    /// in a folder's or the zip's name is found.
    pub fn path(&self) -> &Path {
        match self {
            Document::File(path) => path,
            Document::Entry { zip, .. } => zip,
        }
    }

    /// For a zip's entry, the damage its bytes show when read to the end (a garbled
    /// entry can inflate to text that looks like bad XML before its checksum fails):
    /// a reader that finds the document broken asks this first, to name the cause.
    pub fn damage(&self) -> Option<String> {
        let Document::Entry { .. } = self else {
            return None;
        };
        let mut found = None;
        let _ = self.with_reader(|r| {
            if let Err(e) = io::copy(r, &mut io::sink()) {
                found = damage(&e).map(ToString::to_string);
            }
            Ok(())
        });
        found
    }

    /// Runs `read` on the document's bytes, streamed from the start (a zip entry is
    /// opened afresh each time, so two readings never share state). A zip or entry that
    /// cannot be opened is a problem.
    pub fn with_reader<T>(
        &self,
        read: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<std::result::Result<T, Problem>> {
        match self {
            Document::File(path) => {
                let file = File::open(path).map_err(|e| Error::io(path, e))?;
                Ok(Ok(read(&mut BufReader::with_capacity(64 * 1024, file))?))
            }
            Document::Entry { zip, entry } => {
                let mut archive = match open(zip, FILING_EXPECTED, FILING_ADVICE)? {
                    Ok(archive) => archive,
                    Err(p) => return Ok(Err(p)),
                };
                with_entry(&mut archive, zip, entry, FILING_ADVICE, |r| {
                    read(&mut BufReader::with_capacity(64 * 1024, r))
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_document_in_a_zip_is_named_and_read_like_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("f.zip");
        let mut zip = zip::ZipWriter::new(File::create(&zip_path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("sub/a.htm", options).unwrap();
        zip.write_all(b"<html/>").unwrap();
        zip.finish().unwrap();
        let doc = Document::Entry {
            zip: zip_path.clone(),
            entry: "sub/a.htm".into(),
        };
        assert_eq!(doc.name(), format!("{}!sub/a.htm", zip_path.display()));
        assert_eq!(doc.file_name(), "a.htm");
        let mut text = String::new();
        doc.with_reader(|r| {
            r.read_to_string(&mut text).unwrap();
            Ok(())
        })
        .unwrap()
        .unwrap();
        assert_eq!(text, "<html/>");
        assert!(is_zip(&zip_path));
        assert_eq!(listed(["b", "a"].into_iter()), "a, b");
    }
}
