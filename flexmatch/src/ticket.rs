//! Tickets and players as the caller hands them in.
//!
//! Shapes follow the service API (`docs/service-api.md`,
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
    /// `S`: a string of 1 to 100 characters.
    String(String),
    /// `N`: a double.
    Number(f64),
    /// `SL`: a list of strings, each 1 to 100 characters.
    StringList(Vec<String>),
    /// `SDM`: a map from string to double.
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
    /// The player's id (1 to 1024 characters), unique within the ticket.
    pub id: String,
    /// Attribute name → value; an attribute the rule set does not declare is ignored.
    pub attributes: BTreeMap<String, AttributeValue>,
    /// Region (or location) → latency in milliseconds.
    pub latency_ms: BTreeMap<String, u32>,
    /// Only for the players already in a match that a backfill ticket describes: their team.
    pub team: Option<String>,
}

/// A matchmaking or backfill ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// The ticket's id (1 to 128 characters), unique within the pool.
    pub id: String,
    /// Its players: 1 to [`MAX_PLAYERS_PER_TICKET`], or to [`MAX_PLAYERS_PER_BACKFILL`] for
    /// a backfill ticket.
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
    /// The ticket id is empty or longer than 128 characters.
    #[error("ticket id must be 1 to 128 characters")]
    BadId,
    /// A ticket with this id is already in the pool.
    #[error("ticket \"{0}\" is already in the pool")]
    Duplicate(String),
    /// The ticket holds no player, or more than it may.
    #[error("a ticket needs 1 to {max} players, got {got}")]
    PlayerCount {
        /// How many players it holds.
        got: usize,
        /// The most it may hold ([`MAX_PLAYERS_PER_TICKET`] or [`MAX_PLAYERS_PER_BACKFILL`]).
        max: usize,
    },
    /// The player at this index has an empty id or one longer than 1024 characters.
    #[error("player id must be 1 to 1024 characters (player #{0})")]
    BadPlayerId(usize),
    /// Two players of the ticket have this id.
    #[error("player \"{0}\" appears twice in the ticket")]
    DuplicatePlayer(String),
    /// A player's attribute has another type than the rule set declares.
    #[error("player \"{player}\": attribute \"{attribute}\" must be {expected}, got {got}")]
    WrongType {
        /// The player's id.
        player: String,
        /// The attribute's name.
        attribute: String,
        /// The declared type (`string`, `number`, `string_list`, `string_number_map`).
        expected: &'static str,
        /// The type the player's value has.
        got: &'static str,
    },
    /// A player lacks an attribute the rule set declares without a default.
    #[error("player \"{player}\": attribute \"{attribute}\" is required (the rule set declares no default)")]
    MissingAttribute {
        /// The player's id.
        player: String,
        /// The attribute's name.
        attribute: String,
    },
    /// A player's attribute value breaks a service limit (say a string over 100 characters).
    #[error("player \"{player}\": attribute \"{attribute}\": {message}")]
    BadValue {
        /// The player's id.
        player: String,
        /// The attribute's name.
        attribute: String,
        /// What is wrong with the value.
        message: String,
    },
    /// This player reports no latency, and the rule set has a latency rule.
    #[error("player \"{0}\" reports no latency, which the rule set's latency rule needs")]
    MissingLatency(String),
    /// The ticket's players (first field) outnumber the largest team's maxPlayers, even
    /// after expansions (second field): the ticket could never match.
    #[error("the ticket's {0} players do not fit in any one team (the largest holds {1})")]
    TooLarge(usize, u32),
    /// A backfill ticket's player does not fit the running match it describes (no team, or
    /// an unknown one).
    #[error("backfill ticket player \"{player}\": {message}")]
    BadBackfill {
        /// The player's id.
        player: String,
        /// What is wrong.
        message: String,
    },
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
