//! Building one match: place tickets on teams, judge, finish, report.
//!
//! [`Builder`] holds a potential match. [`Builder::try_add`] places a ticket
//! (all its players on one team — guide line 2095: "尝试创建单个对战并将所有玩家分配到相同团队中")
//! on the first team that keeps the rules satisfied in partial mode, trying
//! teams in the fill order of the guide (line 669): teams still under their
//! minPlayers first, then the team with the most free slots.
//! [`Builder::finish`] then requires every team's minPlayers and every rule in
//! final mode, dropping the most recently added tickets while that helps.
//!
//! Rule parameters come from the expansion stage in force for the match: its
//! age is counted from the newest ticket in it (`expansionAgeSelection:
//! newest`) or the oldest (`oldest`), guide line ~2836.

use super::eval::{PRef, Scratch, View};
use super::metrics::RuleMetric;
use super::rules::{check, latency_ok, Mode, Tri};
use super::ruleset::{AgeSelection, RuleKind, RuleSet};
use super::store::Store;
use std::sync::Arc;

/// A match found by a pass (or a backfill).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Every team instance of the rule set, in declaration order, with its players.
    pub teams: Vec<MatchTeam>,
    /// Tickets placed by this match (for a backfill: the new tickets only). Shared with
    /// the players' [`MatchedPlayer::ticket_id`]: the id is stored once per ticket.
    pub ticket_ids: Vec<Arc<str>>,
    /// The backfill ticket this match answers, if any.
    pub backfill_ticket_id: Option<Arc<str>>,
    /// Regions where every ticket meets the latency rules, lowest average latency first
    /// (empty when the rule set has no latency rule).
    pub regions: Vec<String>,
    /// Rule evaluations made while building this match (`ruleEvaluationMetrics`).
    pub rule_metrics: Vec<RuleMetric>,
}

impl Match {
    /// Number of players in the match (including a backfill ticket's existing players).
    pub fn player_count(&self) -> usize {
        self.teams.iter().map(|t| t.players.len()).sum()
    }
}

/// One team instance of a match and the players placed on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchTeam {
    /// The team instance's name: the rule set's team name, or `name_1`, `name_2`, … for a
    /// team with a `quantity` above 1 (shared with the rule set, not a copy).
    pub name: Arc<str>,
    /// Its players, in the order they were placed.
    pub players: Vec<MatchedPlayer>,
}

/// A player placed on a team, with the ticket that brought them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedPlayer {
    /// The player's id, as in the ticket.
    pub player_id: String,
    /// The ticket the player came in (a backfill ticket for a running match's players),
    /// shared with [`Match::ticket_ids`].
    pub ticket_id: Arc<str>,
}

/// A match as a pass finds it, before its tickets leave the store: the public [`Match`]
/// with its id strings still empty, and where each of them lives.
pub(crate) struct Found {
    pub m: Match,
    /// The players of `m.teams`, team by team, in order.
    pub refs: Vec<PRef>,
    /// Number of players of each team of `m.teams` (its `players` are still empty).
    pub sizes: Vec<usize>,
    /// Slots of `m.ticket_ids`, in order.
    pub placed: Vec<u32>,
    /// Slot of the backfill ticket, if any.
    pub backfill: Option<u32>,
}

/// What every pass shares: the rule set, the tickets and the time.
pub(crate) struct Ctx<'a> {
    pub rs: &'a RuleSet,
    pub store: &'a Store,
    pub now_ms: u64,
}

pub(crate) struct Builder {
    pub teams: Vec<Vec<PRef>>,
    pub tickets: Vec<u32>,
    /// (ticket slot, team) for each ticket added by `try_add`, in order.
    placed: Vec<(u32, usize)>,
    backfill: Option<u32>,
    order: Vec<usize>,
    scratch: Scratch,
    memo: Vec<Option<Tri>>,
    /// Per rule [passed, failed] for the match being built.
    pub counters: Vec<[u64; 2]>,
    /// `counters` as they were when each ticket of `tickets` joined (flat, one row of
    /// `counters.len()` per ticket): what a ticket went through is the difference when it
    /// leaves (see [`Builder::credit`]).
    joined: Vec<[u64; 2]>,
    /// Top-level latency rules: (rule index, maxLatency slot, party aggregation).
    latency_rules: Vec<(usize, usize, super::ruleset::PartyAgg)>,
    /// Regions where every ticket of `tickets[..=k]` is within the latency rules, at `k`
    /// (bit set = region acceptable; backfill tickets do not narrow it), under the
    /// parameters `region_params` points at: kept as tickets come and go, so trying a
    /// candidate costs its own regions, not the whole match's.
    region_and: Vec<u64>,
    region_params: usize,
    /// (oldest, newest) creation time of `tickets[..=k]`, at `k`: a match's age in O(1).
    created: Vec<(u64, u64)>,
}

impl Builder {
    pub fn new(rs: &RuleSet) -> Builder {
        Builder {
            teams: vec![Vec::new(); rs.teams.len()],
            tickets: Vec::new(),
            placed: Vec::new(),
            backfill: None,
            order: Vec::new(),
            scratch: Scratch::default(),
            memo: vec![None; rs.rules.len()],
            counters: vec![[0; 2]; rs.rules.len()],
            joined: Vec::new(),
            latency_rules: rs
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.in_compound)
                .filter_map(|(i, r)| match r.kind {
                    RuleKind::Latency {
                        max_latency, party, ..
                    } => Some((i, max_latency, party)),
                    _ => None,
                })
                .collect(),
            region_and: Vec::new(),
            region_params: 0,
            created: Vec::new(),
        }
    }

    /// Empties the potential match, crediting its tickets with the evaluations they were
    /// part of. Call it once more when a pass is done with the builder.
    pub fn clear(&mut self, cx: &Ctx<'_>) {
        for k in 0..self.tickets.len() {
            self.credit(cx, k);
        }
        self.teams.iter_mut().for_each(Vec::clear);
        self.tickets.clear();
        self.placed.clear();
        self.joined.clear();
        self.region_and.clear();
        self.created.clear();
        self.backfill = None;
        self.counters.iter_mut().for_each(|c| *c = [0; 2]);
    }

    /// Credits the `k`-th ticket of the potential match with every evaluation made since it
    /// joined: the counters only grow while it is in, so the difference is exactly the
    /// evaluations of potential matches that held it. O(rules), whatever the match size.
    fn credit(&self, cx: &Ctx<'_>, k: usize) {
        let n = self.counters.len();
        let joined = &self.joined[k * n..(k + 1) * n];
        let delta = self
            .counters
            .iter()
            .zip(joined)
            .map(|(now, then)| [now[0] - then[0], now[1] - then[1]]);
        cx.store.credit(self.tickets[k], delta);
    }

    /// A ticket enters `tickets`: note the counters it starts from.
    fn join(&mut self, cx: &Ctx<'_>, slot: u32) {
        cx.store.prefetch_evaluations(slot);
        let c = cx.store.created(slot);
        let (lo, hi) = self.created.last().copied().unwrap_or((c, c));
        self.created.push((lo.min(c), hi.max(c)));
        self.tickets.push(slot);
        self.joined.extend_from_slice(&self.counters);
    }

    /// True when the match grows from a backfill ticket.
    pub fn has_backfill(&self) -> bool {
        self.backfill.is_some()
    }

    /// Number of tickets added with `try_add` (the backfill ticket not included).
    pub fn added(&self) -> usize {
        self.placed.len()
    }

    /// Starts from a backfill ticket: its players keep the teams they are on.
    pub fn seed_backfill(&mut self, cx: &Ctx<'_>, slot: u32) {
        let rec = cx.store.get(slot);
        for (i, p) in rec.players.iter().enumerate() {
            if let Some(t) = p.team {
                self.teams[t].push(PRef {
                    slot,
                    player: i as u16,
                });
            }
        }
        self.join(cx, slot);
        self.backfill = Some(slot);
    }

    /// Age of the match if `extra` (a creation time) joined it.
    fn age(&self, cx: &Ctx<'_>, extra: Option<u64>) -> u64 {
        let span = self.created.last().copied();
        let reference = match cx.rs.algorithm.expansion_age {
            AgeSelection::Newest => span.map(|s| s.1).max(extra),
            AgeSelection::Oldest => match (span, extra) {
                (Some(s), Some(e)) => Some(s.0.min(e)),
                (s, e) => s.map(|s| s.0).or(e),
            },
        };
        reference.map_or(0, |r| cx.now_ms.saturating_sub(r))
    }

    fn params<'r>(&self, cx: &Ctx<'r>, extra: Option<u64>) -> &'r [f64] {
        cx.rs.params().at(self.age(cx, extra))
    }

    /// Teams in fill order for a party of `size`: under minPlayers first, then most free slots.
    fn fill_order(&mut self, rs: &RuleSet, params: &[f64], size: usize) {
        self.order.clear();
        for (t, team) in rs.teams.iter().enumerate() {
            let def = &rs.team_defs[team.def];
            if self.teams[t].len() + size <= params[def.max_players] as usize {
                self.order.push(t);
            }
        }
        let teams = &self.teams;
        self.order.sort_by_key(|&t| {
            let def = &rs.team_defs[rs.teams[t].def];
            let n = teams[t].len();
            let below_min = n < params[def.min_players] as usize;
            let free = (params[def.max_players] as usize).saturating_sub(n);
            (!below_min, usize::MAX - free, t)
        });
    }

    /// Tries `slot` on each team in fill order; keeps the first placement the rules allow.
    pub fn try_add(&mut self, cx: &Ctx<'_>, slot: u32) -> bool {
        let size = cx.store.size(slot);
        let params = self.params(cx, Some(cx.store.created(slot)));
        if !self.regions_possible(cx, params, slot) {
            return false;
        }
        self.fill_order(cx.rs, params, size);
        for k in 0..self.order.len() {
            let t = self.order[k];
            self.place(cx, slot, t, size);
            if self.judge(cx, params, Mode::Partial) {
                return true;
            }
            self.remove_last(cx);
        }
        false
    }

    /// Quick necessary condition for the latency rules: some region where every ticket of the
    /// match and the candidate is within maxLatency. When none exists the candidate is refused
    /// without a full evaluation (counted as a failure of the first latency rule).
    fn regions_possible(&mut self, cx: &Ctx<'_>, params: &[f64], slot: u32) -> bool {
        if self.latency_rules.is_empty() || cx.store.regions.len() > 64 {
            return true;
        }
        let rules = &self.latency_rules;
        let mask = |t: u32| -> u64 {
            let rec = cx.store.get(t);
            let mut m = 0u64;
            for &(region, _) in rec.latency.iter() {
                let ok = rules.iter().all(|&(_, slot, party)| {
                    rec.latency(region, party)
                        .is_some_and(|ms| !super::rules::over(ms, params[slot]))
                });
                if ok {
                    m |= 1 << region;
                }
            }
            m
        };
        // Another expansion stage: every ticket's regions again.
        if self.region_params != params.as_ptr() as usize {
            self.region_params = params.as_ptr() as usize;
            self.region_and.clear();
        }
        while self.region_and.len() < self.tickets.len() {
            let t = self.tickets[self.region_and.len()];
            let m = if cx.store.is_backfill(t) {
                u64::MAX
            } else {
                mask(t)
            };
            let before = self.region_and.last().copied().unwrap_or(u64::MAX);
            self.region_and.push(before & m);
        }
        let all = self.region_and.last().copied().unwrap_or(u64::MAX);
        let common = if all == 0 { 0 } else { all & mask(slot) };
        if common == 0 {
            let rule = self.latency_rules[0].0;
            self.counters[rule][1] += 1;
            // The candidate never joins, so credit it here; the tickets in the match get it
            // through `counters`.
            cx.store.credit_failure(slot, rule);
        }
        common != 0
    }

    /// Puts a whole ticket on `team` without judging (the balanced strategy decides teams itself).
    pub fn place_on(&mut self, cx: &Ctx<'_>, slot: u32, team: usize) {
        let n = cx.store.get(slot).player_count();
        self.place(cx, slot, team, n);
    }

    fn place(&mut self, cx: &Ctx<'_>, slot: u32, team: usize, size: usize) {
        for p in 0..size {
            self.teams[team].push(PRef {
                slot,
                player: p as u16,
            });
        }
        self.join(cx, slot);
        self.placed.push((slot, team));
    }

    /// Removes the most recently added ticket, crediting it with what it was judged in.
    pub fn remove_last(&mut self, cx: &Ctx<'_>) {
        if let Some((slot, team)) = self.placed.pop() {
            let t = &mut self.teams[team];
            while t.last().is_some_and(|p| p.slot == slot) {
                t.pop();
            }
            let k = self.tickets.len() - 1;
            self.credit(cx, k);
            self.tickets.pop();
            self.region_and.truncate(k);
            self.created.truncate(k);
            self.joined.truncate(k * self.counters.len());
        }
    }

    fn judge(&mut self, cx: &Ctx<'_>, params: &[f64], mode: Mode) -> bool {
        let view = View {
            rs: cx.rs,
            store: cx.store,
            teams: &self.teams,
            tickets: &self.tickets,
        };
        check(
            &view,
            params,
            mode,
            &mut self.scratch,
            &mut self.memo,
            &mut self.counters,
        )
    }

    /// True when every team is at its maxPlayers.
    pub fn is_full(&self, cx: &Ctx<'_>) -> bool {
        let params = self.params(cx, None);
        cx.rs.teams.iter().enumerate().all(|(t, team)| {
            self.teams[t].len() >= params[cx.rs.team_defs[team.def].max_players] as usize
        })
    }

    /// Every team holds between its minPlayers and maxPlayers.
    fn team_sizes_ok(&self, rs: &RuleSet, params: &[f64]) -> bool {
        rs.teams.iter().enumerate().all(|(t, team)| {
            let def = &rs.team_defs[team.def];
            let n = self.teams[t].len();
            n >= params[def.min_players] as usize && n <= params[def.max_players] as usize
        })
    }

    /// Makes the match final: every team at its minimum and every rule passing, dropping
    /// the latest tickets while that is not so. At least `keep` added tickets must stay
    /// (the anchor of a new match, or one newcomer of a backfill).
    pub fn finish(&mut self, cx: &Ctx<'_>, keep: usize) -> bool {
        while self.added() >= keep {
            let params = self.params(cx, None);
            if self.team_sizes_ok(cx.rs, params) && self.judge(cx, params, Mode::Final) {
                return true;
            }
            if self.added() == keep {
                return false;
            }
            self.remove_last(cx);
        }
        false
    }

    /// Parameters in force for the match as it stands.
    pub fn current_params<'r>(&self, cx: &Ctx<'r>) -> &'r [f64] {
        self.params(cx, None)
    }

    /// Names of the top-level rules (and compound statements) failing in final mode.
    pub fn failing_rules(&mut self, cx: &Ctx<'_>) -> Vec<String> {
        let params = self.params(cx, None);
        let view = View {
            rs: cx.rs,
            store: cx.store,
            teams: &self.teams,
            tickets: &self.tickets,
        };
        let mut failing = Vec::new();
        for (i, r) in cx.rs.rules.iter().enumerate() {
            if r.in_compound {
                continue;
            }
            let only = |j: usize| j == i;
            if !super::rules::check_only(
                &view,
                params,
                &mut self.scratch,
                &mut self.memo,
                &mut self.counters,
                only,
            ) {
                failing.push(r.name.to_string());
            }
        }
        failing
    }

    /// Judges the current match in final mode without changing it (for tests and checks).
    pub fn is_valid(&mut self, cx: &Ctx<'_>) -> bool {
        let params = self.params(cx, None);
        self.team_sizes_ok(cx.rs, params) && self.judge(cx, params, Mode::Final)
    }

    /// The finished match, with its players and ticket ids left out: the pool moves them
    /// out of the tickets as they leave (see [`Found`]), which spares a copy of every id.
    pub fn to_found(&self, cx: &Ctx<'_>) -> Found {
        let mut refs = Vec::with_capacity(self.teams.iter().map(Vec::len).sum());
        let teams = cx
            .rs
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                refs.extend_from_slice(&self.teams[t]);
                MatchTeam {
                    name: Arc::clone(&team.name),
                    players: Vec::with_capacity(self.teams[t].len()),
                }
            })
            .collect();
        let placed: Vec<u32> = self.placed.iter().map(|(s, _)| *s).collect();
        let m = Match {
            teams,
            ticket_ids: Vec::with_capacity(placed.len()),
            backfill_ticket_id: None,
            regions: self.regions(cx),
            rule_metrics: RuleMetric::from_counters(cx.rs, &self.counters),
        };
        Found {
            m,
            refs,
            sizes: self.teams.iter().map(Vec::len).collect(),
            placed,
            backfill: self.backfill,
        }
    }

    /// Regions acceptable to every latency rule, best (lowest average latency) first.
    fn regions(&self, cx: &Ctx<'_>) -> Vec<String> {
        let params = self.params(cx, None);
        let view = View {
            rs: cx.rs,
            store: cx.store,
            teams: &self.teams,
            tickets: &self.tickets,
        };
        let mut regions: Option<Vec<u16>> = None;
        for r in &cx.rs.rules {
            if let RuleKind::Latency {
                max_latency,
                max_distance,
                distance_reference,
                party,
            } = &r.kind
            {
                let mut ok = Vec::new();
                latency_ok(
                    &view,
                    params[*max_latency],
                    params[*max_distance],
                    *distance_reference,
                    *party,
                    |g| ok.push(g),
                );
                regions = Some(match regions {
                    None => ok,
                    Some(prev) => prev.into_iter().filter(|g| ok.contains(g)).collect(),
                });
            }
        }
        let mut regions = regions.unwrap_or_default();
        let avg = |g: u16| {
            let v: f64 = self
                .tickets
                .iter()
                .filter_map(|&t| cx.store.get(t).latency(g, super::ruleset::PartyAgg::Avg))
                .sum();
            v / self.tickets.len().max(1) as f64
        };
        regions.sort_by(|a, b| avg(*a).total_cmp(&avg(*b)).then(a.cmp(b)));
        regions
            .into_iter()
            .map(|g| cx.store.regions[g as usize].clone())
            .collect()
    }
}
