//! `praxis init`: a working site in one command.
//!
//! The scaffold is small but complete: a config with one author, a home page, a
//! section with one article that cites a source, and a bibliography. It
//! builds at once, so a new user sees a real page before reading any docs.

use std::path::{Path, PathBuf};

use super::{Global, exit};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The folder to create the site in [default: the current folder].
    pub dir: Option<PathBuf>,
    /// The site's language: en, de, fr or nl.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

/// Texts of the scaffold in one language.
struct Texts {
    section: &'static str,
    site_title: &'static str,
    description: &'static str,
    home: &'static str,
    section_title: &'static str,
    article_title: &'static str,
    article_description: &'static str,
    article: &'static str,
    disclaimer: &'static str,
    credentials: &'static str,
}

fn texts(lang: &str) -> Option<Texts> {
    Some(match lang {
        "en" => Texts {
            section: "articles",
            site_title: "My practice",
            description: "Reliable health information, medically reviewed.",
            home: "Welcome. These articles explain common health questions in plain language.",
            section_title: "Health information",
            article_title: "Measuring blood pressure at home",
            article_description: "How to get readings you and your doctor can trust.",
            article: "Home readings help to find high blood pressure and to adjust treatment [@whelton2018].\n\n<!-- more -->\n\n## How to measure\n\n1. Sit quietly for five minutes, back supported, feet flat.\n2. Rest the arm at heart level; use a cuff that fits.\n3. Take two readings one minute apart and write both down.\n\n## When to call us\n\nCall the practice if your readings are often above 135/85 mmHg.\n",
            disclaimer: "This information does not replace a consultation with your doctor.",
            credentials: "General practitioner",
        },
        "de" => Texts {
            section: "artikel",
            site_title: "Meine Praxis",
            description: "Verständliche Gesundheitsinformationen, ärztlich geprüft.",
            home: "Willkommen. Hier erklären wir häufige Gesundheitsfragen in einfacher Sprache.",
            section_title: "Gesundheitsinfos",
            article_title: "Blutdruck zu Hause richtig messen",
            article_description: "So bekommen Sie Werte, auf die Sie und Ihre Ärztin sich verlassen können.",
            article: "Messungen zu Hause helfen, Bluthochdruck zu erkennen und die Behandlung anzupassen [@whelton2018].\n\n<!-- more -->\n\n## So messen Sie richtig\n\n1. Setzen Sie sich fünf Minuten ruhig hin, Rücken angelehnt, Füße auf dem Boden.\n2. Legen Sie den Arm auf Herzhöhe ab; die Manschette muss passen.\n3. Messen Sie zweimal im Abstand von einer Minute und notieren Sie beide Werte.\n\n## Wann Sie uns anrufen sollten\n\nRufen Sie in der Praxis an, wenn Ihre Werte oft über 135/85 mmHg liegen.\n",
            disclaimer: "Diese Informationen ersetzen keine ärztliche Beratung.",
            credentials: "Fachärztin für Allgemeinmedizin",
        },
        "fr" => Texts {
            section: "articles",
            site_title: "Mon cabinet",
            description: "Des informations de santé fiables, relues par un médecin.",
            home: "Bienvenue. Ces articles expliquent des questions de santé courantes en langage simple.",
            section_title: "Informations santé",
            article_title: "Mesurer sa tension à domicile",
            article_description: "Comment obtenir des mesures fiables.",
            article: "Les mesures à domicile aident à dépister l’hypertension et à ajuster le traitement [@whelton2018].\n\n<!-- more -->\n\n## Comment mesurer\n\n1. Restez assis au calme pendant cinq minutes.\n2. Posez le bras à hauteur du cœur.\n3. Faites deux mesures à une minute d’intervalle et notez-les.\n",
            disclaimer: "Ces informations ne remplacent pas une consultation médicale.",
            credentials: "Médecin généraliste",
        },
        "nl" => Texts {
            section: "artikelen",
            site_title: "Mijn praktijk",
            description: "Betrouwbare gezondheidsinformatie, medisch gecontroleerd.",
            home: "Welkom. Deze artikelen leggen veelgestelde gezondheidsvragen uit in gewone taal.",
            section_title: "Gezondheidsinformatie",
            article_title: "Thuis je bloeddruk meten",
            article_description: "Zo krijg je metingen waarop je kunt vertrouwen.",
            article: "Thuismetingen helpen om hoge bloeddruk te vinden en de behandeling aan te passen [@whelton2018].\n\n<!-- more -->\n\n## Zo meet je\n\n1. Zit vijf minuten rustig, rug gesteund.\n2. Leg je arm op hoogte van je hart.\n3. Meet twee keer met een minuut ertussen en schrijf beide waarden op.\n",
            disclaimer: "Deze informatie vervangt geen consult bij je arts.",
            credentials: "Huisarts",
        },
        _ => return None,
    })
}

const BIB: &str = r#"@article{whelton2018,
  author  = {Whelton, Paul K. and Carey, Robert M. and Aronow, Wilbert S. and others},
  title   = {2017 {ACC/AHA/AAPA/ABC/ACPM/AGS/APhA/ASH/ASPC/NMA/PCNA} Guideline for the Prevention, Detection, Evaluation, and Management of High Blood Pressure in Adults},
  journal = {Hypertension},
  year    = {2018},
  volume  = {71},
  number  = {6},
  pages   = {e13--e115},
  doi     = {10.1161/HYP.0000000000000065},
}
"#;

/// Writes the scaffold into `dir`; returns the files written.
pub fn scaffold(dir: &Path, lang: &str, today: crate::date::Date) -> Result<Vec<PathBuf>, String> {
    let t = texts(lang).ok_or_else(|| {
        format!("`--lang {lang}` is not available for init: use en, de, fr or nl")
    })?;
    if dir.join(crate::config::CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(format!(
            "{} already contains a site (praxis.toml or content/); choose an empty folder",
            dir.display()
        ));
    }
    let today = today.iso();
    let files: Vec<(PathBuf, String)> = vec![
        (
            PathBuf::from("praxis.toml"),
            format!(
                "title = \"{}\"\nbase_url = \"https://example.org/\"\ndescription = \"{}\"\ndefault_language = \"{lang}\"\nbibliography = \"references.bib\"\nreview_interval = \"12 months\"\ndisclaimer = \"{}\"\ndefault_authors = [\"me\"]\n\n[authors.me]\nname = \"Dr. Jane Doe\"\ncredentials = \"{}\"\naffiliation = \"\"\n",
                t.site_title, t.description, t.disclaimer, t.credentials
            ),
        ),
        (
            PathBuf::from("content/_index.md"),
            format!("+++\ntitle = \"{}\"\n+++\n\n{}\n", t.site_title, t.home),
        ),
        (
            PathBuf::from(format!("content/{}/_index.md", t.section)),
            format!(
                "+++\ntitle = \"{}\"\nsort_by = \"date\"\n+++\n",
                t.section_title
            ),
        ),
        (
            PathBuf::from(format!("content/{}/blood-pressure.md", t.section)),
            format!(
                "+++\ntitle = \"{}\"\ndescription = \"{}\"\ndate = {today}\nlast_reviewed = {today}\ntags = [\"hypertension\"]\n+++\n\n{}",
                t.article_title, t.article_description, t.article
            ),
        ),
        (PathBuf::from("references.bib"), BIB.to_owned()),
        (PathBuf::from("static/.gitkeep"), String::new()),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(rel);
    }
    Ok(written)
}

pub fn run(args: Args, g: &Global) -> u8 {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    match scaffold(&dir, &args.lang, crate::date::Date::today()) {
        Ok(files) => {
            if !g.quiet {
                for f in &files {
                    eprintln!("  created {}", dir.join(f).display());
                }
                eprintln!(
                    "New site in {}. Next: praxis build --root {}",
                    dir.display(),
                    dir.display()
                );
            }
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            if e.contains("--lang") {
                exit::USAGE
            } else {
                exit::CONTENT
            }
        }
    }
}
