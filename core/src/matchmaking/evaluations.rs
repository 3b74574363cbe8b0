//! A ticket's `ruleEvaluationMetrics` over its whole search.
//!
//! Seed 001 lists `ruleEvaluationMetrics` among the details of MatchmakingTimedOut,
//! MatchmakingCancelled and MatchmakingFailed (lines 67, 77, 87) and its examples carry one
//! `{ruleName, passedCount, failedCount}` per rule of the rule set (line 69: a timed-out
//! ticket with `passedCount` 3 for each rule; line 79: a ticket cancelled before any
//! evaluation, every rule listed with 0 and 0; the guide shows the same at 002 lines
//! 3560–3581 and 3632–3656).
//!
//! The engine counts, per ticket, every evaluation of a potential match that held it (see
//! `flexmatch::metrics`) for as long as the ticket is in a pool. A ticket can be in a pool
//! several times (back after a failed proposal or a held match, moved to a new pool when
//! its configuration's rule set changes), so whenever it leaves one its counts are added
//! to the ticket here ([`MatchmakingTicket::rule_evaluations`], by rule name). An event
//! lists the rules of the ticket's rule set as it is now (a rule the ticket was judged by
//! before its configuration changed rule set is not shown). They are dropped once the
//! ticket's final event is out: nothing else shows them.

use super::tickets::MatchmakingTicket;
use crate::notifications as n;
use crate::Core;
use playfield_flexmatch::Match;
use playfield_flexmatch::{RuleMetric, TicketEvaluations};

/// Adds `counts` ([passed, failed] per rule of `names`, same order) to `into`, by rule name.
fn add(
    into: &mut Vec<RuleMetric>,
    names: &[std::sync::Arc<str>],
    counts: impl IntoIterator<Item = [u64; 2]>,
) {
    for (name, c) in names.iter().zip(counts) {
        match into.iter_mut().find(|m| m.rule_name == *name) {
            Some(m) => {
                m.passed_count = m.passed_count.saturating_add(c[0]);
                m.failed_count = m.failed_count.saturating_add(c[1]);
            }
            None => into.push(RuleMetric {
                rule_name: name.clone(),
                passed_count: c[0],
                failed_count: c[1],
            }),
        }
    }
}

impl Core {
    /// Names of the rules of `cfg`'s pool, in rule set order (the order of its counts).
    fn pool_rule_names(&self, cfg: &str) -> Vec<std::sync::Arc<str>> {
        self.mm
            .pools
            .get(cfg)
            .map(|p| p.rule_set().rules.iter().map(|r| r.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Takes ticket `id` out of `cfg`'s pool, keeping the evaluations it went through there.
    pub(crate) fn leave_pool(&mut self, cfg: &str, id: &str) {
        let Some(pool) = self.mm.pools.get_mut(cfg) else {
            return;
        };
        let counts = pool.evaluations(id);
        pool.remove(id);
        if let Some(counts) = counts {
            let names = self.pool_rule_names(cfg);
            if let Some(t) = self.mm.tickets.get_mut(id) {
                add(&mut t.rule_evaluations, &names, counts);
            }
        }
    }

    /// Keeps the evaluations of the tickets of `cfg`'s pool before the pool is replaced
    /// (the configuration's rule set changed).
    pub(crate) fn keep_pool_evaluations(&mut self, cfg: &str) {
        let Some(pool) = self.mm.pools.get(cfg) else {
            return;
        };
        let names = self.pool_rule_names(cfg);
        let counts: Vec<(String, Vec<[u64; 2]>)> = self
            .mm
            .tickets
            .values()
            .filter(|t| t.configuration_name == cfg)
            .filter_map(|t| Some((t.id.to_string(), pool.evaluations(&t.id)?)))
            .collect();
        for (id, c) in counts {
            if let Some(t) = self.mm.tickets.get_mut(&id) {
                add(&mut t.rule_evaluations, &names, c);
            }
        }
    }

    /// Keeps the evaluations of the tickets of a pass's matches, which left the pool with
    /// them (`evaluations` as the pass reported them: match by match, `ticket_ids` then the
    /// backfill ticket).
    pub(crate) fn keep_match_evaluations(
        &mut self,
        cfg: &str,
        matches: &[Match],
        evaluations: &TicketEvaluations,
    ) {
        let names = self.pool_rule_names(cfg);
        let ids = matches
            .iter()
            .flat_map(|m| m.ticket_ids.iter().chain(m.backfill_ticket_id.iter()));
        for (i, id) in ids.enumerate() {
            if let Some(t) = self.mm.tickets.get_mut(id) {
                add(&mut t.rule_evaluations, &names, evaluations.of(i));
            }
        }
    }

    /// `ruleEvaluationMetrics` of a ticket event: one entry per rule of the ticket's rule
    /// set, in rule set order, 0 and 0 for a rule it was never judged by (seed 001 line 79).
    pub(super) fn ticket_rule_metrics(
        &self,
        t: &MatchmakingTicket,
    ) -> Vec<n::RuleEvaluationMetric> {
        let names = self.pool_rule_names(&t.configuration_name);
        names
            .into_iter()
            .map(|rule_name| {
                let kept = t.rule_evaluations.iter().find(|m| m.rule_name == rule_name);
                n::RuleEvaluationMetric {
                    passed_count: kept.map_or(0, |m| m.passed_count),
                    failed_count: kept.map_or(0, |m| m.failed_count),
                    rule_name: rule_name.to_string(),
                }
            })
            .collect()
    }
}
