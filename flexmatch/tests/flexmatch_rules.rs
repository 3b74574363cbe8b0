//! Boundary cases of each rule type, judged on explicit line-ups with `judge`.
//! Rule semantics follow the guide's "FlexMatch 规则类型" (002, lines 2850–3081).

use crate::common::*;
use playfield_flexmatch::{judge, RuleSet, Ticket, Verdict};

/// Teams a and b of 1–3 players, attributes skill (number), role (string), tags (string_list).
fn rs(rules: &str) -> std::sync::Arc<RuleSet> {
    parse(&format!(
        r#"{{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{{"name": "skill", "type": "number", "default": 0}},
                                 {{"name": "role", "type": "string", "default": "none"}},
                                 {{"name": "tags", "type": "string_list", "default": []}}],
            "teams": [{{"name": "a", "minPlayers": 1, "maxPlayers": 3}}, {{"name": "b", "minPlayers": 1, "maxPlayers": 3}}],
            "rules": [{rules}]}}"#
    ))
}

fn duo(rs: &RuleSet, a: P, b: P) -> Verdict {
    judge(
        rs,
        &[("a", vec![solo("ta", 0, a)]), ("b", vec![solo("tb", 0, b)])],
        0,
    )
}

fn skill(v: f64) -> P {
    player(&format!("s{v}")).num("skill", v)
}

fn ok(v: Verdict) -> bool {
    v == Verdict::Valid
}

const SPREAD: &str = r#""measurements": "max(flatten(teams[*].players.attributes[skill]))",
                        "referenceValue": "min(flatten(teams[*].players.attributes[skill]))""#;

/// Distance rule: "为了成功进行对战游戏而允许的最大或最小距离值" — maxDistance is inclusive.
#[test]
fn distance_max_and_min() {
    let r = rs(&format!(
        r#"{{"name": "d", "type": "distance", {SPREAD}, "maxDistance": 10}}"#
    ));
    assert!(ok(duo(&r, skill(0.0), skill(10.0))));
    assert_eq!(
        duo(&r, skill(0.0), skill(10.5)),
        Verdict::RulesFail(vec!["d".into()])
    );
    let r = rs(&format!(
        r#"{{"name": "d", "type": "distance", {SPREAD}, "minDistance": 10}}"#
    ));
    assert!(ok(duo(&r, skill(0.0), skill(10.0))));
    assert!(!ok(duo(&r, skill(0.0), skill(9.0))));
    // A number literal reference.
    let r = rs(
        r#"{"name": "d", "type": "distance", "measurements": "teams[*].players.attributes[skill]", "referenceValue": 100, "maxDistance": 5}"#,
    );
    assert!(ok(duo(&r, skill(95.0), skill(105.0))));
    assert!(!ok(duo(&r, skill(94.0), skill(100.0))));
}

/// Comparison rule, every operation against referenceValue 10.
#[test]
fn comparison_operations() {
    let cases = [
        ("<", [true, false, false]),
        ("<=", [true, true, false]),
        ("=", [false, true, false]),
        ("!=", [true, false, true]),
        (">", [false, false, true]),
        (">=", [false, true, true]),
    ];
    for (op, want) in cases {
        let r = rs(&format!(
            r#"{{"name": "c", "type": "comparison", "measurements": "teams[a].players.attributes[skill]", "referenceValue": 10, "operation": "{op}"}}"#
        ));
        for (v, w) in [9.0, 10.0, 11.0].into_iter().zip(want) {
            assert_eq!(ok(duo(&r, skill(v), skill(0.0))), w, "{v} {op} 10");
        }
    }
}

/// Comparison without referenceValue: "= " all the same, "!=" all different (guide example 6).
#[test]
fn comparison_between_players() {
    let same = rs(
        r#"{"name": "c", "type": "comparison", "operation": "=", "measurements": "flatten(teams[*].players.attributes[role])"}"#,
    );
    assert!(ok(duo(
        &same,
        player("x").s("role", "tank"),
        player("y").s("role", "tank")
    )));
    assert!(!ok(duo(
        &same,
        player("x").s("role", "tank"),
        player("y").s("role", "healer")
    )));
    let diff = rs(
        r#"{"name": "c", "type": "comparison", "operation": "!=", "measurements": "flatten(teams[*].players.attributes[role])"}"#,
    );
    assert!(ok(duo(
        &diff,
        player("x").s("role", "tank"),
        player("y").s("role", "healer")
    )));
    assert!(!ok(duo(
        &diff,
        player("x").s("role", "tank"),
        player("y").s("role", "tank")
    )));
    let lit = rs(
        r#"{"name": "c", "type": "comparison", "operation": "=", "measurements": "teams[*].players.attributes[role]", "referenceValue": "tank"}"#,
    );
    assert!(ok(duo(
        &lit,
        player("x").s("role", "tank"),
        player("y").s("role", "tank")
    )));
    assert!(!ok(duo(
        &lit,
        player("x").s("role", "tank"),
        player("y").s("role", "mage")
    )));
}

/// Collection rule: contains (max/min count), intersection, reference_intersection_count.
#[test]
fn collection_operations() {
    let tags = |id: &str, t: &[&str]| player(id).list("tags", t);
    let contains = rs(
        r#"{"name": "k", "type": "collection", "operation": "contains", "measurements": "flatten(teams[*].players.attributes[tags])", "referenceValue": "medic", "maxCount": 1, "minCount": 1}"#,
    );
    assert!(ok(duo(
        &contains,
        tags("x", &["medic"]),
        tags("y", &["tank"])
    )));
    assert!(!ok(duo(
        &contains,
        tags("x", &["medic"]),
        tags("y", &["medic", "tank"])
    )));
    assert!(!ok(duo(
        &contains,
        tags("x", &["tank"]),
        tags("y", &["tank"])
    )));
    let inter = rs(
        r#"{"name": "k", "type": "collection", "operation": "intersection", "measurements": "flatten(teams[*].players.attributes[tags])", "minCount": 1, "maxCount": 1}"#,
    );
    assert!(ok(duo(
        &inter,
        tags("x", &["a", "b"]),
        tags("y", &["b", "c"])
    )));
    assert!(!ok(duo(&inter, tags("x", &["a"]), tags("y", &["c"]))));
    assert!(!ok(duo(
        &inter,
        tags("x", &["a", "b"]),
        tags("y", &["a", "b"])
    )));
    let refc = rs(
        r#"{"name": "k", "type": "collection", "operation": "reference_intersection_count", "measurements": "flatten(teams[*].players.attributes[tags])", "referenceValue": ["x", "y"], "minCount": 1}"#,
    );
    assert!(ok(duo(&refc, tags("p", &["x"]), tags("q", &["y", "z"]))));
    assert!(!ok(duo(&refc, tags("p", &["x"]), tags("q", &["z"]))));
}

/// Latency rule: "玩家在至少一个位置的延迟值必须低于最大值" — a region all players share within
/// maxLatency (inclusive); maxDistance against the min or avg reference.
#[test]
fn latency_rule() {
    let r = rs(r#"{"name": "l", "type": "latency", "maxLatency": 50}"#);
    assert!(ok(duo(
        &r,
        player("x").lat("us", 50),
        player("y").lat("us", 1)
    )));
    assert!(!ok(duo(
        &r,
        player("x").lat("us", 51),
        player("y").lat("us", 1)
    )));
    assert!(!ok(duo(
        &r,
        player("x").lat("us", 10),
        player("y").lat("eu", 10)
    )));
    assert!(ok(duo(
        &r,
        player("x").lat("us", 10).lat("eu", 90),
        player("y").lat("eu", 10).lat("us", 40)
    )));
    let min = rs(
        r#"{"name": "l", "type": "latency", "maxLatency": 200, "maxDistance": 20, "distanceReference": "min"}"#,
    );
    assert!(ok(duo(
        &min,
        player("x").lat("us", 10),
        player("y").lat("us", 30)
    )));
    assert!(!ok(duo(
        &min,
        player("x").lat("us", 10),
        player("y").lat("us", 31)
    )));
    let avg = rs(
        r#"{"name": "l", "type": "latency", "maxLatency": 200, "maxDistance": 20, "distanceReference": "avg"}"#,
    );
    assert!(ok(duo(
        &avg,
        player("x").lat("us", 10),
        player("y").lat("us", 50)
    )));
    assert!(!ok(duo(
        &avg,
        player("x").lat("us", 10),
        player("y").lat("us", 52)
    )));
}

/// batchDistance: numbers within maxDistance (inclusive); strings equal.
#[test]
fn batch_distance() {
    let num = rs(
        r#"{"name": "b", "type": "batchDistance", "batchAttribute": "skill", "maxDistance": 5}"#,
    );
    assert!(ok(duo(&num, skill(0.0), skill(5.0))));
    assert!(!ok(duo(&num, skill(0.0), skill(6.0))));
    let s = rs(r#"{"name": "b", "type": "batchDistance", "batchAttribute": "role"}"#);
    assert!(ok(duo(
        &s,
        player("x").s("role", "ctf"),
        player("y").s("role", "ctf")
    )));
    assert!(!ok(duo(
        &s,
        player("x").s("role", "ctf"),
        player("y").s("role", "dm")
    )));
}

/// Compound statements: and, or, not, xor over earlier rules; the parts alone do not decide
/// (with `not(high)`, the unreferenced rule `tank` still applies on its own).
#[test]
fn compound_logic() {
    let base = r#"{"name": "high", "type": "comparison", "measurements": "teams[a].players.attributes[skill]", "referenceValue": 10, "operation": ">="},
                  {"name": "tank", "type": "comparison", "measurements": "teams[b].players.attributes[role]", "referenceValue": "tank", "operation": "="}"#;
    let with = |st: &str| {
        rs(&format!(
            r#"{base}, {{"name": "c", "type": "compound", "statement": "{st}"}}"#
        ))
    };
    let lineups = [
        (skill(20.0), player("t").s("role", "tank")),
        (skill(20.0), player("t").s("role", "mage")),
        (skill(0.0), player("t").s("role", "tank")),
        (skill(0.0), player("t").s("role", "mage")),
    ];
    let table = [
        ("and(high, tank)", [true, false, false, false]),
        ("or(high, tank)", [true, true, true, false]),
        ("xor(high, tank)", [false, true, true, false]),
        ("not(high)", [false, false, true, false]),
        ("and(not(high), not(tank))", [false, false, false, true]),
    ];
    for (st, want) in table {
        let r = with(st);
        for ((a, b), w) in lineups.iter().cloned().zip(want) {
            assert_eq!(ok(duo(&r, a, b)), w, "{st}");
        }
    }
}

fn party(skills: &[f64]) -> Ticket {
    ticket(
        "party",
        0,
        skills
            .iter()
            .enumerate()
            .map(|(i, s)| player(&format!("m{i}")).num("skill", *s))
            .collect(),
    )
}

/// partyAggregation: "票证玩家的最小值 (min)、最大值 (max) 和平均 (avg) 值。默认为 avg。"
#[test]
fn party_aggregation() {
    for (agg, want) in [("min", false), ("max", true), ("avg", true)] {
        let r = rs(&format!(
            r#"{{"name": "c", "type": "comparison", "measurements": "teams[a].players.attributes[skill]", "referenceValue": 10, "operation": ">=", "partyAggregation": "{agg}"}}"#
        ));
        let v = judge(
            &r,
            &[
                ("a", vec![party(&[0.0, 20.0])]),
                ("b", vec![solo("x", 0, skill(0.0))]),
            ],
            0,
        );
        assert_eq!(ok(v), want, "{agg}");
    }
    let lists = |agg: &str| {
        rs(&format!(
            r#"{{"name": "k", "type": "collection", "operation": "contains", "measurements": "flatten(teams[*].players.attributes[tags])", "referenceValue": "medic", "minCount": 1, "partyAggregation": "{agg}"}}"#
        ))
    };
    let t = ticket(
        "p",
        0,
        vec![
            player("m0").list("tags", &["medic"]),
            player("m1").list("tags", &["tank"]),
        ],
    );
    let lineup = |t: &Ticket| {
        vec![
            ("a", vec![t.clone()]),
            ("b", vec![solo("x", 0, player("x"))]),
        ]
    };
    assert!(ok(judge(&lists("union"), &lineup(&t), 0)));
    assert!(!ok(judge(&lists("intersection"), &lineup(&t), 0)));
}

/// Aggregations of the guide's table (line ~3100): sum, median, stddev, count over teams.
#[test]
fn aggregations_in_rules() {
    let three = |r: &RuleSet| {
        judge(
            r,
            &[
                (
                    "a",
                    vec![solo("x", 0, skill(1.0)), solo("y", 0, skill(2.0))],
                ),
                ("b", vec![solo("z", 0, skill(9.0))]),
            ],
            0,
        )
    };
    let cmp = |m: &str, op: &str, v: f64| {
        rs(&format!(
            r#"{{"name": "c", "type": "comparison", "measurements": "{m}", "referenceValue": {v}, "operation": "{op}"}}"#
        ))
    };
    assert!(ok(three(&cmp(
        "sum(flatten(teams[*].players.attributes[skill]))",
        "=",
        12.0
    ))));
    assert!(ok(three(&cmp(
        "median(flatten(teams[*].players.attributes[skill]))",
        "=",
        2.0
    ))));
    assert!(ok(three(&cmp("max(count(teams[*].players))", "=", 2.0))));
    assert!(ok(three(&cmp("min(count(teams[a,b].players))", "=", 1.0))));
    assert!(ok(three(&cmp(
        "stddev(teams[a].players.attributes[skill])",
        "=",
        0.5
    ))));
    assert!(!ok(three(&cmp(
        "avg(teams[b].players.attributes[skill])",
        "<",
        9.0
    ))));
}

/// Team limits: a line-up outside minPlayers..maxPlayers is not a match.
#[test]
fn team_sizes_are_judged() {
    let r = rs(r#"{"name": "l", "type": "latency", "maxLatency": 50}"#);
    let v = judge(
        &r,
        &[
            ("a", vec![solo("x", 0, player("x").lat("us", 1))]),
            ("b", vec![]),
        ],
        0,
    );
    assert_eq!(
        v,
        Verdict::TeamSize {
            team: "b".into(),
            players: 0,
            min: 1,
            max: 3
        }
    );
}
