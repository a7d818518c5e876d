//! Incremental rebuilds (`praxis serve`) against fresh full builds.
//!
//! A property test: random sequences of edits to a copy of `example-site`
//! (change, add, rename and delete articles; change tags, headings, links, the
//! bibliography and the configuration). After each edit the site is rebuilt
//! with the memo of the previous builds and, separately, from scratch; every
//! output file must be byte for byte the same, and a build that fails must
//! fail the same way. Stale pages after edits are the most reported serve bug
//! of peers; this is the test that keeps them out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use praxis::build::{BuildError, BuildOptions, Built, build, build_with};
use praxis::date::Date;
use praxis::incremental::Memo;
use praxis::output::Content;

fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).expect("prefix");
        if rel.starts_with("public") || rel.starts_with(".praxis-cache") {
            continue;
        }
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&entry, &dest).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every output file's bytes (copied files by their content too).
fn files(built: Built) -> BTreeMap<PathBuf, Vec<u8>> {
    built
        .output
        .into_files()
        .into_iter()
        .map(|(p, c)| {
            let bytes = match c {
                Content::Text(t) => t.into_bytes(),
                Content::Shared(t) => t.as_bytes().to_vec(),
                Content::Bytes(b) => b,
                Content::Static(b) => b.to_vec(),
                Content::Copy(src) | Content::Cached(src) => {
                    std::fs::read(src).expect("copied file")
                }
                Content::Written(_) => panic!("a build in memory writes nothing"),
            };
            (p, bytes)
        })
        .collect()
}

/// The outcome of a build, comparable across builds.
#[derive(Debug, PartialEq)]
enum Outcome {
    Built {
        files: BTreeMap<PathBuf, Vec<u8>>,
        warnings: Vec<String>,
    },
    Failed(Vec<String>),
}

fn outcome(r: Result<Built, BuildError>) -> Outcome {
    match r {
        Ok(b) => {
            let warnings = b.diagnostics.iter().map(|d| d.render(false)).collect();
            Outcome::Built {
                files: files(b),
                warnings,
            }
        }
        Err(BuildError::Content(ds)) => {
            Outcome::Failed(ds.iter().map(|d| d.render(false)).collect())
        }
        Err(e) => Outcome::Failed(vec![e.to_string()]),
    }
}

/// A small deterministic generator (xorshift), so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    opts: BuildOptions,
    added: usize,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"),
            &root,
        );
        let opts = BuildOptions {
            today: Date::from_ymd(2026, 11, 24).expect("date"),
            // Cards are drawn from the same cache by both builds.
            card_cache: Some(root.join(".praxis-cache/cards")),
            citation_cache: None,
            ..BuildOptions::new(&root)
        };
        Site {
            _dir: dir,
            root,
            opts,
            added: 0,
        }
    }

    fn articles(&self) -> Vec<PathBuf> {
        walk(&self.root.join("content"))
            .into_iter()
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('_'))
            })
            .collect()
    }

    fn read(&self, p: &Path) -> String {
        std::fs::read_to_string(p).expect("read")
    }

    fn write(&self, p: &Path, text: &str) {
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// Applies one random edit; returns its description and the changed paths.
    fn edit(&mut self, rng: &mut Rng) -> (String, Vec<PathBuf>) {
        let articles = self.articles();
        let pick = articles[rng.below(articles.len())].clone();
        let rel = |p: &Path| p.strip_prefix(&self.root).expect("in root").to_path_buf();
        match rng.below(16) {
            0 | 1 => {
                let text = self.read(&pick) + "\nEin weiterer Absatz, geändert.\n";
                self.write(&pick, &text);
                (
                    format!("changed the body of {}", rel(&pick).display()),
                    vec![pick],
                )
            }
            2 => {
                self.added += 1;
                let n = self.added;
                let target = articles[rng.below(articles.len())].clone();
                let link = rel(&target)
                    .strip_prefix("content")
                    .expect("content")
                    .display()
                    .to_string()
                    .replace('\\', "/");
                let link = link
                    .strip_suffix("/index.md")
                    .map(|d| format!("{d}/"))
                    .unwrap_or(link);
                let p = self.root.join(format!("content/artikel/neu-{n}.md"));
                self.write(
                    &p,
                    &format!(
                        "+++\ntitle = \"Neuer Artikel {n}\"\ndescription = \"Ein neuer Artikel.\"\ndate = 2026-0{m}-1{n2}\ntags = [\"Neu\", \"Diabetes\"]\n+++\nSiehe [dort](@/{link}) und [@nathan2008].\n\n## Abschnitt {n}\n\nText.\n",
                        m = 1 + n % 9,
                        n2 = n % 10
                    ),
                );
                (format!("added {}", rel(&p).display()), vec![p])
            }
            3 => {
                let name = pick
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                let to = pick.with_file_name(format!("umbenannt-{}", name));
                std::fs::rename(&pick, &to).expect("rename");
                (
                    format!("renamed {} to {}", rel(&pick).display(), rel(&to).display()),
                    vec![pick, to],
                )
            }
            4 => {
                std::fs::remove_file(&pick).expect("delete");
                (format!("deleted {}", rel(&pick).display()), vec![pick])
            }
            5 => {
                let text = self.read(&pick);
                let text = if text.contains("tags = [") {
                    text.replacen("tags = [", "tags = [\"Geändert\", ", 1)
                } else {
                    text.replacen("+++\n", "+++\ntags = [\"Geändert\"]\n", 1)
                };
                self.write(&pick, &text);
                (
                    format!("changed the tags of {}", rel(&pick).display()),
                    vec![pick],
                )
            }
            6 => {
                let text = self.read(&pick).replacen("\n## ", "\n## Neu: ", 1);
                self.write(&pick, &text);
                (
                    format!("changed a heading of {}", rel(&pick).display()),
                    vec![pick],
                )
            }
            7 => {
                let text = self
                    .read(&pick)
                    .replacen("title = \"", "title = \"Neu: ", 1);
                self.write(&pick, &text);
                (
                    format!("changed the title of {}", rel(&pick).display()),
                    vec![pick],
                )
            }
            8 => {
                let p = self.root.join("praxis.toml");
                let text = self.read(&p).replacen("title = \"", "title = \"Neu – ", 1);
                self.write(&p, &text);
                ("changed praxis.toml".into(), vec![p])
            }
            10 => {
                // A section's text only: the kept site is patched.
                let sections = ["content/_index.md", "content/artikel/_index.md"];
                let p = self.root.join(sections[rng.below(sections.len())]);
                let text = self.read(&p) + "\nNeuer Absatz der Rubrik.\n";
                self.write(&p, &text);
                (
                    format!("changed the body of {}", rel(&p).display()),
                    vec![p],
                )
            }
            11 => {
                // A date: listings, feeds and tags reorder.
                let text = self.read(&pick);
                let text = match text.find("date = ") {
                    Some(at) if text[at..].starts_with("date = 20") => {
                        format!(
                            "{}date = 2019-01-0{}{}",
                            &text[..at],
                            1 + rng.below(9),
                            &text[at + 17..]
                        )
                    }
                    _ => text.replacen("+++\n", "+++\ndate = 2030-05-05\n", 1),
                };
                self.write(&pick, &text);
                (
                    format!("changed the date of {}", rel(&pick).display()),
                    vec![pick],
                )
            }
            12 => {
                // Saved unchanged, or the same body saved twice.
                let text = self.read(&pick);
                self.write(&pick, &text);
                (
                    format!("saved {} unchanged", rel(&pick).display()),
                    vec![pick],
                )
            }
            13 => {
                // A link to the next article to be added and its heading:
                // broken until then, and again if that one is renamed.
                let n = self.added + 1;
                let text = self.read(&pick)
                    + &format!("\nSiehe [bald](/artikel/neu-{n}/#abschnitt-{n}).\n");
                self.write(&pick, &text);
                (
                    format!("linked {} to neu-{n}", rel(&pick).display()),
                    vec![pick],
                )
            }
            14 => {
                // Another article's title: a duplicate-title warning on both.
                let other = articles[rng.below(articles.len())].clone();
                let title = self
                    .read(&other)
                    .lines()
                    .find(|l| l.starts_with("title = "))
                    .map(str::to_owned);
                let text = self.read(&pick);
                let old = text.lines().find(|l| l.starts_with("title = "));
                if let (Some(title), Some(old)) = (title, old) {
                    let text = text.replacen(old, &title, 1);
                    self.write(&pick, &text);
                }
                (
                    format!(
                        "gave {} the title of {}",
                        rel(&pick).display(),
                        rel(&other).display()
                    ),
                    vec![pick],
                )
            }
            15 => {
                // The first paragraph: the summary and excerpt that listings,
                // feeds and the search index show.
                let text = self.read(&pick);
                let body = text.rfind("+++\n").map_or(0, |at| at + 4);
                let text = format!(
                    "{}Ein neuer erster Satz.\n\n{}",
                    &text[..body],
                    &text[body..]
                );
                self.write(&pick, &text);
                (
                    format!("changed the summary of {}", rel(&pick).display()),
                    vec![pick],
                )
            }
            _ => {
                let p = self.root.join("references.bib");
                let text =
                    self.read(&p)
                        .replacen("title", "title = {Geänderter Titel},\n  note", 1);
                self.write(&p, &text);
                ("changed references.bib".into(), vec![p])
            }
        }
    }
}

#[test]
fn incremental_rebuilds_equal_full_builds_after_random_edits() {
    for seed in [0x5eed_u64, 0xc0ffee, 0xdecade, 0xfacade, 0xf00d] {
        let mut rng = Rng(seed);
        let mut site = Site::new();
        let mut memo = Memo::new();
        let first = outcome(build_with(&site.opts, &mut memo));
        assert_eq!(
            first,
            outcome(build(&site.opts)),
            "seed {seed:#x}: first build"
        );
        let mut log = Vec::new();
        for _ in 0..8 {
            let (what, changed) = site.edit(&mut rng);
            log.push(what);
            memo.changed(&changed);
            let incremental = outcome(build_with(&site.opts, &mut memo));
            let full = outcome(build(&site.opts));
            if incremental != full {
                let detail = match (&incremental, &full) {
                    (Outcome::Built { files: a, .. }, Outcome::Built { files: b, .. }) => {
                        let differ: Vec<_> = a
                            .keys()
                            .chain(b.keys())
                            .filter(|k| a.get(*k) != b.get(*k))
                            .take(10)
                            .collect();
                        format!("files that differ: {differ:?}")
                    }
                    _ => format!("incremental: {incremental:?}\nfull: {full:?}"),
                };
                panic!(
                    "seed {seed:#x}: incremental rebuild differs from a full build after:\n  {}\n{detail}",
                    log.join("\n  ")
                );
            }
        }
    }
}

#[test]
fn editing_one_article_rerenders_only_what_shows_it() {
    let site = Site::new();
    let mut memo = Memo::new();
    let first = build_with(&site.opts, &mut memo).expect("first build");
    let all_templates = first.stats.reuse.templates.computed;
    assert_eq!(first.stats.reuse.templates.reused, 0);

    let article = site.root.join("content/artikel/rueckenschmerzen.md");
    let text = site.read(&article) + "\nNoch ein Satz am Ende.\n";
    site.write(&article, &text);
    memo.changed(std::slice::from_ref(&article));
    let again = build_with(&site.opts, &mut memo).expect("rebuild");
    let r = again.stats.reuse;
    assert_eq!(
        r.markdown.computed, 1,
        "only the edited file's Markdown: {r:?}"
    );
    assert!(r.markdown.reused > 10, "{r:?}");
    // The page itself only: the listings that show it (home, section, its
    // tags, its author) show its summary and reading time, which a sentence
    // at the end leaves as they were.
    assert_eq!(
        r.templates.computed, 1,
        "re-rendered {} of {all_templates} templates",
        r.templates.computed
    );
    let html = again
        .output
        .text("artikel/rueckenschmerzen/index.html")
        .expect("page");
    assert!(html.contains("Noch ein Satz am Ende."));

    // A new first paragraph is the summary: the page and the listings that
    // show it, not the other articles.
    let text = with_first_paragraph(&text, "Ein neuer erster Satz.");
    site.write(&article, &text);
    memo.changed(std::slice::from_ref(&article));
    let again = build_with(&site.opts, &mut memo).expect("rebuild");
    let r = again.stats.reuse;
    assert!(
        r.templates.computed >= 2 && r.templates.computed * 3 < all_templates,
        "re-rendered {} of {all_templates} templates",
        r.templates.computed
    );
    let listing = again.output.text("artikel/index.html").expect("section");
    assert!(listing.contains("Ein neuer erster Satz."));

    // Nothing changed: nothing is rendered again.
    let same = build_with(&site.opts, &mut memo).expect("rebuild");
    assert_eq!(same.stats.reuse.markdown.computed, 0);
    assert_eq!(same.stats.reuse.templates.computed, 0);
}

/// Rebuilds after `edit` and compares with a full build; returns how many
/// templates the rebuild rendered.
fn rebuilt_like_a_full_build(site: &Site, memo: &mut Memo, changed: &Path, what: &str) -> usize {
    memo.changed(&[changed.to_path_buf()]);
    let again = build_with(&site.opts, memo).expect("rebuild");
    let rendered = again.stats.reuse.templates.computed;
    assert_eq!(
        outcome(Ok(again)),
        outcome(build(&site.opts)),
        "after {what}: the rebuild differs from a full build"
    );
    rendered
}

#[test]
fn listings_are_rendered_again_exactly_when_what_they_show_changes() {
    let site = Site::new();
    let mut memo = Memo::new();
    build_with(&site.opts, &mut memo).expect("first build");
    let article = site.root.join("content/artikel/rueckenschmerzen.md");

    // A few words at the end: only the page.
    let text = site.read(&article) + "\nNoch ein Satz am Ende.\n";
    site.write(&article, &text);
    let n = rebuilt_like_a_full_build(&site, &mut memo, &article, "a sentence");
    assert_eq!(n, 1, "only the page");

    // Some 600 words more: the reading time that listings show changes.
    let text = text + &"Ein Wort mehr im Text. ".repeat(120);
    site.write(&article, &text);
    let n = rebuilt_like_a_full_build(&site, &mut memo, &article, "600 words");
    assert!(n > 2, "the listings too: {n}");

    // A site whose listings show the word count: every added word shows.
    let card = site.root.join("templates/partials/page_card.html");
    std::fs::create_dir_all(card.parent().expect("folder")).expect("templates folder");
    let clinic = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/clinic/templates/partials/page_card.html"),
    )
    .expect("theme card");
    site.write(
        &card,
        &clinic.replace(
            "</h3>",
            "</h3>\n<p class=\"words\">{{ item.word_count }} words</p>",
        ),
    );
    rebuilt_like_a_full_build(&site, &mut memo, &card, "a template that shows word_count");
    let text = text + "\nUnd noch einer.\n";
    site.write(&article, &text);
    let n = rebuilt_like_a_full_build(&site, &mut memo, &article, "a sentence, word counts shown");
    assert!(n > 2, "the listings too: {n}");

    // Without it again: summaries lose the count, listings are rendered anew.
    std::fs::remove_file(&card).expect("remove the template");
    rebuilt_like_a_full_build(&site, &mut memo, &card, "the template removed");
}

#[test]
fn a_rebuild_keeps_the_bibliography_and_its_warnings_until_the_file_changes() {
    let site = Site::new();
    let bib = site.root.join("references.bib");
    let first_key = site
        .read(&bib)
        .split_once('{')
        .and_then(|(_, rest)| rest.split_once(','))
        .map(|(key, _)| key.trim().to_owned())
        .expect("a first entry");
    // A second file defines the first entry's key again: a warning naming both.
    let more = site.root.join("more.bib");
    site.write(
        &more,
        &format!("@misc{{{first_key},\n  title = {{Twice}},\n  year = {{2020}},\n}}\n"),
    );
    let config = site.root.join("praxis.toml");
    site.write(
        &config,
        &site.read(&config).replacen(
            "bibliography = \"references.bib\"",
            "bibliography = [\"references.bib\", \"more.bib\"]",
            1,
        ),
    );
    let twice = |b: &Built| {
        b.diagnostics
            .iter()
            .map(|d| d.render(false))
            .filter(|d| d.contains(&first_key) && d.contains("more.bib"))
            .count()
    };
    let mut memo = Memo::new();
    let first = build_with(&site.opts, &mut memo).expect("first build");
    assert_eq!(twice(&first), 1, "the key defined twice is reported");

    let article = site.root.join("content/artikel/rueckenschmerzen.md");
    site.write(&article, &(site.read(&article) + "\nNoch ein Satz.\n"));
    memo.changed(std::slice::from_ref(&article));
    let again = build_with(&site.opts, &mut memo).expect("rebuild");
    assert_eq!(
        twice(&again),
        1,
        "still reported when the bibliography is reused"
    );

    site.write(
        &more,
        "@misc{another2020,\n  title = {Once},\n  year = {2020},\n}\n",
    );
    memo.changed(std::slice::from_ref(&more));
    let fixed = build_with(&site.opts, &mut memo).expect("rebuild");
    assert_eq!(twice(&fixed), 0, "gone once the file is fixed");
    assert_eq!(outcome(Ok(fixed)), outcome(build(&site.opts)));
}

#[test]
fn links_of_unchanged_pages_follow_their_targets_appearing_moving_and_going() {
    let site = Site::new();
    let mut memo = Memo::new();
    let mut step = |site: &Site, what: &str, changed: &[PathBuf], expect_ok: bool| {
        memo.changed(changed);
        let incremental = outcome(build_with(&site.opts, &mut memo));
        let full = outcome(build(&site.opts));
        assert_eq!(incremental, full, "after {what}");
        match &full {
            Outcome::Built { .. } => assert!(expect_ok, "after {what}: the build passed"),
            Outcome::Failed(ds) => assert!(
                !expect_ok && ds.iter().any(|d| d.contains("rueckenschmerzen")),
                "after {what}: {ds:?}"
            ),
        }
    };
    step(&site, "the first build", &[], true);

    // An unchanged page links to a page and a heading that do not exist yet.
    let linking = site.root.join("content/artikel/rueckenschmerzen.md");
    site.write(
        &linking,
        &(site.read(&linking)
            + "\nSiehe [später](/artikel/spaeter/) und [den Teil](/artikel/spaeter/#ein-teil).\n"),
    );
    step(
        &site,
        "adding the links",
        std::slice::from_ref(&linking),
        false,
    );

    let target = site.root.join("content/artikel/spaeter.md");
    let text = "+++\ntitle = \"Später\"\ndescription = \"Kommt später.\"\ndate = 2026-01-01\n+++\n## Ein Teil\n\nText.\n";
    site.write(&target, text);
    step(
        &site,
        "adding the target",
        std::slice::from_ref(&target),
        true,
    );

    // Only the target's body changes: its heading's id goes away.
    site.write(&target, &text.replace("## Ein Teil", "## Ein anderer Teil"));
    step(
        &site,
        "renaming the heading",
        std::slice::from_ref(&target),
        false,
    );

    site.write(&target, text);
    step(
        &site,
        "restoring the heading",
        std::slice::from_ref(&target),
        true,
    );

    std::fs::remove_file(&target).expect("delete");
    step(
        &site,
        "deleting the target",
        std::slice::from_ref(&target),
        false,
    );
}

#[test]
fn a_card_whose_text_changes_is_drawn_again_and_the_others_are_kept() {
    let site = Site::new();
    let mut memo = Memo::new();
    build_with(&site.opts, &mut memo).expect("first build");
    // Without a description the card shows the first paragraph.
    let article = site.root.join("content/artikel/rueckenschmerzen.md");
    let text = site.read(&article);
    let described = text
        .lines()
        .find(|l| l.starts_with("description = "))
        .expect("a description")
        .to_owned();
    site.write(&article, &text.replacen(&format!("{described}\n"), "", 1));
    rebuilt_like_a_full_build(&site, &mut memo, &article, "removing the description");
    let card = |b: &Built| match b
        .output
        .entries()
        .find(|(p, _)| *p == Path::new("cards/artikel/rueckenschmerzen.png"))
    {
        Some((_, Content::Cached(f))) => std::fs::read(f).expect("cached card"),
        other => panic!("the card is not a cached file: {other:?}"),
    };
    let before = card(&build_with(&site.opts, &mut memo).expect("rebuild"));

    // A new first paragraph: a new card, like a full build's.
    let text = site.read(&article);
    let text = with_first_paragraph(&text, "Ganz neuer erster Satz für die Karte.");
    site.write(&article, &text);
    memo.changed(std::slice::from_ref(&article));
    let again = build_with(&site.opts, &mut memo).expect("rebuild");
    assert_eq!(again.stats.cards_drawn, 1, "only the edited page's card");
    assert_ne!(card(&again), before, "the card shows the new paragraph");
    assert_eq!(outcome(Ok(again)), outcome(build(&site.opts)));

    // A sentence at the end: the card stays; a deleted cached card is drawn again.
    site.write(&article, &(text + "\nNoch ein Satz.\n"));
    rebuilt_like_a_full_build(&site, &mut memo, &article, "a sentence at the end");
    let cache = site.root.join(".praxis-cache/cards");
    let first = walk(&cache)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("a cached card");
    std::fs::remove_file(first).expect("delete a cached card");
    memo.changed(&[]);
    let again = build_with(&site.opts, &mut memo).expect("rebuild");
    assert_eq!(
        again.stats.cards_drawn, 1,
        "the deleted card is drawn again"
    );
    assert_eq!(outcome(Ok(again)), outcome(build(&site.opts)));
}

#[test]
fn a_page_warning_appears_and_goes_with_its_text_and_a_new_date_reorders_listings() {
    let site = Site::new();
    let mut memo = Memo::new();
    build_with(&site.opts, &mut memo).expect("first build");
    let article = site.root.join("content/artikel/rueckenschmerzen.md");
    let text = site.read(&article);
    let alt_warnings = |b: &Built| {
        b.diagnostics
            .iter()
            .map(|d| d.render(false))
            .filter(|d| d.contains("rueckenschmerzen") && d.contains("alt"))
            .count()
    };
    // An image without alt text in the body only: the same assembly, so the
    // other pages' findings are taken as they were.
    site.write(&article, &(text.clone() + "\n![](/logo.svg)\n"));
    memo.changed(std::slice::from_ref(&article));
    let with = build_with(&site.opts, &mut memo);
    let full = build(&site.opts);
    if let (Ok(a), Ok(b)) = (&with, &full) {
        assert!(alt_warnings(a) >= 1, "the warning appears");
        assert_eq!(alt_warnings(a), alt_warnings(b));
    }
    assert_eq!(outcome(with), outcome(full), "after adding the image");
    site.write(&article, &text);
    memo.changed(std::slice::from_ref(&article));
    let without = build_with(&site.opts, &mut memo).expect("rebuild");
    assert_eq!(alt_warnings(&without), 0, "the warning goes");
    assert_eq!(outcome(Ok(without)), outcome(build(&site.opts)));

    // The newest date: first in the home page's and the feed's lists.
    let dated = match text.find("date = ") {
        Some(at) => format!("{}date = 2031-01-01{}", &text[..at], &text[at + 17..]),
        None => text.replacen("+++\n", "+++\ndate = 2031-01-01\n", 1),
    };
    site.write(&article, &dated);
    rebuilt_like_a_full_build(&site, &mut memo, &article, "the newest date");
    let again = build_with(&site.opts, &mut memo).expect("rebuild");
    let feed = again.output.text("atom.xml").expect("feed");
    let first = feed.find("<entry>").expect("an entry");
    assert!(
        feed[first..].find("rueckenschmerzen") < feed[first..].find("</entry>"),
        "the redated article comes first"
    );
}

/// `text` (an article with TOML front matter) with `sentence` as a new
/// first paragraph, the one listings and cards show.
fn with_first_paragraph(text: &str, sentence: &str) -> String {
    let body = text.rfind("+++\n").expect("front matter") + 4;
    format!("{}{sentence}\n\n{}", &text[..body], &text[body..])
}
