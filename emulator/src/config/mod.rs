//! The startup file: everything `playfield serve` brings up before the first request.
//!
//! A configuration is read in two passes. `raw` is the parse layer: it deserializes the TOML
//! text as written, keeping the position of every value a later check may complain about;
//! `resolve` then checks what serde cannot (names unique, references that resolve, values in
//! range, rule set files that exist) and produces the plain [`Config`] the daemon applies.
//! Queues and matchmaking configurations resolve straight into the core's
//! [`QueueSpec`] and [`ConfigurationSpec`] — the same types the API builds — starting from
//! the specs' own defaults and reporting the specs' own problems
//! ([`ConfigurationSpec::problems`], [`QueueSpec::problems`]) at the key they come from. Every problem found in either
//! pass becomes a [`ConfigError`] naming the file, line, column and key, and all of them are
//! reported at once, so a user fixes the file in one go.
//!
//! With no file, `Config::embedded_default` serves: one fleet, one queue, a 1v1 rule set and
//! one matchmaking configuration that uses them.

mod error;
mod launch_paths;
mod raw;
mod resolve;
mod setup;

pub use error::{ConfigError, ConfigErrors};

use playfield_core::ConfigurationSpec;
use playfield_core::QueueSpec;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The default configuration, compiled in. Also the annotated example's starting point.
pub(crate) const EMBEDDED_DEFAULT: &str = include_str!("default.toml");

/// A checked configuration, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// AWS region used in ARNs and events.
    pub region: String,
    /// The 12-digit account id used in ARNs and events.
    pub(crate) account_id: String,
    /// Where the daemon listens: the file's `[listen]`, each address given on the command
    /// line ([`ListenFlags`]) in place of the file's.
    pub(crate) listen: Listen,
    /// PEM files for the wss:// listener; `None` makes the daemon generate a self-signed pair.
    pub(crate) tls: Option<TlsFiles>,
    /// Whether callers must prove who they are (SigV4 keys, compute auth tokens).
    pub(crate) auth: Auth,
    pub(crate) gateway: GatewayTimeouts,
    /// `[events]`: bounds on the events waiting for a notification target.
    pub(crate) events: EventsSettings,
    /// `[matchmaking] cycle_millis`: the tickets that arrive within one cycle are matched
    /// together (see `playfield_core::CoreConfig::matchmaking_cycle_ms`).
    pub(crate) matchmaking_cycle_millis: u64,
    /// The fleets game servers join.
    pub fleets: Vec<Fleet>,
    pub(crate) queues: Vec<QueueSpec>,
    pub(crate) rule_sets: Vec<RuleSet>,
    pub(crate) matchmaking_configurations: Vec<ConfigurationSpec>,
    /// Where configurations' and queues' events go.
    pub notification_targets: Vec<NotificationTarget>,
}

/// Where the daemon listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listen {
    /// The AWS service API (awsJson1_1 and rpcv2Cbor).
    pub(crate) api: SocketAddr,
    /// Game servers over plain WebSocket.
    pub(crate) ws: SocketAddr,
    /// Game servers over TLS (the official C++ SDK always uses TLS).
    pub(crate) wss: SocketAddr,
}

/// The listen addresses `playfield serve` takes on its command line (`--api-listen`,
/// `--ws-listen`, `--wss-listen`). Each one given replaces the file's `[listen]` value before
/// the file is checked, so that a fleet's `port_range` is checked against the ports the daemon
/// really listens on, and an error names the flag the port came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListenFlags {
    /// `--api-listen`: the service API listener.
    pub api: Option<SocketAddr>,
    /// `--ws-listen`: the plain WebSocket listener for game servers.
    pub ws: Option<SocketAddr>,
    /// `--wss-listen`: the TLS WebSocket listener for game servers.
    pub wss: Option<SocketAddr>,
}

/// A certificate and key in PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlsFiles {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
}

/// Whether callers must prove who they are: API callers by a SigV4 signature made with one
/// of `access_keys`, game servers by a GetComputeAuthToken token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Auth {
    /// Whether callers (API requests, game servers) must prove who they are.
    pub(crate) required: bool,
    /// The key pairs API requests may be signed with.
    pub(crate) access_keys: Vec<crate::api::auth::AccessKey>,
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
pub(crate) struct GatewayTimeouts {
    /// A process that sends no heartbeat for this long is gone.
    pub(crate) heartbeat_timeout_seconds: u64,
    /// A process that disconnected and has not reconnected after this long is gone.
    pub(crate) reconnect_grace_seconds: u64,
    /// A game session still ACTIVATING after this long ends in error.
    pub(crate) activation_timeout_seconds: u64,
    /// A game server connecting with a fleet id no fleet has gets that fleet created
    /// (Anywhere, location `custom-local`, logged); `false` refuses it, naming the known
    /// fleets — the strict mode for catching a mistyped fleet id.
    pub(crate) accept_unknown_fleets: bool,
}

/// A fleet of game server processes on this machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet {
    /// `fleet-…`; servers connect with this as their FleetId.
    pub id: String,
    /// The fleet's name.
    pub name: String,
    /// Custom locations (`custom-…`); the first is where launched processes run.
    pub locations: Vec<String>,
    /// Processes the daemon starts and supervises, like a managed fleet's runtime configuration.
    pub launch: Option<LaunchSpec>,
}

/// How to start a fleet's game server processes.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchSpec {
    /// The program to run.
    pub executable: PathBuf,
    /// Its command-line arguments.
    pub arguments: Vec<String>,
    /// How many processes of it run at once.
    pub concurrent_processes: u32,
    /// Environment variables set for it, on top of the ones the launcher sets.
    pub environment: BTreeMap<String, String>,
    /// The directory it runs in; `None`: the daemon's own.
    pub working_directory: Option<PathBuf>,
    /// The first port of the fleet's `port_range`: slot `i` (from 1) gets `first_port + i - 1`
    /// wherever `{port}` appears in `arguments` and `environment` values ([`PORT_PLACEHOLDER`]),
    /// so that every launched process reports its own port in ProcessReady.
    pub first_port: u16,
}

/// What the launcher replaces with a launched process's own port in its arguments and
/// environment values, as a managed fleet's runtime configuration passes launch parameters.
pub const PORT_PLACEHOLDER: &str = "{port}";

/// The port range a `[fleets.launch]` section without `port_range` uses.
pub(crate) const DEFAULT_PORT_RANGE: [u16; 2] = [7777, 7876];

/// A matchmaking rule set: a name and its JSON text (validated when the daemon applies it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleSet {
    pub name: String,
    pub body: String,
    /// The file the body came from, for error messages; `None` when inline.
    pub(crate) source: Option<PathBuf>,
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
    /// Where events are POSTed.
    pub url: String,
    /// The format they are delivered in.
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
    /// The configuration used when `playfield serve` is given no file (and no listen flags).
    #[cfg(test)]
    pub(crate) fn embedded_default() -> Config {
        Config::embedded(ListenFlags::default())
            .expect("the embedded default configuration is valid (tested)")
    }

    /// The configuration used when `playfield serve` is given no file, with the command
    /// line's listen addresses applied.
    pub(crate) fn embedded(flags: ListenFlags) -> Result<Config, ConfigErrors> {
        Config::from_toml_str_with(EMBEDDED_DEFAULT, Path::new("<embedded default>"), flags)
    }

    /// Reads and checks a configuration file. Relative paths inside it (rule set files,
    /// executables, TLS files) are taken relative to the file's own directory; a launch
    /// executable may name environment variables (`${CARGO_TARGET_DIR:-../../target}`) and
    /// must exist (an error naming the file, the fleet and the path). The listen addresses
    /// given in `flags` replace the file's before it is checked.
    pub fn load(path: &Path, flags: ListenFlags) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors::single(ConfigError::io(path, format!("cannot read the file: {e}")))
        })?;
        let config = Config::from_toml_str_with(&text, path, flags)?;
        launch_paths::check_executables(&config, path, &text)?;
        Ok(config)
    }

    /// Checks a configuration given as text; `path` names it in errors and anchors relative
    /// paths.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Config, ConfigErrors> {
        Config::from_toml_str_with(text, path, ListenFlags::default())
    }

    /// [`Config::from_toml_str`] with the command line's listen addresses applied.
    pub(crate) fn from_toml_str_with(
        text: &str,
        path: &Path,
        flags: ListenFlags,
    ) -> Result<Config, ConfigErrors> {
        let raw: raw::RawConfig = toml::from_str(text)
            .map_err(|e| ConfigErrors::single(ConfigError::from_toml(path, text, &e)))?;
        resolve::resolve(raw, path, text, flags)
    }

    /// The ARN of a matchmaking configuration, as events and the API show it.
    #[cfg(test)]
    pub(crate) fn matchmaking_configuration_arn(&self, name: &str) -> String {
        playfield_core::ArnIssuer::new(&self.region, &self.account_id)
            .matchmaking_configuration(name)
            .into()
    }
}

#[cfg(test)]
mod setup_tests;
#[cfg(test)]
mod tests;
