//! `praxis new`: an article with its front matter filled in.

use std::path::{Component, Path, PathBuf};

use super::{Global, exit, find_root};
use crate::config::Config;
use crate::date::Date;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Where under content/ to create it, e.g. `artikel/hba1c` (.md is added).
    pub path: PathBuf,
    /// The article's title [default: from the file name].
    #[arg(long)]
    pub title: Option<String>,
    /// The site's folder (the one with praxis.toml).
    #[arg(long)]
    pub root: Option<PathBuf>,
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The front matter and body of a new article.
pub fn article_text(title: &str, authors: &[String], today: Date) -> String {
    let authors = authors
        .iter()
        .map(|a| toml_string(a))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "+++\ntitle = {}\ndescription = \"\"\ndate = {today}\nlast_reviewed = {today}\nauthors = [{authors}]\ntags = []\n+++\n\nWrite the first paragraph here: it is the summary in listings.\n\n<!-- more -->\n\n## First heading\n",
        toml_string(title)
    )
}

/// Creates the article; returns its path.
pub fn create(
    root: &Path,
    rel: &Path,
    title: Option<&str>,
    today: Date,
) -> Result<PathBuf, String> {
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) || rel.as_os_str().is_empty() {
        return Err(format!(
            "`{}` must be a relative path inside content/, like artikel/hba1c",
            rel.display()
        ));
    }
    let config = Config::load(root).map_err(|ds| {
        ds.iter()
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
            .join("")
    })?;
    let mut rel = rel.to_path_buf();
    if rel.extension().is_none_or(|e| e != "md") {
        let name = format!(
            "{}.md",
            rel.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        rel.set_file_name(name);
    }
    let path = root.join("content").join(&rel);
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another name",
            path.display()
        ));
    }
    let title = title.map(str::to_owned).unwrap_or_else(|| {
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let words = stem.replace(['-', '_'], " ");
        let mut c = words.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or(words)
    });
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, article_text(&title, &config.default_authors, today))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

pub fn run(args: Args, g: &Global) -> u8 {
    let root = find_root(args.root);
    match create(&root, &args.path, args.title.as_deref(), Date::today()) {
        Ok(path) => {
            if !g.quiet {
                eprintln!("created {}", path.display());
            }
            exit::OK
        }
        Err(e) => {
            eprint!("error: {e}");
            if !e.ends_with('\n') {
                eprintln!();
            }
            if e.contains("must be a relative path") {
                exit::USAGE
            } else {
                exit::CONTENT
            }
        }
    }
}
