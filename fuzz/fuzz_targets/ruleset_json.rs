//! `RuleSet::parse` on structurally valid JSON with odd values: one of the sample rule sets
//! with a few fuzzer-chosen edits (a member replaced, added or removed, an array grown),
//! keys and strings drawn mostly from the rule set vocabulary.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::{Arc, OnceLock};

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use playfield_flexmatch::{Pool, RuleSet};
use serde_json::Value;

const BASES: &[&str] = &[
    include_str!("../../flexmatch/benches/rulesets/bench-a.json"),
    include_str!("../../flexmatch/benches/rulesets/bench-b.json"),
    include_str!("../../flexmatch/benches/rulesets/bench-c.json"),
    include_str!("../../flexmatch/tests/rulesets/06_compare_all_players.json"),
    include_str!("../../flexmatch/tests/rulesets/08_monster_hunters.json"),
    include_str!("../../flexmatch/tests/rulesets/09_large_similar_attributes.json"),
    include_str!("../../flexmatch/tests/rulesets/11_block_list.json"),
];

const EXTRA_KEYS: &[&str] = &[
    "name",
    "ruleLanguageVersion",
    "playerAttributes",
    "type",
    "default",
    "teams",
    "minPlayers",
    "maxPlayers",
    "quantity",
    "rules",
    "measurements",
    "referenceValue",
    "operation",
    "maxDistance",
    "minDistance",
    "partyAggregation",
    "expansions",
    "target",
    "steps",
    "waitTimeSeconds",
    "value",
    "algorithm",
    "strategy",
    "batchingPreference",
    "sortByAttributes",
    "expansionAgeSelection",
    "backfillPriority",
    "description",
    "statement",
    "distanceReference",
    "maxLatency",
    "minCount",
    "maxCount",
    "sortDirection",
    "sortAttribute",
    "mapKey",
    "distanceReference",
    "balancedAttribute",
];

const EXTRA_STRINGS: &[&str] = &[
    "1.0",
    "number",
    "string",
    "string_list",
    "string_number_map",
    "comparison",
    "distance",
    "collection",
    "batchDistance",
    "absoluteSort",
    "distanceSort",
    "compound",
    "latency",
    "=",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "intersection",
    "contains",
    "reference_intersection_count",
    "avg",
    "min",
    "max",
    "sum",
    "union",
    "exhaustiveSearch",
    "balanced",
    "largestPopulation",
    "fastestRegion",
    "sorted",
    "random",
    "newestFirst",
    "oldestFirst",
    "high",
    "normal",
    "low",
    "ascending",
    "descending",
    "minValue",
    "maxValue",
    "teams[*].players.attributes[skill]",
    "flatten(teams[*].players.attributes[skill])",
    "avg(flatten(teams[*].players.attributes[skill]))",
    "teams[red].players.attributes[skill]",
    "teams[*].players.playerId",
    "max(count(teams[*].players))",
    "min(count(teams[*].players))",
    "count(teams[*].players)",
    "avg(teams[*].players.attributes[skill])",
    "set_intersection(flatten(teams[*].players.attributes[map]))",
    "rules[FairTeamSkill].maxDistance",
    "algorithm.batchingPreference",
    "teams[red].maxPlayers",
    "teams[*].minPlayers",
    "teams[*].maxPlayers",
    "rules[SameMap].minCount",
    "and(A, B)",
    "or(A, not(B))",
    "xor(A, B)",
    "teams[*].players.attributes[skill][key]",
    "sum(teams[*].players.attributes[skill])",
    "max(flatten(teams[*].players.attributes[skill]))",
    "teams[\u{0}].players",
    "teams[",
    "avg(",
    "",
    " ",
];

struct Ctx {
    bases: Vec<Value>,
    vocab: common::Vocab,
}

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let bases: Vec<Value> = BASES
            .iter()
            .map(|t| serde_json::from_str(t).expect("sample rule sets are strict JSON"))
            .collect();
        let vocab = common::Vocab::from_docs(&bases, EXTRA_KEYS, EXTRA_STRINGS);
        Ctx { bases, vocab }
    })
}

fn build(data: &[u8]) -> arbitrary::Result<Value> {
    let ctx = ctx();
    let mut u = Unstructured::new(data);
    let mut doc = u.choose(&ctx.bases)?.clone();
    let edits = u.int_in_range(1..=6u8)?;
    for _ in 0..edits {
        common::mutate(&mut u, &ctx.vocab, &mut doc)?;
    }
    Ok(doc)
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = build(data) else {
        return;
    };
    let text = doc.to_string();
    if let Ok(rs) = RuleSet::parse(&text) {
        let mut pool = Pool::new(Arc::new(rs));
        let _ = pool.find_matches(0, 0);
    }
});
