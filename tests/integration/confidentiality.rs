//! The confidentiality lint in whole builds: `praxis check` names file,
//! line, column and rule; comments and front matter silence it; the
//! practice's own details and the example site pass.

use crate::util::{TestSite, stderr};

const SITE: &str = r#"-- praxis.toml --
title = "Praxis"
base_url = "https://praxis.example"
default_language = "de"
languages = ["en"]

[legal]
name = "Dr. Eva Beispiel"
phone = "030 1234567"
email = "team@praxis.example"
address = "Musterstraße 12, 10115 Berlin"

-- content/faelle/schwindel.md --
+++
title = "Ein Fall von Schwindel"
description = "Fallbericht."
+++
Frau Anna Schmidt, 54, kam am Montag in die Praxis.

Sie ist geboren am 12.03.1971 und wohnt in der Lindenstraße 23, 10115 Berlin.

Fragen? Rufen Sie uns an: 030 1234567 oder schreiben Sie an team@praxis.example.

Die Leitlinie AWMF 057-013 (PMID: 31535829) empfiehlt 1000 mg Metformin.

Frau Erika Muster, 80, ist eine erfundene Person. <!-- praxis:allow confidentiality -->
-- content/faelle/chest-pain.en.md --
+++
title = "A case of chest pain"
description = "Case report."
+++
Mr John Miller, 61, called from +44 20 7946 0958.
-- content/faelle/erlaubt.md --
+++
title = "Musterfall"
description = "Ein erfundener Fall."
allow = ["confidentiality", "readabilty"]
+++
Frau Erika Muster, 80, Tel. 0171 2345678.
"#;

#[test]
fn check_reports_each_identifier_with_file_line_column_and_rule() {
    let site = TestSite::new(SITE);
    let out = site.praxis(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let found: Vec<(String, u64, u64, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "confidentiality")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let de = "content/faelle/schwindel.md";
    let en = "content/faelle/chest-pain.en.md";
    let expect = [
        (de, 5, 1, "(name-age)"),
        (de, 7, 20, "(birth-date)"),
        (de, 7, 48, "(address)"),
        (en, 5, 1, "(name-age)"),
        (en, 5, 33, "(phone)"),
    ];
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    for (file, line, col, rule) in expect {
        assert!(
            found
                .iter()
                .any(|(f, l, c, m)| f == file && *l == line && *c == col && m.contains(rule)),
            "no {rule} at {file}:{line}:{col} in {found:#?}"
        );
    }
    assert!(
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["code"] == "front-matter"
                && d["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("`readabilty`")),
        "an unknown name in `allow` is reported"
    );
    // Warnings: exit 0, and 1 with --strict.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(site.praxis(&["check", "--strict"]).status.code(), Some(1));
}

#[test]
fn text_report_names_the_rule_and_how_to_silence_it() {
    let site = TestSite::new(SITE);
    let out = site.praxis(&["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: content/faelle/schwindel.md:5:1: possible patient identifier (name-age): a name next to an age `Frau Anna Schmidt`"),
        "{text}"
    );
    assert!(text.contains("<!-- praxis:allow confidentiality -->"));
    assert!(text.contains("allow = [\"confidentiality\"]"));
}

#[test]
fn builds_warn_too() {
    let site = TestSite::new(SITE);
    let built = site.build();
    let n = built
        .diagnostics
        .iter()
        .filter(|d| d.code == "confidentiality")
        .count();
    assert_eq!(n, 5);
}

#[test]
fn the_example_site_has_no_identifiers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = crate::util::praxis_in(
        &root,
        &[
            "check",
            "--format",
            "json",
            "--root",
            root.to_str().expect("path"),
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hits: Vec<_> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "confidentiality")
        .collect();
    assert!(hits.is_empty(), "{hits:#?}");
}
