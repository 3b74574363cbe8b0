//! `playfield serve` writes the wss:// certificate it generates to a file and prints its path,
//! so that a game server that verifies certificates (the official Go SDK always does) can
//! trust it with `SSL_CERT_FILE` (issue 17 item 6). Checked as such a client would: a TLS
//! handshake that trusts only that file.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn the_generated_certificate_is_written_and_verifies_the_wss_listener() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playfield"))
        .args([
            "serve",
            "--api-listen",
            "127.0.0.1:0",
            "--ws-listen",
            "127.0.0.1:0",
            "--wss-listen",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut wss = None;
    let mut cert_file = None;
    while wss.is_none() || cert_file.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the daemon logs its wss:// listener and certificate file");
        if let Some(i) = line.find("wss://") {
            if wss.is_none() {
                wss = line[i + 6..].split(' ').next().map(str::to_owned);
            }
        }
        if let Some(i) = line.find("SSL_CERT_FILE=") {
            cert_file = Some(line[i + 14..].trim().to_owned());
        }
    }
    let (wss, cert_file) = (wss.unwrap(), cert_file.unwrap());

    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&cert_file).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(&wss).await.unwrap();
    let handshake = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await;
    let _ = child.kill();
    let _ = child.wait();
    handshake.expect("the certificate in the written file verifies the wss:// listener");
    let _ = std::fs::remove_file(&cert_file);
}
