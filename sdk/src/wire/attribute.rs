//! A player attribute as the SDK sends it in `StartMatchBackfill` (§5.6).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// One player attribute value: `{"AttrType":"DOUBLE","N":23}` and its siblings.
///
/// Only the key that matches `AttrType` is read, as the C++ SDK does. The Go SDK leaves out an
/// empty `S`, `SL` or `SDM`, so a missing value key reads as empty. `AttrType` is matched without
/// regard to case, as the Go SDK does (§9 row 19).
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// `AttrType: NONE`: an attribute declared without a value.
    None,
    /// `AttrType: STRING`, value in `S`.
    String(String),
    /// `AttrType: DOUBLE`, value in `N` (an integer or a float on the wire).
    Double(f64),
    /// `AttrType: STRING_LIST`, value in `SL`.
    StringList(Vec<String>),
    /// `AttrType: STRING_DOUBLE_MAP`, value in `SDM`.
    StringDoubleMap(BTreeMap<String, f64>),
}

impl AttributeValue {
    /// The `AttrType` string for this value.
    pub fn attr_type(&self) -> &'static str {
        match self {
            AttributeValue::None => "NONE",
            AttributeValue::String(_) => "STRING",
            AttributeValue::Double(_) => "DOUBLE",
            AttributeValue::StringList(_) => "STRING_LIST",
            AttributeValue::StringDoubleMap(_) => "STRING_DOUBLE_MAP",
        }
    }
}

/// The raw wire object, before `AttrType` picks which key counts.
#[derive(Serialize, Deserialize, Default)]
struct RawAttribute {
    #[serde(rename = "AttrType", default)]
    attr_type: String,
    #[serde(rename = "S", default, skip_serializing_if = "Option::is_none")]
    s: Option<String>,
    #[serde(rename = "N", default, skip_serializing_if = "Option::is_none")]
    n: Option<f64>,
    #[serde(rename = "SL", default, skip_serializing_if = "Option::is_none")]
    sl: Option<Vec<String>>,
    #[serde(rename = "SDM", default, skip_serializing_if = "Option::is_none")]
    sdm: Option<BTreeMap<String, f64>>,
}

impl Serialize for AttributeValue {
    /// Always writes the typed key (the C++ form), which both SDKs and the service read.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut raw = RawAttribute {
            attr_type: self.attr_type().to_owned(),
            ..RawAttribute::default()
        };
        match self {
            AttributeValue::None => {}
            AttributeValue::String(s) => raw.s = Some(s.clone()),
            AttributeValue::Double(n) => raw.n = Some(*n),
            AttributeValue::StringList(l) => raw.sl = Some(l.clone()),
            AttributeValue::StringDoubleMap(m) => raw.sdm = Some(m.clone()),
        }
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawAttribute::deserialize(deserializer)?;
        match raw.attr_type.to_ascii_uppercase().as_str() {
            "NONE" => Ok(AttributeValue::None),
            "STRING" => Ok(AttributeValue::String(raw.s.unwrap_or_default())),
            "DOUBLE" => raw
                .n
                .map(AttributeValue::Double)
                .ok_or_else(|| D::Error::custom("AttrType DOUBLE needs a number in N")),
            "STRING_LIST" => Ok(AttributeValue::StringList(raw.sl.unwrap_or_default())),
            "STRING_DOUBLE_MAP" => Ok(AttributeValue::StringDoubleMap(raw.sdm.unwrap_or_default())),
            other => Err(D::Error::custom(format!(
                "unknown AttrType {other:?}, expected NONE, STRING, DOUBLE, STRING_LIST or STRING_DOUBLE_MAP"
            ))),
        }
    }
}
