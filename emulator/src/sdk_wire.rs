//! The core's values in the SDK's wire types (sdk-wire-protocol.md §5): where the daemon's
//! faces turn what the core keeps typed into what game servers and the service API read, and
//! back.
//!
//! The core knows nothing of the SDK: it keeps the engine's attribute values and its own
//! matchmaker data, typed, and the SDK's wire types appear only in the daemon. A game
//! session's matchmaker data becomes JSON here and nowhere else ([`matchmaker_data_json`]):
//! in the gateway's CreateGameSession and UpdateGameSession pushes (§4.1, §4.2) and in the
//! service API's GameSession (service-api.md, GameSession `MatchmakerData`), the same string
//! in both. [`matchmaker_data_len`] is the count the daemon gives the core for the service's
//! 390 000-character bound. The gateway reads a StartMatchBackfill's players through
//! `player_from_wire`.

use playfield_sdk::wire;

use playfield_core::BackfillMode;
use playfield_core::{MatchedPlayer, MatchedTeam, MatchmakerData};
use playfield_flexmatch::{AttributeValue, Player};

/// Converts an engine attribute value to the wire's.
pub(crate) fn wire_value(v: &AttributeValue) -> wire::AttributeValue {
    match v {
        AttributeValue::String(s) => wire::AttributeValue::String(s.clone()),
        AttributeValue::Number(n) => wire::AttributeValue::Double(*n),
        AttributeValue::StringList(l) => wire::AttributeValue::StringList(l.clone()),
        AttributeValue::StringNumberMap(m) => wire::AttributeValue::StringDoubleMap(m.clone()),
    }
}

/// Converts a wire attribute value to the engine's (`None` has no engine form).
pub(crate) fn engine_value(v: &wire::AttributeValue) -> Option<AttributeValue> {
    Some(match v {
        wire::AttributeValue::None => return None,
        wire::AttributeValue::String(s) => AttributeValue::String(s.clone()),
        wire::AttributeValue::Double(n) => AttributeValue::Number(*n),
        wire::AttributeValue::StringList(l) => AttributeValue::StringList(l.clone()),
        wire::AttributeValue::StringDoubleMap(m) => AttributeValue::StringNumberMap(m.clone()),
    })
}

/// A player as a game server's StartMatchBackfill describes it (sdk-wire-protocol.md §3.7),
/// in the engine's terms. An empty team is left unset (the engine then says which player
/// lacks one); a negative latency is refused, naming the player and region.
pub(crate) fn player_from_wire(p: &wire::Player) -> Result<Player, String> {
    let mut out = Player {
        id: p.player_id.clone(),
        team: (!p.team.is_empty()).then(|| p.team.clone()),
        ..Player::default()
    };
    for (k, v) in &p.player_attributes {
        if let Some(v) = engine_value(v) {
            out.attributes.insert(k.clone(), v);
        }
    }
    for (region, ms) in &p.latency_in_ms {
        let ms = u32::try_from(*ms).map_err(|_| {
            format!(
                "player '{}': LatencyInMs for '{region}' is {ms}; latencies are positive",
                p.player_id
            )
        })?;
        out.latency_ms.insert(region.clone(), ms);
    }
    Ok(out)
}

/// The core's matchmaker data as the SDK's document (§5.2), field for field.
pub(crate) fn wire_matchmaker_data(d: &MatchmakerData) -> wire::MatchmakerData {
    wire::MatchmakerData {
        match_id: d.match_id.clone(),
        matchmaking_configuration_arn: d.matchmaking_configuration_arn.clone(),
        teams: d.teams.iter().map(wire_team).collect(),
        auto_backfill_ticket_id: d.auto_backfill_ticket_id.clone(),
        auto_backfill_mode: d.auto_backfill_mode.map(|m| match m {
            BackfillMode::Automatic => wire::BackfillMode::Automatic,
            BackfillMode::Manual => wire::BackfillMode::Manual,
        }),
    }
}

fn wire_team(t: &MatchedTeam) -> wire::MatchedTeam {
    wire::MatchedTeam {
        name: t.name.clone(),
        players: t.players.iter().map(wire_player).collect(),
    }
}

fn wire_player(p: &MatchedPlayer) -> wire::MatchedPlayer {
    wire::MatchedPlayer {
        player_id: p.player_id.clone(),
        attributes: p
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), wire_value(v)))
            .collect(),
    }
}

/// The string a game session's `MatchmakerData` holds: the document as the SDK reads it.
pub fn matchmaker_data_json(d: &MatchmakerData) -> String {
    wire_matchmaker_data(d).to_json()
}

/// The characters of [`matchmaker_data_json`]: what the service's 390 000-character bound
/// counts. The daemon gives it to the core as
/// [`CoreConfig::matchmaker_data_len`](playfield_core::CoreConfig::matchmaker_data_len).
pub fn matchmaker_data_len(d: &MatchmakerData) -> usize {
    matchmaker_data_json(d).chars().count()
}

#[cfg(test)]
mod tests;
