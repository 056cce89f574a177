//! How wide a table is: the terminal's width (`$COLUMNS`, the terminal, else 100) and
//! the column widths that fit it (headers wrap first, then text is cut; numbers and
//! period labels never are).

use super::{plain, Rows};
use std::io;

/// How wide a table may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// At most this many characters a line: text cells are shortened to fit.
    Columns(usize),
    /// `--wide`: every cell up to `TABLE_CELL_WIDTH`, however wide the table gets.
    Wide,
}

impl Fit {
    /// `--wide`, or the terminal's width.
    pub fn chosen(wide: bool) -> Fit {
        if wide {
            Fit::Wide
        } else {
            Fit::Columns(terminal_width())
        }
    }
}

/// The widest a cell gets with `--wide` (CSV and JSON are never cut).
pub const TABLE_CELL_WIDTH: usize = 48;

/// The width tables fit when neither `$COLUMNS` nor a terminal tells one: a file or a
/// program reading the table (`amzdb report x > notes.txt`, cron, CI) gets what a
/// 100-column terminal shows, the same every time. Programs want CSV or JSON, and
/// `--wide` gives every column uncut.
pub const DEFAULT_WIDTH: usize = 100;

/// The width tables fit: `$COLUMNS` when it is a number, else the terminal's width
/// (standard output's; standard error's when output goes to a pipe, as in
/// `amzdb report x | less`, whose lines the same terminal shows), else `DEFAULT_WIDTH`.
pub fn terminal_width() -> usize {
    if let Some(text) = std::env::var_os("COLUMNS") {
        match text.to_str().and_then(|t| t.trim().parse::<usize>().ok()) {
            Some(n) if n > 0 => return n,
            _ => crate::say!(
                "amzdb: note: ignoring COLUMNS={:?}: not a width in characters \
                 (e.g. COLUMNS=100); using the terminal's width or {DEFAULT_WIDTH}",
                text.to_string_lossy()
            ),
        }
    }
    terminal_size::terminal_size_of(io::stdout())
        .or_else(|| terminal_size::terminal_size_of(io::stderr()))
        .map_or(DEFAULT_WIDTH, |(terminal_size::Width(w), _)| usize::from(w))
}

/// The width each column of a table is cut to so the table fits `limit` characters a
/// line; None for a column that keeps its natural width (only the columns that must
/// narrow are touched).
pub fn narrowed(rows: &Rows, limit: usize) -> Vec<Option<usize>> {
    let natural = natural_widths(rows);
    let least = least_widths(rows);
    let fitted = fit_widths(&natural, &cell_widths(rows), &least, limit);
    fitted
        .iter()
        .zip(&natural)
        .map(|(&w, &n)| (w < n).then_some(w))
        .collect()
}

/// Characters a sharp table spends on each column besides its text: a border and a
/// space either side (plus one border closing the line).
const COLUMN_FRAME: usize = 3;

/// The narrowest a text column is cut to: a few letters and the ellipsis.
const LEAST_TEXT_WIDTH: usize = 6;

/// Each column's width uncut: its widest cell or header.
fn natural_widths(rows: &Rows) -> Vec<usize> {
    cell_widths(rows)
        .into_iter()
        .zip(&rows.columns)
        .map(|(cells, header)| cells.max(text_width(header)))
        .collect()
}

/// Each column's widest cell, its header aside.
fn cell_widths(rows: &Rows) -> Vec<usize> {
    (0..rows.columns.len())
        .map(|i| {
            rows.rows
                .iter()
                .map(|row| text_width(&plain(&row[i])))
                .fold(0, usize::max)
        })
        .collect()
}

/// Each column's narrowest width: its widest number or period label (neither is ever
/// cut: `Q1 FY20…` could be any year), at least a few letters of text, and its header's
/// longest word (up to `LEAST_HEADER_WIDTH`).
fn least_widths(rows: &Rows) -> Vec<usize> {
    natural_widths(rows)
        .into_iter()
        .enumerate()
        .map(|(i, natural)| {
            rows.rows
                .iter()
                .map(|row| plain(&row[i]))
                .filter(|cell| is_number(cell) || is_period_label(cell))
                .map(|cell| text_width(&cell))
                .fold(natural.min(LEAST_TEXT_WIDTH), usize::max)
                .max(longest_word(&rows.columns[i]).min(LEAST_HEADER_WIDTH))
        })
        .collect()
}

/// The widest a header word may force its column (`period_label`, `published_on`);
/// longer words wrap inside.
const LEAST_HEADER_WIDTH: usize = 12;

fn longest_word(text: &str) -> usize {
    pieces(text).map(|(_, p)| text_width(p)).max().unwrap_or(0)
}

fn text_width(text: &str) -> usize {
    tabled::grid::util::string::get_text_width(text)
}

/// Column widths that fit `limit` characters a line, in two rounds: first headers wider
/// than their cells wrap (no data lost), then text is cut. In each round the widest
/// column narrows first (the later one on a tie: columns come most important first),
/// never below that round's floor: its cells, then its least width. A table that cannot
/// fit stays at its least widths.
fn fit_widths(natural: &[usize], cells: &[usize], least: &[usize], limit: usize) -> Vec<usize> {
    let frame = COLUMN_FRAME * natural.len() + 1;
    let mut widths = natural.to_vec();
    let mut total = frame + widths.iter().sum::<usize>();
    let header_floor: Vec<usize> = cells.iter().zip(least).map(|(c, l)| *c.max(l)).collect();
    for floor in [&header_floor[..], least] {
        while total > limit {
            let widest = widths
                .iter()
                .zip(floor)
                .enumerate()
                .filter(|(_, (w, f))| w > f)
                .max_by_key(|&(i, (w, _))| (*w, i));
            let Some((i, _)) = widest else { break };
            widths[i] -= 1;
            total -= 1;
        }
    }
    widths
}

/// Whether a cell is a number, which a table never cuts: a figure as amzdb prints it
/// (`-0.16`, `120B`, `28.0%`, `~$37.6B`, `$40B–$45B`, `$1.23/share`, `2026-03-31`),
/// alone or followed by a short tag or unit (`44.2 A·4!`, `1.2 GW`, `-$2.1B YoY`).
/// Anything else is text, even when it starts with a digit (`247wallst-amzn-q1-2026`,
/// `2026-04-01..2026-09-30`).
pub fn is_number(cell: &str) -> bool {
    let words: Vec<&str> = cell.split(' ').collect();
    words[0].split('–').all(is_figure)
        && words.len() <= 3
        && words[1..]
            .iter()
            .all(|w| w.chars().count() <= 14 && is_tag_or_unit(w))
}

/// Whether a cell is a fiscal period's label as amzdb names periods (`FY2025`,
/// `Q1 FY2026`, `H1 FY2025`, `9M FY2025`, `TTM Q1 FY2026`), which a table never cuts.
pub fn is_period_label(cell: &str) -> bool {
    let year = |w: &str| {
        w.strip_prefix("FY")
            .is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
    };
    let part = |w: &str| matches!(w, "Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2" | "9M");
    match cell.split(' ').collect::<Vec<_>>()[..] {
        [y] => year(y),
        [p, y] => part(p) && year(y),
        ["TTM", q, y] => q.starts_with('Q') && part(q) && year(y),
        _ => false,
    }
}

/// A word after a figure: a provenance tag (`A·4!`, `M*`) or a unit (`GW`, `YoY`), not
/// more of a label (`FY2025` in `9M FY2025`, a period).
fn is_tag_or_unit(word: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit();
    !word.starts_with(digit) && (!word.ends_with(digit) || word.contains('·'))
}

/// One figure: a signed number with its currency, percent sign, scale letter or
/// per-unit (`-$2.1B`, `28.0%`, `$1.23/share`, `1.5x`), or an ISO date.
fn is_figure(word: &str) -> bool {
    let word = word.trim_start_matches(['~', '≥', '≤', '$', '€', '+', '-', '−']);
    let end = word
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '%')))
        .unwrap_or(word.len());
    let (digits, rest) = word.split_at(end);
    let rest = rest.split_once('/').map_or(rest, |(scale, _)| scale);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && !digits.contains("..")
        && matches!(rest, "" | "T" | "B" | "M" | "K" | "x")
}

/// Splits text into lines of at most `width` characters at spaces and after
/// underscores (`latest_` / `value`); a word longer than the width is split. Lines
/// after the first start with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(text_width(indent) + 1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut started = false;
    for (spaced, piece) in pieces(text) {
        let mut word: Vec<char> = piece.chars().collect();
        while !word.is_empty() {
            let gap = usize::from(started && spaced);
            let room = width.saturating_sub(text_width(&line) + gap);
            if word.len() <= room {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(&word);
                started = true;
                break;
            }
            if started {
                lines.push(std::mem::replace(&mut line, indent.to_string()));
                started = false;
                continue;
            }
            // A word wider than a whole line: as much of it as fits.
            let rest = word.split_off(room.max(1).min(word.len()));
            line.extend(&word);
            lines.push(std::mem::replace(&mut line, indent.to_string()));
            word = rest;
        }
    }
    if started {
        lines.push(line);
    }
    lines
}

/// The pieces a line may break between: words, split after each underscore; each says
/// whether a space came before it.
fn pieces(text: &str) -> impl Iterator<Item = (bool, &str)> {
    text.split(' ').filter(|w| !w.is_empty()).flat_map(|word| {
        word.split_inclusive('_')
            .enumerate()
            .map(|(i, piece)| (i == 0, piece))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_text_column_narrows_first_and_numbers_never() {
        // A 10-wide number column, text columns of 30 and 20: frame 3 * 3 + 1 = 10.
        let natural = [10, 30, 20];
        let least = [10, 6, 6];
        let fit = |limit| fit_widths(&natural, &natural, &least, limit);
        assert_eq!(fit(70), natural);
        assert_eq!(fit(60), [10, 20, 20]);
        assert_eq!(fit(50), [10, 15, 15]);
        // On a tie the later (less important) column gives first.
        assert_eq!(fit(49), [10, 15, 14]);
        // Too narrow: every text column at its least, the number whole.
        assert_eq!(fit(20), [10, 6, 6]);
    }

    #[test]
    fn headers_wrap_before_any_cell_is_cut() {
        // A label column of 13 and numbers of 5 under a 16-wide header.
        let natural = [13, 16];
        let cells = [13, 5];
        let least = [6, 5];
        // 13 + 16 + 7 = 36: the header wraps to 5 before the labels lose a letter.
        assert_eq!(fit_widths(&natural, &cells, &least, 25), [13, 5]);
        assert_eq!(fit_widths(&natural, &cells, &least, 24), [12, 5]);
        let natural = [13, 8, 12, 13, 12, 10, 16, 11];
        let cells = [13, 8, 12, 10, 12, 10, 10, 5];
        let least = [6, 6, 12, 10, 12, 10, 10, 6];
        assert_eq!(
            fit_widths(&natural, &cells, &least, 100),
            [8, 7, 12, 10, 12, 10, 10, 6]
        );
    }

    #[test]
    fn numbers_are_told_from_text() {
        for number in [
            "-0.16",
            "120B",
            "28.0%",
            "~$37.6B",
            "$40B–$45B",
            "≤-3.0%",
            "$1.23/share",
            "2026-03-31",
            "44.2 A·4!",
            "1.2 GW",
            "-$2.1B YoY",
            "1.5x QoQ",
            "1,234",
        ] {
            assert!(is_number(number), "{number} is a number");
        }
        for text in [
            "247wallst-amzn-q1-2026",
            "2026-04-01..2026-09-30",
            "Q1 FY2026",
            "3 new regions announced today",
            "10 seconds 2026",
            "9M FY2025",
            "",
            "$",
            "AWS",
        ] {
            assert!(!is_number(text), "{text} is text");
        }
        for label in [
            "FY2025",
            "Q1 FY2026",
            "H2 FY2024",
            "9M FY2025",
            "TTM Q1 FY2026",
        ] {
            assert!(is_period_label(label), "{label} is a period label");
        }
        for text in ["FY25", "Q5 FY2026", "TTM H1 FY2026", "Q1 2026", "guidance"] {
            assert!(!is_period_label(text), "{text} is not a period label");
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_underscores_and_splits_long_words() {
        assert_eq!(wrap("capex TTM $B", 9, ""), ["capex TTM", "$B"]);
        assert_eq!(wrap("latest_value", 8, ""), ["latest_", "value"]);
        assert_eq!(wrap("latest_value", 12, ""), ["latest_value"]);
        assert_eq!(wrap("abcdefghij", 4, ""), ["abcd", "efgh", "ij"]);
        assert_eq!(
            wrap("tags: A audited, M management", 16, "  "),
            ["tags: A audited,", "  M management"]
        );
        let legend = super::super::people::legend();
        for width in [20, 60, 100] {
            let lines = wrap(&legend, width, "  ");
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{lines:?}"
            );
            let joined: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
            assert_eq!(joined.join(" "), legend, "no word lost at {width}");
        }
    }
}
