//! The floor a static-site generator can reach on this machine: the least
//! work that still turns a Markdown site into HTML pages.
//!
//! It reads every `.md` file under `content/`, parses its TOML front matter,
//! renders the body with pulldown-cmark (code blocks highlighted by syntect,
//! as praxis does), wraps it in a fixed page, and writes it, in parallel with
//! rayon. No templates, listings, feeds, citations, checks or share cards.
//! `bench/run` times it beside praxis so we know how far from the limit a
//! full build is.
//!
//! ```sh
//! cargo run --release --example bare -- SITE_DIR OUT_DIR
//! ```

use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};
use rayon::prelude::*;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, out] = args.as_slice() else {
        eprintln!("usage: bare SITE_DIR OUT_DIR");
        std::process::exit(2);
    };
    let content = Path::new(site).join("content");
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    let set = SyntaxSet::load_defaults_newlines();
    let out = Path::new(out);
    let failed: Vec<String> = files
        .par_iter()
        .filter_map(|f| page(f, &content, out, &set).err())
        .collect();
    for e in &failed {
        eprintln!("{e}");
    }
    println!("{} pages, {} failed", files.len(), failed.len());
    if !failed.is_empty() {
        std::process::exit(1);
    }
}

fn page(file: &Path, content: &Path, out: &Path, set: &SyntaxSet) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (front, body) = text
        .strip_prefix("+++")
        .and_then(|t| t.split_once("\n+++"))
        .unwrap_or(("", &text));
    let meta: toml::Table =
        toml::from_str(front).map_err(|e| format!("{}: {e}", file.display()))?;
    let title = meta.get("title").and_then(|v| v.as_str()).unwrap_or("");
    let mut body_html = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut body_html, highlighted(body, set).into_iter());
    let rel = file
        .strip_prefix(content)
        .unwrap_or(file)
        .with_extension("");
    let dir = out.join(rel);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body><main>{body_html}</main></body></html>",
        escape(title)
    );
    std::fs::write(dir.join("index.html"), page).map_err(|e| format!("{}: {e}", dir.display()))
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;")
}

/// The Markdown events, with fenced code blocks replaced by highlighted HTML.
fn highlighted<'a>(body: &'a str, set: &SyntaxSet) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES) {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))) => {
                code = Some((lang.to_string(), String::new()));
            }
            (Some((_, text)), Event::Text(t)) => text.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, text)) = code.take() {
                    let syntax = set
                        .find_syntax_by_token(&lang)
                        .unwrap_or_else(|| set.find_syntax_plain_text());
                    let mut g =
                        ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::Spaced);
                    for line in LinesWithEndings::from(&text) {
                        let _ = g.parse_html_for_line_which_includes_newline(line);
                    }
                    events.push(Event::Html(
                        format!("<pre><code>{}</code></pre>", g.finalize()).into(),
                    ));
                }
            }
            (None, e) => events.push(e),
            (Some(_), _) => {}
        }
    }
    events
}
