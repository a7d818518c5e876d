//! Review status: when an article was last medically reviewed, when the next
//! review is due, and whether that is soon or past.
//!
//! The next review is `next_review` when set, else `last_reviewed` plus the
//! page's (or the site's) interval. The clock is passed in, never read here,
//! so tests can stand on any day.

use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Page, Site, front_matter};
use crate::date::{Date, Interval};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Where an article stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Current,
    DueSoon,
    Overdue,
    NeverReviewed,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::DueSoon => "due_soon",
            Status::Overdue => "overdue",
            Status::NeverReviewed => "never_reviewed",
        }
    }
}

/// The review facts of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    pub status: Status,
    pub last: Option<Date>,
    pub next_due: Option<Date>,
    pub interval: Interval,
}

/// Judges `page` on `today`; `default_interval` and `due_soon` come from the config.
pub fn review(page: &Page, today: Date, default_interval: Interval, due_soon: Interval) -> Review {
    let interval = page.fm.review_interval.unwrap_or(default_interval);
    let last = page.fm.last_reviewed;
    let next_due = page
        .fm
        .next_review
        .or_else(|| last.and_then(|d| d.plus(interval)));
    let status = match (last, next_due) {
        (None, _) => Status::NeverReviewed,
        (Some(_), None) => Status::Current,
        (Some(_), Some(due)) if today > due => Status::Overdue,
        (Some(_), Some(due)) if today.plus(due_soon).is_none_or(|soon| soon >= due) => {
            Status::DueSoon
        }
        _ => Status::Current,
    };
    Review {
        status,
        last,
        next_due,
        interval,
    }
}

/// The review of `page` by the site's settings and clock.
pub fn review_of(site: &Site, page: &Page) -> Review {
    review(
        page,
        site.today,
        site.config.review_interval,
        site.config.review_due_soon,
    )
}

/// A diagnostic at the line of front-matter `key` (else at the file).
fn at_key(d: Diagnostic, page: &Page, key: &str) -> Diagnostic {
    let d = d.in_file(&page.file);
    let off = front_matter::split(&page.text, &page.file)
        .ok()
        .and_then(|s| front_matter::key_offset(&s, key));
    match off {
        Some(off) => d.at_offset(&page.text, off),
        None => d,
    }
}

/// Warnings about review dates: an overdue review (so `--strict` enforces the
/// review policy), a `last_reviewed` after today, and an article reviewed only
/// by its only author.
pub fn check(site: &Site, ds: &mut Diagnostics) {
    check_with(site, ds, None);
}

/// [`check`], taking from `memo` the warnings of pages whose text (and so
/// front matter), file and authors are unchanged, with the same day and
/// configuration.
pub fn check_with(site: &Site, ds: &mut Diagnostics, memo: Option<&crate::incremental::Memo>) {
    // Hashed once; each page's key starts from the hash.
    let shared = memo.map(|_| {
        crate::incremental::KeyHasher::new()
            .debug(&site.config)
            .debug(&site.today)
            .finish()
    });
    let found: Vec<std::sync::Arc<Vec<Diagnostic>>> = site
        .pages
        .par_iter()
        .map(|p| {
            let (Some(memo), Some(shared), Some(text_key)) =
                (memo, &shared, site.text_keys.pages.get(p.id.0 as usize))
            else {
                return std::sync::Arc::new(page_warnings(site, p));
            };
            let mut h = crate::incremental::KeyHasher::new();
            h.num(*shared)
                .num(*text_key)
                .bytes(p.file.as_os_str().as_encoded_bytes());
            for keys in [&p.authors, &p.reviewers] {
                h.num(keys.len() as u64);
                for k in keys {
                    h.str(k);
                }
            }
            memo.reviews
                .get_or(h.finish(), || std::sync::Arc::new(page_warnings(site, p)))
        })
        .collect();
    // Copied on both cores (some 12,500 warnings on a large site), in order.
    let all: Vec<Diagnostic> = found
        .par_iter()
        .flat_map_iter(|f| f.iter().cloned())
        .collect();
    ds.extend(all);
}

/// The review warnings of one page.
fn page_warnings(site: &Site, p: &Page) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    {
        let r = review_of(site, p);
        if let Some(last) = p.fm.last_reviewed
            && last > site.today
        {
            ds.push(
                at_key(
                    Diagnostic::warning(
                        "review",
                        format!(
                            "last_reviewed ({last}) is in the future (today is {})",
                            site.today
                        ),
                    ),
                    p,
                    "last_reviewed",
                )
                .with_hint("set last_reviewed to the day the medical review took place"),
            );
        }
        if r.status == Status::Overdue
            && let Some(due) = r.next_due
        {
            let key = if p.fm.next_review.is_some() {
                "next_review"
            } else {
                "last_reviewed"
            };
            ds.push(
                at_key(
                    Diagnostic::warning("review", format!("review overdue since {due}")),
                    p,
                    key,
                )
                .with_hint(
                    "have the article reviewed, then set last_reviewed to the day of the review (and reviewed_by); `praxis review` lists every article's status",
                ),
            );
        }
        if let [author] = p.authors.as_slice()
            && !p.reviewers.is_empty()
            && p.reviewers.iter().all(|r| r == author)
        {
            ds.push(at_key(
                Diagnostic::warning(
                    "review",
                    format!(
                        "`{author}` is the only author and the only reviewer: the review is not independent"
                    ),
                ),
                p,
                "reviewed_by",
            )
            .with_hint("ask another clinician to review the article and name them in reviewed_by"));
        }
    }
    ds
}

/// One article in the review register.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Relative to the site root, `content/artikel/hba1c.md`.
    pub file: String,
    pub title: String,
    pub lang: String,
    pub url: String,
    pub status: Status,
    pub last_reviewed: Option<Date>,
    pub next_review: Option<Date>,
    /// The reviewers' names.
    pub reviewers: Vec<String>,
    /// Days from today to the next review (negative when overdue).
    pub days_until_due: Option<i64>,
    /// Readability, with `praxis review --readability` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readability: Option<crate::check::readability::ArticleScore>,
}

/// Every article of `site`, never reviewed first, then by next review date
/// (so overdue ones come next), then by file.
pub fn register(site: &Site) -> Vec<Entry> {
    let mut out: Vec<Entry> = site
        .pages
        .iter()
        .map(|p| {
            let r = review_of(site, p);
            Entry {
                file: p.file.to_string_lossy().replace('\\', "/"),
                title: p.title.clone(),
                lang: p.lang.clone(),
                url: p.permalink.clone(),
                status: r.status,
                last_reviewed: r.last,
                next_review: r.next_due,
                reviewers: p
                    .reviewers
                    .iter()
                    .map(|k| {
                        site.config
                            .authors
                            .get(k)
                            .map_or_else(|| k.clone(), |a| a.name.clone())
                    })
                    .collect(),
                days_until_due: r.next_due.map(|d| site.today.days_until(d)),
                readability: None,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |e: &Entry| {
            (
                e.status != Status::NeverReviewed,
                e.next_review.is_none(),
                e.next_review,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.file.cmp(&b.file))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::PageFrontMatter;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn judge(last: Option<&str>, next: Option<&str>, today: &str) -> Status {
        let fm = PageFrontMatter {
            last_reviewed: last.map(d),
            next_review: next.map(d),
            ..PageFrontMatter::default()
        };
        let page = crate::content::Page {
            id: crate::content::PageId(0),
            file: "a.md".into(),
            text: String::new(),
            body_offset: 0,
            fm,
            title: "A".into(),
            lang: "en".into(),
            slug: "a".into(),
            url: "/a/".into(),
            permalink: "https://e.org/a/".into(),
            output: "a/index.html".into(),
            section: crate::content::SectionId(0),
            translation_key: "a".into(),
            authors: vec![],
            reviewers: vec![],
            audience: Default::default(),
            assets: vec![],
        };
        let year: Interval = "12 months".parse().expect("interval");
        let soon: Interval = "60 days".parse().expect("interval");
        review(&page, d(today), year, soon).status
    }

    #[test]
    fn statuses_at_the_boundaries() {
        assert_eq!(judge(None, None, "2026-01-01"), Status::NeverReviewed);
        assert_eq!(
            judge(Some("2025-06-01"), None, "2026-06-01"),
            Status::DueSoon,
            "due today"
        );
        assert_eq!(
            judge(Some("2025-06-01"), None, "2026-06-02"),
            Status::Overdue,
            "one day overdue"
        );
        assert_eq!(
            judge(Some("2025-06-01"), None, "2026-04-02"),
            Status::DueSoon,
            "60 days before"
        );
        assert_eq!(
            judge(Some("2025-06-01"), None, "2026-04-01"),
            Status::Current,
            "61 days before"
        );
        assert_eq!(
            judge(Some("2026-01-01"), Some("2026-03-01"), "2026-03-02"),
            Status::Overdue
        );
    }
}
