//! Large XBRL instances made from a real one, for the filings benchmark and the test
//! that such an instance imports whole: the filing's own contexts and facts, copied with
//! new names and moved periods, so every copy adds distinct facts. Shared by
//! benches/filings.rs and tests/xbrl/memory.rs (included by path).

use chrono::{Datelike, NaiveDate};
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// How a generated instance lays out the real filing's facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// Copies of the whole filing (contexts, text and numeric facts), each copy's
    /// contexts renamed and its periods moved: a long filing with the real one's mix,
    /// 339 contexts and 1,457 facts per 2.5 MB.
    Repeated,
    /// The filing once, then copies of its numeric facts in which every fact has a
    /// context of its own (renamed, periods moved): one context per figure, about seven
    /// times the real filing's contexts for its size, since contexts are what a reader
    /// must hold.
    OwnContexts,
}

/// A child of the root `<xbrl>` element, as its events.
struct Child {
    kind: Kind,
    events: Vec<Event<'static>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Context,
    Fact {
        numeric: bool,
    },
    /// Units, the schema reference, footnotes: written once.
    Other,
}

/// The most copies whose moved dates stay within amzdb's years (1900-2200) for a filing
/// whose dates lie in 2019-2023, as the FY2022 10-K's do.
const MAX_COPIES: i32 = 59;

/// Writes a valid XBRL instance of at least `min_bytes` made of the real one's contexts
/// and facts, copy after copy until it is large enough, every context before every fact
/// (as filers' tools write them). Copy `c` renames every context (`ID_cC`) and fact id,
/// and moves every date (`startDate`, `endDate`, `instant`) by a multiple of four years,
/// alternately back and forward (0, -4, +4, -8, +8, ...): the filing's dates span a
/// little over three years, so no two copies share a period and each copy adds as many
/// amzdb facts as the filing gives (the dates stay within 1900-2200, amzdb's range, for
/// up to 59 copies: ~145 MB repeated, ~75 MB with contexts of their own). Copy 0 is the
/// filing itself. Returns how many copies it wrote.
pub fn generate(
    original: &Path,
    out: &Path,
    layout: Layout,
    min_bytes: u64,
) -> std::io::Result<usize> {
    let text = std::fs::read_to_string(original)?;
    let mut reader = Reader::from_str(&text);
    // The XML declaration and the root's start tag; then the root's children.
    let mut head: Vec<Event<'static>> = Vec::new();
    let mut children: Vec<Child> = Vec::new();
    let mut depth = 0_usize;
    loop {
        let event = reader
            .read_event()
            .expect("the instance is XML")
            .into_owned();
        match (&event, depth) {
            (Event::Eof, _) | (Event::End(_), 1) => break,
            (Event::Start(e) | Event::Empty(e), 1) => {
                let kind = if e.local_name().as_ref() == b"context" {
                    Kind::Context
                } else if attribute(e, b"contextRef").is_some() {
                    Kind::Fact {
                        numeric: attribute(e, b"unitRef").is_some(),
                    }
                } else {
                    Kind::Other
                };
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
                children.push(Child {
                    kind,
                    events: vec![event],
                });
            }
            (Event::Start(_), 0) => {
                head.push(event);
                depth = 1;
            }
            (_, 0) => head.push(event),
            // Whitespace and comments between the root's children.
            (_, 1) => {}
            _ => {
                match event {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth -= 1,
                    _ => {}
                }
                if let Some(child) = children.last_mut() {
                    child.events.push(event);
                }
            }
        }
    }
    let contexts: HashMap<String, &Child> = children
        .iter()
        .filter(|c| c.kind == Kind::Context)
        .filter_map(|c| Some((attribute_of(&c.events[0], b"id")?, c)))
        .collect();
    // Contexts, units and the like first, then the facts, as filers' tools write them:
    // a reader meets every fact after every context.
    let mut defs = Writer::new(Vec::new());
    let mut facts = Writer::new(Vec::new());
    let mut copies = 0;
    for c in 0_i32.. {
        if (defs.get_ref().len() + facts.get_ref().len()) as u64 >= min_bytes {
            break;
        }
        if c == MAX_COPIES {
            return Err(std::io::Error::other(format!(
                "{min_bytes} bytes need more than {MAX_COPIES} copies of {}, which would move \
                 dates outside 1900-2200",
                original.display()
            )));
        }
        copies += 1;
        let years = if c % 2 == 1 {
            -4 * (c + 1) / 2
        } else {
            4 * (c / 2)
        };
        let own_contexts = c > 0 && layout == Layout::OwnContexts;
        for (j, child) in children.iter().enumerate() {
            let suffix = if c == 0 {
                String::new()
            } else {
                format!("_c{c}")
            };
            match child.kind {
                Kind::Other if c > 0 => {}
                Kind::Other => write_child(&mut defs, child, &suffix, years)?,
                Kind::Context if own_contexts => {}
                Kind::Context => write_child(&mut defs, child, &suffix, years)?,
                Kind::Fact { numeric: false } if own_contexts => {}
                Kind::Fact { numeric: true } if own_contexts => {
                    // The fact's context, copied under a name of its own.
                    let context = attribute_of(&child.events[0], b"contextRef")
                        .and_then(|id| contexts.get(&id).copied());
                    if let Some(context) = context {
                        let suffix = format!("_c{c}_f{j}");
                        write_child(&mut defs, context, &suffix, years)?;
                        write_child(&mut facts, child, &suffix, years)?;
                    }
                }
                Kind::Fact { .. } => write_child(&mut facts, child, &suffix, years)?,
            }
        }
    }
    let mut file = BufWriter::with_capacity(1 << 20, File::create(out)?);
    let mut w = Writer::new(&mut file);
    for e in &head {
        w.write_event(e.borrow())?;
    }
    file.write_all(defs.get_ref())?;
    file.write_all(facts.get_ref())?;
    // The root's end tag: the name of the last start tag before the children.
    let root = head.iter().rev().find_map(|e| match e {
        Event::Start(e) => Some(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
        _ => None,
    });
    writeln!(file, "\n</{}>", root.unwrap_or_else(|| "xbrl".into()))?;
    file.flush()?;
    Ok(copies)
}

/// Writes a context or fact, its ids (`id`, `contextRef`) suffixed and its dates moved.
fn write_child<W: Write>(
    w: &mut Writer<W>,
    child: &Child,
    suffix: &str,
    years: i32,
) -> std::io::Result<()> {
    w.write_event(Event::Text(BytesText::from_escaped("\n    ")))?;
    let mut in_date = false;
    for event in &child.events {
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name();
                in_date = matches!(local.as_ref(), b"startDate" | b"endDate" | b"instant");
                let renamed = renamed(e, suffix);
                if matches!(event, Event::Start(_)) {
                    w.write_event(Event::Start(renamed))?;
                } else {
                    w.write_event(Event::Empty(renamed))?;
                }
            }
            Event::Text(t) if in_date => {
                let text = String::from_utf8_lossy(t).into_owned();
                let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").expect("a date");
                let year = date.year() + years;
                let moved = date
                    .with_year(year)
                    .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), 28))
                    .expect("a date");
                w.write_event(Event::Text(BytesText::new(&moved.to_string())))?;
            }
            Event::End(_) => {
                in_date = false;
                w.write_event(event.borrow())?;
            }
            other => w.write_event(other.borrow())?,
        }
    }
    Ok(())
}

/// A start tag with `suffix` added to its `id` and `contextRef`.
fn renamed(e: &BytesStart, suffix: &str) -> BytesStart<'static> {
    let mut out = BytesStart::new(String::from_utf8_lossy(e.name().as_ref()).into_owned());
    for a in e.attributes().flatten() {
        let key = a.key.as_ref().to_vec();
        let mut value = a.value.to_vec();
        if matches!(key.as_slice(), b"id" | b"contextRef") {
            value.extend_from_slice(suffix.as_bytes());
        }
        out.push_attribute((key.as_slice(), value.as_slice()));
    }
    out
}

fn attribute(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn attribute_of(event: &Event, key: &[u8]) -> Option<String> {
    match event {
        Event::Start(e) | Event::Empty(e) => attribute(e, key),
        _ => None,
    }
}
