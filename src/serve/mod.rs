//! `praxis serve`: build into memory, serve over HTTP, watch, rebuild, reload.
//!
//! - [`state`]: the immutable site snapshot and the pointer that is swapped
//!   after each rebuild (request threads never block the builder or each other).
//! - [`http`]: answering one request from a snapshot (path decoding, `Host`
//!   check, content types), without sockets.
//! - [`conn`]: sockets: reading request heads and writing replies, with
//!   bounds on head size, slow and idle clients, and open connections.
//! - [`watch`]: file events to one rebuild per burst.
//!
//! Threads: the caller's thread accepts connections and hands each to its own
//! thread (at most [`conn::MAX_CONNECTIONS`] at once, of which at most
//! [`MAX_WAITERS`] long-poll); one builder thread waits for changes and rebuilds. Live reload
//! is long-polling on the same port (`/__praxis/wait`), so it works behind a
//! proxy and needs no WebSocket.
//!
//! This module never writes into the site's folder: there is no `public/` while
//! serving. It does not print; events go to the caller's [`Reporter`].
//! Each change rebuilds the whole site (no incremental re-rendering yet).

pub mod conn;
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
    listener: TcpListener,
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
        let open = Arc::new(AtomicUsize::new(0));
        let waiters = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            let Ok(stream) = stream else {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment instead of spinning.
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            if open.fetch_add(1, Ordering::SeqCst) >= conn::MAX_CONNECTIONS {
                open.fetch_sub(1, Ordering::SeqCst);
                conn::refuse(stream);
                continue;
            }
            let guard = Counted(open.clone());
            let live = self.live.clone();
            let waiters = waiters.clone();
            // If no thread can be made, the connection is dropped with the
            // closure (closed unanswered) and the counter with the guard.
            let _ = std::thread::Builder::new()
                .name("praxis-connection".into())
                .spawn(move || {
                    let _guard = guard;
                    conn::serve_connection(stream, |req| answer(req, &live, &waiters));
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
    if let Some(failure) = rebuild(&build_opts, &mut memo, &live, &report, &[]) {
        failure.publish(&live, &report);
    }

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
                    let failed = rebuild(&build_opts, &mut memo, &live, &report, &changed);
                    if let Some(failure) = failed {
                        // Files changed while they were read: the errors may
                        // be of a moment (a file listed and then deleted);
                        // the next burst tells.
                        if !watcher.changed_since() {
                            failure.publish(&live, &report);
                        }
                    }
                }
            })
            .map_err(|e| ServeError::Server(e.to_string()))?;
    }
    Ok(Server {
        listener,
        live,
        addr,
        url,
    })
}

/// A rebuild that failed, not yet shown.
struct Failure {
    diagnostics: Option<Diagnostics>,
    text: String,
    changed: Vec<PathBuf>,
}

impl Failure {
    /// Reports the errors and shows them in open pages; the last good site stays.
    fn publish(self, live: &Live, report: &Reporter) {
        if let Some(ds) = &self.diagnostics {
            report(Event::Failed {
                diagnostics: ds,
                changed: &self.changed,
            });
        }
        live.publish_error(self.text);
    }
}

/// Rebuilds (reusing what the edit did not touch) and publishes the result
/// when it succeeded; a failure is returned for the caller to publish.
fn rebuild(
    opts: &BuildOptions,
    memo: &mut Memo,
    live: &Live,
    report: &Reporter,
    changed: &[PathBuf],
) -> Option<Failure> {
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
            None
        }
        Err(BuildError::Content(ds)) => {
            let text: String = ds
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.render(false))
                .collect();
            Some(Failure {
                diagnostics: Some(ds),
                text,
                changed: changed.to_vec(),
            })
        }
        // build() writes nothing; kept for completeness.
        Err(BuildError::Write(e)) => Some(Failure {
            diagnostics: None,
            text: e.to_string(),
            changed: changed.to_vec(),
        }),
    }
}

/// The reply to one request.
fn answer(request: &conn::Request, live: &Live, waiters: &AtomicUsize) -> Reply {
    if !http::host_allowed(request.host.as_deref()) {
        return Reply::text(
            403,
            "praxis serve answers only requests for localhost or an IP address \
             (a different Host header may be a DNS rebinding attack)\n",
        );
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Reply::text(405, "only GET and HEAD\n");
    }
    let target = request.target.as_str();
    match http::route(target) {
        http::RELOAD_JS => http::script_reply(),
        http::WAIT => {
            if waiters.fetch_add(1, Ordering::SeqCst) >= MAX_WAITERS {
                waiters.fetch_sub(1, Ordering::SeqCst);
                return Reply::text(503, "too many open pages, try again\n");
            }
            let seen = http::seen_generation(target);
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
        _ => http::site_reply(&live.current(), target),
    }
}
