//! The one error type of amzdb, the exit codes, and the problems found in input files.

use rusqlite::ErrorCode;
use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit code for a runtime or data error.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code for a usage error (clap uses it too).
pub const EXIT_USAGE: i32 = 2;
/// Exit code when Ctrl-C stopped a command (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] refinery::Error),
    #[error("{path}: not a SQLite database; amzdb refuses to open it and left it untouched")]
    NotADatabase { path: PathBuf },
    #[error(
        "{path}: not an amzdb database (it has tables but no amzdb schema history); left untouched"
    )]
    ForeignDatabase { path: PathBuf },
    #[error(
        "{path}: created by a newer amzdb (schema version {found}; this amzdb knows up to {known}); \
         upgrade amzdb to use it. The database was left untouched."
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{path}: migration V{version} ({name}) applied to this database differs from the one in \
         this amzdb (checksum mismatch); refusing to touch it"
    )]
    DivergentMigration {
        path: PathBuf,
        version: i64,
        name: String,
    },
    #[error("{path}: the directory {dir} does not exist; create it first or choose another --db")]
    MissingDirectory { path: PathBuf, dir: PathBuf },
    #[error("{path}: already exists; `amzdb init` only creates new databases (use `amzdb migrate` to upgrade one)")]
    AlreadyExists { path: PathBuf },
    #[error("{path}: cannot read the database file ({source}); check that this user may read it and search its directory")]
    CannotRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: cannot read: the database is in WAL mode and {wal} holds changes not yet \
         written into it, which SQLite can read only through a -shm file it cannot create here \
         (this user cannot write the directory); ask a user who can write it to run \
         `amzdb --db {path} migrate` (which folds the WAL into the file), or read a copy made \
         with `amzdb backup`"
    )]
    WalNeedsWritableDirectory { path: PathBuf, wal: PathBuf },
    #[error(
        "{path}: {what} older than this amzdb's and must be upgraded before it can be read, \
         but amzdb cannot write it here ({why}); nothing was changed. Ask a user who can write \
         the file and its directory to run `amzdb --db {path} migrate`, or copy it somewhere \
         writable and upgrade the copy"
    )]
    CannotUpgradeHere {
        path: PathBuf,
        what: String,
        why: String,
    },
    #[error(
        "{path}: the database file is damaged (SQLite: {detail}); amzdb changed nothing. \
         Restore it from a backup, or recover what SQLite can still read into a new file with \
         `sqlite3 {path} .recover | sqlite3 recovered.sqlite`"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error("{0}")]
    Input(Problems),
    #[error("refused: {0}")]
    Refused(String),
    /// An output file (a backup, an export) could not be written: names that file, never
    /// the database it was read from.
    #[error("{path}: {message}")]
    Output { path: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    /// User SQL ran past its `--timeout`.
    #[error("{0}")]
    TimeLimit(String),
    /// Ctrl-C stopped user SQL.
    #[error("{0}")]
    Interrupted(String),
    /// `extract --coverage` found numbers that no fact covers and no skip row skips.
    #[error("{0}")]
    Uncovered(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The database errors a user can act on (another writer holds the database, the
    /// file is read-only, a write failed, the file is damaged), said plainly and naming the
    /// database; None for the others.
    pub fn database_problem(&self, db: &Path) -> Option<String> {
        let Error::Sql(rusqlite::Error::SqliteFailure(failure, text)) = self else {
            return None;
        };
        let sqlite = text.clone().unwrap_or_else(|| failure.to_string());
        let what = match failure.code {
            ErrorCode::DatabaseCorrupt => {
                return Some(
                    Error::Damaged {
                        path: db.to_path_buf(),
                        detail: sqlite,
                    }
                    .to_string(),
                )
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => format!(
                "database is busy: another process is writing to it and did not finish within {} s; \
                 nothing was written, try again when it is done",
                crate::db::BUSY_TIMEOUT_MS / 1000
            ),
            ErrorCode::ReadOnly => "cannot write: the database file, its directory or its -wal/-shm \
                 file is read-only; nothing was written"
                .to_string(),
            ErrorCode::CannotOpen => "cannot open the database file or create its -wal/-shm \
                 files beside it: check that this user can write the file and its directory; \
                 nothing was written"
                .to_string(),
            ErrorCode::DiskFull => "writing to the database failed: the disk is full; the transaction \
                 was rolled back and the database is as it was"
                .to_string(),
            ErrorCode::SystemIoFailure
                if [
                    rusqlite::ffi::SQLITE_IOERR_WRITE,
                    rusqlite::ffi::SQLITE_IOERR_FSYNC,
                    rusqlite::ffi::SQLITE_IOERR_TRUNCATE,
                ]
                .contains(&failure.extended_code) =>
            {
                "writing to the database failed (the disk may be full, a file-size limit such as \
                 `ulimit -f` reached, or the device failing); the transaction was rolled back and \
                 the database is as it was"
                    .to_string()
            }
            ErrorCode::SystemIoFailure => {
                "reading or writing the database file failed (I/O error)".to_string()
            }
            _ => return None,
        };
        Some(format!(
            "{}: {what} (SQLite: {sqlite}, code {})",
            db.display(),
            failure.extended_code
        ))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => EXIT_USAGE,
            Error::Interrupted(_) => EXIT_INTERRUPTED,
            _ => EXIT_FAILURE,
        }
    }
}

/// One thing wrong with one place in an input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn column(mut self, column: &str, value: &str) -> Self {
        self.column = Some(column.to_string());
        self.value = Some(value.to_string());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column '{column}'")?;
        }
        if let Some(value) = &self.value {
            write!(f, ": {value:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one ingest (up to a cap), and how many there were in all.
#[derive(Debug, Default)]
pub struct Problems {
    pub shown: Vec<Problem>,
    pub total: usize,
}

impl Problems {
    /// How many problems are kept to show; the rest are only counted.
    pub const CAP: usize = 100;

    pub fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.shown.len() < Self::CAP {
            self.shown.push(problem);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.shown {
            writeln!(f, "{problem}")?;
        }
        if self.total > self.shown.len() {
            writeln!(f, "... and {} more", self.total - self.shown.len())?;
        }
        let s = if self.total == 1 { "" } else { "s" };
        write!(f, "{} problem{s} found; nothing was written", self.total)
    }
}
