//! Fleets: the groups game servers join by the `FleetId` they connect with.
//!
//! Peer tools accepted any fleet id (lessons-from-peers.md), so a typo in a game server's
//! settings went unnoticed until no game session ever arrived. The core knows its fleets
//! (from the startup configuration now, from CreateFleet when the service API lands) and
//! refuses a process or a game session for a fleet it does not know, naming the ones it has.

use super::{ids, Core, CoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    pub id: String,
    pub name: String,
    /// Custom locations (Anywhere); the first is where game sessions are placed.
    pub locations: Vec<String>,
}

impl Core {
    /// Declares a fleet. Declaring the same id again replaces its name and locations.
    pub fn register_fleet(&mut self, fleet: Fleet) -> Result<(), CoreError> {
        ids::check_fleet_id(&fleet.id).map_err(|m| CoreError::param("FleetId", m))?;
        self.fleets.insert(fleet.id.clone(), fleet);
        Ok(())
    }

    pub fn fleet(&self, id: &str) -> Option<&Fleet> {
        self.fleets.get(id)
    }

    pub fn fleets(&self) -> impl Iterator<Item = &Fleet> {
        self.fleets.values()
    }

    /// Checks `id` names a known fleet, unless the core accepts any fleet.
    pub(super) fn check_fleet(&self, id: &str) -> Result<(), CoreError> {
        ids::check_fleet_id(id).map_err(|m| CoreError::param("FleetId", m))?;
        if self.cfg.accept_any_fleet || self.fleets.contains_key(id) {
            return Ok(());
        }
        let known: Vec<&str> = self.fleets.keys().map(String::as_str).collect();
        Err(CoreError::UnknownFleet {
            id: id.into(),
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        })
    }
}
