//! PGOS extension events: the event-trigger calls a PGOS title's virtual server receives, and
//! the matchmaking post-processing exchange.
//!
//! Source: seed `003_b88cb9fe2efe5cb2.txt` ("PGOS Extension Data Schema"). Every trigger call
//! has `trigger_id`, `execution_id`, `event_name`, `event_time` (epoch ms, a number in the
//! examples), `event_data` and `args` (set per trigger on the portal: here, per target).
//!
//! Mapping from the domain (glossary, "Event names"):
//! - MatchmakingSucceeded → `event_matchmaking_completed`
//! - placement Fulfilled / Failed / TimedOut → `event_battle_session_placement_fulfilled` /
//!   `_failed` / `_timedout`
//!
//! Everything else has no PGOS trigger. The schema gives field names but not every unit or
//! enumeration; the choices made here are listed on `triggers`.

pub mod post_processing;
pub(crate) mod triggers;

use super::model::Player;
use playfield_flexmatch::AttributeValue;
use serde::{Deserialize, Deserializer, Serialize};

pub use post_processing::{
    BattleProposal, PostProcessingError, PostProcessingRequest, PostProcessingResponse,
    TicketEntity,
};
pub use triggers::{event_name, render, PgosOptions};

/// A player as PGOS matchmaking shows it (`matched_players[]`, `tickets[].players[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MatchedPlayer {
    /// Player id.
    #[serde(default)]
    pub(crate) player_id: String,
    /// Team name.
    #[serde(default)]
    pub(crate) team: String,
    /// Matchmaking attributes.
    #[serde(default)]
    pub match_attributes: Vec<MatchAttribute>,
    /// Latencies per region.
    #[serde(default)]
    pub(crate) region_latencies: Vec<RegionLatency>,
    /// `false` for players already in the battle (backfill), `true` for new ones.
    #[serde(default)]
    pub is_new: bool,
    /// Opaque extra data.
    #[serde(default)]
    pub(crate) extra_data: String,
}

/// A matchmaking attribute: `type` 0 = number, 1 = string, 2 = list (the codes for string and
/// list are an assumption; the schema shows only `type: 0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MatchAttribute {
    /// Attribute name.
    #[serde(default)]
    pub name: String,
    /// Value kind.
    #[serde(default, rename = "type")]
    pub(crate) kind: i32,
    /// Number value.
    #[serde(default)]
    pub(crate) number_value: f64,
    /// String value.
    #[serde(default)]
    pub(crate) string_value: String,
    /// List value (the schema's request example shows `[null]`; nulls are skipped).
    #[serde(default, deserialize_with = "strings_skipping_nulls")]
    pub list_value: Vec<String>,
}

/// A region latency as PGOS reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct RegionLatency {
    /// Region.
    #[serde(default)]
    pub region: String,
    /// Latency in ms.
    #[serde(default)]
    pub(crate) latency: i64,
    /// Probe packets sent (GameLift does not measure this: 0).
    #[serde(default)]
    pub(crate) send_pkg_cnt: i64,
    /// Probe packets received (GameLift does not measure this: 0).
    #[serde(default)]
    pub(crate) recv_pkg_cnt: i64,
    /// Latency provider (empty: GameLift's `LatencyInMs` has none).
    #[serde(default)]
    pub(crate) provider: String,
    /// The player this latency belongs to.
    #[serde(default)]
    pub(crate) player_id: String,
}

/// A `battle_properties` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct KeyValue {
    /// Key.
    #[serde(default)]
    pub(crate) key: String,
    /// Value.
    #[serde(default)]
    pub(crate) value: String,
}

fn strings_skipping_nulls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v: Option<Vec<Option<String>>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default().into_iter().flatten().collect())
}

impl MatchedPlayer {
    /// A domain player in PGOS's words. `is_new` is false for players of a backfill ticket
    /// (they are already in the battle).
    pub(crate) fn from_player(p: &Player, is_new: bool) -> Self {
        MatchedPlayer {
            player_id: p.player_id.clone(),
            team: p.team.clone().unwrap_or_default(),
            match_attributes: p
                .attributes
                .iter()
                .filter_map(|(name, v)| attribute(name, v))
                .collect(),
            region_latencies: p
                .latency_in_ms
                .iter()
                .map(|(region, ms)| RegionLatency {
                    region: region.clone(),
                    latency: i64::from(*ms),
                    player_id: p.player_id.clone(),
                    ..RegionLatency::default()
                })
                .collect(),
            is_new,
            extra_data: String::new(),
        }
    }
}

/// GameLift attribute → PGOS attribute. String-to-number maps have no PGOS form and are left
/// out (documented loss).
fn attribute(name: &str, v: &AttributeValue) -> Option<MatchAttribute> {
    let mut a = MatchAttribute {
        name: name.to_owned(),
        ..MatchAttribute::default()
    };
    match v {
        AttributeValue::Number(n) => a.number_value = *n,
        AttributeValue::String(s) => {
            a.kind = 1;
            a.string_value = s.clone();
        }
        AttributeValue::StringList(l) => {
            a.kind = 2;
            a.list_value = l.clone();
        }
        AttributeValue::StringNumberMap(_) => return None,
    }
    Some(a)
}

/// Game properties in PGOS's words.
pub(crate) fn battle_properties(props: &[super::model::GameProperty]) -> Vec<KeyValue> {
    props
        .iter()
        .map(|p| KeyValue {
            key: p.key.clone(),
            value: p.value.clone(),
        })
        .collect()
}
