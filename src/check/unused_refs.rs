//! Entries of the site's bibliography that no page cites: usually a typo in
//! a citation key or a leftover from an earlier version of an article.

use std::collections::HashSet;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::MarkdownOutput;

pub fn check(site: &Site, md: &MarkdownOutput, ds: &mut Diagnostics) {
    let Some(bib) = md.bibliography.as_deref() else {
        return;
    };
    if site.config.bibliography.is_empty() {
        return;
    }
    // The entries no page has cited yet; most sites cite every entry within
    // their first pages, so this stops long before the last page.
    let mut uncited: HashSet<&str> = bib.keys().collect();
    for r in md.pages.iter().chain(md.sections.iter()) {
        if uncited.is_empty() {
            break;
        }
        for k in &r.cited_keys {
            uncited.remove(k.as_str());
        }
    }
    let drafts: Vec<String> = site
        .excluded_drafts
        .iter()
        .filter_map(|rel| std::fs::read_to_string(site.config.root.join("content").join(rel)).ok())
        .collect();
    for key in bib.keys() {
        if drafts.iter().any(|t| t.contains(&format!("@{key}"))) {
            continue;
        }
        if !uncited.contains(key) {
            continue;
        }
        let mut d = Diagnostic::warning(
            "unused-reference",
            format!("the bibliography entry `{key}` is not cited by any page"),
        )
        .with_hint(format!(
            "cite it with [@{key}] or remove it from the bibliography"
        ));
        if let Some(o) = bib.origin(key) {
            d = d.in_file(&o.file).at(o.line, 0);
        }
        ds.push(d);
    }
}
