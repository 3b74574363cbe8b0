//! The game-server face: the GameLift Servers SDK 5 WebSocket endpoint.
//!
//! A game server opens one WebSocket (ws:// or wss://) with its identity in the query
//! string (`query`), then sends requests and receives replies and pushes, one JSON object
//! per text message (sdk-wire-protocol.md §2). This module is a thin adapter: `dispatch`
//! turns a message into a core command and the result into a reply; `render` turns the
//! core's pushes into wire messages; `conn` moves bytes. All rules live in the core.
//!
//! [`Registry`] is the gateway's bookkeeping under the hub lock: the open connections
//! (where pushes go) and, per process, the replies already given, so a retried RequestId
//! (the CPP SDK re-sends the same one, §1.9) gets the first answer and no second effect.

pub(crate) mod conn;
pub(crate) mod dispatch;
pub(crate) mod query;
pub(crate) mod read_budget;
pub(crate) mod render;
pub(crate) mod replies;
pub(crate) mod tls;

use std::collections::HashMap;

use tokio::sync::mpsc;

use playfield_core::{ConnId, Event, GoneReason, Push};
use replies::ReplyCache;

/// Messages above this size get an error reply instead of being processed. The largest
/// legitimate request (StartMatchBackfill with many players) is far below it.
pub(crate) const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Messages above this size are not even read: the connection is closed with 1009.
pub(crate) const HARD_MAX_MESSAGE_BYTES: usize = 16 << 20;

/// What a connection task is asked to send.
#[derive(Debug)]
pub(crate) enum Outbound {
    Text(String),
    Close { code: u16, reason: String },
}

/// The open game-server connections and the replies cached per request (for idempotent resends).
#[derive(Default)]
pub struct Registry {
    conns: HashMap<ConnId, mpsc::UnboundedSender<Outbound>>,
    replies: HashMap<String, ReplyCache>,
}

impl Registry {
    pub(crate) fn register(&mut self, conn: ConnId, tx: mpsc::UnboundedSender<Outbound>) {
        self.conns.insert(conn, tx);
    }

    pub(crate) fn unregister(&mut self, conn: ConnId) {
        self.conns.remove(&conn);
    }

    pub(crate) fn push(&mut self, pid: &str, conn: ConnId, push: &Push) {
        let text = render::push(push);
        match self.conns.get(&conn) {
            Some(tx) if tx.send(Outbound::Text(text)).is_ok() => {
                tracing::debug!(target: "playfield::gateway", "push to {pid} on {conn}")
            }
            _ => tracing::warn!(
                target: "playfield::gateway",
                "push to {pid} dropped: connection {conn} is closed"
            ),
        }
    }

    pub(crate) fn close(&mut self, conn: ConnId, code: u16, reason: String) {
        if let Some(tx) = self.conns.get(&conn) {
            let _ = tx.send(Outbound::Close { code, reason });
        }
    }

    /// Keeps the reply caches in step with process lifetimes.
    pub(crate) fn observe(&mut self, event: &Event) {
        match event {
            // A new process under a known pID must not get the old one's answers.
            Event::ProcessConnected {
                pid,
                reconnect: false,
                ..
            } => {
                self.replies.remove(pid.as_str());
            }
            // After ProcessEnding the socket stays open (sdk-wire-protocol.md §1.11) and a
            // retried TerminateServerProcess must get its first answer: the replies go when
            // the connection does ([`Registry::forget_process`]).
            Event::ProcessGone { pid, reason } if *reason != GoneReason::ProcessEnding => {
                self.replies.remove(pid.as_str());
            }
            _ => {}
        }
    }

    /// Drops what is kept for a process the core no longer knows.
    pub(crate) fn forget_process(&mut self, pid: &str) {
        self.replies.remove(pid);
    }

    /// Number of processes with remembered replies (for tests and diagnostics).
    pub fn reply_cache_count(&self) -> usize {
        self.replies.len()
    }

    pub(crate) fn replies_for(&mut self, pid: &str) -> &mut ReplyCache {
        // Looked up before inserting: this runs for every request, under the hub lock, and the
        // process is almost always known already (no key to allocate).
        if !self.replies.contains_key(pid) {
            self.replies.insert(pid.to_string(), ReplyCache::default());
        }
        self.replies.get_mut(pid).expect("inserted above")
    }

    pub(crate) fn cached_reply(&self, pid: &str, request_id: &str) -> Option<(&str, &str)> {
        self.replies.get(pid)?.get(request_id)
    }
}
