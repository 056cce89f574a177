//! amzdb: an embedded SQL database of sourced financial disclosure facts.

pub mod cli;
pub mod commands;
pub mod db;
pub mod error;
pub mod extract;
pub mod filters;
pub mod ingest;
pub mod model;
pub mod output;
pub mod parse;
pub mod queries;
pub mod report;
pub mod sec;
pub mod time_limit;
mod views;

use cli::{Cli, Command};
use error::Result;
use std::io::Write;

/// Runs one command, writing its results to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<()> {
    let db = &cli.db;
    match &cli.command {
        Command::Init(args) => commands::init::run(db, args),
        Command::Migrate(args) => commands::migrate::run(db, args, out),
        Command::Ingest(args) => commands::ingest::run(db, args, out),
        Command::Facts(args) => commands::facts::run(db, args, out),
        Command::Report(args) => commands::report::run(db, args, out),
        Command::Query(args) => commands::query::run(db, args, out),
        Command::Export(args) => commands::export::run(db, args, out),
        Command::Dump(args) => commands::dump::run(db, args, out),
        Command::Backup(args) => commands::backup::run(db, args, out),
        Command::Extract(args) => commands::extract::run(db, args, out),
        Command::DatasetteMetadata(args) => commands::datasette::run(db, args, out),
    }
}
