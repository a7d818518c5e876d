//! Bad input: every case is a clear error with file, line and column and a
//! hint, and the previous `public/` stays as it was.

use praxis::diagnostics::Diagnostic;

use crate::util::{TestSite, render};

const GOOD: &str = "-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\nHi.\n-- content/a/good.md --\n+++\ntitle = \"Good\"\n+++\n## Heading\n";

/// Builds GOOD to disk, breaks it with `write`, and returns the errors of the
/// next build after checking that public/ did not change.
fn break_with(write: impl FnOnce(&TestSite)) -> Vec<Diagnostic> {
    let site = TestSite::new(GOOD);
    praxis::build::build_to_disk(&site.options()).expect("good build");
    let page = site.public().join("a/good/index.html");
    let before = std::fs::read_to_string(&page).expect("page");
    write(&site);
    let ds = site.errors();
    assert!(
        praxis::build::build_to_disk(&site.options()).is_err(),
        "the disk build fails too"
    );
    assert_eq!(
        std::fs::read_to_string(&page).expect("kept"),
        before,
        "public/ untouched"
    );
    let listing: Vec<_> = std::fs::read_dir(site.root())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".praxis-tmp-") || n.contains(".praxis-old-"))
        .collect();
    assert!(listing.is_empty(), "no temporary folders left: {listing:?}");
    let v: Vec<Diagnostic> = ds.into_vec();
    assert!(!v.is_empty());
    for d in &v {
        assert!(
            d.hint.is_some(),
            "every error has a hint: {}",
            d.render(false)
        );
    }
    v
}

fn one(ds: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(
        ds.len(),
        1,
        "{}",
        ds.iter().map(|d| d.render(false)).collect::<String>()
    );
    &ds[0]
}

fn at(d: &Diagnostic, file: &str, line: usize, column: usize) {
    assert_eq!(
        (
            d.file.as_ref().map(|f| f.display().to_string()).as_deref(),
            d.line,
            d.column
        ),
        (Some(file), line, column),
        "{}",
        d.render(false)
    );
}

#[test]
fn invalid_toml_front_matter() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\ntags = [\"x\"\n+++\n",
        )
    });
    let d = one(&ds);
    assert_eq!(
        d.file.as_deref(),
        Some(std::path::Path::new("content/a/bad.md"))
    );
    assert!(d.line >= 3, "{}", d.render(false));
}

#[test]
fn invalid_yaml_front_matter() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "---\ntitle: A\ntags: [x\ndate: 2026-01-01\n---\n",
        )
    });
    let d = one(&ds);
    assert_eq!(
        d.file.as_deref(),
        Some(std::path::Path::new("content/a/bad.md"))
    );
    assert!(d.line >= 3, "{}", d.render(false));
}

#[test]
fn missing_title() {
    let ds = break_with(|s| s.write("content/a/bad.md", "+++\ndate = 2026-01-01\n+++\nText\n"));
    let d = one(&ds);
    assert!(d.message.contains("no title"));
    assert!(d.hint.as_deref().unwrap_or("").contains("title = "));
    assert_eq!(
        d.file.as_deref(),
        Some(std::path::Path::new("content/a/bad.md"))
    );
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\nreviewed-by = [\"doe\"]\n+++\n",
        )
    });
    let d = one(&ds);
    at(d, "content/a/bad.md", 3, 1);
    assert_eq!(d.message, "unknown key `reviewed-by`");
    assert!(d.hint.as_deref().unwrap_or("").contains("`reviewed_by`"));
}

#[test]
fn unknown_config_key() {
    let ds = break_with(|s| {
        s.write(
            "praxis.toml",
            &format!("disclamer = \"x\"\n{}", crate::util::CONFIG),
        )
    });
    let d = one(&ds);
    assert_eq!(d.file.as_deref(), Some(std::path::Path::new("praxis.toml")));
    assert_eq!((d.line, d.column), (1, 1));
    assert!(d.hint.as_deref().unwrap_or("").contains("`disclaimer`"));
}

#[test]
fn bad_date() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\nlast_reviewed = \"12.06.2026\"\n+++\n",
        )
    });
    let d = one(&ds);
    assert_eq!(d.line, 3);
    assert!(d.message.contains("is not a date"), "{}", d.message);
    assert!(
        d.hint.as_deref().unwrap_or("").contains("YYYY-MM-DD"),
        "{}",
        d.render(false)
    );
}

#[test]
fn impossible_date() {
    let ds = break_with(|s| s.write("content/a/bad.md", "---\ntitle: A\ndate: 2026-02-30\n---\n"));
    assert_eq!(one(&ds).line, 3);
}

#[test]
fn unclosed_front_matter() {
    let ds = break_with(|s| s.write("content/a/bad.md", "+++\ntitle = \"A\"\n\nBody text\n"));
    let d = one(&ds);
    at(d, "content/a/bad.md", 1, 1);
    assert!(d.message.contains("never closed"));
}

#[test]
fn invalid_utf8() {
    let ds = break_with(|s| s.write_bytes("content/a/bad.md", b"+++\ntitle = \"Caf\xe9\"\n+++\n"));
    let d = one(&ds);
    at(d, "content/a/bad.md", 2, 13);
    assert!(d.message.contains("UTF-8"));
}

#[test]
fn broken_internal_link() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\n+++\nSee [x](@/a/gods.md).\n",
        )
    });
    let d = one(&ds);
    at(d, "content/a/bad.md", 4, 9);
    assert!(d.message.contains("@/a/gods.md"));
    assert!(d.hint.as_deref().unwrap_or("").contains("a/good.md"));
}

#[test]
fn broken_anchor() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\n+++\n\nSee [x](@/a/good.md#headng).\n",
        )
    });
    let d = one(&ds);
    at(d, "content/a/bad.md", 5, 9);
    assert!(d.hint.as_deref().unwrap_or("").contains("`heading`"));
}

#[test]
fn link_to_a_draft_says_so() {
    let ds = break_with(|s| {
        s.write(
            "content/a/wip.md",
            "+++\ntitle = \"W\"\ndraft = true\n+++\n",
        );
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\n+++\n[w](@/a/wip.md)\n",
        );
    });
    assert!(one(&ds).message.contains("draft"));
}

#[test]
fn missing_template() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\ntemplate = \"special.html\"\n+++\n",
        )
    });
    let d = one(&ds);
    assert!(d.message.contains("special.html"), "{}", d.render(false));
    assert!(
        d.message.contains("content/a/bad.md"),
        "names the page: {}",
        d.message
    );
}

#[test]
fn template_syntax_error_names_file_and_line() {
    let ds = break_with(|s| {
        s.write(
            "templates/page.html",
            "<html>\n<body>\n{{ page.title }\n</body>\n",
        )
    });
    let d = one(&ds);
    assert_eq!(
        d.file.as_deref(),
        Some(std::path::Path::new("templates/page.html"))
    );
    assert_eq!(d.line, 3, "{}", d.render(false));
    assert!(d.message.contains("syntax"));
}

#[test]
fn template_render_error_names_template_and_page() {
    let ds = break_with(|s| {
        s.write(
            "templates/page.html",
            "<p>\n{{ page.no_such_field }}\n</p>\n",
        )
    });
    let d = one(&ds);
    assert_eq!(
        d.file.as_deref(),
        Some(std::path::Path::new("templates/page.html"))
    );
    assert_eq!(d.line, 2, "{}", d.render(false));
    assert!(d.message.contains("content/a/good.md"), "{}", d.message);
}

#[test]
fn two_pages_with_one_output_path() {
    let ds = break_with(|s| {
        s.write(
            "content/a/other.md",
            "+++\ntitle = \"B\"\nslug = \"good\"\n+++\n",
        )
    });
    let d = one(&ds);
    assert!(
        d.message.contains("content/a/good.md") && d.message.contains("content/a/other.md"),
        "{}",
        d.message
    );
    assert!(d.message.contains("a/good/index.html"));
}

#[test]
fn unknown_author_key() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\nauthors = [\"dow\"]\n+++\n",
        )
    });
    let d = one(&ds);
    at(d, "content/a/bad.md", 3, 1);
    assert!(d.hint.as_deref().unwrap_or("").contains("`doe`"));
}

#[test]
fn language_not_listed() {
    let ds = break_with(|s| s.write("content/a/good.fr.md", "+++\ntitle = \"Bon\"\n+++\n"));
    let d = one(&ds);
    assert!(d.message.contains("`fr`"));
    assert!(d.hint.as_deref().unwrap_or("").contains("en, de"));
}

#[test]
fn next_review_before_last_review() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\nlast_reviewed = 2026-06-01\nnext_review = 2026-01-01\n+++\n",
        )
    });
    at(one(&ds), "content/a/bad.md", 4, 1);
}

#[test]
fn review_interval_must_be_an_interval() {
    let ds = break_with(|s| {
        s.write(
            "content/a/bad.md",
            "+++\ntitle = \"A\"\nreview_interval = \"soon\"\n+++\n",
        )
    });
    let d = one(&ds);
    assert_eq!(d.line, 3);
    assert!(d.message.contains("is not an interval"), "{}", d.message);
    assert!(d.hint.as_deref().unwrap_or("").contains("12 months"));
}

#[test]
fn several_broken_files_are_reported_in_one_run() {
    let ds = break_with(|s| {
        s.write(
            "content/a/b1.md",
            "+++\ntitle = \"A\"\ntitel = \"x\"\n+++\n",
        );
        s.write("content/a/b2.md", "---\ntitle: [\n---\n");
        s.write("content/a/b3.md", "+++\ntitle = \"C\"\n");
        s.write(
            "content/a/b4.md",
            "+++\ntitle = \"D\"\nauthors = [\"nobody\"]\n+++\n",
        );
    });
    let files: std::collections::BTreeSet<_> = ds
        .iter()
        .filter_map(|d| d.file.as_ref().map(|f| f.display().to_string()))
        .collect();
    for f in [
        "content/a/b1.md",
        "content/a/b2.md",
        "content/a/b3.md",
        "content/a/b4.md",
    ] {
        assert!(
            files.contains(f),
            "{f} missing from:\n{}",
            ds.iter().map(|d| d.render(false)).collect::<String>()
        );
    }
}

#[test]
fn missing_config_and_content_are_clear() {
    let dir = tempfile::tempdir().expect("tmp");
    let err =
        praxis::build::build(&praxis::build::BuildOptions::new(dir.path())).expect_err("no site");
    let text = match err {
        praxis::build::BuildError::Content(ds) => render(&ds),
        e => e.to_string(),
    };
    assert!(text.contains("no praxis.toml"), "{text}");
    assert!(text.contains("praxis init"), "{text}");
}
