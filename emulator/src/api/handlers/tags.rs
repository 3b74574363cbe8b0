//! Tagging operations (service-api.md: TagResource, UntagResource, ListTagsForResource) and
//! the `Tag` shape the Create* operations take in `Tags`.
//!
//! The core keeps the tags (`Core::tag_resource` and its siblings); these handlers only turn shapes into
//! key/value pairs and core errors into the modeled exceptions (NotFound for an ARN naming
//! no resource, TaggingFailed over the per-resource limit, InvalidRequest otherwise).

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use crate::api::types::Empty;
use crate::api::{ApiError, Ctx, Router};
use crate::wiring::hub::Shared;

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("TagResource", tag_resource)
        .register("UntagResource", untag_resource)
        .register("ListTagsForResource", list_tags_for_resource)
}

/// `Tag`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TagShape {
    key: String,
    #[serde(default)]
    value: String,
}

/// A `Tags` member as key/value pairs (absent: none).
pub(crate) fn pairs(tags: Option<Vec<TagShape>>) -> Vec<(String, String)> {
    tags.into_iter()
        .flatten()
        .map(|t| (t.key, t.value))
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TagResourceInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tags: Vec<TagShape>,
}

fn tag_resource(ctx: &mut Ctx<'_, Shared>, input: TagResourceInput) -> Result<Empty, ApiError> {
    let keys: Vec<String> = input.tags.iter().map(|t| t.key.clone()).collect();
    let arn = input.resource_arn;
    let tags = pairs(Some(input.tags));
    ctx.state()
        .execute(|core, _| core.tag_resource(&arn, tags))
        .map_err(|e| api_error(ctx, e))?;
    tracing::info!(target: "playfield", "resource {arn} tagged: {}", keys.join(", "));
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UntagResourceInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tag_keys: Vec<String>,
}

fn untag_resource(ctx: &mut Ctx<'_, Shared>, input: UntagResourceInput) -> Result<Empty, ApiError> {
    let arn = input.resource_arn;
    ctx.state()
        .execute(|core, _| core.untag_resource(&arn, &input.tag_keys))
        .map_err(|e| api_error(ctx, e))?;
    tracing::info!(
        target: "playfield",
        "resource {arn} untagged: {}",
        input.tag_keys.join(", ")
    );
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListTagsInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListTagsOutput {
    tags: Vec<TagShape>,
}

fn list_tags_for_resource(
    ctx: &mut Ctx<'_, Shared>,
    input: ListTagsInput,
) -> Result<ListTagsOutput, ApiError> {
    let tags = ctx
        .state()
        .read(|core| core.list_tags(&input.resource_arn))
        .map_err(|e| api_error(ctx, e))?;
    Ok(ListTagsOutput {
        tags: tags
            .into_iter()
            .map(|(key, value)| TagShape { key, value })
            .collect(),
    })
}
