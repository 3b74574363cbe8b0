//! The rule engine's integration tests, in one test binary: every file of this folder is a
//! module of it, so `cargo test -p playfield-flexmatch --test flexmatch flexmatch_party::`
//! runs one file's tests.
//!
//! A new test file is added here as `mod x;` (Cargo.toml says `autotests = false`, so a file
//! not declared here is not built; `every_test_file_is_declared_in_main_rs` checks it).
//! The helpers in `common/` are declared once below: `use crate::common::*;`.

mod common;

mod flexmatch_engine;
mod flexmatch_examples;
mod flexmatch_party;
mod flexmatch_props;
mod flexmatch_rules;
mod flexmatch_validation;
mod ruleset_parser_props;

/// With `autotests = false` Cargo builds no file of this folder on its own: a test file not
/// declared above would silently not run.
#[test]
fn every_test_file_is_declared_in_main_rs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = include_str!("main.rs");
    let mut missing: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let module = name.strip_suffix(".rs")?;
            (module != "main").then(|| module.to_owned())
        })
        .filter(|m| !main.lines().any(|l| l.trim() == format!("mod {m};")))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "{}: add `mod x;` to tests/main.rs for each of {missing:?}",
        dir.display()
    );
}
