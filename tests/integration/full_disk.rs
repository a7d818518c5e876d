//! `praxis build` onto a full disk: a clear error naming the file and saying
//! "no space left", exit code 3, the previous site untouched and no temporary
//! folder left behind. On a real small tmpfs where the test may mount one
//! (root on Linux), and always through the debug build's injected full disk
//! (`PRAXIS_FAULT_DISK_FULL_AFTER`), so CI without privileges runs it too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{TestSite, stderr};

const SITE: &str = r#"
-- content/_index.md --
+++
title = "Home"
+++
Welcome.
-- content/articles/hba1c.md --
+++
title = "HbA1c explained"
description = "What the long-term sugar value means"
date = 2026-03-01
+++
The first version.
"#;

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

fn build(site: &TestSite, public: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_praxis"))
        .args(["build", "--output"])
        .arg(public)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run praxis")
}

/// Builds once, then builds a site too big for the disk (`env` makes it so
/// when the disk is not really small) and checks what is left.
fn fails_cleanly_when_full(out: &Path, env: &[(&str, &str)]) {
    let site = TestSite::new(SITE);
    let public = out.join("public");
    let first = build(&site, &public, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = snapshot(&public);
    assert!(before.contains_key(Path::new("articles/hba1c/index.html")));

    // Two megabytes more than before: more than the disk has room for.
    let big: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8).collect();
    site.write_bytes("static/scan.pdf", &big);
    site.write(
        "content/articles/hba1c.md",
        "+++\ntitle = \"HbA1c explained\"\ndescription = \"d\"\ndate = 2026-03-01\n+++\nThe second version.\n",
    );
    let second = build(&site, &public, env);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(3), "{err}");
    assert!(err.to_lowercase().contains("no space left"), "{err}");
    assert!(err.contains(&public.display().to_string()), "{err}");
    assert!(
        !err.contains(".praxis-tmp"),
        "the error names a hidden folder: {err}"
    );
    assert!(err.contains("previous site was kept"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    assert_eq!(snapshot(&public), before, "the previous site changed");
    let leftovers: Vec<_> = std::fs::read_dir(out)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "public")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");

    // Once there is room again, the build goes through.
    std::fs::remove_file(site.root().join("static/scan.pdf")).expect("rm");
    let third = build(&site, &public, &[]);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    let page = std::fs::read_to_string(public.join("articles/hba1c/index.html")).expect("page");
    assert!(page.contains("The second version."));
}

#[test]
fn a_full_disk_fails_cleanly_with_an_injected_failure() {
    let out = tempfile::tempdir().expect("tempdir");
    // More than the small site, less than the big file.
    fails_cleanly_when_full(out.path(), &[("PRAXIS_FAULT_DISK_FULL_AFTER", "1000000")]);
}

/// A small tmpfs mounted on a temporary folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` where mounting is not allowed (not root, not Linux, a container
    /// without the capability).
    fn mount(size: &str) -> Option<Tmpfs> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "praxis-test"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs { dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .status();
        }
    }
}

#[test]
fn a_full_disk_fails_cleanly_on_a_small_tmpfs() {
    let Some(disk) = Tmpfs::mount("1m") else {
        eprintln!("skipped: cannot mount a tmpfs here (the injected-failure test covers this)");
        return;
    };
    fails_cleanly_when_full(disk.dir.path(), &[]);
}
