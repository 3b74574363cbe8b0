//! Pairs that can never share a match, found from one number per ticket.
//!
//! Some rules bound the spread of one numeric attribute over a whole match: a `distance` rule
//! measuring `max(flatten(teams[*].players.attributes[x]))` against
//! `min(flatten(teams[*].players.attributes[x]))` (or the spread of
//! `flatten(teams[*].players.attributes[x])` with no reference), and a `batchDistance` rule on a
//! number ("all players' values within maxDistance", guide 002 line 2900). Two tickets whose
//! values are further apart than the rule's most relaxed maxDistance fail it in any match that
//! holds both, and since more players only widen the spread, a match builder would refuse the
//! second one whatever else the match holds. Skipping such a pair changes no match; it only
//! saves the rule checks, which is what lets a burst of newcomers each be tried against the
//! whole pool without paying for every pair (issue 14: the pool is indexed by the number, and
//! each newcomer looks only at the tickets within reach).

use super::build::Ctx;
use super::expr::{Agg, Expr, Leaf, TeamSel};
use super::ruleset::{AttrType, PartyAgg, Reference, RuleKind, RuleSet};
use super::store::Store;

/// A rule that keeps every value of attribute `attr` in a match within `max` of each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Spread {
    /// The rule's index in the rule set.
    rule: usize,
    attr: usize,
    party: PartyAgg,
    /// maxDistance at its most relaxed expansion stage.
    max: f64,
}

/// True when `e` reads numeric attribute `attr` of every player of every team, then applies `ops`.
fn every_player(rs: &RuleSet, e: &Expr, ops: &[Agg]) -> Option<usize> {
    match (e.teams == TeamSel::All, e.leaf) {
        (true, Leaf::Attr(a)) if rs.attributes[a].kind == AttrType::Number && e.ops == ops => {
            Some(a)
        }
        _ => None,
    }
}

/// The attribute whose spread over the match a distance rule bounds, if its expressions say so.
fn distance_attr(
    rs: &RuleSet,
    measurements: &[Expr],
    reference: &Option<Reference>,
) -> Option<usize> {
    let [m] = measurements else {
        return None;
    };
    let (hi, lo) = ([Agg::Flatten, Agg::Max], [Agg::Flatten, Agg::Min]);
    match reference {
        None => every_player(rs, m, &[Agg::Flatten]),
        Some(Reference::Expr(r)) => {
            let a = every_player(rs, m, &hi).or_else(|| every_player(rs, m, &lo))?;
            let b = every_player(rs, r, &hi).or_else(|| every_player(rs, r, &lo))?;
            (a == b && m.ops != r.ops).then_some(a)
        }
        Some(_) => None,
    }
}

/// The attribute of a distance rule that measures each team by one aggregate of its players'
/// numbers (`avg(teams[*].players.attributes[x])`, or min, max, median, sum) against one
/// aggregate of every player's (`avg(flatten(teams[*].players.attributes[x]))`, …): in teams of
/// one player each team's measurement is its player's number, so the rule bounds the spread of
/// the players' numbers by twice its maxDistance (guide 002's skill rule in a 1v1 or
/// free-for-all).
fn solo_team_attr(
    rs: &RuleSet,
    measurements: &[Expr],
    reference: &Option<Reference>,
) -> Option<usize> {
    let [m] = measurements else {
        return None;
    };
    let Some(Reference::Expr(r)) = reference else {
        return None;
    };
    const ONE_VALUE: [Agg; 5] = [Agg::Avg, Agg::Min, Agg::Max, Agg::Median, Agg::Sum];
    let a = ONE_VALUE
        .iter()
        .find_map(|&op| every_player(rs, m, &[op]))?;
    let b = ONE_VALUE
        .iter()
        .find_map(|&op| every_player(rs, r, &[Agg::Flatten, op]))?;
    (a == b).then_some(a)
}

impl Spread {
    /// The rules of `rs` that bound a numeric attribute's spread over a match (rules inside a
    /// compound statement are left out: the statement may not require them).
    pub fn of(rs: &RuleSet) -> Vec<Spread> {
        let stages: Vec<&[f64]> = std::iter::once(rs.params().base())
            .chain(rs.params().boundaries().map(|b| rs.params().at(b)))
            .collect();
        let most = |id: usize, unset: Option<f64>| -> Option<f64> {
            let mut max = f64::NEG_INFINITY;
            for p in &stages {
                let v = if p[id].is_nan() { unset? } else { p[id] };
                max = max.max(v);
            }
            max.is_finite().then_some(max)
        };
        let mut out = Vec::new();
        for (rule, r) in rs.rules.iter().enumerate().filter(|(_, r)| !r.in_compound) {
            let found = match &r.kind {
                RuleKind::Distance {
                    measurements,
                    reference,
                    max_distance,
                    party,
                    ..
                } => match distance_attr(rs, measurements, reference) {
                    Some(attr) => most(*max_distance, None).map(|max| (attr, max, *party)),
                    // One player per team: each team's number is its player's, and two
                    // players each within maxDistance of the match's one reference value are
                    // at most twice that apart.
                    None => solo_team_attr(rs, measurements, reference)
                        .filter(|_| {
                            rs.team_defs
                                .iter()
                                .all(|t| most(t.max_players, None).is_some_and(|m| m <= 1.0))
                        })
                        .zip(most(*max_distance, None))
                        .map(|(attr, max)| (attr, 2.0 * max, *party)),
                },
                // A party's number is one value only under avg, min or max.
                RuleKind::BatchDistance {
                    attr,
                    max_distance,
                    party: party @ (PartyAgg::Avg | PartyAgg::Min | PartyAgg::Max),
                } if rs.attributes[*attr].kind == AttrType::Number => {
                    most(*max_distance, Some(0.0)).map(|max| (*attr, max, *party))
                }
                _ => None,
            };
            if let Some((attr, max, party)) = found {
                out.push(Spread {
                    rule,
                    attr,
                    party,
                    max,
                });
            }
        }
        out
    }

    /// The ticket's number as the rule reads it; NaN for a backfill ticket (its players stand
    /// each for themselves) or when the ticket has none (then the rule ignores it).
    pub fn key(&self, cx: &Ctx<'_>, slot: u32) -> f64 {
        if cx.store.is_backfill(slot) {
            return f64::NAN;
        }
        cx.store.num(slot, self.attr, self.party)
    }

    /// False when tickets `a` and `b` can be in no match together under this rule.
    #[inline]
    pub fn allows(&self, cx: &Ctx<'_>, a: u32, b: u32) -> bool {
        let (x, y) = (self.key(cx, a), self.key(cx, b));
        // NaN (no number) compares false: such a pair is allowed.
        (x - y).abs() <= self.max || x.is_nan() || y.is_nan()
    }
}

/// The first of `spreads` under which tickets `a` and `b` can be in no match together.
#[inline]
fn apart(cx: &Ctx<'_>, spreads: &[Spread], a: u32, b: u32) -> Option<usize> {
    spreads.iter().find(|s| !s.allows(cx, a, b)).map(|s| s.rule)
}

/// False when tickets `a` and `b` can be in no match together under one of `spreads`.
#[inline]
pub(crate) fn allowed(cx: &Ctx<'_>, spreads: &[Spread], a: u32, b: u32) -> bool {
    apart(cx, spreads, a, b).is_none()
}

/// Like [`allowed`] for `a`, a ticket in a match builder, and candidate `b`, but a pair kept
/// apart is counted as the builder would have counted it (`ruleEvaluationMetrics`: a ticket
/// judged against another too far off fails the rule, and the dashboard says so): a failure
/// of the rule for `b`, and in the builder's `counters` (which its tickets are credited from).
#[inline]
pub(crate) fn judged(
    cx: &Ctx<'_>,
    spreads: &[Spread],
    a: u32,
    b: u32,
    counters: &mut [[u64; 2]],
) -> bool {
    match apart(cx, spreads, a, b) {
        None => true,
        Some(rule) => {
            cx.store.credit_failure(b, rule);
            counters[rule][1] += 1;
            false
        }
    }
}

/// The pool ordered by the first spread rule's number, to find a ticket's possible partners
/// without looking at the others.
pub(crate) struct Index {
    /// (number, position in the pool) of every ticket with a number, by number.
    keyed: Vec<(f64, u32)>,
    /// Positions of the tickets without a number: always possible partners.
    loose: Vec<u32>,
    /// Seeds that skipped each ticket of `keyed` as out of reach, as differences (+1 at the
    /// start of a skipped range, -1 past its end): credited at once by [`Index::credit`].
    skipped: Vec<i64>,
}

impl Index {
    /// Indexes `pool` by `spreads[0]`'s number (`spreads` must not be empty).
    pub fn build(cx: &Ctx<'_>, spreads: &[Spread], pool: &[u32]) -> Index {
        let mut keyed = Vec::with_capacity(pool.len());
        let mut loose = Vec::new();
        for (i, &s) in pool.iter().enumerate() {
            let k = spreads[0].key(cx, s);
            if k.is_nan() {
                loose.push(i as u32);
            } else {
                keyed.push((k, i as u32));
            }
        }
        keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let skipped = vec![0; keyed.len() + 1];
        Index {
            keyed,
            loose,
            skipped,
        }
    }

    /// Positions in `pool` of the tickets that may share a match with `seed` under every
    /// spread rule, ascending (the pool's order), into `out`. False (and `out` untouched) when
    /// `seed` has no number to look up: then every ticket may.
    pub fn partners(
        &mut self,
        cx: &Ctx<'_>,
        spreads: &[Spread],
        pool: &[u32],
        seed: u32,
        out: &mut Vec<u32>,
    ) -> bool {
        let k = spreads[0].key(cx, seed);
        if k.is_nan() {
            return false;
        }
        // A little wider than the rule: the exact test below decides.
        let slack = spreads[0].max + 1e-9 * (k.abs() + spreads[0].max + 1.0);
        let from = self.keyed.partition_point(|e| e.0 < k - slack);
        let to = self.keyed.partition_point(|e| e.0 <= k + slack);
        // The tickets out of reach fail the rule against the seed (see `judged`).
        let beyond = (self.keyed.len() - (to - from)) as u64;
        cx.store.credit_failures(seed, spreads[0].rule, beyond);
        self.skipped[0] += 1;
        self.skipped[from] -= 1;
        self.skipped[to] += 1;
        self.skipped[self.keyed.len()] -= 1;
        out.clear();
        out.extend(
            self.keyed[from..to]
                .iter()
                .map(|e| e.1)
                .filter(|&i| allowed(cx, spreads, seed, pool[i as usize])),
        );
        out.extend(
            self.loose
                .iter()
                .copied()
                .filter(|&i| allowed(cx, spreads, seed, pool[i as usize])),
        );
        out.sort_unstable();
        true
    }

    /// Credits every ticket with the seeds that skipped it, and `totals` with the pairs.
    pub fn credit(
        &mut self,
        cx: &Ctx<'_>,
        spreads: &[Spread],
        pool: &[u32],
        totals: &mut [[u64; 2]],
    ) {
        let rule = spreads[0].rule;
        let mut n = 0i64;
        for (k, &(_, i)) in self.keyed.iter().enumerate() {
            n += self.skipped[k];
            if n > 0 {
                cx.store.credit_failures(pool[i as usize], rule, n as u64);
                totals[rule][1] += n as u64;
            }
        }
        self.skipped.iter_mut().for_each(|x| *x = 0);
    }
}

/// Order-preserving bits of a number (as `f64::total_cmp` orders them).
fn ordered(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

/// The pool's tickets by the first spread rule's number, kept as tickets come and go, so an
/// arrival finds the tickets within its reach in O(log n) (see [`Pool::find_full_matches`]).
///
/// [`Pool::find_full_matches`]: crate::Pool::find_full_matches
#[derive(Debug)]
pub(crate) struct Reach {
    spread: Spread,
    /// (ordered number, slot) of the tickets with a number.
    keyed: std::collections::BTreeSet<(u64, u32)>,
    /// Slots of the tickets without one (backfill tickets among them): within every reach.
    loose: std::collections::BTreeSet<u32>,
}

impl Reach {
    /// An empty index for `rs`, if `rs` has a spread rule.
    pub fn of(rs: &RuleSet) -> Option<Reach> {
        Spread::of(rs).first().map(|&spread| Reach {
            spread,
            keyed: Default::default(),
            loose: Default::default(),
        })
    }

    fn key(&self, store: &Store, slot: u32) -> f64 {
        if store.is_backfill(slot) {
            return f64::NAN;
        }
        store.num(slot, self.spread.attr, self.spread.party)
    }

    /// Indexes the ticket in `slot` (just stored).
    pub fn insert(&mut self, store: &Store, slot: u32) {
        let k = self.key(store, slot);
        if k.is_nan() {
            self.loose.insert(slot);
        } else {
            self.keyed.insert((ordered(k), slot));
        }
    }

    /// Forgets the ticket in `slot` (still stored).
    pub fn remove(&mut self, store: &Store, slot: u32) {
        let k = self.key(store, slot);
        if k.is_nan() {
            self.loose.remove(&slot);
        } else {
            self.keyed.remove(&(ordered(k), slot));
        }
    }

    /// The slots of `seeds`, of the tickets within reach of one of them, and of every ticket
    /// without a number, ascending: the only tickets a match around the seeds can hold.
    pub fn around(&self, store: &Store, seeds: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = seeds
            .iter()
            .copied()
            .chain(self.loose.iter().copied())
            .collect();
        for &s in seeds {
            let k = self.key(store, s);
            if k.is_nan() {
                // A seed without a number may match anyone.
                out.extend(self.keyed.iter().map(|e| e.1));
                continue;
            }
            let slack = self.spread.max + 1e-9 * (k.abs() + self.spread.max + 1.0);
            let range = (ordered(k - slack), 0)..=(ordered(k + slack), u32::MAX);
            out.extend(self.keyed.range(range).map(|e| e.1));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
