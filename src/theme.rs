//! Themes: the built-in `clinic` theme, a site's own theme, and overrides.
//!
//! `clinic` is compiled into the binary, so a site needs no theme files. Each
//! kind of theme file is looked up in three layers, later ones winning file by
//! file: the built-in theme, `themes/NAME/` (when `theme = "NAME"`), and the
//! site itself (`templates/`, `static/`, `i18n/`). A site changes one template
//! or one UI string without copying the rest.
//!
//! This module only gathers files; it does not compile or render templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, relative_to};
use crate::source_errors::{Snippet, toml_error};

/// The name of the built-in theme.
pub const BUILTIN_THEME: &str = "clinic";

static CLINIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/clinic");

/// Where a file of the theme came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled in: the path inside the built-in theme.
    Builtin(&'static str),
    /// On disk: the path relative to the site root.
    Site(PathBuf),
}

impl Origin {
    pub fn display(&self) -> String {
        match self {
            Origin::Builtin(p) => format!("(built-in theme) themes/{BUILTIN_THEME}/{p}"),
            Origin::Site(p) => p.display().to_string(),
        }
    }
}

/// A template's source text.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
    pub origin: Origin,
}

/// A static file to copy into the output.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Builtin(&'static [u8]),
    File(PathBuf),
}

/// Everything the theme layers provide, merged.
#[derive(Debug, Default)]
pub struct ThemeFiles {
    /// By template name (`page.html`, `partials/toc.html`).
    pub templates: BTreeMap<String, TemplateSource>,
    /// By output path (`style.css`).
    pub static_files: BTreeMap<PathBuf, StaticSource>,
    /// UI strings: language → key → text.
    pub i18n: BTreeMap<String, BTreeMap<String, String>>,
    /// Where each UI string file came from, for diagnostics.
    pub i18n_origins: BTreeMap<String, Vec<Origin>>,
}

impl ThemeFiles {
    /// Gathers the three layers for `config`.
    pub fn load(config: &Config) -> Result<ThemeFiles, Diagnostics> {
        let mut out = ThemeFiles::default();
        let mut ds = Diagnostics::new();
        out.add_builtin(&config.languages, &mut ds);
        let mut layers = Vec::new();
        if let Some(name) = &config.theme_name {
            // A site may keep its own copy of `clinic` under themes/: it layers over the built-in one.
            layers.push(config.root.join("themes").join(name));
        }
        layers.push(config.root.clone());
        for dir in layers {
            out.add_dir(&dir, &config.root, &mut ds);
        }
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(out)
    }

    /// The built-in theme; of its UI strings only those that `languages`
    /// read (English, each language and its primary subtag, see
    /// [`ThemeFiles::strings_for`]): each file is parsed on every build.
    fn add_builtin(&mut self, languages: &[String], ds: &mut Diagnostics) {
        let wanted = |lang: &str| {
            lang == "en"
                || languages
                    .iter()
                    .any(|l| l == lang || l.split('-').next() == Some(lang))
        };
        for file in all_files(&CLINIC) {
            let path = file.path();
            let Some(p) = path.to_str() else { continue };
            if let Some(name) = p.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(file.contents()).into_owned();
                self.templates.insert(
                    name.to_owned(),
                    TemplateSource {
                        name: name.to_owned(),
                        text,
                        origin: Origin::Builtin(p),
                    },
                );
            } else if let Some(rel) = p.strip_prefix("static/") {
                self.static_files
                    .insert(PathBuf::from(rel), StaticSource::Builtin(file.contents()));
            } else if let Some(lang) = p
                .strip_prefix("i18n/")
                .and_then(|f| f.strip_suffix(".toml"))
                .filter(|lang| wanted(lang))
            {
                let text = String::from_utf8_lossy(file.contents());
                self.add_strings(lang, &text, Origin::Builtin(p), ds);
            }
        }
    }

    fn add_dir(&mut self, dir: &Path, root: &Path, ds: &mut Diagnostics) {
        for (sub, kind) in [("templates", 0), ("static", 1), ("i18n", 2)] {
            let base = dir.join(sub);
            if !base.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        ds.push(Diagnostic::error(
                            "io",
                            format!("cannot read {}: {e}", base.display()),
                        ));
                        continue;
                    }
                };
                if !entry.file_type().is_file()
                    || crate::content::is_ignored_name(&entry.file_name().to_string_lossy())
                {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&base) else {
                    continue;
                };
                let shown = relative_to(entry.path(), root);
                match kind {
                    0 => {
                        let name = rel
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy())
                            .collect::<Vec<_>>()
                            .join("/");
                        match std::fs::read(entry.path()).map(String::from_utf8) {
                            Ok(Ok(text)) => {
                                self.templates.insert(
                                    name.clone(),
                                    TemplateSource {
                                        name,
                                        text,
                                        origin: Origin::Site(shown),
                                    },
                                );
                            }
                            Ok(Err(_)) => ds.push(
                                Diagnostic::error("encoding", "the template is not valid UTF-8")
                                    .in_file(shown)
                                    .with_hint("save it as UTF-8"),
                            ),
                            Err(e) => ds.push(
                                Diagnostic::error("io", format!("cannot read the template: {e}"))
                                    .in_file(shown),
                            ),
                        }
                    }
                    1 => {
                        self.static_files.insert(
                            rel.to_path_buf(),
                            StaticSource::File(entry.path().to_path_buf()),
                        );
                    }
                    _ => {
                        let Some(lang) = rel.to_str().and_then(|f| f.strip_suffix(".toml")) else {
                            continue;
                        };
                        match std::fs::read_to_string(entry.path()) {
                            Ok(text) => self.add_strings(lang, &text, Origin::Site(shown), ds),
                            Err(e) => ds.push(
                                Diagnostic::error("io", format!("cannot read the strings: {e}"))
                                    .in_file(shown),
                            ),
                        }
                    }
                }
            }
        }
    }

    fn add_strings(&mut self, lang: &str, text: &str, origin: Origin, ds: &mut Diagnostics) {
        let file = PathBuf::from(origin.display());
        match toml::from_str::<BTreeMap<String, String>>(text) {
            Ok(map) => {
                self.i18n.entry(lang.to_owned()).or_default().extend(map);
                self.i18n_origins
                    .entry(lang.to_owned())
                    .or_default()
                    .push(origin);
            }
            Err(e) => ds.push(toml_error(
                &e,
                "i18n",
                &file,
                Snippet {
                    file_text: text,
                    offset: 0,
                },
            )),
        }
    }

    /// The UI strings for `lang`: English first, then the language's own on top.
    pub fn strings_for(&self, lang: &str) -> BTreeMap<String, String> {
        let mut out = self.i18n.get("en").cloned().unwrap_or_default();
        let primary = lang.split('-').next().unwrap_or(lang);
        for l in [primary, lang] {
            if l != "en"
                && let Some(m) = self.i18n.get(l)
            {
                out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        out
    }
}

/// A file of the built-in theme by its path inside it (`fonts/Inter-Regular.otf`).
pub fn builtin_file(path: &str) -> Option<&'static [u8]> {
    CLINIC.get_file(path).map(|f| f.contents())
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_theme_has_the_core_templates_and_strings() {
        let mut t = ThemeFiles::default();
        let mut ds = Diagnostics::new();
        t.add_builtin(&["de".to_owned()], &mut ds);
        assert!(ds.is_empty(), "{ds:?}");
        for name in [
            "base.html",
            "page.html",
            "section.html",
            "index.html",
            "404.html",
        ] {
            assert!(t.templates.contains_key(name), "missing {name}");
        }
        assert!(t.static_files.contains_key(Path::new("style.css")));
        let de = t.strings_for("de");
        let en = t.strings_for("en");
        assert_eq!(de.len(), en.len());
        assert_ne!(de.get("last_reviewed"), en.get("last_reviewed"));
    }

    #[test]
    fn builtin_strings_are_read_for_the_sites_languages_only() {
        let mut t = ThemeFiles::default();
        let mut ds = Diagnostics::new();
        t.add_builtin(&["de-AT".to_owned()], &mut ds);
        assert!(ds.is_empty(), "{ds:?}");
        let read: Vec<&str> = t.i18n.keys().map(String::as_str).collect();
        assert_eq!(read, ["de", "en"]);
        let de_at = t.strings_for("de-AT");
        assert_ne!(
            de_at.get("last_reviewed"),
            t.strings_for("en").get("last_reviewed")
        );
    }
}
