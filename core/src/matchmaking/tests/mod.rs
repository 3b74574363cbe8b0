//! Matchmaker unit tests: the core driven directly, time moved by calling `on_time`.
//! Fixtures in [`crate::testing`] and here; `lifecycle` covers tickets, expansion and STANDALONE mode, `acceptance`
//! the acceptance step, `placement` queues and placement, `backfill` manual and automatic
//! backfill.

mod acceptance;
mod backfill;
mod cycles;
mod lifecycle;
mod notifications;
mod party_rules;
mod placement;
mod post_processing;
mod queue_priority;

use std::collections::BTreeMap;

use super::configurations::ConfigurationSpec;
use super::queues::{PriorityType, QueueSpec};
use super::*;
use crate::testing::*;
use crate::{ConnId, ConnectInfo, Core, CoreConfig, Effect, Event, Fleet, ProcessReady, Push};
use playfield_flexmatch::Player;

/// The matchmaking cycle of the test cores (the default): a match below maxPlayers forms
/// at the end of the cycle in which its tickets arrived, so tests that want one by `T0` start
/// their tickets one cycle earlier.
pub(super) const CYCLE: Millis = crate::DEFAULT_MATCHMAKING_CYCLE_MS;

/// Fires every timer due up to `until`, one deadline at a time.
pub(super) fn advance(c: &mut Core, until: Millis) {
    while let Some(at) = c.next_deadline() {
        if at > until {
            break;
        }
        c.on_time(at);
    }
}

pub(super) fn pushes(c: &mut Core) -> Vec<Push> {
    c.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Push { push, .. } => Some(push),
            _ => None,
        })
        .collect()
}

pub(super) fn mm_events(effects: &[Effect]) -> Vec<MatchmakingEvent> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Event(Event::Matchmaking(m)) => Some(m.clone()),
            _ => None,
        })
        .collect()
}
