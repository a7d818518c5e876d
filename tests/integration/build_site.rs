//! Builds of small fixture sites, asserting on the HTML a reader gets.

use crate::util::{TestSite, file};

const SITE: &str = r#"
-- content/_index.md --
+++
title = "Home"
+++
Welcome to the practice.
-- content/articles/_index.md --
+++
title = "Articles"
description = "For patients"
+++
-- content/articles/hba1c.md --
+++
title = "HbA1c explained"
description = "What the long-term sugar value means"
date = 2026-03-01
last_reviewed = 2026-06-12
reviewed_by = ["roe"]
tags = ["Diabetes", "Lab values"]
+++
First paragraph about HbA1c.

<!-- more -->

## Target values

### For most adults

Text. See [blood pressure](@/articles/bp.md#how-to-measure) and the [bundle](@/articles/asthma/index.md).

## Target values

```python
def egfr(scr):
    return 142 * scr
```
-- content/articles/hba1c.de.md --
+++
title = "HbA1c erklärt"
date = 2026-03-01
+++
Der Langzeitzuckerwert.

## Zielwerte für HbA1c
-- content/articles/bp.md --
---
title: Measuring blood pressure
date: 2026-04-01
authors: [roe]
---
## How to measure

Sit down.
-- content/articles/draft.md --
+++
title = "Unfinished"
draft = true
+++
Not yet.
-- content/articles/asthma/index.md --
+++
title = "Inhaler technique"
date = 2025-01-01
+++
![Five steps of inhaler use](steps.svg)
-- content/articles/asthma/steps.svg --
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>
-- static/robots-extra.txt --
hello
"#;

#[test]
fn pages_sections_and_home_are_written() {
    let site = TestSite::new(SITE);
    let built = site.build();
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("<title>HbA1c explained"));
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("What the long-term sugar value means"));
    let section = file(&built, "articles/index.html");
    assert!(section.contains("Articles"));
    assert!(section.contains("href=\"/articles/hba1c/\""));
    let home = file(&built, "index.html");
    assert!(home.contains("Welcome to the practice."));
    assert!(
        home.contains("HbA1c explained"),
        "home lists recent articles"
    );
    assert!(file(&built, "404.html").contains("<html"));
    assert!(built.output.paths().any(|p| p.ends_with("style.css")));
    assert!(
        built
            .output
            .paths()
            .any(|p| p.ends_with("robots-extra.txt"))
    );
}

#[test]
fn headings_get_unique_ids_and_a_toc() {
    let built = TestSite::new(SITE).build();
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("<h2 id=\"target-values\">"));
    assert!(page.contains("<h2 id=\"target-values-1\">"));
    assert!(page.contains("<h3 id=\"for-most-adults\">"));
    assert!(
        page.contains("href=\"#for-most-adults\""),
        "the TOC links the sub-heading"
    );
    let de = file(&built, "de/articles/hba1c/index.html");
    assert!(de.contains("id=\"zielwerte-für-hba1c\""));
}

#[test]
fn internal_links_resolve_to_urls() {
    let built = TestSite::new(SITE).build();
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("href=\"/articles/bp/#how-to-measure\""));
    assert!(page.contains("href=\"/articles/asthma/\""));
    assert!(!page.contains("@/"));
}

#[test]
fn code_is_highlighted_with_classes_and_one_stylesheet() {
    let built = TestSite::new(SITE).build();
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("<pre class=\"code\"><code class=\"language-python\">"));
    assert!(page.contains("<span class=\"hl-"));
    assert!(file(&built, "syntax.css").contains(".hl-"));
    // The default theme colours code itself (an AA palette for light and
    // dark); a site links syntax.css by overriding one partial.
    assert!(!page.contains("syntax.css"));
    let site = TestSite::new(SITE);
    site.write(
        "templates/partials/head_extra.html",
        "{% if highlight_css %}<link rel=\"stylesheet\" href=\"{{ root_url }}syntax.css\">{% endif %}",
    );
    let built = site.build();
    assert!(file(&built, "articles/hba1c/index.html").contains("href=\"/syntax.css\""));
}

#[test]
fn bundle_assets_are_copied_beside_the_page() {
    let site = TestSite::new(SITE);
    praxis::build::build_to_disk(&site.options()).expect("build");
    let svg = site.public().join("articles/asthma/steps.svg");
    assert!(svg.is_file());
    let html =
        std::fs::read_to_string(site.public().join("articles/asthma/index.html")).expect("page");
    assert!(html.contains("src=\"steps.svg\""));
    assert!(html.contains("alt=\"Five steps of inhaler use\""));
}

#[test]
fn drafts_are_excluded_unless_asked_for() {
    let site = TestSite::new(SITE);
    let built = site.build();
    assert!(built.output.text("articles/draft/index.html").is_none());
    assert!(!file(&built, "articles/index.html").contains("Unfinished"));
    let mut opts = site.options();
    opts.drafts = true;
    let with = praxis::build::build(&opts).expect("build with drafts");
    assert!(with.output.text("articles/draft/index.html").is_some());
}

#[test]
fn translations_get_language_urls_and_link_each_other() {
    let built = TestSite::new(SITE).build();
    let de = file(&built, "de/articles/hba1c/index.html");
    assert!(de.contains("<html lang=\"de\">"));
    assert!(de.contains("1. März 2026"), "dates in German");
    let en = file(&built, "articles/hba1c/index.html");
    assert!(en.contains("hreflang=\"de\""));
    assert!(en.contains("/de/articles/hba1c/"));
    assert!(de.contains("hreflang=\"en\""));
}

#[test]
fn authors_and_reviewers_show_with_credentials() {
    let built = TestSite::new(SITE).build();
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("Dr. Jane Doe"), "default author");
    assert!(page.contains("General practitioner"));
    assert!(page.contains("Dr. Richard Roe"), "reviewer");
    assert!(page.contains("12 June 2026"), "last reviewed date");
    let bp = file(&built, "articles/bp/index.html");
    assert!(bp.contains("Dr. Richard Roe"));
}

#[test]
fn base_url_with_a_sub_path_prefixes_every_link() {
    let site = TestSite::new(SITE);
    let mut opts = site.options();
    opts.base_url = Some("https://user.github.io/blog/".into());
    let built = praxis::build::build(&opts).expect("build");
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("href=\"/blog/articles/bp/#how-to-measure\""));
    assert!(page.contains("href=\"/blog/style.css\""));
    assert!(page.contains("https://user.github.io/blog/articles/hba1c/"));
    assert!(
        !page.contains("href=\"/articles/"),
        "no link escapes the sub-path"
    );
}

#[test]
fn a_site_template_overrides_the_theme_by_name() {
    let site = TestSite::new(SITE);
    site.write(
        "templates/page.html",
        "<!DOCTYPE html><html lang=\"{{ lang }}\"><title>{{ page.title }}</title><p>custom {{ page.reading_time }} min</p>{{ page.content | safe }}</html>",
    );
    let built = site.build();
    let page = file(&built, "articles/hba1c/index.html");
    assert!(page.contains("<p>custom 1 min</p>"));
    assert!(
        file(&built, "articles/index.html").contains("Articles"),
        "other templates stay"
    );
}

#[test]
fn summaries_come_from_the_more_marker() {
    let site = TestSite::new(SITE);
    site.write(
        "templates/section.html",
        "{% for p in section.pages %}[{{ p.title }}|{{ p.summary | default(value='') | safe }}]{% endfor %}",
    );
    let built = site.build();
    let listing = file(&built, "articles/index.html");
    assert!(listing.contains("[HbA1c explained|<p>First paragraph about HbA1c.</p>\n]"));
    // sorted newest first: bp (2026-04) before hba1c (2026-03) before asthma (2025)
    let (bp, hb, as_) = (
        listing.find("Measuring").unwrap_or(usize::MAX),
        listing.find("HbA1c explained").unwrap_or(usize::MAX),
        listing.find("Inhaler").unwrap_or(usize::MAX),
    );
    assert!(bp < hb && hb < as_, "{listing}");
}

#[test]
fn a_failed_build_leaves_public_untouched_and_a_good_one_replaces_it() {
    let site = TestSite::new(SITE);
    praxis::build::build_to_disk(&site.options()).expect("first build");
    let index = site.public().join("articles/hba1c/index.html");
    let before = std::fs::read_to_string(&index).expect("page");

    site.write(
        "content/articles/broken.md",
        "+++\ntitle = \"x\"\ndate = \"soon\"\n+++\n",
    );
    assert!(praxis::build::build_to_disk(&site.options()).is_err());
    assert_eq!(
        std::fs::read_to_string(&index).expect("still there"),
        before
    );

    std::fs::remove_file(site.root().join("content/articles/broken.md")).expect("rm");
    std::fs::remove_file(site.root().join("content/articles/bp.md")).expect("rm");
    site.write(
        "content/articles/hba1c.md",
        "+++\ntitle = \"HbA1c, revised\"\n+++\nNew.\n",
    );
    praxis::build::build_to_disk(&site.options()).expect("rebuild");
    assert!(
        std::fs::read_to_string(&index)
            .expect("page")
            .contains("HbA1c, revised")
    );
    assert!(
        !site.public().join("articles/bp/index.html").exists(),
        "no stale pages"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("ls")
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.contains(".praxis-tmp-") || n.contains(".praxis-old-")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn nothing_is_loaded_from_another_origin() {
    let built = TestSite::new(SITE).build();
    for path in [
        "index.html",
        "articles/hba1c/index.html",
        "articles/index.html",
        "404.html",
    ] {
        let html = file(&built, path);
        for bad in ["src=\"http", "src=\"//", "href=\"//", "@import"] {
            assert!(!html.contains(bad), "{path} contains {bad}");
        }
        assert!(
            !html.contains("<link rel=\"stylesheet\" href=\"http"),
            "{path}"
        );
    }
}
