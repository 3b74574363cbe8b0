//! The service API face: the GameLift API as the AWS SDKs speak it.
//!
//! Game backends reach Playfield through unmodified AWS SDKs with only the
//! endpoint URL changed. boto3 and the AWS CLI send awsJson1_1; the AWS SDK
//! for Rust sends rpcv2Cbor. This module is the protocol layer for both, so
//! that operation handlers are plain functions from a typed input to a typed
//! output and never see a wire format.
//!
//! A request goes through, in order:
//! 1. `server`: axum listener, body size limit, request ID.
//! 2. `protocol::identify`: protocol and operation from path/headers.
//! 3. `auth`: optional access-key check.
//! 4. [`protocol`] decoding (JSON or CBOR) into a neutral `serde_json::Value`.
//! 5. `validate`: checked against the operation's input shape in the
//!    `model` (required members, types, lengths, ranges, enums, patterns).
//! 6. [`router`]: `serde_json::from_value` into the handler's input struct,
//!    the handler, and back through the output shape into the request's
//!    protocol. Errors are rendered by `error` in the same protocol.
//!
//! Adding an operation: see [`router`]. Testing a handler in both protocols
//! without a socket: [`testing::call`]. The daemon's operations live in
//! `handlers`, one file per area, over the daemon's shared state.

pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod handlers;
pub(crate) mod model;
pub mod protocol;
pub mod router;
pub(crate) mod server;
pub mod testing;
pub mod types;
pub(crate) mod validate;

#[cfg(test)]
mod readme_operations;

pub use error::{ApiError, ErrorCode};
pub use model::ServiceModel;
pub use router::{Ctx, Router};
pub use server::{ApiConfig, ApiServer};
