//! What the matchmaker and a post-processing virtual server exchange, in the core's own words:
//! the call for a held match ([`PostProcessingCall`]) and the virtual server's answer
//! ([`VirtualServerAnswer`]).
//!
//! Source: seed `003_b88cb9fe2efe5cb2.txt`, "This is the schema of request triggered by
//! matchmaking service, which is sent to binded virtual server and contains original
//! matchmaking result" and "This is the schema of response from virtual server". The PGOS JSON
//! of both (`PostProcessingRequest`, `PostProcessingResponse`) belongs to the events face
//! (`events::pgos::post_processing`), which converts at its edge: the core never reads or
//! writes that JSON, so it does not depend on the face.

use std::collections::HashSet;

use super::super::tickets::TicketStatus;
use crate::notifications::{ConfigurationRef, EpochMillis, Player, Ticket, TicketKind};

/// The call for a held match: the original battle as the rule engine formed it.
///
/// The configuration's game properties (`configuration.game_properties`) are the request's
/// `battle_properties`; they are not copied a second time.
#[derive(Debug, Clone, PartialEq)]
pub struct PostProcessingCall {
    /// The held match's id.
    pub match_id: String,
    /// The configuration that formed the match, as every event names it.
    pub configuration: ConfigurationRef,
    /// The match's tickets, in the match's order.
    pub tickets: Vec<CallTicket>,
    /// When the call was made, from the core's clock.
    pub trigger_time: EpochMillis,
}

/// A ticket of the held match.
#[derive(Debug, Clone, PartialEq)]
pub struct CallTicket {
    /// Ticket id.
    pub id: String,
    /// Its players, each on the team the rule engine gave them, with attributes and latencies.
    pub players: Vec<Player>,
    /// A matchmaking ticket, or a backfill ticket (whose players are already in the game).
    pub kind: TicketKind,
    /// The status the ticket takes if the match stands: `RequiresAcceptance` when the
    /// configuration asks for acceptance, else `Placing`.
    pub status: TicketStatus,
    /// When the ticket started.
    pub start_time: EpochMillis,
    /// How often a virtual server already put this ticket back into matchmaking.
    pub requeued_count: u32,
}

impl PostProcessingCall {
    /// The call for match `match_id` of `configuration`, made of `tickets` as the events show
    /// them (players with their teams). `requeued_count` tells how often each ticket was
    /// already sent back (the matchmaker keeps that count).
    pub fn new(
        match_id: &str,
        configuration: ConfigurationRef,
        tickets: Vec<Ticket>,
        acceptance_required: bool,
        trigger_time: EpochMillis,
        requeued_count: impl Fn(&str) -> u32,
    ) -> Self {
        let status = if acceptance_required {
            TicketStatus::RequiresAcceptance
        } else {
            TicketStatus::Placing
        };
        PostProcessingCall {
            match_id: match_id.to_owned(),
            configuration,
            tickets: tickets
                .into_iter()
                .map(|t| CallTicket {
                    requeued_count: requeued_count(&t.ticket_id),
                    id: t.ticket_id.into(),
                    players: t.players,
                    kind: t.kind,
                    status,
                    start_time: t.start_time,
                })
                .collect(),
            trigger_time,
        }
    }

    /// The ids of the tickets sent.
    pub fn ticket_ids(&self) -> impl Iterator<Item = &str> {
        self.tickets.iter().map(|t| t.id.as_str())
    }
}

/// The virtual server's answer: "Battles after modified. Since virtual server can split the
/// original battle into multiple battles, this is a 2-dimension list", and the tickets "dropped
/// by virtual server", which "will be reput into matchmaking queue" (seed 003).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VirtualServerAnswer {
    /// The battles to create, each a list of tickets.
    pub battles: Vec<Vec<AnswerTicket>>,
    /// Ids of the tickets to put back into matchmaking.
    pub requeued: Vec<String>,
}

/// A ticket of a battle in the answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerTicket {
    /// Ticket id.
    pub id: String,
    /// Players the virtual server assigns to a team; a player not listed keeps its team.
    pub players: Vec<AnswerPlayer>,
}

/// A player of an answered ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerPlayer {
    /// Player id.
    pub player_id: String,
    /// The team the virtual server puts the player on; `None` keeps the team the rule engine
    /// gave.
    pub team: Option<String>,
}

/// Why an answer cannot be applied to the call it answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// A ticket the original battle did not contain.
    #[error("post-processing response names ticket {0:?}, which was not in the original battle")]
    UnknownTicket(String),
    /// The same ticket in two places.
    #[error("post-processing response places ticket {0:?} more than once")]
    DuplicateTicket(String),
}

impl VirtualServerAnswer {
    /// Every ticket id the answer names: the battles' tickets, then the requeued ones.
    fn named(&self) -> impl Iterator<Item = &str> {
        self.battles
            .iter()
            .flatten()
            .map(|t| t.id.as_str())
            .chain(self.requeued.iter().map(String::as_str))
    }

    /// Checks that every ticket comes from `call` and appears once. Tickets of the call that
    /// the answer leaves out are neither matched nor requeued; the matchmaker decides what that
    /// means (see [`VirtualServerAnswer::dropped`]).
    pub fn check_against(&self, call: &PostProcessingCall) -> Result<(), AnswerError> {
        self.check_against_ids(call.ticket_ids())
    }

    /// [`VirtualServerAnswer::check_against`] for the ticket ids `sent`.
    pub fn check_against_ids<'s>(
        &self,
        sent: impl IntoIterator<Item = &'s str>,
    ) -> Result<(), AnswerError> {
        let known: HashSet<&str> = sent.into_iter().collect();
        let mut seen = HashSet::new();
        for id in self.named() {
            if !known.contains(id) {
                return Err(AnswerError::UnknownTicket(id.to_owned()));
            }
            if !seen.insert(id) {
                return Err(AnswerError::DuplicateTicket(id.to_owned()));
            }
        }
        Ok(())
    }

    /// Ticket ids of `call` that the answer neither matched nor requeued.
    pub fn dropped<'c>(&self, call: &'c PostProcessingCall) -> Vec<&'c str> {
        self.dropped_among(call.ticket_ids())
    }

    /// [`VirtualServerAnswer::dropped`] for the ticket ids `sent`.
    pub fn dropped_among<'s>(&self, sent: impl IntoIterator<Item = &'s str>) -> Vec<&'s str> {
        let named: HashSet<&str> = self.named().collect();
        sent.into_iter().filter(|id| !named.contains(id)).collect()
    }
}
