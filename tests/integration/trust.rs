//! Trust metadata: JSON-LD, Open Graph, review warnings and the register,
//! `--strict` on overdue articles, the Impressum, localised review lines.

use serde_json::Value;

use crate::util::{TestSite, file, stderr};

const CONFIG: &str = r#"title = "Test Practice"
base_url = "https://example.org"
description = "Health information & more"
default_language = "en"
languages = ["de"]
default_authors = ["doe"]
specialty = "primarycare"

[authors.doe]
name = "Dr. Jane Doe"
credentials = "General practitioner"
affiliation = "Doe Practice, Leeds"
url = "https://example.org/team/doe/"

[authors.roe]
name = "Dr. Richard Roe"
credentials = "Cardiologist"
affiliation = "City Hospital"
orcid = "0000-0002-1825-0097"

[tags.diabetes]
label = { de = "Zuckerkrankheit" }
mesh = "D003924"
icd10 = "E11"
"#;

fn site(pages: &str) -> TestSite {
    TestSite::new(&format!("-- praxis.toml --\n{CONFIG}{pages}"))
}

const ARTICLE: &str = r#"
-- content/articles/hba1c.md --
+++
title = "HbA1c explained"
description = "What the long-term sugar value means"
date = 2026-03-01
updated = 2026-04-10
last_reviewed = 2026-06-12
reviewed_by = ["roe"]
tags = ["Diabetes", "lab values"]
audience = "all"
+++
Text.
-- content/articles/hba1c.de.md --
+++
title = "HbA1c erklärt"
date = 2026-03-01
last_reviewed = 2026-06-12
reviewed_by = ["roe"]
tags = ["Diabetes"]
specialty = "Endocrine"
+++
Text.
"#;

/// The JSON of the page's one `application/ld+json` script.
fn jsonld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    assert_eq!(html.matches(open).count(), 1, "exactly one JSON-LD script");
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end])
        .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{}", &html[start..end]))
}

fn is_iso_date(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10)
}

#[test]
fn jsonld_of_an_article_has_the_trust_fields() {
    let built = site(ARTICLE).build();
    let v = jsonld(file(&built, "articles/hba1c/index.html"));
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "MedicalWebPage");
    assert_eq!(v["name"], "HbA1c explained");
    assert_eq!(v["description"], "What the long-term sugar value means");
    assert_eq!(v["url"], "https://example.org/articles/hba1c/");
    assert_eq!(v["inLanguage"], "en");
    for key in ["datePublished", "dateModified", "lastReviewed"] {
        assert!(is_iso_date(&v[key]), "{key} is ISO 8601: {}", v[key]);
    }
    assert_eq!(v["datePublished"], "2026-03-01");
    assert_eq!(v["dateModified"], "2026-06-12", "the latest of its dates");
    assert_eq!(v["lastReviewed"], "2026-06-12");

    let reviewer = &v["reviewedBy"][0];
    assert_eq!(reviewer["@type"], "Person");
    assert_eq!(reviewer["name"], "Dr. Richard Roe");
    assert_eq!(reviewer["jobTitle"], "Cardiologist");
    assert_eq!(reviewer["affiliation"]["@type"], "Organization");
    assert_eq!(reviewer["affiliation"]["name"], "City Hospital");
    let same_as: Vec<&str> = reviewer["sameAs"]
        .as_array()
        .expect("sameAs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(same_as.contains(&"https://orcid.org/0000-0002-1825-0097"));
    assert_eq!(v["reviewedBy"].as_array().map(Vec::len), Some(1));

    let author = &v["author"][0];
    assert_eq!(author["name"], "Dr. Jane Doe");
    assert_eq!(author["jobTitle"], "General practitioner");
    assert_eq!(author["url"], "https://example.org/team/doe/");

    let audiences: Vec<&str> = v["audience"]
        .as_array()
        .expect("both audiences for `all`")
        .iter()
        .map(|a| {
            assert_eq!(a["@type"], "MedicalAudience");
            a["audienceType"].as_str().expect("type")
        })
        .collect();
    assert_eq!(audiences, ["Patient", "Clinician"]);

    let about = &v["about"][0];
    assert_eq!(about["@type"], "MedicalCondition");
    assert_eq!(about["name"], "Diabetes");
    let codes = about["code"].as_array().expect("two codes");
    assert!(codes.iter().any(|c| c["@type"] == "MedicalCode"
        && c["codeValue"] == "E11"
        && c["codingSystem"] == "ICD-10"));
    assert!(
        codes
            .iter()
            .any(|c| c["codeValue"] == "D003924" && c["codingSystem"] == "MeSH")
    );
    assert_eq!(
        v["about"].as_array().map(Vec::len),
        Some(1),
        "only coded tags"
    );
    assert_eq!(v["keywords"], "Diabetes, lab values");
    assert_eq!(v["specialty"], "https://schema.org/PrimaryCare");
    assert_eq!(v["publisher"]["@type"], "Organization");
    assert_eq!(v["publisher"]["name"], "Test Practice");
    assert_eq!(v["publisher"]["url"], "https://example.org/");
    assert!(v.get("citation").is_none(), "no citation without citations");

    // The German page: its own language, label and specialty; one audience.
    let de = jsonld(file(&built, "de/articles/hba1c/index.html"));
    assert_eq!(de["inLanguage"], "de");
    assert_eq!(de["about"][0]["name"], "Zuckerkrankheit");
    assert_eq!(de["specialty"], "https://schema.org/Endocrine");
    assert_eq!(de["audience"]["audienceType"], "Patient");
    assert_eq!(de["description"], "Health information & more");
}

#[test]
fn a_title_with_a_closing_script_tag_stays_inside_the_json() {
    let title = "Shots </script><script>alert(1)</script> & <!-- more";
    let built = site(&format!(
        "-- content/a.md --\n+++\ntitle = \"{}\"\ndescription = \"a </SCRIPT> b\"\n+++\nText.\n",
        title.replace('"', "\\\"")
    ))
    .build();
    let html = file(&built, "a/index.html");
    assert!(!html.contains("<script>alert(1)"), "no live script");
    let v = jsonld(html);
    assert_eq!(v["name"], title);
    assert_eq!(v["description"], "a </SCRIPT> b");
}

#[test]
fn open_graph_and_twitter_tags() {
    let built = site(ARTICLE).build();
    let html = file(&built, "articles/hba1c/index.html");
    for tag in [
        r#"<link rel="canonical" href="https://example.org/articles/hba1c/">"#,
        r#"<meta name="description" content="What the long-term sugar value means">"#,
        r#"<meta property="og:type" content="article">"#,
        r#"<meta property="og:title" content="HbA1c explained">"#,
        r#"<meta property="og:description" content="What the long-term sugar value means">"#,
        r#"<meta property="og:url" content="https://example.org/articles/hba1c/">"#,
        r#"<meta property="og:site_name" content="Test Practice">"#,
        r#"<meta property="og:locale" content="en_US">"#,
        r#"<meta property="og:locale:alternate" content="de_DE">"#,
        r#"<meta property="article:published_time" content="2026-03-01">"#,
        r#"<meta property="article:modified_time" content="2026-06-12">"#,
        r#"<meta property="article:author" content="https://example.org/team/doe/">"#,
        r#"<meta property="article:tag" content="Diabetes">"#,
        r#"<meta name="twitter:card" content="summary_large_image">"#,
        r#"<meta name="twitter:title" content="HbA1c explained">"#,
    ] {
        assert!(html.contains(tag), "missing {tag}");
    }
    let de = file(&built, "de/articles/hba1c/index.html");
    assert!(de.contains(r#"<meta property="og:locale" content="de_DE">"#));
    // An author without a URL is named.
    let built =
        site("-- content/b.md --\n+++\ntitle = \"B\"\nauthors = [\"roe\"]\n+++\nText.\n").build();
    assert!(
        file(&built, "b/index.html")
            .contains(r#"<meta property="article:author" content="Dr. Richard Roe">"#)
    );
    // Other pages get og:locale too.
    assert!(file(&built, "index.html").contains(r#"<meta property="og:locale" content="en_US">"#));
}

#[test]
fn author_pages_carry_person_jsonld() {
    let built = site(ARTICLE).build();
    let v = jsonld(file(&built, "authors/roe/index.html"));
    assert_eq!(v["@type"], "ProfilePage");
    assert_eq!(v["url"], "https://example.org/authors/roe/");
    let p = &v["mainEntity"];
    assert_eq!(p["@type"], "Person");
    assert_eq!(p["name"], "Dr. Richard Roe");
    assert_eq!(p["jobTitle"], "Cardiologist");
    assert_eq!(p["affiliation"]["name"], "City Hospital");
    assert_eq!(p["sameAs"][0], "https://orcid.org/0000-0002-1825-0097");
}

/// Four articles, one per status on 2026-11-24 (12-month default interval,
/// 60-day "due soon" window).
const REGISTER: &str = r#"
-- content/current.md --
+++
title = "Current, with a comma"
last_reviewed = 2026-10-01
reviewed_by = ["roe"]
+++
-- content/soon.md --
+++
title = "Say \"soon\""
last_reviewed = 2025-12-20
reviewed_by = ["roe", "doe"]
+++
-- content/overdue.md --
+++
title = "Overdue"
last_reviewed = 2025-01-10
reviewed_by = ["roe"]
+++
-- content/never.md --
+++
title = "Never"
+++
"#;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn review_register_as_text() {
    let s = site(REGISTER);
    let o = s.praxis(&["review", "--today", "2026-11-24"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("STATUS"), "{out}");
    assert!(lines[0].contains("NEXT DUE") && lines[0].contains("REVIEWED BY"));
    let order: Vec<&str> = lines[1..5]
        .iter()
        .map(|l| l.split("  ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        order,
        ["never reviewed", "overdue", "due soon", "current"],
        "{out}"
    );
    assert!(lines[2].contains("2026-01-10") && lines[2].contains("2025-01-10"));
    assert!(lines[2].contains("Dr. Richard Roe") && lines[2].contains("content/overdue.md"));
    assert!(lines[3].contains("Dr. Richard Roe, Dr. Jane Doe"));
    assert!(
        out.contains(
            "4 article(s): 1 overdue, 1 due soon, 1 current, 1 never reviewed (as of 2026-11-24)"
        ),
        "{out}"
    );

    let o = s.praxis(&["review", "--today", "2026-11-24", "--due-within", "60d"]);
    let out = stdout(&o);
    assert!(!out.contains("content/current.md"), "{out}");
    assert!(out.contains("content/soon.md") && out.contains("content/overdue.md"));
    assert!(out.contains("content/never.md"));
    assert!(
        out.contains("3 of 4 article(s) due within 60 days"),
        "{out}"
    );

    let o = s.praxis(&["review", "--due-within", "soon"]);
    assert_eq!(o.status.code(), Some(2), "a bad interval is a usage error");
}

#[test]
fn review_register_as_json() {
    let s = site(REGISTER);
    let o = s.praxis(&["review", "--today", "2026-11-24", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["today"], "2026-11-24");
    let articles = v["articles"].as_array().expect("articles");
    let statuses: Vec<&str> = articles
        .iter()
        .map(|a| a["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        statuses,
        ["never_reviewed", "overdue", "due_soon", "current"]
    );
    let overdue = &articles[1];
    assert_eq!(overdue["file"], "content/overdue.md");
    assert_eq!(overdue["title"], "Overdue");
    assert_eq!(overdue["lang"], "en");
    assert_eq!(overdue["url"], "https://example.org/overdue/");
    assert_eq!(overdue["last_reviewed"], "2025-01-10");
    assert_eq!(overdue["next_review"], "2026-01-10");
    assert_eq!(overdue["reviewers"][0], "Dr. Richard Roe");
    assert_eq!(overdue["days_until_due"], -318);
    assert!(articles[0]["next_review"].is_null());

    let o = s.praxis(&[
        "review",
        "--today",
        "2026-11-24",
        "--format",
        "json",
        "--due-within",
        "2 months",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["due_within"], "2 months");
    assert_eq!(v["articles"].as_array().map(Vec::len), Some(3));
}

/// Splits RFC 4180 CSV into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

#[test]
fn review_register_as_csv() {
    let s = site(REGISTER);
    let o = s.praxis(&["review", "--today", "2026-11-24", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("\r\n"), "CRLF line ends");
    assert!(
        out.contains("\"Say \"\"soon\"\"\""),
        "quotes doubled: {out}"
    );
    assert!(out.contains("\"Current, with a comma\""), "{out}");
    let rows = parse_csv(&out);
    assert_eq!(
        rows[0],
        [
            "status",
            "next_review",
            "last_reviewed",
            "reviewers",
            "lang",
            "file",
            "title",
            "url",
            "days_until_due"
        ]
    );
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.len() == 9), "{rows:?}");
    assert_eq!(rows[1][0], "never_reviewed");
    assert_eq!(rows[3][0], "due_soon");
    assert_eq!(rows[3][6], "Say \"soon\"");
    assert_eq!(rows[3][3], "Dr. Richard Roe; Dr. Jane Doe");
    assert_eq!(rows[4][6], "Current, with a comma");
    assert_eq!(rows[2][1], "2026-01-10");
}

#[test]
fn strict_build_fails_on_an_overdue_article() {
    let s = site(
        "-- content/a.md --\n+++\ntitle = \"A\"\nlast_reviewed = 2025-01-10\nreviewed_by = [\"roe\"]\ndescription = \"A.\"\n+++\n",
    );
    // Not yet overdue: --strict passes.
    let o = s.praxis(&["build", "--strict", "--today", "2025-06-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Overdue: a warning, and --strict fails without writing.
    std::fs::remove_dir_all(s.public()).expect("rm public");
    let o = s.praxis(&["build", "--today", "2026-11-24"]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("warning: content/a.md:3:1: review overdue since 2026-01-10"),
        "{err}"
    );
    std::fs::remove_dir_all(s.public()).expect("rm public");
    let o = s.praxis(&["build", "--strict", "--today", "2026-11-24"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!s.public().exists());
    // The register does not fail on overdue articles.
    assert_eq!(
        s.praxis(&["review", "--today", "2026-11-24"]).status.code(),
        Some(0)
    );
}

fn warnings(s: &TestSite) -> Vec<String> {
    s.build()
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect()
}

#[test]
fn last_reviewed_in_the_future_is_a_warning() {
    let s = site(
        "-- content/a.md --\n+++\ntitle = \"A\"\nlast_reviewed = 2027-01-01\nreviewed_by = [\"roe\"]\n+++\n",
    );
    let w = warnings(&s);
    assert!(
        w.iter().any(|m| m
            == "content/a.md:3:1: last_reviewed (2027-01-01) is in the future (today is 2026-11-24)"),
        "{w:?}"
    );
}

#[test]
fn review_by_the_only_author_is_a_warning() {
    let s = site(
        "-- content/a.md --\n+++\ntitle = \"A\"\nlast_reviewed = 2026-10-01\nreviewed_by = [\"doe\"]\n+++\n\
         -- content/b.md --\n+++\ntitle = \"B\"\nlast_reviewed = 2026-10-01\nreviewed_by = [\"doe\", \"roe\"]\n+++\n\
         -- content/c.md --\n+++\ntitle = \"C\"\nauthors = [\"doe\", \"roe\"]\nlast_reviewed = 2026-10-01\nreviewed_by = [\"doe\"]\n+++\n",
    );
    let w = warnings(&s);
    let self_reviews: Vec<_> = w.iter().filter(|m| m.contains("not independent")).collect();
    assert_eq!(self_reviews.len(), 1, "{w:?}");
    assert!(
        self_reviews[0].starts_with("content/a.md:4:1: `doe` is the only author"),
        "{w:?}"
    );
}

const LEGAL_DE: &str = r#"title = "Praxis"
base_url = "https://example.org"
default_language = "de"

[legal]
name = "Dr. med. Anna Meier"
title = "Fachärztin für Allgemeinmedizin"
address = "Musterstraße 12\n10115 Berlin"
phone = "030 1234567"
chamber = "Ärztekammer Berlin"
state = "Berlin"
professional_code_url = "https://example.org/berufsordnung"
vat_id = "DE123456789"
notes = "Online-Streitbeilegung: *siehe* Plattform."
"#;

#[test]
fn impressum_is_generated_from_legal_and_linked_from_every_page() {
    let s = TestSite::new(&format!(
        "-- praxis.toml --\n{LEGAL_DE}-- content/a.md --\n+++\ntitle = \"A\"\n+++\nText.\n"
    ));
    let built = s.build();
    let imp = file(&built, "impressum/index.html");
    assert!(imp.contains("<html lang=\"de\">"));
    assert!(imp.contains("<h1>Impressum</h1>"));
    for text in [
        "Dr. med. Anna Meier",
        "Musterstraße 12",
        "<br>10115 Berlin",
        "href=\"tel:0301234567\"",
        "Fachärztin für Allgemeinmedizin",
        "Ärztekammer Berlin",
        "href=\"https://example.org/berufsordnung\"",
        "DE123456789",
        "<em>siehe</em>",
    ] {
        assert!(imp.contains(text), "missing {text}");
    }
    for page in ["index.html", "a/index.html", "404.html"] {
        assert!(
            file(&built, page).contains("<a href=\"/impressum/\">Impressum</a>"),
            "link on {page}"
        );
    }
    assert!(
        !built.diagnostics.iter().any(|d| d.code == "legal"),
        "complete: no warning"
    );
}

#[test]
fn impressum_with_missing_fields_warns_on_german_sites() {
    let partial = "title = \"Praxis\"\nbase_url = \"https://example.org\"\ndefault_language = \"de\"\n\n[legal]\nname = \"Dr. A\"\n";
    let home = "-- content/_index.md --\n+++\ntitle = \"Home\"\n+++\n";
    let s = TestSite::new(&format!("-- praxis.toml --\n{partial}{home}"));
    let built = s.build();
    let d = built
        .diagnostics
        .iter()
        .find(|d| d.code == "legal")
        .expect("a legal warning");
    assert!(!d.is_error());
    assert_eq!(d.location(), "praxis.toml:5:1");
    for key in [
        "`title`",
        "`address`",
        "`email or phone`",
        "`chamber`",
        "`state`",
        "`professional_code_url`",
    ] {
        assert!(d.message.contains(key), "{key} in {}", d.message);
    }
    assert!(!d.message.contains("`name`"));
    assert!(built.output.text("impressum/index.html").is_some());

    // An English site: the same table, no warning.
    let en = partial.replace("\"de\"", "\"en\"");
    let built = TestSite::new(&format!("-- praxis.toml --\n{en}{home}")).build();
    assert!(!built.diagnostics.iter().any(|d| d.code == "legal"));
    assert!(file(&built, "index.html").contains("<a href=\"/impressum/\">Legal notice</a>"));

    // No [legal]: no page, no link.
    let built = TestSite::new(home).build();
    assert!(built.output.text("impressum/index.html").is_none());
    assert!(!file(&built, "index.html").contains("/impressum/"));
}

#[test]
fn review_line_is_localised_in_four_languages() {
    let config = "title = \"T\"\nbase_url = \"https://example.org\"\nlanguages = [\"de\", \"fr\", \"nl\"]\ndefault_authors = [\"doe\"]\n\n[authors.doe]\nname = \"Dr. Jane Doe\"\n\n[authors.roe]\nname = \"Dr. Richard Roe\"\ncredentials = \"Cardiologist\"\n";
    let mut spec = format!("-- praxis.toml --\n{config}");
    for suffix in ["", ".de", ".fr", ".nl"] {
        spec.push_str(&format!(
            "-- content/a{suffix}.md --\n+++\ntitle = \"A\"\nlast_reviewed = 2026-06-12\nreview_interval = \"6 months\"\nreviewed_by = [\"roe\"]\n+++\n\
             -- content/old{suffix}.md --\n+++\ntitle = \"Old\"\nlast_reviewed = 2025-01-01\n+++\n"
        ));
    }
    let built = TestSite::new(&spec).build();
    let cases = [
        (
            "a/index.html",
            "Page last reviewed",
            "12 June 2026",
            "by",
            "Next review due",
            "12 December 2026",
            "This page is due for a medical review.",
        ),
        (
            "de/a/index.html",
            "Zuletzt ärztlich geprüft",
            "12. Juni 2026",
            "von",
            "Nächste Prüfung fällig",
            "12. Dezember 2026",
            "Diese Seite wartet auf ihre ärztliche Überprüfung.",
        ),
        (
            "fr/a/index.html",
            "Dernière relecture",
            "12 juin 2026",
            "par",
            "Prochaine relecture prévue",
            "12 décembre 2026",
            "Cette page attend sa relecture médicale.",
        ),
        (
            "nl/a/index.html",
            "Laatst gecontroleerd",
            "12 juni 2026",
            "door",
            "Volgende controle gepland",
            "12 december 2026",
            "Deze pagina moet opnieuw medisch worden gecontroleerd.",
        ),
    ];
    for (path, last, date, by, next, due, overdue) in cases {
        let html = file(&built, path);
        // The review paragraph, tags removed and whitespace collapsed.
        let start = html.find("<p class=\"review").expect("review line");
        let end = start + html[start..].find("</p>").expect("closed");
        let mut text = String::new();
        let mut in_tag = false;
        for c in html[start..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let colon = if path.starts_with("fr/") { " :" } else { ":" };
        let expected = format!(
            "{last}{colon} {date} {by} Dr. Richard Roe, Cardiologist · {next}{colon} {due}"
        );
        assert_eq!(text, expected, "{path}");
        assert!(html.contains(&format!("<time datetime=\"2026-12-12\">{due}</time>")));
        assert!(!html.contains("review--overdue"), "{path} is current");
        let old = file(&built, &path.replace("a/", "old/"));
        assert!(old.contains("review--overdue"), "{path}: overdue notice");
        assert!(old.contains(overdue), "{path}: {overdue}");
    }
}
