//! Judging a potential match against the rules, one rule type at a time.
//!
//! Guide, "FlexMatch 规则类型" (002, lines 2850–3081). Two modes:
//!
//! - [`Mode::Final`]: the match is complete; every rule in force must pass.
//! - [`Mode::Partial`]: a ticket is being tried in a match that is still
//!   filling. The guide describes exactly this ("FlexMatch 会暂时将玩家加入团队并计算平均值。
//!   如果规则失败，则不会将潜在玩家添加到对战游戏", line ~845). Requirements that more
//!   players could still satisfy are not judged yet (they answer
//!   [`Tri::Unknown`]): anything counting players (`count(...)`), a
//!   `minDistance`, a `contains` minCount, an `intersection` maxCount.
//!
//! Compound statements combine rule results with three-valued logic so an
//! undecided part never rejects a ticket on its own. Rules named by a
//! compound statement are judged only through it.

use super::eval::{eval, Nested, Scratch, View, L};
use super::expr::{Agg, Expr, Leaf};
use super::ruleset::{
    CmpOp, CollectionOp, DistanceReference, ParamId, PartyAgg, Reference, RuleKind, RuleSet,
    Statement,
};
use super::store::Val;

/// A rule's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Pass,
    Fail,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Partial,
    Final,
}

/// Per-rule evaluation counters: `[passed, failed]`.
pub(crate) type Counters = [[u64; 2]];

/// Judges every rule in force; `memo` and `counters` have one entry per rule.
pub(crate) fn check(
    v: &View<'_>,
    params: &[f64],
    mode: Mode,
    s: &mut Scratch,
    memo: &mut [Option<Tri>],
    counters: &mut Counters,
) -> bool {
    memo.iter_mut().for_each(|m| *m = None);
    for (i, r) in v.rs.rules.iter().enumerate() {
        if r.in_compound
            || matches!(
                r.kind,
                RuleKind::AbsoluteSort { .. } | RuleKind::DistanceSort { .. }
            )
        {
            continue;
        }
        if rule(i, v, params, mode, s, memo, counters) == Tri::Fail {
            return false;
        }
    }
    true
}

/// Final-mode verdict of the rules selected by `only` (used to explain a match).
pub(crate) fn check_only(
    v: &View<'_>,
    params: &[f64],
    s: &mut Scratch,
    memo: &mut [Option<Tri>],
    counters: &mut Counters,
    only: impl Fn(usize) -> bool,
) -> bool {
    memo.iter_mut().for_each(|m| *m = None);
    (0..v.rs.rules.len())
        .filter(|&i| only(i))
        .all(|i| rule(i, v, params, Mode::Final, s, memo, counters) != Tri::Fail)
}

fn rule(
    i: usize,
    v: &View<'_>,
    params: &[f64],
    mode: Mode,
    s: &mut Scratch,
    memo: &mut [Option<Tri>],
    counters: &mut Counters,
) -> Tri {
    if let Some(t) = memo[i] {
        return t;
    }
    let t = match &v.rs.rules[i].kind {
        RuleKind::Compound { statement } => {
            statement_value(statement, v, params, mode, s, memo, counters)
        }
        kind => judge(kind, v, params, mode, s),
    };
    memo[i] = Some(t);
    match t {
        Tri::Pass => counters[i][0] += 1,
        Tri::Fail => counters[i][1] += 1,
        Tri::Unknown => {}
    }
    t
}

fn statement_value(
    st: &Statement,
    v: &View<'_>,
    params: &[f64],
    mode: Mode,
    s: &mut Scratch,
    memo: &mut [Option<Tri>],
    counters: &mut Counters,
) -> Tri {
    let each =
        |args: &[Statement], s: &mut Scratch, memo: &mut [Option<Tri>], counters: &mut Counters| {
            let (mut pass, mut fail, mut unknown) = (0, 0, 0);
            for a in args {
                match statement_value(a, v, params, mode, s, memo, counters) {
                    Tri::Pass => pass += 1,
                    Tri::Fail => fail += 1,
                    Tri::Unknown => unknown += 1,
                }
            }
            (pass, fail, unknown)
        };
    match st {
        Statement::Rule(i) => rule(*i, v, params, mode, s, memo, counters),
        Statement::Not(x) => match statement_value(x, v, params, mode, s, memo, counters) {
            Tri::Pass => Tri::Fail,
            Tri::Fail => Tri::Pass,
            Tri::Unknown => Tri::Unknown,
        },
        Statement::And(args) => match each(args, s, memo, counters) {
            (_, f, _) if f > 0 => Tri::Fail,
            (_, _, 0) => Tri::Pass,
            _ => Tri::Unknown,
        },
        Statement::Or(args) => match each(args, s, memo, counters) {
            (p, _, _) if p > 0 => Tri::Pass,
            (_, _, 0) => Tri::Fail,
            _ => Tri::Unknown,
        },
        Statement::Xor(args) => match each(args, s, memo, counters) {
            (_, _, u) if u > 0 => Tri::Unknown,
            (1, _, _) => Tri::Pass,
            _ => Tri::Fail,
        },
    }
}

fn counts_players(e: &Expr) -> bool {
    e.ops.contains(&Agg::Count) || matches!(e.leaf, Leaf::Player | Leaf::Team)
}

fn reference_counts(r: &Option<Reference>) -> bool {
    matches!(r, Some(Reference::Expr(e)) if counts_players(e))
}

/// `x` is over `limit`; an unset limit (NaN) is never exceeded.
#[inline]
pub(crate) fn over(x: f64, limit: f64) -> bool {
    limit.is_finite() && x > limit
}

/// `x` is under `limit`; an unset limit (NaN) is never undercut.
#[inline]
fn under(x: f64, limit: f64) -> bool {
    limit.is_finite() && x < limit
}

fn pass_if(b: bool) -> Tri {
    if b {
        Tri::Pass
    } else {
        Tri::Fail
    }
}

/// The scalar value of a reference (numbers from the parameter vector so expansions apply).
fn scalar_ref(r: &Reference, v: &View<'_>, params: &[f64], party: PartyAgg, s: &mut Scratch) -> L {
    match r {
        Reference::Number(slot) => L::Num(params[*slot]),
        Reference::Str(text) => L::Sym(v.store.syms.lookup(text).unwrap_or(u32::MAX)),
        Reference::StrList(_) => L::Missing,
        Reference::Expr(e) => {
            eval(e, v, party, s);
            if s.a.depth == 0 {
                s.a.scalar()
            } else {
                L::Missing
            }
        }
    }
}

fn judge(kind: &RuleKind, v: &View<'_>, params: &[f64], mode: Mode, s: &mut Scratch) -> Tri {
    let partial = mode == Mode::Partial;
    match kind {
        RuleKind::Comparison {
            measurements,
            reference,
            op,
            party,
        } => judge_comparison(measurements, reference, *op, *party, v, params, partial, s),
        RuleKind::Distance {
            measurements,
            reference,
            max_distance,
            min_distance,
            party,
        } => judge_distance(
            measurements,
            reference,
            *max_distance,
            *min_distance,
            *party,
            v,
            params,
            partial,
            s,
        ),
        RuleKind::Collection {
            measurements,
            reference,
            op,
            max_count,
            min_count,
            party,
        } => collection(
            measurements,
            reference,
            *op,
            params[*max_count],
            params[*min_count],
            *party,
            v,
            mode,
            s,
        ),
        RuleKind::Latency {
            max_latency,
            max_distance,
            distance_reference,
            party,
        } => {
            let ok = latency_ok(
                v,
                params[*max_latency],
                params[*max_distance],
                *distance_reference,
                *party,
                |_| {},
            );
            pass_if(ok)
        }
        RuleKind::BatchDistance {
            attr,
            max_distance,
            party,
        } => pass_if(batch_distance_ok(v, *attr, params[*max_distance], *party)),
        RuleKind::AbsoluteSort { .. }
        | RuleKind::DistanceSort { .. }
        | RuleKind::Compound { .. } => Tri::Pass,
    }
}

/// A comparison rule: every measured value against the reference, or (with no
/// reference) all the values against each other. Kept apart from [`judge`] so
/// each rule type reads as one unit.
#[allow(clippy::too_many_arguments)]
fn judge_comparison(
    measurements: &[Expr],
    reference: &Option<Reference>,
    op: CmpOp,
    party: PartyAgg,
    v: &View<'_>,
    params: &[f64],
    partial: bool,
    s: &mut Scratch,
) -> Tri {
    if partial && (measurements.iter().any(counts_players) || reference_counts(reference)) {
        return Tri::Unknown;
    }
    let r = reference
        .as_ref()
        .map(|r| scalar_ref(r, v, params, party, s));
    for m in measurements {
        eval(m, v, party, s);
        let ok = match r {
            Some(L::Missing) => true,
            Some(r) => {
                s.a.leaves
                    .iter()
                    .all(|x| *x == L::Missing || compare(*x, op, r))
            }
            None => all_relation(&s.a.leaves, op, &mut s.nums),
        };
        if !ok {
            return Tri::Fail;
        }
    }
    Tri::Pass
}

/// A distance rule: each measured number's distance from the reference, or
/// (with no reference) the spread of the numbers, within the bounds. A
/// partial match checks maxDistance only; minDistance waits for the full match.
#[allow(clippy::too_many_arguments)]
fn judge_distance(
    measurements: &[Expr],
    reference: &Option<Reference>,
    max_distance: ParamId,
    min_distance: ParamId,
    party: PartyAgg,
    v: &View<'_>,
    params: &[f64],
    partial: bool,
    s: &mut Scratch,
) -> Tri {
    if partial && (measurements.iter().any(counts_players) || reference_counts(reference)) {
        return Tri::Unknown;
    }
    let (max, min) = (
        params[max_distance],
        if partial {
            f64::NAN
        } else {
            params[min_distance]
        },
    );
    let r = reference
        .as_ref()
        .map(|r| scalar_ref(r, v, params, party, s));
    for m in measurements {
        eval(m, v, party, s);
        let nums = s.a.leaves.iter().filter_map(|l| match l {
            L::Num(n) => Some(*n),
            _ => None,
        });
        let ok = match r {
            Some(L::Num(r)) => nums
                .map(|x| (x - r).abs())
                .all(|d| !over(d, max) && !under(d, min)),
            Some(_) => true,
            None => {
                let (lo, hi) = nums.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                    (a.min(x), b.max(x))
                });
                let d = if lo > hi { 0.0 } else { hi - lo };
                !over(d, max) && !under(d, min)
            }
        };
        if !ok {
            return Tri::Fail;
        }
    }
    Tri::Pass
}

fn compare(x: L, op: CmpOp, r: L) -> bool {
    match (x, r) {
        (L::Num(a), L::Num(b)) => match op {
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        },
        (L::Sym(a), L::Sym(b)) => match op {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            _ => false,
        },
        _ => false,
    }
}

/// Without a reference value: `=` means all values equal, `!=` all values different.
fn all_relation(leaves: &[L], op: CmpOp, buf: &mut Vec<f64>) -> bool {
    buf.clear();
    buf.extend(leaves.iter().filter_map(|l| match l {
        L::Num(n) => Some(*n),
        L::Sym(s) => Some(*s as f64),
        _ => None,
    }));
    match op {
        CmpOp::Eq => buf.windows(2).all(|w| w[0] == w[1]),
        CmpOp::Ne => {
            buf.sort_unstable_by(f64::total_cmp);
            buf.windows(2).all(|w| w[0] != w[1])
        }
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn collection(
    measurements: &[Expr],
    reference: &Option<Reference>,
    op: CollectionOp,
    max: f64,
    min: f64,
    party: PartyAgg,
    v: &View<'_>,
    mode: Mode,
    s: &mut Scratch,
) -> Tri {
    let partial = mode == Mode::Partial;
    let target = collection_reference(reference, party, v, s);
    let within = |c: f64, check_min: bool, check_max: bool| {
        !(check_max && over(c, max) || check_min && under(c, min))
    };
    for m in measurements {
        eval(m, v, party, s);
        let a = &s.a;
        // The collections: innermost lists, or each value on its own for a plain list of strings.
        let ok = match op {
            CollectionOp::Contains => {
                let c = if a.depth >= 2 {
                    a.inner_lists()
                        .filter(|l| l.contains(&L::Sym(target)))
                        .count()
                } else {
                    a.leaves.iter().filter(|l| **l == L::Sym(target)).count()
                };
                within(c as f64, !partial, true)
            }
            CollectionOp::Intersection => {
                let lists = intersect_collections(a, &mut s.syms);
                lists == 0 || within(s.syms.len() as f64, true, !partial)
            }
            CollectionOp::ReferenceIntersectionCount => {
                let refs = &s.refs;
                let count = |l: &[L]| {
                    l.iter()
                        .filter(|x| matches!(x, L::Sym(y) if refs.binary_search(y).is_ok()))
                        .count() as f64
                };
                if a.depth >= 2 {
                    a.inner_lists().all(|l| within(count(l), true, true))
                } else {
                    a.leaves
                        .iter()
                        .all(|l| within(count(std::slice::from_ref(l)), true, true))
                }
            }
        };
        if !ok {
            return Tri::Fail;
        }
    }
    Tri::Pass
}

/// Resolves a collection rule's reference into `s.refs` (sorted, without
/// duplicates, for reference_intersection_count) and returns the single symbol
/// contains looks for (`u32::MAX`, which matches nothing, when there is none).
/// Done once per rule, before the measurements are evaluated into `s.a`.
fn collection_reference(
    reference: &Option<Reference>,
    party: PartyAgg,
    v: &View<'_>,
    s: &mut Scratch,
) -> u32 {
    let mut target = u32::MAX;
    s.refs.clear();
    match reference {
        Some(Reference::Str(t)) => {
            target = v.store.syms.lookup(t).unwrap_or(u32::MAX);
            s.refs.push(target);
        }
        Some(Reference::StrList(l)) => s
            .refs
            .extend(l.iter().filter_map(|t| v.store.syms.lookup(t))),
        Some(Reference::Expr(e)) => {
            eval(e, v, party, s);
            s.refs.extend(s.a.leaves.iter().filter_map(|l| match l {
                L::Sym(x) => Some(*x),
                _ => None,
            }));
            target = s.refs.first().copied().unwrap_or(u32::MAX);
        }
        Some(Reference::Number(_)) | None => {}
    }
    s.refs.sort_unstable();
    s.refs.dedup();
    target
}

/// The intersection operation: leaves in `syms` the symbols common to every
/// collection of `a` (its innermost lists, or each value on its own for a
/// plain list of strings) and returns how many collections there were, since
/// an empty measurement passes whatever the bounds.
fn intersect_collections(a: &Nested, syms: &mut Vec<u32>) -> usize {
    syms.clear();
    let mut first = true;
    let mut lists = 0;
    if a.depth >= 2 {
        for l in a.inner_lists() {
            lists += 1;
            if first {
                syms.extend(l.iter().filter_map(
                    |x| {
                        if let L::Sym(y) = x {
                            Some(*y)
                        } else {
                            None
                        }
                    },
                ));
                syms.sort_unstable();
                syms.dedup();
                first = false;
            } else {
                syms.retain(|y| l.contains(&L::Sym(*y)));
            }
        }
    } else {
        for l in &a.leaves {
            lists += 1;
            if let L::Sym(y) = l {
                if first {
                    syms.push(*y);
                    first = false;
                } else {
                    syms.retain(|z| z == y);
                }
            }
        }
    }
    lists
}

/// Latency rule: some region where every ticket reports at most `max_latency`
/// and (with `maxDistance`) lies within `max_distance` of the reference (min or avg
/// over the match). Calls `found` for each acceptable region.
pub(crate) fn latency_ok(
    v: &View<'_>,
    max_latency: f64,
    max_distance: f64,
    reference: DistanceReference,
    party: PartyAgg,
    mut found: impl FnMut(u16),
) -> bool {
    let Some(&first) = v.tickets.first() else {
        return true;
    };
    let mut any = false;
    'regions: for &(region, _) in v.store.get(first).latency.iter() {
        let (mut lo, mut sum, mut n) = (f64::INFINITY, 0.0, 0.0);
        for &t in v.tickets {
            match v.store.get(t).latency(region, party) {
                Some(ms) if !over(ms, max_latency) => {
                    lo = lo.min(ms);
                    sum += ms;
                    n += 1.0;
                }
                _ => continue 'regions,
            }
        }
        if max_distance.is_finite() {
            let r = match reference {
                DistanceReference::Min => lo,
                DistanceReference::Avg => sum / n,
            };
            if v.tickets.iter().any(|&t| {
                v.store
                    .get(t)
                    .latency(region, party)
                    .is_some_and(|ms| ms - r > max_distance)
            }) {
                continue;
            }
        }
        any = true;
        found(region);
    }
    any
}

/// batchDistance: all numbers within `max` of each other (all equal when unset); strings all
/// equal. A party's number is its players' min, max or avg as `party` says (guide 002 line
/// 2900); a backfill ticket's players stand each for themselves.
pub(crate) fn batch_distance_ok(v: &View<'_>, attr: usize, max: f64, party: PartyAgg) -> bool {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut sym = None;
    for team in v.teams {
        for p in team {
            let rec = v.store.get(p.slot);
            match &rec.players[p.player as usize].attrs[attr] {
                Val::Num(_) => {
                    let x = rec.num(p.player as usize, attr, party);
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
                Val::Sym(s) if *sym.get_or_insert(*s) != *s => return false,
                _ => {}
            }
        }
    }
    lo > hi || hi - lo <= if max.is_nan() { 0.0 } else { max }
}

/// True when the rule set judges latency (tickets then must report it).
pub(crate) fn has_latency_rule(rs: &RuleSet) -> bool {
    rs.rules
        .iter()
        .any(|r| matches!(r.kind, RuleKind::Latency { .. }))
}
