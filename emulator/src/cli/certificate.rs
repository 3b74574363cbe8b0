//! The self-signed certificate `playfield serve` generates for wss://, written to a file a
//! game server can trust: the official Go server SDK verifies the certificate and offers no
//! way to skip it, while Go's crypto/x509 reads extra roots from `SSL_CERT_FILE` (issue 17
//! item 6).

use base64::Engine;
use std::path::PathBuf;

/// Where the certificate of the daemon whose wss:// listener is on `port` is written: one file
/// per port, in the system's temporary directory, so two daemons never share one.
pub(crate) fn path_for(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("playfield-wss-{port}.pem"))
}

/// `der` as a PEM `CERTIFICATE` block.
pub(crate) fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// Writes the certificate for the listener on `port`; returns the file's path.
pub(crate) fn write(der: &[u8], port: u16) -> std::io::Result<PathBuf> {
    let path = path_for(port);
    std::fs::write(&path, pem(der))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    #[test]
    fn the_pem_reads_back_as_the_same_certificate() {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let der = ck.cert.der().to_vec();
        let text = pem(&der);
        assert_eq!(text, ck.cert.pem().replace("\r\n", "\n"));
        let back = CertificateDer::from_pem_slice(text.as_bytes()).unwrap();
        assert_eq!(back.as_ref(), der.as_slice());
    }
}
