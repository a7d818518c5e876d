//! Headings: unique ids, anchor links and the table of contents.
//!
//! Ids come from the heading's text (or an explicit `{#id}`), unique within the
//! page. The table of contents nests entries by level, whatever level the
//! article starts at.

use serde::Serialize;

/// One entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Nests flat `(level, id, title)` headings into a tree.
pub fn nest(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(into: &mut Vec<TocEntry>, e: TocEntry) {
        if let Some(last) = into.last_mut()
            && e.level > last.level
        {
            insert(&mut last.children, e);
            return;
        }
        into.push(e);
    }
    let mut out = Vec::new();
    for (level, id, title) in flat {
        insert(
            &mut out,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    out
}

/// The opening tag and, after the heading's content, the anchor and closing tag.
pub fn wrap(level: u8, id: &str, classes: &[String]) -> (String, String) {
    let mut escaped = String::with_capacity(id.len());
    super::highlight::escape_html(id, &mut escaped);
    let level = level.to_string();
    let mut open = String::with_capacity(12 + escaped.len());
    open.push_str("<h");
    open.push_str(&level);
    open.push_str(" id=\"");
    open.push_str(&escaped);
    open.push('"');
    if !classes.is_empty() {
        open.push_str(" class=\"");
        super::highlight::escape_html(&classes.join(" "), &mut open);
        open.push('"');
    }
    open.push('>');
    let mut close = String::with_capacity(80 + escaped.len());
    close.push_str(" <a class=\"anchor\" href=\"#");
    close.push_str(&escaped);
    close.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h");
    close.push_str(&level);
    close.push_str(">\n");
    (open, close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_gives_the_heading_tags_and_anchor() {
        assert_eq!(
            wrap(2, "dosis-<1>", &[]),
            (
                "<h2 id=\"dosis-&lt;1&gt;\">".to_owned(),
                " <a class=\"anchor\" href=\"#dosis-&lt;1&gt;\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n".to_owned()
            )
        );
        let (open, _) = wrap(3, "a", &["x".to_owned(), "y\"".to_owned()]);
        assert_eq!(open, "<h3 id=\"a\" class=\"x y&quot;\">");
    }

    fn flat(items: &[(u8, &str)]) -> Vec<(u8, String, String)> {
        items
            .iter()
            .map(|(l, t)| (*l, t.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn nests_by_level() {
        let toc = nest(flat(&[
            (2, "a"),
            (3, "a1"),
            (3, "a2"),
            (4, "a2x"),
            (2, "b"),
        ]));
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[0].children[1].children[0].id, "a2x");
        assert_eq!(toc[1].id, "b");
    }

    #[test]
    fn a_deeper_first_heading_still_nests() {
        let toc = nest(flat(&[(3, "x"), (2, "y"), (3, "z")]));
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[1].children[0].id, "z");
    }
}
