//! The amzdb binary: parse the command line, run, print the error chain, exit.

use amzdb::error::Error;
use clap::Parser;
use std::error::Error as _;
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = amzdb::cli::Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result =
        amzdb::run(&cli, &mut out).and_then(|()| out.flush().map_err(|e| Error::io("<stdout>", e)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `amzdb ... | head` closes the pipe early: not an error.
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut message = format!("amzdb: error: {e}");
            let mut cause = e.source();
            while let Some(c) = cause {
                let text = c.to_string();
                if !message.contains(&text) {
                    message.push_str(&format!("\n  caused by: {text}"));
                }
                cause = c.source();
            }
            eprintln!("{message}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
