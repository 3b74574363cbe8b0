//! Validating `expansions`: targets that resolve to relaxable parameter slots
//! (`rules[<rule>].<property>`, `teams[<a>, <b>].minPlayers|maxPlayers`) and
//! well-formed steps.

use super::parse::{array, Ctx};
use super::*;
use crate::suggest::did_you_mean;
use serde_json::Value;

pub(super) fn parse_expansions(
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
                // Its rule was reported where it is defined.
                Err(_)
                    if target_rule(t).is_some_and(|r| cx.broken_rules.iter().any(|b| b == r)) =>
                {
                    None
                }
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

/// The rule a `rules[Name].property` target names.
fn target_rule(t: &str) -> Option<&str> {
    let (head, rest) = t.split_once('[')?;
    let (name, _) = rest.split_once(']')?;
    (head.trim() == "rules").then(|| name.trim())
}

/// `rules[Name].property` or `teams[A, B].minPlayers|maxPlayers` → parameter slots.
pub(super) fn resolve_target(
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
            let rule = rules.iter().find(|r| *r.name == *name).ok_or_else(|| {
                let hint = did_you_mean(name, rules.iter().map(|r| &*r.name));
                format!("target \"{t}\": unknown rule \"{name}\"{hint}")
            })?;
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
                    .or_else(|| teams.iter().find(|x| *x.name == *n).map(|x| x.def))
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
