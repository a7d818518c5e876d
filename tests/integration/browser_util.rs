//! Headless Chromium driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`), shared by the browser tests. Tests skip with a message
//! when the browser is not installed, and fail in CI (`CI` set) instead.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The element key of the W3C WebDriver protocol.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium session; the browser and its driver end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    /// A fresh profile for every browser.
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `name` on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// Keeps calling `f` until it is true; panics after 30 seconds.
pub fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

impl Browser {
    /// A browser with JavaScript on; `None` (after a message) when Chromium or
    /// its driver is missing outside CI.
    pub fn start() -> Option<Browser> {
        Browser::launch(true)
    }

    /// A browser whose pages run no JavaScript (the WebDriver scripts of the
    /// test still run).
    pub fn start_without_javascript() -> Option<Browser> {
        Browser::launch(false)
    }

    fn launch(javascript: bool) -> Option<Browser> {
        let (Some(chromium), Some(driver)) = (which("chromium"), which("chromedriver")) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install chromium and chromium-driver for the browser tests"
            );
            eprintln!("skipping a browser test: chromium or chromedriver is not installed");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile folder");
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(120)))
                .build()
                .into(),
            _profile: profile,
        };
        wait_for("chromedriver to listen", || {
            browser
                .agent
                .get(&format!("{}/status", browser.base))
                .call()
                .is_ok()
        });
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--force-color-profile=srgb",
                format!("--user-data-dir={}", browser._profile.path().display()),
            ],
        });
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}});
        let reply = browser.post("/session", &caps);
        browser.session = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {reply}"))
            .to_owned();
        browser.command("timeouts", &json!({ "script": 120_000 }));
        Some(browser)
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let mut r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().expect("WebDriver reply");
        let reply: Value = serde_json::from_str(&text).expect("WebDriver JSON");
        assert!(status < 400, "WebDriver {path} answered {status}: {reply}");
        reply
    }

    /// A command of this session; returns its `value`.
    fn command(&self, path: &str, body: &Value) -> Value {
        self.post(&format!("/session/{}/{path}", self.session), body)["value"].take()
    }

    /// Loads `url` and waits until it has loaded.
    pub fn open(&self, url: &str) {
        self.command("url", &json!({ "url": url }));
    }

    /// Runs `script` in the page and returns its result.
    pub fn eval(&self, script: &str) -> Value {
        self.command("execute/sync", &json!({ "script": script, "args": [] }))
    }

    /// Runs `script`, which calls its last argument with the result.
    pub fn eval_async(&self, script: &str) -> Value {
        self.command("execute/async", &json!({ "script": script, "args": [] }))
    }

    /// Runs a (large) script in the page's global scope, as a `<script>` would;
    /// faster than WebDriver's execute for libraries of hundreds of KB.
    pub fn inject(&self, source: &str) {
        let reply = self.cdp(
            "Runtime.evaluate",
            json!({ "expression": source, "returnByValue": true }),
        );
        assert!(
            reply["exceptionDetails"].is_null(),
            "the injected script failed: {}",
            reply["exceptionDetails"]
        );
    }

    /// A Chrome DevTools Protocol command.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command("goog/cdp/execute", &json!({ "cmd": cmd, "params": params }))
    }

    /// Makes the page `width` × `height` CSS pixels (a phone below 600 px wide).
    pub fn viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
    }

    /// Emulates `prefers-color-scheme` (`"light"` or `"dark"`) and the media
    /// type (`"screen"`, `"print"` or `""`).
    pub fn media(&self, media: &str, color_scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "media": media, "features": [{ "name": "prefers-color-scheme", "value": color_scheme }] }),
        );
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let shot = self.cdp("Page.captureScreenshot", json!({ "format": "png" }));
        decode_base64(shot["data"].as_str().expect("screenshot data"))
    }

    /// A PNG of the whole page, from top to bottom.
    pub fn screenshot_full_page(&self) -> Vec<u8> {
        let size = self.eval(
            "return [document.documentElement.clientWidth, document.documentElement.scrollHeight];",
        );
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1 } }),
        );
        decode_base64(shot["data"].as_str().expect("screenshot data"))
    }

    /// The element matching `css`; panics when there is none.
    pub fn find(&self, css: &str) -> String {
        let found = self.command("element", &json!({ "using": "css selector", "value": css }));
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned()
    }

    /// Types `text` into the element matching `css`, as a user would.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.command(&format!("element/{id}/value"), &json!({ "text": text }));
    }

    /// Presses and releases one key (`"\u{E004}"` is Tab).
    pub fn press(&self, key: &str) {
        self.command(
            "actions",
            &json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
            ]}]}),
        );
    }
}

/// Standard base64 (as WebDriver and DevTools send binary data).
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {:?}", c as char),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= u32::from(*d) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_with_and_without_padding() {
    assert_eq!(decode_base64("aGVsbG8="), b"hello");
    assert_eq!(decode_base64("aGk="), b"hi");
    assert_eq!(decode_base64("YWJj"), b"abc");
    assert_eq!(decode_base64("YQ=="), b"a");
}
