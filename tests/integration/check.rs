//! `praxis check` and the checks that `build` runs too: relative links and
//! images, alt text, resources from other origins, scripts in content,
//! descriptions, unused references, readability; exit codes and formats.

use std::path::PathBuf;

use praxis::build::{BuildError, build};
use praxis::diagnostics::Diagnostic;

use crate::util::{TestSite, praxis_in, stderr};

/// Every diagnostic of an in-memory build, whether it failed or not.
fn diagnostics(site: &TestSite) -> Vec<Diagnostic> {
    match build(&site.options()) {
        Ok(b) => b.diagnostics.into_vec(),
        Err(BuildError::Content(ds)) => ds.into_vec(),
        Err(e) => panic!("{e}"),
    }
}

/// The diagnostics with this code, as `(file, line, column)`, after checking
/// each has a hint.
fn with_code(site: &TestSite, code: &str) -> Vec<(String, usize, usize)> {
    diagnostics(site)
        .into_iter()
        .filter(|d| d.code == code)
        .map(|d| {
            assert!(d.hint.is_some(), "a hint: {}", d.render(false));
            (
                d.file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
                d.line,
                d.column,
            )
        })
        .collect()
}

fn messages(site: &TestSite, code: &str) -> Vec<String> {
    diagnostics(site)
        .into_iter()
        .filter(|d| d.code == code)
        .map(|d| d.message)
        .collect()
}

/// A page with a description (so only what a test adds is reported).
fn page(path: &str, body: &str) -> String {
    format!(
        "-- {path} --\n+++\ntitle = \"{path}\"\ndescription = \"D.\"\naudience = \"clinicians\"\n+++\n{body}"
    )
}

#[test]
fn relative_links_must_reach_a_built_file() {
    let spec = [
        page(
            "content/a/one.md",
            "[ok](../two/) [ok](/a/two/) [ok](../../) [ok](../two/#usage)\n[bad](../three/)\n",
        ),
        page("content/a/two.md", "## Usage\n"),
    ]
    .concat();
    let site = TestSite::new(&spec);
    assert_eq!(
        with_code(&site, "link"),
        [("content/a/one.md".to_owned(), 7, 7)]
    );
    let m = messages(&site, "link");
    assert!(
        m[0].contains("broken link `../three/`") && m[0].contains("/a/three/"),
        "{m:?}"
    );
    // A link to a missing anchor in another page.
    site.write(
        "content/a/one.md",
        &page("x", "[bad](../two/#nope)\n").replace("-- x --\n", ""),
    );
    assert_eq!(
        with_code(&site, "anchor").len(),
        1,
        "{:?}",
        messages(&site, "anchor")
    );
}

#[test]
fn a_broken_relative_link_fails_the_build_too() {
    let site = TestSite::new(&page("content/a.md", "[bad](missing/)\n"));
    let o = site.praxis(&["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/a.md:6:7: broken link"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn images_must_exist_in_the_bundle_or_static() {
    let spec = [
        page(
            "content/b/index.md",
            "![Bundle](bild.png) ![Static](/logo.png)\n\n![Missing](nope.png)\n",
        ),
        "-- content/b/bild.png --\npng\n-- static/logo.png --\npng\n".to_owned(),
    ]
    .concat();
    let site = TestSite::new(&spec);
    assert_eq!(
        with_code(&site, "image"),
        [("content/b/index.md".to_owned(), 8, 12)]
    );
    assert!(messages(&site, "image")[0].contains("missing image `nope.png`"));
}

#[test]
fn anchors_in_the_same_page_must_exist() {
    let site = TestSite::new(&page(
        "content/a.md",
        "## Side effects\n\n[ok](#side-effects) [bad](#nebenwirkungen)\n",
    ));
    assert_eq!(
        with_code(&site, "anchor"),
        [("content/a.md".to_owned(), 8, 27)]
    );
}

#[test]
fn external_links_are_not_checked() {
    let site = TestSite::new(&page(
        "content/a.md",
        "[a](https://example.com/x/) [b](mailto:a@example.com) [c](tel:+4930123) [d](http://x.example) [e](@/a.md)\n",
    ));
    let ds = diagnostics(&site);
    assert!(ds.is_empty(), "{ds:?}");
}

#[test]
fn images_without_alt_text_warn() {
    let site = TestSite::new(
        &[
            page("content/a/index.md", "![](x.png)\n\n<img src=\"x.png\">\n"),
            "-- content/a/x.png --\npng\n".to_owned(),
        ]
        .concat(),
    );
    assert_eq!(
        with_code(&site, "alt-text"),
        [
            ("content/a/index.md".to_owned(), 6, 5),
            ("content/a/index.md".to_owned(), 8, 1)
        ]
    );
    site.write(
        "content/a/index.md",
        "+++\ntitle = \"T\"\ndescription = \"D.\"\n+++\n![An inhaler](x.png) <img src=\"x.png\" alt=\"\">\n",
    );
    assert!(with_code(&site, "alt-text").is_empty());
}

#[test]
fn resources_from_other_origins_warn_but_links_do_not() {
    let site = TestSite::new(&page(
        "content/a.md",
        "A [link](https://other.example/) is fine.\n\n<iframe src=\"https://video.example/embed/1\" title=\"Video\"></iframe>\n\n![Chart](https://cdn.example/chart.png)\n\n<img src=\"https://example.org/own.png\" alt=\"own site\">\n",
    ));
    assert_eq!(
        with_code(&site, "origin"),
        [
            ("content/a.md".to_owned(), 8, 1),
            ("content/a.md".to_owned(), 10, 10)
        ]
    );
    let m = messages(&site, "origin");
    assert!(
        m[0].contains("visitors' IP addresses go to that server"),
        "{m:?}"
    );
}

#[test]
fn resources_from_other_origins_in_templates_warn_once() {
    let site = TestSite::new(
        &[
            page("content/a.md", "A.\n"),
            page("content/b.md", "B.\n"),
            "-- templates/page.html --\n<html><head><link rel=\"stylesheet\" href=\"https://fonts.example/css\"><link rel=\"canonical\" href=\"https://other.example/\"></head><body>{{ page.content | safe }}</body></html>\n".to_owned(),
        ]
        .concat(),
    );
    let m = messages(&site, "origin");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("https://fonts.example/css") && m[0].contains("1 other page"),
        "{m:?}"
    );
}

#[test]
fn scripts_in_content_warn() {
    let site = TestSite::new(&page(
        "content/a.md",
        "<script>alert(1)</script>\n\n<p onclick=\"x()\">a</p>\n\n[x](javascript:alert(1))\n",
    ));
    assert_eq!(
        with_code(&site, "script"),
        [
            ("content/a.md".to_owned(), 6, 1),
            ("content/a.md".to_owned(), 8, 1),
            ("content/a.md".to_owned(), 10, 5)
        ]
    );
    let site = TestSite::new(&page(
        "content/a.md",
        "<details><summary>More</summary>\n\nText.\n</details>\n",
    ));
    assert!(with_code(&site, "script").is_empty());
}

#[test]
fn pages_without_description_warn() {
    let site = TestSite::new("-- content/a.md --\n+++\ntitle = \"A\"\n+++\nText.\n");
    assert_eq!(
        with_code(&site, "description"),
        [("content/a.md".to_owned(), 1, 1)]
    );
    let site = TestSite::new(&page("content/a.md", "Text.\n"));
    assert!(with_code(&site, "description").is_empty());
}

#[test]
fn uncited_bibliography_entries_warn_with_their_line() {
    let site = TestSite::new(&[
        "-- praxis.toml --\ntitle = \"T\"\nbase_url = \"https://example.org\"\nbibliography = \"refs.bib\"\n-- refs.bib --\n@book{cited2020,\n  author = {Doe, Jane},\n  title = {Cited},\n  year = {2020},\n}\n\n@book{unused2021,\n  author = {Roe, Richard},\n  title = {Unused},\n  year = {2021},\n}\n".to_owned(),
        page("content/a.md", "As shown [@cited2020].\n"),
    ].concat());
    assert_eq!(
        with_code(&site, "unused-reference"),
        [("refs.bib".to_owned(), 7, 0)]
    );
    assert!(messages(&site, "unused-reference")[0].contains("`unused2021`"));
}

const HARD_EN: &str = "Pharmacological antihypertensive intervention considerably diminishes cardiovascular morbidity, particularly concerning cerebrovascular complications, independently of additional therapeutic modifications administered simultaneously. ";
const EASY_EN: &str = "Take your pills each day. Check your blood at home. Write it down. Bring the list when you see us. ";

#[test]
fn hard_text_for_patients_warns_with_score_and_target() {
    let body = HARD_EN.repeat(8);
    let spec =
        format!("-- content/a.md --\n+++\ntitle = \"A\"\ndescription = \"D.\"\n+++\n{body}\n");
    let site = TestSite::new(&spec);
    assert_eq!(
        with_code(&site, "readability"),
        [("content/a.md".to_owned(), 5, 1)]
    );
    let m = &messages(&site, "readability")[0];
    assert!(
        m.contains("Flesch–Kincaid grade") && m.contains("target: 8 or below"),
        "{m}"
    );
    // Written for clinicians: not scored.
    site.write(
        "content/a.md",
        &spec
            .replace("description", "audience = \"clinicians\"\ndescription")
            .replace("-- content/a.md --\n", ""),
    );
    assert!(with_code(&site, "readability").is_empty());
    // Plain language passes.
    site.write(
        "content/a.md",
        &format!(
            "+++\ntitle = \"A\"\ndescription = \"D.\"\n+++\n{}\n",
            EASY_EN.repeat(8)
        ),
    );
    assert!(with_code(&site, "readability").is_empty());
}

#[test]
fn check_exits_0_on_warnings_1_with_strict_and_writes_nothing() {
    let site = TestSite::new(
        "-- content/a/index.md --\n+++\ntitle = \"A\"\naudience = \"clinicians\"\n+++\nText ![](x.png)\n-- content/a/x.png --\npng\n",
    );
    let o = site.praxis(&["check"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.starts_with("content/a/index.md\n"),
        "a header per file: {out}"
    );
    assert!(
        out.contains("warning: content/a/index.md:1:1: page “A” has no description"),
        "{out}"
    );
    assert!(
        out.contains("warning: content/a/index.md:5:10: image `x.png` has no alt text"),
        "{out}"
    );
    assert!(out.contains("  = hint: add description = "), "{out}");
    assert!(out.ends_with("\n0 errors, 2 warnings in 1 file\n"), "{out}");
    assert!(
        !site.root().join(".praxis-cache").exists(),
        "check draws no share cards and keeps no cache"
    );
    let o = site.praxis(&["check", "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    let o = site.praxis(&["build", "--strict"]);
    assert_eq!(o.status.code(), Some(1), "build --strict agrees");
    std::fs::remove_dir_all(site.public()).ok();
    site.praxis(&["check", "--strict"]);
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn check_exits_1_on_errors_and_groups_by_file() {
    let site = TestSite::new(
        &[
            page("content/a.md", "[bad](nowhere/)\n"),
            page("content/b.md", "![Missing](nope.png)\n"),
        ]
        .concat(),
    );
    let o = site.praxis(&["check"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    let a = out
        .find("content/a.md\nerror: content/a.md:6:7: broken link")
        .expect(&out);
    let b = out
        .find("content/b.md\nerror: content/b.md:6:12: missing image")
        .expect(&out);
    assert!(a < b, "{out}");
    assert!(out.ends_with("2 errors, 0 warnings in 2 files\n"), "{out}");
    assert!(!site.public().exists());
}

#[test]
fn check_json_has_stable_fields() {
    let site = TestSite::new(&page("content/a.md", "[bad](nowhere/)\n"));
    let o = site.praxis(&["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["errors"], 1);
    assert_eq!(v["warnings"], 0);
    assert_eq!(v["files"], 1);
    let d = &v["diagnostics"][0];
    for key in [
        "severity", "code", "file", "line", "column", "message", "hint",
    ] {
        assert!(d.get(key).is_some(), "{key} in {d}");
    }
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "link");
    assert_eq!(d["file"], "content/a.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(7))
    );
}

#[test]
fn a_clean_site_checks_clean() {
    let site = TestSite::new(&page("content/a.md", "Fine.\n"));
    let o = site.praxis(&["check", "--strict"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "no problems found in 1 page\n"
    );
}

#[test]
fn the_example_site_checks_without_errors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let o = praxis_in(&root, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["errors"], 0, "{v}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn the_check_table_moves_the_readability_targets() {
    let article = format!(
        "-- content/a.md --\n+++\ntitle = \"A\"\ndescription = \"D.\"\n+++\n{}\n",
        HARD_EN.repeat(8)
    );
    let with = |table: &str| {
        TestSite::new(&format!(
            "-- praxis.toml --\n{}\n[check]\n{table}\n{article}",
            crate::util::CONFIG
        ))
    };
    let m = messages(&with("max_grade = 50"), "readability");
    assert!(m.is_empty(), "{m:?}");
    let m = messages(&with("max_grade = 5.5"), "readability");
    assert!(m[0].contains("target: 5.5 or below"), "{m:?}");
    assert!(messages(&with("readability = false"), "readability").is_empty());
    let ds = with("max_grde = 5").errors();
    let d = ds.iter().next().expect("an error");
    assert!(d.message.contains("max_grde"), "{}", d.render(false));
}

#[test]
fn a_missing_image_beside_a_plain_page_points_at_the_built_file() {
    let site = TestSite::new(
        &[
            page("content/artikel/hba1c.md", "![Chart](chart.png)\n"),
            "-- content/artikel/chart.png --\npng\n".to_owned(),
        ]
        .concat(),
    );
    let d = diagnostics(&site)
        .into_iter()
        .find(|d| d.code == "image")
        .expect("missing image");
    assert!(
        d.message.contains("/artikel/hba1c/chart.png"),
        "{}",
        d.message
    );
    assert!(
        d.hint
            .as_deref()
            .is_some_and(|h| h.contains("`/artikel/chart.png`")),
        "{:?}",
        d.hint
    );
}

#[test]
fn check_json_reports_the_readability_of_every_article() {
    let site = TestSite::new(&format!(
        "-- content/easy.md --\n+++\ntitle = \"Easy\"\ndescription = \"D.\"\n+++\n{}\n-- content/hard.md --\n+++\ntitle = \"Hard\"\ndescription = \"D.\"\naudience = \"clinicians\"\n+++\n{}\n-- content/kurz.de.md --\n+++\ntitle = \"Kurz\"\ndescription = \"D.\"\n+++\nDer Arzt misst den Blutdruck. Die Tabletten helfen sehr.\n",
        EASY_EN.repeat(8),
        HARD_EN.repeat(8)
    ));
    let o = site.praxis(&["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let r = v["readability"].as_array().expect("readability");
    let files: Vec<&str> = r.iter().filter_map(|a| a["file"].as_str()).collect();
    assert_eq!(
        files,
        ["content/easy.md", "content/hard.md", "content/kurz.de.md"]
    );
    let easy = &r[0];
    assert_eq!(easy["audience"], "patients");
    assert_eq!(easy["scores"][0]["formula"], "Flesch–Kincaid grade");
    assert_eq!(easy["scores"][1]["formula"], "Flesch Reading Ease");
    assert_eq!(easy["target"], "8 or below");
    assert_eq!(easy["ok"], true);
    assert_eq!(easy["words"], 8 * 20);
    // Written for clinicians: scored, not judged.
    let hard = &r[1];
    assert!(hard["scores"][0]["value"].as_f64().expect("value") > 15.0);
    assert!(hard["ok"].is_null() && hard["target"].is_null(), "{hard}");
    // Too short to judge, but scored: 180 − 4.5 − 58.5·13/9 = 91.
    let kurz = &r[2];
    assert_eq!(kurz["scores"][0]["formula"], "Flesch–Amstad reading ease");
    assert_eq!(kurz["scores"][0]["value"], 91.0);
    assert!(kurz["ok"].is_null());
}

#[test]
fn review_shows_readability_on_request() {
    let site = TestSite::new(&format!(
        "-- content/easy.md --\n+++\ntitle = \"Easy\"\ndescription = \"D.\"\n+++\n{}\n-- content/hard.md --\n+++\ntitle = \"Hard\"\ndescription = \"D.\"\n+++\n{}\n",
        EASY_EN.repeat(8),
        HARD_EN.repeat(8)
    ));
    let o = site.praxis(&["review"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!out.contains("READABILITY"), "{out}");
    let o = site.praxis(&["review", "--readability"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.contains("READABILITY")),
        "{out}"
    );
    let hard = out
        .lines()
        .find(|l| l.contains("content/hard.md"))
        .expect(&out);
    assert!(
        hard.contains(" (hard)") && hard.contains("grade "),
        "{hard}"
    );
    let easy = out
        .lines()
        .find(|l| l.contains("content/easy.md"))
        .expect(&out);
    assert!(
        easy.contains("grade ") && !easy.contains("(hard)"),
        "{easy}"
    );
    let o = site.praxis(&["review", "--readability", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for a in v["articles"].as_array().expect("articles") {
        assert!(a["readability"]["scores"][0]["value"].is_number(), "{a}");
    }
    let o = site.praxis(&["review", "--readability", "--format", "csv"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.starts_with("status,")
            && out.contains(",readability_formula,readability_score,readability_ok\r\n"),
        "{out}"
    );
    assert!(out.contains(",Flesch–Kincaid grade,"), "{out}");
}

/// A local web server for `--external`: `/ok` 200, `/gone` 404, `/nohead`
/// 405 to HEAD and 200 to GET, `/flaky` 503 once then 200. Counts requests
/// per method and path; stops when dropped.
struct LinkServer {
    port: u16,
    hits: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LinkServer {
    fn start() -> LinkServer {
        use std::sync::atomic::Ordering;
        let server = tiny_http::Server::http("127.0.0.1:0").expect("server");
        let port = server.server_addr().to_ip().expect("ip").port();
        let hits = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: stops when told, or after a minute whatever happens.
            let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !s.load(Ordering::Relaxed) && std::time::Instant::now() < until {
                let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_millis(50))
                else {
                    continue;
                };
                let (method, path) = (req.method().to_string(), req.url().to_owned());
                let seen = {
                    let mut hits = h.lock().expect("lock");
                    hits.push(format!("{method} {path}"));
                    hits.iter().filter(|x| x.ends_with(&path)).count()
                };
                let code = match (method.as_str(), path.as_str()) {
                    (_, "/ok") => 200,
                    ("HEAD", "/nohead") => 405,
                    (_, "/nohead") => 200,
                    (_, "/flaky") if seen == 1 => 503,
                    (_, "/flaky") => 200,
                    _ => 404,
                };
                let _ = req.respond(tiny_http::Response::empty(code));
            }
        });
        LinkServer {
            port,
            hits,
            stop,
            thread: Some(thread),
        }
    }

    fn hits(&self, what: &str) -> usize {
        let hits = self.hits.lock().expect("lock");
        hits.iter().filter(|h| *h == what).count()
    }
}

impl Drop for LinkServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn external_links_are_checked_on_request_against_a_local_server() {
    let server = LinkServer::start();
    let base = format!("http://127.0.0.1:{}", server.port);
    let site = TestSite::new(&page(
        "content/a.md",
        &format!(
            "[ok]({base}/ok#part) [gone]({base}/gone)\n\n<a href=\"{base}/nohead\">x</a> [flaky]({base}/flaky) [ok again]({base}/ok)\n"
        ),
    ));
    // Off by default: nothing is asked for.
    let o = site.praxis(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(server.hits.lock().expect("lock").is_empty());

    let o = site.praxis(&["check", "--external", "--external-timeout", "5"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "warnings only: {out}");
    let col = "[ok](".len() + base.len() + "/ok#part) [gone](".len() + 1;
    let want =
        format!("warning: content/a.md:6:{col}: broken external link `{base}/gone`: HTTP 404");
    assert!(out.contains(&want), "{want}\n{out}");
    assert_eq!(out.matches("broken external link").count(), 1, "{out}");
    assert!(out.ends_with("0 errors, 1 warning in 1 file\n"), "{out}");
    // One HEAD per distinct URL; GET after 405; a retry after 503.
    assert_eq!(server.hits("HEAD /ok"), 1);
    assert_eq!(server.hits("HEAD /nohead"), 1);
    assert_eq!(server.hits("GET /nohead"), 1);
    assert_eq!(server.hits("HEAD /flaky"), 2);
    let cache = site.root().join(".praxis-cache/external-links.json");
    let cached = std::fs::read_to_string(&cache).expect("cache");
    assert!(cached.contains(&format!("{base}/ok\"")), "{cached}");
    assert!(
        !cached.contains("/gone"),
        "broken links are not cached: {cached}"
    );

    // The second run asks only for what is not cached: the broken link.
    let o = site.praxis(&["check", "--external", "--strict", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "--strict fails on the warning");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["diagnostics"][0]["code"], "external-link");
    assert_eq!(server.hits("HEAD /ok"), 1);
    assert_eq!(server.hits("HEAD /flaky"), 2);
    assert_eq!(server.hits("HEAD /gone"), 2);
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name)
}

/// `tests/fixtures/check/problems` has one instance of every problem the
/// checks find once the site renders; each is reported exactly once, where it is.
#[test]
fn the_problem_fixture_reports_each_problem_once_where_it_is() {
    let root = fixture("problems");
    let o = praxis_in(
        &root,
        &["check", "--format", "json", "--today", "2026-11-24"],
    );
    assert_eq!(o.status.code(), Some(1), "errors fail: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let mut got: Vec<(String, String, String, u64, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            assert!(d["hint"].is_string(), "a hint: {d}");
            (
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String, String, u64, u64)> = [
        ("error", "link", "content/links.md", 8, 17),
        ("error", "image", "content/links.md", 10, 10),
        ("error", "anchor", "content/links.md", 12, 24),
        ("warning", "alt-text", "content/links.md", 14, 1),
        ("warning", "origin", "content/links.md", 16, 1),
        ("warning", "script", "content/links.md", 18, 1),
        ("warning", "readability", "content/hard.md", 6, 1),
        ("warning", "description", "content/no-description.md", 1, 1),
        ("warning", "review", "content/overdue.md", 5, 1),
        ("warning", "duplicate-title", "content/same-b.md", 2, 1),
        ("warning", "trap-quote", "content/traps.md", 7, 1),
        ("warning", "trap-tilde", "content/traps.md", 9, 6),
        ("warning", "trap-sign", "content/traps.md", 13, 1),
        ("warning", "trap-number", "content/traps.md", 15, 1),
        ("warning", "trap-table", "content/traps.md", 19, 12),
        ("warning", "heading-skip", "content/traps.md", 23, 1),
        ("warning", "unused-reference", "refs.bib", 7, 0),
    ]
    .iter()
    .map(|(s, c, f, l, col)| ((*s).to_owned(), (*c).to_owned(), (*f).to_owned(), *l, *col))
    .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(3), Some(14))
    );
    // The text report names the same places.
    let o = praxis_in(&root, &["check", "--today", "2026-11-24"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    for line in [
        "warning: content/traps.md:7:1: `>7.0` at the start of a line becomes a block quote",
        "  = hint: write `\\>7.0` (or “more than …”) to keep the sign",
        "  = hint: write `\\~10 mg~` (or “about …”) to keep the tildes",
        "  = hint: write `\\+ 2` to keep the sign",
        "  = hint: write `2015\\.` to keep the number as text",
        "warning: content/traps.md:23:1: heading level skips from h2 to h4",
        "warning: content/same-b.md:2:1: the title “Same title” is also the title of content/same-a.md (en)",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    assert!(out.ends_with("3 errors, 14 warnings in 7 files\n"), "{out}");
}

#[test]
fn the_clean_fixture_reports_nothing() {
    let root = fixture("clean");
    let o = praxis_in(&root, &["check", "--strict", "--today", "2026-11-24"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "no problems found in 2 pages\n"
    );
    assert_eq!(o.status.code(), Some(0));
    let o = praxis_in(
        &root,
        &["check", "--format", "json", "--today", "2026-11-24"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["readability"][0]["ok"], true, "{v}");
}

/// `(severity, code, file, line, column)` of every diagnostic `check --format json` prints.
fn json_locations(root: &std::path::Path) -> Vec<(String, String, String, u64, u64)> {
    let o = praxis_in(
        root,
        &["check", "--format", "json", "--today", "2026-11-24"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str, &str, u64, u64)]) -> Vec<(String, String, String, u64, u64)> {
    v.iter()
        .map(|(s, c, f, l, col)| ((*s).to_owned(), (*c).to_owned(), (*f).to_owned(), *l, *col))
        .collect()
}

/// Errors that stop the build before the checks run (while loading, while
/// rendering) have fixtures of their own; each is reported once.
#[test]
fn the_error_fixtures_report_each_error_once() {
    assert_eq!(
        json_locations(&fixture("errors-load")),
        owned(&[
            ("error", "front-matter", "content/bad-front-matter.md", 3, 1),
            ("error", "duplicate-path", "content/two.md", 0, 0),
            ("error", "author", "content/unknown-author.md", 4, 1),
        ])
    );
    assert_eq!(
        json_locations(&fixture("errors-render")),
        owned(&[
            ("error", "citation", "content/a.md", 6, 11),
            ("error", "link", "content/a.md", 8, 25),
        ])
    );
}
