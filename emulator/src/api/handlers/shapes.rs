//! Output structures of the model, built from core values.
//!
//! Member names are the model's (PascalCase); absent optional members are left out rather
//! than sent as null, as the service does. Timestamps are epoch seconds
//! ([`Timestamp`]), ids and ARNs follow service-api.md §6–§7: a game session id is its
//! ARN (account field empty), fleets and locations carry the configured account id; every
//! ARN comes from the core's [`ArnIssuer`](playfield_core::ArnIssuer).

use serde::{Deserialize, Serialize};

use crate::api::types::Timestamp;
use crate::sdk_wire;
use playfield_core::{Core, Fleet, GameSession, PlayerSession};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GameProperty {
    pub(crate) key: String,
    pub(crate) value: String,
}

/// `arn:aws:gamelift:<region>:<account>:fleet/<fleet-id>`
pub(crate) fn fleet_arn(core: &Core, fleet_id: &str) -> String {
    core.config().arns().fleet(fleet_id).into()
}

/// `arn:aws:gamelift:<region>:<account>:location/<custom-name>`
pub(crate) fn location_arn(core: &Core, location: &str) -> String {
    core.config().arns().location(location).into()
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GameSessionShape {
    pub(crate) game_session_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub(crate) fleet_id: String,
    pub(crate) fleet_arn: String,
    pub(crate) creation_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) termination_time: Option<Timestamp>,
    pub(crate) current_player_session_count: u32,
    pub(crate) maximum_player_session_count: u32,
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status_reason: Option<&'static str>,
    pub(crate) game_properties: Vec<GameProperty>,
    pub(crate) ip_address: String,
    pub(crate) dns_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) port: Option<u16>,
    pub(crate) player_session_creation_policy: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) creator_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) game_session_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) matchmaker_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compute_name: Option<String>,
}

pub(crate) fn game_session(core: &Core, gs: &GameSession) -> GameSessionShape {
    GameSessionShape {
        game_session_id: gs.id.to_string(),
        name: gs.name.clone(),
        fleet_id: gs.fleet_id.clone(),
        fleet_arn: fleet_arn(core, &gs.fleet_id),
        creation_time: Timestamp::from_epoch_millis(gs.creation_time as i64),
        termination_time: gs
            .termination_time
            .map(|t| Timestamp::from_epoch_millis(t as i64)),
        current_player_session_count: core.current_player_session_count(&gs.id) as u32,
        maximum_player_session_count: gs.maximum_player_session_count,
        status: gs.status.as_str(),
        status_reason: gs.status_reason.map(|r| r.as_str()),
        game_properties: gs
            .game_properties
            .iter()
            .map(|(k, v)| GameProperty {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        ip_address: gs.ip_address.clone(),
        dns_name: gs.dns_name.clone(),
        // The model's range is 1..60000; a process that reported port 0 has none.
        port: gs.port.filter(|p| (1..=60000).contains(p)),
        player_session_creation_policy: gs.player_session_creation_policy.as_str(),
        creator_id: gs.creator_id.clone(),
        game_session_data: gs.game_session_data.clone(),
        matchmaker_data: gs
            .matchmaker_data
            .as_ref()
            .map(sdk_wire::matchmaker_data_json),
        location: gs.location.clone(),
        compute_name: gs.compute_name.clone().filter(|c| is_compute_name(c)),
    }
}

/// The model's ComputeName pattern, `[a-zA-Z0-9\-]+(/[a-zA-Z0-9\-]+)?`: a compute id a
/// game server made up may not fit, and is then left out rather than fail the output.
fn is_compute_name(s: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    s.len() <= 128
        && match s.split_once('/') {
            None => part(s),
            Some((a, b)) => part(a) && part(b),
        }
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlayerSessionShape {
    pub(crate) player_session_id: String,
    pub(crate) player_id: String,
    pub(crate) game_session_id: String,
    pub(crate) fleet_id: String,
    pub(crate) fleet_arn: String,
    pub(crate) creation_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) termination_time: Option<Timestamp>,
    pub(crate) status: &'static str,
    pub(crate) ip_address: String,
    pub(crate) dns_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) player_data: Option<String>,
}

pub(crate) fn player_session(core: &Core, ps: &PlayerSession) -> PlayerSessionShape {
    PlayerSessionShape {
        player_session_id: ps.id.clone(),
        player_id: ps.player_id.clone(),
        game_session_id: ps.game_session_id.clone(),
        fleet_id: ps.fleet_id.clone(),
        fleet_arn: fleet_arn(core, &ps.fleet_id),
        creation_time: Timestamp::from_epoch_millis(ps.creation_time as i64),
        termination_time: ps
            .termination_time
            .map(|t| Timestamp::from_epoch_millis(t as i64)),
        status: ps.status.as_str(),
        ip_address: ps.ip_address.clone(),
        dns_name: ps.dns_name.clone(),
        port: ps.port.filter(|p| (1..=60000).contains(p)),
        player_data: ps.player_data.clone(),
    }
}

/// AnywhereConfiguration, in CreateFleet's input and in FleetAttributes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AnywhereConfigurationShape {
    pub(crate) cost: String,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CertificateConfigurationShape {
    pub(crate) certificate_type: &'static str,
}

/// FleetAttributes of an Anywhere fleet: the members the service answers for one (the
/// developer guide's CreateFleet example response for an Anywhere fleet, "Create an Amazon
/// GameLift Servers Anywhere fleet": FleetId, FleetArn, Name, CreationTime, Status,
/// MetricGroups, CertificateConfiguration, ComputeType; no FleetType, which is about EC2
/// On-Demand or Spot instances), plus the AnywhereConfiguration the fleet was given.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FleetAttributesShape {
    pub(crate) fleet_id: String,
    pub(crate) fleet_arn: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) creation_time: Option<Timestamp>,
    pub(crate) status: &'static str,
    pub(crate) metric_groups: [&'static str; 1],
    pub(crate) certificate_configuration: CertificateConfigurationShape,
    pub(crate) compute_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) anywhere_configuration: Option<AnywhereConfigurationShape>,
}

pub(crate) fn fleet_attributes(core: &Core, fleet: &Fleet) -> FleetAttributesShape {
    FleetAttributesShape {
        fleet_id: fleet.id.clone(),
        fleet_arn: fleet_arn(core, &fleet.id),
        name: fleet.name.clone(),
        creation_time: core
            .fleet_creation_time(&fleet.id)
            .map(|t| Timestamp::from_epoch_millis(t as i64)),
        // Anywhere fleets are ACTIVE as soon as they exist: there is nothing to provision.
        status: "ACTIVE",
        // The service's defaults in the same example: the "default" metric group, no
        // TLS certificate generated.
        metric_groups: ["default"],
        certificate_configuration: CertificateConfigurationShape {
            certificate_type: "DISABLED",
        },
        compute_type: "ANYWHERE",
        anywhere_configuration: core.fleet_anywhere_configuration(&fleet.id).map(|a| {
            AnywhereConfigurationShape {
                cost: a.cost.clone(),
            }
        }),
    }
}
