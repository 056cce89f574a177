//! `amzdb export DIR --format parquet` (issue 14: being built).

use crate::error::{Error, Result};
use std::path::Path;

/// Writes the Parquet export into `dir`; the names of the files written.
pub fn export(_conn: &rusqlite::Connection, _dir: &Path) -> Result<Vec<String>> {
    Err(Error::Usage(
        "--format parquet is not available in this build yet; use --format csv".into(),
    ))
}
