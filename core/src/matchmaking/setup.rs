//! Applying the startup file's rule sets, queues and matchmaking configurations, so
//! `playfield serve` comes up with a matchmaker ready to take tickets.
//!
//! The daemon's `config` module turns the startup file into a [`MatchmakingSetup`] of the
//! core's specs (`Config::matchmaking_setup`); [`Core::apply_matchmaking_config`] only
//! creates them.

use super::configurations::ConfigurationSpec;
use super::queues::QueueSpec;
use super::rule_sets::RuleSetSpec;
use crate::clock::Millis;
use crate::{Core, CoreError};

/// The matchmaking part of the startup file, as the core creates it.
#[derive(Debug, Clone, Default)]
pub struct MatchmakingSetup {
    /// Rule sets to create first.
    pub rule_sets: Vec<RuleSetSpec>,
    /// Queues to create next; configurations name both.
    pub queues: Vec<QueueSpec>,
    /// Each with its post-processing URL, set when the configuration is created.
    pub configurations: Vec<ConfigurationSpec>,
}

impl Core {
    /// Creates every rule set, queue and configuration of the startup file, in that order
    /// (configurations refer to the other two). The first error names the item.
    pub fn apply_matchmaking_config(
        &mut self,
        now: Millis,
        setup: &MatchmakingSetup,
    ) -> Result<(), CoreError> {
        let named = |what: &'static str, name: &str, e: CoreError| CoreError::InSetup {
            what,
            name: name.into(),
            source: Box::new(e),
        };
        for rs in &setup.rule_sets {
            self.create_rule_set(now, &rs.name, &rs.body)
                .map_err(|e| named("rule set", &rs.name, e))?;
        }
        for q in &setup.queues {
            self.create_queue(q.clone())
                .map_err(|e| named("queue", q.name.as_str(), e))?;
        }
        for c in &setup.configurations {
            self.create_configuration(now, c.clone())
                .map_err(|e| named("matchmaking configuration", c.name.as_str(), e))?;
        }
        Ok(())
    }
}
