//! The startup file's matchmaking part as what `Core::apply_matchmaking_config` creates:
//! queues and configurations are already the core's specs, rule sets become its
//! [`RuleSetSpec`]s.

use super::Config;
use playfield_core::MatchmakingSetup;
use playfield_core::RuleSetSpec;

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
            queues: self.queues.clone(),
            configurations: self.matchmaking_configurations.clone(),
        }
    }
}
