//! The data-driven bad-input suite: every folder in `tests/bad_inputs/` is a
//! case. Its files are laid over a small good site (config, home page, one
//! article) and `praxis build` runs on it. `expected.txt` lists text that
//! must appear in what praxis prints, one fragment a line; `exit: N` sets the
//! expected exit code (default 1) and `in PATH: TEXT` asks for TEXT in a built
//! file. A failing case must leave no `public/`; a panic fails the test.

use std::path::Path;

use crate::util::{TestSite, praxis_in};

const BASE: &str = "-- praxis.toml --\ntitle = \"Test Practice\"\nbase_url = \"https://example.org\"\ndefault_language = \"en\"\ndefault_authors = [\"doe\"]\n\n[authors.doe]\nname = \"Dr. Jane Doe\"\n-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\nHi.\n-- content/a/good.md --\n+++\ntitle = \"Good\"\n+++\n## Heading\n";

/// Copies every file under `from` (but `expected.txt`) to `to`, bytes as they are.
fn overlay(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.expect("walk case");
        let rel = entry.path().strip_prefix(from).expect("inside case");
        if rel == Path::new("expected.txt") || !entry.file_type().is_file() {
            continue;
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(entry.path(), dest).expect("copy");
    }
}

/// Runs one case; returns what is wrong with it, if anything.
fn run_case(case: &Path) -> Result<(), String> {
    let expected = std::fs::read_to_string(case.join("expected.txt"))
        .map_err(|e| format!("no expected.txt: {e}"))?;
    let site = TestSite::new(BASE);
    overlay(case, site.root());
    let out = praxis_in(site.root(), &["build"]);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let code = out.status.code();
    if printed.contains("panicked") || code == Some(101) {
        return Err(format!("praxis panicked:\n{printed}"));
    }
    let mut want_code = 1;
    let mut problems = Vec::new();
    for line in expected.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(n) = line.strip_prefix("exit: ") {
            want_code = n.parse().map_err(|_| format!("bad `{line}`"))?;
        } else if let Some(rest) = line.strip_prefix("in ") {
            let (path, text) = rest.split_once(": ").ok_or(format!("bad `{line}`"))?;
            let built = std::fs::read_to_string(site.root().join(path)).unwrap_or_default();
            if !built.contains(text) {
                problems.push(format!("{path} does not contain `{text}`"));
            }
        } else if !printed.contains(line) {
            problems.push(format!("missing: {line}"));
        }
    }
    if code != Some(want_code) {
        problems.push(format!("exit code {code:?}, expected {want_code}"));
    }
    if want_code != 0 && site.public().exists() {
        problems.push("a failed build wrote public/".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n--- praxis printed:\n{printed}",
            problems.join("\n")
        ))
    }
}

#[test]
fn every_bad_input_case_gives_its_expected_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/bad_inputs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            run_case(c).err().map(|e| {
                format!(
                    "=== {}\n{e}",
                    c.file_name().unwrap_or_default().to_string_lossy()
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
