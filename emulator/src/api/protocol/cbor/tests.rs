use super::*;
use serde_json::json;

fn model() -> &'static ServiceModel {
    ServiceModel::gamelift()
}

/// Bytes from a hex string with spaces and `"text"` literals, e.g.
/// `bf 69 "TicketIds" ff`.
fn bytes(spec: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, part) in spec.split('"').enumerate() {
        if i % 2 == 1 {
            out.extend_from_slice(part.as_bytes());
        } else {
            for h in part.split_whitespace() {
                out.push(u8::from_str_radix(h, 16).unwrap());
            }
        }
    }
    out
}

fn shape(name: &str) -> Option<ShapeId> {
    Some(model().shape_id(name).unwrap())
}

#[test]
fn golden_describe_matchmaking_request_from_the_reference() {
    let body = bytes(r#"bf 69 "TicketIds" 81 63 "t-1" ff"#);
    assert_eq!(decode(&body).unwrap(), json!({"TicketIds": ["t-1"]}));
}

#[test]
fn indefinite_arrays_and_chunked_strings_decode() {
    // {_ "TicketIds": [_ (_ "t-" "1")]}
    let body = bytes(r#"bf 69 "TicketIds" 9f 7f 62 "t-" 61 "1" ff ff ff"#);
    assert_eq!(decode(&body).unwrap(), json!({"TicketIds": ["t-1"]}));
}

#[test]
fn tag_one_timestamps_decode_to_epoch_seconds() {
    let float = bytes(r#"a1 61 "T" c1 fb 41 d9 54 fc 40 20 00 00"#);
    assert_eq!(decode(&float).unwrap(), json!({"T": 1700000000.5}));
    let int = bytes(r#"a1 61 "T" c1 1a 65 53 f1 00"#);
    assert_eq!(decode(&int).unwrap(), json!({"T": 1700000000u64}));
    let not_a_number = bytes(r#"a1 61 "T" c1 61 "x""#);
    assert!(decode(&not_a_number).unwrap_err().message.contains("tag 1"));
}

#[test]
fn all_float_widths_and_ints_decode() {
    // half 1.0, single 10.0, double 2.5, negative int -2, integer given for a double
    let body = bytes(
        r#"a5 61 "h" f9 3c 00 61 "s" fa 41 20 00 00 61 "d" fb 40 04 00 00 00 00 00 00 61 "n" 21 61 "N" 0a"#,
    );
    assert_eq!(
        decode(&body).unwrap(),
        json!({"h": 1.0, "s": 10.0, "d": 2.5, "n": -2, "N": 10})
    );
}

#[test]
fn bytes_become_base64_and_null_undefined_become_null() {
    let body = bytes(r#"a3 61 "b" 42 68 69 61 "n" f6 61 "u" f7"#);
    assert_eq!(
        decode(&body).unwrap(),
        json!({"b": "aGk=", "n": null, "u": null})
    );
}

#[test]
fn malformed_bodies_are_refused_with_a_reason() {
    let cases: &[(&str, &str)] = &[
        (r#"a0 00"#, "trailing"),
        (r#"81 00"#, "expected a map"),
        (r#"bf 61 "a""#, "end of input"),
        (r#"a1 01 02"#, "map key"),
        (r#"a1 61 "a" ff"#, "break"),
        (r#"a1 61 "a" f9 7c 00"#, "non-finite"),
        (r#"a1 61 "a" 3b ff ff ff ff ff ff ff ff"#, "64-bit"),
        (r#"a1 61 "a" 9b ff ff ff ff ff ff ff ff"#, "end of input"),
        (r#"a1 61 "a" 62 ff fe"#, "utf"),
        (r#"1c"#, "unsupported"),
    ];
    for (spec, want) in cases {
        let err = decode(&bytes(spec)).unwrap_err();
        assert_eq!(err.code.name(), "InvalidRequestException");
        assert!(
            err.message.to_lowercase().contains(want),
            "{spec}: {:?} lacks {want:?}",
            err.message
        );
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut body = bytes(r#"a1 61 "a""#);
    body.extend(std::iter::repeat_n(0x81, 100_000));
    body.push(0x00);
    assert!(decode(&body).unwrap_err().message.contains("nesting"));
}

#[test]
fn doubles_are_64_bit_floats_even_when_integral() {
    let out = encode(model(), shape("AttributeValue"), &json!({"N": 10})).unwrap();
    assert_eq!(out, bytes(r#"a1 61 "N" fb 40 24 00 00 00 00 00 00"#));
}

#[test]
fn float_members_are_32_bit_floats() {
    let out = encode(
        model(),
        shape("PlayerLatency"),
        &json!({"LatencyInMilliseconds": 10}),
    )
    .unwrap();
    assert_eq!(
        out,
        bytes(r#"a1 75 "LatencyInMilliseconds" fa 41 20 00 00"#)
    );
}

#[test]
fn timestamps_are_tag_one_doubles_and_integers_are_ints() {
    let value = json!({"CreationTime": 1700000000.5, "Port": 7777.0, "Name": null, "Extra": 1});
    let out = encode(model(), shape("GameSession"), &value).unwrap();
    let want = bytes(r#"a2 6c "CreationTime" c1 fb 41 d9 54 fc 40 20 00 00 64 "Port" 19 1e 61"#);
    assert_eq!(out, want);
}

#[test]
fn maps_lists_booleans_and_nested_structures_encode_by_model() {
    let value = json!({"PlayerAttributes": {"skill": {"N": 2.5}}, "PlayerId": "p"});
    let out = encode(model(), shape("Player"), &value).unwrap();
    let want = bytes(
        r#"a2 68 "PlayerId" 61 "p" 70 "PlayerAttributes" a1 65 "skill" a1 61 "N" fb 40 04 00 00 00 00 00 00"#,
    );
    assert_eq!(out, want);
    let out = encode(
        model(),
        shape("ValidateMatchmakingRuleSetOutput"),
        &json!({"Valid": true}),
    )
    .unwrap();
    assert_eq!(out, bytes(r#"a1 65 "Valid" f5"#));
    // Round trip through our own decoder.
    let back = decode(&encode(model(), shape("Player"), &value).unwrap()).unwrap();
    assert_eq!(back, value);
}

#[test]
fn empty_output_is_an_empty_map_and_mismatches_are_errors() {
    assert_eq!(encode(model(), None, &Value::Null).unwrap(), vec![0xa0]);
    assert_eq!(
        encode(model(), shape("AcceptMatchOutput"), &json!({})).unwrap(),
        vec![0xa0]
    );
    let err = encode(model(), shape("GameSession"), &json!({"Port": "x"})).unwrap_err();
    assert!(err.contains("cannot hold a string"), "{err}");
}

#[test]
fn errors_carry_type_and_both_message_spellings() {
    let out = encode_error(&ApiError::new(
        crate::api::error::ErrorCode::NotFound,
        "gone",
    ));
    assert_eq!(
        decode(&out).unwrap(),
        json!({"__type": "NotFoundException", "message": "gone", "Message": "gone"})
    );
}
