//! What a game server asks for (sdk-wire-protocol.md §5.8), split like the Go SDK's `request`
//! package. Each request checks itself with the Go SDK's rules (§7.14) before it is sent.

use crate::error::{Error, Result};
use crate::model::{Player, PlayerSessionStatus};
use crate::validate;
use crate::wire;

/// DescribePlayerSessions: exactly one of game session, player or player session.
///
/// ```
/// use playfield_sdk::request::DescribePlayerSessionsRequest;
/// use playfield_sdk::model::PlayerSessionStatus;
/// let req = DescribePlayerSessionsRequest::for_game_session("arn:aws:gamelift:us-west-2::gamesession/fleet-1/gs-1")
///     .status_filter(PlayerSessionStatus::Active)
///     .limit(10);
/// assert_eq!(req.limit, Some(10));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DescribePlayerSessionsRequest {
    /// All player sessions of this game session (`^[a-zA-Z0-9:/-]+$`, ≤256).
    pub game_session_id: Option<String>,
    /// All player sessions of this player (≤1024).
    pub player_id: Option<String>,
    /// This one player session (≤1024).
    pub player_session_id: Option<String>,
    /// Only sessions with this status.
    pub player_session_status_filter: Option<PlayerSessionStatus>,
    /// The page to read: the previous result's `next_token`.
    pub next_token: Option<String>,
    /// At most this many sessions per page; `None` or 0 lets the service choose.
    pub limit: Option<u32>,
}

impl DescribePlayerSessionsRequest {
    /// All player sessions of a game session.
    pub fn for_game_session(id: impl Into<String>) -> Self {
        Self {
            game_session_id: Some(id.into()),
            ..Self::default()
        }
    }
    /// All player sessions of a player.
    pub fn for_player(id: impl Into<String>) -> Self {
        Self {
            player_id: Some(id.into()),
            ..Self::default()
        }
    }
    /// One player session.
    pub fn for_player_session(id: impl Into<String>) -> Self {
        Self {
            player_session_id: Some(id.into()),
            ..Self::default()
        }
    }
    /// Only sessions with this status.
    pub fn status_filter(mut self, status: PlayerSessionStatus) -> Self {
        self.player_session_status_filter = Some(status);
        self
    }
    /// The page to read (the previous result's `next_token`).
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }
    /// At most this many sessions per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        let count = [
            &self.game_session_id,
            &self.player_id,
            &self.player_session_id,
        ]
        .into_iter()
        .filter(|v| set(v))
        .count();
        if count != 1 {
            return Err(Error::validation(
                "DescribePlayerSessionsRequest",
                "exactly one of GameSessionId, PlayerId and PlayerSessionId must be set",
            ));
        }
        if let Some(id) = self.game_session_id.as_deref().filter(|s| !s.is_empty()) {
            validate::arn_like("GameSessionId", id)?;
        }
        if let Some(id) = &self.player_session_id {
            validate::max_len("PlayerSessionId", id, 1024)?;
        }
        if let Some(id) = &self.player_id {
            validate::max_len("PlayerId", id, 1024)?;
        }
        Ok(())
    }

    pub(crate) fn to_wire(&self, request_id: String) -> wire::Request {
        let non_empty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        wire::Request::DescribePlayerSessions(wire::DescribePlayerSessions {
            request_id,
            game_session_id: non_empty(&self.game_session_id),
            player_id: non_empty(&self.player_id),
            player_session_id: non_empty(&self.player_session_id),
            player_session_status_filter: self
                .player_session_status_filter
                .map(|s| s.as_str().to_owned()),
            next_token: non_empty(&self.next_token),
            limit: self
                .limit
                .filter(|l| *l > 0)
                .map(|l| i32::try_from(l).unwrap_or(i32::MAX)),
        })
    }
}

/// StartMatchBackfill: find players for the open slots of a game session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StartMatchBackfillRequest {
    /// Your ticket ID, or `None` to let the service make one.
    pub ticket_id: Option<String>,
    /// The game session's ARN (its ID).
    pub game_session_arn: String,
    /// The matchmaking configuration, as in the matchmaker data.
    pub matchmaking_configuration_arn: String,
    /// Every player **currently** in the game session, with their team and attributes.
    pub players: Vec<Player>,
}

impl StartMatchBackfillRequest {
    /// A request for `game_session_arn` with the players now in it.
    pub fn new(
        game_session_arn: impl Into<String>,
        matchmaking_configuration_arn: impl Into<String>,
        players: Vec<Player>,
    ) -> Self {
        StartMatchBackfillRequest {
            ticket_id: None,
            game_session_arn: game_session_arn.into(),
            matchmaking_configuration_arn: matchmaking_configuration_arn.into(),
            players,
        }
    }

    /// Sets the ticket ID.
    pub fn ticket_id(mut self, id: impl Into<String>) -> Self {
        self.ticket_id = Some(id.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        validate::arn_like("GameSessionArn", &self.game_session_arn)?;
        validate::gamelift_arn(
            "MatchmakingConfigurationArn",
            &self.matchmaking_configuration_arn,
            256,
        )?;
        validate::optional_ticket_id(self.ticket_id.as_deref().unwrap_or(""))?;
        if self.players.is_empty() {
            return Err(Error::validation("Players", "must not be empty"));
        }
        Ok(())
    }

    pub(crate) fn to_wire(&self, request_id: String) -> wire::Request {
        wire::Request::StartMatchBackfill(wire::StartMatchBackfill {
            request_id,
            ticket_id: self.ticket_id.clone().unwrap_or_default(),
            game_session_arn: self.game_session_arn.clone(),
            matchmaking_configuration_arn: self.matchmaking_configuration_arn.clone(),
            players: self.players.clone(),
        })
    }
}

/// StopMatchBackfill: cancel a backfill ticket. The service answers the cancellation with an
/// `on_update_game_session` call (`BackfillCancelled`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StopMatchBackfillRequest {
    /// The ticket to stop (required, ≤128).
    pub ticket_id: String,
    /// The game session's ARN (a GameLift ARN).
    pub game_session_arn: String,
    /// The matchmaking configuration the ticket runs in.
    pub matchmaking_configuration_arn: String,
}

impl StopMatchBackfillRequest {
    /// A request to stop `ticket_id`.
    pub fn new(
        ticket_id: impl Into<String>,
        game_session_arn: impl Into<String>,
        matchmaking_configuration_arn: impl Into<String>,
    ) -> Self {
        StopMatchBackfillRequest {
            ticket_id: ticket_id.into(),
            game_session_arn: game_session_arn.into(),
            matchmaking_configuration_arn: matchmaking_configuration_arn.into(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        validate::gamelift_arn("GameSessionArn", &self.game_session_arn, 256)?;
        validate::gamelift_arn(
            "MatchmakingConfigurationArn",
            &self.matchmaking_configuration_arn,
            usize::MAX,
        )?;
        validate::required_max_len("TicketId", &self.ticket_id, 128)
    }

    pub(crate) fn to_wire(&self, request_id: String) -> wire::Request {
        wire::Request::StopMatchBackfill(wire::StopMatchBackfill {
            request_id,
            game_session_arn: self.game_session_arn.clone(),
            matchmaking_configuration_arn: self.matchmaking_configuration_arn.clone(),
            ticket_id: self.ticket_id.clone(),
        })
    }
}

/// GetFleetRoleCredentials: credentials for an IAM role of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetFleetRoleCredentialsRequest {
    /// The IAM role (`^[a-zA-Z0-9:/-]+$`, ≤256).
    pub role_arn: String,
    /// `None` or empty: `<fleetId>-<hostId>`, cut to 64 characters (§3.11).
    pub role_session_name: Option<String>,
}

impl GetFleetRoleCredentialsRequest {
    /// Credentials for `role_arn` with the default session name.
    pub fn new(role_arn: impl Into<String>) -> Self {
        GetFleetRoleCredentialsRequest {
            role_arn: role_arn.into(),
            role_session_name: None,
        }
    }

    /// Sets the role session name.
    pub fn role_session_name(mut self, name: impl Into<String>) -> Self {
        self.role_session_name = Some(name.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel";
    const GS: &str = "arn:aws:gamelift:us-west-2::gamesession/fleet-1/gs-1";

    /// §7.14 DescribePlayerSessions: exactly one selector.
    #[test]
    fn describe_needs_exactly_one_selector() {
        assert!(DescribePlayerSessionsRequest::for_game_session(GS)
            .validate()
            .is_ok());
        assert!(DescribePlayerSessionsRequest::default().validate().is_err());
        let two = DescribePlayerSessionsRequest {
            player_id: Some("p".into()),
            ..DescribePlayerSessionsRequest::for_game_session(GS)
        };
        assert!(two.validate().is_err());
        assert!(DescribePlayerSessionsRequest::for_game_session("gs_1")
            .validate()
            .is_err());
        assert!(DescribePlayerSessionsRequest::for_player("x".repeat(1025))
            .validate()
            .is_err());
    }

    /// §7.14 StartMatchBackfill rules.
    #[test]
    fn start_backfill_rules() {
        let ok = StartMatchBackfillRequest::new(GS, CONFIG, vec![Player::new("p1")]);
        assert!(ok.validate().is_ok());
        let field = |r: StartMatchBackfillRequest| match r.validate() {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(StartMatchBackfillRequest {
                players: vec![],
                ..ok.clone()
            }),
            "Players"
        );
        assert_eq!(field(ok.clone().ticket_id("a/b")), "TicketId");
        assert_eq!(
            field(StartMatchBackfillRequest {
                matchmaking_configuration_arn: "Duel".into(),
                ..ok.clone()
            }),
            "MatchmakingConfigurationArn"
        );
        assert_eq!(
            field(StartMatchBackfillRequest {
                game_session_arn: String::new(),
                ..ok
            }),
            "GameSessionArn"
        );
    }

    /// §7.14 StopMatchBackfill: ticket required; game session ARN must be a GameLift ARN.
    #[test]
    fn stop_backfill_rules() {
        assert!(StopMatchBackfillRequest::new("t-1", GS, CONFIG)
            .validate()
            .is_ok());
        assert!(StopMatchBackfillRequest::new("", GS, CONFIG)
            .validate()
            .is_err());
        assert!(StopMatchBackfillRequest::new("t-1", "gs-1", CONFIG)
            .validate()
            .is_err());
    }
}
