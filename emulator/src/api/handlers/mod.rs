//! Operation handlers, one module per area, each with `register(router) -> router`.
//!
//! This file lists only the matchmaking areas; the lead merges it with the fleet, compute,
//! game session and player session handlers' list.

pub mod matchmaking;
pub mod matchmaking_setup;
pub mod placement;
pub mod queues;

#[cfg(test)]
mod tests;

use crate::api::Router;
use crate::hub::Shared;

/// Registers the matchmaking, rule set, configuration, queue and placement operations.
pub fn register_matchmaking(router: Router<Shared>) -> Router<Shared> {
    let router = matchmaking_setup::register(matchmaking::register(router));
    placement::register(queues::register(router))
}
