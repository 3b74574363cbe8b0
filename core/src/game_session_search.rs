//! SearchGameSessions over the core's game sessions: the ACTIVE sessions of one fleet,
//! filtered and sorted with [`crate::search_expr`].
//!
//! Expressions are parsed by the caller (so a syntax error is an input error with a column
//! before the lock is taken); evaluation reads each session together with its live player
//! count, which is what `playerSessionCount` and `hasAvailablePlayerSessions` mean.

use super::{Core, GameSession, GameSessionStatus};
use crate::search_expr::{Filter, Searchable, Sort};

/// One game session as a search sees it.
struct View<'a> {
    gs: &'a GameSession,
    players: usize,
}

impl Searchable for View<'_> {
    fn game_session_id(&self) -> &str {
        &self.gs.id
    }
    fn game_session_name(&self) -> &str {
        self.gs.name.as_deref().unwrap_or("")
    }
    fn game_property(&self, key: &str) -> Option<&str> {
        self.gs.game_properties.get(key).map(String::as_str)
    }
    fn maximum_sessions(&self) -> i64 {
        i64::from(self.gs.maximum_player_session_count)
    }
    fn creation_time_millis(&self) -> i64 {
        self.gs.creation_time as i64
    }
    fn player_session_count(&self) -> i64 {
        self.players as i64
    }
    fn has_available_player_sessions(&self) -> bool {
        self.gs.player_session_creation_policy == super::PlayerSessionCreationPolicy::AcceptAll
            && self.players < self.gs.maximum_player_session_count as usize
    }
}

impl Core {
    /// ACTIVE game sessions of `fleet_id` (and `location`, if given) that match `filter`,
    /// ordered by `sort` (creation order when none, or to break ties).
    pub fn search_game_sessions(
        &self,
        fleet_id: &str,
        location: Option<&str>,
        filter: Option<&Filter>,
        sort: Option<&Sort>,
    ) -> Vec<&GameSession> {
        let mut views: Vec<View<'_>> = self
            .game_sessions_of_fleet(fleet_id, location)
            .into_iter()
            .filter(|gs| gs.status == GameSessionStatus::Active)
            .map(|gs| View {
                gs,
                players: self.current_player_session_count(&gs.id),
            })
            .filter(|v| filter.is_none_or(|f| f.matches(v)))
            .collect();
        if let Some(sort) = sort {
            // Stable: equal keys keep creation order.
            views.sort_by(|a, b| sort.compare(a, b));
        }
        views.into_iter().map(|v| v.gs).collect()
    }
}
