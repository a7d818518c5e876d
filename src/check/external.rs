//! `praxis check --external`: links to other sites that no longer work.
//!
//! Off by default (praxis never goes online unless asked). Each distinct URL
//! (without its `#fragment`) is asked for with HTTP `HEAD`, and with `GET`
//! when the server answers `HEAD` with 405 or 501; redirects are followed.
//! A few requests run at once ([`Options::concurrency`]), each with a
//! timeout; connection failures, 429 and 5xx answers are tried again
//! ([`Options::retries`]) after a short pause. URLs that worked are kept in
//! `.praxis-cache/external-links.json` with the time they were checked and
//! not asked for again until [`Options::max_age`] has passed; broken ones are
//! asked for on every run, so a repaired link shows at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Doc;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, line_col};

/// A link to another site and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    pub url: String,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub snippet: Option<String>,
}

/// The `http(s)://` links of `doc` to other origins: Markdown links and
/// `<a href>` in raw HTML.
pub fn collect(doc: &Doc<'_>, site: &Site, out: &mut Vec<LinkUse>) {
    let hrefs = doc
        .tags
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| Some((t.attr("href")?, t.offset)));
    let links = doc.links.iter().map(|l| (l.url.as_str(), l.offset));
    for (url, offset) in links.chain(hrefs) {
        let lower = url.trim().to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || !super::is_remote(url, site)
        {
            continue;
        }
        let (line, column) = line_col(doc.text, offset);
        out.push(LinkUse {
            url: url.trim().to_owned(),
            file: doc.file.to_path_buf(),
            line,
            column,
            snippet: doc.text.lines().nth(line - 1).map(str::to_owned),
        });
    }
}

/// How to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time for one request, connecting included.
    pub timeout: Duration,
    /// Requests at once.
    pub concurrency: usize,
    /// Further tries after a connection failure, 429 or 5xx.
    pub retries: u32,
    /// How long a working URL is not asked for again.
    pub max_age: Duration,
    /// `.praxis-cache/external-links.json`; `None` keeps no cache.
    pub cache: Option<PathBuf>,
}

impl Options {
    pub fn new(root: &Path) -> Options {
        Options {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            retries: 2,
            max_age: Duration::from_secs(7 * 24 * 3600),
            cache: Some(root.join(".praxis-cache").join("external-links.json")),
        }
    }
}

/// What a URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// An HTTP status of 400 or more.
    Status(u16),
    /// No answer: the transport error.
    Failed(String),
}

/// The cache file: working URLs and when they were checked (Unix seconds).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    checked: BTreeMap<String, u64>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn load_cache(path: Option<&Path>) -> Cache {
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save_cache(path: &Path, cache: &Cache) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(cache).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("praxis-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// One request; `Err` for a transport failure.
fn ask(agent: &ureq::Agent, url: &str, head: bool) -> Result<u16, String> {
    let r = if head {
        agent.head(url).call()
    } else {
        agent.get(url).call()
    };
    r.map(|resp| resp.status().as_u16())
        .map_err(|e| e.to_string())
}

/// Checks one URL: HEAD, GET when HEAD is not allowed, retries.
pub fn check_url(agent: &ureq::Agent, url: &str, retries: u32) -> Outcome {
    let mut outcome = Outcome::Failed(String::new());
    for attempt in 0..=retries {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(200 * u64::from(attempt)));
        }
        let mut r = ask(agent, url, true);
        if matches!(r, Ok(405 | 501)) {
            r = ask(agent, url, false);
        }
        outcome = match r {
            Ok(s) if s < 400 => return Outcome::Ok,
            Ok(s) => Outcome::Status(s),
            Err(e) => Outcome::Failed(e),
        };
        let again = matches!(outcome, Outcome::Failed(_) | Outcome::Status(429 | 500..));
        if !again {
            break;
        }
    }
    outcome
}

/// The URL without its `#fragment`.
fn without_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// Checks every URL of `links` (cached ones excepted) and returns a warning
/// per use of a broken one. A cache that cannot be written is a warning too.
pub fn check(links: &[LinkUse], opts: &Options) -> Vec<Diagnostic> {
    let mut cache = load_cache(opts.cache.as_deref());
    let now = now();
    let fresh = |checked: u64| now.saturating_sub(checked) < opts.max_age.as_secs();
    let urls: Vec<&str> = links
        .iter()
        .map(|l| without_fragment(&l.url))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|u| !cache.checked.get(*u).is_some_and(|t| fresh(*t)))
        .collect();
    let results: Mutex<BTreeMap<&str, Outcome>> = Mutex::new(BTreeMap::new());
    let next = AtomicUsize::new(0);
    let agent = agent(opts.timeout);
    std::thread::scope(|s| {
        for _ in 0..opts.concurrency.clamp(1, urls.len().max(1)) {
            s.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = check_url(&agent, url, opts.retries);
                    if let Ok(mut r) = results.lock() {
                        r.insert(url, outcome);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    let mut out = Vec::new();
    for (url, outcome) in &results {
        match outcome {
            Outcome::Ok => {
                cache.checked.insert((*url).to_owned(), now);
            }
            _ => {
                cache.checked.remove(*url);
            }
        }
    }
    cache.checked.retain(|_, t| fresh(*t));
    for l in links {
        let what = match results.get(without_fragment(&l.url)) {
            Some(Outcome::Status(s)) => format!("HTTP {s}"),
            Some(Outcome::Failed(e)) => format!("no answer ({e})"),
            Some(Outcome::Ok) | None => continue,
        };
        let mut d = Diagnostic::warning(
            "external-link",
            format!("broken external link `{}`: {what}", l.url),
        )
        .in_file(&l.file)
        .at(l.line, l.column)
        .with_hint("correct the address or remove the link; a page that moved often has a new address on the same site");
        d.snippet = l.snippet.clone();
        out.push(d);
    }
    if let Some(path) = &opts.cache
        && !results.is_empty()
        && let Err(e) = save_cache(path, &cache)
    {
        out.push(
            Diagnostic::warning(
                "external-link",
                format!("cannot write the link cache {}: {e}", path.display()),
            )
            .with_hint(
                "check the folder's permissions; links are checked again on every run without it",
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_left_out() {
        assert_eq!(
            without_fragment("https://a.example/x#y"),
            "https://a.example/x"
        );
        assert_eq!(
            without_fragment("https://a.example/x"),
            "https://a.example/x"
        );
    }

    #[test]
    fn an_unreachable_url_fails_after_its_retries() {
        // A port nothing listens on: connection refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let a = agent(Duration::from_secs(2));
        let o = check_url(&a, &format!("http://127.0.0.1:{port}/"), 1);
        assert!(matches!(o, Outcome::Failed(_)), "{o:?}");
    }

    #[test]
    fn the_cache_round_trips_and_tolerates_garbage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c").join("external-links.json");
        let mut c = Cache::default();
        c.checked.insert("https://a.example/".into(), 5);
        save_cache(&path, &c).expect("save");
        assert_eq!(
            load_cache(Some(&path)).checked.get("https://a.example/"),
            Some(&5)
        );
        std::fs::write(&path, "{not json").expect("write");
        assert!(load_cache(Some(&path)).checked.is_empty());
    }
}
