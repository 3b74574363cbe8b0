//! What `init` needs: where the service is and who this process is (§1.5, §1.6).
//!
//! [`ServerParameters`] holds the values a game server passes explicitly. The `GAMELIFT_SDK_*`
//! environment variables **override** them, with the Go SDK's rule that a variable set to the
//! empty string counts as unset. The process ID `ManagedResource` means "make one up": the SDK
//! replaces it with a random UUID. After the overrides, [`ServerParameters::validate`] runs the
//! Go SDK's checks in the Go SDK's order.

use crate::error::{Error, Result};
use crate::validate;
use std::collections::HashMap;
use std::fmt;

/// The process ID value that asks the SDK to generate a random one (§1.5).
pub const MANAGED_RESOURCE_PROCESS_ID: &str = "ManagedResource";

/// Connection settings for [`ServerSdk::init`](crate::ServerSdk::init).
///
/// Build it with the chained setters:
///
/// ```
/// use playfield_sdk::ServerParameters;
/// let params = ServerParameters::new()
///     .web_socket_url("ws://127.0.0.1:7778")
///     .process_id("proc-1")
///     .host_id("my-host")
///     .fleet_id("fleet-1")
///     .auth_token("token");
/// assert_eq!(params.fleet_id, "fleet-1");
/// ```
///
/// Exactly one of `auth_token` (token mode) and `aws_region` (SigV4 mode, with `access_key`
/// and `secret_key`) must be set; a token wins and clears the SigV4 fields.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerParameters {
    /// `GAMELIFT_SDK_WEBSOCKET_URL`: the endpoint (for Anywhere, `GameLiftServiceSdkEndpoint`).
    pub web_socket_url: String,
    /// `GAMELIFT_SDK_PROCESS_ID`: this process's ID; `ManagedResource` → a random UUID.
    pub process_id: String,
    /// `GAMELIFT_SDK_HOST_ID`: the compute name.
    pub host_id: String,
    /// `GAMELIFT_SDK_FLEET_ID`.
    pub fleet_id: String,
    /// `GAMELIFT_SDK_AUTH_TOKEN`: token mode.
    pub auth_token: String,
    /// `GAMELIFT_REGION`: SigV4 mode.
    pub aws_region: String,
    /// `GAMELIFT_ACCESS_KEY`.
    pub access_key: String,
    /// `GAMELIFT_SECRET_KEY`.
    pub secret_key: String,
    /// `GAMELIFT_SESSION_TOKEN` (optional in SigV4 mode).
    pub session_token: String,
}

impl fmt::Debug for ServerParameters {
    /// Secrets are never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hide = |s: &str| if s.is_empty() { "" } else { "<redacted>" };
        f.debug_struct("ServerParameters")
            .field("web_socket_url", &self.web_socket_url)
            .field("process_id", &self.process_id)
            .field("host_id", &self.host_id)
            .field("fleet_id", &self.fleet_id)
            .field("auth_token", &hide(&self.auth_token))
            .field("aws_region", &self.aws_region)
            .field("access_key", &hide(&self.access_key))
            .field("secret_key", &hide(&self.secret_key))
            .field("session_token", &hide(&self.session_token))
            .finish()
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = value.into();
            self
        }
    };
}

impl ServerParameters {
    /// Empty parameters; fill them with the setters or from the environment.
    pub fn new() -> Self {
        Self::default()
    }

    setter!(/// Sets the endpoint URL.
        web_socket_url);
    setter!(/// Sets the process ID.
        process_id);
    setter!(/// Sets the host (compute) ID.
        host_id);
    setter!(/// Sets the fleet ID.
        fleet_id);
    setter!(/// Sets the auth token (token mode).
        auth_token);
    setter!(/// Sets the AWS region (SigV4 mode).
        aws_region);
    setter!(/// Sets the access key (SigV4 mode).
        access_key);
    setter!(/// Sets the secret key (SigV4 mode).
        secret_key);
    setter!(/// Sets the session token (SigV4 mode, optional).
        session_token);

    /// Parameters read from the process environment only.
    pub fn from_env() -> Self {
        Self::default().with_env_overrides(&Environment::Process)
    }

    /// Applies the environment on top of these parameters: every variable that is set to a
    /// non-empty value replaces the matching field (Go semantics, §1.5).
    pub fn with_env_overrides(mut self, env: &Environment) -> Self {
        let fields: [(&str, &mut String); 9] = [
            ("GAMELIFT_SDK_WEBSOCKET_URL", &mut self.web_socket_url),
            ("GAMELIFT_SDK_AUTH_TOKEN", &mut self.auth_token),
            ("GAMELIFT_SDK_PROCESS_ID", &mut self.process_id),
            ("GAMELIFT_SDK_HOST_ID", &mut self.host_id),
            ("GAMELIFT_SDK_FLEET_ID", &mut self.fleet_id),
            ("GAMELIFT_REGION", &mut self.aws_region),
            ("GAMELIFT_ACCESS_KEY", &mut self.access_key),
            ("GAMELIFT_SECRET_KEY", &mut self.secret_key),
            ("GAMELIFT_SESSION_TOKEN", &mut self.session_token),
        ];
        for (name, field) in fields {
            if let Some(value) = env.get(name) {
                *field = value;
            }
        }
        self
    }

    /// Resolves and checks the parameters as the Go SDK's InitSDK does (§1.6):
    ///
    /// 1. a non-empty auth token blanks the SigV4 fields;
    /// 2. exactly one of auth token and region must be set;
    /// 3. URL and process ID non-empty, fleet ID and host ID by the Go regexes, and in SigV4
    ///    mode access key and secret key non-empty;
    ///
    /// and replaces the process ID `ManagedResource` with a random UUID.
    pub fn validate(mut self) -> Result<ValidatedParameters> {
        if !self.auth_token.is_empty() {
            self.aws_region.clear();
            self.access_key.clear();
            self.secret_key.clear();
            self.session_token.clear();
        }
        // Step 1 blanked the region whenever a token is set, so only "neither" is left.
        if self.auth_token.is_empty() && self.aws_region.is_empty() {
            return Err(Error::validation(
                "AuthToken",
                "either an auth token or an AWS region (SigV4) is required",
            ));
        }
        validate::required("WebSocketUrl", &self.web_socket_url)?;
        validate::required("ProcessId", &self.process_id)?;
        validate::fleet_id(&self.fleet_id)?;
        validate::host_id(&self.host_id)?;
        let auth = if self.auth_token.is_empty() {
            validate::required("AccessKey", &self.access_key)?;
            validate::required("SecretKey", &self.secret_key)?;
            Auth::SigV4 {
                region: self.aws_region.clone(),
                access_key: self.access_key.clone(),
                secret_key: self.secret_key.clone(),
                session_token: self.session_token.clone(),
            }
        } else {
            Auth::Token(self.auth_token.clone())
        };
        if self.process_id == MANAGED_RESOURCE_PROCESS_ID {
            self.process_id = uuid::Uuid::new_v4().to_string();
        }
        Ok(ValidatedParameters {
            web_socket_url: self.web_socket_url,
            process_id: self.process_id,
            host_id: self.host_id,
            fleet_id: self.fleet_id,
            auth,
        })
    }
}

/// How the SDK proves who it is (§1.3).
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization=<token>`.
    Token(String),
    /// A presigned query (§1.3).
    SigV4 {
        region: String,
        access_key: String,
        secret_key: String,
        session_token: String,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => f.write_str("Token(<redacted>)"),
            Auth::SigV4 { region, .. } => write!(f, "SigV4 {{ region: {region:?}, .. }}"),
        }
    }
}

/// Parameters that passed [`ServerParameters::validate`]; the process ID is final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedParameters {
    pub web_socket_url: String,
    pub process_id: String,
    pub host_id: String,
    pub fleet_id: String,
    pub auth: Auth,
}

/// Where environment variables come from.
///
/// [`Environment::Process`] reads the real environment; tests and embedders that must not
/// depend on it use [`Environment::Map`] or [`Environment::Empty`].
#[derive(Debug, Clone, Default)]
pub enum Environment {
    /// `std::env::var`.
    #[default]
    Process,
    /// A fixed set of variables.
    Map(HashMap<String, String>),
    /// No variables at all.
    Empty,
}

impl Environment {
    /// The variable's value, or `None` when it is unset **or empty** (Go semantics).
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match self {
            Environment::Process => std::env::var(name).ok(),
            Environment::Map(map) => map.get(name).cloned(),
            Environment::Empty => None,
        };
        value.filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_params() -> ServerParameters {
        ServerParameters::new()
            .web_socket_url("ws://127.0.0.1:1")
            .process_id("proc-1")
            .host_id("host-1")
            .fleet_id("fleet-1")
            .auth_token("tok")
    }

    fn env(pairs: &[(&str, &str)]) -> Environment {
        Environment::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// §1.5: env values override explicit ones; set-but-empty counts as unset (Go).
    #[test]
    fn env_overrides_and_empty_is_unset() {
        let p = token_params().with_env_overrides(&env(&[
            ("GAMELIFT_SDK_FLEET_ID", "fleet-env"),
            ("GAMELIFT_SDK_HOST_ID", ""),
            ("GAMELIFT_SDK_AUTH_TOKEN", "tok-env"),
        ]));
        assert_eq!(p.fleet_id, "fleet-env");
        assert_eq!(p.host_id, "host-1");
        assert_eq!(p.auth_token, "tok-env");
    }

    /// §1.5: `ManagedResource` becomes a random UUIDv4.
    #[test]
    fn managed_resource_gets_a_uuid() {
        let v = token_params()
            .process_id(MANAGED_RESOURCE_PROCESS_ID)
            .validate()
            .unwrap();
        let id = uuid::Uuid::parse_str(&v.process_id).expect("a UUID");
        assert_eq!(id.get_version_num(), 4);
    }

    /// §1.6 step 1–2: a token clears SigV4; neither token nor region is an error.
    #[test]
    fn token_or_region() {
        let v = token_params().aws_region("us-west-2").validate().unwrap();
        assert_eq!(v.auth, Auth::Token("tok".into()));
        let e = token_params().auth_token("").validate().unwrap_err();
        assert!(
            matches!(
                e,
                Error::Validation {
                    field: "AuthToken",
                    ..
                }
            ),
            "{e}"
        );
        let e = token_params()
            .auth_token("")
            .aws_region("us-west-2")
            .access_key("AK")
            .validate()
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Validation {
                    field: "SecretKey",
                    ..
                }
            ),
            "{e}"
        );
        let v = token_params()
            .auth_token("")
            .aws_region("us-west-2")
            .access_key("AK")
            .secret_key("SK")
            .validate()
            .unwrap();
        assert!(matches!(v.auth, Auth::SigV4 { .. }));
    }

    /// §1.6 step 3: field checks.
    #[test]
    fn field_checks() {
        let field = |p: ServerParameters| match p.validate() {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(field(token_params().web_socket_url("")), "WebSocketUrl");
        assert_eq!(field(token_params().process_id("")), "ProcessId");
        assert_eq!(field(token_params().fleet_id("fleet_1")), "FleetId");
        assert_eq!(field(token_params().host_id("")), "HostId");
        assert_eq!(field(token_params().host_id("a/b/c")), "HostId");
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!("{:?}", token_params().secret_key("hunter2"));
        assert!(!text.contains("hunter2"));
        assert!(!text.contains("\"tok\""));
    }
}
