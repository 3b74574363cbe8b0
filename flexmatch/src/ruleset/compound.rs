//! Compound statements: `or(and(A, B), not(C))` over rules defined earlier
//! (guide line ~2998), never over `batchDistance` rules.

use super::*;
use crate::suggest::did_you_mean;

/// Parses `or(and(A, B), not(C))` over rules defined before rule `me`. A name in `broken`
/// (a rule reported invalid where it is defined, so absent from `rules`) is not an error
/// again: it stands for an empty statement, never used since the rule set is already invalid.
pub(super) fn parse_statement(
    text: &str,
    rules: &[Rule],
    me: usize,
    broken: &[String],
) -> Result<Statement, String> {
    let mut pos = 0;
    let st = statement(text, &mut pos, rules, me, broken)?;
    if text[pos..].trim().is_empty() {
        Ok(st)
    } else {
        Err(format!("unexpected text \"{}\"", text[pos..].trim()))
    }
}

pub(super) fn statement(
    t: &str,
    pos: &mut usize,
    rules: &[Rule],
    me: usize,
    broken: &[String],
) -> Result<Statement, String> {
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
            args.push(statement(t, pos, rules, me, broken)?);
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
    match rules.iter().position(|r| *r.name == *word) {
        None if word.is_empty() => Err(format!("expected a rule name in \"{t}\"")),
        None if broken.iter().any(|b| b == word) => Ok(Statement::And(Vec::new())),
        None => Err(format!(
            "unknown rule \"{word}\"{}",
            did_you_mean(word, rules.iter().map(|r| &*r.name))
        )),
        Some(i) if i >= me => Err(format!(
            "rule \"{word}\" must be defined before the compound rule that uses it"
        )),
        Some(i) if matches!(rules[i].kind, RuleKind::BatchDistance { .. }) => Err(format!(
            "batchDistance rule \"{word}\" cannot be used in a compound rule"
        )),
        Some(i) => Ok(Statement::Rule(i)),
    }
}

pub(super) fn mark_compound_members(rules: &mut [Rule]) {
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
