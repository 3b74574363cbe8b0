//! Rule set validation: JSON value → [`RuleSet`], collecting every error.
//!
//! The validator never stops at the first problem: each section is checked on
//! its own and problems are pushed with their JSON path. Checks follow the
//! guide's reference ("FlexMatch 规则集属性定义", lines 2640–2850, and the rule
//! types, 2850–3081): required properties, allowed values, attribute and team
//! names that resolve, expression shapes that make sense for the rule type,
//! compound statements over existing earlier rules (never `batchDistance`),
//! expansion targets that resolve, and the large-match restrictions (more than
//! 40 players: `balanced` strategy, only `latency` and `batchDistance` rules).

use super::compound::mark_compound_members;
use super::expansions::parse_expansions;
use super::rules::parse_rules;
use super::*;
use crate::expr::Names;
use crate::json::{locate, parse_relaxed, root_start, Relaxed, ValueStarts};
use crate::suggest::did_you_mean;
use crate::ticket::{check_value, value_from_json};
use serde_json::{Map, Value};

/// Longest rule set body the service accepts (`RuleSetBody` is string(1..65535)).
pub const MAX_BODY_CHARS: usize = 65_535;
/// Largest match FlexMatch builds (guide line 119: "最多 200 名玩家").
pub const MAX_MATCH_PLAYERS: u32 = 200;
/// Largest small match; above it the large-match rules apply (guide line 587).
pub const MAX_SMALL_MATCH_PLAYERS: u32 = 40;

pub(super) struct Ctx {
    pub(super) errors: Vec<RuleSetError>,
    pub(super) params: Vec<f64>,
    /// Names of rules already reported as invalid (and so left out of the rule set): a
    /// compound statement or an expansion naming one is not reported again as naming an
    /// unknown rule, so one mistake gives one error.
    pub(super) broken_rules: Vec<String>,
}

impl Ctx {
    /// Notes a problem; `parse` locates it in the body before returning.
    pub(super) fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.errors.push(RuleSetError {
            path: path.into(),
            message: msg.into(),
            line: 0,
            column: 0,
        });
    }
    pub(super) fn slot(&mut self, v: f64) -> ParamId {
        self.params.push(v);
        self.params.len() - 1
    }
    /// A parameter slot for an optional bound: NaN stands for an absent one.
    pub(super) fn bound_slot(&mut self, v: Option<f64>) -> ParamId {
        self.slot(v.unwrap_or(f64::NAN))
    }
    /// A numeric property (numbers written as strings, like the guide's `"maxDistance": "500"`, are accepted).
    pub(super) fn number(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<f64> {
        let v = obj.get(key)?;
        match as_number(v) {
            Some(n) => Some(n),
            None => {
                self.err(
                    format!("{path}.{key}"),
                    format!("must be a number, got {}", kind_of(v)),
                );
                None
            }
        }
    }
    pub(super) fn string<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'v str> {
        let v = obj.get(key)?;
        match v.as_str() {
            Some(s) => Some(s),
            None => {
                self.err(
                    format!("{path}.{key}"),
                    format!("must be a string, got {}", kind_of(v)),
                );
                None
            }
        }
    }
    pub(super) fn unknown_keys(&mut self, obj: &Map<String, Value>, allowed: &[&str], path: &str) {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                let hint = did_you_mean(k, allowed.iter().copied());
                self.err(format!("{path}.{k}"), format!("unknown property{hint}"));
            }
        }
    }
}

pub(super) fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Points each error at the line and column where its path's value starts in `body` (or its
/// nearest enclosing value's, when the path names something absent).
fn located(mut errors: Vec<RuleSetError>, body: &str, starts: &ValueStarts) -> RuleSetErrors {
    let positions = starts.by_path(body);
    for e in &mut errors {
        (e.line, e.column) = locate(&positions, &e.path);
    }
    RuleSetErrors(errors)
}

pub(super) fn parse(body: &str) -> Result<RuleSet, RuleSetErrors> {
    let fail = |starts: &ValueStarts, m: String| {
        let whole = RuleSetError {
            path: String::new(),
            message: m,
            line: 0,
            column: 0,
        };
        Err(located(vec![whole], body, starts))
    };
    if body.chars().count() > MAX_BODY_CHARS {
        let message = format!("rule set body exceeds {MAX_BODY_CHARS} characters");
        return fail(&root_start(body), message);
    }
    let Relaxed { value, starts } = parse_relaxed(body);
    let root = match value {
        Ok(v) => v,
        // Placed where the reader stopped, not at the document (which may be fine up to there).
        Err(e) => {
            return Err(RuleSetErrors(vec![RuleSetError {
                path: String::new(),
                message: format!("{INVALID_JSON}{}", e.message),
                line: e.line,
                column: e.column,
            }]))
        }
    };
    let Some(root) = root.as_object() else {
        return fail(&starts, "a rule set must be a JSON object".into());
    };
    let mut cx = Ctx {
        errors: Vec::new(),
        params: Vec::new(),
        broken_rules: Vec::new(),
    };
    let name = parse_header(&mut cx, root);
    let attributes = parse_attributes(&mut cx, root.get("playerAttributes"));
    let (team_defs, teams, max_match_players) = parse_teams(&mut cx, root.get("teams"));
    let large = max_match_players > MAX_SMALL_MATCH_PLAYERS;
    let algorithm = parse_algorithm(&mut cx, root.get("algorithm"), &attributes, large);
    let team_names: Vec<(String, String)> = teams
        .iter()
        .map(|t| (t.name.to_string(), team_defs[t.def].name.clone()))
        .collect();
    let names = Names {
        teams: &team_names,
        attrs: &attributes,
    };
    let mut rules = parse_rules(&mut cx, root.get("rules"), &names, large);
    let expansions = parse_expansions(&mut cx, root.get("expansions"), &rules, &team_defs, &teams);
    mark_compound_members(&mut rules);
    if !cx.errors.is_empty() {
        return Err(located(cx.errors, body, &starts));
    }
    let exp: Vec<(Vec<ParamId>, Vec<Step>)> = expansions
        .iter()
        .map(|e| (e.slots.clone(), e.steps.clone()))
        .collect();
    let params = Params::build(cx.params, &exp);
    Ok(RuleSet {
        name,
        attributes,
        algorithm,
        team_defs,
        teams,
        rules,
        expansions,
        max_match_players,
        params,
    })
}

/// The top-level checks that need no other section: no unknown properties,
/// and the one ruleLanguageVersion there is. Returns the optional `name`.
fn parse_header(cx: &mut Ctx, root: &Map<String, Value>) -> Option<String> {
    cx.unknown_keys(
        root,
        &[
            "name",
            "ruleLanguageVersion",
            "playerAttributes",
            "algorithm",
            "teams",
            "rules",
            "expansions",
        ],
        "",
    );
    for e in cx.errors.iter_mut() {
        e.path = e.path.trim_start_matches('.').to_string();
    }
    let name = cx.string(root, "name", "").map(str::to_string);
    match root.get("ruleLanguageVersion") {
        None => cx.err("ruleLanguageVersion", "is required"),
        Some(v) if v.as_str() == Some("1.0") || as_number(v) == Some(1.0) => {}
        Some(v) => cx.err("ruleLanguageVersion", format!("must be \"1.0\", got {v}")),
    }
    name
}

pub(super) fn array<'v>(cx: &mut Ctx, v: Option<&'v Value>, path: &str) -> &'v [Value] {
    match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(other) => {
            cx.err(path, format!("must be an array, got {}", kind_of(other)));
            &[]
        }
    }
}

pub(super) fn parse_attributes(cx: &mut Ctx, v: Option<&Value>) -> Vec<AttributeDecl> {
    let mut out: Vec<AttributeDecl> = Vec::new();
    for (i, a) in array(cx, v, "playerAttributes").iter().enumerate() {
        let path = format!("playerAttributes[{i}]");
        let Some(obj) = a.as_object() else {
            cx.err(path, "must be an object");
            continue;
        };
        cx.unknown_keys(obj, &["name", "type", "default"], &path);
        let name = match cx.string(obj, "name", &path) {
            Some(n) if !n.is_empty() => n.to_string(),
            Some(_) => {
                cx.err(format!("{path}.name"), "must not be empty");
                continue;
            }
            None => {
                if obj.get("name").is_none() {
                    cx.err(format!("{path}.name"), "is required");
                }
                continue;
            }
        };
        if out.iter().any(|d| d.name == name) {
            cx.err(
                format!("{path}.name"),
                format!("duplicate attribute \"{name}\""),
            );
        }
        let kind = match obj.get("type").map(|t| t.as_str()) {
            None => {
                cx.err(format!("{path}.type"), "is required");
                continue;
            }
            Some(Some("string")) => AttrType::String,
            Some(Some("number")) => AttrType::Number,
            Some(Some("string_list")) => AttrType::StringList,
            Some(Some("string_number_map")) => AttrType::StringNumberMap,
            Some(_) => {
                cx.err(
                    format!("{path}.type"),
                    "must be one of \"string\", \"number\", \"string_list\", \"string_number_map\"",
                );
                continue;
            }
        };
        let default = match obj.get("default") {
            None | Some(Value::Null) => None,
            Some(d) => match value_from_json(d, kind).and_then(|v| check_value(&v).map(|_| v)) {
                Ok(v) => Some(v),
                Err(e) => {
                    cx.err(format!("{path}.default"), e);
                    None
                }
            },
        };
        out.push(AttributeDecl {
            name,
            kind,
            default,
        });
    }
    out
}

pub(super) fn parse_teams(cx: &mut Ctx, v: Option<&Value>) -> (Vec<TeamDef>, Vec<Team>, u32) {
    let mut defs: Vec<TeamDef> = Vec::new();
    let mut teams = Vec::new();
    let mut total: u32 = 0;
    if v.is_none() {
        cx.err("teams", "is required");
    }
    let list = array(cx, v, "teams");
    if v.is_some() && list.is_empty() {
        cx.err("teams", "must define at least one team");
    }
    for (i, t) in list.iter().enumerate() {
        let path = format!("teams[{i}]");
        let Some(obj) = t.as_object() else {
            cx.err(path, "must be an object");
            continue;
        };
        cx.unknown_keys(
            obj,
            &["name", "maxPlayers", "minPlayers", "quantity"],
            &path,
        );
        let name = match cx.string(obj, "name", &path) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => {
                if obj.get("name").is_none() {
                    cx.err(format!("{path}.name"), "is required");
                }
                continue;
            }
        };
        if defs.iter().any(|d| d.name == name) {
            cx.err(format!("{path}.name"), format!("duplicate team \"{name}\""));
        }
        let Some((max, min, quantity)) = parse_team_sizes(cx, obj, &path) else {
            continue;
        };
        total = total.saturating_add(max.saturating_mul(quantity));
        let def = defs.len();
        let (min_players, max_players) = (cx.slot(min as f64), cx.slot(max as f64));
        defs.push(TeamDef {
            name: name.clone(),
            quantity,
            min_players,
            max_players,
        });
        for q in 1..=quantity {
            let n = if quantity > 1 {
                format!("{name}_{q}")
            } else {
                name.clone()
            };
            teams.push(Team {
                name: n.into(),
                def,
            });
        }
    }
    if total > MAX_MATCH_PLAYERS {
        cx.err("teams", format!("limit exceeded: the teams hold up to {total} players, more than {MAX_MATCH_PLAYERS}"));
    }
    (defs, teams, total)
}

/// A team's `maxPlayers`, `minPlayers` (both required) and `quantity` (1 by default), as
/// `(max, min, quantity)`; `None` when one of them is missing or malformed.
fn parse_team_sizes(cx: &mut Ctx, obj: &Map<String, Value>, path: &str) -> Option<(u32, u32, u32)> {
    let count = |key: &str, cx: &mut Ctx, required: bool| -> Option<u32> {
        match cx.number(obj, key, path) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_MATCH_PLAYERS as f64 => {
                Some(n as u32)
            }
            Some(n) => {
                cx.err(
                    format!("{path}.{key}"),
                    format!("must be a whole number from 0 to {MAX_MATCH_PLAYERS}, got {n}"),
                );
                None
            }
            None => {
                if required && obj.get(key).is_none() {
                    cx.err(format!("{path}.{key}"), "is required");
                }
                None
            }
        }
    };
    let max = count("maxPlayers", cx, true);
    let min = count("minPlayers", cx, true);
    let quantity = match obj.get("quantity") {
        None => Some(1),
        Some(_) => match cx.number(obj, "quantity", path) {
            Some(q) if q >= 1.0 && q.fract() == 0.0 && q <= MAX_MATCH_PLAYERS as f64 => {
                Some(q as u32)
            }
            Some(q) => {
                cx.err(
                    format!("{path}.quantity"),
                    format!("must be a whole number of at least 1, got {q}"),
                );
                None
            }
            None => None,
        },
    };
    let (Some(max), Some(min), Some(quantity)) = (max, min, quantity) else {
        return None;
    };
    if max == 0 {
        cx.err(format!("{path}.maxPlayers"), "must be at least 1");
    }
    if min > max {
        cx.err(
            format!("{path}.minPlayers"),
            format!("{min} is greater than maxPlayers {max}"),
        );
    }
    Some((max, min, quantity))
}

pub(super) fn parse_algorithm(
    cx: &mut Ctx,
    v: Option<&Value>,
    attrs: &[AttributeDecl],
    large: bool,
) -> Algorithm {
    let mut alg = Algorithm {
        strategy: Strategy::ExhaustiveSearch,
        batching: Batching::Random,
        sort_by: Vec::new(),
        balanced_attribute: None,
        expansion_age: AgeSelection::Newest,
        backfill_priority: BackfillPriority::Normal,
    };
    let path = "algorithm";
    let empty = Map::new();
    let obj = match v {
        None => &empty,
        Some(Value::Object(o)) => o,
        Some(other) => {
            cx.err(path, format!("must be an object, got {}", kind_of(other)));
            &empty
        }
    };
    cx.unknown_keys(
        obj,
        &[
            "strategy",
            "batchingPreference",
            "sortByAttributes",
            "balancedAttribute",
            "expansionAgeSelection",
            "backfillPriority",
        ],
        path,
    );
    parse_strategy(cx, obj, large, &mut alg);
    parse_sort_by(cx, obj, attrs, &mut alg);
    parse_balanced_attribute(cx, obj, attrs, &mut alg);
    parse_expansion_and_backfill(cx, obj, &mut alg);
    alg
}

/// `strategy` and `batchingPreference`, whose valid values depend on the strategy.
fn parse_strategy(cx: &mut Ctx, obj: &Map<String, Value>, large: bool, alg: &mut Algorithm) {
    let path = "algorithm";
    match cx.string(obj, "strategy", path) {
        None | Some("exhaustiveSearch") => {}
        Some("balanced") => alg.strategy = Strategy::Balanced,
        Some(s) => cx.err(
            "algorithm.strategy",
            format!("must be \"exhaustiveSearch\" or \"balanced\", got \"{s}\""),
        ),
    }
    if large && alg.strategy != Strategy::Balanced {
        cx.err(
            "algorithm.strategy",
            "a rule set for more than 40 players must use the \"balanced\" strategy",
        );
    }
    let balanced = alg.strategy == Strategy::Balanced;
    if balanced {
        alg.batching = Batching::LargestPopulation;
    }
    match (cx.string(obj, "batchingPreference", path), balanced) {
        (None, _) => {}
        (Some("random"), false) => alg.batching = Batching::Random,
        (Some("sorted"), false) => alg.batching = Batching::Sorted,
        (Some("largestPopulation"), true) => alg.batching = Batching::LargestPopulation,
        (Some("fastestRegion"), true) => alg.batching = Batching::FastestRegion,
        (Some(s), false) => cx.err(
            "algorithm.batchingPreference",
            format!("\"{s}\" is not valid with strategy exhaustiveSearch (use \"random\" or \"sorted\")"),
        ),
        (Some(s), true) => cx.err(
            "algorithm.batchingPreference",
            format!("\"{s}\" is not valid with strategy balanced (use \"largestPopulation\" or \"fastestRegion\")"),
        ),
    }
}

/// `sortByAttributes`: number or string attributes, required by sorted batching.
fn parse_sort_by(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    attrs: &[AttributeDecl],
    alg: &mut Algorithm,
) {
    for (i, a) in array(
        cx,
        obj.get("sortByAttributes"),
        "algorithm.sortByAttributes",
    )
    .iter()
    .enumerate()
    {
        let p = format!("algorithm.sortByAttributes[{i}]");
        match a
            .as_str()
            .map(|n| (n, attrs.iter().position(|d| d.name == n)))
        {
            Some((_, Some(idx)))
                if matches!(attrs[idx].kind, AttrType::Number | AttrType::String) =>
            {
                alg.sort_by.push(idx)
            }
            Some((n, Some(_))) => cx.err(
                p,
                format!("attribute \"{n}\" must be a number or a string to sort by"),
            ),
            Some((n, None)) => {
                let hint = did_you_mean(n, attrs.iter().map(|a| a.name.as_str()));
                cx.err(p, format!("unknown attribute \"{n}\"{hint}"))
            }
            None => cx.err(p, "must be a string"),
        }
    }
    if alg.batching == Batching::Sorted && obj.get("sortByAttributes").is_none() {
        cx.err(
            "algorithm.sortByAttributes",
            "is required when batchingPreference is \"sorted\"",
        );
    }
}

/// `balancedAttribute`: a number attribute, required by the balanced strategy.
fn parse_balanced_attribute(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    attrs: &[AttributeDecl],
    alg: &mut Algorithm,
) {
    let path = "algorithm";
    let balanced = alg.strategy == Strategy::Balanced;
    match cx.string(obj, "balancedAttribute", path) {
        Some(n) => match attrs.iter().position(|d| d.name == n) {
            Some(i) if attrs[i].kind == AttrType::Number => alg.balanced_attribute = Some(i),
            Some(_) => cx.err(
                "algorithm.balancedAttribute",
                format!("attribute \"{n}\" must be of type number"),
            ),
            None => cx.err(
                "algorithm.balancedAttribute",
                format!(
                    "unknown attribute \"{n}\"{}",
                    did_you_mean(n, attrs.iter().map(|a| a.name.as_str()))
                ),
            ),
        },
        None if balanced && obj.get("balancedAttribute").is_none() => cx.err(
            "algorithm.balancedAttribute",
            "is required when strategy is \"balanced\"",
        ),
        None => {}
    }
}

/// `expansionAgeSelection` and `backfillPriority`.
fn parse_expansion_and_backfill(cx: &mut Ctx, obj: &Map<String, Value>, alg: &mut Algorithm) {
    let path = "algorithm";
    match cx.string(obj, "expansionAgeSelection", path) {
        None | Some("newest") => {}
        Some("oldest") => alg.expansion_age = AgeSelection::Oldest,
        Some(s) => cx.err(
            "algorithm.expansionAgeSelection",
            format!("must be \"newest\" or \"oldest\", got \"{s}\""),
        ),
    }
    match cx.string(obj, "backfillPriority", path) {
        None | Some("normal") => {}
        Some("high") => alg.backfill_priority = BackfillPriority::High,
        Some("low") => alg.backfill_priority = BackfillPriority::Low,
        Some(s) => cx.err(
            "algorithm.backfillPriority",
            format!("must be \"normal\", \"high\" or \"low\", got \"{s}\""),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `playfield ruleset validate` reads from a body: validity, name, located errors.
    fn check_text(text: &str) -> (bool, Option<String>, Vec<RuleSetError>) {
        match RuleSet::parse(text) {
            Ok(rs) => (true, rs.name, Vec::new()),
            Err(errors) => (false, None, errors.0),
        }
    }

    const BROKEN: &str = r#"{
    // a comment, as the guide's examples have
    "name": "broken",
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{ "name": "skill", "type": "number" }],
    "teams": [{ "name": "red", "minPlayers": 1, "maxPlayers": 2 }],
    "rules": [{
        "name": "close",
        "type": "distance",
        "measurements": ["avg(teams[red].players.attributes[skil])"],
        "referenceValue": 10,
        "maxDistance": 5
    }]
}"#;

    // Moved from the daemon's `ruleset_validate.rs` with the position lookup.
    #[test]
    fn errors_point_at_their_line() {
        let (valid, _, errors) = check_text(BROKEN);
        assert!(!valid);
        let skil = errors
            .iter()
            .find(|e| e.message.contains("skil"))
            .unwrap_or_else(|| panic!("an error names the unknown attribute: {errors:?}"));
        assert!(skil.path.starts_with("rules[0]"), "{skil:?}");
        assert_eq!(skil.line, 10, "{skil:?}");
    }

    // Moved from the daemon's `ruleset_validate.rs` with the position lookup.
    #[test]
    fn syntax_errors_are_reported_not_panicked() {
        let (valid, _, errors) = check_text("{\"name\": ");
        assert!(!valid);
        assert!(!errors.is_empty());
    }

    /// Invalid JSON is reported where the reader stopped, in the text as written, and the
    /// message does not repeat serde_json's position in the rewritten text (issue 17 item 8).
    #[test]
    fn invalid_json_points_at_the_mistake() {
        let body = "{\n  // a comment\n  \"name\": \"x\",\n  \"teams\": [{\"name\": \"red\" \"maxPlayers\": 1}]\n}";
        let errors = RuleSet::parse(body).unwrap_err().0;
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert_eq!((e.line, e.column), (4, 28), "{e:?}");
        assert_eq!(e.message, "invalid JSON: expected `,` or `}`");
        // The one-line form (ValidateMatchmakingRuleSet's answer) still says where.
        assert_eq!(
            e.to_string(),
            "invalid JSON: expected `,` or `}` at line 4 column 28"
        );
    }

    /// One mistake, one error: a rule whose type is unknown is reported at its type, not
    /// again as an "unknown rule" where a compound statement or an expansion names it.
    #[test]
    fn an_unknown_rule_type_is_reported_once() {
        let body = r#"{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{"name": "skill", "type": "number"}],
            "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}],
            "rules": [
                {"name": "close", "type": "distanse", "measurements": ["avg(teams[red].players.attributes[skill])"], "referenceValue": 10, "maxDistance": 5},
                {"name": "both", "type": "compound", "statement": "not(close)"}],
            "expansions": [{"target": "rules[close].maxDistance", "steps": [{"waitTimeSeconds": 5, "value": 10}]}]}"#;
        let errors = RuleSet::parse(body).unwrap_err().0;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "rules[0].type");
        assert_eq!(
            errors[0].message,
            "unknown rule type \"distanse\" (did you mean \"distance\"?)"
        );
    }

    /// A rule that does not exist at all is still an unknown rule, with the closest name.
    #[test]
    fn a_misspelt_rule_name_is_an_unknown_rule_with_a_suggestion() {
        let body = r#"{"ruleLanguageVersion": "1.0",
            "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}],
            "rules": [{"name": "FastPing", "type": "latency", "maxLatency": 100},
                      {"name": "both", "type": "compound", "statement": "not(FastPimg)"}]}"#;
        let errors = RuleSet::parse(body).unwrap_err().0;
        let messages: Vec<_> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            messages,
            ["rules[1].statement: unknown rule \"FastPimg\" (did you mean \"FastPing\"?)"]
        );
    }

    /// A misspelt property or attribute gets the closest right name.
    #[test]
    fn misspelt_keys_and_attributes_get_a_suggestion() {
        let body = r#"{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{"name": "skill", "type": "number"}],
            "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2}],
            "algorithm": {"strategy": "balanced", "balancedAttribute": "skil"},
            "rules": [{"name": "close", "type": "distance",
                "measurements": ["avg(teams[red].players.attributes[skil])"],
                "referenceValue": 10, "maxDistnace": 5}]}"#;
        let errors = RuleSet::parse(body).unwrap_err().0;
        let messages: Vec<_> = errors.iter().map(|e| e.to_string()).collect();
        for expected in [
            "algorithm.balancedAttribute: unknown attribute \"skil\" (did you mean \"skill\"?)",
            "rules[0].maxDistnace: unknown property (did you mean \"maxDistance\"?)",
        ] {
            assert!(
                messages.iter().any(|m| m == expected),
                "{expected} in {messages:#?}"
            );
        }
        assert!(
            messages.iter().any(|m| m
                .contains("unknown attribute \"skil\" (did you mean \"skill\"?)")
                && m.starts_with("rules[0].measurements[0]")),
            "{messages:#?}"
        );
    }

    /// A body refused before it is read points at its top-level value, like a syntax error.
    #[test]
    fn an_overlong_body_points_at_its_top_level_value() {
        let body = format!(
            "// note\n  {{\"name\": \"{}\"}}",
            "x".repeat(MAX_BODY_CHARS)
        );
        let errors = RuleSet::parse(&body).unwrap_err().0;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("exceeds"), "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column), (2, 3));
    }

    /// A missing property points at the object that lacks it.
    #[test]
    fn a_missing_property_points_at_its_object() {
        let body = "{\"name\": \"n\", \"ruleLanguageVersion\": \"1.0\",\n \"teams\": [\n  {\"name\": \"red\", \"maxPlayers\": 2}]}";
        let errors = RuleSet::parse(body).unwrap_err().0;
        let min = errors
            .iter()
            .find(|e| e.path == "teams[0].minPlayers")
            .unwrap_or_else(|| panic!("minPlayers is required: {errors:?}"));
        assert_eq!((min.line, min.column), (3, 3), "{min:?}");
    }

    /// `team_maxima` names every team instance a match holds, with its declaration's
    /// maxPlayers. Seed 002 lines 1043-1048 declare `"name": "trio", "maxPlayers": 5,
    /// "quantity": 3`; line 2813: "数量大于 1 的队伍会附加一个数字 (“Red_1”、 “Red_2” 等)".
    #[test]
    fn team_maxima_repeats_a_declaration_quantity_times() {
        let rs = RuleSet::parse(
            r#"{"ruleLanguageVersion": "1.0",
                "teams": [{"name": "trio", "minPlayers": 3, "maxPlayers": 5, "quantity": 3},
                          {"name": "solo", "minPlayers": 1, "maxPlayers": 1}]}"#,
        )
        .expect("a valid rule set");
        assert_eq!(
            rs.team_maxima(),
            vec![
                ("trio_1".to_string(), 5),
                ("trio_2".to_string(), 5),
                ("trio_3".to_string(), 5),
                ("solo".to_string(), 1),
            ]
        );
    }
}
