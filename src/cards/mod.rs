//! Share cards: a 1200×630 PNG per article and per home page, for Open Graph.
//!
//! ```text
//! page ──> CardData (Rust wraps and fits the text with the card font's real advances)
//!      ──> card.svg (a Tera template, autoescaped) ──> SVG text
//!      ──> hash(SVG, fonts) ── cached? ──> .praxis-cache/cards/<hash>.png
//!                              └─ no ───> usvg ──> resvg ──> PNG (and into the cache)
//! ```
//!
//! The template: a site's `templates/card.svg` (or its theme's
//! `themes/NAME/templates/card.svg`), else `themes/NAME/card.svg`, else the
//! built-in `themes/clinic/card.svg`. A page with `card = false` gets no card;
//! `card = "hero.png"` uses that image (relative to the page's folder) instead.
//! Cards are drawn in parallel, with a progress line when stderr is a
//! terminal; the cache key covers everything drawn (the rendered SVG carries
//! text, colours, logo and layout; the font bytes are hashed separately), so
//! an unchanged card is never redrawn.

pub mod breaking;
pub mod fonts;
mod index;
mod progress;
pub(crate) mod reuse;
pub mod text;
pub mod typography;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use resvg::{tiny_skia, usvg};
use serde::Serialize;
use tera::{Context, Tera};

use crate::content::front_matter::CardSetting;
use crate::content::{Page, Section, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Content, Output};
use crate::render::MarkdownOutput;
use crate::theme::{Origin, ThemeFiles};
use fonts::Fonts;
use text::{Box as TextBox, Metrics, ellipsize, first_sentence, fit};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// The cache folder, relative to the site root.
pub const CACHE_DIR: &str = ".praxis-cache/cards";
/// Bumped when drawing changes in a way the SVG text does not show.
const CACHE_VERSION: &str = "praxis-card-1";

const BUILTIN_TEMPLATE: &str = include_str!("../../themes/clinic/card.svg");
const BUILTIN_SQUARE: &str = include_str!("../../themes/clinic/card-square.svg");
const BUILTIN_PORTRAIT: &str = include_str!("../../themes/clinic/card-portrait.svg");

/// Left and right margin, and the usable width between them.
const MARGIN: f32 = 80.0;
const INNER: f32 = WIDTH as f32 - 2.0 * MARGIN;
const TITLE_TOP: f32 = 140.0;
const TITLE_LINE: f32 = 1.12;
const DESCRIPTION_LINE: f32 = 1.35;
const DESCRIPTION_GAP: f32 = 28.0;

/// The three card formats: the link card for previews, and the square and
/// portrait cards for image-first platforms (`[social] square`/`portrait`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// 1200×630, `card.svg`.
    Link,
    /// 1080×1080, `card-square.svg`.
    Square,
    /// 1080×1350, `card-portrait.svg`.
    Portrait,
}

/// Where the text goes on a card of one format.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: u32,
    pub height: u32,
    /// Usable width between the margins.
    pub inner: f32,
    /// Top of the title block.
    pub title_top: f32,
    pub title: TextBox,
    pub description: TextBox,
    /// Tags and reviewer line on lines of their own (tall cards) rather
    /// than beside the site title and the credentials (the link card).
    pub stacked: bool,
}

impl Format {
    pub fn template(self) -> &'static str {
        match self {
            Format::Link => "card.svg",
            Format::Square => "card-square.svg",
            Format::Portrait => "card-portrait.svg",
        }
    }

    fn builtin(self) -> &'static str {
        match self {
            Format::Link => BUILTIN_TEMPLATE,
            Format::Square => BUILTIN_SQUARE,
            Format::Portrait => BUILTIN_PORTRAIT,
        }
    }

    pub fn geometry(self) -> Geometry {
        let text = |width: f32, max_lines, max_size, min_size| TextBox {
            width,
            max_lines,
            max_size,
            min_size,
            step: 2.0,
        };
        match self {
            Format::Link => Geometry {
                width: WIDTH,
                height: HEIGHT,
                inner: INNER,
                title_top: TITLE_TOP,
                title: text(INNER, 3, 68.0, 40.0),
                description: text(INNER, 3, 32.0, 24.0),
                stacked: false,
            },
            Format::Square => {
                let inner = 1080.0 - 2.0 * MARGIN;
                Geometry {
                    width: 1080,
                    height: 1080,
                    inner,
                    title_top: 250.0,
                    title: text(inner, 4, 72.0, 44.0),
                    description: text(inner, 4, 34.0, 26.0),
                    stacked: true,
                }
            }
            Format::Portrait => {
                let inner = 1080.0 - 2.0 * MARGIN;
                Geometry {
                    width: 1080,
                    height: 1350,
                    inner,
                    title_top: 290.0,
                    title: text(inner, 5, 76.0, 44.0),
                    description: text(inner, 6, 36.0, 26.0),
                    stacked: true,
                }
            }
        }
    }
}

/// What a page or home page shows when shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSource {
    /// Drawn from card.svg.
    Drawn,
    /// The page's own image (absolute source path).
    Image(PathBuf),
}

/// Where a card goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardTarget {
    /// Relative to the output folder: `cards/artikel/hba1c.png`.
    pub output: PathBuf,
    /// Root-relative URL: `/cards/artikel/hba1c.png`.
    pub url: String,
    pub source: CardSource,
}

/// `page.card` and `card` in templates.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    /// Absolute URL, for `og:image`.
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `og:image:type`.
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub alt: String,
}

/// `/artikel/hba1c/` → `artikel/hba1c`, `/` → ``.
fn url_stem<'a>(site: &Site, url: &'a str) -> &'a str {
    let root = site.config.root_path.as_str();
    let rel = url
        .strip_prefix(root)
        .unwrap_or(url.trim_start_matches('/'));
    let rel = rel.trim_end_matches('/');
    rel.strip_suffix(".html").unwrap_or(rel)
}

fn target(site: &Site, stem: &str, ext: &str, source: CardSource) -> CardTarget {
    let rel = format!("cards/{stem}.{ext}");
    CardTarget {
        url: format!("{}{rel}", site.config.root_path),
        output: PathBuf::from(rel),
        source,
    }
}

/// The card of a page, if it has one.
pub fn page_card(site: &Site, p: &Page) -> Option<CardTarget> {
    let stem = url_stem(site, &p.url);
    match &p.fm.card {
        Some(CardSetting::Enabled(false)) => None,
        Some(CardSetting::Image(img)) => {
            let dir = p.file.parent().unwrap_or(Path::new("content"));
            let src = site.config.root.join(dir).join(img);
            let ext = Path::new(img)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("png")
                .to_ascii_lowercase();
            Some(target(site, stem, &ext, CardSource::Image(src)))
        }
        _ if !site.config.cards.enabled => None,
        _ => Some(target(site, stem, "png", CardSource::Drawn)),
    }
}

/// The square (`suffix` "square") or portrait card of a page when `on` (from
/// `[social]`): `cards/<page path>-square.png`, beside the link card. Pages
/// with `card = false`, and sites with `[cards] enabled = false`, get none.
pub fn social_card(site: &Site, p: &Page, suffix: &str, on: bool) -> Option<CardTarget> {
    if !on || !site.config.cards.enabled || p.fm.card == Some(CardSetting::Enabled(false)) {
        return None;
    }
    let stem = format!("{}-{suffix}", url_stem(site, &p.url));
    Some(target(site, &stem, "png", CardSource::Drawn))
}

/// The card of a language's home page (the root section).
pub fn home_card(site: &Site, s: &Section) -> Option<CardTarget> {
    if !s.is_root() || !site.config.cards.enabled {
        return None;
    }
    let stem = url_stem(site, &s.url);
    let stem = if stem.is_empty() {
        "index".to_owned()
    } else {
        format!("{stem}/index")
    };
    Some(target(site, &stem, "png", CardSource::Drawn))
}

fn mime_of(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        _ => "image/png",
    }
}

/// Width and height from a PNG or JPEG header.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() >= 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
        return Some((w, h));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < bytes.len() {
            if bytes[i] != 0xFF {
                return None;
            }
            let marker = bytes[i + 1];
            let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]);
                let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]);
                return Some((u32::from(w), u32::from(h)));
            }
            i += 2 + len;
        }
    }
    None
}

/// The template view of a card.
pub fn view(site: &Site, t: &CardTarget, title: &str) -> CardView {
    let alt = if title.is_empty() || title == site.config.title {
        site.config.title.clone()
    } else {
        format!("{title} – {}", site.config.title)
    };
    let (size, mime) = match &t.source {
        CardSource::Drawn => (Some((WIDTH, HEIGHT)), "image/png"),
        CardSource::Image(src) => {
            let head = std::fs::File::open(src).ok().and_then(|f| {
                use std::io::Read;
                let mut buf = Vec::new();
                f.take(64 * 1024).read_to_end(&mut buf).ok()?;
                Some(buf)
            });
            (head.as_deref().and_then(image_size), mime_of(src))
        }
    };
    CardView {
        url: site.config.permalink(&t.url),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        mime,
        alt,
    }
}

/// How many cards a build drew and how many came from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardStats {
    pub drawn: usize,
    pub cached: usize,
    /// Page images copied (`card = "hero.png"`).
    pub images: usize,
}

/// What card.svg sees for one card (besides the site-wide variables).
#[derive(Debug, Serialize)]
pub struct CardData {
    pub lang: String,
    pub title_lines: Vec<String>,
    pub title_size: f32,
    pub title_line_height: f32,
    /// Baseline of the first title line.
    pub title_y: f32,
    pub description_lines: Vec<String>,
    pub description_size: f32,
    pub description_line_height: f32,
    /// Baseline of the first description line.
    pub description_y: f32,
    pub site_title: String,
    pub author: String,
    pub credentials: String,
    pub reviewed: String,
    pub tags: Vec<String>,
}

/// The words on a card, before layout.
#[derive(Debug, Clone, Default)]
pub struct CardText {
    pub lang: String,
    pub title: String,
    pub description: String,
    pub author: String,
    pub credentials: String,
    pub reviewed: String,
    pub tags: Vec<String>,
}

/// Lays out `t` for the built-in geometry of a format.
pub fn layout(
    fonts: &Fonts,
    site_title: &str,
    t: &CardText,
    has_logo: bool,
    g: &Geometry,
) -> CardData {
    // NFC and (on French pages) narrow no-break spaces, before measuring.
    let nbsp =
        if fonts.regular.has_glyph(typography::NNBSP) && fonts.bold.has_glyph(typography::NNBSP) {
            typography::NNBSP
        } else {
            '\u{A0}'
        };
    let prep = |s: &str| typography::prepare(s, &t.lang, nbsp);
    let t = &CardText {
        lang: t.lang.clone(),
        title: prep(&t.title),
        description: prep(&t.description),
        author: prep(&t.author),
        credentials: prep(&t.credentials),
        reviewed: prep(&t.reviewed),
        tags: t.tags.iter().map(|s| prep(s)).collect(),
    };
    let site_title = &prep(site_title);
    let title = fit(&fonts.bold, &t.title, &t.lang, g.title);
    let description_box = TextBox {
        max_lines: if title.lines.len() >= g.title.max_lines {
            g.description.max_lines - 1
        } else {
            g.description.max_lines
        },
        ..g.description
    };
    let description = fit(&fonts.regular, &t.description, &t.lang, description_box);
    let title_line_height = round1(title.size * TITLE_LINE);
    let description_line_height = round1(description.size * DESCRIPTION_LINE);
    let title_y = round1(g.title_top + title.size);
    let description_y = round1(
        g.title_top
            + title.lines.len() as f32 * title_line_height
            + DESCRIPTION_GAP
            + description.size,
    );
    let footer = if has_logo { g.inner - 220.0 } else { g.inner };
    let one = |m: &Metrics, s: &str, size: f32, w: f32| ellipsize(m, s, w, size, false);
    let mut tags = Vec::new();
    let tag_width = if g.stacked { g.inner } else { g.inner * 0.45 };
    for tag in t.tags.iter().take(3) {
        let mut with: Vec<String> = tags.clone();
        with.push(tag.clone());
        if fonts.regular.width(&with.join(" · "), 24.0) > tag_width {
            break;
        }
        tags = with;
    }
    let site_width = if tags.is_empty() || g.stacked {
        g.inner
    } else {
        g.inner - fonts.regular.width(&tags.join(" · "), 24.0) - 40.0
    };
    CardData {
        lang: t.lang.clone(),
        title_lines: title.lines,
        title_size: title.size,
        title_line_height,
        title_y,
        description_lines: description.lines,
        description_size: description.size,
        description_line_height,
        description_y,
        site_title: one(&fonts.bold, site_title, 26.0, site_width),
        author: one(&fonts.bold, &t.author, 28.0, footer),
        credentials: one(
            &fonts.regular,
            &t.credentials,
            24.0,
            if g.stacked {
                footer
            } else {
                footer - fonts.regular.width(&t.reviewed, 24.0) - 40.0
            },
        ),
        reviewed: t.reviewed.clone(),
        tags,
    }
}

fn round1(x: f32) -> f32 {
    (x * 10.0).round() / 10.0
}

/// The text of the first paragraph of rendered HTML.
/// The part of a page's Markdown HTML a card reads for its description when
/// the page has none: from the first `<p>` to its `</p>` (empty without one).
/// `praxis build` keeps only this once the page is written.
pub fn description_source(html: &str) -> &str {
    let Some(start) = html.find("<p>") else {
        return "";
    };
    let end = html[start + 3..]
        .find("</p>")
        .map_or(html.len(), |e| start + 3 + e + 4);
    &html[start..end]
}

fn first_paragraph(html: &str) -> String {
    let Some(start) = html.find("<p>") else {
        return String::new();
    };
    let rest = &html[start + 3..];
    let para = &rest[..rest.find("</p>").unwrap_or(rest.len())];
    let mut out = String::with_capacity(para.len());
    let mut in_tag = false;
    for c in para.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn page_text(
    site: &Site,
    md: &MarkdownOutput,
    strings: &BTreeMap<String, String>,
    p: &Page,
) -> CardText {
    let description = match p.fm.description.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => d.to_owned(),
        None => first_sentence(&first_paragraph(&md.pages[p.id.0 as usize].html), 220),
    };
    let author = p.authors.first().and_then(|k| site.config.authors.get(k));
    let reviewed =
        p.fm.last_reviewed
            .map(|d| {
                let label = strings
                    .get("card_reviewed")
                    .map(String::as_str)
                    .unwrap_or("Reviewed");
                format!("{label} {}", d.display(&p.lang))
            })
            .unwrap_or_default();
    CardText {
        lang: p.lang.clone(),
        title: p.title.clone(),
        description,
        author: author.map(|a| a.name.clone()).unwrap_or_default(),
        credentials: author.map(|a| a.credentials.clone()).unwrap_or_default(),
        reviewed,
        tags: p.fm.tags.iter().take(3).cloned().collect(),
    }
}

fn home_text(site: &Site, s: &Section) -> CardText {
    let author = site
        .config
        .default_authors
        .first()
        .and_then(|k| site.config.authors.get(k));
    CardText {
        lang: s.lang.clone(),
        title: site.config.title.clone(),
        description: s
            .fm
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| site.config.description.clone()),
        author: author.map(|a| a.name.clone()).unwrap_or_default(),
        credentials: author.map(|a| a.credentials.clone()).unwrap_or_default(),
        reviewed: String::new(),
        tags: Vec::new(),
    }
}

/// A 128-bit FNV-1a, stable across builds and Rust versions (cache keys).
pub struct Hasher(u64, u64);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            self.1 = (self.1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x9e37);
        }
        // Separate fields so ("ab","c") and ("a","bc") differ.
        self.0 = self.0.rotate_left(5) ^ bytes.len() as u64;
    }
    pub fn finish64(&self) -> u64 {
        self.0 ^ self.1.rotate_left(17)
    }
    pub fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.0, self.1)
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::new()
    }
}

/// Where card.svg comes from.
fn template_source(
    site: &Site,
    theme: &ThemeFiles,
    format: Format,
) -> Result<(String, Origin), Diagnostic> {
    let name = format.template();
    if let Some(t) = theme.templates.get(name) {
        return Ok((t.text.clone(), t.origin.clone()));
    }
    if let Some(theme_name) = &site.config.theme_name {
        let rel = PathBuf::from("themes").join(theme_name).join(name);
        let path = site.config.root.join(&rel);
        if path.is_file() {
            let bytes = std::fs::read(&path).map_err(|e| {
                Diagnostic::error("io", format!("cannot read the card template: {e}"))
                    .in_file(rel.clone())
            })?;
            let text =
                crate::diagnostics::decode_utf8(bytes, &rel, "save the card template as UTF-8")?;
            return Ok((text, Origin::Site(rel)));
        }
    }
    Ok((format.builtin().to_owned(), Origin::Builtin(name)))
}

/// `data:` URI of the configured logo.
fn logo_uri(site: &Site) -> Result<Option<String>, Diagnostic> {
    let Some(rel) = &site.config.cards.logo else {
        return Ok(None);
    };
    let bytes = std::fs::read(site.config.root.join(rel)).map_err(|e| {
        Diagnostic::error("cards", format!("cannot read the card logo `{rel}`: {e}"))
            .in_file(crate::config::CONFIG_FILE)
            .with_hint("`[cards] logo` is a PNG, JPEG or SVG file relative to the site root, e.g. static/logo.png")
    })?;
    Ok(Some(format!(
        "data:{};base64,{}",
        mime_of(Path::new(rel)),
        base64(&bytes)
    )))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Colors<'a> {
    background: &'a str,
    foreground: &'a str,
    accent: &'a str,
}

/// Everything shared by the cards of one build.
pub struct Drawer {
    format: Format,
    geometry: Geometry,
    tera: Tera,
    origin: Origin,
    /// The template's text, to locate errors in the SVG it renders.
    template: String,
    fonts: Fonts,
    site_title: String,
    has_logo: bool,
    options: usvg::Options<'static>,
    /// None: no cache.
    cache: Option<PathBuf>,
    /// Hash of everything besides a card's text that goes into its SVG (for
    /// the rebuild memo of `praxis serve`).
    inputs: crate::incremental::KeyHasher,
}

impl Drawer {
    pub fn new(
        site: &Site,
        theme: &ThemeFiles,
        cache: Option<&Path>,
        format: Format,
    ) -> Result<Drawer, Diagnostics> {
        match template_source(site, theme, format) {
            Ok((text, origin)) => Drawer::with_template(site, cache, format, text, origin),
            Err(d) => {
                let mut ds = Diagnostics::new();
                ds.push(d);
                // Report font and logo problems in the same run.
                let _ = Fonts::load(&site.config).map_err(|d| ds.push(d));
                let _ = logo_uri(site).map_err(|d| ds.push(d));
                Err(ds)
            }
        }
    }

    /// [`Drawer::new`] with the `card.svg` template's text and origin given.
    pub fn with_template(
        site: &Site,
        cache: Option<&Path>,
        format: Format,
        text: String,
        origin: Origin,
    ) -> Result<Drawer, Diagnostics> {
        let name = format.template();
        let geometry = format.geometry();
        let mut ds = Diagnostics::new();
        let fonts = Fonts::load(&site.config).map_err(|d| ds.push(d));
        let logo = logo_uri(site).map_err(|d| ds.push(d));
        let (Ok(fonts), Ok(logo)) = (fonts, logo) else {
            return Err(ds);
        };
        let origins = HashMap::from([(name.to_owned(), origin.clone())]);
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".svg"]);
        if let Err(e) = tera.add_raw_template(name, &text) {
            ds.push(crate::render::template_error(&e, &origins, " (share card)"));
            return Err(ds);
        }
        let cards = &site.config.cards;
        let g = tera.global_context();
        g.insert("width", &geometry.width);
        g.insert("height", &geometry.height);
        g.insert(
            "colors",
            &Colors {
                background: &cards.background,
                foreground: &cards.foreground,
                accent: &cards.accent,
            },
        );
        g.insert("logo", &logo);
        g.insert("font_family", &fonts.family);
        let options = usvg::Options {
            font_family: fonts.family.clone(),
            fontdb: fonts.db.clone(),
            ..usvg::Options::default()
        };
        let mut inputs = crate::incremental::KeyHasher::new();
        inputs
            .str(CACHE_VERSION)
            .str(&text)
            .debug(cards)
            .debug(&logo)
            .num(fonts.fingerprint)
            .str(&fonts.family)
            .str(&site.config.title)
            .debug(&format);
        Ok(Drawer {
            inputs,
            format,
            geometry,
            tera,
            origin,
            template: text,
            fonts,
            site_title: site.config.title.clone(),
            has_logo: logo.is_some(),
            options,
            cache: cache.map(Path::to_path_buf),
        })
    }

    /// The SVG of one card.
    pub fn svg(&self, t: &CardText, what: &str) -> Result<String, Diagnostic> {
        let data = layout(
            &self.fonts,
            &self.site_title,
            t,
            self.has_logo,
            &self.geometry,
        );
        let mut ctx = Context::new();
        for (k, v) in [
            ("lang", serde_json::to_value(&data.lang)),
            ("title_lines", serde_json::to_value(&data.title_lines)),
            ("title_size", serde_json::to_value(data.title_size)),
            (
                "title_line_height",
                serde_json::to_value(data.title_line_height),
            ),
            ("title_y", serde_json::to_value(data.title_y)),
            (
                "description_lines",
                serde_json::to_value(&data.description_lines),
            ),
            (
                "description_size",
                serde_json::to_value(data.description_size),
            ),
            (
                "description_line_height",
                serde_json::to_value(data.description_line_height),
            ),
            ("description_y", serde_json::to_value(data.description_y)),
            ("site_title", serde_json::to_value(&data.site_title)),
            ("author", serde_json::to_value(&data.author)),
            ("credentials", serde_json::to_value(&data.credentials)),
            ("reviewed", serde_json::to_value(&data.reviewed)),
            ("tags", serde_json::to_value(&data.tags)),
        ] {
            ctx.insert(k, &v.unwrap_or_default());
        }
        let name = self.format.template();
        self.tera.render(name, &ctx).map_err(|e| {
            let origins = HashMap::from([(name.to_owned(), self.origin.clone())]);
            crate::render::template_error(&e, &origins, what)
        })
    }

    /// The cache key of an SVG.
    pub fn key(&self, svg: &str) -> String {
        let mut h = Hasher::new();
        h.write(CACHE_VERSION.as_bytes());
        h.write(&self.fonts.fingerprint.to_le_bytes());
        h.write(svg.as_bytes());
        h.hex()
    }

    /// Where the PNG of a cache key is kept.
    pub fn cache_file(&self, key: &str) -> Option<PathBuf> {
        Some(self.cache.as_ref()?.join(format!("{key}.png")))
    }

    /// [`Drawer::draw`], failing with a diagnostic in the template's file at
    /// the template line the broken SVG came from (where that can be told).
    pub fn draw_diagnosed(&self, svg: &str) -> Result<Vec<u8>, Diagnostic> {
        let hint = "card.svg must render to valid SVG; values are XML-escaped automatically";
        let tree = usvg::Tree::from_str(svg, &self.options).map_err(|e| {
            let (line, column, at) = svg_error_place(&self.template, svg, &e);
            let mut d = Diagnostic::error("cards", format!("cannot draw the share card: {e}{at}"))
                .in_file(self.origin.display())
                .at(line, column)
                .with_hint(hint);
            d.snippet = self.template.lines().nth(line - 1).map(str::to_owned);
            d
        })?;
        self.draw_tree(&tree).map_err(|e| {
            Diagnostic::error("cards", format!("cannot draw the share card: {e}"))
                .in_file(self.origin.display())
                .at(1, 1)
                .with_hint(hint)
        })
    }

    /// Rasterises an SVG into a PNG.
    pub fn draw(&self, svg: &str) -> Result<Vec<u8>, String> {
        let tree = usvg::Tree::from_str(svg, &self.options).map_err(|e| e.to_string())?;
        self.draw_tree(&tree)
    }

    fn draw_tree(&self, tree: &usvg::Tree) -> Result<Vec<u8>, String> {
        let (w, h) = (self.geometry.width, self.geometry.height);
        let mut pixmap =
            tiny_skia::Pixmap::new(w, h).ok_or_else(|| "cannot allocate".to_owned())?;
        let size = tree.size();
        let transform =
            tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
        resvg::render(tree, transform, &mut pixmap.as_mut());
        encode_png(&pixmap).map_err(|e| e.to_string())
    }
}

/// Where in `template` (1-based line and column) an SVG error in the `svg` it
/// rendered belongs, and a note on the place in the SVG when that differs.
/// Tera keeps the template's lines outside loops, so the SVG's line is looked
/// up in the template by its text; otherwise the same line number is used
/// (the last line when the template is shorter).
fn svg_error_place(template: &str, svg: &str, err: &usvg::Error) -> (usize, usize, String) {
    let lines: Vec<&str> = template.lines().collect();
    let last = lines.len().max(1);
    let usvg::Error::ParsingFailed(xml) = err else {
        // About the whole picture (size, too many elements): the `<svg` tag.
        let at = template.find("<svg").unwrap_or(0);
        let (line, column) = crate::diagnostics::line_col(template, at);
        return (line, column, String::new());
    };
    let pos = xml.pos();
    let (row, col) = (pos.row as usize, pos.col as usize);
    let svg_line = svg.lines().nth(row.saturating_sub(1)).unwrap_or("");
    let width = |l: usize| lines.get(l - 1).map_or(0, |t| t.chars().count());
    if row >= 1 && lines.get(row - 1) == Some(&svg_line) {
        return (row, col.min(width(row) + 1), String::new());
    }
    let note = format!(" (line {row}, column {col} of the SVG the template renders)");
    match lines.iter().position(|l| *l == svg_line) {
        Some(i) => (i + 1, col.min(width(i + 1) + 1), note),
        None => (row.clamp(1, last), 1, note),
    }
}

/// PNG of a pixmap: RGB when it is opaque (most cards), RGBA otherwise.
fn encode_png(p: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let opaque = p.pixels().iter().all(|c| c.alpha() == 255);
    let (color, data): (png::ColorType, Vec<u8>) = if opaque {
        let mut v = Vec::with_capacity(p.pixels().len() * 3);
        for c in p.pixels() {
            v.extend_from_slice(&[c.red(), c.green(), c.blue()]);
        }
        (png::ColorType::Rgb, v)
    } else {
        let mut v = Vec::with_capacity(p.pixels().len() * 4);
        for c in p.pixels() {
            let c = c.demultiply();
            v.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
        }
        (png::ColorType::Rgba, v)
    };
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, p.width(), p.height());
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header()?;
        w.write_image_data(&data)?;
    }
    Ok(out)
}

/// What a card is of.
#[derive(Clone, Copy)]
enum Of<'a> {
    Page(&'a Page),
    /// A language's home page.
    Home(&'a Section),
}

/// One card to draw (or take from the cache): small, so that a list of all
/// of a site's cards costs little; its text and target are made when needed.
#[derive(Clone, Copy)]
struct Job<'a> {
    format: Format,
    of: Of<'a>,
}

impl Job<'_> {
    fn target(&self, site: &Site) -> Option<CardTarget> {
        let social = &site.config.social;
        match (self.of, self.format) {
            (Of::Page(p), Format::Link) => page_card(site, p),
            (Of::Page(p), Format::Square) => social_card(site, p, "square", social.square),
            (Of::Page(p), Format::Portrait) => social_card(site, p, "portrait", social.portrait),
            (Of::Home(s), _) => home_card(site, s),
        }
    }

    /// The file diagnostics about this card point at.
    fn file(&self) -> &Path {
        match self.of {
            Of::Page(p) => &p.file,
            Of::Home(s) => s
                .file
                .as_deref()
                .unwrap_or(Path::new(crate::config::CONFIG_FILE)),
        }
    }
}

/// Draws (or takes from the cache) every card of the site, in parallel, and
/// adds them to `output`.
pub fn generate(
    site: &Site,
    theme: &ThemeFiles,
    md: &MarkdownOutput,
    cache: Option<&Path>,
    output: &mut Output,
    ds: &mut Diagnostics,
    memo: Option<&crate::incremental::Memo>,
) -> CardStats {
    let mut stats = CardStats::default();
    let mut texts = Texts {
        site,
        md,
        strings: HashMap::new(),
    };
    // Page images are copied; only drawn cards need the drawer.
    let mut drawn = Vec::new();
    for p in &site.pages {
        // What kind of card, without making its target (a rebuild walks
        // every page here).
        let image = match &p.fm.card {
            Some(CardSetting::Enabled(false)) => continue,
            Some(CardSetting::Image(_)) => page_card(site, p).map(|t| t.source),
            _ if !site.config.cards.enabled => continue,
            _ => Some(CardSource::Drawn),
        };
        match image {
            None => {}
            Some(CardSource::Drawn) => drawn.push(Job {
                format: Format::Link,
                of: Of::Page(p),
            }),
            Some(CardSource::Image(src)) => {
                if let Some(t) = page_card(site, p)
                    && src.is_file()
                {
                    output.add(t.output, Content::Copy(src));
                    stats.images += 1;
                } else {
                    let mut d = Diagnostic::error(
                        "cards",
                        format!(
                            "the card image `{}` does not exist",
                            crate::diagnostics::relative_to(&src, &site.config.root).display()
                        ),
                    )
                    .in_file(p.file.clone())
                    .with_hint("`card = \"hero.png\"` names an image relative to the page's folder; `card = false` turns the card off");
                    if let Some(off) = p.text.find("card") {
                        d = d.at_offset(&p.text, off);
                    }
                    ds.push(d);
                }
            }
        }
    }
    for s in &site.sections {
        if home_card(site, s).is_some() {
            drawn.push(Job {
                format: Format::Link,
                of: Of::Home(s),
            });
        }
    }
    let social = &site.config.social;
    for (format, on) in [
        (Format::Square, social.square),
        (Format::Portrait, social.portrait),
    ] {
        if !on || !site.config.cards.enabled {
            continue;
        }
        for p in &site.pages {
            // [`social_card`]'s test, without making the target.
            if p.fm.card != Some(CardSetting::Enabled(false)) {
                drawn.push(Job {
                    format,
                    of: Of::Page(p),
                });
            }
        }
    }
    for job in &drawn {
        if let Of::Page(p) = job.of {
            // The UI strings once per language, not per card.
            texts
                .strings
                .entry(p.lang.as_str())
                .or_insert_with(|| theme.strings_for(&p.lang));
        }
    }
    for format in [Format::Link, Format::Square, Format::Portrait] {
        let jobs: Vec<Job> = drawn
            .iter()
            .filter(|j| j.format == format)
            .copied()
            .collect();
        if jobs.is_empty() {
            continue;
        }
        match Drawer::new(site, theme, cache, format) {
            Ok(drawer) => draw_jobs(&drawer, &jobs, &texts, output, ds, &mut stats, memo),
            Err(e) => ds.extend(e),
        }
    }
    stats
}

/// A card's cache key as the rebuild memo keeps it, with the hash of the
/// drawer's inputs and the card's text that gave it (for the input index).
pub(crate) struct CardMemo {
    text_key: crate::incremental::Key,
    key: String,
}

/// The texts of page cards, made only for cards whose key is not known yet.
struct Texts<'a> {
    site: &'a Site,
    md: &'a MarkdownOutput,
    strings: HashMap<&'a str, BTreeMap<String, String>>,
}

impl Texts<'_> {
    fn strings(&self, p: &Page) -> Option<&BTreeMap<String, String>> {
        self.strings.get(p.lang.as_str())
    }

    fn text(&self, job: &Job<'_>) -> CardText {
        match job.of {
            Of::Page(p) => page_text(
                self.site,
                self.md,
                self.strings(p).unwrap_or(&BTreeMap::new()),
                p,
            ),
            Of::Home(s) => home_text(self.site, s),
        }
    }

    /// The drawer's inputs and a hash of everything the card's text is made
    /// from — for a page, all that [`page_text`] reads, hashed as it is
    /// instead of the text it gives, so that a card whose key is known makes
    /// no text. (Within one binary the same inputs give the same text; the
    /// input index is trusted only by the binary that wrote it.)
    fn text_key(&self, drawer: &Drawer, job: &Job<'_>) -> crate::incremental::Key {
        let mut h = drawer.inputs.clone();
        let p = match job.of {
            Of::Page(p) => p,
            Of::Home(s) => return h.str("home").debug(&home_text(self.site, s)).finish(),
        };
        h.str("page").str(&p.lang).str(&p.title);
        match p.fm.description.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => h.num(1).str(d),
            None => {
                let html = self
                    .md
                    .pages
                    .get(p.id.0 as usize)
                    .map_or("", |r| description_source(&r.html));
                h.num(0).str(html)
            }
        };
        match p
            .authors
            .first()
            .and_then(|k| self.site.config.authors.get(k))
        {
            Some(a) => h.num(1).str(&a.name).str(&a.credentials),
            None => h.num(0),
        };
        match p.fm.last_reviewed {
            Some(d) => {
                let label = self.strings(p).and_then(|s| s.get("card_reviewed"));
                h.num(1)
                    .debug(&d)
                    .str(label.map_or("Reviewed", String::as_str))
            }
            None => h.num(0),
        };
        let tags = &p.fm.tags[..p.fm.tags.len().min(3)];
        h.num(tags.len() as u64);
        for t in tags {
            h.str(t);
        }
        h.finish()
    }

    /// For a page card, a hash of what [`page_text`] reads: the page's
    /// rendered Markdown fingerprint (its text, and so its front matter),
    /// title, language and first author, and the UI string it uses.
    fn input_key(&self, job: &Job<'_>) -> Option<crate::incremental::Key> {
        let Of::Page(p) = job.of else {
            return None;
        };
        let r = self.md.pages.get(p.id.0 as usize)?;
        let mut h = crate::incremental::KeyHasher::new();
        h.num(r.fingerprint).str(&p.lang).str(&p.title);
        if let Some(k) = p.authors.first() {
            h.str(k);
            if let Some(a) = self.site.config.authors.get(k) {
                h.str(&a.name).str(&a.credentials);
            }
        }
        match self.strings(p).and_then(|s| s.get("card_reviewed")) {
            Some(label) => h.num(1).str(label),
            None => h.num(0),
        };
        Some(h.finish())
    }
}

/// Which PNGs the cache folder holds: a `stat` for each of the first few
/// cards asked about (a rebuild asks about one or two), then the folder's
/// names, read once (one directory read instead of a `stat` per card).
struct CacheFiles<'d> {
    drawer: &'d Drawer,
    asked: std::sync::atomic::AtomicUsize,
    names: std::sync::OnceLock<HashSet<String>>,
}

impl CacheFiles<'_> {
    /// Cards looked up one by one before the folder is read.
    const ONE_BY_ONE: usize = 64;

    fn new(drawer: &Drawer) -> CacheFiles<'_> {
        CacheFiles {
            drawer,
            asked: std::sync::atomic::AtomicUsize::new(0),
            names: std::sync::OnceLock::new(),
        }
    }

    /// Whether the PNG of `key` is in the cache folder as it was when this
    /// stage started.
    fn has(&self, key: &str) -> bool {
        let Some(dir) = &self.drawer.cache else {
            return false;
        };
        if self.names.get().is_none()
            && self
                .asked
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                < Self::ONE_BY_ONE
        {
            return dir.join(format!("{key}.png")).is_file();
        }
        let names = self.names.get_or_init(|| {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".png").map(str::to_owned))
                .collect()
        });
        names.contains(key)
    }
}

/// A card's cache key, its SVG when its PNG is not cached yet, the key of
/// its text's inputs and (in a rebuild) the key of the page's inputs.
type Keyed = (
    String,
    Option<String>,
    crate::incremental::Key,
    Option<crate::incremental::Key>,
);

/// Draws (or takes from the cache) the cards of one format.
fn draw_jobs(
    drawer: &Drawer,
    drawn: &[Job],
    texts: &Texts<'_>,
    output: &mut Output,
    ds: &mut Diagnostics,
    stats: &mut CardStats,
    memo: Option<&crate::incremental::Memo>,
) {
    let site = texts.site;
    if let Some(dir) = &drawer.cache
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        ds.push(Diagnostic::warning(
            "cards",
            format!(
                "cannot create the card cache {}: {e}; every card is drawn anew",
                dir.display()
            ),
        ));
    }
    // 1. Every card's cache key. A card whose text and design are unchanged
    //    keeps the key it had (no text or SVG is made) as long as its cached
    //    PNG is there: from the memo when rebuilding (by the page's inputs,
    //    so that not even the hash of its text is made), else from the index
    //    the last build left in the cache. Otherwise its SVG (layout and
    //    template) gives the key, and is kept only when that PNG is not cached.
    let index_once = std::sync::OnceLock::new();
    let index = || {
        index_once.get_or_init(|| {
            index::InputIndex::load(drawer.cache.as_deref(), &format!("{:?}", drawer.format))
        })
    };
    let files = CacheFiles::new(drawer);
    let cached = |key: &str| files.has(key);
    // The cache folder as the last build left it (no file removed since):
    // cards the memo knows are in it without looking at each.
    let folder = drawer
        .cache
        .as_ref()
        .and_then(|dir| Some((dir.clone(), crate::incremental::Stamp::of(dir)?)));
    let folder_unchanged = match (memo, &folder) {
        (Some(memo), Some(now)) => {
            memo.card_folder
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .as_ref()
                == Some(now)
        }
        _ => false,
    };
    // The drawer's inputs hashed once, not copied for every card.
    let inputs = drawer.inputs.finish();
    // 0. A rebuild within the same assembly, design and untouched cache
    //    folder takes the cards of pages whose rendered Markdown is unchanged
    //    as the last build handed them out (see [`reuse`]).
    let assembly = site.text_keys.assembly;
    let stage_key = (memo.is_some() && assembly != 0 && drawer.cache.is_some()).then(|| {
        let mut labels: Vec<(&str, Option<&String>)> = texts
            .strings
            .iter()
            .map(|(lang, s)| (*lang, s.get("card_reviewed")))
            .collect();
        labels.sort_unstable();
        crate::incremental::KeyHasher::new()
            .num(assembly)
            .num(inputs)
            .debug(&labels)
            .finish()
    });
    let mut prev = match (memo, stage_key) {
        (Some(memo), Some(key)) => {
            let prev = memo
                .card_stages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&drawer.format);
            reuse::Stage::matching(prev.filter(|_| folder_unchanged), key)
        }
        _ => None,
    };
    let kept: Vec<Option<reuse::Entry>> = drawn
        .iter()
        .map(|job| {
            let (Some(stage), Of::Page(p)) = (prev.as_mut(), job.of) else {
                return None;
            };
            let fingerprint = texts.md.pages.get(p.id.0 as usize)?.fingerprint;
            stage.take(p.id.0 as usize, fingerprint)
        })
        .collect();
    drop(prev);
    let fresh: Vec<Job> = drawn
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_none())
        .map(|(j, _)| *j)
        .collect();
    let svgs: Vec<Result<Keyed, Diagnostic>> = fresh
        .par_iter()
        .map(|job| {
            let by_inputs = memo.and(texts.input_key(job)).map(|k| {
                crate::incremental::KeyHasher::new()
                    .num(inputs)
                    .str("page")
                    .num(k)
                    .finish()
            });
            if let (Some(memo), Some(f)) = (memo, by_inputs)
                && let Some(m) = memo.cards.get_if(f, |m| folder_unchanged || cached(&m.key))
            {
                // Kept by its text's key too (below, with one lock for all):
                // a later edit that changes the page but not its card finds
                // it there (not in the index).
                return Ok((m.key.clone(), None, m.text_key, by_inputs));
            }
            let k = texts.text_key(drawer, job);
            let remember = |key: &str| {
                if let Some(memo) = memo {
                    let m = Arc::new(CardMemo {
                        text_key: k,
                        key: key.to_owned(),
                    });
                    if let Some(f) = by_inputs {
                        memo.cards.put(f, m.clone());
                    }
                    memo.cards.put(k, m);
                }
            };
            if let Some(memo) = memo
                && let Some(m) = memo.cards.get_if(k, |m| cached(&m.key))
            {
                remember(&m.key);
                return Ok((m.key.clone(), None, k, by_inputs));
            }
            if let Some(key) = index().get(k).filter(|key| cached(key)) {
                remember(key);
                return Ok((key.to_owned(), None, k, by_inputs));
            }
            let what = format!(" (share card of {})", job.file().display());
            let svg = drawer.svg(&texts.text(job), &what)?;
            let key = drawer.key(&svg);
            remember(&key);
            let svg = (!cached(&key)).then_some(svg);
            Ok((key, svg, k, by_inputs))
        })
        .collect();
    if let Some(memo) = memo {
        memo.cards
            .keep(svgs.iter().flatten().map(|(_, _, text_key, _)| *text_key));
    }
    // The index is written when it was read: when some card's key was not
    // in the memo (a build without one reads it always).
    if drawer.cache.is_some()
        && let Some(index) = index_once.get()
    {
        let pairs: Vec<(crate::incremental::Key, &str)> = svgs
            .iter()
            .filter_map(|r| {
                let (key, _, k, _) = r.as_ref().ok()?;
                Some((*k, key.as_str()))
            })
            .collect();
        index.store(&pairs);
    }
    // 2. Draw each key that is not cached yet, once (identical cards share it).
    let mut to_draw: Vec<(&str, &str)> = Vec::new();
    let mut seen = HashSet::new();
    for (key, svg, _, _) in svgs.iter().flatten() {
        if let Some(svg) = svg
            && seen.insert(key.as_str())
        {
            to_draw.push((key, svg));
        }
    }
    let progress = progress::Progress::new(to_draw.len());
    let pngs: HashMap<&str, Result<Content, Diagnostic>> = to_draw
        .par_iter()
        .map(|&(key, svg)| {
            let png = drawer.draw_diagnosed(svg);
            // Once in the cache, the output copies the file: the PNG need
            // not stay in memory. A cache that cannot be written only costs time.
            let content = png.map(|png| match drawer.cache_file(key) {
                Some(cached) => {
                    let tmp = cached.with_extension(format!("tmp{}", std::process::id()));
                    if std::fs::write(&tmp, &png).is_ok() && std::fs::rename(&tmp, &cached).is_ok()
                    {
                        Content::Cached(cached)
                    } else {
                        let _ = std::fs::remove_file(&tmp);
                        Content::Bytes(png)
                    }
                }
                None => Content::Bytes(png),
            });
            progress.tick();
            (key, content)
        })
        .collect();
    progress.finish();
    stats.drawn += pngs.values().filter(|p| p.is_ok()).count();
    // 3. Hand out the files. One broken template breaks every card: report
    //    each problem once.
    let mut reported = HashSet::new();
    let mut report = |d: &Diagnostic| {
        if reported.insert((d.code, d.file.clone(), d.line, d.column)) {
            ds.push(d.clone());
        }
    };
    //    In the order of the jobs, whether kept or made; what is in the
    //    cache is recorded for the next rebuild.
    let mut next = stage_key.map(|key| reuse::Stage::new(key, site.pages.len()));
    let mut made = svgs.iter();
    for (job, kept) in drawn.iter().zip(kept) {
        if let Some(entry) = kept {
            stats.cached += 1;
            output.add(
                entry.output().clone(),
                Content::Cached(entry.file().clone()),
            );
            if let Some(memo) = memo {
                memo.cards.keep(entry.keys());
            }
            if let (Some(next), Of::Page(p)) = (next.as_mut(), job.of) {
                next.put(p.id.0 as usize, entry);
            }
            continue;
        }
        let Some(r) = made.next() else {
            continue;
        };
        let Some(out) = job.target(site).map(|t| t.output) else {
            continue;
        };
        let content = match r {
            Err(d) => {
                report(d);
                continue;
            }
            Ok((key, _, _, _)) => match pngs.get(key.as_str()) {
                Some(Ok(content)) => content.clone(),
                Some(Err(d)) => {
                    report(d);
                    continue;
                }
                None => match drawer.cache_file(key) {
                    Some(file) => {
                        stats.cached += 1;
                        Content::Cached(file)
                    }
                    None => continue,
                },
            },
        };
        if let (Some(next), Of::Page(p), Content::Cached(file), Ok((_, _, k, Some(f)))) =
            (next.as_mut(), job.of, &content, r)
            && let Some(rendered) = texts.md.pages.get(p.id.0 as usize)
        {
            let entry =
                reuse::Entry::new(rendered.fingerprint, out.clone(), file.clone(), [*f, *k]);
            next.put(p.id.0 as usize, entry);
        }
        output.add(out, content);
    }
    // Every card the memo knows is in the cache folder now, unless one could
    // not be written there.
    if let Some(memo) = memo {
        let all_cached = pngs.values().all(|p| !matches!(p, Ok(Content::Bytes(_))));
        let now = drawer
            .cache
            .as_ref()
            .filter(|_| all_cached)
            .and_then(|dir| Some((dir.clone(), crate::incremental::Stamp::of(dir)?)));
        *memo
            .card_folder
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = now;
        if let Some(next) = next {
            memo.card_stages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(drawer.format, next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn png_header_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&1200u32.to_be_bytes());
        png.extend_from_slice(&630u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((1200, 630)));
        assert_eq!(image_size(b"nope"), None);
    }

    #[test]
    fn description_source_keeps_what_the_description_reads() {
        for html in [
            "<h2>x</h2><p>Ein <em>kurzer</em> Text &amp; mehr.</p><p>2</p>",
            "<pre>code</pre><p>open paragraph",
            "<h2>no paragraph</h2>",
            "",
        ] {
            let kept = description_source(html);
            assert!(kept.len() <= html.len());
            assert_eq!(first_paragraph(kept), first_paragraph(html), "{html}");
        }
        assert_eq!(description_source("<h2>x</h2><p>a</p><p>b</p>"), "<p>a</p>");
    }

    #[test]
    fn first_paragraph_strips_tags() {
        assert_eq!(
            first_paragraph("<h2>x</h2><p>Ein <em>kurzer</em> Text &amp; mehr.</p><p>2</p>"),
            "Ein kurzer Text & mehr."
        );
    }

    #[test]
    fn hasher_is_stable() {
        let mut h = Hasher::new();
        h.write(b"card");
        assert_eq!(h.hex().len(), 32);
        let mut g = Hasher::new();
        g.write(b"card");
        assert_eq!(h.hex(), g.hex());
        let mut a = Hasher::new();
        a.write(b"ab");
        a.write(b"c");
        let mut b = Hasher::new();
        b.write(b"a");
        b.write(b"bc");
        assert_ne!(a.hex(), b.hex());
    }
}
