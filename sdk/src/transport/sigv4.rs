//! SigV4 query presigning for the connect URL (sdk-wire-protocol.md §1.3).
//!
//! The SDK signs a *query*, not an HTTP request: the canonical string is just
//! `ComputeId=..&FleetId=..&pID=..` (sorted, form-escaped), hashed, and signed with the usual
//! SigV4 key derivation for service `gamelift`. The signature is made once per Connect call;
//! automatic reconnects reuse the signed URL, as both official SDKs do.

use super::url::query_escape;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::SystemTime;

type HmacSha256 = Hmac<Sha256>;

/// The SigV4 inputs.
pub(crate) struct Credentials<'a> {
    pub region: &'a str,
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub session_token: &'a str,
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `(yyyymmdd, yyyymmddTHHMMSSZ)` in UTC.
pub(crate) fn amz_dates(now: SystemTime) -> (String, String) {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    let date = format!("{year:04}{month:02}{day:02}");
    let datetime = format!("{date}T{h:02}{m:02}{s:02}Z");
    (date, datetime)
}

/// The query parameters that SigV4 adds (§1.3 step 9), values not yet escaped.
pub(crate) fn presign(
    creds: &Credentials<'_>,
    compute_id: &str,
    fleet_id: &str,
    process_id: &str,
    now: SystemTime,
) -> BTreeMap<String, String> {
    let mut to_sign = BTreeMap::new();
    to_sign.insert("ComputeId", compute_id);
    to_sign.insert("FleetId", fleet_id);
    to_sign.insert("pID", process_id);
    let canonical = to_sign
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect::<Vec<_>>()
        .join("&");
    let hashed = hex(&Sha256::digest(canonical.as_bytes()));
    let (date, datetime) = amz_dates(now);
    let scope = format!("{date}/{}/gamelift/aws4_request", creds.region);
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{datetime}\n{scope}\n{hashed}");
    let k_date = hmac(format!("AWS4{}", creds.secret_key).as_bytes(), &date);
    let k_region = hmac(&k_date, creds.region);
    let k_service = hmac(&k_region, "gamelift");
    let k_signing = hmac(&k_service, "aws4_request");
    let signature = hex(&hmac(&k_signing, &string_to_sign));

    let mut out = BTreeMap::new();
    out.insert("Authorization".to_owned(), "SigV4".to_owned());
    out.insert("X-Amz-Algorithm".to_owned(), "AWS4-HMAC-SHA256".to_owned());
    out.insert(
        "X-Amz-Credential".to_owned(),
        format!("{}/{scope}", creds.access_key),
    );
    out.insert("X-Amz-Date".to_owned(), datetime);
    out.insert("X-Amz-Signature".to_owned(), signature);
    if !creds.session_token.is_empty() {
        out.insert(
            "X-Amz-Security-Token".to_owned(),
            creds.session_token.to_owned(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_utc_civil_dates() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600 + 3_723);
        assert_eq!(
            amz_dates(t),
            ("20250101".to_owned(), "20250101T010203Z".to_owned())
        );
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_825_600); // 2000-02-29T12:00:00Z
        assert_eq!(amz_dates(leap).1, "20000229T120000Z");
    }

    /// §1.3: the signature for fixed inputs, checked against an independent implementation
    /// (Python `hmac`/`hashlib` following the same nine steps).
    #[test]
    fn signature_matches_an_independent_implementation() {
        let creds = Credentials {
            region: "us-west-2",
            access_key: "AKID",
            secret_key: "SECRET",
            session_token: "",
        };
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600);
        let q = presign(&creds, "host-1", "fleet-1", "proc-1", t);
        assert_eq!(q["Authorization"], "SigV4");
        assert_eq!(
            q["X-Amz-Credential"],
            "AKID/20250101/us-west-2/gamelift/aws4_request"
        );
        assert_eq!(q["X-Amz-Date"], "20250101T000000Z");
        assert_eq!(q["X-Amz-Signature"], EXPECTED_SIGNATURE);
        assert!(!q.contains_key("X-Amz-Security-Token"));
        let with_token = presign(
            &Credentials {
                session_token: "st",
                ..creds
            },
            "host-1",
            "fleet-1",
            "proc-1",
            t,
        );
        assert_eq!(with_token["X-Amz-Security-Token"], "st");
    }

    const EXPECTED_SIGNATURE: &str =
        "7205f40a979d1a601bd92e841dec961b2b95bf43745aecaa81f43e5893a417e0";
}
