//! The site being served: an immutable [`Snapshot`] swapped as a whole.
//!
//! Request threads take an `Arc<Snapshot>` and never lock while they answer;
//! the one builder thread publishes a new snapshot after each rebuild and wakes
//! the long-polling reload requests. There is no mutable state besides the
//! pointer to the current snapshot: no god object, no statics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::output::{Content, Output};

/// One file of the built site.
#[derive(Debug, Clone)]
pub enum Entry {
    Memory(Arc<[u8]>),
    /// A static file, read when requested (its folder is watched).
    Disk(PathBuf),
}

/// The files of one successful build, keyed by their `/`-separated relative path.
#[derive(Debug, Default)]
pub struct Files {
    map: HashMap<String, Entry>,
}

impl Files {
    /// Takes over a build's output. Pages shared with the rebuild memo are not
    /// copied; the live-reload script goes into HTML when it is served.
    ///
    /// A later file at a path replaces an earlier one, as when writing.
    pub fn from_output(output: Output) -> Files {
        let entries = output.into_entries();
        let mut map = HashMap::with_capacity(entries.len());
        for (path, content) in entries {
            let key = key_of(&path);
            let entry = match content {
                Content::Text(t) => Entry::Memory(t.into_bytes().into()),
                Content::Shared(t) => Entry::Memory(t.into()),
                Content::Bytes(b) => Entry::Memory(b.into()),
                Content::Static(b) => Entry::Memory(b.into()),
                Content::Copy(p) | Content::Cached(p) => Entry::Disk(p),
                // Only `praxis build` writes as it renders; serve never does.
                Content::Written(_) => {
                    map.remove(&key);
                    continue;
                }
            };
            map.insert(key, entry);
        }
        Files { map }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.map.get(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

fn key_of(path: &Path) -> String {
    // Output paths are relative and plain (`a/b/index.html`): taken as
    // they are, without splitting them into components and joining again.
    if let Some(s) = path.to_str().filter(|s| is_plain(s)) {
        return s.to_owned();
    }
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `s` is a relative path whose components are already joined
/// by single `/`s, with no `.` component and no trailing separator: what
/// [`key_of`] would give back unchanged.
fn is_plain(s: &str) -> bool {
    std::path::MAIN_SEPARATOR == '/'
        && !s.is_empty()
        && s.split('/').all(|c| !c.is_empty() && c != ".")
}

pub fn is_html(key: &str) -> bool {
    key.ends_with(".html") || key.ends_with(".htm")
}

/// The tag that loads the live-reload script; `generation` is the build the
/// page comes from.
pub fn reload_tag(generation: u64) -> String {
    format!("<script src=\"/__praxis/reload.js\" data-gen=\"{generation}\" defer></script>")
}

/// The page with the reload tag before its last `</body>`, or at the end.
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = reload_tag(generation);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// What is being served at one moment.
#[derive(Debug)]
pub struct Snapshot {
    /// Changes on every rebuild, failed or not.
    pub generation: u64,
    /// The generation `files` were built in; 0 before the first good build.
    pub site_generation: u64,
    /// The last generation in which more than stylesheets changed: a page
    /// built since then needs only its stylesheets swapped.
    pub content_generation: u64,
    pub files: Arc<Files>,
    /// The diagnostics of the last rebuild, when it failed.
    pub error: Option<String>,
}

/// The pointer to the current snapshot, and a way to wait for the next.
#[derive(Debug)]
pub struct Live {
    current: Mutex<Arc<Snapshot>>,
    changed: Condvar,
}

impl Live {
    /// Starts with no site at `generation` (a different number per server
    /// start, so pages from an earlier run reload).
    pub fn new(generation: u64) -> Live {
        Live {
            current: Mutex::new(Arc::new(Snapshot {
                generation,
                site_generation: 0,
                content_generation: 0,
                files: Arc::default(),
                error: None,
            })),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Arc<Snapshot>> {
        // The guarded value is a pointer that is only ever replaced whole.
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn current(&self) -> Arc<Snapshot> {
        self.lock().clone()
    }

    /// The generation the next publication will get.
    pub fn next_generation(&self) -> u64 {
        self.lock().generation + 1
    }

    /// Publishes a good build made for `generation` (from [`Live::next_generation`]);
    /// `styles_only` when only stylesheets changed since the last one.
    pub fn publish_site(&self, files: Files, generation: u64, styles_only: bool) {
        let mut cur = self.lock();
        let generation = generation.max(cur.generation + 1);
        let content_generation = if styles_only && cur.site_generation > 0 {
            cur.content_generation
        } else {
            generation
        };
        let old = std::mem::replace(
            &mut *cur,
            Arc::new(Snapshot {
                generation,
                site_generation: generation,
                content_generation,
                files: Arc::new(files),
                error: None,
            }),
        );
        drop(cur);
        self.changed.notify_all();
        // Freeing the last site's 20,000 entries waits until the pages
        // waiting for a reload have been woken.
        drop(old);
    }

    /// Publishes a failed rebuild: the last good files stay.
    pub fn publish_error(&self, error: String) {
        let mut cur = self.lock();
        *cur = Arc::new(Snapshot {
            generation: cur.generation + 1,
            site_generation: cur.site_generation,
            content_generation: cur.content_generation,
            files: cur.files.clone(),
            error: Some(error),
        });
        drop(cur);
        self.changed.notify_all();
    }

    /// Waits until the generation differs from `seen`; `None` on timeout.
    pub fn wait_change(&self, seen: u64, timeout: Duration) -> Option<Arc<Snapshot>> {
        let cur = self.lock();
        let (cur, result) = self
            .changed
            .wait_timeout_while(cur, timeout, |s| s.generation == seen)
            .unwrap_or_else(PoisonError::into_inner);
        (!result.timed_out()).then(|| cur.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_are_taken_as_they_are_and_others_normalised() {
        for p in [
            "index.html",
            "a/b/index.html",
            "a/../b.css",
            "..x/y",
            "./a//b/",
            "a/./b",
            "/abs/x",
        ] {
            let slow: Vec<_> = Path::new(p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            assert_eq!(key_of(Path::new(p)), slow.join("/"), "{p}");
        }
        assert!(is_plain("a/b/index.html"));
        assert!(!is_plain("a//b") && !is_plain("./a") && !is_plain("a/") && !is_plain(""));
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let html = inject(b"<html><BODY>x</BODY></html>", 7);
        assert_eq!(
            String::from_utf8_lossy(&html),
            format!("<html><BODY>x{}</BODY></html>", reload_tag(7))
        );
        assert!(inject(b"<p>bare", 1).ends_with(b"</script>"));
    }

    #[test]
    fn later_files_win_and_shared_pages_are_not_copied() {
        let page: Arc<str> = Arc::from("<body></body>");
        let mut o = Output::default();
        o.add("a/index.html", Content::Shared(page.clone()));
        o.add("a.css", Content::Static(b"x"));
        o.add("a.css", Content::Text("site wins".into()));
        let files = Files::from_output(o);
        match files.get("a/index.html") {
            Some(Entry::Memory(b)) => assert_eq!(b.as_ptr(), page.as_ptr()),
            other => panic!("{other:?}"),
        }
        match files.get("a.css") {
            Some(Entry::Memory(b)) => assert_eq!(&b[..], b"site wins"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_stylesheet_change_keeps_the_content_generation() {
        let live = Live::new(10);
        let site = |text: &str| {
            let mut o = Output::default();
            o.add("style.css", Content::Text(text.into()));
            Files::from_output(o)
        };
        live.publish_site(site("a"), 11, false);
        live.publish_site(site("b"), 12, true);
        let s = live.current();
        assert_eq!((s.site_generation, s.content_generation), (12, 11));
        live.publish_site(site("c"), 13, false);
        assert_eq!(live.current().content_generation, 13);
    }

    #[test]
    fn a_failed_rebuild_keeps_the_files_and_wakes_waiters() {
        let live = Arc::new(Live::new(10));
        let g = live.next_generation();
        let mut o = Output::default();
        o.add("index.html", Content::Text("<body>hi</body>".into()));
        live.publish_site(Files::from_output(o), g, false);
        let before = live.current();
        assert_eq!(before.site_generation, 11);

        let waiter = {
            let live = live.clone();
            std::thread::spawn(move || live.wait_change(11, Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(50));
        live.publish_error("error: content/a.md:1:1: bad".into());
        let got = waiter.join().expect("join").expect("woken");
        assert_eq!(got.generation, 12);
        assert_eq!(got.site_generation, 11);
        assert!(got.files.contains("index.html"));
        assert!(live.wait_change(12, Duration::from_millis(20)).is_none());
    }
}
