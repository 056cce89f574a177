//! `amzdb export DIR --format xlsx`: one workbook (issue 14: being built).

use super::Rows;
use crate::error::{Error, Result};
use std::path::Path;

/// Writes one workbook at `path`: a sheet per (name, rows).
pub fn write(_path: &Path, _sheets: &[(String, Rows)]) -> Result<()> {
    Err(Error::Usage(
        "--format xlsx is not available in this build yet; use --format csv".into(),
    ))
}
