//! Game session queues: where matches are placed (service-api.md §9.2
//! Create/Describe/Update/DeleteGameSessionQueue).
//!
//! A queue lists destinations (fleets, in preference order), a timeout, and player latency
//! policies. Placement asks `Core::pick_process` for a free process: the first destination
//! with an ACTIVE process without a game session, skipping destinations whose location some
//! player reports a latency above the cap in force at the placement's age (a player with no
//! latency for that location does not hold it back).

use super::rule_sets::name_of;
use crate::clock::Millis;
use crate::config;
use crate::core::{Core, CoreError};
use std::collections::BTreeMap;

pub use crate::config::PlayerLatencyPolicy;

/// TimeoutInSeconds's default in the service.
pub const DEFAULT_TIMEOUT_S: u32 = 600;

#[derive(Debug, Clone, PartialEq)]
pub struct GameSessionQueue {
    pub name: String,
    pub arn: String,
    /// Fleet ids (an ARN given as destination is reduced to its fleet id).
    pub destinations: Vec<String>,
    pub timeout_seconds: u32,
    /// In order; each holds for its duration, the last one until the timeout.
    pub player_latency_policies: Vec<PlayerLatencyPolicy>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
}

impl GameSessionQueue {
    /// The latency cap in force `age_ms` into a placement, if any policy applies.
    pub fn latency_cap(&self, age_ms: Millis) -> Option<u32> {
        let mut start: Millis = 0;
        for p in &self.player_latency_policies {
            match p.policy_duration_seconds {
                Some(d) => {
                    let end = start + u64::from(d) * 1000;
                    if age_ms < end {
                        return Some(p.maximum_individual_player_latency_ms);
                    }
                    start = end;
                }
                None => return Some(p.maximum_individual_player_latency_ms),
            }
        }
        None
    }
}

/// What Create and Update take. The default is empty (CreateGameSessionQueue's base).
///
/// Built from the startup file with `From<&config::Queue>` and from a queue the core holds
/// with `From<&GameSessionQueue>` (what API updates lay their input over).
#[derive(Debug, Clone, Default)]
pub struct QueueSpec {
    pub name: String,
    pub destinations: Vec<String>,
    /// `None`: the service's default, [`DEFAULT_TIMEOUT_S`].
    pub timeout_seconds: Option<u32>,
    pub player_latency_policies: Vec<PlayerLatencyPolicy>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
}

/// The startup file's `[[queues]]` entry, as the core creates it.
impl From<&config::Queue> for QueueSpec {
    fn from(q: &config::Queue) -> Self {
        Self {
            name: q.name.clone(),
            destinations: q.destinations.clone(),
            timeout_seconds: Some(q.timeout_seconds),
            player_latency_policies: q.player_latency_policies.clone(),
            custom_event_data: q.custom_event_data.clone(),
            notification_target: q.notification_target.clone(),
        }
    }
}

/// A queue as it stands: the base an API update lays its input over.
impl From<&GameSessionQueue> for QueueSpec {
    fn from(q: &GameSessionQueue) -> Self {
        Self {
            name: q.name.clone(),
            destinations: q.destinations.clone(),
            timeout_seconds: Some(q.timeout_seconds),
            player_latency_policies: q.player_latency_policies.clone(),
            custom_event_data: q.custom_event_data.clone(),
            notification_target: q.notification_target.clone(),
        }
    }
}

fn check_queue_name(name: &str) -> Result<(), CoreError> {
    if name.is_empty()
        || name.len() > 128
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(CoreError::param(
            "Name",
            format!("'{name}' must be 1..128 letters, digits and '-'"),
        ));
    }
    Ok(())
}

impl Core {
    fn build_queue(&self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        check_queue_name(&s.name)?;
        let timeout_seconds = s.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_S);
        if timeout_seconds == 0 {
            return Err(CoreError::param("TimeoutInSeconds", "must be at least 1"));
        }
        let destinations = s
            .destinations
            .iter()
            .map(|d| name_of(d).to_string())
            .collect();
        Ok(GameSessionQueue {
            arn: format!(
                "arn:aws:gamelift:{}:{}:gamesessionqueue/{}",
                self.cfg.region, self.mm.account_id, s.name
            ),
            name: s.name,
            destinations,
            timeout_seconds,
            player_latency_policies: s.player_latency_policies,
            custom_event_data: s.custom_event_data,
            notification_target: s.notification_target,
        })
    }

    /// CreateGameSessionQueue.
    pub fn create_queue(&mut self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        if self.mm.queues.contains_key(&s.name) {
            return Err(CoreError::Matchmaking(format!(
                "a game session queue named '{}' already exists",
                s.name
            )));
        }
        let q = self.build_queue(s)?;
        self.mm.queues.insert(q.name.clone(), q.clone());
        Ok(q)
    }

    /// UpdateGameSessionQueue: replaces the queue's settings.
    pub fn update_queue(&mut self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        self.queue(&s.name)?;
        let q = self.build_queue(s)?;
        self.mm.queues.insert(q.name.clone(), q.clone());
        Ok(q)
    }

    /// DeleteGameSessionQueue: refused while a configuration places through it.
    pub fn delete_queue(&mut self, name: &str) -> Result<(), CoreError> {
        let name = name_of(name).to_string();
        self.queue(&name)?;
        if let Some(c) = self
            .mm
            .configurations
            .values()
            .find(|c| c.game_session_queue_names.contains(&name))
        {
            return Err(CoreError::Matchmaking(format!(
                "game session queue '{name}' is used by matchmaking configuration '{}'",
                c.name
            )));
        }
        if let Some(q) = self.mm.queues.remove(&name) {
            self.forget_tags(&q.arn);
        }
        Ok(())
    }

    /// DescribeGameSessionQueues: the named ones (all when empty); unknown names left out.
    pub fn describe_queues(&self, names: &[String]) -> Vec<GameSessionQueue> {
        if names.is_empty() {
            return self.mm.queues.values().cloned().collect();
        }
        names
            .iter()
            .filter_map(|n| self.mm.queues.get(name_of(n)).cloned())
            .collect()
    }

    pub fn queue(&self, name: &str) -> Result<&GameSessionQueue, CoreError> {
        self.mm
            .queues
            .get(name_of(name))
            .ok_or_else(|| CoreError::NotFound {
                what: "game session queue",
                id: name.into(),
            })
    }

    /// A free process among the queue's destinations, in order. `latencies` are the players'
    /// reported latencies (location → ms); a destination qualifies when every latency reported
    /// for its location (its first location, or the region) is within the cap in force.
    pub(crate) fn pick_process(
        &self,
        queue: &GameSessionQueue,
        age_ms: Millis,
        latencies: &[&BTreeMap<String, u32>],
    ) -> Option<(String, String)> {
        let cap = queue.latency_cap(age_ms);
        for fleet_id in &queue.destinations {
            let location = self
                .fleets
                .get(fleet_id)
                .and_then(|f| f.locations.first().cloned())
                .unwrap_or_else(|| self.cfg.region.clone());
            // A latency reported for this location must be within the cap. A player who
            // reports none for it does not hold placement back: on one machine the fleet's
            // location name ("custom-local") rarely matches the Regions clients measure.
            let ok = latencies.iter().all(|l| {
                l.get(&location)
                    .is_none_or(|ms| cap.is_none_or(|c| *ms <= c))
            });
            if !ok {
                continue;
            }
            if let Some(pid) = self.free_process(fleet_id) {
                return Some((fleet_id.clone(), pid));
            }
        }
        None
    }
}
