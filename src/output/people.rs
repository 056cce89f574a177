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

pub const LEGEND: &str = "tags: A audited, M management commentary, E third-party estimate; \
·n n facts competed; ! they disagree beyond their precision; * derived by amzdb (cell or column)";

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
        Style::Usd => trim(format!("{:.3}", n / scale.unwrap_or(1.0))),
        Style::Pct => format!("{n:.1}"),
        Style::Ratio => format!("{n:.2}"),
        Style::Compact => compact(n),
        Style::Text | Style::Trust => plain(value),
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
