#![no_main]
//! Fuzz target: see `praxis::fuzzing::config`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| praxis::fuzzing::fuzz(praxis::fuzzing::config, data));
