//! What Playfield's tests share across crates: the webhook receiver ([`Webhook`]) that stands
//! for a notification target. (The rule-set fixtures are the core's, `playfield_core::testing`
//! with the `testing` feature, for the same reason: one set, used by the core's unit tests, the
//! daemon's tests and benches, and the end-to-end tests.)
//!
//! A crate of its own, depending on no Playfield crate, because the daemon's integration
//! tests (`emulator/tests`) cannot sensibly use the end-to-end crate (`tests/`,
//! `playfield-e2e`): that crate depends on the daemon, so a dev-dependency back onto it would
//! build the daemon twice (the tested crate, and the e2e crate's dependency: its types would
//! not match in the daemon's own unit tests) and the whole e2e crate (a browser driver, the AWS
//! SDK) before any daemon test. Both depend on this one instead.

#![deny(missing_docs)]

#[cfg(test)]
mod test_layout;
mod webhook;

use std::time::Duration;

pub use webhook::{fail_first, ok, Policy, Received, Webhook};

/// How long a test waits for a message or a state change caused by I/O.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A `cargo` command for a build a test runs itself (a library or binary of another package),
/// started by the cargo that runs the test (`$CARGO`) and without the variables cargo sets for
/// the test process (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`, ...).
///
/// Inherited, those variables make the nested build differ from the user's: ring's build script
/// reruns when `CARGO_MANIFEST_DIR` changes (it is unset in a shell), so every such build and
/// every `cargo build` after it recompiled ring and everything above it (rustls, the sdk, the
/// daemon; issue 17 item 1).
pub fn nested_cargo() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        let set_by_cargo = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_EXE_")
            || matches!(
                name,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "OUT_DIR"
            );
        if set_by_cargo {
            command.env_remove(name);
        }
    }
    command
}
