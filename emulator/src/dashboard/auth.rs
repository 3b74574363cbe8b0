//! Who may open the dashboard, call its actions and scrape `/metrics` when `[auth] required`.
//!
//! Today the service API checks only the SigV4 access key id ([`crate::api::auth`]); the
//! dashboard accepts the same key, presented as a browser can: the `playfield_key` cookie the
//! dashboard's login form sets, `?key=` in the URL (the page then sets the cookie and drops
//! it from the URL), HTTP Basic auth with the key as user name (Prometheus' `basic_auth`),
//! or a SigV4 `Authorization` header. [`authorized`] is the one place that decides, so a
//! stricter check replaces that function only.

use axum::http::HeaderMap;
use base64::Engine;

/// Name of the cookie that carries the key.
pub(crate) const COOKIE: &str = "playfield_key";

/// Whether the request carries one of `accepted` (no keys configured: everyone may).
pub(crate) fn authorized(headers: &HeaderMap, query: Option<&str>, accepted: &[String]) -> bool {
    if accepted.is_empty() {
        return true;
    }
    let ok = |k: &str| accepted.iter().any(|a| a == k);
    if crate::api::auth::access_key_id(headers).is_some_and(ok) {
        return true;
    }
    if query.and_then(query_key).is_some_and(|k| ok(&k)) {
        return true;
    }
    if cookie_key(headers).is_some_and(ok) {
        return true;
    }
    basic_user(headers).is_some_and(|u| ok(&u))
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

fn cookie_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

fn basic_user(headers: &HeaderMap) -> Option<String> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = v.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(
        text.split_once(':')
            .map_or(text.clone(), |(u, _)| u.to_string()),
    )
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

    #[test]
    fn open_without_keys_and_each_way_of_presenting_the_key_works() {
        let keys = vec!["AKIDLOCAL".to_string()];
        assert!(authorized(&HeaderMap::new(), None, &[]));
        assert!(!authorized(&HeaderMap::new(), None, &keys));
        assert!(authorized(
            &HeaderMap::new(),
            Some("a=1&key=AKIDLOCAL"),
            &keys
        ));
        assert!(!authorized(&HeaderMap::new(), Some("key=OTHER"), &keys));
        assert!(authorized(
            &headers("cookie", "x=1; playfield_key=AKIDLOCAL"),
            None,
            &keys
        ));
        assert!(!authorized(
            &headers("cookie", "playfield_key=NO"),
            None,
            &keys
        ));
        // "AKIDLOCAL:" in base64.
        assert!(authorized(
            &headers("authorization", "Basic QUtJRExPQ0FMOg=="),
            None,
            &keys
        ));
        let sigv4 = "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-west-2/gamelift/aws4_request, SignedHeaders=host, Signature=abc";
        assert!(authorized(&headers("authorization", sigv4), None, &keys));
    }
}
