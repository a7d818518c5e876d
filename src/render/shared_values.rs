//! Small parts of page views that many pages repeat — a date in a language,
//! a tag under a language root — made into template values once per thread
//! and then shared.
//!
//! Listings show every page again (in its section, under each of its tags,
//! on its authors' pages), and `praxis build` makes a listed page's values
//! anew for each listing rather than keeping them all. A template value is
//! reference-counted: once made, the same date or tag goes into every page
//! view that has it for the cost of a count, instead of formatting the date
//! and building its map each time. Each value is a function of its key alone
//! (nothing from the site's configuration or content beyond what the key
//! holds), so the values stay right across the builds of `praxis serve`.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::Datelike;
use serde::{Serialize, Serializer};

use crate::date::Date;

/// Values one thread keeps before it starts afresh (dates and tags of a
/// large site are a few thousand).
const LIMIT: usize = 50_000;

/// The bytes that tell one shared value from another: a kind letter, then
/// each part length-prefixed, so no two lists of parts write the same key.
#[derive(Default)]
pub struct KeyBytes(Vec<u8>);

impl KeyBytes {
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.extend_from_slice(&(s.len() as u64).to_le_bytes());
        self.0.extend_from_slice(s.as_bytes());
        self
    }

    pub fn date(&mut self, d: Option<Date>) -> &mut Self {
        match d {
            None => self.0.push(0),
            Some(d) => {
                self.0.push(1);
                self.0
                    .extend_from_slice(&d.0.num_days_from_ce().to_le_bytes());
            }
        }
        self
    }
}

#[derive(Default)]
struct Made {
    values: HashMap<
        Box<[u8]>,
        tera::Value,
        std::hash::BuildHasherDefault<crate::incremental::OneShotHash>,
    >,
    key: KeyBytes,
}

thread_local! {
    static MADE: RefCell<Made> = RefCell::new(Made::default());
}

/// Serialises `view()` through this thread's value made for the key that
/// `write_key` writes, making it on first use. Into a memo key (see
/// [`crate::incremental::fingerprinting`]), and when no template value can
/// be made of it, `view()` is serialised as itself.
fn shared<S, V>(
    s: S,
    kind: u8,
    write_key: impl FnOnce(&mut KeyBytes),
    view: impl FnOnce() -> V,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    V: Serialize,
{
    if crate::incremental::fingerprinting() {
        return view().serialize(s);
    }
    // The borrow ends before the value is made: making it may make the
    // shared values inside it (a review's dates).
    let key = MADE.with(|made| {
        let made = &mut *made.borrow_mut();
        made.key.0.clear();
        made.key.0.push(kind);
        write_key(&mut made.key);
        match made.values.get(made.key.0.as_slice()) {
            Some(v) => Ok(v.clone()),
            None => Err(Box::<[u8]>::from(made.key.0.as_slice())),
        }
    });
    let key = match key {
        Ok(v) => return v.serialize(s),
        Err(key) => key,
    };
    let view = view();
    match tera::Value::try_from_serializable(&view) {
        Ok(v) => {
            MADE.with(|made| {
                let made = &mut *made.borrow_mut();
                if made.values.len() >= LIMIT {
                    made.values.clear();
                }
                made.values.insert(key, v.clone());
            });
            v.serialize(s)
        }
        // What the view itself then gives (its own error, as before).
        Err(_) => view.serialize(s),
    }
}

/// A view that is a function of the key it writes: any two views writing
/// the same key serialise alike.
pub trait SharedKey {
    /// A letter of its own per view type (`d` dates, `t` tags...).
    const KIND: u8;
    fn write_key(&self, key: &mut KeyBytes);
}

/// A view made into a template value once per thread and key.
#[derive(Debug)]
pub struct Shared<T>(pub T);

impl<T: SharedKey + Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        shared(s, T::KIND, |key| self.0.write_key(key), || &self.0)
    }
}

/// A date as templates get it: `{ iso, display }`.
#[derive(Debug, Serialize)]
pub struct DateView {
    pub iso: String,
    pub display: String,
}

impl DateView {
    pub fn new(d: Date, lang: &str) -> DateView {
        DateView {
            iso: d.iso(),
            display: d.display(lang),
        }
    }
}

/// A [`DateView`] to be: the date and the language that formats it.
#[derive(Debug, Clone, Copy)]
pub struct DateField<'a> {
    pub date: Date,
    pub lang: &'a str,
}

impl<'a> DateField<'a> {
    pub fn new(date: Date, lang: &'a str) -> DateField<'a> {
        DateField { date, lang }
    }
}

impl Serialize for DateField<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        shared(
            s,
            b'd',
            |key| {
                key.str(self.lang).date(Some(self.date));
            },
            || DateView::new(self.date, self.lang),
        )
    }
}

/// `{ name, slug, url }` of a tag: its name and the language root whose tag
/// pages it links to.
#[derive(Debug, Clone)]
pub struct TagField<'a> {
    pub name: &'a str,
    pub lang_root: std::sync::Arc<str>,
}

/// The tag as templates get it.
#[derive(Debug, Serialize)]
pub struct TagView<'a> {
    pub name: &'a str,
    pub slug: String,
    pub url: String,
}

impl<'a> TagField<'a> {
    pub fn view(&self) -> TagView<'a> {
        let slug = crate::content::slug::slugify(self.name);
        TagView {
            name: self.name,
            url: format!("{}tags/{slug}/", self.lang_root),
            slug,
        }
    }
}

impl Serialize for TagField<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        shared(
            s,
            b't',
            |key| {
                key.str(&self.lang_root).str(self.name);
            },
            || self.view(),
        )
    }
}

/// `og_locale` of a language (`de_DE`), as page views and their
/// translations carry it: made once per thread and language.
#[derive(Debug, Clone, Copy)]
pub struct OgLocale<'a>(pub &'a str);

impl Serialize for OgLocale<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        shared(
            s,
            b'l',
            |key| {
                key.str(self.0);
            },
            || crate::jsonld::og_locale(self.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template_value<T: Serialize>(v: &T) -> tera::Value {
        tera::Value::try_from_serializable(v).expect("value")
    }

    /// `v.<field>` as a template prints it.
    fn field<T: Serialize>(v: &T, name: &str) -> String {
        let mut tera = tera::Tera::default();
        tera.add_raw_template("t", &format!("{{{{ v.{name} }}}}"))
            .expect("template");
        let mut ctx = tera::Context::new();
        ctx.insert("v", v);
        tera.render("t", &ctx).expect("render")
    }

    #[test]
    fn shared_values_equal_the_views_they_stand_for() {
        let d = Date::from_ymd(2024, 3, 5).expect("date");
        for lang in ["en", "de", "fr"] {
            let made = template_value(&DateField::new(d, lang));
            assert_eq!(made, template_value(&DateView::new(d, lang)), "{lang}");
            // The second time comes from the thread's values: still the same.
            assert_eq!(made, template_value(&DateField::new(d, lang)), "{lang}");
        }
        for (name, root) in [
            ("Heart failure", "/"),
            ("Heart failure", "/de/"),
            ("Ärzte & Pflege", "/"),
        ] {
            let tag = TagField {
                name,
                lang_root: root.into(),
            };
            let made = template_value(&tag);
            assert_eq!(made, template_value(&tag.view()), "{name} {root}");
            assert_eq!(made, template_value(&tag), "{name} {root}");
        }
    }

    #[test]
    fn og_locales_equal_the_strings_they_stand_for() {
        for lang in ["de", "en", "de-AT", "pt-BR", "ja", "en"] {
            let made = template_value(&OgLocale(lang));
            assert_eq!(
                made,
                template_value(&crate::jsonld::og_locale(lang)),
                "{lang}"
            );
            assert_eq!(made, template_value(&OgLocale(lang)), "{lang}");
        }
        assert_ne!(
            template_value(&OgLocale("de")),
            template_value(&OgLocale("de-AT"))
        );
    }

    #[derive(Serialize)]
    struct Outer<'a> {
        when: DateField<'a>,
    }

    impl SharedKey for Outer<'_> {
        const KIND: u8 = b'o';
        fn write_key(&self, key: &mut KeyBytes) {
            key.str(self.when.lang).date(Some(self.when.date));
        }
    }

    #[test]
    fn a_shared_value_may_hold_shared_values() {
        let d = Date::from_ymd(2024, 3, 5).expect("date");
        let outer = Shared(Outer {
            when: DateField::new(d, "de"),
        });
        assert_eq!(field(&outer, "when.iso"), "2024-03-05");
        let display = DateView::new(d, "de").display;
        assert_eq!(field(&outer, "when.display"), display);
        assert_eq!(field(&outer, "when.display"), display);
    }

    #[test]
    fn values_of_different_keys_stay_apart() {
        let d = Date::from_ymd(2024, 3, 5).expect("date");
        let e = Date::from_ymd(2024, 3, 6).expect("date");
        assert_ne!(
            template_value(&DateField::new(d, "en")),
            template_value(&DateField::new(e, "en"))
        );
        assert_ne!(
            template_value(&DateField::new(d, "en")),
            template_value(&DateField::new(d, "de"))
        );
        let a = TagField {
            name: "asthma",
            lang_root: "/".into(),
        };
        let b = TagField {
            name: "asthma",
            lang_root: "/de/".into(),
        };
        assert_eq!(field(&a, "url"), "/tags/asthma/");
        assert_eq!(field(&b, "url"), "/de/tags/asthma/");
        assert_eq!(field(&b, "slug"), "asthma");
    }

    #[test]
    fn memo_keys_see_the_views_themselves() {
        let d = Date::from_ymd(2024, 3, 5).expect("date");
        let key = |v: &dyn Fn(&mut crate::incremental::KeyHasher)| {
            let mut k = crate::incremental::KeyHasher::new();
            v(&mut k);
            k.finish()
        };
        assert_eq!(
            key(&|k| {
                k.value(&DateField::new(d, "en"));
            }),
            key(&|k| {
                k.value(&DateView::new(d, "en"));
            })
        );
    }
}
