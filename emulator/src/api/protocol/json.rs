//! awsJson1_1: the protocol boto3 and the AWS CLI speak.
//!
//! Request: `POST /`, `X-Amz-Target: GameLift.<Op>`, body a JSON object of
//! input members. The JSON tree *is* the neutral value tree, so decoding is
//! parsing plus a check that the top level is an object; the model-aware work
//! (types, timestamps, integers given for doubles) happens in `validate`.
//!
//! Response: the output serialised through the model (`ModelView`), so only
//! modeled members are written, `null`s are dropped and integer members are
//! integers even when the handler produced `5.0`.

use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::api::error::ApiError;
use crate::api::model::{ServiceModel, ShapeId, ShapeKind};

/// Content type of requests and responses.
pub(crate) const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Parse a request body. An empty body counts as `{}` (lenient: botocore
/// always sends `{}`, other clients may not).
pub fn decode(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    // serde_json rejects trailing characters and nests at most 128 levels deep,
    // so hostile input cannot exhaust the stack.
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid_request(format!("Malformed JSON request body: {e}")))?;
    match value {
        Value::Object(_) => Ok(value),
        other => Err(ApiError::invalid_request(format!(
            "Malformed JSON request body: expected a JSON object at the top level, got {}",
            kind_of(&other)
        ))),
    }
}

/// Serialise an operation's output. `shape` is `None` for operations without
/// an output shape; they answer `{}` as the service documents.
pub(crate) fn encode(
    model: &ServiceModel,
    shape: Option<ShapeId>,
    value: &Value,
) -> Result<Vec<u8>, String> {
    match shape {
        None => Ok(b"{}".to_vec()),
        Some(shape) => serde_json::to_vec(&ModelView {
            model,
            shape,
            value,
        })
        .map_err(|e| e.to_string()),
    }
}

/// Serialise an error: `{"__type": "...", "message": "..."}`.
pub(crate) fn encode_error(err: &ApiError) -> Vec<u8> {
    let body = serde_json::json!({ "__type": err.code.name(), "message": err.message });
    // Serialising a map of two strings cannot fail.
    serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec())
}

/// A value seen through a model shape: serialising it writes what the model
/// allows, in the model's member order.
pub(crate) struct ModelView<'a> {
    pub(crate) model: &'a ServiceModel,
    pub(crate) shape: ShapeId,
    pub(crate) value: &'a Value,
}

impl Serialize for ModelView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let shape = self.model.shape(self.shape);
        let view = |shape, value| ModelView {
            model: self.model,
            shape,
            value,
        };
        match (&shape.kind, self.value) {
            (ShapeKind::Structure { members }, Value::Object(map)) => {
                let mut out = s.serialize_map(None)?;
                for m in members {
                    match map.get(&m.name) {
                        None | Some(Value::Null) => {}
                        Some(v) => out.serialize_entry(&m.name, &view(m.target, v))?,
                    }
                }
                out.end()
            }
            (ShapeKind::List { member, .. }, Value::Array(items)) => {
                let mut out = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&view(*member, item))?;
                }
                out.end()
            }
            (ShapeKind::Map { value, .. }, Value::Object(map)) => {
                let mut out = s.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    if !v.is_null() {
                        out.serialize_entry(k, &view(*value, v))?;
                    }
                }
                out.end()
            }
            (ShapeKind::Integer { .. } | ShapeKind::Long { .. }, Value::Number(n)) => {
                match integer_of(n) {
                    Some(i) => s.serialize_i64(i),
                    None => Err(S::Error::custom(format!(
                        "{}: {n} is not an integer",
                        shape.name
                    ))),
                }
            }
            // A 32-bit member is written with the shortest f32 spelling
            // (`0.1`, not the widened `0.10000000149011612`).
            (ShapeKind::Float { .. }, Value::Number(n)) => match n.as_f64() {
                Some(f) => s.serialize_f32(f as f32),
                None => Err(S::Error::custom(format!(
                    "{}: {n} is not a number",
                    shape.name
                ))),
            },
            (ShapeKind::Double { .. } | ShapeKind::Timestamp, Value::Number(n)) => match n.as_f64()
            {
                Some(f) => s.serialize_f64(f),
                None => Err(S::Error::custom(format!(
                    "{}: {n} is not a number",
                    shape.name
                ))),
            },
            (ShapeKind::String { .. } | ShapeKind::Blob { .. }, Value::String(text)) => {
                s.serialize_str(text)
            }
            (ShapeKind::Boolean, Value::Bool(b)) => s.serialize_bool(*b),
            (_, other) => Err(S::Error::custom(format!(
                "output shape {} cannot hold {}",
                shape.name,
                kind_of(other)
            ))),
        }
    }
}

/// An integer from a JSON number, accepting integral floats (`5.0`).
pub(crate) fn integer_of(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // `i64::MAX as f64` rounds up to 2^63, so the upper bound is exclusive.
    (f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

/// Short description of a JSON value's type, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> &'static ServiceModel {
        ServiceModel::gamelift()
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        assert_eq!(decode(b"").unwrap(), json!({}));
        assert_eq!(decode(b" \n").unwrap(), json!({}));
    }

    #[test]
    fn malformed_bodies_are_invalid_requests() {
        for body in [
            &b"{"[..],
            b"[1]",
            b"\"x\"",
            b"{} {}",
            b"{\"a\":1}x",
            b"\xff",
        ] {
            let err = decode(body).unwrap_err();
            assert_eq!(err.code.name(), "InvalidRequestException", "{body:?}");
            assert!(
                err.message.starts_with("Malformed JSON request body"),
                "{}",
                err.message
            );
        }
        let deep = "[".repeat(10_000);
        assert!(decode(format!("{{\"a\":{deep}").as_bytes()).is_err());
    }

    #[test]
    fn output_follows_the_model() {
        let shape = model().shape_id("GameSession").unwrap();
        let value = json!({
            "GameSessionId": "gs-1",
            "CreationTime": 1700000000.5,
            "CurrentPlayerSessionCount": 3.0,
            "Name": null,
            "NotInModel": "dropped",
            "GameProperties": [{"Key": "k", "Value": "v"}],
        });
        let out: Value =
            serde_json::from_slice(&encode(model(), Some(shape), &value).unwrap()).unwrap();
        assert_eq!(
            out,
            json!({
                "GameSessionId": "gs-1",
                "CreationTime": 1700000000.5,
                "CurrentPlayerSessionCount": 3,
                "GameProperties": [{"Key": "k", "Value": "v"}],
            })
        );
    }

    #[test]
    fn float_members_use_the_shortest_f32_spelling() {
        let shape = model().shape_id("PlayerLatency").unwrap();
        let widened = serde_json::to_value(0.1f32).unwrap();
        let out = encode(
            model(),
            Some(shape),
            &json!({"LatencyInMilliseconds": widened}),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"LatencyInMilliseconds":0.1}"#
        );
    }

    #[test]
    fn output_type_mismatch_is_an_encoding_error() {
        let shape = model().shape_id("GameSession").unwrap();
        let err = encode(
            model(),
            Some(shape),
            &json!({"CurrentPlayerSessionCount": "3"}),
        )
        .unwrap_err();
        assert!(err.contains("cannot hold a string"), "{err}");
        let err = encode(
            model(),
            Some(shape),
            &json!({"CurrentPlayerSessionCount": 1.5}),
        )
        .unwrap_err();
        assert!(err.contains("not an integer"), "{err}");
    }

    #[test]
    fn no_output_shape_gives_braces_and_errors_have_type_and_message() {
        assert_eq!(encode(model(), None, &Value::Null).unwrap(), b"{}");
        let body = encode_error(&ApiError::invalid_request("bad"));
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap(),
            json!({"__type": "InvalidRequestException", "message": "bad"})
        );
    }
}
