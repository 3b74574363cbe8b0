//! The notification projection: from the matchmaker's thin events (ids only, for the log) to
//! the rich [`DomainEvent`](crate::notifications::DomainEvent)s the events face renders (FlexMatch, SNS, GPM, PGOS).
//!
//! Why a projection instead of building rich events in the flow: the flow modules (tickets,
//! acceptance, placement, backfill) stay about the flow, and every notification is made in
//! one place, from the state *as it is at that moment* (teams written, answers recorded,
//! player sessions reserved). `Core::project_notifications` runs inside `mm_emit`, before
//! the thin event leaves, so each notification sits next to the log line it details. The
//! few moments without a thin event of their own (a STANDALONE match succeeding, a STANDALONE
//! backfill too, a backfill filled) are one call each from the flow:
//! `Core::notify_standalone_succeeded` and `Core::notify_backfill_filled`.
//!
//! What is filled per event follows the table in [`crate::notifications`]. Event ids
//! come from the core's seeded `event_ids`, times from the command's `now`.
//!
//! Choices where the seeds leave room:
//! - One `MatchmakingSucceeded` per match (all its tickets), as the seed examples show; one
//!   `MatchmakingFailed`/`TimedOut`/`Cancelled` per ticket.
//! - `AcceptMatch` is one event per answering player, with every answer known so far.
//! - A backfill fill sends `PotentialMatchCreated` (no acceptance) then `MatchmakingSucceeded`.
//! - A CANCELLED placement (StopGameSessionPlacement) has no placement event type; none is sent.

use std::collections::BTreeMap;

use super::placement::{Placement, PlacementStatus};
use super::tickets::{MatchmakingTicket, TicketKind, TicketStatus, TicketStatusReason};
use super::{MatchmakingConfiguration, MatchmakingEvent};
use crate::clock::Millis;
use crate::notifications as n;
use crate::{Core, Event};
use playfield_flexmatch::{self as flexmatch, RuleMetric};

/// A `Millis` as the model's epoch milliseconds.
fn at(ms: Millis) -> n::EpochMillis {
    n::EpochMillis(i64::try_from(ms).unwrap_or(i64::MAX))
}

fn metrics(m: &[RuleMetric]) -> Vec<n::RuleEvaluationMetric> {
    m.iter()
        .map(|r| n::RuleEvaluationMetric {
            rule_name: r.rule_name.to_string(),
            passed_count: r.passed_count,
            failed_count: r.failed_count,
        })
        .collect()
}

/// A ticket's player as the events show it (team as the ticket has it now).
fn player(p: &flexmatch::Player) -> n::Player {
    n::Player {
        player_id: p.id.clone(),
        team: p.team.clone(),
        player_session_id: None,
        accepted: None,
        attributes: p.attributes.clone(),
        latency_in_ms: p.latency_ms.clone(),
    }
}

/// A ticket as the events (and the PGOS post-processing request) show it.
pub(super) fn ticket(t: &MatchmakingTicket) -> n::Ticket {
    n::Ticket {
        ticket_id: t.id.clone(),
        start_time: at(t.start_time),
        players: t.players.iter().map(player).collect(),
        kind: match &t.kind {
            TicketKind::Matchmaking => n::TicketKind::Matchmaking,
            TicketKind::Backfill {
                game_session_arn, ..
            } => n::TicketKind::Backfill {
                game_session_arn: game_session_arn.clone().unwrap_or_default().into(),
            },
        },
    }
}

/// The configuration as every event names it.
pub(super) fn configuration_ref(cfg: &MatchmakingConfiguration) -> n::ConfigurationRef {
    n::ConfigurationRef {
        name: cfg.spec.name.to_string(),
        arn: cfg.arn.clone(),
        custom_event_data: cfg.spec.custom_event_data.clone(),
        flex_match_mode: cfg.spec.flex_match_mode,
        rule_set_name: cfg.spec.rule_set.clone(),
        game_properties: properties(&cfg.spec.game_properties),
        notification_target: cfg.spec.notification_target.clone(),
    }
}

fn properties(p: &BTreeMap<String, String>) -> Vec<n::GameProperty> {
    p.iter()
        .map(|(k, v)| n::GameProperty {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

impl Core {
    /// Emits the notifications `e` stands for (none for steps without a FlexMatch event,
    /// e.g. a ticket going PLACING).
    pub(crate) fn project_notifications(&mut self, now: Millis, e: &MatchmakingEvent) {
        use n::MatchmakingEventKind as K;
        match e {
            MatchmakingEvent::TicketStatus {
                ticket_id,
                status,
                reason,
                message,
                ..
            } => self.notify_ticket_status(now, ticket_id, *status, *reason, message),
            MatchmakingEvent::PotentialMatchCreated {
                match_id,
                configuration,
                ticket_ids,
                acceptance_required,
                rule_metrics,
            } => {
                let timeout = self
                    .mm
                    .configurations
                    .get(configuration)
                    .and_then(|c| c.spec.acceptance_timeout_seconds)
                    .unwrap_or(0);
                let tickets = self.tickets_of(ticket_ids);
                let kind = K::PotentialMatchCreated {
                    match_id: match_id.clone(),
                    acceptance_required: *acceptance_required,
                    acceptance_timeout_seconds: timeout,
                    rule_evaluation_metrics: metrics(rule_metrics),
                };
                self.notify_tickets(now, configuration, tickets, None, kind);
            }
            MatchmakingEvent::AcceptMatch { match_id, .. } => {
                let Some(p) = self.mm.proposals.get(match_id) else {
                    return;
                };
                let (cfg, ids) = (p.configuration.clone(), p.m.ticket_ids.clone());
                let mut tickets = self.tickets_of(&ids);
                // The answer being told is already recorded (see `accept_match`).
                self.mark_answers(&mut tickets);
                let kind = K::AcceptMatch {
                    match_id: match_id.clone(),
                };
                self.notify_tickets(now, &cfg, tickets, None, kind);
            }
            MatchmakingEvent::AcceptMatchCompleted {
                match_id,
                outcome,
                configuration,
                ticket_ids,
            } => {
                let mut tickets = self.tickets_of(ticket_ids);
                self.mark_answers(&mut tickets);
                let acceptance = *outcome;
                let kind = K::AcceptMatchCompleted {
                    match_id: match_id.clone(),
                    acceptance,
                };
                self.notify_tickets(now, configuration, tickets, None, kind);
            }
            MatchmakingEvent::Placement {
                placement_id,
                status,
                game_session_id,
            } => {
                let Some(p) = self.mm.placements.get(placement_id).cloned() else {
                    return;
                };
                if *status == PlacementStatus::Fulfilled && p.direct.is_none() {
                    self.notify_match_placed(now, &p, game_session_id.as_deref());
                }
                self.notify_placement(now, &p, *status, game_session_id.as_deref());
            }
            // A match held for the PGOS virtual server has no FlexMatch event of its own: its
            // tickets stay SEARCHING, and what comes of the answer (a battle proposed, a ticket
            // requeued or failed) is announced by the steps above.
            MatchmakingEvent::PostProcessing(_) => {}
        }
    }

    /// A ticket's new status as its FlexMatch event (Searching, TimedOut, Cancelled, Failed);
    /// the other statuses have none of their own.
    fn notify_ticket_status(
        &mut self,
        now: Millis,
        ticket_id: &str,
        status: TicketStatus,
        reason: Option<TicketStatusReason>,
        message: &Option<String>,
    ) {
        use n::MatchmakingEventKind as K;
        let Some(t) = self.mm.tickets.get(ticket_id) else {
            return;
        };
        let match_id = t.match_id.clone();
        // The ticket's own counts over its whole search (see `evaluations`).
        let rule_metrics = || self.ticket_rule_metrics(t);
        let message = message.clone().unwrap_or_default();
        let kind = match status {
            TicketStatus::Searching => K::Searching {
                estimated_wait_millis: self.estimated_wait_ms(&t.configuration_name),
            },
            TicketStatus::TimedOut => K::TimedOut {
                match_id,
                message,
                rule_evaluation_metrics: rule_metrics(),
            },
            TicketStatus::Cancelled => K::Cancelled {
                match_id,
                message,
                rule_evaluation_metrics: rule_metrics(),
            },
            // Seed 001 line 87 lists ruleEvaluationMetrics among MatchmakingFailed's
            // details (its example, line 89, a failure while placing, shows none):
            // the ticket was judged like any other, so its counts are told.
            TicketStatus::Failed => K::Failed {
                match_id,
                reason: reason
                    .unwrap_or(TicketStatusReason::UnexpectedError)
                    .as_str()
                    .into(),
                message,
                rule_evaluation_metrics: Some(rule_metrics()),
            },
            // Success is told once per match (placement, standalone or backfill);
            // the other steps have no FlexMatch event of their own.
            _ => return,
        };
        let tickets = vec![ticket(t)];
        let cfg = t.configuration_name.clone();
        self.notify_tickets(now, &cfg, tickets, None, kind);
    }

    /// A STANDALONE match was agreed: MatchmakingSucceeded without a game session.
    pub(crate) fn notify_standalone_succeeded(
        &mut self,
        now: Millis,
        configuration: &str,
        match_id: &str,
        ticket_ids: &[std::sync::Arc<str>],
    ) {
        let tickets = self.tickets_of(ticket_ids);
        let kind = n::MatchmakingEventKind::Succeeded {
            match_id: match_id.into(),
        };
        self.notify_tickets(now, configuration, tickets, None, kind);
    }

    /// A backfill ticket found players and they got player sessions in `gs` (its
    /// PotentialMatchCreated was told when the match formed): MatchmakingSucceeded for the
    /// backfill ticket and the newcomers' tickets, with the whole game as
    /// `gameSessionInfo.players`.
    pub(crate) fn notify_backfill_filled(
        &mut self,
        now: Millis,
        configuration: &str,
        gs: &str,
        m: &flexmatch::Match,
    ) {
        let Some(sm) = self.mm.sessions.get(gs) else {
            return;
        };
        let match_id = sm.match_id.clone();
        let mut ids: Vec<std::sync::Arc<str>> = m.backfill_ticket_id.iter().cloned().collect();
        ids.extend(m.ticket_ids.iter().cloned());
        let tickets = self.with_sessions(self.tickets_with_teams(&ids, gs), gs);
        let info = self.session_info(gs, &tickets);
        let kind = n::MatchmakingEventKind::Succeeded { match_id };
        self.notify_tickets(now, configuration, tickets, info, kind);
    }

    /// A WITH_QUEUE match's game session is active and its players have sessions.
    fn notify_match_placed(&mut self, now: Millis, p: &Placement, gs: Option<&str>) {
        let Some(gs) = gs else { return };
        let tickets = self.with_sessions(self.tickets_of(&p.m.ticket_ids), gs);
        let info = self.session_info(gs, &tickets);
        let kind = n::MatchmakingEventKind::Succeeded {
            match_id: p.match_id.clone(),
        };
        self.notify_tickets(now, &p.configuration, tickets, info, kind);
    }

    /// A placement ended (queue placement event).
    fn notify_placement(
        &mut self,
        now: Millis,
        p: &Placement,
        status: PlacementStatus,
        gs: Option<&str>,
    ) {
        let outcome = match status {
            PlacementStatus::Fulfilled => n::PlacementOutcome::Fulfilled,
            PlacementStatus::Failed => n::PlacementOutcome::Failed,
            PlacementStatus::TimedOut => n::PlacementOutcome::TimedOut,
            PlacementStatus::Pending | PlacementStatus::Cancelled => return,
        };
        let queue_ref = self.placement_queue_ref(p);
        let timeout_seconds = self
            .mm
            .queues
            .get(&p.queue)
            .map_or(0, |q| q.spec.timeout_seconds);
        let (game_properties, source) = match &p.direct {
            Some(d) => (properties(&d.game_properties), n::PlacementSource::Direct),
            None => (
                self.mm
                    .configurations
                    .get(&p.configuration)
                    .map(|c| properties(&c.spec.game_properties))
                    .unwrap_or_default(),
                n::PlacementSource::Matchmaking {
                    configuration_name: p.configuration.clone(),
                },
            ),
        };
        let gs_id = gs.or(p.game_session_id.as_deref());
        let game_session = gs_id.and_then(|id| self.placed_game_session(id));
        let player_sessions = match (outcome, gs_id) {
            (n::PlacementOutcome::Fulfilled, Some(id)) => self.placed_player_sessions(id),
            _ => Vec::new(),
        };
        let event = n::PlacementEvent {
            placement_id: p.id.clone(),
            queue: queue_ref,
            outcome,
            start_time: at(p.start_time),
            end_time: at(p.end_time.unwrap_or(now)),
            timeout_seconds,
            maximum_player_session_count: p.maximum_player_session_count,
            game_properties,
            source,
            game_session,
            player_sessions,
        };
        self.push_notification(now, n::EventBody::Placement(event));
    }

    /// The queue a placement went through, as it is now; as it was when the placement began
    /// if it was deleted since (a PlacementFailed for a deleted queue is routed and
    /// enveloped like any other).
    fn placement_queue_ref(&self, p: &Placement) -> n::QueueRef {
        let cfg_target = || {
            self.mm
                .configurations
                .get(&p.configuration)
                .and_then(|c| c.spec.notification_target.clone())
        };
        let (arn, queue_target) = match self.mm.queues.get(&p.queue) {
            Some(q) => (q.arn.clone(), q.spec.notification_target.clone()),
            None => (p.queue_arn.clone(), p.queue_notification_target.clone()),
        };
        n::QueueRef {
            name: p.queue.clone(),
            arn,
            notification_target: queue_target
                .or_else(|| p.direct.is_none().then(cfg_target).flatten()),
        }
    }

    /// The game session a placement made, as its notification shows it.
    fn placed_game_session(&self, id: &str) -> Option<n::PlacedGameSession> {
        let g = self.game_sessions.get(id)?;
        Some(n::PlacedGameSession {
            game_session_arn: g.id.clone(),
            fleet_id: g.fleet_id.clone(),
            region: g
                .location
                .clone()
                .unwrap_or_else(|| self.cfg.region.clone()),
            ip_address: g.ip_address.clone(),
            dns_name: (!g.dns_name.is_empty()).then(|| g.dns_name.clone()),
            port: g.port.unwrap_or(0),
            status: g.status.as_str().to_string(),
            status_reason: g.status_reason.map(|r| r.as_str().to_string()),
            creation_time: at(g.creation_time),
            termination_time: g.termination_time.map(at),
        })
    }

    /// The player sessions of a fulfilled placement's game session.
    fn placed_player_sessions(&self, id: &str) -> Vec<n::PlacedPlayerSession> {
        self.player_sessions
            .of_game_session(id)
            .map(|s| n::PlacedPlayerSession {
                player_id: s.player_id.clone(),
                player_session_id: s.id.clone(),
                status: s.status.as_str().to_string(),
                creation_time: at(s.creation_time),
            })
            .collect()
    }

    // ---- helpers ---------------------------------------------------------------------

    fn tickets_of<S: AsRef<str>>(&self, ids: &[S]) -> Vec<n::Ticket> {
        ids.iter()
            .filter_map(|id| self.mm.tickets.get(id.as_ref()))
            .map(ticket)
            .collect()
    }

    /// Tickets of a backfill fill: every player with the team the match gave them (the
    /// session's teams, just updated).
    fn tickets_with_teams(&self, ids: &[std::sync::Arc<str>], gs: &str) -> Vec<n::Ticket> {
        let team_of: BTreeMap<&str, &str> = self
            .mm
            .sessions
            .get(gs)
            .map(|sm| {
                sm.teams
                    .iter()
                    .flat_map(|(t, ps)| ps.iter().map(move |p| (p.id.as_str(), t.as_str())))
                    .collect()
            })
            .unwrap_or_default();
        let mut tickets = self.tickets_of(ids);
        for p in tickets.iter_mut().flat_map(|t| t.players.iter_mut()) {
            if let Some(team) = team_of.get(p.player_id.as_str()) {
                p.team = Some((*team).to_string());
            }
        }
        tickets
    }

    /// Sets every answer recorded so far, rejections (`false`) included (seed 001 line 39:
    /// `"accepted": false` on the player who rejected; absent for one who has not answered).
    fn mark_answers(&self, tickets: &mut [n::Ticket]) {
        for t in tickets.iter_mut() {
            let Some(answers) = self.mm.tickets.get(&t.ticket_id).map(|x| &x.answers) else {
                continue;
            };
            for p in &mut t.players {
                p.accepted = answers.get(&p.player_id).copied();
            }
        }
    }

    /// The tickets with each player's session in `gs`.
    fn with_sessions(&self, mut tickets: Vec<n::Ticket>, gs: &str) -> Vec<n::Ticket> {
        self.set_sessions(tickets.iter_mut().flat_map(|t| t.players.iter_mut()), gs);
        tickets
    }

    /// Fills each player's live player session id in `gs`.
    fn set_sessions<'a>(&self, players: impl Iterator<Item = &'a mut n::Player>, gs: &str) {
        let by_player: BTreeMap<&str, &str> = self
            .player_sessions
            .of_game_session(gs)
            .filter(|s| s.status.is_live())
            .map(|s| (s.player_id.as_str(), s.id.as_str()))
            .collect();
        for p in players {
            p.player_session_id = by_player.get(p.player_id.as_str()).map(|s| s.to_string());
        }
    }

    /// `gameSessionInfo` of a placed game session.
    fn session_info(&self, gs: &str, tickets: &[n::Ticket]) -> Option<n::GameSessionInfo> {
        let g = self.game_sessions.get(gs)?;
        let mut players: Vec<n::Player> = tickets
            .iter()
            .flat_map(|t| t.players.iter().cloned())
            .collect();
        // A backfill's gameSessionInfo shows the whole game: add the players already in it
        // that no ticket of this event carries.
        if let Some(sm) = self.mm.sessions.get(gs) {
            for p in sm.teams.iter().flat_map(|(_, ps)| ps.iter()) {
                if !players.iter().any(|x| x.player_id == p.id) {
                    players.push(player(p));
                }
            }
            self.set_sessions(players.iter_mut(), gs);
        }
        Some(n::GameSessionInfo {
            game_session_arn: Some(g.id.to_string()),
            ip_address: Some(g.ip_address.clone()),
            port: g.port,
            players,
        })
    }

    /// Builds and emits one ticket event; `info` defaults to the tickets' players.
    fn notify_tickets(
        &mut self,
        now: Millis,
        configuration: &str,
        tickets: Vec<n::Ticket>,
        info: Option<n::GameSessionInfo>,
        kind: n::MatchmakingEventKind,
    ) {
        let Some(cfg) = self.mm.configurations.get(configuration) else {
            return;
        };
        let configuration = configuration_ref(cfg);
        let mut game_session = info.unwrap_or_default();
        if game_session.players.is_empty() {
            game_session.players = tickets
                .iter()
                .flat_map(|t| t.players.iter().cloned())
                .collect();
        }
        if game_session.game_session_arn.is_none() {
            // A backfill ticket names its game session from the start.
            game_session.game_session_arn = tickets.iter().find_map(|t| match &t.kind {
                n::TicketKind::Backfill { game_session_arn } if !game_session_arn.is_empty() => {
                    Some(game_session_arn.to_string())
                }
                _ => None,
            });
        }
        let body = n::EventBody::Matchmaking(n::MatchmakingEvent {
            configuration,
            tickets,
            game_session,
            kind,
        });
        self.push_notification(now, body);
    }

    fn push_notification(&mut self, now: Millis, body: n::EventBody) {
        let event = n::DomainEvent {
            id: self.event_ids.uuid_value(),
            time: at(now),
            body,
        };
        self.emit(Event::Notification(Box::new(event)));
    }
}
