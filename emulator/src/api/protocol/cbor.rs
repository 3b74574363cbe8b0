//! rpcv2Cbor: the protocol the AWS SDK for Rust speaks (and the only one it can).
//!
//! Decoding is lenient and model-agnostic: any well-formed CBOR map becomes a
//! neutral tree (definite or indefinite maps, arrays and strings; half, single
//! and double floats; tag 1 timestamps become plain epoch-second numbers; byte
//! strings become base64 text like in awsJson1_1). Types are then checked by
//! `validate`, which also tolerates an integer where a double is modeled.
//!
//! Encoding is strict and model-driven, because the Rust client's decoder is:
//! a `double` member must be a CBOR float (we write `0xFB`), a `float` member is
//! written as single precision (`0xFA`), `integer`/`long` must be CBOR ints,
//! timestamps are tag 1 + double. Generic CBOR writers pick the smallest
//! representation instead (10.0 becomes a half float, or even the integer 10,
//! which the client rejects); writing exactly what the model says keeps every
//! value decodable and matches what the real service sends.
//!
//! minicbor does the byte-level work; this file only decides what to write.

use base64::Engine;
use minicbor::data::{Tag, Type};
use minicbor::{Decoder, Encoder};
use serde_json::{Map, Number, Value};

use super::json::{integer_of, kind_of};
use crate::api::error::ApiError;
use crate::api::model::{ServiceModel, ShapeId, ShapeKind};

/// Content type of requests and responses.
pub(crate) const CONTENT_TYPE: &str = "application/cbor";
/// Value of the `smithy-protocol` header.
pub(crate) const SMITHY_PROTOCOL: &str = "rpc-v2-cbor";

/// Deepest nesting accepted on input. GameLift shapes nest fewer than ten
/// levels; the limit keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;
/// CBOR tag for epoch-based date/time.
const EPOCH_TAG: u64 = 1;

/// Decode a request body into the neutral tree. The body must be exactly one
/// CBOR map (an empty body counts as an empty map, as Smithy allows for
/// inputs without members).
pub fn decode(body: &[u8]) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let fail =
        |what: String| ApiError::invalid_request(format!("Malformed CBOR request body: {what}"));
    let mut d = Decoder::new(body);
    let value = read(&mut d, 0).map_err(fail)?;
    if d.position() != body.len() {
        return Err(fail(format!(
            "{} trailing byte(s) after the top-level value at offset {}",
            body.len() - d.position(),
            d.position()
        )));
    }
    match value {
        Value::Object(_) => Ok(value),
        other => Err(fail(format!(
            "expected a map at the top level, got {}",
            kind_of(&other)
        ))),
    }
}

fn read(d: &mut Decoder<'_>, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
    }
    let at = d.position();
    let err = |e: minicbor::decode::Error| e.to_string();
    let ty = d.datatype().map_err(err)?;
    Ok(match ty {
        Type::Bool => Value::Bool(d.bool().map_err(err)?),
        Type::Null => {
            d.null().map_err(err)?;
            Value::Null
        }
        Type::Undefined => {
            d.undefined().map_err(err)?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64().map_err(err)?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
            let i = d.int().map_err(err)?;
            let i = i64::try_from(i)
                .map_err(|_| format!("integer at offset {at} is out of the 64-bit range"))?;
            Value::from(i)
        }
        Type::F16 | Type::F32 | Type::F64 => {
            let f = d.f64().map_err(err)?;
            Value::Number(
                Number::from_f64(f).ok_or_else(|| format!("non-finite float at offset {at}"))?,
            )
        }
        Type::Bytes | Type::BytesIndef => {
            let mut bytes = Vec::new();
            for chunk in d.bytes_iter().map_err(err)? {
                bytes.extend_from_slice(chunk.map_err(err)?);
            }
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Type::String | Type::StringIndef => Value::String(read_text(d)?),
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(err)?;
            let mut items = Vec::with_capacity(capacity(len, d));
            match len {
                Some(n) => {
                    for _ in 0..n {
                        items.push(read(d, depth + 1)?);
                    }
                }
                None => {
                    while !at_break(d)? {
                        items.push(read(d, depth + 1)?);
                    }
                }
            }
            Value::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(err)?;
            let mut map = Map::new();
            let mut entry = |d: &mut Decoder<'_>| -> Result<(), String> {
                let key_at = d.position();
                let key = match d.datatype().map_err(err)? {
                    Type::String | Type::StringIndef => read_text(d)?,
                    other => {
                        return Err(format!(
                            "map key at offset {key_at} is {other}, expected a text string"
                        ))
                    }
                };
                let value = read(d, depth + 1)?;
                map.insert(key, value);
                Ok(())
            };
            match len {
                Some(n) => {
                    for _ in 0..n {
                        entry(d)?;
                    }
                }
                None => {
                    while !at_break(d)? {
                        entry(d)?;
                    }
                }
            }
            Value::Object(map)
        }
        Type::Tag => {
            let tag = d.tag().map_err(err)?;
            let inner = read(d, depth + 1)?;
            if tag.as_u64() == EPOCH_TAG && !inner.is_number() {
                return Err(format!(
                    "tag 1 (epoch time) at offset {at} wraps {}, expected a number",
                    kind_of(&inner)
                ));
            }
            // Tag 1 becomes its number; other tags are not used by the
            // protocol and are looked through rather than refused.
            inner
        }
        Type::Break => return Err(format!("unexpected break byte at offset {at}")),
        other => return Err(format!("unsupported CBOR item ({other}) at offset {at}")),
    })
}

/// Read a definite or chunked text string.
fn read_text(d: &mut Decoder<'_>) -> Result<String, String> {
    let mut text = String::new();
    for chunk in d.str_iter().map_err(|e| e.to_string())? {
        text.push_str(chunk.map_err(|e| e.to_string())?);
    }
    Ok(text)
}

/// At the end of an indefinite container? Consumes the break byte if so.
fn at_break(d: &mut Decoder<'_>) -> Result<bool, String> {
    if d.datatype().map_err(|e| e.to_string())? == Type::Break {
        d.set_position(d.position() + 1);
        Ok(true)
    } else {
        Ok(false)
    }
}

/// Pre-allocation bounded by the bytes left: a header may claim 2^64 items.
fn capacity(len: Option<u64>, d: &Decoder<'_>) -> usize {
    let left = d.input().len().saturating_sub(d.position());
    len.map_or(0, |n| n.min(left as u64) as usize)
}

/// Encode an operation's output. `None` (no output shape) gives an empty map.
pub(crate) fn encode(
    model: &ServiceModel,
    shape: Option<ShapeId>,
    value: &Value,
) -> Result<Vec<u8>, String> {
    let mut e = Encoder::new(Vec::new());
    match shape {
        None => {
            e.map(0).map_err(|e| e.to_string())?;
        }
        Some(shape) => write(model, shape, value, &mut e)?,
    }
    Ok(e.into_writer())
}

/// Encode an error: a map with `__type`, `message` and `Message` (the Rust
/// client's generic parser reads `message`; the modeled error struct reads
/// `Message`).
pub(crate) fn encode_error(err: &ApiError) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = e
        .map(3)
        .and_then(|e| e.str("__type"))
        .and_then(|e| e.str(err.code.name()))
        .and_then(|e| e.str("message"))
        .and_then(|e| e.str(&err.message))
        .and_then(|e| e.str("Message"))
        .and_then(|e| e.str(&err.message));
    e.into_writer()
}

type Enc = Encoder<Vec<u8>>;

fn write(
    model: &ServiceModel,
    shape_id: ShapeId,
    value: &Value,
    e: &mut Enc,
) -> Result<(), String> {
    let shape = model.shape(shape_id);
    let io = |err: minicbor::encode::Error<std::convert::Infallible>| err.to_string();
    match (&shape.kind, value) {
        (ShapeKind::Structure { members }, Value::Object(map)) => {
            let present = |name: &str| map.get(name).filter(|v| !v.is_null());
            let count = members
                .iter()
                .filter(|m| present(&m.name).is_some())
                .count();
            e.map(count as u64).map_err(io)?;
            for m in members {
                if let Some(v) = present(&m.name) {
                    e.str(&m.name).map_err(io)?;
                    write(model, m.target, v, e)?;
                }
            }
        }
        (ShapeKind::List { member, .. }, Value::Array(items)) => {
            e.array(items.len() as u64).map_err(io)?;
            for item in items {
                write(model, *member, item, e)?;
            }
        }
        (ShapeKind::Map { value: vshape, .. }, Value::Object(map)) => {
            let count = map.values().filter(|v| !v.is_null()).count();
            e.map(count as u64).map_err(io)?;
            for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                e.str(k).map_err(io)?;
                write(model, *vshape, v, e)?;
            }
        }
        (ShapeKind::Integer { .. } | ShapeKind::Long { .. }, Value::Number(n)) => {
            let i =
                integer_of(n).ok_or_else(|| format!("{}: {n} is not an integer", shape.name))?;
            e.i64(i).map_err(io)?;
        }
        (ShapeKind::Double { .. }, Value::Number(n)) => {
            e.f64(number(n, &shape.name)?).map_err(io)?;
        }
        (ShapeKind::Float { .. }, Value::Number(n)) => {
            e.f32(number(n, &shape.name)? as f32).map_err(io)?;
        }
        (ShapeKind::Timestamp, Value::Number(n)) => {
            e.tag(Tag::new(EPOCH_TAG))
                .map_err(io)?
                .f64(number(n, &shape.name)?)
                .map_err(io)?;
        }
        (ShapeKind::String { .. }, Value::String(text)) => {
            e.str(text).map_err(io)?;
        }
        (ShapeKind::Blob { .. }, Value::String(text)) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .map_err(|err| format!("{}: blob is not base64: {err}", shape.name))?;
            e.bytes(&bytes).map_err(io)?;
        }
        (ShapeKind::Boolean, Value::Bool(b)) => {
            e.bool(*b).map_err(io)?;
        }
        (_, other) => {
            return Err(format!(
                "output shape {} cannot hold {}",
                shape.name,
                kind_of(other)
            ))
        }
    }
    Ok(())
}

fn number(n: &Number, shape: &str) -> Result<f64, String> {
    n.as_f64()
        .ok_or_else(|| format!("{shape}: {n} is not a number"))
}

#[cfg(test)]
mod tests;
