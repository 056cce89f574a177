//! Where ingested files come from: files, directories (every CSV below them; an FSDS
//! quarter's or EDGAR filing's folder as one input) or the bundled dataset embedded in
//! the binary.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// One CSV input, named as the user will see it in messages.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Embedded {
        name: &'static str,
        text: &'static str,
    },
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Embedded { name, .. } => (*name).to_string(),
        }
    }

    /// The file's base name, as recorded in ingest batches.
    pub fn file_name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Embedded { name, .. } => format!("bundled:{name}"),
        }
    }

    /// Roughly how many facts the input holds, from its size (it only chooses between
    /// the row-by-row and the bulk path, so a poor guess costs time, never facts): about
    /// 100 bytes a fact in CSV, JSON and FSDS num.txt, a fifth of that in a zip.
    pub fn expected_facts(&self) -> u64 {
        const BYTES_PER_FACT: u64 = 100;
        let bytes = match self {
            Input::Embedded { text, .. } => text.len() as u64,
            Input::File(path) if path.is_dir() => std::fs::metadata(path.join("num.txt"))
                .map(|m| m.len())
                .unwrap_or(0),
            Input::File(path) => {
                let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                let zipped = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
                if zipped {
                    len.saturating_mul(5)
                } else {
                    len
                }
            }
        };
        bytes / BYTES_PER_FACT
    }

    /// The SHA-256 its ingest batch records: of its bytes (an FSDS folder: of its files,
    /// see `sha256_of_path`), or of `document`'s when it stands for the input (a filing's
    /// folder: the document read in it; a filing's zip: the zip).
    pub fn sha256(&self, document: Option<&Path>) -> Result<String> {
        match self {
            Input::Embedded { text, .. } => {
                let mut hasher = Sha256::new();
                hasher.update(text.as_bytes());
                Ok(hex(hasher))
            }
            Input::File(path) => sha256_of_path(document.unwrap_or(path)),
        }
    }

    /// Opens the input for reading; everything read through it is hashed.
    pub fn open(&self) -> Result<HashingReader> {
        let inner: Box<dyn Read + Send> = match self {
            Input::File(path) => Box::new(BufReader::with_capacity(
                1 << 16,
                File::open(path).map_err(|e| Error::io(path, e))?,
            )),
            Input::Embedded { text, .. } => Box::new(text.as_bytes()),
        };
        Ok(HashingReader {
            inner,
            hasher: Sha256::new(),
        })
    }
}

/// Reads through to an inner reader, computing the SHA-256 of what passes.
pub struct HashingReader {
    inner: Box<dyn Read + Send>,
    hasher: Sha256,
}

impl HashingReader {
    pub fn sha256_hex(&self) -> String {
        hex(self.hasher.clone())
    }
}

/// A finished SHA-256 as the 64 lowercase hex digits `ingest_batches` records.
fn hex(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Turns CRLF and lone CR line ends into LF as bytes stream through, so the CSV reader
/// counts lines right: it counts LFs only (rust-csv#395: with CRLF it reports every line
/// one too low, and a file of lone CRs, as classic Mac OS wrote them, all at line 1). A
/// line break inside a quoted field becomes LF too, which is how spreadsheets write line
/// breaks in cells.
pub struct CrlfToLf<R> {
    inner: R,
    pending_cr: bool,
}

impl<R: Read> CrlfToLf<R> {
    pub fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            pending_cr: false,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.len() < 2 {
            // Too small to hold back a CR and still make progress: pass bytes through.
            return self.inner.read(buf);
        }
        loop {
            // A CR held back from the last read goes first; the new bytes follow it.
            let offset = usize::from(self.pending_cr);
            let n = self.inner.read(&mut buf[offset..])?;
            if n == 0 {
                // A CR at the very end is a line end of its own.
                if self.pending_cr {
                    buf[0] = b'\n';
                }
                self.pending_cr = false;
                return Ok(offset);
            }
            if offset == 1 {
                buf[0] = b'\r';
            }
            let len = n + offset;
            self.pending_cr = false;
            // Most files hold no CR at all: their bytes pass as read (a memchr, not a
            // copy of every byte, which cost the reading thread 3-4% of a load).
            if !buf[..len].contains(&b'\r') {
                return Ok(len);
            }
            let mut w = 0;
            let mut i = 0;
            while i < len {
                if buf[i] == b'\r' {
                    if i + 1 == len {
                        self.pending_cr = true;
                        break;
                    }
                    if buf[i + 1] == b'\n' {
                        i += 1;
                        continue;
                    }
                    // A lone CR ends a line just as LF does.
                    buf[w] = b'\n';
                    w += 1;
                    i += 1;
                    continue;
                }
                buf[w] = buf[i];
                w += 1;
                i += 1;
            }
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

/// How much of a file one read hands the hasher: large reads keep the system calls
/// few next to the hashing itself.
const HASH_CHUNK: usize = 1 << 18;

/// The SHA-256 of a file, or of a folder's files (sorted by name), as hex.
pub fn sha256_of_path(path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut files = if path.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::io(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        names.sort();
        names
    } else {
        vec![path.to_path_buf()]
    };
    for file in files.drain(..) {
        hash_file(&mut hasher, &file, None)?;
    }
    Ok(hex(hasher))
}

/// The SHA-256 of one file as hex, unless `stop` is set before it is read to its end or
/// it cannot be read (see `prehash`).
pub fn sha256_of_file_until(path: &Path, stop: &AtomicBool) -> Option<String> {
    let mut hasher = Sha256::new();
    match hash_file(&mut hasher, path, Some(stop)) {
        Ok(true) => Some(hex(hasher)),
        Ok(false) | Err(_) => None,
    }
}

/// Feeds a file's bytes to the hasher; false when `stop` was set before its end.
fn hash_file(hasher: &mut Sha256, file: &Path, stop: Option<&AtomicBool>) -> Result<bool> {
    let mut chunk = vec![0; HASH_CHUNK];
    let mut f = File::open(file).map_err(|e| Error::io(file, e))?;
    loop {
        if stop.is_some_and(|stop| stop.load(Ordering::Relaxed)) {
            return Ok(false);
        }
        match f.read(&mut chunk) {
            Ok(0) => return Ok(true),
            Ok(n) => hasher.update(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(file, e)),
        }
    }
}

/// The inputs named on the command line: files as given, directories searched for
/// `*.csv` below them (sorted, so runs are repeatable); a folder that is an unzipped
/// FSDS quarter (num.txt and sub.txt) is one input, and so is one without CSV files that
/// holds an EDGAR filing's XBRL files (its documents, schema, linkbases), unless
/// `--format` says otherwise; with `--format fsds|xbrl|ixbrl` every folder is one input.
pub fn from_paths(paths: &[PathBuf], format: Option<super::Format>) -> Result<Vec<Input>> {
    use super::Format;
    let whole = matches!(format, Some(Format::Fsds | Format::Xbrl | Format::Ixbrl));
    let filings = format.is_none() || format == Some(Format::Filing);
    let mut inputs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let fsds = whole || path.join("num.txt").exists() || path.join("sub.txt").exists();
        if meta.is_dir() && !fsds {
            let mut found = Vec::new();
            collect_csv(path, &mut found)?;
            // A folder of CSV files stays one, whatever else it holds.
            if found.is_empty() && filings && crate::sec::edgar::looks_like(path) {
                inputs.push(Input::File(path.clone()));
                continue;
            }
            if found.is_empty() {
                return Err(Error::io(
                    path,
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        "no .csv files in this directory or below it",
                    ),
                ));
            }
            found.sort();
            inputs.extend(found.into_iter().map(Input::File));
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    Ok(inputs)
}

fn collect_csv(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            collect_csv(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// The bundled dataset embedded at build time from `data/`.
pub fn bundled() -> Vec<Input> {
    mod generated {
        include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
    }
    generated::FILES
        .iter()
        .map(|(name, text)| Input::Embedded { name, text })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most three bytes a call, to cross chunk boundaries.
    struct Trickle(Vec<u8>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(3);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
    }

    fn through(input: &[u8], chunk: usize) -> Vec<u8> {
        let mut reader = CrlfToLf::new(Trickle(input.to_vec()));
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn crlf_and_lone_cr_become_lf_across_chunk_boundaries() {
        for chunk in [2, 3, 4, 64] {
            assert_eq!(
                through(b"a,b\r\nc\r\n\r\nd\re\r", chunk),
                b"a,b\nc\n\nd\ne\n",
                "chunk {chunk}"
            );
            assert_eq!(
                through(b"\r\r\n\r\rx\n\r", chunk),
                b"\n\n\n\nx\n\n",
                "chunk {chunk}"
            );
        }
    }
}
