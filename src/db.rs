//! Opening databases: the file checks that keep amzdb from touching what it should not
//! (not SQLite, not amzdb's, from a newer amzdb), per-connection PRAGMAs, the embedded
//! migrations, and the views that are rebuilt from `queries/` after every migration.

use crate::error::{Error, Result};
use crate::views;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex};

mod embedded {
    refinery::embed_migrations!("migrations");
}

const HISTORY_TABLE: &str = "refinery_schema_history";

/// How long a connection waits for another writer before it reports "database is busy".
pub const BUSY_TIMEOUT_MS: u32 = 5_000;

/// One migration and whether the database has it.
#[derive(Debug)]
pub struct MigrationStatus {
    pub version: i64,
    pub name: String,
    pub applied_on: Option<String>,
}

/// Opens an existing or new database for writing, migrated to the latest schema.
/// Refuses (without changing it) a file that is not a SQLite database, a SQLite
/// database that is not amzdb's, or one made by a newer amzdb.
pub fn open_rw(path: &Path) -> Result<Connection> {
    check_directory(path)?;
    check_readable(path)?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    check_is_amzdb(&conn, path)?;
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    // Before anything is written: a write must not build on a damaged file.
    check_intact(&conn, path)?;
    // A writer takes the write lock when its transaction begins (BEGIN IMMEDIATE), so a
    // second writer waits up to the busy timeout. A deferred transaction that has already
    // read would instead fail at its first write at once, whatever the timeout.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Refuses a database path whose directory does not exist (SQLite would only say
/// "unable to open database file").
pub fn check_directory(path: &Path) -> Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(Error::MissingDirectory {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// Refuses, with "cannot read", a database file this user may not read (SQLite would only
/// say "unable to open database file"), and a path that is no file at all: a directory
/// (SQLite says "disk I/O error"), a FIFO (opening it would wait for a writer forever), a
/// device or a socket. A missing file passes: callers create it.
pub fn check_readable(path: &Path) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            let what = if meta.is_dir() {
                "a directory"
            } else {
                "not a regular file (a FIFO, device or socket)"
            };
            return Err(Error::Refused(format!(
                "{}: is {what}; --db names an amzdb database file",
                path.display()
            )));
        }
    }
    match std::fs::File::open(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::CannotRead {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Whether SQLite failed because it could not create or open the `-shm` file (the WAL
/// index) it needs to read a database in WAL mode.
fn needs_wal_index(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    matches!(
        e.sqlite_error().map(|f| f.extended_code),
        Some(
            ffi::SQLITE_READONLY_DIRECTORY
                | ffi::SQLITE_READONLY_CANTINIT
                | ffi::SQLITE_READONLY_RECOVERY
                | ffi::SQLITE_CANTOPEN
        )
    )
}

/// Whether the file's header says WAL mode (file format versions 2 at offsets 18 and 19).
fn is_wal_mode(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 20];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| header[18] == 2 && header[19] == 2)
}

/// The `-wal` file beside a database.
fn wal_of(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

/// Opens a WAL-mode database that SQLite cannot read normally because this user cannot
/// create its `-shm` file, as an immutable file: SQLite then reads the file alone, with
/// no WAL index and no locks of its own.
///
/// That is the whole database only when no `-wal` file holds changes: with one, this
/// refuses and says what to do. While the connection lives, amzdb holds a shared lock on
/// the file (the lock SQLite's own readers take), so a writer that uses the file in the
/// rollback-journal mode waits, none switches it to another journal mode, and a WAL writer
/// closing does not fold its changes into the file under this reader. A WAL writer of
/// another user that checkpoints a large write meanwhile is not stopped: see the README.
fn open_immutable(path: &Path) -> Result<Connection> {
    let wal = wal_of(path);
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Error::WalNeedsWritableDirectory {
            path: path.to_path_buf(),
            wal,
        });
    }
    hold_shared_lock(path)?;
    let uri = format!("{}?mode=ro&immutable=1", file_uri(path)?);
    Ok(Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// `file:` URI of a path: absolute, every byte but letters, digits and `/._-~`
/// percent-encoded (so `?`, `#`, `%` and spaces in names are read as part of the name).
fn file_uri(path: &Path) -> Result<String> {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    let mut uri = String::from("file://");
    for &b in absolute.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(uri)
}

/// Files whose locks this process holds until it exits (amzdb runs one command per
/// process, and a reader's connection lives as long as its command).
static HELD_LOCKS: Mutex<Vec<std::fs::File>> = Mutex::new(Vec::new());

/// An open-file-description lock where there are such (Linux), else a process one (then
/// SQLite closing its descriptor of the file at the end releases it).
#[cfg(target_os = "linux")]
const SET_LOCK: libc::c_int = libc::F_OFD_SETLK;
#[cfg(not(target_os = "linux"))]
const SET_LOCK: libc::c_int = libc::F_SETLK;

/// Takes the shared lock SQLite's readers take on a database file (a read lock on its
/// 510 "shared" bytes above 1 GiB), waiting up to the busy timeout for a writer that holds
/// it exclusively. An open-file-description lock: closing another descriptor of the same
/// file (SQLite does) does not release it.
fn hold_shared_lock(path: &Path) -> Result<()> {
    const SHARED_FIRST: libc::off_t = 0x4000_0000 + 2;
    const SHARED_SIZE: libc::off_t = 510;
    let file = std::fs::File::open(path).map_err(|e| Error::CannotRead {
        path: path.to_path_buf(),
        source: e,
    })?;
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into());
    loop {
        // SAFETY: flock is a plain C struct; all-zero is a valid value of it.
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        lock.l_type = libc::F_RDLCK as libc::c_short;
        lock.l_whence = libc::SEEK_SET as libc::c_short;
        lock.l_start = SHARED_FIRST;
        lock.l_len = SHARED_SIZE;
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is open for the whole call and `lock` outlives it.
        if unsafe { libc::fcntl(file.as_raw_fd(), SET_LOCK, &lock) } == 0 {
            break;
        }
        let e = std::io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EAGAIN | libc::EACCES)) {
            return Err(Error::io(path, e));
        }
        if std::time::Instant::now() >= deadline {
            return Err(Error::Refused(format!(
                "{}: database is busy: another process is writing it and did not finish \
                 within {} s; nothing was read, try again when it is done",
                path.display(),
                BUSY_TIMEOUT_MS / 1000
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    HELD_LOCKS
        .lock()
        .map_err(|_| Error::Refused("a lock registry was poisoned".into()))?
        .push(file);
    Ok(())
}

/// The one table that grows with the data: [`check_intact`] samples it instead of reading
/// it whole.
const FACTS_TABLE: &str = "facts";

/// How many facts [`check_intact`] samples at least (every fact of a smaller table)...
const FACT_SAMPLES: i64 = 10_000;

/// ...and the widest gap between two samples, in fact ids: less than the facts under
/// one interior page of the lowest level (measured on 10M facts: 22 facts a leaf, ~365
/// leaves an interior page), so every interior page of the table is read however large it
/// grows (beyond 10M facts the samples, and the cost, grow with the table: 0.15-0.2 s at
/// 10M facts).
const MAX_STEP: i64 = 1_000;

/// Refuses a database SQLite finds damaged, before a write builds on it. Costs little
/// beside a write: every table but facts is checked whole (`PRAGMA quick_check(TABLE)`,
/// with its indexes; the schema is read and parsed when the database opens), and the
/// facts table and its indexes are sampled along evenly spaced fact ids (every fact up to
/// 10,000; see `sql/check_facts.sql`), with SQLite checking the size of every cell
/// of every page it reads. What it cannot see: a damaged leaf page of facts or its indexes
/// that no sample lands on, and the free-page list; a write that reaches such a page fails
/// with SQLITE_CORRUPT, rolls back, and is reported the same way.
pub fn check_intact(conn: &Connection, path: &Path) -> Result<()> {
    conn.pragma_update(None, "cell_size_check", true)?;
    let checked = check_tables(conn, path);
    conn.pragma_update(None, "cell_size_check", false)?;
    checked.map_err(|e| damaged_or(e, path))
}

fn check_tables(conn: &Connection, path: &Path) -> Result<()> {
    let damaged = |detail: String| Error::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> ?1")?
        .query_map([FACTS_TABLE], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables {
        let found: Vec<String> = conn
            .prepare("SELECT * FROM pragma_quick_check(?1)")?
            .query_map([&table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if found != ["ok"] {
            return Err(damaged(format!("{table}: {}", found.join("; "))));
        }
    }
    let has_facts: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [FACTS_TABLE],
        |r| r.get(0),
    )?;
    if !has_facts {
        return Ok(());
    }
    // Two subqueries: SQLite reads min() and max() of a rowid from the ends of the B-tree
    // only when each is alone in its SELECT (together they cost a full scan).
    let (first, last): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT (SELECT min(fact_id) FROM facts), (SELECT max(fact_id) FROM facts)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(());
    };
    let step = ((last - first) / FACT_SAMPLES).clamp(1, MAX_STEP);
    let missing: i64 = conn.query_row(
        include_str!("sql/check_facts.sql"),
        rusqlite::named_params! { ":first": first, ":last": last, ":step": step },
        |r| r.get(0),
    )?;
    if missing > 0 {
        return Err(damaged(format!(
            "{missing} sampled facts are missing from an index of the facts table"
        )));
    }
    Ok(())
}

/// An SQLite error that says the file is damaged, as [`Error::Damaged`] naming it;
/// any other error as it is.
pub fn damaged_or(e: Error, path: &Path) -> Error {
    match e {
        Error::Sql(ref sql)
            if sql.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) =>
        {
            Error::Damaged {
                path: path.to_path_buf(),
                detail: sql.to_string(),
            }
        }
        e => e,
    }
}

/// Opens a database read-only (SQLite refuses every write on it). The database must
/// exist and be at this amzdb's schema version: callers migrate it first.
///
/// Three locks, each enough on its own to keep the file unchanged: the file is opened
/// read-only, `query_only` is on, and an authorizer (see [`guard_read_only`]) refuses,
/// while a statement is prepared, anything that would write, open another file, change a
/// setting or load code.
///
/// A database in WAL mode is read through its `-shm` file, which SQLite creates beside it:
/// in a directory this user cannot write, with no `-shm` there, SQLite cannot read it. Then,
/// when no `-wal` file holds changes (so the file is the whole database), it is opened
/// immutable (see [`open_immutable`]); otherwise the error says what to do.
pub fn open_ro(path: &Path) -> Result<Connection> {
    check_readable(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut conn = match check_is_amzdb(&conn, path) {
        Ok(()) => conn,
        Err(Error::Sql(e)) if needs_wal_index(&e) && is_wal_mode(path) => {
            drop(conn);
            let conn = open_immutable(path)?;
            check_is_amzdb(&conn, path)?;
            conn
        }
        Err(e) => return Err(e),
    };
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    conn.pragma_update(None, "query_only", true)?;
    guard_read_only(&mut conn)?;
    Ok(conn)
}

/// Something a read-only connection refused to prepare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The statement would change the database; what it would do, e.g. `DELETE FROM facts`.
    Write(String),
    /// Something else a reader must not do: what, and why.
    Other { what: String, why: String },
}

/// Where [`guard_read_only`] records the first thing it refused, for the caller to explain
/// (SQLite itself only says "not authorized").
pub type Refusals = Arc<Mutex<Option<Refusal>>>;

/// Pragmas that only read, whose argument names what to read (a table, an index, a limit).
const READING_PRAGMAS: &[&str] = &[
    "foreign_key_check",
    "foreign_key_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "quick_check",
    "table_info",
    "table_list",
    "table_xinfo",
];

/// Pragmas that write the database file even without an argument.
const WRITING_PRAGMAS: &[&str] = &["incremental_vacuum", "optimize", "wal_checkpoint"];

/// Functions a reader never needs: they load native code or touch other files
/// (load_extension is also disabled in SQLite; the others are not compiled in today).
const REFUSED_FUNCTIONS: &[(&str, &str)] = &[
    ("load_extension", "it would load native code into amzdb"),
    (
        "fts3_tokenizer",
        "it reads and registers native code pointers",
    ),
    ("writefile", "it would write a file"),
    ("readfile", "it would read a file outside the database"),
    ("edit", "it would start an editor"),
];

/// Installs (or replaces) the authorizer of a read-only connection: while a statement is
/// prepared, SQLite asks it about every action, and it denies anything that writes
/// (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ANALYZE, REINDEX, writing pragmas, even on
/// the temporary schema), ATTACH and DETACH (no other file is opened or created), pragmas
/// that set a value, and functions that load code or touch files. The first refusal of
/// each statement is recorded in the returned slot.
pub fn guard_read_only(conn: &mut Connection) -> Result<Refusals> {
    let refusals: Refusals = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&refusals);
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        match refusal(&ctx.action) {
            None => Authorization::Allow,
            Some(r) => {
                if let Ok(mut first) = slot.lock() {
                    first.get_or_insert(r);
                }
                Authorization::Deny
            }
        }
    }))?;
    Ok(refusals)
}

/// Why a read-only connection refuses this action, or None when it may proceed.
fn refusal(action: &AuthAction<'_>) -> Option<Refusal> {
    use AuthAction as A;
    let write = |what: String| Some(Refusal::Write(what));
    // SQLite asks about the row it would write into the schema table before it asks
    // about the CREATE or DROP itself, and stops at the first denial.
    let schema = |table: &str, verb: &str| match table {
        "sqlite_master" | "sqlite_schema" => "a schema change".to_string(),
        "sqlite_temp_master" | "sqlite_temp_schema" => {
            "a change to the temporary schema".to_string()
        }
        _ => format!("{verb} {table}"),
    };
    match *action {
        A::Select | A::Read { .. } | A::Recursive => None,
        // BEGIN, COMMIT and savepoints only delimit reads here: every write is refused.
        A::Transaction { .. } | A::Savepoint { .. } => None,
        A::Function { function_name } => REFUSED_FUNCTIONS
            .iter()
            .find(|(name, _)| function_name.eq_ignore_ascii_case(name))
            .map(|&(name, why)| Refusal::Other {
                what: format!("the function {name}()"),
                why: why.to_string(),
            }),
        A::Pragma {
            pragma_name,
            pragma_value,
        } => {
            let name = pragma_name.to_ascii_lowercase();
            if WRITING_PRAGMAS.contains(&name.as_str()) {
                return write(format!("PRAGMA {name}"));
            }
            match pragma_value {
                Some(value) if !READING_PRAGMAS.contains(&name.as_str()) => Some(Refusal::Other {
                    what: format!("PRAGMA {name} = {value}"),
                    why: format!(
                        "it sets a value, and amzdb query only reads (`PRAGMA {name}` \
                             shows the current one)"
                    ),
                }),
                _ => None,
            }
        }
        A::Attach { filename } => Some(Refusal::Other {
            what: format!("ATTACH '{filename}'"),
            why: "amzdb query reads only its own database and opens no other file".into(),
        }),
        A::Detach { database_name } => Some(Refusal::Other {
            what: format!("DETACH {database_name}"),
            why: "amzdb query reads only its own database and opens no other file".into(),
        }),
        A::Insert { table_name } => write(schema(table_name, "INSERT INTO")),
        A::Update { table_name, .. } => write(schema(table_name, "UPDATE")),
        A::Delete { table_name } => write(schema(table_name, "DELETE FROM")),
        A::CreateTable { table_name } => write(format!("CREATE TABLE {table_name}")),
        A::CreateTempTable { table_name } => write(format!("CREATE TEMP TABLE {table_name}")),
        A::CreateIndex { index_name, .. } => write(format!("CREATE INDEX {index_name}")),
        A::CreateTempIndex { index_name, .. } => write(format!("CREATE TEMP INDEX {index_name}")),
        A::CreateView { view_name } => write(format!("CREATE VIEW {view_name}")),
        A::CreateTempView { view_name } => write(format!("CREATE TEMP VIEW {view_name}")),
        A::CreateTrigger { trigger_name, .. } => write(format!("CREATE TRIGGER {trigger_name}")),
        A::CreateTempTrigger { trigger_name, .. } => {
            write(format!("CREATE TEMP TRIGGER {trigger_name}"))
        }
        A::CreateVtable { table_name, .. } => write(format!("CREATE VIRTUAL TABLE {table_name}")),
        A::DropTable { table_name } | A::DropTempTable { table_name } => {
            write(format!("DROP TABLE {table_name}"))
        }
        A::DropIndex { index_name, .. } | A::DropTempIndex { index_name, .. } => {
            write(format!("DROP INDEX {index_name}"))
        }
        A::DropView { view_name } | A::DropTempView { view_name } => {
            write(format!("DROP VIEW {view_name}"))
        }
        A::DropTrigger { trigger_name, .. } | A::DropTempTrigger { trigger_name, .. } => {
            write(format!("DROP TRIGGER {trigger_name}"))
        }
        A::DropVtable { table_name, .. } => write(format!("DROP TABLE {table_name}")),
        A::AlterTable { table_name, .. } => write(format!("ALTER TABLE {table_name}")),
        A::Reindex { index_name } => write(format!("REINDEX {index_name}")),
        A::Analyze { table_name } => write(format!("ANALYZE {table_name}")),
        // An action this amzdb does not know: refuse rather than guess.
        _ => Some(Refusal::Other {
            what: format!("{action:?}"),
            why: "amzdb does not know this kind of SQL action, so a reader refuses it".into(),
        }),
    }
}

/// Whether the schema of an amzdb database is older than this amzdb's.
pub fn needs_migration(conn: &Connection) -> Result<bool> {
    Ok(applied_versions(conn)?.len() < embedded::migrations::runner().get_migrations().len())
}

/// Whether the database has every migration and view of this amzdb.
pub fn is_current(conn: &Connection) -> Result<bool> {
    Ok(!needs_migration(conn)? && views::up_to_date(conn)?)
}

/// Every migration this amzdb knows and every one the database has, by version.
pub fn status(conn: &Connection, path: &Path) -> Result<Vec<MigrationStatus>> {
    check_is_amzdb(conn, path)?;
    let applied = applied_versions(conn)?;
    let mut all: Vec<MigrationStatus> = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| MigrationStatus {
            version: i64::from(m.version()),
            name: m.name().to_string(),
            applied_on: applied
                .iter()
                .find(|a| a.version == i64::from(m.version()))
                .and_then(|a| a.applied_on.clone()),
        })
        .collect();
    for a in applied {
        if !all.iter().any(|m| m.version == a.version) {
            all.push(a.into());
        }
    }
    all.sort_by_key(|m| m.version);
    Ok(all)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    if needs_migration(conn)? {
        embedded::migrations::runner()
            .set_grouped(true)
            .run(conn)
            .map_err(|e| divergent_or(e, path))?;
    }
    views::install(conn)
}

fn divergent_or(e: refinery::Error, path: &Path) -> Error {
    match e.kind() {
        refinery::error::Kind::DivergentVersion(applied, _) => Error::DivergentMigration {
            path: path.to_path_buf(),
            version: i64::from(applied.version()),
            name: applied.name().to_string(),
        },
        _ => Error::Migration(e),
    }
}

/// Refuses files amzdb must not touch. Reads only: nothing is written before it passes.
fn check_is_amzdb(conn: &Connection, path: &Path) -> Result<()> {
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Error::NotADatabase {
                path: path.to_path_buf(),
            },
            _ => Error::Sql(e),
        })?;
    if tables == 0 {
        return Ok(());
    }
    let has_history: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [HISTORY_TABLE],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    if !has_history {
        return Err(Error::ForeignDatabase {
            path: path.to_path_buf(),
        });
    }
    let runner = embedded::migrations::runner();
    let known = runner.get_migrations();
    for applied in applied_versions(conn)? {
        match known
            .iter()
            .find(|m| i64::from(m.version()) == applied.version)
        {
            None => {
                return Err(Error::NewerSchema {
                    path: path.to_path_buf(),
                    found: applied.version,
                    known: known
                        .iter()
                        .map(|m| i64::from(m.version()))
                        .max()
                        .unwrap_or(0),
                })
            }
            Some(m) if applied.checksum != Some(m.checksum().to_string()) => {
                return Err(Error::DivergentMigration {
                    path: path.to_path_buf(),
                    version: applied.version,
                    name: applied.name,
                })
            }
            Some(_) => {}
        }
    }
    Ok(())
}

struct Applied {
    version: i64,
    name: String,
    applied_on: Option<String>,
    checksum: Option<String>,
}

impl From<Applied> for MigrationStatus {
    fn from(a: Applied) -> Self {
        MigrationStatus {
            version: a.version,
            name: a.name,
            applied_on: a.applied_on,
        }
    }
}

fn applied_versions(conn: &Connection) -> Result<Vec<Applied>> {
    let exists: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [HISTORY_TABLE],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(include_str!("sql/applied_migrations.sql"))?;
    let rows = stmt.query_map([], |r| {
        Ok(Applied {
            version: r.get(0)?,
            name: r.get(1)?,
            applied_on: r.get(2)?,
            checksum: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
pub(crate) fn memory() -> Connection {
    let mut conn = Connection::open_in_memory().expect("in-memory database");
    conn.pragma_update(None, "foreign_keys", true)
        .expect("pragma");
    migrate(&mut conn, Path::new(":memory:")).expect("migrations apply to an empty database");
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_and_validate() {
        let conn = memory();
        let problems: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(problems, 0);
        assert!(!needs_migration(&conn).unwrap());
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}
