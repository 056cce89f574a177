//! The chart's one font (DejaVu Sans, bundled under assets/fonts/), where each text goes
//! and the box it occupies, so that labels are placed where they overlap nothing and stay
//! on the canvas.
//!
//! A text of plotters size `s` is drawn at an em of `s / 1.24` pixels: plotters writes an
//! SVG `<text>` with `font-size = s / 1.24` and `dy="0.5ex"` (centred on its y), and a PNG's
//! text is drawn here (`glyphs`) with the same em and baseline, so both put a text in the
//! same box. (plotters' own bitmap text drops each glyph's side bearing, which spaces
//! letters unevenly: "F Y2026".)

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::style::{register_font, FontStyle};
use std::sync::OnceLock;

/// The bundled font (see assets/fonts/README.md for its origin and licence).
pub const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The family name every chart text uses; registered with plotters once.
pub const FAMILY: &str = "sans-serif";

/// The font, parsed once, with plotters told to draw with it.
pub fn font() -> Result<&'static FontRef<'static>, String> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| {
        let font = FontRef::try_from_slice(FONT_BYTES).ok()?;
        register_font(FAMILY, FontStyle::Normal, FONT_BYTES).ok()?;
        Some(font)
    })
    .as_ref()
    .ok_or_else(|| "the bundled font assets/fonts/DejaVuSans.ttf could not be read".into())
}

/// Where a text is anchored horizontally; vertically every chart text is centred on its y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Left,
    Middle,
    Right,
}

/// A box in canvas pixels: x0 <= x1, y0 <= y1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    /// The box grown by `by` pixels on every side.
    pub fn grown(&self, by: f64) -> Rect {
        Rect {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    pub fn within(&self, width: f64, height: f64) -> bool {
        self.x0 >= 0.0 && self.y0 >= 0.0 && self.x1 <= width && self.y1 <= height
    }
}

/// The em of a text of plotters size `size`, in pixels.
pub fn em(size: f64) -> f64 {
    size / 1.24
}

/// ab_glyph's scale (ascent to descent, in pixels) for an em of `em` pixels.
fn scale(font: &FontRef<'static>, em: f64) -> PxScale {
    let units_per_em = f64::from(font.units_per_em().unwrap_or(2048.0));
    PxScale::from((em * f64::from(font.height_unscaled()) / units_per_em) as f32)
}

/// The advance width of `text` at plotters size `size`, with kerning, in pixels.
pub fn width(font: &FontRef<'static>, size: f64, text: &str) -> f64 {
    glyphs(font, size, 0.0, 0.0, text).1
}

/// The glyphs of `text` with its pen starting at (x, baseline), and its advance width.
pub fn glyphs(
    font: &FontRef<'static>,
    size: f64,
    x: f64,
    baseline: f64,
    text: &str,
) -> (Vec<ab_glyph::Glyph>, f64) {
    let scale = scale(font, em(size));
    let scaled = font.as_scaled(scale);
    let mut pen = 0.0_f32;
    let mut prev = None;
    let mut out = Vec::new();
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        out.push(
            id.with_scale_and_position(scale, ab_glyph::point(x as f32 + pen, baseline as f32)),
        );
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    (out, f64::from(pen))
}

/// The baseline of a text centred on `y`: half an x-height (0.55 em in DejaVu Sans)
/// below it, as `dy="0.5ex"` puts it in an SVG viewer.
pub fn baseline(size: f64, y: f64) -> f64 {
    y + 0.5 * 0.55 * em(size)
}

/// The box of `text` drawn at `(x, y)` (vertically centred) with `anchor`, at plotters
/// size `size`: its advance width, and the font's ascent and descent about its baseline.
pub fn text_box(
    font: &FontRef<'static>,
    size: f64,
    anchor: Anchor,
    x: f64,
    y: f64,
    text: &str,
) -> Rect {
    let w = width(font, size, text);
    let x0 = match anchor {
        Anchor::Left => x,
        Anchor::Middle => x - w / 2.0,
        Anchor::Right => x - w,
    };
    let units_per_em = f64::from(font.units_per_em().unwrap_or(2048.0));
    let ascent = f64::from(font.ascent_unscaled()) / units_per_em * em(size);
    let descent = -f64::from(font.descent_unscaled()) / units_per_em * em(size);
    let base = baseline(size, y);
    Rect {
        x0,
        x1: x0 + w,
        y0: base - ascent,
        y1: base + descent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_measures_text() {
        let font = font().unwrap();
        let narrow = width(font, 13.0, "1");
        let wide = width(font, 13.0, "$148.5B");
        assert!(narrow > 4.0 && narrow < 10.0, "{narrow}");
        assert!(wide > 6.0 * narrow, "{wide} vs {narrow}");
        let b = text_box(font, 13.0, Anchor::Right, 100.0, 50.0, "$148.5B");
        assert!((b.x1 - 100.0).abs() < 1e-9 && (b.x0 - (100.0 - wide)).abs() < 1e-9);
        assert!(
            b.y0 < 50.0 - 5.0 && b.y1 > 50.0 + 3.0 && b.y1 - b.y0 < 20.0,
            "{b:?}"
        );
    }

    #[test]
    fn boxes_overlap_only_when_they_share_area() {
        let a = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        let touching = Rect {
            x0: 10.0,
            y0: 0.0,
            x1: 20.0,
            y1: 10.0,
        };
        let inside = Rect {
            x0: 5.0,
            y0: 5.0,
            x1: 6.0,
            y1: 6.0,
        };
        assert!(!a.overlaps(&touching) && a.overlaps(&inside) && inside.overlaps(&a));
        assert!(a.grown(1.0).overlaps(&touching));
    }
}
