//! Site-wide outputs: tags, authors, pagination, feeds, sitemap, robots,
//! aliases, translations and the search index.

use crate::util::{TestSite, file};

const SITE: &str = r##"
-- praxis.toml --
title = "Test Practice"
base_url = "https://example.org"
default_language = "en"
languages = ["de", "fr", "nl"]
default_authors = ["doe"]

[authors.doe]
name = "Dr. Jane Doe"
credentials = "General practitioner"

[authors.roe]
name = "Dr. Richard Roe"
credentials = "Cardiologist"

[tags.diabetes]
label = { en = "Diabetes", de = "Zuckerkrankheit" }
hashtag = "#Type2Diabetes"
-- content/_index.md --
+++
title = "Home"
+++
-- content/articles/_index.md --
+++
title = "Articles"
paginate_by = 2
+++
-- content/articles/a.md --
+++
title = "Alpha"
date = 2026-01-10
updated = 2026-02-01
tags = ["Diabetes", "Lab values"]
reviewed_by = ["roe"]
last_reviewed = 2026-05-05
aliases = ["/old/alpha.html", "/alt/alpha/"]
+++
Alpha text about glucose.
-- content/articles/a.de.md --
+++
title = "Alpha DE"
date = 2026-01-10
tags = ["Diabetes"]
+++
Alpha auf Deutsch.
-- content/articles/a.fr.md --
+++
title = "Alpha FR"
date = 2026-01-10
+++
-- content/articles/a.nl.md --
+++
title = "Alpha NL"
date = 2026-01-10
+++
-- content/articles/b.md --
+++
title = "Beta"
date = 2026-03-01
tags = ["diabetes"]
authors = ["roe"]
+++
Beta text.
-- content/articles/c.md --
+++
title = "Gamma <script>"
date = 2025-12-01
description = "Tom & Jerry"
+++
Gamma text.
-- content/articles/lonely.de.md --
+++
title = "Nur Deutsch"
date = 2026-02-02
+++
A translation without an original stands alone.
"##;

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("invalid XML: {e}\n{text}"))
}

#[test]
fn tag_pages_list_their_articles_with_counts() {
    let built = TestSite::new(SITE).build();
    let tags = file(&built, "tags/index.html");
    assert!(tags.contains("href=\"/tags/diabetes/\""));
    assert!(tags.contains("href=\"/tags/lab-values/\""));
    let diabetes = file(&built, "tags/diabetes/index.html");
    assert!(diabetes.contains("Alpha") && diabetes.contains("Beta"));
    assert!(!diabetes.contains("Gamma"));
    // Beta (March) before Alpha (January)
    assert!(diabetes.find("Beta") < diabetes.find("Alpha"));
    let de = file(&built, "de/tags/diabetes/index.html");
    assert!(de.contains("Zuckerkrankheit"), "label in the page language");
    assert!(de.contains("Alpha DE"));
}

#[test]
fn author_pages_list_written_and_reviewed_articles() {
    let built = TestSite::new(SITE).build();
    let roe = file(&built, "authors/roe/index.html");
    assert!(roe.contains("Dr. Richard Roe") && roe.contains("Cardiologist"));
    assert!(roe.contains("Beta"), "written");
    assert!(roe.contains("Alpha"), "reviewed");
    let page = file(&built, "articles/b/index.html");
    assert!(
        page.contains("href=\"/authors/roe/\""),
        "author box links the author page"
    );
    assert!(built.output.text("authors/doe/index.html").is_some());
}

#[test]
fn pagination_makes_stable_pager_urls() {
    let built = TestSite::new(SITE).build();
    let first = file(&built, "articles/index.html");
    let second = file(&built, "articles/page/2/index.html");
    assert!(built.output.text("articles/page/3/index.html").is_none());
    // newest first: Beta, Alpha | Gamma
    assert!(first.contains("Beta") && first.contains("Alpha") && !first.contains("Gamma"));
    assert!(second.contains("Gamma") && !second.contains("Beta"));
    assert!(first.contains("href=\"/articles/page/2/\""));
    assert!(second.contains("href=\"/articles/\""));
}

#[test]
fn atom_feeds_are_valid_and_newest_first() {
    let built = TestSite::new(SITE).build();
    let text = file(&built, "atom.xml");
    let doc = xml(text);
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["id", "title", "updated"] {
        assert!(
            feed.children().any(|c| c.tag_name().name() == required),
            "feed {required}"
        );
    }
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    let titles: Vec<_> = entries
        .iter()
        .filter_map(|e| {
            e.children()
                .find(|c| c.tag_name().name() == "title")
                .and_then(|t| t.text())
        })
        .collect();
    assert_eq!(titles, ["Beta", "Alpha", "Gamma <script>"]);
    for e in &entries {
        for required in ["id", "title", "updated", "link"] {
            assert!(
                e.children().any(|c| c.tag_name().name() == required),
                "entry {required}"
            );
        }
    }
    // Alpha's updated is its last review, the latest of its dates.
    assert!(text.contains("<updated>2026-05-05T00:00:00Z</updated>"));
    assert!(text.contains("https://example.org/articles/a/"));
    // per language and per tag
    let de = xml(file(&built, "de/atom.xml"));
    assert_eq!(
        de.root_element()
            .attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("de")
    );
    let tag = file(&built, "tags/diabetes/atom.xml");
    xml(tag);
    assert!(tag.contains("Beta") && !tag.contains("Gamma"));
}

#[test]
fn sitemap_has_absolute_urls_lastmod_and_alternates() {
    let built = TestSite::new(SITE).build();
    let text = file(&built, "sitemap.xml");
    let doc = xml(text);
    let locs: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.iter().all(|l| l.starts_with("https://example.org/")));
    for url in [
        "https://example.org/articles/a/",
        "https://example.org/de/articles/a/",
        "https://example.org/tags/diabetes/",
    ] {
        assert!(locs.contains(&url), "{url}");
    }
    let alpha = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "url"
                && n.children()
                    .any(|c| c.text() == Some("https://example.org/articles/a/"))
        })
        .expect("alpha url");
    let lastmod = alpha
        .children()
        .find(|c| c.tag_name().name() == "lastmod")
        .and_then(|c| c.text());
    assert_eq!(lastmod, Some("2026-05-05"));
    let alternates: Vec<_> = alpha
        .children()
        .filter(|c| c.tag_name().name() == "link")
        .filter_map(|c| c.attribute("hreflang"))
        .collect();
    assert_eq!(alternates, ["en", "de", "fr", "nl"]);
    assert!(file(&built, "robots.txt").contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn aliases_redirect_to_the_page() {
    let built = TestSite::new(SITE).build();
    for path in ["old/alpha.html", "alt/alpha/index.html"] {
        let html = file(&built, path);
        assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/articles/a/\">"));
        assert!(html.contains("url=https://example.org/articles/a/"));
    }
}

#[test]
fn an_alias_over_a_page_is_an_error_naming_both() {
    let site = TestSite::new(SITE);
    site.write(
        "content/articles/d.md",
        "+++\ntitle = \"D\"\naliases = [\"/articles/b/\"]\n+++\n",
    );
    let ds = site.errors();
    let msg = crate::util::render(&ds);
    assert!(msg.contains("content/articles/d.md"), "{msg}");
    assert!(msg.contains("content/articles/b.md"), "{msg}");
    assert!(msg.contains("d.md:3:13:"), "points at the alias: {msg}");
}

#[test]
fn translations_link_each_other_both_ways() {
    let built = TestSite::new(SITE).build();
    let en = file(&built, "articles/a/index.html");
    let de = file(&built, "de/articles/a/index.html");
    for lang in ["de", "fr", "nl"] {
        assert!(en.contains(&format!("hreflang=\"{lang}\"")), "en → {lang}");
    }
    assert!(de.contains("hreflang=\"en\""), "de → en");
    assert!(en.contains("hreflang=\"x-default\""));
    let lonely = file(&built, "de/articles/lonely/index.html");
    assert!(lonely.contains("Nur Deutsch"));
}

#[test]
fn dates_are_written_the_way_each_language_does() {
    let built = TestSite::new(SITE).build();
    assert!(file(&built, "articles/a/index.html").contains("10 January 2026"));
    assert!(file(&built, "de/articles/a/index.html").contains("10. Januar 2026"));
    assert!(file(&built, "fr/articles/a/index.html").contains("10 janvier 2026"));
    assert!(file(&built, "nl/articles/a/index.html").contains("10 januari 2026"));
}

#[test]
fn search_index_lists_each_language_s_articles() {
    let built = TestSite::new(SITE).build();
    let v: serde_json::Value =
        serde_json::from_str(file(&built, "search-index.json")).expect("json");
    let items = v.as_array().expect("array");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["title"], "Beta");
    assert_eq!(items[1]["url"], "/articles/a/");
    assert_eq!(items[1]["tags"][0], "Diabetes");
    assert_eq!(items[1]["excerpt"], "Alpha text about glucose.");
    assert_eq!(items[2]["title"], "Gamma <script>");
    let de: serde_json::Value =
        serde_json::from_str(file(&built, "de/search-index.json")).expect("json");
    assert_eq!(de.as_array().map(Vec::len), Some(2));
    assert!(
        file(&built, "index.html").contains("search-index.json"),
        "the theme's search box uses it"
    );
}

#[test]
fn titles_are_escaped_everywhere() {
    let built = TestSite::new(SITE).build();
    for path in [
        "articles/c/index.html",
        "articles/page/2/index.html",
        "atom.xml",
    ] {
        let text = file(&built, path);
        assert!(!text.contains("Gamma <script>"), "{path}");
    }
}

#[test]
fn paginate_by_zero_is_an_error() {
    let site = TestSite::new(SITE);
    site.write(
        "content/articles/_index.md",
        "+++\ntitle = \"Articles\"\npaginate_by = 0\n+++\n",
    );
    let ds = site.errors();
    let d = ds.iter().next().expect("one error");
    assert_eq!(d.line, 3);
    assert!(d.message.contains("paginate_by"));
}

#[test]
fn missing_ui_strings_are_reported_and_fall_back_to_english() {
    let site = TestSite::new(
        "-- praxis.toml --\ntitle = \"T\"\nbase_url = \"https://e.org\"\ndefault_language = \"it\"\n-- content/a.md --\n+++\ntitle = \"A\"\n+++\n",
    );
    let built = site.build();
    let w: Vec<_> = built
        .diagnostics
        .iter()
        .filter(|d| d.code == "i18n")
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("`it`"));
    assert!(file(&built, "a/index.html").contains("<html lang=\"it\">"));
}
