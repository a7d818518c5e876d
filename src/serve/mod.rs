//! `praxis serve`: build into memory, serve over HTTP, watch, rebuild, reload.
//!
//! - [`state`]: the immutable site snapshot and the pointer that is swapped
//!   after each rebuild (request threads never block the builder or each other).
//! - [`http`]: answering one request from a snapshot (path decoding, `Host`
//!   check, content types), without sockets.
//! - [`watch`]: file events to one rebuild per burst.
//!
//! Threads: the caller's thread accepts requests and hands each to a short-lived
//! thread (at most [`MAX_IN_FLIGHT`] at once, of which at most [`MAX_WAITERS`]
//! long-polls); one builder thread waits for changes and rebuilds. Live reload
//! is long-polling on the same port (`/__praxis/wait`), so it works behind a
//! proxy and needs no WebSocket.
//!
//! This module never writes into the site's folder: there is no `public/` while
//! serving. It does not print; events go to the caller's [`Reporter`].
//! Each change rebuilds the whole site (no incremental re-rendering yet).

pub mod http;
pub mod state;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::build::{BuildError, BuildOptions, Built, build_with};
use crate::diagnostics::Diagnostics;
use crate::incremental::Memo;
use http::Reply;
use state::{Files, Live};
use watch::{Burst, SiteWatcher};

/// Requests being answered at once; more get 503.
pub const MAX_IN_FLIGHT: usize = 128;
/// Open long-polls at once (each holds a thread); more get 503 and retry.
pub const MAX_WAITERS: usize = 64;
/// How long a long-poll waits before answering 204.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(25);

/// What `praxis serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The build to run; its `base_url` is replaced by the server's address.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Poll for changes instead of native file events.
    pub poll: bool,
}

/// Something the user should hear about.
#[derive(Debug)]
pub enum Event<'a> {
    /// A build succeeded (the first one or a rebuild).
    Built {
        built: &'a Built,
        millis: u128,
        changed: &'a [PathBuf],
    },
    /// A build failed; the last good site stays.
    Failed {
        diagnostics: &'a Diagnostics,
        changed: &'a [PathBuf],
    },
    /// The watcher had trouble (events may be lost).
    WatchTrouble(&'a str),
}

/// Receives [`Event`]s (the CLI prints them).
pub type Reporter = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("port {port} on {bind} is already in use")]
    PortInUse { bind: IpAddr, port: u16 },
    #[error("cannot listen on {bind}:{port}: {source}")]
    Bind {
        bind: IpAddr,
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch the site for changes: {0}")]
    Watch(String),
    #[error("cannot start the server: {0}")]
    Server(String),
}

/// A started server: bound, first build done, watching.
pub struct Server {
    http: tiny_http::Server,
    live: Arc<Live>,
    addr: SocketAddr,
    url: String,
}

impl Server {
    /// The address to open in a browser (`http://127.0.0.1:PORT/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers requests until the process ends.
    pub fn run(self) {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let waiters = Arc::new(AtomicUsize::new(0));
        for request in self.http.incoming_requests() {
            if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                send(request, &Reply::text(503, "busy, try again\n"));
                continue;
            }
            let guard = Counted(in_flight.clone());
            let live = self.live.clone();
            let waiters = waiters.clone();
            // If no thread can be made, the request is dropped with the
            // closure and tiny_http answers 500.
            let _ = std::thread::Builder::new()
                .name("praxis-request".into())
                .spawn(move || {
                    let _guard = guard;
                    handle(request, &live, &waiters);
                });
        }
    }
}

/// Decrements a counter when dropped.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Binds, runs the first build and starts watching.
pub fn start(opts: ServeOptions, report: Reporter) -> Result<Server, ServeError> {
    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            ServeError::PortInUse {
                bind: opts.bind,
                port: opts.port,
            }
        } else {
            ServeError::Bind {
                bind: opts.bind,
                port: opts.port,
                source,
            }
        }
    })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        bind: opts.bind,
        port: opts.port,
        source,
    })?;
    let browse_ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let url = format!("http://{}/", SocketAddr::new(browse_ip, addr.port()));
    let mut build_opts = opts.build.clone();
    build_opts.base_url = Some(url.clone());

    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(1);
    let live = Arc::new(Live::new(start));
    let mut memo = Memo::new();
    rebuild(&build_opts, &mut memo, &live, &report, &[]);

    let mut watcher = SiteWatcher::new(&build_opts.root, &build_opts.output_dir(), opts.poll)
        .map_err(|e| ServeError::Watch(watch::explain(&e)))?;
    {
        let live = live.clone();
        let report = report.clone();
        std::thread::Builder::new()
            .name("praxis-rebuild".into())
            .spawn(move || {
                while let Some(burst) = watcher.next_burst() {
                    let changed = match burst {
                        Burst::Changed(c) => c,
                        Burst::Trouble(t) => {
                            report(Event::WatchTrouble(&t));
                            // Events may be lost: read every file again.
                            vec![PathBuf::new()]
                        }
                    };
                    rebuild(&build_opts, &mut memo, &live, &report, &changed);
                }
            })
            .map_err(|e| ServeError::Server(e.to_string()))?;
    }
    let http = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| ServeError::Server(e.to_string()))?;
    Ok(Server {
        http,
        live,
        addr,
        url,
    })
}

/// Rebuilds (reusing what the edit did not touch) and publishes the result.
fn rebuild(
    opts: &BuildOptions,
    memo: &mut Memo,
    live: &Live,
    report: &Reporter,
    changed: &[PathBuf],
) {
    let started = Instant::now();
    let abs: Vec<PathBuf> = changed.iter().map(|c| opts.root.join(c)).collect();
    memo.changed(&abs);
    match build_with(opts, memo) {
        Ok(mut built) => {
            let generation = live.next_generation();
            let millis = started.elapsed().as_millis();
            // Only stylesheets saved: open pages swap them without reloading.
            let styles_only = !changed.is_empty()
                && changed
                    .iter()
                    .all(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css")));
            let output = std::mem::take(&mut built.output);
            // Pages reload first; the terminal report can wait.
            live.publish_site(Files::from_output(output), generation, styles_only);
            report(Event::Built {
                built: &built,
                millis,
                changed,
            });
        }
        Err(BuildError::Content(ds)) => {
            report(Event::Failed {
                diagnostics: &ds,
                changed,
            });
            let text: String = ds
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.render(false))
                .collect();
            live.publish_error(text);
        }
        Err(BuildError::Write(e)) => {
            // build() writes nothing; kept for completeness.
            live.publish_error(e.to_string());
        }
    }
}

fn handle(request: tiny_http::Request, live: &Live, waiters: &AtomicUsize) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_owned());
    if !http::host_allowed(host.as_deref()) {
        let reply = Reply::text(
            403,
            "praxis serve answers only requests for localhost or an IP address \
             (a different Host header may be a DNS rebinding attack)\n",
        );
        return send(request, &reply);
    }
    let is_get = matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    );
    if !is_get {
        return send(request, &Reply::text(405, "only GET and HEAD\n"));
    }
    let target = request.url().to_owned();
    let reply = match http::route(&target) {
        http::RELOAD_JS => http::script_reply(),
        http::WAIT => {
            if waiters.fetch_add(1, Ordering::SeqCst) >= MAX_WAITERS {
                waiters.fetch_sub(1, Ordering::SeqCst);
                Reply::text(503, "too many open pages, try again\n")
            } else {
                let seen = http::seen_generation(&target);
                let current = live.current();
                let snap = if current.generation != seen {
                    Some(current)
                } else {
                    live.wait_change(seen, WAIT_TIMEOUT)
                };
                waiters.fetch_sub(1, Ordering::SeqCst);
                match snap {
                    Some(s) => http::wait_reply(&s),
                    None => Reply::text(204, ""),
                }
            }
        }
        _ => http::site_reply(&live.current(), &target),
    };
    send(request, &reply)
}

fn send(request: tiny_http::Request, reply: &Reply) {
    let mut headers = vec![
        header("Content-Type", reply.content_type),
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ];
    if let Some(loc) = &reply.location {
        headers.push(header("Location", loc));
    }
    let headers = headers.into_iter().flatten().collect();
    let body = std::io::Cursor::new(reply.body.clone());
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(reply.status),
        headers,
        body,
        Some(reply.body.len()),
        None,
    );
    // A client that went away is not an error worth reporting.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}
