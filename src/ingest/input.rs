//! Where ingested CSV comes from: files, directories (every CSV below them) or the
//! bundled dataset embedded in the binary.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

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

    /// Opens the input for reading; everything read through it is hashed.
    pub fn open(&self) -> Result<HashingReader> {
        let inner: Box<dyn Read> = match self {
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
    inner: Box<dyn Read>,
    hasher: Sha256,
}

impl HashingReader {
    pub fn sha256_hex(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The inputs named on the command line: files as given, directories searched for
/// `*.csv` below them (sorted, so runs are repeatable).
pub fn from_paths(paths: &[PathBuf]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            collect_csv(path, &mut found)?;
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
