//! Pandoc's citation syntax: `[see @smith2020, p. 33; -@doe2019]` and `@smith2020`
//! in running text.
//!
//! Only the syntax lives here; what a key means is the bibliography's business.
//! Offsets are byte offsets into the text given, so callers can report
//! `file:line:col` for an unknown key.

/// One cited work inside a citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    /// `smith2020`, `doi:10.1056/…`, `pmid:33567185`.
    pub key: String,
    /// Text before the key (`see`).
    pub prefix: String,
    /// Text after the key and its comma (`p. 33`).
    pub locator: String,
    /// `-@key`: the author is already named in the sentence.
    pub suppress_author: bool,
    /// Byte offset of the `@` in the text given to the parser.
    pub offset: usize,
}

/// Characters that may appear inside a key (Pandoc: alphanumerics and `_`, plus
/// internal punctuation).
fn is_key_inner(c: char) -> bool {
    c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)
}

fn is_key_start(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The key starting at `s` (just after `@`): the longest run of key characters,
/// without trailing punctuation. `@{odd key}` takes everything inside the braces.
pub fn key_at(s: &str) -> Option<(&str, usize)> {
    if let Some(rest) = s.strip_prefix('{') {
        let end = rest.find('}')?;
        return (end > 0).then(|| (&rest[..end], end + 2));
    }
    let first = s.chars().next()?;
    if !is_key_start(first) {
        return None;
    }
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if !is_key_inner(c) {
            break;
        }
        end = i + c.len_utf8();
    }
    // Trailing punctuation ends a sentence, it is not part of the key.
    let key = s[..end].trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
    (!key.is_empty()).then_some((key, key.len()))
}

/// Parses the inside of `[…]` (without the brackets). `None` when it is not a
/// citation (no `@key` in every part), so ordinary bracketed text stays text.
pub fn parse_bracketed(inner: &str, base: usize) -> Option<Vec<CiteItem>> {
    if !inner.contains('@') {
        return None;
    }
    let mut items = Vec::new();
    let mut part_start = 0;
    for part in inner.split(';') {
        let at = find_at(part)?;
        let before = &part[..at];
        let (suppress_author, prefix) = match before.trim_end().strip_suffix('-') {
            Some(p) if before.ends_with('-') => (true, p.trim()),
            _ => (false, before.trim()),
        };
        let (key, len) = key_at(&part[at + 1..])?;
        let after = part[at + 1 + len..].trim();
        let locator = after.strip_prefix(',').unwrap_or(after).trim();
        items.push(CiteItem {
            key: key.to_owned(),
            prefix: prefix.to_owned(),
            locator: locator.to_owned(),
            suppress_author,
            offset: base + part_start + at,
        });
        part_start += part.len() + 1;
    }
    Some(items)
}

/// The `@` that starts a key in a citation part (not one inside an e-mail address).
fn find_at(part: &str) -> Option<usize> {
    let mut prev: Option<char> = None;
    for (i, c) in part.char_indices() {
        if c == '@'
            && prev.is_none_or(|p| p.is_whitespace() || p == '-' || p == '[')
            && key_at(&part[i + 1..]).is_some()
        {
            return Some(i);
        }
        prev = Some(c);
    }
    None
}

/// `@key` citations in running text (author in text): `(offset of @, key)`.
/// `prev` is the character before `text`, if any. An `@` after a letter, digit,
/// `[`, `\` or another `@` is not a citation (e-mail addresses, escaped brackets).
pub fn in_text(text: &str, prev: Option<char>) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    let mut skip_to = 0;
    // Only `@` can start one: look at those (most text has none). `memchr`
    // rather than `match_indices`: this runs on every text event of every
    // page, most of them short, where the standard search is slower.
    for i in memchr::memchr_iter(b'@', text.as_bytes()) {
        if i < skip_to {
            continue;
        }
        let before = text[..i].chars().next_back().or(prev);
        if before.is_none_or(|p| !(p.is_alphanumeric() || "[\\@_.-/".contains(p)))
            && let Some((key, len)) = key_at(&text[i + 1..])
        {
            out.push((i, key.to_owned(), len + 1));
            skip_to = i + 1 + len;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(inner: &str) -> Option<Vec<(String, String, String, bool)>> {
        parse_bracketed(inner, 0).map(|v| {
            v.into_iter()
                .map(|i| (i.key, i.prefix, i.locator, i.suppress_author))
                .collect()
        })
    }

    #[test]
    fn bracketed_forms() {
        let s = |a: &str, b: &str, c: &str, d| (a.to_owned(), b.to_owned(), c.to_owned(), d);
        assert_eq!(
            keys("@smith2020"),
            Some(vec![s("smith2020", "", "", false)])
        );
        assert_eq!(
            keys("@smith2020; @doe2019"),
            Some(vec![
                s("smith2020", "", "", false),
                s("doe2019", "", "", false)
            ])
        );
        assert_eq!(
            keys("@smith2020, p. 33"),
            Some(vec![s("smith2020", "", "p. 33", false)])
        );
        assert_eq!(
            keys("see @smith2020"),
            Some(vec![s("smith2020", "see", "", false)])
        );
        assert_eq!(
            keys("-@smith2020"),
            Some(vec![s("smith2020", "", "", true)])
        );
        assert_eq!(
            keys("@doi:10.1056/NEJMoa2032183"),
            Some(vec![s("doi:10.1056/NEJMoa2032183", "", "", false)])
        );
        assert_eq!(
            keys("@pmid:33567185"),
            Some(vec![s("pmid:33567185", "", "", false)])
        );
        assert_eq!(
            keys("vgl. @{odd key!}"),
            Some(vec![s("odd key!", "vgl.", "", false)])
        );
    }

    #[test]
    fn bracketed_text_without_citations_is_not_a_citation() {
        assert_eq!(keys("see the guideline"), None);
        assert_eq!(keys("mail info@praxis.de"), None);
        assert_eq!(keys("@a; no key here"), None);
    }

    #[test]
    fn offsets_point_at_the_at_sign() {
        let v = parse_bracketed("see @a; @bb", 10).unwrap_or_default();
        assert_eq!(v.iter().map(|i| i.offset).collect::<Vec<_>>(), vec![14, 18]);
    }

    #[test]
    fn in_text_citations_skip_mail_addresses_and_trailing_punctuation() {
        let found = in_text("@smith2020 found it. Mail a@b.de or see @doe2019.", None);
        let keys: Vec<_> = found.iter().map(|(_, k, _)| k.as_str()).collect();
        assert_eq!(keys, ["smith2020", "doe2019"]);
        assert_eq!(found[0].0, 0);
        assert!(
            in_text("@x", Some('[')).is_empty(),
            "escaped bracket before"
        );
        assert!(in_text("@ alone", None).is_empty());
    }

    #[test]
    fn in_text_looks_at_the_character_before_each_at_sign() {
        let keys = |t: &str, prev| -> Vec<(usize, String)> {
            in_text(t, prev)
                .into_iter()
                .map(|(i, k, _)| (i, k))
                .collect()
        };
        assert_eq!(keys("Müller (@doe2019)", None), [(9, "doe2019".to_owned())]);
        assert!(keys("ä@doe2019", None).is_empty(), "after a letter");
        assert!(
            keys("@doe2019", Some('x')).is_empty(),
            "the text before ends in a letter"
        );
        assert_eq!(keys("@doe2019", Some(' ')).len(), 1);
        assert!(keys("@@doe2019", None).is_empty(), "a doubled @");
        assert!(keys("no at sign here", None).is_empty());
        // The second @ is inside the first key's span only if the key reaches it.
        assert_eq!(
            keys("@a2020 @b2021", None),
            [(0, "a2020".to_owned()), (7, "b2021".to_owned())]
        );
    }
}
