//! Title casing and typographic apostrophes, done the way Pandoc's citeproc
//! does them, so that reference lists match what Pandoc users get.
//!
//! BibLaTeX titles are usually written in Title Case. CSL styles for English
//! expect sentence case ("A new equation to estimate glomerular filtration
//! rate"), and Pandoc converts the titles of BibLaTeX entries when it renders
//! for an English page. hayagriva does not, so praxis keeps a sentence-cased
//! copy of each English entry for English pages. Entries in other languages
//! (German nouns are capitalised) and pages in other languages keep the
//! titles as written. Braced parts (`{GFR}`, `{Covid-19}`) are verbatim
//! chunks and never change case.

use hayagriva::types::{ChunkKind, ChunkedString, StringChunk};

/// One word: a run of letters and digits inside one chunk.
struct Word {
    chunk: usize,
    start: usize,
    end: usize,
}

fn words(s: &ChunkedString) -> Vec<Word> {
    let mut out = Vec::new();
    for (ci, chunk) in s.0.iter().enumerate() {
        let mut start = None;
        for (i, c) in chunk.value.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(st)) => {
                    out.push(Word {
                        chunk: ci,
                        start: st,
                        end: i,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(st) = start {
            out.push(Word {
                chunk: ci,
                start: st,
                end: chunk.value.len(),
            });
        }
    }
    out
}

/// The text between two positions of the string (across chunks).
fn between(s: &ChunkedString, from: (usize, usize), to: (usize, usize)) -> String {
    let mut out = String::new();
    for ci in from.0..=to.0 {
        let Some(chunk) = s.0.get(ci) else { break };
        let a = if ci == from.0 { from.1 } else { 0 };
        let b = if ci == to.0 { to.1 } else { chunk.value.len() };
        if let Some(part) = chunk.value.get(a..b) {
            out.push_str(part);
        }
    }
    out
}

/// "Word": an upper-case letter followed by no other upper-case letter.
fn is_capitalised(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && !cs.any(char::is_uppercase)
}

fn capitalise(w: &str) -> String {
    let mut cs = w.chars();
    match cs.next() {
        Some(first) => first.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// Sentence case as Pandoc's citeproc applies it to English BibLaTeX titles:
/// capitalised words ("Heart", "Blood-Glucose") are lowercased; words with
/// other capitals (GFR, mRNA, QRISK3) and verbatim chunks stay. The first
/// word is capitalised, and so is the first word after a colon or a full
/// stop — unless that word ends the title, where citeproc treats it like any
/// other word.
pub fn sentence_case(s: &ChunkedString) -> ChunkedString {
    let ws = words(s);
    let mut out = s.clone();
    // Replacements per chunk, applied back to front.
    let mut edits: Vec<(usize, usize, usize, String)> = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if s.0[w.chunk].kind != ChunkKind::Normal {
            continue;
        }
        let text = &s.0[w.chunk].value[w.start..w.end];
        let start = i == 0;
        let sentence = i > 0 && {
            let prev = &ws[i - 1];
            let gap = between(s, (prev.chunk, prev.end), (w.chunk, w.start));
            gap.ends_with(char::is_whitespace) && gap.contains([':', '.', '?', '!'])
        };
        let last = i + 1 == ws.len();
        let lower = text.chars().all(|c| !c.is_uppercase());
        let new = if (start || (sentence && !last)) && lower {
            capitalise(text)
        } else if !(start || (sentence && !last)) && is_capitalised(text) {
            text.to_lowercase()
        } else {
            continue;
        };
        edits.push((w.chunk, w.start, w.end, new));
    }
    for (chunk, a, b, new) in edits.into_iter().rev() {
        out.0[chunk].value.replace_range(a..b, &new);
    }
    out
}

/// `'` after a letter becomes the typographic apostrophe ’ (Pandoc reads
/// BibTeX with smart punctuation: "Harrison’s", "O’Neill").
pub fn smart_apostrophes(s: &str) -> Option<String> {
    if !s.contains('\'') {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 2);
    let mut prev = None::<char>;
    for c in s.chars() {
        if c == '\'' && prev.is_some_and(char::is_alphanumeric) {
            out.push('’');
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    Some(out)
}

/// [`smart_apostrophes`] on every text chunk of `s`.
pub fn smart_chunks(s: &mut ChunkedString) {
    for chunk in &mut s.0 {
        if chunk.kind != ChunkKind::Math
            && let Some(v) = smart_apostrophes(&chunk.value)
        {
            chunk.value = v;
        }
    }
}

/// `a`, then `sep`, then `b` (e.g. a title and its subtitle).
pub fn join(a: &ChunkedString, sep: &str, b: &ChunkedString) -> ChunkedString {
    let mut out = a.clone();
    if !a.is_empty() && !b.is_empty() {
        out.push_chunk(StringChunk::normal(sep));
    }
    for c in &b.0 {
        out.push_chunk(c.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc(s: &str) -> String {
        sentence_case(&ChunkedString::from(s.to_owned()))
            .to_str()
            .into_owned()
    }

    #[test]
    fn sentence_case_follows_pandoc() {
        assert_eq!(
            sc("A New Equation to Estimate Glomerular Filtration Rate"),
            "A new equation to estimate glomerular filtration rate"
        );
        assert_eq!(sc("the first word"), "The first word");
        assert_eq!(sc("iPhone first Word"), "iPhone first word");
        assert_eq!(
            sc("Adults: management in the end"),
            "Adults: Management in the end"
        );
        assert_eq!(
            sc("Type 2 Diabetes in Adults: Management"),
            "Type 2 diabetes in adults: management"
        );
        assert_eq!(sc("Adults:management Now"), "Adults:management now");
        assert_eq!(sc("Blood-Glucose O'Neill"), "Blood-glucose o'neill");
        assert_eq!(sc("Über Alles In Der Welt"), "Über alles in der welt");
        assert_eq!(sc("study"), "Study");
    }

    #[test]
    fn verbatim_chunks_keep_their_case() {
        let mut s = ChunkedString::new();
        s.push_str("Dexamethasone in Patients with ", ChunkKind::Normal);
        s.push_str("Covid-19", ChunkKind::Verbatim);
        s.push_str(": Preliminary Report", ChunkKind::Normal);
        assert_eq!(
            sentence_case(&s).to_str(),
            "Dexamethasone in patients with Covid-19: Preliminary report"
        );
    }

    #[test]
    fn apostrophes() {
        assert_eq!(
            smart_apostrophes("O'Neill's 'x'").as_deref(),
            Some("O’Neill’s 'x’")
        );
        assert_eq!(smart_apostrophes("plain"), None);
    }
}
