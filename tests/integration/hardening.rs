//! Hardening: pathological Markdown builds or fails cleanly with output in
//! proportion to its input, and a killed build never leaves a partial site.

use praxis::build::{BuildError, build};

use crate::util::{TestSite, file};

/// Builds a site whose one article has `body` as its text; returns the
/// article's HTML, or the rendered errors when the build failed cleanly.
fn build_article(body: &str) -> Result<String, String> {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\n");
    site.write(
        "content/a/big.md",
        &format!("+++\ntitle = \"Big\"\ndescription = \"A pathological article.\"\n+++\n{body}"),
    );
    let opts = praxis::build::BuildOptions {
        card_cache: None,
        ..site.options()
    };
    match build(&opts) {
        Ok(built) => Ok(file(&built, "a/big/index.html").to_owned()),
        Err(BuildError::Content(ds)) => Err(crate::util::render(&ds)),
        Err(e) => Err(e.to_string()),
    }
}

/// The work done is in proportion to the input: the page is at most `factor`
/// times the body plus the page's frame.
fn assert_proportional(html: &str, body: &str, factor: usize) {
    let frame = 64 * 1024;
    assert!(
        html.len() <= body.len() * factor + frame,
        "{} bytes of HTML from {} bytes of Markdown",
        html.len(),
        body.len()
    );
}

#[test]
fn ten_thousand_nested_list_levels() {
    let body = format!("{}deepest\n", "- ".repeat(10_000));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("deepest"));
    assert_proportional(&html, &body, 20);
}

#[test]
fn ten_thousand_nested_block_quotes() {
    let body = format!("{}deepest\n", "> ".repeat(10_000));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("deepest"));
    assert_proportional(&html, &body, 20);
}

#[test]
fn a_megabyte_of_open_brackets() {
    let body = format!("{}end\n", "[".repeat(1 << 20));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("[[[[[[[[end"));
    assert_proportional(&html, &body, 2);
}

#[test]
fn a_hundred_thousand_backticks() {
    let body = format!(
        "{}code\n\n{}\n",
        "`".repeat(100_000),
        "``a` ".repeat(20_000)
    );
    let html = build_article(&body).expect("builds");
    assert!(html.contains("code"));
    assert_proportional(&html, &body, 10);
}

/// The Markdown stage alone on a 10 MB line (a whole debug build of it spends
/// seconds per megabyte in the page checks, which are linear too; the next
/// test builds a whole site with a 1 MB line).
#[test]
fn a_ten_megabyte_line_renders() {
    use praxis::markdown::{Input, Resolved, Settings, render};
    let text = format!("{}LAST\n", "wort ".repeat(2 * 1024 * 1024));
    let resolve = |_: &str| -> Result<Resolved<String>, (String, String)> {
        Err(("no links here".into(), String::new()))
    };
    let rendered = render(
        &Input {
            text: &text,
            body_offset: 0,
            file: std::path::Path::new("content/big.md"),
        },
        Settings {
            smart_punctuation: true,
            highlight_code: true,
        },
        &resolve,
        None,
    );
    assert!(rendered.diagnostics.is_empty());
    assert_eq!(rendered.word_count, 2 * 1024 * 1024 + 1);
    assert!(rendered.html.ends_with("wort LAST</p>\n"), "one paragraph");
    assert_proportional(&rendered.html, &text, 2);
}

#[test]
fn a_one_megabyte_line_builds() {
    let body = format!("{}LAST\n", "wort ".repeat(200 * 1024));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("wort wort LAST"));
    assert_proportional(&html, &body, 2);
}

#[test]
fn a_large_article() {
    let mut body = String::new();
    for i in 0..4_000 {
        body.push_str(&format!(
            "## Section {i}\n\nThe HbA1c target in part {i} is *individual*; see [the good page](@/_index.md) \
             and `code {i}`.\n\n- item one of {i}\n- item two\n\n> a quote {i}\n\n"
        ));
    }
    let html = build_article(&body).expect("builds");
    assert!(
        html.contains("id=\"section-3999\""),
        "every heading rendered"
    );
    assert_proportional(&html, &body, 6);
}
