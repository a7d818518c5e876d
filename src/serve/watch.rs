//! Watching the site's sources and turning bursts of file events into one
//! rebuild.
//!
//! Watched: `content/`, `static/`, `templates/`, `themes/`, `i18n/`
//! (recursively), the site root itself non-recursively (for `praxis.toml` and
//! bibliographies there: editors save by rename, which drops a watch on the
//! file itself), and the folders of bibliographies named in `praxis.toml`.
//! Ignored: editor leftovers and hidden files (`content::is_ignored_name`,
//! which also covers `.praxis-cache` and `.git`), the output folder, and
//! read-only events (the build itself opens every file).
//!
//! This module must not build or print; it only says when to rebuild.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::is_ignored_name;

/// The folders of a site that are watched recursively.
pub const DIRS: [&str; 5] = ["content", "static", "templates", "themes", "i18n"];

/// File extensions of bibliographies at the site root.
const BIB_EXTENSIONS: [&str; 8] = ["bib", "bibtex", "json", "yaml", "yml", "ris", "nbib", "txt"];

/// How long the sources must be quiet before a rebuild.
pub const QUIET: Duration = Duration::from_millis(40);
/// How long they must be quiet after an event that ends a save: a file
/// closed after writing, or renamed into place (an editor's temporary file).
/// Anything an editor does after that (delete its backup, touch a swap file)
/// comes within microseconds; a later change makes another rebuild.
pub const SETTLE: Duration = Duration::from_millis(8);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// A rebuild happens at the latest this long after the first event of a burst.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// What ended a wait for changes.
#[derive(Debug)]
pub enum Burst {
    /// Sources changed: the changed paths, relative to the root (the root
    /// itself when the watcher lost track and everything must be read again).
    Changed(Vec<PathBuf>),
    /// The watcher reported a problem (events may have been lost); rebuild.
    Trouble(String),
}

/// A watcher on one site.
pub struct SiteWatcher {
    /// Native: one watcher. Polling: one comparing contents (sources are small
    /// text, and mtimes have only one-second resolution there) and one for
    /// `static/` comparing modification times only (images can be large).
    watchers: Vec<Box<dyn Watcher + Send>>,
    events: Receiver<notify::Result<Event>>,
    root: PathBuf,
    output_dir: PathBuf,
    extra: Vec<PathBuf>,
    watched: BTreeSet<PathBuf>,
    /// Events taken off the channel by [`SiteWatcher::changed_since`], not
    /// yet part of a burst.
    backlog: VecDeque<notify::Result<Event>>,
    /// How long events can take to arrive: [`QUIET`], or a polling round.
    latency: Duration,
}

/// Explains a watch failure, with a hint.
pub fn explain(e: &notify::Error) -> String {
    let text = e.to_string();
    let limit = matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
        || text.contains("No space left on device");
    if limit {
        format!(
            "{text}\n  = hint: the system's limit of watched folders is reached; raise \
             fs.inotify.max_user_watches or run `praxis serve --poll`"
        )
    } else {
        format!("{text}\n  = hint: on network drives and in some VMs try `praxis serve --poll`")
    }
}

impl SiteWatcher {
    /// Starts watching `root`; `poll` uses a polling watcher instead of
    /// native file events.
    pub fn new(root: &Path, output_dir: &Path, poll: bool) -> Result<SiteWatcher, notify::Error> {
        let (tx, events) = channel();
        let latency = if poll { POLL_INTERVAL + QUIET } else { QUIET };
        let watchers: Vec<Box<dyn Watcher + Send>> = if poll {
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
            vec![
                Box::new(PollWatcher::new(
                    tx.clone(),
                    config.with_compare_contents(true),
                )?),
                Box::new(PollWatcher::new(tx, config)?),
            ]
        } else {
            vec![Box::new(RecommendedWatcher::new(
                tx,
                notify::Config::default(),
            )?)]
        };
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let output_dir = std::fs::canonicalize(output_dir)
            .unwrap_or_else(|_| root.join(output_dir.file_name().unwrap_or("public".as_ref())));
        let mut w = SiteWatcher {
            watchers,
            events,
            root,
            output_dir,
            extra: Vec::new(),
            watched: BTreeSet::new(),
            backlog: VecDeque::new(),
            latency,
        };
        w.refresh()?;
        Ok(w)
    }

    /// Adds watches for folders that appeared since (a new `templates/`, a
    /// bibliography folder named in a changed `praxis.toml`).
    pub fn refresh(&mut self) -> Result<(), notify::Error> {
        let mut wanted = vec![(self.root.clone(), RecursiveMode::NonRecursive)];
        for d in DIRS {
            let p = self.root.join(d);
            if p.is_dir() {
                wanted.push((p, RecursiveMode::Recursive));
            }
        }
        self.extra = bibliography_dirs(&self.root);
        for d in &self.extra {
            wanted.push((d.clone(), RecursiveMode::NonRecursive));
        }
        // Folders deleted since are dropped by the watcher itself.
        self.watched.retain(|p| p.exists());
        for (path, mode) in wanted {
            if !self.watched.contains(&path) {
                let by_time = path == self.root.join("static");
                let w = match self.watchers.len() {
                    2 if by_time => &mut self.watchers[1],
                    _ => &mut self.watchers[0],
                };
                w.watch(&path, mode)?;
                self.watched.insert(path);
            }
        }
        Ok(())
    }

    /// Blocks until sources change, then until they are quiet for [`QUIET`]
    /// ([`SETTLE`] when the last event ended a save);
    /// `None` once the watcher is gone.
    pub fn next_burst(&mut self) -> Option<Burst> {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut trouble = None;
        let mut started: Option<Instant> = None;
        // How long to wait for more: shorter once the last event ended a save.
        let mut quiet = QUIET;
        loop {
            let next = if let Some(e) = self.backlog.pop_front() {
                Ok(e)
            } else {
                match started {
                    None => self
                        .events
                        .recv()
                        .map_err(|_| RecvTimeoutError::Disconnected),
                    Some(t) if t.elapsed() >= MAX_DELAY => Err(RecvTimeoutError::Timeout),
                    Some(_) => self.events.recv_timeout(quiet),
                }
            };
            match next {
                Ok(Ok(event)) => {
                    if self.is_relevant(&event) {
                        started.get_or_insert_with(Instant::now);
                        quiet = if self.ends_save(&event) {
                            SETTLE
                        } else {
                            QUIET
                        };
                        if event.need_rescan() {
                            seen.insert(PathBuf::new());
                            changed.push(PathBuf::new());
                        }
                        for p in &event.paths {
                            let rel = p.strip_prefix(&self.root).unwrap_or(p).to_path_buf();
                            if seen.insert(rel.clone()) {
                                changed.push(rel);
                            }
                        }
                    }
                }
                Ok(Err(e)) => {
                    started.get_or_insert_with(Instant::now);
                    quiet = QUIET;
                    trouble.get_or_insert_with(|| explain(&e));
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    // Gone before anything changed: stop; else rebuild once more.
                    started?;
                    break;
                }
            }
        }
        let _ = self.refresh();
        Some(match trouble {
            Some(t) => Burst::Trouble(t),
            None => Burst::Changed(changed),
        })
    }

    /// Whether sources changed (or the watcher had trouble) since the last
    /// burst, waiting for events as long as they can take to arrive. The events are kept
    /// for the next burst. A build that failed while its files were still
    /// changing (a file deleted after it was listed, one read half-written)
    /// is not worth reporting: the next burst rebuilds.
    pub fn changed_since(&mut self) -> bool {
        let until = Instant::now() + self.latency;
        loop {
            while let Ok(e) = self.events.try_recv() {
                self.backlog.push_back(e);
            }
            let relevant = self.backlog.iter().any(|e| match e {
                Ok(event) => self.is_relevant(event),
                Err(_) => true,
            });
            let left = until.saturating_duration_since(Instant::now());
            if relevant || left.is_zero() {
                return relevant;
            }
            match self.events.recv_timeout(left) {
                Ok(e) => self.backlog.push_back(e),
                Err(_) => return false,
            }
        }
    }

    /// Whether `event` ends the save of a source: the file closed after
    /// writing, or a file renamed onto a source's name (the temporary file of
    /// an editor that saves by rename). A rename away from a source (Vim
    /// moving the file to its backup) does not: the new file is still to come.
    fn ends_save(&self, event: &Event) -> bool {
        let renamed_to = matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        );
        let closed = matches!(
            event.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        (closed || renamed_to)
            && !event.need_rescan()
            && event
                .paths
                .last()
                .is_some_and(|p| is_source(&self.root, &self.output_dir, &self.extra, p))
    }

    fn is_relevant(&self, event: &Event) -> bool {
        if event.need_rescan() {
            return true;
        }
        let kind_counts = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
            _ => true,
        };
        kind_counts
            && event
                .paths
                .iter()
                .any(|p| is_source(&self.root, &self.output_dir, &self.extra, p))
    }
}

/// Whether a changed path is one of the site's sources.
pub fn is_source(root: &Path, output_dir: &Path, extra: &[PathBuf], path: &Path) -> bool {
    if path.starts_with(output_dir) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return extra.iter().any(|d| path.parent() == Some(d.as_path()))
            && !ignored(path.file_name());
    };
    let names: Vec<_> = rel.iter().collect();
    if names.iter().any(|n| ignored(Some(n))) {
        return false;
    }
    match names.as_slice() {
        [] => false,
        [first, ..] if DIRS.iter().any(|d| first == d) => true,
        [only] => {
            let p = Path::new(only);
            *only == "praxis.toml"
                || p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| BIB_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        }
        _ => extra.iter().any(|d| path.parent() == Some(d.as_path())),
    }
}

fn ignored(name: Option<&std::ffi::OsStr>) -> bool {
    name.is_some_and(|n| is_ignored_name(&n.to_string_lossy()))
}

/// Folders of the bibliographies in `praxis.toml` that are not watched anyway.
fn bibliography_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(config) = crate::config::Config::load(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = config
        .bibliography
        .iter()
        .filter_map(|b| std::fs::canonicalize(root.join(b)).ok())
        .filter_map(|b| b.parent().map(Path::to_path_buf))
        .filter(|d| d != root && !DIRS.iter().any(|w| d.starts_with(root.join(w))))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_non_sources() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let extra = [PathBuf::from("/refs")];
        let yes = [
            "/site/praxis.toml",
            "/site/refs.bib",
            "/site/content/a.md",
            "/site/content/deep/b/index.md",
            "/site/static/img/x.png",
            "/site/templates/page.html",
            "/site/themes/t/templates/base.html",
            "/site/i18n/de.toml",
            "/site/content",
            "/refs/main.bib",
        ];
        for p in yes {
            assert!(is_source(root, out, &extra, Path::new(p)), "{p}");
        }
        let no = [
            "/site/public/index.html",
            "/site/.praxis-cache/cards/x.png",
            "/site/.git/index",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/#a.md#",
            "/site/content/4913",
            "/site/content/.#a.md",
            "/site/README.md",
            "/site/other/x.md",
            "/elsewhere/x.bib",
            "/refs/.x.bib.swp",
        ];
        for p in no {
            assert!(!is_source(root, out, &extra, Path::new(p)), "{p}");
        }
    }

    #[test]
    fn a_close_after_writing_or_a_rename_into_place_ends_a_save() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("content")).expect("content");
        let w = SiteWatcher::new(dir.path(), &dir.path().join("public"), false).expect("watch");
        let root = w.root.clone();
        let event = |kind, paths: &[&str]| {
            let mut e = Event::new(kind);
            for p in paths {
                e = e.add_path(root.join(p));
            }
            e
        };
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let written = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
        assert!(w.ends_save(&event(closed, &["content/a.md"])));
        assert!(w.ends_save(&event(renamed, &["content/.a.md.tmp~", "content/a.md"])));
        // Still writing; Vim moving the file to its backup; not a source.
        assert!(!w.ends_save(&event(written, &["content/a.md"])));
        assert!(!w.ends_save(&event(renamed, &["content/a.md", "content/a.md~"])));
        assert!(!w.ends_save(&event(closed, &["public/index.html"])));
        assert!(w.is_relevant(&event(renamed, &["content/a.md", "content/a.md~"])));
    }
}
