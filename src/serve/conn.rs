//! The preview server's sockets: reading request heads and writing replies,
//! with the bounds a server reachable from a browser needs.
//!
//! praxis reads requests itself instead of through an HTTP library because the
//! small ones (tiny_http 0.12 among them) read header lines without a size
//! limit and without any timeout, so one client could fill memory or hold a
//! thread for ever. The bounds, all enforced here:
//!
//! - a request head (request line and headers) larger than [`MAX_HEAD`] gets
//!   `431` and the connection is closed;
//! - a head must arrive completely within [`HEAD_TIMEOUT`] of its first byte
//!   (a client sending a byte a second gets `408` and is closed: slowloris);
//! - a kept-alive connection that sends nothing for [`IDLE_TIMEOUT`] is closed;
//! - a client that does not read its reply is dropped after [`WRITE_TIMEOUT`];
//! - at most [`MAX_CONNECTIONS`] connections are open at once (each has its
//!   own thread, so a slow client never blocks another); more get `503`.
//!
//! Only `GET` and `HEAD` are served, so request bodies are never read: a
//! request announcing one is answered and its connection closed.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use super::http::Reply;

/// The largest request head accepted, in bytes.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a request head may take to arrive once it has started, and how
/// long a new connection may wait before sending its first byte.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a kept-alive connection may stay silent between requests.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long writing a reply may stall.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections open at once; more are answered `503` and closed.
pub const MAX_CONNECTIONS: usize = 512;

/// One parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/a/b?x`).
    pub target: String,
    pub host: Option<String>,
    /// Whether the connection may carry another request after this one.
    pub keep_alive: bool,
}

impl Request {
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// Why no request was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// The client closed the connection, or sent nothing in time (no reply).
    Gone,
    /// The head grew past [`MAX_HEAD`] (`431`).
    TooLarge,
    /// The head started but did not finish within [`HEAD_TIMEOUT`] (`408`).
    TooSlow,
    /// Not an HTTP/1.x request head (`400`).
    Malformed,
}

/// Reads one request head (up to and including the blank line) from `reader`,
/// waiting at most `idle` for its first byte.
pub fn read_head(reader: &mut BufReader<TcpStream>, idle: Duration) -> Result<Vec<u8>, HeadError> {
    let mut head: Vec<u8> = Vec::new();
    let mut deadline = Instant::now() + idle;
    let mut started = false;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(if started {
                HeadError::TooSlow
            } else {
                HeadError::Gone
            });
        }
        if reader.get_ref().set_read_timeout(Some(remaining)).is_err() {
            return Err(HeadError::Gone);
        }
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(_) => return Err(HeadError::Gone),
        };
        if buf.is_empty() {
            return Err(HeadError::Gone);
        }
        let mut used = 0;
        let mut complete = false;
        for &b in buf {
            used += 1;
            // Blank lines before a request are allowed and skipped.
            if head.is_empty() && (b == b'\r' || b == b'\n') {
                continue;
            }
            if !started {
                started = true;
                deadline = Instant::now() + HEAD_TIMEOUT;
            }
            head.push(b);
            if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
                complete = true;
                break;
            }
            if head.len() > MAX_HEAD {
                reader.consume(used);
                return Err(HeadError::TooLarge);
            }
        }
        reader.consume(used);
        if complete {
            return Ok(head);
        }
    }
}

/// Parses a request head read by [`read_head`].
pub fn parse_head(head: &[u8]) -> Result<Request, HeadError> {
    let text = std::str::from_utf8(head).map_err(|_| HeadError::Malformed)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().ok_or(HeadError::Malformed)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(HeadError::Malformed),
    };
    if method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || target.is_empty()
        || !target.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(HeadError::Malformed);
    }
    let mut host = None;
    let mut close = !http11;
    let mut has_body = false;
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(HeadError::Malformed)?;
        if name.is_empty() || name.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(HeadError::Malformed);
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(HeadError::Malformed);
            }
            host = Some(value.to_owned());
        } else if name.eq_ignore_ascii_case("connection") {
            let has = |t: &str| value.split(',').any(|v| v.trim().eq_ignore_ascii_case(t));
            if has("close") {
                close = true;
            } else if has("keep-alive") {
                close = false;
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            has_body |= value != "0";
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        }
    }
    Ok(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        host,
        keep_alive: !close && !has_body,
    })
}

/// The reply for a head that could not be read, if one is owed.
pub fn error_reply(e: HeadError) -> Option<Reply> {
    match e {
        HeadError::Gone => None,
        HeadError::TooLarge => Some(Reply::text(
            431,
            "request header fields too large (at most 16 KiB)\n",
        )),
        HeadError::TooSlow => Some(Reply::text(408, "request timeout\n")),
        HeadError::Malformed => Some(Reply::text(400, "bad request\n")),
    }
}

/// Writes `reply` (without its body for `HEAD`).
pub fn write_reply(
    stream: &mut impl Write,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(loc) = &reply.location {
        out.push_str(&format!("Location: {loc}\r\n"));
    }
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&reply.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Answers requests on one connection with `answer` until it closes, times
/// out or breaks a bound.
pub fn serve_connection(stream: TcpStream, answer: impl Fn(&Request) -> Reply) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(4096, read_half);
    let mut writer = stream;
    let mut idle = HEAD_TIMEOUT;
    loop {
        let request = read_head(&mut reader, idle).and_then(|h| parse_head(&h));
        match request {
            Ok(req) => {
                let reply = answer(&req);
                if write_reply(&mut writer, &reply, req.is_head(), req.keep_alive).is_err()
                    || !req.keep_alive
                {
                    break;
                }
                idle = IDLE_TIMEOUT;
            }
            Err(e) => {
                if let Some(reply) = error_reply(e) {
                    let _ = write_reply(&mut writer, &reply, false, false);
                    linger(&writer, &mut reader);
                }
                break;
            }
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// Refuses a connection over [`MAX_CONNECTIONS`] without reading from it.
pub fn refuse(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let reply = Reply::text(503, "busy, try again\n");
    let _ = write_reply(&mut stream, &reply, false, false);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Closes the sending side and reads (a bounded amount, briefly) what the
/// client still sends, so the error reply reaches it instead of a reset.
fn linger(writer: &TcpStream, reader: &mut BufReader<TcpStream>) {
    let _ = writer.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 8192];
    let mut drained = 0usize;
    while drained < 1 << 20 {
        let remaining = until.saturating_duration_since(Instant::now());
        if remaining.is_zero() || reader.get_ref().set_read_timeout(Some(remaining)).is_err() {
            break;
        }
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn parses_heads() {
        let r = parse_head(b"GET /a?b HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n").expect("head");
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/a?b");
        assert_eq!(r.host.as_deref(), Some("127.0.0.1:1"));
        assert!(r.keep_alive);
        let r = parse_head(b"HEAD / HTTP/1.1\nhost: x\nConnection: Close\n\n").expect("head");
        assert!(r.is_head() && !r.keep_alive);
        assert!(
            !parse_head(b"GET / HTTP/1.0\r\n\r\n")
                .expect("1.0")
                .keep_alive
        );
        let body = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
        assert!(!parse_head(body).expect("body").keep_alive);
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/2\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"get / HTTP/1.1\r\n\r\n",
            b"GET /a\x00 HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            b"GET /\xff HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad),
                Err(HeadError::Malformed),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    /// A connected pair: the server's reader and the client's stream.
    fn pair() -> (BufReader<TcpStream>, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = TcpStream::connect(l.local_addr().expect("addr")).expect("connect");
        let (server, _) = l.accept().expect("accept");
        (BufReader::new(server), client)
    }

    #[test]
    fn reads_pipelined_heads_and_bounds_size() {
        let (mut r, mut c) = pair();
        c.write_all(b"\r\nGET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n")
            .expect("send");
        let idle = Duration::from_secs(5);
        assert_eq!(
            read_head(&mut r, idle),
            Ok(b"GET /1 HTTP/1.1\r\n\r\n".to_vec())
        );
        assert_eq!(
            read_head(&mut r, idle),
            Ok(b"GET /2 HTTP/1.1\r\n\r\n".to_vec())
        );
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        c.write_all(big.as_bytes()).expect("send");
        assert_eq!(read_head(&mut r, idle), Err(HeadError::TooLarge));
        drop(c);
    }

    #[test]
    fn silence_and_closing_are_gone() {
        let (mut r, c) = pair();
        let t = Instant::now();
        assert_eq!(
            read_head(&mut r, Duration::from_millis(100)),
            Err(HeadError::Gone)
        );
        assert!(t.elapsed() < Duration::from_secs(3));
        drop(c);
        assert_eq!(
            read_head(&mut r, Duration::from_secs(5)),
            Err(HeadError::Gone)
        );
    }

    #[test]
    fn writes_replies() {
        let mut out = Vec::new();
        let mut reply = Reply::text(301, "moved\n");
        reply.location = Some("/a/".into());
        write_reply(&mut out, &reply, false, true).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            text.starts_with("HTTP/1.1 301 Moved Permanently\r\n"),
            "{text}"
        );
        assert!(text.contains("Content-Length: 6\r\n"), "{text}");
        assert!(text.contains("Location: /a/\r\n"), "{text}");
        assert!(
            text.ends_with("Connection: keep-alive\r\n\r\nmoved\n"),
            "{text}"
        );
        let mut out = Vec::new();
        write_reply(&mut out, &reply, true, false).expect("write");
        assert!(String::from_utf8_lossy(&out).ends_with("Connection: close\r\n\r\n"));
    }
}
