//! The largest Markdown file praxis reads, so memory stays bounded.
//!
//! A build holds each article several times over (its text, the parsed
//! events, the HTML, the checks' copies of its words): peak memory grew by
//! 25 to 45 bytes per byte of Markdown from 1 to 4 MB articles. A blog
//! article is rarely above 200 KB and a book-length one about 1 MB; a file of
//! tens of megabytes is a mistake (a pasted export, photos embedded as `data:` URLs), and reading it
//! would take gigabytes. So Markdown files above [`MAX_MARKDOWN_BYTES`] are an
//! error, found from the file's size before its text is read, and the read
//! itself stops at the limit should the file grow meanwhile.

use std::io::Read;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// The largest Markdown file accepted: 16 MiB.
pub const MAX_MARKDOWN_BYTES: u64 = 16 * 1024 * 1024;

/// Reads the Markdown file `abs` (shown as `file`), at most `limit` bytes.
pub fn read_markdown_bytes(abs: &Path, file: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    let io_error = |e: std::io::Error| {
        Diagnostic::error("io", format!("cannot read the file: {e}")).in_file(file)
    };
    let f = std::fs::File::open(abs).map_err(io_error)?;
    let len = f.metadata().map_err(io_error)?.len();
    if len > limit {
        return Err(too_large(file, len, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    f.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(file, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn too_large(file: &Path, len: u64, limit: u64) -> Diagnostic {
    Diagnostic::error(
        "too-large",
        format!(
            "the file is {}; a Markdown file may be at most {}",
            megabytes(len),
            megabytes(limit)
        ),
    )
    .in_file(file)
    .with_hint(
        "split it into several articles; images pasted as data: URLs belong in files \
         beside the article (a folder with an index.md)",
    )
}

/// `50.0 MB` (powers of 1024, as file managers on most systems show them).
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_beyond() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "x".repeat(1000)).expect("write");
        let file = Path::new("content/a.md");
        assert_eq!(
            read_markdown_bytes(&path, file, 1000).expect("fits").len(),
            1000
        );
        let e = read_markdown_bytes(&path, file, 999).expect_err("too large");
        let text = e.render(false);
        assert!(text.contains("content/a.md"), "{text}");
        assert!(
            text.contains("the file is 0.0 MB; a Markdown file may be at most 0.0 MB"),
            "{text}"
        );
        assert_eq!(megabytes(50 * 1024 * 1024), "50.0 MB");
        assert_eq!(megabytes(MAX_MARKDOWN_BYTES), "16.0 MB");
    }
}
