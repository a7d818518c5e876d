//! `praxis social`: golden posts of two fixture articles (German, English) on
//! every platform in every format, and what the options select.

use std::path::{Path, PathBuf};

use crate::util::{TestSite, praxis_in, stderr};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/social")
}

/// Compares the output with `tests/fixtures/social/NAME`; with
/// `PRAXIS_UPDATE_GOLDEN=1` writes it instead (review the diff before committing).
fn golden(name: &str, actual: &str) {
    let path = fixture().join(name);
    if std::env::var_os("PRAXIS_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("golden file");
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from line {}:\nexpected: {:?}\nactual:   {:?}\n(PRAXIS_UPDATE_GOLDEN=1 rewrites it)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

fn social(root: &Path, args: &[&str]) -> String {
    let mut all = vec!["social", "--root", root.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    let out = praxis_in(root, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn golden_posts_in_markdown_json_and_csv() {
    let site = fixture().join("site");
    golden("expected.md", &social(&site, &[]));
    golden("expected.json", &social(&site, &["--format", "json"]));
    golden("expected.csv", &social(&site, &["--format", "csv"]));
    assert!(
        !site.join("public").exists(),
        "praxis social must write nothing"
    );
    assert!(!site.join(".praxis-cache").exists());
}

#[test]
fn golden_posts_per_platform() {
    let site = fixture().join("site");
    for page in [
        "artikel/schilddruesenunterfunktion.md",
        "/en/artikel/blood-pressure/",
    ] {
        let kit: serde_json::Value =
            serde_json::from_str(&social(&site, &["--page", page, "--format", "json"]))
                .expect("json");
        let article = &kit["articles"][0];
        let stem = Path::new(article["file"].as_str().expect("file"))
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .to_owned();
        let posts = article["posts"].as_array().expect("posts");
        assert_eq!(posts.len(), 6);
        for post in posts {
            let platform = post["platform"].as_str().expect("platform");
            let text = post["text"].as_str().expect("text");
            let len = post["length"].as_u64().expect("length");
            let limit = post["limit"].as_u64().expect("limit");
            assert!(len <= limit, "{platform}: {len} > {limit}");
            golden(
                &format!("posts/{stem}.{platform}.txt"),
                &format!("{text}\n"),
            );
        }
    }
}

const SITE: &str = r#"-- praxis.toml --
title = "Praxis"
base_url = "https://praxis.example/blog/"
default_language = "de"

[social]
utm = true

-- content/a/neu.md --
+++
title = "Neu"
description = "Neuer Artikel."
date = 2026-06-01
tags = ["Impfungen im Alter"]
+++
Text.
-- content/a/alt.md --
+++
title = "Alt"
description = "Alter Artikel."
date = 2025-01-01
card = false
+++
Text.
-- content/a/ohne-datum.md --
+++
title = "Ohne Datum"
description = "Kein Datum."
+++
Text.
"#;

#[test]
fn utm_since_page_platform_and_card_settings() {
    let site = TestSite::new(SITE);
    let root = site.root();
    let csv = social(
        root,
        &[
            "--since",
            "2026-01-01",
            "--platform",
            "mastodon,x",
            "--format",
            "csv",
        ],
    );
    let rows: Vec<&str> = csv
        .split("\r\n")
        .filter(|l| l.starts_with("content/"))
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains(",mastodon,") && rows[1].contains(",x,"),
        "platforms in the order asked: {csv}"
    );
    assert!(
        csv.contains("https://praxis.example/blog/a/neu/?utm_source=mastodon&utm_medium=social")
    );
    assert!(csv.contains("#ImpfungenImAlter"));
    assert!(
        !csv.contains("a/alt") && !csv.contains("ohne-datum"),
        "--since leaves out older and undated articles: {csv}"
    );

    let md = social(root, &["--page", "a/alt.md", "--platform", "instagram"]);
    assert!(md.contains("# Alt"));
    assert!(
        !md.contains("Image:"),
        "card = false: no image to attach\n{md}"
    );
    assert!(md.contains("Link in der Bio"));
    assert!(
        !md.contains("https://praxis.example/blog/a/alt/\n"),
        "no URL on Instagram\n{md}"
    );

    let all = social(root, &[]);
    let titles: Vec<&str> = all.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(titles, ["# Neu", "# Alt", "# Ohne Datum"], "newest first");
    assert!(!root.join("public").exists());
}

#[test]
fn unknown_pages_and_platforms_are_usage_errors() {
    let site = TestSite::new(SITE);
    let out = site.praxis(&["social", "--page", "a/nue.md"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no article `a/nue.md`") && err.contains("a/neu.md"),
        "{err}"
    );
    let out = site.praxis(&["social", "--platform", "x,myspace"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown platform `myspace`"));
}

fn decode(path: &Path) -> (u32, u32, usize) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let size = bytes.len();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    (info.width, info.height, size)
}

const CARDS: &str = r#"-- praxis.toml --
title = "Hausarztpraxis Dr. Beispiel"
base_url = "https://praxis.example"
default_language = "de"
default_authors = ["b"]

[authors.b]
name = "Dr. med. Eva Beispiel"
credentials = "Fachärztin für Allgemeinmedizin"

[social]
square = true
portrait = true

-- content/artikel/schilddruese.md --
+++
title = "Schilddrüsenunterfunktion: Wann Tabletten helfen und wann nicht – und was Sie selbst tun können"
description = "Müdigkeit, Frieren, Gewichtszunahme: Woran Sie eine Unterfunktion erkennen, welche Blutwerte zählen und wie Sie L-Thyroxin richtig einnehmen."
last_reviewed = 2026-06-01
tags = ["Schilddrüse", "Laborwerte"]
+++
Text.
-- content/artikel/ohne-karte.md --
+++
title = "Ohne Karte"
description = "Kein Bild."
card = false
+++
Text.
"#;

#[test]
fn square_and_portrait_cards_decode_at_their_sizes_under_300_kb() {
    let site = TestSite::new(CARDS);
    let out = site.praxis(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cards = site.public().join("cards/artikel");
    for (name, w, h) in [
        ("schilddruese.png", 1200, 630),
        ("schilddruese-square.png", 1080, 1080),
        ("schilddruese-portrait.png", 1080, 1350),
    ] {
        let (width, height, bytes) = decode(&cards.join(name));
        assert_eq!((width, height), (w, h), "{name}");
        assert!(bytes < 300 * 1024, "{name}: {bytes} bytes");
    }
    assert!(
        !cards.join("ohne-karte-square.png").exists(),
        "card = false: no square card"
    );
    assert!(!cards.join("ohne-karte-portrait.png").exists());
    // Cached like the link cards: a second build draws nothing.
    let out = site.praxis(&["build", "-v"]);
    assert!(
        stderr(&out).contains("0 drawn") || stderr(&out).contains("drawn 0"),
        "{}",
        stderr(&out)
    );

    // praxis social names the square card for Instagram.
    let md = social(
        site.root(),
        &[
            "--platform",
            "instagram,x",
            "--page",
            "artikel/schilddruese.md",
        ],
    );
    assert!(
        md.contains("Image: `public/cards/artikel/schilddruese-square.png`"),
        "{md}"
    );
    assert!(
        md.contains("Image: `public/cards/artikel/schilddruese.png`"),
        "{md}"
    );
}

#[test]
fn a_site_template_overrides_the_square_card() {
    let site = TestSite::new(CARDS);
    site.write(
        "templates/card-square.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{ width }}\" height=\"{{ height }}\"><rect width=\"{{ width }}\" height=\"{{ height }}\" fill=\"#ff0000\"/></svg>",
    );
    site.write("templates/card-portrait.svg", "<svg>{{ nope(</svg>");
    let out = site.praxis(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("templates/card-portrait.svg"),
        "{}",
        stderr(&out)
    );
    site.write(
        "templates/card-portrait.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{ width }}\" height=\"{{ height }}\"><rect width=\"{{ width }}\" height=\"{{ height }}\" fill=\"#00ff00\"/></svg>",
    );
    let out = site.praxis(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes =
        std::fs::read(site.public().join("cards/artikel/schilddruese-square.png")).expect("square");
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("png");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    reader.next_frame(&mut buf).expect("frame");
    assert_eq!(
        &buf[..3],
        &[255, 0, 0],
        "the site's square template is used"
    );
}
