//! A fake GameLift SDK service for the tests: a plain tokio-tungstenite server that records
//! what the SDK sends and answers or pushes what the test tells it to.
#![allow(dead_code, clippy::result_large_err)]

use futures_util::{SinkExt, StreamExt};
use playfield_sdk::{Environment, ProcessParameters, SdkOptions, ServerParameters, ServerSdk};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

pub const FLEET: &str = "fleet-1a2b";
pub const HOST: &str = "my-host";
pub const PROCESS: &str = "proc-1";
pub const TOKEN: &str = "tok+en/1=";
pub const GAME_SESSION: &str = "arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/gsess-77";
pub const CONFIG_ARN: &str =
    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel";

/// How long a test waits for something that should happen (virtual time in paused tests).
/// `maybe_*` waits must stay below it.
pub const WAIT: Duration = Duration::from_secs(300);

pub struct FakeService {
    pub addr: SocketAddr,
    conns: mpsc::UnboundedReceiver<FakeConn>,
    /// Milliseconds to wait before each WebSocket handshake (a slow service).
    pub handshake_delay_ms: Arc<AtomicU64>,
}

impl FakeService {
    pub async fn start() -> FakeService {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, conns) = mpsc::unbounded_channel();
        let handshake_delay_ms = Arc::new(AtomicU64::new(0));
        let delay = handshake_delay_ms.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let tx = tx.clone();
                let delay = Duration::from_millis(delay.load(Ordering::SeqCst));
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let mut uri = String::new();
                    let ws = tokio_tungstenite::accept_hdr_async(
                        tcp,
                        |req: &Request, resp: Response| {
                            uri = req.uri().to_string();
                            Ok(resp)
                        },
                    )
                    .await;
                    if let Ok(ws) = ws {
                        let _ = tx.send(FakeConn::new(uri, ws));
                    }
                });
            }
        });
        FakeService {
            addr,
            conns,
            handshake_delay_ms,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The next connection the SDK opens.
    pub async fn next_conn(&mut self) -> FakeConn {
        tokio::time::timeout(WAIT, self.conns.recv())
            .await
            .expect("the SDK connects")
            .expect("listener alive")
    }

    /// A connection, if one arrives within `within`.
    pub async fn maybe_conn(&mut self, within: Duration) -> Option<FakeConn> {
        tokio::time::timeout(within, self.conns.recv())
            .await
            .ok()
            .flatten()
    }
}

pub struct FakeConn {
    /// Path and query as the SDK sent them.
    pub uri: String,
    ws: WebSocketStream<TcpStream>,
    /// Heartbeats seen (and answered) while waiting for something else.
    pub heartbeats: Vec<Value>,
}

/// Percent-decodes without turning `+` into a space (§1.3, derived).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

impl FakeConn {
    fn new(uri: String, ws: WebSocketStream<TcpStream>) -> Self {
        FakeConn {
            uri,
            ws,
            heartbeats: Vec::new(),
        }
    }

    /// The raw query string.
    pub fn raw_query(&self) -> &str {
        self.uri.split_once('?').map(|(_, q)| q).unwrap_or("")
    }

    /// The decoded query parameters.
    pub fn query(&self) -> BTreeMap<String, String> {
        self.raw_query()
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    /// The next JSON message, or `None` when the socket closed.
    pub async fn recv(&mut self) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a message arrives")?;
            match frame {
                Ok(Message::Text(t)) => return Some(serde_json::from_str(t.as_str()).unwrap()),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// The next message within `within`, heartbeats answered and skipped.
    pub async fn maybe_request(&mut self, within: Duration) -> Option<Value> {
        tokio::time::timeout(within, self.expect_any())
            .await
            .ok()
            .flatten()
    }

    async fn expect_any(&mut self) -> Option<Value> {
        loop {
            let msg = self.recv().await?;
            if msg["Action"] == "HeartbeatServerProcess" {
                self.reply_ok(&msg, json!({})).await;
                self.heartbeats.push(msg);
                continue;
            }
            return Some(msg);
        }
    }

    /// Waits for a request with this `Action`, answering and skipping heartbeats on the way.
    pub async fn expect(&mut self, action: &str) -> Value {
        let msg = self
            .expect_any()
            .await
            .unwrap_or_else(|| panic!("socket closed while waiting for {action}"));
        assert_eq!(msg["Action"], action, "unexpected message {msg}");
        msg
    }

    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.unwrap();
    }

    /// A 200 reply echoing `Action` and `RequestId`, with `payload`'s keys added.
    pub async fn reply_ok(&mut self, req: &Value, payload: Value) {
        let mut reply =
            json!({"Action": req["Action"], "RequestId": req["RequestId"], "StatusCode": 200});
        if let (Some(r), Some(p)) = (reply.as_object_mut(), payload.as_object()) {
            r.extend(p.clone());
        }
        self.send(reply).await;
    }

    pub async fn reply_error(&mut self, req: &Value, status: i64, message: &str) {
        self.send(
            json!({"Action": req["Action"], "RequestId": req["RequestId"],
            "StatusCode": status, "ErrorMessage": message}),
        )
        .await;
    }

    /// A push as §10 says the daemon sends it: StatusCode 200 and a fresh RequestId.
    pub async fn push(&mut self, action: &str, fields: Value) {
        let mut msg = json!({"Action": action, "RequestId": uuid::Uuid::new_v4().to_string(), "StatusCode": 200});
        if let (Some(m), Some(f)) = (msg.as_object_mut(), fields.as_object()) {
            m.extend(f.clone());
        }
        self.send(msg).await;
    }

    pub async fn push_create_game_session(&mut self) {
        self.push(
            "CreateGameSession",
            json!({"GameSessionId": GAME_SESSION, "GameSessionName": "duel-77",
                "GameSessionData": "map=arena", "MatchmakerData": matchmaker_data(),
                "DnsName": "ec2-1-2-3-4.compute", "IpAddress": "1.2.3.4", "Port": 7777,
                "MaximumPlayerSessionCount": 8, "GameProperties": {"mode": "ctf"}}),
        )
        .await;
    }

    /// Closes with a close code.
    pub async fn close(mut self, code: u16) {
        let _ = self
            .ws
            .send(Message::Close(Some(CloseFrame {
                code: CloseCode::from(code),
                reason: "test".into(),
            })))
            .await;
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }

    /// Drops the TCP connection without a close frame.
    pub fn drop_abruptly(self) {
        drop(self);
    }
}

pub fn matchmaker_data() -> String {
    json!({"matchId": "m-1", "matchmakingConfigurationArn": CONFIG_ARN,
        "teams": [{"name": "red", "players": [{"playerId": "player-1",
            "attributes": {"skill": {"attributeType": "DOUBLE", "valueAttribute": 23}}}]},
            {"name": "blue", "players": [{"playerId": "player-2"}]}],
        "autoBackfillMode": "MANUAL"})
    .to_string()
}

/// Options for tests: no environment, no jitter, short reconnect waits.
pub fn options() -> SdkOptions {
    SdkOptions::new()
        .environment(Environment::Empty)
        .heartbeat_jitter(Duration::ZERO)
        .reconnect_delays(vec![Duration::from_millis(100); 3])
}

pub fn params(url: &str) -> ServerParameters {
    ServerParameters::new()
        .web_socket_url(url)
        .process_id(PROCESS)
        .host_id(HOST)
        .fleet_id(FLEET)
        .auth_token(TOKEN)
}

/// init against a fresh fake service; returns the SDK, the service and the first connection.
pub async fn connected(options: SdkOptions) -> (ServerSdk, FakeService, FakeConn) {
    let mut service = FakeService::start().await;
    let sdk = ServerSdk::with_options(options);
    sdk.init(params(&service.url())).await.expect("init");
    let conn = service.next_conn().await;
    (sdk, service, conn)
}

/// process_ready, answering ActivateServerProcess.
pub async fn make_ready(sdk: &ServerSdk, conn: &mut FakeConn, process: ProcessParameters) {
    let ready = {
        let sdk = sdk.clone();
        tokio::spawn(async move { sdk.process_ready(process).await })
    };
    let req = conn.expect("ActivateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    ready.await.unwrap().expect("process_ready");
}

/// connected + process_ready.
pub async fn ready(
    options: SdkOptions,
    process: ProcessParameters,
) -> (ServerSdk, FakeService, FakeConn) {
    let (sdk, service, mut conn) = connected(options).await;
    make_ready(&sdk, &mut conn, process).await;
    (sdk, service, conn)
}

/// Runs `call` while the fake service answers the one request it makes with `reply`.
pub async fn answer<T, F>(conn: &mut FakeConn, action: &str, reply: Value, call: F) -> (Value, T)
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let task = tokio::spawn(call);
    let req = conn.expect(action).await;
    conn.reply_ok(&req, reply).await;
    (req, task.await.unwrap())
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

pub fn is_uuid_v4(s: &Value) -> bool {
    s.as_str()
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .is_some_and(|u| u.get_version_num() == 4)
}
