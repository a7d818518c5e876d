//! Hardening: pathological Markdown builds or fails cleanly with output in
//! proportion to its input, and a killed build never leaves a partial site.

use praxis::build::{BuildError, build};

use crate::util::{TestSite, file};

/// Builds a site whose one article has `body` as its text; returns the
/// article's HTML, or the rendered errors when the build failed cleanly.
fn build_article(body: &str) -> Result<String, String> {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\n");
    site.write(
        "content/a/big.md",
        &format!("+++\ntitle = \"Big\"\ndescription = \"A pathological article.\"\n+++\n{body}"),
    );
    let opts = praxis::build::BuildOptions {
        card_cache: None,
        citation_cache: None,
        ..site.options()
    };
    match build(&opts) {
        Ok(built) => Ok(file(&built, "a/big/index.html").to_owned()),
        Err(BuildError::Content(ds)) => Err(crate::util::render(&ds)),
        Err(e) => Err(e.to_string()),
    }
}

/// The work done is in proportion to the input: the page is at most `factor`
/// times the body plus the page's frame.
fn assert_proportional(html: &str, body: &str, factor: usize) {
    let frame = 64 * 1024;
    assert!(
        html.len() <= body.len() * factor + frame,
        "{} bytes of HTML from {} bytes of Markdown",
        html.len(),
        body.len()
    );
}

#[test]
fn ten_thousand_nested_list_levels() {
    let body = format!("{}deepest\n", "- ".repeat(10_000));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("deepest"));
    assert_proportional(&html, &body, 20);
}

#[test]
fn ten_thousand_nested_block_quotes() {
    let body = format!("{}deepest\n", "> ".repeat(10_000));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("deepest"));
    assert_proportional(&html, &body, 20);
}

#[test]
fn a_megabyte_of_open_brackets() {
    let body = format!("{}end\n", "[".repeat(1 << 20));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("[[[[[[[[end"));
    assert_proportional(&html, &body, 2);
}

#[test]
fn a_hundred_thousand_backticks() {
    let body = format!(
        "{}code\n\n{}\n",
        "`".repeat(100_000),
        "``a` ".repeat(20_000)
    );
    let html = build_article(&body).expect("builds");
    assert!(html.contains("code"));
    assert_proportional(&html, &body, 10);
}

/// The Markdown stage alone on a 10 MB line (a whole debug build of it spends
/// seconds per megabyte in the page checks, which are linear too; the next
/// test builds a whole site with a 1 MB line).
#[test]
fn a_ten_megabyte_line_renders() {
    use praxis::markdown::{Input, Resolved, Settings, render};
    let text = format!("{}LAST\n", "wort ".repeat(2 * 1024 * 1024));
    let resolve = |_: &str| -> Result<Resolved<String>, (String, String)> {
        Err(("no links here".into(), String::new()))
    };
    let rendered = render(
        &Input {
            text: &text,
            body_offset: 0,
            file: std::path::Path::new("content/big.md"),
        },
        Settings {
            smart_punctuation: true,
            highlight_code: true,
        },
        &resolve,
        None,
    );
    assert!(rendered.diagnostics.is_empty());
    assert_eq!(rendered.word_count, 2 * 1024 * 1024 + 1);
    assert!(rendered.html.ends_with("wort LAST</p>\n"), "one paragraph");
    assert_proportional(&rendered.html, &text, 2);
}

#[test]
fn a_one_megabyte_line_builds() {
    let body = format!("{}LAST\n", "wort ".repeat(200 * 1024));
    let html = build_article(&body).expect("builds");
    assert!(html.contains("wort wort LAST"));
    assert_proportional(&html, &body, 2);
}

#[test]
fn a_large_article() {
    let mut body = String::new();
    for i in 0..4_000 {
        body.push_str(&format!(
            "## Section {i}\n\nThe HbA1c target in part {i} is *individual*; see [the good page](@/_index.md) \
             and `code {i}`.\n\n- item one of {i}\n- item two\n\n> a quote {i}\n\n"
        ));
    }
    let html = build_article(&body).expect("builds");
    assert!(
        html.contains("id=\"section-3999\""),
        "every heading rendered"
    );
    assert_proportional(&html, &body, 6);
}

/// A 50 MB article fails cleanly without being read: the error names the file
/// and its size, and the build's peak memory (sampled from `/proc` on Linux)
/// stays that of a small site, far below the article's size.
#[test]
fn a_fifty_megabyte_article_fails_cleanly_with_bounded_memory() {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\n");
    let small_peak = peak_memory_of_build(&site).1;
    let mut body = String::with_capacity(50 << 20);
    body.push_str("+++\ntitle = \"Big\"\ndescription = \"A huge article.\"\n+++\n");
    let paragraph = "The HbA1c target is *individual*; see [the good page](@/_index.md).\n\n";
    while body.len() < 50 << 20 {
        body.push_str(paragraph);
    }
    site.write("content/a/big.md", &body);
    drop(body);
    let (out, big_peak) = peak_memory_of_build(&site);
    let err = crate::util::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "error: content/a/big.md: the file is 50.0 MB; a Markdown file may be at most 16.0 MB"
        ),
        "{err}"
    );
    assert!(err.contains("split it into several articles"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The small site built first is still there, untouched.
    assert!(site.public().join("index.html").is_file());
    assert!(!site.public().join("a").exists());
    if let (Some(small), Some(big)) = (small_peak, big_peak) {
        assert!(
            big < small + 20 * 1024,
            "peak memory {big} kB with the 50 MB article, {small} kB without"
        );
    }
}

/// Runs `praxis build` and samples its peak resident memory (kB, Linux only).
fn peak_memory_of_build(site: &TestSite) -> (std::process::Output, Option<u64>) {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_praxis"))
        .arg("build")
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run praxis");
    let status = format!("/proc/{}/status", child.id());
    let sampler = std::thread::spawn(move || {
        let mut peak = None;
        // VmHWM is the high-water mark: the last reading before exit is the peak.
        while let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            match hwm {
                Some(kb) => peak = Some(kb),
                None => break, // a zombie: memory already released
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        peak
    });
    let out = child.wait_with_output().expect("wait");
    (out, sampler.join().expect("sampler"))
}

const PAGES: usize = 30;
const BIG_FILES: usize = 40;

/// The site of version `v`: articles and large static files that all carry `v`.
fn write_version(site: &TestSite, v: u32) {
    for i in 0..PAGES {
        site.write(
            &format!("content/a/p{i}.md"),
            &format!(
                "+++\ntitle = \"Page {i}\"\ndescription = \"Page {i} of the kill test.\"\n+++\n{}version-marker-{v}-end\n",
                "Some words about HbA1c targets and kidney function. ".repeat(200)
            ),
        );
    }
    for i in 0..BIG_FILES {
        site.write_bytes(&format!("static/big{i}.bin"), &vec![v as u8; 1 << 20]);
    }
}

/// What a `public/` holds: `Ok(version)` when it is a complete site of one
/// version, else what is wrong.
fn complete_version(public: &std::path::Path, files: &[std::path::PathBuf]) -> Result<u32, String> {
    let mut have: Vec<_> = walkdir::WalkDir::new(public)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(public).expect("inside").to_path_buf())
        .collect();
    have.sort();
    if have != files {
        return Err(format!("{} files instead of {}", have.len(), files.len()));
    }
    let mut versions = std::collections::BTreeSet::new();
    for i in 0..PAGES {
        let html = std::fs::read_to_string(public.join(format!("a/p{i}/index.html")))
            .map_err(|e| e.to_string())?;
        if !html.trim_end().ends_with("</html>") {
            return Err(format!("a/p{i}/index.html is cut short"));
        }
        let v = html
            .split("version-marker-")
            .nth(1)
            .and_then(|r| r.split('-').next())
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or(format!("a/p{i}/index.html has no marker"))?;
        versions.insert(v);
    }
    for i in 0..BIG_FILES {
        let bytes = std::fs::read(public.join(format!("big{i}.bin"))).map_err(|e| e.to_string())?;
        if bytes.len() != 1 << 20 || bytes.iter().any(|b| *b != bytes[0]) {
            return Err(format!("big{i}.bin is partial"));
        }
        versions.insert(u32::from(bytes[0]));
    }
    match versions.len() {
        1 => Ok(versions.into_iter().next().unwrap_or_default()),
        _ => Err(format!("a mix of versions {versions:?}")),
    }
}

/// True when a temporary or set-aside folder of a build is in the site root.
fn leftovers(root: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(root)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".praxis-tmp-") || n.contains(".praxis-old-"))
        .collect()
}

/// A small xorshift generator: random kill points without another crate.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Starts `praxis build`, waits until it creates its own temporary folder,
/// then kills it (SIGKILL) `kill_after_us` later, or lets it finish when
/// `None`. Returns whether it was killed while running and how long after the
/// folder appeared it ended.
fn build_and_kill(site: &TestSite, kill_after_us: Option<u64>) -> (bool, u64) {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_praxis"))
        .args(["build", "--today", "2026-11-24"])
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start praxis");
    let tmp = site
        .root()
        .join(format!(".public.praxis-tmp-{}", child.id()));
    let started = Instant::now();
    while !tmp.exists() {
        if child.try_wait().expect("wait").is_some() {
            return (false, 0);
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "build never wrote"
        );
        std::thread::sleep(Duration::from_micros(100));
    }
    let writing = Instant::now();
    let Some(delay) = kill_after_us else {
        let status = child.wait().expect("wait");
        assert!(status.success(), "the build failed");
        return (false, writing.elapsed().as_micros() as u64);
    };
    std::thread::sleep(Duration::from_micros(delay));
    let running = child.try_wait().expect("wait").is_none();
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    (running, writing.elapsed().as_micros() as u64)
}

#[test]
fn a_build_killed_while_writing_leaves_the_old_or_the_new_site() {
    let site = TestSite::new("-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\n");
    write_version(&site, 1);
    let out = site.praxis(&["build", "--today", "2026-11-24"]);
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    let mut files: Vec<_> = walkdir::WalkDir::new(site.public())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(site.public())
                .expect("inside")
                .to_path_buf()
        })
        .collect();
    files.sort();
    assert_eq!(complete_version(&site.public(), &files), Ok(1));
    // How long the write phase takes, from the temporary folder to the end.
    write_version(&site, 2);
    let (_, window) = build_and_kill(&site, None);
    assert_eq!(complete_version(&site.public(), &files), Ok(2));

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut rng = Rng(seed);
    let mut current = 2;
    let mut killed = 0;
    let mut attempts = 0;
    let mut v = 2;
    // Six kills while writing, at random points; on a busy machine a kill may
    // come after the build ended, so try again (up to 30 builds).
    while killed < 6 && attempts < 30 {
        v += 1;
        attempts += 1;
        write_version(&site, v);
        let delay = rng.below(window);
        if build_and_kill(&site, Some(delay)).0 {
            killed += 1;
        }
        // Killed between its two renames, a build has set the old site aside
        // (the next run of praxis puts it back): it must be complete there.
        let set_aside = leftovers(site.root())
            .into_iter()
            .find(|n| n.contains(".praxis-old-"))
            .map(|n| site.root().join(n));
        let state = match set_aside {
            Some(old) if !site.public().exists() => complete_version(&old, &files),
            _ => complete_version(&site.public(), &files),
        };
        assert!(
            state == Ok(current) || state == Ok(v),
            "seed {seed}, version {v}, killed {delay} µs into a {window} µs write: public/ is {state:?}"
        );
        current = state.unwrap_or(current);
    }
    assert!(
        killed >= 3,
        "only {killed} of {attempts} builds were killed while writing (window {window} µs)"
    );

    // The next build cleans what the killed ones left and writes the new site.
    let v = v + 1;
    write_version(&site, v);
    let out = site.praxis(&["build", "--today", "2026-11-24"]);
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    assert_eq!(complete_version(&site.public(), &files), Ok(v));
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}
