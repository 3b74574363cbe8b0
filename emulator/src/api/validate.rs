//! Input validation against the model, for every operation.
//!
//! The Rust SDK does not check required members or constraints before
//! sending (boto3 does), so the service must: a missing
//! `MaximumPlayerSessionCount` has to come back as InvalidRequestException
//! naming the member, not as a handler crash or a silent default.
//!
//! [`validate_input`] walks the decoded tree alongside the input shape and
//! - checks required members, types, string/list/map/blob lengths, numeric
//!   ranges, enum values and patterns (where the `regex` crate can express
//!   them — see `model::pattern`);
//! - normalises what the protocols legitimately differ on: integral floats
//!   given for integer members become integers, `null` members are dropped,
//!   and members the model does not know are removed (they are ignored, as the
//!   service ignores them), so handlers' serde structs see only modeled data.
//!
//! Integers are accepted for `double`/`float` members (boto3 sends Python ints
//! unchanged) — serde reads them into `f64` fields as they are.
//!
//! [`check_output`] reuses the walk in a lighter mode for what handlers
//! produce (debug builds only, see `router`): required members present, types
//! right, no members the model does not know (usually a misspelt serde name) —
//! but no length/enum/pattern/range checks, since the service itself reports
//! values outside its enums (e.g. compute statuses).
//!
//! Messages follow the real service's wording:
//! `1 validation error detected: Value null at 'maximumPlayerSessionCount'
//! failed to satisfy constraint: Member must not be null`.

use base64::Engine;
use serde_json::Value;

use super::error::ApiError;
use super::model::{Range, ServiceModel, ShapeId, ShapeKind};
use super::protocol::json::{integer_of, kind_of};

/// How many violations are spelled out in one message (all are counted).
const MAX_LISTED: usize = 10;
/// Longest rendering of an offending value in a message.
const MAX_VALUE_CHARS: usize = 100;

/// Validate and normalise `value` (the decoded input) against `shape`.
pub(crate) fn validate_input(
    model: &ServiceModel,
    shape: ShapeId,
    value: &mut Value,
) -> Result<(), ApiError> {
    run(model, shape, value, Mode::Input).map_err(ApiError::invalid_request)
}

/// Check that a handler's output matches the output shape: required members,
/// types, and no unknown members. Returns the violations as one message.
pub(crate) fn check_output(
    model: &ServiceModel,
    shape: ShapeId,
    value: &Value,
) -> Result<(), String> {
    let mut copy = value.clone();
    run(model, shape, &mut copy, Mode::Output)
}

fn run(model: &ServiceModel, shape: ShapeId, value: &mut Value, mode: Mode) -> Result<(), String> {
    let mut v = Validator {
        model,
        mode,
        violations: Vec::new(),
        count: 0,
    };
    v.check(shape, value, "", false);
    if v.count == 0 {
        return Ok(());
    }
    let noun = if v.count == 1 { "error" } else { "errors" };
    Err(format!(
        "{} validation {noun} detected: {}",
        v.count,
        v.violations.join("; ")
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Everything the model says, normalising as we go.
    Input,
    /// Structure and types only; unknown members are reported.
    Output,
}

struct Validator<'m> {
    model: &'m ServiceModel,
    mode: Mode,
    violations: Vec<String>,
    count: usize,
}

impl Validator<'_> {
    fn violation(&mut self, path: &str, value: Option<&Value>, sensitive: bool, constraint: &str) {
        self.count += 1;
        if self.violations.len() >= MAX_LISTED {
            return;
        }
        let shown = match value {
            None | Some(Value::Null) => " null".to_string(),
            Some(_) if sensitive => String::new(),
            Some(v) => format!(" '{}'", render(v)),
        };
        self.violations.push(format!(
            "Value{shown} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    fn check(&mut self, id: ShapeId, value: &mut Value, path: &str, sensitive: bool) {
        let model = self.model;
        let shape = model.shape(id);
        let sensitive = sensitive || shape.sensitive;
        match (&shape.kind, &mut *value) {
            (ShapeKind::Structure { members }, Value::Object(map)) => {
                if self.mode == Mode::Output {
                    let shape_name = &shape.name;
                    for (k, v) in map
                        .iter()
                        .filter(|(k, _)| !members.iter().any(|m| &m.name == *k))
                    {
                        let c = format!("Member is not in the model shape {shape_name}");
                        self.violation(&child_path(path, k), Some(v), true, &c);
                    }
                }
                map.retain(|k, v| !v.is_null() && members.iter().any(|m| &m.name == k));
                for m in members {
                    let child = child_path(path, &m.name);
                    match map.get_mut(&m.name) {
                        Some(v) => self.check(m.target, v, &child, sensitive),
                        None if m.required => {
                            self.violation(&child, None, sensitive, "Member must not be null")
                        }
                        None => {}
                    }
                }
            }
            (ShapeKind::List { member, len }, Value::Array(items)) => {
                self.length(path, items.len(), len, sensitive, || {
                    Value::Array(items.clone())
                });
                for (i, item) in items.iter_mut().enumerate() {
                    let child = format!("{}.{}.member", path, i + 1);
                    if item.is_null() {
                        self.violation(&child, None, sensitive, "Member must not be null");
                    } else {
                        self.check(*member, item, &child, sensitive);
                    }
                }
            }
            (
                ShapeKind::Map {
                    key,
                    value: vshape,
                    len,
                },
                Value::Object(map),
            ) => {
                let n = map.len();
                self.length(path, n, len, sensitive, || Value::Object(map.clone()));
                let (key, vshape) = (*key, *vshape);
                for (k, v) in map.iter_mut() {
                    let child = format!("{path}.{k}");
                    let mut key_value = Value::String(k.clone());
                    self.check(key, &mut key_value, &format!("{child}.key"), sensitive);
                    if v.is_null() {
                        self.violation(&child, None, sensitive, "Member must not be null");
                    } else {
                        self.check(vshape, v, &child, sensitive);
                    }
                }
            }
            (
                ShapeKind::String {
                    len,
                    pattern,
                    enum_values,
                },
                Value::String(text),
            ) => {
                let chars = text.chars().count();
                let shown = Value::String(text.clone());
                self.length(path, chars, len, sensitive, || shown.clone());
                let (enum_values, pattern) = match self.mode {
                    Mode::Input => (enum_values.as_ref(), pattern.as_ref()),
                    Mode::Output => (None, None),
                };
                if let Some(allowed) = enum_values {
                    if !allowed.iter().any(|a| a == text) {
                        let set = format!(
                            "Member must satisfy enum value set: [{}]",
                            allowed.join(", ")
                        );
                        self.violation(path, Some(&shown), sensitive, &set);
                    }
                }
                if let Some(p) = pattern {
                    if !p.accepts(text) {
                        let c = format!(
                            "Member must satisfy regular expression pattern: {}",
                            p.source()
                        );
                        self.violation(path, Some(&shown), sensitive, &c);
                    }
                }
            }
            (ShapeKind::Integer { range } | ShapeKind::Long { range }, Value::Number(n)) => {
                let is_int = matches!(shape.kind, ShapeKind::Integer { .. });
                let (lo, hi) = if is_int {
                    (i32::MIN as i64, i32::MAX as i64)
                } else {
                    (i64::MIN, i64::MAX)
                };
                match integer_of(n).filter(|i| (lo..=hi).contains(i)) {
                    Some(i) => {
                        *value = Value::from(i);
                        self.range(path, i as f64, range, sensitive, value);
                    }
                    None => {
                        let what = if is_int {
                            "a 32-bit integer"
                        } else {
                            "a 64-bit integer"
                        };
                        let shown = value.clone();
                        self.violation(
                            path,
                            Some(&shown),
                            sensitive,
                            &format!("Member must be {what}"),
                        );
                    }
                }
            }
            (ShapeKind::Float { range } | ShapeKind::Double { range }, Value::Number(n)) => {
                if let Some(f) = n.as_f64() {
                    let shown = Value::Number(n.clone());
                    self.range(path, f, range, sensitive, &shown);
                }
            }
            (ShapeKind::Timestamp, Value::Number(_)) | (ShapeKind::Boolean, Value::Bool(_)) => {}
            (ShapeKind::Blob { len }, Value::String(text)) => {
                match base64::engine::general_purpose::STANDARD.decode(text.as_bytes()) {
                    Ok(bytes) => self.length(path, bytes.len(), len, true, || Value::Null),
                    Err(_) => self.violation(
                        path,
                        None,
                        true,
                        "Member must be base64-encoded binary data",
                    ),
                }
            }
            (kind, other) => {
                let want = expected(kind);
                let shown = other.clone();
                let c = format!("Member must be {want}, not {}", kind_of(&shown));
                self.violation(path, Some(&shown), sensitive, &c);
            }
        }
    }

    fn length(
        &mut self,
        path: &str,
        n: usize,
        len: &Range,
        sensitive: bool,
        shown: impl FnOnce() -> Value,
    ) {
        let n = n as f64;
        let c = match (len.min, len.max) {
            (Some(min), _) if n < min => {
                format!("Member must have length greater than or equal to {min}")
            }
            (_, Some(max)) if n > max => {
                format!("Member must have length less than or equal to {max}")
            }
            _ => return,
        };
        self.violation(path, Some(&shown()), sensitive, &c);
    }

    fn range(&mut self, path: &str, x: f64, range: &Range, sensitive: bool, shown: &Value) {
        if self.mode == Mode::Output {
            return;
        }
        let c = match (range.min, range.max) {
            (Some(min), _) if x < min => {
                format!("Member must have value greater than or equal to {min}")
            }
            (_, Some(max)) if x > max => {
                format!("Member must have value less than or equal to {max}")
            }
            _ => return,
        };
        self.violation(path, Some(shown), sensitive, &c);
    }
}

/// The real service writes member paths in lowerCamelCase (`gameProperties.1.member.key`).
fn child_path(parent: &str, member: &str) -> String {
    let mut chars = member.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_lowercase().collect())
        .unwrap_or_default();
    let name = format!("{first}{}", chars.as_str());
    if parent.is_empty() {
        name
    } else {
        format!("{parent}.{name}")
    }
}

fn expected(kind: &ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Structure { .. } | ShapeKind::Map { .. } => "a map",
        ShapeKind::List { .. } => "a list",
        ShapeKind::String { .. } => "a string",
        ShapeKind::Integer { .. } | ShapeKind::Long { .. } => "an integer",
        ShapeKind::Float { .. } | ShapeKind::Double { .. } => "a number",
        ShapeKind::Boolean => "a boolean",
        ShapeKind::Timestamp => "a timestamp (epoch seconds)",
        ShapeKind::Blob { .. } => "base64-encoded binary data",
    }
}

/// A short rendering of a value for messages: strings bare, others as JSON.
fn render(v: &Value) -> String {
    let full = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if full.chars().count() > MAX_VALUE_CHARS {
        let cut: String = full.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}...")
    } else {
        full
    }
}

#[cfg(test)]
mod tests;
