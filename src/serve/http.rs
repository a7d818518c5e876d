//! Answering one request from a [`Snapshot`]: path decoding, the `Host`
//! check, content types, the 404 page. Pure functions, no sockets, so every
//! rule here is unit-tested.
//!
//! Files are looked up in the in-memory map by their relative path; a request
//! can never name a file on disk. The path is still checked strictly: it is
//! percent-decoded exactly once, and `.`/`..` segments, backslashes, NUL and
//! anything but origin-form targets are refused.

use std::net::IpAddr;
use std::sync::Arc;

use super::state::{Entry, Snapshot, inject, is_html, reload_tag};

/// The reload script, served at [`RELOAD_JS`].
pub const RELOAD_SCRIPT: &str = include_str!("reload.js");
pub const RELOAD_JS: &str = "/__praxis/reload.js";
pub const WAIT: &str = "/__praxis/wait";

/// A response, before it meets the socket.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Arc<[u8]>,
    /// For redirects.
    pub location: Option<String>,
}

impl Reply {
    pub fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.as_bytes().into(),
            location: None,
        }
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Why a request target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not a path starting with `/` (absolute-form, `*`, empty).
    NotOriginForm,
    /// A `%` not followed by two hex digits, or not UTF-8 once decoded.
    BadEscape,
    /// `.` or `..` segments, backslashes, NUL or other control characters.
    Forbidden,
}

/// A decoded request path: the key into the site's files (`a/b/index.html`,
/// `""` for the root) and whether the target ended in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    pub key: String,
    pub trailing_slash: bool,
}

/// Decodes a raw request target (as sent, with query) into a [`SitePath`].
pub fn resolve(target: &str) -> Result<SitePath, Rejected> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(Rejected::NotOriginForm);
    }
    let decoded = percent_decode(path)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(Rejected::Forbidden);
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(Rejected::Forbidden),
            s => segments.push(s),
        }
    }
    Ok(SitePath {
        key: segments.join("/"),
        trailing_slash: decoded.ends_with('/'),
    })
}

/// Decodes `%XX` escapes once; the result is never decoded again.
fn percent_decode(s: &str) -> Result<String, Rejected> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(Rejected::BadEscape)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Rejected::BadEscape)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| Rejected::BadEscape)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Rejected::BadEscape)
}

/// Percent-encodes a path for a `Location` header (ASCII only).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether the `Host` header names this server: an IP literal or
/// `localhost`, with any port. Domain names are refused, which stops DNS
/// rebinding (a hostile page whose domain resolves to 127.0.0.1).
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host.map(str::trim) else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, "")) => ip,
            Some((ip, port)) if port.strip_prefix(':').is_some_and(is_port) => ip,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
}

fn is_port(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The `Content-Type` for a file name.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Answers a site request (not the `/__praxis/` endpoints).
pub fn site_reply(snap: &Snapshot, target: &str) -> Reply {
    let path = match resolve(target) {
        Ok(p) => p,
        Err(Rejected::Forbidden) => return not_found(snap),
        Err(_) => return Reply::text(400, "bad request path\n"),
    };
    if snap.files.is_empty() {
        return no_site_page(snap);
    }
    let key = &path.key;
    if !key.is_empty() && snap.files.contains(key) {
        return file_reply(snap, key, 200).unwrap_or_else(|| not_found(snap));
    }
    let index = if key.is_empty() {
        "index.html".to_owned()
    } else {
        format!("{key}/index.html")
    };
    if snap.files.contains(&index) {
        if !key.is_empty() && !path.trailing_slash {
            // Relative links in the page need the slash.
            let mut r = Reply::text(301, "moved\n");
            r.location = Some(encode_path(&format!("/{key}/")));
            return r;
        }
        return file_reply(snap, &index, 200).unwrap_or_else(|| not_found(snap));
    }
    not_found(snap)
}

fn file_reply(snap: &Snapshot, key: &str, status: u16) -> Option<Reply> {
    let mut body: Arc<[u8]> = match snap.files.get(key)? {
        Entry::Memory(b) => b.clone(),
        Entry::Disk(p) => std::fs::read(p).ok()?.into(),
    };
    if is_html(key) {
        body = inject(&body, snap.site_generation).into();
    }
    Some(Reply {
        status,
        content_type: content_type(key),
        body,
        location: None,
    })
}

fn not_found(snap: &Snapshot) -> Reply {
    file_reply(snap, "404.html", 404).unwrap_or_else(|| Reply::text(404, "not found\n"))
}

/// Shown for every path while no build has succeeded yet.
fn no_site_page(snap: &Snapshot) -> Reply {
    let error = snap.error.as_deref().unwrap_or("building…");
    let html = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>praxis: build failed</title>\
         <body><h1>praxis could not build the site</h1><pre>{}</pre>{}</body></html>",
        escape_html(error),
        reload_tag(0)
    );
    Reply {
        status: 500,
        content_type: "text/html; charset=utf-8",
        body: html.into_bytes().into(),
        location: None,
    }
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::markdown::highlight::escape_html(s, &mut out);
    out
}

/// The generation a `/__praxis/wait?gen=N` request has seen (0 when absent).
pub fn seen_generation(target: &str) -> u64 {
    target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("gen="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The answer to a wait request once the generation changed.
pub fn wait_reply(snap: &Snapshot) -> Reply {
    let json = serde_json::json!({
        "gen": snap.generation,
        "site": snap.site_generation,
        "content": snap.content_generation,
        "error": snap.error,
    });
    Reply {
        status: 200,
        content_type: "application/json",
        body: json.to_string().into_bytes().into(),
        location: None,
    }
}

/// The reload script.
pub fn script_reply() -> Reply {
    Reply {
        status: 200,
        content_type: "text/javascript; charset=utf-8",
        body: RELOAD_SCRIPT.as_bytes().into(),
        location: None,
    }
}

/// The path part of a target, for routing the `/__praxis/` endpoints.
pub fn route(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Content, Output};
    use crate::serve::state::{Files, Live};

    fn snap() -> Arc<Snapshot> {
        let mut o = Output::default();
        o.add("index.html", Content::Text("<body>home</body>".into()));
        o.add("404.html", Content::Text("<body>lost</body>".into()));
        o.add("articles/hba1c/index.html", Content::Text("hba1c".into()));
        o.add("style.css", Content::Text("body{}".into()));
        o.add("für/index.html", Content::Text("umlaut".into()));
        let live = Live::new(0);
        live.publish_site(Files::from_output(o), 1, false);
        live.current()
    }

    #[test]
    fn resolves_and_normalises() {
        let p = |t| resolve(t).map(|p| p.key);
        assert_eq!(p("/"), Ok(String::new()));
        assert_eq!(p("/a/b/?x=1"), Ok("a/b".into()));
        assert_eq!(p("//etc/passwd"), Ok("etc/passwd".into()));
        assert_eq!(p("/f%C3%BCr/"), Ok("für".into()));
        assert_eq!(p("/%252e%252e/x"), Ok("%2e%2e/x".into()));
    }

    #[test]
    fn refuses_traversal_and_odd_targets() {
        for t in [
            "/../praxis.toml",
            "/%2e%2e/praxis.toml",
            "/%2E%2E/praxis.toml",
            "/a/./b",
            "/..%5cpraxis.toml",
            "/a\\b",
            "/%00",
            "/a%0a",
        ] {
            assert_eq!(resolve(t), Err(Rejected::Forbidden), "{t}");
        }
        for t in ["http://evil.example/", "*", "", "relative"] {
            assert_eq!(resolve(t), Err(Rejected::NotOriginForm), "{t}");
        }
        for t in ["/%zz", "/%", "/%c3"] {
            assert_eq!(resolve(t), Err(Rejected::BadEscape), "{t}");
        }
    }

    #[test]
    fn serves_files_indexes_and_the_404_page() {
        let s = snap();
        let r = site_reply(&s, "/");
        assert_eq!(
            (r.status, r.content_type),
            (200, "text/html; charset=utf-8")
        );
        assert!(r.body_text().contains("home"));
        assert!(r.body_text().contains("/__praxis/reload.js"));
        let r = site_reply(&s, "/articles/hba1c/");
        assert_eq!(r.status, 200);
        let r = site_reply(&s, "/articles/hba1c");
        assert_eq!(r.status, 301);
        assert_eq!(r.location.as_deref(), Some("/articles/hba1c/"));
        assert_eq!(
            site_reply(&s, "/f%C3%BCr").location.as_deref(),
            Some("/f%C3%BCr/")
        );
        let r = site_reply(&s, "/style.css");
        assert_eq!(r.content_type, "text/css; charset=utf-8");
        for t in [
            "/nope",
            "/../praxis.toml",
            "/%252e%252e/praxis.toml",
            "//etc/passwd",
        ] {
            let r = site_reply(&s, t);
            assert_eq!(r.status, 404, "{t}");
            assert!(r.body_text().contains("lost"), "{t}");
        }
        assert_eq!(site_reply(&s, "http://x/").status, 400);
    }

    #[test]
    fn content_types() {
        for (k, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.PNG", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.webp", "image/webp"),
            ("a.woff2", "font/woff2"),
            ("a.json", "application/json"),
            ("a.xml", "application/xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(k), t, "{k}");
        }
    }

    #[test]
    fn host_check() {
        for h in [
            "127.0.0.1:1111",
            "localhost",
            "LOCALHOST:80",
            "[::1]:8080",
            "[::1]",
            "192.168.1.20:1111",
        ] {
            assert!(host_allowed(Some(h)), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1:abc",
            "[::1]x",
            "",
        ] {
            assert!(!host_allowed(Some(h)), "{h}");
        }
        assert!(!host_allowed(None));
    }

    #[test]
    fn wait_query_and_no_site_page() {
        assert_eq!(seen_generation("/__praxis/wait?gen=42"), 42);
        assert_eq!(seen_generation("/__praxis/wait"), 0);
        let live = Live::new(5);
        live.publish_error("error: content/a.md:2:1: <bad>".into());
        let r = site_reply(&live.current(), "/anything");
        assert_eq!(r.status, 500);
        assert!(r.body_text().contains("&lt;bad&gt;"));
        let w = wait_reply(&live.current());
        let v: serde_json::Value = serde_json::from_slice(&w.body).expect("json");
        assert_eq!(v["gen"], 6);
        assert_eq!(v["site"], 0);
        assert_eq!(v["error"], "error: content/a.md:2:1: <bad>");
    }
}
