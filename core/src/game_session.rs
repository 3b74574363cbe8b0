//! Game sessions: created on a free process, ACTIVATING until the process activates them,
//! ended by their process (ProcessEnding, or the process vanishing) or by the activation
//! timeout.

use std::collections::BTreeMap;

use super::event::{Event, GameSessionEndCause, Push, UpdateReason};
use super::ids;
use super::matchmaking::matchmaker_data::MatchmakerData;
use super::timers::TimerKey;
use super::{Core, CoreError, GameSessionId, PlayerSessionCreationPolicy};
use crate::clock::Millis;

/// A game session's lifecycle state: the service's `GameSession.Status` (service-api.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameSessionStatus {
    /// Created and pushed to its process, waiting for ActivateGameSession.
    Activating,
    /// Activated by its process; players can join.
    Active,
    /// TerminateGameSession asked its process to end it; not ended yet.
    Terminating,
    /// Ended normally or by the service (see its status reason).
    Terminated,
    /// The service's status for a session that failed; Playfield does not set it (an
    /// activation timeout ends TERMINATED, reason INTERRUPTED).
    Error,
}

impl GameSessionStatus {
    /// The wire name (`ACTIVATING`, `ACTIVE`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            GameSessionStatus::Activating => "ACTIVATING",
            GameSessionStatus::Active => "ACTIVE",
            GameSessionStatus::Terminating => "TERMINATING",
            GameSessionStatus::Terminated => "TERMINATED",
            GameSessionStatus::Error => "ERROR",
        }
    }
}

/// GameSessionStatusReason (service-api.md §10). The service documents no reason for an
/// activation timeout or a lost process; both are reported as `INTERRUPTED` ("stopped by
/// the service, not by the game"), and a session its own process ended has no reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameSessionStatusReason {
    /// Stopped by the service, not by the game (activation timeout, lost process).
    Interrupted,
    /// TerminateGameSession with `TRIGGER_ON_PROCESS_TERMINATE`: the process ended it.
    TriggeredOnProcessTerminate,
    /// TerminateGameSession with `FORCE_TERMINATE`.
    ForceTerminated,
}

impl GameSessionStatusReason {
    /// The wire name (`INTERRUPTED`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            GameSessionStatusReason::Interrupted => "INTERRUPTED",
            GameSessionStatusReason::TriggeredOnProcessTerminate => {
                "TRIGGERED_ON_PROCESS_TERMINATE"
            }
            GameSessionStatusReason::ForceTerminated => "FORCE_TERMINATED",
        }
    }
}

/// A game session: one running game hosted by one server process, mirroring the service's
/// `GameSession` shape (service-api.md, GameSession).
#[derive(Debug, Clone, PartialEq)]
pub struct GameSession {
    /// The game session ARN (the id *is* the ARN, service-api.md §6).
    pub id: GameSessionId,
    /// The fleet whose process hosts it.
    pub fleet_id: String,
    /// Optional display name (the service's `GameSession.Name`), at most 1024 characters.
    pub name: Option<String>,
    /// Player slots: the service's `GameSession.MaximumPlayerSessionCount` (at most 200).
    pub maximum_player_session_count: u32,
    /// Key → value. The wire sends an object (sdk-wire-protocol.md §4.1); sorted for
    /// stable output.
    pub game_properties: BTreeMap<String, String>,
    /// Opaque text for the game server (`GameSessionData`, at most 256 KiB).
    pub game_session_data: Option<String>,
    /// The matchmaker's description of the match this session hosts; the faces write it as
    /// the §5.2 JSON document.
    pub matchmaker_data: Option<MatchmakerData>,
    /// Who asked for it: the service's `CreatorId`, a player id, when given.
    pub creator_id: Option<String>,
    /// The fleet location it runs in (e.g. `custom-location-1`).
    pub location: Option<String>,
    /// Where it is in its lifecycle.
    pub status: GameSessionStatus,
    /// Why it ended, when the service gives a reason.
    pub status_reason: Option<GameSessionStatusReason>,
    /// When it was created (epoch ms).
    pub creation_time: Millis,
    /// When it ended (epoch ms); `None` while live.
    pub termination_time: Option<Millis>,
    /// Whether new player sessions may be created in it.
    pub player_session_creation_policy: PlayerSessionCreationPolicy,
    /// ProtectionPolicy FullProtection: kept and reported (DescribeGameSessionDetails);
    /// nothing here scales fleets down, so it protects from nothing yet.
    pub full_protection: bool,
    /// The process hosting it (kept after the session ended, for the record).
    pub pid: String,
    /// The compute its process runs on (Anywhere fleets), if the process named one.
    pub compute_name: Option<String>,
    /// The address players connect to: the daemon's advertised address
    /// ([`CoreConfig::ip_address`](crate::CoreConfig::ip_address)).
    pub ip_address: String,
    /// The DNS name players connect to (the daemon's advertised one).
    pub dns_name: String,
    /// The port players connect to, as the process gave it in ProcessReady.
    pub port: Option<u16>,
}

impl GameSession {
    /// ACTIVATING or ACTIVE: it holds its process and can take players.
    pub fn is_live(&self) -> bool {
        matches!(
            self.status,
            GameSessionStatus::Activating | GameSessionStatus::Active
        )
    }
}

/// Create a game session on a free process of a fleet. Until the service API and
/// placement arrive, this is how game sessions come to be (tests, tools).
#[derive(Debug, Clone, Default)]
pub struct CreateGameSession {
    /// The fleet to host it in; one of its free processes is chosen.
    pub fleet_id: String,
    /// Player slots (`MaximumPlayerSessionCount`, 0 to 200).
    pub maximum_player_session_count: u32,
    /// Optional display name.
    pub name: Option<String>,
    /// Key → value pairs for the game server (at most 16).
    pub game_properties: BTreeMap<String, String>,
    /// Opaque text for the game server (at most 256 KiB).
    pub game_session_data: Option<String>,
    /// The matchmaker's description of the match this session hosts; the faces write it as
    /// the §5.2 JSON document.
    pub matchmaker_data: Option<MatchmakerData>,
    /// The player who asked for it (`CreatorId`).
    pub creator_id: Option<String>,
    /// The fleet location to host in; the fleet's home location when `None`.
    pub location: Option<String>,
    /// Becomes the last part of the id; a repeat with the same token returns the
    /// original session (service-api.md, CreateGameSession).
    pub idempotency_token: Option<String>,
}

/// UpdateGameSession: `None` leaves a member as it is.
#[derive(Debug, Clone, Default)]
pub struct UpdateGameSession {
    /// The game session's id (its ARN).
    pub game_session_id: String,
    /// New `MaximumPlayerSessionCount`.
    pub maximum_player_session_count: Option<u32>,
    /// New display name.
    pub name: Option<String>,
    /// New `PlayerSessionCreationPolicy`.
    pub player_session_creation_policy: Option<PlayerSessionCreationPolicy>,
    /// ProtectionPolicy: `Some(true)` for FullProtection.
    pub full_protection: Option<bool>,
    /// Game properties to set (key, value); a key already there is overwritten.
    pub game_properties: Option<Vec<(String, String)>>,
}

/// Service limits checked on creation (service-api.md §9.2, §11).
const MAX_PLAYERS: u32 = 200;
const MAX_PROPERTIES: usize = 16;
const MAX_GAME_SESSION_DATA: usize = 262_144;
const MAX_MATCHMAKER_DATA: usize = 390_000;
const MAX_NAME: usize = 1024;

impl Core {
    /// CreateGameSession on the fleet's first free process: the game session starts ACTIVATING
    /// and a [`Push::CreateGameSession`] goes to the process.
    /// Fails with [`CoreError::NoFreeProcess`] when no ACTIVE, healthy process is idle.
    pub fn create_game_session(
        &mut self,
        now: Millis,
        req: CreateGameSession,
    ) -> Result<GameSession, CoreError> {
        self.create_game_session_on(now, req, None)
    }

    /// CreateGameSession on the process `on` (a free process of the fleet that queue
    /// placement chose), or on the fleet's first free process when `None` or when `on` is
    /// no longer a free process of the fleet.
    pub(crate) fn create_game_session_on(
        &mut self,
        now: Millis,
        req: CreateGameSession,
        on: Option<String>,
    ) -> Result<GameSession, CoreError> {
        validate_create(&req, self.cfg.matchmaker_data_len)?;
        self.check_fleet(&req.fleet_id)?;
        let suffix = match &req.idempotency_token {
            Some(t) => t.clone(),
            None => self.ids.game_session_suffix(),
        };
        let id: String = self.cfg.arns().game_session(&req.fleet_id, &suffix).into();
        if let Some(existing) = self.game_sessions.get(id.as_str()) {
            return Ok(existing.clone());
        }
        // A chosen process must still be a free one of the fleet.
        let on = on.filter(|pid| {
            self.free_processes(&req.fleet_id)
                .iter()
                .any(|p| p.pid == *pid)
        });
        let pid = on
            .or_else(|| self.free_process(&req.fleet_id))
            .ok_or_else(|| CoreError::NoFreeProcess {
                fleet_id: req.fleet_id.clone(),
            })?;
        let p = self.process_mut(&pid)?;
        p.game_session_id = Some(id.clone());
        let (port, compute_name) = (p.port, p.compute_id.clone());
        let fleet_id = req.fleet_id;
        let gs = GameSession {
            id: id.clone().into(),
            fleet_id: fleet_id.clone(),
            name: req.name,
            maximum_player_session_count: req.maximum_player_session_count,
            game_properties: req.game_properties,
            game_session_data: req.game_session_data,
            matchmaker_data: req.matchmaker_data,
            creator_id: req.creator_id,
            location: req.location.or_else(|| {
                self.fleets
                    .get(&fleet_id)
                    .and_then(|f| f.locations.first().cloned())
            }),
            status: GameSessionStatus::Activating,
            status_reason: None,
            creation_time: now,
            termination_time: None,
            player_session_creation_policy: PlayerSessionCreationPolicy::AcceptAll,
            full_protection: false,
            pid: pid.clone(),
            compute_name,
            ip_address: self.cfg.ip_address.clone(),
            dns_name: self.cfg.dns_name.clone(),
            port,
        };
        self.game_sessions.insert(id.clone().into(), gs.clone());
        self.timers.schedule(
            TimerKey::Activation(id.clone().into()),
            now + self.cfg.activation_timeout_ms,
        );
        self.emit(Event::GameSessionCreated {
            game_session_id: id.into(),
            pid: pid.clone().into(),
        });
        self.push(&pid, Push::CreateGameSession(Box::new(gs.clone())));
        Ok(gs)
    }

    /// ActivateGameSession from the hosting process: ACTIVATING → ACTIVE.
    pub fn activate_game_session(
        &mut self,
        _now: Millis,
        pid: &str,
        game_session_id: &str,
    ) -> Result<(), CoreError> {
        self.active_process_mut(pid)?;
        let gs = self.hosted_game_session_mut(pid, game_session_id)?;
        if gs.status != GameSessionStatus::Activating {
            return Err(CoreError::GameSessionStatus {
                id: game_session_id.into(),
                status: gs.status.as_str(),
                expected: "ACTIVATING",
            });
        }
        gs.status = GameSessionStatus::Active;
        self.timers
            .cancel(&TimerKey::Activation(game_session_id.into()));
        self.emit(Event::GameSessionActivated {
            game_session_id: game_session_id.into(),
        });
        self.mm_on_game_session_activated(_now, game_session_id);
        Ok(())
    }

    /// UpdatePlayerSessionCreationPolicy from the hosting process.
    pub fn update_player_session_creation_policy(
        &mut self,
        pid: &str,
        game_session_id: &str,
        policy: PlayerSessionCreationPolicy,
    ) -> Result<(), CoreError> {
        self.active_process_mut(pid)?;
        let gs = self.hosted_game_session_mut(pid, game_session_id)?;
        if !gs.is_live() {
            return Err(CoreError::GameSessionStatus {
                id: game_session_id.into(),
                status: gs.status.as_str(),
                expected: "ACTIVATING or ACTIVE",
            });
        }
        let changed = gs.player_session_creation_policy != policy;
        gs.player_session_creation_policy = policy;
        if changed {
            self.emit(Event::PlayerSessionCreationPolicyChanged {
                game_session_id: game_session_id.into(),
                policy,
            });
        }
        Ok(())
    }

    /// Tells the hosting process its game session changed (the matchmaker's backfill
    /// results arrive this way in a later issue): pushes UpdateGameSession
    /// (sdk-wire-protocol.md §4.2).
    pub fn notify_game_session_update(
        &mut self,
        game_session_id: &str,
        matchmaker_data: Option<MatchmakerData>,
        reason: UpdateReason,
        backfill_ticket_id: Option<String>,
    ) -> Result<(), CoreError> {
        let gs = self.live_game_session_mut(game_session_id)?;
        if let Some(md) = matchmaker_data {
            gs.matchmaker_data = Some(md);
        }
        let (pid, snapshot) = (gs.pid.clone(), gs.clone());
        self.active_process_mut(&pid)?;
        self.push(
            &pid,
            Push::UpdateGameSession {
                game_session: Box::new(snapshot),
                reason,
                backfill_ticket_id,
            },
        );
        self.emit(Event::GameSessionUpdated {
            game_session_id: game_session_id.into(),
            reason,
        });
        Ok(())
    }

    /// UpdateGameSession from the service API: changes what the caller may change on a live
    /// session. Lowering the maximum below the players already in it is refused, because the
    /// service never evicts players to honour a new maximum.
    pub fn update_game_session(
        &mut self,
        req: UpdateGameSession,
    ) -> Result<GameSession, CoreError> {
        if let Some(props) = &req.game_properties {
            if props.len() > MAX_PROPERTIES {
                return Err(CoreError::param(
                    "GameProperties",
                    format!(
                        "{} properties given, at most {MAX_PROPERTIES} allowed",
                        props.len()
                    ),
                ));
            }
        }
        if let Some(max) = req.maximum_player_session_count {
            if max > MAX_PLAYERS {
                return Err(CoreError::param(
                    "MaximumPlayerSessionCount",
                    format!("{max} is above the limit of {MAX_PLAYERS} players per game session"),
                ));
            }
            let taken = self.current_player_session_count(&req.game_session_id);
            if (max as usize) < taken {
                return Err(CoreError::param(
                    "MaximumPlayerSessionCount",
                    format!(
                        "{max} is below the {taken} player sessions game session '{}' already holds",
                        req.game_session_id
                    ),
                ));
            }
        }
        let gs = self.live_game_session_mut(&req.game_session_id)?;
        if let Some(max) = req.maximum_player_session_count {
            gs.maximum_player_session_count = max;
        }
        if let Some(name) = req.name {
            gs.name = Some(name);
        }
        if let Some(full) = req.full_protection {
            gs.full_protection = full;
        }
        if let Some(props) = req.game_properties {
            // The service merges: given keys are set, an empty value removes the key.
            for (k, v) in props {
                if v.is_empty() {
                    gs.game_properties.remove(&k);
                } else {
                    gs.game_properties.insert(k, v);
                }
            }
        }
        let policy_changed = req
            .player_session_creation_policy
            .filter(|p| *p != gs.player_session_creation_policy);
        if let Some(p) = policy_changed {
            gs.player_session_creation_policy = p;
        }
        let snapshot = gs.clone();
        if let Some(policy) = policy_changed {
            self.emit(Event::PlayerSessionCreationPolicyChanged {
                game_session_id: snapshot.id.clone(),
                policy,
            });
        }
        Ok(snapshot)
    }

    /// Game sessions of a fleet (optionally of one location and status), oldest first, for
    /// DescribeGameSessions and SearchGameSessions.
    pub fn game_sessions_of_fleet(
        &self,
        fleet_id: &str,
        location: Option<&str>,
    ) -> Vec<&GameSession> {
        let mut v: Vec<&GameSession> = self
            .game_sessions
            .values()
            .filter(|gs| gs.fleet_id == fleet_id)
            .filter(|gs| location.is_none_or(|l| gs.location.as_deref() == Some(l)))
            .collect();
        v.sort_by(|a, b| (a.creation_time, &a.id).cmp(&(b.creation_time, &b.id)));
        v
    }

    // ---- internals ----------------------------------------------------------------------

    fn live_game_session_mut(&mut self, id: &str) -> Result<&mut GameSession, CoreError> {
        let gs = self
            .game_sessions
            .get_mut(id)
            .ok_or_else(|| CoreError::UnknownGameSession { id: id.into() })?;
        if !gs.is_live() {
            return Err(CoreError::GameSessionStatus {
                id: id.into(),
                status: gs.status.as_str(),
                expected: "ACTIVATING or ACTIVE",
            });
        }
        Ok(gs)
    }

    /// The game session, which must exist and be hosted by `pid`.
    pub(super) fn hosted_game_session_mut(
        &mut self,
        pid: &str,
        id: &str,
    ) -> Result<&mut GameSession, CoreError> {
        let gs = self
            .game_sessions
            .get_mut(id)
            .ok_or_else(|| CoreError::UnknownGameSession { id: id.into() })?;
        if gs.pid != pid {
            return Err(CoreError::NotHosted {
                id: id.into(),
                pid: pid.into(),
            });
        }
        Ok(gs)
    }

    /// Ends a live (or TERMINATING) game session: TERMINATED, its player sessions COMPLETED, its process
    /// freed, and it is forgotten after the retention period.
    pub(super) fn end_game_session(
        &mut self,
        now: Millis,
        id: &str,
        reason: Option<GameSessionStatusReason>,
        cause: GameSessionEndCause,
    ) {
        let Some(gs) = self.game_sessions.get_mut(id) else {
            return;
        };
        // A session TerminateGameSession asked to end (TRIGGER_ON_PROCESS_TERMINATE) ends
        // when its process does, whatever way that happens, and says it was asked to.
        let terminating = gs.status == GameSessionStatus::Terminating;
        if !gs.is_live() && !terminating {
            return;
        }
        let reason = if terminating {
            Some(GameSessionStatusReason::TriggeredOnProcessTerminate)
        } else {
            reason
        };
        gs.status = GameSessionStatus::Terminated;
        gs.status_reason = reason;
        gs.termination_time = Some(now);
        let pid = gs.pid.clone();
        if let Some(p) = self.processes.get_mut(pid.as_str()) {
            if p.game_session_id.as_deref() == Some(id) {
                p.game_session_id = None;
            }
        }
        self.timers.cancel(&TimerKey::Activation(id.into()));
        self.timers.schedule(
            TimerKey::Purge(id.into()),
            now + self.cfg.terminated_retention_ms,
        );
        self.emit(Event::GameSessionEnded {
            game_session_id: id.into(),
            status: GameSessionStatus::Terminated,
            reason,
            cause,
        });
        self.complete_player_sessions_of(now, id);
        self.mm_on_game_session_ended(now, id);
        // Its process, if still ready, can host again: a waiting placement takes it now.
        self.mm_on_capacity(now);
    }

    pub(super) fn activation_timed_out(&mut self, now: Millis, id: &str) {
        if self
            .game_sessions
            .get(id)
            .is_some_and(|gs| gs.status == GameSessionStatus::Activating)
        {
            self.end_game_session(
                now,
                id,
                Some(GameSessionStatusReason::Interrupted),
                GameSessionEndCause::ActivationTimeout,
            );
        }
    }

    pub(super) fn purge_game_session(&mut self, id: &str) {
        if self.game_sessions.get(id).is_some_and(|gs| !gs.is_live()) {
            self.game_sessions.remove(id);
            self.forget_player_sessions_of(id);
        }
    }
}

/// `matchmaker_data_len` counts the characters of a matchmaker data document's JSON form
/// ([`CoreConfig::matchmaker_data_len`](super::CoreConfig::matchmaker_data_len)).
fn validate_create(
    req: &CreateGameSession,
    matchmaker_data_len: fn(&MatchmakerData) -> usize,
) -> Result<(), CoreError> {
    ids::check_fleet_id(&req.fleet_id).map_err(|m| CoreError::param("FleetId", m))?;
    if req.maximum_player_session_count > MAX_PLAYERS {
        return Err(CoreError::param(
            "MaximumPlayerSessionCount",
            format!(
                "{} is above the limit of {MAX_PLAYERS} players per game session",
                req.maximum_player_session_count
            ),
        ));
    }
    if req.game_properties.len() > MAX_PROPERTIES {
        return Err(CoreError::param(
            "GameProperties",
            format!(
                "{} properties given, at most {MAX_PROPERTIES} allowed",
                req.game_properties.len()
            ),
        ));
    }
    let chars = |v: &String| v.chars().count();
    let lengths: [(&'static str, Option<usize>, usize); 3] = [
        ("Name", req.name.as_ref().map(chars), MAX_NAME),
        (
            "GameSessionData",
            req.game_session_data.as_ref().map(chars),
            MAX_GAME_SESSION_DATA,
        ),
        (
            "MatchmakerData",
            req.matchmaker_data.as_ref().map(matchmaker_data_len),
            MAX_MATCHMAKER_DATA,
        ),
    ];
    for (name, count, max) in lengths {
        if let Some(n) = count {
            if n == 0 || n > max {
                return Err(CoreError::param(
                    name,
                    format!("must be 1..{max} characters, got {n}"),
                ));
            }
        }
    }
    if let Some(t) = &req.idempotency_token {
        ids::check_idempotency_token(t).map_err(|m| CoreError::param("IdempotencyToken", m))?;
    }
    Ok(())
}
