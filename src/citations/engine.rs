//! Runs the citation engine so that a known panic in it does not fail a page.
//!
//! hayagriva 0.10 can panic (index out of bounds in `disambiguate_names`)
//! while adding given names to tell apart works whose citations read alike
//! ("Pitt et al., 2020") but that have different numbers of authors, in styles
//! with `disambiguate-add-names` and `disambiguate-add-givenname` under the
//! `by-cite` rule (Harvard). Fuzzing found it. [`run`] formats with the style
//! as it is and, should the engine panic, once more with given-name
//! disambiguation turned off: the page is rendered, its citations are told
//! apart by names and year suffixes only. A second panic is passed on (the
//! page's guard turns it into an error).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use hayagriva::citationberg::IndependentStyle;

thread_local! {
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is in a first engine run whose panic [`run`] catches
/// (for panic hooks that should stay quiet about it).
pub fn panic_is_caught() -> bool {
    INSIDE.with(Cell::get)
}

/// Calls `work` with `(citation style, bibliography style)`; on a panic, again
/// with copies of both without given-name disambiguation.
pub fn run<R>(
    cite: &IndependentStyle,
    finish: &IndependentStyle,
    work: impl Fn(&IndependentStyle, &IndependentStyle) -> R,
) -> R {
    INSIDE.with(|c| c.set(true));
    let first = catch_unwind(AssertUnwindSafe(|| work(cite, finish)));
    INSIDE.with(|c| c.set(false));
    match first {
        Ok(r) => r,
        Err(payload) => {
            let plain = |s: &IndependentStyle| {
                if !s.citation.disambiguate_add_givenname {
                    return None;
                }
                let mut s = s.clone();
                s.citation.disambiguate_add_givenname = false;
                Some(s)
            };
            let (c, f) = (plain(cite), plain(finish));
            if c.is_none() && f.is_none() {
                resume_unwind(payload);
            }
            work(c.as_ref().unwrap_or(cite), f.as_ref().unwrap_or(finish))
        }
    }
}

/// Wraps the current panic hook so that it stays quiet about panics [`run`]
/// recovers from (no "thread panicked" on stderr for a page that renders
/// fine). Call once at start-up, after any hook of one's own is set.
pub fn hide_recovered_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let outer = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !panic_is_caught() {
                outer(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CitationStyle;
    use std::path::Path;

    fn style(name: &str) -> IndependentStyle {
        crate::citations::style::load(&CitationStyle::Builtin(name.into()), Path::new("."))
            .expect("built-in style")
    }

    #[test]
    fn a_panic_is_retried_without_given_name_disambiguation() {
        hide_recovered_panics();
        let harvard = style("harvard");
        assert!(harvard.citation.disambiguate_add_givenname);
        let used = run(&harvard, &harvard, |c, f| {
            assert!(!c.citation.disambiguate_add_givenname, "engine bug");
            (
                c.citation.disambiguate_add_givenname,
                f.citation.disambiguate_add_givenname,
            )
        });
        assert_eq!(used, (false, false));
        assert!(!panic_is_caught());
    }

    #[test]
    fn a_panic_with_nothing_to_turn_off_is_passed_on() {
        let vancouver = style("vancouver");
        let result = catch_unwind(|| run(&vancouver, &vancouver, |_, _| -> u8 { panic!("bug") }));
        assert!(result.is_err());
    }
}
