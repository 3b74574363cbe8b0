//! wss:// with the self-signed certificate made at start. The official C++ SDK always uses
//! TLS 1.2 and does not verify the certificate (sdk-wire-protocol.md §1.4, §10 "Serve TLS");
//! a client given the daemon's certificate can verify it over TLS 1.3.

use playfield_e2e::{bounded, tls, GameServer, TestDaemon, FLEET};
use serde_json::json;

fn url(d: &TestDaemon, pid: &str) -> String {
    // CPP style (§1.1): '/' appended, values raw, '+' in the token kept literal.
    format!(
        "{}/?Authorization=a+b/c=&ComputeId=my-host&FleetId={FLEET}&IdempotencyToken=abc&pID={pid}&sdkLanguage=Cpp&sdkVersion=5.4.0",
        d.wss_url()
    )
}

/// sdk-wire-protocol.md §1.4 (CPP: TLS 1.2 context, peer certificate not verified).
#[tokio::test]
async fn tls12_client_that_accepts_any_certificate() {
    bounded(async {
        let d = TestDaemon::start().await;
        let addr = d.handle.wss_addr().unwrap();
        let stream = tls::connect(tls::accept_any(&rustls::version::TLS12), addr, "localhost")
            .await
            .expect("TLS 1.2 handshake");
        assert_eq!(
            stream.get_ref().1.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_2)
        );
        let mut gs = GameServer::handshake(&url(&d, "proc-tls"), Box::new(stream))
            .await
            .expect("WebSocket over TLS");
        let r = gs
            .request(
                "ActivateServerProcess",
                json!({"SdkVersion":"5.4.0","SdkLanguage":"Cpp","Port":7777}),
            )
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        let id = d.create_game_session(2).unwrap().id;
        let push = gs.expect_push("CreateGameSession").await;
        assert_eq!(push["GameSessionId"], id.as_str());
        assert_eq!(
            d.read(|c| c.process("proc-tls").unwrap().sdk_language.clone()),
            Some("Cpp".to_string())
        );
        d.shutdown().await;
    })
    .await;
}

/// A verifying client (a GO server given the certificate) connects over TLS 1.3.
#[tokio::test]
async fn tls13_client_that_trusts_the_daemon_certificate() {
    bounded(async {
        let d = TestDaemon::start().await;
        let cert = d
            .handle
            .tls_certificate()
            .expect("a generated certificate")
            .clone();
        let addr = d.handle.wss_addr().unwrap();
        let stream = tls::connect(tls::trusting(&cert), addr, "localhost")
            .await
            .expect("verified TLS handshake");
        assert_eq!(
            stream.get_ref().1.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_3)
        );
        let mut gs = GameServer::handshake(&url(&d, "proc-tls13"), Box::new(stream))
            .await
            .unwrap();
        let r = gs.request("GetComputeCertificate", json!({})).await;
        assert_eq!(r["StatusCode"], 200);
        d.shutdown().await;
    })
    .await;
}
