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

/// Authors and review facts are made into template values once per build
/// (an author per language, a review per status, dates and interval) and
/// shared by every page and listing that shows them: each must still show
/// its own language's author page and its own review.
const SHARED: &str = r##"
-- praxis.toml --
title = "Test Practice"
base_url = "https://example.org"
default_language = "en"
languages = ["de"]
[authors.meier]
name = "Dr. Meier"
credentials = "GP"
[authors.okafor]
name = "Dr. Okafor"
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
last_reviewed = 2026-01-10
authors = ["meier"]
reviewed_by = ["okafor"]
+++
Alpha.
-- content/articles/b.md --
+++
title = "Beta"
date = 2026-01-10
last_reviewed = 2026-01-10
review_interval = "6 months"
authors = ["meier", "okafor"]
reviewed_by = ["okafor"]
+++
Beta.
-- content/articles/c.de.md --
+++
title = "Gamma"
date = 2026-01-10
last_reviewed = 2026-01-10
authors = ["meier"]
+++
Gamma.
-- templates/partials/head_extra.html --
{%- if page %}<meta name="v" content="{% for a in page.authors %}{{ a.name }}|{{ a.credentials }}|{{ a.page_url }};{% endfor %}{% for a in page.reviewers %}r:{{ a.name }}|{{ a.page_url }};{% endfor %}{{ page.review.status }}|{{ page.review.interval }}|{{ page.review.next_due.iso }}|{{ page.review.last.display }}">{% endif %}
{%- if section %}<meta name="l" content="{% for p in section.pages %}{{ p.title }}:{% for a in p.authors %}{{ a.page_url }},{% endfor %}{{ p.review.interval }}|{{ p.review.next_due.display }};{% endfor %}">{% endif %}
"##;

#[test]
fn shared_author_and_review_values_stay_each_pages_own() {
    let built = TestSite::new(SHARED).build();
    let meta = |path: &str, name: &str| {
        let html = file(&built, path);
        let start = format!("<meta name=\"{name}\" content=\"");
        let at = html
            .find(&start)
            .unwrap_or_else(|| panic!("{path}: {html}"))
            + start.len();
        html[at..].split('"').next().unwrap_or("").to_owned()
    };
    let a = meta("articles/a/index.html", "v");
    let b = meta("articles/b/index.html", "v");
    let c = meta("de/articles/c/index.html", "v");
    assert!(
        a.starts_with("Dr. Meier|GP|/authors/meier/;r:Dr. Okafor|/authors/okafor/;"),
        "{a}"
    );
    assert!(a.contains("|12 months|"), "{a}");
    assert!(
        b.starts_with(
            "Dr. Meier|GP|/authors/meier/;Dr. Okafor||/authors/okafor/;r:Dr. Okafor|/authors/okafor/;"
        ),
        "{b}"
    );
    assert!(b.contains("|6 months|"), "{b}");
    // The same author in German links to the German author page.
    assert!(c.starts_with("Dr. Meier|GP|/de/authors/meier/;"), "{c}");
    assert!(c.contains("|12 months|"), "{c}");
    // Different intervals from the same review day: different next reviews.
    let due = |v: &str| v.split('|').nth_back(1).unwrap_or("").to_owned();
    assert_ne!(due(&a), due(&b), "{a} / {b}");
    assert_eq!(due(&a), due(&c), "{a} / {c}");
    // The English and the German date displays differ, though the day is the same.
    assert_ne!(a.rsplit('|').next(), c.rsplit('|').next(), "{a} / {c}");

    // The listing shows the same values as the pages themselves.
    let listing = meta("articles/index.html", "l");
    assert!(
        listing.contains("Alpha:/authors/meier/,12 months|")
            && listing.contains("Beta:/authors/meier/,/authors/okafor/,6 months|"),
        "{listing}"
    );
    let de_listing = meta("de/articles/index.html", "l");
    assert!(
        de_listing.contains("Gamma:/de/authors/meier/,12 months|"),
        "{de_listing}"
    );
}
