//! Game session queue operations (service-api.md §9.2): Create/Describe/Update/
//! DeleteGameSessionQueue(s). Destinations are fleet ARNs (answered as the caller gave them)
//! or fleet ids (answered as the fleet's ARN); placement goes to the fleet each names.
//! FilterConfiguration and PriorityConfiguration are stored, echoed and used by placement
//! (`Core::pick_process`); their enum values and list sizes are checked by the router's
//! model validation before a handler runs. LogConfiguration is not modelled. DescribeGameSessionQueues
//! pages by `Limit`/`NextToken` (up to 50 a page, as the model documents) in name order.
//! Create's `Tags` are checked before the queue is made and kept by the core
//! (see [`super::tags`]). The request and response structs are wire shapes only: Create
//! lays its input over `QueueSpec::default()`, Update over the queue's spec as it stands,
//! and the core checks the spec.

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use super::paging::page;
use super::tags::{pairs, TagShape};
use crate::api::{ApiError, Ctx, ErrorCode, Router};
use crate::wiring::hub::Shared;
use playfield_core::Core;
use playfield_core::PriorityType;
use playfield_core::QueueName;
use playfield_core::QueueSpec;
use playfield_core::{GameSessionQueue, PlayerLatencyPolicy};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("CreateGameSessionQueue", create_queue)
        .register("DescribeGameSessionQueues", describe_queues)
        .register("UpdateGameSessionQueue", update_queue)
        .register("DeleteGameSessionQueue", delete_queue)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DestinationShape {
    destination_arn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LatencyPolicyShape {
    #[serde(default)]
    maximum_individual_player_latency_milliseconds: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    policy_duration_seconds: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FilterShape {
    #[serde(default)]
    allowed_locations: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PriorityShape {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    priority_order: Vec<PriorityType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    location_order: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueueShape {
    name: String,
    game_session_queue_arn: String,
    timeout_in_seconds: u32,
    player_latency_policies: Vec<LatencyPolicyShape>,
    destinations: Vec<DestinationShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_event_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notification_target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter_configuration: Option<FilterShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority_configuration: Option<PriorityShape>,
}

fn shape(q: &GameSessionQueue) -> QueueShape {
    QueueShape {
        name: q.spec.name.to_string(),
        game_session_queue_arn: q.arn.clone(),
        timeout_in_seconds: q.spec.timeout_seconds,
        player_latency_policies: q
            .spec
            .player_latency_policies
            .iter()
            .map(|p| LatencyPolicyShape {
                maximum_individual_player_latency_milliseconds: p
                    .maximum_individual_player_latency_ms,
                policy_duration_seconds: p.policy_duration_seconds,
            })
            .collect(),
        destinations: q
            .spec
            .destinations
            .iter()
            .map(|d| DestinationShape {
                destination_arn: d.clone(),
            })
            .collect(),
        custom_event_data: q.spec.custom_event_data.clone(),
        notification_target: q.spec.notification_target.clone(),
        filter_configuration: (!q.spec.allowed_locations.is_empty()).then(|| FilterShape {
            allowed_locations: q.spec.allowed_locations.clone(),
        }),
        priority_configuration: (!q.spec.priority_order.is_empty()
            || !q.spec.location_order.is_empty())
        .then(|| PriorityShape {
            priority_order: q.spec.priority_order.clone(),
            location_order: q.spec.location_order.clone(),
        }),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueueInput {
    name: QueueName,
    timeout_in_seconds: Option<u32>,
    player_latency_policies: Option<Vec<LatencyPolicyShape>>,
    destinations: Option<Vec<DestinationShape>>,
    custom_event_data: Option<String>,
    notification_target: Option<String>,
    /// Create only (Update does not model it).
    tags: Option<Vec<TagShape>>,
    filter_configuration: Option<FilterShape>,
    priority_configuration: Option<PriorityShape>,
}

impl QueueInput {
    /// The input over `base` (the spec's default for Create, the current queue for Update).
    /// A configuration given replaces the one the queue had; one left out keeps it.
    fn over(self, mut s: QueueSpec) -> QueueSpec {
        if let Some(f) = self.filter_configuration {
            s.allowed_locations = f.allowed_locations;
        }
        if let Some(p) = self.priority_configuration {
            s.priority_order = p.priority_order;
            s.location_order = p.location_order;
        }
        s.name = self.name;
        if let Some(t) = self.timeout_in_seconds {
            s.timeout_seconds = t;
        }
        if let Some(p) = self.player_latency_policies {
            s.player_latency_policies = p
                .into_iter()
                .map(|p| PlayerLatencyPolicy {
                    maximum_individual_player_latency_ms: p
                        .maximum_individual_player_latency_milliseconds,
                    policy_duration_seconds: p.policy_duration_seconds,
                })
                .collect();
        }
        if let Some(d) = self.destinations {
            s.destinations = d.into_iter().map(|d| d.destination_arn).collect();
        }
        if self.custom_event_data.is_some() {
            s.custom_event_data = self.custom_event_data;
        }
        if self.notification_target.is_some() {
            s.notification_target = self.notification_target;
        }
        s
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueueOutput {
    game_session_queue: QueueShape,
}

fn create_queue(ctx: &mut Ctx<'_, Shared>, mut input: QueueInput) -> Result<QueueOutput, ApiError> {
    let tags = pairs(input.tags.take());
    let spec = input.over(QueueSpec::default());
    ctx.state()
        .execute(|core, _| {
            Core::check_new_tags(&tags)?;
            let q = core.create_queue(spec)?;
            core.tag_resource(&q.arn, tags)?;
            Ok(shape(&q))
        })
        .map(|game_session_queue| QueueOutput { game_session_queue })
        .map_err(|e| api_error(ctx, e))
}

fn update_queue(ctx: &mut Ctx<'_, Shared>, input: QueueInput) -> Result<QueueOutput, ApiError> {
    ctx.state()
        .execute(|core, _| {
            let current = core.queue(input.name.as_str())?.spec.clone();
            let q = core.update_queue(input.over(current))?;
            Ok(shape(&q))
        })
        .map(|game_session_queue| QueueOutput { game_session_queue })
        .map_err(|e| api_error(ctx, e))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NamesInput {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    limit: Option<i32>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeQueuesOutput {
    game_session_queues: Vec<QueueShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// "You can request up to 50 results" (the model's `Limit` documentation).
const PAGE_MAX: usize = 50;

fn describe_queues(
    ctx: &mut Ctx<'_, Shared>,
    input: NamesInput,
) -> Result<DescribeQueuesOutput, ApiError> {
    let queues = ctx.state().read(|core| {
        core.describe_queues(&input.names)
            .iter()
            .map(shape)
            .collect()
    });
    let (game_session_queues, next_token) = page(
        queues,
        "queues",
        input.limit,
        input.next_token.as_deref(),
        PAGE_MAX,
        PAGE_MAX,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
    Ok(DescribeQueuesOutput {
        game_session_queues,
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NameInput {
    name: String,
}

fn delete_queue(ctx: &mut Ctx<'_, Shared>, input: NameInput) -> Result<(), ApiError> {
    ctx.state()
        .execute(|core, _| core.delete_queue(&input.name))
        .map_err(|e| api_error(ctx, e))
}
