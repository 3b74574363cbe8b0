//! PGOS matchmaking post-processing inside the matchmaker: a configuration with a
//! post-processing URL hands each match the rule engine forms to the title's "virtual server",
//! which answers with the battles to play and the tickets to put back.
//!
//! Source: seed `003_b88cb9fe2efe5cb2.txt`, "This is the schema of request triggered by
//! matchmaking service, which is sent to binded virtual server and contains original
//! matchmaking result" and "This is the schema of response from virtual server ...":
//! `battles` are the "Battles after modified. Since virtual server can split the original
//! battle into multiple battles, this is a 2-dimension list"; `requeued_tickets` are "Ticket
//! entities dropped by virtual server. These tickets will be reput into matchmaking queue in
//! order to continue matchmaking."
//!
//! The flow, as a state machine (no I/O here: the daemon makes the HTTP call):
//! 1. The engine forms a match (`Core::on_new_match`). With a URL the match is *held*: its
//!    tickets are out of the pool but stay SEARCHING (PGOS is still matchmaking for them, and
//!    GameLift has no other status a client could be shown); the core leaves
//!    [`Effect::PostProcess`] and arms a timer of
//!    [`POST_PROCESSING_TIMEOUT_MS`].
//! 2. [`Core::post_processing_finished`] applies the answer: each battle becomes its own match
//!    and continues the ordinary flow (acceptance if required, then placement or, STANDALONE,
//!    completion); requeued tickets return to the pool, SEARCHING, and matching runs again;
//!    tickets of the original match the answer names nowhere end FAILED (`UNEXPECTED_ERROR`,
//!    with a message saying so): the seed defines only "battles" and "requeued", and a ticket
//!    must never vanish silently.
//! 3. Any failure (transport error, non-2xx, unparseable or invalid answer, or no answer within
//!    the timeout) falls back to the original match, and the log line says why.
//!
//! Edge cases, decided like acceptance decides them (see `acceptance`): a ticket cancelled
//! while its match is held (StopMatchmaking, or a newer ticket of the same player) breaks the
//! match up: the other tickets return to the pool and the hook's answer, when it comes, is
//! ignored. A ticket's request timeout does not end it while held (the held match decides, as
//! for a proposal); when it returns to the pool its timeout counts from its start again, so an
//! expired one times out at once. An answer for a match no longer held (after a fallback or
//! break-up) is ignored with a log line.
//!
//! Files: this one holds the flow; [`exchange`] is what is sent and what comes back, in the
//! core's words (the PGOS JSON is the events face's), `request` builds the call, `answer`
//! checks the answer, [`event`] says what happened.

mod answer;
pub(crate) mod event;
pub(crate) mod exchange;
mod request;

use std::collections::HashMap;

use super::tickets::{TicketStatus, TicketStatusReason};
use super::{MatchmakingConfiguration, MatchmakingEvent};
use crate::clock::Millis;
use crate::timers::TimerKey;
#[cfg(test)]
use crate::CoreError;
use crate::{Core, Effect};
use answer::Plan;
pub use event::PostProcessingEvent;
pub use exchange::{
    AnswerError, AnswerPlayer, AnswerTicket, CallTicket, PostProcessingCall, VirtualServerAnswer,
};
use playfield_flexmatch::Match;

/// How long a held match waits for the virtual server before it falls back to the original
/// match. PGOS documents no figure; 10 s is long enough for a virtual server doing real work
/// and short against the default 120 s request timeout. The daemon's HTTP client uses the same
/// bound, so a call never outlives the wait for it.
pub const POST_PROCESSING_TIMEOUT_MS: Millis = 10_000;

/// `StatusReason` of a ticket the virtual server neither kept in a battle nor requeued. The
/// PGOS schema has no word for it; `UNEXPECTED_ERROR` is the FlexMatch reason clients already
/// handle, and the status message says what happened.
pub(crate) const DROPPED_REASON: TicketStatusReason = TicketStatusReason::UnexpectedError;

/// A match held while its virtual server decides.
#[derive(Debug, Clone)]
pub struct HeldMatch {
    /// The match's id.
    pub match_id: String,
    /// The configuration it was made in.
    pub configuration: String,
    /// The virtual server the request went to.
    pub url: String,
    /// The match as the rule engine formed it: the fallback.
    pub m: Match,
    /// What was sent: the answer is checked against it.
    pub request: PostProcessingCall,
    /// When the core stops waiting and places the match as formed (epoch ms).
    pub deadline: Millis,
}

/// Post-processing state of the matchmaker.
#[derive(Debug, Default)]
pub(crate) struct PostProcessingState {
    /// Match id → the held match.
    pub(crate) held: HashMap<String, HeldMatch>,
    /// Ticket id → how often a virtual server requeued it (the request's `requeued_count`).
    /// Entries of tickets that ended are pruned whenever a match is held.
    pub(crate) requeued: HashMap<String, u32>,
}

impl Core {
    /// Sets or clears a configuration's post-processing URL after it was created (the startup
    /// file sets it at creation, through [`super::configurations::ConfigurationSpec::post_processing_url`]).
    /// The service's UpdateMatchmakingConfiguration has no such field; only the core's tests use it.
    #[cfg(test)]
    pub(crate) fn set_post_processing_url(
        &mut self,
        configuration: &str,
        url: Option<String>,
    ) -> Result<(), CoreError> {
        if let Some(u) = &url {
            super::configurations::check_post_processing_url(u)?;
        }
        let name = self.configuration(configuration)?.spec.name.clone();
        if let Some(c) = self.mm.configurations.get_mut(name.as_str()) {
            c.spec.post_processing_url = url;
        }
        Ok(())
    }

    /// Match ids held for post-processing (for reads and tests).
    pub fn held_matches(&self) -> impl Iterator<Item = &HeldMatch> {
        self.mm.post_processing.held.values()
    }

    /// Holds a just-formed match and asks for its post-processing (step 1 of the module doc).
    pub(crate) fn start_post_processing(
        &mut self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        match_id: String,
        m: Match,
        url: String,
    ) {
        for id in &m.ticket_ids {
            self.timers.cancel(&TimerKey::TicketTimeout((**id).into()));
        }
        let tickets = &self.mm.tickets;
        self.mm
            .post_processing
            .requeued
            .retain(|id, _| tickets.get(id).is_some_and(|t| !t.status.is_final()));
        let call = self.post_processing_call(now, cfg, &match_id, &m);
        let deadline = now + POST_PROCESSING_TIMEOUT_MS;
        self.timers
            .schedule(TimerKey::PostProcessing(match_id.clone()), deadline);
        self.mm_emit(
            now,
            MatchmakingEvent::PostProcessing(PostProcessingEvent::Started {
                match_id: match_id.clone(),
                configuration: cfg.spec.name.to_string(),
                url: url.clone(),
                ticket_ids: m.ticket_ids.iter().map(|id| id.to_string()).collect(),
            }),
        );
        self.outbox.push(Effect::PostProcess {
            match_id: match_id.clone(),
            url: url.clone(),
            request: Box::new(call.clone()),
        });
        self.mm.post_processing.held.insert(
            match_id.clone(),
            HeldMatch {
                match_id,
                configuration: cfg.spec.name.to_string(),
                url,
                m,
                request: call,
                deadline,
            },
        );
    }

    /// Applies the virtual server's answer (`Ok`) or a failure of the call (`Err`, with the
    /// reason) to the held match `match_id` (step 2 and 3 of the module doc). Returns what
    /// happened, which is also emitted as an event.
    pub fn post_processing_finished(
        &mut self,
        now: Millis,
        match_id: &str,
        outcome: Result<VirtualServerAnswer, String>,
    ) -> PostProcessingEvent {
        let Some(held) = self.mm.post_processing.held.remove(match_id) else {
            let e = PostProcessingEvent::Ignored {
                match_id: match_id.to_owned(),
                outcome: match &outcome {
                    Ok(r) => format!(
                        "{} battle(s), {} requeued ticket(s)",
                        r.battles.len(),
                        r.requeued.len()
                    ),
                    Err(e) => e.clone(),
                },
            };
            self.mm_emit(now, MatchmakingEvent::PostProcessing(e.clone()));
            return e;
        };
        self.timers
            .cancel(&TimerKey::PostProcessing(match_id.to_owned()));
        let Ok(cfg) = self.configuration(&held.configuration).cloned() else {
            // Unreachable while tickets are active (deletion is refused); never strand them.
            for id in &held.m.ticket_ids {
                self.finish_ticket(
                    now,
                    id,
                    TicketStatus::Failed,
                    Some(DROPPED_REASON),
                    Some(format!(
                        "matchmaking configuration '{}' is gone",
                        held.configuration
                    )),
                );
            }
            return PostProcessingEvent::FellBack {
                match_id: held.match_id,
                configuration: held.configuration,
                url: held.url,
                error: "the configuration is gone".into(),
            };
        };
        let plan = outcome.and_then(|r| {
            self.plan(&cfg, &held, &r)
                .map_err(|e| format!("invalid answer: {e}"))
        });
        match plan {
            Ok(plan) => self.apply_plan(now, &cfg, held, plan),
            Err(error) => self.fall_back(now, &cfg, held, error),
        }
    }

    /// The held match's timer: no answer in time.
    pub(crate) fn post_processing_timed_out(&mut self, now: Millis, match_id: &str) {
        if !self.mm.post_processing.held.contains_key(match_id) {
            return;
        }
        self.post_processing_finished(
            now,
            match_id,
            Err(format!(
                "no answer within {} s",
                POST_PROCESSING_TIMEOUT_MS / 1000
            )),
        );
    }

    /// The held match a ticket is in, if any.
    pub(crate) fn held_match_of(&self, ticket_id: &str) -> Option<String> {
        let m = self.mm.tickets.get(ticket_id)?.match_id.as_ref()?;
        self.mm
            .post_processing
            .held
            .contains_key(m)
            .then(|| m.clone())
    }

    /// A ticket of a held match ended (cancelled): the match breaks up, the other tickets
    /// return to the pool.
    pub(crate) fn break_up_held_match(&mut self, now: Millis, match_id: &str, ticket_id: &str) {
        let Some(held) = self.mm.post_processing.held.remove(match_id) else {
            return;
        };
        self.timers
            .cancel(&TimerKey::PostProcessing(match_id.to_owned()));
        self.mm_emit(
            now,
            MatchmakingEvent::PostProcessing(PostProcessingEvent::BrokenUp {
                match_id: match_id.to_owned(),
                configuration: held.configuration.clone(),
                ticket_id: ticket_id.to_owned(),
            }),
        );
        for id in &held.m.ticket_ids {
            self.return_to_pool(now, id);
        }
        self.request_pass(now, &held.configuration);
    }

    fn fall_back(
        &mut self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        held: HeldMatch,
        error: String,
    ) -> PostProcessingEvent {
        let e = PostProcessingEvent::FellBack {
            match_id: held.match_id.clone(),
            configuration: held.configuration.clone(),
            url: held.url.clone(),
            error,
        };
        self.mm_emit(now, MatchmakingEvent::PostProcessing(e.clone()));
        // The tickets still carry this match id and its teams (written when it formed).
        self.continue_match(now, cfg, held.match_id, held.m);
        e
    }

    fn apply_plan(
        &mut self,
        now: Millis,
        cfg: &MatchmakingConfiguration,
        held: HeldMatch,
        plan: Plan,
    ) -> PostProcessingEvent {
        let battles: Vec<(String, Match)> = plan
            .battles
            .into_iter()
            .map(|m| (self.ids.uuid(), m))
            .collect();
        let e = PostProcessingEvent::Applied {
            match_id: held.match_id.clone(),
            configuration: held.configuration.clone(),
            url: held.url.clone(),
            battles: battles
                .iter()
                .map(|(id, m)| {
                    (
                        id.clone(),
                        m.ticket_ids.iter().map(|t| t.to_string()).collect(),
                    )
                })
                .collect(),
            requeued: plan.requeued.clone(),
            dropped: plan.dropped.clone(),
        };
        self.mm_emit(now, MatchmakingEvent::PostProcessing(e.clone()));
        for (match_id, m) in battles {
            for team in &m.teams {
                for p in &team.players {
                    if let Some(t) = self.mm.tickets.get_mut(&p.ticket_id) {
                        t.match_id = Some(match_id.clone());
                        if let Some(pl) = t.players.iter_mut().find(|x| x.id == p.player_id) {
                            pl.team = Some(team.name.to_string());
                        }
                    }
                }
            }
            self.continue_match(now, cfg, match_id, m);
        }
        for id in &plan.dropped {
            self.finish_ticket(
                now,
                id,
                TicketStatus::Failed,
                Some(DROPPED_REASON),
                Some(format!(
                    "the post-processing virtual server at {} put this ticket neither in a \
                     battle nor in requeued_tickets",
                    held.url
                )),
            );
        }
        for id in &plan.requeued {
            *self
                .mm
                .post_processing
                .requeued
                .entry(id.clone())
                .or_default() += 1;
            self.return_to_pool(now, id);
        }
        if !plan.requeued.is_empty() {
            self.request_pass(now, cfg.spec.name.as_str());
        }
        e
    }
}
