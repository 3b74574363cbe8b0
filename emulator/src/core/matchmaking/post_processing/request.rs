//! The PGOS post-processing request for a held match (seed `003_b88cb9fe2efe5cb2.txt`, "This is
//! the schema of request triggered by matchmaking service"). The core's match is rendered
//! through the events model, so the request and the PGOS events show a match the same way.

use super::super::matchmaker_data::wire_value;
use super::super::{FlexMatchMode, MatchmakingConfiguration};
use crate::clock::Millis;
use crate::core::Core;
use crate::events::model as ev;
use crate::events::pgos::PostProcessingRequest;
use crate::flexmatch::Match;

impl Core {
    /// The PGOS request for a held match: its tickets with their players (team, attributes,
    /// latencies) and the configuration's game properties as `battle_properties`.
    pub(super) fn post_processing_request(
        &self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        match_id: &str,
        m: &Match,
    ) -> PostProcessingRequest {
        let tickets = m
            .ticket_ids
            .iter()
            .filter_map(|id| self.mm.tickets.get(id))
            .map(|t| ev::Ticket {
                ticket_id: t.id.clone(),
                start_time: ev::EpochMillis(t.start_time as i64),
                players: t
                    .players
                    .iter()
                    .map(|p| ev::Player {
                        player_id: p.id.clone(),
                        team: p.team.clone(),
                        attributes: p
                            .attributes
                            .iter()
                            .map(|(k, v)| (k.clone(), wire_value(v)))
                            .collect(),
                        latency_in_ms: p.latency_ms.clone(),
                        ..ev::Player::default()
                    })
                    .collect(),
                kind: ev::TicketKind::Matchmaking,
            })
            .collect();
        let event = ev::MatchmakingEvent {
            configuration: ev::ConfigurationRef {
                name: cfg.name.clone(),
                arn: cfg.arn.clone(),
                custom_event_data: cfg.custom_event_data.clone(),
                flex_match_mode: match cfg.flex_match_mode {
                    FlexMatchMode::WithQueue => ev::FlexMatchMode::WithQueue,
                    FlexMatchMode::Standalone => ev::FlexMatchMode::Standalone,
                },
                rule_set_name: cfg.rule_set_name.clone(),
                game_properties: cfg
                    .game_properties
                    .iter()
                    .map(|(key, value)| ev::GameProperty {
                        key: key.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            },
            tickets,
            game_session: ev::GameSessionInfo::default(),
            kind: ev::MatchmakingEventKind::PotentialMatchCreated {
                match_id: match_id.to_owned(),
                acceptance_required: cfg.acceptance_required,
                acceptance_timeout_seconds: cfg.acceptance_timeout_seconds.unwrap_or(0),
                rule_evaluation_metrics: Vec::new(),
            },
        };
        let requeued = &self.mm.post_processing.requeued;
        // `trigger_id` names the binding in PGOS; Playfield has one hook per configuration
        // and uses the match id, so a virtual server can tell its calls apart in its logs.
        PostProcessingRequest::for_match(&event, match_id, ev::EpochMillis(now as i64), |id| {
            requeued.get(id).copied().unwrap_or(0)
        })
        .unwrap_or_default()
    }
}
