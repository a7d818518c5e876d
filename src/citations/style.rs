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
            let bytes = std::fs::read(root.join(rel)).map_err(|e| {
                Diagnostic::error("config", format!("cannot read the citation style: {e}"))
                    .in_file(rel)
                    .with_hint("give the path of a .csl file relative to the site root")
            })?;
            parse(bytes, Path::new(rel))
        }
    }
}

/// Parses the bytes of a user's `.csl` file (`rel`, for diagnostics).
pub fn parse(bytes: Vec<u8>, rel: &Path) -> Result<IndependentStyle, Diagnostic> {
    let text = crate::diagnostics::decode_utf8(bytes, rel, "save the style as UTF-8")?;
    let hint = "use an independent CSL 1.0 style, e.g. from the Zotero style repository";
    // The CSL reader gives no position: well-formedness is checked first, with
    // one, and a style it rejects is located by the path it reports.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&text, options).map_err(|e| {
        let pos = e.pos();
        let what = e.to_string();
        let what = what.strip_suffix(&format!(" at {pos}")).unwrap_or(&what);
        let mut d = Diagnostic::error("config", format!("the CSL style does not parse: {what}"))
            .in_file(rel)
            .at(pos.row as usize, pos.col as usize)
            .with_hint(hint);
        d.snippet = text
            .lines()
            .nth(d.line.saturating_sub(1))
            .map(str::to_owned);
        d
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "style" {
        return Err(Diagnostic::error(
            "config",
            format!(
                "the file's root element is `<{}>`, not a CSL `<style>`",
                root.tag_name().name()
            ),
        )
        .in_file(rel)
        .at_offset(&text, root.range().start)
        .with_hint(hint));
    }
    IndependentStyle::from_xml(&text).map_err(|e| {
        let path = e.path.as_ref().map(ToString::to_string).unwrap_or_default();
        let offset = element_at(&doc, &path);
        let shown = if path.is_empty() || path == "?" {
            e.source.to_string()
        } else {
            format!("{} (at `{path}`)", e.source)
        };
        Diagnostic::error("config", format!("the CSL style does not parse: {shown}"))
            .in_file(rel)
            .at_offset(&text, offset)
            .with_hint(hint)
    })
}

/// Byte offset of the deepest element along a serde path like
/// `citation.layout.$value[2].@variable` (the root element when none matches).
fn element_at(doc: &roxmltree::Document<'_>, path: &str) -> usize {
    let mut node = doc.root_element();
    for segment in path.split('.') {
        let name = segment.split('[').next().unwrap_or("");
        if name.is_empty() || name.starts_with('@') || name.starts_with('$') {
            continue;
        }
        let wanted = name.replace('_', "-");
        match node
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == wanted)
        {
            Some(child) => node = child,
            None => break,
        }
    }
    node.range().start
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

/// [`locales`] for a site's languages, parsed when first asked for: a build
/// whose citations all come from the cache of the last one ([`super::cache`])
/// runs the engine never and needs none (parsing four took a tenth of a
/// 1,000-page build's Markdown extras).
#[derive(Debug)]
pub struct Locales {
    languages: Vec<String>,
    parsed: std::sync::OnceLock<Vec<Locale>>,
}

impl Locales {
    pub fn new(languages: &[String]) -> Locales {
        Locales {
            languages: languages.to_vec(),
            parsed: std::sync::OnceLock::new(),
        }
    }

    /// The locales, parsed on the first call.
    pub fn get(&self) -> &[Locale] {
        self.parsed.get_or_init(|| locales(&self.languages))
    }
}

/// The CSL locales a site in `languages` needs. The four the theme speaks are
/// parsed from the shipped files (fast); any other language loads every locale
/// the engine carries (about 80 ms).
pub fn locales(languages: &[String]) -> Vec<Locale> {
    let wanted: Vec<String> = languages.iter().map(|l| super::locale_for(l).0).collect();
    if wanted
        .iter()
        .all(|w| SHIPPED_LOCALES.iter().any(|(code, _)| code == w))
    {
        // Each takes a few milliseconds: in parallel (in their order).
        use rayon::prelude::*;
        SHIPPED_LOCALES
            .par_iter()
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
    fn locales_are_parsed_on_first_use() {
        let l = Locales::new(&["de".to_owned()]);
        assert!(l.parsed.get().is_none());
        assert_eq!(l.get().len(), 2, "de-DE and the en-US fallback");
        assert!(l.parsed.get().is_some());
    }

    #[test]
    fn shipped_locales_parse() {
        let langs: Vec<String> = ["en", "de", "fr", "nl"].map(String::from).to_vec();
        assert_eq!(locales(&langs).len(), 4);
    }

    #[test]
    fn a_broken_style_is_an_error_at_its_line() {
        let d = parse(
            b"<?xml version=\"1.0\"?>\n<style class=\"in-text\"\n<info></info>\n".to_vec(),
            Path::new("mine.csl"),
        )
        .expect_err("not well-formed");
        assert_eq!((d.line, d.column), (3, 1), "{}", d.render(false));

        let d = parse(
            b"<?xml version=\"1.0\"?>\n<style class=\"in-text\" version=\"1.0\">\n  <info/>\n</style>\n".to_vec(),
            Path::new("mine.csl"),
        )
        .expect_err("the info has no id");
        assert_eq!((d.line, d.column), (3, 3), "{}", d.render(false));
        assert!(d.message.contains("(at `info`)"), "{}", d.message);

        let d = parse(
            b"<?xml version=\"1.0\"?>\n\n<html/>\n".to_vec(),
            Path::new("x.csl"),
        )
        .expect_err("not a style");
        assert_eq!((d.line, d.column), (3, 1), "{}", d.render(false));
        assert!(d.message.contains("`<html>`"), "{}", d.message);

        let d = parse(vec![b'<', 0xff], Path::new("mine.csl")).expect_err("not UTF-8");
        assert_eq!((d.code, d.line, d.column), ("encoding", 1, 2));
    }

    #[test]
    fn every_builtin_style_parses() {
        for name in crate::config::CITATION_STYLES {
            let s = load(&CitationStyle::Builtin(name.into()), Path::new("."));
            assert!(s.is_ok(), "{name}: {:?}", s.err());
        }
    }
}
