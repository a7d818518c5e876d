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
    let cpu_before = cpu_ms();
    let mut walls = Vec::new();
    for i in 0..times {
        std::fs::write(&article, format!("{original}\nOne more sentence, {i}.\n")).expect("write");
        memo.changed(std::slice::from_ref(&article));
        let t = Instant::now();
        match build_with(&opts, &mut memo) {
            Ok(b) => {
                walls.push(t.elapsed().as_millis());
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
    walls.sort_unstable();
    if let (Some(median), Some(before), Some(after)) =
        (walls.get(walls.len() / 2), cpu_before, cpu_ms())
    {
        // CPU time is steadier than wall time on a machine others share.
        println!(
            "median rebuild {median} ms; CPU {:.1} ms per rebuild (user + system, both cores)",
            (after - before) as f64 / times as f64
        );
    }
}

/// This process's CPU time so far (Linux: /proc/self/stat, in clock ticks of
/// 10 ms), or `None` elsewhere.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10)
}
