//! The domain vocabulary: the enumerated kinds a fact, source or period can have.
//! Each enum's text form is what the CSV files, the database and the reports use.

use std::fmt;
use std::str::FromStr;

/// Declares a closed set of text values with `as_str`, `ALL`, `FromStr` and `Display`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted spellings, for error messages: `a | b | c`.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(" | ")
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("expected one of {}", Self::expected())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// How much to trust a figure, most trusted first.
    DisclosureType {
        Audited => "audited",
        ManagementCommentary => "management_commentary",
        ThirdPartyEstimate => "third_party_estimate",
    }
}

text_enum! {
    /// How exactly the figure was stated.
    Qualifier {
        Exact => "exact",
        Approx => "approx",
        AtLeast => "at_least",
        AtMost => "at_most",
        Range => "range",
    }
}

text_enum! {
    /// What kind of number it is: realised, annualised, forecast, ...
    Basis {
        Actual => "actual",
        RunRate => "run_rate",
        Guidance => "guidance",
        Estimate => "estimate",
        Consensus => "consensus",
        Target => "target",
    }
}

text_enum! {
    /// A level, or a change of the metric it is stored against.
    Measure {
        Level => "level",
        YoyPct => "yoy_pct",
        QoqPct => "qoq_pct",
        YoyChange => "yoy_change",
        QoqChange => "qoq_change",
        YoyMultiple => "yoy_multiple",
        QoqMultiple => "qoq_multiple",
    }
}

impl Measure {
    pub fn is_pct(self) -> bool {
        matches!(self, Measure::YoyPct | Measure::QoqPct)
    }

    pub fn is_change(self) -> bool {
        matches!(self, Measure::YoyChange | Measure::QoqChange)
    }

    /// "3x QoQ": the new level as a multiple of the earlier one.
    pub fn is_multiple(self) -> bool {
        matches!(self, Measure::YoyMultiple | Measure::QoqMultiple)
    }

    /// The unit a claim of this measure must have, given its metric's unit; for changes
    /// of a percentage, percentage points and basis points are accepted too. As in XBRL,
    /// a level reported for an XBRL concept carries its own unit (a filer reports in CAD,
    /// a concept holds share counts and dollars): a metric named after a concept
    /// (`us-gaap:Revenues`) has no unit of its own, and a level citing its concept
    /// (`from_xbrl`) keeps the unit its filing gave. The same rule holds for a facts CSV
    /// and an SEC import, so a dump of an import ingests again.
    pub fn fits_unit(self, metric: &str, metric_unit: &str, unit: &str, from_xbrl: bool) -> bool {
        if self.is_pct() {
            unit == "%"
        } else if self.is_multiple() {
            unit == "x"
        } else {
            unit == metric_unit
                || (self == Measure::Level && (from_xbrl || metric.contains(':')))
                || (self.is_change() && metric_unit == "%" && matches!(unit, "pp" | "bps"))
        }
    }

    /// The unit to suggest when one does not fit.
    pub fn expected_unit(self, metric_unit: &str) -> &str {
        if self.is_pct() {
            "%"
        } else if self.is_multiple() {
            "x"
        } else {
            metric_unit
        }
    }
}

text_enum! {
    /// What a watch item asks of a figure: at least its low bound (`above`), at most its
    /// high bound (`below`), or both (`between`); every bound is inclusive.
    Condition {
        Above => "above",
        Below => "below",
        Between => "between",
    }
}

impl Condition {
    /// Whether the condition has a low bound (`above`, `between`).
    pub fn has_low(self) -> bool {
        matches!(self, Condition::Above | Condition::Between)
    }

    /// Whether the condition has a high bound (`below`, `between`).
    pub fn has_high(self) -> bool {
        matches!(self, Condition::Below | Condition::Between)
    }
}

text_enum! {
    /// What a source is; the first four are the company's own documents.
    SourceKind {
        Filing => "filing",
        EarningsCall => "earnings_call",
        ShareholderLetter => "shareholder_letter",
        PressRelease => "press_release",
        News => "news",
        Research => "research",
        MarketData => "market_data",
        Survey => "survey",
    }
}

text_enum! {
    /// The kinds of file amzdb ingests, in the order they are loaded: reference CSV,
    /// SEC files, facts CSV, then watch CSV (a watch item names an entity, metric and
    /// source that any file before it may bring).
    FileKind {
        Entities => "entities",
        Sources => "sources",
        Metrics => "metrics",
        Concepts => "concepts",
        Segments => "segments",
        CompanyFacts => "companyfacts",
        Fsds => "fsds",
        Xbrl => "xbrl",
        Ixbrl => "ixbrl",
        Facts => "facts",
        Watch => "watch",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        for kind in DisclosureType::ALL {
            assert_eq!(kind.as_str().parse::<DisclosureType>(), Ok(*kind));
        }
        assert_eq!("at_least".parse::<Qualifier>(), Ok(Qualifier::AtLeast));
    }

    #[test]
    fn each_condition_has_its_own_bounds() {
        let bounds: Vec<(bool, bool)> = Condition::ALL
            .iter()
            .map(|c| (c.has_low(), c.has_high()))
            .collect();
        assert_eq!(bounds, [(true, false), (false, true), (true, true)]);
        assert_eq!(
            "over".parse::<Condition>().unwrap_err(),
            "expected one of above | below | between"
        );
    }

    #[test]
    fn unknown_text_names_the_choices() {
        let err = "audit".parse::<DisclosureType>().unwrap_err();
        assert_eq!(
            err,
            "expected one of audited | management_commentary | third_party_estimate"
        );
    }
}
