//! `praxis serve` under load and abuse: oversized request heads, slow and
//! idle clients, and 200 clients at once, each checking every byte it gets.
//! Every socket here has a timeout, so a broken server fails the test instead
//! of hanging it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use praxis::build::{BuildOptions, build};
use praxis::output::write_atomic;

use crate::serve::{SITE, Served};
use crate::util::TestSite;

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    s.set_write_timeout(Some(Duration::from_secs(30)))
        .expect("write timeout");
    s
}

/// Reads whatever the server sends until it closes (or resets) the connection.
fn read_all(s: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return raw,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn oversized_request_heads_get_431_and_the_server_stays_healthy() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);
    let host = s.addr.to_string();
    let many_headers: String = (0..1024)
        .map(|i| format!("X-Padding-{i}: {}\r\n", "a".repeat(50)))
        .collect();
    let one_long_line = format!("X-Long: {}\r\n", "b".repeat(64 * 1024));
    for padding in [many_headers, one_long_line] {
        assert!(padding.len() >= 64 * 1024);
        let mut c = connect(s.addr);
        let head = format!("GET / HTTP/1.1\r\nHost: {host}\r\n{padding}\r\n");
        // The server may stop reading and close before all of it is sent.
        let _ = c.write_all(head.as_bytes());
        let raw = read_all(&mut c);
        let text = String::from_utf8_lossy(&raw);
        assert!(
            raw.is_empty() || text.starts_with("HTTP/1.1 431 "),
            "{text}"
        );
        assert!(!text.contains("Welcome"), "{text}");
    }
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Welcome"));
}

#[test]
fn slow_and_idle_clients_are_cut_off_and_do_not_block_others() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);
    let started = Instant::now();
    // Slowloris: a request head that never ends, a byte a second.
    let slow: Vec<_> = (0..40)
        .map(|i| {
            let addr = s.addr;
            std::thread::spawn(move || {
                let mut c = connect(addr);
                c.set_read_timeout(Some(Duration::from_secs(1)))
                    .expect("timeout");
                let _ = c.write_all(format!("GET / HTTP/1.1\r\nX-Slow-{i}: ").as_bytes());
                let mut buf = [0u8; 1024];
                let deadline = Instant::now() + Duration::from_secs(30);
                while Instant::now() < deadline {
                    if c.write_all(b"x").is_err() {
                        return (Instant::now(), String::new());
                    }
                    match c.read(&mut buf) {
                        Ok(n) => {
                            let mut got = buf[..n].to_vec();
                            got.extend(read_all(&mut c));
                            return (Instant::now(), String::from_utf8_lossy(&got).into_owned());
                        }
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                            ) => {}
                        Err(_) => return (Instant::now(), String::new()),
                    }
                }
                panic!("a slow client was never cut off");
            })
        })
        .collect();
    // Idle: connected, says nothing.
    let idle: Vec<_> = (0..40).map(|_| connect(s.addr)).collect();

    // Meanwhile everybody else is served at once.
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..20 {
        let t = Instant::now();
        let r = s.get("/articles/hba1c/");
        assert_eq!(r.status, 200);
        assert!(r.body.contains("First version"));
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "a request took {:?} while slow clients were connected",
            t.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    for t in slow {
        let (when, text) = t.join().expect("slow client");
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408 "),
            "{text}"
        );
        assert!(
            when - started < Duration::from_secs(20),
            "{:?}",
            when - started
        );
    }
    for mut c in idle {
        let raw = read_all(&mut c);
        assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
    }
    assert!(started.elapsed() < Duration::from_secs(25));
    assert_eq!(s.get("/").status, 200);
}

/// The reload tag is the only thing serving adds to a built file.
fn without_reload_tag(body: &[u8]) -> Vec<u8> {
    let start = b"<script src=\"/__praxis/reload.js\" data-gen=\"";
    let end = b" defer></script>";
    let Some(at) = body.windows(start.len()).position(|w| w == start) else {
        return body.to_vec();
    };
    let Some(len) = body[at..].windows(end.len()).position(|w| w == end) else {
        return body.to_vec();
    };
    let mut out = body[..at].to_vec();
    out.extend_from_slice(&body[at + len + end.len()..]);
    out
}

/// Reads one response with a `Content-Length` body: (status, body).
fn read_response(c: &mut TcpStream) -> (u16, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = c.read(&mut byte).expect("response head");
        assert_eq!(n, 1, "connection closed mid-head");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        })
        .and_then(|(_, v)| v.trim().parse().ok())
        .expect("content-length");
    let mut body = vec![0u8; len];
    c.read_exact(&mut body).expect("body");
    (status, body)
}

#[test]
fn two_hundred_concurrent_clients_get_every_page_intact() {
    let site = TestSite::new(SITE);
    let s = Served::start(&site, &[]);

    // The same build, written to disk, is what every response must equal.
    let built = build(&BuildOptions {
        base_url: Some(format!("http://{}/", s.addr)),
        ..BuildOptions::new(site.root())
    })
    .expect("build");
    let out = tempfile::tempdir().expect("tempdir");
    let public = out.path().join("public");
    write_atomic(&built.output, &public).expect("write");
    let png = walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "png"))
        .map(|e| e.path().strip_prefix(&public).expect("inside").to_owned())
        .expect("a share card");
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |url: String, file: &Path| {
        let bytes = std::fs::read(public.join(file)).expect("built file");
        pages.push((url, bytes));
    };
    add("/".into(), Path::new("index.html"));
    add("/articles/".into(), Path::new("articles/index.html"));
    add(
        "/articles/hba1c/".into(),
        Path::new("articles/hba1c/index.html"),
    );
    add("/style.css".into(), Path::new("style.css"));
    add("/sitemap.xml".into(), Path::new("sitemap.xml"));
    add("/notes.txt".into(), Path::new("notes.txt"));
    add(format!("/{}", png.to_string_lossy()), &png);
    let pages = Arc::new(pages);

    let clients = 200;
    let barrier = Arc::new(Barrier::new(clients));
    let host = s.addr.to_string();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (pages, barrier, host, addr) =
                (pages.clone(), barrier.clone(), host.clone(), s.addr);
            std::thread::spawn(move || {
                barrier.wait();
                // Half keep one connection for all their requests, half open
                // a new one each time.
                let keep_alive = i % 2 == 0;
                let mut conn = keep_alive.then(|| connect(addr));
                for k in 0..5 {
                    let (url, expected) = &pages[(i + k) % pages.len()];
                    let mut fresh;
                    let c = match conn.as_mut() {
                        Some(c) => c,
                        None => {
                            fresh = connect(addr);
                            &mut fresh
                        }
                    };
                    let close = if keep_alive {
                        ""
                    } else {
                        "Connection: close\r\n"
                    };
                    write!(c, "GET {url} HTTP/1.1\r\nHost: {host}\r\n{close}\r\n").expect("send");
                    let (status, body) = read_response(c);
                    assert_eq!(status, 200, "{url}");
                    assert!(
                        without_reload_tag(&body) == *expected,
                        "{url}: {} bytes served, {} built",
                        body.len(),
                        expected.len()
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a client failed");
    }
    assert_eq!(s.get("/").status, 200);
}
