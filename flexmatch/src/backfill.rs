//! Backfill: filling the open slots of a running match.
//!
//! Guide, "优先考虑回填工单" (002, line ~520) and the backfill chapter (2218–2487):
//! a backfill ticket describes the players already in a game, each with the
//! team it plays on. FlexMatch looks for new tickets that, added to those
//! players, satisfy the rules in force — the same judging as for a new match,
//! starting from the existing teams instead of from an empty match. Two
//! backfill tickets are never matched together ("FlexMatch 不会将多张回填票证匹配在一起").
//!
//! A backfill scans at most [`SCAN_LIMIT`] candidates, oldest first, so a
//! backfill request costs the same on a pool of a thousand or a million.

use super::build::{Builder, Ctx, Found};

/// Most candidate tickets one backfill attempt looks at.
pub const SCAN_LIMIT: usize = 4096;

/// Tries to fill backfill ticket `slot` from `candidates` (tried in order). Backfill
/// candidates are skipped, and so are those `skip` names (taken earlier in the same pass).
/// Returns the match with the newcomers, if any fit.
pub(crate) fn fill(
    cx: &Ctx<'_>,
    b: &mut Builder,
    slot: u32,
    candidates: &[u32],
    skip: &dyn Fn(u32) -> bool,
) -> Option<Found> {
    b.clear(cx);
    b.seed_backfill(cx, slot);
    if b.is_full(cx) {
        return None;
    }
    let usable = candidates
        .iter()
        .copied()
        .filter(|&c| !cx.store.is_backfill(c) && !skip(c));
    for c in usable.take(SCAN_LIMIT) {
        b.try_add(cx, c);
        if b.is_full(cx) {
            break;
        }
    }
    b.finish(cx, 1).then(|| b.to_found(cx))
}
