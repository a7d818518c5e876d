//! Citations: Pandoc syntax in articles, bibliographies in four formats,
//! numbered references with links, and clear errors.

use std::path::Path;

use praxis::citations::Bibliography;
use praxis::diagnostics::Diagnostics;

use crate::util::{TestSite, file, render};

const BIB: &str = r#"@article{mcmurray2019,
  author = {McMurray, John J. V. and Solomon, Scott D. and Inzucchi, Silvio E. and Køber, Lars and Kosiborod, Mikhail N. and Martinez, Felipe A. and Ponikowski, Piotr},
  title = {Dapagliflozin in Patients with Heart Failure and Reduced Ejection Fraction},
  journal = {New England Journal of Medicine},
  year = {2019},
  volume = {381},
  number = {21},
  pages = {1995--2008},
  doi = {10.1056/NEJMoa1911303},
  pmid = {31535829},
}

@book{herold2024,
  author = {Herold, Gerd},
  title = {Innere Medizin},
  publisher = {Selbstverlag},
  location = {Köln},
  year = {2024},
  langid = {ngerman},
}

@online{who2023,
  author = {{World Health Organization}},
  title = {Antimicrobial resistance},
  year = {2023},
  url = {https://www.who.int/news-room/fact-sheets/detail/antimicrobial-resistance},
  urldate = {2024-05-01},
}
"#;

fn site(article: &str) -> TestSite {
    TestSite::new(&format!(
        "-- praxis.toml --\ntitle = \"T\"\nbase_url = \"https://e.org\"\ndefault_language = \"de\"\nlanguages = [\"en\"]\nbibliography = \"references.bib\"\n-- references.bib --\n{BIB}-- content/a.md --\n+++\ntitle = \"A\"\n+++\n{article}"
    ))
}

#[test]
fn bracketed_citations_become_numbered_links_with_a_reference_list() {
    let built = site(
        "SGLT2 inhibitors help [@mcmurray2019]. Two sources [@herold2024; @mcmurray2019]. A page [@herold2024, S. 33].\n",
    )
    .build();
    let html = file(&built, "a/index.html");
    assert!(
        html.contains("<a class=\"citation\" id=\"cite-1\" href=\"#ref-mcmurray2019\">[1]</a>"),
        "{html}"
    );
    assert!(html.contains(">[1,2]</a>"), "{html}");
    assert!(html.contains("<h2 id=\"references-heading\">Literatur</h2>"));
    let refs = &html[html.find("references-list").unwrap_or(0)..];
    let first = refs.find("id=\"ref-mcmurray2019\"").unwrap_or(usize::MAX);
    let second = refs.find("id=\"ref-herold2024\"").unwrap_or(usize::MAX);
    assert!(first < second, "numbered by first citation");
    let plain = refs.replace('\u{a0}', " ");
    assert!(
        plain.contains(
            "McMurray JJV, Solomon SD, Inzucchi SE, Køber L, Kosiborod MN, Martinez FA, u. a."
        ),
        "authors, et al. after 6, in German: {refs}"
    );
    assert!(refs.contains("https://doi.org/10.1056/NEJMoa1911303"));
    assert!(refs.contains("https://pubmed.ncbi.nlm.nih.gov/31535829/"));
    assert!(
        refs.contains("href=\"#cite-1\""),
        "back-link to the first citation"
    );
    assert!(
        refs.contains("Innere Medizin"),
        "German title keeps its case"
    );
}

#[test]
fn identifiers_author_in_text_and_prefixes() {
    let built = site(
        "@mcmurray2019 showed it. See [@doi:10.1056/nejmoa1911303] and [@pmid:31535829]. [see @who2023]. [-@herold2024]\n",
    )
    .build();
    let html = file(&built, "a/index.html");
    assert!(
        html.contains("McMurray u.\u{a0}a. <a class=\"citation\""),
        "{html}"
    );
    assert!(
        !html.contains(">2024</a>"),
        "-@key in a numbered style is just the number"
    );
    assert_eq!(
        html.matches("href=\"#ref-mcmurray2019\"").count(),
        3,
        "{html}"
    );
    assert!(html.contains("see <a class=\"citation\""), "{html}");
    assert!(html.contains("World Health Organization"));
}

#[test]
fn citations_in_code_and_escaped_brackets_stay_literal() {
    let built = site("Code `[@mcmurray2019]` and\n\n```\n[@mcmurray2019]\n```\n\nEscaped \\[@mcmurray2019] and mail info@praxis.de.\n").build();
    let html = file(&built, "a/index.html");
    assert!(html.contains("<code>[@mcmurray2019]</code>"));
    assert!(html.contains("[@mcmurray2019]\n</code></pre>"));
    assert!(html.contains("Escaped [@mcmurray2019]"), "{html}");
    assert!(html.contains("info@praxis.de"));
    assert!(!html.contains("class=\"citation\""));
}

#[test]
fn english_pages_get_english_terms() {
    let s = site("x\n");
    s.write(
        "content/a.en.md",
        "+++\ntitle = \"A\"\n+++\nCited [@mcmurray2019].\n",
    );
    let built = s.build();
    let html = file(&built, "en/a/index.html");
    assert!(html.contains(">References</h2>"));
    assert!(
        html.replace('\u{a0}', " ").contains("Martinez FA, et al."),
        "{html}"
    );
}

#[test]
fn unknown_keys_are_errors_with_location_and_suggestion() {
    let ds = site("Text.\n\nBad [@mcmurray2091] here.\n").errors();
    let d = ds.iter().next().expect("one error");
    assert_eq!(d.file.as_deref(), Some(Path::new("content/a.md")));
    assert_eq!((d.line, d.column), (6, 6), "{}", d.render(false));
    assert!(d.message.contains("`mcmurray2091`"));
    assert!(d.hint.as_deref().unwrap_or("").contains("`mcmurray2019`"));

    let ds = site("[@doi:10.1000/none]\n").errors();
    assert!(render(&ds).contains("unknown citation key `doi:10.1000/none`"));
}

#[test]
fn a_page_bibliography_adds_entries_for_that_page() {
    let s = site("[@local2020]\n");
    s.write(
        "content/a.md",
        "+++\ntitle = \"A\"\nbibliography = \"local.bib\"\n+++\n[@local2020] and [@herold2024]\n",
    );
    s.write(
        "content/local.bib",
        "@misc{local2020, title = {Local thing}, year = {2020}}\n",
    );
    s.write("content/b.md", "+++\ntitle = \"B\"\n+++\n[@local2020]\n");
    let ds = s.errors();
    let msgs = render(&ds);
    assert!(
        msgs.contains("content/b.md"),
        "other pages do not see it: {msgs}"
    );
    assert!(!msgs.contains("content/a.md"), "{msgs}");
}

fn load(name: &str, text: &str) -> (Bibliography, Diagnostics) {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join(name), text).expect("write");
    let mut ds = Diagnostics::new();
    let bib = Bibliography::load(dir.path(), &[name.into()], &mut ds);
    (bib, ds)
}

#[test]
fn csl_json_ris_and_medline_are_read() {
    let (bib, ds) = load(
        "z.json",
        r#"[{"id": "inker2021", "type": "article-journal", "title": "New Creatinine- and Cystatin C-Based Equations", "author": [{"family": "Inker", "given": "Lesley A."}], "container-title": "N Engl J Med", "issued": {"date-parts": [[2021, 11, 4]]}, "DOI": "10.1056/NEJMoa2102953"}]"#,
    );
    assert!(ds.is_empty(), "{}", render(&ds));
    assert!(bib.resolve("inker2021").is_some());
    assert!(bib.resolve("doi:10.1056/NEJMoa2102953").is_some());

    let (bib, ds) = load(
        "z.ris",
        "TY  - JOUR\nAU  - Horby, Peter\nTI  - Dexamethasone in Hospitalized Patients with Covid-19\nT2  - N Engl J Med\nPY  - 2021\nVL  - 384\nSP  - 693\nEP  - 704\nDO  - 10.1056/NEJMoa2021436\nER  - \n",
    );
    assert!(ds.is_empty(), "{}", render(&ds));
    assert!(
        bib.resolve("horby2021").is_some(),
        "{:?}",
        bib.keys().collect::<Vec<_>>()
    );

    let (bib, ds) = load(
        "z.nbib",
        "PMID- 31535829\nTI  - Dapagliflozin in Patients with Heart Failure and Reduced Ejection\n      Fraction.\nFAU - McMurray, John J V\nAU  - McMurray JJV\nDP  - 2019 Nov 21\nTA  - N Engl J Med\nVI  - 381\nIP  - 21\nPG  - 1995-2008\nLID - 10.1056/NEJMoa1911303 [doi]\n\n",
    );
    assert!(ds.is_empty(), "{}", render(&ds));
    assert!(
        bib.resolve("pmid:31535829").is_some(),
        "{:?}",
        bib.keys().collect::<Vec<_>>()
    );
}

#[test]
fn duplicate_keys_across_files_are_a_warning_naming_both() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("a.bib"),
        "@misc{x, title = {A}, year = {2020}}\n",
    )
    .expect("w");
    std::fs::write(
        dir.path().join("b.bib"),
        "\n\n@misc{x, title = {B}, year = {2021}}\n",
    )
    .expect("w");
    let mut ds = Diagnostics::new();
    Bibliography::load(dir.path(), &["a.bib".into(), "b.bib".into()], &mut ds);
    let d = ds.iter().next().expect("a warning");
    assert!(!d.is_error());
    assert_eq!((d.file.as_deref(), d.line), (Some(Path::new("b.bib")), 3));
    assert!(d.message.contains("a.bib:1"));
}

#[test]
fn malformed_bibliographies_are_errors_with_line_and_column() {
    for (name, text) in [
        ("a.bib", "@article{x,\n  title = {A}\n  year = {2020}\n}\n"),
        ("b.json", "[{\"id\": \"x\",}\n"),
        ("c.bib", "@article{,\n title = {x}}\n"),
    ] {
        let (_, ds) = load(name, text);
        let d = ds
            .iter()
            .next()
            .unwrap_or_else(|| panic!("{name}: no error"));
        assert!(d.is_error());
        assert_eq!(d.file.as_deref(), Some(Path::new(name)));
        assert!(d.line >= 1, "{name}: {}", d.render(false));
        assert!(d.hint.is_some());
    }
    let (_, ds) = load("x.docx", "");
    assert!(render(&ds).contains(".bib (BibTeX/BibLaTeX)"));
}

#[test]
fn real_world_bibtex_files_are_read_or_rejected_with_a_location() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-bib");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "bib") {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut ds = Diagnostics::new();
        let bib = Bibliography::load(&dir, &[name.clone().into()], &mut ds);
        if ds.has_errors() {
            for d in ds.iter().filter(|d| d.is_error()) {
                assert!(d.line >= 1, "{name}: {}", d.render(false));
                assert!(d.hint.is_some(), "{name}");
            }
        } else {
            assert!(!bib.is_empty(), "{name} read as empty");
            read += 1;
        }
    }
    assert!(
        read >= 20,
        "the 20 files pandoc reads are read too (got {read})"
    );
}

#[test]
fn a_csl_file_that_does_not_parse_is_an_error() {
    let s = site("x\n");
    s.write("praxis.toml", "title = \"T\"\nbase_url = \"https://e.org\"\nbibliography = \"references.bib\"\ncitation_style = \"broken.csl\"\n");
    s.write("broken.csl", "<style>not csl</style>");
    let msgs = render(&s.errors());
    assert!(
        msgs.contains("broken.csl:1:1: the CSL style does not parse"),
        "{msgs}"
    );
}

#[test]
fn guideline_numbers_link_to_awmf_and_nice() {
    let s = site("[@awmf]; [@nice]\n");
    s.write(
        "references.bib",
        "@report{awmf, author = {{Deutsche Gesellschaft für Allgemeinmedizin und Familienmedizin}}, title = {Müdigkeit}, number = {053-002}, year = {2022}, langid = {ngerman}}\n@report{nice, author = {{National Institute for Health and Care Excellence}}, title = {Type 2 diabetes in adults}, number = {NG28}, year = {2015}}\n",
    );
    let built = s.build();
    let html = file(&built, "a/index.html");
    assert!(
        html.contains("Report No.: 053-002"),
        "the register number stays as written: {html}"
    );
    assert!(!html.contains("053–2"), "{html}");
    assert!(html.contains("href=\"https://register.awmf.org/de/leitlinien/detail/053-002\""));
    assert!(html.contains("href=\"https://www.nice.org.uk/guidance/ng28\""));
}

#[test]
fn formatted_references_are_kept_between_builds_and_follow_the_bibliography() {
    let s = site("Text [@mcmurray2019] and [@who2023].\n");
    let first = file(&s.build(), "a/index.html").to_owned();
    assert!(first.contains("Dapagliflozin in Patients"), "{first}");
    let cache = s.root().join(".praxis-cache/citations/de-DE.json");
    let stored = std::fs::read_to_string(&cache).expect("the build keeps its references");
    // The next build takes the formatted text from the cache.
    std::fs::write(&cache, stored.replace("Dapagliflozin in", "Kept in")).expect("write");
    let second = file(&s.build(), "a/index.html").to_owned();
    assert!(second.contains("Kept in Patients"), "{second}");
    // An edited entry is formatted anew; the others still come from the cache.
    s.write(
        "references.bib",
        &BIB.replace("Dapagliflozin in", "Empagliflozin in"),
    );
    let third = file(&s.build(), "a/index.html").to_owned();
    assert!(third.contains("Empagliflozin in Patients"), "{third}");
    assert!(!third.contains("Kept in"), "{third}");
    // A broken cache file costs only the formatting.
    std::fs::write(&cache, "{ not json").expect("write");
    let fourth = file(&s.build(), "a/index.html").to_owned();
    assert_eq!(fourth, third);
    std::fs::remove_dir_all(s.root().join(".praxis-cache")).expect("remove");
    assert_eq!(file(&s.build(), "a/index.html"), third);
}
