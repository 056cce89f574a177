//! `amzdb migrate [--status]`: upgrade the schema, or list applied and pending migrations.

use crate::cli::MigrateArgs;
use crate::db;
use crate::error::Result;
use std::io::Write;
use std::path::Path;

pub fn run(db_path: &Path, args: &MigrateArgs, out: &mut dyn Write) -> Result<()> {
    let io = |e| crate::error::Error::io("<stdout>", e);
    if args.status {
        let conn = super::readable_unmigrated(db_path)?;
        for m in db::status(&conn, db_path)? {
            match &m.applied_on {
                Some(at) => writeln!(out, "V{} {}  applied {at}", m.version, m.name),
                None => writeln!(out, "V{} {}  pending", m.version, m.name),
            }
            .map_err(io)?;
        }
        return Ok(());
    }
    let (before, views_current) = {
        let conn = super::readable_unmigrated(db_path)?;
        (
            db::status(&conn, db_path)?,
            crate::views::up_to_date(&conn)?,
        )
    };
    let conn = super::writable(db_path)?;
    let after = db::status(&conn, db_path)?;
    let newly: Vec<String> = after
        .iter()
        .filter(|m| m.applied_on.is_some())
        .filter(|m| {
            before
                .iter()
                .any(|b| b.version == m.version && b.applied_on.is_none())
        })
        .map(|m| format!("V{} {}", m.version, m.name))
        .collect();
    let latest = after.iter().map(|m| m.version).max().unwrap_or(0);
    if newly.is_empty() {
        let views = if views_current {
            ""
        } else {
            "; views brought up to date with this amzdb's queries"
        };
        writeln!(
            out,
            "{}: schema is up to date (version {latest}){views}",
            db_path.display()
        )
        .map_err(io)?;
    } else {
        writeln!(
            out,
            "{}: migrated to version {latest} (applied {})",
            db_path.display(),
            newly.join(", ")
        )
        .map_err(io)?;
    }
    Ok(())
}
