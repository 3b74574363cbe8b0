//! Validating the `rules` array: one parser per rule type family, shared
//! helpers for names, expressions and reference values.

use super::compound::parse_statement;
use super::measuring::{parse_latency, parse_measuring, parse_sort};
use super::parse::{array, kind_of, Ctx};
use super::*;
use crate::expr::{self, Names};
use crate::suggest::did_you_mean;
use serde_json::{Map, Value};

pub(super) const COMMON: [&str; 3] = ["name", "type", "description"];

/// Every rule `type` (guide 002 lines 2850-3081).
const RULE_TYPES: [&str; 8] = [
    "batchDistance",
    "comparison",
    "distance",
    "collection",
    "compound",
    "latency",
    "absoluteSort",
    "distanceSort",
];

pub(super) fn parse_rules(
    cx: &mut Ctx,
    v: Option<&Value>,
    names: &Names<'_>,
    large: bool,
) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut pending_compound: Vec<(usize, String, String)> = Vec::new();
    for (i, r) in array(cx, v, "rules").iter().enumerate() {
        let path = format!("rules[{i}]");
        let Some(obj) = r.as_object() else {
            cx.err(path, "must be an object");
            continue;
        };
        let name = rule_name(cx, obj, &path, i);
        if rules.iter().any(|r| *r.name == *name) {
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
            cx.broken_rules.push(name);
            continue;
        };
        if large && !matches!(ty, "latency" | "batchDistance") {
            cx.err(
                format!("{path}.type"),
                format!("rule type \"{ty}\" is not available in a large-match rule set (more than 40 players): use latency or batchDistance"),
            );
            cx.broken_rules.push(name);
            continue;
        }
        let kind = match ty {
            "batchDistance" => parse_batch_distance(cx, obj, &path, names),
            "comparison" | "distance" | "collection" => parse_measuring(cx, obj, &path, names, ty),
            "latency" => parse_latency(cx, obj, &path),
            "absoluteSort" | "distanceSort" => parse_sort(cx, obj, &path, names, ty),
            "compound" => parse_compound(cx, obj, &path, rules.len(), &mut pending_compound),
            other => {
                let hint = did_you_mean(other, RULE_TYPES);
                cx.err(
                    format!("{path}.type"),
                    format!("unknown rule type \"{other}\"{hint}"),
                );
                None
            }
        };
        match kind {
            Some(kind) => rules.push(Rule {
                name: name.into(),
                description,
                kind,
                in_compound: false,
            }),
            None => cx.broken_rules.push(name),
        }
    }
    for (idx, text, path) in pending_compound {
        match parse_statement(&text, &rules, idx, &cx.broken_rules) {
            Ok(st) => rules[idx].kind = RuleKind::Compound { statement: st },
            Err(e) => cx.err(format!("{path}.statement"), e),
        }
    }
    rules
}

/// A rule's `name`, required and unique; a missing one is reported and
/// replaced by `#index` so later errors can still point at the rule.
fn rule_name(cx: &mut Ctx, obj: &Map<String, Value>, path: &str, i: usize) -> String {
    match cx.string(obj, "name", path) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => {
            if obj.get("name").is_none() {
                cx.err(format!("{path}.name"), "is required");
            }
            format!("#{i}")
        }
    }
}

/// A compound rule, with a placeholder statement: the statement names other
/// rules, so its text is queued in `pending` (with the rule's index and path)
/// and parsed once every rule is known.
fn parse_compound(
    cx: &mut Ctx,
    obj: &Map<String, Value>,
    path: &str,
    index: usize,
    pending: &mut Vec<(usize, String, String)>,
) -> Option<RuleKind> {
    cx.unknown_keys(obj, &[&COMMON[..], &["statement"]].concat(), path);
    match cx.string(obj, "statement", path) {
        Some(s) => pending.push((index, s.to_string(), path.to_string())),
        None if obj.get("statement").is_none() => {
            cx.err(format!("{path}.statement"), "is required")
        }
        None => {}
    }
    Some(RuleKind::Compound {
        statement: Statement::And(Vec::new()),
    })
}

pub(super) fn party(cx: &mut Ctx, obj: &Map<String, Value>, path: &str, lists: bool) -> PartyAgg {
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

pub(super) fn attr_ref(
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
        let hint = did_you_mean(n, names.attrs.iter().map(|a| a.name.as_str()));
        cx.err(
            format!("{path}.{key}"),
            format!("unknown attribute \"{n}\"{hint}"),
        );
    }
    found
}

pub(super) fn parse_batch_distance(
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
    let party = party(cx, obj, path, false);
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
    let max_distance = cx.bound_slot(max);
    Some(RuleKind::BatchDistance {
        attr,
        max_distance,
        party,
    })
}

pub(super) fn parse_exprs(
    cx: &mut Ctx,
    v: Option<&Value>,
    path: &str,
    names: &Names<'_>,
) -> Vec<expr::Expr> {
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

pub(super) fn parse_reference(
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

pub(super) fn looks_like_expression(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("teams[") || t.starts_with("team[") || (t.contains('(') && t.contains("teams"))
}
