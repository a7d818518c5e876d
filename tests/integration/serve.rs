//! `praxis serve` as a child process: serving from memory, path safety, the
//! Host check, rebuild on change, live reload and the error overlay data.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::browser_util::Browser;
use crate::util::TestSite;

pub(crate) const SITE: &str = r#"
-- content/_index.md --
+++
title = "Home"
+++
Welcome to the practice.
-- content/articles/_index.md --
+++
title = "Articles"
+++
-- content/articles/hba1c.md --
+++
title = "HbA1c explained"
description = "What the long-term sugar value means"
date = 2026-03-01
+++
First version of the article.
-- static/notes.txt --
plain notes
-- static/data.json --
{"a": 1}
"#;

pub(crate) const ARTICLE: &str = "content/articles/hba1c.md";

pub(crate) fn article(body: &str) -> String {
    format!(
        "+++\ntitle = \"HbA1c explained\"\ndescription = \"What it means\"\ndate = 2026-03-01\n+++\n{body}\n"
    )
}

/// A running `praxis serve`, killed when dropped.
pub(crate) struct Served {
    child: Child,
    pub(crate) addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    pub(crate) fn start(site: &TestSite, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_praxis"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start praxis serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut err = child.stderr.take().expect("stderr");
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = err.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut s = stderr.lock().unwrap_or_else(|e| e.into_inner());
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut served = Served {
            child,
            addr: "127.0.0.1:1".parse().expect("addr"),
            stderr,
        };
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no URL printed; stderr:\n{}", served.stderr()));
        let url = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        served.addr = url.trim_end_matches('/').parse().expect("socket address");
        assert_ne!(served.addr.port(), 0);
        served
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn get(&self, target: &str) -> Resp {
        let host = self.addr.to_string();
        request(self.addr, target, Some(&host))
    }

    /// Long-polls until the generation differs from `seen`; panics after a minute.
    pub(crate) fn wait(&self, seen: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let r = self.get(&format!("/__praxis/wait?gen={seen}"));
            match r.status {
                200 => return serde_json::from_str(&r.body).expect("wait JSON"),
                204 => continue,
                s => panic!("wait answered {s}: {}", r.body),
            }
        }
        panic!("no rebuild within a minute; stderr:\n{}", self.stderr())
    }
}

pub(crate) struct Resp {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 request over a fresh connection.
pub(crate) fn request(addr: SocketAddr, target: &str, host: Option<&str>) -> Resp {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(40)))
        .expect("timeout");
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(
        s,
        "GET {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("response head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub(crate) fn generation_of(html: &str) -> String {
    let at = html.find("data-gen=\"").expect("reload script in the page") + 10;
    html[at..].split('"').next().expect("generation").to_owned()
}

pub(crate) fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn serves_the_site_from_memory_with_types_and_404() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);

    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("/__praxis/reload.js"), "{}", home.body);
    assert_eq!(home.header("Access-Control-Allow-Origin"), None);

    let page = s.get("/articles/hba1c/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("First version"));
    // The base URL is the server's own.
    assert!(
        page.body
            .contains(&format!("http://{}/articles/hba1c/", s.addr)),
        "{}",
        page.body
    );
    let redirect = s.get("/articles/hba1c");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/articles/hba1c/"));

    for (path, ty) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/notes.txt", "text/plain; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
        ("/__praxis/reload.js", "text/javascript; charset=utf-8"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ty), "{path}");
    }
    assert_eq!(s.get("/notes.txt").body, "plain notes\n");
    assert!(!s.get("/sitemap.xml").body.contains("reload.js"));

    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let built_404 = site.build();
    let expected = crate::util::file(&built_404, "404.html");
    let title = expected
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .expect("404 title");
    assert!(missing.body.contains(title), "{}", missing.body);
    // The reload script is added only when serving.
    assert!(!expected.contains("__praxis"));
    assert!(!crate::util::file(&built_404, "index.html").contains("__praxis"));

    assert!(!site.public().exists(), "serve must not write public/");
}

#[test]
fn traversal_and_odd_targets_never_reach_files() {
    let site = TestSite::new(SITE);
    site.write("secret.txt", "TOP-SECRET");
    let s = Served::start(&site, &[]);
    for target in [
        "/../praxis.toml",
        "/%2e%2e/praxis.toml",
        "/..%2fpraxis.toml",
        "/..%5cpraxis.toml",
        "/%252e%252e/praxis.toml",
        "/%252e%252e/secret.txt",
        "/static/../../secret.txt",
        "//etc/passwd",
        "/%00",
        "/notes.txt%00.html",
        "http://127.0.0.1/secret.txt",
        "/%zz",
    ] {
        let r = s.get(target);
        assert!(
            [400, 404].contains(&r.status),
            "{target}: {} {}",
            r.status,
            r.body
        );
        for secret in ["TOP-SECRET", "base_url", "root:"] {
            assert!(!r.body.contains(secret), "{target} leaked {secret}");
        }
    }
}

#[test]
fn refuses_foreign_host_headers() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);
    let port = s.addr.port();
    for host in ["evil.example", &format!("evil.example:{port}")] {
        let r = request(s.addr, "/", Some(host));
        assert_eq!(r.status, 403, "{host}");
        assert!(!r.body.contains("Welcome"), "{host}");
    }
    assert_eq!(request(s.addr, "/", None).status, 403);
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(request(s.addr, "/", Some(&host)).status, 200, "{host}");
    }
}

#[test]
fn rebuilds_on_change_reloads_and_reports_errors() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);
    let first = s.get("/articles/hba1c/");
    let g1 = generation_of(&first.body);

    // An edit: the waiting page hears of a new site, which has the new text.
    site.write(ARTICLE, &article("Second version of the article."));
    let w = s.wait(&g1);
    assert!(w["error"].is_null(), "{w}");
    let g2 = w["site"].to_string();
    assert_ne!(g2, g1);
    let page = s.get("/articles/hba1c/");
    assert!(page.body.contains("Second version"), "{}", page.body);
    assert_eq!(generation_of(&page.body), g2);

    // Editor leftovers do not rebuild.
    site.write("content/articles/.hba1c.md.swp", "junk");
    site.write("content/articles/hba1c.md~", "junk");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(s.wait("0")["gen"], w["gen"], "a swap file caused a rebuild");

    // A broken file: the last good page stays, the error goes to the waiters
    // and to the terminal.
    site.write(ARTICLE, "+++\ntitle = \n+++\nBroken.\n");
    let w = s.wait(&g2);
    let error = w["error"].as_str().unwrap_or_else(|| panic!("{w}"));
    assert!(error.contains("content/articles/hba1c.md:2:"), "{error}");
    assert_eq!(w["site"].to_string(), g2);
    let page = s.get("/articles/hba1c/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Second version"));
    // A page loaded now learns of the error at once.
    let again = s.wait(&generation_of(&page.body));
    assert_eq!(again["error"], w["error"]);
    eventually("the error on the terminal", || {
        s.stderr().contains("error: content/articles/hba1c.md:2:")
    });

    // Fixing it clears the error and reloads.
    site.write(ARTICLE, &article("Third version of the article."));
    let w = s.wait(&w["gen"].to_string());
    assert!(w["error"].is_null(), "{w}");
    assert_ne!(w["site"].to_string(), g2);
    assert!(s.get("/articles/hba1c/").body.contains("Third version"));
    assert!(!site.public().exists());
}

#[test]
fn praxis_toml_saved_by_rename_rebuilds() {
    config_saved_by_rename_rebuilds(&[]);
}

#[test]
fn praxis_toml_saved_by_rename_rebuilds_with_polling() {
    config_saved_by_rename_rebuilds(&["--poll"]);
}

fn config_saved_by_rename_rebuilds(flags: &[&str]) {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, flags);
    let g1 = generation_of(&s.get("/").body);
    let config = std::fs::read_to_string(site.root().join("praxis.toml")).expect("config");
    let changed = config.replace("Test Practice", "Renamed Practice");
    site.write("praxis.toml.tmp", &changed);
    std::fs::rename(
        site.root().join("praxis.toml.tmp"),
        site.root().join("praxis.toml"),
    )
    .expect("rename");
    let w = s.wait(&g1);
    assert!(w["error"].is_null(), "{w}");
    assert!(s.get("/").body.contains("Renamed Practice"));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = TestSite::new(SITE);
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_praxis"))
        .args(["serve", "--port", &port, "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop on a taken port");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    assert_eq!(status.code(), Some(3), "{err}");
    assert!(err.contains(&format!("port {port}")), "{err}");
    assert!(err.contains("--port 0"), "{err}");
}

#[test]
fn a_first_build_that_fails_shows_the_errors_until_fixed() {
    let site = TestSite::new(SITE);
    site.write(ARTICLE, "+++\ntitle = \"<b>unclosed\n+++\nBroken.\n");
    let s = Served::start(&site, &[]);
    let page = s.get("/articles/hba1c/");
    assert_eq!(page.status, 500);
    assert!(
        page.body.contains("content/articles/hba1c.md:2:"),
        "{}",
        page.body
    );
    assert!(page.body.contains("&lt;b&gt;"), "{}", page.body);
    assert!(!page.body.contains("<b>"), "{}", page.body);
    let g = generation_of(&page.body);
    assert_eq!(g, "0");
    let w = s.wait(&g);
    assert_eq!(w["site"], 0);
    assert!(w["error"].is_string(), "{w}");

    site.write(ARTICLE, &article("Fixed version."));
    let w = s.wait(&w["gen"].to_string());
    assert!(w["error"].is_null(), "{w}");
    assert_ne!(w["site"], 0);
    let page = s.get("/articles/hba1c/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Fixed version"));
}

#[test]
fn an_open_page_follows_edits_and_swaps_stylesheets_in_a_real_browser() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = TestSite::new(SITE);
    let served = Served::start(&site, &[]);
    browser.open(&format!("http://{}/articles/hba1c/", served.addr));
    let text = || browser.eval("return document.body.innerText;");
    assert!(
        text().as_str().is_some_and(|t| t.contains("First version")),
        "{}",
        text()
    );
    // Give the page's reload script a moment to start waiting.
    std::thread::sleep(Duration::from_millis(500));

    site.write(ARTICLE, &article("Second version, saved in the editor."));
    eventually("the page to show the saved text", || {
        text()
            .as_str()
            .is_some_and(|t| t.contains("Second version"))
    });

    // A stylesheet change is swapped in place: the page is not reloaded (the
    // marker set by this script survives) and the new style applies.
    browser.eval("window.praxisMarker = 42; return null;");
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "static/style.css",
        "body { background-color: rgb(1, 2, 3); }\n",
    );
    eventually("the new stylesheet to apply", || {
        browser.eval("return getComputedStyle(document.body).backgroundColor;")
            == serde_json::json!("rgb(1, 2, 3)")
    });
    assert_eq!(
        browser.eval("return window.praxisMarker === 42;"),
        serde_json::json!(true),
        "the page was reloaded instead of swapping the stylesheet"
    );
}
