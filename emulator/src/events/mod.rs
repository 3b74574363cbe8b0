//! The events face: renders domain events in each listener's format and delivers them.
//!
//! Data flows one way: the core emits [`DomainEvent`]s (its `core::notifications` model,
//! re-exported here as [`model`]) (GameLift's words, times and ids given
//! by the core); [`EventHub::publish`] hands each one to every target's worker and to the
//! in-process broadcast; each worker renders it in its target's [`Format`] and POSTs it with
//! retry.
//!
//! | module | responsibility |
//! |---|---|
//! | [`model`] | the domain events: the contract the matchmaker and placement fill |
//! | [`flexmatch`] | EventBridge JSON (seeds 001 and 002) |
//! | [`sns`] | SNS HTTP envelope and subscription confirmation (general SNS knowledge) |
//! | [`gpm`] | Tencent GPM push body and match tokens (seed 000) |
//! | [`pgos`] | PGOS trigger calls and matchmaking post-processing (seed 003) |
//! | [`format`](mod@format) | which format a target speaks; event → HTTP payload |
//! | [`delivery`] | per-target workers, bounded queues, retry with backoff, SNS confirmation |
//! | [`stream`] | the broadcast as an SSE-ready stream |
//! | [`routing`] | config targets → delivery targets; an event → its configuration's target |
//! | `http` | `GET /events` (SSE) and the SNS SubscribeURL, on the API listener |
//!
//! Renderers are pure (no clock, no randomness, no I/O), so each is tested against the seed
//! examples field by field.

pub mod delivery;
pub mod flexmatch;
pub mod format;
pub mod gpm;
pub(crate) mod http;
mod json;
pub use playfield_core::notifications as model;
pub mod pgos;
pub mod routing;
pub mod sns;
pub mod stream;
pub(crate) mod timefmt;

pub use delivery::{
    Backoff, DeliveryConfig, DeliveryRuntime, EventHub, SnsConfirmation, SnsPending, StartError,
    SubscriptionState, Target, TargetStats,
};
pub use format::{Format, Rendered};
pub use model::{DomainEvent, EpochMillis, EventBody};
