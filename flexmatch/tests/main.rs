//! The rule engine's integration tests, in one test binary: every file of this folder is a
//! module of it, so `cargo test -p playfield-flexmatch --test flexmatch flexmatch_party::`
//! runs one file's tests.
//!
//! A new test file is added here as `mod x;` (Cargo.toml says `autotests = false`, so a file
//! not declared here is not built; `every_test_file_is_declared_in_its_main_rs`, in
//! the testkit, checks it).
//! The helpers in `common/` are declared once below: `use crate::common::*;`.

mod common;

mod flexmatch_engine;
mod flexmatch_examples;
mod flexmatch_party;
mod flexmatch_props;
mod flexmatch_rules;
mod flexmatch_validation;
mod fuzz_regressions;
mod ruleset_parser_props;
