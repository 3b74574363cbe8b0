//! The PGOS post-processing request for a held match (seed `003_b88cb9fe2efe5cb2.txt`, "This is
//! the schema of request triggered by matchmaking service"). The core's match is rendered
//! through the events model, so the request and the PGOS events show a match the same way.

use super::super::MatchmakingConfiguration;
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
            .map(super::super::notify::ticket)
            .collect();
        let event = ev::MatchmakingEvent {
            configuration: super::super::notify::configuration_ref(cfg),
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
