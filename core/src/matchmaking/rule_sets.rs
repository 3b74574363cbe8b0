//! Matchmaking rule sets: named, validated rule set bodies (service-api.md §9.1,
//! CreateMatchmakingRuleSet … DeleteMatchmakingRuleSet).
//!
//! A rule set is checked once, when it is created; the parsed form is shared (`Arc`) by every
//! configuration and pool that uses it. Rule sets cannot be changed, only deleted, and not
//! while a configuration uses one, as in the service.

use std::sync::Arc;

use crate::clock::Millis;
use crate::{Core, CoreError};
use playfield_flexmatch::RuleSet;

/// A matchmaking rule set the core holds: the FlexMatch rules that form matches, as given
/// and as parsed (the service's `MatchmakingRuleSet`).
#[derive(Debug, Clone)]
pub struct MatchmakingRuleSet {
    /// The rule set's unique name.
    pub name: String,
    /// Its ARN (`arn:aws:gamelift:<region>:<account>:matchmakingruleset/<name>`).
    pub arn: String,
    /// The rule set's JSON text as given (`RuleSetBody`), answered back unchanged.
    pub body: String,
    /// When it was created (epoch ms).
    pub creation_time: Millis,
    /// The body parsed by the rule engine, shared with the pools that use it.
    pub parsed: Arc<RuleSet>,
}

/// What CreateMatchmakingRuleSet takes: a name and the rule set's JSON text, checked when the
/// core creates it (the startup file's `[[rule_sets]]` entries arrive as these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetSpec {
    /// The rule set's name.
    pub name: String,
    /// The rule set's JSON text (`RuleSetBody`).
    pub body: String,
}

/// `[a-zA-Z0-9-\.]{1,128}`: names of rule sets and configurations.
pub(crate) fn check_name(what: &'static str, name: &str) -> Result<(), CoreError> {
    match name_problem(name) {
        Some(problem) => Err(CoreError::param(what, problem)),
        None => Ok(()),
    }
}

/// What is wrong with a rule set or configuration name (`[a-zA-Z0-9-\.]{1,128}`), if
/// anything: the one rule the core and the startup file apply.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 128 {
        return Some(format!("must be 1..128 characters, got {}", name.len()));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
        .map(|c| format!("'{name}' contains {c:?}; only letters, digits, '-' and '.' are allowed"))
}

/// A name, or the ARN whose last part is the name (`…:matchmakingruleset/<name>`): the
/// matchmaking modules' name for [`resource_id_of`](crate::arn::resource_id_of).
pub(crate) use crate::arn::resource_id_of as name_of;

impl Core {
    /// ValidateMatchmakingRuleSet: every problem, located by JSON path.
    pub fn validate_rule_set(body: &str) -> Result<RuleSet, CoreError> {
        RuleSet::parse(body).map_err(|e| CoreError::param("RuleSetBody", e))
    }

    /// CreateMatchmakingRuleSet.
    pub fn create_rule_set(
        &mut self,
        now: Millis,
        name: &str,
        body: &str,
    ) -> Result<MatchmakingRuleSet, CoreError> {
        check_name("Name", name)?;
        if self.mm.rule_sets.contains_key(name) {
            return Err(CoreError::NameTaken {
                what: "matchmaking rule set",
                name: name.into(),
            });
        }
        let parsed = Arc::new(Self::validate_rule_set(body)?);
        let rs = MatchmakingRuleSet {
            name: name.into(),
            arn: self.cfg.arns().matchmaking_rule_set(name).into(),
            body: body.into(),
            creation_time: now,
            parsed,
        };
        self.mm.rule_sets.insert(name.into(), rs.clone());
        Ok(rs)
    }

    /// The ARN of the rule set named `name`, as DescribeMatchmakingConfigurations shows it
    /// beside the name a configuration keeps (the same ARN the rule set was created with).
    pub fn rule_set_arn(&self, name: &str) -> String {
        self.cfg.arns().matchmaking_rule_set(name_of(name)).into()
    }

    /// DescribeMatchmakingRuleSets: the named ones (all when `names` is empty), sorted by name.
    pub fn describe_rule_sets(
        &self,
        names: &[String],
    ) -> Result<Vec<MatchmakingRuleSet>, CoreError> {
        if names.is_empty() {
            return Ok(self.mm.rule_sets.values().cloned().collect());
        }
        names
            .iter()
            .map(|n| {
                self.mm
                    .rule_sets
                    .get(name_of(n))
                    .cloned()
                    .ok_or_else(|| CoreError::NotFound {
                        what: "matchmaking rule set",
                        id: n.clone(),
                    })
            })
            .collect()
    }

    /// DeleteMatchmakingRuleSet: refused while a configuration uses it.
    pub fn delete_rule_set(&mut self, name: &str) -> Result<(), CoreError> {
        let name = name_of(name);
        if !self.mm.rule_sets.contains_key(name) {
            return Err(CoreError::NotFound {
                what: "matchmaking rule set",
                id: name.into(),
            });
        }
        if let Some(c) = self
            .mm
            .configurations
            .values()
            .find(|c| c.spec.rule_set == name)
        {
            return Err(CoreError::RuleSetInUse {
                name: name.into(),
                configuration: c.spec.name.to_string(),
            });
        }
        if let Some(r) = self.mm.rule_sets.remove(name) {
            self.forget_tags(&r.arn);
        }
        Ok(())
    }
}
