//! Calling a router without a socket, in either protocol — for handler tests.
//!
//! Handler tests should exercise the same path real clients take (decode,
//! validate, handler, model-driven encode) without starting a listener or
//! compiling an AWS SDK. [`call`] encodes an input tree the way the SDKs do
//! (JSON for awsJson1_1; CBOR typed by the model for rpcv2Cbor, like the Rust
//! SDK), runs [`Router::handle`] and decodes the answer:
//! ```
//! use playfield::api::protocol::Protocol;
//! use playfield::api::testing::call;
//! use playfield::api::types::Empty;
//! use playfield::api::{ApiError, Ctx, Router, ServiceModel};
//!
//! fn stop(_: &mut Ctx<'_, ()>, _: Empty) -> Result<(), ApiError> {
//!     Ok(())
//! }
//! let router = Router::new(ServiceModel::gamelift()).register("StopMatchmaking", stop);
//! for p in [Protocol::AwsJson11, Protocol::RpcV2Cbor] {
//!     let out = call(&router, &(), p, "StopMatchmaking", &serde_json::json!({"TicketId": "t"}));
//!     assert_eq!(out.unwrap(), serde_json::json!({}));
//!     let err = call(&router, &(), p, "StopMatchmaking", &serde_json::json!({})).unwrap_err();
//!     assert_eq!(err.code, "InvalidRequestException");
//! }
//! ```

use axum::http::{HeaderMap, HeaderValue, Method};
use serde_json::Value;

use super::protocol::{cbor, json, Protocol};
use super::router::{ApiRequest, Router};

/// An error answer as a client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The HTTP status code.
    pub status: u16,
    /// `__type` (e.g. `NotFoundException`).
    pub code: String,
    /// The error message.
    pub message: String,
}

/// Call `operation` with `input` over `protocol`; `Ok` with the decoded
/// output on HTTP 200, `Err` with code and message otherwise.
///
/// # Panics
/// If `input` cannot be encoded for the operation's input shape or the
/// answer does not decode: both are test bugs or protocol-layer bugs.
pub fn call<S: 'static>(
    router: &Router<S>,
    state: &S,
    protocol: Protocol,
    operation: &str,
    input: &Value,
) -> Result<Value, CallError> {
    let model = router.model();
    let mut headers = HeaderMap::new();
    let (path, body) = match protocol {
        Protocol::AwsJson11 => {
            let target = format!("{}.{operation}", model.target_prefix);
            headers.insert(
                "x-amz-target",
                HeaderValue::from_str(&target).expect("operation name"),
            );
            headers.insert("content-type", HeaderValue::from_static(json::CONTENT_TYPE));
            (
                "/".to_string(),
                serde_json::to_vec(input).expect("JSON input"),
            )
        }
        Protocol::RpcV2Cbor => {
            headers.insert("content-type", HeaderValue::from_static(cbor::CONTENT_TYPE));
            headers.insert(
                "smithy-protocol",
                HeaderValue::from_static(cbor::SMITHY_PROTOCOL),
            );
            let shape = model.operation(operation).and_then(|op| op.input);
            let body = match shape {
                Some(shape) => {
                    cbor::encode(model, Some(shape), input).expect("input fits the model types")
                }
                None => vec![0xa0],
            };
            (
                format!("/service/{}/operation/{operation}", model.service_name),
                body,
            )
        }
    };
    let request = ApiRequest {
        method: &Method::POST,
        path: &path,
        headers: &headers,
        body: &body,
    };
    let response = router.handle(state, &request);
    let decoded = match protocol {
        Protocol::AwsJson11 => json::decode(response.body()),
        Protocol::RpcV2Cbor => cbor::decode(response.body()),
    }
    .expect("answer decodes");
    let status = response.status().as_u16();
    if status == 200 {
        return Ok(decoded);
    }
    let text = |k: &str| decoded[k].as_str().unwrap_or_default().to_string();
    Err(CallError {
        status,
        code: text("__type"),
        message: text("message"),
    })
}
