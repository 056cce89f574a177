//! Pure parsers for the text forms users write: values with units and scales,
//! fiscal periods, fiscal year ends. No I/O, no database.

pub mod period;
pub mod value;

pub use period::{FiscalYearEnd, Period, PeriodKind};
pub use value::{Number, ParsedValue, Symbol};
