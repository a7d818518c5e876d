//! Which cached card each card's inputs gave last time, kept beside the
//! card cache so that a build in a new process need not lay out a card
//! (measure, break and hyphenate its text, fill the template) only to learn
//! that its PNG is already cached.
//!
//! A line per card: the hash of everything the card is made from (the
//! drawer's inputs and what the card's text is made from, see
//! `Texts::text_key`) and the cache key of the SVG they gave. The file is only trusted by the very binary
//! that wrote it (its version, size and modification time head the file),
//! because a new layout may turn the same inputs into another card. An entry
//! is used only while its PNG is in the cache; a missing, foreign or
//! unreadable index only costs the layout.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::incremental::Key;

pub struct InputIndex {
    file: Option<PathBuf>,
    known: HashMap<Key, String>,
}

use crate::cache_identity::identity;

impl InputIndex {
    /// Reads the index of one card format from the cache folder, if any.
    pub fn load(cache: Option<&Path>, name: &str) -> InputIndex {
        let file = cache.map(|d| d.join(format!("inputs-{name}.tsv")));
        let mut known = HashMap::new();
        if let Some(text) = file.as_ref().and_then(|f| std::fs::read_to_string(f).ok()) {
            let mut lines = text.lines();
            if lines.next() == Some(identity().as_str()) {
                for line in lines {
                    if let Some((k, key)) = line.split_once('\t')
                        && let Ok(k) = Key::from_str_radix(k, 16)
                    {
                        known.insert(k, key.to_owned());
                    }
                }
            }
        }
        InputIndex { file, known }
    }

    /// The cache key these inputs gave last time.
    pub fn get(&self, inputs: Key) -> Option<&str> {
        self.known.get(&inputs).map(String::as_str)
    }

    /// Keeps `pairs` (inputs, cache key) as the index, when they differ from
    /// what was read. Written aside and renamed, so a killed build leaves
    /// the old index or the new one.
    pub fn store(&self, pairs: &[(Key, &str)]) {
        let Some(file) = &self.file else {
            return;
        };
        if pairs.len() == self.known.len()
            && pairs
                .iter()
                .all(|(k, key)| self.known.get(k).is_some_and(|v| v == key))
        {
            return;
        }
        let mut text = identity();
        text.push('\n');
        for (k, key) in pairs {
            let _ = writeln!(text, "{k:x}\t{key}");
        }
        crate::cache_identity::store(file, text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_reads_back_for_the_same_binary() {
        let t = tempfile::tempdir().expect("tempdir");
        let empty = InputIndex::load(Some(t.path()), "og");
        assert_eq!(empty.get(7), None);
        empty.store(&[(7, "abc"), (0xfeed, "def")]);
        let read = InputIndex::load(Some(t.path()), "og");
        assert_eq!((read.get(7), read.get(0xfeed)), (Some("abc"), Some("def")));
        // Another binary (or version) wrote it: not trusted.
        let f = t.path().join("inputs-og.tsv");
        let text = std::fs::read_to_string(&f).expect("index");
        std::fs::write(&f, text.replacen("praxis", "praxis-old", 1)).expect("write");
        assert_eq!(InputIndex::load(Some(t.path()), "og").get(7), None);
    }
}
