//! The matchmaker data a matched game session carries (guide, "使用对战构建器数据", lines
//! 2240–2290; sdk-wire-protocol.md §5.2): the match id, the configuration ARN, the teams
//! with their players and each player's attributes from the original request
//! (`{"attributeType": "DOUBLE", "valueAttribute": 23}`), the configuration's backfill mode as
//! `autoBackfillMode` (`AUTOMATIC` or `MANUAL`, always: the Go SDK reads a missing one as
//! NOT_SET, §5.2) and, while an automatic backfill ticket searches for the session,
//! `autoBackfillTicketId`. Latencies are not included ("它不包括玩家延迟").
//!
//! The document type is the SDK's own ([`playfield_sdk::wire::MatchmakerData`]), so what the
//! daemon writes is exactly what the SDK reads.

use playfield_sdk::wire::{self, MatchedPlayer, MatchedTeam, MatchmakerData};

use super::BackfillMode;
use crate::flexmatch::{AttributeValue, Player};

/// Converts an engine attribute value to the wire's.
pub fn wire_value(v: &AttributeValue) -> wire::AttributeValue {
    match v {
        AttributeValue::String(s) => wire::AttributeValue::String(s.clone()),
        AttributeValue::Number(n) => wire::AttributeValue::Double(*n),
        AttributeValue::StringList(l) => wire::AttributeValue::StringList(l.clone()),
        AttributeValue::StringNumberMap(m) => wire::AttributeValue::StringDoubleMap(m.clone()),
    }
}

/// The document's backfill fields: the configuration's mode, and the automatic backfill
/// ticket searching for the session, if any (only ever with AUTOMATIC).
pub struct Backfill<'a> {
    pub mode: BackfillMode,
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
                        attributes: p
                            .attributes
                            .iter()
                            .map(|(k, v)| (k.clone(), wire_value(v)))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        auto_backfill_ticket_id: backfill.auto_ticket_id.map(str::to_string),
        auto_backfill_mode: Some(match backfill.mode {
            BackfillMode::Automatic => wire::BackfillMode::Automatic,
            BackfillMode::Manual => wire::BackfillMode::Manual,
        }),
    }
}
