//! A rebuild keeps the output files whose bytes did not change (same inode,
//! same modification time) and writes the rest, including files edited in
//! `public/` since the last build; a broken manifest only costs the links.

#![cfg(unix)]

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use praxis::build::build_to_disk;

use crate::util::TestSite;

const SITE: &str = r#"
-- content/_index.md --
+++
title = "Home"
+++
Welcome.
-- content/articles/hba1c.md --
+++
title = "HbA1c explained"
description = "What the long-term sugar value means"
date = 2026-03-01
+++
The first version.
-- content/articles/bp.md --
+++
title = "Measuring blood pressure"
description = "At home, seated, twice"
date = 2026-04-01
+++
Sit down first.
"#;

/// Inode and modification time (ns) of an output file.
fn id(site: &TestSite, rel: &str) -> (u64, i64, i64) {
    let m = std::fs::metadata(site.public().join(rel)).expect("stat");
    (m.ino(), m.mtime(), m.mtime_nsec())
}

fn read(site: &TestSite, rel: &str) -> String {
    std::fs::read_to_string(site.public().join(rel)).expect("read")
}

const BP: &str = "articles/bp/index.html";
const HBA1C: &str = "articles/hba1c/index.html";

#[test]
fn an_unchanged_page_keeps_its_file_and_a_changed_one_gets_a_new_one() {
    let site = TestSite::new(SITE);
    build_to_disk(&site.options()).expect("first build");
    let bp = id(&site, BP);
    let hba1c = id(&site, HBA1C);
    let bp_text = read(&site, BP);

    site.write(
        "content/articles/hba1c.md",
        "+++\ntitle = \"HbA1c explained\"\ndescription = \"What the long-term sugar value means\"\ndate = 2026-03-01\n+++\nThe second version.\n",
    );
    build_to_disk(&site.options()).expect("second build");
    assert_eq!(id(&site, BP), bp, "an unchanged page is kept as it was");
    assert_eq!(read(&site, BP), bp_text);
    assert_ne!(id(&site, HBA1C).0, hba1c.0);
    assert!(read(&site, HBA1C).contains("The second version."));

    // Built with `--minify`, nothing is kept, and nothing is remembered.
    let o = site.praxis(&["build", "-q", "--minify", "--today", "2026-11-24"]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::util::stderr(&o));
    let minified = id(&site, BP);
    let manifests = site.root().join(praxis::output::kept::CACHE_DIR);
    let left = std::fs::read_dir(&manifests).map_or(0, |d| d.count());
    assert_eq!(left, 0, "a minified build leaves no manifest");
    assert_ne!(minified.0, bp.0);
    build_to_disk(&site.options()).expect("build after --minify");
    assert_ne!(id(&site, BP).0, minified.0);
    assert_eq!(read(&site, BP), bp_text);
}

#[test]
fn a_page_edited_in_public_is_written_again() {
    let site = TestSite::new(SITE);
    build_to_disk(&site.options()).expect("first build");
    let built = read(&site, BP);
    // The same length, so only the modification time tells.
    let edited = built.replacen("Sit down first.", "SIT DOWN FIRST.", 1);
    assert_eq!(edited.len(), built.len());
    std::fs::write(site.public().join(BP), &edited).expect("edit in place");
    // A replaced file (another inode with the built bytes and time) too.
    let other = site.root().join("copy.html");
    std::fs::copy(site.public().join(HBA1C), &other).expect("copy");
    let hba1c = std::fs::metadata(site.public().join(HBA1C)).expect("stat");
    std::fs::remove_file(site.public().join(HBA1C)).expect("rm");
    std::fs::rename(&other, site.public().join(HBA1C)).expect("mv");
    let f = std::fs::File::options()
        .write(true)
        .open(site.public().join(HBA1C))
        .expect("open");
    f.set_modified(hba1c.modified().expect("mtime"))
        .expect("touch");
    drop(f);
    let replaced = id(&site, HBA1C);

    build_to_disk(&site.options()).expect("rebuild");
    assert_eq!(read(&site, BP), built, "the built page, not the edit");
    assert_ne!(
        id(&site, HBA1C).0,
        replaced.0,
        "not linked to the replacement"
    );
}

#[test]
fn a_garbage_or_torn_manifest_does_not_break_the_build() {
    let site = TestSite::new(SITE);
    build_to_disk(&site.options()).expect("first build");
    let dir = site.root().join(praxis::output::kept::CACHE_DIR);
    let manifests: Vec<_> = std::fs::read_dir(&dir)
        .expect("manifests")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(manifests.len(), 1, "{manifests:?}");
    let manifest = &manifests[0];
    let text = std::fs::read(manifest).expect("read");

    let bp = read(&site, BP);
    for broken in [
        text[..text.len() / 2].to_vec(),
        b"\xff\xfe\x00garbage\nend 3 zz\n".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(manifest, &broken).expect("break");
        build_to_disk(&site.options()).expect("a broken manifest is no error");
        assert_eq!(read(&site, BP), bp);
    }
    // A folder where the manifest should be: still a build.
    std::fs::remove_file(manifest).expect("rm");
    std::fs::create_dir_all(manifest.join("x")).expect("mkdir");
    build_to_disk(&site.options()).expect("an unusable manifest path is no error");
    assert_eq!(read(&site, BP), bp);
    assert!(Path::new(manifest).is_dir());
}
