//! Images need alt text: screen readers read it, and it shows when the
//! image does not load.

use super::Doc;
use crate::diagnostics::Diagnostic;

pub fn check(doc: &Doc<'_>, out: &mut Vec<Diagnostic>) {
    for img in &doc.images {
        if img.alt.trim().is_empty() {
            out.push(doc.locate(
                Diagnostic::warning("alt-text", format!("image `{}` has no alt text", img.dest.url))
                    .with_hint("describe what the image shows: ![Spacer on the inhaler](spacer.png); screen readers read it aloud"),
                img.dest.offset,
            ));
        }
    }
    for t in doc.tags.iter().filter(|t| t.name == "img") {
        // `alt=""` marks a decorative image on purpose; only a missing attribute is flagged.
        if !t.has("alt") {
            out.push(doc.locate(
                Diagnostic::warning(
                    "alt-text",
                    format!("<img src=\"{}\"> has no alt attribute", t.attr("src").unwrap_or("")),
                )
                .with_hint("add alt=\"what the image shows\" (or alt=\"\" for a purely decorative image)"),
                t.offset,
            ));
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
    fn images_without_alt_are_flagged() {
        let w = warnings("Text ![](a.png)\n\n<img src=\"b.png\">\n");
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].line, w[0].column), (1, 10));
        assert_eq!((w[1].line, w[1].column), (3, 1));
    }

    #[test]
    fn images_with_alt_pass() {
        assert!(warnings("![A spacer](a.png)\n\n<img src=\"b.png\" alt=\"\">\n").is_empty());
    }
}
