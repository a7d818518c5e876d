//! Scripts in content: `<script>`, inline event handlers (`onclick=`) and
//! `javascript:` URLs. An article is text; code that runs in visitors'
//! browsers belongs in the theme, where it is reviewed once.

use super::Doc;
use crate::diagnostics::Diagnostic;

const HINT: &str = "remove it: articles should not run code in visitors' browsers; put scripts the site needs into the theme's templates or static/";

fn is_javascript_url(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    compact.to_ascii_lowercase().starts_with("javascript:")
}

pub fn check(doc: &Doc<'_>, out: &mut Vec<Diagnostic>) {
    let mut warn = |message: String, offset: usize| {
        out.push(doc.locate(
            Diagnostic::warning("script", message).with_hint(HINT),
            offset,
        ));
    };
    for l in doc.links.iter().chain(doc.images.iter().map(|i| &i.dest)) {
        if is_javascript_url(&l.url) {
            warn("a `javascript:` URL in content".into(), l.offset);
        }
    }
    for t in &doc.tags {
        if t.name == "script" {
            warn("a <script> element in content".into(), t.offset);
        }
        for (name, value) in &t.attrs {
            if name.starts_with("on") && name.len() > 2 {
                warn(
                    format!("an inline event handler `{name}=` on <{}>", t.name),
                    t.offset,
                );
            } else if value.as_deref().is_some_and(is_javascript_url) {
                warn(
                    format!("a `javascript:` URL in `{name}=` of <{}>", t.name),
                    t.offset,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(text: &str) -> Vec<Diagnostic> {
        let doc = super::super::test_doc(text);
        let mut out = Vec::new();
        check(&doc, &mut out);
        out
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_flagged() {
        let w = warnings(
            "[x](javascript:alert(1))\n\n<script>alert(1)</script>\n\n<p onclick=\"x()\">a <a href=\" JavaScript:y()\">b</a></p>\n",
        );
        let messages: Vec<_> = w.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(w.len(), 4, "{messages:?}");
        assert_eq!(w[1].line, 3);
    }

    #[test]
    fn plain_html_passes() {
        assert!(warnings("<details><summary>More</summary>\n\nText with <a href=\"/x/\">a link</a> and an <abbr title=\"x\">on</abbr>.\n</details>\n").is_empty());
    }
}
