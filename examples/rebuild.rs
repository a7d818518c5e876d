//! Times incremental rebuilds (what `praxis serve` does after a save), without
//! the server and the file watcher: builds a site once, then appends a
//! sentence to one article and rebuilds with the memo, several times.
//!
//! `cargo run --release --example rebuild -- SITE [TIMES]`

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use praxis::build::{BuildOptions, build_with};
use praxis::incremental::Memo;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: rebuild SITE [TIMES]");
        std::process::exit(2);
    };
    let times: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(5);
    let opts = BuildOptions::new(&root);
    let mut memo = Memo::new();
    let t = Instant::now();
    if let Err(e) = build_with(&opts, &mut memo) {
        eprintln!("the first build failed: {e}");
        std::process::exit(1);
    }
    println!("first build: {} ms", t.elapsed().as_millis());
    let article = walkdir::WalkDir::new(std::path::Path::new(&root).join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "md")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .expect("an article");
    let original = std::fs::read_to_string(&article).expect("read the article");
    for i in 0..times {
        std::fs::write(&article, format!("{original}\nOne more sentence, {i}.\n")).expect("write");
        memo.changed(std::slice::from_ref(&article));
        let t = Instant::now();
        match build_with(&opts, &mut memo) {
            Ok(b) => {
                let stages: Vec<String> = b
                    .timings
                    .iter()
                    .map(|(s, ms)| format!("{s} {ms}"))
                    .collect();
                println!(
                    "rebuild: {} ms ({}); Markdown rendered {}, templates rendered {}",
                    t.elapsed().as_millis(),
                    stages.join(", "),
                    b.stats.reuse.markdown.computed,
                    b.stats.reuse.templates.computed
                );
            }
            Err(e) => eprintln!("rebuild failed: {e}"),
        }
    }
    std::fs::write(&article, original).expect("restore the article");
}
