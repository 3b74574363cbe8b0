//! Placing a match (guide lines 200–300; service-api.md §9.2 GameSessionPlacement).
//!
//! A WITH_QUEUE match becomes a placement on the configuration's queue. The queue picks an
//! ACTIVE process without a game session among its destinations, honouring the latency
//! policies when players reported latencies (`Core::pick_process`); the game session is
//! created there through the ordinary `create_game_session` path, so the process gets
//! CreateGameSession with the matchmaker data, the configuration's GameProperties and
//! GameSessionData, and MaximumPlayerSessionCount = the teams' maxPlayers added up +
//! AdditionalPlayerCount.
//!
//! The placement is FULFILLED when the game server activates the session (the service
//! reports a placement fulfilled once the session is ACTIVE and its player sessions exist):
//! then player sessions are reserved for the matched players and the tickets become
//! COMPLETED with their GameSessionConnectionInfo. With no free process the placement looks
//! again every `PLACEMENT_RETRY_MS` until the queue's timeout,
//! then it is TIMED_OUT and its tickets FAIL (`PLACEMENT_TIMED_OUT`). A session lost before
//! activation sends the placement looking for another process.

use super::matchmaker_data::{self, Backfill};
use super::tickets::{ConnectionInfo, MatchedPlayerSession, TicketStatus, TicketStatusReason};
use super::{BackfillMode, MatchmakingConfiguration, MatchmakingEvent};
use std::collections::BTreeMap;

use crate::clock::Millis;
use crate::timers::TimerKey;
use crate::{Core, CreateGameSession, GameSession, NewPlayerSession, PlayerSession};
use playfield_flexmatch::{Match, Player, RuleSet};

mod store;
pub use store::Placements;

/// A game session placement's lifecycle state: the service's `GameSessionPlacement.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementStatus {
    /// Waiting for a free process in one of the queue's destinations.
    Pending,
    /// A game session was created (and, for a match, its player sessions); final.
    Fulfilled,
    /// Stopped (StopGameSessionPlacement, or its match's tickets stopped); final.
    Cancelled,
    /// No free process within the queue's `TimeoutInSeconds`; final.
    TimedOut,
    /// The game session could not be made (e.g. its queue no longer exists); final.
    Failed,
}

impl PlacementStatus {
    /// The wire name (`PENDING`, `FULFILLED`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PlacementStatus::Pending => "PENDING",
            PlacementStatus::Fulfilled => "FULFILLED",
            PlacementStatus::Cancelled => "CANCELLED",
            PlacementStatus::TimedOut => "TIMED_OUT",
            PlacementStatus::Failed => "FAILED",
        }
    }
}

/// A request to find a process for a new game session through a queue: for a match of a
/// WITH_QUEUE configuration or for StartGameSessionPlacement (the service's
/// `GameSessionPlacement`, service-api.md, GameSessionPlacement).
#[derive(Debug, Clone)]
pub struct Placement {
    /// The placement id (`PlacementId`): chosen by the caller, or a UUID for a match's.
    pub id: String,
    /// The queue it places through (by name).
    pub queue: String,
    /// The queue's ARN and NotificationTarget when the placement began: its events name and
    /// reach them (envelope `resources`, `account`, `region`; routing) even when the queue is
    /// deleted while the placement is pending.
    pub queue_arn: String,
    /// The queue's NotificationTarget when the placement began (see `queue_arn`).
    pub queue_notification_target: Option<String>,
    /// The configuration whose match it places; empty for StartGameSessionPlacement.
    pub configuration: String,
    /// The match it places; empty for StartGameSessionPlacement.
    pub match_id: String,
    /// The match's teams and tickets, which become player sessions once placed.
    pub m: Match,
    /// Where it is in its lifecycle.
    pub status: PlacementStatus,
    /// When it began (epoch ms).
    pub start_time: Millis,
    /// When it reached a final status (epoch ms).
    pub end_time: Option<Millis>,
    /// When it times out (epoch ms): start plus the queue's `TimeoutInSeconds`.
    pub deadline: Millis,
    /// Player slots of the game session it makes (`MaximumPlayerSessionCount`).
    pub maximum_player_session_count: u32,
    /// Set once a game session was created for it.
    pub game_session_id: Option<String>,
    /// With AUTOMATIC backfill and open slots: the backfill ticket id the matchmaker data
    /// announces, started when the session activates.
    pub auto_backfill_ticket_id: Option<String>,
    /// Set for a StartGameSessionPlacement (no match, no configuration).
    pub direct: Option<super::placement_api::DirectPlacement>,
    /// The player sessions made when it was fulfilled.
    pub placed_player_sessions: Vec<MatchedPlayerSession>,
}

impl Core {
    /// The players of a match grouped by team, every team of the rule set included.
    pub(crate) fn match_teams(&self, m: &Match) -> Vec<(String, Vec<Player>)> {
        m.teams
            .iter()
            .map(|team| {
                let players = team
                    .players
                    .iter()
                    .filter_map(|mp| {
                        let t = self.mm.tickets.get(&mp.ticket_id)?;
                        t.players.iter().find(|p| p.id == mp.player_id).cloned()
                    })
                    .map(|mut p| {
                        p.team = Some(team.name.to_string());
                        p
                    })
                    .collect();
                (team.name.to_string(), players)
            })
            .collect()
    }

    fn rule_set_of(&self, cfg: &MatchmakingConfiguration) -> Option<&RuleSet> {
        self.mm
            .rule_sets
            .get(&cfg.spec.rule_set)
            .map(|r| r.parsed.as_ref())
    }

    /// What a placement asks for: the players' latencies and the game session to create
    /// (all but the fleet). A match placement takes them from its configuration and match;
    /// a StartGameSessionPlacement from its request.
    fn placement_template(
        &self,
        p: &Placement,
    ) -> Result<(Vec<BTreeMap<String, u32>>, CreateGameSession), String> {
        if let Some(d) = &p.direct {
            let req = CreateGameSession {
                maximum_player_session_count: p.maximum_player_session_count,
                name: d.game_session_name.clone(),
                game_properties: d.game_properties.clone(),
                game_session_data: d.game_session_data.clone(),
                ..CreateGameSession::default()
            };
            return Ok((d.player_latencies.values().cloned().collect(), req));
        }
        let cfg = self
            .configuration(&p.configuration)
            .map_err(|_| "its matchmaking configuration no longer exists".to_string())?;
        let teams = self.match_teams(&p.m);
        let latencies = teams
            .iter()
            .flat_map(|(_, ps)| ps.iter().map(|p| p.latency_ms.clone()))
            .collect();
        let refs: Vec<(String, Vec<&Player>)> = teams
            .iter()
            .map(|(n, ps)| (n.clone(), ps.iter().collect()))
            .collect();
        let md = matchmaker_data::build(
            &p.match_id,
            &cfg.arn,
            &refs,
            Backfill {
                mode: cfg.spec.backfill_mode,
                auto_ticket_id: p.auto_backfill_ticket_id.as_deref(),
            },
        );
        let req = CreateGameSession {
            maximum_player_session_count: p.maximum_player_session_count,
            game_properties: cfg.spec.game_properties.clone(),
            game_session_data: cfg.spec.game_session_data.clone(),
            matchmaker_data: Some(md),
            ..CreateGameSession::default()
        };
        Ok((latencies, req))
    }

    pub(crate) fn place_match(
        &mut self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        match_id: String,
        m: Match,
    ) {
        let id = self.ids.uuid();
        let queue = cfg
            .spec
            .game_session_queues
            .first()
            .cloned()
            .unwrap_or_default();
        let q = self.mm.queues.get(&queue);
        let timeout_ms = q.map_or(0, |q| u64::from(q.spec.timeout_seconds) * 1000);
        let queue_arn = q.map(|q| q.arn.clone()).unwrap_or_default();
        let queue_notification_target = q.and_then(|q| q.spec.notification_target.clone());
        let team_max: u32 = self
            .rule_set_of(cfg)
            .map_or(0, |rs| rs.team_maxima().iter().map(|(_, n)| n).sum());
        let open = (team_max as usize) > m.player_count();
        let auto_backfill_ticket_id =
            (cfg.spec.backfill_mode == BackfillMode::Automatic && open).then(|| self.ids.uuid());
        let p = Placement {
            id: id.clone(),
            queue,
            queue_arn,
            queue_notification_target,
            configuration: cfg.spec.name.to_string(),
            match_id,
            m,
            status: PlacementStatus::Pending,
            start_time: now,
            end_time: None,
            deadline: now + timeout_ms,
            maximum_player_session_count: team_max + cfg.spec.additional_player_count,
            game_session_id: None,
            auto_backfill_ticket_id,
            direct: None,
            placed_player_sessions: Vec::new(),
        };
        self.begin_placement(now, p);
    }

    /// Records a new placement as PENDING (the event every placement starts with) and makes
    /// its first attempt: matches and StartGameSessionPlacement start placements alike.
    pub(crate) fn begin_placement(&mut self, now: Millis, p: Placement) {
        let id = p.id.clone();
        self.mm.placements.open(p);
        self.mm_emit(
            now,
            MatchmakingEvent::Placement {
                placement_id: id.clone(),
                status: PlacementStatus::Pending,
                game_session_id: None,
            },
        );
        self.retry_placement(now, &id);
    }

    /// Tries to put a pending placement on a process; otherwise looks again later, or
    /// times out.
    pub(crate) fn retry_placement(&mut self, now: Millis, id: &str) {
        let Some(p) = self.mm.placements.get(id).cloned() else {
            return;
        };
        if p.status != PlacementStatus::Pending || p.game_session_id.is_some() {
            return;
        }
        let Some(queue) = self.mm.queues.get(&p.queue).cloned() else {
            let q = p.queue.clone();
            return self.end_placement(
                now,
                id,
                PlacementStatus::Failed,
                TicketStatusReason::UnexpectedError,
                format!("game session queue '{q}' no longer exists"),
            );
        };
        let (latencies, template) = match self.placement_template(&p) {
            Ok(x) => x,
            Err(msg) => {
                return self.end_placement(
                    now,
                    id,
                    PlacementStatus::Failed,
                    TicketStatusReason::UnexpectedError,
                    msg,
                )
            }
        };
        let age = now.saturating_sub(p.start_time);
        let refs: Vec<&BTreeMap<String, u32>> = latencies.iter().collect();
        let picked = self.pick_process(&queue, age, &refs);
        let created = picked.and_then(|(fleet_id, pid, location)| {
            let req = CreateGameSession {
                fleet_id,
                location: Some(location),
                ..template
            };
            self.create_game_session_on(now, req, Some(pid)).ok()
        });
        match created {
            Some(gs) => {
                self.mm.placements.placed(id, &gs.id);
                self.timers.cancel(&TimerKey::PlacementRetry(id.into()));
            }
            None if now >= p_deadline(self, id) => {
                let mut msg = format!(
                    "no ACTIVE server process without a game session in the destinations of \
                     queue '{}' within its timeout of {} s",
                    queue.spec.name, queue.spec.timeout_seconds
                );
                // The trap of a server started with a fleet id the queue does not target: say
                // where the idle capacity is (issue 17 item 6).
                let targeted: Vec<&str> = queue.fleet_ids().collect();
                let elsewhere: Vec<String> = self
                    .fleets_with_free_processes()
                    .into_iter()
                    .filter(|f| !targeted.contains(f))
                    .map(|f| format!("'{f}'"))
                    .collect();
                if !elsewhere.is_empty() {
                    msg.push_str(&format!(
                        "; idle server processes wait in fleet(s) {}, which the queue does not \
                         target: add them to its destinations or start the servers with a \
                         FleetId it targets",
                        elsewhere.join(", ")
                    ));
                }
                self.end_placement(
                    now,
                    id,
                    PlacementStatus::TimedOut,
                    TicketStatusReason::PlacementTimedOut,
                    msg,
                );
            }
            None => {
                self.mm.placements.wait(id);
                let at = (now + super::PLACEMENT_RETRY_MS).min(p_deadline(self, id));
                self.timers
                    .schedule(TimerKey::PlacementRetry(id.into()), at);
            }
        }
    }

    /// Ends a placement without a game session: its tickets fail with `reason`.
    fn end_placement(
        &mut self,
        now: Millis,
        id: &str,
        status: PlacementStatus,
        reason: TicketStatusReason,
        message: String,
    ) {
        if !self.mm.placements.end(now, id, status) {
            return;
        }
        let tickets = self
            .mm
            .placements
            .get(id)
            .map(|p| p.m.ticket_ids.clone())
            .unwrap_or_default();
        self.timers.cancel(&TimerKey::PlacementRetry(id.into()));
        self.timers.schedule(
            TimerKey::PlacementForget(id.into()),
            now + super::RETENTION_MS,
        );
        self.mm_emit(
            now,
            MatchmakingEvent::Placement {
                placement_id: id.into(),
                status,
                game_session_id: None,
            },
        );
        for t in tickets {
            self.finish_ticket(
                now,
                &t,
                TicketStatus::Failed,
                Some(reason),
                Some(message.clone()),
            );
        }
    }

    /// The placed session became ACTIVE: player sessions for the matched players, the
    /// placement FULFILLED, the tickets COMPLETED with their connection info.
    pub(crate) fn placement_activated(&mut self, now: Millis, gs_id: &str) {
        let Some(pid) = self.mm.placements.take_for_session(gs_id) else {
            return;
        };
        let Some(p) = self.mm.placements.get(&pid).cloned() else {
            return;
        };
        if p.direct.is_some() {
            return self.direct_placement_activated(now, &pid, gs_id);
        }
        let teams = self.match_teams(&p.m);
        let players: Vec<NewPlayerSession> = teams
            .iter()
            .flat_map(|(_, ps)| ps.iter())
            .map(|pl| NewPlayerSession {
                player_id: pl.id.clone(),
                player_data: None,
            })
            .collect();
        let sessions = match self.create_matched_player_sessions(now, gs_id, players) {
            Ok(s) => s,
            Err(e) => {
                return self.end_placement(
                    now,
                    &pid,
                    PlacementStatus::Failed,
                    TicketStatusReason::UnexpectedError,
                    format!("player sessions could not be created in {gs_id}: {e}"),
                )
            }
        };
        let Some(gs) = self.game_sessions.get(gs_id).cloned() else {
            return;
        };
        self.mm
            .placements
            .end(now, &pid, PlacementStatus::Fulfilled);
        self.timers.schedule(
            TimerKey::PlacementForget(pid.clone()),
            now + super::RETENTION_MS,
        );
        self.mm_emit(
            now,
            MatchmakingEvent::Placement {
                placement_id: pid.clone(),
                status: PlacementStatus::Fulfilled,
                game_session_id: Some(gs_id.into()),
            },
        );
        self.mm.sessions.insert(
            gs_id.to_string(),
            super::backfill::SessionMatch {
                configuration: p.configuration.clone(),
                match_id: p.match_id.clone(),
                teams,
                auto_backfill_ticket_id: p.auto_backfill_ticket_id.clone(),
            },
        );
        self.complete_tickets_in_session(now, &p.m.ticket_ids, &gs, &sessions);
    }

    /// Ends a placed match's tickets COMPLETED, each with the game session's connection info
    /// and the player sessions of its own players (a new match's placement and a backfill's
    /// newcomers alike).
    pub(super) fn complete_tickets_in_session(
        &mut self,
        now: Millis,
        ticket_ids: &[std::sync::Arc<str>],
        gs: &GameSession,
        sessions: &[PlayerSession],
    ) {
        for tid in ticket_ids {
            let Some(t) = self.mm.tickets.get_mut(tid) else {
                continue;
            };
            let mine: Vec<MatchedPlayerSession> = sessions
                .iter()
                .filter(|s| t.players.iter().any(|x| x.id == s.player_id))
                .map(|s| MatchedPlayerSession {
                    player_id: s.player_id.clone(),
                    player_session_id: s.id.clone(),
                })
                .collect();
            t.connection = Some(ConnectionInfo {
                game_session_arn: gs.id.to_string(),
                ip_address: gs.ip_address.clone(),
                dns_name: gs.dns_name.clone(),
                port: gs.port,
                matched_player_sessions: mine,
            });
            self.finish_ticket(now, tid, TicketStatus::Completed, None, None);
        }
    }

    /// The placed session ended before it was activated: look for another process.
    pub(crate) fn placement_session_lost(&mut self, now: Millis, gs_id: &str) {
        let Some(pid) = self.mm.placements.take_for_session(gs_id) else {
            return;
        };
        if let Some(p) = self.mm.placements.get_mut(&pid) {
            p.game_session_id = None;
        }
        self.retry_placement(now, &pid);
    }

    /// The placement with this id, if any (final ones are kept for DescribeGameSessionPlacement).
    pub fn placement(&self, id: &str) -> Option<&Placement> {
        self.mm.placements.get(id)
    }
}

fn p_deadline(core: &Core, id: &str) -> Millis {
    core.mm.placements.get(id).map_or(0, |p| p.deadline)
}
