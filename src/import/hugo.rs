//! `praxis import hugo DIR`: a Hugo site's `content/` and `static/`.
//!
//! Hugo and praxis lay content out alike (folders are sections, `_index.md`
//! describes one, `index.md` makes a page bundle), so paths stay as they are.
//! Front matter (TOML or YAML) is mapped with the shared mapper: `lastmod` →
//! `updated`, `categories` → tags, `aliases` kept, `url` and the site's
//! `[permalinks]` patterns become aliases so old links keep working.
//! `{{< ref >}}` / `{{< relref >}}` become `@/` links where the target is
//! found; `figure`, `youtube` and `highlight` shortcodes are converted; any
//! other shortcode stays, wrapped as raw HTML, and is reported.

use std::collections::HashMap;
use std::path::Path;

use super::markdown::{MARKDOWN_EXTS, map_front_matter, read_yaml_table};
use super::{
    Article, Progress, Report, Target, is_skipped_dir, read_front_matter, read_text, rel_slash,
    relative_static, replace_spans, resolve_content, rewrite_links, write_all,
};
use crate::content::slug::slugify;
use crate::diagnostics::Diagnostic;

/// Reads the site's config (TOML or YAML, `hugo.*` or `config.*`).
fn read_config(dir: &Path, report: &mut Report) -> toml::Table {
    for name in ["hugo.toml", "config.toml"] {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            return match toml::from_str::<toml::Table>(&text) {
                Ok(t) => t,
                Err(e) => {
                    report.warn(crate::source_errors::toml_error(
                        &e,
                        "import",
                        &dir.join(name),
                        crate::source_errors::Snippet {
                            file_text: &text,
                            offset: 0,
                        },
                    ));
                    toml::Table::new()
                }
            };
        }
    }
    for name in ["hugo.yaml", "hugo.yml", "config.yaml", "config.yml"] {
        let p = dir.join(name);
        if p.is_file() {
            return read_yaml_table(&p, report);
        }
    }
    toml::Table::new()
}

/// A permalink pattern (`/:year/:month/:slug/`) filled in for one page.
pub fn fill_permalink(
    pattern: &str,
    date: Option<crate::date::Date>,
    slug: &str,
    title: &str,
    section: &str,
) -> Option<String> {
    let mut out = pattern.to_owned();
    if out.contains(":year") || out.contains(":month") || out.contains(":day") {
        let d = date?.iso();
        out = out
            .replace(":year", &d[0..4])
            .replace(":month", &d[5..7])
            .replace(":day", &d[8..10]);
    }
    out = out
        .replace(":slugorfilename", slug)
        .replace(":slugorcontentbasename", slug)
        .replace(":contentbasename", slug)
        .replace(":filename", slug)
        .replace(":slug", slug)
        .replace(":title", &slugify(title))
        .replace(":sections", section)
        .replace(":section", section);
    if out.contains(':') {
        return None;
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    Some(out)
}

/// Imports the Hugo site in `dir` into the site at `into`.
pub fn import(dir: &Path, into: &Path, progress: bool) -> Result<Report, Diagnostic> {
    let content = dir.join("content");
    if !content.is_dir() {
        return Err(Diagnostic::error(
            "import",
            format!("{} has no content/ folder", dir.display()),
        )
        .with_hint("give the Hugo site's folder (the one with hugo.toml or config.toml)"));
    }
    let mut report = Report::default();
    let config = read_config(dir, &mut report);
    let title = config.get("title").and_then(|v| v.as_str()).unwrap_or("");
    let base = config
        .get("baseURL")
        .or_else(|| config.get("baseurl"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let site_author = config
        .get("params")
        .and_then(|p| p.get("author"))
        .or_else(|| config.get("author"))
        .map(super::authors_of)
        .unwrap_or_default();
    let permalinks: HashMap<String, String> = config
        .get("permalinks")
        .and_then(|p| p.as_table())
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let mut target = Target::open(into, title, base, &mut report)?;

    // Static files keep their paths.
    let static_dir = dir.join("static");
    if static_dir.is_dir() {
        for e in walkdir::WalkDir::new(&static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                let rel = rel_slash(e.path(), &static_dir);
                target.copy_new(e.path(), &Path::new("static").join(rel), &mut report);
            }
        }
    }

    let mut md = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped_dir(&e.file_name().to_string_lossy()));
    for e in walker.flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let rel = rel_slash(e.path(), &content);
        let ext = e
            .path()
            .extension()
            .map(|x| x.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if MARKDOWN_EXTS.contains(&ext.as_str()) {
            md.push(rel);
        } else if ext == "html" || ext == "org" || ext == "adoc" || ext == "rst" {
            report.warn(
                Diagnostic::warning("skipped", format!("`.{ext}` content is not imported"))
                    .in_file(e.path())
                    .with_hint("convert it to Markdown, then import again"),
            );
            report.counts.skipped += 1;
        } else {
            target.copy_new(e.path(), &Path::new("content").join(&rel), &mut report);
        }
    }
    let outputs: HashMap<String, String> = md
        .iter()
        .map(|rel| {
            let stem = &rel[..rel.rfind('.').unwrap_or(rel.len())];
            (rel.clone(), format!("{stem}.md"))
        })
        .collect();

    let bar = Progress::new(progress, md.len());
    let mut items = Vec::new();
    for rel in &md {
        bar.tick();
        let shown = content.join(rel);
        let Some(text) = read_text(&shown, &shown, &mut report) else {
            continue;
        };
        let Some((mut table, body, body_line)) = read_front_matter(&text, &shown, &mut report)
        else {
            continue;
        };
        let out = outputs.get(rel).cloned().unwrap_or_default();
        let section = out == "_index.md" || out.ends_with("/_index.md");
        let page_dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let top_section = rel
            .split('/')
            .next()
            .filter(|_| rel.contains('/'))
            .unwrap_or("");
        let url_dir = if page_dir.is_empty() {
            "/".to_owned()
        } else {
            format!("/{page_dir}/")
        };
        let url = table
            .remove("url")
            .and_then(|v| v.as_str().map(str::to_owned));
        let mut m = map_front_matter(table, &url_dir, &shown, &mut report);
        if m.authors.is_empty() && !section {
            m.authors = site_author.clone();
        }
        if let Some(u) = url {
            m.fm.add_alias(super::markdown::absolute_alias(&u, "/"));
        }
        let stem = out.trim_end_matches(".md");
        let stem = stem.strip_suffix("/index").unwrap_or(stem);
        let name = stem.rsplit('/').next().unwrap_or(stem);
        if !section && let Some(pattern) = permalinks.get(top_section) {
            let slug = m.fm.slug.clone().unwrap_or_else(|| slugify(name));
            if let Some(old) = fill_permalink(pattern, m.fm.date, &slug, &m.fm.title, top_section) {
                let new_url = format!("/{}/", stem);
                if old.trim_end_matches('/') != new_url.trim_end_matches('/') {
                    m.fm.add_alias(old);
                }
            }
        }
        let body = convert_shortcodes(&body, page_dir, &outputs, &shown, body_line, &mut report);
        let root = target.root.clone();
        let body = rewrite_links(&body, |d| relative_static(d, &out, &root));
        if !m.bibliography.is_empty() {
            for b in &m.bibliography {
                m.fm.bibliography.push(b.clone());
            }
        }
        items.push((
            Article {
                source: shown,
                rel: out,
                fm: m.fm,
                body,
                section,
            },
            m.authors,
        ));
    }
    bar.finish();
    write_all(&mut target, items, &mut report);
    Ok(report)
}

/// A shortcode's arguments: positional and `key="value"` pairs.
fn shortcode_args(s: &str) -> (Vec<String>, HashMap<String, String>) {
    let mut tokens: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quote = false;
    for c in s.chars() {
        match c {
            '"' | '`' => {
                in_quote = !in_quote;
                quoted = true;
            }
            c if c.is_whitespace() && !in_quote => {
                if !cur.is_empty() || quoted {
                    tokens.push((std::mem::take(&mut cur), quoted));
                }
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || quoted {
        tokens.push((cur, quoted));
    }
    let mut pos = Vec::new();
    let mut named = HashMap::new();
    for (t, _) in tokens {
        match t.split_once('=') {
            Some((k, v))
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
            {
                named.insert(k.to_owned(), v.to_owned());
            }
            _ => pos.push(t),
        }
    }
    (pos, named)
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Converts the shortcodes of a Hugo page body.
fn convert_shortcodes(
    body: &str,
    page_dir: &str,
    outputs: &HashMap<String, String>,
    shown: &Path,
    first_line: usize,
    report: &mut Report,
) -> String {
    // `{{< highlight go >}} … {{< /highlight >}}` → a fenced block.
    let mut body = body.to_owned();
    for (open, close) in [("{{<", ">}}"), ("{{%", "%}}")] {
        while let Some(i) = body.find(&format!("{open} highlight")) {
            let Some(head_end) = body[i..].find(close).map(|e| i + e + close.len()) else {
                break;
            };
            let (args, _) =
                shortcode_args(&body[i + open.len() + " highlight".len()..head_end - close.len()]);
            let end_tag = format!("{open} /highlight {close}");
            let Some(end) = body[head_end..].find(&end_tag).map(|e| head_end + e) else {
                break;
            };
            let code = body[head_end..end].trim_matches('\n').to_owned();
            let lang = args.first().cloned().unwrap_or_default();
            body.replace_range(i..end + end_tag.len(), &format!("```{lang}\n{code}\n```"));
        }
    }
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut convert = |inner: &str| -> Option<String> {
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let (pos, named) =
            shortcode_args(&inner[inner.find(char::is_whitespace).unwrap_or(inner.len())..]);
        match name.as_str() {
            "ref" | "relref" => {
                let arg = pos
                    .first()
                    .cloned()
                    .or_else(|| named.get("path").cloned())
                    .unwrap_or_default();
                match resolve_content(&arg, page_dir, outputs) {
                    Some(link) => Some(link),
                    None => {
                        problems.push((
                            inner.to_owned(),
                            format!(
                                "`{name}` to `{arg}` points at no imported page; kept as written"
                            ),
                        ));
                        None
                    }
                }
            }
            "figure" => {
                let src = named.get("src").cloned().unwrap_or_default();
                let alt = named
                    .get("alt")
                    .or_else(|| named.get("caption"))
                    .or_else(|| named.get("title"))
                    .cloned()
                    .unwrap_or_default();
                let mut out = format!("![{alt}]({src})");
                if let Some(c) = named.get("caption") {
                    out.push_str(&format!("\n\n*{c}*"));
                }
                Some(out)
            }
            "youtube" => {
                let id = pos
                    .first()
                    .cloned()
                    .or_else(|| named.get("id").cloned())
                    .unwrap_or_default();
                Some(format!(
                    "[Video on YouTube](https://www.youtube.com/watch?v={id})"
                ))
            }
            _ => {
                problems.push((
                    inner.to_owned(),
                    format!("shortcode `{name}` kept as raw HTML"),
                ));
                Some(format!(
                    "<span class=\"hugo-shortcode\">{{{{&lt; {} &gt;}}}}</span>",
                    escape_html(inner)
                ))
            }
        }
    };
    let body = replace_spans(&body, "{{<", ">}}", &mut convert);
    let body = replace_spans(&body, "{{%", "%}}", &mut convert);
    super::report_kept(report, &body, problems, first_line, shown, "shortcode");
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_and_shortcodes_are_converted_or_reported() {
        let outputs: HashMap<String, String> = [
            ("posts/a.md".to_owned(), "posts/a.md".to_owned()),
            ("posts/b/index.md".to_owned(), "posts/b/index.md".to_owned()),
        ]
        .into();
        let mut r = Report::default();
        let body = "[A]({{< ref \"a.md\" >}}) [B]({{< relref \"/posts/b#part\" >}}) [C]({{< ref \"nope\" >}})\n{{< figure src=\"x.png\" alt=\"An X\" caption=\"The X\" >}}\n{{< tweet user=\"x\" id=\"1\" >}}\n{{< highlight python >}}\nprint(1)\n{{< /highlight >}}\n";
        let out = convert_shortcodes(body, "posts", &outputs, Path::new("p.md"), 0, &mut r);
        assert!(
            out.starts_with(
                "[A](@/posts/a.md) [B](@/posts/b/index.md#part) [C]({{< ref \"nope\" >}})"
            ),
            "{out}"
        );
        assert!(out.contains("![An X](x.png)\n\n*The X*"), "{out}");
        assert!(
            out.contains(
                "<span class=\"hugo-shortcode\">{{&lt; tweet user=\"x\" id=\"1\" &gt;}}</span>"
            ),
            "{out}"
        );
        assert!(out.contains("```python\nprint(1)\n```"), "{out}");
        assert_eq!(r.diagnostics.iter().count(), 2);
    }

    #[test]
    fn permalink_patterns_fill_in() {
        let d = crate::date::Date::from_ymd(2021, 3, 9);
        assert_eq!(
            fill_permalink("/:year/:month/:slug/", d, "hba1c", "HbA1c", "posts").as_deref(),
            Some("/2021/03/hba1c/")
        );
        assert_eq!(
            fill_permalink(":section/:title", d, "x", "Zielwerte für HbA1c", "posts").as_deref(),
            Some("/posts/zielwerte-fuer-hba1c")
        );
        assert_eq!(
            fill_permalink("/:year/:slug/", None, "x", "X", "posts"),
            None
        );
    }
}
