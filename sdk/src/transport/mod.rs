//! The WebSocket link to the service: connect with retries, request/response correlation,
//! automatic reconnect, RefreshConnection (sdk-wire-protocol.md §1, §2.2).
//!
//! # How it works
//!
//! Each socket gets two tasks: a *writer* that drains an outgoing queue into the socket, and a
//! *reader* that classifies every text frame (§2.2). Replies complete the pending request with
//! the same `RequestId`; replies nobody waits for (late, duplicate) are dropped; pushes go to
//! the session's dispatcher through a channel. Only one socket is *current*: requests are
//! written to it and pushes may arrive on it.
//!
//! # Reconnects
//!
//! * The current socket ends abnormally (any close code but 1000/1001, EOF, reset): reconnect
//!   to the same URL (same `IdempotencyToken`, same signature) with the §1.7 schedule.
//!   A close with 1000 or 1001 is final, as in the Go SDK.
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
pub(crate) mod url;

use crate::error::{Error, Result};
use crate::params::Auth;
use crate::wire::{Inbound, Push, Request};
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
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use tracing::{debug, info, warn};
use url::{connect_url, redact, ConnectIdentity};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

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
    out: mpsc::UnboundedSender<Message>,
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
    tls: Arc<rustls::ClientConfig>,
    identity: ConnectIdentity,
    /// The URL automatic reconnects dial (the last Connect's URL, token included).
    url: Mutex<String>,
    link: watch::Sender<Link>,
    pending: Mutex<HashMap<String, Pending>>,
    next_socket: AtomicU64,
    consecutive_timeouts: AtomicU32,
    reconnecting: AtomicBool,
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
            tls,
            identity,
            url: Mutex::new(url.clone()),
            link,
            pending: Mutex::new(HashMap::new()),
            next_socket: AtomicU64::new(1),
            consecutive_timeouts: AtomicU32::new(0),
            reconnecting: AtomicBool::new(false),
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
        debug!(action, request_id, "sending request");
        // If the socket died between `wait_until_up` and the insert above, its end may have
        // failed the pending requests before ours was there: `on_socket_end` changes the link
        // first and fails requests second, so checking the link after the insert closes the gap.
        let link_up = matches!(&*shared.link.borrow(), Link::Up(_));
        if !link_up || socket.out.send(Message::text(text)).is_err() {
            shared.pending.lock().remove(&request_id);
            return Err(Error::ServiceCallFailed {
                action,
                reason: "connection lost before the request was sent".into(),
            });
        }
        match tokio::time::timeout_at(deadline, reply_rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(Error::ServiceCallFailed {
                action,
                reason: "the SDK was destroyed while waiting for the reply".into(),
            }),
            Err(_) => {
                shared.pending.lock().remove(&request_id);
                let count = shared.consecutive_timeouts.fetch_add(1, Ordering::SeqCst) + 1;
                let threshold = shared.config.timeout_reconnect_threshold;
                warn!(action, request_id, count, "no reply in time");
                if threshold > 0 && count >= threshold {
                    info!("{count} consecutive request timeouts: reconnecting");
                    let url = shared.url.lock().clone();
                    tokio::spawn(Shared::reconnect(self.shared.clone(), url));
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
            close_socket(&socket, "Websocket client closing");
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
            socket.reader.abort();
        }
    }
}

fn close_socket(socket: &Socket, reason: &'static str) {
    let _ = socket.out.send(Message::Close(Some(CloseFrame {
        code: CloseCode::Away,
        reason: reason.into(),
    })));
    socket.reader.abort();
}

impl Shared {
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
        let handshake =
            tokio_tungstenite::connect_async_tls_with_config(request, None, false, connector);
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
        let (mut sink, mut stream) = ws.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = out_rx.recv().await {
                let closing = matches!(message, Message::Close(_));
                if let Err(e) = sink.send(message).await {
                    debug!(socket = id, "write failed: {e}");
                    break;
                }
                if closing {
                    break;
                }
            }
            let _ = sink.close().await;
        });
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
        let socket = Socket { id, out, reader };
        let previous = self.link.send_replace(Link::Up(socket.clone()));
        if self.shutdown.load(Ordering::SeqCst) {
            // destroy() ran while this socket was being dialled.
            self.link.send_replace(Link::Shutdown);
            close_socket(&socket, "Websocket client closing");
            return;
        }
        if let Link::Up(old) = previous {
            let grace = self.config.old_socket_grace;
            let shared = Arc::downgrade(self);
            tokio::spawn(async move {
                tokio::time::sleep(grace).await;
                close_socket(&old, "Websocket client reconnecting");
                if let Some(shared) = shared.upgrade() {
                    shared.fail_pending(old.id, "the socket was replaced before the reply arrived");
                }
            });
        }
    }

    fn on_text(&self, text: &str) {
        self.consecutive_timeouts.store(0, Ordering::SeqCst);
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
            tokio::spawn(Shared::reconnect(self.clone(), url));
        }
        // After the link changed: see `Transport::call`.
        self.fail_pending(id, &lost);
    }

    /// Reconnects to `url` as it is (same `IdempotencyToken`). One at a time.
    async fn reconnect(self: Arc<Self>, url: String) {
        if self.reconnecting.swap(true, Ordering::SeqCst) {
            return;
        }
        match self.dial_with_retries(&url).await {
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
    }
}
