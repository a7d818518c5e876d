//! Review status: when an article was last medically reviewed, when the next
//! review is due, and whether that is soon or past.
//!
//! The next review is `next_review` when set, else `last_reviewed` plus the
//! page's (or the site's) interval. The clock is passed in, never read here,
//! so tests can stand on any day.

use serde::Serialize;

use crate::content::Page;
use crate::date::{Date, Interval};

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
