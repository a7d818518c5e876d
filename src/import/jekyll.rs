//! `praxis import jekyll DIR`: a Jekyll site's posts, drafts, pages and assets.
//!
//! `_posts/2020-01-15-title.md` becomes `content/posts/title.md` (the date
//! from the file name unless the front matter has one), `_drafts/` come in as
//! drafts, other Markdown pages keep their paths, and files outside `_*`
//! folders (`assets/`, `images/`) go to `static/`. The old URL (the site's
//! `permalink` style, or a page's own `permalink`) becomes an alias.
//! `{% post_url %}` and `{% link %}` become `@/` links, `{{ site.baseurl }}` is
//! dropped (links to static files are made relative instead, so any base URL
//! works), `{% highlight %}` becomes a fenced block; other Liquid tags are
//! kept as written and reported.

use std::collections::HashMap;
use std::path::Path;

use super::markdown::{absolute_alias, map_front_matter, read_yaml_table};
use super::{
    Article, Progress, Report, Target, is_skipped_dir, read_front_matter, read_text, rel_slash,
    relative_static, replace_spans, resolve_content, rewrite_links, write_all,
};
use crate::content::slug::slugify;
use crate::date::Date;
use crate::diagnostics::Diagnostic;

const PAGE_EXTS: [&str; 3] = ["md", "markdown", "html"];

/// `2020-01-15-hello-world` → (date, `hello-world`).
fn dated_name(stem: &str) -> Option<(Date, &str)> {
    let d = super::parse_day(stem.get(..10)?)?;
    let rest = stem.get(11..)?;
    (!rest.is_empty() && stem.as_bytes().get(10) == Some(&b'-')).then_some((d, rest))
}

/// The old URL of a post, from the site's `permalink` setting.
pub fn post_permalink(style: &str, date: Date, categories: &[String], slug: &str) -> String {
    let pattern = match style {
        "" | "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        other => other,
    };
    let iso = date.iso();
    let cats = categories
        .iter()
        .map(|c| slugify(c))
        .collect::<Vec<_>>()
        .join("/");
    let mut out = pattern
        .replace(":categories", &cats)
        .replace(":year", &iso[0..4])
        .replace(":month", &iso[5..7])
        .replace(":day", &iso[8..10])
        .replace(":i_month", iso[5..7].trim_start_matches('0'))
        .replace(":i_day", iso[8..10].trim_start_matches('0'))
        .replace(":title", slug)
        .replace(":slug", slug)
        .replace(":output_ext", ".html");
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    out
}

/// Imports the Jekyll site in `dir` into the site at `into`.
pub fn import(dir: &Path, into: &Path, progress: bool) -> Result<Report, Diagnostic> {
    if !dir.join("_config.yml").is_file() && !dir.join("_posts").is_dir() {
        return Err(
            Diagnostic::error("import", format!("{} is not a Jekyll site", dir.display()))
                .with_hint("give the folder with _config.yml and _posts/"),
        );
    }
    let mut report = Report::default();
    let config = read_yaml_table(&dir.join("_config.yml"), &mut report);
    let get = |k: &str| {
        config
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let base = format!("{}{}", get("url").trim_end_matches('/'), get("baseurl"));
    let style = get("permalink");
    let site_author = config
        .get("author")
        .map(super::authors_of)
        .unwrap_or_default();
    let mut target = Target::open(into, &get("title"), &base, &mut report)?;

    // Sources: posts, drafts, pages; other files outside `_*` folders are static.
    let mut sources: Vec<(String, String, bool)> = Vec::new(); // (source rel, output rel, draft)
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(is_skipped_dir(&n) || n == "vendor" || n == "Gemfile" || n == "Gemfile.lock")
        });
    for e in walker.flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let rel = rel_slash(e.path(), dir);
        let name = e.file_name().to_string_lossy().into_owned();
        let ext = e
            .path()
            .extension()
            .map(|x| x.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let stem = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(s, _)| s)
            .to_owned();
        let top = rel.split('/').next().unwrap_or("");
        let is_page = PAGE_EXTS.contains(&ext.as_str());
        if top == "_posts" && is_page {
            let slug = dated_name(&stem).map_or(stem.clone(), |(_, s)| s.to_owned());
            sources.push((rel, format!("posts/{}.md", slugify(&slug)), false));
        } else if top == "_drafts" && is_page {
            let slug = dated_name(&stem).map_or(stem.clone(), |(_, s)| s.to_owned());
            sources.push((rel, format!("posts/{}.md", slugify(&slug)), true));
        } else if top.starts_with('_') || rel == "_config.yml" {
            continue;
        } else if is_page && (ext != "html" || starts_with_front_matter(e.path())) {
            if matches!(stem.as_str(), "404" | "feed" | "sitemap" | "search")
                || (rel == "index.html")
            {
                report.counts.skipped += 1;
                continue;
            }
            let out = if rel == "index.md" || rel == "index.markdown" {
                "_index.md".to_owned()
            } else {
                format!("{}.md", &rel[..rel.rfind('.').unwrap_or(rel.len())])
            };
            sources.push((rel, out, false));
        } else if !matches!(
            name.as_str(),
            "Gemfile" | "Gemfile.lock" | "README.md" | "LICENSE"
        ) && !name.ends_with(".gemspec")
        {
            target.copy_new(e.path(), &Path::new("static").join(&rel), &mut report);
        }
    }
    let outputs: HashMap<String, String> = sources
        .iter()
        .map(|(s, o, _)| (s.clone(), o.clone()))
        .collect();
    let by_post_name: HashMap<String, String> = sources
        .iter()
        .filter(|(s, _, _)| s.starts_with("_posts/"))
        .map(|(s, o, _)| {
            let file = s.rsplit('/').next().unwrap_or(s);
            (
                file[..file.rfind('.').unwrap_or(file.len())].to_owned(),
                o.clone(),
            )
        })
        .collect();

    let bar = Progress::new(progress, sources.len());
    let mut items = Vec::new();
    for (rel, out, draft) in &sources {
        bar.tick();
        let shown = dir.join(rel);
        let Some(text) = read_text(&shown, &shown, &mut report) else {
            continue;
        };
        let Some((mut table, body, body_line)) = read_front_matter(&text, &shown, &mut report)
        else {
            continue;
        };
        let permalink = table
            .remove("permalink")
            .and_then(|v| v.as_str().map(str::to_owned));
        for k in ["layout", "comments", "sitemap"] {
            if let Some(v) = table.remove(k) {
                table.entry(format!("jekyll_{k}")).or_insert(v);
            }
        }
        let categories = table
            .get("categories")
            .or_else(|| table.get("category"))
            .map(|v| {
                let mut c = super::string_list(v, false);
                if matches!(v, toml::Value::String(_)) {
                    c = c
                        .iter()
                        .flat_map(|s| s.split_whitespace().map(str::to_owned))
                        .collect();
                }
                c
            })
            .unwrap_or_default();
        let page_dir = out.rsplit_once('/').map_or("", |(d, _)| d);
        let url_dir = if page_dir.is_empty() {
            "/".to_owned()
        } else {
            format!("/{page_dir}/")
        };
        let mut m = map_front_matter(table, &url_dir, &shown, &mut report);
        let file_stem = rel.rsplit('/').next().unwrap_or(rel);
        let file_stem = &file_stem[..file_stem.rfind('.').unwrap_or(file_stem.len())];
        if m.fm.date.is_none()
            && let Some((d, _)) = dated_name(file_stem)
        {
            m.fm.date = Some(d);
        }
        if *draft {
            m.fm.draft = true;
            report.warn(
                Diagnostic::warning("draft", "a Jekyll draft; imported as a draft")
                    .in_file(&shown)
                    .with_hint("set draft = false when it should be published"),
            );
        }
        if m.authors.is_empty() && rel.starts_with("_posts/") {
            m.authors = site_author.clone();
        }
        let section = out == "_index.md";
        let new_url = format!("/{}/", out.trim_end_matches(".md"));
        let old = match &permalink {
            Some(p) => Some(absolute_alias(p, "/")),
            None if rel.starts_with("_posts/") => m.fm.date.map(|d| {
                let slug = out.trim_start_matches("posts/").trim_end_matches(".md");
                post_permalink(&style, d, &categories, slug)
            }),
            None if !section => Some(format!("/{}.html", out.trim_end_matches(".md"))),
            None => None,
        };
        if let Some(old) =
            old.filter(|o| o.trim_end_matches('/') != new_url.trim_end_matches('/') && !m.fm.draft)
        {
            m.fm.add_alias(old);
        }
        let is_html = rel.ends_with(".html");
        let body = if is_html {
            super::wordpress::to_markdown(&body)
        } else {
            body
        };
        let body = convert_liquid(
            &body,
            page_dir,
            &outputs,
            &by_post_name,
            &shown,
            body_line,
            &mut report,
        );
        let root = target.root.clone();
        let body = rewrite_links(&body, |d| relative_static(d, out, &root));
        items.push((
            Article {
                source: shown,
                rel: out.clone(),
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

fn starts_with_front_matter(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.starts_with("---"))
}

/// Converts the Liquid of a Jekyll page body.
fn convert_liquid(
    body: &str,
    page_dir: &str,
    outputs: &HashMap<String, String>,
    by_post_name: &HashMap<String, String>,
    shown: &Path,
    first_line: usize,
    report: &mut Report,
) -> String {
    let mut body = body.to_owned();
    for v in [
        "{{ site.baseurl }}",
        "{{site.baseurl}}",
        "{{ site.url }}{{ site.baseurl }}",
    ] {
        body = body.replace(v, "");
    }
    // `{% highlight ruby %} … {% endhighlight %}` → a fenced block.
    while let Some(i) = body.find("{% highlight") {
        let Some(head_end) = body[i..].find("%}").map(|e| i + e + 2) else {
            break;
        };
        let lang = body[i + "{% highlight".len()..head_end - 2]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned();
        let Some(end) = body[head_end..]
            .find("{% endhighlight %}")
            .map(|e| head_end + e)
        else {
            break;
        };
        let code = body[head_end..end].trim_matches('\n').to_owned();
        body.replace_range(
            i..end + "{% endhighlight %}".len(),
            &format!("```{lang}\n{code}\n```"),
        );
    }
    body = body.replace("{% raw %}", "").replace("{% endraw %}", "");
    let mut problems: Vec<(String, String)> = Vec::new();
    let body = replace_spans(&body, "{%", "%}", |inner| {
        let mut words = inner.split_whitespace();
        let tag = words.next().unwrap_or("");
        let arg = words.next().unwrap_or("").to_owned();
        match tag {
            "post_url" => {
                let name = arg.rsplit('/').next().unwrap_or(&arg);
                match by_post_name.get(name) {
                    Some(out) => Some(format!("@/{out}")),
                    None => {
                        problems.push((
                            inner.to_owned(),
                            format!("`post_url {arg}` names no imported post; kept as written"),
                        ));
                        None
                    }
                }
            }
            "link" => match resolve_content(&arg, page_dir, outputs) {
                Some(l) => Some(l),
                None => {
                    problems.push((
                        inner.to_owned(),
                        format!("`link {arg}` points at no imported page; kept as written"),
                    ));
                    None
                }
            },
            _ => {
                problems.push((
                    inner.to_owned(),
                    format!("Liquid tag `{tag}` kept as written"),
                ));
                None
            }
        }
    });
    let body = replace_spans(&body, "{{", "}}", |inner| {
        problems.push((
            inner.to_owned(),
            format!("Liquid output `{{{{ {inner} }}}}` kept as written"),
        ));
        None
    });
    super::report_kept(report, &body, problems, first_line, shown, "liquid");
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_follow_the_site_style() {
        let d = Date::from_ymd(2020, 1, 15).expect("date");
        let cats = vec!["Health News".to_owned()];
        assert_eq!(
            post_permalink("", d, &cats, "flu"),
            "/health-news/2020/01/15/flu.html"
        );
        assert_eq!(post_permalink("pretty", d, &[], "flu"), "/2020/01/15/flu/");
        assert_eq!(
            post_permalink("/blog/:year/:title/", d, &cats, "flu"),
            "/blog/2020/flu/"
        );
    }

    #[test]
    fn liquid_links_become_at_links() {
        let outputs: HashMap<String, String> =
            [("about.md".to_owned(), "about.md".to_owned())].into();
        let posts: HashMap<String, String> =
            [("2020-01-15-flu".to_owned(), "posts/flu.md".to_owned())].into();
        let mut r = Report::default();
        let body = "[Flu]({{ site.baseurl }}{% post_url 2020-01-15-flu %}) [About]({% link about.md %}) {% include note.html %}\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n";
        let out = convert_liquid(
            body,
            "posts",
            &outputs,
            &posts,
            Path::new("p.md"),
            0,
            &mut r,
        );
        assert!(out.starts_with("[Flu](@/posts/flu.md) [About](@/about.md) {% include note.html %}\n```ruby\nputs 1\n```"), "{out}");
        assert_eq!(r.diagnostics.iter().count(), 1);
    }
}
