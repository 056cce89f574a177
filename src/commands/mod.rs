//! One file per subcommand: open the database, call domain code, hand rows to output.
//! This module also owns the embedded default: a missing database is created, migrated
//! and loaded with the bundled dataset before any command uses it.

pub mod backup;
pub mod dump;
pub mod export;
pub mod facts;
pub mod ingest;
pub mod init;
pub mod migrate;
pub mod query;
pub mod report;

use crate::cli::OutputArgs;
use crate::db;
use crate::error::{Error, Result};
use crate::ingest::{input, Summary};
use crate::model::FileKind;
use rusqlite::Connection;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a command's output to standard output, or to `--output FILE` (through the
/// one file writer, `output::file`).
pub fn emit(
    args: &OutputArgs,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match &args.output {
        Some(path) => crate::output::file::write(path, write),
        None => write(out).map_err(|e| Error::io("<stdout>", e)),
    }
}

/// Opens the database for writing, creating it with the bundled dataset if missing.
pub fn writable(path: &Path) -> Result<Connection> {
    if !path.exists() {
        create(path, true)?;
    }
    db::open_rw(path)
}

/// Opens the database read-only as it is (created if missing), without migrating it.
pub fn readable_unmigrated(path: &Path) -> Result<Connection> {
    if !path.exists() {
        create(path, true)?;
    }
    db::open_ro(path)
}

/// Opens the database read-only, creating or migrating it first if needed.
pub fn readable(path: &Path) -> Result<Connection> {
    let conn = readable_unmigrated(path)?;
    if db::is_current(&conn)? {
        return Ok(conn);
    }
    drop(conn);
    drop(db::open_rw(path)?);
    db::open_ro(path)
}

/// Creates a database beside `path` and moves it into place only when complete, so a
/// failed creation leaves nothing behind and a concurrent creator is never clobbered.
pub fn create(path: &Path, bundled: bool) -> Result<()> {
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    db::check_directory(path)?;
    let tmp: PathBuf = path.with_file_name(format!(
        ".{}.creating-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let built = build(&tmp, bundled);
    let placed = built.and_then(|summary| {
        std::fs::hard_link(&tmp, path).map_err(|e| Error::io(path, e))?;
        Ok(summary)
    });
    let _ = std::fs::remove_file(&tmp);
    let summary = placed?;
    match summary {
        Some(s) => eprintln!(
            "amzdb: created {} with the bundled dataset ({} facts from {} files)",
            path.display(),
            s.counts(FileKind::Facts).inserted,
            s.files
        ),
        None => eprintln!("amzdb: created {} (empty)", path.display()),
    }
    Ok(())
}

fn build(tmp: &Path, bundled: bool) -> Result<Option<Summary>> {
    let _ = std::fs::remove_file(tmp);
    let mut conn = db::open_rw(tmp)?;
    let summary = if bundled {
        Some(crate::ingest::ingest(
            &mut conn,
            &input::bundled(),
            &crate::ingest::Options::default(),
        )?)
    } else {
        None
    };
    // Closing the last connection folds the WAL into the file: the file is the whole
    // database, already in WAL mode, so opening it later changes no byte.
    drop(conn);
    Ok(summary)
}
