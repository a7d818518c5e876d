//! `praxis.toml`: read in two layers.
//!
//! [`RawConfig`] mirrors the file exactly (serde, `deny_unknown_fields`, so a
//! typo is an error that names the key and the nearest valid one). [`Config`]
//! is what the rest of praxis uses: validated, with real types (base URL split
//! into origin and path, intervals, language lists, the theme's CSS variables).
//! Every key of the product contract is accepted and typed here, even where a
//! later stage gives it its behaviour.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::date::Interval;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source_errors::{Snippet, toml_error};

/// The config file's name; its folder is the site root.
pub const CONFIG_FILE: &str = "praxis.toml";

/// A string or a list of strings (`bibliography = "a.bib"` or `["a.bib", "b.json"]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// `[authors.KEY]`: a person who writes or reviews articles.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    #[serde(default)]
    pub credentials: String,
    #[serde(default)]
    pub affiliation: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub orcid: String,
    #[serde(default)]
    pub disclosures: String,
    /// A portrait, relative to the site root (e.g. `static/team/meier.jpg`).
    #[serde(default)]
    pub photo: String,
    /// The fediverse handle for `fediverse:creator` (`@meier@med.social`).
    #[serde(default)]
    pub mastodon: String,
}

/// `[cards]`: social share cards.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Cards {
    pub enabled: bool,
    pub background: String,
    pub foreground: String,
    pub accent: String,
    pub logo: Option<String>,
    pub font: Option<String>,
}

impl Default for Cards {
    fn default() -> Self {
        Cards {
            enabled: true,
            background: "#0b4f6c".into(),
            foreground: "#ffffff".into(),
            accent: "#f4a259".into(),
            logo: None,
            font: None,
        }
    }
}

/// `[markdown]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// A syntect theme name for the generated `syntax.css`.
    pub highlight_theme: String,
    /// Highlight fenced code blocks at all.
    pub highlight_code: bool,
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_theme: "InspiredGitHub".into(),
            highlight_code: true,
            smart_punctuation: true,
        }
    }
}

/// `[tags.NAME]`: what a tag means.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TagMeta {
    /// The tag's label per language, `{ de = "Diabetes", en = "Diabetes" }`.
    #[serde(default)]
    pub label: BTreeMap<String, String>,
    #[serde(default)]
    pub hashtag: Option<String>,
    #[serde(default)]
    pub mesh: Option<String>,
    #[serde(default)]
    pub icd10: Option<String>,
}

/// `[legal]`: the facts of a German Impressum (§5 DDG). praxis lays them out; it writes no legal text.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Legal {
    /// Name of the responsible person or practice.
    pub name: String,
    /// Professional title (`Fachärztin für Allgemeinmedizin`).
    pub title: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// Responsible medical chamber (`Ärztekammer Berlin`).
    pub chamber: String,
    /// Kassenärztliche Vereinigung, if contracted.
    pub kv: String,
    /// The state that granted the professional title.
    pub state: String,
    /// Link to the professional code (Berufsordnung).
    pub professional_code_url: String,
    pub vat_id: String,
    /// Anything else to show, as Markdown.
    pub notes: String,
}

/// What an Atom feed entry carries.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The summary (text before `<!-- more -->`, else the first paragraph).
    #[default]
    Summary,
    /// The whole article.
    Full,
}

/// `[feeds]`: Atom feeds.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    pub enabled: bool,
    pub content: FeedContent,
    /// The newest this many articles go into each feed.
    pub limit: usize,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            enabled: true,
            content: FeedContent::Summary,
            limit: 30,
        }
    }
}

/// `[social]`: the social kit.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Social {
    pub square: bool,
    pub portrait: bool,
    pub utm: bool,
}

/// `theme = "clinic"` or a `[theme]` table of CSS custom properties (with an optional `name`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeSetting {
    pub name: Option<String>,
    pub vars: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for ThemeSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ThemeSetting;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a theme name or a table of CSS custom properties")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ThemeSetting, E> {
                Ok(ThemeSetting {
                    name: Some(v.to_owned()),
                    vars: BTreeMap::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ThemeSetting, A::Error> {
                let mut out = ThemeSetting::default();
                while let Some(key) = map.next_key::<String>()? {
                    let value: String = map.next_value()?;
                    if key == "name" {
                        out.name = Some(value);
                    } else {
                        out.vars.insert(key, value);
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// `praxis.toml` exactly as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: String,
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub default_language: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub theme: Option<ThemeSetting>,
    #[serde(default)]
    pub bibliography: Option<OneOrMany>,
    #[serde(default)]
    pub citation_style: Option<String>,
    #[serde(default)]
    pub review_interval: Option<Interval>,
    #[serde(default)]
    pub review_due_soon: Option<Interval>,
    #[serde(default)]
    pub disclaimer: String,
    #[serde(default)]
    pub default_authors: Vec<String>,
    /// schema.org `MedicalSpecialty` of the site (`"PrimaryCare"`); a page may set its own.
    #[serde(default)]
    pub specialty: Option<String>,
    #[serde(default)]
    pub authors: BTreeMap<String, Author>,
    #[serde(default)]
    pub cards: Cards,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub tags: BTreeMap<String, TagMeta>,
    #[serde(default)]
    pub legal: Option<Legal>,
    #[serde(default)]
    pub social: Social,
    #[serde(default)]
    pub feeds: Feeds,
    /// `[check]`: thresholds of `praxis check` (and the checks `build` runs).
    #[serde(default)]
    pub check: crate::check::CheckConfig,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The built-in citation styles.
pub const CITATION_STYLES: [&str; 4] = ["vancouver", "ama", "apa", "harvard"];

/// The citation style: a built-in name or a CSL file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitationStyle {
    Builtin(String),
    CslFile(PathBuf),
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/` (`https://user.github.io/blog/`).
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/` (`/blog/`).
    pub root_path: String,
    pub default_language: String,
    /// Every language of the site, the default first.
    pub languages: Vec<String>,
    pub theme_name: Option<String>,
    pub theme_vars: BTreeMap<String, String>,
    pub bibliography: Vec<PathBuf>,
    pub citation_style: CitationStyle,
    pub review_interval: Interval,
    pub review_due_soon: Interval,
    pub disclaimer: String,
    pub default_authors: Vec<String>,
    /// schema.org `MedicalSpecialty` for JSON-LD, unless a page sets its own.
    pub specialty: Option<String>,
    pub authors: BTreeMap<String, Author>,
    pub cards: Cards,
    pub markdown: MarkdownConfig,
    pub tags: BTreeMap<String, TagMeta>,
    pub legal: Option<Legal>,
    pub social: Social,
    pub feeds: Feeds,
    pub check: crate::check::CheckConfig,
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Config {
    /// Reads and validates `praxis.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            let d = if e.kind() == std::io::ErrorKind::NotFound {
                Diagnostic::error("config", format!("no {CONFIG_FILE} in {}", root.display()))
                    .with_hint("run praxis in the site's folder, pass --root DIR, or create a site with `praxis init`")
            } else {
                Diagnostic::error("io", format!("cannot read {}: {e}", path.display()))
            };
            single(d)
        })?;
        Config::from_bytes(root, bytes)
    }

    /// Decodes, parses and validates the bytes of a `praxis.toml`.
    pub fn from_bytes(root: &Path, bytes: Vec<u8>) -> Result<Config, Diagnostics> {
        let file = PathBuf::from(CONFIG_FILE);
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let (line, column) = crate::diagnostics::line_col(&prefix, valid);
            single(
                Diagnostic::error("encoding", "the file is not valid UTF-8")
                    .in_file(&file)
                    .at(line, column)
                    .with_hint(format!("save it as UTF-8 (invalid byte at offset {valid})")),
            )
        })?;
        Config::parse(root, &text)
    }

    /// Parses and validates config text (for tests and `init`).
    pub fn parse(root: &Path, text: &str) -> Result<Config, Diagnostics> {
        let file = PathBuf::from(CONFIG_FILE);
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            single(toml_error(
                &e,
                "config",
                &file,
                Snippet {
                    file_text: text,
                    offset: 0,
                },
            ))
        })?;
        resolve(root, raw, text)
    }

    /// The site's languages other than the default.
    pub fn extra_languages(&self) -> impl Iterator<Item = &str> {
        self.languages.iter().skip(1).map(String::as_str)
    }

    pub fn is_language(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }

    /// The root-relative URL prefix of a language: `/blog/` or `/blog/en/`.
    pub fn language_root(&self, lang: &str) -> String {
        if lang == self.default_language {
            self.root_path.clone()
        } else {
            format!("{}{lang}/", self.root_path)
        }
    }

    /// An absolute URL for a root-relative one.
    pub fn permalink(&self, url: &str) -> String {
        let origin = self
            .base_url
            .strip_suffix(&self.root_path)
            .unwrap_or(&self.base_url);
        format!("{origin}{url}")
    }

    /// Replaces the base URL (for `--base-url` and `serve`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        let (base, root_path) = split_base_url(url)?;
        self.base_url = base;
        self.root_path = root_path;
        Ok(())
    }

    /// The `[theme]` custom properties as CSS declarations.
    pub fn theme_css(&self) -> String {
        self.theme_vars
            .iter()
            .map(|(k, v)| format!("--{k}: {v};"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn single(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

/// `https://example.org/blog` → (`https://example.org/blog/`, `/blog/`).
fn split_base_url(url: &str) -> Result<(String, String), Diagnostic> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            Diagnostic::error(
                "config",
                format!("base_url `{url}` is not an absolute http(s) URL"),
            )
            .with_hint(
                "write it like \"https://praxis-meier.de\" or \"https://user.github.io/blog/\"",
            )
        })?;
    let (host, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    if host.is_empty() || url.contains(['?', '#', ' ']) {
        return Err(Diagnostic::error(
            "config",
            format!("base_url `{url}` is not a valid site address"),
        )
        .with_hint(
            "give the scheme and host, and optionally a path: \"https://example.org/blog/\"",
        ));
    }
    let mut path = path.to_owned();
    if !path.ends_with('/') {
        path.push('/');
    }
    let scheme_len = url.len() - rest.len();
    Ok((format!("{}{host}{path}", &url[..scheme_len]), path))
}

fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn is_css_safe(value: &str) -> bool {
    !value.is_empty() && !value.contains([';', '{', '}', '<', '>', '"', '\\', '\n'])
}

fn resolve(root: &Path, raw: RawConfig, text: &str) -> Result<Config, Diagnostics> {
    let file = PathBuf::from(CONFIG_FILE);
    let mut ds = Diagnostics::new();
    // Points a diagnostic at `key = ` in the file when it can be found.
    let at_key = |d: Diagnostic, key: &str| -> Diagnostic {
        let d = d.in_file(&file);
        match find_key(text, key) {
            Some(off) => d.at_offset(text, off),
            None => d,
        }
    };

    let (base_url, root_path) = match split_base_url(&raw.base_url) {
        Ok(v) => v,
        Err(d) => {
            ds.push(at_key(d, "base_url"));
            (String::from("http://localhost/"), String::from("/"))
        }
    };

    let default_language = raw.default_language.unwrap_or_else(|| "en".into());
    let mut languages = vec![default_language.clone()];
    for lang in &raw.languages {
        if !languages.contains(lang) {
            languages.push(lang.clone());
        }
    }
    for lang in &languages {
        if !is_language_tag(lang) {
            ds.push(at_key(
                Diagnostic::error("config", format!("`{lang}` is not a language code")).with_hint(
                    "use a BCP 47 tag such as \"de\", \"en\", \"fr\", \"nl\" or \"de-AT\"",
                ),
                if *lang == default_language {
                    "default_language"
                } else {
                    "languages"
                },
            ));
        }
    }

    let (theme_name, theme_vars) = match raw.theme {
        Some(t) => (t.name, t.vars),
        None => (None, BTreeMap::new()),
    };
    for (k, v) in &theme_vars {
        let key_ok = !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !key_ok || !is_css_safe(v) {
            ds.push(at_key(
                Diagnostic::error(
                    "config",
                    format!("[theme] {k} = \"{v}\" is not a usable CSS value"),
                )
                .with_hint(
                    "use a colour or length such as \"#0b4f6c\" or \"1.1rem\", without ; { } < >",
                ),
                k,
            ));
        }
    }
    if let Some(name) = &theme_name {
        let is_builtin = name == crate::theme::BUILTIN_THEME;
        if !is_builtin && !root.join("themes").join(name).is_dir() {
            ds.push(at_key(
                Diagnostic::error("config", format!("theme `{name}` not found")).with_hint(
                    format!(
                        "create themes/{name}/ or use the built-in theme \"{}\"",
                        crate::theme::BUILTIN_THEME
                    ),
                ),
                "theme",
            ));
        }
    }

    let citation_style = match raw.citation_style.as_deref() {
        None => CitationStyle::Builtin("vancouver".into()),
        Some(s) if CITATION_STYLES.contains(&s) => CitationStyle::Builtin(s.into()),
        Some(s) if s.ends_with(".csl") => {
            if !root.join(s).is_file() {
                ds.push(at_key(
                    Diagnostic::error("config", format!("citation style file `{s}` not found"))
                        .with_hint("give the path of a .csl file relative to the site root"),
                    "citation_style",
                ));
            }
            CitationStyle::CslFile(PathBuf::from(s))
        }
        Some(s) => {
            ds.push(at_key(
                Diagnostic::error("config", format!("unknown citation style `{s}`")).with_hint(
                    format!(
                        "use one of {} or the path of a .csl file",
                        CITATION_STYLES.join(", ")
                    ),
                ),
                "citation_style",
            ));
            CitationStyle::Builtin("vancouver".into())
        }
    };

    for key in &raw.default_authors {
        if !raw.authors.contains_key(key) {
            let hint =
                crate::diagnostics::did_you_mean(key, raw.authors.keys().map(String::as_str))
                    .unwrap_or_else(|| format!("add an [authors.{key}] table"));
            ds.push(at_key(
                Diagnostic::error(
                    "config",
                    format!("default author `{key}` has no [authors.{key}] table"),
                )
                .with_hint(hint),
                "default_authors",
            ));
        }
    }

    if ds.has_errors() {
        return Err(ds);
    }
    Ok(Config {
        root: root.to_path_buf(),
        title: raw.title,
        description: raw.description,
        base_url,
        root_path,
        default_language,
        languages,
        theme_name,
        theme_vars,
        bibliography: raw
            .bibliography
            .map(|b| b.to_vec().into_iter().map(PathBuf::from).collect())
            .unwrap_or_default(),
        citation_style,
        review_interval: raw.review_interval.unwrap_or(Interval {
            amount: 12,
            unit: crate::date::Unit::Months,
        }),
        review_due_soon: raw.review_due_soon.unwrap_or(Interval {
            amount: 60,
            unit: crate::date::Unit::Days,
        }),
        disclaimer: raw.disclaimer,
        default_authors: raw.default_authors,
        specialty: raw.specialty,
        authors: raw.authors,
        cards: raw.cards,
        markdown: raw.markdown,
        tags: raw.tags,
        legal: raw.legal,
        social: raw.social,
        feeds: raw.feeds,
        check: raw.check,
        extra: raw.extra,
    })
}

/// Byte offset of a top-level-looking `key =` (start of line) in TOML text.
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(Path::new("/nonexistent-site"), text)
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title = \"T\"\nbase_url = \"https://example.org\"\n").expect("valid");
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.root_path, "/");
        assert_eq!(c.default_language, "en");
        assert_eq!(c.review_interval.to_string(), "12 months");
        assert_eq!(c.citation_style, CitationStyle::Builtin("vancouver".into()));
    }

    #[test]
    fn base_url_with_sub_path() {
        let c =
            parse("title = \"T\"\nbase_url = \"https://user.github.io/blog\"\n").expect("valid");
        assert_eq!(c.base_url, "https://user.github.io/blog/");
        assert_eq!(c.root_path, "/blog/");
        assert_eq!(c.permalink("/blog/a/"), "https://user.github.io/blog/a/");
    }

    #[test]
    fn unknown_key_names_key_line_and_suggestion() {
        let err = parse("title = \"T\"\nbase_url = \"https://e.org\"\ndescripton = \"x\"\n")
            .expect_err("unknown key");
        let d = err.iter().next().expect("one diagnostic");
        assert_eq!(d.message, "unknown key `descripton`");
        assert_eq!((d.line, d.column), (3, 1));
        assert!(d.hint.as_deref().unwrap_or("").contains("`description`"));
    }

    #[test]
    fn theme_string_and_table_both_work() {
        let c = parse("title = \"T\"\nbase_url = \"https://e.org\"\ntheme = \"clinic\"\n")
            .expect("valid");
        assert_eq!(c.theme_name.as_deref(), Some("clinic"));
        let c =
            parse("title = \"T\"\nbase_url = \"https://e.org\"\n[theme]\nprimary = \"#0b4f6c\"\n")
                .expect("valid");
        assert_eq!(c.theme_css(), "--primary: #0b4f6c;");
        let err =
            parse("title = \"T\"\nbase_url = \"https://e.org\"\n[theme]\nprimary = \"red;}\"\n")
                .expect_err("unsafe css");
        assert!(err.iter().any(|d| d.line == 4));
    }

    #[test]
    fn bad_values_are_reported_together() {
        let err = parse(
            "title = \"T\"\nbase_url = \"example.org\"\ncitation_style = \"chicago\"\ndefault_authors = [\"meyer\"]\n[authors.meier]\nname = \"A\"\n",
        )
        .expect_err("bad values");
        let msgs: Vec<_> = err.iter().map(|d| d.message.clone()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(
            err.iter()
                .any(|d| d.hint.as_deref().unwrap_or("").contains("`meier`"))
        );
    }

    #[test]
    fn bad_interval_is_an_error_with_the_line() {
        let err =
            parse("title = \"T\"\nbase_url = \"https://e.org\"\nreview_interval = \"soon\"\n")
                .expect_err("bad interval");
        let d = err.iter().next().expect("one");
        assert_eq!(d.line, 3);
        assert!(d.message.contains("is not an interval"), "{}", d.message);
        assert!(d.hint.as_deref().unwrap_or("").contains("12 months"));
    }
}
