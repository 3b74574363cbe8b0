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
    /// Heartbeat jitter: each wait is `interval ± jitter`, uniform, the jitter capped at half
    /// the interval (so a short interval set alone is not swamped). Go: 10 s, uncapped.
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

    /// The defaults, then the Go SDK's tuning variables from the process environment
    /// (see [`SdkOptions::with_go_tuning_env`]).
    pub fn from_env() -> Self {
        Self::default().with_go_tuning_env(&Environment::Process)
    }

    /// Applies the tuning variables the Go SDK reads (§1.5), in Go duration syntax (`300ms`,
    /// `20s`, `1m30s`): `SERVICE_CALL_TIMEOUT`, `HEALTHCHECK_INTERVAL`,
    /// `HEALTHCHECK_MAX_JITTER`, `HEALTHCHECK_TIMEOUT`, `DISCONNECT_WEBSOCKET_TIMEOUT`.
    /// Unset, empty or unparsable values leave the option as it is (a bad value is logged).
    /// The write-retry variables (`RETRY_INTERVAL`, ...) have no counterpart here: this SDK
    /// does not re-send (see the crate docs).
    pub fn with_go_tuning_env(mut self, env: &Environment) -> Self {
        let fields: [(&str, &mut Duration); 5] = [
            ("SERVICE_CALL_TIMEOUT", &mut self.request_timeout),
            ("HEALTHCHECK_INTERVAL", &mut self.heartbeat_interval),
            ("HEALTHCHECK_MAX_JITTER", &mut self.heartbeat_jitter),
            ("HEALTHCHECK_TIMEOUT", &mut self.health_check_timeout),
            ("DISCONNECT_WEBSOCKET_TIMEOUT", &mut self.old_socket_grace),
        ];
        for (name, field) in fields {
            if let Some(text) = env.get(name) {
                match parse_go_duration(&text) {
                    Some(d) => *field = d,
                    None => tracing::warn!("{name}={text:?} is not a Go duration: ignored"),
                }
            }
        }
        self
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

/// Parses a Go duration (`time.ParseDuration`) that is not negative: decimal numbers each
/// followed by a unit among `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`; `0` alone is allowed.
pub(crate) fn parse_go_duration(text: &str) -> Option<Duration> {
    let text = text.strip_prefix('+').unwrap_or(text);
    if text == "0" {
        return Some(Duration::ZERO);
    }
    if text.is_empty() {
        return None;
    }
    let mut rest = text;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * seconds_per_unit;
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(parse_go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_go_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration("-1s"), None);
        assert_eq!(parse_go_duration("1x"), None);
        assert_eq!(parse_go_duration(""), None);
    }

    /// §1.5: the Go tuning variables; a bad value leaves the default.
    #[test]
    fn go_tuning_env() {
        let env = Environment::Map(HashMap::from([
            ("SERVICE_CALL_TIMEOUT".to_owned(), "5s".to_owned()),
            ("HEALTHCHECK_INTERVAL".to_owned(), "1s".to_owned()),
            ("HEALTHCHECK_TIMEOUT".to_owned(), "soon".to_owned()),
        ]));
        let o = SdkOptions::new().with_go_tuning_env(&env);
        assert_eq!(o.request_timeout, Duration::from_secs(5));
        assert_eq!(o.heartbeat_interval, Duration::from_secs(1));
        assert_eq!(o.health_check_timeout, Duration::from_secs(50));
        assert_eq!(o.activate_timeout, Duration::from_secs(6));
    }
}
