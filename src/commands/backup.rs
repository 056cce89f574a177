//! `amzdb backup FILE [--force]`: a consistent copy of the database, even while other
//! processes read or write it.
//!
//! The copy is made with SQLite's online backup API from a read-only connection, in one
//! step, so it is the database as of one committed transaction (what is in the WAL
//! included, an uncommitted write of another process excluded). It is written to a
//! temporary file beside FILE, checked with `PRAGMA integrity_check`, flushed to disk and
//! only then renamed to FILE: a failure or a kill never leaves a half-written FILE. The
//! database is copied as it is, never migrated first, so a backup taken before an upgrade
//! is the database as the old amzdb left it.

use crate::cli::BackupArgs;
use crate::db;
use crate::error::{Error, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

pub fn run(db_path: &Path, args: &BackupArgs, out: &mut dyn Write) -> Result<()> {
    let target = &args.file;
    if !db_path.is_file() {
        return Err(Error::Refused(format!(
            "{}: no such database; there is nothing to back up",
            db_path.display()
        )));
    }
    if is_same_file(db_path, target) {
        return Err(Error::Refused(format!(
            "{}: is the database itself; back it up to another file",
            target.display()
        )));
    }
    if target.exists() && !args.force {
        return Err(exists(target));
    }
    if target.is_dir() {
        return Err(Error::Refused(format!(
            "{}: is a directory; name the backup file",
            target.display()
        )));
    }
    db::check_directory(target)?;
    let source = db::open_ro(db_path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Removed on any early return; only a complete, checked copy is renamed into place.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".backup")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?
        .into_temp_path();
    let facts = copy(&source, &tmp)?;
    drop(source);
    let io = |e| Error::io(target, e);
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    // The copy gets the database's permissions (temporary files are private).
    let permissions = std::fs::metadata(db_path)
        .map_err(|e| Error::io(db_path, e))?
        .permissions();
    std::fs::set_permissions(&tmp, permissions).map_err(io)?;
    if args.force {
        tmp.persist(target).map_err(|e| io(e.error))?;
    } else {
        // Refuses, atomically, a FILE that appeared since the check above.
        tmp.persist_noclobber(target).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                exists(target)
            } else {
                io(e.error)
            }
        })?;
    }
    #[cfg(unix)]
    {
        // Make the rename itself durable.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    writeln!(
        out,
        "backed up {} to {} ({facts} facts)",
        db_path.display(),
        target.display()
    )
    .map_err(|e| Error::io("<stdout>", e))
}

fn exists(target: &Path) -> Error {
    Error::Refused(format!(
        "{}: already exists; amzdb backup does not overwrite a file unless --force is given",
        target.display()
    ))
}

fn is_same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Copies the database into the (empty) file `tmp` and checks the copy; returns how many
/// facts it holds.
fn copy(source: &Connection, tmp: &Path) -> Result<i64> {
    let mut dest = Connection::open(tmp)?;
    {
        let backup = Backup::new(source, &mut dest)?;
        let deadline = Instant::now() + Duration::from_millis(db::BUSY_TIMEOUT_MS.into());
        // Every page in one step: one read transaction, so one consistent state. A
        // reader of a WAL database does not block writers, and is rarely blocked.
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(Error::Refused(
                        "the database stayed locked by another process; try the backup again"
                            .into(),
                    ))
                }
                _ => {}
            }
        }
    }
    let check: String = dest.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::Refused(format!(
            "the copy failed SQLite's integrity check ({check}); no backup was written"
        )));
    }
    let has_facts: bool = dest.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'facts'",
        [],
        |r| r.get(0),
    )?;
    let facts = if has_facts {
        dest.query_row("SELECT count(*) FROM facts", [], |r| r.get(0))?
    } else {
        0
    };
    dest.close().map_err(|(_, e)| Error::Sql(e))?;
    Ok(facts)
}
