//! Anywhere computes: RegisterCompute, DeregisterCompute, DescribeCompute, ListCompute,
//! GetComputeAuthToken.
//!
//! A registered compute answers with `GameLiftServiceSdkEndpoint`, the daemon's own
//! ws:// listener: what a game server on that compute passes to InitSDK as its WebSocket
//! URL, with the token from GetComputeAuthToken (checked only with `[auth] required`).

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use super::paging::page;
use crate::api::types::{Empty, Timestamp};
use crate::api::{ApiError, Ctx, ErrorCode, Router};
use crate::wiring::hub::Shared;
use playfield_core::resource_id_of;
use playfield_core::{Compute, Core, RegisterCompute};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("RegisterCompute", register_compute)
        .register("DeregisterCompute", deregister_compute)
        .register("DescribeCompute", describe_compute)
        .register("ListCompute", list_compute)
        .register("GetComputeAuthToken", get_compute_auth_token)
}

/// `arn:aws:gamelift:<region>:<account>:compute/<compute-name>`
fn compute_arn(core: &Core, name: &str) -> String {
    core.config().arns().compute(name).into()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ComputeShape {
    fleet_id: String,
    fleet_arn: String,
    compute_name: String,
    compute_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_name: Option<String>,
    compute_status: &'static str,
    location: String,
    creation_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_lift_service_sdk_endpoint: Option<String>,
}

fn shape(shared: &Shared, core: &Core, c: &Compute) -> ComputeShape {
    ComputeShape {
        fleet_id: c.fleet_id.clone(),
        fleet_arn: super::shapes::fleet_arn(core, &c.fleet_id),
        compute_name: c.name.clone(),
        compute_arn: compute_arn(core, &c.name),
        ip_address: c.ip_address.clone(),
        dns_name: c.dns_name.clone(),
        // Registered computes are ready at once: there is nothing to install.
        compute_status: "ACTIVE",
        location: c.location.clone(),
        creation_time: Timestamp::from_epoch_millis(c.creation_time as i64),
        game_lift_service_sdk_endpoint: shared.sdk_endpoint().map(str::to_string),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RegisterComputeInput {
    fleet_id: String,
    compute_name: String,
    dns_name: Option<String>,
    ip_address: Option<String>,
    location: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ComputeOutput {
    compute: ComputeShape,
}

fn register_compute(
    ctx: &mut Ctx<'_, Shared>,
    input: RegisterComputeInput,
) -> Result<ComputeOutput, ApiError> {
    let req = RegisterCompute {
        fleet_id: resource_id_of(&input.fleet_id).to_string(),
        name: input.compute_name,
        ip_address: input.ip_address,
        dns_name: input.dns_name,
        location: input.location,
    };
    let shared = ctx.state();
    let compute = shared.execute(|core, now| {
        let c = core
            .register_compute(now, req)
            .map_err(|e| api_error(ctx, e))?;
        Ok::<_, ApiError>(shape(shared, core, &c))
    })?;
    tracing::info!(
        target: "playfield",
        "compute {} registered in fleet {} ({})",
        compute.compute_name,
        compute.fleet_id,
        compute.location
    );
    Ok(ComputeOutput { compute })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ComputeRef {
    fleet_id: String,
    compute_name: String,
}

fn deregister_compute(ctx: &mut Ctx<'_, Shared>, input: ComputeRef) -> Result<Empty, ApiError> {
    let (fleet_id, name) = (
        resource_id_of(&input.fleet_id),
        resource_id_of(&input.compute_name),
    );
    ctx.state()
        .execute(|core, _| core.deregister_compute(fleet_id, name))
        .map_err(|e| api_error(ctx, e))?;
    tracing::info!(target: "playfield", "compute {name} deregistered from fleet {fleet_id}");
    Ok(Empty::default())
}

fn describe_compute(
    ctx: &mut Ctx<'_, Shared>,
    input: ComputeRef,
) -> Result<ComputeOutput, ApiError> {
    let (fleet_id, name) = (
        resource_id_of(&input.fleet_id),
        resource_id_of(&input.compute_name),
    );
    let shared = ctx.state();
    shared.read(|core| {
        let c = core
            .compute(fleet_id, name)
            .map_err(|e| api_error(ctx, e))?;
        Ok(ComputeOutput {
            compute: shape(shared, core, c),
        })
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListComputeInput {
    fleet_id: String,
    location: Option<String>,
    compute_status: Option<String>,
    limit: Option<i32>,
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListComputeOutput {
    compute_list: Vec<ComputeShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn list_compute(
    ctx: &mut Ctx<'_, Shared>,
    input: ListComputeInput,
) -> Result<ListComputeOutput, ApiError> {
    let fleet_id = resource_id_of(&input.fleet_id);
    let shared = ctx.state();
    let all: Vec<ComputeShape> = shared.read(|core| {
        // ListCompute does not model NotFoundException: an unknown fleet is a bad request.
        core.require_fleet(fleet_id)
            .map_err(|e| api_error(ctx, e))?;
        Ok::<_, ApiError>(
            core.computes_of(fleet_id, input.location.as_deref())
                .into_iter()
                .map(|c| shape(shared, core, c))
                // Every compute here is ACTIVE; none is IMPAIRED.
                .filter(|_| input.compute_status.as_deref() != Some("IMPAIRED"))
                .collect(),
        )
    })?;
    let (compute_list, next_token) = page(
        all,
        "computes",
        input.limit,
        input.next_token.as_deref(),
        50,
        100,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
    Ok(ListComputeOutput {
        compute_list,
        next_token,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetComputeAuthTokenOutput {
    fleet_id: String,
    fleet_arn: String,
    compute_name: String,
    compute_arn: String,
    auth_token: String,
    expiration_timestamp: Timestamp,
}

fn get_compute_auth_token(
    ctx: &mut Ctx<'_, Shared>,
    input: ComputeRef,
) -> Result<GetComputeAuthTokenOutput, ApiError> {
    let (fleet_id, name) = (
        resource_id_of(&input.fleet_id),
        resource_id_of(&input.compute_name),
    );
    ctx.state().execute(|core, now| {
        let t = core
            .issue_compute_auth_token(now, fleet_id, name)
            .map_err(|e| api_error(ctx, e))?;
        Ok(GetComputeAuthTokenOutput {
            fleet_id: fleet_id.to_string(),
            fleet_arn: super::shapes::fleet_arn(core, fleet_id),
            compute_name: name.to_string(),
            compute_arn: compute_arn(core, name),
            auth_token: t.token,
            expiration_timestamp: Timestamp::from_epoch_millis(t.expires.unwrap_or(now) as i64),
        })
    })
}
