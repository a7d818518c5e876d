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
