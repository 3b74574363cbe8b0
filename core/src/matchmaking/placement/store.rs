//! [`Placements`]: every game session placement, with the two indexes the flows need — the
//! placement a game session was created for (until it activates or is lost), and the
//! placements waiting for a free server process, oldest first.
//!
//! The aggregate owns the indexes so that they follow the placements' states: a placement
//! enters through [`Placements::open`], gets its game session through [`Placements::placed`]
//! (or loses it through [`Placements::take_for_session`]), waits through
//! [`Placements::wait`], and ends through [`Placements::end`]. The flows decide *when*.

use std::collections::{BTreeSet, HashMap};

use super::{Placement, PlacementStatus};
use crate::clock::Millis;

/// All placements, by id, with their indexes.
///
/// Invariants (checked by the unit tests below):
/// - `waiting` holds `(start_time, id)` only for a PENDING placement without a game session:
///   [`Placements::placed`] and [`Placements::end`] take it out.
/// - `of_session[gs] = id` only while placement `id` waits for game session `gs` to
///   activate: set by [`Placements::placed`], removed by `Placements::take_for_session`
///   and [`Placements::end`].
/// - An ended placement (`end_time` set, status not PENDING) is in no index; it stays
///   readable by id until `Placements::forget`.
#[derive(Debug, Default)]
pub struct Placements {
    by_id: HashMap<String, Placement>,
    /// Game session id → the placement waiting for it to activate.
    of_session: HashMap<String, String>,
    /// Placements with no free process yet, oldest first (start time, id): the ones a
    /// process becoming free is offered to at once (`mm_on_capacity`).
    waiting: BTreeSet<(Millis, String)>,
}

impl Placements {
    /// The placement with this id, final ones included.
    pub fn get(&self, id: &str) -> Option<&Placement> {
        self.by_id.get(id)
    }

    /// A placement to change; its status ends only through [`Placements::end`].
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Placement> {
        self.by_id.get_mut(id)
    }

    /// Whether a placement with this id exists (ids may not be reused).
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Every placement, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &Placement> {
        self.by_id.values()
    }

    /// How many placements are held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no placement is held.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Takes a new (PENDING) placement in.
    pub fn open(&mut self, p: Placement) {
        self.by_id.insert(p.id.clone(), p);
    }

    /// Whether any placement waits for a free process.
    pub(crate) fn any_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// The ids of the placements waiting for a free process, oldest first.
    pub(crate) fn waiting_ids(&self) -> Vec<String> {
        self.waiting.iter().map(|(_, id)| id.clone()).collect()
    }

    /// Whether a placement still waits for a process (PENDING, no game session).
    pub(crate) fn is_waiting(&self, id: &str) -> bool {
        self.by_id
            .get(id)
            .is_some_and(|p| p.status == PlacementStatus::Pending && p.game_session_id.is_none())
    }

    /// The placement found no free process this time: it waits for one.
    pub fn wait(&mut self, id: &str) {
        if self.is_waiting(id) {
            let start = self.by_id[id].start_time;
            self.waiting.insert((start, id.to_string()));
        }
    }

    /// Drops a placement from the waiting list (it was placed, or moved on otherwise).
    pub(crate) fn stop_waiting(&mut self, id: &str) {
        if let Some(p) = self.by_id.get(id) {
            self.waiting.remove(&(p.start_time, id.to_string()));
        }
    }

    /// A game session was created for the placement: it waits for the session to activate.
    pub fn placed(&mut self, id: &str, game_session_id: &str) {
        self.stop_waiting(id);
        if let Some(p) = self.by_id.get_mut(id) {
            p.game_session_id = Some(game_session_id.to_string());
            self.of_session
                .insert(game_session_id.to_string(), id.to_string());
        }
    }

    /// The placement that waited for this game session, no longer waiting for it (the
    /// session activated, or was lost and `forget_session` says so).
    pub(crate) fn take_for_session(&mut self, game_session_id: &str) -> Option<String> {
        self.of_session.remove(game_session_id)
    }

    /// Ends a placement with `status` at `now`, out of every index. Returns false if there
    /// is no such placement.
    pub fn end(&mut self, now: Millis, id: &str, status: PlacementStatus) -> bool {
        self.stop_waiting(id);
        let Some(p) = self.by_id.get_mut(id) else {
            return false;
        };
        p.status = status;
        p.end_time = Some(now);
        if let Some(gs) = &p.game_session_id {
            if self.of_session.get(gs).is_some_and(|x| x == id) {
                self.of_session.remove(gs);
            }
        }
        true
    }

    /// Forgets a placement (after the retention period).
    pub(crate) fn forget(&mut self, id: &str) {
        self.stop_waiting(id);
        self.by_id.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use playfield_flexmatch::Match;

    fn placement(id: &str, start: Millis) -> Placement {
        Placement {
            id: id.into(),
            queue: "q".into(),
            queue_arn: "arn".into(),
            queue_notification_target: None,
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
            start_time: start,
            end_time: None,
            deadline: 1_000,
            maximum_player_session_count: 2,
            game_session_id: None,
            auto_backfill_ticket_id: None,
            direct: None,
            placed_player_sessions: Vec::new(),
        }
    }

    /// Waiting placements come oldest first, and leave the list once placed or ended.
    #[test]
    fn only_pending_placements_without_a_session_wait_oldest_first() {
        let mut ps = Placements::default();
        ps.open(placement("b", 20));
        ps.open(placement("a", 10));
        ps.open(placement("c", 30));
        for id in ["b", "a", "c"] {
            ps.wait(id);
        }
        assert_eq!(ps.waiting_ids(), ["a", "b", "c"]);
        ps.placed("a", "gs-a");
        assert!(ps.end(5, "c", PlacementStatus::TimedOut));
        assert_eq!(ps.waiting_ids(), ["b"]);
        ps.wait("a");
        ps.wait("c");
        assert_eq!(
            ps.waiting_ids(),
            ["b"],
            "placed or ended placements do not wait"
        );
    }

    /// A placed placement is found by its game session once; ending it unindexes it.
    #[test]
    fn a_game_session_names_the_placement_waiting_for_it() {
        let mut ps = Placements::default();
        ps.open(placement("p1", 0));
        ps.open(placement("p2", 0));
        ps.placed("p1", "gs1");
        ps.placed("p2", "gs2");
        assert_eq!(
            ps.get("p1").unwrap().game_session_id.as_deref(),
            Some("gs1")
        );
        assert_eq!(ps.take_for_session("gs1").as_deref(), Some("p1"));
        assert_eq!(ps.take_for_session("gs1"), None);
        assert!(ps.end(7, "p2", PlacementStatus::Cancelled));
        assert_eq!(ps.take_for_session("gs2"), None);
        let p2 = ps.get("p2").unwrap();
        assert_eq!(
            (p2.status, p2.end_time),
            (PlacementStatus::Cancelled, Some(7))
        );
        ps.forget("p2");
        assert!(!ps.contains("p2") && ps.len() == 1 && !ps.is_empty());
        assert!(!ps.end(8, "p2", PlacementStatus::Failed));
    }
}
