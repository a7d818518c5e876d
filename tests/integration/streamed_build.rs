//! `praxis build` writes each page as soon as it is rendered: what lands on
//! disk must be what the in-memory build (`serve`, `check`) holds, byte for
//! byte, with `--minify` and `--precompress` too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use praxis::build::{BuildError, BuildOptions, build, build_staged};
use praxis::output::{WriteOptions, write_atomic_with};

use crate::util::{TestSite, render};

/// Every file under `dir` by its relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Builds `opts`'s site in memory and writes it, then builds it streaming;
/// returns both folders' files.
fn both(
    opts: &BuildOptions,
    write: WriteOptions,
    out: &Path,
) -> (BTreeMap<PathBuf, Vec<u8>>, BTreeMap<PathBuf, Vec<u8>>) {
    let memory = out.join("memory");
    let built = build(opts).unwrap_or_else(fail);
    write_atomic_with(&built.output, &memory, write).expect("write");
    let streamed = out.join("streamed");
    let opts = BuildOptions {
        output_dir: Some(streamed.clone()),
        ..opts.clone()
    };
    let staged = build_staged(&opts, write).unwrap_or_else(fail);
    assert!(!streamed.exists(), "nothing is in place before publishing");
    let published = staged.publish().expect("publish");
    // (The second build takes the share cards from the cache the first filled.)
    let counts = |s: praxis::build::Stats| (s.pages, s.sections, s.files);
    assert_eq!(counts(published.stats), counts(built.stats));
    assert_eq!(
        render(&published.diagnostics),
        render(&built.diagnostics),
        "the same warnings"
    );
    (tree(&memory), tree(&streamed))
}

fn assert_same(memory: &BTreeMap<PathBuf, Vec<u8>>, streamed: &BTreeMap<PathBuf, Vec<u8>>) {
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(streamed), names(memory));
    for (path, bytes) in memory {
        assert!(streamed[path] == *bytes, "{} differs", path.display());
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).expect("inside");
        if rel.starts_with("public") || rel.starts_with(".praxis-cache") {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

#[test]
fn the_example_site_streamed_equals_the_example_site_in_memory() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("site");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("example-site"),
        &root,
    );
    let (memory, streamed) = both(&BuildOptions::new(&root), WriteOptions::default(), t.path());
    assert!(memory.len() > 50, "{} files", memory.len());
    assert!(memory.contains_key(Path::new("artikel/hba1c/index.html")));
    assert_same(&memory, &streamed);
}

const SITE: &str = r#"-- content/_index.md --
+++
title = "Home"
+++
Welcome.
-- content/articles/_index.md --
+++
title = "Articles"
paginate_by = 2
+++
-- content/articles/hba1c.md --
+++
title = "HbA1c explained"
date = "2026-03-01"
tags = ["diabetes", "lab"]
aliases = ["/old/hba1c/", "/2020/hba1c.html"]
+++
## What it measures {#measures}

See [blood pressure](@/articles/bp.md#at-home) and [below](#measures).

```python
print("hba1c")
```
-- content/articles/bp.md --
+++
title = "Measuring blood pressure"
date = "2026-04-01"
tags = ["heart"]
authors = ["roe"]
+++
## At home

Sit quietly for five minutes.
-- content/articles/asthma.md --
+++
title = "Inhaler technique"
date = "2025-01-01"
tags = ["lab"]
aliases = ["/asthma/"]
+++
Breathe out first.
-- content/de/articles/hba1c.md --
+++
title = "HbA1c erklärt"
date = "2026-03-01"
tags = ["diabetes"]
+++
Langzeitzucker.
-- static/site.css --
body  {  color : black ; }
"#;

#[test]
fn a_site_with_aliases_tags_feeds_streamed_equals_in_memory_minified_and_precompressed() {
    let site = TestSite::new(SITE);
    for write in [
        WriteOptions::default(),
        WriteOptions {
            minify: true,
            precompress: true,
        },
    ] {
        let out = tempfile::tempdir().expect("tempdir");
        let (memory, streamed) = both(&site.options(), write, out.path());
        for expected in [
            "old/hba1c/index.html",
            "2020/hba1c.html",
            "asthma/index.html",
            "atom.xml",
            "articles/page/2/index.html",
            "sitemap.xml",
        ] {
            assert!(
                memory.contains_key(Path::new(expected)),
                "{expected} in {:?}",
                memory.keys().collect::<Vec<_>>()
            );
        }
        assert!(
            memory
                .keys()
                .any(|p| p.starts_with("tags") && p.ends_with("atom.xml")),
            "a tag feed"
        );
        if write.precompress {
            assert!(memory.contains_key(Path::new("articles/hba1c/index.html.gz")));
        }
        assert_same(&memory, &streamed);
    }
}

fn fail<T>(e: BuildError) -> T {
    match e {
        BuildError::Content(ds) => panic!("build failed:\n{}", render(&ds)),
        e => panic!("build failed: {e}"),
    }
}

/// The temporary and set-aside folders beside the output folder.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".praxis-tmp-") || n.contains(".praxis-old-"))
        .collect()
}

#[test]
fn a_template_error_partway_through_rendering_keeps_the_old_site_and_no_temporary_folder() {
    let site = TestSite::new(SITE);
    praxis::build::build_to_disk(&site.options()).expect("first build");
    let page = site.public().join("articles/hba1c/index.html");
    let before = std::fs::read_to_string(&page).expect("page");
    // Pages are rendered (and written) first; the section template fails
    // after them, with the temporary folder already full of pages.
    site.write(
        "templates/section.html",
        "{{ section.title }} {{ no_such_variable.field }}",
    );
    match praxis::build::build_to_disk(&site.options()) {
        Err(BuildError::Content(ds)) => {
            let text = render(&ds);
            assert!(text.contains("section.html"), "{text}");
        }
        other => panic!("expected a template error, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&page).expect("kept"), before);
    assert!(site.public().join("old/hba1c/index.html").exists());
    assert_eq!(leftovers(site.root()), Vec::<String>::new());

    // A broken link is found by the checks, after every page was written.
    std::fs::remove_file(site.root().join("templates/section.html")).expect("rm");
    site.write(
        "content/articles/bp.md",
        "+++\ntitle = \"Measuring blood pressure\"\ndate = \"2026-04-01\"\n+++\nSee [gone](../nowhere/).\n",
    );
    assert!(praxis::build::build_to_disk(&site.options()).is_err());
    assert_eq!(std::fs::read_to_string(&page).expect("kept"), before);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn a_strict_build_with_warnings_leaves_no_temporary_folder() {
    let site = TestSite::new(SITE);
    let first = site.praxis(&["build", "-q"]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        crate::util::stderr(&first)
    );
    let page = site.public().join("articles/hba1c/index.html");
    let before = std::fs::read(&page).expect("page");
    // A picture from another server: a warning.
    site.write(
        "content/articles/asthma.md",
        "+++\ntitle = \"Inhaler technique\"\ndate = \"2025-01-01\"\n+++\n![](https://cdn.example/x.png)\n",
    );
    let strict = site.praxis(&["build", "--strict"]);
    assert_eq!(
        strict.status.code(),
        Some(1),
        "{}",
        crate::util::stderr(&strict)
    );
    assert!(crate::util::stderr(&strict).contains("was not changed"));
    assert_eq!(std::fs::read(&page).expect("kept"), before);
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

/// The clinic theme's head with the code stylesheet linked when some code
/// is highlighted: what `praxis build` has to know before any page renders.
const HEAD_WITH_CODE_CSS: &str =
    "{% if highlight_css %}<link rel=\"stylesheet\" href=\"{{ root_url }}syntax.css\">{% endif %}";

#[test]
fn whether_code_is_highlighted_is_the_same_streamed_however_the_fences_look() {
    // A fence with a known language inside an indented code block is no
    // code block: nothing is highlighted, though the text looks as if.
    let not_code = "+++\ntitle = \"Fences\"\ndate = \"2026-05-01\"\n+++\nText.\n\n    ```python\n    print(1)\n    ```\n";
    let plain_fence = "+++\ntitle = \"Fences\"\ndate = \"2026-05-01\"\n+++\n```\nplain\n```\n";
    let python = "+++\ntitle = \"Fences\"\ndate = \"2026-05-01\"\n+++\n```python\nprint(1)\n```\n";
    for (fences, highlighted) in [(not_code, false), (plain_fence, false), (python, true)] {
        // The site's only fence is in this page.
        let site = TestSite::new(&SITE.replace("```python\nprint(\"hba1c\")\n```\n", ""));
        site.write("templates/partials/head_extra.html", HEAD_WITH_CODE_CSS);
        site.write("content/articles/fences.md", fences);
        let out = tempfile::tempdir().expect("tempdir");
        let (memory, streamed) = both(&site.options(), WriteOptions::default(), out.path());
        assert_same(&memory, &streamed);
        let page = String::from_utf8_lossy(&streamed[Path::new("articles/fences/index.html")]);
        assert_eq!(page.contains("syntax.css"), highlighted, "{fences}\n{page}");
        assert_eq!(
            streamed.contains_key(Path::new("syntax.css")),
            highlighted,
            "{fences}"
        );
    }
}

#[test]
fn markdown_errors_stop_the_streamed_build_with_the_same_diagnostics() {
    let site = TestSite::new(SITE);
    site.write(
        "content/articles/links.md",
        "+++\ntitle = \"Links\"\ndate = \"2026-05-01\"\n+++\nSee [gone](@/articles/gone.md) and [bp](@/articles/bp.md#nowhere).\n",
    );
    let in_memory = match build(&site.options()) {
        Err(BuildError::Content(ds)) => render(&ds),
        other => panic!("expected errors, got {other:?}"),
    };
    assert!(in_memory.contains("articles/gone.md"), "{in_memory}");
    assert!(in_memory.contains("nowhere"), "{in_memory}");
    match build_staged(&site.options(), WriteOptions::default()) {
        Err(BuildError::Content(ds)) => assert_eq!(render(&ds), in_memory),
        Err(e) => panic!("expected the same errors, got {e}"),
        Ok(_) => panic!("expected the same errors, got a site"),
    }
    assert!(!site.public().exists(), "nothing published");
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

/// Three languages whose pages each show in several listings: a section
/// (paginated), tags, author pages (written and reviewed), the home page.
const LISTED: &str = r#"
-- praxis.toml --
title = "Listed"
base_url = "https://example.org"
default_language = "en"
languages = ["de", "fr"]
[authors.meier]
name = "Dr. Meier"
[authors.okafor]
name = "Dr. Okafor"
-- content/_index.md --
+++
title = "Home"
+++
-- content/articles/_index.md --
+++
title = "Articles"
paginate_by = 2
+++
-- content/articles/_index.de.md --
+++
title = "Artikel"
paginate_by = 2
+++
-- content/articles/_index.fr.md --
+++
title = "Articles FR"
paginate_by = 2
+++
"#;

/// A page of `LISTED` in `lang` (`""`: the default language).
fn listed_page(site: &TestSite, n: usize, lang: &str, title: &str) {
    let suffix = if lang.is_empty() {
        String::new()
    } else {
        format!(".{lang}")
    };
    site.write(
        &format!("content/articles/p{n}{suffix}.md"),
        &format!(
            "+++\ntitle = \"{title}\"\ndate = 2026-01-{:02}\ntags = [\"Asthma\", \"T{}\"]\n\
             authors = [\"meier\"]\nreviewed_by = [\"okafor\"]\nlast_reviewed = 2026-01-20\n+++\n\
             First paragraph of {title}.\n\nMore text.\n",
            n + 1,
            n % 3
        ),
    );
}

#[test]
fn listings_made_from_values_kept_per_language_equal_the_in_memory_build_and_follow_edits() {
    let site = TestSite::new(LISTED);
    for n in 0..5 {
        for lang in ["", "de", "fr"] {
            listed_page(&site, n, lang, &format!("Page {n} {lang}"));
        }
    }
    let out = tempfile::tempdir().expect("tempdir");
    let (memory, streamed) = both(&site.options(), WriteOptions::default(), out.path());
    assert_same(&memory, &streamed);
    let text = |files: &BTreeMap<PathBuf, Vec<u8>>, path: &str| {
        let bytes = files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("{path} in {:?}", files.keys().collect::<Vec<_>>()));
        String::from_utf8(bytes.clone()).expect("utf-8")
    };
    // Each language's listings show its own pages.
    let de_tag = text(&streamed, "de/tags/asthma/index.html");
    assert!(de_tag.contains("Page 3 de"), "{de_tag}");
    assert!(!de_tag.contains("Page 3 fr"), "{de_tag}");

    // A new title shows in every listing of the page, as in memory.
    listed_page(&site, 3, "de", "Renamed three");
    let out = tempfile::tempdir().expect("tempdir");
    let (memory, streamed) = both(&site.options(), WriteOptions::default(), out.path());
    assert_same(&memory, &streamed);
    for path in [
        "de/tags/asthma/index.html",
        "de/tags/t0/index.html",
        "de/authors/meier/index.html",
        "de/authors/okafor/index.html",
        "de/index.html",
    ] {
        let html = text(&streamed, path);
        assert!(html.contains("Renamed three"), "{path}: {html}");
        assert!(!html.contains("Page 3 de"), "{path}: {html}");
    }
    let pagers: String = ["de/articles/index.html", "de/articles/page/2/index.html"]
        .iter()
        .map(|p| text(&streamed, p))
        .collect();
    assert!(pagers.contains("Renamed three"), "{pagers}");
}

/// Builds `site` in memory and streaming, expecting both to fail; returns
/// the in-memory build's diagnostics after checking the streamed build's
/// are the same.
fn same_errors(site: &TestSite) -> String {
    let in_memory = match build(&site.options()) {
        Err(BuildError::Content(ds)) => render(&ds),
        other => panic!("expected errors, got {other:?}"),
    };
    match build_staged(&site.options(), WriteOptions::default()) {
        Err(BuildError::Content(ds)) => assert_eq!(render(&ds), in_memory),
        Err(e) => panic!("expected the same errors, got {e}"),
        Ok(_) => panic!("expected the same errors, got a site"),
    }
    in_memory
}

/// A long body, so that what is located far into it is past the front matter.
fn long_body(line: &str) -> String {
    (0..200)
        .map(|i| format!("Paragraph {i} of plain text about nothing in particular.\n\n"))
        .collect::<String>()
        + line
        + "\n\nThe end.\n"
}

#[test]
fn reports_located_deep_in_a_page_are_the_same_streamed() {
    // Broken links and images found by the checks after the page pass,
    // far into the body, with warnings located in the front matter.
    let site = TestSite::new(SITE);
    site.write(
        "content/articles/deep.md",
        &format!(
            "+++\ntitle = \"Inhaler technique\"\ndate = \"2026-05-01\"\n+++\n{}",
            long_body(
                "See [gone](../gone/), ![](missing.png), [here](#nowhere) and <a href=\"/nope/\">x</a>."
            )
        ),
    );
    let errors = same_errors(&site);
    for expected in [
        "../gone/",
        "missing.png",
        "#nowhere",
        "/nope/",
        "deep.md:405:",
    ] {
        assert!(errors.contains(expected), "{expected} in {errors}");
    }

    // An alias and a card image whose errors point at their first
    // occurrence, which (escaped in the front matter) is in the body.
    let site = TestSite::new(SITE);
    site.write(
        "content/articles/deep.md",
        &format!(
            "+++\ntitle = \"Deep\"\ndate = \"2026-05-01\"\naliases = [\"/articles/b\\u0070/\"]\n\"c\\u0061rd\" = \"nothing.png\"\n+++\n{}",
            long_body("Once at /articles/bp/, now with a card.")
        ),
    );
    let errors = same_errors(&site);
    for expected in ["alias `/articles/bp/`", "nothing.png", "deep.md:407:"] {
        assert!(errors.contains(expected), "{expected} in {errors}");
    }
}
