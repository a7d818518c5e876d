//! The built site in memory, and writing it to disk without ever leaving a
//! half-written `public/`.
//!
//! A build produces an [`Output`]: every file's path and content (or the file
//! to copy). [`write_atomic`] writes it into a hidden sibling folder on the
//! same filesystem, then swaps it in with two renames: the old folder aside,
//! the new one in, the old one deleted last. A build that fails or is killed
//! leaves the previous site untouched; leftovers of a killed build are removed
//! by the next one.
//!
//! `praxis build` does not keep its pages in memory until the end: a
//! [`Staging`] folder is made before rendering, each page is written into it
//! as soon as it is rendered ([`Staging::write_text`]) and only what the checks
//! need of it is kept ([`Content::Written`]); [`Staging::finish`] writes the
//! rest and swaps the folder in. Dropping an unfinished `Staging` removes it.
//!
//! Given the site's cache ([`Staging::keeping_unchanged`]), a file with the
//! same bytes as in the previous output is hard-linked from there instead of
//! written ([`kept`]), so it keeps its modification time.

mod fault;
pub mod kept;

use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// What goes into one output file.
#[derive(Debug, Clone)]
pub enum Content {
    Text(String),
    /// Text shared with the memo of `praxis serve` (no copy per rebuild).
    Shared(std::sync::Arc<str>),
    Bytes(Vec<u8>),
    Static(&'static [u8]),
    /// Copy this file.
    Copy(PathBuf),
    /// A file of praxis's own cache (a share card): hard-linked where the
    /// filesystem allows, which writes no bytes, else copied. The cache
    /// replaces its files by renaming, so a linked output never changes.
    Cached(PathBuf),
    /// Already written into the [`Staging`] folder; what the checks need of it.
    Written(std::sync::Arc<Written>),
}

/// What is kept of a text file written as soon as it was rendered: what the
/// checks would otherwise read in its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The values `#fragment` links can name (`id="…"`, `name="…"`), sorted.
    pub anchors: crate::check::anchor_set::AnchorSet,
    /// For HTML: the URLs on other servers it loads, each with its tag.
    pub remote: Box<[(String, String)]>,
}

/// The whole built site, before it touches the disk.
#[derive(Debug, Default)]
pub struct Output {
    files: Vec<(PathBuf, Content)>,
}

impl Output {
    pub fn add(&mut self, path: impl Into<PathBuf>, content: Content) {
        self.files.push((path.into(), content));
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(p, _)| p.as_path())
    }

    /// The text of an output file (for tests and `check`).
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.iter().find_map(|(p, c)| match c {
            Content::Text(t) if p == Path::new(path) => Some(t.as_str()),
            Content::Shared(t) if p == Path::new(path) => Some(&**t),
            _ => None,
        })
    }

    /// Every text file with its path (for `check`).
    pub fn texts(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().filter_map(|(p, c)| match c {
            Content::Text(t) => Some((p.as_path(), t.as_str())),
            Content::Shared(t) => Some((p.as_path(), &**t)),
            _ => None,
        })
    }

    /// Every file with its path, in the order added (duplicates included).
    pub fn entries(&self) -> impl Iterator<Item = (&Path, &Content)> {
        self.files.iter().map(|(p, c)| (p.as_path(), c))
    }

    /// Every text file with its path and, when it is shared with the rebuild
    /// memo, the shared text itself (for checks).
    pub fn text_entries(
        &self,
    ) -> impl Iterator<Item = (&Path, &str, Option<&std::sync::Arc<str>>)> {
        self.files.iter().filter_map(|(p, c)| match c {
            Content::Text(t) => Some((p.as_path(), t.as_str(), None)),
            Content::Shared(t) => Some((p.as_path(), &**t, Some(t))),
            _ => None,
        })
    }

    /// Every file once (later entries win, as when writing), for serving from
    /// memory.
    pub fn into_files(self) -> Vec<(PathBuf, Content)> {
        let mut seen = BTreeSet::new();
        let mut out: Vec<_> = self
            .files
            .into_iter()
            .rev()
            .filter(|(p, _)| seen.insert(p.clone()))
            .collect();
        out.reverse();
        out
    }

    /// Every entry in the order added, paths given twice included: for a
    /// caller that keys them itself, a later entry replacing an earlier
    /// (cheaper than [`Output::into_files`] for 20,000 files).
    pub fn into_entries(self) -> Vec<(PathBuf, Content)> {
        self.files
    }

    /// Later entries win when two share a path (site static files over theme
    /// ones). The paths are borrowed and hashed, not cloned into a sorted set:
    /// on 20,000 files that sorting was a stretch with one core idle.
    fn deduplicated(&self) -> Vec<&(PathBuf, Content)> {
        let mut seen: HashSet<&Path> = HashSet::with_capacity(self.files.len());
        let mut out: Vec<_> = self
            .files
            .iter()
            .rev()
            .filter(|(p, _)| seen.insert(p.as_path()))
            .collect();
        out.reverse();
        out
    }
}

/// A failure while writing, naming the path.
#[derive(Debug, thiserror::Error)]
#[error("{action} {path}: {source}")]
pub struct WriteError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

fn err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError {
        action,
        path: path.to_path_buf(),
        source,
    }
}

const TMP_MARK: &str = ".praxis-tmp-";
const OLD_MARK: &str = ".praxis-old-";

/// What happens to files on their way to disk (`praxis build --minify --precompress`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Minify HTML, CSS and JavaScript (see [`crate::minify`]).
    pub minify: bool,
    /// Write `.gz` and `.br` beside every text file.
    pub precompress: bool,
}

/// Writes `output` to `dir`, replacing what was there only once all is written.
pub fn write_atomic(output: &Output, dir: &Path) -> Result<(), WriteError> {
    write_atomic_with(output, dir, WriteOptions::default())
}

/// [`write_atomic`], minifying and precompressing as `opts` say; all of it
/// happens in the temporary folder, so a failure still keeps the old site.
pub fn write_atomic_with(
    output: &Output,
    dir: &Path,
    opts: WriteOptions,
) -> Result<(), WriteError> {
    Staging::new(dir, opts)?.finish(output)
}

/// A hidden folder beside `dir` that a build writes into; [`Staging::finish`]
/// swaps it in. Dropped unfinished (a failed build), it is removed and `dir`
/// stays as it was.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    opts: WriteOptions,
    done: bool,
    /// Where the manifests of unchanged files are kept (`.praxis-cache/outputs`).
    cache: Option<PathBuf>,
    /// With default options and a cache: what can be kept, what was written.
    kept: Option<kept::Kept>,
}

impl Staging {
    /// Puts back a site a killed build left aside, removes leftovers of
    /// killed builds and makes the empty temporary folder.
    pub fn new(dir: &Path, opts: WriteOptions) -> Result<Staging, WriteError> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        std::fs::create_dir_all(&parent).map_err(err("cannot create", &parent))?;
        recover_interrupted(dir);
        remove_leftovers(&parent, &name);
        let tmp = parent.join(format!(".{name}{TMP_MARK}{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(err("cannot remove", &tmp))?;
        }
        let staging = Staging {
            tmp,
            dir: dir.to_path_buf(),
            parent,
            name,
            opts,
            done: false,
            cache: None,
            kept: None,
        };
        std::fs::create_dir_all(&staging.tmp)
            .map_err(|e| staging.named(err("cannot create", &staging.tmp)(e)))?;
        Ok(staging)
    }

    /// Keeps files unchanged since the previous build (links them from the
    /// previous output, see [`kept`]), remembering what was written in
    /// `cache`; `None` writes every file.
    pub fn keeping_unchanged(mut self, cache: Option<&Path>) -> Staging {
        self.cache = cache.map(Path::to_path_buf);
        self.kept = match cache {
            Some(c) if cfg!(unix) && self.opts == WriteOptions::default() => {
                Some(kept::Kept::open(c, &self.dir))
            }
            _ => None,
        };
        self
    }

    /// The error with the path as the user knows it, not inside the hidden folder.
    fn named(&self, mut e: WriteError) -> WriteError {
        if let Ok(rel) = e.path.strip_prefix(&self.tmp) {
            e.path = self.dir.join(rel);
        }
        e
    }

    /// Writes one text file now (minified and precompressed as asked); safe
    /// to call from many threads at once.
    pub fn write_text(&self, rel: &Path, text: &str) -> Result<(), WriteError> {
        let path = self.tmp.join(rel);
        let made = match path.parent() {
            Some(d) => std::fs::create_dir_all(d).map_err(err("cannot create", d)),
            None => Ok(()),
        };
        made.and_then(|()| match &self.kept {
            Some(k) => k.write(&path, rel, text.as_bytes()),
            None => write_one(&path, rel, Bytes::Borrowed(text.as_bytes()), self.opts),
        })
        .map_err(|e| self.named(e))
    }

    /// Writes every file of `output` not written yet, then swaps the folder
    /// in for `dir`.
    pub fn finish(mut self, output: &Output) -> Result<(), WriteError> {
        write_tree(output, &self.tmp, self.opts, self.kept.as_ref()).map_err(|e| self.named(e))?;
        // The manifest describes the folder about to be moved aside: gone
        // before the swap, written anew only once the new folder is in.
        match (&self.kept, &self.cache) {
            (Some(k), _) => k.forget(),
            (None, Some(c)) => kept::forget_all(c, &self.dir),
            (None, None) => {}
        }
        let swapped = swap_in(&self.tmp, &self.dir, &self.parent, &self.name);
        // Swapped in, there is nothing to remove; failed, `Drop` removes it.
        self.done = swapped.is_ok();
        if swapped.is_ok()
            && let Some(k) = self.kept.take()
        {
            let texts = output.deduplicated().into_iter().filter_map(|(p, c)| {
                let text = !matches!(c, Content::Copy(_) | Content::Cached(_));
                text.then_some(p.as_path())
            });
            k.save(texts);
        }
        swapped
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Puts the previous site back when a build was killed between its two
/// renames (the old folder moved aside, the new one not yet in place):
/// `dir` is missing and a `.NAME.praxis-old-*` folder holds the complete
/// previous site. Run before building, so even a failing build leaves the
/// previous site where it was.
pub fn recover_interrupted(dir: &Path) {
    if dir.exists() {
        return;
    }
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = format!(".{}{OLD_MARK}", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let old = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix.as_str()))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
    if let Some(old) = old {
        let _ = std::fs::rename(old.path(), dir);
    }
}

/// Removes temporary folders left by earlier, killed builds of `name`.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}{TMP_MARK}"), format!(".{name}{OLD_MARK}")];
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn write_tree(
    output: &Output,
    root: &Path,
    opts: WriteOptions,
    kept: Option<&kept::Kept>,
) -> Result<(), WriteError> {
    let files: Vec<_> = output
        .deduplicated()
        .into_iter()
        .filter(|(_, c)| !matches!(c, Content::Written(_)))
        .collect();
    let dirs: HashSet<&Path> = files
        .iter()
        .filter_map(|(p, _)| p.parent())
        .chain(std::iter::once(Path::new("")))
        .collect();
    // In parallel: `create_dir_all` takes a parent made meanwhile by another
    // thread as made.
    dirs.par_iter().try_for_each(|d| {
        let d = root.join(d);
        std::fs::create_dir_all(&d).map_err(err("cannot create", &d))
    })?;
    files.par_iter().try_for_each(|(rel, content)| {
        let path = root.join(rel);
        let bytes = match content {
            Content::Text(t) => Bytes::Borrowed(t.as_bytes()),
            Content::Shared(t) => Bytes::Borrowed(t.as_bytes()),
            Content::Bytes(b) => Bytes::Borrowed(b),
            Content::Static(b) => Bytes::Borrowed(b),
            Content::Copy(src) => Bytes::Copy(src),
            Content::Cached(src) => Bytes::Link(src),
            Content::Written(_) => return Ok(()),
        };
        match (kept, bytes) {
            (Some(k), Bytes::Borrowed(b)) => k.write(&path, rel, b),
            (Some(k), bytes) => {
                k.replace(&path, rel);
                write_one(&path, rel, bytes, opts)
            }
            (None, bytes) => write_one(&path, rel, bytes, opts),
        }
    })
}

/// Where one output file's bytes come from.
enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Copy(&'a Path),
    /// A cache file: hard-linked where the filesystem allows.
    Link(&'a Path),
}

/// Writes one output file, processed as `opts` say.
fn write_one(
    path: &Path,
    rel: &Path,
    bytes: Bytes<'_>,
    opts: WriteOptions,
) -> Result<(), WriteError> {
    if opts != WriteOptions::default() {
        return write_processed(path, rel, bytes, opts);
    }
    match bytes {
        Bytes::Borrowed(b) => write_file(path, b),
        Bytes::Copy(src) => copy_file(src, path),
        Bytes::Link(src) => std::fs::hard_link(src, path).or_else(|_| copy_file(src, path)),
    }
}

/// Copies `src` to the output file `path`.
fn copy_file(src: &Path, path: &Path) -> Result<(), WriteError> {
    let len = std::fs::metadata(src).map_or(0, |m| m.len());
    fault::before_write(usize::try_from(len).unwrap_or(usize::MAX))
        .map_err(err("cannot write", path))?;
    std::fs::copy(src, path).map(|_| ()).map_err(|e| {
        // Reading the source or writing the copy: name the one at fault.
        if std::fs::metadata(src).is_ok() {
            err("cannot write", path)(e)
        } else {
            err("cannot copy", src)(e)
        }
    })
}

/// Writes one output file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    fault::before_write(bytes.len()).map_err(err("cannot write", path))?;
    std::fs::write(path, bytes).map_err(err("cannot write", path))
}

/// Writes one file minified and/or with `.gz` and `.br` siblings.
fn write_processed(
    path: &Path,
    rel: &Path,
    bytes: Bytes<'_>,
    opts: WriteOptions,
) -> Result<(), WriteError> {
    let bytes: std::borrow::Cow<'_, [u8]> = match bytes {
        Bytes::Borrowed(b) => b.into(),
        Bytes::Copy(src) | Bytes::Link(src) => {
            std::fs::read(src).map_err(err("cannot copy", src))?.into()
        }
    };
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = if opts.minify {
        crate::minify::minify(&ext, &bytes).map_or(bytes, Into::into)
    } else {
        bytes
    };
    write_file(path, &bytes)?;
    if opts.precompress && crate::minify::COMPRESSED_EXTS.contains(&ext.as_str()) {
        for (suffix, packed) in crate::minify::precompress(&bytes) {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let out = PathBuf::from(name);
            write_file(&out, &packed)?;
        }
    }
    Ok(())
}

/// Removes the folder `dir` and everything in it: a site is thousands of
/// small files, and unlinking them one by one was a tenth of a build. The
/// files of one folder (`cards/` holds half of a site's files) are spread
/// over threads, and so are its subfolders; the first failure is returned,
/// naming the file or folder that could not be removed.
fn remove_tree(dir: &Path) -> Result<(), WriteError> {
    let mut subdirs = Vec::new();
    let mut files = Vec::new();
    let listed = std::fs::read_dir(dir).map_err(err("cannot remove", dir))?;
    for e in listed {
        let e = e.map_err(err("cannot remove", dir))?;
        let is_dir = e
            .file_type()
            .map_err(err("cannot remove", &e.path()))?
            .is_dir();
        if is_dir {
            subdirs.push(e.path());
        } else {
            files.push(e.path());
        }
    }
    let (removed, emptied) = rayon::join(
        || remove_files(&files),
        || subdirs.par_iter().try_for_each(|d| remove_tree(d)),
    );
    removed?;
    emptied?;
    std::fs::remove_dir(dir).map_err(err("cannot remove", dir))
}

/// How many files one thread removes at a time: few enough to spread a
/// folder of a few hundred files, many enough that handing them over costs
/// little beside the unlinks.
const REMOVALS_PER_JOB: usize = 64;

/// Removes files (not folders; a link is removed, not what it points to),
/// in parallel when there are many.
fn remove_files(files: &[PathBuf]) -> Result<(), WriteError> {
    let one = |f: &PathBuf| std::fs::remove_file(f).map_err(err("cannot remove", f));
    if files.len() <= REMOVALS_PER_JOB {
        return files.iter().try_for_each(one);
    }
    files
        .par_iter()
        .with_min_len(REMOVALS_PER_JOB)
        .try_for_each(one)
}

fn swap_in(tmp: &Path, dir: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if dir.exists() {
        let old = parent.join(format!(".{name}{OLD_MARK}{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(err("cannot move aside", dir))?;
        if let Err(e) = std::fs::rename(tmp, dir) {
            let _ = std::fs::rename(&old, dir);
            return Err(err("cannot move into place", dir)(e));
        }
        remove_tree(&old)?;
    } else {
        std::fs::rename(tmp, dir).map_err(err("cannot move into place", dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn removing_a_tree_deletes_links_not_what_they_point_to() {
        let t = tempfile::tempdir().expect("tempdir");
        let keep = t.path().join("keep");
        std::fs::create_dir_all(&keep).expect("mkdir");
        std::fs::write(keep.join("f.txt"), "kept").expect("write");
        let old = t.path().join("old");
        for d in ["a/b/c", "a/d", "e"] {
            std::fs::create_dir_all(old.join(d)).expect("mkdir");
            std::fs::write(old.join(d).join("index.html"), d).expect("write");
        }
        std::os::unix::fs::symlink(&keep, old.join("a/link")).expect("symlink");
        std::fs::hard_link(keep.join("f.txt"), old.join("e/hard.txt")).expect("link");
        remove_tree(&old).expect("remove");
        assert!(!old.exists());
        assert_eq!(
            std::fs::read_to_string(keep.join("f.txt")).ok().as_deref(),
            Some("kept")
        );
        assert!(remove_tree(&old).is_err(), "a missing folder is an error");
    }

    #[test]
    fn removing_a_tree_with_a_large_folder_removes_all_of_it() {
        let t = tempfile::tempdir().expect("tempdir");
        let old = t.path().join("old");
        let cards = old.join("cards");
        std::fs::create_dir_all(&cards).expect("mkdir");
        for i in 0..(REMOVALS_PER_JOB * 5 + 3) {
            std::fs::write(cards.join(format!("{i}.png")), "png").expect("write");
        }
        for d in ["a/b/c", "a/d", "e"] {
            let dir = old.join(d);
            std::fs::create_dir_all(&dir).expect("mkdir");
            for i in 0..(REMOVALS_PER_JOB + 1) {
                std::fs::write(dir.join(format!("{i}.html")), d).expect("write");
            }
        }
        std::fs::create_dir_all(old.join("empty/inner")).expect("mkdir");
        std::fs::write(old.join("index.html"), "home").expect("write");
        remove_tree(&old).expect("remove");
        assert!(!old.exists());
        assert_eq!(std::fs::read_dir(t.path()).expect("list").count(), 0);
    }

    #[test]
    fn a_failed_removal_names_what_could_not_be_removed() {
        let t = tempfile::tempdir().expect("tempdir");
        let mut files: Vec<PathBuf> = (0..(REMOVALS_PER_JOB * 3))
            .map(|i| t.path().join(format!("{i}.html")))
            .collect();
        for f in &files {
            std::fs::write(f, "x").expect("write");
        }
        let gone = t.path().join("already-gone.html");
        files.insert(REMOVALS_PER_JOB * 2, gone.clone());
        let e = remove_files(&files).expect_err("a missing file cannot be removed");
        assert_eq!(e.action, "cannot remove");
        assert_eq!(e.path, gone);
        assert_eq!(e.source.kind(), io::ErrorKind::NotFound);

        let missing = t.path().join("no-such-folder");
        let e = remove_tree(&missing).expect_err("a missing folder is an error");
        assert_eq!(e.path, missing);
        assert!(e.to_string().starts_with("cannot remove "), "{e}");
    }

    #[test]
    fn replaces_the_folder_and_cleans_leftovers() {
        let t = tempfile::tempdir().expect("tempdir");
        let out = t.path().join("public");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(out.join("stale.html"), "old").expect("write");
        let leftover = t.path().join(".public.praxis-tmp-99999");
        std::fs::create_dir_all(&leftover).expect("mkdir");

        let mut o = Output::default();
        o.add("a/index.html", Content::Text("A".into()));
        o.add("style.css", Content::Static(b"x"));
        o.add("style.css", Content::Text("site wins".into()));
        write_atomic(&o, &out).expect("write");

        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html"))
                .ok()
                .as_deref(),
            Some("A")
        );
        assert_eq!(
            std::fs::read_to_string(out.join("style.css"))
                .ok()
                .as_deref(),
            Some("site wins")
        );
        assert!(!out.join("stale.html").exists());
        assert!(!leftover.exists());
        let names: Vec<_> = std::fs::read_dir(t.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_build_killed_between_the_renames_gets_the_old_site_back() {
        let t = tempfile::tempdir().expect("tempdir");
        let out = t.path().join("public");
        let old = t.path().join(".public.praxis-old-4242");
        std::fs::create_dir_all(&old).expect("mkdir");
        std::fs::write(old.join("index.html"), "old").expect("write");
        std::fs::create_dir_all(t.path().join(".public.praxis-tmp-4242")).expect("mkdir");
        recover_interrupted(&out);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html"))
                .ok()
                .as_deref(),
            Some("old")
        );
        assert!(!old.exists());
        // A site in place is never replaced by a leftover.
        std::fs::create_dir_all(&old).expect("mkdir");
        std::fs::write(old.join("index.html"), "older").expect("write");
        recover_interrupted(&out);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html"))
                .ok()
                .as_deref(),
            Some("old")
        );
    }

    #[test]
    fn a_staging_folder_is_removed_unless_it_is_swapped_in() {
        let t = tempfile::tempdir().expect("tempdir");
        let out = t.path().join("public");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(out.join("index.html"), "old").expect("write");
        let staging = Staging::new(&out, WriteOptions::default()).expect("staging");
        staging
            .write_text(Path::new("a/b/index.html"), "early")
            .expect("write");
        drop(staging);
        assert_eq!(std::fs::read_dir(t.path()).expect("list").count(), 1);

        let staging = Staging::new(&out, WriteOptions::default()).expect("staging");
        staging
            .write_text(Path::new("a/index.html"), "streamed")
            .expect("write");
        let mut o = Output::default();
        o.add("a/index.html", Content::Written(Default::default()));
        o.add("b.txt", Content::Text("at the end".into()));
        staging.finish(&o).expect("finish");
        let read = |p: &str| std::fs::read_to_string(out.join(p)).ok();
        assert_eq!(read("a/index.html").as_deref(), Some("streamed"));
        assert_eq!(read("b.txt").as_deref(), Some("at the end"));
        assert_eq!(read("index.html"), None);
        assert_eq!(std::fs::read_dir(t.path()).expect("list").count(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_site() {
        let t = tempfile::tempdir().expect("tempdir");
        let out = t.path().join("public");
        std::fs::create_dir_all(&out).expect("mkdir");
        std::fs::write(out.join("index.html"), "old").expect("write");
        let mut o = Output::default();
        o.add("index.html", Content::Text("new".into()));
        o.add("x.png", Content::Copy(t.path().join("missing.png")));
        assert!(write_atomic(&o, &out).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html"))
                .ok()
                .as_deref(),
            Some("old")
        );
        assert_eq!(std::fs::read_dir(t.path()).expect("list").count(), 1);
    }
}
