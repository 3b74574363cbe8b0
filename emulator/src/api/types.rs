//! Building blocks for typed handler inputs and outputs.
//!
//! Handlers exchange plain serde structs with the router. The router goes
//! wire bytes → neutral value tree (`serde_json::Value`) → validated against
//! the model → `serde_json::from_value::<Input>`, and back the same way. In the
//! neutral tree a timestamp is a number of epoch seconds and a blob is a base64
//! string, whatever the protocol; the types here give those a Rust face.
//!
//! Writing a struct pair for an operation:
//! ```
//! use playfield::api::types::Timestamp;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! struct StopMatchmakingInput {
//!     ticket_id: String, // required in the model: already checked by the router
//! }
//!
//! #[derive(Serialize, Default)]
//! #[serde(rename_all = "PascalCase")]
//! struct Ticket {
//!     ticket_id: String,
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     start_time: Option<Timestamp>,
//! }
//! ```
//! Member names are the model's (PascalCase); names that `rename_all` spells
//! differently (`EC2InstanceType`, `UDPEndpoint`, `S`/`N`/`SL`/`SDM`) need an
//! explicit `#[serde(rename = "...")]`. Members the struct leaves out are
//! ignored on input; on output, `None` should be skipped (the encoders drop
//! `null` anyway) and members the model does not know are not sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, carried as epoch seconds with a fraction.
///
/// On the wire this is a JSON number (awsJson1_1) or CBOR tag 1 + float
/// (rpcv2Cbor); the encoders take care of that from the model.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Timestamp(f64);

impl Timestamp {
    /// From epoch seconds (fraction allowed).
    pub fn from_epoch_secs(secs: f64) -> Timestamp {
        Timestamp(secs)
    }

    /// From epoch milliseconds: the natural unit of an injected clock.
    pub(crate) fn from_epoch_millis(millis: i64) -> Timestamp {
        Timestamp(millis as f64 / 1000.0)
    }

    /// Epoch seconds with fraction.
    pub fn epoch_secs(self) -> f64 {
        self.0
    }

    /// Epoch milliseconds, rounded.
    pub fn epoch_millis(self) -> i64 {
        (self.0 * 1000.0).round() as i64
    }

    /// The current wall-clock time (the core uses its own clock; this is for
    /// tests and tools).
    pub fn now() -> Timestamp {
        Timestamp::from(SystemTime::now())
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Timestamp {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp(d.as_secs_f64()),
            Err(e) => Timestamp(-e.duration().as_secs_f64()),
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> SystemTime {
        let d = Duration::from_secs_f64(t.0.abs().min(1e15));
        if t.0 >= 0.0 {
            UNIX_EPOCH + d
        } else {
            UNIX_EPOCH - d
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        // Integers are accepted too: the validator normalises, but a struct
        // may also be built from a hand-written JSON value in a test.
        f64::deserialize(d).map(Timestamp)
    }
}

/// Binary data (`blob` shapes): base64 in the neutral tree and in awsJson1_1,
/// a CBOR byte string in rpcv2Cbor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Blob, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Blob)
            .map_err(serde::de::Error::custom)
    }
}

/// Input or output of an operation with no members: reads anything, writes `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips_through_json() {
        let t = Timestamp::from_epoch_millis(1_700_000_000_123);
        let v = serde_json::to_value(t).unwrap();
        assert_eq!(v, serde_json::json!(1_700_000_000.123));
        let back: Timestamp = serde_json::from_value(serde_json::json!(1_700_000_000)).unwrap();
        assert_eq!(back.epoch_millis(), 1_700_000_000_000);
        assert_eq!(
            Timestamp::from(SystemTime::from(t)).epoch_millis(),
            t.epoch_millis()
        );
    }

    #[test]
    fn blob_is_base64_in_the_tree() {
        let v = serde_json::to_value(Blob(b"hi".to_vec())).unwrap();
        assert_eq!(v, serde_json::json!("aGk="));
        assert_eq!(serde_json::from_value::<Blob>(v).unwrap().0, b"hi");
    }

    #[test]
    fn empty_accepts_anything_and_writes_braces() {
        let _: Empty = serde_json::from_value(serde_json::json!({"Unknown": 1})).unwrap();
        assert_eq!(serde_json::to_string(&Empty {}).unwrap(), "{}");
    }
}
