//! Reading a document as text: checking that a file is UTF-8 text before anything is
//! drafted, and turning HTML into text (tags stripped, entities decoded, scripts and
//! styles dropped) with html5ever's tokenizer, never with patterns over the markup.

use crate::error::{Error, Problem, Problems, Result};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult,
    Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// How a document's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text or Markdown: read as it is, one paragraph a line.
    Text,
    /// HTML: the text of its elements, one paragraph a block.
    Html,
}

/// The size of the pieces a file is checked in: memory stays bounded whatever its size.
const CHUNK: usize = 64 * 1024;

/// Checks a whole file before anything is drafted from it (so that a bad file leaves no
/// output at all): it must be non-empty UTF-8 text without NUL bytes. Reads in chunks.
pub fn check(path: &Path) -> Result<Kind> {
    let name = path.display().to_string();
    let refuse = |message: String| Error::Input(one(Problem::file(&name, message)));
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; CHUNK];
    // Bytes of a character split across two chunks, carried to the next one.
    let mut carry: Vec<u8> = Vec::new();
    let mut offset: u64 = 0; // of the first byte in `carry`
    let mut line: u64 = 1;
    let mut head: Vec<u8> = Vec::new();
    let mut any_text = false;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, e)),
        };
        if head.len() < 512 {
            head.extend_from_slice(&buf[..n.min(512 - head.len())]);
        }
        carry.extend_from_slice(&buf[..n]);
        if let Some(at) = memchr(0, &carry) {
            return Err(refuse(format!(
                "a binary file (a NUL byte at byte offset {}); amzdb extract reads UTF-8 plain \
                 text, Markdown or HTML: convert the document to text first",
                offset + at as u64
            )));
        }
        let valid = match std::str::from_utf8(&carry) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => {
                let at = e.valid_up_to();
                let lines = carry[..at].iter().filter(|&&b| b == b'\n').count() as u64;
                return Err(refuse(format!(
                    "not UTF-8 text: byte 0x{:02X} at byte offset {} (line {}) is not valid \
                     UTF-8; convert the file first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`",
                    carry[at],
                    offset + at as u64,
                    line + lines
                )));
            }
        };
        any_text |= carry[..valid].iter().any(|b| !b.is_ascii_whitespace());
        line += carry[..valid].iter().filter(|&&b| b == b'\n').count() as u64;
        offset += valid as u64;
        carry.drain(..valid);
    }
    if !carry.is_empty() {
        return Err(refuse(format!(
            "not UTF-8 text: the file ends inside a character (byte offset {offset}); the file \
             is truncated or not UTF-8"
        )));
    }
    if !any_text {
        return Err(refuse(
            "empty: the file holds no text, so there is nothing to extract".into(),
        ));
    }
    Ok(kind_of(path, &head))
}

fn one(problem: Problem) -> Problems {
    let mut problems = Problems::default();
    problems.push(problem);
    problems
}

fn memchr(byte: u8, bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == byte)
}

/// HTML by its extension or by how it starts; anything else is text (Markdown included:
/// its markup is left in the quote, verbatim).
fn kind_of(path: &Path, head: &[u8]) -> Kind {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("html" | "htm" | "xhtml")) {
        return Kind::Html;
    }
    let start = String::from_utf8_lossy(head);
    let start = start.trim_start_matches('\u{feff}').trim_start();
    let lower = start
        .get(..start.len().min(14))
        .unwrap_or("")
        .to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        Kind::Html
    } else {
        Kind::Text
    }
}

/// Calls `paragraph` with each paragraph of a checked file and the byte offset of its
/// first character: in the file for text, in the extracted text for HTML. Text is read a
/// line at a time, so memory is bounded by the longest line.
pub fn paragraphs(
    path: &Path,
    kind: Kind,
    paragraph: &mut dyn FnMut(usize, &str) -> io::Result<()>,
) -> io::Result<()> {
    // A read error names the document, not the output it happens while writing.
    let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    match kind {
        Kind::Text => {
            let mut reader = BufReader::new(File::open(path).map_err(named)?);
            let mut line = String::new();
            let mut offset = 0;
            loop {
                line.clear();
                let n = reader.read_line(&mut line).map_err(named)?;
                if n == 0 {
                    return Ok(());
                }
                let text = line.strip_prefix('\u{feff}').unwrap_or(&line);
                let skipped = line.len() - text.len();
                paragraph(offset + skipped, text.trim_end_matches(['\n', '\r']))?;
                offset += n;
            }
        }
        Kind::Html => {
            let mut html = String::new();
            File::open(path)
                .and_then(|mut f| f.read_to_string(&mut html))
                .map_err(named)?;
            let text = html_text(&html);
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                paragraph(offset, line.trim_end_matches('\n'))?;
                offset += line.len();
            }
            Ok(())
        }
    }
}

/// The text of an HTML document: one line per block element, whitespace inside a block
/// collapsed, scripts, styles and templates dropped, entities decoded by the tokenizer.
pub fn html_text(html: &str) -> String {
    let sink = TextSink::default();
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html.trim_start_matches('\u{feff}')));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let state = tokenizer.sink.state.borrow();
    let mut text = String::new();
    for line in state.text.lines() {
        // A table row is one line, its cells apart by a tab (the guesses read a cell's
        // column); a tab is one byte, as the space a quote shows in its place.
        let line = line
            .split('\t')
            .map(|cell| cell.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|cell| !cell.is_empty())
            .collect::<Vec<_>>()
            .join("\t");
        if !line.is_empty() {
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

#[derive(Default)]
struct TextState {
    text: String,
    /// Inside <script>, <style>, <template>, <noscript> or <head>'s <title>: not text.
    skipping: Option<String>,
}

#[derive(Default)]
struct TextSink {
    state: RefCell<TextState>,
}

/// Elements whose content is not part of the document's text.
const DROPPED: &[&str] = &["script", "style", "template", "noscript", "title"];

/// Elements that start a new paragraph (so that sentences never run across them).
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "dt",
    "dd",
    "figcaption",
    "main",
    "nav",
    "aside",
    "body",
];

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            // Newlines in the source are layout, not paragraph breaks.
            CharacterTokens(text) if state.skipping.is_none() => {
                let flat = text.replace(['\n', '\r', '\t'], " ");
                state.text.push_str(&flat);
            }
            TagToken(tag) => {
                let name: &str = &tag.name;
                if let Some(skipped) = &state.skipping {
                    if tag.kind == EndTag && skipped == name {
                        state.skipping = None;
                    }
                    return TokenSinkResult::Continue;
                }
                if BLOCKS.contains(&name) {
                    state.text.push('\n');
                } else if matches!(name, "td" | "th") {
                    // Cells of a row stay on its line, a tab apart.
                    state.text.push('\t');
                }
                if tag.kind == StartTag && DROPPED.contains(&name) && !tag.self_closing {
                    state.skipping = Some(name.to_string());
                    // The tokenizer must read their content as raw text, or `<` inside a
                    // script would be taken for markup.
                    return TokenSinkResult::RawData(match name {
                        "script" => html5ever::tokenizer::states::RawKind::ScriptData,
                        "title" => html5ever::tokenizer::states::RawKind::Rcdata,
                        _ => html5ever::tokenizer::states::RawKind::Rawtext,
                    });
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_loses_tags_scripts_and_styles_and_decodes_entities() {
        let html = "<html><head><title>T 5%</title><style>p{width:50%}</style></head><body>\
            <p>Capex was&nbsp;$44.2&#160;billion &amp; up 77%.</p>\
            <script>var x = '<p>$9 billion</p>';</script><div>Second\nline</div></body></html>";
        assert_eq!(
            html_text(html),
            "Capex was $44.2 billion & up 77%.\nSecond line\n"
        );
    }
}
