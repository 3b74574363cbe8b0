//! `GET /metrics`: the daemon's figures in the Prometheus text format (OpenMetrics text, which
//! Prometheus scrapes), written with `prometheus-client`.
//!
//! The names are GameLift's CloudWatch metric names in Prometheus' snake case, prefixed
//! `gamelift_` (`TicketsStarted` → `gamelift_tickets_started_total`, `TimeToMatch` →
//! `gamelift_time_to_match_seconds`), so a user finds the metric the FlexMatch documentation
//! names:
//!
//! - per matchmaking configuration (label `configuration`): CurrentTickets, TicketsStarted,
//!   TicketsFailed, TicketsTimedOut, TicketsCancelled, MatchesCreated, MatchesAccepted,
//!   MatchesRejected, MatchAcceptancesTimedOut, MatchesPlaced, PlayersStarted, and the
//!   histograms TimeToMatch (ticket start → potential match) and TimeToTicketSuccess (ticket
//!   start → COMPLETED);
//! - per fleet (label `fleet`): ActiveServerProcesses, HealthyServerProcesses,
//!   ActiveGameSessions, CurrentPlayerSessions, PercentAvailableGameSessions;
//! - per queue (label `queue`): PlacementsStarted, PlacementsSucceeded, PlacementsFailed,
//!   PlacementsTimedOut, PlacementsCanceled, AverageWaitTime (of the placements pending now);
//! - per notification target (label `target`): `playfield_event_deliveries_total`,
//!   `playfield_event_delivery_retries_total`, `playfield_event_overflowed_total`.
//!
//! Counters are counted as the core's events happen ([`Metrics::observe`], called by the hub
//! under its lock while it carries out the effects, so no event is ever missed and the counts
//! are exact); gauges are read from the core when scraped ([`Metrics::encode`]).

use std::collections::HashMap;

use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use playfield_core::notifications::AcceptanceOutcome;
use playfield_core::GameSessionStatus;
use playfield_core::Millis;
use playfield_core::{Core, Event, ProcessStatus};
use playfield_core::{MatchmakingEvent, PlacementStatus, TicketStatus};

use crate::events::TargetStats;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConfigurationLabel {
    configuration: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FleetLabel {
    fleet: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabel {
    queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TargetLabel {
    target: String,
}

type PerConfiguration<M> = Family<ConfigurationLabel, M>;

/// Buckets of the time histograms, seconds: from a same-call match to the longest
/// RequestTimeoutSeconds (43 200 s).
const TIME_BUCKETS: [f64; 14] = [
    0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 43200.0,
];

fn time_histogram() -> Histogram {
    Histogram::new(TIME_BUCKETS)
}

/// The counters, counted from the core's events.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    tickets_started: PerConfiguration<Counter>,
    players_started: PerConfiguration<Counter>,
    tickets_failed: PerConfiguration<Counter>,
    tickets_timed_out: PerConfiguration<Counter>,
    tickets_cancelled: PerConfiguration<Counter>,
    matches_created: PerConfiguration<Counter>,
    matches_accepted: PerConfiguration<Counter>,
    matches_rejected: PerConfiguration<Counter>,
    match_acceptances_timed_out: PerConfiguration<Counter>,
    matches_placed: PerConfiguration<Counter>,
    time_to_match: Family<ConfigurationLabel, Histogram, fn() -> Histogram>,
    time_to_ticket_success: Family<ConfigurationLabel, Histogram, fn() -> Histogram>,
    placements_started: Family<QueueLabel, Counter>,
    placements_succeeded: Family<QueueLabel, Counter>,
    placements_failed: Family<QueueLabel, Counter>,
    placements_timed_out: Family<QueueLabel, Counter>,
    placements_cancelled: Family<QueueLabel, Counter>,
    /// Active tickets (seen SEARCHING, not final yet): id → (configuration, start time). It
    /// tells a ticket's first SEARCHING (TicketsStarted) from its return to the search after a
    /// failed proposal, and gives CurrentTickets.
    active: HashMap<String, (String, Millis)>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("gamelift");
        macro_rules! counter {
            ($name:literal, $help:literal) => {{
                let family = Family::default();
                registry.register($name, $help, family.clone());
                family
            }};
        }
        let tickets_started = counter!(
            "tickets_started",
            "FlexMatch TicketsStarted: new matchmaking tickets"
        );
        let players_started = counter!(
            "players_started",
            "FlexMatch PlayersStarted: players in new matchmaking tickets"
        );
        let tickets_failed = counter!(
            "tickets_failed",
            "FlexMatch TicketsFailed: tickets that ended FAILED"
        );
        let tickets_timed_out = counter!(
            "tickets_timed_out",
            "FlexMatch TicketsTimedOut: tickets that reached their request timeout"
        );
        let tickets_cancelled = counter!(
            "tickets_cancelled",
            "Tickets that ended CANCELLED (StopMatchmaking or a replacing ticket)"
        );
        let matches_created = counter!(
            "matches_created",
            "FlexMatch MatchesCreated: potential matches formed"
        );
        let matches_accepted = counter!(
            "matches_accepted",
            "FlexMatch MatchesAccepted: proposals every player accepted"
        );
        let matches_rejected = counter!(
            "matches_rejected",
            "FlexMatch MatchesRejected: proposals a player rejected"
        );
        let match_acceptances_timed_out = counter!(
            "match_acceptances_timed_out",
            "FlexMatch MatchAcceptancesTimedout: proposals whose acceptance timed out"
        );
        let matches_placed = counter!(
            "matches_placed",
            "FlexMatch MatchesPlaced: matches placed in a game session"
        );
        let time_to_match: Family<ConfigurationLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(time_histogram);
        registry.register(
            "time_to_match_seconds",
            "FlexMatch TimeToMatch: ticket start to potential match",
            time_to_match.clone(),
        );
        let time_to_ticket_success: Family<ConfigurationLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(time_histogram);
        registry.register(
            "time_to_ticket_success_seconds",
            "FlexMatch TimeToTicketSuccess: ticket start to COMPLETED",
            time_to_ticket_success.clone(),
        );
        let placements_started = counter!(
            "placements_started",
            "Queue PlacementsStarted: game session placements started"
        );
        let placements_succeeded = counter!(
            "placements_succeeded",
            "Queue PlacementsSucceeded: placements FULFILLED"
        );
        let placements_failed = counter!(
            "placements_failed",
            "Queue PlacementsFailed: placements FAILED"
        );
        let placements_timed_out = counter!(
            "placements_timed_out",
            "Queue PlacementsTimedOut: placements that reached the queue's timeout"
        );
        let placements_cancelled = counter!(
            "placements_canceled",
            "Queue PlacementsCanceled: placements stopped"
        );
        Self {
            registry,
            tickets_started,
            players_started,
            tickets_failed,
            tickets_timed_out,
            tickets_cancelled,
            matches_created,
            matches_accepted,
            matches_rejected,
            match_acceptances_timed_out,
            matches_placed,
            time_to_match,
            time_to_ticket_success,
            placements_started,
            placements_succeeded,
            placements_failed,
            placements_timed_out,
            placements_cancelled,
            active: HashMap::new(),
        }
    }

    /// Tickets being processed now (CurrentTickets over every configuration).
    pub(crate) fn current_tickets(&self) -> usize {
        self.active.len()
    }

    /// Counts one core event. `core` is the state right after the command that emitted it
    /// (the hub calls this while carrying out that command's effects).
    pub(crate) fn observe(&mut self, core: &Core, now: Millis, event: &Event) {
        let Event::Matchmaking(e) = event else {
            return;
        };
        match e {
            MatchmakingEvent::TicketStatus {
                ticket_id,
                configuration,
                status,
                ..
            } => self.ticket_status(core, now, ticket_id, configuration, *status),
            MatchmakingEvent::PotentialMatchCreated {
                configuration,
                ticket_ids,
                ..
            } => {
                let l = label(configuration);
                self.matches_created.get_or_create(&l).inc();
                let histogram = self.time_to_match.get_or_create(&l);
                for id in ticket_ids {
                    if let Some((_, start)) = self.active.get(id.as_str()) {
                        histogram.observe(seconds(now.saturating_sub(*start)));
                    }
                }
            }
            MatchmakingEvent::AcceptMatchCompleted {
                outcome,
                configuration,
                ..
            } => {
                let family = match *outcome {
                    AcceptanceOutcome::Accepted => &self.matches_accepted,
                    AcceptanceOutcome::Rejected => &self.matches_rejected,
                    AcceptanceOutcome::TimedOut => &self.match_acceptances_timed_out,
                };
                family.get_or_create(&label(configuration)).inc();
            }
            MatchmakingEvent::Placement {
                placement_id,
                status,
                ..
            } => {
                let Some(p) = core.placement(placement_id) else {
                    return;
                };
                let queue = QueueLabel {
                    queue: p.queue.clone(),
                };
                let family = match status {
                    PlacementStatus::Pending => &self.placements_started,
                    PlacementStatus::Fulfilled => {
                        if p.direct.is_none() {
                            self.matches_placed
                                .get_or_create(&label(&p.configuration))
                                .inc();
                        }
                        &self.placements_succeeded
                    }
                    PlacementStatus::Failed => &self.placements_failed,
                    PlacementStatus::TimedOut => &self.placements_timed_out,
                    PlacementStatus::Cancelled => &self.placements_cancelled,
                };
                family.get_or_create(&queue).inc();
            }
            MatchmakingEvent::AcceptMatch { .. } | MatchmakingEvent::PostProcessing(_) => {}
        }
    }

    fn ticket_status(
        &mut self,
        core: &Core,
        now: Millis,
        id: &str,
        configuration: &str,
        status: TicketStatus,
    ) {
        let l = label(configuration);
        if status == TicketStatus::Searching && !self.active.contains_key(id) {
            let (start, players) = core
                .ticket(id)
                .map_or((now, 0), |t| (t.start_time, t.players.len()));
            self.active
                .insert(id.to_string(), (configuration.to_string(), start));
            self.tickets_started.get_or_create(&l).inc();
            self.players_started
                .get_or_create(&l)
                .inc_by(players as u64);
            return;
        }
        if !status.is_final() {
            return;
        }
        let start = self.active.remove(id).map(|(_, s)| s);
        match status {
            TicketStatus::Completed => {
                if let Some(start) = start {
                    self.time_to_ticket_success
                        .get_or_create(&l)
                        .observe(seconds(now.saturating_sub(start)));
                }
            }
            TicketStatus::Failed => {
                self.tickets_failed.get_or_create(&l).inc();
            }
            TicketStatus::TimedOut => {
                self.tickets_timed_out.get_or_create(&l).inc();
            }
            TicketStatus::Cancelled => {
                self.tickets_cancelled.get_or_create(&l).inc();
            }
            _ => {}
        }
    }

    /// The text a scrape answers: the counters, then the gauges read from `core` now, then
    /// the event delivery figures of each notification target.
    pub(crate) fn encode(
        &self,
        core: &Core,
        now: Millis,
        delivery: &[(String, TargetStats)],
    ) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail; the encoder's `fmt::Error` is only its writer's.
        let _ = encode_registry(&mut out, &self.registry);
        let _ = encode_registry(&mut out, &self.gauges(core, now));
        let _ = encode_registry(&mut out, &delivery_registry(delivery));
        let _ = encode_eof(&mut out);
        out
    }

    /// The figures that are states rather than counts, read from the core.
    fn gauges(&self, core: &Core, now: Millis) -> Registry {
        let mut registry = Registry::with_prefix("gamelift");
        let current_tickets = Family::<ConfigurationLabel, Gauge>::default();
        for cfg in core.describe_configurations(&[], None).unwrap_or_default() {
            let _ = current_tickets.get_or_create(&label(cfg.spec.name.as_str()));
        }
        for (cfg, _) in self.active.values() {
            current_tickets.get_or_create(&label(cfg)).inc();
        }
        registry.register(
            "current_tickets",
            "FlexMatch CurrentTickets: tickets being processed (not final yet)",
            current_tickets,
        );

        let active_processes = Family::<FleetLabel, Gauge>::default();
        let healthy_processes = Family::<FleetLabel, Gauge>::default();
        let active_sessions = Family::<FleetLabel, Gauge>::default();
        let player_sessions = Family::<FleetLabel, Gauge>::default();
        let available = Family::<FleetLabel, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
        let mut free: HashMap<&str, (u64, u64)> = HashMap::new();
        for f in core.fleets() {
            let l = FleetLabel {
                fleet: f.id.clone(),
            };
            for family in [
                &active_processes,
                &healthy_processes,
                &active_sessions,
                &player_sessions,
            ] {
                let _ = family.get_or_create(&l);
            }
            free.entry(f.id.as_str()).or_default();
        }
        for p in core.processes() {
            if p.status != ProcessStatus::Active {
                continue;
            }
            let l = FleetLabel {
                fleet: p.fleet_id.clone(),
            };
            active_processes.get_or_create(&l).inc();
            if p.healthy {
                healthy_processes.get_or_create(&l).inc();
            }
            let slot = free.entry(p.fleet_id.as_str()).or_default();
            slot.1 += 1;
            if p.healthy && p.game_session_id.is_none() {
                slot.0 += 1;
            }
        }
        for gs in core.game_sessions() {
            if gs.status != GameSessionStatus::Active {
                continue;
            }
            let l = FleetLabel {
                fleet: gs.fleet_id.clone(),
            };
            active_sessions.get_or_create(&l).inc();
            player_sessions
                .get_or_create(&l)
                .inc_by(core.current_player_session_count(&gs.id) as i64);
        }
        for (fleet, (free, active)) in free {
            let percent = if active == 0 {
                0.0
            } else {
                100.0 * free as f64 / active as f64
            };
            available
                .get_or_create(&FleetLabel {
                    fleet: fleet.to_string(),
                })
                .set(percent);
        }
        registry.register(
            "active_server_processes",
            "Fleet ActiveServerProcesses: processes ready to host (ACTIVE)",
            active_processes,
        );
        registry.register(
            "healthy_server_processes",
            "Fleet HealthyServerProcesses: ACTIVE processes reporting healthy",
            healthy_processes,
        );
        registry.register(
            "active_game_sessions",
            "Fleet ActiveGameSessions: game sessions ACTIVE",
            active_sessions,
        );
        registry.register("current_player_sessions", "Fleet CurrentPlayerSessions: player sessions RESERVED or ACTIVE in ACTIVE game sessions", player_sessions);
        registry.register("percent_available_game_sessions", "Fleet PercentAvailableGameSessions: ACTIVE healthy processes without a game session, percent of ACTIVE processes", available);

        let wait = Family::<QueueLabel, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
        let queues = core.describe_queues(&[]);
        let mut waits: HashMap<&str, (f64, u32)> = HashMap::new();
        for q in &queues {
            waits.entry(q.spec.name.as_str()).or_default();
        }
        for p in core.placements() {
            if p.status == PlacementStatus::Pending {
                let w = waits.entry(p.queue.as_str()).or_default();
                w.0 += seconds(now.saturating_sub(p.start_time));
                w.1 += 1;
            }
        }
        for (queue, (sum, n)) in waits {
            let average = if n == 0 { 0.0 } else { sum / f64::from(n) };
            wait.get_or_create(&QueueLabel {
                queue: queue.to_string(),
            })
            .set(average);
        }
        registry.register(
            "average_wait_time_seconds",
            "Queue AverageWaitTime: how long the placements PENDING now have waited, on average",
            wait,
        );
        registry
    }
}

/// A delivery counter: name, help, and how to read it from a target's stats.
type DeliveryFigure = (&'static str, &'static str, fn(&TargetStats) -> u64);

/// The delivery figures of each notification target, as counters of their totals.
fn delivery_registry(delivery: &[(String, TargetStats)]) -> Registry {
    let mut registry = Registry::with_prefix("playfield");
    let figures: [DeliveryFigure; 3] = [
        (
            "event_deliveries",
            "Events delivered to the notification target",
            |s| s.delivered,
        ),
        (
            "event_delivery_retries",
            "Delivery attempts that failed and were tried again",
            |s| s.failed_attempts.saturating_sub(s.abandoned),
        ),
        (
            "event_overflowed",
            "Events dropped because the target's queue was full",
            |s| s.overflowed,
        ),
    ];
    for (name, help, value) in figures {
        // A registry made for this scrape: each counter starts at 0 and gets its total.
        let family = Family::<TargetLabel, Counter>::default();
        for (target, stats) in delivery {
            family
                .get_or_create(&TargetLabel {
                    target: target.clone(),
                })
                .inc_by(value(stats));
        }
        registry.register(name, help, family);
    }
    registry
}

fn label(configuration: &str) -> ConfigurationLabel {
    ConfigurationLabel {
        configuration: configuration.to_string(),
    }
}

fn seconds(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}
