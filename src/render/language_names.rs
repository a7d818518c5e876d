//! A language's name in that language ("Deutsch", "Français"), as language
//! switches show it: `lang_name` of what is rendered and `name` of each of
//! its `translations`.
//!
//! Made in Rust, once per build and language, so that a template does not
//! build a table of names and look each language up on every page that has
//! translations (the clinic theme did, with a 17-entry map literal).

/// Names of the languages praxis knows by name, in themselves.
const NAMES: [(&str, &str); 17] = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("pl", "Polski"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("da", "Dansk"),
    ("sv", "Svenska"),
    ("no", "Norsk"),
    ("fi", "Suomi"),
    ("cs", "Čeština"),
    ("el", "Ελληνικά"),
];

/// The name of language `lang` in itself; a language praxis does not know
/// by name is its code in capitals (`de-AT` → `DE-AT`).
pub fn native_name(lang: &str) -> String {
    NAMES
        .iter()
        .find(|(code, _)| *code == lang)
        .map(|(_, name)| (*name).to_owned())
        .unwrap_or_else(|| lang.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_by_their_own_name() {
        assert_eq!(native_name("de"), "Deutsch");
        assert_eq!(native_name("en"), "English");
        assert_eq!(native_name("fr"), "Français");
        assert_eq!(native_name("el"), "Ελληνικά");
    }

    #[test]
    fn other_languages_by_their_code_in_capitals() {
        assert_eq!(native_name("de-AT"), "DE-AT");
        assert_eq!(native_name("ja"), "JA");
        assert_eq!(native_name(""), "");
        // A code is matched exactly: a region makes it another language.
        assert_eq!(native_name("en-GB"), "EN-GB");
    }

    /// The names equal what the clinic theme's table and `upper` filter gave.
    #[test]
    fn same_as_the_theme_table_it_replaces() {
        let table = NAMES
            .iter()
            .map(|(c, n)| format!("\"{c}\": \"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut tera = tera::Tera::default();
        tera.add_raw_template(
            "t",
            &format!(
                "{{%- set names = {{{table}}} %}}{{{{ names | get(key=lang, default=lang | upper) }}}}"
            ),
        )
        .expect("template");
        for lang in ["de", "en", "nl", "uk", "cs", "de-AT", "ja", "xx-yy"] {
            let mut ctx = tera::Context::new();
            ctx.insert("lang", lang);
            assert_eq!(
                tera.render("t", &ctx).expect("render"),
                native_name(lang),
                "{lang}"
            );
        }
    }
}
