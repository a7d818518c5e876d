//! Reusing the last build's assembled [`Site`] when the edits since then only
//! changed the text of existing pages and sections.
//!
//! Walking `content/`, stating every file and assembling sections, taxonomies,
//! translations and sort orders is most of a rebuild's load time on a large
//! site, and saving one article's body changes none of it. When the caller
//! reported every change since the last build ([`crate::incremental::Memo::changed`]),
//! the configuration is the same and each changed file is an existing page or
//! section whose front matter parses to exactly what it was, the kept site is
//! patched with the new texts instead. Anything else — a new, renamed or
//! deleted file, an asset, an edited front matter, a file that no longer
//! parses, a folder event — falls back to the full load, so the result is
//! always the site a fresh load would assemble.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::incremental::{Key, KeyHasher};

use super::{LoadOptions, Site, Target, is_ignored_name, read_markdown};

/// A successfully loaded site, kept for the next build.
pub(crate) struct Kept {
    /// The configuration and load options it was assembled with.
    key: Key,
    site: Site,
    /// What the load reported (warnings only: a load with errors fails).
    diagnostics: Diagnostics,
}

impl Kept {
    pub(crate) fn new(config: &Config, opts: LoadOptions, site: Site, ds: Diagnostics) -> Kept {
        Kept {
            key: key(config, opts),
            site,
            diagnostics: ds,
        }
    }
}

/// Everything besides the files that the assembled site depends on.
fn key(config: &Config, opts: LoadOptions) -> Key {
    KeyHasher::new()
        .debug(config)
        .num(u64::from(opts.drafts))
        .debug(&opts.today)
        .finish()
}

/// The kept site with the `changed` files' new texts, or `None` when a full
/// load is needed.
pub(crate) fn patched(
    kept: Kept,
    changed: &[PathBuf],
    config: &Config,
    opts: LoadOptions,
) -> Option<(Site, Diagnostics)> {
    if kept.key != key(config, opts) {
        return None;
    }
    let content = config.root.join("content");
    let mut site = kept.site;
    for abs in changed {
        let Some(rel) = content_rel(abs, &content) else {
            if abs.starts_with(&content) || content.starts_with(abs) {
                // `content/` itself or a folder above it.
                return None;
            }
            // Templates, static files, the bibliography: not read by the load
            // (the configuration is compared above).
            continue;
        };
        if rel
            .split('/')
            .any(|part| is_ignored_name(part) || part.is_empty())
        {
            continue;
        }
        if !rel.ends_with(".md") {
            return None;
        }
        let is_file = std::fs::symlink_metadata(abs).is_ok_and(|m| m.file_type().is_file());
        if !is_file {
            return None;
        }
        let loaded = read_markdown(&rel, abs, config).ok()?;
        match site.link_targets.get(&rel).copied()? {
            Target::Page(id) => {
                let page = site.pages.get_mut(id.0 as usize)?;
                let fm = loaded.page_fm.as_ref()?;
                if format!("{fm:?}") != format!("{:?}", page.fm) {
                    return None;
                }
                page.text = loaded.text;
                page.body_offset = loaded.split_body_offset;
                *site.text_keys.pages.get_mut(id.0 as usize)? = super::text_key(&page.text);
            }
            Target::Section(id) => {
                let section = site.sections.get_mut(id.0 as usize)?;
                let fm = loaded.section_fm.as_ref()?;
                if format!("{fm:?}") != format!("{:?}", section.fm) {
                    return None;
                }
                section.text = loaded.text;
                section.body_offset = loaded.split_body_offset;
                *site.text_keys.sections.get_mut(id.0 as usize)? = super::text_key(&section.text);
            }
        }
    }
    Some((site, kept.diagnostics))
}

/// `abs` relative to `content/`, with `/` separators; `None` outside it.
fn content_rel(abs: &Path, content: &Path) -> Option<String> {
    let rel = abs.strip_prefix(content).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_content() {
        let content = Path::new("/site/content");
        assert_eq!(
            content_rel(Path::new("/site/content/artikel/a.md"), content).as_deref(),
            Some("artikel/a.md")
        );
        assert_eq!(content_rel(content, content), None);
        assert_eq!(
            content_rel(Path::new("/site/templates/page.html"), content),
            None
        );
    }
}
