//! The startup file's matchmaking part as the core's specs: the one place that copies the
//! checked `[[rule_sets]]`, `[[queues]]` and `[[matchmaking_configurations]]` entries into
//! what `Core::apply_matchmaking_config` creates.

use super::{Config, MatchmakingConfiguration, Queue};
use playfield_core::matchmaking::configurations::ConfigurationSpec;
use playfield_core::matchmaking::queues::QueueSpec;
use playfield_core::matchmaking::rule_sets::RuleSetSpec;
use playfield_core::matchmaking::MatchmakingSetup;

impl Config {
    /// The rule sets, queues and matchmaking configurations to create, in the file's order.
    pub fn matchmaking_setup(&self) -> MatchmakingSetup {
        MatchmakingSetup {
            rule_sets: self
                .rule_sets
                .iter()
                .map(|r| RuleSetSpec {
                    name: r.name.clone(),
                    body: r.body.clone(),
                })
                .collect(),
            queues: self.queues.iter().map(QueueSpec::from).collect(),
            configurations: self
                .matchmaking_configurations
                .iter()
                .map(ConfigurationSpec::from)
                .collect(),
        }
    }
}

/// The startup file's `[[queues]]` entry, as the core creates it.
impl From<&Queue> for QueueSpec {
    fn from(q: &Queue) -> Self {
        Self {
            name: q.name.clone(),
            destinations: q.destinations.clone(),
            timeout_seconds: Some(q.timeout_seconds),
            player_latency_policies: q.player_latency_policies.clone(),
            custom_event_data: q.custom_event_data.clone(),
            notification_target: q.notification_target.clone(),
            allowed_locations: q.allowed_locations.clone(),
            priority_order: q.priority_order.clone(),
            location_order: q.location_order.clone(),
        }
    }
}

/// The startup file's `[[matchmaking_configurations]]` entry, as the core creates it.
impl From<&MatchmakingConfiguration> for ConfigurationSpec {
    fn from(c: &MatchmakingConfiguration) -> Self {
        Self {
            name: c.name.clone(),
            description: c.description.clone(),
            rule_set: c.rule_set.clone(),
            flex_match_mode: c.flex_match_mode,
            game_session_queues: c.queue.iter().cloned().collect(),
            request_timeout_seconds: c.request_timeout_seconds,
            acceptance_required: c.acceptance_required,
            acceptance_timeout_seconds: c.acceptance_timeout_seconds,
            backfill_mode: c.backfill_mode,
            additional_player_count: c.additional_player_count,
            game_properties: c.game_properties.clone(),
            game_session_data: c.game_session_data.clone(),
            custom_event_data: c.custom_event_data.clone(),
            notification_target: c.notification_target.clone(),
            post_processing_url: c.post_processing_url.clone(),
        }
    }
}
