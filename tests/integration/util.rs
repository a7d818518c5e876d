//! Fixture sites written inline, as `-- path --` blocks, and helpers to build them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use praxis::build::{BuildError, BuildOptions, Built, build};
use praxis::date::Date;
use praxis::diagnostics::Diagnostics;

pub const CONFIG: &str = "title = \"Test Practice\"\nbase_url = \"https://example.org\"\ndefault_language = \"en\"\nlanguages = [\"de\"]\ndefault_authors = [\"doe\"]\n\n[authors.doe]\nname = \"Dr. Jane Doe\"\ncredentials = \"General practitioner\"\n\n[authors.roe]\nname = \"Dr. Richard Roe\"\ncredentials = \"Cardiologist\"\n";

/// A site in a temporary folder.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// Splits a spec into `(path, text)` blocks.
fn blocks(spec: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in spec.split_inclusive('\n') {
        let t = line.trim_end();
        if let Some(name) = t.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --")) {
            out.push((name.to_owned(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
        }
    }
    out
}

impl TestSite {
    /// Writes every `-- path --` block of `spec` into a new temporary folder.
    /// A spec without `-- praxis.toml --` gets [`CONFIG`].
    pub fn new(spec: &str) -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        let files = blocks(spec);
        if !files.iter().any(|(n, _)| n == "praxis.toml") {
            site.write("praxis.toml", CONFIG);
        }
        for (name, text) in files {
            site.write(&name, &text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write");
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            today: Date::from_ymd(2026, 11, 24).expect("date"),
            ..BuildOptions::new(self.root())
        }
    }

    /// Builds in memory; panics with the diagnostics when it fails.
    pub fn build(&self) -> Built {
        match build(&self.options()) {
            Ok(b) => b,
            Err(BuildError::Content(ds)) => panic!("build failed:\n{}", render(&ds)),
            Err(e) => panic!("build failed: {e}"),
        }
    }

    /// Builds in memory and expects content errors.
    pub fn errors(&self) -> Diagnostics {
        match build(&self.options()) {
            Ok(_) => panic!("the build should have failed"),
            Err(BuildError::Content(ds)) => ds,
            Err(e) => panic!("expected content errors, got: {e}"),
        }
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs the praxis binary in the site's folder.
    pub fn praxis(&self, args: &[&str]) -> Output {
        praxis_in(self.root(), args)
    }
}

pub fn praxis_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_praxis"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run praxis")
}

pub fn render(ds: &Diagnostics) -> String {
    ds.iter().map(|d| d.render(false)).collect()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The text of a built file; panics with the list of files when it is missing.
pub fn file<'a>(built: &'a Built, path: &str) -> &'a str {
    built.output.text(path).unwrap_or_else(|| {
        let all: Vec<_> = built
            .output
            .paths()
            .map(|p| p.display().to_string())
            .collect();
        panic!("no {path} in the output; have:\n{}", all.join("\n"))
    })
}
