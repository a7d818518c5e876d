//! schema.org JSON-LD for `<script type="application/ld+json">`, built with serde_json.
//!
//! An article is a `MedicalWebPage` (who wrote and medically reviewed it, when,
//! for whom, about which conditions); an author page is a `ProfilePage` whose
//! main entity is the `Person`. Templates print the finished string with
//! `{{ page.jsonld | safe }}`: [`script_safe`] escapes `<`, `>` and `&`, so no
//! value (a title with `</script>`, say) can end the script element early.

use serde_json::{Map, Value, json};

use crate::config::{Author, TagMeta};
use crate::content::front_matter::Audience;
use crate::content::slug::slugify;
use crate::content::taxonomy::Taxonomy;
use crate::content::{Page, Site};

/// The members of schema.org's `MedicalSpecialty` enumeration.
pub const SPECIALTIES: [&str; 41] = [
    "Anesthesia",
    "Cardiovascular",
    "CommunityHealth",
    "Dentistry",
    "Dermatology",
    "DietNutrition",
    "Emergency",
    "Endocrine",
    "Gastroenterologic",
    "Genetic",
    "Geriatric",
    "Gynecologic",
    "Hematologic",
    "Infectious",
    "LaboratoryScience",
    "Midwifery",
    "Musculoskeletal",
    "Neurologic",
    "Nursing",
    "Obstetric",
    "Oncologic",
    "Optometric",
    "Otolaryngologic",
    "Pathology",
    "Pediatric",
    "PharmacySpecialty",
    "Physiotherapy",
    "PlasticSurgery",
    "Podiatric",
    "PrimaryCare",
    "Psychiatric",
    "PublicHealth",
    "Pulmonary",
    "Radiography",
    "Renal",
    "RespiratoryTherapy",
    "Rheumatologic",
    "SpeechPathology",
    "Surgical",
    "Toxicologic",
    "Urologic",
];

/// The schema.org name of a specialty as written (`primarycare` → `PrimaryCare`), if it is one.
pub fn specialty_name(s: &str) -> Option<&'static str> {
    let s = s.trim();
    let s = s
        .strip_prefix("https://schema.org/")
        .or_else(|| s.strip_prefix("http://schema.org/"))
        .unwrap_or(s);
    SPECIALTIES
        .iter()
        .copied()
        .find(|n| n.eq_ignore_ascii_case(s))
}

/// `specialty` as JSON-LD: the enumeration member's URL, else a named `MedicalSpecialty`.
fn specialty(s: &str) -> Value {
    match specialty_name(s) {
        Some(n) => Value::String(format!("https://schema.org/{n}")),
        None => json!({"@type": "MedicalSpecialty", "name": s}),
    }
}

/// JSON for a `<script>` element: `<`, `>` and `&` become `\u003c`, `\u003e`,
/// `\u0026` (still the same JSON), so the text can never close the element or
/// open a comment.
pub fn script_safe(v: &Value) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    // Serialising a `Value` into memory cannot fail: its keys are strings.
    if serde::Serialize::serialize(v, &mut ser).is_err() {
        return "null".into();
    }
    // Only ASCII escapes replace whole characters: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Compact JSON whose strings escape what could end a `<script>` element,
/// while they are written (no second pass over the text).
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut copied = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let (escaped, len): (&[u8], usize) = match b {
                b'<' => (b"\\u003c", 1),
                b'>' => (b"\\u003e", 1),
                b'&' => (b"\\u0026", 1),
                // Line and paragraph separators (E2 80 A8/A9) are valid JSON
                // but not valid in old JS parsers.
                0xE2 => match bytes.get(i + 1..i + 3) {
                    Some([0x80, 0xA8]) => (b"\\u2028", 3),
                    Some([0x80, 0xA9]) => (b"\\u2029", 3),
                    _ => continue,
                },
                _ => continue,
            };
            w.write_all(&bytes[copied..i])?;
            w.write_all(escaped)?;
            copied = i + len;
        }
        w.write_all(&bytes[copied..])
    }
}

fn insert_str(m: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.trim().is_empty() {
        m.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// A schema.org `Person` for `[authors.KEY]`; `page_url` is their page on this site.
pub fn person(author: &Author, page_url: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), "Person".into());
    m.insert("name".into(), author.name.clone().into());
    insert_str(&mut m, "jobTitle", &author.credentials);
    if !author.credentials.trim().is_empty() {
        m.insert(
            "hasCredential".into(),
            json!({"@type": "EducationalOccupationalCredential", "name": author.credentials}),
        );
    }
    if !author.affiliation.trim().is_empty() {
        m.insert(
            "affiliation".into(),
            json!({"@type": "Organization", "name": author.affiliation}),
        );
    }
    let url = if author.url.trim().is_empty() {
        page_url.unwrap_or("")
    } else {
        author.url.as_str()
    };
    insert_str(&mut m, "url", url);
    let mut same_as = Vec::new();
    if !author.orcid.trim().is_empty() {
        same_as.push(Value::String(orcid_url(&author.orcid)));
    }
    if !author.url.trim().is_empty() {
        same_as.push(Value::String(author.url.clone()));
    }
    if let Some(u) = page_url.filter(|u| *u != author.url) {
        same_as.push(Value::String(u.to_owned()));
    }
    if !same_as.is_empty() {
        m.insert("sameAs".into(), Value::Array(same_as));
    }
    Value::Object(m)
}

/// `0000-0002-1825-0097` or a full ORCID URL → `https://orcid.org/0000-0002-1825-0097`.
fn orcid_url(orcid: &str) -> String {
    let o = orcid.trim();
    if o.starts_with("http://") || o.starts_with("https://") {
        o.to_owned()
    } else {
        format!("https://orcid.org/{o}")
    }
}

fn people(site: &Site, tax: &Taxonomy, keys: &[String], lang: &str) -> Vec<Value> {
    keys.iter()
        .filter_map(|k| {
            let a = site.config.authors.get(k)?;
            let page_url = site.config.permalink(&tax.author_url(site, lang, k));
            Some(person(a, Some(&page_url)))
        })
        .collect()
}

fn audience(a: Audience) -> Value {
    let one = |t: &str| json!({"@type": "MedicalAudience", "audienceType": t});
    match a {
        Audience::Patients => one("Patient"),
        Audience::Clinicians => one("Clinician"),
        Audience::All => json!([one("Patient"), one("Clinician")]),
    }
}

/// The `[tags.NAME]` entry of a tag, matched by slug.
fn tag_meta<'a>(site: &'a Site, tag: &str) -> Option<&'a TagMeta> {
    let slug = slugify(tag);
    site.config
        .tags
        .iter()
        .find(|(k, _)| slugify(k) == slug)
        .map(|(_, m)| m)
}

/// A tag's name in `lang`: its `label`, else as written.
fn tag_label<'a>(site: &'a Site, tag: &'a str, lang: &str) -> &'a str {
    tag_meta(site, tag)
        .and_then(|m| m.label.get(lang))
        .map(String::as_str)
        .unwrap_or(tag)
}

/// `MedicalCondition`s for the page's tags that carry MeSH or ICD-10 codes.
fn about(site: &Site, page: &Page) -> Vec<Value> {
    page.fm
        .tags
        .iter()
        .filter_map(|t| {
            let meta = tag_meta(site, t)?;
            let mut codes: Vec<Value> = Vec::new();
            for (code, system) in [(&meta.icd10, "ICD-10"), (&meta.mesh, "MeSH")] {
                if let Some(c) = code.as_deref().filter(|c| !c.trim().is_empty()) {
                    codes.push(
                        json!({"@type": "MedicalCode", "codeValue": c.trim(), "codingSystem": system}),
                    );
                }
            }
            let code = match codes.len() {
                0 => return None,
                1 => codes.remove(0),
                _ => Value::Array(codes),
            };
            Some(json!({
                "@type": "MedicalCondition",
                "name": tag_label(site, t, &page.lang),
                "code": code,
            }))
        })
        .collect()
}

/// The page's specialty: its own `specialty`, else the site's.
pub fn page_specialty<'a>(site: &'a Site, page: &'a Page) -> Option<&'a str> {
    page.fm
        .specialty
        .as_deref()
        .or(site.config.specialty.as_deref())
        .filter(|s| !s.trim().is_empty())
}

/// The `MedicalWebPage` of an article. `citations` are the formatted
/// references of the page (empty when it cites nothing).
pub fn page(site: &Site, tax: &Taxonomy, page: &Page, citations: &[String]) -> Value {
    let cfg = &site.config;
    let description = page
        .fm
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(&cfg.description);
    let mut m = Map::new();
    m.insert("@context".into(), "https://schema.org".into());
    m.insert("@type".into(), "MedicalWebPage".into());
    m.insert("@id".into(), format!("{}#webpage", page.permalink).into());
    m.insert("url".into(), page.permalink.clone().into());
    m.insert("name".into(), page.title.clone().into());
    m.insert("headline".into(), page.title.clone().into());
    insert_str(&mut m, "description", description);
    m.insert("inLanguage".into(), page.lang.clone().into());
    if let Some(d) = page.fm.date {
        m.insert("datePublished".into(), d.iso().into());
    }
    if let Some(d) = crate::outputs::last_changed(page) {
        m.insert("dateModified".into(), d.iso().into());
    }
    if let Some(d) = page.fm.last_reviewed {
        m.insert("lastReviewed".into(), d.iso().into());
    }
    let reviewers = people(site, tax, &page.reviewers, &page.lang);
    if !reviewers.is_empty() {
        m.insert("reviewedBy".into(), Value::Array(reviewers));
    }
    let authors = people(site, tax, &page.authors, &page.lang);
    if !authors.is_empty() {
        m.insert("author".into(), Value::Array(authors));
    }
    let aud = audience(page.audience);
    m.insert("audience".into(), aud.clone());
    m.insert("medicalAudience".into(), aud);
    if let Some(s) = page_specialty(site, page) {
        m.insert("specialty".into(), specialty(s));
    }
    let about = about(site, page);
    if !about.is_empty() {
        m.insert("about".into(), Value::Array(about));
    }
    if !page.fm.tags.is_empty() {
        let keywords: Vec<&str> = page
            .fm
            .tags
            .iter()
            .map(|t| tag_label(site, t, &page.lang))
            .collect();
        m.insert("keywords".into(), keywords.join(", ").into());
    }
    if !citations.is_empty() {
        m.insert(
            "citation".into(),
            Value::Array(citations.iter().map(|c| Value::String(c.clone())).collect()),
        );
    }
    m.insert(
        "isPartOf".into(),
        json!({"@type": "WebSite", "name": cfg.title, "url": cfg.base_url}),
    );
    m.insert("publisher".into(), publisher(site));
    Value::Object(m)
}

/// The site's publisher: an `Organization` with the site's title and base URL.
pub fn publisher(site: &Site) -> Value {
    json!({"@type": "Organization", "name": site.config.title, "url": site.config.base_url})
}

/// The `ProfilePage` of an author page, with the `Person` as its main entity.
pub fn author_page(site: &Site, key: &str, lang: &str, permalink: &str) -> Option<Value> {
    let a = site.config.authors.get(key)?;
    Some(json!({
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": permalink,
        "inLanguage": lang,
        "mainEntity": person(a, Some(permalink)),
        "publisher": publisher(site),
    }))
}

/// `og:locale` for a language tag: `de` → `de_DE`, `en` → `en_US`, `de-AT` → `de_AT`.
pub fn og_locale(lang: &str) -> String {
    let mut parts = lang.split(['-', '_']);
    let primary = parts.next().unwrap_or(lang).to_ascii_lowercase();
    // A region subtag has two letters or three digits; skip scripts (`Latn`) and variants.
    if let Some(region) = parts.find(|p| {
        (p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
            || (p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
    }) {
        return format!("{primary}_{}", region.to_ascii_uppercase());
    }
    let region = match primary.as_str() {
        "en" => "US",
        "de" => "DE",
        "fr" => "FR",
        "nl" => "NL",
        "es" => "ES",
        "it" => "IT",
        "pt" => "PT",
        "pl" => "PL",
        "da" => "DK",
        "sv" => "SE",
        "fi" => "FI",
        "cs" => "CZ",
        "el" => "GR",
        "tr" => "TR",
        "uk" => "UA",
        "ru" => "RU",
        "no" | "nb" => "NO",
        _ => return primary,
    };
    format!("{primary}_{region}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let v = json!({"name": "a</script><!-- & \u{2028}"});
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn script_safe_escapes_separators_and_keeps_other_text() {
        let v = json!({"t": "Müller – “Ärzte” \u{2028}x\u{2029}€ <b>", "n": 3});
        let s = script_safe(&v);
        assert_eq!(
            s,
            r#"{"n":3,"t":"Müller – “Ärzte” \u2028x\u2029€ \u003cb\u003e"}"#
        );
        let back: Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back, v);
        assert_eq!(script_safe(&json!("")), r#""""#);
    }

    #[test]
    fn og_locales() {
        assert_eq!(og_locale("de"), "de_DE");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("fr"), "fr_FR");
        assert_eq!(og_locale("nl"), "nl_NL");
        assert_eq!(og_locale("de-AT"), "de_AT");
        assert_eq!(og_locale("en-gb"), "en_GB");
        assert_eq!(og_locale("sr-Latn-RS"), "sr_RS");
        assert_eq!(og_locale("xx"), "xx");
    }

    #[test]
    fn specialties_match_case_insensitively() {
        assert_eq!(specialty_name("primarycare"), Some("PrimaryCare"));
        assert_eq!(
            specialty_name("https://schema.org/Cardiovascular"),
            Some("Cardiovascular")
        );
        assert_eq!(specialty_name("Allgemeinmedizin"), None);
        assert_eq!(
            specialty("Endocrine"),
            json!("https://schema.org/Endocrine")
        );
    }

    #[test]
    fn person_has_credentials_affiliation_and_orcid() {
        let a = Author {
            name: "Dr. A".into(),
            credentials: "GP".into(),
            affiliation: "Practice".into(),
            orcid: "0000-0002-1825-0097".into(),
            ..Author::default()
        };
        let p = person(&a, Some("https://e.org/authors/a/"));
        assert_eq!(p["jobTitle"], "GP");
        assert_eq!(p["affiliation"]["name"], "Practice");
        assert_eq!(p["url"], "https://e.org/authors/a/");
        assert_eq!(p["sameAs"][0], "https://orcid.org/0000-0002-1825-0097");
    }
}
