//! Slugs for URLs and ids for headings.
//!
//! URL slugs are ASCII (`Rückenschmerzen` → `rueckenschmerzen`), so links survive
//! every chat app and mail client. German umlauts and ß are transliterated the
//! German way; other letters go through `deunicode`. Heading ids stay Unicode
//! (`Zielwerte für HbA1c` → `zielwerte-für-hba1c`), as GitHub and Pandoc make
//! them: a fragment is never sent to a server and reads better in the address bar.

/// An ASCII URL slug: lowercase letters, digits and single dashes.
pub fn slugify(s: &str) -> String {
    let mut german = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ä' => german.push_str("ae"),
            'ö' => german.push_str("oe"),
            'ü' => german.push_str("ue"),
            'Ä' => german.push_str("Ae"),
            'Ö' => german.push_str("Oe"),
            'Ü' => german.push_str("Ue"),
            'ß' => german.push_str("ss"),
            _ => german.push(c),
        }
    }
    dash_join(deunicode::deunicode(&german).chars(), |c| {
        c.is_ascii_alphanumeric()
    })
}

/// A heading id: lowercase, letters and digits of any script kept, spaces to dashes,
/// punctuation dropped.
pub fn heading_id(s: &str) -> String {
    let id = dash_join(s.chars(), |c| c.is_alphanumeric() || c == '_');
    if id.is_empty() {
        "section".to_owned()
    } else {
        id
    }
}

fn dash_join(chars: impl Iterator<Item = char>, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in chars {
        if keep(c) {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if c.is_whitespace() || c == '-' || c == '/' || c == '.' {
            pending_dash = true;
        }
    }
    out
}

/// Makes ids unique within one page: `a`, `a-1`, `a-2`…
#[derive(Debug, Default)]
pub struct UniqueIds {
    seen: std::collections::HashSet<String>,
}

impl UniqueIds {
    pub fn claim(&mut self, id: String) -> String {
        if self.seen.insert(id.clone()) {
            return id;
        }
        let mut n = 1;
        loop {
            let candidate = format!("{id}-{n}");
            if self.seen.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_slugs_are_ascii_and_german_aware() {
        assert_eq!(slugify("Rückenschmerzen"), "rueckenschmerzen");
        assert_eq!(slugify("Straße & Größe"), "strasse-groesse");
        assert_eq!(slugify("HbA1c: what it means"), "hba1c-what-it-means");
        assert_eq!(slugify("Café crème"), "cafe-creme");
        assert_eq!(slugify("  --a--b--  "), "a-b");
    }

    #[test]
    fn heading_ids_keep_unicode_letters() {
        assert_eq!(heading_id("Zielwerte für HbA1c"), "zielwerte-für-hba1c");
        assert_eq!(heading_id("What is HbA1c?"), "what-is-hba1c");
        assert_eq!(heading_id("Dosis: 5–10 mg"), "dosis-510-mg");
        assert_eq!(heading_id("???"), "section");
    }

    #[test]
    fn duplicate_ids_get_numbers() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("a".into()), "a");
        assert_eq!(ids.claim("a".into()), "a-1");
        assert_eq!(ids.claim("a".into()), "a-2");
        assert_eq!(ids.claim("a-1".into()), "a-1-1");
    }
}
