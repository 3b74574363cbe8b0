//! Small serde helpers for the leniencies the official SDKs force on us.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// Reads `null` or a missing key as the type's default (`""`, `[]`, `{}`, `0`).
///
/// The Go SDK writes `null` for empty maps and lists where the C++ SDK writes `{}` or leaves
/// the key out (sdk-wire-protocol.md §9, rows 14 and 17); all three mean "empty".
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads a JSON object of string → string, skipping entries whose value is not a string.
///
/// `GameProperties` is an object (not the service API's `[{Key,Value}]` list); the C++ SDK
/// skips non-string values rather than failing (§4.1), and so do we.
pub(crate) fn lenient_string_map<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some((k, s)),
            _ => None,
        })
        .collect())
}
