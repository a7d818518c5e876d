//! Entry points for the fuzz targets in `fuzz/` and their regression test.
//!
//! Every parser that reads a user's file has one function here that takes the
//! raw bytes of such a file and runs them through the very code a build runs
//! (no copies of it): front matter, Markdown with citations and `@/` links,
//! bibliographies, `card.svg` templates, `praxis.toml` and CSL styles. The
//! libFuzzer targets and `tests/integration/fuzz_regressions.rs` call the same
//! functions, so a crash found by fuzzing stays fixed under plain `cargo test`.
//!
//! Each function returns the diagnostics of the run; [`check_contract`] states
//! what every one of them must satisfy. Panics are not caught here: a panic is
//! the bug the fuzzer looks for.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::config::Config;
use crate::content::{self, LoadOptions, Site};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// One entry function: the bytes of a user's file in, what praxis made of them out.
pub type Target = fn(&[u8]) -> Outcome;

/// The targets, by name: the name of the fuzz target and of its folder under
/// `fuzz/regressions/`.
pub const TARGETS: [(&str, Target); 6] = [
    ("front_matter", front_matter),
    ("markdown", markdown),
    ("bibliography", bibliography),
    ("card_template", card_template),
    ("config", config),
    ("csl_style", csl_style),
];

/// What one input produced: the text the diagnostics' lines refer to, and the
/// diagnostics (errors and warnings).
#[derive(Debug)]
pub struct Outcome {
    /// The file the diagnostics point into, as the user wrote it.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    fn new(bytes: &[u8], diagnostics: impl IntoIterator<Item = Diagnostic>) -> Outcome {
        Outcome {
            text: String::from_utf8_lossy(bytes).into_owned(),
            diagnostics: diagnostics.into_iter().collect(),
        }
    }
}

/// The error contract: every error names a file; an error in a file that has
/// text names a line and a column (1-based, both inside the file: at most one
/// past the end of the line); no error is an internal one (a caught panic).
/// Returns what is wrong, if anything.
pub fn check_contract(outcome: &Outcome) -> Result<(), String> {
    let lines = outcome.text.split('\n').count();
    for d in outcome.diagnostics.iter().filter(|d| d.is_error()) {
        let shown = d.render(false);
        if d.code == "internal" {
            return Err(format!("a panic was caught: {shown}"));
        }
        if d.file.is_none() {
            return Err(format!("the error names no file: {shown}"));
        }
        if outcome.text.trim().is_empty() {
            continue;
        }
        if d.line == 0 || d.column == 0 {
            return Err(format!("the error names no line and column: {shown}"));
        }
        if d.line > lines {
            return Err(format!(
                "the error names line {} of a file with {lines} lines: {shown}",
                d.line
            ));
        }
        let width = outcome
            .text
            .split('\n')
            .nth(d.line - 1)
            .map_or(0, |l| l.chars().count());
        if d.column > width + 1 {
            return Err(format!(
                "the error names column {} of a line {width} characters long: {shown}",
                d.column
            ));
        }
    }
    Ok(())
}

/// A small site (config, four Markdown files, a bibliography on disk) that the
/// targets needing a whole site start from; made once per process.
struct Fixture {
    config: Config,
    /// Its Markdown files: `(path relative to content/, text)`.
    files: Vec<(&'static str, &'static str)>,
}

const FIXTURE_CONFIG: &str = r#"title = "Fuzz Clinic"
base_url = "https://fuzz.example"
default_language = "en"
languages = ["de"]
bibliography = "refs.bib"
citation_style = "vancouver"
default_authors = ["meier"]

[authors.meier]
name = "Dr. Anna Meier"
credentials = "GP"
"#;

const FIXTURE_BIB: &str = r#"@article{smith2020,
  author = {Smith, Jane and Doe, John},
  title = {{HbA1c} targets in older adults},
  journal = {BMJ},
  year = {2020},
  volume = {370},
  pages = {m1234},
  doi = {10.1136/bmj.m1234}
}
@book{jones2019,
  author = {Jones, Ann},
  title = {Clinical Guidelines},
  publisher = {Oxford University Press},
  year = {2019}
}
"#;

const FIXTURE_FILES: [(&str, &str); 4] = [
    ("_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
    ("artikel/_index.md", "+++\ntitle = \"Articles\"\n+++\n"),
    (
        "artikel/hba1c.md",
        "+++\ntitle = \"HbA1c\"\ndate = 2026-01-02\n+++\nSee [@smith2020].\n\n## Targets {#targets}\n",
    ),
    (
        "artikel/bp.de.md",
        "+++\ntitle = \"Blutdruck\"\ndate = 2026-01-03\n+++\nText.\n",
    ),
];

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // One folder for every run (its contents never change), written by
        // rename so that parallel fuzzing jobs never see half a file.
        let root = std::env::temp_dir().join("praxis-fuzz-fixture");
        let tmp = root.join(format!("refs.bib.{}", std::process::id()));
        let written = std::fs::create_dir_all(root.join("content"))
            .and_then(|()| std::fs::write(&tmp, FIXTURE_BIB))
            .and_then(|()| std::fs::rename(&tmp, root.join("refs.bib")));
        if let Err(e) = written {
            panic!("cannot write the fuzz fixture in {}: {e}", root.display());
        }
        let config = match Config::parse(&root, FIXTURE_CONFIG) {
            Ok(c) => c,
            Err(ds) => panic!("the fuzz fixture's config is invalid: {ds:?}"),
        };
        Fixture {
            config,
            files: FIXTURE_FILES.to_vec(),
        }
    })
}

fn load_options() -> LoadOptions {
    LoadOptions {
        drafts: false,
        today: Date::from_ymd(2026, 6, 1).unwrap_or_else(Date::today),
    }
}

/// The fixture's pages plus `extra` (`rel`, bytes), assembled into a site.
fn site_with(rel: &str, bytes: &[u8], ds: &mut Diagnostics) -> Option<Site> {
    let fx = fixture();
    let mut files = Vec::new();
    for (r, text) in &fx.files {
        if *r == rel {
            continue;
        }
        match content::parse_markdown(r, text.as_bytes().to_vec(), &fx.config) {
            Ok(f) => files.push(f),
            Err(d) => panic!("the fuzz fixture's {r} is invalid: {}", d.render(false)),
        }
    }
    match content::parse_markdown(rel, bytes.to_vec(), &fx.config) {
        Ok(f) => files.push(f),
        Err(d) => {
            ds.push(d);
            return None;
        }
    }
    let site = content::assemble(fx.config.clone(), load_options(), files, ds);
    (!ds.has_errors()).then_some(site)
}

/// A Markdown file's front matter (and the site checks on it), as a page
/// (`content/artikel/fuzz.md`) or, when the first byte is odd, as a section
/// (`content/fuzz/_index.md`).
pub fn front_matter(data: &[u8]) -> Outcome {
    let (rel, rest) = match data.split_first() {
        Some((b, rest)) if b % 2 == 1 => ("fuzz/_index.md", rest),
        Some((_, rest)) => ("artikel/fuzz.md", rest),
        None => ("artikel/fuzz.md", data),
    };
    let mut ds = Diagnostics::new();
    let _ = site_with(rel, rest, &mut ds);
    Outcome::new(rest, ds)
}

/// The front matter every `markdown` input gets, so the fuzzer spends its
/// time on the body.
pub const MARKDOWN_FRONT_MATTER: &str = "+++\ntitle = \"Fuzz\"\ndate = 2026-01-01\n+++\n";

/// An article body rendered the way a build renders it: citations against the
/// fixture's bibliography, `@/` links against its pages, headings, code.
pub fn markdown(data: &[u8]) -> Outcome {
    let mut file = MARKDOWN_FRONT_MATTER.as_bytes().to_vec();
    file.extend_from_slice(data);
    let mut ds = Diagnostics::new();
    if let Some(site) = site_with("artikel/fuzz.md", &file, &mut ds) {
        let _ = crate::render::render_markdown(&site, &mut ds);
    }
    Outcome::new(&file, ds)
}

/// A bibliography file; the first byte picks the format: `.bib`, `.json`
/// (CSL-JSON), `.ris` or `.nbib`.
pub fn bibliography(data: &[u8]) -> Outcome {
    const ENDINGS: [&str; 4] = ["bib", "json", "ris", "nbib"];
    let (ext, rest) = match data.split_first() {
        Some((b, rest)) => (ENDINGS[usize::from(*b) % ENDINGS.len()], rest),
        None => ("bib", data),
    };
    let rel = PathBuf::from(format!("refs.{ext}"));
    let mut ds = Diagnostics::new();
    let mut bib = crate::citations::Bibliography::default();
    bib.add_file(&rel, rest.to_vec(), &mut ds);
    if !ds.has_errors() {
        let style =
            crate::config::CITATION_STYLES[usize::from(data.first().copied().unwrap_or(0) / 4)
                % crate::config::CITATION_STYLES.len()];
        cite_everything(&bib, style);
    }
    Outcome::new(rest, ds)
}

/// Cites every entry of `bib` (up to 64) in one `style`, on an English page,
/// the way a page that cites them is formatted.
fn cite_everything(bib: &crate::citations::Bibliography, style: &str) {
    use crate::citations::{self, CiteGroup, CiteItem, Citer};
    static STYLES: OnceLock<Vec<(&str, hayagriva::citationberg::IndependentStyle)>> =
        OnceLock::new();
    let styles = STYLES.get_or_init(|| {
        crate::config::CITATION_STYLES
            .iter()
            .map(|&name| {
                let builtin = crate::config::CitationStyle::Builtin(name.to_owned());
                match citations::style::load(&builtin, Path::new(".")) {
                    Ok(s) => (name, s),
                    Err(d) => panic!("the built-in style {name} does not load: {d:?}"),
                }
            })
            .collect()
    });
    let Some((_, style)) = styles.iter().find(|(name, _)| *name == style) else {
        panic!("no built-in style {style}");
    };
    static LOCALES: OnceLock<citations::style::Locales> = OnceLock::new();
    let locales = LOCALES.get_or_init(|| citations::style::Locales::new(&["en".to_owned()]));
    let citer = Citer {
        site: bib,
        page: None,
        style,
        locales,
        locale: citations::locale_for("en"),
        shared: None,
    };
    let items: Vec<CiteItem> = bib
        .keys()
        .take(64)
        .enumerate()
        .map(|(i, key)| CiteItem {
            key: key.to_owned(),
            prefix: String::new(),
            locator: if i % 2 == 1 {
                "p. 3".into()
            } else {
                String::new()
            },
            suppress_author: false,
            offset: 0,
        })
        .collect();
    let in_text = items.iter().take(1).cloned().collect();
    let _ = citer.format(&[
        CiteGroup {
            items,
            in_text: false,
        },
        CiteGroup {
            items: in_text,
            in_text: true,
        },
    ]);
}

/// A `card.svg` template: compiled, filled in for the fixture's article, and
/// drawn.
pub fn card_template(data: &[u8]) -> Outcome {
    use crate::cards::{CardText, Drawer, Format};
    let rel = Path::new("themes/fuzz/card.svg");
    let text = match crate::diagnostics::decode_utf8(data.to_vec(), rel, "save it as UTF-8") {
        Ok(t) => t,
        Err(d) => return Outcome::new(data, [d]),
    };
    let mut ds = Diagnostics::new();
    let Some(site) = site_with("artikel/fuzz.md", MARKDOWN_FRONT_MATTER.as_bytes(), &mut ds) else {
        panic!("the fuzz fixture does not load: {ds:?}");
    };
    let origin = crate::theme::Origin::Site(rel.to_path_buf());
    let drawer = match Drawer::with_template(&site, None, Format::Link, text, origin) {
        Ok(d) => d,
        Err(ds) => return Outcome::new(data, ds),
    };
    let card = CardText {
        lang: "en".into(),
        title: "HbA1c targets in older adults".into(),
        description: "What the numbers mean & why <they> differ.".into(),
        author: "Dr. Anna Meier".into(),
        credentials: "GP".into(),
        reviewed: "Reviewed 2026-01-02".into(),
        tags: vec!["diabetes".into()],
    };
    let result = drawer
        .svg(&card, " (share card)")
        .and_then(|svg| drawer.draw_diagnosed(&svg));
    Outcome::new(data, result.err())
}

/// A `praxis.toml`.
pub fn config(data: &[u8]) -> Outcome {
    let root = &fixture().config.root;
    let ds = Config::from_bytes(root, data.to_vec()).err();
    Outcome::new(data, ds.into_iter().flatten())
}

/// A user's `.csl` style file.
pub fn csl_style(data: &[u8]) -> Outcome {
    let rel = Path::new("styles/fuzz.csl");
    let d = crate::citations::style::parse(data.to_vec(), rel).err();
    Outcome::new(data, d)
}

/// What a fuzz target does with one input: run `target` and panic when the
/// outcome breaks [`check_contract`], so libFuzzer records the input.
pub fn fuzz(target: Target, data: &[u8]) {
    // libFuzzer's panic hook aborts before any unwinding: let the panics that
    // praxis itself catches and recovers from unwind quietly.
    crate::citations::engine::hide_recovered_panics();
    let outcome = target(data);
    if let Err(why) = check_contract(&outcome) {
        panic!("error contract broken: {why}");
    }
}
