//! `amzdb backup FILE [--force]`: a consistent copy of the database, even while other
//! processes read or write it.
//!
//! The copy is made with SQLite's online backup API from a read-only connection, in one
//! step, so it is the database as of one committed transaction (what is in the WAL
//! included, an uncommitted write of another process excluded). It is written to a
//! temporary file beside FILE (`output::file`: FILE is checked first, a symlink, device or
//! the database's own files refused), switched to rollback-journal mode so that it can be
//! read from read-only storage, checked with `PRAGMA integrity_check`, flushed to disk and
//! only then renamed to FILE: a failure or a kill never leaves a half-written FILE, and
//! the next backup to FILE removes what a killed one left. The database is copied as it
//! is, never migrated first, so a backup taken before an upgrade is the database as the
//! old amzdb left it.

use crate::cli::BackupArgs;
use crate::db;
use crate::error::{Error, Result};
use crate::output::file;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode};
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
    file::check_target(target)?;
    if std::fs::symlink_metadata(target).is_ok() && !args.force {
        return Err(exists(target));
    }
    file::remove_stale(target);
    let source = db::open_ro(db_path)?;
    // Removed on any early return; only a complete, checked copy is renamed into place.
    let tmp = file::temporary_file(target)?.into_temp_path();
    let copied = copy(&source, db_path, &tmp, target);
    if copied.is_err() {
        // SQLite's side files of the copy: a failed write leaves its `-journal`.
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut side = tmp.as_os_str().to_owned();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
    }
    let facts = copied?;
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
    // Without --force, refuses atomically a FILE that appeared since the check above.
    file::place(tmp, target, args.force).map_err(|e| match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            exists(target)
        }
        e => e,
    })?;
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

/// A failure of the copy, named after FILE: writing it (a full disk, a file-size limit)
/// is the copy's problem, not the database's.
fn writing(target: &Path, e: rusqlite::Error) -> Error {
    let full = matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DiskFull | ErrorCode::SystemIoFailure)
    );
    let why = if full {
        " (the disk may be full or a file-size limit such as `ulimit -f` reached)"
    } else {
        ""
    };
    Error::Output {
        path: target.to_path_buf(),
        message: format!(
            "writing the backup failed{why}; no backup was written and the database was not \
             changed (SQLite: {e})"
        ),
    }
}

/// Whether a failed backup step failed writing the copy rather than reading the database.
fn is_write_failure(e: &rusqlite::Error) -> bool {
    let rusqlite::Error::SqliteFailure(failure, _) = e else {
        return false;
    };
    failure.code == ErrorCode::DiskFull
        || failure.code == ErrorCode::ReadOnly
        || failure.code == ErrorCode::CannotOpen
        || [
            rusqlite::ffi::SQLITE_IOERR_WRITE,
            rusqlite::ffi::SQLITE_IOERR_FSYNC,
            rusqlite::ffi::SQLITE_IOERR_TRUNCATE,
            rusqlite::ffi::SQLITE_IOERR_DELETE,
        ]
        .contains(&failure.extended_code)
}

/// Copies the database into the (empty) file `tmp` and checks the copy; returns how many
/// facts it holds. Errors about writing the copy name `target`; a copy that fails its
/// integrity check is a page for page copy of a damaged database, named as such.
fn copy(source: &Connection, db_path: &Path, tmp: &Path, target: &Path) -> Result<i64> {
    let at = |e| writing(target, e);
    let mut dest = Connection::open(tmp).map_err(at)?;
    {
        let backup = Backup::new(source, &mut dest).map_err(at)?;
        let deadline = Instant::now() + Duration::from_millis(db::BUSY_TIMEOUT_MS.into());
        // Every page in one step: one read transaction, so one consistent state. A
        // reader of a WAL database does not block writers, and is rarely blocked.
        loop {
            let step = backup.step(-1).map_err(|e| {
                if is_write_failure(&e) {
                    writing(target, e)
                } else {
                    Error::Sql(e)
                }
            })?;
            match step {
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
    // The page copy keeps the database's WAL mode, whose readers need to create a -shm
    // file (or write the -wal) beside it: on read-only storage neither amzdb nor the
    // sqlite3 shell could open it. A rollback-journal copy is read with no file created.
    let mode: String = dest
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(at)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::Output {
            path: target.to_path_buf(),
            message: format!(
                "SQLite kept the copy in {mode} mode, not rollback-journal mode; no backup was \
                 written"
            ),
        });
    }
    let check: String = dest
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(at)?;
    if check != "ok" {
        return Err(Error::Damaged {
            path: db_path.to_path_buf(),
            detail: format!(
                "integrity check of its copy: {}; no backup was written",
                check.replace('\n', "; ")
            ),
        });
    }
    let has_facts: bool = dest
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'facts'",
            [],
            |r| r.get(0),
        )
        .map_err(at)?;
    let facts = if has_facts {
        dest.query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
            .map_err(at)?
    } else {
        0
    };
    dest.close().map_err(|(_, e)| writing(target, e))?;
    Ok(facts)
}
