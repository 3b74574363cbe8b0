//! Game session placement asked for directly (service-api.md §9.2 StartGameSessionPlacement,
//! DescribeGameSessionPlacement, StopGameSessionPlacement): the same queue machinery as a
//! match's placement ([`super::placement`]), with the game session's settings and desired
//! player sessions from the request instead of a matchmaking configuration.
//!
//! PENDING until a process of the queue's destinations hosts the session and activates it,
//! then FULFILLED with a player session for each desired player; TIMED_OUT when the queue's
//! timeout passes first; CANCELLED by StopGameSessionPlacement while PENDING. A session
//! already created for a cancelled placement stays on its process (it is not ended).

use std::collections::BTreeMap;

use super::placement::{Placement, PlacementStatus};
use super::tickets::MatchedPlayerSession;
use super::MatchmakingEvent;
use crate::clock::Millis;
use crate::timers::TimerKey;
use crate::{Core, CoreError, NewPlayerSession};
use playfield_flexmatch::Match;

/// The request's settings, kept with the placement.
#[derive(Debug, Clone, Default)]
pub struct DirectPlacement {
    /// The new game session's `GameSessionName`.
    pub game_session_name: Option<String>,
    /// Game properties for the new game session (at most 16).
    pub game_properties: BTreeMap<String, String>,
    /// Game session data for the new game session.
    pub game_session_data: Option<String>,
    /// Player → region → ms.
    pub player_latencies: BTreeMap<String, BTreeMap<String, u32>>,
    /// Players to reserve player sessions for once placed (`DesiredPlayerSessions`).
    pub desired_player_sessions: Vec<NewPlayerSession>,
}

/// StartGameSessionPlacement's input.
#[derive(Debug, Clone, Default)]
pub struct StartPlacement {
    /// The caller's unique id for the placement (`PlacementId`).
    pub placement_id: String,
    /// The queue to place through (name or ARN).
    pub queue_name: String,
    /// Player slots of the game session (`MaximumPlayerSessionCount`).
    pub maximum_player_session_count: u32,
    /// The rest of the request, kept with the placement.
    pub settings: DirectPlacement,
}

impl Core {
    /// StartGameSessionPlacement: PENDING, and placed at once when a process is free.
    pub fn start_game_session_placement(
        &mut self,
        now: Millis,
        req: StartPlacement,
    ) -> Result<Placement, CoreError> {
        let id = req.placement_id;
        if id.is_empty()
            || id.len() > 48
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(CoreError::param(
                "PlacementId",
                format!("'{id}' must be 1..48 letters, digits and '-'"),
            ));
        }
        if self.mm.placements.contains(&id) {
            return Err(CoreError::IdTaken {
                what: "game session placement",
                id,
            });
        }
        let queue = self.queue(&req.queue_name)?.clone();
        let p = Placement {
            id: id.clone(),
            queue: queue.spec.name.to_string(),
            queue_arn: queue.arn.clone(),
            queue_notification_target: queue.spec.notification_target.clone(),
            configuration: String::new(),
            match_id: String::new(),
            m: Match {
                teams: vec![],
                ticket_ids: vec![],
                backfill_ticket_id: None,
                regions: vec![],
                rule_metrics: vec![],
            },
            status: PlacementStatus::Pending,
            start_time: now,
            end_time: None,
            deadline: now + u64::from(queue.spec.timeout_seconds) * 1000,
            maximum_player_session_count: req.maximum_player_session_count,
            game_session_id: None,
            auto_backfill_ticket_id: None,
            direct: Some(req.settings),
            placed_player_sessions: vec![],
        };
        let answer = p.clone();
        self.begin_placement(now, p);
        Ok(answer)
    }

    /// DescribeGameSessionPlacement.
    pub fn describe_game_session_placement(&self, id: &str) -> Result<Placement, CoreError> {
        self.mm
            .placements
            .get(id)
            .cloned()
            .ok_or_else(|| CoreError::NotFound {
                what: "game session placement",
                id: id.into(),
            })
    }

    /// StopGameSessionPlacement: a PENDING placement becomes CANCELLED (a match's placement
    /// is the matchmaker's and cannot be stopped this way).
    pub fn stop_game_session_placement(
        &mut self,
        now: Millis,
        id: &str,
    ) -> Result<Placement, CoreError> {
        let p = self.describe_game_session_placement(id)?;
        if p.direct.is_none() {
            return Err(CoreError::PlacementOfMatch {
                id: id.into(),
                configuration: p.configuration.clone(),
            });
        }
        if p.status != PlacementStatus::Pending {
            return Err(CoreError::PlacementNotPending {
                id: id.into(),
                status: p.status.as_str(),
            });
        }
        self.mm.placements.end(now, id, PlacementStatus::Cancelled);
        self.timers.cancel(&TimerKey::PlacementRetry(id.into()));
        self.timers.schedule(
            TimerKey::PlacementForget(id.into()),
            now + super::RETENTION_MS,
        );
        self.mm_emit(
            now,
            MatchmakingEvent::Placement {
                placement_id: id.into(),
                status: PlacementStatus::Cancelled,
                game_session_id: None,
            },
        );
        self.describe_game_session_placement(id)
    }

    /// The session of a direct placement became ACTIVE: player sessions for the desired
    /// players, FULFILLED.
    pub(crate) fn direct_placement_activated(&mut self, now: Millis, pid: &str, gs_id: &str) {
        let Some(p) = self.mm.placements.get(pid).cloned() else {
            return;
        };
        let desired = p
            .direct
            .map(|d| d.desired_player_sessions)
            .unwrap_or_default();
        let placed = if desired.is_empty() {
            Ok(vec![])
        } else {
            self.create_player_sessions(now, gs_id, desired)
        };
        let (status, placed) = match placed {
            Ok(ps) => (
                PlacementStatus::Fulfilled,
                ps.into_iter()
                    .map(|s| MatchedPlayerSession {
                        player_id: s.player_id,
                        player_session_id: s.id,
                    })
                    .collect(),
            ),
            Err(e) => {
                tracing::warn!(target: "playfield", "placement {pid}: player sessions not created: {e}");
                (PlacementStatus::Failed, vec![])
            }
        };
        self.mm.placements.end(now, pid, status);
        if let Some(p) = self.mm.placements.get_mut(pid) {
            p.placed_player_sessions = placed;
        }
        self.timers.schedule(
            TimerKey::PlacementForget(pid.into()),
            now + super::RETENTION_MS,
        );
        self.mm_emit(
            now,
            MatchmakingEvent::Placement {
                placement_id: pid.into(),
                status,
                game_session_id: Some(gs_id.into()),
            },
        );
    }
}
