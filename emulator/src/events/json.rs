//! One place to turn render structs into JSON text.
//!
//! The render structs hold only strings, numbers, booleans and string-keyed maps, for which
//! `serde_json` cannot fail; should that ever change, the failure is logged and an empty object
//! is sent rather than a panic in the delivery path.

use serde::Serialize;

/// Serialises `value` to compact JSON.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    match serde_json::to_string(value) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "events: render produced unserialisable JSON");
            "{}".to_owned()
        }
    }
}
