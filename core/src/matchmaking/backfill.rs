//! Match backfill (guide, "利用 FlexMatch 回填现有游戏", lines 2290–2487; service-api.md §9.1
//! StartMatchBackfill, StopMatchmaking).
//!
//! A backfill ticket describes the players already in a game, each with its team; the rule
//! engine fills the open slots with regular tickets, judged by the same rules. One game
//! session has at most one active backfill ticket: a new request replaces (cancels) the old.
//! On a fill the newcomers get player sessions, their tickets complete with connection
//! info, and the game server receives UpdateGameSession MATCHMAKING_DATA_UPDATED with the
//! new matchmaker data and the backfill ticket id. Every other end of a backfill ticket
//! reaches the server too — BACKFILL_CANCELLED, BACKFILL_TIMED_OUT, BACKFILL_FAILED, with the
//! ticket id (lessons-from-peers.md: a cancelled backfill that never reached
//! onUpdateGameSession confused game teams). A fill is told like a new match
//! (PotentialMatchCreated, then MatchmakingSucceeded); newcomers the game cannot seat search
//! again. A STANDALONE backfill (without a game session, or naming the backend's own) is
//! answered by those events alone: FlexMatch hosts nothing to seat anyone in.
//!
//! Automatic backfill (BackfillMode AUTOMATIC, WITH_QUEUE only): when a matched session
//! starts with open slots its matchmaker data names a backfill ticket, started as the
//! session activates, with the match's players. It keeps searching (its request timeout
//! does not end it) until the slots are filled or the server stops it; after a partial fill
//! a new automatic ticket carries on. It is built from the match's players, not from who is
//! still connected, so it never replaces players who left — as the guide says, that takes a
//! manual request.

use super::matchmaker_data::{self, Backfill, MatchmakerData};
use super::tickets::{ConnectionInfo, TicketKind, TicketStatus, TicketStatusReason};
use super::{
    BackfillMode, FlexMatchMode, MatchmakingConfiguration, MatchmakingEvent, MatchmakingTicket,
};
use crate::clock::Millis;
use crate::ids::ticket_ids;
use crate::timers::TimerKey;
use crate::{Core, CoreError, NewPlayerSession, PlayerSession, UpdateReason};
use playfield_flexmatch::{Match, Player};

/// The match a placed game session hosts, as the matchmaker last described it.
#[derive(Debug, Clone)]
pub(crate) struct SessionMatch {
    pub configuration: String,
    pub match_id: String,
    /// Every team of the rule set with its players (team set on each).
    pub teams: Vec<(String, Vec<Player>)>,
    /// The automatic backfill ticket the matchmaker data names, if any.
    pub auto_backfill_ticket_id: Option<String>,
}

/// StartMatchBackfill's input (from a client service or from a game server).
#[derive(Debug, Clone, Default)]
pub struct StartBackfill {
    /// The backfill ticket id; a UUID is made up when `None`.
    pub ticket_id: Option<String>,
    /// The configuration that made the game session's match (its name or ARN).
    pub configuration_name: String,
    /// The game session being filled (absent in STANDALONE mode).
    pub game_session_arn: Option<String>,
    /// Every player currently in the game, each with `team`.
    pub players: Vec<Player>,
}

/// The backfill's players as the matchmaker judges them. Guide 002 line 2389: a backfill
/// gives latency "only for the region the game session is in", which the server reads from
/// the GameSessionId ARN. Locally that ARN names the daemon's `region` while the session sits
/// in a custom `location` the new players report latency for, so a latency given for the
/// region stands for the location (the ticket itself keeps what was sent).
fn session_latencies(
    mut players: Vec<Player>,
    region: &str,
    location: Option<&str>,
) -> Vec<Player> {
    let Some(location) = location.filter(|l| *l != region) else {
        return players;
    };
    for p in &mut players {
        if !p.latency_ms.contains_key(location) {
            if let Some(ms) = p.latency_ms.remove(region) {
                p.latency_ms.insert(location.to_owned(), ms);
            }
        }
    }
    players
}

impl Core {
    /// StartMatchBackfill.
    pub fn start_match_backfill(
        &mut self,
        now: Millis,
        req: StartBackfill,
    ) -> Result<MatchmakingTicket, CoreError> {
        self.start_backfill_ticket(now, req, false)
    }

    fn start_backfill_ticket(
        &mut self,
        now: Millis,
        req: StartBackfill,
        automatic: bool,
    ) -> Result<MatchmakingTicket, CoreError> {
        let cfg = self.configuration(&req.configuration_name)?.clone();
        self.check_backfill_request(&cfg, &req)?;
        let id = self.fresh_ticket_id(req.ticket_id.clone())?;
        let region = self.cfg.region.clone();
        let location = req
            .game_session_arn
            .as_deref()
            .and_then(|gs| self.game_sessions.get(gs))
            .and_then(|g| g.location.clone());
        let judged = session_latencies(req.players.clone(), &region, location.as_deref());
        self.enter_pool(now, cfg.spec.name.as_str(), &id, &judged, true)?;
        if let Some(gs) = &req.game_session_arn {
            if let Some(old) = self.mm.tickets.backfill_ticket_of(gs).map(str::to_owned) {
                self.finish_ticket(
                    now,
                    &old,
                    TicketStatus::Cancelled,
                    Some(TicketStatusReason::Cancelled),
                    Some(format!("replaced by backfill ticket '{id}'")),
                );
            }
        }
        // A backfill ticket belongs to its game session's match from the start: its events
        // carry that match id (a MatchmakingFailed too), and it names the session it fills.
        let match_id = req
            .game_session_arn
            .as_deref()
            .and_then(|gs| self.session_match_id(gs));
        let connection = req
            .game_session_arn
            .as_deref()
            .map(ConnectionInfo::game_session_only);
        let kind = TicketKind::Backfill {
            game_session_arn: req.game_session_arn,
            automatic,
        };
        let mut t = MatchmakingTicket::queued(id.clone().into(), &cfg, now, req.players, kind);
        t.connection = connection;
        t.match_id = match_id;
        let answer = t.clone();
        self.mm.tickets.open(t);
        if !automatic {
            self.timers.schedule(
                TimerKey::TicketTimeout(id.clone().into()),
                now + u64::from(cfg.spec.request_timeout_seconds) * 1000,
            );
        }
        self.set_status(now, &id, TicketStatus::Searching, None, None);
        self.run_pass(now, cfg.spec.name.as_str());
        Ok(answer)
    }

    /// What StartMatchBackfill asks must fit: players given, and a live game session named
    /// exactly when the configuration is WITH_QUEUE.
    fn check_backfill_request(
        &self,
        cfg: &MatchmakingConfiguration,
        req: &StartBackfill,
    ) -> Result<(), CoreError> {
        if req.players.is_empty() {
            return Err(CoreError::param(
                "Players",
                "a backfill request describes every player already in the game; none given",
            ));
        }
        let standalone = cfg.spec.flex_match_mode == FlexMatchMode::Standalone;
        match (&req.game_session_arn, standalone) {
            // StartMatchBackfill reference: "When using FlexMatch as a standalone component,
            // request a backfill match by calling this operation without a game session
            // identifier" — it may still name the backend's own session, which FlexMatch does
            // not host and so cannot check.
            (_, true) => {}
            (None, false) => {
                return Err(CoreError::param(
                    "GameSessionArn",
                    format!(
                        "configuration '{}' is WITH_QUEUE: its backfill fills one of the game \
                         sessions it placed, so name it (only a STANDALONE backfill goes \
                         without)",
                        cfg.spec.name
                    ),
                ))
            }
            (Some(gs), false) => match self.game_sessions.get(gs.as_str()).map(|g| g.is_live()) {
                None => return Err(CoreError::UnknownGameSession { id: gs.clone() }),
                Some(false) => {
                    return Err(CoreError::BackfillOfEndedGameSession { id: gs.clone() })
                }
                Some(true) => {}
            },
        }
        Ok(())
    }

    /// StopMatchBackfill from the game server hosting `game_session_arn`.
    pub fn stop_match_backfill(
        &mut self,
        now: Millis,
        game_session_arn: &str,
        ticket_id: &str,
    ) -> Result<(), CoreError> {
        let ok = self.mm.tickets.get(ticket_id).is_some_and(|t| {
            matches!(&t.kind, TicketKind::Backfill { game_session_arn: Some(g), .. } if g == game_session_arn)
        });
        if !ok {
            return Err(CoreError::NotFound {
                what: "backfill ticket",
                id: format!("{ticket_id}' for game session '{game_session_arn}"),
            });
        }
        self.stop_matchmaking(now, ticket_id)
    }

    /// Starts the automatic backfill ticket of a freshly activated matched session.
    pub(crate) fn start_automatic_backfill(&mut self, now: Millis, gs: &str) {
        let Some(sm) = self.mm.sessions.get(gs).cloned() else {
            return;
        };
        let Some(ticket_id) = sm.auto_backfill_ticket_id.clone() else {
            return;
        };
        let players = sm
            .teams
            .iter()
            .flat_map(|(_, ps)| ps.iter().cloned())
            .collect();
        let req = StartBackfill {
            ticket_id: Some(ticket_id),
            configuration_name: sm.configuration.clone(),
            game_session_arn: Some(gs.to_string()),
            players,
        };
        if let Err(e) = self.start_backfill_ticket(now, req, true) {
            tracing::warn!(target: "playfield", "automatic backfill for {gs} not started: {e}");
        }
    }

    /// The match id of the game session `gs` hosts, as the matchmaker last described it (or
    /// as its matchmaker data says, for a session FlexMatch did not place itself).
    fn session_match_id(&self, gs: &str) -> Option<String> {
        if let Some(sm) = self.mm.sessions.get(gs) {
            return Some(sm.match_id.clone());
        }
        let data = self.game_sessions.get(gs)?.matchmaker_data.as_ref()?;
        Some(data.match_id.clone())
    }

    /// A backfill ticket found newcomers. The match goes the way of a new one: written into
    /// every ticket of it (match id, teams), told as PotentialMatchCreated (a backfill has no
    /// acceptance step), then either told as MatchmakingSucceeded at once (STANDALONE: the
    /// events are how the backend learns who joined, StartMatchBackfill reference: "matchmaking
    /// results are returned in a matchmaking event"), or placed: the newcomers get player
    /// sessions in the game session. If the game cannot seat them, the newcomers search on
    /// (MatchmakingSearching again, without the failed match's teams) and the backfill ticket
    /// fails.
    pub(crate) fn on_backfill_match(&mut self, now: Millis, cfg_name: &str, m: Match) {
        let Some(bf) = m.backfill_ticket_id.clone() else {
            return;
        };
        let (Some(ticket), Ok(cfg)) = (
            self.mm.tickets.get(&bf).cloned(),
            self.configuration(cfg_name).cloned(),
        ) else {
            // Nothing left to fill: the newcomers are not dropped, they search on.
            for t in &m.ticket_ids {
                self.return_to_pool(now, t);
            }
            return;
        };
        // A WITH_QUEUE backfill grows its game session's match; a STANDALONE one is a match
        // of its own (FlexMatch does not know the backend's sessions).
        let match_id = ticket.match_id.clone().unwrap_or_else(|| self.ids.uuid());
        let all_tickets = self.announce_backfill_match(now, &cfg, &match_id, &bf, &m);
        let Some(gs) = with_queue_session(&ticket, &cfg) else {
            // STANDALONE: the match result is the answer; nothing to place.
            self.notify_standalone_succeeded(now, cfg.spec.name.as_str(), &match_id, &all_tickets);
            for t in &all_tickets {
                self.finish_ticket(now, t, TicketStatus::Completed, None, None);
            }
            return;
        };
        let teams = self.backfill_teams(&m);
        let Some(sessions) = self.seat_backfill_newcomers(now, &gs, &bf, &m) else {
            return;
        };
        let Some(gs_snapshot) = self.game_sessions.get(gs.as_str()).cloned() else {
            return;
        };
        let next_auto = self.next_automatic_backfill(&ticket, &cfg, &teams);
        let md = self.record_session_match(&cfg, &gs, match_id, teams, next_auto.clone());
        self.notify_backfill_filled(now, cfg_name, &gs, &m);
        self.complete_tickets_in_session(now, &m.ticket_ids, &gs_snapshot, &sessions);
        let _ = self.notify_game_session_update(
            &gs,
            Some(md),
            UpdateReason::MatchmakingDataUpdated,
            Some(bf.to_string()),
        );
        self.finish_ticket(now, &bf, TicketStatus::Completed, None, None);
        if next_auto.is_some() {
            self.start_automatic_backfill(now, &gs);
        }
    }

    /// Step 1 of a backfill match: its tickets join the match and PotentialMatchCreated says
    /// so. Returns every ticket of the match, the backfill ticket first.
    fn announce_backfill_match(
        &mut self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        match_id: &str,
        bf: &str,
        m: &Match,
    ) -> Vec<std::sync::Arc<str>> {
        self.assign_match(match_id, m);
        let mut all_tickets: Vec<std::sync::Arc<str>> = vec![bf.into()];
        all_tickets.extend(m.ticket_ids.iter().cloned());
        self.mm_emit(
            now,
            MatchmakingEvent::PotentialMatchCreated {
                match_id: match_id.to_string(),
                configuration: cfg.spec.name.to_string(),
                ticket_ids: ticket_ids(&all_tickets),
                acceptance_required: false,
                rule_metrics: m.rule_metrics.clone(),
            },
        );
        all_tickets
    }

    /// Everyone in the match, by team (teams as just written into the tickets).
    fn backfill_teams(&self, m: &Match) -> Vec<(String, Vec<Player>)> {
        m.teams
            .iter()
            .map(|team| {
                let ps = team
                    .players
                    .iter()
                    .filter_map(|mp| {
                        let t = self.mm.tickets.get(&mp.ticket_id)?;
                        t.players.iter().find(|p| p.id == mp.player_id).cloned()
                    })
                    .collect();
                (team.name.to_string(), ps)
            })
            .collect()
    }

    /// Step 2: player sessions for the newcomers (every player not on the backfill ticket).
    /// If the game cannot seat them (it filled up meanwhile, or takes no players), the
    /// newcomers search on, the backfill ticket fails and the server is told: `None`.
    fn seat_backfill_newcomers(
        &mut self,
        now: Millis,
        gs: &str,
        bf: &str,
        m: &Match,
    ) -> Option<Vec<PlayerSession>> {
        let newcomers: Vec<NewPlayerSession> = m
            .teams
            .iter()
            .flat_map(|t| t.players.iter())
            .filter(|mp| &*mp.ticket_id != bf)
            .map(|mp| NewPlayerSession {
                player_id: mp.player_id.clone(),
                player_data: None,
            })
            .collect();
        match self.create_matched_player_sessions(now, gs, newcomers) {
            Ok(s) => Some(s),
            Err(e) => {
                for t in &m.ticket_ids {
                    self.return_to_pool(now, t);
                }
                self.finish_ticket(
                    now,
                    bf,
                    TicketStatus::Failed,
                    Some(TicketStatusReason::UnexpectedError),
                    Some(format!("player sessions could not be created: {e}")),
                );
                None
            }
        }
    }

    /// Step 3: with still open slots under AUTOMATIC backfill, the id of the automatic
    /// ticket that carries on.
    fn next_automatic_backfill(
        &mut self,
        ticket: &MatchmakingTicket,
        cfg: &MatchmakingConfiguration,
        teams: &[(String, Vec<Player>)],
    ) -> Option<String> {
        let automatic = matches!(
            ticket.kind,
            TicketKind::Backfill {
                automatic: true,
                ..
            }
        );
        let max: u32 = self
            .mm
            .rule_sets
            .get(&cfg.spec.rule_set)
            .map_or(0, |r| r.parsed.team_maxima().iter().map(|(_, n)| n).sum());
        let filled: usize = teams.iter().map(|(_, ps)| ps.len()).sum();
        (automatic && cfg.spec.backfill_mode == BackfillMode::Automatic && filled < max as usize)
            .then(|| self.ids.uuid())
    }

    /// Step 4: the game session's match is now this one; returns the matchmaker data its
    /// server receives.
    fn record_session_match(
        &mut self,
        cfg: &MatchmakingConfiguration,
        gs: &str,
        match_id: String,
        teams: Vec<(String, Vec<Player>)>,
        next_auto: Option<String>,
    ) -> MatchmakerData {
        let refs: Vec<(String, Vec<&Player>)> = teams
            .iter()
            .map(|(n, ps)| (n.clone(), ps.iter().collect()))
            .collect();
        let md = matchmaker_data::build(
            &match_id,
            &cfg.arn,
            &refs,
            Backfill {
                mode: cfg.spec.backfill_mode,
                auto_ticket_id: next_auto.as_deref(),
            },
        );
        self.mm.sessions.insert(
            gs.to_string(),
            SessionMatch {
                configuration: cfg.spec.name.to_string(),
                match_id,
                teams,
                auto_backfill_ticket_id: next_auto,
            },
        );
        md
    }

    /// A backfill ticket ended without a fill: the game server hears why.
    pub(crate) fn backfill_ended(
        &mut self,
        _now: Millis,
        id: &str,
        gs: &str,
        status: TicketStatus,
    ) {
        if let Some(sm) = self.mm.sessions.get_mut(gs) {
            if sm.auto_backfill_ticket_id.as_deref() == Some(id) {
                sm.auto_backfill_ticket_id = None;
            }
        }
        let reason = match status {
            TicketStatus::Cancelled => UpdateReason::BackfillCancelled,
            TicketStatus::TimedOut => UpdateReason::BackfillTimedOut,
            TicketStatus::Failed => UpdateReason::BackfillFailed,
            _ => return,
        };
        // The session may be gone (it ended, which is why the ticket ended): nobody to tell.
        let _ = self.notify_game_session_update(gs, None, reason, Some(id.to_string()));
    }
}

/// The game session a WITH_QUEUE backfill ticket fills; `None` for STANDALONE (or a ticket
/// without a session).
fn with_queue_session(
    ticket: &MatchmakingTicket,
    cfg: &MatchmakingConfiguration,
) -> Option<String> {
    match (&ticket.kind, cfg.spec.flex_match_mode) {
        (
            TicketKind::Backfill {
                game_session_arn: Some(gs),
                ..
            },
            FlexMatchMode::WithQueue,
        ) => Some(gs.clone()),
        _ => None,
    }
}
