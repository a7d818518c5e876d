//! Small, documented repairs to the text hayagriva formats, where it differs
//! from the CSL specification (and from Pandoc's citeproc) in ways a style
//! file cannot avoid.

/// Stands in for `-` in report numbers while the engine formats them: the
/// engine reads "053-002" (an AWMF register number) as the range 53–2 even
/// when it is given as text, but leaves a non-breaking hyphen (U+2011) alone.
pub const NUMBER_HYPHEN: &str = "\u{2011}";

/// The engine's HTML or plain text of an entry or citation, repaired:
///
/// - report numbers get their hyphens back (see [`NUMBER_HYPHEN`]);
/// - a space before a semicolon goes: hayagriva writes the delimiter of a
///   date part that is missing ("1907 ;64" for a year without month in
///   Vancouver). CSL styles do not put a space before a semicolon (CSL
///   has no French spacing rules), so none is lost.
pub fn engine_text(s: String) -> String {
    let mut s = s;
    if s.contains(NUMBER_HYPHEN) {
        s = s.replace(NUMBER_HYPHEN, "-");
    }
    if s.contains(" ;") {
        s = s.replace(" ;", ";");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs() {
        assert_eq!(engine_text("Nr. 053\u{2011}002".into()), "Nr. 053-002");
        assert_eq!(engine_text("1907 ;64:146–8.".into()), "1907;64:146–8.");
        assert_eq!(engine_text("2020 Dec 3;54".into()), "2020 Dec 3;54");
    }
}
