//! Who may open the dashboard, call its actions and scrape `/metrics` when `[auth] required`.
//!
//! The service API verifies SigV4 signatures against the configured key pairs
//! ([`crate::api::auth`]); a browser cannot sign, so the dashboard asks for the same pair in
//! the forms a browser and a scraper can send: `ID:SECRET` in the `playfield_key` cookie the
//! login form sets or in `?key=` (the page then sets the cookie and drops it from the URL),
//! or HTTP Basic auth with the key ID as user name and the secret as password (Prometheus'
//! `basic_auth`). Knowing a key ID alone is not enough. [`authorized`] is the one place that
//! decides.

use crate::api::auth::AccessKey;
use axum::http::HeaderMap;
use base64::Engine;
use subtle::ConstantTimeEq;

/// Name of the cookie that carries the key pair.
pub(crate) const COOKIE: &str = "playfield_key";

/// Whether the request carries one of the `accepted` key pairs (none configured: everyone may).
pub(crate) fn authorized(headers: &HeaderMap, query: Option<&str>, accepted: &[AccessKey]) -> bool {
    if accepted.is_empty() {
        return true;
    }
    let ok = |pair: &str| {
        let Some((id, secret)) = pair.split_once(':') else {
            return false;
        };
        accepted
            .iter()
            .any(|k| k.id == id && bool::from(k.secret.as_bytes().ct_eq(secret.as_bytes())))
    };
    if query.and_then(query_key).is_some_and(|k| ok(&k)) {
        return true;
    }
    if cookie_key(headers).is_some_and(|k| ok(&k)) {
        return true;
    }
    basic_pair(headers).is_some_and(|p| ok(&p))
}

/// The `key` parameter of a query string, percent-decoded.
pub(crate) fn query_key(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "key").then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn cookie_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
}

/// `user:password` of HTTP Basic auth.
fn basic_pair(headers: &HeaderMap) -> Option<String> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = v.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    /// Issue 15 finding 3 / issue 16 item 4: under `[auth] required` the dashboard needs the
    /// key pair, not the key ID alone (the ID is no secret: it travels in every SigV4 header).
    #[test]
    fn open_without_keys_and_each_way_of_presenting_the_pair_works() {
        let keys = vec![AccessKey::new("AKIDLOCAL", "s3cret")];
        assert!(authorized(&HeaderMap::new(), None, &[]));
        assert!(!authorized(&HeaderMap::new(), None, &keys));
        assert!(authorized(
            &HeaderMap::new(),
            Some("a=1&key=AKIDLOCAL%3As3cret"),
            &keys
        ));
        assert!(!authorized(&HeaderMap::new(), Some("key=AKIDLOCAL"), &keys));
        assert!(!authorized(
            &HeaderMap::new(),
            Some("key=AKIDLOCAL:wrong"),
            &keys
        ));
        assert!(authorized(
            &headers("cookie", "x=1; playfield_key=AKIDLOCAL%3As3cret"),
            None,
            &keys
        ));
        assert!(!authorized(
            &headers("cookie", "playfield_key=AKIDLOCAL"),
            None,
            &keys
        ));
        // "AKIDLOCAL:s3cret" in base64.
        assert!(authorized(
            &headers("authorization", "Basic QUtJRExPQ0FMOnMzY3JldA=="),
            None,
            &keys
        ));
        // "AKIDLOCAL:" in base64: the ID alone.
        assert!(!authorized(
            &headers("authorization", "Basic QUtJRExPQ0FMOg=="),
            None,
            &keys
        ));
        // A SigV4 header names the key ID but a browser route cannot verify it: not enough.
        let sigv4 = "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-west-2/gamelift/aws4_request, SignedHeaders=host, Signature=abc";
        assert!(!authorized(&headers("authorization", sigv4), None, &keys));
    }
}
