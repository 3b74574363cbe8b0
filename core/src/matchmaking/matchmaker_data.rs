//! The matchmaker data a matched game session carries (guide, "使用对战构建器数据", lines
//! 2240–2290; sdk-wire-protocol.md §5.2): the match id, the configuration ARN, the teams
//! with their players and each player's attributes from the original request
//! (`{"attributeType": "DOUBLE", "valueAttribute": 23}`), the configuration's backfill mode as
//! `autoBackfillMode` (`AUTOMATIC` or `MANUAL`, always: the Go SDK reads a missing one as
//! NOT_SET, §5.2) and, while an automatic backfill ticket searches for the session,
//! `autoBackfillTicketId`. Latencies are not included ("它不包括玩家延迟").
//!
//! The core keeps the document typed, in its own terms (the engine's attribute values, the
//! configuration's [`BackfillMode`]), and makes no JSON: the daemon's faces write it as the SDK's
//! document where a game server or the service API reads it (`sdk_wire` in the daemon). The
//! service bounds the JSON form to 390 000 characters (service-api.md, GameSession,
//! `MatchmakerData` string(1..390000)); the core counts it through
//! [`CoreConfig::matchmaker_data_len`](crate::CoreConfig::matchmaker_data_len), which the
//! daemon sets to the exact count and which defaults to [`json_length_bound`].

use std::collections::BTreeMap;

use super::BackfillMode;
use playfield_flexmatch::{AttributeValue, Player};

/// The whole document (sdk-wire-protocol.md §5.2).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchmakerData {
    /// `matchId`: the match the game session hosts.
    pub match_id: String,
    /// `matchmakingConfigurationArn`: the configuration that made the match.
    pub matchmaking_configuration_arn: String,
    /// `teams`: every team of the rule set (empty ones too), each with its players in order.
    pub teams: Vec<MatchedTeam>,
    /// `autoBackfillTicketId`: the automatic backfill ticket searching for the session, if
    /// any (only ever with AUTOMATIC).
    pub auto_backfill_ticket_id: Option<String>,
    /// `autoBackfillMode`: the configuration's backfill mode. The matchmaker always sets it;
    /// `None` only in a document handed to the core without one.
    pub auto_backfill_mode: Option<BackfillMode>,
}

/// One team and its players.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchedTeam {
    /// The team's name, from the rule set.
    pub name: String,
    /// Its players, in the order they were matched.
    pub players: Vec<MatchedPlayer>,
}

/// One matched player: id and the attributes from the original matchmaking request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchedPlayer {
    /// The player's id.
    pub player_id: String,
    /// The player's attributes (name → value), as given in the matchmaking request.
    pub attributes: BTreeMap<String, AttributeValue>,
}

impl MatchmakerData {
    /// The configuration name: the part of the ARN after `:matchmakingconfiguration/`, which is
    /// all a backfill request from a client service needs (guide, "使用对战构建器数据", Note).
    pub fn configuration_name(&self) -> Option<&str> {
        self.matchmaking_configuration_arn
            .split_once(":matchmakingconfiguration/")
            .map(|(_, name)| name)
    }

    /// How many players the match holds, over all teams.
    pub fn player_count(&self) -> usize {
        self.teams.iter().map(|t| t.players.len()).sum()
    }
}

/// The document's backfill fields: the configuration's mode, and the automatic backfill
/// ticket searching for the session, if any (only ever with AUTOMATIC).
pub struct Backfill<'a> {
    /// The configuration's `BackfillMode` (`autoBackfillMode` in the document).
    pub mode: BackfillMode,
    /// The automatic backfill ticket searching for the session (`autoBackfillTicketId`).
    pub auto_ticket_id: Option<&'a str>,
}

/// Builds the document. `teams` holds every team of the rule set (empty ones too, so a
/// server sees the whole structure), each with its players in order.
pub fn build(
    match_id: &str,
    configuration_arn: &str,
    teams: &[(String, Vec<&Player>)],
    backfill: Backfill<'_>,
) -> MatchmakerData {
    MatchmakerData {
        match_id: match_id.into(),
        matchmaking_configuration_arn: configuration_arn.into(),
        teams: teams
            .iter()
            .map(|(name, players)| MatchedTeam {
                name: name.clone(),
                players: players
                    .iter()
                    .map(|p| MatchedPlayer {
                        player_id: p.id.clone(),
                        attributes: p.attributes.clone(),
                    })
                    .collect(),
            })
            .collect(),
        auto_backfill_ticket_id: backfill.auto_ticket_id.map(str::to_string),
        auto_backfill_mode: Some(backfill.mode),
    }
}

/// The most characters a double takes in the document: the longest finite one written in
/// shortest round-trip form, `-2.2250738585072014e-308` (a non-finite one is written `null`).
const MAX_NUMBER_CHARS: usize = 24;

/// An upper bound on the characters of the document's JSON form, counted over the sdk-wire-protocol.md §5.2
/// layout without writing it: keys and strings as written (each control character counted as
/// a six-character `\u` escape, a quote or backslash as two), every number as the 24
/// characters the longest double takes. Keys the writer leaves out when empty
/// (`matchmakingConfigurationArn`, `teams`, a player's `attributes`) are left out here too, so
/// a document without numbers or control characters is counted exactly.
///
/// It is [`CoreConfig::matchmaker_data_len`](crate::CoreConfig::matchmaker_data_len)'s
/// default: a core that counts with it never admits a document whose JSON is longer than the
/// service's bound, and may refuse one just under it. The daemon counts the JSON it writes.
pub fn json_length_bound(d: &MatchmakerData) -> usize {
    let mut members = vec![member("matchId", text(&d.match_id))];
    if !d.matchmaking_configuration_arn.is_empty() {
        members.push(member(
            "matchmakingConfigurationArn",
            text(&d.matchmaking_configuration_arn),
        ));
    }
    if !d.teams.is_empty() {
        members.push(member("teams", list(d.teams.iter().map(team_length_bound))));
    }
    if let Some(t) = &d.auto_backfill_ticket_id {
        members.push(member("autoBackfillTicketId", text(t)));
    }
    if let Some(mode) = d.auto_backfill_mode {
        let name = match mode {
            BackfillMode::Automatic => "AUTOMATIC",
            BackfillMode::Manual => "MANUAL",
        };
        members.push(member("autoBackfillMode", text(name)));
    }
    object(members)
}

fn team_length_bound(t: &MatchedTeam) -> usize {
    let players = t.players.iter().map(|p| {
        let mut members = vec![member("playerId", text(&p.player_id))];
        if !p.attributes.is_empty() {
            let attributes = p
                .attributes
                .iter()
                .map(|(name, v)| member_named(text(name), attribute_length_bound(v)));
            members.push(member("attributes", object(attributes)));
        }
        object(members)
    });
    object([
        member("name", text(&t.name)),
        member("players", list(players)),
    ])
}

/// `{"attributeType":"…","valueAttribute":…}` (sdk-wire-protocol.md §5.2).
fn attribute_length_bound(v: &AttributeValue) -> usize {
    let (kind, value) = match v {
        AttributeValue::Number(_) => ("DOUBLE", MAX_NUMBER_CHARS),
        AttributeValue::String(s) => ("STRING", text(s)),
        AttributeValue::StringList(l) => ("STRING_LIST", list(l.iter().map(|s| text(s)))),
        AttributeValue::StringNumberMap(m) => (
            "STRING_DOUBLE_MAP",
            object(m.keys().map(|k| member_named(text(k), MAX_NUMBER_CHARS))),
        ),
    };
    object([
        member("attributeType", text(kind)),
        member("valueAttribute", value),
    ])
}

/// A JSON string: its quotes and its characters, escapes counted at their longest.
fn text(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' => 2,
            c if c < ' ' => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// `"key":value`, for a key that needs no escape.
fn member(key: &str, value: usize) -> usize {
    member_named(key.len() + 2, value)
}

/// `"key":value`, given the key's length as a JSON string.
fn member_named(key: usize, value: usize) -> usize {
    key + 1 + value
}

/// `{a,b}` around members: the braces and one comma between two.
fn object(parts: impl IntoIterator<Item = usize>) -> usize {
    let (count, sum) = parts
        .into_iter()
        .fold((0usize, 0), |(n, total), len| (n + 1, total + len));
    2 + sum + count.saturating_sub(1)
}

/// `[a,b]` around items: counted as an object is.
fn list(items: impl IntoIterator<Item = usize>) -> usize {
    object(items)
}
