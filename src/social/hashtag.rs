//! Hashtags for an article's tags: the tag's `hashtag` from `[tags.NAME]`,
//! else the tag's label (in the page's language) or name in CamelCase.
//!
//! Hashtags end at the first character that is not a letter, digit or `_` on
//! every platform, so `#lab values` would tag only `#lab`; joining the words
//! in CamelCase keeps them one tag and readable (`#LabValues`), and screen
//! readers read CamelCase hashtags word by word. Letters outside ASCII
//! (`#Schilddrüse`) are hashtag characters on all six platforms and are kept.

use crate::config::Config;
use crate::content::slug::slugify;

/// `lab values` → `#LabValues`, `Typ-2-Diabetes` → `#Typ2Diabetes`; `None`
/// when nothing of the tag can be a hashtag.
pub fn camel_case(tag: &str) -> Option<String> {
    let mut out = String::from("#");
    for word in tag.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    // A hashtag of digits only is not a hashtag.
    if out.chars().skip(1).any(char::is_alphabetic) {
        Some(out)
    } else {
        None
    }
}

/// A configured `hashtag`, made valid: a leading `#`, no spaces or punctuation
/// (`"lab werte"` → `#LabWerte`); the author's capitalisation is kept.
fn normalise(configured: &str) -> Option<String> {
    let inner = configured.trim().trim_start_matches('#');
    let valid = inner.chars().all(|c| c.is_alphanumeric() || c == '_');
    if valid && inner.chars().any(char::is_alphabetic) {
        Some(format!("#{inner}"))
    } else {
        camel_case(inner)
    }
}

/// The hashtags of `tags` on a page in `lang`, without duplicates (ignoring case).
pub fn for_tags(config: &Config, tags: &[String], lang: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let slug = slugify(tag);
        let meta = config
            .tags
            .iter()
            .find(|(k, _)| slugify(k) == slug)
            .map(|(_, m)| m);
        let hashtag = match meta {
            Some(m) if m.hashtag.as_deref().is_some_and(|h| !h.trim().is_empty()) => {
                m.hashtag.as_deref().and_then(normalise)
            }
            Some(m) => camel_case(m.label.get(lang).map_or(tag.as_str(), String::as_str)),
            None => camel_case(tag),
        };
        if let Some(h) = hashtag
            && !out.iter().any(|o| o.to_lowercase() == h.to_lowercase())
        {
            out.push(h);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_cases_words_and_keeps_umlauts() {
        assert_eq!(camel_case("lab values").as_deref(), Some("#LabValues"));
        assert_eq!(
            camel_case("Typ-2-Diabetes").as_deref(),
            Some("#Typ2Diabetes")
        );
        assert_eq!(camel_case("Schilddrüse").as_deref(), Some("#Schilddrüse"));
        assert_eq!(camel_case("HbA1c").as_deref(), Some("#HbA1c"));
        assert_eq!(
            camel_case("über 65: Impfungen!").as_deref(),
            Some("#Über65Impfungen")
        );
        assert_eq!(camel_case("2026"), None);
        assert_eq!(camel_case("–"), None);
    }

    #[test]
    fn configured_hashtags_win_and_are_made_valid() {
        let cfg = crate::config::Config::parse(
            std::path::Path::new("."),
            "title = \"T\"\nbase_url = \"https://a.example\"\n[tags.diabetes]\nhashtag = \"#Typ2Diabetes\"\n[tags.lab-values]\nhashtag = \"lab werte\"\n[tags.blood-pressure]\nlabel = { de = \"Blutdruck messen\" }\n",
        )
        .expect("config");
        let tags: Vec<String> = [
            "Diabetes",
            "lab values",
            "blood pressure",
            "DIABETES",
            "Herz",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            for_tags(&cfg, &tags, "de"),
            ["#Typ2Diabetes", "#LabWerte", "#BlutdruckMessen", "#Herz"]
        );
    }
}
