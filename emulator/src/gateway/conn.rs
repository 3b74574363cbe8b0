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

/// How long one message may take to go out before the daemon gives up on the game server.
///
/// A send waits only once the daemon's send buffer and the game server's receive buffer are
/// full: the game server has not read for a while. The SDKs read on a thread of their own,
/// whatever the game's main thread and callbacks do (GO handles each message on its own
/// goroutine, CPP calls back on detached threads: sdk-wire-protocol.md §1.4, §4.1), so a game
/// server that does not take one message in this time has stopped: hung, SIGSTOPped, paused in
/// a debugger, or its host is gone. With nothing else queued its outbox never overflows
/// ([`MAX_OUTBOUND_QUEUE_BYTES`]), and without this bound its connection would wait on the send
/// for ever.
///
/// The real service judges an unresponsive process by its health reports, which the SDKs send
/// every 50–70 s (§6), and terminates one silent for too long
/// (SERVER_PROCESS_TERMINATED_UNHEALTHY, gamelift-service-2.json EventCode); the core gives up
/// on a silent one after its heartbeat timeout (180 s by default). Two heartbeat intervals
/// here, then the reconnect grace of any lost connection (60 s by default), put the loss of a
/// process stopped in the middle of a send at about those same 180 s; a process that reads
/// again within the grace reconnects (the close is abnormal to its SDK, §1.8) and keeps its
/// game session. A game server that reads, however slowly, is not cut off: even the largest
/// message the daemon sends, a CreateGameSession push of a few MB at most (its matchmaker and
/// game session data, escaped), takes 120 s only below about 20 KB/s.
const SEND_TIMEOUT: Duration = Duration::from_secs(120);

/// Sends `text`, unless the game server stops reading meanwhile: a send it does not take
/// would wait for ever, and the pushes meant for it would pile up behind it
/// ([`MAX_OUTBOUND_QUEUE_BYTES`]). A send that stays stuck with nothing behind it is given
/// [`SEND_TIMEOUT`].
async fn send<S>(ws: &mut WebSocketStream<S>, text: String, outbox: &Outbox) -> Result<(), Ending>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let len = text.len();
    // `timeout` polls the send first: one that completes at once never starts the timer.
    let sending = tokio::time::timeout(SEND_TIMEOUT, ws.send(Message::text(text)));
    tokio::select! {
        sent = sending => match sent {
            Ok(sent) => sent.map_err(|e| Ending::Lost(Some(e.to_string()))),
            Err(_) => Err(send_timed_out(len)),
        },
        _ = outbox.overflowed() => Err(stopped_reading()),
    }
}

/// The end of a connection whose game server did not take a message of `len` bytes in
/// [`SEND_TIMEOUT`]. It is then gone as any lost connection is: the core keeps the process
/// for its reconnect grace.
fn send_timed_out(len: usize) -> Ending {
    Ending::Fail(close_frame(
        CloseCode::Policy,
        format!(
            "the game server stopped reading: it did not take a {len}-byte message in {} s",
            SEND_TIMEOUT.as_secs()
        ),
    ))
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
    /// The game server broke the protocol or stopped reading: the daemon closes with this
    /// frame, and cannot read frames any more.
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

/// A game server that stops reading while the daemon has one message on its way, and one that
/// reads slowly, over an in-memory pipe on tokio's paused clock (no wall-clock waits).
#[cfg(test)]
mod send_timeout_tests {
    use super::*;
    use playfield_core::{Clock, Core, CoreConfig, Event, Fleet, ManualClock};
    use tokio::io::DuplexStream;
    use tokio::task::JoinHandle;

    /// Bytes the pipe holds each way: stands for the socket buffers of a game server that has
    /// stopped reading, which a message larger than this fills.
    const PIPE_BYTES: usize = 4096;

    struct Connected {
        shared: Arc<Shared>,
        /// The connection's task (`serve`): it ends when the connection does.
        task: JoinHandle<()>,
        game_server: WebSocketStream<DuplexStream>,
        /// Dropping it would tell the connection that the daemon is stopping.
        _running: watch::Sender<bool>,
    }

    /// Process "p1" connected and ready (its ActivateServerProcess answered).
    async fn ready_game_server() -> Connected {
        let mut core = Core::new(CoreConfig::default());
        core.register_fleet(Fleet {
            id: "fleet-1".into(),
            name: "t".into(),
            locations: vec![],
        })
        .unwrap();
        let shared = Arc::new(Shared::new(
            core,
            Arc::new(ManualClock::new()) as Arc<dyn Clock>,
        ));
        let (daemon_end, game_server_end) = tokio::io::duplex(PIPE_BYTES);
        let (running, shutdown) = watch::channel(false);
        let task = tokio::spawn(serve(
            shared.clone(),
            daemon_end,
            shutdown,
            Duration::from_secs(20),
        ));
        let url = "ws://localhost/?pID=p1&FleetId=fleet-1";
        let (mut game_server, _) = tokio_tungstenite::client_async(url, game_server_end)
            .await
            .expect("WebSocket handshake");
        let ready = r#"{"Action":"ActivateServerProcess","RequestId":"r-1","SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7000}"#;
        game_server.send(Message::text(ready)).await.unwrap();
        match game_server.next().await {
            Some(Ok(Message::Text(t))) => assert!(t.contains(r#""StatusCode":200"#), "{t}"),
            other => panic!("expected the ActivateServerProcess reply, got {other:?}"),
        }
        Connected {
            shared,
            task,
            game_server,
            _running: running,
        }
    }

    /// Pushes one RefreshConnection (sdk-wire-protocol.md §4.4) whose token is `token_bytes`
    /// long: a message far larger than the pipe.
    fn push_large_message(shared: &Shared, token_bytes: usize) {
        shared
            .execute(|core, _| {
                core.refresh_connection("p1", "ws://localhost".into(), "t".repeat(token_bytes))
            })
            .expect("p1 is ready");
    }

    /// A hung or SIGSTOPped game server with one message on its way and nothing else queued:
    /// its outbox never overflows, and the send used to wait for ever, so the connection was
    /// never closed and the process never lost. Now the connection ends [`SEND_TIMEOUT`]
    /// after the message, and the process is disconnected as after any lost connection (the
    /// core keeps it for its reconnect grace).
    #[tokio::test(start_paused = true)]
    async fn a_game_server_that_stops_reading_during_one_send_is_disconnected() {
        let c = ready_game_server().await;
        let mut events = c.shared.subscribe();
        let sent_at = tokio::time::Instant::now();
        push_large_message(&c.shared, 64 * 1024);
        // The game server reads nothing more; `c.game_server` stays open.
        let waited = SEND_TIMEOUT + Duration::from_secs(30);
        let ended = tokio::time::timeout(waited, c.task).await;
        assert!(
            ended.is_ok(),
            "the connection still waits on its send {} s after it started",
            waited.as_secs()
        );
        assert!(
            sent_at.elapsed() >= SEND_TIMEOUT,
            "ended after {:?}",
            sent_at.elapsed()
        );
        let disconnected = std::iter::from_fn(|| events.try_recv().ok()).any(
            |e| matches!(e, Event::ProcessDisconnected { ref pid, .. } if pid.as_str() == "p1"),
        );
        assert!(disconnected, "the core was not told the connection is gone");
        let connections = c
            .shared
            .read(|core| core.process("p1").map(|p| p.connections.len()));
        assert_eq!(connections, Some(0), "p1 is kept, without a connection");
        drop(c.game_server);
    }

    /// A game server that reads, however slowly, gets its message whole: a large reply (a
    /// DescribePlayerSessions page) or push goes through the same send, and one that takes
    /// 90 s to go out at 1 KiB a second does not end the connection.
    #[tokio::test(start_paused = true)]
    async fn a_game_server_that_reads_slowly_gets_a_large_message_whole() {
        let mut c = ready_game_server().await;
        let token_bytes = 90 * 1024;
        let sent_at = tokio::time::Instant::now();
        push_large_message(&c.shared, token_bytes);
        let raw = c.game_server.get_mut();
        // A text frame with a 64-bit length (RFC 6455 §5.2), read 1 KiB at a time.
        let mut frame = Vec::new();
        let mut chunk = [0u8; 1024];
        while frame.len() < 10 || frame.len() < 10 + frame_len(&frame) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let n = raw.read(&mut chunk).await.unwrap();
            assert!(n > 0, "the connection ended after {} bytes", frame.len());
            frame.extend_from_slice(&chunk[..n]);
        }
        assert!(
            sent_at.elapsed() > Duration::from_secs(80),
            "{:?}",
            sent_at.elapsed()
        );
        let text = std::str::from_utf8(&frame[10..]).unwrap();
        assert!(
            text.contains(r#""Action":"RefreshConnection""#),
            "{}",
            &text[..80]
        );
        assert!(text.contains(&"t".repeat(token_bytes)));
        assert!(!c.task.is_finished(), "the connection ended");
        // And the connection still serves requests.
        let beat = r#"{"Action":"HeartbeatServerProcess","RequestId":"r-2","HealthStatus":true}"#;
        c.game_server.send(Message::text(beat)).await.unwrap();
        match c.game_server.next().await {
            Some(Ok(Message::Text(t))) => assert!(t.contains(r#""StatusCode":200"#), "{t}"),
            other => panic!("expected the heartbeat's reply, got {other:?}"),
        }
    }

    /// The payload length of a server frame (unmasked) whose header says it is 64-bit.
    fn frame_len(frame: &[u8]) -> usize {
        assert_eq!(
            frame[..2],
            [0x81, 127],
            "one unfragmented text frame over 64 KiB"
        );
        u64::from_be_bytes(frame[2..10].try_into().unwrap()) as usize
    }

    /// The reason names the cause in full: it is not cut to the 123 bytes of a Close frame.
    #[test]
    fn the_send_timeout_close_reason_fits_a_close_frame() {
        let Ending::Fail(frame) = send_timed_out(usize::MAX) else {
            panic!("a failed connection");
        };
        assert_eq!(frame.code, CloseCode::Policy);
        assert!(
            frame
                .reason
                .ends_with(&format!("in {} s", SEND_TIMEOUT.as_secs())),
            "{}",
            frame.reason
        );
    }
}
