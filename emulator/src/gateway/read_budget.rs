//! How much a game server connection may make the daemon buffer of a message it is sending.
//!
//! Until ProcessReady, a connection has no business sending more than a few small requests
//! (ActivateServerProcess, GetComputeCertificate: well under a KiB each,
//! sdk-wire-protocol.md §3). Without a bound, each connection could make the daemon buffer a
//! nearly complete 16 MiB frame: 30 such connections took it from 77 MB to 553 MB (issue 15).
//! [`Budgeted`] sits under the WebSocket and counts the bytes read since the last complete
//! message: past [`PRE_READY_MESSAGE_BYTES`] for one connection, or past
//! [`PRE_READY_TOTAL_BYTES`] across every not-ready connection of the process, the read fails
//! with [`OverBudget`] and the connection is closed with 1009.
//!
//! Once the process is ready, its messages may be as large as the SDK's largest request needs
//! ([`super::HARD_MAX_MESSAGE_BYTES`], which the WebSocket layer also enforces), and all ready
//! connections together may hold [`READY_TOTAL_BYTES`] of unfinished messages: 1,000 ready
//! game servers each sending a nearly complete large message cannot take the daemon's memory.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Bytes one not-ready connection may send in one message (the handshake included).
pub(crate) const PRE_READY_MESSAGE_BYTES: usize = 64 * 1024;

/// Bytes of unfinished messages all not-ready connections together may hold.
pub(crate) const PRE_READY_TOTAL_BYTES: usize = 32 * 1024 * 1024;

/// Bytes of unfinished messages all ready connections together may hold: 32 messages of the
/// largest size at once, far more than game servers send at the same moment.
pub(crate) const READY_TOTAL_BYTES: usize = 32 * super::HARD_MAX_MESSAGE_BYTES;

/// Unfinished pre-ready bytes across all connections of the process.
static PRE_READY_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Unfinished bytes of ready connections across the process.
static READY_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The read error of a connection over its budget.
#[derive(Debug)]
pub(crate) struct OverBudget {
    total: bool,
    ready: bool,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ready, self.total) {
            (false, true) => write!(
                f,
                "game servers that have not called ProcessReady are sending more than \
                 {PRE_READY_TOTAL_BYTES} bytes at once"
            ),
            (false, false) => write!(
                f,
                "a message over {PRE_READY_MESSAGE_BYTES} bytes before ProcessReady"
            ),
            (true, _) => write!(
                f,
                "game servers are sending more than {READY_TOTAL_BYTES} bytes of messages at once"
            ),
        }
    }
}

impl std::error::Error for OverBudget {}

/// Whether `e` is a read refused by a [`Budgeted`] stream.
pub(crate) fn is_over_budget(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<OverBudget>())
}

/// One connection's count, shared by its stream and its task.
#[derive(Default)]
pub(crate) struct Budget {
    used: AtomicUsize,
    /// The process is ready: the ready bounds apply.
    ready: AtomicBool,
    /// No bound any more (the connection is being closed and drained).
    lifted: AtomicBool,
}

impl Budget {
    fn in_flight(&self) -> &'static AtomicUsize {
        if self.is_ready() {
            &READY_IN_FLIGHT
        } else {
            &PRE_READY_IN_FLIGHT
        }
    }

    /// A complete message was read: its bytes no longer count.
    pub(crate) fn message_done(&self) {
        let used = self.used.swap(0, Ordering::AcqRel);
        self.in_flight().fetch_sub(used, Ordering::AcqRel);
    }

    /// The process is ready: the ready connections' bounds from now on.
    pub(crate) fn set_ready(&self) {
        self.message_done();
        self.ready.store(true, Ordering::Release);
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// No bound from now on: the connection is failed and what it still sends is read away.
    pub(crate) fn lift(&self) {
        self.lifted.store(true, Ordering::Release);
        self.message_done();
    }

    fn add(&self, n: usize) -> Result<(), OverBudget> {
        if self.lifted.load(Ordering::Acquire) {
            return Ok(());
        }
        let ready = self.is_ready();
        let used = self.used.fetch_add(n, Ordering::AcqRel) + n;
        let total = self.in_flight().fetch_add(n, Ordering::AcqRel) + n;
        let (message_limit, total_limit) = if ready {
            // One message's own limit is the WebSocket layer's (it answers with the size).
            (usize::MAX, READY_TOTAL_BYTES)
        } else {
            (PRE_READY_MESSAGE_BYTES, PRE_READY_TOTAL_BYTES)
        };
        if used > message_limit {
            return Err(OverBudget {
                total: false,
                ready,
            });
        }
        if total > total_limit {
            return Err(OverBudget { total: true, ready });
        }
        Ok(())
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        self.message_done();
    }
}

/// A stream whose reads count against a [`Budget`].
pub(crate) struct Budgeted<S> {
    inner: S,
    budget: Arc<Budget>,
}

impl<S> Budgeted<S> {
    pub(crate) fn new(inner: S) -> (Self, Arc<Budget>) {
        let budget = Arc::new(Budget::default());
        (
            Budgeted {
                inner,
                budget: budget.clone(),
            },
            budget,
        )
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Budgeted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        let n = buf.filled().len() - before;
        if n > 0 {
            if let Err(e) = self.budget.add(n) {
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, e)));
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Budgeted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
