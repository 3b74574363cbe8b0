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

use super::configurations::SpecProblem;
use super::names::QueueName;
use super::rule_sets::name_of;
use crate::arn::Arn;
use crate::clock::Millis;
use crate::{Core, CoreError};
use std::collections::BTreeMap;

/// A queue's PriorityConfiguration entry: what placement ranks candidate processes by. The
/// API reads and writes it by this serde form (`"LATENCY"`); the startup file by
/// [`PriorityType::parse`], to report a wrong name at its list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PriorityType {
    /// Prefer the location where the players' reported latencies are lowest.
    Latency,
    /// Prefer the cheapest hosting (all equal here: there is no pricing).
    Cost,
    /// Prefer destinations in the order the queue lists them.
    Destination,
    /// Prefer locations in the queue's `LocationOrder`.
    Location,
}

impl PriorityType {
    /// Every priority type, in the service's default order.
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

    /// Parses the model's enum value (`LATENCY`, ...); `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A queue's latency cap for a span of a placement's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayerLatencyPolicy {
    /// No player may have a latency above this (ms) to the chosen location while the policy
    /// is in force.
    pub maximum_individual_player_latency_ms: u32,
    /// `None` for the last policy, which holds until the placement times out.
    pub policy_duration_seconds: Option<u32>,
}

/// TimeoutInSeconds's default in the service.
pub(crate) const DEFAULT_TIMEOUT_S: u32 = 600;

/// A game session queue the core holds: its spec, with each destination as it is answered
/// (DestinationArn: an ARN the caller gave is kept exactly as given, another account or
/// Region included; a bare fleet id becomes that fleet's ARN in this daemon's region and
/// account), plus the ARN the core gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct GameSessionQueue {
    /// The queue as defined.
    pub spec: QueueSpec,
    /// Its ARN (`arn:aws:gamelift:<region>:<account>:gamesessionqueue/<name>`).
    pub arn: String,
}

impl GameSessionQueue {
    /// The fleet id each destination names, in order: where placement looks.
    pub fn fleet_ids(&self) -> impl Iterator<Item = &str> {
        self.spec.destinations.iter().map(|d| name_of(d))
    }

    /// The latency cap in force `age_ms` into a placement, if any policy applies.
    pub(crate) fn latency_cap(&self, age_ms: Millis) -> Option<u32> {
        let mut start: Millis = 0;
        for p in &self.spec.player_latency_policies {
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

/// A game session queue as defined: the one type the startup file, the API and the core
/// share. Create and Update take it; the startup file's `[[queues]]` entries resolve into it,
/// and an API request lays its members over the default (Create) or the queue as it stands
/// (Update). The default is CreateGameSessionQueue's: no destinations, the service's
/// `DEFAULT_TIMEOUT_S`, no policies, filter or priorities. The checks that need nothing
/// but the spec are [`QueueSpec::problems`].
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    /// The queue's unique name.
    pub name: QueueName,
    /// Fleet ids or fleet ARNs, in preference order.
    pub destinations: Vec<String>,
    /// How long a placement may wait for a free process before it is TIMED_OUT (seconds).
    pub timeout_seconds: u32,
    /// Latency caps that loosen over a placement's life, in order.
    pub player_latency_policies: Vec<PlayerLatencyPolicy>,
    /// Copied into each of its placement events (`customEventData`).
    pub custom_event_data: Option<String>,
    /// Where its placement events go: the service's SNS topic ARN (`NotificationTarget`).
    pub notification_target: Option<String>,
    /// `FilterConfiguration.AllowedLocations`: placements go only to these locations (all
    /// when empty).
    pub allowed_locations: Vec<String>,
    /// `PriorityConfiguration.PriorityOrder`: what ranks candidate destinations, first first.
    pub priority_order: Vec<PriorityType>,
    /// `PriorityConfiguration.LocationOrder`: the locations' order for the LOCATION priority.
    pub location_order: Vec<String>,
}

impl Default for QueueSpec {
    fn default() -> Self {
        Self {
            name: QueueName::default(),
            destinations: Vec::new(),
            timeout_seconds: DEFAULT_TIMEOUT_S,
            player_latency_policies: Vec::new(),
            custom_event_data: None,
            notification_target: None,
            allowed_locations: Vec::new(),
            priority_order: Vec::new(),
            location_order: Vec::new(),
        }
    }
}

/// A member of [`QueueSpec`] a [`SpecProblem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueMember {
    /// `Name`.
    Name,
    /// `TimeoutInSeconds`.
    TimeoutInSeconds,
    /// The PriorityOrder entry at this index.
    PriorityOrder(usize),
}

impl QueueMember {
    /// The member's name in the GameLift API.
    pub(crate) fn api_name(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::TimeoutInSeconds => "TimeoutInSeconds",
            Self::PriorityOrder(_) => "PriorityConfiguration.PriorityOrder",
        }
    }
}

/// What is wrong with a queue name (1..128 letters, digits and '-'), if anything.
pub(crate) fn queue_name_problem(name: &str) -> Option<String> {
    (name.is_empty()
        || name.len() > 128
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then(|| format!("'{name}' must be 1..128 letters, digits and '-'"))
}

impl QueueSpec {
    /// Every rule the spec breaks on its own, in member order: the one definition of a
    /// queue's member checks. The core refuses a spec with the first; the startup file
    /// reports each at its key.
    pub fn problems(&self) -> Vec<SpecProblem<QueueMember>> {
        let mut found = Vec::new();
        if let Some(message) = queue_name_problem(self.name.as_str()) {
            found.push(SpecProblem {
                member: QueueMember::Name,
                message,
            });
        }
        if self.timeout_seconds == 0 {
            found.push(SpecProblem {
                member: QueueMember::TimeoutInSeconds,
                message: "must be at least 1".into(),
            });
        }
        // "Each priority type is listed once" (PriorityConfiguration.PriorityOrder).
        for (i, p) in self.priority_order.iter().enumerate() {
            if self.priority_order[..i].contains(p) {
                found.push(SpecProblem {
                    member: QueueMember::PriorityOrder(i),
                    message: format!(
                        "{} is listed more than once: a priority type may not be listed twice",
                        p.as_str()
                    ),
                });
            }
        }
        found
    }
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
                .spec
                .location_order
                .iter()
                .position(|l| *l == self.location)
                .unwrap_or(queue.spec.location_order.len())
                as u64,
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
    /// The record of a checked spec: each destination as it is answered.
    fn build_queue(&self, mut s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        if let Some(p) = s.problems().into_iter().next() {
            return Err(CoreError::param(p.member.api_name(), p.message));
        }
        let arns = self.cfg.arns();
        for d in &mut s.destinations {
            if Arn::parse(d).is_err() {
                *d = arns.fleet(d).into();
            }
        }
        Ok(GameSessionQueue {
            arn: arns.game_session_queue(s.name.as_str()).into(),
            spec: s,
        })
    }

    /// CreateGameSessionQueue.
    pub fn create_queue(&mut self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        if self.mm.queues.contains_key(s.name.as_str()) {
            return Err(CoreError::NameTaken {
                what: "game session queue",
                name: s.name.to_string(),
            });
        }
        let q = self.build_queue(s)?;
        self.mm.queues.insert(q.spec.name.to_string(), q.clone());
        Ok(q)
    }

    /// UpdateGameSessionQueue: replaces the queue's settings.
    pub fn update_queue(&mut self, s: QueueSpec) -> Result<GameSessionQueue, CoreError> {
        self.queue(s.name.as_str())?;
        let q = self.build_queue(s)?;
        self.mm.queues.insert(q.spec.name.to_string(), q.clone());
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
            .find(|c| c.spec.game_session_queues.contains(&name))
        {
            return Err(CoreError::QueueInUse {
                name,
                configuration: c.spec.name.to_string(),
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

    /// The queue of this name or ARN, or [`CoreError::NotFound`].
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
        for (destination, fleet_id) in queue.fleet_ids().enumerate() {
            for p in self.free_processes(fleet_id) {
                let location = self.process_location(p);
                if !queue.spec.allowed_locations.is_empty()
                    && !queue.spec.allowed_locations.contains(&location)
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
                    fleet_id: fleet_id.to_string(),
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
                .spec
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
