//! Values as people write them (`$44.2B`, `1,200`, `28%`, `~15 billion`), parsed
//! exactly into base units with the precision they were given.

use rust_decimal::Decimal;
use std::fmt;

/// A currency or percent sign written with the value; it must agree with the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    Dollar,
    Percent,
}

impl Symbol {
    /// The unit this symbol implies.
    pub fn unit(self) -> &'static str {
        match self {
            Symbol::Dollar => "USD",
            Symbol::Percent => "%",
        }
    }
}

/// A number as SQLite stores it: whole numbers of base units as INTEGER, others as REAL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Real(f64),
}

impl Number {
    /// The exact decimal as a SQLite number: INTEGER when whole, else the nearest REAL
    /// (which SQLite prints back as the same short decimal, e.g. 2.78). A fraction with
    /// more significant digits than a REAL keeps is refused, not rounded.
    pub fn from_decimal(d: Decimal) -> Result<Number, String> {
        let d = d.normalize();
        if d.fract().is_zero() {
            i64::try_from(d.mantissa())
                .map(Number::Int)
                .map_err(|_| "too large: values must fit in 64-bit integers of base units".into())
        } else {
            let real = d.to_string().parse::<f64>().map_err(|e| e.to_string())?;
            if real.to_string().parse::<Decimal>().ok() != Some(d) {
                return Err(format!(
                    "has more significant digits than amzdb stores exactly in a number with a \
                     fraction ({d} would be stored as {real}); write at most 15 significant digits"
                ));
            }
            Ok(Number::Real(real))
        }
    }
}

/// The largest magnitude of a value, in base units: 10^17. Reports add and subtract
/// stored values in 64-bit integers, and the most any view combines is 32 of them:
/// capex_vs_fcf derives a quarter as a difference of two year-to-date figures, sums four
/// such quarters into a TTM, subtracts two TTMs for free cash flow and two of those for a
/// change on a year earlier (32 x 10^17 = 3.2 x 10^18 < 9.2 x 10^18). The largest real
/// SEC figures (share counts, totals in yen or won) stay near 10^15.
pub const MAX_MAGNITUDE: i64 = 100_000_000_000_000_000;

/// The largest magnitude of a percentage, change of one or multiple: 10^15, because
/// the consistency view turns a change of two percentages into basis points (x 100).
pub const MAX_RATIO_MAGNITUDE: i64 = 1_000_000_000_000_000;

/// The bound on values of a unit.
pub fn max_magnitude(unit: &str) -> i64 {
    match unit {
        "%" | "pp" | "bps" | "x" => MAX_RATIO_MAGNITUDE,
        _ => MAX_MAGNITUDE,
    }
}

/// Why a value is too large to store in `unit`, if it is: stored values must stay
/// computable by every report.
pub fn magnitude_problem(amount: Decimal, unit: &str) -> Option<String> {
    let bound = max_magnitude(unit);
    (amount.abs() > Decimal::from(bound)).then(|| {
        format!(
            "{} {unit} is beyond the bound of amzdb values: at most {bound} (10^{}) in \
             magnitude{}, so that the sums and differences reports compute stay exact",
            amount.normalize(),
            bound.ilog10(),
            if bound == MAX_MAGNITUDE {
                String::new()
            } else {
                format!(" for unit {unit}")
            }
        )
    })
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Real(r) => write!(f, "{r}"),
        }
    }
}

/// The precision column of a facts CSV: the size of the value's last exact digit, a
/// positive power of ten (`1000000` for a filing's figure in millions, `0.01`). A dump
/// writes it so that a fact keeps the precision its filing gave (`decimals="-6"`), which
/// the digits of an integer value cannot say.
pub fn parse_precision(text: &str) -> Result<Decimal, String> {
    const EXPECTED: &str = "a positive power of ten such as 1000000 (to the million), 1 or 0.01: \
         the step the value is exact to";
    // SQLite prints a small REAL in scientific notation (1.0e-05): both forms are read.
    let text = text.trim();
    let d = text
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| format!("not a number; expected {EXPECTED}"))?;
    let d = d.normalize();
    // 0.01 has mantissa 1; 1000000 has mantissa 1000000: a 1 followed by zeros.
    let digits = d.mantissa().to_string();
    let power_of_ten = digits
        .strip_prefix('1')
        .is_some_and(|z| z.bytes().all(|b| b == b'0'));
    if !power_of_ten {
        return Err(format!("expected {EXPECTED}"));
    }
    if d > Decimal::from(MAX_MAGNITUDE) {
        return Err(format!(
            "beyond 10^17, the bound of amzdb values; expected {EXPECTED}"
        ));
    }
    Ok(d)
}

/// A parsed value: the exact amount in base units, the size of its last given digit,
/// and the sign it was written with, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedValue {
    pub amount: Decimal,
    pub precision: Decimal,
    pub symbol: Option<Symbol>,
}

/// What a value may look like, for error messages.
pub const EXPECTED: &str =
    "a decimal such as 44.2B, $1,200, 28% or -3.5 million (scales: K, M, B, T or thousand, million, billion, trillion)";

const MAX_DIGITS: usize = 28;

/// Parses a value; the error says what is wrong with it.
pub fn parse_value(text: &str) -> Result<ParsedValue, String> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(format!("empty; expected {EXPECTED}"));
    }
    let negative = if let Some(r) = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('\u{2212}'))
    {
        rest = r;
        true
    } else {
        if let Some(r) = rest.strip_prefix('+') {
            rest = r;
        }
        false
    };
    let mut symbol = None;
    if let Some(r) = rest.strip_prefix('$') {
        rest = r;
        symbol = Some(Symbol::Dollar);
    }
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let (number, mut tail) = rest.split_at(number_len);
    let digits = plain_digits(number)?;
    tail = tail.trim_start();
    if let Some(r) = tail.strip_suffix('%') {
        if symbol.is_some() {
            return Err(format!("has both '$' and '%'; expected {EXPECTED}"));
        }
        symbol = Some(Symbol::Percent);
        tail = r.trim_end();
    }
    let scale = scale_exponent(tail)?;
    let mantissa: Decimal = digits
        .parse()
        .map_err(|_| format!("not a number; expected {EXPECTED}"))?;
    let fraction_digits = digits.split_once('.').map_or(0, |(_, f)| f.len()) as u32;
    let amount = shift(mantissa, scale)?;
    let precision = shift(Decimal::new(1, fraction_digits), scale)?;
    Ok(ParsedValue {
        amount: if negative { -amount } else { amount },
        precision,
        symbol,
    })
}

/// Checks digit grouping (`1,234,567.8`) and returns the number without separators.
fn plain_digits(number: &str) -> Result<String, String> {
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (number, None),
    };
    let bad = || format!("not a number; expected {EXPECTED}");
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return Err(bad());
    }
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!(
            "misplaced thousands separator; expected {EXPECTED}"
        ));
    }
    let plain = format!(
        "{}{}",
        if whole.is_empty() {
            "0".to_string()
        } else {
            groups.concat()
        },
        fraction.map(|f| format!(".{f}")).unwrap_or_default()
    );
    // Leading zeros are not significant (0.000001 has one significant digit), and the
    // decimal point is not a digit.
    let digits = plain.bytes().filter(u8::is_ascii_digit);
    let significant = digits.clone().skip_while(|&b| b == b'0').count();
    if significant > MAX_DIGITS {
        return Err(format!(
            "has {} digits; amzdb keeps at most {MAX_DIGITS} significant digits",
            digits.count()
        ));
    }
    if fraction.is_some_and(|f| f.len() > MAX_DIGITS) {
        return Err(format!(
            "has {} digits after the decimal point; amzdb keeps at most {MAX_DIGITS}",
            fraction.map_or(0, str::len)
        ));
    }
    Ok(plain)
}

/// The power of ten a scale word or suffix stands for.
fn scale_exponent(word: &str) -> Result<u32, String> {
    match word.to_ascii_lowercase().as_str() {
        "" => Ok(0),
        "k" | "thousand" => Ok(3),
        "m" | "mn" | "mm" | "million" => Ok(6),
        "b" | "bn" | "billion" => Ok(9),
        "t" | "tn" | "trillion" => Ok(12),
        _ => Err(format!(
            "unknown scale or trailing text {word:?}; expected {EXPECTED}"
        )),
    }
}

fn shift(d: Decimal, exponent: u32) -> Result<Decimal, String> {
    d.checked_mul(Decimal::from(10_i64.pow(exponent)))
        .ok_or_else(|| "too large".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> (Number, Number, Option<Symbol>) {
        let v = parse_value(text).unwrap();
        (
            Number::from_decimal(v.amount).unwrap(),
            Number::from_decimal(v.precision).unwrap(),
            v.symbol,
        )
    }

    #[test]
    fn billions_are_exact_integers() {
        assert_eq!(
            exact("44.2B"),
            (Number::Int(44_200_000_000), Number::Int(100_000_000), None)
        );
        assert_eq!(exact("$44.2 billion").0, Number::Int(44_200_000_000));
        assert_eq!(exact("$147.3bn").0, Number::Int(147_300_000_000));
        assert_eq!(exact("0.1T").0, Number::Int(100_000_000_000));
    }

    #[test]
    fn separators_signs_and_percent() {
        assert_eq!(exact("1,200").0, Number::Int(1200));
        assert_eq!(exact("$1,234,567.5").0, Number::Real(1234567.5));
        assert_eq!(exact("-3.5 million").0, Number::Int(-3_500_000));
        assert_eq!(
            exact("+76%"),
            (Number::Int(76), Number::Int(1), Some(Symbol::Percent))
        );
        assert_eq!(
            exact("2.78"),
            (Number::Real(2.78), Number::Real(0.01), None)
        );
        assert_eq!(exact(".5").0, Number::Real(0.5));
        assert_eq!(exact("$25B").2, Some(Symbol::Dollar));
    }

    #[test]
    fn a_precision_column_is_a_positive_power_of_ten() {
        assert_eq!(
            parse_precision("1000000").unwrap(),
            Decimal::from(1_000_000)
        );
        assert_eq!(parse_precision("0.01").unwrap(), Decimal::new(1, 2));
        assert_eq!(parse_precision("1").unwrap(), Decimal::ONE);
        assert_eq!(parse_precision("1.0").unwrap(), Decimal::ONE);
        assert_eq!(parse_precision("1.0e-05").unwrap(), Decimal::new(1, 5));
        for bad in [
            "0",
            "-1000",
            "5000",
            "0.02",
            "2e6",
            "abc",
            "1000000000000000000",
        ] {
            assert!(parse_precision(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn precision_follows_the_digits_given() {
        assert_eq!(exact("44B").1, Number::Int(1_000_000_000));
        assert_eq!(exact("44.20B").1, Number::Int(10_000_000));
        assert_eq!(exact("26,032").1, Number::Int(1));
    }

    #[test]
    fn bad_values_say_what_was_expected() {
        for bad in [
            "",
            "abc",
            "12.3.4",
            "1,2,3",
            "$",
            "12 apples",
            "5%%",
            "$5%",
            "1.",
            "1,0000",
        ] {
            let err = parse_value(bad).unwrap_err();
            assert!(
                err.contains("expected") || err.contains("digits"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn absurdly_long_numbers_are_refused() {
        let long = "9".repeat(10_000);
        assert!(parse_value(&long).unwrap_err().contains("digits"));
        assert!(Number::from_decimal(parse_value("99999999999T").unwrap().amount).is_err());
    }
}
