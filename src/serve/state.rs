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
    /// Takes over a build's output; HTML gets the live-reload script tagged with
    /// `generation`.
    pub fn from_output(output: Output, generation: u64) -> Files {
        let map = output
            .into_files()
            .into_iter()
            .map(|(path, content)| {
                let key = key_of(&path);
                let html = is_html(&key);
                let entry = match content {
                    Content::Text(t) if html => {
                        Entry::Memory(inject(t, generation).into_bytes().into())
                    }
                    Content::Text(t) => Entry::Memory(t.into_bytes().into()),
                    Content::Shared(t) if html => {
                        Entry::Memory(inject(t.to_string(), generation).into_bytes().into())
                    }
                    Content::Shared(t) => Entry::Memory(t.into()),
                    Content::Bytes(b) => Entry::Memory(b.into()),
                    Content::Static(b) => Entry::Memory(b.into()),
                    Content::Copy(p) => Entry::Disk(p),
                };
                (key, entry)
            })
            .collect();
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
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn is_html(key: &str) -> bool {
    key.ends_with(".html") || key.ends_with(".htm")
}

/// The tag that loads the live-reload script; `generation` is the build the
/// page comes from.
pub fn reload_tag(generation: u64) -> String {
    format!("<script src=\"/__praxis/reload.js\" data-gen=\"{generation}\" defer></script>")
}

/// Puts the reload tag before the last `</body>`, or at the end.
pub fn inject(mut html: String, generation: u64) -> String {
    let tag = reload_tag(generation);
    match html.to_ascii_lowercase().rfind("</body>") {
        Some(at) => html.insert_str(at, &tag),
        None => html.push_str(&tag),
    }
    html
}

/// What is being served at one moment.
#[derive(Debug)]
pub struct Snapshot {
    /// Changes on every rebuild, failed or not.
    pub generation: u64,
    /// The generation `files` were built in; 0 before the first good build.
    pub site_generation: u64,
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

    /// Publishes a good build made for `generation` (from [`Live::next_generation`]).
    pub fn publish_site(&self, files: Files, generation: u64) {
        let mut cur = self.lock();
        let generation = generation.max(cur.generation + 1);
        *cur = Arc::new(Snapshot {
            generation,
            site_generation: generation,
            files: Arc::new(files),
            error: None,
        });
        drop(cur);
        self.changed.notify_all();
    }

    /// Publishes a failed rebuild: the last good files stay.
    pub fn publish_error(&self, error: String) {
        let mut cur = self.lock();
        *cur = Arc::new(Snapshot {
            generation: cur.generation + 1,
            site_generation: cur.site_generation,
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
    fn injects_before_the_last_body_end() {
        let html = inject("<html><BODY>x</BODY></html>".into(), 7);
        assert_eq!(
            html,
            format!("<html><BODY>x{}</BODY></html>", reload_tag(7))
        );
        assert!(inject("<p>bare".into(), 1).ends_with("</script>"));
    }

    #[test]
    fn only_html_gets_the_script() {
        let mut o = Output::default();
        o.add("a/index.html", Content::Text("<body></body>".into()));
        o.add("feed.xml", Content::Text("<body></body>".into()));
        o.add("a.css", Content::Static(b"x"));
        o.add("a.css", Content::Text("site wins".into()));
        let files = Files::from_output(o, 3);
        let text = |k: &str| match files.get(k) {
            Some(Entry::Memory(b)) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("{k}: {other:?}"),
        };
        assert!(text("a/index.html").contains("data-gen=\"3\""));
        assert_eq!(text("feed.xml"), "<body></body>");
        assert_eq!(text("a.css"), "site wins");
    }

    #[test]
    fn a_failed_rebuild_keeps_the_files_and_wakes_waiters() {
        let live = Arc::new(Live::new(10));
        let g = live.next_generation();
        let mut o = Output::default();
        o.add("index.html", Content::Text("<body>hi</body>".into()));
        live.publish_site(Files::from_output(o, g), g);
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
