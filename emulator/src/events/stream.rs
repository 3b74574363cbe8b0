//! The in-process event stream, shaped for Server-Sent Events (`GET /events`, served by
//! `super::http` on the API listener) and the dashboard.
//!
//! Each item is `(event name, JSON)`: the name is the FlexMatch `detail.type` (or the
//! placement `type`), usable as the SSE `event:` field; the JSON is the EventBridge rendering,
//! i.e. the event in GameLift's own words. A subscriber that falls more than the broadcast
//! capacity behind does not stall the core: it receives one `("lagged", {"missed": n})` item
//! saying how many events it lost, then continues with the newest ones.

use super::flexmatch;
use super::model::DomainEvent;
use futures_util::Stream;
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};

/// SSE event name of the item that reports lost events.
pub const LAGGED: &str = "lagged";

/// One SSE-ready item: `(event name, JSON data)`.
pub(crate) type SseItem = (&'static str, String);

/// Turns a broadcast receiver (from [`super::EventHub::subscribe`]) into a stream of SSE items.
/// The stream ends when the hub is dropped.
pub fn sse_stream(rx: broadcast::Receiver<Arc<DomainEvent>>) -> impl Stream<Item = SseItem> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        let item = match rx.recv().await {
            Ok(event) => (event.name(), flexmatch::render(&event)),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "events: SSE subscriber lagged; events skipped");
                (LAGGED, format!("{{\"missed\":{missed}}}"))
            }
            Err(RecvError::Closed) => return None,
        };
        Some((item, rx))
    })
}
