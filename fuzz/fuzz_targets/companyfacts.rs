#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| amzdb_fuzz::companyfacts(data));
