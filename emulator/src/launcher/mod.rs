//! Starts and supervises the game server processes of fleets that declare a launch spec.
//!
//! A managed GameLift fleet runs the processes its runtime configuration lists and replaces
//! those that exit. The launcher does the same on the laptop: for each fleet with a
//! [`LaunchSpec`](crate::config::LaunchSpec) it keeps `concurrent_processes` processes running,
//! hands each the connection settings through the server SDK's environment variables
//! (`GAMELIFT_SDK_*`, sdk-wire-protocol.md §1.5), prefixes and logs their output, restarts them
//! when they exit — with growing delays when they crash right after starting — and stops them
//! on shutdown.
//!
//! The decisions (when to restart, how long to wait) live in `policy`, a pure state machine
//! tested with explicit times; `runner` is the thin async part that spawns processes and
//! feeds it; `spawn` starts each process so that it never outlives the daemon.

pub(crate) mod policy;
pub(crate) mod runner;
mod spawn;

pub use policy::RestartPolicy;
pub use runner::{Launcher, LauncherSettings};

use std::collections::BTreeMap;

/// The environment a launched process gets, on top of the spec's own variables.
///
/// The official SDKs read these in `InitSDK()` with no arguments (sdk-wire-protocol.md §1.5),
/// and they override explicit parameters, so a server built for a managed fleet connects to
/// Playfield unchanged.
pub(crate) fn sdk_environment(
    websocket_url: &str,
    process_id: &str,
    host_id: &str,
    fleet_id: &str,
    auth_token: &str,
) -> BTreeMap<String, String> {
    [
        ("GAMELIFT_SDK_WEBSOCKET_URL", websocket_url),
        ("GAMELIFT_SDK_PROCESS_ID", process_id),
        ("GAMELIFT_SDK_HOST_ID", host_id),
        ("GAMELIFT_SDK_FLEET_ID", fleet_id),
        ("GAMELIFT_SDK_AUTH_TOKEN", auth_token),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}
