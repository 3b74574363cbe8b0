//! The matchmaker and session placement, inside the core.
//!
//! FlexMatch's flow (guide, "FlexMatch 的工作原理", lines 200–300; service-api.md §9.1):
//! a client asks for a match with a ticket (StartMatchmaking); the ticket waits in its
//! configuration's pool, SEARCHING; the rule engine forms a match; if the configuration
//! requires acceptance every player must accept (REQUIRES_ACCEPTANCE); in WITH_QUEUE mode the
//! match is then placed through a game session queue onto a free server process (PLACING);
//! the ticket ends COMPLETED with the connection info, or CANCELLED, TIMED_OUT or FAILED.
//!
//! Like the rest of the core this is a synchronous state machine: every command takes `now`,
//! everything time-based is a timer ([`TimerKey`](super::timers::TimerKey) variants
//! `Ticket*`, `Acceptance`, `Expansion`, `MatchmakingCycle`, `Placement*`), and what happened
//! leaves as [`Event::Matchmaking`](super::Event::Matchmaking). Matching works on the pool in
//! matchmaking cycles (guide 002 lines 446–452): the tickets that arrive within one cycle are
//! matched together at its end, so matches grow toward maxPlayers; a new ticket that makes a
//! match full gets it within the same call; expansion steps run a pass at their exact time.
//!
//! Submodules follow the seams of the flow: [`rule_sets`], [`configurations`], [`queues`]
//! (definitions); [`tickets`] (StartMatchmaking and a ticket's life), [`acceptance`],
//! [`placement`], [`backfill`]; [`matchmaker_data`] builds the document game servers receive;
//! [`post_processing`] holds a match for a PGOS virtual server when its configuration asks;
//! [`observe`] gives observers (dashboard, metrics) whole lists and live rule evaluations.
//! `notify` turns the flow's events into the notifications of `core::notifications`.

pub(crate) mod acceptance;
pub(crate) mod backfill;
pub(crate) mod configurations;
mod evaluations;
pub(crate) mod matchmaker_data;
pub(crate) mod names;
mod notify;
pub(crate) mod observe;
pub(crate) mod placement;
pub(crate) mod placement_api;
pub(crate) mod post_processing;
pub(crate) mod queues;
pub(crate) mod rule_sets;
pub(crate) mod setup;
pub(crate) mod tickets;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::clock::Millis;
use crate::ids::{GameSessionId, TicketId};
use crate::notifications::AcceptanceOutcome;
use playfield_flexmatch::{Match, Pool};

pub use acceptance::Proposal;
pub use configurations::{BackfillMode, FlexMatchMode, MatchmakingConfiguration};
pub use placement::{Placement, PlacementStatus, Placements};
pub use queues::{GameSessionQueue, PlayerLatencyPolicy};
pub use rule_sets::{MatchmakingRuleSet, RuleSetSpec};
pub use setup::MatchmakingSetup;
pub use tickets::{
    ConnectionInfo, MatchedPlayerSession, MatchmakingTicket, StartMatchmaking, TicketKind,
    TicketStatus, TicketStatusReason, Tickets,
};

/// How long a finished ticket, placement or proposal stays describable before it is
/// forgotten: per-ticket state is never kept forever (lessons-from-peers.md).
pub(crate) const RETENTION_MS: Millis = 600_000;

/// How often a placement with no free process looks again, until its queue's timeout.
pub(crate) const PLACEMENT_RETRY_MS: Millis = 250;

/// All matchmaking state. Owned by [`super::Core`]; the flows' methods live on `Core`
/// because a step of the flow touches fleets, processes and game sessions too. Tickets and
/// placements are aggregates ([`Tickets`], [`Placements`]) that keep their own indexes in
/// step with their records; `Core` orchestrates them.
#[derive(Debug, Default)]
pub struct Matchmaking {
    pub(crate) rule_sets: BTreeMap<String, MatchmakingRuleSet>,
    pub(crate) configurations: BTreeMap<String, MatchmakingConfiguration>,
    pub(crate) queues: BTreeMap<String, GameSessionQueue>,
    /// One ticket pool per configuration name.
    pub(crate) pools: HashMap<String, Pool>,
    /// Every ticket, with who and which game session it is active for.
    pub(crate) tickets: Tickets,
    /// Match id → a proposed match waiting for acceptance.
    pub(crate) proposals: HashMap<String, Proposal>,
    /// Every placement, with the game session it waits for and the ones waiting for a
    /// process.
    pub(crate) placements: Placements,
    /// Game session ARN → the match it hosts (for backfill), while it lives.
    pub(crate) sessions: HashMap<String, backfill::SessionMatch>,
    /// Configuration → running average wait of its matched tickets, milliseconds (see
    /// `Core::estimated_wait_ms`); absent until the configuration made a match.
    pub(crate) est_wait_ms: HashMap<String, u64>,
    /// Counts passes, so each gets its own seed.
    pub(crate) passes: u64,
    /// Matches held for PGOS post-processing.
    pub(crate) post_processing: post_processing::PostProcessingState,
}

/// What the matchmaker tells the outside world. `Display` is the log line.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchmakingEvent {
    /// A ticket changed status (QUEUED tickets enter SEARCHING at once).
    TicketStatus {
        /// The ticket.
        ticket_id: TicketId,
        /// Its configuration's name.
        configuration: String,
        /// Its new status.
        status: TicketStatus,
        /// Why, when the new status is a failure or an end.
        reason: Option<TicketStatusReason>,
        /// Words for a human on the change (the ticket's `StatusMessage`).
        message: Option<String>,
    },
    /// The rule engine formed a match (before acceptance, before placement).
    PotentialMatchCreated {
        /// The new match's id (a UUID, the notifications' `matchId`).
        match_id: String,
        /// The configuration it was made in.
        configuration: String,
        /// The tickets it joins.
        ticket_ids: Vec<TicketId>,
        /// Whether its players must accept it (the configuration's `AcceptanceRequired`).
        acceptance_required: bool,
        /// The engine's `ruleEvaluationMetrics` for this match (for the notification).
        rule_metrics: Vec<playfield_flexmatch::RuleMetric>,
    },
    /// A player answered a proposal.
    AcceptMatch {
        /// The proposed match.
        match_id: String,
        /// The ticket of the player who answered.
        ticket_id: TicketId,
        /// The player who answered.
        player_id: String,
        /// Their answer: true for ACCEPT, false for REJECT.
        accepted: bool,
    },
    /// The acceptance step ended.
    AcceptMatchCompleted {
        /// The proposed match.
        match_id: String,
        /// Accepted by all, rejected by someone, or timed out.
        outcome: AcceptanceOutcome,
        /// The configuration the match was made in.
        configuration: String,
        /// The match's tickets.
        ticket_ids: Vec<TicketId>,
    },
    /// A placement changed status.
    Placement {
        /// The placement id.
        placement_id: String,
        /// Its new status.
        status: PlacementStatus,
        /// The game session it made (its ARN), once FULFILLED.
        game_session_id: Option<GameSessionId>,
    },
    /// PGOS post-processing of a match (see [`PostProcessingCall`](crate::PostProcessingCall)).
    PostProcessing(post_processing::PostProcessingEvent),
}

impl fmt::Display for MatchmakingEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use MatchmakingEvent::*;
        match self {
            TicketStatus {
                ticket_id,
                configuration,
                status,
                reason,
                message,
            } => {
                write!(
                    f,
                    "ticket {ticket_id} ({configuration}): {}",
                    status.as_str()
                )?;
                if let Some(r) = reason {
                    write!(f, " [{r}]")?;
                }
                if let Some(m) = message {
                    write!(f, " {m}")?;
                }
                Ok(())
            }
            PotentialMatchCreated {
                match_id,
                configuration,
                ticket_ids,
                acceptance_required,
                ..
            } => write!(
                f,
                "match {match_id} ({configuration}) formed from tickets {}{}",
                ticket_ids.join(", "),
                if *acceptance_required {
                    ": waiting for acceptance"
                } else {
                    ""
                }
            ),
            AcceptMatch {
                match_id,
                ticket_id,
                player_id,
                accepted,
            } => write!(
                f,
                "match {match_id}: player {player_id} (ticket {ticket_id}) {}",
                if *accepted { "accepted" } else { "rejected" }
            ),
            AcceptMatchCompleted {
                match_id, outcome, ..
            } => {
                write!(
                    f,
                    "match {match_id}: acceptance ended: {}",
                    outcome.as_str()
                )
            }
            Placement {
                placement_id,
                status,
                game_session_id,
            } => {
                write!(f, "placement {placement_id}: {}", status.as_str())?;
                if let Some(g) = game_session_id {
                    write!(f, " on {g}")?;
                }
                Ok(())
            }
            PostProcessing(e) => e.fmt(f),
        }
    }
}

impl super::Core {
    /// Matchmaking state, for the core's own tests to read (no face reads it: they go through
    /// the describe and list calls).
    #[cfg(test)]
    pub(crate) fn matchmaking(&self) -> &Matchmaking {
        &self.mm
    }

    /// Says what happened: the thin event for the log, then the rich notifications it
    /// stands for (see the `notify` module), projected from the state as it is at this moment.
    fn mm_emit(&mut self, now: Millis, e: MatchmakingEvent) {
        self.project_notifications(now, &e);
        self.emit(super::Event::Matchmaking(e));
    }

    /// `arn:aws:gamelift:<region>:<account>:matchmakingconfiguration/<name>` (service-api.md §7).
    pub fn configuration_arn(&self, name: &str) -> String {
        self.cfg.arns().matchmaking_configuration(name).into()
    }

    /// Tickets entered a configuration's pool (new, or back from a failed proposal): a match
    /// they make full forms now; any other waits for the end of the matchmaking cycle, so the
    /// tickets that arrive within one cycle are matched together (see
    /// [`CoreConfig::matchmaking_cycle_ms`](crate::CoreConfig::matchmaking_cycle_ms)). The
    /// cycle's pass is scheduled at most once per cycle.
    pub(crate) fn request_pass(&mut self, now: Millis, configuration: &str) {
        self.mm.passes += 1;
        let seed = self.cfg.seed ^ self.mm.passes.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let Some(pool) = self.mm.pools.get_mut(configuration) else {
            return;
        };
        let pass = pool.find_full_matches(now, seed);
        let waiting = !pool.is_empty();
        self.keep_match_evaluations(configuration, &pass.matches, &pass.ticket_evaluations);
        for m in pass.matches {
            self.on_match(now, configuration, m);
        }
        let key = super::timers::TimerKey::MatchmakingCycle(configuration.to_string());
        if waiting && !self.timers.is_scheduled(&key) {
            self.timers
                .schedule(key, now + self.cfg.matchmaking_cycle_ms);
        }
    }

    /// Runs a matching pass on a configuration's pool and carries its matches on; then
    /// schedules the pass for the pool's next expansion step. Runs at the end of a
    /// matchmaking cycle, when an expansion step falls due, and for a backfill request. The
    /// engine's passes build only around what changed since the last one (newcomers,
    /// expansions that fell due), so a pass over a pool where nothing changed costs nothing.
    pub(crate) fn run_pass(&mut self, now: Millis, configuration: &str) {
        self.timers
            .cancel(&super::timers::TimerKey::MatchmakingCycle(
                configuration.to_string(),
            ));
        self.mm.passes += 1;
        let seed = self.cfg.seed ^ self.mm.passes.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let Some(pool) = self.mm.pools.get_mut(configuration) else {
            return;
        };
        let pass = pool.find_matches(now, seed);
        if pool.has_pending() {
            self.timers.schedule(
                super::timers::TimerKey::MatchmakingCycle(configuration.to_string()),
                now + self.cfg.matchmaking_cycle_ms,
            );
        }
        let next = pool.next_expansion_due(now);
        let key = super::timers::TimerKey::Expansion(configuration.to_string());
        match next {
            Some(at) => self.timers.schedule(key, at),
            None => self.timers.cancel(&key),
        }
        self.keep_match_evaluations(configuration, &pass.matches, &pass.ticket_evaluations);
        for m in pass.matches {
            self.on_match(now, configuration, m);
        }
    }

    /// A match found by the engine: a backfill answer or a new match.
    fn on_match(&mut self, now: Millis, configuration: &str, m: Match) {
        if m.backfill_ticket_id.is_some() {
            self.on_backfill_match(now, configuration, m);
        } else {
            self.on_new_match(now, configuration, m);
        }
    }

    /// The game session a placement waited for became ACTIVE (hook from
    /// `activate_game_session`).
    pub(crate) fn mm_on_game_session_activated(&mut self, now: Millis, game_session_id: &str) {
        self.placement_activated(now, game_session_id);
        self.start_automatic_backfill(now, game_session_id);
    }

    /// A game session ended (hook from `end_game_session`): a placement waiting for it
    /// fails, and its backfill ticket ends without a server to tell.
    pub(crate) fn mm_on_game_session_ended(&mut self, now: Millis, game_session_id: &str) {
        self.placement_session_lost(now, game_session_id);
        self.mm.sessions.remove(game_session_id);
        if let Some(t) = self.mm.tickets.backfill_ticket_of(game_session_id) {
            let t = t.to_owned();
            self.finish_ticket(
                now,
                &t,
                TicketStatus::Cancelled,
                Some(TicketStatusReason::Cancelled),
                Some(format!("game session {game_session_id} ended")),
            );
        }
    }

    /// A process became free to host a game session (hook from `process_ready` and from the
    /// end of a game session): the oldest placement waiting for capacity takes it now, not at
    /// its next retry tick (`PLACEMENT_RETRY_MS`), so a server that starts while a match is
    /// PLACING gets it within the call that made it ready.
    pub(crate) fn mm_on_capacity(&mut self, now: Millis) {
        if !self.mm.placements.any_waiting()
            || !self.fleets.keys().any(|f| self.free_process(f).is_some())
        {
            return;
        }
        for id in self.mm.placements.waiting_ids() {
            self.retry_placement(now, &id);
            if self.mm.placements.is_waiting(&id) {
                continue;
            }
            self.mm.placements.stop_waiting(&id);
            if self
                .mm
                .placements
                .get(&id)
                .is_some_and(|p| p.game_session_id.is_some())
            {
                // One process freed, one placement placed: the rest keep waiting.
                return;
            }
        }
    }

    /// Fires one matchmaking timer (called from [`super::Core::on_time`]).
    pub(crate) fn mm_on_timer(&mut self, now: Millis, key: super::timers::TimerKey) {
        use super::timers::TimerKey as K;
        match key {
            K::TicketTimeout(id) => self.ticket_timed_out(now, &id),
            K::TicketForget(id) => self.forget_ticket(&id),
            K::Acceptance(id) => self.acceptance_timed_out(now, &id),
            K::Expansion(cfg) | K::MatchmakingCycle(cfg) => self.run_pass(now, &cfg),
            K::PlacementRetry(id) => self.retry_placement(now, &id),
            K::PlacementForget(id) => self.mm.placements.forget(&id),
            K::PostProcessing(id) => self.post_processing_timed_out(now, &id),
            _ => {}
        }
    }
}
