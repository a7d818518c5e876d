//! Publishing anywhere: a site under a sub-path (`https://user.github.io/praxis-blog/`)
//! has no URL that escapes it, and `--minify` / `--precompress` write what
//! static hosts serve.

use std::path::{Path, PathBuf};

use praxis::build::{BuildOptions, build};

use crate::util::{praxis_in, stderr};

const BASE: &str = "https://user.github.io/praxis-blog/";
const ROOT: &str = "/praxis-blog/";

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("example-site")
}

/// Every URL-looking value in a text file: attribute values, CSS `url()`,
/// JSON strings, XML element text, and srcset candidates.
fn urls(text: &str, xml: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &str| {
        for cand in v.split(',') {
            let u = cand.split_whitespace().next().unwrap_or("");
            if !u.is_empty() {
                out.push(u.to_owned());
            }
        }
    };
    for (open, close) in [
        ("=\"", '"'),
        ("='", '\''),
        ("url(", ')'),
        (">", '<'),
        (": \"", '"'),
        (":\"", '"'),
    ] {
        // Element text is a URL in feeds and sitemaps (`<loc>`, `<id>`), prose elsewhere.
        if open == ">" && !xml {
            continue;
        }
        let mut rest = text;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len()..];
            let end = after.find(close).unwrap_or(after.len());
            let v = after[..end].trim().trim_matches(['"', '\'']);
            if v.starts_with('/') || v.starts_with("http") {
                push(v);
            }
            // Absolute URLs anywhere inside the value (a meta refresh `0; url=…`).
            for (j, _) in v.match_indices("https://user.github.io") {
                push(&v[j..]);
            }
            rest = &after[end.min(after.len())..];
        }
    }
    out
}

fn escapes(url: &str) -> bool {
    if let Some(rest) = url.strip_prefix("https://user.github.io") {
        return !rest.starts_with(ROOT);
    }
    url.starts_with('/') && !url.starts_with("//") && !url.starts_with(ROOT)
}

/// Builds `root` under [`BASE`]; returns the URLs that escape the sub-path
/// and how many URLs were looked at.
fn escaping_urls(root: &Path) -> (praxis::build::Built, Vec<String>, usize) {
    let opts = BuildOptions {
        base_url: Some(BASE.to_owned()),
        ..BuildOptions::new(root)
    };
    let built = match build(&opts) {
        Ok(b) => b,
        Err(e) => panic!("build failed: {e:?}"),
    };
    let mut checked = 0;
    let mut bad = Vec::new();
    for (path, text) in built.output.texts() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["html", "xml", "json", "css", "js", "txt", "svg"].contains(&ext) {
            continue;
        }
        for u in urls(text, ext == "xml") {
            checked += 1;
            if escapes(&u) {
                bad.push(format!("{}: {u}", path.display()));
            }
        }
    }
    bad.sort();
    bad.dedup();
    (built, bad, checked)
}

#[test]
fn a_sub_path_base_url_keeps_every_url_inside_it() {
    let (built, bad, checked) = escaping_urls(&example());
    assert!(
        checked > 500,
        "only {checked} URLs found: the scan is broken"
    );
    assert!(bad.is_empty(), "URLs outside {ROOT}:\n{}", bad.join("\n"));
    // The places the issue names, by hand.
    let text = |p: &str| built.output.text(p).unwrap_or_else(|| panic!("no {p}"));
    assert!(
        text("sitemap.xml")
            .contains("<loc>https://user.github.io/praxis-blog/artikel/hba1c/</loc>")
    );
    assert!(text("atom.xml").contains("href=\"https://user.github.io/praxis-blog/atom.xml\""));
    let page = text("artikel/hba1c/index.html");
    assert!(
        page.contains("content=\"https://user.github.io/praxis-blog/cards/"),
        "share card under the sub-path"
    );
    assert!(page.contains("href=\"/praxis-blog/style.css\""));
    assert!(text("search-index.json").contains("\"/praxis-blog/artikel/hba1c/\""));
    assert!(text("robots.txt").contains("https://user.github.io/praxis-blog/sitemap.xml"));
}

#[test]
fn an_imported_wordpress_site_works_under_a_sub_path_too() {
    // Aliases for old permalinks, uploads linked relatively, @/ links.
    let site = tempfile::tempdir().expect("tempdir");
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/wordpress");
    let out = praxis_in(
        site.path(),
        &[
            "import",
            "wordpress",
            &fixture.join("export.xml").to_string_lossy(),
            "--uploads",
            &fixture.join("uploads").to_string_lossy(),
            "--into",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (built, bad, _) = escaping_urls(site.path());
    assert!(bad.is_empty(), "URLs outside {ROOT}:\n{}", bad.join("\n"));
    let redirect = built
        .output
        .text("2024/01/15/metformin/index.html")
        .expect("alias page");
    assert!(
        redirect.contains("url=https://user.github.io/praxis-blog/posts/metformin/"),
        "{redirect}"
    );
    let ecg = built.output.text("posts/ecg/index.html").expect("page");
    assert!(
        ecg.contains("src=\"../../uploads/2024/01/ecg-strip.png\""),
        "relative, so inside the sub-path"
    );
}

/// Copies the example site (without its output and card cache) into `to`.
fn copy_example(to: &Path) {
    let from = example();
    for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
        let rel = e.path().strip_prefix(&from).expect("inside");
        if rel.starts_with("public") || rel.starts_with(".praxis-cache") || !e.file_type().is_file()
        {
            continue;
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(e.path(), &dest).expect("copy");
    }
}

/// Files of a built folder, relative, without the precompressed copies.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).expect("inside").to_path_buf())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("gz" | "br")))
        .collect();
    out.sort();
    out
}

/// The text of every `<pre>…</pre>` with tags taken out.
fn pre_texts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<pre") {
        let end = rest[i..].find("</pre>").map_or(rest.len(), |e| i + e);
        let mut text = String::new();
        let mut in_tag = false;
        for c in rest[i..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&gt;", ">")
            .replace("&lt;", "<")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        out.push(text);
        rest = &rest[end..];
    }
    out
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("application/ld+json") {
        let start = i + html[i..].find('>').expect(">") + 1;
        let end = start + html[start..].find("</script>").expect("</script>");
        out.push(serde_json::from_str(&html[start..end]).expect("JSON-LD stays valid JSON"));
    }
    out
}

#[test]
fn minify_and_precompress_keep_the_site_working() {
    let site = tempfile::tempdir().expect("tempdir");
    copy_example(site.path());
    let today = ["--today", "2026-11-24"];
    let out = praxis_in(
        site.path(),
        &[&["build", "-q", "-o", "plain"][..], &today].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = praxis_in(
        site.path(),
        &[
            &["build", "-q", "--minify", "--precompress", "-o", "min"][..],
            &today,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (plain, min) = (site.path().join("plain"), site.path().join("min"));
    assert_eq!(files(&plain), files(&min), "the same files");

    let (mut plain_bytes, mut min_bytes, mut compressed) = (0, 0, 0);
    for rel in files(&min) {
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_owned();
        let p = std::fs::read(plain.join(&rel)).expect("plain");
        let m = std::fs::read(min.join(&rel)).expect("min");
        if ext == "html" {
            let (p, m) = (String::from_utf8_lossy(&p), String::from_utf8_lossy(&m));
            assert_eq!(
                pre_texts(&p),
                pre_texts(&m),
                "{}: <pre> content changed",
                rel.display()
            );
            assert_eq!(
                json_ld(&p),
                json_ld(&m),
                "{}: JSON-LD changed",
                rel.display()
            );
            // Every site-internal link of the minified page still finds its file.
            for (i, _) in m.match_indices("href=") {
                let v = m[i + 5..].trim_start_matches(['"', '\'']);
                let v = &v[..v.find(['"', '\'', ' ', '>', '#', '?']).unwrap_or(v.len())];
                if let Some(path) = v.strip_prefix('/').filter(|_| !v.starts_with("//")) {
                    let target = min.join(path);
                    assert!(
                        target.is_file() || target.join("index.html").is_file(),
                        "{}: link {v} leads nowhere",
                        rel.display()
                    );
                }
            }
        }
        if ["html", "css", "js"].contains(&ext.as_str()) {
            assert!(m.len() <= p.len(), "{} grew", rel.display());
            plain_bytes += p.len();
            min_bytes += m.len();
        }
        if ["html", "css", "js", "xml", "json", "svg", "txt"].contains(&ext.as_str())
            && m.len() > 1024
        {
            let mut gz = Vec::new();
            let packed =
                std::fs::read(min.join(format!("{}.gz", rel.display()))).expect(".gz beside it");
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut gz)
                .expect("gunzip");
            assert_eq!(gz, m, "{}.gz", rel.display());
            let packed =
                std::fs::read(min.join(format!("{}.br", rel.display()))).expect(".br beside it");
            let mut br = Vec::new();
            brotli::BrotliDecompress(&mut &packed[..], &mut br).expect("unbrotli");
            assert_eq!(br, m, "{}.br", rel.display());
            compressed += 1;
        }
        if ["png", "jpg", "woff2"].contains(&ext.as_str()) {
            assert!(
                !min.join(format!("{}.gz", rel.display())).exists(),
                "binary files are not compressed"
            );
        }
    }
    assert!(compressed > 20, "only {compressed} files precompressed");
    assert!(
        min_bytes < plain_bytes,
        "minified {min_bytes} ≥ plain {plain_bytes}"
    );
    let style = std::fs::read_to_string(min.join("style.css")).expect("css");
    assert!(!style.contains("\n  "), "CSS minified");
}

/// Splits a shell command line into words (double quotes group).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Every `praxis …` command in a text (code blocks, YAML `run:` lines,
/// `command = "… && …"`).
fn praxis_commands(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        for part in line.split("&&").flat_map(|p| p.split("||")) {
            let part = part
                .trim()
                .trim_start_matches(['-', ' '])
                .trim_start_matches("run:")
                .trim();
            let part = part.strip_prefix("command = \"").unwrap_or(part);
            let part = part.trim_end_matches('"');
            let part = part.strip_prefix("bin/").unwrap_or(part);
            if let Some(rest) = part.strip_prefix("praxis ")
                && !rest.starts_with("itself")
            {
                let mut words = vec!["praxis".to_owned()];
                words.extend(shell_words(rest));
                out.push(words);
            }
        }
    }
    out
}

#[test]
fn deploy_recipes_check_strictly_before_publishing_and_their_commands_parse() {
    use clap::Parser;
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs");
    let guide = std::fs::read_to_string(docs.join("deploy.md")).expect("deploy.md");
    let workflow = std::fs::read_to_string(docs.join("github-pages.yml")).expect("workflow");
    let code: String = guide
        .split("```")
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .join("\n");
    let commands: Vec<_> = praxis_commands(&code)
        .into_iter()
        .chain(praxis_commands(&workflow))
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    for c in &commands {
        if let Err(e) = praxis::cli::Cli::try_parse_from(c) {
            panic!("`{}` does not parse: {e}", c.join(" "));
        }
    }
    // Each recipe section checks strictly before it builds.
    for section in guide.split("\n## ").skip(1) {
        let title = section.lines().next().unwrap_or("");
        if title.starts_with("GitHub") || title.starts_with("What") {
            continue;
        }
        let check = section.find("praxis check --strict");
        let build = section.find("praxis build");
        assert!(
            check.is_some() && check < build,
            "recipe “{title}” does not run praxis check --strict before building"
        );
    }
    // The workflow is valid YAML whose build job checks, then builds, then uploads.
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&workflow).expect("valid YAML");
    let steps = yaml["jobs"]["build"]["steps"].as_sequence().expect("steps");
    let pos = |needle: &str| {
        steps
            .iter()
            .position(|s| {
                s["run"].as_str().is_some_and(|r| r.contains(needle))
                    || s["uses"].as_str().is_some_and(|u| u.contains(needle))
            })
            .unwrap_or_else(|| panic!("no step with {needle}"))
    };
    assert!(pos("praxis check --strict") < pos("praxis build --strict"));
    assert!(pos("praxis build --strict") < pos("upload-pages-artifact"));
    assert_eq!(yaml["jobs"]["deploy"]["needs"].as_str(), Some("build"));
}
