//! Unchanged output files kept from the previous build instead of rewritten.
//!
//! Most rebuilds write mostly the same bytes. Writing them again costs the
//! kernel the copy into new pages, and removing the previous output then
//! frees the old pages: a fifth of a 10,000-page build's CPU. It also gives
//! every file a new modification time, so `rsync` and sync-to-bucket tools
//! upload the whole site each time.
//!
//! So a build remembers what it wrote into an output folder: per file, the
//! xxh3-128 hash of its bytes and its size, modification time, inode and
//! device as written (a manifest in `.praxis-cache/outputs/`, one per output
//! folder, named by a hash of its absolute path). The next build hashes each
//! text file it is about to write; when the hash is the one remembered for
//! that path, it hard-links the previous output's file into the staging
//! folder, and keeps the link only if the linked file still has the
//! remembered size, time, inode and device. A file edited in place since (new
//! time or size) or an output folder replaced by another tool (new inodes) is
//! written anew, as is everything when the manifest is missing, unreadable
//! or torn, or the filesystem has no hard links.
//!
//! The stat is checked on the link itself, after linking: the link names the
//! very inode that was checked, whatever renames happen meanwhile.
//!
//! The manifest is removed before the new output is swapped in and written
//! again only after the swap succeeded, so it never describes a folder it
//! was not made for. Builds that minify or precompress write no manifest.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{WriteError, err, fault};

/// The manifests' folder under the site root.
pub const CACHE_DIR: &str = ".praxis-cache/outputs";

/// The first word of a manifest, with its format's version.
const MAGIC: &str = "praxis-outputs 1";

/// What identifies one file as written: if any of it changed, so may have
/// its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    size: u64,
    mtime: i64,
    mtime_ns: i64,
    ino: u64,
    dev: u64,
}

impl Stat {
    #[cfg(unix)]
    fn of(m: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        m.file_type().is_file().then(|| Stat {
            size: m.size(),
            mtime: m.mtime(),
            mtime_ns: m.mtime_nsec(),
            ino: m.ino(),
            dev: m.dev(),
        })
    }

    /// The stat as one number, to compare with a remembered one.
    fn digest(self) -> u64 {
        let mut b = [0u8; 40];
        for (i, v) in [
            self.size,
            self.mtime as u64,
            self.mtime_ns as u64,
            self.ino,
            self.dev,
        ]
        .into_iter()
        .enumerate()
        {
            b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        xxhash_rust::xxh3::xxh3_64(&b)
    }

    /// Without inode numbers a replaced file cannot be told apart: never keep.
    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<Stat> {
        None
    }
}

/// One remembered file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    hash: u128,
    stat: Stat,
}

/// The manifest of the previous build into one output folder, and the one
/// this build is making.
#[derive(Debug)]
pub struct Kept {
    /// The output folder as it is before the swap: where files are linked from.
    dir: PathBuf,
    /// The manifest file.
    file: PathBuf,
    /// Its first line: the format and the output folder's absolute path.
    header: String,
    /// Keyed by [`key`] of the relative path, with [`Stat::digest`]: no path
    /// or stat is held per file (10,000 pages, a few MB less at the peak).
    previous: HashMap<u64, (u128, u64)>,
    /// What this build put into the staging folder, and whether it is a
    /// link; the paths come from the output when the manifest is saved.
    written: Mutex<HashMap<u64, (Entry, bool)>>,
}

/// A relative path's key in the maps: a hash of its bytes. Two paths with
/// one key could only swap entries whose content hash and file must match
/// too, so a clash writes a file anew at worst.
fn key(rel: &Path) -> u64 {
    xxhash_rust::xxh3::xxh3_64(rel.as_os_str().as_encoded_bytes())
}

/// The manifest file for the output folder `dir` under `cache` and its header.
fn manifest_of(cache: &Path, dir: &Path) -> (PathBuf, String) {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let shown = abs.to_string_lossy();
    let name = format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(abs.as_os_str().as_encoded_bytes())
    );
    (cache.join(name), format!("{MAGIC} {shown}"))
}

/// Removes the manifest of `dir` (its output is about to change some other
/// way); a missing one is fine.
pub fn forget_all(cache: &Path, dir: &Path) {
    let _ = std::fs::remove_file(manifest_of(cache, dir).0);
}

impl Kept {
    /// Reads the manifest of `dir` kept under `cache`; anything wrong with it
    /// only means that nothing is kept.
    pub fn open(cache: &Path, dir: &Path) -> Kept {
        let (file, header) = manifest_of(cache, dir);
        // No previous output (a first build, or one removed by hand): no
        // link to try, so no failed link per file.
        let previous = dir
            .is_dir()
            .then(|| std::fs::read(&file).ok())
            .flatten()
            .and_then(|b| parse(&b, &header))
            .unwrap_or_default();
        let written = HashMap::with_capacity(previous.len());
        Kept {
            dir: dir.to_path_buf(),
            file,
            header,
            previous,
            written: Mutex::new(written),
        }
    }

    /// Puts `bytes` at `path` (the staging folder's `rel`): a link to the
    /// previous output's file when that has these bytes, else a new file.
    pub fn write(&self, path: &Path, rel: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        let hash = xxhash_rust::xxh3::xxh3_128(bytes);
        let k = key(rel);
        if let Some(&(h, want)) = self.previous.get(&k)
            && h == hash
            && let Some(stat) = self.link(rel, path, want)
        {
            self.record(k, Entry { hash, stat }, true);
            return Ok(());
        }
        let stat = write_new(path, bytes)?;
        if let Some(stat) = stat {
            self.record(k, Entry { hash, stat }, false);
        }
        Ok(())
    }

    /// Links the previous output's `rel` to `path` if it is still the file
    /// that was written there (its stat has the digest `want`); its stat.
    fn link(&self, rel: &Path, path: &Path, want: u64) -> Option<Stat> {
        std::fs::hard_link(self.dir.join(rel), path).ok()?;
        let stat = std::fs::symlink_metadata(path)
            .ok()
            .and_then(|m| Stat::of(&m))
            .filter(|s| s.digest() == want);
        if stat.is_none() {
            let _ = std::fs::remove_file(path);
        }
        stat
    }

    fn record(&self, k: u64, entry: Entry, linked: bool) {
        if let Ok(mut w) = self.written.lock() {
            w.insert(k, (entry, linked));
        }
    }

    /// `rel` is about to be written some other way (a copy): drops what this
    /// build recorded for it, and its file if that is a link to the previous
    /// output, which must not be written through.
    pub fn replace(&self, path: &Path, rel: &Path) {
        let gone = self
            .written
            .lock()
            .ok()
            .and_then(|mut w| w.remove(&key(rel)));
        if let Some((_, true)) = gone {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Removes the previous manifest: the output folder is about to change.
    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.file);
    }

    /// Writes the manifest of the output now in place (through a file beside
    /// it and a rename), naming each file written by this build as one of
    /// `paths`; a failure only costs the next build its links.
    pub fn save<'a>(self, paths: impl Iterator<Item = &'a Path>) {
        let written = self.written.into_inner().unwrap_or_default();
        let files = paths.filter_map(|p| written.get(&key(p)).map(|(e, _)| (p, *e)));
        let text = render(&self.header, files);
        if let Some(dir) = self.file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        crate::cache_identity::store(&self.file, text.as_bytes());
    }
}

/// Writes a new file at `path` (never through a file already there, which
/// may be a link into the previous output); its stat as written.
fn write_new(path: &Path, bytes: &[u8]) -> Result<Option<Stat>, WriteError> {
    fault::before_write(bytes.len()).map_err(err("cannot write", path))?;
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut f = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path).map_err(err("cannot write", path))?;
            create()
        }
        other => other,
    }
    .map_err(err("cannot write", path))?;
    f.write_all(bytes).map_err(err("cannot write", path))?;
    Ok(f.metadata().ok().and_then(|m| Stat::of(&m)))
}

/// The manifest's text: the header, a line per file
/// (`HASH SIZE MTIME MTIME_NS INODE DEVICE PATH`), and a last line with the
/// number of files and a hash of all before it, so a torn file is refused.
fn render<'a>(header: &str, files: impl Iterator<Item = (&'a Path, Entry)>) -> String {
    let mut s = String::with_capacity(64 + files.size_hint().0 * 120);
    s.push_str(header);
    s.push('\n');
    let mut n = 0usize;
    for (rel, e) in files {
        let Some(p) = rel.to_str().filter(|p| !p.contains('\n')) else {
            continue;
        };
        let st = e.stat;
        let _ = writeln!(
            s,
            "{:032x} {} {} {} {} {} {p}",
            e.hash, st.size, st.mtime, st.mtime_ns, st.ino, st.dev
        );
        n += 1;
    }
    let sum = xxhash_rust::xxh3::xxh3_64(s.as_bytes());
    let _ = writeln!(s, "end {n} {sum:016x}");
    s
}

/// The entries of a manifest, if it is whole and made for `header`'s folder.
fn parse(bytes: &[u8], header: &str) -> Option<HashMap<u64, (u128, u64)>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body_len = text.strip_suffix('\n')?.rfind('\n')? + 1;
    let (body, last) = text.split_at(body_len);
    let mut end = last.trim_end_matches('\n').split(' ');
    let (Some("end"), Some(n), Some(sum), None) = (end.next(), end.next(), end.next(), end.next())
    else {
        return None;
    };
    let n: usize = n.parse().ok()?;
    if u64::from_str_radix(sum, 16).ok()? != xxhash_rust::xxh3::xxh3_64(body.as_bytes()) {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != header {
        return None;
    }
    let mut out = HashMap::with_capacity(n);
    for line in lines {
        let mut f = line.splitn(7, ' ');
        let hash = u128::from_str_radix(f.next()?, 16).ok()?;
        let stat = Stat {
            size: f.next()?.parse().ok()?,
            mtime: f.next()?.parse().ok()?,
            mtime_ns: f.next()?.parse().ok()?,
            ino: f.next()?.parse().ok()?,
            dev: f.next()?.parse().ok()?,
        };
        out.insert(key(Path::new(f.next()?)), (hash, stat.digest()));
    }
    (out.len() == n).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u64) -> Entry {
        Entry {
            hash: u128::from(i) << 70 | 7,
            stat: Stat {
                size: i,
                mtime: -3,
                mtime_ns: 999_999_999,
                ino: u64::MAX - i,
                dev: 42,
            },
        }
    }

    #[test]
    fn a_manifest_reads_back_and_a_damaged_one_is_refused() {
        let w = [
            (Path::new("index.html"), entry(1)),
            (Path::new("a b/index.html"), entry(2)),
        ];
        let text = render("praxis-outputs 1 /x/public", w.into_iter());
        let back = parse(text.as_bytes(), "praxis-outputs 1 /x/public").expect("parses");
        assert_eq!(back.len(), 2);
        let e = entry(2);
        assert_eq!(
            back[&key(Path::new("a b/index.html"))],
            (e.hash, e.stat.digest())
        );
        let e = entry(1);
        assert_eq!(
            back[&key(Path::new("index.html"))],
            (e.hash, e.stat.digest())
        );

        // Another output folder's, torn, edited, empty or garbage: nothing.
        assert!(parse(text.as_bytes(), "praxis-outputs 1 /y/public").is_none());
        for cut in [0, 1, 10, text.len() / 2, text.len() - 1] {
            assert!(parse(&text.as_bytes()[..cut], "praxis-outputs 1 /x/public").is_none());
        }
        let edited = text.replacen(" 42 ", " 43 ", 1);
        assert!(parse(edited.as_bytes(), "praxis-outputs 1 /x/public").is_none());
        assert!(parse(&[0xff, b'\n', 0, b'\n'], "praxis-outputs 1 /x/public").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_file_is_linked_and_anything_else_is_written() {
        let t = tempfile::tempdir().expect("tempdir");
        let cache = t.path().join("cache");
        let public = t.path().join("public");
        std::fs::create_dir_all(&public).expect("mkdir");
        let kept = Kept::open(&cache, &public);
        for (rel, text) in [
            ("same.html", "same"),
            ("also.html", "also"),
            ("edited.html", "e"),
            ("new.html", "n"),
        ] {
            kept.write(&public.join(rel), Path::new(rel), text.as_bytes())
                .expect("write");
        }
        let names = ["same.html", "also.html", "edited.html", "new.html"].map(Path::new);
        kept.save(names.into_iter());
        let ino = |p: &Path| {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(p).expect("stat").ino()
        };
        let same = ino(&public.join("same.html"));
        // Edited in place after the build, with the same size.
        std::fs::write(public.join("edited.html"), "E").expect("edit");

        let staging = t.path().join("staging");
        std::fs::create_dir_all(&staging).expect("mkdir");
        let kept = Kept::open(&cache, &public);
        for (rel, text) in [
            ("same.html", "same"),
            ("also.html", "also"),
            ("edited.html", "e"),
            ("new.html", "N"),
        ] {
            kept.write(&staging.join(rel), Path::new(rel), text.as_bytes())
                .expect("write");
        }
        assert_eq!(ino(&staging.join("same.html")), same);
        assert_ne!(
            ino(&staging.join("edited.html")),
            ino(&public.join("edited.html"))
        );
        let read = |p: &str| std::fs::read_to_string(staging.join(p)).expect("read");
        assert_eq!(read("edited.html"), "e");
        assert_eq!(read("new.html"), "N");

        // Written again, a linked file is replaced, never written through.
        kept.write(&staging.join("same.html"), Path::new("same.html"), b"other")
            .expect("write");
        assert_eq!(read("same.html"), "other");
        // About to be copied over, a linked file is removed first.
        kept.replace(&staging.join("also.html"), Path::new("also.html"));
        assert!(!staging.join("also.html").exists());
        assert!(public.join("also.html").exists());
        assert_eq!(
            std::fs::read_to_string(public.join("same.html")).expect("read"),
            "same"
        );
    }

    #[test]
    fn a_garbage_manifest_keeps_nothing() {
        let t = tempfile::tempdir().expect("tempdir");
        let cache = t.path().join("cache");
        let public = t.path().join("public");
        std::fs::create_dir_all(&public).expect("mkdir");
        let (file, _) = manifest_of(&cache, &public);
        std::fs::create_dir_all(&cache).expect("mkdir");
        std::fs::write(&file, b"end 1 0\n\xff\xfe garbage").expect("write");
        let kept = Kept::open(&cache, &public);
        assert!(kept.previous.is_empty());
        kept.write(&public.join("a.html"), Path::new("a.html"), b"a")
            .expect("a garbage manifest is no error");
        kept.save([Path::new("a.html"), Path::new("not-written.html")].into_iter());
        assert_eq!(Kept::open(&cache, &public).previous.len(), 1);
        forget_all(&cache, &public);
        assert!(!file.exists());
    }
}
