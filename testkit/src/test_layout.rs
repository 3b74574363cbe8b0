//! The workspace's integration tests are one binary per crate (`<crate>/tests/main.rs`, with
//! `autotests = false` in the crate's Cargo.toml: issue 17 item 1). Cargo then builds no
//! file of a `tests/` folder on its own, so a test file not declared in its `main.rs` would
//! silently never run. One check here covers every crate's folder.

use std::path::{Path, PathBuf};

/// The `tests/` folders of the workspace's crates that gather their tests in a `main.rs`.
fn test_folders(workspace: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(workspace)
        .unwrap_or_else(|e| panic!("{}: {e}", workspace.display()))
        .filter_map(|e| Some(e.ok()?.path().join("tests")))
        .filter(|dir| dir.join("main.rs").is_file())
        .collect();
    folders.sort();
    folders
}

/// The `.rs` files of `dir` (but `main.rs`) that its `main.rs` does not declare as `mod x;`.
fn undeclared(dir: &Path) -> Vec<String> {
    let main = std::fs::read_to_string(dir.join("main.rs"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("main.rs").display()));
    let mut missing: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let module = name.strip_suffix(".rs")?;
            (module != "main").then(|| module.to_owned())
        })
        .filter(|m| !main.lines().any(|l| l.trim() == format!("mod {m};")))
        .collect();
    missing.sort();
    missing
}

#[test]
fn every_test_file_is_declared_in_its_main_rs() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the testkit sits in the workspace");
    let folders = test_folders(workspace);
    // sdk, flexmatch, emulator, ffi and the end-to-end tests: a check that found no folder
    // would pass for nothing.
    assert!(folders.len() >= 5, "only {folders:?} have a tests/main.rs");
    let problems: Vec<String> = folders
        .iter()
        .filter_map(|dir| {
            let missing = undeclared(dir);
            (!missing.is_empty()).then(|| {
                format!(
                    "{}: add `mod x;` to main.rs for each of {missing:?}",
                    dir.display()
                )
            })
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_undeclared_test_file_is_found() {
    let dir = std::env::temp_dir().join(format!("playfield-test-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("main.rs"), "mod declared;\n").expect("main.rs");
    std::fs::write(dir.join("declared.rs"), "").expect("declared.rs");
    std::fs::write(dir.join("forgotten.rs"), "").expect("forgotten.rs");
    let missing = undeclared(&dir);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(missing, ["forgotten"]);
}
