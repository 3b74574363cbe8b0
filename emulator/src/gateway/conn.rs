//! One game server connection: handshake, then read requests and write replies and pushes
//! until either side closes. One task per connection, with small buffers, so thousands of
//! idle game servers cost little memory.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::dispatch::{self, ConnCtx};
use super::query::ConnectParams;
use super::{render, Outbound, HARD_MAX_MESSAGE_BYTES};
use crate::hub::Shared;

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(HARD_MAX_MESSAGE_BYTES))
        .max_frame_size(Some(HARD_MAX_MESSAGE_BYTES))
}

fn reject(status: StatusCode, body: String) -> ErrorResponse {
    // The SDKs retry a refused connect for minutes (sdk-wire-protocol.md §1.7) and report only
    // a generic failure, so the reason must be in the daemon's log.
    tracing::warn!(target: "playfield", "refused a game server connection ({status}): {body}");
    let mut r = ErrorResponse::new(Some(body));
    *r.status_mut() = status;
    r
}

/// Serves one accepted stream (plain TCP or TLS) until it closes or the daemon stops.
pub async fn serve<S>(
    shared: Arc<Shared>,
    stream: S,
    mut shutdown: watch::Receiver<bool>,
    handshake_timeout: Duration,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut params: Option<ConnectParams> = None;
    let check_shared = shared.clone();
    // The error type is fixed by tungstenite's handshake callback; it is built once per
    // rejected connection, so its size does not matter.
    #[allow(clippy::result_large_err)]
    let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let p = ConnectParams::parse(req.uri().query())
            .map_err(|m| reject(StatusCode::BAD_REQUEST, m))?;
        // Refuse before the upgrade what the core would refuse after it (unknown fleet,
        // a pID bound to another fleet), so the SDK sees an HTTP status, not a closed socket.
        // With `[auth] required`, a first connection also needs a GetComputeAuthToken token.
        let now = check_shared.now();
        let checked = check_shared.read(|core| {
            core.check_connect(&p.connect_info())?;
            core.check_compute_auth(
                now,
                &p.pid,
                &p.fleet_id,
                p.compute_id.as_deref(),
                p.authorization.as_deref(),
            )
        });
        if let Err(e) = checked {
            let status =
                StatusCode::from_u16(render::status_code(&e)).unwrap_or(StatusCode::BAD_REQUEST);
            return Err(reject(status, e.to_string()));
        }
        params = Some(p);
        Ok(resp)
    };
    let handshake =
        tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(ws_config()));
    let mut ws = match tokio::time::timeout(handshake_timeout, handshake).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(e)) => {
            tracing::debug!(target: "playfield::gateway", "WebSocket handshake failed: {e}");
            return;
        }
        Err(_) => {
            tracing::debug!(target: "playfield::gateway", "WebSocket handshake timed out");
            return;
        }
    };
    let Some(params) = params else { return };
    let conn = shared.next_conn_id();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let connected = shared.with_hub(|hub, now| {
        hub.gateway.register(conn, tx);
        hub.core.connect(now, conn, params.connect_info())
    });
    if let Err(e) = connected {
        shared.with_hub(|hub, _| hub.gateway.unregister(conn));
        let _ = ws
            .close(Some(CloseFrame {
                code: CloseCode::Policy,
                reason: e.to_string().into(),
            }))
            .await;
        return;
    }
    let ctx = ConnCtx {
        pid: params.pid.clone(),
        fleet_id: params.fleet_id.clone(),
        compute_id: params.compute_id.clone(),
    };
    loop {
        tokio::select! {
            incoming = ws.next() => {
                let text: &str = match &incoming {
                    None => break,
                    Some(Ok(Message::Text(t))) => t.as_str(),
                    // The CPP SDK parses any opcode (§1.4); be as lenient with UTF-8 binary.
                    Some(Ok(Message::Binary(b))) => match std::str::from_utf8(b) {
                        Ok(t) => t,
                        Err(_) => {
                            let reply = render::error("", "", 400,
                                "binary frame is not UTF-8 text; send each JSON message as a text frame");
                            if ws.send(Message::text(reply)).await.is_err() { break; }
                            continue;
                        }
                    },
                    Some(Ok(Message::Close(_))) => break,
                    Some(Ok(_)) => continue, // ping/pong: tungstenite answers pings itself
                    Some(Err(WsError::Capacity(e))) => {
                        let _ = ws.close(Some(CloseFrame {
                            code: CloseCode::Size,
                            reason: format!("{e}; the limit is {HARD_MAX_MESSAGE_BYTES} bytes").into(),
                        })).await;
                        break;
                    }
                    // A frame that breaks the WebSocket protocol itself cannot be answered
                    // in-band: the connection is failed (RFC 6455 §7.1.7) with a close code
                    // and reason that say why. Other connections are not affected.
                    Some(Err(WsError::Utf8(_))) => {
                        let _ = ws.close(Some(CloseFrame {
                            code: CloseCode::Invalid,
                            reason: "text frame is not valid UTF-8".into(),
                        })).await;
                        break;
                    }
                    Some(Err(WsError::Protocol(e))) => {
                        let _ = ws.close(Some(CloseFrame {
                            code: CloseCode::Protocol,
                            reason: format!("WebSocket protocol error: {e}").into(),
                        })).await;
                        break;
                    }
                    Some(Err(e)) => {
                        tracing::debug!(target: "playfield::gateway", "connection {conn} of {}: {e}", ctx.pid);
                        break;
                    }
                };
                let reply = match dispatch::parse(text) {
                    Ok(parsed) => shared.with_hub(|hub, now| dispatch::execute(hub, now, &ctx, parsed)),
                    Err(reply) => reply,
                };
                if ws.send(Message::text(reply)).await.is_err() {
                    break;
                }
            }
            out = rx.recv() => match out {
                Some(Outbound::Text(t)) => {
                    if ws.send(Message::text(t)).await.is_err() { break; }
                }
                Some(Outbound::Close { code, reason }) => {
                    let _ = ws.close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.into() })).await;
                    break;
                }
                None => break,
            },
            _ = shutdown.changed() => {
                // Deliver what was queued first (e.g. the TerminateProcess of a shutdown).
                while let Ok(Outbound::Text(t)) = rx.try_recv() {
                    if ws.send(Message::text(t)).await.is_err() { break; }
                }
                let _ = ws.close(Some(CloseFrame {
                    code: CloseCode::Away,
                    reason: "Playfield is shutting down".into(),
                })).await;
                break;
            }
        }
    }
    shared.with_hub(|hub, now| {
        hub.gateway.unregister(conn);
        hub.core.disconnect(now, &ctx.pid, conn);
        if hub.core.process(&ctx.pid).is_none() {
            hub.gateway.forget_process(&ctx.pid);
        }
    });
}
