//! What judging a ticket reads, one row per store slot, a row one cache line where it fits.
//!
//! A matching pass draws each batch from the whole pool at random (guide 002, lines
//! 446–452), so in a large pool every candidate it tries is a cache miss for each separate
//! place its numbers live in. Kept as five flat columns (creation time, backfill flag,
//! player count, number attributes, evaluation counts), a candidate cost five misses; here
//! they share a row, and a row of up to eight words is one aligned 64-byte line: rule sets
//! with up to two number attributes and a few rules (every bench rule set) pay one miss
//! per candidate. Measured on the flexmatch bench (rule set A): a 100k-ticket pool's
//! passes cost about 10% less per ticket, a 10k pool's (which fits in cache) the same.
//!
//! Row layout, in 64-bit words: `[created_ms, meta, evals per rule…, numbers per attribute…]`
//! with `meta` the player count (low byte) and the backfill flag (bit 8), each rule's
//! evaluation counts as `passed | failed << 32` (the ticket's `ruleEvaluationMetrics`, see
//! the `metrics` module; 32 bits each, saturating), and each declared attribute's party
//! aggregates `[avg, min, max]` as `f64` bits (NaN when not a number; not read for backfill
//! tickets, whose players are judged one by one).
//!
//! Evaluation counts are credited while a pass judges through a shared `&Store`, hence
//! atomics: relaxed loads and stores, which compile to plain moves (one pass at a time
//! works on a pool) and keep the pool `Sync`.

use super::store::prefetch;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Words per cache line.
const WORDS: usize = 8;

/// One cache line of rows, aligned so a one-line row never straddles two.
#[repr(C, align(64))]
#[derive(Default)]
struct Line([AtomicU64; WORDS]);

impl std::fmt::Debug for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Line")
    }
}

/// Word of `meta` holding the backfill flag.
const BACKFILL: u64 = 1 << 8;

/// The rows of a store, one per slot.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    lines: Vec<Line>,
    /// Lines per row.
    stride: usize,
    rules: usize,
    attrs: usize,
}

impl Rows {
    /// Rows for a rule set with `rules` rules and `attrs` declared attributes.
    pub fn new(rules: usize, attrs: usize) -> Rows {
        Rows {
            lines: Vec::new(),
            stride: (2 + rules + 3 * attrs).div_ceil(WORDS),
            rules,
            attrs,
        }
    }

    /// Word `w` of `slot`'s row.
    #[inline]
    fn word(&self, slot: u32, w: usize) -> &AtomicU64 {
        let at = slot as usize * self.stride * WORDS + w;
        &self.lines[at / WORDS].0[at % WORDS]
    }

    /// Makes room for rows up to `slot` (new rows read as a solo ticket created at 0 with
    /// no evaluations and NaN numbers until written).
    pub fn grow_to(&mut self, slots: usize) {
        self.lines.resize_with(slots * self.stride, Line::default);
    }

    /// Writes `slot`'s row for a newly stored ticket: its creation time, whether it is a
    /// backfill ticket, its player count, its number attributes' `[avg, min, max]` (in
    /// declaration order), and no evaluations yet.
    pub fn write(
        &mut self,
        slot: u32,
        created_ms: u64,
        backfill: bool,
        players: usize,
        nums: impl Iterator<Item = [f64; 3]>,
    ) {
        let meta = players.min(u8::MAX as usize) as u64 | if backfill { BACKFILL } else { 0 };
        let set = |w: usize, v: u64| self.word(slot, w).store(v, Relaxed);
        set(0, created_ms);
        set(1, meta);
        for r in 0..self.rules {
            set(2 + r, 0);
        }
        for (a, n) in nums.take(self.attrs).enumerate() {
            for (k, x) in n.into_iter().enumerate() {
                set(2 + self.rules + 3 * a + k, x.to_bits());
            }
        }
    }

    /// Creation time (ms) of the ticket in `slot`.
    #[inline]
    pub fn created(&self, slot: u32) -> u64 {
        self.word(slot, 0).load(Relaxed)
    }

    /// Whether the ticket in `slot` is a backfill ticket.
    #[inline]
    pub fn is_backfill(&self, slot: u32) -> bool {
        self.word(slot, 1).load(Relaxed) & BACKFILL != 0
    }

    /// Number of players of the ticket in `slot` (at most 255).
    #[inline]
    pub fn size(&self, slot: u32) -> usize {
        (self.word(slot, 1).load(Relaxed) & 0xff) as usize
    }

    /// Aggregate `agg` (0 avg, 1 min, 2 max) of number attribute `attr` over the ticket's
    /// players (NaN when the attribute is not a number).
    #[inline]
    pub fn num(&self, slot: u32, attr: usize, agg: usize) -> f64 {
        f64::from_bits(
            self.word(slot, 2 + self.rules + 3 * attr + agg)
                .load(Relaxed),
        )
    }

    /// Adds `delta` ([passed, failed] per rule, in rule order) to the evaluations of the
    /// ticket in `slot`. Counts saturate at `u32::MAX`.
    #[inline]
    pub fn credit(&self, slot: u32, delta: impl Iterator<Item = [u64; 2]>) {
        for (r, [passed, failed]) in delta.take(self.rules).enumerate() {
            if passed > 0 || failed > 0 {
                self.add(slot, r, passed, failed);
            }
        }
    }

    /// Adds `passed` and `failed` evaluations of rule `r` to the ticket in `slot`.
    #[inline]
    pub fn add(&self, slot: u32, r: usize, passed: u64, failed: u64) {
        let w = self.word(slot, 2 + r);
        let [p, f] = unpack(w.load(Relaxed));
        let p = p.saturating_add(u32::try_from(passed).unwrap_or(u32::MAX));
        let f = f.saturating_add(u32::try_from(failed).unwrap_or(u32::MAX));
        w.store(u64::from(p) | u64::from(f) << 32, Relaxed);
    }

    /// The evaluations of the ticket in `slot`, [passed, failed] per rule in rule order.
    pub fn evaluations(&self, slot: u32) -> impl Iterator<Item = [u32; 2]> + '_ {
        (0..self.rules).map(move |r| unpack(self.word(slot, 2 + r).load(Relaxed)))
    }

    /// Asks the CPU to bring `slot`'s row into cache. A hint only.
    #[inline]
    pub fn prefetch(&self, slot: u32) {
        let at = slot as usize * self.stride;
        for line in self.lines.get(at..at + self.stride).unwrap_or(&[]) {
            prefetch(line);
        }
    }
}

/// `[passed, failed]` of a packed evaluation word.
#[inline]
fn unpack(w: u64) -> [u32; 2] {
    [w as u32, (w >> 32) as u32]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_keeps_what_was_written_and_counts_saturate() {
        let mut rows = Rows::new(3, 2);
        assert_eq!(
            rows.stride, 2,
            "2 + 3 rules + 6 numbers = 11 words: two lines"
        );
        rows.grow_to(4);
        rows.write(
            2,
            1_234,
            true,
            300,
            [[1.0, 0.5, 2.0], [f64::NAN; 3]].into_iter(),
        );
        rows.write(3, 99, false, 2, [[7.0; 3], [8.0, 6.0, 9.0]].into_iter());
        assert_eq!(
            (rows.created(2), rows.is_backfill(2), rows.size(2)),
            (1_234, true, 255)
        );
        assert_eq!(
            (rows.created(3), rows.is_backfill(3), rows.size(3)),
            (99, false, 2)
        );
        assert_eq!(rows.num(2, 0, 1), 0.5);
        assert!(rows.num(2, 1, 0).is_nan());
        assert_eq!(rows.num(3, 1, 2), 9.0);
        rows.credit(3, [[1, 2], [0, 0], [5, 0]].into_iter());
        rows.add(3, 1, 0, u64::MAX);
        rows.add(3, 1, 0, 1);
        assert_eq!(
            rows.evaluations(3).collect::<Vec<_>>(),
            [[1, 2], [0, u32::MAX], [5, 0]]
        );
        assert_eq!(rows.evaluations(2).collect::<Vec<_>>(), [[0, 0]; 3]);
        // Rewriting a slot for its next ticket clears the counts.
        rows.write(3, 5, false, 1, std::iter::empty());
        assert_eq!(rows.evaluations(3).collect::<Vec<_>>(), [[0, 0]; 3]);
    }

    #[test]
    fn a_small_rule_sets_row_is_one_aligned_line() {
        let rows = Rows::new(2, 1);
        assert_eq!(rows.stride, 1);
        assert_eq!(std::mem::align_of::<Line>(), 64);
        assert_eq!(std::mem::size_of::<Line>(), 64);
    }
}
