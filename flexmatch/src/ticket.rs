//! Tickets and players as the caller hands them in.
//!
//! Shapes follow the service API (`/work/shared/reference/service-api.md`,
//! "Player" and "AttributeValue"): a player has an id (1..1024 chars), typed
//! attributes (`S` string of 1..100, `N` double, `SL` list of strings, `SDM`
//! map string → double) and a latency map region → milliseconds. A ticket holds
//! 1 to 10 players (guide line 2095: "最多十位玩家") and its creation time.
//!
//! A ticket whose attribute has the wrong type for the rule set, or that lacks
//! an attribute without a default, is refused when it enters the pool with a
//! [`TicketError`] naming the player and the attribute.

use super::ruleset::AttrType;
use serde_json::Value;
use std::collections::BTreeMap;

/// A player attribute value (`AttributeValue` in the service API).
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    String(String),
    Number(f64),
    StringList(Vec<String>),
    StringNumberMap(BTreeMap<String, f64>),
}

impl AttributeValue {
    /// The declared type this value has.
    pub fn kind(&self) -> AttrType {
        match self {
            AttributeValue::String(_) => AttrType::String,
            AttributeValue::Number(_) => AttrType::Number,
            AttributeValue::StringList(_) => AttrType::StringList,
            AttributeValue::StringNumberMap(_) => AttrType::StringNumberMap,
        }
    }
}

pub(crate) fn type_name(t: AttrType) -> &'static str {
    match t {
        AttrType::String => "string",
        AttrType::Number => "number",
        AttrType::StringList => "string_list",
        AttrType::StringNumberMap => "string_number_map",
    }
}

/// A player in a ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Player {
    pub id: String,
    pub attributes: BTreeMap<String, AttributeValue>,
    /// Region (or location) → latency in milliseconds.
    pub latency_ms: BTreeMap<String, u32>,
    /// Only for the players already in a match that a backfill ticket describes: their team.
    pub team: Option<String>,
}

/// A matchmaking or backfill ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub players: Vec<Player>,
    /// Creation time, epoch milliseconds: expansion wait times count from here.
    pub created_ms: u64,
    /// True for a backfill ticket: its players are an existing match's players, each with
    /// `team` set, and it is matched only with regular tickets that fill open slots.
    pub backfill: bool,
}

/// Why a ticket was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("ticket id must be 1 to 128 characters")]
    BadId,
    #[error("ticket \"{0}\" is already in the pool")]
    Duplicate(String),
    #[error("a ticket needs 1 to {max} players, got {got}")]
    PlayerCount { got: usize, max: usize },
    #[error("player id must be 1 to 1024 characters (player #{0})")]
    BadPlayerId(usize),
    #[error("player \"{0}\" appears twice in the ticket")]
    DuplicatePlayer(String),
    #[error("player \"{player}\": attribute \"{attribute}\" must be {expected}, got {got}")]
    WrongType {
        player: String,
        attribute: String,
        expected: &'static str,
        got: &'static str,
    },
    #[error("player \"{player}\": attribute \"{attribute}\" is required (the rule set declares no default)")]
    MissingAttribute { player: String, attribute: String },
    #[error("player \"{player}\": attribute \"{attribute}\": {message}")]
    BadValue {
        player: String,
        attribute: String,
        message: String,
    },
    #[error("player \"{0}\" reports no latency, which the rule set's latency rule needs")]
    MissingLatency(String),
    #[error("the ticket's {0} players do not fit in any one team (the largest holds {1})")]
    TooLarge(usize, u32),
    #[error("backfill ticket player \"{player}\": {message}")]
    BadBackfill { player: String, message: String },
}

/// Most players one ticket may carry (StartMatchmaking).
pub const MAX_PLAYERS_PER_TICKET: usize = 10;
/// Most players a backfill ticket may describe (StartMatchBackfill: up to 199 in the game, plus room).
pub const MAX_PLAYERS_PER_BACKFILL: usize = 200;

/// Checks the service limits on one value (`S` and `SL` items are 1..100 characters).
pub(crate) fn check_value(v: &AttributeValue) -> Result<(), String> {
    let ok = |s: &str| (1..=100).contains(&s.chars().count());
    match v {
        AttributeValue::String(s) if !ok(s) => {
            Err("a string value must be 1 to 100 characters".into())
        }
        AttributeValue::Number(n) if !n.is_finite() => Err("a number must be finite".into()),
        AttributeValue::StringList(l) if !l.iter().all(|s| ok(s)) => {
            Err("list items must be 1 to 100 characters".into())
        }
        AttributeValue::StringNumberMap(m) if !m.iter().all(|(k, v)| ok(k) && v.is_finite()) => {
            Err("map keys must be 1 to 100 characters and values finite numbers".into())
        }
        _ => Ok(()),
    }
}

/// Reads a rule set's `default` for an attribute of type `kind`. Numbers may be written as strings.
pub(crate) fn value_from_json(v: &Value, kind: AttrType) -> Result<AttributeValue, String> {
    let wrong = || format!("must be a {} value, got {v}", type_name(kind));
    Ok(match kind {
        AttrType::String => AttributeValue::String(v.as_str().ok_or_else(wrong)?.to_string()),
        AttrType::Number => AttributeValue::Number(match v {
            Value::Number(n) => n.as_f64().ok_or_else(wrong)?,
            Value::String(s) => s.trim().parse().map_err(|_| wrong())?,
            _ => return Err(wrong()),
        }),
        AttrType::StringList => AttributeValue::StringList(
            v.as_array()
                .ok_or_else(wrong)?
                .iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<_>>()
                .ok_or_else(wrong)?,
        ),
        AttrType::StringNumberMap => AttributeValue::StringNumberMap(
            v.as_object()
                .ok_or_else(wrong)?
                .iter()
                .map(|(k, x)| x.as_f64().map(|n| (k.clone(), n)))
                .collect::<Option<_>>()
                .ok_or_else(wrong)?,
        ),
    })
}
