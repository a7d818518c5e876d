//! Share cards: the PNGs, their Open Graph tags, card.svg overrides and the cache.

use std::collections::HashSet;
use std::path::Path;

use praxis::build::{Built, build_to_disk};

use crate::util::{TestSite, render};

const SITE: &str = r##"
-- content/_index.md --
+++
title = "Home"
+++
-- content/articles/_index.md --
+++
title = "Articles"
+++
-- content/articles/a.md --
+++
title = "Größere Übersicht: Blutzucker & HbA1c <richtig> messen"
description = "Was der Wert über die letzten Wochen verrät – und was nicht."
date = 2026-01-10
last_reviewed = 2026-06-12
tags = ["Diabetes", "Laborwerte"]
lang = "de"
+++
Text.
-- content/articles/empty.md --
+++
title = "No description"
date = 2026-01-11
+++
-- content/articles/off.md --
+++
title = "No card"
date = 2026-01-12
card = false
+++
Body.
-- content/articles/hero/index.md --
+++
title = "Own image"
date = 2026-01-13
card = "hero.png"
+++
Body.
"##;

/// A valid 2×1 PNG.
fn tiny_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().expect("header");
    wr.write_image_data(&vec![200u8; (w * h * 3) as usize])
        .expect("data");
    drop(wr);
    out
}

fn site() -> TestSite {
    let s = TestSite::new(SITE);
    s.write_bytes("content/articles/hero/hero.png", &tiny_png(1200, 630));
    s
}

fn build(s: &TestSite) -> Built {
    match build_to_disk(&s.options()) {
        Ok(b) => b,
        Err(praxis::build::BuildError::Content(ds)) => panic!("build failed:\n{}", render(&ds)),
        Err(e) => panic!("build failed: {e}"),
    }
}

/// Decodes a PNG into (width, height, RGB(A) bytes, channels).
fn decode(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, info.color_type.samples())
}

fn colours(data: &[u8], channels: usize) -> usize {
    data.chunks_exact(channels)
        .map(|c| (c[0], c[1], c[2]))
        .collect::<HashSet<_>>()
        .len()
}

fn html(s: &TestSite, path: &str) -> String {
    std::fs::read_to_string(s.public().join(path)).expect(path)
}

#[test]
fn every_article_and_the_home_page_get_a_card() {
    let s = site();
    let built = build(&s);
    // A German article in an English-default site lives under /de/.
    let card = s.public().join("cards/de/articles/a.png");
    let size = std::fs::metadata(&card).expect("card").len();
    assert!(size < 300 * 1024, "{size} bytes");
    let (w, h, data, ch) = decode(&card);
    assert_eq!((w, h), (1200, 630));
    assert!(
        colours(&data, ch) > 20,
        "text was drawn (anti-aliased edges give many colours)"
    );
    let (_, _, home, ch) = decode(&s.public().join("cards/index.png"));
    assert!(colours(&home, ch) > 20);
    assert!(s.public().join("cards/articles/empty.png").is_file());
    assert_eq!(
        (built.stats.cards_drawn, built.stats.cards_cached),
        (3, 0),
        "two articles and two home pages that look the same: {:?}",
        built.stats
    );

    let page = html(&s, "articles/empty/index.html");
    assert!(
        page.contains(
            r#"<meta property="og:image" content="https://example.org/cards/articles/empty.png">"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"<meta property="og:image:width" content="1200">"#));
    assert!(page.contains(r#"<meta property="og:image:height" content="630">"#));
    assert!(
        page.contains(r#"<meta property="og:image:alt" content="No description – Test Practice">"#)
    );
    assert!(page.contains(
        r#"<meta name="twitter:image" content="https://example.org/cards/articles/empty.png">"#
    ));
    let home = html(&s, "index.html");
    assert!(
        home.contains(r#"content="https://example.org/cards/index.png""#),
        "{home}"
    );
    assert!(home.contains("summary_large_image"));
}

/// Pixels of the band where the first description line is drawn below a
/// one-line title, and the background colour (top left, below the accent bar).
type Rgb = (u8, u8, u8);

fn description_band(path: &Path) -> (Vec<Rgb>, Rgb) {
    let (w, _, data, ch) = decode(path);
    let at = |x: usize, y: usize| {
        let i = (y * w as usize + x) * ch;
        (data[i], data[i + 1], data[i + 2])
    };
    let band = (240..300)
        .flat_map(|y| (80..1120).map(move |x| (x, y)))
        .map(|(x, y)| at(x, y))
        .collect();
    (band, at(4, 40))
}

#[test]
fn an_empty_description_leaves_its_place_blank() {
    let s = TestSite::new(
        "-- content/empty.md --\n+++\ntitle = \"Short title\"\ndescription = \"\"\n+++\n## Only a heading\n-- content/full.md --\n+++\ntitle = \"Short title\"\ndescription = \"A description is drawn here.\"\n+++\n",
    );
    build(&s);
    let (band, background) = description_band(&s.public().join("cards/empty.png"));
    assert!(
        band.iter().all(|&p| p == background),
        "nothing is drawn where the description would be"
    );
    let (band, background) = description_band(&s.public().join("cards/full.png"));
    assert!(
        band.iter().any(|&p| p != background),
        "the description is drawn"
    );
}

#[test]
fn card_false_has_no_image_and_card_image_uses_it() {
    let s = site();
    build(&s);
    let off = html(&s, "articles/off/index.html");
    assert!(!off.contains("og:image"), "{off}");
    assert!(!s.public().join("cards/articles/off.png").exists());
    let hero = html(&s, "articles/hero/index.html");
    assert!(
        hero.contains(
            r#"<meta property="og:image" content="https://example.org/cards/articles/hero.png">"#
        ),
        "{hero}"
    );
    assert!(hero.contains(r#"<meta property="og:image:width" content="1200">"#));
    assert_eq!(
        std::fs::read(s.public().join("cards/articles/hero.png")).expect("copied"),
        tiny_png(1200, 630)
    );
}

#[test]
fn a_missing_card_image_is_an_error() {
    let s =
        TestSite::new("-- content/a.md --\n+++\ntitle = \"A\"\ncard = \"nope.png\"\n+++\nText.\n");
    let ds = s.errors();
    let text = render(&ds);
    assert!(
        text.contains("nope.png") && text.contains("content/a.md:3"),
        "{text}"
    );
}

#[test]
fn the_cache_redraws_only_changed_cards() {
    let s = site();
    let first = build(&s);
    assert_eq!(first.stats.cards_cached, 0);
    // The two home pages (en, de) look the same: drawn once, used twice.
    assert_eq!(first.stats.cards_drawn, 3);
    let n = 4;
    assert!(s.root().join(".praxis-cache/cards").is_dir());
    let second = build(&s);
    assert_eq!(
        (second.stats.cards_drawn, second.stats.cards_cached),
        (0, n)
    );
    let card = s.public().join("cards/articles/empty.png");
    let before = std::fs::read(&card).expect("card");
    // A cached card is hard-linked into the site, not copied: no bytes written.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = std::fs::metadata(&card).expect("card").ino();
        let in_cache = std::fs::read_dir(s.root().join(".praxis-cache/cards"))
            .expect("cache")
            .flatten()
            .any(|e| e.metadata().is_ok_and(|m| m.ino() == inode));
        assert!(in_cache, "the card shares its file with the cache");
    }
    let other = std::fs::read(s.public().join("cards/de/articles/a.png")).expect("card");
    s.write(
        "content/articles/empty.md",
        "+++\ntitle = \"A changed title\"\ndate = 2026-01-11\n+++\n",
    );
    let third = build(&s);
    assert_eq!(
        (third.stats.cards_drawn, third.stats.cards_cached),
        (1, n - 1)
    );
    assert_ne!(std::fs::read(&card).expect("card"), before, "redrawn");
    assert_eq!(
        std::fs::read(s.public().join("cards/de/articles/a.png")).expect("card"),
        other
    );
}

/// A later build finds a card by what its text is made from (the input
/// index in the cache): a change to anything the card shows redraws it, a
/// change to what it does not show does not.
#[test]
fn a_change_to_what_a_card_shows_redraws_it_and_nothing_else_does() {
    let s = TestSite::new(&format!(
        "-- praxis.toml --\n{}\n-- content/b.md --\n+++\ntitle = \"Blood pressure\"\ndate = 2026-01-10\n+++\nFirst paragraph.\n",
        crate::util::CONFIG
    ));
    let page = |fm: &str, body: &str| {
        format!("+++\ntitle = \"Blood pressure\"\ndate = 2026-01-10\n{fm}+++\n{body}")
    };
    let card = s.public().join("cards/b.png");
    let tags = "tags = [\"One\", \"Two\", \"Three\", \"Four\"]\n";
    let reviewed = "last_reviewed = 2026-06-12\n";
    let both = format!("{tags}{reviewed}");
    let roe = format!("{both}authors = [\"roe\"]\n");
    let steps: [(&str, String, &str, bool); 11] = [
        ("the first build", page("", "First paragraph.\n"), "", true),
        ("nothing changed", page("", "First paragraph.\n"), "", false),
        (
            "a later paragraph",
            page("", "First paragraph.\n\nMore.\n"),
            "",
            false,
        ),
        (
            "the first paragraph",
            page("", "Another first paragraph.\n"),
            "",
            true,
        ),
        (
            "the tags",
            page(tags, "Another first paragraph.\n"),
            "",
            true,
        ),
        (
            "a fourth tag",
            page(&tags.replace("Four", "Vier"), "Another first paragraph.\n"),
            "",
            false,
        ),
        (
            "the review date",
            page(&both, "Another first paragraph.\n"),
            "",
            true,
        ),
        (
            "the author",
            page(&roe, "Another first paragraph.\n"),
            "",
            true,
        ),
        (
            "the author's credentials",
            page(&roe, "Another first paragraph.\n"),
            "Heart doctor",
            true,
        ),
        (
            "a shown tag",
            page(&roe.replace("Two", "Zwei"), "Another first paragraph.\n"),
            "Heart doctor",
            true,
        ),
        (
            "another review date",
            page(
                &roe.replace("Two", "Zwei").replace("06-12", "07-01"),
                "Another first paragraph.\n",
            ),
            "Heart doctor",
            true,
        ),
    ];
    let mut last: Option<Vec<u8>> = None;
    for (what, text, credentials, redrawn) in steps {
        s.write("content/b.md", &text);
        if !credentials.is_empty() {
            s.write(
                "praxis.toml",
                &crate::util::CONFIG.replace("Cardiologist", credentials),
            );
        }
        let built = build(&s);
        // The page's card and the home page's.
        let drawn = built.stats.cards_drawn;
        assert_eq!(
            drawn,
            usize::from(redrawn) + usize::from(last.is_none()),
            "{what}"
        );
        assert_eq!(built.stats.cards_cached + drawn, 2, "{what}");
        let png = std::fs::read(&card).expect("card");
        if let Some(before) = &last {
            assert_eq!(&png != before, redrawn, "{what}");
        }
        last = Some(png);
    }
}

#[test]
fn a_site_card_svg_overrides_the_theme() {
    let s = site();
    s.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{ width }}\" height=\"{{ height }}\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ff0000\"/>\n<text x=\"10\" y=\"100\" font-size=\"{{ title_size }}\" font-family=\"{{ font_family }}\">{% for l in title_lines %}{{ l }} {% endfor %}</text>\n</svg>\n",
    );
    build(&s);
    let (_, _, data, ch) = decode(&s.public().join("cards/articles/empty.png"));
    assert_eq!(&data[..3], &[255, 0, 0], "the site's card.svg was used");
    assert_eq!(&data[data.len() - ch..data.len() - ch + 3], &[255, 0, 0]);
}

#[test]
fn a_card_template_error_names_card_svg_and_the_line() {
    let s = site();
    s.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<text>\n{{ nothing.here }}\n</text></svg>\n",
    );
    let ds = s.errors();
    let text = render(&ds);
    assert!(text.contains("templates/card.svg:3"), "{text}");
    assert_eq!(
        ds.iter().filter(|d| d.code == "template").count(),
        1,
        "reported once, not per card: {text}"
    );
}

#[test]
fn disabled_cards_are_not_drawn() {
    let s = TestSite::new(&format!(
        "-- praxis.toml --\n{}\n[cards]\nenabled = false\n-- content/a.md --\n+++\ntitle = \"A\"\n+++\nText.\n",
        crate::util::CONFIG
    ));
    let built = build(&s);
    assert_eq!(built.stats.cards_drawn, 0);
    assert!(!s.public().join("cards").exists());
    assert!(!html(&s, "a/index.html").contains("og:image"));
}

#[test]
fn without_a_cache_nothing_is_written_into_the_site() {
    let s = site();
    let opts = praxis::build::BuildOptions {
        card_cache: None,
        citation_cache: None,
        ..s.options()
    };
    let first = praxis::build::build(&opts).expect("builds");
    let second = praxis::build::build(&opts).expect("builds");
    assert_eq!(first.stats.cards_drawn, 3);
    assert_eq!(
        (second.stats.cards_drawn, second.stats.cards_cached),
        (3, 0)
    );
    assert!(!s.root().join(".praxis-cache").exists());
}

#[test]
fn the_logo_is_drawn() {
    let s = TestSite::new(&format!(
        "-- praxis.toml --\n{}\n[cards]\nlogo = \"static/logo.png\"\n-- content/a.md --\n+++\ntitle = \"A\"\n+++\nText.\n",
        crate::util::CONFIG
    ));
    // 100×50, pure red.
    let mut logo = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut logo, 100, 50);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("header");
        w.write_image_data(&[255u8, 0, 0].repeat(100 * 50))
            .expect("data");
    }
    s.write_bytes("static/logo.png", &logo);
    build(&s);
    let (w, _, data, ch) = decode(&s.public().join("cards/a.png"));
    // The default card.svg fits the logo into 200×110 at the bottom right.
    let at = |x: usize, y: usize| {
        let i = (y * w as usize + x) * ch;
        (data[i], data[i + 1], data[i + 2])
    };
    assert_eq!(at(1050, 560), (255, 0, 0));
    assert_ne!(at(600, 20), (255, 0, 0));
}

/// Builds `page` (a `-- path --` spec) and compares its card at `card` (in
/// `public/`) with the reviewed image `tests/fixtures/cards/<golden>`,
/// allowing small anti-aliasing differences. `PRAXIS_BLESS=1 cargo test
/// golden` rewrites the images after a deliberate design change (look at
/// them before committing).
fn assert_golden(page: &str, card: &str, golden: &str) {
    let s = TestSite::new(page);
    build(&s);
    let card = s.public().join(card);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cards")
        .join(golden);
    if std::env::var_os("PRAXIS_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().expect("dir")).expect("mkdir");
        std::fs::copy(&card, &golden).expect("bless");
    }
    let (w, h, got, ch) = decode(&card);
    let (gw, gh, want, gch) = decode(&golden);
    assert_eq!((w, h, ch), (gw, gh, gch));
    let off = got
        .chunks_exact(ch)
        .zip(want.chunks_exact(ch))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let total = (w * h) as usize;
    assert!(
        off * 1000 < total * 5,
        "{off} of {total} pixels differ from {}: compare it with {}",
        golden.display(),
        card.display()
    );
}

/// A German article: ß, umlauts, a hyphenated compound, three tags.
#[test]
fn golden_german_card() {
    assert_golden(
        "-- content/artikel/hba1c.md --\n+++\ntitle = \"Größere Übersicht: Was Ihr HbA1c-Wert über Blutzucker und Gefäße verrät\"\ndescription = \"Ärztlich geprüft: Zielwerte, Messfehler und wann Sie zur Kontrolle kommen sollten – für Patientinnen und Patienten.\"\nlast_reviewed = 2026-06-12\nlang = \"de\"\ntags = [\"Diabetes\", \"Laborwerte\", \"Vorsorge\"]\n+++\nText.\n",
        "cards/de/artikel/hba1c.png",
        "golden-de.png",
    );
}

/// A title far too long for three lines even at the smallest size: it is
/// drawn at that size and cut with an ellipsis after a whole word;
/// the description below gets two lines.
#[test]
fn golden_long_title_card() {
    assert_golden(
        "-- content/artikel/lang.md --\n+++\ntitle = \"Diabetes mellitus Typ 2 im Alltag: Ernährung, Bewegung, Blutzuckerselbstkontrolle, Fußpflege, Augenuntersuchungen, Nierenwerte und Impfungen – was Menschen mit Schilddrüsenunterfunktion zusätzlich über Wechselwirkungen wissen sollten, bevor sie ihre Therapie ändern\"\ndescription = \"Eine ausführliche Übersicht für Patientinnen und Patienten: welche Kontrollen wann sinnvoll sind, welche Werte Sie kennen sollten, wie Sie Unterzuckerungen erkennen und was Sie tun, wenn Ihre Werte trotz Therapie steigen.\"\nlast_reviewed = 2026-03-02\nlang = \"de\"\ntags = [\"Diabetes\", \"Schilddrüse\"]\n+++\nText.\n",
        "cards/de/artikel/lang.png",
        "golden-long-title.png",
    );
}
