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
use crate::hub::Shared;

pub mod compute;
pub mod errors;
pub mod fleets;
pub mod game_sessions;
pub mod paging;
pub mod player_sessions;
pub mod shapes;

/// Every implemented operation, registered over `model`.
pub fn router(model: &'static ServiceModel) -> Router<Shared> {
    let router = Router::new(model);
    let router = fleets::register(router);
    let router = compute::register(router);
    let router = game_sessions::register(router);
    player_sessions::register(router)
}
