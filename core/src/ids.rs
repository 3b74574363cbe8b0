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
pub struct IdGen {
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
    pub fn uuid_value(&mut self) -> uuid::Uuid {
        let bytes: [u8; 16] = self.rng.random();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// `psess-<uuid>` (service-api.md §6).
    pub fn player_session_id(&mut self) -> String {
        format!("psess-{}", self.uuid())
    }

    /// The last part of a game session ARN when the caller gave no idempotency token.
    pub fn game_session_suffix(&mut self) -> String {
        format!("gsess-{}", self.uuid())
    }
}

/// `[a-zA-Z0-9:/-]+`, the ArnStringModel pattern game session ids must match.
pub fn is_arn_string(s: &str) -> bool {
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
pub fn check_idempotency_token(s: &str) -> Result<(), String> {
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
