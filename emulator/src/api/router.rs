//! The dispatch table: operation name → handler, and the request pipeline.
//!
//! A handler is a plain synchronous function from a typed input to a typed
//! output:
//! ```
//! use parking_lot::Mutex;
//! use playfield::api::protocol::Protocol;
//! use playfield::api::{testing, ApiError, Ctx, ErrorCode, Router, ServiceModel};
//! use serde::Deserialize;
//! use std::collections::HashSet;
//!
//! /// The state the handlers share: here just the ids of the tickets still running.
//! struct Tickets(Mutex<HashSet<String>>);
//!
//! #[derive(Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! struct StopMatchmakingInput {
//!     ticket_id: String, // required by the model: presence already checked
//! }
//!
//! fn stop_matchmaking(ctx: &mut Ctx<'_, Tickets>, input: StopMatchmakingInput) -> Result<(), ApiError> {
//!     if ctx.state().0.lock().remove(&input.ticket_id) {
//!         Ok(())
//!     } else {
//!         Err(ctx.error(ErrorCode::NotFound, format!("ticket {} not found", input.ticket_id)))
//!     }
//! }
//!
//! let router = Router::new(ServiceModel::gamelift()).register("StopMatchmaking", stop_matchmaking);
//!
//! // The same handler answers both protocols.
//! let state = Tickets(Mutex::new(HashSet::from(["t-1".to_string()])));
//! let input = serde_json::json!({ "TicketId": "t-1" });
//! assert!(testing::call(&router, &state, Protocol::AwsJson11, "StopMatchmaking", &input).is_ok());
//! let err = testing::call(&router, &state, Protocol::RpcV2Cbor, "StopMatchmaking", &input).unwrap_err();
//! assert_eq!(err.code, "NotFoundException");
//! assert_eq!(err.message, "ticket t-1 not found");
//! ```
//! So adding an operation is one input/output struct pair (serde, member
//! names as in the model — see [`types`](super::types) for `Timestamp`,
//! `Blob`, `Empty`), one function and one `register` line. By the time the
//! handler runs, the input has been decoded from either protocol and
//! validated against the model (required members, types, lengths, ranges,
//! enums, patterns; unknown members removed); the output is encoded through
//! the model into the protocol the request came in. A handler of an
//! operation whose output has no members may return `()` or `Empty`.
//!
//! State: the router is generic over the state `S` the handlers share and gets
//! it by reference per request (`ctx.state()`). Handlers may run concurrently
//! on the server's threads, so `S` brings its own locking (e.g. a
//! `parking_lot::Mutex<Core>` inside). Handlers are synchronous: the core is
//! in memory, and anything slow belongs in the core's own tasks. `Ctx` also
//! gives the request ID, the caller's access key ID and the Region the request
//! was signed for (for ARNs).
//!
//! Errors: return `ctx.error(code, message)`. The operation's modeled error
//! list is what the SDKs map to typed errors, so in debug builds an unmodeled
//! code fails loudly (500 with an explanation, and the test that caused it
//! fails); release builds log it and send it anyway. Debug builds also check
//! each output against the model (required members, types, misspelt member
//! names) the same way. A panicking handler answers 500 and the daemon lives on.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::auth;
use super::error::{ApiError, ErrorCode};
use super::model::{Operation, ServiceModel};
use super::protocol::{self, cbor, Protocol};
use super::validate::{check_output, validate_input};

/// What a handler sees besides its input.
pub struct Ctx<'a, S> {
    state: &'a S,
    operation: &'a Operation,
    request_id: &'a str,
    access_key_id: Option<&'a str>,
    signing_region: Option<&'a str>,
    protocol: Protocol,
}

impl<'a, S> Ctx<'a, S> {
    /// The shared state (the daemon's core).
    pub fn state(&self) -> &'a S {
        self.state
    }

    /// The operation being served (`StartMatchmaking`).
    pub(crate) fn operation(&self) -> &'a str {
        &self.operation.name
    }

    /// The request ID sent back in `x-amzn-RequestId`.
    pub(crate) fn request_id(&self) -> &'a str {
        self.request_id
    }

    /// The access key ID the request was signed with, if signed. Useful as a
    /// stand-in account identity (e.g. a `CreatorId` default).
    pub fn access_key_id(&self) -> Option<&'a str> {
        self.access_key_id
    }

    /// The Region the request was signed for (from the SigV4 credential
    /// scope), if signed: the Region to put in ARNs the caller will see.
    pub fn signing_region(&self) -> Option<&'a str> {
        self.signing_region
    }

    /// Which protocol the caller speaks (rarely needed; the output encoding is
    /// handled by the router).
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Make an error for this operation. Debug builds assert that `code` is in
    /// the operation's modeled error list, so a handler cannot silently send an
    /// error the SDKs would not map to a typed exception.
    pub fn error(&self, code: ErrorCode, message: impl Into<String>) -> ApiError {
        debug_assert!(
            is_modeled(self.operation, code),
            "{} does not model {}: pick one of {:?}",
            self.operation.name,
            code,
            self.operation.errors
        );
        ApiError::new(code, message)
    }

    /// Whether this operation models `code`.
    pub(crate) fn models(&self, code: ErrorCode) -> bool {
        is_modeled(self.operation, code)
    }
}

/// Whether `code` may be returned by `op` (protocol-level codes always may).
pub(crate) fn is_modeled(op: &Operation, code: ErrorCode) -> bool {
    !code.is_model_error() || op.models_error(code.name())
}

type ErasedHandler<S> =
    Box<dyn for<'a> Fn(&mut Ctx<'a, S>, Value) -> Result<Value, ApiError> + Send + Sync>;

/// A request as the router needs it (independent of the HTTP server).
pub struct ApiRequest<'a> {
    /// The HTTP method.
    pub method: &'a Method,
    /// Path without query string.
    pub path: &'a str,
    /// Query string without `?` (covered by the SigV4 signature).
    pub query: Option<&'a str>,
    /// The HTTP headers (protocol, target, signature).
    pub headers: &'a HeaderMap,
    /// The request body as received.
    pub body: &'a [u8],
}

/// The dispatch table plus the settings the pipeline needs.
pub struct Router<S> {
    model: &'static ServiceModel,
    handlers: HashMap<String, ErasedHandler<S>>,
    /// Accepted key pairs; empty accepts everyone.
    access_keys: Vec<auth::AccessKey>,
}

impl<S: 'static> Router<S> {
    /// An empty table over `model` (normally [`ServiceModel::gamelift`]).
    pub fn new(model: &'static ServiceModel) -> Router<S> {
        Router {
            model,
            handlers: HashMap::new(),
            access_keys: Vec::new(),
        }
    }

    /// Register the handler of `operation`.
    ///
    /// # Panics
    /// At start-up, if `operation` is not in the model or is registered twice:
    /// both are programming errors that must not wait for a request.
    pub fn register<I, O, F>(mut self, operation: &str, handler: F) -> Router<S>
    where
        I: DeserializeOwned + 'static,
        O: Serialize + 'static,
        F: Fn(&mut Ctx<'_, S>, I) -> Result<O, ApiError> + Send + Sync + 'static,
    {
        assert!(
            self.model.operation(operation).is_some(),
            "register: {operation:?} is not an operation of the service model"
        );
        let erased: ErasedHandler<S> = Box::new(move |ctx, value| {
            let input: I = serde_json::from_value(value).map_err(|e| {
                ApiError::invalid_request(format!(
                    "Could not read the {} input: {e}",
                    ctx.operation()
                ))
            })?;
            let output = handler(ctx, input)?;
            serde_json::to_value(output).map_err(|e| {
                ApiError::internal(format!(
                    "Could not write the {} output: {e}",
                    ctx.operation()
                ))
            })
        });
        let previous = self.handlers.insert(operation.to_string(), erased);
        assert!(
            previous.is_none(),
            "register: {operation:?} registered twice"
        );
        self
    }

    /// Require requests to be signed (SigV4) with one of these key pairs (the config file's
    /// `[auth] access_keys`, see [`auth`]); empty accepts everyone.
    pub fn require_access_keys(mut self, access_keys: Vec<auth::AccessKey>) -> Router<S> {
        self.access_keys = access_keys;
        self
    }

    /// The model the router serves.
    pub(crate) fn model(&self) -> &'static ServiceModel {
        self.model
    }

    /// The operations with a handler, in no order (the fuzz targets pick among them).
    pub(crate) fn handler_names(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }

    /// Every operation with a handler, sorted by name: what the service API supports.
    #[cfg(test)]
    pub(crate) fn operations(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Serve one request. Never panics on any input: every failure becomes an
    /// error response in the request's protocol.
    pub fn handle(&self, state: &S, req: &ApiRequest<'_>) -> Response<Vec<u8>> {
        let request_id = uuid::Uuid::new_v4().to_string();
        let (protocol, operation, result) =
            match protocol::identify(self.model, req.method, req.path, req.headers) {
                Err((protocol, err)) => (protocol, String::new(), Err(err)),
                Ok(target) => {
                    let result =
                        self.dispatch(state, req, target.protocol, &target.operation, &request_id);
                    (target.protocol, target.operation, result)
                }
            };
        let response = match result {
            Ok(body) => respond(protocol, StatusCode::OK, &request_id, body),
            Err(err) => render_error(protocol, &request_id, &err),
        };
        tracing::debug!(
            request_id,
            operation,
            ?protocol,
            status = response.status().as_u16(),
            "api request"
        );
        response
    }

    /// Answer a request that could not be read at all (e.g. a body over the
    /// size limit) with `err`, in the protocol the request appears to use.
    pub(crate) fn reject(&self, req: &ApiRequest<'_>, err: ApiError) -> Response<Vec<u8>> {
        let protocol = match protocol::identify(self.model, req.method, req.path, req.headers) {
            Ok(t) => t.protocol,
            Err((p, _)) => p,
        };
        render_error(protocol, &uuid::Uuid::new_v4().to_string(), &err)
    }

    fn dispatch(
        &self,
        state: &S,
        req: &ApiRequest<'_>,
        protocol: Protocol,
        operation: &str,
        request_id: &str,
    ) -> Result<Vec<u8>, ApiError> {
        let signed = auth::SignedRequest {
            method: req.method.as_str(),
            path: req.path,
            query: req.query,
            headers: req.headers,
            body: req.body,
        };
        auth::check(&signed, &self.access_keys, std::time::SystemTime::now())?;
        let Some(op) = self.model.operation(operation) else {
            return Err(ApiError::unknown_operation(format!(
                "Operation {operation:?} is not a {} operation",
                self.model.service_name
            )));
        };
        let Some(handler) = self.handlers.get(operation) else {
            return Err(ApiError::unknown_operation(format!(
                "Operation {operation} is not implemented by Playfield"
            )));
        };
        let mut input = protocol.decode(req.body)?;
        if let Some(shape) = op.input {
            validate_input(self.model, shape, &mut input)?;
        }
        let mut ctx = Ctx {
            state,
            operation: op,
            request_id,
            access_key_id: auth::access_key_id(req.headers),
            signing_region: auth::signing_region(req.headers),
            protocol,
        };
        // A panicking handler is a bug, but it must not take the connection
        // down with it (hyper would just drop it): answer 500 instead.
        let output = catch_unwind(AssertUnwindSafe(|| {
            let out = handler(&mut ctx, input);
            if let Err(err) = &out {
                check_modeled(op, err);
            }
            out
        }))
        .unwrap_or_else(|panic| {
            Err(ApiError::internal(format!(
                "{operation} failed: {}",
                panic_text(&panic)
            )))
        })?;
        // `()` (or `None`) from a handler means "no members": answer `{}`.
        let output = if output.is_null() {
            Value::Object(serde_json::Map::new())
        } else {
            output
        };
        // Debug builds: the output must fit the model (required members,
        // types, no misspelt members), so handler bugs surface in tests.
        if cfg!(debug_assertions) {
            if let Some(shape) = op.output {
                check_output(self.model, shape, &output).map_err(|e| {
                    ApiError::internal(format!("{operation} output does not match the model: {e}"))
                })?;
            }
        }
        protocol
            .encode(self.model, op.output, &output)
            .map_err(|e| {
                ApiError::internal(format!("Could not encode the {operation} output: {e}"))
            })
    }
}

/// Debug builds: an unmodeled error code is a handler bug (see module docs).
fn check_modeled(op: &Operation, err: &ApiError) {
    if !is_modeled(op, err.code) {
        debug_assert!(
            false,
            "{} returned {}, which it does not model (modeled: {:?})",
            op.name, err.code, op.errors
        );
        tracing::warn!(operation = op.name, code = %err.code, "handler returned an unmodeled error code");
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "handler panicked".to_string()
    }
}

fn render_error(protocol: Protocol, request_id: &str, err: &ApiError) -> Response<Vec<u8>> {
    if err.code == ErrorCode::InternalService {
        tracing::error!(request_id, message = err.message, "internal error");
    }
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = respond(protocol, status, request_id, protocol.encode_error(err));
    // awsJson clients also read the code from this header when the body lacks it.
    if let Ok(v) = HeaderValue::from_str(err.code.name()) {
        response.headers_mut().insert("x-amzn-errortype", v);
    }
    response
}

fn respond(
    protocol: Protocol,
    status: StatusCode,
    request_id: &str,
    body: Vec<u8>,
) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static(protocol.content_type()),
    );
    if protocol == Protocol::RpcV2Cbor {
        headers.insert(
            "smithy-protocol",
            HeaderValue::from_static(cbor::SMITHY_PROTOCOL),
        );
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

#[cfg(test)]
mod tests;
