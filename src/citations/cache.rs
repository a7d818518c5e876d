//! Formatted references and citation markers kept between builds, in
//! `.praxis-cache/citations/`.
//!
//! Formatting one reference with the CSL engine costs about as much as
//! rendering a short article's Markdown, and a site formats each of its
//! entries once per language in every build. For styles that number by first
//! citation the text of an entry depends only on the entry, the style and the
//! language (see [`super::SharedEntries`]), and a marker only on the numbers
//! and locators it shows, so a build can take both from the previous one.
//!
//! One file per language: the identity of the binary that wrote it (see
//! [`crate::cache_identity`]), a hash of the style, and the entries (by a
//! hash of the entry's fields) and markers formatted. A file written by
//! another binary or for another style is ignored, an entry whose fields
//! changed gets another hash, and an entry not cited in a build is not
//! written back; deleting the folder only costs the formatting.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hayagriva::Entry;
use serde::{Deserialize, Serialize};

use super::{Bibliography, FormattedEntry, MarkerCache, MarkerKey};
use crate::incremental::KeyHasher;

/// The folder in the site root.
pub const CACHE_DIR: &str = ".praxis-cache/citations";

/// What one language's file holds.
#[derive(Serialize, Deserialize)]
struct Stored {
    identity: String,
    style: u64,
    entries: Vec<(u64, FormattedEntry)>,
    markers: Vec<(MarkerKey, String)>,
}

/// One language's formatted entries and markers from the last build.
pub struct Persisted {
    file: PathBuf,
    style: u64,
    english: bool,
    entries: HashMap<u64, FormattedEntry>,
    /// The markers read, until [`Persisted::fill`] hands them on.
    markers: Vec<(MarkerKey, String)>,
    markers_read: usize,
}

/// A hash of everything an entry is formatted from.
pub(super) fn entry_key(e: &Entry) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    e.hash(&mut h);
    h.finish()
}

/// A hash of a style: its name for a built-in one (the binary's identity
/// covers its text), else the bytes of its file.
pub fn style_key(style: &crate::config::CitationStyle, root: &Path) -> u64 {
    let mut h = KeyHasher::new();
    match style {
        crate::config::CitationStyle::Builtin(name) => h.str("builtin").str(name),
        crate::config::CitationStyle::CslFile(f) => h
            .str("file")
            .bytes(&std::fs::read(root.join(f)).unwrap_or_default()),
    };
    h.finish()
}

impl Persisted {
    /// Reads the file of `lang` from `dir`; a missing, unreadable or foreign
    /// file gives an empty cache.
    pub fn load(dir: &Path, lang: &str, style: u64) -> Persisted {
        let locale = super::locale_for(lang);
        let file = dir.join(format!("{}.json", locale.0));
        let stored = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
            .filter(|s| s.style == style && s.identity == crate::cache_identity::identity());
        let (entries, markers) = stored.map_or_else(Default::default, |s| {
            (s.entries.into_iter().collect(), s.markers)
        });
        Persisted {
            file,
            style,
            english: locale.0 == "en" || locale.0.starts_with("en-"),
            entries,
            markers_read: markers.len(),
            markers,
        }
    }

    /// Fills `slots` (one per entry of `bib`) and `markers` with what the
    /// last build formatted.
    pub fn fill(
        &mut self,
        bib: &Bibliography,
        slots: &[OnceLock<FormattedEntry>],
        markers: &MarkerCache,
    ) {
        for (i, slot) in slots.iter().enumerate() {
            if let Some(f) = bib
                .entry_key(i, self.english)
                .and_then(|k| self.entries.get(&k))
            {
                let _ = slot.set(f.clone());
            }
        }
        if let Ok(mut known) = markers.write() {
            known.extend(std::mem::take(&mut self.markers));
        }
    }

    /// Writes back what this build formatted, when it formatted anything new.
    pub fn store(
        &self,
        bib: &Bibliography,
        slots: &[OnceLock<FormattedEntry>],
        markers: &MarkerCache,
    ) {
        let entries: Vec<(u64, FormattedEntry)> = slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| {
                let f = slot.get()?;
                Some((bib.entry_key(i, self.english)?, f.clone()))
            })
            .collect();
        let Ok(known) = markers.read() else {
            return;
        };
        let same_entries = entries.len() == self.entries.len()
            && entries.iter().all(|(k, _)| self.entries.contains_key(k));
        if same_entries && known.len() == self.markers_read {
            return;
        }
        let mut markers: Vec<(MarkerKey, String)> =
            known.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        markers.sort();
        let stored = Stored {
            identity: crate::cache_identity::identity(),
            style: self.style,
            entries,
            markers,
        };
        if let Ok(bytes) = serde_json::to_vec(&stored) {
            crate::cache_identity::store(&self.file, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    const BIB: &str = "@article{a2020, author = {Smith, Ann}, title = {One}, journal = {J}, year = {2020}}\n\
                       @article{b2021, author = {Jones, Bo}, title = {Two}, journal = {J}, year = {2021}}\n";

    fn bib(dir: &Path, text: &str) -> Bibliography {
        std::fs::write(dir.join("refs.bib"), text).expect("write");
        let mut ds = Diagnostics::new();
        let b = Bibliography::load(dir, &["refs.bib".into()], &mut ds);
        assert!(!ds.has_errors());
        b
    }

    fn entry(html: &str) -> FormattedEntry {
        FormattedEntry {
            label_html: Some("1.".into()),
            html: html.into(),
            plain: html.into(),
            links: String::new(),
        }
    }

    fn slots(n: usize) -> Vec<OnceLock<FormattedEntry>> {
        (0..n).map(|_| OnceLock::new()).collect()
    }

    /// Stores entry 0 as `html` and a marker, then loads into fresh slots.
    fn round_trip(
        dir: &Path,
        b: &Bibliography,
        style: u64,
        reload_style: u64,
    ) -> Vec<Option<String>> {
        let cache = dir.join("cache");
        let mut p = Persisted::load(&cache, "en", style);
        let (s, m) = (slots(b.len()), MarkerCache::default());
        p.fill(b, &s, &m);
        let _ = s[0].set(entry("Smith A. One."));
        if let Ok(mut m) = m.write() {
            m.insert(vec![(1, String::new())], "[1]".into());
        }
        p.store(b, &s, &m);
        let mut q = Persisted::load(&cache, "en", reload_style);
        let (s, m) = (slots(b.len()), MarkerCache::default());
        q.fill(b, &s, &m);
        let marker = m
            .read()
            .ok()
            .and_then(|m| m.get(&vec![(1, String::new())]).cloned());
        s.iter()
            .map(|e| e.get().map(|e| e.html.clone()))
            .chain([marker])
            .collect()
    }

    #[test]
    fn entries_and_markers_come_back_for_the_same_style() {
        let t = tempfile::tempdir().expect("tempdir");
        let b = bib(t.path(), BIB);
        assert_eq!(
            round_trip(t.path(), &b, 7, 7),
            vec![Some("Smith A. One.".into()), None, Some("[1]".into())]
        );
    }

    #[test]
    fn another_style_or_binary_or_a_broken_file_starts_empty() {
        let t = tempfile::tempdir().expect("tempdir");
        let b = bib(t.path(), BIB);
        assert_eq!(round_trip(t.path(), &b, 7, 8), vec![None, None, None]);
        let file = t.path().join("cache/en-US.json");
        let text = std::fs::read_to_string(&file).expect("stored");
        std::fs::write(&file, text.replacen("praxis ", "praxis-old ", 1)).expect("write");
        let mut p = Persisted::load(&t.path().join("cache"), "en", 7);
        let s = slots(b.len());
        p.fill(&b, &s, &MarkerCache::default());
        assert!(s[0].get().is_none(), "written by another binary");
        std::fs::write(&file, b"{ not json").expect("write");
        let mut p = Persisted::load(&t.path().join("cache"), "en", 7);
        p.fill(&b, &s, &MarkerCache::default());
        assert!(s[0].get().is_none());
    }

    #[test]
    fn an_edited_entry_is_not_taken_from_the_cache() {
        let t = tempfile::tempdir().expect("tempdir");
        let b = bib(t.path(), BIB);
        round_trip(t.path(), &b, 7, 7);
        let edited = bib(t.path(), &BIB.replace("title = {One}", "title = {Uno}"));
        let mut p = Persisted::load(&t.path().join("cache"), "en", 7);
        let s = slots(edited.len());
        p.fill(&edited, &s, &MarkerCache::default());
        assert!(s[0].get().is_none());
    }

    #[test]
    fn nothing_new_writes_nothing() {
        let t = tempfile::tempdir().expect("tempdir");
        let b = bib(t.path(), BIB);
        round_trip(t.path(), &b, 7, 7);
        // Trailing space keeps it JSON; a rewrite would drop it.
        let file = t.path().join("cache/en-US.json");
        let marked = std::fs::read_to_string(&file).expect("stored") + "  \n";
        std::fs::write(&file, &marked).expect("write");
        let mut p = Persisted::load(&t.path().join("cache"), "en", 7);
        let (s, m) = (slots(b.len()), MarkerCache::default());
        p.fill(&b, &s, &m);
        assert!(s[0].get().is_some(), "read despite the trailing space");
        p.store(&b, &s, &m);
        assert_eq!(std::fs::read_to_string(&file).ok(), Some(marked.clone()));
        // Something new is written.
        let _ = s[1].set(entry("Jones B. Two."));
        p.store(&b, &s, &m);
        assert_ne!(std::fs::read_to_string(&file).ok(), Some(marked));
    }
}
