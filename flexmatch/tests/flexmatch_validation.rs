//! Invalid rule sets: every problem is reported with its JSON path (what
//! ValidateMatchmakingRuleSet answers), and all problems are reported at once.

use playfield_flexmatch::RuleSet;

fn errors(body: &str) -> Vec<String> {
    match RuleSet::parse(body) {
        Ok(_) => panic!("accepted: {body}"),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

fn has(errs: &[String], want: &str) {
    assert!(
        errs.iter().any(|e| e == want),
        "wanted {want:?} in {errs:#?}"
    );
}

/// A rule set around `rules` with attributes skill (number) and modes (string_list) and
/// two teams red and blue of 1–5.
fn with_rules(rules: &str) -> String {
    format!(
        r#"{{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{{"name": "skill", "type": "number", "default": 10}},
                                 {{"name": "modes", "type": "string_list"}}],
            "teams": [{{"name": "red", "minPlayers": 1, "maxPlayers": 5}},
                      {{"name": "blue", "minPlayers": 1, "maxPlayers": 5}}],
            "rules": [{rules}]}}"#
    )
}

/// The brief's own example: `rules[2].measurements[0]: unknown attribute "skil"`.
#[test]
fn unknown_attribute_is_located() {
    let body = with_rules(
        r#"{"name": "a", "type": "latency", "maxLatency": 50},
           {"name": "b", "type": "latency", "maxLatency": 60},
           {"name": "c", "type": "distance", "measurements": ["avg(teams[*].players.attributes[skil])"],
            "referenceValue": 1, "maxDistance": 5}"#,
    );
    has(
        &errors(&body),
        r#"rules[2].measurements[0]: unknown attribute "skil" (did you mean "skill"?)"#,
    );
}

/// Wrong types: a string where a number belongs, avg over strings, a default of the wrong type.
#[test]
fn wrong_types_are_located() {
    let body = r#"{"ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number", "default": "high"},
                             {"name": "mode", "type": "string"}],
        "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 5},
                  {"name": "blue", "minPlayers": 1, "maxPlayers": "five"}],
        "rules": [{"name": "d", "type": "distance", "measurements": "avg(teams[red].players.attributes[mode])",
                   "referenceValue": 1, "maxDistance": 5}]}"#;
    let e = errors(body);
    has(
        &e,
        r#"playerAttributes[0].default: must be a number value, got "high""#,
    );
    has(&e, "teams[1].maxPlayers: must be a number, got a string");
    has(
        &e,
        "rules[0].measurements: avg expects a list of numbers, got List<string>",
    );
}

/// Guide line ~2998: "您在此属性中指定的规则必须是在规则集的早期定义的。不能在复合batchDistance规则中使用规则。"
#[test]
fn compound_statement_errors() {
    let body = with_rules(
        r#"{"name": "bd", "type": "batchDistance", "batchAttribute": "skill", "maxDistance": 5},
           {"name": "lat", "type": "latency", "maxLatency": 50},
           {"name": "c1", "type": "compound", "statement": "and(lat, nosuch)"},
           {"name": "c2", "type": "compound", "statement": "or(lat, bd)"},
           {"name": "c3", "type": "compound", "statement": "and(lat, later)"},
           {"name": "later", "type": "latency", "maxLatency": 70},
           {"name": "c4", "type": "compound", "statement": "nand(lat, later)"}"#,
    );
    let e = errors(&body);
    has(&e, r#"rules[2].statement: unknown rule "nosuch""#);
    has(
        &e,
        r#"rules[3].statement: batchDistance rule "bd" cannot be used in a compound rule"#,
    );
    has(
        &e,
        r#"rules[4].statement: rule "later" must be defined before the compound rule that uses it"#,
    );
    has(
        &e,
        r#"rules[6].statement: unknown operator "nand" (use and, or, not, xor)"#,
    );
}

/// Expansion targets must resolve to a team property or a numeric property of a rule.
#[test]
fn expansion_targets_must_resolve() {
    let body = r#"{"ruleLanguageVersion": "1.0",
        "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 5}],
        "rules": [{"name": "lat", "type": "latency", "maxLatency": 50},
                  {"name": "c", "type": "compound", "statement": "not(lat)"}],
        "expansions": [
          {"target": "rules[nosuch].maxLatency", "steps": [{"waitTimeSeconds": 5, "value": 1}]},
          {"target": "rules[lat].minCount", "steps": [{"waitTimeSeconds": 5, "value": 1}]},
          {"target": "teams[green].minPlayers", "steps": [{"waitTimeSeconds": 5, "value": 1}]},
          {"target": "teams[red].name", "steps": [{"waitTimeSeconds": 5, "value": 1}]},
          {"target": "rules[c].statement", "steps": [{"waitTimeSeconds": 5, "value": 1}]},
          {"target": "bogus", "steps": []},
          {"target": "rules[lat].maxLatency", "steps": [{"waitTimeSeconds": -1, "value": 1}]}
        ]}"#;
    let e = errors(body);
    has(
        &e,
        r#"expansions[0].target: target "rules[nosuch].maxLatency": unknown rule "nosuch""#,
    );
    has(
        &e,
        r#"expansions[1].target: target "rules[lat].minCount": rule "lat" has no numeric property "minCount" to expand"#,
    );
    has(
        &e,
        r#"expansions[2].target: target "teams[green].minPlayers": unknown team "green""#,
    );
    has(
        &e,
        r#"expansions[3].target: target "teams[red].name": teams can expand minPlayers or maxPlayers, not "name""#,
    );
    has(
        &e,
        r#"expansions[4].target: target "rules[c].statement": compound rules cannot be expanded; expand the rules they use"#,
    );
    has(
        &e,
        r#"expansions[5].target: target "bogus" does not resolve: use rules[<rule>].<property> or teams[<team>].<property>"#,
    );
    has(&e, "expansions[5].steps: must hold at least one step");
    has(
        &e,
        "expansions[6].steps[0].waitTimeSeconds: must not be negative",
    );
}

/// Guide line ~690: large matches may only use latency and batchDistance rules, and need the
/// balanced strategy with a numeric balancedAttribute.
#[test]
fn small_match_rules_in_a_large_rule_set() {
    let body = r#"{"ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number"}, {"name": "mode", "type": "string"}],
        "algorithm": {"strategy": "balanced", "balancedAttribute": "mode", "batchingPreference": "random"},
        "teams": [{"name": "red", "minPlayers": 10, "maxPlayers": 50}],
        "rules": [{"name": "lat", "type": "latency", "maxLatency": 50},
                  {"name": "cmp", "type": "comparison", "operation": "=",
                   "measurements": "flatten(teams[*].players.attributes[mode])"}]}"#;
    let e = errors(body);
    has(
        &e,
        r#"rules[1].type: rule type "comparison" is not available in a large-match rule set (more than 40 players): use latency or batchDistance"#,
    );
    has(
        &e,
        r#"algorithm.balancedAttribute: attribute "mode" must be of type number"#,
    );
    has(
        &e,
        r#"algorithm.batchingPreference: "random" is not valid with strategy balanced (use "largestPopulation" or "fastestRegion")"#,
    );
    let e = errors(
        r#"{"ruleLanguageVersion": "1.0", "teams": [{"name": "red", "minPlayers": 10, "maxPlayers": 50}]}"#,
    );
    has(
        &e,
        r#"algorithm.strategy: a rule set for more than 40 players must use the "balanced" strategy"#,
    );
}

/// Quantities and team sizes; the 200-player limit.
#[test]
fn bad_quantity_and_limits() {
    let body = r#"{"ruleLanguageVersion": "1.0",
        "algorithm": {"strategy": "balanced", "balancedAttribute": "skill"},
        "playerAttributes": [{"name": "skill", "type": "number"}],
        "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 5, "quantity": 0},
                  {"name": "b", "minPlayers": 1, "maxPlayers": 5, "quantity": 2.5},
                  {"name": "c", "minPlayers": 9, "maxPlayers": 5},
                  {"name": "d", "minPlayers": 1, "maxPlayers": 100, "quantity": 3}]}"#;
    let e = errors(body);
    has(
        &e,
        "teams[0].quantity: must be a whole number of at least 1, got 0",
    );
    has(
        &e,
        "teams[1].quantity: must be a whole number of at least 1, got 2.5",
    );
    has(&e, "teams[2].minPlayers: 9 is greater than maxPlayers 5");
    has(
        &e,
        "teams: limit exceeded: the teams hold up to 305 players, more than 200",
    );
    let long = format!(
        r#"{{"ruleLanguageVersion": "1.0", "name": "{}", "teams": []}}"#,
        "x".repeat(70_000)
    );
    has(&errors(&long), "rule set body exceeds 65535 characters");
}

/// Missing required pieces, unknown properties, bad enumerations, invalid JSON.
#[test]
fn required_unknown_and_enumerations() {
    let e = errors(r#"{"name": "x", "teamz": []}"#);
    has(&e, "teamz: unknown property (did you mean \"teams\"?)");
    has(&e, "ruleLanguageVersion: is required");
    has(&e, "teams: is required");
    let body = with_rules(
        r#"{"name": "c", "type": "comparison", "measurements": "teams[red].players.attributes[skill]", "operation": "~", "referenceValue": 1},
           {"name": "k", "type": "collection", "measurements": "flatten(teams[*].players.attributes[modes])", "operation": "contains"},
           {"name": "s", "type": "distanceSort", "sortAttribute": "skill", "sortDirection": "up"},
           {"name": "l", "type": "latency", "maxLatency": 50, "partyAggregation": "union", "colour": 1},
           {"type": "teleport"}"#,
    );
    let e = errors(&body);
    has(
        &e,
        r#"rules[0].operation: must be one of <, <=, =, !=, >, >=; got "~""#,
    );
    has(
        &e,
        "rules[1].referenceValue: is required for operation contains",
    );
    has(
        &e,
        r#"rules[2].sortDirection: must be "ascending" or "descending", got "up""#,
    );
    has(
        &e,
        r#"rules[3].partyAggregation: must be "avg", "min" or "max", got "union""#,
    );
    has(&e, "rules[3].colour: unknown property");
    has(&e, "rules[4].name: is required");
    has(&e, r#"rules[4].type: unknown rule type "teleport""#);
    assert!(errors("{ not json")[0].starts_with("invalid JSON"));
}

/// Errors are collected, not just the first: one body, many located problems.
#[test]
fn all_errors_are_collected() {
    let body = with_rules(
        r#"{"name": "a", "type": "distance", "measurements": "avg(teams[red].players.attributes[nope])", "maxDistance": 1},
           {"name": "a", "type": "comparison", "measurements": "teams[purple].players.attributes[skill]", "operation": "=", "referenceValue": 1}"#,
    );
    let e = errors(&body);
    has(&e, r#"rules[0].measurements: unknown attribute "nope""#);
    has(&e, r#"rules[1].name: duplicate rule "a""#);
    has(&e, r#"rules[1].measurements: unknown team "purple""#);
    assert!(e.len() >= 3);
}
