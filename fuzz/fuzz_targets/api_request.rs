//! The service API pipeline on a request body for one of the daemon's operations:
//! awsJson1_1 or rpcv2Cbor decoding, validation against the model, the typed input and the
//! handler, over a fresh daemon state. The body is either the fuzzer's bytes as they are, or
//! a value tree (keys mostly the model's member names, strings mostly its enum values and
//! ids the state knows) encoded as JSON or CBOR, with CBOR's odd corners (floats of every
//! width, NaN, tags, byte strings, indefinite lengths, undefined).
//!
//! Any answer is fine except a 500: an internal error means the handler or the pipeline
//! failed on input, which the daemon must reject with a 4xx instead.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use minicbor::Encoder;
use playfield::fuzzing::Api;
use serde_json::Value;

struct Ctx {
    operations: Vec<&'static str>,
    vocab: common::Vocab,
}

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let model: Value =
            serde_json::from_str(include_str!("../../emulator/src/api/model/gamelift-service-2.json"))
                .expect("the service model is JSON");
        let mut keys = Vec::new();
        let mut strings = vec![
            "fleet-1a2b".to_string(),
            "p1".to_string(),
            "arn:aws:gamelift:us-east-1:123456789012:fleet/fleet-1a2b".to_string(),
            "{\"ruleLanguageVersion\":\"1.0\",\"teams\":[{\"name\":\"a\",\"minPlayers\":1,\"maxPlayers\":1}]}".to_string(),
            "2026-01-01T00:00:00Z".to_string(),
        ];
        if let Some(shapes) = model["shapes"].as_object() {
            for shape in shapes.values() {
                if let Some(members) = shape["members"].as_object() {
                    keys.extend(members.keys().cloned());
                }
                if let Some(values) = shape["enum"].as_array() {
                    strings.extend(values.iter().filter_map(|v| v.as_str().map(String::from)));
                }
            }
        }
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let string_refs: Vec<&str> = strings.iter().map(String::as_str).collect();
        Ctx {
            operations: Api::operations(),
            vocab: common::Vocab::from_docs(&[], &key_refs, &string_refs),
        }
    })
}

fn cbor_value(u: &mut Unstructured, e: &mut Encoder<Vec<u8>>, v: &Value) -> Result<()> {
    // Odd corners, now and then, in place of or around the value.
    match u.int_in_range(0..=40u8)? {
        0 => {
            let _ = e.tag(minicbor::data::Tag::new(u.arbitrary()?));
        }
        1 => {
            let _ = e.undefined();
            return Ok(());
        }
        2 => {
            let b: Vec<u8> = u.arbitrary()?;
            let _ = e.bytes(&b);
            return Ok(());
        }
        3 => {
            let _ = e.f64(f64::NAN);
            return Ok(());
        }
        4 => {
            let _ = e.f16(u.arbitrary()?);
            return Ok(());
        }
        5 => {
            let _ = e.simple(u.arbitrary()?);
            return Ok(());
        }
        _ => {}
    }
    let indefinite = u.ratio(1u8, 10)?;
    let _ = match v {
        Value::Null => e.null().map(drop),
        Value::Bool(b) => e.bool(*b).map(drop),
        Value::Number(n) => {
            if let Some(i) = n.as_u64() {
                e.u64(i).map(drop)
            } else if let Some(i) = n.as_i64() {
                e.i64(i).map(drop)
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if u.arbitrary()? {
                    e.f32(f as f32).map(drop)
                } else {
                    e.f64(f).map(drop)
                }
            }
        }
        Value::String(s) => {
            if indefinite {
                let _ = e.begin_str();
                let mid = s
                    .char_indices()
                    .nth(s.chars().count() / 2)
                    .map_or(0, |(i, _)| i);
                let _ = e.str(&s[..mid]);
                let _ = e.str(&s[mid..]);
                e.end().map(drop)
            } else {
                e.str(s).map(drop)
            }
        }
        Value::Array(a) => {
            if indefinite {
                let _ = e.begin_array();
            } else {
                let _ = e.array(a.len() as u64);
            }
            for x in a {
                cbor_value(u, e, x)?;
            }
            if indefinite {
                e.end().map(drop)
            } else {
                Ok(())
            }
        }
        Value::Object(o) => {
            if indefinite {
                let _ = e.begin_map();
            } else {
                let _ = e.map(o.len() as u64);
            }
            for (k, x) in o {
                let _ = e.str(k);
                cbor_value(u, e, x)?;
            }
            if indefinite {
                e.end().map(drop)
            } else {
                Ok(())
            }
        }
    };
    Ok(())
}

fn request(data: &[u8]) -> Result<(bool, &'static str, Vec<u8>)> {
    let ctx = ctx();
    let mut u = Unstructured::new(data);
    let cbor: bool = u.arbitrary()?;
    let op = *u.choose(&ctx.operations)?;
    let body = if u.ratio(1u8, 4)? {
        u.bytes(u.len())?.to_vec()
    } else {
        let mut value = common::value(&mut u, &ctx.vocab, 4)?;
        if !value.is_object() && u.ratio(7u8, 8)? {
            let mut m = serde_json::Map::new();
            m.insert(common::key(&mut u, &ctx.vocab)?, value);
            value = Value::Object(m);
        }
        if cbor {
            let mut e = Encoder::new(Vec::new());
            cbor_value(&mut u, &mut e, &value)?;
            e.into_writer()
        } else {
            value.to_string().into_bytes()
        }
    };
    Ok((cbor, op, body))
}

fuzz_target!(|data: &[u8]| {
    let Ok((cbor, op, body)) = request(data) else {
        return;
    };
    let api = Api::new();
    let (status, answer) = api.call(cbor, op, &body);
    assert!(
        status != 500,
        "{op} ({}) answered 500: {}",
        if cbor { "rpcv2Cbor" } else { "awsJson1_1" },
        String::from_utf8_lossy(&answer)
    );
});
