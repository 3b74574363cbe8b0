//! The WebSocket link to the service: connect with retries, request/response correlation,
//! automatic reconnect, RefreshConnection (sdk-wire-protocol.md §1, §2.2).
//!
//! # How it works
//!
//! A request is written by its caller: [`Transport::call`] registers a pending entry, locks
//! the socket's write half (a `tokio::sync::Mutex` around the sink, so frames go out whole and
//! in the order callers got the lock) and sends the frame itself. Each socket has one task, a
//! *reader* that classifies every text frame (§2.2). Replies complete the pending request with
//! the same `RequestId` through a oneshot; replies nobody waits for (late, duplicate) are
//! dropped; pushes go to the session's dispatcher through a channel. Only one socket is
//! *current*: requests are written to it and pushes may arrive on it.
//!
//! A round trip thus costs one task hop (reader → caller) beyond a raw WebSocket echo; an
//! earlier design with a writer task draining a queue cost two (caller → writer → reader →
//! caller), which showed in `cargo bench -p playfield --bench sdk_round_trip`.
//!
//! The write is bounded by the request's timeout like the wait for the reply. A call
//! cancelled (dropped) mid-write leaves no torn frame: the sink accepts a frame whole or not at
//! all, and a frame accepted but not yet flushed goes out with the next write on the socket.
//! Close frames (destroy, retiring a replaced socket) are written by a short task of their own,
//! on the runtime the transport was created on, so closing works from synchronous code too.
//!
//! # Reconnects
//!
//! * The current socket ends abnormally (any close code but 1000/1001, EOF, reset): reconnect
//!   to the same URL (same `IdempotencyToken`, same signature) with the §1.7 schedule.
//!   A close with 1000 or 1001 is final, as in the Go SDK. Reconnects that follow each other
//!   without any inbound frame back off and eventually give up (see [`Shared::reconnect`]).
//! * `timeout_reconnect_threshold` consecutive request timeouts (any inbound frame resets the
//!   count): reconnect the same way, to get off a half-open socket (§1.9).
//! * RefreshConnection: connect to the new endpoint with the new token and a new
//!   `IdempotencyToken`; later automatic reconnects use that URL.
//!
//! The replaced socket stays readable for `old_socket_grace` so replies already on their way
//! still land, then gets a close frame (1001).
//!
//! # Requests in flight when a socket dies
//!
//! They fail at once with [`Error::ServiceCallFailed`] ("connection lost before the reply
//! arrived") instead of being re-sent: a request may have been carried out already, and
//! re-sending a StartMatchBackfill without a ticket ID would start a second ticket. The caller
//! decides. Requests made while a reconnect is under way wait for it, up to their own timeout.

mod sigv4;
mod tls;
pub use tls::AcceptAnyCertificate;
pub(crate) mod url;

use crate::error::{Error, Result};
use crate::params::Auth;
use crate::wire::{Inbound, Push, Request};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::AbortHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::{HeaderValue, USER_AGENT};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use tracing::{debug, info, warn};
use url::{connect_url, redact, ConnectIdentity};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
/// A socket's write half, shared by the callers writing requests to it.
type WsSink = Arc<tokio::sync::Mutex<SplitSink<Ws, Message>>>;

/// The socket's settings: tungstenite's defaults but a small read buffer. tungstenite zeroes
/// the free part of the buffer before every read (up to this size), and a read that finds
/// nothing happens once per message; with the default 128 KiB that is two 128 KiB memsets per
/// reply. Messages here are a few hundred bytes; larger ones just take more reads.
fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES)
}

const READ_BUFFER_BYTES: usize = 8 * 1024;

/// How long a close frame may take to go out before the socket is dropped without it.
const CLOSE_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Transport settings, taken from [`SdkOptions`](crate::SdkOptions).
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    pub reconnect_delays: Vec<Duration>,
    pub timeout_reconnect_threshold: u32,
    pub old_socket_grace: Duration,
    pub handshake_timeout: Duration,
    pub accept_invalid_certs: bool,
}

/// One socket: where to write, and how to stop its reader.
#[derive(Clone)]
struct Socket {
    id: u64,
    sink: WsSink,
    reader: AbortHandle,
}

/// The state of the link, watched by callers waiting to send.
#[derive(Clone)]
enum Link {
    /// A reconnect is under way.
    Connecting,
    Up(Socket),
    /// Closed for good (normal close by the service, or every reconnect attempt failed).
    Down(String),
    /// `destroy` was called.
    Shutdown,
}

struct Pending {
    socket: u64,
    action: &'static str,
    reply: oneshot::Sender<Result<Value>>,
}

struct Shared {
    config: TransportConfig,
    /// The runtime `connect` ran on: close frames are written by tasks spawned here, since
    /// [`Transport::shutdown`] may run outside any runtime (e.g. the SDK dropped by FFI code).
    runtime: tokio::runtime::Handle,
    tls: Arc<rustls::ClientConfig>,
    identity: ConnectIdentity,
    /// The URL automatic reconnects dial (the last Connect's URL, token included).
    url: Mutex<String>,
    link: watch::Sender<Link>,
    pending: Mutex<HashMap<String, Pending>>,
    next_socket: AtomicU64,
    consecutive_timeouts: AtomicU32,
    reconnecting: AtomicBool,
    /// Reconnects started since the last inbound frame (see [`Shared::reconnect`]).
    reconnect_streak: AtomicU32,
    shutdown: AtomicBool,
    pushes: Mutex<Option<mpsc::UnboundedSender<Push>>>,
}

/// The link to the service. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Transport {
    shared: Arc<Shared>,
}

impl Transport {
    /// Connects (§1.7 schedule) and returns the transport and the stream of pushes.
    pub async fn connect(
        config: TransportConfig,
        identity: ConnectIdentity,
        base_url: &str,
        auth: &Auth,
    ) -> Result<(Transport, mpsc::UnboundedReceiver<Push>)> {
        let token = uuid::Uuid::new_v4().to_string();
        let url = connect_url(base_url, &identity, auth, &token, SystemTime::now())?;
        let tls = tls::client_config(config.accept_invalid_certs).map_err(|reason| {
            Error::WebsocketConnectFailure {
                endpoint: redact(&url),
                attempts: 0,
                reason,
            }
        })?;
        let (push_tx, push_rx) = mpsc::unbounded_channel();
        let (link, _) = watch::channel(Link::Connecting);
        let shared = Arc::new(Shared {
            config,
            runtime: tokio::runtime::Handle::current(),
            tls,
            identity,
            url: Mutex::new(url.clone()),
            link,
            pending: Mutex::new(HashMap::new()),
            next_socket: AtomicU64::new(1),
            consecutive_timeouts: AtomicU32::new(0),
            reconnecting: AtomicBool::new(false),
            reconnect_streak: AtomicU32::new(0),
            shutdown: AtomicBool::new(false),
            pushes: Mutex::new(Some(push_tx)),
        });
        let ws = shared.dial_with_retries(&url).await?;
        shared.install(ws);
        Ok((Transport { shared }, push_rx))
    }

    /// Sends `request` and waits up to `timeout` for its reply. Returns the whole reply body
    /// of a 200 reply; an error reply becomes the §2.3 error.
    pub async fn call(&self, request: &Request, timeout: Duration) -> Result<Value> {
        let shared = &self.shared;
        let action = request.action();
        let request_id = request.request_id().to_owned();
        let text = serde_json::to_string(request).map_err(|e| Error::ServiceCallFailed {
            action,
            reason: format!("could not encode the request: {e}"),
        })?;
        let deadline = Instant::now() + timeout;
        let socket = shared.wait_until_up(action, timeout, deadline).await?;
        let (reply_tx, reply_rx) = oneshot::channel();
        shared.pending.lock().insert(
            request_id.clone(),
            Pending {
                socket: socket.id,
                action,
                reply: reply_tx,
            },
        );
        // Removes the entry however this call ends, cancellation included.
        let _pending = PendingGuard {
            shared,
            request_id: &request_id,
        };
        debug!(action, request_id, "sending request");
        // If the socket died between `wait_until_up` and the insert above, its end may have
        // failed the pending requests before ours was there: `on_socket_end` changes the link
        // first and fails requests second, so checking the link after the insert closes the gap.
        let link_up = matches!(&*shared.link.borrow(), Link::Up(_));
        if !link_up {
            return Err(Error::ServiceCallFailed {
                action,
                reason: "connection lost before the request was sent".into(),
            });
        }
        let write = async {
            let mut sink = socket.sink.lock().await;
            sink.send(Message::text(text)).await
        };
        let reply = async {
            match write.await {
                Ok(()) => Ok(reply_rx.await),
                Err(e) => Err(e),
            }
        };
        match tokio::time::timeout_at(deadline, reply).await {
            Ok(Err(e)) => {
                debug!(socket = socket.id, "write failed: {e}");
                Err(Error::ServiceCallFailed {
                    action,
                    reason: format!("connection lost before the request was sent: {e}"),
                })
            }
            Ok(Ok(reply)) => match reply {
                Ok(result) => result,
                Err(_) => Err(Error::ServiceCallFailed {
                    action,
                    reason: "the SDK was destroyed while waiting for the reply".into(),
                }),
            },
            Err(_) => {
                let count = shared.consecutive_timeouts.fetch_add(1, Ordering::SeqCst) + 1;
                let threshold = shared.config.timeout_reconnect_threshold;
                warn!(action, request_id, count, "no reply in time");
                if threshold > 0 && count >= threshold {
                    info!("{count} consecutive request timeouts: reconnecting");
                    let url = shared.url.lock().clone();
                    Shared::spawn_reconnect(self.shared.clone(), url);
                }
                Err(Error::Timeout {
                    action,
                    after: timeout,
                })
            }
        }
    }

    /// RefreshConnection (§1.10): connect to `endpoint` with `token` (token mode, new
    /// `IdempotencyToken`) in the background and switch traffic to the new socket. A failure
    /// is logged; the old socket stays in use.
    pub fn refresh(&self, endpoint: String, token: String) {
        let shared = self.shared.clone();
        tokio::spawn(async move {
            let idempotency = uuid::Uuid::new_v4().to_string();
            let url = match connect_url(
                &endpoint,
                &shared.identity,
                &Auth::Token(token),
                &idempotency,
                SystemTime::now(),
            ) {
                Ok(url) => url,
                Err(e) => {
                    warn!("RefreshConnection: bad endpoint {endpoint:?}: {e}");
                    return;
                }
            };
            match shared.dial_with_retries(&url).await {
                Ok(ws) if !shared.shutdown.load(Ordering::SeqCst) => {
                    info!(endpoint = %redact(&url), "RefreshConnection: switched to the new socket");
                    *shared.url.lock() = url;
                    shared.install(ws);
                }
                Ok(_) => {}
                Err(e) => warn!("RefreshConnection failed: {e}"),
            }
        });
    }

    /// Closes the link for good: no more reconnects, every pending request fails, the current
    /// socket gets a close frame (1001).
    pub fn shutdown(&self) {
        let shared = &self.shared;
        if shared.shutdown.swap(true, Ordering::SeqCst) {
            return;
        }
        shared.pushes.lock().take();
        let previous = shared.link.send_replace(Link::Shutdown);
        if let Link::Up(socket) = previous {
            shared.close_socket(&socket, "Websocket client closing");
        }
        let pending: Vec<Pending> = shared.pending.lock().drain().map(|(_, p)| p).collect();
        for p in pending {
            let _ = p.reply.send(Err(Error::ServiceCallFailed {
                action: p.action,
                reason: "the SDK was destroyed".into(),
            }));
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Link::Up(socket) = &*self.link.borrow() {
            self.close_socket(socket, "Websocket client closing");
        }
    }
}

/// Drops a request's pending entry when its call ends (a no-op if the reply took it).
struct PendingGuard<'a> {
    shared: &'a Shared,
    request_id: &'a str,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.shared.pending.lock().remove(self.request_id);
    }
}

impl Shared {
    /// Stops reading `socket` and sends it a close frame (1001) after the writes already
    /// waiting for it. The frame is written by a task on the transport's runtime, bounded by
    /// [`CLOSE_WRITE_TIMEOUT`]; if that runtime is gone, the socket just drops.
    fn close_socket(&self, socket: &Socket, reason: &'static str) {
        socket.reader.abort();
        let (id, sink) = (socket.id, socket.sink.clone());
        self.runtime.spawn(async move {
            let close = async {
                let mut sink = sink.lock().await;
                let frame = CloseFrame {
                    code: CloseCode::Away,
                    reason: reason.into(),
                };
                sink.send(Message::Close(Some(frame))).await?;
                sink.close().await
            };
            match tokio::time::timeout(CLOSE_WRITE_TIMEOUT, close).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => debug!(socket = id, "close frame not sent: {e}"),
                Err(_) => debug!(
                    socket = id,
                    "close frame not sent within {CLOSE_WRITE_TIMEOUT:?}"
                ),
            }
        });
    }

    async fn wait_until_up(
        &self,
        action: &'static str,
        timeout: Duration,
        deadline: Instant,
    ) -> Result<Socket> {
        let mut link = self.link.subscribe();
        loop {
            let state = link.borrow_and_update().clone();
            match state {
                Link::Up(socket) => return Ok(socket),
                Link::Down(why) => {
                    return Err(Error::ServiceCallFailed {
                        action,
                        reason: format!("not connected: {why}"),
                    })
                }
                Link::Shutdown => {
                    return Err(Error::ServiceCallFailed {
                        action,
                        reason: "the SDK was destroyed".into(),
                    })
                }
                Link::Connecting => {}
            }
            match tokio::time::timeout_at(deadline, link.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => {
                    return Err(Error::ServiceCallFailed {
                        action,
                        reason: "the SDK was destroyed".into(),
                    })
                }
                Err(_) => {
                    return Err(Error::Timeout {
                        action,
                        after: timeout,
                    })
                }
            }
        }
    }

    /// One Connect: a dial, then another after each of `reconnect_delays` (§1.7).
    async fn dial_with_retries(&self, url: &str) -> Result<Ws> {
        let mut attempts = 0u32;
        let mut delays = self.config.reconnect_delays.iter();
        let last_error = loop {
            if self.shutdown.load(Ordering::SeqCst) {
                break String::from("the SDK was destroyed");
            }
            attempts += 1;
            let error = match self.dial(url).await {
                Ok(ws) => return Ok(ws),
                Err(e) => e,
            };
            warn!(endpoint = %redact(url), attempt = attempts, "connect failed: {error}");
            match delays.next() {
                Some(delay) => tokio::time::sleep(*delay).await,
                None => break error,
            }
        };
        Err(Error::WebsocketConnectFailure {
            endpoint: redact(url),
            attempts,
            reason: last_error,
        })
    }

    async fn dial(&self, url: &str) -> std::result::Result<Ws, String> {
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("playfield-sdk-rust/", env!("CARGO_PKG_VERSION"))),
        );
        let connector = url
            .starts_with("wss:")
            .then(|| Connector::Rustls(self.tls.clone()));
        let handshake = tokio_tungstenite::connect_async_tls_with_config(
            request,
            Some(ws_config()),
            false,
            connector,
        );
        match tokio::time::timeout(self.config.handshake_timeout, handshake).await {
            Ok(Ok((ws, _response))) => Ok(ws),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "handshake not finished within {:?}",
                self.config.handshake_timeout
            )),
        }
    }

    /// Makes `ws` the current socket; the previous one is retired after the grace period.
    fn install(self: &Arc<Self>, ws: Ws) {
        let id = self.next_socket.fetch_add(1, Ordering::SeqCst);
        let (sink, mut stream) = ws.split();
        let sink = Arc::new(tokio::sync::Mutex::new(sink));
        let shared = Arc::downgrade(self);
        let reader = tokio::spawn(async move {
            let mut normal_close = false;
            let mut why = String::from("the connection ended");
            while let Some(frame) = stream.next().await {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                match frame {
                    Ok(Message::Text(text)) => shared.on_text(text.as_str()),
                    Ok(Message::Close(frame)) => {
                        let code = frame.as_ref().map(|f| u16::from(f.code));
                        normal_close = matches!(code, Some(1000 | 1001));
                        why = match frame {
                            Some(f) => format!("closed by the service with code {}", f.code),
                            None => "closed by the service without a code".into(),
                        };
                    }
                    Ok(Message::Binary(_)) => debug!(socket = id, "binary frame skipped"),
                    Ok(_) => {}
                    Err(e) => {
                        why = e.to_string();
                        break;
                    }
                }
            }
            if let Some(shared) = shared.upgrade() {
                shared.on_socket_end(id, normal_close, why);
            }
        })
        .abort_handle();
        self.consecutive_timeouts.store(0, Ordering::SeqCst);
        let socket = Socket { id, sink, reader };
        let previous = self.link.send_replace(Link::Up(socket.clone()));
        if self.shutdown.load(Ordering::SeqCst) {
            // destroy() ran while this socket was being dialled.
            self.link.send_replace(Link::Shutdown);
            self.close_socket(&socket, "Websocket client closing");
            return;
        }
        if let Link::Up(old) = previous {
            let grace = self.config.old_socket_grace;
            let shared = Arc::downgrade(self);
            tokio::spawn(async move {
                tokio::time::sleep(grace).await;
                match shared.upgrade() {
                    Some(shared) => {
                        shared.close_socket(&old, "Websocket client reconnecting");
                        shared.fail_pending(
                            old.id,
                            "the socket was replaced before the reply arrived",
                        );
                    }
                    // The transport is gone: dropping both halves closes the connection.
                    None => old.reader.abort(),
                }
            });
        }
    }

    fn on_text(&self, text: &str) {
        self.consecutive_timeouts.store(0, Ordering::SeqCst);
        self.reconnect_streak.store(0, Ordering::SeqCst);
        match Inbound::classify(text) {
            Err(e) => warn!("inbound message dropped: {e}"),
            Ok(Inbound::ErrorReply {
                action,
                request_id,
                status_code,
                error_message,
            }) => self.complete(
                &action,
                &request_id,
                Err(Error::from_status(status_code, error_message)),
            ),
            Ok(Inbound::Reply {
                action,
                request_id,
                body,
            }) => self.complete(&action, &request_id, Ok(body)),
            Ok(Inbound::Push(push)) => {
                debug!(action = push.action(), "push received");
                if let Some(pushes) = &*self.pushes.lock() {
                    let _ = pushes.send(push);
                }
            }
        }
    }

    fn complete(&self, action: &str, request_id: &str, result: Result<Value>) {
        let pending = self.pending.lock().remove(request_id);
        match pending {
            Some(p) => {
                let _ = p.reply.send(result);
            }
            None => debug!(
                action,
                request_id, "reply to no pending request (late or duplicate): dropped"
            ),
        }
    }

    /// Fails every request still waiting for a reply on socket `id`.
    fn fail_pending(&self, id: u64, why: &str) {
        let lost: Vec<Pending> = {
            let mut pending = self.pending.lock();
            let ids: Vec<String> = pending
                .iter()
                .filter(|(_, p)| p.socket == id)
                .map(|(k, _)| k.clone())
                .collect();
            ids.into_iter().filter_map(|k| pending.remove(&k)).collect()
        };
        for p in lost {
            let _ = p.reply.send(Err(Error::ServiceCallFailed {
                action: p.action,
                reason: why.to_owned(),
            }));
        }
    }

    fn on_socket_end(self: Arc<Self>, id: u64, normal_close: bool, why: String) {
        let lost = format!("connection lost before the reply arrived: {why}");
        let is_current = matches!(&*self.link.borrow(), Link::Up(s) if s.id == id);
        if self.shutdown.load(Ordering::SeqCst) {
            // destroy() already failed every pending request.
        } else if !is_current {
            debug!(socket = id, "replaced socket ended: {why}");
        } else if normal_close {
            warn!("{why}; the Go SDK does not reconnect after a normal close, and neither do we");
            self.link.send_replace(Link::Down(why));
        } else {
            warn!("connection lost ({why}); reconnecting");
            self.link.send_replace(Link::Connecting);
            let url = self.url.lock().clone();
            Shared::spawn_reconnect(self.clone(), url);
        }
        // After the link changed: see `Transport::call`.
        self.fail_pending(id, &lost);
    }

    /// Reconnects to `url` as it is (same `IdempotencyToken`). One at a time.
    ///
    /// A service that accepts the handshake and then closes at once (e.g. Playfield refusing
    /// an unknown fleet with 1008) would make a plain "dial again" loop spin. So reconnects
    /// that follow each other with no inbound frame in between back off on the same
    /// schedule, and after as many of them as the schedule has steps the SDK gives up. The
    /// first reconnect after a working socket dials at once, as the Go SDK does.
    async fn reconnect(self: Arc<Self>, url: String) {
        if self.reconnecting.swap(true, Ordering::SeqCst) {
            return;
        }
        let streak = self.reconnect_streak.fetch_add(1, Ordering::SeqCst) as usize;
        let delays = &self.config.reconnect_delays;
        let result = if streak == 0 {
            self.dial_with_retries(&url).await
        } else if let Some(delay) = delays.get(streak - 1) {
            info!(
                streak,
                "the service keeps closing the connection; reconnecting in {delay:?}"
            );
            tokio::time::sleep(*delay).await;
            self.dial_with_retries(&url).await
        } else {
            Err(Error::WebsocketConnectFailure {
                endpoint: redact(&url),
                attempts: streak as u32,
                reason: "the service closed every new connection before sending anything".into(),
            })
        };
        let mut superseded = false;
        match result {
            Ok(_) if *self.url.lock() != url => {
                // A RefreshConnection moved the SDK elsewhere while this reconnect dialled.
                info!("reconnect superseded by RefreshConnection: dropped");
                superseded = true;
            }
            Ok(ws) if !self.shutdown.load(Ordering::SeqCst) => {
                info!(endpoint = %redact(&url), "reconnected");
                self.install(ws);
            }
            Ok(_) => {}
            Err(e) => {
                warn!("giving up reconnecting: {e}");
                if !self.shutdown.load(Ordering::SeqCst)
                    && matches!(&*self.link.borrow(), Link::Connecting)
                {
                    self.link.send_replace(Link::Down(e.to_string()));
                }
            }
        }
        self.reconnecting.store(false, Ordering::SeqCst);
        // If the refreshed socket died meanwhile, its reconnect was skipped: start it now.
        if superseded
            && !self.shutdown.load(Ordering::SeqCst)
            && matches!(&*self.link.borrow(), Link::Connecting)
        {
            let url = self.url.lock().clone();
            Shared::spawn_reconnect(self.clone(), url);
        }
    }

    /// Starts [`Shared::reconnect`] in its own task. (A plain function, so the reconnect
    /// future can start another one without a recursive `Send` bound.)
    fn spawn_reconnect(self: Arc<Self>, url: String) {
        tokio::spawn(Shared::reconnect(self, url));
    }
}
