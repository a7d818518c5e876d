//! One post for one platform: which parts it has, in what order, and what is
//! shortened or left out when they do not fit.
//!
//! A post is made of blocks — title, description, summary, reviewer line,
//! link (or "link in bio"), hashtags — separated by blank lines. When the
//! whole is too long for the platform, praxis gives up the least important
//! part first: the summary is shortened (or left out), then the description,
//! then hashtags one by one from the end, then the reviewer line, and last the
//! title is shortened. The link is never touched. Shortening always happens on
//! a word boundary and ends in "…".

use super::length::{Measure, trim_words};
use super::{Article, Platform, Post};

const TITLE: usize = 0;
const DESCRIPTION: usize = 1;
const SUMMARY: usize = 2;
const REVIEWED: usize = 3;
const HASHTAGS: usize = 5;

/// What a platform's post contains.
struct Recipe {
    measure: Measure,
    limit: usize,
    max_hashtags: usize,
    summary: bool,
    /// At most this many characters of description (WhatsApp: a short text).
    description_cap: Option<usize>,
    /// `None`: "link in bio" wording instead of a URL (Instagram).
    url: bool,
    /// Between blocks.
    separator: &'static str,
    bold_title: bool,
}

fn recipe(p: Platform) -> Recipe {
    let base = Recipe {
        measure: Measure::Utf16,
        limit: p.limit(),
        max_hashtags: 3,
        summary: false,
        description_cap: None,
        url: true,
        separator: "\n\n",
        bold_title: false,
    };
    match p {
        Platform::X => Recipe {
            measure: Measure::Weighted,
            max_hashtags: 2,
            ..base
        },
        Platform::Mastodon => Recipe {
            measure: Measure::CodePointsShortLinks,
            max_hashtags: 4,
            ..base
        },
        Platform::Linkedin => Recipe {
            max_hashtags: 5,
            summary: true,
            ..base
        },
        Platform::Facebook => Recipe {
            summary: true,
            ..base
        },
        Platform::Instagram => Recipe {
            max_hashtags: 30,
            summary: true,
            url: false,
            ..base
        },
        Platform::Whatsapp => Recipe {
            max_hashtags: 0,
            description_cap: Some(200),
            separator: "\n",
            bold_title: true,
            ..base
        },
    }
}

/// Words that are not links (Instagram captions cannot have them).
fn without_links(text: &str) -> String {
    text.split(' ')
        .filter(|w| {
            let l = w.to_ascii_lowercase();
            !(l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www."))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Some(text) unless it is blank.
fn some(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `url` with UTM parameters naming the platform.
pub fn tracked(url: &str, p: Platform) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, format!("#{f}")),
        None => (url, String::new()),
    };
    let join = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{join}utm_source={}&utm_medium=social{fragment}",
        p.name()
    )
}

/// The post of `a` for `p`.
pub fn post(a: &Article, p: Platform, utm: bool) -> Post {
    let r = recipe(p);
    let clean = |s: &str| {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if r.url { s } else { without_links(&s) }
    };
    let url = r.url.then(|| {
        if utm {
            tracked(&a.url, p)
        } else {
            a.url.clone()
        }
    });
    let mut hashtags: Vec<String> = a.hashtags.iter().take(r.max_hashtags).cloned().collect();
    let mut blocks: [Option<String>; 6] = [
        some(clean(&a.title)),
        some(clean(&a.description)),
        if r.summary {
            some(clean(&a.summary))
        } else {
            None
        },
        a.reviewed.as_deref().and_then(|s| some(clean(s))),
        // The link: never shortened or left out.
        match &url {
            Some(u) => Some(u.clone()),
            None => some(a.link_in_bio.clone()),
        },
        None,
    ];
    if let (Some(cap), Some(d)) = (r.description_cap, &blocks[DESCRIPTION]) {
        blocks[DESCRIPTION] = some(trim_words(d, cap, r.measure));
    }
    let join = |b: &[Option<String>; 6], tags: &[String]| {
        let mut parts: Vec<String> = Vec::new();
        for (i, block) in b.iter().enumerate() {
            if i == HASHTAGS {
                if !tags.is_empty() {
                    parts.push(tags.join(" "));
                }
            } else if let Some(t) = block {
                if i == TITLE && r.bold_title {
                    parts.push(format!("*{t}*"));
                } else {
                    parts.push(t.clone());
                }
            }
        }
        parts.join(r.separator)
    };
    let len = |b: &[Option<String>; 6], tags: &[String]| r.measure.len(&join(b, tags));
    // Shortens block `i` to what the others leave of the limit.
    let shorten = |b: &mut [Option<String>; 6], tags: &[String], i: usize| {
        let Some(text) = b[i].take() else { return };
        let rest = len(b, tags);
        let frame = if i == TITLE && r.bold_title { 2 } else { 0 };
        let used =
            rest + if rest > 0 {
                r.measure.len(r.separator)
            } else {
                0
            } + frame;
        b[i] = some(trim_words(&text, r.limit.saturating_sub(used), r.measure));
    };
    for i in [SUMMARY, DESCRIPTION] {
        if len(&blocks, &hashtags) > r.limit {
            shorten(&mut blocks, &hashtags, i);
        }
    }
    while len(&blocks, &hashtags) > r.limit && !hashtags.is_empty() {
        hashtags.pop();
    }
    if len(&blocks, &hashtags) > r.limit {
        blocks[REVIEWED] = None;
    }
    if len(&blocks, &hashtags) > r.limit {
        shorten(&mut blocks, &hashtags, TITLE);
    }
    for i in [DESCRIPTION, SUMMARY, TITLE] {
        if len(&blocks, &hashtags) > r.limit {
            blocks[i] = None;
        }
    }
    let text = join(&blocks, &hashtags);
    Post {
        platform: p,
        length: r.measure.len(&text),
        limit: r.limit,
        text,
        url,
        hashtags,
        image: match p {
            Platform::Instagram => a
                .square
                .clone()
                .or_else(|| a.portrait.clone())
                .or_else(|| a.card.clone()),
            _ => a.card.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Article {
        Article {
            file: "content/a.md".into(),
            lang: "en".into(),
            title: "Measuring blood pressure at home".into(),
            description: "How to measure correctly, which device to choose, and what the numbers mean for you.".into(),
            summary: "Blood pressure readings at home are often more telling than those at the practice. ".repeat(40),
            reviewed: Some("Medically reviewed on 15 December 2025 by Dr. Kemi Okafor.".into()),
            url: "https://example.org/blood-pressure/".into(),
            link_in_bio: "Read the full article via the link in our bio.".into(),
            hashtags: vec!["#BloodPressure".into(), "#Hypertension".into(), "#Heart".into()],
            card: Some("public/cards/blood-pressure.png".into()),
            square: Some("public/cards/blood-pressure-square.png".into()),
            portrait: None,
            date: None,
        }
    }

    #[test]
    fn every_platform_stays_within_its_limit() {
        let a = article();
        for p in Platform::ALL {
            let post = post(&a, p, false);
            assert!(post.length <= post.limit, "{p:?}: {}", post.text);
            assert!(post.text.starts_with("Measuring") || post.text.starts_with("*Measuring"));
        }
    }

    #[test]
    fn x_keeps_title_link_and_hashtags_and_shortens_the_description() {
        let mut a = article();
        a.description = "word ".repeat(80);
        let post = post(&a, Platform::X, false);
        assert!(post.length <= 280);
        assert!(post.text.contains("https://example.org/blood-pressure/"));
        assert!(post.text.contains("#BloodPressure #Hypertension"));
        assert!(post.text.contains("word…"), "{}", post.text);
    }

    #[test]
    fn instagram_has_no_link_but_the_bio_wording_and_the_square_card() {
        let mut a = article();
        a.description = "See https://example.org/x for more.".into();
        let post = post(&a, Platform::Instagram, false);
        assert!(!post.text.contains("http"), "{}", post.text);
        assert!(post.text.contains("link in our bio"));
        assert_eq!(
            post.image.as_deref(),
            Some("public/cards/blood-pressure-square.png")
        );
        assert!(post.url.is_none());
    }

    #[test]
    fn utm_parameters_name_the_platform() {
        assert_eq!(
            tracked("https://a.example/x/", Platform::Mastodon),
            "https://a.example/x/?utm_source=mastodon&utm_medium=social"
        );
        assert_eq!(
            tracked("https://a.example/x/?a=1#h", Platform::X),
            "https://a.example/x/?a=1&utm_source=x&utm_medium=social#h"
        );
    }
}

/// Random articles against the limits: a small deterministic xorshift
/// generator (no crate), many titles, descriptions, summaries and tags with
/// long words, links, bare domains, umlauts and wide characters.
#[cfg(test)]
mod properties {
    use super::*;
    use crate::social::hashtag::camel_case;
    use std::collections::HashSet;

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const WORDS: [&str; 24] = [
        "Blutdruck",
        "messen",
        "Größe",
        "über",
        "and",
        "the",
        "HbA1c-Wert",
        "z. B.",
        "–",
        "Schilddrüsenunterfunktion",
        "a",
        "Ärztin",
        "value,",
        "(mmHg)",
        "ß",
        "naïve",
        "«citation»",
        "漢字",
        "e.g.",
        "10:30",
        "5 mg",
        "1.",
        "&",
        "ĳs",
    ];

    fn word(r: &mut XorShift) -> String {
        match r.below(20) {
            0 => "Donaudampfschifffahrtsgesellschaftskapitänsmütze".repeat(1 + r.below(4)),
            1 => format!("https://example.org/{}", "pfad/".repeat(r.below(30))),
            2 => "www.praxis-meier.de".to_owned(),
            3 => "a.de".to_owned(),
            _ => WORDS[r.below(WORDS.len())].to_owned(),
        }
    }

    fn words(r: &mut XorShift, max: usize) -> String {
        let n = r.below(max + 1);
        (0..n).map(|_| word(r)).collect::<Vec<_>>().join(" ")
    }

    /// An independent count of X's length: links 23, bare domains at least
    /// 23, characters beyond U+10FF twice.
    fn x_length(text: &str) -> usize {
        let mut n = 0;
        for (i, tok) in text.split([' ', '\n']).enumerate() {
            if i > 0 {
                n += 1;
            }
            let own: usize = tok
                .chars()
                .map(|c| {
                    if (c as u32) <= 4351 || ('\u{2000}'..='\u{2037}').contains(&c) {
                        1
                    } else {
                        2
                    }
                })
                .sum();
            n += if tok.starts_with("http://") || tok.starts_with("https://") {
                23
            } else if tok.contains('.')
                && tok
                    .rsplit('.')
                    .next()
                    .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
            {
                own.max(23)
            } else {
                own
            };
        }
        n
    }

    #[test]
    fn no_post_exceeds_its_limit_or_cuts_a_word() {
        let mut r = XorShift(0x9e37_79b9_7f4a_7c15);
        for case in 0..600 {
            let tags: Vec<String> = (0..r.below(45)).map(|_| words(&mut r, 3)).collect();
            let a = Article {
                file: "content/a.md".into(),
                lang: ["de", "en", "fr", "nl"][r.below(4)].into(),
                title: words(&mut r, 40),
                description: words(&mut r, 150),
                summary: words(&mut r, 700),
                reviewed: (r.below(2) == 0).then(|| words(&mut r, 12)),
                url: format!(
                    "https://praxis.example/{}",
                    "abschnitt/".repeat(r.below(12))
                ),
                link_in_bio: "Link in der Bio.".into(),
                hashtags: tags.iter().filter_map(|t| camel_case(t)).collect(),
                card: Some("public/cards/a.png".into()),
                square: None,
                portrait: None,
                date: None,
            };
            let source: HashSet<String> =
                [&a.title, &a.description, &a.summary, &a.link_in_bio, &a.url]
                    .into_iter()
                    .chain(a.reviewed.as_ref())
                    .flat_map(|s| s.split_whitespace())
                    .map(|w| w.to_owned())
                    .collect();
            for p in Platform::ALL {
                for utm in [false, true] {
                    let post = post(&a, p, utm);
                    let ctx = format!("case {case}, {p:?}:\n{}", post.text);
                    assert!(
                        post.length <= p.limit(),
                        "{} > {}: {ctx}",
                        post.length,
                        p.limit()
                    );
                    if p == Platform::X {
                        assert!(x_length(&post.text) <= 280, "{ctx}");
                    }
                    if p == Platform::Instagram {
                        assert!(!post.text.contains("http"), "{ctx}");
                        assert!(
                            post.text
                                .split_whitespace()
                                .filter(|w| w.starts_with('#'))
                                .count()
                                <= 30,
                            "{ctx}"
                        );
                    }
                    // Every word is a whole word of the input (a shortened
                    // text ends in "…" after a whole word).
                    for w in post.text.split_whitespace() {
                        let w = w.trim_matches('*');
                        let bare = w.strip_suffix('…').unwrap_or(w);
                        let ok = w.is_empty()
                            || source.contains(w)
                            || post.hashtags.iter().any(|h| h == w)
                            || post.url.as_deref() == Some(w)
                            || (w.ends_with('…')
                                && source.iter().any(|s| {
                                    s.starts_with(bare)
                                        && s[bare.len()..].chars().all(|c| {
                                            matches!(
                                                c,
                                                ',' | ';' | ':' | '–' | '—' | '-' | '(' | '/'
                                            )
                                        })
                                }))
                            || source.contains(bare);
                        assert!(ok, "`{w}` is not a word of the input: {ctx}");
                    }
                }
            }
        }
    }
}
