//! The output of a template render as text, without checking again the
//! UTF-8 of the strings the render context already holds as text.
//!
//! Tera writes a render as bytes, and making those bytes a `String` checks
//! every one of them. Most of a page's bytes are its own HTML (`page.content`,
//! `page.references`, `page.jsonld`), which are strings in the context
//! already and reach the output as one write of exactly that string. A
//! [`TextSink`] is told those strings: a write that is one of them (the same
//! address and length) is appended as the string it is; any other write is
//! checked as it comes. The text is the same either way.

use std::io::{self, Write};

/// A `Write` that collects a render as a `String` (see the module doc).
pub struct TextSink<'k> {
    out: String,
    known: Vec<&'k str>,
    /// What was written since the last known string, checked as one run
    /// when the next known string comes or the render ends (one check per
    /// run rather than one per write).
    unchecked: Vec<u8>,
}

impl<'k> TextSink<'k> {
    /// A sink of `capacity` bytes that trusts writes of exactly `known`.
    pub fn new(capacity: usize, known: Vec<&'k str>) -> TextSink<'k> {
        TextSink {
            out: String::with_capacity(capacity),
            known,
            unchecked: Vec::with_capacity(16 * 1024),
        }
    }

    /// The text written; an error when some of it is not UTF-8.
    pub fn finish(mut self) -> io::Result<String> {
        self.check_run()?;
        Ok(self.out)
    }

    /// Appends the run of unchecked bytes, when it is UTF-8.
    fn check_run(&mut self) -> io::Result<()> {
        if !self.unchecked.is_empty() {
            let run = std::str::from_utf8(&self.unchecked).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the template wrote text that is not UTF-8",
                )
            })?;
            self.out.push_str(run);
            self.unchecked.clear();
        }
        Ok(())
    }
}

impl Write for TextSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let same = |k: &&&str| std::ptr::eq(k.as_ptr(), buf.as_ptr()) && k.len() == buf.len();
        match self.known.iter().find(same) {
            Some(&s) => {
                self.check_run()?;
                self.out.push_str(s);
            }
            None => self.unchecked.extend_from_slice(buf),
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_strings_and_checked_writes_make_the_same_text() {
        let content = String::from("<p>Blutdruck – 120/80 mmHg</p>");
        let mut sink = TextSink::new(8, vec![content.as_str()]);
        sink.write_all(b"<main>").expect("write");
        sink.write_all(content.as_bytes()).expect("write");
        // The same text at another address is checked, and kept as well.
        let copy = content.clone();
        sink.write_all(copy.as_bytes()).expect("write");
        sink.write_all("</main> ✓".as_bytes()).expect("write");
        assert_eq!(
            sink.finish().expect("text"),
            format!("<main>{content}{content}</main> ✓")
        );
    }

    #[test]
    fn a_character_split_between_writes_is_joined() {
        let text = "Ärzte – Überweisung";
        let bytes = text.as_bytes();
        let mut sink = TextSink::new(0, Vec::new());
        // Split inside "Ä" (two bytes) and inside "–" (three bytes).
        for part in [&bytes[..1], &bytes[1..8], &bytes[8..9], &bytes[9..]] {
            sink.write_all(part).expect("write");
        }
        assert_eq!(sink.finish().expect("text"), text);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error() {
        let mut sink = TextSink::new(0, Vec::new());
        sink.write_all(&[b'a', 0xff, b'b'])
            .expect("checked at the end");
        assert!(sink.finish().is_err());
        let mut sink = TextSink::new(0, Vec::new());
        sink.write_all(&"é".as_bytes()[..1])
            .expect("incomplete so far");
        assert!(sink.finish().is_err(), "ends inside a character");
    }
}
