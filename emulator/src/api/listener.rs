//! The API listener's accept loop: bounded connections, and timeouts on what a client sends.
//!
//! `axum::serve` accepts without limit and sets no timer, so one local client could hold every
//! file descriptor with idle connections, or hold a connection for ever with a request whose
//! headers never end (issue 15, finding 4). This loop serves the same axum app with hyper's
//! HTTP/1.1 connection, plus:
//! - at most [`ConnectionLimits::max_connections`] connections at once: past it the loop
//!   stops accepting (new clients wait in the kernel's backlog) until one closes, so the
//!   daemon keeps file descriptors for its other faces (the game-server listeners have their
//!   own);
//! - [`ConnectionLimits::header_read_timeout`]: a request's headers must arrive within it, and
//!   a connection that starts no request within it is closed (hyper's header timer);
//! - the body timeout is applied where bodies are read ([`super::server`]).
//!
//! Shutdown is graceful, as `axum::serve`'s is: stop accepting, let in-flight requests finish.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// Bounds on the API listener's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once (default 1024).
    pub max_connections: usize,
    /// How long a request's headers may take to arrive, and how long a connection may stay
    /// open without starting a request (default 30 s: long enough that the AWS SDKs' pooled
    /// connections are seldom closed under them, short enough to free a stalled one).
    pub header_read_timeout: Duration,
    /// How long a request's body may take to arrive once its headers did (default 30 s: an
    /// 8 MiB body over loopback takes milliseconds).
    pub body_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then waits for the
/// connections to finish their requests.
pub(crate) async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Every connection task holds a receiver; the loop waits for all to be dropped.
    let (all_closed_tx, all_closed_rx) = watch::channel(());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(target: "playfield", "service API listener: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop_rx.clone();
        let closed = all_closed_rx.clone();
        let header_read_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let _closed = closed;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout);
            let mut conn = pin!(builder.serve_connection(TokioIo::new(tcp), service));
            let mut stopping = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(target: "playfield::api", "API connection ended: {e}");
                        }
                        break;
                    }
                    _ = stop.wait_for(|s| *s), if !stopping => {
                        stopping = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(all_closed_rx);
    all_closed_tx.closed().await;
    Ok(())
}
