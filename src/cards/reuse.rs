//! Taking a rebuild's unchanged share cards from the last build as they were.
//!
//! Saving one article's body in `praxis serve` changes at most that page's
//! card, yet the card stage used to make, for each of the site's 10,000
//! cards, its target path, memo keys and a cache look-up. Within one assembly
//! of the site ([`crate::content::TextKeys::assembly`]: the configuration,
//! the file list and every front matter as they were) a page's card text is
//! a function of its rendered Markdown, whose fingerprint names it; with the
//! same design (drawer inputs, UI strings) and an untouched cache folder, a
//! page whose fingerprint is unchanged gets the very output entry it got
//! last time. Everything else (another assembly, a new design, a folder
//! someone cleaned, a home card, a card that could not be cached) takes the
//! full path, so the output is the same as a fresh build's.

use std::path::PathBuf;

use crate::incremental::Key;

/// One format's cards as the last build handed them out, by page index.
pub(crate) struct Stage {
    /// The assembly, design and UI strings the cards were made with.
    key: Key,
    pages: Vec<Option<Entry>>,
}

/// A page's card as the last build handed it out.
pub(crate) struct Entry {
    /// The fingerprint of the page's rendered Markdown.
    fingerprint: u64,
    /// The card's output path and its PNG in the cache folder.
    output: PathBuf,
    file: PathBuf,
    /// The card's entries in [`crate::incremental::Memo::cards`], kept for
    /// the next build that cannot take the whole stage.
    keys: [Key; 2],
}

impl Stage {
    pub(crate) fn new(key: Key, pages: usize) -> Stage {
        let mut v = Vec::new();
        v.resize_with(pages, || None);
        Stage { key, pages: v }
    }

    /// The previous stage, when it was made under `key`.
    pub(crate) fn matching(prev: Option<Stage>, key: Key) -> Option<Stage> {
        prev.filter(|s| s.key == key)
    }

    /// Takes page `index`'s card if its rendered Markdown is unchanged.
    pub(crate) fn take(&mut self, index: usize, fingerprint: u64) -> Option<Entry> {
        let slot = self.pages.get_mut(index)?;
        if slot.as_ref()?.fingerprint != fingerprint {
            return None;
        }
        slot.take()
    }

    /// Records page `index`'s card for the next build.
    pub(crate) fn put(&mut self, index: usize, entry: Entry) {
        if let Some(slot) = self.pages.get_mut(index) {
            *slot = Some(entry);
        }
    }
}

impl Entry {
    pub(crate) fn new(fingerprint: u64, output: PathBuf, file: PathBuf, keys: [Key; 2]) -> Entry {
        Entry {
            fingerprint,
            output,
            file,
            keys,
        }
    }

    pub(crate) fn output(&self) -> &PathBuf {
        &self.output
    }

    pub(crate) fn file(&self) -> &PathBuf {
        &self.file
    }

    pub(crate) fn keys(&self) -> [Key; 2] {
        self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fp: u64) -> Entry {
        Entry::new(fp, "cards/a.png".into(), "c/k.png".into(), [1, 2])
    }

    #[test]
    fn a_card_is_taken_only_with_its_fingerprint_and_only_once() {
        let mut s = Stage::new(7, 2);
        s.put(0, entry(10));
        s.put(5, entry(10)); // beyond the pages: ignored
        assert!(s.take(0, 11).is_none());
        assert_eq!(s.take(0, 10).map(|e| e.keys()), Some([1, 2]));
        assert!(s.take(0, 10).is_none());
        assert!(s.take(1, 10).is_none());
        assert!(Stage::matching(Some(Stage::new(7, 1)), 8).is_none());
        assert!(Stage::matching(Some(Stage::new(7, 1)), 7).is_some());
    }
}
