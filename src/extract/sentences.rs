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
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    for (k, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, space)) = chars.get(k + 1) else {
            continue;
        };
        let next = chars.get(k + 2).map(|&(_, c)| c);
        let starts_sentence = space.is_whitespace()
            && next.is_some_and(|n| {
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

fn push<'a>(out: &mut Vec<(usize, &'a str)>, paragraph: &'a str, start: usize, end: usize) {
    let piece = &paragraph[start..end];
    let text = piece.trim();
    if !text.is_empty() {
        let lead = piece.len() - piece.trim_start().len();
        out.push((start + lead, text));
    }
}

fn abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lower = word.to_lowercase();
    lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic)
        || ABBREVIATIONS.contains(&lower.as_str())
        || lower.contains('.') // "U.S", "e.g": a period inside the word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_periods_not_at_decimals_or_abbreviations() {
        let p = "Capex was $44.2 billion. The U.S. business grew 5%. Amazon Inc. said so! Why? 41 analysts.";
        let s = split(p);
        let texts: Vec<&str> = s.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            texts,
            vec![
                "Capex was $44.2 billion.",
                "The U.S. business grew 5%.",
                "Amazon Inc. said so!",
                "Why?",
                "41 analysts."
            ]
        );
        for (at, text) in s {
            assert_eq!(&p[at..at + text.len()], text);
        }
    }
}
