//! Pure parsers for the text forms users write: values with units and scales,
//! fiscal periods, fiscal year ends, and the rules identifiers follow. No I/O, no database.

pub mod ident;
pub mod period;
pub mod value;

pub use ident::Identifier;
pub use period::{FiscalYearEnd, Period, PeriodKind};
pub use value::{Number, ParsedValue, Symbol};
