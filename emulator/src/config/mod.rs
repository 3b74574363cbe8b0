//! The startup file: everything `playfield serve` brings up before the first request.
//!
//! A configuration is read in two passes. `raw` deserializes the TOML text as written, keeping
//! the position of every value a later check may complain about; `resolve` then checks what
//! serde cannot (names unique, references that resolve, values in range, rule set files that
//! exist) and produces the plain [`Config`] the daemon applies. Every problem found in either
//! pass becomes a [`ConfigError`] naming the file, line, column and key, and all of them are
//! reported at once, so a user fixes the file in one go.
//!
//! With no file, [`Config::embedded_default`] serves: one fleet, one queue, a 1v1 rule set and
//! one matchmaking configuration that uses them.

mod error;
mod raw;
mod resolve;
mod setup;

pub use error::{ConfigError, ConfigErrors};

use crate::core::matchmaking::configurations::{BackfillMode, FlexMatchMode};
use crate::core::matchmaking::queues::{PlayerLatencyPolicy, PriorityType};

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The default configuration, compiled in. Also the annotated example's starting point.
pub const EMBEDDED_DEFAULT: &str = include_str!("default.toml");

/// A checked configuration, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// AWS region used in ARNs and events.
    pub region: String,
    /// The 12-digit account id used in ARNs and events.
    pub account_id: String,
    pub listen: Listen,
    /// PEM files for the wss:// listener; `None` makes the daemon generate a self-signed pair.
    pub tls: Option<TlsFiles>,
    pub auth: Auth,
    pub gateway: GatewayTimeouts,
    pub events: EventsSettings,
    pub fleets: Vec<Fleet>,
    pub queues: Vec<Queue>,
    pub rule_sets: Vec<RuleSet>,
    pub matchmaking_configurations: Vec<MatchmakingConfiguration>,
    pub notification_targets: Vec<NotificationTarget>,
}

/// Where the daemon listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listen {
    /// The AWS service API (awsJson1_1 and rpcv2Cbor).
    pub api: SocketAddr,
    /// Game servers over plain WebSocket.
    pub ws: SocketAddr,
    /// Game servers over TLS (the official C++ SDK always uses TLS).
    pub wss: SocketAddr,
}

/// A certificate and key in PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Whether callers must prove who they are: API callers by a SigV4 signature made with one
/// of `access_keys`, game servers by a GetComputeAuthToken token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth {
    pub required: bool,
    pub access_keys: Vec<crate::api::auth::AccessKey>,
}

/// `[events]`: what bounds the events waiting for a notification target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventsSettings {
    /// Events each notification target may have waiting for delivery (and an SNS target may
    /// hold while unconfirmed). Past it, newer events for that target are dropped, counted
    /// and summarised in the log; the waiting ones keep their order (docs/events.md).
    pub max_pending_events: usize,
}

/// The largest `[events] max_pending_events` accepted: each waiting event is a few hundred
/// bytes to a few KiB, so this bounds the memory a dead target can hold to a few GiB.
pub const MAX_PENDING_EVENTS_LIMIT: u64 = 1_000_000;

/// How long the gateway waits before it gives up on a game server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayTimeouts {
    /// A process that sends no heartbeat for this long is gone.
    pub heartbeat_timeout_seconds: u64,
    /// A process that disconnected and has not reconnected after this long is gone.
    pub reconnect_grace_seconds: u64,
    /// A game session still ACTIVATING after this long ends in error.
    pub activation_timeout_seconds: u64,
    /// A game server connecting with a fleet id no fleet has gets that fleet created
    /// (Anywhere, location `custom-local`, logged); `false` refuses it, naming the known
    /// fleets — the strict mode for catching a mistyped fleet id.
    pub accept_unknown_fleets: bool,
}

/// A fleet of game server processes on this machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet {
    /// `fleet-…`; servers connect with this as their FleetId.
    pub id: String,
    pub name: String,
    /// Custom locations (`custom-…`); the first is where launched processes run.
    pub locations: Vec<String>,
    /// Processes the daemon starts and supervises, like a managed fleet's runtime configuration.
    pub launch: Option<LaunchSpec>,
}

/// How to start a fleet's game server processes.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchSpec {
    pub executable: PathBuf,
    pub arguments: Vec<String>,
    pub concurrent_processes: u32,
    pub environment: BTreeMap<String, String>,
    pub working_directory: Option<PathBuf>,
}

/// A game session queue: where matches are placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub name: String,
    /// Fleet ids in preference order.
    pub destinations: Vec<String>,
    pub timeout_seconds: u32,
    pub player_latency_policies: Vec<PlayerLatencyPolicy>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
    /// FilterConfiguration.AllowedLocations; empty: every location.
    pub allowed_locations: Vec<String>,
    /// PriorityConfiguration.PriorityOrder; empty: destination order.
    pub priority_order: Vec<PriorityType>,
    /// PriorityConfiguration.LocationOrder.
    pub location_order: Vec<String>,
}

/// A matchmaking rule set: a name and its JSON text (validated when the daemon applies it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub name: String,
    pub body: String,
    /// The file the body came from, for error messages; `None` when inline.
    pub source: Option<PathBuf>,
}

/// A matchmaking configuration: which rule set matches, and what happens to the match.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchmakingConfiguration {
    pub name: String,
    pub description: Option<String>,
    pub rule_set: String,
    pub flex_match_mode: FlexMatchMode,
    /// The queue name (WITH_QUEUE only).
    pub queue: Option<String>,
    pub request_timeout_seconds: u32,
    pub acceptance_required: bool,
    pub acceptance_timeout_seconds: Option<u32>,
    pub backfill_mode: BackfillMode,
    pub additional_player_count: u32,
    pub game_properties: BTreeMap<String, String>,
    pub game_session_data: Option<String>,
    pub custom_event_data: Option<String>,
    /// The notification target's name.
    pub notification_target: Option<String>,
    /// PGOS matchmaking post-processing: the "virtual server" URL called when a match forms.
    pub post_processing_url: Option<String>,
}

/// The format events are delivered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventFormat {
    /// FlexMatch events in the EventBridge envelope, POSTed as JSON.
    Flexmatch,
    /// The same events wrapped in SNS HTTP notifications, after the subscription handshake.
    Sns,
    /// Tencent GPM event push.
    Gpm,
    /// PGOS extension events.
    Pgos,
}

/// Where a configuration's events go.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationTarget {
    /// What configurations name in `notification_target`; also usable as an SNS topic ARN.
    pub name: String,
    pub url: String,
    pub format: EventFormat,
    /// GPM: the match token receivers check (`MatchTokens`).
    pub match_token: Option<String>,
    /// PGOS: the `args` set on the portal for this trigger.
    pub args: BTreeMap<String, String>,
    /// `default = true`: this target also receives the events of configurations and queues
    /// whose notification target matches no `[[notification_targets]]` entry by name or by
    /// SNS topic ARN (e.g. a topic ARN given to CreateMatchmakingConfiguration). At most one.
    pub default: bool,
}

impl Config {
    /// The configuration used when `playfield serve` is given no file.
    pub fn embedded_default() -> Config {
        Config::from_toml_str(EMBEDDED_DEFAULT, Path::new("<embedded default>"))
            .expect("the embedded default configuration is valid (tested)")
    }

    /// Reads and checks a configuration file. Relative paths inside it (rule set files,
    /// executables, TLS files) are taken relative to the file's own directory.
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors::single(ConfigError::io(path, format!("cannot read the file: {e}")))
        })?;
        Config::from_toml_str(&text, path)
    }

    /// Checks a configuration given as text; `path` names it in errors and anchors relative
    /// paths.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
        let raw: raw::RawConfig = toml::from_str(text)
            .map_err(|e| ConfigErrors::single(ConfigError::from_toml(path, text, &e)))?;
        resolve::resolve(raw, path, text)
    }

    /// The ARN of a matchmaking configuration, as events and the API show it.
    pub fn matchmaking_configuration_arn(&self, name: &str) -> String {
        crate::core::arn::ArnIssuer::new(&self.region, &self.account_id)
            .matchmaking_configuration(name)
            .into()
    }
}

#[cfg(test)]
mod setup_tests;
#[cfg(test)]
mod tests;
