//! The loader on arbitrary bytes: it must return a model or errors, never panic, hang or
//! exhaust memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = archdoc::model::load_bytes(data, "fuzz.yaml", &archdoc::model::Limits::default());
});
