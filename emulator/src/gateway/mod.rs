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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, Notify};

use playfield_core::{ConnId, Event, GoneReason, Push};
use replies::ReplyCache;

/// Messages above this size get an error reply instead of being processed. The largest
/// legitimate request (StartMatchBackfill with many players) is far below it.
pub(crate) const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Messages above this size are not even read: the connection is closed with 1009. Twice
/// [`MAX_MESSAGE_BYTES`], so a message somewhat too large still gets an error reply that says
/// so; it bounds what one ready connection makes the daemon buffer (it was 16 MiB, which 1,000
/// ready game servers could turn into 16 GB; see `read_budget` for the total).
pub(crate) const HARD_MAX_MESSAGE_BYTES: usize = 2 * MAX_MESSAGE_BYTES;

/// Bytes of pushes queued for one connection that the game server has not read yet. A game
/// server that stops reading its connection would otherwise make the daemon queue every push
/// meant for it for ever (UpdateGameSession for each backfill, RefreshConnection, …): past
/// this, its connection is closed with 1008 and a log line that says why. The largest push,
/// a CreateGameSession with its matchmaker data (390,000 characters) and game session data
/// (262,144), is well below it.
pub(crate) const MAX_OUTBOUND_QUEUE_BYTES: usize = 8 << 20;

/// What a connection task is asked to send.
#[derive(Debug)]
pub(crate) enum Outbound {
    Text(String),
    Close { code: u16, reason: String },
}

/// What is queued for one connection, shared by the registry (which queues) and the
/// connection's task (which sends).
#[derive(Default)]
pub(crate) struct Outbox {
    /// Bytes of pushes queued and not yet taken by the task.
    queued: AtomicUsize,
    /// Set once the queue went over [`MAX_OUTBOUND_QUEUE_BYTES`]: the task stops what it is
    /// doing (a send the game server does not read) and closes the connection.
    overflowed: Notify,
}

impl Outbox {
    /// The task took `text` off the queue.
    pub(crate) fn taken(&self, text: &str) {
        self.queued.fetch_sub(text.len(), Ordering::AcqRel);
    }

    /// Resolves once the queue has gone over its bound.
    pub(crate) async fn overflowed(&self) {
        self.overflowed.notified().await
    }
}

/// One open connection, as the registry sees it.
struct ConnHandle {
    tx: mpsc::UnboundedSender<Outbound>,
    outbox: Arc<Outbox>,
}

/// The open game-server connections and the replies cached per request (for idempotent resends).
#[derive(Default)]
pub struct Registry {
    conns: HashMap<ConnId, ConnHandle>,
    replies: HashMap<String, ReplyCache>,
}

impl Registry {
    pub(crate) fn register(
        &mut self,
        conn: ConnId,
        tx: mpsc::UnboundedSender<Outbound>,
        outbox: Arc<Outbox>,
    ) {
        self.conns.insert(conn, ConnHandle { tx, outbox });
    }

    pub(crate) fn unregister(&mut self, conn: ConnId) {
        self.conns.remove(&conn);
    }

    pub(crate) fn push(&mut self, pid: &str, conn: ConnId, push: &Push) {
        let text = render::push(push);
        let Some(handle) = self.conns.get(&conn) else {
            tracing::warn!(
                target: "playfield::gateway",
                "push to {pid} dropped: connection {conn} is closed"
            );
            return;
        };
        let len = text.len();
        let queued = handle.outbox.queued.fetch_add(len, Ordering::AcqRel) + len;
        if queued > MAX_OUTBOUND_QUEUE_BYTES {
            handle.outbox.queued.fetch_sub(len, Ordering::AcqRel);
            // The pID is the connection's own choice: escaped.
            tracing::warn!(
                target: "playfield",
                "closing connection {conn} of process {}: it has stopped reading what the \
                 daemon sends ({} bytes of pushes are waiting, the limit is \
                 {MAX_OUTBOUND_QUEUE_BYTES}); a game server must keep reading its WebSocket",
                crate::log_safe::log_safe(pid),
                queued - len,
            );
            handle.outbox.overflowed.notify_one();
            // Nothing more goes into a queue that is not read; the task closes the connection.
            self.conns.remove(&conn);
            return;
        }
        if handle.tx.send(Outbound::Text(text)).is_ok() {
            tracing::debug!(target: "playfield::gateway", "push to {pid} on {conn}")
        } else {
            handle.outbox.queued.fetch_sub(len, Ordering::AcqRel);
            tracing::warn!(
                target: "playfield::gateway",
                "push to {pid} dropped: connection {conn} is closed"
            )
        }
    }

    pub(crate) fn close(&mut self, conn: ConnId, code: u16, reason: String) {
        if let Some(handle) = self.conns.get(&conn) {
            let _ = handle.tx.send(Outbound::Close { code, reason });
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
