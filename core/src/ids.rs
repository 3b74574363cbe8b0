//! Identifier generation and the identifier rules other SDKs enforce.
//!
//! The official GO server SDK validates ids it receives against regexes
//! (sdk-wire-protocol.md §7.14): a game session id it sends back must match
//! `^[a-zA-Z0-9:/-]+$` and a player session id `^[a-zA-Z0-9.-]+$`. Every id the daemon
//! makes is therefore built only from those characters, and every fleet id that becomes
//! part of a game session ARN is checked up front.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Makes ids from a seeded generator, so a test (or a `--seed`) reproduces the same ids.
#[derive(Debug)]
pub(crate) struct IdGen {
    rng: ChaCha8Rng,
}

impl IdGen {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A UUID v4 string (lowercase hex and '-'), the shape the service uses for generated ids.
    pub fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// A UUID v4 value (event ids).
    pub(crate) fn uuid_value(&mut self) -> uuid::Uuid {
        let bytes: [u8; 16] = self.rng.random();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// `psess-<uuid>` (service-api.md §6).
    pub fn player_session_id(&mut self) -> String {
        format!("psess-{}", self.uuid())
    }

    /// The last part of a game session ARN when the caller gave no idempotency token.
    pub(crate) fn game_session_suffix(&mut self) -> String {
        format!("gsess-{}", self.uuid())
    }
}

/// `[a-zA-Z0-9:/-]+`, the ArnStringModel pattern game session ids must match.
#[cfg(test)]
pub(crate) fn is_arn_string(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'/' || b == b'-')
}

/// Checks a fleet id. Only letters, digits and '-' are allowed, stricter than the GO SDK's
/// `^[a-zA-Z0-9.-]+$`, because the fleet id becomes part of game session ARNs and a '.'
/// there would make the GO SDK reject the game session id later.
pub fn check_fleet_id(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 128 {
        return Err(format!(
            "must be 1..128 characters, got {} characters",
            s.len()
        ));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        Some(c) => Err(format!(
            "'{s}' contains {c:?}; only letters, digits and '-' are allowed \
             (the fleet id becomes part of game session ARNs)"
        )),
        None => Ok(()),
    }
}

/// `[a-zA-Z0-9-]{1,48}`: the CreateGameSession `IdempotencyToken` pattern (service-api.md §9.2).
pub(crate) fn check_idempotency_token(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 48 {
        return Err(format!("must be 1..48 characters, got {}", s.len()));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!(
            "'{s}' contains {c:?}; only letters, digits and '-' are allowed"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sdk-wire-protocol.md §7.14: ids must pass the GO SDK regexes.
    #[test]
    fn generated_ids_pass_the_go_sdk_patterns() {
        let mut ids = IdGen::new(7);
        let ps = ids.player_session_id();
        assert!(ps.starts_with("psess-"));
        assert!(ps
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
        let arn = crate::arn::ArnIssuer::new("us-west-2", "123456789012")
            .game_session("fleet-1a2b", &ids.game_session_suffix())
            .to_string();
        assert!(arn.starts_with("arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/gsess-"));
        assert!(is_arn_string(&arn));
    }

    #[test]
    fn same_seed_same_ids() {
        assert_eq!(IdGen::new(1).uuid(), IdGen::new(1).uuid());
        assert_ne!(IdGen::new(1).uuid(), IdGen::new(2).uuid());
    }

    #[test]
    fn fleet_ids_with_dots_are_refused_with_the_reason() {
        assert!(check_fleet_id("fleet-1a2b").is_ok());
        let err = check_fleet_id("fleet.1").unwrap_err();
        assert!(err.contains("'.'"), "{err}");
        assert!(check_fleet_id("").is_err());
    }
}

/// Defines a string newtype (the ids here, the matchmaking names in `matchmaking::names`):
/// serde-transparent, shown as the string, looked up in maps by `&str` (`Borrow<str>`), and
/// compared with strings, so the faces keep passing `&str`. With `@deref` first it also
/// dereferences to `str` (the ids do; a name does not, so that a name is never read as any
/// string by accident).
macro_rules! string_newtype {
    (@deref $(#[$doc:meta])* $name:ident) => {
        $crate::ids::string_newtype!($(#[$doc])* $name);

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
    };
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The string it wraps, as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}
pub(crate) use string_newtype;

string_newtype!(
    @deref
    /// A matchmaking (or backfill) ticket's id: the caller's TicketId or a generated UUID.
    TicketId
);
string_newtype!(
    @deref
    /// A game session's id, which is its ARN (service-api.md §6).
    GameSessionId
);
string_newtype!(
    @deref
    /// A server process's id: the pID its SDK connects with (sdk-wire-protocol.md §1).
    ProcessId
);

/// The engine's ticket ids (a match's `ticket_ids`) as the core's.
pub(crate) fn ticket_ids<S: AsRef<str>>(ids: &[S]) -> Vec<TicketId> {
    ids.iter().map(|id| TicketId::from(id.as_ref())).collect()
}

#[cfg(test)]
mod id_tests {
    use super::TicketId;
    use std::collections::HashMap;

    /// Ids are found in maps by `&str`, shown and serialized as the bare string.
    #[test]
    fn a_string_id_is_its_string() {
        let id = TicketId::from("t-1");
        let mut m = HashMap::new();
        m.insert(id.clone(), 1);
        assert_eq!(m.get("t-1"), Some(&1));
        assert_eq!(id.to_string(), "t-1");
        assert_eq!(id.as_str(), "t-1");
        assert_eq!(id, "t-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"t-1\"");
        assert_eq!(String::from(id), "t-1");
    }
}
