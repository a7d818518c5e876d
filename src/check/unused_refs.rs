//! Entries of the site's bibliography that no page cites: usually a typo in
//! a citation key or a leftover from an earlier version of an article.

use crate::citations::{Bibliography, anchor};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::MarkdownOutput;

pub fn check(site: &Site, md: &MarkdownOutput, ds: &mut Diagnostics) {
    if site.config.bibliography.is_empty() {
        return;
    }
    // Problems in the files were reported by the build already.
    let mut scratch = Diagnostics::new();
    let bib = Bibliography::load(&site.config.root, &site.config.bibliography, &mut scratch);
    let rendered: Vec<&str> = md
        .pages
        .iter()
        .chain(md.sections.iter())
        .flat_map(|r| [Some(r.html.as_str()), r.references.as_deref()])
        .flatten()
        .collect();
    // A draft left out of this build still counts as citing what it cites.
    let drafts: Vec<String> = site
        .excluded_drafts
        .iter()
        .filter_map(|rel| std::fs::read_to_string(site.config.root.join("content").join(rel)).ok())
        .collect();
    for key in bib.keys() {
        if drafts.iter().any(|t| t.contains(&format!("@{key}"))) {
            continue;
        }
        let needle = format!("\"{}\"", anchor(key));
        let needle_link = format!("\"#{}\"", anchor(key));
        if rendered
            .iter()
            .any(|h| h.contains(&needle) || h.contains(&needle_link))
        {
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
