//! Fleets: the groups game servers join by the `FleetId` they connect with.
//!
//! Peer tools accepted any fleet id silently (lessons-from-peers.md), so a typo in a game
//! server's settings went unnoticed until no game session ever arrived. Playfield knows its
//! fleets (from the startup configuration and from CreateFleet). Whether an unknown fleet id
//! is refused or created on the spot is [`CoreConfig::accept_any_fleet`]: on in the daemon's
//! embedded default configuration (so a game server started by hand with any fleet id joins
//! without setup), off when a configuration file says so. Creating it emits
//! [`Event::FleetCreated`] with the reason, so the log shows the new fleet instead of
//! silently absorbing a typo.
//!
//! [`CoreConfig::accept_any_fleet`]: super::CoreConfig::accept_any_fleet

use super::event::{Event, FleetOrigin};
use super::{ids, Core, CoreError};
use crate::clock::Millis;

/// The custom location of a fleet created without one (by a connecting game server or a
/// CreateFleet without `Locations`).
pub(crate) const DEFAULT_LOCATION: &str = "custom-local";

/// A fleet: a named group of server processes that game sessions are placed on. Playfield's
/// fleets are all Anywhere fleets (service-api.md, FleetAttributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    /// The fleet id (`fleet-` and a UUID for CreateFleet; any well-formed id from the config).
    pub id: String,
    /// Its display name (`Name`).
    pub name: String,
    /// Custom locations (Anywhere); the first is where game sessions are placed.
    pub locations: Vec<String>,
}

/// CreateFleet of an Anywhere fleet (service-api.md §9.3).
#[derive(Debug, Clone, Default)]
pub struct CreateFleet {
    /// The fleet's display name.
    pub name: String,
    /// Custom locations (`custom-...`); empty means `DEFAULT_LOCATION`.
    pub locations: Vec<String>,
    /// AnywhereConfiguration, kept and answered as given.
    pub anywhere: Option<AnywhereConfiguration>,
}

/// AnywhereConfiguration of a fleet (model shape `AnywhereConfiguration`): the hourly
/// `Cost` the caller states, "used to balance usage in queues". Kept as the caller wrote
/// it (the model carries it as a string of up to 5+5 digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnywhereConfiguration {
    /// The hourly cost as the caller wrote it (e.g. `"0.25"`).
    pub cost: String,
}

impl Core {
    /// Declares a fleet. Declaring the same id again replaces its name and locations.
    pub fn register_fleet(&mut self, fleet: Fleet) -> Result<(), CoreError> {
        ids::check_fleet_id(&fleet.id).map_err(|m| CoreError::param("FleetId", m))?;
        self.fleets.insert(fleet.id.clone(), fleet);
        Ok(())
    }

    /// CreateFleet: a new Anywhere fleet with a generated `fleet-<uuid>` id.
    pub fn create_fleet(&mut self, now: Millis, req: CreateFleet) -> Result<Fleet, CoreError> {
        for loc in &req.locations {
            check_custom_location(loc)?;
        }
        let fleet = Fleet {
            id: format!("fleet-{}", self.ids.uuid()),
            name: req.name,
            locations: if req.locations.is_empty() {
                vec![DEFAULT_LOCATION.to_string()]
            } else {
                req.locations
            },
        };
        if let Some(anywhere) = req.anywhere {
            self.fleet_anywhere.insert(fleet.id.clone(), anywhere);
        }
        self.insert_new_fleet(now, fleet.clone(), FleetOrigin::CreateFleet);
        Ok(fleet)
    }

    /// The fleet with this id, if declared or created.
    pub fn fleet(&self, id: &str) -> Option<&Fleet> {
        self.fleets.get(id)
    }

    /// All fleets, by id.
    pub fn fleets(&self) -> impl Iterator<Item = &Fleet> {
        self.fleets.values()
    }

    /// Stamps fleets declared without a time (the configuration's, before the clock was at
    /// hand) as created at `now`, so they report a CreationTime like any other.
    pub fn stamp_fleet_creation(&mut self, now: Millis) {
        for id in self.fleets.keys() {
            self.fleet_created.entry(id.clone()).or_insert(now);
        }
    }

    /// The AnywhereConfiguration the fleet was created with, if any.
    pub fn fleet_anywhere_configuration(&self, id: &str) -> Option<&AnywhereConfiguration> {
        self.fleet_anywhere.get(id)
    }

    /// Where a fleet's game sessions go unless a compute says otherwise: its first location,
    /// or the daemon's Region for a fleet declared without one.
    pub(crate) fn fleet_home_location(&self, id: &str) -> String {
        self.fleets
            .get(id)
            .and_then(|f| f.locations.first().cloned())
            .unwrap_or_else(|| self.cfg.region.clone())
    }

    /// When the fleet was created by this daemon (config fleets: at start), epoch ms.
    pub fn fleet_creation_time(&self, id: &str) -> Option<Millis> {
        self.fleet_created.get(id).copied()
    }

    /// Checks `id` names a known fleet, unless the core accepts any fleet.
    pub(super) fn check_fleet(&self, id: &str) -> Result<(), CoreError> {
        ids::check_fleet_id(id).map_err(|m| CoreError::param("FleetId", m))?;
        if self.cfg.accept_any_fleet || self.fleets.contains_key(id) {
            return Ok(());
        }
        Err(self.unknown_fleet(id))
    }

    /// Checks `id` names a known fleet, whatever `accept_any_fleet` says (the service API
    /// never creates fleets implicitly).
    pub fn require_fleet(&self, id: &str) -> Result<&Fleet, CoreError> {
        self.fleets.get(id).ok_or_else(|| self.unknown_fleet(id))
    }

    /// A game server connected with a fleet id the core does not know, and the core accepts
    /// any fleet: the fleet comes to be, with the default location.
    pub(super) fn adopt_fleet(&mut self, now: Millis, id: &str) {
        if self.fleets.contains_key(id) {
            return;
        }
        let fleet = Fleet {
            id: id.to_string(),
            name: id.to_string(),
            locations: vec![DEFAULT_LOCATION.to_string()],
        };
        self.insert_new_fleet(now, fleet, FleetOrigin::UnknownFleetOnConnect);
    }

    fn insert_new_fleet(&mut self, now: Millis, fleet: Fleet, origin: FleetOrigin) {
        self.fleet_created.insert(fleet.id.clone(), now);
        self.emit(Event::FleetCreated {
            fleet_id: fleet.id.clone(),
            location: fleet.locations.first().cloned().unwrap_or_default(),
            origin,
        });
        self.fleets.insert(fleet.id.clone(), fleet);
    }

    fn unknown_fleet(&self, id: &str) -> CoreError {
        let known: Vec<&str> = self.fleets.keys().map(String::as_str).collect();
        CoreError::UnknownFleet {
            id: id.into(),
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        }
    }
}

/// Custom locations are named `custom-<name>` (service-api.md §6).
pub(crate) fn check_custom_location(name: &str) -> Result<(), CoreError> {
    let ok = name.len() <= 64
        && name.starts_with("custom-")
        && name.len() > "custom-".len()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CoreError::param(
            "Location",
            format!("'{name}' is not a custom location name (custom-<letters, digits, '-'>, at most 64 characters)"),
        ))
    }
}
