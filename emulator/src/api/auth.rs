//! Optional caller check: the access key ID in the SigV4 `Authorization` header.
//!
//! Both SDKs sign every request with SigV4 (`Authorization: AWS4-HMAC-SHA256
//! Credential=<AKID>/<date>/<region>/gamelift/aws4_request, SignedHeaders=...,
//! Signature=...`). Playfield accepts any signature: it runs on a developer's
//! machine, and verifying would only force everyone to share a secret. When
//! an access key is configured, the key ID in `Credential=` must match it —
//! enough to keep two local stacks or a stray script apart. The signature
//! itself is NOT verified; anyone who knows the key ID gets in.

use axum::http::HeaderMap;

use super::error::{ApiError, ErrorCode};

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
        .and_then(|auth| {
            let rest = &auth[auth.find("Credential=")? + "Credential=".len()..];
            rest.split([',', ' ']).next()
        });
    scope.into_iter().flat_map(|s| s.split('/'))
}

/// Check the caller against the configured keys (none: no check).
pub(crate) fn check(headers: &HeaderMap, accepted: &[String]) -> Result<(), ApiError> {
    if accepted.is_empty() {
        return Ok(());
    }
    match access_key_id(headers) {
        Some(akid) if accepted.iter().any(|k| k == akid) => Ok(()),
        Some(akid) => Err(ApiError::new(
            ErrorCode::Unauthorized,
            format!("The access key ID '{akid}' is not the one this Playfield instance is configured to accept"),
        )),
        None => Err(ApiError::new(
            ErrorCode::Unauthorized,
            "This Playfield instance requires requests signed with its configured access key ID \
             (SigV4 Authorization header with Credential=<AccessKeyId>/...); the request is unsigned",
        )),
    }
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

    #[test]
    fn check_is_off_by_default_and_strict_when_on() {
        assert!(check(&HeaderMap::new(), &[]).is_ok());
        assert!(check(&with_auth(SIGNED), &["OTHER".into(), "AKIDLOCAL".into()]).is_ok());
        let e = check(&with_auth(SIGNED), &["OTHER".into()]).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert!(e.message.contains("AKIDLOCAL"));
        let e = check(&HeaderMap::new(), &["OTHER".into()]).unwrap_err();
        assert!(e.message.contains("unsigned"));
    }
}
