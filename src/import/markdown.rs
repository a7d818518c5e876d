//! `praxis import markdown DIR`: any folder tree of Markdown with YAML or
//! TOML front matter — Quarto (`.qmd`) and R Markdown (`.Rmd`) projects,
//! Obsidian vaults, plain notes.
//!
//! The tree keeps its shape under `content/`. Known keys are mapped
//! ([`map_front_matter`], shared with the Hugo and Jekyll readers), every
//! other key goes under `extra`. Bibliographies beside the posts are checked
//! with the loader a build uses and wired up as page bibliographies (or as the
//! site's, when `_quarto.yml` names them); a malformed one is reported with
//! file and line and left out, and the import goes on. Pandoc citations stay
//! as they are: praxis reads them. Links between the files (`other.qmd`,
//! `other.html`, `other.md#part`) become `@/` links.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{
    Article, FrontMatter, Progress, Report, SourceAuthor, Target, authors_of, bibliography_ok,
    is_skipped_dir, read_front_matter, read_text, rel_slash, rewrite_links, string_list,
    value_bool, value_day,
};
use crate::diagnostics::Diagnostic;

/// File endings read as Markdown.
pub const MARKDOWN_EXTS: [&str; 5] = ["md", "markdown", "qmd", "rmd", "rmarkdown"];
/// File endings of bibliographies.
pub const BIB_EXTS: [&str; 4] = ["bib", "json", "ris", "nbib"];
/// Other files copied beside the articles.
const ASSET_EXTS: [&str; 16] = [
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "pdf", "mp3", "mp4", "webm", "ogg", "csv",
    "xlsx", "docx", "pptx",
];

fn ext_of(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// What the common keys of a front-matter table gave.
#[derive(Debug, Default)]
pub struct Mapped {
    pub fm: FrontMatter,
    pub authors: Vec<SourceAuthor>,
    /// Bibliography files as the source named them.
    pub bibliography: Vec<String>,
}

/// Maps the keys every blog tool shares onto praxis front matter; the rest
/// goes under `extra`. `aliases` that are relative are resolved against
/// `url_dir` (the article's folder URL, `/posts/`).
pub fn map_front_matter(
    mut t: toml::Table,
    url_dir: &str,
    shown: &Path,
    report: &mut Report,
) -> Mapped {
    let mut m = Mapped::default();
    let mut take = |k: &str| t.remove(k);
    if let Some(v) = take("title") {
        m.fm.title = match v {
            toml::Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        };
    }
    for k in ["description", "summary", "excerpt", "abstract"] {
        if let Some(toml::Value::String(s)) = take(k) {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if m.fm.description.is_none() && !s.is_empty() {
                m.fm.description = Some(s);
            } else if !s.is_empty() {
                m.fm.extra.insert(k.to_owned(), toml::Value::String(s));
            }
        }
    }
    for k in ["date", "publishDate", "pubdate", "published_at"] {
        if let Some(v) = take(k) {
            match value_day(&v) {
                Some(d) if m.fm.date.is_none() => m.fm.date = Some(d),
                Some(_) => {}
                None => {
                    m.fm.extra.insert(k.to_owned(), v.clone());
                    if !matches!(&v, toml::Value::String(s) if s == "today" || s == "last-modified")
                    {
                        report.warn(
                            Diagnostic::warning(
                                "date",
                                format!("`{k} = {v}` is not a date praxis reads; kept under extra"),
                            )
                            .in_file(shown)
                            .with_hint("write dates as YYYY-MM-DD"),
                        );
                    }
                }
            }
        }
    }
    for k in [
        "updated",
        "lastmod",
        "date-modified",
        "date_modified",
        "modified",
        "last_modified_at",
        "last-modified",
    ] {
        if let Some(v) = take(k) {
            match value_day(&v) {
                Some(d) if m.fm.updated.is_none() => m.fm.updated = Some(d),
                Some(_) => {}
                None => {
                    m.fm.extra.insert(k.to_owned(), v);
                }
            }
        }
    }
    for k in ["author", "authors"] {
        if let Some(v) = take(k) {
            m.authors.extend(authors_of(&v));
        }
    }
    for k in ["tags", "categories", "category"] {
        if let Some(v) = take(k) {
            let split_spaces = matches!(&v, toml::Value::String(s) if !s.contains(','));
            let mut tags = string_list(&v, true);
            if split_spaces && k != "tags" {
                // Jekyll writes `categories: health lab` for two categories.
                tags = tags
                    .iter()
                    .flat_map(|s| s.split_whitespace().map(str::to_owned))
                    .collect();
            }
            m.fm.add_tags(
                tags.into_iter()
                    .map(|s| s.trim_start_matches('#').to_owned()),
            );
        }
    }
    if let Some(v) = take("draft") {
        m.fm.draft = value_bool(&v).unwrap_or(false);
    }
    if let Some(v) = take("published")
        && value_bool(&v) == Some(false)
    {
        m.fm.draft = true;
    }
    if let Some(toml::Value::String(s)) = take("slug") {
        let slug = crate::content::slug::slugify(&s);
        if !slug.is_empty() {
            m.fm.slug = Some(slug);
        }
    }
    for k in ["aliases", "redirect_from"] {
        if let Some(v) = take(k) {
            for a in string_list(&v, false) {
                m.fm.add_alias(absolute_alias(&a, url_dir));
            }
        }
    }
    for k in ["weight", "order"] {
        if let Some(toml::Value::Integer(w)) = take(k) {
            m.fm.weight = Some(w);
        }
    }
    if let Some(v) = take("bibliography") {
        m.bibliography = string_list(&v, false);
    }
    m.fm.extra.extend(t);
    m
}

/// An alias as a site path: `old.html` in `/posts/` → `/posts/old.html`.
pub fn absolute_alias(alias: &str, url_dir: &str) -> String {
    let a = alias.trim();
    if a.starts_with('/') || a.contains("://") {
        // A full URL keeps only its path.
        match a.find("://") {
            Some(i) => {
                let rest = &a[i + 3..];
                rest.find('/')
                    .map_or("/".to_owned(), |p| rest[p..].to_owned())
            }
            None => a.to_owned(),
        }
    } else {
        format!("{url_dir}{a}")
    }
}

/// The `@/` target of a content path, for links.
fn at_link(rel_md: &str) -> String {
    format!("@/{rel_md}")
}

/// Content-relative `.md` path for a source path (`posts/a.qmd` → `posts/a.md`;
/// the tree's own `index.*` → `_index.md`).
fn output_rel(rel: &str) -> (String, bool) {
    let stem_end = rel.rfind('.').unwrap_or(rel.len());
    let stem = &rel[..stem_end];
    if stem == "index" || stem == "_index" {
        return ("_index.md".to_owned(), true);
    }
    if stem.ends_with("/_index") {
        return (format!("{stem}.md"), true);
    }
    (format!("{stem}.md"), false)
}

/// Keys cited in a body: `@key` and `[@key]` (Pandoc syntax).
pub fn cited_keys(body: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = body.as_bytes();
    for (i, _) in body.match_indices('@') {
        let prev_ok = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if !prev_ok {
            continue;
        }
        let key: String = body[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(*c))
            .collect();
        let key = key.trim_end_matches(['.', ':', '?', '/', '-']).to_owned();
        if !key.is_empty() {
            out.insert(key);
        }
    }
    out
}

/// Keys defined in a (valid) bibliography.
fn bib_keys(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    crate::citations::load::load(text.strip_prefix('\u{feff}').unwrap_or(&text), path)
        .map(|l| l.entries.iter().map(|(e, _)| e.key().to_owned()).collect())
        .unwrap_or_default()
}

struct Parsed {
    source: PathBuf,
    rel_out: String,
    section: bool,
    mapped: Mapped,
    body: String,
    /// Lines before the body in the source file.
    body_line: usize,
    report: Report,
}

/// Imports the Markdown tree `source` into the site at `into`.
pub fn import(source: &Path, into: &Path, progress: bool) -> Result<Report, Diagnostic> {
    if !source.is_dir() {
        return Err(
            Diagnostic::error("import", format!("{} is not a folder", source.display()))
                .with_hint("give the folder that holds the Markdown files"),
        );
    }
    let mut report = Report::default();
    // Quarto's project file names the site and its bibliography.
    let quarto = read_yaml_table(&source.join("_quarto.yml"), &mut report);
    let website = quarto.get("website").and_then(|w| w.as_table());
    let title = website
        .and_then(|w| w.get("title"))
        .or_else(|| quarto.get("book").and_then(|b| b.get("title")))
        .and_then(|t| t.as_str())
        .unwrap_or("");
    let site_url = website
        .and_then(|w| w.get("site-url"))
        .and_then(|t| t.as_str())
        .unwrap_or("");
    let mut target = Target::open(into, title, site_url, &mut report)?;

    let mut md = Vec::new();
    let mut other = Vec::new();
    let mut metadata: BTreeMap<String, toml::Table> = BTreeMap::new();
    let walker = walkdir::WalkDir::new(source)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped_dir(&e.file_name().to_string_lossy()));
    for e in walker.flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let rel = rel_slash(e.path(), source);
        let name = e.file_name().to_string_lossy();
        if name == "_metadata.yml" {
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
            metadata.insert(dir, read_yaml_table(e.path(), &mut report));
        } else if MARKDOWN_EXTS.contains(&ext_of(e.path()).as_str()) {
            md.push((rel, e.path().to_path_buf()));
        } else {
            other.push((rel, e.path().to_path_buf()));
        }
    }

    // Where each source file lands, for links between them.
    let out_of: HashMap<String, String> = md
        .iter()
        .map(|(rel, _)| (rel.clone(), output_rel(rel).0))
        .collect();
    let by_stem: HashMap<String, String> = md
        .iter()
        .map(|(rel, _)| {
            let stem = &rel[..rel.rfind('.').unwrap_or(rel.len())];
            (stem.to_lowercase(), output_rel(rel).0)
        })
        .collect();

    // Obsidian's `[[Note]]` finds notes by name and `![[file.png]]` files by name.
    let outs: HashMap<String, String> = out_of.values().map(|o| (o.clone(), o.clone())).collect();
    let other_set: BTreeSet<String> = other.iter().map(|(r, _)| r.clone()).collect();
    let mut files_by_name: HashMap<String, Vec<String>> = HashMap::new();
    for (rel, _) in &other {
        let name = rel.rsplit('/').next().unwrap_or(rel).to_owned();
        files_by_name.entry(name).or_default().push(rel.clone());
    }

    let bar = Progress::new(progress, md.len());
    let parsed: Vec<Parsed> = md
        .par_iter()
        .filter_map(|(rel, abs)| {
            let mut r = Report::default();
            let shown = source.join(rel);
            let text = read_text(abs, &shown, &mut r);
            bar.tick();
            let (mut table, body, body_line) = read_front_matter(&text?, &shown, &mut r)?;
            // `_metadata.yml` of the folder and those above give defaults.
            for (dir, meta) in &metadata {
                if dir.is_empty() || rel.starts_with(&format!("{dir}/")) {
                    for (k, v) in meta {
                        table.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            let (rel_out, section) = output_rel(rel);
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let url_dir = if dir.is_empty() {
                "/".to_owned()
            } else {
                format!("/{dir}/")
            };
            let mut body = body;
            if !table.contains_key("title")
                && let Some(t) = take_first_heading(&mut body)
            {
                table.insert("title".into(), toml::Value::String(t));
            }
            let mapped = map_front_matter(table, &url_dir, &shown, &mut r);
            // Relative links resolve against the page's URL in praxis (a
            // folder: `notes/a.md` is `/notes/a/`), against the file's folder here.
            let page_dir = {
                let stem = rel_out.trim_end_matches(".md");
                if section {
                    dir.to_owned()
                } else {
                    stem.strip_suffix("/index").unwrap_or(stem).to_owned()
                }
            };
            let body = rewrite_links(&body, |dest| {
                link_target(dest, dir, &out_of, &by_stem).or_else(|| {
                    let is_relative = !(dest.contains(':') || dest.starts_with(['/', '#', '@']));
                    let path = dest.split(['#', '?']).next().unwrap_or(dest);
                    let joined = normalize(&if dir.is_empty() {
                        path.to_owned()
                    } else {
                        format!("{dir}/{path}")
                    });
                    (is_relative && page_dir != dir && other_set.contains(&joined))
                        .then(|| relative_path(&page_dir, &joined))
                })
            });
            let body = wikilinks(
                &body,
                &page_dir,
                &outs,
                &files_by_name,
                &shown,
                body_line,
                &mut r,
            );
            Some(Parsed {
                source: shown,
                rel_out,
                section,
                mapped,
                body,
                body_line,
                report: r,
            })
        })
        .collect();
    bar.finish();
    report.counts.skipped += md.len() - parsed.len();

    // Copy other files beside the articles; check bibliographies.
    let mut good_bibs: BTreeSet<String> = BTreeSet::new();
    for (rel, abs) in &other {
        let ext = ext_of(abs);
        if BIB_EXTS.contains(&ext.as_str()) {
            let shown = source.join(rel);
            // A .json that is no bibliography (data, notebooks) is just a file.
            let looks_bib = ext != "json"
                || std::fs::read_to_string(abs)
                    .map(|t| t.trim_start().starts_with('[') && t.contains("\"type\""))
                    .unwrap_or(false);
            if looks_bib && bibliography_ok(abs, &shown, &mut report) {
                good_bibs.insert(rel.clone());
            }
            target.copy_new(abs, &Path::new("content").join(rel), &mut report);
        } else if ASSET_EXTS.contains(&ext.as_str()) {
            target.copy_new(abs, &Path::new("content").join(rel), &mut report);
        }
    }

    // Site bibliographies from _quarto.yml.
    let mut site_bib_keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(v) = quarto.get("bibliography") {
        let mut files = Vec::new();
        for f in string_list(v, false) {
            let abs = source.join(&f);
            let shown = source.join(&f);
            if abs.is_file() && bibliography_ok(&abs, &shown, &mut report) {
                target.copy_new(&abs, Path::new(&f), &mut report);
                site_bib_keys.insert(f.clone(), bib_keys(&abs));
                files.push(f);
            }
        }
        target.add_site_bibliography(&files, &mut report);
    }

    // Authors.
    let all_authors: Vec<SourceAuthor> = parsed
        .iter()
        .flat_map(|p| p.mapped.authors.iter().cloned())
        .collect();
    let keys = target.add_authors(&all_authors, &mut report);

    // Keys of each good bibliography, for wiring it to the posts that cite it.
    let bib_key_sets: BTreeMap<&String, BTreeSet<String>> = good_bibs
        .iter()
        .map(|b| (b, bib_keys(&source.join(b)).into_iter().collect()))
        .collect();
    let mut cited_anywhere: BTreeSet<String> = BTreeSet::new();
    let mut wired: BTreeSet<String> = BTreeSet::new();
    for p in parsed {
        report.diagnostics.extend(p.report.diagnostics);
        let Parsed {
            source: shown,
            rel_out,
            section,
            mapped,
            body,
            body_line,
            ..
        } = p;
        let mut fm = mapped.fm;
        fm.authors = mapped
            .authors
            .iter()
            .filter_map(|a| keys.get(&a.id).cloned())
            .collect();
        let dir = rel_out.rsplit_once('/').map_or("", |(d, _)| d);
        let cited = cited_keys(&body);
        if !fm.draft {
            cited_anywhere.extend(cited.iter().cloned());
        }
        // Named bibliographies: keep the good ones (paths stay relative to the article).
        for b in &mapped.bibliography {
            let joined = if dir.is_empty() {
                b.clone()
            } else {
                format!("{dir}/{b}")
            };
            let norm = normalize(&joined);
            if good_bibs.contains(&norm) {
                fm.bibliography.push(b.clone());
                wired.insert(norm);
            } else if !source.join(&norm).is_file() && !site_bib_keys.contains_key(b.as_str()) {
                report.warn(
                    Diagnostic::warning("bibliography", format!("bibliography `{b}` not found"))
                        .in_file(&shown)
                        .with_hint("copy it beside the article and name it in `bibliography`"),
                );
            } else if !site_bib_keys.contains_key(b.as_str()) {
                report.warn(
                    Diagnostic::warning(
                        "bibliography",
                        format!("bibliography `{b}` is not used (see the problem reported for it)"),
                    )
                    .in_file(&shown)
                    .with_hint("fix the file, then add it to `bibliography` in the article"),
                );
            }
        }
        // Unnamed bibliographies in the same folder that the article cites.
        if fm.bibliography.is_empty() && !cited.is_empty() {
            for (b, set) in &bib_key_sets {
                let bdir = b.rsplit_once('/').map_or("", |(d, _)| d);
                if bdir == dir && set.iter().any(|k| cited.contains(k)) {
                    let name = b.rsplit('/').next().unwrap_or(b).to_owned();
                    fm.bibliography.push(name);
                    wired.insert((*b).clone());
                }
            }
        }
        // Bracketed citations of keys no usable bibliography defines would
        // stop the build: they become text until the bibliography is fixed.
        let mut known: BTreeSet<String> = site_bib_keys.values().flatten().cloned().collect();
        for b in &fm.bibliography {
            let joined = normalize(&if dir.is_empty() {
                b.clone()
            } else {
                format!("{dir}/{b}")
            });
            if let Some(set) = bib_key_sets.get(&joined) {
                known.extend(set.iter().cloned());
            }
        }
        let body = escape_unknown_citations(&body, &known, &shown, body_line, &mut report);
        if section {
            if !fm.bibliography.is_empty() {
                report.warn(
                    Diagnostic::warning(
                        "bibliography",
                        "a section page cannot have its own bibliography; it was left out",
                    )
                    .in_file(&shown)
                    .with_hint("name it in praxis.toml's `bibliography` if the page cites it"),
                );
            }
            fm.bibliography.clear();
        }
        target.write_article(
            Article {
                source: shown,
                rel: rel_out,
                fm,
                body,
                section,
            },
            &mut report,
        );
    }
    report.counts.bibliographies += wired.len();
    // Entries of the site bibliography that no article cites: `praxis check` warns.
    for (file, keys) in &site_bib_keys {
        for k in keys {
            if !cited_anywhere.contains(k) {
                report.warn(
                    Diagnostic::warning(
                        "unused-reference",
                        format!("`{k}` is cited by no article"),
                    )
                    .in_file(file)
                    .with_hint("cite it or remove it from the bibliography"),
                );
            }
        }
    }
    Ok(report)
}

/// Escapes the `[` of bracketed citations (`[@key]`, `[see @key, p. 3]`) whose
/// keys are not in `known`, so they stay text; each is reported with its line.
pub fn escape_unknown_citations(
    body: &str,
    known: &BTreeSet<String>,
    shown: &Path,
    first_line: usize,
    report: &mut Report,
) -> String {
    let mut escape_at: BTreeSet<usize> = BTreeSet::new();
    let bytes = body.as_bytes();
    for (open, _) in body.match_indices('[') {
        if open > 0 && bytes[open - 1] == b'\\' {
            continue;
        }
        let Some(close) = body[open..].find([']', '\n']).map(|c| open + c) else {
            continue;
        };
        if bytes[close] != b']' || body[close + 1..].starts_with('(') {
            continue;
        }
        let inner = &body[open + 1..close];
        let keys = cited_keys(inner);
        let unknown: Vec<&String> = keys.iter().filter(|k| !known.contains(*k)).collect();
        let is_citation = inner.trim_start().starts_with('@')
            || inner.trim_start().starts_with("-@")
            || inner.contains(" @");
        if is_citation && !unknown.is_empty() {
            escape_at.insert(open);
            let line = first_line + body[..open].matches('\n').count() + 1;
            report.warn(
                Diagnostic::warning(
                    "citation",
                    format!(
                        "`{}` cites {} that no usable bibliography defines; it was kept as text (`\\[`)",
                        &body[open..=close],
                        unknown.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .in_file(shown)
                .at(line, 0)
                .with_hint("fix or add the bibliography, then remove the backslash before `[`"),
            );
        }
    }
    let mut out = String::with_capacity(body.len() + escape_at.len());
    let mut last = 0;
    for i in escape_at {
        out.push_str(&body[last..i]);
        out.push('\\');
        last = i;
    }
    out.push_str(&body[last..]);
    out
}

/// `a/../b/x.bib` → `b/x.bib`.
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// A link to another file of the tree, as a `@/` link.
fn link_target(
    dest: &str,
    dir: &str,
    out_of: &HashMap<String, String>,
    by_stem: &HashMap<String, String>,
) -> Option<String> {
    if dest.contains("://")
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
        || dest.starts_with('@')
    {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, format!("#{a}")),
        None => (dest, String::new()),
    };
    let joined = if let Some(abs) = path.strip_prefix('/') {
        normalize(abs)
    } else if dir.is_empty() {
        normalize(path)
    } else {
        normalize(&format!("{dir}/{path}"))
    };
    if let Some(out) = out_of.get(&joined) {
        return Some(format!("{}{anchor}", at_link(out)));
    }
    // `other.html` (Quarto's rendered name) or `other/`.
    let stem = joined
        .strip_suffix(".html")
        .or_else(|| joined.strip_suffix('/'))?;
    let out = by_stem
        .get(&stem.to_lowercase())
        .or_else(|| by_stem.get(&format!("{stem}/index").to_lowercase()))?;
    Some(format!("{}{anchor}", at_link(out)))
}

/// The relative path from folder `from` to file `to` (both relative to the tree).
fn relative_path(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// Obsidian links: `[[Note]]`, `[[Note|label]]`, `[[Note#Part]]` become `@/`
/// links and `![[file.png]]` images, when the target is found; the rest is
/// reported and kept.
fn wikilinks(
    body: &str,
    dir: &str,
    outs: &HashMap<String, String>,
    files_by_name: &HashMap<String, Vec<String>>,
    shown: &Path,
    first_line: usize,
    report: &mut Report,
) -> String {
    if !body.contains("[[") {
        return body.to_owned();
    }
    let mut missing: Vec<String> = Vec::new();
    let body = super::replace_spans(body, "![[", "]]", |inner| {
        let (target, label) = inner.split_once('|').unwrap_or((inner, ""));
        let found = files_by_name
            .get(target.trim())
            .and_then(|v| match v.as_slice() {
                [one] => Some(one.clone()),
                many => many
                    .iter()
                    .find(|p| dir.starts_with(p.rsplit_once('/').map_or("", |(d, _)| d)))
                    .cloned(),
            });
        match found {
            Some(path) => {
                let alt =
                    if label.is_empty() || label.chars().all(|c| c.is_ascii_digit() || c == 'x') {
                        target.rsplit_once('.').map_or(target, |(s, _)| s)
                    } else {
                        label
                    };
                Some(format!("![{alt}]({})", relative_path(dir, &path)))
            }
            None => {
                missing.push(format!("![[{inner}]]"));
                None
            }
        }
    });
    let body = super::replace_spans(&body, "[[", "]]", |inner| {
        let (target, label) = inner.split_once('|').unwrap_or((inner, ""));
        let (path, heading) = target.split_once('#').unwrap_or((target, ""));
        let label = if label.is_empty() { path } else { label };
        let anchor = if heading.is_empty() {
            String::new()
        } else {
            format!("#{}", crate::content::slug::heading_id(heading))
        };
        match super::resolve_content(path.trim(), dir, outs) {
            Some(link) => Some(format!("[{}]({link}{anchor})", label.trim())),
            None => {
                missing.push(format!("[[{inner}]]"));
                None
            }
        }
    });
    for m in missing {
        let line = body
            .find(&m)
            .map_or(0, |o| first_line + body[..o].matches('\n').count() + 1);
        report.warn(
            Diagnostic::warning(
                "wikilink",
                format!("`{m}` points at no imported note or file; kept as written"),
            )
            .in_file(shown)
            .at(line, 0)
            .with_hint("link to the note as [text](@/path.md), or add the missing note"),
        );
    }
    body
}

/// Takes a leading `# Title` line out of the body (notes often have no front matter).
fn take_first_heading(body: &mut String) -> Option<String> {
    let trimmed = body.trim_start_matches(['\n', '\r', ' ']);
    let first = trimmed.lines().next()?;
    let title = first.strip_prefix("# ")?.trim().to_owned();
    let rest = trimmed[first.len()..].to_owned();
    *body = rest;
    Some(title)
}

/// A YAML file as a TOML table (empty when missing; errors reported).
pub fn read_yaml_table(path: &Path, report: &mut Report) -> toml::Table {
    let Ok(text) = std::fs::read_to_string(path) else {
        return toml::Table::new();
    };
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text) {
        Ok(v) => match super::yaml_to_toml(&v) {
            toml::Value::Table(t) => t,
            _ => toml::Table::new(),
        },
        Err(e) => {
            report.warn(crate::source_errors::yaml_error(
                &e,
                "import",
                path,
                crate::source_errors::Snippet {
                    file_text: &text,
                    offset: 0,
                },
            ));
            toml::Table::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_mapped_and_the_rest_kept() {
        let t: toml::Table = toml::from_str(
            "title = \"A\"\nsubtitle = \"S\"\ndate = \"2023-05-01\"\ndate-modified = \"2023-06-01\"\nauthor = [{name = {given = \"Jane\", family = \"Doe\"}, affiliation = \"Charité\"}]\ncategories = [\"R\", \"Stats\"]\ntags = [\"stats\"]\nformat = {html = {toc = true}}\naliases = [\"old.html\"]\ndraft = \"true\"\n",
        )
        .expect("toml");
        let mut r = Report::default();
        let m = map_front_matter(t, "/posts/", Path::new("a.qmd"), &mut r);
        assert_eq!(m.fm.title, "A");
        assert_eq!(m.fm.date.map(|d| d.iso()).as_deref(), Some("2023-05-01"));
        assert_eq!(m.fm.updated.map(|d| d.iso()).as_deref(), Some("2023-06-01"));
        assert_eq!(m.authors[0].name, "Jane Doe");
        assert_eq!(m.authors[0].affiliation, "Charité");
        assert_eq!(m.fm.tags, vec!["stats", "R"]);
        assert_eq!(m.fm.aliases, vec!["/posts/old.html"]);
        assert!(m.fm.draft);
        assert!(m.fm.extra.contains_key("subtitle") && m.fm.extra.contains_key("format"));
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn citations_are_found_but_not_mail_addresses() {
        let k = cited_keys("As [@smith2020; @doe:2021, p. 3] and @roe21 showed. Mail me@x.org.");
        assert_eq!(
            k.into_iter().collect::<Vec<_>>(),
            vec!["doe:2021", "roe21", "smith2020"]
        );
    }

    #[test]
    fn citations_without_a_usable_bibliography_become_text() {
        let known: BTreeSet<String> = ["ok2020".to_owned()].into();
        let mut r = Report::default();
        let out = escape_unknown_citations(
            "A [@ok2020]. B [see @gone2009, p. 3].\nC [link](x.md) and [@ok2020; @gone2009].\n",
            &known,
            Path::new("a.qmd"),
            0,
            &mut r,
        );
        assert_eq!(
            out,
            "A [@ok2020]. B \\[see @gone2009, p. 3].\nC [link](x.md) and \\[@ok2020; @gone2009].\n"
        );
        let lines: Vec<usize> = r.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1, 2]);
    }

    #[test]
    fn obsidian_wikilinks_and_embeds() {
        let outs: HashMap<String, String> =
            [("notes/sprint.md".to_owned(), "notes/sprint.md".to_owned())].into();
        let files: HashMap<String, Vec<String>> =
            [("bp.png".to_owned(), vec!["attachments/bp.png".to_owned()])].into();
        let mut r = Report::default();
        let out = wikilinks(
            "See [[sprint|the SPRINT note]], [[sprint#Results]] and [[gone]].\n![[bp.png]]\n",
            "notes",
            &outs,
            &files,
            Path::new("n.md"),
            0,
            &mut r,
        );
        assert_eq!(
            out,
            "See [the SPRINT note](@/notes/sprint.md), [sprint](@/notes/sprint.md#results) and [[gone]].\n![bp](../attachments/bp.png)\n"
        );
        assert_eq!(
            r.diagnostics.iter().map(|d| d.line).collect::<Vec<_>>(),
            vec![1]
        );
    }

    #[test]
    fn links_between_files_become_at_links() {
        let out_of: HashMap<String, String> =
            [("posts/b.qmd".to_owned(), "posts/b.md".to_owned())].into();
        let by_stem: HashMap<String, String> =
            [("posts/b".to_owned(), "posts/b.md".to_owned())].into();
        assert_eq!(
            link_target("b.qmd#x", "posts", &out_of, &by_stem).as_deref(),
            Some("@/posts/b.md#x")
        );
        assert_eq!(
            link_target("../posts/b.html", "notes", &out_of, &by_stem).as_deref(),
            Some("@/posts/b.md")
        );
        assert_eq!(
            link_target("https://e.org/b.qmd", "posts", &out_of, &by_stem),
            None
        );
        assert_eq!(link_target("c.qmd", "posts", &out_of, &by_stem), None);
    }
}
