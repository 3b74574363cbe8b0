//! TLS client side for wss:// tests.

use std::sync::Arc;

use playfield_sdk::AcceptAnyCertificate;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client that accepts any certificate (the SDK's [`AcceptAnyCertificate`]) and speaks
/// only `version`.
pub fn accept_any(version: &'static rustls::SupportedProtocolVersion) -> ClientConfig {
    let p = provider();
    ClientConfig::builder_with_provider(p.clone())
        .with_protocol_versions(&[version])
        .expect("protocol version")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate::new(p)))
        .with_no_client_auth()
}

/// A client that trusts exactly `cert`.
pub fn trusting(cert: &CertificateDer<'static>) -> ClientConfig {
    let mut roots = RootCertStore::empty();
    roots
        .add(cert.clone())
        .expect("certificate is a usable root");
    ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// Opens TCP + TLS to `addr`, presenting `server_name` as SNI.
pub async fn connect(
    config: ClientConfig,
    addr: std::net::SocketAddr,
    server_name: &str,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(server_name.to_string())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
}
