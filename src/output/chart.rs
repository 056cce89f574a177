//! `--chart FILE.svg`: a report's time series drawn as an SVG line chart (plotters' pure
//! Rust SVG backend: no system libraries). The report header says what to draw:
//! `-- chart: x=period_label; series=capex,fcf_ttm; only=basis:actual,period_kind:quarter;
//! group=segment` (money in $B on the y axis).

use super::Rows;
use plotters::prelude::*;
use rusqlite::types::Value;

#[derive(Debug, Default, Clone)]
pub struct ChartSpec {
    x: String,
    series: Vec<String>,
    only: Vec<(String, String)>,
    group: Option<String>,
}

impl ChartSpec {
    /// Parses a `-- chart:` header; None when the report has no chart.
    pub fn parse(header: &str) -> Option<ChartSpec> {
        if header.is_empty() {
            return None;
        }
        let mut spec = ChartSpec::default();
        for part in header.split(';').map(str::trim) {
            let (key, value) = part.split_once('=')?;
            let list = || value.split(',').map(|v| v.trim().to_string());
            match key.trim() {
                "x" => spec.x = value.trim().to_string(),
                "series" => spec.series = list().collect(),
                "only" => {
                    spec.only = list()
                        .filter_map(|c| {
                            c.split_once(':')
                                .map(|(a, b)| (a.to_string(), b.to_string()))
                        })
                        .collect()
                }
                "group" => spec.group = Some(value.trim().to_string()),
                _ => return None,
            }
        }
        Some(spec)
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}

fn text(value: &Value) -> String {
    super::plain(value)
}

/// One line: its name and its (x index, value in $B) points.
type Line = (String, Vec<(usize, f64)>);

/// The x labels and the lines of a chart, from the rows the spec selects.
fn lines(rows: &Rows, spec: &ChartSpec) -> (Vec<String>, Vec<Line>) {
    let col = |name: &str| rows.columns.iter().position(|c| c == name);
    let selected: Vec<&Vec<Value>> = rows
        .rows
        .iter()
        .filter(|r| {
            spec.only
                .iter()
                .all(|(c, v)| col(c).is_some_and(|i| text(&r[i]) == *v))
        })
        .collect();
    let mut xs: Vec<String> = Vec::new();
    for r in &selected {
        let x = col(&spec.x).map(|i| text(&r[i])).unwrap_or_default();
        if !xs.contains(&x) {
            xs.push(x);
        }
    }
    let mut out: Vec<Line> = Vec::new();
    for r in &selected {
        let x = col(&spec.x).map(|i| text(&r[i])).unwrap_or_default();
        let xi = xs.iter().position(|v| *v == x).unwrap_or(0);
        let group = spec.group.as_deref().and_then(col).map(|i| text(&r[i]));
        for s in &spec.series {
            let Some(v) = col(s).and_then(|i| number(&r[i])) else {
                continue;
            };
            let name = match &group {
                Some(g) if !g.is_empty() => format!("{g} {s}"),
                _ => s.clone(),
            };
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, points)) => points.push((xi, v / 1e9)),
                None => out.push((name, vec![(xi, v / 1e9)])),
            }
        }
    }
    (xs, out)
}

/// Draws the chart as SVG text (written to its file by `output::file`, like every output
/// file) and counts its points; an error says why nothing could be drawn.
pub fn render_svg(title: &str, rows: &Rows, spec: &ChartSpec) -> Result<(String, usize), String> {
    let (xs, lines) = lines(rows, spec);
    let points: usize = lines.iter().map(|(_, p)| p.len()).sum();
    if points == 0 {
        return Err("no figures to chart in this report's rows".into());
    }
    let (lo, hi) = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, v)| *v))
        .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.1).max(1.0);
    let mut svg = String::new();
    let mut draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (960, 540)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5_f64..(xs.len() as f64 - 0.5), (lo - pad)..(hi + pad))?;
        chart
            .configure_mesh()
            .x_labels(xs.len())
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-9 && i >= 0.0 {
                    xs.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc("fiscal period")
            .y_desc("USD billions")
            .draw()?;
        for (k, (name, points)) in lines.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let data: Vec<(f64, f64)> = points.iter().map(|(x, v)| (*x as f64, *v)).collect();
            chart
                .draw_series(LineSeries::new(data.clone(), color.stroke_width(2)))?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(data.iter().map(|&(x, v)| {
                EmptyElement::at((x, v))
                    + Circle::new((0, 0), 4, color.filled())
                    + Text::new(format!("{v:.1}"), (6, -14), ("sans-serif", 12))
            }))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| e.to_string())?;
    Ok((svg, points))
}
