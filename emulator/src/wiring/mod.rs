//! The wiring: what joins the core to its faces and runs them.
//!
//! - [`hub`]: the one lock around the core and the faces' bookkeeping.
//! - [`server`]: listeners, timer task, start and shutdown ([`Daemon`](server::Daemon)).
//! - `post_processing`: makes the PGOS post-processing calls the core asks for.

pub mod hub;
pub(crate) mod post_processing;
pub mod server;
