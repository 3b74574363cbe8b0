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

mod webhook;

use std::time::Duration;

pub use webhook::{fail_first, ok, Policy, Received, Webhook};

/// How long a test waits for a message or a state change caused by I/O.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);
