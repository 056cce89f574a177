//! Sentences of a paragraph, with their byte offsets, so that each draft quotes the
//! sentence it came from verbatim.

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "inc", "corp", "co", "ltd", "mr", "ms", "mrs", "dr", "st", "jr", "vs", "approx", "e.g", "i.e",
    "etc", "no", "fig", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
];

/// The sentences of `paragraph` as (byte offset, text), trimmed, empty ones left out. A
/// sentence ends at `.`, `!` or `?` followed by a space and a capital, a digit, `$` or a
/// quote, unless the word before is an abbreviation or a single letter ("U.S.").
pub fn split(paragraph: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in paragraph.char_indices() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut next = paragraph[at + c.len_utf8()..].chars();
        let (Some(space), after) = (next.next(), next.next()) else {
            continue;
        };
        let starts_sentence = space.is_whitespace()
            && after.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '$' | '"' | '“' | '(' | '[')
            });
        if !starts_sentence || (c == '.' && abbreviation(&paragraph[..at])) {
            continue;
        }
        push(&mut out, paragraph, start, at + c.len_utf8());
        start = at + c.len_utf8();
    }
    push(&mut out, paragraph, start, paragraph.len());
    out
}

/// The longest sentence quoted whole, in bytes. A longer run of text without a sentence
/// end (a table flattened into one line, a generated file) is cut at the last space
/// before this length: each piece is still verbatim text, and the output stays linear in
/// the input instead of repeating a huge "sentence" for every figure in it.
pub const MAX_SENTENCE: usize = 1000;

fn push<'a>(out: &mut Vec<(usize, &'a str)>, paragraph: &'a str, mut start: usize, end: usize) {
    while start < end {
        let mut cut = end;
        if end - start > MAX_SENTENCE {
            cut = start + MAX_SENTENCE;
            while !paragraph.is_char_boundary(cut) {
                cut -= 1;
            }
            if let Some(space) = paragraph[start..cut].rfind(char::is_whitespace) {
                if space > 0 {
                    cut = start + space;
                }
            }
        }
        let piece = &paragraph[start..cut];
        let text = piece.trim();
        if !text.is_empty() {
            let lead = piece.len() - piece.trim_start().len();
            out.push((start + lead, text));
        }
        start = cut;
    }
}

fn abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lower = word.to_lowercase();
    lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic)
        || ABBREVIATIONS.contains(&lower.as_str())
        // "U.S", "e.g": a period inside a word; not inside a number ("$1.07. Next").
        || (lower.contains('.') && lower.chars().any(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_periods_not_at_decimals_or_abbreviations() {
        let p = "Capex was $44.2 billion. The U.S. business grew 5%. Amazon Inc. said so! Why? 41 analysts. EPS was $1.07. Next.";
        let s = split(p);
        let texts: Vec<&str> = s.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            texts,
            vec![
                "Capex was $44.2 billion.",
                "The U.S. business grew 5%.",
                "Amazon Inc. said so!",
                "Why?",
                "41 analysts.",
                "EPS was $1.07.",
                "Next."
            ]
        );
        for (at, text) in s {
            assert_eq!(&p[at..at + text.len()], text);
        }
    }

    #[test]
    fn a_run_without_sentence_ends_is_cut_at_spaces_into_verbatim_pieces() {
        let p = "up 5% and ".repeat(500);
        let pieces = split(&p);
        assert!(pieces.len() > 4);
        for (at, text) in &pieces {
            assert!(text.len() <= MAX_SENTENCE);
            assert_eq!(&p[*at..at + text.len()], *text);
            // Cut between words, never inside one.
            let end = at + text.len();
            assert!(*at == 0 || p[..*at].ends_with(' '), "{text}");
            assert!(end == p.len() || p[end..].starts_with(' '), "{text}");
        }
    }
}
