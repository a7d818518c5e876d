//! The build pipeline: load → assemble → render → emit → write.
//!
//! [`build`] runs every stage in memory and returns the [`Output`] plus all
//! diagnostics; [`build_to_disk`] then writes it atomically. Stages collect
//! diagnostics instead of stopping at the first, so one run reports every
//! broken file; the build stops between stages once there are errors, since
//! later stages would only report follow-on noise.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, LoadOptions, Site};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Content, Output, WriteError, write_atomic};
use crate::render::{self, Renderer, views::RenderedContent};
use crate::theme::{StaticSource, ThemeFiles};

/// What a build should do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` in the site root.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// The day review dates are judged against (injected for tests).
    pub today: Date,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output_dir: None,
            base_url: None,
            drafts: false,
            today: Date::today(),
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the site's files: exit code 1.
    #[error("the site has {} error(s)", .0.error_count())]
    Content(Diagnostics),
    /// Writing the output failed: exit code 3.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
}

/// A site built in memory.
#[derive(Debug)]
pub struct Built {
    pub output: Output,
    /// Warnings (errors make the build fail instead).
    pub diagnostics: Diagnostics,
    pub stats: Stats,
}

fn fail(mut ds: Diagnostics) -> BuildError {
    ds.sort();
    BuildError::Content(ds)
}

fn stop_on_errors(ds: Diagnostics) -> Result<Diagnostics, BuildError> {
    if ds.has_errors() {
        Err(fail(ds))
    } else {
        Ok(ds)
    }
}

/// Builds the site in memory.
pub fn build(opts: &BuildOptions) -> Result<Built, BuildError> {
    let mut config = Config::load(&opts.root).map_err(BuildError::Content)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url).map_err(|d| {
            let mut ds = Diagnostics::new();
            ds.push(
                d.with_hint("pass --base-url like https://example.org/ or http://127.0.0.1:8000/"),
            );
            BuildError::Content(ds)
        })?;
    }
    let mut ds = Diagnostics::new();
    let theme = ThemeFiles::load(&config);
    let loaded = content::load(
        config,
        LoadOptions {
            drafts: opts.drafts,
            today: opts.today,
        },
    );
    let (site, theme) = match (loaded, theme) {
        (Ok((site, load_ds)), Ok(theme)) => {
            ds.extend(load_ds);
            (site, theme)
        }
        (loaded, theme) => {
            ds.extend(loaded.err().unwrap_or_default());
            ds.extend(theme.err().unwrap_or_default());
            return Err(fail(ds));
        }
    };

    let md = render::render_markdown(&site, &mut ds);
    let renderer = match Renderer::new(&site, &theme, md.has_highlighted_code) {
        Ok(r) => Some(r),
        Err(e) => {
            ds.extend(e);
            None
        }
    };
    let mut ds = stop_on_errors(ds)?;
    let Some(renderer) = renderer else {
        return Err(fail(ds));
    };
    let output = emit(&site, &theme, &renderer, &md, &mut ds);
    let mut ds = stop_on_errors(ds)?;
    ds.sort();
    let stats = Stats {
        pages: site.pages.len(),
        sections: site.sections.len(),
        files: output.len(),
    };
    Ok(Built {
        output,
        diagnostics: ds,
        stats,
    })
}

/// Renders every template and gathers every file of the output.
fn emit(
    site: &Site,
    theme: &ThemeFiles,
    renderer: &Renderer,
    md: &render::MarkdownOutput,
    ds: &mut Diagnostics,
) -> Output {
    let content = RenderedContent {
        pages: &md.pages,
        sections: &md.sections,
    };
    let mut output = Output::default();

    let pages: Vec<Result<(PathBuf, String), Diagnostic>> = site
        .pages
        .par_iter()
        .map(|p| {
            renderer
                .render_page(site, &content, p.id)
                .map(|html| (p.output.clone(), html))
        })
        .collect();
    let sections: Vec<Result<(PathBuf, String), Diagnostic>> = site
        .sections
        .par_iter()
        .map(|s| {
            renderer
                .render_section(site, &content, s.id)
                .map(|html| (s.output.clone(), html))
        })
        .collect();
    for r in pages.into_iter().chain(sections) {
        match r {
            Ok((path, html)) => output.add(path, Content::Text(html)),
            Err(d) => ds.push(d),
        }
    }
    match renderer.render_404(site) {
        Ok(html) => output.add("404.html", Content::Text(html)),
        Err(d) => ds.push(d),
    }

    for (rel, src) in &theme.static_files {
        let c = match src {
            StaticSource::Builtin(b) => Content::Static(b),
            StaticSource::File(p) => Content::Copy(p.clone()),
        };
        output.add(rel.clone(), c);
    }
    if md.has_highlighted_code {
        let name = &site.config.markdown.highlight_theme;
        match crate::markdown::highlight::stylesheet(name) {
            Some(css) => output.add("syntax.css", Content::Text(css)),
            None => ds.push(
                Diagnostic::error("config", format!("unknown highlight theme `{name}`"))
                    .in_file(crate::config::CONFIG_FILE)
                    .with_hint(format!(
                        "use one of: {}",
                        crate::markdown::highlight::THEMES.join(", ")
                    )),
            ),
        }
    }
    for a in site
        .assets
        .iter()
        .chain(site.pages.iter().flat_map(|p| p.assets.iter()))
    {
        output.add(a.output.clone(), Content::Copy(a.source.clone()));
    }
    output
}

/// Builds and writes the site; returns the build (for its warnings and stats).
pub fn build_to_disk(opts: &BuildOptions) -> Result<Built, BuildError> {
    let built = build(opts)?;
    write_atomic(&built.output, &opts.output_dir())?;
    Ok(built)
}

/// True when `path` looks like a site root.
pub fn is_site_root(path: &Path) -> bool {
    path.join(crate::config::CONFIG_FILE).is_file()
}
