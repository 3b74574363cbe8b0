//! The two wire protocols, and how a request says which one it speaks.
//!
//! boto3 and the AWS CLI speak awsJson1_1 (`X-Amz-Target` header); the Rust
//! SDK speaks rpcv2Cbor (operation in the path). Both carry the same
//! operations and shapes, so everything after decoding — validation, the
//! handler, the output — is shared, and each request is answered in the
//! protocol it used. The neutral value tree in between is `serde_json::Value`:
//! timestamps are epoch-second numbers, blobs base64 strings.

use axum::http::{HeaderMap, Method};
use serde_json::Value;

use super::error::ApiError;
use super::model::{ServiceModel, ShapeId};

pub mod cbor;
pub mod json;

/// A wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `POST /` + `X-Amz-Target: GameLift.<Op>`, JSON bodies.
    AwsJson11,
    /// `POST /service/GameLift/operation/<Op>`, CBOR bodies.
    RpcV2Cbor,
}

/// What a request asks for: the protocol and the operation name as sent
/// (not yet checked against the model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The protocol the request speaks.
    pub(crate) protocol: Protocol,
    /// The operation name as sent (`StartMatchmaking`).
    pub(crate) operation: String,
}

impl Protocol {
    /// `Content-Type` of this protocol's responses.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson11 => json::CONTENT_TYPE,
            Protocol::RpcV2Cbor => cbor::CONTENT_TYPE,
        }
    }

    /// Decode a request body into the neutral tree (a map at the top level).
    pub fn decode(self, body: &[u8]) -> Result<Value, ApiError> {
        match self {
            Protocol::AwsJson11 => json::decode(body),
            Protocol::RpcV2Cbor => cbor::decode(body),
        }
    }

    /// Encode an output through its model shape (`None`: no output shape).
    pub(crate) fn encode(
        self,
        model: &ServiceModel,
        shape: Option<ShapeId>,
        value: &Value,
    ) -> Result<Vec<u8>, String> {
        match self {
            Protocol::AwsJson11 => json::encode(model, shape, value),
            Protocol::RpcV2Cbor => cbor::encode(model, shape, value),
        }
    }

    /// Encode an error body.
    pub(crate) fn encode_error(self, err: &ApiError) -> Vec<u8> {
        match self {
            Protocol::AwsJson11 => json::encode_error(err),
            Protocol::RpcV2Cbor => cbor::encode_error(err),
        }
    }
}

/// Work out protocol and operation from method, path and headers.
///
/// The rpcv2Cbor path is checked first: it is unambiguous, and it may follow
/// any prefix the endpoint URL has. Otherwise `X-Amz-Target` decides. On
/// failure the protocol to answer in is returned with the error, so even a
/// refusal comes back in a format the client can parse.
pub(crate) fn identify(
    model: &ServiceModel,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<Target, (Protocol, ApiError)> {
    let cbor_marker = format!("/service/{}/operation/", model.service_name);
    if let Some(at) = path.rfind(&cbor_marker) {
        let fail = |e| (Protocol::RpcV2Cbor, e);
        check_method(method).map_err(fail)?;
        let operation = &path[at + cbor_marker.len()..];
        if operation.is_empty() || operation.contains('/') {
            return Err(fail(ApiError::unknown_operation(format!(
                "request path {path:?} does not end in {cbor_marker}<Operation>"
            ))));
        }
        if let Some(p) = headers.get("smithy-protocol") {
            if p.as_bytes() != cbor::SMITHY_PROTOCOL.as_bytes() {
                return Err(fail(ApiError::invalid_request(format!(
                    "unsupported smithy-protocol header {:?}; only {} is served on this path",
                    String::from_utf8_lossy(p.as_bytes()),
                    cbor::SMITHY_PROTOCOL
                ))));
            }
        }
        return Ok(Target {
            protocol: Protocol::RpcV2Cbor,
            operation: operation.to_string(),
        });
    }
    let fail = |e| (Protocol::AwsJson11, e);
    check_method(method).map_err(fail)?;
    let Some(target) = headers.get("x-amz-target") else {
        return Err(fail(ApiError::unknown_operation(format!(
            "missing X-Amz-Target header: awsJson1_1 requests need `X-Amz-Target: {}.<Operation>`, \
             rpcv2Cbor requests go to {cbor_marker}<Operation>",
            model.target_prefix
        ))));
    };
    let garbled = || {
        fail(ApiError::unknown_operation(format!(
            "X-Amz-Target {:?} is not of the form {}.<Operation>",
            String::from_utf8_lossy(target.as_bytes()),
            model.target_prefix
        )))
    };
    let target_text = target.to_str().map_err(|_| garbled())?;
    match target_text.split_once('.') {
        Some((prefix, op)) if prefix == model.target_prefix && !op.is_empty() => Ok(Target {
            protocol: Protocol::AwsJson11,
            operation: op.to_string(),
        }),
        _ => Err(garbled()),
    }
}

fn check_method(method: &Method) -> Result<(), ApiError> {
    if method == Method::POST {
        Ok(())
    } else {
        Err(ApiError::invalid_request(format!(
            "HTTP method {method} is not supported: the GameLift API takes POST requests"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn id(
        method: Method,
        path: &str,
        h: &[(&'static str, &str)],
    ) -> Result<Target, (Protocol, ApiError)> {
        identify(ServiceModel::gamelift(), &method, path, &headers(h))
    }

    #[test]
    fn json_by_target_header() {
        let t = id(
            Method::POST,
            "/",
            &[("x-amz-target", "GameLift.StartMatchmaking")],
        )
        .unwrap();
        assert_eq!(t.protocol, Protocol::AwsJson11);
        assert_eq!(t.operation, "StartMatchmaking");
    }

    #[test]
    fn cbor_by_path_after_any_prefix() {
        let t = id(
            Method::POST,
            "/prefix/service/GameLift/operation/DescribeMatchmaking",
            &[("smithy-protocol", "rpc-v2-cbor")],
        )
        .unwrap();
        assert_eq!(t.protocol, Protocol::RpcV2Cbor);
        assert_eq!(t.operation, "DescribeMatchmaking");
    }

    #[test]
    fn refusals_name_the_problem() {
        let (p, e) = id(Method::POST, "/", &[]).unwrap_err();
        assert_eq!(p, Protocol::AwsJson11);
        assert!(e.message.contains("missing X-Amz-Target"), "{}", e.message);
        let (_, e) = id(
            Method::POST,
            "/",
            &[("x-amz-target", "DynamoDB_20120810.GetItem")],
        )
        .unwrap_err();
        assert!(
            e.message.contains("not of the form GameLift.<Operation>"),
            "{}",
            e.message
        );
        let (_, e) = id(Method::POST, "/", &[("x-amz-target", "GameLift.")]).unwrap_err();
        assert_eq!(e.code.name(), "UnknownOperationException");
        let (p, e) = id(Method::GET, "/service/GameLift/operation/X", &[]).unwrap_err();
        assert_eq!(p, Protocol::RpcV2Cbor);
        assert!(e.message.contains("POST"));
        let (_, e) = id(Method::POST, "/service/GameLift/operation/", &[]).unwrap_err();
        assert!(e.message.contains("<Operation>"));
        let (_, e) = id(
            Method::POST,
            "/service/GameLift/operation/X",
            &[("smithy-protocol", "rpc-v2-json")],
        )
        .unwrap_err();
        assert!(e.message.contains("smithy-protocol"));
    }
}
