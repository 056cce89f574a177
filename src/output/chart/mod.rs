//! `--chart FILE.svg|FILE.png`: a time-series report drawn as a chart people can read. The
//! report's `-- chart:` header says what to draw (see [`ChartSpec`]); this module reads
//! the report's rows into series, `draw` lays them out (thinned period labels, value labels
//! only where they say something, nothing overlapping or clipped) and draws them with
//! plotters, as SVG text or as PNG pixels encoded here; `output::file` writes either.

mod draw;
pub mod text;

use super::Rows;
use plotters::prelude::*;
use rusqlite::types::Value;
use std::path::Path;

/// A chart's size in pixels.
pub const SIZE: (u32, u32) = (960, 540);

/// The file formats `--chart` writes, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    /// The format a chart file's extension names; an error says which extensions work.
    pub fn of(path: &Path) -> Result<Format, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(format!(
                "--chart {}: a chart is written as .svg or .png; name the file with one of \
                 those extensions",
                path.display()
            )),
        }
    }
}

/// What to draw, from a report's `-- chart:` header: `;`-separated `key=value` items.
///
/// - `x=COLUMN` the date each point is drawn at (a period's end, `YYYY-MM-DD`);
///   `label=COLUMN` what the period is called on the axis; `periods=TEXT` says which one
///   kind of period every point is (the chart's subtitle).
/// - `only=col:value,...` the rows drawn; `group=COLUMN` one series per value (its name
///   prefixes the series names when there is more than one, or always for a segment).
/// - `line=COLUMN:Name`, `bars=COLUMN:Name` (USD, left axis), `pct=COLUMN:Name` (a line
///   in percent on a right axis), in legend order.
/// - `definition=COLUMN|HOW|PHRASE|NAME IF PHRASE|NAME OTHERWISE`: a series whose
///   definition varies by row: a point's definition is the first name when its HOW
///   column contains PHRASE. The line is drawn as its most common definition and the
///   points of the other are marked, with a legend entry and a note.
/// - `guidance=TARGET|SOURCE|col:value,...|Name`: rows matching the filter give a
///   forecast of the TARGET series (SOURCE's value at the row's `x`), drawn dashed from
///   TARGET's last point.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ChartSpec {
    x: String,
    label: String,
    periods: String,
    only: Vec<(String, String)>,
    group: Option<String>,
    series: Vec<SeriesSpec>,
    definition: Option<DefinitionSpec>,
    guidance: Option<GuidanceSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Bars,
    Pct,
}

#[derive(Debug, Clone, PartialEq)]
struct SeriesSpec {
    column: String,
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
struct DefinitionSpec {
    column: String,
    how: String,
    phrase: String,
    matched: String,
    other: String,
}

#[derive(Debug, Clone, PartialEq)]
struct GuidanceSpec {
    target: String,
    source: String,
    only: Vec<(String, String)>,
    name: String,
}

fn pairs(list: &str) -> Option<Vec<(String, String)>> {
    list.split(',')
        .map(|c| {
            c.split_once(':')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        })
        .collect()
}

impl ChartSpec {
    /// Parses a `-- chart:` header; None when the report has no chart (or the header
    /// is malformed: a unit test parses every report's).
    pub fn parse(header: &str) -> Option<ChartSpec> {
        if header.trim().is_empty() {
            return None;
        }
        let mut spec = ChartSpec::default();
        for part in header.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=')?;
            let value = value.trim();
            let named = |kind| {
                let (column, name) = value.split_once(':')?;
                Some(SeriesSpec {
                    column: column.trim().into(),
                    name: name.trim().into(),
                    kind,
                })
            };
            match key.trim() {
                "x" => spec.x = value.into(),
                "label" => spec.label = value.into(),
                "periods" => spec.periods = value.into(),
                "only" => spec.only = pairs(value)?,
                "group" => spec.group = Some(value.into()),
                "line" => spec.series.push(named(Kind::Line)?),
                "bars" => spec.series.push(named(Kind::Bars)?),
                "pct" => spec.series.push(named(Kind::Pct)?),
                "definition" => {
                    let p: Vec<&str> = value.split('|').map(str::trim).collect();
                    let [column, how, phrase, matched, other] = p[..] else {
                        return None;
                    };
                    spec.definition = Some(DefinitionSpec {
                        column: column.into(),
                        how: how.into(),
                        phrase: phrase.into(),
                        matched: matched.into(),
                        other: other.into(),
                    });
                }
                "guidance" => {
                    let p: Vec<&str> = value.split('|').map(str::trim).collect();
                    let [target, source, only, name] = p[..] else {
                        return None;
                    };
                    spec.guidance = Some(GuidanceSpec {
                        target: target.into(),
                        source: source.into(),
                        only: pairs(only)?,
                        name: name.into(),
                    });
                }
                _ => return None,
            }
        }
        let complete = !spec.x.is_empty() && !spec.label.is_empty() && !spec.series.is_empty();
        complete.then_some(spec)
    }
}

/// One point: its x (months since year 0 of its date), its value ($B, or percent on the
/// right axis) and whether it is marked as of the series' other definition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub value: f64,
    pub marked: bool,
}

/// A series as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub kind: Kind,
    pub points: Vec<Point>,
    /// A forecast (guidance), drawn dashed: the period it is for.
    pub guidance: Option<String>,
    /// The colour slot (a guidance series takes its target's).
    pub color: usize,
    /// The report column and the group it comes from, and its name without a definition.
    column: String,
    group: String,
    base: String,
}

/// Everything `draw` needs: what the chart says and where its points are.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub title: String,
    pub subtitle: String,
    /// Every period on the x axis (x, label), in order; `draw` shows those that fit.
    pub periods: Vec<(f64, String)>,
    pub series: Vec<Series>,
    /// The legend entry of marked points (a series' other definition), if any is marked.
    pub mark: Option<String>,
    pub notes: Vec<String>,
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        _ => None,
    }
}

fn text_of(value: &Value) -> String {
    super::plain(value)
}

/// A `YYYY-MM-DD` date as months since year 0 (quarter ends fall three apart).
fn month(date: &str) -> Option<f64> {
    let year: f64 = date.get(0..4)?.parse().ok()?;
    let month: f64 = date.get(5..7)?.parse().ok()?;
    Some(year * 12.0 + month)
}

/// The series a spec selects from a report's rows.
pub fn plan(title: &str, rows: &Rows, spec: &ChartSpec) -> Result<Plan, String> {
    let col = |name: &str| rows.columns.iter().position(|c| c == name);
    let cell = |r: &[Value], name: &str| col(name).map(|i| text_of(&r[i])).unwrap_or_default();
    let matches =
        |r: &[Value], only: &[(String, String)]| only.iter().all(|(c, v)| cell(r, c) == *v);
    let group_of = |r: &[Value]| {
        spec.group
            .as_deref()
            .map(|g| cell(r, g))
            .unwrap_or_default()
    };
    let selected: Vec<&Vec<Value>> = rows
        .rows
        .iter()
        .filter(|r| matches(r, &spec.only))
        .collect();
    let mut groups: Vec<String> = Vec::new();
    let mut periods: Vec<(f64, String)> = Vec::new();
    for r in &selected {
        let g = group_of(r);
        if !groups.contains(&g) {
            groups.push(g);
        }
        if let Some(x) = month(&cell(r, &spec.x)) {
            if !periods.iter().any(|(px, _)| *px == x) {
                periods.push((x, cell(r, &spec.label)));
            }
        }
    }
    periods.sort_by(|a, b| a.0.total_cmp(&b.0));
    // A segment is always named (the backlog of which segment); an entity only when the
    // chart has several.
    let prefix = |g: &str| {
        let name_it = spec.group.as_deref() == Some("segment") || groups.len() > 1;
        if name_it && !g.is_empty() {
            format!("{g} ")
        } else {
            String::new()
        }
    };
    let definition = spec.definition.as_ref();
    let mut series: Vec<Series> = Vec::new();
    let mut mark = None;
    let mut notes = Vec::new();
    for g in &groups {
        for (k, s) in spec.series.iter().enumerate() {
            let scale = if s.kind == Kind::Pct { 1.0 } else { 1e9 };
            let defined = definition.filter(|d| d.column == s.column);
            // (x, value, of the definition named first)
            let raw: Vec<(f64, f64, bool)> = selected
                .iter()
                .filter(|r| group_of(r) == *g)
                .filter_map(|r| {
                    let x = month(&cell(r, &spec.x))?;
                    let v = number(&r[col(&s.column)?])?;
                    let first = defined.is_some_and(|d| cell(r, &d.how).contains(&d.phrase));
                    Some((x, v / scale, first))
                })
                .collect();
            if raw.is_empty() {
                continue;
            }
            let mut name = format!("{}{}", prefix(g), s.name);
            let mut points: Vec<Point> = raw
                .iter()
                .map(|&(x, value, _)| Point {
                    x,
                    value,
                    marked: false,
                })
                .collect();
            if let Some(d) = defined {
                let first = raw.iter().filter(|p| p.2).count();
                let (line_def, other_def, other_is_first) = if 2 * first >= raw.len() {
                    (&d.matched, &d.other, false)
                } else {
                    (&d.other, &d.matched, true)
                };
                for (p, r) in points.iter_mut().zip(&raw) {
                    p.marked = r.2 == other_is_first;
                }
                let marked = points.iter().filter(|p| p.marked).count();
                name = format!("{name}: {line_def}");
                if marked > 0 {
                    mark = Some(format!("{}{}: {other_def}", prefix(g), s.name));
                    let at = if marked == 1 {
                        "the marked point (◇)".to_string()
                    } else {
                        format!("the {marked} marked points (◇)")
                    };
                    notes.push(format!(
                        "{}{} changes definition: the line is {line_def}; at {at} it is \
                         {other_def} (the report's {} says which).",
                        prefix(g),
                        s.name,
                        d.how
                    ));
                }
            }
            series.push(Series {
                name,
                kind: s.kind,
                points,
                guidance: None,
                // A percent line takes a colour of its own, never one of the money series'.
                color: if s.kind == Kind::Pct { 2 + k } else { k },
                column: s.column.clone(),
                group: g.clone(),
                base: format!("{}{}", prefix(g), s.name),
            });
        }
    }
    // A quarter a series has no figure for breaks its line (never bridged): say where.
    let mut gaps: Vec<&str> = Vec::new();
    let mut gapped: Vec<&str> = Vec::new();
    for s in series.iter().filter(|s| s.guidance.is_none()) {
        let (Some(first), Some(last)) = (s.points.first(), s.points.last()) else {
            continue;
        };
        for (x, label) in periods.iter().filter(|(x, _)| *x > first.x && *x < last.x) {
            if !s.points.iter().any(|p| p.x == *x) {
                if !gaps.contains(&label.as_str()) {
                    gaps.push(label);
                }
                if !gapped.contains(&s.base.as_str()) {
                    gapped.push(&s.base);
                }
            }
        }
    }
    if !gaps.is_empty() {
        notes.push(format!(
            "No figure for {} in {}: the lines break there.",
            gaps.join(", "),
            gapped.join(", ")
        ));
    }
    if let Some(gd) = &spec.guidance {
        for row in rows.rows.iter().filter(|r| matches(r, &gd.only)) {
            let (Some(x), Some(v)) = (
                month(&cell(row, &spec.x)),
                col(&gd.source).and_then(|i| number(&row[i])),
            ) else {
                continue;
            };
            let target = spec.series.iter().position(|s| s.column == gd.target);
            let g = group_of(row);
            let Some(last) = series
                .iter()
                .find(|s| s.column == gd.target && s.group == g && s.guidance.is_none())
                .and_then(|s| s.points.last().copied())
                .filter(|p| p.x < x)
            else {
                continue;
            };
            let period = cell(row, &spec.label);
            series.push(Series {
                name: format!("{}{} ({period})", prefix(&g), gd.name),
                kind: Kind::Line,
                points: vec![
                    Point {
                        marked: false,
                        ..last
                    },
                    Point {
                        x,
                        value: v / 1e9,
                        marked: false,
                    },
                ],
                guidance: Some(period.clone()),
                color: target.unwrap_or(0),
                column: gd.source.clone(),
                group: g,
                base: String::new(),
            });
            notes.push(format!(
                "Dashed: {} for {period} ({}), drawn at the end of {period}, where the \
                 trailing twelve months are that fiscal year.",
                gd.name,
                money(v / 1e9)
            ));
        }
    }
    if series.iter().all(|s| s.points.is_empty()) {
        let rows_drawn = spec
            .only
            .iter()
            .map(|(c, v)| format!("{c} = {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let names: Vec<&str> = spec.series.iter().map(|s| s.column.as_str()).collect();
        let which = if rows_drawn.is_empty() {
            String::new()
        } else {
            format!(" of the rows with {rows_drawn}")
        };
        return Err(format!(
            "no figures to chart: none of {}{which} has a value in this report's rows; \
             nothing written",
            names.join(", ")
        ));
    }
    Ok(Plan {
        title: title.to_string(),
        subtitle: spec.periods.clone(),
        periods,
        series,
        mark,
        notes,
    })
}

/// A money figure in $B as a label: `$148.5B`, `−$2.5B` (one decimal below 100B).
pub fn money(b: f64) -> String {
    let sign = if b < 0.0 { "−" } else { "" };
    let a = b.abs();
    if a >= 100.0 {
        format!("{sign}${a:.0}B")
    } else {
        format!("{sign}${a:.1}B")
    }
}

/// Draws the chart in `format` and returns the file's bytes and how many points it drew.
pub fn render(format: Format, plan: &Plan) -> Result<(Vec<u8>, usize), String> {
    text::font()?;
    let points = plan.series.iter().map(|s| s.points.len()).sum();
    let bytes = match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                draw::draw(&root, plan, SIZE, false)?;
                root.present().map_err(|e| e.to_string())?;
            }
            svg.into_bytes()
        }
        Format::Png => {
            let (w, h) = SIZE;
            let mut pixels = vec![0_u8; (w * h * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
                draw::draw(&root, plan, SIZE, true)?;
                root.present().map_err(|e| e.to_string())?;
            }
            let mut png = Vec::new();
            let mut encoder = png::Encoder::new(&mut png, w, h);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
            writer
                .write_image_data(&pixels)
                .map_err(|e| e.to_string())?;
            writer.finish().map_err(|e| e.to_string())?;
            png
        }
    };
    Ok((bytes, points))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queries;

    #[test]
    fn every_report_chart_header_parses() {
        let charted: Vec<_> = queries::all()
            .into_iter()
            .filter(|q| !q.chart.is_empty())
            .collect();
        assert!(charted.len() >= 2);
        for q in charted {
            let spec =
                ChartSpec::parse(q.chart).unwrap_or_else(|| panic!("{}: {}", q.name, q.chart));
            assert!(
                !spec.periods.is_empty(),
                "{} says which periods it draws",
                q.name
            );
            // Human names, never a column's (a segment's name prefixes "backlog").
            for s in &spec.series {
                let prefixed = spec.group.as_deref() == Some("segment");
                assert!(s.name != s.column || prefixed, "{}: {}", q.name, s.name);
            }
        }
    }

    #[test]
    fn chart_files_are_svg_or_png() {
        assert_eq!(Format::of(Path::new("a/b.svg")), Ok(Format::Svg));
        assert_eq!(Format::of(Path::new("B.PNG")), Ok(Format::Png));
        for bad in ["x.jpg", "x", "x.svg.txt", ".png"] {
            let e = Format::of(Path::new(bad)).unwrap_err();
            assert!(
                e.contains(bad) && e.contains(".svg") && e.contains(".png"),
                "{e}"
            );
        }
    }

    #[test]
    fn money_labels_read_as_billions() {
        assert_eq!(money(148.531), "$149B");
        assert_eq!(money(48.34), "$48.3B");
        assert_eq!(money(-2.472), "−$2.5B");
        assert_eq!(money(200.0), "$200B");
    }

    #[test]
    fn a_series_changing_definition_is_drawn_as_its_usual_one_with_the_others_marked() {
        let rows = Rows {
            columns: ["period_end", "period_label", "fcf", "how"]
                .map(String::from)
                .to_vec(),
            rows: [
                (
                    "2025-03-31",
                    "Q1",
                    1_000_000_000_i64,
                    "derived with gross capex",
                ),
                (
                    "2025-06-30",
                    "Q2",
                    2_000_000_000,
                    "derived with gross capex",
                ),
                ("2025-09-30", "Q3", 3_000_000_000, "disclosed"),
            ]
            .iter()
            .map(|(d, l, v, h)| {
                vec![
                    Value::Text((*d).into()),
                    Value::Text((*l).into()),
                    Value::Integer(*v),
                    Value::Text((*h).into()),
                ]
            })
            .collect(),
        };
        let spec = ChartSpec::parse(
            "x=period_end; label=period_label; periods=quarters; line=fcf:TTM free cash flow; \
             definition=fcf|how|gross capex|gross|own",
        )
        .unwrap();
        let plan = plan("t", &rows, &spec).unwrap();
        let s = &plan.series[0];
        assert_eq!(s.name, "TTM free cash flow: gross");
        assert_eq!(
            s.points.iter().map(|p| p.marked).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert_eq!(plan.mark.as_deref(), Some("TTM free cash flow: own"));
        assert_eq!(plan.periods.len(), 3);
        assert_eq!(plan.periods[2].0 - plan.periods[0].0, 6.0);
    }
}
