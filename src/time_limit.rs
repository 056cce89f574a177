//! The time limit and Ctrl-C on SQL a user runs (`amzdb query`, `amzdb report`): SQLite's
//! progress handler stops the statement when its time is up or SIGINT arrived, and the
//! error says which and how to go on.
//!
//! The statement runs on the main thread; SIGINT only sets a flag (the one thing a signal
//! handler may safely do) that the progress handler reads every few thousand virtual
//! machine instructions, so SQLite unwinds the statement itself and the read-only
//! connection closes normally. Outside a running statement Ctrl-C keeps its default
//! effect (the process ends at once).

use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by the SIGINT handler while a statement runs.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How many SQLite virtual machine instructions run between two checks: about a
/// millisecond of work, so a stop takes effect at once and the checks cost nothing.
const CHECK_EVERY: i32 = 10_000;

/// A limit installed on a connection; restores Ctrl-C's default effect when dropped.
#[derive(Debug)]
pub struct Watch {
    /// `--timeout` in seconds; 0 for none.
    seconds: u64,
    /// What ran, for the message: "query" or "report capex-fcf".
    what: String,
}

/// Limits every statement on `conn` from now on to `seconds` (0: no limit) and lets
/// Ctrl-C stop it.
pub fn watch(conn: &mut Connection, seconds: u64, what: &str) -> Result<Watch> {
    // A limit too far off to represent is no limit.
    let deadline = match seconds {
        0 => None,
        s => Instant::now().checked_add(Duration::from_secs(s)),
    };
    INTERRUPTED.store(false, Ordering::SeqCst);
    conn.progress_handler(
        CHECK_EVERY,
        Some(move || {
            INTERRUPTED.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() >= d)
        }),
    )?;
    catch_interrupt();
    Ok(Watch {
        seconds,
        what: what.to_string(),
    })
}

impl Watch {
    /// The result of running the statement, with a stop said as what stopped it.
    pub fn check<T, E: Into<Error>>(&self, result: std::result::Result<T, E>) -> Result<T> {
        let interrupted = INTERRUPTED.load(Ordering::SeqCst);
        match result.map_err(Into::into) {
            Err(Error::Sql(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == ErrorCode::OperationInterrupted =>
            {
                Err(self.stopped(interrupted))
            }
            // A Ctrl-C just as the statement finished still means stop.
            Ok(_) if interrupted => Err(self.stopped(true)),
            other => other,
        }
    }

    fn stopped(&self, interrupted: bool) -> Error {
        if interrupted {
            Error::Interrupted(format!(
                "{} interrupted (Ctrl-C); nothing was changed",
                self.what
            ))
        } else {
            Error::TimeLimit(format!(
                "{} stopped: it reached its time limit of {} s; give more time with \
                 --timeout SECONDS, or --timeout 0 for no limit",
                self.what, self.seconds
            ))
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        release_interrupt();
    }
}

#[cfg(unix)]
extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

#[cfg(unix)]
fn catch_interrupt() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

#[cfg(unix)]
fn release_interrupt() {
    // SAFETY: restores the default disposition; no handler code is involved.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn catch_interrupt() {}

#[cfg(not(unix))]
fn release_interrupt() {}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNAWAY: &str = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) \
                           SELECT count(*) FROM r";

    #[test]
    fn a_runaway_statement_stops_at_its_limit() {
        let mut conn = Connection::open_in_memory().unwrap();
        let watch = watch(&mut conn, 1, "query").unwrap();
        let started = Instant::now();
        let result = conn.query_row(RUNAWAY, [], |r| r.get::<_, i64>(0));
        let elapsed = started.elapsed();
        match watch.check(result) {
            Err(Error::TimeLimit(m)) => assert!(m.contains("time limit of 1 s"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    }

    #[test]
    fn a_statement_within_its_limit_runs() {
        let mut conn = Connection::open_in_memory().unwrap();
        let watch = watch(&mut conn, 60, "query").unwrap();
        let n = conn.query_row("SELECT 42", [], |r| r.get::<_, i64>(0));
        assert_eq!(watch.check(n).unwrap(), 42);
    }
}
