//! The post-processing call for a held match (seed `003_b88cb9fe2efe5cb2.txt`, "This is the
//! schema of request triggered by matchmaking service"). The match's tickets are taken as the
//! events show them (`notify::ticket`), so the call and the PGOS events show a match the same
//! way.

use super::super::MatchmakingConfiguration;
use super::PostProcessingCall;
use crate::clock::Millis;
use crate::notifications::EpochMillis;
use crate::Core;
use playfield_flexmatch::Match;

impl Core {
    /// The call for a held match: its tickets with their players (team, attributes,
    /// latencies) and the configuration, whose game properties are the `battle_properties`.
    pub(super) fn post_processing_call(
        &self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        match_id: &str,
        m: &Match,
    ) -> PostProcessingCall {
        let tickets = m
            .ticket_ids
            .iter()
            .filter_map(|id| self.mm.tickets.get(id))
            .map(super::super::notify::ticket)
            .collect();
        let requeued = &self.mm.post_processing.requeued;
        PostProcessingCall::new(
            match_id,
            super::super::notify::configuration_ref(cfg),
            tickets,
            cfg.spec.acceptance_required,
            EpochMillis(now as i64),
            |id| requeued.get(id).copied().unwrap_or(0),
        )
    }
}
