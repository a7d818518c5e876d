//! schema.org JSON-LD for `<script type="application/ld+json">`, built with serde_json.
//!
//! An article is a `MedicalWebPage` (who wrote and medically reviewed it, when,
//! for whom, about which conditions); an author page is a `ProfilePage` whose
//! main entity is the `Person`. Templates print the finished string with
//! `{{ page.jsonld | safe }}`: [`script_safe`] escapes `<`, `>` and `&`, so no
//! value (a title with `</script>`, say) can end the script element early.
//!
//! Every article has one, so [`page`] writes its text directly (the same
//! bytes serde_json would) and takes the parts many pages repeat (authors,
//! publisher) from [`Shared`], serialised once per build.

use std::sync::Arc;

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

/// The escape of a byte at `i` that could end a `<script>` element or
/// break an old JavaScript parser (`<`, `>`, `&`, and the line and paragraph
/// separators E2 80 A8/A9, valid JSON but not valid in old parsers), with the
/// number of bytes it replaces.
fn script_escape(bytes: &[u8], i: usize) -> Option<(&'static [u8], usize)> {
    match bytes[i] {
        b'<' => Some((b"\\u003c", 1)),
        b'>' => Some((b"\\u003e", 1)),
        b'&' => Some((b"\\u0026", 1)),
        0xE2 => match bytes.get(i + 1..i + 3) {
            Some([0x80, 0xA8]) => Some((b"\\u2028", 3)),
            Some([0x80, 0xA9]) => Some((b"\\u2029", 3)),
            _ => None,
        },
        _ => None,
    }
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
        // Most fragments have nothing to escape: one pass without branches.
        let special = |b: u8| matches!(b, b'<' | b'>' | b'&' | 0xE2);
        if !bytes.iter().fold(false, |any, &b| any | special(b)) {
            return w.write_all(bytes);
        }
        let mut copied = 0;
        for i in 0..bytes.len() {
            let Some((escaped, len)) = script_escape(bytes, i) else {
                continue;
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
    if site.config.tags.is_empty() {
        return None;
    }
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

/// The `MedicalWebPage` of an article, as script-safe JSON (what
/// [`script_safe`] makes of the same object). `citations` are the formatted
/// references of the page (empty when it cites nothing); `shared` keeps what
/// many pages repeat (authors, publisher) serialised once per build.
pub fn page(
    site: &Site,
    tax: &Taxonomy,
    page: &Page,
    citations: &[String],
    shared: &Shared,
) -> String {
    let cfg = &site.config;
    let description = page
        .fm
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(&cfg.description);
    let fixed = shared.fixed(site);
    let mut m: Vec<(&'static str, Json<'_>)> = Vec::with_capacity(24);
    m.push(("@context", Json::Str("https://schema.org")));
    m.push(("@type", Json::Str("MedicalWebPage")));
    m.push(("@id", Json::String(format!("{}#webpage", page.permalink))));
    m.push(("url", Json::Str(&page.permalink)));
    m.push(("name", Json::Str(&page.title)));
    m.push(("headline", Json::Str(&page.title)));
    if !description.trim().is_empty() {
        m.push(("description", Json::Str(description)));
    }
    m.push(("inLanguage", Json::Str(&page.lang)));
    if let Some(d) = page.fm.date {
        m.push(("datePublished", Json::String(d.iso())));
    }
    if let Some(d) = crate::outputs::last_changed(page) {
        m.push(("dateModified", Json::String(d.iso())));
    }
    if let Some(d) = page.fm.last_reviewed {
        m.push(("lastReviewed", Json::String(d.iso())));
    }
    let people = |keys: &[String]| -> Vec<Json<'static>> {
        keys.iter()
            .filter_map(|k| shared.person(site, tax, k, &page.lang))
            .map(Json::Shared)
            .collect()
    };
    let reviewers = people(&page.reviewers);
    if !reviewers.is_empty() {
        m.push(("reviewedBy", Json::Arr(reviewers)));
    }
    let authors = people(&page.authors);
    if !authors.is_empty() {
        m.push(("author", Json::Arr(authors)));
    }
    let aud = match page.audience {
        Audience::Patients => &fixed.patients,
        Audience::Clinicians => &fixed.clinicians,
        Audience::All => &fixed.all,
    };
    m.push(("audience", Json::Raw(aud)));
    m.push(("medicalAudience", Json::Raw(aud)));
    if let Some(s) = page_specialty(site, page) {
        m.push(("specialty", Json::Owned(script_safe(&specialty(s)))));
    }
    let about = about(site, page);
    if !about.is_empty() {
        m.push(("about", Json::Owned(script_safe(&Value::Array(about)))));
    }
    if !page.fm.tags.is_empty() {
        let keywords: Vec<&str> = page
            .fm
            .tags
            .iter()
            .map(|t| tag_label(site, t, &page.lang))
            .collect();
        m.push(("keywords", Json::String(keywords.join(", "))));
    }
    if !citations.is_empty() {
        m.push((
            "citation",
            Json::Arr(citations.iter().map(|c| Json::Str(c)).collect()),
        ));
    }
    m.push(("isPartOf", Json::Raw(&fixed.is_part_of)));
    m.push(("publisher", Json::Raw(&fixed.publisher)));
    let mut out = Vec::with_capacity(4096);
    Json::Obj(m).write(&mut out);
    // Only whole characters are escaped, with ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What many pages' JSON-LD repeat, serialised once per build (with
/// [`script_safe`]): the publisher, the website, the audiences, and each
/// author as a `Person` in each language.
#[derive(Debug, Default)]
pub struct Shared {
    fixed: std::sync::OnceLock<Fixed>,
    people: std::sync::Mutex<People>,
}

/// Each `Person` by language and author key; `None` for an unknown author.
type People =
    std::collections::HashMap<String, std::collections::HashMap<String, Option<Arc<str>>>>;

#[derive(Debug)]
struct Fixed {
    publisher: String,
    is_part_of: String,
    patients: String,
    clinicians: String,
    all: String,
}

impl Shared {
    fn fixed(&self, site: &Site) -> &Fixed {
        self.fixed.get_or_init(|| {
            let cfg = &site.config;
            Fixed {
                publisher: script_safe(&publisher(site)),
                is_part_of: script_safe(
                    &json!({"@type": "WebSite", "name": cfg.title, "url": cfg.base_url}),
                ),
                patients: script_safe(&audience(Audience::Patients)),
                clinicians: script_safe(&audience(Audience::Clinicians)),
                all: script_safe(&audience(Audience::All)),
            }
        })
    }

    /// `[authors.KEY]` as a `Person` linking to their page in `lang`.
    fn person(&self, site: &Site, tax: &Taxonomy, key: &str, lang: &str) -> Option<Arc<str>> {
        let made = || {
            let a = site.config.authors.get(key)?;
            let page_url = site.config.permalink(&tax.author_url(site, lang, key));
            Some(Arc::from(script_safe(&person(a, Some(&page_url)))))
        };
        let mut people = self
            .people
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let by_key = match people.get_mut(lang) {
            Some(by_key) => by_key,
            None => people.entry(lang.to_owned()).or_default(),
        };
        match by_key.get(key) {
            Some(p) => p.clone(),
            None => by_key.entry(key.to_owned()).or_insert_with(made).clone(),
        }
    }
}

/// A JSON value written straight to script-safe text: what serde_json
/// writes for the same value with [`ScriptSafe`], object keys sorted as
/// serde_json's map sorts them, without building its `Value` tree.
enum Json<'a> {
    Str(&'a str),
    String(String),
    /// Already script-safe JSON.
    Raw(&'a str),
    Owned(String),
    Shared(Arc<str>),
    Arr(Vec<Json<'a>>),
    /// Keys are unique; they are written sorted.
    Obj(Vec<(&'static str, Json<'a>)>),
}

impl Json<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Json::Str(s) => write_json_str(out, s),
            Json::String(s) => write_json_str(out, s),
            Json::Raw(s) => out.extend_from_slice(s.as_bytes()),
            Json::Owned(s) => out.extend_from_slice(s.as_bytes()),
            Json::Shared(s) => out.extend_from_slice(s.as_bytes()),
            Json::Arr(items) => {
                out.push(b'[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    v.write(out);
                }
                out.push(b']');
            }
            Json::Obj(members) => {
                let mut sorted: Vec<&(&str, Json<'_>)> = members.iter().collect();
                sorted.sort_unstable_by_key(|(k, _)| *k);
                out.push(b'{');
                for (i, (k, v)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_str(out, k);
                    out.push(b':');
                    v.write(out);
                }
                out.push(b'}');
            }
        }
    }
}

/// A JSON string as serde_json writes it with [`ScriptSafe`], in one pass:
/// `"` and `\\` escaped, control characters as `\n`, `\t`… or `\u00XX`,
/// and `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    // Which bytes may need an escape (0xE2 starts U+2028 and U+2029).
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = true;
            b += 1;
        }
        t[b'"' as usize] = true;
        t[b'\\' as usize] = true;
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'&' as usize] = true;
        t[0xE2] = true;
        t
    };
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !SPECIAL[b as usize] {
            continue;
        }
        let (escape, len): (&[u8], usize) = match b {
            b'"' => (b"\\\"", 1),
            b'\\' => (b"\\\\", 1),
            b'\n' => (b"\\n", 1),
            b'\r' => (b"\\r", 1),
            b'\t' => (b"\\t", 1),
            0x08 => (b"\\b", 1),
            0x0C => (b"\\f", 1),
            b'<' | b'>' | b'&' | 0xE2 => match script_escape(bytes, i) {
                Some(e) => e,
                None => continue,
            },
            _ => {
                out.extend_from_slice(&bytes[copied..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
                copied = i + 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[copied..i]);
        out.extend_from_slice(escape);
        copied = i + len;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
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
    fn json_writer_writes_what_serde_json_writes() {
        let controls: String = (0u8..0x20).map(char::from).collect();
        let tricky = &format!(
            "a\"b\\c{controls}\u{7f} </script><!-- & \u{2028}\u{2029}\u{2027} “Ärzte” € \u{e2}\u{e2}\u{2028}"
        );
        let raw = script_safe(&json!({"k": tricky}));
        let shared: Arc<str> = Arc::from(script_safe(&json!([tricky])));
        let written = Json::Obj(vec![
            ("name", Json::Str(tricky)),
            ("@id", Json::String("x".into())),
            (
                "a",
                Json::Arr(vec![
                    Json::Str(tricky),
                    Json::Obj(vec![("z", Json::Str("1")), ("Y", Json::Str(""))]),
                ]),
            ),
            ("B", Json::Arr(Vec::new())),
            ("@type", Json::Obj(Vec::new())),
            ("raw", Json::Raw(&raw)),
            ("owned", Json::Owned(raw.clone())),
            ("shared", Json::Shared(shared)),
        ]);
        let mut out = Vec::new();
        written.write(&mut out);
        let expected = json!({
            "name": tricky,
            "@id": "x",
            "a": [tricky, {"z": "1", "Y": ""}],
            "B": [],
            "@type": {},
            "raw": {"k": tricky},
            "owned": {"k": tricky},
            "shared": [tricky],
        });
        assert_eq!(String::from_utf8_lossy(&out), script_safe(&expected));
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
