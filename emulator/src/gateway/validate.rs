//! The request checks the GO SDK makes on its side (sdk-wire-protocol.md §7.14), made again
//! here because the CPP SDK only checks for emptiness: a CPP game server must get the same
//! clear error a GO one gets locally.

use playfield_core::arn::Arn;

/// `^arn:(aws|aws-cn):gamelift:([a-z]{2}-[a-z]+-\d{1}):(\d{12})?:([a-z]+)\/(.+)$`
pub fn is_gamelift_arn(s: &str) -> bool {
    let Ok(arn) = Arn::parse(s) else {
        return false;
    };
    if !matches!(arn.partition(), "aws" | "aws-cn") || arn.service() != "gamelift" {
        return false;
    }
    let (region, account) = (arn.region(), arn.account());
    let region_ok = {
        let r: Vec<&str> = region.split('-').collect();
        r.len() == 3
            && r[0].len() == 2
            && r[0].bytes().all(|b| b.is_ascii_lowercase())
            && !r[1].is_empty()
            && r[1].bytes().all(|b| b.is_ascii_lowercase())
            && r[2].len() == 1
            && r[2].bytes().all(|b| b.is_ascii_digit())
    };
    let account_ok =
        account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    let resource_ok = match arn.typed_resource() {
        Some((kind, id)) => {
            !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase()) && !id.is_empty()
        }
        None => false,
    };
    region_ok && account_ok && resource_ok
}

/// `^[a-zA-Z0-9:/-]+$`, at most `max` bytes.
pub fn check_arn_string(field: &str, value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{field} is missing"));
    }
    if value.len() > max {
        return Err(format!(
            "{field} is {} bytes, at most {max} allowed",
            value.len()
        ));
    }
    if !playfield_core::ids::is_arn_string(value) {
        return Err(format!(
            "{field} '{value}' may contain only letters, digits, ':', '/' and '-'"
        ));
    }
    Ok(())
}

/// `^[a-zA-Z0-9-\.]*$`, at most 128 bytes: a matchmaking ticket id.
pub fn check_ticket_id(value: &str) -> Result<(), String> {
    if value.len() > 128 {
        return Err(format!(
            "TicketId is {} bytes, at most 128 allowed",
            value.len()
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Err(format!(
            "TicketId '{value}' contains {c:?}; only letters, digits, '-' and '.' are allowed"
        ));
    }
    Ok(())
}

/// RoleSessionName: 2..64 characters of `[\w+=,.@-]`.
pub fn check_role_session_name(value: &str) -> Result<(), String> {
    let n = value.chars().count();
    if !(2..=64).contains(&n) {
        return Err(format!("RoleSessionName must be 2..64 characters, got {n}"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_alphanumeric() || "_+=,.@-".contains(*c)))
    {
        return Err(format!("RoleSessionName '{value}' contains {c:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamelift_arn_pattern() {
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
    }

    #[test]
    fn small_checks() {
        assert!(check_ticket_id("").is_ok());
        assert!(check_ticket_id("a.b-1").is_ok());
        assert!(check_ticket_id("a_b").is_err());
        assert!(check_role_session_name("fleet-1-host").is_ok());
        assert!(check_role_session_name("x").is_err());
        assert!(check_arn_string("GameSessionArn", "arn:a/b", 256).is_ok());
        assert!(check_arn_string("GameSessionArn", "arn:a_b", 256).is_err());
    }
}
