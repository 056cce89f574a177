//! The rules every identifier follows on every input path (CSV files, companyfacts JSON,
//! FSDS): tickers, source slugs, segments, metric slugs, XBRL concepts and units. One
//! function decides, so what an SEC import stores a CSV file can state, and a name that
//! prints like another (`AWS` and `AWS` + a zero-width space) is refused, never stored.

/// The kinds of identifier amzdb stores and groups facts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identifier {
    Ticker,
    Source,
    Segment,
    Metric,
    Concept,
    Unit,
}

impl Identifier {
    /// What a valid identifier of this kind looks like, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            Identifier::Ticker => "an upper-case ticker such as AMZN or BRK.B",
            Identifier::Source => "a source slug without spaces, e.g. quartz-2026-05-01",
            Identifier::Segment => {
                "a segment name such as AWS or North America, without invisible characters \
                 or spaces around it"
            }
            Identifier::Metric => {
                "a metric slug in lower_snake_case (e.g. free_cash_flow) or an XBRL concept \
                 name (e.g. us-gaap:Revenues)"
            }
            Identifier::Concept => "an XBRL concept taxonomy:Tag, e.g. us-gaap:Revenues",
            Identifier::Unit => {
                "a unit such as USD, EUR, USD/share, %, pure or shares: a name of letters, \
                 digits, '_', '-' or '.' starting with a letter, or two such names joined \
                 by '/'"
            }
        }
    }

    /// Why `text` cannot be an identifier of this kind, or None if it can be one. The
    /// value itself is not repeated: messages show it escaped beside the message.
    pub fn problem(self, text: &str) -> Option<String> {
        if let Some(why) = ambiguity(text) {
            return Some(format!("{why}; expected {}", self.expected()));
        }
        let ok = match self {
            Identifier::Ticker => {
                !text.is_empty()
                    && text.chars().all(|c| {
                        c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    })
            }
            Identifier::Source => !text.is_empty() && !text.chars().any(char::is_whitespace),
            Identifier::Segment => true,
            Identifier::Metric => is_snake_case(text) || concept_shape(text),
            Identifier::Concept => concept_shape(text),
            Identifier::Unit => is_unit(text),
        };
        (!ok).then(|| format!("expected {}", self.expected()))
    }
}

/// Why a character would make a name print like another, if it would.
fn invisible(c: char) -> Option<&'static str> {
    match c {
        '\0' => Some("a NUL character"),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Some("a zero-width character"),
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some("a bidirectional-format character"),
        c if c.is_control() => Some("a control character"),
        c if default_ignorable(c) => Some("an invisible character"),
        _ => None,
    }
}

/// Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties.txt): those a
/// renderer shows as nothing, such as the soft hyphen, variation selectors, the combining
/// grapheme joiner, Hangul fillers and tag characters.
fn default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Why a name is ambiguous (an invisible character, or whitespace around it), if it is.
pub fn ambiguity(text: &str) -> Option<String> {
    if let Some((i, c, what)) = text
        .chars()
        .enumerate()
        .find_map(|(i, c)| invisible(c).map(|what| (i, c, what)))
    {
        return Some(format!(
            "contains {what} (U+{:04X}) at character {}, which prints as nothing but \
             makes the name differ from the one it looks like",
            u32::from(c),
            i + 1
        ));
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Some("has whitespace before or after it".into());
    }
    None
}

fn is_snake_case(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Why `text` cannot be an XBRL fact's dimensions as amzdb writes them
/// (`axis=member|axis=member`, each axis a concept, each member a concept or a typed
/// member's value), or None if it can be.
pub fn dimensions_problem(text: &str) -> Option<String> {
    if let Some(why) = Identifier::Segment.problem(text) {
        return Some(why);
    }
    let expected = "expected axis=member pairs joined by '|', each axis an XBRL concept, \
         e.g. us-gaap:StatementBusinessSegmentsAxis=amzn:AmazonWebServicesSegmentMember";
    for part in text.split('|') {
        match part.split_once('=') {
            Some((axis, member)) if concept_shape(axis) && !member.trim().is_empty() => {}
            _ => return Some(format!("{part:?} is not axis=member; {expected}")),
        }
    }
    None
}

/// `taxonomy:Tag`: one colon, something on each side, no whitespace.
fn concept_shape(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(prefix, tag)| !prefix.is_empty() && !tag.is_empty() && !tag.contains(':'))
        && !text.chars().any(char::is_whitespace)
}

/// The longest unit name: XBRL measures are short (`USD`, `shares`, `pure`,
/// `private_placement`); a long one is a mistake.
const MAX_UNIT_CHARS: usize = 64;

/// A unit: `%`, or a measure (`USD`, `shares`, `pure`, `GW`), or a ratio of two
/// (`USD/share`, `shares/USD`). XBRL names its measures this way (currencies are
/// ISO 4217 codes), and amzdb's own units follow the same shape.
fn is_unit(text: &str) -> bool {
    let measure = |m: &str| {
        m.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && m.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    text == "%"
        || (text.chars().count() <= MAX_UNIT_CHARS
            && match text.split_once('/') {
                Some((a, b)) => measure(a) && measure(b),
                None => measure(text),
            })
}

#[cfg(test)]
mod tests {
    use super::Identifier::*;

    #[test]
    fn invisible_characters_are_refused_in_every_kind() {
        for bad in [
            "AWS\u{200b}",
            "AWS\0",
            "A\u{200d}WS",
            "\u{feff}AWS",
            "AWS\u{2060}",
            "AWS\u{202e}",
            "AWS\u{2066}",
            "AWS\u{61c}",
            "AWS\u{200e}",
            "AWS\u{1f}",
            "AWS\u{85}",
            "AWS\u{ad}",
            "AWS\u{2063}",
            "AWS\u{fe0f}",
            "A\u{34f}WS",
            "AWS\u{3164}",
            "AWS\u{e0001}",
        ] {
            for kind in [Ticker, Source, Segment, Metric, Concept, Unit] {
                let message = kind.problem(bad).expect(bad);
                assert!(message.contains("character"), "{bad:?}: {message}");
            }
        }
        assert_eq!(
            Segment.problem("AWS\u{200b}").unwrap(),
            "contains a zero-width character (U+200B) at character 4, which prints as \
             nothing but makes the name differ from the one it looks like; expected a \
             segment name such as AWS or North America, without invisible characters or \
             spaces around it"
        );
        assert!(Segment
            .problem(" AWS")
            .unwrap()
            .starts_with("has whitespace"));
        assert!(Segment
            .problem("AWS\u{a0}")
            .unwrap()
            .starts_with("has whitespace"));
    }

    #[test]
    fn each_kind_has_its_shape() {
        assert_eq!(Ticker.problem("BRK.B"), None);
        assert!(Ticker.problem("amzn").is_some());
        assert_eq!(Source.problem("quartz-2026-05-01"), None);
        assert!(Source.problem("a b").is_some());
        assert_eq!(Segment.problem("North America"), None);
        assert_eq!(Metric.problem("free_cash_flow"), None);
        assert_eq!(Metric.problem("dei:EntityPublicFloat"), None);
        assert!(Metric.problem("Free Cash Flow").is_some());
        assert!(Metric.problem("us-gaap:a:b").is_some());
        assert_eq!(Concept.problem("us-gaap:Revenues"), None);
        assert!(Concept.problem("Revenues").is_some());
        for unit in [
            "USD",
            "EUR",
            "%",
            "pp",
            "pure",
            "shares",
            "USD/shares",
            "USD/share",
            "shares/USD",
            "private_placement",
            "iso4217_USD",
        ] {
            assert_eq!(Unit.problem(unit), None, "{unit}");
        }
        for unit in ["", "U S D", "USD/", "/USD", "USD/share/year", "1USD", "%%"] {
            assert!(Unit.problem(unit).is_some(), "{unit:?}");
        }
    }
}
