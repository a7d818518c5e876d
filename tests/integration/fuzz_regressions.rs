//! Fuzz finds stay fixed: every file in `fuzz/regressions/<target>/` goes
//! through the same entry function its fuzz target calls
//! (`praxis::fuzzing`), under plain `cargo test`. No input may panic, and
//! every error must keep the error contract (a file, and a line and column
//! inside it where the file has text).

use std::path::Path;

use praxis::fuzzing::{TARGETS, check_contract};

#[test]
fn every_fuzz_regression_input_keeps_the_error_contract() {
    replay("fuzz/regressions", true);
}

/// Replays a whole local fuzz corpus (`fuzz/corpus/`, not kept in git), e.g.
/// after changing the contract: `cargo test --test integration replay_fuzz_corpora -- --ignored`.
#[test]
#[ignore = "needs a local fuzz corpus"]
fn replay_fuzz_corpora() {
    replay("fuzz/corpus", false);
}

fn replay(folder: &str, required: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if required => panic!("{} must exist: {e}", dir.display()),
            Err(_) => continue,
        };
        let mut files: Vec<_> = entries
            .map(|e| e.expect("read entry").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(
            !(required && files.is_empty()),
            "{} has no inputs",
            dir.display()
        );
        for file in files {
            count += 1;
            let data = std::fs::read(&file).expect("read input");
            let outcome = std::panic::catch_unwind(|| target(&data));
            let shown = file.strip_prefix(&root).unwrap_or(&file).display();
            match outcome {
                Err(_) => failures.push(format!("{shown}: panicked")),
                Ok(outcome) => {
                    if let Err(why) = check_contract(&outcome) {
                        failures.push(format!("{shown}: {why}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} inputs in {folder} fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_contract_rejects_an_error_without_a_place() {
    let outcome = praxis::fuzzing::Outcome {
        text: "title = 1\n".into(),
        diagnostics: vec![
            praxis::diagnostics::Diagnostic::error("config", "bad").in_file("praxis.toml"),
        ],
    };
    let why = check_contract(&outcome).expect_err("no line");
    assert!(why.contains("names no line and column"), "{why}");
}
