//! `praxis import`: real-shaped sources (a WordPress export, a Hugo site, a
//! Jekyll site, a Quarto project) come in, the imported site builds, and
//! `praxis check` reports nothing the import report did not list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{praxis_in, stderr};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// (file, code) of every diagnostic in a JSON report.
fn findings(json: &str) -> BTreeSet<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_owned(),
                d["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Imports with `args` into a new site; returns the site, the report's
/// findings and the import's standard error.
fn import(args: &[&str]) -> (tempfile::TempDir, BTreeSet<(String, String)>, String) {
    let site = tempfile::tempdir().expect("tempdir");
    let report = site.path().join("import-report.json");
    let mut all: Vec<&str> = vec!["import"];
    all.extend_from_slice(args);
    let into = site.path().to_string_lossy().into_owned();
    let rep = report.to_string_lossy().into_owned();
    all.extend_from_slice(&["--into", &into, "--report", &rep]);
    let out = praxis_in(Path::new(env!("CARGO_MANIFEST_DIR")), &all);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "import failed:\n{err}");
    let json = std::fs::read_to_string(&report).expect("report written");
    std::fs::remove_file(&report).expect("remove report");
    (site, findings(&json), err)
}

/// The imported site builds, and `praxis check` finds only what the report listed.
fn builds_and_checks_as_reported(site: &Path, reported: &BTreeSet<(String, String)>) {
    let out = praxis_in(site, &["build", "--today", "2026-11-24"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "build failed:\n{}",
        stderr(&out)
    );
    let out = praxis_in(
        site,
        &["check", "--format", "json", "--today", "2026-11-24"],
    );
    let json = String::from_utf8_lossy(&out.stdout).into_owned();
    let found = findings(&json);
    let unlisted: Vec<_> = found.difference(reported).collect();
    assert!(
        unlisted.is_empty(),
        "praxis check found what the import report did not list: {unlisted:?}\ncheck: {json}\nreport: {reported:?}"
    );
}

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn quarto_project_imports_with_bibliographies_and_a_malformed_one_reported() {
    let src = fixture("quarto");
    let (site, reported, err) = import(&["markdown", &src.to_string_lossy()]);
    let root = site.path();
    // The malformed .bib is reported with file and line, and the import went on.
    assert!(
        err.contains("broken-refs/broken.bib:6:1:"),
        "no file:line for the bad bibliography:\n{err}"
    );
    assert!(err.contains("imported 5 articles"), "{err}");
    let statins = read(root, "content/posts/2023-01-10-statins/index.md");
    assert!(
        statins.contains("bibliography = \"references.bib\""),
        "{statins}"
    );
    assert!(statins.contains("authors = [\"jane-doe\"]"), "{statins}");
    assert!(statins.contains("updated = 2023-02-01"), "{statins}");
    assert!(
        statins.contains("subtitle = \"What the trials show\""),
        "{statins}"
    );
    assert!(
        statins.contains("[@jupiter2008]"),
        "citations stay as written"
    );
    assert!(
        statins.contains("(@/posts/bp.md)"),
        "links between files become @/ links"
    );
    // A bibliography beside a post that cites it, not named in its front matter.
    assert!(read(root, "content/posts/bp.md").contains("bibliography = \"sprint.json\""));
    assert!(
        read(root, "content/posts/2023-03-02-broken-refs/index.md").contains("\\[@bischoff2009]")
    );
    let note = read(root, "content/notes/obsidian-note.md");
    assert!(
        note.contains(
            "[blood pressure targets](@/posts/bp.md), [2023-01-10-statins](@/posts/2023-01-10-statins/index.md#trials), ![chart](../../posts/2023-01-10-statins/chart.png) and [[Not written yet]]"
        ),
        "{note}"
    );
    assert!(
        err.contains("obsidian-note.md:8: `[[Not written yet]]` points at no imported note"),
        "{err}"
    );
    let config = read(root, "praxis.toml");
    assert!(
        config
            .contains("[authors.jane-doe]\nname = \"Jane Doe\"\naffiliation = \"Charité Berlin\""),
        "{config}"
    );
    builds_and_checks_as_reported(root, &reported);
    let page = read(root, "public/posts/2023-01-10-statins/index.html");
    assert!(
        // Sentence case on an English page, as Pandoc's citeproc does.
        page.contains("Rosuvastatin to prevent vascular events"),
        "reference list rendered"
    );

    // A second import writes nothing over the first and says so.
    let before = read(root, "content/posts/bp.md");
    let out = praxis_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "import",
            "markdown",
            &src.to_string_lossy(),
            "--into",
            &root.to_string_lossy(),
        ],
    );
    let err = stderr(&out);
    assert!(
        err.contains("content/posts/bp.md already exists and was not overwritten"),
        "{err}"
    );
    assert_eq!(read(root, "content/posts/bp.md"), before);
    let config_after = read(root, "praxis.toml");
    assert_eq!(config_after, config, "no author is added twice");
}

#[test]
fn wordpress_export_imports_every_case_and_reports_what_needs_attention() {
    let dir = fixture("wordpress");
    let export = dir.join("export.xml");
    let uploads = dir.join("uploads");
    let (site, reported, err) = import(&[
        "wordpress",
        &export.to_string_lossy(),
        "--uploads",
        &uploads.to_string_lossy(),
    ]);
    let root = site.path();
    assert!(
        err.contains("imported 22 articles, 4 of them drafts, 2 author(s) added to praxis.toml, 3 file(s) copied, 3 item(s) skipped"),
        "{err}"
    );
    let codes: BTreeSet<&str> = reported.iter().map(|(_, c)| c.as_str()).collect();
    for code in [
        "shortcode",
        "html",
        "encoding",
        "title",
        "duplicate-slug",
        "draft",
        "skipped",
        "embed",
        "script",
        "uploads",
        "description",
        "alt-text",
    ] {
        assert!(
            codes.contains(code),
            "the report lists no `{code}`: {reported:?}"
        );
    }
    // Messages name what happened and where.
    assert!(err.contains("export.xml:202: broken HTML in post “Opening hours over Easter” (id 107): `<div>` is never closed"), "{err}");
    assert!(
        err.contains("shortcode [gallery] kept as raw HTML"),
        "{err}"
    );
    assert!(
        err.contains("written as content/posts/flu-vaccine-2.md"),
        "{err}"
    );
    assert!(
        err.contains(
            "post “Travel vaccinations” (id 113) was pending in WordPress; imported as a draft"
        ),
        "{err}"
    );

    // Authors, front matter, Markdown.
    let config = read(root, "praxis.toml");
    assert!(
        config.contains("[authors.jdoe]\nname = \"Dr. Jane Doe\""),
        "{config}"
    );
    let metformin = read(root, "content/posts/metformin.md");
    for want in [
        "title = \"Metformin: how to take it\"",
        "description = \"How to start metformin and what to expect.\"",
        "date = 2024-01-15",
        "updated = 2024-02-20",
        "authors = [\"jdoe\"]",
        "tags = [\"Diabetes\", \"Medicines\"]",
        "aliases = [\"/2024/01/15/metformin/\"]",
        "## Dosage",
        "- Take it with food.",
        "| 1    | 500 mg  |",
        "> Never stop it on your own.",
        "[extra.wordpress_meta]\nreading_level = \"easy\"",
    ] {
        assert!(metformin.contains(want), "no {want:?} in:\n{metformin}");
    }
    assert!(!metformin.contains("wp:"), "Gutenberg comments removed");
    let welcome = read(root, "content/posts/welcome.md");
    assert!(welcome.contains("\n<!-- more -->\n"), "{welcome}");
    let most_read = read(root, "content/posts/most-read.md");
    assert!(
        most_read.contains("[our welcome post](@/posts/welcome.md)"),
        "{most_read}"
    );
    assert!(
        most_read.contains("(@/posts/metformin.md#dosage)"),
        "?p= links resolve: {most_read}"
    );
    let ecg = read(root, "content/posts/ecg.md");
    assert!(
        ecg.contains("![A normal ECG strip](../../uploads/2024/01/ecg-strip-300x200.png)"),
        "{ecg}"
    );
    assert!(root.join("static/uploads/2024/01/ecg-strip.png").is_file());
    let open_day = read(root, "content/posts/open-day.md");
    assert!(open_day.contains("<span class=\"wp-shortcode\" data-shortcode=\"gallery\">&#91;gallery ids=\"301,302,303\" columns=\"3\"&#93;</span>"), "{open_day}");
    assert!(
        read(root, "content/posts/inhaler.md")
            .contains("[Inhaler technique](https://www.youtube-nocookie.com/embed/abc123)")
    );
    assert!(read(root, "content/posts/sleep-and-blood-pressure.md").contains("draft = true"));
    assert!(
        read(root, "content/posts/rueckenschmerzen.md")
            .contains("title = \"Rückenschmerzen: was hilft?\"")
    );
    assert!(read(root, "content/posts/hay-fever.md").contains("title = \"Hay fever & allergies\""));
    assert!(read(root, "content/posts/flu-season.md").contains("caf\u{fffd} au lait"));
    assert!(read(root, "content/posts/109.md").contains("title = \"Untitled post 109\""));
    assert!(!read(root, "content/posts/book-online.md").contains("<script"));

    builds_and_checks_as_reported(root, &reported);
    // Old permalinks keep working.
    let redirect = read(root, "public/2024/01/15/metformin/index.html");
    assert!(
        redirect.contains("url=https://praxis-old.example/posts/metformin/"),
        "{redirect}"
    );
    let page = read(root, "public/posts/metformin/index.html");
    assert!(page.contains("<table>"), "the table renders");
}

#[test]
fn hugo_site_maps_front_matter_refs_and_permalinks() {
    let src = fixture("hugo");
    let (site, reported, err) = import(&["hugo", &src.to_string_lossy()]);
    let root = site.path();
    assert!(
        err.contains("imported 5 articles, 1 of them drafts, 2 section page(s)"),
        "{err}"
    );
    assert!(
        err.contains("links.md:10: shortcode `tweet` kept as raw HTML"),
        "{err}"
    );
    assert!(
        err.contains("links.md:12: `ref` to `deleted-post` points at no imported page"),
        "{err}"
    );
    let hba1c = read(root, "content/posts/hba1c.md");
    for want in [
        "updated = 2022-01-20",
        "tags = [\"lab values\", \"Diabetes\"]",
        "aliases = [\"/old/hba1c.html\", \"/2021/03/hba1c/\"]",
        "[inhaler technique](@/posts/asthma/index.md)",
        "[its steps](@/posts/asthma/index.md#steps)",
        "![Logo](../../images/logo.png)",
        "series = [\"Lab basics\"]",
    ] {
        assert!(hba1c.contains(want), "no {want:?} in:\n{hba1c}");
    }
    let asthma = read(root, "content/posts/asthma/index.md");
    assert!(
        asthma.contains("![An inhaler with a spacer](inhaler.png)"),
        "{asthma}"
    );
    assert!(root.join("content/posts/asthma/inhaler.png").is_file());
    assert!(read(root, "content/about.md").contains("aliases = [\"/about-us/\"]"));
    builds_and_checks_as_reported(root, &reported);
    assert!(
        root.join("public/2021/03/hba1c/index.html").is_file(),
        "old permalink redirects"
    );
    assert!(
        root.join("public/posts/good-links/index.html").is_file(),
        "slug kept"
    );
}

#[test]
fn jekyll_site_maps_posts_drafts_liquid_links_and_permalinks() {
    let src = fixture("jekyll");
    let (site, reported, err) = import(&["jekyll", &src.to_string_lossy()]);
    let root = site.path();
    assert!(
        err.contains("imported 4 articles, 1 of them drafts, 1 section page(s)"),
        "{err}"
    );
    assert!(
        err.contains("2020-01-15-flu-shots.md:19: Liquid tag `include` kept as written"),
        "{err}"
    );
    let flu = read(root, "content/posts/flu-shots.md");
    for want in [
        "date = 2020-01-15",
        "description = \"Who benefits most from the flu vaccine.\"",
        "tags = [\"vaccination\", \"flu\", \"health\", \"news\"]",
        "aliases = [\"/health/news/2020/01/15/flu-shots/\"]",
        "![Chart](../../assets/img/chart.png)",
        "[about me](@/about.md)",
        "[the blood pressure post](@/posts/blood-pressure.md)",
        "```python\nprint(\"book now\")\n```",
    ] {
        assert!(flu.contains(want), "no {want:?} in:\n{flu}");
    }
    let bp = read(root, "content/posts/blood-pressure.md");
    assert!(bp.contains("updated = 2020-03-01"), "{bp}");
    assert!(
        bp.contains("aliases = [\"/bp/\", \"/2020/02/01/blood-pressure/\"]"),
        "{bp}"
    );
    assert!(read(root, "content/posts/salt.md").contains("draft = true"));
    assert!(root.join("static/assets/img/chart.png").is_file());
    builds_and_checks_as_reported(root, &reported);
    assert!(
        root.join("public/bp/index.html").is_file(),
        "redirect_from becomes an alias"
    );
}

#[test]
fn unreadable_sources_fail_with_a_clear_message_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("cut-off.xml");
    std::fs::write(
        &bad,
        "<?xml version=\"1.0\"?>\n<rss>\n<channel>\n<item><title>A</title>\n",
    )
    .expect("write");
    let site = dir.path().join("site");
    let out = praxis_in(
        dir.path(),
        &[
            "import",
            "wordpress",
            &bad.to_string_lossy(),
            "--into",
            &site.to_string_lossy(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cut-off.xml:") && err.contains("is not well-formed XML"),
        "{err}"
    );
    assert!(err.contains("hint: export again from WordPress"), "{err}");
    assert!(!site.exists(), "nothing written for an unreadable export");

    let out = praxis_in(dir.path(), &["import", "wordpress", "missing.xml"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = praxis_in(dir.path(), &["import", "hugo", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has no content/ folder"),
        "{}",
        stderr(&out)
    );
    let out = praxis_in(dir.path(), &["import", "jekyll", "."]);
    assert!(
        stderr(&out).contains("is not a Jekyll site"),
        "{}",
        stderr(&out)
    );
}
