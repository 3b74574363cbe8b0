//! The core's values in the SDK's wire types (sdk-wire-protocol.md §5): where the daemon's
//! faces turn what the core keeps typed into what game servers and the service API read, and
//! back.
//!
//! The core knows nothing of the SDK: it keeps the engine's attribute values, and the SDK's
//! wire types appear only in the daemon. The gateway reads a StartMatchBackfill's players
//! through [`player_from_wire`].

use playfield_sdk::wire;

use crate::flexmatch::{AttributeValue, Player};

/// Converts a wire attribute value to the engine's (`None` has no engine form).
pub fn engine_value(v: &wire::AttributeValue) -> Option<AttributeValue> {
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
pub fn player_from_wire(p: &wire::Player) -> Result<Player, String> {
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
