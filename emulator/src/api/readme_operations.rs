//! The README's list of supported service operations, checked against the router's registry
//! so it never goes stale (issue 17 item 7).
//!
//! The list sits between two markers in the README; this test renders it from
//! [`handlers::router`](super::handlers::router) and compares. To regenerate after adding or
//! removing an operation:
//! `PLAYFIELD_UPDATE_README=1 cargo test -p playfield --lib readme_operations`.

use super::handlers;
use super::model::ServiceModel;
use std::path::Path;

const BEGIN: &str =
    "<!-- operations: generated from the API router; see emulator/src/api/readme_operations.rs -->";
const END: &str = "<!-- operations end -->";
const REGENERATE: &str =
    "PLAYFIELD_UPDATE_README=1 cargo test -p playfield --lib readme_operations";

/// The block the README holds between the markers: one line per operation.
fn render(operations: &[&str]) -> String {
    let mut out = String::new();
    for op in operations {
        out.push_str(&format!("- `{op}`\n"));
    }
    out
}

/// The operations a rendered block names.
fn parse(block: &str) -> Vec<String> {
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- `")?.strip_suffix('`'))
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_lists_every_supported_operation() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md at the repository root");
    let router = handlers::router(ServiceModel::gamelift());
    let operations = router.operations();
    let generated = render(&operations);

    let (Some(begin), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md has no operation list between\n  {BEGIN}\nand\n  {END}\n(add both lines, then run {REGENERATE})");
    };
    let body_start = begin + BEGIN.len() + 1;
    assert!(
        body_start <= end,
        "README.md: the operations end marker comes before the start"
    );
    let listed = &readme[body_start..end];
    if std::env::var_os("PLAYFIELD_UPDATE_README").is_some() {
        let updated = format!("{}{generated}{}", &readme[..body_start], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    if listed != generated {
        let in_readme = parse(listed);
        let missing: Vec<&str> = operations
            .iter()
            .copied()
            .filter(|op| !in_readme.iter().any(|l| l == op))
            .collect();
        let extra: Vec<&String> = in_readme
            .iter()
            .filter(|l| !operations.contains(&l.as_str()))
            .collect();
        panic!(
            "README.md's operation list is stale.\n  supported but not listed: {missing:?}\n  listed but not supported: {extra:?}\nRegenerate it with\n  {REGENERATE}\nand commit the result"
        );
    }
}

#[test]
fn the_list_reads_back_what_it_renders() {
    let ops = ["CreateFleet", "StartMatchmaking"];
    assert_eq!(parse(&render(&ops)), ops);
}
