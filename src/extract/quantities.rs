//! Quantified statements in a sentence: money, percentages, multiples and counts with
//! their scale, unit, hedge (qualifier), range and change phrase (measure). The number
//! itself is written back as text that `parse::value` reads; this module never computes
//! an amount.

use crate::parse::value::{magnitude_problem, parse_value, Number};

/// One quantity found in a sentence, ready to become a draft row.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Byte span of the quantity (hedge and range included) in the sentence.
    pub start: usize,
    pub end: usize,
    /// The value as `parse::value` reads it (`44.2B`, `77%`, `260`).
    pub value: String,
    pub value_high: Option<String>,
    /// The amount in base units, as amzdb stores it.
    pub amount: String,
    pub unit: &'static str,
    pub qualifier: &'static str,
    pub measure: &'static str,
    /// The words behind each guess, for the reviewer.
    pub cue: Vec<String>,
}

/// A number as written: its span and the parts `parse::value` needs.
#[derive(Debug, Clone)]
struct Written {
    start: usize,
    end: usize,
    negative: bool,
    dollar: bool,
    digits: String,
    /// `K`, `M`, `B` or `T`, from a suffix or a scale word.
    scale: Option<char>,
    percent: bool,
    times: bool,
    /// Money per something ("$19.99/month", "$2.78 per share").
    per: Option<&'static str>,
    /// Written with a `+` after it ("300M+").
    at_least: bool,
    /// The unit a following word gives (`GW`, `count` ...), with that word.
    noun: Option<(&'static str, String)>,
}

impl Written {
    fn has_unit(&self) -> bool {
        self.dollar || self.percent || self.times || self.scale.is_some() || self.noun.is_some()
    }

    fn unit(&self) -> &'static str {
        if self.percent {
            "%"
        } else if self.times {
            "x"
        } else if self.dollar {
            self.per.unwrap_or("USD")
        } else if let Some((unit, _)) = &self.noun {
            unit
        } else {
            // A scale without `$` or a noun ("364B"): money in these documents.
            "USD"
        }
    }

    /// The value text: sign, digits, scale letter, percent sign (no `$`: the unit says it).
    fn text(&self) -> String {
        format!(
            "{}{}{}{}",
            if self.negative { "-" } else { "" },
            self.digits,
            self.scale.map(String::from).unwrap_or_default(),
            if self.percent { "%" } else { "" }
        )
    }
}

/// Hedges before a quantity and the qualifier each gives, longest first.
const HEDGES: &[(&str, &str)] = &[
    ("in excess of", "at_least"),
    ("more than", "at_least"),
    ("greater than", "at_least"),
    ("at least", "at_least"),
    ("upwards of", "at_least"),
    ("north of", "at_least"),
    ("exceeding", "at_least"),
    ("over", "at_least"),
    ("above", "at_least"),
    ("up to", "at_most"),
    ("at most", "at_most"),
    ("less than", "at_most"),
    ("fewer than", "at_most"),
    ("no more than", "at_most"),
    ("under", "at_most"),
    ("below", "at_most"),
    ("approximately", "approx"),
    ("roughly", "approx"),
    ("nearly", "approx"),
    ("almost", "approx"),
    ("around", "approx"),
    ("about", "approx"),
    ("close to", "approx"),
    ("some", "approx"),
    ("an estimated", "approx"),
    ("estimated", "approx"),
    ("~", "approx"),
    ("≈", "approx"),
    (">=", "at_least"),
    ("≥", "at_least"),
    (">", "at_least"),
    ("<=", "at_most"),
    ("≤", "at_most"),
    ("<", "at_most"),
];

/// Words before a quantity that make it a change (and whether the change is a fall).
const CHANGE_BEFORE: &[(&str, bool)] = &[
    ("up", false),
    ("rose", false),
    ("grew", false),
    ("growing", false),
    ("increased", false),
    ("increasing", false),
    ("jumped", false),
    ("climbed", false),
    ("gained", false),
    ("surged", false),
    ("soared", false),
    ("added", false),
    ("down", true),
    ("fell", true),
    ("declined", true),
    ("decreased", true),
    ("dropped", true),
    ("slid", true),
];

/// Words right after a quantity that make it a change ("a 67% increase").
const CHANGE_AFTER: &[(&str, bool)] = &[
    ("increase", false),
    ("growth", false),
    ("jump", false),
    ("rise", false),
    ("gain", false),
    ("higher", false),
    ("decline", true),
    ("decrease", true),
    ("drop", true),
    ("lower", true),
];

const YOY: &[&str] = &[
    "year over year",
    "year-over-year",
    "year on year",
    "year-on-year",
    "yoy",
    "y/y",
    "from a year earlier",
    "from a year ago",
    "than a year ago",
    "a year earlier",
    "vs. a year ago",
];

const QOQ: &[&str] = &[
    "quarter over quarter",
    "quarter-over-quarter",
    "quarter on quarter",
    "qoq",
    "q/q",
    "sequentially",
    "sequential",
    "from the prior quarter",
    "from the previous quarter",
    "from last quarter",
];

/// Words that give a count its unit; any other noun gives `count`.
const NOUN_UNITS: &[(&str, &str)] = &[
    ("gigawatts", "GW"),
    ("gigawatt", "GW"),
    ("gw", "GW"),
    ("shares", "shares"),
    ("days", "days"),
    ("hours", "hours"),
    ("seconds", "seconds"),
    ("basis", "bps"),
    ("bps", "bps"),
    ("bp", "bps"),
    ("percentage", "pp"),
    ("pp", "pp"),
    ("ppts", "pp"),
    // Durations and effort: a count of years is a duration, not a count of things.
    ("years", "years"),
    ("yrs", "years"),
    ("person-years", "person-years"),
    ("person-year", "person-years"),
];

/// Units of measure that a hyphen may join to their number ("a 5-gigawatt campus").
const HYPHEN_UNITS: &[(&str, &str)] = &[("gigawatt", "GW"), ("gigawatts", "GW")];

/// Words after a bare number that are not what it counts.
const NOT_NOUNS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "over", "per", "than", "that", "the", "this",
    "to", "up", "versus", "vs", "was", "were", "which", "with", "while", "year", "quarter",
];

/// Every quantity in a sentence, left to right.
pub fn find(sentence: &str) -> Vec<Quantity> {
    let mut found = Vec::new();
    let bytes = sentence.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || !starts_number(sentence, i) {
            i += 1;
            continue;
        }
        let Some(first) = number_at(sentence, i) else {
            i = skip_digits(bytes, i);
            continue;
        };
        i = first.end;
        // Multiples written as words are found below; here numbers with a unit.
        if let Some(q) = quantity(sentence, first, &mut i) {
            found.push(q);
        }
    }
    found.extend(word_multiples(sentence));
    found.extend(word_numbers(sentence));
    found.sort_by_key(|q| q.start);
    per_noun(sentence, &mut found);
    found
}

/// Money per one of the nouns counted before it: "44 person-years x ~$300K" multiplies a
/// count by a dollar amount, which is then dollars per person-year.
const PER_NOUN: &[(&str, &str)] = &[("person-years", "USD/person-year"), ("shares", "USD/share")];

fn per_noun(s: &str, found: &mut [Quantity]) {
    for k in 1..found.len() {
        let (counted, money) = (&found[k - 1], &found[k]);
        // The count's span ends at its number: its noun, then the sign, come between.
        let times = counted.end <= money.start && {
            let between = s[counted.end..money.start].trim();
            let sign = between.rsplit(' ').next().unwrap_or_default();
            let noun = between[..between.len() - sign.len()].trim();
            matches!(sign, "x" | "×" | "*")
                && noun.len() <= 24
                && noun.chars().all(|c| c.is_alphabetic() || c == '-')
        };
        let per = PER_NOUN.iter().find(|(noun, _)| *noun == counted.unit);
        if let (true, "USD", Some((noun, unit))) = (times, money.unit, per) {
            let cue = format!("unit: {unit}, dollars times {noun}");
            found[k].unit = unit;
            found[k].cue.push(cue);
        }
    }
}

/// A digit starts a number unless it continues a word or a number ("Q1", "FY2026", "10-K"
/// is a number followed by text, which has no unit and is dropped later).
fn starts_number(s: &str, i: usize) -> bool {
    match s[..i].chars().next_back() {
        None => true,
        // "$20B/6yr": a duration after a slash is a number (a date's "3/31" is not).
        Some('/') => years_suffix(&s[i..]),
        Some(c) => !(c.is_alphanumeric() || c == '.' || c == ',' || c == '_'),
    }
}

/// Whether the digits starting `text` end in an attached `yr`/`yrs` ("6yr").
fn years_suffix(text: &str) -> bool {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
    matches!(word.as_str(), "yr" | "yrs")
}

/// Labels after which a bare number is a ratio or a per-share amount, as a market-data
/// line writes them ("Fwd P/E 36.2", "beta 1.468", "diluted EPS 7.17"), longest first.
const LABEL_UNITS: &[(&str, &str)] = &[
    ("p/e ratio", "x"),
    ("pe ratio", "x"),
    ("ev/ebitda", "x"),
    ("ev/sales", "x"),
    ("ev/revenue", "x"),
    ("multiple", "x"),
    ("p/e", "x"),
    ("p/s", "x"),
    ("p/b", "x"),
    ("beta", "x"),
    ("eps", "USD/share"),
    ("dps", "USD/share"),
];

/// The unit a label right before a bare number gives it ("P/E 36.2", "EPS: 7.17",
/// "beta of 1.47"), with the label.
fn label_unit(before: &str) -> Option<(&'static str, &'static str)> {
    let mut text = before.trim_end().trim_end_matches([':', '=']).trim_end();
    if ends_with_word(text, "of") {
        text = text[..text.len() - 2].trim_end();
    }
    LABEL_UNITS
        .iter()
        .find(|(label, _)| ends_with_word(text, label))
        .map(|(label, unit)| (*label, *unit))
}

fn skip_digits(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b',')
    {
        i += 1;
    }
    i
}

/// The number starting at byte `i` (a digit), with its sign and `$` before it and its
/// scale, percent sign, `x` or unit word after it.
fn number_at(s: &str, i: usize) -> Option<Written> {
    let bytes = s.as_bytes();
    // Digits with thousands separators (a comma followed by exactly three digits) and a
    // decimal point followed by a digit; a trailing '.' or ',' is punctuation.
    let mut j = i;
    while j < bytes.len() {
        let b = bytes[j];
        let decimal_point = b == b'.' && bytes.get(j + 1).is_some_and(u8::is_ascii_digit);
        let separator = b == b','
            && bytes
                .get(j + 1..j + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
            && !bytes.get(j + 4).is_some_and(u8::is_ascii_digit);
        if b.is_ascii_digit() || decimal_point || separator {
            j += 1;
        } else {
            break;
        }
    }
    let digits = s[i..j].replace(',', "");
    let mut start = i;
    let mut dollar = false;
    let mut negative = false;
    if s[..start].ends_with('$') {
        dollar = true;
        start -= 1;
    }
    for (sign, neg) in [("+", false), ("-", true), ("\u{2212}", true)] {
        if let Some(before) = s[..start].strip_suffix(sign) {
            // A sign, not a hyphen: nothing word-like right before it.
            if before
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || "(~[:".contains(c))
            {
                negative = neg;
                start = before.len();
            }
            break;
        }
    }
    let mut w = Written {
        start,
        end: j,
        negative,
        dollar,
        digits,
        scale: None,
        percent: false,
        times: false,
        at_least: false,
        per: None,
        noun: None,
    };
    let rest = &s[j..];
    // An attached suffix: 44.2B, $1.2bn, 260x, 28%.
    let attached = rest
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(k, _)| k);
    let word = &rest[..attached];
    match word {
        "K" | "k" => w.scale = Some('K'),
        "M" | "m" | "mn" | "MM" => w.scale = Some('M'),
        "B" | "b" | "bn" | "Bn" | "BN" => w.scale = Some('B'),
        "T" | "tn" | "Tn" => w.scale = Some('T'),
        "x" | "X" => w.times = true,
        "GW" => w.noun = Some(("GW", "GW".into())),
        "bps" | "bp" => w.noun = Some(("bps", word.into())),
        "pp" | "ppt" | "ppts" => w.noun = Some(("pp", word.into())),
        // "~4-5yr", "6yrs": a duration in years.
        "yr" | "yrs" => w.noun = Some(("years", word.into())),
        "" => {}
        _ => return None, // 10th, 3D, 2nm: not a quantity amzdb stores
    }
    w.end += attached;
    // "300M+ users": at least, said after the number.
    let plus = s[w.end..].starts_with('+')
        && s[w.end + 1..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
    if plus {
        w.end += 1;
        w.at_least = true;
    }
    if !w.times && w.noun.is_none() {
        let after = &s[w.end..];
        if w.scale.is_none() {
            if let Some((len, scale)) = scale_word(after) {
                w.scale = Some(scale);
                w.end += len;
            }
        }
        let after = &s[w.end..];
        if let Some(r) = after.strip_prefix('%') {
            w.percent = true;
            w.end = s.len() - r.len();
        } else if let Some(len) = word_prefix(after, &[" percent", " per cent"]) {
            w.percent = true;
            w.end += len;
        } else if let Some((len, per)) = per_unit(after).filter(|_| w.dollar) {
            w.per = Some(per);
            w.end += len;
        } else if let Some(r) = after.strip_prefix('×') {
            w.times = true;
            w.end = s.len() - r.len();
        } else if let Some(len) = word_prefix(after, &[" times"]) {
            w.times = true;
            w.end += len;
        } else if !w.dollar {
            w.noun = noun(after);
        }
    }
    Some(w)
}

/// What money is counted per, written right after it ("/month", " per share").
fn per_unit(after: &str) -> Option<(usize, &'static str)> {
    [
        ("/share", "USD/share"),
        (" per share", "USD/share"),
        ("/month", "USD/month"),
        ("/mo", "USD/month"),
        (" per month", "USD/month"),
        (" a month", "USD/month"),
        ("/unit", "USD/unit"),
        (" per unit", "USD/unit"),
    ]
    .into_iter()
    .find_map(|(w, unit)| word_prefix(after, &[w]).map(|len| (len, unit)))
}

/// A scale word after a number (" billion"), as its length and letter.
fn scale_word(after: &str) -> Option<(usize, char)> {
    for (word, scale) in [
        (" thousand", 'K'),
        (" million", 'M'),
        (" billion", 'B'),
        (" trillion", 'T'),
        (" bn", 'B'),
        (" mn", 'M'),
    ] {
        if let Some(len) = word_prefix(after, &[word]) {
            return Some((len, scale));
        }
    }
    None
}

/// The length of the first of `words` that `text` starts with as whole words, any case.
fn word_prefix(text: &str, words: &[&str]) -> Option<usize> {
    words.iter().find_map(|w| {
        let head = text.get(..w.len())?;
        let boundary = text[w.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        (head.eq_ignore_ascii_case(w) && boundary).then_some(w.len())
    })
}

/// What a bare number counts: the next word, when it is a noun (not a function word).
fn noun(after: &str) -> Option<(&'static str, String)> {
    if let Some(rest) = after.strip_prefix('-') {
        // "a 5-gigawatt commitment": a unit of measure joined as an adjective is the
        // number's unit; any other word so joined ("10-K", "5-year plan") is not counted.
        let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
        let lower = word.to_lowercase();
        return HYPHEN_UNITS
            .iter()
            .find(|(w, _)| *w == lower)
            .map(|(_, unit)| (*unit, word));
    }
    let rest = after.strip_prefix(' ')?;
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '-')
        .collect();
    let lower = word.to_lowercase();
    if word.chars().count() < 2 || NOT_NOUNS.contains(&lower.as_str()) {
        return None;
    }
    let unit = NOUN_UNITS
        .iter()
        .find(|(w, _)| *w == lower)
        .map_or("count", |(_, unit)| *unit);
    Some((unit, word))
}

/// The quantity starting with `first` (a range when a second number follows), its hedge
/// and its measure; None for numbers without a unit (years, list numbers, dates).
fn quantity(s: &str, first: Written, i: &mut usize) -> Option<Quantity> {
    let mut cue = Vec::new();
    let before = &s[..first.start];
    let (hedge, hedge_start) = hedge(before);
    let mut start = hedge_start.unwrap_or(first.start);
    let mut low = first;
    let mut high = None;
    let between = ends_with_word(before[..start].trim_end(), "between");
    let from = ends_with_word(before[..start].trim_end(), "from");
    if !from {
        if let Some(second) = range_end(s, &low, between) {
            if !second.negative || low.percent || second.percent {
                // "30 to 40%", "$1 to $2 billion": the first number takes the second's
                // unit, or its scale, when it has none of its own.
                let mut joined = low.clone();
                if !low.has_unit() {
                    joined.percent = second.percent;
                    joined.dollar = second.dollar;
                    joined.times = second.times;
                    joined.scale = second.scale;
                    joined.noun.clone_from(&second.noun);
                } else if low.dollar && low.scale.is_none() && !second.percent && !second.times {
                    joined.scale = second.scale;
                }
                let same = joined.has_unit()
                    && joined.unit() == second.unit()
                    && joined.percent == second.percent
                    && joined.times == second.times;
                if same {
                    *i = second.end;
                    low = joined;
                    high = Some(second);
                }
            }
        }
    }
    let year_like = low.digits.len() == 4 && !low.digits.contains('.');
    if !low.has_unit() && high.is_none() && !year_like {
        if let Some((label, unit)) = label_unit(&s[..start]) {
            if unit == "x" {
                low.times = true;
            } else {
                low.dollar = true;
                low.per = Some(unit);
            }
            cue.push(format!("unit: {unit} after {label}"));
        }
    }
    if !low.has_unit() {
        return None;
    }
    let is_year = low.digits.len() == 4
        && !low.dollar
        && low.scale.is_none()
        && !low.percent
        && (1900..=2100).contains(&low.digits.parse::<u32>().unwrap_or(0));
    if is_year {
        return None;
    }
    let end = high.as_ref().map_or(low.end, |h| h.end);
    let qualifier = match (&high, hedge) {
        (Some(_), _) => {
            cue.push("range".to_string());
            "range"
        }
        (None, Some((word, qualifier))) => {
            cue.push(format!("hedge: {word}"));
            qualifier
        }
        (None, None) if low.at_least => {
            cue.push("hedge: +".to_string());
            "at_least"
        }
        (None, None) => "exact",
    };
    // The change phrase: a verb or sign before, a noun after, a period cue after.
    let before_hedge = s[..start].trim_end();
    let mut change: Option<(String, bool)> = None;
    // The word right before ("up 77%"), or the one before "by" ("increased by 20%").
    let last = last_words(before_hedge, 2);
    let verb = match last.as_slice() {
        [by, verb] if by == "by" => Some(verb),
        [word, ..] => Some(word),
        [] => None,
    };
    if let Some((word, fall)) = CHANGE_BEFORE
        .iter()
        .find(|(w, _)| Some(&w.to_string()) == verb)
    {
        change = Some(((*word).to_string(), *fall));
    }
    if ends_with_word(before_hedge, "to") || ends_with_word(before_hedge, "from") {
        change = None; // "rose 28% to $37.6 billion", "from $25 billion": levels
    }
    let after = near(&s[end..], WINDOW)
        .trim_start_matches([' ', '-'])
        .to_lowercase();
    for (word, fall) in CHANGE_AFTER {
        if after.starts_with(word) && !after.starts_with("more than") {
            change = Some(((*word).to_string(), *fall));
        }
    }
    if s[low.start..].starts_with('+') {
        change = Some(("+".to_string(), false));
    }
    let window = period_window(&after);
    let yoy = phrase_in(&window, YOY);
    let qoq = phrase_in(&window, QOQ);
    let unit = low.unit();
    let measure = match (unit, &change, yoy, qoq) {
        (_, _, _, Some(p)) | (_, _, Some(p), _)
            if change.is_some() || unit == "%" || unit == "x" =>
        {
            cue.push(format!("period: {p}"));
            let q = qoq.is_some();
            match unit {
                "%" => {
                    if q {
                        "qoq_pct"
                    } else {
                        "yoy_pct"
                    }
                }
                "x" => {
                    if q {
                        "qoq_multiple"
                    } else {
                        "yoy_multiple"
                    }
                }
                _ => {
                    if q {
                        "qoq_change"
                    } else {
                        "yoy_change"
                    }
                }
            }
        }
        (_, Some(_), None, None) => {
            cue.push("period assumed: year over year".into());
            match unit {
                "%" => "yoy_pct",
                "x" => "yoy_multiple",
                _ => "yoy_change",
            }
        }
        _ => "level",
    };
    if let Some((word, fall)) = &change {
        cue.insert(0, format!("change: {word}"));
        if *fall && !low.negative && measure != "level" {
            low.negative = true;
            if let Some(h) = high.as_mut() {
                h.negative = true;
            }
            cue.push("negated: a fall".into());
        }
    }
    if let Some((_, word)) = &low.noun {
        cue.push(format!("unit word: {word}"));
    } else if !low.dollar && !low.percent && !low.times && low.scale.is_some() {
        cue.push("no $: USD assumed".into());
    }
    let value = low.text();
    let amount = exact(&value, unit)?;
    let value_high = match &high {
        Some(h) => {
            let text = h.text();
            exact(&text, unit)?;
            Some(text)
        }
        None => None,
    };
    start = start.min(low.start);
    Some(Quantity {
        start,
        end,
        value,
        value_high,
        amount,
        unit,
        qualifier,
        measure,
        cue,
    })
}

/// The amount in base units, through amzdb's own parser, or None when amzdb could not
/// store it (too many digits, beyond the bound): such a number is not drafted.
fn exact(value: &str, unit: &str) -> Option<String> {
    let parsed = parse_value(value).ok()?;
    if magnitude_problem(parsed.amount, unit).is_some() {
        return None;
    }
    Number::from_decimal(parsed.amount)
        .ok()
        .map(|n| n.to_string())
}

/// The second number of a range after `low`: "22%-24%", "30 to 40%", "between 1 and 2".
fn range_end(s: &str, low: &Written, between: bool) -> Option<Written> {
    let after = &s[low.end..];
    let mut joins = vec!["-", "–", "—", " - ", " – ", " to ", " to ~"];
    if between {
        joins.push(" and ");
    }
    // "40 or 50 people": two bare numbers sharing one unit are a range.
    if !low.has_unit() {
        joins.push(" or ");
    }
    joins.iter().find_map(|join| {
        let rest = after.strip_prefix(join)?;
        let at = s.len() - rest.len();
        let at = at
            + rest
                .char_indices()
                .find(|(_, c)| !matches!(c, '$' | '+' | '~'))
                .map_or(0, |(k, _)| k);
        if !s.as_bytes().get(at).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        number_at(s, at)
    })
}

/// The hedge that ends `before`, if any: its words, qualifier and where it starts.
fn hedge(before: &str) -> (Option<(&'static str, &'static str)>, Option<usize>) {
    let trimmed = before.trim_end();
    for (word, qualifier) in HEDGES {
        if word.chars().all(|c| !c.is_alphanumeric()) {
            if let Some(rest) = trimmed.strip_suffix(word) {
                return (Some((word, qualifier)), Some(rest.len()));
            }
        } else if ends_with_word(trimmed, word) {
            return (Some((word, qualifier)), Some(trimmed.len() - word.len()));
        }
    }
    (None, None)
}

/// Whether `text` ends with `word` as a whole word, any case.
fn ends_with_word(text: &str, word: &str) -> bool {
    let Some(at) = text.len().checked_sub(word.len()) else {
        return false;
    };
    text.is_char_boundary(at)
        && text[at..].eq_ignore_ascii_case(word)
        && text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// How far after a quantity its cues are looked for, in bytes: enough for six words,
/// and it keeps the work per quantity bounded however long the sentence.
const WINDOW: usize = 120;

/// The first `max` bytes of `text` (fewer, to end on a character boundary).
pub fn near(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The last `max` bytes of `text` (fewer, to start on a character boundary).
pub fn near_end(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Where a period cue for a quantity may be: the next six words, up to the next figure
/// or separator ("+40% YoY / +22% QoQ": QoQ belongs to the second figure).
fn period_window(after: &str) -> String {
    let stop = after
        .find(|c: char| c.is_ascii_digit() || ",;/()|·$".contains(c))
        .unwrap_or(after.len());
    after[..stop]
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first of `phrases` (YOY or QOQ) that `window` holds as whole words. Every such
/// phrase holds one of a few short words, so a window without them is not searched for
/// each phrase (most figures have no period cue).
fn phrase_in(window: &str, phrases: &'static [&'static str]) -> Option<&'static &'static str> {
    let cue = ["year", "yoy", "y/y", "quarter", "qoq", "q/q", "sequential"]
        .iter()
        .any(|w| window.contains(w));
    if !cue {
        return None;
    }
    phrases.iter().find(|p| contains_words(window, p))
}

/// Whether `text` holds `phrase` as whole words.
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
            && text[at + phrase.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// The last `n` words of `text`, lowercased.
fn last_words(text: &str, n: usize) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(n)
        .map(str::to_lowercase)
        .collect()
}

/// Multiples written as words: doubled, tripled, quadrupled. "More than doubled" is
/// stored as the bundled facts store it: a change of at least +100%, not a multiple.
fn word_multiples(s: &str) -> Vec<Quantity> {
    let lower = s.to_ascii_lowercase();
    let mut found = Vec::new();
    for (word, times) in [
        ("doubled", 2),
        ("doubling", 2),
        ("tripled", 3),
        ("tripling", 3),
        ("quadrupled", 4),
    ] {
        for at in whole_words(&lower, word) {
            let window = period_window(near(&lower[at + word.len()..], WINDOW));
            let qoq = phrase_in(&window, QOQ);
            let yoy = phrase_in(&window, YOY);
            let mut cue = vec![format!("multiple word: {word}")];
            match (qoq, yoy) {
                (Some(p), _) | (None, Some(p)) => cue.push(format!("period: {p}")),
                _ => cue.push("period assumed: year over year".into()),
            }
            let (hedge, hedge_start) = hedge(&s[..at]);
            let start = hedge_start.unwrap_or(at);
            let qualifier = hedge.map_or("exact", |(_, q)| q);
            if let Some((w, _)) = hedge {
                cue.push(format!("hedge: {w}"));
            }
            // "doubling from the $10 billion ...": a change from a stated base, stored as
            // +100% like the bundled facts store it.
            // ("doubled from the first quarter" names a period, and stays a multiple.)
            let from_base = lower[at + word.len()..]
                .strip_prefix(" from ")
                .map(|r| r.strip_prefix("the ").unwrap_or(r))
                .is_some_and(|r| r.starts_with(|c: char| c == '$' || c.is_ascii_digit()));
            let (value, unit, measure) = if qualifier == "at_least" || from_base {
                let pct = (times - 1) * 100;
                if from_base {
                    cue.push(format!("{word} from a base: a change of +{pct}%"));
                } else {
                    cue.push(format!("more than {times}x: a change of at least +{pct}%"));
                }
                let pct = if qoq.is_some() { "qoq_pct" } else { "yoy_pct" };
                (format!("{}%", (times - 1) * 100), "%", pct)
            } else {
                let multiple = if qoq.is_some() {
                    "qoq_multiple"
                } else {
                    "yoy_multiple"
                };
                (times.to_string(), "x", multiple)
            };
            let Some(amount) = exact(&value, unit) else {
                continue;
            };
            found.push(Quantity {
                start,
                end: at + word.len(),
                value,
                value_high: None,
                amount,
                unit,
                qualifier,
                measure,
                cue,
            });
        }
    }
    found
}

/// Where `word` occurs in `lower` (an ASCII-lowercased text) as a whole word.
fn whole_words<'a>(lower: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    lower
        .match_indices(word)
        .map(|(at, _)| at)
        .filter(move |&at| {
            lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
                && lower[at + word.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
}

/// Numbers written as words, with the value amzdb stores for each.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("fifteen", 15),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
];

/// Vague amounts and the least each can mean: "tens of billions" is at least 10B,
/// "several hundred" at least 200. The words stay in the quote and the cue; the value is
/// only the bound, never a guess at the figure.
const VAGUE: &[(&str, u32)] = &[
    ("tens of", 10),
    ("hundreds of", 100),
    ("several", 2),
    ("a few", 2),
];

/// "Multibillion": at least two of the scale the word names.
const MULTI: &[(&str, char)] = &[
    ("multibillion", 'B'),
    ("multi-billion", 'B'),
    ("multimillion", 'M'),
    ("multi-million", 'M'),
];

/// Percentages written as words: "triple digits" growth is at least 100%.
const DIGIT_WORDS: &[(&str, u32)] = &[
    ("triple digits", 100),
    ("triple-digit", 100),
    ("triple digit", 100),
    ("double digits", 10),
    ("double-digit", 10),
    ("double digit", 10),
];

/// Nouns after "of" that make a vague amount money ("tens of billions of CapEx").
const MONEY_NOUNS: &[&str] = &[
    "dollars",
    "capex",
    "revenue",
    "revenues",
    "sales",
    "spend",
    "spending",
    "savings",
    "investment",
    "income",
    "profit",
    "cash",
    "commitments",
    "backlog",
];

/// Scale words after a number word, plural after a vague word ("tens of billions").
const SCALES: &[(&str, char)] = &[
    ("thousand", 'K'),
    ("million", 'M'),
    ("billion", 'B'),
    ("trillion", 'T'),
];

/// Numbers written as words: `three` reactors, `a thousand` applications, `tens of
/// billions`, `several hundred basis points`, `twice`, `triple digits`.
fn word_numbers(s: &str) -> Vec<Quantity> {
    let lower = s.to_ascii_lowercase();
    let mut found = Vec::new();
    // "twice": a multiple.
    for at in whole_words(&lower, "twice") {
        let (hedge, hedge_start) = hedge(&s[..at]);
        found.push(Quantity {
            start: hedge_start.unwrap_or(at),
            end: at + 5,
            value: "2".into(),
            value_high: None,
            amount: "2".into(),
            unit: "x",
            qualifier: hedge.map_or("exact", |(_, q)| q),
            measure: "level",
            cue: vec!["number word: twice".into()],
        });
    }
    for (words, least) in DIGIT_WORDS {
        for at in whole_words(&lower, words) {
            let end = at + words.len();
            let after = near(&lower[end..], WINDOW);
            let window = period_window(after.strip_prefix(" percentages").unwrap_or(after));
            let qoq = phrase_in(&window, QOQ);
            let change = last_words(&s[..at], 1)
                .first()
                .is_some_and(|w| CHANGE_BEFORE.iter().any(|(c, _)| c == w))
                || after.trim_start().starts_with("growth");
            let measure = match (qoq, change) {
                (Some(_), _) => "qoq_pct",
                (None, true) => "yoy_pct",
                (None, false) => "level",
            };
            let value = format!("{least}%");
            let Some(amount) = exact(&value, "%") else {
                continue;
            };
            found.push(Quantity {
                start: at,
                end,
                value,
                value_high: None,
                amount,
                unit: "%",
                qualifier: "at_least",
                measure,
                cue: vec![format!("number words: {words}: at least {least}%")],
            });
        }
    }
    // "a multibillion-dollar run rate": at least two of the scale, as "several" is.
    for (words, scale) in MULTI {
        for at in whole_words(&lower, words) {
            let value = format!("2{scale}");
            let Some(amount) = exact(&value, "USD") else {
                continue;
            };
            found.push(Quantity {
                start: at,
                end: at + words.len(),
                value,
                value_high: None,
                amount,
                unit: "USD",
                qualifier: "at_least",
                measure: "level",
                cue: vec![format!("number words: {words}: at least 2{scale}")],
            });
        }
    }
    // "about a year": a hedged duration of one year; "a year ago" is a period.
    for at in whole_words(&lower, "a year") {
        let (hedge, hedge_start) = hedge(&s[..at]);
        let next = lower[at + 6..]
            .split_whitespace()
            .next()
            .unwrap_or_default();
        let relative = [
            "ago", "earlier", "later", "before", "after", "prior", "from",
        ]
        .iter()
        .any(|w| next.trim_matches(|c: char| !c.is_alphanumeric()) == *w);
        // "grew 20% over a year": "over" is as often the preposition as the bound.
        let hedge = hedge.filter(|(word, _)| *word != "over");
        if let (Some((word, qualifier)), Some(from), false) = (hedge, hedge_start, relative) {
            found.push(Quantity {
                start: from,
                end: at + 6,
                value: "1".into(),
                value_high: None,
                amount: "1".into(),
                unit: "years",
                qualifier,
                measure: "level",
                cue: vec![format!("number words: a year; hedge: {word}")],
            });
        }
    }
    let tokens = word_tokens(&lower);
    // "the last twelve months" is a period, not a count. The periods are only looked for
    // in a sentence that has a number word: most have none.
    let mut periods = None;
    let mut i = 0;
    while i < tokens.len() {
        match word_number_at(s, &lower, &tokens, i) {
            Some((next, q)) => {
                let periods = periods.get_or_insert_with(|| crate::extract::periods::find(s));
                if !periods.iter().any(|p| p.start < q.end && q.start < p.end) {
                    found.push(q);
                }
                i = next;
            }
            None => i += 1,
        }
    }
    found
}

/// The words of a lowercased text with their byte spans (letters and hyphens).
fn word_tokens(lower: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices().chain([(lower.len(), ' ')]) {
        let word = c.is_ascii_alphabetic();
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The number written as words starting at word `i`: the index of the word after it and
/// the quantity. A number word needs a unit, a scale or a noun after it ("three small
/// modular reactor developers"); "a"/"one" count only before a scale ("a thousand").
fn word_number_at(
    s: &str,
    lower: &str,
    tokens: &[(usize, usize)],
    i: usize,
) -> Option<(usize, Quantity)> {
    let word = |k: usize| tokens.get(k).map(|&(a, b)| &lower[a..b]);
    let adjacent = |k: usize| {
        tokens
            .get(k)
            .zip(tokens.get(k + 1))
            .is_some_and(|(a, b)| lower[a.1..b.0] == *" " || lower[a.1..b.0] == *"-")
    };
    let (start, _) = tokens[i];
    let mut cue = Vec::new();
    let mut at_least = false;
    let mut k = i;
    // The number: a vague word, a number word, or "a"/"one" before a scale.
    let vague = VAGUE.iter().find(|(v, _)| {
        let parts: Vec<&str> = v.split(' ').collect();
        parts
            .iter()
            .enumerate()
            .all(|(n, p)| word(i + n) == Some(*p) && (n == 0 || adjacent(i + n - 1)))
    });
    let mut n: u64 = if let Some((v, least)) = vague {
        k = i + v.split(' ').count() - 1;
        at_least = true;
        cue.push(format!("number words: {v}: at least {least}"));
        u64::from(*least)
    } else if let Some((w, n)) = NUMBER_WORDS.iter().find(|(w, _)| word(i) == Some(*w)) {
        cue.push(format!("number word: {w}"));
        u64::from(*n)
    } else if let Some(w @ ("a" | "one")) = word(i) {
        cue.push(format!("number words: {w} + scale"));
        1
    } else {
        return None;
    };
    // "several hundred", "three hundred": hundreds.
    let mut scaled = false;
    if word(k + 1) == Some("hundred") && adjacent(k) {
        n *= 100;
        k += 1;
        scaled = true;
    }
    let mut scale = None;
    if adjacent(k) {
        if let Some((_, letter)) = word(k + 1).and_then(|next| {
            SCALES
                .iter()
                .find(|(w, _)| next == *w || next.strip_suffix('s') == Some(w))
        }) {
            scale = Some(*letter);
            k += 1;
        }
    }
    // "a", "one" and vague words alone are not numbers ("a few people", "several times").
    let bare = vague.is_some() || matches!(word(i), Some("a" | "one"));
    if bare && scale.is_none() && !scaled {
        return None;
    }
    let mut end = tokens[k].1;
    let rest = &lower[end..];
    // The unit: dollars, percent, basis points, or a noun (after "of" for vague words).
    let dollar = s[..start].trim_end().ends_with('$');
    let (unit, unit_len): (&'static str, usize) = if dollar {
        ("USD", 0)
    } else if let Some(len) = word_prefix(rest, &[" dollars", " of dollars"]) {
        ("USD", len)
    } else if let Some(len) = word_prefix(rest, &[" percent", " per cent"]) {
        ("%", len)
    } else if let Some(len) = word_prefix(rest, &[" basis points", " bps", " basis point"]) {
        ("bps", len)
    } else if let Some(len) = word_prefix(rest, &[" percentage points"]) {
        ("pp", len)
    } else {
        let after_of = rest.strip_prefix(" of").unwrap_or(rest);
        let noun_word = noun(after_of);
        let money = noun_word
            .as_ref()
            .is_some_and(|(_, w)| MONEY_NOUNS.contains(&w.to_lowercase().as_str()));
        match noun_word {
            _ if money => ("USD", 0),
            Some((unit, w)) => {
                cue.push(format!("unit word: {w}"));
                (unit, 0)
            }
            None if scale.is_some() => {
                cue.push("no $: USD assumed".into());
                ("USD", 0)
            }
            None => return None,
        }
    };
    end += unit_len;
    // The value as parse::value reads it: digits and a scale letter.
    let value = format!(
        "{n}{}{}",
        scale.map(String::from).unwrap_or_default(),
        if unit == "%" { "%" } else { "" }
    );
    let amount = exact(&value, unit)?;
    let (hedge, hedge_start) = hedge(&s[..start]);
    let qualifier = match hedge {
        _ if at_least => "at_least",
        Some((w, q)) => {
            cue.push(format!("hedge: {w}"));
            q
        }
        None => "exact",
    };
    let start = if vague.is_some() {
        start
    } else {
        hedge_start.unwrap_or(start)
    };
    let next = tokens
        .iter()
        .position(|&(a, _)| a >= end)
        .unwrap_or(tokens.len());
    Some((
        next.max(k + 1),
        Quantity {
            start,
            end,
            value,
            value_high: None,
            amount,
            unit,
            qualifier,
            measure: "level",
            cue,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (value, value_high, unit, qualifier, measure) of each quantity.
    fn drafts(s: &str) -> Vec<(String, String, &'static str, &'static str, &'static str)> {
        find(s)
            .into_iter()
            .map(|q| {
                (
                    q.value,
                    q.value_high.unwrap_or_default(),
                    q.unit,
                    q.qualifier,
                    q.measure,
                )
            })
            .collect()
    }

    fn one(s: &str) -> (String, String, &'static str, &'static str, &'static str) {
        let d = drafts(s);
        assert_eq!(d.len(), 1, "{s}: {d:?}");
        d.into_iter().next().unwrap()
    }

    /// Each text gives one quantity with these (value, value_high, unit, qualifier, measure).
    fn cases(cases: &[(&str, [&'static str; 5])]) {
        for (text, [v, h, u, q, m]) in cases {
            assert_eq!(one(text), t(v, h, u, q, m), "{text}");
        }
    }

    fn t(
        v: &str,
        h: &str,
        u: &'static str,
        q: &'static str,
        m: &'static str,
    ) -> (String, String, &'static str, &'static str, &'static str) {
        (v.into(), h.into(), u, q, m)
    }

    #[test]
    fn money_with_symbols_and_scale_words() {
        cases(&[
            (
                "capex of $44.2 billion in Q1 2026",
                ["44.2B", "", "USD", "exact", "level"],
            ),
            ("FCF was $1.2B.", ["1.2B", "", "USD", "exact", "level"]),
            ("a backlog of 364B", ["364B", "", "USD", "exact", "level"]),
            (
                "market cap $2787.9B",
                ["2787.9B", "", "USD", "exact", "level"],
            ),
            ("EPS of $1,234.56", ["1234.56", "", "USD", "exact", "level"]),
            (
                "EPS of $2.78 per share",
                ["2.78", "", "USD/share", "exact", "level"],
            ),
            (
                "for $19.99/month",
                ["19.99", "", "USD/month", "exact", "level"],
            ),
            (
                "converts (~$91-109B)",
                ["91B", "109B", "USD", "range", "level"],
            ),
            ("a ~300bps edge", ["300", "", "bps", "approx", "level"]),
            ("a 2.5pp gain", ["2.5", "", "pp", "exact", "yoy_change"]),
        ]);
    }

    #[test]
    fn growth_phrases_give_the_measure() {
        let d = drafts("capex of $44.2 billion in Q1 2026, up 77% from $25 billion in Q1 2025");
        assert_eq!(
            d,
            vec![
                t("44.2B", "", "USD", "exact", "level"),
                t("77%", "", "%", "exact", "yoy_pct"),
                t("25B", "", "USD", "exact", "level"),
            ]
        );
        cases(&[
            (
                "AWS revenue rose 28% year over year",
                ["28%", "", "%", "exact", "yoy_pct"],
            ),
            (
                "Bedrock spend +40% QoQ",
                ["40%", "", "%", "exact", "qoq_pct"],
            ),
            (
                "spend growing 170% quarter-over-quarter",
                ["170%", "", "%", "exact", "qoq_pct"],
            ),
            ("a 67% increase", ["67%", "", "%", "exact", "yoy_pct"]),
            (
                "sales increased by 20%",
                ["20%", "", "%", "exact", "yoy_pct"],
            ),
            (
                "GW added and more than 1.4 million chips",
                ["1.4M", "", "count", "at_least", "level"],
            ),
        ]);
        assert_eq!(
            drafts("backlog $244B, +40% YoY / +22% QoQ"),
            vec![
                t("244B", "", "USD", "exact", "level"),
                t("40%", "", "%", "exact", "yoy_pct"),
                t("22%", "", "%", "exact", "qoq_pct"),
            ]
        );
        cases(&[
            (
                "users ~60% more likely to buy",
                ["60%", "", "%", "approx", "level"],
            ),
            (
                "margin fell 3% year over year",
                ["-3%", "", "%", "exact", "yoy_pct"],
            ),
            (
                "backlog grew about $50 billion sequentially",
                ["50B", "", "USD", "approx", "qoq_change"],
            ),
            (
                "power capacity doubled since 2022",
                ["2", "", "x", "exact", "yoy_multiple"],
            ),
            ("nearly 260x larger", ["260", "", "x", "approx", "level"]),
            ("260 times larger", ["260", "", "x", "exact", "level"]),
        ]);
        assert_eq!(drafts("rose 28% to $37.6 billion")[0].0, "28%");
        assert_eq!(
            drafts("rose 28% to $37.6 billion")[1],
            t("37.6B", "", "USD", "exact", "level")
        );
    }

    #[test]
    fn ranges_and_hedges() {
        cases(&[
            ("growth of 22%-24%", ["22%", "24%", "%", "range", "level"]),
            (
                "guidance of ~+22% to +24% growth",
                ["22%", "24%", "%", "range", "yoy_pct"],
            ),
            ("30 to 40% of spend", ["30%", "40%", "%", "range", "level"]),
            (
                "between $1 and $2 billion",
                ["1B", "2B", "USD", "range", "level"],
            ),
            (
                "over $225 billion",
                ["225B", "", "USD", "at_least", "level"],
            ),
            (
                "more than $100 billion",
                ["100B", "", "USD", "at_least", "level"],
            ),
            ("at least 5 GW", ["5", "", "GW", "at_least", "level"]),
            ("up to 20%", ["20%", "", "%", "at_most", "level"]),
            ("about $364 billion", ["364B", "", "USD", "approx", "level"]),
            (
                "roughly 41 analysts",
                ["41", "", "count", "approx", "level"],
            ),
            ("~$58M", ["58M", "", "USD", "approx", "level"]),
            ("run rate >$15B", ["15B", "", "USD", "at_least", "level"]),
            (
                "Rufus 300M+ users",
                ["300M", "", "count", "at_least", "level"],
            ),
        ]);
        // "from ... to ..." is two levels, not a range.
        assert_eq!(drafts("grew from $25 billion to $44.2 billion").len(), 2);
    }

    #[test]
    fn counts_with_units() {
        cases(&[
            ("1.4 million chips", ["1.4M", "", "count", "exact", "level"]),
            (
                "3.99 gigawatts of power",
                ["3.99", "", "GW", "exact", "level"],
            ),
            (
                "Anthropic's 5-gigawatt Trainium capacity commitment",
                ["5", "", "GW", "exact", "level"],
            ),
            (
                "300 million customers",
                ["300M", "", "count", "exact", "level"],
            ),
            ("15 days", ["15", "", "days", "exact", "level"]),
        ]);
    }

    #[test]
    fn years_labels_and_list_numbers_are_not_quantities() {
        for s in [
            "in Q1 2026",
            "FY2026",
            "the 10-K",
            "1. Capex",
            "2025-2026",
            "on 2026-05-13",
            "the 3rd",
            "in 2022",
            "a 5-year plan",
            "a 12-month lead time",
        ] {
            assert_eq!(drafts(s), vec![], "{s}");
        }
    }

    #[test]
    fn numbers_written_as_words_give_the_bound_they_state() {
        cases(&[
            (
                "three small modular reactor developers",
                ["3", "", "count", "exact", "level"],
            ),
            (
                "over a thousand AI applications",
                ["1K", "", "count", "at_least", "level"],
            ),
            (
                "tens of billions of dollars",
                ["10B", "", "USD", "at_least", "level"],
            ),
            (
                "several hundred basis points of margin",
                ["200", "", "bps", "at_least", "level"],
            ),
            (
                "developers more than doubled quarter-over-quarter",
                ["100%", "", "%", "at_least", "qoq_pct"],
            ),
            (
                "revenue growing triple digits year over year",
                ["100%", "", "%", "at_least", "yoy_pct"],
            ),
            ("twice what we had", ["2", "", "x", "exact", "level"]),
        ]);
        // Doubling from a stated amount is a change of +100%; doubling alone, or from a
        // period, a multiple.
        assert_eq!(
            drafts("a run rate doubling from the $10 billion of Q4")[0],
            t("100%", "", "%", "exact", "yoy_pct")
        );
        assert_eq!(
            drafts("usage doubled from the first quarter")[0],
            t("2", "", "x", "exact", "yoy_multiple")
        );
        // Alone, vague words and "a" are no numbers; inside a period, a number word is not.
        for s in [
            "a few people",
            "several times",
            "in the last twelve months",
            "one of them",
        ] {
            assert_eq!(drafts(s), vec![], "{s}");
        }
    }

    #[test]
    fn every_value_parses_to_its_amount() {
        let q = &find("capex of $44.2 billion")[0];
        assert_eq!(q.amount, "44200000000");
        let q = &find("0.5% margin")[0];
        assert_eq!(q.amount, "0.5");
        // Too many digits for amzdb: not drafted rather than rounded.
        assert!(find("$1234567890123456789012345678901 billion").is_empty());
    }

    fn well_formed(s: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        for q in find(s) {
            proptest::prop_assert!(q.start < q.end && q.end <= s.len());
            proptest::prop_assert!(s.is_char_boundary(q.start) && s.is_char_boundary(q.end));
            let amount = parse_value(&q.value)
                .ok()
                .and_then(|v| Number::from_decimal(v.amount).ok())
                .map(|n| n.to_string());
            proptest::prop_assert_eq!(amount, Some(q.amount.clone()));
            if let Some(high) = &q.value_high {
                proptest::prop_assert!(parse_value(high).is_ok());
            }
        }
        Ok(())
    }

    proptest::proptest! {
        /// Whatever the text: no panic, spans on character boundaries inside the sentence,
        /// and every value read back by amzdb's parser to the amount drafted.
        #[test]
        fn figure_like_text_gives_well_formed_quantities(
            s in "([ a-z$%~+.,x×>−’-]|[0-9]{1,4}|,[0-9]{3}|billion|up |over |QoQ|YoY|é|—| to ){0,40}"
        ) {
            well_formed(&s)?;
        }

        #[test]
        fn any_text_gives_well_formed_quantities(s in "\\PC{0,80}") {
            well_formed(&s)?;
        }
    }
}
