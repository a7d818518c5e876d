//! The fonts cards are drawn with: the bundled Inter (SIL OFL 1.1, see
//! `themes/clinic/fonts/OFL.txt`) or the font `[cards] font` names. No system
//! font is ever looked at: resvg is built without `system-fonts`.

use std::sync::Arc;

use ab_glyph::FontArc;
use resvg::usvg::fontdb;

use super::text::Metrics;
use crate::config::Config;
use crate::diagnostics::Diagnostic;

const REGULAR: &str = "fonts/Inter-Regular.otf";
const BOLD: &str = "fonts/Inter-Bold.otf";
const BUNDLED_FAMILY: &str = "Inter";

fn bundled(path: &str) -> &'static [u8] {
    crate::theme::builtin_file(path).unwrap_or_else(|| panic!("the built-in theme lacks {path}"))
}

/// The bundled regular weight.
pub fn bundled_regular() -> FontArc {
    FontArc::try_from_slice(bundled(REGULAR)).expect("bundled font parses")
}

/// The bundled bold weight.
pub fn bundled_bold() -> FontArc {
    FontArc::try_from_slice(bundled(BOLD)).expect("bundled font parses")
}

/// Everything cards need from their fonts, loaded once per build.
pub struct Fonts {
    pub regular: Metrics,
    pub bold: Metrics,
    /// The family name for `font-family` in card.svg.
    pub family: String,
    pub db: Arc<fontdb::Database>,
    /// Identifies the font files (part of every card's cache key). Made on
    /// every build, even when every card is cached, so with xxh3 rather than
    /// the cards' byte-wise hash: loading the bundled fonts went from 3.6 M
    /// to 1.0 M instructions.
    pub fingerprint: u64,
}

impl Fonts {
    /// The bundled Inter, or the site's `[cards] font`.
    pub fn load(config: &Config) -> Result<Fonts, Diagnostic> {
        let mut db = fontdb::Database::new();
        match &config.cards.font {
            None => {
                let mut h = crate::incremental::KeyHasher::new();
                for p in [REGULAR, BOLD] {
                    db.load_font_data(bundled(p).to_vec());
                    h.bytes(bundled(p));
                }
                db.set_sans_serif_family(BUNDLED_FAMILY);
                Ok(Fonts {
                    regular: Metrics::new(bundled_regular()),
                    bold: Metrics::new(bundled_bold()),
                    family: BUNDLED_FAMILY.to_owned(),
                    db: Arc::new(db),
                    fingerprint: h.finish(),
                })
            }
            Some(rel) => {
                let err = |msg: String| {
                    Diagnostic::error("cards", msg)
                        .in_file(crate::config::CONFIG_FILE)
                        .with_hint("`[cards] font` is a TrueType or OpenType file relative to the site root, e.g. static/fonts/MySans.ttf")
                };
                let path = config.root.join(rel);
                let bytes = std::fs::read(&path)
                    .map_err(|e| err(format!("cannot read the card font `{rel}`: {e}")))?;
                let font = FontArc::try_from_vec(bytes.clone()).map_err(|_| {
                    err(format!(
                        "the card font `{rel}` is not a font praxis can read"
                    ))
                })?;
                let fingerprint = crate::incremental::KeyHasher::new().bytes(&bytes).finish();
                db.load_font_data(bytes);
                let family = db
                    .faces()
                    .next()
                    .and_then(|f| f.families.first().map(|(n, _)| n.clone()))
                    .ok_or_else(|| err(format!("the card font `{rel}` has no family name")))?;
                db.set_sans_serif_family(family.clone());
                let metrics = Metrics::new(font);
                Ok(Fonts {
                    regular: metrics.clone(),
                    bold: metrics,
                    family,
                    db: Arc::new(db),
                    fingerprint,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ab_glyph::Font;

    #[test]
    fn the_bundled_font_covers_german_french_and_dutch() {
        for font in [super::bundled_regular(), super::bundled_bold()] {
            for c in "äöüÄÖÜßẞéèêëàâçîïôœùûüÿÉÈÊÀÇŒáíóúĳĲ–—…·€„“‚‘«»".chars()
            {
                assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c}");
            }
        }
    }
}
