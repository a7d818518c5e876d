//! Values praxis makes for templates once per language: the names of
//! languages in the language switch (`lang_name`, `translations[].name`).

use crate::util::{TestSite, file};

const SITE: &str = r##"
-- praxis.toml --
title = "Test Practice"
base_url = "https://example.org"
default_language = "en"
languages = ["de", "de-AT"]
-- content/_index.md --
+++
title = "Home"
+++
-- content/articles/_index.md --
+++
title = "Articles"
+++
-- content/articles/a.md --
+++
title = "Alpha"
date = 2026-01-10
tags = ["Asthma"]
+++
Alpha.
-- content/articles/a.de.md --
+++
title = "Alpha DE"
date = 2026-01-10
tags = ["Asthma"]
+++
Alpha auf Deutsch.
-- content/articles/a.de-AT.md --
+++
title = "Alpha AT"
date = 2026-01-10
+++
Alpha auf Österreichisch.
"##;

#[test]
fn the_language_switch_names_each_language_in_itself() {
    let built = TestSite::new(SITE).build();
    let en = file(&built, "articles/a/index.html");
    assert!(
        en.contains("<li><span aria-current=\"true\">English</span></li>"),
        "{en}"
    );
    assert!(
        en.contains("lang=\"de\" title=\"Alpha DE\">Deutsch</a>"),
        "{en}"
    );
    // A language praxis does not know by name: its code in capitals.
    assert!(en.contains("title=\"Alpha AT\">DE-AT</a>"), "{en}");
    let de = file(&built, "de/articles/a/index.html");
    assert!(
        de.contains("<li><span aria-current=\"true\">Deutsch</span></li>"),
        "{de}"
    );
    assert!(de.contains(">English</a>"), "{de}");
    // Tag pages have translations too.
    let tag = file(&built, "tags/asthma/index.html");
    assert!(tag.contains(">Deutsch</a>"), "{tag}");
}

#[test]
fn a_sites_own_template_reads_the_names() {
    let site = TestSite::new(SITE);
    site.write(
        "templates/partials/head_extra.html",
        "<meta name=\"langs\" content=\"{{ lang_name }}:{% for tr in translations %}{{ tr.lang }}={{ tr.name }};{% endfor %}\">",
    );
    let built = site.build();
    let at = file(&built, "de-AT/articles/a/index.html");
    assert!(
        at.contains("<meta name=\"langs\" content=\"DE-AT:en=English;de=Deutsch;\">"),
        "{at}"
    );
}
