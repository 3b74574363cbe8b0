//! TLS for the wss:// listener.
//!
//! The official C++ SDK always speaks TLS 1.2, whatever the URL scheme, and does not verify
//! the certificate (sdk-wire-protocol.md §1.4), so a self-signed certificate made at start
//! is enough for it. A GO game server using wss:// verifies the certificate; give it one it
//! trusts with `--tls-cert`/`--tls-key`.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// A ready server configuration and the certificate it presents (so tests can trust it).
pub(crate) struct Tls {
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) certificate: CertificateDer<'static>,
}

/// Loads a PEM certificate chain and key, or makes a self-signed pair for localhost.
pub(crate) fn load_or_generate(files: Option<(&Path, &Path)>) -> anyhow::Result<Tls> {
    let (chain, key) = match files {
        Some((cert, key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .with_context(|| format!("reading TLS certificate {}", cert.display()))?
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("parsing TLS certificate {}", cert.display()))?;
            anyhow::ensure!(
                !chain.is_empty(),
                "TLS certificate file {} holds no certificate",
                cert.display()
            );
            let key = PrivateKeyDer::from_pem_file(key)
                .with_context(|| format!("reading TLS private key {}", key.display()))?;
            (chain, key)
        }
        None => {
            let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
            let ck = rcgen::generate_simple_self_signed(names)
                .context("generating a self-signed TLS certificate")?;
            let key = PrivateKeyDer::try_from(ck.signing_key.serialize_der())
                .map_err(|e| anyhow::anyhow!("self-signed key: {e}"))?;
            (vec![ck.cert.der().clone()], key)
        }
    };
    let certificate = chain[0].clone();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("TLS certificate and key do not form a usable pair")?;
    Ok(Tls {
        config: Arc::new(config),
        certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_pem_files_are_used() {
        let ck = rcgen::generate_simple_self_signed(vec!["game.local".to_string()]).unwrap();
        let dir = std::env::temp_dir().join(format!("playfield-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, ck.cert.pem()).unwrap();
        std::fs::write(&key, ck.signing_key.serialize_pem()).unwrap();
        let tls = load_or_generate(Some((&cert, &key))).unwrap();
        assert_eq!(tls.certificate.as_ref(), ck.cert.der().as_ref());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_file_is_named() {
        let missing = Path::new("/nonexistent/playfield/cert.pem");
        let err = load_or_generate(Some((missing, missing))).err().unwrap();
        assert!(
            format!("{err:#}").contains("/nonexistent/playfield/cert.pem"),
            "{err:#}"
        );
    }

    #[test]
    fn a_self_signed_pair_is_generated() {
        let tls = load_or_generate(None).unwrap();
        assert!(!tls.certificate.is_empty());
    }
}
