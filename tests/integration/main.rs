//! Whole builds of fixture sites. One test binary, one module per area.

mod bad_input;
mod build_site;
mod cards;
mod check;
mod citations;
mod cli;
mod example_site;
mod import;
mod incremental;
mod pandoc_compare;
mod publish;
mod serve;
mod site_outputs;
mod trust;
mod util;
