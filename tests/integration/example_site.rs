//! The example site builds and has what the demo promises.

use std::path::PathBuf;

use praxis::build::{BuildOptions, build};

use crate::util::file;

fn example() -> praxis::build::Built {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("example-site");
    match build(&BuildOptions::new(root)) {
        Ok(b) => b,
        Err(praxis::build::BuildError::Content(ds)) => panic!("{}", crate::util::render(&ds)),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn example_site_builds_with_every_kind_of_content() {
    let built = example();
    assert!(built.stats.pages >= 8, "{:?}", built.stats);
    let hba1c = file(&built, "artikel/hba1c/index.html");
    assert!(hba1c.contains("<html lang=\"de\">"));
    assert!(hba1c.contains("<table>"), "a table");
    assert!(hba1c.contains("footnote-definition"), "footnotes");
    let en = file(&built, "en/artikel/hba1c/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    let egfr = file(&built, "fachinfo/egfr-berechnen/index.html");
    assert!(
        egfr.contains("language-python") && egfr.contains("hl-"),
        "highlighted code"
    );
    assert!(
        built
            .output
            .paths()
            .any(|p| p.ends_with("asthma-inhalieren/inhalationstechnik.svg"))
    );
    assert!(
        built
            .output
            .text("artikel/entwurf-vitamin-d/index.html")
            .is_none(),
        "draft excluded"
    );
    for p in built.output.paths() {
        if let Some(html) = built.output.text(&p.display().to_string()) {
            assert!(!html.contains("(@/"), "unresolved link in {}", p.display());
        }
    }
}
