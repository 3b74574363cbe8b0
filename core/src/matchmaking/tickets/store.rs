//! [`Tickets`]: every matchmaking and backfill ticket, with the two indexes the flows look
//! tickets up by — a player's active ticket, and a game session's active backfill ticket.
//!
//! The aggregate owns the indexes so that they cannot drift from the tickets: a ticket
//! enters through [`Tickets::open`], which indexes it, and leaves the indexes through
//! [`Tickets::end`] (when it reaches a final status) — the only ways the indexes change.
//! The flows (`Core`'s matchmaking methods) decide *when*; this type keeps the books.

use std::collections::HashMap;

use super::{MatchmakingTicket, TicketKind};
use crate::clock::Millis;
use crate::TicketId;

/// All tickets, by id, with their indexes.
///
/// Invariants (checked by the unit tests below):
/// - `by_player[p] = t` only if ticket `t` exists, is a matchmaking ticket not ended, and
///   lists player `p`: a player has at most one active ticket (the newest).
/// - `backfill_of[gs] = t` only if ticket `t` exists, is a backfill ticket for game session
///   `gs`, and has not ended: a game session has at most one active backfill ticket.
/// - An ended ticket (`end_time` set) is in no index; it stays readable by id until
///   `Tickets::forget`.
#[derive(Debug, Default)]
pub struct Tickets {
    by_id: HashMap<TicketId, MatchmakingTicket>,
    /// Player id → that player's active matchmaking ticket.
    by_player: HashMap<String, TicketId>,
    /// Game session ARN → its one active backfill ticket.
    backfill_of: HashMap<String, TicketId>,
}

impl Tickets {
    /// The ticket with this id, final ones included.
    pub fn get(&self, id: &str) -> Option<&MatchmakingTicket> {
        self.by_id.get(id)
    }

    /// A ticket to change. Its status goes final only through the flow's `finish_ticket`,
    /// which calls [`Tickets::end`].
    pub fn get_mut(&mut self, id: &str) -> Option<&mut MatchmakingTicket> {
        self.by_id.get_mut(id)
    }

    /// Whether a ticket with this id exists (ids may not be reused).
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Every ticket, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &MatchmakingTicket> {
        self.by_id.values()
    }

    /// Whether no ticket is held.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The player's active matchmaking ticket, if any.
    pub(crate) fn active_ticket_of_player(&self, player_id: &str) -> Option<&str> {
        self.by_player.get(player_id).map(TicketId::as_str)
    }

    /// The game session's active backfill ticket, if any.
    pub(crate) fn backfill_ticket_of(&self, game_session_arn: &str) -> Option<&str> {
        self.backfill_of.get(game_session_arn).map(TicketId::as_str)
    }

    /// Takes a new ticket in and indexes it: a matchmaking ticket becomes the active ticket of
    /// each of its players, a backfill ticket the active backfill of its game session. The
    /// caller ends the tickets it replaces first (the indexes keep the newest only).
    pub fn open(&mut self, ticket: MatchmakingTicket) {
        let id = ticket.id.clone();
        match &ticket.kind {
            TicketKind::Matchmaking => {
                for p in &ticket.players {
                    self.by_player.insert(p.id.clone(), id.clone());
                }
            }
            TicketKind::Backfill {
                game_session_arn: Some(gs),
                ..
            } => {
                self.backfill_of.insert(gs.clone(), id.clone());
            }
            TicketKind::Backfill { .. } => {}
        }
        self.by_id.insert(id, ticket);
    }

    /// Marks a ticket ended at `now` and drops it from the indexes (where it is still the
    /// entry). Returns false if there is no such ticket or it had ended already. The status
    /// itself is the caller's to set (with its event).
    pub fn end(&mut self, now: Millis, id: &str) -> bool {
        let Some(t) = self.by_id.get_mut(id) else {
            return false;
        };
        if t.status.is_final() {
            return false;
        }
        t.end_time = Some(now);
        for p in &t.players {
            if self.by_player.get(&p.id).is_some_and(|a| a == id) {
                self.by_player.remove(&p.id);
            }
        }
        if let TicketKind::Backfill {
            game_session_arn: Some(gs),
            ..
        } = &t.kind
        {
            if self.backfill_of.get(gs).is_some_and(|a| a == id) {
                self.backfill_of.remove(gs);
            }
        }
        true
    }

    /// Forgets an ended ticket (after the retention period); a live one stays.
    pub(crate) fn forget(&mut self, id: &str) {
        if self.by_id.get(id).is_some_and(|t| t.status.is_final()) {
            self.by_id.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::TicketStatus;
    use super::*;
    use playfield_flexmatch::Player;

    fn ticket(id: &str, players: &[&str], kind: TicketKind) -> MatchmakingTicket {
        MatchmakingTicket {
            id: id.into(),
            configuration_name: "c".into(),
            configuration_arn: "arn".into(),
            status: TicketStatus::Searching,
            status_reason: None,
            status_message: None,
            start_time: 0,
            end_time: None,
            players: players
                .iter()
                .map(|p| Player {
                    id: (*p).into(),
                    ..Player::default()
                })
                .collect(),
            connection: None,
            estimated_wait_seconds: None,
            kind,
            match_id: None,
            answers: Default::default(),
            rule_evaluations: Vec::new(),
        }
    }

    fn backfill(gs: &str) -> TicketKind {
        TicketKind::Backfill {
            game_session_arn: Some(gs.into()),
            automatic: false,
        }
    }

    /// A player's newest ticket is their active one; ending an older ticket leaves the
    /// newer one indexed.
    #[test]
    fn a_player_has_one_active_ticket_the_newest() {
        let mut ts = Tickets::default();
        ts.open(ticket("t1", &["p1", "p2"], TicketKind::Matchmaking));
        ts.open(ticket("t2", &["p1"], TicketKind::Matchmaking));
        assert_eq!(ts.active_ticket_of_player("p1"), Some("t2"));
        assert_eq!(ts.active_ticket_of_player("p2"), Some("t1"));
        assert!(ts.end(5, "t1"));
        assert_eq!(ts.active_ticket_of_player("p1"), Some("t2"));
        assert_eq!(ts.active_ticket_of_player("p2"), None);
        assert_eq!(ts.get("t1").unwrap().end_time, Some(5));
    }

    /// A game session's backfill ticket is indexed while it lives; backfill tickets never
    /// become a player's active matchmaking ticket.
    #[test]
    fn a_game_session_has_one_active_backfill_ticket() {
        let mut ts = Tickets::default();
        ts.open(ticket("bf1", &["p1"], backfill("gs1")));
        assert_eq!(ts.backfill_ticket_of("gs1"), Some("bf1"));
        assert_eq!(ts.active_ticket_of_player("p1"), None);
        ts.open(ticket("bf2", &["p1"], backfill("gs1")));
        assert!(ts.end(1, "bf1"));
        assert_eq!(ts.backfill_ticket_of("gs1"), Some("bf2"));
        assert!(ts.end(2, "bf2"));
        assert_eq!(ts.backfill_ticket_of("gs1"), None);
    }

    /// A ticket ends once; only an ended (final) ticket is forgotten.
    #[test]
    fn tickets_end_once_and_only_final_ones_are_forgotten() {
        let mut ts = Tickets::default();
        ts.open(ticket("t1", &["p1"], TicketKind::Matchmaking));
        ts.forget("t1");
        assert!(ts.contains("t1"), "a live ticket is not forgotten");
        assert!(ts.end(1, "t1"));
        ts.get_mut("t1").unwrap().status = TicketStatus::Cancelled;
        assert!(!ts.end(2, "t1"), "a final ticket does not end again");
        assert_eq!(ts.get("t1").unwrap().end_time, Some(1));
        ts.forget("t1");
        assert!(!ts.contains("t1") && ts.is_empty());
        assert!(!ts.end(3, "nope"));
    }
}
