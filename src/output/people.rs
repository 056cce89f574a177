//! Turns a report's rows into what a person reads in a terminal: money scaled to $B or
//! $M with the unit in the header, percentages with one decimal, and each chosen figure
//! tagged compactly with its provenance (the sibling columns `X_disclosure`,
//! `X_competing`, `X_conflict`, `X_how`). CSV and JSON never go through here.

use super::{plain, Rows};
use rusqlite::types::Value;

/// How a column is shown in a table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Style {
    Text,
    /// US dollars, scaled per column to $B or $M.
    Usd,
    /// Percent points, one decimal.
    Pct,
    /// A plain ratio, two decimals.
    Ratio,
    /// Any number, short: 120000000000 as 120B, 49.1803 as 49.18.
    Compact,
    /// A disclosure type as its tag letter: A, M or E.
    Trust,
}

/// The columns a report shows by default, with their styles: parsed from the query
/// header `-- table: period_label, capex=usd, capex_yoy_pct=pct`.
#[derive(Debug, Clone, Default)]
pub struct TableSpec {
    pub columns: Vec<(String, Style)>,
    /// Short headers for the table (`column:label=style`).
    pub labels: Vec<(String, String)>,
    /// Columns amzdb computes (marked `=usd*` in the header): shown with a `*`.
    pub derived: Vec<String>,
}

impl TableSpec {
    pub fn parse(header: &str) -> TableSpec {
        let mut spec = TableSpec::default();
        for column in header.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let (name, style) = column.split_once('=').unwrap_or((column, ""));
            let (name, label) = name.split_once(':').unwrap_or((name, name));
            let name = name.trim().to_string();
            spec.labels.push((name.clone(), label.trim().to_string()));
            let style = style.trim();
            if let Some(style) = style.strip_suffix('*') {
                spec.derived.push(name.clone());
                spec.columns.push((name, style_named(style)));
            } else {
                spec.columns.push((name, style_named(style)));
            }
        }
        spec
    }

    fn style_of(&self, column: &str) -> Style {
        self.columns
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, s)| *s)
            .unwrap_or_else(|| {
                if column.ends_with("_pct") {
                    Style::Pct
                } else {
                    Style::Text
                }
            })
    }
}

fn style_named(name: &str) -> Style {
    match name {
        "usd" => Style::Usd,
        "pct" => Style::Pct,
        "ratio" => Style::Ratio,
        "num" => Style::Compact,
        "trust" => Style::Trust,
        _ => Style::Text,
    }
}

/// What the disclosure type letters say: the reports' tags and the facts table's type.
pub const TYPE_LETTERS: &str = "A audited, M management commentary, E third-party estimate";

/// The legend printed under a table whose cells carry tags.
pub fn legend() -> String {
    format!(
        "tags: {TYPE_LETTERS}; ·n n facts competed; ! they disagree beyond their precision; \
         * derived by amzdb (cell or column)"
    )
}

/// The rows as text for a table: the spec's columns (or every column but provenance
/// siblings with `wide`), styled and tagged. Returns whether any cell carries a tag.
pub fn for_people(rows: &Rows, spec: &TableSpec, wide: bool) -> (Rows, bool) {
    let index = |name: &str| rows.columns.iter().position(|c| c == name);
    let shown: Vec<(usize, Style)> = if wide || spec.columns.is_empty() {
        rows.columns
            .iter()
            .enumerate()
            .map(|(i, c)| (i, spec.style_of(c)))
            .collect()
    } else {
        spec.columns
            .iter()
            .filter_map(|(c, s)| index(c).map(|i| (i, *s)))
            .collect()
    };
    let mut tagged = false;
    let mut headers = Vec::new();
    let mut scales = Vec::new();
    for &(i, style) in &shown {
        let name = &rows.columns[i];
        let label = spec
            .labels
            .iter()
            .find(|(c, _)| c == name)
            .map_or(name.as_str(), |(_, l)| l.as_str());
        let scale = match style {
            Style::Usd => {
                let max = rows
                    .rows
                    .iter()
                    .filter_map(|r| number(&r[i]))
                    .fold(0.0, |m: f64, v| m.max(v.abs()));
                if max >= 1e9 || max == 0.0 {
                    Some((1e9, "$B"))
                } else {
                    Some((1e6, "$M"))
                }
            }
            _ => None,
        };
        let star = if spec.derived.contains(name) {
            tagged = true;
            " *"
        } else {
            ""
        };
        headers.push(match (style, scale) {
            (Style::Usd, Some((_, unit))) => format!("{label} {unit}{star}"),
            (Style::Pct, _) => format!("{label} %{star}"),
            _ => format!("{label}{star}"),
        });
        scales.push(scale.map(|(s, _)| s));
    }
    let body = rows
        .rows
        .iter()
        .map(|row| {
            shown
                .iter()
                .zip(&scales)
                .map(|(&(i, style), scale)| {
                    let mut cell = styled(&row[i], style, *scale);
                    let tag = tag(rows, row, &rows.columns[i]);
                    if !tag.is_empty() && !cell.is_empty() {
                        tagged = true;
                        cell = format!("{cell} {tag}");
                    }
                    Value::Text(cell)
                })
                .collect()
        })
        .collect();
    (
        Rows {
            columns: headers,
            rows: body,
        },
        tagged,
    )
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}

fn styled(value: &Value, style: Style, scale: Option<f64>) -> String {
    if let (Style::Trust, Value::Text(t)) = (style, value) {
        return trust_letter(t).to_string();
    }
    let Some(n) = number(value) else {
        return plain(value);
    };
    match style {
        Style::Usd => scaled(n, scale.unwrap_or(1.0)),
        Style::Pct => pct(n),
        Style::Ratio => format!("{n:.2}"),
        Style::Compact => compact(n),
        Style::Text | Style::Trust => plain(value),
    }
}

/// Money in a scaled unit ($B: 1e9), three decimals at most: 44200000000 -> 44.2.
fn scaled(n: f64, scale: f64) -> String {
    trim(format!("{:.3}", n / scale))
}

/// Percent points, one decimal: 28 -> 28.0.
fn pct(n: f64) -> String {
    format!("{n:.1}")
}

/// The columns of `amzdb facts` a person reads by default (`--wide`: every column).
const FACT_COLUMNS: [&str; 8] = [
    "entity", "metric", "segment", "period", "basis", "value", "type", "source",
];

/// Facts as a person reads them: entity, metric, segment, period, basis, the value with
/// its unit, qualifier and measure (`~$44.2B`, `28.0% YoY`, `$40B–$45B`), the
/// disclosure type's letter and the source. Basis stays: guidance or an estimate must
/// not read as an actual.
pub fn facts_for_people(rows: &Rows) -> Rows {
    let index = |name: &str| rows.columns.iter().position(|c| c == name);
    let text = |row: &[Value], name: &str| index(name).map(|i| plain(&row[i])).unwrap_or_default();
    let body = rows
        .rows
        .iter()
        .map(|row| {
            let value = |name: &str| index(name).map_or(Value::Null, |i| row[i].clone());
            let cells = [
                text(row, "entity"),
                text(row, "metric"),
                text(row, "segment"),
                text(row, "period_label"),
                text(row, "basis"),
                fact_value(
                    &value("value"),
                    &value("value_high"),
                    &text(row, "unit"),
                    &text(row, "qualifier"),
                    &text(row, "measure"),
                ),
                trust_letter(&text(row, "disclosure_type")).to_string(),
                text(row, "source"),
            ];
            cells.into_iter().map(Value::Text).collect()
        })
        .collect();
    Rows {
        columns: FACT_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows: body,
    }
}

/// A fact's value for a person: the figure in its unit (money scaled like the reports'
/// usd columns, percentages like their pct columns), a range as low–high, the qualifier
/// as a sign (~ approximately, ≥ at least, ≤ at most) and a change's measure after it.
fn fact_value(value: &Value, high: &Value, unit: &str, qualifier: &str, measure: &str) -> String {
    let Some(n) = number(value) else {
        return plain(value);
    };
    let mut shown = match number(high) {
        Some(h) => format!("{}–{}", amount(n, unit), amount(h, unit)),
        None => amount(n, unit),
    };
    let sign = match qualifier {
        "approx" => "~",
        "at_least" => "≥",
        "at_most" => "≤",
        _ => "",
    };
    shown.insert_str(0, sign);
    match measure {
        "level" | "" => {}
        m if m.starts_with("yoy") => shown.push_str(" YoY"),
        m if m.starts_with("qoq") => shown.push_str(" QoQ"),
        m => shown = format!("{shown} {m}"),
    }
    shown
}

/// A figure in its unit: `$44.2B`, `$688M`, `$1.23/share`, `€1.2B`, `28.0%`, `1.2 GW`.
fn amount(n: f64, unit: &str) -> String {
    let (currency, per) = match unit.split_once('/') {
        Some((c, per)) => (c, Some(per)),
        None => (unit, None),
    };
    let symbol = match currency {
        "USD" => Some("$"),
        "EUR" => Some("€"),
        _ => None,
    };
    if let Some(symbol) = symbol {
        let figure = match (n.abs(), per) {
            (a, None) if a >= 1e9 => format!("{}B", scaled(n, 1e9)),
            (a, None) if a >= 1e6 => format!("{}M", scaled(n, 1e6)),
            _ => compact(n),
        };
        let (minus, figure) = match figure.strip_prefix('-') {
            Some(f) => ("-", f.to_string()),
            None => ("", figure),
        };
        return match per {
            Some(per) => format!("{minus}{symbol}{figure}/{per}"),
            None => format!("{minus}{symbol}{figure}"),
        };
    }
    match unit {
        "%" => format!("{}%", pct(n)),
        "pure" | "" => compact(n),
        "x" => format!("{}x", compact(n)),
        unit => format!("{} {unit}", compact(n)),
    }
}

/// A number in few characters: scaled to T, B, M or K with up to three decimals.
fn compact(n: f64) -> String {
    let (scale, suffix) = match n.abs() {
        a if a >= 1e12 => (1e12, "T"),
        a if a >= 1e9 => (1e9, "B"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e4 => (1e3, "K"),
        _ => (1.0, ""),
    };
    format!("{}{suffix}", trim(format!("{:.3}", n / scale)))
}

/// 44.200 -> 44.2, 131.819 stays.
fn trim(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn trust_letter(disclosure_type: &str) -> &'static str {
    match disclosure_type {
        "audited" => "A",
        "management_commentary" => "M",
        _ => "E",
    }
}

/// The compact provenance of a cell, from its sibling columns.
fn tag(rows: &Rows, row: &[Value], column: &str) -> String {
    let sibling = |suffix: &str| {
        rows.columns
            .iter()
            .position(|c| *c == format!("{column}_{suffix}"))
            .map(|i| &row[i])
    };
    let mut tag = String::new();
    if let Some(Value::Text(d)) = sibling("disclosure") {
        tag.push_str(trust_letter(d));
    }
    if let Some(Value::Integer(n)) = sibling("competing") {
        if *n > 1 {
            tag.push_str(&format!("·{n}"));
        }
    }
    if let Some(Value::Integer(1)) = sibling("conflict") {
        tag.push('!');
    }
    if let Some(Value::Text(how)) = sibling("how") {
        if how.starts_with("derived") {
            tag.push('*');
        }
    }
    tag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_numbers_keep_their_scale() {
        assert_eq!(compact(120_000_000_000.0), "120B");
        assert_eq!(compact(-70_000_000_000.0), "-70B");
        assert_eq!(compact(49.1803), "49.18");
        assert_eq!(compact(2.9634), "2.963");
        assert_eq!(compact(2_500_000.0), "2.5M");
        assert_eq!(compact(77.0), "77");
    }

    #[test]
    fn a_fact_value_shows_its_unit_qualifier_and_measure() {
        let int = |n: i64| Value::Integer(n);
        let cases = [
            (
                int(44_200_000_000),
                Value::Null,
                "USD",
                "exact",
                "level",
                "$44.2B",
            ),
            (
                int(688_000_000),
                Value::Null,
                "USD",
                "approx",
                "level",
                "~$688M",
            ),
            (
                int(-2_100_000_000),
                Value::Null,
                "USD",
                "exact",
                "yoy_change",
                "-$2.1B YoY",
            ),
            (
                Value::Real(1.23),
                Value::Null,
                "USD/share",
                "exact",
                "level",
                "$1.23/share",
            ),
            (int(28), Value::Null, "%", "exact", "yoy_pct", "28.0% YoY"),
            (int(-3), Value::Null, "%", "at_most", "level", "≤-3.0%"),
            (int(40), int(45), "%", "range", "level", "40.0%–45.0%"),
            (int(5), Value::Null, "GW", "at_least", "level", "≥5 GW"),
            (
                int(1_200_000_000),
                Value::Null,
                "EUR",
                "exact",
                "level",
                "€1.2B",
            ),
            (
                Value::Real(1.5),
                Value::Null,
                "x",
                "exact",
                "qoq_multiple",
                "1.5x QoQ",
            ),
        ];
        for (value, high, unit, qualifier, measure, shown) in cases {
            let got = fact_value(&value, &high, unit, qualifier, measure);
            assert_eq!(got, shown, "{value:?} {unit} {qualifier} {measure}");
            assert!(super::super::is_number(&got), "{got} is not kept whole");
        }
    }

    #[test]
    fn money_is_scaled_and_tagged() {
        let rows = Rows {
            columns: vec![
                "capex".into(),
                "capex_disclosure".into(),
                "capex_competing".into(),
                "capex_conflict".into(),
            ],
            rows: vec![vec![
                Value::Integer(44_200_000_000),
                Value::Text("audited".into()),
                Value::Integer(4),
                Value::Integer(1),
            ]],
        };
        let (shown, tagged) = for_people(&rows, &TableSpec::parse("capex=usd"), false);
        assert!(tagged);
        assert_eq!(shown.columns, vec!["capex $B"]);
        assert_eq!(shown.rows[0][0], Value::Text("44.2 A·4!".into()));
    }
}
