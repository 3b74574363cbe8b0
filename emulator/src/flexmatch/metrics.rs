//! `ruleEvaluationMetrics`: how often each rule passed and failed.
//!
//! Guide, event reference (002, line ~3251): each matchmaking event carries
//! `"ruleEvaluationMetrics": [{"ruleName": "EvenSkill", "passedCount": 3,
//! "failedCount": 0}, …]`. Counts here are rule evaluations made while
//! building a match (each ticket tried against the potential match counts
//! once per rule judged); a pass also reports the totals over all its work.
//! Counters are per rule only — never per ticket — so they cost nothing as
//! the pool grows.

use super::ruleset::RuleSet;

/// One entry of `ruleEvaluationMetrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMetric {
    pub rule_name: String,
    pub passed_count: u64,
    pub failed_count: u64,
}

impl RuleMetric {
    /// One entry per rule, in rule set order, from `[passed, failed]` counters.
    pub(crate) fn from_counters(rs: &RuleSet, counters: &[[u64; 2]]) -> Vec<RuleMetric> {
        rs.rules
            .iter()
            .zip(counters)
            .map(|(r, c)| RuleMetric {
                rule_name: r.name.clone(),
                passed_count: c[0],
                failed_count: c[1],
            })
            .collect()
    }
}

/// Adds `from` into `into` (same rule order).
pub(crate) fn accumulate(into: &mut [[u64; 2]], from: &[[u64; 2]]) {
    for (a, b) in into.iter_mut().zip(from) {
        a[0] += b[0];
        a[1] += b[1];
    }
}
