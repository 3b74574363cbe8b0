//! `wss://` (§1.4): certificates are verified by default; `accept_invalid_certs` lets the SDK
//! talk to a daemon with a self-signed certificate, as `playfield serve` generates.
//!
//! The fixture is a self-signed certificate for `localhost`/127.0.0.1 made once with openssl
//! (P-256 key, valid for 100 years).

use crate::support::*;
use futures_util::{SinkExt, StreamExt};
use playfield_sdk::{Error, ProcessParameters, ServerSdk};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

const CERT: &[u8] = include_bytes!("fixtures/self-signed-cert.der");
const KEY: &[u8] = include_bytes!("fixtures/self-signed-key.der");

/// A wss:// server that answers every request with 200.
async fn tls_service() -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(CERT.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY.to_vec())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("wss://localhost:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                    return;
                };
                while let Some(Ok(Message::Text(text))) = ws.next().await {
                    let req: Value = serde_json::from_str(text.as_str()).unwrap();
                    let reply = json!({"Action": req["Action"], "RequestId": req["RequestId"], "StatusCode": 200});
                    if ws.send(Message::text(reply.to_string())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// By default the self-signed certificate is refused (every dial fails).
#[tokio::test]
async fn untrusted_certificate_is_refused_by_default() {
    let url = tls_service().await;
    let sdk = ServerSdk::with_options(options().reconnect_delays(vec![]));
    let e = sdk.init(params(&url)).await.unwrap_err();
    assert!(
        matches!(&e, Error::WebsocketConnectFailure { reason, .. } if reason.to_lowercase().contains("certificate")),
        "{e}"
    );
}

/// With `accept_invalid_certs` the SDK connects over TLS and works.
#[tokio::test]
async fn accept_invalid_certs_connects() {
    let url = tls_service().await;
    let sdk = ServerSdk::with_options(options().accept_invalid_certs(true));
    sdk.init(params(&url)).await.unwrap();
    sdk.process_ready(ProcessParameters::new(7777))
        .await
        .unwrap();
    sdk.destroy().await.unwrap();
}
