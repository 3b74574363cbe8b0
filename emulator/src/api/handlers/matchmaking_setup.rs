//! Rule set and matchmaking configuration operations (service-api.md §9.1):
//! Create/Describe/Validate/DeleteMatchmakingRuleSet(s) and
//! Create/Describe/Update/DeleteMatchmakingConfiguration(s).
//!
//! The request and response structs here are wire shapes only: Create lays its input over
//! the core's `ConfigurationSpec::service_defaults`, Update over the configuration's spec as
//! it stands (only `Name` is required; members left out are kept), and the core checks the
//! spec; Describe renders the core's record (spec, ARN, creation time) with the rule set's
//! and queues' ARNs.
//! The two Describe operations page by `Limit`/`NextToken` (at most 10 a page, as the model
//! says for both) over the core's name order. The Create operations' `Tags` are checked
//! before the resource is made and kept by the core (see [`super::tags`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use super::paging::page;
use super::tags::{pairs, TagShape};
use crate::api::types::Timestamp;
use crate::api::{ApiError, Ctx, ErrorCode, Router};
use crate::wiring::hub::Shared;
use playfield_core::ConfigurationName;
use playfield_core::ConfigurationSpec;
use playfield_core::Core;
use playfield_core::{BackfillMode, FlexMatchMode, MatchmakingConfiguration, MatchmakingRuleSet};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("CreateMatchmakingRuleSet", create_rule_set)
        .register("DescribeMatchmakingRuleSets", describe_rule_sets)
        .register("ValidateMatchmakingRuleSet", validate_rule_set)
        .register("DeleteMatchmakingRuleSet", delete_rule_set)
        .register("CreateMatchmakingConfiguration", create_configuration)
        .register("DescribeMatchmakingConfigurations", describe_configurations)
        .register("UpdateMatchmakingConfiguration", update_configuration)
        .register("DeleteMatchmakingConfiguration", delete_configuration)
}

fn ts(ms: u64) -> Timestamp {
    Timestamp::from_epoch_millis(ms as i64)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RuleSetShape {
    rule_set_name: String,
    rule_set_arn: String,
    rule_set_body: String,
    creation_time: Timestamp,
}

impl From<&MatchmakingRuleSet> for RuleSetShape {
    fn from(r: &MatchmakingRuleSet) -> Self {
        Self {
            rule_set_name: r.name.clone(),
            rule_set_arn: r.arn.clone(),
            rule_set_body: r.body.clone(),
            creation_time: ts(r.creation_time),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateRuleSetInput {
    name: String,
    rule_set_body: String,
    tags: Option<Vec<TagShape>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RuleSetOutput {
    rule_set: RuleSetShape,
}

fn create_rule_set(
    ctx: &mut Ctx<'_, Shared>,
    input: CreateRuleSetInput,
) -> Result<RuleSetOutput, ApiError> {
    let tags = pairs(input.tags);
    let rs = ctx
        .state()
        .execute(|core, now| {
            Core::check_new_tags(&tags)?;
            let rs = core.create_rule_set(now, &input.name, &input.rule_set_body)?;
            core.tag_resource(&rs.arn, tags)?;
            Ok(rs)
        })
        .map_err(|e| api_error(ctx, e))?;
    Ok(RuleSetOutput {
        rule_set: RuleSetShape::from(&rs),
    })
}

/// The most a Describe page holds here: `RuleSetLimit` is 1..10 in the model, and the
/// configurations' `Limit` "is limited to 10" by its documentation.
const PAGE_MAX: usize = 10;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NamesInput {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    rule_set_name: Option<String>,
    #[serde(default)]
    limit: Option<i32>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeRuleSetsOutput {
    rule_sets: Vec<RuleSetShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn describe_rule_sets(
    ctx: &mut Ctx<'_, Shared>,
    input: NamesInput,
) -> Result<DescribeRuleSetsOutput, ApiError> {
    let found = ctx
        .state()
        .read(|core| core.describe_rule_sets(&input.names))
        .map_err(|e| api_error(ctx, e))?;
    let (rule_sets, next_token) = page(
        found.iter().map(RuleSetShape::from).collect(),
        "rulesets",
        input.limit,
        input.next_token.as_deref(),
        PAGE_MAX,
        PAGE_MAX,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
    Ok(DescribeRuleSetsOutput {
        rule_sets,
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ValidateInput {
    rule_set_body: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ValidateOutput {
    valid: bool,
}

/// A body with problems answers InvalidRequestException listing each, located by JSON path
/// (as the service does; `Valid: false` is never sent).
fn validate_rule_set(
    ctx: &mut Ctx<'_, Shared>,
    input: ValidateInput,
) -> Result<ValidateOutput, ApiError> {
    Core::validate_rule_set(&input.rule_set_body).map_err(|e| api_error(ctx, e))?;
    Ok(ValidateOutput { valid: true })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NameInput {
    name: String,
}

fn delete_rule_set(ctx: &mut Ctx<'_, Shared>, input: NameInput) -> Result<(), ApiError> {
    ctx.state()
        .execute(|core, _| core.delete_rule_set(&input.name))
        .map_err(|e| api_error(ctx, e))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GamePropertyShape {
    key: String,
    value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfigurationShape {
    name: String,
    configuration_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    game_session_queue_arns: Vec<String>,
    request_timeout_seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    acceptance_timeout_seconds: Option<u32>,
    acceptance_required: bool,
    rule_set_name: String,
    rule_set_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    notification_target: Option<String>,
    additional_player_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_event_data: Option<String>,
    creation_time: Timestamp,
    game_properties: Vec<GamePropertyShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_data: Option<String>,
    backfill_mode: BackfillMode,
    flex_match_mode: FlexMatchMode,
}

fn shape(core: &Core, c: &MatchmakingConfiguration) -> ConfigurationShape {
    ConfigurationShape {
        name: c.spec.name.to_string(),
        configuration_arn: c.arn.clone(),
        description: c.spec.description.clone(),
        game_session_queue_arns: c
            .spec
            .game_session_queues
            .iter()
            .map(|q| {
                core.queue(q)
                    .map(|q| q.arn.clone())
                    .unwrap_or_else(|_| q.clone())
            })
            .collect(),
        request_timeout_seconds: c.spec.request_timeout_seconds,
        acceptance_timeout_seconds: c.spec.acceptance_timeout_seconds,
        acceptance_required: c.spec.acceptance_required,
        rule_set_name: c.spec.rule_set.clone(),
        rule_set_arn: core.rule_set_arn(&c.spec.rule_set),
        notification_target: c.spec.notification_target.clone(),
        additional_player_count: c.spec.additional_player_count,
        custom_event_data: c.spec.custom_event_data.clone(),
        creation_time: ts(c.creation_time),
        game_properties: c
            .spec
            .game_properties
            .iter()
            .map(|(k, v)| GamePropertyShape {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        game_session_data: c.spec.game_session_data.clone(),
        backfill_mode: c.spec.backfill_mode,
        flex_match_mode: c.spec.flex_match_mode,
    }
}

/// Create's and Update's members (Update: all optional but `Name`): laid over a spec by
/// [`ConfigurationInput::over`], with no defaults or checks of its own.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfigurationInput {
    name: ConfigurationName,
    description: Option<String>,
    game_session_queue_arns: Option<Vec<String>>,
    request_timeout_seconds: Option<u32>,
    acceptance_timeout_seconds: Option<u32>,
    acceptance_required: Option<bool>,
    rule_set_name: Option<String>,
    notification_target: Option<String>,
    additional_player_count: Option<u32>,
    custom_event_data: Option<String>,
    game_properties: Option<Vec<GamePropertyShape>>,
    game_session_data: Option<String>,
    backfill_mode: Option<BackfillMode>,
    flex_match_mode: Option<FlexMatchMode>,
    /// Create only (Update does not model it).
    tags: Option<Vec<TagShape>>,
}

impl ConfigurationInput {
    /// The input laid over `base` (defaults for Create, the current configuration for Update).
    fn over(self, mut s: ConfigurationSpec) -> ConfigurationSpec {
        s.name = self.name;
        if self.description.is_some() {
            s.description = self.description;
        }
        if let Some(q) = self.game_session_queue_arns {
            s.game_session_queues = q;
        }
        if let Some(v) = self.request_timeout_seconds {
            s.request_timeout_seconds = v;
        }
        if self.acceptance_timeout_seconds.is_some() {
            s.acceptance_timeout_seconds = self.acceptance_timeout_seconds;
        }
        if let Some(v) = self.acceptance_required {
            s.acceptance_required = v;
        }
        if let Some(v) = self.rule_set_name {
            s.rule_set = v;
        }
        if self.notification_target.is_some() {
            s.notification_target = self.notification_target;
        }
        if let Some(v) = self.additional_player_count {
            s.additional_player_count = v;
        }
        if self.custom_event_data.is_some() {
            s.custom_event_data = self.custom_event_data;
        }
        if let Some(p) = self.game_properties {
            s.game_properties = p
                .into_iter()
                .map(|g| (g.key, g.value))
                .collect::<BTreeMap<_, _>>();
        }
        if self.game_session_data.is_some() {
            s.game_session_data = self.game_session_data;
        }
        if let Some(v) = self.backfill_mode {
            s.backfill_mode = v;
        }
        if let Some(v) = self.flex_match_mode {
            s.flex_match_mode = v;
        }
        s
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfigurationOutput {
    configuration: ConfigurationShape,
}

fn create_configuration(
    ctx: &mut Ctx<'_, Shared>,
    mut input: ConfigurationInput,
) -> Result<ConfigurationOutput, ApiError> {
    let tags = pairs(input.tags.take());
    let spec = input.over(ConfigurationSpec::service_defaults(""));
    ctx.state()
        .execute(|core, now| {
            Core::check_new_tags(&tags)?;
            let c = core.create_configuration(now, spec)?;
            core.tag_resource(&c.arn, tags)?;
            Ok(shape(core, &c))
        })
        .map(|configuration| ConfigurationOutput { configuration })
        .map_err(|e| api_error(ctx, e))
}

fn update_configuration(
    ctx: &mut Ctx<'_, Shared>,
    input: ConfigurationInput,
) -> Result<ConfigurationOutput, ApiError> {
    ctx.state()
        .execute(|core, now| {
            let current = core.configuration(input.name.as_str())?.spec.clone();
            let c = core.update_configuration(now, input.over(current))?;
            Ok(shape(core, &c))
        })
        .map(|configuration| ConfigurationOutput { configuration })
        .map_err(|e| api_error(ctx, e))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeConfigurationsOutput {
    configurations: Vec<ConfigurationShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn describe_configurations(
    ctx: &mut Ctx<'_, Shared>,
    input: NamesInput,
) -> Result<DescribeConfigurationsOutput, ApiError> {
    let all: Vec<ConfigurationShape> = ctx
        .state()
        .read(|core| {
            let found =
                core.describe_configurations(&input.names, input.rule_set_name.as_deref())?;
            Ok(found.iter().map(|c| shape(core, c)).collect())
        })
        .map_err(|e| api_error(ctx, e))?;
    let (configurations, next_token) = page(
        all,
        "configurations",
        input.limit,
        input.next_token.as_deref(),
        PAGE_MAX,
        PAGE_MAX,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
    Ok(DescribeConfigurationsOutput {
        configurations,
        next_token,
    })
}

fn delete_configuration(ctx: &mut Ctx<'_, Shared>, input: NameInput) -> Result<(), ApiError> {
    ctx.state()
        .execute(|core, _| core.delete_configuration(&input.name))
        .map_err(|e| api_error(ctx, e))
}
