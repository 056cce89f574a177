//! Hardening: filters (issue 10). A filter value that names nothing known is a usage
//! error with the nearest known value, never a silent `(0 rows)`; known values that
//! find nothing say why on stderr; user SQL has a time limit and stops on Ctrl-C.

use crate::reports::parse_csv;
use crate::util::{assert_contains, Dir};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A query that never ends on its own.
const RUNAWAY: &str =
    "with recursive r(x) as (select 1 union all select x+1 from r) select count(*) from r";

/// Runs `amzdb --db test.sqlite ARGS`, asserts it is a usage error (exit 2, an
/// `amzdb: error:` message, nothing on stdout); returns its stderr.
fn usage_error(dir: &Dir, args: &[&str]) -> String {
    let out = dir.cmd().args(args).output().expect("run amzdb");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.starts_with("amzdb: error: "), "{args:?}: {stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "{args:?}");
    stderr
}

/// Runs `amzdb --db test.sqlite ARGS`, asserts it succeeds; returns (stdout, stderr).
fn run_both(dir: &Dir, args: &[&str]) -> (String, String) {
    let out = dir.cmd().args(args).output().expect("run amzdb");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(out.stdout).expect("UTF-8"), stderr)
}

#[test]
fn unknown_facts_filters_are_errors_not_zero_rows() {
    let dir = Dir::with_fixtures();
    for (args, message) in [
        (
            &["facts", "--entity", "DECQ"][..],
            "unknown entity 'DECQ'; did you mean 'DECO'?",
        ),
        (
            &["facts", "--metric", "capx"],
            "unknown metric 'capx'; did you mean 'capex'?",
        ),
        (
            &["facts", "--segment", "Widget"],
            "unknown segment 'Widget'; did you mean 'Widgets'?",
        ),
        (
            &["facts", "--period", "Q1 2026"],
            "unknown period 'Q1 2026'; did you mean 'Q1 FY2026'?",
        ),
        (
            &["facts", "--entity", "XYZQ"],
            "unknown entity 'XYZQ'; known entities: 'DECO', 'JANO'",
        ),
        (
            &["facts", "--entity", "DECO", "--metric", "headcount"],
            "unknown metric 'headcount'; known metrics: 'capex', 'cash', 'eps', \
             'operating_margin', 'revenue'",
        ),
    ] {
        assert_eq!(
            usage_error(&dir, args),
            format!("amzdb: error: {message}\n"),
            "{args:?}"
        );
    }
}

#[test]
fn a_lowercase_ticker_finds_its_entity() {
    let dir = Dir::with_fixtures();
    let upper = dir.run(&["facts", "--entity", "DECO", "--format", "csv"]);
    assert_eq!(upper.lines().count(), 8, "{upper}");
    assert_eq!(
        dir.run(&["facts", "--entity", "deco", "--format", "csv"]),
        upper
    );
    assert_eq!(
        dir.run(&["facts", "--entity", "Deco", "--format", "csv"]),
        upper
    );
    let report = |entity: &str| {
        dir.run(&[
            "report",
            "provenance",
            "--entity",
            entity,
            "--format",
            "csv",
        ])
    };
    let provenance = report("DECO");
    assert!(provenance.lines().count() > 1, "{provenance}");
    assert_eq!(report("deco"), provenance);
}

#[test]
fn a_period_in_another_case_or_spacing_finds_its_label() {
    let dir = Dir::with_fixtures();
    let canonical = dir.run(&["facts", "--period", "Q1 FY2026", "--format", "csv"]);
    assert_eq!(parse_csv(&canonical).len(), 5, "{canonical}");
    for spelling in ["q1 fy2026", "Q1FY2026", "q1  FY2026"] {
        assert_eq!(
            dir.run(&["facts", "--period", spelling, "--format", "csv"]),
            canonical,
            "{spelling}"
        );
    }
    let args = |period| {
        vec![
            "report",
            "provenance",
            "--entity",
            "deco",
            "--metric",
            "capex",
            "--period",
            period,
            "--format",
            "csv",
        ]
    };
    let provenance = dir.run(&args("Q1 FY2026"));
    assert_eq!(provenance.lines().count(), 3, "{provenance}");
    assert_eq!(dir.run(&args("q1 fy2026")), provenance);
}

#[test]
fn unknown_report_and_dump_filters_are_errors_not_zero_rows() {
    let dir = Dir::with_fixtures();
    for (args, message) in [
        (
            &["report", "capex-fcf", "--entity", "DECQ"][..],
            "unknown entity 'DECQ'; did you mean 'DECO'?",
        ),
        (
            &[
                "report",
                "provenance",
                "--entity",
                "DECO",
                "--metric",
                "capx",
            ],
            "unknown metric 'capx'; did you mean 'capex'?",
        ),
        (
            &[
                "report",
                "provenance",
                "--entity",
                "DECO",
                "--period",
                "FY2052",
            ],
            "unknown period 'FY2052'; did you mean 'FY2025'?",
        ),
        (
            // cloud-peers spans its own entities, but a --entity given must exist.
            &["report", "cloud-peers", "--entity", "XYZQ"],
            "unknown entity 'XYZQ'; known entities: 'DECO', 'JANO'",
        ),
        (
            // --entity is AMZN when not given: say so, and what to do instead.
            &["report", "capex-fcf"],
            "unknown entity 'AMZN'; known entities: 'DECO', 'JANO' (--entity is AMZN when \
             not given); give --entity TICKER or --all-entities",
        ),
        (
            &["dump", "out", "--entity", "DECQ"],
            "unknown entity 'DECQ'; did you mean 'DECO'?",
        ),
        (
            &["dump", "out", "--source-kind", "filings"],
            "unknown source kind 'filings'; did you mean 'filing'?",
        ),
    ] {
        assert_eq!(
            usage_error(&dir, args),
            format!("amzdb: error: {message}\n"),
            "{args:?}"
        );
    }
    assert!(
        !dir.join("out").exists(),
        "a refused dump created its directory"
    );
    // Known values in another spelling dump the same files.
    dir.run(&[
        "dump",
        "exact",
        "--entity",
        "DECO",
        "--source-kind",
        "filing",
    ]);
    dir.run(&[
        "dump",
        "loose",
        "--entity",
        "deco",
        "--source-kind",
        "Filing",
    ]);
    let facts = |d: &str| std::fs::read_to_string(dir.join(d).join("facts.csv")).unwrap();
    assert_eq!(facts("exact").lines().count(), 8);
    assert_eq!(facts("loose"), facts("exact"));
}

#[test]
fn known_filters_that_find_nothing_say_why() {
    let dir = Dir::with_fixtures();
    let empty = |args: &[&str]| {
        let (out, err) = run_both(&dir, args);
        assert!(out.ends_with("(0 rows)\n"), "{args:?}: {out}");
        err
    };
    assert_eq!(
        empty(&[
            "report",
            "capex-fcf",
            "--entity",
            "deco",
            "--as-of",
            "2001-01-01"
        ]),
        "amzdb: note: DECO has facts, but none published on or before 2001-01-01\n"
    );
    assert_eq!(
        empty(&[
            "report",
            "provenance",
            "--entity",
            "JANO",
            "--metric",
            "capex",
            "--min-disclosure",
            "audited"
        ]),
        "amzdb: note: JANO has no facts of metric 'capex' that are audited\n"
    );
    assert_eq!(
        empty(&["facts", "--entity", "JANO", "--metric", "eps"]),
        "amzdb: note: each filter is known, but no fact has entity 'JANO' and metric 'eps' \
         together\n"
    );
    // Rows found: no note.
    let (out, err) = run_both(&dir, &["facts", "--entity", "JANO", "--metric", "capex"]);
    assert!(out.contains("(1 row)"), "{out}");
    assert_eq!(err, "");
}

#[test]
fn a_runaway_query_stops_at_its_time_limit() {
    let dir = Dir::with_empty_db();
    let started = Instant::now();
    let stderr = dir.run_err(&["query", "--timeout", "1", RUNAWAY]);
    let took = started.elapsed();
    assert_eq!(
        stderr,
        "amzdb: error: query stopped: it reached its time limit of 1 s; give more time with \
         --timeout SECONDS, or --timeout 0 for no limit\n"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_query_within_its_time_limit_runs() {
    let dir = Dir::with_fixtures();
    let out = dir.run(&[
        "query",
        "--timeout",
        "5",
        "select count(*) as n from facts",
        "--format",
        "csv",
    ]);
    assert_eq!(out, "n\n11\n");
    let out = dir.run(&[
        "report",
        "provenance",
        "--entity",
        "DECO",
        "--timeout",
        "5",
        "--format",
        "csv",
    ]);
    assert_eq!(out.lines().count(), 8, "{out}");
}

#[test]
fn ctrl_c_interrupts_a_running_query_cleanly() {
    let dir = Dir::with_fixtures();
    let before = dir.snapshot();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("amzdb"))
        .current_dir(dir.path())
        .env_remove("AMZDB_DB")
        .args(["--db", crate::util::DB, "query", "--timeout", "0", RUNAWAY])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start amzdb");
    // Long enough for amzdb to open the database and start the query (milliseconds).
    std::thread::sleep(Duration::from_secs(2));
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    // SAFETY: sends SIGINT to the child this test started and has not yet reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let sent = Instant::now();
    while child.try_wait().expect("poll amzdb").is_none() {
        if sent.elapsed() > Duration::from_secs(10) {
            child.kill().expect("SIGKILL amzdb");
            panic!("amzdb still ran 10 s after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("reap amzdb");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{:?}: {stderr}", out.status);
    assert_eq!(
        stderr,
        "amzdb: error: query interrupted (Ctrl-C); nothing was changed\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    dir.snapshot().assert_same(&before);
}

#[test]
fn timeout_option_documents_its_default_and_zero() {
    let dir = Dir::new();
    let help = |command: &str| {
        let out = dir.amzdb().args([command, "--help"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_contains(&help("query"), "[default: 60]");
    assert_contains(&help("report"), "[default: 300]");
    assert_contains(&help("report"), "0: no limit");
}
