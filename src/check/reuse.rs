//! Taking a rebuild's unchanged pages' own findings from the last build.
//!
//! The checks of a page's own text (readability, alt text, meaning traps…)
//! are kept by the rebuild memo under a key of everything they read; on a
//! 10,000-page site, making those keys and looking them up was most of a
//! one-article rebuild's check stage. Within one assembly of the site
//! ([`crate::content::TextKeys::assembly`]: the configuration, the file list
//! and every front matter as they were), only texts change, so a page whose
//! text hash is unchanged has, at the same position, the findings it had.
//! Its links are still checked against this build's pages.

use std::sync::Arc;

use super::PageFindings;

/// The last build's findings of each page and section file, in the order
/// the checks list them.
pub(crate) struct Stage {
    assembly: u64,
    /// The hash of what every page's checks share (the configuration).
    shared: u64,
    pages: Vec<Option<Kept>>,
}

/// One file's findings, the hash of its text and its memo key.
pub(crate) struct Kept {
    pub(crate) text_key: u64,
    pub(crate) key: u64,
    pub(crate) findings: Arc<PageFindings>,
}

impl Stage {
    pub(crate) fn new(assembly: u64, shared: u64, pages: Vec<Option<Kept>>) -> Stage {
        Stage {
            assembly,
            shared,
            pages,
        }
    }

    /// Whether this stage was made for the same assembly (never the
    /// unnumbered one), shared inputs and number of files.
    pub(crate) fn matches(&self, assembly: u64, shared: u64, files: usize) -> bool {
        assembly != 0
            && self.assembly == assembly
            && self.shared == shared
            && self.pages.len() == files
    }

    /// File `index`'s findings, if its text is unchanged.
    pub(crate) fn get(&self, index: usize, text_key: u64) -> Option<&Kept> {
        self.pages
            .get(index)?
            .as_ref()
            .filter(|k| k.text_key == text_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_taken_for_the_same_assembly_and_text_only() {
        let found = Arc::new(PageFindings::default());
        let kept = |text_key| {
            Some(Kept {
                text_key,
                key: 9,
                findings: found.clone(),
            })
        };
        let s = Stage::new(3, 4, vec![kept(1), None]);
        assert!(s.matches(3, 4, 2));
        assert!(!s.matches(0, 4, 2) && !s.matches(5, 4, 2));
        assert!(!s.matches(3, 5, 2) && !s.matches(3, 4, 3));
        assert_eq!(s.get(0, 1).map(|k| k.key), Some(9));
        assert!(s.get(0, 2).is_none());
        assert!(s.get(1, 1).is_none());
        assert!(s.get(2, 1).is_none());
    }
}
