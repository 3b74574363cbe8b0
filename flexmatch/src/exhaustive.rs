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
use super::spread::{judged, Index, Spread};
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
    store
        .created(a)
        .cmp(&store.created(b))
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
            if store.is_backfill(s) {
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
        let mut keyed: Vec<(u64, u32)> = slots.iter().map(|&s| (store.created(s), s)).collect();
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
    // Room for as many matches as the pass makes when they are all full: a large pass does
    // not copy its list of matches over and over as it grows.
    let mut out = Vec::with_capacity(slots.len() / cx.rs.max_match_players.max(1) as usize);
    let mut sorter = Sorter::default();
    let mut keyed: Vec<(u8, u64, u32)> = Vec::with_capacity(batch);
    // Slots already in a match of this pass.
    let mut used = vec![false; store.slots.len()];
    for chunk in slots.chunks_mut(batch) {
        let class = |s: u32| match (cx.rs.algorithm.backfill_priority, store.is_backfill(s)) {
            (BackfillPriority::High, true) | (BackfillPriority::Low, false) => 0u8,
            (BackfillPriority::High, false) | (BackfillPriority::Low, true) => 1,
            (BackfillPriority::Normal, _) => 0,
        };
        // Sort (class, creation, slot) keys: each ticket's fields are read once, not per comparison.
        keyed.clear();
        keyed.extend(chunk.iter().map(|&s| (class(s), store.created(s), s)));
        keyed.sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| by_age(store, a.2, b.2))
        });
        for (dst, k) in chunk.iter_mut().zip(&keyed) {
            *dst = k.2;
        }
        store.prefetch_batch(chunk);
        run_batch(
            cx,
            chunk,
            &mut b,
            &mut alt,
            &mut sorter,
            &mut used,
            &mut out,
            totals,
        );
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
    used: &mut [bool],
    out: &mut Vec<Found>,
    totals: &mut [[u64; 2]],
) {
    let sort_rules = sort_rules(cx);
    // Tickets a spread rule keeps apart from the anchor would be refused: skip them unjudged.
    let spreads = Spread::of(cx.rs);
    for ai in 0..batch.len() {
        let anchor = batch[ai];
        if used[anchor as usize] {
            continue;
        }
        b.clear(cx);
        let started = if cx.store.is_backfill(anchor) {
            b.seed_backfill(cx, anchor);
            true
        } else {
            b.try_add(cx, anchor)
        };
        if started {
            // Without sort rules the candidates are the batch in order: no list to build.
            let sorted = !sort_rules.is_empty();
            if sorted {
                order_candidates(cx, batch, ai, &sort_rules, sorter);
            }
            for k in 0..batch.len() - 1 {
                let j = match (sorted, k < ai) {
                    (true, _) => sorter.idx[k],
                    (false, true) => k,
                    (false, false) => k + 1,
                };
                let c = batch[j];
                if used[c as usize]
                    || cx.store.is_backfill(c)
                    || !judged(cx, &spreads, anchor, c, &mut b.counters)
                {
                    continue;
                }
                b.try_add(cx, c);
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
                b.tickets.iter().for_each(|&t| used[t as usize] = true);
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

/// How a seeded pass treats the matches it builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seeded {
    /// A matchmaking cycle: every match the rules allow, each grown as far toward every team's
    /// maxPlayers as the pool allows (guide 002 line 594: "FlexMatch 试图将队伍填满最大玩家人数").
    Cycle,
    /// An arrival between cycles: only a match with every team at maxPlayers, which is ready
    /// at once (guide 002 line 193); looking at no more than `limit` candidates per seed, since
    /// whatever this misses the next cycle finds.
    FullOnly { limit: usize },
}

/// What a seeded pass found, and the seeds it had no work left for (oldest first).
pub(crate) struct SeededOut {
    pub found: Vec<Found>,
    pub unvisited: Vec<u32>,
}

/// Order of a seeded pass: backfill tickets first or last as `backfillPriority` says, then
/// oldest first, ties by ticket id.
fn seeded_order(cx: &Ctx<'_>, a: u32, b: u32) -> Ordering {
    let store = cx.store;
    let class = |s: u32| match (cx.rs.algorithm.backfill_priority, store.is_backfill(s)) {
        (BackfillPriority::High, true) | (BackfillPriority::Low, false) => 0u8,
        _ => 1,
    };
    (class(a), store.created(a))
        .cmp(&(class(b), store.created(b)))
        .then_with(|| by_age(store, a, b))
}

/// The seeds of a seeded pass, oldest first: `seeds` that can be in some match, and when a
/// regular ticket is among them every waiting backfill ticket of `pool` too (a newcomer may be
/// what it needs, and a backfill match forms at once: its game is running, full or not).
fn seeds_of(
    cx: &Ctx<'_>,
    seeds: &[u32],
    pool: &[u32],
    mode: Seeded,
    totals: &mut [[u64; 2]],
) -> Vec<u32> {
    let store = cx.store;
    let mut seeds = seeds.to_vec();
    if mode == Seeded::Cycle {
        drop_hopeless_tickets(cx, &mut seeds, totals);
    }
    if seeds.iter().any(|&s| !store.is_backfill(s)) {
        let new: std::collections::HashSet<u32> = seeds.iter().copied().collect();
        seeds.extend(
            pool.iter()
                .copied()
                .filter(|&s| store.is_backfill(s) && !new.contains(&s)),
        );
    }
    seeds.sort_by(|&a, &b| seeded_order(cx, a, b));
    seeds
}

/// Candidates for `seed`, in `pool` order, into `batch` after the seed: the waiting regular
/// tickets not yet used, less those a spread rule keeps apart from the seed (see
/// the `spread` module), found through `index` when there is one.
#[allow(clippy::too_many_arguments)]
fn candidates(
    cx: &Ctx<'_>,
    seed: u32,
    pool: &[u32],
    used: &[bool],
    spreads: &[Spread],
    index: Option<&mut Index>,
    near: &mut Vec<u32>,
    batch: &mut Vec<u32>,
    counters: &mut [[u64; 2]],
) {
    let store = cx.store;
    let free = |s: u32| s != seed && !used[s as usize] && !store.is_backfill(s);
    batch.clear();
    batch.push(seed);
    let indexed = index.is_some_and(|ix| ix.partners(cx, spreads, pool, seed, near));
    if indexed {
        batch.extend(near.iter().map(|&i| pool[i as usize]).filter(|&s| free(s)));
    } else {
        batch.extend(
            pool.iter()
                .copied()
                .filter(|&s| free(s) && judged(cx, spreads, seed, s, counters)),
        );
    }
}

/// A pass that builds matches only around `seeds` (the tickets that changed since the last
/// pass): any new match must hold one of them, since the rest were already tried against
/// each other at the same expansion step. Each seed, oldest first, is tried against every
/// other ticket of `pool` (oldest first, or in the sort rules' order), so two tickets that can
/// form a match always meet, however large the pool — batches cut at random could keep them
/// apart for ever (issue 14 item 5). Cost: O(seeds × pool) rule checks at worst, none for a
/// cycle in which nothing changed; a spread rule (see the `spread` module) cuts it to the
/// tickets within reach of each seed. Once `work` candidates were looked at (and at least
/// `min_seeds` seeds visited), the seeds left are returned unvisited.
pub(crate) fn run_seeded(
    cx: &Ctx<'_>,
    seeds: &[u32],
    mut pool: Vec<u32>,
    mode: Seeded,
    (work, min_seeds): (usize, usize),
    totals: &mut [[u64; 2]],
) -> SeededOut {
    let seeds = seeds_of(cx, seeds, &pool, mode, totals);
    let mut out = SeededOut {
        found: Vec::new(),
        unvisited: Vec::new(),
    };
    if seeds.is_empty() {
        return out;
    }
    let order = |a: &u32, b: &u32| seeded_order(cx, *a, *b);
    let limit = match mode {
        Seeded::Cycle => usize::MAX,
        Seeded::FullOnly { limit } => limit,
    };
    oldest(&mut pool, limit.saturating_add(seeds.len()), order);
    let spreads = Spread::of(cx.rs);
    // One seed looks through the pool at no more cost than building the index.
    let mut index =
        (!spreads.is_empty() && seeds.len() > 4).then(|| Index::build(cx, &spreads, &pool));
    let sort_rules = sort_rules(cx);
    let mut used = vec![false; cx.store.slots.len()];
    let (mut b, mut alt) = (Builder::new(cx.rs), Builder::new(cx.rs));
    let mut sorter = Sorter::default();
    let (mut near, mut batch) = (Vec::new(), Vec::with_capacity(pool.len() + 1));
    let mut spent = 0usize;
    for (k, &seed) in seeds.iter().enumerate() {
        if spent >= work && k >= min_seeds {
            out.unvisited = seeds[k..].to_vec();
            break;
        }
        if used[seed as usize] {
            continue;
        }
        b.clear(cx);
        let started = if cx.store.is_backfill(seed) {
            b.seed_backfill(cx, seed);
            true
        } else {
            b.try_add(cx, seed)
        };
        if started {
            // The seed at position 0, then the other waiting tickets in age order.
            let ix = index.as_mut();
            let c = &mut b.counters;
            candidates(
                cx, seed, &pool, &used, &spreads, ix, &mut near, &mut batch, c,
            );
            spent += batch.len();
            order_candidates(cx, &batch, 0, &sort_rules, &mut sorter);
            for &j in sorter.idx.iter().take(limit) {
                b.try_add(cx, batch[j]);
                if b.is_full(cx) {
                    break;
                }
            }
            if let Some(m) = conclude(cx, &mut b, &mut alt, mode, totals) {
                b.tickets.iter().for_each(|&t| used[t as usize] = true);
                out.found.push(m);
            }
        }
        spent += 1;
        accumulate(totals, &b.counters);
    }
    if let Some(ix) = &mut index {
        ix.credit(cx, &spreads, &pool, totals);
    }
    b.clear(cx);
    alt.clear(cx);
    out
}

/// Keeps the oldest `keep` of `pool` (by `order`), sorted: selected in O(n) before sorting,
/// so an arrival that looks at no more than `keep` candidates costs the same in any pool.
fn oldest(pool: &mut Vec<u32>, keep: usize, order: impl Fn(&u32, &u32) -> Ordering) {
    if keep < pool.len() {
        pool.select_nth_unstable_by(keep, &order);
        pool.truncate(keep);
    }
    pool.sort_by(order);
}

/// The match grown in `b` around a seed, if it stands: any match in a cycle (or with a
/// backfill ticket), only a full one on an arrival; rebuilt oldest first when that holds.
fn conclude(
    cx: &Ctx<'_>,
    b: &mut Builder,
    alt: &mut Builder,
    mode: Seeded,
    totals: &mut [[u64; 2]],
) -> Option<Found> {
    let any = mode == Seeded::Cycle || b.has_backfill();
    if !((any || b.is_full(cx)) && b.finish(cx, 1) && (any || b.is_full(cx))) {
        return None;
    }
    in_age_order(cx, b, &|a: &u32, b: &u32| seeded_order(cx, *a, *b), totals);
    let mut m = b.to_found(cx);
    if let Some(mut better) = super::balanced::rebalance(cx, b, alt) {
        better.m.rule_metrics = std::mem::take(&mut m.m.rule_metrics);
        m = better;
    }
    Some(m)
}

/// The rule set's sort rules (absoluteSort, distanceSort), in rule order.
fn sort_rules<'r>(cx: &Ctx<'r>) -> Vec<&'r RuleKind> {
    cx.rs
        .rules
        .iter()
        .map(|r| &r.kind)
        .filter(|k| {
            matches!(
                k,
                RuleKind::AbsoluteSort { .. } | RuleKind::DistanceSort { .. }
            )
        })
        .collect()
}

/// Rebuilds the match in `b` with its tickets placed oldest first (`order`), so a match found
/// around a newcomer reads as one built around its oldest ticket (guide 002 line 452); keeps
/// the match as found when that line-up does not hold.
fn in_age_order(
    cx: &Ctx<'_>,
    b: &mut Builder,
    order: &impl Fn(&u32, &u32) -> Ordering,
    totals: &mut [[u64; 2]],
) {
    let found = b.tickets.clone();
    let mut sorted = found.clone();
    sorted.sort_by(order);
    // A backfill ticket seeds the match: it goes first whatever its age.
    sorted.sort_by_key(|&t| !cx.store.is_backfill(t));
    if sorted == found {
        return;
    }
    let rebuild = |b: &mut Builder, totals: &mut [[u64; 2]], tickets: &[u32]| -> bool {
        // Clearing zeroes the builder's counters: the pass keeps what they counted so far.
        accumulate(totals, &b.counters);
        b.clear(cx);
        let mut added = 0;
        for &t in tickets {
            if cx.store.is_backfill(t) {
                b.seed_backfill(cx, t);
            } else if !b.try_add(cx, t) {
                return false;
            } else {
                added += 1;
            }
        }
        // Every ticket must stay. `finish` counts the added ones only: a backfill ticket
        // seeds the match, it is not added (counting it asked for more than there were, and
        // a match with a backfill ticket failed to build again).
        b.finish(cx, added)
    };
    if !rebuild(b, totals, &sorted) {
        let ok = rebuild(b, totals, &found);
        debug_assert!(ok, "a match found once builds again in the same order");
    }
}
