//! Opening databases: the file checks that keep amzdb from touching what it should not
//! (not SQLite, not amzdb's, from a newer amzdb), per-connection PRAGMAs, the embedded
//! migrations, and the views that are rebuilt from `queries/` after every migration.

use crate::error::{Error, Result};
use crate::views;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

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
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    check_is_amzdb(&conn, path)?;
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
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

/// Opens a database read-only (SQLite refuses every write on it). The database must
/// exist and be at this amzdb's schema version: callers migrate it first.
pub fn open_ro(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    check_is_amzdb(&conn, path)?;
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
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
