//! `praxis serve` keeps going while the site's folder is disturbed: files
//! deleted while a rebuild reads them, a section folder renamed, an editor's
//! swap and backup files, and the output folder built and deleted by hand.

use std::time::Duration;

use crate::serve::{ARTICLE, SITE, Served, article, eventually};
use crate::util::TestSite;

/// The site's current state as the reload endpoint reports it.
fn state(s: &Served) -> serde_json::Value {
    s.wait("0")
}

/// Waits until the last rebuild succeeded and `check` holds for the site.
fn settles(s: &Served, what: &str, mut check: impl FnMut(&Served) -> bool) {
    eventually(what, || state(s)["error"].is_null() && check(s));
}

#[test]
fn files_deleted_while_a_rebuild_reads_them_are_survived() {
    let mut spec = SITE.to_owned();
    for i in 0..40 {
        spec.push_str(&format!(
            "-- content/articles/extra-{i}.md --\n+++\ntitle = \"Extra {i}\"\ndate = 2026-02-01\n+++\nText {i}.\n"
        ));
    }
    let site = TestSite::new(&spec);
    let s = Served::start(&site, &[]);
    assert_eq!(s.get("/articles/extra-0/").status, 200);
    // Each edit starts a rebuild; a file disappears a little later, at
    // different moments of it.
    for (round, delay) in [0u64, 5, 20, 50, 100, 200, 400, 10, 30, 70]
        .into_iter()
        .enumerate()
    {
        site.write(ARTICLE, &article(&format!("Edit {round}.")));
        std::thread::sleep(Duration::from_millis(delay));
        std::fs::remove_file(
            site.root()
                .join(format!("content/articles/extra-{round}.md")),
        )
        .expect("delete");
    }
    settles(&s, "the site without the deleted articles", |s| {
        s.get("/articles/extra-9/").status == 404
            && s.get("/articles/extra-10/").status == 200
            && s.get("/articles/hba1c/").body.contains("Edit 9.")
    });
    for i in 0..10 {
        assert_eq!(s.get(&format!("/articles/extra-{i}/")).status, 404, "{i}");
    }
    assert!(!s.get("/articles/").body.contains("Extra 3<"));
    // Files appearing and disappearing without pause for a few seconds: the
    // watcher rebuilds at least every two seconds meanwhile, so rebuilds
    // list files that are gone when they are read.
    let churn_until = std::time::Instant::now() + Duration::from_secs(5);
    let mut n = 0;
    while std::time::Instant::now() < churn_until {
        for i in 0..30 {
            site.write(
                &format!("content/articles/churn-{i}.md"),
                &format!("+++\ntitle = \"Churn {i}\"\n+++\nround {n}\n"),
            );
        }
        for i in 0..30 {
            let _ =
                std::fs::remove_file(site.root().join(format!("content/articles/churn-{i}.md")));
        }
        n += 1;
    }
    site.write(ARTICLE, &article("After the churn."));
    settles(&s, "the site after the churn", |s| {
        s.get("/articles/hba1c/").body.contains("After the churn.")
            && s.get("/articles/churn-0/").status == 404
    });
    // Errors of a moment (a file listed and then gone, one read half
    // written) are not reported: the rebuild after them tells.
    assert!(!s.stderr().contains("error"), "{}", s.stderr());
    // A whole folder deleted during a rebuild.
    site.write(ARTICLE, &article("Edit after the folder."));
    std::fs::remove_dir_all(site.root().join("content/articles")).expect("rmdir");
    settles(&s, "the site without the articles folder", |s| {
        s.get("/articles/hba1c/").status == 404 && s.get("/").status == 200
    });
    // And back.
    site.write(ARTICLE, &article("Back again."));
    settles(&s, "the article back", |s| {
        s.get("/articles/hba1c/").body.contains("Back again.")
    });
}

#[test]
fn a_renamed_section_folder_is_followed() {
    rename_section(&[]);
}

#[test]
fn a_renamed_section_folder_is_followed_with_polling() {
    rename_section(&["--poll"]);
}

fn rename_section(flags: &[&str]) {
    let site = TestSite::new(SITE);
    site.write(
        "content/articles/sub/deep.md",
        "+++\ntitle = \"Deep\"\n+++\nDeep text.\n",
    );
    let s = Served::start(&site, flags);
    assert_eq!(s.get("/articles/sub/deep/").status, 200);
    std::fs::rename(
        site.root().join("content/articles"),
        site.root().join("content/posts"),
    )
    .expect("rename");
    settles(&s, "the renamed section", |s| {
        s.get("/posts/hba1c/").status == 200 && s.get("/articles/hba1c/").status == 404
    });
    assert_eq!(s.get("/posts/sub/deep/").status, 200);
    // Edits inside the renamed folder, at any depth, and new files there.
    site.write(
        "content/posts/hba1c.md",
        &article("Edited after the rename."),
    );
    settles(&s, "the edit in the renamed folder", |s| {
        s.get("/posts/hba1c/")
            .body
            .contains("Edited after the rename.")
    });
    site.write(
        "content/posts/sub/deep.md",
        "+++\ntitle = \"Deep\"\n+++\nDeeper text.\n",
    );
    site.write(
        "content/posts/sub/new/index.md",
        "+++\ntitle = \"New\"\n+++\nNew text.\n",
    );
    settles(&s, "edits deeper in the renamed folder", |s| {
        s.get("/posts/sub/deep/").body.contains("Deeper text.")
            && s.get("/posts/sub/new/").body.contains("New text.")
    });
    // Renamed back.
    std::fs::rename(
        site.root().join("content/posts"),
        site.root().join("content/articles"),
    )
    .expect("rename back");
    site.write(
        "content/articles/sub/deep.md",
        "+++\ntitle = \"Deep\"\n+++\nDeepest.\n",
    );
    settles(&s, "the folder renamed back", |s| {
        s.get("/posts/hba1c/").status == 404
            && s.get("/articles/sub/deep/").body.contains("Deepest.")
    });
}

#[test]
fn editor_swap_and_backup_files_make_no_pages_and_no_errors() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);
    let before = state(&s)["gen"].clone();
    // Vim's save: probe the folder with 4913, move the file to its backup,
    // write the new file, delete the backup; its swap file stays open.
    let dir = site.root().join("content/articles");
    site.write(
        "content/articles/.hba1c.md.swp",
        "\u{0}b0VIM 9.0 binary junk",
    );
    site.write("content/articles/4913", "");
    std::fs::remove_file(dir.join("4913")).expect("rm 4913");
    std::fs::rename(dir.join("hba1c.md"), dir.join("hba1c.md~")).expect("backup");
    site.write(ARTICLE, &article("Saved from vim."));
    std::fs::remove_file(dir.join("hba1c.md~")).expect("rm backup");
    settles(&s, "the saved text", |s| {
        s.get("/articles/hba1c/").body.contains("Saved from vim.")
    });
    assert_ne!(state(&s)["gen"], before);
    // Leftovers that stay: Emacs lock and autosave files, a vim swap, a
    // backup, a 4913 that was not cleaned up, at the root and in static/.
    for leftover in [
        "content/articles/4913",
        "content/articles/#hba1c.md#",
        "content/articles/.#hba1c.md",
        "content/articles/hba1c.md~",
        "content/4913",
        "static/.notes.txt.swp",
        "static/notes.txt~",
        "static/4913",
        "4913",
        ".praxis.toml.swp",
    ] {
        site.write(leftover, "+++\ntitle = \n+++\nnot markdown at all {{ }}\n");
    }
    std::thread::sleep(Duration::from_millis(800));
    let after = state(&s);
    assert!(after["error"].is_null(), "{after}");
    for url in [
        "/articles/4913/",
        "/4913/",
        "/4913",
        "/notes.txt~",
        "/.notes.txt.swp",
        "/articles/hba1c.md~/",
    ] {
        assert_eq!(s.get(url).status, 404, "{url}");
    }
    let sitemap = s.get("/sitemap.xml").body;
    assert!(
        !sitemap.contains("4913") && !sitemap.contains('~'),
        "{sitemap}"
    );
    assert!(!s.stderr().contains("error"), "{}", s.stderr());
}

#[test]
fn the_output_folder_built_and_deleted_by_hand_does_not_disturb_serving() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);
    let before = state(&s);
    // `praxis build` next to the server writes public/ (through a hidden
    // temporary folder): no rebuild, no error.
    let built = site.praxis(&["build"]);
    assert_eq!(
        built.status.code(),
        Some(0),
        "{}",
        crate::util::stderr(&built)
    );
    assert!(site.public().join("index.html").is_file());
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(state(&s), before);
    // Deleted by hand: still served from memory.
    std::fs::remove_dir_all(site.public()).expect("rm public");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(state(&s), before);
    let page = s.get("/articles/hba1c/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("First version"));
    assert_eq!(s.get("/notes.txt").body, "plain notes\n");
    // Edits still rebuild, and a later build writes public/ again.
    site.write(ARTICLE, &article("After the output was deleted."));
    settles(&s, "the rebuild after deleting public/", |s| {
        s.get("/articles/hba1c/")
            .body
            .contains("After the output was deleted.")
    });
    let again = site.praxis(&["build"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        crate::util::stderr(&again)
    );
    let html = std::fs::read_to_string(site.public().join("articles/hba1c/index.html"))
        .expect("built page");
    assert!(html.contains("After the output was deleted."));
    assert!(!html.contains("__praxis"));
    assert!(!s.stderr().contains("error"), "{}", s.stderr());
}
