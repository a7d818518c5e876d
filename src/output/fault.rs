//! A full disk on demand, for tests of what `praxis build` does when the
//! output's filesystem fills up: a real small filesystem needs privileges a
//! CI runner may not have, so debug builds can be told to fail like one.
//!
//! With `PRAXIS_FAULT_DISK_FULL_AFTER=N` in the environment, a debug build of
//! praxis fails every output write once `N` bytes have been written, with the
//! operating system's "no space left on device" error. Release builds do not
//! read the variable; this module compiles to nothing there.

use std::io;

/// The variable naming the byte budget.
#[cfg(debug_assertions)]
const VAR: &str = "PRAXIS_FAULT_DISK_FULL_AFTER";

/// Accounts for writing `len` bytes; fails like a full disk once over budget.
#[cfg(debug_assertions)]
pub fn before_write(len: usize) -> io::Result<()> {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};

    static BUDGET: OnceLock<Option<u64>> = OnceLock::new();
    static WRITTEN: AtomicU64 = AtomicU64::new(0);
    let budget = BUDGET.get_or_init(|| std::env::var(VAR).ok().and_then(|v| v.parse().ok()));
    let Some(budget) = *budget else {
        return Ok(());
    };
    let total = WRITTEN.fetch_add(len as u64, Ordering::SeqCst) + len as u64;
    if total > budget {
        Err(disk_full())
    } else {
        Ok(())
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn before_write(_len: usize) -> io::Result<()> {
    Ok(())
}

/// The error a full disk gives.
#[cfg(debug_assertions)]
fn disk_full() -> io::Error {
    #[cfg(unix)]
    {
        // ENOSPC on Linux and macOS alike.
        io::Error::from_raw_os_error(28)
    }
    #[cfg(not(unix))]
    {
        io::Error::new(io::ErrorKind::StorageFull, "no space left on device")
    }
}

#[cfg(all(test, debug_assertions, unix))]
mod tests {
    #[test]
    fn the_error_is_the_systems_full_disk() {
        let e = super::disk_full();
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
        assert!(e.to_string().contains("No space left"), "{e}");
    }
}
