//! One game server connection: handshake, then read requests and write replies and pushes
//! until either side closes. One task per connection, with small buffers, so thousands of
//! idle game servers cost little memory.
//!
//! Every connection ends with the close handshake (RFC 6455 §7.1, `finish`): a Close from
//! the game server is answered with the same code, a close the daemon starts carries a code
//! and a reason and waits briefly for the answer, and only then are TLS (close_notify) and
//! TCP closed. The SDKs tell a close they should accept (1000, 1001) from a lost connection
//! they must reconnect by that handshake (sdk-wire-protocol.md §1.8).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::dispatch::{self, ConnCtx};
use super::query::ConnectParams;
use super::read_budget::{self, Budgeted};
use super::{render, Outbound, Outbox, HARD_MAX_MESSAGE_BYTES, MAX_OUTBOUND_QUEUE_BYTES};
use crate::log_safe::log_safe;
use crate::wiring::hub::Shared;
use playfield_core::{ConnId, CoreError, ProcessStatus};

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
    tracing::warn!(target: "playfield", "{}", refusal_log_line(status, &body));
    let mut r = ErrorResponse::new(Some(body));
    *r.status_mut() = status;
    r
}

/// The log line of a refused connection. The reason quotes what the connection sent (its
/// pID, its token): escaped, so a value with a newline cannot forge a line of its own.
fn refusal_log_line(status: StatusCode, body: &str) -> String {
    format!(
        "refused a game server connection ({status}): {}",
        log_safe(body)
    )
}

/// Serves one accepted stream (plain TCP or TLS) until it closes or the daemon stops.
pub(crate) async fn serve<S>(
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
        // With `[auth] required`, every connection also needs a GetComputeAuthToken token.
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
    // Until its process is ready, what the connection may make the daemon buffer is bounded
    // (see `read_budget`).
    let (stream, budget) = Budgeted::new(stream);
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
    budget.message_done();
    let conn = shared.next_conn_id();
    let ctx = ConnCtx {
        pid: params.pid.clone(),
        compute_id: params.compute_id.clone(),
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let outbox = Arc::new(Outbox::default());
    let connected = shared.with_hub(|hub, now| {
        hub.gateway.register(conn, tx, outbox.clone());
        // Checked again under the write lock: the handshake's check ran under a read lock,
        // and what it relied on (a process's admission, a token) may have changed since.
        hub.core.check_compute_auth(
            now,
            &params.pid,
            &params.fleet_id,
            params.compute_id.as_deref(),
            params.authorization.as_deref(),
        )?;
        let connected = hub.core.connect(now, conn, params.connect_info())?;
        hub.core
            .note_compute_auth(&params.pid, params.authorization.as_deref());
        Ok(connected)
    });
    if let Err(e) = connected {
        shared.with_hub(|hub, _| hub.gateway.unregister(conn));
        // A reconnect of a process that called ProcessEnding is told with 1000, after which
        // neither SDK reconnects (sdk-wire-protocol.md §1.8); anything else is a refusal.
        let code = match e {
            CoreError::ProcessEnded { .. } => CloseCode::Normal,
            _ => CloseCode::Policy,
        };
        if code == CloseCode::Normal {
            // The C++ SDK's Connect checks that the socket it opened is still open a moment
            // after the upgrade: a close landing before that check is taken for a failed
            // connect and retried on the §1.7 schedule (4 s, 8 s, … about 156 s in all), and
            // its Destroy() waits for that loop. Seen by hand with SDK 5.4 in four runs of
            // six; holding the refusal briefly lets the SDK see the connection open, then
            // read the 1000 and stop (§1.8).
            tokio::select! {
                _ = tokio::time::sleep(REFUSAL_CLOSE_DELAY) => {}
                _ = shutdown.changed() => {}
            }
        }
        let ending = Ending::Close(close_frame(code, e.to_string()));
        log_ending(&ctx.pid, conn, &ending);
        finish(&mut ws, &ending, &mut shutdown).await;
        return;
    }
    // A process restored ready on its reconnect is ready from the start.
    let is_ready = |shared: &Shared, pid: &str| {
        shared.read(|core| {
            core.process(pid)
                .is_some_and(|p| p.status == ProcessStatus::Active)
        })
    };
    if is_ready(&shared, &ctx.pid) {
        budget.set_ready();
    }
    let ending = loop {
        tokio::select! {
            incoming = ws.next() => {
                if let Some(Ok(_)) = &incoming {
                    budget.message_done();
                }
                if let Some(Err(WsError::Io(e))) = &incoming {
                    if read_budget::is_over_budget(e) {
                        // Lifted so that the close handshake and the drain can read on.
                        budget.lift();
                    }
                }
                let text: &str = match &incoming {
                    None => break Ending::Lost(None),
                    Some(Ok(Message::Text(t))) => t.as_str(),
                    // The CPP SDK parses any opcode (§1.4); be as lenient with UTF-8 binary.
                    Some(Ok(Message::Binary(b))) => match std::str::from_utf8(b) {
                        Ok(t) => t,
                        Err(_) => {
                            let reply = render::error("", "", 400,
                                "binary frame is not UTF-8 text; send each JSON message as a text frame");
                            if let Err(ending) = send(&mut ws, reply, &outbox).await {
                                break ending;
                            }
                            continue;
                        }
                    },
                    // Answered by [`finish`]: tungstenite has queued the echo (RFC 6455 §5.5.1).
                    Some(Ok(Message::Close(frame))) => break Ending::ClosedByPeer(frame.clone()),
                    Some(Ok(_)) => continue, // ping/pong: tungstenite answers pings itself
                    Some(Err(e)) => break ending_on_error(e),
                };
                let reply = match dispatch::parse(text) {
                    Ok(parsed) => shared.with_hub(|hub, now| dispatch::execute(hub, now, &ctx, parsed)),
                    Err(reply) => reply,
                };
                if !budget.is_ready() && is_ready(&shared, &ctx.pid) {
                    budget.set_ready();
                }
                if let Err(ending) = send(&mut ws, reply, &outbox).await {
                    break ending;
                }
            }
            out = rx.recv() => match out {
                Some(Outbound::Text(t)) => {
                    outbox.taken(&t);
                    if let Err(ending) = send(&mut ws, t, &outbox).await {
                        break ending;
                    }
                }
                Some(Outbound::Close { code, reason }) => {
                    break Ending::Close(close_frame(CloseCode::from(code), reason));
                }
                // The registry dropped this connection's sender: nothing more will come.
                None => break Ending::Close(close_frame(CloseCode::Away, "Playfield is shutting down")),
            },
            _ = outbox.overflowed() => break stopped_reading(),
            _ = shutdown.changed() => {
                // Deliver what was queued first (e.g. the TerminateProcess of a shutdown).
                while let Ok(Outbound::Text(t)) = rx.try_recv() {
                    if ws.send(Message::text(t)).await.is_err() { break; }
                }
                break Ending::Shutdown(close_frame(CloseCode::Away, "Playfield is shutting down"));
            }
        }
    };
    log_ending(&ctx.pid, conn, &ending);
    // The connection is over for the core now: pushes made while the close handshake runs go
    // to a newer connection or wait for the reconnect instead of into a closing socket.
    shared.with_hub(|hub, now| {
        hub.gateway.unregister(conn);
        hub.core.disconnect(now, &ctx.pid, conn);
        if hub.core.process(&ctx.pid).is_none() {
            hub.gateway.forget_process(&ctx.pid);
        }
    });
    finish(&mut ws, &ending, &mut shutdown).await;
}

/// Sends `text`, unless the game server stops reading meanwhile: a send it does not take
/// would wait for ever, and the pushes meant for it would pile up behind it
/// ([`MAX_OUTBOUND_QUEUE_BYTES`]).
async fn send<S>(ws: &mut WebSocketStream<S>, text: String, outbox: &Outbox) -> Result<(), Ending>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tokio::select! {
        sent = ws.send(Message::text(text)) => sent.map_err(|e| Ending::Lost(Some(e.to_string()))),
        _ = outbox.overflowed() => Err(stopped_reading()),
    }
}

/// The end of a connection whose game server stopped reading it.
fn stopped_reading() -> Ending {
    Ending::Fail(close_frame(
        CloseCode::Policy,
        format!(
            "the game server stopped reading: over {MAX_OUTBOUND_QUEUE_BYTES} bytes of pushes are waiting"
        ),
    ))
}

/// How a connection ends.
#[derive(Debug)]
enum Ending {
    /// The game server sent a Close frame (the C++ SDK's Destroy sends 1001, §1.11).
    ClosedByPeer(Option<CloseFrame>),
    /// The connection ended or failed without a Close frame (the GO SDK's Destroy, §1.11).
    Lost(Option<String>),
    /// The daemon closes the connection with this frame (core's request, refused connect).
    Close(CloseFrame),
    /// The daemon is stopping and closes every connection with this frame.
    Shutdown(CloseFrame),
    /// The game server broke the protocol: the daemon closes with this frame, and cannot
    /// read frames any more.
    Fail(CloseFrame),
}

/// What a read error means for the connection.
fn ending_on_error(e: &WsError) -> Ending {
    match e {
        WsError::Capacity(e) => Ending::Fail(close_frame(
            CloseCode::Size,
            format!("{e}; the limit is {HARD_MAX_MESSAGE_BYTES} bytes"),
        )),
        // TCP closed without a Close frame: the GO SDK's Destroy does that (§1.11), and so
        // does a network failure. Nothing is left to answer.
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => Ending::Lost(None),
        // A frame that breaks the WebSocket protocol itself cannot be answered in-band: the
        // connection is failed (RFC 6455 §7.1.7) with a close code and reason that say why.
        // Other connections are not affected.
        WsError::Utf8(_) => Ending::Fail(close_frame(
            CloseCode::Invalid,
            "text frame is not valid UTF-8",
        )),
        WsError::Protocol(e) => Ending::Fail(close_frame(
            CloseCode::Protocol,
            format!("WebSocket protocol error: {e}"),
        )),
        WsError::Io(e) if read_budget::is_over_budget(e) => {
            Ending::Fail(close_frame(CloseCode::Size, e.to_string()))
        }
        e => Ending::Lost(Some(e.to_string())),
    }
}

/// How long each step of ending a connection may take: writing the Close reply, waiting for
/// the peer's reply to the daemon's Close, and closing TLS and TCP. Both SDKs' WebSocket
/// libraries answer a Close at once; the bound only keeps a peer that does not from holding
/// the task (or the daemon's shutdown) for long.
const CLOSE_STEP_TIMEOUT: Duration = Duration::from_secs(1);

/// The same wait while the daemon stops: shorter, as every connection waits at once and the
/// SDKs answer within a round trip; their Close has been sent either way.
const SHUTDOWN_CLOSE_STEP_TIMEOUT: Duration = Duration::from_millis(250);

/// After a failed connection, how long the daemon reads away what the peer still sends,
/// while bytes keep coming, and how much at most.
const DRAIN_IDLE_TIMEOUT: Duration = Duration::from_secs(1);
const DRAIN_MAX_TIME: Duration = Duration::from_secs(10);
const DRAIN_MAX_BYTES: usize = 4 * HARD_MAX_MESSAGE_BYTES;

/// Completes the close handshake (RFC 6455 §7.1), then closes TLS with close_notify and TCP
/// with a FIN, so the peer reads the Close before the end of the connection. A Close that is
/// lost looks like a network failure to the SDKs, which then reconnect (§1.8); a C++ SDK
/// does so from inside Destroy() and never returns.
async fn finish<S>(
    ws: &mut WebSocketStream<S>,
    ending: &Ending,
    shutdown: &mut watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let handshake = async {
        match ending {
            // Reading on writes the queued echo; the stream ends once it is out.
            Ending::ClosedByPeer(_) => while let Some(Ok(_)) = ws.next().await {},
            // RFC 6455 §7.1.1: the server waits for the peer's Close before closing TCP.
            // Messages still arriving are read and dropped: nothing can answer them now.
            Ending::Close(frame) | Ending::Shutdown(frame) => {
                if ws.close(Some(frame.clone())).await.is_ok() {
                    while let Some(Ok(_)) = ws.next().await {}
                }
            }
            Ending::Fail(frame) => {
                let _ = ws.close(Some(frame.clone())).await;
            }
            Ending::Lost(_) => {}
        }
    };
    let step = match ending {
        Ending::Shutdown(_) => SHUTDOWN_CLOSE_STEP_TIMEOUT,
        _ => CLOSE_STEP_TIMEOUT,
    };
    let _ = tokio::time::timeout(step, handshake).await;
    let _ = tokio::time::timeout(step, ws.get_mut().shutdown()).await;
    if let Ending::Fail(_) = ending {
        // The rest of the bad message is still coming: closing now would reset the
        // connection, and a reset can lose the Close frame and fails the sender's write.
        let drain = tokio::time::timeout(DRAIN_MAX_TIME, read_away(ws.get_mut()));
        tokio::select! {
            _ = drain => {}
            _ = shutdown.wait_for(|stopping| *stopping) => {}
        }
    }
}

/// Reads and drops bytes until the peer closes, goes quiet, or sent too much.
async fn read_away<S: AsyncRead + Unpin>(io: &mut S) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0;
    while total < DRAIN_MAX_BYTES {
        match tokio::time::timeout(DRAIN_IDLE_TIMEOUT, io.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => total += n,
            _ => break,
        }
    }
}

/// A Close frame whose reason fits a control frame: at most 123 bytes of UTF-8 (RFC 6455
/// §5.5: 125 bytes of payload, 2 of them the code). A longer one is a protocol error at the
/// peer, which then takes the close for abnormal and reconnects (§1.8).
fn close_frame(code: CloseCode, reason: impl Into<String>) -> CloseFrame {
    let mut reason = reason.into();
    if reason.len() > MAX_CLOSE_REASON_BYTES {
        let mut end = MAX_CLOSE_REASON_BYTES;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    CloseFrame {
        code,
        reason: reason.into(),
    }
}

const MAX_CLOSE_REASON_BYTES: usize = 123;

/// How long the reconnect of a process that called ProcessEnding is kept open before its
/// 1000 close (see where it is used): long enough for the C++ SDK to see the connection open.
const REFUSAL_CLOSE_DELAY: Duration = Duration::from_millis(500);

/// One line per connection end, saying who closed it and how.
fn log_ending(pid: &str, conn: ConnId, ending: &Ending) {
    // The pID is the connection's own choice: escaped (see [`refusal_log_line`]).
    let pid = log_safe(pid);
    match ending {
        Ending::ClosedByPeer(frame) => tracing::info!(
            target: "playfield",
            "process {pid} closed its connection {conn} {}",
            describe(frame.as_ref())
        ),
        Ending::Lost(None) => tracing::info!(
            target: "playfield",
            "process {pid} dropped its connection {conn} without a close frame"
        ),
        Ending::Lost(Some(e)) => tracing::info!(
            target: "playfield",
            "connection {conn} of process {pid} broke without a close frame: {e}"
        ),
        Ending::Close(frame) => tracing::info!(
            target: "playfield",
            "closing connection {conn} of process {pid} {}",
            describe(Some(frame))
        ),
        Ending::Shutdown(frame) => tracing::debug!(
            target: "playfield::gateway",
            "closing connection {conn} of process {pid} {}",
            describe(Some(frame))
        ),
        Ending::Fail(frame) => tracing::warn!(
            target: "playfield",
            "closing connection {conn} of process {pid} {}",
            describe(Some(frame))
        ),
    }
}

/// "with 1001 (going away): Websocket client closing".
fn describe(frame: Option<&CloseFrame>) -> String {
    let Some(frame) = frame else {
        return "without a close code".to_string();
    };
    let code = u16::from(frame.code);
    // RFC 6455 §7.4.1.
    let meaning = match code {
        1000 => "normal",
        1001 => "going away",
        1002 => "protocol error",
        1003 => "unsupported data",
        1007 => "invalid data",
        1008 => "policy violation",
        1009 => "message too big",
        1011 => "internal error",
        _ => "",
    };
    let mut out = format!("with {code}");
    if !meaning.is_empty() {
        out.push_str(&format!(" ({meaning})"));
    }
    if !frame.reason.is_empty() {
        out.push_str(&format!(": {}", log_safe(frame.reason.as_str())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_reason_is_cut_at_a_character_boundary() {
        let frame = close_frame(CloseCode::Normal, "é".repeat(100));
        assert_eq!(frame.reason.len(), 122, "61 two-byte characters");
        let short = close_frame(CloseCode::Normal, "superseded");
        assert_eq!(short.reason.as_str(), "superseded");
    }

    /// The GO SDK's Destroy drops TCP without a Close frame (sdk-wire-protocol.md §1.11):
    /// a lost connection, not a protocol error to answer with 1002.
    #[test]
    fn read_errors_end_the_connection_as_they_should() {
        let reset = WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake);
        assert!(matches!(ending_on_error(&reset), Ending::Lost(None)));
        let bad = WsError::Protocol(ProtocolError::InvalidOpcode(3));
        assert!(matches!(ending_on_error(&bad), Ending::Fail(f) if f.code == CloseCode::Protocol));
        let io = WsError::Io(std::io::ErrorKind::ConnectionReset.into());
        assert!(matches!(ending_on_error(&io), Ending::Lost(Some(_))));
    }

    #[test]
    fn close_frames_are_described_with_their_meaning() {
        let frame = close_frame(CloseCode::Away, "Websocket client closing");
        assert_eq!(
            describe(Some(&frame)),
            "with 1001 (going away): Websocket client closing"
        );
        assert_eq!(describe(None), "without a close code");
    }
}

#[cfg(test)]
mod log_tests {
    use super::*;

    /// Issue 15 finding 8: an auth token with a newline was written raw into the log.
    #[test]
    fn a_refusal_quoting_a_token_with_a_newline_stays_one_line() {
        let line = refusal_log_line(
            StatusCode::FORBIDDEN,
            "process p: token 'x\nINFO playfield: forged' was not issued by this daemon",
        );
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("x\\nINFO"), "{line}");
    }
}
