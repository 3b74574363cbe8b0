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

use super::*;
use crate::flexmatch::expr::{self, Kind, Names};
use crate::flexmatch::json::parse_relaxed;
use crate::flexmatch::ticket::{check_value, value_from_json};
use serde_json::{Map, Value};

/// Longest rule set body the service accepts (`RuleSetBody` is string(1..65535)).
pub const MAX_BODY_CHARS: usize = 65_535;
/// Largest match FlexMatch builds (guide line 119: "最多 200 名玩家").
pub const MAX_MATCH_PLAYERS: u32 = 200;
/// Largest small match; above it the large-match rules apply (guide line 587).
pub const MAX_SMALL_MATCH_PLAYERS: u32 = 40;

struct Ctx {
    errors: Vec<RuleSetError>,
    params: Vec<f64>,
}

impl Ctx {
    fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.errors.push(RuleSetError {
            path: path.into(),
            message: msg.into(),
        });
    }
    fn slot(&mut self, v: f64) -> ParamId {
        self.params.push(v);
        self.params.len() - 1
    }
    /// A numeric property (numbers written as strings, like the guide's `"maxDistance": "500"`, are accepted).
    fn number(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Option<f64> {
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
    fn string<'v>(
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
    fn unknown_keys(&mut self, obj: &Map<String, Value>, allowed: &[&str], path: &str) {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                self.err(format!("{path}.{k}"), "unknown property");
            }
        }
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn parse(body: &str) -> Result<RuleSet, RuleSetErrors> {
    let fail = |m: String| {
        Err(RuleSetErrors(vec![RuleSetError {
            path: String::new(),
            message: m,
        }]))
    };
    if body.chars().count() > MAX_BODY_CHARS {
        return fail(format!("rule set body exceeds {MAX_BODY_CHARS} characters"));
    }
    let root = match parse_relaxed(body) {
        Ok(v) => v,
        Err(e) => return fail(format!("invalid JSON: {e}")),
    };
    let Some(root) = root.as_object() else {
        return fail("a rule set must be a JSON object".into());
    };
    let mut cx = Ctx {
        errors: Vec::new(),
        params: Vec::new(),
    };
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
    let attributes = parse_attributes(&mut cx, root.get("playerAttributes"));
    let (team_defs, teams, max_match_players) = parse_teams(&mut cx, root.get("teams"));
    let large = max_match_players > MAX_SMALL_MATCH_PLAYERS;
    let algorithm = parse_algorithm(&mut cx, root.get("algorithm"), &attributes, large);
    let team_names: Vec<(String, String)> = teams
        .iter()
        .map(|t| (t.name.clone(), team_defs[t.def].name.clone()))
        .collect();
    let names = Names {
        teams: &team_names,
        attrs: &attributes,
    };
    let mut rules = parse_rules(&mut cx, root.get("rules"), &names, large);
    let expansions = parse_expansions(&mut cx, root.get("expansions"), &rules, &team_defs, &teams);
    mark_compound_members(&mut rules);
    if !cx.errors.is_empty() {
        return Err(RuleSetErrors(cx.errors));
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

fn array<'v>(cx: &mut Ctx, v: Option<&'v Value>, path: &str) -> &'v [Value] {
    match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(other) => {
            cx.err(path, format!("must be an array, got {}", kind_of(other)));
            &[]
        }
    }
}

fn parse_attributes(cx: &mut Ctx, v: Option<&Value>) -> Vec<AttributeDecl> {
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

fn parse_teams(cx: &mut Ctx, v: Option<&Value>) -> (Vec<TeamDef>, Vec<Team>, u32) {
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
        let count = |key: &str, cx: &mut Ctx, required: bool| -> Option<u32> {
            match cx.number(obj, key, &path) {
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
            Some(_) => match cx.number(obj, "quantity", &path) {
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
            continue;
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
            teams.push(Team { name: n, def });
        }
    }
    if total > MAX_MATCH_PLAYERS {
        cx.err("teams", format!("limit exceeded: the teams hold up to {total} players, more than {MAX_MATCH_PLAYERS}"));
    }
    (defs, teams, total)
}

fn parse_algorithm(
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
            Some((n, None)) => cx.err(p, format!("unknown attribute \"{n}\"")),
            None => cx.err(p, "must be a string"),
        }
    }
    if alg.batching == Batching::Sorted && obj.get("sortByAttributes").is_none() {
        cx.err(
            "algorithm.sortByAttributes",
            "is required when batchingPreference is \"sorted\"",
        );
    }
    match cx.string(obj, "balancedAttribute", path) {
        Some(n) => match attrs.iter().position(|d| d.name == n) {
            Some(i) if attrs[i].kind == AttrType::Number => alg.balanced_attribute = Some(i),
            Some(_) => cx.err(
                "algorithm.balancedAttribute",
                format!("attribute \"{n}\" must be of type number"),
            ),
            None => cx.err(
                "algorithm.balancedAttribute",
                format!("unknown attribute \"{n}\""),
            ),
        },
        None if balanced && obj.get("balancedAttribute").is_none() => cx.err(
            "algorithm.balancedAttribute",
            "is required when strategy is \"balanced\"",
        ),
        None => {}
    }
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
    alg
}

const COMMON: [&str; 3] = ["name", "type", "description"];

fn parse_rules(cx: &mut Ctx, v: Option<&Value>, names: &Names<'_>, large: bool) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut pending_compound: Vec<(usize, String, String)> = Vec::new();
    for (i, r) in array(cx, v, "rules").iter().enumerate() {
        let path = format!("rules[{i}]");
        let Some(obj) = r.as_object() else {
            cx.err(path, "must be an object");
            continue;
        };
        let name = match cx.string(obj, "name", &path) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => {
                if obj.get("name").is_none() {
                    cx.err(format!("{path}.name"), "is required");
                }
                format!("#{i}")
            }
        };
        if rules.iter().any(|r| r.name == name) {
            cx.err(format!("{path}.name"), format!("duplicate rule \"{name}\""));
        }
        let description = obj
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(ty) = cx.string(obj, "type", &path) else {
            if obj.get("type").is_none() {
                cx.err(format!("{path}.type"), "is required");
            }
            continue;
        };
        if large && !matches!(ty, "latency" | "batchDistance") {
            cx.err(
                format!("{path}.type"),
                format!("rule type \"{ty}\" is not available in a large-match rule set (more than 40 players): use latency or batchDistance"),
            );
            continue;
        }
        let kind = match ty {
            "batchDistance" => parse_batch_distance(cx, obj, &path, names),
            "comparison" | "distance" | "collection" => parse_measuring(cx, obj, &path, names, ty),
            "latency" => parse_latency(cx, obj, &path),
            "absoluteSort" | "distanceSort" => parse_sort(cx, obj, &path, names, ty),
            "compound" => {
                cx.unknown_keys(obj, &[&COMMON[..], &["statement"]].concat(), &path);
                match cx.string(obj, "statement", &path) {
                    Some(s) => pending_compound.push((rules.len(), s.to_string(), path.clone())),
                    None if obj.get("statement").is_none() => {
                        cx.err(format!("{path}.statement"), "is required")
                    }
                    None => {}
                }
                Some(RuleKind::Compound {
                    statement: Statement::And(Vec::new()),
                })
            }
            other => {
                cx.err(
                    format!("{path}.type"),
                    format!("unknown rule type \"{other}\""),
                );
                None
            }
        };
        if let Some(kind) = kind {
            rules.push(Rule {
                name,
                description,
                kind,
                in_compound: false,
            });
        }
    }
    for (idx, text, path) in pending_compound {
        match parse_statement(&text, &rules, idx) {
            Ok(st) => rules[idx].kind = RuleKind::Compound { statement: st },
            Err(e) => cx.err(format!("{path}.statement"), e),
        }
    }
    rules
}

fn party(cx: &mut Ctx, obj: &Map<String, Value>, path: &str, lists: bool) -> PartyAgg {
    let default = if lists {
        PartyAgg::Union
    } else {
        PartyAgg::Avg
    };
    match (cx.string(obj, "partyAggregation", path), lists) {
        (None, _) => default,
        (Some("avg"), false) => PartyAgg::Avg,
        (Some("min"), false) => PartyAgg::Min,
        (Some("max"), false) => PartyAgg::Max,
        (Some("union"), true) => PartyAgg::Union,
        (Some("intersection"), true) => PartyAgg::Intersection,
        (Some(s), _) => {
            let allowed = if lists {
                "\"union\" or \"intersection\""
            } else {
                "\"avg\", \"min\" or \"max\""
            };
            cx.err(
                format!("{path}.partyAggregation"),
                format!("must be {allowed}, got \"{s}\""),
            );
            default
        }
    }
}

fn attr_ref(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    names: &Names<'_>,
) -> Option<usize> {
    let Some(n) = cx.string(obj, key, path) else {
        if obj.get(key).is_none() {
            cx.err(format!("{path}.{key}"), "is required");
        }
        return None;
    };
    let found = names.attrs.iter().position(|a| a.name == n);
    if found.is_none() {
        cx.err(
            format!("{path}.{key}"),
            format!("unknown attribute \"{n}\""),
        );
    }
    found
}

fn parse_batch_distance(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    names: &Names<'_>,
) -> Option<RuleKind> {
    cx.unknown_keys(
        obj,
        &[
            &COMMON[..],
            &["batchAttribute", "maxDistance", "partyAggregation"],
        ]
        .concat(),
        path,
    );
    let attr = attr_ref(cx, obj, "batchAttribute", path, names);
    let max = cx.number(obj, "maxDistance", path);
    let _ = party(cx, obj, path, false);
    let attr = attr?;
    match names.attrs[attr].kind {
        AttrType::Number => {}
        AttrType::String if max.is_none() => {}
        AttrType::String => cx.err(
            format!("{path}.maxDistance"),
            "only applies to a number batchAttribute",
        ),
        _ => cx.err(
            format!("{path}.batchAttribute"),
            "must name a number or string attribute",
        ),
    }
    let max_distance = cx.slot(max.unwrap_or(f64::NAN));
    Some(RuleKind::BatchDistance { attr, max_distance })
}

fn parse_exprs(cx: &mut Ctx, v: Option<&Value>, path: &str, names: &Names<'_>) -> Vec<expr::Expr> {
    let mut out = Vec::new();
    let mut one = |cx: &mut Ctx, s: &Value, p: String| match s.as_str() {
        Some(text) => match expr::parse(text, names) {
            Ok(e) => out.push(e),
            Err(e) => cx.err(p, e),
        },
        None => cx.err(
            p,
            format!("must be a property expression string, got {}", kind_of(s)),
        ),
    };
    match v {
        None => cx.err(path, "is required"),
        Some(Value::Array(a)) if a.is_empty() => cx.err(path, "must not be empty"),
        Some(Value::Array(a)) => {
            for (i, s) in a.iter().enumerate() {
                one(cx, s, format!("{path}[{i}]"));
            }
        }
        Some(s) => one(cx, s, path.to_string()),
    }
    out
}

fn parse_reference(
    cx: &mut Ctx,
    v: Option<&Value>,
    path: &str,
    names: &Names<'_>,
) -> Option<Reference> {
    match v? {
        Value::Number(n) => Some(Reference::Number(cx.slot(n.as_f64().unwrap_or(f64::NAN)))),
        Value::String(s) if looks_like_expression(s) => match expr::parse(s, names) {
            Ok(e) => Some(Reference::Expr(e)),
            Err(e) => {
                cx.err(path, e);
                None
            }
        },
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Some(Reference::Number(cx.slot(n))),
            _ => Some(Reference::Str(s.clone())),
        },
        Value::Array(a) => match a
            .iter()
            .map(|x| x.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
        {
            Some(l) => Some(Reference::StrList(l)),
            None => {
                cx.err(path, "a list referenceValue must hold strings");
                None
            }
        },
        other => {
            cx.err(
                path,
                format!(
                    "must be a number, a string or a property expression, got {}",
                    kind_of(other)
                ),
            );
            None
        }
    }
}

fn looks_like_expression(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("teams[") || t.starts_with("team[") || (t.contains('(') && t.contains("teams"))
}

fn parse_measuring(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    names: &Names<'_>,
    ty: &str,
) -> Option<RuleKind> {
    let extra: &[&str] = match ty {
        "comparison" => &[
            "measurements",
            "referenceValue",
            "operation",
            "partyAggregation",
        ],
        "distance" => &[
            "measurements",
            "referenceValue",
            "maxDistance",
            "minDistance",
            "partyAggregation",
        ],
        _ => &[
            "measurements",
            "referenceValue",
            "operation",
            "maxCount",
            "minCount",
            "partyAggregation",
        ],
    };
    cx.unknown_keys(obj, &[&COMMON[..], extra].concat(), path);
    let mpath = format!("{path}.measurements");
    let rpath = format!("{path}.referenceValue");
    let measurements = parse_exprs(cx, obj.get("measurements"), &mpath, names);
    let reference = parse_reference(cx, obj.get("referenceValue"), &rpath, names);
    let ref_shape = match &reference {
        Some(Reference::Expr(e)) => Some(e.shape),
        _ => None,
    };
    match ty {
        "distance" => {
            for (i, m) in measurements.iter().enumerate() {
                if m.shape.kind != Kind::Number {
                    cx.err(
                        format!("{mpath}[{i}]"),
                        format!("distance measurements must be numbers, got {}", m.shape),
                    );
                }
            }
            match (&reference, ref_shape) {
                (Some(Reference::Str(_) | Reference::StrList(_)), _) => {
                    cx.err(&rpath, "must be a number")
                }
                (_, Some(s)) if s.depth != 0 || s.kind != Kind::Number => {
                    cx.err(&rpath, format!("must evaluate to a single number, got {s}"))
                }
                _ => {}
            }
            let max = cx.number(obj, "maxDistance", path);
            let min = cx.number(obj, "minDistance", path);
            if max.is_none()
                && min.is_none()
                && obj.get("maxDistance").is_none()
                && obj.get("minDistance").is_none()
            {
                cx.err(path, "a distance rule needs maxDistance or minDistance");
            }
            let party = party(cx, obj, path, false);
            let (max_distance, min_distance) = (
                cx.slot(max.unwrap_or(f64::NAN)),
                cx.slot(min.unwrap_or(f64::NAN)),
            );
            Some(RuleKind::Distance {
                measurements,
                reference,
                max_distance,
                min_distance,
                party,
            })
        }
        "comparison" => {
            let op = match cx.string(obj, "operation", path) {
                Some("<") => CmpOp::Lt,
                Some("<=") => CmpOp::Le,
                Some("=") => CmpOp::Eq,
                Some("!=") => CmpOp::Ne,
                Some(">") => CmpOp::Gt,
                Some(">=") => CmpOp::Ge,
                Some(s) => {
                    cx.err(
                        format!("{path}.operation"),
                        format!("must be one of <, <=, =, !=, >, >=; got \"{s}\""),
                    );
                    CmpOp::Eq
                }
                None => {
                    if obj.get("operation").is_none() {
                        cx.err(format!("{path}.operation"), "is required");
                    }
                    CmpOp::Eq
                }
            };
            let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
            if reference.is_none() && ordered && obj.get("referenceValue").is_none() {
                cx.err(
                    format!("{path}.operation"),
                    "without a referenceValue only = and != can compare players",
                );
            }
            let str_ref = matches!(reference, Some(Reference::Str(_)))
                || ref_shape.is_some_and(|s| s.kind == Kind::Str);
            if let Some(s) = ref_shape.filter(|s| s.depth != 0) {
                cx.err(&rpath, format!("must evaluate to a single value, got {s}"));
            }
            if matches!(reference, Some(Reference::StrList(_))) {
                cx.err(&rpath, "must be a single value");
            }
            for (i, m) in measurements.iter().enumerate() {
                if m.shape.kind == Kind::Item {
                    cx.err(
                        format!("{mpath}[{i}]"),
                        format!("cannot compare {}; use count(...)", m.shape),
                    );
                } else if ordered && m.shape.kind == Kind::Str {
                    cx.err(
                        format!("{mpath}[{i}]"),
                        "strings can only be compared with = or !=",
                    );
                } else if reference.is_some() && (m.shape.kind == Kind::Str) != str_ref {
                    cx.err(
                        format!("{mpath}[{i}]"),
                        format!("{} cannot be compared with the referenceValue", m.shape),
                    );
                }
            }
            let party = party(cx, obj, path, false);
            Some(RuleKind::Comparison {
                measurements,
                reference,
                op,
                party,
            })
        }
        _ => {
            let op = match cx.string(obj, "operation", path) {
                Some("intersection") => CollectionOp::Intersection,
                Some("contains") => CollectionOp::Contains,
                Some("reference_intersection_count") => CollectionOp::ReferenceIntersectionCount,
                other => {
                    if let Some(s) = other {
                        cx.err(
                            format!("{path}.operation"),
                            format!("must be intersection, contains or reference_intersection_count; got \"{s}\""),
                        );
                    } else if obj.get("operation").is_none() {
                        cx.err(format!("{path}.operation"), "is required");
                    }
                    CollectionOp::Intersection
                }
            };
            for (i, m) in measurements.iter().enumerate() {
                if m.shape.kind != Kind::Str || m.shape.depth == 0 {
                    cx.err(
                        format!("{mpath}[{i}]"),
                        format!(
                            "collection measurements must be lists of strings, got {}",
                            m.shape
                        ),
                    );
                }
            }
            match op {
                CollectionOp::Contains => match (&reference, ref_shape) {
                    (None, _) => cx.err(&rpath, "is required for operation contains"),
                    (Some(Reference::Str(_)), _) => {}
                    (_, Some(s)) if s.depth == 0 && s.kind == Kind::Str => {}
                    _ => cx.err(&rpath, "must be a single string for operation contains"),
                },
                CollectionOp::ReferenceIntersectionCount => match (&reference, ref_shape) {
                    (None, _) => cx.err(
                        &rpath,
                        "is required for operation reference_intersection_count",
                    ),
                    (Some(Reference::StrList(_) | Reference::Str(_)), _) => {}
                    (_, Some(s)) if s.depth == 1 && s.kind == Kind::Str => {}
                    _ => cx.err(
                        &rpath,
                        "must be a list of strings for operation reference_intersection_count",
                    ),
                },
                CollectionOp::Intersection => {}
            }
            let max = cx.number(obj, "maxCount", path);
            let min = cx.number(obj, "minCount", path);
            let party = party(cx, obj, path, true);
            let (max_count, min_count) = (
                cx.slot(max.unwrap_or(f64::NAN)),
                cx.slot(min.unwrap_or(f64::NAN)),
            );
            Some(RuleKind::Collection {
                measurements,
                reference,
                op,
                max_count,
                min_count,
                party,
            })
        }
    }
}

fn parse_latency(cx: &mut Ctx, obj: &Map<String, Value>, path: &str) -> Option<RuleKind> {
    cx.unknown_keys(
        obj,
        &[
            &COMMON[..],
            &[
                "maxLatency",
                "maxDistance",
                "distanceReference",
                "partyAggregation",
            ],
        ]
        .concat(),
        path,
    );
    let max_latency = cx.number(obj, "maxLatency", path);
    let max_distance = cx.number(obj, "maxDistance", path);
    if max_latency.is_none() && max_distance.is_none() && obj.get("maxLatency").is_none() {
        cx.err(format!("{path}.maxLatency"), "is required");
    }
    let distance_reference = match cx.string(obj, "distanceReference", path) {
        None | Some("min") => DistanceReference::Min,
        Some("avg") => DistanceReference::Avg,
        Some(s) => {
            cx.err(
                format!("{path}.distanceReference"),
                format!("must be \"min\" or \"avg\", got \"{s}\""),
            );
            DistanceReference::Min
        }
    };
    let party = party(cx, obj, path, false);
    let (max_latency, max_distance) = (
        cx.slot(max_latency.unwrap_or(f64::NAN)),
        cx.slot(max_distance.unwrap_or(f64::NAN)),
    );
    Some(RuleKind::Latency {
        max_latency,
        max_distance,
        distance_reference,
        party,
    })
}

fn parse_sort(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    names: &Names<'_>,
    ty: &str,
) -> Option<RuleKind> {
    cx.unknown_keys(
        obj,
        &[
            &COMMON[..],
            &[
                "sortDirection",
                "sortAttribute",
                "mapKey",
                "partyAggregation",
            ],
        ]
        .concat(),
        path,
    );
    let direction = match cx.string(obj, "sortDirection", path) {
        None | Some("ascending") => SortDirection::Ascending,
        Some("descending") => SortDirection::Descending,
        Some(s) => {
            cx.err(
                format!("{path}.sortDirection"),
                format!("must be \"ascending\" or \"descending\", got \"{s}\""),
            );
            SortDirection::Ascending
        }
    };
    let map_key = match cx.string(obj, "mapKey", path) {
        None | Some("maxValue") => MapKey::MaxValue,
        Some("minValue") => MapKey::MinValue,
        Some(s) => {
            cx.err(
                format!("{path}.mapKey"),
                format!("must be \"minValue\" or \"maxValue\", got \"{s}\""),
            );
            MapKey::MaxValue
        }
    };
    let party = party(cx, obj, path, false);
    let attr = attr_ref(cx, obj, "sortAttribute", path, names)?;
    if !matches!(
        names.attrs[attr].kind,
        AttrType::Number | AttrType::StringNumberMap
    ) {
        cx.err(
            format!("{path}.sortAttribute"),
            "must name a number or string_number_map attribute",
        );
    }
    Some(if ty == "absoluteSort" {
        RuleKind::AbsoluteSort {
            direction,
            attr,
            map_key,
            party,
        }
    } else {
        RuleKind::DistanceSort {
            direction,
            attr,
            map_key,
            party,
        }
    })
}

/// Parses `or(and(A, B), not(C))` over rules defined before rule `me`.
fn parse_statement(text: &str, rules: &[Rule], me: usize) -> Result<Statement, String> {
    let mut pos = 0;
    let st = statement(text, &mut pos, rules, me)?;
    if text[pos..].trim().is_empty() {
        Ok(st)
    } else {
        Err(format!("unexpected text \"{}\"", text[pos..].trim()))
    }
}

fn statement(t: &str, pos: &mut usize, rules: &[Rule], me: usize) -> Result<Statement, String> {
    let rest = &t[*pos..];
    let skip = rest.len() - rest.trim_start().len();
    *pos += skip;
    let start = *pos;
    while let Some(c) = t[*pos..].chars().next() {
        if c == '(' || c == ')' || c == ',' {
            break;
        }
        *pos += c.len_utf8();
    }
    let word = t[start..*pos].trim();
    if t[*pos..].starts_with('(') {
        *pos += 1;
        let mut args = Vec::new();
        loop {
            args.push(statement(t, pos, rules, me)?);
            let rest = &t[*pos..];
            *pos += rest.len() - rest.trim_start().len();
            if t[*pos..].starts_with(',') {
                *pos += 1;
            } else if t[*pos..].starts_with(')') {
                *pos += 1;
                break;
            } else {
                return Err(format!("expected ',' or ')' in \"{t}\""));
            }
        }
        return match word {
            "and" if args.len() >= 2 => Ok(Statement::And(args)),
            "or" if args.len() >= 2 => Ok(Statement::Or(args)),
            "xor" if args.len() >= 2 => Ok(Statement::Xor(args)),
            "not" if args.len() == 1 => Ok(Statement::Not(Box::new(
                args.pop().unwrap_or(Statement::And(vec![])),
            ))),
            "and" | "or" | "xor" => Err(format!("{word} needs at least two arguments")),
            "not" => Err("not takes exactly one argument".into()),
            other => Err(format!(
                "unknown operator \"{other}\" (use and, or, not, xor)"
            )),
        };
    }
    match rules.iter().position(|r| r.name == word) {
        None if word.is_empty() => Err(format!("expected a rule name in \"{t}\"")),
        None => Err(format!("unknown rule \"{word}\"")),
        Some(i) if i >= me => Err(format!(
            "rule \"{word}\" must be defined before the compound rule that uses it"
        )),
        Some(i) if matches!(rules[i].kind, RuleKind::BatchDistance { .. }) => Err(format!(
            "batchDistance rule \"{word}\" cannot be used in a compound rule"
        )),
        Some(i) => Ok(Statement::Rule(i)),
    }
}

fn mark_compound_members(rules: &mut [Rule]) {
    fn walk(s: &Statement, out: &mut Vec<usize>) {
        match s {
            Statement::Rule(i) => out.push(*i),
            Statement::Not(x) => walk(x, out),
            Statement::And(v) | Statement::Or(v) | Statement::Xor(v) => {
                v.iter().for_each(|x| walk(x, out))
            }
        }
    }
    let mut members = Vec::new();
    for r in rules.iter() {
        if let RuleKind::Compound { statement } = &r.kind {
            walk(statement, &mut members);
        }
    }
    for i in members {
        rules[i].in_compound = true;
    }
}

fn parse_expansions(
    cx: &mut Ctx,
    v: Option<&Value>,
    rules: &[Rule],
    defs: &[TeamDef],
    teams: &[Team],
) -> Vec<Expansion> {
    let mut out = Vec::new();
    for (i, e) in array(cx, v, "expansions").iter().enumerate() {
        let path = format!("expansions[{i}]");
        let Some(obj) = e.as_object() else {
            cx.err(path, "must be an object");
            continue;
        };
        cx.unknown_keys(obj, &["target", "steps"], &path);
        let target = cx.string(obj, "target", &path).map(str::to_string);
        if obj.get("target").is_none() {
            cx.err(format!("{path}.target"), "is required");
        }
        let slots = match &target {
            Some(t) => match resolve_target(t, rules, defs, teams) {
                Ok(s) => Some(s),
                Err(m) => {
                    cx.err(format!("{path}.target"), m);
                    None
                }
            },
            None => None,
        };
        let mut steps = Vec::new();
        let list = array(cx, obj.get("steps"), &format!("{path}.steps"));
        if list.is_empty() && obj.get("steps").is_some_and(Value::is_array)
            || obj.get("steps").is_none()
        {
            cx.err(format!("{path}.steps"), "must hold at least one step");
        }
        for (j, s) in list.iter().enumerate() {
            let sp = format!("{path}.steps[{j}]");
            let Some(so) = s.as_object() else {
                cx.err(sp, "must be an object");
                continue;
            };
            cx.unknown_keys(so, &["waitTimeSeconds", "value"], &sp);
            let wait = cx.number(so, "waitTimeSeconds", &sp);
            let value = cx.number(so, "value", &sp);
            for (k, v) in [("waitTimeSeconds", wait), ("value", value)] {
                if v.is_none() && so.get(k).is_none() {
                    cx.err(format!("{sp}.{k}"), "is required");
                }
            }
            match (wait, value) {
                (Some(w), _) if w < 0.0 => {
                    cx.err(format!("{sp}.waitTimeSeconds"), "must not be negative")
                }
                (Some(w), Some(v)) => steps.push(Step {
                    wait_ms: (w * 1000.0).round() as u64,
                    value: v,
                }),
                _ => {}
            }
        }
        if let (Some(target), Some(slots)) = (target, slots) {
            out.push(Expansion {
                target,
                slots,
                steps,
            });
        }
    }
    out
}

/// `rules[Name].property` or `teams[A, B].minPlayers|maxPlayers` → parameter slots.
fn resolve_target(
    t: &str,
    rules: &[Rule],
    defs: &[TeamDef],
    teams: &[Team],
) -> Result<Vec<ParamId>, String> {
    let bad = || {
        format!("target \"{t}\" does not resolve: use rules[<rule>].<property> or teams[<team>].<property>")
    };
    let (head, rest) = t.split_once('[').ok_or_else(bad)?;
    let (names, prop) = rest.split_once(']').ok_or_else(bad)?;
    let prop = prop.strip_prefix('.').ok_or_else(bad)?.trim();
    match head.trim() {
        "rules" => {
            let name = names.trim();
            let rule = rules
                .iter()
                .find(|r| r.name == name)
                .ok_or_else(|| format!("target \"{t}\": unknown rule \"{name}\""))?;
            let slot = match (&rule.kind, prop) {
                (RuleKind::BatchDistance { max_distance, .. }, "maxDistance") => {
                    Some(*max_distance)
                }
                (RuleKind::Distance { max_distance, .. }, "maxDistance") => Some(*max_distance),
                (RuleKind::Distance { min_distance, .. }, "minDistance") => Some(*min_distance),
                (
                    RuleKind::Distance {
                        reference: Some(Reference::Number(s)),
                        ..
                    },
                    "referenceValue",
                ) => Some(*s),
                (
                    RuleKind::Comparison {
                        reference: Some(Reference::Number(s)),
                        ..
                    },
                    "referenceValue",
                ) => Some(*s),
                (RuleKind::Collection { max_count, .. }, "maxCount") => Some(*max_count),
                (RuleKind::Collection { min_count, .. }, "minCount") => Some(*min_count),
                (RuleKind::Latency { max_latency, .. }, "maxLatency") => Some(*max_latency),
                (RuleKind::Latency { max_distance, .. }, "maxDistance") => Some(*max_distance),
                (RuleKind::Compound { .. }, _) => {
                    return Err(format!(
                    "target \"{t}\": compound rules cannot be expanded; expand the rules they use"
                ))
                }
                _ => None,
            };
            slot.map(|s| vec![s]).ok_or_else(|| {
                format!(
                    "target \"{t}\": rule \"{name}\" has no numeric property \"{prop}\" to expand"
                )
            })
        }
        "teams" | "team" => {
            let mut slots = Vec::new();
            for n in names.split(',').map(str::trim) {
                let def = defs
                    .iter()
                    .position(|d| d.name == n)
                    .or_else(|| teams.iter().find(|x| x.name == n).map(|x| x.def))
                    .ok_or_else(|| format!("target \"{t}\": unknown team \"{n}\""))?;
                slots.push(match prop {
                    "minPlayers" => defs[def].min_players,
                    "maxPlayers" => defs[def].max_players,
                    _ => {
                        return Err(format!(
                        "target \"{t}\": teams can expand minPlayers or maxPlayers, not \"{prop}\""
                    ))
                    }
                });
            }
            Ok(slots)
        }
        _ => Err(bad()),
    }
}
