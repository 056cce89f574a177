//! `amzdb init [--empty]`: create a new database.

use crate::cli::InitArgs;
use crate::error::{Error, Result};
use std::path::Path;

pub fn run(db: &Path, args: &InitArgs) -> Result<()> {
    if db.exists() {
        return Err(Error::AlreadyExists {
            path: db.to_path_buf(),
        });
    }
    super::create(db, !args.empty)
}
