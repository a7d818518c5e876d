//! A progress line on stderr while share cards are drawn.
//!
//! Drawing a large site's cards from scratch takes seconds; a terminal shows
//! how far it got. Nothing is printed when stderr is not a terminal (logs,
//! CI, tests) or when there are only a few cards to draw.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Fewer cards than this are drawn without a progress line.
const MIN_CARDS: usize = 50;
/// The line is redrawn at most this often.
const INTERVAL: Duration = Duration::from_millis(100);
const BAR: usize = 30;

pub struct Progress {
    total: usize,
    done: AtomicUsize,
    /// When the line was last drawn; None while nothing is shown.
    shown: Mutex<Option<Instant>>,
    enabled: bool,
}

impl Progress {
    /// A progress line for `total` cards, shown only on a terminal.
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            done: AtomicUsize::new(0),
            shown: Mutex::new(None),
            enabled: total >= MIN_CARDS && std::io::stderr().is_terminal(),
        }
    }

    /// One more card is done (called from the drawing threads).
    pub fn tick(&self) {
        if !self.enabled {
            return;
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        // A thread that finds another one drawing simply skips this update.
        let Ok(mut shown) = self.shown.try_lock() else {
            return;
        };
        if shown.is_some_and(|t| t.elapsed() < INTERVAL) && done < self.total {
            return;
        }
        *shown = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}", line(done, self.total));
        let _ = err.flush();
    }

    /// Clears the line, so the build's summary starts on a clean line.
    pub fn finish(&self) {
        let shown = self.shown.lock().map(|s| s.is_some()).unwrap_or(true);
        if self.enabled && shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// `Drawing share cards [#######-----…] 120/480`.
fn line(done: usize, total: usize) -> String {
    let filled = (done * BAR).checked_div(total).unwrap_or(BAR).min(BAR);
    format!(
        "Drawing share cards [{}{}] {done}/{total}",
        "#".repeat(filled),
        "-".repeat(BAR - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(
            line(0, 10),
            format!("Drawing share cards [{}] 0/10", "-".repeat(30))
        );
        assert_eq!(
            line(5, 10),
            format!(
                "Drawing share cards [{}{}] 5/10",
                "#".repeat(15),
                "-".repeat(15)
            )
        );
        assert_eq!(
            line(10, 10),
            format!("Drawing share cards [{}] 10/10", "#".repeat(30))
        );
    }

    #[test]
    fn few_cards_or_no_terminal_print_nothing() {
        // Tests run with stderr captured: never a terminal.
        let p = Progress::new(1000);
        assert!(!p.enabled);
        p.tick();
        p.finish();
        assert!(!Progress::new(3).enabled);
    }
}
