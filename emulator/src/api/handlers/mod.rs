//! The operation handlers of the service API, over the daemon's [`Shared`] state.
//!
//! Each area registers its operations with the same `register(router) -> router`
//! signature, so adding an area is one `mod` line and one call in [`router`]. Handlers
//! run core commands through [`Shared::execute`] (or read through [`Shared::read`]), so
//! the effects a command makes — a CreateGameSession push to a game server — are carried
//! out under the same lock, in order, exactly as the SDK gateway does.
//!
//! [`shapes`] turns core values into the model's output structures (ids, ARNs, epoch
//! second timestamps); [`errors`] maps core errors to the exceptions each operation
//! models.

use super::{Router, ServiceModel};
use crate::wiring::hub::Shared;

pub(crate) mod compute;
pub(crate) mod errors;
pub(crate) mod fleets;
pub(crate) mod game_sessions;
pub(crate) mod matchmaking;
pub(crate) mod matchmaking_setup;
pub(crate) mod paging;
pub(crate) mod placement;
pub(crate) mod player_sessions;
pub(crate) mod queues;
pub(crate) mod shapes;
pub(crate) mod tags;

#[cfg(test)]
mod arns_tests;
#[cfg(test)]
mod tags_tests;
#[cfg(test)]
mod tests;

/// Every implemented operation, registered over `model`.
pub(crate) fn router(model: &'static ServiceModel) -> Router<Shared> {
    let router = Router::new(model);
    let router = fleets::register(router);
    let router = compute::register(router);
    let router = game_sessions::register(router);
    let router = player_sessions::register(router);
    let router = tags::register(router);
    register_matchmaking(router)
}

/// Registers the matchmaking, rule set, configuration, queue and placement operations.
pub(crate) fn register_matchmaking(router: Router<Shared>) -> Router<Shared> {
    let router = matchmaking_setup::register(matchmaking::register(router));
    placement::register(queues::register(router))
}
