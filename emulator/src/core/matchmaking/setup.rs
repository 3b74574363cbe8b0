//! Applying the startup file's rule sets, queues and matchmaking configurations, so
//! `playfield serve` comes up with a matchmaker ready to take tickets.

use super::configurations::ConfigurationSpec;
use super::queues::QueueSpec;
use crate::clock::Millis;
use crate::config;
use crate::core::{Core, CoreError};

/// The matchmaking part of a [`config::Config`], as the daemon applies it.
#[derive(Debug, Clone, Default)]
pub struct MatchmakingSetup {
    pub account_id: Option<String>,
    pub rule_sets: Vec<config::RuleSet>,
    pub queues: Vec<config::Queue>,
    pub configurations: Vec<config::MatchmakingConfiguration>,
}

impl MatchmakingSetup {
    pub fn from_config(c: &config::Config) -> Self {
        Self {
            account_id: Some(c.account_id.clone()),
            rule_sets: c.rule_sets.clone(),
            queues: c.queues.clone(),
            configurations: c.matchmaking_configurations.clone(),
        }
    }
}

impl Core {
    /// Creates every rule set, queue and configuration of the startup file, in that order
    /// (configurations refer to the other two). The first error names the item.
    pub fn apply_matchmaking_config(
        &mut self,
        now: Millis,
        setup: &MatchmakingSetup,
    ) -> Result<(), CoreError> {
        if let Some(a) = &setup.account_id {
            self.mm.account_id = a.clone();
        }
        let named = |what: &str, name: &str, e: CoreError| {
            CoreError::Matchmaking(format!("{what} '{name}': {e}"))
        };
        for rs in &setup.rule_sets {
            self.create_rule_set(now, &rs.name, &rs.body)
                .map_err(|e| named("rule set", &rs.name, e))?;
        }
        for q in &setup.queues {
            self.create_queue(QueueSpec {
                name: q.name.clone(),
                destinations: q.destinations.clone(),
                timeout_seconds: Some(q.timeout_seconds),
                player_latency_policies: q.player_latency_policies.clone(),
                custom_event_data: q.custom_event_data.clone(),
                notification_target: q.notification_target.clone(),
            })
            .map_err(|e| named("queue", &q.name, e))?;
        }
        for c in &setup.configurations {
            self.create_configuration(
                now,
                ConfigurationSpec {
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
                },
            )
            .map_err(|e| named("matchmaking configuration", &c.name, e))?;
            if c.post_processing_url.is_some() {
                self.set_post_processing_url(&c.name, c.post_processing_url.clone())
                    .map_err(|e| named("matchmaking configuration", &c.name, e))?;
            }
        }
        Ok(())
    }
}
