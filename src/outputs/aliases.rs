//! Redirect pages for `aliases`, so old links keep working.
//!
//! A static host cannot send a 301, so each alias becomes a tiny page with a
//! canonical link and a meta refresh (what Zola and Hugo do too).

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::outputs::xml_escape;

/// Where an alias is written: `/old/hba1c.html` → `old/hba1c.html`,
/// `/old/hba1c/` → `old/hba1c/index.html`. Paths that leave the site are refused.
pub fn output_path(alias: &str, root_path: &str) -> Result<PathBuf, Diagnostic> {
    let trimmed = alias.trim();
    let rel = trimmed
        .strip_prefix(root_path)
        .unwrap_or(trimmed)
        .trim_start_matches('/');
    let bad = || {
        Diagnostic::error(
            "alias",
            format!("alias `{alias}` is not a path inside the site"),
        )
        .with_hint("write aliases as site paths such as \"/old/hba1c.html\" or \"/alt/hba1c/\"")
    };
    if rel.is_empty()
        || rel.contains(['?', '#', '\\', '\0'])
        || rel.contains("://")
        || rel.split('/').any(|seg| seg == "." || seg == "..")
    {
        return Err(bad());
    }
    let path = Path::new(rel);
    if path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(bad());
    }
    let is_file = Path::new(rel.trim_end_matches('/'))
        .extension()
        .is_some_and(|e| e == "html" || e == "htm")
        && !rel.ends_with('/');
    Ok(if is_file {
        path.to_path_buf()
    } else {
        path.join("index.html")
    })
}

/// The redirect page to `permalink`.
pub fn redirect_page(permalink: &str, lang: &str) -> String {
    let url = xml_escape(permalink);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n<link rel=\"canonical\" href=\"{url}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p><a href=\"{url}\">{url}</a></p>\n</body>\n</html>\n",
        lang = xml_escape(lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        let p = |a: &str| output_path(a, "/").map_err(|d| d.message);
        assert_eq!(p("/old/hba1c.html"), Ok(PathBuf::from("old/hba1c.html")));
        assert_eq!(p("/old/hba1c/"), Ok(PathBuf::from("old/hba1c/index.html")));
        assert_eq!(p("old/hba1c"), Ok(PathBuf::from("old/hba1c/index.html")));
        assert_eq!(
            output_path("/blog/old.html", "/blog/").map_err(|d| d.message),
            Ok(PathBuf::from("old.html"))
        );
        for bad in ["/", "/../etc/passwd", "https://x.org/a", "/a/./b", "/a?b"] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirect_page_refreshes_and_is_canonical() {
        let html = redirect_page("https://e.org/a/?x=\"1\"", "de");
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://e.org/a/?x=&quot;1&quot;\">")
        );
        assert!(html.contains("http-equiv=\"refresh\" content=\"0; url=https://e.org/a/"));
        assert!(html.contains("<html lang=\"de\">"));
    }
}
