//! Every page should have a description: it is the search-engine snippet and
//! the subtitle of the share card.

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};

pub fn check(site: &Site, ds: &mut Diagnostics) {
    for p in &site.pages {
        if p.fm
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            ds.push(
                Diagnostic::warning("description", format!("page “{}” has no description", p.title))
                    .in_file(&p.file)
                    .at_offset(&p.text, 0)
                    .with_hint("add description = \"…\" (one or two sentences) to the front matter: it is the search-engine snippet and the share-card subtitle"),
            );
        }
    }
}
