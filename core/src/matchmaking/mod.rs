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
//! `Ticket*`, `Acceptance`, `Expansion`, `Placement*`), and what happened leaves as
//! [`Event::Matchmaking`](super::Event::Matchmaking). Matching runs inside the command that
//! makes it possible (a new ticket) and on the timer of the next expansion step, never on a
//! slow fixed tick, so the last needed ticket becomes a match within the same call.
//!
//! Submodules follow the seams of the flow: [`rule_sets`], [`configurations`], [`queues`]
//! (definitions); [`tickets`] (StartMatchmaking and a ticket's life), [`acceptance`],
//! [`placement`], [`backfill`]; [`matchmaker_data`] builds the document game servers receive;
//! [`post_processing`] holds a match for a PGOS virtual server when its configuration asks;
//! [`observe`] gives observers (dashboard, metrics) whole lists and live rule evaluations.
//! `notify` turns the flow's events into the notifications of `core::notifications`.

pub mod acceptance;
pub mod backfill;
pub mod configurations;
mod evaluations;
pub mod matchmaker_data;
mod notify;
pub mod observe;
pub mod placement;
pub mod placement_api;
pub mod post_processing;
pub mod queues;
pub mod rule_sets;
pub mod setup;
pub mod tickets;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::clock::Millis;
use playfield_flexmatch::{Match, Pool};

pub use acceptance::Proposal;
pub use configurations::{BackfillMode, FlexMatchMode, MatchmakingConfiguration};
pub use placement::{Placement, PlacementStatus};
pub use queues::{GameSessionQueue, PlayerLatencyPolicy};
pub use rule_sets::{MatchmakingRuleSet, RuleSetSpec};
pub use setup::MatchmakingSetup;
pub use tickets::{
    ConnectionInfo, MatchedPlayerSession, MatchmakingTicket, StartMatchmaking, TicketKind,
    TicketStatus,
};

/// How long a finished ticket, placement or proposal stays describable before it is
/// forgotten: per-ticket state is never kept forever (lessons-from-peers.md).
pub const RETENTION_MS: Millis = 600_000;

/// How often a placement with no free process looks again, until its queue's timeout.
pub const PLACEMENT_RETRY_MS: Millis = 250;

/// All matchmaking state. Owned by [`super::Core`]; every method lives on `Core` because a
/// step of the flow touches fleets, processes and game sessions too.
#[derive(Debug, Default)]
pub struct Matchmaking {
    pub(crate) rule_sets: BTreeMap<String, MatchmakingRuleSet>,
    pub(crate) configurations: BTreeMap<String, MatchmakingConfiguration>,
    pub(crate) queues: BTreeMap<String, GameSessionQueue>,
    /// One ticket pool per configuration name.
    pub(crate) pools: HashMap<String, Pool>,
    pub(crate) tickets: HashMap<String, MatchmakingTicket>,
    /// Player id → that player's active (unfinished) matchmaking ticket.
    pub(crate) player_ticket: HashMap<String, String>,
    /// Match id → a proposed match waiting for acceptance.
    pub(crate) proposals: HashMap<String, Proposal>,
    pub(crate) placements: HashMap<String, Placement>,
    /// Game session ARN → the placement waiting for it to activate.
    pub(crate) placement_of: HashMap<String, String>,
    /// Placements with no free process yet, oldest first (start time, id): the ones a
    /// process becoming free is offered to at once (`mm_on_capacity`). A hint kept in step
    /// by `retry_placement`; an entry whose placement moved on is dropped when met.
    pub(crate) waiting_placements: BTreeSet<(Millis, String)>,
    /// Game session ARN → the match it hosts (for backfill), while it lives.
    pub(crate) sessions: HashMap<String, backfill::SessionMatch>,
    /// Game session ARN → its one active backfill ticket.
    pub(crate) backfill_of: HashMap<String, String>,
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
        ticket_id: String,
        configuration: String,
        status: TicketStatus,
        reason: Option<String>,
        message: Option<String>,
    },
    /// The rule engine formed a match (before acceptance, before placement).
    PotentialMatchCreated {
        match_id: String,
        configuration: String,
        ticket_ids: Vec<String>,
        acceptance_required: bool,
        /// The engine's `ruleEvaluationMetrics` for this match (for the notification).
        rule_metrics: Vec<playfield_flexmatch::RuleMetric>,
    },
    /// A player answered a proposal.
    AcceptMatch {
        match_id: String,
        ticket_id: String,
        player_id: String,
        accepted: bool,
    },
    /// The acceptance step ended: `outcome` is `Accepted`, `Rejected` or `TimedOut`.
    AcceptMatchCompleted {
        match_id: String,
        outcome: &'static str,
        configuration: String,
        ticket_ids: Vec<String>,
    },
    /// A placement changed status.
    Placement {
        placement_id: String,
        status: PlacementStatus,
        game_session_id: Option<String>,
    },
    /// PGOS post-processing of a match (see [`post_processing`]).
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
                write!(f, "match {match_id}: acceptance ended: {outcome}")
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

    /// Runs a matching pass on a configuration's pool and carries its matches on; then
    /// schedules the pass for the pool's next expansion step. The engine's passes are
    /// incremental (only newcomers and a sample), so running one per arrival is cheap.
    pub(crate) fn run_pass(&mut self, now: Millis, configuration: &str) {
        self.mm.passes += 1;
        let seed = self.cfg.seed ^ self.mm.passes.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let Some(pool) = self.mm.pools.get_mut(configuration) else {
            return;
        };
        let pass = pool.find_matches(now, seed);
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
        if let Some(t) = self.mm.backfill_of.remove(game_session_id) {
            self.finish_ticket(
                now,
                &t,
                TicketStatus::Cancelled,
                Some("CANCELLED".into()),
                Some(format!("game session {game_session_id} ended")),
            );
        }
    }

    /// A process became free to host a game session (hook from `process_ready` and from the
    /// end of a game session): the oldest placement waiting for capacity takes it now, not at
    /// its next retry tick (`PLACEMENT_RETRY_MS`), so a server that starts while a match is
    /// PLACING gets it within the call that made it ready.
    pub(crate) fn mm_on_capacity(&mut self, now: Millis) {
        if self.mm.waiting_placements.is_empty()
            || !self.fleets.keys().any(|f| self.free_process(f).is_some())
        {
            return;
        }
        let waiting: Vec<(Millis, String)> = self.mm.waiting_placements.iter().cloned().collect();
        for key in waiting {
            self.retry_placement(now, &key.1);
            let still_waiting = self.mm.placements.get(&key.1).is_some_and(|p| {
                p.status == PlacementStatus::Pending && p.game_session_id.is_none()
            });
            if still_waiting {
                continue;
            }
            self.mm.waiting_placements.remove(&key);
            if self
                .mm
                .placements
                .get(&key.1)
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
            K::Expansion(cfg) => self.run_pass(now, &cfg),
            K::PlacementRetry(id) => self.retry_placement(now, &id),
            K::PlacementForget(id) => {
                self.mm.placements.remove(&id);
            }
            K::PostProcessing(id) => self.post_processing_timed_out(now, &id),
            _ => {}
        }
    }
}
