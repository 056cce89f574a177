//! Hardening: writer (issue 10). Every output file (`--output`, `--chart`, `export`,
//! `dump`, `backup`) goes through one writer that refuses links, devices, FIFOs,
//! directories and the database's own files, leaves no temporary behind, and names the
//! target when writing fails; backups are readable from read-only storage; closed pipes
//! end amzdb quietly.

use crate::util::{assert_contains, names, Dir, DB};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_amzdb");

/// A directory whose database holds the bundled dataset (2,000+ facts: output larger
/// than a pipe's buffer).
fn bundled() -> Dir {
    let dir = Dir::new();
    dir.cmd().arg("init").assert().success();
    dir
}

/// The hidden names in a directory (temporaries are hidden).
fn hidden(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// A process id that no process has any more (a child that ran and was reaped).
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

// ---------------------------------------------------------------------------------
// Targets that are not regular files, or are the database's own.

#[test]
fn chart_output_refuses_a_symlink_and_leaves_its_target() {
    let dir = bundled();
    dir.write("victim.txt", "keep me");
    std::os::unix::fs::symlink("victim.txt", dir.join("chart.svg")).unwrap();
    let stderr = dir.run_err(&["report", "capex-fcf", "--chart", "chart.svg"]);
    assert_contains(
        &stderr,
        "amzdb: error: refused: chart.svg: is a symbolic link to victim.txt; amzdb does not \
         write through links",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("victim.txt")).unwrap(),
        "keep me"
    );
    assert!(std::fs::symlink_metadata(dir.join("chart.svg"))
        .unwrap()
        .file_type()
        .is_symlink());
    // --output goes through the same writer.
    let stderr = dir.run_err(&["facts", "--output", "chart.svg"]);
    assert_contains(&stderr, "chart.svg: is a symbolic link");
    assert_eq!(
        std::fs::read_to_string(dir.join("victim.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

/// A character device like /dev/null (major 1, minor 3) in the test's directory, so an
/// amzdb that wrongly replaces it does no harm to the machine; None (after saying why)
/// where device nodes cannot be made (not root).
fn null_device(dir: &Dir) -> Option<std::path::PathBuf> {
    let node = dir.join("null");
    let made = Command::new("mknod")
        .args(["-m", "666"])
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "mknod failed");
        eprintln!("skipped: cannot make a device node here (not root)");
        return None;
    }
    Some(node)
}

fn is_char_device(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_char_device()
}

#[test]
fn backup_and_output_refuse_a_device_node_and_leave_dev_null_a_character_device() {
    let dir = Dir::with_fixtures();
    let Some(node) = null_device(&dir) else {
        return;
    };
    assert!(is_char_device(&node));
    // Named by its absolute path, as `/dev/null` would be.
    let target = node.to_str().unwrap();
    let stderr = dir.refused_unchanged(&["backup", target, "--force"]);
    assert_contains(
        &stderr,
        &format!(
            "amzdb: error: refused: {target}: is a character device; amzdb writes only \
             regular files"
        ),
    );
    assert!(
        !stderr.contains(DB),
        "the database is not to blame:\n{stderr}"
    );
    assert!(is_char_device(&node), "the device node was replaced");
    let stderr = dir.run_err(&["facts", "--output", target]);
    assert_contains(
        &stderr,
        &format!("refused: {target}: is a character device"),
    );
    assert!(is_char_device(&node), "the device node was replaced");
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
    // The real one, now that amzdb is known to refuse a device node.
    let stderr = dir.refused_unchanged(&["backup", "/dev/null", "--force"]);
    assert_contains(&stderr, "refused: /dev/null: is a character device");
    assert!(is_char_device(Path::new("/dev/null")));
}

#[test]
fn backup_refuses_the_databases_own_wal_shm_and_journal_even_with_force() {
    let dir = Dir::with_fixtures();
    // A reader keeps the -wal and -shm in place, as on a live database.
    let holder = dir.conn();
    let _: i64 = holder
        .query_row("SELECT count(*) FROM facts", [], |r| r.get(0))
        .unwrap();
    for (target, what) in [
        ("test.sqlite-wal", "the database's write-ahead log"),
        ("test.sqlite-shm", "the database's shared-memory index"),
        // The journal does not exist: still the database's.
        ("test.sqlite-journal", "the database's rollback journal"),
        ("./test.sqlite", "the database itself"),
    ] {
        let existed = dir.join(target).exists();
        let stderr = dir.refused_unchanged(&["backup", target, "--force"]);
        assert_contains(
            &stderr,
            &format!("amzdb: error: refused: {target}: is {what}"),
        );
        assert_eq!(dir.join(target).exists(), existed, "{target}");
        let stderr = dir.run_err(&["facts", "--format", "csv", "--output", target]);
        assert_contains(&stderr, &format!("refused: {target}: is {what}"));
    }
    // The -wal is still SQLite's: the database opens and holds its facts.
    drop(holder);
    assert_eq!(dir.count("facts"), 11);
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

#[test]
fn output_refuses_a_fifo_and_a_directory_and_leaves_them() {
    let dir = Dir::with_fixtures();
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::create_dir(dir.join("folder")).unwrap();
    let stderr = dir.run_err(&["facts", "--output", "pipe"]);
    assert_contains(&stderr, "refused: pipe: is a FIFO (named pipe)");
    let stderr = dir.run_err(&["backup", "pipe", "--force"]);
    assert_contains(&stderr, "refused: pipe: is a FIFO (named pipe)");
    assert!(std::fs::symlink_metadata(dir.join("pipe"))
        .unwrap()
        .file_type()
        .is_fifo());
    let stderr = dir.run_err(&["query", "select 1", "--output", "folder"]);
    assert_contains(&stderr, "refused: folder: is a directory");
    let stderr = dir.run_err(&["backup", "folder", "--force"]);
    assert_contains(&stderr, "refused: folder: is a directory");
    assert!(dir.join("folder").is_dir());
    assert_eq!(names(&dir.join("folder")), Vec::<String>::new());
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------
// Backups: a failure names the copy, leaves nothing; a copy reads from read-only storage.

#[test]
fn backup_onto_a_full_disk_names_the_target_and_leaves_no_journal() {
    let dir = bundled();
    let size = std::fs::metadata(dir.join(DB)).unwrap().len();
    // 100 KiB: room for the database's -shm, far less than the copy.
    let out = dir.run_limited("-f 200", &["backup", "copy.sqlite"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", out.status);
    assert!(size > 200 * 512);
    assert_contains(
        &stderr,
        "amzdb: error: copy.sqlite: writing the backup failed (the disk may be full or a \
         file-size limit such as `ulimit -f` reached); no backup was written",
    );
    assert!(
        !stderr.contains("test.sqlite"),
        "the source database is blamed:\n{stderr}"
    );
    assert!(!dir.join("copy.sqlite").exists());
    assert_eq!(hidden(dir.path()), Vec::<String>::new(), "temporaries left");
    // Without the limit the same backup succeeds.
    assert_contains(
        &dir.run(&["backup", "copy.sqlite"]),
        "backed up test.sqlite",
    );
}

#[test]
fn a_killed_backups_temporary_copy_is_removed_by_the_next_backup() {
    let dir = Dir::with_fixtures();
    // What a backup killed part-way leaves: its temporary copy and SQLite's journal.
    let stale = format!(".copy.sqlite.amzdb-{}-Ab12Cd.tmp", dead_pid());
    dir.write(&stale, vec![0u8; 64 * 1024]);
    dir.write(&format!("{stale}-journal"), "journal");
    // A temporary of a process still running is not stale; another name is not ours.
    let live = format!(".copy.sqlite.amzdb-{}-Zz99Yy.tmp", std::process::id());
    dir.write(&live, "in use");
    dir.write(".other.sqlite.amzdb-1-Ab12Cd.tmp", "not for this target");
    assert_contains(&dir.run(&["backup", "copy.sqlite"]), "(11 facts)");
    assert_eq!(
        hidden(dir.path()),
        [live, ".other.sqlite.amzdb-1-Ab12Cd.tmp".to_string()]
    );
}

#[test]
fn backup_is_readable_from_read_only_storage_by_another_user() {
    let dir = bundled();
    std::fs::create_dir(dir.join("replica")).unwrap();
    let out = dir.run(&["backup", "replica/copy.sqlite"]);
    assert_contains(&out, "backed up test.sqlite to replica/copy.sqlite");
    assert_eq!(names(&dir.join("replica")), ["copy.sqlite"]);
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(dir.path(), 0o755);
    mode(&dir.join("replica/copy.sqlite"), 0o444);
    mode(&dir.join("replica"), 0o555);
    let expected = dir.run(&["facts", "--format", "csv"]);

    // Another user, no write permission anywhere near the copy.
    let Some(amzdb) = crate::util::unprivileged_amzdb() else {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"));
        return;
    };
    // The setpriv prefix (none when not root) before any program.
    let (bin, prefix) = amzdb.split_last().expect("a command line");
    let as_nobody = |program: &str| {
        let mut cmd = match prefix.split_first() {
            Some((first, rest)) => {
                let mut cmd = Command::new(first);
                cmd.args(rest).arg(program);
                cmd
            }
            None => Command::new(program),
        };
        cmd.current_dir(dir.path()).env_remove("AMZDB_DB");
        cmd
    };
    if let Some(shell) = crate::util::sqlite3_shell() {
        let out = as_nobody(shell)
            .args([
                "-readonly",
                "replica/copy.sqlite",
                "SELECT count(*) FROM facts",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "sqlite3 cannot read the copy: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let count = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(count, (expected.lines().count() - 1).to_string());
    }
    let out = as_nobody(bin)
        .args(["--db", "replica/copy.sqlite", "facts", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "amzdb cannot read the copy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout) == expected);
    let out = as_nobody(bin)
        .args([
            "--db",
            "replica/copy.sqlite",
            "query",
            "SELECT count(*) AS n FROM facts",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("n\n{}\n", expected.lines().count() - 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(names(&dir.join("replica")), ["copy.sqlite"]);
    mode(&dir.join("replica"), 0o755);
}

// ---------------------------------------------------------------------------------
// Dumps: a whole set of files or none.

#[test]
fn dump_onto_a_full_disk_leaves_no_partial_set() {
    let dir = bundled();
    // 200 KiB: entities, sources, metrics, concepts and segments fit; facts.csv does not.
    let out = dir.run_limited("-f 400", &["dump", "csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", out.status);
    assert_contains(&stderr, "amzdb: error: csv/facts.csv: File too large");
    assert!(!dir.join("csv").exists(), "a partial dump was left");
    assert_eq!(hidden(dir.path()), Vec::<String>::new(), "temporaries left");
    assert_contains(&dir.run(&["dump", "csv"]), "dumped ");
    assert_eq!(
        names(&dir.join("csv")),
        [
            "concepts.csv",
            "entities.csv",
            "facts.csv",
            "metrics.csv",
            "segments.csv",
            "sources.csv",
            "watch.csv"
        ]
    );
}

#[test]
fn dump_replaces_an_earlier_dump_whole_and_refuses_a_directory_of_other_files() {
    let dir = Dir::with_fixtures();
    dir.run(&["dump", "csv"]);
    let first = std::fs::read(dir.join("csv/facts.csv")).unwrap();
    dir.ingest_ok_rows(&["DECO,capex,,Q2 FY2026,level,5B,,USD,exact,actual,audited,deco-10q,,,"]);
    dir.run(&["dump", "csv"]);
    let second = std::fs::read(dir.join("csv/facts.csv")).unwrap();
    assert!(second.len() > first.len(), "the earlier dump was replaced");
    assert_eq!(names(&dir.join("csv")).len(), 7);

    // A directory holding anything else is someone's: refused, untouched.
    dir.write("mine/notes.txt", "keep me");
    dir.write("mine/facts.csv", "my own facts");
    let stderr = dir.run_err(&["dump", "mine"]);
    assert_contains(
        &stderr,
        "amzdb: error: refused: mine: holds files that are not from an earlier run \
         (notes.txt)",
    );
    assert_eq!(names(&dir.join("mine")), ["facts.csv", "notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("mine/facts.csv")).unwrap(),
        "my own facts"
    );
    // An empty directory is filled; a killed dump's temporary directory is removed.
    std::fs::create_dir(dir.join("empty")).unwrap();
    let stale = format!(".empty.amzdb-{}-Ab12Cd.tmp", dead_pid());
    dir.write(&format!("{stale}/facts.csv"), "half a fi");
    dir.run(&["dump", "empty"]);
    assert_eq!(names(&dir.join("empty")).len(), 7);
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------
// Closed pipes and a closed stderr.

/// Runs amzdb with its stdout a pipe the test closes before reading (and its stderr the
/// same pipe when `stderr_too`); returns the exit status and what stderr said otherwise.
fn into_closed_pipe(dir: &Dir, args: &[&str], stderr_too: bool) -> (Option<i32>, String) {
    let mut cmd = Command::new("sh");
    let redirect = if stderr_too { " 2>&1" } else { "" };
    cmd.arg("-c")
        .arg(format!("exec \"$0\" \"$@\"{redirect}"))
        .arg(BIN)
        .args(["--db", DB])
        .args(args)
        .current_dir(dir.path())
        .env_remove("AMZDB_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn csv_output_to_a_closed_pipe_exits_quietly_in_every_format() {
    let dir = bundled();
    let commands: [&[&str]; 3] = [
        &["facts"],
        &["query", "SELECT * FROM fact_detail"],
        &["report", "provenance", "--metric", "capex"],
    ];
    for command in commands {
        for format in ["csv", "table", "json", "markdown"] {
            let mut args = command.to_vec();
            args.extend(["--format", format]);
            let (code, stderr) = into_closed_pipe(&dir, &args, false);
            assert_eq!(code, Some(0), "{args:?}: {stderr}");
            assert_eq!(stderr, "", "{args:?} said something");
        }
    }
}

#[test]
fn a_closed_stderr_never_makes_amzdb_panic() {
    let dir = bundled();
    for format in ["csv", "table", "json", "markdown"] {
        let (code, _) = into_closed_pipe(&dir, &["facts", "--format", format], true);
        assert_eq!(code, Some(0), "facts --format {format}: 101 is a panic");
    }
    // A note on stderr (the chart) and an error message, with nobody reading either.
    let (code, _) = into_closed_pipe(
        &dir,
        &["report", "capex-fcf", "--chart", "c.svg", "--format", "csv"],
        true,
    );
    assert_eq!(code, Some(0), "101 is a panic");
    assert!(dir.join("c.svg").is_file());
    std::fs::create_dir(dir.join("folder")).unwrap();
    let (code, _) = into_closed_pipe(&dir, &["facts", "--output", "folder"], true);
    assert_eq!(code, Some(1), "a refusal exits 1; 101 is a panic");
}

/// Runs amzdb until a temporary named `.PREFIX...` appears in `watch`, kills it with
/// SIGKILL there and returns what it left (tries again when it finished first).
fn killed_mid_write(dir: &Dir, watch: &Path, prefix: &str, args: &[&str]) -> Vec<String> {
    let temporaries = || -> Vec<String> {
        if !watch.is_dir() {
            return Vec::new();
        }
        hidden(watch)
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .collect()
    };
    for _ in 0..20 {
        let mut child = Command::new(BIN)
            .args(["--db", DB])
            .args(args)
            .current_dir(dir.path())
            .env_remove("AMZDB_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if !temporaries().is_empty() {
                child.kill().unwrap();
                child.wait().unwrap();
                let left = temporaries();
                if !left.is_empty() {
                    return left;
                }
                break;
            }
            if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("amzdb {args:?} was never caught writing a temporary file");
}

#[test]
fn a_killed_backup_or_export_leaves_its_temporaries_only_until_the_next_run() {
    let dir = bundled();
    let left = killed_mid_write(
        &dir,
        dir.path(),
        ".copy.sqlite.amzdb-",
        &["backup", "copy.sqlite"],
    );
    eprintln!("a killed backup left {left:?}");
    assert_contains(
        &dir.run(&["backup", "copy.sqlite", "--force"]),
        "backed up test.sqlite to copy.sqlite",
    );
    assert_eq!(hidden(dir.path()), Vec::<String>::new(), "after a backup");

    let sheets = dir.join("sheets");
    let left = killed_mid_write(&dir, &sheets, ".", &["export", "sheets"]);
    eprintln!("a killed export left {left:?}");
    assert!(left.iter().all(|n| n.contains(".csv.amzdb-")), "{left:?}");
    dir.run(&["export", "sheets"]);
    assert_eq!(hidden(&sheets), Vec::<String>::new(), "after an export");
}
