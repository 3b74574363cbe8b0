//! Tuning knobs: timeouts, heartbeat cadence, reconnect schedule, TLS, what the SDK calls
//! itself. The defaults are the Go SDK 5.6.0 values (sdk-wire-protocol.md §1.5, §1.7, §1.9, §6);
//! tests shorten them.

use crate::params::Environment;
use std::time::Duration;

/// The SDK version this crate speaks, sent as `sdkVersion` and `SdkVersion` (§1.2, §3.1).
pub const SDK_VERSION: &str = "5.6.0";

/// The language sent as `sdkLanguage` and `SdkLanguage` by default.
///
/// The service is only known to see `Go`, `Cpp` and `CSharp`. Nothing in the reference says
/// it refuses other values, but nothing says it accepts them either, and this SDK follows the
/// Go SDK's behaviour message for message, so by default it presents itself as the Go SDK of
/// the same version. [`SdkOptions::sdk_language`] changes it (e.g. to `Rust`) for a service
/// known to accept that.
pub const SDK_LANGUAGE: &str = "Go";

/// Tuning for one [`ServerSdk`](crate::ServerSdk). `SdkOptions::default()` is the Go SDK's
/// behaviour; every field can be changed with a chained setter.
#[derive(Debug, Clone)]
pub struct SdkOptions {
    /// Wait for a reply to any request but ActivateServerProcess. Go: `SERVICE_CALL_TIMEOUT`, 20 s.
    pub request_timeout: Duration,
    /// Wait for the ActivateServerProcess reply. Go: fixed 6 s.
    pub activate_timeout: Duration,
    /// Heartbeat period. Go: `HEALTHCHECK_INTERVAL`, 60 s.
    pub heartbeat_interval: Duration,
    /// Heartbeat jitter: each wait is `interval ± jitter`, uniform. Go: 10 s.
    pub heartbeat_jitter: Duration,
    /// Time allowed to `on_health_check` before the report is `false`. Go: 50 s.
    pub health_check_timeout: Duration,
    /// Waits between dials of one connect (§1.7): one dial, then one more after each wait.
    /// Go: 8, 16, 32, 32, 32, 32, 32 s (8 dials).
    pub reconnect_delays: Vec<Duration>,
    /// Consecutive request timeouts that make the SDK reconnect (§1.9). Go: 2. 0 turns it off.
    pub timeout_reconnect_threshold: u32,
    /// How long a replaced socket stays open for late replies (§1.7). Go: 5 s.
    pub old_socket_grace: Duration,
    /// Limit for one WebSocket handshake. Go has none; C++ uses 20 s.
    pub handshake_timeout: Duration,
    /// Accept any TLS certificate on `wss://` (e.g. the self-signed one `playfield serve`
    /// generates). Off by default; never turn it on against the real service.
    pub accept_invalid_certs: bool,
    /// `SdkVersion` and `sdkVersion`.
    pub sdk_version: String,
    /// `SdkLanguage` and `sdkLanguage`; see [`SDK_LANGUAGE`].
    pub sdk_language: String,
    /// Where `GAMELIFT_*` variables are read from (init overrides, SdkToolName/Version).
    pub environment: Environment,
}

impl Default for SdkOptions {
    fn default() -> Self {
        SdkOptions {
            request_timeout: Duration::from_secs(20),
            activate_timeout: Duration::from_secs(6),
            heartbeat_interval: Duration::from_secs(60),
            heartbeat_jitter: Duration::from_secs(10),
            health_check_timeout: Duration::from_secs(50),
            reconnect_delays: [8, 16, 32, 32, 32, 32, 32]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            timeout_reconnect_threshold: 2,
            old_socket_grace: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(20),
            accept_invalid_certs: false,
            sdk_version: SDK_VERSION.to_owned(),
            sdk_language: SDK_LANGUAGE.to_owned(),
            environment: Environment::Process,
        }
    }
}

macro_rules! option_setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl SdkOptions {
    /// The Go SDK's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    option_setter!(/// Sets [`SdkOptions::request_timeout`].
        request_timeout: Duration);
    option_setter!(/// Sets [`SdkOptions::activate_timeout`].
        activate_timeout: Duration);
    option_setter!(/// Sets [`SdkOptions::heartbeat_interval`].
        heartbeat_interval: Duration);
    option_setter!(/// Sets [`SdkOptions::heartbeat_jitter`].
        heartbeat_jitter: Duration);
    option_setter!(/// Sets [`SdkOptions::health_check_timeout`].
        health_check_timeout: Duration);
    option_setter!(/// Sets [`SdkOptions::reconnect_delays`].
        reconnect_delays: Vec<Duration>);
    option_setter!(/// Sets [`SdkOptions::timeout_reconnect_threshold`].
        timeout_reconnect_threshold: u32);
    option_setter!(/// Sets [`SdkOptions::old_socket_grace`].
        old_socket_grace: Duration);
    option_setter!(/// Sets [`SdkOptions::handshake_timeout`].
        handshake_timeout: Duration);
    option_setter!(/// Sets [`SdkOptions::accept_invalid_certs`].
        accept_invalid_certs: bool);
    option_setter!(/// Sets [`SdkOptions::environment`].
        environment: Environment);

    /// Sets [`SdkOptions::sdk_language`].
    pub fn sdk_language(mut self, value: impl Into<String>) -> Self {
        self.sdk_language = value.into();
        self
    }
}
