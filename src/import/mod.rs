//! `praxis import`: bring an existing blog into a praxis site.
//!
//! Each source has its own reader (`markdown`, `wordpress`, `hugo`,
//! `jekyll`) that turns what it finds into [`Article`]s with a typed
//! [`FrontMatter`]. Everything they share lives here: the [`Report`] of what
//! came in and what needs attention, the [`Target`] site that articles are
//! written into (never overwriting a file, renaming on slug collisions,
//! adding `[authors.KEY]` tables to `praxis.toml` by appending text so the
//! user's comments survive), front matter written as TOML, bibliography
//! validation with the same loader a build uses, and a scan of each written
//! article for what `praxis check` will point out, so the report lists it
//! first.

pub mod hugo;
pub mod jekyll;
pub mod markdown;
pub mod wordpress;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::CONFIG_FILE;
use crate::content::slug::slugify;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What an import brought in, counted for the summary.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counts {
    /// Articles written (drafts included).
    pub articles: usize,
    pub drafts: usize,
    /// Section pages (`_index.md`) written.
    pub sections: usize,
    pub authors_added: usize,
    /// Images, bibliographies and other files copied.
    pub files_copied: usize,
    /// Bibliographies wired up (page or site).
    pub bibliographies: usize,
    /// Source items left out on purpose (attachments, menu items, trash …).
    pub skipped: usize,
    /// Articles not written because the file already existed.
    pub not_overwritten: usize,
}

/// The outcome of an import: counts and every problem, in order.
#[derive(Debug, Default)]
pub struct Report {
    pub counts: Counts,
    pub diagnostics: Diagnostics,
}

impl Report {
    pub fn warn(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// The one-line summary printed after an import.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let mut parts = vec![format!(
            "imported {} article{}",
            c.articles,
            if c.articles == 1 { "" } else { "s" }
        )];
        let counts = [
            (c.drafts, "of them drafts".to_owned()),
            (c.sections, "section page(s)".to_owned()),
            (c.authors_added, format!("author(s) added to {CONFIG_FILE}")),
            (c.files_copied, "file(s) copied".to_owned()),
            (c.bibliographies, "bibliography file(s) wired up".to_owned()),
            (c.skipped, "item(s) skipped".to_owned()),
            (c.not_overwritten, "not overwritten".to_owned()),
        ];
        parts.extend(
            counts
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}")),
        );
        let attention = self.diagnostics.iter().count();
        format!(
            "{}; {}",
            parts.join(", "),
            match attention {
                0 => "nothing needs attention".to_owned(),
                n => format!("{n} thing(s) need attention (listed above)"),
            }
        )
    }

    /// The report as JSON, in the shape of `praxis check --format json`.
    pub fn to_json(&self) -> String {
        let v = serde_json::json!({
            "counts": self.counts,
            "errors": self.diagnostics.error_count(),
            "warnings": self.diagnostics.warning_count(),
            "diagnostics": self.diagnostics.iter().collect::<Vec<_>>(),
        });
        serde_json::to_string_pretty(&v).unwrap_or_default()
    }
}

/// Shows `importing N/M` on a terminal while a big import runs.
pub struct Progress {
    enabled: bool,
    total: usize,
    done: AtomicUsize,
}

impl Progress {
    pub fn new(enabled: bool, total: usize) -> Progress {
        Progress {
            enabled: enabled && total >= 50,
            total,
            done: AtomicUsize::new(0),
        }
    }

    pub fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.enabled && (n.is_multiple_of(25) || n == self.total) {
            let width = 30;
            let filled = width * n / self.total.max(1);
            eprint!(
                "\rimporting [{}{}] {n}/{}",
                "#".repeat(filled),
                " ".repeat(width - filled),
                self.total
            );
            let _ = std::io::stderr().flush();
        }
    }

    pub fn finish(&self) {
        if self.enabled {
            eprint!("\r{}\r", " ".repeat(60));
        }
    }
}

/// The front matter of an imported article, written as TOML.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub slug: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub bibliography: Vec<String>,
    pub weight: Option<i64>,
    /// Everything the source had that praxis has no key for.
    pub extra: toml::Table,
}

impl FrontMatter {
    /// Adds tags, keeping the first spelling of each (case-insensitive).
    pub fn add_tags(&mut self, tags: impl IntoIterator<Item = String>) {
        for t in tags {
            let t = t.trim().to_owned();
            if !t.is_empty() && !self.tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
                self.tags.push(t);
            }
        }
    }

    pub fn add_alias(&mut self, alias: String) {
        if !alias.is_empty() && !self.aliases.contains(&alias) {
            self.aliases.push(alias);
        }
    }

    /// `+++` … `+++` for an article, or for a section's `_index.md` (which
    /// has fewer keys: the others go under `extra`).
    pub fn to_toml(&self, section: bool) -> String {
        use toml::Value as V;
        let strings = |v: &[String]| V::Array(v.iter().cloned().map(V::String).collect());
        let day = |d: &Date| {
            d.iso()
                .parse::<toml::value::Datetime>()
                .map(V::Datetime)
                .unwrap_or_else(|_| V::String(d.iso()))
        };
        // (key, value, allowed in a section's front matter)
        let mut keys: Vec<(&str, V, bool)> = vec![("title", V::String(self.title.clone()), true)];
        if let Some(d) = &self.description {
            keys.push(("description", V::String(d.clone()), true));
        }
        if let Some(d) = &self.date {
            keys.push(("date", day(d), false));
        }
        if let Some(d) = &self.updated {
            keys.push(("updated", day(d), false));
        }
        if let Some(s) = &self.slug {
            keys.push(("slug", V::String(s.clone()), false));
        }
        if !self.authors.is_empty() {
            keys.push(("authors", strings(&self.authors), false));
        }
        if !self.tags.is_empty() {
            keys.push(("tags", strings(&self.tags), false));
        }
        if self.draft {
            keys.push(("draft", V::Boolean(true), true));
        }
        if !self.aliases.is_empty() {
            keys.push(("aliases", strings(&self.aliases), true));
        }
        match self.bibliography.as_slice() {
            [] => {}
            [one] => keys.push(("bibliography", V::String(one.clone()), false)),
            many => keys.push(("bibliography", strings(many), false)),
        }
        if let Some(w) = self.weight {
            keys.push(("weight", V::Integer(w), true));
        }
        let mut out = String::from("+++\n");
        let mut extra = self.extra.clone();
        for (key, value, in_section) in keys {
            if section && !in_section {
                let value = match value {
                    V::Datetime(d) => V::String(d.to_string()),
                    v => v,
                };
                extra.insert(key.to_owned(), value);
            } else {
                out.push_str(&format!("{key} = {value}\n"));
            }
        }
        if !extra.is_empty() {
            let mut wrapper = toml::Table::new();
            wrapper.insert("extra".into(), V::Table(extra));
            match toml::to_string(&wrapper) {
                Ok(t) => {
                    out.push('\n');
                    out.push_str(&t);
                }
                Err(e) => out.push_str(&format!("# extra values could not be written: {e}\n")),
            }
        }
        out.push_str("+++\n");
        out
    }
}

/// One article (or section page) ready to be written.
#[derive(Debug, Clone)]
pub struct Article {
    /// Where it came from, for the report (as the user named it).
    pub source: PathBuf,
    /// The path to write, relative to `content/` (`posts/hba1c.md`).
    pub rel: String,
    pub fm: FrontMatter,
    /// Markdown.
    pub body: String,
    /// A section's `_index.md`.
    pub section: bool,
}

impl Article {
    pub fn text(&self) -> String {
        let mut t = self.fm.to_toml(self.section);
        if !self.body.starts_with('\n') {
            t.push('\n');
        }
        t.push_str(&self.body);
        if !t.ends_with('\n') {
            t.push('\n');
        }
        t
    }
}

/// An author found in the source: an id the source uses, and what is known.
#[derive(Debug, Clone, Default)]
pub struct SourceAuthor {
    /// How articles of the source name the author (a login, a name).
    pub id: String,
    pub name: String,
    pub url: String,
    pub affiliation: String,
    pub orcid: String,
}

/// The praxis site being imported into.
pub struct Target {
    pub root: PathBuf,
    /// URL keys taken in this import, with the source that took them.
    taken: HashMap<String, PathBuf>,
    /// Paths handed out by [`Target::claim`].
    claimed: HashSet<String>,
    /// Paths written in this import (relative to the root).
    pub written: Vec<PathBuf>,
    /// The origin of the site's base URL (`https://example.org`).
    pub origin: String,
}

/// Lower-case URL key of a content path: `posts/a.md`, `posts/a/index.md` → `posts/a`.
fn url_key(rel: &str) -> String {
    let r = rel.strip_suffix(".md").unwrap_or(rel);
    let r = r.strip_suffix("/index").unwrap_or(r);
    let r = if r == "index" || r == "_index" { "" } else { r };
    let r = r.strip_suffix("/_index").unwrap_or(r);
    r.to_lowercase()
}

/// TOML's basic string, escaped.
pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

impl Target {
    /// Opens (or starts) the site at `root`: writes a minimal `praxis.toml`
    /// when there is none, using what the source knows of itself.
    pub fn open(
        root: &Path,
        title: &str,
        base_url: &str,
        report: &mut Report,
    ) -> Result<Target, Diagnostic> {
        std::fs::create_dir_all(root.join("content")).map_err(|e| {
            Diagnostic::error(
                "io",
                format!("cannot create {}: {e}", root.join("content").display()),
            )
            .with_hint("check the path given to --into and its permissions")
        })?;
        let cfg = root.join(CONFIG_FILE);
        if !cfg.exists() {
            let base = if base_url.starts_with("http://") || base_url.starts_with("https://") {
                base_url.to_owned()
            } else {
                "https://example.org/".to_owned()
            };
            let title = if title.trim().is_empty() {
                "My blog"
            } else {
                title.trim()
            };
            let text = format!(
                "# Written by `praxis import`: check base_url and title.\ntitle = {}\nbase_url = {}\n",
                toml_str(title),
                toml_str(&base)
            );
            std::fs::write(&cfg, text).map_err(|e| {
                Diagnostic::error("io", format!("cannot write {}: {e}", cfg.display()))
            })?;
            report.warn(
                Diagnostic::warning(
                    "config",
                    format!("created {CONFIG_FILE} with base_url = \"{base}\""),
                )
                .in_file(CONFIG_FILE)
                .with_hint("set base_url to the address the new site will have"),
            );
        }
        let origin = std::fs::read_to_string(&cfg)
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
            .and_then(|t| t.get("base_url").and_then(|v| v.as_str()).map(origin_of))
            .unwrap_or_default();
        Ok(Target {
            root: root.to_path_buf(),
            taken: HashMap::new(),
            claimed: HashSet::new(),
            written: Vec::new(),
            origin,
        })
    }

    /// Claims `rel` for `source`; a path whose URL is already taken in this
    /// import gets `-2`, `-3` … and the collision is reported.
    pub fn claim(&mut self, rel: &str, source: &Path, report: &mut Report) -> String {
        let key = url_key(rel);
        let Some(first) = self.taken.get(&key).cloned() else {
            self.taken.insert(key, source.to_path_buf());
            self.claimed.insert(rel.to_owned());
            return rel.to_owned();
        };
        let (base, ext) = match rel.strip_suffix("/index.md") {
            Some(b) => (b.to_owned(), "/index.md"),
            None => (rel.strip_suffix(".md").unwrap_or(rel).to_owned(), ".md"),
        };
        let mut n = 2;
        let renamed = loop {
            let candidate = format!("{base}-{n}{ext}");
            if !self.taken.contains_key(&url_key(&candidate)) {
                break candidate;
            }
            n += 1;
        };
        self.taken.insert(url_key(&renamed), source.to_path_buf());
        self.claimed.insert(renamed.clone());
        report.warn(
            Diagnostic::warning(
                "duplicate-slug",
                format!(
                    "the slug of this article is taken by {}; written as content/{renamed}",
                    first.display()
                ),
            )
            .in_file(source)
            .with_hint("give one of them another slug, and rename the file to match"),
        );
        renamed
    }

    /// Writes `text` to `rel` (relative to the site root) unless a file is
    /// there already (then says so). Returns whether it was written.
    pub fn write_new(
        &mut self,
        rel: &Path,
        text: &[u8],
        source: &Path,
        report: &mut Report,
    ) -> bool {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            report.warn(
                Diagnostic::error("io", format!("cannot create {}: {e}", parent.display()))
                    .in_file(source),
            );
            return false;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(mut f) => match f.write_all(text) {
                Ok(()) => {
                    self.written.push(rel.to_path_buf());
                    true
                }
                Err(e) => {
                    report.warn(
                        Diagnostic::error("io", format!("cannot write {}: {e}", rel.display()))
                            .in_file(source),
                    );
                    false
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                report.counts.not_overwritten += 1;
                report.warn(
                    Diagnostic::warning(
                        "exists",
                        format!("{} already exists and was not overwritten", rel.display()),
                    )
                    .in_file(source)
                    .with_hint(
                        "move the existing file away and import again to get the imported version",
                    ),
                );
                false
            }
            Err(e) => {
                report.warn(
                    Diagnostic::error("io", format!("cannot write {}: {e}", rel.display()))
                        .in_file(source),
                );
                false
            }
        }
    }

    /// Copies a file into the site (never over an existing one).
    pub fn copy_new(&mut self, from: &Path, rel: &Path, report: &mut Report) -> bool {
        if self.root.join(rel).exists() {
            // Same file imported twice (an image used by two posts) is fine.
            return false;
        }
        match std::fs::read(from) {
            Ok(bytes) => {
                let ok = self.write_new(rel, &bytes, from, report);
                if ok {
                    report.counts.files_copied += 1;
                }
                ok
            }
            Err(e) => {
                report.warn(
                    Diagnostic::warning("io", format!("cannot read {}: {e}", from.display()))
                        .in_file(from),
                );
                false
            }
        }
    }

    /// Writes an article (after claiming its path) and lists what
    /// `praxis check` will say about it.
    pub fn write_article(&mut self, mut a: Article, report: &mut Report) {
        if !self.claimed.contains(&a.rel) {
            a.rel = self.claim(&a.rel, &a.source, report);
        }
        if a.fm.title.trim().is_empty() {
            let stem = a
                .rel
                .trim_end_matches(".md")
                .trim_end_matches("/index")
                .rsplit('/')
                .next()
                .unwrap_or("untitled")
                .replace(['-', '_'], " ");
            a.fm.title = if stem.trim().is_empty() || stem == "_index" {
                "Untitled".into()
            } else {
                stem
            };
            report.warn(
                Diagnostic::warning("title", format!("no title; “{}” was used", a.fm.title))
                    .in_file(&a.source)
                    .with_hint(format!("set a real title in content/{}", a.rel)),
            );
        }
        let rel = PathBuf::from("content").join(&a.rel);
        if self.write_new(&rel, a.text().as_bytes(), &a.source, report) {
            if a.section {
                report.counts.sections += 1;
            } else {
                report.counts.articles += 1;
                if a.fm.draft {
                    report.counts.drafts += 1;
                }
            }
            if !a.fm.draft {
                expect_checks(&a, &rel, &self.origin, report);
            }
        }
    }

    /// Adds `[authors.KEY]` tables for authors the site does not know yet,
    /// appending text to `praxis.toml` so its comments and order stay.
    /// Returns each source id's key.
    pub fn add_authors(
        &mut self,
        authors: &[SourceAuthor],
        report: &mut Report,
    ) -> HashMap<String, String> {
        let mut map = HashMap::new();
        if authors.is_empty() {
            return map;
        }
        let cfg = self.root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&cfg) {
            Ok(t) => t,
            Err(e) => {
                report.warn(Diagnostic::error(
                    "io",
                    format!("cannot read {CONFIG_FILE}: {e}"),
                ));
                return map;
            }
        };
        let existing: BTreeMap<String, String> = toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|t| t.get("authors").and_then(|a| a.as_table()).cloned())
            .map(|t| {
                t.iter()
                    .map(|(k, v)| {
                        let name = v.get("name").and_then(|n| n.as_str()).unwrap_or("");
                        (k.clone(), name.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut added = String::new();
        let mut new_keys: HashSet<String> = HashSet::new();
        for a in authors {
            if map.contains_key(&a.id) {
                continue;
            }
            let name = if a.name.trim().is_empty() {
                &a.id
            } else {
                &a.name
            };
            let by_name = existing
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
                .map(|(k, _)| k.clone());
            let key = by_name.unwrap_or_else(|| {
                let k = slugify(if a.id.is_empty() { name } else { &a.id });
                if k.is_empty() { "author".into() } else { k }
            });
            if !existing.contains_key(&key) && new_keys.insert(key.clone()) {
                added.push_str(&format!(
                    "\n[authors.{key}]\nname = {}\n",
                    toml_str(name.trim())
                ));
                for (k, v) in [
                    ("url", &a.url),
                    ("affiliation", &a.affiliation),
                    ("orcid", &a.orcid),
                ] {
                    if !v.trim().is_empty() {
                        added.push_str(&format!("{k} = {}\n", toml_str(v.trim())));
                    }
                }
                report.counts.authors_added += 1;
            }
            map.insert(a.id.clone(), key.clone());
            map.insert(name.clone(), key);
        }
        if !added.is_empty() {
            let mut new_text = text.clone();
            if !new_text.ends_with('\n') {
                new_text.push('\n');
            }
            new_text.push_str(&added);
            if let Err(ds) = crate::config::Config::parse(&self.root, &new_text)
                && toml::from_str::<toml::Table>(&new_text).is_err()
            {
                report.warn(
                    Diagnostic::error(
                        "config",
                        format!(
                            "could not add authors to {CONFIG_FILE}: {}",
                            ds.iter()
                                .map(|d| d.message.clone())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    )
                    .in_file(CONFIG_FILE)
                    .with_hint(format!("add these tables by hand:\n{added}")),
                );
                return map;
            }
            if let Err(e) = std::fs::write(&cfg, new_text) {
                report.warn(Diagnostic::error(
                    "io",
                    format!("cannot write {CONFIG_FILE}: {e}"),
                ));
            }
        }
        map
    }

    /// Adds files to the site's `bibliography` in `praxis.toml` (when the
    /// key is not set yet; otherwise says what to add).
    pub fn add_site_bibliography(&mut self, files: &[String], report: &mut Report) {
        if files.is_empty() {
            return;
        }
        let cfg = self.root.join(CONFIG_FILE);
        let Ok(text) = std::fs::read_to_string(&cfg) else {
            return;
        };
        let list = format!(
            "bibliography = [{}]\n",
            files
                .iter()
                .map(|f| toml_str(f))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let has_key = toml::from_str::<toml::Table>(&text)
            .map(|t| t.contains_key("bibliography"))
            .unwrap_or(true);
        if has_key {
            report.warn(
                Diagnostic::warning(
                    "bibliography",
                    "praxis.toml already names a bibliography; the imported ones were not added",
                )
                .in_file(CONFIG_FILE)
                .with_hint(format!("add them to its list: {list}")),
            );
            return;
        }
        // Top-level keys must come before the first table.
        let at = text
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .chain(std::iter::once(0))
            .filter(|&i| text[i..].trim_start_matches([' ', '\t']).starts_with('['))
            .min()
            .unwrap_or(text.len());
        let mut new_text = text[..at].to_owned();
        if !new_text.is_empty() && !new_text.ends_with('\n') {
            new_text.push('\n');
        }
        new_text.push_str(&list);
        new_text.push_str(&text[at..]);
        if std::fs::write(&cfg, new_text).is_ok() {
            report.counts.bibliographies += files.len();
        }
    }
}

/// Adds the authors of `items` to the site, then writes every article.
pub fn write_all(
    target: &mut Target,
    items: Vec<(Article, Vec<SourceAuthor>)>,
    report: &mut Report,
) {
    let all: Vec<SourceAuthor> = items.iter().flat_map(|(_, a)| a.iter().cloned()).collect();
    let keys = target.add_authors(&all, report);
    for (mut article, authors) in items {
        article.fm.authors = authors
            .iter()
            .filter_map(|a| keys.get(&a.id).cloned())
            .collect();
        target.write_article(article, report);
    }
}

/// A root-relative link to a file copied into `static/` (`/images/x.png`),
/// made relative to the page at `rel` (`posts/a.md` → `../../images/x.png`),
/// so it works under any base URL.
pub fn relative_static(dest: &str, rel: &str, root: &Path) -> Option<String> {
    let path = dest.strip_prefix('/')?;
    if path.starts_with('/') {
        return None;
    }
    let file = path.split(['?', '#']).next().unwrap_or(path);
    if file.is_empty() || !root.join("static").join(file).is_file() {
        return None;
    }
    let stem = rel.trim_end_matches(".md");
    let depth = if stem == "_index" || stem.ends_with("/_index") {
        stem.matches('/').count()
    } else {
        stem.trim_end_matches("/index").matches('/').count() + 1
    };
    Some(format!("{}{path}", "../".repeat(depth)))
}

/// Replaces every `open … close` span (Hugo shortcodes, Liquid tags) by what
/// `f` returns for its inside (`None` keeps it).
pub fn replace_spans(
    body: &str,
    open: &str,
    close: &str,
    mut f: impl FnMut(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(open) {
        let Some(e) = rest[i + open.len()..].find(close) else {
            break;
        };
        let inner = &rest[i + open.len()..i + open.len() + e];
        out.push_str(&rest[..i]);
        match f(inner.trim()) {
            Some(new) => out.push_str(&new),
            None => out.push_str(&rest[i..i + open.len() + e + close.len()]),
        }
        rest = &rest[i + open.len() + e + close.len()..];
    }
    out.push_str(rest);
    out
}

/// Finds a content file for a Hugo `ref`/Jekyll `link` argument: an exact
/// path, the same without `.md`, a bundle or section folder, else a unique
/// file name.
pub fn resolve_content(
    arg: &str,
    from_dir: &str,
    outputs: &HashMap<String, String>,
) -> Option<String> {
    let arg = arg.trim().trim_matches(['"', '\'']);
    let (path, anchor) = match arg.split_once('#') {
        Some((p, a)) => (p, format!("#{a}")),
        None => (arg, String::new()),
    };
    if path.is_empty() {
        return None;
    }
    let candidates = |p: &str| -> Vec<String> {
        let p = p.trim_matches('/');
        let stem = p
            .strip_suffix(".md")
            .or_else(|| p.strip_suffix(".markdown"))
            .unwrap_or(p);
        vec![
            p.to_owned(),
            format!("{stem}.md"),
            format!("{stem}.markdown"),
            format!("{stem}/index.md"),
            format!("{stem}/_index.md"),
        ]
    };
    let mut tries = Vec::new();
    if !path.starts_with('/') && !from_dir.is_empty() {
        tries.extend(candidates(&format!("{from_dir}/{path}")));
    }
    tries.extend(candidates(path));
    for t in &tries {
        if let Some(out) = outputs.get(t) {
            return Some(format!("@/{out}{anchor}"));
        }
    }
    let name = path.trim_matches('/').rsplit('/').next().unwrap_or(path);
    let name = name.strip_suffix(".md").unwrap_or(name);
    let hits: Vec<&String> = outputs
        .iter()
        .filter(|(src, _)| {
            let s = src.trim_end_matches(".md").trim_end_matches(".markdown");
            let s = s.strip_suffix("/index").unwrap_or(s);
            s.rsplit('/').next() == Some(name)
        })
        .map(|(_, out)| out)
        .collect();
    match hits.as_slice() {
        [one] => Some(format!("@/{one}{anchor}")),
        _ => None,
    }
}

/// `https://example.org/blog/` → `https://example.org`.
pub fn origin_of(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return String::new();
    };
    let rest = &url[scheme_end + 3..];
    let host_end = rest.find('/').unwrap_or(rest.len());
    url[..scheme_end + 3 + host_end].to_lowercase()
}

/// Reports markup an importer kept as written (`problems`: the markup and the
/// message), each at its line in the source file (`first_line` is where
/// `body` starts in it).
fn report_kept(
    report: &mut Report,
    body: &str,
    problems: Vec<(String, String)>,
    first_line: usize,
    shown: &Path,
    code: &'static str,
) {
    for (inner, msg) in problems {
        let line = body
            .find(&inner)
            .map_or(0, |o| first_line + body[..o].matches('\n').count() + 1);
        report.warn(
            Diagnostic::warning(code, msg)
                .in_file(shown)
                .at(line, 0)
                .with_hint("write it in Markdown (links to other pages as `@/path.md`)"),
        );
    }
}

/// Lists, for a written article, what `praxis check` will report, so the
/// import report names it first: a missing description, images without alt
/// text, images loaded from another origin, scripts, skipped heading levels
/// and likely patient identifiers (the practice's own details are not known
/// yet at import time, so they are listed too).
fn expect_checks(a: &Article, rel: &Path, origin: &str, report: &mut Report) {
    for d in crate::check::confidentiality::check_file(
        &crate::check::confidentiality::Own::default(),
        rel,
        &a.body,
        0,
        &[],
    ) {
        report.warn(d);
    }
    // The page title is the h1; the body starts at h2.
    let mut level = 1u8;
    for ev in pulldown_cmark::Parser::new_ext(&a.body, pulldown_cmark::Options::all()) {
        if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { level: l, .. }) = ev {
            let l = l as u8;
            if l > level + 1 {
                report.warn(
                    Diagnostic::warning(
                        "heading-skip",
                        format!("a level-{l} heading follows level {level}"),
                    )
                    .in_file(rel)
                    .with_hint("use the next level down (## after the title, ### under ##)"),
                );
            }
            level = l;
        }
    }
    if !a.section
        && a.fm
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
    {
        report.warn(
            Diagnostic::warning("description", "no description")
                .in_file(rel)
                .with_hint("add description = \"…\": it is the search-engine snippet and the share-card subtitle"),
        );
    }
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut in_image: Option<String> = None;
    let mut alt = String::new();
    for ev in Parser::new_ext(&a.body, Options::all()) {
        match ev {
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image = Some(dest_url.to_string());
                alt.clear();
            }
            Event::Text(t) | Event::Code(t) if in_image.is_some() => alt.push_str(&t),
            Event::End(TagEnd::Image) => {
                if let Some(url) = in_image.take() {
                    if alt.trim().is_empty() {
                        report.warn(
                            Diagnostic::warning(
                                "alt-text",
                                format!("image `{url}` has no alt text"),
                            )
                            .in_file(rel)
                            .with_hint("describe the image in the brackets: ![what it shows](…)"),
                        );
                    }
                    if is_foreign(&url, origin) {
                        report.warn(
                            Diagnostic::warning("origin", format!("image `{url}` is loaded from another site"))
                                .in_file(rel)
                                .with_hint("copy it into the site (for WordPress: --uploads wp-content/uploads) and link it locally"),
                        );
                    }
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let lower = h.to_ascii_lowercase();
                if lower.contains("<script") || lower.contains("javascript:") {
                    report.warn(
                        Diagnostic::warning("script", "a script in the article")
                            .in_file(rel)
                            .with_hint("remove it: praxis pages run no scripts from content"),
                    );
                }
                for tag in ["<iframe", "<img", "<video", "<audio", "<source", "<embed"] {
                    let mut from = 0;
                    while let Some(i) = lower[from..].find(tag) {
                        let start = from + i;
                        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
                        let piece = &h[start..end];
                        for attr in ["src=\"", "src='"] {
                            if let Some(s) = piece.find(attr) {
                                let v = &piece[s + attr.len()..];
                                let v = &v[..v.find(['"', '\'']).unwrap_or(v.len())];
                                if is_foreign(v, origin) {
                                    report.warn(
                                        Diagnostic::warning(
                                            "origin",
                                            format!("`{v}` is loaded from another site"),
                                        )
                                        .in_file(rel)
                                        .with_hint(
                                            "copy it into the site, or replace the embed by a link",
                                        ),
                                    );
                                }
                            }
                        }
                        from = end.max(start + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_foreign(url: &str, origin: &str) -> bool {
    let lower = url.to_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//"))
        && (origin.is_empty() || origin_of(&lower) != origin)
}

/// Reads a whole text file; bytes that are not UTF-8 are replaced and reported.
pub fn read_text(path: &Path, shown: &Path, report: &mut Report) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.warn(Diagnostic::error("io", format!("cannot read: {e}")).in_file(shown));
            return None;
        }
    };
    Some(decode(bytes, shown, report))
}

/// UTF-8 text from bytes; invalid bytes become U+FFFD and are reported with their line.
pub fn decode(bytes: Vec<u8>, shown: &Path, report: &mut Report) -> String {
    match String::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t),
        Err(e) => {
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let mut lines: Vec<usize> = Vec::new();
            for (i, l) in text.lines().enumerate() {
                if l.contains('\u{fffd}') {
                    lines.push(i + 1);
                }
            }
            let first = lines.first().copied().unwrap_or(0);
            report.warn(
                Diagnostic::warning(
                    "encoding",
                    format!(
                        "not valid UTF-8 on {} line(s) ({}); the bad bytes were replaced by �",
                        lines.len(),
                        lines
                            .iter()
                            .take(5)
                            .map(|l| l.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .in_file(shown)
                .at(first, 0)
                .with_hint("check those lines in the imported article; save sources as UTF-8"),
            );
            text
        }
    }
}

/// A lenient day from the dates blogs write: `2024-03-01`, `2024-03-01 10:00:00`,
/// `2024-03-01T10:00:00+01:00`, `Fri, 01 Mar 2024 10:00:00 +0000`.
pub fn parse_day(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let y = s.get(0..4)?.parse().ok()?;
        let m = s.get(5..7)?.parse().ok()?;
        let d = s.get(8..10)?.parse().ok()?;
        if y == 0 {
            return None;
        }
        return Date::from_ymd(y, m, d);
    }
    // RFC 2822, as in RSS pubDate.
    let parts: Vec<&str> = s.split_whitespace().collect();
    let i = usize::from(parts.first().is_some_and(|p| p.ends_with(',')));
    if parts.len() >= i + 3 {
        let d = parts[i].parse().ok()?;
        let months = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let m = months
            .iter()
            .position(|mo| parts[i + 1].to_lowercase().starts_with(mo))?
            + 1;
        let y = parts[i + 2].parse().ok()?;
        return Date::from_ymd(y, m as u32, d);
    }
    None
}

/// Converts a YAML value to TOML, for `extra`; `null` becomes `""` (TOML has no null).
pub fn yaml_to_toml(v: &serde_yaml_ng::Value) -> toml::Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => toml::Value::String(String::new()),
        Y::Bool(b) => toml::Value::Boolean(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                toml::Value::Integer(i)
            } else {
                toml::Value::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        Y::String(s) => toml::Value::String(s.clone()),
        Y::Sequence(items) => toml::Value::Array(
            items
                .iter()
                .filter(|i| !i.is_null())
                .map(yaml_to_toml)
                .collect(),
        ),
        Y::Mapping(m) => {
            let mut t = toml::Table::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s.clone(),
                    other => serde_yaml_ng::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                t.insert(key, yaml_to_toml(v));
            }
            toml::Value::Table(t)
        }
        Y::Tagged(t) => yaml_to_toml(&t.value),
    }
}

/// Front matter of a source file as a generic table (YAML, TOML or none),
/// with the body and the number of lines before the body. Errors are reported.
pub fn read_front_matter(
    text: &str,
    shown: &Path,
    report: &mut Report,
) -> Option<(toml::Table, String, usize)> {
    use crate::content::front_matter::{Format, split};
    let s = match split(text, shown) {
        Ok(s) => s,
        Err(d) => {
            report.warn(d);
            return None;
        }
    };
    let table = match s.format {
        None => toml::Table::new(),
        Some(Format::Toml) => match toml::from_str::<toml::Table>(s.front_matter) {
            Ok(t) => t,
            Err(e) => {
                report.warn(crate::source_errors::toml_error(
                    &e,
                    "front-matter",
                    shown,
                    crate::source_errors::Snippet {
                        file_text: text,
                        offset: s.front_matter_offset,
                    },
                ));
                return None;
            }
        },
        Some(Format::Yaml) => {
            let src = if s.front_matter.trim().is_empty() {
                "{}"
            } else {
                s.front_matter
            };
            match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(src) {
                Ok(v) => match yaml_to_toml(&v) {
                    toml::Value::Table(t) => t,
                    _ => toml::Table::new(),
                },
                Err(e) => {
                    report.warn(crate::source_errors::yaml_error(
                        &e,
                        "front-matter",
                        shown,
                        crate::source_errors::Snippet {
                            file_text: text,
                            offset: s.front_matter_offset,
                        },
                    ));
                    return None;
                }
            }
        }
    };
    let body_line = text[..s.body_offset].matches('\n').count();
    Some((table, s.body.to_owned(), body_line))
}

/// A value as a list of strings: `"a"`, `"a, b"` (when `split_commas`), `["a", "b"]`.
pub fn string_list(v: &toml::Value, split_commas: bool) -> Vec<String> {
    match v {
        toml::Value::String(s) if split_commas => s
            .split(',')
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect(),
        toml::Value::String(s) => vec![s.trim().to_owned()],
        toml::Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                toml::Value::String(s) => Some(s.trim().to_owned()),
                toml::Value::Integer(n) => Some(n.to_string()),
                toml::Value::Table(t) => t.get("name").and_then(|n| n.as_str()).map(str::to_owned),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect(),
        toml::Value::Integer(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// A front-matter value as a day (a TOML date or a date string).
pub fn value_day(v: &toml::Value) -> Option<Date> {
    match v {
        toml::Value::String(s) => parse_day(s),
        toml::Value::Datetime(d) => parse_day(&d.to_string()),
        _ => None,
    }
}

/// A value as a boolean (`true`, `"true"`, `"yes"`).
pub fn value_bool(v: &toml::Value) -> Option<bool> {
    match v {
        toml::Value::Boolean(b) => Some(*b),
        toml::Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Authors named in front matter: `"A"`, `["A", "B"]`, `[{name: A, affiliation: …}]`,
/// or Quarto's `name: {given, family}`.
pub fn authors_of(v: &toml::Value) -> Vec<SourceAuthor> {
    let one = |v: &toml::Value| -> Option<SourceAuthor> {
        match v {
            toml::Value::String(s) if !s.trim().is_empty() => Some(SourceAuthor {
                id: s.trim().to_owned(),
                name: s.trim().to_owned(),
                ..SourceAuthor::default()
            }),
            toml::Value::Table(t) => {
                let name = match t.get("name") {
                    Some(toml::Value::String(s)) => s.clone(),
                    Some(toml::Value::Table(n)) => {
                        let get = |k: &str| n.get(k).and_then(|x| x.as_str()).unwrap_or("");
                        if !get("literal").is_empty() {
                            get("literal").to_owned()
                        } else {
                            format!("{} {}", get("given"), get("family"))
                                .trim()
                                .to_owned()
                        }
                    }
                    _ => String::new(),
                };
                if name.is_empty() {
                    return None;
                }
                let get = |k: &str| t.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
                let affiliation = match t.get("affiliation").or_else(|| t.get("affiliations")) {
                    Some(v) => string_list(v, false).join("; "),
                    None => String::new(),
                };
                Some(SourceAuthor {
                    id: name.clone(),
                    name,
                    url: get("url"),
                    affiliation,
                    orcid: get("orcid"),
                })
            }
            _ => None,
        }
    };
    match v {
        toml::Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

/// Checks a bibliography with the loader a build uses; a malformed one is
/// reported with file and line. Returns whether it is usable.
pub fn bibliography_ok(path: &Path, shown: &Path, report: &mut Report) -> bool {
    let Some(text) = read_text(path, shown, report) else {
        return false;
    };
    match crate::citations::load::load(&text, shown) {
        Ok(_) => true,
        Err(errors) => {
            for d in errors {
                report.warn(Diagnostic {
                    severity: crate::diagnostics::Severity::Warning,
                    hint: Some(format!(
                        "{}; the file was copied but is not used: fix it, then name it in `bibliography`",
                        d.hint.clone().unwrap_or_default().trim_end_matches('.')
                    )),
                    ..d
                });
            }
            false
        }
    }
}

/// Rewrites Markdown link and image destinations with `f` (which returns
/// `None` to keep one), keeping everything else byte for byte.
pub fn rewrite_links(body: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (ev, range) in Parser::new_ext(body, Options::all()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = ev {
            let Some(new) = f(&dest_url) else { continue };
            let src = &body[range.clone()];
            // The destination is written after `](`.
            if let Some(open) = src.rfind("](") {
                let start = range.start + open + 2;
                let rest = &body[start..range.end];
                let rest_trim = rest.trim_start_matches('<');
                let lead = rest.len() - rest_trim.len();
                if rest_trim.starts_with(dest_url.as_ref()) {
                    edits.push((start + lead, start + lead + dest_url.len(), new));
                }
            }
        }
    }
    let mut out = body.to_owned();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (s, e, new) in edits {
        out.replace_range(s..e, &new);
    }
    out
}

/// A path with `/` separators, relative to `base`.
pub fn rel_slash(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Folders that hold build output or tooling, never content.
pub fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "_site"
                | "_freeze"
                | "_book"
                | "node_modules"
                | "public"
                | "resources"
                | "site_libs"
                | "renv"
                | "target"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_toml_that_praxis_reads() {
        let mut fm = FrontMatter {
            title: "HbA1c \"explained\"".into(),
            description: Some("What it means".into()),
            date: Date::from_ymd(2020, 1, 15),
            updated: Date::from_ymd(2021, 2, 1),
            authors: vec!["doe".into()],
            draft: true,
            aliases: vec!["/2020/01/hba1c/".into()],
            ..FrontMatter::default()
        };
        fm.add_tags([
            "Diabetes".to_owned(),
            "diabetes".to_owned(),
            "Lab".to_owned(),
        ]);
        fm.extra
            .insert("format".into(), toml::Value::String("html".into()));
        let mut nested = toml::Table::new();
        nested.insert("toc".into(), toml::Value::Boolean(true));
        fm.extra
            .insert("execute".into(), toml::Value::Table(nested));
        let text = format!("{}\nBody\n", fm.to_toml(false));
        let split = crate::content::front_matter::split(&text, Path::new("a.md")).expect("split");
        let parsed: crate::content::front_matter::PageFrontMatter =
            crate::content::front_matter::parse(&split, &text, Path::new("a.md")).expect("parses");
        assert_eq!(parsed.title.as_deref(), Some("HbA1c \"explained\""));
        assert_eq!(parsed.tags, vec!["Diabetes", "Lab"]);
        assert!(parsed.draft);
        assert_eq!(
            parsed.updated.map(|d| d.iso()).as_deref(),
            Some("2021-02-01")
        );
        assert_eq!(parsed.extra["execute"]["toc"], serde_json::json!(true));

        let section = fm.to_toml(true);
        let split =
            crate::content::front_matter::split(&section, Path::new("_index.md")).expect("split");
        let parsed: crate::content::front_matter::SectionFrontMatter =
            crate::content::front_matter::parse(&split, &section, Path::new("_index.md"))
                .expect("section keys only");
        assert_eq!(parsed.extra["date"], serde_json::json!("2020-01-15"));
    }

    #[test]
    fn days_from_the_formats_blogs_use() {
        let iso = |s: &str| parse_day(s).map(|d| d.iso());
        assert_eq!(iso("2020-01-15 10:30:00").as_deref(), Some("2020-01-15"));
        assert_eq!(
            iso("2020-01-15T10:30:00+01:00").as_deref(),
            Some("2020-01-15")
        );
        assert_eq!(
            iso("Wed, 15 Jan 2020 10:30:00 +0000").as_deref(),
            Some("2020-01-15")
        );
        assert_eq!(iso("0000-00-00 00:00:00"), None);
        assert_eq!(iso("last-modified"), None);
    }

    #[test]
    fn links_are_rewritten_in_place() {
        let body = "See [a](other.qmd#x) and ![pic](img.png \"t\") and `[no](x.md)`.\n";
        let out = rewrite_links(body, |d| {
            d.ends_with(".md").then(|| "@/x.md".into()).or_else(|| {
                d.starts_with("other.qmd")
                    .then(|| d.replace("other.qmd", "@/other.md"))
            })
        });
        assert_eq!(
            out,
            "See [a](@/other.md#x) and ![pic](img.png \"t\") and `[no](x.md)`.\n"
        );
    }

    #[test]
    fn slug_collisions_are_renamed_and_reported() {
        let t = tempfile::tempdir().expect("tempdir");
        let mut report = Report::default();
        let mut target =
            Target::open(t.path(), "Blog", "https://e.org/", &mut report).expect("open");
        assert_eq!(
            target.claim("posts/a.md", Path::new("x1"), &mut report),
            "posts/a.md"
        );
        assert_eq!(
            target.claim("posts/A/index.md", Path::new("x2"), &mut report),
            "posts/A-2/index.md"
        );
        assert_eq!(
            target.claim("posts/a.md", Path::new("x3"), &mut report),
            "posts/a-3.md"
        );
        assert_eq!(
            report
                .diagnostics
                .iter()
                .filter(|d| d.code == "duplicate-slug")
                .count(),
            2
        );
    }

    #[test]
    fn existing_files_are_never_overwritten() {
        let t = tempfile::tempdir().expect("tempdir");
        let mut report = Report::default();
        let mut target =
            Target::open(t.path(), "Blog", "https://e.org/", &mut report).expect("open");
        std::fs::write(t.path().join("content/a.md"), "mine").expect("write");
        let a = Article {
            source: "a.md".into(),
            rel: "a.md".into(),
            fm: FrontMatter {
                title: "A".into(),
                ..FrontMatter::default()
            },
            body: "text".into(),
            section: false,
        };
        target.write_article(a, &mut report);
        assert_eq!(
            std::fs::read_to_string(t.path().join("content/a.md")).expect("read"),
            "mine"
        );
        assert!(report.diagnostics.iter().any(|d| d.code == "exists"));
        assert_eq!(report.counts.not_overwritten, 1);
    }

    #[test]
    fn authors_are_appended_and_comments_kept() {
        let t = tempfile::tempdir().expect("tempdir");
        let cfg = "# my site\ntitle = \"T\" # keep me\nbase_url = \"https://e.org\"\n\n[authors.doe]\nname = \"Jane Doe\"\n";
        std::fs::write(t.path().join("praxis.toml"), cfg).expect("write");
        let mut report = Report::default();
        let mut target = Target::open(t.path(), "", "", &mut report).expect("open");
        let map = target.add_authors(
            &[
                SourceAuthor {
                    id: "jdoe".into(),
                    name: "Jane Doe".into(),
                    ..SourceAuthor::default()
                },
                SourceAuthor {
                    id: "rroe".into(),
                    name: "Richard Roe".into(),
                    ..SourceAuthor::default()
                },
            ],
            &mut report,
        );
        assert_eq!(map["jdoe"], "doe");
        assert_eq!(map["rroe"], "rroe");
        let text = std::fs::read_to_string(t.path().join("praxis.toml")).expect("read");
        assert!(text.starts_with(cfg), "{text}");
        assert!(text.contains("[authors.rroe]\nname = \"Richard Roe\"\n"));
        crate::config::Config::parse(t.path(), &text).expect("still valid");
        target.add_site_bibliography(&["refs.bib".into()], &mut report);
        let text = std::fs::read_to_string(t.path().join("praxis.toml")).expect("read");
        let c = crate::config::Config::parse(t.path(), &text).expect("still valid");
        assert_eq!(c.bibliography, vec![PathBuf::from("refs.bib")]);
        assert!(text.contains("# keep me"));
    }
}
