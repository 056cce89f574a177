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
    if super::create(db, !args.empty)? {
        Ok(())
    } else {
        // Another amzdb created it between the check above and this one's turn.
        Err(Error::AlreadyExists {
            path: db.to_path_buf(),
        })
    }
}
