//! SEC XBRL data: readers for the SEC's public formats (companyfacts JSON, the quarterly
//! Financial Statement Data Sets, a filing's XBRL instance and its inline XBRL document),
//! which turn a file into companies, filings and a stream of the same facts. They never touch the database: `ingest::sec` writes what they
//! read, with the same guarantees as CSV ingestion.

pub mod archive;
pub mod companyfacts;
pub mod edgar;
pub mod fsds;
pub mod ixbrl;
pub mod xbrl;

use crate::error::Problem;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Why a text cannot be an XBRL concept (`taxonomy:Tag`), or None if it can be one: the
/// rule every input path shares (see `parse::ident`).
pub fn concept_problem(text: &str) -> Option<String> {
    crate::parse::Identifier::Concept.problem(text)
}

/// Whether a text is an EDGAR accession number: `nnnnnnnnnn-nn-nnnnnn`.
pub fn is_accession(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, &c)| match i {
            10 | 13 => c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The longest a duration in FSDS `qtrs` may be: longer spans are not financial periods.
pub const MAX_QUARTERS: u32 = 40;

/// A filer as the file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub cik: i64,
    pub name: String,
    /// `MM-DD`, when the file gives it (FSDS) or it can be inferred (companyfacts).
    pub fiscal_year_end: Option<String>,
}

/// One filing (a submission on EDGAR): every fact cites the filing that reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct Filing {
    /// Accession number as EDGAR writes it, e.g. `0001018724-26-000014`; for a document
    /// whose accession is unknown, its name (see `document`). Facts cite this.
    pub accession: String,
    /// The document's name when the accession is unknown: it names the source instead.
    pub document: Option<String>,
    pub cik: i64,
    /// `10-K`, `10-Q`, `10-K/A`, `8-K`, ...
    pub form: String,
    /// None when the file does not say (an XBRL document without `--filed`).
    pub filed: Option<NaiveDate>,
}

/// One reported value, as in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SecFact {
    /// `taxonomy:Tag`, e.g. `us-gaap:PaymentsToAcquireProductiveAssets`; a company's own
    /// extension tags use the prefix `ext` (FSDS marks them custom).
    pub concept: String,
    /// The concept's label where the file gives one.
    pub label: Option<String>,
    /// The unit as the SEC writes it: `USD`, `USD/shares`, `shares`, `pure`, ...
    pub unit: String,
    /// None for an instant.
    pub start: Option<NaiveDate>,
    pub end: NaiveDate,
    /// Exactly as written in the file.
    pub value: Decimal,
    pub accession: String,
    /// Where it stands in the file: the line of num.txt, or the fact's position in the
    /// JSON or XBRL document (its number in file order, starting at 1).
    pub line: u64,
    /// The context's dimensions (axis -> member, or a typed member's value), sorted by
    /// axis; empty for the company-wide figure. companyfacts and FSDS give none.
    pub dimensions: Vec<(String, String)>,
    /// XBRL `decimals` (None for INF): the precision. companyfacts and FSDS do not say:
    /// `inferred_decimals` stands in.
    pub decimals: Option<i32>,
}

/// The `decimals` of a figure from companyfacts or FSDS, which drop it: the filings behind
/// them state figures in millions or thousands (`decimals="-6"`, "-3"), so a whole
/// number's trailing zeros, up to six, are taken as its precision (80,096,000,000 is to
/// the million, 1,234,000 to the thousand); a fraction's digits say it (0.27: to the
/// cent). The cover page's `dei:` figures (shares outstanding, public float) are exact
/// counts, not rounded statements: their digits say it. Only the tolerance of comparisons
/// follows from it: two figures rounded to millions that differ by a rounding million do
/// not disagree. The value is unchanged.
pub fn inferred_decimals(concept: &str, value: Decimal) -> Option<i32> {
    let value = value.normalize();
    if value.is_zero() || concept.starts_with("dei:") {
        return None;
    }
    if value.scale() > 0 {
        return i32::try_from(value.scale()).ok();
    }
    let mut zeros = 0;
    let mut rest = value.mantissa();
    while zeros < 6 && rest % 10 == 0 {
        rest /= 10;
        zeros += 1;
    }
    Some(-zeros)
}

/// What a reader passed over on purpose, for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Skipped {
    /// FSDS rows for a co-registrant or a dimensional segment (not the consolidated filer).
    pub coreg_or_segment: u64,
    /// FSDS rows whose `value` is empty (the filing tagged the line but gave no number).
    pub no_value: u64,
    /// XBRL facts marked `xsi:nil="true"` (tagged, with no value).
    pub nil: u64,
    /// XBRL facts whose context is `forever` (no period to file them under).
    pub forever: u64,
}

impl std::ops::AddAssign for Skipped {
    fn add_assign(&mut self, other: Skipped) {
        self.coreg_or_segment += other.coreg_or_segment;
        self.no_value += other.no_value;
        self.nil += other.nil;
        self.forever += other.forever;
    }
}

/// What every reader knows of its file before the facts: the name to use in messages
/// (the file or folder), and the companies and filings it describes.
#[derive(Debug, Clone, Default)]
pub struct Described {
    pub name: String,
    pub companies: Vec<Company>,
    pub filings: Vec<Filing>,
}

/// A reader's result: everything but the facts, which it streams to a callback.
pub trait SecReader: Send {
    /// What the file says before its facts: its name, companies and filings.
    fn described(&self) -> &Described;
    /// The name to use in messages (the file or folder).
    fn name(&self) -> &str {
        &self.described().name
    }
    fn companies(&self) -> &[Company] {
        &self.described().companies
    }
    fn filings(&self) -> &[Filing] {
        &self.described().filings
    }
    /// Calls `each` for every fact in file order. A malformed fact is a problem (file,
    /// line, field) reported to `problem`; reading goes on where it can. An error from
    /// `each` stops the reading and is returned.
    fn for_each_fact(
        &mut self,
        each: &mut dyn FnMut(SecFact) -> crate::error::Result<()>,
        problem: &mut dyn FnMut(Problem),
    ) -> crate::error::Result<Skipped>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_inferred_from_trailing_zeros_up_to_the_million() {
        let d = |s: &str| inferred_decimals("us-gaap:Revenues", s.parse().unwrap());
        assert_eq!(d("80096000000"), Some(-6));
        assert_eq!(d("-2722000000"), Some(-6));
        assert_eq!(d("1234000"), Some(-3));
        assert_eq!(d("10597729352"), Some(0));
        assert_eq!(d("0.27"), Some(2));
        assert_eq!(d("5.530"), Some(2));
        assert_eq!(d("0"), None);
        let shares = "431807370".parse().unwrap();
        assert_eq!(
            inferred_decimals("dei:EntityCommonStockSharesOutstanding", shares),
            None
        );
    }
}
