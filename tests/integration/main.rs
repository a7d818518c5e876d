//! Whole builds of fixture sites. One test binary, one module per area.

mod bad_input;
mod bad_inputs;
mod browser_util;
mod build_site;
mod cards;
mod check;
mod citations;
mod cli;
mod confidentiality;
mod example_site;
mod full_disk;
mod fuzz_regressions;
mod hardening;
mod import;
mod incremental;
mod pandoc_compare;
mod publish;
mod serve;
mod serve_limits;
mod serve_watch;
mod site_outputs;
mod social;
mod streamed_build;
mod theme_browser;
mod trust;
mod util;
