//! The connect URL, built exactly as the Go SDK builds it (sdk-wire-protocol.md §1.1–§1.3).
//!
//! The configured URL keeps its scheme, host, port and path; its query is **replaced** by the
//! SDK's parameters. Keys are sorted byte-wise and keys and values are form-escaped like Go's
//! `url.QueryEscape`: unreserved characters stay, a space becomes `+`, everything else becomes
//! `%XX` with uppercase hex (so a `+` in a token travels as `%2B`).

use super::sigv4;
use crate::error::{Error, Result};
use crate::params::{Auth, ValidatedParameters};
use std::collections::BTreeMap;
use std::time::SystemTime;

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push_str(&format!("{b:02X}"));
            }
        }
    }
    out
}

/// Go's `url.Values.Encode`: sorted keys, `k=v` joined with `&`.
pub(crate) fn encode_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Who is connecting: the values that go into every connect URL.
#[derive(Debug, Clone)]
pub(crate) struct ConnectIdentity {
    pub process_id: String,
    pub host_id: String,
    pub fleet_id: String,
    pub sdk_version: String,
    pub sdk_language: String,
}

impl ConnectIdentity {
    pub fn new(params: &ValidatedParameters, sdk_version: &str, sdk_language: &str) -> Self {
        ConnectIdentity {
            process_id: params.process_id.clone(),
            host_id: params.host_id.clone(),
            fleet_id: params.fleet_id.clone(),
            sdk_version: sdk_version.to_owned(),
            sdk_language: sdk_language.to_owned(),
        }
    }
}

/// Builds the URL for one Connect call with a fresh `IdempotencyToken` (§1.2). `now` is
/// only used by SigV4.
pub(crate) fn connect_url(
    base: &str,
    who: &ConnectIdentity,
    auth: &Auth,
    idempotency_token: &str,
    now: SystemTime,
) -> Result<String> {
    let mut url = url::Url::parse(base).map_err(|e| {
        Error::validation("WebSocketUrl", format!("{base:?} is not a valid URL: {e}"))
    })?;
    if !matches!(url.scheme(), "ws" | "wss") {
        return Err(Error::validation(
            "WebSocketUrl",
            format!("scheme must be ws or wss, got {:?}", url.scheme()),
        ));
    }
    let mut q = BTreeMap::new();
    q.insert("pID".to_owned(), who.process_id.clone());
    q.insert("sdkVersion".to_owned(), who.sdk_version.clone());
    q.insert("sdkLanguage".to_owned(), who.sdk_language.clone());
    q.insert("ComputeId".to_owned(), who.host_id.clone());
    q.insert("FleetId".to_owned(), who.fleet_id.clone());
    q.insert("IdempotencyToken".to_owned(), idempotency_token.to_owned());
    match auth {
        Auth::Token(token) => {
            q.insert("Authorization".to_owned(), token.clone());
        }
        Auth::SigV4 {
            region,
            access_key,
            secret_key,
            session_token,
        } => {
            let signed = sigv4::presign(
                &sigv4::Credentials {
                    region,
                    access_key,
                    secret_key,
                    session_token,
                },
                &who.host_id,
                &who.fleet_id,
                &who.process_id,
                now,
            );
            q.extend(signed);
        }
    }
    url.set_query(Some(&encode_query(&q)));
    Ok(url.into())
}

/// The URL without its query, for logs and errors (the query holds credentials).
pub(crate) fn redact(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?<query redacted>"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> ConnectIdentity {
        ConnectIdentity {
            process_id: "proc 1".into(),
            host_id: "my-host".into(),
            fleet_id: "fleet-1".into(),
            sdk_version: "5.6.0".into(),
            sdk_language: "Go".into(),
        }
    }

    /// §1.1: Go's `QueryEscape`: space → `+`, `:` `/` `+` → `%3A` `%2F` `%2B`.
    #[test]
    fn escapes_like_go() {
        assert_eq!(query_escape("a b:c/d+e~f_g.h-i"), "a+b%3Ac%2Fd%2Be~f_g.h-i");
        assert_eq!(query_escape("é"), "%C3%A9");
    }

    /// §1.1: scheme/host/path kept, query replaced, keys sorted byte-wise.
    #[test]
    fn builds_the_go_url() {
        let url = connect_url(
            "wss://host.example:8443/base/path?old=1",
            &who(),
            &Auth::Token("a+b/c=".into()),
            "tok-1",
            SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(
            url,
            "wss://host.example:8443/base/path?Authorization=a%2Bb%2Fc%3D&ComputeId=my-host\
             &FleetId=fleet-1&IdempotencyToken=tok-1&pID=proc+1&sdkLanguage=Go&sdkVersion=5.6.0"
        );
    }

    /// §1.3: SigV4 mode: `Authorization=SigV4` plus the presigned parameters, encoded once
    /// (`X-Amz-Credential=AKID%2F20250101%2Fus-west-2%2Fgamelift%2Faws4_request`).
    #[test]
    fn sigv4_query() {
        let auth = Auth::SigV4 {
            region: "us-west-2".into(),
            access_key: "AKID".into(),
            secret_key: "SECRET".into(),
            session_token: "a+b".into(),
        };
        let mut who = who();
        who.process_id = "proc-1".into();
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_735_689_600);
        let url = connect_url("ws://h:1", &who, &auth, "tok-1", now).unwrap();
        let query = url.split_once('?').unwrap().1;
        let keys: Vec<&str> = query
            .split('&')
            .map(|kv| kv.split('=').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "Authorization",
                "ComputeId",
                "FleetId",
                "IdempotencyToken",
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-Security-Token",
                "X-Amz-Signature",
                "pID",
                "sdkLanguage",
                "sdkVersion"
            ]
        );
        assert!(query.contains("Authorization=SigV4&"));
        assert!(query
            .contains("X-Amz-Credential=AKID%2F20250101%2Fus-west-2%2Fgamelift%2Faws4_request&"));
        assert!(query.contains("X-Amz-Date=20250101T000000Z&"));
        assert!(query.contains("X-Amz-Security-Token=a%2Bb&"));
    }

    #[test]
    fn rejects_non_websocket_urls() {
        for bad in ["http://x", "not a url", ""] {
            let e = connect_url(
                bad,
                &who(),
                &Auth::Token("t".into()),
                "i",
                SystemTime::now(),
            );
            assert!(
                matches!(
                    e,
                    Err(Error::Validation {
                        field: "WebSocketUrl",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn redacts_the_query() {
        assert_eq!(
            redact("ws://h/p?Authorization=x"),
            "ws://h/p?<query redacted>"
        );
    }
}
