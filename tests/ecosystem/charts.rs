//! Charts people can read (issue 14): `report --chart` on the bundled database. Each
//! text's box is computed from the SVG's text positions and the bundled font's own
//! metrics (assets/fonts/DejaVuSans.ttf, read here with ab_glyph: advance widths with
//! kerning, ascent, descent and x-height), the way an SVG viewer with that font lays it out;
//! the PNG is decoded with the `png` crate.

use crate::util::{names, Dir};
use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

/// The bundled database (`amzdb init`).
fn bundled() -> Dir {
    let dir = Dir::new();
    dir.run(&["init"]);
    dir
}

fn font_bytes() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf");
    std::fs::read(path).expect("the bundled font")
}

/// An SVG element: its tag, attributes and (for `<text>`) its text.
#[derive(Debug)]
struct Element {
    tag: String,
    attrs: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    fn num(&self, name: &str) -> f64 {
        self.get(name)
            .unwrap_or_else(|| panic!("{} has no {name}: {self:?}", self.tag))
            .parse()
            .unwrap_or_else(|e| panic!("{name} of {self:?}: {e}"))
    }
    /// The points of a polyline or polygon.
    fn points(&self) -> Vec<(f64, f64)> {
        self.get("points")
            .unwrap_or_default()
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').expect("x,y");
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every element of a (plotters) SVG document.
fn elements(svg: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('/') {
            continue;
        }
        let end = rest.find('>').expect("a tag ends");
        let tag_text = &rest[..end];
        let tag = tag_text.split_whitespace().next().unwrap_or("").to_string();
        let mut attrs = Vec::new();
        let mut a = tag_text[tag.len()..].trim_start();
        while let Some(eq) = a.find("=\"") {
            let name = a[..eq].trim().to_string();
            let value_end = a[eq + 2..].find('"').expect("a closing quote");
            attrs.push((name, unescape(&a[eq + 2..eq + 2 + value_end])));
            a = a[eq + 2 + value_end + 1..].trim_start();
        }
        rest = &rest[end + 1..];
        let mut text = String::new();
        if tag == "text" {
            let close = rest.find("</text>").expect("a text closes");
            text = unescape(rest[..close].trim());
            rest = &rest[close..];
        }
        out.push(Element { tag, attrs, text });
    }
    out
}

/// A box in canvas pixels.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// The box of a `<text>` as a viewer with the bundled font draws it: the advance width
/// (with kerning) at its font-size, placed by text-anchor, and ascent to descent about
/// the baseline its `dy` gives.
fn text_box(font: &FontRef, t: &Element) -> Box2 {
    assert_eq!(t.get("transform"), None, "no rotated text: {t:?}");
    let em = t.num("font-size");
    let upem = f64::from(font.units_per_em().unwrap());
    let scale = PxScale::from((em * f64::from(font.height_unscaled()) / upem) as f32);
    let scaled = font.as_scaled(scale);
    let mut w = 0.0_f32;
    let mut prev = None;
    for c in t.text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    let w = f64::from(w);
    let x = t.num("x");
    let x0 = match t.get("text-anchor") {
        Some("start") | None => x,
        Some("middle") => x - w / 2.0,
        Some("end") => x - w,
        Some(other) => panic!("text-anchor {other}"),
    };
    // The x-height from the glyph 'x' itself.
    let x_glyph = font.outline_glyph(font.glyph_id('x').with_scale(PxScale::from(1000.0)));
    let ex_per_em = f64::from(-x_glyph.expect("an x").px_bounds().min.y) / 1000.0
        * f64::from(font.height_unscaled())
        / upem;
    let y = t.num("y");
    let baseline = match t.get("dy") {
        Some("0.5ex") => y + 0.5 * ex_per_em * em,
        Some("-0.5ex") => y - 0.5 * ex_per_em * em,
        Some("0.76em") => y + 0.76 * em,
        other => panic!("dy {other:?}"),
    };
    let ascent = f64::from(font.ascent_unscaled()) / upem * em;
    let descent = -f64::from(font.descent_unscaled()) / upem * em;
    Box2 {
        x0,
        x1: x0 + w,
        y0: baseline - ascent,
        y1: baseline + descent,
    }
}

/// What a readable chart must be, checked on its SVG: a bounded number of texts, no two
/// overlapping, nothing outside the canvas. Returns the elements and the texts.
fn readable(svg: &str, max_texts: usize) -> (Vec<Element>, Vec<String>) {
    let bytes = font_bytes();
    let font = FontRef::try_from_slice(&bytes).expect("a font");
    let all = elements(svg);
    let root = all.iter().find(|e| e.tag == "svg").expect("an svg element");
    let (w, h) = (root.num("width"), root.num("height"));
    let texts: Vec<&Element> = all.iter().filter(|e| e.tag == "text").collect();
    assert!(
        texts.len() <= max_texts,
        "{} texts (at most {max_texts}): {:?}",
        texts.len(),
        texts.iter().map(|t| &t.text).collect::<Vec<_>>()
    );
    let boxes: Vec<(Box2, &str)> = texts
        .iter()
        .map(|t| (text_box(&font, t), t.text.as_str()))
        .collect();
    for (b, s) in &boxes {
        assert!(
            b.x0 >= 0.0 && b.y0 >= 0.0 && b.x1 <= w && b.y1 <= h,
            "{s:?} {b:?} leaves the {w}x{h} canvas"
        );
    }
    for (i, (a, sa)) in boxes.iter().enumerate() {
        for (b, sb) in &boxes[i + 1..] {
            let overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
            assert!(!overlap, "{sa:?} {a:?} overlaps {sb:?} {b:?}");
        }
    }
    // Shapes stay on the canvas too.
    let inside = |(x, y): (f64, f64)| (0.0..=w).contains(&x) && (0.0..=h).contains(&y);
    for e in &all {
        let corners = match e.tag.as_str() {
            "polyline" | "polygon" => e.points(),
            "rect" => vec![
                (e.num("x"), e.num("y")),
                (e.num("x") + e.num("width"), e.num("y") + e.num("height")),
            ],
            "circle" => {
                let (x, y, r) = (e.num("cx"), e.num("cy"), e.num("r"));
                vec![(x - r, y - r), (x + r, y + r)]
            }
            _ => vec![],
        };
        assert!(corners.into_iter().all(inside), "{e:?} leaves the canvas");
    }
    let texts = texts.iter().map(|t| t.text.clone()).collect();
    (all, texts)
}

fn csv_rows(out: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn capex_fcf_chart_is_readable() {
    let dir = bundled();
    dir.run(&["report", "capex-fcf", "--chart", "capex.svg"]);
    let svg = std::fs::read_to_string(dir.join("capex.svg")).unwrap();
    let (all, texts) = readable(&svg, 40);

    // Human legend names, never a column's.
    for name in [
        "TTM capex",
        "TTM operating cash flow",
        "TTM free cash flow: operating cash flow − gross capex",
        "TTM free cash flow: the company's own definition",
        "capex guidance (FY2026)",
    ] {
        assert!(
            texts.iter().any(|t| t == name),
            "legend {name:?} in {texts:?}"
        );
    }
    for column in [
        "capex_ttm",
        "operating_cash_flow_ttm",
        "fcf_ttm",
        "capex",
        "fcf_gross_ttm",
    ] {
        assert!(!texts.iter().any(|t| t == column), "{column} as a text");
    }

    // One kind of period on the x axis: fiscal quarters, said in the subtitle, thinned
    // to a fixed step counted back from the latest quarter.
    assert!(texts
        .iter()
        .any(|t| t.starts_with("Trailing twelve months to each fiscal quarter end")));
    let periods: Vec<&String> = texts
        .iter()
        .filter(|t| t.starts_with('Q') && t.contains(" FY"))
        .collect();
    assert!(periods.len() >= 4 && periods.len() <= 12, "{periods:?}");
    let quarter = |t: &str| t[1..2].parse::<u32>().unwrap();
    assert!(
        periods.iter().all(|p| quarter(p) == quarter(periods[0])),
        "{periods:?}"
    );
    assert!(
        periods.contains(&&"Q1 FY2026".to_string()),
        "the latest quarter labelled"
    );

    // Value labels only at a few points: the series' ends, maxima, a negative minimum.
    let values: Vec<&String> = texts
        .iter()
        .filter(|t| (t.starts_with('$') || t.starts_with('−')) && t.ends_with('B'))
        .collect();
    let report = csv_rows(&dir.run(&["report", "capex-fcf", "--format", "csv"]));
    let quarters: Vec<_> = report
        .iter()
        .filter(|r| r["basis"] == "actual" && r["period_kind"] == "quarter")
        .collect();
    let last = quarters.last().unwrap();
    let billions = |v: &str| v.parse::<f64>().unwrap() / 1e9;
    assert_eq!(last["period_label"], "Q1 FY2026");
    // $B with one decimal below 100B, whole above (the chart's label format).
    let label = |b: f64| {
        let sign = if b < 0.0 { "−" } else { "" };
        if b.abs() >= 100.0 {
            format!("{sign}${:.0}B", b.abs())
        } else {
            format!("{sign}${:.1}B", b.abs())
        }
    };
    for column in ["capex_ttm", "operating_cash_flow_ttm", "fcf_ttm"] {
        let shown = label(billions(&last[column]));
        assert!(
            texts.contains(&shown),
            "the latest {column} {shown} in {texts:?}"
        );
    }
    let fcf_min = quarters
        .iter()
        .filter_map(|r| r["fcf_ttm"].parse::<f64>().ok())
        .fold(f64::MAX, f64::min);
    assert!(fcf_min < 0.0);
    assert!(
        texts.contains(&label(fcf_min / 1e9)),
        "the minimum {fcf_min}"
    );
    // At most four labels a series (ends, maximum, minimum) and one for guidance.
    assert!(values.len() <= 3 * 4 + 1 + 7, "{values:?}");

    // Guidance, dashed: the $200B fiscal-year figure at its end, drawn in short strokes
    // of the capex colour.
    let guidance = report.iter().find(|r| r["basis"] == "guidance").unwrap();
    assert_eq!(billions(&guidance["capex"]), 200.0);
    assert!(texts.iter().any(|t| t == "$200B"));
    let capex_color = "#1F77B4";
    let dashes = all
        .iter()
        .filter(|e| {
            e.tag == "polyline" && e.get("stroke") == Some(capex_color) && e.points().len() == 2
        })
        .count();
    assert!(dashes >= 6, "{dashes} dashes");

    // The free cash flow line changes definition: the report says which one each figure
    // used (`fcf_ttm_how`); every quarter of the less usual one is marked with a diamond
    // and the note says how many.
    let company: Vec<_> = quarters
        .iter()
        .filter(|r| !r["fcf_ttm"].is_empty() && !r["fcf_ttm_how"].contains("gross capex"))
        .collect();
    let gross = quarters
        .iter()
        .filter(|r| r["fcf_ttm_how"].contains("gross capex"))
        .count();
    assert!(
        !company.is_empty() && gross > company.len(),
        "{} {gross}",
        company.len()
    );
    assert_eq!(
        last["fcf_ttm_how"], "disclosed",
        "the latest figure is the company's"
    );
    let diamonds = all
        .iter()
        .filter(|e| e.tag == "polygon" && e.points().len() == 4)
        .count();
    // One a marked point, one in the legend.
    assert_eq!(diamonds, company.len() + 1);
    let notes = texts.join(" ");
    assert!(
        notes.contains(&format!(
            "at the {} marked points (◇) it is the company's own definition",
            company.len()
        )),
        "{notes}"
    );
}

#[test]
fn charts_are_png_by_extension_and_decode_to_their_size() {
    let dir = bundled();
    let stderr = {
        let out = dir
            .cmd()
            .args(["report", "capex-fcf", "--chart", "capex.png"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(stderr.contains("points to capex.png"), "{stderr}");
    let bytes = std::fs::read(dir.join("capex.png")).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG: {:?}",
        &bytes[..8]
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (960, 540));
    // Drawn, not blank: the lines' colours are there.
    let rgb: std::collections::HashSet<&[u8]> = pixels[..info.buffer_size()].chunks(3).collect();
    for colour in [[31u8, 119, 180], [214, 39, 40]] {
        assert!(rgb.contains(&colour[..]), "{colour:?} not drawn");
    }
    // The same chart as SVG has the same texts; the PNG is its pixels.
    dir.run(&["report", "capex-fcf", "--chart", "capex.SVG"]);
    assert!(std::fs::read_to_string(dir.join("capex.SVG"))
        .unwrap()
        .starts_with("<svg"));
}

#[test]
fn a_chart_file_other_than_svg_or_png_is_refused_with_nothing_written() {
    let dir = bundled();
    // Every file but the database's own (a report may leave its -wal and -shm).
    let files = || -> Vec<String> {
        names(dir.path())
            .into_iter()
            .filter(|n| !n.starts_with(crate::util::DB))
            .collect()
    };
    let before = files();
    assert!(before.is_empty(), "{before:?}");
    for file in ["capex.jpg", "capex", "capex.svg.txt"] {
        let out = dir
            .cmd()
            .args(["report", "capex-fcf", "--chart", file])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "--chart {file}: a chart is written as .svg or .png"
            )),
            "{stderr}"
        );
        assert_eq!(out.stdout, b"", "no report printed");
        assert_eq!(files(), before, "{file}: nothing written");
    }
    // An entity with no quarterly figures (GOOGL: fiscal years only) has nothing to draw.
    let stderr = dir.run_err(&[
        "report",
        "capex-fcf",
        "--entity",
        "GOOGL",
        "--chart",
        "g.png",
    ]);
    assert!(stderr.contains("g.png: no figures to chart"), "{stderr}");
    assert!(stderr.contains("period_kind = quarter"), "{stderr}");
    assert_eq!(files(), before, "nothing written");
}

#[test]
fn backlog_conversion_chart_draws_backlog_bars_and_conversion_on_a_percent_axis() {
    let dir = bundled();
    dir.run(&["report", "backlog-conversion", "--chart", "backlog.svg"]);
    let svg = std::fs::read_to_string(dir.join("backlog.svg")).unwrap();
    let (all, texts) = readable(&svg, 40);
    let report = csv_rows(&dir.run(&["report", "backlog-conversion", "--format", "csv"]));
    assert!(!report.is_empty());
    // A bar per quarter end with a backlog, each labelled with its value.
    let bars: Vec<&Element> = all
        .iter()
        .filter(|e| e.tag == "rect" && e.get("fill") == Some("#1F77B4"))
        .collect();
    // One a quarter, one in the legend.
    assert_eq!(bars.len(), report.len() + 1, "{bars:?}");
    for r in &report {
        let b = r["backlog"].parse::<f64>().unwrap() / 1e9;
        assert!(texts.contains(&format!("${b:.0}B")), "{b} in {texts:?}");
        assert!(texts.contains(&r["period_label"]), "{}", r["period_label"]);
    }
    // Conversion where the report has one, on the right axis in percent.
    for r in report.iter().filter(|r| !r["conversion_pct"].is_empty()) {
        let pct: f64 = r["conversion_pct"].parse().unwrap();
        assert!(texts.contains(&format!("{pct:.1}%")), "{pct} in {texts:?}");
    }
    assert!(texts.iter().any(|t| t == "0%") && texts.iter().any(|t| t == "$0"));
    for name in [
        "AWS backlog",
        "AWS conversion (quarter's revenue ÷ previous backlog)",
    ] {
        assert!(
            texts.iter().any(|t| t == name),
            "legend {name:?} in {texts:?}"
        );
    }
}
