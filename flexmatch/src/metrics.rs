//! `ruleEvaluationMetrics`: how often each rule passed and failed.
//!
//! Guide, event reference (002, line ~3251): each matchmaking event carries
//! `"ruleEvaluationMetrics": [{"ruleName": "EvenSkill", "passedCount": 3,
//! "failedCount": 0}, …]`. Counts here are rule evaluations made while
//! building a match (each ticket tried against the potential match counts
//! once per rule judged); a pass also reports the totals over all its work.
//!
//! Per ticket (the `ruleEvaluationMetrics` of MatchmakingTimedOut, Cancelled and Failed,
//! seed 001 lines 69, 79, 87): every evaluation of a potential match that held the ticket
//! counts for it. The store keeps one `[passed, failed]` pair per rule per slot; a builder
//! notes its own counters when a ticket joins the potential match and credits the
//! difference when the ticket leaves it (see `Builder::credit`), so judging a match costs
//! nothing more however many tickets it holds. The pair is reset when the slot is reused,
//! and a ticket leaving the pool takes its counts with it ([`TicketEvaluations`]).

use super::ruleset::RuleSet;

/// One entry of `ruleEvaluationMetrics` (guide line ~3251): how often one rule passed and
/// failed. A count is one judgement of a potential match, made while building a match; a
/// ticket's counts are those of every potential match that held it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMetric {
    /// The rule's `name` in the rule set (shared with the rule set, not a copy).
    pub rule_name: std::sync::Arc<str>,
    /// Judgements the rule passed.
    pub passed_count: u64,
    /// Judgements the rule failed.
    pub failed_count: u64,
}

impl RuleMetric {
    /// One entry per rule, in rule set order, from `[passed, failed]` counters.
    pub(crate) fn from_counters(rs: &RuleSet, counters: &[[u64; 2]]) -> Vec<RuleMetric> {
        rs.rules
            .iter()
            .zip(counters)
            .map(|(r, c)| RuleMetric {
                rule_name: std::sync::Arc::clone(&r.name),
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

/// Per-rule `[passed, failed]` counts of several tickets, in rule set order: what each
/// ticket went through during its stay in a pool, counted as [`RuleMetric`] says. One flat
/// buffer for all the tickets of a pass: no allocation per match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketEvaluations {
    rules: usize,
    /// Flat: ticket `i`'s rule `r` at `i * rules + r` (`u32`, as the store keeps them).
    counts: Vec<[u32; 2]>,
}

impl TicketEvaluations {
    pub(crate) fn new(rules: usize) -> Self {
        TicketEvaluations {
            rules,
            counts: Vec::new(),
        }
    }

    /// Appends `tickets` tickets with no evaluations, for [`TicketEvaluations::set`].
    pub(crate) fn extend_zeroed(&mut self, tickets: usize) {
        self.counts
            .resize(self.counts.len() + tickets * self.rules, [0; 2]);
    }

    /// Sets ticket `i`'s counts (`rules` pairs).
    pub(crate) fn set(&mut self, i: usize, counts: impl Iterator<Item = [u32; 2]>) {
        let row = &mut self.counts[i * self.rules..(i + 1) * self.rules];
        for (slot, c) in row.iter_mut().zip(counts) {
            *slot = c;
        }
    }

    /// Number of tickets held.
    pub fn len(&self) -> usize {
        self.counts.len().checked_div(self.rules).unwrap_or(0)
    }

    /// True when it holds no ticket.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ticket `i`'s `[passed, failed]` per rule, in rule set order (none when out of range).
    pub fn of(&self, i: usize) -> impl Iterator<Item = [u64; 2]> + '_ {
        self.counts
            .get(i * self.rules..(i + 1) * self.rules)
            .unwrap_or(&[])
            .iter()
            .map(|[p, f]| [u64::from(*p), u64::from(*f)])
    }
}
