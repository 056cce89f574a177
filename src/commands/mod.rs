//! One file per subcommand: open the database, call domain code, hand rows to output.
//! This module also owns the embedded default: a missing database is created, migrated
//! and loaded with the bundled dataset before any command uses it.

pub mod backup;
pub mod datasette;
pub mod dump;
pub mod export;
pub mod extract;
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
        Some(path) => crate::output::file::write(path, |w| write(w)),
        None => write(out).map_err(|e| Error::io("<stdout>", e)),
    }
}

/// Opens the database for writing, creating it with the bundled dataset if missing.
pub fn writable(path: &Path) -> Result<Connection> {
    if !exists(path)? {
        create(path, true)?;
    }
    db::open_rw(path)
}

/// Opens the database read-only as it is (created if missing), without migrating it.
pub fn readable_unmigrated(path: &Path) -> Result<Connection> {
    if !exists(path)? {
        create(path, true)?;
    }
    db::open_ro(path)
}

/// Opens the database read-only, creating or migrating it first if needed. A database
/// that needs upgrading where this user cannot write is refused, saying so.
pub fn readable(path: &Path) -> Result<Connection> {
    let conn = readable_unmigrated(path)?;
    if db::is_current(&conn)? {
        return Ok(conn);
    }
    let what = if db::needs_migration(&conn)? {
        "its schema is"
    } else {
        "its views are"
    };
    drop(conn);
    match db::open_rw(path) {
        Ok(conn) => drop(conn),
        Err(e) => {
            return Err(match cannot_write(&e) {
                Some(why) => Error::CannotUpgradeHere {
                    path: path.to_path_buf(),
                    what: what.to_string(),
                    why,
                },
                None => e,
            })
        }
    }
    db::open_ro(path)
}

/// What SQLite said when a write failed because this user cannot write the file or its
/// directory (or the file system is read-only); None for other failures.
fn cannot_write(e: &Error) -> Option<String> {
    use rusqlite::ErrorCode::{CannotOpen, ReadOnly};
    let Error::Sql(rusqlite::Error::SqliteFailure(failure, text)) = e else {
        return None;
    };
    matches!(failure.code, ReadOnly | CannotOpen).then(|| {
        let said = text.clone().unwrap_or_else(|| failure.to_string());
        format!("SQLite: {said}")
    })
}

/// Whether the database file exists; a directory this user may not search is an error
/// ("cannot read"), not a missing database to create.
fn exists(path: &Path) -> Result<bool> {
    path.try_exists().map_err(|e| Error::CannotRead {
        path: path.to_path_buf(),
        source: e,
    })
}

/// Creates a database beside `path` and moves it into place only when complete, so a
/// failed creation leaves nothing behind and a concurrent creator is never clobbered.
/// Creators in one directory take turns (a lock on the directory): one that finds the
/// database made meanwhile by another uses it. Returns whether this call created it.
pub fn create(path: &Path, bundled: bool) -> Result<bool> {
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    db::check_directory(path)?;
    let dir = crate::output::file::parent(path);
    // Held until this function returns (closing the directory releases it).
    let _turn = lock_directory(dir)?;
    if exists(path)? {
        return Ok(false);
    }
    remove_stale_creations(dir, &file_name.to_string_lossy());
    let tmp: PathBuf = path.with_file_name(format!(
        ".{}.creating-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let built = build(&tmp, bundled).map_err(|e| match cannot_write(&e) {
        // SQLite's message names the temporary; the user named `path`.
        Some(_) => Error::Output {
            path: path.to_path_buf(),
            message: format!(
                "the database does not exist, and this user cannot create it: the directory \
                 {} is not writable for them; name an existing database with --db, or let a \
                 user who can write that directory run `amzdb --db {} init`",
                dir.display(),
                path.display()
            ),
        },
        None => e,
    });
    let placed = built.and_then(|summary| match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(Some(summary)),
        // Another creator that does not take turns (an older amzdb) won: use its database.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    });
    let _ = std::fs::remove_file(&tmp);
    let Some(summary) = placed? else {
        return Ok(false);
    };
    match summary {
        Some(s) => crate::say!(
            "amzdb: created {} with the bundled dataset ({} facts from {} files)",
            path.display(),
            s.counts(FileKind::Facts).inserted,
            s.files
        ),
        None => crate::say!("amzdb: created {} (empty)", path.display()),
    }
    Ok(true)
}

/// Removes what creators killed part-way left (`.NAME.creating-PID` and its -wal, -shm or
/// -journal): while this process holds the directory's lock no other creator is at work.
/// Best effort: a file that cannot be removed is left, and the creation goes on.
fn remove_stale_creations(dir: &Path, name: &str) {
    let prefix = format!(".{name}.creating-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid = ["-wal", "-shm", "-journal"]
            .iter()
            .find_map(|s| rest.strip_suffix(s))
            .unwrap_or(rest);
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Takes an exclusive lock on a directory (flock on it, waiting for the holder), for
/// creators of a database in it to take turns; released when the returned file closes.
fn lock_directory(dir: &Path) -> Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    let handle = std::fs::File::open(dir).map_err(|e| Error::io(dir, e))?;
    loop {
        // SAFETY: the descriptor stays open for the whole call.
        if unsafe { libc::flock(handle.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(handle);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(Error::io(dir, e));
        }
    }
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
