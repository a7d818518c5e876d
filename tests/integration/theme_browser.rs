//! The default theme `clinic` on the example site, checked the way readers
//! and validators meet it: every page type in headless Chromium with axe-core
//! (WCAG 2.1 AA), screenshots at phone and desktop widths, the search box with
//! JavaScript on and the pages with it off, the Nu Html Checker on every page,
//! and the weight of an article page.
//!
//! axe-core and the checker come from npm (`npm install --prefix target/npm
//! axe-core vnu-jar`, done by `.ci/run`); without them these tests skip with a
//! message, except in CI (`CI` set), where they fail.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use praxis::build::{BuildError, BuildOptions, build};
use praxis::date::Date;
use serde_json::json;

use crate::browser_util::{Browser, wait_for, which};

/// The example site, built once into `target/tmp/` and served over HTTP.
struct Site {
    dir: PathBuf,
    base: String,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(Path::to_path_buf).unwrap_or(tmp)
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let options = BuildOptions {
            // A fixed day, so review notices (one article is overdue) and
            // screenshots stay the same from run to run.
            today: Date::from_ymd(2026, 11, 24).expect("date"),
            card_cache: None,
            citation_cache: None,
            ..BuildOptions::new(repo().join("example-site"))
        };
        let built = match build(&options) {
            Ok(b) => b,
            Err(BuildError::Content(ds)) => panic!("{}", crate::util::render(&ds)),
            Err(e) => panic!("{e}"),
        };
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("theme-browser-site");
        praxis::output::write_atomic(&built.output, &dir).expect("write the example site");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let root = dir.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let root = root.clone();
                std::thread::spawn(move || serve_file(&root, stream));
            }
        });
        Site { dir, base }
    })
}

/// Answers one GET from the files under `root`, the way a static host does:
/// `index.html` for folders, `404.html` with status 404 for what is missing.
fn serve_file(root: &Path, mut stream: TcpStream) {
    let mut line = String::new();
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Read the rest of the head.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let mut file = root.join(path.trim_start_matches('/'));
    if path.split('/').any(|part| part == "..") {
        file = root.join("no such file");
    }
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body, file) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body, file),
        Err(_) => {
            let missing = root.join("404.html");
            let body = std::fs::read(&missing).unwrap_or_default();
            ("404 Not Found", body, missing)
        }
    };
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A tool installed by npm under `target/npm/`; `None` (after a message)
/// when it is missing outside CI.
fn npm_file(rel: &str) -> Option<PathBuf> {
    let path = target_dir().join("npm/node_modules").join(rel);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install {rel}: npm install --prefix target/npm axe-core vnu-jar"
    );
    eprintln!(
        "skipping: {} is missing (npm install --prefix target/npm axe-core vnu-jar)",
        path.display()
    );
    None
}

/// Every kind of page of the example site: name (for screenshots) and path.
const PAGES: &[(&str, &str)] = &[
    ("home-de", "/"),
    ("home-en", "/en/"),
    ("section", "/artikel/"),
    ("section-page-2", "/artikel/page/2/"),
    ("article-de", "/artikel/hba1c/"),
    ("article-en", "/en/artikel/hba1c/"),
    ("article-overdue", "/artikel/antibiotika/"),
    ("article-image", "/artikel/asthma-inhalieren/"),
    ("article-code", "/fachinfo/egfr-berechnen/"),
    ("tags", "/tags/"),
    ("tag", "/tags/diabetes/"),
    ("author", "/authors/meier/"),
    ("impressum", "/impressum/"),
    ("404", "/no/such/page/"),
    ("search", "/"),
];

/// What the search-results page type types into the search box.
const QUERY: &str = "Langzeitzucker";

const WCAG_AA: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

/// Runs axe-core in the open page; returns its violations, one line each.
fn axe(browser: &Browser, axe_source: &str) -> Vec<String> {
    browser.inject(axe_source);
    let result = browser.eval_async(&format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {WCAG_AA} }}, resultTypes: ['violations'] }})
           .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + '\\n    '
               + v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\n/g, ' ')).join('\\n    '))))
           .catch(e => done(['axe failed: ' + e]));"
    ));
    result
        .as_array()
        .unwrap_or_else(|| panic!("axe answered {result}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Opens `path`; for the search page type, types [`QUERY`] and waits for
/// the results.
fn open(browser: &Browser, name: &str, path: &str) {
    browser.open(&format!("{}{path}", site().base));
    if name == "search" {
        browser.type_into("#praxis-q", QUERY);
        wait_for("search results", || {
            browser.eval("return document.querySelectorAll('.search__results a').length;")
                != json!(0)
        });
    }
}

/// The sum of layout shifts since the page started loading.
fn layout_shift(browser: &Browser) -> f64 {
    browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             let sum = 0;
             new PerformanceObserver(list => { for (const e of list.getEntries()) sum += e.value; })
               .observe({ type: 'layout-shift', buffered: true });
             setTimeout(() => done(sum), 300);",
        )
        .as_f64()
        .unwrap_or(f64::NAN)
}

#[test]
fn every_page_type_passes_axe_in_light_and_dark_and_is_photographed() {
    let Some(axe_js) = npm_file("axe-core/axe.min.js") else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let axe_source = std::fs::read_to_string(axe_js).expect("read axe.min.js");
    let shots = target_dir().join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let mut problems = Vec::new();
    for (width, scheme) in [
        (320, "light"),
        (375, "light"),
        (1280, "light"),
        (375, "dark"),
    ] {
        browser.viewport(width, 800);
        browser.media("screen", scheme);
        for (name, path) in PAGES {
            open(&browser, name, path);
            let at = format!("{name} ({path}) at {width}px, {scheme}");
            for v in axe(&browser, &axe_source) {
                problems.push(format!("{at}: {v}"));
            }
            // Nothing wider than a phone: long words wrap, tables scroll
            // inside themselves.
            let overflow = browser.eval(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            );
            if overflow.as_i64() != Some(0) {
                problems.push(format!("{at}: the page scrolls sideways by {overflow}px"));
            }
            // Nothing moves once shown. (Images written in Markdown carry no
            // width and height yet, so pages with them are not held to this.)
            let sized = browser.eval(
                "return [...document.images].every(i => i.getAttribute('width') && i.getAttribute('height'));",
            );
            if name != &"search" && sized == json!(true) {
                let shift = layout_shift(&browser);
                if shift.is_nan() || shift > 0.0 {
                    problems.push(format!("{at}: layout shift {shift}"));
                }
            }
            let suffix = if scheme == "dark" { "-dark" } else { "" };
            let png = browser.screenshot();
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{at}: not a PNG");
            std::fs::write(shots.join(format!("{name}-{width}{suffix}.png")), png)
                .expect("write screenshot");
            if name.starts_with("article") {
                let full = browser.screenshot_full_page();
                std::fs::write(shots.join(format!("{name}-{width}{suffix}-full.png")), full)
                    .expect("write screenshot");
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The text of a built file of the example site.
fn built(rel: &str) -> String {
    std::fs::read_to_string(site().dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `<h1>` of a built page, tags stripped.
fn heading(rel: &str) -> String {
    let html = built(rel);
    let h1 = html
        .split("<h1")
        .nth(1)
        .and_then(|h| h.split_once('>'))
        .and_then(|(_, rest)| rest.split("</h1>").next())
        .unwrap_or_else(|| panic!("no <h1> in {rel}"));
    let mut text = String::new();
    let mut in_tag = false;
    for c in h1.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The result links the search box shows: `[href, text]` pairs.
fn search_results(browser: &Browser) -> Vec<(String, String)> {
    let links = browser.eval(
        "return [...document.querySelectorAll('.search__results a')].map(a => [a.getAttribute('href'), a.textContent]);",
    );
    links
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| {
                    (
                        l[0].as_str().unwrap_or_default().to_owned(),
                        l[1].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_search_box_finds_an_article_by_a_word_from_its_title() {
    let Some(browser) = Browser::start() else {
        return;
    };
    browser.viewport(375, 800);
    for (home, article, word) in [
        ("/", "/artikel/rueckenschmerzen/", "Kreuzschmerzen"),
        ("/en/", "/en/artikel/blutdruck-messen/", "pressure"),
    ] {
        let title = heading(&format!("{}index.html", article.trim_start_matches('/')));
        assert!(title.contains(word), "{word} is not in {title:?}");
        browser.open(&format!("{}{home}", site().base));
        assert_eq!(
            browser.eval("return getComputedStyle(document.querySelector('form.search')).display;"),
            json!("flex"),
            "the search box shows with JavaScript on"
        );
        browser.type_into("#praxis-q", &word.to_lowercase());
        wait_for("search results", || !search_results(&browser).is_empty());
        let results = search_results(&browser);
        assert!(
            results
                .iter()
                .any(|(href, text)| href == article && *text == title),
            "{word}: {results:?}"
        );
        let status =
            browser.eval("return document.querySelector('#praxis-search-status').textContent;");
        assert!(
            status
                .as_str()
                .is_some_and(|s| s.ends_with(&results.len().to_string())),
            "{status}"
        );
        // Enter moves to the first result; following it opens the article.
        browser.press("\u{E007}");
        wait_for("focus on the first result", || {
            browser.eval("return document.activeElement.closest('.search__results') !== null;")
                == json!(true)
        });
        browser.press("\u{E007}");
        wait_for("the article to open", || {
            browser
                .eval("return location.pathname;")
                .as_str()
                .is_some_and(|p| p != home)
        });
    }
    // A word found nowhere says so.
    browser.open(&format!("{}/", site().base));
    browser.type_into("#praxis-q", "xylophon");
    wait_for("the no-results message", || {
        browser
            .eval("return document.querySelector('#praxis-search-status').textContent;")
            .as_str()
            .is_some_and(|s| !s.is_empty())
    });
    assert!(search_results(&browser).is_empty());
}

#[test]
fn pages_are_complete_and_navigable_with_javascript_off() {
    let Some(browser) = Browser::start_without_javascript() else {
        return;
    };
    browser.viewport(375, 800);
    browser.open(&format!("{}/artikel/hba1c/", site().base));
    // Scripting is off, so the <noscript> style hides the search box rather
    // than offering one that cannot search.
    assert_eq!(
        browser.eval("return getComputedStyle(document.querySelector('form.search')).display;"),
        json!("none"),
        "JavaScript is on, or the box shows without it"
    );
    let text = browser.eval("return document.body.innerText;");
    let text = text.as_str().unwrap_or_default();
    let title = heading("artikel/hba1c/index.html");
    for expected in [
        title.as_str(),
        "Auf dieser Seite",
        "Zuletzt ärztlich geprüft",
        "Literatur",
        "Fachärztin für Allgemeinmedizin",
        "Interessenkonflikte: Keine Interessenkonflikte",
        "Diese Informationen ersetzen keine persönliche ärztliche Beratung",
        "English",
    ] {
        assert!(text.contains(expected), "{expected:?} not shown:\n{text}");
    }
    std::fs::create_dir_all(target_dir().join("screenshots")).expect("folder");
    std::fs::write(
        target_dir().join("screenshots/article-de-no-js-375.png"),
        browser.screenshot(),
    )
    .expect("screenshot");
    // Without search, the topic index leads to every article.
    browser.find(".site-nav a");
    browser.eval("document.querySelector('.site-nav a').click(); return null;");
    wait_for("the topic index", || {
        browser.eval("return location.pathname;") == json!("/tags/")
    });
    browser
        .eval("document.querySelector('main a[href=\"/tags/diabetes/\"]').click(); return null;");
    wait_for("the tag page", || {
        browser.eval("return location.pathname;") == json!("/tags/diabetes/")
    });
    let links = browser
        .eval("return [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'));");
    assert!(
        links
            .as_array()
            .is_some_and(|l| l.contains(&json!("/artikel/hba1c/"))),
        "{links}"
    );
}

#[test]
fn keyboard_focus_starts_at_a_visible_skip_link_and_stays_visible() {
    let Some(browser) = Browser::start() else {
        return;
    };
    browser.viewport(375, 800);
    browser.open(&format!("{}/artikel/hba1c/", site().base));
    browser.press("\u{E004}");
    let skip = browser.eval(
        "const a = document.activeElement, r = a.getBoundingClientRect();
         return [a.className, r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.height > 0,
                 getComputedStyle(a).backgroundColor];",
    );
    assert_eq!(skip[0], json!("skip-link"), "{skip}");
    assert_eq!(skip[1], json!(true), "the skip link is off screen: {skip}");
    browser.press("\u{E007}");
    wait_for("the jump to the content", || {
        browser.eval("return location.hash;") == json!("#main")
    });
    // Every further stop shows a focus indicator.
    for _ in 0..8 {
        browser.press("\u{E004}");
        let focus = browser.eval(
            "const a = document.activeElement, s = getComputedStyle(a);
             return [a.outerHTML.slice(0, 80), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
                     || s.boxShadow !== 'none'];",
        );
        assert_eq!(focus[1], json!(true), "no visible focus on {}", focus[0]);
    }
}

#[test]
fn printing_hides_navigation_and_spells_out_reference_urls() {
    let Some(browser) = Browser::start() else {
        return;
    };
    browser.media("print", "light");
    browser.open(&format!("{}/artikel/hba1c/", site().base));
    let hidden = browser.eval(
        "return ['.site-header', '.breadcrumb', '.share', '.skip-link', '.toc']
           .map(s => document.querySelector(s)).filter(e => e && getComputedStyle(e).display !== 'none')
           .map(e => e.className);",
    );
    assert_eq!(hidden, json!([]), "printed: {hidden}");
    let printed = browser.eval(
        "return [...document.querySelectorAll('.references a[href^=\"http\"]')]
           .map(a => [a.href, getComputedStyle(a, '::after').content]);",
    );
    let printed = printed.as_array().cloned().unwrap_or_default();
    assert!(!printed.is_empty(), "no reference links");
    for link in &printed {
        let (href, after) = (
            link[0].as_str().unwrap_or(""),
            link[1].as_str().unwrap_or(""),
        );
        assert!(after.contains(href), "{href} printed as {after}");
    }
    // The disclaimer and the review dates stay on paper.
    let text = browser.eval("return document.body.innerText;");
    assert!(
        text.as_str()
            .is_some_and(|t| t.contains("Zuletzt ärztlich geprüft") && t.contains("ersetzen keine")),
        "{text}"
    );
}

#[test]
fn every_built_page_passes_the_nu_html_checker() {
    let Some(jar) = npm_file("vnu-jar/build/dist/vnu.jar") else {
        return;
    };
    let Some(java) = which("java") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Java for the Nu Html Checker"
        );
        eprintln!("skipping: java is not installed");
        return;
    };
    let dir = &site().dir;
    let mut pages = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .expect("read dir")
            .map_while(Result::ok)
        {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "html") {
                pages.push(p);
            }
        }
    }
    pages.sort();
    assert!(pages.len() > 30, "{} pages", pages.len());
    let out = std::process::Command::new(java)
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--also-check-css"])
        .args(&pages)
        .arg(dir.join("style.css"))
        .output()
        .expect("run the Nu Html Checker");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && report.trim().is_empty(), "{report}");
}

#[test]
fn an_article_page_weighs_under_60_kb_before_compression() {
    let dir = &site().dir;
    let mut heaviest = (0, String::new());
    for section in ["artikel", "fachinfo", "en/artikel"] {
        for entry in std::fs::read_dir(dir.join(section))
            .expect("section")
            .map_while(Result::ok)
        {
            let page = entry.path().join("index.html");
            let Ok(html) = std::fs::read_to_string(&page) else {
                continue;
            };
            if !html.contains("class=\"article\"") {
                continue;
            }
            // The page and the stylesheets and scripts it loads (images aside).
            let mut bytes = html.len();
            for attr in ["<link rel=\"stylesheet\" href=\"", "<script src=\""] {
                for part in html.split(attr).skip(1) {
                    let url = part.split('"').next().unwrap_or("");
                    let file = dir.join(url.trim_start_matches('/'));
                    bytes += std::fs::metadata(&file)
                        .unwrap_or_else(|e| panic!("{url}: {e}"))
                        .len() as usize;
                }
            }
            if bytes > heaviest.0 {
                heaviest = (bytes, page.display().to_string());
            }
        }
    }
    eprintln!(
        "heaviest article page: {} bytes ({})",
        heaviest.0, heaviest.1
    );
    assert!(heaviest.0 > 10_000, "{heaviest:?}");
    assert!(heaviest.0 < 60_000, "{heaviest:?}");
}
