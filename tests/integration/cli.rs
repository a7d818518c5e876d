//! The binary: exit codes, messages, init and new.

use crate::util::{TestSite, praxis_in, stderr};

#[test]
fn init_creates_a_site_that_builds_at_once() {
    for lang in ["en", "de", "fr", "nl"] {
        let tmp = tempfile::tempdir().expect("tmp");
        let o = praxis_in(tmp.path(), &["init", "site", "--lang", lang]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = praxis_in(tmp.path(), &["build", "--root", "site"]);
        assert!(o.status.success(), "{lang}: {}", stderr(&o));
        let home =
            std::fs::read_to_string(tmp.path().join("site/public/index.html")).expect("home");
        assert!(home.contains(&format!("<html lang=\"{lang}\">")));
        let again = praxis_in(tmp.path(), &["init", "site"]);
        assert_eq!(
            again.status.code(),
            Some(1),
            "init refuses an existing site"
        );
        assert!(stderr(&again).contains("already contains a site"));
    }
}

#[test]
fn init_rejects_an_unknown_language() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = praxis_in(tmp.path(), &["init", "x", "--lang", "tlh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("en, de, fr or nl"));
}

#[test]
fn new_creates_an_article_with_front_matter() {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"H\"\n+++\n");
    let o = site.praxis(&[
        "new",
        "articles/vitamin-d",
        "--title",
        "Vitamin D: \"who needs it?\"",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(site.root().join("content/articles/vitamin-d.md"))
        .expect("created");
    assert!(text.contains("title = \"Vitamin D: \\\"who needs it?\\\"\""));
    assert!(text.contains("authors = [\"doe\"]"));
    assert!(text.contains("last_reviewed = 20"));
    let o = site.praxis(&["build"]);
    assert!(o.status.success(), "the new article builds: {}", stderr(&o));
    let o = site.praxis(&["new", "articles/vitamin-d"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"));
    let o = site.praxis(&["new", "../escape"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn build_errors_exit_1_and_print_locations() {
    let site = TestSite::new("-- content/a.md --\n+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n");
    let o = site.praxis(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: content/a.md:3:1: unknown key `titel`"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(err.contains("public was not changed"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let site = TestSite::new("");
    assert_eq!(
        site.praxis(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(site.praxis(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn write_failure_exits_3_and_keeps_nothing_half_written() {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"H\"\n+++\n");
    // The output's parent is a file: nothing can be written there.
    site.write("blocker", "x");
    let o = site.praxis(&["build", "--output", "blocker/public"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("blocker"));
}

#[test]
fn strict_fails_on_warnings() {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"H\"\n+++\n");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/hostname", site.root().join("content/link.txt"))
            .expect("symlink");
        let o = site.praxis(&["build"]);
        assert!(o.status.success());
        assert!(stderr(&o).contains("symbolic links are not followed"));
        std::fs::remove_dir_all(site.public()).expect("rm public");
        let o = site.praxis(&["build", "--strict"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            !site.public().exists(),
            "--strict writes nothing when it fails"
        );
    }
}
