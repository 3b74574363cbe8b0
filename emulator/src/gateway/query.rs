//! The connect query string (sdk-wire-protocol.md §1.2).
//!
//! The two SDKs encode it differently: GO form-encodes values, CPP sends them raw, with
//! `+`, `/` and `=` in auth tokens as they are. So values are percent-decoded and `+` is
//! kept literal (§1.3, derived): turning it into a space would corrupt a CPP token.

use percent_encoding::percent_decode_str;

use playfield_core::{check_fleet_id, ConnectInfo};

/// What a connection says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ConnectParams {
    pub(crate) pid: String,
    pub(crate) fleet_id: String,
    pub(crate) compute_id: Option<String>,
    pub(crate) sdk_version: Option<String>,
    pub(crate) sdk_language: Option<String>,
    pub(crate) idempotency_token: Option<String>,
    pub(crate) authorization: Option<String>,
}

impl ConnectParams {
    /// Parses the query string (without `?`). The error is the body of the HTTP 400 that
    /// rejects the upgrade, so it says exactly which parameter is wrong.
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, String> {
        let mut p = ConnectParams::default();
        let (mut pid, mut fleet) = (None, None);
        for pair in query.unwrap_or("").split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(k)?;
            let value = decode(v)?;
            let slot = match key.as_str() {
                "pID" => &mut pid,
                "FleetId" => &mut fleet,
                "ComputeId" => &mut p.compute_id,
                "sdkVersion" => &mut p.sdk_version,
                "sdkLanguage" => &mut p.sdk_language,
                "IdempotencyToken" => &mut p.idempotency_token,
                "Authorization" => &mut p.authorization,
                // SigV4 parameters and anything newer SDKs add are accepted unverified.
                _ => continue,
            };
            *slot = Some(value).filter(|v| !v.is_empty());
        }
        p.pid = pid.ok_or(
            "missing query parameter pID: the SDK sends its process id as pID \
             (sdk-wire-protocol.md §1.2)",
        )?;
        p.fleet_id = fleet.ok_or(
            "missing query parameter FleetId: the SDK sends its fleet id as FleetId \
             (sdk-wire-protocol.md §1.2)",
        )?;
        check_fleet_id(&p.fleet_id).map_err(|m| format!("query parameter FleetId: {m}"))?;
        if p.pid.len() > 1024 {
            return Err(format!(
                "query parameter pID: {} bytes, at most 1024 allowed",
                p.pid.len()
            ));
        }
        Ok(p)
    }

    pub(crate) fn connect_info(&self) -> ConnectInfo {
        ConnectInfo {
            pid: self.pid.clone(),
            fleet_id: self.fleet_id.clone(),
            compute_id: self.compute_id.clone(),
            sdk_version: self.sdk_version.clone(),
            sdk_language: self.sdk_language.clone(),
            idempotency_token: self.idempotency_token.clone(),
        }
    }
}

fn decode(s: &str) -> Result<String, String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| format!("query parameter '{s}' is not UTF-8 once percent-decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sdk-wire-protocol.md §1.1: the GO URL form-encodes, keys sorted.
    #[test]
    fn go_style_query() {
        let p = ConnectParams::parse(Some(
            "Authorization=TOKEN&ComputeId=my-host&FleetId=fleet-1&IdempotencyToken=6f1c\
             &pID=proc-1&sdkLanguage=Go&sdkVersion=5.6.0",
        ))
        .unwrap();
        assert_eq!(p.pid, "proc-1");
        assert_eq!(p.fleet_id, "fleet-1");
        assert_eq!(p.compute_id.as_deref(), Some("my-host"));
        assert_eq!(p.sdk_language.as_deref(), Some("Go"));
        assert_eq!(p.authorization.as_deref(), Some("TOKEN"));
    }

    /// sdk-wire-protocol.md §1.3 (derived): percent-decode, keep '+' literal.
    #[test]
    fn plus_stays_literal_and_percent_sequences_decode() {
        let p = ConnectParams::parse(Some(
            "pID=a%2Fb&FleetId=fleet-1&Authorization=ab+c/d=&X-Amz-Credential=AKID%2F2025",
        ))
        .unwrap();
        assert_eq!(p.pid, "a/b");
        assert_eq!(p.authorization.as_deref(), Some("ab+c/d="));
    }

    #[test]
    fn missing_or_bad_parameters_are_named() {
        let e = ConnectParams::parse(Some("FleetId=fleet-1")).unwrap_err();
        assert!(e.starts_with("missing query parameter pID"), "{e}");
        let e = ConnectParams::parse(Some("pID=p")).unwrap_err();
        assert!(e.starts_with("missing query parameter FleetId"), "{e}");
        let e = ConnectParams::parse(Some("pID=p&FleetId=a.b")).unwrap_err();
        assert!(e.contains("FleetId"), "{e}");
        let e = ConnectParams::parse(None).unwrap_err();
        assert!(e.contains("pID"), "{e}");
    }
}
