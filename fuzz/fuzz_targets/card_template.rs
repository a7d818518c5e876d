#![no_main]
//! Fuzz target: see `praxis::fuzzing::card_template`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| praxis::fuzzing::fuzz(praxis::fuzzing::card_template, data));
