//! Game session queues: where matches are placed (service-api.md §9.2
//! Create/Describe/Update/DeleteGameSessionQueue).
//!
//! A queue lists destinations (fleets, in preference order), a timeout, player latency
//! policies, a FilterConfiguration and a PriorityConfiguration. Placement asks
//! `Core::pick_process` for a free process (ACTIVE, healthy, without a game session) in the
//! destinations: a process is a candidate when its location (its compute's custom location,
//! else its fleet's first) is among AllowedLocations (when given) and no player reports a
//! latency for that location above the cap in force at the placement's age (a player with
//! no latency for that location does not hold it back). Candidates are ranked by the
//! queue's PriorityOrder (see [`PriorityType`]); with none, by destination order, as the
//! queue did before it had priorities.

use super::rule_sets::name_of;
use crate::arn::Arn;
use crate::clock::Millis;
use crate::{Core, CoreError};
use std::collections::BTreeMap;

/// A queue's PriorityConfiguration entry: what placement ranks candidate processes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityType {
    Latency,
    Cost,
    Destination,
    Location,
}

impl PriorityType {
    pub const ALL: [PriorityType; 4] = [
        PriorityType::Latency,
        PriorityType::Cost,
        PriorityType::Destination,
        PriorityType::Location,
    ];

    /// The model's enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            PriorityType::Latency => "LATENCY",
            PriorityType::Cost => "COST",
            PriorityType::Destination => "DESTINATION",
            PriorityType::Location => "LOCATION",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A queue's latency cap for a span of a placement's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayerLatencyPolicy {
    pub maximum_individual_player_latency_ms: u32,
    /// `None` for the last policy, which holds until the placement times out.
    pub policy_duration_seconds: Option<u32>,
}

/// TimeoutInSeconds's default in the service.
pub const DEFAULT_TIMEOUT_S: u32 = 600;

#[derive(Debug, Clone, PartialEq)]
pub struct GameSessionQueue {
    pub name: String,
    pub arn: String,
    /// The destinations as they are answered (DestinationArn): an ARN the caller gave is
    /// kept exactly as given (another account or Region included); a bare fleet id becomes
    /// that fleet's ARN in this daemon's region and account.
    pub destination_arns: Vec<String>,
    /// The fleet id each destination names, in the same order: where placement looks.
    pub destinations: Vec<String>,
    pub timeout_seconds: u32,
    /// In order; each holds for its duration, the last one until the timeout.
    pub player_latency_policies: Vec<PlayerLatencyPolicy>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
    /// FilterConfiguration.AllowedLocations; empty: no filter, every location is allowed.
    pub allowed_locations: Vec<String>,
    /// PriorityConfiguration.PriorityOrder; empty: destination order.
    pub priority_order: Vec<PriorityType>,
    /// PriorityConfiguration.LocationOrder: ranks locations when PriorityOrder has LOCATION.
    pub location_order: Vec<String>,
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
/// Built from the startup file's `[[queues]]` entries (by the daemon's `config` module) and
/// from a queue the core holds with `From<&GameSessionQueue>` (what API updates lay their
/// input over).
#[derive(Debug, Clone, Default)]
pub struct QueueSpec {
    pub name: String,
    pub destinations: Vec<String>,
    /// `None`: the service's default, [`DEFAULT_TIMEOUT_S`].
    pub timeout_seconds: Option<u32>,
    pub player_latency_policies: Vec<PlayerLatencyPolicy>,
    pub custom_event_data: Option<String>,
    pub notification_target: Option<String>,
    pub allowed_locations: Vec<String>,
    pub priority_order: Vec<PriorityType>,
    pub location_order: Vec<String>,
}

/// A queue as it stands: the base an API update lays its input over.
impl From<&GameSessionQueue> for QueueSpec {
    fn from(q: &GameSessionQueue) -> Self {
        Self {
            name: q.name.clone(),
            destinations: q.destination_arns.clone(),
            timeout_seconds: Some(q.timeout_seconds),
            player_latency_policies: q.player_latency_policies.clone(),
            custom_event_data: q.custom_event_data.clone(),
            notification_target: q.notification_target.clone(),
            allowed_locations: q.allowed_locations.clone(),
            priority_order: q.priority_order.clone(),
            location_order: q.location_order.clone(),
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

/// "Each priority type is listed once" (PriorityConfiguration.PriorityOrder).
fn check_priority_order(order: &[PriorityType]) -> Result<(), CoreError> {
    for (i, p) in order.iter().enumerate() {
        if order[..i].contains(p) {
            return Err(CoreError::param(
                "PriorityConfiguration.PriorityOrder",
                format!("{} is listed more than once", p.as_str()),
            ));
        }
    }
    Ok(())
}

/// A free process placement may choose, with what PriorityOrder ranks it by.
struct Candidate {
    fleet_id: String,
    pid: String,
    location: String,
    /// Index of its fleet in the queue's destinations.
    destination: usize,
    /// Average latency the players reported for its location; `None` when none did.
    latency: Option<u64>,
}

impl Candidate {
    /// Its rank under one priority type; lower is preferred.
    fn rank(&self, p: PriorityType, queue: &GameSessionQueue) -> u64 {
        match p {
            PriorityType::Destination => self.destination as u64,
            // Locations LocationOrder leaves out come after those it lists.
            PriorityType::Location => queue
                .location_order
                .iter()
                .position(|l| *l == self.location)
                .unwrap_or(queue.location_order.len()) as u64,
            // A location no player reported a latency for comes after measured ones.
            PriorityType::Latency => self.latency.unwrap_or(u64::MAX),
            // There is no cost model locally (no instance types, Spot or On-Demand
            // prices): every destination costs the same, so COST never separates two
            // candidates and the next priority type decides.
            PriorityType::Cost => 0,
        }
    }
}

impl Core {
    fn build_queue(&self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        check_queue_name(&s.name)?;
        let timeout_seconds = s.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_S);
        if timeout_seconds == 0 {
            return Err(CoreError::param("TimeoutInSeconds", "must be at least 1"));
        }
        check_priority_order(&s.priority_order)?;
        let arns = self.cfg.arns();
        let (destination_arns, destinations) = s
            .destinations
            .iter()
            .map(|d| {
                let given = match Arn::parse(d) {
                    Ok(_) => d.clone(),
                    Err(_) => arns.fleet(d).into(),
                };
                (given, name_of(d).to_string())
            })
            .unzip();
        Ok(GameSessionQueue {
            arn: arns.game_session_queue(&s.name).into(),
            name: s.name,
            destination_arns,
            destinations,
            timeout_seconds,
            player_latency_policies: s.player_latency_policies,
            custom_event_data: s.custom_event_data,
            notification_target: s.notification_target,
            allowed_locations: s.allowed_locations,
            priority_order: s.priority_order,
            location_order: s.location_order,
        })
    }

    /// CreateGameSessionQueue.
    pub fn create_queue(&mut self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        if self.mm.queues.contains_key(&s.name) {
            return Err(CoreError::NameTaken {
                what: "game session queue",
                name: s.name,
            });
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
            return Err(CoreError::QueueInUse {
                name,
                configuration: c.name.clone(),
            });
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

    /// A free process among the queue's destinations: `(fleet id, process id, location)`.
    ///
    /// `latencies` are the players' reported latencies (location → ms). A process is a
    /// candidate when its location is allowed by the queue's filter and every latency
    /// reported for that location is within the cap in force at `age_ms`. Candidates are
    /// ordered by the queue's PriorityOrder, then by destination order and readiness (so a
    /// queue without priorities takes the first destination's longest-ready process).
    pub(crate) fn pick_process(
        &self,
        queue: &GameSessionQueue,
        age_ms: Millis,
        latencies: &[&BTreeMap<String, u32>],
    ) -> Option<(String, String, String)> {
        let cap = queue.latency_cap(age_ms);
        let mut candidates = Vec::new();
        for (destination, fleet_id) in queue.destinations.iter().enumerate() {
            for p in self.free_processes(fleet_id) {
                let location = self.process_location(p);
                if !queue.allowed_locations.is_empty()
                    && !queue.allowed_locations.contains(&location)
                {
                    continue;
                }
                // A latency reported for this location must be within the cap. A player
                // who reports none for it does not hold placement back: on one machine the
                // fleet's location name ("custom-local") rarely matches the Regions clients
                // measure.
                let reported: Vec<u64> = latencies
                    .iter()
                    .filter_map(|l| l.get(&location).map(|ms| u64::from(*ms)))
                    .collect();
                if cap.is_some_and(|c| reported.iter().any(|ms| *ms > u64::from(c))) {
                    continue;
                }
                let latency = (!reported.is_empty())
                    .then(|| reported.iter().sum::<u64>() / reported.len() as u64);
                candidates.push(Candidate {
                    fleet_id: fleet_id.clone(),
                    pid: p.pid.to_string(),
                    location,
                    destination,
                    latency,
                });
            }
        }
        // Stable: equal ranks keep destination order, then readiness order.
        candidates.sort_by_key(|c| {
            queue
                .priority_order
                .iter()
                .map(|p| c.rank(*p, queue))
                .collect::<Vec<_>>()
        });
        candidates
            .into_iter()
            .next()
            .map(|c| (c.fleet_id, c.pid, c.location))
    }
}
