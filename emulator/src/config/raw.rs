//! The configuration file exactly as written: serde shapes with positions kept. This is the
//! parse layer only: `resolve` turns these into the checked [`Config`](super::Config), and
//! queues and matchmaking configurations into the core's specs. A member the specs default
//! is optional here and takes the spec's default there, so no default is written twice.
//!
//! Unknown keys are refused (`deny_unknown_fields`) so a typo such as `acceptance_requird` is an
//! error at its line, not a silently ignored setting. Values a later check may reject are kept as
//! [`Spanned`] so the error can point at them.

use playfield_core::{BackfillMode, FlexMatchMode};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default = "default_region")]
    pub region: Spanned<String>,
    #[serde(default = "default_account_id")]
    pub(crate) account_id: Spanned<String>,
    #[serde(default)]
    pub listen: RawListen,
    pub(crate) tls: Option<RawTls>,
    #[serde(default)]
    pub(crate) auth: RawAuth,
    #[serde(default)]
    pub gateway: RawGateway,
    #[serde(default)]
    pub events: RawEvents,
    #[serde(default)]
    pub(crate) matchmaking: RawMatchmaking,
    #[serde(default)]
    pub fleets: Vec<RawFleet>,
    #[serde(default)]
    pub(crate) queues: Vec<RawQueue>,
    #[serde(default)]
    pub(crate) rule_sets: Vec<RawRuleSet>,
    #[serde(default)]
    pub(crate) matchmaking_configurations: Vec<RawMatchmakingConfiguration>,
    #[serde(default)]
    pub notification_targets: Vec<RawNotificationTarget>,
}

fn default_region() -> Spanned<String> {
    Spanned::new(0..0, "us-west-2".to_owned())
}

fn default_account_id() -> Spanned<String> {
    Spanned::new(0..0, "123456789012".to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawListen {
    #[serde(default = "default_api")]
    pub(crate) api: Spanned<String>,
    #[serde(default = "default_ws")]
    pub(crate) ws: Spanned<String>,
    #[serde(default = "default_wss")]
    pub(crate) wss: Spanned<String>,
}

impl Default for RawListen {
    fn default() -> Self {
        RawListen {
            api: default_api(),
            ws: default_ws(),
            wss: default_wss(),
        }
    }
}

fn default_api() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9080".to_owned())
}

fn default_ws() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9081".to_owned())
}

fn default_wss() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9443".to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    pub(crate) cert: Spanned<String>,
    pub(crate) key: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAuth {
    #[serde(default = "no")]
    pub(crate) required: Spanned<bool>,
    #[serde(default)]
    pub(crate) access_keys: Vec<Spanned<RawAccessKey>>,
}

/// One `[auth] access_keys` entry: `{ id = "…", secret = "…" }`. A bare id (the form
/// before signatures were verified) is read so that it can be refused with its place and
/// the fix.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawAccessKey {
    BareId(String),
    Pair(RawAccessKeyPair),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAccessKeyPair {
    pub(crate) id: String,
    pub(crate) secret: Option<String>,
}

impl Default for RawAuth {
    fn default() -> Self {
        RawAuth {
            required: no(),
            access_keys: Vec::new(),
        }
    }
}

fn no() -> Spanned<bool> {
    Spanned::new(0..0, false)
}

fn yes() -> Spanned<bool> {
    Spanned::new(0..0, true)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGateway {
    #[serde(default = "default_heartbeat_timeout")]
    pub(crate) heartbeat_timeout_seconds: Spanned<u64>,
    #[serde(default = "default_reconnect_grace")]
    pub(crate) reconnect_grace_seconds: Spanned<u64>,
    #[serde(default = "default_activation_timeout")]
    pub(crate) activation_timeout_seconds: Spanned<u64>,
    #[serde(default = "yes")]
    pub(crate) accept_unknown_fleets: Spanned<bool>,
}

impl Default for RawGateway {
    fn default() -> Self {
        RawGateway {
            heartbeat_timeout_seconds: default_heartbeat_timeout(),
            reconnect_grace_seconds: default_reconnect_grace(),
            activation_timeout_seconds: default_activation_timeout(),
            accept_unknown_fleets: yes(),
        }
    }
}

/// `[events]`: how notification targets' deliveries are bounded.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvents {
    #[serde(default = "default_max_pending_events")]
    pub max_pending_events: Spanned<u64>,
}

impl Default for RawEvents {
    fn default() -> Self {
        RawEvents {
            max_pending_events: default_max_pending_events(),
        }
    }
}

/// `[matchmaking]`: how the matchmaker runs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMatchmaking {
    #[serde(default = "default_cycle_millis")]
    pub(crate) cycle_millis: Spanned<u64>,
}

impl Default for RawMatchmaking {
    fn default() -> Self {
        RawMatchmaking {
            cycle_millis: default_cycle_millis(),
        }
    }
}

fn default_max_pending_events() -> Spanned<u64> {
    Spanned::new(0..0, 10_000)
}

/// The core's default matchmaking cycle (`playfield_core::DEFAULT_MATCHMAKING_CYCLE_MS`).
fn default_cycle_millis() -> Spanned<u64> {
    Spanned::new(0..0, playfield_core::DEFAULT_MATCHMAKING_CYCLE_MS)
}

/// Three missed heartbeats at the SDKs' 60 s cadence (sdk-wire-protocol.md §6).
fn default_heartbeat_timeout() -> Spanned<u64> {
    Spanned::new(0..0, 180)
}

/// Long enough for the SDKs' first reconnect attempts (§1.7: Go waits 8 s, then 16 s, ...).
fn default_reconnect_grace() -> Spanned<u64> {
    Spanned::new(0..0, 60)
}

/// The service's maximum GameSessionActivationTimeoutSeconds.
fn default_activation_timeout() -> Spanned<u64> {
    Spanned::new(0..0, 600)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFleet {
    pub id: Option<Spanned<String>>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub locations: Vec<Spanned<String>>,
    pub launch: Option<RawLaunch>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLaunch {
    pub executable: Spanned<String>,
    #[serde(default)]
    pub arguments: Vec<String>,
    #[serde(default = "one")]
    pub concurrent_processes: Spanned<u32>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    pub working_directory: Option<String>,
    pub port_range: Option<Spanned<[u16; 2]>>,
}

fn one() -> Spanned<u32> {
    Spanned::new(0..0, 1)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQueue {
    pub name: Spanned<String>,
    pub destinations: Vec<Spanned<String>>,
    pub timeout_seconds: Option<Spanned<u32>>,
    #[serde(default)]
    pub(crate) player_latency_policies: Vec<RawLatencyPolicy>,
    pub(crate) custom_event_data: Option<String>,
    pub(crate) notification_target: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) allowed_locations: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) priority_order: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) location_order: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLatencyPolicy {
    pub(crate) maximum_individual_player_latency_ms: u32,
    pub(crate) policy_duration_seconds: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuleSet {
    pub name: Spanned<String>,
    pub path: Option<Spanned<String>>,
    pub body: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMatchmakingConfiguration {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub rule_set: Spanned<String>,
    pub flex_match_mode: Option<Spanned<FlexMatchMode>>,
    pub queue: Option<Spanned<String>>,
    pub request_timeout_seconds: Option<Spanned<u32>>,
    pub acceptance_required: Option<bool>,
    pub acceptance_timeout_seconds: Option<Spanned<u32>>,
    pub backfill_mode: Option<Spanned<BackfillMode>>,
    pub additional_player_count: Option<u32>,
    pub game_properties: Option<Spanned<BTreeMap<String, String>>>,
    pub game_session_data: Option<String>,
    pub custom_event_data: Option<Spanned<String>>,
    pub notification_target: Option<Spanned<String>>,
    pub post_processing_url: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNotificationTarget {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    pub format: super::EventFormat,
    pub match_token: Option<Spanned<String>>,
    #[serde(default)]
    pub args: BTreeMap<String, String>,
    #[serde(default)]
    pub default: Option<Spanned<bool>>,
}
