//! Every file amzdb writes besides its database (`--output`, `--chart`, `export`, `dump`,
//! `backup`) goes through here: the target is checked, the content is written to a
//! temporary beside it, flushed to disk and renamed into place, and the directory synced.
//! A failure or a kill never leaves a half-written file under the final name.
//!
//! A target is refused when it is a symbolic link, a directory, a device, a FIFO, a socket,
//! or one of the database's own files (the database, its -wal, -shm and -journal): amzdb
//! writes regular files only, and never over what it reads.
//!
//! Temporaries have one name pattern, `.NAME.amzdb-PID-XXXXXX.tmp` (a directory for
//! `dump`, with SQLite's `-journal` beside it for `backup`); the next write to NAME removes
//! those whose process is gone, so a killed run leaves nothing behind for long.

use crate::error::{Error, Result};
use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The database of this run, named once on the command line (`--db`). Every write
/// consults it so that no output file replaces the database or its side files.
static DATABASE: OnceLock<PathBuf> = OnceLock::new();

/// Names the database no output may replace (called once, by main).
pub fn protect_database(db: &Path) {
    let _ = DATABASE.set(db.to_path_buf());
}

/// Writes `target` whole or not at all (see the module comment). The writer is `Send`
/// for writers that require it (Parquet's).
pub fn write(
    target: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> Result<()> {
    check_target(target)?;
    remove_stale(target);
    let mut file = temporary_file(target)?;
    {
        let mut buffered = io::BufWriter::new(file.as_file_mut());
        write(&mut buffered).map_err(|e| Error::io(target, e))?;
        buffered.flush().map_err(|e| Error::io(target, e))?;
    }
    let io = |e| Error::io(target, e);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Temporary files are private; the result is an ordinary file.
        file.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .map_err(io)?;
    }
    file.as_file().sync_all().map_err(io)?;
    place(file.into_temp_path(), target, true)
}

/// Refuses a target amzdb must not write over: a symbolic link, a directory, a device, a
/// FIFO, a socket, one of the database's files, or a name whose directory is missing.
pub fn check_target(target: &Path) -> Result<()> {
    if target.file_name().is_none() {
        return refuse(target, "is not a file name");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        if target.as_os_str().as_bytes().ends_with(b"/") {
            return refuse(target, "ends in '/', so it names a directory; name a file");
        }
    }
    check_directory(target)?;
    let meta = metadata(target)?;
    if let Some(what) = meta.as_ref().and_then(|m| special(target, m)) {
        return refuse(target, &what);
    }
    check_not_database(target, meta.as_ref())
}

/// Refuses a target whose directory is missing (or not a directory).
fn check_directory(target: &Path) -> Result<()> {
    let dir = parent(target);
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => refuse(target, &format!("{} is not a directory", dir.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => refuse(
            target,
            &format!(
                "the directory {} does not exist; create it first",
                dir.display()
            ),
        ),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Refuses a target that is one of the database's files.
fn check_not_database(target: &Path, meta: Option<&Metadata>) -> Result<()> {
    let Some(what) = DATABASE
        .get()
        .and_then(|db| database_file(target, meta, db))
    else {
        return Ok(());
    };
    refuse(
        target,
        &format!(
            "is {what}; amzdb never writes over its database or the database's -wal, -shm or \
             -journal file: choose another file"
        ),
    )
}

/// A target's own metadata (a link is not followed); None when nothing is there.
fn metadata(target: &Path) -> Result<Option<Metadata>> {
    match fs::symlink_metadata(target) {
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(target, e)),
    }
}

/// An empty temporary file beside `target`, removed when dropped.
pub fn temporary_file(target: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = parent(target);
    tempfile::Builder::new()
        .prefix(&temporary_prefix(target))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| cannot_create(target, e))
}

/// A temporary beside `target` could not be made: the message names the target and its
/// directory, not the temporary's random name (which the error from `tempfile` carries).
fn cannot_create(target: &Path, e: io::Error) -> Error {
    let cause = match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code).to_string(),
        None if e.kind() != io::ErrorKind::Other => e.kind().to_string(),
        None => e.to_string(),
    };
    Error::Output {
        path: target.to_path_buf(),
        message: format!(
            "cannot create a file in {} ({cause}); amzdb writes beside the final name \
             first, so this user must be able to write that directory",
            parent(target).display()
        ),
    }
}

/// Renames a complete temporary file to `target` (replacing it only when `replace`) and
/// syncs the directory, so the new name survives a power cut. The target is checked once
/// more just before: what appeared there since is refused, not replaced.
pub fn place(tmp: tempfile::TempPath, target: &Path, replace: bool) -> Result<()> {
    check_target(target)?;
    let placed = if replace {
        tmp.persist(target)
    } else {
        tmp.persist_noclobber(target)
    };
    placed.map_err(|e| Error::io(target, e.error))?;
    sync_directory(target)
}

/// Writes a directory whole or not at all: `fill` writes its files into a temporary
/// directory beside `target`, which is then renamed into place. An existing `target` is
/// replaced only if it is empty or holds nothing but files named in `replaceable` (an
/// earlier run of the same command); anything else in it is refused and left alone.
/// A name in `replaceable` may hold one `*` per path segment (any run of characters)
/// and `/` for a file in a subdirectory (`entity=*/part-0.parquet`).
pub fn write_dir<T>(
    target: &Path,
    replaceable: &[String],
    fill: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    if target.file_name().is_none() {
        return refuse(
            target,
            "names no directory of its own (`.`, `..`, `/`): DIR is replaced whole, so name \
             a new or empty directory, e.g. `csv`",
        );
    }
    check_directory(target)?;
    let existing = metadata(target)?;
    check_not_database(target, existing.as_ref())?;
    if let Some(meta) = &existing {
        if !meta.is_dir() {
            let what = if meta.file_type().is_symlink() {
                "is a symbolic link (amzdb does not write through links)"
            } else {
                "is not a directory"
            };
            return refuse(target, &format!("{what}; name a new or empty directory"));
        }
        let others = foreign_entries(target, replaceable)?;
        if !others.is_empty() {
            return refuse(
                target,
                &format!(
                    "holds files that are not from an earlier run ({}); it is replaced only \
                     when empty or holding nothing else: choose a new or empty directory",
                    others.join(", ")
                ),
            );
        }
    }
    remove_stale(target);
    let tmp = tempfile::Builder::new()
        .prefix(&temporary_prefix(target))
        .suffix(".tmp")
        .tempdir_in(parent(target))
        .map_err(|e| cannot_create(target, e))?;
    let result = fill(tmp.path())?;
    let io = |e| Error::io(target, e);
    for entry in fs::read_dir(tmp.path()).map_err(io)? {
        File::open(entry.map_err(io)?.path())
            .and_then(|f| f.sync_all())
            .map_err(io)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    File::open(tmp.path())
        .and_then(|d| d.sync_all())
        .map_err(io)?;
    let tmp = tmp.keep();
    let placed = if existing.is_some() {
        exchange(&tmp, target)
    } else {
        fs::rename(&tmp, target)
    };
    // After an exchange `tmp` names the earlier directory; after a failure, the new one;
    // after a plain rename, nothing.
    let removed = match fs::remove_dir_all(&tmp) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    placed.map_err(io)?;
    removed.map_err(|e| Error::io(&tmp, e))?;
    sync_directory(target)?;
    Ok(result)
}

/// Removes the temporaries an earlier, killed write to `target` left (their process is
/// gone). One that cannot be removed is reported on stderr and left.
pub fn remove_stale(target: &Path) {
    let prefix = stale_prefix(target);
    let Ok(entries) = fs::read_dir(parent(target)) else {
        return;
    };
    for entry in entries.filter_map(std::result::Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if alive(pid) {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(kind) if kind.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
        if let Err(e) = removed {
            crate::say!(
                "amzdb: note: {}: a temporary file a killed amzdb left could not be removed ({e}); \
                 remove it by hand",
                path.display()
            );
        }
    }
}

/// `.NAME.amzdb-PID-`: the start of every temporary for `target` made by this process.
fn temporary_prefix(target: &Path) -> String {
    format!("{}{}-", stale_prefix(target), std::process::id())
}

fn stale_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    format!(".{name}.amzdb-")
}

/// Whether a process with this id exists (a process of another user counts).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 sends nothing; kill only checks the process exists.
        let found = unsafe { libc::kill(pid, 0) } == 0;
        found || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    true
}

/// The directory a path names a file in (`.` for a bare name).
pub fn parent(target: &Path) -> &Path {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn refuse<T>(target: &Path, what: &str) -> Result<T> {
    Err(Error::Refused(format!("{}: {what}", target.display())))
}

/// What a target is when it is not a regular file amzdb may replace.
fn special(target: &Path, meta: &Metadata) -> Option<String> {
    let kind = meta.file_type();
    if kind.is_symlink() {
        let to = fs::read_link(target)
            .map(|t| format!(" to {}", t.display()))
            .unwrap_or_default();
        return Some(format!(
            "is a symbolic link{to}; amzdb does not write through links: name the file itself"
        ));
    }
    if kind.is_dir() {
        return Some("is a directory; name a file".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_char_device() {
            "a character device"
        } else if kind.is_block_device() {
            "a block device"
        } else if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_socket() {
            "a socket"
        } else {
            return None;
        };
        Some(format!("is {what}; amzdb writes only regular files"))
    }
    #[cfg(not(unix))]
    None
}

/// Which of the database's files `target` is, if any: the same inode as an existing one,
/// or the same name in the same (canonical) directory, for the side files that do not
/// exist yet. Both the database as named and the file a link names are compared (SQLite
/// puts the side files beside the real file).
fn database_file(target: &Path, meta: Option<&Metadata>, db: &Path) -> Option<String> {
    let mut bases = vec![db.to_path_buf()];
    if let Ok(real) = db.canonicalize() {
        bases.push(real);
    }
    let located = locate(target);
    for base in &bases {
        for (suffix, what) in [
            ("", "the database itself"),
            ("-wal", "the database's write-ahead log"),
            ("-shm", "the database's shared-memory index"),
            ("-journal", "the database's rollback journal"),
        ] {
            let mut name = base.as_os_str().to_owned();
            name.push(suffix);
            let file = PathBuf::from(name);
            let same = same_inode(meta, &file) || (located.is_some() && located == locate(&file));
            if same {
                return Some(format!("{what} ({})", file.display()));
            }
        }
    }
    None
}

/// A path as (canonical directory, file name), whether or not the file exists.
fn locate(path: &Path) -> Option<(PathBuf, std::ffi::OsString)> {
    Some((
        parent(path).canonicalize().ok()?,
        path.file_name()?.to_owned(),
    ))
}

fn same_inode(meta: Option<&Metadata>, other: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (meta, fs::metadata(other)) {
            (Some(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    false
}

/// Syncs the directory holding `target`, so a rename into it is on disk.
fn sync_directory(target: &Path) -> Result<()> {
    let dir = parent(target);
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))?;
    Ok(())
}

/// The entries of `dir` an earlier run did not write (sorted): any name not in
/// `expected`, and an expected name that is not a regular file (a directory named
/// `facts.csv` holds someone's files). One of the database's files (a database named
/// `facts.csv`) is refused outright. Replacing `dir` deletes every entry.
fn foreign_entries(dir: &Path, expected: &[String]) -> Result<Vec<String>> {
    let patterns: Vec<Vec<&str>> = expected.iter().map(|p| p.split('/').collect()).collect();
    let mut others = Vec::new();
    foreign_in(dir, "", &patterns, &mut others)?;
    others.sort();
    Ok(others)
}

/// `foreign_entries` below `dir` (named `prefix` in the list): a regular file matching a
/// whole pattern, or a directory (not a link) matching a pattern's first segment whose
/// entries match the rest, is an earlier run's.
fn foreign_in(
    dir: &Path,
    prefix: &str,
    patterns: &[Vec<&str>],
    others: &mut Vec<String>,
) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let meta = metadata(&path)?;
        check_not_database(&path, meta.as_ref())?;
        let matching = || patterns.iter().filter(|p| matches(p[0], &name));
        let is_file = meta.as_ref().is_some_and(Metadata::is_file);
        let is_dir = meta.as_ref().is_some_and(Metadata::is_dir);
        if is_file && matching().any(|p| p.len() == 1) {
            continue;
        }
        let below: Vec<Vec<&str>> = matching()
            .filter(|p| p.len() > 1)
            .map(|p| p[1..].to_vec())
            .collect();
        if is_dir && !below.is_empty() {
            foreign_in(&path, &format!("{prefix}{name}/"), &below, others)?;
            continue;
        }
        others.push(format!("{prefix}{name}"));
    }
    Ok(())
}

/// Whether a name matches one segment of a `replaceable` pattern (at most one `*`).
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
    }
}

/// Swaps two directories in one step (Linux `renameat2(RENAME_EXCHANGE)`), so `target` is
/// always either the earlier directory or the new one. Elsewhere, or on a file system
/// without it, the earlier directory is moved aside first.
fn exchange(new: &Path, target: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(new.as_os_str().as_bytes())?;
        let b = CString::new(target.as_os_str().as_bytes())?;
        // SAFETY: two NUL-terminated paths that outlive the call.
        let done = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if done == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if !matches!(
            error.raw_os_error(),
            Some(libc::EINVAL) | Some(libc::ENOSYS)
        ) {
            return Err(error);
        }
    }
    let mut aside = new.as_os_str().to_owned();
    aside.push(".old");
    let aside = PathBuf::from(aside);
    fs::rename(target, &aside)?;
    fs::rename(new, target)?;
    fs::rename(&aside, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_of_a_target_share_one_pattern() {
        let prefix = temporary_prefix(Path::new("out/facts.csv"));
        assert_eq!(prefix, format!(".facts.csv.amzdb-{}-", std::process::id()));
        assert!(prefix.starts_with(&stale_prefix(Path::new("facts.csv"))));
    }

    #[test]
    fn a_side_file_that_does_not_exist_yet_is_still_the_databases() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.sqlite");
        std::fs::write(&db, "").unwrap();
        let wal = dir.path().join(".").join("x.sqlite-wal");
        assert!(database_file(&wal, None, &db)
            .unwrap()
            .starts_with("the database's write-ahead log"));
        assert_eq!(database_file(&dir.path().join("y.sqlite"), None, &db), None);
    }

    #[test]
    fn an_earlier_runs_files_match_its_patterns_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let at = |p: &str| dir.path().join(p);
        std::fs::create_dir_all(at("entity=AMZN")).unwrap();
        std::fs::create_dir_all(at("entity=MSFT/deeper")).unwrap();
        std::fs::create_dir_all(at("other")).unwrap();
        for file in ["entity=AMZN/part-0.parquet", "x.parquet", "notes.txt"] {
            std::fs::write(at(file), "").unwrap();
        }
        let expected = ["entity=*/part-0.parquet".into(), "*.parquet".into()];
        assert_eq!(
            foreign_entries(dir.path(), &expected).unwrap(),
            ["entity=MSFT/deeper", "notes.txt", "other"]
        );
        assert!(matches("entity=*", "entity=BRK.B"));
        assert!(!matches("*.parquet", ".parquet.tmp"));
    }

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!alive(pid));
    }
}
