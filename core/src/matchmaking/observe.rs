//! Whole-state reads for observers (the daemon's dashboard and metrics): the lists the
//! service API never returns in one call, and a searching ticket's rule evaluations so far.
//!
//! Nothing here changes state; each read is linear in what it lists, so an observer that
//! holds the core's lock for one of them delays the matcher by that much only.

use super::placement::Placement;
use super::tickets::MatchmakingTicket;
use crate::notifications::RuleEvaluationMetric;
use crate::Core;

impl Core {
    /// Every ticket the core keeps (active, or finished within
    /// `RETENTION_MS`, 10 minutes), matchmaking and backfill alike, in no order.
    /// Unlike [`Core::ticket`] it does not fill in `estimated_wait_seconds`.
    pub fn tickets(&self) -> impl Iterator<Item = &MatchmakingTicket> {
        self.mm.tickets.values()
    }

    /// Every placement the core keeps (pending, or finished within the retention period).
    pub fn placements(&self) -> impl Iterator<Item = &Placement> {
        self.mm.placements.values()
    }

    /// A ticket's rule evaluations up to now, one per rule of its configuration's rule set
    /// in rule set order: those it took with it from pools it left, plus those of the pool it
    /// is searching in. This is what its `ruleEvaluationMetrics` would say if it ended now
    /// (seed 001 lines 67–79), so a searching ticket shows which rule keeps failing it.
    /// `None` for a ticket the core does not know.
    pub fn ticket_rule_evaluations(&self, id: &str) -> Option<Vec<RuleEvaluationMetric>> {
        let t = self.mm.tickets.get(id)?;
        let mut metrics = self.ticket_rule_metrics(t);
        let live = self
            .mm
            .pools
            .get(&t.configuration_name)
            .and_then(|p| p.evaluations(id))
            .unwrap_or_default();
        for (m, [passed, failed]) in metrics.iter_mut().zip(live) {
            m.passed_count = m.passed_count.saturating_add(passed);
            m.failed_count = m.failed_count.saturating_add(failed);
        }
        Some(metrics)
    }
}
