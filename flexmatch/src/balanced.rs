//! The `balanced` strategy for large matches (41–200 players).
//!
//! Guide lines 629–700 and 2790–2810. Large-match rule sets replace custom
//! rules with a fixed procedure:
//!
//! 1. **Pre-sort by latency** (`batchingPreference`): `largestPopulation`
//!    (default) groups tickets by a region where their latency is acceptable,
//!    preferring the region acceptable to the most tickets; `fastestRegion`
//!    groups each ticket under its lowest-latency acceptable region. A ticket
//!    acceptable nowhere waits (and may expand) while the others match.
//! 2. **Batch**: within a group tickets are ordered by their `batchDistance`
//!    attributes (so similar players are adjacent), then by age, and swept in
//!    one linear pass; a window of adjacent tickets becomes a match once it
//!    holds the maximum number of players (or the group ends with at least the
//!    minimum).
//! 3. **Fill teams** in the guide's order ([`fill_order_sizes`]): teams under
//!    minPlayers first, then the team with the most free slots.
//! 4. **Balance** on `balancedAttribute`: tickets, strongest first, go to the
//!    team whose total per target slot is lowest, keeping each ticket's
//!    players together.
//!
//! Everything is O(n log n) per pass (the sorts) plus O(n) sweeping.

use super::build::{Builder, Ctx, Found};
use super::exhaustive::{batching_attrs, key_order};
use super::metrics::accumulate;
use super::rules::over;
use super::ruleset::{PartyAgg, RuleKind, RuleSet};

/// `strategy: balanced` on a small match (the guide's compound example uses it with 20 v 20):
/// the exhaustive search found the match under the custom rules; re-deal its tickets with the
/// fill order and the balancing on `balancedAttribute`, and keep that line-up if every rule
/// still holds. Backfill matches keep their teams.
pub(crate) fn rebalance(cx: &Ctx<'_>, found: &Builder, alt: &mut Builder) -> Option<Found> {
    let rs = cx.rs;
    if rs.algorithm.strategy != super::ruleset::Strategy::Balanced
        || rs.algorithm.balanced_attribute.is_none()
        || found.has_backfill()
    {
        return None;
    }
    let slots = found.tickets.clone();
    let params = found.current_params(cx);
    let (mins, maxes) = team_limits(rs, params);
    let total = found.teams.iter().map(Vec::len).sum::<usize>() as u32;
    let targets = fill_order_sizes(&mins, &maxes, total);
    let assignment = balance(cx, &slots, &targets, &maxes)?;
    alt.clear(cx);
    for (k, &slot) in slots.iter().enumerate() {
        alt.place_on(cx, slot, assignment[k]);
    }
    alt.is_valid(cx).then(|| alt.to_found(cx))
}

/// Team sizes after `n` players are added one by one in the guide's fill order
/// (line 669): "首先：查找尚未达到其最低玩家要求的团队。其次：在这些团队中，查找具有最多空闲位置的团队。"
/// Ties go to the team declared first. `mins` and `maxes` are per team instance.
pub fn fill_order_sizes(mins: &[u32], maxes: &[u32], n: u32) -> Vec<u32> {
    let mut sizes = vec![0u32; mins.len()];
    for _ in 0..n {
        let next = (0..sizes.len())
            .filter(|&t| sizes[t] < maxes[t])
            .min_by_key(|&t| (sizes[t] >= mins[t], u32::MAX - (maxes[t] - sizes[t]), t));
        match next {
            Some(t) => sizes[t] += 1,
            None => break,
        }
    }
    sizes
}

/// Per team instance (min, max) under `params`.
fn team_limits(rs: &RuleSet, params: &[f64]) -> (Vec<u32>, Vec<u32>) {
    rs.teams
        .iter()
        .map(|t| {
            let d = &rs.team_defs[t.def];
            (
                params[d.min_players].max(0.0) as u32,
                params[d.max_players].max(0.0) as u32,
            )
        })
        .unzip()
}

/// Latency rules as (max latency slot, party aggregation).
fn latency_rules(rs: &RuleSet) -> Vec<(usize, PartyAgg)> {
    rs.rules
        .iter()
        .filter_map(|r| match r.kind {
            RuleKind::Latency {
                max_latency, party, ..
            } => Some((max_latency, party)),
            _ => None,
        })
        .collect()
}

/// Regions (by id) where `t` meets every latency rule at its own age.
fn acceptable(cx: &Ctx<'_>, lat: &[(usize, PartyAgg)], slot: u32, out: &mut Vec<(u16, f64)>) {
    out.clear();
    let t = cx.store.get(slot);
    let params = cx
        .rs
        .params()
        .at(cx.now_ms.saturating_sub(cx.store.created(slot)));
    for &(region, v) in t.latency.iter() {
        let ok = lat.iter().all(|&(slot, party)| {
            t.latency(region, party)
                .is_some_and(|ms| !over(ms, params[slot]))
        });
        if ok {
            out.push((region, v[0]));
        }
    }
}

/// One pass of the balanced strategy over `slots` (regular tickets only).
pub(crate) fn run(cx: &Ctx<'_>, slots: &[u32], totals: &mut [[u64; 2]]) -> Vec<Found> {
    let lat = latency_rules(cx.rs);
    let store = cx.store;
    // 1. Group by region.
    let mut groups: Vec<Vec<u32>> = Vec::new();
    if lat.is_empty() {
        groups.push(slots.to_vec());
    } else {
        let n_regions = store.regions.len();
        let mut buf = Vec::new();
        let mut accepts: Vec<(u32, u32, u32)> = Vec::with_capacity(slots.len()); // (slot, start, end) into flat
        let mut flat: Vec<(u16, f64)> = Vec::new();
        let mut population = vec![0usize; n_regions];
        for &s in slots {
            acceptable(cx, &lat, s, &mut buf);
            let start = flat.len() as u32;
            for &(r, _) in &buf {
                population[r as usize] += 1;
            }
            flat.extend_from_slice(&buf);
            accepts.push((s, start, flat.len() as u32));
        }
        // Region preference: most tickets first (largestPopulation), ties by name.
        let mut rank: Vec<usize> = (0..n_regions).collect();
        rank.sort_by(|&a, &b| {
            population[b]
                .cmp(&population[a])
                .then_with(|| store.regions[a].cmp(&store.regions[b]))
        });
        let mut pos = vec![0usize; n_regions];
        for (i, &r) in rank.iter().enumerate() {
            pos[r] = i;
        }
        groups.resize(n_regions, Vec::new());
        let fastest = cx.rs.algorithm.batching == super::ruleset::Batching::FastestRegion;
        for &(s, a, b) in &accepts {
            let options = &flat[a as usize..b as usize];
            let pick = if fastest {
                options.iter().min_by(|x, y| {
                    x.1.total_cmp(&y.1)
                        .then(pos[x.0 as usize].cmp(&pos[y.0 as usize]))
                })
            } else {
                options.iter().min_by_key(|x| pos[x.0 as usize])
            };
            if let Some(&(r, _)) = pick {
                groups[r as usize].push(s);
            }
        }
    }
    // 2–4. Sweep each group.
    let attrs = batching_attrs(cx);
    let mut b = Builder::new(cx.rs);
    let mut out = Vec::new();
    for mut g in groups {
        g.sort_by(|&a, &c| {
            let (x, y) = (store.get(a), store.get(c));
            key_order(cx, &attrs, x, y)
                .then_with(|| store.created(a).cmp(&store.created(c)))
                .then_with(|| x.id.cmp(&y.id))
        });
        sweep(cx, &g, &mut b, &mut out, totals);
    }
    b.clear(cx);
    out
}

fn sweep(cx: &Ctx<'_>, g: &[u32], b: &mut Builder, out: &mut Vec<Found>, totals: &mut [[u64; 2]]) {
    let rs = cx.rs;
    let max_total: u32 = {
        let (_, maxes) = team_limits(rs, rs.params().base());
        maxes.iter().sum()
    };
    let mut start = 0;
    let mut players = 0u32;
    let mut i = 0;
    while i < g.len() {
        let t = cx.store.get(g[i]);
        let size = t.player_count() as u32;
        // A window must keep batchDistance: if this ticket breaks it, close the window first.
        if start < i && !batch_ok(cx, &g[start..=i]) {
            if try_emit(cx, &g[start..i], b, out, totals) {
                start = i;
                players = 0;
            } else {
                while start < i && !batch_ok(cx, &g[start..=i]) {
                    players -= cx.store.get(g[start]).player_count() as u32;
                    start += 1;
                }
            }
        }
        if players + size > max_total {
            if try_emit(cx, &g[start..i], b, out, totals) {
                start = i;
                players = 0;
            } else {
                // Too big to fit with the oldest: let the window slide.
                while start < i && players + size > max_total {
                    players -= cx.store.get(g[start]).player_count() as u32;
                    start += 1;
                }
            }
        }
        players += size;
        i += 1;
        if players == max_total && try_emit(cx, &g[start..i], b, out, totals) {
            start = i;
            players = 0;
        }
    }
    if start < g.len() {
        try_emit(cx, &g[start..], b, out, totals);
    }
}

/// Every batchDistance rule holds over `w` (parameters at the window's newest ticket; the
/// final check uses the match's). O(|w|): strings equal, numbers (a party's under the rule's
/// partyAggregation, as the final check reads them) within maxDistance.
fn batch_ok(cx: &Ctx<'_>, w: &[u32]) -> bool {
    use super::store::Val;
    let newest = w.iter().map(|&s| cx.store.created(s)).max().unwrap_or(0);
    let params = cx.rs.params().at(cx.now_ms.saturating_sub(newest));
    cx.rs.rules.iter().all(|r| match r.kind {
        RuleKind::BatchDistance {
            attr,
            max_distance,
            party,
        } => {
            let first = cx.store.get(w[0]);
            match &first.players[0].attrs[attr] {
                Val::Sym(a) => w.iter().all(
                    |&s| matches!(&cx.store.get(s).players[0].attrs[attr], Val::Sym(b) if b == a),
                ),
                Val::Num(_) => {
                    let (lo, hi) =
                        w.iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
                                let x = cx.store.get(s).num(0, attr, party);
                                (lo.min(x), hi.max(x))
                            });
                    let m = params[max_distance];
                    hi - lo <= if m.is_nan() { 0.0 } else { m }
                }
                _ => true,
            }
        }
        _ => true,
    })
}

/// Assigns the window's tickets to teams (fill order + balance) and keeps the match if it is valid.
fn try_emit(
    cx: &Ctx<'_>,
    w: &[u32],
    b: &mut Builder,
    out: &mut Vec<Found>,
    totals: &mut [[u64; 2]],
) -> bool {
    if w.is_empty() {
        return false;
    }
    let rs = cx.rs;
    let newest = w.iter().map(|&s| cx.store.created(s));
    let reference = match rs.algorithm.expansion_age {
        super::ruleset::AgeSelection::Newest => newest.max(),
        super::ruleset::AgeSelection::Oldest => newest.min(),
    };
    let params = rs
        .params()
        .at(cx.now_ms.saturating_sub(reference.unwrap_or(0)));
    let (mins, maxes) = team_limits(rs, params);
    let total: u32 = w
        .iter()
        .map(|&s| cx.store.get(s).player_count() as u32)
        .sum();
    if total < mins.iter().sum::<u32>() || total > maxes.iter().sum::<u32>() {
        return false;
    }
    let targets = fill_order_sizes(&mins, &maxes, total);
    let Some(assignment) = balance(cx, w, &targets, &maxes) else {
        return false;
    };
    b.clear(cx);
    for (k, &slot) in w.iter().enumerate() {
        b.place_on(cx, slot, assignment[k]);
    }
    let ok = b.is_valid(cx);
    accumulate(totals, &b.counters);
    if ok {
        out.push(b.to_found(cx));
    }
    ok
}

/// Tickets strongest first, each to the team with the lowest attribute total per target slot
/// that still has room for the whole party.
fn balance(cx: &Ctx<'_>, w: &[u32], targets: &[u32], maxes: &[u32]) -> Option<Vec<usize>> {
    let attr = cx.rs.algorithm.balanced_attribute;
    let value = |s: u32| attr.map_or(0.0, |a| cx.store.get(s).num(0, a, PartyAgg::Avg));
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by(|&x, &y| value(w[y]).total_cmp(&value(w[x])).then(x.cmp(&y)));
    let n = targets.len();
    let mut count = vec![0u32; n];
    let mut sum = vec![0f64; n];
    let mut team_of = vec![0usize; w.len()];
    for k in order {
        let size = cx.store.get(w[k]).player_count() as u32;
        let pick = |limit: &dyn Fn(usize) -> u32| {
            (0..n)
                .filter(|&t| count[t] + size <= limit(t))
                .min_by(|&x, &y| {
                    let (a, c) = (
                        sum[x] / targets[x].max(1) as f64,
                        sum[y] / targets[y].max(1) as f64,
                    );
                    a.total_cmp(&c).then(x.cmp(&y))
                })
        };
        let t = pick(&|t| targets[t]).or_else(|| pick(&|t| maxes[t]))?;
        count[t] += size;
        sum[t] += value(w[k]) * size as f64;
        team_of[k] = t;
    }
    Some(team_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guide lines 679–686: red/blue 5–10, green 2–3. After 10 players 5/5/0; after 12 the
    /// green team has its 2; then red and blue fill until every team has one free slot; the
    /// last 3 go one to each team.
    #[test]
    fn fill_order_10_10_3() {
        let (mins, maxes) = ([5, 5, 2], [10, 10, 3]);
        assert_eq!(fill_order_sizes(&mins, &maxes, 10), vec![5, 5, 0]);
        assert_eq!(fill_order_sizes(&mins, &maxes, 12), vec![5, 5, 2]);
        assert_eq!(fill_order_sizes(&mins, &maxes, 20), vec![9, 9, 2]);
        assert_eq!(fill_order_sizes(&mins, &maxes, 23), vec![10, 10, 3]);
        assert_eq!(fill_order_sizes(&mins, &maxes, 30), vec![10, 10, 3]);
    }

    /// Guide lines 1446–1453 ("monster-hunters"): ten hunter teams 12–15 and a monster team of
    /// exactly 5: 100 players → 10 per hunter team; next 22 → 2 each to all eleven teams;
    /// next 3 → monsters; last 30 → hunters, evenly.
    #[test]
    fn fill_order_10x15_plus_5() {
        let mut mins = vec![5];
        let mut maxes = vec![5];
        mins.extend([12; 10]);
        maxes.extend([15; 10]);
        let s = fill_order_sizes(&mins, &maxes, 100);
        assert_eq!(s[0], 0);
        assert!(s[1..].iter().all(|&x| x == 10));
        let s = fill_order_sizes(&mins, &maxes, 122);
        assert_eq!(s[0], 2);
        assert!(s[1..].iter().all(|&x| x == 12));
        let s = fill_order_sizes(&mins, &maxes, 125);
        assert_eq!(s[0], 5);
        assert!(s[1..].iter().all(|&x| x == 12));
        let s = fill_order_sizes(&mins, &maxes, 140);
        assert_eq!(s[0], 5);
        assert!(s[1..].iter().all(|&x| (13..=14).contains(&x)));
        let s = fill_order_sizes(&mins, &maxes, 155);
        assert!(s[1..].iter().all(|&x| x == 15));
    }
}
