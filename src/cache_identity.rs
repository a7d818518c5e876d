//! Which binary wrote a file in `.praxis-cache/`.
//!
//! The caches that skip work by remembering what some inputs gave last time
//! (the share cards' layout index, the formatted references) are only as right
//! as the code that filled them: a new release may lay out a card or format a
//! reference differently from the same inputs. Such files start with this
//! identity — the version, and the size and modification time of the running
//! executable — and are read only by the binary that wrote them. Anything else
//! only costs the work again.

/// The running binary: its version, and its file's size and time.
pub fn identity() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok());
    let stamp = exe.map_or((0, 0), |m| {
        let nanos = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        (m.len(), nanos)
    });
    format!(
        "praxis {} {} {}",
        env!("CARGO_PKG_VERSION"),
        stamp.0,
        stamp.1
    )
}

/// Writes `bytes` to `file` through a file beside it and a rename, so that a
/// build killed meanwhile leaves the old file or the new one; failures are
/// ignored (a cache that cannot be written only costs the work next time).
pub fn store(file: &std::path::Path, bytes: &[u8]) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
