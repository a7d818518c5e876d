//! The social kit: a ready-to-post text per platform for each article.
//!
//! Doctors publish so that they can share where their patients already are;
//! writing a fitting post per platform for every article is the chore that
//! keeps them from it. `praxis social` loads the site and renders its
//! Markdown in memory (nothing is written), gathers what a post needs from
//! each article ([`Article`]: title, description, summary, reviewer line,
//! URL, hashtags, card images) and composes one [`Post`] per platform
//! ([`compose`]), counted the way that platform counts ([`length`]).

pub mod compose;
pub mod format;
pub mod hashtag;
pub mod length;

use serde::Serialize;

use crate::content::{Page, Site};
use crate::date::Date;
use crate::render::MarkdownOutput;

/// A social network praxis writes posts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    X,
    Mastodon,
    Linkedin,
    Facebook,
    Instagram,
    Whatsapp,
}

impl Platform {
    /// Every platform, in the order posts are printed.
    pub const ALL: [Platform; 6] = [
        Platform::X,
        Platform::Mastodon,
        Platform::Linkedin,
        Platform::Facebook,
        Platform::Instagram,
        Platform::Whatsapp,
    ];

    /// The name on the command line and in JSON/CSV.
    pub fn name(self) -> &'static str {
        match self {
            Platform::X => "x",
            Platform::Mastodon => "mastodon",
            Platform::Linkedin => "linkedin",
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::Whatsapp => "whatsapp",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Platform::X => "X",
            Platform::Mastodon => "Mastodon",
            Platform::Linkedin => "LinkedIn",
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::Whatsapp => "WhatsApp",
        }
    }

    /// The most a post may have, as the platform counts
    /// ([`length::Measure`]).
    pub fn limit(self) -> usize {
        match self {
            Platform::X => 280,
            Platform::Mastodon => 500,
            Platform::Linkedin => 3000,
            Platform::Facebook => 63_206,
            Platform::Instagram => 2200,
            // The limit of a WhatsApp status; a message is kept far shorter.
            Platform::Whatsapp => 700,
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "twitter" => "x",
            "fb" => "facebook",
            "ig" => "instagram",
            other => other,
        };
        Platform::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// What the posts of one article are made from.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Relative to the site root: `content/artikel/hba1c.md`.
    pub file: String,
    pub lang: String,
    pub title: String,
    /// `description`, else the first sentence of the text.
    pub description: String,
    /// The summary (text before `<!-- more -->`, else the first paragraph), plain.
    pub summary: String,
    /// "Ärztlich geprüft am 12. Juni 2026 von …" when the article was reviewed.
    pub reviewed: Option<String>,
    /// The article's absolute URL.
    pub url: String,
    /// Instagram's wording for "the link is in the profile", in the article's language.
    #[serde(skip)]
    pub link_in_bio: String,
    pub hashtags: Vec<String>,
    /// The 1200×630 link card, where `praxis build` writes it (`public/cards/…png`).
    pub card: Option<String>,
    /// The 1080×1080 card (`[social] square = true`).
    pub square: Option<String>,
    /// The 1080×1350 card (`[social] portrait = true`).
    pub portrait: Option<String>,
    pub date: Option<Date>,
}

/// One ready-to-post text.
#[derive(Debug, Clone, Serialize)]
pub struct Post {
    pub platform: Platform,
    pub text: String,
    /// The length as the platform counts it.
    pub length: usize,
    pub limit: usize,
    /// The link in the post (`None` on Instagram).
    pub url: Option<String>,
    pub hashtags: Vec<String>,
    /// The image to attach, relative to the site root.
    pub image: Option<String>,
}

/// An article with its posts.
#[derive(Debug, Clone, Serialize)]
pub struct Kit {
    pub file: String,
    pub lang: String,
    pub title: String,
    pub url: String,
    pub date: Option<Date>,
    pub posts: Vec<Post>,
}

/// Words of the kit in one language.
struct Words {
    reviewed_on: &'static str,
    by: &'static str,
    and: &'static str,
    link_in_bio: &'static str,
}

fn words(lang: &str) -> Words {
    match lang.split('-').next().unwrap_or(lang) {
        "de" => Words {
            reviewed_on: "Ärztlich geprüft am",
            by: "von",
            and: "und",
            link_in_bio: "Den ganzen Artikel finden Sie über den Link in der Bio.",
        },
        "fr" => Words {
            reviewed_on: "Relu par un médecin le",
            by: "par",
            and: "et",
            link_in_bio: "L’article complet : lien dans la bio.",
        },
        "nl" => Words {
            reviewed_on: "Medisch gecontroleerd op",
            by: "door",
            and: "en",
            link_in_bio: "Het volledige artikel vindt u via de link in de bio.",
        },
        _ => Words {
            reviewed_on: "Medically reviewed on",
            by: "by",
            and: "and",
            link_in_bio: "Read the full article via the link in our bio.",
        },
    }
}

/// "A", "A und B", "A, B und C".
fn join_names(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// The reviewer line of a page, in its language, when it was reviewed.
pub fn reviewer_line(site: &Site, p: &Page) -> Option<String> {
    let date = p.fm.last_reviewed?;
    let w = words(&p.lang);
    let names: Vec<String> = p
        .reviewers
        .iter()
        .map(|k| {
            site.config
                .authors
                .get(k)
                .map_or_else(|| k.clone(), |a| a.name.clone())
        })
        .collect();
    let mut line = format!("{} {}", w.reviewed_on, date.display(&p.lang));
    if !names.is_empty() {
        line.push_str(&format!(" {} {}", w.by, join_names(&names, w.and)));
    }
    line.push('.');
    Some(line)
}

/// Marks a paragraph's end while other whitespace is collapsed.
const BREAK: char = '\u{1}';

/// Plain text of rendered HTML: tags dropped, entities decoded, citation
/// markers (`[1]`, `[1,2]`, `[1–3]`) left out, paragraphs on their own lines.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[i + 1..i + j];
        if tag.starts_with("/p") || tag.starts_with("br") || tag.starts_with("/li") {
            out.push(BREAK);
        } else if [
            "/h",
            "/div",
            "/td",
            "/th",
            "/tr",
            "/blockquote",
            "/dd",
            "/dt",
        ]
        .iter()
        .any(|b| tag.starts_with(b))
        {
            out.push(' ');
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let mut text = String::with_capacity(decoded.len());
    let mut chars = decoded.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '[' {
            let tail = &decoded[i + 1..];
            if let Some(end) = tail.find(']') {
                let inner = &tail[..end];
                if !inner.is_empty()
                    && inner
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '–' | '-' | ' '))
                {
                    while text.ends_with(' ') {
                        text.pop();
                    }
                    for _ in 0..inner.chars().count() + 1 {
                        chars.next();
                    }
                    continue;
                }
            }
        }
        text.push(c);
    }
    text.split(BREAK)
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A card's path where `praxis build` writes it (`public/cards/…`).
fn public_path(rel: &std::path::Path) -> String {
    format!("public/{}", rel.display()).replace('\\', "/")
}

/// What the posts of `p` are made from.
pub fn article(site: &Site, md: &MarkdownOutput, p: &Page) -> Article {
    let rendered = &md.pages[p.id.0 as usize];
    let first = plain_text(&rendered.html);
    let first = first.lines().next().unwrap_or_default();
    let description = match p.fm.description.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => d.trim().to_owned(),
        None => crate::cards::text::first_sentence(first, 300),
    };
    let summary = rendered
        .summary
        .as_deref()
        .map(plain_text)
        .unwrap_or_default()
        .replace('\n', " ");
    // The summary repeats the description often enough: then leave it out.
    let summary =
        if summary.starts_with(description.trim_end_matches('…')) || summary == description {
            summary[description.trim_end_matches('…').len()..]
                .trim()
                .to_owned()
        } else {
            summary
        };
    let card = crate::cards::page_card(site, p);
    let social = &site.config.social;
    let extra = |suffix: &str, on: bool| {
        crate::cards::social_card(site, p, suffix, on).map(|t| public_path(&t.output))
    };
    Article {
        file: p.file.display().to_string().replace('\\', "/"),
        lang: p.lang.clone(),
        title: p.title.clone(),
        description,
        summary,
        reviewed: reviewer_line(site, p),
        url: p.permalink.clone(),
        link_in_bio: words(&p.lang).link_in_bio.to_owned(),
        hashtags: hashtag::for_tags(&site.config, &p.fm.tags, &p.lang),
        card: card.map(|c| public_path(&c.output)),
        square: extra("square", social.square),
        portrait: extra("portrait", social.portrait),
        date: p.fm.date,
    }
}

/// Which articles to write posts for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only articles published (`date`) on or after this day.
    pub since: Option<Date>,
    /// Only these pages (indexes into `site.pages`); empty: all.
    pub pages: Vec<crate::content::PageId>,
    /// Empty: every platform.
    pub platforms: Vec<Platform>,
}

/// The posts of every selected article, newest first.
pub fn kits(site: &Site, md: &MarkdownOutput, sel: &Selection) -> Vec<Kit> {
    let mut ids: Vec<_> = site
        .pages
        .iter()
        .filter(|p| sel.pages.is_empty() || sel.pages.contains(&p.id))
        .filter(|p| match sel.since {
            Some(since) => p.fm.date.is_some_and(|d| d >= since),
            None => true,
        })
        .map(|p| p.id)
        .collect();
    crate::content::taxonomy::sort_newest_first(site, &mut ids);
    let platforms: &[Platform] = if sel.platforms.is_empty() {
        &Platform::ALL
    } else {
        &sel.platforms
    };
    ids.into_iter()
        .map(|id| {
            let p = site.page(id);
            let a = article(site, md, p);
            Kit {
                posts: platforms
                    .iter()
                    .map(|&pl| compose::post(&a, pl, site.config.social.utm))
                    .collect(),
                file: a.file,
                lang: a.lang,
                title: a.title,
                url: a.url,
                date: a.date,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_citation_markers() {
        assert_eq!(
            plain_text(
                "<p>Ein <em>Wert</em> &amp; mehr <a href=\"#r1\">[1,2]</a>.</p>\n<p>Zwei [Text].</p>"
            ),
            "Ein Wert & mehr.\nZwei [Text]."
        );
    }

    #[test]
    fn names_are_joined_in_the_language() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_names(&n(&["A"]), "und"), "A");
        assert_eq!(join_names(&n(&["A", "B"]), "und"), "A und B");
        assert_eq!(join_names(&n(&["A", "B", "C"]), "and"), "A, B and C");
    }

    #[test]
    fn platforms_parse_by_name_and_alias() {
        assert_eq!(Platform::parse("X"), Some(Platform::X));
        assert_eq!(Platform::parse("twitter"), Some(Platform::X));
        assert_eq!(Platform::parse("linkedin"), Some(Platform::Linkedin));
        assert_eq!(Platform::parse("myspace"), None);
    }
}
