//! A panic while rendering one page becomes an error for that page.
//!
//! Markdown and templates are rendered by other crates; a bug there must not
//! take the whole build down (nor `praxis serve` with it). [`guarded`] runs
//! one page's work under `catch_unwind` and turns a panic into an error
//! diagnostic that names the page's file and asks for a bug report.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Runs `work` for `file`; a panic in it becomes an `internal` error
/// “internal error while {doing} {file}”.
pub fn guarded<T>(file: &Path, doing: &str, work: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    // The work only reads shared state (the site, the memo's locks recover
    // from poisoning), so nothing half-updated is seen after a panic.
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Diagnostic::error(
            "internal",
            format!("internal error while {doing} {}: {why}", file.display()),
        )
        .in_file(file)
        .with_hint(
            "this is a bug in praxis, not necessarily in your file: please report it with this \
             file attached; the other pages were rendered",
        )
    })
}

/// In unit tests only: panics when `text` contains `marker`, so tests can
/// check that a panic in one page's rendering is contained.
#[cfg(test)]
pub fn test_panic_on(text: &str, marker: &str) {
    assert!(!text.contains(marker), "deliberate test panic ({marker})");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_file() {
        let d = guarded(Path::new("content/a/boom.md"), "rendering", || -> u8 {
            panic!("index out of bounds")
        })
        .expect_err("panicked");
        assert!(d.is_error());
        assert_eq!(d.code, "internal");
        assert_eq!(d.file.as_deref(), Some(Path::new("content/a/boom.md")));
        assert_eq!(
            d.message,
            "internal error while rendering content/a/boom.md: index out of bounds"
        );
        assert!(d.hint.as_deref().unwrap_or("").contains("please report"));
    }

    #[test]
    fn formatted_panics_keep_their_message_and_work_that_succeeds_passes_through() {
        let n = 7;
        let d = guarded(Path::new("x.md"), "rendering", || -> u8 {
            panic!("bad {n}")
        })
        .expect_err("panicked");
        assert!(d.message.ends_with(": bad 7"), "{}", d.message);
        assert_eq!(guarded(Path::new("x.md"), "rendering", || 5), Ok(5));
    }

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        dir
    }

    fn build_errors(dir: &Path) -> Vec<Diagnostic> {
        let opts = crate::build::BuildOptions {
            card_cache: None,
            citation_cache: None,
            draw_cards: false,
            ..crate::build::BuildOptions::new(dir)
        };
        match crate::build::build(&opts) {
            Err(crate::build::BuildError::Content(ds)) => ds
                .into_vec()
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect(),
            other => panic!("expected content errors, got {:?}", other.map(|b| b.stats)),
        }
    }

    const CONFIG: &str = "title = \"T\"\nbase_url = \"https://example.org\"\n";

    /// Builds a site whose page `boom.md` panics in `stage` and asserts the
    /// build fails with exactly one internal error naming that page.
    fn one_internal_error(boom: &str, stage: &str) {
        let dir = site(&[
            ("praxis.toml", CONFIG),
            ("content/a/fine.md", "+++\ntitle = \"Fine\"\n+++\nText.\n"),
            ("content/a/boom.md", boom),
        ]);
        let errors = build_errors(dir.path());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].file.as_deref(),
            Some(Path::new("content/a/boom.md"))
        );
        let expected = format!("internal error while rendering the {stage} of content/a/boom.md");
        assert!(
            errors[0].message.starts_with(&expected),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_markdown_panic_fails_only_that_page() {
        one_internal_error(
            "+++\ntitle = \"Boom\"\n+++\nPRAXIS-TEST-PANIC-MARKDOWN\n",
            "Markdown",
        );
    }

    #[test]
    fn a_template_panic_fails_only_that_page() {
        one_internal_error(
            "+++\ntitle = \"PRAXIS-TEST-PANIC-TEMPLATE\"\n+++\nText.\n",
            "template",
        );
    }
}
