//! Lays a chart out and draws it on any plotters backend (SVG or PNG pixels), in canvas
//! pixels throughout, so every text's box is known before it is drawn: a text that would
//! overlap another or leave the canvas is moved, or (a value label) left out.

use super::text::{self, Anchor, Rect, FAMILY};
use super::{money, Kind, Plan, Point, Series};
use ab_glyph::{Font, FontRef};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Series colours in legend order (capex, operating cash flow, free cash flow; backlog,
/// conversion).
const COLORS: [RGBColor; 5] = [
    RGBColor(31, 119, 180),
    RGBColor(110, 110, 110),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];
const INK: RGBColor = RGBColor(30, 30, 30);
const MUTED: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(228, 228, 228);

const TITLE: f64 = 20.0;
const SUBTITLE: f64 = 13.0;
const TICK: f64 = 12.0;
const LABEL: f64 = 12.0;
const LEGEND: f64 = 13.0;
const NOTE: f64 = 12.0;
/// Pixels kept free between any two texts.
const GAP: f64 = 2.0;
/// The canvas margin nothing is drawn in.
const EDGE: f64 = 14.0;

/// A straight piece of a drawn line, in canvas pixels.
type Segment = ((f64, f64), (f64, f64));

fn color(slot: usize) -> RGBColor {
    COLORS[slot % COLORS.len()]
}

fn failed(e: impl std::fmt::Display) -> String {
    format!("drawing the chart: {e}")
}

/// The canvas: the drawing area and every text box drawn so far.
struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    font: &'static FontRef<'static>,
    taken: Vec<Rect>,
    /// Pixels (PNG): text is drawn glyph by glyph here, not by plotters.
    raster: bool,
    width: f64,
    height: f64,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    fn measure(&self, size: f64, text: &str) -> f64 {
        text::width(self.font, size, text)
    }

    fn fits(&self, r: &Rect) -> bool {
        r.within(self.width, self.height) && !self.taken.iter().any(|t| t.overlaps(&r.grown(GAP)))
    }

    /// Draws `s` at (x, y) when it fits; says whether it did.
    fn text(
        &mut self,
        s: &str,
        size: f64,
        anchor: Anchor,
        x: f64,
        y: f64,
        c: RGBColor,
    ) -> Result<bool, String> {
        let r = text::text_box(self.font, size, anchor, x, y, s);
        if !self.fits(&r) {
            return Ok(false);
        }
        if self.raster {
            let (glyphs, _) = text::glyphs(self.font, size, r.x0, text::baseline(size, y), s);
            for glyph in glyphs {
                let Some(outline) = self.font.outline_glyph(glyph) else {
                    continue;
                };
                let b = outline.px_bounds();
                let mut result = Ok(());
                outline.draw(|gx, gy, cover| {
                    let at = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                    if result.is_ok() {
                        result = self.area.draw_pixel(at, &c.mix(f64::from(cover)));
                    }
                });
                result.map_err(failed)?;
            }
            self.taken.push(r);
            return Ok(true);
        }
        let h = match anchor {
            Anchor::Left => HPos::Left,
            Anchor::Middle => HPos::Center,
            Anchor::Right => HPos::Right,
        };
        let style = TextStyle::from((FAMILY, size).into_font())
            .color(&c)
            .pos(Pos::new(h, VPos::Center));
        self.area
            .draw(&Text::new(
                s.to_string(),
                (x.round() as i32, y.round() as i32),
                style,
            ))
            .map_err(failed)?;
        self.taken.push(r);
        Ok(true)
    }

    fn line(&self, points: &[(f64, f64)], style: ShapeStyle) -> Result<(), String> {
        let path: Vec<(i32, i32)> = points
            .iter()
            .map(|(x, y)| (x.round() as i32, y.round() as i32))
            .collect();
        self.area
            .draw(&PathElement::new(path, style))
            .map_err(failed)
    }

    fn rect(&self, r: Rect, style: ShapeStyle) -> Result<(), String> {
        let corners = [
            (r.x0.round() as i32, r.y0.round() as i32),
            (r.x1.round() as i32, r.y1.round() as i32),
        ];
        self.area
            .draw(&Rectangle::new(corners, style))
            .map_err(failed)
    }
}

/// Round tick values covering lo..hi in about `n` steps: (first, last, step).
fn ticks(lo: f64, hi: f64, n: f64) -> (f64, f64, f64) {
    let (lo, hi) = if hi - lo < 1e-9 {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / n;
    let mag = 10_f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

fn tick_values(first: f64, last: f64, step: f64) -> Vec<f64> {
    let n = ((last - first) / step).round() as i64;
    (0..=n).map(|i| first + i as f64 * step).collect()
}

fn axis_money(v: f64, step: f64) -> String {
    if v.abs() < step / 1e6 {
        return "$0".into();
    }
    let sign = if v < 0.0 { "−" } else { "" };
    if step >= 1.0 {
        format!("{sign}${:.0}B", v.abs())
    } else {
        format!("{sign}${:.1}B", v.abs())
    }
}

/// Words of `text` in lines no wider than `width` pixels.
fn wrap<DB: DrawingBackend>(canvas: &Canvas<DB>, text: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let tried = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if canvas.measure(size, &tried) <= width || line.is_empty() {
            line = tried;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Maps data to canvas pixels.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x_lo: f64,
    x_hi: f64,
    y_lo: f64,
    y_hi: f64,
    pct_lo: f64,
    pct_hi: f64,
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x_lo) / (self.x_hi - self.x_lo) * (self.right - self.left)
    }
    fn py(&self, kind: Kind, v: f64) -> f64 {
        let (lo, hi) = match kind {
            Kind::Pct => (self.pct_lo, self.pct_hi),
            _ => (self.y_lo, self.y_hi),
        };
        self.bottom - (v - lo) / (hi - lo) * (self.bottom - self.top)
    }
    fn at(&self, kind: Kind, p: &Point) -> (f64, f64) {
        (self.px(p.x), self.py(kind, p.value))
    }
}

/// Whether the segment a-b passes through r (sampled every pixel).
fn crosses(a: (f64, f64), b: (f64, f64), r: &Rect) -> bool {
    let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil() as usize).max(1);
    (0..=steps).any(|i| {
        let t = i as f64 / steps as f64;
        let (x, y) = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
        x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1
    })
}

/// The runs of a series drawn as one line: consecutive points a quarter apart at most.
fn runs(points: &[Point]) -> Vec<&[Point]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i].x - points[i - 1].x > 3.5 {
            out.push(&points[start..i]);
            start = i;
        }
    }
    out
}

fn diamond<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    (x, y): (f64, f64),
    c: RGBColor,
) -> Result<(), String> {
    let r = 5.5;
    let shape = vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        .into_iter()
        .map(|(x, y)| (x.round() as i32, y.round() as i32))
        .collect::<Vec<_>>();
    canvas
        .area
        .draw(&Polygon::new(shape.clone(), WHITE.filled()))
        .map_err(failed)?;
    let mut closed = shape.clone();
    closed.push(shape[0]);
    canvas
        .area
        .draw(&PathElement::new(closed, c.stroke_width(2)))
        .map_err(failed)
}

fn dashed<DB: DrawingBackend>(
    canvas: &Canvas<DB>,
    a: (f64, f64),
    b: (f64, f64),
    style: ShapeStyle,
) -> Result<(), String> {
    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let (dash, space) = (7.0, 5.0);
    let mut d = 0.0;
    while d < len {
        let e = (d + dash).min(len);
        let p = |t: f64| (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
        canvas.line(&[p(d), p(e)], style)?;
        d = e + space;
    }
    Ok(())
}

/// Draws `plan` on `area` (a canvas of `size` pixels).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plan: &Plan,
    size: (u32, u32),
    raster: bool,
) -> Result<(), String> {
    let font = text::font()?;
    area.fill(&WHITE).map_err(failed)?;
    let mut canvas = Canvas {
        area,
        font,
        taken: Vec::new(),
        raster,
        width: f64::from(size.0),
        height: f64::from(size.1),
    };
    let (w, h) = (canvas.width, canvas.height);

    // Title and subtitle, then the notes at the foot: they fix the plot's height.
    canvas.text(&plan.title, TITLE, Anchor::Left, EDGE, EDGE + 10.0, INK)?;
    canvas.text(
        &plan.subtitle,
        SUBTITLE,
        Anchor::Left,
        EDGE,
        EDGE + 34.0,
        MUTED,
    )?;
    let notes: Vec<String> = plan
        .notes
        .iter()
        .flat_map(|n| wrap(&canvas, n, NOTE, w - 2.0 * EDGE))
        .collect();
    let note_height = 16.0 * notes.len() as f64;
    for (i, line) in notes.iter().enumerate() {
        let y = h - EDGE - note_height + 16.0 * i as f64 + 8.0;
        canvas.text(line, NOTE, Anchor::Left, EDGE, y, MUTED)?;
    }

    // Value ranges: money on the left axis (bars from zero), percent on the right.
    let values = |kinds: &[Kind]| -> Vec<f64> {
        plan.series
            .iter()
            .filter(|s| kinds.contains(&s.kind))
            .flat_map(|s| s.points.iter().map(|p| p.value))
            .collect()
    };
    let mut money_values = values(&[Kind::Line, Kind::Bars]);
    if plan.series.iter().any(|s| s.kind == Kind::Bars) || money_values.is_empty() {
        money_values.push(0.0);
    }
    let range = |v: &[f64]| {
        v.iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)))
    };
    let (lo, hi) = range(&money_values);
    let (y_lo, y_hi, y_step) = ticks(lo, hi, 6.0);
    let pct_values = values(&[Kind::Pct]);
    let has_pct = !pct_values.is_empty();
    let (p_lo, p_hi) = range(&pct_values);
    let (pct_lo, pct_hi, pct_step) = if has_pct {
        ticks(p_lo.min(0.0), p_hi, 5.0)
    } else {
        (0.0, 1.0, 1.0)
    };

    let y_labels: Vec<(f64, String)> = tick_values(y_lo, y_hi, y_step)
        .into_iter()
        .map(|v| (v, axis_money(v, y_step)))
        .collect();
    let pct_labels: Vec<(f64, String)> = if has_pct {
        tick_values(pct_lo, pct_hi, pct_step)
            .into_iter()
            .map(|v| (v, format!("{v:.0}%")))
            .collect()
    } else {
        Vec::new()
    };
    let widest = |labels: &[String], size: f64| {
        labels
            .iter()
            .map(|l| canvas.measure(size, l))
            .fold(0.0, f64::max)
    };
    let left =
        EDGE + widest(
            &y_labels.iter().map(|l| l.1.clone()).collect::<Vec<_>>(),
            TICK,
        ) + 10.0;
    // Room on the right for the right axis, or for the labels at the series' ends.
    let end_labels: Vec<String> = plan
        .series
        .iter()
        .filter_map(|s| s.points.last().map(|p| money(p.value)))
        .collect();
    let right = if has_pct {
        w - EDGE
            - widest(
                &pct_labels.iter().map(|l| l.1.clone()).collect::<Vec<_>>(),
                TICK,
            )
            - 10.0
    } else {
        w - EDGE - widest(&end_labels, LABEL) - 12.0
    };
    let top = EDGE + 62.0;
    let bottom = h - EDGE - note_height - 34.0;
    let xs: Vec<f64> = plan
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .collect();
    let (x_min, x_max) = range(&xs);
    let frame = Frame {
        left,
        right,
        top,
        bottom,
        x_lo: x_min - 2.0,
        x_hi: x_max + 2.0,
        y_lo,
        y_hi,
        pct_lo,
        pct_hi,
    };

    // Grid and axes.
    for (v, label) in &y_labels {
        let y = frame.py(Kind::Line, *v);
        let grid = if v.abs() < y_step / 1e6 { MUTED } else { GRID };
        canvas.line(&[(left, y), (right, y)], grid.stroke_width(1))?;
        canvas.text(label, TICK, Anchor::Right, left - 8.0, y, MUTED)?;
    }
    for (v, label) in &pct_labels {
        let y = frame.py(Kind::Pct, *v);
        canvas.line(&[(right, y), (right + 4.0, y)], MUTED.stroke_width(1))?;
        canvas.text(label, TICK, Anchor::Left, right + 8.0, y, color(1))?;
    }
    canvas.line(
        &[(left, top), (left, bottom), (right, bottom)],
        MUTED.stroke_width(1),
    )?;
    if has_pct {
        canvas.line(&[(right, top), (right, bottom)], MUTED.stroke_width(1))?;
    }
    period_labels(&mut canvas, plan, &frame)?;

    // Bars, then lines, so lines stay visible.
    let bars: Vec<&Series> = plan
        .series
        .iter()
        .filter(|s| s.kind == Kind::Bars)
        .collect();
    let quarter = frame.px(3.0) - frame.px(0.0);
    let bar_width = (0.6 * quarter / bars.len().max(1) as f64).min(70.0);
    let mut bar_boxes: Vec<Rect> = Vec::new();
    for (k, s) in bars.iter().enumerate() {
        let shift = (k as f64 - (bars.len() as f64 - 1.0) / 2.0) * bar_width;
        for p in &s.points {
            let (x, y) = frame.at(s.kind, p);
            let zero = frame.py(Kind::Bars, 0.0);
            let r = Rect {
                x0: x + shift - bar_width / 2.0,
                x1: x + shift + bar_width / 2.0,
                y0: y.min(zero),
                y1: y.max(zero),
            };
            canvas.rect(r, color(s.color).mix(0.75).filled())?;
            bar_boxes.push(r);
        }
    }
    let mut segments: Vec<Segment> = Vec::new();
    for s in plan.series.iter().filter(|s| s.kind != Kind::Bars) {
        let style = color(s.color).stroke_width(2);
        let whole = [s.points.as_slice()];
        let parts = if s.guidance.is_some() {
            whole.to_vec()
        } else {
            runs(&s.points)
        };
        for run in parts {
            let pts: Vec<(f64, f64)> = run.iter().map(|p| frame.at(s.kind, p)).collect();
            segments.extend(pts.windows(2).map(|w| (w[0], w[1])));
            if s.guidance.is_some() {
                for pair in pts.windows(2) {
                    dashed(&canvas, pair[0], pair[1], style)?;
                }
            } else if pts.len() == 1 {
                canvas
                    .area
                    .draw(&Circle::new(
                        (pts[0].0.round() as i32, pts[0].1.round() as i32),
                        4,
                        color(s.color).filled(),
                    ))
                    .map_err(failed)?;
            } else {
                canvas.line(&pts, style)?;
            }
        }
    }
    for s in &plan.series {
        for p in s.points.iter().filter(|p| p.marked) {
            diamond(&canvas, frame.at(s.kind, p), color(s.color))?;
        }
    }

    legend(&mut canvas, plan, &frame, &segments)?;
    value_labels(&mut canvas, plan, &frame, &segments, &bar_boxes)
}

/// The period labels under the x axis: every k-th period counted back from the latest,
/// k the smallest step at which no two labels come closer than 16 pixels.
fn period_labels<DB: DrawingBackend>(
    canvas: &mut Canvas<DB>,
    plan: &Plan,
    frame: &Frame,
) -> Result<(), String> {
    let n = plan.periods.len();
    let y = frame.bottom + 16.0;
    let boxes = |k: usize| -> Vec<(usize, Rect)> {
        (0..n)
            .rev()
            .step_by(k)
            .map(|i| {
                let (x, label) = &plan.periods[i];
                (
                    i,
                    text::text_box(canvas.font, TICK, Anchor::Middle, frame.px(*x), y, label),
                )
            })
            .filter(|(_, r)| r.within(canvas.width, canvas.height))
            .collect()
    };
    let steps = [1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 60, 80, 100];
    let k = steps
        .iter()
        .copied()
        .find(|&k| {
            boxes(k)
                .windows(2)
                .all(|w| !w[0].1.grown(8.0).overlaps(&w[1].1))
        })
        .unwrap_or(n.max(1));
    for (i, _) in boxes(k) {
        let (x, label) = &plan.periods[i];
        let px = frame.px(*x);
        canvas.line(&[(px, frame.top), (px, frame.bottom)], GRID.stroke_width(1))?;
        canvas.line(
            &[(px, frame.bottom), (px, frame.bottom + 4.0)],
            MUTED.stroke_width(1),
        )?;
        canvas.text(label, TICK, Anchor::Middle, px, y, MUTED)?;
    }
    Ok(())
}

/// The legend in the plot's corner that covers the fewest lines.
fn legend<DB: DrawingBackend>(
    canvas: &mut Canvas<DB>,
    plan: &Plan,
    frame: &Frame,
    segments: &[Segment],
) -> Result<(), String> {
    enum Swatch {
        Line(usize),
        Dashed(usize),
        Bar(usize),
        Mark(usize),
    }
    let mut entries: Vec<(Swatch, String)> = plan
        .series
        .iter()
        .map(|s| {
            let swatch = match (s.kind, &s.guidance) {
                (Kind::Bars, _) => Swatch::Bar(s.color),
                (_, Some(_)) => Swatch::Dashed(s.color),
                _ => Swatch::Line(s.color),
            };
            (swatch, s.name.clone())
        })
        .collect();
    if let Some(mark) = &plan.mark {
        let slot = plan
            .series
            .iter()
            .find(|s| s.points.iter().any(|p| p.marked))
            .map_or(0, |s| s.color);
        entries.push((Swatch::Mark(slot), mark.clone()));
    }
    let row = 19.0;
    let text_width = entries
        .iter()
        .map(|(_, n)| canvas.measure(LEGEND, n))
        .fold(0.0, f64::max);
    let (bw, bh) = (
        10.0 + 26.0 + 8.0 + text_width + 10.0,
        row * entries.len() as f64 + 10.0,
    );
    let corners = [
        (frame.left + 10.0, frame.top + 6.0),
        (frame.right - 10.0 - bw, frame.top + 6.0),
        (frame.left + 10.0, frame.bottom - 10.0 - bh),
        (frame.right - 10.0 - bw, frame.bottom - 10.0 - bh),
    ];
    let best = corners
        .iter()
        .map(|&(x, y)| Rect {
            x0: x,
            y0: y,
            x1: x + bw,
            y1: y + bh,
        })
        .filter(|r| canvas.fits(r))
        .min_by_key(|r| segments.iter().filter(|(a, b)| crosses(*a, *b, r)).count());
    let Some(r) = best else {
        return Err("the legend does not fit on the chart".into());
    };
    canvas.rect(r, WHITE.mix(0.92).filled())?;
    canvas.rect(r, GRID.stroke_width(1))?;
    canvas.taken.push(r);
    for (i, (swatch, name)) in entries.iter().enumerate() {
        let y = r.y0 + 5.0 + row * (i as f64 + 0.5);
        let (x0, x1) = (r.x0 + 10.0, r.x0 + 36.0);
        match swatch {
            Swatch::Line(c) => canvas.line(&[(x0, y), (x1, y)], color(*c).stroke_width(2))?,
            Swatch::Dashed(c) => dashed(canvas, (x0, y), (x1, y), color(*c).stroke_width(2))?,
            Swatch::Bar(c) => canvas.rect(
                Rect {
                    x0: x0 + 4.0,
                    x1: x1 - 4.0,
                    y0: y - 6.0,
                    y1: y + 6.0,
                },
                color(*c).mix(0.75).filled(),
            )?,
            Swatch::Mark(c) => diamond(canvas, ((x0 + x1) / 2.0, y), color(*c))?,
        }
        // Inside the reserved box: drawn without the overlap check, which the box passed.
        canvas.taken.pop();
        let drawn = canvas.text(name, LEGEND, Anchor::Left, x1 + 8.0, y, INK)?;
        canvas.taken.push(r);
        if !drawn {
            return Err(format!(
                "the legend entry {name:?} does not fit on the chart"
            ));
        }
    }
    Ok(())
}

/// Value labels: each series' latest point first, then its maximum, its first point and
/// a negative minimum, each placed beside its point where it overlaps no text (and,
/// if possible, no line), else left out.
fn value_labels<DB: DrawingBackend>(
    canvas: &mut Canvas<DB>,
    plan: &Plan,
    frame: &Frame,
    segments: &[Segment],
    bars: &[Rect],
) -> Result<(), String> {
    let mut wanted: Vec<(usize, usize, u8)> = Vec::new();
    for (k, s) in plan.series.iter().enumerate() {
        let n = s.points.len();
        if n == 0 {
            continue;
        }
        let by = |better: fn(f64, f64) -> bool| {
            (0..n).fold(0, |best, i| {
                if better(s.points[i].value, s.points[best].value) {
                    i
                } else {
                    best
                }
            })
        };
        let max = by(|a, b| a > b);
        let min = by(|a, b| a < b);
        wanted.push((k, n - 1, 0));
        if s.guidance.is_some() {
            continue;
        }
        wanted.push((k, max, 1));
        wanted.push((k, 0, 2));
        if s.points[min].value < 0.0 {
            wanted.push((k, min, 3));
        }
    }
    wanted.sort_by_key(|w| w.2);
    let mut done: Vec<(usize, usize)> = Vec::new();
    for (k, i, _) in wanted {
        // The first point of a guidance line is its target's last: labelled there.
        if done.contains(&(k, i)) {
            continue;
        }
        let s = &plan.series[k];
        let p = &s.points[i];
        let label = match s.kind {
            Kind::Pct => format!("{:.1}%", p.value),
            _ => money(p.value),
        };
        let (x, y) = frame.at(s.kind, p);
        let d = if s.kind == Kind::Bars { 0.0 } else { 8.0 };
        let near = [
            (Anchor::Left, x + d, y),
            (Anchor::Middle, x, y - 13.0),
            (Anchor::Left, x + 4.0, y - 13.0),
            (Anchor::Left, x + 4.0, y + 13.0),
            (Anchor::Middle, x, y + 13.0),
            (Anchor::Right, x - d, y),
            (Anchor::Right, x - 4.0, y - 13.0),
            (Anchor::Right, x - 4.0, y + 13.0),
        ];
        // Farther out (clear of a bar the point sits on) only where nothing is crossed.
        let far = [(Anchor::Left, x + 44.0, y), (Anchor::Right, x - 44.0, y)];
        let near: Vec<_> = if s.kind == Kind::Bars {
            vec![(Anchor::Middle, x, y - 11.0), (Anchor::Middle, x, y + 11.0)]
        } else {
            near.to_vec()
        };
        let fits = |&(a, cx, cy): &(Anchor, f64, f64)| {
            canvas.fits(&text::text_box(canvas.font, LABEL, a, cx, cy, &label))
        };
        let clear = |&(a, cx, cy): &(Anchor, f64, f64)| {
            let r = text::text_box(canvas.font, LABEL, a, cx, cy, &label);
            canvas.fits(&r)
                && !segments.iter().any(|(s0, s1)| crosses(*s0, *s1, &r))
                && (s.kind == Kind::Bars || !bars.iter().any(|b| b.overlaps(&r)))
        };
        let chosen = near
            .iter()
            .chain(far.iter().filter(|_| s.kind != Kind::Bars))
            .find(|c| clear(c))
            .or_else(|| near.iter().find(|c| fits(c)));
        let Some(&(a, cx, cy)) = chosen else {
            continue;
        };
        // A light backing keeps the label readable over a bar or grid line.
        let backing = text::text_box(canvas.font, LABEL, a, cx, cy, &label).grown(1.0);
        canvas.rect(backing, WHITE.mix(0.85).filled())?;
        canvas.text(&label, LABEL, a, cx, cy, color(s.color))?;
        if s.kind != Kind::Bars && !p.marked {
            canvas
                .area
                .draw(&Circle::new(
                    (x.round() as i32, y.round() as i32),
                    3,
                    color(s.color).filled(),
                ))
                .map_err(failed)?;
        }
        done.push((k, i));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(-29.8, 151.0, 6.0), (-50.0, 200.0, 50.0));
        assert_eq!(ticks(0.0, 364.0, 6.0), (0.0, 400.0, 100.0));
        assert_eq!(tick_values(0.0, 20.0, 5.0), [0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(axis_money(-25.0, 25.0), "−$25B");
        assert_eq!(axis_money(0.0, 25.0), "$0");
    }

    #[test]
    fn lines_break_where_a_quarter_is_missing() {
        let p = |x| Point {
            x,
            value: 1.0,
            marked: false,
        };
        let points = [p(3.0), p(6.0), p(12.0), p(15.0)];
        let r = runs(&points);
        assert_eq!(r.iter().map(|r| r.len()).collect::<Vec<_>>(), [2, 2]);
    }
}
