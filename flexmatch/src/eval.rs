//! Evaluating property expressions against a (potential) match.
//!
//! A value is a nested list stored flat, CSR-style: `leaves` holds the bottom
//! values and `offs[k]` the boundaries of the lists at level `k` (level 0 is
//! the single outermost list, so `offs[0] == [0, n]`). Depth 0 is a scalar
//! (one leaf). Aggregations rewrite one buffer into another; the two buffers
//! live in [`Scratch`] and keep their capacity between evaluations, so after
//! warm-up an evaluation allocates nothing.

use super::expr::{Agg, Expr, Leaf, TeamSel};
use super::ruleset::{AttrType, PartyAgg, RuleSet};
use super::store::{Store, Val};

/// A player of a potential match: ticket slot and index within the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PRef {
    pub slot: u32,
    pub player: u16,
}

/// A potential match as rules see it.
pub(crate) struct View<'a> {
    pub rs: &'a RuleSet,
    pub store: &'a Store,
    /// Players per team instance.
    pub teams: &'a [Vec<PRef>],
    /// Ticket slots in the match (each once).
    pub tickets: &'a [u32],
}

/// One bottom value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum L {
    Num(f64),
    Sym(u32),
    /// A team or player (countable only).
    Item,
    /// The aggregate of an empty list (avg, min, … of nothing): ignored by rules and later aggregations.
    Missing,
}

#[derive(Debug, Default)]
pub(crate) struct Nested {
    pub depth: usize,
    pub leaves: Vec<L>,
    pub offs: Vec<Vec<u32>>,
}

impl Nested {
    fn reset(&mut self, depth: usize) {
        self.depth = depth;
        self.leaves.clear();
        while self.offs.len() < depth {
            self.offs.push(Vec::new());
        }
        for o in self.offs.iter_mut() {
            o.clear();
        }
    }

    /// The innermost lists (level depth-1) as leaf ranges.
    pub fn inner_lists(&self) -> impl Iterator<Item = &[L]> + '_ {
        let o = &self.offs[self.depth - 1];
        o.windows(2)
            .map(move |w| &self.leaves[w[0] as usize..w[1] as usize])
    }

    /// The scalar of a depth-0 value.
    pub fn scalar(&self) -> L {
        self.leaves.first().copied().unwrap_or(L::Missing)
    }
}

/// Reusable buffers for expression evaluation.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub a: Nested,
    pub b: Nested,
    pub nums: Vec<f64>,
    pub syms: Vec<u32>,
    /// Reference symbols of a collection rule.
    pub refs: Vec<u32>,
}

/// Evaluates `e` into `scratch.a`, with numbers and lists seen through `party`.
pub(crate) fn eval(e: &Expr, v: &View<'_>, party: PartyAgg, s: &mut Scratch) {
    load(e, v, party, &mut s.a);
    for &op in &e.ops {
        apply(op, &s.a, &mut s.b, &mut s.nums, &mut s.syms);
        std::mem::swap(&mut s.a, &mut s.b);
    }
}

fn load(e: &Expr, v: &View<'_>, party: PartyAgg, out: &mut Nested) {
    let depth = e.shape_depth_of_source(v.rs);
    out.reset(depth);
    let grouped = !matches!(e.teams, TeamSel::One(_));
    let mut level = 0;
    let n_teams = v.teams.len();
    let team_iter = |f: &mut dyn FnMut(usize)| match &e.teams {
        TeamSel::One(t) => f(*t),
        TeamSel::Many(list) => list.iter().for_each(|&t| f(t)),
        TeamSel::All => (0..n_teams).for_each(f),
    };
    if e.leaf == Leaf::Team {
        if grouped {
            out.offs[0].push(0);
        }
        team_iter(&mut |_| out.leaves.push(L::Item));
        if grouped {
            out.offs[0].push(out.leaves.len() as u32);
        }
        return;
    }
    if grouped {
        let mut count = 0;
        team_iter(&mut |_| count += 1);
        out.offs[0].extend([0, count]);
        level = 1;
    }
    let list_attr =
        matches!(e.leaf, Leaf::Attr(a) if v.rs.attributes[a].kind == AttrType::StringList);
    out.offs[level].push(0);
    if list_attr {
        out.offs[level + 1].push(0);
    }
    let store = v.store;
    let numeric = matches!(e.leaf, Leaf::Attr(a) if v.rs.attributes[a].kind == AttrType::Number);
    let (offs, leaves) = (&mut out.offs, &mut out.leaves);
    team_iter(&mut |t| {
        for p in &v.teams[t] {
            let pi = p.player as usize;
            match e.leaf {
                Leaf::Player | Leaf::Team => leaves.push(L::Item),
                Leaf::Attr(a) if numeric && !store.is_backfill(p.slot) => {
                    leaves.push(L::Num(store.num(p.slot, a, party)))
                }
                _ => {}
            }
            if matches!(e.leaf, Leaf::Player | Leaf::Team)
                || (numeric && !store.is_backfill(p.slot))
            {
                continue;
            }
            let rec = store.get(p.slot);
            match e.leaf {
                Leaf::Player | Leaf::Team => {}
                Leaf::PlayerId => leaves.push(L::Sym(rec.players[pi].id_sym)),
                Leaf::Attr(a) => match &rec.players[pi].attrs[a] {
                    Val::Num(_) => leaves.push(L::Num(rec.num(pi, a, party))),
                    Val::Sym(s) => leaves.push(L::Sym(*s)),
                    Val::List(_) => {
                        leaves.extend(rec.list(pi, a, party).iter().map(|&s| L::Sym(s)));
                        offs[level + 1].push(leaves.len() as u32);
                    }
                    Val::Map(_) => leaves.push(L::Missing),
                },
            }
        }
        let n = if list_attr {
            offs[level + 1].len() - 1
        } else {
            leaves.len()
        };
        offs[level].push(n as u32);
    });
}

impl Expr {
    /// Depth of the source before aggregations.
    fn shape_depth_of_source(&self, rs: &RuleSet) -> usize {
        let team = usize::from(!matches!(self.teams, TeamSel::One(_)));
        match self.leaf {
            Leaf::Team => team,
            Leaf::Attr(a) if rs.attributes[a].kind == AttrType::StringList => team + 2,
            _ => team + 1,
        }
    }
}

fn apply(op: Agg, src: &Nested, dst: &mut Nested, nums: &mut Vec<f64>, syms: &mut Vec<u32>) {
    let d = src.depth;
    match op {
        Agg::Flatten => {
            // Merge the two outermost levels.
            dst.reset(d - 1);
            let n1 = src.offs[0][1] as usize;
            dst.offs[0].extend([0, src.offs[1][n1]]);
            for k in 2..d {
                dst.offs[k - 1].extend_from_slice(&src.offs[k]);
            }
            dst.leaves.extend_from_slice(&src.leaves);
        }
        Agg::SetIntersection => {
            // Each list at level d-2 holds sets (level d-1): replace it by their intersection.
            dst.reset(d - 1);
            for k in 0..d - 2 {
                dst.offs[k].extend_from_slice(&src.offs[k]);
            }
            let outer = &src.offs[d - 2];
            let inner = &src.offs[d - 1];
            dst.offs[d - 2].push(0);
            for w in outer.windows(2) {
                syms.clear();
                for (n, j) in (w[0] as usize..w[1] as usize).enumerate() {
                    let set = &src.leaves[inner[j] as usize..inner[j + 1] as usize];
                    if n == 0 {
                        syms.extend(set.iter().filter_map(sym));
                        syms.sort_unstable();
                        syms.dedup();
                    } else {
                        syms.retain(|s| set.contains(&L::Sym(*s)));
                    }
                }
                dst.leaves.extend(syms.iter().map(|&s| L::Sym(s)));
                dst.offs[d - 2].push(dst.leaves.len() as u32);
            }
        }
        _ => {
            // Reduce each innermost list to one value.
            dst.reset(d - 1);
            for k in 0..d - 1 {
                dst.offs[k].extend_from_slice(&src.offs[k]);
            }
            for list in src.inner_lists() {
                let out = if op == Agg::Count {
                    L::Num(list.iter().filter(|l| **l != L::Missing).count() as f64)
                } else {
                    nums.clear();
                    nums.extend(list.iter().filter_map(|l| match l {
                        L::Num(n) => Some(*n),
                        _ => None,
                    }));
                    reduce(op, nums)
                };
                dst.leaves.push(out);
            }
        }
    }
}

fn sym(l: &L) -> Option<u32> {
    match l {
        L::Sym(s) => Some(*s),
        _ => None,
    }
}

/// One numeric aggregation over a list (empty → Missing, except sum = 0).
pub(crate) fn reduce(op: Agg, xs: &mut [f64]) -> L {
    if xs.is_empty() {
        return if op == Agg::Sum {
            L::Num(0.0)
        } else {
            L::Missing
        };
    }
    let n = xs.len() as f64;
    let sum: f64 = xs.iter().sum();
    L::Num(match op {
        Agg::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
        Agg::Max => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Agg::Avg => sum / n,
        Agg::Sum => sum,
        Agg::Median => {
            xs.sort_unstable_by(f64::total_cmp);
            let m = xs.len() / 2;
            if xs.len() % 2 == 1 {
                xs[m]
            } else {
                (xs[m - 1] + xs[m]) / 2.0
            }
        }
        Agg::Stddev => {
            // Population standard deviation.
            let mean = sum / n;
            (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
        }
        Agg::Count => n,
        Agg::Flatten | Agg::SetIntersection => f64::NAN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_aggregations() {
        let r = |op, v: &[f64]| reduce(op, &mut v.to_vec());
        assert_eq!(r(Agg::Avg, &[1.0, 2.0, 6.0]), L::Num(3.0));
        assert_eq!(r(Agg::Min, &[4.0, 2.0, 6.0]), L::Num(2.0));
        assert_eq!(r(Agg::Max, &[4.0, 2.0, 6.0]), L::Num(6.0));
        assert_eq!(r(Agg::Median, &[5.0, 1.0, 3.0]), L::Num(3.0));
        assert_eq!(r(Agg::Median, &[4.0, 1.0, 3.0, 2.0]), L::Num(2.5));
        assert_eq!(r(Agg::Sum, &[1.0, 2.0]), L::Num(3.0));
        assert_eq!(
            r(Agg::Stddev, &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]),
            L::Num(2.0)
        );
        assert_eq!(r(Agg::Avg, &[]), L::Missing);
        assert_eq!(r(Agg::Sum, &[]), L::Num(0.0));
    }
}
