//! What a game server sees: game sessions, matchmaker data, players, player sessions
//! (sdk-wire-protocol.md §4, §5), split like the Go SDK's `model` package.
//!
//! Most types are the [`crate::wire`] types themselves, re-exported: they already are
//! plain data with public fields. This module adds what a game server needs on top: the
//! [`UpdateGameSession`] passed to `on_update_game_session`, parsing of the matchmaker data
//! and a few constructors.

use crate::wire;
use std::collections::BTreeMap;

pub use crate::wire::{
    AttributeValue, BackfillMode, GameSession, GameSessionStatus, MatchedPlayer, MatchedTeam,
    MatchmakerData, Player, PlayerSession, PlayerSessionCreationPolicy, PlayerSessionStatus,
    UpdateReason,
};

/// What `on_update_game_session` receives (§4.2, §8.2): the game session as it is now, why it
/// changed and, for backfill results, which ticket it was.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateGameSession {
    /// The game session, with its new matchmaker data.
    pub game_session: GameSession,
    /// Why: a backfill match (`MatchmakingDataUpdated`) or the end of a ticket that found
    /// none (`BackfillFailed`, `BackfillTimedOut`, `BackfillCancelled`). A missing or unknown
    /// reason reads as [`UpdateReason::Unknown`].
    pub update_reason: UpdateReason,
    /// The backfill ticket this update ends or fulfils; empty when none.
    pub backfill_ticket_id: String,
}

impl UpdateGameSession {
    pub(crate) fn from_wire(push: wire::UpdateGameSession) -> Self {
        UpdateGameSession {
            game_session: push.game_session,
            update_reason: push.update_reason.unwrap_or(UpdateReason::Unknown),
            backfill_ticket_id: push.backfill_ticket_id,
        }
    }
}

/// The game session a `CreateGameSession` push describes, with `FleetId` filled in from the
/// SDK's own state (the push has none, §4.1).
pub(crate) fn game_session_from_create(
    push: wire::CreateGameSession,
    fleet_id: &str,
) -> GameSession {
    GameSession {
        game_session_id: push.game_session_id,
        name: push.game_session_name,
        fleet_id: fleet_id.to_owned(),
        maximum_player_session_count: push.maximum_player_session_count,
        port: push.port,
        ip_address: push.ip_address,
        dns_name: push.dns_name,
        game_session_data: push.game_session_data,
        matchmaker_data: push.matchmaker_data,
        game_properties: push.game_properties,
        location: None,
        status: None,
        status_reason: None,
    }
}

impl GameSession {
    /// Parses [`GameSession::matchmaker_data`], the JSON document FlexMatch writes (§5.2).
    ///
    /// `Ok(None)` when the game session was not made by FlexMatch (the string is empty); the
    /// raw text stays in the `matchmaker_data` field, unknown keys included.
    pub fn parsed_matchmaker_data(&self) -> Result<Option<MatchmakerData>, serde_json::Error> {
        if self.matchmaker_data.trim().is_empty() {
            return Ok(None);
        }
        MatchmakerData::parse(&self.matchmaker_data).map(Some)
    }
}

impl MatchmakerData {
    /// Every matched player with `Team` set to the team's name, ready to be sent back in a
    /// StartMatchBackfill request (the Go SDK's flattened `Players`, §5.2). Latencies are not
    /// part of the matchmaker data; add them if your rule set uses them.
    pub fn backfill_players(&self) -> Vec<Player> {
        self.teams
            .iter()
            .flat_map(|team| {
                team.players.iter().map(move |p| Player {
                    player_id: p.player_id.clone(),
                    team: team.name.clone(),
                    player_attributes: p.attributes.clone(),
                    latency_in_ms: BTreeMap::new(),
                })
            })
            .collect()
    }

    /// The number of players over all teams.
    pub fn player_count(&self) -> usize {
        self.teams.iter().map(|t| t.players.len()).sum()
    }
}

impl Player {
    /// A player with no team, attributes or latencies.
    pub fn new(player_id: impl Into<String>) -> Self {
        Player {
            player_id: player_id.into(),
            ..Player::default()
        }
    }

    /// Sets the team.
    pub fn with_team(mut self, team: impl Into<String>) -> Self {
        self.team = team.into();
        self
    }

    /// Adds one attribute.
    pub fn with_attribute(mut self, name: impl Into<String>, value: AttributeValue) -> Self {
        self.player_attributes.insert(name.into(), value);
        self
    }

    /// Adds one latency in milliseconds for a region.
    pub fn with_latency(mut self, region: impl Into<String>, ms: i32) -> Self {
        self.latency_in_ms.insert(region.into(), ms);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §5.2: the document parses into teams and players; teams flatten into backfill players.
    #[test]
    fn matchmaker_data_parses_and_flattens() {
        let gs = GameSession {
            matchmaker_data: r#"{"matchId":"m1","matchmakingConfigurationArn":"arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel",
              "teams":[{"name":"red","players":[{"playerId":"p1","attributes":{"skill":{"attributeType":"DOUBLE","valueAttribute":23}}}]},
                       {"name":"blue","players":[{"playerId":"p2"},{"playerId":"p3"}]}]}"#
                .into(),
            ..GameSession::default()
        };
        let data = gs.parsed_matchmaker_data().unwrap().unwrap();
        assert_eq!(data.match_id, "m1");
        assert_eq!(data.player_count(), 3);
        let players = data.backfill_players();
        assert_eq!(players[0].team, "red");
        assert_eq!(
            players[0].player_attributes["skill"],
            AttributeValue::Double(23.0)
        );
        assert_eq!(players[2].player_id, "p3");
        assert_eq!(players[2].team, "blue");
    }

    #[test]
    fn empty_matchmaker_data_is_none_and_garbage_is_an_error() {
        let mut gs = GameSession::default();
        assert_eq!(gs.parsed_matchmaker_data().unwrap(), None);
        gs.matchmaker_data = "{not json".into();
        assert!(gs.parsed_matchmaker_data().is_err());
    }
}
