//! Ticket storage laid out for matching.
//!
//! Tickets live in a slab (`Vec<Slot>` plus a free list) so a ticket is named by
//! a `u32` slot for its whole stay and its memory is reused when it leaves. What
//! a matching pass reads for every candidate (creation time, backfill flag,
//! player count, number attributes, evaluation counts) is kept apart from the
//! ticket's record, in one row per slot (the `rows` module), and whether a slot
//! holds a ticket in a dense column (`Store::seqs`): a pass over a large pool
//! touches the records only of the tickets that leave. Attribute values are
//! resolved at insert time: the value of
//! declared attribute `i` is `attrs[i]` (defaults filled in), strings are
//! interned to `u32` symbols (reference counted, so the table shrinks as
//! tickets leave), regions to `u16`. For multi-player tickets the party
//! aggregates (`avg`/`min`/`max` of numbers, the `intersection` of lists,
//! per-region latency) are computed once, here, so that rule evaluation only
//! reads. (A list under `union` needs no aggregate: each player keeps their own, see
//! `TicketRec::list`.)

use super::rows::Rows;
use super::ruleset::{AttrType, PartyAgg, RuleSet};
use super::ticket::{
    check_value, type_name, AttributeValue, Player, Ticket, TicketError, MAX_PLAYERS_PER_BACKFILL,
    MAX_PLAYERS_PER_TICKET,
};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: ticket and player ids are short strings hashed on every insert and removal;
/// SipHash's flood resistance buys nothing in a local emulator.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// An attribute value with strings interned.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Num(f64),
    Sym(u32),
    List(Box<[u32]>),
    Map(Box<[(u32, f64)]>),
}

#[derive(Debug)]
pub(crate) struct PlayerRec {
    pub id: String,
    pub id_sym: u32,
    /// Declared attribute `i` at index `i`. A `Vec` so a leaving ticket's storage can be
    /// reused by the next one (see `Spare`).
    pub attrs: Vec<Val>,
    /// Team instance of a backfill ticket's player.
    pub team: Option<usize>,
}

/// Party aggregates of one ticket (only for tickets with several players).
#[derive(Debug, Default)]
pub(crate) struct Party {
    /// Per attribute: [avg, min, max] (NaN when not a number).
    pub num: Box<[[f64; 3]]>,
    /// Per attribute: the values every player's string list holds, as sorted symbols
    /// (empty for other types).
    pub common: Box<[Box<[u32]>]>,
}

#[derive(Debug)]
pub(crate) struct TicketRec {
    /// Shared with the matches that hand it out (see `Match::ticket_ids`).
    pub id: std::sync::Arc<str>,
    /// Next slot whose ticket id has the same hash (see `Store::by_hash`).
    same_hash: Option<u32>,
    /// Hash of the id (kept: the id string may be moved out before removal).
    hash: u32,
    pub players: Vec<PlayerRec>,
    /// Party aggregates of a regular ticket with several players (boxed: most tickets are
    /// solo, and settling a match reads every leaving ticket's record, see `Pool::settle_all`).
    /// Backfill tickets have none: their players are judged one by one.
    pub party: Option<Box<Party>>,
    /// Regions every player reports: (region, [avg, min, max] over the players), sorted by region.
    pub latency: Vec<(u16, [f64; 3])>,
}

/// The heap storage of a ticket that left, kept in its slot for the next ticket stored
/// there: its player records (ids and attribute values are dropped when reused) and its
/// latency table. So a pool in steady state (tickets arrive as others leave) neither
/// allocates nor frees these per ticket, and settling a match does not free each ticket's
/// records one by one.
#[derive(Debug, Default)]
pub(crate) struct Spare {
    players: Vec<PlayerRec>,
    latency: Vec<(u16, [f64; 3])>,
}

/// One slot of the store: a ticket, or the storage a ticket that left there kept.
#[derive(Debug)]
pub(crate) enum Slot {
    Live(TicketRec),
    Free(Spare),
}

impl Slot {
    /// The ticket in the slot, if any.
    #[inline]
    pub fn live(&self) -> Option<&TicketRec> {
        match self {
            Slot::Live(r) => Some(r),
            Slot::Free(_) => None,
        }
    }

    #[inline]
    fn live_mut(&mut self) -> Option<&mut TicketRec> {
        match self {
            Slot::Live(r) => Some(r),
            Slot::Free(_) => None,
        }
    }
}

impl TicketRec {
    /// Number attribute `attr` of player `p`, seen through the rule's party aggregation.
    #[inline]
    pub fn num(&self, p: usize, attr: usize, party: PartyAgg) -> f64 {
        match (&self.party, party) {
            (Some(pa), PartyAgg::Avg | PartyAgg::Min | PartyAgg::Max) => {
                pa.num[attr][agg_index(party)]
            }
            _ => match self.players[p].attrs[attr] {
                Val::Num(n) => n,
                _ => f64::NAN,
            },
        }
    }

    /// String-list attribute `attr` of player `p`, seen through the rule's party aggregation
    /// (guide 002 line 2983). `intersection` ("使用队伍的共同玩家属性"): the values the whole
    /// party shares. `union` ("合并队伍中所有玩家的玩家属性"): every player's own list goes into
    /// the measurement, since collection operations count and compare players' collections
    /// (lines 2979–2981) and every player of a request must meet the requirement (line 811);
    /// handing each member the party's merged list would let a player who shares nothing in
    /// and count one member's value once per member.
    #[inline]
    pub fn list(&self, p: usize, attr: usize, party: PartyAgg) -> &[u32] {
        match (&self.party, party) {
            (Some(pa), PartyAgg::Intersection) => &pa.common[attr],
            _ => match &self.players[p].attrs[attr] {
                Val::List(l) => l,
                _ => &[],
            },
        }
    }

    /// Latency in `region` under the party aggregation, if every player reports it.
    #[inline]
    pub fn latency(&self, region: u16, party: PartyAgg) -> Option<f64> {
        self.latency
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, v)| v[agg_index(party)])
    }

    pub fn player_count(&self) -> usize {
        self.players.len()
    }
}

#[inline]
fn agg_index(p: PartyAgg) -> usize {
    match p {
        PartyAgg::Min => 1,
        PartyAgg::Max => 2,
        _ => 0,
    }
}

/// Reference-counted string interner.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: FastMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    refs: Vec<u32>,
    free: Vec<u32>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            self.refs[id as usize] += 1;
            return id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                self.names[id as usize] = s.into();
                self.refs[id as usize] = 1;
                id
            }
            None => {
                self.names.push(s.into());
                self.refs.push(1);
                (self.names.len() - 1) as u32
            }
        };
        self.map.insert(s.into(), id);
        id
    }
    pub fn release(&mut self, id: u32) {
        let r = &mut self.refs[id as usize];
        *r -= 1;
        if *r == 0 {
            let name = std::mem::take(&mut self.names[id as usize]);
            self.map.remove(&name);
            self.free.push(id);
        }
    }
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
    /// Number of distinct strings held.
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

/// All tickets of one pool.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub slots: Vec<Slot>,
    free: Vec<u32>,
    /// FNV hash of a ticket id → the newest slot with that hash; further slots with the
    /// same hash chain through `TicketRec::same_hash`. Keys are plain numbers: no second
    /// copy of every id, no string compare on the common path.
    by_hash: FastMap<u32, u32>,
    live: usize,
    /// All ones; tests clear it to force every id onto one hash chain.
    hash_mask: u32,
    pub syms: Interner,
    pub regions: Vec<String>,
    region_ids: FastMap<String, u16>,
    next_seq: u64,
    /// What judging a ticket reads (creation time, backfill flag, player count, number
    /// attributes, evaluation counts), one row per slot (see the `rows` module).
    rows: Rows,
    /// Flat by slot: the sequence number of the ticket stored there (an insertion counter),
    /// 0 when the slot is free. Telling live slots from free ones, and a slot's current
    /// ticket from an earlier one, reads 8 bytes a slot rather than the slot's record: a
    /// pass over a large pool lists its tickets without touching their records.
    seqs: Vec<u64>,
    /// Intern player ids only when a rule reads `players[playerId]`.
    intern_ids: bool,
    /// Whether a ticket's values hold interned strings (to release when it leaves).
    holds_syms: bool,
}

impl Store {
    pub fn new(rs: &RuleSet) -> Store {
        let intern_ids = rs.rules.iter().any(|r| r.reads_player_ids());
        let holds_syms = intern_ids || rs.attributes.iter().any(|a| a.kind != AttrType::Number);
        Store {
            rows: Rows::new(rs.rules.len(), rs.attributes.len()),
            intern_ids,
            holds_syms,
            hash_mask: u32::MAX,
            ..Store::default()
        }
    }

    /// Number attribute `attr` of a regular ticket's players under `party` (avg/min/max).
    #[inline]
    pub fn num(&self, slot: u32, attr: usize, party: PartyAgg) -> f64 {
        self.rows.num(slot, attr, agg_index(party))
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &TicketRec {
        self.slots[slot as usize].live().expect("live slot")
    }

    pub fn len(&self) -> usize {
        self.live
    }

    /// Creation time (ms) of the ticket in `slot`.
    #[inline]
    pub fn created(&self, slot: u32) -> u64 {
        self.rows.created(slot)
    }

    /// Whether the ticket in `slot` is a backfill ticket.
    #[inline]
    pub fn is_backfill(&self, slot: u32) -> bool {
        self.rows.is_backfill(slot)
    }

    /// Number of players of the ticket in `slot` (at most 255).
    #[inline]
    pub fn size(&self, slot: u32) -> usize {
        self.rows.size(slot)
    }

    /// True when `slot` holds a ticket.
    #[inline]
    pub fn is_live(&self, slot: u32) -> bool {
        self.seqs.get(slot as usize).is_some_and(|&q| q != 0)
    }

    /// Sequence number of the ticket in `slot` (0 when the slot is free).
    #[inline]
    pub fn seq(&self, slot: u32) -> u64 {
        self.seqs.get(slot as usize).copied().unwrap_or(0)
    }

    /// True when `slot` still holds the ticket stored there with sequence number `seq`.
    #[inline]
    pub fn holds(&self, slot: u32, seq: u64) -> bool {
        self.seqs.get(slot as usize) == Some(&seq)
    }

    /// The slots that hold a ticket, in slot order.
    pub fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.seqs
            .iter()
            .enumerate()
            .filter(|(_, &q)| q != 0)
            .map(|(i, _)| i as u32)
    }

    /// Adds `delta` ([passed, failed] per rule, in rule order) to the evaluations of the
    /// ticket in `slot`.
    #[inline]
    pub fn credit(&self, slot: u32, delta: impl Iterator<Item = [u64; 2]>) {
        self.rows.credit(slot, delta);
    }

    /// Asks the CPU to bring the row of `slot` (see the `rows` module) into cache: a
    /// builder calls it when a ticket joins a potential match, so judging and crediting the
    /// ticket does not wait for memory. A hint only; no effect elsewhere.
    #[inline]
    pub fn prefetch_evaluations(&self, slot: u32) {
        self.rows.prefetch(slot);
    }

    /// Asks the CPU to bring the rows a batch's judgements read (creation times, party
    /// aggregates of the number attributes, evaluation counts) of the tickets in `slots`
    /// into cache, all at once: a shuffled batch of a large pool would otherwise wait for
    /// memory at each candidate it tries. A hint only.
    pub fn prefetch_batch(&self, slots: &[u32]) {
        for &s in slots {
            self.rows.prefetch(s);
        }
    }

    /// One failed evaluation of `rule` for the ticket in `slot`.
    #[inline]
    pub fn credit_failure(&self, slot: u32, rule: usize) {
        self.credit_failures(slot, rule, 1);
    }

    /// Credits the ticket in `slot` with `n` failures of `rule`.
    #[inline]
    pub fn credit_failures(&self, slot: u32, rule: usize, n: u64) {
        self.rows.add(slot, rule, 0, n);
    }

    /// The evaluations of the ticket in `slot`, [passed, failed] per rule in rule order.
    pub fn evaluations(&self, slot: u32) -> impl Iterator<Item = [u32; 2]> + '_ {
        self.rows.evaluations(slot)
    }

    /// The id index's key for `id`: its FNV hash folded to 32 bits. Colliding ids chain
    /// (`TicketRec::same_hash`); 32 bits halve the index's size against 64, so more of it
    /// stays in cache when a large pass removes its matched tickets.
    fn hash_id(&self, id: &str) -> u32 {
        let mut h = Fnv::default();
        h.write(id.as_bytes());
        let h = h.finish();
        (h ^ (h >> 32)) as u32 & self.hash_mask
    }

    /// The slot of ticket `id`, if it is in the store.
    pub fn slot_of(&self, id: &str) -> Option<u32> {
        let mut cur = self.by_hash.get(&self.hash_id(id)).copied();
        while let Some(s) = cur {
            let rec = self.get(s);
            if *rec.id == *id {
                return Some(s);
            }
            cur = rec.same_hash;
        }
        None
    }

    pub fn contains(&self, id: &str) -> bool {
        self.slot_of(id).is_some()
    }

    /// Number of distinct strings interned (shrinks as tickets leave).
    pub fn interned(&self) -> usize {
        self.syms.len()
    }

    fn region(&mut self, name: &str) -> u16 {
        if let Some(&r) = self.region_ids.get(name) {
            return r;
        }
        let r = self.regions.len().min(u16::MAX as usize) as u16;
        self.regions.push(name.to_string());
        self.region_ids.insert(name.to_string(), r);
        r
    }

    /// Validates a ticket against the rule set and stores it. Returns its slot.
    pub fn insert(
        &mut self,
        rs: &RuleSet,
        t: Ticket,
        needs_latency: bool,
    ) -> Result<u32, TicketError> {
        // Validate everything before interning anything, so a refusal leaves no trace.
        check_ticket(self, rs, &t, needs_latency)?;
        let slot = self.free.pop();
        let Spare {
            players: mut old,
            latency,
        } = match slot.map(|s| &mut self.slots[s as usize]) {
            Some(Slot::Free(spare)) => std::mem::take(spare),
            _ => Spare::default(),
        };
        let latency = self.latency_table(&t, latency);
        let hash = self.hash_id(&t.id);
        let Ticket {
            id,
            players: incoming,
            created_ms,
            backfill,
        } = t;
        old.truncate(incoming.len());
        // The spare records are rewritten in place, and more pushed when it had fewer.
        let mut players = old;
        let reused = players.len();
        players.reserve_exact(incoming.len() - reused);
        for (i, p) in incoming.into_iter().enumerate() {
            let rec = self.player_record(rs, p, (i < reused).then(|| &mut players[i]));
            if let Some(rec) = rec {
                players.push(rec);
            }
        }
        let party =
            (players.len() > 1 && !backfill).then(|| Box::new(party_aggregates(rs, &players)));
        self.next_seq += 1;
        let seq = self.next_seq;
        let rec = TicketRec {
            id: id.into(),
            same_hash: None,
            hash,
            players,
            party,
            latency,
        };
        let slot = self.store_record(slot, rec);
        let rec = self.slots[slot as usize].live().expect("just stored");
        let nums = (0..rs.attributes.len()).map(|a| match (&rec.party, &rec.players[0].attrs[a]) {
            (Some(p), _) => p.num[a],
            (None, Val::Num(x)) => [*x; 3],
            _ => [f64::NAN; 3],
        });
        self.rows
            .write(slot, created_ms, backfill, rec.players.len(), nums);
        self.seqs[slot as usize] = seq;
        let head = self.by_hash.insert(hash, slot);
        if let Some(rec) = self.slots[slot as usize].live_mut() {
            rec.same_hash = head;
        }
        self.live += 1;
        Ok(slot)
    }

    /// Player `p`'s record (attribute values resolved and interned): written into `reuse`
    /// when given (its storage kept; then `None`), a new record otherwise.
    fn player_record(
        &mut self,
        rs: &RuleSet,
        p: Player,
        mut reuse: Option<&mut PlayerRec>,
    ) -> Option<PlayerRec> {
        let id_sym = if self.intern_ids {
            self.syms.intern(&p.id)
        } else {
            u32::MAX
        };
        let team = p.team.as_deref().and_then(|n| rs.team_index(n));
        let mut attrs = match reuse.as_mut() {
            Some(r) => std::mem::take(&mut r.attrs),
            None => Vec::with_capacity(rs.attributes.len()),
        };
        attrs.clear();
        for a in &rs.attributes {
            let v = p
                .attributes
                .get(&a.name)
                .or(a.default.as_ref())
                .expect("checked above");
            let v = self.intern_value(v);
            attrs.push(v);
        }
        let rec = PlayerRec {
            id: p.id,
            id_sym,
            attrs,
            team,
        };
        match reuse {
            Some(r) => {
                *r = rec;
                None
            }
            None => Some(rec),
        }
    }

    /// Puts a record in free slot `free` or, without one, a new slot (the rows grown); the
    /// caller writes its row.
    fn store_record(&mut self, free: Option<u32>, rec: TicketRec) -> u32 {
        match free {
            Some(s) => {
                self.slots[s as usize] = Slot::Live(rec);
                s
            }
            None => {
                self.slots.push(Slot::Live(rec));
                self.rows.grow_to(self.slots.len());
                self.seqs.push(0);
                (self.slots.len() - 1) as u32
            }
        }
    }

    fn intern_value(&mut self, v: &AttributeValue) -> Val {
        match v {
            AttributeValue::Number(n) => Val::Num(*n),
            AttributeValue::String(s) => Val::Sym(self.syms.intern(s)),
            AttributeValue::StringList(l) => {
                let mut v: Vec<u32> = l.iter().map(|s| self.syms.intern(s)).collect();
                v.sort_unstable();
                // Duplicates within one player's list count once; release their extra references.
                let mut out: Vec<u32> = Vec::with_capacity(v.len());
                for s in v {
                    if out.last() == Some(&s) {
                        self.syms.release(s);
                    } else {
                        out.push(s);
                    }
                }
                Val::List(out.into())
            }
            AttributeValue::StringNumberMap(m) => {
                Val::Map(m.iter().map(|(k, v)| (self.syms.intern(k), *v)).collect())
            }
        }
    }

    /// The ticket's latency table (see `TicketRec::latency`), written into `out`'s storage.
    fn latency_table(&mut self, t: &Ticket, mut out: Vec<(u16, [f64; 3])>) -> Vec<(u16, [f64; 3])> {
        out.clear();
        let first = &t.players[0];
        out.reserve_exact(first.latency_ms.len());
        for region in first.latency_ms.keys() {
            let vals: Option<Vec<f64>> = t
                .players
                .iter()
                .map(|p| p.latency_ms.get(region).map(|&ms| ms as f64))
                .collect();
            if let Some(vals) = vals {
                let r = self.region(region);
                let n = vals.len() as f64;
                let sum: f64 = vals.iter().sum();
                let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
                let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                out.push((r, [sum / n, min, max]));
            }
        }
        out.sort_by_key(|(r, _)| *r);
        out
    }

    /// Removes a ticket, releasing its interned strings. Returns it if it was there.
    #[cfg(test)]
    pub fn remove(&mut self, id: &str) -> Option<u64> {
        let slot = self.slot_of(id)?;
        self.remove_slot(slot)
    }

    /// Mutable access for moving a leaving ticket's strings out (see `Pool::settle`).
    pub fn get_mut(&mut self, slot: u32) -> &mut TicketRec {
        self.slots[slot as usize].live_mut().expect("live slot")
    }

    /// Removes the ticket in `slot` (its id may already have been moved out). Returns its
    /// creation time if it was there. Its storage is kept for the next ticket stored.
    pub fn remove_slot(&mut self, slot: u32) -> Option<u64> {
        let Some(Slot::Live(rec)) = self.slots.get_mut(slot as usize) else {
            return None;
        };
        // The record is taken apart where it lies (its storage kept for the next ticket,
        // see `Spare`) rather than moved out whole: a record is a few cache lines, and in a
        // large pool a match's leaving tickets are scattered over it.
        let created_ms = self.rows.created(slot);
        let (hash, same_hash) = (rec.hash, rec.same_hash);
        let players = std::mem::take(&mut rec.players);
        let latency = std::mem::take(&mut rec.latency);
        self.unlink(slot, hash, same_hash);
        self.seqs[slot as usize] = 0;
        self.live -= 1;
        if self.holds_syms {
            for p in &players {
                if self.intern_ids {
                    self.syms.release(p.id_sym);
                }
                for v in p.attrs.iter() {
                    match v {
                        Val::Sym(s) => self.syms.release(*s),
                        Val::List(l) => l.iter().for_each(|s| self.syms.release(*s)),
                        Val::Map(m) => m.iter().for_each(|(s, _)| self.syms.release(*s)),
                        Val::Num(_) => {}
                    }
                }
            }
        }
        self.free.push(slot);
        // A backfill ticket's many players are not worth keeping for the next ticket.
        let spare = if players.capacity() <= MAX_PLAYERS_PER_TICKET {
            Spare { players, latency }
        } else {
            Spare::default()
        };
        // Drops the rest of the record (its id, its party aggregates) in place.
        self.slots[slot as usize] = Slot::Free(spare);
        Some(created_ms)
    }

    /// Takes the ticket in `slot`, whose id hashes to `h` and whose chain goes on at
    /// `same_hash`, out of its id's hash chain.
    fn unlink(&mut self, slot: u32, h: u32, same_hash: Option<u32>) {
        let head = self.by_hash.get_mut(&h);
        if head.as_deref() == Some(&slot) {
            match (same_hash, head) {
                (Some(next), Some(head)) => *head = next,
                _ => {
                    self.by_hash.remove(&h);
                }
            }
        } else {
            let mut cur = self.by_hash.get(&h).copied();
            while let Some(c) = cur {
                let r = self.slots[c as usize]
                    .live_mut()
                    .expect("chained slot is live");
                if r.same_hash == Some(slot) {
                    r.same_hash = same_hash;
                    break;
                }
                cur = r.same_hash;
            }
        }
    }
}

/// Asks the CPU to bring the cache line holding `r` into cache. A hint only: no effect but
/// on timing, and none off x86_64.
#[inline]
pub(crate) fn prefetch<T>(r: &T) {
    prefetch_addr((r as *const T).cast::<u8>());
}

/// Asks the CPU to bring the cache line holding address `at` into cache. A hint only: it
/// never faults, whatever the address, and has no effect but on timing (none off x86_64).
#[inline]
fn prefetch_addr(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // The crate denies unsafe code (lib.rs); this cache hint is its one exception.
        #[allow(unsafe_code)]
        // SAFETY: SSE is part of every x86_64 target; a prefetch never faults (on any
        // address) and reads nothing the program sees.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(at.cast::<i8>())
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

fn party_aggregates(rs: &RuleSet, players: &[PlayerRec]) -> Party {
    let n = rs.attributes.len();
    let mut num = vec![[f64::NAN; 3]; n];
    let mut common: Vec<Box<[u32]>> = vec![Box::default(); n];
    for (i, a) in rs.attributes.iter().enumerate() {
        match a.kind {
            AttrType::Number => {
                let vals = players.iter().filter_map(|p| match p.attrs[i] {
                    Val::Num(x) => Some(x),
                    _ => None,
                });
                let (mut s, mut c, mut lo, mut hi) = (0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY);
                for x in vals {
                    s += x;
                    c += 1.0;
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
                num[i] = [s / c, lo, hi];
            }
            AttrType::StringList => {
                let get = |p: &PlayerRec| match &p.attrs[i] {
                    Val::List(l) => l.to_vec(),
                    _ => Vec::new(),
                };
                let mut inter = get(&players[0]);
                for p in &players[1..] {
                    let l = get(p);
                    inter.retain(|s| l.binary_search(s).is_ok());
                }
                common[i] = inter.into();
            }
            _ => {}
        }
    }
    Party {
        num: num.into(),
        common: common.into(),
    }
}

/// The ticket-level checks of [`Store::insert`], then every player's.
fn check_ticket(
    store: &Store,
    rs: &RuleSet,
    t: &Ticket,
    needs_latency: bool,
) -> Result<(), TicketError> {
    if t.id.is_empty() || t.id.chars().count() > 128 {
        return Err(TicketError::BadId);
    }
    if store.contains(&t.id) {
        return Err(TicketError::Duplicate(t.id.clone()));
    }
    let max = if t.backfill {
        MAX_PLAYERS_PER_BACKFILL
    } else {
        MAX_PLAYERS_PER_TICKET
    };
    if t.players.is_empty() || t.players.len() > max {
        return Err(TicketError::PlayerCount {
            got: t.players.len(),
            max,
        });
    }
    let largest_team = rs
        .team_defs
        .iter()
        .map(|d| rs.params().last()[d.max_players].max(rs.params().base()[d.max_players]))
        .fold(0.0, f64::max);
    if !t.backfill && t.players.len() as f64 > largest_team {
        return Err(TicketError::TooLarge(t.players.len(), largest_team as u32));
    }
    for (i, p) in t.players.iter().enumerate() {
        check_player(rs, t, i, p, needs_latency)?;
    }
    Ok(())
}

/// Player `i` of ticket `t`: a well-formed unique id, the rule set's attributes with their
/// types, latencies when the rule set needs them, a known team on a backfill ticket.
fn check_player(
    rs: &RuleSet,
    t: &Ticket,
    i: usize,
    p: &Player,
    needs_latency: bool,
) -> Result<(), TicketError> {
    if p.id.is_empty() || p.id.chars().count() > 1024 {
        return Err(TicketError::BadPlayerId(i));
    }
    if t.players[..i].iter().any(|q| q.id == p.id) {
        return Err(TicketError::DuplicatePlayer(p.id.clone()));
    }
    for a in &rs.attributes {
        match p.attributes.get(&a.name) {
            Some(v) if v.kind() != a.kind => {
                return Err(TicketError::WrongType {
                    player: p.id.clone(),
                    attribute: a.name.clone(),
                    expected: type_name(a.kind),
                    got: type_name(v.kind()),
                })
            }
            Some(v) => check_value(v).map_err(|message| TicketError::BadValue {
                player: p.id.clone(),
                attribute: a.name.clone(),
                message,
            })?,
            None if a.default.is_none() => {
                return Err(TicketError::MissingAttribute {
                    player: p.id.clone(),
                    attribute: a.name.clone(),
                })
            }
            None => {}
        }
    }
    if needs_latency && p.latency_ms.is_empty() {
        return Err(TicketError::MissingLatency(p.id.clone()));
    }
    if t.backfill {
        match &p.team {
            None => {
                return Err(TicketError::BadBackfill {
                    player: p.id.clone(),
                    message: "has no team".into(),
                })
            }
            Some(n) if rs.team_index(n).is_none() => {
                return Err(TicketError::BadBackfill {
                    player: p.id.clone(),
                    message: format!("unknown team \"{n}\""),
                })
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{AttributeValue, Player};

    fn t(id: &str) -> Ticket {
        Ticket {
            id: id.into(),
            players: vec![Player {
                id: format!("p-{id}"),
                ..Default::default()
            }],
            created_ms: 0,
            backfill: false,
        }
    }

    /// A ticket stored in the slot a larger one left reuses its storage and holds only its
    /// own players and values; the strings of the leavers are released.
    #[test]
    fn a_reused_slot_holds_only_the_new_ticket() {
        let rs = RuleSet::parse(
            r#"{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{"name": "skill", "type": "number"},
                                 {"name": "maps", "type": "string_list"}],
            "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 4}]}"#,
        )
        .unwrap();
        let player = |id: &str, skill: f64, maps: &[&str]| {
            let mut p = Player {
                id: id.into(),
                ..Default::default()
            };
            p.attributes
                .insert("skill".into(), AttributeValue::Number(skill));
            p.attributes.insert(
                "maps".into(),
                AttributeValue::StringList(maps.iter().map(|m| m.to_string()).collect()),
            );
            p
        };
        let mut st = Store::new(&rs);
        let party = Ticket {
            id: "party".into(),
            players: vec![player("p1", 10.0, &["x", "y"]), player("p2", 30.0, &["y"])],
            created_ms: 0,
            backfill: false,
        };
        let first = st.insert(&rs, party, false).unwrap();
        assert!(st.remove("party").is_some());
        assert_eq!(st.interned(), 0, "the leaver's strings are released");
        let solo = Ticket {
            id: "solo".into(),
            players: vec![player("p3", 7.0, &["z"])],
            created_ms: 5,
            backfill: false,
        };
        let slot = st.insert(&rs, solo, false).unwrap();
        assert_eq!(slot, first, "the free slot is reused");
        let rec = st.get(slot);
        assert_eq!(rec.players.len(), 1);
        assert_eq!(rec.players[0].id, "p3");
        assert!(rec.party.is_none());
        assert_eq!(st.num(slot, 0, PartyAgg::Avg), 7.0);
        let z = st.syms.lookup("z").unwrap();
        assert_eq!(rec.list(0, 1, PartyAgg::Union), &[z]);
        assert_eq!(st.interned(), 1);
    }

    /// Ids sharing a hash chain are found, refused as duplicates and removed in any order.
    #[test]
    fn hash_chains_survive_collisions() {
        let rs = RuleSet::parse(r#"{"ruleLanguageVersion": "1.0", "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 2}]}"#).unwrap();
        let mut st = Store::new(&rs);
        assert_ne!(
            st.hash_id("a"),
            st.hash_id("b"),
            "a fresh store spreads ids over hashes"
        );
        st.hash_mask = 0;
        for id in ["a", "b", "c", "d", "e"] {
            st.insert(&rs, t(id), false).unwrap();
        }
        assert!(matches!(
            st.insert(&rs, t("c"), false),
            Err(TicketError::Duplicate(_))
        ));
        assert!(st.remove("c").is_some()); // middle of the chain
        assert!(st.remove("e").is_some()); // head
        assert!(st.remove("a").is_some()); // tail
        assert!(st.remove("c").is_none());
        assert_eq!(st.len(), 2);
        assert!(st.contains("b") && st.contains("d") && !st.contains("a"));
        st.insert(&rs, t("c"), false).unwrap();
        assert_eq!(&*st.get(st.slot_of("c").unwrap()).id, "c");
        assert_eq!(&*st.get(st.slot_of("b").unwrap()).id, "b");
    }
}
