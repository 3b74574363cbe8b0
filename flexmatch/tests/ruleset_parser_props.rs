//! Property tests for the rule-set parser (issue 15: "keep a proptest target for … the
//! rule-set parser"): whatever body arrives — the guide's example rule sets mutated byte by
//! byte, or with a value anywhere in them replaced, removed or added — `RuleSet::parse` never
//! panics, and a refusal says what is wrong and where: every error has a message and a
//! 1-based line and column inside the body.
//!
//! Seeds: the guide's examples (tests/rulesets/, from seed 002's "规则集示例" chapter).
//! Case counts are small enough for `cargo test` in a debug build (a few seconds each);
//! `PROPTEST_CASES=100000 cargo test -p playfield-flexmatch --test ruleset_parser_props`
//! runs longer by hand.

use playfield_flexmatch::RuleSet;
use proptest::prelude::*;
use serde_json::{Map, Value};

const SEEDS: &[&str] = &[
    include_str!("rulesets/01_aliens_vs_cowboys.json"),
    include_str!("rulesets/02_players_vs_monster.json"),
    include_str!("rulesets/03_three_team_game.json"),
    include_str!("rulesets/04_multi_map_game.json"),
    include_str!("rulesets/05_preferred_characters.json"),
    include_str!("rulesets/06_compare_all_players.json"),
    include_str!("rulesets/07_free_for_all.json"),
    include_str!("rulesets/08_monster_hunters.json"),
    include_str!("rulesets/09_large_similar_attributes.json"),
    include_str!("rulesets/10_compound.json"),
    include_str!("rulesets/11_block_list.json"),
];

/// Property names and values of the rule-set language, so generated values often get past
/// the JSON reader into the checks of each section.
const KEYS: &[&str] = &[
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
    "maxDistance",
    "minDistance",
    "operation",
    "maxLatency",
    "distanceReference",
    "statement",
    "expansions",
    "target",
    "steps",
    "waitTimeSeconds",
    "value",
    "algorithm",
    "strategy",
    "batchingPreference",
    "balancedAttribute",
    "sortByAttributes",
    "backfillPriority",
    "expansionAgeSelection",
    "partyAggregation",
    "batchAttribute",
    "a.b[0]",
    "",
];

const STRINGS: &[&str] = &[
    "number",
    "string",
    "string_list",
    "string_number_map",
    "distance",
    "comparison",
    "latency",
    "batchDistance",
    "collection",
    "compound",
    "absoluteSort",
    "distanceSort",
    "=",
    "<=",
    "!=",
    "intersection",
    "reference_intersection_count",
    "avg(teams[*].players.attributes[skill])",
    "flatten(teams[*].players.attributes[skill])",
    "max(teams[players].players.attributes[desiredSkillOfMonster])",
    "teams[red].players.attributes[skill]",
    "count(teams[blue].players)",
    "rules[FairTeamSkill].maxDistance",
    "teams[players].minPlayers",
    "teams[*].maxPlayers",
    "and(a, b)",
    "or(not(x), y)",
    "avg(teams[*].players.attributes[",
    "teams[]",
    "balanced",
    "exhaustiveSearch",
    "largestPopulation",
    "sorted",
    "1.0",
    "500",
    "-1",
    "1e400",
    "玩家",
];

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        (0u32..300).prop_map(Value::from),
        proptest::sample::select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        proptest::sample::select(KEYS).prop_map(|s| Value::String(s.to_string())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((proptest::sample::select(KEYS), inner), 0..4).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// The seeds as trees. The guide writes `//` comments, trailing commas and strings wrapped
/// onto a second line, which the rule-set reader accepts and strict JSON does not: they are
/// taken out first.
fn strict_seeds() -> Vec<Value> {
    SEEDS
        .iter()
        .map(|s| serde_json::from_str(&strictify(s)).expect("a seed made strict"))
        .collect()
}

/// A seed without comments, trailing commas and raw line breaks in strings (a small
/// stand-in for the reader's own, which is private: the seeds are known to need no more).
fn strictify(src: &str) -> String {
    let mut out = String::new();
    let mut chars = src.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    out.push(c);
                    out.extend(chars.next());
                }
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                '\n' | '\r' => out.push(' '),
                _ => out.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => while chars.next_if(|&c| c != '\n').is_some() {},
            '}' | ']' => {
                let trimmed = out.trim_end().len();
                if out[..trimmed].ends_with(',') {
                    out.truncate(trimmed - 1);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every node of `v`, as the list of steps (object key or array index) that leads to it.
fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Step::Key(k.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(Step::Index(i));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn node_mut<'v>(mut v: &'v mut Value, path: &[Step]) -> &'v mut Value {
    for step in path {
        v = match (step, v) {
            (Step::Key(k), Value::Object(m)) => m.get_mut(k).expect("path from paths()"),
            (Step::Index(i), Value::Array(a)) => &mut a[*i],
            _ => unreachable!("path from paths()"),
        };
    }
    v
}

/// What a structural edit does at the chosen node.
#[derive(Clone, Debug)]
enum Edit {
    Replace(Value),
    /// Removes the node from its parent (the root is replaced by `{}`).
    Remove,
    /// Adds a member (to an object) or an element (to an array) at the node.
    Add(&'static str, Value),
}

fn arb_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => arb_value().prop_map(Edit::Replace),
        2 => Just(Edit::Remove),
        2 => (proptest::sample::select(KEYS), arb_value()).prop_map(|(k, v)| Edit::Add(k, v)),
    ]
}

fn apply(root: &mut Value, path: &[Step], edit: Edit) {
    match edit {
        Edit::Replace(v) => *node_mut(root, path) = v,
        Edit::Remove => match path.split_last() {
            None => *root = Value::Object(Map::new()),
            Some((last, parent)) => match (last, node_mut(root, parent)) {
                (Step::Key(k), Value::Object(m)) => {
                    m.remove(k);
                }
                (Step::Index(i), Value::Array(a)) => {
                    a.remove(*i);
                }
                _ => unreachable!(),
            },
        },
        Edit::Add(k, v) => match node_mut(root, path) {
            Value::Object(m) => {
                m.insert(k.to_string(), v);
            }
            Value::Array(a) => a.push(v),
            other => *other = v,
        },
    }
}

/// The invariant: no panic (the call returning at all), and every error located inside the
/// body with something to say.
fn check(body: &str) -> Result<(), TestCaseError> {
    let Err(errors) = RuleSet::parse(body) else {
        return Ok(());
    };
    prop_assert!(!errors.0.is_empty(), "a refusal without an error");
    let lines: Vec<&str> = body.split('\n').collect();
    for e in &errors.0 {
        prop_assert!(!e.message.is_empty(), "{e:?}");
        prop_assert!(!e.to_string().is_empty(), "{e:?}");
        prop_assert!(
            e.line >= 1 && e.column >= 1,
            "error without a position: {e:?}\nbody: {body}"
        );
        prop_assert!(
            e.line <= lines.len(),
            "line {} of a {}-line body: {e:?}",
            e.line,
            lines.len()
        );
        let width = lines[e.line - 1].chars().count();
        prop_assert!(
            e.column <= width + 1,
            "column {} of a {width}-character line: {e:?}\nbody: {body}",
            e.column
        );
    }
    Ok(())
}

/// A mutation of text: replace, insert or delete one character, or cut the body short.
fn mutate_text(body: &str, edits: &[(prop::sample::Index, char, u8)]) -> String {
    let mut chars: Vec<char> = body.chars().collect();
    for (at, c, kind) in edits {
        match kind % 4 {
            0 if !chars.is_empty() => {
                let i = at.index(chars.len());
                chars[i] = *c;
            }
            1 => {
                let i = at.index(chars.len() + 1);
                chars.insert(i, *c);
            }
            2 if !chars.is_empty() => {
                let i = at.index(chars.len());
                chars.remove(i);
            }
            3 if !chars.is_empty() => {
                let i = at.index(chars.len());
                chars.truncate(i);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Characters that matter to a JSON reader, and a few that do not.
fn arb_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::sample::select(vec![
            '{', '}', '[', ']', '"', ':', ',', '\\', '/', '*', '\n', '\r', '\t', ' ', '0', '-',
            'e', '.', 't', 'n', 'u', 'é', '玩', '\u{0}', '\u{2028}',
        ]),
        any::<char>(),
    ]
}

/// Found by `arbitrary_text_is_refused_with_a_position`: a backslash before a character of
/// several bytes in a string (`"\¥"`) made the reader slice inside that character and panic.
/// It is an invalid escape, refused with its position.
#[test]
fn a_backslash_before_a_multibyte_character_is_refused_not_a_panic() {
    for body in ["{\"name\": \"\\¥\"}", "\"\\玩", "{\"a\": [\"\\🕴\", 1]}"] {
        let errors = RuleSet::parse(body).expect_err(body);
        let e = &errors.0[0];
        assert!(e.message.starts_with("invalid JSON"), "{body}: {e:?}");
        assert!(e.line == 1 && e.column >= 1, "{body}: {e:?}");
    }
}

#[test]
fn the_seeds_parse() {
    for (i, seed) in SEEDS.iter().enumerate() {
        RuleSet::parse(seed).unwrap_or_else(|e| panic!("seed {}: {e}", i + 1));
    }
    for (seed, tree) in SEEDS.iter().zip(strict_seeds()) {
        let strict = RuleSet::parse(&tree.to_string()).expect("a strict seed");
        assert_eq!(
            strict.rules.len(),
            RuleSet::parse(seed).unwrap().rules.len()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1024), failure_persistence: None, ..ProptestConfig::default() })]

    /// A seed with a few characters replaced, inserted or removed, or cut short.
    #[test]
    fn mutated_rule_set_text_is_refused_with_a_position(
        seed in proptest::sample::select(SEEDS),
        edits in prop::collection::vec((any::<prop::sample::Index>(), arb_char(), any::<u8>()), 1..5),
    ) {
        check(&mutate_text(seed, &edits))?;
    }

    /// A seed with values replaced, removed or added anywhere in the tree, written compact or
    /// pretty (so positions fall on many lines or on one).
    #[test]
    fn mutated_rule_set_trees_are_refused_with_a_position(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), arb_edit()), 1..4),
        pretty in any::<bool>(),
    ) {
        let seeds = strict_seeds();
        let mut tree = seeds[seed.index(seeds.len())].clone();
        for (at, edit) in edits {
            let mut all = Vec::new();
            paths(&tree, &mut Vec::new(), &mut all);
            let path = &all[at.index(all.len())];
            apply(&mut tree, path, edit);
        }
        let body = if pretty {
            serde_json::to_string_pretty(&tree).unwrap()
        } else {
            tree.to_string()
        };
        check(&body)?;
    }

    /// Arbitrary JSON objects built from the rule-set language's vocabulary.
    #[test]
    fn arbitrary_rule_set_objects_are_refused_with_a_position(
        members in prop::collection::vec((proptest::sample::select(KEYS), arb_value()), 0..8),
    ) {
        let tree = Value::Object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        check(&serde_json::to_string_pretty(&tree).unwrap())?;
    }

    /// Any text at all.
    #[test]
    fn arbitrary_text_is_refused_with_a_position(body in ".{0,200}") {
        check(&body)?;
    }
}
