//! `RuleSet::parse` on any text (the body of CreateMatchmakingRuleSet and
//! ValidateMatchmakingRuleSet, and rule set files named in the config file).
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use playfield_flexmatch::{Pool, RuleSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match RuleSet::parse(text) {
        Ok(rs) => {
            // A rule set that parses must also make a pool and run an empty pass.
            let mut pool = Pool::new(Arc::new(rs));
            let _ = pool.find_matches(0, 0);
        }
        Err(errors) => {
            let _ = errors.to_string();
        }
    }
});
