//! The kit printed for people (Markdown), scripts (JSON) or spreadsheets (CSV).

use super::Kit;

/// A code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// One section per article, one subsection per platform with its length,
/// the image to attach and the text in a code block (easy to copy).
pub fn markdown(kits: &[Kit]) -> String {
    let mut out = String::new();
    for (i, k) in kits.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("# {}\n\n", k.title));
        out.push_str(&format!("`{}` · {} · <{}>\n", k.file, k.lang, k.url));
        for p in &k.posts {
            out.push_str(&format!(
                "\n## {} ({}/{})\n\n",
                p.platform.label(),
                p.length,
                p.limit
            ));
            if let Some(img) = &p.image {
                out.push_str(&format!("Image: `{img}`\n\n"));
            }
            let f = fence(&p.text);
            out.push_str(&format!("{f}text\n{}\n{f}\n", p.text));
        }
    }
    out
}

/// `{ "articles": [ { file, lang, title, url, date, posts: [ … ] } ] }`.
pub fn json(kits: &[Kit]) -> String {
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({ "articles": kits })).unwrap_or_default();
    s.push('\n');
    s
}

/// One CSV field, quoted when it must be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// RFC 4180: a header row, one row per article and platform, CRLF line ends;
/// the text keeps its line breaks inside quotes.
pub fn csv(kits: &[Kit]) -> String {
    let mut out = String::from("file,lang,title,platform,length,limit,url,image,hashtags,text\r\n");
    for k in kits {
        for p in &k.posts {
            let fields = [
                k.file.clone(),
                k.lang.clone(),
                k.title.clone(),
                p.platform.name().to_owned(),
                p.length.to_string(),
                p.limit.to_string(),
                p.url.clone().unwrap_or_default(),
                p.image.clone().unwrap_or_default(),
                p.hashtags.join(" "),
                p.text.clone(),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_in_the_text() {
        assert_eq!(fence("plain"), "```");
        assert_eq!(fence("a ```` b"), "`````");
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
