//! Likely patient identifiers in articles (code `confidentiality`, warnings).
//!
//! Case stories are how doctors teach, and a name, a birth date or an
//! insurance number left in one breaks medical confidentiality (§203 StGB)
//! and the GDPR. This check reads every content file's Markdown body, line by
//! line, and warns on what looks like it identifies a person:
//!
//! | rule | finds |
//! |---|---|
//! | `email` | e-mail addresses other than the practice's (`[legal] email`, its domain, the site's domain, reserved example domains) |
//! | `phone` | phone numbers (starting with `0` or `+`, 7–15 digits) other than the practice's (`[legal] phone`, `[extra]` keys with phone/fax/telefon) and public service numbers (0800, 0180, 0900, 116…) |
//! | `kvnr` | German health insurance numbers: a capital letter and 9 digits |
//! | `iban` | IBANs whose check digits are valid (mod 97) |
//! | `birth-date` | full dates next to a word for birth (geboren, geb., Geburtsdatum, born, date of birth, né/née, naissance, geboren op, geboortedatum) |
//! | `name-age` | a name next to an age (`Frau Anna Schmidt, 54`, `Anna Schmidt (54)`, `die 54-jährige Anna Schmidt`) or, after a form of address, a diagnosis |
//! | `address` | street addresses with house numbers (`Lindenstraße 23`, `221B Baker Street`, `12 rue de la Paix`, `Kalverstraat 92`) other than the practice's (`[legal] address`) |
//!
//! Links (`http…`, `www.…`, `mailto:`, `tel:`: published on purpose) and
//! HTML comments (never published) are not read. A line is skipped when it or the line before carries
//! `<!-- praxis:allow confidentiality -->`; a page with
//! `allow = ["confidentiality"]` in its front matter is skipped whole.

use std::path::Path;

use rayon::prelude::*;

use super::text_scan::{
    ascii_ci_occurrences, ascii_digits, count_digits_and_capitals, find_from, has_ascii_digit,
    has_digit_run, is_word_char, lines_inclusive, word_spans,
};
use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The name of this check in `allow = [...]` and in the line comment.
pub const NAME: &str = "confidentiality";
/// The comment that silences one line (on it or on the line before).
pub const ALLOW_COMMENT: &str = "<!-- praxis:allow confidentiality -->";
/// The names `allow` in front matter knows.
pub const KNOWN_ALLOWS: &[&str] = &[NAME];

/// One finding: the rule, where in the line (byte), the text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub start: usize,
    pub text: String,
    pub what: &'static str,
}

/// What the practice publishes about itself, which is never flagged.
#[derive(Debug, Clone, Default)]
pub struct Own {
    emails: Vec<String>,
    domains: Vec<String>,
    phones: Vec<String>,
    address: String,
}

impl Own {
    pub fn from_config(c: &Config) -> Own {
        let mut own = Own::default();
        let host = |url: &str| {
            let rest = url.split_once("//").map_or(url, |(_, r)| r);
            rest.split(['/', ':', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        own.domains.push(host(&c.base_url));
        if let Some(l) = &c.legal {
            if !l.email.trim().is_empty() {
                let e = l.email.trim().to_ascii_lowercase();
                if let Some((_, d)) = e.split_once('@') {
                    own.domains.push(d.to_owned());
                }
                own.emails.push(e);
            }
            own.phones.extend(phone_digits(&l.phone));
            own.address = normalise_address(&l.address);
        }
        for (k, v) in &c.extra {
            let k = k.to_ascii_lowercase();
            if ["phone", "fax", "telefon", "tel", "mobile", "handy"]
                .iter()
                .any(|w| k.contains(w))
            {
                let values: Vec<&str> = match v {
                    serde_json::Value::String(s) => vec![s],
                    serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
                    _ => Vec::new(),
                };
                own.phones
                    .extend(values.into_iter().filter_map(phone_digits));
            }
        }
        own.domains.retain(|d| !d.is_empty());
        own
    }
}

/// A phone number as national digits (`+49 30 123` → `030123`), for comparing.
fn phone_digits(s: &str) -> Option<String> {
    let s = s.replace("(0)", "");
    let plus = s.trim_start().starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 {
        return None;
    }
    let intl = if plus {
        Some(digits.clone())
    } else {
        digits.strip_prefix("00").map(str::to_owned)
    };
    Some(match intl {
        Some(d) => match d.strip_prefix("49") {
            Some(rest) => format!("0{rest}"),
            None => format!("+{d}"),
        },
        None => digits,
    })
}

fn normalise_address(s: &str) -> String {
    s.to_lowercase()
        .replace("strasse", "straße")
        .replace("str.", "straße")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What starts a link (any case); it runs to the next space or closing
/// bracket or quote.
const LINK_PREFIXES: &[&str] = &["http://", "https://", "www.", "mailto:", "tel:"];

/// Blanks out links and HTML comments (byte for byte, so offsets stay).
fn mask(text: &str) -> String {
    // Byte ranges to blank, each starting and ending on a char boundary.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(start) = find_from(text, from, "<!--") {
        let end = find_from(text, start, "-->").map_or(text.len(), |j| j + 3);
        ranges.push((start, end));
        from = end;
    }
    // A link runs to the next space or closing bracket or quote; a prefix
    // inside a link blanks the same link's tail again.
    for start in ascii_ci_occurrences(text, LINK_PREFIXES) {
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | ']'))
            .map_or(text.len(), |j| start + j);
        ranges.push((start, end));
    }
    // Citation keys (`[@smith2020]`, `@doi:10.1056/x showed`) name
    // bibliography entries, never patients; their digits would otherwise
    // wake the number rules on every cited line.
    for at in memchr::memchr_iter(b'@', text.as_bytes()) {
        let opens = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '[' | ';' | '-' | '('));
        if !opens {
            continue;
        }
        let key = text[at + 1..]
            .find(|c: char| !(c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)))
            .map_or(&text[at + 1..], |j| &text[at + 1..at + 1 + j]);
        let key = key.trim_end_matches(|c: char| !c.is_alphanumeric());
        if !key.is_empty() {
            ranges.push((at, at + 1 + key.len()));
        }
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (start, end) in ranges {
        let start = start.max(done);
        if end <= start {
            continue;
        }
        out.push_str(&text[done..start]);
        // Every byte but a line break becomes a space.
        out.extend(
            text.as_bytes()[start..end]
                .iter()
                .map(|&b| if b == b'\n' { '\n' } else { ' ' }),
        );
        done = end;
    }
    out.push_str(&text[done..]);
    out
}

/// The nearest char boundary at or after `i` (at most the length).
fn boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The character before byte `i` (inside a character: that character's letter-ness, `x`).
fn char_before(s: &str, i: usize) -> Option<char> {
    match s.get(..i) {
        Some(head) => head.chars().next_back(),
        None => Some('x'),
    }
}

fn char_at(s: &str, i: usize) -> Option<char> {
    if i < s.len() && !s.is_char_boundary(i) {
        return Some('x');
    }
    s.get(i..).and_then(|r| r.chars().next())
}

/// No letter or digit right before `i`.
fn starts_word(s: &str, i: usize) -> bool {
    char_before(s, i).is_none_or(|c| !c.is_alphanumeric())
}

/// No letter or digit at `i`.
fn ends_word(s: &str, i: usize) -> bool {
    char_at(s, i).is_none_or(|c| !c.is_alphanumeric())
}

// ---------------------------------------------------------------- e-mail

fn reserved_domain(d: &str) -> bool {
    ["example.com", "example.org", "example.net"].contains(&d)
        || [
            ".example",
            ".test",
            ".invalid",
            ".localhost",
            ".example.com",
            ".example.org",
        ]
        .iter()
        .any(|s| d.ends_with(s))
}

fn emails(line: &str, own: &Own, out: &mut Vec<Finding>) {
    let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    for (at, _) in line.match_indices('@') {
        let start = line[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| local(c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = line[at + 1..]
            .char_indices()
            .find(|&(_, c)| !domain(c))
            .map_or(line.len(), |(i, _)| at + 1 + i);
        let dom = line[at + 1..end].trim_end_matches(['.', '-']);
        let loc = line[start..at].trim_start_matches('.');
        let Some((_, tld)) = dom.rsplit_once('.') else {
            continue;
        };
        if loc.is_empty() || tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let addr = format!("{loc}@{dom}").to_ascii_lowercase();
        let d = dom.to_ascii_lowercase();
        if own.emails.contains(&addr)
            || own
                .domains
                .iter()
                .any(|o| d == *o || d.ends_with(&format!(".{o}")))
            || reserved_domain(&d)
        {
            continue;
        }
        out.push(Finding {
            rule: "email",
            start: at - (line[start..at].len() - loc.len()),
            text: format!("{loc}@{dom}"),
            what: "an e-mail address that is not the practice's",
        });
    }
}

// ---------------------------------------------------------------- phone

fn phones(line: &str, own: &Own, out: &mut Vec<Finding>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let begins = (c == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            || (c == b'(' && b.get(i + 1) == Some(&b'0'))
            || c == b'0';
        let prev_ok = || {
            char_before(line, i)
                .is_none_or(|p| !(p.is_alphanumeric() || matches!(p, '.' | ',' | '/' | '-' | '+')))
        };
        if !begins || !prev_ok() {
            i += 1;
            continue;
        }
        // Digits in groups joined by one separator; parentheses around a prefix.
        let mut j = i;
        let mut groups: Vec<usize> = Vec::new();
        let mut cur = 0usize;
        let mut seps = 0;
        while j < b.len() {
            let x = b[j];
            if x.is_ascii_digit() {
                cur += 1;
                j += 1;
            } else if x == b'+' && j == i {
                j += 1;
            } else if x == b'(' || (x == b')' && line[i..j].contains('(')) {
                if cur > 0 {
                    groups.push(cur);
                    cur = 0;
                }
                j += 1;
                if x == b')' && b.get(j) == Some(&b' ') {
                    j += 1;
                }
            } else if matches!(x, b' ' | b'/' | b'-')
                && cur > 0
                && b.get(j + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'(')
            {
                groups.push(cur);
                cur = 0;
                seps += 1;
                j += 1;
            } else {
                break;
            }
        }
        if cur > 0 {
            groups.push(cur);
        }
        let end = j;
        let digits: usize = groups.iter().sum();
        let first = groups.first().copied().unwrap_or(0);
        let text = line[i..end].trim_end_matches([' ', '/', '-', '(']);
        if (7..=15).contains(&digits)
            && first >= 2
            && seps <= 6
            && ends_word(line, end)
            && let Some(norm) = phone_digits(text)
        {
            let national = norm.trim_start_matches('0');
            let public = ["800", "180", "900", "116", "137"]
                .iter()
                .any(|p| national.starts_with(p))
                || norm.starts_with("+4980")
                || norm.starts_with("+44800");
            let mine = own.phones.iter().any(|p| norm.starts_with(p.as_str()));
            if !public && !mine {
                out.push(Finding {
                    rule: "phone",
                    start: i,
                    text: text.to_owned(),
                    what: "a phone number that is not the practice's",
                });
            }
        }
        i = end.max(i + 1);
    }
}

// ---------------------------------------------------------------- KVNR, IBAN

fn kvnrs(line: &str, out: &mut Vec<Finding>) {
    let b = line.as_bytes();
    for i in 0..b.len() {
        if b[i].is_ascii_uppercase()
            && starts_word(line, i)
            && b.len() >= i + 10
            && b[i + 1..i + 10].iter().all(u8::is_ascii_digit)
            && ends_word(line, i + 10)
        {
            out.push(Finding {
                rule: "kvnr",
                start: i,
                text: line[i..i + 10].to_owned(),
                what: "a German health insurance number (KVNR)",
            });
        }
    }
}

/// ISO 13616: move the first four characters to the end, letters to numbers, mod 97 = 1.
pub fn iban_valid(compact: &str) -> bool {
    let n = compact.len();
    if !(15..=34).contains(&n) || !compact.is_ascii() {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let b = head.as_bytes();
    if !(b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

fn ibans(line: &str, out: &mut Vec<Finding>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        let head = b[i].is_ascii_uppercase()
            && b[i + 1].is_ascii_uppercase()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && starts_word(line, i);
        if !head {
            i += 1;
            continue;
        }
        // Alphanumeric runs joined by single spaces; try the longest that validates.
        let mut ends = Vec::new();
        let mut j = i;
        let mut compact = String::new();
        while j < b.len() {
            if b[j].is_ascii_uppercase() || b[j].is_ascii_digit() {
                compact.push(b[j] as char);
                j += 1;
                if j == b.len() || !(b[j].is_ascii_uppercase() || b[j].is_ascii_digit()) {
                    ends.push((j, compact.clone()));
                }
            } else if b[j] == b' '
                && b.get(j + 1)
                    .is_some_and(|n| n.is_ascii_uppercase() || n.is_ascii_digit())
            {
                j += 1;
            } else {
                break;
            }
            if compact.len() > 34 {
                break;
            }
        }
        let found = ends
            .iter()
            .rev()
            .find(|(end, c)| ends_word(line, *end) && iban_valid(c));
        if let Some((end, _)) = found {
            out.push(Finding {
                rule: "iban",
                start: i,
                text: line[i..*end].to_owned(),
                what: "an IBAN (valid check digits)",
            });
            i = *end;
        } else {
            i += 1;
        }
    }
}

// ---------------------------------------------------------------- dates

/// Month names besides the full ones of `date` (see [`is_month`]): the
/// Austrian January and the usual abbreviations.
const MONTH_VARIANTS: &[&str] = &[
    "jänner", "jan", "feb", "mär", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct",
    "nov", "dez", "dec", "janv", "févr", "avr", "juil", "déc", "mrt",
];

fn is_month(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    crate::date::is_month_name(w) || MONTH_VARIANTS.contains(&w.to_lowercase().as_str())
}

/// A word of a line: start and end byte, and the text.
type Word<'a> = (usize, usize, &'a str);

/// The words of a line with their byte spans.
fn words(line: &str) -> Vec<Word<'_>> {
    word_spans(line).map(|(s, e)| (s, e, &line[s..e])).collect()
}

fn number(w: &str, min: usize, max: usize) -> Option<u32> {
    let d = w.trim_end_matches('.');
    if d.len() >= min && d.len() <= max && d.chars().all(|c| c.is_ascii_digit()) {
        d.parse().ok()
    } else {
        None
    }
}

/// Full dates (day, month and year) in a line: spans.
fn full_dates(line: &str, ws: &[Word<'_>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Numeric: 12.03.1971, 12/03/1971, 12-03-1971, 1971-03-12.
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || !starts_word(line, i) {
            i += 1;
            continue;
        }
        let end = line[i..]
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '/' | '-')))
            .map_or(line.len(), |j| i + j);
        let tok = line[i..end].trim_end_matches(['.', '/', '-']);
        let parts: Vec<&str> = tok.split(['.', '/', '-']).collect();
        let ok = match parts.as_slice() {
            [d, m, y] if d.len() <= 2 && m.len() <= 2 && y.len() == 4 => {
                matches!(
                    (d.parse::<u32>(), m.parse::<u32>()),
                    (Ok(1..=31), Ok(1..=12))
                )
            }
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
                matches!(
                    (d.parse::<u32>(), m.parse::<u32>()),
                    (Ok(1..=31), Ok(1..=12))
                )
            }
            _ => false,
        };
        if ok {
            out.push((i, i + tok.len()));
        }
        i = end.max(i + 1);
    }
    // With a month name: 3. März 1971, 3 March 1971, 1er mars 1971, March 3, 1971.
    for k in 0..ws.len() {
        let (s, _, w) = ws[k];
        // A day starts with a digit; most words are ruled out by that alone.
        let day = |w: &str| {
            w.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && number(w.trim_end_matches("er"), 1, 2).is_some_and(|d| (1..=31).contains(&d))
        };
        if day(w)
            && let (Some(m), Some(y)) = (ws.get(k + 1), ws.get(k + 2))
            && number(y.2, 4, 4).is_some()
            && is_month(m.2)
        {
            out.push((s, y.1));
        }
        if let (Some(d), Some(y)) = (ws.get(k + 1), ws.get(k + 2))
            && day(d.2)
            && number(y.2, 4, 4).is_some()
            && is_month(w)
        {
            out.push((s, y.1));
        }
    }
    out
}

const BIRTH_WORDS: &[&str] = &[
    "geboren",
    "geb.",
    "geburtsdatum",
    "geburtstag",
    "born",
    "birth",
    "dob",
    "d.o.b.",
    "né",
    "née",
    "naissance",
    "geboortedatum",
    "gebürtig",
    "geb",
];

/// A birth word as a whole word in `s`.
fn has_birth_word(s: &str) -> bool {
    let lower = s.to_lowercase();
    BIRTH_WORDS.iter().any(|w| {
        lower.match_indices(w).any(|(i, _)| {
            let before = starts_word(&lower, i);
            let end = i + w.len();
            let after = w.ends_with('.') || ends_word(&lower, end);
            before && after
        })
    })
}

fn birth_dates(line: &str, ws: &[Word<'_>], out: &mut Vec<Finding>) {
    for (s, e) in full_dates(line, ws) {
        let before = &line[boundary(line, s.saturating_sub(40))..s];
        let after = &line[e..boundary(line, e + 20)];
        if has_birth_word(before) || has_birth_word(after) {
            out.push(Finding {
                rule: "birth-date",
                start: s,
                text: line[s..e].to_owned(),
                what: "a date of birth",
            });
        }
    }
}

// ---------------------------------------------------------------- names

const HONORIFICS: &[&str] = &[
    "frau",
    "herr",
    "herrn",
    "fr",
    "hr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mme",
    "madame",
    "monsieur",
    "mlle",
    "mademoiselle",
    "mevrouw",
    "mevr",
    "meneer",
    "dhr",
    "patientin",
    "patient",
    "patiënt",
    "patiënte",
    "patiente",
    "m",
];

const PARTICLES: &[&str] = &[
    "von", "van", "de", "der", "den", "ter", "ten", "du", "le", "la", "zu", "vom",
];

/// Capitalised words that start sentences or are common nouns, never names.
const NOT_NAMES: &[&str] = &[
    "Der", "Die", "Das", "Ein", "Eine", "Im", "In", "Mit", "Bei", "Nach", "Vor", "Von", "Für",
    "Am", "An", "Auf", "Aus", "Zum", "Zur", "Und", "Oder", "The", "A", "An", "In", "At", "On",
    "With", "For", "And", "Of", "Le", "La", "Les", "Un", "Une", "Des", "Du", "Het", "Een", "Bij",
    "Met", "Voor", "Typ", "Type", "Studie", "Study", "Tabelle",
];

/// A capitalised word: an upper-case letter, then lower-case letters (and
/// at least one), with capitals only after `-` or an apostrophe.
fn is_name_word(w: &str) -> bool {
    // Most words start with an ASCII byte that is not a capital.
    if w.as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return false;
    }
    let mut chars = w.chars();
    let Some(mut prev) = chars.next() else {
        return false;
    };
    if !prev.is_uppercase() {
        return false;
    }
    let mut lower = false;
    let mut more = false;
    for c in chars {
        more = true;
        let joiner = |c: char| matches!(c, '-' | '\'' | '’');
        if c.is_lowercase() {
            lower = true;
        } else if !(joiner(c) || (c.is_uppercase() && joiner(prev))) {
            return false;
        }
        prev = c;
    }
    more && lower && !is_not_name(w)
}

/// For each ASCII first byte, the byte lengths of the words in
/// [`NOT_NAMES`] starting with it, as bits.
const NOT_NAME_LENGTHS: [u32; 128] = {
    let mut t = [0u32; 128];
    let mut i = 0;
    while i < NOT_NAMES.len() {
        let w = NOT_NAMES[i].as_bytes();
        t[w[0] as usize] |= 1 << w.len();
        i += 1;
    }
    t
};

/// `w` is in [`NOT_NAMES`]: most capitalised words are ruled out by their
/// first byte and length without comparing.
fn is_not_name(w: &str) -> bool {
    let b = w.as_bytes();
    b.first().is_some_and(|&f| {
        f.is_ascii() && b.len() < 32 && NOT_NAME_LENGTHS[f as usize] & (1 << b.len()) != 0
    }) && NOT_NAMES.contains(&w)
}

const AGE_UNITS: &[&str] = &[
    "jahre", "jahren", "j", "jährig", "jährige", "years", "year", "yo", "y", "ans", "an", "jaar",
];

/// An age right after a name: `, 54`, `, 54,`, `(54)`, `, 54 Jahre`, `, 47 ans`.
fn age_after(rest: &str) -> Option<u32> {
    let t = rest.trim_start();
    let (inner, paren) = if let Some(r) = t.strip_prefix('(') {
        (r.trim_start(), true)
    } else if let Some(r) = t.strip_prefix(',') {
        (r.trim_start(), false)
    } else {
        return None;
    };
    let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 3 {
        return None;
    }
    let age: u32 = digits.parse().ok()?;
    if age > 120 {
        return None;
    }
    let after = &inner[digits.len()..];
    let next = after.chars().next();
    let ok = match next {
        None => true,
        Some(c) if paren => c == ')' || c == ' ' && unit_follows(after),
        Some(',' | ';' | ':' | ')') => true,
        Some('.') => !after[1..].starts_with(|c: char| c.is_ascii_digit()),
        Some(' ' | '-') => unit_follows(after),
        _ => false,
    };
    ok.then_some(age)
}

fn unit_follows(after: &str) -> bool {
    let w: String = after
        .trim_start_matches([' ', '-'])
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    AGE_UNITS.contains(&w.as_str()) || w.starts_with("jährig") || w == "year-old"
}

/// The characters [`age_before`] reads at the end of the text before a
/// name: the longest suffix and the digit before it, and some to spare.
const AGE_BEFORE_CHARS: usize = 16;

/// `54-jährige`, `54-year-old`, `54-jarige` right before the name.
fn age_before(before: &str) -> bool {
    // Only the end is compared: lower-case that alone (lower-casing goes
    // character by character and never drops one).
    let before = before.trim_end();
    let tail = before
        .char_indices()
        .rev()
        .nth(AGE_BEFORE_CHARS - 1)
        .map_or(before, |(i, _)| &before[i..]);
    let lower = tail.to_lowercase();
    AGE_BEFORE_ENDINGS.iter().any(|suffix| {
        lower.ends_with(suffix)
            && lower[..lower.len() - suffix.len()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
    })
}

const DIAGNOSIS: &[&str] = &[
    "diagnos",
    "leidet an",
    "leidet unter",
    "erkrankt",
    "suffers from",
    "suffering from",
    "was treated for",
    "lijdt aan",
    "souffre d",
    "atteinte d",
    "atteint d",
    "hat diabetes",
    "has diabetes",
    "gediagnosticeerd",
];

/// Whether any of `needles` occurs in `hay`: one pass over `hay`, comparing
/// where a needle's first byte is.
fn contains_any(hay: &str, needles: &[&str]) -> bool {
    let b = hay.as_bytes();
    (0..b.len()).any(|i| {
        needles
            .iter()
            .any(|n| n.as_bytes().first() == Some(&b[i]) && b[i..].starts_with(n.as_bytes()))
    })
}

/// The bytes a form of address starts with: `d`, `f`, `h`, `m`, `p` in
/// either case.
const HONORIFIC_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let letters = b"dfhmpDFHMP";
    let mut i = 0;
    while i < letters.len() {
        t[letters[i] as usize] = true;
        i += 1;
    }
    t
};

/// The longest form of address in bytes (`mademoiselle`).
const HONORIFIC_MAX: usize = 12;

/// For each lower-case first byte, the byte lengths of the forms of address
/// starting with it, as bits: most words are ruled out by this one look-up.
const HONORIFIC_LENGTHS: [u32; 128] = {
    let mut t = [0u32; 128];
    let mut i = 0;
    while i < HONORIFICS.len() {
        let h = HONORIFICS[i].as_bytes();
        t[h[0] as usize] |= 1 << h.len();
        i += 1;
    }
    t
};

/// Up to 15 ASCII bytes, lower-cased, and their number, as one integer: two
/// words are equal ignoring ASCII case when their keys are.
const fn ascii_key(w: &[u8]) -> u128 {
    let mut key = w.len() as u128;
    let mut i = 0;
    while i < w.len() && i < 15 {
        key |= (w[i].to_ascii_lowercase() as u128) << (8 * (i + 1));
        i += 1;
    }
    key
}

/// The keys ([`ascii_key`]) of the forms of address that are ASCII (0 for
/// the others, which no ASCII word equals).
const HONORIFIC_KEYS: [u128; HONORIFICS.len()] = {
    let mut t = [0u128; HONORIFICS.len()];
    let mut i = 0;
    while i < HONORIFICS.len() {
        let h = HONORIFICS[i].as_bytes();
        if h.is_ascii() {
            t[i] = ascii_key(h);
        }
        i += 1;
    }
    t
};

/// [`is_honorific`] for an ASCII word: by first byte and length, then by key.
fn is_ascii_honorific(w: &[u8]) -> bool {
    let Some(&first) = w.first() else {
        return false;
    };
    let first = first.to_ascii_lowercase();
    first.is_ascii()
        && w.len() <= HONORIFIC_MAX
        && HONORIFIC_LENGTHS[first as usize] & (1 << w.len()) != 0
        && HONORIFIC_KEYS.contains(&ascii_key(w))
}

/// A form of address: `Frau`, `Mr`, `patiënte` (any case).
fn is_honorific(w: &str) -> bool {
    if !w
        .as_bytes()
        .first()
        .is_some_and(|&b| HONORIFIC_FIRST[b as usize])
        || w.len() > HONORIFIC_MAX
    {
        return false;
    }
    if w.is_ascii() {
        return is_ascii_honorific(w.as_bytes());
    }
    // Forms of address are in lower case and start with an ASCII letter.
    let first = w.as_bytes()[0].to_ascii_lowercase();
    // The lower-case form, compared without building it, after the ASCII
    // bytes before the first other character (which lower-case byte for
    // byte).
    let ascii = w.bytes().take_while(u8::is_ascii).count();
    HONORIFICS
        .iter()
        .filter(|h| h.as_bytes()[0] == first)
        .any(|h| {
            h.len() >= ascii
                && h.as_bytes()[..ascii].eq_ignore_ascii_case(&w.as_bytes()[..ascii])
                && h.chars().eq(w.chars().flat_map(char::to_lowercase))
        })
}

/// Names next to an age (needs a digit in the line) or, after a form of
/// address, next to a diagnosis.
fn names(line: &str, ws: &[Word<'_>], out: &mut Vec<Finding>) {
    let mut k = 0;
    while k < ws.len() {
        // An optional form of address (with or without a dot).
        let honorific = is_honorific(ws[k].2)
            && (ws[k].2.chars().next().is_some_and(char::is_uppercase) || ws[k].2.len() > 3);
        let first = if honorific { k + 1 } else { k };
        let mut j = first;
        let mut name_words = 0;
        let mut last_end = 0;
        while j < ws.len() {
            let w = ws[j].2;
            // Words must follow each other with only spaces (or a dot after an abbreviation) between.
            let gap = if j > 0 {
                &line[ws[j - 1].1..ws[j].0]
            } else {
                ""
            };
            if j > first && !gap.chars().all(|c| c == ' ') {
                break;
            }
            if j == first && honorific && !matches!(gap.trim(), "" | ".") {
                break;
            }
            if is_name_word(w) {
                name_words += 1;
                last_end = ws[j].1;
                j += 1;
            } else if name_words > 0
                && PARTICLES.contains(&w)
                && ws.get(j + 1).is_some_and(|n| is_name_word(n.2))
            {
                j += 1;
            } else {
                break;
            }
        }
        let enough = if honorific {
            name_words >= 1
        } else {
            name_words >= 2
        };
        if !enough {
            k += 1;
            continue;
        }
        let rest = &line[last_end..];
        let with_age = age_after(rest).is_some() || age_before(&line[..ws[k].0]);
        let with_diagnosis = honorific && {
            let window = &rest[..boundary(rest, 80)];
            let lower = window.to_lowercase();
            contains_any(&lower, DIAGNOSIS)
        };
        if with_age || with_diagnosis {
            out.push(Finding {
                rule: "name-age",
                start: ws[k].0,
                text: line[ws[k].0..last_end].to_owned(),
                what: if with_age {
                    "a name next to an age"
                } else {
                    "a name next to a diagnosis"
                },
            });
        }
        k = j.max(k + 1);
    }
}

// ---------------------------------------------------------------- addresses

const STREET_SUFFIXES: &[&str] = &[
    "straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer", "chaussee",
    "straat", "laan", "plein", "gracht", "kade", "steeg", "singel",
];

const STREET_TYPES_EN: &[&str] = &[
    "Street",
    "St",
    "Road",
    "Rd",
    "Avenue",
    "Ave",
    "Lane",
    "Drive",
    "Close",
    "Way",
    "Court",
    "Crescent",
    "Place",
    "Terrace",
    "Boulevard",
    "Gardens",
];

const STREET_TYPES_FR: &[&str] = &[
    "rue",
    "avenue",
    "av",
    "boulevard",
    "bd",
    "place",
    "chemin",
    "impasse",
    "allée",
    "quai",
    "cours",
];

/// A house number: 1–3 digits and an optional letter, then the end of the
/// line, punctuation or a postcode.
fn house_number(s: &str) -> Option<usize> {
    let t = s.strip_prefix(' ')?;
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let mut n = digits;
    if t[n..].starts_with(|c: char| c.is_ascii_lowercase()) && ends_word(t, n + 1) {
        n += 1;
    }
    if t[n..].starts_with('-') && t[n + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        n += 1 + t[n + 1..].chars().take_while(char::is_ascii_digit).count();
    }
    let after = &t[n..];
    let ok = after.is_empty()
        || after.starts_with([',', ';', ')', ':'])
        || (after.starts_with('.') && !after[1..].starts_with(|c: char| c.is_ascii_digit()))
        || after
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .count()
            == 5;
    ok.then_some(1 + n)
}

/// Whether `w` (followed by a dot when `dot`) can end in one of
/// [`STREET_SUFFIXES`] once lower-cased: `false` only for an ASCII word that
/// ends in none of them, compared ignoring ASCII case without a lower-cased
/// copy (most words of a line are ruled out here).
fn may_end_in_street_suffix(w: &str, dot: bool) -> bool {
    if !w.is_ascii() {
        return true;
    }
    let ends = |suffix: &str| {
        w.len() >= suffix.len()
            && w.as_bytes()[w.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    STREET_SUFFIXES
        .iter()
        .any(|suffix| ends(suffix) || (dot && suffix.strip_suffix('.').is_some_and(&ends)))
}

fn addresses(line: &str, ws: &[Word<'_>], own: &Own, out: &mut Vec<Finding>) {
    let b = line.as_bytes();
    // A house number starts with a space and a digit (see [`house_number`]).
    let number_at =
        |i: usize| b.get(i) == Some(&b' ') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (k, &(s, e, w)) in ws.iter().enumerate() {
        // Lindenstraße 23, Berliner Straße 5, Kalverstraat 92 (a dot may end `Str.`).
        let e_dot = if line[e..].starts_with('.') { e + 1 } else { e };
        // Only a word a house number follows (right after it or after its
        // dot) can be a street: most words are passed over here.
        let numbered = number_at(e) || (e_dot > e && number_at(e_dot));
        let lower = (numbered && may_end_in_street_suffix(w, e_dot > e)).then(|| w.to_lowercase());
        let suffix = lower.as_ref().and_then(|lower| {
            let word_dot = if e_dot > e {
                format!("{lower}.")
            } else {
                lower.clone()
            };
            STREET_SUFFIXES
                .iter()
                .find(|suf| word_dot.ends_with(*suf) || lower.ends_with(*suf))
        });
        if let (Some(suf), Some(lower)) = (suffix, &lower)
            && w.chars().next().is_some_and(char::is_uppercase)
        {
            let end = if suf.ends_with('.') { e_dot } else { e };
            let compound = lower.trim_end_matches('.').chars().count()
                > suf.trim_end_matches('.').chars().count();
            let after_name = k > 0
                && ws[k - 1].2.chars().next().is_some_and(char::is_uppercase)
                && line[ws[k - 1].1..s].chars().all(|c| c == ' ');
            if (compound || after_name)
                && let Some(n) = house_number(&line[end..])
            {
                let start = if compound { s } else { ws[k - 1].0 };
                found.push((start, end + n));
            }
        }
        // 221B Baker Street; 12 rue de la Paix.
        if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let leading = w.chars().take_while(char::is_ascii_digit).count();
        if (1..=4).contains(&leading)
            && w[leading..].chars().all(|c| c.is_ascii_alphabetic())
            && w.len() - leading <= 1
            && starts_word(line, s)
        {
            let mut j = k + 1;
            let mut capital = 0;
            while j < ws.len()
                && j <= k + 4
                && line[ws[j - 1].1..ws[j].0]
                    .chars()
                    .all(|c| c == ' ' || c == ',')
            {
                let x = ws[j].2;
                let x_dot = x.trim_end_matches('.');
                if capital > 0 && STREET_TYPES_EN.contains(&x_dot) {
                    found.push((s, ws[j].1));
                    break;
                }
                if j == k + 1
                    && STREET_TYPES_FR.contains(&x_dot.to_lowercase().as_str())
                    && x.chars().next().is_some_and(char::is_lowercase)
                {
                    // The French street name follows: take words up to the line's punctuation.
                    let mut m = j + 1;
                    while m < ws.len()
                        && m <= j + 4
                        && line[ws[m - 1].1..ws[m].0]
                            .chars()
                            .all(|c| c == ' ' || c == '\'' || c == '’')
                    {
                        if ws[m].2.chars().next().is_some_and(char::is_uppercase) {
                            found.push((s, ws[m].1));
                            break;
                        }
                        m += 1;
                    }
                    break;
                }
                if x.chars().next().is_some_and(char::is_uppercase) {
                    capital += 1;
                    j += 1;
                } else {
                    break;
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup_by(|a, b| a.0 < b.1);
    for (s, e) in found {
        let text = line[s..e]
            .trim_end_matches([',', ';', '.', ')', ':'])
            .trim();
        if !own.address.is_empty() && own.address.contains(&normalise_address(text)) {
            continue;
        }
        out.push(Finding {
            rule: "address",
            start: s,
            text: text.to_owned(),
            what: "a street address with a house number",
        });
    }
}

// ---------------------------------------------------------------- driver

/// Every finding in one line (links and comments already blanked).
pub fn scan_line(line: &str, own: &Own) -> Vec<Finding> {
    scan_line_with(line, own, true, true)
}

/// A form of address that [`names`] could take for one before a name: one
/// it accepts (capitalised or longer than three bytes) followed by only
/// spaces and at most one dot, then a capital letter. `patient` is a form of
/// address, so many lines of a clinical text hold one; few hold one before a
/// capitalised word. Found from the capitals, which are rarer than the
/// letters forms of address start with: eight bytes at a time, the ASCII
/// capitals and the bytes of other characters are marked in one integer
/// ([`capitals_and_wide`]) and only the marked places are looked at.
fn honorific_before_name(line: &str) -> bool {
    let b = line.as_bytes();
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let mut marked = capitals_and_wide(u64::from_le_bytes(word));
        while marked != 0 {
            let i = base + (marked.trailing_zeros() / 8) as usize;
            marked &= marked - 1;
            if capital_before_honorific(line, i) {
                return true;
            }
        }
        base += 8;
    }
    (base..b.len()).any(|i| {
        (b[i].is_ascii_uppercase() || !b[i].is_ascii()) && capital_before_honorific(line, i)
    })
}

/// For eight bytes read as one little-endian integer, the top bit of each
/// byte that is an ASCII capital or not ASCII (every byte of another
/// character): the capitals of eight bytes found in a few instructions.
fn capitals_and_wide(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The low seven bits of each byte: adding cannot carry into the next.
    let low = x & !HIGH;
    let from_a = low + ONES * (0x80 - u64::from(b'A'));
    let past_z = low + ONES * (0x80 - u64::from(b'Z') - 1);
    ((from_a & !past_z) | x) & HIGH
}

/// Whether byte `i` starts a capital letter that a form of address
/// [`names`] accepts ends before (continuation bytes of a character are
/// passed over).
fn capital_before_honorific(line: &str, i: usize) -> bool {
    let b = line.as_bytes();
    let x = b[i];
    let upper = x.is_ascii_uppercase()
        || match x {
            // U+00C0–U+00FF: the capitals are U+00C0–U+00DE but for `×`.
            0xC3 => b
                .get(i + 1)
                .is_some_and(|&y| (0x80..=0x9E).contains(&y) && y != 0x97),
            0xC4.. => line
                .get(i..)
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_uppercase),
            _ => false,
        };
    upper && honorific_ends_before(line, i)
}

/// [`honorific_ends_before`] read byte by byte, as long as the bytes it
/// looks at are ASCII (most are); `None` when a character that is not ASCII
/// is in the way (then the characters are read whole).
fn honorific_ends_before_ascii(b: &[u8], at: usize) -> Option<bool> {
    let mut j = at;
    let before = *b.get(j.checked_sub(1)?)?;
    if !before.is_ascii() {
        return None;
    }
    if is_word_byte(before) {
        return Some(false);
    }
    // `char::is_whitespace` on ASCII, which `trim_end` strips.
    let space = |x: u8| matches!(x, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    while j > 0 && space(b[j - 1]) {
        j -= 1;
    }
    if j > 0 && b[j - 1] == b'.' {
        j -= 1;
        while j > 0 && space(b[j - 1]) {
            j -= 1;
        }
    }
    // The word before ends at `end`. Rather than walk back to its start,
    // each length a form of address ending in its last letter can have is
    // tried: the word of that length must start after a byte that is no
    // word's, and be that form of address.
    let end = j;
    let last = *b.get(end.checked_sub(1)?)?;
    if !last.is_ascii() {
        return None;
    }
    let before_last = end.checked_sub(2).map_or(0, |i| b[i]);
    // `patiënt`, `patiënte`: the forms of address that are not ASCII, and
    // the only words with other characters that lower-case into one (see
    // the tests); such a word, ending in `nt` or `te`, is read character by
    // character.
    let pair = [before_last.to_ascii_lowercase(), last.to_ascii_lowercase()];
    if matches!(&pair, b"nt" | b"te") && b[end.saturating_sub(9)..end].contains(&0xC3) {
        return None;
    }
    let mut lengths = HONORIFIC_TAIL_LENGTHS[tail_index(before_last, last)];
    while lengths != 0 {
        let len = lengths.trailing_zeros() as usize;
        lengths &= lengths - 1;
        let Some(start) = end.checked_sub(len) else {
            break;
        };
        let w = &b[start..end];
        if !is_ascii_honorific(w) {
            continue;
        }
        // The word is longer than the form of address unless the byte
        // before is no word's (a character that is not ASCII: read whole).
        match start.checked_sub(1).map(|i| b[i]) {
            Some(x) if !x.is_ascii() => return None,
            Some(x) if is_word_byte(x) => continue,
            _ => return Some(w[0].is_ascii_uppercase() || w.len() > 3),
        }
    }
    Some(false)
}

/// Where the last two bytes of a word go in [`HONORIFIC_TAIL_LENGTHS`]:
/// their low five bits (the same for both cases of a letter; other bytes
/// share places with letters, which only lets more words through).
const fn tail_index(before_last: u8, last: u8) -> usize {
    ((before_last & 31) as usize) << 5 | (last & 31) as usize
}

/// For the last two bytes of a word ([`tail_index`]), the byte lengths of
/// the ASCII forms of address that can end with them, as bits: most words
/// before a capital end in two letters no form of address ends in.
const HONORIFIC_TAIL_LENGTHS: [u32; 1024] = {
    let mut t = [0u32; 1024];
    let mut i = 0;
    while i < HONORIFICS.len() {
        let h = HONORIFICS[i].as_bytes();
        let n = h.len();
        // Each ends with a lower-case ASCII letter, the last byte tried.
        assert!(h[n - 1].is_ascii_lowercase());
        if h.is_ascii() {
            if n >= 2 {
                t[tail_index(h[n - 2], h[n - 1])] |= 1 << n;
            } else {
                // A one-letter form of address (`m`): any byte before it.
                let mut a = 0;
                while a < 32 {
                    t[tail_index(a, h[0])] |= 1 << n;
                    a += 1;
                }
            }
        }
        i += 1;
    }
    t
};

/// An ASCII byte that belongs to a word (see [`is_word_char`]).
fn is_word_byte(x: u8) -> bool {
    x.is_ascii_alphanumeric() || x == b'-' || x == b'\''
}

/// Whether a form of address [`names`] accepts ends before the capital at
/// `at`, with only spaces and at most one dot between.
fn honorific_ends_before(line: &str, at: usize) -> bool {
    if let Some(found) = honorific_ends_before_ascii(line.as_bytes(), at) {
        return found;
    }
    let head = &line[..at];
    // The capital starts a word: a form of address is a whole word.
    if head.chars().next_back().is_none_or(is_word_char) {
        return false;
    }
    let head = head.trim_end();
    let head = head.strip_suffix('.').unwrap_or(head).trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(head.len(), |(i, _)| i);
    let w = &head[start..];
    is_honorific(w) && (w.starts_with(char::is_uppercase) || w.len() > 3)
}

/// Whether `line` holds how every IBAN starts: two capitals and two
/// digits (found from the digits, which are rarer than capitals in prose).
fn may_hold_iban(line: &str) -> bool {
    let b = line.as_bytes();
    ascii_digits(line).any(|i| {
        i >= 2
            && b[i - 2].is_ascii_uppercase()
            && b[i - 1].is_ascii_uppercase()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
    })
}

/// The endings [`age_before`] knows, after the digits of an age.
const AGE_BEFORE_ENDINGS: &[&str] = &[
    "-jährige",
    "-jähriger",
    "-jährigen",
    "-year-old",
    "-jarige",
    " jarige",
    "-jährig",
    " ans",
];

/// Whether `line` holds what [`names`] needs to take a name without a form
/// of address: an age after it (`,` or `(`, white space, a digit; see
/// [`age_after`]) or before it (a digit, an ending of [`AGE_BEFORE_ENDINGS`]
/// in any case, white space and a character that can start a name; see
/// [`age_before`]).
fn may_hold_age(line: &str) -> bool {
    let b = line.as_bytes();
    let after = memchr::memchr2_iter(b',', b'(', b).any(|i| {
        // After an ASCII byte is always a character boundary.
        line[i + 1..]
            .trim_start()
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_digit)
    });
    after
        || ascii_digits(line).any(|i| {
            // The ending's first two bytes, `-` or a space and a letter no
            // other character lower-cases into (see the tests), rule out
            // most digits.
            matches!(b.get(i + 1), Some(b'-' | b' '))
                && matches!(b.get(i + 2), Some(b'j' | b'J' | b'y' | b'Y' | b'a' | b'A'))
                && age_ending_before_name(&line[i + 1..])
        })
}

/// Whether `rest` starts with an ending of [`AGE_BEFORE_ENDINGS`] (any case),
/// then white space and an upper-case ASCII letter or a character that is
/// not ASCII.
fn age_ending_before_name(rest: &str) -> bool {
    let longest = AGE_BEFORE_ENDINGS
        .iter()
        .map(|e| e.chars().count())
        .max()
        .unwrap_or(0);
    let lower: Vec<char> = rest
        .chars()
        .take(longest)
        .flat_map(char::to_lowercase)
        .collect();
    AGE_BEFORE_ENDINGS.iter().any(|ending| {
        let n = ending.chars().count();
        // The ending's characters each come from one character of `rest`
        // (see the tests), so the rest of the line follows its `n`th.
        lower.len() >= n
            && lower[..n].iter().copied().eq(ending.chars())
            && rest[rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i)..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase() || !c.is_ascii())
    })
}

/// Whether `line` holds what [`addresses`] needs: a house number (a space
/// and a digit) after a word that can end in a street suffix (`Lindenstraße
/// 23`, `Str. 5`), or a number of one to four digits and at most one letter
/// starting a word, then spaces or commas and a word that can start a street
/// (a capital, a character that is not ASCII, or the first letter of a
/// French street type: `221B Baker Street`, `12 rue de la Paix`).
fn may_hold_address(line: &str) -> bool {
    let b = line.as_bytes();
    ascii_digits(line).any(|i| {
        // A house number after a street.
        if i >= 2 && b[i - 1] == b' ' {
            let e = if b[i - 2] == b'.' { i - 2 } else { i - 1 };
            let tail = &b[e.saturating_sub(8)..e];
            if !tail.is_ascii() || may_end_in_street_suffix_bytes(tail, e < i - 1) {
                return true;
            }
        }
        // A number starting a street (a word of its own).
        let starts = i == 0 || {
            let x = b[i - 1];
            !x.is_ascii() || !is_word_byte(x)
        };
        if !starts {
            return false;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j - i > 4 {
            return false;
        }
        if j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        if !matches!(b.get(j), Some(b' ' | b',')) {
            return false;
        }
        while j < b.len() && matches!(b[j], b' ' | b',') {
            j += 1;
        }
        b.get(j).is_some_and(|&x| {
            !x.is_ascii()
                || x.is_ascii_uppercase()
                || STREET_TYPES_FR.iter().any(|t| t.as_bytes()[0] == x)
        })
    })
}

/// [`may_end_in_street_suffix`] for the last bytes of an ASCII word (at
/// least as many as the longest suffix, or the whole word): whether they end
/// in a street suffix, ignoring ASCII case.
fn may_end_in_street_suffix_bytes(tail: &[u8], dot: bool) -> bool {
    let ends = |suffix: &str| {
        tail.len() >= suffix.len()
            && tail[tail.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    STREET_SUFFIXES
        .iter()
        .any(|suffix| ends(suffix) || (dot && suffix.strip_suffix('.').is_some_and(&ends)))
}

/// [`scan_line`]; without `skim`, every rule runs on every line (for tests:
/// the skimming must find the same).
/// `may_hold_at` is false when the whole text the line is from holds no `@`.
fn scan_line_with(line: &str, own: &Own, skim: bool, may_hold_at: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    // Every rule but a name with a diagnosis needs a digit (an age, a date,
    // a number) or an `@`; most prose lines have neither, so they skip the
    // word-level rules.
    let digits = has_ascii_digit(line);
    if (may_hold_at || !skim) && line.contains('@') {
        emails(line, own, &mut out);
    }
    if digits {
        // A phone number has 7 digits or more, a KVNR 9, an IBAN 15 capitals
        // and digits or more: most lines with a digit have too few.
        let (count, capitals) = if skim {
            count_digits_and_capitals(line)
        } else {
            (usize::MAX, usize::MAX)
        };
        if count >= 7 {
            phones(line, own, &mut out);
        }
        if count >= 9 {
            kvnrs(line, &mut out);
        }
        if count.saturating_add(capitals) >= 15 && (!skim || may_hold_iban(line)) {
            ibans(line, &mut out);
        }
    }
    // Every full date has a year of four digits in a row.
    let dated = digits && (!skim || has_digit_run(line, 4));
    // Most lines with a digit hold no number a street address could end in
    // and no age next to where a name could be; without a digit only a
    // name after a form of address can be found.
    let addressed = digits && (!skim || may_hold_address(line));
    let named = !skim || (digits && may_hold_age(line)) || honorific_before_name(line);
    if !(dated || addressed || named) {
        return out;
    }
    let ws = words(line);
    if dated {
        birth_dates(line, &ws, &mut out);
    }
    if named {
        names(line, &ws, &mut out);
    }
    if addressed {
        addresses(line, &ws, own, &mut out);
    }
    // A phone number inside an IBAN or a KVNR is the same finding.
    let spans: Vec<(usize, usize)> = out
        .iter()
        .filter(|f| matches!(f.rule, "iban" | "email"))
        .map(|f| (f.start, f.start + f.text.len()))
        .collect();
    out.retain(|f| {
        matches!(f.rule, "iban" | "email")
            || !spans.iter().any(|&(s, e)| f.start >= s && f.start < e)
    });
    out.sort_by_key(|f| f.start);
    out
}

/// The findings of a file's body, with byte offsets in the whole file.
pub fn scan(text: &str, body_offset: usize, own: &Own) -> Vec<(usize, Finding)> {
    let body = &text[body_offset..];
    let masked = mask(body);
    // Most bodies hold no `@` once citation keys are masked.
    let any_at = memchr::memchr(b'@', masked.as_bytes()).is_some();
    let mut out = Vec::new();
    let mut offset = 0;
    let mut prev_allows = false;
    let any_allows = find_from(body, 0, ALLOW_COMMENT).is_some();
    for raw in lines_inclusive(body) {
        // The masked text keeps every byte's place and every line break.
        let line = masked.get(offset..offset + raw.len()).unwrap_or_default();
        let allows = any_allows && find_from(raw, 0, ALLOW_COMMENT).is_some();
        if !allows && !prev_allows {
            let line = line.trim_end_matches(['\n', '\r']);
            for f in scan_line_with(line, own, true, any_at) {
                out.push((body_offset + offset + f.start, f));
            }
        }
        prev_allows = allows;
        offset += raw.len();
    }
    out
}

fn diagnostic(file: &Path, text: &str, offset: usize, f: &Finding) -> Diagnostic {
    Diagnostic::warning(
        "confidentiality",
        format!(
            "possible patient identifier ({}): {} `{}`",
            f.rule, f.what, f.text
        ),
    )
    .in_file(file)
    .at_offset(text, offset)
    .with_hint(format!(
        "case stories must be de-identified (§203 StGB, GDPR): remove or change it; if it identifies no patient, put `{ALLOW_COMMENT}` on the line or the line before, or `allow = [\"{NAME}\"]` in the front matter"
    ))
}

/// Runs the check over every page and section; findings go into `ds`.
pub fn check(site: &Site, ds: &mut Diagnostics) {
    let own = Own::from_config(&site.config);
    let files: Vec<(&Path, &str, usize, &[String])> = site
        .pages
        .iter()
        .map(|p| {
            (
                p.file.as_path(),
                p.text.as_str(),
                p.body_offset,
                p.fm.allow.as_slice(),
            )
        })
        .chain(site.sections.iter().filter_map(|s| {
            let f = s.file.as_deref()?;
            Some((f, s.text.as_str(), s.body_offset, s.fm.allow.as_slice()))
        }))
        .collect();
    let found: Vec<Diagnostic> = files
        .par_iter()
        .flat_map_iter(|&(file, text, body, allow)| check_file(&own, file, text, body, allow))
        .collect();
    ds.extend(found);
}

/// The findings in one file (`body` is where its Markdown starts; `allow` its
/// front matter's `allow`).
pub fn check_file(
    own: &Own,
    file: &Path,
    text: &str,
    body: usize,
    allow: &[String],
) -> Vec<Diagnostic> {
    let mut v = Vec::new();
    for a in allow {
        if !KNOWN_ALLOWS.contains(&a.as_str()) {
            let at = text.find("allow").unwrap_or(0);
            v.push(
                Diagnostic::warning("front-matter", format!("`allow` names no check `{a}`"))
                    .in_file(file)
                    .at_offset(text, at)
                    .with_hint(format!(
                        "checks that can be allowed: {}",
                        KNOWN_ALLOWS.join(", ")
                    )),
            );
        }
    }
    if !allow.iter().any(|a| a == NAME) {
        v.extend(
            scan(text, body, own)
                .iter()
                .map(|(off, f)| diagnostic(file, text, *off, f)),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::super::text_scan::short_words_starting_with;
    use super::*;

    fn own() -> Own {
        let cfg = Config::parse(
            Path::new("."),
            "title = \"T\"\nbase_url = \"https://praxis-meier.example\"\n[legal]\nphone = \"030 1234567\"\nemail = \"praxis@praxis-meier.example\"\naddress = \"Hausarztpraxis Dr. Meier, Musterstraße 12, 10115 Berlin\"\n[extra]\nfax = \"+49 30 1234568\"\n",
        )
        .expect("config");
        Own::from_config(&cfg)
    }

    #[test]
    fn month_names_in_four_languages_and_abbreviated() {
        for m in [
            "März",
            "MARCH",
            "août",
            "Jänner",
            "mrt.",
            "Sept",
            "décembre",
            "mei",
        ] {
            assert!(is_month(m), "{m}");
        }
        for w in ["Marsch", "maybe", "dezent", "Mais"] {
            assert!(!is_month(w), "{w}");
        }
    }

    #[test]
    fn citation_keys_are_not_identifiers() {
        assert_eq!(rules("Her number is 0171 2345678."), ["phone"]);
        assert!(rules("Exercise helps [@r01712345678; @doi:10.1056/a12345678].").is_empty());
        assert!(rules("@kv0171234567 showed it, as did [-@B987654321].").is_empty());
        // An address is not a citation: the `@` follows a letter.
        assert_eq!(rules("Write to anna.schmidt@gmx.de today."), ["email"]);
    }

    fn rules(line: &str) -> Vec<&'static str> {
        scan_line(&mask(line), &own())
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    /// True positives: one per rule and language at least.
    const FLAGGED: &[(&str, &str)] = &[
        (
            "email",
            "Sie schrieb uns an anna.schmidt@gmx.de, ob sie weiter spritzen soll.",
        ),
        (
            "email",
            "He e-mailed john.miller@gmail.com about his results.",
        ),
        ("phone", "Erreichbar war sie unter 0171 2345678."),
        ("phone", "Call him on +44 20 7946 0958 after six."),
        ("phone", "Son numéro : 06 12 34 56 78."),
        ("phone", "Bel haar op 06-12345678 voor de uitslag."),
        ("kvnr", "Versichertennummer A123456780 auf der Karte."),
        (
            "kvnr",
            "Her German insurance number B987654321 was on the form.",
        ),
        (
            "iban",
            "Überweisung auf DE89 3704 0044 0532 0130 00 erbeten.",
        ),
        ("iban", "Pay to GB82 WEST 1234 5698 7654 32 please."),
        (
            "birth-date",
            "Die Patientin, geboren am 12.03.1971, kam mit Brustschmerz.",
        ),
        ("birth-date", "The patient (born 3 March 1971) had a cough."),
        ("birth-date", "Date of birth: 1971-03-12."),
        ("birth-date", "Elle est née le 12/03/1971 à Lyon."),
        ("birth-date", "Mevrouw is geboren op 12-03-1971 in Utrecht."),
        ("name-age", "Frau Anna Schmidt, 54, kam wegen Schwindel."),
        (
            "name-age",
            "Mr John Miller, 61, has had chest pain for a week.",
        ),
        (
            "name-age",
            "Mme Claire Dubois, 47 ans, consulte pour une toux.",
        ),
        (
            "name-age",
            "Mevrouw Anna de Vries (54) kwam op het spreekuur.",
        ),
        ("name-age", "Die 54-jährige Anna Schmidt klagte über Durst."),
        (
            "name-age",
            "Mrs Mary Jones was diagnosed with type 2 diabetes.",
        ),
        (
            "name-age",
            "Anna Schmidt (54) misst ihren Blutdruck selbst.",
        ),
        ("address", "Sie wohnt in der Lindenstraße 23, 10115 Berlin."),
        ("address", "He lives at 221B Baker Street, London."),
        ("address", "Elle habite 12 rue de la Paix, Paris."),
        ("address", "Hij woont op de Kalverstraat 92."),
        ("address", "Wohnhaft Berliner Straße 5."),
    ];

    /// Look-alikes that must not be flagged.
    const CLEAN: &[&str] = &[
        "Siehe die AWMF-Leitlinie 057-013 zur Therapie des Typ-2-Diabetes.",
        "Die Studie (PMID: 31535829) zeigte einen Nutzen.",
        "DOI: 10.1056/NEJMoa1911303",
        "Veröffentlicht am 12.03.2024, zuletzt geändert am 2024-05-01.",
        "Published 3 March 2021 in The Lancet.",
        "Metformin 1000 mg zweimal täglich, höchstens 0,5 mg Digoxin.",
        "Rufen Sie uns an: 030 1234567 (Praxis) oder Fax +49 30 1234568.",
        "Durchwahl 030 1234567-12 für Rezepte.",
        "Schreiben Sie an praxis@praxis-meier.example.",
        "Unsere Praxis: Musterstraße 12, 10115 Berlin.",
        "Telefonseelsorge: 0800 111 0 111, Bereitschaftsdienst 116 117, Notruf 112.",
        "ISBN 978-3-13-240510-5; ICD-10 E11.9; SNOMED 44054006.",
        "Dr. med. Anna Meier, Fachärztin für Allgemeinmedizin.",
        "Blutdruck 135/85 mmHg, HbA1c 53 mmol/mol (7,0 %).",
        "Wer vor 1971 geboren ist, braucht keine Masernimpfung.",
        "Charge A123456 des Impfstoffs.",
        "Beispiel: name@example.org ist keine echte Adresse.",
        "Die IBAN DE12 3456 7890 1234 5678 90 ist nur ein Muster.",
        "Im Jahr 2019, 54 Patienten; Typ Diabetes, 54 Einheiten Insulin.",
        "Am Arbeitsplatz 3 Stunden stehen; der Weg 2 km.",
        "Schmerzskala 0 1 2 3 4 5 6 7 8 9 10.",
        "See https://pubmed.ncbi.nlm.nih.gov/31535829/ and www.awmf.org/057-013.",
        "McMurray JJV, Solomon SD, Inzucchi SE, et al. N Engl J Med. 2019;381:1995-2008.",
        "Zwischen 10:30 und 12:00 Uhr, Zimmer 0.12.",
        "<!-- Frau Anna Schmidt, 54, Telefon 0171 2345678 --> Kommentare werden nicht veröffentlicht.",
    ];

    #[test]
    fn true_positives_are_flagged_by_their_rule() {
        for (rule, line) in FLAGGED {
            let found = rules(line);
            assert!(
                found.contains(rule),
                "`{line}`: expected {rule}, got {found:?}"
            );
        }
        let rules: std::collections::BTreeSet<_> = FLAGGED.iter().map(|(r, _)| *r).collect();
        assert_eq!(rules.len(), 7);
    }

    #[test]
    fn look_alikes_are_not_flagged() {
        for line in CLEAN {
            let found = scan_line(&mask(line), &own());
            assert!(found.is_empty(), "`{line}`: {found:?}");
        }
        assert!(CLEAN.len() >= 15);
    }

    /// [`honorific_before_name`] found from the forms of address.
    fn honorific_before_name_forward(line: &str) -> bool {
        short_words_starting_with(line, &HONORIFIC_FIRST, HONORIFIC_MAX).any(|w| {
            if !is_honorific(w) || !(w.starts_with(char::is_uppercase) || w.len() > 3) {
                return false;
            }
            let end = w.as_ptr() as usize - line.as_ptr() as usize + w.len();
            let gap = line[end..].trim_start();
            let gap = gap.strip_prefix('.').unwrap_or(gap).trim_start();
            gap.starts_with(char::is_uppercase)
        })
    }

    #[test]
    fn forms_of_address_before_names_found_from_the_capitals() {
        let lines = [
            "",
            "Patient",
            "Patient Müller",
            "patient müller",
            "the patient. Anna",
            "the patient.. Anna",
            "the patient , Anna",
            "McDonald and Mr.Smith",
            "mr Smith",
            "m Smith and m. Dupont",
            "Herr\u{a0}Weber",
            "patiënte Čapek",
            "Frau  .  Weber",
            "Frau-Weber",
            "Mademoiselle Élise",
            "xpatient Anna",
            "Über Ärzte: Ω-3, 日本語の文 Frau Ö",
            "a long line of lower-case words before the patient Anna",
            "a long line of lower-case words before the patient anna",
            "sixteen bytes..Frau Weber at a chunk's end",
            "fifteen bytes.Frau Weber, one before it",
            "seventeen bytes.. Frau Weber, one after",
            "fourteen bytes Frau Ämilie crosses ü into the next chunk Frau Ö",
            "long and lower-case with ünïcödé only in the middle patient Élise",
            "long and lower-case, ending in the capital of a name: frau A",
        ];
        let mut found = 0;
        for line in lines
            .iter()
            .chain(CLEAN)
            .chain(FLAGGED.iter().map(|(_, l)| l))
        {
            let fast = honorific_before_name(line);
            assert_eq!(fast, honorific_before_name_forward(line), "{line:?}");
            found += usize::from(fast);
        }
        assert!(found >= 8, "{found}");
    }

    #[test]
    fn skimming_lines_without_digits_finds_what_every_rule_finds() {
        let extra = [
            "The patient Anna Müller was diagnosed with asthma.",
            "the patient. Anna Müller suffers from gout",
            "Patient Schmidt leidet an Diabetes.",
            "Patientin   Frau Weber hat Diabetes",
            "M. Dupont souffre d'asthme",
            "m Dupont souffre d'asthme",
            "Mr, Smith suffers from gout",
            "patients ask what their latest blood test means",
            "Anna Herr Müller suffers from gout",
            "Mevrouw Jansen lijdt aan astma en patiënt De Vries ook",
            "Herr  Dr. Weber wurde diagnostiziert",
        ];
        let lines = FLAGGED
            .iter()
            .map(|(_, l)| *l)
            .chain(CLEAN.iter().copied())
            .chain(extra);
        for line in lines {
            let line = mask(line);
            let skimmed: Vec<_> = scan_line(&line, &own())
                .into_iter()
                .map(|f| (f.rule, f.start, f.text))
                .collect();
            let full: Vec<_> = scan_line_with(&line, &own(), false, true)
                .into_iter()
                .map(|f| (f.rule, f.start, f.text))
                .collect();
            assert_eq!(skimmed, full, "{line:?}");
        }
        // The skim lets through what it must.
        assert_eq!(rules("Patient Schmidt leidet an Diabetes."), ["name-age"]);
        assert_eq!(rules("M. Dupont souffre d'asthme"), ["name-age"]);
    }

    #[test]
    fn findings_point_at_the_identifier() {
        let line = "Frau Anna Schmidt, 54, Tel. 0171 2345678";
        let found = scan_line(line, &own());
        let phone = found.iter().find(|f| f.rule == "phone").expect("phone");
        assert_eq!(&line[phone.start..], "0171 2345678");
        assert_eq!(phone.text, "0171 2345678");
        let name = found.iter().find(|f| f.rule == "name-age").expect("name");
        assert_eq!(name.text, "Frau Anna Schmidt");
    }

    #[test]
    fn allow_comment_silences_its_line_and_the_next() {
        let text = "+++\ntitle = \"A\"\n+++\nTel. 0171 2345678 <!-- praxis:allow confidentiality -->\n<!-- praxis:allow confidentiality -->\nTel. 0171 2345679\nTel. 0171 2345670\n";
        let body = text.find("Tel.").expect("body");
        let found = scan(text, body, &own());
        assert_eq!(found.len(), 1, "{found:?}");
        let (line, col) = crate::diagnostics::line_col(text, found[0].0);
        assert_eq!((line, col), (7, 6));
    }

    #[test]
    fn street_suffix_prefilter_keeps_every_word_a_suffix_could_end() {
        for w in [
            "",
            "a",
            "Lindenstraße",
            "LINDENSTRASSE",
            "Hauptstrasse",
            "Str",
            "str",
            "Kalverstraat",
            "KALVERSTRAAT",
            "Gracht",
            "Weg",
            "weg",
            "Wegen",
            "Haupt",
            "STRAẞE",
            "Ufer",
            "plein",
            "Pleinen",
            "Allee",
            "allée",
            "Zeitung",
            "patiënte",
        ] {
            for dot in [false, true] {
                let lower = w.to_lowercase();
                let word_dot = if dot {
                    format!("{lower}.")
                } else {
                    lower.clone()
                };
                let ends = STREET_SUFFIXES
                    .iter()
                    .any(|suf| word_dot.ends_with(*suf) || lower.ends_with(*suf));
                if ends {
                    assert!(may_end_in_street_suffix(w, dot), "{w:?} {dot}");
                }
                if w.is_ascii() {
                    assert_eq!(may_end_in_street_suffix(w, dot), ends, "{w:?} {dot}");
                }
            }
        }
        assert!(may_end_in_street_suffix("Str", true));
        assert!(!may_end_in_street_suffix("Str", false));
        assert!(!may_end_in_street_suffix("", false));
    }

    #[test]
    fn iban_checksums() {
        assert!(iban_valid("DE89370400440532013000"));
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(!iban_valid("DE12345678901234567890"));
    }

    #[test]
    fn phone_numbers_compare_nationally() {
        assert_eq!(
            phone_digits("+49 (0)30 123 4567").as_deref(),
            Some("0301234567")
        );
        assert_eq!(
            phone_digits("0049 30 1234567").as_deref(),
            Some("0301234567")
        );
        assert_eq!(
            phone_digits("+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
    }

    /// Masking as it was done with a lower-cased copy and one search per
    /// prefix: the byte-level version must blank exactly the same bytes.
    fn mask_by_search(text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        let blank = |bytes: &mut Vec<u8>, from: usize, to: usize| {
            for b in &mut bytes[from..to] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        };
        let lower = text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find("<!--") {
            let start = from + i;
            let end = lower[start..]
                .find("-->")
                .map_or(text.len(), |j| start + j + 3);
            blank(&mut bytes, start, end);
            from = end;
        }
        for prefix in LINK_PREFIXES {
            let mut from = 0;
            while let Some(i) = lower[from..].find(prefix) {
                let start = from + i;
                let end = text[start..]
                    .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | ']'))
                    .map_or(text.len(), |j| start + j);
                blank(&mut bytes, start, end);
                from = end.max(start + 1);
            }
        }
        for (at, _) in text.match_indices('@') {
            let opens = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || matches!(c, '[' | ';' | '-' | '('));
            if !opens {
                continue;
            }
            let key = text[at + 1..]
                .find(|c: char| !(c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)))
                .map_or(&text[at + 1..], |j| &text[at + 1..at + 1 + j]);
            let key = key.trim_end_matches(|c: char| !c.is_alphanumeric());
            if !key.is_empty() {
                blank(&mut bytes, at, at + 1 + key.len());
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    #[test]
    fn mask_blanks_what_a_search_per_prefix_blanks() {
        for text in [
            "",
            "plain line\n",
            "See https://www.example.org/a?b=1 and WWW.x.example, mailto:x@y.example.\n",
            "<!-- a comment\nover two lines --> Frau Anna Schmidt, 54\n<!-- open to the end",
            "<!--> <!-- <!-- nested --> -->",
            "http://a.example/<!--x-->y https://b.example http:// tel:+4930123 Tel: 030 123",
            "Zitat [@smith2020; @doi:10.1056/x] und @jones-2019. E-Mail: anna@mail.example\n",
            "ünïcödé https://日本.example/ü?ß=1 www.ä.example (https://x.example)\n",
            "Straße 12 www. www.www.x hTtPs://X.EXAMPLE\r\n\r\n",
        ] {
            assert_eq!(mask(text), mask_by_search(text), "{text:?}");
        }
    }

    /// `is_honorific` as it was: split off, lower-cased, compared.
    fn honorific_by_lowercase(w: &str) -> bool {
        HONORIFICS.contains(&w.to_lowercase().as_str())
    }

    #[test]
    fn honorifics_match_their_lower_case_form() {
        for w in [
            "",
            "m",
            "M",
            "Frau",
            "FRAU",
            "frAu",
            "Herrn",
            "Mme",
            "Mademoiselle",
            "Patiënte",
            "PATIËNT",
            "patiënts",
            "Für",
            "Früh",
            "Dr",
            "p",
            "Ms",
            "Msx",
            "mademoiselles",
            "Hr",
            "dhr",
            "Mevr",
            "Ärztin",
            "ſr",
        ] {
            assert_eq!(is_honorific(w), honorific_by_lowercase(w), "{w:?}");
        }
        for line in [
            "Frau Anna Schmidt leidet an Diabetes",
            "Für Früherkennung",
            "M. Dupont",
        ] {
            let by_split = line
                .split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')))
                .any(is_honorific);
            let fast =
                short_words_starting_with(line, &HONORIFIC_FIRST, HONORIFIC_MAX).any(is_honorific);
            assert_eq!(fast, by_split, "{line:?}");
        }
    }
}

/// Generated lines: the skimmed scan and its byte-level shortcuts against
/// the full scan and the character-level forms they replaced.
#[cfg(test)]
mod differential {
    use super::*;

    /// Pieces lines are made of: identifiers, look-alikes, forms of address,
    /// capitals, digits at ends, multi-byte characters, `@` at ends.
    const PIECES: &[&str] = &[
        "Frau",
        "frau",
        "FRAU",
        "Herr",
        "Mr",
        "mr",
        "Mr.",
        "M.",
        "m",
        "Mme",
        "patient",
        "Patiënte",
        "PATIËNT",
        "Mevrouw",
        "dhr",
        "Anna",
        "Schmidt",
        "de",
        "Vries",
        "Čapek",
        "Élise",
        "Müller",
        "Die",
        "Studie",
        "54",
        "(54)",
        ", 54",
        ",",
        "54-jährige",
        "47 ans",
        "61-year-old",
        "Jahre",
        "0171 2345678",
        "+44 20 7946 0958",
        "06-12345678",
        "030 1234567",
        "0800 111 0 111",
        "A123456780",
        "B987654321",
        "DE89 3704 0044 0532 0130 00",
        "DE12 3456 7890 1234 5678 90",
        "GB82 WEST 1234 5698 7654 32",
        "geboren",
        "geb.",
        "born",
        "née",
        "NÉ",
        "12.03.1971",
        "1971-03-12",
        "3 March 1971",
        "März",
        "1er",
        "mars",
        "Lindenstraße",
        "23",
        "Straße",
        "Str.",
        "5",
        "221B",
        "Baker",
        "Street",
        "12",
        "rue",
        "la",
        "Paix",
        "Kalverstraat",
        "92",
        "10115",
        "Berlin",
        "anna@gmx.de",
        "@",
        "x@",
        "praxis@praxis-meier.example",
        "leidet an Diabetes",
        "suffers from gout",
        "diagnosed",
        ".",
        "..",
        " ",
        "  ",
        "\u{a0}",
        "\t",
        "-",
        "’",
        "'",
        "—",
        "ü",
        "ß",
        "日本語",
        "🙂",
        "ẞ",
        "İ",
        "K",
        "Σ",
        "1",
        "9",
        "0",
        "+",
        "(",
        ")",
        "/",
        ";",
        ":",
        "[",
        "]",
        "mmHg",
        "mg",
        "Dhr",
        "xmrs",
        "éhr",
        "ëpatient",
        "Herrn",
        "Mevr.",
        "MADEMOISELLE",
        "PATIËNTE",
        "54-Jährige",
        "70 jaar",
        "12 Jarige",
        "5 Ans",
        "(  7",
        ",\u{a0}61",
        "Str",
        "Weg",
        "STRAẞE",
        "Chaussee",
        "avenue",
        "quai",
        "12345",
        "5a",
        "1234b",
        "54-JÄHRIGER",
        "61-YEAR-OLD",
        "47 ANS",
        "3 jarige",
    ];

    /// A small deterministic generator (no dependency, same lines every run).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n
        }
    }

    fn lines() -> Vec<String> {
        let mut g = Lcg(0x5eed);
        let mut out = vec![
            String::new(),
            " ".into(),
            "@".into(),
            "1".into(),
            "x 1".into(),
        ];
        for _ in 0..6000 {
            let n = 1 + g.next(12);
            let mut line = String::new();
            for _ in 0..n {
                line.push_str(PIECES[g.next(PIECES.len())]);
                let sep = [" ", " ", " ", "", ", ", ". ", "  "][g.next(7)];
                line.push_str(sep);
            }
            if g.next(3) == 0 {
                line = line.trim_end().to_owned();
            }
            out.push(line);
        }
        out
    }

    fn own() -> Own {
        let cfg = Config::parse(
            Path::new("."),
            "title = \"T\"\nbase_url = \"https://praxis-meier.example\"\n[legal]\nphone = \"030 1234567\"\nemail = \"praxis@praxis-meier.example\"\naddress = \"Musterstraße 12, 10115 Berlin\"\n",
        )
        .expect("config");
        Own::from_config(&cfg)
    }

    #[test]
    fn skimmed_scan_finds_what_the_full_scan_finds() {
        let own = own();
        let mut found = 0;
        for line in lines() {
            let line = mask(&line);
            let skimmed = scan_line(&line, &own);
            assert_eq!(
                skimmed,
                scan_line_with(&line, &own, false, true),
                "{line:?}"
            );
            found += skimmed.len();
        }
        // The generated lines do hold identifiers of every kind.
        assert!(found > 1000, "{found}");
    }

    /// `age_before` as it was: the whole text before lower-cased.
    fn age_before_whole(before: &str) -> bool {
        let lower = before.trim_end().to_lowercase();
        [
            "-jährige",
            "-jähriger",
            "-jährigen",
            "-year-old",
            "-jarige",
            " jarige",
            "-jährig",
            " ans",
        ]
        .iter()
        .any(|suffix| {
            lower.ends_with(suffix)
                && lower[..lower.len() - suffix.len()]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_digit())
        })
    }

    /// `honorific_ends_before` as it was, reading characters only.
    fn honorific_ends_before_chars(line: &str, at: usize) -> bool {
        let head = &line[..at];
        if head.chars().next_back().is_none_or(is_word_char) {
            return false;
        }
        let head = head.trim_end();
        let head = head.strip_suffix('.').unwrap_or(head).trim_end();
        let start = head
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_word_char(c))
            .last()
            .map_or(head.len(), |(i, _)| i);
        let w = &head[start..];
        HONORIFICS.contains(&w.to_lowercase().as_str())
            && (w.starts_with(char::is_uppercase) || w.len() > 3)
    }

    /// The shortcuts rely on how characters lower-case: no character but
    /// the ASCII letters, `K` (Kelvin) and `İ` lower-cases into ASCII, and
    /// of those only `k` and `i`; of the others, only `ë` and `Ë` lower-case
    /// into the letters of the forms of address alone, and those letters
    /// are in forms of address that end in `nt` or `te`, within nine bytes
    /// of their end.
    #[test]
    fn lower_casing_gives_ascii_only_from_ascii_letters() {
        let letters: String = HONORIFICS.concat();
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii())
        {
            let lower: String = c.to_lowercase().collect();
            for l in lower.chars().filter(char::is_ascii) {
                assert!(matches!(l, 'i' | 'k'), "{c:?} -> {lower:?}");
            }
            if lower.chars().all(|l| letters.contains(l)) {
                assert!(matches!(c, 'ë' | 'Ë'), "{c:?} -> {lower:?}");
            }
        }
        for h in HONORIFICS.iter().filter(|h| !h.is_ascii()) {
            assert!(
                (h.ends_with("nt") || h.ends_with("te")) && h.len() <= 9,
                "{h}"
            );
            assert!(h.chars().all(|c| c.is_ascii() || c == 'ë'), "{h}");
        }
        assert_eq!("ë".as_bytes()[0], 0xC3);
        assert_eq!("Ë".as_bytes()[0], 0xC3);
    }

    #[test]
    fn lines_the_gates_pass_over_have_no_word_findings() {
        let own = own();
        let mut skipped = 0;
        for line in lines() {
            let line = mask(&line);
            let full = scan_line_with(&line, &own, false, true);
            if !has_ascii_digit(&line) {
                continue;
            }
            if !may_hold_age(&line) && !honorific_before_name(&line) {
                skipped += 1;
                assert!(!full.iter().any(|f| f.rule == "name-age"), "{line:?}");
            }
            if !may_hold_address(&line) {
                assert!(!full.iter().any(|f| f.rule == "address"), "{line:?}");
            }
        }
        assert!(skipped > 100, "{skipped}");
        // What each gate lets through.
        for line in [
            "Frau Anna Schmidt, 54",
            "Anna Schmidt (\u{a0}54)",
            "die 54-JÄHRIGE Anna Schmidt",
            "the 61-Year-old Anna Smith",
            "la patiente de 47 ans Élise Dupont",
        ] {
            assert!(may_hold_age(line), "{line:?}");
        }
        for line in [
            "Lindenstraße 23",
            "LINDENSTRASSE 23",
            "Hauptstr. 5",
            "Kalverstraat 92",
            "221B Baker Street",
            "12 rue de la Paix",
            "12, Élysée",
            "STRAẞE 5",
        ] {
            assert!(may_hold_address(line), "{line:?}");
        }
        for line in [
            "zwischen 50 und 70 Jahren",
            "tussen 50 en 70 jaar. Bij ouderen",
            "die 54-jährige anna",
            "5 Antibiotika Anna",
        ] {
            assert!(!may_hold_age(line), "{line:?}");
        }
        assert!(may_hold_age("die 54-JÄHRIGER Élise"));
        assert!(may_hold_age("die 54-jährigen\u{a0} Anna"));
        for line in [
            "5 mg twice a day",
            "12345 Baker",
            "Tabelle 3",
            "ab 50 bis 70",
        ] {
            assert!(!may_hold_age(line) || !may_hold_address(line), "{line:?}");
        }
    }

    #[test]
    fn capitals_of_other_characters_are_their_upper_case_ones() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let line = format!("Frau {c}x");
            assert_eq!(
                capital_before_honorific(&line, 5),
                c.is_uppercase(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn capitals_and_wide_bytes_are_marked_byte_by_byte() {
        for x in 0..=255u8 {
            for k in 0..8 {
                let mut word = [b'a'; 8];
                word[k] = x;
                let want = if x.is_ascii_uppercase() || !x.is_ascii() {
                    0x80u64 << (8 * k)
                } else {
                    0
                };
                let got = capitals_and_wide(u64::from_le_bytes(word));
                assert_eq!(got, want, "{x:#x} at {k}");
                word = [x; 8];
                let all = capitals_and_wide(u64::from_le_bytes(word));
                assert_eq!(all, if want != 0 { 0x8080_8080_8080_8080 } else { 0 });
            }
        }
    }

    #[test]
    fn shortcuts_match_the_character_level_forms() {
        for line in lines() {
            for (i, _) in line.char_indices() {
                assert_eq!(
                    honorific_ends_before(&line, i),
                    honorific_ends_before_chars(&line, i),
                    "{line:?} at {i}"
                );
                assert_eq!(
                    age_before(&line[..i]),
                    age_before_whole(&line[..i]),
                    "{line:?}"
                );
            }
            for w in line.split(' ') {
                assert_eq!(
                    is_honorific(w),
                    HONORIFICS.contains(&w.to_lowercase().as_str()),
                    "{w:?}"
                );
                assert_eq!(is_not_name(w), NOT_NAMES.contains(&w), "{w:?}");
            }
            let lower = line.to_lowercase();
            assert_eq!(
                contains_any(&lower, DIAGNOSIS),
                DIAGNOSIS.iter().any(|d| lower.contains(d)),
                "{line:?}"
            );
        }
    }
}
