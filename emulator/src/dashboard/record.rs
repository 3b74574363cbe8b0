//! What the dashboard remembers that the core forgets or never keeps: the recent events, the
//! recent matches with their teams and rule metrics, each configuration's outcomes minute by
//! minute and time-to-match distribution, each process's connection history.
//!
//! The hub feeds [`Recorder::observe`] every core event while it carries out a command's
//! effects, so nothing is missed even with no dashboard open. Everything is bounded (rings
//! and per-minute buckets), and recording is a few small copies per event: the matcher pays
//! for it whether a dashboard is open or not, and an open dashboard adds nothing here.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use playfield_core::Event;
use playfield_core::Millis;
use playfield_core::{
    notifications::DomainEvent, notifications::EventBody, notifications::MatchmakingEventKind,
    notifications::Player, notifications::RuleEvaluationMetric,
};

/// Events kept for the timeline.
pub(crate) const EVENTS_KEPT: usize = 2000;
/// Matches kept.
pub(crate) const MATCHES_KEPT: usize = 200;
/// Minutes of outcome history kept per configuration.
pub(crate) const MINUTES_KEPT: usize = 30;
/// Connection history entries kept per process, and processes remembered.
const HISTORY_PER_PROCESS: usize = 20;
const PROCESSES_REMEMBERED: usize = 1000;

/// Upper bounds (seconds) of the time-to-match chart's buckets; the last one is open.
pub(crate) const TTM_BUCKETS: [f64; 10] = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0];

/// One line of the event timeline.
#[derive(Debug, Clone)]
pub(crate) struct EventRecord {
    pub(crate) seq: u64,
    pub(crate) time: Millis,
    /// FlexMatch `detail.type`, placement `type`, or the core event's name.
    pub(crate) kind: &'static str,
    pub(crate) configuration: Option<String>,
    /// The notification target the event is routed to, if any.
    pub(crate) target: Option<String>,
    pub(crate) ticket_ids: Vec<String>,
    pub(crate) match_id: Option<String>,
    /// The log line, for the core's own events (notifications are shown by their fields).
    pub(crate) text: Option<String>,
}

/// A match as the dashboard shows it.
#[derive(Debug, Clone)]
pub(crate) struct MatchRecord {
    pub(crate) match_id: String,
    pub(crate) configuration: String,
    pub(crate) time: Millis,
    pub(crate) ticket_ids: Vec<String>,
    /// Every player with team and attributes, as PotentialMatchCreated carried them.
    pub(crate) players: Vec<Player>,
    pub(crate) rule_metrics: Vec<RuleEvaluationMetric>,
    pub(crate) time_to_match_ms: Millis,
    pub(crate) acceptance_required: bool,
    /// A backfill ticket's match: players join a running game session.
    pub(crate) backfill: bool,
    /// PROPOSED, then ACCEPTED / REJECTED / TIMED_OUT, PLACED, or the tickets' end.
    pub(crate) status: &'static str,
    pub(crate) game_session_arn: Option<String>,
}

/// Ticket outcomes of one configuration in one minute.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub(crate) struct Minute {
    /// Epoch minute.
    pub(crate) minute: u64,
    pub(crate) started: u32,
    pub(crate) matched: u32,
    pub(crate) completed: u32,
    pub(crate) cancelled: u32,
    pub(crate) timed_out: u32,
    pub(crate) failed: u32,
}

/// Per-configuration figures for the overview and charts.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfigurationFigures {
    pub(crate) minutes: VecDeque<Minute>,
    /// Time-to-match counts per [`TTM_BUCKETS`] bucket, plus the open last one.
    pub(crate) ttm: [u64; TTM_BUCKETS.len() + 1],
    pub(crate) tickets_started: u64,
    pub(crate) matches: u64,
}

#[derive(Debug)]
pub(crate) struct Recorder {
    /// Bumped on every event: the SSE streams compare it to what they last sent.
    changes: Arc<AtomicU64>,
    next_seq: u64,
    pub(crate) events: VecDeque<EventRecord>,
    pub(crate) matches: VecDeque<MatchRecord>,
    pub(crate) figures: BTreeMap<String, ConfigurationFigures>,
    /// pid → (time, what), oldest first.
    pub(crate) connections: HashMap<String, VecDeque<(Millis, String)>>,
    /// Order in which pids got a history, to forget the oldest.
    pids: VecDeque<String>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            changes: Arc::new(AtomicU64::new(0)),
            next_seq: 1,
            events: VecDeque::new(),
            matches: VecDeque::new(),
            figures: BTreeMap::new(),
            connections: HashMap::new(),
            pids: VecDeque::new(),
        }
    }
}

impl Recorder {
    /// The change counter the SSE streams watch (no lock needed to read it).
    pub(crate) fn changes(&self) -> Arc<AtomicU64> {
        self.changes.clone()
    }

    /// Records one core event, which happened at `now`.
    pub(crate) fn observe(&mut self, now: Millis, event: &Event) {
        self.changes.fetch_add(1, Ordering::Relaxed);
        match event {
            Event::Notification(n) => self.notification(n),
            // Their notifications say the same in GameLift's words.
            Event::Matchmaking(_) => {}
            Event::ProcessConnected { pid, reconnect, .. } => {
                let what = if *reconnect {
                    "reconnected"
                } else {
                    "connected"
                };
                self.history(pid, now, what.to_string());
                self.core_event(now, "ProcessConnected", event);
            }
            Event::ProcessDisconnected { pid, .. } => {
                self.history(pid, now, "disconnected".into());
                self.core_event(now, "ProcessDisconnected", event);
            }
            Event::ProcessReady { pid, .. } => {
                self.history(pid, now, "ready".into());
                self.core_event(now, "ProcessReady", event);
            }
            Event::ProcessHealthChanged { pid, healthy } => {
                let what = if *healthy { "healthy" } else { "unhealthy" };
                self.history(pid, now, what.into());
                self.core_event(now, "ProcessHealthChanged", event);
            }
            Event::ProcessGone { pid, reason } => {
                self.history(pid, now, format!("gone: {reason}"));
                self.core_event(now, "ProcessGone", event);
            }
            Event::ProcessTerminationRequested { pid, .. } => {
                self.history(pid, now, "asked to terminate".into());
                self.core_event(now, "ProcessTerminationRequested", event);
            }
            Event::GameSessionCreated { .. } => self.core_event(now, "GameSessionCreated", event),
            Event::GameSessionActivated { .. } => {
                self.core_event(now, "GameSessionActivated", event)
            }
            Event::GameSessionEnded { .. } => self.core_event(now, "GameSessionEnded", event),
            Event::GameSessionTerminating { .. } => {
                self.core_event(now, "GameSessionTerminating", event)
            }
            Event::PlayerSessionAccepted { .. } => {
                self.core_event(now, "PlayerSessionAccepted", event)
            }
            Event::PlayerSessionEnded { .. } => self.core_event(now, "PlayerSessionEnded", event),
            // Heartbeat-level noise (updates, reservations) stays in the log.
            _ => {}
        }
    }

    fn history(&mut self, pid: &str, now: Millis, what: String) {
        if !self.connections.contains_key(pid) {
            if self.pids.len() == PROCESSES_REMEMBERED {
                if let Some(old) = self.pids.pop_front() {
                    self.connections.remove(&old);
                }
            }
            self.pids.push_back(pid.to_string());
        }
        let h = self.connections.entry(pid.to_string()).or_default();
        if h.len() == HISTORY_PER_PROCESS {
            h.pop_front();
        }
        h.push_back((now, what));
    }

    fn push_event(&mut self, record: EventRecord) {
        if self.events.len() == EVENTS_KEPT {
            self.events.pop_front();
        }
        self.events.push_back(record);
    }

    fn core_event(&mut self, now: Millis, kind: &'static str, event: &Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.push_event(EventRecord {
            seq,
            time: now,
            kind,
            configuration: None,
            target: None,
            ticket_ids: Vec::new(),
            match_id: None,
            text: Some(event.to_string()),
        });
    }

    fn notification(&mut self, n: &DomainEvent) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let time = u64::try_from(n.time.0).unwrap_or(0);
        let (configuration, target, ticket_ids, match_id) = match &n.body {
            EventBody::Matchmaking(m) => (
                Some(m.configuration.name.clone()),
                m.configuration.notification_target.clone(),
                m.tickets.iter().map(|t| t.ticket_id.to_string()).collect(),
                m.kind.match_id().map(str::to_string),
            ),
            EventBody::Placement(p) => {
                (None, p.queue.notification_target.clone(), Vec::new(), None)
            }
        };
        if let EventBody::Matchmaking(m) = &n.body {
            self.count(n, m);
        }
        self.push_event(EventRecord {
            seq,
            time,
            kind: n.name(),
            configuration,
            target,
            ticket_ids,
            match_id,
            text: None,
        });
    }

    /// Counts a ticket event into its configuration's figures and keeps matches.
    fn count(&mut self, n: &DomainEvent, m: &playfield_core::notifications::MatchmakingEvent) {
        let time = u64::try_from(n.time.0).unwrap_or(0);
        let cfg = &m.configuration.name;
        let figures = match self.figures.get_mut(cfg) {
            Some(f) => f,
            None => self.figures.entry(cfg.clone()).or_default(),
        };
        let minute = time / 60_000;
        if figures.minutes.back().is_none_or(|b| b.minute != minute) {
            if figures.minutes.len() == MINUTES_KEPT {
                figures.minutes.pop_front();
            }
            figures.minutes.push_back(Minute {
                minute,
                ..Minute::default()
            });
        }
        let bucket = figures.minutes.back_mut().expect("pushed above");
        let count = u32::try_from(m.tickets.len()).unwrap_or(u32::MAX);
        match &m.kind {
            MatchmakingEventKind::Searching { .. } => {
                // A new ticket enters the search in the call that made it; one back after a
                // failed proposal does so later. (A chart figure: the exact count is the
                // metrics' TicketsStarted.)
                let fresh = m.tickets.iter().all(|t| t.start_time.0 == n.time.0);
                if fresh {
                    bucket.started += count;
                    figures.tickets_started += u64::from(count);
                }
            }
            MatchmakingEventKind::PotentialMatchCreated {
                match_id,
                acceptance_required,
                rule_evaluation_metrics,
                ..
            } => {
                bucket.matched += count;
                figures.matches += 1;
                let start = m
                    .tickets
                    .iter()
                    .map(|t| u64::try_from(t.start_time.0).unwrap_or(0))
                    .min()
                    .unwrap_or(time);
                let ttm = time.saturating_sub(start);
                let secs = ttm as f64 / 1000.0;
                let i = TTM_BUCKETS
                    .iter()
                    .position(|b| secs <= *b)
                    .unwrap_or(TTM_BUCKETS.len());
                figures.ttm[i] += 1;
                if self.matches.len() == MATCHES_KEPT {
                    self.matches.pop_front();
                }
                self.matches.push_back(MatchRecord {
                    match_id: match_id.clone(),
                    configuration: cfg.clone(),
                    time,
                    ticket_ids: m.tickets.iter().map(|t| t.ticket_id.to_string()).collect(),
                    players: m.game_session.players.clone(),
                    rule_metrics: rule_evaluation_metrics.clone(),
                    time_to_match_ms: ttm,
                    acceptance_required: *acceptance_required,
                    backfill: m.tickets.iter().any(|t| {
                        matches!(
                            t.kind,
                            playfield_core::notifications::TicketKind::Backfill { .. }
                        )
                    }),
                    status: "PROPOSED",
                    game_session_arn: None,
                });
            }
            MatchmakingEventKind::AcceptMatchCompleted {
                match_id,
                acceptance,
            } => {
                let status = match acceptance.as_str() {
                    "Accepted" => "ACCEPTED",
                    "Rejected" => "REJECTED",
                    _ => "TIMED_OUT",
                };
                self.set_match(match_id, status, None);
            }
            MatchmakingEventKind::Succeeded { match_id } => {
                bucket.completed += count;
                let arn = m.game_session.game_session_arn.clone();
                let players = m.game_session.players.clone();
                if let Some(r) = self
                    .matches
                    .iter_mut()
                    .rev()
                    .find(|r| r.match_id == *match_id)
                {
                    r.status = "PLACED";
                    r.game_session_arn = arn;
                    // Now with player session ids.
                    if !players.is_empty() {
                        for p in &mut r.players {
                            if let Some(q) = players.iter().find(|q| q.player_id == p.player_id) {
                                p.player_session_id = q.player_session_id.clone();
                            }
                        }
                    }
                }
            }
            MatchmakingEventKind::TimedOut { match_id, .. } => {
                bucket.timed_out += count;
                if let Some(id) = match_id {
                    self.set_match(id, "TIMED_OUT", None);
                }
            }
            MatchmakingEventKind::Cancelled { match_id, .. } => {
                bucket.cancelled += count;
                if let Some(id) = match_id {
                    self.set_match(id, "CANCELLED", None);
                }
            }
            MatchmakingEventKind::Failed { match_id, .. } => {
                bucket.failed += count;
                if let Some(id) = match_id {
                    self.set_match(id, "FAILED", None);
                }
            }
            MatchmakingEventKind::AcceptMatch { .. } => {}
        }
    }

    fn set_match(&mut self, match_id: &str, status: &'static str, arn: Option<String>) {
        if let Some(r) = self
            .matches
            .iter_mut()
            .rev()
            .find(|r| r.match_id == match_id)
        {
            r.status = status;
            if arn.is_some() {
                r.game_session_arn = arn;
            }
        }
    }
}
