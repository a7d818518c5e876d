//! Memoised build steps, so that `praxis serve` redoes only what an edit touched.
//!
//! A build is a pure function of the site's files. A [`Memo`] keeps the
//! results of the expensive per-item steps of the previous build, each under a
//! key that hashes everything the step read:
//!
//! - a content file's parse, by its path, size and modification time (and the
//!   configuration it was read with); paths the watcher reports as changed
//!   are dropped explicitly, so a save within the same clock tick still counts;
//! - a file's rendered Markdown, by its text, the Markdown settings, the
//!   bibliography and style, and — checked on reuse — what each of its `@/`
//!   links resolved to;
//! - a rendered template, by the template set and every value in its context
//!   (a page's view by the hash of its inputs, [`crate::render::views::page_key`]);
//! - the assembled site, patched with the new texts of saved files when the
//!   caller reported every change and no front matter or file list changed
//!   ([`crate::content::reuse`]);
//! - per page: its listing view as a template value, its feed entry and
//!   search item, its review warnings and its share card's key, each by the
//!   page's inputs; the taxonomy by every page's tags, authors and dates.
//!
//! A rebuild runs exactly the pipeline of `praxis build` and takes from the memo
//! what it would otherwise compute again, so its output is byte for byte that
//! of a fresh build (the serve tests assert this over random edit sequences),
//! while an edit to one article re-renders that article and the listings,
//! feeds and pages that show it, and nothing else. Entries not used by a build
//! are dropped at its end, so the memo never grows beyond one site's worth.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// A hash of everything one step read.
pub type Key = u64;

/// Hashes the inputs of a step. Implements `io::Write`, so serde_json can
/// serialise a value straight into it.
#[derive(Clone, Default)]
pub struct KeyHasher(xxhash_rust::xxh3::Xxh3Default);

impl KeyHasher {
    pub fn new() -> KeyHasher {
        KeyHasher::default()
    }

    /// Adds a field; fields are length-prefixed so ("ab", "c") ≠ ("a", "bc").
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn num(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// Adds a value by its serde serialisation.
    pub fn value<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> &mut Self {
        // Writing into a hasher cannot fail; a value that cannot be
        // serialised makes its key unique (the step is then never reused).
        let was = FINGERPRINTING.with(|f| f.replace(true));
        let r = serde_json::to_writer(&mut *self, v);
        FINGERPRINTING.with(|f| f.set(was));
        if r.is_err() {
            self.num(rand_like());
        }
        self.0.update(&[0xff]);
        self
    }

    /// Adds a value by its serde serialisation, like [`KeyHasher::value`],
    /// but with each [`Derived`] value as itself, not as its fingerprint:
    /// the key then holds what a template sees.
    pub fn value_as_is<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> &mut Self {
        let was = FINGERPRINTING.with(|f| f.replace(true));
        let was_as_is = AS_IS.with(|f| f.replace(true));
        let r = serde_json::to_writer(&mut *self, v);
        AS_IS.with(|f| f.set(was_as_is));
        FINGERPRINTING.with(|f| f.set(was));
        if r.is_err() {
            self.num(rand_like());
        }
        self.0.update(&[0xfd]);
        self
    }

    /// Adds a value by its `Debug` form (for types without serde).
    pub fn debug<T: std::fmt::Debug + ?Sized>(&mut self, v: &T) -> &mut Self {
        use std::io::Write as _;
        let _ = write!(self, "{v:?}");
        self.0.update(&[0xfe]);
        self
    }

    pub fn finish(&self) -> Key {
        self.0.digest()
    }
}

thread_local! {
    /// Set while a value is serialised into a key (see [`Derived`]).
    static FINGERPRINTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set while a value is serialised by [`KeyHasher::value_as_is`].
    static AS_IS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while a value is being serialised into a key: values that are a
/// function of others already in the key may then skip their work.
pub fn fingerprinting() -> bool {
    FINGERPRINTING.with(std::cell::Cell::get)
}

/// A large value derived from one file's rendered Markdown (its HTML, summary,
/// reference list). It serialises as itself into templates, but into a memo key
/// as the fingerprint of the rendering it comes from, which determines it —
/// hashing a number instead of every page's HTML on every rebuild.
#[derive(Debug, Clone, Copy)]
pub struct Derived<'a, T: ?Sized> {
    pub value: &'a T,
    pub fingerprint: u64,
}

impl<T: serde::Serialize + ?Sized> serde::Serialize for Derived<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if fingerprinting() && !AS_IS.with(std::cell::Cell::get) {
            s.serialize_u64(self.fingerprint)
        } else {
            self.value.serialize(s)
        }
    }
}

/// A number that is different on every call (for keys that must never match).
fn rand_like() -> u64 {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) as u64 ^ 0x9e37_79b9_7f4a_7c15
}

impl std::io::Write for KeyHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A map by [`Key`]: the keys are hashes already, so they are their own hash.
type KeyMap<V> = HashMap<Key, V, std::hash::BuildHasherDefault<KeyIsHash>>;

/// Hashes a short key (a word, a few length-prefixed parts) in one call of
/// xxh3: such keys are hashed once per look-up, and the streaming hasher's
/// set-up would cost more than the key.
#[derive(Default, Clone, Copy)]
pub struct OneShotHash(u64);

impl std::hash::Hasher for OneShotHash {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = self.0.rotate_left(5) ^ u64::from(b);
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = self.0.rotate_left(7) ^ n as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hasher of [`KeyMap`]: a key is hashed to itself.
#[derive(Default)]
pub struct KeyIsHash(u64);

impl std::hash::Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed; anything else is folded in.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One step's results: those of the previous build (read while building) and
/// those made by this build (kept for the next).
///
/// A result taken from the previous build is neither copied nor moved: it is
/// marked used (an atomic flag, no lock, so both cores look up at full speed),
/// and when the build ends the unused ones are dropped and the new ones added
/// ([`Table::turn`]), which costs a pass over the table and one insertion per
/// new result instead of one per result.
pub struct Table<V> {
    old: KeyMap<Slot<V>>,
    /// Results computed in this build.
    new: Mutex<KeyMap<V>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// A result of the previous build, and whether this build used or kept it.
struct Slot<V> {
    value: V,
    used: AtomicBool,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            old: KeyMap::default(),
            new: Mutex::new(KeyMap::default()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }
}

impl<V: Clone> Table<V> {
    /// The previous build's result under `key`, if it passes `valid`; it is
    /// kept for the next build.
    pub fn get_if(&self, key: Key, valid: impl FnOnce(&V) -> bool) -> Option<V> {
        let slot = self.old.get(&key).filter(|s| valid(&s.value))?;
        if !slot.used.load(Ordering::Relaxed) {
            slot.used.store(true, Ordering::Relaxed);
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(slot.value.clone())
    }

    pub fn get(&self, key: Key) -> Option<V> {
        self.get_if(key, |_| true)
    }

    /// [`Table::get`], or what this build already recorded under `key` (for
    /// values that several steps of one build share).
    pub fn get_shared(&self, key: Key) -> Option<V> {
        if let Some(v) = self.new_map().get(&key) {
            return Some(v.clone());
        }
        self.get(key)
    }

    /// Keeps the previous build's results under `keys` for the next build,
    /// whether or not this one reads them.
    pub fn keep(&self, keys: impl IntoIterator<Item = Key>) {
        for k in keys {
            if let Some(slot) = self.old.get(&k) {
                slot.used.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Records a result computed in this build.
    pub fn put(&self, key: Key, v: V) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        self.new_map().insert(key, v);
    }

    /// The previous result, or `f()` recorded.
    pub fn get_or(&self, key: Key, f: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(key) {
            return v;
        }
        let v = f();
        self.put(key, v.clone());
        v
    }
}

impl<V> Table<V> {
    fn new_map(&self) -> std::sync::MutexGuard<'_, KeyMap<V>> {
        // A panic while inserting leaves at worst a missing entry.
        self.new.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends a build: what it used or made becomes what the next one reads.
    fn turn(&mut self) -> Reuse {
        let new = std::mem::take(self.new.get_mut().unwrap_or_else(PoisonError::into_inner));
        // A result recorded anew in this build wins over the old one.
        self.old.retain(|k, slot| {
            let used = std::mem::replace(slot.used.get_mut(), false);
            used && !new.contains_key(k)
        });
        self.old.reserve(new.len());
        for (key, value) in new {
            self.old.insert(
                key,
                Slot {
                    value,
                    used: AtomicBool::new(false),
                },
            );
        }
        Reuse {
            reused: self.hits.swap(0, Ordering::Relaxed),
            computed: self.misses.swap(0, Ordering::Relaxed),
        }
    }

    /// Forgets what a failed build recorded; the previous build's results stay.
    fn abandon(&mut self) {
        self.new_map().clear();
        for slot in self.old.values_mut() {
            *slot.used.get_mut() = false;
        }
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
    }

    /// Forgets everything.
    fn clear(&mut self) {
        self.old.clear();
        self.new_map().clear();
    }
}

/// How much of one step a build took from the memo.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reuse {
    pub reused: usize,
    pub computed: usize,
}

/// A content file as it was when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// What the steps of the last build read and made. Create one per served site
/// and pass it to every rebuild ([`crate::build::build_with`]).
#[derive(Default)]
pub struct Memo {
    /// Parsed content files, by absolute path.
    pub(crate) files: Mutex<HashMap<PathBuf, (Stamp, crate::content::Loaded)>>,
    /// The configuration the files were parsed with.
    pub(crate) config_key: Mutex<Option<Key>>,
    /// Rendered Markdown of pages and sections.
    pub(crate) markdown: Table<std::sync::Arc<crate::render::MarkdownMemo>>,
    /// Rendered templates.
    pub(crate) templates: Table<std::sync::Arc<str>>,
    /// Each page's view in listings, as a template value.
    pub(crate) listings: Table<tera::Value>,
    /// Each page's entries in feeds and search indexes.
    pub(crate) parts: Table<std::sync::Arc<str>>,
    /// The last build's tags and author listings, by the site's assembly
    /// ([`crate::content::TextKeys::assembly`]) and a hash of their inputs.
    #[allow(clippy::type_complexity)]
    pub(crate) taxonomy:
        Mutex<Option<(u64, Key, std::sync::Arc<crate::content::taxonomy::Taxonomy>)>>,
    /// The site bibliography, citation style and locales, by their files.
    pub(crate) citations: Mutex<Option<(Key, std::sync::Arc<crate::render::CiteInputs>)>>,
    /// Each page's review warnings.
    pub(crate) reviews: Table<std::sync::Arc<Vec<crate::diagnostics::Diagnostic>>>,
    /// Share cards: the cache key of each card's PNG, by its text and design.
    pub(crate) cards: Table<std::sync::Arc<crate::cards::CardMemo>>,
    /// The card cache folder as the last build left it, with every card of
    /// `cards` in it.
    pub(crate) card_folder: Mutex<Option<(PathBuf, Stamp)>>,
    /// Each card format's output entries of the last build, by page.
    pub(crate) card_stages: Mutex<HashMap<crate::cards::Format, crate::cards::reuse::Stage>>,
    /// What each page's own checks found, by its text.
    pub(crate) checks: Table<std::sync::Arc<crate::check::PageFindings>>,
    /// Each page's own findings in the last build, by position.
    pub(crate) check_stage: Mutex<Option<crate::check::reuse::Stage>>,
    /// The remote URLs of each built page, by its (shared) HTML.
    pub(crate) scans: Table<std::sync::Arc<crate::check::origin::ScannedPage>>,
    /// The last good build's assembled site (see [`crate::content::reuse`]).
    site: Mutex<SiteSlot>,
    /// Each page's render keys ([`crate::render::views::page_key`]) of the
    /// last build, for the site's assembly they were made in.
    pub(crate) page_keys: Mutex<Option<crate::render::views::PageKeys>>,
    /// The pages that share a title, for the site's assembly they were found in.
    #[allow(clippy::type_complexity)]
    pub(crate) titles: Mutex<Option<(u64, std::sync::Arc<Vec<(usize, usize)>>)>>,
}

/// The kept site and what was reported changed since it was assembled.
#[derive(Default)]
struct SiteSlot {
    kept: Option<crate::content::reuse::Kept>,
    changed_since: Vec<PathBuf>,
    /// Whether the caller reported the changes before this build.
    reported: bool,
}

/// How much of the last build was reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoStats {
    pub markdown: Reuse,
    pub templates: Reuse,
    pub cards: Reuse,
    /// The checks of each page and the scans of built pages together.
    pub checks: Reuse,
}

impl Memo {
    pub fn new() -> Memo {
        Memo::default()
    }

    /// Forgets the parse of files that changed on disk (reported by the watcher).
    ///
    /// A caller that calls this before a build promises that it reports every
    /// change since the previous build (an empty list when nothing changed);
    /// the build may then patch the last site with just those files instead
    /// of walking `content/` again. Without the call, a build checks every
    /// file's size and modification time.
    pub fn changed(&mut self, paths: &[PathBuf]) {
        let slot = self.site.get_mut().unwrap_or_else(PoisonError::into_inner);
        slot.changed_since.extend(paths.iter().cloned());
        slot.reported = true;
        let files = self.files.get_mut().unwrap_or_else(PoisonError::into_inner);
        for p in paths {
            // A file has nothing under it; anything else may be a folder
            // that was renamed or deleted: forget what was under it.
            if files.remove(p).is_none() && !p.is_file() {
                files.retain(|k, _| !k.starts_with(p));
            }
        }
    }

    /// Whether no build has left anything here yet.
    pub fn is_empty(&self) -> bool {
        self.markdown.old.is_empty()
    }

    /// The kept site and the files changed since, when every change was
    /// reported; the kept site leaves the memo either way.
    pub(crate) fn take_site(&self) -> Option<(crate::content::reuse::Kept, Vec<PathBuf>)> {
        let mut slot = self.site.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = slot.kept.take()?;
        slot.reported.then(|| (kept, slot.changed_since.clone()))
    }

    /// Keeps the site a successful build assembled.
    pub(crate) fn keep_site(&mut self, kept: crate::content::reuse::Kept) {
        let slot = self.site.get_mut().unwrap_or_else(PoisonError::into_inner);
        *slot = SiteSlot {
            kept: Some(kept),
            ..SiteSlot::default()
        };
    }

    /// Forgets everything (e.g. after a failed build left tables half-turned).
    pub fn clear(&mut self) {
        *self.site.get_mut().unwrap_or_else(PoisonError::into_inner) = SiteSlot::default();
        self.files
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        *self
            .config_key
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        *self
            .page_keys
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self.markdown.clear();
        self.templates.clear();
        self.listings.clear();
        self.parts.clear();
        self.reviews.clear();
        *self
            .taxonomy
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        *self
            .citations
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self.cards.clear();
        *self
            .card_folder
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self.checks.clear();
        self.forget_stages();
        self.scans.clear();
    }

    /// Drops the share-card and check stages kept from the last build.
    fn forget_stages(&mut self) {
        *self
            .check_stage
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self.card_stages
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Ends a failed build: the memo stays as the last good build left it
    /// (the changes reported so far are kept for the next build).
    pub fn abandon(&mut self) {
        self.site
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .reported = false;
        self.markdown.abandon();
        self.templates.abandon();
        self.listings.abandon();
        self.parts.abandon();
        self.reviews.abandon();
        self.cards.abandon();
        // The stages a failed build recorded are not kept.
        self.forget_stages();
        self.checks.abandon();
        self.scans.abandon();
    }

    /// Ends a build: keeps what it used, drops the rest.
    pub fn turn(&mut self) -> MemoStats {
        self.listings.turn();
        self.parts.turn();
        self.reviews.turn();
        MemoStats {
            markdown: self.markdown.turn(),
            templates: self.templates.turn(),
            cards: self.cards.turn(),
            checks: self.checks.turn(),
        }
        .with_scans(self.scans.turn())
    }
}

impl MemoStats {
    fn with_scans(mut self, scans: Reuse) -> MemoStats {
        self.checks.reused += scans.reused;
        self.checks.computed += scans.computed;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_values_go_into_a_key_as_their_fingerprint_or_as_they_are() {
        let one = Derived {
            value: "<p>same</p>",
            fingerprint: 1,
        };
        let two = Derived {
            fingerprint: 2,
            ..one
        };
        let other = Derived {
            value: "<p>other</p>",
            ..one
        };
        let key = |d: &Derived<'_, str>| KeyHasher::new().value(d).finish();
        let as_is = |d: &Derived<'_, str>| KeyHasher::new().value_as_is(d).finish();
        assert_ne!(key(&one), key(&two));
        assert_eq!(key(&one), key(&other));
        assert_eq!(as_is(&one), as_is(&two));
        assert_ne!(as_is(&one), as_is(&other));
        assert!(!fingerprinting());
    }

    #[test]
    fn fields_are_separated() {
        let a = KeyHasher::new().str("ab").str("c").finish();
        let b = KeyHasher::new().str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, KeyHasher::new().str("ab").str("c").finish());
    }

    #[test]
    fn unused_entries_are_dropped_at_the_turn() {
        let mut t: Table<u32> = Table::default();
        t.put(1, 10);
        t.put(2, 20);
        assert_eq!(
            t.turn(),
            Reuse {
                reused: 0,
                computed: 2
            }
        );
        assert_eq!(t.get(1), Some(10));
        assert_eq!(t.get_if(2, |v| *v == 21), None);
        assert_eq!(
            t.turn(),
            Reuse {
                reused: 1,
                computed: 0
            }
        );
        assert_eq!(t.get(2), None);
        assert_eq!(t.get(1), Some(10));
    }

    #[test]
    fn kept_and_used_entries_move_to_the_next_build_and_new_results_win() {
        let mut t: Table<String> = Table::default();
        for (k, v) in [(1, "one"), (2, "two"), (3, "three")] {
            t.put(k, v.to_owned());
        }
        t.turn();
        // 1 read twice, 2 kept unread, 3 recomputed, 4 unknown.
        assert_eq!(t.get(1).as_deref(), Some("one"));
        assert_eq!(t.get_shared(1).as_deref(), Some("one"));
        t.keep([2, 4]);
        assert_eq!(t.get(3).as_deref(), Some("three"));
        t.put(3, "drei".to_owned());
        assert_eq!(t.get_shared(3).as_deref(), Some("drei"));
        t.turn();
        assert_eq!(t.get(1).as_deref(), Some("one"));
        assert_eq!(t.get(2).as_deref(), Some("two"));
        assert_eq!(t.get(3).as_deref(), Some("drei"));
        assert_eq!(t.get(4), None);
        // A failed build changes nothing: the next one reads what was.
        t.put(5, "five".to_owned());
        t.abandon();
        assert_eq!(t.get(5), None);
        assert_eq!(t.get(1).as_deref(), Some("one"));
        t.turn();
        assert_eq!(t.get(1).as_deref(), Some("one"));
        assert_eq!(t.get(2), None);
    }
}
