//! Reading bibliographies: BibTeX/BibLaTeX, CSL-JSON, RIS and PubMed MEDLINE.
//!
//! Every format ends up as hayagriva entries, so one citation engine formats
//! them all. BibLaTeX goes through hayagriva's own reader; CSL-JSON, RIS and
//! MEDLINE records are mapped onto hayagriva's data model (its YAML shape)
//! field by field. Errors carry the file, line and column.

use std::path::Path;

use hayagriva::{Entry, Library};
use serde_json::{Map, Value, json};

use crate::diagnostics::{Diagnostic, line_col};

/// The entries of one file, with the line each key is defined on.
pub struct Loaded {
    pub entries: Vec<(Entry, usize)>,
    /// For BibLaTeX entries in English: the entry as English pages show it
    /// (sentence-cased titles, localised thesis types), by key.
    pub english: Vec<(String, Entry)>,
}

/// Reads `text` from `file` according to its ending.
pub fn load(text: &str, file: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "bib" | "bibtex" | "biblatex" => bibtex(text, file),
        "json" => csl_json(text, file),
        "ris" => records(text, file, Format::Ris),
        "nbib" | "medline" | "txt" => records(text, file, Format::Medline),
        _ => Err(vec![
            Diagnostic::error(
                "bibliography",
                format!("praxis cannot read bibliographies of type `.{ext}`"),
            )
            .in_file(file)
            .with_hint(
                "use .bib (BibTeX/BibLaTeX), .json (CSL-JSON), .ris (RIS) or .nbib (PubMed)",
            ),
        ]),
    }
}

fn at(file: &Path, text: &str, offset: usize, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error("bibliography", message)
        .in_file(file)
        .at_offset(text, offset)
        .with_hint(hint)
}

/// The line on which `key` is defined, found by its `{key,` in BibTeX.
fn bib_key_line(text: &str, key: &str) -> usize {
    let needle = format!("{{{key},");
    text.find(&needle)
        .or_else(|| text.find(&format!("{{{key}")))
        .map_or(0, |o| line_col(text, o).0)
}

/// The line of every `@type{key,` in a BibTeX file, in one pass (looking
/// each key up from the top was quadratic in the file's size).
fn bib_key_lines(text: &str) -> std::collections::HashMap<&str, usize> {
    let mut lines = std::collections::HashMap::new();
    for (n, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices('@') {
            let rest = &line[at + 1..];
            let kind = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let Some(after) = rest[kind..].trim_start().strip_prefix(['{', '(']) else {
                continue;
            };
            let key = after.split([',', '}', ')']).next().unwrap_or("").trim();
            if kind > 0 && !key.is_empty() {
                lines.entry(key).or_insert(n + 1);
            }
        }
    }
    lines
}

fn bibtex(text: &str, file: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let raw = biblatex::Bibliography::parse(text).map_err(|p| {
        let hint = match &p.kind {
            k if k.to_string().contains("duplicate") => "each entry needs its own key",
            _ => "check the entry around here: a missing comma between fields, an unclosed brace or quote, or an empty key",
        };
        vec![at(file, text, p.span.start, format!("cannot read the BibTeX: {}", p.kind), hint)]
    })?;
    if let Some(empty) = raw.iter().find(|e| e.key.trim().is_empty()) {
        let offset = text.find("{,").unwrap_or(0);
        return Err(vec![at(
            file,
            text,
            offset,
            format!("a @{} entry has no key", empty.entry_type),
            "write a key after the brace, e.g. @article{smith2020, …",
        )]);
    }
    let key_lines = bib_key_lines(text);
    // Each entry is converted and tidied on its own, so the entries are
    // spread over the cores (in their order: the results and any errors come
    // back as a sequential pass gives them).
    use rayon::prelude::*;
    let raw_entries: Vec<&biblatex::Entry> = raw.iter().collect();
    let converted: Vec<Result<Finished, biblatex::TypeError>> = raw_entries
        .par_iter()
        .with_min_len(16)
        .map(|r| {
            let e = Entry::try_from(*r)?;
            Ok(finish_bibtex_entry(e, r, text, &key_lines))
        })
        .collect();
    let errors: Vec<Diagnostic> = converted
        .iter()
        .filter_map(|c| c.as_ref().err())
        .map(|t| {
            at(
                file,
                text,
                t.span.start,
                format!("a BibTeX field has an unusable value: {}", t.kind),
                "dates are YYYY or YYYY-MM-DD; page ranges like 12--19",
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut english = Vec::new();
    let entries = converted
        .into_iter()
        .flatten()
        .map(|(e, en, line)| {
            if let Some(en) = en {
                english.push((en.key().to_owned(), en));
            }
            (e, line)
        })
        .collect();
    Ok(Loaded { entries, english })
}

/// An entry as [`finish_bibtex_entry`] gives it: the entry, its English form
/// and the line of its key.
type Finished = (Entry, Option<Entry>, usize);

/// Tidies one entry hayagriva converted from the BibTeX entry `r`; gives it,
/// its English form (if it has one) and the line its key is defined on.
fn finish_bibtex_entry(
    mut e: Entry,
    r: &biblatex::Entry,
    text: &str,
    key_lines: &std::collections::HashMap<&str, usize>,
) -> Finished {
    use biblatex::ChunksExt;
    let mut english = None;
    mark_truncated_authors(&mut e);
    smarten_names(&mut e);
    // PubMed and Zotero exports write `pmid` and `pmcid` fields, which
    // the BibLaTeX data model has no place for: keep them.
    {
        for field in ["pmid", "pmcid"] {
            if let Some(v) = r.fields.get(field) {
                e.set_keyed_serial_number(field, v.format_verbatim().trim().to_owned());
            }
        }
        // Report and issue numbers are identifiers, not arithmetic:
        // keep "053-002" (an AWMF register number) and issue "5-6"
        // as written.
        if let Some(num) = r.fields.get("number").map(|v| v.format_verbatim()) {
            let num = num.trim().to_owned();
            if e.keyed_serial_number("serial").is_some() {
                // The engine reads "053-002" as the range 53–2 even
                // from a string; a non-breaking hyphen (U+2011) keeps
                // it an identifier, and the formatted text gets the
                // hyphen back (see `tidy`).
                e.set_keyed_serial_number("serial", num.replace('-', super::tidy::NUMBER_HYPHEN));
            } else if !num.chars().all(|c| c.is_ascii_digit()) {
                set_issue_text(&mut e, &num);
            }
            if let Some((kind, id)) = super::guideline_id(&num) {
                e.set_keyed_serial_number(kind, id);
            }
        }
        // `shortjournal` is the abbreviation medical styles print (N Engl J Med).
        if let Some(short) = r.fields.get("shortjournal") {
            set_short_container(&mut e, short.format_verbatim().trim());
        }
        publisher_from_organization(&mut e);
        let parts = TitleParts::of(&e, r);
        parts.apply(&mut e, false);
        if is_english(&e) {
            let mut en = e.clone();
            parts.apply(&mut en, true);
            localise_genre_en(&mut en);
            english = Some(en);
        }
    }
    let line = key_lines
        .get(e.key())
        .copied()
        .unwrap_or_else(|| bib_key_line(text, e.key()));
    (e, english, line)
}

/// An issue like "5-6" as text: on the journal for articles, else on the entry.
fn set_issue_text(e: &mut Entry, num: &str) {
    let issue = hayagriva::types::MaybeTyped::String(num.to_owned());
    let mut parents = e.parents().to_vec();
    match parents.first_mut() {
        Some(p) if p.issue().is_some() => {
            p.set_issue(issue);
            e.set_parents(parents);
        }
        _ if e.issue().is_some() => e.set_issue(issue),
        _ => {}
    }
}

/// Whether Pandoc treats the entry as English: `langid` english, british,
/// american…, or none at all.
fn is_english(e: &Entry) -> bool {
    e.language().is_none_or(|l| l.language.as_str() == "en")
}

/// BibLaTeX's localisation keys for thesis types, as Pandoc prints them on
/// English pages (other pages show the key as written, as Pandoc does).
fn localise_genre_en(e: &mut Entry) {
    let genre = e.genre().map(|g| g.value.to_str().into_owned());
    let name = match genre.as_deref() {
        Some("phdthesis") => "PhD thesis",
        Some("mathesis") => "Master’s thesis",
        _ => return,
    };
    e.set_genre(hayagriva::types::FormatString::with_value(name));
}

/// Theses, reports and web pages name their publisher in `institution` or
/// `organization` (a university, the WHO, medRxiv); Pandoc prints it as the
/// publisher, so it goes there when there is no `publisher`.
fn publisher_from_organization(e: &mut Entry) {
    let Some(org) = e.organization().cloned() else {
        return;
    };
    if e.publisher().and_then(|p| p.name()).is_some() {
        return;
    }
    let location = e.publisher().and_then(|p| p.location()).cloned();
    e.set_publisher(hayagriva::types::Publisher::new(Some(org), location));
}

/// `'` as ’ in names and publisher (Pandoc reads BibTeX with smart quotes).
fn smarten_names(e: &mut Entry) {
    use super::casing::smart_apostrophes;
    let fix = |people: &[hayagriva::types::Person]| -> Option<Vec<hayagriva::types::Person>> {
        let mut changed = false;
        let out = people
            .iter()
            .cloned()
            .map(|mut p| {
                for part in [Some(&mut p.name), p.given_name.as_mut(), p.prefix.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    if let Some(v) = smart_apostrophes(part) {
                        *part = v;
                        changed = true;
                    }
                }
                p
            })
            .collect();
        changed.then_some(out)
    };
    if let Some(a) = e.authors().and_then(fix) {
        e.set_authors(a);
    }
    if let Some(ed) = e.editors().and_then(fix) {
        e.set_editors(ed);
    }
    if let Some(p) = e.publisher().cloned() {
        let mut name = p.name().cloned();
        if let Some(n) = name.as_mut() {
            super::casing::smart_chunks(&mut n.value);
        }
        e.set_publisher(hayagriva::types::Publisher::new(
            name,
            p.location().cloned(),
        ));
    }
}

/// The parts of an entry's title as BibLaTeX has them.
struct TitleParts {
    title: Option<hayagriva::types::FormatString>,
    subtitle: hayagriva::types::ChunkedString,
    addon: hayagriva::types::ChunkedString,
}

impl TitleParts {
    fn of(e: &Entry, r: &biblatex::Entry) -> TitleParts {
        let field = |name: &str| {
            r.get(name)
                .map(hayagriva::types::ChunkedString::from)
                .unwrap_or_default()
        };
        TitleParts {
            title: e.title().cloned(),
            subtitle: field("subtitle"),
            addon: field("titleaddon"),
        }
    }

    /// Sets the title as "title: subtitle. addon" (as Pandoc joins them),
    /// sentence-cased for English pages, and tidies the parents' titles.
    fn apply(&self, e: &mut Entry, english: bool) {
        use super::casing::{join, sentence_case, smart_chunks};
        let prepare = |s: &hayagriva::types::ChunkedString| {
            let mut s = s.clone();
            smart_chunks(&mut s);
            if english { sentence_case(&s) } else { s }
        };
        if let Some(t) = &self.title {
            let main = prepare(&t.value);
            let full = join(
                &join(&main, ": ", &prepare(&self.subtitle)),
                ". ",
                &prepare(&self.addon),
            );
            e.set_title(hayagriva::types::FormatString {
                value: full,
                short: t.short.clone(),
            });
        }
        let mut parents = e.parents().to_vec();
        let mut changed = false;
        for p in &mut parents {
            let Some(t) = p.title().cloned() else {
                continue;
            };
            // Pandoc sentence-cases book titles, not journal names.
            let periodical = matches!(
                p.entry_type(),
                hayagriva::types::EntryType::Periodical | hayagriva::types::EntryType::Newspaper
            );
            let mut value = t.value.clone();
            smart_chunks(&mut value);
            if english && !periodical {
                value = sentence_case(&value);
            }
            p.set_title(hayagriva::types::FormatString {
                value,
                short: t.short.clone(),
            });
            changed = true;
        }
        if changed {
            e.set_parents(parents);
        }
    }
}

/// BibTeX's `and others` becomes a person called "others"; show it as the
/// "et al." it means (as Pandoc does) rather than as a name.
fn mark_truncated_authors(e: &mut Entry) {
    let Some(authors) = e.authors() else { return };
    if authors
        .iter()
        .any(|p| p.name == "others" && p.given_name.is_none())
    {
        let authors = authors
            .iter()
            .cloned()
            .map(|mut p| {
                if p.name == "others" && p.given_name.is_none() {
                    p.name = "et al.".into();
                }
                p
            })
            .collect();
        e.set_authors(authors);
    }
}

/// Gives the entry's journal (its first parent's title) a short form.
fn set_short_container(e: &mut Entry, short: &str) {
    let mut parents = e.parents().to_vec();
    if let Some(title) = parents.first().and_then(|p| p.title()).cloned() {
        let mut title = title;
        title.short = Some(Box::new(hayagriva::types::ChunkedString::from(
            short.to_owned(),
        )));
        parents[0].set_title(title);
        e.set_parents(parents);
    }
}

/// Maps a CSL-JSON name object (`family`, `given`, or `literal`) to hayagriva's form.
fn csl_name(v: &Value) -> Option<Value> {
    if let Some(l) = v.get("literal").and_then(Value::as_str) {
        return Some(json!({ "name": l }));
    }
    let family = v.get("family").and_then(Value::as_str)?;
    let mut m = Map::new();
    m.insert("name".into(), family.into());
    if let Some(g) = v.get("given").and_then(Value::as_str) {
        m.insert("given-name".into(), g.into());
    }
    if let Some(p) = v.get("non-dropping-particle").and_then(Value::as_str) {
        m.insert("prefix".into(), p.into());
    }
    Some(Value::Object(m))
}

/// CSL-JSON `{"date-parts": [[2020, 3, 1]]}` → `2020-03-01`. Ranges keep their start.
fn csl_date(v: &Value) -> Option<String> {
    let parts = v.get("date-parts")?.get(0)?.as_array()?;
    let num = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.as_i64().or_else(|| p.as_str()?.parse().ok()))
    };
    let y = num(0)?;
    Some(match (num(1), num(2)) {
        (Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            format!("{y:04}-{m:02}-{d:02}")
        }
        (Some(m), _) if (1..=12).contains(&m) => format!("{y:04}-{m:02}"),
        _ => format!("{y:04}"),
    })
}

/// The fields every mapped record may have.
#[derive(Default)]
struct Record {
    key: String,
    kind: &'static str,
    title: Option<String>,
    authors: Vec<Value>,
    editors: Vec<Value>,
    date: Option<String>,
    container: Option<String>,
    container_kind: &'static str,
    volume: Option<String>,
    issue: Option<String>,
    pages: Option<String>,
    publisher: Option<String>,
    location: Option<String>,
    edition: Option<String>,
    doi: Option<String>,
    pmid: Option<String>,
    pmcid: Option<String>,
    url: Option<String>,
    accessed: Option<String>,
    language: Option<String>,
    number: Option<String>,
}

impl Record {
    fn into_entry(self) -> Result<Entry, String> {
        let mut m = Map::new();
        m.insert("type".into(), self.kind.into());
        let put = |m: &mut Map<String, Value>, k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                m.insert(k.into(), v.into());
            }
        };
        put(&mut m, "title", self.title);
        put(&mut m, "date", self.date);
        put(&mut m, "page-range", self.pages);
        put(&mut m, "publisher", self.publisher);
        put(&mut m, "location", self.location);
        put(&mut m, "edition", self.edition);
        put(&mut m, "language", self.language);
        put(&mut m, "number", self.number);
        if !self.authors.is_empty() {
            m.insert("author".into(), Value::Array(self.authors));
        }
        if !self.editors.is_empty() {
            m.insert("editor".into(), Value::Array(self.editors));
        }
        let mut serial = Map::new();
        put(&mut serial, "doi", self.doi);
        put(&mut serial, "pmid", self.pmid);
        put(&mut serial, "pmcid", self.pmcid);
        if !serial.is_empty() {
            m.insert("serial-number".into(), Value::Object(serial));
        }
        if let Some(u) = self.url {
            let mut url = Map::new();
            url.insert("value".into(), u.into());
            put(&mut url, "date", self.accessed);
            m.insert("url".into(), Value::Object(url));
        }
        let mut parent = Map::new();
        put(&mut parent, "title", self.container);
        put(&mut parent, "volume", self.volume);
        put(&mut parent, "issue", self.issue);
        if !parent.is_empty() {
            parent.insert("type".into(), self.container_kind.into());
            m.insert("parent".into(), Value::Object(parent));
        }
        let mut lib = Map::new();
        lib.insert(self.key.clone(), Value::Object(m));
        let lib: Library = serde_json::from_value(Value::Object(lib)).map_err(|e| e.to_string())?;
        lib.into_iter()
            .next()
            .ok_or_else(|| "empty entry".to_owned())
    }
}

fn csl_kind(t: &str) -> (&'static str, &'static str) {
    match t {
        "article-journal" | "article" | "review" => ("Article", "Periodical"),
        "article-newspaper" => ("Article", "Newspaper"),
        "article-magazine" => ("Article", "Periodical"),
        "book" => ("Book", "Book"),
        "chapter" => ("Chapter", "Book"),
        "paper-conference" => ("Article", "Proceedings"),
        "thesis" => ("Thesis", "Book"),
        "report" => ("Report", "Book"),
        "webpage" | "post" | "post-weblog" => ("Web", "Web"),
        _ => ("Misc", "Book"),
    }
}

fn csl_json(text: &str, file: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let offset = line_offset(text, e.line(), e.column());
        vec![at(
            file,
            text,
            offset,
            format!("cannot read the CSL-JSON: {e}"),
            "the file must be a JSON array of CSL items, as Zotero exports it",
        )]
    })?;
    let items = match value {
        Value::Array(a) => a,
        Value::Object(o) if o.contains_key("items") => o
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => {
            return Err(vec![at(
                file,
                text,
                0,
                "the CSL-JSON is not a list of items".into(),
                "export \"CSL JSON\" from Zotero or PubMed",
            )]);
        }
    };
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        let s = |k: &str| {
            item.get(k).and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
        };
        let Some(key) = s("id") else {
            errors.push(at(
                file,
                text,
                0,
                "a CSL-JSON item has no `id`".into(),
                "every item needs an \"id\", which is its citation key",
            ));
            continue;
        };
        let (kind, container_kind) = csl_kind(&s("type").unwrap_or_default());
        let names = |k: &str| {
            item.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(csl_name).collect())
                .unwrap_or_default()
        };
        let rec = Record {
            key: key.clone(),
            kind,
            title: s("title"),
            authors: names("author"),
            editors: names("editor"),
            date: item.get("issued").and_then(csl_date),
            container: s("container-title"),
            container_kind,
            volume: s("volume"),
            issue: s("issue"),
            pages: s("page"),
            publisher: s("publisher"),
            location: s("publisher-place"),
            edition: s("edition"),
            doi: s("DOI"),
            pmid: s("PMID"),
            pmcid: s("PMCID"),
            url: s("URL"),
            accessed: item.get("accessed").and_then(csl_date),
            language: s("language"),
            number: s("number"),
        };
        let line = text
            .find(&format!("\"{key}\""))
            .map_or(0, |o| line_col(text, o).0);
        match rec.into_entry() {
            Ok(e) => entries.push((e, line)),
            Err(msg) => errors.push(at(
                file,
                text,
                text.find(&format!("\"{key}\"")).unwrap_or(0),
                format!("entry `{key}` cannot be used: {msg}"),
                "check its dates and names",
            )),
        }
    }
    if errors.is_empty() {
        Ok(Loaded {
            entries,
            english: Vec::new(),
        })
    } else {
        Err(errors)
    }
}

fn line_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[derive(Clone, Copy)]
enum Format {
    Ris,
    Medline,
}

/// A readable key for a record without one: `mcmurray2019`, then `mcmurray2019b`…
fn make_key(c: &biblib::Citation, taken: &mut std::collections::HashSet<String>) -> String {
    let author = c
        .authors
        .first()
        .map(|a| crate::content::slug::slugify(&a.name).replace('-', ""))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "anon".into());
    let year = c
        .date
        .as_ref()
        .map(|d| d.year.to_string())
        .unwrap_or_default();
    let base = format!("{author}{year}");
    let mut key = base.clone();
    let mut suffix = b'b';
    while !taken.insert(key.clone()) {
        key = format!("{base}{}", suffix as char);
        suffix = suffix.saturating_add(1);
    }
    key
}

fn records(text: &str, file: &Path, format: Format) -> Result<Loaded, Vec<Diagnostic>> {
    use biblib::CitationParser;
    let parsed = match format {
        Format::Ris => biblib::RisParser::new().parse(text),
        Format::Medline => biblib::PubMedParser::new().parse(text),
    };
    let citations = parsed.map_err(|e| {
        let offset = e
            .span
            .as_ref()
            .map(|s| s.start)
            .or_else(|| e.line.map(|l| line_offset(text, l, e.column.unwrap_or(1))))
            .unwrap_or(0);
        let what = match format {
            Format::Ris => "RIS",
            Format::Medline => "PubMed (MEDLINE)",
        };
        vec![at(
            file,
            text,
            offset,
            format!("cannot read the {what} file: {}", e.error),
            "export the file again from PubMed, Zotero or your reference manager",
        )]
    })?;
    if citations.is_empty() && !text.trim().is_empty() {
        let (what, start) = match format {
            Format::Ris => ("RIS", "`TY  - JOUR`"),
            Format::Medline => ("PubMed (MEDLINE)", "`PMID- 12345678`"),
        };
        let offset = text.len() - text.trim_start().len();
        return Err(vec![at(
            file,
            text,
            offset,
            format!("the file has text but no {what} record"),
            &format!(
                "each record starts with a line like {start}; export the file again from PubMed, Zotero or your reference manager"
            ),
        )]);
    }
    let mut taken = std::collections::HashSet::new();
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for c in citations {
        let key = make_key(&c, &mut taken);
        let kind = c
            .citation_type
            .first()
            .map(|t| t.to_uppercase())
            .unwrap_or_default();
        let (kind, container_kind) = match kind.as_str() {
            "BOOK" => ("Book", "Book"),
            "CHAP" => ("Chapter", "Book"),
            "ELEC" | "WEB" => ("Web", "Web"),
            "RPRT" => ("Report", "Book"),
            "THES" => ("Thesis", "Book"),
            _ => ("Article", "Periodical"),
        };
        let authors = c
            .authors
            .iter()
            .map(|a| {
                let given = [a.given_name.as_deref(), a.middle_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                if given.is_empty() {
                    json!({ "name": a.name })
                } else {
                    json!({ "name": a.name, "given-name": given })
                }
            })
            .collect();
        let date = c.date.as_ref().map(|d| match (d.month, d.day) {
            (Some(m), Some(day)) => format!("{:04}-{m:02}-{day:02}", d.year),
            (Some(m), None) => format!("{:04}-{m:02}", d.year),
            _ => format!("{:04}", d.year),
        });
        let rec = Record {
            key: key.clone(),
            kind,
            title: Some(c.title.clone()),
            authors,
            date,
            container: c.journal.clone().or_else(|| c.journal_abbr.clone()),
            container_kind,
            volume: c.volume.clone(),
            issue: c.issue.clone(),
            pages: c.pages.clone(),
            publisher: c.publisher.clone(),
            doi: c.doi.clone(),
            pmid: c.pmid.clone(),
            pmcid: c.pmc_id.clone(),
            url: c.urls.first().cloned(),
            language: c.language.clone(),
            ..Record::default()
        };
        let anchor = c.pmid.as_deref().or(c.doi.as_deref()).unwrap_or(&c.title);
        let offset = text.find(anchor).unwrap_or(0);
        match rec.into_entry() {
            Ok(e) => entries.push((e, line_col(text, offset).0)),
            Err(msg) => errors.push(at(
                file,
                text,
                offset,
                format!("a record cannot be used: {msg}"),
                "check its dates and names",
            )),
        }
    }
    if errors.is_empty() {
        Ok(Loaded {
            entries,
            english: Vec::new(),
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_in_one_pass_match_the_search() {
        let text = "% refs\n@article{smith2020,\n  title = {A}\n}\n\n@Book( doe:2019 ,\n title={B})\n@misc {x-1}\n";
        let lines = bib_key_lines(text);
        assert_eq!(lines.get("smith2020"), Some(&2));
        assert_eq!(lines.get("doe:2019"), Some(&6));
        assert_eq!(lines.get("x-1"), Some(&8));
        assert_eq!(bib_key_line(text, "smith2020"), 2);
    }

    #[test]
    fn many_entries_keep_their_order_lines_and_error_order() {
        // More entries than one parallel chunk holds.
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&format!(
                "@article{{k{i},\n  title = {{Title {i}}},\n  author = {{Doe, J.}},\n  journal = {{J}},\n  date = {{2020}}\n}}\n"
            ));
        }
        let loaded = load(&text, Path::new("refs.bib")).unwrap_or_else(|_| panic!("loads"));
        let keys: Vec<String> = loaded
            .entries
            .iter()
            .map(|(e, _)| e.key().to_owned())
            .collect();
        let want: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
        assert_eq!(keys, want);
        let lines: Vec<usize> = loaded.entries.iter().map(|(_, l)| *l).collect();
        assert_eq!(lines, (0..100).map(|i| 1 + 6 * i).collect::<Vec<_>>());
        let english: Vec<&str> = loaded.english.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(english, want.iter().map(String::as_str).collect::<Vec<_>>());

        // Unusable values in entries 30 and 70: both reported, in file order.
        let broken = text
            .replace("@article{k30,\n  title = {Title 30},\n  author = {Doe, J.},\n  journal = {J},\n  date = {2020}", "@article{k30,\n  title = {Title 30},\n  author = {Doe, J.},\n  journal = {J},\n  year = {x}")
            .replace("@article{k70,\n  title = {Title 70},\n  author = {Doe, J.},\n  journal = {J},\n  date = {2020}", "@article{k70,\n  title = {Title 70},\n  author = {Doe, J.},\n  journal = {J},\n  year = {x}");
        let Err(errors) = load(&broken, Path::new("refs.bib")) else {
            panic!("the dates are unusable");
        };
        let lines: Vec<usize> = errors.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![1 + 6 * 30 + 4, 1 + 6 * 70 + 4], "{errors:?}");
    }
}
