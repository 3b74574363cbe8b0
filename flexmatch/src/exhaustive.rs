//! The `exhaustiveSearch` strategy (matches of up to 40 players).
//!
//! Guide lines 430–440, the default algorithm:
//! 1. all tickets (match and backfill) go into the pool;
//! 2. the pool is split into batches (randomly, or after sorting by
//!    `sortByAttributes` / `batchDistance` attributes — line ~450);
//! 3. each batch is sorted by age (backfill tickets first or last with
//!    `backfillPriority` high or low — line ~525);
//! 4. matches are built around the oldest ticket of each batch.
//!
//! Cost stays linear in the pool: batches have a fixed size, each anchor
//! scans only its own batch, and nothing is recomputed for the whole pool
//! after a match. An anchor that cannot be matched (say its latency is over
//! the maximum everywhere) is simply passed over; the next ticket becomes the
//! anchor. Nothing stalls behind it (see docs/lessons-from-peers.md).
//!
//! Sort rules (`absoluteSort`, `distanceSort`, guide lines 3040–3081) order an
//! anchor's candidates relative to the anchor, in rule order.

use super::build::{Builder, Ctx, Found};
use super::metrics::accumulate;
use super::ruleset::{
    AgeSelection, BackfillPriority, Batching, MapKey, PartyAgg, RuleKind, SortDirection,
};
use super::store::{TicketRec, Val};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::cmp::Ordering;

/// Smallest batch; batches also hold at least eight matches' worth of players.
pub const MIN_BATCH: usize = 256;

/// Compares two tickets on the pre-batching sort keys: batchDistance attributes, then
/// sortByAttributes; a party's number is read under the key's aggregation.
pub(crate) fn key_order(
    cx: &Ctx<'_>,
    attrs: &[(usize, PartyAgg)],
    a: &TicketRec,
    b: &TicketRec,
) -> Ordering {
    for &(at, party) in attrs {
        let o = match (&a.players[0].attrs[at], &b.players[0].attrs[at]) {
            (Val::Num(_), Val::Num(_)) => a.num(0, at, party).total_cmp(&b.num(0, at, party)),
            (Val::Sym(x), Val::Sym(y)) => cx.store.syms.name(*x).cmp(cx.store.syms.name(*y)),
            _ => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Oldest first; ties by ticket id. Reads the flat creation times (cache-friendly) and
/// touches the tickets only on ties.
fn by_age(store: &super::store::Store, a: u32, b: u32) -> Ordering {
    store.created[a as usize]
        .cmp(&store.created[b as usize])
        .then_with(|| store.get(a).id.cmp(&store.get(b).id))
}

/// Attributes the pool is sorted on before batching, each with the party aggregation its
/// numbers are read under: a batchDistance rule's own (so parties sort where the rule will
/// judge them), avg for sortByAttributes (which has none).
pub(crate) fn batching_attrs(cx: &Ctx<'_>) -> Vec<(usize, PartyAgg)> {
    let mut attrs: Vec<(usize, PartyAgg)> = cx
        .rs
        .rules
        .iter()
        .filter_map(|r| match r.kind {
            RuleKind::BatchDistance { attr, party, .. } => Some((attr, party)),
            _ => None,
        })
        .collect();
    // String attributes first: tickets asking for the same value become adjacent.
    attrs.sort_by_key(|&(a, _)| cx.rs.attributes[a].kind != super::ruleset::AttrType::String);
    if cx.rs.algorithm.batching == Batching::Sorted {
        attrs.extend(cx.rs.algorithm.sort_by.iter().map(|&a| (a, PartyAgg::Avg)));
    }
    attrs
}

/// Leaves out of the pass the tickets that cannot be in any match now.
fn drop_hopeless_tickets(cx: &Ctx<'_>, slots: &mut Vec<u32>, totals: &mut [[u64; 2]]) {
    let store = cx.store;
    // A ticket that fails the rules on its own at its own age can be in no match (with
    // `newest` ages a match is never older than its newest ticket): leave it out of the
    // batches so it costs nothing while it waits for an expansion or its timeout.
    if cx.rs.algorithm.expansion_age == AgeSelection::Newest
        || cx.rs.params().boundaries().next().is_none()
    {
        let mut solo = Builder::new(cx.rs);
        slots.retain(|&s| {
            if store.is_backfill[s as usize] {
                return true;
            }
            solo.clear(cx);
            let ok = solo.try_add(cx, s);
            accumulate(totals, &solo.counters);
            ok
        });
        solo.clear(cx);
    }
}

/// One pass over `slots` (the tickets to consider). Returns the matches; `totals` gets every rule evaluation.
pub(crate) fn run(
    cx: &Ctx<'_>,
    mut slots: Vec<u32>,
    seed: u64,
    totals: &mut [[u64; 2]],
) -> Vec<Found> {
    let attrs = batching_attrs(cx);
    let store = cx.store;
    drop_hopeless_tickets(cx, &mut slots, totals);
    if attrs.is_empty() {
        // Sort first so the shuffle depends only on the tickets, not on slab layout history.
        // Sort (creation, slot) pairs: contiguous keys, no pointer chasing; ids only on ties.
        let mut keyed: Vec<(u64, u32)> = slots
            .iter()
            .map(|&s| (store.created[s as usize], s))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| store.get(a.1).id.cmp(&store.get(b.1).id))
        });
        slots.clear();
        slots.extend(keyed.iter().map(|k| k.1));
        slots.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    } else {
        slots.sort_by(|&a, &b| {
            let (x, y) = (store.get(a), store.get(b));
            key_order(cx, &attrs, x, y).then_with(|| by_age(store, a, b))
        });
    }
    let batch = MIN_BATCH.max(8 * cx.rs.max_match_players as usize);
    let mut b = Builder::new(cx.rs);
    let mut alt = Builder::new(cx.rs);
    let mut out = Vec::new();
    let mut sorter = Sorter::default();
    let mut keyed: Vec<(u8, u64, u32)> = Vec::with_capacity(batch);
    for chunk in slots.chunks_mut(batch) {
        let class = |s: u32| match (
            cx.rs.algorithm.backfill_priority,
            store.is_backfill[s as usize],
        ) {
            (BackfillPriority::High, true) | (BackfillPriority::Low, false) => 0u8,
            (BackfillPriority::High, false) | (BackfillPriority::Low, true) => 1,
            (BackfillPriority::Normal, _) => 0,
        };
        // Sort (class, creation, slot) keys: each ticket's fields are read once, not per comparison.
        keyed.clear();
        keyed.extend(
            chunk
                .iter()
                .map(|&s| (class(s), store.created[s as usize], s)),
        );
        keyed.sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| by_age(store, a.2, b.2))
        });
        for (dst, k) in chunk.iter_mut().zip(&keyed) {
            *dst = k.2;
        }
        run_batch(cx, chunk, &mut b, &mut alt, &mut sorter, &mut out, totals);
    }
    b.clear(cx);
    alt.clear(cx);
    out
}

/// Candidate ordering buffers for sort rules.
#[derive(Default)]
struct Sorter {
    keys: Vec<f64>,
    idx: Vec<usize>,
}

#[allow(clippy::too_many_arguments)]
fn run_batch(
    cx: &Ctx<'_>,
    batch: &[u32],
    b: &mut Builder,
    alt: &mut Builder,
    sorter: &mut Sorter,
    out: &mut Vec<Found>,
    totals: &mut [[u64; 2]],
) {
    let mut used = vec![false; batch.len()];
    let sort_rules: Vec<&RuleKind> = cx
        .rs
        .rules
        .iter()
        .map(|r| &r.kind)
        .filter(|k| {
            matches!(
                k,
                RuleKind::AbsoluteSort { .. } | RuleKind::DistanceSort { .. }
            )
        })
        .collect();
    for ai in 0..batch.len() {
        if used[ai] {
            continue;
        }
        let anchor = batch[ai];
        let anchor_rec = cx.store.get(anchor);
        b.clear(cx);
        let started = if anchor_rec.backfill {
            b.seed_backfill(cx, anchor);
            true
        } else {
            b.try_add(cx, anchor)
        };
        if started {
            order_candidates(cx, batch, ai, &sort_rules, sorter);
            for &j in &sorter.idx {
                if used[j] || cx.store.is_backfill[batch[j] as usize] {
                    continue;
                }
                b.try_add(cx, batch[j]);
                if b.is_full(cx) {
                    break;
                }
            }
            if b.finish(cx, 1) {
                let mut m = b.to_found(cx);
                if let Some(mut better) = super::balanced::rebalance(cx, b, alt) {
                    better.m.rule_metrics = std::mem::take(&mut m.m.rule_metrics);
                    m = better;
                }
                for &t in &b.tickets {
                    if let Some(k) = batch.iter().position(|&x| x == t) {
                        used[k] = true;
                    }
                }
                out.push(m);
            }
        }
        accumulate(totals, &b.counters);
    }
}

/// For a map attribute, the key the anchor holds its highest (or lowest) value under.
fn anchor_map_key(v: &Val, map_key: &MapKey) -> Option<u32> {
    let Val::Map(m) = v else {
        return None;
    };
    let pick = m.iter().copied().reduce(|a, b| match map_key {
        MapKey::MaxValue => {
            if b.1 > a.1 {
                b
            } else {
                a
            }
        }
        MapKey::MinValue => {
            if b.1 < a.1 {
                b
            } else {
                a
            }
        }
    });
    pick.map(|(key, _)| key)
}

/// Sorts candidate positions by their `k` keys each (row `x` at `keys[x * k..]`), in order.
fn sort_by_keys(idx: &mut [usize], keys: &[f64], k: usize) {
    idx.sort_by(|&x, &y| {
        for r in 0..k {
            let (a, b) = (keys[x * k + r], keys[y * k + r]);
            // Unknown values (NaN) sort last.
            let o = match (a.is_nan(), b.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => a.total_cmp(&b),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

/// Fills `sorter.idx` with the batch positions other than `ai`, in the order candidates are tried.
fn order_candidates(cx: &Ctx<'_>, batch: &[u32], ai: usize, rules: &[&RuleKind], s: &mut Sorter) {
    s.idx.clear();
    s.idx.extend((0..batch.len()).filter(|&j| j != ai));
    if rules.is_empty() {
        return;
    }
    let k = rules.len();
    s.keys.clear();
    s.keys.resize(batch.len() * k, f64::NAN);
    let anchor = cx.store.get(batch[ai]);
    for (r, kind) in rules.iter().enumerate() {
        let (RuleKind::AbsoluteSort {
            direction,
            attr,
            map_key,
            party,
        }
        | RuleKind::DistanceSort {
            direction,
            attr,
            map_key,
            party,
        }) = kind
        else {
            continue;
        };
        let distance = matches!(kind, RuleKind::DistanceSort { .. });
        // For a map attribute, the key chosen on the anchor (its highest or lowest value).
        let anchor_key = anchor_map_key(&anchor.players[0].attrs[*attr], map_key);
        let value = |t: &TicketRec| -> f64 {
            match (&t.players[0].attrs[*attr], anchor_key) {
                (Val::Num(_), _) => t.num(0, *attr, *party),
                (Val::Map(m), Some(key)) => m
                    .iter()
                    .find(|(x, _)| *x == key)
                    .map_or(f64::NAN, |(_, v)| *v),
                _ => f64::NAN,
            }
        };
        let av = value(anchor);
        for (j, &slot) in batch.iter().enumerate() {
            let v = value(cx.store.get(slot));
            let v = if distance { (v - av).abs() } else { v };
            s.keys[j * k + r] = if *direction == SortDirection::Descending {
                -v
            } else {
                v
            };
        }
    }
    sort_by_keys(&mut s.idx, &s.keys, k);
}
