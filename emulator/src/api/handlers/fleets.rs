//! Fleets and locations: CreateFleet (Anywhere only), DescribeFleetAttributes, ListFleets,
//! CreateLocation.
//!
//! Playfield hosts game servers that run on the developer's machine, which is what an
//! Anywhere fleet is; an EC2 fleet would need builds and instances that do not exist
//! here, so CreateFleet refuses `ComputeType` EC2 with a message saying so. CreateFleet's
//! `Tags` are checked before the fleet is made and kept by the core (see [`super::tags`]).

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use super::paging::page;
use super::shapes::{self, FleetAttributesShape};
use super::tags::{pairs, TagShape};
use crate::api::{ApiError, Ctx, ErrorCode, Router};
use crate::wiring::hub::Shared;
use playfield_core::resource_id_of;
use playfield_core::{AnywhereConfiguration, Core, CreateFleet};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("CreateFleet", create_fleet)
        .register("DescribeFleetAttributes", describe_fleet_attributes)
        .register("ListFleets", list_fleets)
        .register("CreateLocation", create_location)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LocationConfiguration {
    location: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateFleetInput {
    name: String,
    compute_type: Option<String>,
    #[serde(default)]
    locations: Vec<LocationConfiguration>,
    anywhere_configuration: Option<shapes::AnywhereConfigurationShape>,
    tags: Option<Vec<TagShape>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LocationState {
    location: String,
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateFleetOutput {
    fleet_attributes: FleetAttributesShape,
    location_states: Vec<LocationState>,
}

fn create_fleet(
    ctx: &mut Ctx<'_, Shared>,
    input: CreateFleetInput,
) -> Result<CreateFleetOutput, ApiError> {
    if input.compute_type.as_deref() != Some("ANYWHERE") {
        return Err(ctx.error(
            ErrorCode::InvalidRequest,
            format!(
                "ComputeType {}: Playfield hosts Anywhere fleets only (game servers on this machine); \
                 set ComputeType to ANYWHERE",
                input.compute_type.as_deref().unwrap_or("(not given, EC2 by default)")
            ),
        ));
    }
    let req = CreateFleet {
        name: input.name,
        locations: input.locations.into_iter().map(|l| l.location).collect(),
        anywhere: input
            .anywhere_configuration
            .map(|a| AnywhereConfiguration { cost: a.cost }),
    };
    let tags = pairs(input.tags);
    ctx.state().execute(|core, now| {
        Core::check_new_tags(&tags).map_err(|e| api_error(ctx, e))?;
        let fleet = core.create_fleet(now, req).map_err(|e| api_error(ctx, e))?;
        core.tag_resource(&shapes::fleet_arn(core, &fleet.id), tags)
            .map_err(|e| api_error(ctx, e))?;
        Ok(CreateFleetOutput {
            fleet_attributes: shapes::fleet_attributes(core, &fleet),
            location_states: fleet
                .locations
                .iter()
                .map(|l| LocationState {
                    location: l.clone(),
                    status: "ACTIVE",
                })
                .collect(),
        })
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeFleetAttributesInput {
    fleet_ids: Option<Vec<String>>,
    limit: Option<i32>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeFleetAttributesOutput {
    fleet_attributes: Vec<FleetAttributesShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn describe_fleet_attributes(
    ctx: &mut Ctx<'_, Shared>,
    input: DescribeFleetAttributesInput,
) -> Result<DescribeFleetAttributesOutput, ApiError> {
    let all = ctx.state().read(|core| match &input.fleet_ids {
        // Unknown ids are left out, as the service does.
        Some(ids) => ids
            .iter()
            .filter_map(|id| core.fleet(resource_id_of(id)))
            .map(|f| shapes::fleet_attributes(core, f))
            .collect::<Vec<_>>(),
        None => core
            .fleets()
            .map(|f| shapes::fleet_attributes(core, f))
            .collect(),
    });
    let (fleet_attributes, next_token) = page(
        all,
        "fleets",
        input.limit,
        input.next_token.as_deref(),
        50,
        100,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
    Ok(DescribeFleetAttributesOutput {
        fleet_attributes,
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListFleetsInput {
    limit: Option<i32>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListFleetsOutput {
    fleet_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn list_fleets(
    ctx: &mut Ctx<'_, Shared>,
    input: ListFleetsInput,
) -> Result<ListFleetsOutput, ApiError> {
    let ids: Vec<String> = ctx
        .state()
        .read(|core| core.fleets().map(|f| f.id.clone()).collect());
    let (fleet_ids, next_token) = page(
        ids,
        "fleets",
        input.limit,
        input.next_token.as_deref(),
        50,
        100,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
    Ok(ListFleetsOutput {
        fleet_ids,
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateLocationInput {
    location_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LocationModel {
    location_name: String,
    location_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateLocationOutput {
    location: LocationModel,
}

fn create_location(
    ctx: &mut Ctx<'_, Shared>,
    input: CreateLocationInput,
) -> Result<CreateLocationOutput, ApiError> {
    let name = input.location_name;
    let arn = ctx.state().execute(|core, now| {
        core.create_location(now, &name)
            .map_err(|e| api_error(ctx, e))?;
        Ok::<_, ApiError>(shapes::location_arn(core, &name))
    })?;
    tracing::info!(target: "playfield", "custom location {name} created");
    Ok(CreateLocationOutput {
        location: LocationModel {
            location_name: name,
            location_arn: arn,
        },
    })
}
