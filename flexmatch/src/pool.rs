//! A ticket pool: one per matchmaking configuration.
//!
//! The daemon adds tickets as they arrive ([`Pool::insert`]), takes them out
//! when cancelled or timed out ([`Pool::remove`]), looks for a full match
//! around each arrival ([`Pool::find_full_matches`]), and runs a matching pass
//! ([`Pool::find_matches`]) at the end of each matchmaking cycle in which
//! tickets arrived and whenever an expansion step fell due
//! ([`Pool::next_expansion_due`] says when). A pass returns the matches and
//! removes their tickets from the pool. Time is always passed in (epoch
//! milliseconds) and randomness comes from the seed: the same pool, time and
//! seed give the same matches.
//!
//! Passes cost what changed, not the pool: a pass when nothing arrived, no
//! expansion step fell due and the previous pass found nothing returns at once;
//! otherwise the newcomers are each tried against the whole pool (so two
//! compatible tickets always meet, whatever the batches), up to a budget of rule
//! checks per cycle (`SEED_WORK`; the rest wait for the next cycle); the
//! guide's batches over the whole pool run only when an expansion step fell due
//! or the last pass matched. When a rule bounds the spread of one number over a
//! match (see the `spread` module), the pool is indexed by that number and a
//! newcomer looks only at the tickets within its reach: a burst of n newcomers
//! costs O(n log n) plus the pairs within reach, not n × pool.

use super::balanced;
use super::build::{Builder, Ctx, Found, Match, MatchedPlayer};
use super::exhaustive::{self, Seeded};
use super::metrics::{accumulate, RuleMetric, TicketEvaluations};
use super::rules::has_latency_rule;
use super::ruleset::{RuleSet, Strategy};
use super::spread::Reach;
use super::store::{prefetch, Store};
use super::ticket::{Ticket, TicketError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many other tickets a new ticket looks at for a full match on arrival
/// ([`Pool::find_full_matches`]).
pub const FULL_LOOK_LIMIT: usize = 1024;

/// How many rule checks a cycle's pass spends trying newcomers against the whole pool
/// (newcomers × pool): a burst larger than that is worked through over the next cycles.
pub const SEED_WORK: usize = 1 << 21;

/// Newcomers a cycle's pass tries against the whole pool however large the pool.
pub const MIN_SEEDS: usize = 16;

/// True when every team of found match `f` is at its maxPlayers.
fn is_full_found(cx: &Ctx<'_>, f: &Found) -> bool {
    let params = cx.rs.params().at(0);
    f.m.teams
        .iter()
        .zip(&cx.rs.teams)
        .all(|(t, team)| t.players.len() >= params[cx.rs.team_defs[team.def].max_players] as usize)
}

/// Result of a matching pass.
#[derive(Debug, Clone, PartialEq)]
pub struct PassResult {
    /// The matches found, in the order they were made. Their tickets have left the pool.
    pub matches: Vec<Match>,
    /// Rule evaluations over the whole pass, matched or not (`ruleEvaluationMetrics`).
    pub rule_metrics: Vec<RuleMetric>,
    /// What each matched ticket went through during its stay in the pool, per rule: the
    /// matches in order, and for each its `ticket_ids` in order then its backfill ticket if
    /// any. The tickets have left the pool, so this is the only place their counts remain.
    pub ticket_evaluations: TicketEvaluations,
}

/// The tickets waiting for matches under one rule set (a matchmaking configuration's pool).
/// The daemon inserts and removes tickets and runs passes; the pool keeps no clock: each pass
/// is told the time and a seed.
#[derive(Debug)]
pub struct Pool {
    rs: Arc<RuleSet>,
    store: Store,
    needs_latency: bool,
    /// Creation time → number of tickets created then (for expansion scheduling; kept only
    /// when the rule set has expansions).
    created: BTreeMap<u64, u32>,
    has_expansions: bool,
    /// Tickets inserted since the last pass: (slot, sequence number).
    fresh: Vec<(u32, u64)>,
    /// Tickets inserted since the last look for a full match ([`Pool::find_full_matches`]).
    unchecked: Vec<(u32, u64)>,
    /// When the last pass ran, if one did.
    last_pass_ms: Option<u64>,
    /// Whether the last pass matched anything (then the rest deserves another look).
    last_pass_matched: bool,
    /// With a rule that keeps some pairs of tickets apart by one number (see
    /// the `spread` module): the tickets by that number, so a newcomer looks only at the
    /// tickets within its reach.
    reach: Option<Reach>,
}

impl Pool {
    /// An empty pool for rule set `rs`.
    pub fn new(rs: Arc<RuleSet>) -> Pool {
        let needs_latency = has_latency_rule(&rs);
        let store = Store::new(&rs);
        let has_expansions = rs.params().boundaries().next().is_some();
        Pool {
            store,
            needs_latency,
            created: BTreeMap::new(),
            has_expansions,
            fresh: Vec::new(),
            unchecked: Vec::new(),
            last_pass_ms: None,
            last_pass_matched: false,
            reach: Reach::of(&rs),
            rs,
        }
    }

    /// The rule set the pool matches by.
    pub fn rule_set(&self) -> &Arc<RuleSet> {
        &self.rs
    }

    /// Number of tickets waiting (backfill tickets included).
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// True when no ticket is waiting.
    pub fn is_empty(&self) -> bool {
        self.store.len() == 0
    }

    /// Distinct strings the pool holds for its tickets (ids, attribute values). Freed as
    /// tickets leave: a pool that empties holds none.
    pub fn interned_strings(&self) -> usize {
        self.store.interned()
    }

    /// True when ticket `ticket_id` is waiting in the pool.
    pub fn contains(&self, ticket_id: &str) -> bool {
        self.store.contains(ticket_id)
    }

    /// Adds a ticket. Refused (and not stored) when it does not fit the rule set.
    pub fn insert(&mut self, ticket: Ticket) -> Result<(), TicketError> {
        let created = ticket.created_ms;
        let slot = self.store.insert(&self.rs, ticket, self.needs_latency)?;
        if let Some(r) = &mut self.reach {
            r.insert(&self.store, slot);
        }
        if self.has_expansions {
            *self.created.entry(created).or_insert(0) += 1;
        }
        let seq = self.store.seq(slot);
        self.fresh.push((slot, seq));
        self.unchecked.push((slot, seq));
        Ok(())
    }

    /// Removes a ticket (cancelled, timed out, matched elsewhere). True if it was there.
    pub fn remove(&mut self, ticket_id: &str) -> bool {
        match self.store.slot_of(ticket_id) {
            Some(slot) => self.remove_slot(slot),
            None => false,
        }
    }

    /// The rule evaluations ticket `ticket_id` went through since it entered the pool:
    /// [passed, failed] per rule, in rule set order (`ruleEvaluationMetrics`; see
    /// [`RuleMetric`](crate::RuleMetric)). `None` when it is not in the pool.
    pub fn evaluations(&self, ticket_id: &str) -> Option<Vec<[u64; 2]>> {
        let slot = self.store.slot_of(ticket_id)?;
        Some(
            self.store
                .evaluations(slot)
                .map(|[p, f]| [u64::from(p), u64::from(f)])
                .collect(),
        )
    }

    /// Turns found matches into the caller's [`Match`]es, in order, and takes their tickets
    /// out of the pool: the id strings move out of the leaving tickets (no copies; each
    /// player shares its ticket's id), their rule evaluations go to `evaluations` (the
    /// matches in order, each its placed tickets then its backfill ticket).
    ///
    /// Two sweeps. The first visits the leaving tickets in slot order: it moves their ids
    /// out, reads their evaluations and removes them. The second builds the matches from
    /// what the first gathered. A large pass's matches drew their tickets from the whole
    /// pool at random (the guide's random batches, 002 lines 446–452), so taking them match
    /// by match reads the store at random: in a 100k-ticket pool every record, player and
    /// id visited so is a cache miss. In slot order the store is read front to back, and
    /// the second sweep only touches the small, dense lists the first one filled.
    fn settle_all(&mut self, found: Vec<Found>, evaluations: &mut TicketEvaluations) -> Vec<Match> {
        // Every leaving ticket, numbered `k` in match order.
        let mut leaving: Vec<(u32, u32)> = Vec::new();
        for f in &found {
            for s in f.placed.iter().copied().chain(f.backfill) {
                leaving.push((s, leaving.len() as u32));
            }
        }
        let base = evaluations.len();
        evaluations.extend_zeroed(leaving.len());
        // Sweep one, in slot order. The `j`-th ticket visited leaves its id at `ids[j]` and
        // its players from `players[first[j]]` on; `at[k] = j`. Written front to back, but
        // for `at` and the evaluations: plain stores, which do not wait for memory.
        leaving.sort_unstable();
        let mut at = vec![0u32; leaving.len()];
        let mut first: Vec<u32> = Vec::with_capacity(leaving.len());
        let mut ids: Vec<Option<Arc<str>>> = Vec::with_capacity(leaving.len());
        let mut players: Vec<Option<MatchedPlayer>> = Vec::with_capacity(leaving.len());
        for (j, &(s, k)) in leaving.iter().enumerate() {
            let rec = self.store.get_mut(s);
            at[k as usize] = j as u32;
            first.push(players.len() as u32);
            let id = &rec.id;
            players.extend(rec.players.iter_mut().map(|p| {
                Some(MatchedPlayer {
                    player_id: std::mem::take(&mut p.id),
                    ticket_id: Arc::clone(id),
                })
            }));
            ids.push(Some(Arc::clone(id)));
            evaluations.set(base + k as usize, self.store.evaluations(s));
            self.remove_slot(s);
        }
        // Sweep two, in match order: match `i`'s tickets are `k` in `starts[i]..starts[i + 1]`.
        // Where they sit in `ids` and `players` follows slot order, not `k`: their entries
        // are asked for a match or two ahead, so their cache misses overlap.
        let mut starts = Vec::with_capacity(found.len() + 1);
        starts.push(0usize);
        for f in &found {
            let n = f.placed.len() + usize::from(f.backfill.is_some());
            starts.push(starts[starts.len() - 1] + n);
        }
        // Asks for the entries of match `i`'s tickets in `ids` and `first`, and with
        // `players` their players (reading `first`: ask for it a match earlier).
        fn ahead(
            starts: &[usize],
            at: &[u32],
            ids: &[Option<Arc<str>>],
            first: &[u32],
            players: Option<&[Option<MatchedPlayer>]>,
            i: usize,
        ) {
            let Some(w) = starts.get(i..=i + 1) else {
                return;
            };
            for &j in &at[w[0]..w[1]] {
                let j = j as usize;
                prefetch(&ids[j]);
                prefetch(&first[j]);
                if let Some(p) = players.and_then(|p| p.get(first[j] as usize)) {
                    prefetch(p);
                }
            }
        }
        ahead(&starts, &at, &ids, &first, None, 0);
        ahead(&starts, &at, &ids, &first, None, 1);
        ahead(&starts, &at, &ids, &first, Some(&players), 0);
        let mut here: Vec<(u32, u32)> = Vec::new();
        let mut out = Vec::with_capacity(found.len());
        for (i, f) in found.into_iter().enumerate() {
            ahead(&starts, &at, &ids, &first, None, i + 2);
            ahead(&starts, &at, &ids, &first, Some(&players), i + 1);
            let Found {
                mut m,
                refs,
                sizes,
                placed,
                backfill,
            } = f;
            let k0 = starts[i];
            // This match's tickets by slot, for its players to find their ticket.
            here.clear();
            here.extend(
                placed
                    .iter()
                    .copied()
                    .chain(backfill)
                    .enumerate()
                    .map(|(n, s)| (s, at[k0 + n])),
            );
            here.sort_unstable();
            let j_of = |slot: u32| {
                let n = here
                    .binary_search_by_key(&slot, |&(s, _)| s)
                    .expect("a match's players come from its tickets");
                here[n].1 as usize
            };
            let mut refs = refs.iter();
            for (t, team) in m.teams.iter_mut().enumerate() {
                for r in refs.by_ref().take(sizes[t]) {
                    let p = first[j_of(r.slot)] as usize + r.player as usize;
                    team.players
                        .push(players[p].take().expect("each player is placed once"));
                }
            }
            let mut take_id = |n: usize| {
                ids[at[k0 + n] as usize]
                    .take()
                    .expect("each ticket leaves once")
            };
            m.ticket_ids.extend((0..placed.len()).map(&mut take_id));
            m.backfill_ticket_id = backfill.map(|_| take_id(placed.len()));
            out.push(m);
        }
        out
    }

    fn remove_slot(&mut self, slot: u32) -> bool {
        if let (Some(r), true) = (&mut self.reach, self.store.is_live(slot)) {
            r.remove(&self.store, slot);
        }
        match self.store.remove_slot(slot) {
            Some(_) if !self.has_expansions => true,
            Some(created_ms) => {
                if let Some(c) = self.created.get_mut(&created_ms) {
                    *c -= 1;
                    if *c == 0 {
                        self.created.remove(&created_ms);
                    }
                }
                true
            }
            None => false,
        }
    }

    /// The earliest time after `now_ms` at which some ticket reaches an expansion step
    /// (its age crosses a `waitTimeSeconds`), if any. Schedule a pass for then.
    pub fn next_expansion_due(&self, now_ms: u64) -> Option<u64> {
        let mut best: Option<u64> = None;
        for b in self.rs.params().boundaries() {
            // The oldest ticket still younger than b at now: created > now - b.
            let from = now_ms.saturating_sub(b).saturating_add(1);
            let from = if now_ms < b { 0 } else { from };
            if let Some((&c, _)) = self.created.range(from..).next() {
                let due = c + b;
                if due > now_ms && best.is_none_or(|x| due < x) {
                    best = Some(due);
                }
            }
        }
        best
    }

    /// True when some ticket crossed an expansion step in (`from`, `to`].
    fn expansion_crossed(&self, from: u64, to: u64) -> bool {
        self.next_expansion_due(from).is_some_and(|d| d <= to)
    }

    /// True when newcomers wait for the next cycle's pass (a burst larger than one cycle's
    /// budget, `SEED_WORK`): schedule one.
    pub fn has_pending(&self) -> bool {
        !self.fresh.is_empty()
    }

    /// Looks for matches that are full (every team at its maxPlayers) around the tickets
    /// inserted since the last look, at `now_ms`: such a match is ready at once (guide 002
    /// line 193) and need not wait for the next matchmaking cycle. Matches below maxPlayers
    /// are left to [`Pool::find_matches`], the cycle's pass, which sees every ticket that
    /// arrived within the cycle. Each new ticket looks at no more than `FULL_LOOK_LIMIT`
    /// others (oldest first), so an arrival costs the same in a pool of any size; what this
    /// misses the cycle finds.
    pub fn find_full_matches(&mut self, now_ms: u64, seed: u64) -> PassResult {
        let mut totals = vec![[0u64; 2]; self.rs.rules.len()];
        let store = &self.store;
        let seeds: Vec<u32> = self
            .unchecked
            .drain(..)
            .filter(|&(slot, seq)| store.holds(slot, seq))
            .map(|(s, _)| s)
            .collect();
        let found = if seeds.is_empty() {
            Vec::new()
        } else {
            let cx = Ctx {
                rs: &self.rs,
                store: &self.store,
                now_ms,
            };
            if self.rs.algorithm.strategy == Strategy::Balanced && self.rs.is_large() {
                // The balanced sweep is O(n log n) over the pool: keep only what it fills, and
                // leave a pool too large to sweep per arrival to the cycle's pass.
                let n = self.store.len();
                if n >= self.rs.max_match_players as usize && n <= 4 * FULL_LOOK_LIMIT {
                    let mut all = pass(&cx, self.all_slots(), seed, &mut totals);
                    all.retain(|f| f.backfill.is_none() && is_full_found(&cx, f));
                    all
                } else {
                    Vec::new()
                }
            } else {
                // With a spread rule, only the tickets within the newcomers' reach can join
                // them: a large pool costs an arrival O(log n) to search. (The pairs out of
                // reach then fail the rule in the tickets' evaluations at the cycle's pass,
                // not here.)
                let pool = match &self.reach {
                    Some(r) if self.store.len() > FULL_LOOK_LIMIT => r.around(&self.store, &seeds),
                    _ => self.all_slots(),
                };
                exhaustive::run_seeded(
                    &cx,
                    &seeds,
                    pool,
                    Seeded::FullOnly {
                        limit: FULL_LOOK_LIMIT,
                    },
                    (usize::MAX, 0),
                    &mut totals,
                )
                .found
            }
        };
        let mut ticket_evaluations = TicketEvaluations::new(self.rs.rules.len());
        let matches = self.settle_all(found, &mut ticket_evaluations);
        PassResult {
            matches,
            rule_metrics: RuleMetric::from_counters(&self.rs, &totals),
            ticket_evaluations,
        }
    }

    /// Runs a matching pass at `now_ms` (one matchmaking cycle). Matched tickets leave the
    /// pool. When only new tickets changed since the last pass, matches are built around
    /// them, each tried against the whole pool; when an expansion step fell due (or the
    /// last pass matched), the whole pool is batched again.
    pub fn find_matches(&mut self, now_ms: u64, seed: u64) -> PassResult {
        let mut totals = vec![[0u64; 2]; self.rs.rules.len()];
        let store = &self.store;
        self.fresh.retain(|&(slot, seq)| store.holds(slot, seq));
        let crossed = self
            .last_pass_ms
            .is_none_or(|last| now_ms < last || self.expansion_crossed(last, now_ms));
        // Nothing arrived, no expansion step fell due and the last pass found nothing: this
        // pass would find nothing either.
        let nothing_new = self.fresh.is_empty() && !crossed && !self.last_pass_matched;
        // The guide's batches (lines 446–452) over the whole pool when an expansion step fell
        // due, or after a pass that matched when a burst of newcomers is larger than one
        // cycle's budget (or none came): newcomers alone otherwise, so a steady trickle of
        // arrivals never pays for the whole pool.
        let budget = (SEED_WORK / self.store.len().max(1)).max(MIN_SEEDS);
        let batch_pass = crossed
            || (self.last_pass_matched && (self.fresh.is_empty() || self.fresh.len() > budget));
        let large = self.rs.algorithm.strategy == Strategy::Balanced && self.rs.is_large();
        let mut matches = Vec::new();
        let mut carried = Vec::new();
        if !nothing_new && self.store.len() > 0 {
            let cx = Ctx {
                rs: &self.rs,
                store: &self.store,
                now_ms,
            };
            if batch_pass || large {
                matches = pass(&cx, self.all_slots(), seed, &mut totals);
            }
            if !large && !self.fresh.is_empty() {
                let (found, rest) = self.seeded_cycle(&cx, &matches, budget, &mut totals);
                matches.extend(found);
                carried = rest;
            }
        }
        self.fresh = carried;
        self.unchecked.clear();
        self.last_pass_ms = Some(now_ms);
        self.last_pass_matched = !matches.is_empty();
        let mut ticket_evaluations = TicketEvaluations::new(self.rs.rules.len());
        let matches = self.settle_all(matches, &mut ticket_evaluations);
        PassResult {
            matches,
            rule_metrics: RuleMetric::from_counters(&self.rs, &totals),
            ticket_evaluations,
        }
    }

    /// Batches may have kept a newcomer apart from the one ticket it can match: every
    /// newcomer not in `matches` is also tried against the whole pool, as many as the cycle's
    /// budget allows (`budget` newcomers, or with a spread rule `SEED_WORK` candidates looked
    /// at), oldest first. Returns the matches and the newcomers left for the next cycle.
    fn seeded_cycle(
        &self,
        cx: &Ctx<'_>,
        matches: &[Found],
        budget: usize,
        totals: &mut [[u64; 2]],
    ) -> (Vec<Found>, Vec<(u32, u64)>) {
        let mut used = vec![false; self.store.slots.len()];
        for f in matches {
            for &s in f.placed.iter().chain(f.backfill.iter()) {
                used[s as usize] = true;
            }
        }
        let mut rest = self.all_slots();
        rest.retain(|&s| !used[s as usize]);
        let mut seeds = Vec::new();
        let mut carried = Vec::new();
        for &(s, q) in &self.fresh {
            if used[s as usize] {
                continue;
            }
            if self.reach.is_some() || seeds.len() < budget {
                seeds.push(s);
            } else {
                carried.push((s, q));
            }
        }
        let work = if self.reach.is_some() {
            (SEED_WORK, MIN_SEEDS)
        } else {
            (usize::MAX, 0)
        };
        let out = exhaustive::run_seeded(cx, &seeds, rest, Seeded::Cycle, work, totals);
        let store = &self.store;
        // Backfill tickets join the seeds on their own: only newcomers are carried.
        let fresh: std::collections::HashSet<u32> = seeds.iter().copied().collect();
        carried.extend(
            out.unvisited
                .iter()
                .filter(|s| fresh.contains(s))
                .map(|&s| (s, store.seq(s))),
        );
        (out.found, carried)
    }

    fn all_slots(&self) -> Vec<u32> {
        let mut v = Vec::with_capacity(self.store.len());
        v.extend(self.store.live_slots());
        v
    }

    /// Tries to fill the open slots of backfill ticket `ticket_id` right now. On success the
    /// backfill ticket and the new tickets leave the pool. Unlike [`Pool::find_matches`] this
    /// does not report the tickets' rule evaluations (the daemon matches through passes).
    pub fn backfill(&mut self, ticket_id: &str, now_ms: u64) -> Option<Match> {
        let slot = self.store.slot_of(ticket_id)?;
        if !self.store.is_backfill(slot) {
            return None;
        }
        let m = {
            let cx = Ctx {
                rs: &self.rs,
                store: &self.store,
                now_ms,
            };
            // The oldest SCAN_LIMIT regular tickets, oldest first: O(n) selection, then a small sort.
            let mut candidates = self.all_slots();
            candidates.retain(|&s| !cx.store.is_backfill(s));
            let by_age = |a: &u32, b: &u32| {
                cx.store
                    .created(*a)
                    .cmp(&cx.store.created(*b))
                    .then_with(|| cx.store.get(*a).id.cmp(&cx.store.get(*b).id))
            };
            if candidates.len() > super::backfill::SCAN_LIMIT {
                candidates.select_nth_unstable_by(super::backfill::SCAN_LIMIT, by_age);
                candidates.truncate(super::backfill::SCAN_LIMIT);
            }
            candidates.sort_by(by_age);
            let mut b = Builder::new(&self.rs);
            let found = super::backfill::fill(&cx, &mut b, slot, &candidates, &|_| false);
            b.clear(&cx);
            found
        }?;
        let mut unreported = TicketEvaluations::new(0);
        self.settle_all(vec![m], &mut unreported).pop()
    }
}

/// One pass over `slots` with the rule set's strategy.
fn pass(cx: &Ctx<'_>, slots: Vec<u32>, seed: u64, totals: &mut [[u64; 2]]) -> Vec<Found> {
    if cx.rs.algorithm.strategy == Strategy::Balanced && cx.rs.is_large() {
        let (backfills, regular): (Vec<u32>, Vec<u32>) =
            slots.into_iter().partition(|&s| cx.store.is_backfill(s));
        let mut out = Vec::new();
        let mut b = Builder::new(cx.rs);
        let mut taken = std::collections::HashSet::new();
        // Large matches give backfill the first pick (guide line ~712: "为大型对战的回填请求提供了更高的优先级").
        for &bf in &backfills {
            let skip = |s: u32| taken.contains(&s);
            let found = super::backfill::fill(cx, &mut b, bf, &regular, &skip);
            if let Some(m) = found {
                accumulate(totals, &b.counters);
                taken.extend(m.placed.iter().copied());
                out.push(m);
            }
        }
        b.clear(cx);
        let rest: Vec<u32> = regular.into_iter().filter(|s| !taken.contains(s)).collect();
        out.extend(balanced::run(cx, &rest, totals));
        out
    } else {
        exhaustive::run(cx, slots, seed, totals)
    }
}
