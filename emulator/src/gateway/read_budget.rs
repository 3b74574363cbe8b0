//! How much a game server connection may send before its process is ready.
//!
//! Until ProcessReady, a connection has no business sending more than a few small requests
//! (ActivateServerProcess, GetComputeCertificate: well under a KiB each,
//! sdk-wire-protocol.md §3). Without a bound, each connection could make the daemon buffer a
//! nearly complete 16 MiB frame ([`super::HARD_MAX_MESSAGE_BYTES`]): 30 such connections took
//! it from 77 MB to 553 MB (issue 15). [`Budgeted`] sits under the WebSocket and counts the
//! bytes read since the last complete message: past [`PRE_READY_MESSAGE_BYTES`] for one
//! connection, or past [`PRE_READY_TOTAL_BYTES`] across every not-ready connection of the
//! process, the read fails with [`OverBudget`] and the connection is closed with 1009. Once
//! the process is ready the bound is lifted: then the message limits of [`super`] apply.

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

/// Unfinished pre-ready bytes across all connections of the process.
static PRE_READY_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The read error of a connection over its budget.
#[derive(Debug)]
pub(crate) struct OverBudget {
    total: bool,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total {
            write!(
                f,
                "game servers that have not called ProcessReady are sending more than \
                 {PRE_READY_TOTAL_BYTES} bytes at once"
            )
        } else {
            write!(
                f,
                "a message over {PRE_READY_MESSAGE_BYTES} bytes before ProcessReady"
            )
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
    lifted: AtomicBool,
}

impl Budget {
    /// A complete message was read: its bytes no longer count.
    pub(crate) fn message_done(&self) {
        let used = self.used.swap(0, Ordering::AcqRel);
        PRE_READY_IN_FLIGHT.fetch_sub(used, Ordering::AcqRel);
    }

    /// The process is ready: no bound from now on.
    pub(crate) fn lift(&self) {
        self.lifted.store(true, Ordering::Release);
        self.message_done();
    }

    pub(crate) fn is_lifted(&self) -> bool {
        self.lifted.load(Ordering::Acquire)
    }

    fn add(&self, n: usize) -> Result<(), OverBudget> {
        if self.is_lifted() {
            return Ok(());
        }
        let used = self.used.fetch_add(n, Ordering::AcqRel) + n;
        let total = PRE_READY_IN_FLIGHT.fetch_add(n, Ordering::AcqRel) + n;
        if used > PRE_READY_MESSAGE_BYTES {
            return Err(OverBudget { total: false });
        }
        if total > PRE_READY_TOTAL_BYTES {
            return Err(OverBudget { total: true });
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
