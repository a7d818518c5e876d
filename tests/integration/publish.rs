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
