//! The amzdb binary: parse the command line, run, print the error chain, exit.

use amzdb::error::Error;
use clap::Parser;
use std::error::Error as _;
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    ignore_file_size_signal();
    let cli = amzdb::cli::Cli::parse();
    amzdb::output::file::protect_database(&cli.db);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result =
        amzdb::run(&cli, &mut out).and_then(|()| out.flush().map_err(|e| Error::io("<stdout>", e)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `amzdb ... | head` closes the pipe early: not an error, whatever the format.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(message) = e.database_problem(&cli.db) {
                amzdb::say!("amzdb: error: {message}");
                return ExitCode::from(e.exit_code() as u8);
            }
            let mut message = format!("amzdb: error: {e}");
            let mut cause = e.source();
            while let Some(c) = cause {
                let text = c.to_string();
                if !message.contains(&text) {
                    message.push_str(&format!("\n  caused by: {text}"));
                }
                cause = c.source();
            }
            amzdb::say!("{message}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Whether a closed pipe caused the error, however deeply a writer (CSV, JSON) wrapped it.
fn is_broken_pipe(e: &Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// A write past the file-size limit (`ulimit -f`) raises SIGXFSZ, which by default kills
/// the process with no message. Ignored, the write fails with EFBIG instead: SQLite rolls
/// the transaction back and amzdb reports the error like any other failed write.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_IGN
    // installs no handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
