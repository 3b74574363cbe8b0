//! Anywhere hosting: custom locations, registered computes and the auth tokens game
//! servers connect with.
//!
//! On GameLift Anywhere a host is registered (RegisterCompute) in a custom location
//! (CreateLocation) of a fleet, and each game server on it passes a short-lived token from
//! GetComputeAuthToken to InitSDK. Playfield keeps the same records so that scripts written
//! for Anywhere run unchanged. A game server may also just connect, naming the machine it
//! runs on by its ComputeId (the SDK's HostId, sdk-wire-protocol.md §1.2), as the daemon's
//! own launcher and hand-started servers do: that compute is adopted into the fleet (at the
//! fleet's home location and the daemon's address) so ListCompute lists every compute game
//! servers run on, registered or not. An adopted compute stays, as a registered one does,
//! until DeregisterCompute. Tokens are only *checked* when the daemon is told to
//! (`[auth] required = true`, [`CoreConfig::require_compute_auth`]): then every connection is
//! authenticated on its own, reconnects included — knowing a process id proves nothing, as
//! launched servers' ids are predictable. A connection must carry a token issued for its
//! fleet; a token issued for a compute admits only connections that name that compute as
//! their ComputeId (leaving ComputeId out does not skip the check). The token must be
//! unexpired, except on the reconnect of a process that was admitted with that very token:
//! the SDKs reconnect after a network blip with the URL they first built
//! (sdk-wire-protocol.md §1.2), so its token may have expired meanwhile. DeregisterCompute
//! revokes that too. The daemon's own launcher gets a token that does not expire.
//!
//! [`CoreConfig::require_compute_auth`]: super::CoreConfig::require_compute_auth

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fleet::check_custom_location;
use super::{Core, CoreError, Event};
use crate::clock::Millis;

/// How long a GetComputeAuthToken token is valid (the service's tokens last 15 minutes).
pub(crate) const AUTH_TOKEN_TTL_MS: Millis = 15 * 60 * 1000;

/// A host game servers run on, registered in a fleet's location (RegisterCompute) or adopted
/// when a game server connected from it: the service's `Compute` (service-api.md, Compute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compute {
    /// The fleet it is registered in.
    pub fleet_id: String,
    /// Its name, unique in the fleet (`ComputeName`).
    pub name: String,
    /// The address game clients reach it at, if registered with one.
    pub ip_address: Option<String>,
    /// The DNS name game clients reach it at, if registered with one.
    pub dns_name: Option<String>,
    /// The fleet's custom location it is in (e.g. `custom-location-1`).
    pub location: String,
    /// When it was registered or adopted (epoch ms).
    pub creation_time: Millis,
}

/// RegisterCompute.
#[derive(Debug, Clone, Default)]
pub struct RegisterCompute {
    /// The fleet to register in (id or ARN).
    pub fleet_id: String,
    /// The compute's name, unique in the fleet.
    pub name: String,
    /// The address game clients reach it at.
    pub ip_address: Option<String>,
    /// The DNS name game clients reach it at.
    pub dns_name: Option<String>,
    /// A custom location of the fleet; `None` takes the fleet's first.
    pub location: Option<String>,
}

/// A GetComputeAuthToken token a game server passes to InitSDK (`AuthToken`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthToken {
    /// The opaque token text.
    pub token: String,
    /// The fleet it was issued for; `None` for the daemon's launcher, valid for any fleet.
    pub fleet_id: Option<String>,
    /// The compute it was issued for; `None` when not tied to one.
    pub compute_name: Option<String>,
    /// `None`: never expires (the daemon's launcher).
    pub expires: Option<Millis>,
}

/// Everything Anywhere-specific the core keeps.
#[derive(Debug, Default)]
pub(super) struct Anywhere {
    locations: BTreeMap<String, Millis>,
    /// (fleet id, compute name) → compute.
    computes: BTreeMap<(String, String), Compute>,
    tokens: HashMap<String, AuthToken>,
    /// Process id → the token its connection was admitted with, so that its reconnects may
    /// present that token after it expired (see the module docs).
    admitted: HashMap<String, AuthToken>,
}

impl Core {
    /// CreateLocation: a custom location, `custom-<name>`. A name already created (or used
    /// by a fleet of the configuration) is a conflict.
    pub fn create_location(&mut self, now: Millis, name: &str) -> Result<(), CoreError> {
        check_custom_location(name)?;
        if self.location_exists(name) {
            return Err(CoreError::Exists {
                what: "custom location",
                id: name.into(),
            });
        }
        self.anywhere.locations.insert(name.into(), now);
        Ok(())
    }

    /// Custom locations: the created ones and those fleets use.
    pub fn locations(&self) -> BTreeSet<&str> {
        let mut all: BTreeSet<&str> = self.anywhere.locations.keys().map(String::as_str).collect();
        all.extend(
            self.fleets()
                .flat_map(|f| f.locations.iter().map(String::as_str)),
        );
        all
    }

    fn location_exists(&self, name: &str) -> bool {
        self.locations().contains(name)
    }

    /// RegisterCompute: registering a name again updates its address and location.
    pub fn register_compute(
        &mut self,
        now: Millis,
        req: RegisterCompute,
    ) -> Result<Compute, CoreError> {
        let fleet = self.require_fleet(&req.fleet_id)?;
        let location = match req.location {
            None => self.fleet_home_location(&fleet.id),
            Some(l) if fleet.locations.contains(&l) => l,
            Some(l) => {
                return Err(CoreError::param(
                    "Location",
                    format!(
                        "'{l}' is not a location of fleet '{}' (its locations: {})",
                        fleet.id,
                        fleet.locations.join(", ")
                    ),
                ))
            }
        };
        let key = (req.fleet_id.clone(), req.name.clone());
        let creation_time = self
            .anywhere
            .computes
            .get(&key)
            .map_or(now, |c| c.creation_time);
        let compute = Compute {
            fleet_id: req.fleet_id,
            name: req.name,
            ip_address: req.ip_address,
            dns_name: req.dns_name,
            location,
            creation_time,
        };
        self.anywhere.computes.insert(key, compute.clone());
        Ok(compute)
    }

    /// A game server (`pid`) connected from compute `name` of `fleet_id`: a compute no
    /// RegisterCompute made is adopted (see the module docs).
    pub(super) fn adopt_compute(&mut self, now: Millis, fleet_id: &str, name: &str, pid: &str) {
        let key = (fleet_id.to_string(), name.to_string());
        if name.is_empty() || self.anywhere.computes.contains_key(&key) {
            return;
        }
        let location = self.fleet_home_location(fleet_id);
        let compute = Compute {
            fleet_id: fleet_id.to_string(),
            name: name.to_string(),
            ip_address: Some(self.cfg.ip_address.clone()),
            dns_name: Some(self.cfg.dns_name.clone()),
            location: location.clone(),
            creation_time: now,
        };
        self.anywhere.computes.insert(key, compute);
        self.emit(Event::ComputeAdopted {
            fleet_id: fleet_id.to_string(),
            name: name.to_string(),
            location,
            pid: pid.into(),
        });
    }

    /// DeregisterCompute: the compute and the tokens issued for it are gone.
    pub fn deregister_compute(&mut self, fleet_id: &str, name: &str) -> Result<(), CoreError> {
        self.anywhere
            .computes
            .remove(&(fleet_id.to_string(), name.to_string()))
            .ok_or_else(|| unknown_compute(fleet_id, name))?;
        let revoked = |t: &AuthToken| {
            t.fleet_id.as_deref() == Some(fleet_id) && t.compute_name.as_deref() == Some(name)
        };
        self.anywhere.tokens.retain(|_, t| !revoked(t));
        self.anywhere.admitted.retain(|_, t| !revoked(t));
        Ok(())
    }

    /// The compute `name` of fleet `fleet_id` (DescribeCompute), or
    /// [`CoreError::UnknownCompute`].
    pub fn compute(&self, fleet_id: &str, name: &str) -> Result<&Compute, CoreError> {
        self.anywhere
            .computes
            .get(&(fleet_id.to_string(), name.to_string()))
            .ok_or_else(|| unknown_compute(fleet_id, name))
    }

    /// Computes of a fleet (optionally of one location), by name.
    pub fn computes_of(&self, fleet_id: &str, location: Option<&str>) -> Vec<&Compute> {
        self.anywhere
            .computes
            .values()
            .filter(|c| c.fleet_id == fleet_id)
            .filter(|c| location.is_none_or(|l| c.location == l))
            .collect()
    }

    /// GetComputeAuthToken: a token for a registered compute, valid `AUTH_TOKEN_TTL_MS`.
    pub fn issue_compute_auth_token(
        &mut self,
        now: Millis,
        fleet_id: &str,
        name: &str,
    ) -> Result<AuthToken, CoreError> {
        self.compute(fleet_id, name)?;
        // Expired tokens are dropped here, so the table stays as small as the live ones.
        self.anywhere
            .tokens
            .retain(|_, t| t.expires.is_none_or(|e| e > now));
        let token = AuthToken {
            token: self.ids.uuid(),
            fleet_id: Some(fleet_id.into()),
            compute_name: Some(name.into()),
            expires: Some(now + AUTH_TOKEN_TTL_MS),
        };
        self.anywhere
            .tokens
            .insert(token.token.clone(), token.clone());
        Ok(token)
    }

    /// A token for the daemon's own launcher: any fleet, any compute, no expiry.
    pub fn issue_launcher_token(&mut self) -> String {
        let token = self.ids.uuid();
        self.anywhere.tokens.insert(
            token.clone(),
            AuthToken {
                token: token.clone(),
                fleet_id: None,
                compute_name: None,
                expires: None,
            },
        );
        token
    }

    /// Whether a connecting game server may in (see the module docs). Always when the
    /// core does not require compute auth. Every connection is checked, reconnects included.
    pub fn check_compute_auth(
        &self,
        now: Millis,
        pid: &str,
        fleet_id: &str,
        compute_id: Option<&str>,
        token: Option<&str>,
    ) -> Result<(), CoreError> {
        if !self.cfg.require_compute_auth {
            return Ok(());
        }
        // The messages never quote the token: they reach the log and the refused client.
        let refuse = |why: String| {
            Err(CoreError::AuthRefused {
                pid: pid.into(),
                why,
            })
        };
        let Some(token) = token else {
            return refuse("no Authorization token; get one with GetComputeAuthToken".into());
        };
        // The token this process was admitted with, if it is still here and this is it.
        let readmitted = self
            .anywhere
            .admitted
            .get(pid)
            .filter(|t| t.token == token)
            .filter(|_| self.process(pid).is_some_and(|p| p.fleet_id == fleet_id));
        let Some(t) = readmitted.or_else(|| self.anywhere.tokens.get(token)) else {
            return refuse("its Authorization token was not issued by this daemon".into());
        };
        if readmitted.is_none() && t.expires.is_some_and(|e| e <= now) {
            return refuse(
                "its Authorization token has expired; get a new one with GetComputeAuthToken"
                    .into(),
            );
        }
        if t.fleet_id.as_deref().is_some_and(|f| f != fleet_id) {
            return refuse(format!(
                "its Authorization token was issued for another fleet than '{fleet_id}'"
            ));
        }
        match (t.compute_name.as_deref(), compute_id) {
            (Some(want), Some(got)) if want != got => refuse(format!(
                "its Authorization token was issued for compute '{want}', not '{got}'"
            )),
            (Some(want), None) => refuse(format!(
                "its Authorization token was issued for compute '{want}' and the connection \
                 names no ComputeId; connect with ComputeId={want}"
            )),
            _ => Ok(()),
        }
    }

    /// A connection of `pid` was admitted with `token` (checked by
    /// [`Core::check_compute_auth`]): its reconnects may present it after it expired.
    pub fn note_compute_auth(&mut self, pid: &str, token: Option<&str>) {
        if !self.cfg.require_compute_auth {
            return;
        }
        let record = token.and_then(|t| {
            self.anywhere
                .admitted
                .get(pid)
                .filter(|a| a.token == t)
                .or_else(|| self.anywhere.tokens.get(t))
                .cloned()
        });
        match record {
            Some(r) => {
                self.anywhere.admitted.insert(pid.to_string(), r);
            }
            None => {
                self.anywhere.admitted.remove(pid);
            }
        }
    }

    /// A process is gone: its admission goes with it.
    pub(super) fn forget_compute_auth(&mut self, pid: &str) {
        self.anywhere.admitted.remove(pid);
    }
}

fn unknown_compute(fleet_id: &str, name: &str) -> CoreError {
    CoreError::UnknownCompute {
        fleet_id: fleet_id.into(),
        name: name.into(),
    }
}
