//! The FlexMatch rule engine: rule sets, ticket pools and matching.
//!
//! A pure library: no I/O, no clock, no globals, no threads. Time is passed in
//! (epoch milliseconds) and randomness comes from a seed, so the same pool,
//! time and seed always give the same matches.
//!
//! The specification is the FlexMatch developer guide
//! (seed 002, `docs/sources.md`): designing rule sets and
//! the algorithm block (lines 413–628), large matches and the team fill order
//! (629–700), the rule language (2488–3081) and property expressions
//! (3082–3141).
//!
//! # Using it
//!
//! ```
//! use std::sync::Arc;
//! use playfield_flexmatch::{RuleSet, Pool, Ticket, Player, AttributeValue};
//!
//! let rs = RuleSet::parse(r#"{
//!     "ruleLanguageVersion": "1.0",
//!     "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
//!     "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
//!               {"name": "blue", "minPlayers": 1, "maxPlayers": 1}],
//!     "rules": [{"name": "close", "type": "distance",
//!                "measurements": "max(flatten(teams[*].players.attributes[skill]))",
//!                "referenceValue": "min(flatten(teams[*].players.attributes[skill]))",
//!                "maxDistance": 10}]
//! }"#).unwrap();
//! let mut pool = Pool::new(Arc::new(rs));
//! for (i, skill) in [100.0, 105.0].into_iter().enumerate() {
//!     let mut p = Player { id: format!("p{i}"), ..Default::default() };
//!     p.attributes.insert("skill".into(), AttributeValue::Number(skill));
//!     pool.insert(Ticket { id: format!("t{i}"), players: vec![p], created_ms: 0, backfill: false }).unwrap();
//! }
//! let pass = pool.find_matches(1_000, 7);
//! assert_eq!(pass.matches.len(), 1);
//! assert!(pool.is_empty());
//! ```
//!
//! # Module map
//! The crate's API is the items re-exported here; the modules themselves are private.
//! - `ruleset`: parse and validate a rule set body into typed form (located errors).
//! - `json`: relaxed JSON reading (comments, trailing commas) that notes where values start.
//! - `expr`: property expressions — parsing and static shapes.
//! - `eval`: evaluating expressions against a potential match, allocation-free.
//! - `rules`: judging a potential match, one rule type at a time.
//! - `expansion`: relaxing properties with time (stages of a parameter vector).
//! - `store`: ticket storage laid out for matching (slab, interned strings).
//! - `rows`: what judging a ticket reads, one cache line per ticket where it fits.
//! - `pool`: the pool API the daemon drives ([`Pool`]).
//! - `build`: building one match (team placement, final check, output).
//! - `exhaustive`: the exhaustiveSearch strategy (batches, anchors, sort rules).
//! - `balanced`: the balanced strategy for large matches (latency grouping, fill order).
//! - `backfill`: filling open slots of running matches.
//! - `metrics`: the ruleEvaluationMetrics ([`RuleMetric`], [`TicketEvaluations`]).
//! - `judge`: judging a given line-up against a rule set ([`judge()`]; explains and checks
//!   matches).
//!
//! # How a pass stays linear
//! - Exhaustive search splits the pool into fixed-size batches (random, or sorted on
//!   `sortByAttributes` / `batchDistance` attributes); each anchor only scans its own batch,
//!   so a pass costs O(n · batch) rule evaluations plus one O(n log n) sort.
//! - A ticket that fails the rules on its own (say latency over the maximum everywhere) is
//!   left out of the batches; an anchor that cannot be matched is passed over. Nothing stalls.
//! - The balanced strategy groups by region, sorts once and sweeps each group once.
//! - Nothing is recomputed over the whole pool after a match; the only per-ticket counters
//!   are the rule evaluation counts (one pair per rule per slot, credited when a ticket
//!   leaves a potential match, not per evaluation); interned strings and slots are
//!   released (or reused) when tickets leave.
//! - Rule evaluation reads flat arrays (numbers per ticket slot) through precompiled
//!   expressions and reuses its buffers: no allocation per evaluation.
//! - Passes skip work when nothing can have changed, and a pass after a few arrivals only
//!   batches the newcomers with a random sample of the waiting tickets.
//!
//! # Known simplifications
//! - `absoluteSort` / `distanceSort` on a `string_number_map` read the first player of a
//!   party (numbers use `partyAggregation`).
//! - The balanced strategy judges a batch window of adjacent tickets; it does not search for
//!   the best subset of a region's tickets.
//! - Incremental passes sample waiting tickets only with random batching; sorted batching and
//!   the balanced strategy always pass over the whole pool (both are O(n log n)).

// No unsafe code, except one cache hint (`store.rs`, `prefetch`) allowed where it
// stands with its SAFETY argument.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod backfill;
mod balanced;
mod build;
mod eval;
mod exhaustive;
mod expansion;
mod expr;
mod json;
mod judge;
mod metrics;
mod pool;
mod rows;
mod rules;
mod ruleset;
mod spread;
mod store;
mod suggest;
mod ticket;

pub use build::{Match, MatchTeam, MatchedPlayer};
pub use judge::{judge, Verdict};
pub use metrics::{RuleMetric, TicketEvaluations};
pub use pool::{PassResult, Pool};
pub use ruleset::{AttrType, AttributeDecl, RuleSet, RuleSetError, RuleSetErrors};
pub use ticket::{
    AttributeValue, Player, Ticket, TicketError, MAX_PLAYERS_PER_BACKFILL, MAX_PLAYERS_PER_TICKET,
};
