//! The Go SDK's client-side checks (sdk-wire-protocol.md §1.6 and §7.14), written as plain
//! character checks instead of regexes. Lengths are in bytes, as Go measures strings.
//!
//! Every check returns [`Error::Validation`] naming the field as the official SDK does.
//!
//! Published so that a GameLift stand-in can make the same checks on its side, for SDKs that
//! check less (the C++ SDK only checks for emptiness): the Playfield daemon's gateway uses the
//! checks here rather than its own copy.

use crate::error::{Error, Result};

fn length(field: &'static str, value: &str, min: usize, max: usize) -> Result<()> {
    let len = value.len();
    if len < min {
        if min == 1 {
            return Err(Error::validation(field, "must not be empty"));
        }
        return Err(Error::validation(
            field,
            format!("must be at least {min} characters, got {len}"),
        ));
    }
    if len > max {
        return Err(Error::validation(
            field,
            format!("must be at most {max} characters, got {len}"),
        ));
    }
    Ok(())
}

fn chars(field: &'static str, value: &str, allowed: fn(u8) -> bool, pattern: &str) -> Result<()> {
    match value.bytes().find(|b| !allowed(*b)) {
        None => Ok(()),
        Some(b) => Err(Error::validation(
            field,
            format!(
                "{value:?} does not match {pattern} (offending character {:?})",
                b as char
            ),
        )),
    }
}

/// `[a-zA-Z0-9-]`
fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// `[a-zA-Z0-9.-]`
fn alnum_dot_dash(b: u8) -> bool {
    alnum_dash(b) || b == b'.'
}

/// `[a-zA-Z0-9:/-]`
fn arnish(b: u8) -> bool {
    alnum_dash(b) || b == b':' || b == b'/'
}

/// Non-empty (`WebSocketURL`, `ProcessID`).
pub(crate) fn required(field: &'static str, value: &str) -> Result<()> {
    length(field, value, 1, usize::MAX)
}

/// `FleetID`: 1..256, `^[a-zA-Z0-9.-]+$`.
pub(crate) fn fleet_id(value: &str) -> Result<()> {
    length("FleetId", value, 1, 256)?;
    chars("FleetId", value, alnum_dot_dash, "^[a-zA-Z0-9.-]+$")
}

/// `HostID`: 1..256, `^[a-zA-Z0-9\-]+(\/[a-zA-Z0-9\-]+)?$`.
pub(crate) fn host_id(value: &str) -> Result<()> {
    const PATTERN: &str = r"^[a-zA-Z0-9\-]+(\/[a-zA-Z0-9\-]+)?$";
    length("HostId", value, 1, 256)?;
    let mut parts = value.splitn(2, '/');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    let part_ok = |p: &str| !p.is_empty() && p.bytes().all(alnum_dash);
    if part_ok(first) && second.is_none_or(part_ok) {
        Ok(())
    } else {
        Err(Error::validation(
            "HostId",
            format!("{value:?} does not match {PATTERN}"),
        ))
    }
}

/// Player session IDs (§7.5): 1..256, `^[a-zA-Z0-9.-]+$`.
pub(crate) fn player_session_id(value: &str) -> Result<()> {
    length("PlayerSessionId", value, 1, 256)?;
    chars("PlayerSessionId", value, alnum_dot_dash, "^[a-zA-Z0-9.-]+$")
}

/// Game session IDs and ARNs, role ARNs: 1..256, `^[a-zA-Z0-9:/-]+$`.
pub fn arn_like(field: &'static str, value: &str) -> Result<()> {
    length(field, value, 1, 256)?;
    chars(field, value, arnish, "^[a-zA-Z0-9:/-]+$")
}

/// Matches the Go SDK's GameLift ARN regex:
/// `^arn:(aws|aws-cn):gamelift:([a-z]{2}-[a-z]+-\d{1}):(\d{12})?:([a-z]+)\/(.+)$`.
pub fn is_gamelift_arn(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("arn:") else {
        return false;
    };
    let Some(rest) = rest
        .strip_prefix("aws-cn:")
        .or_else(|| rest.strip_prefix("aws:"))
    else {
        return false;
    };
    let Some(rest) = rest.strip_prefix("gamelift:") else {
        return false;
    };
    // region: [a-z]{2}-[a-z]+-\d
    let Some((region, rest)) = rest.split_once(':') else {
        return false;
    };
    let region_parts: Vec<&str> = region.split('-').collect();
    let region_ok = region_parts.len() == 3
        && region_parts[0].len() == 2
        && region_parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && !region_parts[1].is_empty()
        && region_parts[1].bytes().all(|b| b.is_ascii_lowercase())
        && region_parts[2].len() == 1
        && region_parts[2].bytes().all(|b| b.is_ascii_digit());
    if !region_ok {
        return false;
    }
    // account: (\d{12})?
    let Some((account, rest)) = rest.split_once(':') else {
        return false;
    };
    if !(account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
    {
        return false;
    }
    // ([a-z]+)\/(.+)
    let Some((kind, resource)) = rest.split_once('/') else {
        return false;
    };
    !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_lowercase())
        && !resource.is_empty()
        && !resource.contains('\n')
}

/// A required GameLift ARN (matchmaking configuration ARN; StopMatchBackfill's game session ARN).
pub(crate) fn gamelift_arn(field: &'static str, value: &str, max: usize) -> Result<()> {
    length(field, value, 1, max)?;
    if is_gamelift_arn(value) {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!(
                "{value:?} is not a GameLift ARN (arn:aws:gamelift:<region>:<account>:<type>/<name>)"
            ),
        ))
    }
}

/// Optional backfill ticket ID: ≤128, `^[a-zA-Z0-9-\.]*$`.
pub fn optional_ticket_id(value: &str) -> Result<()> {
    length("TicketId", value, 0, 128)?;
    chars("TicketId", value, alnum_dot_dash, r"^[a-zA-Z0-9-\.]*$")
}

/// `RoleSessionName`: 2..64, `^[\w+=,.@-]*$`.
pub fn role_session_name(value: &str) -> Result<()> {
    length("RoleSessionName", value, 2, 64)?;
    chars(
        "RoleSessionName",
        value,
        |b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b),
        r"^[\w+=,.@-]*$",
    )
}

/// A length limit only.
pub(crate) fn max_len(field: &'static str, value: &str, max: usize) -> Result<()> {
    length(field, value, 0, max)
}

/// A required value with a length limit only.
pub(crate) fn required_max_len(field: &'static str, value: &str, max: usize) -> Result<()> {
    length(field, value, 1, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §1.6: FleetID `^[a-zA-Z0-9.-]+$`, 1..256.
    #[test]
    fn fleet_id_rules() {
        assert!(fleet_id("fleet-1a2b.x").is_ok());
        assert!(fleet_id("").is_err());
        assert!(fleet_id("fleet_1").is_err());
        assert!(fleet_id(&"a".repeat(256)).is_ok());
        assert!(fleet_id(&"a".repeat(257)).is_err());
    }

    /// §1.6: HostID allows one optional `/segment`.
    #[test]
    fn host_id_rules() {
        assert!(host_id("my-host").is_ok());
        assert!(host_id("my-host/task-1").is_ok());
        assert!(host_id("a/b/c").is_err());
        assert!(host_id("/b").is_err());
        assert!(host_id("a/").is_err());
        assert!(host_id("my.host").is_err());
    }

    /// §7.14: the GameLift-ARN regex.
    #[test]
    fn gamelift_arn_regex() {
        assert!(is_gamelift_arn(
            "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel"
        ));
        assert!(is_gamelift_arn(
            "arn:aws:gamelift:us-west-2::gamesession/fleet-1/gsess-1"
        ));
        assert!(is_gamelift_arn(
            "arn:aws-cn:gamelift:cn-north-1::matchmakingconfiguration/x"
        ));
        assert!(!is_gamelift_arn(
            "arn:aws:gamelift:us-west-22:123456789012:matchmakingconfiguration/Duel"
        ));
        assert!(!is_gamelift_arn(
            "arn:aws:gamelift:us-west-2:1234:matchmakingconfiguration/Duel"
        ));
        assert!(!is_gamelift_arn(
            "arn:aws:iam:us-west-2:123456789012:role/x"
        ));
        assert!(!is_gamelift_arn(
            "arn:aws:gamelift:us-west-2:123456789012:Config/x"
        ));
        assert!(!is_gamelift_arn(
            "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/"
        ));
    }

    /// §7.14: RoleSessionName 2..64 of `[\w+=,.@-]`.
    #[test]
    fn role_session_name_rules() {
        assert!(role_session_name("fleet-1_host@x=y,z.w+").is_ok());
        assert!(role_session_name("a").is_err());
        assert!(role_session_name("has space").is_err());
        assert!(role_session_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn ticket_and_player_session_ids() {
        assert!(optional_ticket_id("").is_ok());
        assert!(optional_ticket_id("b1f6.x-y").is_ok());
        assert!(optional_ticket_id("a/b").is_err());
        assert!(optional_ticket_id(&"a".repeat(129)).is_err());
        assert!(player_session_id("psess-5f0e").is_ok());
        assert!(player_session_id("").is_err());
        assert!(player_session_id("psess_1").is_err());
        assert!(arn_like("GameSessionId", "arn:aws:gamelift:x::gamesession/a/b").is_ok());
        assert!(arn_like("GameSessionId", "gsess 1").is_err());
    }

    /// The cases the daemon's gateway checked in its own copy of these checks, before it used
    /// this module (sdk-wire-protocol.md §7.14).
    #[test]
    fn the_gateways_cases() {
        assert!(is_gamelift_arn(
            "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel"
        ));
        assert!(is_gamelift_arn(
            "arn:aws:gamelift:us-west-2::gamesession/fleet-1/gsess-1"
        ));
        assert!(!is_gamelift_arn(
            "arn:aws:gamelift:uswest2:123456789012:x/y"
        ));
        assert!(!is_gamelift_arn("arn:aws:gamelift:us-west-2:1234:x/y"));
        assert!(!is_gamelift_arn("arn:aws:s3:us-west-2::x/y"));
        assert!(!is_gamelift_arn("arn:aws:gamelift:us-west-2::Config/y"));

        assert!(optional_ticket_id("").is_ok());
        assert!(optional_ticket_id("a.b-1").is_ok());
        assert!(optional_ticket_id("a_b").is_err());
        assert!(role_session_name("fleet-1-host").is_ok());
        assert!(role_session_name("x").is_err());
        assert!(arn_like("GameSessionArn", "arn:a/b").is_ok());
        assert!(arn_like("GameSessionArn", "arn:a_b").is_err());
    }
}
