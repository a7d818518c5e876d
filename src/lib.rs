//! praxis: a static-site generator for clinician education blogs.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! praxis.toml ──> config::Config            (raw serde → validated types)
//! content/    ──> content::load ──> Site    (discover, front matter, sections, pages, URLs)
//!                 render::render_markdown   (markdown passes: headings, @/ links, code; parallel)
//! themes/     ──> theme::ThemeFiles         (built-in clinic < themes/NAME < site overrides)
//!                 render::Renderer          (Tera templates, per-page contexts; parallel)
//!                 build::emit ──> Output    (pages, sections, static files, bundle assets;
//!                                            `praxis build` renders each page's Markdown in
//!                                            its page job and writes the page at once)
//!                 cards::generate           (share-card PNGs: card.svg → resvg; cached; parallel)
//!                 output::Staging           (temp folder, then swap into public/)
//! ```
//!
//! `praxis social` stops after Markdown: [`social::kits`] composes a post per
//! platform from the loaded site, and nothing is written.
//!
//! Every stage reports problems as [`diagnostics::Diagnostic`]s with file, line
//! and column; [`build::build`] collects them and stops between stages once
//! there are errors. `src/main.rs` is a thin shell over [`cli`].

// Diagnostics are plain data returned on the cold path; boxing them would only
// add noise at every call site.
#![allow(clippy::result_large_err)]
#![forbid(unsafe_code)]

pub mod build;
pub mod cache_identity;
pub mod cards;
pub mod check;
pub mod citations;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod decimal;
pub mod diagnostics;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod incremental;
pub mod jsonld;
pub mod legal;
pub mod markdown;
pub mod minify;
pub mod output;
pub mod outputs;
pub mod render;
pub mod review;
pub mod serve;
pub mod social;
pub mod source_errors;
pub mod theme;
