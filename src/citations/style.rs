//! Citation styles and locales.
//!
//! The built-in names map to the official CSL styles in `styles/` (CC BY-SA,
//! compiled into the binary, the same files Pandoc users get); any other value
//! is the path of a `.csl` file. Styles are parsed once per build.

use std::path::Path;

use hayagriva::citationberg::{IndependentStyle, Locale, LocaleFile};

use crate::config::CitationStyle;
use crate::diagnostics::Diagnostic;

/// The CSL file behind each built-in name.
fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        // Numbered in brackets, [1], as the ICMJE recommendations show them.
        "vancouver" => include_str!("../../styles/vancouver-brackets.csl"),
        "ama" => include_str!("../../styles/american-medical-association.csl"),
        "apa" => include_str!("../../styles/apa.csl"),
        "harvard" => include_str!("../../styles/harvard-cite-them-right.csl"),
        _ => return None,
    })
}

/// Loads the configured style.
pub fn load(style: &CitationStyle, root: &Path) -> Result<IndependentStyle, Diagnostic> {
    match style {
        CitationStyle::Builtin(name) => match builtin(name).map(IndependentStyle::from_xml) {
            Some(Ok(s)) => Ok(s),
            _ => Err(Diagnostic::error(
                "config",
                format!("the citation style `{name}` is not available"),
            )
            .in_file(crate::config::CONFIG_FILE)
            .with_hint(format!(
                "use one of {}",
                crate::config::CITATION_STYLES.join(", ")
            ))),
        },
        CitationStyle::CslFile(rel) => {
            let text = std::fs::read_to_string(root.join(rel)).map_err(|e| {
                Diagnostic::error("config", format!("cannot read the citation style: {e}"))
                    .in_file(rel)
                    .with_hint("give the path of a .csl file relative to the site root")
            })?;
            parse_csl_file(&text, rel)
        }
    }
}

const CSL_HINT: &str = "use an independent CSL 1.0 style, e.g. from the Zotero style repository";

/// Parses a user's `.csl` file. The CSL reader reports neither line nor
/// column, so the XML is checked first: a file that is not well-formed XML
/// gets the line and column of the fault, and one whose root is not a CSL
/// `<style>` the position of the root element.
fn parse_csl_file(text: &str, rel: &Path) -> Result<IndependentStyle, Diagnostic> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = match roxmltree::Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => {
            let pos = e.pos();
            let message = e.to_string().replace(&format!(" at {pos}"), "");
            return Err(at_position(
                Diagnostic::error(
                    "config",
                    format!("the CSL style is not well-formed XML: {message}"),
                ),
                text,
                pos.row as usize,
                pos.col as usize,
            )
            .in_file(rel)
            .with_hint(
                "an editor with XML support shows the fault; or start again from a style \
                 from the Zotero style repository",
            ));
        }
    };
    let root = doc.root_element();
    if root.tag_name().name() != "style" {
        let pos = doc.text_pos_at(root.range().start);
        return Err(at_position(
            Diagnostic::error(
                "config",
                format!(
                    "the file's root element is `<{}>`, not a CSL `<style>`",
                    root.tag_name().name()
                ),
            ),
            text,
            pos.row as usize,
            pos.col as usize,
        )
        .in_file(rel)
        .with_hint(CSL_HINT));
    }
    IndependentStyle::from_xml(text).map_err(|e| {
        let pos = doc.text_pos_at(root.range().start);
        at_position(
            Diagnostic::error(
                "config",
                format!("the CSL style is not a valid CSL 1.0 style: {e}"),
            ),
            text,
            pos.row as usize,
            pos.col as usize,
        )
        .in_file(rel)
        .with_hint(CSL_HINT)
    })
}

/// Sets line, column and the source line of a diagnostic.
fn at_position(d: Diagnostic, text: &str, line: usize, column: usize) -> Diagnostic {
    Diagnostic {
        snippet: text.lines().nth(line.saturating_sub(1)).map(str::to_owned),
        ..d.at(line, column)
    }
}

/// The CSL locales shipped in `styles/locales/`.
const SHIPPED_LOCALES: [(&str, &str); 4] = [
    (
        "en-US",
        include_str!("../../styles/locales/locales-en-US.xml"),
    ),
    (
        "de-DE",
        include_str!("../../styles/locales/locales-de-DE.xml"),
    ),
    (
        "fr-FR",
        include_str!("../../styles/locales/locales-fr-FR.xml"),
    ),
    (
        "nl-NL",
        include_str!("../../styles/locales/locales-nl-NL.xml"),
    ),
];

/// The CSL locales a site in `languages` needs. The four the theme speaks are
/// parsed from the shipped files (fast); any other language loads every locale
/// the engine carries (about 80 ms).
pub fn locales(languages: &[String]) -> Vec<Locale> {
    let wanted: Vec<String> = languages.iter().map(|l| super::locale_for(l).0).collect();
    if wanted
        .iter()
        .all(|w| SHIPPED_LOCALES.iter().any(|(code, _)| code == w))
    {
        SHIPPED_LOCALES
            .iter()
            .filter(|(code, _)| *code == "en-US" || wanted.iter().any(|w| w == code))
            .filter_map(|(_, xml)| LocaleFile::from_xml(xml).ok().map(Locale::from))
            .collect()
    } else {
        hayagriva::archive::locales()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_locales_parse() {
        let langs: Vec<String> = ["en", "de", "fr", "nl"].map(String::from).to_vec();
        assert_eq!(locales(&langs).len(), 4);
    }

    #[test]
    fn a_broken_csl_file_is_located() {
        let rel = Path::new("styles/x.csl");
        let e = parse_csl_file(
            "<?xml version=\"1.0\"?>\n<style>\n  <info>\n</style>\n",
            rel,
        )
        .expect_err("malformed");
        assert_eq!((e.line, e.column), (4, 1), "{e:?}");
        assert_eq!(e.snippet.as_deref(), Some("</style>"));
        assert!(e.message.contains("not well-formed XML"), "{}", e.message);
        assert!(!e.message.contains(" at 4:"), "{}", e.message);
        let e = parse_csl_file("<?xml version=\"1.0\"?>\n\n<html/>\n", rel).expect_err("root");
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.message.contains("`<html>`"), "{}", e.message);
        let e = parse_csl_file("<style xmlns=\"http://purl.org/net/xbiblio/csl\"/>", rel)
            .expect_err("invalid");
        assert_eq!(e.line, 1);
        assert!(
            e.message.contains("not a valid CSL 1.0 style"),
            "{}",
            e.message
        );
    }

    #[test]
    fn every_builtin_style_parses() {
        for name in crate::config::CITATION_STYLES {
            let s = load(&CitationStyle::Builtin(name.into()), Path::new("."));
            assert!(s.is_ok(), "{name}: {:?}", s.err());
        }
    }
}
