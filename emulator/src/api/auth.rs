//! The caller check: SigV4 signatures verified against the configured key pairs.
//!
//! Both SDKs sign every request with SigV4 (`Authorization: AWS4-HMAC-SHA256
//! Credential=<AKID>/<date>/<region>/gamelift/aws4_request, SignedHeaders=...,
//! Signature=...`, service-api.md §2 and §5). With no key pairs configured (`[auth]` off)
//! Playfield accepts any signature or none: it runs on a developer's machine. With
//! `[auth] required`, a request must be signed with one of `[auth] access_keys`' pairs: the
//! received request's signed headers, path, query and body are signed again with the
//! configured secret (by `aws-sigv4`, the AWS SDK for Rust's own signer) and the two
//! signatures are compared in constant time. A request signed more than
//! [`MAX_CLOCK_SKEW`] away from the daemon's wall clock is refused as the service refuses
//! it (`InvalidSignatureException: Signature expired`). The wall clock, not the injected
//! one: the caller signs with its own wall clock.
//!
//! [`check`] is the one function every face of the API listener calls — the operations
//! (through the [`Router`](super::Router)) and the routes mounted beside them
//! ([`ApiServer::with_routes`](super::server::ApiServer::with_routes)) — so a route cannot
//! forget it. Secrets never reach a log line or an error message.

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

use super::error::{ApiError, ErrorCode};

/// How far a request's `X-Amz-Date` may be from the daemon's clock, either way: the
/// service's 5 minutes.
pub(crate) const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// One `[auth] access_keys` pair. Its `Debug` hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key ID clients name in their SigV4 `Credential`.
    pub id: String,
    /// The secret they sign with (their `AWS_SECRET_ACCESS_KEY`).
    pub secret: String,
}

impl AccessKey {
    /// A key pair from its ID and secret.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> AccessKey {
        AccessKey {
            id: id.into(),
            secret: secret.into(),
        }
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// What of a received request the signature covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignedRequest<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The path as received (still percent-encoded), without the query.
    pub path: &'a str,
    /// The query string as received, without `?`.
    pub query: Option<&'a str>,
    /// The request's headers (the signed ones are re-hashed).
    pub headers: &'a HeaderMap,
    /// The body as received (its SHA-256 is part of the signature).
    pub body: &'a [u8],
}

/// The access key ID a request was signed with, if it carries a SigV4
/// `Authorization` header.
pub(crate) fn access_key_id(headers: &HeaderMap) -> Option<&str> {
    credential_scope(headers).next().filter(|s| !s.is_empty())
}

/// The Region the request was signed for (`Credential=<AKID>/<date>/<region>/...`):
/// the Region the caller believes it is talking to, for ARNs and the like.
pub(crate) fn signing_region(headers: &HeaderMap) -> Option<&str> {
    credential_scope(headers).nth(2).filter(|s| !s.is_empty())
}

/// The parts of `Credential=` (key ID, date, region, service, terminator).
fn credential_scope(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    let scope = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth_param(auth, "Credential"));
    scope.into_iter().flat_map(|s| s.split('/'))
}

/// The value of `name=` in a SigV4 `Authorization` header.
fn auth_param<'a>(auth: &'a str, name: &str) -> Option<&'a str> {
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256")?;
    rest.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == name).then_some(v.trim())
    })
}

/// Checks the caller against the configured key pairs (none: no check): the request must
/// carry a SigV4 signature, made with one of `keys` within [`MAX_CLOCK_SKEW`] of `now`.
pub(crate) fn check(
    req: &SignedRequest<'_>,
    keys: &[AccessKey],
    now: SystemTime,
) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let Some(auth) = req.headers.get("authorization") else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "This Playfield instance requires requests signed with SigV4 with one of its \
             [auth] access_keys (an Authorization header AWS4-HMAC-SHA256 Credential=<AccessKeyId>/...); \
             the request is unsigned",
        ));
    };
    let incomplete = |m: &str| ApiError::new(ErrorCode::IncompleteSignature, m);
    let auth = auth
        .to_str()
        .map_err(|_| incomplete("The Authorization header is not ASCII text"))?;
    if !auth.starts_with("AWS4-HMAC-SHA256 ") {
        return Err(incomplete(
            "Authorization header requires the AWS4-HMAC-SHA256 algorithm (SigV4)",
        ));
    }
    let need = |name: &str| {
        auth_param(auth, name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                incomplete(&format!(
                    "Authorization header requires '{name}' parameter."
                ))
            })
    };
    let (credential, signed_headers, signature) = (
        need("Credential")?,
        need("SignedHeaders")?,
        need("Signature")?,
    );
    let scope: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, "aws4_request"] = scope[..] else {
        return Err(incomplete(
            "Authorization header requires Credential=<AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request",
        ));
    };
    let Some(key) = keys.iter().find(|k| k.id == akid) else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            format!(
                "The access key ID '{akid}' is not one this Playfield instance is configured to accept"
            ),
        ));
    };
    let amz_date = req
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            incomplete("Authorization header requires existence of a 'X-Amz-Date' header.")
        })?;
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        incomplete("The X-Amz-Date header is not an ISO 8601 basic date-time (yyyymmddThhmmssZ)")
    })?;
    check_skew(amz_date, signed_at, now)?;
    let invalid = |m: String| ApiError::new(ErrorCode::InvalidSignature, m);
    if !amz_date.starts_with(date) || date.len() != 8 {
        return Err(invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{}'",
            &amz_date[..8]
        )));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names.contains(&"host") {
        return Err(incomplete("SignedHeaders must include 'host'"));
    }
    let mut headers = Vec::new();
    for name in &names {
        for value in req.headers.get_all(*name) {
            let value = value
                .to_str()
                .map_err(|_| invalid(format!("signed header '{name}' is not ASCII text")))?;
            headers.push((*name, value));
        }
    }
    let expected = resign(req, headers, key, region, service, signed_at).map_err(|e| {
        invalid(format!(
            "The request could not be signed again to verify it: {e}"
        ))
    })?;
    if bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
        Ok(())
    } else {
        Err(invalid(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
                .to_string(),
        ))
    }
}

/// The signature `key` gives the request's signed parts.
fn resign(
    req: &SignedRequest<'_>,
    headers: Vec<(&str, &str)>,
    key: &AccessKey,
    region: &str,
    service: &str,
    signed_at: SystemTime,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let identity = Credentials::new(&key.id, &key.secret, None, None, "playfield-config").into();
    let mut settings = SigningSettings::default();
    // Exactly the headers the caller listed are signed again, no more and no fewer.
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(signed_at)
        .settings(settings)
        .build()?
        .into();
    let uri = match req.query {
        Some(q) => format!("{}?{q}", req.path),
        None => req.path.to_string(),
    };
    let signable = SignableRequest::new(
        req.method,
        uri,
        headers.into_iter(),
        SignableBody::Bytes(req.body),
    )?;
    let (_, signature) = sign(signable, &params)?.into_parts();
    Ok(signature)
}

/// `Signature expired` / `Signature not yet current`, as the service says them.
fn check_skew(amz_date: &str, signed_at: SystemTime, now: SystemTime) -> Result<(), ApiError> {
    let expired = |m: String| ApiError::new(ErrorCode::InvalidSignature, m);
    if signed_at + MAX_CLOCK_SKEW < now {
        return Err(expired(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
            format_amz_date(now - MAX_CLOCK_SKEW),
            format_amz_date(now)
        )));
    }
    if signed_at > now + MAX_CLOCK_SKEW {
        return Err(expired(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
            format_amz_date(now + MAX_CLOCK_SKEW),
            format_amz_date(now)
        )));
    }
    Ok(())
}

const AMZ_DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");

fn parse_amz_date(s: &str) -> Option<SystemTime> {
    time::PrimitiveDateTime::parse(s, AMZ_DATE)
        .ok()
        .map(|t| t.assume_utc().into())
}

fn format_amz_date(t: SystemTime) -> String {
    time::OffsetDateTime::from(t)
        .format(AMZ_DATE)
        .unwrap_or_default()
}
#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_auth(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_str(v).unwrap());
        h
    }

    const SIGNED: &str =
        "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-west-2/gamelift/aws4_request, \
                          SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc";

    #[test]
    fn key_id_is_read_from_the_credential_scope() {
        assert_eq!(access_key_id(&with_auth(SIGNED)), Some("AKIDLOCAL"));
        assert_eq!(signing_region(&with_auth(SIGNED)), Some("us-west-2"));
        assert_eq!(
            signing_region(&with_auth("AWS4-HMAC-SHA256 Credential=AKID, x")),
            None
        );
        assert_eq!(access_key_id(&with_auth("Bearer x")), None);
        assert_eq!(access_key_id(&HeaderMap::new()), None);
        assert_eq!(
            access_key_id(&with_auth("AWS4-HMAC-SHA256 Credential=")),
            None
        );
    }

    fn keys() -> Vec<AccessKey> {
        vec![
            AccessKey::new("OTHER", "other-secret"),
            AccessKey::new("AKIDLOCAL", "local-secret"),
        ]
    }

    const BODY: &[u8] = br#"{"TicketId":"t"}"#;

    /// 2026-01-01T00:00:00Z, the signing time of the tests.
    fn t0() -> SystemTime {
        parse_amz_date("20260101T000000Z").unwrap()
    }

    /// A request as an AWS SDK sends it (awsJson1_1), signed with `secret` at `at`.
    fn signed(akid: &str, secret: &str, at: SystemTime) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_static("127.0.0.1:9080"));
        h.insert(
            "content-type",
            HeaderValue::from_static("application/x-amz-json-1.1"),
        );
        h.insert(
            "x-amz-target",
            HeaderValue::from_static("GameLift.StopMatchmaking"),
        );
        let key = AccessKey::new(akid, secret);
        let req = SignedRequest {
            method: "POST",
            path: "/",
            query: None,
            headers: &h,
            body: BODY,
        };
        let names = ["content-type", "host", "x-amz-target"];
        let headers = names
            .iter()
            .map(|n| (*n, h.get(*n).unwrap().to_str().unwrap()))
            .collect();
        let signature = resign(&req, headers, &key, "us-west-2", "gamelift", at).unwrap();
        let date = format_amz_date(at);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={akid}/{}/us-west-2/gamelift/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}",
            &date[..8]
        );
        h.insert("x-amz-date", HeaderValue::from_str(&date).unwrap());
        h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        h
    }

    fn run(h: &HeaderMap, body: &[u8], now: SystemTime) -> Result<(), ApiError> {
        let req = SignedRequest {
            method: "POST",
            path: "/",
            query: None,
            headers: h,
            body,
        };
        check(&req, &keys(), now)
    }

    #[test]
    fn check_is_off_by_default_and_strict_when_on() {
        let unsigned = HeaderMap::new();
        let req = SignedRequest {
            method: "POST",
            path: "/",
            query: None,
            headers: &unsigned,
            body: b"",
        };
        assert!(check(&req, &[], t0()).is_ok());
        assert!(run(&signed("AKIDLOCAL", "local-secret", t0()), BODY, t0()).is_ok());
        let stranger = with_auth(SIGNED);
        let req = SignedRequest {
            headers: &stranger,
            ..req
        };
        let e = check(&req, &[AccessKey::new("OTHER", "other-secret")], t0()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert!(e.message.contains("AKIDLOCAL"));
        let e = run(&HeaderMap::new(), BODY, t0()).unwrap_err();
        assert!(e.message.contains("unsigned"));
    }

    /// Issue 15 finding 2: a wrong secret, `Signature=00`, a tampered body and a malformed
    /// header were all accepted when only the key id was checked.
    #[test]
    fn only_a_signature_made_with_the_configured_secret_passes() {
        let wrong = run(&signed("AKIDLOCAL", "wrong-secret", t0()), BODY, t0()).unwrap_err();
        assert_eq!(wrong.code, ErrorCode::InvalidSignature);
        assert!(
            wrong.message.contains("does not match"),
            "{}",
            wrong.message
        );
        assert!(!wrong.message.contains("local-secret"));

        let mut zero = signed("AKIDLOCAL", "local-secret", t0());
        let auth = zero.get("authorization").unwrap().to_str().unwrap();
        let auth = format!("{}Signature=00", &auth[..auth.find("Signature=").unwrap()]);
        zero.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        assert_eq!(
            run(&zero, BODY, t0()).unwrap_err().code,
            ErrorCode::InvalidSignature
        );

        let tampered = run(
            &signed("AKIDLOCAL", "local-secret", t0()),
            br#"{"TicketId":"u"}"#,
            t0(),
        );
        assert_eq!(tampered.unwrap_err().code, ErrorCode::InvalidSignature);

        for malformed in [
            "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-west-2/gamelift/aws4_request",
            "AWS4-HMAC-SHA256 garbage",
            "Basic QUtJRExPQ0FMOng=",
            "AWS4-HMAC-SHA256 Credential=AKIDLOCAL, SignedHeaders=host, Signature=00",
        ] {
            let mut h = signed("AKIDLOCAL", "local-secret", t0());
            h.insert("authorization", HeaderValue::from_str(malformed).unwrap());
            let e = run(&h, BODY, t0()).unwrap_err();
            assert_eq!(e.code, ErrorCode::IncompleteSignature, "{malformed}: {e:?}");
        }
    }

    /// The service allows 5 minutes of clock skew either way and answers a request signed
    /// longer ago `InvalidSignatureException: Signature expired: ...`.
    #[test]
    fn a_signature_older_or_newer_than_the_allowed_skew_is_refused() {
        let h = signed("AKIDLOCAL", "local-secret", t0());
        let skew = MAX_CLOCK_SKEW;
        assert!(run(&h, BODY, t0() + skew).is_ok());
        assert!(run(&h, BODY, t0() - skew).is_ok());
        let late = run(&h, BODY, t0() + skew + Duration::from_secs(1)).unwrap_err();
        assert_eq!(late.code, ErrorCode::InvalidSignature);
        assert!(
            late.message.starts_with(
                "Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z"
            ),
            "{}",
            late.message
        );
        let early = run(&h, BODY, t0() - skew - Duration::from_secs(1)).unwrap_err();
        assert!(
            early.message.starts_with("Signature not yet current"),
            "{}",
            early.message
        );
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let shown = format!("{:?}", AccessKey::new("AKIDLOCAL", "local-secret"));
        assert!(!shown.contains("local-secret"), "{shown}");
    }
}
