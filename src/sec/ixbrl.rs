//! Inline XBRL's value rules: an `ix:nonFraction`'s displayed text turned into its
//! number by its `format` (the Inline XBRL Transformation Registry's `ixt:` and the SEC's
//! `ixt-sec:` rules), `scale` and `sign`. Pure functions; the scanning is in `xbrl.rs`.

use rust_decimal::Decimal;

/// The numeric formats amzdb reads (every one found on an `ix:nonFraction` of Amazon's
/// and Alphabet's FY2024 10-Ks, and the registry's comma-decimal twin), for messages.
pub const FORMATS: &str = "ixt:num-dot-decimal, ixt:num-comma-decimal, ixt:fixed-zero, \
                           ixt:zerodash, ixt-sec:numwordsen";

/// The number a displayed text stands for under a format (None: the plain decimal XML
/// Schema asks for). Err says what is wrong, for the message.
pub fn transform(format: Option<&str>, text: &str) -> Result<Decimal, String> {
    let text = text.trim_matches(|c: char| c.is_whitespace());
    // The registry's prefix is bound to a namespace per version; filings use `ixt`
    // and `ixt-sec` (the SEC's own rules).
    let local = format.map(|f| (f.split_once(':').map_or("", |p| p.0), local_name(f)));
    match local {
        None => plain(text),
        Some(("ixt", "num-dot-decimal" | "numdotdecimal")) => grouped(text, ',', '.'),
        Some(("ixt", "num-comma-decimal" | "numcommadecimal")) => grouped(text, '.', ','),
        // A dash (or any text) standing for zero.
        Some(("ixt", "fixed-zero" | "zerodash")) => Ok(Decimal::ZERO),
        Some(("ixt-sec", "numwordsen")) => words(text),
        Some(_) => Err(format!(
            "unknown format {:?}; amzdb reads {FORMATS}",
            format.unwrap_or_default()
        )),
    }
}

fn local_name(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |p| p.1)
}

/// A decimal as XML Schema writes it: digits with an optional point.
fn plain(text: &str) -> Result<Decimal, String> {
    let ok = !text.is_empty()
        && text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || c == '.');
    if !ok {
        return Err("expected a number (digits and a decimal point)".into());
    }
    text.parse::<Decimal>()
        .map_err(|e| format!("not a number: {e}"))
}

/// Digits grouped by `group` (or spaces), with `point` before the fraction.
fn grouped(text: &str, group: char, point: char) -> Result<Decimal, String> {
    let mut digits = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            c if c == point => digits.push('.'),
            c if c == group || c == ' ' || c == '\u{a0}' => {}
            _ => {
                return Err(format!(
                    "expected digits grouped by '{group}' with '{point}' before a fraction, \
                     found {c:?}"
                ))
            }
        }
    }
    if !digits.bytes().any(|b| b.is_ascii_digit()) || digits.matches('.').count() > 1 {
        return Err(format!(
            "expected digits grouped by '{group}' with '{point}' before a fraction"
        ));
    }
    digits
        .parse::<Decimal>()
        .map_err(|e| format!("not a number: {e}"))
}

/// An English number in words: "three", "twenty-one", "one hundred", "no" or "none".
fn words(text: &str) -> Result<Decimal, String> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let lower = text.to_lowercase();
    if lower == "no" || lower == "none" {
        return Ok(Decimal::ZERO);
    }
    let bad =
        || format!("expected a number in English words (e.g. three, twenty-one), found {text:?}");
    let (mut total, mut group) = (0_i64, 0_i64);
    let mut any = false;
    for word in lower
        .split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .filter(|w| !w.is_empty() && *w != "and")
    {
        any = true;
        if let Some(n) = UNITS.iter().position(|u| *u == word) {
            group += n as i64;
        } else if let Some(n) = TENS.iter().position(|t| *t == word) {
            group += 20 + 10 * n as i64;
        } else {
            let scale = match word {
                "hundred" => {
                    group = group.max(1) * 100;
                    continue;
                }
                "thousand" => 1_000,
                "million" => 1_000_000,
                "billion" => 1_000_000_000,
                _ => return Err(bad()),
            };
            total += group.max(1) * scale;
            group = 0;
        }
    }
    if !any {
        return Err(bad());
    }
    Ok(Decimal::from(total + group))
}

/// `value` x 10^`scale`, exactly.
pub fn scaled(value: Decimal, scale: i32) -> Option<Decimal> {
    if scale.unsigned_abs() > 28 {
        return None;
    }
    let power = Decimal::from_i128_with_scale(10_i128.pow(scale.unsigned_abs()), 0);
    if scale >= 0 {
        value.checked_mul(power)
    } else {
        value.checked_div(power)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn formats_of_the_two_10ks() {
        assert_eq!(
            transform(Some("ixt:num-dot-decimal"), "107,556").unwrap(),
            d("107556")
        );
        assert_eq!(
            transform(Some("ixt:num-dot-decimal"), " 2.90 ").unwrap(),
            d("2.90")
        );
        assert_eq!(
            transform(Some("ixt:num-comma-decimal"), "1.234,5").unwrap(),
            d("1234.5")
        );
        assert_eq!(
            transform(Some("ixt:fixed-zero"), "\u{2014}").unwrap(),
            d("0")
        );
        assert_eq!(transform(Some("ixt:fixed-zero"), "").unwrap(), d("0"));
        assert_eq!(
            transform(Some("ixt-sec:numwordsen"), "three").unwrap(),
            d("3")
        );
        assert_eq!(
            transform(Some("ixt-sec:numwordsen"), "Twenty-one").unwrap(),
            d("21")
        );
        assert_eq!(
            transform(Some("ixt-sec:numwordsen"), "one hundred and five").unwrap(),
            d("105")
        );
        assert_eq!(
            transform(Some("ixt-sec:numwordsen"), "two thousand three hundred").unwrap(),
            d("2300")
        );
        assert_eq!(
            transform(Some("ixt-sec:numwordsen"), "none").unwrap(),
            d("0")
        );
        assert_eq!(transform(None, "0.01").unwrap(), d("0.01"));
    }

    #[test]
    fn text_that_is_not_a_number_under_its_format_says_why() {
        let e = transform(Some("ixt:num-dot-decimal"), "n/a").unwrap_err();
        assert!(e.contains("found 'n'"), "{e}");
        assert!(transform(Some("ixt:num-dot-decimal"), "1.2.3").is_err());
        assert!(transform(Some("ixt-sec:numwordsen"), "several").is_err());
        assert!(transform(None, "1,000").is_err());
        let e = transform(Some("ixt:num-unit-decimal"), "1").unwrap_err();
        assert!(
            e.starts_with("unknown format \"ixt:num-unit-decimal\""),
            "{e}"
        );
    }

    #[test]
    fn scale_moves_the_point_exactly() {
        assert_eq!(
            scaled(d("80,096".replace(',', "").as_str()), 6).unwrap(),
            d("80096000000")
        );
        assert_eq!(scaled(d("21"), -2).unwrap(), d("0.21"));
        assert!(scaled(d("1"), 40).is_none());
    }
}
