//! Issue 15 finding 3: with `[auth] required`, the endpoints beside the operations on the API
//! listener — `GET /events`, which streams every client's player ids — need the same SigV4
//! credentials as the operations; the SNS SubscribeURL stays open (a notification receiver
//! holds no API keys; its token admits it). Raw HTTP, so nothing but the request line,
//! headers and signature is involved.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use playfield::api::auth::AccessKey;
use playfield_core::CoreConfig;
use playfield_e2e::{bounded, TestDaemon};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `GET <path>` with `headers` and returns the status line.
async fn status_of(daemon: &TestDaemon, path: &str, headers: &[(String, String)]) -> String {
    let addr = daemon.handle.api_addr().unwrap();
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 512];
    let mut got = Vec::new();
    while !got.windows(2).any(|w| w == b"\r\n") {
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0, "the connection closed before a status line");
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    text.lines().next().unwrap().to_string()
}

/// The headers `curl --aws-sigv4 "aws:amz:us-west-2:gamelift" --user id:secret` adds.
fn signed_headers(daemon: &TestDaemon, path: &str, secret: &str) -> Vec<(String, String)> {
    let host = daemon.handle.api_addr().unwrap().to_string();
    let identity = Credentials::new("AKIDTEAM", secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-west-2")
        .name("gamelift")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let uri = format!("http://{host}{path}");
    let signable = SignableRequest::new(
        "GET",
        uri.as_str(),
        [("host", host.as_str())].into_iter(),
        SignableBody::Bytes(b""),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions
        .headers()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_need_credentials_when_auth_is_required() {
    bounded(async {
        let daemon = TestDaemon::start_configured(CoreConfig::default(), |cfg| {
            cfg.api_access_keys = vec![AccessKey::new("AKIDTEAM", "team-secret")];
        })
        .await;
        let unsigned = status_of(&daemon, "/events", &[]).await;
        assert!(
            unsigned.contains(" 403 "),
            "unsigned GET /events: {unsigned}"
        );
        let wrong = signed_headers(&daemon, "/events", "wrong");
        let wrong = status_of(&daemon, "/events", &wrong).await;
        assert!(wrong.contains(" 403 "), "wrong secret: {wrong}");
        let good = signed_headers(&daemon, "/events", "team-secret");
        let good = status_of(&daemon, "/events", &good).await;
        assert!(good.contains(" 200 "), "signed GET /events: {good}");

        // The SubscribeURL stays open: an unknown token is SNS's 404, not a 403.
        let sns = status_of(
            &daemon,
            "/sns/?Action=ConfirmSubscription&TopicArn=t&Token=unknown",
            &[],
        )
        .await;
        assert!(sns.contains(" 404 "), "SubscribeURL: {sns}");
    })
    .await
}

/// Without `[auth] required` nothing changes: `GET /events` answers anyone on loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stay_open_when_auth_is_off() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let status = status_of(&daemon, "/events", &[]).await;
        assert!(status.contains(" 200 "), "{status}");
    })
    .await
}
