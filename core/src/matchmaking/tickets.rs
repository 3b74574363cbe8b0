//! Matchmaking tickets and their life (service-api.md §9.1 StartMatchmaking, DescribeMatchmaking,
//! StopMatchmaking; glossary "Ticket states").
//!
//! QUEUED → SEARCHING → (REQUIRES_ACCEPTANCE) → PLACING → COMPLETED, or CANCELLED, TIMED_OUT,
//! FAILED. A ticket is QUEUED only in StartMatchmaking's answer: it enters the pool (SEARCHING)
//! in the same call and the pass runs at once. A finished ticket stays describable for
//! `RETENTION_MS`, then it is forgotten.

use crate::ids::ticket_ids;
use std::collections::{BTreeMap, BTreeSet};

use super::rule_sets::name_of;
use super::{FlexMatchMode, MatchmakingConfiguration, MatchmakingEvent};
use crate::clock::Millis;
use crate::notifications::AcceptanceOutcome;
use crate::timers::TimerKey;
use crate::{Core, CoreError, TicketId};
use playfield_flexmatch::RuleMetric;
use playfield_flexmatch::{self as flexmatch, Match, Player};

mod store;
pub use store::Tickets;

/// A matchmaking ticket's lifecycle state: the service's `MatchmakingTicket.Status`
/// (service-api.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    /// Accepted and waiting for the matchmaker to take it into a pool.
    Queued,
    /// In a pool: the matchmaker is looking for a match for it.
    Searching,
    /// In a proposed match that its configuration requires players to accept (AcceptMatch).
    RequiresAcceptance,
    /// In a match that is being placed: a game session is being found for it.
    Placing,
    /// Matched and placed (or, STANDALONE, matched); final.
    Completed,
    /// Stopped (StopMatchmaking, or its backfill's game session ended); final.
    Cancelled,
    /// No match within the configuration's `RequestTimeoutSeconds`; final.
    TimedOut,
    /// Acceptance or placement failed, or something unexpected happened; final.
    Failed,
}

impl TicketStatus {
    /// The wire name (`QUEUED`, `SEARCHING`, `REQUIRES_ACCEPTANCE`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Queued => "QUEUED",
            TicketStatus::Searching => "SEARCHING",
            TicketStatus::RequiresAcceptance => "REQUIRES_ACCEPTANCE",
            TicketStatus::Placing => "PLACING",
            TicketStatus::Completed => "COMPLETED",
            TicketStatus::Cancelled => "CANCELLED",
            TicketStatus::TimedOut => "TIMED_OUT",
            TicketStatus::Failed => "FAILED",
        }
    }

    /// Whether the status is final (COMPLETED, CANCELLED, TIMED_OUT or FAILED): the ticket
    /// changes no more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TicketStatus::Completed
                | TicketStatus::Cancelled
                | TicketStatus::TimedOut
                | TicketStatus::Failed
        )
    }
}

/// Why a ticket ended the way it did: the MatchmakingTicket's `StatusReason` and the
/// `reason` of a MatchmakingFailed notification (service-api.md §11; seed 001 line 87).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatusReason {
    /// StopMatchmaking, or the game session a backfill ticket served ended.
    Cancelled,
    /// The configuration's request timeout passed.
    TimedOut,
    /// A player rejected the proposed match or did not answer in time.
    AcceptanceFailed,
    /// No server process took the match within its queue's timeout.
    PlacementTimedOut,
    /// Anything else that broke the flow (the status message says what).
    UnexpectedError,
}

impl TicketStatusReason {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatusReason::Cancelled => "CANCELLED",
            TicketStatusReason::TimedOut => "TIMED_OUT",
            TicketStatusReason::AcceptanceFailed => "ACCEPTANCE_FAILED",
            TicketStatusReason::PlacementTimedOut => "PLACEMENT_TIMED_OUT",
            TicketStatusReason::UnexpectedError => "UNEXPECTED_ERROR",
        }
    }
}

impl std::fmt::Display for TicketStatusReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a ticket asks for: a new match, or new players for a running game session.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketKind {
    /// StartMatchmaking.
    Matchmaking,
    /// StartMatchBackfill (client or server) or automatic backfill, for a game session.
    Backfill {
        /// The game session to fill (its ARN); `None` for a standalone configuration's backfill.
        game_session_arn: Option<String>,
        /// Made by the daemon (the configuration's `BackfillMode` AUTOMATIC), not by a caller.
        automatic: bool,
    },
}

/// A player's seat in the game session a ticket was placed in: the service's
/// `MatchedPlayerSession` (service-api.md, MatchedPlayerSession).
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedPlayerSession {
    /// The player.
    pub player_id: String,
    /// The player session reserved for them.
    pub player_session_id: String,
}

/// GameSessionConnectionInfo of a COMPLETED WITH_QUEUE ticket, or of a backfill ticket (which
/// names its game session from the start: `ConnectionInfo::game_session_only`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionInfo {
    /// The game session the match was placed in (its ARN).
    pub game_session_arn: String,
    /// Empty when not known (a backfill ticket's); the API then leaves it out.
    pub ip_address: String,
    /// Empty when not known; the API then leaves it out.
    pub dns_name: String,
    /// The port players connect to, when known.
    pub port: Option<u16>,
    /// One player session per player of this ticket.
    pub matched_player_sessions: Vec<MatchedPlayerSession>,
}

impl ConnectionInfo {
    /// A backfill ticket's: only the game session it fills. Guide line 2381: "回填请求的对战票证
    /// (MatchmakingTicket) 在进行处理时具有游戏会话 ID；在放置对战之前，新对战请求的票证不会获取
    /// 游戏会话 ID；提供游戏会话 ID 是用于区分新对战票证和回填票证的一种方式" — and the ticket's
    /// only place for it is GameSessionConnectionInfo.GameSessionArn.
    pub(crate) fn game_session_only(game_session_arn: &str) -> Self {
        ConnectionInfo {
            game_session_arn: game_session_arn.to_string(),
            ip_address: String::new(),
            dns_name: String::new(),
            port: None,
            matched_player_sessions: Vec::new(),
        }
    }
}

/// The MatchmakingTicket shape (service-api.md §11).
#[derive(Debug, Clone, PartialEq)]
pub struct MatchmakingTicket {
    /// The ticket id, chosen by the caller or made up (a UUID).
    pub id: TicketId,
    /// The configuration it was started with.
    pub configuration_name: String,
    /// That configuration's ARN.
    pub configuration_arn: String,
    /// Where it is in its lifecycle.
    pub status: TicketStatus,
    /// Why it ended, once FAILED, CANCELLED or TIMED_OUT.
    pub status_reason: Option<TicketStatusReason>,
    /// Words for a human on why it is in its status.
    pub status_message: Option<String>,
    /// When it was started (epoch ms).
    pub start_time: Millis,
    /// When it reached a final status (epoch ms).
    pub end_time: Option<Millis>,
    /// The players; `team` is filled in once a match is made.
    pub players: Vec<Player>,
    /// Where the players connect, once placed (`GameSessionConnectionInfo`).
    pub connection: Option<ConnectionInfo>,
    /// Seconds, from the configuration's recent waits; `None` until one is known.
    pub estimated_wait_seconds: Option<u32>,
    /// New match or backfill.
    pub kind: TicketKind,
    /// The match this ticket is (or was last) part of.
    pub match_id: Option<String>,
    /// Answers of the ticket's players to the current proposal (true: accepted), as
    /// AcceptMatch and AcceptMatchCompleted show them (seed 001 lines 39, 49).
    pub answers: BTreeMap<String, bool>,
    /// Rule evaluations the ticket went through in the pools it left so far (see
    /// `evaluations`); emptied once its final event is out.
    pub rule_evaluations: Vec<RuleMetric>,
}

/// StartMatchmaking's input.
#[derive(Debug, Clone, Default)]
pub struct StartMatchmaking {
    /// The ticket id to use (at most 128 characters); a UUID is made up when `None`.
    pub ticket_id: Option<String>,
    /// The matchmaking configuration to match in (its name or ARN).
    pub configuration_name: String,
    /// The players of the ticket (1 to 10), with their attributes and latencies.
    pub players: Vec<Player>,
}

pub(crate) fn check_ticket_id(id: &str) -> Result<(), CoreError> {
    if id.is_empty()
        || id.len() > 128
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err(CoreError::param(
            "TicketId",
            format!("'{id}' must be 1..128 letters, digits, '-' and '.'"),
        ));
    }
    Ok(())
}

impl MatchmakingTicket {
    /// A new ticket of configuration `cfg`, QUEUED at `now`, in no match yet.
    pub(crate) fn queued(
        id: TicketId,
        cfg: &MatchmakingConfiguration,
        now: Millis,
        players: Vec<Player>,
        kind: TicketKind,
    ) -> Self {
        MatchmakingTicket {
            id,
            configuration_name: cfg.spec.name.to_string(),
            configuration_arn: cfg.arn.clone(),
            status: TicketStatus::Queued,
            status_reason: None,
            status_message: None,
            start_time: now,
            end_time: None,
            players,
            connection: None,
            estimated_wait_seconds: None,
            kind,
            match_id: None,
            answers: BTreeMap::new(),
            rule_evaluations: Vec::new(),
        }
    }
}

impl Core {
    /// The id of a new ticket: the caller's (checked, and not taken) or a fresh one.
    pub(crate) fn fresh_ticket_id(
        &mut self,
        requested: Option<String>,
    ) -> Result<String, CoreError> {
        let id = match requested {
            Some(id) => {
                check_ticket_id(&id)?;
                id
            }
            None => self.ids.uuid(),
        };
        if self.mm.tickets.contains(&id) {
            return Err(CoreError::IdTaken {
                what: "matchmaking ticket",
                id,
            });
        }
        Ok(id)
    }

    /// Puts a new ticket's players into its configuration's pool (which checks them against
    /// the rule set).
    pub(crate) fn enter_pool(
        &mut self,
        now: Millis,
        configuration: &str,
        id: &str,
        players: &[Player],
        backfill: bool,
    ) -> Result<(), CoreError> {
        let pool = self
            .mm
            .pools
            .get_mut(configuration)
            .ok_or_else(|| CoreError::NotFound {
                what: "matchmaking configuration",
                id: configuration.to_string(),
            })?;
        pool.insert(flexmatch::Ticket {
            id: id.to_string(),
            players: players.to_vec(),
            created_ms: now,
            backfill,
        })
        .map_err(|e| CoreError::param("Players", e))
    }

    /// StartMatchmaking: a new ticket, searched at once. A player's older active ticket is
    /// cancelled (one search per player at a time).
    pub fn start_matchmaking(
        &mut self,
        now: Millis,
        req: StartMatchmaking,
    ) -> Result<MatchmakingTicket, CoreError> {
        let cfg = self.configuration(&req.configuration_name)?.clone();
        let n = req.players.len();
        if n == 0 || n > flexmatch::MAX_PLAYERS_PER_TICKET {
            return Err(CoreError::param(
                "Players",
                format!("a matchmaking request holds 1 to 10 players, got {n}"),
            ));
        }
        let id = self.fresh_ticket_id(req.ticket_id)?;
        self.enter_pool(now, cfg.spec.name.as_str(), &id, &req.players, false)?;
        // The pool took it: now the older tickets of these players go.
        let older: BTreeSet<String> = req
            .players
            .iter()
            .filter_map(|p| self.mm.tickets.active_ticket_of_player(&p.id))
            .map(str::to_owned)
            .collect();
        for old in older {
            // A ticket already being placed keeps its match; the others are cancelled.
            let _ = self.cancel_ticket(
                now,
                &old,
                format!("replaced by the player's newer ticket '{id}'"),
            );
        }
        let t = MatchmakingTicket::queued(
            id.clone().into(),
            &cfg,
            now,
            req.players,
            TicketKind::Matchmaking,
        );
        let answer = t.clone();
        self.mm.tickets.open(t);
        self.timers.schedule(
            TimerKey::TicketTimeout(id.clone().into()),
            now + u64::from(cfg.spec.request_timeout_seconds) * 1000,
        );
        self.set_status(now, &id, TicketStatus::Searching, None, None);
        self.request_pass(now, cfg.spec.name.as_str());
        Ok(answer)
    }

    /// DescribeMatchmaking: the tickets that still exist, in the order asked.
    pub fn describe_matchmaking(&self, ids: &[String]) -> Vec<MatchmakingTicket> {
        ids.iter().filter_map(|id| self.ticket(id)).collect()
    }

    /// One ticket as DescribeMatchmaking shows it.
    pub fn ticket(&self, id: &str) -> Option<MatchmakingTicket> {
        let mut t = self.mm.tickets.get(id)?.clone();
        if !t.status.is_final() {
            // EstimatedWaitTime is in whole seconds: a sub-second estimate is 1, not 0.
            t.estimated_wait_seconds = self
                .estimated_wait_ms(&t.configuration_name)
                .map(|ms| u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX));
        }
        Some(t)
    }

    /// StopMatchmaking: the ticket (matchmaking or backfill) is CANCELLED.
    pub fn stop_matchmaking(&mut self, now: Millis, id: &str) -> Result<(), CoreError> {
        self.cancel_ticket(now, id, "Cancelled by request.".into())
    }

    fn cancel_ticket(&mut self, now: Millis, id: &str, message: String) -> Result<(), CoreError> {
        let t = self.mm.tickets.get(id).ok_or_else(|| CoreError::NotFound {
            what: "matchmaking ticket",
            id: id.into(),
        })?;
        if t.status.is_final() {
            return Err(CoreError::TicketEnded {
                id: id.into(),
                status: t.status.as_str(),
            });
        }
        if t.status == TicketStatus::Placing {
            return Err(CoreError::TicketPlacing { id: id.into() });
        }
        // A ticket in a proposal is cancelled first; the proposal then falls apart as on a
        // rejection (the other tickets fail or return to the pool).
        let proposal = (t.status == TicketStatus::RequiresAcceptance)
            .then(|| t.match_id.clone())
            .flatten();
        let held = self.held_match_of(id);
        self.finish_ticket(
            now,
            id,
            TicketStatus::Cancelled,
            Some(TicketStatusReason::Cancelled),
            Some(message),
        );
        if let Some(m) = proposal {
            self.drop_proposal(now, &m, &[], AcceptanceOutcome::Rejected);
        }
        if let Some(m) = held {
            self.break_up_held_match(now, &m, id);
        }
        Ok(())
    }

    /// Changes a ticket's status and says so.
    pub(crate) fn set_status(
        &mut self,
        now: Millis,
        id: &str,
        status: TicketStatus,
        reason: Option<TicketStatusReason>,
        message: Option<String>,
    ) {
        let Some(t) = self.mm.tickets.get_mut(id) else {
            return;
        };
        t.status = status;
        t.status_reason = reason;
        t.status_message = message.clone();
        let configuration = t.configuration_name.clone();
        self.mm_emit(
            now,
            MatchmakingEvent::TicketStatus {
                ticket_id: id.into(),
                configuration,
                status,
                reason,
                message,
            },
        );
    }

    /// Ends a ticket: out of the pool, its timers cancelled, forgotten after the retention
    /// period. A backfill ticket's end reaches its game server (see `backfill`).
    pub(crate) fn finish_ticket(
        &mut self,
        now: Millis,
        id: &str,
        status: TicketStatus,
        reason: Option<TicketStatusReason>,
        message: Option<String>,
    ) {
        if !self.mm.tickets.end(now, id) {
            return;
        }
        let Some(t) = self.mm.tickets.get(id) else {
            return;
        };
        let (cfg, kind) = (t.configuration_name.clone(), t.kind.clone());
        self.leave_pool(&cfg, id);
        self.timers.cancel(&TimerKey::TicketTimeout(id.into()));
        self.timers
            .schedule(TimerKey::TicketForget(id.into()), now + super::RETENTION_MS);
        self.set_status(now, id, status, reason, message);
        // The final event carried them; nothing shows them after.
        if let Some(t) = self.mm.tickets.get_mut(id) {
            t.rule_evaluations = Vec::new();
        }
        if let TicketKind::Backfill {
            game_session_arn: Some(gs),
            ..
        } = kind
        {
            self.backfill_ended(now, id, &gs, status);
        }
    }

    pub(crate) fn ticket_timed_out(&mut self, now: Millis, id: &str) {
        let Some(t) = self.mm.tickets.get(id) else {
            return;
        };
        // A ticket in a proposal or placement is past searching; its match decides.
        if matches!(t.status, TicketStatus::Searching | TicketStatus::Queued) {
            self.finish_ticket(
                now,
                id,
                TicketStatus::TimedOut,
                Some(TicketStatusReason::TimedOut),
                Some(crate::notifications::TIMED_OUT_MESSAGE.into()),
            );
        }
    }

    pub(crate) fn forget_ticket(&mut self, id: &str) {
        self.mm.tickets.forget(id);
    }

    /// Puts a configuration's SEARCHING tickets into its (new) pool; those that no longer fit
    /// the rule set fail with the reason.
    pub(crate) fn repool_searching(&mut self, now: Millis, cfg: &str) {
        let mut ids: Vec<(Millis, String)> = self
            .mm
            .tickets
            .values()
            .filter(|t| t.configuration_name == cfg && t.status == TicketStatus::Searching)
            .map(|t| (t.start_time, t.id.to_string()))
            .filter(|(_, id)| self.held_match_of(id).is_none())
            .collect();
        ids.sort();
        for (_, id) in ids {
            if let Err(msg) = self.pool_ticket(cfg, &id) {
                self.finish_ticket(
                    now,
                    &id,
                    TicketStatus::Failed,
                    Some(TicketStatusReason::UnexpectedError),
                    Some(msg),
                );
            }
        }
    }

    /// Puts a ticket that left the pool for a match (a failed proposal, a held match) back
    /// into it, SEARCHING without a team, its request timeout counting from its start (it may
    /// have passed meanwhile: then at once). A ticket that no longer fits its pool fails.
    pub(crate) fn return_to_pool(&mut self, now: Millis, id: &str) {
        let Some(t) = self.mm.tickets.get_mut(id) else {
            return;
        };
        if t.status.is_final() {
            return;
        }
        t.match_id = None;
        for p in &mut t.players {
            p.team = None;
        }
        let (cfg, start) = (t.configuration_name.clone(), t.start_time);
        let timeout = self
            .configuration(&cfg)
            .map(|c| u64::from(c.spec.request_timeout_seconds) * 1000)
            .unwrap_or(0);
        // The request timeout bounds the time to complete a match (guide 002 line 1737); it
        // does not cut an acceptance short, but a ticket that comes back after it has no
        // time left to search: it times out here, not one timer later.
        if now >= start + timeout {
            self.finish_ticket(
                now,
                id,
                TicketStatus::TimedOut,
                Some(TicketStatusReason::TimedOut),
                Some(crate::notifications::TIMED_OUT_MESSAGE.into()),
            );
            return;
        }
        match self.pool_ticket(&cfg, id) {
            Ok(()) => {
                self.set_status(now, id, TicketStatus::Searching, None, None);
                self.timers
                    .schedule(TimerKey::TicketTimeout(id.into()), start + timeout);
            }
            Err(msg) => self.finish_ticket(
                now,
                id,
                TicketStatus::Failed,
                Some(TicketStatusReason::UnexpectedError),
                Some(msg),
            ),
        }
    }

    /// Inserts an existing ticket into its configuration's pool (again).
    pub(crate) fn pool_ticket(&mut self, cfg: &str, id: &str) -> Result<(), String> {
        let t = self.mm.tickets.get(id).ok_or("ticket gone")?;
        let ticket = flexmatch::Ticket {
            id: t.id.to_string(),
            players: t.players.clone(),
            created_ms: t.start_time,
            backfill: matches!(t.kind, TicketKind::Backfill { .. }),
        };
        let pool = self
            .mm
            .pools
            .get_mut(name_of(cfg))
            .ok_or_else(|| format!("matchmaking configuration '{cfg}' is gone"))?;
        pool.insert(ticket).map_err(|e| e.to_string())
    }

    /// A new match from the engine: teams written into the tickets, then held for PGOS
    /// post-processing when the configuration names a URL (see `post_processing`), else on
    /// (see [`Core::continue_match`]).
    pub(crate) fn on_new_match(&mut self, now: Millis, cfg_name: &str, m: Match) {
        let Ok(cfg) = self.configuration(cfg_name).cloned() else {
            return;
        };
        let match_id = self.ids.uuid();
        self.assign_match(&match_id, &m);
        if let Some(url) = cfg.spec.post_processing_url.clone() {
            return self.start_post_processing(now, &cfg, match_id, m, url);
        }
        self.continue_match(now, &cfg, match_id, m);
    }

    /// Writes a match into every ticket of it (a backfill ticket's too): its match id, and
    /// each player's team. Undone by [`Core::return_to_pool`] if the match falls through.
    pub(crate) fn assign_match(&mut self, match_id: &str, m: &Match) {
        for team in &m.teams {
            for p in &team.players {
                if let Some(t) = self.mm.tickets.get_mut(&p.ticket_id) {
                    t.match_id = Some(match_id.to_string());
                    t.answers.clear();
                    if let Some(pl) = t.players.iter_mut().find(|x| x.id == p.player_id) {
                        pl.team = Some(team.name.to_string());
                    }
                }
            }
        }
    }

    /// A match goes on (straight from the engine, or out of post-processing): acceptance,
    /// or on to placement (WITH_QUEUE) or completion (STANDALONE).
    pub(crate) fn continue_match(
        &mut self,
        now: Millis,
        cfg: &super::MatchmakingConfiguration,
        match_id: String,
        m: Match,
    ) {
        self.note_wait(cfg.spec.name.as_str(), now, &m.ticket_ids);
        self.mm_emit(
            now,
            MatchmakingEvent::PotentialMatchCreated {
                match_id: match_id.clone(),
                configuration: cfg.spec.name.to_string(),
                ticket_ids: ticket_ids(&m.ticket_ids),
                acceptance_required: cfg.spec.acceptance_required,
                rule_metrics: m.rule_metrics.clone(),
            },
        );
        if cfg.spec.acceptance_required {
            self.propose(now, cfg, match_id, m);
        } else {
            self.match_agreed(now, cfg, match_id, m);
        }
    }

    /// Every player agreed (or no acceptance was needed): STANDALONE completes, WITH_QUEUE
    /// places.
    pub(crate) fn match_agreed(
        &mut self,
        now: Millis,
        cfg: &super::MatchmakingConfiguration,
        match_id: String,
        m: Match,
    ) {
        match cfg.spec.flex_match_mode {
            FlexMatchMode::Standalone => {
                self.notify_standalone_succeeded(
                    now,
                    cfg.spec.name.as_str(),
                    &match_id,
                    &m.ticket_ids,
                );
                for id in &m.ticket_ids {
                    self.finish_ticket(now, id, TicketStatus::Completed, None, None);
                }
            }
            FlexMatchMode::WithQueue => {
                for id in &m.ticket_ids {
                    self.timers.cancel(&TimerKey::TicketTimeout((**id).into()));
                    self.set_status(now, id, TicketStatus::Placing, None, None);
                }
                self.place_match(now, cfg, match_id, m);
            }
        }
    }

    /// Notes how long a new match's tickets waited: a running average per configuration
    /// (each match weighs a quarter), kept per configuration rather than written into every
    /// waiting ticket (that would cost a walk over the pool per match).
    fn note_wait(&mut self, cfg: &str, now: Millis, ticket_ids: &[std::sync::Arc<str>]) {
        let waits: Vec<u64> = ticket_ids
            .iter()
            .filter_map(|id| self.mm.tickets.get(id))
            .map(|t| now.saturating_sub(t.start_time))
            .collect();
        if waits.is_empty() {
            return;
        }
        let avg = waits.iter().sum::<u64>() / waits.len() as u64;
        let e = self.mm.est_wait_ms.entry(cfg.to_string()).or_insert(avg);
        *e = (e.saturating_mul(3).saturating_add(avg)) / 4;
    }

    /// The estimated wait for a match in `cfg`, in milliseconds: the running average of how
    /// long its recently matched tickets waited (what the service documents EstimatedWaitTime
    /// as: the average time players are currently waiting for a match, empty without enough
    /// recent data). `None` — `"NOT_AVAILABLE"` in MatchmakingSearching (seed 001 line 19),
    /// EstimatedWaitTime left out of DescribeMatchmaking — until the configuration has made
    /// a match. A known estimate is at least 1 ms: tickets matched within the millisecond
    /// they arrived must not read as the 0 once sent when nothing was known.
    pub(crate) fn estimated_wait_ms(&self, cfg: &str) -> Option<u64> {
        self.mm.est_wait_ms.get(cfg).map(|ms| (*ms).max(1))
    }
}
